"""Offer rates from the contacts log (seed 004) and 解約阻止率 (seed 003).

``k`` is ``view.contacts`` (grain: contact). Upsell / cross-sell / downsell
rates count distinct customers; the save rate counts contacts.
"""

from __future__ import annotations

import ibis.expr.types as ir

from teiki.metrics.ratio import rate

OFFER_PURPOSES = ("upsell", "cross_sell", "downsell")


def offered(k: ir.Table, purpose: str) -> ir.IntegerValue:
    """Distinct customers with a contact of ``purpose``."""
    return k.customer_id.nunique(where=k.purpose == purpose)


def accepted(k: ir.Table, purpose: str) -> ir.IntegerValue:
    """Distinct customers with a contact of ``purpose`` whose outcome was ``accepted``."""
    return k.customer_id.nunique(where=(k.purpose == purpose) & (k.outcome == "accepted"))


def offer_rate(k: ir.Table, purpose: str) -> ir.FloatingValue:
    """Accepted ÷ offered (distinct customers). Example: upsell offered to 500, 100 accepted → 0.2."""
    return rate(accepted(k, purpose), offered(k, purpose))


def save_requests(k: ir.Table) -> ir.IntegerValue:
    """Contacts with purpose cancel_request."""
    return (k.purpose == "cancel_request").sum()


def saves(k: ir.Table) -> ir.IntegerValue:
    """Contacts with purpose cancel_request and outcome saved."""
    return ((k.purpose == "cancel_request") & (k.outcome == "saved")).sum()


def save_rate(k: ir.Table) -> ir.FloatingValue:
    """解約阻止率 = saved cancel_request contacts ÷ all cancel_request contacts.

    Example (seed 003): 2,000 cancellation calls, 300 saved → 0.15.
    """
    return rate(saves(k), save_requests(k))


# ---------------------------------------------------------------- inferred from orders (no contacts)
# ``s`` is ``view.subscriptions`` (grain: subscription).


def upsell_candidates(s: ir.Table) -> ir.IntegerValue:
    """Subscriptions that reached delivery 3 (past the first regular delivery)."""
    return (s.reached >= 3).sum()


def upsold(s: ir.Table) -> ir.IntegerValue:
    """Subscriptions with a delivery ≥ 3 dearer than their delivery 2 (a higher-priced or prepay plan)."""
    return ((s.reached >= 3) & s.upsold).sum()


def inferred_upsell_rate(s: ir.Table) -> ir.FloatingValue:
    """Upsold ÷ subscriptions that reached delivery 3.

    Example: 500 subscriptions reached delivery 3; 100 of them later had a
    3-month prepay delivery (3 × the monthly amount) → 0.2.
    """
    return rate(upsold(s), upsell_candidates(s))
