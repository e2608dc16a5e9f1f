"""Reviewer checks, derived values and the spec summary, in real builds."""

from __future__ import annotations

import html
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import ROOTS, WARNING_RE, Build, build
from sphinx.util.console import strip_escape_sequences

from sphinxcontrib_techspec.core import review

# every check fires once, at the directive line named beside it
REVIEWED_RST = """\
Checkout
========

.. spec:: SPEC-A
   :version: 1.0
   :status: draft

.. component:: api

.. error-code:: CONFLICT
   :http-status: 409

.. api-endpoint:: GET /orders
   :errors: CONFLICT, GONE
   :component: api

.. sli:: SLI-LAT
   :kind: latency

.. sli:: SLI-ORPHAN

.. slo:: SLO-LAT
   :sli: SLI-LAT
   :target: p95 < 400ms
   :window: 28d
   :component: api

.. slo:: SLO-X
   :sli: SLI-NOPE
   :target: 99%
   :window: 7d

.. slo:: SLO-100
   :sli: SLI-LAT
   :target: 100%
   :window: 30d

.. slo:: SLO-TIGHT
   :sli: SLI-LAT
   :target: 99.999%
   :window: 30d

.. retry-policy:: RP-SLOW
   :max-retries: 3
   :base: 1s
   :component: api

.. circuit-breaker:: CB
   :failure-threshold: 5
   :recovery-timeout: 30s
   :component: api
   :dependency: ghost

.. timeout:: ledger-call
   :value: 2s
   :component: nowhere

.. data-class:: card
   :classification: Sensitive
   :handling: TBD

.. data-class:: phone
   :classification: PII
   :handling: Encrypted at rest

.. migration:: M-2
   :description: Drop the legacy table
   :rollback: none
"""

EXPECTED = {
    "undeclared-error": (".. api-endpoint:: GET /orders", "'GONE'"),
    "unused-sli": (".. sli:: SLI-ORPHAN", "SLI-ORPHAN"),
    "slo-without-sli": (".. slo:: SLO-X", "'SLI-NOPE'"),
    "impossible-target": (".. slo:: SLO-100", ">= 100%"),
    "tiny-error-budget": (".. slo:: SLO-TIGHT", "25.92s"),
    "retry-exceeds-slo": (".. retry-policy:: RP-SLOW", "7s"),
    "undeclared-component": (".. circuit-breaker:: CB", "'ghost'"),
    "unhandled-data": (".. data-class:: card", "'TBD'"),
    "pii-without-retention": (".. data-class:: phone", "'phone'"),
    "migration-without-rollback": (".. migration:: M-2", "'none'"),
}


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


def located(result: Build) -> list[tuple[str, int | None, str, str]]:
    """(file name, line, message, subtype) of every techspec warning.

    Test apps never switch colours off, so the escape codes are stripped first."""
    out = []
    for line in strip_escape_sequences(result.warnings).splitlines():
        match = WARNING_RE.match(line.strip())
        if match and match["type"] and match["type"].startswith("techspec."):
            where = int(match["line"]) if match["line"] else None
            out.append((Path(match["location"]).name, where, match["message"], match["type"].removeprefix("techspec.")))
    return out


def reviewer_warnings(result: Build) -> list[tuple[str, int | None, str, str]]:
    return [w for w in located(result) if w[3] in review.CHECKS]


@pytest.fixture
def reviewed(project):
    return project({"index.rst": REVIEWED_RST})


def test_each_check_is_a_located_warning(reviewed: Path) -> None:
    result = build(reviewed)
    found = reviewer_warnings(result)
    got = {(subtype, name, line) for name, line, _, subtype in found}
    assert sorted({s for s, _, _ in got}) == sorted(review.CHECKS)
    for subtype, (needle, detail) in EXPECTED.items():
        assert (subtype, "index.rst", line_of(REVIEWED_RST, needle)) in got, subtype
        message = next(m for _, _, m, s in found if s == subtype)
        assert detail in message, (subtype, message)
    # the timeout's unknown component is reported too, at its own line
    timeout_line = line_of(REVIEWED_RST, ".. timeout:: ledger-call")
    assert ("undeclared-component", "index.rst", timeout_line) in got
    assert len(found) == len(EXPECTED) + 1
    # the refined references are not also reported as generic unknown references
    assert "unknown-ref" not in result.subtypes()


