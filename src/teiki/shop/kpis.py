"""The shop's KPIs (SPEC §3): the KPI set, breakdowns, cancellation reasons, retention curves."""

from __future__ import annotations

from pathlib import Path

import ibis

from teiki.metrics import kpis as kpi_set
from teiki.metrics.reasons import Dictionary, cancel_reasons
from teiki.metrics.retention import JSON_DELIVERIES, life_table
from teiki.metrics.view import DEFAULT_WINDOW_DAYS, by_columns
from teiki.shop.base import Date, ShopBase
from teiki.shop.convert import table_result


class KpiMethods(ShopBase):
    def kpis(self, as_of: Date = None, *, window_days: int = DEFAULT_WINDOW_DAYS,
             reasons: str | Path | None = None) -> kpi_set.KPIs:
        """Every KPI of SPEC §3 as of ``as_of``; ``.to_dict()`` is ``teiki kpi --format json``."""
        return kpi_set.compute(self.view(as_of, window_days=window_days), Dictionary.load(reasons))

    @table_result
    def kpi_by(self, by: str, as_of: Date = None, *, window_days: int = DEFAULT_WINDOW_DAYS):
        """The headline KPIs per cohort / channel / first_product / first_kind.

        ``output``: ``pandas`` (default), ``polars`` or ``pyarrow``.
        """
        return kpi_set.breakdown(self.view(as_of, window_days=window_days), by_columns(by))

    @table_result
    def cancel_reasons(self, by: str | None = None, as_of: Date = None, *, reasons: str | Path | None = None):
        """Cancellations per reason category, optionally by ``delivery_no`` (at cancellation), ``product``
        or a breakdown (``cohort``, ``channel``, ...)."""
        subs = self.view(as_of).subscriptions
        if by == "delivery_no":
            subs, cols = subs.mutate(delivery_no=subs.reached), ["delivery_no"]
        elif by == "product":
            cols = ["product_id"]
        else:
            cols = by_columns(by)
        expr = cancel_reasons(subs, cols, Dictionary.load(reasons))
        return expr.order_by([*cols, ibis.desc("count"), "reason"])

    def reason_labels(self, lang: str, reasons: str | Path | None = None) -> dict[str, str]:
        """The cancellation-reason categories' labels in ``lang`` (the default dictionary, or ``reasons``)."""
        return Dictionary.load(reasons).labels(lang)

    @table_result
    def retention_curves(self, by: str | None = None, as_of: Date = None, *, max_delivery: int = JSON_DELIVERIES):
        """定期継続率 per delivery n = 2..``max_delivery`` (optionally per cohort / channel / first_product):
        ``reached``, ``dropped``, the step survival ``h`` and the curve ``r`` (see teiki.metrics.retention)."""
        cols = by_columns(by)
        return life_table(self.view(as_of).subscriptions, max_delivery, cols).order_by([*cols, "delivery"])

    @table_result
    def subscription_counts(self, by: str | None = None, as_of: Date = None):
        """Subscriptions started and cancelled by ``as_of``, per group of ``by``."""
        cols = by_columns(by)
        s = self.view(as_of).subscriptions
        if not cols:
            return s.aggregate(started=s.count(), cancelled=s.cancelled.sum())
        return s.group_by(cols).aggregate(started=s.count(), cancelled=s.cancelled.sum()).order_by(cols)
