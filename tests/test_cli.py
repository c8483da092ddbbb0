"""The command line, in process (Typer's CliRunner): demo, import, status, errors, languages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import teiki
from teiki.cli.main import app

ENV = {"COLUMNS": "250", "TEIKI_LANG": "ja"}
HEADER = "order_id,customer_id,ordered_at,product_id,quantity,amount,status\n"


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})


def flat(text: str) -> str:
    """Output with line wrapping undone (Rich wraps long paragraphs)."""
    return " ".join(text.split())


@pytest.fixture()
def orders_csv(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "O1,C1,2024-01-05 10:00:00,P1,1,1980,completed\n"
                    "O1,C1,2024-01-05 10:00:00,P2,2,500,completed\n"
                    "O2,C2,2024/02/01,P1,1,1980,cancelled\n", encoding="utf-8")
    return path


def test_import_prints_counts_in_japanese_then_english(tmp_path, orders_csv):
    db = str(tmp_path / "shop.duckdb")
    first = invoke("--db", db, "import", str(orders_csv))
    assert first.exit_code == 0, first.output
    assert "受注明細 (orders)" in first.output and "取り込み完了" in first.output
    # 3 lines read, 2 orders inserted
    assert "│ 3 │ 2 │ 0 │ 0 │ 受注単位" in flat(first.output).replace("  ", " ")
    again = invoke("--db", db, "--lang", "en", "import", str(orders_csv))
    assert again.exit_code == 0, again.output
    assert "import finished" in again.output
    assert "│ 3 │ 0 │ 0 │ 2 │ orders" in flat(again.output)


def test_import_error_is_one_paragraph_with_file_row_and_column(tmp_path, orders_csv):
    db = str(tmp_path / "shop.duckdb")
    assert invoke("--db", db, "import", str(orders_csv)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "O9,C9,2024-01-05,P1,1,-5,completed\n", encoding="utf-8")
    result = invoke("--db", db, "--lang", "en", "import", str(bad))
    assert result.exit_code == 1
    text = flat(result.output)
    assert "Traceback" not in result.output
    assert "bad.csv: amount (金額) is below 0 in 1 row(s) (row 2: -5)" in text
    assert "Nothing was imported; the stored data is unchanged." in text
    with teiki.open(db, read_only=True) as shop:
        assert sorted(shop.orders.order_id.to_pyarrow().to_pylist()) == ["O1", "O1", "O2"]


def test_error_hint_keeps_its_brackets(tmp_path):
    bad = tmp_path / "orders.csv"
    bad.write_text(HEADER + "O1,C1,2024-01-05,P1,1,5,done\n", encoding="utf-8")
    result = invoke("--db", str(tmp_path / "s.duckdb"), "--lang", "en", "import", str(bad))
    assert result.exit_code == 1
    assert "[orders.values.status]" in flat(result.output)


def test_debug_shows_the_traceback(tmp_path):
    result = invoke("--db", str(tmp_path / "s.duckdb"), "--debug", "import", str(tmp_path / "missing.csv"))
    assert result.exit_code == 1
    assert "Traceback" in result.output
    assert "ファイルがありません" in flat(result.output)


def test_status_of_a_missing_database_says_how_to_create_it(tmp_path):
    db = tmp_path / "none.duckdb"
    result = invoke("--db", str(db), "--lang", "en", "status")
    assert result.exit_code == 1
    assert "teiki import or teiki demo" in flat(result.output)
    assert not db.exists()


def test_status_lists_tables_and_the_last_import(tmp_path, orders_csv):
    db = str(tmp_path / "shop.duckdb")
    invoke("--db", db, "import", str(orders_csv))
    result = invoke("--db", db, "--lang", "en", "status")
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "orders │ 3 │" in text
    assert "subscriptions │ 0 │" in text
    assert "2 customers, orders from 2024-01-05 to 2024-02-01" in text
    assert "last import:" in text and "orders.csv" in text


def test_db_from_environment_variable(tmp_path, orders_csv):
    db = tmp_path / "env.duckdb"
    result = invoke("import", str(orders_csv), env={"TEIKI_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_bad_options_are_refused(tmp_path, orders_csv):
    db = str(tmp_path / "s.duckdb")
    assert invoke("--db", db, "--lang", "fr", "status").exit_code != 0
    assert invoke("--db", db, "import", "--table", "nope", str(orders_csv)).exit_code != 0
    both = invoke("--db", db, "import", "--preset", "ja", "--mapping", "m.toml", str(orders_csv))
    assert both.exit_code != 0


def test_demo_builds_imports_and_rebuilds_identically(tmp_path):
    db, out = str(tmp_path / "demo.duckdb"), str(tmp_path / "files")
    result = invoke("--db", db, "--quiet", "demo", "--customers", "400", "--out", out)
    assert result.exit_code == 0, result.output
    assert (Path(out) / "受注明細.csv").exists()
    with teiki.open(db, read_only=True) as shop:
        first = {t.table: t.rows for t in shop.status().tables}
    assert first["customers"] == 400 and first["orders"] > 400
    again = invoke("--db", db, "--quiet", "demo", "--customers", "400", "--out", out)
    assert again.exit_code == 0, again.output
    with teiki.open(db, read_only=True) as shop:
        assert {t.table: t.rows for t in shop.status().tables} == first


def test_demo_refuses_to_overwrite_a_shops_own_data(tmp_path, orders_csv):
    db = str(tmp_path / "real.duckdb")
    invoke("--db", db, "import", str(orders_csv))
    result = invoke("--db", db, "--lang", "en", "demo", "--customers", "50", "--out", str(tmp_path / "f"))
    assert result.exit_code == 1
    assert "will not overwrite" in flat(result.output)
    with teiki.open(db, read_only=True) as shop:
        assert shop.store.count("orders") == 3


def test_console_script_runs_as_a_module(tmp_path, orders_csv):
    db = str(tmp_path / "m.duckdb")
    proc = subprocess.run([sys.executable, "-m", "teiki.cli", "--db", db, "--quiet", "--lang", "en",
                           "import", str(orders_csv)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "import finished" in proc.stdout


@pytest.mark.parametrize(("args", "env_lang", "expected", "absent"), [
    (["--help"], "ja", "ファイルを取り込みます", "Import files"),
    (["--lang", "en", "--help"], "ja", "Import files", "ファイルを取り込みます"),
    (["--lang=en", "import", "--help"], "ja", "Files to import", "取り込むファイル"),
    (["import", "--help"], "en", "Files to import", "取り込むファイル"),
])
def test_help_is_japanese_unless_english_is_asked_for(args, env_lang, expected, absent):
    """Help is rendered before options are parsed: --lang / TEIKI_LANG are read by the entry point first."""
    proc = subprocess.run([sys.executable, "-m", "teiki.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TEIKI_LANG": env_lang, "COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    assert expected in proc.stdout and absent not in proc.stdout


def test_dry_run_counts_what_would_change_and_changes_nothing(tmp_path, orders_csv):
    db = str(tmp_path / "shop.duckdb")
    assert invoke("--db", db, "import", str(orders_csv)).exit_code == 0
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(HEADER + "O2,C2,2024/02/01,P1,1,1500,completed\n"   # O2 corrected
                         "O3,C3,2024/03/01,P1,1,1980,completed\n", encoding="utf-8")  # O3 new
    with teiki.open(db, read_only=True) as shop:
        before = sorted(shop.orders.to_pyarrow().to_pylist(), key=str)
        log_rows = shop.store.count("teiki_imports")
    result = invoke("--db", db, "--lang", "en", "import", "--dry-run", str(corrected))
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "│ 2 │ 1 │ 1 │ 0 │ orders" in text  # 2 lines read: O3 inserted, O2 replaced
    assert "nothing was changed" in text
    with teiki.open(db, read_only=True) as shop:
        assert sorted(shop.orders.to_pyarrow().to_pylist(), key=str) == before
        assert shop.store.count("teiki_imports") == log_rows


def test_demo_ends_by_saying_what_to_do_next(tmp_path):
    result = invoke("--db", str(tmp_path / "d.duckdb"), "--quiet", "--lang", "en", "demo", "--customers", "60",
                    "--out", str(tmp_path / "f"))
    assert result.exit_code == 0, result.output
    assert "teiki --db myshop.duckdb import" in flat(result.output)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_breakdown_fits_an_80_column_terminal_and_names_what_it_left_out(demo_db, lang):
    """Columns are kept whole, retention with its n at risk before the rest; those that do not fit are named."""
    from rich.cells import cell_len

    result = invoke("--db", str(demo_db), "--lang", lang, "kpi", "--by", "cohort", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "…" not in result.output  # no cell cut
    header = next(line for line in lines if "cohort" in line)
    assert ("継続2回" if lang == "ja" else "r(2)") in header
    body = next(line for line in lines if line.startswith("│ 2025-01"))
    assert "% (" in body  # a rate with the subscriptions it rests on
    assert ("画面に収まらない列" if lang == "ja" else "columns that do not fit") in result.output
