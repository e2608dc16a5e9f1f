"""Shared fixtures: real Sphinx projects built with ``sphinx.testing``."""

from __future__ import annotations

import gc
import html
import json
import os
import re
import textwrap
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from sphinxcontrib_techspec.core import export
from sphinxcontrib_techspec.core.formats import FORMATS
from sphinxcontrib_techspec.core.index import Index

pytest_plugins = ("sphinx.testing.fixtures",)

# Sphinx colours what it prints when CI=true (as CI runs us), even into a pipe: the
# subprocesses whose output the tests read print plain text, as they do for a user's pipe
os.environ["NO_COLOR"] = "1"

ROOTS = Path(__file__).parent / "roots"
WARNING_RE = re.compile(r"^(?P<location>\S*?):(?P<line>\d+)?:? ?WARNING: (?P<message>.*?)(?: \[(?P<type>[\w.-]+)\])?$")

BASE_CONF = """\
project = "test"
extensions = ["myst_parser", "sphinxcontrib_techspec"]
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]
# Sphinx 7.4 prints [type.subtype] only when asked (the default from Sphinx 8)
show_warning_types = True
"""


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@dataclass
class Build:
    app: SphinxTestApp
    warnings: str

    @property
    def outdir(self) -> Path:
        return Path(self.app.outdir)

    def export(self) -> dict[str, Any]:
        return json.loads((self.outdir / "techspec.json").read_text())

    def html(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text()

    def subtypes(self) -> list[str]:
        return re.findall(r"\[techspec\.([\w-]+)\]", self.warnings)

    def located(self) -> list[tuple[str, int | None, str, str | None]]:
        """(file name, line, message, type) of every warning."""
        out = []
        for line in self.warnings.splitlines():
            match = WARNING_RE.match(line.strip())
            if match:
                out.append((Path(match["location"]).name, int(match["line"]) if match["line"] else None, match["message"], match["type"]))
        return out


def write_project(srcdir: Path, files: dict[str, str], conf: str = BASE_CONF) -> Path:
    srcdir.mkdir(parents=True, exist_ok=True)
    if "conf.py" not in files:
        (srcdir / "conf.py").write_text(conf)
    for name, text in files.items():
        path = srcdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return srcdir


def build(srcdir: Path, buildername: str = "html", parallel: int = 0, freshenv: bool = False, **confoverrides: Any) -> Build:
    """Build ``srcdir`` into ``srcdir/_build/<buildername>`` (reused: incremental)."""
    warning = StringIO()
    # Sphinx 7.4 prints [type.subtype] only when asked; every test reads it
    confoverrides.setdefault("show_warning_types", True)
    # SphinxTestApp picks the basic theme after loading a saved environment, which
    # reads as a changed config (every page rewritten) unless the config says so too
    confoverrides.setdefault("html_theme", "basic")
    app = SphinxTestApp(
        buildername,
        srcdir=srcdir,
        builddir=srcdir / "_build",
        confoverrides=confoverrides,
        warning=warning,
        status=StringIO(),
        parallel=parallel,
        freshenv=freshenv,
    )
    try:
        app.build()
    finally:
        app.cleanup()
        # a build leaves the environment it loaded frozen for a fast exit (setup.freeze);
        # the suite runs a thousand builds in one process: give each one's back at once
        gc.unfreeze()
    return Build(app, strip_escape_sequences(warning.getvalue()))


@pytest.fixture
def project(tmp_path: Path):
    """``project(files)`` writes a project and returns a builder for it."""

    def make(files: dict[str, str], conf: str = BASE_CONF) -> Path:
        return write_project(tmp_path / "src", files, conf)

    return make


EXAMPLE_DOCS = Path(__file__).parent.parent / "example_docs"
#: html_baseurl of the shared example_docs build: the exports link back to it
EXAMPLE_BASE_URL = "https://docs.example.org/shop/"


@dataclass
class ExampleDocs:
    """The shared clean HTML build of example_docs, every export on."""

    project: str
    index: Index
    data: dict[str, Any]
    outdir: Path
    warnings: str

    def page(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text(encoding="utf-8")

    def text(self, docname: str) -> str:
        """The page's visible text, tags stripped, entities decoded, Sphinx's smart quotes undone."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.page(docname))).replace("\u2019", "'")

    def export(self) -> dict[str, Any]:
        return json.loads((self.outdir / "techspec.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_docs(tmp_path_factory: pytest.TempPathFactory) -> ExampleDocs:
    """example_docs built once per test session (the source tree is not written), shared by
    the docs, topology and export tests: its own conf.py plus every export format."""
    warning = StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=EXAMPLE_DOCS,
        builddir=tmp_path_factory.mktemp("example_docs"),
        confoverrides={
            "language": "en",
            "techspec_exports": sorted(FORMATS),
            "html_baseurl": EXAMPLE_BASE_URL,
            "show_warning_types": True,
        },
        status=StringIO(),
        warning=warning,
        freshenv=True,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    outdir = Path(app.outdir)
    data = json.loads((outdir / "techspec.json").read_text(encoding="utf-8"))
    project, index = export.read(data)
    return ExampleDocs(project, index, data, outdir, strip_escape_sequences(warning.getvalue()))
