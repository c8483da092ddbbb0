"""Retention-call economics (seed 003, SPEC §6): what a cancellation call center's save rate is worth a month.

Grain: one month of cancel-request calls. With R calls at a cost c per call, a
save rate s and a value v per save:

    saves          = R × s
    expected sales = saves × v                 (見込売上)
    cost           = R × c                     (コールセンター費用: every call costs, saved or not)
    net            = expected sales − cost     (実質)

and the gap between save rates is the difference of their nets, per month and
× 12 per year. Seed 003 values a save at one delivery (v = the unit price):
2,000 calls at ¥300, unit price ¥5,000 → at 5%, 100 saves, ¥500,000 − ¥600,000
= −¥100,000; at 15%, 300 saves, ¥1,500,000 − ¥600,000 = +¥900,000; a gap of
¥1,000,000 a month, ¥12,000,000 a year.

From the shop's data (``from_data``), a save is worth what the saved
subscription is still expected to bring (SPEC §5), as gross profit:

    v = E × unit price × gross margin,   E = Σ_{k=n*+1}^{n*+K} r(k) ÷ r(n*)

- n*: the typical delivery number at which cancel requests arrive — the lower
  median, over the cancel_request contacts with a subscription_id, of the
  subscription's delivery number at the time of the contact (else over the
  cancel_request subscription events; else over the cancelled subscriptions'
  last delivery);
- r(n): the shop's projected 定期継続率 (teiki.forecast.retention on all
  subscriptions; the observed product-limit curve, 0 where nothing is left at
  risk, when no model can be fitted), so E is the expected number of further
  deliveries of a subscription that has reached n*;
- K: the deliveries in the 12 months after the save at the shop's median cycle
  c, ⌈365.25 ÷ c⌉ − 1 (12 at a 30-day cycle);
- unit price: as given, else the mean amount of the regular deliveries
  (delivery_no ≥ 2) by D;
- gross margin: Σ gross profit ÷ Σ amount of the subscription orders whose
  products have a gross_margin; of all orders when no subscription order has
  one; 1 (v is then revenue) when no product has one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction

import ibis
import ibis.expr.types as ir
import numpy as np

from teiki.errors import TeikiError
from teiki.forecast import retention as retention_model
from teiki.forecast import stats
from teiki.forecast.groups import deliveries_within
from teiki.metrics.view import View
from teiki.store import results

MONTHS_PER_YEAR = 12
HORIZON_MONTHS = 12
DEFAULT_CYCLE_DAYS = 30


def _exact(x: float | int) -> Fraction:
    """A number as the decimal it was written as (0.15 → 3/20), so the seed's table comes out exact."""
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def saves(requests: int, save_rate: float) -> float:
    """Saved cancel requests = R × s. Example: 2,000 × 15% = 300."""
    return float(_exact(requests) * _exact(save_rate))


def expected_sales(n_saves: float, value_per_save: float) -> float:
    """Saves × value per save. Example: 300 × ¥5,000 = ¥1,500,000."""
    return float(_exact(n_saves) * _exact(value_per_save))


def call_cost(requests: int, cost_per_call: float) -> float:
    """R × c: every call is paid for. Example: 2,000 × ¥300 = ¥600,000."""
    return float(_exact(requests) * _exact(cost_per_call))


def net(sales: float, cost: float) -> float:
    """Expected sales − cost. Example: ¥500,000 − ¥600,000 = −¥100,000."""
    return float(_exact(sales) - _exact(cost))


def yearly(monthly: float) -> float:
    """A monthly amount over a year (× 12). Example: ¥1,000,000 → ¥12,000,000."""
    return float(_exact(monthly) * MONTHS_PER_YEAR)


def further_deliveries(r: Sequence[float], reached: int, k: int) -> float:
    """E = Σ_{j=n*+1}^{n*+k} r(j) ÷ r(n*), ``r[i]`` being r(i + 1). Example: r = 1, 0.9, 0.8, 0.5, 0.4,
    n* = 2, k = 2 → (0.8 + 0.5) ÷ 0.9 = 1.444."""
    r = np.asarray(r, dtype=float)
    base = r[reached - 1]
    return float(r[reached:reached + k].sum() / base) if base > 0 else 0.0


def save_value(further: float, unit_price: float, margin: float) -> float:
    """Value of one save = E × unit price × gross margin. Example: 6.5 × ¥5,000 × 0.7 = ¥22,750."""
    return further * unit_price * margin


