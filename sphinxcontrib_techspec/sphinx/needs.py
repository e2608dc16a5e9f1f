"""The sphinx-needs bridge: with ``sphinx_needs`` loaded, every item is also a need.

Everything is derived from :data:`~sphinxcontrib_techspec.core.kinds.KINDS` in one
loop: a need type ``ts-<kind>`` per kind, declaring the kind's fields (need fields)
and reference fields (need link types) on that type alone, so the project's own
need directives take none of them as options.

* Need types are added to ``needs_types`` at ``config-inited``, after sphinx-needs
  resolved it (priority 12) and before it registers the types (500). sphinx-needs'
  default ``spec`` type (and any need type named like one of our directives) is
  dropped there: ``spec`` is the contract's directive. A project wanting
  sphinx-needs' type declares it under another directive name.
* Each item becomes a need while its document is read, once the document's spec is
  known (a transform after the domain collected the document), so sphinx-needs
  keeps it with the document's other needs: purged, merged under ``-j`` and kept
  across incremental builds like an authored need. Our card stays the rendering;
  it carries the need ID as an anchor, so ``:need:`` links land on it.
* Links are set when sphinx-needs post-processes its needs
  (``needs-before-post-processing``), from the one index of the whole build:
  a link is resolved the way techspec resolves it, so it is never stale.
* Needs are noted in the index as outside items: a ``:satisfies:`` naming no
  techspec requirement but a need ID resolves to that need.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform

from ..core.kinds import KINDS, SECTIONS, Field, Kind
from ..core.model import Item, Problem
from .directives import AGGREGATES
from .domain import get_domain, warn

TYPE_PREFIX = "ts-"
#: item fields that are need core fields of the same meaning
CORE = ("title", "status")
#: need field holding the item's owning spec
SPEC_FIELD = "spec"
#: diagram colours, one per template section
_COLORS = dict(
    zip(SECTIONS, ("#DCE6F2", "#E2F0D9", "#FFF2CC", "#FCE4D6", "#EDE7F6", "#F8D7DA", "#E0F7FA"), strict=True)
)
_SCALARS = ("string", "number", "integer", "boolean")


def need_type(kind: str) -> str:
    return TYPE_PREFIX + kind


def _upper(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def need_id(item: Item) -> str:
    """``TS_<KIND>_<ID>``, or ``TS_<KIND>_<SPEC>__<ID>`` for per-spec kinds: upper
    case, ``_`` for anything else, so the default ``needs_id_regex`` accepts it."""
    parts = [item.id] if item.declaration.project_scoped or not item.spec else [item.spec, item.id]
    safe = "__".join(_upper(p) or hashlib.sha1(p.encode()).hexdigest()[:8].upper() for p in parts)
    return f"TS_{_upper(item.kind)}_{safe}"


def field_name(name: str) -> str:
    """A need-safe name: ``depends-on`` -> ``depends_on``, usable in filter strings.

    Names sphinx-needs reserves (its core fields, the legacy ``description`` that its
    importers turn into content) and Python keywords take a ``ts_`` prefix."""
    from sphinx_needs.data import NeedsCoreFields

    safe = name.replace("-", "_")
    if safe in NeedsCoreFields or safe == "description" or keyword.iskeyword(safe):
        return "ts_" + safe
    return safe


def _derived_fields(kind: Kind) -> Iterator[tuple[str, dict[str, Any]]]:
    """Derived values a need field can hold: scalars and lists of scalars."""
    for derived in kind.derived_fields:
        name, schema = derived.name, derived.parser.schema()
        items = schema.get("items", {}).get("type")
        if schema.get("type") in _SCALARS or (schema.get("type") == "array" and items in _SCALARS):
            # sphinx-needs takes a bare type: no bounds or descriptions
            yield name, {"type": schema["type"], **({"items": {"type": items}} if items else {})}


def _plain(kind: Kind) -> list[Field]:
    return [f for f in kind.fields if not f.ref and f.name not in CORE]


def _links(kind: Kind) -> list[Field]:
    return [f for f in kind.fields if f.ref]


# -- configuration ---------------------------------------------------------------


def configure(app: Sphinx, config: Config) -> None:
    """Drop clashing need types, add ours; runs between sphinx-needs' priority 12
    (``needs_types`` resolved to a list) and 500 (types registered)."""
    if "sphinx_needs" not in app.extensions:
        return
    from sphinx_needs.config import DEFAULT_NEED_TYPES

    ours = {*KINDS, *AGGREGATES}
    kept = []
    for entry in config.needs_types:
        if entry.get("directive") not in ours:
            kept.append(entry)
        elif entry not in DEFAULT_NEED_TYPES:
            warn(
                Problem(
                    "needs",
                    f"needs_types: the need type {entry['directive']!r} is dropped: "
                    "it is a techspec directive; declare it under another directive name",
                )
            )
    taken = set(config.needs_fields) | set(config.needs_links)
    kept += [_type_entry(kind, taken) for kind in KINDS.values()]
    config.needs_types = kept
    # registered here: sphinx-needs' event exists only once it is set up, in any order
    app.add_transform(ItemNeeds)
    app.connect("env-updated", note_needs)
    app.connect("needs-before-post-processing", set_links)


def _type_entry(kind: Kind, taken: set[str]) -> dict[str, Any]:
    """The need type of a kind: its fields and links declared on it, unless the
    project declares a field or link type of that name for every type already."""
    fields: dict[str, Any] = {
        field_name(f.name): {"description": f.doc, "schema": {"type": "string"}} for f in _plain(kind)
    }
    fields.update({field_name(n): {"schema": s} for n, s in _derived_fields(kind)})
    fields[SPEC_FIELD] = {"description": "The tech spec the item belongs to.", "schema": {"type": "string"}}
    links = {
        field_name(f.name): {"description": f.doc, "outgoing": f.name, "incoming": f"{f.name} (incoming)"}
        for f in _links(kind)
    }
    return {
        "directive": need_type(kind.name),
        "title": kind.title,
        "prefix": f"TS_{_upper(kind.name)}_",
        "color": _COLORS.get(kind.section, "#FFFFFF"),
        "style": "node",
        "fields": {k: v for k, v in fields.items() if k not in taken},
        "links": {k: v for k, v in links.items() if k not in taken},
    }


# -- read: one need per item -----------------------------------------------------


class ItemNeeds(SphinxTransform):
    """Adds the document's items as needs, once the domain knows the document's
    spec (850) and before sphinx-needs looks at the document (``doctree-read``, 880)."""

    default_priority = 860

    def apply(self, **kwargs: Any) -> None:
        data = get_domain(self.env).docs.get(self.env.docname)
        for item in data.items if data else []:
            self.add(item)

    def add(self, item: Item) -> None:
        from sphinx_needs.api import InvalidNeedException, generate_need
        from sphinx_needs.config import NeedsSphinxConfig
        from sphinx_needs.data import SphinxNeedsData

        store = SphinxNeedsData(self.env)
        ident = need_id(item)
        card = self.document.ids.get(item.anchor)
        existing = store.get_needs_mutable().get(ident)
        if existing is not None and not existing["is_external"]:
            warn(
                Problem(
                    "needs",
                    f"{item.kind} {item.id!r}: need ID {ident} is already taken "
                    f"({existing['docname']}:{existing['lineno']}); the item is not a need",
                    item.docname,
                    item.lineno,
                )
            )
            return
        kind = item.declaration
        values: dict[str, Any] = {
            field_name(f.name): item.raw[f.name].strip() for f in _plain(kind) if f.name in item.raw
        }
        values.update({field_name(n): item.fields[n] for n, _ in _derived_fields(kind) if n in item.fields})
        values[SPEC_FIELD] = item.spec
        try:
            need = generate_need(
                NeedsSphinxConfig(self.config),
                store.get_schema(),
                need_type(item.kind),
                item.title,
                docname=item.docname,
                lineno=item.lineno,
                id=ident,
                doctype=Path(self.env.doc2path(item.docname)).suffix,  # a str on Sphinx 7.4
                content=item.body,
                status=item.raw.get("status", "").strip() or None,
                sections=_sections(card),
                **{k: v for k, v in values.items() if v not in (None, "")},
            )
        except InvalidNeedException as error:
            warn(Problem("needs", f"{item.kind} {item.id!r} is not a need: {error}", item.docname, item.lineno))
            return
        if existing is not None:
            store.remove_need(ident)  # what is authored here wins over an external need
        store.add_need(need)
        if card is not None and ident not in card["ids"]:
            card["ids"].append(ident)  # ``:need:`` links land on the card
            self.document.ids[ident] = card


def _sections(node: nodes.Element | None) -> list[str]:
    """Titles of the sections around the card, innermost first, as sphinx-needs
    records them for its own needs."""
    out = []
    while node is not None:
        if isinstance(node, nodes.section) and node.children and isinstance(node[0], nodes.title):
            out.append(node[0].astext())
        node = node.parent
    return out


# -- after reading: needs as targets, links from the index -----------------------


def note_needs(app: Sphinx, env: BuildEnvironment) -> None:
    """Every need that is not one of our items, as an outside requirement the index
    resolves ``:satisfies:`` to."""
    from sphinx_needs.data import SphinxNeedsData

    outside = []
    for need in SphinxNeedsData(env).get_needs_mutable().values():
        if need["type"].startswith(TYPE_PREFIX) and not need["is_external"]:
            continue
        # title, status and content make its fingerprint, so a pin on it can turn suspect
        outside.append(
            Item(
                "requirement",
                need["id"],
                need["docname"] or "",
                need["lineno"] or 0,
                title=need["title"],
                raw={"title": need["title"], "status": need["status"] or ""},
                body=need["content"] or "",
                anchor=need["id"],
                external="sphinx-needs" if need["is_external"] else None,
                url=need["external_url"],
            )
        )
    get_domain(env).set_outside(outside)


def set_links(app: Sphinx, needs: Mapping[str, Any]) -> None:
    """Each item's references as need links, resolved by the index; a link whose
    target is no need (unknown, or imported from another techspec project) is left out."""
    index = get_domain(app.env).index
    wanted: dict[str, dict[str, list[str]]] = {}
    for link in index.links:
        source, target = link.source, link.item
        if source.external or target is None:
            continue
        ident = target.id if index.outside.get((target.kind, target.id)) is target else need_id(target)
        if ident in needs:
            wanted.setdefault(need_id(source), {}).setdefault(field_name(link.field), []).append(ident)
    for ident, links in wanted.items():
        need = needs.get(ident)
        if need is None or not need["type"].startswith(TYPE_PREFIX):
            continue
        for name, targets in links.items():
            if name in need:
                need[name] = sorted(set(targets))


def setup(app: Sphinx) -> None:
    # after sphinx-needs resolved ``needs_types`` (12), before it registers the types (500)
    app.connect("config-inited", configure, priority=300)
