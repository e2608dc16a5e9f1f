"""Table filters and sort orders (core/filters.py): the parser, the typed
comparisons, the sort order, and ``:filter:`` / ``:sort:`` in real builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build, write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.util.console import nocolor

from sphinxcontrib_techspec.core.filters import FilterError, compile_filter, field_names, parse_sort, sort_items
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item
from sphinxcontrib_techspec.core.subtypes import SUBTYPES

nocolor()


def make(kind: str, item_id: str, spec: str | None = "SPEC-A", **options: str) -> Item:
    item = build_item(KINDS[kind], item_id, {k.replace("_", "-"): v for k, v in options.items()}, "", "doc", 1)
    assert not item.problems, item.problems
    item.spec = spec
    return item


SLOS = [
    make("slo", "avail-999", sli="a", target="99.9%", window="30d"),
    make("slo", "avail-9995", sli="a", target="99.95%", window="1d"),
    make("slo", "avail-99", sli="a", target="99%", window="4w"),
    make("slo", "latency-p95", sli="l", target="p95 < 300ms", window="5m", component="checkout"),
    make("slo", "latency-p99", sli="l", target="p99 < 2s", window="1h", component="SPEC-B::checkout"),
    make("slo", "errors", sli="e", target="< 0.5%", window="7d"),
    make("slo", "throughput", sli="t", target=">= 500 rps", window="6d"),
]
COMPONENTS = [
    make("component", "checkout-api", depends_on="ledger, payments", owner="Team Checkout"),
    make("component", "invoicer", spec="SPEC-B", depends_on="SPEC-L::Ledger", owner="Team Billing"),
    make("component", "ledger", spec="SPEC-L", framework="Go"),
]
DATA = [
    make("data-class", "email", classification="PII", handling="encrypted"),
    make("data-class", "card token", classification="Sensitive", handling="vault"),
    make("data-class", "stock", classification="Public", handling="cache"),
]
ENDPOINTS = [
    make("api-endpoint", "GET /orders", component="checkout-api"),
    make("api-endpoint", "POST /orders", component="checkout-api", **{"async": "yes"}),
    make("api-endpoint", "PUT /orders/{id}", component="checkout-api"),
    make("api-endpoint", "DELETE /orders/{id}", component="checkout-api", **{"async": "no"}),
]
SPECS = [
    make("spec", "SPEC-A", version="1.9", status="draft", prd="PRD-1@2.0"),
    make("spec", "SPEC-B", version="1.10", status="current", prd="PRD-1@1.0, PRD-2"),
    make("spec", "SPEC-C", version="0.3", status="Review"),
    make("spec", "SPEC-D", version="2", status="deprecated", title="Delivery"),
]
SAMPLES = {"slo": SLOS, "component": COMPONENTS, "data-class": DATA, "api-endpoint": ENDPOINTS, "spec": SPECS}


def ids(kind: str, text: str) -> list[str]:
    return [item.id for item in compile_filter(kind, text).select(SAMPLES[kind])]


# -- every form the contract lists, as written --------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("slo", "target >= 99.9%", ["avail-999", "avail-9995"]),
        ("slo", "window < 7d", ["avail-9995", "latency-p95", "latency-p99", "throughput"]),
        ("component", "depends-on contains ledger", ["checkout-api", "invoicer"]),
        ("data-class", "classification == pii or classification == Sensitive", ["email", "card token"]),
        ("api-endpoint", "method == POST or method == PUT", ["POST /orders", "PUT /orders/{id}"]),
        ("spec", "not (status == draft)", ["SPEC-B", "SPEC-C", "SPEC-D"]),
    ],
)
def test_contract_forms(kind: str, text: str, expected: list[str]) -> None:
    assert ids(kind, text) == expected


# -- typed comparison -----------------------------------------------------------


def test_percentages_and_durations_compare_as_numbers() -> None:
    # 99.95 > 99.9 as numbers (as text, "99.95%" < "99.9%")
    assert ids("slo", "target > 99.9%") == ["avail-9995"]
    # 4w is 28 days: more than 27d, less than 30d (as text "4w" > "30d")
    assert ids("slo", "window > 27d and window < 30d") == ["avail-99"]
    assert ids("slo", "window == 1 d") == ["avail-9995"]  # words join: "1 d" is a duration too
    assert ids("slo", "window >= 168h") == ids("slo", "window >= 1w") == ["avail-999", "avail-99", "errors"]
    assert ids("slo", "error-budget-percent >= 1%") == ["avail-99", "latency-p95", "latency-p99"]
    assert ids("slo", "error-budget-seconds < 1h") == ["avail-999", "avail-9995"]


def test_targets_compare_within_their_family() -> None:
    # a latency target is no percentage: false, not an error, and not true for !=
    assert "latency-p95" not in ids("slo", "target >= 0%")
    assert "latency-p95" not in ids("slo", "target != 99.9%")
    assert ids("slo", "target != 99.9%") == ["avail-9995", "avail-99", "errors"]
    # durations, of any percentile, or of the one the literal names (quoted: it holds a '<')
    assert ids("slo", "target < 1s") == ["latency-p95"]
    assert ids("slo", "target <= 2s") == ["latency-p95", "latency-p99"]
    assert ids("slo", "target <= 'p99 < 5s'") == ["latency-p99"]
    assert ids("slo", 'target <= "p95 < 5s"') == ["latency-p95"]
    # an error-rate target is a percentage: 0.5 < 1
    assert ids("slo", "target < 1%") == ["errors"]
    assert ids("slo", "target >= 100 rps") == ["throughput"]
    assert ids("slo", "target >= 100 RPS") == ["throughput"]  # units are words: any case


def test_text_and_enums_compare_case_insensitively() -> None:
    assert ids("data-class", "classification == PII") == ids("data-class", "classification == pIi") == ["email"]
    assert ids("api-endpoint", "method == post") == ["POST /orders"]
    assert ids("component", "owner == team checkout") == ["checkout-api"]
    assert ids("component", "owner contains BILLING") == ["invoicer"]
    assert ids("spec", "status == review") == ["SPEC-C"]  # written "Review", stored "review"
    # the words of the grammar, and field names, in any case too
    assert ids("spec", "NOT (Status == draft) AND version >= 1") == ["SPEC-B", "SPEC-D"]


def test_lists_test_membership() -> None:
    assert ids("component", "depends-on contains payments") == ["checkout-api"]
    # a list is not a string: no substring match of "ledger" inside "ledgers"
    assert ids("component", "depends-on contains ledg") == []
    # a qualified reference SPEC::ID is named by its ID, or exactly
    assert ids("component", "depends-on contains spec-l::ledger") == ["invoicer"]
    assert ids("component", "depends-on == ledger") == ["checkout-api", "invoicer"]
    # != on a list: no entry equals; an item without the list has no value: false
    assert ids("component", "depends-on != payments") == ["invoicer"]
    assert ids("component", "not (depends-on contains payments)") == ["invoicer", "ledger"]
    assert ids("component", "depends-on matches pay*") == ["checkout-api"]
    assert ids("component", "depends-on in (payments, nothing)") == ["checkout-api"]


def test_pinned_references() -> None:
    assert ids("spec", "prd contains PRD-1") == ["SPEC-A", "SPEC-B"]
    assert ids("spec", "prd contains PRD-1@2.0") == ["SPEC-A"]
    assert ids("spec", "prd contains prd-1@2") == ["SPEC-A"]  # versions by version order: 2 is 2.0
    assert ids("spec", "prd contains PRD-2") == ["SPEC-B"]


def test_versions_booleans_and_meta_fields() -> None:
    assert ids("spec", "version > 1.9") == ["SPEC-B", "SPEC-D"]  # 1.10 is after 1.9
    assert ids("spec", "version == 2.0") == ["SPEC-D"]
    assert ids("api-endpoint", "async == yes") == ["POST /orders"]
    assert ids("api-endpoint", "async == no") == ["DELETE /orders/{id}"]  # absent is no value, not "no"
    assert ids("api-endpoint", "id == 'get /orders'") == ["GET /orders"]
    assert ids("api-endpoint", "path matches /orders/*") == ["PUT /orders/{id}", "DELETE /orders/{id}"]
    assert ids("spec", "title == delivery") == ["SPEC-D"]
    assert ids("spec", "title == spec-a") == ["SPEC-A"]  # the title is the ID when none is given
    assert ids("slo", "spec == spec-a and component == checkout") == ["latency-p95", "latency-p99"]
    assert ids("slo", "docname == doc") == [s.id for s in SLOS]


def test_other_operators() -> None:
    assert ids("api-endpoint", "method in (post, PUT)") == ["POST /orders", "PUT /orders/{id}"]
    assert ids("api-endpoint", "method = DELETE") == ["DELETE /orders/{id}"]
    assert ids("api-endpoint", "method ≠ GET and method != delete") == ["POST /orders", "PUT /orders/{id}"]
    assert ids("slo", "window ≤ 1h") == ids("slo", "window <= 1h") == ["latency-p95", "latency-p99"]
    assert ids("data-class", "classification matches p*") == ["email", "stock"]
    assert ids("data-class", "handling contains CRYPT") == ["email"]


def test_missing_values_never_match() -> None:
    # one SLO has a component, one a qualified one; the rest none
    assert ids("slo", "component == nothing") == []
    assert ids("slo", "component != nothing") == ["latency-p95", "latency-p99"]
    assert ids("slo", "not (component == nothing)") == [s.id for s in SLOS]


def test_precedence() -> None:
    # and binds tighter than or; not tighter than and
    assert ids("spec", "status == current or status == draft and version > 5") == ["SPEC-B"]
    assert ids("spec", "(status == current or status == draft) and version > 5") == []
    assert ids("spec", "not status == draft and version < 1") == ["SPEC-C"]
    assert ids("spec", "not (status == draft and version > 1)") == ["SPEC-B", "SPEC-C", "SPEC-D"]
    assert ids("spec", "not not status == draft") == ["SPEC-A"]
    assert ids("spec", "((status == draft))") == ["SPEC-A"]


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("slo", "window >= 99%", "'99%' fits no value of window: '99%' is not a duration"),
        ("data-class", "classification == secret", "'secret' fits no value of classification"),
        ("slo", "colour == red", "slo has no field 'colour' (fields: id, spec, title, docname, sli, target, window"),
        ("spec", "status < draft", "'<' compares numbers"),
        ("slo", "window contains 1d", "'contains' tests text or lists; window is a duration"),
        ("slo", "window matches 1*", "'matches' tests text or lists"),
        ("data-class", "classification matches x*", "no value of classification (PII, Sensitive, Public) matches"),
        ("data-class", "classification contains q", "no value of classification"),
        ("api-endpoint", "async == maybe", "'maybe' fits no value of async"),
        ("api-endpoint", "method in (GET, FETCH)", "'FETCH' fits no value of method"),
        ("slo", "target >= 300", "'300' fits no value of target"),
        ("slo", "", "the filter is empty"),
        ("slo", "   ", "the filter is empty"),
        ("slo", "(window < 1d", "expected ')', found the end"),
        ("slo", "window < 1d)", "unexpected ')' (column 12)"),
        ("slo", "window <", "expected a value after 'window <'"),
        ("slo", "== 1d", "expected a field name, found '=='"),
        ("slo", "window 1d", "expected a comparison after 'window'"),
        ("slo", "window < 1d and", "expected a field name, found the end"),
        ("slo", "window < 1d or or window > 1d", "expected a field name, found 'or'"),
        ("slo", "title == 'open", "the quote at column 10 is never closed"),
        ("slo", "title ! x", "unexpected '!' at column 7"),
        ("slo", "title == ''", "an empty value fits no field"),
        ("slo", "title == a 'b'", "unexpected \"'b'\""),
        ("slo", "window in (1d 2d", "expected ')'"),
        ("slo", "(" * 100 + "window < 1d" + ")" * 100, "nests more than 64 levels"),
        ("slo", "not " * 100 + "window < 1d", "nests more than 64 levels"),
    ],
)
def test_bad_filters_say_what_is_wrong(kind: str, text: str, message: str) -> None:
    with pytest.raises(FilterError) as error:
        compile_filter(kind, text)
    assert message in str(error.value)


def test_error_type_is_a_value_error() -> None:
    # callers that catch ValueError (every parser's error) catch it too
    assert issubclass(FilterError, ValueError)


def test_field_names_are_the_kind_declaration() -> None:
    for kind in KINDS.values():
        names = field_names(kind.name)
        assert names[:4] == ["id", "spec", "title", "docname"]
        assert set(names[4:]) == set(kind.shown) - {"title"}
        # every field can be compared with == to some literal without an error, and sorted by
        for name in names:
            parse_sort(kind.name, name)
    assert {"method", "path"} <= set(field_names("api-endpoint"))
    assert {"error-budget-percent", "error-budget-seconds"} <= set(field_names("slo"))


# -- sorting ------------------------------------------------------------------


def order(kind: str, text: str, items: list[Item] | None = None) -> list[str]:
    return [i.id for i in sort_items(items if items is not None else SAMPLES[kind], parse_sort(kind, text))]


def test_sort_typed_and_both_directions() -> None:
    assert order("slo", "window") == [
        "latency-p95",
        "latency-p99",
        "avail-9995",
        "throughput",
        "errors",
        "avail-99",
        "avail-999",
    ]
    assert order("slo", "-window") == order("slo", "window desc") == order("slo", "window")[::-1]
    assert order("slo", "window asc") == order("slo", "+window") == order("slo", "window")
    assert order("spec", "version") == ["SPEC-C", "SPEC-A", "SPEC-B", "SPEC-D"]  # 1.9 before 1.10
    # a closed vocabulary sorts in its declared order (the lifecycle), not alphabetically
    assert order("spec", "status") == ["SPEC-A", "SPEC-C", "SPEC-B", "SPEC-D"]


def test_sort_missing_last_and_stable() -> None:
    # only two SLOs have a component: they come first either way; the rest keep their order
    rest = ["avail-999", "avail-9995", "avail-99", "errors", "throughput"]
    assert order("slo", "component") == ["latency-p95", "latency-p99", *rest]
    assert order("slo", "-component") == ["latency-p99", "latency-p95", *rest]
    # equal keys keep the input order; the second key breaks ties
    assert order("slo", "sli") == ["avail-999", "avail-9995", "avail-99", "errors", "latency-p95", "latency-p99", "throughput"]
    assert order("slo", "sli, -window") == [
        "avail-999",
        "avail-99",
        "avail-9995",
        "errors",
        "latency-p99",
        "latency-p95",
        "throughput",
    ]
    reversed_input = list(reversed(SLOS))
    assert order("slo", "sli", reversed_input)[:3] == ["avail-99", "avail-9995", "avail-999"]


def test_sort_ids_naturally_and_targets_by_family() -> None:
    reqs = [make("requirement", f"REQ-{n}", prd="PRD-1") for n in (10, 9, 1, 100)]
    assert order("requirement", "id", reqs) == ["REQ-1", "REQ-9", "REQ-10", "REQ-100"]
    # targets group by unit, then percentile; within a group by value
    assert order("slo", "target") == [
        "errors",
        "avail-99",
        "avail-999",
        "avail-9995",
        "throughput",
        "latency-p95",
        "latency-p99",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus", "slo has no field 'bogus'"),
        ("window, , id", "empty entries are not allowed"),
        ("window sideways", "is not 'field', '-field', 'field asc' or 'field desc'"),
        ("-window desc", "is not 'field', '-field', 'field asc' or 'field desc'"),
        ("", "the sort order names no field"),
        ("window desc id", "is not 'field', '-field' or 'field desc'"),
    ],
)
def test_bad_sort_orders(text: str, message: str) -> None:
    with pytest.raises(FilterError) as error:
        parse_sort("slo", text)
    assert message in str(error.value)


# -- properties -----------------------------------------------------------------

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LITERALS = ["99.9%", "7d", "ledger", "PII", "post", "yes", "1.2", "2026-01-01", "p95 < 300ms", "'p99 < 2s'", '"a b"', "500 rps", "0", "-1", "x*", "1e400", "", "ünï"]
TOKENS = ["and", "or", "not", "(", ")", ",", "==", "=", "!=", "<", "<=", ">", ">=", "≤", "≠", "contains", "matches", "in", "!", "'", '"', *LITERALS]


def fields_of(kind: str) -> list[str]:
    return [*field_names(kind), "bogus", "Target", "depends_on"]


@st.composite
def filter_texts(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(sorted(SAMPLES)))
    names = fields_of(kind)
    parts = draw(
        st.lists(
            st.one_of(st.sampled_from(TOKENS), st.sampled_from(names), st.text(max_size=6)),
            max_size=14,
        )
    )
    return kind, " ".join(parts)


@st.composite
def comparisons(draw: st.DrawFn) -> tuple[str, str]:
    """Filters of the grammar's shape, many of them valid."""
    kind = draw(st.sampled_from(sorted(SAMPLES)))
    names = fields_of(kind)

    def one() -> str:
        name = draw(st.sampled_from(names))
        op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "contains", "matches"]))
        return f"{name} {op} {draw(st.sampled_from(LITERALS[:-2]))}"

    def expr(depth: int) -> str:
        shape = draw(st.integers(0, 3 if depth < 3 else 0))
        if shape == 0:
            return one()
        if shape == 1:
            return f"not ({expr(depth + 1)})"
        return f"({expr(depth + 1)}) {'and' if shape == 2 else 'or'} ({expr(depth + 1)})"

    return kind, expr(0)


