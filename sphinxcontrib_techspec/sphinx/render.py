"""Cells and rows from the core, as docutils nodes that every builder can write."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from docutils import nodes
from sphinx import addnodes

from ..core.model import Item
from ..core.present import Cell, Invalid, Ref, card_text, derived_tables, item_rows
from .nodes import techspec_item, techspec_search, techspec_summary

DOMAIN = "techspec"


def ref_text(ref: Ref) -> nodes.inline:
    """The text of a link: the same whether it is resolved late or at once."""
    # IDs are shown as typed: no curly quotes from the smartquotes transform
    return nodes.inline(
        ref.text, ref.text, classes=["techspec-ref", f"techspec-ref-{ref.kind}"], support_smartquotes=False
    )


def xref(ref: Ref, generated: bool = True) -> addnodes.pending_xref:
    """A reference resolved by the domain: the same spec as ``ref.docname`` first."""
    node = addnodes.pending_xref(
        "",
        ref_text(ref),
        refdomain=DOMAIN,
        reftype=ref.kind,
        reftarget=ref.target,
        refexplicit=True,
        refwarn=False,
        # no ``refdoc``: Sphinx builds the link relative to it, so it must stay the
        # page being written (an aggregate shows items of other pages)
    )
    node["techspec_doc"] = ref.docname
    node["techspec_generated"] = generated
    return node


#: how a Ref cell becomes a node: a pending_xref by default; aggregates, written
#: when the index is complete, link at once
Linker = Callable[[Ref], nodes.Node]


def _text(cells: Sequence[Cell]) -> str:
    return "".join(cell if isinstance(cell, str) else cell.text for cell in cells)


#: a value this short (a target, a window, a budget, a short ID: ``p95 < 400ms``,
#: ``99.9%``, ``checkout-api``) is kept on one line in HTML tables; longer ones wrap
SHORT = 14


def _cell_classes(cells: Sequence[Cell]) -> list[str]:
    short = 0 < len(_text(cells)) <= SHORT
    return ["techspec-short"] if short else []


def cell_nodes(cells: Sequence[Cell], link: Linker = xref) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for cell in cells:
        if isinstance(cell, Ref):
            out.append(link(cell))
        elif isinstance(cell, Invalid):
            out.append(nodes.inline(cell.text, cell.text, classes=["techspec-invalid"]))
        else:
            out.append(nodes.Text(cell))
    return out


def colspec(texts: Iterable[str]) -> nodes.colspec:
    """A column as wide as its longest text (4 to 40 characters): the text and
    LaTeX writers lay columns out by these widths (and Sphinx 7.4's text writer
    never finishes wrapping into 1-character columns)."""
    return nodes.colspec(colwidth=min(max(max(map(len, texts), default=0), 4), 40))


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Sequence[Cell]]], classes: Sequence[str] = (), link: Linker = xref
) -> nodes.table:
    """A plain docutils table of cells: every builder knows how to write it."""
    table_node = nodes.table(classes=["techspec-table", *classes])
    group = nodes.tgroup(cols=len(headers))
    table_node += group
    for column, header in enumerate(headers):
        group += colspec([header, *(_text(row[column]) for row in rows)])
    head = nodes.thead()
    group += head
    head += _row([[h] for h in headers], header=True)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row, link)
    return table_node


#: docutils' HTML text encoding (``@`` too), so these tables read like the rest of the page
_HTML_CHARS = str.maketrans({"&": "&amp;", "<": "&lt;", '"': "&quot;", ">": "&gt;", "@": "&#64;"})


def escape(text: str) -> str:
    return text.translate(_HTML_CHARS)


def html_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Sequence[Cell]]],
    classes: Sequence[str],
    href: Callable[[Ref], tuple[str, str, bool] | None],
) -> str:
    """The same table as :func:`table`, as the HTML Sphinx writes for it; every
    text escaped. ``href``: a cell's (address, title, whether it is another
    project's). A link that resolves to nothing is its text (the build warns)."""

    def cell(cells: Sequence[Cell]) -> str:
        out = []
        for value in cells:
            if isinstance(value, Ref):
                text = f'<span class="techspec-ref techspec-ref-{escape(value.kind)}">{escape(value.text)}</span>'
                target = href(value)
                if target is None:
                    out.append(text)
                else:
                    # as Sphinx writes the reference node a card has for the same link
                    kind = "techspec-external reference external" if target[2] else "reference internal"
                    out.append(f'<a class="{kind}" href="{escape(target[0])}" title="{escape(target[1])}">{text}</a>')
            elif isinstance(value, Invalid):
                out.append(f'<span class="techspec-invalid">{escape(value.text)}</span>')
            else:
                out.append(escape(value))
        return "".join(out)

    def td(cells: Sequence[Cell]) -> str:
        classes = _cell_classes(cells)
        return f' class="{" ".join(classes)}"' if classes else ""

    head = "".join(f'<th class="head"><p>{escape(h)}</p></th>' for h in headers)
    body = "\n".join(
        f'<tr class="row-{"odd" if n % 2 else "even"}">'
        + "".join(f"<td{td(c)}><p>{cell(c)}</p></td>" for c in row)
        + "</tr>"
        for n, row in enumerate(rows, 2)
    )
    names = " ".join(escape(c) for c in ("techspec-table", *classes, "docutils", "align-default"))
    return f'<table class="{names}">\n<thead>\n<tr class="row-odd">{head}</tr>\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>\n'


