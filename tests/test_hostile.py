"""Hostile input (issue 16): every case of ``tests/hostile/cases.py`` imported through the CLI into a demo shop.

A refused case exits 1 with one paragraph naming the file and the row / column (no traceback), in English and
in Japanese, and leaves every stored table exactly as it was (a fingerprint of every row). An accepted case (a
real-world quirk: Excel's trailing empty headers, its UTF-16 「Unicode テキスト」) imports with exit 0.
"""

from __future__ import annotations

import pytest
from conftest import copy_db
from hostile.cases import CASES, generate
from typer.testing import CliRunner

import teiki
from teiki.cli.main import app
from teiki.store.merge import row_fingerprint
from teiki.store.schema import TABLES


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_db(demo_db, tmp_path_factory):
    return copy_db(demo_db, tmp_path_factory.mktemp("hostile_db"))


def fingerprint(db) -> dict[str, tuple[int, int]]:
    """Per stored table (the import log too): rows and the sum of their row hashes."""
    with teiki.open(db) as shop:
        con = shop.store.con
        out = {}
        for name, spec in TABLES.items():
            t = con.table(name)
            out[name] = tuple(t.aggregate(n=t.count(), h=row_fingerprint(t, spec).cast("decimal(38, 0)").sum())
                              .to_pyarrow().to_pylist()[0].values())
        log = con.table("teiki_imports")
        out["teiki_imports"] = (int(log.count().to_pyarrow().as_py()),)
    return out


def run(db, case, folder, lang="en"):
    args = [a.replace("{dir}", str(folder)) for a in case.args]
    return CliRunner().invoke(app, ["--db", str(db), "--lang", lang, "import", *args, str(folder / case.name)],
                              env={"COLUMNS": "200"})


def test_there_are_at_least_sixty_hostile_inputs_of_every_class():
    kinds = {c.kind for c in CASES}
    assert len(CASES) >= 60
    assert kinds == {"excel", "table", "date", "encoding", "layout", "line", "value"}
    assert len({c.name for c in CASES}) == len(CASES)


REFUSED = [c for c in CASES if not c.accepted]
ACCEPTED = [c for c in CASES if c.accepted]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_a_hostile_file_is_refused_naming_file_and_place_and_nothing_changes(case, fixtures, hostile_db):
    folder = fixtures[case.name].parent
    before = fingerprint(hostile_db)
    result = run(hostile_db, case, folder)
    text = " ".join(result.output.split())
    assert result.exit_code == 1, text
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert text.startswith(f"teiki: {case.shown_file}: "), text
    for where in case.where:
        assert where in text, (where, text)
    assert text.endswith("Nothing was imported; the stored data is unchanged."), text
    japanese = run(hostile_db, case, folder, "ja")
    assert japanese.exit_code == 1 and "保存済みのデータは変わっていません" in japanese.output
    assert fingerprint(hostile_db) == before


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.name for c in ACCEPTED])
def test_a_real_world_quirk_imports(case, fixtures, demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path)
    result = run(db, case, fixtures[case.name].parent)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    with teiki.open(db) as shop:
        orders = shop.store.table("orders")
        new = orders.filter(orders.order_id.startswith("H")).count().to_pyarrow().as_py()
    assert new >= 2

