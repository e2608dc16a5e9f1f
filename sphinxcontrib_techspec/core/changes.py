"""Change review: what changed between two indexes (two exports, two builds), and does it break a consumer?

Items are matched by identity (kind, spec, ID; project-wide kinds by kind and
ID) and compared field by field on their typed values. Each change is

- **breaking** when a consumer written against the old spec can fail against the
  new one (the rules are :data:`RULES`, documented in the Workflow guide);
- **editorial** when only words a reader reads changed (a title, prose, an owner);
- **compatible** otherwise (an endpoint added, an SLO tightened, a version bumped).

A breaking change is a *finding* unless its spec's contract version (``:api-version:``
for interfaces and objectives, ``:schema-version:`` for data) got a new major number.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .index import Index
from .kinds import KINDS
from .model import Item, spec_of
from .values import version_key

BREAKING, COMPATIBLE, EDITORIAL = "breaking", "compatible", "editorial"
_RANK = {EDITORIAL: 0, COMPATIBLE: 1, BREAKING: 2}

#: fields a reader reads but no consumer depends on
EDITORIAL_FIELDS = frozenset(
    {"title", "purpose", "description", "owner", "scale", "measurement", "deciders", "url", "git-tag", "framework"}
)
#: derived values that are the contract itself (the rest follow from options and are not compared)
COMPARED_DERIVED = frozenset({"schema-fields", "columns", "ddl-indexes"})

#: the rules, one line each, as the docs list them; a kind's ``removal`` and a field's ``change_rule``
#: (core/kinds.py) say which apply to it
RULES = {
    "removed": "An api-endpoint, error-code, service-interface, data-schema, db-table or slo is removed.",
    "schema-fields": "A data-schema gains a required field (optional False), loses a field, changes a field's type, "
    "or makes an optional field required.",
    "columns": "A db-table loses a column or changes a column's type.",
    "slo": "An SLO is loosened: a lower ``>=`` target or a higher ``<`` threshold (same unit), a lower percentile, "
    "a longer window (a bad spell hides in it), a target of another shape, or one that holds at a lighter load "
    "or now only at a given load.",
    "timeout": "A timeout on component C gets shorter than a caller waits for it: the value of another timeout, "
    "or the worst-case delay of a retry policy, on C or on a component whose :depends-on: names C.",
    "http-status": "An error code's :http-status: changes.",
    "async": "An endpoint's :async: changes (the response becomes, or stops being, 202 with a task id).",
    "signature": "A service interface's signature (its body) changes.",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    cls: str
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new, "class": self.cls, "reason": self.reason}


@dataclass(frozen=True)
class Change:
    kind: str
    id: str
    spec: str | None
    change: str  # added | removed | changed
    cls: str
    fields: tuple[FieldChange, ...] = ()
    reason: str = ""
    docname: str | None = None
    lineno: int | None = None

    @property
    def owning_spec(self) -> str | None:
        return spec_of(self.kind, self.id, self.spec)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "spec": self.spec,
            "change": self.change,
            "class": self.cls,
            "reason": self.reason,
            "fields": [f.to_json() for f in self.fields],
        }


@dataclass(frozen=True)
class Finding:
    spec: str | None
    version: str  # the contract version that should have had a new major number
    old: str | None
    new: str | None
    changes: tuple[Change, ...]

    @property
    def message(self) -> str:
        count = f"{len(self.changes)} breaking change{'s' if len(self.changes) != 1 else ''}"
        if self.spec is None:
            return f"{count} outside any spec, so no :{self.version}: says so"
        if self.new is None and self.old is None:
            return f"{self.spec}: {count}, and the spec has no :{self.version}: to bump"
        if self.new is None:
            return f"{self.spec}: {count}, and :{self.version}: {self.old} is gone"
        return f"{self.spec}: {count}, but :{self.version}: went {self.old or '(none)'} -> {self.new}, not a new major version"

    def to_json(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "version": self.version,
            "old": self.old,
            "new": self.new,
            "message": self.message,
            "changes": [[c.kind, c.id] for c in self.changes],
        }


@dataclass
class Report:
    old_project: str
    new_project: str
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def by_spec(self) -> dict[str | None, list[Change]]:
        out: dict[str | None, list[Change]] = {}
        for change in self.changes:
            out.setdefault(change.owning_spec, []).append(change)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old_project,
            "new": self.new_project,
            "changes": [c.to_json() for c in self.changes],
            "findings": [f.to_json() for f in self.findings],
        }


class OtherProject(ValueError):
    """The two exports are of different projects."""


def compare(old: Index, new: Index, old_project: str = "", new_project: str = "", any_project: bool = False) -> Report:
    """Every added, removed and changed item, classified; and the findings. Never raises on valid indexes
    (except :class:`OtherProject` when the projects differ and ``any_project`` is false)."""
    if old_project != new_project and not any_project:
        raise OtherProject(
            f"the exports are of different projects ({old_project!r} and {new_project!r}); "
            "compare two exports of one project"
        )
    before, after = _by_key(old.items), _by_key(new.items)
    report = Report(old_project, new_project)
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[1] or "", k[0], k[2])):
        a, b = before.get(key), after.get(key)
        if a is None and b is not None:
            report.changes.append(_change(b, "added", COMPATIBLE, reason="added"))
        elif b is None and a is not None:
            reason = KINDS[a.kind].removal
            report.changes.append(_change(a, "removed", BREAKING if reason else COMPATIBLE, reason=reason or "removed"))
        elif a is not None and b is not None:
            fields = _field_changes(a, b, new)
            if fields:
                worst = max(fields, key=lambda f: _RANK[f.cls])
                report.changes.append(_change(b, "changed", worst.cls, tuple(fields), worst.reason))
    report.findings = _findings(report.changes, old, new)
    return report


def _by_key(items: Iterable[Item]) -> dict[tuple[str, str | None, str], Item]:
    out: dict[tuple[str, str | None, str], Item] = {}
    for item in items:
        if not item.external:
            out.setdefault(item.key, item)  # a duplicate is the build's warning; the first is the item
    return out


def _change(item: Item, change: str, cls: str, fields: tuple[FieldChange, ...] = (), reason: str = "") -> Change:
    return Change(item.kind, item.id, item.spec, change, cls, fields, reason, item.docname, item.lineno)


def _compared(item: Item) -> list[str]:
    kind = KINDS[item.kind]
    names = [f.name for f in kind.fields] + [f.name for f in kind.derived_fields if f.name in COMPARED_DERIVED]
    return names


def _field_changes(a: Item, b: Item, new: Index) -> list[FieldChange]:
    out = []
    for name in _compared(b):
        old, now = a.fields.get(name), b.fields.get(name)
        if old == now:
            continue
        cls, reason = _classify(b, name, old, now, new)
        out.append(FieldChange(name, old, now, cls, reason))
    if a.title != b.title and "title" not in KINDS[b.kind].by_name:
        out.append(FieldChange("title", a.title, b.title, EDITORIAL, "the title changed"))
    if a.body.strip() != b.body.strip() and not KINDS[b.kind].body_fields:
        prose = KINDS[b.kind].body == "prose"
        out.append(
            FieldChange(
                "body",
                a.body.strip(),
                b.body.strip(),
                EDITORIAL if prose else BREAKING,
                "the prose changed" if prose else "the signature changed",
            )
        )
    return out


def _classify(item: Item, name: str, old: Any, new: Any, index: Index) -> tuple[str, str]:
    if name in EDITORIAL_FIELDS:
        return EDITORIAL, f"the {name} changed"
    declared = KINDS[item.kind].shown.get(name)
    rule = declared.change_rule if declared else ""
    if rule == "schema-fields":
        return _schema_fields(old or [], new or [])
    if rule == "columns":
        return _columns(old or [], new or [])
    if rule == "slo":
        return _slo(name, old, new)
    if rule == "timeout":
        return _timeout(item, old, new, index)
    if rule == "http-status":
        return BREAKING, "the HTTP status changed"
    if rule == "async":
        return BREAKING, "the endpoint became asynchronous" if new else "the endpoint stopped being asynchronous"
    return COMPATIBLE, f"the {name} changed"


def _records(value: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.setdefault(entry["name"], entry)
    return out


def _schema_fields(old: Any, new: Any) -> tuple[str, str]:
    a, b = _records(old), _records(new)
    for name in sorted(b.keys() - a.keys()):
        if not b[name].get("optional") and b[name].get("default") is None:
            return BREAKING, f"required field {name!r} added"
    for name in sorted(a.keys() - b.keys()):
        return BREAKING, f"field {name!r} removed"
    for name in sorted(a.keys() & b.keys()):
        if a[name].get("type") != b[name].get("type"):
            return BREAKING, f"field {name!r} changed type"
        if a[name].get("optional") and not b[name].get("optional"):
            return BREAKING, f"field {name!r} became required"
    return COMPATIBLE, "optional fields added or defaults changed"


def _columns(old: Any, new: Any) -> tuple[str, str]:
    a, b = _records(old), _records(new)
    for name in sorted(a.keys() - b.keys()):
        return BREAKING, f"column {name!r} dropped"
    for name in sorted(a.keys() & b.keys()):
        if a[name].get("type") != b[name].get("type"):
            return BREAKING, f"column {name!r} changed type"
    return COMPATIBLE, "columns added or constraints changed"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _slo(name: str, old: Any, new: Any) -> tuple[str, str]:
    if name == "window":
        a, b = _number(old), _number(new)
        if a is not None and b is not None and b > a:
            return BREAKING, "the window is longer: a bad spell hides in it (the objective is looser)"
        if b is None:
            return BREAKING, "the window was dropped"
        return COMPATIBLE, "the window is shorter or new (the objective is stricter)"
    if not isinstance(old, dict) or not isinstance(new, dict):
        return (BREAKING, "the target was dropped") if old is not None else (COMPATIBLE, "a target was set")
    if old.get("unit") != new.get("unit") or (old.get("percentile") is None) != (new.get("percentile") is None):
        return BREAKING, "the target has another shape: consumers cannot hold it to the old one"
    was, now = old.get("load"), new.get("load")
    if now and (not was or was.get("unit") != now.get("unit")):
        return BREAKING, "the target now holds only at a given load"
    if was and now and (_number(now.get("value")) or 0) < (_number(was.get("value")) or 0):
        return BREAKING, "the target holds at a lighter load (the objective is looser)"
    a, b = _number(old.get("value")), _number(new.get("value"))
    lower = str(old.get("comparator", "")).startswith(">")
    if lower != str(new.get("comparator", "")).startswith(">") or a is None or b is None:
        return BREAKING, "the target's direction changed"
    looser = (b < a) if lower else (b > a)
    pa, pb = _number(old.get("percentile")), _number(new.get("percentile"))
    if pa is not None and pb is not None and pb < pa:
        looser = True
    if looser:
        return BREAKING, "the objective is looser"
    return COMPATIBLE, "the objective is the same or stricter"


def _timeout(item: Item, old: Any, new: Any, index: Index) -> tuple[str, str]:
    a, b = _number(old), _number(new)
    if a is None or b is None or b >= a:
        return COMPATIBLE, "the timeout is longer, or new"
    callee = item.fields.get("component")
    callers = {callee} | {
        c.id for c in index.of_kind("component") if c.spec == item.spec and callee in (c.fields.get("depends-on") or [])
    }
    for other in (*index.of_kind("timeout"), *index.of_kind("retry-policy")):
        if other is item or other.spec != item.spec or other.fields.get("component") not in callers:
            continue
        waits = _number(other.fields.get("value" if other.kind == "timeout" else "worst-case-delay"))
        if callee is not None and waits is not None and b < waits <= a:
            return BREAKING, f"shorter than {other.kind} {other.id!r} waits for it ({_plain(waits)}s)"
    return COMPATIBLE, "the timeout is shorter, but no caller waits longer"


def _plain(number: float) -> str:
    return f"{number:g}"


def _findings(changes: list[Change], old: Index, new: Index) -> list[Finding]:
    breaking: dict[tuple[str | None, str], list[Change]] = {}
    for change in changes:
        if change.cls == BREAKING and change.kind != "spec":
            breaking.setdefault((change.spec, KINDS[change.kind].contract), []).append(change)
    out = []
    for (spec, version), group in sorted(breaking.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        a, b = (old.get("spec", spec), new.get("spec", spec)) if spec else (None, None)
        before = a.fields.get(version) if a else None
        after = b.fields.get(version) if b else None
        if spec and isinstance(before, str) and isinstance(after, str) and _major(after) > _major(before):
            continue
        out.append(
            Finding(
                spec,
                version,
                before if isinstance(before, str) else None,
                after if isinstance(after, str) else None,
                tuple(group),
            )
        )
    return out


def _major(version: str) -> int:
    try:
        return version_key(version)[0]
    except (ValueError, IndexError):
        return -1


def show(kind: str, name: str, value: Any) -> str:
    """A field's value as a reader writes it (``p95 < 400ms``, ``30d``), for the reports."""
    if value is None or value == [] or value == "":
        return "(none)"
    declared = KINDS[kind].shown.get(name) if kind in KINDS else None
    if declared is not None:
        try:
            return declared.parser.format(value)
        except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError):
            pass
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def describe(kind: str, change: FieldChange) -> str:
    """``target: >= 99.9% -> >= 99.5%``; for rows (schema fields, columns) only the rows that differ."""
    if change.field in COMPARED_DERIVED:
        a, b = _records(change.old), _records(change.new)
        parts = [f"+{name} ({b[name].get('type')})" for name in b if name not in a]
        parts += [f"-{name}" for name in a if name not in b]
        parts += [
            f"{name}: {a[name].get('type')} -> {b[name].get('type')}" for name in a if name in b and a[name] != b[name]
        ]
        return f"{change.field}: {', '.join(parts) or 'reordered'}"
    return f"{change.field}: {show(kind, change.field, change.old)} -> {show(kind, change.field, change.new)}"


