"""Re-importing changes nothing; a corrected record replaces the stored one by key (SPEC §8).

Orders are replaced a whole order at a time: a correction that arrives with fewer
lines, other amounts or another status replaces every stored line of that order_id.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from conftest import ORDER_HEADER, SEED, order_line, rows, snapshot, write_csv
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import teiki
from teiki.store.schema import STATUSES, TABLES

T = dt.datetime


def _counts(result) -> dict[str, tuple[int, int, int]]:
    return {t.table: (t.counts.inserted, t.counts.replaced, t.counts.unchanged) for t in result.tables}


def _seed_files(folder: Path) -> list[Path]:
    return [write_csv(folder / name, header, body) for name, (header, body) in SEED.items()]


def test_importing_twice_changes_nothing(shop, tmp_path):
    files = _seed_files(tmp_path)
    first = shop.import_files(files)
    stored = snapshot(shop)
    second = shop.import_files(files)
    again = snapshot(shop)

    log = again.pop("teiki_imports")
    stored.pop("teiki_imports")
    assert again == stored
    # orders count whole orders (O1 has two lines); other tables count records
    expected = {"products": 2, "customers": 2, "subscriptions": 1, "subscription_events": 1, "orders": 2,
                "contacts": 1}
    assert _counts(first) == {t: (n, 0, 0) for t, n in expected.items()}
    assert _counts(second) == {t: (0, 0, n) for t, n in expected.items()}
    assert all(t.counts.lines_written == 0 for t in second.tables)
    assert {t.table: t.rows_read for t in second.tables} == {
        "products": 2, "customers": 2, "subscriptions": 1, "subscription_events": 1, "orders": 3, "contacts": 1}

    assert len(log) == 12
    by_import = {(r["import_id"], r["table_name"]): r for r in log}
    for table, n in expected.items():
        one, two = by_import[(1, table)], by_import[(2, table)]
        assert json.loads(one["files"]) == [f"{table}.csv"]
        assert (one["inserted"], one["replaced"], one["unchanged"]) == (n, 0, 0)
        assert (two["inserted"], two["replaced"], two["unchanged"]) == (0, 0, n)
        assert one["rows_read"] == two["rows_read"] == len(SEED[f"{table}.csv"][1])
        assert one["teiki_version"] == teiki.__version__
        assert one["started_at"] <= one["finished_at"] <= two["started_at"] <= two["finished_at"]


def test_a_corrected_order_replaces_all_its_lines(shop, tmp_path):
    first = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        ["O1", "C1", "2024-01-05 10:00:00", "P1", 1, 1980, "S1", 1, "sns", "completed"],
        ["O1", "C1", "2024-01-05 10:00:00", "P2", 2, 500, None, None, "sns", "completed"],
        ["O2", "C2", "2024-01-06 11:00:00", "P1", 1, 1980, "S2", 1, "dm", "completed"],
        ["O2", "C2", "2024-01-06 11:00:00", "P3", 1, 0, None, None, "dm", "completed"],
        ["O3", "C3", "2024-01-07 12:00:00", "P1", 1, 1980, None, None, None, "completed"],
    ])
    shop.import_files([first])
    correction = write_csv(tmp_path / "orders_fix.csv", ORDER_HEADER, [
        # O1 now has one line with another amount
        ["O1", "C1", "2024-01-05 10:00:00", "P1", 1, 1500, "S1", 1, "sns", "completed"],
        # O2 was cancelled: the same lines with another status
        ["O2", "C2", "2024-01-06 11:00:00", "P1", 1, 1980, "S2", 1, "dm", "cancelled"],
        ["O2", "C2", "2024-01-06 11:00:00", "P3", 1, 0, None, None, "dm", "cancelled"],
        # O4 is new; O3 is not in this file and stays as it was
        ["O4", "C1", "2024-02-05 10:00:00", "P1", 1, 1980, "S1", 2, "sns", "completed"],
    ])
    result = shop.import_files([correction])

    assert _counts(result) == {"orders": (1, 2, 0)}
    assert result.tables[0].counts.lines_written == 4
    assert rows(shop, "orders") == [
        order_line("O1", "C1", T(2024, 1, 5, 10), "P1", 1, 1500, "S1", 1, "sns"),
        order_line("O2", "C2", T(2024, 1, 6, 11), "P1", 1, 1980, "S2", 1, "dm", "cancelled"),
        order_line("O2", "C2", T(2024, 1, 6, 11), "P3", 1, 0, None, None, "dm", "cancelled"),
        order_line("O3", "C3", T(2024, 1, 7, 12), "P1", 1, 1980),
        order_line("O4", "C1", T(2024, 2, 5, 10), "P1", 1, 1980, "S1", 2, "sns"),
    ]
    # and the correction itself is now what is stored: sending it again changes nothing
    assert _counts(shop.import_files([correction])) == {"orders": (0, 0, 3)}


def test_an_order_with_its_lines_in_another_order_is_unchanged(shop, tmp_path):
    header = ["order_id", "customer_id", "ordered_at", "product_id", "amount"]
    a = write_csv(tmp_path / "a.csv", header, [["O1", "C1", "2024-01-05", "P1", 1], ["O1", "C1", "2024-01-05", "P2", 2]])
    b = write_csv(tmp_path / "b.csv", header, [["O1", "C1", "2024-01-05", "P2", 2.0], ["O1", "C1", "2024-01-05", "P1", 1]])
    c = write_csv(tmp_path / "c.csv", header, [["O1", "C1", "2024-01-05", "P2", 2], ["O1", "C1", "2024-01-05", "P1", 1],
                                               ["O1", "C1", "2024-01-05", "P1", 1]])  # one line more
    shop.import_files([a], table="orders")
    assert _counts(shop.import_files([b], table="orders")) == {"orders": (0, 0, 1)}
    assert _counts(shop.import_files([c], table="orders")) == {"orders": (0, 1, 0)}
    assert [(r["product_id"], r["amount"]) for r in rows(shop, "orders")] == [("P1", 1.0), ("P1", 1.0), ("P2", 2.0)]


KEYED = {
    # table: (header, first import, second import, stored afterwards); in each, one record changes,
    # one stays, one is new and one is absent from the second file (and kept)
    "customers": (
        ["customer_id", "created_at", "name", "email", "prefecture"],
        [["C1", "2024-01-01", "山田", "old@example.jp", "東京都"], ["C2", "2024-01-02", "佐藤", None, "大阪府"],
         ["C4", "2024-01-04", "鈴木", None, None]],
        [["C1", "2024-01-01", "山田", "new@example.jp", "東京都"], ["C2", "2024-01-02", "佐藤", None, "大阪府"],
         ["C3", "2024-01-03", "田中", None, "北海道"]],
        [{"customer_id": "C1", "created_at": T(2024, 1, 1), "name": "山田", "phone": None, "email": "new@example.jp",
          "prefecture": "東京都", "first_channel": None},
         {"customer_id": "C2", "created_at": T(2024, 1, 2), "name": "佐藤", "phone": None, "email": None,
          "prefecture": "大阪府", "first_channel": None},
         {"customer_id": "C3", "created_at": T(2024, 1, 3), "name": "田中", "phone": None, "email": None,
          "prefecture": "北海道", "first_channel": None},
         {"customer_id": "C4", "created_at": T(2024, 1, 4), "name": "鈴木", "phone": None, "email": None,
          "prefecture": None, "first_channel": None}],
    ),
    "products": (
        ["product_id", "name", "category", "unit_price", "gross_margin"],
        [["P1", "美容液", "main", 1980, 0.8], ["P2", "お試し", "trial", 500, 0.2], ["P4", "旧品", "other", 100, 0.5]],
        [["P1", "美容液", "main", 2180, 0.8], ["P2", "お試し", "trial", 500, 0.2], ["P3", "石鹸", "cross_sell", 800, 0.6]],
        [{"product_id": "P1", "name": "美容液", "category": "main", "unit_price": 2180.0, "days_supply": None,
          "gross_margin": 0.8},
         {"product_id": "P2", "name": "お試し", "category": "trial", "unit_price": 500.0, "days_supply": None,
          "gross_margin": 0.2},
         {"product_id": "P3", "name": "石鹸", "category": "cross_sell", "unit_price": 800.0, "days_supply": None,
          "gross_margin": 0.6},
         {"product_id": "P4", "name": "旧品", "category": "other", "unit_price": 100.0, "days_supply": None,
          "gross_margin": 0.5}],
    ),
    "subscriptions": (
        ["subscription_id", "customer_id", "started_at", "cancelled_at", "cancel_reason", "cycle_days"],
        [["S1", "C1", "2024-01-05", None, None, 30], ["S2", "C2", "2024-01-06", None, None, 60],
         ["S4", "C4", "2024-01-08", None, None, 30]],
        [["S1", "C1", "2024-01-05", "2024-04-05", "余っている", 30], ["S2", "C2", "2024-01-06", None, None, 60],
         ["S3", "C3", "2024-01-07", None, None, None]],
        [{"subscription_id": "S1", "customer_id": "C1", "product_id": None, "started_at": T(2024, 1, 5),
          "cancelled_at": T(2024, 4, 5), "cancel_reason": "余っている", "cycle_days": 30, "plan": None,
          "paused_until": None},
         {"subscription_id": "S2", "customer_id": "C2", "product_id": None, "started_at": T(2024, 1, 6),
          "cancelled_at": None, "cancel_reason": None, "cycle_days": 60, "plan": None, "paused_until": None},
         {"subscription_id": "S3", "customer_id": "C3", "product_id": None, "started_at": T(2024, 1, 7),
          "cancelled_at": None, "cancel_reason": None, "cycle_days": 30, "plan": None, "paused_until": None},
         {"subscription_id": "S4", "customer_id": "C4", "product_id": None, "started_at": T(2024, 1, 8),
          "cancelled_at": None, "cancel_reason": None, "cycle_days": 30, "plan": None, "paused_until": None}],
    ),
    "subscription_events": (
        # the key is (subscription_id, occurred_at, kind): the same moment with another kind is another record
        ["subscription_id", "occurred_at", "kind", "detail"],
        [["S1", "2024-02-01 09:00", "skip", None], ["S1", "2024-03-01 09:00", "skip", None],
         ["S2", "2024-02-01 09:00", "pause", None]],
        [["S1", "2024-02-01 09:00", "skip", "電話で依頼"], ["S1", "2024-03-01 09:00", "skip", None],
         ["S1", "2024-02-01 09:00", "cycle_change", "45"]],
        [{"subscription_id": "S1", "occurred_at": T(2024, 2, 1, 9), "kind": "cycle_change", "detail": "45"},
         {"subscription_id": "S1", "occurred_at": T(2024, 2, 1, 9), "kind": "skip", "detail": "電話で依頼"},
         {"subscription_id": "S1", "occurred_at": T(2024, 3, 1, 9), "kind": "skip", "detail": None},
         {"subscription_id": "S2", "occurred_at": T(2024, 2, 1, 9), "kind": "pause", "detail": None}],
    ),
    "contacts": (
        ["contact_id", "customer_id", "contacted_at", "purpose", "outcome", "cost"],
        [["K1", "C1", "2024-02-10 15:00", "cancel_request", None, 300], ["K2", "C2", "2024-02-11 10:00", "upsell",
                                                                         "declined", 300],
         ["K4", "C4", "2024-02-12 10:00", "winback", "no_answer", 0]],
        [["K1", "C1", "2024-02-10 15:00", "cancel_request", "saved", 300], ["K2", "C2", "2024-02-11 10:00", "upsell",
                                                                            "declined", 300],
         ["K3", "C3", "2024-02-13 10:00", "followup", "accepted", 150]],
        [{"contact_id": "K1", "customer_id": "C1", "contacted_at": T(2024, 2, 10, 15), "purpose": "cancel_request",
          "outcome": "saved", "cost": 300.0, "subscription_id": None},
         {"contact_id": "K2", "customer_id": "C2", "contacted_at": T(2024, 2, 11, 10), "purpose": "upsell",
          "outcome": "declined", "cost": 300.0, "subscription_id": None},
         {"contact_id": "K3", "customer_id": "C3", "contacted_at": T(2024, 2, 13, 10), "purpose": "followup",
          "outcome": "accepted", "cost": 150.0, "subscription_id": None},
         {"contact_id": "K4", "customer_id": "C4", "contacted_at": T(2024, 2, 12, 10), "purpose": "winback",
          "outcome": "no_answer", "cost": 0.0, "subscription_id": None}],
    ),
}


def test_keyed_tables_upsert(shop, tmp_path):
    firsts = [write_csv(tmp_path / f"{t}.csv", header, first) for t, (header, first, _, _) in KEYED.items()]
    seconds = [write_csv(tmp_path / f"{t}_2.csv", header, second) for t, (header, _, second, _) in KEYED.items()]
    shop.import_files(firsts)
    result = shop.import_files(seconds)

    assert _counts(result) == {t: (1, 1, 1) for t in KEYED}
    assert {t.table: t.counts.lines_written for t in result.tables} == {t: 2 for t in KEYED}
    for table, (_, _, _, expected) in KEYED.items():
        assert rows(shop, table) == expected, table
    assert len(rows(shop, "teiki_imports")) == 2 * len(KEYED)


def test_an_imported_subscriptions_table_replaces_the_derived_one(shop, tmp_path):
    orders = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        ["O1", "C1", "2024-01-05", "P1", 1, 1980, "S1", 1, None, None]])
    result = shop.import_files([orders])
    assert result.derived_subscriptions == 1
    header, first, _, _ = KEYED["subscriptions"]
    result = shop.import_files([write_csv(tmp_path / "subscriptions.csv", header, first)])
    assert result.derived_subscriptions is None
    assert sorted(r["subscription_id"] for r in shop.subscriptions.to_pyarrow().to_pylist()) == ["S1", "S2", "S4"]


# --------------------------------------------------------------------------- property: a reference model

ORDER_IDS = [f"O{i}" for i in range(6)]
line_strategy = st.tuples(st.sampled_from(["P1", "P2", "P3"]), st.integers(1, 3),
                          st.sampled_from([0.0, 500.0, 1980.0, 1980.5]), st.sampled_from(STATUSES),
                          st.sampled_from([None, "S1"]))
order_strategy = st.tuples(st.sampled_from(["C1", "C2"]), st.integers(0, 2),
                           st.lists(line_strategy, min_size=1, max_size=3))
CHANGES = ["same", "status", "amount", "drop", "extra", "customer", "day", "new"]


@st.composite
def batch_sequences(draw) -> list[dict]:
    """1-3 batches of orders; an order sent again is mostly a near copy of its last version (the same,
    or one thing changed: a status, an amount, a line dropped or added, the customer, the day)."""
    latest: dict[str, tuple] = {}
    batches = []
    for _ in range(draw(st.integers(1, 3))):
        batch = {}
        for order_id in draw(st.lists(st.sampled_from(ORDER_IDS), min_size=1, max_size=4, unique=True)):
            change = draw(st.sampled_from(CHANGES)) if order_id in latest else "new"
            if change == "new":
                value = draw(order_strategy)
            else:
                customer, day, lines = latest[order_id]
                lines = list(lines)
                i = draw(st.integers(0, len(lines) - 1))
                if change == "status":
                    status = draw(st.sampled_from(STATUSES))
                    lines = [(p, q, a, status, sub) for p, q, a, _, sub in lines]
                elif change == "amount":
                    p, q, _, s, sub = lines[i]
                    lines[i] = (p, q, draw(st.sampled_from([0.0, 500.0, 1980.0, 1980.5, 2000.0])), s, sub)
                elif change == "drop" and len(lines) > 1:
                    del lines[i]
                elif change == "extra":
                    lines.append(draw(st.one_of(st.just(lines[i]), line_strategy)))  # maybe a repeated line
                elif change == "customer":
                    customer = "C2" if customer == "C1" else "C1"
                elif change == "day":
                    day = (day + 1) % 3
                value = (customer, day, lines)
            batch[order_id] = latest[order_id] = value
        batches.append(batch)
    return batches


def _line_key(line: tuple) -> tuple:
    return tuple((v is None, str(v)) for v in line)


def _expand(batch: dict) -> dict[str, list[tuple]]:
    """order_id → its stored lines (sorted: an order's lines have no order)."""
    out = {}
    for order_id, (customer, day, lines) in batch.items():
        at = T(2024, 1, 1 + day, 9, 30)
        out[order_id] = sorted(
            ((order_id, customer, at, product, quantity, amount, sub, None, None, status)
             for product, quantity, amount, status, sub in lines), key=_line_key
        )
    return out


def _write_batch(path: Path, batch: dict[str, list[tuple]]) -> Path:
    body = []
    for lines in batch.values():
        for (order_id, customer, at, product, quantity, amount, sub, _, _, status) in lines:
            body.append([order_id, customer, at.strftime("%Y-%m-%d %H:%M:%S"), product, quantity, amount, sub,
                         None, None, status])
    return write_csv(path, ORDER_HEADER, body)


def _stored(shop) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for r in shop.store.table("orders").to_pyarrow().to_pylist():
        out.setdefault(r["order_id"], []).append(tuple(r[c] for c in TABLES["orders"].column_names))
    return {k: sorted(v, key=_line_key) for k, v in out.items()}


def _expected_counts(reference: dict, batch: dict) -> tuple[int, int, int]:
    inserted = sum(1 for o in batch if o not in reference)
    unchanged = sum(1 for o, lines in batch.items() if reference.get(o) == lines)
    return inserted, len(batch) - inserted - unchanged, unchanged


# no shrinking: each example costs several imports, and the examples are small enough to read as they are
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(batches=batch_sequences(), again=st.integers(0, 2))
def test_sequence_of_imports_matches_a_reference_model(batches, again):
    batches = [_expand(b) for b in batches]
    again %= len(batches)
    with tempfile.TemporaryDirectory() as folder, teiki.open(Path(folder) / "shop.duckdb") as shop:
        reference: dict[str, list[tuple]] = {}  # last import wins, a whole order at a time
        for k, batch in enumerate(batches):
            result = shop.import_files([_write_batch(Path(folder) / f"orders_{k}.csv", batch)])
            assert _counts(result) == {"orders": _expected_counts(reference, batch)}
            reference.update(batch)
            assert _stored(shop) == reference

        # the same earlier file again: unchanged wherever no later batch changed the order since
        batch = batches[again]
        untouched = {o for o in batch if all(later.get(o, batch[o]) == batch[o] for later in batches[again + 1:])}
        expected = _expected_counts(reference, batch)
        result = shop.import_files([_write_batch(Path(folder) / f"orders_{again}.csv", batch)])
        assert _counts(result) == {"orders": expected}
        assert expected[2] >= len(untouched) and expected[0] == 0
        reference.update(batch)
        assert _stored(shop) == reference
