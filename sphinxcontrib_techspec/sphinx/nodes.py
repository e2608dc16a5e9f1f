"""Meaningful nodes; their look is decided by visitors registered for every builder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import sphinx
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

STATIC = Path(__file__).parent / "static"


class techspec_item(nodes.General, nodes.Element):
    """One item: its title line, fields and body. ``kind`` and ``techspec_id`` say which."""


class techspec_summary(nodes.General, nodes.Element):
    """An item's head line and fields: the compact part of its card.

    HTML and the text builders write its children as they are; LaTeX frames it
    as one block that does not split across pages, each field on one line."""


class techspec_search(nodes.General, nodes.Element):
    """The words of a card not yet drawn, for the search index only: no builder writes it."""


class techspec_aggregate(nodes.General, nodes.Element):
    """A placeholder for an aggregate, filled from the index when the page is written."""


def _visit_item_latex(self: Any, node: techspec_item) -> None:
    # the item's anchor: links from tables and other cards land here
    self.body.append("\n\\begin{sphinxuseclass}{techspec-item}" + self.hypertarget_to(node))


def _depart_item_latex(self: Any, node: techspec_item) -> None:
    self.body.append("\\end{sphinxuseclass}\n")


#: card class -> the colour (``techspec.sty``) of its bar, first match wins
_BARS = {"techspec-has-problems": "techspecproblem", "techspec-spec": "techspecspec"}


def _visit_summary_latex(self: Any, node: techspec_summary) -> None:
    """The card: a framed, unbreakable block; each field ``label  value`` on one line."""
    item = node.parent
    classes = item.get("classes", []) if isinstance(item, techspec_item) else []
    # the bar's colour, as in HTML: red with problems, purple for a spec
    bar = next((colour for cls, colour in _BARS.items() if cls in classes), "techspecaccent")
    self.body.append(f"\n\\begin{{techspeccard}}[{bar}]\n")
    for child in node.children:
        if not isinstance(child, nodes.field_list):
            child.walkabout(self)
            continue
        self.body.append("\\begin{techspecfields}\n")
        for field in child.children:
            name, body = field.children
            self.body.append(self.encode(name.astext()) + " & ")
            for part in body.children:
                # a value is one paragraph of inline nodes: written without its paragraph break
                for inline in part.children if isinstance(part, nodes.paragraph) else [part]:
                    inline.walkabout(self)
            self.body.append(" \\\\\n")
        self.body.append("\\end{techspecfields}\n")
    self.body.append("\\end{techspeccard}\n")
    raise nodes.SkipNode


def _pass(self: Any, node: nodes.Element) -> None:
    pass


def _skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


#: code blocks longer than this are cut into consecutive blocks for LaTeX: the
#: ``framed`` box Sphinx < 9.1 puts around a code block cannot be taller than
#: TeX's largest dimension (about 1,350 lines), and the engine stops with
#: "Dimension too large" (sphinx-doc/sphinx#3099, fixed in Sphinx 9.1)
LATEX_CODE_LINES = 400


class SplitLongCode(SphinxPostTransform):
    """Long code blocks (the export's JSON Schema is 1,600 lines) as consecutive
    blocks of at most :data:`LATEX_CODE_LINES` lines, for LaTeX only."""

    default_priority = 400
    builders = ("latex",)

    def is_supported(self) -> bool:
        return super().is_supported() and sphinx.version_info[:2] < (9, 1)

    def run(self, **kwargs: Any) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            text = block.astext()
            lines = text.splitlines(keepends=True)
            if len(lines) <= LATEX_CODE_LINES or block.rawsource != text:
                continue  # short, or a parsed literal (Sphinx writes those without a frame)
            chunks = []
            for start in range(0, len(lines), LATEX_CODE_LINES):
                part = "".join(lines[start : start + LATEX_CODE_LINES]).rstrip("\n")
                chunk = block.copy()
                chunk.rawsource = part
                chunk += nodes.Text(part)
                # a chunk is not valid code on its own: highlight it anyway, without a warning
                chunk["force"] = True
                if block.get("linenos"):
                    args = dict(block.get("highlight_args", {}))
                    args["linenostart"] = args.get("linenostart", 1) + start
                    chunk["highlight_args"] = args
                if start:
                    chunk["ids"] = []
                chunks.append(chunk)
            block.replace_self(chunks)


#: where a long ID or path may break in a narrow LaTeX column (after the match)
_BREAK_AFTER = re.compile(r"(?<=[/_])(?=[\w{])|(?<=\.)(?=[A-Za-z_])|(?<=::)")
#: about how many characters of table text fit across a page (``techspec.sty``
#: sets aggregates in ``\footnotesize``)
LATEX_LINE_CHARS = 80
#: the same in the text's own size
LATEX_TEXT_CHARS = 70


def _tokens(text: str, code: bool) -> list[str]:
    """The pieces a line may not break inside: a short ID stays whole ("ADR-001"),
    a long one may break after ``/``, ``_``, ``.`` and ``::`` (we allow it) and,
    outside code, after ``-`` (TeX does)."""
    where = _BREAK_AFTER.pattern if code else r"(?<=-)|" + _BREAK_AFTER.pattern
    return [piece for token in text.split() for piece in (re.split(where, token) if len(token) > 14 else [token])]


class LatexTables(SphinxPostTransform):
    """Our tables in LaTeX: columns sized by their content, each at least as wide
    as its longest word, and IDs and paths that may break after ``/``, ``_``,
    ``.`` and ``::``, so no cell runs into the next one (overfull boxes)."""

    default_priority = 400
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            # aggregates and the cards' tables; the reference directives' tables
            if not {"techspec-table", "techspec-reference"} & set(table["classes"]):
                continue
            for text in list(table.findall(nodes.Text)):
                parts = _BREAK_AFTER.split(str(text))
                if len(parts) > 1:
                    pieces: list[nodes.Node] = []
                    for i, part in enumerate(parts):
                        if i:
                            pieces.append(nodes.raw("", "\\allowbreak{}", format="latex"))
                        pieces.append(nodes.Text(part))
                    text.parent.replace(text, pieces)
            # aggregates are in a container, set smaller (techspec.sty); other tables in the text's size
            small = isinstance(table.parent, nodes.container)
            if self.size_columns(table, LATEX_LINE_CHARS if small else LATEX_TEXT_CHARS) > LATEX_LINE_CHARS and small:
                # wider than the page even at its longest words: a size smaller
                # (the container's LaTeX environment keeps it to this table)
                table.parent.insert(table.parent.index(table), nodes.raw("", "\\scriptsize", format="latex"))

    @staticmethod
    def size_columns(table: nodes.table, line: int) -> int:
        """Set the columns' widths; the width of the longest words, in characters."""
        group = next(iter(table.findall(nodes.tgroup)))
        specs = [c for c in group.children if isinstance(c, nodes.colspec)]
        longest = [4] * len(specs)
        word = [4] * len(specs)
        for row in group.findall(nodes.row):
            for column, entry in enumerate(row.children[: len(specs)]):
                longest[column] = max(longest[column], min(len(entry.astext()), 40))
                for text in entry.findall(nodes.Text):
                    # code is set in typewriter, wider than the average letter
                    # (and headers in bold sans serif)
                    code, head = isinstance(text.parent, nodes.literal), isinstance(row.parent, nodes.thead)
                    scale = 1.25 if code or head else 1.0
                    for token in _tokens(str(text), code):
                        # capitals are about half as wide again as the average letter
                        width = (len(token) + sum(c.isupper() for c in token) / 2) * scale
                        # + the cell's padding (2 \tabcolsep), about three letters
                        word[column] = max(word[column], round(width) + 3)
        # shrink the room beyond each column's longest word, never the word itself
        spare = sum(longest) - sum(word)
        room = max(line - sum(word), 0)
        factor = min(1.0, room / spare) if spare > 0 else 1.0
        for column, spec in enumerate(specs):
            spec["colwidth"] = max(1, round(word[column] + (longest[column] - word[column]) * factor))
        if "colwidths-given" not in table["classes"]:
            table["classes"].append("colwidths-given")
        return sum(word)


def copy_latex_style(app: Sphinx, exception: Exception | None) -> None:
    """``techspec.sty`` beside the ``.tex`` files, where ``\\usepackage{techspec}`` finds it."""
    if exception is None and app.builder.format == "latex" and Path(app.outdir).is_dir():
        shutil.copyfile(STATIC / "techspec.sty", Path(app.outdir) / "techspec.sty")


def register(app: Sphinx) -> None:
    # HTML writers complete a card themselves (cards.py builds on these nodes)
    from .cards import depart_item_html, visit_item_html

    plain = (_pass, _pass)
    app.add_node(
        techspec_item,
        html=(visit_item_html, depart_item_html),
        latex=(_visit_item_latex, _depart_item_latex),
        text=plain,
        man=plain,
        texinfo=plain,
    )
    app.add_node(
        techspec_summary,
        html=plain,
        latex=(_visit_summary_latex, None),
        text=plain,
        man=plain,
        texinfo=plain,
    )
    skip = (_skip, None)
    app.add_node(techspec_search, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(techspec_aggregate, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_post_transform(SplitLongCode)
    app.add_post_transform(LatexTables)
    app.add_latex_package("techspec")
    app.connect("build-finished", copy_latex_style)