def lower_median(values: Sequence[int], counts: Sequence[int]) -> int | None:
    """The smallest value with at least half the weight at or below it. Example: 2 ×3, 3 ×2, 6 ×1 → 2."""
    pairs = sorted(zip(values, counts, strict=True))
    total, seen = sum(counts), 0
    for value, n in pairs:
        seen += n
        if 2 * seen >= total:
            return int(value)
    return None


MAX_AMOUNT = 1e12  # calls or yen beyond this are no real plan


def check(requests: int, cost_per_call: float, unit_price: float | None, save_rates: Sequence[float]) -> None:
    """Refuse what cannot be simulated: a negative, fractional or absurd number of calls, a negative or
    non-finite cost or price (or one beyond ¥10¹², where yen sums lose their exactness), no save rate, a rate
    outside 0–1 (15% is 0.15)."""
    if not math.isfinite(requests) or requests < 0 or int(requests) != requests or requests > MAX_AMOUNT:
        raise TeikiError("econ_bad_number", name="requests", value=requests)
    for name, value in (("cost_per_call", cost_per_call), ("unit_price", unit_price)):
        if value is not None and not (math.isfinite(value) and 0 <= value <= MAX_AMOUNT):
            raise TeikiError("econ_bad_number", name=name, value=value)
    if not save_rates:
        raise TeikiError("econ_no_rates")
    for s in save_rates:
        if not 0 <= s <= 1:
            raise TeikiError("econ_bad_rate", value=s)


@dataclass
class CallEconomics:
    """The table per save rate (``rows``), the gap between the best and worst rate, how a save was valued."""

    requests: int
    cost_per_call: float
    unit_price: float
    value_per_save: float
    basis: str  # one_delivery (seed 003) or data
    rows: list[dict]
    gap_month: float
    gap_year: float
    assumptions: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        return [dict(r) for r in self.rows]


def simulate(requests: int, cost_per_call: float, unit_price: float | None, save_rates: Sequence[float], *,
             value_per_save: float | None = None, assumptions: dict | None = None) -> CallEconomics:
    """The table for each save rate (ascending, each once); a save is worth ``value_per_save`` (default: the
    unit price, seed 003's one delivery). gap_month / gap_year: each rate's net less the lowest rate's."""
    check(requests, cost_per_call, unit_price, save_rates)
    if unit_price is None:
        raise TeikiError("econ_no_price")
    value = unit_price if value_per_save is None else value_per_save
    cost = call_cost(requests, cost_per_call)
    rows = []
    for s in sorted(set(save_rates)):
        n = saves(requests, s)
        sales = expected_sales(n, value)
        rows.append({"save_rate": s, "calls": requests, "saves": n, "value_per_save": value,
                     "expected_sales": sales, "cost": cost, "net": net(sales, cost)})
    for row in rows:
        row["gap_month"] = net(row["net"], rows[0]["net"])
        row["gap_year"] = yearly(row["gap_month"])
    gap = rows[-1]["gap_month"]
    return CallEconomics(requests, cost_per_call, unit_price, value,
                         "one_delivery" if value_per_save is None else "data", rows, gap, yearly(gap),
                         assumptions or {})


# ---------------------------------------------------------------- valuing a save from the shop's data


def request_deliveries(view: View) -> tuple[str, ir.Table]:
    """Where cancel requests come from and their count per delivery number reached (``reached``, ``n``)."""
    d = view.source.delivery_facts
    d = d.filter(d.ordered_at < view.cutoff).select(sub="subscription_id", at="ordered_at", no="delivery_no")
    k = view.contact_log
    k = k.filter((k.purpose == "cancel_request") & k.subscription_id.notnull())
    e = view.source.subscription_events
    e = e.filter((e.kind == "cancel_request") & (e.occurred_at < view.cutoff))
    for source, asks, key, when in (("contacts", k, ["contact_id"], "contacted_at"),
                                    ("events", e, ["subscription_id", "occurred_at"], "occurred_at")):
        j = asks.join(d, [asks.subscription_id == d.sub, d.at <= asks[when]])
        per = j.group_by(key).aggregate(reached=ibis.coalesce(j.no.max(), j.count()))
        counts = per.group_by("reached").aggregate(n=per.count())
        if int(results.scalar(counts.n.sum().fill_null(0))):
            return source, counts
    s = view.subscriptions
    s = s.filter(s.cancelled)
    return "cancellations", s.group_by("reached").aggregate(n=s.count())


