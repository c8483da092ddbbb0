"""Benchmark: `teiki kpi` on a 1M-customer / ~10M-line shop (and optionally the Spark engine).

    .venv/bin/python benchmarks/kpi.py [--customers 1000000] [--runs 5] [--spark] [--spark-customers 100000]

1. Generates the synthetic shop into benchmarks/data/shop_<N>/ unless present
   (benchmarks/make_shop.py).
2. Imports it once into benchmarks/data/kpi_<N>.duckdb unless present
   (`teiki --quiet import`, timed).
3. Runs `teiki --db DB kpi --format json` as a fresh process ``--runs`` times:
   each wall time, the median and peak memory: "peak RSS" is the largest
   single process (os.wait4: the child or a descendant it reaped), "tree" the
   sampled sum over the child's whole process tree (Spark's JVM included).
4. With ``--spark``: the same for `kpi --engine spark` on a smaller shop
   (``--spark-customers``, default 100k customers ≈ 1M lines).

Delete benchmarks/data/shop_<N> or kpi_<N>.duckdb to rebuild them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

from make_shop import write

PAGE = os.sysconf("SC_PAGE_SIZE")
TABLES = ("products", "customers", "subscriptions", "subscription_events", "orders", "contacts")


def tree_rss(root: int) -> int:
    """Bytes resident in process ``root`` and all its descendants (Linux /proc; 0 elsewhere)."""
    parent, rss = {}, {}
    for d in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            parent[int(d)], rss[int(d)] = int(fields[1]), int(fields[21]) * PAGE
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [p for p, pp in parent.items() if pp == pid and p not in tree]
    return sum(rss.get(p, 0) for p in tree)


def run(cmd: list[str], stdout: Path | None = None) -> tuple[float, float, float]:
    """(seconds, peak RSS of one process, sampled peak of the process tree), GiB; exits on failure."""
    start = time.perf_counter()
    peak, done = [0], threading.Event()
    with open(stdout or os.devnull, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out)

        def sample() -> None:
            while not done.wait(0.25):
                peak[0] = max(peak[0], tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}")
    return seconds, usage.ru_maxrss / 1024**2, peak[0] / 1024**3


def size(path: Path) -> str:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size
    return f"{total / 1024**2:,.0f} MiB"


def ensure_shop(customers: int) -> Path:
    shop = DATA / f"shop_{customers}"
    if not shop.exists():
        print(f"generating {shop.name} ({customers:,} customers) ...", flush=True)
        tmp = DATA / f".{shop.name}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        began = time.perf_counter()
        write(tmp, customers)
        tmp.rename(shop)
        print(f"  generated in {time.perf_counter() - began:.1f} s, {size(shop)}")
    return shop


def ensure_db(customers: int, shop: Path) -> Path:
    db = DATA / f"kpi_{customers}.duckdb"
    if not db.exists():
        tmp = DATA / f".kpi_{customers}.partial.duckdb"
        tmp.unlink(missing_ok=True)
        files = [str(shop / f"{t}.parquet") for t in TABLES]
        print(f"importing {shop.name} into {db.name} ...", flush=True)
        seconds, peak, tree = run([sys.executable, "-m", "teiki.cli", "--db", str(tmp), "--quiet", "import", *files])
        tmp.rename(db)
        print(f"  import: {seconds:.1f} s, peak RSS {peak:.2f} GiB (tree {tree:.2f}), database {size(db)}")
    return db


def bench_kpi(db: Path, runs: int, engine: str | None) -> dict[str, object]:
    cmd = [sys.executable, "-m", "teiki.cli", "--db", str(db), "kpi", "--format", "json"]
    if engine:
        cmd[-2:-2] = ["--engine", engine]
    times, peaks, trees = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "kpi.json"
        for i in range(runs):
            seconds, peak, tree = run(cmd, out)
            times.append(seconds)
            peaks.append(peak)
            trees.append(tree)
            print(f"  {engine or 'duckdb'} run {i + 1}: {seconds:.2f} s, peak RSS {peak:.2f} GiB "
                  f"(tree {tree:.2f}), load {os.getloadavg()[0]:.1f}", flush=True)
        text = out.read_text()
    if not text.startswith("{"):
        print("  warning: stdout is not pure JSON (text before it, e.g. a progress bar)")
    return {"times": times, "peak": max(peaks), "tree": max(trees), "result": json.loads(text[text.index("{"):])}


def machine() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (f"{os.cpu_count()} cores, {ram:.0f} GiB RAM, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spark", action="store_true", help="also time --engine spark on a smaller shop")
    parser.add_argument("--spark-customers", type=int, default=100_000)
    parser.add_argument("--import-only", action="store_true", help="prepare the shop and database, run no KPIs")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    cases = [(args.customers, None)] + ([(args.spark_customers, "spark")] if args.spark else [])
    dbs = {n: ensure_db(n, ensure_shop(n)) for n, _ in cases}
    if args.import_only:
        return
    rows = []
    for n, engine in cases:
        print(f"kpi on {dbs[n].name} ({engine or 'duckdb'}), {args.runs} runs", flush=True)
        r = bench_kpi(dbs[n], args.runs, engine)
        k = r["result"]
        rows.append((engine or "duckdb", n, k.get("orders"), r["times"], r["peak"], r["tree"]))
        print(f"  as_of {k.get('as_of')}, customers {k.get('customers'):,}, orders {k.get('orders'):,}, "
              f"revenue {k.get('revenue'):,.0f}")
    print(f"\nmachine: {machine()}")
    print(f"{'engine':8} {'customers':>10} {'orders':>10} {'median s':>9} {'min s':>7} {'max s':>7} "
          f"{'peak RSS':>9} {'tree':>9}")
    for engine, n, orders, times, peak, tree in rows:
        print(f"{engine:8} {n:>10,} {orders or 0:>10,} {statistics.median(times):>9.2f} {min(times):>7.2f} "
              f"{max(times):>7.2f} {peak:>5.2f} GiB {tree:>5.2f} GiB")


if __name__ == "__main__":
    main()
