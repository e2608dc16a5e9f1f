"""Existing ADR files, read as ``adr`` items without editing them.

Two formats are understood, and mixtures of them:

- MADR: YAML front matter (``status``, ``date``, ``decision-makers``; MADR 3
  wrote ``deciders``), or, in older files, bullet lines under the title
  (``* Status: accepted``, ``* Deciders: ...``, ``* Date: ...``); the title is
  the first ``# `` heading.
- Michael Nygard's (adr-tools): ``# 12. Title``, a ``Date: 2024-01-02`` line,
  and a ``## Status`` section whose first line is the status, possibly
  ``Superseded by [13. Foo](0013-foo.md)``.

Headings may also be underlined (Markdown setext, or reStructuredText, where
``:Date:`` is a field), and metadata inside fenced code blocks is ignored.

The ADR ID comes from the file name: a leading number (after an optional
``adr-`` prefix) gives ``ADR-<number as written>`` (``0005-use-dashes.md`` ->
``ADR-0005``, ``adr-12-foo.md`` -> ``ADR-12``); a name without a number, or
one that starts with a date (``2024-01-02-foo.md``), is the ID as it is
(``use-postgres.md`` -> ``use-postgres``). An ``id:`` key in the front matter
overrides the rule. A page with neither a number in its name, an ``id:`` nor a
status (an index or README among the ADRs) is not an ADR.

Parsing never raises: what cannot be read is left out, and a status outside the
vocabulary is kept as written so that :func:`~.model.build_item` reports it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .kinds import ADR_STATUS, KINDS

_NUMBER = re.compile(r"(?:adr[-_ ]?)?(\d+)(?=$|[-_. ])", re.IGNORECASE)
_DATED = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")
_EXTENSIONS = (".md", ".markdown", ".rst", ".txt")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
#: ``* Status: accepted``, ``Date: 2024-01-02``, ``- **Deciders**: a, b``, ``:Date: 2024-01-02`` (rST)
_META = re.compile(
    r"^\s*(?:[*+-]\s+)?:?(?:\*\*|__)?(status|date|deciders|decision[- ]makers)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*?)\s*$",
    re.IGNORECASE,
)
_UNDERLINE = re.compile(r"^(=+|-+|~+)\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_ADR_REF = re.compile(r"\bADR[-_ ]?(\d+)\b", re.IGNORECASE)
_STATUSES = {s.lower(): s for s in ADR_STATUS.choices}
#: front matter keys read as they are (every other key, ``parent`` or ``nav_order``, is ignored)
_PASSED = {f.name for f in KINDS["adr"].fields} - {"status", "deciders"}
_DECIDERS = ("decision-makers", "deciders", "decision_makers")


@dataclass
class ADRFile:
    """What an ADR file says, as the options an ``adr`` directive would be given."""

    id: str
    options: dict[str, str] = field(default_factory=dict)
    #: the text after the front matter: part of the fingerprint, so an edit makes links suspect
    body: str = ""
    #: the line most problems are about (the status), 1 when there is none
    lineno: int = 1
    #: the file name without folder and extension
    stem: str = ""

    @property
    def is_adr(self) -> bool:
        """A numbered name, an ``id:`` or a status: an index or README page among the ADRs has none."""
        return self.id != self.stem or "status" in self.options


def _stem(name: str) -> str:
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    for extension in _EXTENSIONS:
        if stem.lower().endswith(extension):
            return stem[: -len(extension)]
    return stem


def adr_id(name: str) -> str:
    """``adr/0005-use-dashes-in-filenames`` -> ``ADR-0005``; see the module docs."""
    stem = _stem(name)
    match = _NUMBER.match(stem)
    if match is None or _DATED.match(stem):
        return stem
    return f"ADR-{match.group(1)}"


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, the rest, line number the rest starts at); malformed YAML counts as none."""
    if not text.startswith("---"):
        return {}, text, 1
    match = re.compile(r"^---[ \t]*$", re.MULTILINE).search(text, 3)
    if match is None:
        return {}, text, 1
    rest = text[match.end() :].removeprefix("\n")
    offset = text.count("\n", 0, match.end()) + 2
    try:
        data = yaml.safe_load(text[3 : match.start()])
    except yaml.YAMLError:
        data = None
    return (data if isinstance(data, dict) else {}), rest, offset


def successor(text: str, width: int = 4) -> str | None:
    """The ADR a ``superseded by ...`` phrase names: a link's file, ``ADR-0013``, or a bare number."""
    link = _LINK.search(text)
    if link and link.group(2) and not link.group(2).startswith(("http:", "https:", "#")):
        return adr_id(link.group(2).split("#", 1)[0])
    named = _ADR_REF.search(text)
    if named:
        return f"ADR-{named.group(1)}"
    number = re.search(r"\d+", link.group(1) if link else text)
    if number:
        return f"ADR-{number.group(0).zfill(width)}"
    words = re.sub(r"[\[\]()*_`]", "", text).strip(" .:")
    return words or None


