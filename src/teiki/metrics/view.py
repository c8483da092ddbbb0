"""The shop as it looked on day D: the tables every metric reads.

A :class:`Source` bundles the canonical tables of one engine (DuckDB store or
Spark) and the fact tables of :mod:`teiki.store.facts` (stored, or evaluated
on the fly). A :class:`View` applies SPEC §3's as-of rule to them: only
completed lines with ``ordered_at < D + 1 day``; subscriptions started by D,
with a cancellation after D treated as none. Its tables:

- ``orders``: order facts of the counted purchases;
- ``customers``: one row per customer with ≥ 1 purchase — the dimensions
  (cohort, first_channel, first_product, first_kind), purchases, revenue,
  observed_days (D − F(c)), days_to_second, trial_only, pulled_up, the LTV
  window sums (``window_*``, W = ``window_days``) and the first cross-sell;
- ``subscriptions``: one row per subscription started by D — reached (R),
  cancelled (C), churn_seen (C, and the next delivery was due a week before
  D: the interval after R is complete), retention_reached (R, or R − 1 while
  delivery R is under a week old), delivered, recurring_revenue, upsold,
  reason text and the customer's dimensions;
- ``contacts``: contacts up to D with the customer's dimensions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from teiki.errors import TeikiError
from teiki.store import results
from teiki.store.derive import derived_subscriptions
from teiki.store.facts import (
    DIMENSIONS,
    STORED_WINDOW_DAYS,
    counted_lines,
    customer_summary,
    delivery_facts,
    delivery_summary,
    order_facts,
    subscription_rows,
)

BY_NAMES = {"cohort": "cohort", "channel": "first_channel", "first_channel": "first_channel",
            "first_product": "first_product", "first_kind": "first_kind"}
DEFAULT_WINDOW_DAYS = 365
DUE_GRACE_DAYS = 7  # a delivery this late is still on time: its interval is complete only after the grace


@dataclass
class Source:
    """The canonical tables of one engine plus the fact tables."""

    orders: ir.Table
    subscriptions: ir.Table | None  # None: none imported, derive them from orders
    subscription_events: ir.Table
    products: ir.Table
    customers: ir.Table
    contacts: ir.Table
    order_facts: ir.Table
    delivery_facts: ir.Table
    # summaries over ALL purchases (stored at import): valid when D is on or after the last purchase
    customer_facts: ir.Table | None = None
    subscription_facts: ir.Table | None = None
    _range: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_tables(cls, tables: dict[str, ir.Table], *, subscriptions_imported: bool | None = None,
                    facts: dict[str, ir.Table] | None = None) -> Source:
        """A source over ``tables``; fact tables from ``facts`` (stored: order_facts, delivery_facts,
        customer_facts, subscription_facts) or else evaluated from ``tables`` on the fly (any engine)."""
        subs = tables["subscriptions"]
        if subscriptions_imported is None:
            subscriptions_imported = int(results.scalar(subs.count())) > 0
        if facts is None:
            facts = {"order_facts": order_facts(tables["orders"], tables["products"], tables["customers"]),
                     "delivery_facts": delivery_facts(tables["orders"])}
        return cls(
            orders=tables["orders"], subscriptions=subs if subscriptions_imported else None,
            subscription_events=tables["subscription_events"], products=tables["products"],
            customers=tables["customers"], contacts=tables["contacts"], **facts,
        )

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and the last purchase date not after today (None, None when there is none); read once.

        The last date is the default as-of date: an order dated in the future (a pre-order, a typing error within
        the year an import accepts) must not make every customer look lapsed. When every order lies ahead, the
        last of them.
        """
        if self._range is None:
            f = self.order_facts
            today = ibis.literal(dt.date.today(), "date")
            row = results.one(f.aggregate(first=f.order_date.min(), last=f.order_date.max(),
                                          past=f.order_date.max(where=f.order_date <= today)))
            self._range = (row["first"], row["past"] or row["last"], row["last"])
        return self._range[:2]

    @property
    def latest_order_date(self) -> dt.date | None:
        """The last purchase date, future ones included: a view on or after it sees every purchase."""
        self.date_range()
        return self._range[2]


def cutoff(day: dt.date) -> ir.TimestampValue:
    """The first instant after day D (D + 1 day, 00:00): what happened before it is seen on D."""
    return ibis.literal(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), "timestamp")


def by_columns(by: str | None) -> list[str]:
    """The dimension column of a breakdown name (``channel`` → ``first_channel``); [] for none."""
    if by is None:
        return []
    if by not in BY_NAMES:
        raise TeikiError("unknown_breakdown", by=by, choices=", ".join(n for n in BY_NAMES if n != "first_channel"))
    return [BY_NAMES[by]]


