"""The value parsers of the pure core: what each accepts, refuses and shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_techspec.core import values as v


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30d", 2_592_000),
        ("4w", 2_419_200),
        ("5m", 300),
        ("5min", 300),
        ("30s", 30),
        ("400ms", 0.4),
        ("1y", 31_536_000),
        ("1h 30m", 5400),
        ("1h30m", 5400),
        ("2H", 7200),
        ("1.5s", 1.5),
        ("10 ms", 0.01),
        ("0s", 0),
        ("  2h  ", 7200),
    ],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert v.parse_duration(text) == seconds


def test_whole_durations_are_integers() -> None:
    """``30d`` exports as ``2592000``, not ``2592000.0``."""
    assert isinstance(v.parse_duration("30d"), int)
    assert isinstance(v.parse_duration("400ms"), float)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "30", "d", "30x", "abc", "1h x", "x 1h", "1h,30m", "-5s", "1e3s", "5mins", "\u0661\u0662s"],
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        v.parse_duration(text)


def test_duration_error_gives_examples() -> None:
    with pytest.raises(ValueError, match="30d"):
        v.parse_duration("soon")


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0ms"),
        (0.4, "400ms"),
        (0.0005, "0.5ms"),
        (1e-9, "0.000001ms"),
        (1, "1s"),
        (61.1, "1m 1.1s"),
        (2592, "43m 12s"),
        (5400, "1h 30m"),
        (90_000, "1d 1h"),
        (2_592_000, "30d"),
        (3600.0001, "1h"),
    ],
)
def test_format_duration(seconds: float, shown: str) -> None:
    assert v.format_duration(seconds) == shown


@pytest.mark.parametrize("text", ["30d", "4w", "5m", "30s", "400ms", "1h 30m", "1d 1h 1m 1.5s", "0.5ms"])
def test_format_duration_round_trips(text: str) -> None:
    seconds = v.parse_duration(text)
    assert v.parse_duration(v.format_duration(seconds)) == seconds


@pytest.mark.parametrize(("text", "value"), [("99.9%", 99.9), ("0%", 0), ("100%", 100), (" 50 %", 50), ("+5%", 5)])
def test_parse_percentage(text: str, value: float) -> None:
    assert v.parse_percentage(text) == value


@pytest.mark.parametrize("text", ["99.9", "%", "abc%", "1e2%", "-5%", "100.1%", "", "\u0665%"])
def test_parse_percentage_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        v.parse_percentage(text)


def test_percentage_parser() -> None:
    parser = v.Percentage()
    assert parser.parse("99.95%") == 99.95
    assert parser.format(99.95) == "99.95%"
    assert parser.schema() == {"type": "number"}


def meaning(
    percentile: float | None,
    comparator: str,
    value: float,
    unit: str,
    metric: str | None = None,
    load: dict[str, object] | None = None,
) -> dict[str, object]:
    """A parsed target without the author's text."""
    return {
        "percentile": percentile,
        "comparator": comparator,
        "value": value,
        "unit": unit,
        "metric": metric,
        "load": load,
    }


