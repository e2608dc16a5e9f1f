"""Every item kind, declared once.

A :class:`Kind` lists its fields (option name, parser, required, the kind it
references, one line of docs). The directive, its option spec, validation,
the export and its JSON Schema, the ``techspec-table`` columns and the
reference page in the docs are all derived from these declarations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import values as v

#: Template sections, in the template's order; every kind sits in one.
SECTIONS: dict[str, str] = {
    "references": "Documents and traceability",
    "architecture": "Architecture",
    "interfaces": "Interfaces & Data Contracts",
    "data": "Data & Storage",
    "reliability": "Reliability & SLIs/SLOs",
    "security": "Security & Privacy",
    "evaluation": "Evaluation Plan",
}


@dataclass(frozen=True)
class Field:
    name: str
    parser: v.Parser
    doc: str
    required: bool = False
    #: the kind this field's values are IDs of (a link, checked and drawn)
    ref: str | None = None
    #: the rule of ``core.changes.RULES`` that judges a change of this field (none: compatible)
    change_rule: str = ""

    @property
    def is_list(self) -> bool:
        return isinstance(self.parser, v.ListOf)


@dataclass(frozen=True)
class Kind:
    name: str
    argument: str
    doc: str
    section: str
    fields: tuple[Field, ...]
    #: specs, PRDs, requirements and ADRs have IDs unique across the project
    project_scoped: bool = False
    #: default ``techspec-table`` columns (field names); ``id`` and ``spec`` come first
    columns: tuple[str, ...] = ()
    #: what the directive body is: ``prose`` or a code language to highlight
    body: str = "prose"
    #: fields read from the argument (``GET /path`` -> method, path)
    argument_fields: Callable[[str], dict[str, Any]] | None = None
    #: fields read from the body (data-schema fields, DDL columns)
    body_fields: Callable[[str], dict[str, Any]] | None = None
    #: values computed from the parsed fields (error budget, worst-case delay)
    derived: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: the derived values, declared like options: the parser formats them and gives their schema
    derived_fields: tuple[Field, ...] = ()
    label: str = ""
    #: why removing one breaks a consumer (``techspec diff``); empty when removing one is compatible
    removal: str = ""
    #: the spec's version whose new major number allows a breaking change of one
    contract: str = "api-version"

    @property
    def title(self) -> str:
        return self.label or self.name.replace("-", " ").title()

    @property
    def noun(self) -> str:
        """The kind in running text: ``SLO``, ``API endpoint``, ``retry policy``."""
        return " ".join(w if w.isupper() else w.lower() for w in self.title.split())

    @property
    def a_noun(self) -> str:
        """With its article, as it is read aloud: ``an SLO``, ``a PRD``, ``an error code``."""
        first = self.noun.split()[0]
        # an acronym is spelled out: "an S-L-O", "a P-R-D"
        vowel_sound = first[0] in "AEFHILMNORSX" if first.isupper() else first[0] in "aeiou"
        return f"{'an' if vowel_sound else 'a'} {self.noun}"

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def shown(self) -> dict[str, Field]:
        """Options and derived values: everything a card, a table or the export shows."""
        return {f.name: f for f in (*self.fields, *self.derived_fields)}

    @property
    def default_columns(self) -> tuple[str, ...]:
        if self.columns:
            return self.columns
        names = [f.name for f in self.fields if f.name not in COMMON_NAMES]
        return tuple(names[:5])


def _fields(*items: tuple[str, v.Parser | str, str] | Field) -> tuple[Field, ...]:
    """Compact field declarations: ``(name, parser, doc)``; a ``*`` after the
    name marks it required; a parser given as a kind name is a list of IDs of
    that kind; appends the fields every kind has."""
    out = []
    for entry in items:
        if isinstance(entry, Field):
            out.append(entry)
            continue
        name, parser, doc = entry
        required = name.endswith("*")
        name = name.rstrip("*")
        if isinstance(parser, str):
            single = parser.startswith("1:")
            ref = parser.removeprefix("1:")
            out.append(Field(name, v.Reference() if single else v.ListOf(v.Reference()), doc, required, ref))
        else:
            out.append(Field(name, parser, doc, required))
    return tuple(out) + COMMON


COMMON: tuple[Field, ...] = (
    Field("satisfies", v.ListOf(v.Reference()), "PRD requirement IDs this item satisfies.", ref="requirement"),
    Field("decided-by", v.ListOf(v.Reference()), "ADR IDs behind this item.", ref="adr"),
)
COMMON_NAMES = frozenset(f.name for f in COMMON)

_TEXT = v.Text()
_VERSION = v.Version()
_DURATION = v.Duration()
_POSITIVE = v.Integer(minimum=1)
_TEXTS = v.ListOf(v.Text())


def _endpoint(argument: str) -> dict[str, Any]:
    method, _, path = argument.strip().partition(" ")
    if not path.strip().startswith("/"):
        raise ValueError(f"{argument!r} is not 'METHOD /path' (example: GET /api/v1/orders)")
    return {"method": v.HttpMethod().parse(method), "path": path.strip()}


_FIELD_LINE = re.compile(r"(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[^=]+?)\s*(?:=\s*(?P<default>.+))?$")


def _schema_fields(body: str) -> dict[str, Any]:
    """``name: type`` lines (``Optional[...]`` and ``= default`` allowed) -> fields."""
    fields = []
    for number, raw in enumerate(body.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "@", "class ", '"""')):
            continue
        match = _FIELD_LINE.match(line)
        if not match:
            raise ValueError(f"line {number} of the body, {line!r}, is not 'name: type'")
        type_ = match.group("type").strip()
        optional = type_.startswith("Optional[") or type_.endswith("| None")
        fields.append(
            {
                "name": match.group("name"),
                "type": type_,
                "optional": optional,
                "default": match.group("default"),
            }
        )
    return {"schema-fields": fields}


