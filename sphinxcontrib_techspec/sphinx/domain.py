"""The ``techspec`` domain: the one store of items, keyed by document.

Purging a document is one ``pop``; parallel reads merge by document. The
index every aggregate reads is built lazily from this store, once per change.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from docutils.nodes import Element
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from ..core.index import Index
from ..core.kinds import KINDS, TRACED
from ..core.model import Item, Problem, split_target
from ..core.recheck import targets
from .nodes import techspec_aggregate

logger = logging.getLogger(__name__)


def warn(problem: Problem, location: Any = None) -> None:
    """Every warning: ``type="techspec"``, a documented subtype and a location."""
    where = location if location is not None else ((problem.docname, problem.lineno) if problem.docname else None)
    logger.warning(problem.message, type="techspec", subtype=problem.subtype, location=where)


@dataclass
class DocData:
    """All this extension knows about one document."""

    spec: str | None = None
    items: list[Item] = field(default_factory=list)
    #: the document shows an aggregate, so it is rewritten when any item changes
    aggregates: bool = False
    #: (kind, ID) of every item the document links to
    refs: set[tuple[str, str]] = field(default_factory=set)
    #: what each aggregate of the document shows (``Selection``), so it is
    #: redrawn only when an item it shows changed
    selections: list[Selection] = field(default_factory=list)
    #: per selection, the build (``generation``) that last changed what it shows:
    #: a drawing kept from that build or a later one is current (``reuse``)
    changed_at: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """What one aggregate reads: its type (``table``, ``topology``, ...), the
    kind of a table's rows and the specs it is narrowed to (None: every spec)."""

    aggregate: str
    kind: str = ""
    specs: tuple[str, ...] | None = None


@dataclass
class Changes:
    """What changed since the last build, by (kind, ID)."""

    #: anything a card, table or report shows of the item
    content: set[tuple[str, str]] = field(default_factory=set)
    #: what a link to it shows (where it is, its title, its spec): a subset of ``content``
    links: set[tuple[str, str]] = field(default_factory=set)
    #: the specs the changed items belonged to, before or after: (kind, ID) -> specs
    specs: dict[tuple[str, str], set[str | None]] = field(default_factory=dict)
    #: the documents read (or removed) in this build
    read: set[str] = field(default_factory=set)
    #: what the changed items name, before and after the change
    named: set[tuple[str, str]] = field(default_factory=set)
    #: an imported item (another project's, or a sphinx-needs need) changed
    imported: bool = False
    #: the cross-document findings (what a traceability report lists) may differ
    findings: bool = True

    def __bool__(self) -> bool:
        return bool(self.content)


def content_view(item: Item) -> tuple[Any, ...]:
    """Everything an aggregate or a card may show of an item."""
    return (*link_view(item), item.lineno, item.fields, item.raw, item.body, item.pins)


def link_view(item: Item) -> tuple[Any, ...]:
    """What a link to the item shows: where it is, its title and its spec."""
    return (item.spec, item.docname, item.anchor, item.title, item.external, item.url)


def diff_items(before: Iterable[Item], after: Iterable[Item], changes: Changes) -> None:
    """Note in ``changes`` every (kind, ID) whose items differ between the two lists."""
    old: dict[tuple[str, str], list[Item]] = {}
    new: dict[tuple[str, str], list[Item]] = {}
    for items, into in ((before, old), (after, new)):
        for item in items:
            into.setdefault((item.kind, item.id), []).append(item)
    for key in old.keys() | new.keys():
        was, now = old.get(key, []), new.get(key, [])
        if [link_view(i) for i in was] != [link_view(i) for i in now]:
            changes.links.add(key)
        elif [content_view(i) for i in was] == [content_view(i) for i in now]:
            continue
        changes.content.add(key)
        changes.specs.setdefault(key, set()).update(i.spec for i in (*was, *now))
        for item in (*was, *now):
            changes.named |= targets(item)


#: the process that loaded the extension: the build's own, not a ``-j`` reader
_MAIN_PID = os.getpid()