TARGETS = [
    # every form that parsed before loads, Unicode and metrics came
    ("99.9%", meaning(None, ">=", 99.9, "%")),
    ("p95 < 400ms", meaning(95, "<", 0.4, "s")),
    ("P50<1s", meaning(50, "<", 1, "s")),
    ("p99.9 <= 2s", meaning(99.9, "<=", 2, "s")),
    ("p100 < 1s", meaning(100, "<", 1, "s")),
    ("p95 400ms", meaning(95, "<=", 0.4, "s")),
    ("< 0.5%", meaning(None, "<", 0.5, "%")),
    (">= 500 rps", meaning(None, ">=", 500, "rps")),
    ("<= 3 req/s", meaning(None, "<=", 3, "req/s")),
    ("< 1h 30m", meaning(None, "<", 5400, "s")),
    # a latency under a load, as the template's benchmark table is filled in
    ("p95 < 300ms at 200 rps", meaning(95, "<", 0.3, "s", load={"value": 200, "unit": "rps"})),
    ("p99 <= 1s @ 500 rps", meaning(99, "<=", 1, "s", load={"value": 500, "unit": "rps"})),
    ("p99 <= 1s @500rps", meaning(99, "<=", 1, "s", load={"value": 500, "unit": "rps"})),
    ("p95 < 300ms under 1k rps", meaning(95, "<", 0.3, "s", load={"value": 1000, "unit": "rps"})),
    ("p95 < 300ms AT 2.5k req/s", meaning(95, "<", 0.3, "s", load={"value": 2500, "unit": "req/s"})),
    ("p99 < 1s at 500 concurrent users", meaning(99, "<", 1, "s", load={"value": 500, "unit": "concurrent users"})),
    ("p50 < 20ms at 1M rps", meaning(50, "<", 0.02, "s", load={"value": 1_000_000, "unit": "rps"})),
    ("99.9% at 1k rps", meaning(None, ">=", 99.9, "%", load={"value": 1000, "unit": "rps"})),
    # decimal percentiles and Unicode comparators
    ("p99.9 < 2s", meaning(99.9, "<", 2, "s")),
    ("p99.99 \u2264 5s", meaning(99.99, "<=", 5, "s")),
    ("\u2265 1000 rps", meaning(None, ">=", 1000, "rps")),
    ("\u2264 0.1%", meaning(None, "<=", 0.1, "%")),
    ("\u2a7d 0.1%", meaning(None, "<=", 0.1, "%")),
    ("\u2a7e 99%", meaning(None, ">=", 99, "%")),
    # throughput and error rates
    (">= 1000 rps", meaning(None, ">=", 1000, "rps")),
    (">= 1k rps", meaning(None, ">=", 1000, "rps")),
    ("> 2.5K msg/s", meaning(None, ">", 2500, "msg/s")),
    ("< 1% errors", meaning(None, "<", 1, "%", metric="errors")),
    ("<= 0.1% error rate", meaning(None, "<=", 0.1, "%", metric="errors")),
    ("1% errors", meaning(None, "<=", 1, "%", metric="errors")),
    ("< 1% Errors @ 300 rps", meaning(None, "<", 1, "%", metric="errors", load={"value": 300, "unit": "rps"})),
    ("99.95% availability", meaning(None, ">=", 99.95, "%", metric="success")),
    ("\u2265 99.9% uptime", meaning(None, ">=", 99.9, "%", metric="success")),
]


@pytest.mark.parametrize(("text", "parsed"), TARGETS)
def test_target(text: str, parsed: dict[str, object]) -> None:
    assert v.Target().parse(text) == {**parsed, "text": text}


@pytest.mark.parametrize(("text", "parsed"), TARGETS)
def test_target_is_shown_as_written(text: str, parsed: dict[str, object]) -> None:
    target = v.Target()
    assert target.format(target.parse(f"  {text} ")) == text


@pytest.mark.parametrize(("text", "parsed"), TARGETS)
def test_target_canonical_form_round_trips(text: str, parsed: dict[str, object]) -> None:
    """The meaning spelled out in ASCII (for messages, and values with no text) parses back to it."""
    target = v.Target()
    canonical = target.canonical(parsed)
    assert canonical.isascii()
    assert target.parse(canonical) == {**parsed, "text": canonical}
    # a value without ``text`` (an export written before it was kept) is shown in canonical form
    assert target.format(parsed) == canonical


def test_target_canonical() -> None:
    target = v.Target()
    assert target.canonical(target.parse("p95<400ms")) == "p95 < 400ms"
    assert target.canonical(target.parse("99.9%")) == ">= 99.9%"
    assert target.canonical(target.parse(">=500 rps")) == ">= 500 rps"
    assert target.canonical(target.parse("\u2265 1k rps")) == ">= 1000 rps"
    assert target.canonical(target.parse("p99 <= 1s @ 500 rps")) == "p99 <= 1s at 500 rps"
    assert target.canonical(target.parse("1% errors")) == "<= 1% errors"


