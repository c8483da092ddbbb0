"""Summaries of the order lines that every KPI reads, kept current at import.

Two line summaries, each valid for *every* as-of date (a row depends only on
lines at or before its own order, so filtering ``ordered_at < D + 1 day``
gives the summary as of D — except order_facts' next_ordered_at, which looks
ahead and means "none by D" when it is D + 1 day or later):

``order_facts`` — one row per purchase (distinct order_id of completed lines):
    customer_id, customer_key (0, 1, … in customer_id order: a cheap join key
    within one version of the facts, never stored elsewhere), ordered_at (earliest line), order_date, amount (Σ line
    amounts), gross_profit (Σ amount × gross_margin over lines whose product
    has a margin; null when none has), margin_amount (Σ amount of those
    lines), has_trial / only_trial / has_main (product categories),
    has_subscription (a line carries a subscription_id), purchase_no (1, 2, …
    per customer by (ordered_at, order_id)), cumulative_amount (Σ amount of
    purchases 1 … purchase_no), next_ordered_at (the time of the customer's
    next purchase; null for the last), first_date (F(c)),
    days_since_first, and the customer's first-purchase dimensions cohort
    (YYYY-MM), first_channel, first_product, first_kind, plus cross_sell (this
    purchase buys a product not in purchase 1; trial and main products do not
    count when purchase 1 was a trial).

``delivery_facts`` — one row per (subscription_id, order_id) of completed
    lines with a subscription_id: customer_id, ordered_at, delivery_no (largest
    of the lines; null when none given), amount (Σ of those lines).

Two roll-ups of those over *all* purchases, valid when D is on or after the
last purchase (the default as-of date):

``customer_facts`` — :func:`customer_summary` of order_facts (one row per
    customer; LTV window sums for W = 365 days; revenue_365d up to the last
    purchase date, which is CPM's default D).

``subscription_facts`` — :func:`subscription_rows` of the imported
    subscriptions, :func:`delivery_summary` of delivery_facts and
    customer_facts' dimensions (one row per subscription, before the as-of
    rule: the view filters it by started_at and cancelled_at).

On DuckDB all four are materialised by :func:`refresh` inside the import's
transaction; on other engines the same expressions are evaluated on the fly
(and :class:`teiki.metrics.view.View` computes the roll-ups for any D).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ibis
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from teiki.store import results
from teiki.store.scratch import scratch_table

ORDER_FACTS = "order_facts"
DELIVERY_FACTS = "delivery_facts"
CUSTOMER_FACTS = "customer_facts"
SUBSCRIPTION_FACTS = "subscription_facts"
FACT_TABLES = (ORDER_FACTS, DELIVERY_FACTS, CUSTOMER_FACTS, SUBSCRIPTION_FACTS)
DIMENSIONS = ("cohort", "first_channel", "first_product", "first_kind")
STORED_WINDOW_DAYS = 365  # customer_facts holds the LTV window sums for this W (the default)
RECENT_DAYS = 365  # customer_facts' revenue_365d: purchases in the 365 days up to the last purchase date
LINE_SOURCES = frozenset({"orders", "products", "customers"})  # what order_facts, delivery_facts read
FACT_SOURCES = LINE_SOURCES | {"subscriptions"}  # an import of these refreshes (some of) the facts


def counted_lines(orders: ir.Table) -> ir.Table:
    """Completed order lines: the only ones any KPI counts (SPEC §3)."""
    return orders.filter(orders.status == "completed")


def _categorised(orders: ir.Table, products: ir.Table) -> ir.Table:
    lines = counted_lines(orders)
    catalogue = products.select("product_id", "category", "gross_margin")
    joined = lines.left_join(catalogue, lines.product_id == catalogue.product_id)
    return joined.select(
        "order_id", "customer_id", "ordered_at", "amount", "channel", "subscription_id",
        product_id=lines.product_id,
        is_trial=ibis.coalesce(joined.category == "trial", False),
        is_main=ibis.coalesce(joined.category == "main", False),
        gross_margin=joined.gross_margin,
    )


Stage = Callable[[str, ir.Table], ir.Table]


def _as_is(name: str, expr: ir.Table) -> ir.Table:
    return expr


def order_facts(orders: ir.Table, products: ir.Table, customers: ir.Table, stage: Stage = _as_is) -> ir.Table:
    """One row per purchase with its customer's purchase number and first-purchase dimensions.

    ``stage(name, expr)`` may materialise an intermediate table that later
    steps read several times (the store passes a temporary-table writer).
    """
    lines = _categorised(orders, products)
    per = lines.group_by("order_id").aggregate(
        customer_id=lines.customer_id.min(),
        ordered_at=lines.ordered_at.min(),
        amount=lines.amount.sum(),
        gross_profit=(lines.amount * lines.gross_margin).sum(),
        margin_amount=lines.amount.sum(where=lines.gross_margin.notnull()),
        has_trial=lines.is_trial.any(),
        only_trial=lines.is_trial.all(),
        has_main=lines.is_main.any(),
        has_subscription=lines.subscription_id.notnull().any(),
        channel=lines.channel.max(),
    )
    in_order = {"group_by": "customer_id", "order_by": ["ordered_at", "order_id"]}
    numbered = stage("teiki_numbered", per.mutate(
        purchase_no=ibis.row_number().over(**in_order) + 1,
        cumulative_amount=per.amount.sum().over(ibis.window(**in_order, rows=(None, 0))),
        next_ordered_at=per.ordered_at.lead().over(ibis.window(**in_order)),
    ))
    firsts = stage("teiki_firsts", _firsts(lines, numbered, customers))
    facts = numbered.join(firsts, "customer_id")
    first_date = facts.first_at.date()
    facts = facts.mutate(
        order_date=facts.ordered_at.date(),
        first_date=first_date,
        days_since_first=facts.ordered_at.date().delta(first_date, unit="day"),
    )
    return facts.left_join(_cross_sell_orders(lines, firsts), "order_id").select(
        "order_id", "customer_id", "customer_key", "ordered_at", "order_date", "amount", "gross_profit",
        "margin_amount",
        "has_trial", "only_trial", "has_main", "has_subscription", "purchase_no", "cumulative_amount",
        "next_ordered_at", "first_date",
        "days_since_first", "cohort", "first_channel", "first_product", "first_kind",
        cross_sell=ibis.coalesce(ibis._.cross_sell, False),
    )


def _firsts(lines: ir.Table, numbered: ir.Table, customers: ir.Table) -> ir.Table:
    """Per customer, from purchase 1: its time, order_id and the dimensions of SPEC §3."""
    first = numbered.filter(numbered.purchase_no == 1)
    # first_product: the product of purchase 1's largest line; ties go to the smallest product_id
    first_lines = lines.semi_join(first, lines.order_id == first.order_id)
    ranked = first_lines.mutate(
        _r=ibis.row_number().over(group_by="order_id", order_by=[ibis.desc("amount"), "product_id"])
    )
    top = ranked.filter(ranked._r == 0).select("order_id", top_product="product_id")
    first = first.join(top, "order_id")
    people = customers.select("customer_id", known_channel=customers.first_channel)
    joined = first.left_join(people, first.customer_id == people.customer_id)
    return joined.select(
        customer_id=first.customer_id,
        customer_key=ibis.row_number().over(order_by=first.customer_id),
        first_at=first.ordered_at,
        first_order_id=first.order_id,
        first_was_trial=first.has_trial,
        cohort=first.ordered_at.strftime("%Y-%m"),
        first_channel=ibis.coalesce(first.channel, joined.known_channel),
        first_product=first.top_product,
        first_kind=ibis.cases((first.has_trial, "trial"), (first.has_subscription, "subscription"), else_="one_off"),
    )


def _cross_sell_orders(lines: ir.Table, firsts: ir.Table) -> ir.Table:
    """order_id of every later purchase that buys a product not in the customer's purchase 1."""
    keys = firsts.select("customer_id", "first_order_id", "first_was_trial")
    tagged = lines.join(keys, "customer_id")
    first_products = (
        tagged.filter(tagged.order_id == tagged.first_order_id).select("customer_id", "product_id").distinct()
    )
    later = tagged.filter(tagged.order_id != tagged.first_order_id)
    later = later.filter(~(later.first_was_trial & (later.is_trial | later.is_main)))
    new = later.anti_join(first_products, ["customer_id", "product_id"])
    return new.select("order_id").distinct().mutate(cross_sell=ibis.literal(True))


