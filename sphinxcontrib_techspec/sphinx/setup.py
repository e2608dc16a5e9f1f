"""Thin glue: registers the domain, directives, transforms and events."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .. import __version__
from ..core import export, trace
from ..core.kinds import KINDS
from . import config, nodes
from .aggregates import AggregateTransform
from .directives import AGGREGATES, item_directive
from .domain import TechspecDomain, get_domain, warn
from .frontmatter import SpecFrontMatter

#: bump whenever the stored data changes shape
ENV_VERSION = 1
STATIC = Path(__file__).parent / "static"


def rewrite_outdated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages showing an aggregate, or linking to an item that changed, are rewritten."""
    domain = get_domain(env)
    current = domain.snapshot()
    previous = domain.data["snapshot"]
    changed = {key for key in current.keys() | previous.keys() if current.get(key) != previous.get(key)}
    domain.data["snapshot"] = current
    if not changed:
        return []
    return sorted(
        docname
        for docname, data in domain.docs.items()
        if docname in env.all_docs and (data.aggregates or data.refs & changed)
    )


def check(app: Sphinx, env: BuildEnvironment) -> None:
    """Cross-document checks, once per build, over the whole index."""
    index = get_domain(env).index
    problems = index.problems()
    if config.get(app.config).trace_warnings:
        problems += trace.problems(index)
    for problem in sorted(problems, key=lambda p: (p.docname or "", p.lineno or 0, p.subtype, p.message)):
        warn(problem)


def write_export(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    settings = config.get(app.config)
    outdir = Path(app.outdir)
    if settings.export and outdir.is_dir():
        data = export.export(get_domain(app.env).index, app.config.project)
        (outdir / settings.export_filename).write_text(export.dumps(data), encoding="utf-8")
    if app.builder.format == "html" and outdir.is_dir():
        (outdir / "_static").mkdir(exist_ok=True)
        shutil.copyfile(STATIC / "techspec.css", outdir / "_static" / "techspec.css")


def setup(app: Sphinx) -> dict[str, Any]:
    config.register(app)
    nodes.register(app)
    app.add_domain(TechspecDomain)
    for kind in KINDS.values():
        app.add_directive(kind.name, item_directive(kind))
    for name, directive in AGGREGATES.items():
        app.add_directive(name, directive)
    app.add_transform(SpecFrontMatter)
    app.add_post_transform(AggregateTransform)
    app.add_css_file("techspec.css")
    app.connect("env-get-updated", rewrite_outdated)
    app.connect("env-check-consistency", check)
    app.connect("build-finished", write_export)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