def table_rows(report: Report, docname: str) -> list[tuple[str | None, list[list[list[Any]]]]]:
    """Per spec, the rows a ``techspec-changes`` table shows: change, kind, item (a link
    when it is in this build), class, what changed. Cells are :mod:`.present` cells."""
    from .present import Ref

    out = []
    for spec, group in report.by_spec().items():
        rows = []
        for change in group:
            scoped = not KINDS[change.kind].project_scoped and change.spec
            target = f"{change.spec}::{change.id}" if scoped else change.id
            item: list[Any] = (
                [change.id] if change.change == "removed" else [Ref(change.kind, target, change.id, docname)]
            )
            what = "; ".join(describe(change.kind, f) for f in change.fields)
            rows.append([[change.change], [change.kind], item, [change.cls], [what or change.reason]])
        out.append((spec, rows))
    return out


# -- reports (``techspec diff --format``) ------------------------------------------------------------

_MARKS = {"added": "+", "removed": "-", "changed": "~"}


def _heading(spec: str | None) -> str:
    return spec or "(no spec)"


def as_text(report: Report) -> str:
    lines = []
    for spec, group in report.by_spec().items():
        lines.append(_heading(spec))
        for change in group:
            lines.append(
                f"  {_MARKS[change.change]} {change.change} {change.kind} {change.id!r}: {change.cls} ({change.reason})"
            )
            for fc in change.fields:
                lines.append(f"      {describe(change.kind, fc)}  [{fc.cls}: {fc.reason}]")
    if not report.changes:
        lines.append("No changes.")
    if report.findings:
        lines.append("")
        lines.append(f"Findings ({len(report.findings)}): breaking changes without a major version bump")
        lines.extend(f"  {finding.message}" for finding in report.findings)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(report: Report) -> str:
    """A pull-request comment: findings first, then one table per spec."""
    counts = {cls: sum(c.cls == cls for c in report.changes) for cls in (BREAKING, COMPATIBLE, EDITORIAL)}
    out = ["## Spec changes", ""]
    out.append(", ".join(f"**{n}** {cls}" for cls, n in counts.items()) if report.changes else "No changes.")
    out.append("")
    if report.findings:
        out.append("### :warning: Breaking changes without a major version bump")
        out.append("")
        out.extend(f"- {_cell(finding.message)}" for finding in report.findings)
        out.append("")
    for spec, group in report.by_spec().items():
        out += [f"### {_cell(_heading(spec))}", "", "| | kind | ID | class | what changed |", "|---|---|---|---|---|"]
        for change in group:
            what = "<br>".join(_cell(describe(change.kind, fc)) for fc in change.fields) or change.reason
            out.append(
                f"| {change.change} | {change.kind} | `{_cell(change.id)}` | "
                f"{'**breaking**' if change.cls == BREAKING else change.cls} | {what} |"
            )
        out.append("")
    return "\n".join(out)


def as_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


#: ``techspec diff --format``: name -> writer of the report
REPORT_FORMATS: dict[str, Callable[[Report], str]] = {"text": as_text, "markdown": as_markdown, "json": as_json}
