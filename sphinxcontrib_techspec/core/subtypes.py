"""Every warning subtype, declared once with its documentation.

Warnings print as ``[techspec.<subtype>]``; list any of them in Sphinx's
``suppress_warnings`` (or ``techspec`` for all). The docs render this table.
"""

from __future__ import annotations

SUBTYPES: dict[str, str] = {
    # input: one directive
    "missing-argument": "A directive has no argument (the item's ID); the body is shown, no item is recorded.",
    "missing-option": "A required option is missing; the item is kept with the fields it has.",
    "unknown-option": "An option the kind does not declare; it is kept in ``raw`` and otherwise ignored.",
    "bad-value": "A value does not parse (a duration, percentage, target, version, date, number out of range, ...), "
    "or an aggregate option names an unknown kind or column.",
    "bad-choice": "A value is not in the option's closed vocabulary (statuses, classifications, ...).",
    "empty-entry": "A comma-separated list has empty entries, as in ``a, , b``; they are dropped.",
    "spec-scope": "A document declares more than one spec; its items belong to the first.",
    # cross-document
    "duplicate-id": "A second item of the same kind and ID in one scope (the project for specs, PRDs, "
    "requirements and ADRs; the spec for every other kind). Both are kept; references go to the first.",
    "unknown-ref": "A reference (an option such as ``:depends-on:`` or a role) names an ID nothing declares.",
    "ambiguous-ref": "A reference matches items of several specs; write ``SPEC::ID`` to choose one.",
    # traceability
    "uncovered-requirement": "A PRD requirement no item satisfies (``:satisfies:``).",
    "spec-without-prd": "A spec names no PRD (``:prd:``).",
    "uncited-adr": "An ADR no spec (``:adrs:``) or item (``:decided-by:``) cites.",
    "superseded-adr": "A citation of a superseded, rejected or deprecated ADR.",
    "stale-prd": "A spec was written against an older version of its PRD than the PRD's current one.",
    "dependency-cycle": "Components depend on each other in a cycle (``:depends-on:``).",
    # configuration and environment
    "config": "A ``techspec_*`` configuration value has the wrong type; the default is used.",
}


def document(subtype: str) -> str:
    return SUBTYPES.get(subtype, "")
