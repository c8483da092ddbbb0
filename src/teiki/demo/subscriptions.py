"""Simulate subscriptions: deliveries, events, call-center contacts, final state.

``simulate_subscriptions`` takes a frame of subscription starts (customer,
first-delivery time, product, cycle, plan, channel quality ...) and returns
everything those subscriptions leave in the shop's data, already cut at the
end of the period. The life of each subscription is drawn in ``lifecycle``;
this module turns it into times, order lines, events and contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teiki.demo.catalog import MONTHLY, PREPAY, PREPAY_CYCLE_DAYS, REASON_BY_DELIVERY, reason_texts
from teiki.demo.deliveries import delivery_lines, one_line_orders
from teiki.demo.frames import NONE, Frame, filter_rows
from teiki.demo.lifecycle import (
    CC_DOWNSELL_CALL,
    CC_SAVE,
    NEVER,
    SAVE_SKIP,
    Lifetimes,
    Schedule,
    draw_lifetimes,
    schedule,
)
from teiki.demo.params import ShopParams
from teiki.demo.sampling import PRODUCT_LINES, choose_rows, outcome_codes
from teiki.demo.timeline import DAY, Window, batch_seconds, office_times, web_times
from teiki.store.schema import CONTACT_OUTCOMES, CONTACT_PURPOSES, EVENT_KINDS

EVENT = {kind: i for i, kind in enumerate(EVENT_KINDS)}
PURPOSE = {purpose: i for i, purpose in enumerate(CONTACT_PURPOSES)}
OUTCOME = {outcome: i for i, outcome in enumerate(CONTACT_OUTCOMES)}
OFFER_OUTCOMES = np.array([OUTCOME["accepted"], OUTCOME["declined"], OUTCOME["no_answer"]])
PHONE, WEB = 0, 1  # how a cancel request arrived (cancel_request event detail)
PLAN_CHANGE_DELAY = 300  # seconds from the accepted upsell call to the plan change
CANONICAL_REASON_SHARE = 0.55  # reasons recorded as the category itself (else a free-text variant)
NO_REASON_SHARE = 0.08  # cancellations without a recorded reason


@dataclass
class Moments:
    """When things happen: per interval row and per subscription (int64 seconds)."""

    delivery_t: np.ndarray  # per row
    skip_t: np.ndarray  # per row: when the skip was requested
    pause_t: np.ndarray  # per row: when the pause was requested
    resume_day: np.ndarray  # per row: the day a pause ends
    request1_t: np.ndarray  # per subscription: the saved cancel request
    cc_t: np.ndarray  # per subscription: the cycle change
    upsell_t: np.ndarray  # per subscription: the 3ヶ月まとめ offer call
    request_t: np.ndarray  # per subscription: the final cancel request
    cancel_t: np.ndarray  # per subscription: the cancellation


@dataclass
class SubscriptionResult:
    """What a batch of subscriptions leaves in the data (cut at the period's end)."""

    subscriptions: Frame
    order_parts: list[Frame]
    events: Frame
    contacts: Frame
    deliveries: Frame  # delivered rows (cust, t, product, k) for follow-on subscriptions
    cancellations: Frame  # cancelled subscriptions (cust, t, product, sub) for win-back calls


def simulate_subscriptions(
    rng: np.random.Generator, starts: Frame, params: ShopParams, window: Window, sub_offset: int
) -> SubscriptionResult:
    """Simulate the given subscriptions; their ids are ``sub_offset + position``."""
    life = draw_lifetimes(rng, starts, params, window)
    sched = schedule(rng, starts, life, params)
    mo = moments(rng, starts, life, sched, params, window)
    delivered = (sched.k <= life.tf[sched.sub]) & (mo.delivery_t <= window.end_t)
    rows = np.flatnonzero(delivered)
    subs = final_state(rng, starts, life, sched, mo, rows, window)
    events = subscription_events(starts, life, sched, mo, subs, sub_offset, window)
    contacts, cross_sell_orders = offer_contacts(rng, starts, life, sched, mo, params, window)
    parts = delivery_lines(rng, starts, life, sched, mo.delivery_t, rows, params, window) + [cross_sell_orders]
    for frame in (contacts, *parts):
        frame["sub"] = np.where(frame["sub"] >= 0, frame["sub"] + sub_offset, NONE)
    cancelled = np.flatnonzero(subs["cancel_t"] != NONE)
    return SubscriptionResult(
        subscriptions=subs,
        order_parts=parts,
        events=events,
        contacts=contacts,
        deliveries={"cust": starts["cust"][sched.sub[rows]], "t": mo.delivery_t[rows],
                    "product": starts["product"][sched.sub[rows]], "k": sched.k[rows]},
        cancellations={"cust": starts["cust"][cancelled], "t": subs["cancel_t"][cancelled],
                       "product": starts["product"][cancelled], "sub": cancelled + sub_offset},
    )


def moments(rng, starts: Frame, life: Lifetimes, s: Schedule, params: ShopParams, window: Window) -> Moments:
    """Times of deliveries, skips, pauses, cycle changes, offers and cancellations."""
    n, m = len(life.t1), len(s.k)
    prev_day = np.concatenate([[0], s.day[:-1]])
    skip_day = prev_day + s.cycle - rng.integers(3, 12, m)
    pause_day = prev_day + rng.integers(3, 16, m)
    delivery_t = np.where(s.k == 1, starts["t0"][s.sub], s.day * DAY + batch_seconds(rng, m))
    skip_t, pause_t = web_times(rng, skip_day), web_times(rng, pause_day)

    saved_row = s.row(np.minimum(life.t1, life.tf))  # delivery t1 (valid where saved)
    lo = s.day[saved_row] + 1
    hi = s.day[saved_row] + s.cycle[saved_row + 1] - 4
    request1_t = office_times(rng, lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64), window)
    skipped = life.saved & (life.save_mode == SAVE_SKIP)
    skip_t[saved_row[skipped] + 1] = request1_t[skipped] + 120

    cc_day = s.day[s.row(np.minimum(life.cc_after, life.tf))] + rng.integers(3, 21, n)
    cc_t = np.where(life.cc_mode == CC_DOWNSELL_CALL, office_times(rng, cc_day, window), web_times(rng, cc_day))
    cc_t = np.where(life.cc_mode == CC_SAVE, request1_t + 120, cc_t)
    upsell_day = s.day[s.row(np.minimum(life.upsell_after, life.tf))] + rng.integers(5, 16, n)
    upsell_t = office_times(rng, upsell_day, window)

    last = s.row(life.tf)
    never = last + 1  # the delivery that does not happen
    lower = s.day[last] + 1
    lower = np.where(s.skip[never], np.maximum(lower, skip_day[never] + 1), lower)
    lower = np.where(s.pause[never], np.maximum(lower, pause_day[never] + 1), lower)
    lower = np.where(life.cc_after == life.tf, np.maximum(lower, cc_day + 1), lower)
    upper = s.day[never] - 4
    request_day = lower + (rng.beta(2.0, 1.3, n) * (upper - lower + 1)).astype(np.int64)
    request_t = np.where(life.called_final, office_times(rng, request_day, window), web_times(rng, request_day))
    lag = rng.integers(0, params.cancel_processing_days + 1, n)
    processed = np.maximum(office_times(rng, request_day + lag, window), request_t + 600)
    cancel_t = np.where(life.called_final, request_t + rng.integers(60, 600, n), processed)
    return Moments(
        delivery_t, skip_t, pause_t, s.day - rng.integers(2, 7, m), request1_t, cc_t, upsell_t, request_t, cancel_t
    )


