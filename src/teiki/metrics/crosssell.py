"""Cross-sell inferred from orders (seed 000), over ``view.customers`` (grain: customer).

A *cross-sell purchase* buys a product that was not in the customer's
purchase 1; when purchase 1 was a trial, trial and main products do not count
(that move is 引き上げ, :func:`teiki.metrics.purchases.trial_pullup_rate`).
"""

from __future__ import annotations

import ibis.expr.types as ir

from teiki.metrics.ltv import matured
from teiki.metrics.ratio import rate

PURCHASE_NUMBERS = range(2, 11)


def cross_sold(c: ir.Table, window_days: int) -> ir.IntegerValue:
    """Matured customers whose first cross-sell purchase came within W of F(c)."""
    return (matured(c, window_days) & (c.first_cross_sell_days < window_days)).sum()


def cross_sell_rate(c: ir.Table, window_days: int) -> ir.FloatingValue:
    """Inferred cross-sell rate = matured customers with a cross-sell within W ÷ matured customers.

    Example: 500 matured customers, 50 bought a second, different product
    within the year → 50 ÷ 500 = 0.1.
    """
    return rate(cross_sold(c, window_days), matured(c, window_days).sum())


def first_cross_sell_at(c: ir.Table, purchase_no: int) -> ir.IntegerValue:
    """Customers whose first cross-sell purchase was purchase number ``purchase_no``."""
    return (c.first_cross_sell_no == purchase_no).sum()


def cross_sell_rate_at(c: ir.Table, purchase_no: int) -> ir.FloatingValue:
    """Of customers who made purchase k, the share whose first cross-sell was that purchase.

    Seed 000: offering the cross-sell with the first subscription order works,
    later offers rarely do. Example: 400 customers made purchase 2 and 60 of
    them added a new product then → 0.15 at k = 2.
    """
    return rate(first_cross_sell_at(c, purchase_no), (c.purchases >= purchase_no).sum())
