"""Benchmark: what the import checks of issue 16 cost — this tree against an earlier commit, same file, same run.

    python benchmarks/import_limits.py [--lines 10000000] [--runs 3] [--base ca02403]

The earlier commit is checked out into a temporary git worktree and run with ``PYTHONPATH`` pointing at its
``src``; runs alternate (base, this tree, base, …) so that both see the same machine state. Each run is one
``teiki import`` process into a new database file (peak RSS is that process's own). Prints every run, the
medians and the difference in percent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from import_orders import timed_import  # noqa: E402
from make_orders_csv import write  # noqa: E402


def worktree(rev: str, folder: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--base", default="ca02403", help="the commit to compare with (before the checks)")
    args = parser.parse_args()
    csv = HERE / "data" / f"orders_{args.lines}.csv"
    if not csv.exists():
        print(f"writing {csv} ...", flush=True)
        write(csv, args.lines)
    print(f"file: {csv.name}, {csv.stat().st_size / 1024**2:.0f} MiB, {args.lines:,} lines; base {args.base}")
    results: dict[str, list[tuple[float, float]]] = {"base": [], "this tree": []}
    with tempfile.TemporaryDirectory() as tmp:
        base_src = worktree(args.base, Path(tmp) / "base")
        try:
            for run in range(args.runs):
                for name, src in (("base", base_src), ("this tree", ROOT / "src")):
                    db = Path(tmp) / f"{name.replace(' ', '_')}{run}.duckdb"
                    env = {**os.environ, "PYTHONPATH": str(src)}
                    seconds, peak = timed_import(csv, db, env=env)
                    results[name].append((seconds, peak))
                    db.unlink()
                    print(f"run {run + 1} {name}: {seconds:.1f} s, {args.lines / seconds:,.0f} lines/s, "
                          f"peak RSS {peak:.2f} GiB", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(Path(tmp) / "base")],
                           check=False)
    medians = {name: statistics.median(s for s, _ in runs) for name, runs in results.items()}
    for name, runs in results.items():
        print(f"median {name}: {medians[name]:.1f} s, peak RSS {max(p for _, p in runs):.2f} GiB")
    print(f"difference: {100 * (medians['this tree'] / medians['base'] - 1):+.1f} %")


if __name__ == "__main__":
    main()
