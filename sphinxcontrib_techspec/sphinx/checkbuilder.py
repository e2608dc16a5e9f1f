"""``techspec-check``: a builder that reads and checks the project and writes nothing.

What ``techspec check`` runs. Sphinx's ``dummy`` builder resolves every document
on every run; this one resolves only what can still report a techspec finding
once the documents are read: the documents this run read that hold a techspec
role or an aggregate (the only findings made while resolving), and those an
incremental build would rewrite without reading them (pages showing what
changed). ``techspec check`` keeps the other documents' findings from its
previous run. ``captured`` is how it hears them: a handler on Sphinx's logging.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.dummy import DummyBuilder
from sphinx.util import logging as sphinx_logging
from sphinx.util.build_phase import BuildPhase
from sphinx.util.logging import WarningStreamHandler, get_node_location, is_suppressed_warning

from ..core.findings import Finding
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


#: set on the application once ``build-finished`` starts: what is reported then is never replayed
FINISHING = "_techspec_check_finishing"


def capture_handler(app: Any, found: list[Finding]) -> logging.Handler:
    """A handler on Sphinx's logger keeping every techspec warning that ``suppress_warnings`` lets through.

    A WarningStreamHandler, so that Sphinx holds it back while reading (``pending_warnings``) and
    hands it the warnings once, as it does for the warnings it prints."""

    class Capture(WarningStreamHandler):
        def emit(self, record: logging.LogRecord) -> None:
            if getattr(record, "type", None) != "techspec":
                return
            subtype = getattr(record, "subtype", "") or ""
            if is_suppressed_warning("techspec", subtype, getattr(app.config, "suppress_warnings", ())):
                return
            file, line, docname = _location(getattr(record, "location", None))
            message = logging.LogRecord.getMessage(record)  # without the location Sphinx prepends
            message = message.removesuffix(f" [techspec.{subtype}]")
            builder = getattr(app, "builder", None)
            # Sphinx 8 keeps the phase on the builder; 7.4 on the application (a plain attribute there,
            # read from __dict__ so that later Sphinx's deprecated property is not touched)
            phase: Any = getattr(builder, "phase", None) or vars(app).get("phase")
            stage = {
                BuildPhase.READING: "read",
                BuildPhase.CONSISTENCY_CHECK: "check",
                BuildPhase.RESOLVING: "write",
                BuildPhase.WRITING: "write",
            }.get(phase, "other")
            if getattr(app, FINISHING, False):  # whole-project work (the exports): made afresh every run
                stage = "finish"
            found.append(Finding(file, line, subtype, message, stage, docname))

    def _location(location: Any) -> tuple[str, int, str]:
        # the form Sphinx's own WarningLogRecordTranslator has turned it into, or the raw one
        if isinstance(location, tuple):
            docname, lineno = location
            if not docname:
                return "", 0, ""
            return str(app.env.doc2path(docname)), int(lineno or 0), str(docname)
        if isinstance(location, nodes.Node):
            location = get_node_location(location)
        if not location:
            return "", 0, ""
        text = str(location)
        path, sep, lineno = text.rpartition(":")
        if not sep or (lineno and not lineno.isdigit()):
            path, lineno = text, ""
        if ":" not in text and app.env is not None and not Path(path).is_absolute():
            return str(app.env.doc2path(path)), 0, path
        path = os.path.abspath(path)
        docname = (app.env.path2doc(path) if app.env is not None else None) or ""
        return path, int(lineno) if lineno else 0, docname

    handler: logging.Handler = Capture()
    handler.setLevel(logging.WARNING)
    return handler


@contextlib.contextmanager
def captured(found: list[Finding]) -> Iterator[None]:
    """Install the capture as Sphinx sets up its logging (before conf.py and the extensions run)."""
    setup = sphinx_logging.setup

    def setup_and_capture(app: Any, *args: Any, **kwargs: Any) -> None:
        setup(app, *args, **kwargs)
        logging.getLogger(sphinx_logging.NAMESPACE).addHandler(capture_handler(app, found))

    sphinx_logging.setup = setup_and_capture
    try:
        yield
    finally:
        sphinx_logging.setup = setup
