"""Table filters and sort orders: ``target >= 99.9%``, ``-window, id``.

A filter is parsed once against a kind: every field name is checked against
the kind's declaration and every literal is parsed by that field's own parser
(so ``7d`` is seconds and ``pii`` is the ``PII`` of the vocabulary). What
cannot be used raises :class:`FilterError`, and nothing else. The compiled
filter is then a plain predicate on items; a comparison that cannot hold for
an item (a missing value, a target of another unit) is false for it.

Grammar (keywords in any case)::

    filter     := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | "(" or ")" | comparison
    comparison := FIELD OP value | FIELD "in" "(" value ("," value)* ")"
    OP         := == | = | != | < | <= | > | >= | ≤ | ≥ | ≠ | contains | matches
    value      := "quoted text" | 'quoted text' | word+

Words are runs of anything but spaces, parentheses, commas, quotes and
``< > = !``; several words in a row are one value (``title == Login flow``).
No user text is ever evaluated as code.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import values as v
from .kinds import KINDS, Kind
from .model import SPEC_SEPARATOR, Item


class FilterError(ValueError):
    """A filter or sort order that cannot be used: malformed, naming an unknown
    field, or comparing a field with a value it can never hold."""


#: fields every item has, beside its kind's options and derived values
META_FIELDS = ("id", "spec", "title", "docname")
#: comparison operators, and what each is written as
_SYMBOLS = {
    "==": "==",
    "=": "==",
    "!=": "!=",
    "≠": "!=",
    "<": "<",
    "<=": "<=",
    "≤": "<=",
    ">": ">",
    ">=": ">=",
    "≥": ">=",
}
_WORD_OPS = ("contains", "matches", "in")
_KEYWORDS = ("and", "or", "not", *_WORD_OPS)
_ORDERING = ("<", "<=", ">", ">=")
_MAX_DEPTH = 64

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"[^"]*"|'[^']*')
    | (?P<op><=|>=|==|!=|[<>=≤≥≠])
    | (?P<punct>[(),])
    | (?P<word>[^\s()<>=!,"'≤≥≠]+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    #: ``string``, ``op``, ``punct``, ``word`` or ``end``
    type: str
    text: str
    #: 1-based column in the filter text, for messages
    column: int

    def is_word(self, *words: str) -> bool:
        return self.type == "word" and self.text.lower() in words

    def __str__(self) -> str:
        return "the end" if self.type == "end" else f"{self.text!r} (column {self.column})"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while True:
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            rest = text[pos:].lstrip()
            if not rest:
                return [*tokens, Token("end", "", len(text) + 1)]
            column = len(text) - len(rest) + 1
            if rest[0] in "\"'":
                raise FilterError(f"the quote at column {column} is never closed")
            raise FilterError(f"unexpected {rest[0]!r} at column {column}")
        group = match.lastgroup or "word"
        start = match.start(group)
        tokens.append(Token(group, match.group(group), start + 1))
        pos = match.end()


# -- what a field's values are -------------------------------------------------

#: how values of a field compare: picked from its parser (or its list item's)
NUMBER, VERSION, DATE, BOOLEAN, TARGET, CHOICE, REFERENCE, PINNED, RECORD, TEXT = (
    "number",
    "version",
    "date",
    "boolean",
    "target",
    "choice",
    "reference",
    "pinned reference",
    "record",
    "text",
)


def category(parser: v.Parser) -> str:
    if isinstance(parser, v.Integer | v.Percentage | v.Duration):
        return NUMBER
    for cls, name in (
        (v.Version, VERSION),
        (v.Date, DATE),
        (v.Boolean, BOOLEAN),
        (v.Target, TARGET),
        (v.Choice, CHOICE),
        (v.Reference, REFERENCE),
        (v.VersionedReference, PINNED),
        (v.Records, RECORD),
    ):
        if isinstance(parser, cls):
            return name
    return TEXT


@dataclass(frozen=True)
class FieldType:
    name: str
    #: the parser of one value (a list's item parser)
    parser: v.Parser
    many: bool

    @property
    def category(self) -> str:
        return category(self.parser)

    def describe(self) -> str:
        """What the field holds, in a reader's words: ``a duration``, ``one of PII, Sensitive, Public``."""
        what = _DESCRIPTIONS.get(type(self.parser), "") or _DESCRIPTIONS[self.category]
        if isinstance(self.parser, v.Choice):
            what = "one of " + ", ".join(self.parser.choices)
        return f"a list, each {what}" if self.many else what