@SETTINGS
@given(filter_texts())
def test_random_token_filters_raise_only_filter_error(case: tuple[str, str]) -> None:
    kind, text = case
    try:
        compiled = compile_filter(kind, text)
    except FilterError:
        return
    for item in SAMPLES[kind]:
        assert compiled(item) in (True, False)


@st.composite
def any_texts(draw: st.DrawFn) -> tuple[str, str]:
    """Any text at all, or text of a sort order's or a filter's shape (so that some of it parses)."""
    kind = draw(st.sampled_from(sorted(SAMPLES)))
    entry = st.tuples(
        st.sampled_from(["", "-", "+", " - ", "--"]),
        st.one_of(st.sampled_from(fields_of(kind)), st.text(max_size=4)),
        st.sampled_from(["", " asc", " DESC", " desc", " down", "  Asc "]),
    ).map("".join)
    sort_shaped = st.lists(entry, max_size=4).map(lambda entries: ",".join(entries))
    filter_shaped = st.tuples(
        st.sampled_from(["", " ", "\t"]),
        st.sampled_from(fields_of(kind)),
        st.sampled_from([" == ", " != ", " < ", " >= ", " contains ", " matches ", " "]),
        st.sampled_from(LITERALS),
        st.sampled_from(["", " ", "\n"]),
    ).map("".join)
    return kind, draw(st.one_of(st.text(max_size=40), sort_shaped, filter_shaped))


