"""The seeds' and SPEC's worked examples, each on a hand-built shop, plus the edge cases of issue 3."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ORDER_HEADER, write_csv

import teiki
from teiki.errors import TeikiError
from teiki.store.schema import TABLES

D0 = dt.datetime(2025, 1, 1, 10, 0)


def build(tmp_path: Path, **tables: list[list]) -> teiki.Shop:
    """A shop holding exactly the given rows (canonical column order) of each table."""
    files = []
    for name, rows in tables.items():
        header = ORDER_HEADER if name == "orders" else TABLES[name].column_names
        files.append(write_csv(tmp_path / f"{name}.csv", header, rows))
    shop = teiki.open(tmp_path / "shop.duckdb")
    if files:
        shop.import_files(files)
    return shop


def line(order: str, customer: str, at: dt.datetime, product: str = "MAIN", amount: float = 4000,
         sub: str | None = None, delivery: int | None = None, status: str = "completed", channel: str = "web"):
    return [order, customer, at.isoformat(sep=" "), product, 1, amount, sub, delivery, channel, status]


def day(n: int) -> dt.datetime:
    return D0 + dt.timedelta(days=n)


def test_ltv_a_san_61000_seed_004(tmp_path):
    """Seed 004: ¥2,000 trial, ¥4,000 monthly × 11, ¥7,000 once, ¥8,000 once → ¥61,000 in the first year."""
    orders = [line("T", "A", day(0), "TRIAL", 2000)]
    orders += [line(f"M{i}", "A", day(30 * i), "MAIN", 4000) for i in range(1, 12)]
    orders += [line("X1", "A", day(200), "CROSS", 7000), line("X2", "A", day(300), "CROSS2", 8000)]
    orders += [line("LATE", "A", day(365), "MAIN", 4000)]  # F(c) + 365 days: outside the window
    with build(tmp_path, orders=orders) as shop:
        k = shop.kpis(as_of=day(365).date())
    assert k.ltv["mean_revenue"] == 61_000
    assert k.ltv["mean_purchases"] == 14
    assert k.ltv["aov"] == pytest.approx(61_000 / 14)
    assert k.ltv["matured_customers"] == 1 and k.ltv["immature_customers"] == 0
    assert k.ltv["mean_gross_profit"] is None  # no product has a margin


def test_ltv_counts_immature_customers_beside_the_mean(tmp_path):
    orders = [line("A1", "A", day(0), amount=1000), line("B1", "B", day(300), amount=5000)]
    with build(tmp_path, orders=orders) as shop:
        k = shop.kpis(as_of=day(365).date())
    assert (k.ltv["matured_customers"], k.ltv["immature_customers"], k.ltv["mean_revenue"]) == (1, 1, 1000)


def test_gross_profit_ltv_uses_product_margins(tmp_path):
    orders = [line("A1", "A", day(0), "P70", 10_000), line("A2", "A", day(10), "P50", 2_000)]
    products = [["P70", "美容液", "main", 10_000, 30, 0.7], ["P50", "石鹸", "cross_sell", 2_000, 30, 0.5]]
    with build(tmp_path, orders=orders, products=products) as shop:
        k = shop.kpis(as_of=day(400).date())
    assert k.ltv["mean_gross_profit"] == pytest.approx(7_000 + 1_000)
    assert k.ltv["gross_margin_coverage"] == 1.0


def repeat_buyers(*counts: int) -> list[list]:
    """counts[k] customers make purchase k + 1 (C0 … first), 40 days apart."""
    return [line(f"O{k}-{i}", f"C{i}", day(40 * k)) for k, n in enumerate(counts) for i in range(n)]


def test_f2_900_of_1000_seed_004(tmp_path):
    with build(tmp_path, orders=repeat_buyers(1000, 900, 450)) as shop:
        k = shop.kpis()
    assert k.f2_conversion == 0.9
    assert k.fn_conversion["3"] == 0.5
    assert k.fn_conversion["4"] == 0.0 and k.fn_conversion["5"] is None  # 0 ÷ 450; then 0 ÷ 0
    assert k.orders == 2350 and k.customers == 1000


def test_fn_steps_are_stepwise(tmp_path):
    with build(tmp_path, orders=repeat_buyers(10, 5, 2)) as shop:
        k = shop.kpis()
    assert (k.f2_conversion, k.fn_conversion["3"], k.fn_conversion["4"], k.fn_conversion["5"]) == (0.5, 0.4, 0.0, None)


def test_f2_within_days_only_counts_matured_customers(tmp_path):
    orders = [line("A1", "A", day(0)), line("A2", "A", day(30)),  # second purchase exactly 30 days later
              line("B1", "B", day(0)), line("B2", "B", day(31)),
              line("C1", "C", day(40))]  # first bought 20 days before D: not matured for 30 days
    with build(tmp_path, orders=orders) as shop:
        k = shop.kpis(as_of=day(60).date())
    assert k.f2_within_days["30"] == 0.5
    assert k.f2_within_days["60"] == 1.0
    assert k.f2_within_days["90"] is None


def test_repeat_rate_leaves_trial_only_buyers_out(tmp_path):
    products = [["TRIAL", "お試し", "trial", 500, 7, None], ["MAIN", "本品", "main", 4000, 30, None]]
    orders = [line("A1", "A", day(0), "TRIAL", 500),  # trial only
              line("B1", "B", day(0), "TRIAL", 500), line("B2", "B", day(20), "MAIN"),
              line("C1", "C", day(0), "MAIN"),
              line("D1", "D", day(0), "MAIN"), line("D2", "D", day(9), "MAIN")]
    with build(tmp_path, orders=orders, products=products) as shop:
        k = shop.kpis()
    assert k.repeat_rate == pytest.approx(2 / 3)  # B and D repeat; A (trial only) is left out
    assert k.f2_conversion == 0.5
    assert k.trial_pullup_rate == 0.5  # of trial customers A and B, B moved to the main product


def test_retention_90_80_50_40_seed_004(tmp_path):
    """1,000 sign-ups; 900 / 800 / 500 / 400 reach deliveries 2 / 3 / 4 / 5; everyone else cancelled."""
    reach = [1] * 100 + [2] * 100 + [3] * 300 + [4] * 100 + [5] * 400
    orders, subs = [], []
    for i, last in enumerate(reach):
        for n in range(1, last + 1):
            orders.append(line(f"O{i}-{n}", f"C{i}", day(30 * (n - 1)), sub=f"S{i}", delivery=n))
        cancelled = day(30 * (last - 1) + 10).isoformat(sep=" ")
        subs.append([f"S{i}", f"C{i}", "MAIN", day(0).isoformat(sep=" "), cancelled, "価格が高い", 30, "monthly", None])
    with build(tmp_path, orders=orders, subscriptions=subs) as shop:
        k = shop.kpis(as_of=day(200).date())
    r = k.retention_by_delivery
    assert [r["1"], r["2"], r["3"], r["4"], r["5"], r["6"]] == pytest.approx([1, 0.9, 0.8, 0.5, 0.4, 0])
    assert k.dropout_by_delivery["4"] == pytest.approx(0.5)
    assert k.stepwise_dropout["4"] == pytest.approx(1 - 0.5 / 0.8)
    assert k.expected_deliveries == pytest.approx(1 + 0.9 + 0.8 + 0.5 + 0.4)
    assert k.cancel_reasons == [{"reason": "価格・経済的理由", "count": 1000, "share": 1.0}]


def test_retention_censors_active_subscriptions(tmp_path):
    """4 subscriptions: S1 cancelled after 1, S2 active at 1 (censored), S3 cancelled after 2, S4 active at 3.

    h2 = #R≥2 / (#R≥2 + #(R=1 and C)) = 2 / 3; h3 = 1 / (1 + 1) → r = 1, 2/3, 1/3; h4: 0 / 0 → undefined.
    """
    plan = {"S1": (1, True), "S2": (1, False), "S3": (2, True), "S4": (3, False)}
    orders, subs = [], []
    for s, (last, cancelled) in plan.items():
        orders += [line(f"{s}-{n}", f"C{s}", day(30 * (n - 1)), sub=s, delivery=n) for n in range(1, last + 1)]
        end = day(30 * (last - 1) + 5).isoformat(sep=" ") if cancelled else None
        subs.append([s, f"C{s}", "MAIN", day(0).isoformat(sep=" "), end, None, 30, None, None])
    with build(tmp_path, orders=orders, subscriptions=subs) as shop:
        k = shop.kpis(as_of=day(70).date())
    r = k.retention_by_delivery
    assert [r["1"], r["2"], r["3"]] == pytest.approx([1, 2 / 3, 1 / 3])
    assert r["4"] is None
    assert k.expected_deliveries == pytest.approx(1 + 2 / 3 + 1 / 3)
    assert k.subscriptions == {"started": 4, "active": 2, "cancelled": 2, "cancelled_before_first_delivery": 0}
    assert [x["reason"] for x in k.cancel_reasons] == ["未回答"]


def test_cancelled_before_the_first_delivery_is_counted_apart(tmp_path):
    """3 started: S1 delivered twice, S2 cancelled before its first delivery (its order returned), S3 waiting.
    Only S1 is on the retention curve; S2 is the one 初回お届け前キャンセル."""
    orders = [line("O1", "C1", day(0), sub="S1", delivery=1), line("O2", "C1", day(30), sub="S1", delivery=2),
              line("O3", "C2", day(1), sub="S2", delivery=1, status="returned")]
    subs = [[s, c, "MAIN", day(0).isoformat(sep=" "), end, None, 30, None, None]
            for s, c, end in (("S1", "C1", None), ("S2", "C2", day(5).isoformat(sep=" ")), ("S3", "C3", None))]
    with build(tmp_path, orders=orders, subscriptions=subs) as shop:
        k = shop.kpis(as_of=day(60).date())
    assert k.subscriptions == {"started": 3, "active": 2, "cancelled": 1, "cancelled_before_first_delivery": 1}
    assert k.retention_by_delivery["2"] == 1.0 and k.retention_at_risk["2"] == 1


def test_as_of_treats_later_cancellations_as_active(tmp_path):
    orders = [line("O1", "C1", day(0), sub="S1", delivery=1), line("O2", "C1", day(30), sub="S1", delivery=2)]
    subs = [["S1", "C1", "MAIN", day(0).isoformat(sep=" "), day(40).isoformat(sep=" "), "引っ越しのため", 30, None, None]]
    with build(tmp_path, orders=orders, subscriptions=subs) as shop:
        before = shop.kpis(as_of=day(20).date())
        after = shop.kpis(as_of=day(45).date())
        settled = shop.kpis(as_of=day(68).date())  # delivery 3 was due on day 60, + a week's grace
    assert before.subscriptions == {"started": 1, "active": 1, "cancelled": 0, "cancelled_before_first_delivery": 0}
    assert before.orders == 1 and before.cancel_reasons == []
    assert after.subscriptions == {"started": 1, "active": 0, "cancelled": 1, "cancelled_before_first_delivery": 0}
    # cancelled inside its interval 2 → 3: censored there until delivery 3 was due, then a loss
    assert after.retention_by_delivery["3"] is None and after.retention_at_risk["3"] == 0
    assert settled.retention_by_delivery["3"] == 0.0 and settled.retention_at_risk["3"] == 1


def test_churn_cancellations_over_subscribed_customers_seed_002(tmp_path):
    """10 subscribers at ¥5,000 a month on Mar 1; 2 cancel in March → customer churn 2/10 and revenue churn
    (5,000 × 2) ÷ (5,000 × 10), the seed's one-price formula."""
    orders, subs = [], []
    start = dt.datetime(2025, 2, 1, 9)
    for i in range(10):
        orders.append(line(f"O{i}", f"C{i}", start, amount=5000, sub=f"S{i}", delivery=1))
        cancelled = dt.datetime(2025, 3, 15).isoformat(sep=" ") if i < 2 else None
        subs.append([f"S{i}", f"C{i}", "MAIN", start.isoformat(sep=" "), cancelled, None, 30, None, None])
    orders.append(line("LAST", "X", dt.datetime(2025, 4, 10)))
    with build(tmp_path, orders=orders, subscriptions=subs) as shop:
        k = shop.kpis()
    months = {m["month"]: m for m in k.churn_monthly}
    assert list(months) == ["2025-02", "2025-03", "2025-04"]
    march = months["2025-03"]
    assert (march["subscribed_at_start"], march["customers_lost"]) == (10, 2)
    assert march["customer_churn"] == 0.2
    assert march["revenue_churn"] == pytest.approx((5000 * 2) / (5000 * 10))
    assert months["2025-02"]["subscribed_at_start"] == 0 and months["2025-02"]["customer_churn"] is None
    assert months["2025-04"]["partial"] is True and not march["partial"]


