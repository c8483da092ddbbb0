"""New customers: when they arrive, through which channel, and their first order.

Two-step sales (ツーステップ): most customers start with a trial set; a
channel-dependent share then starts a main-product subscription, more of them
when the call center calls before the trial runs out (seed 000). Others start
a subscription directly or buy a one-off product.
"""

from __future__ import annotations

import numpy as np

from teiki.demo.catalog import (
    CHANNELS,
    COSMETICS,
    DIRECT_SUBSCRIPTION,
    MAINS_OF_LINE,
    MONTHLY,
    ONE_OFF,
    PREPAY,
    PREPAY_CYCLE_DAYS,
    PRODUCT_INDEX,
    SUPPLEMENTS,
    TRIAL,
    TRIAL_OF_LINE,
)
from teiki.demo.frames import NONE, Frame, filter_rows
from teiki.demo.oneoff import one_off_lines
from teiki.demo.params import ShopParams
from teiki.demo.sampling import PRICES, SUPPLY_DAYS, choose_rows, outcome_codes, pick_by_line
from teiki.demo.subscriptions import OFFER_OUTCOMES, OUTCOME, PURPOSE
from teiki.demo.timeline import DAY, Window, acquisition_times, office_times, web_times

KIND_MIX = np.array([c.kind_mix for c in CHANNELS])
TRIAL_CONVERSION = np.array([c.trial_conversion for c in CHANNELS])
CHURN_MULTIPLIER = np.array([c.churn_multiplier for c in CHANNELS])
TRIAL_PRODUCT = np.array([PRODUCT_INDEX[TRIAL_OF_LINE[line]] for line in (COSMETICS, SUPPLEMENTS)])


def draw_customers(rng: np.random.Generator, n: int, window: Window, params: ShopParams) -> Frame:
    """Customers in order of their first order: time, channel, kind of first order, product line."""
    t = acquisition_times(rng, n, window, params)
    position = (t / window.end_t)[:, None]
    start = np.array([c.weight_start for c in CHANNELS])
    end = np.array([c.weight_end for c in CHANNELS])
    channel = choose_rows(rng, (1 - position) * start / start.sum() + position * end / end.sum())
    kind = choose_rows(rng, KIND_MIX[channel])
    line = np.where(rng.random(n) < params.cosmetics_share, COSMETICS, SUPPLEMENTS)
    early = rng.random(n) < params.registered_early_share
    created = np.where(early, t - rng.integers(DAY, 30 * DAY, n), t - rng.integers(0, 900, n))
    return {"t": t, "channel": channel, "kind": kind, "line": line, "created_t": created}


def first_order_lines(rng: np.random.Generator, customers: Frame, params: ShopParams) -> Frame:
    """The first orders of trial and one-off customers (direct subscribers' come with their subscription)."""
    trial = np.flatnonzero(customers["kind"] == TRIAL)
    product = TRIAL_PRODUCT[customers["line"][trial]]
    n = len(trial)
    trials = {
        "occasion": np.arange(n), "cust": trial, "t": customers["t"][trial], "channel": customers["channel"][trial],
        "sub": np.full(n, NONE), "k": np.zeros(n, dtype=np.int64), "product": product,
        "quantity": np.ones(n, dtype=np.int64), "amount": PRICES[product], "line_no": np.ones(n, dtype=np.int64),
    }
    one_off = np.flatnonzero(customers["kind"] == ONE_OFF)
    t, channel, line = customers["t"][one_off], customers["channel"][one_off], customers["line"][one_off]
    others = one_off_lines(rng, one_off, t, channel, line, params.first_one_off_main_share, params)
    others["occasion"] = others["occasion"] + n
    return {name: np.concatenate([trials[name], others[name]]) for name in trials}


def subscription_starts(rng, cust: np.ndarray, t0: np.ndarray, customers: Frame, first_factor: float,
                        params: ShopParams) -> Frame:
    """Subscriptions of the customers' main product, starting at ``t0``."""
    n = len(cust)
    cycles = np.array([c for c, _ in params.cycle_mix])
    weights = np.array([w for _, w in params.cycle_mix])
    cycle0 = cycles[rng.choice(len(cycles), n, p=weights / weights.sum())]
    channel = customers["channel"][cust]
    return {
        "cust": cust, "t0": t0, "product": pick_by_line(rng, customers["line"][cust], MAINS_OF_LINE),
        "cycle0": cycle0, "plan0": np.where(cycle0 == PREPAY_CYCLE_DAYS, PREPAY, MONTHLY),
        "churn_mult": CHURN_MULTIPLIER[channel], "first_factor": np.full(n, first_factor), "channel": channel,
    }


def trial_conversions(rng: np.random.Generator, customers: Frame, params: ShopParams, window: Window):
    """Trial buyers who start a subscription, the follow-up calls before their trial runs out, and the rest.

    Returns (subscription starts, follow-up contacts, trial buyers without a subscription).
    """
    trial = np.flatnonzero(customers["kind"] == TRIAL)
    n = len(trial)
    t, channel = customers["t"][trial], customers["channel"][trial]
    supply = SUPPLY_DAYS[TRIAL_PRODUCT[customers["line"][trial]]]
    called = rng.random(n) < params.followup_call_share
    call_t = office_times(rng, t // DAY + supply - 3, window)
    chance = np.minimum(TRIAL_CONVERSION[channel] * np.where(called, params.followup_lift, 1.0), 0.95)
    converts = rng.random(n) < chance
    late = rng.random(n) < params.late_conversion_share
    lag = np.where(late, rng.integers(21, 85, n), np.maximum(supply + rng.integers(-3, 11, n), 2))
    t0 = np.where(called, call_t + rng.integers(60, 1800, n), web_times(rng, t // DAY + lag))
    outcome = np.where(converts, OUTCOME["accepted"], OFFER_OUTCOMES[outcome_codes(rng, n, 0.0, 0.55)])
    contacts = {
        "cust": trial[called], "sub": np.full(called.sum(), NONE), "t": call_t[called],
        "purpose": np.full(called.sum(), PURPOSE["followup"]), "outcome": outcome[called],
    }
    starting = np.flatnonzero(converts & (t0 <= window.end_t))
    regular_price = 1 - params.subscription_discount
    starts = subscription_starts(rng, trial[starting], t0[starting], customers, regular_price, params)
    return starts, filter_rows(contacts, contacts["t"] <= window.end_t), trial[~converts]


def direct_starts(rng: np.random.Generator, customers: Frame, params: ShopParams) -> Frame:
    """Subscriptions started with the first order (初回割引 on the first delivery)."""
    direct = np.flatnonzero(customers["kind"] == DIRECT_SUBSCRIPTION)
    first_price = 1 - params.first_delivery_discount
    return subscription_starts(rng, direct, customers["t"][direct], customers, first_price, params)
