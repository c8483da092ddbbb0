"""When each customer's product runs out (seed 000), and the call date a few days before.

Grain: one row per (customer_id, product_id) the customer has bought by D.

Purchases of a product are first summed per day: a *purchase day* is
(customer, product, order date) with ``units`` = Σ quantity of its completed
lines. Everything below is in whole days and uses the order date (teiki has no
delivery date; the lead days absorb the shipping time).

Days one unit lasts (``days_per_unit``) and where it came from
(``supply_source``):

- ``days_supply``: products.days_supply, when the product has one;
- ``own_interval``: else the customer's own typical reorder time of the
  product — the median over their consecutive purchase days of
  (days between them ÷ units bought on the earlier one), rounded; needs ≥ 2
  purchase days of it;
- ``product_median``: else the same median over every customer's reorders of
  the product;
- none of these: the pair is not scheduled.

Run-out with carry-over: stock left from earlier purchases is used up after
the new one (R_k = max(R_{k−1}, day_k) + units_k × days_per_unit), which
unrolls to

    run-out = max over purchase days k of (day_k + days_per_unit × units bought on day_k or later)

Example: 1 unit of a 30-day product on 10/20 and 1 on 11/02 → k = 10/20 gives
10/20 + 60 = 12/19, k = 11/02 gives 12/02 → run-out 12/19, of which
``carry_days`` = 12/19 − 12/02 = 17 days come from the earlier order.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from teiki.actions import runout_subscriptions as subs
from teiki.metrics.view import View
from teiki.store.facts import counted_lines

PAIR = ["customer_id", "product_id"]
DEFAULT_LEAD_DAYS = 5
SOURCES = ("days_supply", "own_interval", "product_median")


def counted_units(view: View) -> ir.Table:
    """Completed lines up to D as (customer_id, product_id, day, units = quantity, at least 1)."""
    o = view.source.orders
    lines = counted_lines(o).filter(o.ordered_at < view.cutoff)
    return lines.select(*PAIR, day=lines.ordered_at.date(), units=ibis.greatest(ibis.coalesce(lines.quantity, 1), 1))


def purchase_days(lines: ir.Table) -> ir.Table:
    """``lines`` (:func:`counted_units`) summed per (customer_id, product_id, day): ``units`` = Σ quantity.

    Example: order O1 on 11/02 with 2 × lotion and order O2 on 11/02 with 1 × lotion → one row, units 3.
    """
    return lines.group_by([*PAIR, "day"]).aggregate(units=lines.units.sum().cast("int64"))


def median_by(table: ir.Table, keys: Sequence[str], value: str, name: str) -> ir.Table:
    """The exact median of ``value`` per group of ``keys`` (the mean of the two middle values when the count is even),
    as column ``name``; written with row numbers so that every engine gives the same answer.

    Example: values 40, 30, 50, 20 → middle two 30 and 40 → 35.
    """
    keys = list(keys)
    ranked = table.mutate(
        _i=ibis.row_number().over(group_by=keys, order_by=table[value]),
        _n=table[value].count().over(ibis.window(group_by=keys)),
    )
    middle = ranked.filter((ranked._i == (ranked._n - 1) // 2) | (ranked._i == ranked._n // 2))
    return middle.group_by(keys).aggregate(**{name: middle[value].mean()})


def reorder_gaps(days: ir.Table) -> ir.Table:
    """One row per purchase day after a pair's first: ``per_unit`` = (day − previous day) ÷ units of the previous day.

    Example: 2 units on 01/01, then 1 unit on 03/01 (60 days later) → per_unit 30.
    """
    w = ibis.window(group_by=PAIR, order_by="day")
    d = days.mutate(prev_day=days.day.lag().over(w), prev_units=days.units.lag().over(w))
    d = d.filter(d.prev_day.notnull())
    return d.select(*PAIR, per_unit=d.day.delta(d.prev_day, unit="day") / d.prev_units)


def line_supply(lines: ir.Table, products: ir.Table) -> ir.Table:
    """``lines`` (:func:`counted_units`) with ``days_per_unit`` and ``supply`` (0, 1, 2: the index of its
    ``supply_source`` in :data:`SOURCES`; see the module docstring), both null where nothing is known. The reorder
    intervals are worked out only for products without days_supply. (A small integer rather than the name: the
    run-out step sorts every line, and a narrow row sorts faster.)

    Example: a product without days_supply; customer A reordered after 40 and 50 days (1 unit each) → own
    median 45; customer B bought it once, and the product's reorders over all customers are 40, 50 and 70 →
    B gets the product median 50.
    """
    known = products.filter(products.days_supply.notnull() & (products.days_supply > 0))
    known = known.select("product_id", listed=known.days_supply.cast("int64"))
    gaps = reorder_gaps(purchase_days(lines.anti_join(known, "product_id")))
    own = median_by(gaps, PAIR, "per_unit", "own")
    typical = median_by(gaps, ["product_id"], "per_unit", "typical")
    j = lines.left_join(known, "product_id").drop("product_id_right")
    j = j.left_join(own, PAIR).drop("customer_id_right", "product_id_right")
    j = j.left_join(typical, "product_id").drop("product_id_right")
    own_days, typical_days = (_whole_days(c) for c in (j.own, j.typical))
    source = ibis.cases((j.listed.notnull(), 0), (j.own.notnull(), 1), (j.typical.notnull(), 2),
                        else_=ibis.null("int8"))
    return j.select(*lines.columns, days_per_unit=ibis.coalesce(j.listed, own_days, typical_days),
                    supply=source.cast("int8"))


def _whole_days(days: ir.FloatingValue) -> ir.IntegerValue:
    """Days rounded to a whole number, at least 1; null stays null."""
    whole = days.round(0).cast("int64")
    return ibis.cases((whole >= 1, whole), (days.notnull(), 1), else_=ibis.null("int64"))


def runout_dates(supplied: ir.Table) -> ir.Table:
    """Per (customer, product) from its lines with a days_per_unit (:func:`line_supply`): ``runout_date`` (with
    carry-over), ``last_order_date``, ``last_quantity`` (units of the last purchase day), ``purchases`` (purchase
    days), ``days_per_unit``, ``supply_source`` and ``carry_days`` = run-out − (last order + last quantity × days
    per unit).

    Lines of one day are not summed first: with the lines in descending day order, the running unit count of a
    day's last line holds the whole day, and the earlier lines of that day give smaller candidates, so the maximum
    is the same.

    Example: quantity 2 of a 30-day product on 11/02 → run-out 11/02 + 60 = 01/01, carry 0.
    """
    s = supplied.filter(supplied.days_per_unit.notnull())
    later = ibis.window(group_by=PAIR, order_by=ibis.desc("day"), rows=(None, 0))
    s = s.mutate(units_from=s.units.sum().over(later).cast("int64"),
                 _day_no=ibis.dense_rank().over(group_by=PAIR, order_by=ibis.desc("day")))
    s = s.mutate(reach=s.day + (s.days_per_unit * s.units_from).cast("int32").as_interval("D"))
    per = s.group_by(PAIR).aggregate(
        runout_date=s.reach.max(),
        last_order_date=s.day.max(),
        last_quantity=s.units_from.max(where=s._day_no == 0),
        purchases=(s._day_no.max() + 1).cast("int64"),
        days_per_unit=s.days_per_unit.max(),
        supply=s.supply.max(),
    )
    per = per.mutate(supply_source=ibis.cases(*((per.supply == i, name) for i, name in enumerate(SOURCES)),
                                              else_=ibis.null("string"))).drop("supply")
    own_end = per.last_order_date + (per.days_per_unit * per.last_quantity).cast("int32").as_interval("D")
    return per.mutate(carry_days=per.runout_date.delta(own_end, unit="day"))


def could_be_due(supplied: ir.Table, day: ir.DateValue, lead_days: int, cover: ir.Table | None = None) -> ir.Table:
    """The lines of :func:`line_supply` whose pair may be due for a call on ``day``. Run-out lies between last order +
    one unit's days and last order + days per unit × every unit bought, so a pair is kept only when the first is by
    ``day`` + ``lead_days``, the second is on or after ``day``, and no subscription of ``cover``
    (:func:`teiki.actions.runout_subscriptions.covering`) delivers by the first. Nothing due is lost; the run-out
    step then sorts a fraction of the lines.

    Example: a 30-day unit bought 11/02, day 11/20, lead 5 → run-out 12/02 at the soonest > 11/25: not due yet.
    """
    s = supplied.filter(supplied.days_per_unit.notnull())
    per = s.group_by(PAIR).aggregate(last=s.day.max(), units=s.units.sum().cast("int64"),
                                     per_unit=s.days_per_unit.max())
    soonest = per.last + per.per_unit.cast("int32").as_interval("D")
    latest = per.last + (per.per_unit * per.units).cast("int32").as_interval("D")
    horizon = day + ibis.literal(int(lead_days)).as_interval("D")
    candidates = per.filter((soonest <= horizon) & (latest >= day))
    if cover is not None:
        delivered = cover.select(*PAIR, "next_delivery")
        candidates = candidates.left_join(delivered, PAIR).drop("customer_id_right", "product_id_right")
        candidates = candidates.filter(candidates.next_delivery.isnull() | (candidates.next_delivery > soonest))
    return s.semi_join(candidates.select(*PAIR), PAIR)


def schedule(view: View, lead_days: int = DEFAULT_LEAD_DAYS, *, due_only: bool = False) -> ir.Table:
    """Every holder's run-out as of D: the pairs with run-out ≥ D, with the product's name, the covering subscription
    (``subscription_id``, ``next_delivery``, ``cycle_days``, ``skips``; null for none), ``covered`` (an active
    subscription delivers on or before the run-out) and ``call_date`` = run-out − ``lead_days`` (null when covered).
    With ``due_only``, only the pairs that may be due on D are worked out (:func:`could_be_due`; the call list).

    Example: lotion run-out 12/03, lead 5 → call 11/28; a subscriber whose next delivery is 12/01 → covered, no call;
    after a skip the next delivery is 12/31 → not covered, call 11/28.
    """
    cover = subs.covering(view)
    lines = line_supply(counted_units(view), view.source.products)
    runs = runout_dates(could_be_due(lines, view.day, lead_days, cover) if due_only else lines)
    runs = runs.filter(runs.runout_date >= view.day)
    j = runs.left_join(cover, PAIR).drop("customer_id_right", "product_id_right")
    p = view.source.products.select("product_id", product_name=view.source.products.name)
    j = j.left_join(p, "product_id").drop("product_id_right")
    covered = ibis.coalesce(j.next_delivery <= j.runout_date, False)
    call = j.runout_date - ibis.literal(int(lead_days)).as_interval("D")
    return j.select(
        *PAIR, product=ibis.coalesce(j.product_name, j.product_id),
        last_order_date=j.last_order_date, last_quantity=j.last_quantity, purchases=j.purchases,
        days_per_unit=j.days_per_unit, supply_source=j.supply_source, carry_days=j.carry_days,
        runout_date=j.runout_date, subscription_id=j.subscription_id, next_delivery=j.next_delivery,
        cycle_days=j.cycle_days, skips=j.skips, covered=covered,
        call_date=ibis.cases((covered, ibis.null("date")), else_=call),
    )
