"""example_docs/: the user guide and the example platform build warning-free,
export every kind, and document every kind, option, subtype and directive."""

from __future__ import annotations

import html
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sphinx.testing.util import SphinxTestApp

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


class Built:
    def __init__(self, outdir: Path, warnings: str) -> None:
        self.outdir = outdir
        self.warnings = warnings

    def page(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text(encoding="utf-8")

    def text(self, docname: str) -> str:
        """The page's visible text, tags stripped, entities decoded."""
        return plain(self.page(docname))

    def export(self) -> dict[str, Any]:
        return json.loads((self.outdir / "techspec.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One clean build of example_docs into a temporary folder (the source tree is not written)."""
    warning = StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=EXAMPLE_DOCS,
        builddir=tmp_path_factory.mktemp("example_docs"),
        confoverrides={"language": "en"},
        status=StringIO(),
        warning=warning,
        freshenv=True,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Built(Path(app.outdir), warning.getvalue())


def test_builds_without_any_warning(docs: Built) -> None:
    # every warning, not only ours: the bar of `-W --keep-going`
    assert "WARNING" not in docs.warnings and "ERROR" not in docs.warnings, docs.warnings


def test_export_has_every_kind_and_validates(docs: Built) -> None:
    data = docs.export()
    Draft202012Validator(schema()).validate(data)
    kinds = {item["kind"] for item in data["items"]}
    assert kinds == set(KINDS)
    assert [i for i in data["items"] if i["problems"]] == []
    specs = {i["id"] for i in data["items"] if i["kind"] == "spec"}
    assert specs == {"SPEC-CHECKOUT", "SPEC-PAYMENTS", "SPEC-INVENTORY", "SPEC-NOTIFICATIONS"}


def test_example_shows_realistic_values(docs: Built) -> None:
    items = {(i["kind"], i["spec"], i["id"]): i for i in docs.export()["items"]}
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


def test_links_all_resolve(docs: Built) -> None:
    links = docs.export()["links"]
    assert links and [link for link in links if link["status"] != "ok"] == []


def test_report_shows_the_findings_kept_on_purpose(docs: Built) -> None:
    text = docs.text("platform/index")
    for finding in ("REQ-CHK-4", "ADR-005", "ADR-002", "written against 1.0"):
        assert finding in text
    conf = (EXAMPLE_DOCS / "conf.py").read_text()
    assert set(re.findall(r'"techspec\.([\w-]+)"', conf)) == ON_PURPOSE


def test_topology_is_inline_svg(docs: Built) -> None:
    page = docs.page("platform/index")
    assert "<svg" in page and "payment-gateway" in page
    # no image file drawn for it: the only images are the guide's screenshots
    screenshots = {p.name for p in (EXAMPLE_DOCS / "guide" / "images" / "themes").glob("*.png")}
    images = {p.name for p in (docs.outdir / "_images").glob("*")}
    assert images <= screenshots, images - screenshots


def test_every_kind_and_option_is_documented(docs: Built) -> None:
    page = docs.page("guide/directives")
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


def test_every_subtype_is_documented(docs: Built) -> None:
    text = docs.text("guide/warnings")
    missing = [name for name in SUBTYPES if f"techspec.{name}" not in text]
    assert missing == []


def test_every_config_value_is_documented(docs: Built) -> None:
    text = docs.text("guide/configuration")
    for name in TechspecConfig.__dataclass_fields__:
        assert f"techspec_{name}" in text


def test_every_directive_is_documented(docs: Built) -> None:
    """Each directive name appears in the guide as code (a heading, a table, an example)."""
    guide = "".join(docs.page(f"guide/{p.stem}") for p in (EXAMPLE_DOCS / "guide").glob("*.md"))
    code = set(re.findall(r'<span class="pre">([^<]+)</span>', guide)) | set(re.findall(r"\{([\w-]+)\}", guide))
    names = [*KINDS, *AGGREGATES, *DIRECTIVES]
    assert [name for name in names if name not in code] == []


def test_schema_is_shown(docs: Built) -> None:
    text = docs.text("guide/export")
    assert '"$schema": "https://json-schema.org/draft/2020-12/schema"' in text
    assert json.dumps(sorted(KINDS)[0]) in text
