"""Value parsers: the typed meaning of every option string.

Each parser turns the text a user wrote into a JSON-ready value, raising
:class:`ValueError` with a short, user-facing message when it cannot. Each
also knows its JSON Schema, how to show a parsed value back to a reader, and
one line of syntax documentation; the kind declarations, the export schema,
the tables and the reference docs all read those from here.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

JSON = Any

# Units are the template's: durations from milliseconds to years.
_DURATION_UNITS: dict[str, float] = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "y": 365 * 86400,
}
# ASCII digits only: ``\d`` alone would also accept Arabic-Indic or Devanagari digits.
_DURATION_RE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|min|s|m|h|d|w|y)", re.IGNORECASE)
_NUMBER_RE = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)
_VERSION_RE = re.compile(r"[vV]?(\d+(?:\.\d+)*)([-+][0-9A-Za-z.+-]+)?", re.ASCII)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_COMPARATORS = ("<=", ">=", "<", ">", "=")
_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
_TRUE = {"yes", "true", "on", "1", "y"}
_FALSE = {"no", "false", "off", "0", "n"}


def _number(value: float) -> int | float:
    """Whole numbers export as integers, so ``30d`` is ``2592000`` not ``2592000.0``."""
    if isinstance(value, int):
        return value  # float() of a huge int would overflow
    return int(value) if float(value).is_integer() else round(value, 9)


def _plain(value: float) -> str:
    """A number as a user writes it: ``1e-06`` would not parse back."""
    number = _number(value)
    return str(number) if isinstance(number, int) else f"{number:.9f}".rstrip("0").rstrip(".")


def _finite(value: float, text: str) -> float:
    """``1e400`` digits overflow to infinity, which JSON cannot hold."""
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is too large")
    return value


def format_duration(seconds: float) -> str:
    """``2592.0`` -> ``43m 12s``; the inverse of :func:`parse_duration` for display."""
    if seconds < 1:
        return f"{_plain(seconds * 1000)}ms"
    # whole milliseconds, so float remainders never show as ``1h 0s``
    millis = round(seconds * 1000)
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000)):
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    if millis or not parts:
        parts.append(f"{_plain(millis / 1000)}s")
    return " ".join(parts)


def parse_duration(text: str) -> int | float:
    """``30d``, ``1h 30m``, ``400ms``, ``1.5s`` -> seconds."""
    compact = text.strip()
    if not compact:
        raise ValueError("empty duration")
    pos, total = 0, 0.0
    # each part matched where the last ended: a search would retry every position (quadratic on long digit runs)
    while pos < len(compact):
        match = _DURATION_RE.match(compact, pos)
        if not match:
            raise ValueError(f"{text!r} is not a duration (examples: 30d, 4w, 5m, 30s, 400ms, 1y)")
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2).lower()]
        pos = match.end()
    return _number(_finite(total, text))


def parse_percentage(text: str) -> int | float:
    value = text.strip()
    if not value.endswith("%") or not _NUMBER_RE.fullmatch(value[:-1].strip()):
        raise ValueError(f"{text!r} is not a percentage (example: 99.9%)")
    number = float(value[:-1])
    # targets, error rates and budgets are shares of a whole
    if not 0 <= number <= 100:
        raise ValueError(f"{text!r} is not between 0% and 100%")
    return _number(number)


@dataclass(frozen=True)
class Parser:
    """Base parser: free text, stripped. Subclasses narrow it."""

    syntax: ClassVar[str] = "text"

    def parse(self, text: str) -> JSON:
        value = text.strip()
        if not value:
            raise ValueError("empty value")
        return value

    def schema(self) -> dict[str, JSON]:
        return {"type": "string"}

    def format(self, value: JSON) -> str:
        return str(value)


@dataclass(frozen=True)
class Text(Parser):
    pass


@dataclass(frozen=True)
class Integer(Parser):
    minimum: int | None = None
    maximum: int | None = None
    syntax: ClassVar[str] = "whole number"

    def parse(self, text: str) -> JSON:
        value = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise ValueError(f"{text!r} is not a whole number")
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"{number} is below the minimum of {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f"{number} is above the maximum of {self.maximum}")
        return number

    def schema(self) -> dict[str, JSON]:
        out: dict[str, JSON] = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


@dataclass(frozen=True)
class Percentage(Parser):
    syntax: ClassVar[str] = "percentage, e.g. ``99.9%``"

    def parse(self, text: str) -> JSON:
        return parse_percentage(text)

    def schema(self) -> dict[str, JSON]:
        return {"type": "number"}

    def format(self, value: JSON) -> str:
        return f"{_plain(value)}%"


@dataclass(frozen=True)
class Duration(Parser):
    syntax: ClassVar[str] = "duration: ``400ms``, ``30s``, ``5m``, ``2h``, ``30d``, ``4w``, ``1y``"

    def parse(self, text: str) -> JSON:
        return parse_duration(text)

    def schema(self) -> dict[str, JSON]:
        return {"type": "number", "minimum": 0, "description": "seconds"}

    def format(self, value: JSON) -> str:
        return format_duration(value)


#: what a percentage target counts, in the words people write after it; errors
#: are bounded from above (``< 1% errors``), successes from below
_METRICS: dict[str, str] = {
    "errors": "errors",
    "error": "errors",
    "error rate": "errors",
    "error-rate": "errors",
    "failures": "errors",
    "success": "success",
    "success rate": "success",
    "availability": "success",
    "uptime": "success",
}
#: the bound each metric can only be
_METRIC_BOUNDS = {"errors": ("<", "<="), "success": (">", ">=")}
_METRIC_EXAMPLE = {"errors": "< 1% errors", "success": ">= 99.9% availability"}
#: comparators as typed on any keyboard, longest first; the export keeps the ASCII ones
_TARGET_COMPARATORS: dict[str, str] = {
    **{c: c for c in _COMPARATORS},
    "\N{LESS-THAN OR EQUAL TO}": "<=",
    "\N{GREATER-THAN OR EQUAL TO}": ">=",
    "\N{LESS-THAN OVER EQUAL TO}": "<=",
    "\N{GREATER-THAN OVER EQUAL TO}": ">=",
    "\N{LESS-THAN OR SLANTED EQUAL TO}": "<=",
    "\N{GREATER-THAN OR SLANTED EQUAL TO}": ">=",
}
#: the load a target holds under: ``at 200 rps``, ``@ 500 rps``, ``under 1k rps``
#: (no leading ``\s*``: searching with one would be quadratic on long runs of spaces)
_LOAD_SPLIT = re.compile(r"@|\s(?:at|under)\s", re.IGNORECASE)
#: ``1k`` is a thousand, ``2M`` two million; the multiplier sits on the number
_AMOUNT_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)(?:([kKM])(?![A-Za-z]))?\s*")
_MULTIPLIERS = {"k": 1000, "K": 1000, "M": 1_000_000}
_UNIT_RE = re.compile(r"[A-Za-z/]+")
_LOAD_UNIT_RE = re.compile(r"[A-Za-z/]+(?:[ -][A-Za-z/]+)*")
TARGET_EXAMPLES = (
    "99.9%",
    "p95 < 400ms",
    "p95 < 300ms at 200 rps",
    "p99.9 \N{LESS-THAN OR EQUAL TO} 2s",
    ">= 1k rps",
    "< 1% errors",
)


def _amount(text: str, unit_re: re.Pattern[str]) -> tuple[int | float, str] | None:
    """``1k rps`` -> ``(1000, "rps")``; None unless the whole text is a number and a unit."""
    match = _AMOUNT_RE.match(text)
    if not match or not unit_re.fullmatch(text[match.end() :]):
        return None
    number = float(match.group(1)) * _MULTIPLIERS.get(match.group(2) or "", 1)
    return _number(_finite(number, text)), text[match.end() :]


@dataclass(frozen=True)
class Target(Parser):
    """An objective, as people write it: ``99.9%``, ``p95 < 400ms``,
    ``p95 < 300ms at 200 rps``, ``p99.9 \N{LESS-THAN OR EQUAL TO} 2s``,
    ``>= 1k rps``, ``< 1% errors``.

    Parsed to ``{"percentile", "comparator", "value", "unit", "metric", "load",
    "text"}``: durations are seconds (unit ``s``), percentages have unit
    ``%``, other units are kept as written; comparators are exported in ASCII
    (``\N{GREATER-THAN OR EQUAL TO}`` is ``>=``). ``metric`` says what a
    percentage counts (``errors``, an upper bound, or ``success``), ``load``
    the load the target holds at (``{"value": 200, "unit": "rps"}``) and
    ``text`` is what the author wrote, which is what readers are shown. A
    bare percentage means "at least", a bare error rate "at most".
    """

    syntax: ClassVar[str] = "target: " + ", ".join(f"``{e}``" for e in TARGET_EXAMPLES)

    @staticmethod
    def _refuse(text: str, why: str = "") -> ValueError:
        return ValueError(f"{text!r} is not a target{why} (examples: {', '.join(TARGET_EXAMPLES)})")

    def parse(self, text: str) -> JSON:
        written = text.strip()
        rest, load = written, None
        split = _LOAD_SPLIT.search(rest)
        if split:
            rest, condition = rest[: split.start()].rstrip(), rest[split.end() :].strip()
            amount = _amount(condition, _LOAD_UNIT_RE)
            if amount is None:
                raise self._refuse(text, f": {condition!r} is not a load like 200 rps")
            load = {"value": amount[0], "unit": amount[1]}
        percentile = None
        pmatch = re.match(r"[pP](\d+(?:\.\d+)?)\b\s*", rest, re.ASCII)
        if pmatch:
            percentile = _number(float(pmatch.group(1)))
            if not 0 < percentile <= 100:
                raise ValueError(f"percentile p{_plain(percentile)} must be above p0 and at most p100")
            rest = rest[pmatch.end() :]
        written_comparator = next((c for c in _TARGET_COMPARATORS if rest.startswith(c)), None)
        comparator = _TARGET_COMPARATORS[written_comparator] if written_comparator else None
        rest = rest[len(written_comparator or "") :].strip()
        if not rest:
            raise self._refuse(text)
        value: int | float
        metric = None
        if "%" in rest:
            share, _, what = rest.partition("%")
            value, unit = parse_percentage(share + "%"), "%"
            if what.strip():
                metric = _METRICS.get(" ".join(what.split()).lower())
                if metric is None:
                    raise self._refuse(text, f": {what.strip()!r} after a percentage should be errors or availability")
                if comparator is not None and comparator not in _METRIC_BOUNDS[metric]:
                    bound = "an upper" if metric == "errors" else "a lower"
                    raise ValueError(f"{text!r}: a target on {metric} is {bound} bound, like {_METRIC_EXAMPLE[metric]}")
        else:
            try:
                value, unit = parse_duration(rest), "s"
            except ValueError:
                amount = _amount(rest, _UNIT_RE)
                if amount is None:
                    raise self._refuse(text) from None
                value, unit = amount
        if percentile is not None and unit != "s":
            raise ValueError(f"{text!r}: a percentile target needs a duration, like p95 < 400ms")
        if comparator is None:
            comparator = _METRIC_BOUNDS[metric][1] if metric else ">=" if unit == "%" else "<="
        return {
            "percentile": percentile,
            "comparator": comparator,
            "value": value,
            "unit": unit,
            "metric": metric,
            "load": load,
            "text": written,
        }

    def schema(self) -> dict[str, JSON]:
        return {
            "type": "object",
            "properties": {
                "percentile": {"type": ["number", "null"]},
                "comparator": {"enum": list(_COMPARATORS)},
                "value": {"type": "number"},
                "unit": {"type": "string"},
                "metric": {"enum": [*_METRIC_BOUNDS, None], "description": "what a percentage counts"},
                "load": {
                    "type": ["object", "null"],
                    "description": "the load the target holds at (at 200 rps)",
                    "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
                    "required": ["value", "unit"],
                    "additionalProperties": False,
                },
                "text": {"type": "string", "description": "the target as the author wrote it"},
            },
            "required": ["percentile", "comparator", "value", "unit"],
        }

    def format(self, value: JSON) -> str:
        """The target as its author wrote it (``\N{GREATER-THAN OR EQUAL TO} 1000 rps`` stays so)."""
        return str(value.get("text") or self.canonical(value))

    def canonical(self, value: JSON) -> str:
        """The parsed meaning spelled out in one way: ``99.9%`` is ``>= 99.9%``."""
        shown = (
            format_duration(value["value"])
            if value["unit"] == "s"
            else f"{_plain(value['value'])}{value['unit']}"
            if value["unit"] == "%"
            else f"{_plain(value['value'])} {value['unit']}"
        )
        head = f"p{_plain(value['percentile'])} " if value["percentile"] is not None else ""
        metric = f" {value['metric']}" if value.get("metric") else ""
        load = value.get("load")
        tail = f" at {_plain(load['value'])} {load['unit']}" if load else ""
        return f"{head}{value['comparator']} {shown}{metric}{tail}"


@dataclass(frozen=True)
class Version(Parser):
    syntax: ClassVar[str] = "version: ``1.2``, ``v1.2.0``"

    def parse(self, text: str) -> JSON:
        match = _VERSION_RE.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a version (examples: 1.2, v1.2.0)")
        return match.group(1) + (match.group(2) or "")

    def format(self, value: JSON) -> str:
        return f"v{value}"


def version_key(version: str) -> tuple[int, ...]:
    """Numeric ordering of versions: ``1.10`` is newer than ``1.9``; ``1.2`` equals ``1.2.0``."""
    numbers = [int(n) for n in re.split(r"[-+]", version, maxsplit=1)[0].split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


@dataclass(frozen=True)
class Date(Parser):
    syntax: ClassVar[str] = "ISO date, ``2026-11-25``"

    def parse(self, text: str) -> JSON:
        # only YYYY-MM-DD: Python 3.11+ would also take ``20261125`` and week dates, 3.10 would not
        try:
            if not _DATE_RE.fullmatch(text.strip()):
                raise ValueError
            return _dt.date.fromisoformat(text.strip()).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not an ISO date (example: 2026-11-25)") from None

    def schema(self) -> dict[str, JSON]:
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class Boolean(Parser):
    """``yes``/``no`` (and true/false, on/off); an empty flag means yes."""

    syntax: ClassVar[str] = "``yes`` or ``no`` (given alone, as a flag: yes)"

    def parse(self, text: str) -> JSON:
        value = text.strip().lower()
        if value in _TRUE or value == "":
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"{text!r} is not yes or no")

    def schema(self) -> dict[str, JSON]:
        return {"type": "boolean"}

    def format(self, value: JSON) -> str:
        return "yes" if value else "no"


@dataclass(frozen=True)
class Choice(Parser):
    """A closed vocabulary, matched case-insensitively, stored as declared."""

    choices: tuple[str, ...] = ()
    syntax: ClassVar[str] = ""

    def parse(self, text: str) -> JSON:
        wanted = text.strip().lower()
        for choice in self.choices:
            if choice.lower() == wanted:
                return choice
        raise ValueError(f"{text.strip()!r} is not one of: {', '.join(self.choices)}")

    def schema(self) -> dict[str, JSON]:
        return {"enum": list(self.choices)}


@dataclass(frozen=True)
class HttpMethod(Choice):
    choices: tuple[str, ...] = _HTTP_METHODS


@dataclass(frozen=True)
class HttpStatus(Integer):
    minimum: int | None = 100
    maximum: int | None = 599
    syntax: ClassVar[str] = "HTTP status, ``100`` to ``599``"


@dataclass(frozen=True)
class Reference(Parser):
    """An ID of another item; ``SPEC::ID`` names the item of one spec."""

    syntax: ClassVar[str] = "ID"


@dataclass(frozen=True)
class VersionedReference(Parser):
    """``PRD-CHECKOUT@1.2``: an ID, optionally pinned to the version it was read at."""

    syntax: ClassVar[str] = "ID, optionally ``@version``"

    def parse(self, text: str) -> JSON:
        target, _, version = text.strip().partition("@")
        if not target.strip():
            raise ValueError(f"{text!r} names no ID")
        return {
            "id": target.strip(),
            "version": Version().parse(version) if version.strip() else None,
        }

    def schema(self) -> dict[str, JSON]:
        return {
            "type": "object",
            "properties": {"id": {"type": "string"}, "version": {"type": ["string", "null"]}},
            "required": ["id", "version"],
        }

    def format(self, value: JSON) -> str:
        return str(value["id"]) + (f"@{value['version']}" if value["version"] else "")


@dataclass(frozen=True)
class ListOf(Parser):
    """Comma-separated values, each parsed by ``item``; empty entries are reported."""

    item: Parser = field(default_factory=Text)
    syntax: ClassVar[str] = ""

    def split(self, text: str) -> tuple[list[str], int]:
        """The non-empty entries, and how many entries were empty; a comma inside
        parentheses is part of its entry (``Rob, Cristian (a.k.a., PM group)``)."""
        parts = [p.strip() for p in re.split(r",(?![^()]*\))", text)]
        kept = [p for p in parts if p]
        empty = len(parts) - len(kept) if text.strip() else 0
        return kept, empty

    def parse(self, text: str) -> JSON:
        """Every entry parsed (empty ones skipped); build_item splits itself to keep the good entries."""
        parsed, bad = [], []
        for entry in self.split(text)[0]:
            try:
                parsed.append(self.item.parse(entry))
            except ValueError as error:
                bad.append(str(error))
        if bad:
            raise ValueError("; ".join(bad))
        return parsed

    def schema(self) -> dict[str, JSON]:
        return {"type": "array", "items": self.item.schema()}

    def format(self, value: JSON) -> str:
        return ", ".join(self.item.format(v) for v in value)

    @property
    def doc(self) -> str:
        return f"comma-separated list of {self.item.syntax}"


@dataclass(frozen=True)
class Records(Parser):
    """Rows read from a body (a schema's fields, a table's columns): derived,
    never written as an option; shown as a table, one row a record."""

    syntax: ClassVar[str] = "rows read from the body"

    def schema(self) -> dict[str, JSON]:
        return {"type": "array", "items": {"type": "object"}}

    def format(self, value: JSON) -> str:
        return "; ".join(
            " ".join(f"{k}={v}" if k != "name" else str(v) for k, v in entry.items() if v not in (None, False, ""))
            for entry in value
        )


def describe(parser: Parser) -> str:
    """One line of syntax documentation for a parser."""
    if isinstance(parser, ListOf):
        return parser.doc
    if isinstance(parser, Choice) and not parser.syntax:
        return "one of " + ", ".join(f"``{c}``" for c in parser.choices)
    return parser.syntax
