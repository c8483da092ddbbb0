"""Phone reorders (seed 000): one-off buyers called just before the product runs out.

Instead of a subscription, the call center calls a few days before the
customer's main product runs out and, if the customer agrees, ships the next
unit as a one-off order ("そろそろ商品がなくなるタイミングなので、送っておきますね").
The chain ends at the first call that is declined or not answered.
"""

from __future__ import annotations

import numpy as np

from teiki.demo.catalog import MAINS_OF_LINE
from teiki.demo.frames import NONE, Frame, filter_rows, group_rows
from teiki.demo.params import ShopParams
from teiki.demo.sampling import PRICES, SUPPLY_DAYS, pick_by_line
from teiki.demo.subscriptions import OFFER_OUTCOMES, PURPOSE
from teiki.demo.timeline import DAY, Window, office_times


def call_reorders(
    rng: np.random.Generator, cust: np.ndarray, t_first: np.ndarray, first_gap: np.ndarray, lines: np.ndarray,
    params: ShopParams, window: Window,
) -> tuple[Frame, Frame]:
    """Follow-up calls before run-out and the orders taken on them: (contacts, order lines).

    The first call comes about ``first_gap`` days after ``t_first`` (when what
    the customer bought first runs out), the next ones a main-product supply apart.
    """
    n = len(cust)
    product = pick_by_line(rng, lines, MAINS_OF_LINE)
    supply = SUPPLY_DAYS[product]
    horizon = (window.end_t - t_first) // DAY
    calls = np.minimum(rng.geometric(1 - params.reorder_accept_rate, n), horizon // (supply - 8) + 1)
    owner, number, offsets = group_rows(calls)
    step = np.where(number == 1, first_gap[owner], supply[owner]) - rng.integers(3, 8, len(owner))  # 3-7 days early
    elapsed = np.cumsum(step)
    elapsed -= (elapsed[offsets] - step[offsets])[owner]
    call_t = office_times(rng, t_first[owner] // DAY + elapsed, window)
    accepted = number < calls[owner]  # the last call of each chain ends it
    outcome = np.where(accepted, 0, np.where(rng.random(len(owner)) < 0.6, 1, 2))
    contacts = {
        "cust": cust[owner], "sub": np.full(len(owner), NONE), "t": call_t,
        "purpose": np.full(len(owner), PURPOSE["followup"]), "outcome": OFFER_OUTCOMES[outcome],
    }
    taken = np.flatnonzero(accepted & (call_t <= window.end_t))
    m = len(taken)
    ordered = product[owner[taken]]
    orders = {
        "occasion": np.arange(m), "cust": cust[owner[taken]], "t": call_t[taken] + rng.integers(60, 900, m),
        "channel": np.full(m, NONE), "sub": np.full(m, NONE), "k": np.zeros(m, dtype=np.int64), "product": ordered,
        "quantity": np.ones(m, dtype=np.int64), "amount": PRICES[ordered], "line_no": np.ones(m, dtype=np.int64),
    }
    return filter_rows(contacts, call_t <= window.end_t), filter_rows(orders, orders["t"] <= window.end_t)
