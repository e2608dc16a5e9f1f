"""Existing ADR files (MADR, Nygard) read as ``adr`` items without editing them."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_CONF, ROOTS, Build, build, write_project
from hypothesis import given
from hypothesis import strategies as st

from sphinxcontrib_techspec.core.adrfiles import adr_id, name_date, parse, relations, status_of
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


# --- each quirk of real ADR folders, on the pure parser -------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("0001_use-x.md", "ADR-0001"),
        ("0001.use-x.md", "ADR-0001"),
        ("0001 use x.md", "ADR-0001"),
        ("adr013-use-node-fetch.md", "ADR-013"),
        ("ADR-0007-queues.md", "ADR-0007"),
        # a date starts the name: the name is the ID (log4brains' slug), so one day's ADRs never collide
        ("20200925-use-prettier.md", "20200925-use-prettier"),
        ("20200925-multi-packages.md", "20200925-multi-packages"),
        ("2018-06-13-storage-always-retries.md", "2018-06-13-storage-always-retries"),
        ("202009251230-timestamped.md", "202009251230-timestamped"),
        ("2021-03-0X-deprecated-functions.md", "2021-03-0X-deprecated-functions"),  # a date mistyped
        # eight digits that are no date are a number
        ("20201399-x.md", "ADR-20201399"),
    ],
)
def test_numbers_with_any_separator_and_dates(name: str, expected: str) -> None:
    assert adr_id(name) == expected


def test_a_dated_name_gives_the_date_unless_the_file_does() -> None:
    assert name_date("20200925-use-prettier.md") == "2020-09-25"
    assert name_date("0005-x.md") is None
    assert parse("# X\n\n**Status**: accepted\n", "2018-06-13-x.md").options["date"] == "2018-06-13"
    assert parse("# X\n\n- Status: accepted\n- Date: 2018-07-01\n", "2018-06-13-x.md").options["date"] == "2018-07-01"


def test_madr3_front_matter_deciders() -> None:
    text = "---\nstatus: accepted\ndate: 2022-12-18\ndeciders: Brandyn Bennett, Kobi Eshun\nconsulted:\n---\n# Use Monorepo\n"
    assert parse(text, "0002-use-monorepo.md").options == {
        "status": "accepted",
        "date": "2022-12-18",
        "deciders": "Brandyn Bennett, Kobi Eshun",
        "title": "Use Monorepo",
    }


@pytest.mark.parametrize("written", ["Accepted", "accepted", "ACCEPTED", "**Accepted**", "Accepted — 2026-05-14"])
def test_nygard_status_in_any_case_and_with_a_date(written: str) -> None:
    options = parse(f"# 3. X\n\n## Status\n\n{written}\n\n## Context\n", "0003-x.md").options
    assert options["status"] == "accepted"
    assert options.get("date") == ("2026-05-14" if "2026" in written else None)


def test_adr_tools_supersedes_and_amends_lines() -> None:
    new = "# 5. New\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n\nSupersedes [2. Old](0002-old.md)\n\nAmends [3. Other](0003-other.md)\n"
    assert parse(new, "0005-new.md").options == {
        "title": "New",
        "date": "2024-01-02",
        "status": "accepted",
        "supersedes": "ADR-0002",
        "amends": "ADR-0003",
    }
    # adr-tools puts the link under a status it did not remove: the ADR is superseded all the same
    old = "# 2. Old\n\n## Status\n\nProposed\n\nSuperseded by [5. New](0005-new.md)\n"
    assert parse(old, "0002-old.md").options == {"title": "Old", "status": "superseded", "superseded-by": "ADR-0005"}
    amended = "# 4. X\n\n## Status\n\nAccepted\n\nAmended by [10. A](0010-a.md)\n\nAmended by [18. B](0018-b.md)\n"
    assert parse(amended, "0004-x.md").options["amended-by"] == "ADR-0010, ADR-0018"


def test_relations_inside_a_status_line_and_links_to_urls() -> None:
    line = "Accepted (the budget is amended by [ADR-0036](0036-weekly-budget.md)); superseded in part"
    status, found, _ = status_of(line)
    assert (status, found) == ("accepted", {"amended-by": ["ADR-0036"]})
    url = "Amends [Separate API](https://github.com/o/r/blob/master/decisions/0004-separate-api)"
    assert relations(url) == {"amends": ["ADR-0004"]}
    # an issue is no ADR
    assert relations("Amended by [#151](https://github.com/o/r/issues/151): the word goes") == {"amended-by": []}


def test_one_status_line_with_links_and_a_date() -> None:
    text = (
        "# 0015: The arrangement\n\n**Status:** Accepted, amended by [0018](0018-the-song.md), "
        "[0022](0022-one-clock.md) and [0027](0027-autocommit.md) · **Date:** 2026-10-04\n\n## Context\n"
    )
    assert parse(text, "0015-the-arrangement.md").options == {
        "title": "The arrangement",
        "status": "accepted",
        "date": "2026-10-04",
        "amended-by": "ADR-0018, ADR-0022, ADR-0027",
    }
    # a link line under the title, then the date after it
    text = "# 0060 A box\n\nStatus: accepted\n\nAmended by [ADR 0061](0061-durable.md) for\nreceipts.\n\nDate: 2026-09-05\n"
    assert parse(text, "0060-x.md").options == {
        "title": "A box",
        "status": "accepted",
        "date": "2026-09-05",
        "amended-by": "ADR-0061",
    }


def test_log4brains_bullets_and_slug_supersession() -> None:
    text = (
        "# Use the ADR number as its unique ID\n\n"
        "- Status: superseded by [20201016-use-the-adr-slug](20201016-use-the-adr-slug.md)\n- Date: 2020-09-26\n"
    )
    adr = parse(text, "docs/adr/20200926-use-the-adr-number.md")
    assert adr.id == "20200926-use-the-adr-number"
    assert adr.options["superseded-by"] == "20201016-use-the-adr-slug"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("index.md", "# Decisions\n\nStatus: accepted decisions are listed here.\n"),
        ("README.md", "# Architecture Decision Records\n"),
        ("overview.md", "---\nid: adrs-overview\nsidebar_label: Overview\n---\n\nThe decisions.\n"),
    ],
)
def test_index_readme_and_overview_pages_are_not_adrs(name: str, text: str) -> None:
    assert parse(text, f"adr/{name}").page == "index"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("adr/template.md", "# [short title]\n\n- Status: [proposed | rejected | accepted]\n"),
        ("adr/adr000-template.md", "---\nid: adrs-adr000\ntitle: ADR000: [TITLE]\n---\n\n## Context\n"),
        # named like an ADR, but its status lists the choices
        (
            "adr/0000-blank.md",
            "# {title}\n\n* Status: {proposed | rejected | accepted | deprecated | … | superseded by [ADR-0005](0005-example.md)}\n",
        ),
        (
            "adr/0000-blank.md",
            '---\nstatus: "{proposed | rejected | accepted | deprecated | … | superseded by ADR-0123"\n---\n# {title}\n',
        ),
    ],
)
def test_templates_are_not_adrs(name: str, text: str) -> None:
    assert parse(text, name).page == "template"


def test_a_page_with_no_sign_of_an_adr_is_other() -> None:
    assert parse("# Glossary\n\nWords.\n", "adr/glossary.md").page == "other"
    assert parse("# Use gRPC\n\n## Status\n\nAccepted\n", "adr/use-grpc.md").page == "adr"


def test_front_matter_that_is_not_yaml_is_read_line_by_line() -> None:
    text = "---\nid: adrs-adr004\ntitle: ADR004: Module Export Structure\nstatus: accepted\ndecision-makers:\n  - Ana\n  - Bo\n---\n\n## Context\n"
    adr = parse(text, "adr004-module-export-structure.md")
    assert adr.options == {"title": "Module Export Structure", "status": "accepted", "deciders": "Ana, Bo"}
    assert adr.lines == {"title": 3, "status": 4, "deciders": 5}


def test_status_and_date_in_a_table() -> None:
    text = "# ADR-0038: Outbox\n\n## 1. Status\n\n| Field | Value |\n|---|---|\n| Status | Accepted |\n| Date | 2025-06-10 |\n| Deciders | Ana (Chair), Bo |\n"
    adr = parse(text, "0038-outbox.md")
    assert adr.options == {"title": "Outbox", "status": "accepted", "date": "2025-06-10", "deciders": "Ana (Chair), Bo"}
    assert adr.lines["status"] == 7
    header = "# RFC 1\n\n| Status | Proposed |\n|---|---|\n| **Date** | 2026-02-17 |\n"
    assert parse(header, "0001-rfc.md").options == {"title": "RFC 1", "status": "proposed", "date": "2026-02-17"}


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("# [Superseded by [ADR-0019](0019-x.md)] Push Metrics", "Push Metrics"),
        ("# Use [Thanos](https://thanos.io) for **metrics**", "Use Thanos for metrics"),
        ("# ADR-0002: `Participant` as a union", "Participant as a union"),
        ("# 0060 A long-polling message box", "A long-polling message box"),
        ("# 500 errors are retried", "500 errors are retried"),
        ("## The GCS Library retries all operations.", "The GCS Library retries all operations"),
    ],
)
def test_titles_are_text(heading: str, title: str) -> None:
    assert parse(f"{heading}\n\n- Status: accepted\n", "0060-x.md").options["title"] == title


def test_deciders_keep_commas_inside_parentheses() -> None:
    text = "# X\n\n- Status: accepted\n- Deciders: Rob, Johan, Cristian (a.k.a., Product Management working group)\n"
    adr = parse(text, "0015-x.md")
    item = build_item(KINDS["adr"], adr.id, adr.options, adr.body, "adr/0015-x", adr.lineno)
    assert item.fields["deciders"] == ["Rob", "Johan", "Cristian (a.k.a., Product Management working group)"]


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Approved", "accepted"),
        ("Pending", "proposed"),
        ("Draft", "proposed"),
        ("Superceded by [3. Y](0003-y.md)", "superseded"),
    ],
)
def test_synonyms_real_adrs_use(written: str, status: str) -> None:
    assert parse(f"# 2. X\n\n## Status\n\n{written}\n", "0002-x.md").options["status"] == status


def test_superseded_without_a_successor_is_a_note_on_its_line() -> None:
    adr = parse("# 2. X\n\n## Status\n\nSuperseded by the new approach\n", "0002-x.md")
    assert adr.options["status"] == "superseded" and "superseded-by" not in adr.options
    assert adr.notes == [("it is superseded, but names no ADR that supersedes it", 5)]


def test_struck_out_statuses_are_not_read() -> None:
    assert parse("# 1. X\n\n## Status\n\n~~Proposed~~ Accepted\n", "0001-x.md").options["status"] == "accepted"


def test_a_status_that_is_also_superseded_is_a_note_not_a_guess() -> None:
    text = "# 31. X\n\nStatus: Accepted; the budget part is superseded by [ADR-0043](0043-tokens.md)\n"
    adr = parse(text, "0031-x.md")
    assert adr.options == {"title": "X", "status": "accepted"}
    assert adr.notes == [("the status line says 'accepted' and 'superseded by' ADR-0043: read as 'accepted'", 3)]


def test_checkbox_status_lists() -> None:
    text = "# X\n\n## Status\n\n- [ ] Proposed\n- [x] Accepted\n- [ ] Deprecated\n"
    assert parse(text, "0001-x.md").options["status"] == "accepted"


def test_html_comments_are_not_metadata() -> None:
    text = "# 1. X\n\n<!--\n- Status: rejected\n-->\n- Status: accepted <!-- optional -->\n"
    adr = parse(text, "0001-x.md")
    assert (adr.options["status"], adr.lineno) == ("accepted", 6)


@given(st.text())
def test_parse_never_raises(text: str) -> None:
    adr = parse(text, "adr/0001-x.md")
    assert adr.id == "ADR-0001"
    assert all(isinstance(v, str) and v for v in adr.options.values())


#: lines of the real files and of every quirk above, shuffled into new files
FRAGMENTS = sorted(
    {line for path in (ROOTS / "test-adr-real").glob("*/*.md") for line in path.read_text().splitlines()[:14]}
    | {
        "---",
        "## Status",
        "| Status | Accepted |",
        "|---|---|",
        "- [x] Accepted",
        "<!--",
        "-->",
        "```",
        "Amends [1](0001-a.md)",
    }
)


@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=30),
    st.sampled_from(["0007-x.md", "20200925-x.md", "index.md", "x.md"]),
)
def test_parse_of_shuffled_real_lines_never_raises(lines: list[str], name: str) -> None:
    adr = parse("\n".join(lines), f"adr/{name}")
    assert adr.page in ("adr", "index", "template", "other")
    assert all(isinstance(v, str) and v.strip() for v in adr.options.values())
    assert set(adr.lines) == set(adr.options) and all(line >= 1 for line in adr.lines.values())
    # whatever it says, the item is built and keeps every option it could parse
    item = build_item(KINDS["adr"], adr.id, adr.options, adr.body, "adr/x", adr.lineno)
    assert item.id == adr.id


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


# --- real ADR folders (tests/roots/test-adr-real, see its README) ----------

REAL = ROOTS / "test-adr-real"

#: (folder, file, ID, title, status, date, other fields) as a person reading each file says them;
#: a status of None: the file gives none (or none in the vocabulary), which is a located warning
READ: list[tuple[str, str, str, str, str | None, str | None, dict[str, Any]]] = [
    # alphagov/govuk-aws: Nygard as adr-tools writes it
    (
        "govuk-aws",
        "0001-record-architecture-decisions",
        "ADR-0001",
        "Record architecture decisions",
        "accepted",
        "2017-06-30",
        {},
    ),
    ("govuk-aws", "0002-hosting-platforms", "ADR-0002", "Hosting Platforms", "accepted", "2017-06-30", {}),
    (
        "govuk-aws",
        "0004-dns-definitions-for-hosts-and-services",
        "ADR-0004",
        "DNS definitions for hosts and services",
        "superseded",
        "2017-07-14",
        {"superseded-by": "ADR-0015"},  # Superseded by [DNS Infrastructure](0015-dns-infrastructure.md)
    ),
    (
        "govuk-aws",
        "0006-puppet-architecture",
        "ADR-0006",
        "Puppet architecture",
        "proposed",
        "2017-07-04",
        {},
    ),  # Pending
    (
        "govuk-aws",
        "0010-terraform-directory-structure",
        "ADR-0010",
        "Terraform directory structure",
        "accepted",
        "2017-07-04",
        {"amended-by": ["ADR-0017"]},
    ),
    ("govuk-aws", "0015-dns-infrastructure", "ADR-0015", "DNS infrastructure", "accepted", "2018-03-06", {}),
    (
        "govuk-aws",
        "0017-terraform-data-structure",
        "ADR-0017",
        "Terraform Data Structure",
        "accepted",
        "2017-07-14",
        {"amends": ["ADR-0010"]},
    ),
    # the heading says "3." (copied from ADR 3): the file is ADR 33, its title what follows the number
    ("govuk-aws", "0033-ip-ranges", "ADR-0033", "Networking Outline", "proposed", "2018-09-26", {}),  # Pending
    (
        "govuk-aws",
        "0036-performance-platform-and-backdrop-architecture",
        "ADR-0036",
        "Performance-Platform-And-BackDrop-Architecture",
        "proposed",
        "2019-01-23",
        {},
    ),
    (
        "govuk-aws",
        "0038-mongo_replacement_by_documentdb",
        "ADR-0038",
        "Mongo Replacement by DocumentDB",
        "accepted",
        "2019-10-17",
        {},
    ),  # Approved
    # adr/madr: MADR 4 (its own decision log mostly gives no status)
    (
        "madr",
        "0000-use-markdown-architectural-decision-records",
        "ADR-0000",
        "Use Markdown Architectural Decision Records",
        None,
        None,
        {},
    ),
    ("madr", "0003-provide-own-madr-tools", "ADR-0003", "Write Own MADR Tooling", None, None, {}),  # status: on hold
    ("madr", "0008-add-status-field", "ADR-0008", "Add Status Field", None, None, {}),  # status only in examples
    (
        "madr",
        "0013-use-yaml-front-matter-for-meta-data",
        "ADR-0013",
        "Use YAML front matter for metadata",
        None,
        None,
        {},
    ),
    # adr/madr at 3.0.0: the sample MADR 3 shipped beside its template
    (
        "madr-3.0.0",
        "0000-use-markdown-any-decision-records",
        "ADR-0000",
        "Use Markdown Any Decision Records",
        None,
        None,
        {},
    ),
    # thomvaill/log4brains: dated names, two of one day
    (
        "log4brains",
        "20200924-use-markdown-architectural-decision-records",
        "20200924-use-markdown-architectural-decision-records",
        "Use Markdown Architectural Decision Records",
        "accepted",
        "2020-09-24",
        {},
    ),
    (
        "log4brains",
        "20200925-multi-packages-architecture-in-a-monorepo-with-yarn-and-lerna",
        "20200925-multi-packages-architecture-in-a-monorepo-with-yarn-and-lerna",
        "Multi-packages architecture in a monorepo with Yarn and Lerna",
        "accepted",
        "2020-09-25",
        {},
    ),
    (
        "log4brains",
        "20200925-use-prettier-eslint-airbnb-for-the-code-style",
        "20200925-use-prettier-eslint-airbnb-for-the-code-style",
        "Use Prettier-ESLint Airbnb for the code style",
        "accepted",
        "2020-09-25",
        {},
    ),
    (
        "log4brains",
        "20200926-use-the-adr-number-as-its-unique-id",
        "20200926-use-the-adr-number-as-its-unique-id",
        "Use the ADR number as its unique ID",
        "superseded",
        "2020-09-26",
        {"superseded-by": "20201016-use-the-adr-slug-as-its-unique-id"},
    ),
    (
        "log4brains",
        "20201016-use-the-adr-slug-as-its-unique-id",
        "20201016-use-the-adr-slug-as-its-unique-id",
        "Use the ADR slug as its unique ID",
        "accepted",
        "2020-10-16",
        {},
    ),
    # elastisys/compliantkubernetes: MADR 2
    (
        "compliantkubernetes",
        "0002-use-kubespray-for-cluster-lifecycle",
        "ADR-0002",
        "Use Kubespray for Cluster Life-cycle",
        "accepted",
        "2020-11-17",
        {
            "deciders": [
                *("Lars", "Johan", "Cristian", "Emil", "Viktor", "Geoff", "Ewnetu"),
                "Fredrik (potentially others who attended the architecture meeting, but I can't remember)",
            ]
        },
    ),
    (
        "compliantkubernetes",
        "0003-push-metrics-via-influxdb",
        "ADR-0003",
        "Push Metrics via InfluxDB",  # the heading's "[Superseded by [ADR-0019](...)]" is the status
        "superseded",
        "2020-11-19",
        {"superseded-by": "ADR-0019", "deciders": ["Johan", "Cristian", "Viktor", "Emil", "Olle", "Fredrik"]},
    ),
    (
        "compliantkubernetes",
        "0010-run-managed-services-in-workload-cluster",
        "ADR-0010",
        "Run managed services in Workload Cluster",
        "proposed",  # "proposed. **This ADR did not reach consensus ...**"
        "2021-04-29",
        {"deciders": ["Cristian"]},
    ),
    (
        "compliantkubernetes",
        "0012-do-not-persist-dex",
        "ADR-0012",
        "Do not persist Dex",
        "superseded",
        "2021-04-29",
        {"superseded-by": "ADR-0017", "deciders": ["Architecture Meeting"]},
    ),
    (
        "compliantkubernetes",
        "0015-we-believe-in-community-driven-open-source",
        "ADR-0015",
        "We believe in community-driven open source",
        "accepted",
        "2021-08-17",
        {"deciders": ["Rob", "Johan", "Cristian (a.k.a., Product Management working group)"]},
    ),
    (
        "compliantkubernetes",
        "0016-gid-0-is-okey-but-not-by-default",
        "ADR-0016",
        "gid=0 is okay, but not by default",
        "superseded",
        "2021-08-23",
        {"superseded-by": "ADR-0040", "deciders": ["Cristian", "Lars", "Olle"]},
    ),
    (
        "compliantkubernetes",
        "0017-persist-dex",
        "ADR-0017",
        "Persist Dex",
        "accepted",
        "2021-11-16",
        {"deciders": ["Architecture Meeting"]},
    ),
    (
        "compliantkubernetes",
        "0019-push-metrics-via-thanos",
        "ADR-0019",
        "Push Metrics via Thanos",
        "accepted",
        "2022-01-20",
        {"deciders": ["arch meeting"]},
    ),
    (
        "compliantkubernetes",
        "0040-allow-group-id-0",
        "ADR-0040",
        "Allow running containers with primary and supplementary group id 0",
        "accepted",
        "2023-04-19",
        {"deciders": ["arch meeting"]},
    ),
    # backstage/backstage: Docusaurus pages (id: adrs-adr004 is the page's name), no status
    ("backstage", "adr004-module-export-structure", "ADR-004", "Module Export Structure", None, None, {}),
    ("backstage", "adr013-use-node-fetch", "ADR-013", "Proper use of HTTP fetching libraries", None, None, {}),
    # googleapis/google-cloud-cpp: dashed dates in names, bold key lines, no Date line
    (
        "google-cloud-cpp",
        "2018-06-13-storage-always-retries",
        "2018-06-13-storage-always-retries",
        "The GCS Library retries all operations",
        "accepted",
        "2018-06-13",
        {},
    ),
    (
        "google-cloud-cpp",
        "2019-02-13-preserve-all-functionality",
        "2019-02-13-preserve-all-functionality",
        "Preserve all functionality offered by the raw API",
        "proposed",
        "2019-02-13",
        {},
    ),
]

#: pages among the ADRs that a person does not call ADRs: indexes, READMEs, overviews, templates
NOT_ADRS = [
    ("madr", "adr-template"),
    ("madr", "index"),
    ("madr-3.0.0", "adr-template"),  # front matter of placeholders that is not YAML: {proposed | rejected | ...}
    ("log4brains", "README"),
    ("log4brains", "index"),
    ("log4brains", "template"),
    ("compliantkubernetes", "index"),
    ("compliantkubernetes", "template"),
    ("backstage", "index"),
    ("backstage", "adr000-template"),
]

#: every techspec warning of each folder: (file, line, subtype): what is really missing or unclear
WARNED = {
    "govuk-aws": set(),
    "madr": {
        ("0000-use-markdown-architectural-decision-records.md", 1, "techspec.missing-option"),
        ("0003-provide-own-madr-tools.md", 4, "techspec.bad-choice"),  # status: on hold
        ("0008-add-status-field.md", 1, "techspec.missing-option"),
        ("0013-use-yaml-front-matter-for-meta-data.md", 1, "techspec.missing-option"),
    },
    "madr-3.0.0": {("0000-use-markdown-any-decision-records.md", 1, "techspec.missing-option")},
    "log4brains": set(),
    "compliantkubernetes": set(),
    "backstage": {
        ("adr004-module-export-structure.md", 1, "techspec.missing-option"),
        ("adr013-use-node-fetch.md", 1, "techspec.missing-option"),
    },
    "google-cloud-cpp": set(),
}
ASSERTED = ("title", "status", "date", "superseded-by", "supersedes", "amends", "amended-by", "deciders")
REAL_CONF = BASE_CONF + 'techspec_adr_paths = ["adr/*"]\n'


def real_project(folder: str, where: Path) -> Path:
    src = write_project(where, {"index.md": "# ADRs\n\n```{toctree}\n:glob:\n\nadr/*\n```\n"}, REAL_CONF)
    shutil.copytree(REAL / folder, src / "adr")
    return src


@pytest.fixture(scope="module", params=sorted(WARNED))
def real(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Build]:
    folder = str(request.param)
    return folder, build(real_project(folder, tmp_path_factory.mktemp(folder) / "src"))


def test_every_real_file_is_asserted() -> None:
    on_disk = {(p.parent.name, p.stem) for p in REAL.glob("*/*.md")}
    assert on_disk == {(f, n) for f, n, *_ in READ} | set(NOT_ADRS)
    assert set(WARNED) == {f for f, *_ in READ}


def test_real_adrs_read_as_a_person_reads_them(real: tuple[str, Build]) -> None:
    folder, result = real
    items = {i["docname"]: i for i in result.export()["items"] if i["kind"] == "adr"}
    expected, observed = {}, {}
    for source, name, adr, title, status, date, other in READ:
        if source != folder:
            continue
        fields = {"title": title, "status": status, "date": date, **other}
        expected[name] = (adr, {k: v for k, v in fields.items() if v is not None})
        item = items.get(f"adr/{name}")
        observed[name] = item and (item["id"], {k: v for k, v in item["fields"].items() if k in ASSERTED})
    assert observed == expected
    # nothing else became an ADR: not the index, README or template pages
    assert sorted(items) == sorted(f"adr/{name}" for source, name, *_ in READ if source == folder)


def test_real_folders_warn_only_about_what_is_missing(real: tuple[str, Build]) -> None:
    folder, result = real
    warned = {(w[0], w[1], w[3]) for w in result.located() if (w[3] or "").startswith("techspec.")}
    # an ADR log with no spec: no uncited-adr; every supersession and amendment resolves
    assert warned == WARNED[folder]


def test_real_titles_show_as_text(real: tuple[str, Build]) -> None:
    folder, result = real
    shown, expected = {}, {}
    for source, name, _, title, *_ in READ:
        if source == folder:
            page = result.html(f"adr/{name}")
            card = re.search(r'techspec-adr-file.*?class="techspec-title">(.*?)</span>', page, re.DOTALL)
            shown[name] = card and html.unescape(card.group(1))
            expected[name] = title  # no "[", "](" or "**" of the Markdown it was written in
    assert shown == expected


def test_adr_only_project_warnings_are_located_and_amendments_are_links(project) -> None:
    src = project(
        {
            "index.md": "# Home\n\n```{toctree}\n:glob:\n\nadr/*\n```\n",
            "adr/0001-a.md": "# 1. A\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n\nAmended by [2. B](0002-b.md)\n",
            "adr/0002-b.md": "# 2. B\n\nDate: 2024-13-45\n\n## Status\n\nAccepted\n\nAmends [1. A](0001-a.md)\n",
            "adr/0003-c.md": "# 3. C\n\n## Status\n\nSuperseded by the new approach\n",
            "adr/glossary.md": "# Glossary\n\nWords we use.\n",
            "adr/template.md": "# [title]\n\n- Status: [proposed | accepted | rejected]\n",
        }
    )
    result = build(src, techspec_adr_paths=["adr/*"])
    located = sorted((w[0], w[1], w[3]) for w in result.located() if (w[3] or "").startswith("techspec."))
    assert located == [
        ("0002-b.md", 3, "techspec.bad-value"),  # the date, on its own line
        ("0003-c.md", 5, "techspec.adr-file"),  # superseded, by what?
        ("glossary.md", 1, "techspec.adr-file"),  # matched, but no sign of an ADR
    ]  # and no uncited-adr: the project has no spec that could cite them
    items = adrs(result)
    assert sorted(items) == ["ADR-0001", "ADR-0002", "ADR-0003"]
    assert items["ADR-0002"]["fields"]["amends"] == ["ADR-0001"]
    assert items["ADR-0001"]["fields"]["amended-by"] == ["ADR-0002"]
    card = result.html("adr/0002-b").split("techspec-adr-file", 1)[1]
    assert 'href="0001-a.html#a"' in card
    # with a spec in the project, an ADR nothing cites is a gap again
    (src / "spec.md").write_text(
        "# S\n\n```{spec} SPEC-S\n:version: 1\n:status: draft\n:prd: PRD-X\n:adrs: ADR-0001\n```\n"
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\n:glob:\n\nspec\nadr/*\n```\n")
    again = build(src, techspec_adr_paths=["adr/*"], freshenv=True)
    assert sorted(w[0] for w in again.located() if w[3] == "techspec.uncited-adr") == ["0002-b.md", "0003-c.md"]


def test_real_folder_parallel_and_incremental_builds_read_the_same(tmp_path: Path) -> None:
    serial = build(real_project("log4brains", tmp_path / "serial"))
    parallel = build(real_project("log4brains", tmp_path / "parallel"), parallel=2)
    assert adrs(parallel) == adrs(serial) and len(adrs(serial)) == 5
    src = tmp_path / "serial"
    path = src / "adr" / "20201016-use-the-adr-slug-as-its-unique-id.md"
    path.write_text(path.read_text().replace("- Status: accepted", "- Status: deprecated"))
    second = build(src)
    assert adrs(second)["20201016-use-the-adr-slug-as-its-unique-id"]["fields"]["status"] == "deprecated"
    assert adrs(second) == adrs(build(src, freshenv=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nstatus: accepted\n---\n# Use X\n", '---\nstatus: "superseded by [ADR-0002](0002-y.md)"\n---\n# Use X\n'),
        ("# 1. Use X\n\n## Status\n\nAccepted\n\n## Context\n", "# 1. Use X\n\n## Status\n\nSuperseded by [ADR-0002](0002-y.md)\n\n## Context\n"),
        ("# Use X\n\n* Status: accepted\n* Date: 2024-01-02\n", "# Use X\n\n* Status: superseded by [ADR-0002](0002-y.md)\n* Date: 2024-01-02\n"),
        ("# Use X\n\nWe use X.\n", None),
    ],
)
def test_superseded_sets_the_status_where_the_style_keeps_it(text: str, expected: str | None) -> None:
    from sphinxcontrib_techspec.core.adrfiles import superseded

    assert superseded(text, "[ADR-0002](0002-y.md)") == expected
    if expected is not None:
        assert parse(expected, "0001-use-x.md").options["status"] == "superseded"
