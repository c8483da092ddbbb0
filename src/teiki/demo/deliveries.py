"""Order lines of subscription deliveries and of the cross-sells that ride along.

A delivery is one order with the subscription's product (one unit, or three on
the 3ヶ月まとめ plan). Cross-sells are most likely at the first delivery (seed
000): either added to the delivery order as an extra line — and then often kept
on the next few deliveries (定期便への追加) — or bought as a separate order a few
days later.
"""

from __future__ import annotations

import numpy as np

from teiki.demo.catalog import CROSS_SELLS_OF_LINE, PREPAY, PREPAY_UNITS
from teiki.demo.frames import NONE, Frame, concat_frames, filter_rows, group_rows
from teiki.demo.lifecycle import Lifetimes, Schedule
from teiki.demo.params import ShopParams
from teiki.demo.sampling import PRICES, PRODUCT_LINES, pick_by_line, yen
from teiki.demo.timeline import DAY, Window, web_times


def one_line_orders(rng, cust: np.ndarray, t: np.ndarray, lines: np.ndarray) -> Frame:
    """Separate one-line cross-sell orders (no channel, no subscription)."""
    product = pick_by_line(rng, lines, CROSS_SELLS_OF_LINE)
    n = len(cust)
    return {
        "occasion": np.arange(n), "cust": cust, "t": t, "channel": np.full(n, NONE), "sub": np.full(n, NONE),
        "k": np.zeros(n, dtype=np.int64), "product": product, "quantity": np.ones(n, dtype=np.int64),
        "amount": PRICES[product], "line_no": np.ones(n, dtype=np.int64),
    }


def delivery_lines(rng, starts: Frame, life: Lifetimes, s: Schedule, delivery_t: np.ndarray, rows: np.ndarray,
                   params: ShopParams, window: Window) -> list[Frame]:
    """Lines of the delivered ``rows``: [delivery orders with their add-ons, separate cross-sell orders]."""
    sub, k = s.sub[rows], s.k[rows]
    product = starts["product"][sub]
    prepay = (starts["plan0"][sub] == PREPAY) | (k >= life.prepay_from[sub])
    price = PRICES[product]
    amount = np.where(k == 1, yen(price * starts["first_factor"][sub]), yen(price * (1 - params.subscription_discount)))
    amount = np.where(prepay, yen(PREPAY_UNITS * price * (1 - params.prepay_discount)), amount)
    n = len(rows)
    t = delivery_t[rows]
    cust = starts["cust"][sub]
    channel = starts["channel"][sub]
    deliveries = {
        "occasion": np.arange(n), "cust": cust, "t": t, "channel": channel, "sub": sub, "k": k,
        "product": product, "quantity": np.where(prepay, PREPAY_UNITS, 1), "amount": amount,
        "line_no": np.ones(n, dtype=np.int64),
    }
    rates = np.asarray(params.cross_sell_line_rate)
    buys = rng.random(n) < rates[np.minimum(k, len(rates)) - 1]
    separate = buys & (rng.random(n) < params.cross_sell_separate_share)
    extra = np.flatnonzero(buys & ~separate)
    added = one_line_orders(rng, cust[extra], t[extra], PRODUCT_LINES[product[extra]])
    # an add-on is a one-off line in the delivery's order
    added.update(occasion=extra, channel=channel[extra], line_no=np.full(len(extra), 2))
    kept = kept_add_ons(rng, added, sub, t, params)
    apart = np.flatnonzero(separate)
    apart_t = web_times(rng, t[apart] // DAY + rng.integers(1, 21, len(apart)))
    bought_apart = one_line_orders(rng, cust[apart], apart_t, PRODUCT_LINES[product[apart]])
    return [concat_frames([deliveries, added, kept]), filter_rows(bought_apart, apart_t <= window.end_t)]


def kept_add_ons(rng: np.random.Generator, added: Frame, sub: np.ndarray, t: np.ndarray, params: ShopParams) -> Frame:
    """Add-on lines repeated on the following deliveries of the same subscription until dropped.

    ``added["occasion"]`` indexes the delivered rows, which are grouped by
    subscription in delivery order, so the next deliveries are the next rows.
    A product already on a delivery is not added to it twice.
    """
    repeats = rng.geometric(params.add_on_drop_rate, len(added["occasion"])) - 1
    source, step, _ = group_rows(repeats)
    position = added["occasion"][source] + step
    valid = position < len(sub)
    valid[valid] = sub[position[valid]] == sub[added["occasion"][source[valid]]]
    kept = filter_rows(added, source[valid])
    kept.update(occasion=position[valid], t=t[position[valid]])
    n_products = len(PRICES)
    key = kept["occasion"] * n_products + kept["product"]
    _, first = np.unique(key, return_index=True)
    first = np.sort(first)
    fresh = ~np.isin(key[first], added["occasion"] * n_products + added["product"])
    return filter_rows(kept, first[fresh])