def final_state(
    rng, starts: Frame, life: Lifetimes, s: Schedule, mo: Moments, rows: np.ndarray, window: Window
) -> Frame:
    """Each subscription as of the period's end: cancellation, reason, cycle, plan, pause."""
    n = len(life.t1)
    end = window.end_t
    cancelled = mo.cancel_t <= end
    upsold = (life.prepay_from < NEVER) & (mo.upsell_t + PLAN_CHANGE_DELAY <= end)
    prepay = (starts["plan0"] == PREPAY) | upsold
    cycle = np.where((life.cc_after < NEVER) & (mo.cc_t <= end), life.cc_new, starts["cycle0"])
    cycle = np.where(upsold, PREPAY_CYCLE_DAYS, cycle)
    next_row = s.offsets + np.bincount(s.sub[rows], minlength=n)  # first undelivered row
    next_row = np.minimum(next_row, s.row(life.tf) + 1)
    paused_until = np.full(n, NONE)
    skipping = ~cancelled & s.skip[next_row] & (mo.skip_t[next_row] <= end)
    pausing = ~cancelled & s.pause[next_row] & (mo.pause_t[next_row] <= end)
    paused_until[skipping] = s.day[next_row[skipping]]
    paused_until[pausing] = mo.resume_day[next_row[pausing]]
    return {
        "cust": starts["cust"],
        "product": starts["product"],
        "t0": starts["t0"],
        "channel": starts["channel"],
        "cancel_t": np.where(cancelled, mo.cancel_t, NONE),
        "reason": np.where(cancelled, cancel_reasons(rng, life.tf), NONE),
        "cycle": cycle,
        "plan": np.where(prepay, PREPAY, MONTHLY),
        "paused_until_day": paused_until,
        "last_delivery_no": np.bincount(s.sub[rows], minlength=n),
    }