@SETTINGS
@given(any_texts())
def test_any_text_raises_only_filter_error(case: tuple[str, str]) -> None:
    """Any text either is refused with a FilterError that says why, or reads as what it says."""
    kind, text = case
    try:
        compiled = compile_filter(kind, text)
    except FilterError as error:
        assert str(error).strip()
    else:
        assert (compiled.kind, compiled.text) == (kind, text)
        for item in SAMPLES[kind]:
            assert compiled(item) in (True, False)
    try:
        keys = parse_sort(kind, text)
    except FilterError as error:
        assert str(error).strip()
        return
    # one key per comma-separated entry, each a field of the kind named (in any case) by its entry,
    # descending exactly when the entry says so
    entries = [e.strip() for e in text.split(",")]
    assert len(keys) == len(entries)
    for key, entry in zip(keys, entries, strict=True):
        assert key.field.name in field_names(kind)
        assert key.field.name in entry.lower()
        assert key.descending is (entry.startswith("-") or entry.split()[-1].lower() == "desc")
    # and the order written back in its plainest form reads as the same order
    plain = ", ".join(f"{'-' if key.descending else ''}{key.field.name}" for key in keys)
    assert [(k.field.name, k.descending) for k in parse_sort(kind, plain)] == [(k.field.name, k.descending) for k in keys]


