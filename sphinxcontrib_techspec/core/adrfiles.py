"""Existing ADR files, read as ``adr`` items without editing them.

The styles found in real ADR folders are understood, and mixtures of them:

- MADR 3 and 4: YAML front matter (``status``, ``date``, ``decision-makers``;
  MADR 3 wrote ``deciders``); MADR 2 and log4brains: bullet lines under the
  title (``* Status: accepted``, ``- Deciders: ...``, ``- Date: ...``), also
  bold (``**Status**: accepted``) or in a small Markdown table
  (``| Status | Accepted |``). The title is the first ``#`` heading.
- Michael Nygard's, as adr-tools writes it: ``# 12. Title``, a
  ``Date: 2024-01-02`` line, and a ``## Status`` section whose first line is
  the status (``Accepted``, ``Accepted on 2024-02-01``, ``Superseded by
  [13. Foo](0013-foo.md)``), followed by ``Supersedes``, ``Amends`` and
  ``Amended by`` link lines.
- Site generators' pages (Docusaurus, Jekyll): their ``id:`` / ``slug:`` keys
  are page names, not ADR IDs; front matter that is not valid YAML
  (``title: ADR004: Module Export Structure``) is read line by line.

Headings may also be underlined (Markdown setext, or reStructuredText, where
``:Date:`` is a field); metadata inside fenced code blocks and HTML comments is
ignored. Links and emphasis in a title are shown as their text, and a
``[Superseded by ...]`` marker before it is dropped (the status says it).

The ADR ID comes from the file name (:func:`adr_id`): a leading number, after an
optional ``adr`` prefix and with any separator, gives ``ADR-<number as
written>``; a name that starts with a date (``20200925-use-prettier.md``,
``2018-06-13-retries.md``) is its own ID, as log4brains names ADRs, so that two
ADRs of one day never collide, and the date is the ADR's date unless the file
gives one. ``adr-id:`` in the front matter overrides the rule; ``id:`` counts
only where the name gives neither number nor date.

An index, overview or README page and a template are not ADRs (:attr:`ADRFile.page`).
Parsing never raises: a status outside the vocabulary is kept as written so
that :func:`~.model.build_item` reports it on its line, and what cannot be
read is a note with its line (:attr:`ADRFile.notes`).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .kinds import ADR_STATUS, KINDS

_EXTENSIONS = (".md", ".markdown", ".rst", ".txt")
#: a date at the start of a name: compact (``20200925``, with a time ``202009251230``) or dashed
_DATE = re.compile(
    r"((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?:(?<=\d{8})\d{4}(?:\d{2})?)?(?=$|[-_. ])"
)
_NUMBER = re.compile(r"(?:adr[-_ .]?)?(\d+)(?=$|[-_. ])", re.IGNORECASE)
#: pages among the ADRs that are not ADRs
_NOT_ADRS = frozenset({"index", "_index", "readme", "overview", "summary", "toc", "contents"})
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_KEYS = r"status|date|title|deciders|decision[- ]makers|supersedes|superseded[- ]by|amends|amended[- ]by"
#: ``* Status: accepted``, ``Date: 2024-01-02``, ``- **Deciders**: a, b``, ``**Status:** x``, ``:Date: x`` (rST)
_META = re.compile(
    rf"^\s*(?:[*+-]\s+)?:?(?:\*\*|__)?({_KEYS})(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*?)\s*$",
    re.IGNORECASE,
)
_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_UNDERLINE = re.compile(r"^(=+|-+|~+)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_ADR_REF = re.compile(r"\bADR[-_ ]?(\d+)\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
#: ``superseded by`` ... in a status line or a line of its own (adr-tools writes both sides)
_RELATION = re.compile(
    r"\b(superseded\s+by|superceded\s+by|replaced\s+by|supersedes|supercedes|amended\s+by|amends)\b[\s:]*",
    re.IGNORECASE,
)
_STATUSES = {s.lower(): s for s in ADR_STATUS.choices}
#: words real ADRs use for a status of the vocabulary
SYNONYMS = {
    "approved": "accepted",
    "agreed": "accepted",
    "adopted": "accepted",
    "pending": "proposed",
    "draft": "proposed",
    "superceded": "superseded",
    "replaced": "superseded",
    "obsolete": "deprecated",
    "declined": "rejected",
}
#: a template's status line lists the choices: ``[proposed | rejected | accepted ...]``
_CHOICES = re.compile(rf"\b({'|'.join([*_STATUSES, *SYNONYMS])})\s*\|", re.IGNORECASE)
_SECTIONS = frozenset({"status", "context", "decision", "consequences", "context and problem statement"})
_DECIDERS = frozenset({"decision-makers", "deciders", "decision_makers", "decision makers"})
_LISTS = frozenset({"supersedes", "amends", "amended-by"})
_PASSED = {f.name for f in KINDS["adr"].fields} - {"status", "deciders", "title"}


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
    #: option -> the line it was read from (a bad value is reported there)
    lines: dict[str, int] = field(default_factory=dict)
    #: "adr", "index" (an index, overview or README page), "template", or "other" (no sign of an ADR)
    page: str = "adr"
    #: (message, line) of what could not be read
    notes: list[tuple[str, int]] = field(default_factory=list)

    @property
    def is_adr(self) -> bool:
        return self.page == "adr"


def _stem(name: str) -> str:
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    for extension in _EXTENSIONS:
        if stem.lower().endswith(extension):
            return stem[: -len(extension)]
    return stem


def adr_id(name: str) -> str:
    """``adr/0005-use-dashes`` -> ``ADR-0005``, ``adr013-x`` -> ``ADR-013``,
    ``20200925-use-prettier`` -> itself; see the module docs."""
    stem = _stem(name)
    if _DATE.match(stem) or re.match(r"(?:19|20)\d\d[-_.]\d\d[-_.]", stem):  # also a mistyped date: 2021-03-0X
        return stem
    match = _NUMBER.match(stem)
    return f"ADR-{match.group(1)}" if match else stem


def name_date(name: str) -> str | None:
    """The ISO date a file name starts with (``20200925-x`` -> ``2020-09-25``), if any."""
    match = _DATE.match(_stem(name))
    return f"{match.group(1)}-{match.group(3)}-{match.group(4)}" if match else None


def _named(name: str) -> bool:
    """Whether the name itself identifies an ADR (a number or a date)."""
    return adr_id(name) != _stem(name) or name_date(name) is not None


def plain(text: str) -> str:
    """Inline Markdown as the text a reader sees: links and images by their text,
    no emphasis or code marks, no HTML comments."""
    text = re.sub(r"~~.*?~~", "", _COMMENT.sub("", text))  # struck out: ``~~Proposed~~ Accepted``
    previous = None
    while previous != text:  # links inside link text: ``[Superseded by [ADR-1](1.md)]``
        previous, text = text, _LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def title_of(text: str, number: str | None = None) -> str:
    """A heading or ``title:`` as the ADR's title: ``# 12. Use X``, ``ADR004: Use X``,
    ``[Superseded by [ADR-19](19.md)] Use X`` -> ``Use X``."""
    text = plain(text)
    text = re.sub(
        r"^\[\s*(?:superseded|superceded|deprecated|rejected|replaced|obsolete)\b[^\]]*\]\s*", "", text, flags=re.I
    )
    prefix = re.match(
        r"(?:ADR[-_ ]?(\d+)\s*[.:)\-\u2013\u2014]?|(\d+)\s*[.:)\-\u2013\u2014]|(\d+)(?=\s))\s*", text, re.I
    )
    if prefix:
        bare = prefix.group(3)
        if bare is None or (number is not None and int(bare) == int(number)):
            text = text[prefix.end() :]
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text.strip()


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, the rest, line number the rest starts at). Front matter
    that is not valid YAML (``title: ADR004: Module Export Structure``) is read
    line by line: ``key: value`` at the top level, ``- item`` lists under a key."""
    if not text.startswith("---"):
        return {}, text, 1
    match = re.compile(r"^---[ \t]*$", re.MULTILINE).search(text, 3)
    if match is None:
        return {}, text, 1
    rest = text[match.end() :].removeprefix("\n")
    offset = text.count("\n", 0, match.end()) + 2
    source = text[3 : match.start()]
    lenient = _lenient(source)
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        return lenient, rest, offset
    # a placeholder such as ``{proposed | rejected}`` is a YAML mapping: keep what was written
    return {k: (lenient.get(str(k), v) if isinstance(v, dict) else v) for k, v in data.items()}, rest, offset