_DESCRIPTIONS: dict[Any, str] = {
    v.Duration: "a duration",
    v.Percentage: "a percentage",
    NUMBER: "a number",
    VERSION: "a version",
    DATE: "a date",
    BOOLEAN: "yes or no",
    TARGET: "a target",
    CHOICE: "a choice",
    REFERENCE: "an ID",
    PINNED: "an ID with an optional @version",
    RECORD: "a row read from the body",
    TEXT: "text",
}


def field_names(kind: str) -> list[str]:
    """Every name a filter or sort order may use for items of ``kind``."""
    declaration = KINDS[kind]
    return [*META_FIELDS, *(n for n in declaration.shown if n not in META_FIELDS)]


def field_type(kind: Kind, name: str) -> FieldType:
    if name in META_FIELDS:
        return FieldType(name, v.Text(), False)
    declared = kind.shown.get(name)
    if declared is None:
        raise FilterError(f"{kind.name} has no field {name!r} (fields: {', '.join(field_names(kind.name))})")
    parser = declared.parser
    if isinstance(parser, v.ListOf):
        return FieldType(name, parser.item, True)
    return FieldType(name, parser, isinstance(parser, v.Records))


def field_value(item: Item, name: str) -> Any:
    """The parsed value of a field; None when the item has none (or it did not parse)."""
    if name == "id":
        return item.id
    if name == "spec":
        return item.spec
    if name == "title":
        return item.title
    if name == "docname":
        return item.docname
    return item.fields.get(name)


# -- the expression tree -------------------------------------------------------


@dataclass(frozen=True)
class Compare:
    field: FieldType
    op: str
    #: parsed literals: one, or several for ``in``
    values: tuple[Any, ...]

    def __call__(self, item: Item) -> bool:
        value = field_value(item, self.field.name)
        if value is None:
            return False
        what = self.field.category
        if self.field.many:
            if not isinstance(value, list) or not value:
                return False
            if self.op == "!=":
                return not any(
                    _holds(what, "==", entry, lit, self.field.parser) for entry in value for lit in self.values
                )
            op = "==" if self.op in ("contains", "in") else self.op
            return any(_holds(what, op, entry, lit, self.field.parser) for entry in value for lit in self.values)
        op = "==" if self.op == "in" else self.op
        return any(_holds(what, op, value, lit, self.field.parser) for lit in self.values)


@dataclass(frozen=True)
class Not:
    operand: Node

    def __call__(self, item: Item) -> bool:
        return not self.operand(item)


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def __call__(self, item: Item) -> bool:
        return all(operand(item) for operand in self.operands)


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def __call__(self, item: Item) -> bool:
        return any(operand(item) for operand in self.operands)


Node = Compare | Not | And | Or


@dataclass(frozen=True)
class Filter:
    """A compiled filter: call it with an item."""

    kind: str
    text: str
    tree: Node

    def __call__(self, item: Item) -> bool:
        return self.tree(item)

    def select(self, items: Iterable[Item]) -> list[Item]:
        return [item for item in items if self.tree(item)]


# -- comparing one value -------------------------------------------------------


def _fold(text: Any) -> str:
    return str(text).casefold()


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _as_text(value: Any, parser: v.Parser) -> str:
    return _fold(value if isinstance(value, str) else parser.format(value))


def _holds(what: str, op: str, value: Any, literal: Any, parser: v.Parser) -> bool:
    """Whether ``value op literal`` holds for one value; false when it cannot."""
    try:
        if what == NUMBER:
            return _compare(op, float(value), float(literal))
        if what == VERSION:
            return _compare(op, v.version_key(value), v.version_key(literal))
        if what == DATE:
            return _compare(op, str(value), str(literal))
        if what == BOOLEAN:
            return _compare(op, bool(value), bool(literal))
        if what == TARGET:
            return _target_holds(op, value, literal)
        if what == PINNED:
            return _pinned_holds(op, value, literal)
        if what == RECORD:
            value = value.get("name", "") if isinstance(value, dict) else value
        text = _fold(value) if what in (RECORD, REFERENCE) else _as_text(value, parser)
        if op == "contains":
            return literal in text
        if op == "matches":
            return fnmatch.fnmatchcase(text, literal) or (what == REFERENCE and _matches_local(text, literal))
        if what == REFERENCE and SPEC_SEPARATOR not in literal and op in ("==", "!="):
            # ``ledger`` names ``SPEC-A::ledger`` too
            local = text.partition(SPEC_SEPARATOR)[2] or text
            same = literal in (text, local)
            return same if op == "==" else not same
        return _compare(op, text, literal)
    except (TypeError, ValueError, AttributeError, KeyError):
        return False  # a value of a shape the field should not have: the comparison cannot hold


def _matches_local(text: str, pattern: str) -> bool:
    local = text.partition(SPEC_SEPARATOR)[2]
    return bool(local) and fnmatch.fnmatchcase(local, pattern)


