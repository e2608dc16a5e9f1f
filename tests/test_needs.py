"""The sphinx-needs bridge, proven on real sphinx-needs projects.

``test-needs`` is a payments project with both extensions: techspec items, a
``.. req::`` need the items satisfy, a needtable and a ``:need:`` reference.
``test-needs-import`` is a second project that imports the first one's
``needs.json`` through ``needs_external_needs``.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import sphinx
from conftest import ROOTS, Build, build

from sphinxcontrib_techspec.core.model import Item
from sphinxcontrib_techspec.sphinx.needs import field_name, need_id

SLO = "TS_SLO_SPEC_PAY__CHECKOUT_P95"
API = "TS_COMPONENT_SPEC_PAY__API"
DB = "TS_COMPONENT_SPEC_PAY__DB"
WRITER = "TS_COMPONENT_SPEC_LEDGER__WRITER"


def copy_root(name: str, dest: Path) -> Path:
    shutil.copytree(ROOTS / name, dest)
    return dest


#: Sphinx 7.4 writes nothing when no document is outdated, so sphinx-needs' builder
#: then leaves no needs.json after an html build of the same environment
OLD_SPHINX = sphinx.version_info < (8,)


def needs_json(result: Build) -> dict[str, dict[str, Any]]:
    data = json.loads((result.outdir / "needs.json").read_text())
    return data["versions"][data["current_version"]]["needs"]  # type: ignore[no-any-return]


def table_ids(html: str) -> list[str]:
    return re.findall(r'data-need-id="([^"]+)"', html)


@pytest.fixture
def payments(tmp_path: Path) -> Path:
    return copy_root("test-needs", tmp_path / "payments")


# -- names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (Item("requirement", "REQ-1", "d", 1, spec="SPEC-A"), "TS_REQUIREMENT_REQ_1"),
        (
            Item("api-endpoint", "GET /api/v1/orders", "d", 1, spec="SPEC-A"),
            "TS_API_ENDPOINT_SPEC_A__GET_API_V1_ORDERS",
        ),
        (Item("component", "db", "d", 1), "TS_COMPONENT_DB"),
        (Item("component", "été", "d", 1, spec="S"), "TS_COMPONENT_S__T"),
    ],
)
def test_need_ids_are_upper_case_and_scoped_like_the_item(item: Item, expected: str) -> None:
    assert need_id(item) == expected


def test_need_ids_of_a_non_ascii_id_stay_distinct() -> None:
    first, second = (need_id(Item("component", name, "d", 1, spec="S")) for name in ("日本", "中文"))
    assert first != second and first.startswith("TS_COMPONENT_S__")


def test_field_names_are_usable_in_filter_strings() -> None:
    assert field_name("depends-on") == "depends_on"
    assert field_name("description") == "ts_description"  # sphinx-needs' legacy name for content
    assert field_name("async") == "ts_async"  # a Python keyword
    assert field_name("owner") == "owner"


# -- one project with both extensions ---------------------------------------------


def test_items_are_needs_seen_by_needtable_and_need_role(payments: Path) -> None:
    result = build(payments)
    assert result.warnings == ""
    html = result.html("index")
    # the needtable filtered by type lists our SLO and components, not the req need
    assert sorted(table_ids(html)) == sorted([API, DB, WRITER, SLO])
    # our card carries the need ID, so need links land on it
    assert f'id="{SLO}"' in html and f'id="{API}"' in html
    assert re.search(rf'href="#{SLO}"[^>]*><em[^>]*>checkout-p95', html)
    # a requirement kept as a need, named by :satisfies:, is linked from the card
    assert 'href="reqs.html#REQ_LOGIN"' in html


def test_needs_json_holds_items_with_fields_and_links(payments: Path) -> None:
    result = build(payments, "needs")
    assert result.warnings == ""
    needs = needs_json(result)
    slo, api = needs[SLO], needs[API]
    assert (slo["type"], slo["title"], slo["docname"], slo["spec"]) == ("ts-slo", "checkout-p95", "index", "SPEC-PAY")
    assert (slo["target"], slo["window"], slo["error_budget_percent"]) == ("p95 < 300ms", "30d", 5)
    assert slo["sli"] == ["TS_SLI_SPEC_PAY__CHECKOUT_LATENCY"]
    assert slo["component"] == [API]
    assert slo["sections"] == ["Architecture", "Payments"]
    assert api["depends_on"] == [DB] and api["owner"] == "payments"
    assert api["satisfies"] == ["REQ_LOGIN", "TS_REQUIREMENT_REQ_1"]
    # resolved the way techspec resolves: the ledger's writer depends on SPEC-PAY's api
    assert needs[WRITER]["depends_on"] == [API] and needs[WRITER]["spec"] == "SPEC-LEDGER"
    # back links: sphinx-needs counts what satisfies its own requirement
    assert needs["REQ_LOGIN"]["satisfies_back"] == [API]
    assert needs["TS_REQUIREMENT_REQ_1"]["prd"] == ["TS_PRD_PRD_1"]
    assert needs["TS_SPEC_SPEC_PAY"]["status"] == "current"
    assert needs["TS_SLI_SPEC_PAY__CHECKOUT_LATENCY"]["ts_description"] == "p95 of checkout"


#: stands in for Graphviz's ``dot`` (not installed here): writes the DOT source into the SVG
FAKE_DOT = """\
#!{python}
import sys
code = sys.stdin.read()
for arg in sys.argv[1:]:
    if arg.startswith("-o") and not arg.endswith(".map"):
        open(arg[2:], "w").write("<svg><!--" + code.replace("--", "- -") + "--></svg>")