def test_revenue_churn_weights_by_recurring_revenue(tmp_path):
    """A ¥9,000 90-day plan is ¥3,000 a month: losing it and keeping a ¥6,000 monthly one → 3,000 / 9,000."""
    start = dt.datetime(2025, 1, 10)
    orders = [line("O1", "C1", start, amount=9000, sub="S1", delivery=1),
              line("O2", "C2", start, amount=6000, sub="S2", delivery=1)]
    subs = [["S1", "C1", "MAIN", start.isoformat(sep=" "), "2025-02-20 00:00:00", None, 90, "3month_prepay", None],
            ["S2", "C2", "MAIN", start.isoformat(sep=" "), None, None, 30, "monthly", None]]
    with build(tmp_path, orders=orders, subscriptions=subs) as shop:
        k = shop.kpis(as_of=dt.date(2025, 3, 5))
    feb = next(m for m in k.churn_monthly if m["month"] == "2025-02")
    assert feb["revenue_churn"] == pytest.approx(3000 / 9000)
    assert feb["customer_churn"] == 0.5


def _contacts(purpose: str, offered: int, accepted: int, outcome: str = "accepted") -> list[list]:
    return [[f"{purpose}{i}", f"C{i}", day(1).isoformat(sep=" "), purpose, outcome if i < accepted else "declined",
             300, None] for i in range(offered)]


