"""``techspec.json`` after an edit: the lines of the documents not read again
are those the last build wrote (kept in ``<doctrees>/techspec-export.pickle``),
and the file is the one a clean build writes."""

from __future__ import annotations

import pickle
from pathlib import Path

from conftest import build, write_project

from sphinxcontrib_techspec.sphinx.exports import CACHE

FILES = {
    "index.rst": "Index\n=====\n\n.. toctree::\n\n   a\n   b\n",
    "a.rst": """
    A
    =

    .. spec:: SPEC-A
       :version: 1.0

    .. component:: api
       :framework: Go
       :depends-on: SPEC-B::db
    """,
    "b.rst": """
    B
    =

    .. spec:: SPEC-B
       :version: 1.0

    .. component:: db
       :framework: Postgres
    """,
}


def cache(srcdir: Path) -> Path:
    return srcdir / "_build" / "doctrees" / CACHE


def tamper(srcdir: Path, docname: str, item: str | None = None, links: str | None = None) -> None:
    """Mark what was kept for ``docname``, to see whether the next build uses it."""
    path = cache(srcdir)
    form, generation, lines = pickle.loads(path.read_bytes())
    item_lines, counts, link_lines = lines[docname]
    if item is not None:
        item_lines = [line.replace('"title": "', f'"title": "{item}') for line in item_lines]
    if links is not None:
        link_lines = [line.replace('"field": "', f'"field": "{links}') for line in link_lines]
    lines[docname] = (item_lines, counts, link_lines)
    path.write_bytes(pickle.dumps((form, generation, lines)))


def edit(srcdir: Path, name: str, old: str, new: str) -> None:
    path = srcdir / name
    path.write_text(path.read_text().replace(old, new))


def test_an_edit_encodes_only_the_documents_read(tmp_path: Path) -> None:
    srcdir = write_project(tmp_path / "p", FILES)
    build(srcdir)
    tamper(srcdir, "b", item="KEPT ", links="KEPT ")
    tamper(srcdir, "a", item="STALE ")
    edit(srcdir, "a.rst", "Go", "Rust")
    text = (build(srcdir).outdir / "techspec.json").read_text()
    assert '"framework": "Rust"' in text and "STALE" not in text  # a was read: encoded again
    assert text.count('"title": "KEPT ') == 2  # b was not: its lines are the kept ones
    # an item that moves (a new ID) changes what links resolve to: every link is encoded again
    tamper(srcdir, "b", links="KEPT ")
    edit(srcdir, "b.rst", ".. component:: db", ".. component:: store")
    text = (build(srcdir).outdir / "techspec.json").read_text()
    assert '"field": "KEPT ' not in text
    assert '"target": "SPEC-B::db"' in text and '"status": "unknown"' in text


def test_the_export_is_the_clean_builds(tmp_path: Path) -> None:
    """After edits of every sort, and with a damaged or foreign cache, the bytes are a clean build's."""
    srcdir = write_project(tmp_path / "p", FILES)
    build(srcdir)
    edits = [
        ("a.rst", "Go", "Rust"),  # content
        ("b.rst", ".. component:: db", ".. component:: store"),  # a link target goes
        ("b.rst", ".. component:: store", ".. component:: db"),  # and comes back
        ("a.rst", ":framework: Rust", ":framework: Rust\n   :satisfies: REQ-1"),  # a new link
    ]
    for step, (name, old, new) in enumerate(edits):
        edit(srcdir, name, old, new)
        if step == 2:
            cache(srcdir).write_bytes(b"not a pickle")
        if step == 3:
            cache(srcdir).write_bytes(pickle.dumps((0, 1, {"a": ([], [], [])})))
        incremental = (build(srcdir).outdir / "techspec.json").read_bytes()
        clean = build(write_project(tmp_path / f"clean{step}", {**FILES, **read_all(srcdir)}), freshenv=True)
        assert incremental == (clean.outdir / "techspec.json").read_bytes(), (step, name)


def read_all(srcdir: Path) -> dict[str, str]:
    return {name: (srcdir / name).read_text() for name in ("a.rst", "b.rst")}