@SETTINGS
@given(comparisons())
def test_not_is_the_complement(case: tuple[str, str]) -> None:
    kind, text = case
    try:
        compiled = compile_filter(kind, text)
    except FilterError:
        return
    negated = compile_filter(kind, f"not ({text})")
    for item in SAMPLES[kind]:
        assert negated(item) is (not compiled(item))
    kept = compiled.select(SAMPLES[kind])
    dropped = negated.select(SAMPLES[kind])
    assert sorted(i.id for i in kept + dropped) == sorted(i.id for i in SAMPLES[kind])


@SETTINGS
@given(st.sampled_from(sorted(SAMPLES)), st.data())
def test_sort_is_a_stable_permutation(kind: str, data: st.DataObject) -> None:
    names = data.draw(st.lists(st.sampled_from(field_names(kind)), min_size=1, max_size=3))
    signs = data.draw(st.lists(st.sampled_from(["", "-"]), min_size=len(names), max_size=len(names)))
    items = data.draw(st.permutations(SAMPLES[kind]))
    keys = parse_sort(kind, ", ".join(s + n for s, n in zip(signs, names, strict=True)))
    out = sort_items(items, keys)
    assert sorted(map(id, out)) == sorted(map(id, items))
    # sorting again by the same keys changes nothing (a stable sort of a sorted list)
    assert sort_items(out, keys) == out


