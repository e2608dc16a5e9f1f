"""``techspec_exports``: the registry's formats written next to ``techspec.json``, and
``techspec_openapi_documents``: each mapped API's real OpenAPI document checked for drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core import export, federation
from ..core.formats import FORMATS, Options, openapi, save
from ..core.model import Problem
from . import config
from .directives import TechspecDirective
from .domain import get_domain, warn
from .federation import ImportFailed, conf_location, download
from .reference import Cell, grid


def write_exports(app: Sphinx, data: dict[str, Any], outdir: Path) -> None:
    """Every format named in ``techspec_exports``, under its file name in ``outdir``.

    They are written from ``techspec.json`` read back (``data``), as ``techspec export``
    reads it, so the build and the command write the same bytes."""
    settings = config.get(app.config)
    if not settings.exports:
        return
    project, index = export.read(json.loads(export.dumps(data)))
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
    try:
        with (confdir / Path(location).expanduser()).open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as error:
        raise ImportFailed(error.strerror or str(error)) from None
    if len(raw) > limit:
        raise ImportFailed(f"larger than techspec_import_max_bytes ({limit} bytes)")
    return raw


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
