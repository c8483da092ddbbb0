"""Churn risk of the active subscribers (SPEC §6, seed 002 解約の兆候), backtested on the shop's history.

:func:`assess` computes, for an as-of date D:

1. the signals (:mod:`teiki.actions.risk_signals`) and the rule points (:mod:`teiki.actions.risk_rule`) of
   every subscription active on each snapshot date of :func:`teiki.actions.risk_model.schedule`, in one
   engine query (training rows sampled to about 200,000, evaluation rows to about 100,000);
2. the model (:mod:`teiki.actions.risk_model`) when the training windows hold at least 200 cancelled
   subscriptions, and both out-of-time AUCs on the evaluation snapshot D − H: the model's and the rule's;
3. which score to use: the model when it was trained and its AUC is at least the rule's, else the rule
   (``reason`` says why: ``model_better``, ``rule_better``, ``too_few_cancellations``, ``no_history``,
   ``no_evaluation``);
4. a score per subscription active on D — P(cancelled within H days) from the evaluated model, or rule
   points ÷ 135 (a 0–1 scale, not a probability) — its rank (ties: more rule points first, then
   subscription_id) and its top reasons (:mod:`teiki.actions.risk_reasons`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from teiki.actions import risk_model as rm
from teiki.actions import risk_reasons as why
from teiki.actions.risk_rule import MAX_POINTS, with_points
from teiki.actions.risk_signals import NUMERIC, panel, signals, snapshots
from teiki.metrics.view import View
from teiki.store import results

KEY_SIGNALS = NUMERIC  # the signal columns handed back with each score


@dataclass
class RiskModel:
    """An assessment as of D: the evaluation of both scores, what was used, and the scores themselves."""

    as_of: dt.date
    horizon_days: int
    method: str  # "model" or "rule"
    reason: str
    evaluation_date: dt.date | None
    auc_model: float | None
    auc_rule: float | None
    brier_model: float | None
    calibration: list[dict]
    training: dict
    evaluation: dict
    scores: pa.Table = field(repr=False)  # one row per subscription active on D, in rank order
    training_set: pa.Table = field(repr=False)  # the training rows (signals and label) the model saw

    def to_dict(self) -> dict:
        """The evaluation as plain JSON-ready values (``teiki risk --format json``'s ``model``)."""
        return {
            "as_of": self.as_of.isoformat(), "horizon_days": self.horizon_days, "method": self.method,
            "reason": self.reason,
            "evaluation_date": self.evaluation_date.isoformat() if self.evaluation_date else None,
            "auc_model": self.auc_model, "auc_rule": self.auc_rule, "brier_model": self.brier_model,
            "calibration": self.calibration, "training": self.training, "evaluation": self.evaluation,
            "scored": self.scores.num_rows,
        }


def assess(view: View, horizon_days: int = rm.HORIZON_DAYS, lang: str | None = None) -> RiskModel:
    """The churn-risk assessment as of ``view.as_of`` (module docstring)."""
    view.with_orders()
    first, _ = view.source.date_range()
    plan = rm.schedule(view.as_of, first, horizon_days)
    dates = [*plan.train, *([plan.evaluation] if plan.evaluation else []), plan.as_of]
    roles = ["train"] * len(plan.train) + ["eval"] * bool(plan.evaluation) + ["score"]
    snaps = snapshots(dates, roles, horizon_days)
    rows, steps = panel(view, snaps, {"train": rm.MAX_TRAIN_ROWS, "eval": rm.MAX_EVAL_ROWS})
    try:
        table = results.arrow(with_points(signals(view, rows)).order_by(["role", "snapshot", "subscription_id"]))
    finally:
        rows.release()
    train, ev, now = (table.filter(pc.equal(table.column("role"), r)) for r in ("train", "eval", "score"))

    y_train, y_eval = rm.labels(train), rm.labels(ev)
    cancelled = pc.count_distinct(train.filter(pc.field("label")).column("subscription_id")).as_py()
    auc_rule = rm.auc(y_eval, ev.column("rule_points").to_numpy()) if plan.evaluation else None
    model = None
    auc_model = brier_model = None
    bins: list[dict] = []
    if plan.evaluation is None or not plan.train:
        method, reason = "rule", "no_history"
    elif cancelled < rm.MIN_CANCELLATIONS or len(np.unique(y_train)) < 2:
        method, reason = "rule", "too_few_cancellations"
    else:
        cats = rm.categories(train)
        fitted = rm.fit(rm.matrix(train, cats), y_train)
        p_eval = rm.predict(fitted, rm.matrix(ev, cats))
        auc_model, brier_model = rm.auc(y_eval, p_eval), rm.brier(y_eval, p_eval)
        bins = rm.calibration(y_eval, p_eval) if len(y_eval) else []
        if auc_model is None or auc_rule is None:
            method, reason = "rule", "no_evaluation"
        elif auc_model >= auc_rule:
            method, reason = "model", "model_better"
            model = (fitted, cats)
        else:
            method, reason = "rule", "rule_better"
    scores = _scored(now, model, lang)
    training = {"snapshots": [d.isoformat() for d in plan.train], "rows": train.num_rows,
                "positives": int(y_train.sum()), "cancelled_subscriptions": int(cancelled),
                "sampled_every": steps["train"], "min_cancellations": rm.MIN_CANCELLATIONS}
    evaluation = {"rows": ev.num_rows, "positives": int(y_eval.sum()), "sampled_every": steps["eval"]}
    return RiskModel(view.as_of, horizon_days, method, reason, plan.evaluation, auc_model, auc_rule, brier_model,
                     bins, training, evaluation, scores,
                     train.select(["snapshot", "subscription_id", *rm.FEATURES, "label"]))


def _scored(now: pa.Table, model, lang: str | None) -> pa.Table:
    """The subscriptions active on D with score, rank, reasons and key signals, highest risk first."""
    points = why.present(now)
    rule_points = now.column("rule_points").to_numpy(zero_copy_only=False).astype(float)
    if model is not None:
        fitted, cats = model
        x = rm.matrix(now, cats)
        score = rm.predict(fitted, x)
        top = why.ranked(points, why.contributions(fitted, x, score, points))
    else:
        score = rule_points / MAX_POINTS
        top = why.ranked(points, None)
    reasons, keys = why.describe(now, top, lang)
    ids = now.column("subscription_id")
    by_id = pc.rank(ids, sort_keys="ascending", tiebreaker="first").to_numpy() if len(ids) else np.zeros(0)
    order = pa.array(np.lexsort((by_id, -rule_points, -score)), pa.int64())
    out = pa.table({
        "rank": pa.array(np.arange(1, now.num_rows + 1), pa.int64()),
        "subscription_id": ids.take(order),
        "customer_id": now.column("customer_id").take(order),
        "product_id": now.column("product_id").take(order),
        "channel": now.column("channel").take(order),
        "score": pa.array(score, pa.float64()).take(order),
        "rule_points": now.column("rule_points").take(order),
        "reasons": reasons.take(order),
        "reason_keys": keys.take(order),
    })
    for name in KEY_SIGNALS:
        out = out.append_column(name, now.column(name).take(order))
    return out
