"""The change rules of ``techspec diff`` are carried by the kinds' declarations (core/kinds.py)."""

from __future__ import annotations

import re

from sphinxcontrib_techspec.core.changes import RULES
from sphinxcontrib_techspec.core.kinds import KINDS


def test_every_fields_change_rule_is_a_documented_rule() -> None:
    rules = {f.change_rule for kind in KINDS.values() for f in kind.shown.values() if f.change_rule}
    assert rules == set(RULES) - {"removed", "signature"}


def test_the_removed_rule_names_exactly_the_kinds_whose_removal_breaks() -> None:
    named = set(re.findall(r"[a-z][a-z-]+", RULES["removed"].removesuffix(" is removed."))) - {"an", "or"}
    assert named == {name for name, kind in KINDS.items() if kind.removal}


def test_a_kind_answers_to_the_api_or_the_schema_version_of_its_spec() -> None:
    spec = KINDS["spec"].by_name
    assert {kind.contract for kind in KINDS.values()} == {"api-version", "schema-version"}
    assert all(kind.contract in spec for kind in KINDS.values())


def test_the_workflow_guide_lists_the_editorial_fields() -> None:
    """The guide's table of classes names exactly the fields whose change is editorial."""
    from pathlib import Path

    from sphinxcontrib_techspec.core.changes import EDITORIAL_FIELDS

    guide = Path(__file__).parent.parent / "example_docs" / "guide" / "workflow.md"
    (row,) = [line for line in guide.read_text(encoding="utf-8").splitlines() if line.startswith("| editorial |")]
    named = set(re.findall(r"`:([a-z-]+):`", row))
    assert "a title" in row and named == EDITORIAL_FIELDS - {"title"}
