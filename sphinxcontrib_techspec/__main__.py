"""``python -m sphinxcontrib_techspec``: the ``techspec`` command."""

from .cli import main

main(prog_name="techspec")
