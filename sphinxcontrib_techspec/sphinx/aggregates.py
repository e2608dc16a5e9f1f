"""Aggregates are filled late, from the one index, when each page is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import texescape

from ..core import charts, filters, present, topology, trace
from ..core.filters import Filter, SortKey
from ..core.index import Index
from ..core.kinds import KINDS
from ..core.model import Item, Problem
from ..core.present import Cell, Ref
from ..core.trace import MATRIX_ROWS
from . import reuse
from .cards import Links, complete
from .domain import get_domain, warn
from .nodes import techspec_aggregate, techspec_item
from .render import cell_nodes, html_table, table


class AggregateTransform(SphinxPostTransform):
    # before Sphinx resolves references (priority 10): a cell that does not
    # resolve here is left to it as a pending_xref
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = get_domain(self.env)
        self.links = Links(self.env, self.builder, self.env.docname)
        # one walk finds both, in this page or in a tree assembled from many
        # documents (latex, texinfo, man and singlehtml write many in one tree)
        found = list(self.document.findall(lambda n: isinstance(n, (techspec_item, techspec_aggregate))))
        if self.builder.format != "html":
            # item cards; HTML writers complete theirs as they write them (cards.visit_item_html)
            for card in (n for n in found if isinstance(n, techspec_item)):
                complete(card, self.links)
        for position, node in enumerate(n for n in found if isinstance(n, techspec_aggregate)):
            _warn_unknown_names(domain.index, node)
            drawn = reuse.load(self.env, self.builder, self.env.docname, position)
            if drawn is None:
                drawn = RENDERERS[node["aggregate"]](self, domain.index, node)
                for part in drawn:
                    if isinstance(part, nodes.raw):
                        # search finds an item on the page that declares it, not in every view of it
                        part["classes"].append("no-search")
                reuse.store(self.env, self.builder, self.env.docname, position, drawn)
            node.replace_self(drawn)

    @property
    def builder(self) -> Builder:
        # Sphinx 9 deprecates ``.app`` on transforms; 7.4 and 8 have no ``env._app``
        app = getattr(self.env, "_app", None) or self.app
        return app.builder

    def href(self, item: Item) -> str:
        return self.links.href(item)

    def link(self, ref: Ref) -> nodes.Node:
        return self.links.link(ref)

    def table(self, headers: list[str], rows: list[list[list[Cell]]], classes: list[str]) -> nodes.Node:
        """An aggregate table: HTML written at once for HTML builders (a big
        table as docutils nodes costs more to build and write than the rest of
        its page), docutils nodes for every other builder."""
        if self.builder.format != "html":
            # the container names the table for LaTeX (a table's classes are not written)
            return nodes.container("", table(headers, rows, classes, self.link), classes=["techspec-aggregate"])
        return nodes.raw("", html_table(headers, rows, classes, self.links.anchor_href), format="html")


Renderer = Callable[[AggregateTransform, Index, techspec_aggregate], list[nodes.Node]]


#: the aggregate options that name items: option -> the kind of the items it names
NAMING_OPTIONS = {"spec": "spec", "prd": "prd"}


def _warn_unknown_names(index: Index, node: techspec_aggregate) -> None:
    """An ID in :spec:, :prd: (or spec-summary's argument) that nothing declares is
    an ``unknown-ref`` at the directive, not silently an empty view."""
    named = [(f":{option}:", kind, node.get(option) or []) for option, kind in NAMING_OPTIONS.items()]
    if node["aggregate"] == "summary" and node["argument"]:
        named.append(("the argument", "spec", [node["argument"]]))
    directive = node.get("directive", node["aggregate"])
    for what, kind, ids in named:
        unknown = [i for i in ids if index.get(kind, i) is None]
        if unknown:
            noun = "spec" if kind == "spec" else KINDS[kind].noun
            warn(Problem("unknown-ref", f"{directive}: {what} names no {noun} {', '.join(map(repr, unknown))}"), node)


def _empty(text: str) -> list[nodes.Node]:
    return [nodes.paragraph(text, text, classes=["techspec-empty"])]


def _invalid(node: techspec_aggregate) -> list[nodes.Node] | None:
    """In place of an aggregate whose :filter: or :sort: was refused when it was read."""
    option = node.get("techspec_invalid")
    if not option:
        return None
    return _empty(f"(no table: its :{option}: is not valid; see the build warning)")


def _select(node: techspec_aggregate, kind: str) -> tuple[Filter | None, tuple[SortKey, ...]]:
    """The directive's filter and sort order, checked when it was read (parsed once, cached)."""
    where = filters.compile_filter(kind, node["filter"]) if "filter" in node else None
    order = filters.parse_sort(kind, node["sort"]) if "sort" in node else ()
    return where, order


def _no_match(
    t: AggregateTransform, headers: list[str], classes: list[str], what: str, where: Filter
) -> list[nodes.Node]:
    """A filter that matches nothing: the table's header and a note, no warning."""
    text = f"No {what} match the filter: {where.text}"
    return [t.table(headers, [], classes), *_empty(text)]


def render_table(t: AggregateTransform, index: Index, node: techspec_aggregate) -> list[nodes.Node]:
    kind = node["argument"]
    if kind not in KINDS:
        return _empty(f"(no table: {kind!r} is not a kind)")
    refused = _invalid(node)
    if refused is not None:
        return refused
    where, order = _select(node, kind)
    headers, rows = present.table(index, kind, node.get("spec"), node.get("columns") or None, where, order)
    classes = [f"techspec-table-{kind}"]
    if not rows:
        if where is not None:
            return _no_match(t, headers, classes, f"{KINDS[kind].title} items", where)
        return _empty(f"No {KINDS[kind].title} items.")
    return [t.table(headers, rows, classes)]


def render_topology(t: AggregateTransform, index: Index, node: techspec_aggregate) -> list[nodes.Node]:
    graph = topology.build_graph(index, node.get("spec"))
    if not graph.nodes:
        return _empty("No components.")
    out: list[nodes.Node] = []
    if t.builder.format == "html":
        svg = topology.svg(graph, t.href)
        out.append(nodes.raw("", f'<div class="techspec-topology-figure">{svg}</div>', format="html"))
    elif t.builder.format == "latex":
        out.append(nodes.raw("", topology.tikz(graph, _tex_escaper(t)), format="latex"))
    # the same graph as text: the fallback for builders that cannot show SVG
    # and the accessible reading of the picture everywhere else
    listing = nodes.bullet_list(classes=["techspec-topology-list"])
    successors = graph.successors()
    for key in sorted(graph.nodes):
        graph_node = graph.nodes[key]
        deps = [graph.nodes[b] for b in successors[key]]
        cells: list[present.Cell] = [present.self_ref(graph_node.item) if graph_node.item else graph_node.label]
        if deps:
            cells.append(" \N{RIGHTWARDS ARROW} ")
            for i, dep in enumerate(deps):
                cells.extend([", "] if i else [])
                cells.append(present.self_ref(dep.item) if dep.item else f"{dep.label} (not declared)")
        listing += nodes.list_item("", nodes.paragraph("", "", *cell_nodes(cells, t.link)))
    if t.builder.format == "html":
        details = nodes.container(classes=["techspec-topology-text"])
        details += listing
        out.append(details)
    else:
        out.append(listing)
    return out


def _tex_escaper(t: AggregateTransform) -> Callable[[str], str]:
    """Sphinx's own LaTeX escaping, for this build's engine; and TikZ in the
    preamble, added only once a picture needs it (the preamble is written after
    the documents are assembled), so projects without a topology need no TikZ."""
    app = getattr(t.env, "_app", None) or t.app
    if ("tikz", None) not in app.registry.latex_packages:
        app.add_latex_package("tikz")
    engine = t.config.latex_engine
    return lambda text: texescape.escape(text, engine)


def render_summary(t: AggregateTransform, index: Index, node: techspec_aggregate) -> list[nodes.Node]:
    spec = node["argument"] or get_domain(t.env).doc_spec(node.get("techspec_docname", t.env.docname))
    if not spec:
        return _empty("(no spec to summarise: give its ID as the argument)")
    out: list[nodes.Node] = []
    for section, kinds in present.spec_summary(index, spec):
        out.append(nodes.rubric(section, section, classes=["techspec-summary-section"]))
        for _title, items in kinds:
            kind = items[0].kind
            headers, rows = present.table(index, kind, [spec], ["id", *KINDS[kind].default_columns])
            out.append(t.table(headers, rows, [f"techspec-table-{kind}"]))
    return out or _empty(f"Spec {spec} declares no items yet.")


def render_matrix(t: AggregateTransform, index: Index, node: techspec_aggregate) -> list[nodes.Node]:
    refused = _invalid(node)
    if refused is not None:
        return refused
    rows = node.get("rows") or "prd"
    where, order = _select(node, MATRIX_ROWS[rows])

    def select(items: list[Item]) -> list[Item]:
        kept = where.select(items) if where is not None else items
        return filters.sort_items(kept, order) if order else kept

    headers, cells = trace.matrix(index, rows, node.get("spec"), node.get("prd"), select)
    if not cells:
        if where is not None:
            return _no_match(t, headers, ["techspec-matrix"], "rows", where)
        return _empty("Nothing to trace yet.")
    return [t.table(headers, cells, ["techspec-matrix"])]


def render_report(t: AggregateTransform, index: Index, node: techspec_aggregate) -> list[nodes.Node]:
    report = trace.report(index, node.get("spec"), node.get("prd"))
    out: list[nodes.Node] = []
    for section in report:
        out.append(nodes.rubric(section.title, section.title, classes=["techspec-report-section"]))
        if section.summary:
            out.append(nodes.paragraph("", "", *cell_nodes(section.summary, t.link)))
        if section.name == "coverage":
            # the table under it has the same numbers, for every builder
            out.extend(_chart_figure(t, charts.coverage_chart(index, node.get("prd"))))
        if section.rows:
            out.append(t.table(section.headers, section.rows, [f"techspec-report-{section.name}"]))
        elif not section.summary:
            out.extend(_empty("None."))
    # one element to style (and measure) the report by
    return [nodes.container("", *out, classes=["techspec-report"])]


def _chart_figure(t: AggregateTransform, chart: charts.Chart) -> list[nodes.Node]:
    """The chart as SVG, for HTML builders only."""
    if t.builder.format != "html" or not chart.bars:
        return []
    svg = charts.svg(chart, t.href)
    return [nodes.raw("", f'<div class="techspec-chart-figure">{svg}</div>', format="html")]


def render_slo_chart(t: AggregateTransform, index: Index, node: techspec_aggregate) -> list[nodes.Node]:
    names = node.get("component")
    if names:
        known = {key for c in index.of_kind("component") for key in (c.id, c.qualified_id)}
        unknown = [n for n in names if n not in known]
        if unknown:
            warn(
                Problem("unknown-ref", f"slo-chart: :component: names no component {', '.join(map(repr, unknown))}"),
                node,
            )
    chart = charts.slo_chart(index, node.get("spec"), names)
    if not chart.bars:
        return _empty("No SLOs.")
    if t.builder.format == "html":
        return _chart_figure(t, chart)  # its accessible name reads out every number
    # builders without pictures: the numbers as a table
    rows: list[list[list[Cell]]] = [
        [[present.self_ref(bar.item, bar.label) if bar.item else bar.label], [bar.note], [bar.text]]
        for bar in chart.bars
    ]
    return [t.table(chart.headers, rows, ["techspec-chart-table"])]


def render_changes(t: AggregateTransform, index: Index, node: techspec_aggregate) -> list[nodes.Node]:
    """This build against a baseline export: what changed, grouped by spec, with what breaks flagged."""
    from ..core import changes
    from . import baseline

    location = node["argument"]
    app = getattr(t.env, "_app", None) or t.app  # as ``builder`` above: Sphinx 9 deprecates ``.app``
    loaded = baseline.load(app, location, node) if location else None
    if loaded is None:
        return _empty("(no baseline to compare with)")
    project, old = loaded
    report = changes.compare(old, index, project, project)
    specs = node.get("spec")
    if specs:
        wanted = set(specs)
        report.changes = [c for c in report.changes if c.owning_spec in wanted]
        report.findings = [f for f in report.findings if f.spec in wanted]
    if node.get("show") == "breaking":
        report.changes = [c for c in report.changes if c.cls == changes.BREAKING]
    if not report.changes:
        return _empty(f"No changes since the baseline ({location}).")
    counts = {cls: sum(c.cls == cls for c in report.changes) for cls in ("breaking", "compatible", "editorial")}
    summary = ", ".join(f"{n} {cls}" for cls, n in counts.items())
    out: list[nodes.Node] = [nodes.paragraph("", f"Changes since the baseline ({location}): {summary}.")]
    if report.findings:
        flag = nodes.warning(classes=["techspec-changes-findings"])
        flag += nodes.paragraph("", "Breaking changes without a major version bump:")
        listing = nodes.bullet_list()
        for finding in report.findings:
            listing += nodes.list_item("", nodes.paragraph("", finding.message))
        flag += listing
        out.append(flag)
    for spec, rows in changes.table_rows(report, t.env.docname):
        title = spec or "(no spec)"
        out.append(nodes.rubric(title, title, classes=["techspec-changes-spec"]))
        out.append(t.table(["change", "kind", "item", "class", "what changed"], rows, ["techspec-changes"]))
    return out


RENDERERS: dict[str, Renderer] = {
    "table": render_table,
    "topology": render_topology,
    "summary": render_summary,
    "matrix": render_matrix,
    "report": render_report,
    "slo-chart": render_slo_chart,
    "changes": render_changes,
}
