"""The numbers behind each dashboard page and report area, as plain JSON-able dicts.

One function per area (overview, retention, ltv, portfolio, cancellations);
each takes the shop and its parameters and calls only the shop's public
methods, so the web pages, the JSON API and the Excel / HTML reports show the
very same figures. ``as_of`` is resolved by :meth:`teiki.Shop.as_of` (None: the last
order date).
"""

from __future__ import annotations

import datetime as dt

from teiki.errors import TeikiError
from teiki.shop.vocabulary import by_columns

RETENTION_BY = ("cohort", "channel", "first_product")
COMPARE = ("month", "year")
HEADLINE_RETENTION = (2, 3, 6, 12)


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when shorter): 2026-03-31, 1 → 2026-02-28."""
    m = day.year * 12 + day.month - 1 - months
    year, month = divmod(m, 12)
    first_next = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return min(day.replace(year=year, month=month + 1, day=1) + dt.timedelta(days=day.day - 1),
               first_next - dt.timedelta(days=1))


def previous_day(day: dt.date, compare: str) -> dt.date:
    """The as-of date of the previous period: one month (``month``) or one year (``year``) earlier."""
    if compare not in COMPARE:
        raise TeikiError("bad_choice", name="compare", value=compare, choices=", ".join(COMPARE))
    return months_back(day, 1 if compare == "month" else 12)


def _last_full_churn(k: dict) -> dict | None:
    full = [m for m in k["churn_monthly"] if not m["partial"]]
    return full[-1] if full else None


def headline(k: dict) -> dict[str, object]:
    """The headline KPIs of one ``teiki kpi`` object: key → value."""
    churn = _last_full_churn(k)
    out: dict[str, object] = {
        "customers": k["customers"],
        "revenue": k["revenue"],
        "f2_conversion": k["f2_conversion"],
        "ltv_revenue": k["ltv"]["mean_revenue"],
    }
    out |= {f"retention_{n}": k["retention_by_delivery"].get(str(n)) for n in HEADLINE_RETENTION}
    out["churn_month"] = churn["month"] if churn else None
    out["customer_churn"] = churn["customer_churn"] if churn else None
    out["revenue_churn"] = churn["revenue_churn"] if churn else None
    return out


HEADLINE_KINDS = {"customers": "int", "revenue": "yen", "f2_conversion": "pct", "ltv_revenue": "yen",
                  **{f"retention_{n}": "pct" for n in HEADLINE_RETENTION},
                  "customer_churn": "pct", "revenue_churn": "pct"}


BETTER = {"customer_churn": "down", "revenue_churn": "down"}  # the direction of a good change; others "up"


def overview(shop, as_of: dt.date | str | None = None, compare: str = "month") -> dict:
    """Headline KPIs as of D against the previous period (D one month or one year earlier).

    ``change`` is the difference: customers and revenue are running totals, so their change is what the
    period added; rates change in points (0.012 = +1.2 pt).
    """
    day = shop.as_of(as_of)
    if day is None:
        raise TeikiError("no_orders")
    before = previous_day(day, compare)
    now, prev = shop.kpis(day).to_dict(), shop.kpis(before).to_dict()
    h_now, h_prev = headline(now), headline(prev)
    items = []
    for key, kind in HEADLINE_KINDS.items():
        v, p = h_now[key], h_prev[key]
        items.append({"key": key, "kind": kind, "value": v, "previous": p,
                      "change": None if v is None or p is None else v - p, "better": BETTER.get(key, "up")})
    return {"as_of": day.isoformat(), "previous_as_of": before.isoformat(), "compare": compare,
            "churn_month": h_now["churn_month"], "previous_churn_month": h_prev["churn_month"],
            "headline": items, "kpis": now,
            "revenue_by_month": [{"month": m["month"], "revenue_at_start": m["revenue_at_start"],
                                  "subscribed_at_start": m["subscribed_at_start"]} for m in now["churn_monthly"]]}


def _group_key(by: str | None) -> str | None:
    cols = by_columns(by)
    return cols[0] if cols else None


def retention(shop, as_of: dt.date | str | None = None, by: str = "channel", max_delivery: int = 24) -> dict:
    """定期継続率 curves: overall and per group of ``by`` (overlaid), step-wise drop-out, and the
    cohort × delivery table behind the heatmap."""
    if by not in RETENTION_BY:
        raise TeikiError("bad_choice", name="by", value=by, choices=", ".join(RETENTION_BY))
    day = shop.as_of(as_of)
    overall = shop.retention_curves(None, day, max_delivery=max_delivery, output="pyarrow").to_pylist()
    return {
        "as_of": day.isoformat() if day else None,
        "by": by,
        "max_delivery": max_delivery,
        "overall": _curve(overall),
        "groups": _groups(shop, by, day, max_delivery),
        "cohorts": _groups(shop, "cohort", day, max_delivery) if by != "cohort" else None,
    }


def _name(value: object) -> str | None:
    """A group's name as text; None stays None (no channel / product recorded)."""
    return None if value is None else str(value)