def delivery_facts(orders: ir.Table) -> ir.Table:
    """One row per (subscription, order): the delivery's number, time and amount."""
    lines = counted_lines(orders)
    lines = lines.filter(lines.subscription_id.notnull())
    return lines.group_by(["subscription_id", "order_id"]).aggregate(
        customer_id=lines.customer_id.min(),
        ordered_at=lines.ordered_at.min(),
        delivery_no=lines.delivery_no.max(),
        amount=lines.amount.sum(),
    )


def customer_summary(orders: ir.Table, window_days: int = STORED_WINDOW_DAYS,
                     recent_until: dt.date | None = None) -> ir.Table:
    """One row per customer from (as-of filtered) order facts: customer_key, dimensions, purchases,
    revenue, first and last purchase dates, the dates that F2 and cross-sell need, and the LTV window sums
    for W = ``window_days``; with ``recent_until`` = D also revenue_365d (purchases with D − order_date
    < 365, what CPM reports)."""
    o = orders
    in_window = o.days_since_first < window_days
    recent = {}
    if recent_until is not None:
        since = recent_until - dt.timedelta(days=RECENT_DAYS)
        recent["revenue_365d"] = ibis.coalesce(o.amount.sum(where=o.order_date > since), 0.0)
    per = o.group_by("customer_id").aggregate(
        customer_key=o.customer_key.min(),
        purchases=o.count(),
        revenue=o.amount.sum(),
        last_date=o.order_date.max(),
        trial_only=o.only_trial.all(),
        days_to_second=o.days_since_first.min(where=o.purchase_no == 2),
        pulled_up=((o.purchase_no >= 2) & (o.has_main | o.has_subscription)).any(),
        first_cross_sell_no=o.purchase_no.min(where=o.cross_sell),
        first_cross_sell_days=o.days_since_first.min(where=o.cross_sell),
        window_revenue=o.amount.sum(where=in_window),
        window_gross_profit=o.gross_profit.sum(where=in_window),
        window_margin_amount=o.margin_amount.sum(where=in_window),
        window_orders=in_window.sum(),
        **recent,
    )
    firsts = o.filter(o.purchase_no == 1).select("customer_id", "first_date", *DIMENSIONS)
    return per.join(firsts, "customer_id")