"""


def test_needflow_draws_items_and_their_links(payments: Path, tmp_path: Path) -> None:
    dot = tmp_path / "dot"
    dot.write_text(FAKE_DOT.format(python=sys.executable))
    dot.chmod(0o755)
    index = payments / "index.rst"
    index.write_text(index.read_text() + '\n.. needflow::\n   :engine: graphviz\n   :filter: type == "ts-component"\n')
    result = build(payments, graphviz_dot=str(dot), graphviz_output_format="svg")
    assert result.warnings == ""
    (svg,) = (result.outdir / "_images").glob("needflow-*.svg")
    edges = set(re.findall(r'"(TS_\w+)" -> "(TS_\w+)"', svg.read_text()))
    assert edges == {(API, DB), (WRITER, API)}


def test_the_spec_directive_stays_ours_in_either_order(payments: Path) -> None:
    conf = payments / "conf.py"
    conf.write_text(
        conf.read_text().replace(
            '["myst_parser", "sphinxcontrib_techspec", "sphinx_needs"]',
            '["sphinx_needs", "myst_parser", "sphinxcontrib_techspec"]',
        )
    )
    result = build(payments, "needs")
    assert result.warnings == ""
    needs = needs_json(result)
    assert needs["TS_SPEC_SPEC_PAY"]["type"] == "ts-spec"
    assert not [n for n in needs.values() if n["type"] == "spec"]


def test_a_configured_spec_need_type_is_kept_beside_our_spec(payments: Path) -> None:
    """Adding techspec takes no need type away: ``spec`` blocks with need options are needs."""
    conf = payments / "conf.py"
    conf.write_text(
        conf.read_text()
        + (
            'needs_types = [{"directive": "req", "title": "Requirement", "prefix": "R_"},'
            ' {"directive": "spec", "title": "Spec", "prefix": "S_"},'
            ' {"directive": "needspec", "title": "Specification", "prefix": "S_"}]\n'
        )
    )
    reqs = payments / "reqs.rst"
    reqs.write_text(reqs.read_text() + "\n.. spec:: Login form\n   :id: S_LOGIN\n   :links: REQ_LOGIN\n")
    result = build(payments, "needs")
    assert result.warnings == ""
    needs = needs_json(result)
    assert needs["TS_SPEC_SPEC_PAY"]["type"] == "ts-spec"
    assert (needs["S_LOGIN"]["type"], needs["S_LOGIN"]["links"]) == ("spec", ["REQ_LOGIN"])


def test_incremental_build_relinks_unchanged_pages(payments: Path) -> None:
    """A need added on another page: the unchanged page's link and warning follow."""
    index = payments / "index.rst"
    index.write_text(
        index.read_text().replace(":satisfies: REQ-1, REQ_LOGIN", ":satisfies: REQ-1, REQ_LOGIN, REQ_AUDIT")
    )
    first = build(payments)
    assert first.subtypes() == ["unknown-ref"] and "REQ_AUDIT" in first.warnings
    reqs = payments / "reqs.rst"
    reqs.write_text(reqs.read_text() + "\n.. req:: Every payment is audited\n   :id: REQ_AUDIT\n")
    second = build(payments)
    assert second.warnings == ""
    assert 'href="reqs.html#REQ_AUDIT"' in second.html("index")
    third = build(payments, "needs", freshenv=OLD_SPHINX)
    assert needs_json(third)[API]["satisfies"] == ["REQ_AUDIT", "REQ_LOGIN", "TS_REQUIREMENT_REQ_1"]
    assert needs_json(third)["REQ_AUDIT"]["satisfies_back"] == [API]


