"""Purchase-count KPIs over the per-customer table of :class:`~teiki.metrics.view.View` (grain: customer).

Each function returns an Ibis reduction, so any number of them run as one
aggregate (and per group with ``group_by``). ``c`` is ``view.customers``.
"""

from __future__ import annotations

import ibis.expr.types as ir

from teiki.metrics.ratio import rate

F_STEPS = range(3, 11)
F2_WITHIN_DAYS = (30, 60, 90, 365)


def customers(c: ir.Table) -> ir.IntegerValue:
    """Customers with at least one purchase by D."""
    return c.count()


def with_purchases(c: ir.Table, n: int) -> ir.IntegerValue:
    """Customers with ≥ n purchases (purchase = distinct order_id of completed lines)."""
    return (c.purchases >= n).sum()


def f2_conversion(c: ir.Table) -> ir.FloatingValue:
    """F2転換率 = customers with ≥ 2 purchases ÷ customers with ≥ 1 (seed 004).

    Example: 1,000 first-time buyers, 900 of whom bought again → 900 ÷ 1,000 = 0.9.
    """
    return rate(with_purchases(c, 2), c.count())


def fn_conversion(c: ir.Table, n: int) -> ir.FloatingValue:
    """Step-wise Fn (n ≥ 3) = customers with ≥ n purchases ÷ customers with ≥ n − 1.

    Example: 900 with ≥ 2, 450 with ≥ 3 → F3 = 450 ÷ 900 = 0.5.
    """
    return rate(with_purchases(c, n), with_purchases(c, n - 1))


def f2_within(c: ir.Table, days: int) -> ir.FloatingValue:
    """F2 within X days: among customers with F(c) + X ≤ D, the share whose purchase 2 is ≤ X days after F(c).

    Example (X = 30, D = Mar 31): A first bought Jan 1, again Jan 20 (counts);
    B first bought Jan 1, again Mar 1 (not within 30); C first bought Mar 15
    (not matured, left out) → 1 ÷ 2 = 0.5.
    """
    matured = c.observed_days >= days
    return rate((matured & (c.days_to_second <= days)).sum(), matured.sum())


def repeat_rate(c: ir.Table, trial_marked: bool) -> ir.FloatingValue:
    """リピート率 = customers with ≥ 2 purchases ÷ customers, leaving trial-only buyers out of both sides
    when trial products are marked.

    Example: 10 customers, 3 bought only a trial product, 4 of the other 7
    bought twice → 4 ÷ 7.
    """
    if not trial_marked:
        return rate(with_purchases(c, 2), c.count())
    kept = ~c.trial_only
    return rate((kept & (c.purchases >= 2)).sum(), kept.sum())


def trial_pullup_rate(c: ir.Table) -> ir.FloatingValue:
    """引き上げ率 = trial customers who later bought a main product or a subscription ÷ trial customers.

    A trial customer's purchase 1 holds a product categorised ``trial``.
    Example: 200 trial customers, 50 later ordered the main product → 0.25.
    """
    trial = c.first_kind == "trial"
    return rate((trial & c.pulled_up).sum(), trial.sum())
