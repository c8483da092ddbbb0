"""Benchmark: sufficient statistics + BG/NBD + Gamma-Gamma on the 1M-customer / ~10M-line shop, and the
same fit against lifetimes and pymc-marketing on 100k customers.

    .venv/bin/python benchmarks/forecast.py [--customers 1000000] [--runs 5] [--compare]

1. On the benchmark database of benchmarks/kpi.py: build the compressed
   statistics in DuckDB (teiki.forecast.stats) and fit BG/NBD and Gamma-Gamma,
   ``--runs`` times in one process (target ≤ 5 s); prints the median, the rows
   the models saw, and the process's peak memory.
2. With ``--compare``: fit teiki's models on benchmarks/data/clv_100k.parquet
   (benchmarks/make_clv_input.py; one row per customer, as the other libraries
   take it), then run benchmarks/compare_clv.py in the optional venv made by
   benchmarks/compare_env.sh for lifetimes 0.11.3 and pymc-marketing (MAP), and
   print the ratios.
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

import numpy as np
from kpi import DATA, ensure_db, ensure_shop, machine

import teiki
from teiki.forecast import repeat, stats
from teiki.models.bgnbd import BetaGeoNBD
from teiki.models.gammagamma import GammaGamma

HERE = Path(__file__).resolve().parent


def shop_fit(db: Path) -> tuple[float, float, int, int, dict]:
    """(seconds for the statistics, seconds for the fits, rows for BG/NBD, rows for Gamma-Gamma, params)."""
    with teiki.open(db, read_only=True) as shop:
        start = time.perf_counter()
        view = shop.view()
        purchases = stats.arrays(stats.purchase_stats(view), ["frequency", "recency", "age", "n"])
        spend = stats.arrays(stats.spend_stats(view), ["frequency", "monetary", "n"])
        built = time.perf_counter()
        model = repeat.fit(purchases, spend)
        done = time.perf_counter()
    return built - start, done - built, len(purchases["n"]), len(spend["n"]), model.params


def per_customer_fit(path: Path) -> tuple[float, dict]:
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    f, r, age, m = (t.column(c).to_numpy() for c in ("frequency", "recency", "T", "monetary"))
    start = time.perf_counter()
    counts = BetaGeoNBD().fit(f, r, age)
    spend = GammaGamma().fit(f[f > 0], m[f > 0])
    return time.perf_counter() - start, counts.params_ | spend.params_


def compare(runs: int) -> None:
    data = DATA / "clv_100k.parquet"
    if not data.exists():
        subprocess.run([sys.executable, str(HERE / "make_clv_input.py"), str(data), "--customers", "100000",
                        "--seed", "1"], check=True)
    ours = [per_customer_fit(data) for _ in range(runs)]
    own = statistics.median(s for s, _ in ours)
    print(f"\nteiki on {data.name} (one row per customer, no compression): median {own:.3f} s  {ours[0][1]}")
    for library in ("lifetimes", "pymc"):
        python = _venv_python(library)
        if python is None:
            print(f"{library}: no venv (run benchmarks/compare_env.sh)")
            continue
        got = subprocess.run([str(python), str(HERE / "compare_clv.py"), str(data), "--library", library,
                              "--runs", str(runs)], capture_output=True, text=True, check=False)
        if got.returncode != 0:
            print(f"{library}: failed\n{got.stderr[-2000:]}")
            continue
        result = json.loads(got.stdout.strip().splitlines()[-1])
        print(f"{library} {result['version']}: median {result['total_seconds']:.3f} s → "
              f"{result['total_seconds'] / own:,.1f}× teiki's time  {result['params']}")


def _venv_python(library: str) -> Path | None:
    for name in (f"venv-{library}", "venv-compare"):
        python = DATA / name / "bin" / "python"
        if python.exists():
            return python
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    db = ensure_db(args.customers, ensure_shop(args.customers))
    print(machine())
    totals = []
    for i in range(args.runs):
        built, fitted, rows, spend_rows, params = shop_fit(db)
        totals.append(built + fitted)
        print(f"run {i + 1}: statistics {built:.2f} s + fits {fitted:.2f} s = {built + fitted:.2f} s "
              f"({rows:,} BG/NBD rows, {spend_rows:,} Gamma-Gamma rows)", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"median {statistics.median(totals):.2f} s (target ≤ 5 s); peak RSS {peak:.2f} GiB; params "
          + ", ".join(f"{k}={v:.4g}" for k, v in params.items()))
    if args.compare:
        compare(max(1, min(args.runs, 3)))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    np.seterr(all="ignore")
    main()
