"""Items and problems: plain data, built from what a directive was given."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .kinds import KINDS, Kind
from .values import ListOf, VersionedReference

SPEC_SEPARATOR = "::"
#: ``json.dumps(..., sort_keys=True)`` without building an encoder per call
_SORTED_JSON = json.JSONEncoder(sort_keys=True)
#: an option value still to be written: ``TODO(what to write)``, as ``techspec new`` leaves them
PLACEHOLDER = re.compile(r"\s*TODO\((?P<hint>.*)\)\s*", re.DOTALL)


def is_placeholder(text: str) -> bool:
    return PLACEHOLDER.fullmatch(text) is not None


def spec_of(kind: str, item_id: str, spec: str | None) -> str | None:
    """The spec an item belongs to, as every ``:spec:`` option reads it: a spec belongs to itself."""
    return item_id if kind == "spec" else spec


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, to be reported as ``[techspec.<subtype>]``."""

    subtype: str
    message: str
    docname: str | None = None
    lineno: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"subtype": self.subtype, "message": self.message}


@dataclass
class Item:
    kind: str
    id: str
    docname: str
    lineno: int
    spec: str | None = None
    title: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    body: str = ""
    anchor: str = ""
    problems: list[Problem] = field(default_factory=list)
    #: where the item comes from when it was imported from another project
    external: str | None = None
    url: str | None = None
    #: ``ID@pin`` in a reference field: (field, target ID) -> pin (a version or a fingerprint)
    pins: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the source file, relative to the source folder (``platform/inventory.md``), as the export records it
    source: str | None = None

    @property
    def declaration(self) -> Kind:
        return KINDS[self.kind]

    @property
    def key(self) -> tuple[str, str | None, str]:
        """Identity: project-scoped kinds are unique by ID, the rest per spec."""
        return (self.kind, None if self.declaration.project_scoped else self.spec, self.id)

    @property
    def mention(self) -> str:
        """How a message names the item: ``SLO 'checkout-latency'``, ``API endpoint 'GET /x'``."""
        return f"{self.declaration.noun} {self.id!r}"

    @property
    def owning_spec(self) -> str | None:
        return spec_of(self.kind, self.id, self.spec)

    @property
    def qualified_id(self) -> str:
        if self.declaration.project_scoped or not self.spec:
            return self.id
        return f"{self.spec}{SPEC_SEPARATOR}{self.id}"

    @cached_property
    def fingerprint(self) -> str:
        """Digest of what the item says, so a link can notice its target changed.
        Computed once (``build_item`` asks for it while the document is read) and
        kept with the item in the environment, so no later build computes it again."""
        payload = _SORTED_JSON.encode([self.kind, self.id, self.raw, self.body.strip()])
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    def references(self) -> list[tuple[str, str, str, str | None]]:
        """(field, target kind, target ID, pinned version) for every reference it makes."""
        out = []
        for fld in self.declaration.fields:
            if not fld.ref or fld.name not in self.fields:
                continue
            value = self.fields[fld.name]
            for entry in value if isinstance(value, list) else [value]:
                if isinstance(entry, dict):
                    out.append((fld.name, fld.ref, entry["id"], entry.get("version")))
                else:
                    out.append((fld.name, fld.ref, entry, self.pins.get(fld.name, {}).get(entry)))
        return out

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Item:
        """An item of a (validated) ``techspec.json``, as the exporting build had it."""
        docname = entry["docname"]
        lineno = entry.get("lineno") or 0
        return cls(
            kind=entry["kind"],
            id=entry["id"],
            docname=docname,
            lineno=lineno,
            spec=entry.get("spec"),
            title=entry["title"],
            fields=entry["fields"],
            raw=entry.get("raw", {}),
            # the body keeps the fingerprint equal to the exporter's, so pins on imported items hold
            body=entry.get("body", ""),
            anchor=entry.get("anchor", ""),
            problems=[Problem(p["subtype"], p["message"], docname, lineno) for p in entry.get("problems", [])],
            pins=entry.get("pins", {}),
            source=entry.get("source"),  # exports before 'source' name the document only
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "spec": self.spec,
            "docname": self.docname,
            "lineno": self.lineno,
            "title": self.title,
            "anchor": self.anchor,
            "fields": self.fields,
            "raw": self.raw,
            "body": self.body,
            "fingerprint": self.fingerprint,
            "problems": [p.to_json() for p in self.problems],
        }
        if self.pins:
            out["pins"] = self.pins
        if self.source:
            out["source"] = self.source
        if self.external:
            out["external"] = self.external
            out["url"] = self.url
        return out