_CREATE_INDEX = re.compile(
    r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+(\w+)\s*\(([^)]*)\)", re.I
)
_COLUMN = re.compile(r"(\S+)\s+([^\s(]+(?:\s*\([^)]*\))?)(.*)", re.S)
_CREATE_TABLE = re.compile(r"CREATE\s+(?:TEMPORARY\s+|TEMP\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\w.\"`]+\s*\(", re.I)


def _is_constraint(part: str) -> bool:
    """``PRIMARY KEY (id)``, ``CHECK (x > 0)``, ``CONSTRAINT c ...``, MySQL ``KEY k (c)``; a
    column merely named ``key`` or ``check`` (followed by its type) is not one."""
    words = part.split()
    head, after = words[0].upper(), (words[1] if len(words) > 1 else "")
    rest = part[len(words[0]) :].lstrip()
    if head == "CONSTRAINT":
        return True
    if head in ("PRIMARY", "FOREIGN"):
        return after.upper().startswith("KEY")
    if head in ("UNIQUE", "CHECK", "EXCLUDE", "INDEX", "KEY"):
        # a constraint goes on with "(", KEY/INDEX, or an index name then "("; a column with its type
        named = head in ("INDEX", "KEY", "UNIQUE") and re.match(r"[\w\"`]+\s*\(", rest) is not None
        return rest.startswith("(") or after.upper() in ("KEY", "INDEX") or named
    return False


def _split_top_level(text: str) -> list[str]:
    depth, current, parts = 0, "", []
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _ddl(body: str) -> dict[str, Any]:
    """Columns of the first ``CREATE TABLE`` and every ``CREATE INDEX``."""
    columns = []
    match = _CREATE_TABLE.search(body)
    if match:
        depth, end = 1, match.end()
        while end < len(body) and depth:
            depth += body[end] == "("
            depth -= body[end] == ")"
            end += 1
        for part in _split_top_level(body[match.end() : end - 1]):
            # the type keeps its arguments: ``numeric(10, 2)`` is one type, not ``numeric(10,``
            column = _COLUMN.match(part.strip())
            if column and not _is_constraint(part.strip()):
                name, type_, rest = column.groups()
                columns.append({"name": name, "type": " ".join(type_.split()), "constraints": " ".join(rest.split())})
    indexes = [
        {"name": m.group(1), "table": m.group(2), "columns": [c.strip() for c in m.group(3).split(",")]}
        for m in _CREATE_INDEX.finditer(body)
    ]
    return {"columns": columns, "ddl-indexes": indexes}


def _error_budget(fields: dict[str, Any]) -> dict[str, Any]:
    """99.9% over 30d allows 43m 12s of full outage; ``p95 < 400ms`` lets 5% of requests exceed it."""
    target, window = fields.get("target"), fields.get("window")
    if not target:
        return {}
    if target["unit"] == "%":
        # an upper bound (error rate < 0.5%) is itself the budget share
        share = target["value"] if target["comparator"] in ("<", "<=") else 100 - target["value"]
    elif target["percentile"] is not None:
        share = 100 - target["percentile"]
    else:
        return {}
    share = v._number(round(share, 9))
    out: dict[str, Any] = {"error-budget-percent": share}
    if window is not None and target["unit"] == "%" and target["comparator"] in (">", ">="):
        out["error-budget-seconds"] = v._number(round(window * share / 100, 3))
    return out