def test_incremental_build_reports_what_is_left(reviewed: Path) -> None:
    assert "migration-without-rollback" in {s for *_, s in reviewer_warnings(build(reviewed))}
    page = reviewed / "index.rst"
    page.write_text(page.read_text().replace(":rollback: none", ":rollback: Restore the table from the dump"))
    left = {s for *_, s in reviewer_warnings(build(reviewed))}
    assert left == set(review.CHECKS) - {"migration-without-rollback"}


def test_suppress_warnings_silences_each_subtype(reviewed: Path) -> None:
    half = sorted(review.CHECKS)[::2]
    result = build(reviewed, freshenv=True, suppress_warnings=[f"techspec.{s}" for s in half])
    left = {s for *_, s in reviewer_warnings(result)}
    assert left == set(review.CHECKS) - set(half)
    assert "unknown-ref" not in result.subtypes()


def test_review_warnings_off_falls_back_to_unknown_ref(reviewed: Path) -> None:
    result = build(reviewed, freshenv=True, techspec_review_warnings=False)
    assert reviewer_warnings(result) == []
    unknown = sorted(m for _, _, m, s in located(result) if s == "unknown-ref")
    assert len(unknown) == 4  # GONE, SLI-NOPE, ghost, nowhere
    assert any("'GONE'" in m for m in unknown)


