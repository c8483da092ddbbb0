"""Churn risk (SPEC §6, seed 002): the signals on a hand-built shop, the rule points, the time split, the rule
fallback, the model against the rule on the demo shop, the API, the CLI, and DuckDB-vs-Spark parity."""

from __future__ import annotations

import datetime as dt
import json
import math

import ibis
import numpy as np
import pyarrow as pa
import pytest
from conftest import assert_same, copy_db, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import teiki
from teiki.actions import risk_model as rm
from teiki.actions import risk_reasons as why
from teiki.actions import risk_signals as rs
from teiki.actions.risk_rule import with_points
from teiki.cli.main import app
from teiki.errors import TeikiError
from teiki.store import results
from teiki.store.schema import TABLES

D = dt.date
SIGNALS = ["delivery_no", "tenure_days", "cycle_days", "days_since_delivery", "overdue_deliveries", "skips_90d",
           "pauses_90d", "cycle_changes_90d", "cancel_requests_90d", "saves_90d", "inquiries_90d", "label",
           "rule_points"]

# --------------------------------------------------------------------------- a hand-built shop
# S1 (C1): cycle 30, deliveries Jan 1 / Jan 31 / Mar 2 / May 1 (a skip before it), a skip on Mar 25, cycle changed
#          to 45 on May 10, a pause on May 20, a saved cancel call on Jun 1, the final request on Jul 5 (as an event
#          and a call), cancelled Jul 10; an inquiry (other) Apr 15, an upsell call Apr 20, a downsell call May 9.
# S2 (C2): cycle 60, deliveries Feb 15 / Apr 16 / Jun 15, no events.
# S3 (C3): cycle 30 at first, deliveries Jun 1 / Jul 1 / Aug 1, moved to the 3-month prepay plan on Jul 15 (the
#          stored cycle_days is today's 90).

ORDERS = [
    ["O1", "C1", "2025-01-01 10:00:00", "P1", 1, 3000, "S1", 1, "sns", "completed"],
    ["O2", "C1", "2025-01-31 10:00:00", "P1", 1, 3000, "S1", 2, "sns", "completed"],
    ["O3", "C1", "2025-03-02 10:00:00", "P1", 1, 3000, "S1", 3, "sns", "completed"],
    ["O4", "C1", "2025-05-01 10:00:00", "P1", 1, 3000, "S1", 4, "sns", "completed"],
    ["O5", "C2", "2025-02-15 09:00:00", "P1", 1, 3000, "S2", 1, "dm", "completed"],
    ["O6", "C2", "2025-04-16 09:00:00", "P1", 1, 3000, "S2", 2, "dm", "completed"],
    ["O7", "C2", "2025-06-15 09:00:00", "P1", 1, 3000, "S2", 3, "dm", "completed"],
    ["O8", "C3", "2025-06-01 11:00:00", "P1", 1, 3000, "S3", 1, None, "completed"],
    ["O9", "C3", "2025-07-01 11:00:00", "P1", 1, 3000, "S3", 2, None, "completed"],
    ["O10", "C3", "2025-08-01 11:00:00", "P1", 3, 8000, "S3", 3, None, "completed"],
]
HAND = {
    "orders.csv": (TABLES["orders"].column_names, ORDERS),
    "products.csv": (TABLES["products"].column_names, [["P1", "美容液", "main", 3000, 30, 0.7]]),
    "customers.csv": (TABLES["customers"].column_names, [
        ["C1", "2025-01-01", "山田太郎", "090-1111-2222", "taro@example.jp", "東京都", "sns"],
        ["C2", "2025-02-15", "佐藤花子", "090-3333-4444", "hanako@example.jp", "大阪府", "dm"],
        ["C3", "2025-06-01", "鈴木一郎", "090-5555-6666", "ichiro@example.jp", "愛知県", "tv"]]),
    "subscriptions.csv": (TABLES["subscriptions"].column_names, [
        ["S1", "C1", "P1", "2025-01-01 10:00:00", "2025-07-10 15:00:00", "他社へ乗り換え", 45, "monthly", None],
        ["S2", "C2", "P1", "2025-02-15 09:00:00", None, None, 60, "monthly", None],
        ["S3", "C3", "P1", "2025-06-01 11:00:00", None, None, 90, "3month_prepay", None]]),
    "subscription_events.csv": (TABLES["subscription_events"].column_names, [
        ["S1", "2025-03-25 12:00:00", "skip", None],
        ["S1", "2025-05-10 12:00:00", "cycle_change", "45"],
        ["S1", "2025-05-20 12:00:00", "pause", "2025-06-30"],
        ["S1", "2025-07-05 12:00:00", "cancel_request", None],
        ["S1", "2025-07-10 15:00:00", "cancel", "他社へ乗り換え"],
        ["S3", "2025-07-15 12:00:00", "plan_change", "3month_prepay"]]),
    "contacts.csv": (TABLES["contacts"].column_names, [
        ["K1", "C1", "2025-04-15 10:00:00", "other", None, 300, "S1"],
        ["K2", "C1", "2025-04-20 12:00:00", "upsell", "declined", 300, "S1"],
        ["K3", "C1", "2025-05-09 10:00:00", "downsell", "declined", 300, "S1"],
        ["K4", "C1", "2025-06-01 10:00:00", "cancel_request", "saved", 300, "S1"],
        ["K5", "C1", "2025-07-05 12:00:00", "cancel_request", "cancelled", 300, "S1"]]),
}


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("risk_hand")
    files = [write_csv(folder / name, header, body) for name, (header, body) in HAND.items()]
    path = folder / "hand.duckdb"
    with teiki.open(path) as shop:
        shop.import_files(files)
    return path