class View:
    """The tables of :class:`Source` as seen on day ``as_of`` (default: the last purchase date)."""

    def __init__(self, source: Source, as_of: dt.date | str | None = None, *,
                 window_days: int = DEFAULT_WINDOW_DAYS, cache: bool = True) -> None:
        self.source = source
        self.window_days = window_days
        self._cache = cache
        first, last = source.date_range()
        as_of = as_date(as_of)
        if as_of is not None and first is not None and as_of < first:
            raise TeikiError("as_of_before_first_order", as_of=as_of.isoformat(), first=first.isoformat())
        self.as_of: dt.date | None = as_of if as_of is not None else last
        self.empty = first is None
        latest = source.latest_order_date
        self.complete = latest is None or (self.as_of is not None and self.as_of >= latest)  # D sees every purchase
        day = self.as_of or dt.date(1970, 1, 1)
        self.day = ibis.literal(day, "date")
        self.cutoff = cutoff(day)
        self._tables: dict[str, ir.Table] = {}

    def with_orders(self) -> View:
        """This view; the ``no_orders`` error when the shop has no orders yet (the one place it is raised)."""
        if self.as_of is None or self.empty:
            raise TeikiError("no_orders")
        return self

    # ------------------------------------------------------------------ cached tables

    def _get(self, name: str, build) -> ir.Table:
        """``build()``, materialised once when it is computed (a stored table read as it is is not)."""
        if name not in self._tables:
            expr, computed = build()
            self._tables[name] = expr.cache() if self._cache and computed else expr
        return self._tables[name]

    @property
    def orders(self) -> ir.Table:
        f = self.source.order_facts
        return f.filter(f.ordered_at < self.cutoff)

    @property
    def dimensions(self) -> ir.Table:
        """customer_id and the first-purchase dimensions of every customer with a purchase by D."""
        return self.customers.select("customer_id", *DIMENSIONS)

    @property
    def customers(self) -> ir.Table:
        return self._get("customers", self._customers)

    def _customers(self) -> tuple[ir.Table, bool]:
        stored = self.source.customer_facts
        computed = not (stored is not None and self.complete and self.window_days == STORED_WINDOW_DAYS)
        per = customer_summary(self.orders, self.window_days) if computed else stored
        return per.mutate(observed_days=self.day.delta(per.first_date, unit="day")), computed

    @property
    def subscriptions(self) -> ir.Table:
        return self._get("subscriptions", self._subscriptions)

    def _subscriptions(self) -> tuple[ir.Table, bool]:
        src = self.source
        stored = src.subscription_facts if src.subscriptions is not None and self.complete else None
        if stored is not None:
            rows = stored
        else:
            if src.subscriptions is None:
                subs = derived_subscriptions(counted_lines(src.orders).filter(src.orders.ordered_at < self.cutoff),
                                             as_of=dt.datetime.combine(self.as_of or dt.date(1970, 1, 1), dt.time()))
            else:
                subs = src.subscriptions
            d = src.delivery_facts
            rows = subscription_rows(subs, delivery_summary(d.filter(d.ordered_at < self.cutoff)), self.dimensions)
        rows = rows.filter(rows.started_at < self.cutoff)
        cancelled_at = ibis.cases((rows.cancelled_at < self.cutoff, rows.cancelled_at), else_=ibis.null("timestamp"))
        # retention sees a step once its outcome is settled either way, so that early cancellers of young
        # subscriptions weigh no more than their active neighbours (teiki.metrics.retention):
        # a cancellation once the next delivery was due (with a week's grace for a late one) by D …
        grace = ibis.literal(DUE_GRACE_DAYS).as_interval("D")
        due_passed = rows.last_delivery_at + rows.cycle_days.as_interval("D") + grace < self.cutoff
        # … and the last delivery reached once the same grace has passed since it
        settled = (rows.last_delivery_at + grace < self.cutoff) | (rows.reached == 1)
        return rows.mutate(cancelled_at=cancelled_at, cancelled=cancelled_at.notnull(),
                           churn_seen=cancelled_at.notnull() & due_passed,
                           retention_reached=ibis.cases((settled, rows.reached), else_=rows.reached - 1)), stored is None

    @property
    def contact_log(self) -> ir.Table:
        """The contacts up to D, without the customers' dimensions."""
        c = self.source.contacts
        return c.filter(c.contacted_at < self.cutoff)

    @property
    def contacts(self) -> ir.Table:
        c = self.contact_log
        dims = self.dimensions
        return c.left_join(dims, c.customer_id == dims.customer_id).drop("customer_id_right")


def today_or_given(value: dt.date | str | None) -> dt.date | str | None:
    """``"today"`` (any case, blanks around) as today's date; anything else as given."""
    if isinstance(value, str) and value.strip().lower() == "today":
        return dt.date.today()
    return value


EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2999, 12, 31)  # the dates a parameter may name
OLDEST = dt.date(1900, 1, 1)  # the earliest date an import may be told to accept (older history than 1990)


def as_date(value: dt.date | str | None, *, earliest: dt.date = EARLIEST) -> dt.date | None:
    """A date given as a date, a datetime, ``YYYY-MM-DD`` / ``YYYY/MM/DD`` or ``"today"`` (today's date); None
    stays None (for an as-of date: the last order date). The one place a date parameter is resolved; a date
    outside 1990-01-01 (``earliest``) … 2999-12-31 is refused (a year 9999 would overflow every window after it)."""
    value = today_or_given(value)
    if isinstance(value, str):
        value = parse_date(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if value is not None and not earliest <= value <= LATEST:
        raise TeikiError("date_out_of_range", value=value.isoformat(), earliest=earliest.isoformat(),
                         latest=LATEST.isoformat())
    return value


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` (also ``YYYY/MM/DD``) as a date; a clear error otherwise."""
    try:
        return dt.date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise TeikiError("bad_as_of", value=text) from None
