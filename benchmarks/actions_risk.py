"""Benchmark: churn risk (signals + training + scoring) on the 1M-customer / ~10M-line shop.

    .venv/bin/python benchmarks/actions_risk.py [--customers 1000000] [--runs 3] [--as-of YYYY-MM-DD]

On the benchmark database of benchmarks/kpi.py (opened read-only), ``shop.churn_model()`` runs ``--runs`` times
in one process: the signals of every active subscription on 14 snapshot dates in DuckDB (training rows sampled
to ~200,000, evaluation rows to ~100,000), the gradient-boosting fit, both out-of-time AUCs, and the scores,
ranks and reasons of every subscription active on D. Each run also times the engine query alone (the same
signals, fetched as Arrow) for the breakdown. Prints each run, the median of the whole (target ≤ 20 s), the
rows, both AUCs and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 20.0


def engine_only(shop, as_of) -> tuple[float, int]:
    """Seconds and rows of the signals query alone (the engine's part of one assessment)."""
    from teiki.actions import risk_model as rm
    from teiki.actions import risk_signals as rs
    from teiki.actions.risk_rule import with_points
    from teiki.store import results

    start = time.perf_counter()
    view = shop.view(as_of)
    plan = rm.schedule(view.as_of, view.source.date_range()[0])
    dates = [*plan.train, plan.evaluation, plan.as_of]
    snaps = rs.snapshots(dates, ["train"] * len(plan.train) + ["eval", "score"], rm.HORIZON_DAYS)
    rows, _ = rs.panel(view, snaps, {"train": rm.MAX_TRAIN_ROWS, "eval": rm.MAX_EVAL_ROWS})
    try:
        table = results.arrow(with_points(rs.signals(view, rows)))
    finally:
        rows.release()
    return time.perf_counter() - start, table.num_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default=None)
    args = parser.parse_args()
    from kpi import ensure_db, ensure_shop, machine

    import teiki

    db = ensure_db(args.customers, ensure_shop(args.customers))
    print(machine())
    totals = []
    with teiki.open(db, read_only=True) as shop:
        for i in range(args.runs):
            start = time.perf_counter()
            model = shop.churn_model(args.as_of)
            total = time.perf_counter() - start
            totals.append(total)
            engine, rows = engine_only(shop, args.as_of)
            d = model.to_dict()
            print(f"run {i + 1}: churn_model {total:.2f} s (engine query alone {engine:.2f} s, {rows:,} signal rows); "
                  f"trained on {d['training']['rows']:,} rows, evaluated on {d['evaluation']['rows']:,}, "
                  f"scored {d['scored']:,}; AUC model {d['auc_model']:.3f} / rule {d['auc_rule']:.3f} "
                  f"→ {d['method']}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    median = statistics.median(totals)
    verdict = "ok" if median <= TARGET_SECONDS else "over target"
    print(f"median {median:.2f} s (target ≤ {TARGET_SECONDS:.0f} s: {verdict}); peak RSS {peak:.2f} GiB; "
          f"{machine().split(', ')[-1]}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
