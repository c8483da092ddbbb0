"""The ``teiki`` commands of the offers actions: ``cross-sell``, ``upsell``, ``save-offers`` and ``winback``
(SPEC §6; docs/actions_offers.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from teiki.cli.common import AsOf, Context, Format, Out, Reasons, ThresholdsSpec, help_text, output_session
from teiki.cli.cpm import segment_label
from teiki.cli.output import write_report
from teiki.messages import say
from teiki.report.formatting import fmt

TEXT_KINDS = ("text", "offer", "kind", "segment")

app = typer.Typer()


def _cell(value: object, kind: str, lang: str) -> str:
    if kind == "offer":
        return say(f"offer_{value}", lang)
    if kind == "kind":
        return say(f"kind_{value}", lang)
    if kind == "segment":
        return segment_label(str(value), lang)
    if kind == "text":
        return "—" if value is None else str(value)
    return fmt(value, kind, lang)


def print_rows(console: Console, title: str, columns: list[tuple[str, str, str]], rows: list[dict], lang: str) -> None:
    """A Rich table: ``columns`` are (record key, label key, kind: text / offer / kind / segment / int / pct /
    yen / num)."""
    table = Table(title=title, title_justify="left")
    for _, label, kind in columns:
        table.add_column(say(label, lang), justify="left" if kind in TEXT_KINDS else "right")
    for row in rows:
        table.add_row(*(_cell(row.get(key), kind, lang) for key, _, kind in columns))
    console.print(table)


def _records(frame) -> list[dict]:
    return frame.to_pylist()


def _more(console: Console, shown: int, total: int, lang: str) -> None:
    if total > shown:
        console.print(say("of_more_rows", lang, count=total - shown), style="dim")


RULES = [("antecedent", "of_antecedent", "text"), ("consequent", "of_consequent", "text"),
         ("customers", "of_customers", "int"), ("support", "of_support", "pct"),
         ("confidence", "of_confidence", "pct"), ("lift", "of_lift", "num")]
NEXT = [("first_product", "of_first_product", "text"), ("next_product", "of_next_product", "text"),
        ("customers", "of_customers", "int"), ("share", "of_share", "pct"), ("lift", "of_lift", "num")]
TIMING = [("purchase_no", "of_purchase_no", "int"), ("offered", "of_offered", "int"),
          ("accepted", "of_accepted", "int"), ("acceptance_rate", "of_acceptance", "pct")]
TIMING_ORDERS = [("purchase_no", "of_purchase_no", "int"), ("purchases", "of_purchases", "int"),
                 ("with_cross_sell", "of_with_xs", "int"), ("cross_sell_rate", "of_xs_rate", "pct"),
                 ("first_cross_sell_rate", "of_first_xs_rate", "pct"),
                 ("new_product_rate", "of_new_product_rate", "pct")]
RECS = [("customer_id", "of_customer", "text"), ("purchases", "of_purchases", "int"),
        ("last_date", "of_last_date", "text"), ("product_id", "of_product", "text"), ("rule", "of_rule", "text"),
        ("confidence", "of_confidence", "pct"), ("lift", "of_lift", "num")]
PRODUCT = [("product_id", "of_product", "text"), ("customers", "of_customers", "int"),
           ("confidence", "of_confidence", "pct"), ("lift", "of_lift", "num"),
           ("next_share", "of_next_share", "pct")]
CUSTOMER = [("rank", "of_rank", "int"), ("product_id", "of_product", "text"), ("rule", "of_rule", "text"),
            ("confidence", "of_confidence", "pct"), ("lift", "of_lift", "num"),
            ("rule_customers", "of_customers", "int")]
UPSELL = [("subscription_id", "of_subscription", "text"), ("customer_id", "of_customer", "text"),
          ("product_id", "of_product", "text"), ("plan", "of_plan", "text"), ("cycle_days", "of_cycle", "int"),
          ("reached", "of_reached", "int"), ("recurring_revenue", "of_recurring", "yen")]
RATES = [("plan", "of_plan", "text"), ("offered", "of_offered", "int"), ("accepted", "of_accepted", "int"),
         ("acceptance_rate", "of_acceptance", "pct"), ("plan_changes", "of_plan_changes", "int"),
         ("eligible", "of_eligible", "int"), ("plan_change_rate", "of_plan_change_rate", "pct")]
SAVE = [("reason", "of_reason", "text"), ("rank", "of_rank", "int"), ("offer", "of_offer", "offer"),
        ("save_rate", "of_save_rate", "pct"), ("saves", "of_saves", "int"),
        ("downsell_rate", "of_downsell_rate", "pct"), ("reason_save_rate", "of_reason_save_rate", "pct")]
SEGMENTS = [("segment", "of_segment", "segment"), ("customers", "of_customers", "int"),
            ("cancelled_subscribers", "of_cancelled_subs", "int"), ("one_off", "of_one_off", "int"),
            ("expected_returns", "of_expected_returns", "num"), ("expected_value", "of_expected_value", "yen"),
            ("value_per_customer", "of_value_per_customer", "yen")]
WINBACK = [("customer_id", "of_customer", "text"), ("segment", "of_segment", "segment"), ("kind", "of_kind", "kind"),
           ("lapse_days", "of_lapse", "int"), ("p_return", "of_p_return", "pct"),
           ("value_if_return", "of_value", "yen"), ("expected_value", "of_expected_value", "yen")]

Limit = Annotated[int, typer.Option("--limit", min=1, help=help_text("help_of_limit"))]
Personal = Annotated[bool, typer.Option("--personal", help=help_text("help_of_personal"))]


def _write(c: Context, payload: dict, sheets: dict, format_: str, out: Path | None) -> None:
    write_report(payload, sheets, format_, out, c.lang, c.console)


@app.command("cross-sell", help=help_text("help_cross_sell"))
def cross_sell(
    ctx: typer.Context,
    product: Annotated[str | None, typer.Option("--product", help=help_text("help_of_product"))] = None,
    customer: Annotated[str | None, typer.Option("--customer", help=help_text("help_of_customer"))] = None,
    as_of: AsOf = None,
    window_days: Annotated[int, typer.Option("--window-days", min=0, help=help_text("help_of_window"))] = 180,
    min_customers: Annotated[int, typer.Option("--min-customers", min=1, help=help_text("help_of_min"))] = 20,
    limit: Limit = 20, personal: Personal = False, format_: Format = "table", out: Out = None,
) -> None:
    """Cross-sell rules, timing and recommendations (teiki.actions.offers_crosssell)."""
    opts = {"window_days": window_days, "min_customers": min_customers}
    with output_session(ctx, format_, out) as (c, shop):
        day = shop.as_of(as_of)
        if customer is not None or product is not None:
            got = shop.cross_sell(product, customer, as_of, **opts, output="pyarrow")
            sheets = {"offers" if customer is not None else "rules": _records(got)}
        else:
            sheets = {
                "recommendations": _records(shop.cross_sell(as_of=as_of, personal=personal, **opts,
                                                            output="pyarrow")),
                "rules": _records(shop.associations(as_of, **opts, output="pyarrow")),
                "next_products": _records(shop.next_products(as_of, min_customers=min_customers, output="pyarrow")),
                "timing_contacts": _records(shop.cross_sell_timing(as_of, output="pyarrow")),
                "timing_orders": _records(shop.cross_sell_timing(as_of, source="orders", output="pyarrow")),
            }
    lang, con, when = c.lang, c.console, day.isoformat()
    if format_ != "table":
        head = {"as_of": when, **opts, "product": product, "customer": customer}
        return _write(c, head | sheets, sheets, format_, out)
    if customer is not None:
        print_rows(con, say("of_customer_title", lang, customer=customer, as_of=when), CUSTOMER, sheets["offers"], lang)
        if not sheets["offers"]:
            con.print(say("of_nothing", lang))
        return
    if product is not None:
        return print_rows(con, say("of_product_title", lang, product=product, as_of=when), PRODUCT, sheets["rules"],
                          lang)
    rules = sheets["rules"]
    print_rows(con, say("of_rules_title", lang, as_of=when, window=window_days, shown=min(limit, len(rules)),
                        total=len(rules)), RULES, rules[:limit], lang)
    print_rows(con, say("of_next_title", lang, as_of=when), NEXT, sheets["next_products"][:limit], lang)
    print_rows(con, say("of_timing_title", lang, as_of=when), TIMING, sheets["timing_contacts"], lang)
    print_rows(con, say("of_orders_title", lang, as_of=when), TIMING_ORDERS, sheets["timing_orders"], lang)
    con.print(say("of_timing_note", lang), style="dim")
    recs = sheets["recommendations"]
    print_rows(con, say("of_recs_title", lang, shown=min(limit, len(recs)), total=len(recs)), RECS, recs[:limit], lang)
    _more(con, min(limit, len(recs)), len(recs), lang)


@app.command("upsell", help=help_text("help_upsell"))
def upsell(
    ctx: typer.Context, as_of: AsOf = None,
    min_delivery: Annotated[int, typer.Option("--min-delivery", min=1, help=help_text("help_of_min_delivery"))] = 3,
    quiet_days: Annotated[int, typer.Option("--quiet-days", min=0, help=help_text("help_of_quiet"))] = 90,
    limit: Limit = 20, personal: Personal = False, format_: Format = "table", out: Out = None,
) -> None:
    """Upsell candidates and acceptance by plan (teiki.actions.offers_upsell)."""
    with output_session(ctx, format_, out) as (c, shop):
        day = shop.as_of(as_of)
        sheets = {
            "candidates": _records(shop.upsell_candidates(as_of, min_delivery, quiet_days=quiet_days,
                                                          personal=personal, output="pyarrow")),
            "rates": _records(shop.upsell_rates(as_of, min_delivery=min_delivery, output="pyarrow")),
        }
    lang, con, when = c.lang, c.console, day.isoformat()
    if format_ != "table":
        head = {"as_of": when, "min_delivery": min_delivery, "quiet_days": quiet_days}
        return _write(c, head | sheets, sheets, format_, out)
    rates = [r | {"plan": say("of_all_plans", lang)} if r["plan"] == "(all)" else r for r in sheets["rates"]]
    print_rows(con, say("of_rates_title", lang, as_of=when), RATES, rates, lang)
    whole = sheets["rates"][0] if sheets["rates"] else {}
    if whole.get("inferred_upsell_rate") is not None:
        con.print(f'{say("of_inferred", lang)}: {_cell(whole["inferred_upsell_rate"], "pct", lang)}', style="dim")
    subs = sheets["candidates"]
    print_rows(con, say("of_upsell_title", lang, shown=min(limit, len(subs)), total=len(subs), as_of=when), UPSELL,
               subs[:limit], lang)
    _more(con, min(limit, len(subs)), len(subs), lang)


@app.command("save-offers", help=help_text("help_save_offers"))
def save_offers(
    ctx: typer.Context,
    reason: Annotated[str | None, typer.Option("--reason", help=help_text("help_of_reason"))] = None,
    as_of: AsOf = None,
    reasons: Reasons = None,
    format_: Format = "table", out: Out = None,
) -> None:
    """Save offers by cancellation reason with their measured save rates (teiki.actions.offers_save)."""
    with output_session(ctx, format_, out) as (c, shop):
        day = shop.as_of(as_of)
        rows = _records(shop.save_offers(reason, as_of, reasons=reasons, output="pyarrow"))
        labels = shop.reason_labels(c.lang, reasons)
    when, requests = day.isoformat(), (rows[0]["requests"] if rows else 0)
    if format_ != "table":
        return _write(c, {"as_of": when, "requests": requests, "offers": rows}, {"save_offers": rows}, format_, out)
    shown = [r | {"reason": labels.get(r["reason"], r["reason"])} for r in rows]
    print_rows(c.console, say("of_save_title", c.lang, as_of=when, requests=requests), SAVE, shown, c.lang)
    c.console.print(say("of_save_note", c.lang), style="dim")


@app.command("winback", help=help_text("help_winback"))
def winback(
    ctx: typer.Context, as_of: AsOf = None,
    thresholds: ThresholdsSpec = "default",
    limit: Limit = 20, personal: Personal = False, format_: Format = "table", out: Out = None,
) -> None:
    """Lapsed segments and customers ranked by the expected value of a return (teiki.actions.winback)."""
    with output_session(ctx, format_, out) as (c, shop):
        report = shop.winback_report(as_of, thresholds=thresholds, personal=personal)
    if format_ != "table":
        customers = report.customers.to_pylist()
        return _write(c, report.to_dict(), {"customers": customers, "segments": report.segments}, format_, out)
    lang, con = c.lang, c.console
    print_rows(con, say("of_winback_title", lang, as_of=report.as_of, days=report.horizon_days), SEGMENTS,
               report.segments, lang)
    total = report.customers.num_rows
    shown = report.customers.slice(0, limit).to_pylist()
    print_rows(con, say("of_wb_list_title", lang, shown=len(shown), total=total), WINBACK, shown, lang)
    _more(con, len(shown), total, lang)
    note = "of_wb_note_contacts" if report.return_source == "winback_contacts" else "of_wb_note_restarts"
    con.print(say(note, lang, rate=_cell(report.return_rate, "pct", lang), customers=report.return_customers),
              style="dim")
