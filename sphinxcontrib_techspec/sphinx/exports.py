"""``techspec_exports``: the registry's formats written next to ``techspec.json``, and
``techspec_openapi_documents``: each mapped API's real OpenAPI document checked for drift."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core.formats import FORMATS, Options, save
from ..core.formats import openapi
from ..core.index import Index
from ..core.model import Problem
from . import config
from .domain import get_domain, warn
from .federation import ImportFailed, conf_location, download
from ..core import federation


def options(app: Sphinx, index: Index) -> Options:
    settings = config.get(app.config)
    pages = {}
    if app.builder.format == "html":
        docnames = sorted({i.docname for i in index.items if not i.external})
        pages = {d: app.builder.get_target_uri(d).partition("#")[0] for d in docnames}
    return Options(
        pages=pages,
        base_url=getattr(app.config, "html_baseurl", "") or "",
        openslo_queries=settings.openslo_queries,
        reqif_time=settings.reqif_time,
    )


def write_exports(app: Sphinx, index: Index, outdir: Path) -> None:
    """Every format named in ``techspec_exports``, under its file name in ``outdir``."""
    settings = config.get(app.config)
    if not settings.exports:
        return
    chosen = options(app, index)
    for name in settings.exports:
        declared = FORMATS.get(name)
        if declared is None:
            warn(Problem("config", f"techspec_exports: unknown format {name!r} (known: {', '.join(FORMATS)})"))
            continue
        written = declared.write(index, app.config.project, chosen)
        for problem in written.problems:
            warn(problem)
        save(written.content, outdir / declared.filename)


def check_drift(app: Sphinx, env: BuildEnvironment) -> None:
    """Each entry of ``techspec_openapi_documents``: read the document (bounded like an import) and
    warn, at the endpoints, where it and the spec disagree."""
    settings = config.get(app.config)
    index = get_domain(env).index
    for key, location in sorted(settings.openapi_documents.items()):
        where = conf_location(app, key, "techspec_openapi_documents")
        owner, endpoints = openapi.scope(index, key)
        if owner is None:
            warn(Problem("api-document", f"techspec_openapi_documents[{key!r}]: no component or spec {key!r}"), where)
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
