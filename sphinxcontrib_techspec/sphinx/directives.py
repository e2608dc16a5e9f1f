"""Directives, derived from the kind declarations; all share one base."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

from ..core.kinds import Kind
from ..core.model import Item, Problem, build_item, read_option_lines
from ..core.present import query
from ..core.trace import MATRIX_ROWS
from ..core.values import ListOf, Text
from .domain import get_domain, warn
from .frontmatter import read_yaml_options
from .nodes import techspec_aggregate
from .render import placeholder


class TechspecDirective(SphinxDirective):
    """Shared base: options read by us, located warnings.

    Options are not declared to docutils or MyST (``option_spec`` is None):
    both refuse a whole directive when an option is unknown or its converter
    raises, which would lose the item, and docutils parses every option block
    with a nested state machine, the dearest part of reading a directive. The
    ``:name: value`` lines are read here instead, the same way for both
    syntaxes, and every value is validated by the kind's parsers.
    """

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = None
    arguments: list[str]
    content: StringList
    content_offset: int

    def run(self) -> list[nodes.Node]:
        self.take_options()
        return self.techspec_run()

    def techspec_run(self) -> list[nodes.Node]:
        raise NotImplementedError

    def take_options(self) -> None:
        """Options from the argument's tail (reST) or the body's head (MyST, or
        reST with a blank line before them); MyST's ``---`` YAML block too."""
        options: dict[str, str] = {}
        lines = self.arguments[0].splitlines() if self.arguments else []
        first = next((i for i, line in enumerate(lines) if read_option_lines([line])[1]), len(lines))
        argument = " ".join(line.strip() for line in lines[:first]).strip()
        stray: list[str] = []
        if first < len(lines):
            options, used = read_option_lines(lines[first:])
            stray = lines[first + used :]
        elif self.content and self.content[0].strip() == "---":
            end = next((i for i in range(1, len(self.content)) if self.content[i].strip() == "---"), 0)
            if end:
                data = read_yaml_options("\n".join(self.content[1:end]))
                if data is None:
                    self.warn("bad-value", f"{self.name}: the options block is not a YAML mapping")
                options = data or {}
                self.content, self.content_offset = self.content[end + 1 :], self.content_offset + end + 1
        elif self.content:
            options, used = read_option_lines(list(self.content))
            self.content, self.content_offset = self.content[used:], self.content_offset + used
        if stray:
            # reST lines right after the options, with no blank line: the body's start
            source, _ = self.get_source_info()
            start = self.lineno + first + len(lines) - len(stray)
            head = StringList(stray, items=[(source, start + i) for i in range(len(stray))])
            self.content = head + (
                StringList([""], items=[(source, start + len(stray))]) + self.content if self.content else StringList()
            )
            self.content_offset = start - 1
        blank = next((i for i, line in enumerate(self.content) if line.strip()), len(self.content))
        if blank:
            # MyST keeps the blank line between the options and the body
            self.content, self.content_offset = self.content[blank:], self.content_offset + blank
        self.arguments = [argument] if argument else []
        self.options = options

    def warn(self, subtype: str, message: str) -> None:
        warn(Problem(subtype, message), self.get_location())


class ItemDirective(TechspecDirective):
    kind: ClassVar[Kind]

    def techspec_run(self) -> list[nodes.Node]:
        kind = self.kind
        docname = self.env.docname
        item_id = self.arguments[0].strip() if self.arguments else ""
        body_text = "\n".join(self.content)
        body = self.body_nodes(body_text)
        if not item_id:
            self.warn(
                "missing-argument", f"{kind.name}: the {kind.argument} is missing; the item is shown but not recorded"
            )
            return body
        item = build_item(kind, item_id, dict(self.options), body_text, docname, self.lineno)
        return [self.record(item, body)]

    def record(self, item: Item, body: list[nodes.Node]) -> nodes.Node:
        item.anchor = make_id(self.env, self.state.document, "techspec", f"{item.kind}-{item.id}")
        get_domain(self.env).note_item(item)
        for problem in item.problems:
            warn(problem, self.get_location())
        node = placeholder(item, body)
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
        {"kind": kind},
    )


