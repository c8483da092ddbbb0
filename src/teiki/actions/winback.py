"""Win-back (seed 002: 戻ってきて貰う): the lapsed CPM segments' customers ranked by the expected value of
their return over the next 90 days (the horizon of teiki.forecast.scores).

Customers: those in a 離脱 segment (key ``*_lapsed``, teiki.segments.cpm) on
D, except customers with a subscription active on D. Per customer c:

    expected_value(c) = p_return(c) × value_if_return(c)

- *cancelled subscribers* (a subscription by D, none active):
  p_return = the measured win-back rate — customers who accepted a winback
  contact ÷ customers contacted (teiki.metrics.offers.offer_rate); without
  winback contacts, the restart rate: customers with a cancelled subscription
  who started another one after it ÷ customers with a cancelled subscription.
  value_if_return = E[deliveries of a restart within 90 days] × the amount of
  the customer's last delivery (of their latest-cancelled subscription), with
  E = Σ_{n=1}^{d} r(n), d = ⌈90 ÷ cycle_days⌉ deliveries on days 0, c, 2c, …,
  and r the shop's retention curve (teiki.forecast.retention: sBG / BdW,
  else the observed product-limit curve with nothing beyond it).
- *one-off buyers* (never subscribed): from the BG/NBD and Gamma-Gamma scores,
  p_return = P(alive) · (1 − exp(−E[X₉₀] ÷ P(alive))) (the chance of at least
  one purchase in 90 days, purchases Poisson given alive) and
  expected_value = E[X₉₀] · E[spend] (expected_revenue_90d), so
  value_if_return = expected_value ÷ p_return.

Example: win-back rate 0.10, cycle 30 days (d = 3), r = 1, 0.8, 0.7 →
E = 2.5; last delivery ¥4,000 → value ¥10,000, expected value ¥1,000. A
one-off buyer with P(alive) 0.5, E[X₉₀] 0.2, E[spend] ¥5,000: p_return =
0.5 · (1 − e^{−0.4}) ≈ 0.165, expected value ¥1,000.

Per segment (:func:`segment_totals`): customers, cancelled subscribers,
one-off buyers, expected returns (Σ p_return), expected value (Σ), value per
customer; segments ranked by expected value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from teiki.forecast import retention, stats
from teiki.forecast.scores import NEXT_DAYS
from teiki.metrics.offers import offer_rate, offered
from teiki.metrics.ratio import rate
from teiki.metrics.view import View
from teiki.segments.cpm import LAPSED, classified
from teiki.segments.thresholds import Thresholds
from teiki.store import results

HORIZON_DAYS = NEXT_DAYS
CANCELLED = "cancelled_subscriber"
ONE_OFF = "one_off"


def restart_deliveries(view: View, horizon_days: int = HORIZON_DAYS) -> np.ndarray:
    """E[deliveries within the first d] = Σ_{n ≤ d} r(n) for d = 1 … ``horizon_days`` (index d − 1)."""
    life = stats.arrays(stats.life_counts(view), ["reached", "n", "n_cancelled"])
    fitted = retention.forecast(life["reached"], life["n"], life["n_cancelled"], horizon_days)
    if fitted is not None:
        r = fitted.retention
    else:
        r = np.nan_to_num(retention.empirical(life["reached"], life["n"], life["n_cancelled"], horizon_days), nan=0.0)
    return np.cumsum(r[:horizon_days])


def return_rate(view: View) -> dict:
    """The measured win-back rate (``source`` winback_contacts) or, without winback contacts, the restart
    rate (``source`` restarts): rate and the customers it was measured on."""
    k = view.contact_log
    got = results.one(k.aggregate(rate=offer_rate(k, "winback"), customers=offered(k, "winback")))
    if got.get("customers"):
        return {"source": "winback_contacts", "rate": got["rate"], "customers": got["customers"]}
    s = view.subscriptions
    gone = s.filter(s.cancelled).select("customer_id", "cancelled_at")
    again = s.select(_cust="customer_id", _start="started_at")
    back = gone.join(again, (gone.customer_id == again._cust) & (again._start > gone.cancelled_at))
    row = results.one(gone.aggregate(customers=gone.customer_id.nunique()).cross_join(
        back.aggregate(back=back.customer_id.nunique())))
    return {"source": "restarts", "rate": rate_or_none(row.get("back"), row.get("customers")),
            "customers": row.get("customers") or 0}


def rate_or_none(numerator, denominator) -> float | None:
    return (numerator or 0) / denominator if denominator else None


def lapsed_customers(view: View, t: Thresholds, summary: ir.Table | None = None) -> ir.Table:
    """Customers of the 離脱 segments on D who have no active subscription: customer_id, segment, kind
    (cancelled_subscriber / one_off), purchases, cumulative_amount, last_date, lapse_days, cycle_days and
    delivery_amount (of the latest-cancelled subscription; null for one-off buyers)."""
    axes = classified(view.source.order_facts, view.as_of, t, summary)
    axes = axes.filter(axes.segment.endswith(LAPSED))
    s = view.subscriptions
    status = s.group_by("customer_id").aggregate(active=(~s.cancelled).any())
    ranked = s.filter(s.cancelled).mutate(_r=ibis.row_number().over(
        group_by="customer_id", order_by=[ibis.desc("cancelled_at"), ibis.desc("subscription_id")]))
    last = ranked.filter(ranked._r == 0).select(
        _cust="customer_id", cycle_days="cycle_days",
        delivery_amount=ranked.recurring_revenue * ranked.cycle_days.cast("float64") / 30.0)
    st = status.rename(_sc="customer_id")
    j = axes.left_join(st, axes.customer_id == st._sc)
    j = j.filter(j.active.isnull() | ~j.active)
    j = j.left_join(last, j.customer_id == last._cust)
    return j.select("customer_id", "segment", "purchases", "cumulative_amount", "last_date", "lapse_days",
                    "cycle_days", "delivery_amount",
                    kind=ibis.ifelse(j.active.isnull(), ONE_OFF, CANCELLED))


def score_table(scores: pa.Table) -> ir.Table:
    """The forecast scores (teiki.forecast.scores) as an engine table, NaN as null."""
    cols = {"customer_id": scores.column("customer_id")}
    for name in ("p_alive", "expected_purchases_90d", "expected_revenue_90d"):
        col = scores.column(name)
        cols[name] = pc.if_else(pc.is_nan(col), pa.nulls(len(col), pa.float64()), col)
    return ibis.memtable(pa.table(cols))


def expected_values(people: ir.Table, scores: ir.Table, rate_value: float | None, expected: np.ndarray) -> ir.Table:
    """:func:`lapsed_customers` with p_return, value_if_return and expected_value (module docstring)."""
    d = ibis.memtable({"_d": list(range(1, len(expected) + 1)), "_e": [float(x) for x in expected]},
                      schema={"_d": "int64", "_e": "float64"})
    sc = scores.rename(_sid="customer_id")
    j = people.left_join(sc, people.customer_id == sc._sid)
    horizon = float(len(expected))
    cycle = ibis.greatest(ibis.coalesce(j.cycle_days, 30), 1).cast("float64")
    j = j.mutate(_d=ibis.least((horizon / cycle).ceil(), horizon).cast("int64"))
    j = j.left_join(d, j._d == d._d)
    p_rate = ibis.literal(rate_value, "float64") if rate_value is not None else ibis.null("float64")
    alive, coming = j.p_alive, j.expected_purchases_90d
    p_oneoff = ibis.cases((alive > 0, alive * (1.0 - (-(coming / alive)).exp())), else_=ibis.null("float64"))
    one_off = j.kind == ONE_OFF
    p = ibis.ifelse(one_off, p_oneoff, p_rate)
    value = ibis.ifelse(one_off, ibis.cases((p_oneoff > 0, j.expected_revenue_90d / p_oneoff),
                                            else_=ibis.null("float64")),
                        j._e * ibis.coalesce(j.delivery_amount, 0.0))
    out = j.select(*(j[c] for c in people.columns), p_return=p, value_if_return=value)
    return out.mutate(expected_value=out.p_return * out.value_if_return)


def segment_totals(c: ir.Table) -> ir.Table:
    """Per lapsed segment: customers, cancelled_subscribers, one_off, expected_returns, expected_value,
    value_per_customer, sorted by expected_value (largest first)."""
    per = c.group_by("segment").aggregate(
        customers=c.count(), cancelled_subscribers=(c.kind == CANCELLED).sum(), one_off=(c.kind == ONE_OFF).sum(),
        expected_returns=ibis.coalesce(c.p_return.sum(), 0.0),
        expected_value=ibis.coalesce(c.expected_value.sum(), 0.0))
    per = per.mutate(value_per_customer=rate(per.expected_value, per.customers))
    return per.order_by([ibis.desc("expected_value"), "segment"])


def ranked(c: ir.Table) -> ir.Table:
    """The customers, largest expected value first (unknown values last)."""
    return c.order_by([c.expected_value.isnull(), ibis.desc("expected_value"), "customer_id"])


@dataclass
class WinbackReport:
    """Win-back as of one date (``teiki winback --format json``): the return rate used for cancelled
    subscribers, the segments ranked, and the customers ranked (an Arrow table)."""

    as_of: str | None
    horizon_days: int
    return_source: str
    return_rate: float | None
    return_customers: int
    restart_deliveries: float | None  # E[deliveries of a restart within the horizon] at a 30-day cycle
    segments: list[dict]
    customers: pa.Table = field(repr=False)

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "customers"}
        return out | {"customers": self.customers.to_pylist()}


def report(view: View, t: Thresholds, scores: pa.Table, summary: ir.Table | None = None,
           people: ir.Table | None = None) -> WinbackReport:
    """The win-back report; ``people`` (customer_id and contact columns) are added to the customer rows."""
    got = return_rate(view)
    expected = restart_deliveries(view)
    c = expected_values(lapsed_customers(view, t, summary), score_table(scores), got["rate"], expected)
    if people is not None:
        pp = people.rename(_pid="customer_id")
        j = c.left_join(pp, c.customer_id == pp._pid)
        c = j.drop("_pid")
    customers = results.arrow(ranked(c))
    segments = results.rows(segment_totals(ibis.memtable(customers)))  # the ranked list, aggregated once
    at_30 = expected[min(len(expected), math.ceil(HORIZON_DAYS / 30)) - 1] if len(expected) else None
    return WinbackReport(view.as_of.isoformat() if view.as_of else None, HORIZON_DAYS, got["source"], got["rate"],
                         int(got["customers"] or 0), None if at_30 is None else float(at_30), segments, customers)
