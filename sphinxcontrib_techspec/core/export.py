"""``techspec.json`` and its JSON Schema, both derived from the kind declarations."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .index import Index, Link
from .kinds import KINDS
from .model import Item

SCHEMA_ID = "techspec/1"


def export(
    index: Index,
    project: str,
    extra: dict[str, Any] | None = None,
    sources: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The export as a dict; deterministic: items sorted, no timestamps.
    ``sources``: docname -> its file relative to the source folder, recorded as each item's ``source``."""
    sources = sources or {}
    out: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "project": project,
        "items": [item_entry(item, sources) for item in index.items if not item.external],
        "links": [link_entry(link) for link in index.links if not link.source.external],
    }
    out.update(extra or {})
    return out


def item_entry(item: Item, sources: Mapping[str, str]) -> dict[str, Any]:
    """One item as the export records it."""
    return _with_source(item.to_json(), sources)


def link_entry(link: Link) -> dict[str, Any]:
    """One reference as the export records it, resolved."""
    return {
        "source": [link.source.kind, link.source.qualified_id],
        "field": link.field,
        "kind": link.kind,
        "target": link.target,
        "version": link.version,
        "resolved": link.item.qualified_id if link.item else None,
        "status": link.resolution.status,
    }


def _with_source(entry: dict[str, Any], sources: Mapping[str, str]) -> dict[str, Any]:
    if entry["docname"] in sources:
        entry["source"] = sources[entry["docname"]]
    return entry


def locations(index: Index) -> dict[str, str]:
    """docname -> source file of the items read from an export that records it
    (``platform/inventory`` -> ``platform/inventory.md``): where a warning points a reader."""
    return {item.docname: item.source for item in index.items if item.source}


def read(data: Any) -> tuple[str, Index]:
    """A ``techspec.json`` (already decoded) read back as the index the build had:
    the project's name and its own items. What ``techspec export`` and ``diff``
    work on, so they never parse or resolve anything their own way.
    Raises ValueError when ``data`` is not a valid export."""
    from .federation import validate

    validate(data)
    return data["project"], Index(Item.from_json(entry) for entry in data["items"] if not entry.get("external"))


#: one encoder for every line (``json.dumps`` with options builds one per call)
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def encode(entry: Any) -> str:
    """One entry (an item, a link) as its line of the export."""
    return _ENCODER.encode(entry)


def dumps(data: dict[str, Any], encoded: Mapping[str, Sequence[str]] | None = None) -> str:
    """Sorted keys, one item (or link) a line: diffable, deterministic, and
    written by json's C encoder (``indent=`` would use the pure-Python one).
    ``encoded``: key -> its list's entries already encoded (:func:`encode`),
    used in place of ``data[key]``."""

    encoded = encoded or {}

    def top(key: str) -> str:
        lines = encoded.get(key)
        if lines is None:
            value = data[key]
            if not (isinstance(value, list) and value):
                return encode(value)
            lines = [encode(entry) for entry in value]
        if not lines:
            return "[]"
        return "[\n" + ",\n".join(f"    {line}" for line in lines) + "\n  ]"

    keys = sorted({*data, *encoded})
    return "{\n" + ",\n".join(f"  {encode(key)}: {top(key)}" for key in keys) + "\n}\n"


def _kind_schema(name: str) -> dict[str, Any]:
    kind = KINDS[name]
    properties = {f.name: {**f.parser.schema(), "description": f.doc} for f in kind.shown.values()}
    return {
        "type": "object",
        "properties": {
            "kind": {"const": name},
            "fields": {"type": "object", "properties": properties, "additionalProperties": False},
        },
    }


def schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``techspec.json``."""
    problem = {
        "type": "object",
        "properties": {"subtype": {"type": "string"}, "message": {"type": "string"}},
        "required": ["subtype", "message"],
    }
    item = {
        "type": "object",
        "required": ["kind", "id", "spec", "docname", "lineno", "title", "fields"],
        "properties": {
            "kind": {"enum": sorted(KINDS)},
            "id": {"type": "string", "minLength": 1},
            "spec": {"type": ["string", "null"]},
            "docname": {"type": "string"},
            "source": {
                "type": "string",
                "description": "the document's file, relative to the source folder (platform/inventory.md)",
            },
            "lineno": {"type": ["integer", "null"]},
            "title": {"type": "string"},
            "anchor": {"type": "string"},
            "fields": {"type": "object"},
            "raw": {"type": "object", "additionalProperties": {"type": "string"}},
            "body": {"type": "string", "description": "the directive body as written"},
            "fingerprint": {"type": "string"},
            "problems": {"type": "array", "items": problem},
            "pins": {
                "type": "object",
                "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "external": {"type": "string"},
            "url": {"type": ["string", "null"]},
        },
        "allOf": [
            {"if": {"properties": {"kind": {"const": name}}}, "then": _kind_schema(name)} for name in sorted(KINDS)
        ],
    }
    link = {
        "type": "object",
        "required": ["source", "field", "kind", "target", "resolved", "status"],
        "properties": {
            "source": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
            "field": {"type": "string"},
            "kind": {"enum": sorted(KINDS)},
            "target": {"type": "string"},
            "version": {"type": ["string", "null"]},
            "resolved": {"type": ["string", "null"]},
            "status": {"enum": ["ok", "unknown", "ambiguous"]},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sphinxcontrib-techspec.readthedocs.io/techspec-1.schema.json",
        "title": "techspec.json",
        "type": "object",
        "required": ["schema", "project", "items"],
        "properties": {
            "schema": {"const": SCHEMA_ID},
            "project": {"type": "string"},
            "items": {"type": "array", "items": item},
            "links": {"type": "array", "items": link},
            "pages": {
                "type": "object",
                "description": "HTML builds: docname -> URL of its page relative to the output folder.",
                "additionalProperties": {"type": "string"},
            },
        },
    }
