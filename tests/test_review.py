"""Reviewer checks on plain items: each fires on a purpose-made set, none on a clean one."""

from __future__ import annotations

import pytest

from sphinxcontrib_techspec.core import review
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, Problem, build_item
from sphinxcontrib_techspec.core.subtypes import SUBTYPES

_lines = iter(range(1, 10_000))


def item(kind: str, item_id: str, /, spec: str | None = "SPEC-A", docname: str = "spec", **options: str) -> Item:
    built = build_item(
        KINDS[kind], item_id, {k.replace("_", "-"): v for k, v in options.items()}, "", docname, next(_lines)
    )
    built.spec = spec
    return built


def clean() -> list[Item]:
    """A spec a reviewer would pass."""
    return [
        item("spec", "SPEC-A", version="1.0", status="draft"),
        item("component", "api"),
        item("component", "ledger"),
        item("error-code", "CONFLICT", http_status="409"),
        item("api-endpoint", "POST /orders", errors="CONFLICT", component="api"),
        item("sli", "SLI-AVAIL", kind="availability"),
        item("sli", "SLI-LAT", kind="latency"),
        item("slo", "SLO-AVAIL", sli="SLI-AVAIL", target="99.9%", window="30d", component="api"),
        item("slo", "SLO-LAT", sli="SLI-LAT", target="p95 < 400ms", window="28d", component="api"),
        item("slo", "SLO-ERR", sli="SLI-AVAIL", target="< 0.5%", window="30d", component="api"),
        # 50ms + 100ms + 200ms = 350ms: under the 400ms threshold
        item("retry-policy", "RP", max_retries="3", backoff="exponential", base="50ms", max="1s", component="api"),
        item(
            "circuit-breaker", "CB", failure_threshold="5", recovery_timeout="30s", component="api", dependency="ledger"
        ),
        item("timeout", "ledger-call", value="2s", component="api"),
        item("data-class", "email", classification="PII", handling="Encrypted at rest, masked in logs"),
        item("retention", "Email", period="2y", strategy="Nightly purge"),
        item("data-class", "card-token", classification="Sensitive", handling="Never logged"),
        item("data-class", "catalog", classification="Public", handling="n/a"),
        item("migration", "M-1", description="Add column", rollback="Drop the column"),
    ]


def found(items: list[Item]) -> list[Problem]:
    return review.problems(Index(items))


def subtypes(items: list[Item]) -> list[str]:
    return sorted(p.subtype for p in found(items))


def test_clean_spec_has_no_findings() -> None:
    items = clean()
    assert all(not i.problems for i in items), [p for i in items for p in i.problems]
    assert found(items) == []
    assert Index(items).problems(refined=review.REFINED_REFS) == []


def test_every_subtype_is_documented() -> None:
    missing = [s for s in review.CHECKS if s not in SUBTYPES]
    assert missing == []


def test_undeclared_error_replaces_unknown_ref() -> None:
    endpoint = item("api-endpoint", "GET /orders", errors="CONFLICT, GONE", component="api")
    items = [*clean(), endpoint]
    problems = found(items)
    assert [(p.subtype, p.lineno) for p in problems] == [("undeclared-error", endpoint.lineno)]
    assert "'GONE'" in problems[0].message and "GET /orders" in problems[0].message
    # the index's generic warning is silent for it, and only for it
    assert Index(items).problems(refined=review.REFINED_REFS) == []
    assert [p.subtype for p in Index(items).problems()] == ["unknown-ref"]


def test_error_code_of_another_spec_is_declared() -> None:
    items = [
        *clean(),
        item("error-code", "GONE", spec="SPEC-B", http_status="410"),
        item("api-endpoint", "GET /orders", errors="GONE", component="api"),
    ]
    assert found(items) == []


def test_slo_without_sli_and_unused_sli() -> None:
    slo = item("slo", "SLO-X", sli="SLI-NOPE", target="99%", window="7d", component="api")
    unused = item("sli", "SLI-ORPHAN", kind="throughput")
    problems = found([*clean(), slo, unused])
    assert sorted((p.subtype, p.lineno) for p in problems) == sorted(
        [("slo-without-sli", slo.lineno), ("unused-sli", unused.lineno)]
    )
    assert "'SLI-NOPE'" in next(p.message for p in problems if p.subtype == "slo-without-sli")


def test_absent_sli_is_only_missing_option() -> None:
    slo = item("slo", "SLO-X", target="99%", window="7d")
    assert [p.subtype for p in slo.problems] == ["missing-option"]
    assert subtypes([*clean(), slo]) == []


def test_sli_used_from_another_spec_is_used() -> None:
    sli = item("sli", "SLI-SHARED", spec="SPEC-B")
    slo = item("slo", "SLO-X", sli="SLI-SHARED", target="99%", window="7d", component="api")
    assert found([*clean(), sli, slo]) == []


