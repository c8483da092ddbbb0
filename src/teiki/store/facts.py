"""Summaries of the order lines that every KPI reads, kept current at import.

Two derived tables, each valid for *every* as-of date (a row depends only on
lines at or before its own order, so filtering ``ordered_at < D + 1 day``
gives the summary as of D):

``order_facts`` — one row per purchase (distinct order_id of completed lines):
    customer_id, ordered_at (earliest line), order_date, amount (Σ line
    amounts), gross_profit (Σ amount × gross_margin over lines whose product
    has a margin; null when none has), margin_amount (Σ amount of those
    lines), has_trial / only_trial / has_main (product categories),
    has_subscription (a line carries a subscription_id), purchase_no (1, 2, …
    per customer by (ordered_at, order_id)), first_date (F(c)),
    days_since_first, and the customer's first-purchase dimensions cohort
    (YYYY-MM), first_channel, first_product, first_kind, plus cross_sell (this
    purchase buys a product not in purchase 1; trial and main products do not
    count when purchase 1 was a trial).

``delivery_facts`` — one row per (subscription_id, order_id) of completed
    lines with a subscription_id: customer_id, ordered_at, delivery_no (largest
    of the lines; null when none given), amount (Σ of those lines).

On DuckDB both are materialised by :func:`refresh` inside the import's
transaction; on other engines the same expressions are evaluated on the fly.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

ORDER_FACTS = "order_facts"
DELIVERY_FACTS = "delivery_facts"
FACT_TABLES = (ORDER_FACTS, DELIVERY_FACTS)
FACT_SOURCES = frozenset({"orders", "products", "customers"})  # an import of these rebuilds the facts


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


def order_facts(orders: ir.Table, products: ir.Table, customers: ir.Table) -> ir.Table:
    """One row per purchase with its customer's purchase number and first-purchase dimensions."""
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
    # the product of the order's largest line; ties go to the smallest product_id
    ranked = lines.mutate(
        _r=ibis.row_number().over(group_by="order_id", order_by=[ibis.desc("amount"), "product_id"])
    )
    top = ranked.filter(ranked._r == 0).select("order_id", first_line_product="product_id")
    per = per.join(top, "order_id")
    numbered = per.mutate(
        purchase_no=ibis.row_number().over(group_by="customer_id", order_by=["ordered_at", "order_id"]) + 1
    )
    people = customers.select("customer_id", known_channel=customers.first_channel)
    firsts = numbered.filter(numbered.purchase_no == 1)
    firsts = firsts.left_join(people, firsts.customer_id == people.customer_id).select(
        customer_id=firsts.customer_id,
        first_at=firsts.ordered_at,
        first_order_id=firsts.order_id,
        first_was_trial=firsts.has_trial,
        cohort=firsts.ordered_at.strftime("%Y-%m"),
        first_channel=ibis.coalesce(firsts.channel, people.known_channel),
        first_product=firsts.first_line_product,
        first_kind=ibis.cases(
            (firsts.has_trial, "trial"), (firsts.has_subscription, "subscription"), else_="one_off"
        ),
    )
    facts = numbered.join(firsts, "customer_id")
    first_date = facts.first_at.date()
    facts = facts.mutate(
        order_date=facts.ordered_at.date(),
        first_date=first_date,
        days_since_first=facts.ordered_at.date().delta(first_date, unit="day"),
    )
    return facts.left_join(_cross_sell_orders(lines, firsts), "order_id").select(
        "order_id", "customer_id", "ordered_at", "order_date", "amount", "gross_profit", "margin_amount",
        "has_trial", "only_trial", "has_main", "has_subscription", "purchase_no", "first_date",
        "days_since_first", "cohort", "first_channel", "first_product", "first_kind",
        cross_sell=ibis.coalesce(ibis._.cross_sell, False),
    )


def _cross_sell_orders(lines: ir.Table, firsts: ir.Table) -> ir.Table:
    """order_id of every later purchase that buys a product not in the customer's purchase 1."""
    first_lines = lines.join(firsts.select("customer_id", "first_order_id"), "customer_id")
    first_products = (
        first_lines.filter(first_lines.order_id == first_lines.first_order_id)
        .select("customer_id", "product_id").distinct()
    )
    later = first_lines.filter(first_lines.order_id != first_lines.first_order_id)
    later = later.join(firsts.select("customer_id", "first_was_trial"), "customer_id")
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


def refresh(con: Backend) -> None:
    """Rebuild both fact tables from the stored tables (the caller holds the transaction)."""
    orders, products, customers = (con.table(n) for n in ("orders", "products", "customers"))
    built = {ORDER_FACTS: order_facts(orders, products, customers), DELIVERY_FACTS: delivery_facts(orders)}
    for name, expr in built.items():
        con.drop_table(name, force=True)
        con.create_table(name, expr)
