"""The ``teiki`` app and its global options (``--db``, ``--lang``, ``--debug``, ``--quiet``); the commands are
added to it in :mod:`teiki.cli.main`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from teiki.cli.common import Context, help_text
from teiki.messages import LANGS, default_lang
from teiki.shop.vocabulary import default_path

app = typer.Typer(add_completion=False, no_args_is_help=True, help=help_text("help_app"),
                  pretty_exceptions_enable=False)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help=help_text("help_db"))] = None,
    lang: Annotated[str, typer.Option("--lang", help=help_text("help_lang"))] = "",
    debug: Annotated[bool, typer.Option("--debug", help=help_text("help_debug"))] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=help_text("help_quiet"))] = False,
) -> None:
    chosen = (lang or default_lang()).lower()
    if chosen not in LANGS:
        raise typer.BadParameter(f"--lang must be one of {', '.join(LANGS)}")
    ctx.obj = Context(db or default_path(), chosen, debug, quiet, Console(), Console(stderr=True))
