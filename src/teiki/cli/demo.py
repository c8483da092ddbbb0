"""``teiki demo``: build the demo shop's files (teiki.demo), import them and print what is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import teiki
from teiki.cli.common import Context, context, help_text, refuse, reported, shop_session
from teiki.cli.render import import_summary, progress_bar, status_table
from teiki.messages import say

DEMO_DIR = Path("demo_shop")
DEMO_ORIGIN = "demo"

app = typer.Typer()


def _clear_demo_db(c: Context) -> None:
    """Remove an earlier demo database; refuse to touch one holding a shop's own data."""
    if not c.db.exists():
        return
    with teiki.open(c.db) as shop:
        rows, origin = shop.stored_rows(), shop.origin
    if rows and origin != DEMO_ORIGIN:
        refuse(c, "demo_refuses", 1, path=c.db)
    for path in (c.db, c.db.with_name(c.db.name + ".wal")):
        path.unlink(missing_ok=True)


@app.command(help=help_text("help_demo"))
def demo(
    ctx: typer.Context,
    customers: Annotated[int, typer.Option(help=help_text("help_customers"), min=1)] = 20_000,
    seed: Annotated[int, typer.Option(help=help_text("help_seed"))] = 7,
    out: Annotated[Path, typer.Option(help=help_text("help_out"))] = DEMO_DIR,
) -> None:
    """Build the demo shop, import it and print what is stored."""
    from teiki.demo import generate

    c = context(ctx)
    with reported(c):
        _clear_demo_db(c)
        with progress_bar(c.console, c.lang, c.quiet) as bar:
            files = generate(out, customers=customers, seed=seed, progress=bar)
    c.console.print(say("demo_files", c.lang, path=out))
    with shop_session(c, create=True) as shop:
        with progress_bar(c.console, c.lang, c.quiet) as bar:
            result = shop.import_files(list(files.values()), progress=bar)
        shop.set_origin(DEMO_ORIGIN)
        import_summary(c.console, result, c.lang)
        status_table(c.console, shop.status(), c.lang)
    c.console.print(say("demo_next", c.lang))
