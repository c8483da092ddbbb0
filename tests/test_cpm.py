"""CPM and RFM on hand-built shops: every rule's boundary, the ten segments, history and migration cell
by cell, thresholds (default, file, flags, auto) and RFM scores — each expected value worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ORDER_HEADER, write_csv

import teiki
from teiki.errors import TeikiError
from teiki.segments import thresholds as th
from teiki.segments.cpm import KEYS
from teiki.segments.movement import snapshot_dates
from teiki.segments.thresholds import Thresholds

D1, D2 = dt.date(2026, 2, 28), dt.date(2026, 6, 30)


def order(oid: str, cust: str, day: str, amount: float, status: str = "completed") -> list:
    return [oid, cust, f"{day} 10:00:00", "P1", 1, amount, None, None, "web", status]


# Customer, orders; the comment gives the segment at D1 = 2026-02-28 → at D2 = 2026-06-30 (defaults:
# A = ¥70,000, T1 = 90, T2 = 210, L = 240; D2 − 240 days = 2025-11-02).
PORTFOLIO = [
    order("A1", "A", "2026-06-01", 5000),  # new → first
    order("B1", "B", "2026-05-01", 4000), order("B2", "B", "2026-06-01", 6000),  # new → toddler
    order("B3", "B", "2026-06-15", 100000, "cancelled"),  # would make B trendy if it counted
    order("C1", "C", "2026-01-01", 10000), order("C2", "C", "2026-04-01", 10000),  # first → steady (tenure = T1)
    order("D1", "D", "2026-05-01", 40000), order("D2", "D", "2026-06-01", 30000),  # new → trendy (amount = A)
    order("E1", "E", "2025-10-01", 50000), order("E2", "E", "2026-04-29", 30000),  # first → loyal (tenure = T2)
    order("F1", "F", "2025-11-02", 3000),  # first → first_lapsed (lapse = L at D2)
    order("G1", "G", "2025-09-03", 3000), order("G2", "G", "2025-09-23", 3000),  # toddler → toddler_lapsed
    order("H1", "H", "2024-06-01", 10000), order("H2", "H", "2024-10-01", 10000),  # steady_lapsed, stays
    order("I1", "I", "2025-01-10", 50000), order("I2", "I", "2025-02-10", 30000),  # trendy_lapsed, stays
    order("J1", "J", "2024-01-05", 60000), order("J2", "J", "2024-12-01", 40000),  # loyal_lapsed, stays
    order("K1", "K", "2025-01-15", 2000), order("K2", "K", "2026-06-20", 2000),  # first_lapsed → steady
    order("L1", "L", "2026-06-30", 1000),  # new → first (one order on D, lapse 0)
    order("M1", "M", "2025-11-03", 3000),  # first → first (lapse L − 1 at D2)
    order("N1", "N", "2026-03-01", 9000, "cancelled"),  # never a customer
]
AT_D2 = {"A": "first", "B": "toddler", "C": "steady", "D": "trendy", "E": "loyal", "F": "first_lapsed",
         "G": "toddler_lapsed", "H": "steady_lapsed", "I": "trendy_lapsed", "J": "loyal_lapsed", "K": "steady",
         "L": "first", "M": "first"}
AT_D1 = {"C": "first", "E": "first", "F": "first", "G": "toddler", "H": "steady_lapsed", "I": "trendy_lapsed",
         "J": "loyal_lapsed", "K": "first_lapsed", "M": "first"}


def counts(**nonzero: int) -> dict[str, int]:
    return {k: nonzero.get(k, 0) for k in KEYS}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cpm")
    path = write_csv(folder / "orders.csv", ORDER_HEADER, PORTFOLIO)
    with teiki.open(folder / "shop.duckdb") as s:
        s.import_files([path])
        yield s


def segments_of(shop, as_of, t="default") -> dict[str, str]:
    rows = shop.segment_customers(None, as_of, t, contact=False, output="pyarrow").to_pylist()
    return {r["customer_id"]: r["segment"] for r in rows}


def test_the_ten_segments_and_every_boundary(shop):
    assert segments_of(shop, D2) == AT_D2
    assert segments_of(shop, D1) == AT_D1


def test_the_axes_of_a_customer(shop):
    rows = shop.segment_customers("loyal", D2, contact=False, output="pyarrow").to_pylist()
    assert rows == [{"customer_id": "E", "segment": "loyal", "purchases": 2, "cumulative_amount": 80000.0,
                     "first_date": dt.date(2025, 10, 1), "last_date": dt.date(2026, 4, 29), "tenure_days": 210,
                     "lapse_days": 62, "revenue_365d": 80000.0}]


def test_portfolio_counts_revenue_and_health(shop):
    p = shop.portfolio(D2)
    by_key = {s["key"]: s for s in p.segments}
    assert [s["key"] for s in p.segments] == list(KEYS)
    assert {k: s["customers"] for k, s in by_key.items()} == counts(
        first=3, toddler=1, steady=2, trendy=1, loyal=1, first_lapsed=1, toddler_lapsed=1, steady_lapsed=1,
        trendy_lapsed=1, loyal_lapsed=1)
    assert p.customers == 13  # N's only order was cancelled
    # revenue in the 365 days up to D2 (orders after 2025-06-30): H, I, J bought earlier
    assert p.revenue_365d == 200_000
    assert by_key["steady"]["revenue_365d"] == 22_000  # C 20,000 + K's 2026 order 2,000
    assert by_key["steady_lapsed"]["revenue_365d"] == 0 and by_key["steady_lapsed"]["revenue_share"] == 0
    assert by_key["loyal"]["revenue_share"] == pytest.approx(0.4)
    assert by_key["first"]["mean_cumulative_amount"] == pytest.approx(3000)  # (5,000 + 1,000 + 3,000) / 3
    assert p.core_revenue_share == pytest.approx(102_000 / 200_000) and p.healthy is True
    assert by_key["loyal_lapsed"] == {"key": "loyal_lapsed", "label_ja": "優良離脱客", "label_en": "Loyal (lapsed)",
                                      "active": False, "customers": 1, "customer_share": pytest.approx(1 / 13),
                                      "revenue_365d": 0.0, "revenue_share": 0.0, "mean_cumulative_amount": 100000.0}


def test_the_health_line_is_50_percent(shop):
    # at D1 the active loyal + steady customers hold none of the year's revenue
    p = shop.portfolio(D1)
    assert p.core_revenue_share == 0 and p.healthy is False


def test_migration_matrix_cell_by_cell(shop):
    m = shop.portfolio_migration(D1, D2)
    cells = {(c["from"], c["to"]): (c["customers"], c["move"]) for c in m.cells}
    assert cells == {
        ("new", "first"): (2, "new"), ("new", "toddler"): (1, "new"), ("new", "trendy"): (1, "new"),
        ("first", "first"): (1, "stayed"), ("first", "steady"): (1, "moved_up"), ("first", "loyal"): (1, "moved_up"),
        ("first", "first_lapsed"): (1, "lapsed"), ("toddler", "toddler_lapsed"): (1, "lapsed"),
        ("steady_lapsed", "steady_lapsed"): (1, "stayed"), ("trendy_lapsed", "trendy_lapsed"): (1, "stayed"),
        ("loyal_lapsed", "loyal_lapsed"): (1, "stayed"), ("first_lapsed", "steady"): (1, "came_back"),
    }
    assert m.moves == {"new": 4, "stayed": 4, "moved_up": 2, "lapsed": 2, "came_back": 1, "other": 0}
    assert list(m.matrix) == [*KEYS, "new"] and all(list(row) == list(KEYS) for row in m.matrix.values())
    assert sum(sum(row.values()) for row in m.matrix.values()) == 13
    frame = shop.cpm_migration(D1, D2)
    assert frame.set_index("from").loc["first_lapsed", "steady"] == 1


def test_a_migration_cell_as_a_list(shop):
    rows = shop.segment_customers("steady", D2, since=D1, since_segment="first_lapsed", output="pyarrow").to_pylist()
    assert [(r["customer_id"], r["segment_before"]) for r in rows] == [("K", "first_lapsed")]
    new = shop.segment_customers("first", D2, since=D1, since_segment="new", output="pyarrow").to_pylist()
    assert [r["customer_id"] for r in new] == ["A", "L"]  # by cumulative amount, largest first


def test_history_month_by_month(shop):
    h = shop.portfolio_history("2026-01-01", D2)
    assert [s["as_of"] for s in h.snapshots] == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30",
                                                 "2026-05-31", "2026-06-30"]
    early = counts(first=4, toddler=1, first_lapsed=1, steady_lapsed=1, trendy_lapsed=1, loyal_lapsed=1)
    assert [s["counts"] for s in h.snapshots] == [
        early, early, early,  # January to March: C, E, F, M first-time; G toddler; four lapsed
        counts(first=2, steady=1, loyal=1, toddler=1, first_lapsed=1, steady_lapsed=1, trendy_lapsed=1,
               loyal_lapsed=1),  # April: C steady (tenure 90), E loyal (tenure 210)
        counts(first=4, steady=1, loyal=1, first_lapsed=1, toddler_lapsed=1, steady_lapsed=1, trendy_lapsed=1,
               loyal_lapsed=1),  # May: B and D arrive, G lapses (250 days)
        counts(first=3, toddler=1, steady=2, trendy=1, loyal=1, first_lapsed=1, toddler_lapsed=1, steady_lapsed=1,
               trendy_lapsed=1, loyal_lapsed=1),  # June = the portfolio at D2
    ]
    assert not any(s["partial"] for s in h.snapshots)


def test_history_equals_one_portfolio_per_snapshot(shop):
    """The interval algorithm against a classification at each snapshot date, on odd thresholds too."""
    t = Thresholds(amount=9000, tenure_short_days=20, tenure_long_days=100, lapse_days=45, mode="custom")
    h = shop.portfolio_history("2024-01-01", "2026-06-17", t)
    assert h.snapshots[-1]["as_of"] == "2026-06-17" and h.snapshots[-1]["partial"]
    for s in h.snapshots:
        d = dt.date.fromisoformat(s["as_of"])
        if d < dt.date(2024, 1, 5):
            assert sum(s["counts"].values()) == 0
            continue
        assert s["counts"] == {x["key"]: x["customers"] for x in shop.portfolio(d, t).segments}, s["as_of"]


def test_history_before_the_first_order_counts_nobody(shop):
    h = shop.portfolio_history("2023-11-15", "2024-01-31")
    assert [sum(s["counts"].values()) for s in h.snapshots] == [0, 0, 1]


def test_snapshot_dates():
    assert snapshot_dates(dt.date(2025, 12, 15), dt.date(2026, 2, 10)) == [
        dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 10)]
    assert snapshot_dates(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == [dt.date(2024, 2, 29)]


def test_reversed_ranges_and_unknown_segments_are_clear_errors(shop):
    with pytest.raises(TeikiError) as info:
        shop.portfolio_migration(D2, D1)
    assert info.value.key == "range_reversed"
    with pytest.raises(TeikiError) as info:
        shop.portfolio_history("2026-07-01", D2)
    assert info.value.key == "range_reversed"
    with pytest.raises(TeikiError) as info:
        shop.segment_customers("vip", D2)
    assert info.value.key == "unknown_segment" and "loyal_lapsed" in str(info.value)
    assert shop.segment_customers("優良離脱客", D2, output="pyarrow").column("customer_id").to_pylist() == ["J"]
    with pytest.raises(TeikiError) as info:
        shop.portfolio("2023-12-31")
    assert info.value.key == "as_of_before_first_order"


# --------------------------------------------------------------------------- thresholds


def test_custom_thresholds_move_the_boundaries(shop):
    t = th.DEFAULT.with_values(amount=80000, tenure_short_days=91, lapse_days=280)
    got = segments_of(shop, D2, t)
    assert got["E"] == "loyal"  # exactly the new A
    assert got["D"] == "toddler"  # 70,000 < 80,000 and tenure 31 < 91
    assert got["C"] == "toddler"  # tenure 90 < 91
    assert got["G"] == "toddler_lapsed" and got["F"] == "first"  # lapse 280 ≥ L; 240 < L
    assert t.mode == "custom" and t.rules["amount"] == {"rule": "given"}
    assert t.rules["tenure_long_days"] == {"rule": "published_default"}


def test_thresholds_from_a_toml_file(tmp_path):
    path = tmp_path / "cpm.toml"
    path.write_text("amount = 50000\nlapse_days = 180\n", encoding="utf-8")
    t = th.load(path)
    assert (t.amount, t.tenure_short_days, t.tenure_long_days, t.lapse_days) == (50000, 90, 210, 180)
    path.write_text("[thresholds]\ntenure_long_days = 300.0\n", encoding="utf-8")
    assert th.load(path).tenure_long_days == 300 and isinstance(th.load(path).tenure_long_days, int)
    for text, key in (("amount = \n", "bad_thresholds_file"), ("recency = 3\n", "unknown_threshold"),
                      ("lapse_days = -1\n", "bad_threshold"), ('amount = "lots"\n', "bad_threshold"),
                      ("lapse_days = 10.5\n", "bad_threshold_days"),
                      ("tenure_short_days = 300\n", "thresholds_out_of_order")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(TeikiError) as info:
            th.load(path)
        assert info.value.key == key, text


def test_auto_thresholds_follow_the_rule(tmp_path):
    """Ten customers with one gap each: 20, 25, 30 ×4, 35, 40, 60, 90 days; every order ¥6,000.

    L = 90th percentile (60) → 60; median gap 30 → T1 = 90, T2 = 210; A = 7 × ¥6,000 = ¥42,000.
    """
    gaps = [20, 25, 30, 30, 30, 30, 35, 40, 60, 90]
    rows = []
    for i, g in enumerate(gaps):
        start = dt.date(2025, 1, 1) + dt.timedelta(days=i)
        rows += [order(f"O{i}a", f"C{i}", start.isoformat(), 6000),
                 order(f"O{i}b", f"C{i}", (start + dt.timedelta(days=g)).isoformat(), 6000)]
    with teiki.open(tmp_path / "s.duckdb") as s:
        s.import_files([write_csv(tmp_path / "orders.csv", ORDER_HEADER, rows)])
        t = s.thresholds("auto")
        assert (t.mode, t.amount, t.tenure_short_days, t.tenure_long_days, t.lapse_days) == ("auto", 42000, 90, 210, 60)
        assert t.rules["lapse_days"] == {"rule": "gap_quantile", "percentile": 90, "gaps": 10, "days": 60}
        assert t.to_dict()["rules"]["amount"]["text"] == "7 × average order value ¥6,000, rounded to ¥1,000"
        assert th.rule_text(t.rules["tenure_short_days"], "ja") == "購入間隔の中央値 (30 日) × 3、10 日単位に丸め"
        # as of an early date only the first five customers have bought twice (gaps 20, 25, 30, 30, 30)
        early = s.thresholds("auto", "2025-02-04")
        assert (early.lapse_days, early.tenure_short_days) == (30, 90)


def test_auto_thresholds_without_repeat_purchases_keep_the_defaults(tmp_path):
    with teiki.open(tmp_path / "s.duckdb") as s:
        s.import_files([write_csv(tmp_path / "orders.csv", ORDER_HEADER, [order("O1", "C1", "2025-01-01", 9000)])])
        t = s.thresholds("auto")
        assert (t.amount, t.tenure_short_days, t.tenure_long_days, t.lapse_days) == (63000, 90, 210, 240)
        assert t.rules["lapse_days"] == {"rule": "default_no_repeat"}


# --------------------------------------------------------------------------- RFM


def test_rfm_scores_match_the_docstring_example(tmp_path):
    """Frequencies 1, 1, 2, 3, 5 → F scores 1, 1, 3, 4, 5; recency and monetary ranked likewise."""
    rows, n = [], 0
    for cust, purchases in (("V", 1), ("W", 1), ("X", 2), ("Y", 3), ("Z", 5)):
        for k in range(purchases):
            n += 1
            day = 10 + "VWXYZ".index(cust)
            rows.append(order(f"O{n}", cust, f"2026-0{k + 1}-{day}", 1000))
    from teiki.segments import rfm
    from teiki.segments.cpm import customer_axes

    with teiki.open(tmp_path / "s.duckdb") as s:
        s.import_files([write_csv(tmp_path / "orders.csv", ORDER_HEADER, rows)])
        view = s.view()
        got = {r["customer_id"]: r for r in
               rfm.scores(customer_axes(view.orders, view.as_of)).to_pyarrow().to_pylist()}
        assert {c: got[c]["f_score"] for c in got} == {"V": 1, "W": 1, "X": 3, "Y": 4, "Z": 5}
        assert {c: got[c]["m_score"] for c in got} == {"V": 1, "W": 1, "X": 3, "Y": 4, "Z": 5}
        # last orders: V 01-10, W 01-11, X 02-12, Y 03-13, Z 05-14 → recency best for Z
        assert {c: got[c]["r_score"] for c in got} == {"V": 1, "W": 2, "X": 3, "Y": 4, "Z": 5}
        assert got["Z"]["rfm"] == "555" and got["Z"]["rfm_group"] == "champions"
        assert got["V"]["rfm_group"] == "hibernating" and got["X"]["rfm_group"] == "need_attention"
        report = s.rfm_report()
        assert report.customers == 5
        assert {g["key"]: g["customers"] for g in report.groups if g["customers"]} == {
            "champions": 1, "loyal": 1, "need_attention": 1, "hibernating": 2}


def test_rfm_of_one_customer_scores_one(tmp_path):
    with teiki.open(tmp_path / "s.duckdb") as s:
        s.import_files([write_csv(tmp_path / "orders.csv", ORDER_HEADER, [order("O1", "C1", "2025-01-01", 9000)])])
        assert {g["key"]: g["customers"] for g in s.rfm_report().groups if g["customers"]} == {"hibernating": 1}


def test_an_empty_shop_has_an_empty_portfolio(tmp_path):
    with teiki.open(tmp_path / "s.duckdb") as s:
        p = s.portfolio()
        assert p.customers == 0 and p.core_revenue_share is None and p.healthy is None
        assert [x["customers"] for x in p.segments] == [0] * 10
        assert s.rfm_report().customers == 0
        with pytest.raises(TeikiError) as info:
            s.portfolio_history()
        assert info.value.key == "no_orders"


def test_cpm_frames(shop):
    frame = shop.cpm(D2)
    assert list(frame["key"]) == list(KEYS) and frame["customers"].sum() == 13
    hist = shop.cpm_history("2026-05-01", D2, output="polars")
    assert hist.columns[:3] == ["month", "as_of", "partial"] and hist["steady"].to_list() == [1, 2]
    assert shop.rfm(D2, output="pyarrow").num_rows == 10


def test_lapse_flag_changes_on_the_exact_day(shop):
    """F's only order is 2025-11-02: lapsed from 2026-06-30 (240 days), not on 2026-06-29."""
    assert segments_of(shop, "2026-06-29")["F"] == "first"
    assert segments_of(shop, "2026-06-30")["F"] == "first_lapsed"
    assert shop.portfolio_history("2026-06-01", "2026-06-29").snapshots[-1]["counts"]["first_lapsed"] == 0
    assert shop.portfolio_history("2026-06-01", "2026-06-30").snapshots[-1]["counts"]["first_lapsed"] == 1
