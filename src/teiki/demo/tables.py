"""Turn the simulation's integer-coded frames into the six canonical tables.

Ids are assigned in time order (customers by first order, subscriptions by
start, orders by order time, contacts by contact time), as a cart system would
number them. Columns are named and ordered from ``teiki.store.schema``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from teiki.demo.catalog import CHANNELS, ORDER_STATUS_JA, PLANS, PRODUCTS, reason_texts
from teiki.demo.frames import NONE, Frame
from teiki.demo.params import ShopParams
from teiki.demo.subscriptions import EVENT
from teiki.demo.timeline import DAY, Window
from teiki.store.schema import (
    CONTACT_OUTCOMES,
    CONTACT_PURPOSES,
    CONTACTS,
    CUSTOMERS,
    EVENT_KINDS,
    ORDERS,
    PRODUCTS as PRODUCTS_SPEC,
    STATUSES,
    SUBSCRIPTION_EVENTS,
    SUBSCRIPTIONS,
)

REQUEST_VIA = ("電話", "Web")  # cancel_request detail, indexed by subscriptions.PHONE / WEB


@dataclass
class Simulation:
    """Everything simulated, as integer-coded frames (times in seconds from the period start)."""

    customers: Frame  # t, channel, kind, line, created_t; row = customer number - 1
    people: dict[str, pa.Array]
    order_lines: Frame  # occasion, cust, t, channel, sub, k, product, quantity, amount, line_no
    subscriptions: Frame  # row = global subscription index
    events: Frame  # sub, t, kind, detail
    contacts: Frame  # cust, sub, t, purpose, outcome


@lru_cache(maxsize=1)
def clock_strings() -> pa.Array:
    """"HH:MM:SS" for every second of a day."""
    s = np.arange(DAY)
    return pa.array([f"{h:02d}:{m:02d}:{x:02d}" for h, m, x in zip(s // 3600, s // 60 % 60, s % 60, strict=True)])


def date_strings(days: np.ndarray, window: Window, sep: str = "-", null: np.ndarray | None = None) -> pa.Array:
    """Dates ``YYYY-MM-DD`` (or with another separator) of day numbers; null where ``null``."""
    days = np.asarray(days, dtype=np.int64)
    low = int(days.min()) if len(days) else 0
    high = int(days.max()) if len(days) else 0
    if null is not None and null.any():
        low, high = (int(days[~null].min()), int(days[~null].max())) if (~null).any() else (0, 0)
    calendar = np.datetime_as_string(np.datetime64(window.start, "D") + np.arange(low, high + 1))
    table = pa.array(np.char.replace(calendar, "-", sep) if sep != "-" else calendar)
    index = np.clip(days - low, 0, high - low)
    return table.take(pa.array(index, mask=null))


def timestamp_strings(t: np.ndarray, window: Window, sep: str = "-", null: np.ndarray | None = None) -> pa.Array:
    """Timestamps ``YYYY-MM-DD HH:MM:SS`` of seconds from the period start; null where ``null``."""
    t = np.asarray(t, dtype=np.int64)
    dates = date_strings(t // DAY, window, sep, null)
    clocks = clock_strings().take(pa.array(t % DAY))
    return pc.binary_join_element_wise(dates, clocks, " ")


def id_strings(prefix: str, numbers: np.ndarray, width: int, null: np.ndarray | None = None) -> pa.Array:
    """Ids like ``C0000123`` from numbers; null where ``null``."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width=width, padding="0")
    ids = pc.binary_join_element_wise(prefix, digits, "")
    return ids if null is None else pc.if_else(pa.array(null), pa.nulls(len(ids), pa.string()), ids)


