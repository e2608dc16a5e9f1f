"""Traceability: coverage, every finding on a purpose-made set, the matrix pivots."""

from __future__ import annotations

from typing import Any

import pytest

from sphinxcontrib_techspec.core import trace
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item
from sphinxcontrib_techspec.core.present import Ref


def make(kind: str, item_id: str, spec: str | None, options: dict[str, str] | None = None) -> Item:
    item = build_item(KINDS[kind], item_id, options or {}, "", f"docs/{spec or item_id}", 5)
    item.spec = spec
    return item


def clean_items() -> list[Item]:
    """A small project with no gaps at all."""
    return [
        make("prd", "PRD-A", None, {"version": "1.2"}),
        make("requirement", "R1", None, {"prd": "PRD-A", "priority": "must"}),
        make("requirement", "R2", None, {"prd": "PRD-A"}),
        make("adr", "ADR-1", None, {"status": "accepted"}),
        make("spec", "S1", "S1", {"version": "1.0", "status": "current", "prd": "PRD-A@1.2", "adrs": "ADR-1"}),
        make("component", "api", "S1", {"satisfies": "R1", "depends-on": "db"}),
        make("component", "db", "S1", {"satisfies": "R2"}),
    ]


def text(cells: list[Any]) -> str:
    """Cells as a reader sees them."""
    return "".join(c.text if isinstance(c, Ref) else str(c) for c in cells)


def active(found: dict[str, list[Any]]) -> dict[str, list[str]]:
    return {k: [item.id for item, _, _ in v] for k, v in found.items() if v}


def test_clean_project_has_no_findings() -> None:
    index = Index(clean_items())
    assert active(trace.findings(index)) == {}
    assert trace.problems(index) == []
    assert trace.coverage(index) == {"PRD-A": (2, 2), None: (2, 2)}


def test_coverage_numbers() -> None:
    items = [
        make("prd", "PRD-A", None, {"version": "1"}),
        make("prd", "PRD-B", None, {"version": "1"}),
        *(make("requirement", f"A{n}", None, {"prd": "PRD-A"}) for n in range(4)),
        make("requirement", "B1", None, {"prd": "PRD-B"}),
        make("component", "api", "S", {"satisfies": "A0, A1, A2"}),
        make("component", "web", "S", {"satisfies": "A0"}),
    ]
    index = Index(items)
    assert trace.coverage(index) == {"PRD-A": (3, 4), "PRD-B": (0, 1), None: (3, 5)}
    assert trace.coverage(index, ["PRD-B"]) == {"PRD-B": (0, 1), None: (0, 1)}
    assert trace.percent(3, 4) == "75%"
    assert trace.percent(0, 0) == "n/a"
    head = trace.report(index)[0]
    assert head.name == "coverage"
    assert head.summary == ["3 of 5 requirements satisfied (60%)."]
    assert [[text(cell) for cell in row] for row in head.rows] == [
        ["PRD-A", "3", "4", "75%"],
        ["PRD-B", "0", "1", "0%"],
        ["All PRDs", "3", "5", "60%"],
    ]


def with_gap(extra: list[Item], drop: tuple[str, ...] = ()) -> Index:
    return Index([i for i in clean_items() if i.id not in drop] + extra)


def test_uncovered_requirement() -> None:
    index = with_gap([make("requirement", "R3", None, {"prd": "PRD-A"})])
    found = trace.findings(index)
    assert active(found) == {"uncovered-requirement": ["R3"]}
    assert trace.coverage(index)[None] == (2, 3)


def test_spec_without_prd() -> None:
    index = with_gap([make("spec", "S2", "S2", {"version": "1", "status": "draft", "adrs": "ADR-1"})])
    assert active(trace.findings(index)) == {"spec-without-prd": ["S2"]}
    assert active(trace.findings(index, specs=["S1"])) == {}


def test_uncited_adr() -> None:
    index = with_gap([make("adr", "ADR-9", None, {"status": "accepted"})])
    assert active(trace.findings(index)) == {"uncited-adr": ["ADR-9"]}


@pytest.mark.parametrize("status", ["superseded", "rejected", "deprecated"])
def test_superseded_adr(status: str) -> None:
    extra = [
        make("adr", "ADR-2", None, {"status": status, "superseded-by": "ADR-1"}),
        make("component", "cache", "S1", {"decided-by": "ADR-2", "satisfies": "R1"}),
    ]
    found = trace.findings(with_gap(extra))
    assert active(found) == {"superseded-adr": ["cache"]}
    _, message, cells = found["superseded-adr"][0]
    assert f"which is {status}" in message
    assert text(cells) == f"cache cites ADR-2 ({status}), superseded by ADR-1"


def test_stale_prd() -> None:
    items = [i for i in clean_items() if i.id != "PRD-A"] + [make("prd", "PRD-A", None, {"version": "1.10"})]
    found = trace.findings(Index(items))
    assert active(found) == {"stale-prd": ["S1"]}
    assert "written against PRD-A 1.2; the PRD is now at 1.10" in found["stale-prd"][0][1]


def test_same_version_written_differently_is_not_stale() -> None:
    items = [i for i in clean_items() if i.id != "PRD-A"] + [make("prd", "PRD-A", None, {"version": "v1.2.0"})]
    assert active(trace.findings(Index(items))) == {}


