"""The synthetic demo shop: format, determinism, consistency and realism.

Shops here are small (a few thousand customers) so the file runs in seconds;
realism checks use tolerances wide enough for that size but narrow enough to
fail if the behaviour they describe disappears.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teiki.demo import generate
from teiki.store.schema import TABLES

ORDERS_HEADER = "受注番号,顧客番号,受注日時,商品コード,数量,金額,定期ID,定期回数,媒体,ステータス"
STATUS_JA = {"完了": "completed", "キャンセル": "cancelled", "返品": "returned"}
REASON_CATEGORIES = {"余っている", "効果を感じない", "価格・経済的理由", "肌に合わない", "他社へ乗り換え", "引越し・ライフイベント"}
END = datetime.date(2026, 10, 31)
TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
TS_ORDERS = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_rows(path: Path, encoding: str = "utf8") -> list[dict[str, str | None]]:
    """All cells as strings (empty cell -> None), one dict per row."""
    options = pacsv.ConvertOptions(default_column_type=pa.string(), strings_can_be_null=True, null_values=[""])
    return pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=encoding), convert_options=options).to_pylist()


def load_shop(paths: dict[str, Path]) -> dict[str, list[dict]]:
    """The six tables with canonical column names (orders renamed from the Japanese header)."""
    shop = {name: read_rows(path) for name, path in paths.items() if name != "orders"}
    canonical = TABLES["orders"].column_names
    ja = [c.ja for c in TABLES["orders"].columns]
    rows = read_rows(paths["orders"], "cp932")
    shop["orders"] = [{canonical[ja.index(k)]: v for k, v in row.items()} for row in rows]
    return shop


def ts(value: str) -> datetime.datetime:
    """Parse either timestamp format the shop writes."""
    return datetime.datetime.strptime(value.replace("/", "-"), "%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("shop"), customers=5_000, seed=11)


@pytest.fixture(scope="module")
def shop(paths) -> dict[str, list[dict]]:
    return load_shop(paths)


@pytest.fixture(scope="module")
def deliveries(shop) -> dict[str, dict[int, datetime.datetime]]:
    """subscription_id -> delivery_no -> order time (subscription product lines only)."""
    subs = {s["subscription_id"]: s for s in shop["subscriptions"]}
    out: dict[str, dict[int, datetime.datetime]] = defaultdict(dict)
    for o in shop["orders"]:
        if o["subscription_id"] and o["product_id"] == subs[o["subscription_id"]]["product_id"]:
            out[o["subscription_id"]][int(o["delivery_no"])] = ts(o["ordered_at"])
    return out


# --- API and determinism ---------------------------------------------------------------------------


def test_returns_a_file_for_each_canonical_table(paths):
    assert set(paths) == set(TABLES)
    assert paths["orders"].name == "受注明細.csv"
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    assert {p.name for n, p in paths.items() if n != "orders"} == {f"{n}.csv" for n in TABLES if n != "orders"}


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path):
    a = generate(tmp_path / "a", customers=800, seed=3)
    b = generate(tmp_path / "b", customers=800, seed=3)
    c = generate(tmp_path / "c", customers=800, seed=4)
    for name in TABLES:
        assert a[name].read_bytes() == b[name].read_bytes(), name
    assert a["orders"].read_bytes() != c["orders"].read_bytes()
    assert a["customers"].read_bytes() != c["customers"].read_bytes()


def test_progress_reports_english_stages_with_done_at_most_total(tmp_path):
    calls = []
    generate(tmp_path, customers=300, progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert calls and all(0 <= done <= total for _, done, total in calls)
    assert {"simulating subscriptions", "writing tables"} <= {stage for stage, _, _ in calls}
    assert calls[-1][1] == calls[-1][2]


# --- file format -----------------------------------------------------------------------------------


def test_orders_file_is_cp932_with_the_japanese_header(paths):
    raw = paths["orders"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp932")
    assert text.split("\r\n", 1)[0] == ORDERS_HEADER


def test_orders_cells_are_formatted_like_a_cart_export(shop):
    orders = shop["orders"]
    assert all(TS_ORDERS.match(o["ordered_at"]) for o in orders)
    assert all(re.fullmatch(r"\d+", o["amount"]) and re.fullmatch(r"[1-9]\d*", o["quantity"]) for o in orders)
    assert all(re.fullmatch(r"O\d{8}", o["order_id"]) and re.fullmatch(r"C\d{7}", o["customer_id"]) for o in orders)
    assert {o["status"] for o in orders} == set(STATUS_JA)
    one_off = [o for o in orders if o["subscription_id"] is None]
    assert one_off and all(o["delivery_no"] is None for o in one_off)


def test_other_tables_are_utf8_with_canonical_headers_and_iso_times(paths, shop):
    for name, path in paths.items():
        if name == "orders":
            continue
        first_line = path.read_bytes().decode("utf-8").split("\n", 1)[0]
        assert first_line == ",".join(TABLES[name].column_names)
        for column in TABLES[name].columns:
            values = [r[column.name] for r in shop[name] if r[column.name] is not None]
            if column.dtype == "timestamp":
                assert all(TS.match(v) for v in values), (name, column.name)
            elif column.dtype == "date":
                assert all(DATE.match(v) for v in values), (name, column.name)


# --- schema conformance ----------------------------------------------------------------------------


def test_values_conform_to_the_schema(shop):
    for name, spec in TABLES.items():
        rows = shop[name]
        assert rows, name
        for column in spec.columns:
            values = [r[column.name] for r in rows]
            if name == "orders" and column.name == "status":
                values = [STATUS_JA[v] for v in values]
            present = [v for v in values if v is not None]
            if column.required:
                assert len(present) == len(values), (name, column.name)
            if column.choices:
                assert set(present) <= set(column.choices), (name, column.name)
            if column.is_numeric and present:
                numbers = [float(v) for v in present]
                if column.minimum is not None:
                    assert min(numbers) >= column.minimum, (name, column.name)
                if column.maximum is not None:
                    assert max(numbers) <= column.maximum, (name, column.name)
        if not spec.replace_whole_group:
            keys = [tuple(r[k] for k in spec.key) for r in rows]
            assert len(keys) == len(set(keys)), f"duplicate key in {name}"


def test_each_order_is_one_customer_time_and_status(shop):
    per_order = defaultdict(set)
    for o in shop["orders"]:
        per_order[o["order_id"]].add((o["customer_id"], o["ordered_at"], o["status"], o["channel"]))
    assert all(len(v) == 1 for v in per_order.values())


# --- referential and temporal consistency ----------------------------------------------------------


def test_every_reference_points_to_an_existing_row_of_the_same_customer(shop):
    customers = {c["customer_id"] for c in shop["customers"]}
    products = {p["product_id"] for p in shop["products"]}
    owner = {s["subscription_id"]: s["customer_id"] for s in shop["subscriptions"]}
    assert {o["customer_id"] for o in shop["orders"]} <= customers
    assert {o["product_id"] for o in shop["orders"]} <= products
    assert set(owner.values()) <= customers
    assert {s["product_id"] for s in shop["subscriptions"]} <= products
    for o in shop["orders"]:
        if o["subscription_id"]:
            assert owner[o["subscription_id"]] == o["customer_id"]
    assert {e["subscription_id"] for e in shop["subscription_events"]} <= set(owner)
    for c in shop["contacts"]:
        assert c["customer_id"] in customers
        if c["subscription_id"]:
            assert owner[c["subscription_id"]] == c["customer_id"]


def test_delivery_numbers_are_consecutive_and_in_time_order(shop, deliveries):
    subs = {s["subscription_id"]: s for s in shop["subscriptions"]}
    assert set(deliveries) == set(subs)  # every subscription has its first delivery
    for sid, by_no in deliveries.items():
        numbers = sorted(by_no)
        assert numbers == list(range(1, len(numbers) + 1)), sid
        times = [by_no[n] for n in numbers]
        assert times == sorted(times) and len(set(times)) == len(times), sid
        assert times[0] == ts(subs[sid]["started_at"])


def test_no_delivery_after_cancellation_and_nothing_after_the_end(shop, deliveries):
    end = datetime.datetime.combine(END, datetime.time(23, 59, 59))
    for s in shop["subscriptions"]:
        if s["cancelled_at"]:
            cancelled = ts(s["cancelled_at"])
            assert max(deliveries[s["subscription_id"]].values()) < cancelled
            assert cancelled <= end
        else:
            assert s["cancel_reason"] is None
    for table, column in [("orders", "ordered_at"), ("subscription_events", "occurred_at"),
                          ("contacts", "contacted_at"), ("subscriptions", "started_at")]:
        assert max(ts(r[column]) for r in shop[table]) <= end


def test_customers_are_created_no_later_than_their_first_order(shop):
    first = {}
    for o in shop["orders"]:
        t = ts(o["ordered_at"])
        first[o["customer_id"]] = min(first.get(o["customer_id"], t), t)
    customers = shop["customers"]
    assert set(first) == {c["customer_id"] for c in customers}  # everyone bought something
    assert all(ts(c["created_at"]) <= first[c["customer_id"]] for c in customers)


def test_cancel_events_match_cancelled_subscriptions(shop):
    cancelled = {s["subscription_id"]: s["cancelled_at"] for s in shop["subscriptions"] if s["cancelled_at"]}
    events = {e["subscription_id"]: e["occurred_at"] for e in shop["subscription_events"] if e["kind"] == "cancel"}
    assert events == cancelled


def test_upsold_subscriptions_are_on_the_prepay_plan_with_three_units(shop):
    subs = {s["subscription_id"]: s for s in shop["subscriptions"]}
    events = shop["subscription_events"]
    changed = {e["subscription_id"]: ts(e["occurred_at"]) for e in events if e["kind"] == "plan_change"}
    assert changed
    for sid in changed:
        assert subs[sid]["plan"] == "3month_prepay" and subs[sid]["cycle_days"] == "90"
    later = [
        o for o in shop["orders"]
        if o["subscription_id"] in changed and ts(o["ordered_at"]) > changed[o["subscription_id"]]
        and o["product_id"] == subs[o["subscription_id"]]["product_id"]
    ]
    assert later and all(o["quantity"] == "3" for o in later)
    assert {s["plan"] for s in shop["subscriptions"]} == {"monthly", "3month_prepay"}


# --- realism ---------------------------------------------------------------------------------------


def retention(shop, deliveries, up_to: int) -> list[float]:
    """Product-limit retention by delivery (SPEC §3) from completed subscription lines."""
    reached = defaultdict(int)
    for o in shop["orders"]:
        if o["subscription_id"] and o["status"] == "完了":
            reached[o["subscription_id"]] = max(reached[o["subscription_id"]], int(o["delivery_no"]))
    cancelled = {s["subscription_id"] for s in shop["subscriptions"] if s["cancelled_at"]}
    subs = [(reached.get(s, 1), s in cancelled) for s in deliveries]
    r = [1.0]
    for n in range(2, up_to + 1):
        at_risk = [x for x in subs if x[0] >= n - 1 and (x[0] >= n or x[1])]
        r.append(r[-1] * sum(x[0] >= n for x in at_risk) / len(at_risk))
    return r


def test_retention_falls_steeply_then_flattens(shop, deliveries):
    r = retention(shop, deliveries, 12)
    assert all(a >= b for a, b in zip(r, r[1:]))
    assert 0.60 <= r[1] <= 0.82  # r(2)
    assert 0.32 <= r[4] <= 0.52  # r(5)
    assert 0.12 <= r[11] <= 0.32  # r(12)
    hazard = [1 - later / earlier for earlier, later in zip(r, r[1:])]  # hazard[0]: lost between 1 and 2
    assert (hazard[0] + hazard[1]) / 2 > 2 * sum(hazard[8:11]) / 3  # heterogeneous churn: hazard falls


def test_channels_differ_in_trial_to_subscription_conversion(shop):
    trial_products = {p["product_id"] for p in shop["products"] if p["category"] == "trial"}
    first = {}
    for o in sorted(shop["orders"], key=lambda o: (ts(o["ordered_at"]), o["order_id"])):
        first.setdefault(o["customer_id"], o)
    subscribers = {s["customer_id"] for s in shop["subscriptions"]}
    by_channel = defaultdict(list)
    for cust, o in first.items():
        if o["product_id"] in trial_products:
            by_channel[o["channel"]].append(cust in subscribers)
    rate = {ch: sum(v) / len(v) for ch, v in by_channel.items()}
    assert len(rate) == 6
    assert rate["アフィリエイト"] < rate["自然流入"]
    assert max(rate.values()) - min(rate.values()) >= 0.12
    assert all(0.15 <= v <= 0.60 for v in rate.values())


@pytest.mark.parametrize(("kind", "factor"), [("skip", 3.0), ("cycle_change", 2.0)])
def test_early_signs_are_more_frequent_in_the_60_days_before_a_cancellation(shop, kind, factor):
    """Events per subscription-day: in the 60 days before a cancellation vs all other subscribed days."""
    end = datetime.datetime.combine(END, datetime.time(23, 59, 59))
    subs = {s["subscription_id"]: s for s in shop["subscriptions"]}
    window = datetime.timedelta(days=60)
    near_days = other_days = 0.0
    for s in subs.values():
        start = ts(s["started_at"])
        stop = ts(s["cancelled_at"]) if s["cancelled_at"] else end
        near_start = max(start, stop - window) if s["cancelled_at"] else stop
        near_days += (stop - near_start).days
        other_days += (near_start - start).days
    near_events = other_events = 0
    for e in shop["subscription_events"]:
        if e["kind"] == kind:
            cancelled = subs[e["subscription_id"]]["cancelled_at"]
            near = cancelled is not None and ts(cancelled) - window <= ts(e["occurred_at"])
            near_events += near
            other_events += not near
    assert other_events > 0
    assert near_events / near_days > factor * other_events / other_days


def test_events_fall_within_the_life_of_their_subscription(shop):
    end = datetime.datetime.combine(END, datetime.time(23, 59, 59))
    subs = {s["subscription_id"]: s for s in shop["subscriptions"]}
    for e in shop["subscription_events"]:
        s = subs[e["subscription_id"]]
        stop = ts(s["cancelled_at"]) if s["cancelled_at"] else end
        assert ts(s["started_at"]) < ts(e["occurred_at"]) <= stop, e


def test_cancel_reasons_are_japanese_categories_and_free_text(shop):
    reasons = Counter(s["cancel_reason"] for s in shop["subscriptions"] if s["cancelled_at"])
    assert REASON_CATEGORIES <= set(reasons)
    free_text = sum(n for r, n in reasons.items() if r and r not in REASON_CATEGORIES)
    assert 0.2 < free_text / sum(reasons.values()) < 0.6
    assert 0 < reasons[None] / sum(reasons.values()) < 0.15  # some cancellations give no reason


def test_cross_sell_is_likelier_at_the_first_delivery(shop):
    subs = {s["subscription_id"]: s for s in shop["subscriptions"]}
    lines = defaultdict(list)
    for o in shop["orders"]:
        lines[o["order_id"]].append(o)
    with_extra = defaultdict(list)
    for order in lines.values():
        delivery = [o for o in order if o["subscription_id"]]
        if delivery:
            with_extra[min(int(delivery[0]["delivery_no"]), 4)].append(len(order) > 1)
    share = {n: sum(v) / len(v) for n, v in with_extra.items()}
    assert share[1] > 2 * share[4]
    assert subs  # the shop has subscriptions at all


def test_call_center_rates_are_realistic(shop):
    by_purpose = defaultdict(Counter)
    for c in shop["contacts"]:
        by_purpose[c["purpose"]][c["outcome"]] += 1
        assert c["cost"] == "300"
    cancel = by_purpose["cancel_request"]
    assert 0.08 <= cancel["saved"] / (cancel["saved"] + cancel["cancelled"]) <= 0.22
    upsell, cross = by_purpose["upsell"], by_purpose["cross_sell"]
    assert 0.12 <= upsell["accepted"] / sum(upsell.values()) <= 0.28
    assert 0.05 <= cross["accepted"] / sum(cross.values()) <= 0.18
    assert {"followup", "downsell", "winback"} <= set(by_purpose)
    contact_ids = [c["contact_id"] for c in shop["contacts"]]
    assert len(set(contact_ids)) == len(contact_ids)


def test_accepted_offers_leave_their_trace_within_the_hour(shop):
    """followup -> an order; cross_sell -> an order with a cross-sell product; upsell -> plan change;
    downsell -> cycle change; winback -> a new subscription."""
    hour = datetime.timedelta(hours=1)
    cross_sell = {p["product_id"] for p in shop["products"] if p["category"] == "cross_sell"}
    orders, cross_orders = defaultdict(list), defaultdict(list)
    for o in shop["orders"]:
        orders[o["customer_id"]].append(ts(o["ordered_at"]))
        if o["product_id"] in cross_sell:
            cross_orders[o["customer_id"]].append(ts(o["ordered_at"]))
    events = defaultdict(list)
    for e in shop["subscription_events"]:
        events[(e["subscription_id"], e["kind"])].append(ts(e["occurred_at"]))
    starts = defaultdict(list)
    for s in shop["subscriptions"]:
        starts[s["customer_id"]].append(ts(s["started_at"]))
    traces = {
        "followup": lambda c: orders[c["customer_id"]],
        "cross_sell": lambda c: cross_orders[c["customer_id"]],
        "upsell": lambda c: events[(c["subscription_id"], "plan_change")],
        "downsell": lambda c: events[(c["subscription_id"], "cycle_change")],
        "winback": lambda c: starts[c["customer_id"]],
    }
    checked = Counter()
    for c in shop["contacts"]:
        if c["outcome"] == "accepted":
            when = ts(c["contacted_at"])
            assert any(when <= t <= when + hour for t in traces[c["purpose"]](c)), c
            checked[c["purpose"]] += 1
    assert set(checked) == set(traces)


def test_saved_subscriptions_continue_after_the_save(shop, deliveries):
    saves = [(c["subscription_id"], ts(c["contacted_at"])) for c in shop["contacts"] if c["outcome"] == "saved"]
    assert saves
    subs = {s["subscription_id"]: s for s in shop["subscriptions"]}
    for sid, when in saves:
        s = subs[sid]
        assert s["cancelled_at"] is None or ts(s["cancelled_at"]) > when


def test_size_and_mix_of_the_shop(shop):
    customers = len(shop["customers"])
    assert 4 * customers <= len(shop["orders"]) <= 8 * customers
    categories = {p["product_id"]: p["category"] for p in shop["products"]}
    assert set(categories.values()) == {"trial", "main", "cross_sell"}
    cancelled = sum(o["status"] != "完了" for o in shop["orders"]) / len(shop["orders"])
    assert 0.01 <= cancelled <= 0.06
    assert 0.3 <= len(shop["subscriptions"]) / customers <= 0.8


def test_default_shop_has_realistic_size_and_is_quick(tmp_path):
    started = time.perf_counter()
    paths = generate(tmp_path)
    elapsed = time.perf_counter() - started
    lines = pacsv.read_csv(paths["orders"], read_options=pacsv.ReadOptions(encoding="cp932")).num_rows
    customers = pacsv.read_csv(paths["customers"]).num_rows
    assert customers == 20_000
    assert 100_000 <= lines <= 250_000
    assert elapsed < 20  # about 2-3 s on a laptop; generous for slow CI machines


# --- personal data ---------------------------------------------------------------------------------


def test_personal_data_is_obviously_fake(shop):
    customers = shop["customers"]
    assert all(c["email"].endswith(("@example.com", "@example.jp")) for c in customers)
    assert all(re.fullmatch(r"000-\d{4}-\d{4}", c["phone"]) for c in customers)
    assert len({c["email"] for c in customers}) == len(customers)
    assert all(c["name"] and "　" in c["name"] for c in customers)
    prefectures = Counter(c["prefecture"] for c in customers)
    assert prefectures.most_common(1)[0][0] == "東京都" and len(prefectures) <= 47


# --- small and odd shops ---------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    customers=st.integers(1, 150),
    seed=st.integers(0, 2**32 - 1),
    months=st.integers(1, 30),
    end=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)),
)
def test_any_small_shop_is_consistent(tmp_path_factory, customers, seed, months, end):
    paths = generate(tmp_path_factory.mktemp("tiny"), customers=customers, seed=seed, end=end, months=months)
    shop = load_shop(paths)
    assert len(shop["customers"]) == customers
    last = datetime.datetime.combine(end, datetime.time(23, 59, 59))
    assert all(ts(o["ordered_at"]) <= last for o in shop["orders"])
    assert {o["customer_id"] for o in shop["orders"]} == {c["customer_id"] for c in shop["customers"]}
    numbers = defaultdict(set)
    for o in shop["orders"]:
        if o["subscription_id"]:
            numbers[o["subscription_id"]].add(int(o["delivery_no"]))
    assert all(v == set(range(1, len(v) + 1)) for v in numbers.values())
    assert set(numbers) == {s["subscription_id"] for s in shop["subscriptions"]}
