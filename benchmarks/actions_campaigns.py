"""Benchmark: a campaign's members and holdout, its measured effect, and the call economics from data, on the
1M-customer / ~10M-line shop.

    .venv/bin/python benchmarks/actions_campaigns.py [--runs 3] [--segment first|all|…] [--days 90]

On benchmarks/data/kpi_1000000.duckdb (built by benchmarks/kpi.py), opened read-only — nothing is stored
(a file still at schema v4 is upgraded to v5 once, which adds the two empty campaign tables):

1. members: the segment's customers on D − ``--days`` (shop.segment_customers, D = the last order date) and
   the seeded holdout draw (teiki.actions.campaign_draw, 10%) — what ``teiki campaign create`` computes
   before it writes; store: writing them (teiki.store.campaigns.save) into a scratch database;
2. effect: the campaign report's engine work for those members from D − days to D
   (teiki.actions.campaign_effect.measure: per-group counts and the contacts since the start);
3. economics: ``shop.call_economics(2000, 300, None, [0.05, 0.15], from_data=True)`` as of D.

Each ``--runs`` times in one process (a fresh shop each run); prints each run, the medians (target ≤ 20 s
each) and the process's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import ibis

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from kpi import DATA, machine  # noqa: E402

import teiki  # noqa: E402
from teiki.actions import campaign_draw, campaign_effect  # noqa: E402
from teiki.segments.thresholds import DEFAULT  # noqa: E402
from teiki.store import campaigns as stored  # noqa: E402


def run(db: Path, segment: str, days: int) -> tuple[dict[str, float], dict]:
    """Seconds per step and what was computed."""
    with teiki.open(db, read_only=True) as shop:
        times = {}
        start = time.perf_counter()
        end = shop.view()
        start_day = end.as_of - dt.timedelta(days=days)
        key = None if segment == "all" else segment  # all: every customer on the start date
        found = shop.segment_customers(key, start_day, DEFAULT, contact=False, output="pyarrow")
        groups = campaign_draw.draw(found.column("customer_id"), 0.1, 7)
        times["members"] = time.perf_counter() - start
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp, teiki.open(Path(tmp) / "store.duckdb") as scratch:
            stored.save(scratch.store, {"name": "bench", "start_date": start_day, "seed": 7, "holdout_fraction": 0.1,
                                        "members": groups.num_rows}, groups)
        times["store"] = time.perf_counter() - start
        start = time.perf_counter()
        counts, contacts = campaign_effect.measure(end.source, start_day, end.as_of, ibis.memtable(groups), DEFAULT)
        rows = campaign_effect.effect_rows(counts)
        times["effect"] = time.perf_counter() - start
        start = time.perf_counter()
        economics = shop.call_economics(2000, 300, None, [0.05, 0.15], from_data=True)
        times["economics"] = time.perf_counter() - start
    f2 = rows[0]
    info = {"members": groups.num_rows, "f2": (f2["treatment_hits"], f2["treatment_base"], f2["holdout_hits"],
                                               f2["holdout_base"]),
            "contact_rows": len(contacts), "value_per_save": economics.value_per_save,
            "request_delivery": economics.assumptions["request_delivery"]}
    return times, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--segment", default="first")
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    db = DATA / f"kpi_{args.customers}.duckdb"
    if not db.exists():
        sys.exit(f"{db} is missing: build it with benchmarks/kpi.py --import-only")
    print(machine())
    runs = []
    for i in range(args.runs):
        times, info = run(db, args.segment, args.days)
        runs.append(times)
        print(f"run {i + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()) + f"  {info}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print("median " + ", ".join(f"{k} {v:.2f} s" for k, v in medians.items())
          + f" (target ≤ 20 s each); peak RSS {peak:.2f} GiB; {machine()}")


if __name__ == "__main__":
    main()
