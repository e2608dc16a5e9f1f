"""The baseline of ``techspec-changes``: another build's export, read with federation's bounds and cache.

A baseline is read once per build (at most ``techspec_import_max_bytes`` within
``techspec_import_timeout``) and kept under the doctree folder; when it cannot be
read, the last good copy is used, with a ``[techspec.baseline]`` warning.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..core import export, federation
from ..core.index import Index
from ..core.model import Problem
from . import config
from .domain import warn
from .federation import CACHE_FOLDER, ImportFailed, fetch


def load(app: Sphinx, location: str, where: Any) -> tuple[str, Index] | None:
    """(project, index) of the baseline at ``location`` (a path relative to conf.py, or a URL)."""
    loaded: dict[str, tuple[str, Index] | None] = app.__dict__.setdefault("_techspec_baselines", {})
    if location in loaded:
        return loaded[location]
    settings = config.get(app.config)
    name = hashlib.sha256(location.encode()).hexdigest()[:16]
    cache = Path(app.doctreedir) / CACHE_FOLDER / f"baseline-{name}.json"
    result = None
    try:
        raw, _ = fetch(location, Path(app.confdir), settings.import_timeout, settings.import_max_bytes)
        result = export.read(federation.decode(raw))
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(raw)
    except (ImportFailed, ValueError) as error:
        reason = f"techspec-changes: cannot read the baseline {location!r}: {error}"
        try:
            result = export.read(federation.decode(cache.read_bytes()))
            warn(Problem("baseline", f"{reason}; using the copy last read"), where)
        except (OSError, ValueError):
            warn(Problem("baseline", f"{reason}; no changes are shown"), where)
    loaded[location] = result
    return result
