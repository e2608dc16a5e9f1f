"""Thin glue: registers the domain, directives, transforms and events."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .. import __version__
from ..core import recheck, review, suspect, trace
from ..core.index import Index
from ..core.model import Problem
from . import config, names, needs, nodes, reference
from .adrfiles import ADRFiles
from .aggregates import AggregateTransform
from .checkbuilder import CheckBuilder
from .domain import Changes, TechspecDomain, get_domain, warn
from .exports import FormatsDirective, check_drift, export_text, write_exports
from .federation import import_projects
from .frontmatter import SpecFrontMatter

#: bump whenever the stored data changes shape
ENV_VERSION = 2
STATIC = Path(__file__).parent / "static"


def rewrite_outdated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose aggregates show an item that changed, or that link to an item that moved.

    Only the documents read in this build (and imported items) are compared
    with what they held before; each aggregate's selection, noted when its page
    was read, says whether it shows one of the changed items. The
    cross-document findings are brought up to date here too, before Sphinx
    stores the environment, for ``check`` to print."""
    domain = get_domain(env)
    changes = domain.last_changes = domain.changes()
    _find(app, env, changes)
    return domain.outdated(changes, env.all_docs)


def _findings(app: Sphinx, index: Index) -> list[Problem]:
    """Every cross-document finding over ``index``."""
    settings = config.get(app.config)
    # reviewer checks report some unknown references under their own subtype
    problems = index.problems(refined=review.REFINED_REFS if settings.review_warnings else ())
    if settings.trace_warnings:
        problems += trace.problems(index)
    if settings.review_warnings:
        problems += review.problems(index)
    # pins are explicit requests: reported whatever trace_warnings says
    problems += suspect.problems(index, require_pins=settings.require_pins)
    return problems


def _find(app: Sphinx, env: BuildEnvironment, changes: Changes) -> None:
    """The findings, kept in the environment: after an edit, only the items it
    can affect are checked again (``core.recheck``), the rest are kept."""
    domain = get_domain(env)
    settings = config.get(app.config)
    # any setting may steer a check: kept findings are used only under the same ones
    key = repr(settings)
    kept = domain.data.get("findings")
    if kept is not None and kept[0] == key and not changes.imported:
        if not changes and not changes.read:
            changes.findings = False
            return
        problems = recheck.recheck(
            domain.index, kept[1], changes.content | changes.named, changes.read, lambda i: _findings(app, i)
        )
    else:
        problems = _findings(app, domain.index)
    # the report lists trace findings: unchanged only if they were all looked for, and are the same
    changes.findings = not (
        settings.trace_warnings and kept is not None and kept[0] == key and _same(kept[1], problems)
    )
    domain.data["findings"] = (key, problems)


def _same(before: list[Problem], after: list[Problem]) -> bool:
    def order(p: Problem) -> tuple[str, int, str, str]:
        return (p.docname or "", p.lineno or 0, p.subtype, p.message)

    return sorted(before, key=order) == sorted(after, key=order)


def check(app: Sphinx, env: BuildEnvironment) -> None:
    """Cross-document checks: every finding, on every build that read something
    (found in ``rewrite_outdated``), as a clean build prints them."""
    kept = get_domain(env).data.get("findings")
    problems: list[Problem] = kept[1] if kept else _findings(app, get_domain(env).index)
    for problem in sorted(problems, key=lambda p: (p.docname or "", p.lineno or 0, p.subtype, p.message)):
        warn(problem)


def write_export(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    settings = config.get(app.config)
    outdir = Path(app.outdir)
    if settings.export and outdir.is_dir():
        index = get_domain(app.env).index
        extra = None
        if app.builder.format == "html":
            # each page's URL as this builder writes it, so importers can link to items
            docnames = sorted({i.docname for i in index.items if not i.external})
            extra = {"pages": {d: app.builder.get_target_uri(d).partition("#")[0] for d in docnames}}
        # each document's file, so tools reading the export point at platform/inventory.md, not platform/inventory
        own = {i.docname for i in index.items if not i.external}
        sources = {d: Path(app.env.doc2path(d, base=False)).as_posix() for d in own}
        text = export_text(app, get_domain(app.env).last_changes, extra, sources)
        (outdir / settings.export_filename).write_text(text, encoding="utf-8")
        write_exports(app, text, outdir)
    if app.builder.format == "html" and outdir.is_dir():
        (outdir / "_static").mkdir(exist_ok=True)
        shutil.copyfile(STATIC / "techspec.css", outdir / "_static" / "techspec.css")
        shutil.copyfile(STATIC / "techspec-graphics.css", outdir / "_static" / "techspec-graphics.css")


def freeze(app: Sphinx, *args: Any) -> None:
    """Keep the environment just loaded out of the cyclic collector's way until
    the process builds again or ends.

    A rebuild loads every stored item; without this, each full collection of
    the build walks them all again, and so does the interpreter's last one
    when ``sphinx-build`` exits: together a third of a one-edit rebuild's time.
    ``-j`` processes forked later also share those pages instead of copying
    them. Only what exists when reading starts is frozen: the doctrees read
    and written later are collected as usual. Objects that die are still freed
    at once (reference counting); only cycles among them wait. An earlier
    build's frozen objects (a process that builds again: tests, a language
    server) are given back and collected first, so memory never grows from
    build to build; a process that builds once and goes on can release them
    with ``gc.unfreeze()``.

    The ``-j`` processes Sphinx forks during the build freeze, as they start,
    everything they inherit (:func:`_freeze_inherited`)."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    global _building
    if _building is None:
        os.register_at_fork(after_in_child=_freeze_inherited)
    _building = True


#: whether a build is under way in this process (None: no fork hook registered yet)
_building: bool | None = None


def _freeze_inherited() -> None:
    """In a process forked during a build (Sphinx's ``-j`` readers and writers):
    keep what it inherits out of its collector's way.

    A writer inherits every page the main process has prepared and not yet
    handed over, and the main process runs ahead of it; each of the writer's
    full collections walked all of them, writing to every page of that memory
    as it went (so copying it). The writer's own objects are collected as
    usual; it ends with its chunk of pages. This is what the ``gc`` module's
    documentation advises for a process that forks without exec."""
    if _building:
        gc.freeze()


def end_build(app: Sphinx, exception: Exception | None) -> None:
    """Processes forked after the build are none of ours."""
    global _building
    if _building:
        _building = False


def setup(app: Sphinx) -> dict[str, Any]:
    config.register(app)
    nodes.register(app)
    reference.register(app)
    app.add_domain(TechspecDomain)
    # techspec:<name> now; plain and prefixed names once every extension's are known
    names.register_in_domain(app)
    app.connect("config-inited", names.register, priority=800)
    app.add_transform(SpecFrontMatter)
    app.add_transform(ADRFiles)
    app.add_post_transform(AggregateTransform)
    app.add_css_file("techspec.css")
    app.add_css_file("techspec-graphics.css")
    # imported items must be in place before env-get-updated compares snapshots
    app.connect("builder-inited", import_projects)
    app.connect("env-get-updated", rewrite_outdated)
    app.connect("env-check-consistency", check)
    app.connect("env-check-consistency", check_drift)
    app.add_directive("techspec-formats", FormatsDirective)
    app.connect("build-finished", write_export)
    app.connect("env-before-read-docs", freeze)
    app.connect("build-finished", end_build)
    app.add_builder(CheckBuilder)  # what ``techspec check`` runs: reads and checks, writes nothing
    needs.setup(app)  # the sphinx-needs bridge; idle unless sphinx_needs is loaded
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