def _target_holds(op: str, value: dict[str, Any], literal: dict[str, Any]) -> bool:
    """Targets compare by value within one family: the same unit and, when the
    filter names one, the same percentile (``p99 < 2s`` is no ``p95`` target)."""
    if _fold(value["unit"]) != _fold(literal["unit"]):
        return False
    if literal["percentile"] is not None and value["percentile"] != literal["percentile"]:
        return False
    return _compare(op, float(value["value"]), float(literal["value"]))


def _pinned_holds(op: str, value: dict[str, Any], literal: dict[str, Any]) -> bool:
    """``PRD-A`` equals ``PRD-A@1.2``; ``PRD-A@1.2`` asks for that version too."""
    name = _fold(value["id"])
    if op == "contains":
        return _fold(literal["id"]) in name
    if op == "matches":
        return fnmatch.fnmatchcase(name, _fold(literal["id"]))
    same = name == _fold(literal["id"]) and (
        literal["version"] is None
        or (value["version"] is not None and v.version_key(value["version"]) == v.version_key(literal["version"]))
    )
    return same if op == "==" else not same


# -- parsing -------------------------------------------------------------------


class _Parser:
    def __init__(self, kind: Kind, text: str) -> None:
        self.kind = kind
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text or token.type != "punct":
            raise FilterError(f"expected {text!r}, found {token}")

    def parse(self) -> Node:
        if self.peek.type == "end":
            raise FilterError("the filter is empty")
        tree = self.parse_or()
        if self.peek.type != "end":
            raise FilterError(f"unexpected {self.peek}; join conditions with 'and' or 'or'")
        return tree

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.peek.is_word("or"):
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while self.peek.is_word("and"):
            self.take()
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_not(self) -> Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise FilterError(f"the filter nests more than {_MAX_DEPTH} levels deep")
        try:
            if self.peek.is_word("not"):
                self.take()
                return Not(self.parse_not())
            if self.peek.type == "punct" and self.peek.text == "(":
                self.take()
                inner = self.parse_or()
                self.expect(")")
                return inner
            return self.parse_comparison()
        finally:
            self.depth -= 1

    def parse_comparison(self) -> Node:
        token = self.take()
        if token.type != "word" or token.is_word(*_KEYWORDS):
            raise FilterError(f"expected a field name, found {token}")
        field = field_type(self.kind, token.text.lower())
        op_token = self.take()
        if op_token.type == "op":
            op = _SYMBOLS[op_token.text]
        elif op_token.is_word(*_WORD_OPS):
            op = op_token.text.lower()
        else:
            raise FilterError(
                f"expected a comparison after {field.name!r} (==, !=, <, <=, >, >=, contains, matches, in), "
                f"found {op_token}"
            )
        if op == "in":
            self.expect("(")
            texts = [self.value(field.name, op)]
            while self.peek.type == "punct" and self.peek.text == ",":
                self.take()
                texts.append(self.value(field.name, op))
            self.expect(")")
        else:
            texts = [self.value(field.name, op)]
        return Compare(field, op, tuple(literal(field, op, text) for text in texts))

    def value(self, name: str, op: str) -> str:
        token = self.peek
        if token.type == "string":
            self.take()
            return token.text[1:-1]
        words = []
        while self.peek.type == "word" and not self.peek.is_word("and", "or"):
            words.append(self.take().text)
        if not words:
            raise FilterError(f"expected a value after '{name} {op}', found {token}")
        return " ".join(words)


def literal(field: FieldType, op: str, text: str) -> Any:
    """The value a comparison compares with, parsed as the field's values are;
    a :class:`FilterError` when the field can never hold it."""
    what = field.category
    name = field.name
    if not text.strip():
        raise FilterError(f'{name} {op} "": an empty value fits no field')
    if op in _ORDERING and what not in (NUMBER, VERSION, DATE, TARGET):
        raise FilterError(
            f"{op!r} compares numbers, durations, percentages, versions, dates and targets; "
            f"{name} is {field.describe()}"
        )
    if op in ("contains", "matches"):
        if what in (NUMBER, VERSION, DATE, BOOLEAN, TARGET) and not (op == "contains" and field.many):
            raise FilterError(f"{op!r} tests text or lists; {name} is {field.describe()}")
        if op == "matches" or not field.many:
            pattern = text.strip().casefold()
            _check_choices(field, op, text, pattern)
            return {"id": pattern, "version": None} if what == PINNED else pattern
    parser = field.parser
    if op in _ORDERING and isinstance(parser, v.Integer):
        # bounds say what a field may hold, not what it may be compared with (``http-status < 600``)
        parser = dataclasses.replace(parser, minimum=None, maximum=None)
    try:
        value = parser.parse(text)
    except ValueError as error:
        raise FilterError(f"{text.strip()!r} fits no value of {name}: {error}") from None
    if what in (TEXT, REFERENCE, RECORD, CHOICE):
        return _fold(value if isinstance(value, str) else parser.format(value))
    return value


