"""Every common builder writes item cards and aggregates, with no unknown nodes and no warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, Build, build
from sphinx.util.console import nocolor

# warnings are matched by text: no ANSI colour codes in them
nocolor()

#: builder -> the file holding the root document
OUTPUTS = {
    "text": "index.txt",
    "latex": "equivalence.tex",
    "man": "equivalence.1",
    "texinfo": "equivalence.texi",
    "singlehtml": "index.html",
    "epub": "index.xhtml",
}


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("builders") / "src"
    shutil.copytree(ROOTS / "test-rst", path)
    return path


def output(result: Build, name: str) -> str:
    """The whole document: one file for latex, man, texinfo and singlehtml; every page for text and epub."""
    text = "\n".join(
        p.read_text() for p in sorted(result.outdir.glob("*.*")) if p.name == name or p.suffix in {".txt", ".xhtml"}
    )
    assert text, f"no {name} written"
    # roff escapes hyphens in older docutils (``SPEC\-CHECKOUT``)
    return text.replace("\\-", "-")


@pytest.mark.parametrize("buildername", list(OUTPUTS))
def test_builder_writes_cards_and_aggregates(srcdir: Path, buildername: str) -> None:
    result = build(srcdir, buildername)
    assert result.warnings == ""
    text = output(result, OUTPUTS[buildername])
    # item cards: kind titles and IDs from every section of the spec
    for shown in ("SPEC-CHECKOUT", "checkout-api", "ORDER_CONFLICT", "SLO-AVAIL", "RP-LEDGER", "stripe-api-key"):
        assert shown in text, shown
    # derived values reach every output: the SLO's error budget
    assert "43m 12s" in text
    # aggregates: the component table's header and the topology's dependency list
    assert "Framework" in text
    assert "orders-db" in text and "ledger" in text


def test_text_output_has_topology_fallback(srcdir: Path) -> None:
    result = build(srcdir, "text")
    text = (result.outdir / "index.txt").read_text()
    assert (
        "checkout-api \N{RIGHTWARDS ARROW} ledger, orders-db" in text
        or "checkout-api \N{RIGHTWARDS ARROW} orders-db, ledger" in text
    )
    assert "<svg" not in text
    card = (result.outdir / "checkout.txt").read_text()
    assert "Component **checkout-api**" in card and "POST /api/v2/orders" in card


def test_latex_has_no_raw_svg(srcdir: Path) -> None:
    result = build(srcdir, "latex")
    tex = (result.outdir / "equivalence.tex").read_text()
    assert "<svg" not in tex and "SPEC-CHECKOUT" in tex


def test_reference_tables_are_readable_as_text(tmp_path: Path) -> None:
    """The reference directives' tables get columns as wide as their text (up to
    40 characters): the text builder writes a subtype's name on one line."""
    from conftest import write_project

    srcdir = write_project(tmp_path / "src", {"index.rst": "Reference\n=========\n\n.. techspec-subtypes::\n"})
    result = build(srcdir, "text")
    assert result.warnings == ""
    lines = (result.outdir / "index.txt").read_text().splitlines()
    # a row holds the whole subtype name, then the start of its description beside it
    row = next(line for line in lines if "undeclared-component" in line)
    assert row.split()[:3] == ["|", '"techspec.undeclared-component"', "|"]
    assert row.split()[3:6] == ["A", "circuit", "breaker's"]
    assert lines[4].split() == ["|", "Subtype", "|", "When", "|"]
