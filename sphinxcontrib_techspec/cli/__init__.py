"""The ``techspec`` command: a thin shell over the core (see the Workflow guide).

Exit codes, for every subcommand: 0 success; 1 the command reported a finding
(``check``: a ``--fail-on`` subtype; ``diff``: a breaking change without a major
version bump); 2 bad usage or unreadable input, with a one-line message.
"""

from __future__ import annotations

import click

from .. import __version__
from .errors import UsageFailure, fail

__all__ = ["UsageFailure", "fail", "main"]


@click.group(
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
