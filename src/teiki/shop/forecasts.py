"""The shop's forecasts (SPEC §5): per group, the backtest, and the per-customer scores."""

from __future__ import annotations

from teiki.shop.base import Date, ShopBase
from teiki.shop.convert import table_result


class ForecastMethods(ShopBase):
    def forecast(self, as_of: Date = None, by: str | None = None, *, horizon: int = 12, cpa: float | None = None):
        """Per group: the retention model (sBG / BdW) and its projection with an 80% interval, expected
        deliveries, forecast 12-month LTV (revenue, gross profit), 限界CPA and the payback month for ``cpa``.
        ``.to_dict()`` is ``teiki forecast --format json`` (see teiki.forecast.groups)."""
        from teiki.forecast.groups import forecast

        return forecast(self.view(as_of), by, horizon, cpa)

    def forecast_backtest(self, as_of: Date, by: str | None = None, *, horizon: int = 12):
        """The forecast made with the data up to ``as_of`` against what happened after it, with the naive
        flat-retention baseline (see teiki.forecast.backtest)."""
        from teiki.forecast.backtest import backtest

        return backtest(self.view(as_of), self.view(), by, horizon)

    @table_result
    def customer_scores(self, as_of: Date = None):
        """Per non-subscribing customer: P(alive), expected purchases in the next 90 days, expected spend."""
        from teiki.forecast.scores import scores

        return scores(self.view(as_of))