def _lenient(source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    key = None
    for line in source.splitlines():
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", line)
        if pair:
            key, value = pair.group(1), pair.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            out[key] = value if value and not value.startswith("#") else []
        elif key is not None and (entry := re.match(r"^\s+-\s+(.*?)\s*$", line)) and isinstance(out[key], list):
            out[key].append(entry.group(1))
    return {k: v for k, v in out.items() if v != []}


def targets(text: str, width: int = 4) -> list[str]:
    """The ADRs a phrase names: links' files (``[13. Foo](0013-foo.md)``), then
    ``ADR-0013``, then a bare number padded like the file's own."""
    found = []
    for label, target in _LINK.findall(text):
        path = target.split("#", 1)[0].split("?", 1)[0].rstrip("/")
        web = "://" in path  # a page elsewhere: an ADR file by its name, never an issue (``/issues/151``)
        if path and _named(path) and not (web and _stem(path).isdigit()):
            found.append(adr_id(path))
        elif (named := _ADR_REF.search(label)) or (not web and (named := re.search(r"\b(\d+)\b", label))):
            found.append(f"ADR-{named.group(1)}")
    if found or _LINK.search(text):
        return found  # links name what they name: no guessing from the rest
    named_refs = [f"ADR-{n}" for n in _ADR_REF.findall(text)]
    if named_refs:
        return named_refs
    number = re.search(r"\b\d+\b", text)
    return [f"ADR-{number.group(0).zfill(width)}"] if number else []


def relations(text: str, width: int = 4) -> dict[str, list[str]]:
    """``superseded by X``, ``supersedes X``, ``amends X``, ``amended by X`` phrases in a line."""
    out: dict[str, list[str]] = {}
    matches = list(_RELATION.finditer(text))
    for position, match in enumerate(matches):
        end = matches[position + 1].start() if position + 1 < len(matches) else len(text)
        first, *by = match.group(1).lower().split()
        if first.startswith("amend"):
            option = "amended-by" if by else "amends"
        else:  # superseded by, superceded by, replaced by; supersedes, supercedes
            option = "superseded-by" if by else "supersedes"
        out.setdefault(option, []).extend(targets(text[match.end() : end], width))
    return out


def is_template_status(text: str) -> bool:
    """``[proposed | rejected | accepted | ...]``: a template's list of choices, not a status."""
    return len(_CHOICES.findall(text)) >= 1 and text.count("|") >= 2


def status_of(line: str, width: int = 4) -> tuple[str, dict[str, list[str]], str | None]:
    """(status, relations, date) of a status line; an unknown status is kept as written."""
    text = plain(line).strip("*_ ").strip()
    found = relations(_COMMENT.sub("", line), width)  # links still in: they name the ADRs
    date = _ISO_DATE.search(text)
    when = date.group(1) if date else None
    if re.match(r"(superseded|superceded|replaced)\s+by\b", text, re.IGNORECASE):
        return "superseded", found, when
    word = re.match(r"[A-Za-z]+", text)
    if word:
        lowered = word.group(0).lower()
        if lowered in _STATUSES:
            return _STATUSES[lowered], found, when
        if lowered in SYNONYMS:
            return SYNONYMS[lowered], found, when
    return text, found, when


def _as_option(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v is not None)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _blank_comments(text: str) -> str:
    """HTML comments as blanks, keeping the line numbers."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _lines(text: str) -> list[tuple[int, str, int]]:
    """(index, text, heading level or 0) of the lines outside fenced code blocks (examples in
    the prose are not metadata); underlined headings (Markdown setext, reStructuredText) count:
    ``=`` a title, ``-`` or ``~`` a section."""
    kept, fence = [], ""
    for number, line in enumerate(_blank_comments(text).splitlines()):
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
        elif under and not _META.match(line) and not re.match(r"\s*[*+-]\s", line) and not _ROW.match(line):
            out.append((number, line.strip(), 1 if under.group(0)[0] == "=" else 2))
            position += 1  # the underline itself
        else:
            out.append((number, line, 0))
        position += 1
    return out


def _meta(line: str) -> tuple[str, str] | None:
    """(key, value) of a metadata line or a two-column table row, keys lower-case with dashes."""
    match = _META.match(line)
    if match:
        key, value = match.group(1), match.group(2)
    else:
        row = _ROW.match(line)
        cells = [c.strip() for c in row.group(1).split("|")] if row else []
        if len(cells) < 2 or not re.fullmatch(rf"(?:\*\*|__)?(?:{_KEYS})(?:\*\*|__)?:?", cells[0], re.I):
            return None
        key, value = cells[0].strip("*_:"), cells[1]
    return re.sub(r"[\s_]+", "-", key.lower()), value.strip()


def parse(text: str, name: str) -> ADRFile:
    """The ``adr`` options of one ADR file; ``name`` is its file or document name."""
    front, rest, offset = split_front_matter(text)
    stem = _stem(name)
    front = {str(k).strip().lower(): v for k, v in front.items()}
    given = front.get("adr-id") or front.get("adr_id") or (None if _named(name) else front.get("id"))
    adr = ADRFile(str(given or adr_id(name)).strip(), body=rest.strip(), stem=stem)
    numbered = _NUMBER.match(stem) if not name_date(name) else None
    number = numbered.group(1) if numbered else None
    width = len(number) if number else 4
    found: dict[str, tuple[str, int]] = {}  # option -> (value, line number)
    listed: dict[str, tuple[list[str], int]] = {}
    template = "template" in stem.lower()

    def note(option: str, value: str | None, lineno: int) -> None:
        if value is not None and value.strip() and option not in found:
            found[option] = (value.strip(), lineno)

    def relate(found_relations: dict[str, list[str]], lineno: int) -> None:
        for option, ids in found_relations.items():
            if option == "superseded-by":
                note(option, ids[0] if ids else None, lineno)
                if not ids:
                    adr.notes.append(("it is superseded, but names no ADR that supersedes it", lineno))
            elif ids:
                old = listed.get(option, ([], lineno))
                listed[option] = ([*old[0], *(i for i in ids if i not in old[0])], old[1])

    def status(value: str, lineno: int) -> None:
        nonlocal template
        if is_template_status(value):
            template = True
            return
        word, found_relations, when = status_of(value, width)
        successors = found_relations.get("superseded-by")
        if successors is not None and word != "superseded" and "status" not in found:
            # ``Accepted; the X part is superseded by [ADR-43](...)``: in part, or whole? Not guessed
            del found_relations["superseded-by"]
            named = ", ".join(successors) or "an unnamed ADR"
            adr.notes.append((f"the status line says {word!r} and 'superseded by' {named}: read as {word!r}", lineno))
        note("status", word, lineno)
        relate(found_relations, lineno)
        note("date", when, lineno)

    def read(key: str, value: str, lineno: int) -> None:
        if key == "status":
            status(value, lineno)
        elif key == "date":
            note("date", plain(value).strip("*_` "), lineno)
        elif key == "title":
            note("title", title_of(value, number), lineno)
        elif key in _DECIDERS:
            note("deciders", plain(value), lineno)
        else:
            relate(relations(f"{key.replace('-', ' ')} {value}", width), lineno)

    # front matter first: it is what MADR 4 writes and what a user adds to override
    fm_lines: dict[str, int] = {}
    for n, row in enumerate(text.splitlines()[1 : max(offset - 2, 1)]):
        if row[:1].isalpha():  # a top-level key, not a list entry or a continuation
            fm_lines.setdefault(row.split(":", 1)[0].strip().lower(), n + 2)
    deferred: tuple[str, int] | None = None  # a front matter status out of the vocabulary: the body may say better
    for key, value in front.items():
        where = fm_lines.get(key, 1)
        if key == "status":
            written = _as_option(value) or ""
            if is_template_status(written) or status_of(written)[0] in _STATUSES:
                status(written, where)
            else:
                deferred = (written, where)
        elif key in _DECIDERS or key == "title":
            read(key, _as_option(value) or "", where)
        elif key.replace("_", "-") in _PASSED:
            option = key.replace("_", "-")
            if option in _LISTS or option == "superseded-by":
                relate({option: targets(_as_option(value) or "", width)}, where)
            else:
                note(option, _as_option(value), where)

    lines = _lines(rest)
    has_title = any(level == 1 for _, _, level in lines)
    section: str | None = None  # the section a line is in (None: before the first)
    status_pending = False
    first_heading = True
    for index, line, level in lines:
        lineno = index + offset
        if level:
            heading = re.sub(r"^[\d.]+\s+", "", plain(line).rstrip(":").strip().lower())  # ``## 1. Status``
            if section is None and (
                level == 1 or (first_heading and not has_title and heading not in _SECTIONS and level == 2)
            ):
                note("title", title_of(line, number), lineno)
            elif level >= 2:
                section = heading
                status_pending = section == "status"
            first_heading = False
            continue
        if not line.strip() or section not in (None, "status"):
            continue
        meta = _meta(line)
        if section == "status" and status_pending:
            if not meta and _ROW.match(line):
                continue  # a table's header or rule: its rows follow
            checked = re.match(r"^\s*[*+-]\s+\[[xX]\]\s+(.*)$", line)
            if checked or not re.match(r"^\s*[*+-]\s+\[ \]", line):
                status_pending = False
                if meta:
                    read(*meta, lineno)
                else:
                    status(checked.group(1) if checked else line, lineno)
            continue
        if meta:
            read(*meta, lineno)
        elif _RELATION.match(plain(line).lstrip("*_>- ")):
            found_relations = relations(line, width)
            if section == "status" and found_relations.get("superseded-by") is not None:
                # adr-tools replaces ``Accepted`` by the link; a ``Proposed`` left above it is superseded too
                if found.get("status", ("",))[0] not in ("superseded", "rejected", "deprecated"):
                    found["status"] = ("superseded", lineno)
            relate(found_relations, lineno)

    if deferred and "status" not in found:
        status(*deferred)
    if "date" not in found and (when := name_date(name)):
        note("date", when, 1)
    adr.options = {option: value for option, (value, _) in found.items()}
    adr.lines = {option: where for option, (_, where) in found.items()}
    for option, (ids, where) in listed.items():
        adr.options[option] = ", ".join(ids)
        adr.lines[option] = where
    adr.lineno = adr.lines.get("status", 1)
    if template:
        adr.page = "template"
    elif stem.lower() in _NOT_ADRS:
        adr.page = "index"
    elif not (_named(name) or given or "status" in found):
        adr.page = "other"
    return adr


def superseded(text: str, link: str) -> str | None:
    """An ADR's ``text`` with its status set to ``superseded by <link>``, as adr-tools does:
    the front matter's ``status:``, else the first line of the ``## Status`` section, else a
    ``- Status:`` bullet. None where the text has none of them."""
    front, _, _ = split_front_matter(text)
    if "status" in front:
        return re.sub(r"(?m)^status:.*$", f'status: "superseded by {link}"', text, count=1)
    section = re.search(r"(?m)^##\s+Status\s*\n(\s*\n)*", text)
    if section:
        # the first line of the Status section is the status (Nygard, adr-tools)
        _, newline, after = text[section.end() :].partition("\n")
        return f"{text[: section.end()]}Superseded by {link}{newline}{after}"
    bullet = re.search(r"(?mi)^(\s*[*+-]\s+(?:\*\*)?status(?:\*\*)?\s*:\s*).*$", text)
    if bullet:
        return text[: bullet.start()] + bullet.group(1) + f"superseded by {link}" + text[bullet.end() :]
    return None