@pytest.fixture
def hand_shop(hand_db):
    with teiki.open(hand_db, read_only=True) as shop:
        yield shop


def signal_rows(shop, dates, as_of=None) -> dict[tuple[str, str], dict]:
    """{(snapshot, subscription_id): signals} on the given snapshot dates, as the engine computes them."""
    view = shop.view(as_of)
    snaps = rs.snapshots(dates, ["score"] * len(dates), 60)
    rows, _ = rs.panel(view, snaps)
    try:
        got = results.rows(with_points(rs.signals(view, rows)))
    finally:
        rows.release()
    return {(r["snapshot"].isoformat(), r["subscription_id"]): r for r in got}


def pick(row: dict, columns=SIGNALS) -> dict:
    return {c: row[c] for c in columns}


def test_signals_on_a_hand_built_shop_in_june(hand_shop):
    got = signal_rows(hand_shop, [D(2025, 6, 15)])
    assert set(got) == {("2025-06-15", "S1"), ("2025-06-15", "S2"), ("2025-06-15", "S3")}
    # S1: 4 deliveries, last May 1 (45 days) on the 45-day cycle in force since May 10; in the 90 days (Mar 18 – Jun 15)
    # one skip, one pause, one cycle change, the saved call (1 request, 1 save), the inquiry and the downsell call
    # (the upsell call is no inquiry); cancelled Jul 10, within 60 days. Points 30 + 15 + 20 + 10 + 10 + 10 = 95.
    assert pick(got["2025-06-15", "S1"]) == {
        "delivery_no": 4, "tenure_days": 165, "cycle_days": 45, "days_since_delivery": 45, "overdue_deliveries": 0,
        "skips_90d": 1, "pauses_90d": 1, "cycle_changes_90d": 1, "cancel_requests_90d": 1, "saves_90d": 1,
        "inquiries_90d": 2, "label": True, "rule_points": 95}
    assert got["2025-06-15", "S1"]["lapse_ratio"] == 1.0 and got["2025-06-15", "S1"]["channel"] == "sns"
    # S2: delivered that very morning (delivery 3), nothing else: 10 points for an early delivery
    assert pick(got["2025-06-15", "S2"]) == {
        "delivery_no": 3, "tenure_days": 120, "cycle_days": 60, "days_since_delivery": 0, "overdue_deliveries": 0,
        "skips_90d": 0, "pauses_90d": 0, "cycle_changes_90d": 0, "cancel_requests_90d": 0, "saves_90d": 0,
        "inquiries_90d": 0, "label": False, "rule_points": 10}
    # S3: its plan (and stored cycle 90) changed after Jun 15 and it has one delivery: the cycle falls back to 30
    s3 = got["2025-06-15", "S3"]
    assert (s3["cycle_days"], s3["delivery_no"], s3["days_since_delivery"], s3["channel"]) == (30, 1, 14, "tv")
    assert math.isclose(s3["lapse_ratio"], 14 / 30)


