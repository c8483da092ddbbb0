"""``teiki segment list``: the customers of one CPM segment (or migration cell), as a table or a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teiki.cli.common import AsOf, Format, ThresholdsSpec, check_output, context, help_text, shop_session
from teiki.cli.cpm import segment_label
from teiki.cli.output import write_report
from teiki.messages import say
from teiki.report.formatting import fmt

app = typer.Typer(name="segment", no_args_is_help=True, help=help_text("help_segment"))

LIST_COLUMNS = {  # column → (label key, kind)
    "customer_id": ("list_customer", "text"), "segment": ("cpm_col_segment", "segment"),
    "segment_before": ("list_before", "segment"), "purchases": ("list_purchases", "int"),
    "cumulative_amount": ("list_amount", "yen"), "tenure_days": ("list_tenure", "int"),
    "lapse_days": ("list_lapse", "int"),
}


def print_list(console: Console, records: list[dict], total: int, lang: str) -> None:
    """The first rows of a segment list (files carry every column, contact columns included)."""
    columns = [c for c in LIST_COLUMNS if records and c in records[0]]
    table = Table(title=say("list_title", lang, shown=len(records), total=total), title_justify="left")
    for c in columns:
        kind = LIST_COLUMNS[c][1]
        table.add_column(say(LIST_COLUMNS[c][0], lang), justify="right" if kind in ("int", "yen") else "left",
                         no_wrap=True)
    for r in records:
        cells = []
        for c in columns:
            kind = LIST_COLUMNS[c][1]
            v = r[c]
            cells.append(segment_label(v, lang) if kind == "segment" else fmt(v, kind) if kind != "text" else str(v))
        table.add_row(*cells)
    console.print(table)


@app.command("list", help=help_text("help_segment_list"))
def segment_list(
    ctx: typer.Context,
    segment: Annotated[str, typer.Argument(help=help_text("help_segment_name"))],
    as_of: AsOf = None,
    thresholds: ThresholdsSpec = "default",
    since: Annotated[str | None, typer.Option("--since", help=help_text("help_since"))] = None,
    from_: Annotated[str | None, typer.Option("--from", help=help_text("help_from_segment"))] = None,
    format_: Format = "",
    out: Annotated[Path | None, typer.Option("--out", "-o", help=help_text("help_list_out"))] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help=help_text("help_limit"))] = 20,
    scores: Annotated[bool, typer.Option("--scores", help=help_text("help_scores"))] = False,
) -> None:
    """Customers of one segment (or migration cell), with their axes and contact columns."""
    c = context(ctx)
    if not format_:
        format_ = out.suffix.lstrip(".").lower() if out is not None and out.suffix else "table"
    check_output(c, format_, out)
    if from_ is not None and since is None:
        raise typer.BadParameter("--from needs --since")
    with shop_session(c) as shop:
        t = shop.thresholds(thresholds, as_of)
        table = shop.segment_customers(None if segment == "all" else segment, as_of, t, since=since,
                                       since_segment=from_, scores=scores, output="pyarrow")
    if format_ == "table":
        print_list(c.console, table.slice(0, limit).to_pylist(), table.num_rows, c.lang)
        return
    records = table.to_pylist()
    write_report(records, {"customers": records}, format_, out, c.lang, c.console)
