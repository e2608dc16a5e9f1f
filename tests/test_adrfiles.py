"""Existing ADR files (MADR, Nygard) read as ``adr`` items without editing them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOTS, Build, build
from hypothesis import given
from hypothesis import strategies as st

from sphinxcontrib_techspec.core.adrfiles import adr_id, parse
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import build_item

NYGARD = """\
# 12. Use PostgreSQL

Date: 2024-01-02

## Status

Superseded by [13. Use CockroachDB](0013-use-cockroachdb.md)

## Context

Status: accepted (this line is prose, not the status)
"""

MADR4 = """\
---
status: accepted
date: 2024-03-05
decision-makers: [Ana Ruiz, Bo Chen]
parent: Decisions
---
# Use event sourcing

## Context and Problem Statement

Which store?
"""

MADR2 = """\
# Require idempotency keys

* Status: proposed
* Deciders: Ana Ruiz, Dee Patel
* Date: 2024-04-01

## Context and Problem Statement
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("adr/0005-use-dashes-in-filenames", "ADR-0005"),
        ("0005-use-dashes-in-filenames.md", "ADR-0005"),
        ("decisions/adr-12-use-postgres", "ADR-12"),
        ("ADR_0007_queues.md", "ADR-0007"),
        ("doc/adr/0001.md", "ADR-0001"),
        ("adr/use-postgres", "use-postgres"),
        ("adr/2024-01-02-use-postgres.md", "2024-01-02-use-postgres"),
        ("adr/12factor-apps", "12factor-apps"),
    ],
)
def test_adr_id_rule(name: str, expected: str) -> None:
    assert adr_id(name) == expected


def test_nygard_file() -> None:
    adr = parse(NYGARD, "adr/0012-use-postgresql.md")
    assert adr.id == "ADR-0012"
    assert adr.options == {
        "title": "Use PostgreSQL",
        "date": "2024-01-02",
        "status": "superseded",
        "superseded-by": "ADR-0013",
    }
    assert adr.lineno == 7  # the status line, where a bad status is reported


def test_madr4_front_matter() -> None:
    adr = parse(MADR4, "decisions/0003-use-event-sourcing")
    assert adr.id == "ADR-0003"
    # YAML dates and lists become what the directive would be given; unrelated keys are ignored
    assert adr.options == {
        "status": "accepted",
        "date": "2024-03-05",
        "deciders": "Ana Ruiz, Bo Chen",
        "title": "Use event sourcing",
    }
    assert adr.lineno == 2
    assert adr.body.startswith("# Use event sourcing")


def test_madr2_bullet_lines() -> None:
    adr = parse(MADR2, "0004-idempotency-keys.md")
    assert adr.options == {
        "title": "Require idempotency keys",
        "status": "proposed",
        "deciders": "Ana Ruiz, Dee Patel",
        "date": "2024-04-01",
    }


def test_underlined_headings_and_rst_fields() -> None:
    text = "=================\n7. Use Kafka\n=================\n\n:Date: 2023-11-30\n\nStatus\n------\n\nRejected\n"
    adr = parse(text, "adr/0007-use-kafka.rst")
    assert adr.options == {"title": "Use Kafka", "date": "2023-11-30", "status": "rejected"}
    assert adr.lineno == 10


def test_front_matter_adr_id_and_superseded_status() -> None:
    text = "---\nadr-id: ADR-PAY-7\nstatus: superseded by ADR-0123\n---\n# Old way\n"
    adr = parse(text, "adr/0007-old-way.md")
    assert adr.id == "ADR-PAY-7"
    assert adr.options["status"] == "superseded"
    assert adr.options["superseded-by"] == "ADR-0123"


def test_site_page_id_is_not_the_adr_id_unless_the_name_says_nothing() -> None:
    # Docusaurus names its page ``adrs-adr013``: the file name gives the ADR's number
    page = "---\nid: adrs-adr013\nslug: /adr/13\ntitle: 'ADR013: Use fetch'\n---\n\n## Context\n"
    adr = parse(page, "architecture-decisions/adr013-use-fetch.md")
    assert (adr.id, adr.options["title"]) == ("ADR-013", "Use fetch")
    # a name with neither number nor date: ``id:`` is all there is
    assert parse("---\nid: PAY-7\nstatus: accepted\n---\n# X\n", "adr/old-way.md").id == "PAY-7"


