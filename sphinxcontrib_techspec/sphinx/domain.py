"""The ``techspec`` domain: the one store of items, keyed by document.

Purging a document is one ``pop``; parallel reads merge by document. The
index every aggregate reads is built lazily from this store, once per change.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator
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
from ..core.kinds import KINDS
from ..core.model import Item, Problem, split_target

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
    initial_data = {"docs": {}, "snapshot": {}}
    data_version = 1

    _index: Index | None = None

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        #: items imported from other projects (federation), set at the start of
        #: every build by ``federation.import_projects``; domains are not pickled
        self.external: list[Item] = []
        #: sphinx-needs needs that references may name (``needs.note_needs``, every build)
        self.outside: list[Item] = []

    def set_external(self, items: list[Item]) -> None:
        self.external = items
        self._index = None

    def set_outside(self, items: list[Item]) -> None:
        self.outside = items
        self._index = None

    @property
    def docs(self) -> dict[str, DocData]:
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
        if self.docs.pop(docname, None) is not None:
            self._index = None

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
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
        refs = {
            (node["reftype"], split_target(node["reftarget"])[1])
            for node in document.findall(addnodes.pending_xref)
            if node.get("refdomain") == self.name
        }
        if data is not None:
            refs |= {(kind, split_target(target)[1]) for item in data.items for _, kind, target, _ in item.references()}
            if data.spec:
                refs.add(("spec", data.spec))
        if refs:
            self.doc(docname).refs = refs

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

    def snapshot(self) -> dict[tuple[str, str], str]:
        """A digest per (kind, ID) of everything a link or an aggregate shows of it."""
        grouped: dict[tuple[str, str], list[Any]] = {}
        for item in [*self.index.items, *self.outside]:
            grouped.setdefault((item.kind, item.id), []).append(
                (
                    item.spec,
                    item.docname,
                    item.lineno,
                    item.anchor,
                    item.title,
                    item.fields,
                    item.raw,
                    item.body,
                    item.external,
                    item.url,
                )
            )
        return {key: hashlib.sha256(pickle.dumps(value)).hexdigest() for key, value in grouped.items()}


def get_domain(env: BuildEnvironment) -> TechspecDomain:
    return env.get_domain("techspec")  # type: ignore[return-value]