def test_upsell_20_and_cross_sell_10_percent_seed_004(tmp_path):
    orders = [line("O1", "C0", day(0))]
    contacts = _contacts("upsell", 500, 100) + _contacts("cross_sell", 500, 50)
    contacts += [[f"x{i}", "C7", day(2).isoformat(sep=" "), "upsell", "accepted", None, None] for i in range(3)]
    with build(tmp_path, orders=orders, contacts=contacts) as shop:
        rates = shop.kpis(as_of=day(10).date()).offer_rates
    assert rates["upsell"] == {"offered": 500, "accepted": 100, "rate": 0.2, "source": "contacts"}  # distinct customers
    assert rates["cross_sell"]["rate"] == 0.1
    assert rates["downsell"] == {"offered": 0, "accepted": 0, "rate": None, "source": None}


def test_save_rate_counts_cancel_request_contacts_seed_003(tmp_path):
    contacts = _contacts("cancel_request", 2000, 300, outcome="saved")
    with build(tmp_path, orders=[line("O1", "C0", day(0))], contacts=contacts) as shop:
        save = shop.kpis(as_of=day(5).date()).offer_rates["save"]
    assert (save["offered"], save["accepted"], save["rate"]) == (2000, 300, 0.15)


def test_cross_sell_inferred_from_orders_by_purchase_number(tmp_path):
    """Without contacts: A adds a new product at purchase 2, B at purchase 3, C never; trial → main is not one."""
    products = [["TRIAL", "お試し", "trial", 500, 7, None], ["MAIN", "本品", "main", 4000, 30, None],
                ["SOAP", "石鹸", "cross_sell", 1500, 30, None]]
    orders = [line("A1", "A", day(0), "MAIN"), line("A2", "A", day(30), "SOAP"),
              line("B1", "B", day(0), "MAIN"), line("B2", "B", day(30), "MAIN"), line("B3", "B", day(60), "SOAP"),
              line("C1", "C", day(0), "TRIAL", 500), line("C2", "C", day(20), "MAIN")]
    with build(tmp_path, orders=orders, products=products) as shop:
        k = shop.kpis(as_of=day(400).date())
    by_no = {x["purchase_no"]: x for x in k.cross_sell_by_purchase}
    assert by_no[2]["customers"] == 1 and by_no[2]["rate"] == pytest.approx(1 / 3)
    assert by_no[3]["customers"] == 1 and by_no[3]["rate"] == 1.0
    assert k.offer_rates["cross_sell"] == {"offered": 3, "accepted": 2, "rate": pytest.approx(2 / 3), "source": "orders"}