def test_front_matter_wins_over_the_body() -> None:
    text = "---\nstatus: deprecated\ntitle: Short\n---\n# 3. Long title\n\n## Status\n\nAccepted\n"
    assert parse(text, "0003-x.md").options == {"status": "deprecated", "title": "Short"}


def test_status_in_a_code_example_is_not_read() -> None:
    text = "# Use YAML\n\n## Example\n\n```yaml\nstatus: accepted\n```\n\n```\n* Status: rejected\n```\n"
    assert "status" not in parse(text, "0013-use-yaml.md").options


def test_superseded_by_bare_number_is_padded_like_the_file() -> None:
    text = "# 9. X\n\n## Status\n\nSuperseded by 14. Y\n"
    assert parse(text, "0009-x.md").options["superseded-by"] == "ADR-0014"


def test_accepted_then_amended_lines() -> None:
    text = "# 2. X\n\n## Status\n\n**Accepted** on 2024-02-01\n\nAmended by [3. Y](0003-y.md)\n"
    options = parse(text, "0002-x.md").options
    # the date after the status is the decision's date; an amendment is not a supersession
    assert options == {"title": "X", "status": "accepted", "date": "2024-02-01", "amended-by": "ADR-0003"}


def test_unknown_status_is_kept_and_reported_by_build_item() -> None:
    adr = parse("# 5. X\n\n## Status\n\nOn hold\n", "0005-x.md")
    assert adr.options["status"] == "On hold"
    item = build_item(KINDS["adr"], adr.id, adr.options, adr.body, "adr/0005-x", adr.lineno)
    assert [p.subtype for p in item.problems] == ["bad-choice"]


def test_malformed_front_matter_falls_back_to_the_body() -> None:
    text = "---\nstatus: [unclosed\n---\n# 4. X\n\n## Status\n\nRejected\n"
    adr = parse(text, "0004-x.md")
    assert adr.options["status"] == "rejected"
    assert adr.lineno == 8


@given(st.text())
def test_parse_never_raises(text: str) -> None:
    adr = parse(text, "adr/0001-x.md")
    assert adr.id == "ADR-0001"
    assert all(isinstance(v, str) and v for v in adr.options.values())


# --- builds ---------------------------------------------------------------


def copy_root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOTS / "test-adr-files", tmp_path / "src"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(copy_root(tmp_path_factory.mktemp("adr")))


def adrs(result: Build) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in result.export()["items"] if i["kind"] == "adr"}


def test_adr_files_become_items(built: Build) -> None:
    items = adrs(built)
    assert sorted(items) == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004", "ADR-0005", "ADR-0017"]
    assert items["ADR-0001"]["fields"] == {
        "title": "Use PostgreSQL for the ledger",
        "status": "superseded",
        "date": "2024-01-02",
        "superseded-by": "ADR-0002",
    }
    assert items["ADR-0003"]["fields"]["deciders"] == ["Ana Ruiz", "Bo Chen"]
    assert items["ADR-0004"]["fields"]["status"] == "proposed"
    assert items["ADR-0005"]["fields"] == {"title": "Use Dashes in Filenames"}  # a real MADR file: no status
    assert items["ADR-0003"]["docname"] == "decisions/0003-use-event-sourcing"
    assert items["ADR-0003"]["anchor"] == "use-event-sourcing-for-balances"


def test_citations_resolve_to_the_adr_page(built: Build) -> None:
    html = built.html("spec")
    assert 'href="adr/0001-use-postgres.html#use-postgresql-for-the-ledger"' in html
    assert 'href="decisions/0003-use-event-sourcing.html#use-event-sourcing-for-balances"' in html
    assert 'href="adr/0002-use-cockroachdb.html#use-cockroachdb-for-the-ledger"' in html  # :decided-by:
    assert "unknown-ref" not in built.subtypes()