def test_retry_exceeding_latency_slo() -> None:
    # 1s + 2s + 4s = 7s of backoff against p99 < 2s on the same component
    policy = item("retry-policy", "RP-SLOW", max_retries="3", backoff="exponential", base="1s", component="pay")
    items = [
        *clean(),
        item("component", "pay"),
        policy,
        item("slo", "SLO-PAY", sli="SLI-LAT", target="p99 < 2s", window="30d", component="pay"),
    ]
    problems = found(items)
    assert [(p.subtype, p.lineno) for p in problems] == [("retry-exceeds-slo", policy.lineno)]
    message = problems[0].message
    assert "7s" in message and "1s + 2s + 4s" in message and "SLO-PAY" in message and "p99 < 2s" in message


def test_retry_exactly_at_threshold_fires_and_capped_schedule_is_used() -> None:
    # linear 100ms, 200ms, 300ms capped at 150ms: 100 + 150 + 150 = 400ms = the threshold
    policy = item(
        "retry-policy", "RP-EDGE", max_retries="3", backoff="linear", base="100ms", max="150ms", component="api"
    )
    assert policy.fields["worst-case-delay"] == 0.4
    assert subtypes([*clean(), policy]) == ["retry-exceeds-slo"]


@pytest.mark.parametrize(
    "component, target",
    [
        ("ledger", "p95 < 400ms"),  # another component
        ("api", "99.9%"),  # not a latency target
        (None, "p95 < 400ms"),  # the policy names no component
    ],
)
def test_retry_silent_unless_latency_slo_on_same_component(component: str | None, target: str) -> None:
    options = {"component": component} if component else {}
    policy = item("retry-policy", "RP-SLOW", max_retries="5", base="1s", **options)
    items = [
        *[i for i in clean() if i.kind != "slo" and i.kind != "sli"],
        item("sli", "SLI-LAT"),
        item("slo", "SLO-T", sli="SLI-LAT", target=target, window="30d", component="api"),
    ]
    assert subtypes([*items, policy]) == []


def test_retry_matches_undeclared_component_by_name() -> None:
    policy = item("retry-policy", "RP", max_retries="2", base="1s", component="ghost")
    slo = item("slo", "SLO-G", sli="SLI-LAT", target="p90 < 1s", window="30d", component="ghost")
    assert "retry-exceeds-slo" in subtypes([*clean(), policy, slo])


def test_unhandled_sensitive_data() -> None:
    data = item("data-class", "card", classification="sensitive", handling="TBD")
    problems = found([*clean(), data])
    assert [(p.subtype, p.lineno) for p in problems] == [("unhandled-data", data.lineno)]
    assert "'TBD'" in problems[0].message and "Sensitive" in problems[0].message


def test_pii_without_retention_same_spec_only() -> None:
    data = item("data-class", "phone", classification="PII", handling="Encrypted")
    elsewhere = item("retention", "phone", spec="SPEC-B", period="1y", strategy="purge")
    problems = found([*clean(), data, elsewhere])
    assert [(p.subtype, p.lineno) for p in problems] == [("pii-without-retention", data.lineno)]
    assert "'SPEC-A'" in problems[0].message


def test_pii_with_no_handling_gets_both() -> None:
    data = item("data-class", "ssn", classification="PII", handling="none")
    assert subtypes([*clean(), data]) == ["pii-without-retention", "unhandled-data"]


def test_migration_without_rollback() -> None:
    migration = item("migration", "M-2", description="Drop legacy table", rollback="Irreversible")
    problems = found([*clean(), migration])
    assert [(p.subtype, p.lineno) for p in problems] == [("migration-without-rollback", migration.lineno)]


@pytest.mark.parametrize(
    "text", ["Restore from the nightly backup", "No-op: the column is unused", "none needed: additive"]
)
def test_real_rollback_is_silent(text: str) -> None:
    assert subtypes([*clean(), item("migration", "M-2", description="x", rollback=text)]) == []


@pytest.mark.parametrize(
    "kind, options",
    [
        ("circuit-breaker", {"failure_threshold": "3", "recovery_timeout": "10s", "component": "ghost"}),
        (
            "circuit-breaker",
            {"failure_threshold": "3", "recovery_timeout": "10s", "component": "api", "dependency": "ghost"},
        ),
        ("timeout", {"value": "1s", "component": "ghost"}),
    ],
)
def test_undeclared_component(kind: str, options: dict[str, str]) -> None:
    guard = item(kind, "G", **options)
    items = [*clean(), guard]
    problems = found(items)
    assert [(p.subtype, p.lineno) for p in problems] == [("undeclared-component", guard.lineno)]
    assert "'ghost'" in problems[0].message
    assert Index(items).problems(refined=review.REFINED_REFS) == []


def test_other_unknown_refs_stay_unknown_ref() -> None:
    policy = item("retry-policy", "RP2", max_retries="1", component="ghost")
    items = [*clean(), policy]
    assert found(items) == []
    assert [p.subtype for p in Index(items).problems(refined=review.REFINED_REFS)] == ["unknown-ref"]


