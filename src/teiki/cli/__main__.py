"""``python -m teiki.cli``: the same as the ``teiki`` command."""

from teiki.cli import run

run()