class Docs(dict[str, DocData]):
    """The documents' data. A ``-j`` reader sends its whole environment back
    to the main process, which keeps only the documents that reader read: so
    a reader sends only those (without this, every reader would send every
    document read before it, a cost quadratic in the project's size)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        #: documents read by this process
        self.read_here: set[str] = set()

    def __reduce__(self) -> tuple[Any, ...]:
        if os.getpid() == _MAIN_PID:
            kept: Iterable[tuple[str, DocData]] = self.items()
        else:
            kept = [(name, data) for name, data in self.items() if name in self.read_here]
        return (Docs, (), None, None, iter(kept))


class TechspecRole(XRefRole):
    def result_nodes(
        self, document: nodes.document, env: BuildEnvironment, node: Element, is_ref: bool
    ) -> tuple[list[nodes.Node], list[Any]]:
        node["techspec_doc"] = env.docname
        return [node], []


class TechspecDomain(Domain):
    name = "techspec"
    label = "Tech spec"
    object_types = {name: ObjType(kind.title, name, "ref") for name, kind in KINDS.items()}
    roles = {**{name: TechspecRole() for name in KINDS}, "ref": TechspecRole()}
    initial_data = {"docs": Docs(), "snapshot": {}}
    #: 3: documents record their aggregates' selections, in a ``Docs``; the snapshot
    #: covers imported items only; the findings are kept
    data_version = 3

    _index: Index | None = None

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        #: items imported from other projects (federation), set at the start of
        #: every build by ``federation.import_projects``; domains are not pickled
        self.external: list[Item] = []
        #: sphinx-needs needs that references may name (``needs.note_needs``, every build)
        self.outside: list[Item] = []
        #: each document's data as it was before this build cleared it (None: new),
        #: compared with what was read in ``changes``; never pickled
        self.previous: dict[str, DocData | None] = {}
        #: what this build changed (``changes``), once it is known; never pickled
        self.last_changes: Changes | None = None

    def set_external(self, items: list[Item]) -> None:
        self.external = items
        self._index = None

    def set_outside(self, items: list[Item]) -> None:
        self.outside = items
        self._index = None

    @property
    def docs(self) -> Docs:
        return self.data["docs"]  # type: ignore[no-any-return]

    def doc(self, docname: str) -> DocData:
        self._index = None
        return self.docs.setdefault(docname, DocData())

    def doc_spec(self, docname: str) -> str | None:
        data = self.docs.get(docname)
        return data.spec if data else None

    @property
    def index(self) -> Index:
        if self._index is None:
            items = [item for data in self.docs.values() for item in data.items]
            self._index = Index([*items, *self.external], self.outside)
        return self._index

    def note_item(self, item: Item) -> None:
        self.doc(item.docname).items.append(item)

    def clear_doc(self, docname: str) -> None:
        old = self.docs.pop(docname, None)
        # the first clearing of a build keeps what the document held before it
        self.previous.setdefault(docname, old)
        if old is not None:
            self._index = None

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            self.previous.setdefault(docname, None)
            if docname in otherdata["docs"]:
                self.docs[docname] = otherdata["docs"][docname]
        self._index = None

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        """Once the document is read: items learn their spec, badges link to it,
        and the document's outgoing links are noted for incremental rebuilds."""
        data = self.docs.get(docname)
        specs = sorted((i for i in data.items if i.kind == "spec"), key=lambda i: i.lineno) if data else []
        if data is not None:
            data.spec = specs[0].id if specs else None
            for extra in specs[1:]:
                warn(
                    Problem(
                        "spec-scope",
                        f"spec {extra.id!r}: a document declares one spec; its items belong to {data.spec!r}",
                        docname,
                        extra.lineno,
                    )
                )
            for item in data.items:
                item.spec = data.spec
            self._index = None
        # what the document links to: its items' references, its spec (the cards'
        # badges) and the roles in its prose; a change to any of them rewrites it
        self.previous.setdefault(docname, None)
        self.docs.read_here.add(docname)
        refs: set[tuple[str, str]] = set()
        selections: list[Selection] = []
        for node in document.findall(_noted):
            if isinstance(node, techspec_aggregate):
                narrowed: list[str] | None = node.get("spec")
                rows = node.get("argument", "") if node["aggregate"] == "table" else ""
                if node["aggregate"] == "summary":
                    # the argument, or the document's own spec
                    own = node.get("argument") or (data.spec if data else None)
                    narrowed = [own] if own else []
                selections.append(Selection(node["aggregate"], rows, tuple(narrowed) if narrowed is not None else None))
            elif node.get("refdomain") == self.name:
                refs.add((node["reftype"], split_target(node["reftarget"])[1]))
        if data is not None:
            refs |= {(kind, split_target(target)[1]) for item in data.items for _, kind, target, _ in item.references()}
            if data.spec:
                refs.add(("spec", data.spec))
        if refs:
            self.doc(docname).refs = refs
        if selections:
            self.doc(docname).selections = selections

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> Element | None:
        kinds = list(KINDS) if typ == "ref" else [typ]
        source = node.get("techspec_doc", fromdocname)
        for kind in kinds:
            resolution = self.index.resolve(kind, target, self.doc_spec(source))
            if resolution.item is not None:
                break
        generated = node.get("techspec_generated", False)
        if resolution.item is None:
            if not generated:
                warn(Problem("unknown-ref", f"no {KINDS[typ].noun if typ in KINDS else 'item'} named {target!r}"), node)
            return None
        if resolution.status == "ambiguous" and not generated:
            where = ", ".join(sorted(str(c.spec) for c in resolution.candidates))
            warn(
                Problem(
                    "ambiguous-ref", f"{target!r} exists in several specs ({where}); write SPEC::{target} to choose"
                ),
                node,
            )
        return self.link(builder, fromdocname, resolution.item, contnode)

    def link(self, builder: Builder, fromdocname: str, item: Item, contnode: Element) -> Element:
        """The reference node to ``item``; aggregates call it directly, with no pending_xref."""
        if item.external:
            ref = nodes.reference(
                "", "", internal=False, refuri=item.url or "", reftitle=item.title, classes=["techspec-external"]
            )
            ref += contnode
            return ref
        return make_refnode(builder, fromdocname, item.docname, item.anchor, contnode, item.title)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, Element]]:
        out = []
        for kind in KINDS:
            resolution = self.index.resolve(kind, target, self.doc_spec(fromdocname))
            if resolution.item is not None and not resolution.item.external:
                item = resolution.item
                out.append(
                    (
                        f"techspec:{kind}",
                        make_refnode(builder, fromdocname, item.docname, item.anchor, contnode, item.title),
                    )
                )
        return out

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for item in self.index.items:
            if not item.external:
                yield (item.qualified_id, item.title, item.kind, item.docname, item.anchor, 1)

    def changes(self) -> Changes:
        """What changed since the last build: the documents read (or removed)
        in this one are compared with what they held before, and the imported
        items with the digest the last build stored. No other item is looked at."""
        out = Changes(read=set(self.previous))
        self.data["generation"] = self.generation + 1
        for docname, before in self.previous.items():
            after = self.docs.get(docname)
            diff_items(before.items if before else (), after.items if after else (), out)
        self.previous = {}
        current = _digests([*self.external, *self.outside])
        stored: dict[tuple[str, str], str] = self.data["snapshot"]
        for key in current.keys() ^ stored.keys() | {k for k in current if current[k] != stored.get(k)}:
            out.content.add(key)
            out.links.add(key)
            out.specs[key] = {None}
            out.imported = True
        self.data["snapshot"] = current
        return out

    @property
    def generation(self) -> int:
        """How many builds this environment has seen (counted in ``changes``)."""
        # a new environment counts on from the clock, past any drawing an older one kept
        return int(self.data.setdefault("generation", time.time_ns()))

    def outdated(self, changes: Changes, docnames: Container[str]) -> list[str]:
        """The pages (of ``docnames``) that show something of what changed: an
        aggregate showing a changed item, or a link to an item that moved.
        Notes, per aggregate, the build that last changed what it shows."""
        now = self.generation
        for docname in changes.read:
            if docname in self.docs:
                self.docs[docname].changed_at = [now] * len(self.docs[docname].selections)
        if not changes:
            return []
        shown = _Shown(self.index, changes)
        out = []
        for docname, data in self.docs.items():
            if docname in changes.read or docname not in docnames:
                continue  # a page read in this build is written anyway
            touched = bool(data.refs & changes.links)
            for position, selection in enumerate(data.selections):
                if shown.by(selection):
                    data.changed_at[position] = now
                    touched = True
            if touched:
                out.append(docname)
        return sorted(out)


