"""Pages matching ``techspec_adr_paths`` are ADR files (MADR, Nygard/adr-tools,
log4brains, site generators' pages): each becomes an ``adr`` item, without
editing the file; index, overview and README pages and templates are skipped.

The item is built by the same code as the ``adr`` directive, anchored at the
page's top section, and shown as a small card under the page title (MADR keeps
its status in front matter, which the page itself does not show).
"""

from __future__ import annotations

import re
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import make_id

from ..core import adrfiles
from ..core.kinds import KINDS
from ..core.model import Problem, build_item
from .domain import get_domain, warn
from .render import placeholder


def is_adr_file(docname: str, patterns: list[str]) -> bool:
    return any(fnmatch(docname, pattern) for pattern in patterns)


def _hint(problem: Problem) -> Problem:
    """An ADR file has no options: say where its status goes instead."""
    if problem.subtype == "missing-option" and ":status:" in problem.message:
        where = "a `status:` line in its front matter (MADR) or a `## Status` section (Nygard)"
        return replace(problem, message=f"{problem.message}: add {where}")
    return problem


def _located(problem: Problem, lines: dict[str, int]) -> Problem:
    """A problem with one option (``:date: ...``) is reported on the line that option came from."""
    named = re.search(r":([a-z-]+):", problem.message)
    if named and named.group(1) in lines and problem.subtype != "missing-option":
        return replace(problem, lineno=lines[named.group(1)])
    return problem


class ADRFiles(SphinxTransform):
    # after MyST wrote the document, before the domain collects it (850)
    default_priority = 805

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        if not is_adr_file(docname, list(self.config.techspec_adr_paths or [])):
            return
        domain = get_domain(self.env)
        data = domain.docs.get(docname)
        if data is not None and any(i.kind == "adr" for i in data.items):
            return  # the page declares its ADR with the directive: that one wins
        source = str(self.document.get("source", ""))
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        parsed = adrfiles.parse(text, docname)
        if parsed.page == "other":
            message = (
                f"{docname!r} matches techspec_adr_paths but is not read as an ADR: its file name has no number "
                "or date, and it has no `adr-id:` and no status"
            )
            warn(Problem("adr-file", message, docname, 1))
        if not parsed.is_adr:
            return  # an index, README or overview page, or a template, among the ADR files
        # problems point at the line they are about (the status); the item itself is the whole file
        item = build_item(KINDS["adr"], parsed.id, parsed.options, parsed.body, docname, parsed.lineno)
        item.lineno = 1
        item.problems[:] = [_hint(_located(p, parsed.lines)) for p in item.problems]
        item.problems += [Problem("adr-file", f"adr {item.id!r}: {m}", docname, line) for m, line in parsed.notes]
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is not None and section["ids"]:
            item.anchor = section["ids"][0]
        else:
            item.anchor = make_id(self.env, self.document, "techspec", f"adr-{item.id}")
            target = nodes.target("", "", ids=[item.anchor])
            self.document.insert(0, target)
        domain.note_item(item)
        for problem in item.problems:
            warn(problem)
        node = placeholder(item, [])
        node["ids"] = []  # the anchor is the section's: one id, one place
        node["classes"].append("techspec-adr-file")
        node.source, node.line = source, parsed.lineno
        if section is not None and section.children and isinstance(section[0], nodes.title):
            section.insert(1, node)
        else:
            self.document.insert(0, node)
