"""One-off (non-subscription) purchases.

Repeat buying follows the BG/NBD story: while alive, a customer buys at their
own Poisson rate (rates vary across customers as a gamma distribution); after
each repeat purchase they drop out with their own probability (beta across
customers). That is what the BG/NBD and Gamma-Gamma forecasts later expect.
"""

from __future__ import annotations

import numpy as np

from teiki.demo.catalog import CROSS_SELLS_OF_LINE, MAINS_OF_LINE, PRODUCTS
from teiki.demo.frames import NONE, Frame, concat_frames, filter_rows, group_rows
from teiki.demo.params import ShopParams
from teiki.demo.sampling import PRICES, pick_by_line
from teiki.demo.timeline import DAY, Window, web_seconds

MAX_REPEATS = 40  # per customer, far more than fit in the period at realistic rates
CROSS_SELL = np.array([p.category == "cross_sell" for p in PRODUCTS])


def one_off_lines(
    rng: np.random.Generator, cust: np.ndarray, t: np.ndarray, channel: np.ndarray, lines: np.ndarray,
    main_share: float, params: ShopParams,
) -> Frame:
    """One order per row: a main or cross-sell product, sometimes two units, sometimes a second product."""
    n = len(cust)
    main = rng.random(n) < main_share
    product = np.where(main, pick_by_line(rng, lines, MAINS_OF_LINE), pick_by_line(rng, lines, CROSS_SELLS_OF_LINE))
    quantity = np.where(rng.random(n) < params.second_unit_share, 2, 1)
    first = {
        "occasion": np.arange(n), "cust": cust, "t": t, "channel": channel, "sub": np.full(n, NONE),
        "k": np.zeros(n, dtype=np.int64), "product": product, "quantity": quantity,
        "amount": PRICES[product] * quantity, "line_no": np.ones(n, dtype=np.int64),
    }
    extra = np.flatnonzero(rng.random(n) < params.extra_line_share)
    other = np.where(
        main[extra],
        pick_by_line(rng, lines[extra], CROSS_SELLS_OF_LINE),
        pick_by_line(rng, lines[extra], MAINS_OF_LINE),
    )
    second = filter_rows(first, extra)
    second.update(product=other, quantity=np.ones(len(extra), dtype=np.int64), amount=PRICES[other],
                  line_no=np.full(len(extra), 2))
    return concat_frames([first, second])


def repeat_times(
    rng: np.random.Generator, t_first: np.ndarray, rate_factor: np.ndarray | float, params: ShopParams, window: Window
) -> tuple[np.ndarray, np.ndarray]:
    """Times of repeat purchases within the period: (index of the buyer, time), BG/NBD-style."""
    n = len(t_first)
    rate = np.maximum(rng.gamma(params.repeat_rate_shape, 1.0 / params.repeat_rate_scale_days, n) * rate_factor, 1e-6)
    dropout = rng.beta(params.repeat_dropout_a, params.repeat_dropout_b, n)
    horizon = (window.end_t - t_first) / DAY
    enough = (rate * horizon * 2 + 10).astype(np.int64)  # rows beyond this would fall after the end
    repeats = np.minimum(np.minimum(rng.geometric(dropout), MAX_REPEATS), enough)
    owner, _, offsets = group_rows(repeats)
    gaps = rng.exponential(1.0, len(owner)) / rate[owner]
    elapsed = np.cumsum(gaps)
    elapsed -= (elapsed[offsets] - gaps[offsets])[owner]
    day = t_first[owner] // DAY + np.clip(elapsed, 1, 1e7).astype(np.int64)
    t = day * DAY + web_seconds(rng, len(day))
    keep = t <= window.end_t
    return owner[keep], t[keep]


def repeat_purchases(
    rng: np.random.Generator, cust: np.ndarray, t_first: np.ndarray, lines: np.ndarray,
    rate_factor: np.ndarray, params: ShopParams, window: Window,
) -> Frame:
    """Order lines of the repeat one-off purchases after each customer's first order."""
    owner, t = repeat_times(rng, t_first, rate_factor, params, window)
    main_share = 1.0 - params.repeat_cross_sell_share
    return one_off_lines(rng, cust[owner], t, np.full(len(t), NONE), lines[owner], main_share, params)


def cross_sell_repurchases(rng: np.random.Generator, subscriber_lines: Frame, params: ShopParams,
                           window: Window) -> Frame:
    """Subscribers who took up a cross-sell product buy it again now and then (one-off orders)."""
    lines = filter_rows(subscriber_lines, CROSS_SELL[subscriber_lines["product"]])
    order = np.lexsort((lines["t"], lines["cust"]))
    first = order[np.r_[True, np.diff(lines["cust"][order]) != 0]] if len(order) else order
    first = first[rng.random(len(first)) < params.cross_sell_repeat_share]
    owner, t = repeat_times(rng, lines["t"][first], params.cross_sell_repeat_rate_factor, params, window)
    n = len(t)
    product = lines["product"][first][owner]
    return {
        "occasion": np.arange(n), "cust": lines["cust"][first][owner], "t": t, "channel": np.full(n, NONE),
        "sub": np.full(n, NONE), "k": np.zeros(n, dtype=np.int64), "product": product,
        "quantity": np.ones(n, dtype=np.int64), "amount": PRICES[product], "line_no": np.ones(n, dtype=np.int64),
    }
