"""Write a synthetic canonical orders CSV of N lines (default 10M) for import benchmarks.

    python benchmarks/make_orders_csv.py benchmarks/data/orders_10m.csv --lines 10000000

About 1 line in 3 belongs to a multi-line order; ~1M customers for 10M lines.
Generated in vectorised chunks, so memory stays flat whatever N is.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

CHUNK = 1_000_000
START = np.datetime64("2023-01-01T00:00:00", "s")
SPAN_SECONDS = 3 * 365 * 86400
PRODUCTS = np.array(["TRIAL-01", "MAIN-01", "MAIN-02", "CROSS-01", "CROSS-02", "CROSS-03"])
CHANNELS = np.array(["affiliate", "listing", "sns", "infomercial", "dm", "organic"])


def chunk_table(rng: np.random.Generator, first_line: int, n: int, customers: int) -> pa.Table:
    """One chunk of order lines; order ids advance so that ~1.5 lines share an order."""
    line = np.arange(first_line, first_line + n)
    order = line * 2 // 3
    # order-level fields are a function of the order, so all lines of an order agree
    customer = (order * 2_654_435_761) % customers
    seconds = (order * 2_246_822_519) % SPAN_SECONDS
    is_sub = rng.random(n) < 0.6
    return pa.table(
        {
            "order_id": pc.binary_join_element_wise("O", pa.array(order.astype(str)), ""),
            "customer_id": pc.binary_join_element_wise("C", pa.array(customer.astype(str)), ""),
            "ordered_at": pa.array(START + seconds.astype("timedelta64[s]")),
            "product_id": pa.array(PRODUCTS[rng.integers(0, len(PRODUCTS), n)]),
            "quantity": pa.array(rng.integers(1, 4, n)),
            "amount": pa.array(rng.integers(1, 100, n) * 100),
            "subscription_id": pa.array(np.where(is_sub, "S" + customer.astype(str), None), pa.string()),
            "delivery_no": pa.array(np.where(is_sub, rng.integers(1, 25, n), 0), mask=~is_sub),
            "channel": pa.array(CHANNELS[rng.integers(0, len(CHANNELS), n)]),
            "status": pa.array(np.where(rng.random(n) < 0.97, "completed", "cancelled")),
        }
    )


def write(path: Path, lines: int, seed: int = 1) -> Path:
    """Write ``lines`` order lines to ``path`` (UTF-8 CSV with canonical headers)."""
    rng = np.random.default_rng(seed)
    customers = max(1, lines // 10)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for start in range(0, lines, CHUNK):
            table = chunk_table(rng, start, min(CHUNK, lines - start), customers)
            if writer is None:
                writer = pacsv.CSVWriter(str(path), table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.path, args.lines, args.seed)


if __name__ == "__main__":
    main()