def test_example_project_is_clean_for_reviewers(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-rst", src, ignore=shutil.ignore_patterns("_build"))
    result = build(src)
    assert reviewer_warnings(result) == []


def card_text(page: str, anchor: str) -> str:
    """The visible text of one item card."""
    start = page.index(f'id="{anchor}"')
    end = page.find('class="techspec techspec-', start)
    text = re.sub(r"<[^>]+>", " ", page[start : end if end > 0 else None])
    return html.unescape(re.sub(r"\s+", " ", text))


DERIVED_MD = """\
# Payments

```{spec} SPEC-PAY
:version: 1.0
:status: draft
```

```{slo} SLO-AVAIL
:sli: SLI-AVAIL
:target: 99.9%
:window: 30d
```

```{slo} SLO-LAT
:sli: SLI-AVAIL
:target: p95 < 400ms
:window: 28d
```

```{retry-policy} RP
:max-retries: 4
:backoff: exponential
:base: 50ms
:max: 300ms
```

```{sli} SLI-AVAIL
```
"""


def test_derived_values_on_the_card_and_in_the_export(project) -> None:
    result = build(project({"index.md": DERIVED_MD}))
    items = {i["id"]: i for i in result.export()["items"]}
    page = result.html("index")

    availability = items["SLO-AVAIL"]
    assert availability["fields"]["error-budget-seconds"] == 2592
    assert availability["fields"]["error-budget-percent"] == 0.1
    card = card_text(page, availability["anchor"])
    assert re.search(r"Outage allowed\s*:\s*43m 12s", card), card
    assert re.search(r"Error budget\s*:\s*0\.1%", card), card

    latency = items["SLO-LAT"]
    assert "error-budget-seconds" not in latency["fields"]
    assert re.search(r"Error budget\s*:\s*5%", card_text(page, latency["anchor"]))

    # 50ms, 100ms, 200ms, then 400ms capped at 300ms: 650ms in all
    retry = items["RP"]
    assert retry["fields"]["backoff-schedule"] == [0.05, 0.1, 0.2, 0.3]
    assert retry["fields"]["worst-case-delay"] == 0.65
    card = card_text(page, retry["anchor"])
    assert re.search(r"Worst case delay\s*:\s*650ms", card), card
    assert re.search(r"Backoff schedule\s*:\s*50ms, 100ms, 200ms, 300ms", card), card


SUMMARY_RST = """\
Orders
======

.. spec:: SPEC-O
   :version: 1.0
   :status: draft

.. spec-summary::

Items are declared out of template order on purpose.

.. quality-gate:: coverage
   :threshold: 85%

.. data-class:: email
   :classification: Public
   :handling: none needed

.. sli:: SLI-AVAIL

.. slo:: SLO-AVAIL
   :sli: SLI-AVAIL
   :target: 99.9%
   :window: 30d

.. migration:: M-1
   :description: Add column
   :rollback: Drop it

.. error-code:: CONFLICT
   :http-status: 409

.. component:: orders-api

.. toctree::

   other
"""

OTHER_RST = """\
Other
=====

.. spec:: SPEC-OTHER
   :version: 1.0
   :status: draft

.. component:: not-in-the-summary
"""


def test_spec_summary_follows_template_order(project) -> None:
    result = build(project({"index.rst": SUMMARY_RST, "other.rst": OTHER_RST}))
    page = result.html("index")
    summary = page[: page.index("Items are declared out of template order")]
    sections = re.findall(r'<p class="[^"]*techspec-summary-section[^"]*">([^<]*)</p>', summary)
    assert [html.unescape(s) for s in sections] == [
        "Architecture",
        "Interfaces & Data Contracts",
        "Data & Storage",
        "Reliability & SLIs/SLOs",
        "Security & Privacy",
        "Evaluation Plan",
    ]
    tables = re.findall(r'class="[^"]*techspec-table-([\w-]+)', summary)
    assert tables == ["component", "error-code", "migration", "sli", "slo", "data-class", "quality-gate"]
    # each item appears in its table, linked to its card; the other spec's do not
    for anchor in ("techspec-component-orders-api", "techspec-slo-SLO-AVAIL", "techspec-quality-gate-coverage"):
        assert f'href="#{anchor}"' in summary
    assert "not-in-the-summary" not in summary
    assert "43m 12s" not in summary and "0.1%" in summary  # the SLO's default columns include its budget


def test_spec_summary_of_a_named_spec(project) -> None:
    files = {"index.rst": SUMMARY_RST, "other.rst": OTHER_RST + "\n.. spec-summary:: SPEC-O\n"}
    result = build(project(files))
    page = result.html("other")
    start = page.index("not-in-the-summary")  # the card comes first, the summary after it
    summary = page[start:]
    assert 'href="index.html#techspec-component-orders-api"' in summary
    assert re.findall(r"techspec-table-([\w-]+)", summary)[0] == "component"


def test_anchor_helpers_agree_with_the_source() -> None:
    # the line numbers above are read off the text, so the helper must find each directive once
    for needle, _ in EXPECTED.values():
        assert sum(line.startswith(needle) for line in textwrap.dedent(REVIEWED_RST).splitlines()) == 1


def test_parallel_build_reports_what_a_serial_build_does(project, tmp_path: Path) -> None:
    """The checks run once on the merged index: -j 2 sees every document's items."""
    # Sphinx reads in parallel only from six documents on: the checks' items are spread over them
    fillers = {
        f"extra{n}.rst": f"Extra {n}\n========\n\n.. spec:: SPEC-EXTRA{n}\n   :version: 1.0\n   :status: draft\n\n"
        f".. sli:: extra-sli-{n}\n   :kind: latency\n\n.. migration:: 2026010{n}_extra\n   :description: d\n   :rollback: none\n"
        for n in range(6)
    }
    files = {"index.rst": REVIEWED_RST + "\n.. toctree::\n\n" + "".join(f"   extra{n}\n" for n in range(6)), **fillers}
    serial_src = project(files)
    parallel_src = shutil.copytree(serial_src, tmp_path / "parallel")
    serial, parallel = build(serial_src), build(parallel_src, parallel=2)
    # the parallel build did read in chunks ("reading sources... [ 50%] a .. b")
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", strip_escape_sequences(parallel.app._status.getvalue()))
    assert sorted(reviewer_warnings(parallel)) == sorted(reviewer_warnings(serial))
    subtypes = [s for *_, s in reviewer_warnings(parallel)]
    # the six extra documents each add an unused SLI and a migration with no rollback
    assert subtypes.count("unused-sli") >= 6 and subtypes.count("migration-without-rollback") >= 7