def test_the_page_shows_a_card_and_keeps_its_text(built: Build) -> None:
    html = built.html("decisions/0003-use-event-sourcing")
    assert "techspec-adr-file" in html and "Ana Ruiz, Bo Chen" in html
    assert "the audit trail is the data" in html
    # one element carries the anchor: the section, not the card too
    assert html.count('id="use-event-sourcing-for-balances"') == 1


def test_findings_and_file_warnings(built: Build) -> None:
    located = built.located()
    superseded = [w for w in located if w[3] == "techspec.superseded-adr"]
    assert [(w[0], w[1]) for w in superseded] == [("spec.md", 3)]
    assert "superseded by 'ADR-0002'" in superseded[0][2]
    missing = sorted((w[0], w[1]) for w in located if w[3] == "techspec.missing-option")
    assert missing == [("0005-use-dashes-in-filenames.md", 1), ("0017-use-same-format-for-outcomes-and-options.md", 1)]
    assert all("front matter" in w[2] for w in located if w[3] == "techspec.missing-option")
    cited = {w[0] for w in located if w[3] == "techspec.uncited-adr"}
    assert cited == {"0005-use-dashes-in-filenames.md", "0017-use-same-format-for-outcomes-and-options.md"}


def test_editing_an_adr_file_is_seen_by_an_incremental_build(tmp_path: Path) -> None:
    src = copy_root(tmp_path)
    build(src)
    path = src / "adr" / "0002-use-cockroachdb.md"
    path.write_text(path.read_text().replace("Accepted", "Deprecated"))
    second = build(src)
    assert adrs(second)["ADR-0002"]["fields"]["status"] == "deprecated"
    assert ("spec.md", 9) in [(w[0], w[1]) for w in second.located() if w[3] == "techspec.superseded-adr"]
    clean = build(src, freshenv=True)
    # read-time warnings of unchanged pages are not repeated (as in Sphinx); cross-document ones are
    cross = {"techspec.uncited-adr", "techspec.superseded-adr", "techspec.spec-without-prd", "techspec.unknown-ref"}
    assert sorted(w for w in second.located() if w[3] in cross) == sorted(w for w in clean.located() if w[3] in cross)
    assert adrs(second) == adrs(clean)


def test_only_matching_pages_and_directives_win(project) -> None:
    src = project(
        {
            "index.md": "# Home\n\n```{toctree}\n:glob:\n\nadr/*\nnotes\n```\n",
            "adr/0001-a.md": "# 1. A\n\n## Status\n\nAccepted\n",
            "adr/0002-b.md": "# B\n\n```{adr} ADR-B\n:status: rejected\n```\n",
            "notes.md": "# 3. Notes\n\n## Status\n\nAccepted\n",
            "adr/index.md": "# Decisions\n\nThe log of our decisions.\n",
            "adr/use-grpc.md": "# Use gRPC\n\n## Status\n\nAccepted\n",
            "adr/0003-c.rst": "3. C\n====\n\nStatus\n------\n\nProposed\n",
        }
    )
    result = build(src, techspec_adr_paths=["adr/*"])
    items = {i["id"]: i["fields"]["status"] for i in result.export()["items"] if i["kind"] == "adr"}
    # adr/index.md (no number, no id:, no status) is not an ADR; adr/use-grpc.md has a status
    assert items == {"ADR-0001": "accepted", "ADR-B": "rejected", "ADR-0003": "proposed", "use-grpc": "accepted"}


def test_parallel_build_reads_the_same_adrs(built: Build, tmp_path: Path) -> None:
    parallel = build(copy_root(tmp_path), parallel=2)
    assert adrs(parallel) == adrs(built)
    assert sorted(w[1:] for w in parallel.located() if w[3] == "techspec.superseded-adr") == sorted(
        w[1:] for w in built.located() if w[3] == "techspec.superseded-adr"
    )
