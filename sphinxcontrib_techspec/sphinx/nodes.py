"""Meaningful nodes; their look is decided by visitors registered for every builder."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


class techspec_item(nodes.General, nodes.Element):
    """One item: its title line, fields and body. ``kind`` and ``techspec_id`` say which."""


class techspec_aggregate(nodes.General, nodes.Element):
    """A placeholder for an aggregate, filled from the index when the page is written."""


def _visit_item_html(self: Any, node: techspec_item) -> None:
    self.body.append(self.starttag(node, "div", CLASS="techspec-card"))


def _depart_item_html(self: Any, node: techspec_item) -> None:
    self.body.append("</div>\n")


def _pass(self: Any, node: nodes.Element) -> None:
    pass


def _skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    plain = (_pass, _pass)
    app.add_node(
        techspec_item,
        html=(_visit_item_html, _depart_item_html),
        latex=plain,
        text=plain,
        man=plain,
        texinfo=plain,
    )
    skip = (_skip, None)
    app.add_node(techspec_aggregate, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
