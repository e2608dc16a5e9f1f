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


def one_line(error: BaseException) -> str:
    """An exception as one line that names its cause.

    Sphinx's ConfigError for a failing conf.py is a header ending in ``:``
    followed by the traceback, whose last line is the cause.
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    if len(lines) > 1 and lines[0].endswith(":"):
        return f"{lines[0]} {lines[-1]}"
    return lines[0]