def test_target_schema_describes_every_key() -> None:
    schema = v.Target().schema()
    assert set(schema["properties"]) == set(v.Target().parse("p95 < 1s at 5 rps"))
    # the keys that existed before stay required with their meaning; the comparator is exported in ASCII
    assert schema["required"] == ["percentile", "comparator", "value", "unit"]
    assert schema["properties"]["comparator"] == {"enum": ["<=", ">=", "<", ">", "="]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p0 < 1s", "above p0"),
        ("p101 < 1s", "at most p100"),
        ("p95 < 5%", "needs a duration"),
        ("p95 < 5% errors", "needs a duration"),
        ("p95", "not a target"),
        ("<", "not a target"),
        (">=", "not a target"),
        ("\u2265", "not a target"),
        ("abc", "not a target"),
        ("5", "not a target"),
        ("5k", "not a target"),
        ("p 95 < 1s", "not a target"),
        ("p95 < 400ms < 3", "not a target"),
        ("< 150%", "between 0% and 100%"),
        ("p\u0669\u0665 < 1s", "not a target"),
        ("p95 < fast", "not a target"),
        ("p95 under 300ms", "not a target"),
        ("p95 < 300ms at", "not a target"),
        ("p95 < 300ms at fast", "'fast' is not a load"),
        ("p95 < 300ms at 200", "'200' is not a load"),
        ("p95 < 300ms @ 1k", "'1k' is not a load"),
        ("p95 < 300ms @", "not a load"),
        ("< 1% bananas", "'bananas' after a percentage"),
        ("> 1% errors", "upper bound"),
        ("= 1% errors", "upper bound"),
        ("< 99% availability", "lower bound"),
        ("p95 \u2260 1s", "not a target"),
    ],
)
def test_target_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        v.Target().parse(text)


def test_target_error_examples_are_the_grammar() -> None:
    """The examples an error message offers are the documented syntax, and each parses."""
    with pytest.raises(ValueError) as error:
        v.Target().parse("fast")
    for example in v.TARGET_EXAMPLES:
        assert example in str(error.value)
        assert f"``{example}``" in v.Target.syntax
        v.Target().parse(example)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.2", "1.2"), ("v1.2.0", "1.2.0"), ("V3", "3"), ("1.2.3-rc.1", "1.2.3-rc.1"), ("1.2+build", "1.2+build")],
)
def test_version(text: str, value: str) -> None:
    assert v.Version().parse(text) == value


@pytest.mark.parametrize("text", ["", "v", "1..2", "1.2.", "abc", "1.2-", "1.2-rc 1", "\u0661.\u0662"])
def test_version_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        v.Version().parse(text)


def test_version_format() -> None:
    assert v.Version().format("1.2") == "v1.2"


def test_version_key_ordering() -> None:
    key = v.version_key
    assert key("1.10") > key("1.9")
    assert key("1.2") == key("1.2.0") == key("1.2.0.0")
    assert key("2") > key("1.99.99")
    assert key("0.0") == key("0")
    assert key("1.2.3-rc.1") == key("1.2.3")
    assert sorted(["1.10", "1.9", "1.2.0", "1.11"], key=key) == ["1.2.0", "1.9", "1.10", "1.11"]


def test_version_key_of_parsed_v_prefix() -> None:
    parse = v.Version().parse
    assert v.version_key(parse("v1.2")) == v.version_key(parse("1.2.0"))


@pytest.mark.parametrize(("text", "value"), [("2026-11-25", "2026-11-25"), (" 2026-01-01 ", "2026-01-01")])
def test_date(text: str, value: str) -> None:
    assert v.Date().parse(text) == value


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-1-1", "20261125", "2026-W01-1", "", "2026-11-25T10:00", "tomorrow"]
)
def test_date_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="ISO date"):
        v.Date().parse(text)


