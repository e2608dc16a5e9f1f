"""Reference pages derived from the declarations, so the docs cannot drift.

``techspec-kinds`` documents kinds and their options from ``core.kinds.KINDS``,
``techspec-subtypes`` every warning subtype, ``techspec-schema`` the export's
JSON Schema and ``techspec-config`` the ``techspec_*`` config values. They emit
plain docutils nodes, so every builder writes them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import Field, fields
from typing import Any, TypeAlias

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.nodes import make_id

from ..core import export
from ..core.kinds import KINDS, SECTIONS, Kind
from ..core.subtypes import SUBTYPES
from ..core.values import describe
from . import config
from .directives import TechspecDirective
from .render import colspec

# the closing ``` `` ``` may follow a backtick that belongs to the code (a role)
_CODE = re.compile(r"``(.+?)``(?!`)")

Cell: TypeAlias = str | nodes.Node | Sequence[nodes.Node]


def inline(text: str) -> list[nodes.Node]:
    """Declaration docs use only ````code````: render it without a parser, so the
    same nodes come out in RST and MyST documents."""
    out: list[nodes.Node] = []
    for i, part in enumerate(_CODE.split(text)):
        if part:
            out.append(nodes.literal(part, part) if i % 2 else nodes.Text(part))
    return out


def _entry(cell: Cell) -> nodes.entry:
    if isinstance(cell, str):
        content: list[nodes.Node] = inline(cell)
    elif isinstance(cell, nodes.Node):
        content = [cell]
    else:
        content = list(cell)
    return nodes.entry("", nodes.paragraph("", "", *content))


def grid(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], classes: Sequence[str] = (), ids: Sequence[str] = ()
) -> nodes.table:
    """A docutils table; ``ids`` (one per row, may be empty) make rows linkable."""
    table = nodes.table(classes=["techspec-reference", *classes])
    group = nodes.tgroup(cols=len(headers))
    table += group
    entries = [[_entry(c) for c in cells] for cells in rows]
    for column, header in enumerate(headers):
        group += colspec([header, *(row[column].astext() for row in entries)])
    head = nodes.thead()
    head += nodes.row("", *(_entry(h) for h in headers))
    body = nodes.tbody()
    for number, cells in enumerate(entries):
        row = nodes.row("", *cells)
        if number < len(ids) and ids[number]:
            row["ids"].append(ids[number])
        body += row
    group += head
    group += body
    return table


def label(kind: str) -> str:
    """The ``:ref:`` label of a kind's section, e.g. ``techspec-kind-slo``."""
    return f"techspec-kind-{kind}"


def kind_link(kind: str) -> nodes.Node:
    """A link to the kind's section wherever the docs show it; plain text if they do not."""
    return addnodes.pending_xref(
        "",
        nodes.literal(kind, kind),
        refdomain="std",
        reftype="ref",
        reftarget=label(kind),
        refexplicit=True,
        refwarn=False,
    )


