"""Reviewer checks: what a careful reader of a spec would catch.

Each check is one function over the index yielding located problems with a
documented subtype (listed in :data:`CHECKS`), so users can suppress any of
them. Input errors stay with the parsers: an absent required option is
``missing-option`` and is not reported again here; these checks fire on
values that are present but say nothing (``:rollback: none``) or name what
nobody declared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .index import Index
from .kinds import KINDS
from .model import Item, Problem
from .values import Target, format_duration

#: an error budget below this many seconds of full outage is called tiny
TINY_BUDGET_SECONDS = 60

#: (item kind, reference field) whose unknown targets a check here reports
#: under its own subtype; the index stays silent on them (no double warning)
REFINED_REFS: dict[tuple[str, str], str] = {
    ("api-endpoint", "errors"): "undeclared-error",
    ("slo", "sli"): "slo-without-sli",
    ("circuit-breaker", "component"): "undeclared-component",
    ("circuit-breaker", "dependency"): "undeclared-component",
    ("timeout", "component"): "undeclared-component",
}

#: values that fill a required option without saying anything
_NOTHING = re.compile(
    r"(none|nothing|no|n/?a|-+|\?+|tbd|tba|todo|unknown|later|none yet|no rollback|irreversible"
    r"|not (possible|applicable|needed|planned))\.?",
    re.IGNORECASE,
)


def says_nothing(text: str) -> bool:
    return bool(_NOTHING.fullmatch(text.strip()))


def _format_target(target: dict[str, Any]) -> str:
    """The target's meaning spelled out (``99.9%`` is ``>= 99.9%``): a message says how it was read."""
    parser = KINDS["slo"].by_name["target"].parser
    assert isinstance(parser, Target)
    return parser.canonical(target)


def _local(index: Index, kind: str) -> list[Item]:
    """Items of ``kind`` this project declares (imported ones are not ours to fix)."""
    return [item for item in index.of_kind(kind) if not item.external]


def _at(item: Item, subtype: str, message: str) -> Problem:
    return Problem(subtype, message, item.docname, item.lineno)


def unresolved_refs(index: Index) -> Iterator[Problem]:
    """``undeclared-error``, ``slo-without-sli``, ``undeclared-component``:
    references that a reviewer reads as a gap in the spec, not a typo."""
    for link in index.links:
        subtype = REFINED_REFS.get((link.source.kind, link.field))
        source = link.source
        if subtype is None or source.external or link.resolution.status != "unknown":
            continue
        if subtype == "undeclared-error":
            message = (
                f"{source.mention} may return error {link.target!r}, "
                "which the error taxonomy does not declare (add an error-code)"
            )
        elif subtype == "slo-without-sli":
            message = f"SLO {source.id!r} constrains SLI {link.target!r}, which no document declares: nothing says what it measures"
        else:
            role = "protects against" if link.field == "dependency" else "sits on"
            message = f"{source.mention} {role} component {link.target!r}, which no document declares"
        yield _at(source, subtype, message)


def unused_slis(index: Index) -> Iterator[Problem]:
    """``unused-sli``: an indicator no objective constrains."""
    for sli in _local(index, "sli"):
        if not any(link.field == "sli" for link in index.links_to.get(sli.key, [])):
            yield _at(sli, "unused-sli", f"SLI {sli.id!r} is measured but no SLO sets a target on it")


def _component_key(index: Index, item: Item) -> tuple[Any, ...] | None:
    """The component an item sits on: the declared one, else its name in the item's spec."""
    name = item.fields.get("component")
    if not name:
        return None
    resolved = index.component_of(item)
    return resolved.key if resolved is not None else ("component", item.spec, name)


def _latency_threshold(slo: Item) -> float | None:
    """Seconds every request must stay under, for a latency SLO (``p95 < 400ms``,
    ``p99 \N{LESS-THAN OR EQUAL TO} 1s @ 500 rps``: the load does not change the threshold)."""
    target = slo.fields.get("target")
    # a zero threshold is impossible-target already
    if not target or target["unit"] != "s" or target["comparator"] not in ("<", "<=") or target["value"] <= 0:
        return None
    return float(target["value"])


