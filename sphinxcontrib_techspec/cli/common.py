"""What the report commands (``check``, ``diff``) do alike: the project folder, the cache, --format and -o."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import fail

_Command = TypeVar("_Command", bound=Callable[..., Any])


def project_folder(source_dir: str) -> Path:
    """SOURCE_DIR, the folder of a Sphinx project's conf.py; exit 2 when it has none."""
    src = Path(source_dir)
    if not (src / "conf.py").is_file():
        fail(f"no conf.py in {source_dir}: SOURCE_DIR is the folder of the Sphinx project's conf.py")
    return src


def user_cache() -> Path:
    """``$XDG_CACHE_HOME/techspec`` (``~/.cache/techspec``): outside the project, so nothing in it is read as a source."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "techspec"


def cache_folder(given: str | None, default: Path) -> Path:
    """``--cache-dir`` (or ``default``), created; exit 2 with one line when it cannot be."""
    cache = Path(given) if given else default
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"cannot use the cache folder {cache}: {error.strerror or error}")
    return cache


def format_option(formats: Iterable[str], help: str) -> Callable[[_Command], _Command]:
    """``-f/--format``, one of the command's registry of writers (the first is the default)."""
    names = list(formats)
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(names), default=names[0], show_default=True, help=help
    )


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="Write the report here (default: standard output).",
)


def write_report(text: str, output: str) -> None:
    """``text`` on standard output (``-``) or into the file ``output``; exit 2 when it cannot be written."""
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