def test_cancel_reason_dictionary_maps_free_text():
    from teiki.metrics.reasons import categorize

    assert categorize("まだ残っているため") == "余っている"
    assert categorize("思ったほど効果がない") == "効果を感じない"
    assert categorize("金銭的に厳しい") == "価格・経済的理由"
    assert categorize("  ") == "未回答" and categorize(None) == "未回答"
    assert categorize("なんとなく") == "その他"


def test_cancel_reason_dictionary_is_editable(tmp_path):
    custom = tmp_path / "reasons.toml"
    custom.write_text('[[category]]\nname = "配送"\nkeywords = ["遅"]\nexact = ["r01"]\n', encoding="utf-8")
    orders = [line("O1", "C1", day(0), sub="S1", delivery=1)]
    subs = [["S1", "C1", "MAIN", day(0).isoformat(sep=" "), day(3).isoformat(sep=" "), "R01", 30, None, None]]
    with build(tmp_path, orders=orders, subscriptions=subs) as shop:
        k = shop.kpis(reasons=custom, as_of=day(5).date())
    assert k.cancel_reasons == [{"reason": "配送", "count": 1, "share": 1.0}]


# ------------------------------------------------------------------ edge cases: defined results, never a crash


def test_empty_store(tmp_path):
    with build(tmp_path) as shop:
        k = shop.kpis()
    assert (k.as_of, k.customers, k.orders, k.revenue, k.f2_conversion) == (None, 0, 0, 0.0, None)
    assert k.retention_by_delivery["1"] is None and k.churn_monthly == [] and k.cancel_reasons == []