def test_signals_before_the_cycle_change_use_the_observed_cycle(hand_shop):
    got = signal_rows(hand_shop, [D(2025, 4, 20), D(2025, 7, 8), D(2025, 7, 9), D(2025, 7, 10), D(2025, 7, 20)])
    assert ("2025-04-20", "S3") not in got and ("2025-07-20", "S1") not in got  # not started / cancelled
    assert ("2025-07-09", "S1") in got and ("2025-07-10", "S1") not in got  # cancelled Jul 10, 15:00
    # S1 on Apr 20: the cycle change comes later, so the cycle is the shortest gap so far (30); 49 days since
    # Mar 2 → 1 overdue delivery; the skip and the inquiry are in the window. Points 15 + 15 + 10 + 10 = 50.
    assert pick(got["2025-04-20", "S1"]) == {
        "delivery_no": 3, "tenure_days": 109, "cycle_days": 30, "days_since_delivery": 49, "overdue_deliveries": 1,
        "skips_90d": 1, "pauses_90d": 0, "cycle_changes_90d": 0, "cancel_requests_90d": 0, "saves_90d": 0,
        "inquiries_90d": 1, "label": False, "rule_points": 50}
    assert math.isclose(got["2025-04-20", "S1"]["lapse_ratio"], 49 / 30)
    # S1 on Jul 8: the final request is an event (1) and a call, beside the saved call (2) → 2, not 3
    s1 = got["2025-07-08", "S1"]
    assert (s1["cancel_requests_90d"], s1["saves_90d"], s1["skips_90d"], s1["overdue_deliveries"], s1["label"]) == \
        (2, 1, 0, 1, True)
    # S3: on Jul 8 the shortest gap (30 days) stands for the cycle; on Jul 20 the stored 90 is in force
    assert got["2025-07-08", "S3"]["cycle_days"] == 30
    assert got["2025-07-20", "S3"]["cycle_days"] == 90


def test_a_later_as_of_does_not_change_a_snapshot_but_an_earlier_one_hides_the_future(hand_shop):
    late = signal_rows(hand_shop, [D(2025, 6, 15)])
    same = signal_rows(hand_shop, [D(2025, 6, 15)], as_of="2025-07-31")
    assert pick(same["2025-06-15", "S1"]) == pick(late["2025-06-15", "S1"])
    early = signal_rows(hand_shop, [D(2025, 6, 15)], as_of="2025-06-30")  # the Jul 10 cancellation is not seen yet
    assert early["2025-06-15", "S1"]["label"] is False


# --------------------------------------------------------------------------- the formulas' worked examples


def _value(expr):
    return results.scalar(expr)


def test_formula_examples():
    assert _value(rs.lapse_ratio(ibis.literal(45), ibis.literal(30))) == 1.5
    assert [_value(rs.overdue_deliveries(ibis.literal(d), ibis.literal(30))) for d in (36, 37, 67)] == [0, 1, 2]
    assert _value(rs.cancel_requests(ibis.literal(1), ibis.literal(2))) == 2
    cut, end = ibis.literal(dt.datetime(2025, 4, 1)), ibis.literal(dt.datetime(2025, 5, 31))
    assert _value(rs.cancelled_within(ibis.literal(dt.datetime(2025, 5, 30, 12)), cut, end)) is True
    assert _value(rs.cancelled_within(ibis.literal(dt.datetime(2025, 5, 31, 0)), cut, end)) is False
    null = ibis.null("int64")
    assert _value(rs.cycle_at(ibis.literal(60), ibis.literal(False), null, null)) == 60
    assert _value(rs.cycle_at(ibis.literal(60), ibis.literal(True), null, ibis.literal(28))) == 30
    assert _value(rs.cycle_at(ibis.literal(60), ibis.literal(True), ibis.literal(45), ibis.literal(28))) == 45
    assert _value(rs.cycle_at(ibis.literal(60), ibis.literal(True), null, null)) == 30
    assert rs.sample_step(1_050_000, 200_000) == 6 and rs.sample_step(10, 200_000) == 1


