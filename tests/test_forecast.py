"""Shop forecasts (teiki.forecast): the sufficient statistics on a hand-built shop, the life counts as pooled
cohorts, the calendar of deliveries, the forecast and its interval, the backtest against the naive
flat-retention baseline on the demo shop, per-customer scores, and ``teiki forecast``."""

from __future__ import annotations

import csv
import datetime as dt
import json

import numpy as np
import pytest
from conftest import ORDER_HEADER, order_line, write_csv
from scipy.special import betaln
from typer.testing import CliRunner

import teiki
from teiki.cli.main import app
from teiki.forecast import retention, stats
from teiki.forecast.groups import deliveries_within
from teiki.models.sbg import ShiftedBetaGeometric


def _row(line: dict) -> list:
    return [line[c] for c in ORDER_HEADER]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A: one-off buyer, 3 purchases (01-01, 01-15, 03-01); B: one purchase (02-10); C: a subscriber."""
    folder = tmp_path_factory.mktemp("forecast")
    t = dt.datetime
    lines = [
        order_line("o1", "A", t(2026, 1, 1, 10), "P1", amount=1000),
        order_line("o2", "A", t(2026, 1, 15, 10), "P1", amount=3000),
        order_line("o3", "A", t(2026, 3, 1, 10), "P1", amount=5000),
        order_line("o4", "B", t(2026, 2, 10, 10), "P1", amount=2000),
        order_line("o5", "C", t(2026, 1, 5, 10), "P2", amount=4000, subscription_id="S1", delivery_no=1),
        order_line("o6", "C", t(2026, 2, 4, 10), "P2", amount=4000, subscription_id="S1", delivery_no=2),
    ]
    path = write_csv(folder / "orders.csv", ORDER_HEADER, [_row(x) for x in lines])
    shop = teiki.open(folder / "shop.duckdb")
    shop.import_files([path])
    yield shop
    shop.close()


def test_purchase_stats_by_hand(small):
    view = small.view("2026-03-31")  # A: x=2, t_x = 59 d → 8 weeks, T = 89 d → 13; B: x=0, T = 49 d → 7
    got = stats.arrays(stats.purchase_stats(view).order_by("frequency"), ["frequency", "recency", "age", "n"])
    assert got["frequency"].tolist() == [0, 2]
    assert got["recency"].tolist() == [0, 8] and got["age"].tolist() == [7, 13] and got["n"].tolist() == [1, 1]
    spend = stats.arrays(stats.spend_stats(view), ["frequency", "monetary", "n"])
    assert spend["monetary"].tolist() == [4000.0]  # (3000 + 5000) / 2: the repeat purchases only


def test_life_counts_as_pooled_cohorts_give_the_censored_likelihood():
    """Cancelled after m deliveries → P(T = m); active after m → S(m − 1) (Fader & Hardie 2007, eqs. 7–8)."""
    reached, n, cancelled = np.array([1, 2, 3, 4]), np.array([10, 8, 6, 5]), np.array([4, 3, 1, 0])
    pooled = retention.cohorts(reached, n, cancelled)
    assert pooled[0] == [8, 4, 1, 0]  # the cancelled: alive at periods 0..3 (the last churned at period 3)
    a, b = 0.9, 1.7
    model = ShiftedBetaGeometric.from_params(alpha=a, beta=b)

    def log_s(t):
        return betaln(a, b + t) - betaln(a, b)

    def log_p(t):
        return betaln(a + 1, b + t - 1) - betaln(a, b)

    by_hand = sum(c * log_p(m) for m, c in zip(reached, cancelled, strict=True) if c) + \
        sum((k - c) * log_s(m - 1) for m, k, c in zip(reached, n, cancelled, strict=True) if k - c)
    assert model.log_likelihood(pooled) == pytest.approx(by_hand, rel=1e-12)


def test_life_counts_cut_at_an_earlier_delivery():
    reached, n, cancelled = np.array([2, 5]), np.array([4, 6]), np.array([4, 2])
    assert retention.cohorts(reached, n, cancelled, upto=3) == [[4, 4, 0], [6, 6, 6]]


@pytest.mark.parametrize(("months", "cycle", "deliveries"), [(12, 30, 13), (1, 30, 2), (12, 60, 7), (3, 45, 3)])
def test_deliveries_within_months(months, cycle, deliveries):
    assert deliveries_within(months, cycle) == deliveries


def test_empirical_retention_is_seed_004():
    """1,000 sign-ups, 900 / 800 / 500 / 400 reach deliveries 2–5, the rest cancelled (seed 004)."""
    reached = np.array([1, 2, 3, 4, 5])
    n = np.array([100, 100, 300, 100, 400])
    cancelled = np.array([100, 100, 300, 100, 0])
    assert retention.empirical(reached, n, cancelled, 5) == pytest.approx([1, 0.9, 0.8, 0.5, 0.4])


@pytest.fixture(scope="module")
def demo(demo_db):
    shop = teiki.open(demo_db, read_only=True)
    yield shop
    shop.close()


def test_forecast_per_channel_has_models_intervals_and_cpa(demo):
    f = demo.forecast(by="channel", cpa=6000)
    assert {g["group"] for g in f.groups} >= {"SNS広告", "リスティング"}
    for g in f.groups:
        if g["status"] != "ok" or g["model"] is None:
            continue
        assert g["model"] in ("sBG", "BdW")
        for r in g["retention"]:
            assert r["lower"] - 1e-9 <= r["forecast"] <= r["upper"] + 1e-9
        curve = [r["forecast"] for r in g["retention"]]
        assert curve[0] == pytest.approx(1.0) and all(x >= y - 1e-12 for x, y in zip(curve, curve[1:]))
        assert g["break_even_cpa"] == g["ltv_gross_profit"] > 0
        gp = [m["gross_profit"] for m in g["monthly"]]
        assert g["payback_month"] == next((i + 1 for i, v in enumerate(gp) if v >= 6000), None)
    assert json.loads(json.dumps(f.to_dict()))["groups"][0]["retention"]


def test_young_and_small_groups_say_so(demo):
    f = demo.forecast(by="cohort")
    newest = f.groups[-1] if f.groups[-1]["group"] != "(unknown)" else f.groups[-2]
    assert newest["status"] in ("too_young", "too_small") and newest["model"] is None
    fitted = [g for g in f.groups if g["model"] is not None]
    widths = [g["ltv_revenue_upper"] - g["ltv_revenue_lower"] for g in fitted]
    assert widths[-1] > widths[0]  # the youngest fitted cohort is the least certain


@pytest.mark.parametrize("by", [None, "channel"])
def test_backtest_beats_the_flat_baseline_on_the_demo_shop(demo, by):
    b = demo.forecast_backtest("2025-06-30", by)
    t = b.total
    assert t["retention_mape"] < t["retention_mape_naive"]
    assert t["ltv_mape"] < t["ltv_mape_naive"]
    assert t["ltv_mape"] < 0.15


def test_customer_scores(demo):
    s = demo.customer_scores(output="pyarrow")
    p = s.column("p_alive").to_numpy()
    assert s.num_rows > 100 and np.all((p >= 0) & (p <= 1))
    assert np.all(s.column("expected_purchases_90d").to_numpy() >= 0)
    x = s.column("frequency").to_numpy()
    assert np.all(p[x == 0] == 1.0)  # BG/NBD: no repeat purchase yet, no chance to have dropped out


def test_teiki_forecast_command(demo_db, tmp_path):
    run = CliRunner()
    got = run.invoke(app, ["--db", str(demo_db), "forecast", "--by", "channel", "--format", "json"])
    assert got.exit_code == 0, got.output
    with teiki.open(demo_db, read_only=True) as shop:
        expected = shop.forecast(by="channel").records()
    printed = {g["group"]: g for g in json.loads(got.stdout)["groups"]}
    for row in expected:  # the engine sums in parallel, and fits amplify the last digits: compare to 1e-6
        for key, value in row.items():
            assert printed[row["group"]][key] == (pytest.approx(value, rel=1e-6) if isinstance(value, float) else value)
    table = run.invoke(app, ["--db", str(demo_db), "--lang", "en", "forecast", "--cpa", "5000"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "break-even CPA" in table.output and "payback" in table.output
    assert run.invoke(app, ["--db", str(demo_db), "forecast", "--backtest"]).exit_code == 2
    bt = run.invoke(app, ["--db", str(demo_db), "--lang", "en", "forecast", "--backtest", "--as-of", "2025-06-30"],
                    env={"COLUMNS": "200"})
    assert bt.exit_code == 0 and "flat" in bt.output
    out = tmp_path / "scores.csv"
    sc = run.invoke(app, ["--db", str(demo_db), "forecast", "--customers", "--out", str(out)])
    assert sc.exit_code == 0, sc.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {"customer_id", "p_alive", "expected_purchases_90d", "expected_spend"} <= set(rows[0])
    assert run.invoke(app, ["--db", str(demo_db), "forecast", "--by", "planet"]).exit_code == 2


def test_scores_as_customer_list_columns(demo, demo_db):
    plain = demo.segment_customers("first_lapsed", output="pyarrow")
    scored = demo.segment_customers("first_lapsed", scores=True, output="pyarrow")
    assert scored.column("customer_id").to_pylist() == plain.column("customer_id").to_pylist()  # order kept
    by_id = {r["customer_id"]: r for r in demo.customer_scores(output="pyarrow").to_pylist()}
    for row in scored.slice(0, 50).to_pylist():
        expected = by_id.get(row["customer_id"])
        assert row["p_alive"] == (expected["p_alive"] if expected else None)
    got = CliRunner().invoke(app, ["--db", str(demo_db), "segment", "list", "first_lapsed", "--scores", "--format",
                                   "json"])
    assert got.exit_code == 0 and "expected_purchases_90d" in got.stdout


def test_scores_on_the_customer_list_page(demo_db):
    from fastapi.testclient import TestClient

    from teiki.web.app import create_app

    with TestClient(create_app(demo_db)) as c:
        listing = c.get("/api/customers?segment=first_lapsed&scores=true").json()
        assert {"p_alive", "expected_purchases_90d", "expected_spend"} <= set(listing["columns"])
        page = c.get("/customers?segment=first_lapsed&scores=true")
        assert page.status_code == 200 and "生存確率" in page.text
