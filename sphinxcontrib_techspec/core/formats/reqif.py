"""ReqIF 1.2 for requirements tools: PRDs, requirements, specs, ADRs (and every item that
``:satisfies:`` a requirement or is ``:decided-by:`` an ADR) as spec objects, their trace
links as spec relations, and one specification (hierarchy) per spec, plus one for the
PRDs and one for the ADRs.

Identifiers are derived from the items' kinds and IDs (stable across builds);
every time stamp is ``Options.reqif_time`` (``techspec_reqif_time``), fixed so
the same specs give the same bytes. Attribute names follow the ReqIF
Implementation Guide (``ReqIF.ForeignID``, ``ReqIF.Name``, ``ReqIF.Text``).
"""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import quoteattr

from ..index import Index, Link
from ..kinds import KINDS, TRACED
from ..model import Item, Problem
from ..present import format_value
from . import Format, Options, Written

NAMESPACE = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd"
#: kinds that are always spec objects: traceability's own (PRDs, requirements, specs, ADRs)
DOCUMENTS = TRACED
#: link fields that become relations between spec objects
TRACE_FIELDS = ("satisfies", "decided-by", "prd", "adrs", "superseded-by", "supersedes", "related")
STRING = "DT-STRING"


def identifier(*parts: str) -> str:
    """An xsd:ID from readable parts; a digest when the parts hold characters an ID cannot."""
    text = "-".join(parts)
    clean = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    if clean != text:
        clean += "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return clean if re.match(r"[A-Za-z_]", clean) else "_" + clean


def _oid(item: Item) -> str:
    # ``SPEC-A.GET /x`` rather than ``SPEC-A::GET /x``: the ``::`` alone would cost a digest
    return identifier("SO", item.kind, item.qualified_id.replace("::", "."))


def _attributes(kind: str) -> list[tuple[str, str]]:
    """(attribute ID, long name) of a kind's object type: ID, name, its plain fields, text."""
    declaration = KINDS[kind]
    fields = [f.name for f in declaration.shown.values() if f.name != "title" and not f.ref]
    return [
        (identifier("AD", kind, "id"), "ReqIF.ForeignID"),
        (identifier("AD", kind, "name"), "ReqIF.Name"),
        (identifier("AD", kind, "kind"), "Kind"),
        (identifier("AD", kind, "spec"), "Spec"),
        *((identifier("AD", kind, f), f) for f in fields),
        (identifier("AD", kind, "text"), "ReqIF.Text"),
    ]


def _values(item: Item) -> dict[str, str]:
    declaration = item.declaration
    out = {"ReqIF.ForeignID": item.id, "ReqIF.Name": item.title, "Kind": item.kind, "Spec": item.spec or ""}
    for name, value in item.fields.items():
        field = declaration.shown.get(name)
        if field is not None and name != "title" and not field.ref:
            out[name] = format_value(field, value)
    out["ReqIF.Text"] = item.body.strip()
    return out


def selection(index: Index) -> tuple[list[Item], list[Link]]:
    """The spec objects and the relations between them."""
    linked = {link.source.key for link in index.links if link.field in ("satisfies", "decided-by") and link.item}
    objects = [i for i in index.items if i.kind in DOCUMENTS or i.key in linked]
    keys = {i.key for i in objects}
    relations = [
        link
        for link in index.links
        if link.field in TRACE_FIELDS and link.item is not None and link.source.key in keys and link.item.key in keys
    ]
    return objects, relations


