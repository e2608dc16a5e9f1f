"""A ``-j 2`` build gives the same export and aggregates as a serial build."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import BASE_CONF, build, write_project
from sphinx.util.console import nocolor
from test_build_incremental import main_body

# warnings are matched by text: no ANSI colour codes in them
nocolor()

SPECS = 8  # Sphinx reads in parallel only with more than five documents


def spec(n: int) -> str:
    """A spec whose component depends on the previous spec's, with an SLO and a cross-spec link."""
    dep = f"\n       :depends-on: SPEC-{n - 1}::svc-{n - 1}" if n else ""
    return f"""
    Spec {n}
    ======

    .. spec:: SPEC-{n}
       :version: 1.{n}
       :status: current
       :prd: PRD-1@1.0

    .. component:: svc-{n}
       :framework: Python
       :satisfies: REQ-{n % 3}{dep}

    .. sli:: SLI-{n}
       :kind: latency

    .. slo:: SLO-{n}
       :sli: SLI-{n}
       :target: p95 < {100 + n}ms
       :window: 30d
       :component: svc-{n}

    .. error-code:: E-{n}
       :http-status: 50{n % 4}

    See :techspec:component:`SPEC-{(n + 1) % SPECS}::svc-{(n + 1) % SPECS}`.
    """


FILES = {
    "index.rst": "Index\n=====\n\n.. toctree::\n\n   overview\n   prd\n"
    + "".join(f"   spec{n}\n" for n in range(SPECS)),
    "overview.rst": """
    Overview
    ========

    .. techspec-table:: component

    .. techspec-table:: slo

    .. topology::

    .. traceability-matrix::

    .. traceability-report::
    """,
    "prd.rst": """
    PRD
    ===

    .. prd:: PRD-1
       :version: 1.0

    .. requirement:: REQ-0
       :prd: PRD-1

    .. requirement:: REQ-1
       :prd: PRD-1

    .. requirement:: REQ-2
       :prd: PRD-1

    .. requirement:: REQ-3
       :prd: PRD-1
    """,
    **{f"spec{n}.rst": spec(n) for n in range(SPECS)},
}


