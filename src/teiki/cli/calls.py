"""``teiki calls``: today's run-out call list (or the whole run-out schedule) as a table or a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from teiki.messages import default_lang, say

TABLE_ROWS = 100  # rows printed in the terminal; files hold every row
WIDEST = 24  # a column other than the reason is never squeezed below its content up to this width
LIST_HEADS = ("priority", "customer_id", "name", "phone", "product", "runout_date", "call_date", "reason")
SCHEDULE_HEADS = ("customer_id", "product", "runout_date", "call_date", "next_delivery")


def _help(key: str) -> str:
    return say(key, default_lang())  # as teiki.cli.main: help is rendered before --lang is read


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


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``teiki`` app (called at the end of teiki.cli.main)."""

    @app.command("calls", help=_help("help_calls"))
    def calls(
        ctx: typer.Context,
        date: Annotated[str | None, typer.Option("--date", help=_help("help_calls_date"))] = None,
        lead_days: Annotated[int, typer.Option("--lead-days", min=0, help=_help("help_lead_days"))] = 5,
        recent_days: Annotated[int, typer.Option("--recent-days", min=0, help=_help("help_recent_days"))] = 14,
        schedule: Annotated[bool, typer.Option("--schedule", help=_help("help_calls_schedule"))] = False,
        format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help=_help("help_kpi_out"))] = None,
    ) -> None:
        """Today's run-out call list (seed 000), or with --schedule every holder's run-out and call date."""
        from teiki.actions.methods_calls import call_day
        from teiki.cli.main import _check_output, _ctx, _fail, _open_shop
        from teiki.cli.output import write_report
        from teiki.errors import TeikiError

        c = _ctx(ctx)
        _check_output(c, format_, out)
        try:
            with _open_shop(c, create=False) as shop:
                day = shop.view(call_day(date)).as_of
                if day is None:
                    raise TeikiError("no_orders")
                if schedule:
                    table = shop.runout(day, lead_days=lead_days, output="pyarrow")
                else:
                    table = shop.calls(day, lead_days=lead_days, recent_days=recent_days, lang=c.lang,
                                       output="pyarrow")
        except TeikiError as exc:
            _fail(c, exc)
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
