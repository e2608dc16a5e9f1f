"""CSV and XLSX: techspec-table's tables, read back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io

import openpyxl
from conftest import ExampleDocs
from formats_support import BASE_URL

from sphinxcontrib_techspec.core.formats import FORMATS, Options
from sphinxcontrib_techspec.core.present import Ref, table


def cell_text(cells: list) -> str:
    return "".join(c.text if isinstance(c, Ref) else getattr(c, "text", c) for c in cells)


def test_csv_has_the_tables_columns_and_rows_for_every_kind(example_docs: ExampleDocs) -> None:
    folder = example_docs.outdir / "techspec-csv"
    kinds = sorted(k for k in example_docs.index.by_kind if example_docs.index.of_kind(k))
    assert sorted(p.stem for p in folder.iterdir()) == kinds
    for kind in kinds:
        headers, rows = table(example_docs.index, kind, None, None)
        read = list(csv.reader(io.StringIO((folder / f"{kind}.csv").read_text(encoding="utf-8"))))
        assert read[0] == [*headers, "URL"]
        assert [r[:-1] for r in read[1:]] == [[cell_text(c) for c in row] for row in rows]
        assert len(read) - 1 == len(example_docs.index.of_kind(kind))


def test_csv_links_go_to_each_items_card(example_docs: ExampleDocs) -> None:
    read = list(csv.DictReader(io.StringIO((example_docs.outdir / "techspec-csv" / "slo.csv").read_text(encoding="utf-8"))))
    row = next(r for r in read if r["SLO"] == "checkout-latency-p95")
    item = example_docs.index.get("slo", "checkout-latency-p95")
    assert row["URL"] == f"{BASE_URL}{example_docs.data['pages'][item.docname]}#{item.anchor}"
    assert (row["Target"], row["Window"], row["Component"]) == ("p95 < 400ms", "5m", "checkout-api")


def test_one_kind_with_chosen_columns_is_one_file(example_docs: ExampleDocs) -> None:
    written = FORMATS["csv"].write(
        example_docs.index, example_docs.project, Options(kind="component", columns=["id", "owner", "depends-on"])
    )
    assert isinstance(written.content, str) and written.problems == []
    read = list(csv.reader(io.StringIO(written.content)))
    # no pages known: no URL column
    assert read[0] == ["Component", "Owner", "Depends on"]
    assert ["checkout-api", "Team Checkout", "checkout-db, payment-gateway, stock-service, event-bus"] in read


def test_an_unknown_column_is_reported_and_the_others_kept(example_docs: ExampleDocs) -> None:
    written = FORMATS["csv"].write(example_docs.index, example_docs.project, Options(kind="slo", columns=["id", "colour"]))
    assert [p.subtype for p in written.problems] == ["bad-value"] and "colour" in written.problems[0].message
    assert isinstance(written.content, str) and written.content.splitlines()[0] == "SLO"


def test_xlsx_has_a_sheet_per_kind_with_the_same_cells_and_links(example_docs: ExampleDocs) -> None:
    book = openpyxl.load_workbook(example_docs.outdir / "techspec.xlsx")
    kinds = [k for k in book.sheetnames]
    assert sorted(kinds) == sorted(k for k in example_docs.index.by_kind if example_docs.index.of_kind(k))
    for kind in kinds:
        headers, rows = table(example_docs.index, kind, None, None)
        values = [[c if c is not None else "" for c in row] for row in book[kind].iter_rows(values_only=True)]
        assert values[0] == headers
        assert values[1:] == [[cell_text(c) for c in row] for row in rows]
    sheet = book["slo"]
    item = example_docs.index.get("slo", "checkout-latency-p95")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "checkout-latency-p95")
    assert row[0].hyperlink.target == f"{BASE_URL}{example_docs.data['pages'][item.docname]}#{item.anchor}"
    # the SLI cell links to the SLI's card
    sli = example_docs.index.get("sli", "checkout-latency")
    assert row[2].value == "checkout-latency"
    assert row[2].hyperlink.target == f"{BASE_URL}{example_docs.data['pages'][sli.docname]}#{sli.anchor}"


def test_xlsx_bytes_are_deterministic(example_docs: ExampleDocs) -> None:
    options = Options(pages=example_docs.data["pages"], base_url=BASE_URL)
    first = FORMATS["xlsx"].write(example_docs.index, example_docs.project, options).content
    assert first == FORMATS["xlsx"].write(example_docs.index, example_docs.project, options).content
    assert first == (example_docs.outdir / "techspec.xlsx").read_bytes()


def test_text_that_looks_like_a_formula_stays_text(project) -> None:
    from conftest import build

    src = project(
        {
            "index.md": """
            # Shop

            ```{component} api
            :purpose: =HYPERLINK("https://evil.example", "click")
            :owner: +1 team
            ```
            """
        }
    )
    built = build(src, techspec_exports=["xlsx"])
    sheet = openpyxl.load_workbook(built.outdir / "techspec.xlsx")["component"]
    headers = [c.value for c in sheet[1]]
    row = sheet[2]
    purpose = row[headers.index("Purpose")]
    assert purpose.value == '=HYPERLINK("https://evil.example", "click")' and purpose.data_type == "s"
    assert row[headers.index("Owner")].value == "+1 team"
