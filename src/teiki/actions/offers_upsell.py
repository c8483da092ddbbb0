"""Upsell to a multi-month prepay plan (seed 000: 3ヶ月まとめ): whom to offer it, and how often it was taken.

**Candidates** (grain: subscription, as of D), :func:`candidates`:

- active on D (not cancelled by D);
- steady: reached delivery k or later (k = ``min_delivery``, default 3: past the first regular delivery);
- on a monthly plan: the plan is not a prepay plan (:func:`is_prepay`) and cycle_days ≤ 35;
- quiet: no skip, pause, cycle_change or cancel_request event in the ``quiet_days`` (default 90) up to D.

Sorted by delivery reached (most first), then recurring revenue. The plan and
cycle_days are the subscriptions table's values (the cart's current state).
Example: S1 reached 5, monthly, 30 days, no event → candidate; S2 the same
but skipped 20 days before D → not; S3 on ``3month_prepay`` → not; S4
reached 2 → not (with k = 3).

**Acceptance by plan** (:func:`plan_rates`), rows per plan taken plus ``(all)``:

    acceptance_rate(p)  = customers who accepted an upsell contact followed by a plan_change to p
                          ÷ customers offered an upsell (teiki.metrics.offers.offered)
    plan_change_rate(p) = subscriptions with a plan_change event to p ÷ subscriptions that reached k

the ``(all)`` row has the shop's upsell rate (teiki.metrics.offers.offer_rate)
and the upsell inferred from orders (a delivery ≥ 3 dearer than delivery 2,
teiki.metrics.offers.inferred_upsell_rate). Example: 10 customers offered,
2 accepted, one then moved to 3month_prepay → 3month_prepay 0.1, (all) 0.2.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.actions.offers import events_by, offers_taken
from teiki.metrics.offers import accepted, inferred_upsell_rate, offered, upsold
from teiki.metrics.ratio import rate
from teiki.metrics.view import View

MIN_DELIVERY = 3
QUIET_DAYS = 90
MONTHLY_MAX_CYCLE = 35
QUIET_KINDS = ("skip", "pause", "cycle_change", "cancel_request")
PREPAY_PATTERN = (r"prepay|まとめ|前払|半年|年間|annual|yearly|quarter"
                  r"|([2-9]|1[0-2]) ?-?(months?|ヶ月|か月|カ月|ケ月|ヵ月)")
ALL = "(all)"


def is_prepay(plan: ir.StringValue) -> ir.BooleanValue:
    """A multi-month plan by its name: "3month_prepay", "3ヶ月まとめ", "6-month", "年間" … ("monthly" is not)."""
    return ibis.coalesce(plan.lower().re_search(PREPAY_PATTERN), False)


def plans(view: View) -> ir.Table:
    """view.subscriptions with the stored plan (null when subscriptions are derived from orders)."""
    s = view.subscriptions
    stored = view.source.subscriptions
    if stored is None:
        return s.mutate(plan=ibis.null("string"))
    p = stored.select(_sid="subscription_id", plan="plan")
    j = s.left_join(p, s.subscription_id == p._sid)
    return j.drop("_sid")


def candidates(view: View, min_delivery: int = MIN_DELIVERY, quiet_days: int = QUIET_DAYS) -> ir.Table:
    """The subscriptions to offer a prepay plan (rules in the module docstring): subscription_id,
    customer_id, product_id, plan, cycle_days, reached, started_at, recurring_revenue."""
    s = plans(view)
    s = s.filter(~s.cancelled & (s.reached >= min_delivery) & ~is_prepay(s.plan)
                 & (s.cycle_days <= MONTHLY_MAX_CYCLE))
    e = events_by(view)
    recent = e.filter(e.kind.isin(QUIET_KINDS) & (view.day.delta(e.occurred_at.date(), unit="day") < quiet_days))
    s = s.anti_join(recent.select("subscription_id").distinct(), "subscription_id")
    out = s.select("subscription_id", "customer_id", "product_id", "plan", "cycle_days", "reached",
                   "recurring_revenue", started_at=s.started_at.date())
    return out.order_by([ibis.desc("reached"), ibis.desc("recurring_revenue"), "subscription_id"])


def plan_rates(view: View, min_delivery: int = MIN_DELIVERY) -> ir.Table:
    """Per plan taken (and ``(all)``): offered, accepted, acceptance_rate, plan_changes, eligible,
    plan_change_rate; ``(all)`` also inferred_upsold and inferred_upsell_rate (module docstring)."""
    k = view.contact_log
    k = k.filter(k.purpose == "upsell")
    s = view.subscriptions
    eligible = s.aggregate(eligible=(s.reached >= min_delivery).sum())
    took = offers_taken(view, k.select("contact_id", "customer_id", "contacted_at", "subscription_id", "outcome"))
    took = took.filter((took.outcome == "accepted") & (took.offer == "plan_change"))
    by_contact = took.group_by(plan=took.offer_detail).aggregate(accepted=took.customer_id.nunique())
    e = events_by(view)
    e = e.filter(e.kind == "plan_change")
    by_event = e.group_by(plan=e.detail).aggregate(plan_changes=e.subscription_id.nunique())
    names = by_contact.select("plan").union(by_event.select("plan"), distinct=True)
    per = names.left_join(by_contact, "plan").drop("plan_right").left_join(by_event, "plan").drop("plan_right")
    per = per.cross_join(k.aggregate(offered=offered(k, "upsell"))).cross_join(eligible)
    per = per.select(plan=ibis.coalesce(per.plan, "(unknown)"), offered=per.offered,
                     accepted=ibis.coalesce(per.accepted, 0), plan_changes=ibis.coalesce(per.plan_changes, 0),
                     eligible=per.eligible)
    per = per.mutate(inferred_upsold=ibis.null("int64"), inferred_upsell_rate=ibis.null("float64"))
    whole = k.aggregate(offered=offered(k, "upsell"), accepted=accepted(k, "upsell"),
                        ).cross_join(
        e.aggregate(plan_changes=e.subscription_id.nunique())).cross_join(eligible).cross_join(
        s.aggregate(inferred_upsold=upsold(s), inferred_upsell_rate=inferred_upsell_rate(s)))
    whole = whole.select(plan=ibis.literal(ALL), offered="offered", accepted="accepted",
                         plan_changes="plan_changes", eligible="eligible", inferred_upsold="inferred_upsold",
                         inferred_upsell_rate="inferred_upsell_rate")
    both = whole.union(per.select(*whole.columns))
    return both.mutate(acceptance_rate=rate(both.accepted, both.offered),
                       plan_change_rate=rate(both.plan_changes, both.eligible))
