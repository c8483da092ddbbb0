"""``teiki calls``: today's run-out call list (or the whole run-out schedule) as a table or a file."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from teiki.cli.common import Format, Out, help_text, output_session
from teiki.cli.output import write_report
from teiki.errors import TeikiError
from teiki.messages import say

TABLE_ROWS = 100  # rows printed in the terminal; files hold every row
WIDEST = 24  # a column other than the reason is never squeezed below its content up to this width
LIST_HEADS = ("priority", "customer_id", "name", "phone", "product", "runout_date", "call_date", "reason")
SCHEDULE_HEADS = ("customer_id", "product", "runout_date", "call_date", "next_delivery")

app = typer.Typer()


def _cell(value: object) -> str:
    return "—" if value is None else str(value)


def print_rows(console: Console, title: str, records: list[dict], heads: tuple[str, ...], lang: str,
               limit: int = TABLE_ROWS) -> None:
    """The first ``limit`` records as a Rich table (only the ``heads`` columns present), then how many are left."""
    if not records:
        console.print(title)
        console.print(say("calls_none", lang))
        return
    columns = [h for h in heads if h in records[0]]
    shown = [[_cell(r[c]) for c in columns] for r in records[:limit]]
    table = Table(title=title, title_justify="left")
    for j, key in enumerate(columns):
        if key == "reason":  # the long one: it wraps, the others keep their width
            table.add_column(say(f"ccol_{key}", lang), ratio=1, overflow="fold")
            continue
        width = min(max(cell_len(row[j]) for row in shown), WIDEST)
        table.add_column(say(f"ccol_{key}", lang), justify="right" if key == "priority" else "left",
                         no_wrap=True, min_width=width)
    for row in shown:
        table.add_row(*row)
    console.print(table)
    if len(records) > limit:
        console.print(say("calls_more", lang, count=len(records) - limit), style="dim")


@app.command("calls", help=help_text("help_calls"))
def calls(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help=help_text("help_calls_date"))] = None,
    lead_days: Annotated[int, typer.Option("--lead-days", min=0, help=help_text("help_lead_days"))] = 5,
    recent_days: Annotated[int, typer.Option("--recent-days", min=0, help=help_text("help_recent_days"))] = 14,
    schedule: Annotated[bool, typer.Option("--schedule", help=help_text("help_calls_schedule"))] = False,
    format_: Format = "table",
    out: Out = None,
) -> None:
    """Today's run-out call list (seed 000), or with --schedule every holder's run-out and call date."""
    with output_session(ctx, format_, out) as (c, shop):
        day = shop.as_of(date)
        if day is None:
            raise TeikiError("no_orders")
        if schedule:
            table = shop.runout(day, lead_days=lead_days, output="pyarrow")
        else:
            table = shop.calls(day, lead_days=lead_days, recent_days=recent_days, lang=c.lang, output="pyarrow")
    records = table.to_pylist()
    settings = {"date": day.isoformat(), "lead_days": lead_days}
    if schedule:
        covered = sum(1 for r in records if r["covered"])
        if format_ == "table":
            title = say("calls_schedule_title", c.lang, day=day, lead=lead_days)
            print_rows(c.console, title, records, SCHEDULE_HEADS, c.lang)
            c.console.print(say("calls_schedule_count", c.lang, count=f"{len(records):,}", covered=f"{covered:,}"))
            return
        payload = {**settings, "count": len(records), "covered": covered, "schedule": records}
        write_report(payload, {"schedule": records}, format_, out, c.lang, c.console)
        return
    if format_ == "table":
        title = say("calls_title", c.lang, day=day, lead=lead_days, recent=recent_days)
        print_rows(c.console, title, records, LIST_HEADS, c.lang)
        if records:
            c.console.print(say("calls_count", c.lang, count=f"{len(records):,}"))
        return
    payload = {**settings, "recent_days": recent_days, "count": len(records), "calls": records}
    write_report(payload, {"calls": records}, format_, out, c.lang, c.console)