def labels(values: list[str] | tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """Strings of integer codes; null where the code is NONE."""
    codes = np.asarray(codes, dtype=np.int64)
    return pa.array(list(values), pa.string()).take(pa.array(np.maximum(codes, 0), mask=codes < 0))


def customer_ids(cust: np.ndarray) -> pa.Array:
    """Customer ids: customers are numbered in order of their first order."""
    return id_strings("C", np.asarray(cust) + 1, 7)


def subscription_ranks(subs: Frame) -> np.ndarray:
    """Subscription number (0-based) of each global subscription index, in order of start."""
    order = np.lexsort((np.arange(len(subs["t0"])), subs["cust"], subs["t0"]))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


def subscription_ids(sub: np.ndarray, ranks: np.ndarray) -> pa.Array:
    """Subscription ids of global subscription indices (NONE -> null)."""
    sub = np.asarray(sub)
    padded = np.append(ranks, 0)  # NONE looks up the extra entry, so a shop without subscriptions works too
    return id_strings("S", padded[np.where(sub < 0, len(ranks), sub)] + 1, 7, null=sub < 0)


def build_orders(rng: np.random.Generator, sim: Simulation, ranks: np.ndarray, params: ShopParams,
                 window: Window) -> pa.Table:
    """受注明細: one row per order line, order ids in time order, a few cancelled or returned orders."""
    lines = sim.order_lines
    heads = np.flatnonzero(lines["line_no"] == 1)  # one per order occasion
    order = np.lexsort((lines["occasion"][heads], lines["cust"][heads], lines["t"][heads]))
    order_no = np.empty(int(lines["occasion"].max()) + 1, dtype=np.int64)
    order_no[lines["occasion"][heads][order]] = np.arange(len(heads))
    cancelled, returned = params.cancel_status_rate, params.return_status_rate
    status_of_order = rng.choice(len(STATUSES), len(heads), p=[1 - cancelled - returned, cancelled, returned])
    line_order_no = order_no[lines["occasion"]]
    rows = np.lexsort((lines["line_no"], line_order_no))
    no = line_order_no[rows]
    k = lines["k"][rows]
    columns = {
        "order_id": id_strings("O", no + 1, 8),
        "customer_id": customer_ids(lines["cust"][rows]),
        "ordered_at": timestamp_strings(lines["t"][rows], window, sep="/"),
        "product_id": labels([p.product_id for p in PRODUCTS], lines["product"][rows]),
        "quantity": pa.array(lines["quantity"][rows]),
        "amount": pa.array(lines["amount"][rows]),
        "subscription_id": subscription_ids(lines["sub"][rows], ranks),
        "delivery_no": pa.array(k, mask=k == 0),
        "channel": labels([c.name for c in CHANNELS], lines["channel"][rows]),
        "status": labels([ORDER_STATUS_JA[s] for s in STATUSES], status_of_order[no]),
    }
    return pa.table([columns[c] for c in ORDERS.column_names], names=ORDERS.column_names)


def build_subscriptions(sim: Simulation, ranks: np.ndarray, window: Window) -> pa.Table:
    """subscriptions: one row per subscription in order of start, state as of the period's end."""
    s = sim.subscriptions
    rows = np.argsort(ranks)
    cancelled = s["cancel_t"][rows] == NONE
    paused = s["paused_until_day"][rows]
    columns = {
        "subscription_id": id_strings("S", ranks[rows] + 1, 7),
        "customer_id": customer_ids(s["cust"][rows]),
        "product_id": labels([p.product_id for p in PRODUCTS], s["product"][rows]),
        "started_at": timestamp_strings(s["t0"][rows], window),
        "cancelled_at": timestamp_strings(np.maximum(s["cancel_t"][rows], 0), window, null=cancelled),
        "cancel_reason": labels(reason_texts()[0], s["reason"][rows]),
        "cycle_days": pa.array(s["cycle"][rows]),
        "plan": labels(PLANS, s["plan"][rows]),
        "paused_until": date_strings(np.maximum(paused, 0), window, null=paused == NONE),
    }
    return pa.table([columns[c] for c in SUBSCRIPTIONS.column_names], names=SUBSCRIPTIONS.column_names)


def event_details(kind: np.ndarray, detail: np.ndarray, window: Window) -> pa.Array:
    """The detail text of each event: new cycle, new plan, pause end, request channel, cancel reason."""
    out = np.full(len(kind), None, dtype=object)
    formats = {
        "cycle_change": lambda d: d.astype(str),
        "plan_change": lambda d: np.asarray(PLANS, dtype=object)[d],
        "pause": lambda d: date_strings(d, window).to_numpy(zero_copy_only=False),
        "cancel_request": lambda d: np.asarray(REQUEST_VIA, dtype=object)[d],
        "cancel": lambda d: np.asarray(reason_texts()[0], dtype=object)[d],
    }
    for name, render in formats.items():
        where = np.flatnonzero((kind == EVENT[name]) & (detail != NONE))
        if len(where):
            out[where] = render(detail[where])
    return pa.array(out, pa.string())


def build_events(sim: Simulation, ranks: np.ndarray, window: Window) -> pa.Table:
    """subscription_events in time order."""
    e = sim.events
    rows = np.lexsort((e["kind"], ranks[e["sub"]], e["t"]))
    columns = {
        "subscription_id": subscription_ids(e["sub"][rows], ranks),
        "occurred_at": timestamp_strings(e["t"][rows], window),
        "kind": labels(EVENT_KINDS, e["kind"][rows]),
        "detail": event_details(e["kind"][rows], e["detail"][rows], window),
    }
    return pa.table([columns[c] for c in SUBSCRIPTION_EVENTS.column_names], names=SUBSCRIPTION_EVENTS.column_names)


def build_contacts(sim: Simulation, ranks: np.ndarray, params: ShopParams, window: Window) -> pa.Table:
    """contacts: the call-center log in time order."""
    c = sim.contacts
    rows = np.lexsort((c["purpose"], c["cust"], c["t"]))
    n = len(rows)
    columns = {
        "contact_id": id_strings("CT", np.arange(1, n + 1), 8),
        "customer_id": customer_ids(c["cust"][rows]),
        "contacted_at": timestamp_strings(c["t"][rows], window),
        "purpose": labels(CONTACT_PURPOSES, c["purpose"][rows]),
        "outcome": labels(CONTACT_OUTCOMES, c["outcome"][rows]),
        "cost": pa.array(np.full(n, params.contact_cost, dtype=np.int64)),
        "subscription_id": subscription_ids(c["sub"][rows], ranks),
    }
    return pa.table([columns[c] for c in CONTACTS.column_names], names=CONTACTS.column_names)


def build_customers(sim: Simulation, window: Window) -> pa.Table:
    """customers: one row per customer, numbered by first order."""
    cu = sim.customers
    n = len(cu["t"])
    columns = {
        "customer_id": customer_ids(np.arange(n)),
        "created_at": timestamp_strings(cu["created_t"], window),
        **sim.people,
        "first_channel": labels([c.name for c in CHANNELS], cu["channel"]),
    }
    return pa.table([columns[c] for c in CUSTOMERS.column_names], names=CUSTOMERS.column_names)


def build_products() -> pa.Table:
    """products: the catalogue."""
    columns = {
        "product_id": pa.array([p.product_id for p in PRODUCTS]),
        "name": pa.array([p.name for p in PRODUCTS]),
        "category": pa.array([p.category for p in PRODUCTS]),
        "unit_price": pa.array([p.unit_price for p in PRODUCTS]),
        "days_supply": pa.array([p.days_supply for p in PRODUCTS]),
        "gross_margin": pa.array([p.gross_margin for p in PRODUCTS]),
    }
    return pa.table([columns[c] for c in PRODUCTS_SPEC.column_names], names=PRODUCTS_SPEC.column_names)