def _retry_delay(fields: dict[str, Any]) -> dict[str, Any]:
    """Worst-case added delay: the backoff schedule summed, each wait capped by ``:max:``."""
    retries, base = fields.get("max-retries"), fields.get("base")
    if retries is None or base is None:
        return {}
    backoff, cap = fields.get("backoff", "exponential"), fields.get("max")
    waits = []
    for attempt in range(retries):
        wait = {"exponential": base * 2**attempt, "linear": base * (attempt + 1)}.get(backoff, base)
        waits.append(min(wait, cap) if cap is not None else wait)
    return {"backoff-schedule": [v._number(w) for w in waits], "worst-case-delay": v._number(sum(waits))}


_BUDGET = (
    Field("error-budget-percent", v.Percentage(), "Share of the window (or of requests) allowed to miss the target."),
    Field("error-budget-seconds", _DURATION, "For an availability target: the full outage the window allows."),
)
_RETRY = (
    Field("backoff-schedule", v.ListOf(item=_DURATION), "Each retry's wait, capped by ``:max:``."),
    Field("worst-case-delay", _DURATION, "What the retries alone add in the worst case (the schedule summed)."),
)
_RECORDS = v.Records()

SPEC_STATUS = v.Choice(("draft", "review", "current", "deprecated", "superseded"))
ADR_STATUS = v.Choice(("proposed", "accepted", "rejected", "deprecated", "superseded"))

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "spec",
            "spec ID",
            "A tech spec: the template's header block and references.",
            "references",
            _fields(
                ("title", _TEXT, "Human title of the spec."),
                ("version*", _VERSION, "The spec's own version."),
                ("status*", SPEC_STATUS, "Lifecycle status."),
                Field(
                    "prd",
                    v.ListOf(v.VersionedReference()),
                    "PRDs this spec answers, each optionally ``@version`` (the version it was written against).",
                    ref="prd",
                ),
                ("adrs", "adr", "ADRs this spec cites."),
                ("related", "spec", "Related specs."),
                ("supersedes", "spec", "Specs this one replaces."),
                ("api-version", _VERSION, "API contract version."),
                ("schema-version", _VERSION, "Data schema contract version."),
                ("git-tag", _TEXT, "Git tag of this version of the spec."),
                ("owner", _TEXT, "Owning team."),
            ),
            project_scoped=True,
            columns=("title", "version", "status", "prd", "owner"),
            label="Tech spec",
        ),
        Kind(
            "prd",
            "PRD ID",
            "A product requirements document that specs answer.",
            "references",
            _fields(
                ("title", _TEXT, "Human title."),
                ("version*", _VERSION, "Current version of the PRD."),
                ("status", v.Choice(("draft", "review", "approved", "deprecated")), "Lifecycle status."),
                ("owner", _TEXT, "Owning person or team."),
                ("url", _TEXT, "Where the PRD lives."),
            ),
            project_scoped=True,
            columns=("title", "version", "status", "owner"),
            label="PRD",
        ),
        Kind(
            "requirement",
            "requirement ID",
            "One requirement (goal) of a PRD.",
            "references",
            _fields(
                ("prd*", "1:prd", "The PRD this requirement belongs to."),
                ("priority", v.Choice(("must", "should", "could", "wont")), "MoSCoW priority."),
            ),
            project_scoped=True,
            columns=("prd", "priority"),
        ),
        Kind(
            "adr",
            "ADR ID",
            "An architecture decision record.",
            "references",
            _fields(
                ("title", _TEXT, "Human title."),
                ("status*", ADR_STATUS, "Decision status."),
                ("date", v.Date(), "Date of the decision."),
                ("deciders", _TEXTS, "Who decided."),
                ("superseded-by", "1:adr", "The ADR that replaces this one."),
                ("supersedes", "adr", "ADRs this one replaces (adr-tools writes ``Supersedes`` links)."),
                ("amends", "adr", "ADRs this one changes in part, which stay in force (adr-tools' ``Amends``)."),
                ("amended-by", "adr", "ADRs that change this one in part (adr-tools' ``Amended by``)."),
            ),
            project_scoped=True,
            columns=("title", "status", "date", "superseded-by"),
            label="ADR",
        ),
        Kind(
            "component",
            "component ID",
            "A deployable component of the system.",
            "architecture",
            _fields(
                ("framework", _TEXT, "Framework or runtime."),
                ("purpose", _TEXT, "What it is for."),
                ("provides", _TEXTS, "Interfaces it offers (in)."),
                ("consumes", _TEXTS, "Interfaces it uses (out)."),
                ("depends-on", "component", "Components it depends on."),
                ("scale", _TEXT, "Scale / HA notes."),
                ("owner", _TEXT, "Owning team."),
            ),
            columns=("framework", "purpose", "depends-on", "scale", "owner"),
        ),
        Kind(
            "api-endpoint",
            "``METHOD /path``",
            "An HTTP API endpoint.",
            "interfaces",
            _fields(
                ("request", _TEXT, "Request body shape."),
                ("response", _TEXT, "Response body shape."),
                Field("async", v.Boolean(), "Flag: answers 202 with a task id.", change_rule="async"),
                ("errors", "error-code", "Error codes it may return."),
                ("component", "1:component", "Component serving it."),
                ("auth", _TEXT, "Auth required."),
                ("rate-limit", _TEXT, "Rate limit."),
            ),
            columns=("component", "request", "response", "errors", "auth"),
            argument_fields=_endpoint,
            derived_fields=(
                Field("method", v.HttpMethod(), "The HTTP method, from the argument."),
                Field("path", _TEXT, "The path, from the argument."),
            ),
            label="API endpoint",
            removal="an endpoint was removed",
        ),
        Kind(
            "service-interface",
            "name",
            "A service interface; the body is its signature, as code.",
            "interfaces",
            _fields(("component", "1:component", "Component implementing it.")),
            body="python",
            columns=("component",),
            removal="a service interface was removed",
        ),
        Kind(
            "data-schema",
            "name",
            "A data schema; the body lists fields, one ``name: type`` a line.",
            "interfaces",
            _fields(),
            body_fields=_schema_fields,
            derived_fields=(
                Field(
                    "schema-fields",
                    _RECORDS,
                    "The parsed fields: name, type, optional, default.",
                    change_rule="schema-fields",
                ),
            ),
            columns=("schema-fields",),
            removal="a data schema was removed",
            contract="schema-version",
        ),
        Kind(
            "error-code",
            "code",
            "One entry of the error taxonomy.",
            "interfaces",
            _fields(
                Field("http-status", v.HttpStatus(), "HTTP status returned.", required=True, change_rule="http-status"),
                ("retryable", v.Boolean(), "Whether clients may retry."),
            ),
            columns=("http-status", "retryable"),
            removal="an error code was removed",
        ),
        Kind(
            "db-table",
            "table name",
            "A database table; the body is its DDL.",
            "data",
            _fields(
                ("component", "1:component", "Component owning the table."),
                ("indexes", _TEXTS, "Index names."),
            ),
            body="sql",
            body_fields=_ddl,
            columns=("component", "columns", "indexes"),
            derived_fields=(
                Field(
                    "columns",
                    _RECORDS,
                    "Columns parsed from ``CREATE TABLE``: name, type, constraints.",
                    change_rule="columns",
                ),
                Field("ddl-indexes", _RECORDS, "Indexes parsed from ``CREATE INDEX``: name, table, columns."),
            ),
            label="Database table",
            removal="a database table was dropped",
            contract="schema-version",
        ),
        Kind(
            "migration",
            "migration ID",
            "A schema migration.",
            "data",
            _fields(
                ("description*", _TEXT, "What it changes."),
                ("rollback*", _TEXT, "How to undo it."),
                ("tables", "db-table", "Tables it touches."),
            ),
            contract="schema-version",
        ),
        Kind(
            "retention",
            "data type",
            "How long a type of data is kept.",
            "data",
            _fields(("period*", _DURATION, "How long it is kept."), ("strategy*", _TEXT, "How it is cleaned up.")),
            label="Data retention",
            contract="schema-version",
        ),
        Kind(
            "sli",
            "SLI ID",
            "A service level indicator.",
            "reliability",
            _fields(
                (
                    "kind",
                    v.Choice(("availability", "latency", "error-rate", "throughput", "freshness", "other")),
                    "What it measures.",
                ),
                ("description", _TEXT, "How it is measured."),
            ),
            label="SLI",
        ),
        Kind(
            "slo",
            "SLO ID",
            "A service level objective over an SLI.",
            "reliability",
            _fields(
                ("sli*", "1:sli", "The SLI it constrains."),
                Field(
                    "target",
                    v.Target(),
                    "Objective: ``99.9%``, ``p95 < 400ms``, ``< 1% errors`` (see the targets page).",
                    required=True,
                    change_rule="slo",
                ),
                Field("window", _DURATION, "Measurement window.", required=True, change_rule="slo"),
                ("component", "1:component", "Component it applies to."),
            ),
            columns=("sli", "target", "window", "component", "error-budget-percent"),
            derived=_error_budget,
            derived_fields=_BUDGET,
            label="SLO",
            removal="an objective was dropped",
        ),
        Kind(
            "circuit-breaker",
            "ID",
            "A circuit breaker in front of a dependency.",
            "reliability",
            _fields(
                ("failure-threshold*", _POSITIVE, "Consecutive failures that open it."),
                ("recovery-timeout*", _DURATION, "Time before it half-opens."),
                ("component", "1:component", "Component holding the breaker."),
                ("dependency", "1:component", "Component it protects against."),
            ),
        ),
        Kind(
            "retry-policy",
            "ID",
            "How calls are retried.",
            "reliability",
            _fields(
                ("max-retries*", v.Integer(minimum=0, maximum=100), "Retries after the first attempt."),
                ("backoff", v.Choice(("exponential", "linear", "constant")), "Backoff shape."),
                ("base", _DURATION, "First wait."),
                ("max", _DURATION, "Cap on each wait."),
                ("component", "1:component", "Component that retries."),
            ),
            columns=("max-retries", "backoff", "base", "max", "worst-case-delay"),
            derived=_retry_delay,
            derived_fields=_RETRY,
        ),
        Kind(
            "timeout",
            "operation",
            "A timeout on an operation.",
            "reliability",
            _fields(
                Field("value", _DURATION, "The timeout.", required=True, change_rule="timeout"),
                ("component", "1:component", "Component applying it."),
            ),
        ),
        Kind(
            "auth",
            "mechanism",
            "An authentication or authorization mechanism.",
            "security",
            _fields(
                ("permission-model", _TEXT, "How permissions are granted."),
                ("component", "1:component", "Component enforcing it."),
            ),
            label="Auth",
        ),
        Kind(
            "data-class",
            "data type",
            "Privacy classification of a type of data.",
            "security",
            _fields(
                ("classification*", v.Choice(("PII", "Sensitive", "Public")), "Privacy class."),
                ("handling*", _TEXT, "Handling rules."),
            ),
            label="Data class",
        ),
        Kind(
            "secret",
            "name",
            "A secret and how it is managed.",
            "security",
            _fields(("store", _TEXT, "Where it is kept."), ("rotation", _DURATION, "Rotation period.")),
        ),
        Kind(
            "audit-event",
            "event",
            "An audit-logged event.",
            "security",
            _fields(("retention", _DURATION, "How long the log is kept."), ("fields", _TEXTS, "Fields logged.")),
        ),
        Kind(
            "test-strategy",
            "test type",
            "One row of the test strategy.",
            "evaluation",
            _fields(
                ("scope", _TEXT, "What it covers."),
                ("coverage-target", _TEXT, "Coverage target: a percentage or words."),
            ),
        ),
        Kind(
            "benchmark",
            "operation",
            "A performance benchmark.",
            "evaluation",
            _fields(
                ("target*", v.Target(), "Target, e.g. ``p95 < 300ms at 200 rps``."),
                ("measurement", _TEXT, "How it is measured."),
            ),
        ),
        Kind(
            "quality-gate",
            "name",
            "A quality gate.",
            "evaluation",
            _fields(("threshold*", _TEXT, "The threshold to pass.")),
        ),
    )
}


#: the kinds traceability is made of (PRDs, requirements, specs, ADRs): those whose IDs
#: are unique in the project; the matrix, the report's coverage and ReqIF's documents read them
TRACED = frozenset(name for name, kind in KINDS.items() if kind.project_scoped)

#: fields that claim something of their target: a pin on them is checked (core/suspect.py)
PINNED_FIELDS = ("satisfies", "decided-by", "adrs")
#: kinds such links point at that have no ``version``: they are pinned by fingerprint,
#: which their cards show (requirements and ADRs)
FINGERPRINT_PINNED = frozenset(
    f.ref
    for kind in KINDS.values()
    for f in kind.fields
    if f.name in PINNED_FIELDS and f.ref and KINDS[f.ref].field("version") is None
)
