"""One-item edits rewrite the pages that show the item, and no others (issue 11).

Each aggregate notes, when its page is read, what it shows (a table's kind and
specs, a summary's spec, ...); a rebuild compares only the documents it read
with what they held before. These tests pin both halves: the page that shows
the edited item is rewritten and equals a clean build's, the page that does
not show it is left as it was, and the cross-document warnings printed are
those a clean build prints.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import Build, build, write_project
from sphinx.util.console import nocolor
from test_build_incremental import main_body

nocolor()

FILES = {
    "index.rst": """
    Platform
    ========

    .. toctree::

       slos
       components
       checkout
       ledger
       requirements
    """,
    "slos.rst": """
    SLOs
    ====

    .. techspec-table:: slo
    """,
    "components.rst": """
    Components
    ==========

    .. techspec-table:: component
    """,
    "requirements.rst": """
    Requirements
    ============

    .. prd:: PRD-PAY
       :version: 1.0

    .. requirement:: REQ-1
       :prd: PRD-PAY

    .. requirement:: REQ-2
       :prd: PRD-PAY
    """,
    "checkout.rst": """
    Checkout
    ========

    .. spec:: SPEC-CHECKOUT
       :version: 1.0
       :status: current
       :prd: PRD-PAY

    .. component:: checkout-api
       :framework: FastAPI
       :satisfies: REQ-1

    .. sli:: SLI-AVAIL
       :kind: availability

    .. slo:: SLO-AVAIL
       :sli: SLI-AVAIL
       :target: 99.9%
       :window: 30d
       :component: checkout-api

    .. spec-summary::
    """,
    "ledger.rst": """
    Ledger
    ======

    .. spec:: SPEC-LEDGER
       :version: 1.0
       :status: current
       :prd: PRD-PAY

    .. component:: ledger
       :framework: Go
       :depends-on: checkout-api

    .. slo:: SLO-BOOK
       :sli: SLI-BOOK
       :target: 99%
       :window: 30d

    .. spec-summary::
    """,
}

#: every page but the index, which Sphinx rewrites whenever a page of its toctree is
PAGES = ("slos", "components", "checkout", "ledger", "requirements")


def mtimes(result: Build) -> dict[str, int]:
    return {page: (result.outdir / f"{page}.html").stat().st_mtime_ns for page in PAGES}


def rewritten(before: dict[str, int], after: Build) -> set[str]:
    return {page for page, mtime in mtimes(after).items() if mtime != before[page]}


def cross_document(result: Build, srcdir: Path) -> list[str]:
    """The printed warnings, with the source folder's path taken out, sorted."""
    return sorted(line.replace(str(srcdir), "SRC") for line in result.warnings.splitlines() if "WARNING" in line)


def edit_and_compare(tmp_path: Path, name: str, old: str, new: str) -> tuple[set[str], Build, Build]:
    """Build, edit ``name`` (``old`` -> ``new``), rebuild; also build the edited sources clean."""
    srcdir = write_project(tmp_path / "incremental", FILES)
    first = build(srcdir)
    before = mtimes(first)
    assert FILES[name].count(old) == 1
    write_project(srcdir, {name: FILES[name].replace(old, new)})
    again = build(srcdir)
    clean_dir = write_project(tmp_path / "clean", {**FILES, name: FILES[name].replace(old, new)})
    clean = build(clean_dir)
    for page in PAGES:
        assert main_body(again.html(page)) == main_body(clean.html(page)), page
    assert again.export()["items"] == clean.export()["items"]
    # every cross-document warning a clean build prints, printed again (from the kept results)
    assert cross_document(again, srcdir) == cross_document(clean, clean_dir)
    return rewritten(before, again), again, clean


def test_the_sources_warn_only_across_documents(tmp_path: Path) -> None:
    """The comparisons below see every warning: a clean build prints only cross-document ones."""
    result = build(write_project(tmp_path, FILES))
    assert sorted(result.subtypes()) == ["slo-without-sli", "uncovered-requirement"]


def test_slo_edit_rewrites_the_slo_table_not_the_component_table(tmp_path: Path) -> None:
    written, again, _ = edit_and_compare(tmp_path, "checkout.rst", ":target: 99.9%", ":target: 99.95%")
    assert "99.95%" in main_body(again.html("slos"))
    # the edited page, and the pages whose aggregates show the SLO: the table and its spec's summary
    assert written == {"checkout", "slos"}
    assert "components" not in written and "ledger" not in written


