"""``teiki campaign``: follow-ups with a random holdout, and their measured effect.

    teiki campaign create NAME (--segment SEG [--as-of D] | --list FILE.csv) [--holdout 0.1] [--seed N] [--why …]
    teiki campaign list | export NAME --out FILE.csv|xlsx | report NAME [--as-of D] | delete NAME
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teiki.cli.common import Format, Out, ThresholdsSpec, context, help_text, output_session, refuse, shop_session
from teiki.cli.output import write_report
from teiki.cli.simulate import rate_text
from teiki.messages import say
from teiki.report.export import write_csv, write_xlsx
from teiki.report.formatting import fmt, fmt_change

app = typer.Typer(name="campaign", no_args_is_help=True, help=help_text("help_camp"))

Name = Annotated[str, typer.Argument(help=help_text("help_camp_name"))]


def print_campaigns(console: Console, rows: list[dict], lang: str) -> None:
    if not rows:
        console.print(say("camp_none", lang))
        return
    table = Table(title=say("camp_list_title", lang), title_justify="left")
    keys = ["camp_col_name", "camp_col_start", "camp_col_who", "camp_col_members", "camp_col_treatment",
            "camp_col_holdout", "camp_col_seed", "camp_col_what"]
    for key in keys:
        table.add_column(say(key, lang), justify="right" if key in ("camp_col_members", "camp_col_treatment",
                                                                     "camp_col_holdout", "camp_col_seed") else "left")
    for r in rows:
        held = f'{fmt(r["holdout"], "int")} ({rate_text(r["holdout_fraction"])})'
        table.add_row(r["name"], str(r["start_date"]), r["who"] or "", fmt(r["members"], "int"),
                      fmt(r["treatment"], "int"), held, str(r["seed"]), r["what"] or "")
    console.print(table)


def print_report(console: Console, rep, lang: str) -> None:
    """The effect per metric (both groups' hits / base and rate, the difference and its interval), then contacts."""
    title = say("camp_report_title", lang, name=rep.campaign["name"], start=rep.start, as_of=rep.as_of, days=rep.days)
    table = Table(title=title, title_justify="left")
    table.add_column(say("camp_col_metric", lang))
    for g in ("treatment", "holdout"):
        table.add_column(f'{say("camp_group_" + g, lang)} ({fmt(rep.groups[g], "int")})', justify="right")
    table.add_column(say("camp_col_diff", lang), justify="right")
    table.add_column(say("camp_col_interval", lang), justify="right")
    for m in rep.metrics:
        cells = [f'{fmt(m[g + "_rate"], "pct")} ({fmt(m[g + "_hits"], "int")}/{fmt(m[g + "_base"], "int")})'
                 for g in ("treatment", "holdout")]
        interval = "—" if m["lower"] is None else \
            f'{fmt_change(m["lower"], "pct", lang)} … {fmt_change(m["upper"], "pct", lang)}'
        diff = "—" if m["difference"] is None else fmt_change(m["difference"], "pct", lang)
        table.add_row(say("camp_metric_" + m["metric"], lang), *cells, diff, interval)
    console.print(table)
    console.print(say("camp_report_note", lang), style="dim", highlight=False)
    if not rep.contacts:
        console.print(say("camp_no_contacts", lang), highlight=False)
        return
    contacts = Table(title=say("camp_contacts_title", lang), title_justify="left")
    for key in ("camp_col_group", "camp_col_purpose", "camp_col_outcome", "camp_col_contacts", "camp_col_customers"):
        numeric = key in ("camp_col_contacts", "camp_col_customers")
        contacts.add_column(say(key, lang), justify="right" if numeric else "left")
    for k in rep.contacts:
        contacts.add_row(say("camp_group_" + k["group"], lang), k["purpose"], k["outcome"], fmt(k["contacts"], "int"),
                         fmt(k["customers"], "int"))
    console.print(contacts)


@app.command("create", help=help_text("help_camp_create"))
def campaign_create(
    ctx: typer.Context,
    name: Name,
    segment: Annotated[str | None, typer.Option("--segment", help=help_text("help_camp_segment"))] = None,
    list_file: Annotated[Path | None, typer.Option("--list", help=help_text("help_camp_list"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=help_text("help_camp_as_of"))] = None,
    holdout: Annotated[float, typer.Option("--holdout", help=help_text("help_camp_holdout"))] = 0.1,
    seed: Annotated[int | None, typer.Option("--seed", help=help_text("help_camp_seed"))] = None,
    thresholds: ThresholdsSpec = "default",
    why: Annotated[str | None, typer.Option("--why", help=help_text("help_camp_why"))] = None,
    when: Annotated[str | None, typer.Option("--when", help=help_text("help_camp_when"))] = None,
    what: Annotated[str | None, typer.Option("--what", help=help_text("help_camp_what"))] = None,
    how: Annotated[str | None, typer.Option("--how", help=help_text("help_camp_how"))] = None,
) -> None:
    """Draw a segment's customers (or a list's) into treatment and holdout, and store the campaign."""
    c = context(ctx)
    with shop_session(c, write=True) as shop:  # the campaign is stored
        rec = shop.create_campaign(name, segment=segment, customers=list_file, as_of=as_of, holdout=holdout,
                                   seed=seed, thresholds=thresholds, why=why, when=when, what=what, how=how)
    c.console.print(say("camp_created", c.lang, name=rec["name"], members=f'{rec["members"]:,}',
                        treatment=f'{rec["treatment"]:,}', holdout=f'{rec["holdout"]:,}',
                        start=rec["start_date"].isoformat(), seed=rec["seed"]), highlight=False)


@app.command("list", help=help_text("help_camp_list_cmd"))
def campaign_list(ctx: typer.Context, format_: Format = "table", out: Out = None) -> None:
    """The stored campaigns."""
    with output_session(ctx, format_, out) as (c, shop):
        rows = shop.campaigns(output="pyarrow").to_pylist()
    if format_ == "table":
        print_campaigns(c.console, rows, c.lang)
        return
    write_report(rows, {"campaigns": rows}, format_, out, c.lang, c.console)


@app.command("export", help=help_text("help_camp_export"))
def campaign_export(
    ctx: typer.Context,
    name: Name,
    out: Annotated[Path, typer.Option("--out", "-o", help=help_text("help_camp_export_out"))],
    group: Annotated[str, typer.Option("--group", help=help_text("help_camp_group"))] = "treatment",
) -> None:
    """A campaign's members with their contact columns, as CSV or Excel."""
    c = context(ctx)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        refuse(c, "camp_export_suffix", path=out)
    with shop_session(c) as shop:
        table = shop.campaign_members(name, personal=True, group=None if group == "all" else group, output="pyarrow")
    records = table.to_pylist()
    if suffix == ".csv":
        write_csv(records, out, table.column_names)
    else:
        write_xlsx({"contacts": records}, out)
    c.console.print(say("camp_exported", c.lang, count=f"{len(records):,}", path=out), highlight=False)


@app.command("report", help=help_text("help_camp_report"))
def campaign_report(
    ctx: typer.Context,
    name: Name,
    as_of: Annotated[str | None, typer.Option("--as-of", help=help_text("help_camp_report_as_of"))] = None,
    format_: Format = "table",
    out: Out = None,
) -> None:
    """A campaign's effect: treatment against holdout per metric, and the contacts made."""
    with output_session(ctx, format_, out) as (c, shop):
        rep = shop.campaign_report(name, as_of)
    if format_ == "table":
        print_report(c.console, rep, c.lang)
        return
    about = [{"key": k, "value": v} for k, v in rep.campaign.items() if k != "thresholds"]
    write_report(rep.to_dict(), {"effect": rep.records(), "contacts": rep.contacts, "campaign": about},
                 format_, out, c.lang, c.console)


@app.command("delete", help=help_text("help_camp_delete"))
def campaign_delete(ctx: typer.Context, name: Name) -> None:
    """Delete a stored campaign."""
    c = context(ctx)
    with shop_session(c, write=True) as shop:
        shop.delete_campaign(name)
    c.console.print(say("camp_deleted", c.lang, name=name), highlight=False)