def test_date_schema() -> None:
    assert v.Date().schema() == {"type": "string", "format": "date"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("No", False),
        ("TRUE", True),
        ("off", False),
        ("on", True),
        ("1", True),
        ("0", False),
        ("", True),
        ("  ", True),
    ],
)
def test_boolean(text: str, value: bool) -> None:
    assert v.Boolean().parse(text) is value


def test_boolean_refuses_and_formats() -> None:
    with pytest.raises(ValueError, match="yes or no"):
        v.Boolean().parse("maybe")
    assert v.Boolean().format(True) == "yes"
    assert v.Boolean().format(False) == "no"


def test_choice_is_case_insensitive_and_stored_as_declared() -> None:
    choice = v.Choice(("PII", "Sensitive", "Public"))
    assert choice.parse("pii") == "PII"
    assert choice.parse("SENSITIVE") == "Sensitive"
    assert choice.parse(" public ") == "Public"
    assert choice.schema() == {"enum": ["PII", "Sensitive", "Public"]}


@pytest.mark.parametrize("text", ["other", "", "P II"])
def test_choice_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not one of: PII, Sensitive, Public"):
        v.Choice(("PII", "Sensitive", "Public")).parse(text)


def test_http_method() -> None:
    method = v.HttpMethod()
    assert method.parse("get") == "GET"
    assert method.parse("Post") == "POST"
    with pytest.raises(ValueError, match="is not one of"):
        method.parse("FETCH")


@pytest.mark.parametrize(("text", "value"), [("100", 100), ("599", 599), ("404", 404), ("+200", 200)])
def test_http_status(text: str, value: int) -> None:
    assert v.HttpStatus().parse(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("99", "below the minimum of 100"),
        ("600", "above the maximum of 599"),
        ("2xx", "whole number"),
        ("200.0", "whole number"),
        ("", "whole number"),
        ("٢٠٠", "whole number"),
    ],
)
def test_http_status_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        v.HttpStatus().parse(text)


def test_http_status_schema() -> None:
    assert v.HttpStatus().schema() == {"type": "integer", "minimum": 100, "maximum": 599}


def test_integer_bounds() -> None:
    bounded = v.Integer(minimum=0, maximum=100)
    assert bounded.parse("0") == 0
    assert bounded.parse("100") == 100
    with pytest.raises(ValueError, match="below"):
        bounded.parse("-1")
    with pytest.raises(ValueError, match="above"):
        bounded.parse("101")
    assert v.Integer().schema() == {"type": "integer"}


def test_text() -> None:
    assert v.Text().parse("  hello  ") == "hello"
    with pytest.raises(ValueError, match="empty"):
        v.Text().parse("   ")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("PRD-A@1.2", {"id": "PRD-A", "version": "1.2"}),
        ("PRD-A", {"id": "PRD-A", "version": None}),
        ("PRD-A@v1.3", {"id": "PRD-A", "version": "1.3"}),
        (" PRD-A @ 1.2 ", {"id": "PRD-A", "version": "1.2"}),
        ("PRD-A@", {"id": "PRD-A", "version": None}),
    ],
)
def test_versioned_reference(text: str, value: dict[str, object]) -> None:
    parser = v.VersionedReference()
    assert parser.parse(text) == value
    assert parser.parse(parser.format(value)) == value


@pytest.mark.parametrize(
    ("text", "message"), [("@1.2", "names no ID"), ("PRD-A@x", "not a version"), ("", "names no ID")]
)
def test_versioned_reference_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        v.VersionedReference().parse(text)