def test_parallel_build_equals_serial(tmp_path: Path) -> None:
    serial = build(write_project(tmp_path / "serial", FILES))
    parallel = build(write_project(tmp_path / "parallel", FILES), parallel=2)
    # documents were read and written in chunks ("spec2 .. spec6"): the build really was parallel
    status = parallel.app._status.getvalue()  # type: ignore[attr-defined]
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)
    assert re.search(r"writing output\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)
    assert (parallel.outdir / "techspec.json").read_bytes() == (serial.outdir / "techspec.json").read_bytes()
    assert len(serial.export()["items"]) == 1 + 4 + 5 * SPECS
    for docname in ("overview", "spec3"):
        assert main_body(parallel.html(docname)) == main_body(serial.html(docname))
    overview = main_body(serial.html("overview"))
    assert overview.count('class="techspec-topology-node"') == SPECS
    # REQ-3 is satisfied by nothing, in both builds: the same findings
    assert parallel.subtypes() == serial.subtypes() == ["uncovered-requirement"]


def test_parallel_incremental_equals_serial(tmp_path: Path) -> None:
    """Items read by worker processes are merged back: a later edit still sees them."""
    srcdir = write_project(tmp_path / "parallel", FILES)
    build(srcdir, parallel=2)
    edited = dict(FILES, **{"spec5.rst": FILES["spec5.rst"].replace("p95 < 105ms", "p95 < 999ms")})
    write_project(srcdir, {"spec5.rst": edited["spec5.rst"]})
    again = build(srcdir, parallel=2)
    clean = build(write_project(tmp_path / "serial", edited))
    assert (again.outdir / "techspec.json").read_bytes() == (clean.outdir / "techspec.json").read_bytes()
    assert main_body(again.html("overview")) == main_body(clean.html("overview"))
    assert "999ms" in main_body(again.html("overview"))


def search_terms(html_dir: Path) -> dict[str, set[str]]:
    """What the full-text search finds: word -> the pages it is on."""
    import json

    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    out: dict[str, set[str]] = {}
    for word, pages in data["terms"].items():
        out[word] = {data["docnames"][p] for p in (pages if isinstance(pages, list) else [pages])}
    return out


def test_parallel_writers_draw_the_cards(tmp_path: Path) -> None:
    """HTML writers complete the item cards (in the ``-j`` writer processes), after
    the main process has prepared the page and fed the search index: every page and
    the search index are the same as a serial build's, and a card's fields are found."""
    serial = build(write_project(tmp_path / "serial", FILES))
    parallel = build(write_project(tmp_path / "parallel", FILES), parallel=2)
    for n in range(SPECS):
        assert main_body(parallel.html(f"spec{n}")) == main_body(serial.html(f"spec{n}"))
    # the card as written: head, fields, a link to the spec and to the previous spec's component
    page = main_body(parallel.html("spec3"))
    assert '<span class="techspec-kind">Component</span>' in page
    assert '<strong class="techspec-id">svc-3</strong>' in page
    assert 'href="spec2.html#techspec-component-svc-2"' in page
    assert (parallel.outdir / "searchindex.js").read_bytes() == (serial.outdir / "searchindex.js").read_bytes()
    terms = search_terms(parallel.outdir)
    # field labels and values of the cards (not only their IDs, which the object index has)
    assert {f"spec{n}" for n in range(SPECS)} <= terms["python"]
    # an SLO target, found on the page that declares it only (stemmed "103ms" or "103m", by Sphinx version)
    assert (terms.get("103ms") or terms["103m"]) == {"spec3"}
    assert "spec3" in terms["framework"] and "spec3" in terms["window"]


def test_html_pages_are_prepared_with_cards_left_to_the_writer(tmp_path: Path) -> None:
    """What Sphinx prepares in the main process holds a card's anchor, search
    words and body; the head and fields come from the writer."""
    from docutils import nodes as dn

    from sphinxcontrib_techspec.sphinx.nodes import techspec_item, techspec_search

    result = build(write_project(tmp_path / "p", FILES))
    doctree = result.app.env.get_and_resolve_doctree("spec3", result.app.builder)
    cards = {card["techspec_id"]: card for card in doctree.findall(techspec_item)}
    svc = cards["svc-3"]
    assert svc["ids"] == ["techspec-component-svc-3"]
    assert not list(svc.findall(dn.field_list))
    (words,) = list(svc.findall(techspec_search))
    assert words.astext() == "Component svc-3 Framework Python Depends on SPEC-2::svc-2 Satisfies REQ-0"
    # the written page has no trace of the words node
    assert "Framework Python Satisfies" not in result.html("spec3")


FORK_PROBE = '''
import gc
import os
from pathlib import Path


def setup(app):
    def page(app, pagename, templatename, context, doctree):
        if doctree is None:
            return
        # frozen objects are in no generation gc.get_objects() lists
        frozen = not any(o is doctree for o in gc.get_objects())
        with open(Path(app.srcdir) / "pages.txt", "a") as out:
            out.write(f"{pagename} {os.getpid()} {int(frozen)}\\n")

    app.connect("html-page-context", page)
'''


def test_writer_processes_freeze_what_they_inherit(tmp_path: Path) -> None:
    """A ``-j`` writer process freezes, as it starts, what it inherits from the
    main process: the pages it writes, prepared there, are out of its collector's
    way; the page the main process writes itself is not frozen there; nothing
    forked after the build freezes."""
    import os

    conf = BASE_CONF + 'import sys\nsys.path.insert(0, __file__.rpartition("/")[0])\nextensions.append("fork_probe")\n'
    srcdir = write_project(tmp_path / "p", {**FILES, "fork_probe.py": FORK_PROBE}, conf)
    result = build(srcdir, parallel=2)
    lines = [line.split() for line in (srcdir / "pages.txt").read_text().splitlines()]
    pages = {name: (int(pid), frozen == "1") for name, pid, frozen in lines}
    assert set(pages) >= {"index", "overview", *(f"spec{n}" for n in range(SPECS))}
    # Sphinx writes the first page in the main process, the rest in a writer
    assert pages["index"] == (os.getpid(), False)
    written = {name: v for name, v in pages.items() if name != "index" and v[0] != os.getpid()}
    assert {f"spec{n}" for n in range(SPECS)} <= set(written)
    assert all(frozen for _pid, frozen in written.values())
    assert "svc-3" in result.html("spec3")
    # a process forked after the build (the suite's helper thawed this one) freezes nothing
    import gc

    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports and leaves at once
        os.write(write, str(gc.get_freeze_count()).encode())
        os._exit(0)
    os.close(write)
    count = int(os.read(read, 64))
    os.waitpid(child, 0)
    assert count == gc.get_freeze_count() == 0
