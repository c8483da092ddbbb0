"""Retention-call economics (seed 003) and campaigns with a random holdout (SPEC §6).

Hand-computed answers on small shops, seed 003's table exactly (API and CLI), the from-data valuation
recomputed by hand on the demo shop, the holdout draw as a property, planted and null effects recovered
within their intervals, errors that store nothing, and the effect computation on DuckDB and Spark."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import random
import shutil

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from conftest import ORDER_HEADER, copy_db, write_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import teiki
from teiki.actions import campaign_draw, campaign_effect, campaign_stats, economics
from teiki.cli.main import app
from teiki.errors import TeikiError
from teiki.forecast import retention, stats
from teiki.segments import thresholds
from teiki.store import campaigns as stored
from teiki.store import migrations
from teiki.store.schema import TABLES

ENV = {"COLUMNS": "250", "TEIKI_LANG": "ja"}


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], env=ENV)


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- seed 003, exactly

SEED_ROWS = [
    {"save_rate": 0.05, "calls": 2000, "saves": 100.0, "value_per_save": 5000, "expected_sales": 500_000.0,
     "cost": 600_000.0, "net": -100_000.0, "gap_month": 0.0, "gap_year": 0.0},
    {"save_rate": 0.15, "calls": 2000, "saves": 300.0, "value_per_save": 5000, "expected_sales": 1_500_000.0,
     "cost": 600_000.0, "net": 900_000.0, "gap_month": 1_000_000.0, "gap_year": 12_000_000.0},
]


def test_seed_003_table_exactly_from_the_shop_api(seeded_shop):
    table = seeded_shop.simulate_calls(2000, 300, 5000, [0.15, 0.05])  # any order: rows come by save rate
    assert table.to_dict("records") == SEED_ROWS
    assert table.attrs["gap_month"] == 1_000_000 and table.attrs["gap_year"] == 12_000_000
    assert table.attrs["basis"] == "one_delivery" and table.attrs["assumptions"] == {}
    result = economics.simulate(2000, 300, 5000, [0.05, 0.15])
    assert result.records() == SEED_ROWS and (result.gap_month, result.gap_year) == (1_000_000, 12_000_000)


def test_the_metric_functions_give_their_docstring_examples():
    assert economics.saves(2000, 0.15) == 300
    assert economics.expected_sales(300, 5000) == 1_500_000
    assert economics.call_cost(2000, 300) == 600_000
    assert economics.net(500_000, 600_000) == -100_000
    assert economics.yearly(1_000_000) == 12_000_000
    assert economics.further_deliveries([1, 0.9, 0.8, 0.5, 0.4], 2, 2) == pytest.approx(1.3 / 0.9)
    assert economics.save_value(6.5, 5000, 0.7) == pytest.approx(22_750)
    assert economics.lower_median([6, 2, 3], [1, 3, 2]) == 2
    assert economics.lower_median([1, 2], [1, 1]) == 1 and economics.lower_median([], []) is None
    assert [campaign_draw.holdout_size(n, 0.1) for n in (10, 25, 5, 2)] == [1, 3, 1, 1]
    assert campaign_draw.holdout_size(3, 0.9) == 2  # the treatment group keeps a member


def test_newcombe_interval_matches_the_published_examples():
    """Newcombe (1998), Table II, method 10."""
    lo, hi = campaign_stats.wilson(56, 70)
    assert (round(lo, 4), round(hi, 4)) == (0.6918, 0.8770)
    for (x1, n1, x2, n2), expected in {(56, 70, 48, 80): (0.0524, 0.3339), (9, 10, 3, 10): (0.1705, 0.8090),
                                       (0, 10, 0, 20): (-0.1611, 0.2775)}.items():
        d = campaign_stats.difference(x1, n1, x2, n2)
        assert (round(d["lower"], 4), round(d["upper"], 4)) == expected
        assert d["difference"] == pytest.approx(x1 / n1 - x2 / n2)
    assert campaign_stats.difference(1, 0, 1, 5) == {"difference": None, "lower": None, "upper": None}
    assert campaign_stats.proportion(30, 100) == 0.3 and campaign_stats.proportion(0, 0) is None
    d = campaign_stats.difference(300, 1000, 200, 1000)  # campaign_effect's docstring example
    assert (round(d["lower"], 3), round(d["upper"], 3)) == (0.062, 0.137)


def test_seed_003_table_from_the_command_line():
    result = invoke("simulate", "calls", "--requests", 2000, "--cost-per-call", 300, "--unit-price", 5000,
                    "--save-rate", 0.05, 0.15)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "│ 5% │ 2,000 │ 100 │ ¥5,000 │ ¥500,000 │ ¥600,000 │ −¥100,000 │ ±¥0 │ ±¥0 │" in text
    assert "│ 15% │ 2,000 │ 300 │ ¥5,000 │ ¥1,500,000 │ ¥600,000 │ +¥900,000 │ +¥1,000,000 │ +¥12,000,000 │" in text
    assert "解約阻止率 5% と 15% の差: 月 ¥1,000,000、年 ¥12,000,000" in text
    repeated = invoke("--lang", "en", "simulate", "calls", "--requests", 2000, "--cost-per-call", 300,
                      "--unit-price", 5000, "--save-rate", 0.15, "--save-rate", 0.05, "--format", "json")
    assert repeated.exit_code == 0, repeated.output
    got = json.loads(repeated.output)
    assert got["rows"] == SEED_ROWS and got["gap_month"] == 1_000_000 and got["gap_year"] == 12_000_000


@pytest.mark.parametrize(("args", "message"), [
    (["--save-rate", "15"], "the save rate 15.0 is not usable"),
    (["--save-rate", "0.1", "lots"], "lots cannot be read as a save rate"),
    ([], "give at least one save rate"),
])
def test_call_simulation_refuses_bad_rates_in_one_line(args, message):
    result = invoke("--lang", "en", "simulate", "calls", "--requests", 10, "--cost-per-call", 300,
                    "--unit-price", 5000, *args)
    assert result.exit_code == 1 and message in flat(result.output) and "Traceback" not in result.output


# --------------------------------------------------------------------------- from the shop's data


def _lower_median(values: list[int]) -> int:
    values = sorted(values)
    return values[(len(values) - 1) // 2]


def test_from_data_values_a_save_as_computed_by_hand(demo_db):
    with teiki.open(demo_db, read_only=True) as shop:
        view = shop.view()
        end = pa.scalar(dt.datetime.combine(view.as_of + dt.timedelta(days=1), dt.time()))
        orders = shop.store.table("orders").to_pandas()
        orders = orders[(orders.status == "completed") & (orders.ordered_at < end.as_py())]
        contacts = shop.store.table("contacts").to_pandas()
        subs = shop.store.table("subscriptions").to_pandas()
        products = shop.store.table("products").to_pandas()
        life = stats.arrays(stats.life_counts(view), ["reached", "n", "n_cancelled"])
        result = shop.call_economics(2000, 300, None, [0.05, 0.15], from_data=True)
    # n*: the subscription's delivery number when each cancel request came in, lower median
    lines = orders[orders.subscription_id.notna()]
    deliveries = lines.groupby(["subscription_id", "order_id"]).agg(
        delivered_at=("ordered_at", "min"), no=("delivery_no", "max"), amount=("amount", "sum")).reset_index()
    asks = contacts[(contacts.purpose == "cancel_request") & contacts.subscription_id.notna()
                    & (contacts.contacted_at < end.as_py())]
    joined = asks.merge(deliveries, on="subscription_id")
    reached = joined[joined.delivered_at <= joined.contacted_at].groupby("contact_id").no.max()
    n_star = _lower_median(reached.astype(int).tolist())
    cycle = _lower_median(subs[subs.started_at < end.as_py()].cycle_days.astype(int).tolist())
    k = math.ceil(12 * 365.25 / 12 / cycle) - 1
    price = deliveries[deliveries.no >= 2].amount.mean()
    # gross margin of the orders holding a subscription line, over lines whose product has a margin
    sub_orders = set(lines.order_id)
    priced = orders[orders.order_id.isin(sub_orders)].merge(products[["product_id", "gross_margin"]], on="product_id")
    priced = priced[priced.gross_margin.notna()]
    margin = (priced.amount * priced.gross_margin).sum() / priced.amount.sum()
    r = retention.forecast(life["reached"], life["n"], life["n_cancelled"], n_star + k).retention
    further = r[n_star:n_star + k].sum() / r[n_star - 1]
    a = result.assumptions
    assert (a["request_source"], a["request_delivery"], a["requests_counted"]) == ("contacts", n_star, len(reached))
    assert (a["cycle_days"], a["horizon_deliveries"]) == (cycle, k) and k == 12
    assert a["unit_price"] == pytest.approx(price, rel=1e-9) and a["unit_price_source"] == "regular_deliveries"
    assert a["gross_margin"] == pytest.approx(margin, rel=1e-9) and a["margin_source"] == "subscription_orders"
    assert a["further_deliveries"] == pytest.approx(further, rel=1e-9) and 1 < further < k
    assert result.value_per_save == pytest.approx(further * price * margin, rel=1e-9)
    assert result.rows[1]["net"] == pytest.approx(300 * further * price * margin - 600_000, rel=1e-9)
    assert result.basis == "data" and result.gap_year == pytest.approx(12 * 200 * result.value_per_save, rel=1e-9)


def test_from_data_on_the_command_line_prints_its_assumptions(demo_db):
    result = invoke("--db", demo_db, "simulate", "calls", "--requests", 2000, "--cost-per-call", 300,
                    "--unit-price", 5000, "--save-rate", 0.05, 0.15, "--from-data")
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    with teiki.open(demo_db, read_only=True) as shop:
        a = shop.call_economics(2000, 300, 5000, [0.05], from_data=True).assumptions
    assert "見込粗利" in text and "前提 (データから" in text
    assert f"解約申込の典型的なお届け回数 n*: {a['request_delivery']} 回目" in text
    assert "商品単価: ¥5,000 (指定)" in text and "粗利率:" in text and "阻止 1 件の価値:" in text


# --------------------------------------------------------------------------- the holdout draw


def _reference_draw(ids: set[str], fraction: float, seed: int) -> set[str]:
    k = min(max(math.floor(len(ids) * fraction + 0.5), 1), len(ids) - 1)
    key = {c: hashlib.sha256(f"{seed}\x1f{c}".encode()).hexdigest() for c in ids}
    return set(sorted(ids, key=lambda c: (key[c], c))[:k])


@settings(max_examples=60, deadline=None)
@given(st.sets(st.text(min_size=1, max_size=12), min_size=2, max_size=60), st.integers(0, 2**40),
       st.sampled_from([0.1, 0.2, 0.25, 0.5, 0.9]), st.randoms(use_true_random=False))
def test_holdout_is_reproducible_disjoint_and_independent_of_row_order(ids, seed, fraction, rnd):
    ordered = sorted(ids)
    shuffled = list(ids) * 2  # repeated rows count once
    rnd.shuffle(shuffled)
    first = campaign_draw.draw(ordered, fraction, seed)
    again = campaign_draw.draw(shuffled, fraction, seed)
    assert first.equals(again)
    groups = dict(zip(first.column("customer_id").to_pylist(), first.column("group").to_pylist(), strict=True))
    held = {c for c, g in groups.items() if g == "holdout"}
    treated = {c for c, g in groups.items() if g == "treatment"}
    assert held.isdisjoint(treated) and held | treated == ids
    assert held == _reference_draw(ids, fraction, seed)


def test_another_seed_draws_another_holdout():
    ids = [f"C{i:04d}" for i in range(200)]
    one, two = (set(campaign_draw.draw(ids, 0.1, s).filter(pc.field("group") == "holdout")
                    .column("customer_id").to_pylist()) for s in (1, 2))
    assert len(one) == len(two) == 20 and one != two


# --------------------------------------------------------------------------- a hand-built shop

S, E = dt.date(2024, 6, 30), dt.date(2024, 12, 31)
MONTHS = [dt.date(2024, m, 15) for m in range(1, 13)]


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory):
    """Members A–H (see test_effect_counts_by_hand) with orders, subscriptions, customers and contacts."""
    tmp_path = tmp_path_factory.mktemp("hand")
    rows = [["A1", "A", "2024-05-01", "P1", 1, 3000, None, None, None, "completed"],
            ["A2", "A", "2024-08-01", "P1", 1, 3000, None, None, None, "completed"],
            ["B1", "B", "2024-05-01", "P1", 1, 3000, None, None, None, "completed"],
            ["C1", "C", "2024-06-01", "P1", 1, 3000, None, None, None, "completed"],
            ["F1", "F", "2024-07-15", "P2", 1, 5000, "S3", 1, None, "completed"],
            ["G1", "G", "2023-09-01", "P1", 1, 3000, None, None, None, "completed"],
            ["G2", "G", "2024-10-01", "P1", 1, 3000, None, None, None, "completed"]]
    rows += [[f"D{i}", "D", day.isoformat(), "P2", 1, 5000, "S1", i, None, "completed"]
             for i, day in enumerate(MONTHS, 1)]
    rows += [[f"E{i}", "E", day.isoformat(), "P2", 1, 5000, "S2", i, None, "completed"]
             for i, day in enumerate(MONTHS[1:9], 1)]
    files = [
        write_csv(tmp_path / "orders.csv", ORDER_HEADER, rows),
        write_csv(tmp_path / "subscriptions.csv", TABLES["subscriptions"].column_names,
                  [["S1", "D", "P2", "2024-01-15", None, None, 30, None, None],
                   ["S2", "E", "P2", "2024-02-15", "2024-09-20", "余っている", 30, None, None],
                   ["S3", "F", "P2", "2024-07-15", None, None, 30, None, None]]),
        write_csv(tmp_path / "customers.csv", TABLES["customers"].column_names,
                  [[c, None, name, phone, None, None, None] for c, name, phone in
                   [("A", "=HYPERLINK(\"http://x\")", "090-0000-0001"), ("B", "山田花子", "+81-90-0000-0002"),
                    ("C", None, None), ("D", None, None), ("E", None, None), ("F", None, None), ("G", None, None),
                    ("H", "見込み客", None)]]),
        write_csv(tmp_path / "contacts.csv", TABLES["contacts"].column_names,
                  [["K1", "A", "2024-07-10 10:00:00", "followup", "accepted", 300, None],
                   ["K2", "B", "2024-07-11 10:00:00", "followup", "no_answer", 300, None],
                   ["K3", "C", "2024-05-01 10:00:00", "followup", "declined", 300, None],
                   ["K4", "E", "2024-09-14 10:00:00", "cancel_request", "cancelled", 300, "S2"],
                   ["K5", "D", "2024-11-01 10:00:00", "upsell", None, 300, "S1"]]),
    ]
    with teiki.open(tmp_path / "hand.duckdb") as shop:
        shop.import_files(files)
    return tmp_path / "hand.duckdb"


@pytest.fixture
def hand(tmp_path, hand_db):
    """A private copy of the hand-built shop, open for writing."""
    with teiki.open(copy_db(hand_db, tmp_path)) as shop:
        yield shop


HAND_GROUPS = {"A": "treatment", "B": "treatment", "D": "treatment", "G": "treatment",
               "C": "holdout", "E": "holdout", "F": "holdout", "H": "holdout"}


HAND_DRAW = dict(zip(*campaign_draw.draw(HAND_GROUPS, 0.25, 9).to_pydict().values(), strict=True))


def test_effect_counts_by_hand(hand):
    """A: 1 purchase, buys again (F2, moved up). B: 1 purchase, lapses (244 days by E: moved down). C: 1 purchase,
    nothing (F2 base). D: subscribed throughout (retention). E: subscribed, cancels in September. F: first purchase
    after S (moved up). G: lapsed at S, comes back (F2 and moved up). H: no purchase at all."""
    with hand as shop:
        members = ibis.memtable({"customer_id": list(HAND_GROUPS), "group": list(HAND_GROUPS.values())})
        counts, contacts = campaign_effect.measure(shop.source(), S, E, members, thresholds.DEFAULT)
    flags = ("members", "f2_base", "f2_hits", "retention_base", "retention_hits", "moved_up", "moved_down")
    assert {g: [counts[g][f] for f in flags] for g in counts} == {
        "treatment": [4, 3, 2, 1, 1, 2, 1],
        "holdout": [4, 1, 0, 1, 0, 1, 0],
    }
    assert [(k["group"], k["purpose"], k["outcome"], k["contacts"], k["customers"]) for k in contacts] == [
        ("treatment", "followup", "accepted", 1, 1), ("treatment", "followup", "no_answer", 1, 1),
        ("treatment", "upsell", "none", 1, 1), ("holdout", "cancel_request", "cancelled", 1, 1)]
    rows = {r["metric"]: r for r in campaign_effect.effect_rows(counts)}
    assert rows["f2"]["treatment_rate"] == pytest.approx(2 / 3) and rows["f2"]["holdout_rate"] == 0
    assert rows["f2"] | campaign_stats.difference(2, 3, 0, 1) == rows["f2"]
    assert rows["retention"]["difference"] == 1.0 and rows["moved_down"]["holdout_hits"] == 0


def test_list_campaign_is_stored_with_its_draw_and_kept_by_a_later_import(tmp_path, hand):
    with hand as shop:
        listed = write_csv(tmp_path / "list.csv", ["顧客番号", "memo"],
                           [[c, "x"] for c in HAND_GROUPS] + [["A", "dup"]])
        rec = shop.create_campaign("秋のフォロー", customers=listed, as_of=S, holdout=0.25, seed=42, why="F2",
                                   when="初回後14日", what="サンプル", how="電話")
        assert (rec["members"], rec["treatment"], rec["holdout"], rec["seed"]) == (8, 6, 2, 42)
        assert (rec["start_date"], rec["source"], rec["list_file"]) == (S, "list", "list.csv")
        assert rec["who"] == "list:list.csv"
        assert (rec["why"], rec["when"], rec["what"], rec["how"]) == ("F2", "初回後14日", "サンプル", "電話")
        members = shop.campaign_members("秋のフォロー")
        assert list(members.columns) == ["customer_id", "group"]  # no personal data unless asked
        expected = campaign_draw.draw(HAND_GROUPS, 0.25, 42)
        got = members.sort_values("customer_id")
        assert got["group"].tolist() == expected.column("group").to_pylist()
        contact = shop.campaign_members("秋のフォロー", personal=True, group="treatment")
        assert list(contact.columns) == ["customer_id", "group", "name", "phone", "email"]
        assert set(contact["group"]) == {"treatment"} and len(contact) == 6
        shop.import_files([write_csv(tmp_path / "more.csv", ORDER_HEADER,
                                     [["C2", "C", "2024-12-01", "P1", 1, 3000, None, None, None, "completed"]])])
        assert shop.campaigns()["name"].tolist() == ["秋のフォロー"]
        assert shop.campaign_members("秋のフォロー").sort_values("customer_id").equals(got)
        report = shop.campaign_report("秋のフォロー", E)
        assert report.start == "2024-06-30" and report.as_of == "2024-12-31" and report.days == 184
        assert report.groups == {"treatment": 6, "holdout": 2}
        assert report.to_dict()["campaign"]["thresholds"]["amount"] == 70_000


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"segment": "first", "customers": ["A"]}, "camp_needs_source"),
    ({}, "camp_needs_source"),
    ({"segment": "first", "holdout": 1.0}, "camp_bad_holdout"),
    ({"segment": "first", "holdout": 0}, "camp_bad_holdout"),
    ({"segment": "first", "seed": -1}, "camp_bad_seed"),
    ({"segment": "nobody"}, "unknown_segment"),
    ({"segment": "loyal"}, "camp_too_few"),
    ({"customers": ["A", "ZZ"]}, "camp_list_unknown"),
])
def test_create_errors_store_nothing(hand, kwargs, key):
    with hand as shop:
        with pytest.raises(TeikiError) as err:
            shop.create_campaign("x", as_of=S, **kwargs)
        assert err.value.key == key
        assert shop.store.count(stored.CAMPAIGNS) == 0 and shop.store.count(stored.MEMBERS) == 0


def test_list_file_errors_name_the_file_row_and_column(tmp_path, hand):
    with hand as shop:
        bad = write_csv(tmp_path / "bad.csv", ["name", "customer_id"],
                        [["a", "A"], ["b", "Q1"], ["c", "B"], ["d", "Q2"]])
        with pytest.raises(TeikiError) as err:
            shop.create_campaign("x", customers=bad)
        assert err.value.render("en") == (
            "bad.csv: customer_id holds ids that are not the shop's customers in 2 row(s) "
            "(row 3: 'Q1', row 5: 'Q2'). No campaign was created.")
        assert "3行目: 'Q1'" in err.value.render("ja")
        blank = write_csv(tmp_path / "blank.csv", ["customer_id"], [["A"], [None], ["B"]])
        with pytest.raises(TeikiError, match=r"blank.csv: customer_id is empty in 1 row\(s\) \(rows 3\)"):
            shop.create_campaign("x", customers=blank)
        other = write_csv(tmp_path / "other.csv", ["id"], [["A"]])
        with pytest.raises(TeikiError, match="other.csv: no customer id column .* Columns found: id"):
            shop.create_campaign("x", customers=other)
        with pytest.raises(TeikiError, match="missing.csv"):
            shop.create_campaign("x", customers=tmp_path / "missing.csv")
        assert shop.store.count(stored.CAMPAIGNS) == 0 and shop.store.count(stored.MEMBERS) == 0


def test_duplicate_names_unknown_campaigns_and_dates_before_the_start(hand):
    with hand as shop:
        shop.create_campaign("c1", customers=list(HAND_GROUPS), as_of=S, seed=1)
        for call, key in [(lambda: shop.create_campaign("c1", customers=["A", "B"]), "camp_exists"),
                          (lambda: shop.create_campaign("  ", customers=["A", "B"]), "camp_bad_name"),
                          (lambda: shop.campaign_report("nope"), "camp_unknown"),
                          (lambda: shop.campaign_members("c1", group="both"), "bad_choice"),
                          (lambda: shop.campaign_report("c1", "2024-06-01"), "camp_report_before_start")]:
            with pytest.raises(TeikiError) as err:
                call()
            assert err.value.key == key
        shop.delete_campaign("c1")
        assert shop.store.count(stored.CAMPAIGNS) == 0 and shop.store.count(stored.MEMBERS) == 0


def test_a_failed_write_leaves_no_half_stored_campaign(hand, monkeypatch):
    with hand as shop:
        real = shop.store.con.insert

        def insert(name, obj, **kw):
            real(name, obj, **kw)
            if name == stored.MEMBERS:
                raise OSError("disk full")

        monkeypatch.setattr(shop.store.con, "insert", insert)
        with pytest.raises(OSError, match="disk full"):
            shop.create_campaign("x", customers=list(HAND_GROUPS), seed=3)
        monkeypatch.undo()
        assert shop.store.count(stored.CAMPAIGNS) == 0 and shop.store.count(stored.MEMBERS) == 0


def test_a_read_only_shop_cannot_create(hand_db):
    with teiki.open(hand_db, read_only=True) as shop:
        with pytest.raises(TeikiError) as err:
            shop.create_campaign("x", customers=["A", "B"])
        assert err.value.key == "camp_read_only"


def test_an_older_file_gains_the_campaign_tables(tmp_path, seeded_db):
    path = tmp_path / "v4.duckdb"
    shutil.copy(seeded_db, path)
    con = ibis.duckdb.connect(str(path))
    con.drop_table(stored.CAMPAIGNS)
    con.drop_table(stored.MEMBERS)
    migrations.write_meta(con, "schema_version", "4")
    con.disconnect()
    with teiki.open(path) as shop:
        assert shop.store.upgraded_from == 4 and migrations.SCHEMA_VERSION >= 5
        assert shop.campaigns().empty and shop.store.count("orders") == 3


# --------------------------------------------------------------------------- planted and null effects


def _first_buyers_shop(tmp_path, p_treated: float, p_held: float, seed: int):
    """4,000 one-purchase customers on 2024-01-10; a segment campaign (half held out) on 2024-01-31; then a
    second purchase in March with probability p_treated / p_held, imported after the campaign."""
    n = 4000
    ids = [f"C{i:05d}" for i in range(n)]
    first = [[f"O{c}", c, "2024-01-10", "P1", 1, 3000, None, None, None, "completed"] for c in ids]
    shop = teiki.open(tmp_path / "planted.duckdb")
    shop.import_files([write_csv(tmp_path / "first.csv", ORDER_HEADER, first)])
    shop.create_campaign("f2", segment="初回客", as_of="2024-01-31", holdout=0.5, seed=seed)
    groups = shop.campaign_members("f2").set_index("customer_id")["group"]
    rng = np.random.default_rng(seed)
    p = np.where(groups.loc[ids].to_numpy() == "treatment", p_treated, p_held)
    buyers = [c for c, hit in zip(ids, rng.random(n) < p, strict=True) if hit]
    second = [[f"R{c}", c, "2024-03-05", "P1", 1, 3000, None, None, None, "completed"] for c in buyers]
    shop.import_files([write_csv(tmp_path / "second.csv", ORDER_HEADER, second)])
    return shop


def test_a_planted_f2_effect_is_recovered_within_its_interval(tmp_path):
    with _first_buyers_shop(tmp_path, 0.30, 0.20, seed=5) as shop:
        report = shop.campaign_report("f2", "2024-04-30")
    f2 = {m["metric"]: m for m in report.metrics}["f2"]
    assert report.groups == {"treatment": 2000, "holdout": 2000}
    assert f2["treatment_base"] == f2["holdout_base"] == 2000
    assert f2["lower"] < 0.10 < f2["upper"] and f2["lower"] > 0  # the true +10 points, and clearly not 0
    assert abs(f2["treatment_rate"] - 0.30) < 0.03 and abs(f2["holdout_rate"] - 0.20) < 0.03
    moved = {m["metric"]: m for m in report.metrics}["moved_up"]
    assert moved["treatment_hits"] == f2["treatment_hits"]  # 初回客 → よちよち客 is the second purchase


def test_a_null_effect_has_an_interval_covering_zero(tmp_path):
    with _first_buyers_shop(tmp_path, 0.25, 0.25, seed=8) as shop:
        report = shop.campaign_report("f2")
    f2 = report.metrics[0]
    assert f2["metric"] == "f2" and f2["lower"] < 0 < f2["upper"] and f2["upper"] - f2["lower"] < 0.06
    assert report.as_of == "2024-03-05"


# --------------------------------------------------------------------------- the command line


def test_campaign_commands_end_to_end(tmp_path, hand_db):
    db = copy_db(hand_db, tmp_path)
    created = invoke("--db", db, "campaign", "create", "夏", "--list", write_csv(tmp_path / "l.csv", ["customer_id"],
                     [[c] for c in HAND_GROUPS]), "--as-of", "2024-06-30", "--holdout", "0.25", "--seed", "9",
                     "--what", "=SUM(A1)")
    assert created.exit_code == 0, created.output
    assert ("キャンペーン「夏」を作成しました: 対象 8 人 (施策群 6 人、ホールドアウト 2 人)、"
            "開始日 2024-06-30、シード 9") in flat(created.output)
    listed = invoke("--db", db, "--lang", "en", "campaign", "list", "--format", "json")
    got = [(r["name"], r["members"], r["seed"], r["what"]) for r in json.loads(listed.output)]
    assert got == [("夏", 8, 9, "=SUM(A1)")]
    table = invoke("--db", db, "campaign", "list")
    assert "│ 夏 │ 2024-06-30 │ list:l.csv │ 8 │ 6 │ 2 (25%) │ 9 │ =SUM(A1) │" in flat(table.output)
    out = tmp_path / "calls.csv"
    exported = invoke("--db", db, "campaign", "export", "夏", "--out", out)
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "customer_id,group,name,phone,email" and len(lines) == 7
    assert all(",treatment," in line for line in lines[1:])
    everyone = tmp_path / "all.csv"
    assert invoke("--db", db, "campaign", "export", "夏", "--out", everyone, "--group", "all").exit_code == 0
    with everyone.open(encoding="utf-8-sig", newline="") as fh:
        people = {r["customer_id"]: r for r in csv.DictReader(fh)}
    assert len(people) == 8 and {c: r["group"] for c, r in people.items()} == HAND_DRAW
    assert people["A"]["name"] == "'=HYPERLINK(\"http://x\")"  # formula-escaped (teiki.report.export)
    assert (people["B"]["name"], people["B"]["phone"]) == ("山田花子", "'+81-90-0000-0002")
    report = invoke("--db", db, "campaign", "report", "夏", "--as-of", "2024-12-31")
    assert report.exit_code == 0, report.output
    assert "キャンペーン「夏」の効果: 2024-06-30 → 2024-12-31 (184 日)" in flat(report.output)
    assert "F2転換率" in report.output and "95% 信頼区間" in report.output and "開始後の応対履歴" in report.output
    as_json = json.loads(invoke("--db", db, "campaign", "report", "夏", "--format", "json").output)
    assert [m["metric"] for m in as_json["metrics"]] == ["f2", "retention", "moved_up", "moved_down"]
    assert as_json["interval"] == "newcombe_wilson" and as_json["campaign"]["seed"] == 9
    xlsx = tmp_path / "report.xlsx"
    assert invoke("--db", db, "campaign", "report", "夏", "--format", "xlsx", "--out", xlsx).exit_code == 0
    assert xlsx.stat().st_size > 0
    again = invoke("--db", db, "--lang", "en", "campaign", "create", "夏", "--segment", "first")
    assert again.exit_code == 1 and 'a campaign "夏" already exists' in flat(again.output)
    assert invoke("--db", db, "campaign", "delete", "夏").exit_code == 0
    assert "キャンペーンはまだありません" in invoke("--db", db, "campaign", "list").output


def test_campaign_command_errors_are_one_paragraph(tmp_path, hand_db):
    db = copy_db(hand_db, tmp_path)
    bad = write_csv(tmp_path / "bad.csv", ["customer_id"], [["A"], ["nobody"]])
    result = invoke("--db", db, "--lang", "en", "campaign", "create", "x", "--list", bad)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "bad.csv: customer_id holds ids that are not the shop's customers in 1 row(s) (row 3: 'nobody')" \
        in flat(result.output)
    assert invoke("--db", db, "campaign", "report", "nope").exit_code == 1
    assert invoke("--db", db, "campaign", "export", "x", "--out", tmp_path / "x.txt").exit_code == 2
    missing = invoke("--db", tmp_path / "none.duckdb", "campaign", "create", "x", "--segment", "first")
    assert missing.exit_code == 1 and not (tmp_path / "none.duckdb").exists()


# --------------------------------------------------------------------------- DuckDB and Spark


def test_effect_counts_are_the_same_on_duckdb_and_spark(engines):
    duck, spark_shop = engines
    end = duck.view()
    start_day = end.as_of - dt.timedelta(days=120)
    ids = [r["customer_id"] for r in duck.view(start_day).customers.select("customer_id").to_pyarrow().to_pylist()]
    ids = random.Random(3).sample(sorted(ids), 600) + ["never-bought"]
    members = campaign_draw.draw(ids, 0.3, 17)
    got = []
    for shop in (duck, spark_shop):
        counts, contacts = campaign_effect.measure(shop.source(), start_day, end.as_of, ibis.memtable(members),
                                                   thresholds.DEFAULT)
        got.append(({g: {k: int(v) for k, v in c.items() if k != "group"} for g, c in counts.items()}, contacts))
    assert got[0] == got[1]
    counts = got[0][0]
    assert counts["treatment"]["members"] + counts["holdout"]["members"] == 601
    assert counts["treatment"]["f2_base"] > 50 and counts["treatment"]["retention_base"] > 50 and got[0][1]
