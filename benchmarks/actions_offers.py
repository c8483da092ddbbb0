"""Benchmark: the offers actions' engine work on the 1M-customer / ~10M-line shop (benchmarks/kpi.py).

    .venv/bin/python benchmarks/actions_offers.py [--customers 1000000] [--runs 3] [--all]

Per run, in one process on the read-only database: the associations (bought-together pairs within 180 days
and the next product after the first order; target ≤ 20 s together) and the per-customer cross-sell
recommendations (target ≤ 20 s). With ``--all`` also the timing tables, upsell, save offers and win-back,
once. Prints each run, the medians and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

from kpi import ensure_db, ensure_shop, machine

import teiki

HERE = Path(__file__).resolve().parent


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    got = fn()
    return time.perf_counter() - start, got


def one_run(db: Path) -> dict[str, float]:
    with teiki.open(db, read_only=True) as shop:
        pairs, rules = timed(lambda: shop.associations(output="pyarrow"))
        nexts, follow = timed(lambda: shop.next_products(output="pyarrow"))
        recs, offers = timed(lambda: shop.cross_sell(output="pyarrow"))
    print(f"  pairs {pairs:.2f} s ({rules.num_rows} rules), next {nexts:.2f} s ({follow.num_rows} rules), "
          f"recommendations {recs:.2f} s ({offers.num_rows:,} customers)", flush=True)
    return {"associations": pairs + nexts, "recommendations": recs}


def the_rest(db: Path) -> None:
    with teiki.open(db, read_only=True) as shop:
        for name, fn in (("timing (contacts)", lambda: shop.cross_sell_timing(output="pyarrow")),
                         ("timing (orders)", lambda: shop.cross_sell_timing(source="orders", output="pyarrow")),
                         ("upsell candidates", lambda: shop.upsell_candidates(output="pyarrow")),
                         ("upsell rates", lambda: shop.upsell_rates(output="pyarrow")),
                         ("save offers", lambda: shop.save_offers(output="pyarrow")),
                         ("win-back", lambda: shop.winback_report())):
            seconds, got = timed(fn)
            rows = got.num_rows if hasattr(got, "num_rows") else got.customers.num_rows
            print(f"  {name}: {seconds:.2f} s ({rows:,} rows)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    db = ensure_db(args.customers, ensure_shop(args.customers))
    print(machine())
    runs = []
    for i in range(args.runs):
        print(f"run {i + 1}:", flush=True)
        runs.append(one_run(db))
    for key in ("associations", "recommendations"):
        print(f"median {key}: {statistics.median(r[key] for r in runs):.2f} s (target ≤ 20 s)")
    if args.all:
        the_rest(db)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"peak RSS {peak:.2f} GiB")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
