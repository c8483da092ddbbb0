"""What every ``teiki`` command shares: its context, help texts, option types, output checks, and the shop.

A command reads the shop in ``with output_session(ctx, format_, out) as (c, shop):`` (or ``shop_session(c)``,
``engine_session(c, ...)``); a :class:`~teiki.errors.TeikiError` raised in the block prints as one paragraph and
exits 1, ``--debug`` printing the traceback too (:func:`reported`, for a block that needs no shop).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

import teiki
from teiki.errors import TeikiError
from teiki.messages import default_lang, say
from teiki.shop import Shop, open_parquet_on_spark

HELP_LANG = default_lang()  # help is rendered before any option is read: see teiki.cli.run


def help_text(key: str, **params: object) -> str:
    """The help text ``key`` in the help language."""
    return say(key, HELP_LANG, **params)


@dataclass
class Context:
    """The global options, and the consoles of stdout and stderr."""

    db: Path
    lang: str
    debug: bool
    quiet: bool
    console: Console
    errors: Console


def context(ctx: typer.Context) -> Context:
    """The :class:`Context` the ``teiki`` callback stored on ``ctx``."""
    return ctx.obj


AsOf = Annotated[str | None, typer.Option("--as-of", help=help_text("help_as_of"))]
Format = Annotated[str, typer.Option("--format", "-f", help=help_text("help_format"))]
Out = Annotated[Path | None, typer.Option("--out", "-o", help=help_text("help_kpi_out"))]
ThresholdsSpec = Annotated[str, typer.Option("--thresholds", help=help_text("help_thresholds"))]
Reasons = Annotated[Path | None, typer.Option("--reasons", help=help_text("help_reasons"))]
Engine = Annotated[str, typer.Option("--engine", help=help_text("help_engine"))]
Parquet = Annotated[Path | None, typer.Option("--parquet", help=help_text("help_parquet"))]

FORMATS = ("table", "json", "csv", "xlsx")
ENGINES = ("duckdb", "spark")


def check_output(c: Context, format_: str, out: Path | None, engine: str = "duckdb") -> None:
    """Refuse an unknown ``--format`` or ``--engine`` (exit 2), and CSV or Excel without ``--out``."""
    if format_ not in FORMATS:
        raise typer.BadParameter("--format must be one of " + ", ".join(FORMATS))
    if engine not in ENGINES:
        raise typer.BadParameter("--engine must be duckdb or spark")
    if format_ in ("csv", "xlsx") and out is None:
        c.errors.print(say("out_required", c.lang, format=format_))
        raise typer.Exit(2)


def refuse(c: Context, key: str, code: int = 2, **params: object) -> None:
    """Print the message ``key`` on stderr and exit with ``code``."""
    c.errors.print(say(key, c.lang, **params))
    raise typer.Exit(code)


@contextmanager
def reported(c: Context) -> Iterator[None]:
    """A TeikiError raised in the block prints as one paragraph on stderr and exits 1."""
    try:
        yield
    except TeikiError as exc:
        if c.debug:
            c.errors.print_exception()
        c.errors.print(f"[bold red]teiki:[/] {escape(exc.render(c.lang))}", highlight=False)
        raise typer.Exit(1) from None


@contextmanager
def shop_session(c: Context, *, write: bool = False, create: bool = False) -> Iterator[Shop]:
    """The shop at ``--db`` for the block, its errors :func:`reported`: read-only unless ``write`` or ``create``,
    and a missing file is refused unless ``create``."""
    if not create and not c.db.exists():  # opening it would make an empty one
        refuse(c, "no_database", 1, path=c.db)
    with reported(c), teiki.open(c.db, read_only=not (write or create)) as shop:
        if shop.upgraded_from:
            c.errors.print(say("upgraded", c.lang, old=shop.upgraded_from))  # stderr: keeps JSON on stdout clean
        yield shop


@contextmanager
def output_session(ctx: typer.Context, format_: str, out: Path | None) -> Iterator[tuple[Context, Shop]]:
    """The context and the shop read-only, once ``--format`` and ``--out`` are checked (:func:`check_output`):
    for a command that prints a table or writes a file."""
    c = context(ctx)
    check_output(c, format_, out)
    with shop_session(c) as shop:
        yield c, shop


@contextmanager
def engine_session(c: Context, engine: str, parquet: Path | None) -> Iterator[Shop]:
    """The shop to compute on: the DuckDB store, or its tables on Spark (exported to Parquet first unless
    ``parquet`` holds them)."""
    if engine == "duckdb":
        with shop_session(c) as shop:
            yield shop
        return
    with reported(c), tempfile.TemporaryDirectory(prefix="teiki-spark-") as tmp:
        if parquet is None:
            with shop_session(c) as shop:
                shop.export_parquet(tmp)
            parquet = Path(tmp)
        yield open_parquet_on_spark(parquet)
