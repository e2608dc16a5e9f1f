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
    "raw-markup": "Raw HTML (or other raw markup) in an item's body: it is shown as text, never injected into the page.",
    "spec-scope": "A document declares more than one spec; its items belong to the first.",
    "adr-file": "A page matched by ``techspec_adr_paths`` shows no sign of being an ADR (no number or date in its "
    "name, no ``adr-id:``, no status) and is not read as one; or an ADR file says it is superseded without naming "
    "by which ADR, or gives another status and 'superseded by' on one line (it is read as that status).",
    # cross-document
    "duplicate-id": "A second item of the same kind and ID in one scope (the project for specs, PRDs, "
    "requirements and ADRs; the spec for every other kind). Both are kept; references go to the first.",
    "unknown-ref": "A reference (an option such as ``:depends-on:`` or a role) names an ID nothing declares.",
    "ambiguous-ref": "A reference matches items of several specs; write ``SPEC::ID`` to choose one.",
    # traceability
    "uncovered-requirement": "A PRD requirement no item satisfies (``:satisfies:``).",
    "spec-without-prd": "A spec names no PRD (``:prd:``).",
    "uncited-adr": "An ADR no spec (``:adrs:``) or item (``:decided-by:``) cites; "
    "only reported in a project that declares a spec (an ADR log alone has nothing to cite them).",
    "superseded-adr": "A citation of a superseded, rejected or deprecated ADR.",
    "stale-prd": "A spec was written against an older version of its PRD than the PRD's current one.",
    "dependency-cycle": "Components depend on each other in a cycle (``:depends-on:``).",
    "suspect-link": "A pinned reference (``ID@pin``) whose target changed after it was pinned: a requirement's or "
    "ADR's fingerprint, or a PRD's or spec's version, no longer matches; the warning gives the new pin to write.",
    "unpinned-link": "With ``techspec_require_pins``, a ``:satisfies:``, ``:decided-by:``, ``:adrs:`` or spec "
    "``:prd:`` reference without a pin.",
    # reviewer checks (core/review.py)
    "undeclared-error": "An API endpoint's ``:errors:`` names an error code no ``error-code`` declares "
    "(reported instead of ``unknown-ref``).",
    "slo-without-sli": "An SLO's ``:sli:`` names an SLI nobody declares (reported instead of ``unknown-ref``; "
    "an absent ``:sli:`` is ``missing-option``).",
    "unused-sli": "An SLI that no SLO uses.",
    "retry-exceeds-slo": "A retry policy's backoff alone (its worst-case delay) reaches the threshold of a latency "
    "SLO on the same component, so every retried request breaches it.",
    "unhandled-data": "A ``PII`` or ``Sensitive`` data class whose ``:handling:`` says nothing "
    "(``none``, ``n/a``, ``TBD``, ...; an absent one is ``missing-option``).",
    "pii-without-retention": "A ``PII`` data class with no ``retention`` item of the same ID in the same spec.",
    "migration-without-rollback": "A migration whose ``:rollback:`` says there is none "
    "(``none``, ``n/a``, ``irreversible``, ...; an absent one is ``missing-option``).",
    "undeclared-component": "A circuit breaker's ``:component:`` or ``:dependency:``, or a timeout's ``:component:``, "
    "names a component nobody declares (reported instead of ``unknown-ref``).",
    "impossible-target": "An SLO target at or above 100% or at or below 0% (no error budget, or nothing "
    "constrained), or a latency threshold of zero.",
    "tiny-error-budget": "An availability SLO whose error budget is under 60 seconds of full outage over its window.",
    # configuration and environment
    "config": "A ``techspec_*`` configuration value has the wrong type (the default is used); "
    "``techspec_exports`` names an unknown format (it is skipped, the other formats are written); or "
    "``techspec_directive_prefix`` does not make valid directive names (no prefixed names are registered).",
    "needs": "With sphinx-needs loaded: an item's need ID (``TS_<KIND>_...``) is already taken, or sphinx-needs "
    "refuses the need (e.g. ``needs_id_regex``), so the item is not a need.",
    "import": "An export named in ``techspec_projects`` could not be read (unreachable, too slow, too large, "
    "not JSON, or not valid against the schema); the build goes on with the last cached copy or without its items.",
    "bad-filter": "A ``:filter:`` of ``techspec-table`` or ``traceability-matrix`` cannot be used: it is malformed, "
    "names a field the kind does not have, or compares a field with a value it can never hold (``window >= 99%``). "
    "The aggregate shows a note instead of rows.",
    "bad-sort": "A ``:sort:`` names a field the kind does not have, or is not ``field``, ``-field`` or "
    "``field asc|desc``. The aggregate shows a note instead of rows.",
    "directive-clash": "A techspec directive name (``component``, or ``ts-component`` with the prefix) that another "
    "extension, docutils or a domain already registers: theirs is kept, techspec's answers to its other names "
    "(``ts-component``, ``techspec:component``). Reported once per build and extension, in ``conf.py``; "
    "``techspec_plain_directives = False`` (or another ``techspec_directive_prefix``) resolves it.",
    "spec-dispatch": "With sphinx-needs' ``spec`` need type: a ``spec`` block carries options only sphinx-needs takes "
    "and options only techspec takes (it is read as a need), or has a one-word argument, no option only "
    "sphinx-needs takes and lacks a required spec option (it is read as a techspec spec).",
    # exports (core/formats) and API drift
    "export": "An item cannot be written into an export format (an SLO with no window, or a target OpenSLO cannot "
    "express; a component with no owner in the Backstage catalog, ...); it is left out of that format, the rest is "
    "written.",
    "api-drift": "An API's real OpenAPI document (``techspec_openapi_documents``) and the spec disagree: an endpoint "
    "the document lacks, error statuses that differ (both at the endpoint), or an operation no endpoint documents "
    "(at the component or spec mapped to the document).",
    "api-document": "An OpenAPI document named in ``techspec_openapi_documents`` cannot be read (unreachable, too "
    "slow, too large, not JSON or YAML, not OpenAPI) or its key names no component or spec; its drift is not checked.",
    # the spec workflow (techspec new)
    "placeholder": "An option value still to be written, ``TODO(what to write)``, as ``techspec new`` leaves them: "
    "one warning each, instead of the parse, reference and review findings the text would give.",
    "baseline": "The baseline export of a ``techspec-changes`` directive could not be read (missing, unreachable, "
    "too slow, too large, or not a valid techspec.json); the last good copy is used, or no changes are shown.",
}


def document(subtype: str) -> str:
    return SUBTYPES.get(subtype, "")