def test_model_helpers_examples():
    plan = rm.schedule(D(2026, 10, 31), D(2024, 11, 1))
    assert plan.evaluation == D(2026, 9, 1)
    assert len(plan.train) == 12 and plan.train[-1] == D(2026, 7, 3) and plan.train[0] == D(2025, 8, 7)
    assert all(d + dt.timedelta(days=60) <= plan.evaluation for d in plan.train)  # every label window ends by E
    assert rm.schedule(D(2025, 3, 1), D(2025, 1, 1)).evaluation is None
    assert rm.auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert rm.auc(np.array([0, 0]), np.array([0.1, 0.2])) is None
    assert math.isclose(rm.brier(np.array([0, 1]), np.array([0.2, 0.6])), 0.1)
    bins = rm.calibration(np.array([0, 1, 1, 1]), np.array([0.1, 0.2, 0.7, 0.9]), bins=2)
    assert [(b["rows"], round(b["predicted"], 9), b["observed"]) for b in bins] == [(2, 0.15, 0.5), (2, 0.8, 1.0)]


def test_reasons_are_ordered_by_points_or_by_the_models_contribution():
    keys = ["cancel_request", "skips", "cycle_change", "overdue", "pause", "inquiry", "early"]
    pts = {k: np.array([0, 0]) for k in keys}
    pts["skips"], pts["early"], pts["pause"] = np.array([30, 0]), np.array([20, 10]), np.array([10, 0])
    assert why.ranked(pts, None).tolist() == [[1, 6, 4], [6, -1, -1]]
    gains = {k: np.full(2, np.nan) for k in keys}
    gains["skips"], gains["early"], gains["pause"] = np.array([0.05, np.nan]), np.array([0.2, -0.01]), \
        np.array([-0.02, np.nan])
    assert why.ranked(pts, gains).tolist() == [[6, 1, -1], [-1, -1, -1]]  # a sign that lowers the risk is no reason
    table = pa.table({"skips_90d": [2, 0], "delivery_no": [2, 3], "cancel_requests_90d": [0, 0], "cycle_days": [30, 30],
                      "overdue_deliveries": [0, 0], "days_since_delivery": [5, 5], "inquiries_90d": [0, 0]})
    words, names = why.describe(table, np.array([[1, 6, -1], [-1, -1, -1]]), "ja")
    assert words.to_pylist() == ["直近90日にスキップ2回 / 定期2回目（解約の多い初期）", ""]
    assert names.to_pylist() == ["skips,early", ""]


def test_the_models_contribution_finds_the_sign_that_drives_it():
    """A model trained where only skips matter: taking the skip away lowers the probability, the early delivery
    (no effect) is no reason."""
    rng = np.random.default_rng(0)
    n = 3000
    x = np.zeros((n, len(rm.FEATURES)))
    col = {name: i for i, name in enumerate(rm.FEATURES)}
    x[:, col["skips_90d"]] = rng.integers(0, 2, n)
    x[:, col["delivery_no"]] = rng.integers(1, 9, n)
    x[:, col["cycle_days"]] = 30
    y = (rng.random(n) < np.where(x[:, col["skips_90d"]] > 0, 0.6, 0.1)).astype(int)
    model = rm.fit(x, y)
    rows = x[:4].copy()
    rows[:, col["skips_90d"]], rows[:, col["delivery_no"]] = [1, 1, 0, 0], [2, 7, 2, 7]
    p = rm.predict(model, rows)
    points = {k: np.zeros(4) for k in why.ABSENT}
    points["skips"], points["early"] = np.array([15, 15, 0, 0]), np.array([20, 0, 20, 0])
    gains = why.contributions(model, rows, p, points)
    assert (gains["skips"][:2] > 0.3).all() and np.isnan(gains["skips"][2:]).all()
    assert abs(gains["early"][0]) < 0.1
    top = why.ranked(points, gains)
    assert top[0, 0] == list(points).index("skips") and top[1, 0] == list(points).index("skips")


