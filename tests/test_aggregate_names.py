"""spec-summary's argument and the :spec: and :prd: of the traceability views name
items: an ID nothing declares is a located ``unknown-ref``, in reST and MyST."""

from __future__ import annotations

import pytest
from conftest import BASE_CONF, build

DECLARED = """
Declared
========

.. prd:: PRD-SHOP
   :version: 1.0
   :status: approved

.. requirement:: REQ-1
   :prd: PRD-SHOP

.. spec:: SPEC-SHOP
   :version: 1.0
   :status: current
   :prd: PRD-SHOP

.. component:: api
   :satisfies: REQ-1
"""

RST = """
Views
=====

.. spec-summary:: SPEC-NOPE

.. traceability-report::
   :spec: SPEC-SHOP, SPEC-NOPE
   :prd: PRD-SHOP, PRD-NOPE

.. traceability-matrix::
   :prd: PRD-GONE

.. spec-summary:: SPEC-SHOP

.. traceability-matrix::
   :spec: SPEC-SHOP
   :prd: PRD-SHOP
"""

MYST = """
# Views

```{spec-summary} SPEC-NOPE
```

```{traceability-report}
:spec: SPEC-SHOP, SPEC-NOPE
:prd: PRD-SHOP, PRD-NOPE
```

```{traceability-matrix}
:prd: PRD-GONE
```

```{spec-summary} SPEC-SHOP
```

```{traceability-matrix}
:spec: SPEC-SHOP
:prd: PRD-SHOP
```
"""


def files(views: str, name: str) -> dict[str, str]:
    return {
        "index.rst": f"Home\n====\n\n.. toctree::\n\n   declared\n   {name.partition('.')[0]}\n",
        "declared.rst": DECLARED,
        name: views,
    }


def unknown(result, name: str) -> list[tuple[int | None, str]]:
    return [
        (line, message)
        for file, line, message, subtype in result.located()
        if file == name and subtype == "techspec.unknown-ref"
    ]


@pytest.mark.parametrize(
    ("name", "views", "lines"), [("views.rst", RST, (4, 6, 10)), ("views.md", MYST, (3, 6, 11))], ids=["rst", "myst"]
)
def test_unknown_ids_in_views_are_located_warnings_in_rest_and_myst(
    project, name: str, views: str, lines: tuple[int, int, int]
) -> None:
    result = build(project(files(views, name)))
    summary, report, matrix = lines
    assert unknown(result, name) == [
        (summary, "spec-summary: the argument names no spec 'SPEC-NOPE'"),
        (report, "traceability-report: :spec: names no spec 'SPEC-NOPE'"),
        (report, "traceability-report: :prd: names no PRD 'PRD-NOPE'"),
        (matrix, "traceability-matrix: :prd: names no PRD 'PRD-GONE'"),
    ]
    # the known IDs are no warning; the views are still drawn
    assert "SPEC-SHOP" in result.html(name.partition(".")[0])


def test_the_warning_can_be_suppressed(project) -> None:
    result = build(project(files(RST, "views.rst"), BASE_CONF + 'suppress_warnings = ["techspec.unknown-ref"]\n'))
    assert unknown(result, "views.rst") == []
    assert "unknown-ref" not in result.subtypes()
