"""An incremental rebuild after edits renders exactly what a clean build of the final sources renders."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import BASE_CONF, build, write_project
from sphinx.util.console import nocolor

# warnings are matched by text: no ANSI colour codes in them
nocolor()

AGGREGATES = """
Overview
========

.. techspec-table:: component

.. techspec-table:: slo
   :columns: id, spec, target, window, error-budget-percent

.. topology::

.. traceability-matrix::

.. traceability-report::
"""

BEFORE = {
    "index.rst": """
    Platform
    ========

    .. toctree::

       overview
       prd
       checkout
       ledger
       billing
       notes
    """,
    "overview.rst": AGGREGATES,
    "prd.rst": """
    PRD
    ===

    .. prd:: PRD-PAY
       :version: 2.0

    .. requirement:: REQ-1
       :prd: PRD-PAY

    .. requirement:: REQ-2
       :prd: PRD-PAY

    .. adr:: ADR-1
       :status: accepted
    """,
    "checkout.rst": """
    Checkout
    ========

    .. spec:: SPEC-CHECKOUT
       :version: 1.0
       :status: current
       :prd: PRD-PAY@2.0
       :adrs: ADR-1

    .. component:: checkout-api
       :depends-on: ledger
       :satisfies: REQ-1

    .. sli:: SLI-AVAIL
       :kind: availability

    .. slo:: SLO-AVAIL
       :sli: SLI-AVAIL
       :target: 99.9%
       :window: 30d
       :component: checkout-api
    """,
    "ledger.rst": """
    Ledger
    ======

    .. spec:: SPEC-LEDGER
       :version: 0.1
       :status: draft
       :prd: PRD-PAY@1.0

    .. component:: ledger
       :framework: Go
       :satisfies: REQ-2
    """,
    "billing.md": """
    # Billing

    ```{spec} SPEC-BILLING
    :version: 1.0
    :status: draft
    :prd: PRD-PAY@2.0
    ```

    ```{component} invoicer
    :depends-on: ledger
    ```
    """,
    # untouched by every edit; links to the ledger component, which moves
    "notes.rst": """
    Notes
    =====

    .. spec:: SPEC-NOTES
       :version: 1.0
       :status: current
       :prd: PRD-PAY@2.0

    .. component:: notifier
       :depends-on: SPEC-LEDGER::ledger

    The book of record is :techspec:component:`SPEC-LEDGER::ledger`,
    its SLO is :techspec:slo:`SPEC-CHECKOUT::SLO-AVAIL`.
    """,
}


def edit(files: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The final sources, and the files removed from disk."""
    after = dict(files)
    # change an SLO
    after["checkout.rst"] = files["checkout.rst"].replace("99.9%", "99.95%").replace("30d", "28d")
    # add a component to a spec
    after["billing.md"] = (
        files["billing.md"]
        + """
    ```{component} tax-engine
    :framework: Rust
    ```
    """
    )
    # move the ledger spec to a new document; the old one leaves the toctree and the disk
    del after["ledger.rst"]
    after["ledger-v2.md"] = """
    # Ledger v2

    ```{spec} SPEC-LEDGER
    :version: 0.2
    :status: review
    :prd: PRD-PAY@2.0
    ```

    ```{component} ledger
    :framework: Go
    :satisfies: REQ-2
    :depends-on: tax-engine
    ```
    """
    after["index.rst"] = files["index.rst"].replace("   ledger\n", "   ledger-v2\n")
    return after, ["ledger.rst"]


def main_body(html: str) -> str:
    """The page's own content (sidebars and footers carry build-wide navigation)."""
    match = re.search(
        r'<div class="body" role="main">(.*?)</div>\s*</div>\s*</div>\s*<div class="sphinxsidebar"', html, re.S
    )
    assert match, "no main body in the page"
    return match.group(1)


