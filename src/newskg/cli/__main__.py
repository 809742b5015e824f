"""``python -m newskg.cli``: the ``newskg`` command without its console script."""

from newskg.cli import main

main(prog_name="newskg")
