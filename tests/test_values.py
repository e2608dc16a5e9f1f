"""The value parsers of the pure core: what each accepts, refuses and shows."""

from __future__ import annotations

import pytest

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


TARGETS = [
    ("99.9%", {"percentile": None, "comparator": ">=", "value": 99.9, "unit": "%"}),
    ("p95 < 400ms", {"percentile": 95, "comparator": "<", "value": 0.4, "unit": "s"}),
    ("P50<1s", {"percentile": 50, "comparator": "<", "value": 1, "unit": "s"}),
    ("p99.9 <= 2s", {"percentile": 99.9, "comparator": "<=", "value": 2, "unit": "s"}),
    ("p100 < 1s", {"percentile": 100, "comparator": "<", "value": 1, "unit": "s"}),
    ("p95 400ms", {"percentile": 95, "comparator": "<=", "value": 0.4, "unit": "s"}),
    ("< 0.5%", {"percentile": None, "comparator": "<", "value": 0.5, "unit": "%"}),
    (">= 500 rps", {"percentile": None, "comparator": ">=", "value": 500, "unit": "rps"}),
    ("<= 3 req/s", {"percentile": None, "comparator": "<=", "value": 3, "unit": "req/s"}),
    ("< 1h 30m", {"percentile": None, "comparator": "<", "value": 5400, "unit": "s"}),
]


@pytest.mark.parametrize(("text", "parsed"), TARGETS)
def test_target(text: str, parsed: dict[str, object]) -> None:
    assert v.Target().parse(text) == parsed


@pytest.mark.parametrize(("text", "parsed"), TARGETS)
def test_target_format_round_trips(text: str, parsed: dict[str, object]) -> None:
    target = v.Target()
    assert target.parse(target.format(parsed)) == parsed


def test_target_format() -> None:
    target = v.Target()
    assert target.format(target.parse("p95<400ms")) == "p95 < 400ms"
    assert target.format(target.parse("99.9%")) == ">= 99.9%"
    assert target.format(target.parse(">=500 rps")) == ">= 500 rps"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p0 < 1s", "above p0"),
        ("p101 < 1s", "at most p100"),
        ("p95 < 5%", "needs a duration"),
        ("p95", "not a target"),
        ("<", "not a target"),
        (">=", "not a target"),
        ("abc", "not a target"),
        ("5", "not a target"),
        ("p 95 < 1s", "not a target"),
        ("p95 < 400ms < 3", "not a target"),
        ("< 150%", "between 0% and 100%"),
        ("p\u0669\u0665 < 1s", "not a target"),
    ],
)
def test_target_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        v.Target().parse(text)


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
