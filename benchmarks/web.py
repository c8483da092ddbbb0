"""Benchmark: the dashboard's page data on the 1M-customer / ~10M-line shop of benchmarks/kpi.py.

    .venv/bin/python benchmarks/web.py [--customers 1000000] [--requests 50]

Starts ``teiki serve`` on a free port over the benchmark database (built by
benchmarks/kpi.py when missing) as a separate process, then for every JSON
endpoint and every page: times the first request (cold: computed), then
``--requests`` more after it (warm: from the cache until the next import),
over real HTTP on loopback. Prints the first-load time, median and p95 of
the warm requests (target ≤ 500 ms), and the server's peak memory.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from kpi import ensure_db, ensure_shop, machine, tree_rss

ENDPOINTS = (
    "/api/kpi", "/api/cpm", "/api/overview", "/api/retention", "/api/retention?by=cohort", "/api/ltv",
    "/api/portfolio", "/api/cancellations", "/api/cpm/history", "/api/cpm/rfm",
    "/api/customers?segment=loyal", "/api/customers?segment=all&page=100", "/api/status",
    "/api/forecast", "/", "/retention", "/ltv", "/portfolio", "/cancellations", "/forecast",
    "/customers?segment=loyal", "/data",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as r:
        size = len(r.read())
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    db = ensure_db(args.customers, ensure_shop(args.customers))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "teiki.cli", "--db", str(db), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            peak[0] = max(peak[0], tree_rss(server.pid))

    threading.Thread(target=sample, daemon=True).start()
    try:
        for _ in range(600):
            try:
                get(base + "/api/status")
                break
            except OSError:
                time.sleep(0.1)
        print(f"{machine()}\n{db.name}: {args.requests} warm requests per endpoint after one cold request\n")
        print(f"{'endpoint':44} {'first s':>8} {'median ms':>10} {'p95 ms':>8} {'bytes':>10}")
        worst = 0.0
        for path in ENDPOINTS:
            first, size = get(base + path)
            warm = sorted(get(base + path)[0] for _ in range(args.requests))
            median, p95 = statistics.median(warm), warm[int(0.95 * (len(warm) - 1))]
            worst = max(worst, p95)
            print(f"{path:44} {first:8.2f} {median * 1000:10.1f} {p95 * 1000:8.1f} {size:10,}", flush=True)
        print(f"\nworst warm p95: {worst * 1000:.1f} ms (target ≤ 500 ms); server peak RSS {peak[0] / 1024**3:.2f} GiB")
    finally:
        done.set()
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
