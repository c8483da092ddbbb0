"""Today's run-out call list (seed 000): whom to call on day D, in what order.

Grain: one row per (customer, product) that is due, customers' first product first.

A pair is *due* on D when its call date (run-out − lead days) is on or before D and its run-out is on or after
D (the schedule holds only those), and no active subscription delivers before the run-out. Overdue calls
therefore stay on the list until the product runs out — at most ``lead_days`` days.

Customers are left out when they

- opted out: any contact by D with outcome ``opted_out`` (imported with the contacts log, ``teiki import``);
- were contacted recently: a contact of any purpose and outcome on a day d with D − d < ``recent_days``
  (default 14; 0 turns it off). Example: D = 12/01, recent 14 → contacted 11/28 (3 days) is left out,
  11/11 (20 days) is not.

A trial product is not due for a customer who bought anything but a trial after it (the trial led somewhere).

A customer is called once: their row is the due product that runs out first (ties: the smallest product_id);
their other due products follow with ``priority`` null. ``priority`` (1, 2, …) orders the calls by run-out
date, then customer value (revenue to D, highest first), then customer_id.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.metrics.view import View

DEFAULT_RECENT_DAYS = 14
OPTED_OUT = "opted_out"


def opted_out(view: View) -> ir.Table:
    """customer_id of every customer with an ``opted_out`` contact by D."""
    c = view.contact_log
    return c.filter(c.outcome == OPTED_OUT).select("customer_id").distinct()


def contacted_recently(view: View, recent_days: int = DEFAULT_RECENT_DAYS) -> ir.Table:
    """customer_id of every customer contacted on a day d with D − d < ``recent_days`` (d ≤ D).

    Example: D = 12/01, recent_days 14 → contacts on 11/18 … 12/01 count; 11/17 does not.
    """
    c = view.contact_log
    c = c.filter(view.day.delta(c.contacted_at.date(), unit="day") < int(recent_days))
    return c.select("customer_id").distinct()


def without_finished_trials(view: View, due: ir.Table) -> ir.Table:
    """``due`` without the trial products (products.category ``trial``) of customers who bought something other than
    a trial after it: the trial has done its job (引き上げ), there is nothing to call about.

    Example: trial set bought 11/28 (7 days, call 11/30), the main product bought 11/29 → no call for the trial.
    """
    p = view.source.products
    trials = p.filter(p.category == "trial").select("product_id")
    o = view.orders
    moved_on = o.filter(~o.only_trial).group_by("customer_id").aggregate(moved_on=o.order_date.max())
    j = due.left_join(moved_on, "customer_id").drop("customer_id_right")
    is_trial = j.product_id.isin(trials.product_id)
    stale = is_trial & ibis.coalesce(j.moved_on > j.last_order_date, False)
    return j.filter(~stale).drop("moved_on")


def due_calls(view: View, schedule: ir.Table, recent_days: int = DEFAULT_RECENT_DAYS,
              personal: bool = True) -> ir.Table:
    """The due pairs of ``schedule`` (teiki.actions.runout.schedule of the same view) without opted-out and
    recently contacted customers, with ``revenue``, ``first`` (the customer's row) and ``priority`` (see the
    module docstring); with ``personal``, the customer's ``name`` and ``phone``."""
    s = schedule.filter(schedule.call_date.notnull() & (schedule.call_date <= view.day))
    s = without_finished_trials(view, s)
    s = s.anti_join(opted_out(view), "customer_id")
    if recent_days > 0:
        s = s.anti_join(contacted_recently(view, recent_days), "customer_id")
    value = view.customers.select("customer_id", "revenue")
    s = s.left_join(value, "customer_id").drop("customer_id_right")
    s = s.mutate(revenue=ibis.coalesce(s.revenue, 0.0))
    k = ibis.row_number().over(group_by="customer_id", order_by=["runout_date", "product_id"])
    s = s.mutate(_k=k)
    order = ibis.row_number().over(order_by=["_k", "runout_date", ibis.desc("revenue"), "customer_id", "product_id"])
    s = s.mutate(first=s._k == 0, priority=ibis.cases((s._k == 0, order + 1), else_=ibis.null("int64")))
    s = s.drop("_k")
    if personal:
        people = view.source.customers.select("customer_id", "name", "phone")
        s = s.left_join(people, "customer_id").drop("customer_id_right")
    return s
