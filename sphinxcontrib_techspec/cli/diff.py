"""``techspec diff``."""

from __future__ import annotations

import click


@click.command("diff")
def command() -> None:
    """(not yet implemented)"""