def test_subtypes_are_documented() -> None:
    assert "bad-filter" in SUBTYPES and "bad-sort" in SUBTYPES


# -- real builds ------------------------------------------------------------------

SPEC_COUNT = 6  # Sphinx reads in parallel only with more than five documents
TARGETS = ["99.9%", "99.95%", "99%", "p95 < 300ms", "99.99%", "< 0.5%"]
WINDOWS = ["30d", "6d", "4w", "5m", "7d", "6d"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "GET"]
CLASSIFICATIONS = ["PII", "Sensitive", "Public"]


def spec_page(n: int, status: str | None = None, target: str | None = None) -> str:
    ledger = "\n\n    .. component:: ledger\n       :framework: Go" if n == 0 else ""
    depends = "SPEC-0::ledger" if n % 2 else f"svc-{max(n - 1, 0)}x"
    return f"""
    Spec {n}
    ======

    .. spec:: SPEC-{n}
       :version: 1.{n}
       :status: {status or ("draft" if n % 2 == 0 else "current")}
       :prd: PRD-1@1.0

    .. component:: svc-{n}
       :depends-on: {depends}
       :satisfies: REQ-{n}{ledger}

    .. component:: svc-{n}x

    .. sli:: sli-{n}

    .. slo:: slo-{n}
       :sli: sli-{n}
       :target: {target or TARGETS[n]}
       :window: {WINDOWS[n]}

    .. data-class:: dc-{n}
       :classification: {CLASSIFICATIONS[n % 3]}
       :handling: encrypted

    .. api-endpoint:: {METHODS[n]} /r{n}
       :component: svc-{n}

    .. requirement:: REQ-{n}
       :prd: PRD-1
       :priority: {"must" if n < 3 else "could"}
    """


