"""Shared fixtures: real Sphinx projects built with ``sphinx.testing``."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

pytest_plugins = ("sphinx.testing.fixtures",)

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
    return Build(app, strip_escape_sequences(warning.getvalue()))


@pytest.fixture
def project(tmp_path: Path):
    """``project(files)`` writes a project and returns a builder for it."""

    def make(files: dict[str, str], conf: str = BASE_CONF) -> Path:
        return write_project(tmp_path / "src", files, conf)

    return make
