"""example_docs/: the user guide and the example platform build warning-free,
export every kind, and document every kind, option, subtype and directive."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from conftest import ExampleDocs
from jsonschema import Draft202012Validator

from sphinxcontrib_techspec.core.export import schema
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.subtypes import SUBTYPES
from sphinxcontrib_techspec.sphinx.config import TechspecConfig
from sphinxcontrib_techspec.sphinx.directives import AGGREGATES
from sphinxcontrib_techspec.sphinx.reference import DIRECTIVES

EXAMPLE_DOCS = Path(__file__).parent.parent / "example_docs"
#: findings the example platform shows on purpose (silenced in its conf.py)
ON_PURPOSE = {"uncovered-requirement", "stale-prd", "superseded-adr", "uncited-adr"}


def plain(markup: str) -> str:
    """Text without tags, entities decoded, Sphinx's smart quotes undone."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).replace("\u2019", "'")


def test_builds_without_any_warning(example_docs: ExampleDocs) -> None:
    # every warning, not only ours: the bar of `-W --keep-going`. The shared build also writes every
    # export, which conf.py does not: what an export leaves out ([techspec.export]) is that build's own
    warnings = [line for line in example_docs.warnings.splitlines() if not line.endswith("[techspec.export]")]
    assert not [line for line in warnings if "WARNING" in line or "ERROR" in line], example_docs.warnings


def test_export_has_every_kind_and_validates(example_docs: ExampleDocs) -> None:
    data = example_docs.export()
    Draft202012Validator(schema()).validate(data)
    kinds = {item["kind"] for item in data["items"]}
    assert kinds == set(KINDS)
    assert [i for i in data["items"] if i["problems"]] == []
    specs = {i["id"] for i in data["items"] if i["kind"] == "spec"}
    assert specs == {"SPEC-CHECKOUT", "SPEC-PAYMENTS", "SPEC-INVENTORY", "SPEC-NOTIFICATIONS"}


def test_example_shows_realistic_values(example_docs: ExampleDocs) -> None:
    items = {(i["kind"], i["spec"], i["id"]): i for i in example_docs.export()["items"]}
    slo = items[("slo", "SPEC-CHECKOUT", "checkout-availability-30d")]["fields"]
    assert slo["window"] == 30 * 86400 and slo["error-budget-seconds"] == pytest.approx(2592)
    # the front matter header is the same item a directive would give
    checkout = next(i for i in items.values() if i["kind"] == "spec" and i["id"] == "SPEC-CHECKOUT")
    assert checkout["docname"] == "platform/checkout" and checkout["fields"]["prd"][0]["version"] == "2.1"
    # the same endpoint ID in two specs is two items
    assert ("api-endpoint", "SPEC-CHECKOUT", "GET /health") in items
    assert ("api-endpoint", "SPEC-PAYMENTS", "GET /health") in items
    # ADR files are read as ADR items
    adr = next(i for i in items.values() if i["kind"] == "adr" and i["id"] == "ADR-007")
    assert adr["fields"]["status"] == "accepted" and adr["docname"] == "platform/adr/007-kotlin-for-stock-service"


def test_links_all_resolve(example_docs: ExampleDocs) -> None:
    links = example_docs.export()["links"]
    assert links and [link for link in links if link["status"] != "ok"] == []


def test_report_shows_the_findings_kept_on_purpose(example_docs: ExampleDocs) -> None:
    text = example_docs.text("platform/index")
    for finding in ("REQ-CHK-4", "ADR-005", "ADR-002", "written against 1.0"):
        assert finding in text
    conf = (EXAMPLE_DOCS / "conf.py").read_text()
    assert set(re.findall(r'"techspec\.([\w-]+)"', conf)) == ON_PURPOSE


def test_topology_is_inline_svg(example_docs: ExampleDocs) -> None:
    page = example_docs.page("platform/index")
    assert "<svg" in page and "payment-gateway" in page
    # no image file drawn for it: the only images are the guide's screenshots
    screenshots = {p.name for p in (EXAMPLE_DOCS / "guide" / "images" / "themes").glob("*.png")}
    images = {p.name for p in (example_docs.outdir / "_images").glob("*")}
    assert images <= screenshots, images - screenshots


def test_every_kind_and_option_is_documented(example_docs: ExampleDocs) -> None:
    page = example_docs.page("guide/directives")
    for kind in KINDS.values():
        start = page.find(f'<section id="techspec-kind-{kind.name}">')
        assert start >= 0, kind.name
        end = page.find("</section>", start)
        section = plain(page[start:end])
        assert kind.doc.replace("``", "") in section
        for field in kind.fields:
            assert f":{field.name}:" in section, (kind.name, field.name)
        for derived in kind.derived_fields:
            assert derived.name in section, (kind.name, derived.name)


def test_every_subtype_is_documented(example_docs: ExampleDocs) -> None:
    text = example_docs.text("guide/warnings")
    missing = [name for name in SUBTYPES if f"techspec.{name}" not in text]
    assert missing == []


def test_every_config_value_is_documented(example_docs: ExampleDocs) -> None:
    text = example_docs.text("guide/configuration")
    for name in TechspecConfig.__dataclass_fields__:
        assert f"techspec_{name}" in text


def test_every_directive_is_documented(example_docs: ExampleDocs) -> None:
    """Each directive name appears in the guide as code (a heading, a table, an example)."""
    guide = "".join(example_docs.page(f"guide/{p.stem}") for p in (EXAMPLE_DOCS / "guide").glob("*.md"))
    code = set(re.findall(r'<span class="pre">([^<]+)</span>', guide)) | set(re.findall(r"\{([\w-]+)\}", guide))
    names = [*KINDS, *AGGREGATES, *DIRECTIVES]
    assert [name for name in names if name not in code] == []


def test_schema_is_shown(example_docs: ExampleDocs) -> None:
    text = example_docs.text("guide/export")
    assert '"$schema": "https://json-schema.org/draft/2020-12/schema"' in text
    assert json.dumps(sorted(KINDS)[0]) in text
