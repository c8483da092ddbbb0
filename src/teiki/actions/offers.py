"""Which offer a contact led to: the subscription change that followed it (save, downsell and upsell calls).

The contacts log says *that* a cancellation request was saved or an offer
accepted, not *what* was agreed. teiki reads it from what happened to the
customer's subscriptions right after the contact — the first of these within
[contacted_at − 1 day, contacted_at + 7 days] (:data:`LEAD_DAYS`,
:data:`FOLLOW_DAYS`; events after D are not seen):

| offer | evidence |
|---|---|
| ``plan_change`` | a plan_change event (detail: the new plan) |
| ``product_change`` | a new subscription of the customer to another product than the contact's subscription |
| ``cycle_change`` | a cycle_change event (detail: the new cycle_days) |
| ``pause`` | a pause event |
| ``skip`` | a skip event |
| ``persuaded`` | none of them: kept as it was (説得のみ) |

Events count when they are on the contact's subscription, or on any of the
customer's subscriptions when the contact names none. Ties (same instant) go
in the order of the table. Example: a cancel_request contact saved at
2025-03-10 10:00 and a skip event on its subscription at 10:02 → ``skip``; a
saved request with no change in the week after → ``persuaded``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.metrics.view import View

LEAD_DAYS = 1
FOLLOW_DAYS = 7
OFFERS = ("plan_change", "product_change", "cycle_change", "pause", "skip")  # also the tie order
PERSUADED = "persuaded"
OFFER_KEYS = (*OFFERS, PERSUADED)
EVENT_OFFERS = ("plan_change", "cycle_change", "pause", "skip")


def events_by(view: View) -> ir.Table:
    """Subscription events up to D with the subscription's customer: subscription_id, customer_id,
    occurred_at, kind, detail."""
    e = view.source.subscription_events
    e = e.filter(e.occurred_at < view.cutoff)
    subs = view.subscriptions.select("subscription_id", "customer_id")
    return e.join(subs, "subscription_id").select("subscription_id", "customer_id", "occurred_at", "kind", "detail")


def changes(view: View) -> ir.Table:
    """Every change that can be an offer taken: customer_id, subscription_id, at, offer, detail, product_id
    (the product of a newly started subscription; null for events)."""
    e = events_by(view)
    e = e.filter(e.kind.isin(EVENT_OFFERS))
    events = e.select("customer_id", "subscription_id", at=e.occurred_at, offer=e.kind, detail=e.detail,
                      product_id=ibis.null("string"))
    s = view.subscriptions
    starts = s.select("customer_id", "subscription_id", at=s.started_at, offer=ibis.literal("product_change"),
                      detail=s.product_id, product_id=s.product_id)
    return events.union(starts)


def offers_taken(view: View, contacts: ir.Table) -> ir.Table:
    """``contacts`` (contact_id, customer_id, contacted_at, subscription_id, …) with ``offer`` (one of
    :data:`OFFER_KEYS`) and ``offer_detail`` (the new plan, cycle or product), by the rule of the module
    docstring."""
    subs = view.subscriptions.select(_sid="subscription_id", contact_product="product_id")
    k = contacts.left_join(subs, contacts.subscription_id == subs._sid).drop("_sid")
    c = changes(view)
    c = c.select(_cust="customer_id", _sub="subscription_id", _at="at", _offer="offer", _detail="detail",
                 _product="product_id")
    lead = k.contacted_at - ibis.interval(days=LEAD_DAYS)
    follow = k.contacted_at + ibis.interval(days=FOLLOW_DAYS)
    is_start = c._offer == "product_change"
    same_sub = k.subscription_id.isnull() | (c._sub == k.subscription_id)
    other_product = k.contact_product.notnull() & (c._product != k.contact_product)
    j = k.join(c, (k.customer_id == c._cust) & (c._at >= lead) & (c._at <= follow)
               & ibis.ifelse(is_start, other_product, same_sub))
    priority = ibis.cases(*((j._offer == o, i) for i, o in enumerate(OFFERS)), else_=len(OFFERS))
    ranked = j.mutate(_r=ibis.row_number().over(group_by="contact_id", order_by=[j._at, priority]))
    first = ranked.filter(ranked._r == 0).select(_cid="contact_id", _o="_offer", _d="_detail")
    out = k.left_join(first, k.contact_id == first._cid)
    return out.select(*(out[col] for col in contacts.columns), offer=ibis.coalesce(out._o, PERSUADED),
                      offer_detail=out._d)
