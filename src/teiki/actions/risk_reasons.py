"""The top reasons of a subscription's churn risk, in words (ja / en).

Candidates are the rules of :mod:`teiki.actions.risk_rule` that give the subscription points (the signs a
person can act on). Their order:

- when the model scores, by the model's contribution of each sign, measured by perturbation: the
  subscription's probability minus its probability with that sign taken away (:data:`ABSENT`); signs
  that do not raise the model's probability are left out;
- when the rule scores, by the rule's points (ties: the order of the points table).

At most :data:`TOP_REASONS` are kept. Example: skips_90d = 2 (30 points) and delivery 2 (20 points)
under the rule → "直近90日にスキップ2回", "定期2回目（解約の多い初期）".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from teiki.actions.risk_model import FEATURES, predict
from teiki.actions.risk_rule import RULES
from teiki.messages import say

TOP_REASONS = 3
_I = {name: i for i, name in enumerate(FEATURES)}


def _set(x: np.ndarray, **values: float) -> None:
    for name, value in values.items():
        x[:, _I[name]] = value


def _on_time(x: np.ndarray) -> None:
    """As if the last delivery were at most one cycle ago."""
    cycle = x[:, _I["cycle_days"]]
    days = np.minimum(x[:, _I["days_since_delivery"]], cycle)
    x[:, _I["days_since_delivery"]] = days
    x[:, _I["lapse_ratio"]] = days / cycle
    x[:, _I["overdue_deliveries"]] = 0.0


def _later_delivery(x: np.ndarray) -> None:
    """As if the subscription were at delivery 5 (past the early rule), with at least 4 cycles of tenure."""
    x[:, _I["delivery_no"]] = np.maximum(x[:, _I["delivery_no"]], 5.0)
    x[:, _I["tenure_days"]] = np.maximum(x[:, _I["tenure_days"]], 4 * x[:, _I["cycle_days"]])


# how each sign is taken away from the model's input
ABSENT: dict[str, Callable[[np.ndarray], None]] = {
    "cancel_request": lambda x: _set(x, cancel_requests_90d=0.0, saves_90d=0.0),
    "skips": lambda x: _set(x, skips_90d=0.0),
    "cycle_change": lambda x: _set(x, cycle_changes_90d=0.0),
    "overdue": _on_time,
    "pause": lambda x: _set(x, pauses_90d=0.0),
    "inquiry": lambda x: _set(x, inquiries_90d=0.0),
    "early": _later_delivery,
}


def present(table: pa.Table) -> dict[str, np.ndarray]:
    """Per rule, the points each row gets from it (0 = the sign is absent)."""
    return {r.key: table.column(f"points_{r.key}").to_numpy(zero_copy_only=False) for r in RULES}


def contributions(model, x: np.ndarray, p: np.ndarray, points: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per rule, the model's probability minus the probability with that sign taken away (NaN where the
    sign is absent); only the rows that show the sign are predicted again."""
    out = {}
    for key, pts in points.items():
        rows = np.flatnonzero(pts > 0)
        gain = np.full(len(x), np.nan)
        if len(rows):
            changed = x[rows].copy()
            ABSENT[key](changed)
            gain[rows] = p[rows] - predict(model, changed)
        out[key] = gain
    return out


def ranked(points: dict[str, np.ndarray], gains: dict[str, np.ndarray] | None) -> np.ndarray:
    """Per row, the indices (into ``list(points)``) of its top reasons, best first, −1 where there are fewer:
    by model contribution when ``gains`` is given (positive ones only), else by points."""
    keys = list(points)
    pts = np.column_stack([points[k] for k in keys]).astype(float)
    if gains is None:
        weight = np.where(pts > 0, pts, np.nan)
    else:
        g = np.column_stack([gains[k] for k in keys])
        weight = np.where((pts > 0) & (g > 0), g, np.nan)
    order = np.argsort(-np.nan_to_num(weight, nan=-np.inf), axis=1, kind="stable")[:, :TOP_REASONS]
    shown = ~np.isnan(np.take_along_axis(weight, order, axis=1))
    return np.where(shown, order, -1)


# the signal columns each reason's text is filled from
TEXT_PARAMS: dict[str, dict[str, str]] = {
    "cancel_request": {"requests": "cancel_requests_90d"},
    "skips": {"skips": "skips_90d"},
    "cycle_change": {"cycle": "cycle_days"},
    "overdue": {"overdue": "overdue_deliveries", "days": "days_since_delivery"},
    "pause": {},
    "inquiry": {"inquiries": "inquiries_90d"},
    "early": {"delivery": "delivery_no"},
}


def _texts(key: str, table: pa.Table, rows: np.ndarray, lang: str | None) -> np.ndarray:
    """The reason ``key`` in words for ``rows`` of ``table``, formatted once per distinct set of values."""
    params = TEXT_PARAMS[key]
    if not params:
        return np.full(len(rows), say(f"risk_reason_{key}", lang), dtype=object)
    values = np.column_stack([table.column(c).to_numpy(zero_copy_only=False)[rows] for c in params.values()])
    distinct, inverse = np.unique(values, axis=0, return_inverse=True)
    words = np.array([say(f"risk_reason_{key}", lang, **dict(zip(params, map(int, v), strict=True)))
                      for v in distinct], dtype=object)
    return words[inverse.reshape(-1)]


def describe(table: pa.Table, top: np.ndarray, lang: str | None) -> tuple[pa.Array, pa.Array]:
    """The ``reasons`` (words joined by " / ") and ``reason_keys`` (keys joined by ",") of each row of
    ``table``, from :func:`ranked`'s indices ``top``. Example: skips_90d = 2 and delivery_no = 2 ranked
    (skips, early) → "直近90日にスキップ2回 / 定期2回目（解約の多い初期）" and "skips,early"."""
    keys = [r.key for r in RULES]
    n = table.num_rows
    words = np.full(n, "", dtype=object)
    names = np.full(n, "", dtype=object)
    for j in range(top.shape[1] if n else 0):
        for i, key in enumerate(keys):
            rows = np.flatnonzero(top[:, j] == i)
            if len(rows):
                words[rows] = words[rows] + (" / " if j else "") + _texts(key, table, rows, lang)
                names[rows] = names[rows] + ("," if j else "") + key
    return pa.array(words, pa.string()), pa.array(names, pa.string())
