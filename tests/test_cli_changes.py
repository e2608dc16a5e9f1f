"""core/changes.py: planted changes, each classified as a reviewer would; no pair of exports makes it raise."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinxcontrib_techspec.core import changes, export
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item

SPEC = ("spec", "SPEC-A", {"version": "1.0", "status": "current", "api-version": "1.0", "schema-version": "1.0"})


def make(kind: str, item_id: str, options: dict[str, str] | None = None, body: str = "", spec: str = "SPEC-A") -> Item:
    item = build_item(KINDS[kind], item_id, options or {}, body, "specs/a", 1)
    item.spec = None if kind == "spec" else spec
    return item


def index(*rows: tuple) -> Index:
    return Index(make(*row) for row in rows)


EP = ("api-endpoint", "GET /orders", {"errors": "E404"})
EP_ASYNC = ("api-endpoint", "GET /orders", {"errors": "E404", "async": "yes"})
E404 = ("error-code", "E404", {"http-status": "404"})
E404_410 = ("error-code", "E404", {"http-status": "410"})
ORDER = ("data-schema", "Order", {}, "id: str\nnote: Optional[str] = None")
ORDER_REQUIRED = ("data-schema", "Order", {}, "id: str\nnote: Optional[str] = None\ntotal: int")
ORDER_OPTIONAL = ("data-schema", "Order", {}, "id: str\nnote: Optional[str] = None\ncoupon: Optional[str] = None")
ORDER_NO_NOTE = ("data-schema", "Order", {}, "id: str")
ORDER_ID_INT = ("data-schema", "Order", {}, "id: int\nnote: Optional[str] = None")
TABLE = ("db-table", "orders", {}, "CREATE TABLE orders (id SERIAL PRIMARY KEY, total NUMERIC(10, 2))")
TABLE_DROPPED = ("db-table", "orders", {}, "CREATE TABLE orders (id SERIAL PRIMARY KEY)")
TABLE_ADDED = ("db-table", "orders", {}, "CREATE TABLE orders (id SERIAL PRIMARY KEY, total NUMERIC(10, 2), note TEXT)")


def slo(target: str, window: str = "30d") -> tuple:
    return ("slo", "orders-slo", {"sli": "avail", "target": target, "window": window})


API = ("component", "api", {"owner": "Team A"})
WEB = ("component", "web", {"depends-on": "api"})
RETRY = ("retry-policy", "web-retries", {"max-retries": "3", "base": "1s", "component": "web"})  # waits 1+2+4 = 7s


def timeout(value: str) -> tuple:
    return ("timeout", "orders-query", {"value": value, "component": "api"})


# (what a reviewer sees, old items, new items, expected class)
PLANTED = [
    ("endpoint removed", [EP, E404], [E404], "breaking"),
    ("error code removed", [E404], [], "breaking"),
    ("endpoint added", [E404], [EP, E404], "compatible"),
    ("required schema field added", [ORDER], [ORDER_REQUIRED], "breaking"),
    ("optional schema field added", [ORDER], [ORDER_OPTIONAL], "compatible"),
    ("schema field removed", [ORDER], [ORDER_NO_NOTE], "breaking"),
    ("schema field retyped", [ORDER], [ORDER_ID_INT], "breaking"),
    ("column dropped", [TABLE], [TABLE_DROPPED], "breaking"),
    ("column added", [TABLE], [TABLE_ADDED], "compatible"),
    ("availability target lowered", [slo("99.9%")], [slo("99%")], "breaking"),
    ("availability target raised", [slo("99%")], [slo("99.9%")], "compatible"),
    ("latency threshold raised", [slo("p95 < 400ms")], [slo("p95 < 800ms")], "breaking"),
    ("latency threshold lowered", [slo("p95 < 800ms")], [slo("p95 < 400ms")], "compatible"),
    ("latency percentile lowered", [slo("p99 < 400ms")], [slo("p95 < 400ms")], "breaking"),
    ("error-rate ceiling raised", [slo("< 0.5%")], [slo("< 1%")], "breaking"),
    ("target changed shape", [slo("99.9%")], [slo("p95 < 400ms")], "breaking"),
    ("window longer", [slo("99.9%", "7d")], [slo("99.9%", "30d")], "breaking"),
    ("window shorter", [slo("99.9%", "30d")], [slo("99.9%", "7d")], "compatible"),
    ("target holds at a lighter load", [slo("p95 < 300ms at 200 rps")], [slo("p95 < 300ms at 50 rps")], "breaking"),
    ("target holds at a heavier load", [slo("p95 < 300ms at 50 rps")], [slo("p95 < 300ms at 200 rps")], "compatible"),
    ("target now holds only at a load", [slo("p95 < 300ms")], [slo("p95 < 300ms at 200 rps")], "breaking"),
    ("target's load condition dropped", [slo("p95 < 300ms at 200 rps")], [slo("p95 < 300ms")], "compatible"),
    ("the same target, its metric named", [slo("99.9%")], [slo("99.9% availability")], "compatible"),
    ("timeout shortened below a caller's retries", [API, WEB, RETRY, timeout("10s")], [API, WEB, RETRY, timeout("5s")], "breaking"),
    ("timeout shortened, still above the caller's retries", [API, WEB, RETRY, timeout("10s")], [API, WEB, RETRY, timeout("8s")], "compatible"),
    ("timeout shortened, nobody calls", [API, timeout("10s")], [API, timeout("1s")], "compatible"),
    ("timeout lengthened", [API, WEB, RETRY, timeout("5s")], [API, WEB, RETRY, timeout("10s")], "compatible"),
    ("error code's status changed", [E404], [E404_410], "breaking"),
    ("endpoint made async", [EP, E404], [EP_ASYNC, E404], "breaking"),
    ("signature changed", [("service-interface", "Orders", {}, "def get(self, id: str) -> Order: ...")],
     [("service-interface", "Orders", {}, "def get(self, id: int) -> Order: ...")], "breaking"),
    ("component's owner changed", [API], [("component", "api", {"owner": "Team B"})], "editorial"),
    ("prose reworded", [("component", "api", {}, "Serves orders.")], [("component", "api", {}, "Serves the orders.")], "editorial"),
    ("title changed", [("adr", "ADR-1", {"status": "accepted", "title": "Use PG"})],
     [("adr", "ADR-1", {"status": "accepted", "title": "Use PostgreSQL"})], "editorial"),
    ("dependency added", [API, ("component", "db", {})], [("component", "api", {"owner": "Team A", "depends-on": "db"}), ("component", "db", {})], "compatible"),
    ("retention removed", [("retention", "email", {"period": "1y", "strategy": "purge"})], [], "compatible"),
]


@pytest.mark.parametrize(("old", "new", "expected"), [row[1:] for row in PLANTED], ids=[row[0] for row in PLANTED])
def test_planted_change_is_classified(old: list[tuple], new: list[tuple], expected: str) -> None:
    before = {make(*r).key for r in old}
    after = {make(*r).key for r in new}
    report = changes.compare(index(SPEC, *old), index(SPEC, *new))
    # only the planted item changed: every other item is the same on both sides
    assert len(report.changes) == 1, [(c.kind, c.id, c.cls) for c in report.changes]
    change = report.changes[0]
    assert change.cls == expected, change
    key = (change.kind, None if KINDS[change.kind].project_scoped else change.spec, change.id)
    assert change.change == ("added" if key not in before else "removed" if key not in after else "changed")
    if change.change == "changed":
        assert change.fields and max(change.fields, key=lambda f: changes._RANK[f.cls]).cls == expected


def test_change_kinds_are_named() -> None:
    report = changes.compare(index(SPEC, EP, E404), index(SPEC, ("error-code", "E500", {"http-status": "500"}), E404_410))
    got = {(c.kind, c.id): c.change for c in report.changes}
    assert got == {("api-endpoint", "GET /orders"): "removed", ("error-code", "E500"): "added", ("error-code", "E404"): "changed"}
    changed = next(c for c in report.changes if c.change == "changed")
    assert [(f.field, f.old, f.new) for f in changed.fields] == [("http-status", 404, 410)]  # typed values, not strings


def spec_with(api: str, schema: str = "1.0") -> tuple:
    return ("spec", "SPEC-A", {"version": "1.0", "status": "current", "api-version": api, "schema-version": schema})


@pytest.mark.parametrize(
    ("old_spec", "new_spec", "findings"),
    [
        (spec_with("1.0"), spec_with("1.1"), ["api-version"]),  # a minor bump does not announce a break
        (spec_with("1.0"), spec_with("2.0"), []),
        (spec_with("v1.4.2"), spec_with("v2.0.0"), []),
        (spec_with("1.0", "1.0"), spec_with("2.0", "1.0"), []),  # the endpoint is under api-version
        (("spec", "SPEC-A", {"version": "1.0", "status": "current"}), ("spec", "SPEC-A", {"version": "2.0", "status": "current"}), ["api-version"]),
    ],
)
def test_breaking_change_needs_a_major_bump(old_spec: tuple, new_spec: tuple, findings: list[str]) -> None:
    report = changes.compare(index(old_spec, EP, E404), index(new_spec, E404))
    assert [f.version for f in report.findings] == findings
    for finding in report.findings:
        assert finding.spec == "SPEC-A" and [(c.kind, c.id) for c in finding.changes] == [("api-endpoint", "GET /orders")]


def test_data_breaks_need_a_schema_version_bump() -> None:
    report = changes.compare(index(spec_with("1.0", "1.0"), ORDER), index(spec_with("2.0", "1.1"), ORDER_REQUIRED))
    assert [(f.version, f.old, f.new) for f in report.findings] == [("schema-version", "1.0", "1.1")]
    assert "1.0 -> 1.1" in report.findings[0].message
    fixed = changes.compare(index(spec_with("1.0", "1.0"), ORDER), index(spec_with("1.0", "2.0"), ORDER_REQUIRED))
    assert fixed.findings == []


def test_items_of_different_specs_are_not_confused() -> None:
    old = Index([make(*SPEC), make("component", "api", {"owner": "A"}, spec="SPEC-A"), make("component", "api", {"owner": "B"}, spec="SPEC-B")])
    new = Index([make(*SPEC), make("component", "api", {"owner": "A"}, spec="SPEC-A")])
    report = changes.compare(old, new)
    assert [(c.spec, c.id, c.change) for c in report.changes] == [("SPEC-B", "api", "removed")]


def test_other_projects_are_refused_unless_asked() -> None:
    with pytest.raises(changes.OtherProject, match="different projects"):
        changes.compare(index(SPEC), index(SPEC), "shop", "bank")
    assert changes.compare(index(SPEC), index(SPEC, E404), "shop", "bank", any_project=True).changes


# -- Hypothesis: no pair of exports makes diff raise -------------------------------------------------

_TEXTS = st.sampled_from(["", "x", "1", "0", "99.9%", "p95 < 400ms", "< 1%", "30d", "-1", "yes", "no", "a, b", "E1", "api",
                          "TODO(x)", "1.0", "2.0", "v3", "GET", "404", "Optional[str]", "exponential", "400ms", "1e309"])
_BODIES = st.sampled_from(["", "id: str", "id: str\nx: Optional[int] = 1", "CREATE TABLE t (id int, y text)", "prose", "CREATE TABLE t ("])


@st.composite
def items(draw: st.DrawFn) -> Item:
    kind = draw(st.sampled_from(sorted(KINDS)))
    declared = KINDS[kind]
    names = draw(st.lists(st.sampled_from([f.name for f in declared.fields]), max_size=4, unique=True))
    options = {name: draw(_TEXTS) for name in names}
    item_id = draw(st.sampled_from(["GET /a", "POST /b", "x", "SPEC-A", "E1"]))
    item = build_item(declared, item_id, options, draw(_BODIES), draw(st.sampled_from(["a", "b/c"])), draw(st.integers(1, 50)))
    item.spec = draw(st.sampled_from([None, "SPEC-A", "SPEC-B"])) if kind != "spec" else None
    return item


def exported(entries: list[Item]) -> tuple[str, Index]:
    """Through the real export and back, as diff reads files."""
    data = json.loads(export.dumps(export.export(Index(entries), "p")))
    return export.read(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(items(), max_size=8), st.lists(items(), max_size=8))
def test_no_pair_of_exports_makes_diff_raise(old: list[Item], new: list[Item]) -> None:
    (p1, a), (p2, b) = exported(old), exported(new)
    report = changes.compare(a, b, p1, p2)
    for writer in changes.REPORT_FORMATS.values():
        assert isinstance(writer(report), str)
    data = json.loads(changes.as_json(report))
    assert {c["change"] for c in data["changes"]} <= {"added", "removed", "changed"}
    assert {c["class"] for c in data["changes"]} <= {"breaking", "compatible", "editorial"}
    # a finding is always about breaking changes
    assert all(c.cls == "breaking" for f in report.findings for c in f.changes)
    # an export compared with itself has no changes
    assert changes.compare(a, a).changes == []
