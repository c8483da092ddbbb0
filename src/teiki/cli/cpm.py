"""``teiki cpm``: the CPM portfolio, its history, migration and RFM as tables or files."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teiki.cli.common import (
    AsOf,
    Engine,
    Format,
    Out,
    Parquet,
    ThresholdsSpec,
    check_output,
    context,
    engine_session,
    help_text,
)
from teiki.cli.output import write_report
from teiki.messages import say
from teiki.report.formatting import fmt
from teiki.shop.vocabulary import BY_KEY, KEYS, MOVE_LABELS, NEW, RFM, History, Migration, Portfolio, rule_text

app = typer.Typer()


def segment_label(key: str, lang: str) -> str:
    if key == NEW:
        return say("cpm_new", lang)
    return BY_KEY[key].label(lang)


def thresholds_lines(t: dict, lang: str) -> list[str]:
    """One line per threshold: its value and the rule that chose it."""
    names = {"amount": ("cpm_amount", "yen"), "tenure_short_days": ("cpm_t1", "days"),
             "tenure_long_days": ("cpm_t2", "days"), "lapse_days": ("cpm_lapse", "days")}
    lines = [say("cpm_thresholds_mode", lang, mode=t["mode"])]
    for key, (label, kind) in names.items():
        value = f"¥{t[key]:,.0f}" if kind == "yen" else say("cpm_days", lang, n=t[key])
        rule = t["rules"].get(key)
        lines.append(f"  {say(label, lang)}: {value}" + (f"  ({rule_text(rule, lang)})" if rule else ""))
    return lines


def _groups_table(console: Console, title: str, first_column: str, groups: list[tuple[str, dict]],
                  lang: str) -> None:
    """Customers, their share, revenue in the last 365 days, its share and the mean total per group
    (the CPM segments or the RFM groups)."""
    table = Table(title=title, title_justify="left")
    for key, justify in ((first_column, "left"), ("cpm_col_customers", "right"), ("col_share", "right"),
                         ("cpm_col_revenue", "right"), ("cpm_col_revenue_share", "right"),
                         ("cpm_col_mean_amount", "right")):
        table.add_column(say(key, lang), justify=justify, no_wrap=justify == "right")
    for label, g in groups:
        table.add_row(label, fmt(g["customers"], "int"), fmt(g["customer_share"], "pct"),
                      fmt(g["revenue_365d"], "yen"), fmt(g["revenue_share"], "pct"),
                      fmt(g["mean_cumulative_amount"], "yen"))
    console.print(table)


def print_portfolio(console: Console, p: Portfolio, lang: str) -> None:
    _groups_table(console, say("cpm_title", lang, as_of=p.as_of or "—"), "cpm_col_segment",
                  [(segment_label(s["key"], lang), s) for s in p.segments], lang)
    verdict = {True: say("cpm_healthy", lang), False: say("cpm_unhealthy", lang), None: "—"}[p.healthy]
    console.print(say("cpm_core_share", lang, share=fmt(p.core_revenue_share, "pct"), verdict=verdict))
    for line in thresholds_lines(p.thresholds, lang):
        console.print(line, highlight=False)


def _by_state(console: Console, title: str, first_column: str, rows: list[tuple[str, dict[str, str]]],
              lang: str) -> None:
    """One table for the active segments and one for the lapsed (ten columns do not fit a terminal)."""
    for active in (True, False):
        keys = [k for k in KEYS if BY_KEY[k].active is active]
        state = say("cpm_active" if active else "cpm_lapsed", lang)
        table = Table(title=f"{title} — {state}", title_justify="left")
        table.add_column(first_column, no_wrap=True)
        for key in keys:  # the title says active or lapsed: the columns name the base segment
            table.add_column(segment_label(BY_KEY[key].base, lang), justify="right", no_wrap=True)
        for label, cells in rows:
            table.add_row(label, *(cells[k] for k in keys))
        console.print(table)


def print_history(console: Console, h: History, lang: str) -> None:
    rows = [(s["month"] + (f" ({s['as_of'][-2:]})" if s["partial"] else ""),
             {k: fmt(s["counts"][k], "int") for k in KEYS}) for s in h.snapshots]
    _by_state(console, say("cpm_history_title", lang, start=h.start, end=h.end), say("cpm_col_month", lang),
              rows, lang)


def print_migration(console: Console, m: Migration, lang: str) -> None:
    rows = [(segment_label(src, lang), {k: fmt(row[k], "int") if row[k] else "·" for k in KEYS})
            for src, row in m.matrix.items()]
    _by_state(console, say("cpm_migration_title", lang, start=m.start, end=m.end), say("cpm_col_from", lang),
              rows, lang)
    moves = Table(title=say("cpm_moves_title", lang), title_justify="left")
    moves.add_column(say("cpm_col_move", lang))
    moves.add_column(say("cpm_col_customers", lang), justify="right")
    for name, n in m.moves.items():
        ja, en = MOVE_LABELS[name]
        moves.add_row(en if lang == "en" else ja, fmt(n, "int"))
    console.print(moves)


def print_rfm(console: Console, r: RFM, lang: str) -> None:
    _groups_table(console, say("rfm_title", lang, as_of=r.as_of or "—"), "rfm_col_group",
                  [(g["label_en"] if lang == "en" else g["label_ja"], g) for g in r.groups], lang)


def portfolio_sheets(p: Portfolio) -> dict[str, list[dict]]:
    t = p.thresholds
    return {
        "segments": p.records(),
        "thresholds": [{"threshold": k, "value": t[k], "rule": (t["rules"].get(k) or {}).get("text")} for k in
                       ("amount", "tenure_short_days", "tenure_long_days", "lapse_days")],
        "health": [{"as_of": p.as_of, "core_revenue_share": p.core_revenue_share, "healthy": p.healthy}],
    }


def _thresholds(shop, spec: str, as_of: str | None, values: dict):
    """The thresholds ``spec`` resolved on ``shop``, with any values given as flags."""
    t = shop.thresholds(spec, as_of)
    return t.with_values(mode="custom" if t.mode == "default" else t.mode + "+flags", **values)


PRINTERS = {  # report type → (table printer, its worksheets)
    Portfolio: (print_portfolio, portfolio_sheets),
    History: (print_history, lambda r: {"history": r.records()}),
    Migration: (print_migration, lambda r: {"migration": r.records(), "moves": r.cells}),
    RFM: (print_rfm, lambda r: {"rfm": r.records()}),
}


@app.command(help=help_text("help_cpm"))
def cpm(
    ctx: typer.Context,
    as_of: AsOf = None,
    thresholds: ThresholdsSpec = "default",
    amount: Annotated[float | None, typer.Option("--amount", min=0, help=help_text("help_amount"))] = None,
    tenure_short: Annotated[int | None, typer.Option("--tenure-short", min=0, help=help_text("help_t1"))] = None,
    tenure_long: Annotated[int | None, typer.Option("--tenure-long", min=0, help=help_text("help_t2"))] = None,
    lapse: Annotated[int | None, typer.Option("--lapse", min=0, help=help_text("help_lapse"))] = None,
    history: Annotated[tuple[str, str] | None, typer.Option("--history", help=help_text("help_history"))] = None,
    migration: Annotated[tuple[str, str] | None, typer.Option("--migration", help=help_text("help_migration"))] = None,
    rfm: Annotated[bool, typer.Option("--rfm", help=help_text("help_rfm"))] = False,
    format_: Format = "table",
    out: Out = None,
    engine: Engine = "duckdb",
    parquet: Parquet = None,
) -> None:
    """The CPM portfolio (SPEC §4): ten segments, history, migration, RFM."""
    c = context(ctx)
    check_output(c, format_, out, engine)
    if sum(x is not None and x is not False for x in (history, migration, rfm or None)) > 1:
        raise typer.BadParameter("choose one of --history, --migration, --rfm")
    values = {"amount": amount, "tenure_short_days": tenure_short, "tenure_long_days": tenure_long,
              "lapse_days": lapse}
    with engine_session(c, engine, parquet) as shop:
        if rfm:
            report = shop.rfm_report(as_of)
        elif history is not None or migration is not None:
            start, end = history or migration
            span = shop.portfolio_history if history is not None else shop.portfolio_migration
            report = span(start, end, _thresholds(shop, thresholds, end, values))
        else:
            report = shop.portfolio(as_of, _thresholds(shop, thresholds, as_of, values))
    printer, sheets = PRINTERS[type(report)]
    if format_ == "table":
        printer(c.console, report, c.lang)
        return
    write_report(report.to_dict(), sheets(report), format_, out, c.lang, c.console)
