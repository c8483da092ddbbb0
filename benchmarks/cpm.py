"""Benchmark: `teiki cpm` on the 1M-customer / ~10M-line shop of benchmarks/kpi.py.

    .venv/bin/python benchmarks/cpm.py [--customers 1000000] [--runs 5]

Uses (and if needed builds) the same shop and database as benchmarks/kpi.py,
then times, each as a fresh process (Python start-up included), ``--runs``
times:

- ``teiki cpm --format json`` (the portfolio as of the last order date; target ≤ 2 s);
- ``teiki cpm --history FROM TO --format json`` over 24 month-ends (target ≤ 15 s);
- once each: ``--thresholds auto``, ``--migration`` over six months, ``--rfm``, a past as-of date, and
  ``segment list loyal --out list.csv``.

Prints each run, the median and the peak memory (largest process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
from pathlib import Path

from kpi import DATA, ensure_db, ensure_shop, machine, run


def months_before(day: dt.date, months: int) -> dt.date:
    k = day.year * 12 + day.month - 1 - months
    return dt.date(k // 12, k % 12 + 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    db = ensure_db(args.customers, ensure_shop(args.customers))
    base = [sys.executable, "-m", "teiki.cli", "--db", str(db)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        run([*base, "cpm", "--format", "json"], out)  # warm the file cache (and upgrade an older file)
        portfolio = json.loads(out.read_text())
        last = dt.date.fromisoformat(portfolio["as_of"])
        start = months_before(last, 23)
        cases = [
            ("portfolio", ["cpm", "--format", "json"], args.runs),
            ("history 24 months", ["cpm", "--history", start.isoformat(), last.isoformat(), "--format", "json"],
             args.runs),
            ("thresholds auto", ["cpm", "--thresholds", "auto", "--format", "json"], 1),
            ("migration 6 months", ["cpm", "--migration", months_before(last, 6).isoformat(), last.isoformat(),
                                    "--format", "json"], 1),
            ("rfm", ["cpm", "--rfm", "--format", "json"], 1),
            ("portfolio, past date", ["cpm", "--as-of", months_before(last, 12).isoformat(), "--format", "json"], 1),
            ("segment list loyal", ["segment", "list", "loyal", "--out", str(Path(tmp) / "list.csv")], 1),
        ]
        for name, cmd, runs in cases:
            times, peaks = [], []
            for i in range(runs):
                seconds, peak, _ = run([*base, *cmd], out)
                times.append(seconds)
                peaks.append(peak)
                print(f"  {name} run {i + 1}: {seconds:.2f} s, peak RSS {peak:.2f} GiB", flush=True)
            rows.append((name, times, max(peaks)))
    print(f"\nshop: {args.customers:,} customers, portfolio as of {portfolio['as_of']}: "
          f"{portfolio['customers']:,} customers with a purchase")
    print(f"machine: {machine()}")
    print(f"{'case':24} {'runs':>4} {'median s':>9} {'min s':>7} {'max s':>7} {'peak RSS':>9}")
    for name, times, peak in rows:
        print(f"{name:24} {len(times):>4} {statistics.median(times):>9.2f} {min(times):>7.2f} {max(times):>7.2f} "
              f"{peak:>5.2f} GiB")


if __name__ == "__main__":
    main()
