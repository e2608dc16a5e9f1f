"""The spec header as MyST YAML front matter.

Either a ``techspec:`` mapping, or a top-level ``spec:`` key whose siblings are
the spec's options. The spec is built by the same code as the directive and its
card is placed under the page title, where the template puts the header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import make_id

from ..core.kinds import KINDS
from ..core.model import Problem, as_text, build_item
from .domain import get_domain, warn


def read_front_matter(text: str) -> dict[str, Any] | None:
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return None  # MyST itself reports malformed YAML
    return data if isinstance(data, dict) else None


def read_yaml_options(text: str) -> dict[str, str] | None:
    """A MyST ``---`` options block: a YAML mapping, values as option strings."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    return {str(key): as_text(value) for key, value in data.items()}


def spec_options(data: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """(spec ID, options as strings) from front matter, or None if it declares no spec."""
    nested = data.get("techspec")
    block: dict[str, Any] = nested if isinstance(nested, dict) else data
    spec_id = block.get("spec")
    if not spec_id:
        return None
    fields = {f.name for f in KINDS["spec"].fields}
    options = {}
    for key, value in block.items():
        if key == "spec" or (block is data and key not in fields):
            continue
        options[key] = as_text(value)
    return str(spec_id), options


class SpecFrontMatter(SphinxTransform):
    # after MyST wrote the document, before the domain collects it (850)
    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        source = self.document.get("source", "")
        if not str(source).endswith(".md"):
            return
        try:
            data = read_front_matter(Path(source).read_text(encoding="utf-8"))
        except OSError:
            return
        found = spec_options(data) if data else None
        if not found:
            return
        from .render import placeholder

        spec_id, options = found
        docname = self.env.docname
        item = build_item(KINDS["spec"], spec_id, options, "", docname, 1)
        # the same anchor the spec directive makes, so links do not depend on the syntax
        item.anchor = make_id(self.env, self.document, "techspec", f"spec-{spec_id}")
        get_domain(self.env).note_item(item)
        for problem in item.problems:
            warn(problem)
        node = placeholder(item, [])
        node.source, node.line = source, 1
        self.document.note_explicit_target(node)
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is not None and section.children and isinstance(section[0], nodes.title):
            section.insert(1, node)
        else:
            self.document.insert(0, node)
        if any(i.kind == "spec" and i is not item for i in get_domain(self.env).docs[docname].items):
            warn(
                Problem("spec-scope", f"spec {spec_id!r} is given both as front matter and as a directive", docname, 1)
            )