#: (directive argument, option lines) of every table on the overview, in order
TABLES = [
    ("slo", [":filter: target >= 99.9%", ":sort: -target"]),
    ("slo", [":filter: window < 7d", ":columns: id, window"]),
    ("component", [":filter: depends-on contains ledger"]),
    ("data-class", [":filter: classification == pii or classification == Sensitive", ":sort: classification, -id"]),
    ("api-endpoint", [":filter: method == POST or method == PUT"]),
    ("spec", [":filter: not (status == draft)", ":sort: -version"]),
    ("slo", [":filter: target >= 100 rps"]),  # matches nothing: an empty table and a note
    ("slo", [":filter: window >= 99%"]),  # a literal no window can be: a warning, no rows
    ("slo", [":sort: colour"]),  # no such field: a warning, no rows
]
MATRIX = [":rows: spec", ":filter: status == current", ":sort: -version"]


def rst_directive(name: str, argument: str, options: list[str]) -> str:
    head = f".. {name}:: {argument}".rstrip()
    return "\n".join([head, *(f"   {o}" for o in options)]) + "\n"


def myst_directive(name: str, argument: str, options: list[str], colon: bool) -> str:
    fence = ":::" if colon else "```"
    return "\n".join([f"{fence}{{{name}}} {argument}".rstrip(), *options, fence]) + "\n"


def overview_rst() -> str:
    blocks = [rst_directive("techspec-table", kind, options) for kind, options in TABLES]
    blocks.append(rst_directive("traceability-matrix", "", MATRIX))
    return "Overview\n========\n\n" + "\n".join(blocks)


def overview_md() -> str:
    blocks = [myst_directive("techspec-table", kind, options, n % 2 == 1) for n, (kind, options) in enumerate(TABLES)]
    blocks.append(myst_directive("traceability-matrix", "", MATRIX, False))
    return "# Overview\n\n" + "\n".join(blocks)


CONF = """\
project = "filters"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header", "techspec.pii-without-retention", "techspec.unused-sli", "techspec.uncited-adr"]
show_warning_types = True
"""


def files(**specs: str) -> dict[str, str]:
    pages = {f"spec{n}.rst": spec_page(n) for n in range(SPEC_COUNT)}
    pages.update(specs)
    return {
        "conf.py": CONF,
        "index.rst": "Index\n=====\n\n.. toctree::\n\n   overview\n   overview_md\n   prd\n"
        + "".join(f"   spec{n}\n" for n in range(SPEC_COUNT)),
        "overview.rst": overview_rst(),
        "overview_md.md": overview_md(),
        "prd.rst": "PRD\n===\n\n.. prd:: PRD-1\n   :version: 1.0\n",
        **pages,
    }


