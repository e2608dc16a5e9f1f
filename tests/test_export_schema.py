"""techspec.json: valid against its own JSON Schema, sorted and deterministic."""

from __future__ import annotations

import json
import random

import pytest
from jsonschema import Draft202012Validator

from sphinxcontrib_techspec.core import export as ex
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, Problem, build_item

DDL = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2));\nCREATE INDEX o_total ON orders (total);"

#: at least one item of every kind, with every parser exercised
OPTIONS: list[tuple[str, str, str | None, dict[str, str], str]] = [
    (
        "spec",
        "SPEC-A",
        "SPEC-A",
        {
            "version": "1.2",
            "status": "current",
            "prd": "PRD-A@1.0",
            "adrs": "ADR-1",
            "related": "SPEC-B",
            "owner": "payments",
        },
        "",
    ),
    ("spec", "SPEC-B", "SPEC-B", {"version": "v2", "status": "draft"}, ""),
    ("prd", "PRD-A", None, {"version": "1.1", "status": "approved", "title": "Checkout"}, ""),
    ("requirement", "REQ-1", None, {"prd": "PRD-A", "priority": "must"}, ""),
    ("adr", "ADR-1", None, {"status": "accepted", "date": "2026-01-05", "deciders": "ana, bo"}, ""),
    ("component", "api", "SPEC-A", {"depends-on": "db@abc, ghost", "satisfies": "REQ-1", "provides": "REST"}, ""),
    ("component", "db", "SPEC-A", {"framework": "Postgres"}, ""),
    ("component", "db", "SPEC-B", {}, ""),
    ("api-endpoint", "GET /orders", "SPEC-A", {"async": "", "errors": "E-1", "component": "api"}, ""),
    ("service-interface", "Orders", "SPEC-A", {"component": "api"}, "def get(id: int) -> Order: ..."),
    ("data-schema", "Order", "SPEC-A", {}, "id: int\nnote: Optional[str] = None"),
    ("error-code", "E-1", "SPEC-A", {"http-status": "404", "retryable": "no"}, ""),
    ("db-table", "orders", "SPEC-A", {"component": "db", "indexes": "o_total"}, DDL),
    ("migration", "M-1", "SPEC-A", {"description": "add orders", "rollback": "drop", "tables": "orders"}, ""),
    ("retention", "logs", "SPEC-A", {"period": "90d", "strategy": "ttl"}, ""),
    ("sli", "availability", "SPEC-A", {"kind": "availability"}, ""),
    ("slo", "avail", "SPEC-A", {"sli": "availability", "target": "99.9%", "window": "30d", "component": "api"}, ""),
    ("slo", "latency", "SPEC-A", {"sli": "availability", "target": "p95 < 400ms", "window": "4w"}, ""),
    ("circuit-breaker", "cb", "SPEC-A", {"failure-threshold": "5", "recovery-timeout": "30s", "dependency": "db"}, ""),
    ("retry-policy", "rp", "SPEC-A", {"max-retries": "4", "base": "1s", "max": "5s"}, ""),
    ("timeout", "checkout", "SPEC-A", {"value": "2s"}, ""),
    ("auth", "oauth", "SPEC-A", {"permission-model": "RBAC"}, ""),
    ("data-class", "email", "SPEC-A", {"classification": "pii", "handling": "encrypt"}, ""),
    ("secret", "db-password", "SPEC-A", {"store": "vault", "rotation": "30d"}, ""),
    ("audit-event", "login", "SPEC-A", {"retention": "1y", "fields": "user, ip"}, ""),
    ("test-strategy", "unit", "SPEC-A", {"scope": "core", "coverage-target": "90%"}, ""),
    ("benchmark", "checkout", "SPEC-A", {"target": ">= 500 rps"}, ""),
    ("quality-gate", "lint", "SPEC-A", {"threshold": "0 errors"}, ""),
    # bad input: problems recorded, the item still exported
    ("slo", "broken", "SPEC-B", {"target": "soon", "colour": "red"}, ""),
]


def items() -> list[Item]:
    out = []
    for number, (kind, item_id, spec, options, body) in enumerate(OPTIONS):
        item = build_item(KINDS[kind], item_id, options, body, f"specs/{spec or 'shared'}", number + 1)
        item.spec = spec
        item.anchor = f"{kind}-{item_id}"
        out.append(item)
    return out