def slow_retries(index: Index) -> Iterator[Problem]:
    """``retry-exceeds-slo``: the backoff alone already misses a latency SLO on the
    same component, so every retried request breaches it (however fast the calls)."""
    latency: dict[tuple[Any, ...], list[tuple[Item, float]]] = {}
    for slo in index.of_kind("slo"):
        threshold, key = _latency_threshold(slo), _component_key(index, slo)
        if threshold is not None and key is not None:
            latency.setdefault(key, []).append((slo, threshold))
    for policy in _local(index, "retry-policy"):
        delay, key = policy.fields.get("worst-case-delay"), _component_key(index, policy)
        if delay is None or key is None:
            continue
        for slo, threshold in latency.get(key, []):
            # the calls themselves take time too, so waiting exactly the threshold already breaches it
            if delay >= threshold:
                schedule = " + ".join(format_duration(w) for w in policy.fields.get("backoff-schedule", []))
                yield _at(
                    policy,
                    "retry-exceeds-slo",
                    f"{policy.mention} waits {format_duration(delay)} in backoff alone ({schedule}), "
                    f"at or over the {format_duration(threshold)} threshold of SLO {slo.id!r} "
                    f"({_format_target(slo.fields['target'])}) on component {policy.fields['component']!r}: "
                    "every retried request misses it",
                )


def data_handling(index: Index) -> Iterator[Problem]:
    """``unhandled-data`` and ``pii-without-retention``."""
    retained = {(r.spec, r.id.casefold()) for r in index.of_kind("retention")}
    for data in _local(index, "data-class"):
        classification = data.fields.get("classification")
        if classification not in ("PII", "Sensitive"):
            continue
        handling = data.raw.get("handling", "")
        if handling.strip() and says_nothing(handling):
            yield _at(
                data,
                "unhandled-data",
                f"{data.mention} is {classification} but its handling is {handling.strip()!r}: "
                "say how it is protected (encryption, access, logging, masking)",
            )
        if classification == "PII" and (data.spec, data.id.casefold()) not in retained:
            where = f"spec {data.spec!r}" if data.spec else "its document (no spec)"
            yield _at(
                data,
                "pii-without-retention",
                f"{data.mention} is PII but {where} declares no retention {data.id!r}: "
                "say how long it is kept and how it is deleted",
            )


def rollbacks(index: Index) -> Iterator[Problem]:
    """``migration-without-rollback``: the rollback is given but says there is none."""
    for migration in _local(index, "migration"):
        rollback = migration.raw.get("rollback", "")
        if rollback.strip() and says_nothing(rollback):
            yield _at(
                migration,
                "migration-without-rollback",
                f"migration {migration.id!r} has no rollback ({rollback.strip()!r}): "
                "say how to undo it, or how to recover if it must not be undone",
            )


def targets(index: Index) -> Iterator[Problem]:
    """``impossible-target`` and ``tiny-error-budget``."""
    for slo in _local(index, "slo"):
        target = slo.fields.get("target")
        if not target:
            continue
        shown, value = _format_target(target), target["value"]
        if target["unit"] == "%" and not 0 < value < 100:
            if target["comparator"] in (">", ">=", "=") and value >= 100:
                why = "it allows no error budget at all: a single failure breaches it"
            elif target["comparator"] in ("<", "<=") and value <= 0:
                why = "it allows no failures at all: a single one breaches it"
            else:
                why = "it constrains nothing"
            edge = "at or above 100%" if value >= 100 else "at or below 0%"
            yield _at(slo, "impossible-target", f"SLO {slo.id!r}: target {shown} is {edge}; {why}")
        elif target["unit"] == "s" and target["comparator"] in ("<", "<=") and value <= 0:
            yield _at(slo, "impossible-target", f"SLO {slo.id!r}: target {shown} asks requests to take no time at all")
        else:
            budget = slo.fields.get("error-budget-seconds")
            window = slo.fields.get("window")
            if budget is not None and window is not None and 0 < budget < TINY_BUDGET_SECONDS:
                yield _at(
                    slo,
                    "tiny-error-budget",
                    f"SLO {slo.id!r}: {shown} over {format_duration(window)} leaves an error budget of "
                    f"{format_duration(budget)} of full outage, too little to detect and answer an incident",
                )


#: subtype -> the check that reports it (documented in :mod:`.subtypes`)
CHECKS: dict[str, Callable[[Index], Iterator[Problem]]] = {
    "undeclared-error": unresolved_refs,
    "slo-without-sli": unresolved_refs,
    "undeclared-component": unresolved_refs,
    "unused-sli": unused_slis,
    "retry-exceeds-slo": slow_retries,
    "unhandled-data": data_handling,
    "pii-without-retention": data_handling,
    "migration-without-rollback": rollbacks,
    "impossible-target": targets,
    "tiny-error-budget": targets,
}


def problems(index: Index) -> list[Problem]:
    """Every reviewer finding, each check run once."""
    out: list[Problem] = []
    for check in dict.fromkeys(CHECKS.values()):
        out.extend(check(index))
    return out