def test_one_customer_no_subscriptions_no_contacts(tmp_path):
    with build(tmp_path, orders=[line("O1", "C1", day(0), amount=1234)]) as shop:
        k = shop.kpis()
    assert (k.customers, k.orders, k.revenue, k.f2_conversion) == (1, 1, 1234.0, 0.0)
    assert k.subscriptions == {"started": 0, "active": 0, "cancelled": 0, "cancelled_before_first_delivery": None}
    assert k.expected_deliveries is None and k.offer_rates["save"]["rate"] is None


def test_all_orders_cancelled(tmp_path):
    orders = [line("O1", "C1", day(0), status="cancelled"), line("O2", "C2", day(3), status="returned")]
    with build(tmp_path, orders=orders) as shop:
        k = shop.kpis()
    assert (k.as_of, k.customers, k.revenue) == (None, 0, 0.0)


def test_as_of_before_first_order_is_a_clear_error(tmp_path):
    with build(tmp_path, orders=[line("O1", "C1", day(10))]) as shop, pytest.raises(TeikiError) as err:
        shop.kpis(as_of=day(0).date())
    assert err.value.key == "as_of_before_first_order"
    assert "2025-01-11" in err.value.render("en")


def test_breakdown_by_first_kind_and_cohort(tmp_path):
    products = [["TRIAL", "お試し", "trial", 500, 7, None]]
    orders = [line("A1", "A", day(0), "TRIAL", 500, channel="sns"), line("A2", "A", day(20)),
              line("B1", "B", day(40), sub="S", delivery=1, channel="dm"),
              line("C1", "C", day(41), channel="dm")]
    with build(tmp_path, orders=orders, products=products) as shop:
        kinds = shop.kpi_by("first_kind")
        cohorts = shop.kpi_by("cohort", output="pyarrow").to_pylist()
        channels = shop.kpi_by("channel", output="polars")
    assert list(kinds["first_kind"]) == ["one_off", "subscription", "trial"]
    assert list(kinds["f2_conversion"]) == [0.0, 0.0, 1.0]
    assert [(r["cohort"], r["customers"]) for r in cohorts] == [("2025-01", 1), ("2025-02", 2)]
    assert channels["first_channel"].to_list() == ["dm", "sns"]
