"""Suspect links: a pinned reference whose target changed after it was pinned."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BASE_CONF, Build, build

from sphinxcontrib_techspec.core import suspect, trace
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import Item, build_item
from sphinxcontrib_techspec.core.present import item_rows


def make(kind: str, item_id: str, body: str = "", doc: str = "d", line: int = 1, **options: str) -> Item:
    item = build_item(KINDS[kind], item_id, {k.replace("_", "-"): v for k, v in options.items()}, body, doc, line)
    assert not item.problems, item.problems
    return item


REQ = make("requirement", "REQ-1", "Refunds within 5 days.", prd="PRD-1")
ADR = make("adr", "ADR-0001", "Use Postgres.", status="accepted")
PRD = make("prd", "PRD-1", version="1.0")


def index_with(*items: Item) -> Index:
    return Index([REQ, ADR, PRD, *items])


def test_matching_pins_are_silent() -> None:
    full, short = REQ.fingerprint, ADR.fingerprint[:6]
    api = make("component", "api", satisfies=f"REQ-1@{full}", decided_by=f"ADR-0001@{short.upper()}")
    assert suspect.suspects(index_with(api)) == []


def test_changed_requirement_is_suspect_and_says_what_to_write() -> None:
    old = make("requirement", "REQ-1", "Refunds within 7 days.", prd="PRD-1").fingerprint
    api = make("component", "api", "", "spec", 12, satisfies=f"REQ-2, REQ-1@{old}")
    index = index_with(api, make("requirement", "REQ-2", prd="PRD-1"))
    [found] = suspect.suspects(index)
    assert (found.pin, found.current, found.malformed) == (old, REQ.fingerprint, False)
    assert found.acknowledge == f":satisfies: REQ-1@{REQ.fingerprint}"
    [problem] = suspect.problems(index)
    assert (problem.subtype, problem.docname, problem.lineno) == ("suspect-link", "spec", 12)
    assert "requirement 'REQ-1' changed" in problem.message
    assert f"pinned fingerprint {old}, now {REQ.fingerprint}" in problem.message
    assert f"write `:satisfies: REQ-1@{REQ.fingerprint}` to acknowledge" in problem.message


def test_the_fingerprint_follows_options_and_text_not_the_place() -> None:
    moved = make("requirement", "REQ-1", "Refunds within 5 days.", "other", 99, prd="PRD-1")
    assert moved.fingerprint == REQ.fingerprint
    assert (
        make("requirement", "REQ-1", "Refunds within 5 days.", prd="PRD-1", priority="must").fingerprint
        != REQ.fingerprint
    )


@pytest.mark.parametrize("pin", ["3f2a9", "zzzzzz", "0123456789abcdef"])
def test_a_pin_that_is_no_fingerprint_is_suspect(pin: str) -> None:
    api = make("component", "api", satisfies=f"REQ-1@{pin}")
    [found] = suspect.suspects(index_with(api))
    assert found.malformed
    assert "6 to 12 hex digits" in found.message and REQ.fingerprint in found.message


def test_versioned_targets_are_pinned_by_version() -> None:
    other = make("spec", "SPEC-B", version="1.3", status="current")
    ok = make("spec", "SPEC-A", version="1.0", status="draft", related="SPEC-B@v1.3.0")
    old = make("spec", "SPEC-C", version="1.0", status="draft", related="SPEC-B@1.2")
    bad = make("spec", "SPEC-D", version="1.0", status="draft", related="SPEC-B@latest")
    found = {s.link.source.id: s for s in suspect.suspects(index_with(other, ok, old, bad))}
    assert sorted(found) == ["SPEC-C", "SPEC-D"]
    assert "spec 'SPEC-B' is now at version 1.3 (pinned at 1.2)" in found["SPEC-C"].message
    assert found["SPEC-C"].acknowledge == ":related: SPEC-B@1.3"
    assert found["SPEC-D"].malformed


def test_a_specs_prd_version_is_left_to_stale_prd() -> None:
    spec = make("spec", "SPEC-A", version="1.0", status="draft", prd="PRD-1@0.9")
    index = index_with(spec)
    assert suspect.suspects(index) == []
    assert [p.subtype for p in trace.problems(index) if p.subtype == "stale-prd"] == ["stale-prd"]


def test_external_sources_and_unknown_targets_are_skipped() -> None:
    imported = make("component", "remote", satisfies="REQ-1@000000000000")
    imported.external = "payments"
    lost = make("component", "api", satisfies="REQ-9@000000000000")
    assert suspect.suspects(index_with(imported, lost)) == []


def test_unpinned_links_only_when_required() -> None:
    api = make("component", "api", satisfies="REQ-1", decided_by=f"ADR-0001@{ADR.fingerprint}", depends_on="db")
    spec = make("spec", "SPEC-A", version="1.0", status="draft", prd="PRD-1", adrs="ADR-0001")
    index = index_with(api, spec, make("component", "db"))
    assert suspect.problems(index) == []
    messages = sorted(p.message for p in suspect.problems(index, require_pins=True))
    assert {p.subtype for p in suspect.problems(index, require_pins=True)} == {"unpinned-link"}
    assert len(messages) == 3  # :satisfies:, the spec's :prd: and :adrs:; not :depends-on:, not REQ-1's own :prd:
    assert any(f"write `:satisfies: REQ-1@{REQ.fingerprint}`" in m for m in messages)
    assert any("write `:prd: PRD-1@1.0`" in m for m in messages)


def test_report_section_and_no_double_warning() -> None:
    api = make("component", "api", satisfies="REQ-1@aaaaaa")
    index = index_with(api)
    [(where, _, cells)] = trace.findings(index)["suspect-link"]
    assert where is api and cells[-1] == f" @aaaaaa \N{RIGHTWARDS ARROW} @{REQ.fingerprint}"
    assert any(s.name == "suspect-link" and len(s.rows) == 1 for s in trace.report(index))
    assert "suspect-link" not in {p.subtype for p in trace.problems(index)}  # suspect.problems() reports it


def test_cards_show_the_pin() -> None:
    assert ("Pin", [REQ.fingerprint]) in item_rows(REQ)
    assert ("Pin", [ADR.fingerprint]) in item_rows(ADR)
    assert all(name != "Pin" for name, _ in item_rows(PRD))


# --- builds ---------------------------------------------------------------


PRD_DOC = """\
# Refunds PRD

