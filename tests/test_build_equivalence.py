"""The same spec in RST, MyST backtick fences and MyST colon fences gives the same items and cards."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOTS, Build, build
from docutils import nodes
from sphinx.util.console import nocolor
from test_build_incremental import main_body

from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.sphinx.cards import Links, complete
from sphinxcontrib_techspec.sphinx.nodes import techspec_item

# warnings are matched by text: no ANSI colour codes in them
nocolor()

#: what an item says; where it was written (docname, lineno) may differ by syntax
COMPARED = ("kind", "id", "spec", "title", "anchor", "fields", "raw", "fingerprint", "problems")


def to_colon_fences(text: str) -> str:
    """MyST backtick directive fences -> colon fences (the same directive, the other syntax)."""
    converted = re.sub(r"^```(\{[\w:-]+\}.*)$", r":::\1", text, flags=re.M)
    return re.sub(r"^```$", ":::", converted, flags=re.M)


def build_root(tmp_path: Path, root: str, colon: bool = False) -> Build:
    srcdir = tmp_path / (root + ("-colon" if colon else ""))
    shutil.copytree(ROOTS / root, srcdir)
    if colon:
        for source in srcdir.glob("*.md"):
            text = source.read_text()
            converted = to_colon_fences(text)
            assert "```" not in converted
            source.write_text(converted)
    return build(srcdir)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    tmp = tmp_path_factory.mktemp("equivalence")
    return {
        "rst": build_root(tmp, "test-rst"),
        "myst": build_root(tmp, "test-myst"),
        "colon": build_root(tmp, "test-myst", colon=True),
    }


def items(result: Build) -> dict[tuple[str, str], dict[str, Any]]:
    return {(i["kind"], i["id"]): {k: i[k] for k in COMPARED} for i in result.export()["items"]}


def test_every_kind_is_in_the_roots(builds: dict[str, Build]) -> None:
    kinds = {kind for kind, _ in items(builds["rst"])}
    assert kinds == set(KINDS)


@pytest.mark.parametrize("syntax", ["rst", "myst", "colon"])
def test_roots_build_without_warnings(builds: dict[str, Build], syntax: str) -> None:
    assert builds[syntax].warnings == ""


@pytest.mark.parametrize("syntax", ["myst", "colon"])
def test_same_items_as_rst(builds: dict[str, Build], syntax: str) -> None:
    expected, got = items(builds["rst"]), items(builds[syntax])
    assert sorted(got) == sorted(expected)
    for key in expected:
        assert got[key] == expected[key], key


@pytest.mark.parametrize("syntax", ["myst", "colon"])
def test_bodies_are_the_same(builds: dict[str, Build], syntax: str) -> None:
    def bodies(result: Build) -> dict[tuple[str, str], str]:
        index = result.app.env.get_domain("techspec").index  # type: ignore[attr-defined]
        return {(i.kind, i.id): i.body.strip() for i in index.items}

    assert bodies(builds[syntax]) == bodies(builds["rst"])
    assert "def create(self, order: OrderCreate)" in bodies(builds["rst"])[("service-interface", "OrderService")]


def test_front_matter_gives_the_directive_spec(builds: dict[str, Build]) -> None:
    """ledger.md declares SPEC-LEDGER as front matter; ledger.rst as a directive."""
    myst = items(builds["myst"])[("spec", "SPEC-LEDGER")]
    assert myst == items(builds["rst"])[("spec", "SPEC-LEDGER")]
    assert myst["fields"]["prd"] == [{"id": "PRD-CHECKOUT", "version": "2.1"}]
    assert myst["fields"]["version"] == "0.3"
    # the items of the front-matter page belong to its spec
    assert items(builds["myst"])[("component", "ledger")]["spec"] == "SPEC-LEDGER"


def merge_text(node: nodes.Element) -> None:
    """MyST gives a soft line break its own Text node; RST keeps it in one. Same text, same shape."""
    children: list[nodes.Node] = []
    for child in node.children:
        if isinstance(child, nodes.Text) and children and isinstance(children[-1], nodes.Text):
            children[-1] = nodes.Text(children[-1] + child)
        else:
            children.append(child)
    node.children = []
    node.extend(children)


def cards(result: Build, docname: str) -> dict[str, str]:
    """Every item card of a page as written, as text, without source positions
    (HTML builders complete a card in the writer: completed here as it does)."""
    builder = result.app.builder
    doctree = result.app.env.get_and_resolve_doctree(docname, builder)
    links = Links(result.app.env, builder, docname, late=False)
    out = {}
    for card in doctree.findall(techspec_item):
        complete(card, links)
        card = card.deepcopy()
        for node in card.findall(nodes.Element):
            for attr in ("source", "line"):
                node.attributes.pop(attr, None)
            node.source, node.line = None, None
            merge_text(node)
        out[f"{card['kind']}:{card['techspec_id']}"] = card.pformat()
    return out


@pytest.mark.parametrize("syntax", ["myst", "colon"])
@pytest.mark.parametrize("docname", ["checkout", "ledger"])
def test_same_item_cards(builds: dict[str, Build], syntax: str, docname: str) -> None:
    expected, got = cards(builds["rst"], docname), cards(builds[syntax], docname)
    assert list(got) == list(expected)
    for key in expected:
        assert got[key] == expected[key], key


def test_cards_show_fields_and_links(builds: dict[str, Build]) -> None:
    card = cards(builds["rst"], "checkout")["component:checkout-api"]
    assert 'refid="techspec-component-orders-db"' in card  # a link to an item of the same page
    assert 'refid="techspec-spec-SPEC-CHECKOUT"' in card  # the owning spec badge
    table = cards(builds["rst"], "checkout")["db-table:orders"]
    assert "total_cents" in table and "orders_buyer_idx" in table
    # a schema body is parsed into fields, so it is shown as written, not read as markup
    schema = cards(builds["rst"], "checkout")["data-schema:OrderCreate"]
    assert "<literal_block" in schema and "<paragraph>\n                    buyer_id" not in schema


@pytest.mark.parametrize("syntax", ["rst", "myst", "colon"])
def test_aggregate_html_is_the_same(builds: dict[str, Build], syntax: str) -> None:
    def body(result: Build) -> str:
        # the headings' anchors differ by parser; the aggregates follow the first one
        html = main_body(result.html("index"))
        return html[html.index('<table class="') :]

    assert body(builds[syntax]) == body(builds["rst"])
    shown = body(builds["rst"])
    for aggregate in (
        "techspec-table-component",
        "techspec-topology",
        "techspec-matrix",
        "techspec-report-",
        "techspec-summary-section",
    ):
        assert aggregate in shown