def _curve(rows: list[dict]) -> list[dict]:
    """Delivery 1 (r = 1) then the life-table rows, with the step-wise drop-out 1 − h."""
    out = [{"delivery": 1, "r": 1.0 if rows else None, "h": None, "dropout": None, "reached": None, "dropped": None,
            "at_risk": None}]
    for r in rows:
        out.append({"delivery": r["delivery"], "r": r["r"], "h": r["h"],
                    "dropout": None if r["h"] is None else 1.0 - r["h"],
                    "reached": r["reached"], "dropped": r["dropped"], "at_risk": r["at_risk"]})
    return out


def _groups(shop, by: str, day, max_delivery: int) -> list[dict]:
    col = _group_key(by)
    counts = {r[col]: r for r in shop.subscription_counts(by, day, output="pyarrow").to_pylist()}
    rows = shop.retention_curves(by, day, max_delivery=max_delivery, output="pyarrow").to_pylist()
    curves: dict[object, list[dict]] = {}
    for r in rows:
        curves.setdefault(r[col], []).append(r)
    return [{"group": _name(g), "started": int(counts.get(g, {}).get("started") or 0),
             "cancelled": int(counts.get(g, {}).get("cancelled") or 0), "curve": _curve(curves[g])}
            for g in sorted(curves, key=lambda v: (v is None, str(v)))]


LTV_COLUMNS = ("customers", "ltv_matured_customers", "ltv_immature_customers", "ltv_mean_revenue",
               "ltv_mean_gross_profit", "ltv_mean_purchases", "ltv_aov", "f2_conversion", "expected_deliveries")


def ltv(shop, as_of: dt.date | str | None = None) -> dict:
    """年間LTV (the 365-day window) by cohort month and by first channel, with LTV = purchases × AOV."""
    day = shop.as_of(as_of)
    out = {"as_of": day.isoformat() if day else None}
    for by in ("cohort", "channel"):
        col = _group_key(by)
        rows = shop.kpi_by(by, day, output="pyarrow").to_pylist()
        out[by] = [{"group": _name(r[col]), **{c: r.get(c) for c in LTV_COLUMNS}} for r in rows]
    out["total"] = shop.kpis(day).to_dict()["ltv"]
    return out


def portfolio(shop, as_of: dt.date | str | None = None, since: dt.date | str | None = None) -> dict:
    """The CPM portfolio as of D, the monthly head-counts up to D and the migration from ``since``
    (default one month before D) to D."""
    day = shop.as_of(as_of)
    if day is None:
        raise TeikiError("no_orders")
    migration = shop.portfolio_migration(since or months_back(day, 1), day).to_dict()
    return {
        "as_of": day.isoformat(),
        "since": migration["start"],
        "portfolio": shop.portfolio(day).to_dict(),
        "history": shop.portfolio_history(end=day).to_dict(),
        "migration": migration,
    }


def pivot(rows: list[dict], x_col: str) -> tuple[list[object], list[str], dict[tuple[object, str], int]]:
    """Reason counts as (x values in order, reasons by total descending, (x, reason) → count)."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["reason"]] = totals.get(r["reason"], 0) + r["count"]
    xs = sorted({r[x_col] for r in rows}, key=lambda v: (v is None, isinstance(v, str), 0 if v is None else v))
    reasons = sorted(totals, key=lambda k: -totals[k])
    return xs, reasons, {(r[x_col], r["reason"]): r["count"] for r in rows}


def cancellations(shop, as_of: dt.date | str | None = None) -> dict:
    """Cancellation reasons by delivery number and by product, monthly churn and revenue churn, and the
    offer / save rates."""
    day = shop.as_of(as_of)
    k = shop.kpis(day).to_dict()
    return {
        "as_of": day.isoformat() if day else None,
        "reasons": k["cancel_reasons"],
        "by_delivery": shop.cancel_reasons("delivery_no", day, output="pyarrow").to_pylist(),
        "by_product": shop.cancel_reasons("product", day, output="pyarrow").to_pylist(),
        "churn_monthly": k["churn_monthly"],
        "offer_rates": k["offer_rates"],
    }


FORECAST_BY = ("channel", "cohort", "first_product")


def forecast(shop, as_of: dt.date | str | None = None, by: str = "channel", horizon: int = 12,
             cpa: float | None = None) -> dict:
    """The forecast for the whole shop (observed and projected retention with its 80% interval) and per
    group of ``by`` (限界CPA, cumulative gross profit by month, payback month for ``cpa``)."""
    if by not in FORECAST_BY:
        raise TeikiError("bad_choice", name="by", value=by, choices=", ".join(FORECAST_BY))
    day = shop.as_of(as_of)
    if day is None:
        raise TeikiError("no_orders")
    whole = shop.forecast(day, None, horizon=horizon, cpa=cpa).to_dict()
    groups = shop.forecast(day, by, horizon=horizon, cpa=cpa).to_dict()
    return {"as_of": day.isoformat(), "by": by, "horizon_months": horizon, "cpa": cpa,
            "overall": whole["groups"][0], "groups": groups["groups"]}
