"""The ``teiki`` commands of the campaigns actions, added to the app by :func:`register`:

    teiki simulate calls --requests 2000 --cost-per-call 300 --unit-price 5000 --save-rate 0.05 0.15 [--from-data]
    teiki campaign create NAME (--segment SEG [--as-of D] | --list FILE.csv) [--holdout 0.1] [--seed N] [--why …]
    teiki campaign list | export NAME --out FILE.csv|xlsx | report NAME [--as-of D] | delete NAME

``--save-rate`` takes one or more values: Click options hold one value per
occurrence, so the command also accepts the values that follow it as extra
arguments (it has no positional argument of its own); repeating the option
works too.

The commands are defined inside :func:`register`, so their annotations are
evaluated there (no ``from __future__ import annotations``: Typer reads them).
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teiki.errors import TeikiError
from teiki.messages import say
from teiki.report.formatting import fmt, fmt_change


def rate_text(rate: float) -> str:
    """A save rate as a percentage with no trailing zeros: 0.05 → 5%, 0.125 → 12.5%."""
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _count(value: float) -> str:
    return fmt(value, "int" if float(value).is_integer() else "num")


def print_economics(console: Console, e, lang: str) -> None:
    """The seed 003 table: one row per save rate, then the gap and how a save was valued."""
    title = say("econ_title", lang, requests=fmt(e.requests, "int"), cost=fmt(e.cost_per_call, "yen"),
                price=fmt(e.unit_price, "yen"))
    table = Table(title=title, title_justify="left")
    sales = "econ_sales_gp" if e.basis == "data" else "econ_sales"
    keys = ["econ_rate", "econ_calls", "econ_saves", "econ_value", sales, "econ_cost", "econ_net", "econ_gap_month",
            "econ_gap_year"]
    for key in keys:
        table.add_column(say(key, lang), justify="right")
    for r in e.rows:
        table.add_row(rate_text(r["save_rate"]), fmt(r["calls"], "int"), _count(r["saves"]),
                      fmt(r["value_per_save"], "yen"), fmt(r["expected_sales"], "yen"), fmt(r["cost"], "yen"),
                      *(fmt_change(r[k], "yen", lang) for k in ("net", "gap_month", "gap_year")))
    console.print(table)
    if len(e.rows) > 1:
        low, high = (rate_text(e.rows[i]["save_rate"]) for i in (0, -1))
        console.print(say("econ_gap", lang, low=low, high=high, month=fmt(e.gap_month, "yen"),
                          year=fmt(e.gap_year, "yen")), highlight=False)
    if e.basis != "data":
        console.print(say("econ_one_delivery", lang, price=fmt(e.unit_price, "yen")), style="dim", highlight=False)
        return
    a = e.assumptions
    further, margin = fmt(a["further_deliveries"], "num"), fmt(a["gross_margin"], "pct")
    lines = [
        say("econ_a_delivery", lang, n=a["request_delivery"], count=fmt(a["requests_counted"], "int"),
            source=say(f'econ_src_{a["request_source"]}', lang)),
        say("econ_a_curve", lang, r=fmt(a["retention_at_request"], "pct"), model=a["retention_model"]),
        say("econ_a_further", lang, k=a["horizon_deliveries"], further=further, cycle=a["cycle_days"]),
        say("econ_a_price", lang, price=fmt(a["unit_price"], "yen"),
            source=say(f'econ_price_{a["unit_price_source"]}', lang)),
        say("econ_a_margin", lang, margin=margin, source=say(f'econ_margin_{a["margin_source"]}', lang)),
        say("econ_a_value", lang, further=further, price=fmt(a["unit_price"], "yen"), margin=margin,
            value=fmt(e.value_per_save, "yen")),
    ]
    if a.get("save_rate_observed") is not None:
        lines.append(say("econ_a_observed", lang, requests=fmt(a["requests_per_month_observed"], "num"),
                         rate=fmt(a["save_rate_observed"], "pct")))
    console.print(say("econ_assumptions", lang, as_of=a["as_of"]), highlight=False)
    for line in lines:
        console.print("  • " + line, highlight=False)


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


def _rates(values: list[float] | None, extra: list[str], c) -> list[float]:
    """The ``--save-rate`` values: those of the option and the bare values that followed it."""
    from teiki.cli.main import _fail

    rates = list(values or [])
    for text in extra:
        try:
            rates.append(float(text))
        except ValueError:
            _fail(c, TeikiError("econ_bad_extra", value=text))
    return rates


def _existing(c) -> None:
    """Stop unless the database exists (opening it writable would create an empty one)."""
    if not c.db.exists():
        c.errors.print(say("no_database", c.lang, path=c.db))
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``teiki`` app (called at the end of teiki.cli.main)."""
    from teiki.cli.main import _help

    simulate_app = typer.Typer(no_args_is_help=True, help=_help("help_econ_simulate"))
    app.add_typer(simulate_app, name="simulate")
    campaign_app = typer.Typer(no_args_is_help=True, help=_help("help_camp"))
    app.add_typer(campaign_app, name="campaign")
    as_of_help = _help("help_as_of")

    @simulate_app.command("calls", help=_help("help_econ_calls"), context_settings={"allow_extra_args": True})
    def simulate_calls(
        ctx: typer.Context,
        requests: Annotated[int, typer.Option("--requests", min=0, help=_help("help_econ_requests"))],
        cost_per_call: Annotated[float, typer.Option("--cost-per-call", min=0, help=_help("help_econ_cost"))],
        save_rate: Annotated[list[float] | None, typer.Option("--save-rate", help=_help("help_econ_rate"))] = None,
        unit_price: Annotated[float | None, typer.Option("--unit-price", min=0, help=_help("help_econ_price"))] = None,
        from_data: Annotated[bool, typer.Option("--from-data", help=_help("help_econ_from_data"))] = False,
        as_of: Annotated[str | None, typer.Option("--as-of", help=as_of_help)] = None,
        format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help=_help("help_kpi_out"))] = None,
    ) -> None:
        from teiki.actions import economics
        from teiki.cli.main import _check_output, _ctx, _fail, _open_shop
        from teiki.cli.output import write_report

        c = _ctx(ctx)
        _check_output(c, format_, out)
        rates = _rates(save_rate, ctx.args, c)
        try:
            if from_data:
                with _open_shop(c, create=False) as shop:
                    result = shop.call_economics(requests, cost_per_call, unit_price, rates, from_data=True,
                                                 as_of=as_of)
            else:  # no database needed
                result = economics.simulate(requests, cost_per_call, unit_price, rates)
        except TeikiError as exc:
            _fail(c, exc)
        if format_ == "table":
            print_economics(c.console, result, c.lang)
            return
        sheets = {"calls": result.records()}
        if result.assumptions:
            sheets["assumptions"] = [{"key": k, "value": v} for k, v in result.assumptions.items()]
        write_report(result.to_dict(), sheets, format_, out, c.lang, c.console)

    @campaign_app.command("create", help=_help("help_camp_create"))
    def campaign_create(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help=_help("help_camp_name"))],
        segment: Annotated[str | None, typer.Option("--segment", help=_help("help_camp_segment"))] = None,
        list_file: Annotated[Path | None, typer.Option("--list", help=_help("help_camp_list"))] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help=_help("help_camp_as_of"))] = None,
        holdout: Annotated[float, typer.Option("--holdout", help=_help("help_camp_holdout"))] = 0.1,
        seed: Annotated[int | None, typer.Option("--seed", help=_help("help_camp_seed"))] = None,
        thresholds: Annotated[str, typer.Option("--thresholds", help=_help("help_thresholds"))] = "default",
        why: Annotated[str | None, typer.Option("--why", help=_help("help_camp_why"))] = None,
        when: Annotated[str | None, typer.Option("--when", help=_help("help_camp_when"))] = None,
        what: Annotated[str | None, typer.Option("--what", help=_help("help_camp_what"))] = None,
        how: Annotated[str | None, typer.Option("--how", help=_help("help_camp_how"))] = None,
    ) -> None:
        from teiki.cli.main import _ctx, _fail, _open_shop

        c = _ctx(ctx)
        _existing(c)
        try:
            with _open_shop(c) as shop:  # writable: the campaign is stored
                rec = shop.create_campaign(name, segment=segment, customers=list_file, as_of=as_of, holdout=holdout,
                                           seed=seed, thresholds=thresholds, why=why, when=when, what=what, how=how)
        except TeikiError as exc:
            _fail(c, exc)
        c.console.print(say("camp_created", c.lang, name=rec["name"], members=f'{rec["members"]:,}',
                            treatment=f'{rec["treatment"]:,}', holdout=f'{rec["holdout"]:,}',
                            start=rec["start_date"].isoformat(), seed=rec["seed"]), highlight=False)

    @campaign_app.command("list", help=_help("help_camp_list_cmd"))
    def campaign_list(
        ctx: typer.Context,
        format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help=_help("help_kpi_out"))] = None,
    ) -> None:
        from teiki.cli.main import _check_output, _ctx, _fail, _open_shop
        from teiki.cli.output import write_report

        c = _ctx(ctx)
        _check_output(c, format_, out)
        try:
            with _open_shop(c, create=False) as shop:
                rows = shop.campaigns(output="pyarrow").to_pylist()
        except TeikiError as exc:
            _fail(c, exc)
        if format_ == "table":
            print_campaigns(c.console, rows, c.lang)
            return
        write_report(rows, {"campaigns": rows}, format_, out, c.lang, c.console)

    @campaign_app.command("export", help=_help("help_camp_export"))
    def campaign_export(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help=_help("help_camp_name"))],
        out: Annotated[Path, typer.Option("--out", "-o", help=_help("help_camp_export_out"))],
        group: Annotated[str, typer.Option("--group", help=_help("help_camp_group"))] = "treatment",
    ) -> None:
        from teiki.cli.main import _ctx, _fail, _open_shop
        from teiki.report.export import write_csv, write_xlsx

        c = _ctx(ctx)
        suffix = out.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            c.errors.print(say("camp_export_suffix", c.lang, path=out))
            raise typer.Exit(2)
        try:
            with _open_shop(c, create=False) as shop:
                table = shop.campaign_members(name, personal=True, group=None if group == "all" else group,
                                              output="pyarrow")
        except TeikiError as exc:
            _fail(c, exc)
        records = table.to_pylist()
        columns = table.column_names
        if suffix == ".csv":
            write_csv(records, out, columns)
        else:
            write_xlsx({"contacts": records}, out)
        c.console.print(say("camp_exported", c.lang, count=f"{len(records):,}", path=out), highlight=False)

    @campaign_app.command("report", help=_help("help_camp_report"))
    def campaign_report(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help=_help("help_camp_name"))],
        as_of: Annotated[str | None, typer.Option("--as-of", help=_help("help_camp_report_as_of"))] = None,
        format_: Annotated[str, typer.Option("--format", "-f", help=_help("help_format"))] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help=_help("help_kpi_out"))] = None,
    ) -> None:
        from teiki.cli.main import _check_output, _ctx, _fail, _open_shop
        from teiki.cli.output import write_report

        c = _ctx(ctx)
        _check_output(c, format_, out)
        try:
            with _open_shop(c, create=False) as shop:
                rep = shop.campaign_report(name, as_of)
        except TeikiError as exc:
            _fail(c, exc)
        if format_ == "table":
            print_report(c.console, rep, c.lang)
            return
        about = [{"key": k, "value": v} for k, v in rep.campaign.items() if k != "thresholds"]
        write_report(rep.to_dict(), {"effect": rep.records(), "contacts": rep.contacts, "campaign": about},
                     format_, out, c.lang, c.console)

    @campaign_app.command("delete", help=_help("help_camp_delete"))
    def campaign_delete(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help=_help("help_camp_name"))],
    ) -> None:
        from teiki.cli.main import _ctx, _fail, _open_shop

        c = _ctx(ctx)
        _existing(c)
        try:
            with _open_shop(c) as shop:  # writable
                shop.delete_campaign(name)
        except TeikiError as exc:
            _fail(c, exc)
        c.console.print(say("camp_deleted", c.lang, name=name), highlight=False)
