"""CSV and XLSX: ``techspec-table``'s tables (same rows, columns and links) for spreadsheets.

Each writes one kind's table (``kind``) or, by default, every kind that has items:
CSV as a folder of ``KIND.csv``, XLSX as one workbook with a sheet per kind.
A cell linking to an item shows its text; the link goes into a last ``URL``
column (CSV) or onto the cell (XLSX) when the pages' URLs are known.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

from ..index import Index
from ..kinds import KINDS
from ..model import Problem
from ..present import Cell, Invalid, Ref, query, table
from . import Format, Options, Written
from .common import page_url

#: workbook and entries get this fixed time, so the same index gives the same bytes
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
STAMP = b"2000-01-01T00:00:00Z"


@dataclass(frozen=True)
class Sheet:
    kind: str
    headers: list[str]
    rows: list[list[str]]
    #: (row, column) -> URL of the item a cell links to
    links: dict[tuple[int, int], str]


def _kinds(index: Index, options: Options) -> list[str]:
    return [options.kind] if options.kind else [k for k in KINDS if index.of_kind(k)]


def sheets(index: Index, options: Options) -> tuple[list[Sheet], list[Problem]]:
    problems = []
    out = []
    spec_of = {i.docname: i.spec for i in index.items}
    for kind in _kinds(index, options):
        checked = query(kind, options.columns, options.filter, options.sort)
        # a refused kind, filter or sort order leaves its table out
        left_out = "; the table is left out" if checked.refused else ""
        problems += [Problem(p.subtype, f"{p.message}{left_out}") for p in checked.problems]
        if checked.refused:
            continue
        headers, rows = table(index, kind, options.specs, checked.columns, checked.where, checked.order)
        texts, links = [], {}
        for r, row in enumerate(rows):
            texts.append(["".join(_text(c) for c in cells) for cells in row])
            for c, cells in enumerate(row):
                refs = [cell for cell in cells if isinstance(cell, Ref)]
                if len(refs) == 1:
                    target = index.resolve(refs[0].kind, refs[0].target, spec_of.get(refs[0].docname)).item
                    url = page_url(target, options) if target is not None else None
                    if url:
                        links[(r, c)] = url
        out.append(Sheet(kind, headers, texts, links))
    return out, problems


def _text(cell: Cell) -> str:
    return cell.text if isinstance(cell, (Ref, Invalid)) else cell


def _csv(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    urls = bool(sheet.links)
    writer.writerow([*sheet.headers, *(["URL"] if urls else [])])
    for r, row in enumerate(sheet.rows):
        writer.writerow([*row, *([sheet.links.get((r, 0), "")] if urls else [])])
    return buffer.getvalue()


def write_csv(index: Index, project: str, options: Options) -> Written:
    found, problems = sheets(index, options)
    if options.kind and found:
        return Written(_csv(found[0]), problems)
    return Written({f"{s.kind}.csv": _csv(s) for s in found}, problems)


def write_xlsx(index: Index, project: str, options: Options) -> Written:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        missing = "xlsx needs openpyxl: pip install 'sphinxcontrib-techspec[exports]'; nothing was written"
        return Written(None, [Problem("export", missing)])

    found, problems = sheets(index, options)
    book = Workbook()
    book.remove(book.active)
    for sheet in found:
        # sheet titles: at most 31 characters
        ws = book.create_sheet(sheet.kind[:31])
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(sheet.rows):
            ws.append(row)
            for cell in ws[r + 2]:
                # text is text: a value starting with "=" is not run as a formula
                cell.data_type = "s"
            for (lr, c), url in sheet.links.items():
                if lr == r:
                    ws.cell(row=r + 2, column=c + 1).hyperlink = url
        ws.freeze_panes = "A2"
    if not found:
        book.create_sheet("empty")
    book.properties.creator = "sphinxcontrib-techspec"
    book.properties.title = project
    book.properties.created = book.properties.modified = datetime.datetime(*FIXED_TIME)
    buffer = io.BytesIO()
    book.save(buffer)
    return Written(_deterministic_zip(buffer.getvalue()), problems)


def _deterministic_zip(data: bytes) -> bytes:
    """openpyxl stamps entries with the clock; the same content gets the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl sets the modified time to now when it saves
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + STAMP, content)
            target.writestr(fixed, content)
    return out.getvalue()


FORMATS = (
    Format(
        "csv",
        "techspec-csv",
        write_csv,
        "CSV of a kind's ``techspec-table`` (a folder with one file per kind unless a kind is given).",
        "Python's csv module (read back in the tests)",
    ),
    Format(
        "xlsx",
        "techspec.xlsx",
        write_xlsx,
        "XLSX workbook (openpyxl): a sheet per kind's ``techspec-table``, links on the cells.",
        "openpyxl (read back in the tests)",
    ),
)