#: an xsd:dateTime, as ReqIF's time stamps must be
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def write(index: Index, project: str, options: Options) -> Written:
    time = options.reqif_time
    problems = []
    if not DATE_TIME.fullmatch(time):
        time = Options.reqif_time
        problems.append(
            Problem(
                "bad-value",
                f"the ReqIF time {options.reqif_time!r} is not a date and time like "
                f"2026-11-26T12:00:00Z; {time} is written instead",
            )
        )
    objects, relations = selection(index)
    kinds = sorted({i.kind for i in objects}, key=list(KINDS).index)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<REQ-IF xmlns="{NAMESPACE}">', "  <THE-HEADER>"]
    out += [
        f"    <REQ-IF-HEADER IDENTIFIER={quoteattr(identifier('header', project))}>",
        f"      <CREATION-TIME>{time}</CREATION-TIME>",
        "      <REQ-IF-TOOL-ID>sphinxcontrib-techspec</REQ-IF-TOOL-ID>",
        "      <REQ-IF-VERSION>1.0</REQ-IF-VERSION>",
        "      <SOURCE-TOOL-ID>sphinxcontrib-techspec</SOURCE-TOOL-ID>",
        f"      <TITLE>{_escape(project)}</TITLE>",
        "    </REQ-IF-HEADER>",
        "  </THE-HEADER>",
        "  <CORE-CONTENT>",
        "    <REQ-IF-CONTENT>",
        "      <DATATYPES>",
        f'        <DATATYPE-DEFINITION-STRING IDENTIFIER="{STRING}" LAST-CHANGE="{time}" LONG-NAME="String" MAX-LENGTH="1000000"/>',
        "      </DATATYPES>",
        "      <SPEC-TYPES>",
    ]
    for kind in kinds:
        out.append(
            f'        <SPEC-OBJECT-TYPE IDENTIFIER="{identifier("SOT", kind)}" LAST-CHANGE="{time}" '
            f"LONG-NAME={quoteattr(KINDS[kind].title)}>"
        )
        out.append("          <SPEC-ATTRIBUTES>")
        for ident, name in _attributes(kind):
            out += [
                f'            <ATTRIBUTE-DEFINITION-STRING IDENTIFIER="{ident}" LAST-CHANGE="{time}" LONG-NAME={quoteattr(name)}>',
                f"              <TYPE><DATATYPE-DEFINITION-STRING-REF>{STRING}</DATATYPE-DEFINITION-STRING-REF></TYPE>",
                "            </ATTRIBUTE-DEFINITION-STRING>",
            ]
        out += ["          </SPEC-ATTRIBUTES>", "        </SPEC-OBJECT-TYPE>"]
    for field in sorted({link.field for link in relations}):
        out.append(
            f'        <SPEC-RELATION-TYPE IDENTIFIER="{identifier("SRT", field)}" LAST-CHANGE="{time}" LONG-NAME={quoteattr(field)}/>'
        )
    out.append(f'        <SPECIFICATION-TYPE IDENTIFIER="ST-document" LAST-CHANGE="{time}" LONG-NAME="Document"/>')
    out += ["      </SPEC-TYPES>", "      <SPEC-OBJECTS>"]
    for item in objects:
        values = _values(item)
        out += [f'        <SPEC-OBJECT IDENTIFIER="{_oid(item)}" LAST-CHANGE="{time}">', "          <VALUES>"]
        for ident, name in _attributes(item.kind):
            if values.get(name):
                out += [
                    f"            <ATTRIBUTE-VALUE-STRING THE-VALUE={quoteattr(values[name])}>",
                    f"              <DEFINITION><ATTRIBUTE-DEFINITION-STRING-REF>{ident}</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION>",
                    "            </ATTRIBUTE-VALUE-STRING>",
                ]
        out += [
            "          </VALUES>",
            f"          <TYPE><SPEC-OBJECT-TYPE-REF>{identifier('SOT', item.kind)}</SPEC-OBJECT-TYPE-REF></TYPE>",
            "        </SPEC-OBJECT>",
        ]
    out.append("      </SPEC-OBJECTS>")
    if relations:
        out.append("      <SPEC-RELATIONS>")
        seen = set()
        for link in relations:
            assert link.item is not None
            ident = identifier("SR", _oid(link.source), link.field, _oid(link.item))
            if ident in seen:
                continue
            seen.add(ident)
            out += [
                f'        <SPEC-RELATION IDENTIFIER="{ident}" LAST-CHANGE="{time}">',
                f"          <SOURCE><SPEC-OBJECT-REF>{_oid(link.source)}</SPEC-OBJECT-REF></SOURCE>",
                f"          <TARGET><SPEC-OBJECT-REF>{_oid(link.item)}</SPEC-OBJECT-REF></TARGET>",
                f"          <TYPE><SPEC-RELATION-TYPE-REF>{identifier('SRT', link.field)}</SPEC-RELATION-TYPE-REF></TYPE>",
                "        </SPEC-RELATION>",
            ]
        out.append("      </SPEC-RELATIONS>")
    out.append("      <SPECIFICATIONS>")
    for ident, title, tree in _specifications(objects):
        out += [
            f'        <SPECIFICATION IDENTIFIER="{ident}" LAST-CHANGE="{time}" LONG-NAME={quoteattr(title)}>',
            "          <TYPE><SPECIFICATION-TYPE-REF>ST-document</SPECIFICATION-TYPE-REF></TYPE>",
            "          <CHILDREN>",
        ]
        for parent, children in tree:
            out += _hierarchy(ident, parent, children, time)
        out += ["          </CHILDREN>", "        </SPECIFICATION>"]
    out += ["      </SPECIFICATIONS>", "    </REQ-IF-CONTENT>", "  </CORE-CONTENT>", "</REQ-IF>", ""]
    return Written("\n".join(out), problems)


