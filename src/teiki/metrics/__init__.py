"""KPIs of SPEC §3 as Ibis expressions (any engine): see docs/kpi.md for every definition.

    view = shop.view(as_of="2026-06-30")            # the shop as seen that day
    purchases.f2_conversion(view.customers)          # an Ibis reduction
    retention.life_table(view.subscriptions, 24)     # an Ibis table
    shop.kpis()                                      # everything, as a dataclass
"""

from teiki.metrics.kpis import KPIs, breakdown, compute
from teiki.metrics.view import Source, View

__all__ = ["KPIs", "Source", "View", "breakdown", "compute"]
