"""Customer segments as Ibis expressions (any engine): CPM (SPEC §4, seed 000) and RFM.

    shop.cpm()                                 # the ten segments as of the last order date
    shop.cpm_history("2025-01-01", "2026-10-31")  # monthly head-counts per segment
    shop.cpm_migration("2026-03-31", "2026-09-30")
    shop.rfm()
"""

from teiki.segments.cpm import KEYS, SEGMENTS, classified, customer_axes, segment
from teiki.segments.thresholds import DEFAULT, Thresholds

__all__ = ["DEFAULT", "KEYS", "SEGMENTS", "Thresholds", "classified", "customer_axes", "segment"]