@pytest.mark.parametrize("target", ["100%", ">= 100%", "0%", "< 0%", "<= 0%", "< 100%", "p95 < 0ms"])
def test_impossible_target(target: str) -> None:
    slo = item("slo", "SLO-BAD", sli="SLI-AVAIL", target=target, window="30d", component="api")
    assert not slo.problems
    problems = found([*clean(), slo])
    assert [(p.subtype, p.lineno) for p in problems] == [("impossible-target", slo.lineno)]
    assert "SLO-BAD" in problems[0].message


def test_impossible_target_message_names_the_reason() -> None:
    slo = item("slo", "SLO-BAD", sli="SLI-AVAIL", target="100%", window="30d")
    (problem,) = found([*clean(), slo])
    assert ">= 100%" in problem.message and "no error budget" in problem.message


@pytest.mark.parametrize("target, window, budget", [("99.99%", "1d", "8s 640ms"), ("99.999%", "30d", "25.92s")])
def test_tiny_error_budget(target: str, window: str, budget: str) -> None:
    slo = item("slo", "SLO-TIGHT", sli="SLI-AVAIL", target=target, window=window, component="api")
    problems = found([*clean(), slo])
    assert [(p.subtype, p.lineno) for p in problems] == [("tiny-error-budget", slo.lineno)]
    assert target in problems[0].message


def test_budget_of_a_minute_or_more_is_fine() -> None:
    # 99.99% over 7d is 60.48s
    slo = item("slo", "SLO-OK", sli="SLI-AVAIL", target="99.99%", window="7d", component="api")
    assert slo.fields["error-budget-seconds"] == 60.48
    assert found([*clean(), slo]) == []


def test_external_items_are_not_reviewed() -> None:
    imported = item("slo", "SLO-EXT", sli="SLI-NOPE", target="100%", window="30d")
    imported.external = "other"
    sli = item("sli", "SLI-EXT")
    sli.external = "other"
    assert found([*clean(), imported, sli]) == []


# -- targets as people write them: loads, decimal percentiles, Unicode, error rates --


@pytest.mark.parametrize(
    "target, threshold",
    [
        ("p95 < 400ms", 0.4),
        ("p95 < 300ms at 200 rps", 0.3),
        ("p99 <= 1s @ 500 rps", 1),
        ("p99.9 \N{LESS-THAN OR EQUAL TO} 2s under 1k rps", 2),
        ("< 1h 30m", 5400),
        ("99.9%", None),
        ("< 1% errors", None),
        ("\N{GREATER-THAN OR EQUAL TO} 1000 rps", None),
        ("p95 > 1s", None),
    ],
)
def test_latency_threshold_of_every_form(target: str, threshold: float | None) -> None:
    slo = item("slo", "SLO-T", sli="SLI-LAT", target=target, window="30d")
    assert not slo.problems
    assert review._latency_threshold(slo) == threshold


@pytest.mark.parametrize(
    "target", ["p99 \N{LESS-THAN OR EQUAL TO} 2s @ 500 rps", "p99.9 < 2s at 200 rps", "p95 < 2s under 1k rps"]
)
def test_retry_exceeding_latency_slo_under_load(target: str) -> None:
    # 1s + 2s + 4s of backoff on a component whose only latency SLO is the one under test
    policy = item("retry-policy", "RP-SLOW", max_retries="3", backoff="exponential", base="1s", component="pay")
    slo = item("slo", "SLO-LOAD", sli="SLI-LAT", target=target, window="30d", component="pay")
    problems = found([*clean(), item("component", "pay"), policy, slo])
    assert [(p.subtype, p.lineno) for p in problems] == [("retry-exceeds-slo", policy.lineno)]
    # the message spells out how the target was read, the load included
    assert "SLO-LOAD" in problems[0].message and " at " in problems[0].message


@pytest.mark.parametrize(
    "target",
    ["\N{LESS-THAN OR EQUAL TO} 0%", "< 0% errors", "100% availability", "\N{GREATER-THAN OR EQUAL TO} 100% at 1k rps"],
)
def test_impossible_target_new_forms(target: str) -> None:
    slo = item("slo", "SLO-BAD", sli="SLI-AVAIL", target=target, window="30d", component="api")
    assert not slo.problems
    assert [(p.subtype, p.lineno) for p in found([*clean(), slo])] == [("impossible-target", slo.lineno)]


def test_tiny_error_budget_with_unicode_comparator() -> None:
    slo = item("slo", "SLO-TIGHT", sli="SLI-AVAIL", target="\N{GREATER-THAN OR EQUAL TO} 99.999%", window="30d")
    (problem,) = found([*clean(), slo])
    assert problem.subtype == "tiny-error-budget" and ">= 99.999%" in problem.message and "25.92s" in problem.message


@pytest.mark.parametrize(
    "target", ["< 1% errors", "\N{LESS-THAN OR EQUAL TO} 0.1%", "\N{GREATER-THAN OR EQUAL TO} 1000 rps", "99.9% uptime"]
)
def test_new_forms_pass_review(target: str) -> None:
    slo = item("slo", "SLO-OK", sli="SLI-AVAIL", target=target, window="30d", component="api")
    assert found([*clean(), slo]) == []