def test_parallel_build_gives_the_serial_needs(tmp_path: Path) -> None:
    serial = build(copy_root("test-needs", tmp_path / "serial"), "needs")
    parallel = build(copy_root("test-needs", tmp_path / "parallel"), "needs", parallel=2)
    assert parallel.warnings == ""

    def ours(result: Build) -> dict[str, Any]:
        keep = ("type", "title", "docname", "spec", "depends_on", "satisfies", "satisfies_back", "component", "sli")
        return {k: {f: n[f] for f in keep} for k, n in needs_json(result).items()}

    assert ours(parallel) == ours(serial)
    assert WRITER in ours(parallel)


# -- a second project importing the first one's needs ------------------------------


def test_external_needs_import_our_items_and_satisfy_counts(tmp_path: Path) -> None:
    first = build(copy_root("test-needs", tmp_path / "payments"), "needs")
    external = [
        {
            "base_url": "https://payments.example.org",
            "json_path": str(first.outdir / "needs.json"),
            "id_prefix": "P1_",
        }
    ]
    checkout = copy_root("test-needs-import", tmp_path / "checkout")
    result = build(checkout, needs_external_needs=external)
    assert result.warnings == ""
    html = result.html("index")
    # :need: to one of our items, imported as an external need
    assert f'href="https://payments.example.org/index.html#{SLO}"' in html
    # a needtable over the imported needs sees our SLO with its fields and links
    assert table_ids(html) == [f"P1_{SLO}", "P1_REQ_LOGIN"]
    assert "p95 &lt; 300ms" in html and f">P1_{API}<" in html
    # :satisfies: naming an external need requirement links to it, in the card and the matrix
    ours = re.findall(r'href="([^"]+)"[^>]*><span class="techspec-ref techspec-ref-requirement">P1_REQ_LOGIN<', html)
    assert ours == ["https://payments.example.org/reqs.html#REQ_LOGIN"] * 2
    # ... and sphinx-needs counts it: the imported requirement's back link
    start = html.index('data-need-id="P1_REQ_LOGIN"')
    assert 'href="#TS_COMPONENT_SPEC_APP__WEB"' in html[start : html.index("</tr>", start)]
    needs = needs_json(build(checkout, "needs", freshenv=OLD_SPHINX, needs_external_needs=external))
    assert needs["TS_COMPONENT_SPEC_APP__WEB"]["satisfies"] == ["P1_REQ_LOGIN", "TS_REQUIREMENT_REQ_A"]


def test_an_id_that_is_no_need_is_still_unknown(tmp_path: Path) -> None:
    checkout = copy_root("test-needs-import", tmp_path / "checkout")
    result = build(checkout)  # no external needs: P1_REQ_LOGIN names nothing
    assert "P1_REQ_LOGIN" in result.warnings
    assert "unknown-ref" in result.subtypes()
