"""Links from a page to items, and item cards completed from the index.

One :class:`Links` per page written: aggregates and cards link through it at
once (the index is complete when a page is written), each target page's
address computed once. HTML builders complete a card in the writer
(:func:`visit_item_html`), where ``-j`` writers share the work; every other
builder completes it in the post-transform (``aggregates.AggregateTransform``).
Both call :func:`complete`, so a card is the same whichever does it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from ..core.model import Item
from ..core.present import Ref
from .domain import get_domain
from .nodes import techspec_item
from .render import fill, ref_text, xref


class Links:
    """Links from the page ``docname`` to items, resolved once per page."""

    def __init__(self, env: BuildEnvironment, builder: Builder, docname: str, late: bool = True) -> None:
        self.env, self.builder, self.docname = env, builder, docname
        #: an unresolved link stays a pending_xref for Sphinx to resolve (post-transforms),
        #: or is its text (writers, which come after Sphinx's resolution)
        self.late = late
        self._uris: dict[str, str] = {}
        self._resolved: dict[tuple[str, str, str], Item | None] = {}

    def resolve(self, ref: Ref) -> Item | None:
        """The item a cell names."""
        key = (ref.kind, ref.target, ref.docname)
        if key not in self._resolved:
            domain = get_domain(self.env)
            self._resolved[key] = domain.index.resolve(ref.kind, ref.target, domain.doc_spec(ref.docname)).item
        return self._resolved[key]

    def href(self, item: Item) -> str:
        """The item's address from this page."""
        if item.external:
            return item.url or ""
        if item.docname == self.docname:
            return f"#{item.anchor}"
        uri = self._uris.get(item.docname)
        if uri is None:
            uri = self._uris[item.docname] = self.builder.get_relative_uri(self.docname, item.docname)
        return f"{uri}#{item.anchor}" if item.anchor else uri

    def link(self, ref: Ref) -> nodes.Node:
        """A cell's link, made at once (a pending_xref round trip per cell is
        most of a big table's cost)."""
        item = self.resolve(ref)
        if item is None:
            # unresolved: Sphinx's own path (missing-reference handlers), or the text
            return xref(ref) if self.late else ref_text(ref)
        if item.external or item.docname == self.docname:
            return get_domain(self.env).link(self.builder, self.docname, item, ref_text(ref))
        node = nodes.reference("", "", internal=True, refuri=self.href(item))
        if item.title:
            node["reftitle"] = item.title
        node += ref_text(ref)
        return node

    def anchor_href(self, ref: Ref) -> tuple[str, str, bool] | None:
        """(href, title, whether another project's) of a cell's link, or None when it names nothing."""
        item = self.resolve(ref)
        return None if item is None else (self.href(item), item.title, bool(item.external))


def complete(card: techspec_item, links: Links) -> None:
    """Fill ``card`` with its item's head, fields and derived tables (once)."""
    if card.get("techspec_filled"):
        return
    data = get_domain(links.env).docs.get(card["techspec_docname"])
    for item in data.items if data else ():
        if item.anchor == card["techspec_anchor"] and item.id == card["techspec_id"]:
            fill(card, item, links.link)
            return


def visit_item_html(self: Any, node: techspec_item) -> None:
    """HTML writers complete the card where it is written (in ``-j`` writer processes too)."""
    if not node.get("techspec_filled"):
        builder = self.builder
        links = getattr(self, "_techspec_links", None)
        if links is None:
            links = self._techspec_links = Links(builder.env, builder, builder.current_docname, late=False)
        complete(node, links)
    self.body.append(self.starttag(node, "div", CLASS="techspec-card"))


def depart_item_html(self: Any, node: techspec_item) -> None:
    self.body.append("</div>\n")
