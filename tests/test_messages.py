"""Warning messages name every kind the way a reader says it: "an SLO", not "a slo"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BASE_CONF, build, write_project

from sphinxcontrib_techspec.core import review
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import build_item

#: a/an before a word whose sound says otherwise ("a SLO", "an PRD", "a error")
_WRONG_ARTICLE = re.compile(r"\b(?:a (?:[AEFHILMNORSX][A-Z]+\b|[aeiou])|an (?:[BCDGJKPQTUVWYZ][A-Z]+\b|[bcdfgjklmnpqrstvwxyz]))")


@pytest.mark.parametrize(
    ("kind", "a_noun"),
    [
        ("slo", "an SLO"),
        ("sli", "an SLI"),
        ("prd", "a PRD"),
        ("adr", "an ADR"),
        ("api-endpoint", "an API endpoint"),
        ("error-code", "an error code"),
        ("audit-event", "an audit event"),
        ("requirement", "a requirement"),
        ("retry-policy", "a retry policy"),
        ("db-table", "a database table"),
    ],
)
def test_kind_nouns_with_their_article(kind: str, a_noun: str) -> None:
    assert KINDS[kind].a_noun == a_noun


@pytest.mark.parametrize("kind", list(KINDS))
def test_item_messages_name_the_kind_naturally(kind: str) -> None:
    declaration = KINDS[kind]
    item = build_item(declaration, "X-1", {"colour": "red"}, "", "page", 3)
    messages = [p.message for p in item.problems]
    assert messages and all(m.startswith(f"{declaration.noun} 'X-1': ") for m in messages), messages
    for message in messages:
        # the directive's hyphenated name is code, not a word in a sentence
        assert not re.search(rf"\b{re.escape(kind)} '", message) or declaration.noun.endswith(kind), message
        assert not _WRONG_ARTICLE.search(message), message
    # nouns are words: no hyphens, acronyms in capitals, the rest lower case
    assert "-" not in declaration.noun
    assert all(w.isupper() or w.islower() for w in declaration.noun.split())


def test_unknown_reference_names_the_kind_and_does_not_blame_specs() -> None:
    spec = build_item(KINDS["spec"], "SPEC-A", {"version": "1", "status": "draft", "prd": "PRD-X@2.1"}, "", "a", 3)
    slo = build_item(KINDS["slo"], "lat", {"sli": "nope", "target": "p95 < 1s", "window": "30d"}, "", "a", 9)
    endpoint = build_item(KINDS["api-endpoint"], "GET /x", {"errors": "E1", "component": "ghost"}, "", "a", 12)
    index = Index([spec, slo, endpoint])
    messages = sorted(p.message for p in [*index.problems(refined=review.REFINED_REFS), *review.problems(index)])
    assert messages == [
        "API endpoint 'GET /x' may return error 'E1', which the error taxonomy does not declare (add an error-code)",
        "API endpoint 'GET /x': :component: names component 'ghost', which no document declares",
        "SLO 'lat' constrains SLI 'nope', which no document declares: nothing says what it measures",
        "tech spec 'SPEC-A': :prd: names PRD 'PRD-X', which no document declares",
    ]
    for message in messages:
        assert not _WRONG_ARTICLE.search(message), message


def test_role_to_an_unknown_item_names_the_kind(tmp_path: Path) -> None:
    text = "Title\n=====\n\nSee :techspec:slo:`nope` and :techspec:api-endpoint:`GET /nope`.\n"
    result = build(write_project(tmp_path / "src", {"index.rst": text}, BASE_CONF))
    messages = [m for _, _, m, t in result.located() if t == "techspec.unknown-ref"]
    assert messages == ["no SLO named 'nope'", "no API endpoint named 'GET /nope'"]


@pytest.mark.parametrize(
    ("setting", "wanted"),
    [("techspec_export = 'yes'", "True or False"), ("techspec_import_max_bytes = 'big'", "a whole number")],
)
def test_config_type_in_words(tmp_path: Path, setting: str, wanted: str) -> None:
    result = build(write_project(tmp_path / "src", {"index.rst": "Title\n=====\n"}, BASE_CONF + setting + "\n"))
    # a config problem has no file and line
    (message,) = [line for line in result.warnings.splitlines() if line.endswith("[techspec.config]")]
    assert f"must be {wanted}, not 'big'" in message or f"must be {wanted}, not 'yes'" in message
    assert not _WRONG_ARTICLE.search(message)
