"""The ``techspec`` command: a thin shell over the core (see the Workflow guide).

Exit codes, for every subcommand: 0 success; 1 the command reported a finding
(``check``: a ``--fail-on`` subtype; ``diff``: a breaking change without a major
version bump); 2 bad usage or unreadable input, with a one-line message.
"""

from __future__ import annotations

from typing import Any

import click

from .. import __version__
from .errors import UsageFailure, fail

__all__ = ["UsageFailure", "fail", "main"]


class _OneLineGroup(click.Group):
    """click's own usage errors (an unknown option, a bad --format choice) as one line too.

    Left alone, click prints its usage block and a hint over several lines;
    the contract is one line and exit status 2 for every bad usage.
    """

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as error:
            raise _one_line(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise _one_line(error) from None


def _one_line(error: click.UsageError) -> click.ClickException:
    if type(error).__name__ == "NoArgsIsHelpError":  # `techspec new` alone: click shows the help, as it should
        return error
    where = error.ctx.command_path if error.ctx else "techspec"
    return UsageFailure(f"{' '.join(error.format_message().split()).rstrip('.')} (see '{where} --help')")


@click.group(
    cls=_OneLineGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Exit status: 0 success, 1 a finding was reported, 2 bad usage or unreadable input.",
)
@click.version_option(__version__, message="techspec %(version)s")
def main() -> None:
    """Start, review and check tech specs written with sphinxcontrib-techspec."""


# One module per subcommand, each exposing `command`; one registration line each.
from . import check, diff, export, new  # noqa: E402

main.add_command(new.command)
main.add_command(diff.command)
main.add_command(check.command)
main.add_command(export.command)
