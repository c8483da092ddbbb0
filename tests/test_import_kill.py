"""An import killed half-way (SIGKILL: no cleanup runs) leaves the store exactly as it was.

A child process opens a store that already holds a few hundred thousand order
lines and imports a file that replaces nearly all of them. Its progress callback
prints each stage; at the chosen stage it prints READY and the test kills it:

- "commit": inside the transaction, after every write, just before the commit
  (the child sleeps there, so the kill lands at the worst moment deterministically);
- "write orders": as the merge into orders starts (the child carries on, so the
  kill lands in the middle of deleting and inserting).

Then the store is opened again and every table compared with the snapshot taken before.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import SEED, table_names, write_csv

import teiki

ROOT = Path(__file__).resolve().parents[1]
LINES = 300_000

CHILD = '''
import sys, time
import teiki

db, data, when = sys.argv[1:4]
shop = teiki.open(db)

def progress(stage, done, total):
    if stage.startswith("read "):
        return
    print(stage, flush=True)
    if stage == when:
        print("READY", flush=True)
        if stage == "commit":
            time.sleep(600)

shop.import_files([data], progress=progress)
print("FINISHED", flush=True)
'''


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by([(name, "ascending") for name in table.column_names])


def arrow_snapshot(shop: teiki.Shop) -> dict[str, pa.Table]:
    return {name: _sorted(shop.store.table(name).to_pyarrow()) for name in table_names(shop)}


def assert_same(before: dict[str, pa.Table], after: dict[str, pa.Table]) -> None:
    assert list(after) == list(before)
    for name, table in before.items():
        assert after[name].num_rows == table.num_rows, name
        assert after[name].equals(table), name


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A store holding LINES order lines (seed 1) and a little of every other table; a file (seed 2)
    with the same order ids and other lines; and the store's snapshot."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from make_orders_csv import write
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("kill")
    first = write(folder / "orders_1.csv", LINES, seed=1)
    second = write(folder / "orders_2.csv", LINES, seed=2)
    others = [write_csv(folder / name, header, body) for name, (header, body) in SEED.items() if name != "orders.csv"]
    base = folder / "base.duckdb"
    with teiki.open(base) as shop:
        shop.import_files([first, *others])
        before = arrow_snapshot(shop)
    assert before["orders"].num_rows == LINES
    assert not Path(f"{base}.wal").exists()  # closed cleanly: everything is in the file
    script = folder / "child.py"
    script.write_text(CHILD)
    return base, second, script, before


def _kill_at(prepared, tmp_path: Path, when: str) -> tuple[list[str], str]:
    base, data, script, _ = prepared
    db = tmp_path / "shop.duckdb"
    shutil.copy(base, db)
    errors = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen([sys.executable, str(script), str(db), str(data), when],
                            stdout=subprocess.PIPE, stderr=errors, text=True, cwd=tmp_path)
    watchdog = threading.Timer(120, proc.kill)  # never hang the suite
    watchdog.start()
    seen: list[str] = []
    try:
        for line in proc.stdout:
            seen.append(line.strip())
            if seen[-1] == "READY":
                break
        alive = proc.poll() is None
        proc.kill()  # SIGKILL
        proc.wait(timeout=30)
        rest = proc.stdout.read()
    finally:
        watchdog.cancel()
        errors.close()
    assert seen and seen[-1] == "READY", (seen, (tmp_path / "stderr.txt").read_text())
    assert alive
    assert "FINISHED" not in rest
    return seen + rest.split("\n"), str(db)


@pytest.mark.slow
def test_killed_just_before_commit_leaves_the_store_as_it_was(prepared, tmp_path):
    stages, db = _kill_at(prepared, tmp_path, "commit")
    assert [s for s in stages if s][:5] == ["validate", "write orders", "facts", "commit", "READY"]
    before = prepared[3]
    with teiki.open(db) as shop:
        assert_same(before, arrow_snapshot(shop))
        # and the store takes the next import
        more = write_csv(tmp_path / "orders.csv", ["order_id", "customer_id", "ordered_at", "product_id", "amount"],
                         [["NEW1", "C1", "2024-01-01", "P1", 1]])
        assert shop.import_files([more]).tables[0].counts.inserted == 1
        assert shop.store.count("orders") == LINES + 1


@pytest.mark.slow
def test_killed_while_writing_orders_leaves_the_store_as_it_was(prepared, tmp_path):
    stages, db = _kill_at(prepared, tmp_path, "write orders")
    assert "commit" not in stages  # the kill landed while orders were being replaced
    with teiki.open(db) as shop:
        assert_same(prepared[3], arrow_snapshot(shop))
