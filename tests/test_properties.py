"""Property tests of the pure core: round trips, and no input ever breaks it."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from sphinxcontrib_techspec.core import values as v
from sphinxcontrib_techspec.core.export import export, schema
from sphinxcontrib_techspec.core.index import Index
from sphinxcontrib_techspec.core.kinds import KINDS
from sphinxcontrib_techspec.core.model import build_item
from sphinxcontrib_techspec.core.topology import find_cycles

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def all_parsers() -> list[v.Parser]:
    """Every parser a kind uses, list items included, plus the ones no kind uses yet."""
    out: list[v.Parser] = [v.Percentage(), v.Integer(), v.Text(), v.Reference()]
    for kind in KINDS.values():
        for field in kind.fields:
            out.append(field.parser)
            if isinstance(field.parser, v.ListOf):
                out.append(field.parser.item)
    return out


PARSERS = all_parsers()

NASTY = [
    "<script>alert(1)</script>",
    "a, ,b",
    "p95 <",
    "1e309s",
    "9" * 400 + "s",
    "< " + "9" * 400 + " rps",
    "p" + "9" * 400 + " < 1s",
    "9" * 5000,
    "1.2.3@4",
    "SPEC::ID",
    "\u0660\u0661s",
    "99.9\u066a",
    "nan%",
    "inf rps",
    "\x00",
    "\u20135s",
    "5\u00a0m",
    "@",
    "@@",
    ",,,",
    "p95 < 9e9",
    "v" + "1." * 300 + "1",
]
# text that looks like what users type, and text that does not
tricky = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,:;@<>=%pPvVmsdhwy -+/\t\n", max_size=20),
    st.sampled_from(NASTY),
)


@pytest.mark.parametrize("text", NASTY)
def test_every_parser_on_nasty_text(text: str) -> None:
    for parser in PARSERS:
        try:
            value = parser.parse(text)
        except ValueError:
            continue
        json.dumps(value, allow_nan=False)  # infinity would make techspec.json invalid JSON
        shown = parser.format(value)
        assert isinstance(shown, str) and (shown.strip() or value == []), (parser, text, value)


@SETTINGS
@given(st.sampled_from(PARSERS), tricky)
def test_parsers_raise_only_value_error(parser: v.Parser, text: str) -> None:
    try:
        value = parser.parse(text)
    except ValueError as error:
        assert str(error)  # a message for the user
    else:
        assert value is not None
        parser.format(value)  # whatever parses can be shown


@SETTINGS
@given(tricky)
def test_duration_and_percentage_raise_only_value_error(text: str) -> None:
    for parse, low, high in ((v.parse_duration, 0, math.inf), (v.parse_percentage, 0, 100)):
        try:
            value = parse(text)
        except ValueError:
            continue
        # what parses is a finite number in range: never inf or nan in the export
        assert math.isfinite(value) and low <= value <= high, (text, value)


# milliseconds up to ten years: the precision durations are written with
duration_grid = st.integers(min_value=0, max_value=10 * 365 * 86_400_000).map(lambda ms: v._number(ms / 1000))


@SETTINGS
@given(duration_grid)
def test_format_duration_round_trips(seconds: float) -> None:
    shown = v.format_duration(seconds)
    assert v.parse_duration(shown) == seconds, shown


@SETTINGS
@given(st.floats(min_value=1e-9, max_value=1e9, allow_nan=False))
def test_format_duration_always_parses_back_closely(seconds: float) -> None:
    back = v.parse_duration(v.format_duration(seconds))
    assert abs(back - seconds) <= max(0.0005, seconds * 1e-9)


numbers = st.one_of(st.integers(0, 10_000), st.integers(0, 10_000_000).map(lambda n: v._number(n / 1000)))
percentages = st.integers(0, 100_000).map(lambda n: v._number(n / 1000))


@st.composite
def targets(draw: st.DrawFn) -> dict[str, Any]:
    comparator = draw(st.sampled_from(["<", "<=", ">", ">=", "="]))
    unit = draw(st.sampled_from(["%", "s", "rps", "req/s", "MB"]))
    if unit == "%":
        value = draw(percentages)
    elif unit == "s":
        value = draw(duration_grid)
    else:
        value = draw(numbers)
    percentile = (
        draw(st.one_of(st.none(), st.integers(1, 100), st.sampled_from([99.9, 99.99, 0.5]))) if unit == "s" else None
    )
    return {"percentile": percentile, "comparator": comparator, "value": value, "unit": unit}


@SETTINGS
@given(targets())
def test_target_format_parse_round_trip(target: dict[str, Any]) -> None:
    parser = v.Target()
    shown = parser.format(target)
    parsed = parser.parse(shown)
    # the keys the generator knows keep their meaning; the text is what was shown
    assert {k: parsed[k] for k in target} == target and parsed["text"] == shown, shown


@SETTINGS
@given(st.sampled_from(["99.9%", "p95 < 400ms", "< 0.5%", ">= 500 rps", "p99 <= 1h 30m"]))
def test_target_parse_format_is_stable(text: str) -> None:
    parser = v.Target()
    once = parser.format(parser.parse(text))
    assert parser.format(parser.parse(once)) == once


@SETTINGS
@given(st.lists(st.integers(0, 30), min_size=1, max_size=5), st.integers(0, 3))
def test_version_key_ignores_trailing_zeros(parts: list[int], zeros: int) -> None:
    text = ".".join(map(str, parts))
    padded = text + ".0" * zeros
    assert v.version_key(text) == v.version_key(padded)
    assert v.version_key(v.Version().parse("v" + padded)) == v.version_key(text)


option_names = st.one_of(
    st.sampled_from(sorted({f.name for k in KINDS.values() for f in k.fields})),
    st.text(min_size=1, max_size=12),
)
option_values = st.one_of(
    tricky,
    st.sampled_from(["99.9%", "30d", "p95 < 400ms", "yes", "1.2", "2026-01-01", "GET", "404", "a@1, b", ",", ""]),
    st.lists(st.sampled_from(["db", "<b>x</b>", "ünï", "a@3f", " ", "é,", "ID-1"]), max_size=4).map(", ".join),
)
item_ids = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())


@SETTINGS
@given(
    st.sampled_from(sorted(KINDS)),
    item_ids,
    st.dictionaries(option_names, option_values, max_size=6),
    st.text(max_size=200),
)
def test_build_item_never_raises_and_keeps_the_id(kind: str, item_id: str, options: dict[str, str], body: str) -> None:
    item = build_item(KINDS[kind], item_id, options, body, "doc", 3)
    assert item.id == item_id.strip()
    assert item.kind == kind
    assert item.raw == options
    declared = {f.name for f in KINDS[kind].fields} | {f.name for f in KINDS[kind].derived_fields}
    assert set(item.fields) <= declared
    unknown = set(options) - {f.name for f in KINDS[kind].fields}
    assert len([p for p in item.problems if p.subtype == "unknown-option"]) == len(unknown)
    assert all(p.docname == "doc" and p.lineno == 3 for p in item.problems)
    json.dumps(item.to_json(), allow_nan=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(KINDS)),
            item_ids,
            st.dictionaries(option_names, option_values, max_size=4),
            st.sampled_from(["A", "B", None]),
        ),
        max_size=8,
    )
)
def test_export_of_any_items_validates(entries: list[tuple[str, str, dict[str, str], str | None]]) -> None:
    items = []
    for kind, item_id, options, spec in entries:
        item = build_item(KINDS[kind], item_id, options, "", "doc", 1)
        item.spec = spec
        items.append(item)
    data = export(Index(items), "p")
    errors = list(Draft202012Validator(schema()).iter_errors(data))
    assert errors == [], errors[0].message if errors else ""


graphs = st.dictionaries(st.sampled_from("abcdefg"), st.lists(st.sampled_from("abcdefg"), max_size=3), max_size=7)


@SETTINGS
@given(graphs)
def test_find_cycles_returns_real_cycles(graph: dict[str, list[str]]) -> None:
    cycles = find_cycles(graph)
    seen: set[str] = set()
    for cycle in cycles:
        assert cycle[0] == min(cycle)
        assert len(set(cycle)) == len(cycle)
        for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert b in graph.get(a, [])
        assert not seen & set(cycle), "one cycle per strongly connected set"
        seen |= set(cycle)
    assert cycles == sorted(cycles)
    reordered = {k: list(reversed(vs)) for k, vs in reversed(list(graph.items()))}
    assert find_cycles(reordered) == cycles
