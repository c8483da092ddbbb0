"""Backtest: the forecast made with the data up to D against what happened after D (``teiki forecast --backtest``).

Per group, with E the last order date:

- retention: the forecast r(n) against the product-limit r(n) observed at E for
  the subscriptions started by D, over the deliveries n ≥ 2 that E defines and D
  did not yet (n beyond the highest delivery reached by D's subscriptions, or all
  when none was reached past 1): MAPE = mean |forecast − actual| ÷ actual;
- 12-month LTV: the forecast revenue LTV against the mean revenue within 365
  days of the customers who were new in the 365 days up to D and have been
  customers 365 days by E (absolute percentage error);
- the naive baseline: the last retention observed at D stays flat
  (r(n) = r(n_D) for n > n_D), put through the same LTV formula.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from teiki.errors import TeikiError
from teiki.forecast import groups as group_forecast
from teiki.forecast import inputs
from teiki.forecast import retention as retention_model
from teiki.metrics.view import View, by_columns
from teiki.store import results

SCHEMA_VERSION = 1


@dataclass
class Backtest:
    as_of: str
    end: str
    by: str | None
    groups: list[dict]
    total: dict
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        return [{k: v for k, v in g.items() if k != "deliveries"} for g in self.groups]


def _mape(forecast: np.ndarray, actual: np.ndarray) -> float | None:
    ok = np.isfinite(forecast) & np.isfinite(actual) & (actual > 0)
    return float(np.mean(np.abs(forecast[ok] - actual[ok]) / actual[ok])) if ok.any() else None


def _ape(forecast: float | None, actual: float | None) -> float | None:
    return abs(forecast - actual) / actual if forecast is not None and actual else None


def naive_curve(observed: np.ndarray, length: int) -> np.ndarray:
    """r(n) observed up to the last defined delivery, flat after it."""
    seen = observed[np.isfinite(observed)]
    last = seen[-1] if len(seen) else 1.0
    out = np.full(length, last)
    out[: len(seen)] = seen[:length]
    return out


def backtest(past: View, end: View, by: str | None = None, horizon: int = 12) -> Backtest:
    """Forecast with ``past`` (data up to D), compare with ``end`` (data up to E > D)."""
    if end.as_of is None or past.as_of is None or end.as_of <= past.as_of:
        raise TeikiError("backtest_no_future", as_of=str(past.as_of), end=str(end.as_of))
    cols = by_columns(by)
    made = group_forecast.forecast(past, by, horizon)
    started = end.subscriptions.filter(end.subscriptions.started_at < past.cutoff)
    actual_life = inputs.split(_life_arrays(started, cols), cols, ["reached", "n", "n_cancelled"])
    actual_ltv = _matured_ltv(end, past, cols)
    rows, f_err, n_err, lf_err, ln_err = [], [], [], [], []
    for g in made.groups:
        name = g["group"]
        life = actual_life.get(name)
        row = {"group": name, "model": g["model"], "status": g["status"]}
        if life is not None and g["model"] is not None:
            top = len(g["retention"])
            actual = retention_model.empirical(life["reached"], life["n"], life["n_cancelled"], top)
            forecast = np.array([r["forecast"] for r in g["retention"]])
            observed = np.array([np.nan if r["observed"] is None else r["observed"] for r in g["retention"]])
            naive = naive_curve(observed, top)
            start = max(1, g["observed_deliveries"] or 1)
            row["retention_mape"] = _mape(forecast[start:], actual[start:])
            row["retention_mape_naive"] = _mape(naive[start:], actual[start:])
            naive_ltv = _naive_ltv(g, naive)
        else:
            naive_ltv = g["ltv_revenue"]
        row["ltv_forecast"], row["ltv_actual"] = g["ltv_revenue"], actual_ltv.get(name)
        row["ltv_ape"], row["ltv_ape_naive"] = _ape(g["ltv_revenue"], row["ltv_actual"]), _ape(naive_ltv, row["ltv_actual"])
        for key, bucket in (("retention_mape", f_err), ("retention_mape_naive", n_err), ("ltv_ape", lf_err),
                            ("ltv_ape_naive", ln_err)):
            if row.get(key) is not None:
                bucket.append(row[key])
        rows.append(row)
    total = {"retention_mape": _mean(f_err), "retention_mape_naive": _mean(n_err),
             "ltv_mape": _mean(lf_err), "ltv_mape_naive": _mean(ln_err)}
    return Backtest(past.as_of.isoformat(), end.as_of.isoformat(), by, rows, total)


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _life_arrays(subs, cols):
    from teiki.forecast.stats import arrays
    from teiki.metrics.retention import reached_counts

    return arrays(reached_counts(subs, cols), [*cols, "reached", "n", "n_cancelled"])


def _naive_ltv(g: dict, naive: np.ndarray) -> float:
    """The group's 12-month revenue LTV with the naive retention curve in place of the model's."""
    d12 = group_forecast.deliveries_within(12, g["cycle_days"])
    model_later = sum(r["forecast"] for r in g["retention"][1:d12])
    naive_later = float(naive[1:d12].sum())
    per_delivery = g["revenue_per_delivery"] + g["extra_per_delivery"]
    return g["ltv_revenue"] + g["subscriber_share"] * per_delivery * (naive_later - model_later)


def _matured_ltv(end: View, past: View, cols: list[str]) -> dict[str, float]:
    """Mean revenue within 365 days of the customers new in the 365 days up to D, matured by E."""
    import datetime as dt

    c = end.customers
    young = c.filter((c.first_date > past.as_of - dt.timedelta(days=365)) & (c.first_date <= past.as_of)
                     & (c.first_date <= end.as_of - dt.timedelta(days=365)))
    expr = inputs.grouped(young, cols, ltv=young.window_revenue.mean())
    out = {}
    for row in results.rows(expr):
        if row["ltv"] is not None:
            out[inputs.group_key(row, cols)] = float(row["ltv"])
    return out
