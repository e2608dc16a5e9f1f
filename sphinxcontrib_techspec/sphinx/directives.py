"""Directives, derived from the kind declarations; all share one base."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

from ..core.kinds import KINDS, Kind
from ..core.model import Item, Problem, build_item
from ..core.values import ListOf, Text
from .domain import get_domain, warn
from .nodes import techspec_aggregate
from .render import card


class AnyOption(dict[str, Any]):
    """An option spec that accepts every option name as a plain string.

    docutils (and MyST) refuse the whole directive when an option is unknown or
    its converter raises; that would lose the item. Every value is taken as
    written and validated in ``run()``, where a problem is a warning.
    """

    def __missing__(self, key: str) -> Any:
        return directives.unchanged


class TechspecDirective(SphinxDirective):
    """Shared base: located warnings."""

    def warn(self, subtype: str, message: str) -> None:
        warn(Problem(subtype, message), self.get_location())


class ItemDirective(TechspecDirective):
    kind: ClassVar[Kind]
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        kind = self.kind
        docname = self.env.docname
        item_id = self.arguments[0].strip() if self.arguments else ""
        body_text = "\n".join(self.content)
        body = self.body_nodes(body_text)
        if not item_id:
            self.warn("missing-argument", f"{kind.name}: the {kind.argument} is missing; the item is shown but not recorded")
            return body
        item = build_item(kind, item_id, dict(self.options), body_text, docname, self.lineno)
        return [self.record(item, body)]

    def record(self, item: Item, body: list[nodes.Node]) -> nodes.Node:
        item.anchor = make_id(self.env, self.state.document, "techspec", f"{item.kind}-{item.id}")
        get_domain(self.env).note_item(item)
        for problem in item.problems:
            warn(problem, self.get_location())
        node = card(item, body)
        self.set_source_info(node)
        self.state.document.note_explicit_target(node)
        return node

    def body_nodes(self, text: str) -> list[nodes.Node]:
        if not text.strip():
            return []
        if self.kind.body != "prose" or self.kind.body_fields:
            # code, or a body the kind parses (a schema's fields): shown as written, never read as markup
            language = self.kind.body if self.kind.body != "prose" else "text"
            block = nodes.literal_block(text, text, language=language, classes=["techspec-body"])
            self.set_source_info(block)
            return [block]
        # raw HTML in an item body (MyST passes it through) would reach the page
        # unescaped: it is shown as text instead
        holder = nodes.container("", *self.parse_content_to_nodes(allow_section_headings=False))
        raws = list(holder.findall(nodes.raw))
        for raw in raws:
            inline = isinstance(raw.parent, nodes.TextElement)
            text = raw.astext()
            raw.replace_self((nodes.literal if inline else nodes.literal_block)(text, text, classes=["techspec-raw"]))
        if raws:
            self.warn("raw-markup", f"{self.kind.name}: raw markup in the body is shown as text, not injected")
        return list(holder.children)


def item_directive(kind: Kind) -> type[ItemDirective]:
    return type(
        f"{kind.name.title().replace('-', '')}Directive",
        (ItemDirective,),
        {"kind": kind, "option_spec": AnyOption({f.name: directives.unchanged for f in kind.fields})},
    )


class AggregateDirective(TechspecDirective):
    """Emits a placeholder; it is filled from the index when the page is written,
    so it is always current. Options are validated here, once."""

    aggregate: ClassVar[str]
    #: option name -> whether it is a comma-separated list
    declared: ClassVar[dict[str, bool]] = {}
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = techspec_aggregate()
        node["aggregate"] = self.aggregate
        node["argument"] = self.arguments[0].strip() if self.arguments else ""
        for name, is_list in self.declared.items():
            value = self.options.get(name)
            if value is None:
                continue
            if is_list:
                entries, empty = ListOf(Text()).split(value)
                if empty:
                    self.warn("empty-entry", f"{self.name}: :{name}: has {empty} empty list entries")
                node[name] = entries
            else:
                node[name] = value.strip()
        for name in self.options:
            if name not in self.declared:
                self.warn("unknown-option", f"{self.name}: unknown option :{name}: (known: {', '.join(self.declared)})")
        self.check(node)
        self.set_source_info(node)
        get_domain(self.env).doc(self.env.docname).aggregates = True
        return [node]

    def check(self, node: techspec_aggregate) -> None:
        """Option checks that need no other document."""


def aggregate_directive(name: str, declared: dict[str, bool], arguments: int = 0, check: Any = None) -> type[AggregateDirective]:
    attrs: dict[str, Any] = {
        "aggregate": name,
        "declared": declared,
        "option_spec": AnyOption({o: directives.unchanged for o in declared}),
        "optional_arguments": arguments,
        "final_argument_whitespace": False,
    }
    if check:
        attrs["check"] = check
    return type(f"{name.title().replace('-', '')}Directive", (AggregateDirective,), attrs)


def _check_table(self: AggregateDirective, node: techspec_aggregate) -> None:
    from ..core.present import valid_columns

    kind = node["argument"]
    if kind not in KINDS:
        self.warn("bad-value", f"techspec-table: {kind!r} is not a kind (one of: {', '.join(KINDS)})")
        return
    if "columns" in node:
        valid = valid_columns(kind)
        bad = [c for c in node["columns"] if c not in valid]
        if bad:
            self.warn("bad-value", f"techspec-table: no column {', '.join(map(repr, bad))} for {kind} (valid: {', '.join(valid)})")
        node["columns"] = [c for c in node["columns"] if c in valid]


AGGREGATES: dict[str, type[AggregateDirective]] = {
    "techspec-table": aggregate_directive("table", {"spec": True, "columns": True}, 1, _check_table),
    "topology": aggregate_directive("topology", {"spec": True}),
    "traceability-matrix": aggregate_directive("matrix", {"spec": True, "prd": True, "rows": False}),
    "traceability-report": aggregate_directive("report", {"spec": True, "prd": True}),
    "spec-summary": aggregate_directive("summary", {}, 1),
}
