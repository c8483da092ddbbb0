"""The learned churn-risk model: snapshots in time, gradient boosting, out-of-time evaluation.

Time-based split for an as-of date D and a horizon H (60 days):

- the *evaluation snapshot* is E = D − H: its labels (cancelled within (E, D]) are known on D;
- the *training snapshots* are E − H, E − H − 30, … (at most 12, none earlier than 30 days after the
  first order): each label window ends on or before E, so no label the evaluation is judged on, and
  nothing after D, is ever trained on;
- the model is scored out-of-time on E: AUC (``roc_auc_score``), the Brier score and a calibration table
  (predicted against observed in ten equal-sized bins of the prediction);
- the subscriptions active on D are then scored by that same fitted model (not refitted with E's labels):
  the AUC shown is the AUC of the model that scores, and the fit is paid once.

Training rows are sampled to about 200,000 and evaluation rows to about 100,000 (every k-th subscription,
the same ones on every snapshot), so the cost stays bounded at a million customers. The model is sklearn's
``HistGradientBoostingClassifier`` on the numeric signals and the channel and product as categories,
fitted on one OpenMP thread (no oversubscription beside the engine; deterministic).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from teiki.actions.risk_signals import CATEGORICAL, NUMERIC

HORIZON_DAYS = 60
STEP_DAYS = 30
TRAIN_SNAPSHOTS = 12
MIN_HISTORY_DAYS = 30  # no snapshot earlier than this after the first order
MAX_TRAIN_ROWS = 200_000
MAX_EVAL_ROWS = 100_000
MIN_CANCELLATIONS = 200  # distinct subscriptions cancelled within the training windows: fewer → the rule
MAX_CATEGORIES = 250  # HistGradientBoosting takes at most 255 categories; rarer values count as missing
CALIBRATION_BINS = 10
FEATURES = (*NUMERIC, *CATEGORICAL)
PARAMS = {"max_iter": 60, "learning_rate": 0.1, "max_leaf_nodes": 8, "min_samples_leaf": 50,
          "l2_regularization": 1.0, "early_stopping": False, "random_state": 0}


@dataclass(frozen=True)
class Schedule:
    """The snapshot dates of one assessment: training (oldest first), evaluation (or None) and D."""

    as_of: dt.date
    train: tuple[dt.date, ...]
    evaluation: dt.date | None


def schedule(as_of: dt.date, first: dt.date, horizon_days: int = HORIZON_DAYS) -> Schedule:
    """Snapshot dates for D = ``as_of`` (module docstring).

    Example: D = 2026-10-31, first order 2024-11-01, H = 60 → evaluation 2026-09-01, training
    2026-07-03, 2026-06-03, … (12 dates, the oldest 2025-08-07)."""
    earliest = first + dt.timedelta(days=MIN_HISTORY_DAYS)
    evaluation = as_of - dt.timedelta(days=horizon_days)
    if evaluation < earliest:
        return Schedule(as_of, (), None)
    train = [evaluation - dt.timedelta(days=horizon_days + STEP_DAYS * k) for k in range(TRAIN_SNAPSHOTS)]
    return Schedule(as_of, tuple(sorted(d for d in train if d >= earliest)), evaluation)


def categories(table: pa.Table) -> dict[str, list[str]]:
    """Per categorical signal, its values in ``table`` (the training rows), the most frequent first (≤ 250)."""
    found = {}
    for name in CATEGORICAL:
        counts = pc.value_counts(table.column(name)).to_pylist()
        ranked = sorted(counts, key=lambda c: (-c["counts"], str(c["values"])))[:MAX_CATEGORIES]
        found[name] = [c["values"] for c in ranked]
    return found


def matrix(table: pa.Table, cats: dict[str, list[str]]) -> np.ndarray:
    """The model's input: the numeric signals as floats, then each category's index in ``cats`` (NaN when
    unseen in training)."""
    cols = [table.column(n).to_numpy(zero_copy_only=False).astype(float) for n in NUMERIC]
    for name in CATEGORICAL:
        codes = pc.index_in(table.column(name), value_set=pa.array(cats[name], pa.string()))
        cols.append(codes.to_numpy(zero_copy_only=False).astype(float))
    return np.column_stack(cols) if cols and len(table) else np.empty((len(table), len(FEATURES)))


def labels(table: pa.Table) -> np.ndarray:
    return table.column("label").to_numpy(zero_copy_only=False).astype(np.int64)


def fit(x: np.ndarray, y: np.ndarray):
    """A gradient-boosted classifier of y (1 = cancelled within H days) on x (see :func:`matrix`)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    categorical = [FEATURES.index(n) for n in CATEGORICAL]
    model = HistGradientBoostingClassifier(categorical_features=categorical, **PARAMS)
    with threadpool_limits(limits=1, user_api="openmp"):
        model.fit(x, y)
    return model


def predict(model, x: np.ndarray) -> np.ndarray:
    """P(cancelled within H days) per row of x."""
    from threadpoolctl import threadpool_limits

    if not len(x):
        return np.zeros(0)
    with threadpool_limits(limits=1, user_api="openmp"):
        return model.predict_proba(x)[:, 1]


def auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve (sklearn's ``roc_auc_score``); None when y holds one class only.

    Example: y = 0, 0, 1, 1 and scores 0.1, 0.4, 0.35, 0.8 → 0.75."""
    from sklearn.metrics import roc_auc_score

    if len(np.unique(y)) < 2:
        return None
    return float(roc_auc_score(y, score))


def brier(y: np.ndarray, p: np.ndarray) -> float | None:
    """Brier score: mean of (p − y)². Example: y = 0, 1 with p = 0.2, 0.6 → (0.04 + 0.16) ÷ 2 = 0.1."""
    from sklearn.metrics import brier_score_loss

    return float(brier_score_loss(y, p)) if len(y) else None


def calibration(y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Predicted against observed: the rows sorted by p, cut into ``bins`` groups of (nearly) equal size;
    per group rows, the lowest and highest p, the mean p and the observed cancellation rate.

    Example: p = 0.1, 0.2, 0.7, 0.9 with y = 0, 1, 1, 1 and 2 bins → (mean 0.15, observed 0.5) and
    (mean 0.8, observed 1.0)."""
    order = np.argsort(p, kind="stable")
    out = []
    for i, part in enumerate(np.array_split(order, min(bins, len(order)))):
        if len(part):
            out.append({"bin": i + 1, "rows": int(len(part)), "p_min": float(p[part].min()),
                        "p_max": float(p[part].max()), "predicted": float(p[part].mean()),
                        "observed": float(y[part].mean())})
    return out
