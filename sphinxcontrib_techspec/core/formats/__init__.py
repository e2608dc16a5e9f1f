"""Export formats, each declared once: the build, ``techspec export`` and the
docs' format table all read :data:`FORMATS`.

A writer reads the one index (never raw strings) and returns what to write and
what it had to leave out, as located problems (``[techspec.export]``): bad
input never stops an export. Output is deterministic: sorted, no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..index import Index
from ..model import Problem

#: what a writer produces: one file's text or bytes, or a folder of them (name -> content)
Content = str | bytes | dict[str, str | bytes]


@dataclass(frozen=True)
class Options:
    """Everything a writer may be told besides the index; the same for every caller."""

    #: ``csv``/``xlsx``: the one kind to tabulate (default: every kind that has items)
    kind: str | None = None
    #: ``csv``/``xlsx``: the columns (``techspec-table``'s ``:columns:``)
    columns: list[str] | None = None
    #: ``csv``/``xlsx``: only the items of these specs (``:spec:``)
    specs: list[str] | None = None
    #: ``csv``/``xlsx``: ``techspec-table``'s ``:filter:`` and ``:sort:`` (with ``kind``)
    filter: str | None = None
    sort: str | None = None
    #: docname -> URL of its page (relative to ``base_url``), to link back to the specs
    pages: dict[str, str] = field(default_factory=dict)
    #: where the pages are published (``html_baseurl``, ``--base-url``)
    base_url: str = ""
    #: ``openslo``: SLI ID (or ``SPEC::ID``) -> the SLI's metric, merged into its ``spec``
    openslo_queries: dict[str, Any] = field(default_factory=dict)
    #: ``reqif``: the creation and last-change time written into the document
    reqif_time: str = "1970-01-01T00:00:00Z"

    def __post_init__(self) -> None:
        # a folder, however it is written (``html_baseurl`` is often given without the slash)
        if self.base_url and not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")


@dataclass
class Written:
    #: None: nothing could be written (the problems say why)
    content: Content | None
    problems: list[Problem] = field(default_factory=list)


Writer = Callable[[Index, str, Options], Written]


@dataclass(frozen=True)
class Format:
    name: str
    #: the file written next to ``techspec.json`` (or the folder, for a writer returning several files)
    filename: str
    write: Writer
    doc: str
    #: the ecosystem's own validator the tests run on the output
    validator: str


def _formats() -> dict[str, Format]:
    from . import backstage, openapi, openslo, reqif, tables

    return {f.name: f for f in (openslo.FORMAT, backstage.FORMAT, openapi.FORMAT, reqif.FORMAT, *tables.FORMATS)}


FORMATS: dict[str, Format] = _formats()


def save(content: Content, path: Path) -> list[Path]:
    """Write one file, or a folder of files (created); returns what was written."""
    if isinstance(content, dict):
        path.mkdir(parents=True, exist_ok=True)
        return [p for name, value in sorted(content.items()) for p in save(value, path / name)]
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return [path]
