"""The ``teiki`` commands of the calls actions, added to the app by :func:`register`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``teiki`` app (called at the end of teiki.cli.main)."""
