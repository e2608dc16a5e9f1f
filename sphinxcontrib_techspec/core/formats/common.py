"""What several formats share: names the target ecosystems accept, links back to the pages."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

import yaml

from ..model import Item, Problem
from . import Options

#: prefix of the annotations that say where an entity comes from
ANNOTATION = "sphinxcontrib-techspec.readthedocs.io"


def slug(text: str, limit: int = 63) -> str:
    """``Team Checkout`` -> ``team-checkout``: lower case letters, digits and ``-``; a digest keeps
    two different long or odd IDs apart."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
    if len(out) > limit:
        out = out[: limit - 9].rstrip("-") + "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return out


def names(items: Iterable[Item], limit: int = 63) -> dict[tuple[str, str | None, str], str]:
    """One name per item, by its key: the ID's slug, prefixed with its spec's when that slug is
    used by items of several specs (``GET /health`` of two specs), so names never collide."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[slug(item.id, limit)].append(item)
    out = {}
    for name, group in groups.items():
        for item in group:
            out[item.key] = slug(f"{item.spec}-{item.id}", limit) if len(group) > 1 and item.spec else name
    return out


def page_url(item: Item, options: Options, absolute: bool = False) -> str | None:
    """The item's place in the published pages, when the caller knows where they are;
    relative to the output folder unless a base URL is known (None if ``absolute`` is needed)."""
    page = item.url or (options.pages.get(item.docname) if item.docname in options.pages else None)
    if page is None:
        return None
    url = page if item.url else options.base_url + page
    if absolute and not urlsplit(url).scheme:
        return None
    return f"{url}#{item.anchor}" if item.anchor and "#" not in url else url


def problem(item: Item, message: str, subtype: str = "export") -> Problem:
    return Problem(subtype, f"{item.mention}: {message}", item.docname, item.lineno)


class _Dumper(yaml.SafeDumper):
    """Block style, insertion order, long strings kept on one line."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(documents: list[dict[str, object]]) -> str:
    """One YAML document after another (``---`` between), keys in the order written."""
    return "".join(
        ("---\n" if i else "") + yaml.dump(d, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
        for i, d in enumerate(documents)
    )