def test_incremental_rebuild_equals_clean_build(tmp_path: Path) -> None:
    srcdir = write_project(tmp_path / "incremental", BEFORE)
    first = build(srcdir)
    # the card's :depends-on: and the role
    assert first.html("notes").count('href="ledger.html#techspec-component-ledger"') == 2
    assert "99.9%" in main_body(first.html("overview"))

    after, removed = edit(BEFORE)
    for name in removed:
        (srcdir / name).unlink()
    write_project(srcdir, {k: v for k, v in after.items() if k not in BEFORE or BEFORE[k] != v})
    notes_before = (first.outdir / "notes.html").stat().st_mtime_ns
    again = build(srcdir)
    clean = build(write_project(tmp_path / "clean", after))

    assert again.warnings == clean.warnings.replace(str(tmp_path / "clean"), str(srcdir))
    assert again.export() == clean.export()
    assert (again.outdir / "techspec.json").read_bytes() == (clean.outdir / "techspec.json").read_bytes()
    overview = main_body(again.html("overview"))
    assert overview == main_body(clean.html("overview"))
    # the aggregates are current, not merely equal to something
    assert "tax-engine" in overview and "99.95%" in overview and "99.9%" not in overview
    assert "ledger-v2.html#" in overview and 'href="ledger.html' not in overview

    # the untouched page links to the moved component
    assert (again.outdir / "notes.html").stat().st_mtime_ns != notes_before
    notes = main_body(again.html("notes"))
    assert notes == main_body(clean.html("notes"))
    assert notes.count('href="ledger-v2.html#techspec-component-ledger"') == 2 and "ledger.html#" not in notes


def test_one_slo_edit_updates_every_aggregate(tmp_path: Path) -> None:
    """Only one spec is re-read; the overview, read from nothing that changed, is still rewritten."""
    srcdir = write_project(tmp_path / "incremental", BEFORE)
    build(srcdir)
    after = dict(BEFORE, **{"checkout.rst": BEFORE["checkout.rst"].replace(":target: 99.9%", ":target: p99 < 300ms")})
    write_project(srcdir, {"checkout.rst": after["checkout.rst"]})
    again = build(srcdir)
    clean = build(write_project(tmp_path / "clean", after))
    assert "1 changed" in again.app._status.getvalue()  # type: ignore[attr-defined]
    assert again.export() == clean.export()
    overview = main_body(again.html("overview"))
    assert overview == main_body(clean.html("overview"))
    assert "p99 &lt; 300ms" in overview and "99.9%" not in overview


def test_unchanged_rebuild_writes_nothing(tmp_path: Path) -> None:
    srcdir = write_project(tmp_path / "src", BEFORE)
    build(srcdir)
    again = build(srcdir)
    status = again.app._status.getvalue()  # type: ignore[attr-defined]
    assert "0 added, 0 changed, 0 removed" in status
    # no item changed, so no page with an aggregate or a link is rewritten
    assert "no targets are out of date." in status


FREEZE_PROBE = '''
import gc
from pathlib import Path


def setup(app):
    def probe(app, env):
        with open(Path(app.srcdir) / "frozen.txt", "a") as out:
            out.write(f"{gc.get_freeze_count()}\\n")

    app.connect("env-check-consistency", probe)
'''


def test_the_stored_environment_is_frozen_until_the_next_build(tmp_path: Path) -> None:
    """A rebuild keeps the environment it loaded out of the collector's way
    (``gc.freeze``) while it builds and after, so the process exits without
    walking it; the next build in the same process gives it back and collects
    it first, so builds in one process do not pile up."""
    import gc
    import weakref
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    files = {
        "index.rst": "Index\n=====\n\n.. toctree::\n\n   a\n",
        "a.rst": "A\n=\n\n.. spec:: SPEC-A\n   :version: 1.0\n\n.. component:: svc\n   :framework: Go\n",
        "freeze_probe.py": FREEZE_PROBE,
    }
    conf = BASE_CONF + 'import sys\nsys.path.insert(0, __file__.rpartition("/")[0])\nextensions.append("freeze_probe")\n'
    srcdir = write_project(tmp_path / "p", files, conf)
    build(srcdir)  # the suite's helper thaws after every build

    def rebuild() -> Any:
        (srcdir / "a.rst").write_text((srcdir / "a.rst").read_text().replace("Go", "Rust"))
        app = SphinxTestApp("html", srcdir=srcdir, builddir=srcdir / "_build", status=StringIO(), warning=StringIO())
        app.build()
        app.cleanup()
        return app

    assert gc.get_freeze_count() == 0
    app = rebuild()
    assert "Rust" in (app.outdir / "a.html").read_text()
    # frozen during the rebuild (the stored items among them), and still after it
    frozen = [int(n) for n in (srcdir / "frozen.txt").read_text().split()]
    assert frozen[1] > frozen[0] and gc.get_freeze_count() > frozen[1] // 2
    # a cycle that dies after a build froze it waits for the next build, which gives
    # the last one's objects back and collects them before freezing its own
    class Cycle:
        pass

    cycle = Cycle()
    cycle.me = cycle  # type: ignore[attr-defined]
    dead = weakref.ref(cycle)
    rebuild()
    del cycle
    gc.collect()
    assert dead() is not None
    rebuild()
    assert dead() is None
    gc.unfreeze()
