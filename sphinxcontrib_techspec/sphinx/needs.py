"""The sphinx-needs bridge: with ``sphinx_needs`` loaded, every item is also a need.

Everything is derived from :data:`~sphinxcontrib_techspec.core.kinds.KINDS` in one
loop: a need type ``ts-<kind>`` per kind, declaring the kind's fields (need fields)
and reference fields (need link types) on that type alone, so the project's own
need directives take none of them as options.

* Need types are added to ``needs_types`` at ``config-inited``, after sphinx-needs
  resolved it (priority 12) and before it registers the types (500). The project's
  own need types are all kept, sphinx-needs' default ``spec`` included.
* ``spec`` is then both sphinx-needs' default need type and the contract's
  directive: :class:`SpecOrNeed` reads each ``spec`` block as one or the other
  (:func:`reads_as_need`), and hands a need to sphinx-needs' own directive, parsed
  as sphinx-needs alone would parse it.
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
from collections.abc import Iterable, Iterator, Mapping, Set
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.parsers.rst.states import MarkupError
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from ..core.kinds import KINDS, SECTIONS, Field, Kind
from ..core.model import Item, Problem
from .directives import ItemDirective
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
    """Add our need types; runs between sphinx-needs' priority 12 (``needs_types``
    resolved to a list) and 500 (types registered)."""
    if "sphinx_needs" not in app.extensions:
        return
    taken = set(config.needs_fields) | set(config.needs_links)
    config.needs_types = [*config.needs_types, *(_type_entry(kind, taken) for kind in KINDS.values())]
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


# -- ``spec``: a techspec spec or a sphinx-needs need, block by block ---------------

#: options of sphinx-needs' need directive itself; a need type's fields and link
#: types (``links`` and every ``needs_extra_links``) come on top
NEED_OPTIONS = frozenset(
    {
        "id",
        "status",
        "tags",
        "collapse",
        "hide",
        "style",
        "layout",
        "template",
        "pre_template",
        "post_template",
        "constraints",
        "delete",
        "jinja_content",
        "title_from_content",
    }
)
#: the options of techspec's spec
SPEC_OPTIONS = frozenset(KINDS["spec"].by_name)
SPEC_REQUIRED = tuple(f.name for f in KINDS["spec"].fields if f.required)


def reads_as_need(argument: str, options: Iterable[str], need_options: Set[str]) -> tuple[bool, str]:
    """Whether a ``spec`` block is a sphinx-needs need (else a techspec spec), and a
    note when the block says both or neither (empty when it is clear).

    1. an option only sphinx-needs' ``spec`` takes (``:id:``, ``:links:``, ``:tags:``,
       a field of the need type, ...) makes it a need;
    2. else an option only techspec's ``spec`` takes (``:version:``, ``:prd:``, ...)
       makes it a spec;
    3. else (no option, or only options both take, such as ``:status:``) the argument
       decides: one word is a spec ID, so a spec; a title of several words, or none, is
       a need.
    """
    names = set(options)
    need_only = sorted(names & (need_options - SPEC_OPTIONS))
    spec_only = sorted(names & (SPEC_OPTIONS - need_options))
    if need_only:
        if not spec_only:
            return True, ""
        return True, (
            f"read as a sphinx-needs need: only sphinx-needs takes {_opts(need_only)}, so techspec's "
            f"{_opts(spec_only)} {'does' if len(spec_only) == 1 else 'do'} not apply; "
            "write techspec:spec for a techspec spec"
        )
    if spec_only:
        return False, ""
    words = argument.split()
    if len(words) != 1:
        return True, ""
    missing = [name for name in SPEC_REQUIRED if name not in names]
    if not missing:
        return False, ""
    return False, (
        f"{argument!r} is read as a techspec spec: its argument is one word (a spec ID) and no option is "
        f"sphinx-needs' only; give it an :id: to make it a sphinx-needs need, or {_opts(missing)} to keep it a spec"
    )


def _opts(names: Iterable[str]) -> str:
    return ", ".join(f":{name}:" for name in names)


def need_options(env: BuildEnvironment, need_type: str) -> set[str]:
    """Every option sphinx-needs' directive takes for a need of ``need_type``."""
    from sphinx_needs.data import SphinxNeedsData
    from sphinx_needs.directives.need import NeedDirective

    schema = SphinxNeedsData(env).get_schema().for_type(need_type)
    # fields declared on other need types alone (ours: ``version``, ``satisfies``, ...)
    # are in every type's schema, as fields an author cannot set
    fields: list[Any] = [*schema.iter_extra_fields(), *schema.iter_link_fields()]
    # older sphinx-needs declare their options on the class; newer accept any and check in run()
    return {
        *NEED_OPTIONS,
        *NeedDirective.option_spec.keys(),
        *(f.name for f in fields if getattr(f, "directive_option", True)),
    }