def test_unknown_ref_is_in_the_report_not_the_trace_warnings() -> None:
    index = with_gap([make("component", "web", "S1", {"depends-on": "ghost", "satisfies": "R1"})])
    found = trace.findings(index)
    assert active(found) == {"unknown-ref": ["web"]}
    assert text(found["unknown-ref"][0][2]) == "web :depends-on: \N{RIGHTWARDS ARROW} component 'ghost'"
    assert trace.problems(index) == []
    assert [p.subtype for p in index.problems()] == ["unknown-ref"]


def test_dependency_cycle() -> None:
    extra = [make("component", "db", "S1", {"satisfies": "R2", "depends-on": "api"})]
    found = trace.findings(with_gap(extra, drop=("db",)))
    assert active(found) == {"dependency-cycle": ["api"]}
    assert "S1::api \N{RIGHTWARDS ARROW} S1::db \N{RIGHTWARDS ARROW} S1::api" in found["dependency-cycle"][0][1]
    problems = trace.problems(with_gap(extra, drop=("db",)))
    assert [(p.subtype, p.docname, p.lineno) for p in problems] == [("dependency-cycle", "docs/S1", 5)]


def test_external_items_raise_no_findings() -> None:
    imported = [
        make("requirement", "R9", None, {"prd": "PRD-A"}),
        make("adr", "ADR-9", None, {"status": "accepted"}),
        make("spec", "S9", "S9", {"version": "1", "status": "draft"}),
    ]
    for item in imported:
        item.external = "elsewhere"
    assert active(trace.findings(with_gap(imported))) == {}


def test_every_finding_becomes_a_problem_with_its_subtype() -> None:
    extra = [
        make("requirement", "R3", None, {"prd": "PRD-A"}),
        make("spec", "S2", "S2", {"version": "1", "status": "draft"}),
        make("adr", "ADR-9", None, {"status": "accepted"}),
    ]
    subtypes = sorted(p.subtype for p in trace.problems(with_gap(extra)))
    assert subtypes == ["spec-without-prd", "uncited-adr", "uncovered-requirement"]


def test_report_sections_list_the_findings() -> None:
    index = with_gap([make("adr", "ADR-9", None, {"status": "accepted"})])
    sections = {s.name: s for s in trace.report(index)}
    assert [[text(c) for c in row] for row in sections["uncited-adr"].rows] == [["ADR-9"]]
    assert sections["uncovered-requirement"].rows == []
    assert set(trace.REPORT_SECTIONS) <= set(sections)


def rows_as_text(rows: list[list[list[Any]]]) -> list[list[str]]:
    return [[text(cell) for cell in row] for row in rows]


def matrix_items() -> list[Item]:
    return [
        make("prd", "PRD-A", None, {"version": "1.3"}),
        make("requirement", "R1", None, {"prd": "PRD-A", "priority": "must"}),
        make("requirement", "R2", None, {"prd": "PRD-A"}),
        make("adr", "ADR-1", None, {"status": "accepted"}),
        make("adr", "ADR-2", None, {"status": "superseded", "superseded-by": "ADR-1"}),
        make("spec", "S1", "S1", {"version": "1.0", "status": "current", "prd": "PRD-A@1.2", "adrs": "ADR-1"}),
        make("component", "api", "S1", {"satisfies": "R1"}),
        make("spec", "S2", "S2", {"version": "2.0", "status": "draft", "prd": "PRD-A"}),
        make("component", "web", "S2", {"satisfies": "R1", "decided-by": "ADR-2"}),
    ]


def test_matrix_by_prd() -> None:
    headers, rows = trace.matrix(Index(matrix_items()), "prd", None, None)
    assert headers == ["PRD", "Requirement", "Priority", "Satisfied by", "Specs (PRD version)", "ADRs"]
    assert rows_as_text(rows) == [
        ["PRD-A", "R1", "must", "S1::api, S2::web", "S1 @1.2 (stale), S2", "ADR-1, ADR-2"],
        ["PRD-A", "R2", "", "", "", ""],
    ]


def test_matrix_by_prd_narrowed_to_a_spec() -> None:
    _, rows = trace.matrix(Index(matrix_items()), "prd", ["S2"], None)
    assert rows_as_text(rows)[0] == ["PRD-A", "R1", "must", "S2::web", "S2", "ADR-2"]


def test_matrix_by_spec() -> None:
    headers, rows = trace.matrix(Index(matrix_items()), "spec", None, None)
    assert headers == ["Spec", "Version", "PRD (written against)", "Satisfies", "ADRs", "Items"]
    assert rows_as_text(rows) == [
        ["S1", "1.0", "PRD-A @1.2 (stale)", "R1", "ADR-1", "1"],
        ["S2", "2.0", "PRD-A", "R1", "ADR-2", "1"],
    ]


def test_matrix_by_adr() -> None:
    headers, rows = trace.matrix(Index(matrix_items()), "adr", None, None)
    assert headers == ["ADR", "Status", "Cited by", "Superseded by"]
    assert rows_as_text(rows) == [
        ["ADR-1", "accepted", "S1", ""],
        ["ADR-2", "superseded", "S2::web", "ADR-1"],
    ]
    _, narrowed = trace.matrix(Index(matrix_items()), "adr", ["S1"], None)
    assert rows_as_text(narrowed)[1] == ["ADR-2", "superseded", "", "ADR-1"]


def test_is_stale() -> None:
    index = Index(matrix_items())
    stale = {link.source.id: trace.is_stale(link) for link in trace.prd_pins(index)}
    assert stale == {"S1": True, "S2": False}
