"""Aggregates drawn by the last build, kept and used again when nothing they show changed.

A page is rewritten when one of its aggregates shows a changed item, or for
reasons of Sphinx's own (a toctree, a template); its other aggregates are then
the same as last time. ``TechspecDomain.outdated`` notes, for each aggregate,
the build that last changed what it shows (``DocData.changed_at``); a drawing
kept from that build or a later one is read back from
``<doctrees>/techspec-aggregates``, and any other is drawn anew. Only HTML builders that
write one page per document keep them, in a folder per builder and per
configuration (the builder's hash of its HTML options), so a drawing is never
used with other link suffixes or options than it was made with. Whatever is
not certain to be current (a page read in this build, a missing or unreadable
file) is drawn anew.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from docutils import nodes
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from .domain import get_domain

FOLDER = "techspec-aggregates"


def _folder(env: BuildEnvironment, builder: Builder) -> Path | None:
    if builder.format != "html" or builder.name == "singlehtml":
        return None  # other builders assemble pages from many documents
    info = getattr(builder, "build_info", None)
    options = f"{getattr(info, 'config_hash', '')}:{getattr(info, 'tags_hash', '')}"
    return Path(env.doctreedir) / FOLDER / builder.name / hashlib.sha256(options.encode()).hexdigest()[:16]


def _file(folder: Path, docname: str, position: int) -> Path:
    return folder / f"{hashlib.sha256(docname.encode()).hexdigest()[:24]}-{position}.pickle"


def load(env: BuildEnvironment, builder: Builder, docname: str, position: int) -> list[nodes.Node] | None:
    """The aggregate at ``position`` on the page as drawn since what it shows last changed, if kept."""
    data = get_domain(env).docs.get(docname)
    folder = _folder(env, builder)
    if folder is None or data is None or position >= len(data.changed_at):
        return None
    try:
        with _file(folder, docname, position).open("rb") as handle:
            generation, drawn = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        return None
    if not isinstance(generation, int) or generation < data.changed_at[position] or not isinstance(drawn, list):
        return None
    return drawn


def store(env: BuildEnvironment, builder: Builder, docname: str, position: int, drawn: list[nodes.Node]) -> None:
    folder = _folder(env, builder)
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = _file(folder, docname, position)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with partial.open("wb") as handle:
        pickle.dump((get_domain(env).generation, drawn), handle, pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # never half a file, even when a build is stopped
