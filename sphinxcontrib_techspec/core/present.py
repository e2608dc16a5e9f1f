"""What a reader sees, as plain data: rows of cells that are text or links.

The Sphinx glue turns cells into nodes for every builder; nothing here knows
about docutils.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .filters import Filter, FilterError, SortKey, compile_filter, parse_sort, sort_items
from .index import Index
from .kinds import FINGERPRINT_PINNED, KINDS, SECTIONS, Field
from .model import Item, Problem
from .values import Records


@dataclass(frozen=True)
class Ref:
    """A link to an item of ``kind`` named ``target`` (``SPEC::ID`` for an exact one)."""

    kind: str
    target: str
    text: str
    #: the document whose spec decides how ``target`` resolves
    docname: str


@dataclass(frozen=True)
class Invalid:
    """A value as the user wrote it, which did not parse."""

    text: str


Cell = str | Ref | Invalid

#: columns every table may ask for, beside the kind's fields
META_COLUMNS = ("id", "spec", "title", "docname")


def format_value(field: Field | None, value: Any) -> str:
    if field is not None:
        return field.parser.format(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def value_cells(item: Item, name: str) -> list[Cell]:
    """The cells showing one field (or derived value) of an item."""
    kind = item.declaration
    field = kind.shown.get(name)
    if name not in item.fields:
        raw = item.raw.get(name)
        return [Invalid(raw)] if raw and raw.strip() else []
    value = item.fields[name]
    if field is not None and field.ref:
        cells: list[Cell] = []
        for entry in value if isinstance(value, list) else [value]:
            target = entry["id"] if isinstance(entry, dict) else entry
            if cells:
                cells.append(", ")
            cells.append(Ref(field.ref, target, target, item.docname))
            if isinstance(entry, dict) and entry.get("version"):
                cells.append(f" @{entry['version']}")
        return cells
    return [format_value(field, value)]


#: words that are acronyms in the user's vocabulary
_ACRONYMS = {"prd": "PRD", "adrs": "ADRs", "sli": "SLI", "api": "API", "http": "HTTP", "id": "ID", "ddl": "DDL"}


#: field names whose words do not read as a label ("Error budget seconds: 43m 12s")
_LABELS = {"error-budget-percent": "Error budget", "error-budget-seconds": "Outage allowed"}


def label(name: str) -> str:
    """``api-version`` -> ``API version``; ``depends-on`` -> ``Depends on``."""
    if name in _LABELS:
        return _LABELS[name]
    words = [_ACRONYMS.get(w, w) for w in name.split("-")]
    first = words[0] if words[0] in _ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def item_rows(item: Item) -> list[tuple[str, list[Cell]]]:
    """(label, cells) for every option given and every derived value, in declaration order."""
    kind = item.declaration
    names = [f.name for f in kind.fields if f.name in item.fields or item.raw.get(f.name, "").strip()]
    names = [n for n in names if n != "title"]
    # derived rows are shown as tables of their own (render.card)
    names += [f.name for f in kind.derived_fields if f.name in item.fields and not isinstance(f.parser, Records)]
    rows = []
    for name in names:
        cells = value_cells(item, name)
        if cells:
            rows.append((label(name), cells))
    if item.kind in FINGERPRINT_PINNED:
        # what a citing link writes after ``@`` to pin this state (see core/suspect.py)
        rows.append(("Pin", [item.fingerprint]))
    return rows


def derived_tables(item: Item) -> list[tuple[str, list[str], list[list[str]]]]:
    """(field name, headers, rows) of each derived value shown as a table of its own."""
    out = []
    for derived in item.declaration.derived_fields:
        value = item.fields.get(derived.name)
        if isinstance(derived.parser, Records) and value:
            headers = list(value[0])
            out.append((derived.name, [label(h) for h in headers], [[_show(e.get(h)) for h in headers] for e in value]))
    return out


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def card_text(item: Item) -> str:
    """The words of an item's card (kind, ID, title, every field and derived
    table), as full-text search indexes them. Known when the item is read, so
    the card itself can be drawn later, where the page is written."""
    words = [item.declaration.title, item.id, item.title if item.title != item.id else ""]
    for name, cells in item_rows(item):
        words += [name, "".join(c if isinstance(c, str) else c.text for c in cells)]
    for _name, headers, rows in derived_tables(item):
        words += headers
        words += (value for row in rows for value in row)
    return " ".join(w for w in words if w)


def self_ref(item: Item, text: str | None = None) -> Ref:
    # an imported item says where it comes from wherever an aggregate shows it
    marker = f" (external: {item.external})" if item.external else ""
    return Ref(item.kind, item.qualified_id, (text or item.id) + marker, item.docname)


def table(
    index: Index,
    kind: str,
    specs: list[str] | None,
    columns: list[str] | None,
    where: Filter | None = None,
    order: Sequence[SortKey] = (),
) -> tuple[list[str], list[list[list[Cell]]]]:
    """Header and rows of ``techspec-table``: one row per item of ``kind``
    (those ``where`` keeps, in ``order``; else in the index's order)."""
    declaration = KINDS[kind]
    # a spec is its own spec: no second column repeating its ID
    wanted = columns or ["id", *(["spec"] if kind != "spec" else []), *declaration.default_columns]
    headers = [label(c) if c != "id" else declaration.title for c in wanted]
    rows = []
    items = index.of_kind(kind, specs)
    if where is not None:
        items = where.select(items)
    if order:
        items = sort_items(items, order)
    for item in items:
        row: list[list[Cell]] = []
        for column in wanted:
            if column == "id":
                row.append([self_ref(item)])
            elif column == "spec":
                row.append([Ref("spec", item.spec, item.spec, item.docname)] if item.spec else [])
            elif column == "title":
                row.append([item.title])
            elif column == "docname":
                row.append([item.docname])
            else:
                row.append(value_cells(item, column))
        rows.append(row)
    return headers, rows


def valid_columns(kind: str) -> list[str]:
    declaration = KINDS[kind]
    return [*META_COLUMNS, *(f.name for f in declaration.fields), *(f.name for f in declaration.derived_fields)]


@dataclass
class Query:
    """A table's options, checked against its kind: what ``techspec-table`` (and
    the matrix, for its :filter: and :sort:) and the CSV and XLSX exports use."""

    kind: str
    #: the columns asked for that exist (None: the kind's default columns)
    columns: list[str] | None = None
    where: Filter | None = None
    order: tuple[SortKey, ...] = ()
    #: what was wrong, each naming the kind (the caller says where it is)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    #: the option refused (``kind``, ``filter`` or ``sort``): such a table shows no rows
    refused: str | None = None


def query(kind: str, columns: Sequence[str] | None = None, where: str | None = None, order: str | None = None) -> Query:
    """Check a table's kind, columns, filter and sort order (parsed once: cached)."""
    out = Query(kind)
    if kind not in KINDS:
        out.problems.append(Problem("bad-value", f"{kind!r} is not a kind (one of: {', '.join(KINDS)})"))
        out.refused = "kind"
        return out
    if columns:
        valid = valid_columns(kind)
        bad = [c for c in columns if c not in valid]
        if bad:
            names = ", ".join(map(repr, bad))
            out.problems.append(Problem("bad-value", f"no column {names} for {kind} (valid: {', '.join(valid)})"))
        out.columns = [c for c in columns if c in valid] or None
    for option, subtype, text in (("filter", "bad-filter", where), ("sort", "bad-sort", order)):
        if not text:
            continue
        try:
            if option == "filter":
                out.where = compile_filter(kind, text)
            else:
                out.order = parse_sort(kind, text)
        except FilterError as error:
            out.problems.append(Problem(subtype, f":{option}: {text!r} for {kind}: {error}"))
            out.refused = out.refused or option
    return out


def spec_summary(index: Index, spec: str) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
    """Everything a spec declares, section by section in template order."""
    out = []
    for section, title in SECTIONS.items():
        kinds = [
            (k.title, index.of_kind(k.name, [spec]))
            for k in KINDS.values()
            if k.section == section and not k.project_scoped
        ]
        kinds = [(t, items) for t, items in kinds if items]
        if kinds:
            out.append((title, kinds))
    return out
