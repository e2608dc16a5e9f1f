"""The one way a command stops on bad usage or unreadable input: one line, exit status 2."""

from __future__ import annotations

from typing import Any, NoReturn

import click


class UsageFailure(click.ClickException):
    """Bad usage or unreadable input: one line on standard error, exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"techspec: error: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    """Stop the command with a one-line message and exit status 2 (no traceback)."""
    raise UsageFailure(message)
