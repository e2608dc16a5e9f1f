"""Kind declarations and build_item: every problem recorded, the item always kept."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from sphinxcontrib_techspec.core.kinds import COMMON_NAMES, KINDS, SECTIONS
from sphinxcontrib_techspec.core.model import Item, build_item, split_target


def build(kind: str, item_id: str, options: dict[str, str] | None = None, body: str = "") -> Item:
    return build_item(KINDS[kind], item_id, options or {}, body, "specs/checkout", 7)


def subtypes(item: Item) -> list[str]:
    return [p.subtype for p in item.problems]


def test_the_contract_kinds_are_declared() -> None:
    expected = {
        "spec",
        "prd",
        "requirement",
        "adr",
        "component",
        "api-endpoint",
        "service-interface",
        "data-schema",
        "error-code",
        "db-table",
        "migration",
        "retention",
        "sli",
        "slo",
        "circuit-breaker",
        "retry-policy",
        "timeout",
        "auth",
        "data-class",
        "secret",
        "audit-event",
        "test-strategy",
        "benchmark",
        "quality-gate",
    }
    assert set(KINDS) == expected


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_well_formed(kind: str) -> None:
    declaration = KINDS[kind]
    names = [f.name for f in declaration.fields]
    assert len(names) == len(set(names)), "field names are unique"
    assert COMMON_NAMES <= set(names), "every kind has satisfies and decided-by"
    assert declaration.section in SECTIONS
    assert all(f.ref is None or f.ref in KINDS for f in declaration.fields)
    valid = set(names) | {f.name for f in declaration.derived_fields}
    assert set(declaration.default_columns) <= valid
    assert declaration.doc and all(f.doc for f in declaration.fields)


def test_project_scoped_kinds() -> None:
    assert {k for k, d in KINDS.items() if d.project_scoped} == {"spec", "prd", "requirement", "adr"}


def test_missing_required_option() -> None:
    item = build("slo", "checkout-availability", {"target": "99.9%"})
    missing = [p for p in item.problems if p.subtype == "missing-option"]
    assert sorted(p.message.split(":")[-2] for p in missing) == ["sli", "window"]
    assert item.id == "checkout-availability"
    assert item.fields["target"]["value"] == 99.9
    assert all(p.docname == "specs/checkout" and p.lineno == 7 for p in item.problems)


def test_empty_required_option_is_reported_once_as_missing() -> None:
    item = build("error-code", "E-PAYMENT", {"http-status": ""})
    assert subtypes(item) == ["missing-option"]
    assert "http-status" not in item.fields


def test_unknown_option() -> None:
    item = build("sli", "availability", {"kind": "availability", "colour": "blue"})
    assert subtypes(item) == ["unknown-option"]
    assert ":colour:" in item.problems[0].message
    assert "known: kind, description" in item.problems[0].message
    assert item.fields == {"kind": "availability"}
    assert item.raw["colour"] == "blue"


def test_bad_choice() -> None:
    item = build("retry-policy", "payments", {"max-retries": "3", "backoff": "Bogus"})
    assert subtypes(item) == ["bad-choice"]
    assert "'Bogus' is not one of: exponential, linear, constant" in item.problems[0].message
    assert item.fields["max-retries"] == 3
    assert "backoff" not in item.fields
    assert item.raw["backoff"] == "Bogus"


def test_choice_is_stored_as_declared() -> None:
    item = build("data-class", "email", {"classification": "pii", "handling": "encrypted at rest"})
    assert item.problems == []
    assert item.fields["classification"] == "PII"


def test_bad_value() -> None:
    item = build("slo", "s", {"sli": "availability", "target": "most of the time", "window": "30 days"})
    assert subtypes(item) == ["bad-value", "bad-value"]
    assert item.fields == {"sli": "availability"}
    assert item.raw == {"sli": "availability", "target": "most of the time", "window": "30 days"}


def test_bad_choice_inside_a_list() -> None:
    item = build("spec", "SPEC-A", {"version": "1.0", "status": "draft", "prd": "PRD-A@one"})
    assert subtypes(item) == ["bad-value"]
    assert item.fields["prd"] == []


def test_empty_list_entries() -> None:
    item = build("component", "api", {"depends-on": "db, , cache,"})
    assert subtypes(item) == ["empty-entry"]
    assert "2 empty list entries" in item.problems[0].message
    assert item.fields["depends-on"] == ["db", "cache"]
    single = build("component", "api", {"depends-on": "db,,cache"})
    assert "1 empty list entry" in single.problems[0].message


def test_item_keeps_id_title_raw_and_body() -> None:
    item = build("adr", " ADR-7 ", {"status": "Accepted", "title": "Use Postgres", "date": "2026-01-05"}, "Because.")
    assert item.id == "ADR-7"
    assert item.title == "Use Postgres"
    assert item.body == "Because."
    assert item.raw["status"] == "Accepted"
    assert item.fields == {"status": "accepted", "title": "Use Postgres", "date": "2026-01-05"}
    assert build("sli", "latency").title == "latency"


def test_none_option_values_are_empty_flags() -> None:
    item = build("api-endpoint", "POST /orders", {"async": None})  # type: ignore[dict-item]
    assert item.fields["async"] is True
    assert item.raw["async"] == ""


def test_pins_are_stripped_into_item_pins() -> None:
    item = build("component", "api", {"depends-on": "db@3f2a9c, cache", "decided-by": "ADR-1@1.2"})
    assert item.problems == []
    assert item.fields["depends-on"] == ["db", "cache"]
    assert item.fields["decided-by"] == ["ADR-1"]
    assert item.pins == {"depends-on": {"db": "3f2a9c"}, "decided-by": {"ADR-1": "1.2"}}
    assert item.raw["depends-on"] == "db@3f2a9c, cache"
    refs = item.references()
    assert ("depends-on", "component", "db", "3f2a9c") in refs
    assert ("depends-on", "component", "cache", None) in refs
    assert ("decided-by", "adr", "ADR-1", "1.2") in refs


def test_single_reference_pin() -> None:
    item = build("slo", "s", {"sli": "availability@abc", "target": "99%", "window": "7d"})
    assert item.fields["sli"] == "availability"
    assert item.pins == {"sli": {"availability": "abc"}}


def test_spec_prd_versions_stay_in_the_field() -> None:
    item = build("spec", "SPEC-A", {"version": "v1.2", "status": "draft", "prd": "PRD-A@1.2, PRD-B"})
    assert item.problems == []
    assert item.fields["version"] == "1.2"
    assert item.fields["prd"] == [{"id": "PRD-A", "version": "1.2"}, {"id": "PRD-B", "version": None}]
    assert item.pins == {}
    assert ("prd", "prd", "PRD-A", "1.2") in item.references()


def test_api_endpoint_argument() -> None:
    item = build("api-endpoint", "get /api/v1/orders/{id}", {"errors": "E-NOT-FOUND", "component": "orders"})
    assert item.problems == []
    assert item.fields["method"] == "GET"
    assert item.fields["path"] == "/api/v1/orders/{id}"
    assert item.id == "get /api/v1/orders/{id}"


@pytest.mark.parametrize(
    ("argument", "message"), [("FETCH /x", "is not one of"), ("GET", "METHOD /path"), ("GET orders", "METHOD /path")]
)
def test_api_endpoint_bad_argument(argument: str, message: str) -> None:
    item = build("api-endpoint", argument, {"auth": "bearer"})
    assert subtypes(item) == ["bad-value"]
    assert message in item.problems[0].message
    assert item.id == argument
    assert item.fields == {"auth": "bearer"}


def test_data_schema_body() -> None:
    body = "class Order:\n    id: int\n    # a comment\n    note: Optional[str] = None\n    total: Decimal | None\n"
    item = build("data-schema", "Order", body=body)
    assert item.problems == []
    assert item.fields["schema-fields"] == [
        {"name": "id", "type": "int", "optional": False, "default": None},
        {"name": "note", "type": "Optional[str]", "optional": True, "default": "None"},
        {"name": "total", "type": "Decimal | None", "optional": True, "default": None},
    ]


def test_data_schema_bad_body() -> None:
    item = build("data-schema", "Order", body="id: int\nthis is prose")
    assert subtypes(item) == ["bad-value"]
    assert "line 2" in item.problems[0].message
    assert item.id == "Order"


DDL = """\
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    total numeric(10, 2) NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    CONSTRAINT positive CHECK (total >= 0)
);
CREATE UNIQUE INDEX IF NOT EXISTS orders_customer ON orders (customer_id, id);
CREATE INDEX orders_total ON orders (total);
"""


def test_db_table_ddl() -> None:
    item = build("db-table", "orders", {"component": "orders-service", "indexes": "orders_customer"}, DDL)
    assert item.problems == []
    assert item.fields["columns"] == [
        {"name": "id", "type": "bigint", "constraints": "PRIMARY KEY"},
        {"name": "customer_id", "type": "bigint", "constraints": "NOT NULL REFERENCES customers (id)"},
        {"name": "total", "type": "numeric(10, 2)", "constraints": "NOT NULL DEFAULT 0"},
    ]
    assert item.fields["ddl-indexes"] == [
        {"name": "orders_customer", "table": "orders", "columns": ["customer_id", "id"]},
        {"name": "orders_total", "table": "orders", "columns": ["total"]},
    ]
    assert item.fields["indexes"] == ["orders_customer"]


def test_slo_availability_error_budget() -> None:
    item = build("slo", "availability", {"sli": "availability", "target": "99.9%", "window": "30d"})
    assert item.problems == []
    assert item.fields["window"] == 2_592_000
    assert item.fields["error-budget-percent"] == 0.1
    assert item.fields["error-budget-seconds"] == 2592  # 43m 12s


def test_slo_latency_error_budget() -> None:
    item = build("slo", "latency", {"sli": "latency", "target": "p95 < 400ms", "window": "30d"})
    assert item.fields["error-budget-percent"] == 5
    assert "error-budget-seconds" not in item.fields


def test_slo_error_rate_budget_is_the_bound() -> None:
    item = build("slo", "errors", {"sli": "error-rate", "target": "< 0.5%", "window": "7d"})
    assert item.fields["error-budget-percent"] == 0.5
    assert "error-budget-seconds" not in item.fields


def test_slo_throughput_has_no_budget() -> None:
    item = build("slo", "rps", {"sli": "throughput", "target": ">= 500 rps", "window": "1h"})
    assert item.problems == []
    assert "error-budget-percent" not in item.fields


def test_slo_budget_without_window() -> None:
    item = build("slo", "availability", {"sli": "availability", "target": "99.95%", "window": "soon"})
    assert item.fields["error-budget-percent"] == 0.05
    assert "error-budget-seconds" not in item.fields


def test_retry_worst_case_delay() -> None:
    item = build("retry-policy", "payments", {"max-retries": "4", "backoff": "exponential", "base": "1s", "max": "5s"})
    assert item.problems == []
    assert item.fields["backoff-schedule"] == [1, 2, 4, 5]
    assert item.fields["worst-case-delay"] == 12


def test_retry_default_backoff_is_exponential() -> None:
    item = build("retry-policy", "p", {"max-retries": "3", "base": "200ms"})
    assert item.fields["backoff-schedule"] == [0.2, 0.4, 0.8]
    assert item.fields["worst-case-delay"] == 1.4


@pytest.mark.parametrize(("backoff", "schedule"), [("linear", [1, 2, 3, 4]), ("constant", [1, 1, 1, 1])])
def test_retry_other_backoffs(backoff: str, schedule: list[int]) -> None:
    item = build("retry-policy", "p", {"max-retries": "4", "backoff": backoff, "base": "1s"})
    assert item.fields["backoff-schedule"] == schedule
    assert item.fields["worst-case-delay"] == sum(schedule)


def test_retry_without_base_derives_nothing() -> None:
    item = build("retry-policy", "p", {"max-retries": "4"})
    assert "worst-case-delay" not in item.fields
    zero = build("retry-policy", "p", {"max-retries": "0", "base": "1s"})
    assert zero.fields["worst-case-delay"] == 0


def test_item_key_and_qualified_id() -> None:
    slo = build("slo", "s", {"sli": "a", "target": "99%", "window": "1d"})
    slo.spec = "SPEC-A"
    assert slo.key == ("slo", "SPEC-A", "s")
    assert slo.qualified_id == "SPEC-A::s"
    adr = build("adr", "ADR-1", {"status": "accepted"})
    adr.spec = "SPEC-A"
    assert adr.key == ("adr", None, "ADR-1")
    assert adr.qualified_id == "ADR-1"


def test_fingerprint_follows_what_the_item_says() -> None:
    one = build("sli", "a", {"kind": "latency"}, "text")
    same = build("sli", "a", {"kind": "latency"}, "text\n")
    other = build("sli", "a", {"kind": "availability"}, "text")
    assert one.fingerprint == same.fingerprint
    assert one.fingerprint != other.fingerprint


def test_to_json() -> None:
    item = build("component", "api", {"depends-on": "db@1"})
    data = item.to_json()
    assert data["fields"] == {"depends-on": ["db"]}
    assert data["pins"] == {"depends-on": {"db": "1"}}
    assert "external" not in data
    assert data["problems"] == []


def test_split_target() -> None:
    assert split_target("SPEC-A::GET /x") == ("SPEC-A", "GET /x")
    assert split_target(" x ") == (None, "x")


def test_huge_durations_stay_exact_integers() -> None:
    """A huge base doubled 99 times is still an exact integer, not an overflow."""
    item = build("retry-policy", "r", {"max-retries": "100", "base": "1" + "0" * 300 + "s"})
    assert item.problems == []
    base = item.fields["base"]
    assert isinstance(base, int) and base > 10**299
    assert item.fields["worst-case-delay"] == base * (2**100 - 1)
    json.dumps(item.to_json(), allow_nan=False)


@pytest.mark.parametrize("derive", [lambda fields: {"x": 1 / 0}, lambda fields: {"x": float("inf")}])
def test_derived_values_that_fail_keep_the_item(derive: Any) -> None:
    kind = dataclasses.replace(KINDS["sli"], derived=derive)
    item = build_item(kind, "availability", {"kind": "availability"}, "", "doc", 1)
    assert [p.subtype for p in item.problems] == ["bad-value"]
    assert "too large" in item.problems[0].message
    assert item.fields == {"kind": "availability"}


@pytest.mark.parametrize(
    "target, percent, seconds",
    [
        ("< 1% errors", 1, None),  # an upper bound on errors is itself the budget
        ("1% errors", 1, None),
        ("\N{LESS-THAN OR EQUAL TO} 0.1%", 0.1, None),
        ("99.9% availability", 0.1, 2592),
        ("\N{GREATER-THAN OR EQUAL TO} 99.9% at 1k rps", 0.1, 2592),
        ("p99.9 < 2s at 200 rps", 0.1, None),
        ("p95 < 300ms under 1k rps", 5, None),
    ],
)
def test_slo_error_budget_of_every_form(target: str, percent: float, seconds: float | None) -> None:
    item = build("slo", "s", {"sli": "x", "target": target, "window": "30d"})
    assert item.problems == []
    assert item.fields["error-budget-percent"] == percent
    assert item.fields.get("error-budget-seconds") == seconds


def test_slo_throughput_target_in_unicode_has_no_budget() -> None:
    item = build("slo", "rps", {"sli": "throughput", "target": "\N{GREATER-THAN OR EQUAL TO} 1000 rps", "window": "1h"})
    assert item.fields["target"]["comparator"] == ">="
    assert "error-budget-percent" not in item.fields
