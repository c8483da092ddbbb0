"""Subscriptions that follow from earlier ones: second products and win-backs.

Some subscribers add a second main product early in their subscription; some
cancelled subscribers are called months later (seed 002: 戻ってきて貰う) and a
few restart. Both are simulated as ordinary subscriptions in a second pass.
"""

from __future__ import annotations

import numpy as np

from teiki.demo.catalog import MONTHLY, PRODUCT_INDEX
from teiki.demo.frames import NONE, Frame, filter_rows
from teiki.demo.params import ShopParams
from teiki.demo.subscriptions import OFFER_OUTCOMES, PURPOSE
from teiki.demo.timeline import DAY, Window, office_times, web_times

MAIN_PRODUCTS = np.array([PRODUCT_INDEX[p] for p in ("M01", "M02", "M03")])
EXISTING_CUSTOMER_CHURN = 0.8  # second subscriptions come from engaged customers
WINBACK_CHURN = 1.1  # restarted subscribers are a little more fragile


def followon_starts(cust, t0, product, churn_mult: float, params: ShopParams) -> Frame:
    """Monthly subscriptions of existing customers (no ad channel)."""
    n = len(cust)
    return {
        "cust": cust, "t0": t0, "product": product, "cycle0": np.full(n, 30), "plan0": np.full(n, MONTHLY),
        "churn_mult": np.full(n, churn_mult), "first_factor": np.full(n, 1 - params.subscription_discount),
        "channel": np.full(n, NONE),
    }


def second_subscriptions(rng: np.random.Generator, deliveries: Frame, params: ShopParams, window: Window) -> Frame:
    """Subscriptions of a different main product started soon after delivery 1-3 of the first."""
    draw = rng.random(len(deliveries["k"]))
    chosen = np.flatnonzero((deliveries["k"] <= 3) & (draw < params.second_subscription_rate))
    position = np.searchsorted(MAIN_PRODUCTS, deliveries["product"][chosen])
    other = MAIN_PRODUCTS[(position + rng.integers(1, len(MAIN_PRODUCTS), len(chosen))) % len(MAIN_PRODUCTS)]
    t0 = web_times(rng, deliveries["t"][chosen] // DAY + rng.integers(1, 11, len(chosen)))
    starts = followon_starts(deliveries["cust"][chosen], t0, other, EXISTING_CUSTOMER_CHURN, params)
    starts = filter_rows(starts, t0 <= window.end_t)
    # one second subscription per customer at most
    _, first = np.unique(starts["cust"], return_index=True)
    return filter_rows(starts, np.sort(first))


def winbacks(rng: np.random.Generator, cancellations: Frame, params: ShopParams, window: Window):
    """Win-back calls to cancelled subscribers 3-6 months later; returns (contacts, restarted subscriptions)."""
    called = np.flatnonzero(rng.random(len(cancellations["t"])) < params.winback_call_share)
    t = office_times(rng, cancellations["t"][called] // DAY + rng.integers(90, 201, len(called)), window)
    outcome = rng.choice(3, len(called), p=params.winback_outcomes)
    contacts = {
        "cust": cancellations["cust"][called], "sub": cancellations["sub"][called], "t": t,
        "purpose": np.full(len(called), PURPOSE["winback"]), "outcome": OFFER_OUTCOMES[outcome],
    }
    restart = np.flatnonzero(outcome == 0)
    t0 = t[restart] + rng.integers(600, 3600, len(restart))
    starts = followon_starts(
        cancellations["cust"][called][restart], t0, cancellations["product"][called][restart], WINBACK_CHURN, params
    )
    return filter_rows(contacts, t <= window.end_t), filter_rows(starts, t0 <= window.end_t)