def test_every_kind_is_exercised() -> None:
    assert {kind for kind, *_ in OPTIONS} == set(KINDS)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = ex.schema()
    Draft202012Validator.check_schema(schema)  # raises SchemaError if not
    # every kind's fields, options and derived values alike, are described
    per_kind = {rule["if"]["properties"]["kind"]["const"]: rule["then"] for rule in schema["properties"]["items"]["items"]["allOf"]}
    assert set(per_kind) == set(KINDS)
    for name, kind in KINDS.items():
        described = per_kind[name]["properties"]["fields"]["properties"]
        assert set(described) == set(kind.shown), name
        assert all(entry.get("description") for entry in described.values()), name


def test_export_validates_against_the_schema() -> None:
    data = ex.export(Index(items()), "shop")
    errors = sorted(Draft202012Validator(ex.schema()).iter_errors(data), key=str)
    assert errors == []
    assert data["schema"] == "techspec/1"
    assert data["project"] == "shop"
    assert len(data["items"]) == len(OPTIONS)


def test_export_fields_are_parsed_values() -> None:
    data = ex.export(Index(items()), "shop")
    by_id = {(i["kind"], i["id"]): i for i in data["items"]}
    slo = by_id[("slo", "avail")]
    assert slo["fields"]["window"] == 2_592_000
    assert slo["fields"]["error-budget-seconds"] == 2592
    assert slo["raw"]["window"] == "30d"
    assert by_id[("data-class", "email")]["fields"]["classification"] == "PII"
    assert by_id[("component", "api")]["pins"] == {"depends-on": {"db": "abc"}}
    broken = by_id[("slo", "broken")]
    assert {p["subtype"] for p in broken["problems"]} == {"bad-value", "unknown-option", "missing-option"}


def test_export_links() -> None:
    links = ex.export(Index(items()), "shop")["links"]
    api = {
        (link["target"], link["status"], link["resolved"])
        for link in links
        if link["source"] == ["component", "SPEC-A::api"] and link["field"] == "depends-on"
    }
    assert api == {("db", "ok", "SPEC-A::db"), ("ghost", "unknown", None)}


def test_schema_rejects_a_wrong_field_type() -> None:
    data = ex.export(Index(items()), "shop")
    slo = next(i for i in data["items"] if i["id"] == "avail")
    slo["fields"]["window"] = "30d"
    assert not Draft202012Validator(ex.schema()).is_valid(data)


def test_schema_rejects_an_undeclared_field() -> None:
    data = ex.export(Index(items()), "shop")
    data["items"][0]["fields"]["colour"] = "red"
    assert not Draft202012Validator(ex.schema()).is_valid(data)


def test_external_items_are_not_exported() -> None:
    all_items = items()
    all_items[0].external = "other"
    data = ex.export(Index(all_items), "shop")
    assert len(data["items"]) == len(OPTIONS) - 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_export_is_sorted_and_deterministic(seed: int) -> None:
    reference = ex.dumps(ex.export(Index(items()), "shop"))
    shuffled = items()
    random.Random(seed).shuffle(shuffled)
    assert ex.dumps(ex.export(Index(shuffled), "shop")) == reference
    data = json.loads(reference)
    keys = [(i["kind"], i["spec"] or "", i["id"]) for i in data["items"]]
    assert keys == sorted(keys)


def test_dumps_has_no_timestamp_and_ends_with_a_newline() -> None:
    text = ex.dumps(ex.export(Index(items()), "shop", {"version": "1.0"}))
    assert text.endswith("}\n")
    assert json.loads(text)["version"] == "1.0"


def test_read_gives_back_the_index_that_was_exported() -> None:
    made = items()
    made[0].problems.append(Problem("bad-value", "planted", made[0].docname, made[0].lineno))
    data = json.loads(ex.dumps(ex.export(Index(made), "demo")))
    project, index = ex.read(data)
    assert project == "demo"
    assert [i.to_json() for i in index.items] == data["items"]
    assert sum(len(i.problems) for i in index.items) == sum(len(i.problems) for i in made)
    # read then written again: the same export, links (resolved again by the index) included
    assert ex.export(index, project) == data


def test_read_refuses_what_is_not_an_export() -> None:
    with pytest.raises(ValueError, match=r"not a valid techspec\.json"):
        ex.read({"schema": "techspec/1", "items": []})
