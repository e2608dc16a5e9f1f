"""Targets as people write them, through a real build: parsed into the export,
shown as written on the card and in the tables, and a real mistake located."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import BASE_CONF, build, write_project

GE, LE = "\N{GREATER-THAN OR EQUAL TO}", "\N{LESS-THAN OR EQUAL TO}"

#: (item ID, target as written, what the export must hold besides the text)
BENCHMARKS = [
    ("checkout", "p95 < 300ms at 200 rps", {"percentile": 95, "comparator": "<", "value": 0.3, "unit": "s",
                                             "load": {"value": 200, "unit": "rps"}}),
    ("search", "p99 <= 1s @ 500 rps", {"percentile": 99, "comparator": "<=", "value": 1, "unit": "s",
                                         "load": {"value": 500, "unit": "rps"}}),
    ("cart", "p99.9 < 2s under 1k rps", {"percentile": 99.9, "comparator": "<", "value": 2, "unit": "s",
                                           "load": {"value": 1000, "unit": "rps"}}),
    ("ingest", f"{GE} 1000 rps", {"percentile": None, "comparator": ">=", "value": 1000, "unit": "rps", "load": None}),
    ("errors", "< 1% errors", {"comparator": "<", "value": 1, "unit": "%", "metric": "errors"}),
    ("failures", f"{LE} 0.1%", {"comparator": "<=", "value": 0.1, "unit": "%", "metric": None}),
]  # fmt: skip

MYST = "\n".join(
    [
        "# Perf\n",
        *(f"```{{benchmark}} {ident}\n:target: {target}\n```\n" for ident, target, _ in BENCHMARKS),
        "```{sli} latency\n:kind: latency\n```\n",
        "```{slo} errors-30d\n:sli: latency\n:target: < 1% errors\n:window: 30d\n```\n",
        "```{techspec-table} benchmark\n```\n",
    ]
)
RST = "\n".join(
    [
        "Perf\n====\n",
        *(f".. benchmark:: {ident}\n   :target: {target}\n" for ident, target, _ in BENCHMARKS),
        ".. sli:: latency\n   :kind: latency\n",
        ".. slo:: errors-30d\n   :sli: latency\n   :target: < 1% errors\n   :window: 30d\n",
        ".. techspec-table:: benchmark\n",
    ]
)


@pytest.fixture(params=["md", "rst"])
def built(request: pytest.FixtureRequest, tmp_path: Path):
    text = MYST if request.param == "md" else RST
    return build(write_project(tmp_path / request.param, {f"index.{request.param}": text}, BASE_CONF))


def test_every_form_builds_clean_and_is_exported(built) -> None:
    assert built.subtypes() == []
    items = {i["id"]: i for i in built.export()["items"]}
    for ident, target, meaning in BENCHMARKS:
        exported = items[ident]["fields"]["target"]
        assert exported["text"] == target
        assert {k: exported[k] for k in meaning} == meaning, ident
    # an upper bound on errors is itself the SLO's error budget
    assert items["errors-30d"]["fields"]["error-budget-percent"] == 1


def test_card_and_table_show_the_target_as_written(built) -> None:
    soup = BeautifulSoup(built.html("index"), "html.parser")
    rows = soup.select("table.techspec-table-benchmark tbody tr")
    shown = {r.select("td")[0].get_text(strip=True): r.select("td")[2].get_text(strip=True) for r in rows}
    assert shown == {ident: target for ident, target, _ in BENCHMARKS}
    cards = soup.select(".techspec-benchmark")
    assert len(cards) == len(BENCHMARKS)
    card_text = " ".join(c.get_text(" ", strip=True) for c in cards)
    for _, target, _ in BENCHMARKS:
        assert target in card_text
    # the Unicode comparator stays as the author wrote it, not ">="
    assert f"{GE} 1000 rps" in card_text and ">= 1000 rps" not in card_text


@pytest.mark.parametrize("suffix", ["md", "rst"])
def test_a_real_mistake_is_bad_value_at_its_line(tmp_path: Path, suffix: str) -> None:
    if suffix == "md":
        text = "# Perf\n\n```{benchmark} ok\n:target: p95 < 300ms at 200 rps\n```\n\n```{benchmark} bad\n:target: p95 < fast\n```\n"
        line = 7
    else:
        text = "Perf\n====\n\n.. benchmark:: ok\n   :target: p95 < 300ms at 200 rps\n\n.. benchmark:: bad\n   :target: p95 < fast\n"
        line = 7
    result = build(write_project(tmp_path / suffix, {f"index.{suffix}": text}, BASE_CONF))
    warnings = [w for w in result.located() if w[3] == "techspec.bad-value"]
    assert [(w[0], w[1]) for w in warnings] == [(f"index.{suffix}", line)]
    # the message quotes the mistake and shows forms that work
    assert "'p95 < fast' is not a target" in warnings[0][2] and "p95 < 300ms at 200 rps" in warnings[0][2]
    # the item is kept, with the text as written
    bad = next(i for i in result.export()["items"] if i["id"] == "bad")
    assert bad["raw"]["target"] == "p95 < fast" and "target" not in bad["fields"]


def _pages(edit: bool = False) -> dict[str, str]:
    """Six pages of benchmarks (Sphinx reads in parallel only with more than five) and a table of them all."""
    forms = [target for _, target, _ in BENCHMARKS]
    pages = {
        f"p{n}.rst": f"P{n}\n==\n\n.. benchmark:: b{n}\n   :target: {forms[n % len(forms)]}\n" for n in range(6)
    }
    if edit:
        pages["p2.rst"] = f"P2\n==\n\n.. benchmark:: b2\n   :target: p99 {LE} 450ms under 2k rps\n"
    toctree = "\n".join(f"   p{n}" for n in range(6))
    pages["index.rst"] = f"Index\n=====\n\n.. toctree::\n\n{toctree}\n\n.. techspec-table:: benchmark\n"
    return pages


def _shown(result) -> dict[str, str]:
    soup = BeautifulSoup(result.html("index"), "html.parser")
    rows = soup.select("table.techspec-table-benchmark tbody tr")
    return {r.select("td")[0].get_text(strip=True): r.select("td")[2].get_text(strip=True) for r in rows}


def _targets(result) -> dict[str, object]:
    return {i["id"]: i["fields"]["target"] for i in result.export()["items"]}


def test_parallel_and_incremental_builds_show_what_a_clean_build_shows(tmp_path: Path) -> None:
    serial = build(write_project(tmp_path / "serial", _pages(), BASE_CONF))
    parallel = build(write_project(tmp_path / "parallel", _pages(), BASE_CONF), parallel=2)
    assert serial.warnings == parallel.warnings == ""
    assert _targets(parallel) == _targets(serial) and _shown(parallel) == _shown(serial)
    assert _shown(serial)["b3"] == BENCHMARKS[3][1]  # the Unicode form, as written
    # one target edited: the table on another page follows, as a clean build of the edit shows it
    (tmp_path / "serial" / "p2.rst").write_text(_pages(edit=True)["p2.rst"])  # only this page changes
    incremental = build(tmp_path / "serial")
    assert "0 added, 1 changed, 0 removed" in incremental.app._status.getvalue()  # type: ignore[attr-defined]
    clean = build(write_project(tmp_path / "clean", _pages(edit=True), BASE_CONF))
    assert _shown(incremental) == _shown(clean) and _targets(incremental) == _targets(clean)
    assert _shown(incremental)["b2"] == f"p99 {LE} 450ms under 2k rps"
    assert _targets(incremental)["b2"]["load"] == {"value": 2000, "unit": "rps"}