def build_item(
    kind: Kind,
    item_id: str,
    options: dict[str, str],
    body: str,
    docname: str,
    lineno: int,
) -> Item:
    """Parse options into typed fields. Never raises: every problem is recorded
    on the item and the item keeps whatever could be parsed."""
    item = Item(kind.name, item_id.strip(), docname, lineno, body=body)
    problems = item.problems

    def problem(subtype: str, message: str) -> None:
        problems.append(Problem(subtype, f"{item.mention}: {message}", docname, lineno))

    raw = {name: as_text(value) for name, value in options.items()}
    item.raw = raw
    for name, text in raw.items():
        fld = kind.field(name)
        if fld is None:
            known = ", ".join(f.name for f in kind.fields)
            problem("unknown-option", f"unknown option :{name}: (known: {known})")
            continue
        placeholder = PLACEHOLDER.fullmatch(text)
        if placeholder:
            # one warning, instead of the bad-value, unknown-ref or check findings the text would give
            problem("placeholder", f":{name}: still to be written: {placeholder['hint'].strip() or 'a value'}")
            continue
        if fld.required and not text.strip():
            continue  # reported once below, as missing-option, not also as bad-value
        parser = fld.parser
        if fld.ref and not isinstance(getattr(parser, "item", parser), VersionedReference):
            text = _strip_pins(item, name, text)
        try:
            if isinstance(parser, ListOf):
                entries, empty = parser.split(text)
                if empty:
                    problem("empty-entry", f":{name}: has {empty} empty list entr{'y' if empty == 1 else 'ies'}")
                parsed, bad = [], []
                for entry in entries:
                    try:
                        parsed.append(parser.item.parse(entry))
                    except ValueError as error:
                        bad.append(str(error))
                if bad:
                    subtype = "bad-choice" if "is not one of" in bad[0] else "bad-value"
                    problem(subtype, f":{name}: {'; '.join(bad)}")
                item.fields[name] = parsed
            else:
                item.fields[name] = parser.parse(text)
        except ValueError as error:
            subtype = "bad-choice" if "is not one of" in str(error) else "bad-value"
            problem(subtype, f":{name}: {error}")
    for fld in kind.fields:
        if fld.required and not raw.get(fld.name, "").strip():
            problem("missing-option", f"required option :{fld.name}: is missing")
    if kind.argument_fields:
        try:
            item.fields.update(kind.argument_fields(item.id))
        except ValueError as error:
            problem("bad-value", f"argument: {error}")
    if kind.body_fields and body.strip():
        try:
            item.fields.update(kind.body_fields(body))
        except ValueError as error:
            problem("bad-value", f"body: {error}")
    if kind.derived:
        try:
            derived = kind.derived(item.fields)
            json.dumps(derived, allow_nan=False)  # an overflow to infinity is no JSON number
        except (ArithmeticError, ValueError):
            problem("bad-value", "the values are too large to compute what follows from them")
        else:
            item.fields.update(derived)
    item.title = item.fields.get("title") or item.id
    item.fingerprint  # noqa: B018 - computed now, while reading (in parallel with -j), and kept
    return item


def as_text(value: Any) -> str:
    """Option values are strings, but a MyST YAML options block may give numbers or lists."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(as_text, value))
    return str(value)


def _strip_pins(item: Item, name: str, text: str) -> str:
    """``REQ-1@3f2a9c, REQ-2`` -> ``REQ-1, REQ-2``, noting the pin of REQ-1."""
    kept = []
    for entry in text.split(","):
        target, sep, pin = entry.partition("@")
        if sep and target.strip() and pin.strip():
            item.pins.setdefault(name, {})[target.strip()] = pin.strip()
        kept.append(target if sep else entry)
    return ",".join(kept)


_OPTION_LINE = re.compile(r":(?P<name>[^:\s][^:]*?):(?:\s+(?P<value>.*?))?\s*$")


def read_option_lines(lines: list[str]) -> tuple[dict[str, str], int]:
    """Leading ``:name: value`` lines, as docutils and MyST write directive
    options (a value may go on over deeper-indented lines), and how many lines
    they take. Names are not checked here: an unknown option is a warning for
    the caller, never a refused directive."""
    options: dict[str, str] = {}
    used, name = 0, None
    for line in lines:
        match = _OPTION_LINE.match(line)
        if match:
            name = match["name"]
            options[name] = match["value"] or ""
        elif name is not None and line[:1].isspace() and line.strip():
            options[name] = f"{options[name]} {line.strip()}".strip()
        else:
            break
        used += 1
    # a value quoted whole (as MyST's YAML options needed for ``>= 500 rps``) is unquoted
    return {k: v[1:-1] if len(v) > 1 and v[0] == v[-1] and v[0] in "'\"" else v for k, v in options.items()}, used


def split_target(target: str) -> tuple[str | None, str]:
    """``SPEC-A::GET /x`` -> (``SPEC-A``, ``GET /x``); ``x`` -> (None, ``x``)."""
    spec, sep, rest = target.partition(SPEC_SEPARATOR)
    return (spec.strip(), rest.strip()) if sep else (None, target.strip())