def shop_inputs(view: View) -> dict:
    """The shop's cycle, gross margin, regular-delivery price and last year's cancel requests, in one pass each."""
    s = view.subscriptions
    cycles = results.rows(s.group_by("cycle_days").aggregate(n=s.count()))
    cycle = lower_median([r["cycle_days"] for r in cycles if r["cycle_days"]],
                         [r["n"] for r in cycles if r["cycle_days"]])
    o = view.orders
    m = results.one(o.aggregate(gp_sub=o.gross_profit.sum(where=o.has_subscription),
                                amount_sub=o.margin_amount.sum(where=o.has_subscription),
                                gp_all=o.gross_profit.sum(), amount_all=o.margin_amount.sum()))
    if m.get("amount_sub"):
        margin, margin_source = m["gp_sub"] / m["amount_sub"], "subscription_orders"
    elif m.get("amount_all"):
        margin, margin_source = m["gp_all"] / m["amount_all"], "all_orders"
    else:
        margin, margin_source = 1.0, "none"
    d = view.source.delivery_facts
    d = d.filter((d.ordered_at < view.cutoff) & (d.delivery_no >= 2))
    price = results.one(d.aggregate(price=d.amount.mean()))["price"]
    k = view.contact_log
    year_ago = view.cutoff - ibis.interval(days=365)
    k = k.filter((k.purpose == "cancel_request") & (k.contacted_at >= year_ago))
    asks = results.one(k.aggregate(requests=k.count(), saved=(k.outcome == "saved").sum()))
    requests, saved = int(asks.get("requests") or 0), int(asks.get("saved") or 0)
    return {"cycle_days": cycle or DEFAULT_CYCLE_DAYS, "gross_margin": margin, "margin_source": margin_source,
            "regular_delivery_price": price, "requests_per_month_observed": requests / MONTHS_PER_YEAR,
            "save_rate_observed": saved / requests if requests else None}


def retention_curve(view: View, deliveries: int) -> tuple[str, np.ndarray]:
    """The shop's r(1..deliveries): the fitted model's projection, else the observed curve (NaN → 0)."""
    life = stats.arrays(stats.life_counts(view), ["reached", "n", "n_cancelled"])
    if not len(life["n"]):
        raise TeikiError("econ_no_subscriptions")
    fit = retention_model.forecast(life["reached"], life["n"], life["n_cancelled"], deliveries)
    if fit is not None:
        return fit.model, fit.retention
    curve = retention_model.empirical(life["reached"], life["n"], life["n_cancelled"], deliveries)
    return "observed", np.nan_to_num(curve, nan=0.0)


def valued_from_data(view: View, unit_price: float | None) -> tuple[float, float, dict]:
    """(unit price, value per save, assumptions) from the shop's data as of ``view.as_of``."""
    view.with_orders()
    source, counts = request_deliveries(view)
    rows = results.rows(counts)
    reached = lower_median([r["reached"] for r in rows if r["reached"]], [r["n"] for r in rows if r["reached"]])
    if reached is None:
        raise TeikiError("econ_no_subscriptions")
    inputs = shop_inputs(view)
    k = deliveries_within(HORIZON_MONTHS, inputs["cycle_days"]) - 1
    model, r = retention_curve(view, reached + k)
    further = further_deliveries(r, reached, k)
    price_source = "given"
    if unit_price is None:
        unit_price, price_source = inputs["regular_delivery_price"], "regular_deliveries"
        if unit_price is None:
            raise TeikiError("econ_no_price")
    value = save_value(further, unit_price, inputs["gross_margin"])
    assumptions = {"as_of": view.as_of.isoformat() if isinstance(view.as_of, dt.date) else None,
                   "request_source": source, "requests_counted": int(sum(x["n"] for x in rows)),
                   "request_delivery": reached, "retention_model": model,
                   "retention_at_request": float(r[reached - 1]), "horizon_deliveries": k,
                   "further_deliveries": further, "unit_price": unit_price, "unit_price_source": price_source,
                   **{key: inputs[key] for key in ("cycle_days", "gross_margin", "margin_source",
                                                   "requests_per_month_observed", "save_rate_observed")}}
    return unit_price, value, assumptions
