"""The life of each subscription: how long it lasts and what happens on the way.

Churn follows the shifted-beta-geometric model: every subscriber has their own
per-delivery cancel probability drawn from a beta distribution (scaled by the
acquisition channel's quality), so cohort retention curves fall steeply at
first and then flatten. After delivery ``t1`` the subscriber asks to cancel;
a call may save them, after which they stay for a further geometric number of
deliveries and cancel for good after delivery ``tf``.

Each subscription is expanded into rows ``k = 1 .. tf + 1``: row ``k`` is the
delivery-interval ending in delivery ``k``; row ``tf + 1`` is the delivery that
never happens (the cancellation falls inside it). Skips, pauses and cycle
changes lengthen intervals; skips and cycle changes cluster just before the
cancellation (seed 002: early signs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teiki.demo.catalog import LONGER_CYCLES, MONTHLY, PREPAY_CYCLE_DAYS
from teiki.demo.frames import Frame, group_rows
from teiki.demo.params import ShopParams
from teiki.demo.timeline import DAY, Window

NEVER = 1 << 40  # a delivery number that is never reached
SAVE_PERSUADED, SAVE_SKIP, SAVE_CYCLE = 0, 1, 2  # how a saved cancel call kept the subscription
CC_NONE, CC_SELF, CC_DOWNSELL_CALL, CC_SAVE = 0, 1, 2, 3  # how a cycle change came about


@dataclass
class Lifetimes:
    """Per subscription: cancel attempts, saves, upsell and cycle change plans."""

    t1: np.ndarray  # delivery after which the first cancel request comes
    tf: np.ndarray  # last delivery (capped where it falls beyond the period)
    saved: np.ndarray  # the first request was saved on the phone
    save_mode: np.ndarray  # SAVE_* for saved subscriptions
    called_final: np.ndarray  # the final cancellation came through the call center
    upsell_after: np.ndarray  # delivery after which a 3ヶ月まとめ offer is made
    upsell_offered: np.ndarray
    upsell_outcome: np.ndarray  # 0 accepted, 1 declined, 2 no answer
    prepay_from: np.ndarray  # first delivery on the prepay plan (NEVER if none)
    cc_after: np.ndarray  # delivery after which the cycle changes (NEVER if none)
    cc_new: np.ndarray  # the new cycle days
    cc_mode: np.ndarray  # CC_*


@dataclass
class Schedule:
    """The interval rows of all subscriptions (see the module docstring)."""

    sub: np.ndarray  # subscription of each row
    k: np.ndarray  # delivery number the row ends in
    offsets: np.ndarray  # first row of each subscription
    cycle: np.ndarray  # cycle days in force for the interval
    skip: np.ndarray  # the interval contains a skipped delivery
    pause: np.ndarray  # the interval contains a pause
    day: np.ndarray  # day of the delivery ending the interval

    def row(self, k: np.ndarray, subs: np.ndarray | None = None) -> np.ndarray:
        """Row index of delivery ``k`` of each subscription (or of ``subs``)."""
        offsets = self.offsets if subs is None else self.offsets[subs]
        return offsets + k - 1


def draw_lifetimes(rng: np.random.Generator, starts: Frame, params: ShopParams, window: Window) -> Lifetimes:
    """Cancel attempts, saves, upsells and cycle changes of each subscription."""
    n = len(starts["cust"])
    theta = np.clip(rng.beta(params.churn_beta_a, params.churn_beta_b, n) * starts["churn_mult"], 0.004, 0.97)
    t1 = rng.geometric(theta)
    saved = (rng.random(n) < params.cancel_call_share) & (rng.random(n) < params.save_rate)
    extra = rng.geometric(np.clip(theta * params.saved_churn_multiplier, 0.004, 0.97))
    cap = delivery_cap(starts, window)
    saved &= t1 < cap
    tf = np.minimum(np.where(saved, t1 + extra, t1), cap)
    save_mode = np.where(saved, rng.choice(3, n, p=[0.3, 0.4, 0.3]), SAVE_PERSUADED)
    called_final = rng.random(n) < params.cancel_call_share
    upsell_after, offered, outcome, prepay_from = draw_upsells(rng, starts, t1, tf, params)
    cc_after, cc_new, cc_mode = draw_cycle_changes(rng, starts, t1, tf, save_mode, saved, prepay_from, params)
    return Lifetimes(
        t1, tf, saved, save_mode, called_final, upsell_after, offered, outcome, prepay_from, cc_after, cc_new, cc_mode
    )


def delivery_cap(starts: Frame, window: Window) -> np.ndarray:
    """A delivery number each subscription cannot reach within the period.

    Intervals are at least ``cycle - 2`` days (cycles only ever lengthen), so
    delivery ``cap`` falls after the period's end.
    """
    horizon = window.days - starts["t0"] // DAY
    return horizon // (starts["cycle0"] - 3) + 2


def draw_upsells(rng: np.random.Generator, starts: Frame, t1: np.ndarray, tf: np.ndarray, params: ShopParams):
    """3ヶ月まとめ offers to monthly subscribers after delivery 2-4, and who accepts."""
    n = len(t1)
    after = rng.integers(2, 5, n)
    eligible = (starts["plan0"] == MONTHLY) & (after < np.minimum(t1, tf))
    offered = eligible & (rng.random(n) < params.upsell_offer_rate)
    outcome = rng.choice(3, n, p=params.upsell_outcomes)
    prepay_from = np.where(offered & (outcome == 0), after + 1, NEVER)
    return after, offered, outcome, prepay_from


def draw_cycle_changes(rng, starts, t1, tf, save_mode, saved, prepay_from, params: ShopParams):
    """One cycle change (to a longer cycle) for some subscriptions: at random, before the cancellation, or as a save."""
    n = len(t1)
    anywhere = rng.random(n) < params.cycle_change_rate
    before_cancel = rng.random(n) < params.cycle_change_before_cancel
    after = np.where(anywhere, rng.integers(1, tf + 1), NEVER)
    after = np.where(before_cancel, np.maximum(tf - rng.integers(0, 2, n), 1), after)
    by_call = rng.random(n) < params.downsell_call_share
    mode = np.where(after < NEVER, np.where(by_call, CC_DOWNSELL_CALL, CC_SELF), CC_NONE)
    by_save = saved & (save_mode == SAVE_CYCLE)
    after = np.where(by_save, t1, after)
    mode = np.where(by_save, CC_SAVE, mode)
    allowed = (starts["plan0"] == MONTHLY) & (after + 1 < prepay_from)
    after = np.where(allowed, after, NEVER)
    mode = np.where(allowed, mode, CC_NONE)
    return after, longer_cycles(rng, starts["cycle0"], by_save), mode


def longer_cycles(rng: np.random.Generator, cycle: np.ndarray, longest: np.ndarray) -> np.ndarray:
    """The cycle each subscription would change to (the longer option where ``longest``)."""
    options = np.zeros((max(LONGER_CYCLES) + 1, 2), dtype=np.int64)
    for days, choices in LONGER_CYCLES.items():
        options[days] = choices
    pick = np.where(longest, 1, rng.integers(0, 2, len(cycle)))
    return options[np.minimum(cycle, len(options) - 1), pick]


def schedule(rng: np.random.Generator, starts: Frame, life: Lifetimes, params: ShopParams) -> Schedule:
    """Lay out every subscription's delivery intervals and their delivery days."""
    sub, k, offsets = group_rows(life.tf + 1)
    cycle = np.where(k - 1 >= life.cc_after[sub], life.cc_new[sub], starts["cycle0"][sub])
    cycle = np.where(k >= life.prepay_from[sub], PREPAY_CYCLE_DAYS, cycle)
    near_end = k >= life.tf[sub]
    skip_p = np.where(near_end, params.skip_rate_before_cancel, params.skip_rate)
    skip = (k >= 2) & (rng.random(len(k)) < skip_p)
    pause = (k >= 2) & ~skip & (rng.random(len(k)) < params.pause_rate)
    after_save = offsets[life.saved] + life.t1[life.saved]  # the row following the saved request
    skip[after_save] = life.save_mode[life.saved] == SAVE_SKIP
    pause[after_save] = False
    pause_days = np.where(pause, rng.integers(params.pause_days[0], params.pause_days[1] + 1, len(k)), 0)
    interval = np.where(k >= 2, cycle * (1 + skip) + pause_days + rng.integers(-2, 3, len(k)), 0)
    total = np.cumsum(interval)
    day = starts["t0"][sub] // DAY + total - total[offsets][sub]
    return Schedule(sub, k, offsets, cycle, skip, pause, day)