def _row(cells: Sequence[Sequence[Cell]], link: Linker = xref, header: bool = False) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry(classes=[] if header else _cell_classes(cell))
        entry += nodes.paragraph("", "", *cell_nodes(cell, link))
        row += entry
    return row


def placeholder(item: Item, body: Sequence[nodes.Node]) -> techspec_item:
    """What a directive leaves in the doctree: the item's anchor, the words of
    its card for the search index, and its body.

    The head and fields are filled in when the page is written (:func:`fill`),
    from the index: the read-time transforms then walk no card nodes, the
    stored doctrees stay small, and every link is made at once. HTML builders
    fill a card in the writer itself (``cards.visit_item_html``), so ``-j``
    writers share that work; search indexes the page before that, from the
    words noted here.
    """
    node: techspec_item = techspec_item(
        classes=["techspec", f"techspec-{item.kind}"], ids=[item.anchor] if item.anchor else []
    )
    node["kind"] = item.kind
    node["techspec_id"] = item.id
    node["techspec_anchor"] = item.anchor
    node["techspec_docname"] = item.docname
    if item.problems:
        node["classes"].append("techspec-has-problems")
    words = card_text(item)
    node += techspec_search(words, nodes.Text(words))
    node.extend(body)
    return node


def fill(node: techspec_item, item: Item, link: Linker = xref) -> None:
    """The card: kind and ID, owning spec, fields, derived tables; then the body
    (the words noted for search make way)."""
    kind = item.declaration
    head = nodes.paragraph(classes=["techspec-head"])
    head += nodes.inline(kind.title, kind.title, classes=["techspec-kind"])
    head += nodes.Text(" ")
    head += nodes.strong(item.id, item.id, classes=["techspec-id"], support_smartquotes=False)
    if item.title != item.id:
        head += nodes.Text(" \N{EM DASH} ")
        head += nodes.inline(item.title, item.title, classes=["techspec-title"])
    if item.kind != "spec" and item.spec:
        badge = nodes.inline("", "", classes=["techspec-spec-badge"])
        badge += nodes.Text(" \N{MIDDLE DOT} ")
        badge += link(Ref("spec", item.spec, item.spec, item.docname))
        head += badge
    summary = techspec_summary("", head)
    rows = item_rows(item)
    if rows:
        fields = nodes.field_list(classes=["techspec-fields"])
        for name, cells in rows:
            fields += nodes.field(
                "",
                nodes.field_name(name, name),
                nodes.field_body("", nodes.paragraph("", "", *cell_nodes(cells, link))),
            )
        summary += fields
    parts: list[nodes.Node] = [summary]
    for name, headers, values in derived_tables(item):
        parts.append(table(headers, [[[value] for value in row] for row in values], [f"techspec-{name}"]))
    node.children = [child for child in node.children if not isinstance(child, techspec_search)]
    node[0:0] = parts
    node["techspec_filled"] = True
