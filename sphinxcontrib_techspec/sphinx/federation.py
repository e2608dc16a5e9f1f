"""``techspec_projects``: other projects' exports, imported at the start of every build.

Imports are bounded (timeout, size limit, JSON Schema) and cached under the
doctree folder, so an unreachable server falls back to the last good copy.
Whatever goes wrong is one ``[techspec.import]`` warning located in
``conf.py``, and the build goes on without (or with the cached) items.

Imported items are not stored in the documents: they are set on the domain
for this build only, before ``env-get-updated``, so the snapshot comparison
in ``setup.rewrite_outdated`` rewrites the pages whose aggregates or links
show an imported item that changed.
"""

from __future__ import annotations

import ast
import http.client
import re
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .. import __version__
from ..core import federation
from ..core.model import Item, Problem
from . import config
from .domain import get_domain, warn

CACHE_FOLDER = "techspec-imports"
CHUNK = 64 * 1024


class ImportFailed(Exception):
    """Why one import could not be read; the message ends up in the warning."""


def import_projects(app: Sphinx) -> None:
    """``builder-inited``: read every configured import and hand its items to the domain."""
    settings = config.get(app.config)
    domain = get_domain(app.env)
    previous: dict[str, Any] = domain.data.get("imports", {})
    imports: dict[str, Any] = {}
    items: list[Item] = []
    for name, value in sorted(settings.projects.items()):
        loaded = _import_one(app, name, value, settings.import_timeout, settings.import_max_bytes, previous.get(name))
        if loaded is not None:
            imports[name] = loaded
            items.extend(loaded["items"])
    # the digests and parsed items stay in the environment: an unchanged
    # import is not validated again on the next incremental build
    domain.data["imports"] = imports
    domain.set_external(items)


def _import_one(
    app: Sphinx, name: str, value: Any, timeout: float, limit: int, previous: dict[str, Any] | None
) -> dict[str, Any] | None:
    try:
        base, location = _split(name, value)
    except ImportFailed as error:
        _warn(app, name, str(error))
        return None
    cache = Path(app.doctreedir) / CACHE_FOLDER / f"{_safe(name)}.json"
    try:
        raw, found_base = fetch(location, Path(app.confdir), timeout, limit)
        loaded = _parse(name, raw, base or found_base, previous)
    except (ImportFailed, ValueError) as error:
        reason = f"cannot import {location!r}: {error}"
        fallback = _from_cache(name, cache, base, location, app, previous)
        if fallback is None:
            _warn(app, name, f"{reason}; its items are left out of this build")
            return None
        when = datetime.fromtimestamp(cache.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
        _warn(app, name, f"{reason}; using the copy last read at {when}")
        return fallback
    cache.parent.mkdir(parents=True, exist_ok=True)
    if cache.is_file() and federation.digest(cache.read_bytes()) == loaded["digest"]:
        cache.touch()  # its time says when the import was last read, for the fallback warning
    else:
        cache.write_bytes(raw)
    return loaded


def _from_cache(
    name: str, cache: Path, base: str | None, location: str, app: Sphinx, previous: dict[str, Any] | None
) -> dict[str, Any] | None:
    if not cache.is_file():
        return None
    found_base = federation.base_url(_url_of(location, Path(app.confdir)))
    try:
        return _parse(name, cache.read_bytes(), base or found_base, previous)
    except ValueError:
        return None


def _parse(name: str, raw: bytes, base: str, previous: dict[str, Any] | None) -> dict[str, Any]:
    digest = federation.digest(raw)
    if previous and previous.get("digest") == digest and previous.get("base") == base:
        return previous
    return {"digest": digest, "base": base, "items": federation.parse(name, raw, base)}


def _split(name: str, value: Any) -> tuple[str | None, str]:
    """``"where"`` or ``("https://pages/base/", "where")`` -> (explicit base or None, where)."""
    if isinstance(value, str) and value.strip():
        return None, value.strip()
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) and v.strip() for v in value):
        base = value[0].strip()
        return (base if base.endswith("/") else base + "/"), value[1].strip()
    raise ImportFailed(f"must be the URL or path of a techspec.json, or a (base URL, URL or path) pair, not {value!r}")


def _url_of(location: str, confdir: Path) -> str:
    if federation.is_url(location):
        return federation.export_url(location)
    return _local_path(location, confdir).resolve().as_uri()


def _local_path(location: str, confdir: Path) -> Path:
    path = confdir / Path(location).expanduser()
    return path / federation.EXPORT_FILENAME if path.is_dir() else path


def fetch(location: str, confdir: Path, timeout: float, limit: int) -> tuple[bytes, str]:
    """The bytes of an export and the base URL of its pages (its folder)."""
    if federation.is_url(location):
        url = federation.export_url(location)
        return download(url, timeout, limit), federation.base_url(url)
    path = _local_path(location, confdir)
    return read_file(path, limit), federation.base_url(path.resolve().as_uri())


def read_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a local file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as error:
        raise ImportFailed(error.strerror or str(error)) from None
    _check_size(len(raw), limit)
    return raw


def download(url: str, timeout: float, limit: int) -> bytes:
    """At most ``limit`` bytes within ``timeout`` seconds in all (not per read)."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url, headers={"User-Agent": f"sphinxcontrib-techspec/{__version__}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit():
                _check_size(int(declared), limit)
            chunks: list[bytes] = []
            size = 0
            while size <= limit:
                if time.monotonic() > deadline:
                    raise ImportFailed(f"timed out after {timeout:g}s")
                chunk = response.read(min(CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            _check_size(size, limit)
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        raise ImportFailed(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise ImportFailed(f"timed out after {timeout:g}s") from None
        raise ImportFailed(str(getattr(reason, "strerror", None) or reason)) from None
    except TimeoutError:
        raise ImportFailed(f"timed out after {timeout:g}s") from None
    except (OSError, http.client.HTTPException) as error:
        raise ImportFailed(str(error) or type(error).__name__) from None


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise ImportFailed(f"larger than techspec_import_max_bytes ({limit} bytes)")


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name) or "_"


def _warn(app: Sphinx, name: str, message: str) -> None:
    warn(Problem("import", f"techspec_projects[{name!r}]: {message}"), conf_location(app, name))


def conf_location(app: Sphinx, name: str, setting: str = "techspec_projects") -> str | None:
    """``conf.py:LINE`` of the entry ``name`` in the dict ``setting`` (an import's in
    ``techspec_projects``), if conf.py shows it."""
    path = Path(app.confdir) / "conf.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    line = None
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == setting for t in targets):
            continue
        line = line or node.lineno
        value = node.value
        if isinstance(value, ast.Dict):
            for key in value.keys:
                if isinstance(key, ast.Constant) and key.value == name:
                    return f"{path}:{key.lineno}"
    # a string location must carry a line, or Sphinx reads it as a docname
    return f"{path}:{line}" if line else None
