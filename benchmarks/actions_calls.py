"""Benchmark: the run-out schedule and today's call list on the 1M-customer / ~10M-line shop.

    .venv/bin/python benchmarks/actions_calls.py [--customers 1000000] [--runs 3] [--date YYYY-MM-DD]

On the benchmark database of benchmarks/kpi.py (opened read-only), each computation runs ``--runs`` times in its
own fresh process (so that its peak memory is its own):

- ``schedule``: ``shop.runout()`` — every (customer, product) still holding the product on the day, with its
  run-out, covering subscription and call date, handed back as Arrow;
- ``calls``: ``shop.calls()`` — the day's list (schedule, exclusions, priority, reason sentences).

Prints each run's wall time, the median (target ≤ 20 s each), the rows and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ("schedule", "calls")
TARGET_SECONDS = 20.0


def worker(db: Path, kind: str, runs: int, day: str | None) -> None:
    """Run one computation ``runs`` times in this process; print one JSON line."""
    import teiki

    seconds, rows = [], 0
    with teiki.open(db, read_only=True) as shop:
        for _ in range(runs):
            start = time.perf_counter()
            compute = shop.runout if kind == "schedule" else shop.calls
            table = compute(day, output="pyarrow")
            seconds.append(time.perf_counter() - start)
            rows = table.num_rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_gib": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--date", default=None, help="the day of the list (default: the last order date)")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.db, args.worker, args.runs, args.date)
        return
    from kpi import ensure_db, ensure_shop, machine

    db = ensure_db(args.customers, ensure_shop(args.customers))
    print(machine())
    for kind in KINDS:
        command = [sys.executable, __file__, "--worker", kind, "--db", str(db), "--runs", str(args.runs)]
        if args.date:
            command += ["--date", args.date]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{kind}: failed\n{done.stderr[-3000:]}")
            continue
        got = json.loads(done.stdout.strip().splitlines()[-1])
        runs = ", ".join(f"{s:.2f}" for s in got["seconds"])
        median = statistics.median(got["seconds"])
        verdict = "ok" if median <= TARGET_SECONDS else "over target"
        print(f"{kind}: runs {runs} s; median {median:.2f} s (target ≤ {TARGET_SECONDS:.0f} s, {verdict}); "
              f"{got['rows']:,} rows; peak RSS {got['peak_gib']:.2f} GiB", flush=True)
    print(machine())


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
