"""Charts: coverage per PRD and SLO error budgets, their values read back from the SVG
and compared with the index, and the same numbers as text in every builder."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import build, write_project
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_techspec.core import charts
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item

SVG = "{http://www.w3.org/2000/svg}"


def make(kind: str, item_id: str, spec: str | None, options: dict[str, str] | None = None) -> Item:
    item = build_item(KINDS[kind], item_id, options or {}, "", f"docs/{spec or item_id}", 5)
    item.spec = spec
    return item


def href(item: Item) -> str:
    return f"page.html#{item.id}"


def read_rows(svg: str) -> list[dict[str, object]]:
    """Each row of a chart as drawn: label, note, value text, bar and track lengths."""
    root = ET.fromstring(svg)
    rows = []
    for group in root.iter(f"{SVG}g"):
        texts = {(t.get("class") or "").split()[0]: t.text for t in group.iter(f"{SVG}text")}
        rects = {(r.get("class") or "").split()[0]: float(r.get("width", 0)) for r in group.iter(f"{SVG}rect")}
        links = [a.get("href") for a in group.iter(f"{SVG}a")]
        rows.append(
            {
                "label": texts["techspec-chart-label"],
                "note": texts.get("techspec-chart-note"),
                "text": texts["techspec-chart-value"],
                "bar": rects["techspec-chart-bar"],
                "track": rects["techspec-chart-track"],
                "link": links[0] if links else None,
                "title": group.find(f"{SVG}title").text,  # type: ignore[union-attr]
            }
        )
    return rows


def coverage_items(plan: dict[str, list[bool]]) -> list[Item]:
    """PRDs with requirements, each satisfied by a spec item or not."""
    items = [make("spec", "S", "S", {"version": "1", "status": "current"})]
    for prd, satisfied in plan.items():
        items.append(make("prd", prd, None, {"version": "1"}))
        for n, done in enumerate(satisfied):
            items.append(make("requirement", f"{prd}-R{n}", None, {"prd": prd}))
            if done:
                items.append(make("component", f"{prd}-c{n}", "S", {"satisfies": f"{prd}-R{n}"}))
    return items


def test_coverage_chart_bars_are_the_share_of_requirements_satisfied() -> None:
    index = Index(coverage_items({"PRD-A": [True, True, True, False], "PRD-B": [False, False], "PRD-C": [True]}))
    drawing = charts.svg(charts.coverage_chart(index), href)
    rows = read_rows(drawing)
    assert [(r["label"], r["text"]) for r in rows] == [
        ("PRD-A", "3 of 4 (75%)"),
        ("PRD-B", "0 of 2 (0%)"),
        ("PRD-C", "1 of 1 (100%)"),
        ("All PRDs", "4 of 7 (57%)"),
    ]
    for row, share in zip(rows, [3 / 4, 0, 1, 4 / 7], strict=True):
        assert row["track"] == charts.TRACK
        assert row["bar"] == pytest.approx(share * charts.TRACK, abs=0.01)
    # each PRD links to its item; the total names no item
    assert [r["link"] for r in rows] == ["page.html#PRD-A", "page.html#PRD-B", "page.html#PRD-C", None]
    # the numbers, for screen readers: the chart's name and each row's title
    label = ET.fromstring(drawing).get("aria-label", "")
    assert all(f"{r['label']}: {r['text']}" in label for r in rows)
    assert rows[0]["title"] == "PRD-A: 3 of 4 (75%)"
    # and the bar says how complete: nothing, some or all
    assert re.findall(r"techspec-chart-bar-(\w+)", drawing) == ["partial", "none", "full", "partial"]


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["PRD-A", "PRD-B", "PRD-C", "PRD-D"]), st.lists(st.booleans(), max_size=9)))
def test_coverage_bar_lengths_follow_the_index(plan: dict[str, list[bool]]) -> None:
    index = Index(coverage_items(plan))
    rows = read_rows(charts.svg(charts.coverage_chart(index), href) or "<svg xmlns='http://www.w3.org/2000/svg'/>")
    expected = [(prd, sum(done), len(done)) for prd, done in sorted(plan.items()) if done]
    total = (sum(h for _, h, _ in expected), sum(n for _, _, n in expected))
    if expected:
        expected.append(("All PRDs", *total))
    assert [r["label"] for r in rows] == [prd for prd, _, _ in expected]
    for row, (_, hit, count) in zip(rows, expected, strict=True):
        assert row["bar"] == pytest.approx(charts.TRACK * hit / count, abs=0.01)
        assert row["text"] == f"{hit} of {count} ({100 * hit / count:.0f}%)"


def slo(item_id: str, spec: str, target: str, window: str, component: str = "") -> Item:
    options = {"sli": "x", "target": target, "window": window}
    if component:
        options["component"] = component
    return make("slo", item_id, spec, options)


SLOS = [
    make("component", "api", "A"),
    make("component", "db", "A"),
    make("component", "api", "B"),
    slo("avail", "A", "99.9%", "30d", "api"),
    slo("latency", "A", "p95 < 400ms", "5m", "api"),
    slo("errors", "A", "< 0.5%", "1h", "db"),
    slo("throughput", "A", ">= 500 rps", "1h", "db"),
    slo("avail", "B", "99.5%", "4w", "api"),
]


def test_slo_chart_bars_are_the_error_budgets() -> None:
    index = Index(SLOS)
    chart = charts.slo_chart(index)
    rows = read_rows(charts.svg(chart, href))
    by_label = {r["label"]: r for r in rows}
    # two SLOs are called avail: each is named with its spec
    assert sorted(by_label) == ["A::avail", "B::avail", "errors", "latency", "throughput"]
    budgets = {"A::avail": 0.1, "B::avail": 0.5, "errors": 0.5, "latency": 5.0, "throughput": None}
    largest = 5.0
    for label, budget in budgets.items():
        expected = 0.0 if budget is None else charts.TRACK * budget / largest
        assert by_label[label]["bar"] == pytest.approx(expected, abs=0.01), label
    # the numbers as text: target and window, the budget and what it means
    # the target as its author wrote it, as on the card
    assert by_label["A::avail"]["note"] == "99.9% over 30d"
    assert by_label["A::avail"]["text"] == "0.1% (43m 12s)"
    assert by_label["B::avail"]["text"] == "0.5% (3h 21m 36s)"
    assert by_label["latency"]["note"] == "p95 < 400ms over 5m"
    assert by_label["latency"]["text"] == "5% of requests"
    assert by_label["errors"]["text"] == "0.5% of requests"
    assert by_label["throughput"]["text"] == "no error budget"
    # every number agrees with the item's own derived values
    for item in index.of_kind("slo"):
        label = item.qualified_id if item.id == "avail" else item.id
        if "error-budget-percent" in item.fields:
            assert by_label[label]["text"].startswith(f"{item.fields['error-budget-percent']:g}%")  # type: ignore[union-attr]


def test_slo_chart_narrows_to_specs_and_components() -> None:
    index = Index(SLOS)
    assert [b.label for b in charts.slo_chart(index, ["B"]).bars] == ["avail"]
    assert sorted(b.label for b in charts.slo_chart(index, components=["db"]).bars) == ["errors", "throughput"]
    # a plain ID names the component in every spec; SPEC::ID only that spec's
    assert sorted(b.label for b in charts.slo_chart(index, components=["api"]).bars) == [
        "A::avail",
        "B::avail",
        "latency",
    ]
    assert sorted(b.label for b in charts.slo_chart(index, components=["B::api"]).bars) == ["avail"]
    # the largest budget shown fills the track
    chart = charts.slo_chart(index, components=["db"])
    assert chart.maximum == 0.5 and max(chart.length(b) for b in chart.bars) == charts.TRACK


def test_svg_colours_come_from_classes() -> None:
    drawing = charts.svg(charts.slo_chart(Index(SLOS)), href)
    assert set(re.findall(r'(?:fill|stroke)="([^"]*)"', drawing)) == {"currentColor"}
    classes = set(re.findall(r'class="([^"]*)"', drawing))
    # which chart it is (techspec-chart-slo) is a hook for the reader's own CSS; every part is styled
    names = {name for c in classes for name in c.split()} - {"techspec-graphic", "techspec-chart", "techspec-chart-slo"}
    css = (Path(charts.__file__).parent.parent / "sphinx" / "static" / "techspec-graphics.css").read_text()
    for name in names:
        assert f".{name}" in css, name


def test_labels_are_escaped() -> None:
    index = Index([slo("<b>x</b>", "A", "99%", "1d")])
    drawing = charts.svg(charts.slo_chart(index), href)
    assert "<b>" not in drawing
    assert read_rows(drawing)[0]["label"] == "<b>x</b>"


# -- in real builds

FILES = {
    "index.md": """
    # Shop

    ```{toctree}
    orders
    ```

    ```{traceability-report}
    ```

    ```{slo-chart}
    ```

    ```{slo-chart}
    :component: orders-db
    ```
    """,
    "orders.rst": """
    Orders
    ======

    .. spec:: SPEC-ORDERS
       :version: 1.0
       :status: current
       :prd: PRD-SHOP

    .. prd:: PRD-SHOP
       :version: 1.0

    .. requirement:: REQ-1
       :prd: PRD-SHOP

    .. requirement:: REQ-2
       :prd: PRD-SHOP

    .. requirement:: REQ-3
       :prd: PRD-SHOP

    .. component:: order-api
       :satisfies: REQ-1, REQ-2

    .. component:: orders-db

    .. sli:: availability

    .. slo:: api-availability
       :sli: availability
       :target: 99.9%
       :window: 30d
       :component: order-api

    .. slo:: db-latency
       :sli: availability
       :target: p99 < 20ms
       :window: 1d
       :component: orders-db
    """,
}


@pytest.fixture
def src(tmp_path: Path) -> Path:
    return write_project(tmp_path / "src", FILES)


def test_html_report_shows_the_coverage_chart_beside_the_same_numbers(src: Path) -> None:
    result = build(src, techspec_trace_warnings=False)
    assert result.warnings == ""
    page = result.html("index")
    (coverage,) = re.findall(r"<svg [^>]*techspec-chart-coverage.*?</svg>", page, re.DOTALL)
    rows = read_rows(coverage)
    assert [(r["label"], r["text"]) for r in rows] == [("PRD-SHOP", "2 of 3 (67%)"), ("All PRDs", "2 of 3 (67%)")]
    assert rows[0]["bar"] == pytest.approx(charts.TRACK * 2 / 3, abs=0.01)
    assert rows[0]["link"] == "orders.html#techspec-prd-PRD-SHOP"
    # the table of the report says the same
    table = page[page.index("techspec-report-coverage") :]
    cells = re.findall(r"<td[^>]*>(?:<p>)?(.*?)(?:</p>)?</td>", table)[:8]
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == ["PRD-SHOP", "2", "3", "67%", "All PRDs", "2", "3", "67%"]


def test_html_slo_chart_per_project_and_per_component(src: Path) -> None:
    page = build(src, techspec_trace_warnings=False).html("index")
    every, one = re.findall(r"<svg [^>]*techspec-chart-slo.*?</svg>", page, re.DOTALL)
    assert [(r["label"], r["note"], r["text"]) for r in read_rows(every)] == [
        ("api-availability", "99.9% over 30d", "0.1% (43m 12s)"),
        ("db-latency", "p99 < 20ms over 1d", "1% of requests"),
    ]
    assert [r["label"] for r in read_rows(one)] == ["db-latency"]
    assert "db-latency: p99 &lt; 20ms over 1d, 1% of requests" in one  # its accessible name


@pytest.mark.parametrize("buildername", ["text", "latex", "man", "texinfo"])
def test_other_builders_get_the_slo_numbers_as_a_table(src: Path, buildername: str) -> None:
    result = build(src, buildername, techspec_trace_warnings=False)
    assert result.warnings == ""
    text = "\n".join(p.read_text() for p in result.outdir.iterdir() if p.suffix in (".txt", ".tex", ".1", ".texi"))
    assert "<svg" not in text
    for escaped, plain in (
        ("\\sphinxhyphen{}", "-"),
        ("\\%", "%"),
        ("\\textgreater{}", ">"),
        ("\\textless{}", "<"),
        ("\\-", "-"),  # roff
        ("\\(>=", ">="),
    ):
        text = text.replace(escaped, plain)
    for shown in ("api-availability", "99.9% over 30d", "0.1% (43m 12s)", "p99 < 20ms over 1d", "1% of requests"):
        assert shown in text, shown
    # the coverage numbers are in the report's table for every builder
    assert "67%" in text


def test_unknown_component_is_a_located_warning(tmp_path: Path) -> None:
    files = dict(FILES)
    files["index.md"] = files["index.md"].replace(":component: orders-db", ":component: orders-db, ghost")
    result = build(write_project(tmp_path / "src", files), techspec_trace_warnings=False)
    assert result.subtypes() == ["unknown-ref"]
    ((name, line, message, _),) = result.located()
    assert name == "index.md" and line is not None and "'ghost'" in message
    # the chart still shows what it can
    assert "db-latency" in result.html("index")


def test_chart_is_current_after_an_incremental_build(src: Path) -> None:
    build(src, techspec_trace_warnings=False)
    orders = src / "orders.rst"
    orders.write_text(orders.read_text().replace(":target: 99.9%", ":target: 99%"))
    page = build(src, techspec_trace_warnings=False).html("index")
    every = re.findall(r"<svg [^>]*techspec-chart-slo.*?</svg>", page, re.DOTALL)[0]
    assert read_rows(every)[0]["text"] == "1% (7h 12m)"


def many_specs(count: int) -> dict[str, str]:
    files = {
        "index.rst": "Index\n=====\n\n.. toctree::\n   :glob:\n\n   spec*\n\n.. slo-chart::\n\n.. traceability-report::\n"
    }
    for n in range(count):
        files[f"spec{n}.rst"] = f"""
        Spec {n}
        =======

        .. spec:: SPEC-{n}
           :version: 1.0
           :status: current

        .. sli:: up

        .. slo:: avail
           :sli: up
           :target: {99 + n / 10:g}%
           :window: {n + 1}d
        """
    return files


def charts_of(page: str) -> list[str]:
    return re.findall(r"<svg [^>]*techspec-chart.*?</svg>", page, re.DOTALL)


def test_parallel_and_incremental_builds_draw_the_same_charts(tmp_path: Path) -> None:
    files = many_specs(8)
    serial = build(write_project(tmp_path / "serial", files), techspec_trace_warnings=False)
    parallel = build(write_project(tmp_path / "parallel", files), parallel=2, techspec_trace_warnings=False)
    drawn = charts_of(serial.html("index"))
    assert len(read_rows(drawn[0])) == 8
    assert charts_of(parallel.html("index")) == drawn
    # an edit to one spec, built incrementally in parallel, draws what a clean build draws
    spec = tmp_path / "parallel" / "spec3.rst"
    spec.write_text(spec.read_text().replace(":target: 99.3%", ":target: 95%"))
    again = build(tmp_path / "parallel", parallel=2, techspec_trace_warnings=False)
    clean = build(
        write_project(tmp_path / "clean", files | {"spec3.rst": spec.read_text()}), techspec_trace_warnings=False
    )
    assert charts_of(again.html("index")) == charts_of(clean.html("index")) != drawn
    assert "SPEC-3::avail: 95% over 4d, 5% (4h 48m)" in charts_of(again.html("index"))[0]