class AggregateDirective(TechspecDirective):
    """Emits a placeholder; it is filled from the index when the page is written,
    so it is always current. Options are validated here, once."""

    aggregate: ClassVar[str]
    #: option name -> whether it is a comma-separated list
    declared: ClassVar[dict[str, bool]] = {}

    def techspec_run(self) -> list[nodes.Node]:
        if "\n".join(self.content).strip():
            self.warn("bad-value", f"{self.name}: takes no content; it is ignored")
        node = techspec_aggregate()
        node["aggregate"] = self.aggregate
        node["directive"] = self.name  # as the page wrote it, to name it in warnings
        node["argument"] = self.arguments[0].strip() if self.arguments else ""
        # its own page, also once latex or singlehtml has merged it into another's tree
        node["techspec_docname"] = self.env.docname
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


def aggregate_directive(name: str, declared: dict[str, bool], check: Any = None) -> type[AggregateDirective]:
    attrs: dict[str, Any] = {
        "aggregate": name,
        "declared": declared,
    }
    if check:
        attrs["check"] = check
    return type(f"{name.title().replace('-', '')}Directive", (AggregateDirective,), attrs)


def _check_table(self: AggregateDirective, node: techspec_aggregate) -> None:
    _check_query(self, node, node["argument"])


def _check_matrix(self: AggregateDirective, node: techspec_aggregate) -> None:
    rows = node.get("rows") or "prd"
    if rows not in MATRIX_ROWS:
        self.warn("bad-value", f"{self.name}: :rows: {rows!r} is not one of {', '.join(MATRIX_ROWS)}")
        node["rows"] = rows = "prd"
    _check_query(self, node, MATRIX_ROWS[rows])


def _check_query(self: AggregateDirective, node: techspec_aggregate, kind: str) -> None:
    """The kind, ``:columns:``, ``:filter:`` and ``:sort:`` are checked here, once
    (``present.query``), so a mistake is reported at the directive: an unknown
    column is dropped; a refused filter or sort order leaves the aggregate with
    no rows (``techspec_invalid``) rather than rows the author did not ask for."""
    checked = query(kind, node.get("columns"), node.get("filter"), node.get("sort"))
    for problem in checked.problems:
        self.warn(problem.subtype, f"{self.name}: {problem.message}")
    if "columns" in node:
        node["columns"] = checked.columns or []
    if checked.refused in ("filter", "sort"):
        node["techspec_invalid"] = checked.refused


def _check_changes(self: AggregateDirective, node: techspec_aggregate) -> None:
    if not node["argument"]:
        self.warn("bad-value", "techspec-changes: give the baseline export, a path relative to conf.py or a URL")
    if node.get("show", "all") not in ("all", "breaking"):
        self.warn("bad-value", f"techspec-changes: :show: is 'all' or 'breaking', not {node['show']!r}")
        node["show"] = "all"


AGGREGATES: dict[str, type[AggregateDirective]] = {
    "techspec-table": aggregate_directive(
        "table", {"spec": True, "columns": True, "filter": False, "sort": False}, _check_table
    ),
    "topology": aggregate_directive("topology", {"spec": True}),
    "traceability-matrix": aggregate_directive(
        "matrix", {"spec": True, "prd": True, "rows": False, "filter": False, "sort": False}, _check_matrix
    ),
    "traceability-report": aggregate_directive("report", {"spec": True, "prd": True}),
    "spec-summary": aggregate_directive("summary", {}),
    "slo-chart": aggregate_directive("slo-chart", {"spec": True, "component": True}),
    "techspec-changes": aggregate_directive("changes", {"spec": True, "show": False}, _check_changes),
}
