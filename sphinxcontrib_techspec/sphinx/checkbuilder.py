"""``techspec-check``: a builder that reads and checks the project and writes nothing.

What ``techspec check`` runs. Sphinx's ``dummy`` builder resolves every document
on every run; this one resolves only what can still report a techspec finding
once the documents are read: the documents this run read that hold a techspec
role or an aggregate (the only findings made while resolving), and those an
incremental build would rewrite without reading them (pages showing what
changed). ``techspec check`` keeps the other documents' findings from its
previous run.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.dummy import DummyBuilder

from .nodes import techspec_aggregate


class CheckBuilder(DummyBuilder):
    name = "techspec-check"
    epilog = "The techspec-check builder writes no files; techspec check reports what it finds."

    def init(self) -> None:
        #: documents read in this run, and those of them with something to resolve
        self.read_docs: set[str] = set()
        self.to_resolve: set[str] = set()
        #: documents resolved (and so checked again) in this run
        self.written: set[str] = set()
        self.events.connect("doctree-read", self._note, priority=500)

    def _note(self, _app: Any, doctree: nodes.document) -> None:
        docname = self.env.docname
        self.read_docs.add(docname)
        roles = (
            node.get("refdomain") == "techspec" and not node.get("techspec_generated")
            for node in doctree.findall(addnodes.pending_xref)
        )
        if any(roles) or next(doctree.findall(techspec_aggregate), None) is not None:
            self.to_resolve.add(docname)

    def get_outdated_docs(self) -> set[str]:
        return set()  # only what the environment says changed is resolved again

    def write_documents(self, docnames: AbstractSet[str]) -> None:
        # Sphinx 8.1 and later; before, every document to write is resolved (slower, as correct)
        # documents read in a parallel process are not noted here: they are resolved, to be safe
        super().write_documents({d for d in docnames if d not in self.read_docs or d in self.to_resolve})

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        self.written.add(docname)
