"""``teiki import`` and ``teiki status``: files into the store, and what it holds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from teiki.cli.common import Format, context, help_text, reported, shop_session
from teiki.cli.render import explain_table, import_summary, progress_bar, status_table
from teiki.messages import say
from teiki.shop import explain_import
from teiki.shop.vocabulary import TABLES

app = typer.Typer()


@app.command("import", help=help_text("help_import"))
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help=help_text("help_paths"))],
    table: Annotated[str | None, typer.Option("--table", "-t",
                                              help=help_text("help_table", tables=", ".join(TABLES)))] = None,
    preset: Annotated[str | None, typer.Option("--preset", "-p", help=help_text("help_preset"))] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help=help_text("help_mapping"))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=help_text("help_dry_run"))] = False,
    earliest_date: Annotated[str | None, typer.Option("--earliest-date", help=help_text("help_earliest_date"))] = None,
    latest_date: Annotated[str | None, typer.Option("--latest-date", help=help_text("help_latest_date"))] = None,
    explain: Annotated[bool, typer.Option("--explain", help=help_text("help_explain"))] = False,
    format_: Format = "table",
) -> None:
    """Import files into the store (see teiki.io.importer); ``--explain``: how they would be read."""
    c = context(ctx)
    if table is not None and table not in TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(TABLES)}")
    if preset and mapping:
        raise typer.BadParameter("give --preset or --mapping, not both")
    if explain:
        with reported(c):
            explained = [explain_import(p, table=table, preset=preset, mapping=mapping) for p in paths]
        if format_ == "json":
            c.console.print_json(data=[e.to_dict() for e in explained])
            return
        for e in explained:
            explain_table(c.console, e, c.lang)
        return
    started = time.perf_counter()
    with shop_session(c, create=True) as shop, progress_bar(c.console, c.lang, c.quiet) as bar:
        result = shop.import_files(paths, table=table, preset=preset, mapping=mapping, progress=bar, dry_run=dry_run,
                                   earliest_date=earliest_date, latest_date=latest_date)
    import_summary(c.console, result, c.lang)
    done = "dry_run_done" if dry_run else "import_done"
    c.console.print(say(done, c.lang, seconds=time.perf_counter() - started))


@app.command(help=help_text("help_status"))
def status(ctx: typer.Context) -> None:
    """Print what is stored."""
    c = context(ctx)
    with shop_session(c) as shop:
        status_table(c.console, shop.status(), c.lang)
