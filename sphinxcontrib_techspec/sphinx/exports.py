"""``techspec_exports``: the registry's formats written next to ``techspec.json``, and
``techspec_openapi_documents``: each mapped API's real OpenAPI document checked for drift."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core import export, federation
from ..core.formats import FORMATS, Options, openapi, save
from ..core.index import Index
from ..core.model import Problem
from . import config
from .directives import TechspecDirective
from .domain import Changes, get_domain, warn
from .federation import ImportFailed, conf_location, download, read_file
from .reference import Cell, grid

#: the export's lines of the last build, per document: ``(generation, {docname: Lines})``
CACHE = "techspec-export.pickle"

#: a document's items' lines, how many links each makes, and those links' lines, in
#: order (flat lists of strings: quick to store and load, nothing for the collector)
Lines = tuple[list[str], list[int], list[str]]


def export_text(app: Sphinx, changes: Changes | None, extra: dict[str, Any] | None, sources: dict[str, str]) -> str:
    """``techspec.json``'s text. Each item's line and its links' lines are kept
    (in ``<doctrees>/techspec-export.pickle``) and used again for a document not
    read in this build: its items are the same; their links too, unless an item
    appeared, went, moved or was renamed (``changes.links``) or an imported one
    changed. A one-item edit then encodes one document, not the project. The
    bytes are those a clean build writes (``tests/test_export_reuse.py``)."""
    domain = get_domain(app.env)
    index = domain.index
    kept = _load(Path(app.doctreedir) / CACHE, domain.generation - 1) if changes is not None else {}
    same_links = changes is not None and not changes.links and not changes.imported
    by_item: dict[int, tuple[str, list[str]]] = {}
    fresh: dict[str, Lines] = {}
    for docname, data in domain.docs.items():
        before = kept.get(docname) if changes is not None and docname not in changes.read else None
        if before is not None and not _fits(before, len(data.items)):
            before = None
        if before is not None and same_links:
            lines = before  # the document's lines as they were
        else:
            lines = ([], [], [])
            for position, item in enumerate(data.items):
                line = before[0][position] if before else export.encode(export.item_entry(item, sources))
                own_links = (link for link in index.links_from.get(item.key, []) if link.source is item)
                links = [export.encode(export.link_entry(link)) for link in own_links]
                lines[0].append(line)
                lines[1].append(len(links))
                lines[2].extend(links)
        start = 0
        for item, line, count in zip(data.items, lines[0], lines[1], strict=True):
            by_item[id(item)] = (line, lines[2][start : start + count])
            start += count
        fresh[docname] = lines
    _store(Path(app.doctreedir) / CACHE, domain.generation, fresh)
    own = [by_item[id(item)] for item in index.items if not item.external]
    head = export.export(Index([]), app.config.project, extra)
    return export.dumps(
        head, {"items": [line for line, _ in own], "links": [link for _, links in own for link in links]}
    )


#: bumped whenever what the cache holds changes shape
CACHE_FORMAT = 1


def _fits(lines: Any, items: int) -> bool:
    """Whether what was kept for a document has the shape its ``items`` need."""
    try:
        item_lines, counts, links = lines
        return len(item_lines) == len(counts) == items and sum(counts) == len(links)
    except (TypeError, ValueError):
        return False


def _load(path: Path, generation: int) -> dict[str, Lines]:
    """The lines kept by the build ``generation``; nothing if another one wrote them (or none)."""
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (CACHE_FORMAT, generation)):
        return {}
    return stored[2] if isinstance(stored[2], dict) else {}


def _store(path: Path, generation: int, lines: dict[str, Lines]) -> None:
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with partial.open("wb") as handle:
        pickle.dump((CACHE_FORMAT, generation, lines), handle, pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # never half a file, even when a build is stopped


def write_exports(app: Sphinx, text: str, outdir: Path) -> None:
    """Every format named in ``techspec_exports``, under its file name in ``outdir``.

    They are written from ``techspec.json`` read back (``text``), as ``techspec export``
    reads it, so the build and the command write the same bytes."""
    settings = config.get(app.config)
    if not settings.exports:
        return
    data = json.loads(text)
    project, index = export.read(data)
    chosen = Options(
        pages=data.get("pages") or {},
        base_url=getattr(app.config, "html_baseurl", "") or "",
        openslo_queries=settings.openslo_queries,
        reqif_time=settings.reqif_time,
    )
    for name in settings.exports:
        declared = FORMATS.get(name)
        if declared is None:
            warn(Problem("config", f"techspec_exports: unknown format {name!r} (known: {', '.join(FORMATS)})"))
            continue
        written = declared.write(index, project, chosen)
        for problem in written.problems:
            warn(problem)
        if written.content is None:
            continue
        target = outdir / declared.filename
        if isinstance(written.content, dict) and target.is_dir():
            shutil.rmtree(target)  # a folder format's files of a spec that is gone must go too
        save(written.content, target)


def check_drift(app: Sphinx, env: BuildEnvironment) -> None:
    """Each entry of ``techspec_openapi_documents``: read the document (bounded like an import) and
    warn, at the endpoints, where it and the spec disagree."""
    settings = config.get(app.config)
    index = get_domain(env).index
    for key, location in sorted(settings.openapi_documents.items()):
        where = conf_location(app, key, "techspec_openapi_documents")
        try:
            owner, endpoints = openapi.scope(index, key)
        except ValueError as error:
            warn(Problem("api-document", f"techspec_openapi_documents[{key!r}]: {error}"), where)
            continue
        try:
            raw = _read(str(location), Path(app.confdir), settings.import_timeout, settings.import_max_bytes)
            data = openapi.read_document(raw)
        except (ImportFailed, ValueError) as error:
            warn(
                Problem(
                    "api-document",
                    f"techspec_openapi_documents[{key!r}]: cannot read {location!r}: {error}; its drift is not checked",
                ),
                where,
            )
            continue
        for problem in openapi.drift(index, endpoints, data, repr(str(location)), owner):
            warn(problem)


def _read(location: str, confdir: Path, timeout: float, limit: int) -> bytes:
    if federation.is_url(location):
        return download(location, timeout, limit)
    return read_file(confdir / Path(location).expanduser(), limit)


class FormatsDirective(TechspecDirective):
    """``techspec-formats``: every export format of the registry, for the docs."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        rows: list[list[Cell]] = [
            [nodes.literal(f.name, f.name), nodes.literal(f.filename, f.filename), f.doc, f.validator]
            for f in FORMATS.values()
        ]
        return [
            grid(
                ["Format", "Written next to techspec.json", "What it holds", "Checked with"],
                rows,
                ["techspec-formats"],
            )
        ]