def cancel_reasons(rng: np.random.Generator, last_delivery: np.ndarray) -> np.ndarray:
    """A reason (index into ``reason_texts()``) per cancellation, or NONE when none was given."""
    texts, first = reason_texts()
    bounds = np.array([b for b, _ in REASON_BY_DELIVERY])
    probs = np.array([p for _, p in REASON_BY_DELIVERY])[np.searchsorted(bounds, last_delivery)]
    category = choose_rows(rng, probs)
    n_variants = np.diff(np.append(first, len(texts))) - 1
    n = len(category)
    free_text = 1 + (rng.random(n) * n_variants[category]).astype(np.int64)
    variant = np.where(rng.random(n) < CANONICAL_REASON_SHARE, 0, free_text)
    return np.where(rng.random(n) < NO_REASON_SHARE, NONE, first[category] + variant)


def subscription_events(
    starts, life: Lifetimes, s: Schedule, mo: Moments, subs: Frame, sub_offset: int, window: Window
) -> Frame:
    """Skips, pauses and resumes, cycle and plan changes, cancel requests and cancellations."""
    within_life = s.k <= life.tf[s.sub]
    skip_rows = np.flatnonzero(s.skip)
    pause_rows = np.flatnonzero(s.pause)
    resume_rows = np.flatnonzero(s.pause & within_life)
    changed = np.flatnonzero(life.cc_after < NEVER)
    upsold = np.flatnonzero(life.prepay_from < NEVER)
    saved = np.flatnonzero(life.saved)
    n = len(life.t1)
    everyone = np.arange(n)
    parts = [
        (s.sub[skip_rows], mo.skip_t[skip_rows], "skip", np.full(len(skip_rows), NONE)),
        (s.sub[pause_rows], mo.pause_t[pause_rows], "pause", mo.resume_day[pause_rows]),
        (s.sub[resume_rows], mo.resume_day[resume_rows] * DAY + 4 * 3600, "resume", np.full(len(resume_rows), NONE)),
        (changed, mo.cc_t[changed], "cycle_change", life.cc_new[changed]),
        (upsold, mo.upsell_t[upsold] + PLAN_CHANGE_DELAY, "plan_change", np.full(len(upsold), PREPAY)),
        (saved, mo.request1_t[saved], "cancel_request", np.full(len(saved), PHONE)),
        (everyone, mo.request_t, "cancel_request", np.where(life.called_final, PHONE, WEB)),
        (everyone, mo.cancel_t, "cancel", subs["reason"]),
    ]
    frame = {
        "sub": np.concatenate([p[0] for p in parts]) + sub_offset,
        "t": np.concatenate([p[1] for p in parts]),
        "kind": np.concatenate([np.full(len(p[0]), EVENT[p[2]]) for p in parts]),
        "detail": np.concatenate([p[3] for p in parts]).astype(np.int64),
    }
    return filter_rows(frame, frame["t"] <= window.end_t)


