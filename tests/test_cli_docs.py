"""The command reference in the Workflow guide names every subcommand, option and exit status."""

from __future__ import annotations

from pathlib import Path

import click

from sphinxcontrib_techspec.cli import main

PAGE = Path(__file__).resolve().parent.parent / "example_docs" / "guide" / "workflow.md"


def commands(group: click.Group, prefix: str = "techspec") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        out.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            out.extend(commands(command, f"{prefix} {name}"))
    return out


def test_every_option_of_every_command_is_documented() -> None:
    text = PAGE.read_text(encoding="utf-8")
    missing = []
    for path, command in commands(main):
        if f"### `{path}" not in text and not isinstance(command, click.Group):
            missing.append(path)
        for param in command.params:
            if isinstance(param, click.Option):
                names = [n for n in [*param.opts, *param.secondary_opts] if n not in ("-h", "--help")]
                missing.extend(f"{path} {n}" for n in names if f"`{n}" not in text and f" {n}" not in text)
    assert missing == []
    for status in ("| 0 |", "| 1 |", "| 2 |"):
        assert status in text
