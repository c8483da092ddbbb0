"""Benchmark: import a 10M-line UTF-8 orders CSV into a fresh store.

    python benchmarks/import_orders.py [--lines 10000000] [--runs 3] [--reimport]

Each run is a separate process (``teiki import`` into a new database file), so
peak RSS is that process's own. Prints every run and the median lines/s.
``--reimport`` also times importing the same file again into the filled store
(the idempotent path: every order compared, nothing written).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_orders_csv import write  # noqa: E402


def timed_import(csv: Path, db: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in GiB) of one `teiki import` process (``env``: its environment, e.g. PYTHONPATH)."""
    cmd = [sys.executable, "-m", "teiki.cli", "--db", str(db), "--quiet", "import", str(csv)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed: {' '.join(cmd)}")
    return seconds, usage.ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reimport", action="store_true")
    args = parser.parse_args()
    csv = HERE / "data" / f"orders_{args.lines}.csv"
    if not csv.exists():
        print(f"writing {csv} ...", flush=True)
        write(csv, args.lines)
    print(f"file: {csv.name}, {csv.stat().st_size / 1024**2:.0f} MiB, {args.lines:,} lines")
    rates, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            db = Path(tmp) / f"run{run}.duckdb"
            seconds, peak = timed_import(csv, db)
            rates.append(args.lines / seconds)
            peaks.append(peak)
            print(f"run {run + 1}: {seconds:.1f} s, {args.lines / seconds:,.0f} lines/s, peak RSS {peak:.2f} GiB")
            if args.reimport:
                seconds, peak = timed_import(csv, db)
                print(f"  re-import (nothing changes): {seconds:.1f} s, peak RSS {peak:.2f} GiB")
    print(f"median: {statistics.median(rates):,.0f} lines/s; max peak RSS {max(peaks):.2f} GiB")


if __name__ == "__main__":
    main()
