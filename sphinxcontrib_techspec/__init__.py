"""sphinxcontrib-techspec: tech specs as structured, checked, traceable documentation."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def setup(app: Any) -> dict[str, Any]:
    from .sphinx.setup import setup as _setup

    return _setup(app)
