"""The shop forecast per group (cohort, channel or first product): ``teiki forecast`` and ``shop.forecast()``.

For a new customer of the group, month by month up to the horizon:

    revenue(m) = first order + φ · (v · Σ_{n=2}^{D(m)} r(n) + e · Σ_{n=1}^{D(m)} r(n))
                 + (1 − φ) · E[X(m)] · E[M]

φ the share of the group's customers who subscribe (:func:`subscriber_share`), v the revenue per delivery,
e the subscribers' other purchases (cross-sell, reorders) per delivery made,
D(m) the deliveries that fall within m months at the group's median cycle
(deliveries on days 0, c, 2c, …), r(n) the projected 定期継続率 (sBG or BdW,
teiki.forecast.retention), E[X(m)] the BG/NBD expected repeat purchases of a
non-subscribing buyer and E[M] the Gamma-Gamma mean spend
(teiki.forecast.repeat). Gross profit applies the group's gross margin to the
repeat revenue and takes the first orders' own gross profit. 限界CPA
(break-even CPA) = the forecast gross profit at 12 months; the payback month
for a CPA is the first month whose cumulative gross profit reaches it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from teiki.forecast import inputs
from teiki.forecast import repeat as repeat_model
from teiki.forecast import retention as retention_model
from teiki.metrics.view import View, by_columns

DAYS_PER_MONTH = 365.25 / 12
SHOWN_DELIVERIES = 24
SCHEMA_VERSION = 1


def deliveries_within(months: int, cycle_days: float) -> int:
    """Deliveries on days 0, c, 2c, … before ``months`` months of 30.44 days: ⌈30.44·m ÷ c⌉ (12 months at a
    30-day cycle → 13; one month → 2, on days 0 and 30)."""
    return int(math.ceil(months * DAYS_PER_MONTH / cycle_days))


@dataclass
class Forecast:
    """Per group forecasts as of one date (``teiki forecast --format json``)."""

    as_of: str | None
    by: str | None
    horizon_months: int
    cpa: float | None
    groups: list[dict]
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        """One summary row per group (the table and CSV / Excel rows)."""
        keys = ("group", "status", "customers", "subscriptions", "subscriber_share", "model", "observed_deliveries",
                "expected_deliveries", "ltv_revenue", "ltv_revenue_lower", "ltv_revenue_upper", "ltv_gross_profit",
                "break_even_cpa", "payback_month")
        return [{k: g.get(k) for k in keys} for g in self.groups]


def forecast(view: View, by: str | None = None, horizon: int = 12, cpa: float | None = None) -> Forecast:
    """The forecast of every group of ``by`` as of ``view.as_of``."""
    cols = by_columns(by)
    facts = inputs.group_facts(view, cols)
    life = inputs.life(view, cols)
    buys, spend = inputs.purchases(view, cols), inputs.spend(view, cols)
    pooled = _pooled_repeat(buys, spend)
    groups = []
    for name in sorted(facts, key=lambda k: (k == "(unknown)", k)):
        groups.append(_group(name, facts[name], life.get(name), buys.get(name), pooled, horizon, cpa))
    return Forecast(view.as_of.isoformat() if view.as_of else None, by, horizon, cpa, groups)


def _pooled_repeat(buys: dict, spend: dict) -> repeat_model.RepeatModel:
    def merged(parts: dict) -> dict[str, np.ndarray]:
        cols = next(iter(parts.values())).keys() if parts else []
        return {c: np.concatenate([p[c] for p in parts.values()]) for c in cols}

    if not buys:
        return repeat_model.RepeatModel(None, None, None, 0)
    return repeat_model.fit(merged(buys), merged(spend) if spend else {"frequency": np.array([]),
                                                                        "monetary": np.array([]), "n": np.array([])})


def subscriber_share(f: dict) -> float:
    """φ: the share of new customers who subscribe, among those with the shop ≥ 180 days when there are
    at least 30 of them (younger trial buyers have not decided yet), else among all."""
    mature = f.get("mature_customers") or 0
    if mature >= 30:
        return (f.get("mature_subscribers") or 0) / mature
    return (f.get("subscribers") or 0) / f["customers"] if f.get("customers") else 0.0


def _repeat_for(buys, pooled) -> repeat_model.RepeatModel:
    """The group's own BG/NBD when it has enough non-subscribing buyers, with the shop-wide spend model (mean
    spend per purchase differs far less between groups than how often they buy)."""
    if buys is None or buys["n"].sum() < repeat_model.MIN_BUYERS:
        return pooled
    own = repeat_model.fit_counts(buys)
    return repeat_model.RepeatModel(own, pooled.spend, pooled.mean_spend, int(buys["n"].sum()))


def _group(name: str, f: dict, life, buys, pooled, horizon: int, cpa: float | None) -> dict:
    out: dict = {"group": name, "customers": f["customers"], "subscriptions": 0, "status": "ok"}
    phi = subscriber_share(f)
    cycle = f.get("cycle_days") or 30
    per_delivery = f.get("delivery_revenue") or 0.0
    extra = f.get("extra_per_delivery") or 0.0
    margin = f.get("gross_margin") or 0.0
    out |= {"subscriber_share": phi, "cycle_days": cycle, "revenue_per_delivery": per_delivery,
            "extra_per_delivery": extra, "gross_margin": margin}
    months = np.arange(1, horizon + 1)
    d_month = np.array([deliveries_within(int(m), cycle) for m in months])
    top = max(SHOWN_DELIVERIES, int(d_month.max()))
    ret = None
    if life is not None:
        out["subscriptions"] = int(life["n"].sum())
        ret = retention_model.forecast(life["reached"], life["n"], life["n_cancelled"], top)
        observed = retention_model.empirical(life["reached"], life["n"], life["n_cancelled"],
                                             int(life["reached"].max()) if len(life["reached"]) else 1)
    else:
        observed = np.array([])
    rep = _repeat_for(buys, pooled)
    first_rev, first_gp = f.get("first_revenue") or 0.0, f.get("first_gross_profit") or 0.0
    oneoff_rev = (1 - phi) * rep.expected_revenue(months)
    if ret is None and phi > 0:
        few = out["subscriptions"] < retention_model.MIN_SUBSCRIPTIONS
        out["status"] = "too_small" if few else "too_young"
    curves = {}
    for label, r in (("", None if ret is None else ret.retention), ("_lower", None if ret is None else ret.lower),
                     ("_upper", None if ret is None else ret.upper)):
        later = np.array([r[1:d].sum() for d in d_month]) if r is not None else np.zeros(len(months))
        alive = later + 1.0 if r is not None else np.zeros(len(months))
        rev = first_rev + phi * (per_delivery * later + extra * alive) + oneoff_rev
        curves["revenue" + label] = rev
        curves["gross_profit" + label] = first_gp + margin * (rev - first_rev)
    twelve = min(12, horizon) - 1
    out |= {
        "model": ret.model if ret else None,
        "params": ret.params if ret else {},
        "holdout_error": ret.holdout_error if ret else {},
        "repeat_params": rep.params,
        "observed_deliveries": ret.observed_deliveries if ret else (len(observed) or None),
        "retention": _retention_rows(ret, observed, top),
        "expected_deliveries": ret.expected_deliveries(deliveries_within(12, cycle)) if ret else None,
        "ltv_revenue": float(curves["revenue"][twelve]),
        "ltv_revenue_lower": float(curves["revenue_lower"][twelve]),
        "ltv_revenue_upper": float(curves["revenue_upper"][twelve]),
        "ltv_gross_profit": float(curves["gross_profit"][twelve]),
        "break_even_cpa": float(curves["gross_profit"][twelve]),
        "monthly": [{"month": int(m), "deliveries": int(d), "revenue": float(curves["revenue"][i]),
                     "gross_profit": float(curves["gross_profit"][i])}
                    for i, (m, d) in enumerate(zip(months, d_month, strict=True))],
        "payback_month": _payback(curves["gross_profit"], cpa),
    }
    return out


def _retention_rows(ret, observed: np.ndarray, top: int) -> list[dict]:
    rows = []
    for i in range(top):
        seen = observed[i] if i < len(observed) and np.isfinite(observed[i]) else None
        rows.append({"delivery": i + 1, "observed": None if seen is None else float(seen),
                     "forecast": float(ret.retention[i]) if ret else None,
                     "lower": float(ret.lower[i]) if ret else None, "upper": float(ret.upper[i]) if ret else None})
    return rows


def _payback(gross_profit: np.ndarray, cpa: float | None) -> int | None:
    if cpa is None:
        return None
    reached = np.nonzero(gross_profit >= cpa)[0]
    return int(reached[0]) + 1 if len(reached) else None
