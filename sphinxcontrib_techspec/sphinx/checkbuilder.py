"""``techspec-check``: a builder that reads and checks the project and writes nothing.

What ``techspec check`` runs. Unlike Sphinx's ``dummy`` builder, which resolves every
document on every run, it resolves only the documents an incremental build would
rewrite (those read again, and the pages that show what changed); ``techspec check``
keeps the other documents' findings from its previous run.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.builders.dummy import DummyBuilder


class CheckBuilder(DummyBuilder):
    name = "techspec-check"
    epilog = "The techspec-check builder writes no files; techspec check reports what it finds."

    def init(self) -> None:
        #: the documents resolved (and so checked again) in this run
        self.written: set[str] = set()

    def get_outdated_docs(self) -> set[str]:
        return set()  # only what the environment says changed is resolved again

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        self.written.add(docname)