def offer_contacts(rng, starts: Frame, life: Lifetimes, s: Schedule, mo: Moments, params: ShopParams, window: Window):
    """Call-center log of these subscriptions, and the orders taken on cross-sell calls."""
    n = len(life.t1)
    cust = starts["cust"]
    saved = np.flatnonzero(life.saved)
    called = np.flatnonzero(life.called_final)
    offered = np.flatnonzero(life.upsell_offered)
    downsell = np.flatnonzero(life.cc_mode == CC_DOWNSELL_CALL)
    skip_rows = np.flatnonzero(s.skip & (s.k <= life.tf[s.sub]))
    skip_rows = skip_rows[rng.random(len(skip_rows)) < params.downsell_offer_after_skip]
    skip_sub = s.sub[skip_rows]
    by_save = (life.saved & (life.save_mode == SAVE_SKIP))[skip_sub] & (s.k[skip_rows] == life.t1[skip_sub] + 1)
    skip_rows = skip_rows[~by_save]  # a skip agreed on a save call is not offered a downsell again
    downsell_t = office_times(rng, mo.skip_t[skip_rows] // DAY + rng.integers(1, 5, len(skip_rows)), window)
    after = rng.choice(3, n, p=[0.5, 0.3, 0.2]) + 1  # cross-sell call after delivery 1, 2 or 3
    xs = np.flatnonzero((after < life.tf) & (rng.random(n) < params.cross_sell_offer_rate))
    xs_t = office_times(rng, s.day[s.row(after[xs], xs)] + rng.integers(3, 15, len(xs)), window)
    xs_outcome = outcome_codes(rng, len(xs), np.asarray(params.cross_sell_accept)[after[xs] - 1])
    parts = [
        (saved, mo.request1_t[saved], "cancel_request", np.full(len(saved), OUTCOME["saved"])),
        (called, np.where(mo.cancel_t[called] <= window.end_t, mo.request_t[called], window.end_t + 1),
         "cancel_request", np.full(len(called), OUTCOME["cancelled"])),
        (offered, mo.upsell_t[offered], "upsell", OFFER_OUTCOMES[life.upsell_outcome[offered]]),
        (downsell, mo.cc_t[downsell] - 240, "downsell", np.full(len(downsell), OUTCOME["accepted"])),
        (s.sub[skip_rows], downsell_t, "downsell", OFFER_OUTCOMES[outcome_codes(rng, len(skip_rows), 0.0)]),
        (xs, xs_t, "cross_sell", OFFER_OUTCOMES[xs_outcome]),
    ]
    contacts = {
        "cust": np.concatenate([cust[p[0]] for p in parts]),
        "sub": np.concatenate([p[0] for p in parts]),
        "t": np.concatenate([p[1] for p in parts]),
        "purpose": np.concatenate([np.full(len(p[0]), PURPOSE[p[2]]) for p in parts]),
        "outcome": np.concatenate([p[3] for p in parts]),
    }
    accepted = xs[xs_outcome == 0]
    accepted_t = xs_t[xs_outcome == 0] + rng.integers(300, 1800, len(accepted))
    orders = one_line_orders(rng, cust[accepted], accepted_t, PRODUCT_LINES[starts["product"][accepted]])
    keep = accepted_t <= window.end_t
    return filter_rows(contacts, contacts["t"] <= window.end_t), filter_rows(orders, keep)
