"""The ``teiki`` command line: demo, import, status.

Global options come before the command: ``teiki --db shop.duckdb --lang en import orders.csv``.
Errors print as one paragraph; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from teiki.errors import TeikiError
from teiki.messages import LANGS, default_lang, say
from teiki.store.db import DB_ENV, default_path
from teiki.store.migrations import read_meta, write_meta
from teiki.store.schema import TABLES

app = typer.Typer(add_completion=False, no_args_is_help=True, help=say("app_help", "en"),
                  pretty_exceptions_enable=False)

DEMO_DIR = Path("demo_shop")
DEMO_ORIGIN = "demo"


@dataclass
class Context:
    db: Path
    lang: str
    debug: bool
    quiet: bool
    console: Console
    errors: Console


def _ctx(ctx: typer.Context) -> Context:
    return ctx.obj


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[Optional[Path], typer.Option("--db", help=f"Database file (default ${DB_ENV} or ./teiki.duckdb).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of what teiki prints: ja or en.")] = "",
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """teiki: CRM analytics for subscription and repeat-purchase D2C commerce (単品リピート通販 / 定期通販)."""
    chosen = (lang or default_lang()).lower()
    if chosen not in LANGS:
        raise typer.BadParameter(f"--lang must be one of {', '.join(LANGS)}")
    ctx.obj = Context(db or default_path(), chosen, debug, quiet, Console(), Console(stderr=True))


def _fail(c: Context, exc: TeikiError) -> None:
    if c.debug:
        c.errors.print_exception()
    c.errors.print(f"[bold red]teiki:[/] {escape(exc.render(c.lang))}", highlight=False)
    raise typer.Exit(1)


def _open_shop(c: Context, *, create: bool = True):
    import teiki

    if not create and not c.db.exists():
        c.errors.print(say("no_database", c.lang, path=c.db))
        raise typer.Exit(1)
    shop = teiki.open(c.db, read_only=not create)
    if shop.store.upgraded_from:
        c.console.print(say("upgraded", c.lang, old=shop.store.upgraded_from))
    return shop


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files to import: .csv .tsv .txt .xlsx .parquet")],
    table: Annotated[Optional[str], typer.Option("--table", "-t", help=f"Table of the files: {', '.join(TABLES)}.")] = None,
    preset: Annotated[Optional[str], typer.Option("--preset", "-p", help="Column layout: teiki, ja or shopify.")] = None,
    mapping: Annotated[Optional[Path], typer.Option("--mapping", "-m", help="A TOML mapping file for any other layout.")] = None,
) -> None:
    """Import files into the store: all or nothing, and importing the same file again changes nothing."""
    from teiki.cli.render import import_summary, progress_bar

    c = _ctx(ctx)
    if table is not None and table not in TABLES:
        raise typer.BadParameter(f"--table must be one of {', '.join(TABLES)}")
    if preset and mapping:
        raise typer.BadParameter("give --preset or --mapping, not both")
    started = time.perf_counter()
    try:
        with _open_shop(c) as shop, progress_bar(c.console, c.lang, c.quiet) as bar:
            result = shop.import_files(paths, table=table, preset=preset, mapping=mapping, progress=bar)
    except TeikiError as exc:
        _fail(c, exc)
    import_summary(c.console, result, c.lang)
    c.console.print(say("import_done", c.lang, seconds=time.perf_counter() - started))


@app.command()
def status(ctx: typer.Context) -> None:
    """What is stored: tables, rows, customers, order dates, the last import."""
    from teiki.cli.render import status_table

    c = _ctx(ctx)
    try:
        with _open_shop(c, create=False) as shop:
            status_table(c.console, shop.status(), c.lang)
    except TeikiError as exc:
        _fail(c, exc)


def _clear_demo_db(c: Context) -> None:
    """Remove an earlier demo database; refuse to touch one holding a shop's own data."""
    if not c.db.exists():
        return
    import teiki

    with teiki.open(c.db) as shop:
        rows = sum(shop.store.count(name) for name in TABLES)
        origin = read_meta(shop.store.con, "origin")
    if rows and origin != DEMO_ORIGIN:
        c.errors.print(say("demo_refuses", c.lang, path=c.db))
        raise typer.Exit(1)
    for path in (c.db, c.db.with_name(c.db.name + ".wal")):
        path.unlink(missing_ok=True)


@app.command()
def demo(
    ctx: typer.Context,
    customers: Annotated[int, typer.Option(help="Number of customers.", min=1)] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same shop.")] = 7,
    out: Annotated[Path, typer.Option(help="Folder for the demo shop's files.")] = DEMO_DIR,
) -> None:
    """Build the demo shop (a synthetic Japanese D2C brand), import it and show what is stored."""
    from teiki.cli.render import import_summary, progress_bar, status_table
    from teiki.demo import generate

    c = _ctx(ctx)
    try:
        _clear_demo_db(c)
        with progress_bar(c.console, c.lang, c.quiet) as bar:
            files = generate(out, customers=customers, seed=seed, progress=bar)
        c.console.print(say("demo_files", c.lang, path=out))
        with _open_shop(c) as shop:
            with progress_bar(c.console, c.lang, c.quiet) as bar:
                result = shop.import_files(list(files.values()), progress=bar)
            write_meta(shop.store.con, "origin", DEMO_ORIGIN)
            import_summary(c.console, result, c.lang)
            status_table(c.console, shop.status(), c.lang)
    except TeikiError as exc:
        _fail(c, exc)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