```{prd} PRD-REFUND
:version: 1.0
```

```{requirement} REQ-FAST
:prd: PRD-REFUND
:priority: must

Refunds reach the customer within DAYS days.
```
"""

SPEC_DOC = """\
# Refund service

```{spec} SPEC-REFUND
:version: 1.0
:status: draft
:prd: PRD-REFUND@1.0
```

```{component} refunder
:satisfies: REQ-FAST PIN
```
"""

INDEX = "# Home\n\n```{toctree}\nprd\nspec\n```\n"


def suspects(result: Build) -> list[tuple[str, int | None, str]]:
    return sorted((w[0], w[1], w[2]) for w in result.located() if w[3] == "techspec.suspect-link")


def fingerprint(result: Build, item_id: str) -> str:
    return next(i["fingerprint"] for i in result.export()["items"] if i["id"] == item_id)


def test_pin_edit_acknowledge_cycle(project) -> None:
    src: Path = project(
        {"index.md": INDEX, "prd.md": PRD_DOC.replace("DAYS", "5"), "spec.md": SPEC_DOC.replace(" PIN", "")}
    )
    pin = fingerprint(build(src), "REQ-FAST")
    (src / "spec.md").write_text(SPEC_DOC.replace(" PIN", f"@{pin}"))
    pinned = build(src)
    assert suspects(pinned) == []
    assert f"<p>{pin}</p>" in pinned.html("prd")  # the requirement's card shows its pin

    # the requirement changes: the link is suspect, and the warning names the new pin
    (src / "prd.md").write_text(PRD_DOC.replace("DAYS", "3"))
    changed = build(src)
    new = fingerprint(changed, "REQ-FAST")
    assert new != pin
    [(name, line, message)] = suspects(changed)
    assert (name, line) == ("spec.md", 9)
    assert f"pinned fingerprint {pin}, now {new}" in message
    assert f"`:satisfies: REQ-FAST@{new}`" in message
    # the report shows it too
    (src / "report.md").write_text("# Report\n\n```{traceability-report}\n```\n")
    (src / "index.md").write_text(INDEX.replace("spec\n", "spec\nreport\n"))
    incremental = build(src)
    assert suspects(incremental) == suspects(changed)
    assert f"&#64;{pin} \N{RIGHTWARDS ARROW} &#64;{new}" in incremental.html("report")

    # a clean build reports exactly what the incremental one did
    clean = build(src, freshenv=True)
    assert suspects(clean) == suspects(incremental)

    # acknowledging: write the new pin (a 6-digit prefix will do)
    (src / "spec.md").write_text(SPEC_DOC.replace(" PIN", f"@{new[:6]}"))
    assert suspects(build(src)) == []


def test_require_pins(project) -> None:
    src = project(
        {"index.md": INDEX, "prd.md": PRD_DOC.replace("DAYS", "5"), "spec.md": SPEC_DOC.replace(" PIN", "")},
        BASE_CONF + "techspec_require_pins = True\n",
    )
    result = build(src)
    unpinned = [w for w in result.located() if w[3] == "techspec.unpinned-link"]
    assert [(w[0], w[1]) for w in unpinned] == [("spec.md", 9)]
    assert "REQ-FAST@" in unpinned[0][2]