class KindsDirective(TechspecDirective):
    """``techspec-kinds [KIND or SECTION]``: one linkable section per kind."""

    optional_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        choice = self.arguments[0].strip() if self.arguments else ""
        if choice in KINDS:
            return [self.kind_section(KINDS[choice])]
        if choice in SECTIONS:
            return [self.kind_section(k) for k in KINDS.values() if k.section == choice]
        if choice:
            self.warn(
                "bad-value",
                f"techspec-kinds: {choice!r} is neither a kind nor a section (sections: {', '.join(SECTIONS)})",
            )
            return []
        out: list[nodes.Node] = []
        for key, title in SECTIONS.items():
            group = self.section(title, make_id(self.env, self.state.document, "techspec-section", key))
            group.extend(self.kind_section(k) for k in KINDS.values() if k.section == key)
            out.append(group)
        return out

    def section(self, title: str | list[nodes.Node], node_id: str, name: str = "") -> nodes.section:
        section = nodes.section(ids=[node_id])
        parts = inline(title) if isinstance(title, str) else title
        section += nodes.title("", "", *parts)
        self.set_source_info(section)
        if name:
            section["names"].append(name)
            self.state.document.note_explicit_target(section)
        return section

    def kind_section(self, kind: Kind) -> nodes.section:
        section = self.section(
            [nodes.literal(kind.name, kind.name)],
            make_id(self.env, self.state.document, "techspec-kind", kind.name),
            label(kind.name),
        )
        section += nodes.paragraph("", "", *inline(kind.doc))
        scope = "unique across the project" if kind.project_scoped else "unique per kind within its spec"
        body = "free prose (rendered)" if kind.body == "prose" else f"code, highlighted as ``{kind.body}``"
        facts: list[tuple[str, list[nodes.Node]]] = [
            ("Argument", inline(f"the {kind.argument}; the ID is {scope}")),
            ("Body", inline(body)),
            ("Role", inline(f"``:techspec:{kind.name}:`ID``` (or ``:techspec:ref:`ID```)")),
            ("Table columns", inline(", ".join(f"``{c}``" for c in ("id", "spec", *kind.default_columns)))),
        ]
        listing = nodes.field_list(classes=["techspec-kind-facts"])
        for name, content in facts:
            listing += nodes.field(
                "", nodes.field_name(name, name), nodes.field_body("", nodes.paragraph("", "", *content))
            )
        section += listing
        rows = [
            [
                nodes.literal(f":{f.name}:", f":{f.name}:"),
                "yes" if f.required else "",
                describe(f.parser),
                [kind_link(f.ref)] if f.ref else "",
                f.doc,
            ]
            for f in kind.fields
        ]
        section += grid(["Option", "Required", "Syntax", "References", "Description"], rows, ["techspec-kind-options"])
        if kind.derived_fields:
            section += nodes.rubric("Derived values", "Derived values")
            derived = [[nodes.literal(f.name, f.name), describe(f.parser), f.doc] for f in kind.derived_fields]
            section += grid(["Field", "Shown as", "Description"], derived, ["techspec-kind-derived"])
        return section


def subtype_groups() -> dict[str, list[str]]:
    """Named subsets of the subtypes, read off the modules that report them."""
    from ..core import review, trace

    return {"traceability": list(trace.REPORT_SECTIONS), "review": list(review.CHECKS)}


class SubtypesDirective(TechspecDirective):
    """``techspec-subtypes [traceability|review]``: warning subtypes, each row linkable."""

    optional_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        group = self.arguments[0].strip() if self.arguments else ""
        groups = subtype_groups()
        if group and group not in groups:
            self.warn("bad-value", f"techspec-subtypes: no group {group!r} (groups: {', '.join(groups)})")
        names = [n for n in SUBTYPES if group not in groups or n in groups[group]]
        rows: list[list[Cell]] = [[nodes.literal(f"techspec.{n}", f"techspec.{n}"), SUBTYPES[n]] for n in names]
        ids = [make_id(self.env, self.state.document, "techspec-subtype", n) for n in names]
        return [grid(["Subtype", "When"], rows, ["techspec-subtypes"], ids)]


class SchemaDirective(TechspecDirective):
    """``techspec-schema``: the JSON Schema of ``techspec.json``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        text = json.dumps(export.schema(), indent=2, sort_keys=False)
        block = nodes.literal_block(text, text, language="json", classes=["techspec-schema"])
        self.set_source_info(block)
        return [block]


def config_docs() -> dict[str, str]:
    """Field name -> its ``#:`` comment in ``TechspecConfig`` (read from the source)."""
    analyzer = ModuleAnalyzer.for_module(config.__name__)
    return {
        attr: " ".join(line.strip() for line in lines if line.strip())
        for (cls, attr), lines in analyzer.find_attr_docs().items()
        if cls == "TechspecConfig"
    }


def _default(f: Field[Any]) -> Any:
    return f.default_factory() if callable(f.default_factory) else f.default


class ConfigDirective(TechspecDirective):
    """``techspec-config``: every ``techspec_*`` value with its default and docs."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        docs = config_docs()
        rows: list[list[Cell]] = []
        ids = []
        for f in fields(config.TechspecConfig):
            default = _default(f)
            name = f"techspec_{f.name}"
            rows.append(
                [
                    nodes.literal(name, name),
                    nodes.literal(repr(default), repr(default)),
                    type(default).__name__,
                    docs.get(f.name, ""),
                ]
            )
            ids.append(make_id(self.env, self.state.document, "confval", name))
        return [grid(["Name", "Default", "Type", "Description"], rows, ["techspec-config"], ids)]


DIRECTIVES = {
    "techspec-kinds": KindsDirective,
    "techspec-subtypes": SubtypesDirective,
    "techspec-schema": SchemaDirective,
    "techspec-config": ConfigDirective,
}


def register(app: Sphinx) -> None:
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
