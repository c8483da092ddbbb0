"""Actions (SPEC §6): whom to call, offer or win back today, and what a campaign or a call center is worth.

Each area has its analytics modules here, which take a view or the store (never the shop); its
:class:`teiki.Shop` methods are in :mod:`teiki.shop` (``teiki/shop/<area>.py``): calls (run-out and the call list), risk (churn risk), offers (cross-sell,
upsell / downsell, win-back), campaigns (follow-ups with a holdout, and the retention-call economics).
"""