def _specifications(objects: list[Item]) -> list[tuple[str, str, list[tuple[Item, list[Item]]]]]:
    """Each spec with its items under it; the PRDs with their requirements; the ADRs."""
    out = []
    specs = [i for i in objects if i.kind == "spec"]
    for spec in specs:
        children = [i for i in objects if i.spec == spec.id and i.kind not in DOCUMENTS]
        out.append((identifier("SPEC", spec.id), f"{spec.id}: {spec.title}", [(spec, children)]))
    prds = [i for i in objects if i.kind == "prd"]
    requirements = [i for i in objects if i.kind == "requirement"]
    if prds or requirements:
        tree = [(p, [r for r in requirements if r.fields.get("prd") == p.id]) for p in prds]
        known = {p.id for p in prds}
        tree += [(r, []) for r in requirements if r.fields.get("prd") not in known]
        out.append(("SPECIFICATION-PRDs", "Product requirements", tree))
    adrs = [i for i in objects if i.kind == "adr"]
    if adrs:
        out.append(("SPECIFICATION-ADRs", "Architecture decisions", [(a, []) for a in adrs]))
    # items of no spec that link to a requirement or ADR
    loose = [i for i in objects if i.kind not in DOCUMENTS and i.spec not in {s.id for s in specs}]
    if loose:
        out.append(("SPECIFICATION-other", "Other items", [(i, []) for i in loose]))
    return out


def _hierarchy(specification: str, parent: Item, children: list[Item], time: str) -> list[str]:
    ident = identifier("SH", specification, _oid(parent))
    lines = [
        f'            <SPEC-HIERARCHY IDENTIFIER="{ident}" LAST-CHANGE="{time}">',
        f"              <OBJECT><SPEC-OBJECT-REF>{_oid(parent)}</SPEC-OBJECT-REF></OBJECT>",
    ]
    if children:
        lines.append("              <CHILDREN>")
        for child in children:
            lines += [
                f'                <SPEC-HIERARCHY IDENTIFIER="{identifier("SH", specification, _oid(child))}" LAST-CHANGE="{time}">',
                f"                  <OBJECT><SPEC-OBJECT-REF>{_oid(child)}</SPEC-OBJECT-REF></OBJECT>",
                "                </SPEC-HIERARCHY>",
            ]
        lines.append("              </CHILDREN>")
    lines.append("            </SPEC-HIERARCHY>")
    return lines


def _escape(text: str) -> str:
    return quoteattr(text)[1:-1]


FORMAT = Format(
    "reqif",
    "techspec.reqif",
    write,
    "ReqIF 1.2: PRDs, requirements, specs, ADRs and the items that trace to them as spec objects, "
    "their links as spec relations.",
    "the reqif package (parse back; reqif validate --use-reqif-schema)",
)