# --------------------------------------------------------------------------- properties against references

pairs = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 120)), min_size=1, max_size=30)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs)
def test_lapse_and_overdue_match_a_plain_reference(values):
    t = ibis.memtable({"days": [d for d, _ in values], "cycle": [c for _, c in values]})
    got = results.rows(t.select(lapse=rs.lapse_ratio(t.days, t.cycle), late=rs.overdue_deliveries(t.days, t.cycle)))
    for (days, cycle), row in zip(values, got, strict=True):
        assert math.isclose(row["lapse"], days / cycle)
        assert row["late"] == max(0, (days - 7) // cycle)


signs = st.fixed_dictionaries({name: st.integers(0, 4) for name in (
    "cancel_requests_90d", "skips_90d", "cycle_changes_90d", "overdue_deliveries", "pauses_90d", "inquiries_90d")}
    | {"delivery_no": st.integers(1, 12)})


def reference_points(s: dict) -> int:
    """The points table of docs/actions_risk.md, written out plainly."""
    early = 20 if s["delivery_no"] <= 2 else 10 if s["delivery_no"] <= 4 else 0
    return (30 * (s["cancel_requests_90d"] >= 1) + 15 * min(s["skips_90d"], 2) + 20 * (s["cycle_changes_90d"] >= 1)
            + 15 * (s["overdue_deliveries"] >= 1) + 10 * (s["pauses_90d"] >= 1) + 10 * (s["inquiries_90d"] >= 1)
            + early)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(signs, min_size=1, max_size=20))
def test_rule_points_match_the_points_table(rows):
    t = ibis.memtable({k: [r[k] for r in rows] for k in rows[0]}, schema={k: "int64" for k in rows[0]})
    got = results.arrow(with_points(t)).column("rule_points").to_pylist()
    assert got == [reference_points(r) for r in rows]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=60), st.integers(1, 12))
def test_calibration_bins_cover_every_row_in_order(p, bins):
    y = (np.arange(len(p)) % 3 == 0).astype(int)
    table = rm.calibration(y, np.array(p), bins)
    assert sum(b["rows"] for b in table) == len(p) and len(table) == min(bins, len(p))
    means = [b["predicted"] for b in table]
    assert means == sorted(means)
    assert math.isclose(sum(b["observed"] * b["rows"] for b in table), y.sum())


# --------------------------------------------------------------------------- the rule fallback (a tiny shop)


def test_a_tiny_shop_falls_back_to_the_rule_and_still_evaluates_it(hand_shop):
    model = hand_shop.churn_model()  # D = Aug 1; 3 training snapshots (Feb 2, Mar 4, Apr 3) without a cancellation
    d = model.to_dict()
    assert (d["method"], d["reason"], d["evaluation_date"]) == ("rule", "too_few_cancellations", "2025-06-02")
    assert d["training"]["snapshots"] == ["2025-02-02", "2025-03-04", "2025-04-03"]
    assert d["training"]["cancelled_subscriptions"] == 0 and d["auc_model"] is None and d["calibration"] == []
    # on Jun 2, S1 (95 points) cancelled within 60 days, S2 and S3 (20 points each) did not → AUC 1
    assert d["evaluation"] == {"rows": 3, "positives": 1, "sampled_every": 1} and d["auc_rule"] == 1.0
    scores = model.scores.to_pylist()  # S2 and S3 are active on Aug 1, both at delivery 3: 10 points, tie by id
    assert [(r["rank"], r["subscription_id"], r["rule_points"]) for r in scores] == [(1, "S2", 10), (2, "S3", 10)]
    assert scores[0]["score"] == 10 / 135 and scores[0]["reasons"] == "定期3回目（解約の多い初期）"