@pytest.mark.parametrize(
    ("text", "kept", "empty"),
    [
        ("a, b", ["a", "b"], 0),
        ("a,,b", ["a", "b"], 1),
        (", a", ["a"], 1),
        ("a,", ["a"], 1),
        ("a, ,b", ["a", "b"], 1),
        (",", [], 2),
        ("", [], 0),
        ("   ", [], 0),
    ],
)
def test_list_split(text: str, kept: list[str], empty: int) -> None:
    assert v.ListOf().split(text) == (kept, empty)


def test_list_schema_format_and_doc() -> None:
    durations = v.ListOf(v.Duration())
    assert durations.schema() == {"type": "array", "items": {"type": "number", "minimum": 0, "description": "seconds"}}
    assert durations.format([30, 0.4]) == "30s, 400ms"
    assert v.describe(durations).startswith("comma-separated list of duration")


def test_describe() -> None:
    assert v.describe(v.Choice(("a", "b"))) == "one of ``a``, ``b``"
    assert v.describe(v.HttpStatus()).startswith("HTTP status")
    assert v.describe(v.Text()) == "text"


# -- property tests: generated targets, written the ways people write them --

_LESS = ["<", "<=", "\N{LESS-THAN OR EQUAL TO}", "\N{LESS-THAN OR SLANTED EQUAL TO}"]
_MORE = [">", ">=", "\N{GREATER-THAN OR EQUAL TO}", "\N{GREATER-THAN OR SLANTED EQUAL TO}"]
_ASCII = {"\N{LESS-THAN OR EQUAL TO}": "<=", "\N{LESS-THAN OR SLANTED EQUAL TO}": "<=",
          "\N{GREATER-THAN OR EQUAL TO}": ">=", "\N{GREATER-THAN OR SLANTED EQUAL TO}": ">="}  # fmt: skip
_space = st.sampled_from(["", " ", "  "])
_thousandths = st.integers(0, 100_000).map(lambda n: v._number(n / 1000))


@st.composite
def _count(draw: st.DrawFn) -> tuple[str, float]:
    """A positive count as written (``1k``, ``2.5M``, ``200``) and its value."""
    whole = draw(st.integers(0, 100_000))
    suffix = draw(st.sampled_from(["", "k", "K", "M"]))
    factor = {"": 1, "k": 1000, "K": 1000, "M": 1_000_000}[suffix]
    return f"{whole}{suffix}", v._number(whole * factor)


