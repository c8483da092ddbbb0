"""Cross-sell, upsell, save offers and win-back (teiki.actions: associations, offers*, winback): the modules'
worked examples on hand-built shops, properties against brute-force references, the CLI, and DuckDB-vs-Spark
parity of the associations."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import ibis
import numpy as np
import pytest
from conftest import ORDER_HEADER, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import teiki
from teiki.actions import associations as assoc
from teiki.actions import offers_save, winback
from teiki.actions.offers import offers_taken
from teiki.cli.main import app
from teiki.errors import TeikiError
from teiki.metrics.offers import save_rate
from teiki.store import results
from teiki.store.schema import TABLES

D0 = dt.datetime(2025, 1, 10, 10, 0)
PRODUCTS = [["A", "本品A", "main", 4000, 30, 0.7], ["B", "化粧水B", "cross_sell", 3000, 30, 0.7],
            ["C", "クリームC", "cross_sell", 2000, 30, 0.7], ["X", "美容液X", "cross_sell", 3500, 30, 0.7],
            ["Y", "UVミルクY", "cross_sell", 2500, 30, 0.7], ["T", "お試しT", "trial", 500, 7, 0.2]]


def at(days: float) -> str:
    return (D0 + dt.timedelta(days=days)).isoformat(sep=" ")


def line(order: str, customer: str, days: float, product: str, amount: float = 1000, sub: str | None = None,
         delivery: int | None = None) -> list:
    return [order, customer, at(days), product, 1, amount, sub, delivery, "web", "completed"]


def build(tmp_path: Path, **tables: list[list]) -> teiki.Shop:
    """A shop holding exactly the given rows (canonical column order) of each table, plus the products."""
    tables.setdefault("products", PRODUCTS)
    files = []
    for name, rows in tables.items():
        header = ORDER_HEADER if name == "orders" else TABLES[name].column_names
        files.append(write_csv(tmp_path / f"{name}.csv", header, rows))
    shop = teiki.open(tmp_path / "shop.duckdb")
    shop.import_files(files)
    return shop


def rows(table) -> list[dict]:
    return table.to_pylist() if hasattr(table, "to_pylist") else table.to_dict("records")


# ---------------------------------------------------------------------------------------------- associations

ASSOCIATION_ORDERS = [  # the example of teiki.actions.associations
    line("O1", "C1", 0, "A"), line("O1", "C1", 0, "B"),
    line("O2", "C2", 0, "A"), line("O3", "C2", 200, "B"),
    line("O4", "C3", 0, "A"),
    line("O5", "C4", 10, "B"), line("O6", "C4", 20, "C"),
]


@pytest.fixture(scope="module")
def association_shop(tmp_path_factory):
    with build(tmp_path_factory.mktemp("assoc"), orders=ASSOCIATION_ORDERS) as shop:
        yield shop


def test_pair_rules_are_the_hand_counts(association_shop):
    got = {(r["antecedent"], r["consequent"]): r
           for r in rows(association_shop.associations(min_customers=1, output="pyarrow"))}
    assert set(got) == {("A", "B"), ("B", "A"), ("B", "C"), ("C", "B")}  # C2's A and B are 200 days apart
    ab = got["A", "B"]
    assert (ab["customers"], ab["antecedent_customers"], ab["consequent_customers"]) == (1, 3, 3)
    assert ab["support"] == pytest.approx(0.25) and ab["confidence"] == pytest.approx(1 / 3)
    assert ab["lift"] == pytest.approx(4 / 9)
    assert got["B", "C"]["confidence"] == pytest.approx(1 / 3) and got["B", "C"]["lift"] == pytest.approx(4 / 3)
    assert got["C", "B"]["confidence"] == pytest.approx(1.0) and got["C", "B"]["lift"] == pytest.approx(4 / 3)


def test_pair_window_and_minimum_count(association_shop):
    wide = rows(association_shop.associations(window_days=200, min_customers=1, output="pyarrow"))
    strict = rows(association_shop.associations(window_days=200, min_customers=2, output="pyarrow"))
    assert {(r["antecedent"], r["consequent"]): r["customers"] for r in wide}["A", "B"] == 2  # 200 days ≤ W
    assert [(r["antecedent"], r["consequent"]) for r in strict] == [("A", "B"), ("B", "A")]


purchases = st.lists(st.tuples(st.sampled_from(["c1", "c2", "c3"]), st.sampled_from(["p", "q", "r"]),
                               st.integers(0, 400)), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bought=purchases, window=st.sampled_from([0, 30, 90]))
def test_pair_customers_equal_a_brute_force_reference(bought, window):
    """The run-based pair test (purchase_clusters) equals comparing every two purchase days."""
    day0 = dt.date(2025, 1, 1)
    lines = ibis.memtable({"customer_id": [b[0] for b in bought], "product_id": [b[1] for b in bought],
                           "day": [day0 + dt.timedelta(days=b[2]) for b in bought]})
    got = {(r["product_a"], r["product_b"]): r["customers"]
           for r in results.rows(assoc.pair_customers(lines, window))}
    expected: dict = {}
    for a, b in itertools.combinations(sorted({p for _, p, _ in bought}), 2):
        who = {c for c, p, d in bought if p == a
               and any(c2 == c and p2 == b and abs(d2 - d) <= window for c2, p2, d2 in bought)}
        if who:
            expected[a, b] = len(who)
    assert got == expected


NEXT_ORDERS = [  # the example of teiki.actions.associations' next product
    line("N1", "C1", 0, "A"), line("N2", "C1", 30, "A"), line("N3", "C1", 60, "X"),
    line("N4", "C2", 0, "A"), line("N5", "C2", 40, "Y", amount=500), line("N5", "C2", 40, "B", amount=900),
    line("N6", "C3", 0, "A"),
    line("N7", "C4", 0, "B"), line("N8", "C4", 5, "X"),
]


def test_next_product_after_the_first_order(tmp_path):
    with build(tmp_path, orders=NEXT_ORDERS) as shop:
        got = {(r["first_product"], r["next_product"]): r for r in rows(shop.next_products(min_customers=1,
                                                                                          output="pyarrow"))}
    # C2's next purchase holds two new products: the larger line (B) is the next product
    assert set(got) == {("A", "X"), ("A", "B"), ("B", "X")}
    assert got["A", "X"]["share"] == pytest.approx(1 / 3) and got["A", "X"]["first_customers"] == 3
    assert got["A", "X"]["lift"] == pytest.approx((1 / 3) / (2 / 4))
    assert got["B", "X"]["share"] == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------- cross-sell

def _recommendation_orders() -> list[list]:
    """Rules A → X (confidence 3/5) above A → Y (2/5), both with lift > 1; K and L hold A (and K holds X)."""
    orders = []
    for i in range(3):
        orders += [line(f"AX{i}", f"P{i}", 0, "A"), line(f"AX{i}", f"P{i}", 0, "X")]
    for i in range(2):
        orders += [line(f"AY{i}", f"Q{i}", 0, "A"), line(f"AY{i}", f"Q{i}", 0, "Y")]
    orders += [line("K1", "K", 0, "A"), line("K2", "K", 5, "X"), line("L1", "L", 0, "A"), line("L2", "L", 3, "T")]
    orders += [line(f"Z{i}", f"Z{i}", 0, "B") for i in range(6)]  # B buyers lift every rule above 1
    return orders


def test_recommendation_is_the_best_rule_for_a_product_not_held(tmp_path):
    with build(tmp_path, orders=_recommendation_orders()) as shop:
        recs = {r["customer_id"]: r for r in rows(shop.cross_sell(min_customers=1, output="pyarrow"))}
        k_offers = rows(shop.cross_sell(customer="K", min_customers=1, output="pyarrow"))
        with pytest.raises(TeikiError):
            shop.cross_sell(customer="nobody", min_customers=1)
    assert recs["L"]["product_id"] == "X" and recs["L"]["rule"] == "A→X"
    assert recs["K"]["product_id"] == "Y" and recs["K"]["rule"] == "A→Y"  # K already holds X
    assert recs["P0"]["product_id"] == "Y"
    assert [(o["rank"], o["product_id"]) for o in k_offers] == [(1, "Y")]
    assert all(r["product_id"] != "T" for r in recs.values())  # never a trial product


def test_recommendations_never_offer_a_held_product(demo_db):
    with teiki.open(demo_db, read_only=True) as shop:
        recs = rows(shop.cross_sell(min_customers=5, output="pyarrow"))
        o, s = shop.store.table("orders"), shop.store.table("subscriptions")
        held = {(r["customer_id"], r["product_id"]) for r in results.rows(
            o.filter(o.status == "completed").select("customer_id", "product_id").union(
                s.select("customer_id", "product_id")))}
        trials = {r["product_id"] for r in results.rows(shop.store.table("products").filter(
            ibis._.category == "trial"))}
    assert len(recs) > 1000
    assert not [r for r in recs if (r["customer_id"], r["product_id"]) in held]
    assert not [r for r in recs if r["product_id"] in trials]
    assert len({r["customer_id"] for r in recs}) == len(recs)


def test_cross_sell_acceptance_by_purchase_number(tmp_path):
    """Offers join purchase (purchases before the contact + 1); no_answer is left out."""
    orders = [line("O1", "C1", 0, "A"), line("O2", "C1", 30, "A"), line("O3", "C2", 0, "A"),
              line("O4", "C3", 50, "A")]
    contacts = [["K1", "C1", at(-1), "cross_sell", "accepted", 300, None],   # before any purchase → 1
                ["K2", "C1", at(10), "cross_sell", "declined", 300, None],   # after purchase 1 → 2
                ["K3", "C2", at(5), "cross_sell", "accepted", 300, None],    # → 2
                ["K4", "C2", at(6), "cross_sell", "no_answer", 300, None],
                ["K5", "C1", at(40), "cross_sell", "declined", 300, None],   # after purchase 2 → 3
                ["K6", "C1", at(0), "cross_sell", "declined", 300, None]]    # same instant as purchase 1 → 1
    with build(tmp_path, orders=orders, contacts=contacts) as shop:
        got = rows(shop.cross_sell_timing(output="pyarrow"))
    assert [(r["purchase_no"], r["offered"], r["accepted"]) for r in got] == [(1, 2, 1), (2, 2, 1), (3, 1, 0)]
    assert got[1]["acceptance_rate"] == pytest.approx(0.5)


def test_cross_sell_purchases_by_order_number(tmp_path):
    orders = [line("O1", "C1", 0, "A"), line("O2", "C1", 30, "A"), line("O2", "C1", 30, "B"),
              line("O3", "C1", 60, "B"),
              line("O4", "C2", 0, "A"), line("O4", "C2", 0, "C"), line("O5", "C2", 30, "A"),
              line("O6", "C3", 0, "A"), line("O7", "C3", 30, "A"), line("O8", "C3", 60, "A")]
    with build(tmp_path, orders=orders) as shop:
        got = {r["purchase_no"]: r for r in rows(shop.cross_sell_timing(source="orders", output="pyarrow"))}
    assert (got[1]["purchases"], got[1]["with_cross_sell"], got[1]["first_cross_sell"]) == (3, 1, 1)
    assert (got[2]["with_cross_sell"], got[2]["at_risk"], got[2]["first_cross_sell"]) == (1, 2, 1)
    assert got[2]["first_cross_sell_rate"] == pytest.approx(0.5)
    assert (got[3]["purchases"], got[3]["with_cross_sell"], got[3]["at_risk"]) == (2, 1, 1)
    assert got[2]["new_product_rate"] == pytest.approx(1 / 3)  # C1 buys B at purchase 2 (teiki.metrics.crosssell)


# ---------------------------------------------------------------------------------------------- upsell

def _subscription(sid: str, customer: str, plan: str = "monthly", cycle: int = 30, cancelled: str | None = None):
    return [sid, customer, "A", at(0), cancelled, None, cycle, plan, None]


def _deliveries(sid: str, customer: str, n: int) -> list[list]:
    return [line(f"{sid}-{k}", customer, 30 * (k - 1), "A", 4000, sid, k) for k in range(1, n + 1)]


def test_upsell_candidates_follow_the_rules(tmp_path):
    subs = [_subscription("S1", "C1"), _subscription("S2", "C2"), _subscription("S3", "C3", plan="3month_prepay"),
            _subscription("S4", "C4"), _subscription("S5", "C5", cancelled=at(110)),
            _subscription("S6", "C6", plan="3ヶ月まとめ"), _subscription("S7", "C7", cycle=60),
            _subscription("S8", "C8")]
    orders = []
    for sid, n in (("S1", 5), ("S2", 5), ("S3", 5), ("S4", 2), ("S5", 5), ("S6", 5), ("S7", 5), ("S8", 5)):
        orders += _deliveries(sid, "C" + sid[1:], n)
    events = [["S2", at(100), "skip", None], ["S8", at(10), "pause", "2025-02-20"]]  # S8's pause is old
    with build(tmp_path, orders=orders, subscriptions=subs, subscription_events=events) as shop:
        got = rows(shop.upsell_candidates(as_of=(D0 + dt.timedelta(days=120)).date(), output="pyarrow"))
        looser = rows(shop.upsell_candidates(as_of=(D0 + dt.timedelta(days=120)).date(), min_delivery=2,
                                             quiet_days=0, output="pyarrow"))
    assert [r["subscription_id"] for r in got] == ["S1", "S8"]
    assert {r["subscription_id"] for r in looser} == {"S1", "S2", "S4", "S8"}


def test_upsell_acceptance_by_plan(tmp_path):
    subs = [_subscription(f"S{i}", f"C{i}") for i in range(10)]
    orders = [r for i in range(10) for r in _deliveries(f"S{i}", f"C{i}", 4)]
    contacts = [[f"K{i}", f"C{i}", at(85), "upsell", "accepted" if i < 2 else "declined", 300, f"S{i}"]
                for i in range(10)]
    events = [["S0", at(85.01), "plan_change", "3month_prepay"], ["S9", at(50), "plan_change", "6month_prepay"]]
    with build(tmp_path, orders=orders, subscriptions=subs, contacts=contacts, subscription_events=events) as shop:
        got = {r["plan"]: r for r in rows(shop.upsell_rates(output="pyarrow"))}
    assert got["(all)"]["offered"] == 10 and got["(all)"]["acceptance_rate"] == pytest.approx(0.2)
    assert got["3month_prepay"]["accepted"] == 1 and got["3month_prepay"]["acceptance_rate"] == pytest.approx(0.1)
    assert got["6month_prepay"]["accepted"] == 0 and got["6month_prepay"]["plan_changes"] == 1
    assert got["(all)"]["plan_changes"] == 2 and got["(all)"]["plan_change_rate"] == pytest.approx(2 / 10)


# ---------------------------------------------------------------------------------------------- save offers

@pytest.fixture(scope="module")
def save_shop(tmp_path_factory):
    with _save_shop(tmp_path_factory.mktemp("save")) as shop:
        yield shop


def _save_shop(tmp_path: Path) -> teiki.Shop:
    """20 cancel requests: R0, R1 saved with a skip, R2 saved with no change, R3 saved with a skip 8 days later
    (outside the week: persuaded); the rest cancelled. Two downsell calls: one accepted with a cycle change."""
    subs = [_subscription(f"S{i}", f"C{i}") for i in range(20)]
    orders = [r for i in range(20) for r in _deliveries(f"S{i}", f"C{i}", 4)]  # D = day 90
    outcome = ["saved"] * 4 + ["cancelled"] * 16
    contacts = [[f"R{i}", f"C{i}", at(70), "cancel_request", outcome[i], 300, f"S{i}"] for i in range(20)]
    contacts += [["D1", "C5", at(65), "downsell", "accepted", 300, "S5"],
                 ["D2", "C6", at(65), "downsell", "declined", 300, "S6"]]
    events = [["S0", at(70.001), "skip", None], ["S1", at(69.5), "skip", None], ["S3", at(78.5), "skip", None],
              ["S5", at(65.01), "cycle_change", "60"],
              ["S0", at(70), "cancel_request", "まだ残っているので"], ["S4", at(70), "cancel_request", "電話"],
              ["S7", at(70), "cancel_request", "商品が余っている"]]
    return build(tmp_path, orders=orders, subscriptions=subs, contacts=contacts, subscription_events=events)


def test_offers_taken_follow_the_contact(save_shop):
    view = save_shop.view()
    got = {r["contact_id"]: r["offer"] for r in results.rows(offers_taken(view, view.contact_log))}
    assert (got["R0"], got["R1"], got["R2"], got["R3"], got["D1"]) == ("skip", "skip", "persuaded", "persuaded",
                                                                         "cycle_change")


def test_save_rates_per_offer_add_up_to_the_save_rate(save_shop):
    shop = save_shop
    got = {r["offer"]: r for r in rows(shop.save_offers("余っている", output="pyarrow"))}
    everything = rows(shop.save_offers(output="pyarrow"))
    overall = results.scalar(save_rate(shop.view().contact_log))
    measured = {r["offer"]: r["save_rate"] for r in results.rows(offers_save.offer_rates(shop.view()))}
    assert list(got) == ["skip", "cycle_change"]  # the table's order for 余っている
    assert got["skip"]["save_rate"] == pytest.approx(2 / 20) and got["skip"]["saves"] == 2
    assert got["cycle_change"]["save_rate"] == 0 and got["cycle_change"]["downsell_rate"] == pytest.approx(0.5)
    assert measured["persuaded"] == pytest.approx(2 / 20)
    assert sum(measured.values()) == pytest.approx(overall) == pytest.approx(0.2)
    # stated reasons (cancel_request event details): R0 saved and R7 cancelled are 余っている; "電話" is not a reason
    assert (got["skip"]["reason_requests"], got["skip"]["reason_saves"]) == (2, 1)
    assert got["skip"]["reason_save_rate"] == pytest.approx(0.5)
    assert {r["reason"] for r in everything} >= {"余っている", "価格・経済的理由", "その他", "未回答"}


def test_reason_of_maps_labels_and_free_text():
    assert offers_save.reason_of("価格が高い") == "価格・経済的理由"
    assert offers_save.reason_of("price") == offers_save.reason_of("Price / money") == "価格・経済的理由"
    assert offers_save.reason_of("") == "未回答"
    assert offers_save.reason_of("よくわからない") == "その他"
    assert offers_save.suggested("新しいカテゴリ") == offers_save.SAVE_OFFERS["その他"]


# ---------------------------------------------------------------------------------------------- win-back

def test_expected_values_are_the_worked_example():
    people = ibis.memtable({"customer_id": ["S", "O"], "segment": ["steady_lapsed", "first_lapsed"],
                            "kind": [winback.CANCELLED, winback.ONE_OFF], "cycle_days": [30, None],
                            "delivery_amount": [4000.0, None]},
                           schema={"customer_id": "string", "segment": "string", "kind": "string",
                                   "cycle_days": "int64", "delivery_amount": "float64"})
    scores = ibis.memtable({"customer_id": ["O"], "p_alive": [0.5], "expected_purchases_90d": [0.2],
                            "expected_revenue_90d": [1000.0]})
    expected = np.cumsum([1.0, 0.8, 0.7] + [0.0] * 87)
    got = {r["customer_id"]: r for r in results.rows(winback.expected_values(people, scores, 0.1, expected))}
    assert got["S"]["p_return"] == pytest.approx(0.1) and got["S"]["value_if_return"] == pytest.approx(10_000)
    assert got["S"]["expected_value"] == pytest.approx(1000)
    assert got["O"]["p_return"] == pytest.approx(0.5 * (1 - math.exp(-0.4)))
    assert got["O"]["expected_value"] == pytest.approx(1000)


def test_winback_ranks_lapsed_customers_by_expected_value(demo_db):
    with teiki.open(demo_db, read_only=True) as shop:
        report = shop.winback_report()
        subs = shop.store.table("subscriptions")
        active = {r["customer_id"] for r in results.rows(subs.filter(subs.cancelled_at.isnull()))}
    people = report.customers.to_pylist()
    values = [p["expected_value"] for p in people if p["expected_value"] is not None]
    assert len(values) > 100 and values == sorted(values, reverse=True)
    assert all(p["segment"].endswith("_lapsed") for p in people)
    assert not {p["customer_id"] for p in people} & active
    assert "name" not in report.customers.column_names  # no personal data unless asked for
    seg_values = [s["expected_value"] for s in report.segments]
    assert seg_values == sorted(seg_values, reverse=True)
    assert sum(s["customers"] for s in report.segments) == len(people)
    assert report.return_source == "winback_contacts" and 0 < report.return_rate < 1
    cancelled = [p for p in people if p["kind"] == winback.CANCELLED]
    assert cancelled and all(p["p_return"] == pytest.approx(report.return_rate) for p in cancelled)


# ---------------------------------------------------------------------------------------------- CLI

ENV = {"COLUMNS": "250", "TEIKI_LANG": "ja"}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def test_cli_cross_sell_tables_and_files(demo_db, tmp_path):
    db = str(demo_db)
    table = invoke("--db", db, "cross-sell", "--limit", "3")
    assert table.exit_code == 0, table.output
    assert "一緒に買われる商品" in table.output and "購入回数別のクロスセル受諾率" in table.output
    one = invoke("--db", db, "--lang", "en", "cross-sell", "--product", "M01", "--format", "json")
    assert one.exit_code == 0, one.output
    got = json.loads(one.output)
    assert got["product"] == "M01" and got["rules"] and all(r["product_id"] != "M01" for r in got["rules"])
    out = tmp_path / "recs.csv"
    written = invoke("--db", db, "cross-sell", "--format", "csv", "--out", str(out))
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("customer_id,purchases,last_date,product_id")
    bad = invoke("--db", db, "--lang", "en", "cross-sell", "--product", "NOPE")
    assert bad.exit_code == 1 and "product NOPE was not bought" in " ".join(bad.output.split())
    assert "Traceback" not in bad.output


def test_cli_upsell_save_offers_and_winback(demo_db, tmp_path):
    db = str(demo_db)
    up = invoke("--db", db, "--lang", "en", "upsell", "--limit", "2")
    assert up.exit_code == 0, up.output
    assert "Upsell acceptance by plan" in up.output and "Upsell candidates (2 of" in up.output
    save = invoke("--db", db, "save-offers", "--reason", "まだ残っているので", "--format", "json")
    assert save.exit_code == 0, save.output
    got = json.loads(save.output)
    assert [o["offer"] for o in got["offers"]] == ["skip", "cycle_change"] and got["requests"] > 0
    book = tmp_path / "winback.xlsx"
    wb = invoke("--db", db, "winback", "--format", "xlsx", "--out", str(book))
    assert wb.exit_code == 0 and book.stat().st_size > 0
    shown = invoke("--db", db, "winback", "--limit", "3")
    assert shown.exit_code == 0 and "離脱セグメント別の復帰の期待値" in shown.output
    assert invoke("--db", db, "winback", "--format", "csv").exit_code == 2  # csv needs --out


# ---------------------------------------------------------------------------------------------- parity

def _sorted(table) -> list[tuple]:
    got = results.arrow(table).to_pylist()
    return sorted(tuple((k, round(v, 12) if isinstance(v, float) else v) for k, v in r.items()) for r in got)


def test_associations_are_the_same_on_duckdb_and_spark(engines):
    duck, spark_shop = engines
    for build_rules in (lambda v: assoc.pair_rules(v, 180, 5), lambda v: assoc.next_rules(v, 5)):
        on_duckdb = _sorted(build_rules(duck.view()))
        on_spark = _sorted(build_rules(spark_shop.view()))
        assert len(on_duckdb) > 10
        assert on_duckdb == on_spark
