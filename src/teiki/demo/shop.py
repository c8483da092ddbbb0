"""The deterministic synthetic demo shop: a Japanese cosmetics / health-food D2C brand.

``generate`` simulates ``customers`` customers acquired over ``months`` months
ending on ``end`` and writes the six canonical tables as CSV files. The same
arguments always give byte-identical files: every random draw comes from one
``numpy.random.default_rng(seed)`` in a fixed order, and nothing reads the clock.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from teiki.demo.acquisition import (
    TRIAL_PRODUCT,
    direct_starts,
    draw_customers,
    first_order_lines,
    trial_conversions,
)
from teiki.demo.catalog import ONE_OFF
from teiki.demo.followons import second_subscriptions, winbacks
from teiki.demo.frames import concat_frames, concat_order_lines
from teiki.demo.oneoff import cross_sell_repurchases, repeat_purchases
from teiki.demo.params import ShopParams
from teiki.demo.people import fake_people
from teiki.demo.reorders import call_reorders
from teiki.demo.sampling import SUPPLY_DAYS
from teiki.demo.subscriptions import simulate_subscriptions
from teiki.demo.tables import (
    Simulation,
    build_contacts,
    build_customers,
    build_events,
    build_orders,
    build_products,
    build_subscriptions,
    subscription_ranks,
)
from teiki.demo.timeline import Window, make_window
from teiki.demo.writer import ORDERS_ENCODING, ORDERS_FILE, write_table
from teiki.store.schema import ORDERS, TABLES

Progress = Callable[[str, int, int], None]
MAIN_SUPPLY_DAYS = 30  # a one-off buyer's first order lasts about a month
TRIAL_REORDER_DELAY_DAYS = 14  # a trial buyer who declined a subscription is called again two weeks later
STAGES = ("drawing customers", "simulating subscriptions", "simulating one-off purchases", "building tables")


def generate(
    out_dir: Path,
    customers: int = 20_000,
    seed: int = 7,
    end: datetime.date = datetime.date(2026, 10, 31),
    months: int = 24,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write the demo shop into ``out_dir``; return canonical table name -> file path.

    ``progress(stage, done, total)`` is called as stages finish ("simulating
    subscriptions", ...) and as the order file is written ("writing
    受注明細.csv", rows written, total rows).
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    report = progress or (lambda stage, done, total: None)
    params = ShopParams()
    window = make_window(end, months)
    rng = np.random.default_rng(seed)
    sim = simulate(rng, customers, params, window, report)
    report(STAGES[3], 0, 1)
    ranks = subscription_ranks(sim.subscriptions)
    tables = {
        "orders": build_orders(rng, sim, ranks, params, window),
        "subscriptions": build_subscriptions(sim, ranks, window),
        "subscription_events": build_events(sim, ranks, window),
        "products": build_products(),
        "customers": build_customers(sim, window),
        "contacts": build_contacts(sim, ranks, params, window),
    }
    report(STAGES[3], 1, 1)
    return write_tables(tables, Path(out_dir), report)


def simulate(rng: np.random.Generator, n: int, params: ShopParams, window: Window, report: Progress) -> Simulation:
    """Run the whole simulation: customers, subscriptions (two passes), one-off purchases."""
    report(STAGES[0], 0, 1)
    customers = draw_customers(rng, n, window, params)
    people = fake_people(rng, n)
    first_orders = first_order_lines(rng, customers, params)
    converted, followups, not_converted = trial_conversions(rng, customers, params, window)
    report(STAGES[0], 1, 1)

    report(STAGES[1], 0, 2)
    first_pass = simulate_subscriptions(
        rng, concat_frames([converted, direct_starts(rng, customers, params)]), params, window, 0
    )
    report(STAGES[1], 1, 2)
    winback_contacts, restarted = winbacks(rng, first_pass.cancellations, params, window)
    later = concat_frames([second_subscriptions(rng, first_pass.deliveries, params, window), restarted])
    offset = len(first_pass.subscriptions["cust"])
    second_pass = simulate_subscriptions(rng, later, params, window, offset)
    report(STAGES[1], 2, 2)

    report(STAGES[2], 0, 1)
    reorder_contacts, reorders, repeats = one_off_purchases(rng, customers, not_converted, params, window)
    subscriber_parts = [*first_pass.order_parts, *second_pass.order_parts]
    rebought = cross_sell_repurchases(rng, concat_frames(subscriber_parts), params, window)
    report(STAGES[2], 1, 1)
    return Simulation(
        customers=customers,
        people=people,
        order_lines=concat_order_lines([first_orders, *subscriber_parts, reorders, repeats, rebought]),
        subscriptions=concat_frames([first_pass.subscriptions, second_pass.subscriptions]),
        events=concat_frames([first_pass.events, second_pass.events]),
        contacts=concat_frames(
            [followups, first_pass.contacts, winback_contacts, second_pass.contacts, reorder_contacts]
        ),
    )


def one_off_purchases(rng, customers, not_converted: np.ndarray, params: ShopParams, window: Window):
    """Later one-off purchases: phone reorders of some one-off buyers; BG/NBD repeats of the other
    one-off buyers and of some trial buyers who never subscribed. Returns (contacts, reorders, repeats).
    """
    one_off = np.flatnonzero(customers["kind"] == ONE_OFF)
    by_phone = rng.random(len(one_off)) < params.reorder_share
    trial_by_phone = rng.random(len(not_converted)) < params.trial_reorder_share
    called = np.concatenate([one_off[by_phone], not_converted[trial_by_phone]])
    first_gap = np.concatenate([
        np.full(by_phone.sum(), MAIN_SUPPLY_DAYS),
        SUPPLY_DAYS[TRIAL_PRODUCT[customers["line"][not_converted[trial_by_phone]]]] + TRIAL_REORDER_DELAY_DAYS,
    ])
    t = customers["t"][called]
    contacts, reorders = call_reorders(rng, called, t, first_gap, customers["line"][called], params, window)
    one_off, not_converted = one_off[~by_phone], not_converted[~trial_by_phone]
    trial_repeaters = not_converted[rng.random(len(not_converted)) < params.trial_repeater_share]
    cust = np.concatenate([one_off, trial_repeaters])
    factor = np.concatenate([np.ones(len(one_off)), np.full(len(trial_repeaters), params.trial_repeater_rate_factor)])
    repeats = repeat_purchases(rng, cust, customers["t"][cust], customers["line"][cust], factor, params, window)
    return contacts, reorders, repeats


def write_tables(tables: dict[str, pa.Table], out_dir: Path, report: Progress) -> dict[str, Path]:
    """Write the orders export (CP932, Japanese headers) and the other tables (UTF-8, canonical headers)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    label = f"writing {ORDERS_FILE}"
    paths = {
        "orders": write_table(
            tables["orders"], out_dir / ORDERS_FILE, [c.ja for c in ORDERS.columns], ORDERS_ENCODING, "\r\n",
            progress=lambda done, total: report(label, done, total),
        )
    }
    others = [name for name in TABLES if name != "orders"]
    for i, name in enumerate(others):
        paths[name] = write_table(tables[name], out_dir / f"{name}.csv", TABLES[name].column_names)
        report("writing tables", i + 1, len(others))
    return paths
