"""LTV over a window W (seed 004) and its decomposition, over ``view.customers`` (grain: customer).

A customer is *matured* when F(c) + W ≤ D; their window holds the purchases
dated < F(c) + W. Cohort LTV = mean over matured customers; the immature
ones are counted beside it.

Seed 004's worked example (A-san, W = 365): ¥2,000 trial, then ¥4,000 monthly
× 11, ¥7,000 once and ¥8,000 once → 2,000 + 44,000 + 7,000 + 8,000 = ¥61,000
from 14 purchases (AOV ¥4,357).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.metrics.ratio import rate


def matured(c: ir.Table, window_days: int) -> ir.BooleanValue:
    return c.observed_days >= window_days


def matured_customers(c: ir.Table, window_days: int) -> ir.IntegerValue:
    """Customers with F(c) + W ≤ D."""
    return matured(c, window_days).sum()


def immature_customers(c: ir.Table, window_days: int) -> ir.IntegerValue:
    """Customers left out of LTV because F(c) + W > D."""
    return (~matured(c, window_days)).sum()


def ltv_revenue(c: ir.Table, window_days: int) -> ir.FloatingValue:
    """LTV = Σ amount in the window ÷ matured customers (A-san alone: ¥61,000)."""
    m = matured(c, window_days)
    return rate(c.window_revenue.sum(where=m), m.sum())


def ltv_gross_profit(c: ir.Table, window_days: int) -> ir.FloatingValue:
    """Gross-profit LTV = Σ amount × gross_margin in the window ÷ matured customers.

    Lines of products without a margin add 0; null when none has one. A-san at
    a 70% margin: ¥42,700.
    """
    m = matured(c, window_days)
    total = c.window_gross_profit.sum(where=m)
    return ibis.cases((total.isnull(), ibis.null("float64")), else_=rate(total, m.sum()))


def gross_margin_coverage(c: ir.Table, window_days: int) -> ir.FloatingValue:
    """Share of the window revenue whose product has a known gross margin."""
    m = matured(c, window_days)
    return rate(ibis.coalesce(c.window_margin_amount.sum(where=m), 0), c.window_revenue.sum(where=m))


def ltv_purchases(c: ir.Table, window_days: int) -> ir.FloatingValue:
    """Mean purchases in the window per matured customer (A-san: 14)."""
    m = matured(c, window_days)
    return rate(c.window_orders.sum(where=m), m.sum())


def ltv_aov(c: ir.Table, window_days: int) -> ir.FloatingValue:
    """Average order value in the window = Σ amount ÷ purchases, so LTV = purchases × AOV."""
    m = matured(c, window_days)
    return rate(c.window_revenue.sum(where=m), c.window_orders.sum(where=m))
