"""定期継続率 under staggered entry (issue 17, item 1): a growing shop whose subscriptions drop out with a known
hazard per delivery, simulated here, must be told its true retention — not one read low because its young
subscriptions' early cancellations are counted while their active neighbours are not.

The shop: sign-ups grow 15 % a month for two years; every subscription is delivered every 30 days; after each
delivery it cancels with probability p_k (at a moment uniform in the 30 days that follow), else it gets the
next delivery. The as-of day cuts every young subscription mid-interval. Truth: r(n) = Π_{k=2..n} (1 − p_k).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import teiki

START = dt.datetime(2023, 1, 1, 9)
AS_OF = dt.date(2025, 1, 1)
CYCLE = 30


def simulate(folder, drop, seed: int, first_month: int = 60, months: int = 24):
    """Write orders.csv and subscriptions.csv of the simulated shop; ``drop(k)`` = P(cancel before delivery k)."""
    rng = np.random.default_rng(seed)
    cutoff = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time())  # what the shop knows on AS_OF
    orders, subs = [], []
    sid = 0
    for month in range(months):
        for _ in range(round(first_month * 1.15 ** month)):
            sid += 1
            start = START + dt.timedelta(days=30.4 * month + rng.uniform(0, 30))
            at, k, cancelled = start, 1, None
            while at < cutoff:
                orders.append((f"O{sid}-{k}", f"C{sid}", at, "MAIN", 4000.0, f"S{sid}", k))
                if rng.random() < drop(k + 1):
                    cancelled = at + dt.timedelta(days=rng.uniform(0.5, CYCLE - 0.5))
                    break
                at, k = at + dt.timedelta(days=CYCLE), k + 1
            subs.append((f"S{sid}", f"C{sid}", "MAIN", start, cancelled if cancelled and cancelled < cutoff else None,
                         CYCLE))
    order_cols = ["order_id", "customer_id", "ordered_at", "product_id", "amount", "subscription_id", "delivery_no"]
    sub_cols = ["subscription_id", "customer_id", "product_id", "started_at", "cancelled_at", "cycle_days"]
    for name, cols, rows in (("orders", order_cols, orders), ("subscriptions", sub_cols, subs)):
        table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})
        pacsv.write_csv(table, folder / f"{name}.csv")
    return [folder / "orders.csv", folder / "subscriptions.csv"]


def truth(drop, n: int) -> float:
    return math.prod(1 - drop(k) for k in range(2, n + 1))


def constant(k: int) -> float:
    return 0.25


def falling(k: int) -> float:
    """High early drop-out that eases with each delivery (0.40, 0.34, 0.29 … → 0.1)."""
    return 0.1 + 0.3 * 0.85 ** (k - 2)


@pytest.fixture(scope="module", params=[("constant", constant, 1), ("falling", falling, 2)], ids=lambda p: p[0])
def simulated(request, tmp_path_factory):
    _, drop, seed = request.param
    folder = tmp_path_factory.mktemp(request.param[0])
    with teiki.open(folder / "shop.duckdb") as shop:
        shop.import_files(simulate(folder, drop, seed))
        whole = shop.kpis(as_of=AS_OF)
        cohorts = shop.retention_curves(by="cohort", as_of=AS_OF, max_delivery=12, output="pyarrow").to_pylist()
    return drop, whole, cohorts


def test_the_whole_shop_retention_is_the_true_curve(simulated):
    drop, whole, _ = simulated
    for n in range(2, 13):
        assert whole.retention_by_delivery[str(n)] == pytest.approx(truth(drop, n), abs=0.01), n
        assert whole.retention_at_risk[str(n)] > 0


def test_every_cohort_lies_within_three_standard_errors(simulated):
    """Greenwood's standard error from each cohort's own life table; a step nobody reached is null."""
    drop, _, rows = simulated
    by_cohort: dict[str, list[dict]] = {}
    for row in rows:
        by_cohort.setdefault(row["cohort"], []).append(row)
    checked = 0
    for steps in by_cohort.values():
        variance = 0.0
        for row in sorted(steps, key=lambda r: r["delivery"]):
            n, d = row["at_risk"], row["dropped"]
            if not n:
                assert row["r"] is None
                break
            if n == d:
                break
            variance += d / (n * (n - d))
            r, expected = row["r"], truth(drop, row["delivery"])
            se = max(r * math.sqrt(variance), 1 / n)  # a step without drop-outs yet still has sampling error
            assert abs(r - expected) <= 3 * se, (row, expected, se)
            checked += 1
    assert checked > 100