class SpecOrNeed(ItemDirective):
    """``spec`` where sphinx-needs has a ``spec`` need type: one block, one reading
    (:func:`reads_as_need`). A need is handed to sphinx-needs' directive class with
    the block parsed the way docutils or MyST parse it for that class."""

    kind = KINDS["spec"]

    def run(self) -> list[nodes.Node]:
        original = list(self.arguments), self.content, self.content_offset
        self.take_options()
        argument = self.arguments[0] if self.arguments else ""
        need, note = reads_as_need(argument, self.options, need_options(self.env, self.name))
        if note:
            self.warn("spec-dispatch", f"{self.name}: {note}")
        if not need:
            return self.techspec_run()
        self.arguments, self.content, self.content_offset = original
        return hand_over(self)


def hand_over(directive: SphinxDirective) -> list[nodes.Node]:
    """Run sphinx-needs' need directive on the block ``directive`` was given."""
    from sphinx_needs.directives.need import NeedDirective

    try:
        arguments, options, content, offset = _parse_for(directive, NeedDirective)
    except MarkupError as error:
        text = directive.block_text
        return [
            directive.state.document.reporter.error(
                f'Error in "{directive.name}" directive:\n{" ".join(map(str, error.args))}.',
                nodes.literal_block(text, text),
                line=directive.lineno,
            )
        ]
    need = NeedDirective(
        directive.name,
        arguments,
        options,
        content,
        directive.lineno,
        offset,
        directive.block_text,
        directive.state,
        directive.state_machine,
    )
    return list(need.run())


def _parse_for(
    directive: SphinxDirective, target: type[Directive]
) -> tuple[list[str], dict[str, Any], StringList, int]:
    """(arguments, options, content, content offset) of ``directive``'s block as
    ``target`` would have received them. ``directive`` declares no options, so its
    block arrived whole: the argument (reST: with the option lines) and the content."""
    head = directive.arguments[0].splitlines() if directive.arguments else []
    if _is_myst(directive):
        from myst_parser.parsers.directives import parse_directive_text
        from myst_parser.warnings_ import MystWarnings, create_warning

        parsed = parse_directive_text(target, head[0] if head else "", _myst_content(directive))
        document = directive.state.document
        for note in parsed.warnings:
            create_warning(
                document,
                f"{directive.name!r}: {note.msg}",
                getattr(note, "type", MystWarnings.DIRECTIVE_PARSING),
                line=directive.lineno,
            )
        return parsed.arguments, parsed.options, StringList(parsed.body, document["source"]), parsed.body_offset
    source = directive.state_machine.get_source_and_line(directive.lineno)[0]
    block = StringList(head, items=[(source, directive.lineno - 1 + i) for i in range(len(head))])
    if directive.content or not head:
        # the blank line(s) that ended the argument, then the content as it was
        gap = ["", ""] if not head else [""]
        block += StringList(gap, items=[(source, directive.content_offset - 1)] * len(gap))
        block += directive.content
    # parse_directive_block counts the content's offset from the block's first line
    line_offset = directive.content_offset - (len(head) + 1 if head else 2)
    arguments, options, content, offset = directive.state.parse_directive_block(block, line_offset, target, {})
    return arguments, options, content, offset


def _is_myst(directive: SphinxDirective) -> bool:
    try:
        from myst_parser.mocking import MockState
    except ImportError:
        return False
    return isinstance(directive.state, MockState)


def _myst_content(directive: SphinxDirective) -> str:
    """The text MyST read the directive from, after its first line: MyST gives it
    (new versions) wrapped in the fence as ``block_text``, or (older) bare."""
    text: str = directive.block_text
    lines = text.splitlines()
    fence = re.match(r"\s*(`{3,}|~{3,}|:{3,})\s*\{", lines[0]) if lines else None
    if fence and lines[-1].strip() == fence[1]:
        return "\n".join(lines[1:-1])
    return text


def shared_directive(name: str, held: Any, ours: type[ItemDirective]) -> type[Directive] | None:
    """What techspec registers under a name sphinx-needs' need directive holds: ``spec``
    reads each block as a spec or a need; the bridge's own need types (``ts-slo``:
    the bridge makes their needs, nobody writes them) give way to techspec's
    directive; any other need type's name stays sphinx-needs'. None: leave it."""
    try:
        from sphinx_needs.directives.need import NeedDirective
    except ImportError:
        return None
    if held is not NeedDirective:
        return None
    if name == "spec" and ours.kind.name == "spec":
        return SpecOrNeed
    if name == need_type(ours.kind.name):
        return ours
    return None


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
                    f"{item.mention}: need ID {ident} is already taken "
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
            warn(Problem("needs", f"{item.mention} is not a need: {error}", item.docname, item.lineno))
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
