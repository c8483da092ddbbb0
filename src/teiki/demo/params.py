"""Every tunable rate of the demo shop, in one place.

Channel-specific quality lives with the channels in ``catalog``; everything
else that shapes the simulated behaviour is a field of :class:`ShopParams`.
Probabilities are per customer, per subscription or per delivery as named.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShopParams:
    """Behaviour of the demo shop's customers, call center and catalogue."""

    # --- acquisition
    growth_per_year: float = -0.05  # acquisitions change this much a year (広告費の高騰: slowly down)
    month_season: tuple[float, ...] = (  # relative acquisitions, January..December
        1.25, 0.95, 1.10, 1.15, 1.10, 0.95, 0.90, 0.85, 0.95, 1.00, 1.15, 1.20,
    )
    cosmetics_share: float = 0.62  # customers of the cosmetics line (else supplements)
    registered_early_share: float = 0.10  # registered days before their first order

    # --- trial and follow-up (seed 000: call before the product runs out)
    followup_call_share: float = 0.45  # trial buyers called a few days before running out
    followup_lift: float = 1.30  # relative trial->subscription conversion when called
    late_conversion_share: float = 0.20  # converters not called on the phone who start 3-12 weeks later

    # --- subscription start
    cycle_mix: tuple[tuple[int, float], ...] = ((30, 0.82), (45, 0.07), (60, 0.06), (90, 0.05))
    subscription_discount: float = 0.10  # 定期10%OFF on every delivery
    first_delivery_discount: float = 0.50  # 初回半額 for direct subscriptions
    prepay_discount: float = 0.15  # 3ヶ月まとめ: three units at 15% off

    # --- churn: shifted-beta-geometric, per-delivery cancel probability ~ Beta(a, b)
    churn_beta_a: float = 0.80
    churn_beta_b: float = 1.75
    cancel_call_share: float = 0.85  # cancellations that come through the call center
    save_rate: float = 0.15  # cancel calls that end with the subscription saved
    saved_churn_multiplier: float = 1.30  # saved subscribers are more fragile afterwards
    cancel_processing_days: int = 3  # web cancellations take up to this many days

    # --- early signs of cancellation (seed 002)
    skip_rate: float = 0.035  # per delivery interval
    skip_rate_before_cancel: float = 0.22  # in the last two intervals before a cancellation
    pause_rate: float = 0.008  # per delivery interval
    pause_days: tuple[int, int] = (45, 90)  # a pause (お休み) adds this many days to the interval
    cycle_change_rate: float = 0.05  # per subscription, at a random delivery
    cycle_change_before_cancel: float = 0.16  # per cancelling subscription, just before

    # --- upsell / cross-sell / downsell (seeds 000, 004)
    upsell_offer_rate: float = 0.35  # monthly subscribers offered 3ヶ月まとめ after delivery 2-4
    upsell_outcomes: tuple[float, float, float] = (0.20, 0.55, 0.25)  # accepted, declined, no answer
    cross_sell_line_rate: tuple[float, ...] = (0.22, 0.09, 0.05, 0.025)  # by delivery 1, 2, 3, 4+
    cross_sell_separate_share: float = 0.30  # of those, bought as a separate order later
    add_on_drop_rate: float = 0.35  # per following delivery, an add-on is dropped (else kept on it)
    cross_sell_offer_rate: float = 0.25  # subscribers called with a cross-sell offer
    cross_sell_accept: tuple[float, float, float] = (0.16, 0.08, 0.04)  # after delivery 1, 2, 3
    downsell_call_share: float = 0.40  # cycle changes agreed on a downsell call
    downsell_offer_after_skip: float = 0.25  # skips followed by a (mostly declined) downsell call
    second_subscription_rate: float = 0.04  # per delivery 1-3: start a second main product

    # --- win-back of cancelled subscribers (seed 002)
    winback_call_share: float = 0.20
    winback_outcomes: tuple[float, float, float] = (0.08, 0.60, 0.32)  # accepted, declined, no answer

    # --- one-off buyers: phone reorders before run-out (seed 000) or BG/NBD-style repeat purchases
    reorder_share: float = 0.35  # one-off buyers the call center calls before each run-out
    trial_reorder_share: float = 0.20  # trial buyers who declined a subscription but take phone reorders
    reorder_accept_rate: float = 0.85  # each call ships the next unit with this chance, else the chain ends
    repeat_rate_shape: float = 0.9  # purchase rate ~ Gamma(shape, 1 / scale) per day
    repeat_rate_scale_days: float = 30.0
    repeat_dropout_a: float = 1.2  # dropout after each repeat ~ Beta(a, b)
    repeat_dropout_b: float = 2.6
    trial_repeater_share: float = 0.45  # other trial buyers without a subscription who buy again
    trial_repeater_rate_factor: float = 0.6
    first_one_off_main_share: float = 0.80  # one-off first orders of a main product (else a cross-sell one)
    repeat_cross_sell_share: float = 0.35  # repeat purchases of a cross-sell product
    cross_sell_repeat_share: float = 0.70  # subscribers who rebuy a cross-sell product they took up
    cross_sell_repeat_rate_factor: float = 1.0
    second_unit_share: float = 0.10  # one-off lines with quantity 2
    extra_line_share: float = 0.30  # one-off orders with a second product

    # --- order status
    cancel_status_rate: float = 0.018
    return_status_rate: float = 0.010

    # --- call center
    contact_cost: int = 300  # yen per contact (seed 003)