def _check_choices(field: FieldType, op: str, text: str, pattern: str) -> None:
    """``classification matches x*`` can never hold: no classification starts with x."""
    if not isinstance(field.parser, v.Choice):
        return
    test: Callable[[str], bool] = (
        (lambda c: fnmatch.fnmatchcase(c, pattern)) if op == "matches" else (lambda c: pattern in c)
    )
    if not any(test(choice.casefold()) for choice in field.parser.choices):
        raise FilterError(
            f"no value of {field.name} ({', '.join(field.parser.choices)}) "
            f"{'matches' if op == 'matches' else 'contains'} {text.strip()!r}"
        )


@lru_cache(maxsize=512)
def compile_filter(kind: str, text: str) -> Filter:
    """The filter ``text`` for items of ``kind``; :class:`FilterError` if it cannot be used."""
    if kind not in KINDS:
        raise FilterError(f"{kind!r} is not a kind")
    return Filter(kind, text, _Parser(KINDS[kind], text).parse())


# -- sorting -------------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    field: FieldType
    descending: bool


_SORT_ENTRY = re.compile(r"(?P<sign>[-+]?)\s*(?P<name>[^\s,]+)(?:\s+(?P<direction>\S+))?")


@lru_cache(maxsize=512)
def parse_sort(kind: str, text: str) -> tuple[SortKey, ...]:
    """``-target, id`` or ``target desc, id asc``: fields, most significant first."""
    if kind not in KINDS:
        raise FilterError(f"{kind!r} is not a kind")
    declaration = KINDS[kind]
    keys = []
    entries = [e.strip() for e in text.split(",")]
    if not any(entries):
        raise FilterError("the sort order names no field")
    for entry in entries:
        match = _SORT_ENTRY.fullmatch(entry)
        if not match:
            raise FilterError(f"{entry!r} is not 'field', '-field' or 'field desc' (empty entries are not allowed)")
        direction = (match["direction"] or "").lower()
        if direction not in ("", "asc", "desc") or (direction and match["sign"]):
            raise FilterError(f"{entry!r} is not 'field', '-field', 'field asc' or 'field desc'")
        field = field_type(declaration, match["name"].lower())
        keys.append(SortKey(field, match["sign"] == "-" or direction == "desc"))
    return tuple(keys)


def _natural(text: str) -> tuple[Any, ...]:
    """``REQ-10`` after ``REQ-9``: digit runs compare as numbers."""
    parts = re.split(r"([0-9]+)", text.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _one_key(field: FieldType, value: Any) -> Any:
    what = field.category
    if what == NUMBER:
        return float(value)
    if what == VERSION:
        return v.version_key(value)
    if what == BOOLEAN:
        return int(bool(value))
    if what == CHOICE:
        choices = field.parser.choices if isinstance(field.parser, v.Choice) else ()
        return choices.index(value) if value in choices else len(choices)
    if what == TARGET:
        percentile = value["percentile"]
        return (_fold(value["unit"]), -1.0 if percentile is None else float(percentile), float(value["value"]))
    if what == PINNED:
        return (_natural(value["id"]), v.version_key(value["version"]) if value["version"] else ())
    if what == RECORD:
        return _natural(str(value.get("name", "")))
    if what == DATE:
        return str(value)
    return _natural(value if isinstance(value, str) else field.parser.format(value))


def sort_value(field: FieldType, item: Item) -> tuple[bool, Any]:
    """(missing, key): missing values (and values of an unexpected shape) sort last."""
    value = field_value(item, field.name)
    if value is None or (field.many and not value):
        return True, None
    try:
        if field.many:
            return False, tuple(_one_key(field, entry) for entry in value)
        return False, _one_key(field, value)
    except (TypeError, ValueError, AttributeError, KeyError):
        return True, None


def sort_items(items: Sequence[Item], keys: Sequence[SortKey]) -> list[Item]:
    """Stable: items equal on every key keep their order; missing values go last
    whatever the direction."""
    out = list(items)
    for key in reversed(keys):
        pairs = [(sort_value(key.field, item), item) for item in out]
        present = [(k, item) for (missing, k), item in pairs if not missing]
        missing = [item for (gone, _), item in pairs if gone]
        try:
            present.sort(key=lambda pair: pair[0], reverse=key.descending)
        except TypeError:  # values of mixed shapes (an imported export): ordered as text
            present.sort(key=lambda pair: str(pair[0]), reverse=key.descending)
        out = [item for _, item in present] + missing
    return out