@st.composite
def written_targets(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """A target text a person could write, and the meaning it must parse to."""
    shape = draw(st.sampled_from(["latency", "percentage", "throughput"]))
    percentile, metric = None, None
    if shape == "latency":
        millis = draw(st.integers(1, 10 * 60_000))
        amount, value, unit = f"{millis}ms", v._number(millis / 1000), "s"
        if draw(st.booleans()):
            percentile = draw(st.sampled_from([50, 90, 95, 99, 99.9, 99.99, 100]))
        written = draw(st.sampled_from([None, *_LESS, *_MORE, "="]))
    elif shape == "percentage":
        value, unit = draw(_thousandths), "%"
        amount = f"{v._plain(value)}%"
        metric = draw(st.sampled_from([None, "errors", "success"]))
        if metric:
            word = draw(st.sampled_from(["errors", "error rate", "failures"] if metric == "errors" else ["availability", "uptime", "success"]))
            amount += " " + word
        written = draw(st.sampled_from([None, *(_LESS if metric == "errors" else _MORE if metric else [*_LESS, *_MORE, "="])]))
    else:
        count, value = draw(_count())
        unit = draw(st.sampled_from(["rps", "req/s", "msg/s", "MB"]))
        amount = f"{count} {unit}"
        written = draw(st.sampled_from([None, *_LESS, *_MORE, "="]))
    comparator = _ASCII.get(written or "", written) or (
        "<=" if metric == "errors" else ">=" if metric == "success" or unit == "%" else "<="
    )
    # ``p95 400ms`` needs its space; ``p95<400ms`` does not
    text = (f"p{percentile}" + (draw(_space) if written else " ") if percentile is not None else "") + (
        (written + draw(_space)) if written else ""
    ) + amount
    load = None
    if draw(st.booleans()):
        count, load_value = draw(_count())
        load_unit = draw(st.sampled_from(["rps", "req/s", "concurrent users"]))
        separator = draw(st.sampled_from([" at ", " AT ", " @ ", " @", " under "]))
        text += f"{separator}{count} {load_unit}"
        load = {"value": load_value, "unit": load_unit}
    meaning = {"percentile": percentile, "comparator": comparator, "value": value, "unit": unit}
    return text, {**meaning, "metric": metric, "load": load}


SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(written_targets())
def test_generated_targets_parse_to_their_meaning(case: tuple[str, dict[str, object]]) -> None:
    text, meaning = case
    target = v.Target()
    parsed = target.parse(text)
    assert parsed == {**meaning, "text": text}
    # shown as written, and what is shown parses back to the same meaning
    assert target.format(parsed) == text
    assert target.parse(target.format(parsed)) == parsed
    canonical = target.canonical(parsed)
    assert target.parse(canonical) == {**meaning, "text": canonical}
    assert target.format({k: val for k, val in parsed.items() if k != "text"}) == canonical


_target_alphabet = "0123456789.%pPkKM<>=@ atundersrpmsh/" + "".join(_ASCII) + "\N{NOT EQUAL TO}\u0669"
_target_words = st.sampled_from(["errors", "availability", "at", "under", "@", "rps", "p99.9", "1k", "ms", "%", "<"])
_target_texts = st.one_of(
    st.text(),
    st.text(alphabet=_target_alphabet, max_size=30),
    st.lists(_target_words, max_size=8).map(" ".join),
    written_targets().map(lambda case: case[0] + " x"),
    written_targets().map(lambda case: case[0][::-1]),
)


@SETTINGS
@given(_target_texts)
def test_targets_raise_only_value_error(text: str) -> None:
    target = v.Target()
    try:
        parsed = target.parse(text)
    except ValueError as error:
        assert str(error)
        return
    json.dumps(parsed, allow_nan=False)
    jsonschema.validate(parsed, target.schema())
    assert target.format(parsed) == text.strip()
    assert target.parse(target.canonical(parsed))["value"] == parsed["value"]


# -- the guide's page on targets says what the parser does --

TARGETS_PAGE = Path(__file__).parent.parent / "example_docs" / "guide" / "targets.md"


def _every_form_rows() -> list[tuple[str, str]]:
    section = TARGETS_PAGE.read_text().split("## Every form", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", section, re.MULTILINE)


def test_guide_lists_every_form_with_its_reading() -> None:
    rows = _every_form_rows()
    # every form of this module's examples and of the list is documented
    documented = {written for written, _ in rows}
    wanted = {"p95 < 300ms at 200 rps", "p99 <= 1s @ 500 rps", "p99.9 < 2s", ">= 1000 rps", "< 1% errors"}
    assert wanted | {"\N{LESS-THAN OR EQUAL TO} 0.1%", "\N{GREATER-THAN OR EQUAL TO} 1k rps"} <= documented
    assert any(" under " in w for w in documented) and any("99.95% availability" == w for w in documented)
    target = v.Target()
    for written, reading in rows:
        parsed = target.parse(written)
        assert target.canonical(parsed) == reading, written
        assert target.format(parsed) == written


def test_guide_shows_the_real_error_message() -> None:
    from sphinxcontrib_techspec.core.kinds import KINDS
    from sphinxcontrib_techspec.core.model import build_item

    shown = re.search(r"WARNING: (.*) \[techspec\.bad-value\]", TARGETS_PAGE.read_text())
    assert shown is not None
    item = build_item(KINDS["benchmark"], "search", {"target": "p95 < fast"}, "", "index", 1)
    assert [p.message for p in item.problems] == [shown[1]]