class _Shown:
    """Answers "does this aggregate show a changed item?", reading each part of
    the index it needs once per build (every spec page may have a summary)."""

    def __init__(self, index: Index, changes: Changes) -> None:
        self.index, self.changes = index, changes
        self.kinds = {kind for kind, _ in changes.content}
        #: (kind, spec) and (None, spec) of every changed item; spec None: any spec
        self.places: set[tuple[str | None, str | None]] = set()
        for key in changes.content:
            for spec in changes.specs.get(key, {None}):
                self.places |= {(key[0], spec), (None, spec)}
        self._by_spec: dict[tuple[str, str | None], list[Item]] | None = None
        self._answers: dict[Selection, bool] = {}

    def by(self, selection: Selection) -> bool:
        if selection not in self._answers:
            self._answers[selection] = self._by(selection)
        return self._answers[selection]

    def _by(self, selection: Selection) -> bool:
        aggregate = selection.aggregate
        if aggregate == "topology":
            # components outside the narrowed specs are drawn too, as what they depend on
            return "component" in self.kinds
        if aggregate == "table":
            if selection.kind not in KINDS:
                return False
            return self._content(selection.kind, selection.specs) or self._links(
                self.rows(selection.kind, selection.specs)
            )
        if aggregate == "summary":
            if not selection.specs:
                return False
            rows = [i for kind in KINDS for i in self.rows(kind, selection.specs)]
            return self._content(None, selection.specs) or self._links(rows)
        if aggregate == "matrix":
            return self._traced()
        if aggregate == "report":
            # its rows are the findings; its coverage, the requirements and what satisfies them
            return self.changes.findings or self._traced()
        # an aggregate this module does not know may read anything
        return True

    def _traced(self) -> bool:
        """Something the matrix shows changed: PRDs, requirements, specs, ADRs,
        a link to one of them, or where any item is (a spec's item count, a cell's link)."""
        changes = self.changes
        return bool(changes.links) or any(kind in TRACED for kind, _ in (*changes.content, *changes.named))

    def _content(self, kind: str | None, specs: tuple[str, ...] | None) -> bool:
        """An item of ``kind`` (None: any) in ``specs`` (None: any) changed."""
        if specs is None:
            return kind is None or kind in self.kinds
        return (kind, None) in self.places or any((kind, spec) in self.places for spec in specs)

    def _links(self, rows: Iterable[Item]) -> bool:
        """A row links to an item (or its spec) whose link changed."""
        links = self.changes.links
        if not links:
            return False
        for item in rows:
            if item.spec and ("spec", item.spec) in links:
                return True
            if any((kind, split_target(target)[1]) in links for _, kind, target, _ in item.references()):
                return True
        return False

    def rows(self, kind: str, specs: tuple[str, ...] | None) -> list[Item]:
        if specs is None:
            return self.index.of_kind(kind)
        if self._by_spec is None:
            self._by_spec = {}
            for item in self.index.items:
                self._by_spec.setdefault((item.kind, item.owning_spec), []).append(item)
        return [i for spec in specs for i in self._by_spec.get((kind, spec), [])]


def _digests(items: Iterable[Item]) -> dict[tuple[str, str], str]:
    """A digest per (kind, ID) of imported items, which are set anew every build."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        grouped.setdefault((item.kind, item.id), []).append(content_view(item))
    return {key: hashlib.sha256(pickle.dumps(value)).hexdigest() for key, value in grouped.items()}


def _noted(node: nodes.Node) -> bool:
    """The nodes ``process_doc`` notes: cross-references and aggregates."""
    return isinstance(node, (addnodes.pending_xref, techspec_aggregate))


def get_domain(env: BuildEnvironment) -> TechspecDomain:
    return env.get_domain("techspec")  # type: ignore[return-value]