def test_a_shop_without_history_uses_the_rule_without_any_auc(hand_shop):
    d = hand_shop.churn_model("2025-02-15").to_dict()
    assert (d["method"], d["reason"], d["auc_model"], d["auc_rule"], d["evaluation_date"]) == \
        ("rule", "no_history", None, None, None)
    assert d["scored"] == 2  # S1 and S2 (started that morning)


def test_churn_risk_api_top_personal_and_language(hand_shop):
    plain = hand_shop.churn_risk(top=1, lang="en")
    assert list(plain["subscription_id"]) == ["S2"] and "phone" not in plain.columns and "name" not in plain.columns
    assert plain["reasons"][0] == "delivery 3 (early deliveries churn most)"
    personal = hand_shop.churn_risk(personal=True, output="pyarrow").to_pylist()
    assert [(r["subscription_id"], r["name"], r["phone"]) for r in personal] == \
        [("S2", "佐藤花子", "090-3333-4444"), ("S3", "鈴木一郎", "090-5555-6666")]
    with pytest.raises(TeikiError):
        hand_shop.churn_risk(top=0)


# --------------------------------------------------------------------------- the demo shop: model against rule


SHOWS = {"cancel_request": lambda r: r["cancel_requests_90d"] >= 1, "skips": lambda r: r["skips_90d"] >= 1,
         "cycle_change": lambda r: r["cycle_changes_90d"] >= 1, "overdue": lambda r: r["overdue_deliveries"] >= 1,
         "pause": lambda r: r["pauses_90d"] >= 1, "inquiry": lambda r: r["inquiries_90d"] >= 1,
         "early": lambda r: r["delivery_no"] <= 4}


@pytest.fixture(scope="module")
def demo_model(demo_db):
    with teiki.open(demo_db, read_only=True) as shop:
        return shop.churn_model()


def test_on_the_demo_shop_the_model_beats_the_rule_out_of_time(demo_model):
    d = demo_model.to_dict()
    assert d["method"] == "model" and d["reason"] == "model_better"
    assert d["auc_model"] > d["auc_rule"] > 0.6
    assert d["training"]["cancelled_subscriptions"] >= rm.MIN_CANCELLATIONS
    assert sum(b["rows"] for b in d["calibration"]) == d["evaluation"]["rows"] > 300
    assert 0 < d["brier_model"] < 0.2
    observed = [b["observed"] for b in d["calibration"]]
    assert observed[-1] > 3 * max(observed[0], 0.01)  # the riskiest decile cancels far more than the safest
    top = demo_model.scores.slice(0, 50).to_pylist()
    assert [r["rank"] for r in top] == list(range(1, 51))
    assert all(a["score"] >= b["score"] for a, b in zip(top, top[1:], strict=False))
    assert sum(1 for r in top if r["reasons"]) >= 45  # the riskiest have their reasons in words
    for r in top:  # every reason is a sign the subscription shows
        assert all(SHOWS[k](r) for k in r["reason_keys"].split(",") if k), r


def _shift_cancellations(db, changes: dict[str, dt.datetime], tmp_path):
    """Re-import some subscriptions with a new cancelled_at (and a cancel event at that time)."""
    with teiki.open(db) as shop:
        stored = shop.store.table("subscriptions").to_pyarrow().to_pylist()
        subs = [r for r in stored if r["subscription_id"] in changes]
        cols = TABLES["subscriptions"].column_names
        rows = [[changes[r["subscription_id"]] if c == "cancelled_at" else r[c] for c in cols] for r in subs]
        events = [[sid, when, "cancel", "test"] for sid, when in changes.items()]
        shop.import_files([write_csv(tmp_path / "subscriptions.csv", cols, rows),
                           write_csv(tmp_path / "subscription_events.csv",
                                     TABLES["subscription_events"].column_names, events)])