def delivery_summary(deliveries: ir.Table) -> ir.Table:
    """One row per subscription from (as-of filtered) delivery facts: the highest delivery_no, the number of
    deliveries, the time of the latest, the latest delivery's amount, and the amounts that upsell inference
    compares."""
    d = deliveries
    per = d.group_by("subscription_id").aggregate(
        max_delivery=d.delivery_no.max(),
        orders=d.count(),
        last_delivery_at=d.ordered_at.max(),
        delivery2_amount=d.amount.max(where=d.delivery_no == 2),
        later_amount=d.amount.max(where=d.delivery_no >= 3),
    )
    # the latest delivery by (ordered_at, order_id), the order purchases are numbered in
    ranked = d.mutate(_r=ibis.row_number().over(group_by="subscription_id",
                                                order_by=[ibis.desc("ordered_at"), ibis.desc("order_id")]))
    latest = ranked.filter(ranked._r == 0).select("subscription_id", latest_amount="amount")
    return per.join(latest, "subscription_id")


def subscription_rows(subscriptions: ir.Table, deliveries: ir.Table, dimensions: ir.Table) -> ir.Table:
    """One row per subscription, before any as-of rule: reached (R, at least 1), delivered (whether any
    delivery was completed), last_delivery_at (its start when none), cycle_days (30 when unknown),
    recurring_revenue (latest delivery's amount × 30 ÷ cycle_days), upsold (a delivery ≥ 3
    above delivery 2) and the customer's first-purchase dimensions.

    ``deliveries`` is :func:`delivery_summary` (of the deliveries up to D), ``dimensions`` customer_id
    and :data:`DIMENSIONS` of the customers with a purchase up to D.
    """
    subs, per = subscriptions, deliveries
    joined = subs.left_join(per, subs.subscription_id == per.subscription_id)
    reached = ibis.greatest(ibis.coalesce(joined.max_delivery, joined.orders, 1), 1)
    cycle = ibis.greatest(ibis.coalesce(joined.cycle_days, 30), 1)
    out = joined.select(
        subscription_id=subs.subscription_id,
        customer_id=subs.customer_id,
        product_id=subs.product_id,
        started_at=subs.started_at,
        cancelled_at=subs.cancelled_at,
        cancel_reason=subs.cancel_reason,
        cycle_days=cycle,
        reached=reached.cast("int64"),
        delivered=joined.orders.notnull(),
        last_delivery_at=ibis.coalesce(joined.last_delivery_at, subs.started_at),
        recurring_revenue=ibis.coalesce(joined.latest_amount, 0.0) * 30.0 / cycle.cast("float64"),
        upsold=ibis.coalesce(joined.later_amount > joined.delivery2_amount, False),
    )
    dims = dimensions.select("customer_id", *DIMENSIONS)
    return out.left_join(dims, out.customer_id == dims.customer_id).drop("customer_id_right")


def _last_date(con: Backend) -> dt.date | None:
    f = con.table(ORDER_FACTS)
    return results.scalar(f.order_date.max())


def refresh(con: Backend, changed: frozenset[str] | set[str] = FACT_SOURCES) -> None:
    """Rebuild the fact tables that read a ``changed`` table (default: all; the caller holds the
    transaction). An import of subscriptions alone rebuilds only subscription_facts."""
    orders, products, customers = (con.table(n) for n in ("orders", "products", "customers"))
    def stage(name: str, expr: ir.Table) -> ir.Table:
        return scratch_table(con, name, expr)

    lines = bool(set(changed) & LINE_SOURCES)
    built = {ORDER_FACTS: lines and (lambda: order_facts(orders, products, customers, stage)),
             DELIVERY_FACTS: lines and (lambda: delivery_facts(orders)),
             CUSTOMER_FACTS: lines and (lambda: customer_summary(con.table(ORDER_FACTS),
                                                                 recent_until=_last_date(con))),
             SUBSCRIPTION_FACTS: lambda: subscription_rows(con.table("subscriptions"),
                                                           delivery_summary(con.table(DELIVERY_FACTS)),
                                                           con.table(CUSTOMER_FACTS))}
    for name, build in built.items():
        if build:
            con.drop_table(name, force=True)
            con.create_table(name, build())
    for name in ("teiki_numbered", "teiki_firsts"):
        con.drop_table(name, force=True)