def test_component_edit_rewrites_the_component_table_not_the_slo_table(tmp_path: Path) -> None:
    written, again, _ = edit_and_compare(tmp_path, "checkout.rst", ":framework: FastAPI", ":framework: Django")
    assert "Django" in main_body(again.html("components"))
    # the SLO table links to checkout-api, but the link (place, title, spec) did not move
    assert written == {"checkout", "components"}


def test_a_moved_link_rewrites_every_page_linking_to_it(tmp_path: Path) -> None:
    """A spec gets a title: every link to it (the tables' spec column, its cards'
    badges) shows it as a tooltip, so those pages are rewritten; the ledger's do not link to it."""
    written, _, _ = edit_and_compare(
        tmp_path,
        "checkout.rst",
        ":version: 1.0\n       :status: current",
        ":version: 1.0\n       :title: Checkout\n       :status: current",
    )
    assert written == {"checkout", "slos", "components"}


def test_lines_moved_rewrite_only_what_shows_the_items(tmp_path: Path) -> None:
    written, _, _ = edit_and_compare(
        tmp_path, "checkout.rst", "Checkout\n    ========", "Checkout\n    ========\n\n    .. rubric:: moved"
    )
    assert written == {"checkout", "slos", "components"}


def test_warning_follows_an_edit_in_another_document(tmp_path: Path) -> None:
    """Declaring the SLI the ledger's SLO names clears slo-without-sli, a finding
    located in a document that was not read again."""
    written, again, clean = edit_and_compare(
        tmp_path, "checkout.rst", ".. sli:: SLI-AVAIL", ".. sli:: SLI-BOOK\n\n    .. sli:: SLI-AVAIL"
    )
    assert "slo-without-sli" not in again.subtypes()
    assert sorted(again.subtypes()) == sorted(clean.subtypes()) == ["uncovered-requirement"]
    # the SLO table links to SLI-BOOK now; the ledger page's card too
    assert {"checkout", "slos", "ledger"} <= written
    assert "components" not in written


def drawings(srcdir: Path, docname: str) -> dict[int, int]:
    """Position -> mtime of the kept drawings of ``docname``'s aggregates."""
    prefix = hashlib.sha256(docname.encode()).hexdigest()[:24]
    found = (srcdir / "_build" / "doctrees" / "techspec-aggregates" / "html").glob(f"*/{prefix}-*.pickle")
    return {int(path.stem.rpartition("-")[2]): path.stat().st_mtime_ns for path in found}


BOTH = {
    **FILES,
    "index.rst": FILES["index.rst"] + "       both\n",
    "both.rst": """
    Both
    ====

    .. techspec-table:: component

    .. techspec-table:: slo
    """,
}


def test_an_unchanged_aggregate_is_not_drawn_again(tmp_path: Path) -> None:
    """The page shows the edited SLO, so it is rewritten; of its two tables only
    the SLO one is drawn anew, the component one is the kept drawing, and the
    page equals a clean build's."""
    srcdir = write_project(tmp_path / "incremental", BOTH)
    build(srcdir)
    kept = drawings(srcdir, "both")
    assert sorted(kept) == [0, 1]
    after = BOTH["checkout.rst"].replace(":target: 99.9%", ":target: 99.95%")
    write_project(srcdir, {"checkout.rst": after})
    again = build(srcdir)
    now = drawings(srcdir, "both")
    assert now[0] == kept[0] and now[1] != kept[1]
    clean = build(write_project(tmp_path / "clean", {**BOTH, "checkout.rst": after}))
    assert main_body(again.html("both")) == main_body(clean.html("both"))
    assert "99.95%" in main_body(again.html("both"))


def test_a_new_environment_draws_everything_anew(tmp_path: Path) -> None:
    """Drawings kept by an older environment are never taken for current: here the
    component changes and the environment is made anew (``-E``) in the same build."""
    srcdir = write_project(tmp_path / "src", BOTH)
    build(srcdir)
    write_project(srcdir, {"checkout.rst": BOTH["checkout.rst"].replace("FastAPI", "Django")})
    again = build(srcdir, freshenv=True)
    body = main_body(again.html("both"))
    assert "Django" in body and "FastAPI" not in body