def page_tables(html: str) -> list[list[list[str]]]:
    """Every aggregate table of a page as rows of cell texts (the header row first)."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]
        for table in soup.select("table.techspec-table")
    ]


def first_column(table: list[list[str]]) -> list[str]:
    return [row[0] for row in table[1:]]


def notes(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [p.get_text(" ", strip=True) for p in soup.select("p.techspec-empty")]


def test_filtered_tables_in_rst_and_myst(tmp_path: Path) -> None:
    result = build(write_project(tmp_path / "src", files()))
    rst, md = page_tables(result.html("overview")), page_tables(result.html("overview_md"))
    assert rst == md
    assert [first_column(t) for t in rst] == [
        ["slo-4", "slo-1", "slo-0"],
        ["slo-1", "slo-3", "slo-5"],
        ["svc-1", "svc-3", "svc-5"],
        ["dc-3", "dc-0", "dc-4", "dc-1"],
        ["POST /r1", "PUT /r2"],
        ["SPEC-5", "SPEC-3", "SPEC-1"],
        [],  # the empty table: its header only
        ["SPEC-5", "SPEC-3", "SPEC-1"],  # the matrix, filtered and sorted
    ]
    assert rst[1][0] == ["SLO", "Window"] and rst[1][1] == ["slo-1", "6d"]
    assert rst[6][0][:2] == ["SLO", "Spec"]
    for html in (result.html("overview"), result.html("overview_md")):
        assert notes(html) == [
            "No SLO items match the filter: target >= 100 rps",
            "(no table: its :filter: is not valid; see the build warning)",
            "(no table: its :sort: is not valid; see the build warning)",
        ]
    # the two bad options warn where their directives are, in both syntaxes; nothing else warns
    rst_lines = overview_rst().splitlines()
    md_lines = overview_md().splitlines()
    bad_filter = next(i for i, line in enumerate(rst_lines, 1) if "window >= 99%" in line) - 1
    bad_sort = next(i for i, line in enumerate(rst_lines, 1) if "colour" in line) - 1
    md_filter = next(i for i, line in enumerate(md_lines, 1) if "window >= 99%" in line) - 1
    md_sort = next(i for i, line in enumerate(md_lines, 1) if "colour" in line) - 1
    located = sorted((name, line, kind) for name, line, _, kind in result.located())
    assert located == [
        ("overview.rst", bad_filter, "techspec.bad-filter"),
        ("overview.rst", bad_sort, "techspec.bad-sort"),
        ("overview_md.md", md_filter, "techspec.bad-filter"),
        ("overview_md.md", md_sort, "techspec.bad-sort"),
    ]
    assert "'99%' fits no value of window" in result.warnings
    assert "slo has no field 'colour' (fields: id, spec, title, docname, sli, target, window" in result.warnings
    # the warning the Aggregates guide shows is the one the build prints, word for word
    guide = (Path(__file__).parent.parent / "example_docs" / "guide" / "aggregates.md").read_text(encoding="utf-8")
    (shown,) = [line for line in guide.splitlines() if "WARNING: techspec-table: :filter: 'window >= 99%'" in line]
    assert shown.partition(" WARNING: ")[2] in result.warnings


def test_filtered_table_follows_an_incremental_edit(tmp_path: Path) -> None:
    """An edited SLO enters the filtered table, an edited spec leaves one; as a clean build shows."""
    from test_build_incremental import main_body

    srcdir = write_project(tmp_path / "incremental", files())
    build(srcdir)
    edited = {
        "spec2.rst": spec_page(2, target="99.999%"),
        "spec3.rst": spec_page(3, status="draft"),
    }
    write_project(srcdir, edited, CONF)
    again = build(srcdir)
    # incremental: only the two edited specs are read again
    assert "0 added, 2 changed, 0 removed" in again.app._status.getvalue()  # type: ignore[attr-defined]
    clean = build(write_project(tmp_path / "clean", files(**edited)))
    for page in ("overview", "overview_md"):
        assert main_body(again.html(page)) == main_body(clean.html(page))
    tables = page_tables(again.html("overview"))
    assert first_column(tables[0]) == ["slo-2", "slo-4", "slo-1", "slo-0"]
    assert first_column(tables[5]) == ["SPEC-5", "SPEC-1"]
    assert first_column(tables[7]) == ["SPEC-5", "SPEC-1"]
    assert sorted(clean.subtypes()) == ["bad-filter", "bad-filter", "bad-sort", "bad-sort", "tiny-error-budget"]
    # the overviews were not read again: their warnings were given by the first build
    assert again.subtypes() == ["tiny-error-budget"]


def test_filtered_tables_in_a_parallel_build(tmp_path: Path) -> None:
    from test_build_incremental import main_body

    serial = build(write_project(tmp_path / "serial", files()))
    parallel = build(write_project(tmp_path / "parallel", files()), parallel=2)
    status = parallel.app._status.getvalue()  # type: ignore[attr-defined]
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", status)
    for page in ("overview", "overview_md"):
        assert main_body(parallel.html(page)) == main_body(serial.html(page))
    assert first_column(page_tables(parallel.html("overview"))[0]) == ["slo-4", "slo-1", "slo-0"]
    assert sorted(parallel.subtypes()) == sorted(serial.subtypes())


def test_both_table_writers_show_the_same_filtered_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinxcontrib_techspec.sphinx import aggregates
    from sphinxcontrib_techspec.sphinx.render import table

    direct = build(write_project(tmp_path / "direct", files()))
    monkeypatch.setattr(
        aggregates.AggregateTransform,
        "table",
        lambda self, headers, rows, classes: table(headers, rows, classes, self.link),
    )
    as_nodes = build(write_project(tmp_path / "nodes", files()))
    soup = BeautifulSoup(direct.html("overview"), "html.parser")
    expected = BeautifulSoup(as_nodes.html("overview"), "html.parser")
    got = [t.prettify() for t in soup.select("table.techspec-table")]
    assert got == [t.prettify() for t in expected.select("table.techspec-table")]
    assert len(got) == 8


def test_filtered_table_in_the_text_builder(tmp_path: Path) -> None:
    """Builders other than HTML get the same rows (and the empty table) as docutils nodes."""
    result = build(write_project(tmp_path / "src", files()), "text")
    text = (result.outdir / "overview.txt").read_text()
    first = text[: text.index("svc-1")]
    assert re.findall(r"slo-\d", first)[:3] == ["slo-4", "slo-1", "slo-0"]
    assert "No SLO items match the filter: target >= 100 rps" in text


def test_matrix_rows_are_filtered_and_sorted_by_their_items() -> None:
    from sphinxcontrib_techspec.core import trace
    from sphinxcontrib_techspec.core.index import Index

    items = [
        make("adr", "ADR-1", spec=None, status="accepted", date="2024-01-02"),
        make("adr", "ADR-2", spec=None, status="superseded", superseded_by="ADR-3"),
        make("adr", "ADR-3", spec=None, status="accepted", date="2025-03-01"),
        make("requirement", "REQ-1", spec=None, prd="PRD-1", priority="could"),
        make("requirement", "REQ-2", spec=None, prd="PRD-1", priority="must"),
        make("requirement", "REQ-10", spec=None, prd="PRD-1", priority="must"),
    ]
    index = Index(items)

    def rows(kind: str, pivot: str, text: str, sort: str) -> list[str]:
        where, order = compile_filter(kind, text), parse_sort(kind, sort)
        _, cells = trace.matrix(index, pivot, None, None, lambda found: sort_items(where.select(found), order))
        column = 0 if pivot == "adr" else 1
        return [row[column][0].text for row in cells]  # type: ignore[union-attr]

    assert rows("adr", "adr", "status == accepted", "-date") == ["ADR-3", "ADR-1"]
    assert rows("adr", "adr", "date >= 2025-01-01 or superseded-by == adr-3", "id") == ["ADR-2", "ADR-3"]
    assert rows("requirement", "prd", "priority == must", "id") == ["REQ-2", "REQ-10"]
    assert rows("requirement", "prd", "not (priority == must)", "-id") == ["REQ-1"]


def test_matrix_with_an_unknown_pivot_warns(tmp_path: Path) -> None:
    result = build(
        write_project(
            tmp_path / "src",
            {
                "index.rst": """
                Index
                =====

                .. prd:: PRD-1
                   :version: 1.0

                .. requirement:: REQ-1
                   :prd: PRD-1
                   :priority: must

                .. requirement:: REQ-2
                   :prd: PRD-1
                   :priority: could

                .. traceability-matrix::
                   :rows: specs
                   :filter: priority == must
                """,
            },
        )
    )
    assert [(line, kind) for _, line, _, kind in result.located() if kind != "techspec.uncovered-requirement"] == [
        (15, "techspec.bad-value")
    ]
    assert ":rows: 'specs' is not one of prd, spec, adr" in result.warnings
    # read as the default pivot, by requirement, whose filter it was written for
    assert [row[1] for row in page_tables(result.html("index"))[0][1:]] == ["REQ-1"]


def test_long_filters_wrap_and_yaml_options_work(tmp_path: Path) -> None:
    """A reST filter may go on over more-indented lines; MyST's YAML options block takes one too."""
    pages = files()
    pages["overview.rst"] = (
        "Overview\n========\n\n.. techspec-table:: slo\n"
        "   :filter: target >= 99.9%\n      or window < 7d\n      and not (target == 99.95%)\n   :sort: id\n"
    )
    pages["overview_md.md"] = (
        "# Overview\n\n```{techspec-table} slo\n---\n"
        "filter: 'target >= 99.9% or window < 7d and not (target == 99.95%)'\nsort: id\n---\n```\n"
    )
    result = build(write_project(tmp_path / "src", pages))
    assert result.subtypes() == []
    rst, md = page_tables(result.html("overview")), page_tables(result.html("overview_md"))
    # and binds tighter than or: slo-1 (99.95% over 6d) is kept by the first alternative
    assert [first_column(t) for t in rst] == [first_column(t) for t in md] == [["slo-0", "slo-1", "slo-3", "slo-4", "slo-5"]]
