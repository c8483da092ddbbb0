"""Snapshot what users read — every CLI JSON output and every API endpoint and page — to compare two code trees.

    python benchmarks/snapshot_outputs.py DB OUT_DIR [--code SRC_DIR]
    diff -r OUT_A OUT_B

``--code`` runs another checkout's ``src`` (e.g. a ``git worktree`` of main before a change) against the same
database copy. DuckDB sums floats in parallel, so their last digit can differ between two runs of the same code;
every connection is made single-threaded here (a ``sitecustomize`` on the path), so equal code gives equal bytes.
The database is copied first; nothing is written to it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SITECUSTOMIZE = """
import duckdb
_connect = duckdb.connect
def connect(*args, **kwargs):
    con = _connect(*args, **kwargs)
    con.execute("SET threads TO 1")
    return con
duckdb.connect = connect
"""


def snapshot(db: Path, out: Path) -> None:
    """The snapshot itself, in a process whose path already holds the deterministic sitecustomize."""
    teiki = [sys.executable, "-m", "teiki.cli"]
    out.mkdir(parents=True, exist_ok=True)
    cmds = {
     "kpi": ["kpi", "--format", "json"],
     "kpi_asof": ["kpi", "--as-of", "2025-06-30", "--format", "json"],
     "kpi_by_channel": ["kpi", "--by", "channel", "--format", "json"],
     "kpi_by_cohort": ["kpi", "--by", "cohort", "--format", "json"],
     "cpm": ["cpm", "--format", "json"],
     "cpm_auto": ["cpm", "--thresholds", "auto", "--format", "json"],
     "cpm_history": ["cpm", "--history", "2025-01-01", "2025-12-31", "--format", "json"],
     "cpm_migration": ["cpm", "--migration", "2025-06-30", "2025-12-31", "--format", "json"],
     "cpm_rfm": ["cpm", "--rfm", "--format", "json"],
     "forecast": ["forecast", "--format", "json"],
     "forecast_channel": ["forecast", "--by", "channel", "--cpa", "5000", "--format", "json"],
     "backtest": ["forecast", "--backtest", "--as-of", "2025-06-30", "--format", "json"],
     "calls": ["calls", "--format", "json"],
     "risk": ["risk", "--format", "json", "--top", "50"],
     "winback": ["winback", "--format", "json"],
     "upsell": ["upsell", "--format", "json"],
     "saveoffers": ["save-offers", "--format", "json"],
     "crosssell": ["cross-sell", "--format", "json"],
     "simulate": ["simulate", "calls", "--requests", "2000", "--cost-per-call", "300", "--unit-price", "5000", "--save-rate", "0.05", "0.15", "--format", "json"],
     "segment_list": ["segment", "list", "all", "--format", "json"],
    }
    work = out / "work.duckdb"
    shutil.copy(db, work)
    env = dict(os.environ, TEIKI_LANG="ja")
    for name, args in cmds.items():
        r = subprocess.run([*teiki, "--db", str(work), *args], capture_output=True, env=env)
        (out / f"cli_{name}.json").write_bytes(r.stdout + b"\n--rc %d\n" % r.returncode + r.stderr[-2000:])
    from fastapi.testclient import TestClient
    from teiki.web.app import create_app
    urls = ["/api/kpi", "/api/kpi/by?by=channel", "/api/cpm", "/api/cpm/history", "/api/cpm/migration?start=2025-06-30",
     "/api/cpm/rfm", "/api/overview", "/api/retention", "/api/ltv", "/api/portfolio", "/api/cancellations",
     "/api/forecast", "/api/forecast?by=channel", "/api/customers?segment=steady", "/api/status",
     "/api/calls", "/api/runout", "/api/risk", "/api/associations", "/api/next-products", "/api/cross-sell",
     "/api/cross-sell/timing", "/api/upsell", "/api/save-offers", "/api/winback", "/api/campaigns",
     "/api/simulate/calls?requests=2000&cost_per_call=300&unit_price=5000&save_rates=0.05%200.15", "/openapi.json"]
    pages = ["/", "/retention", "/ltv", "/portfolio", "/cancellations", "/forecast", "/customers", "/calls", "/risk",
     "/cross-sell", "/offers", "/winback", "/campaigns", "/simulate", "/data"]
    with TestClient(create_app(work)) as c:
        for u in urls + pages:
            r = c.get(u)
            name = u.strip("/").replace("/", "_").replace("?", "_").replace("&", "_").replace("=", "-").replace("%20"," ") or "root"
            body = r.content
            (out / f"web_{name}.{'json' if u.startswith(('/api','/openapi')) else 'html'}").write_bytes(b"%d\n" % r.status_code + body)
    print("wrote", out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--code", type=Path, help="the src folder of the code to run (default: the installed teiki)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        snapshot(args.db, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="teiki-snapshot-") as tmp:
        Path(tmp, "sitecustomize.py").write_text(SITECUSTOMIZE)
        path = [tmp, *([str(args.code.resolve())] if args.code else [])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "TEIKI_LANG": "ja"}
        subprocess.run([sys.executable, __file__, str(args.db.resolve()), str(args.out.resolve()), "--inner"],
                       env=env, check=True)


if __name__ == "__main__":
    main()