def status_of(line: str, width: int = 4) -> tuple[str, str | None]:
    """(status, superseded by) from a status line; an unknown status is kept as written."""
    text = line.strip().strip("*_` ").strip()
    superseded = re.match(r"superseded\s+by\b[\s:]*(.*)$", text, re.IGNORECASE)
    if superseded:
        return "superseded", successor(superseded.group(1), width)
    word = re.match(r"[A-Za-z]+", text)
    if word and word.group(0).lower() in _STATUSES:
        return _STATUSES[word.group(0).lower()], None
    return text, None


def _as_option(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v is not None)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _lines(text: str) -> list[tuple[int, str, int]]:
    """(index, text, heading level or 0) of the lines outside fenced code blocks (examples in
    the prose are not metadata); underlined headings (Markdown setext, reStructuredText) count:
    ``=`` a title, ``-`` or ``~`` a section."""
    kept, fence = [], ""
    for number, line in enumerate(text.splitlines()):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        kept.append((number, line))
    out: list[tuple[int, str, int]] = []
    position = 0
    while position < len(kept):
        number, line = kept[position]
        after = kept[position + 1] if position + 1 < len(kept) else (-1, "")
        atx = _HEADING.match(line)
        under = _UNDERLINE.match(after[1]) if after[0] == number + 1 and line.strip() else None
        if atx:
            out.append((number, atx.group(2), len(atx.group(1))))
        elif under and not _META.match(line) and not re.match(r"\s*[*+-]\s", line):
            out.append((number, line.strip(), 1 if under.group(0)[0] == "=" else 2))
            position += 1  # the underline itself
        else:
            out.append((number, line, 0))
        position += 1
    return out


def parse(text: str, name: str) -> ADRFile:
    """The ``adr`` options of one ADR file (MADR or Nygard); ``name`` is its file or document name."""
    front, rest, offset = split_front_matter(text)
    adr = ADRFile(str(front.get("id") or adr_id(name)).strip(), body=rest.strip(), stem=_stem(name))
    width = len(m.group(1)) if (m := _NUMBER.match(adr.id.removeprefix("ADR-"))) else 4
    found: dict[str, tuple[str, int]] = {}  # option -> (value, line number)

    def note(option: str, value: str | None, lineno: int) -> None:
        if value is not None and value.strip() and option not in found:
            found[option] = (value.strip(), lineno)

    # front matter first: it is what MADR 4 writes and what a user adds to override
    fm_lines: dict[str, int] = {}
    for n, row in enumerate(text.splitlines()[1 : max(offset - 2, 1)]):
        if row[:1].isalpha():  # a top-level key, not a list entry or a continuation
            fm_lines.setdefault(row.split(":", 1)[0].strip().lower(), n + 2)
    for key, value in front.items():
        key = str(key).strip().lower()
        where = fm_lines.get(key, 1)
        if key == "status":
            status, after = status_of(_as_option(value) or "", width)
            note("status", status, where)
            note("superseded-by", after, where)
        elif key in _DECIDERS:
            note("deciders", _as_option(value), where)
        elif key in _PASSED:
            note(key, _as_option(value), where)

    section: str | None = None  # the ``##`` section a line is in (None: before the first)
    status_pending = False
    for index, line, level in _lines(rest):
        lineno = index + offset
        if level:
            title = line
            if level == 1 and "title" not in found and section is None:
                # Nygard numbers the title: ``# 12. Use Postgres``
                note("title", re.sub(r"^\d+[.:)]?\s+", "", title), lineno)
            elif level >= 2:
                section = title.strip().lower()
                status_pending = section == "status"
            continue
        if section == "status":
            if status_pending and line.strip():
                meta = _META.match(line)
                status, after = status_of(meta.group(2) if meta else line, width)
                note("status", status, lineno)
                note("superseded-by", after, lineno)
                status_pending = False
            elif re.match(r"\s*superseded\s+by\b", line, re.IGNORECASE):
                note("superseded-by", status_of(line, width)[1], lineno)
            continue
        meta = _META.match(line) if section is None else None
        if meta:
            key = meta.group(1).lower()
            if key == "status":
                status, after = status_of(meta.group(2), width)
                note("status", status, lineno)
                note("superseded-by", after, lineno)
            elif key == "date":
                note("date", meta.group(2).strip("*_` "), lineno)
            else:
                note("deciders", meta.group(2), lineno)

    adr.options = {option: value for option, (value, _) in found.items()}
    adr.lineno = found["status"][1] if "status" in found else 1
    return adr
