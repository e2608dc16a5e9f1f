"""The techspec-check builder's capture of Sphinx's logging (what ``techspec check`` reports):
each techspec warning that ``suppress_warnings`` lets through, with its file, line, document
and the phase it was made in, on every supported Sphinx."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import BASE_CONF, write_project
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from sphinxcontrib_techspec.core.findings import Finding
from sphinxcontrib_techspec.sphinx.checkbuilder import FINISHING, captured

PAGE = """
# Shop

```{spec} SPEC-SHOP
:version: 1.0
:status: current
```

```{component} api
:depends-on: ghost
```

```{slo} fast
:target: soon
```

```{traceability-report}
:prd: PRD-NOPE
```
"""


def check(srcdir: Path, tmp_path: Path) -> list[Finding]:
    found: list[Finding] = []
    with patch_docutils(srcdir), docutils_namespace(), captured(found):
        app = Sphinx(
            srcdir,
            srcdir,
            tmp_path / "out",
            tmp_path / "doctrees",
            "techspec-check",
            status=None,
            warning=io.StringIO(),
        )
        app.connect("build-finished", lambda _app, _exc: setattr(_app, FINISHING, True), priority=0)
        app.build()
    return found


def test_findings_are_captured_located_and_by_phase(tmp_path: Path) -> None:
    conf = BASE_CONF + 'suppress_warnings = ["myst.header", "techspec.missing-option"]\n'
    srcdir = write_project(tmp_path / "src", {"index.md": PAGE}, conf)
    found = check(srcdir, tmp_path)
    page = str(srcdir / "index.md")
    got = {(f.subtype, f.file, f.line, f.docname): f.phase for f in found}
    assert got.pop(("bad-value", page, 12, "index")) == "read"  # :target: soon, while reading
    assert got.pop(("unknown-ref", page, 16, "index")) == "write"  # :prd: PRD-NOPE, while resolving the page
    # the cross-document findings
    assert set(got) == {("spec-without-prd", page, 3, "index"), ("unknown-ref", page, 8, "index")}
    # missing-option (the SLO's :sli: and :window:) is suppressed: not reported
    assert all(f.message and not f.message.endswith("]") for f in found)
