"""Actions (SPEC §6): whom to call, offer or win back today, and what a campaign or a call center is worth.

Each area has its analytics modules here and a mixin of :class:`teiki.Shop` methods
(``methods_<area>.py``): calls (run-out and the call list), risk (churn risk), offers (cross-sell,
upsell / downsell, win-back), campaigns (follow-ups with a holdout, and the retention-call economics).
"""