def test_the_split_never_trains_on_labels_after_the_evaluation_date(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path)
    as_of = D(2026, 4, 30)
    with teiki.open(db) as shop:
        before = shop.churn_model(as_of)
        ids = before.scores.sort_by("subscription_id").column("subscription_id").to_pylist()  # active on D
    evaluation = dt.datetime.combine(before.evaluation_date, dt.time())
    # (1) cancellations after D: nothing of the assessment changes
    _shift_cancellations(db, {s: dt.datetime(2026, 5, 3, 12) for s in ids[:60]}, tmp_path)
    with teiki.open(db, read_only=True) as shop:
        after = shop.churn_model(as_of)
    assert after.training_set.equals(before.training_set)
    assert after.to_dict() == before.to_dict()
    # (2) cancellations between the evaluation date E and D: the evaluation's labels change, the training set not
    _shift_cancellations(db, {s: evaluation + dt.timedelta(days=20, hours=12) for s in ids[60:160]}, tmp_path)
    with teiki.open(db, read_only=True) as shop:
        moved = shop.churn_model(as_of)
    assert moved.training_set.equals(before.training_set)
    assert moved.to_dict()["evaluation"]["positives"] > before.to_dict()["evaluation"]["positives"]


# --------------------------------------------------------------------------- the command line


def invoke(*args):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "TEIKI_LANG": "ja"})


def test_cli_prints_both_aucs_and_the_riskiest(demo_db, demo_model):
    result = invoke("--db", str(demo_db), "risk", "--top", "5")
    assert result.exit_code == 0, result.output
    d = demo_model.to_dict()
    assert f"学習モデル（勾配ブースティング）のAUC: {d['auc_model']:.3f} ◀" in result.output
    assert f"ルールスコア（兆候の点数）のAUC: {d['auc_rule']:.3f}" in result.output
    assert "学習モデルを使用" in result.output and "リスクの高い順に 5 /" in result.output
    assert demo_model.scores.column("subscription_id")[0].as_py() in result.output


def test_cli_json_and_csv(demo_db, demo_model, tmp_path):
    result = invoke("--db", str(demo_db), "--lang", "en", "risk", "--top", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert_same(payload["model"], json.loads(json.dumps(demo_model.to_dict())))
    assert [r["subscription_id"] for r in payload["subscriptions"]] == \
        demo_model.scores.column("subscription_id").to_pylist()[:3]
    assert "phone" not in payload["subscriptions"][0]
    out = tmp_path / "risk.csv"
    written = invoke("--db", str(demo_db), "risk", "--top", "4", "--personal", "--format", "csv", "--out", str(out))
    assert written.exit_code == 0, written.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 5 and lines[0].startswith("rank,subscription_id") and "phone" in lines[0]


def test_cli_on_an_empty_shop_prints_an_error_not_a_traceback(tmp_path):
    teiki.open(tmp_path / "empty.duckdb").close()
    result = invoke("--db", str(tmp_path / "empty.duckdb"), "--lang", "en", "risk")
    assert result.exit_code == 1 and "Traceback" not in result.output


# --------------------------------------------------------------------------- DuckDB and Spark agree


def test_signals_are_the_same_on_duckdb_and_spark(engines):
    duck, spark_shop = engines

    def compute(shop):
        view = shop.view()
        dates = [view.as_of - dt.timedelta(days=200), view.as_of]
        rows, _ = rs.panel(view, rs.snapshots(dates, ["train", "score"], 60))
        try:
            table = results.arrow(with_points(rs.signals(view, rows)).drop("cut", "label_end"))
        finally:
            rows.release()
        return sorted(table.to_pylist(), key=lambda r: (r["snapshot"], r["subscription_id"]))

    on_duckdb, on_spark = compute(duck), compute(spark_shop)
    assert len(on_duckdb) > 200 and sum(r["label"] for r in on_duckdb) > 10
    assert sum(r["skips_90d"] + r["cycle_changes_90d"] + r["cancel_requests_90d"] for r in on_duckdb) > 20
    assert_same(on_duckdb, on_spark)
