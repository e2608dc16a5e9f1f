"""Federation: other projects' ``techspec.json`` exports, read back as items.

Pure: bytes or dicts in, items out. Fetching, caching and warnings live in
the Sphinx glue (``sphinx/federation.py``).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import replace
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from .export import schema
from .model import Item

#: the file looked for when an import names a folder or a URL ending in ``/``
EXPORT_FILENAME = "techspec.json"


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def export_url(location: str) -> str:
    """``https://host/docs/`` -> ``https://host/docs/techspec.json``; other URLs unchanged."""
    return location + EXPORT_FILENAME if location.endswith("/") else location


def base_url(url: str) -> str:
    """The folder of an export's URL, where its pages live: ends with ``/``."""
    parts = urlsplit(url)
    folder = posixpath.dirname(parts.path)
    folder = folder if folder.endswith("/") else folder + "/"
    return parts._replace(path=folder, query="", fragment="").geturl()


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@cache
def _validator() -> Any:
    # imported lazily: only builds that import other projects pay for jsonschema
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def validate(data: Any) -> None:
    """Raise ValueError naming the first schema violation (and how many there are)."""
    from jsonschema.exceptions import best_match

    errors = list(_validator().iter_errors(data))
    if not errors:
        return
    error = best_match(errors)
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise ValueError(f"not a valid techspec.json: at {where}: {error.message}{more}")


def decode(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not JSON: {error}") from None


def page_url(data: dict[str, Any], entry: dict[str, Any], base: str) -> str:
    """Where an exported item is shown: the export's ``pages`` map when it has one
    (it knows the builder's URLs, e.g. ``dirhtml``), else ``<docname>.html``."""
    docname = entry["docname"]
    page = data.get("pages", {}).get(docname, f"{docname}.html")
    anchor = entry.get("anchor") or ""
    return f"{base}{page}#{anchor}" if anchor else f"{base}{page}"


def load(name: str, data: Any, base: str) -> list[Item]:
    """Items of a validated export, marked as coming from project ``name``.

    ``base`` is the URL (ending in ``/``) the export's pages are relative to.
    Their problems stay with the project that declared them.
    """
    validate(data)
    return [
        # an item the other project imported itself is not its own; problems stay with their project
        replace(Item.from_json(entry), external=name, url=page_url(data, entry, base), problems=[])
        for entry in data["items"]
        if not entry.get("external")
    ]


def parse(name: str, raw: bytes, base: str) -> list[Item]:
    """``load`` from the bytes of a ``techspec.json``."""
    return load(name, decode(raw), base)
