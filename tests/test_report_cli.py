"""``teiki kpi``, ``teiki cpm`` and ``teiki segment list`` in process (Typer's CliRunner): every format,
both languages, the files they write and the errors they give."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from conftest import ORDER_HEADER, write_csv
from test_cpm import PORTFOLIO
from typer.testing import CliRunner

import teiki
from teiki.cli.main import app
from teiki.store.schema import TABLES

ENV = {"COLUMNS": "200", "TEIKI_LANG": "ja"}


def invoke(*args: str, lang: str = "ja"):
    return CliRunner().invoke(app, list(args), env={**ENV, "TEIKI_LANG": lang})


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("cli")
    orders = write_csv(folder / "orders.csv", ORDER_HEADER, PORTFOLIO)
    people = write_csv(folder / "customers.csv", TABLES["customers"].column_names, [
        ["E", "2025-09-30", "=HYPERLINK(\"http://x\")", "090-0000-0001", "e@example.jp", "東京都", "web"],
        ["C", "2025-12-01", "山田花子", "090-0000-0002", "c@example.jp", "大阪府", "web"],
    ])
    path = str(folder / "shop.duckdb")
    result = invoke("--db", path, "--quiet", "import", str(orders), str(people))
    assert result.exit_code == 0, result.output
    return path


# --------------------------------------------------------------------------- kpi


def test_kpi_json_has_the_documented_keys(db):
    result = invoke("--db", db, "kpi", "--format", "json")
    assert result.exit_code == 0, result.output
    k = json.loads(result.output)
    for key in ("as_of", "customers", "orders", "revenue", "f2_conversion", "fn_conversion", "f2_within_days",
                "repeat_rate", "trial_pullup_rate", "ltv", "retention_by_delivery", "expected_deliveries",
                "churn_monthly", "offer_rates", "cancel_reasons"):
        assert key in k, key
    assert k["as_of"] == "2026-06-30" and k["customers"] == 13 and k["orders"] == 22
    assert k["f2_conversion"] == pytest.approx(9 / 13)  # B C D E G H I J K bought twice
    assert list(k["fn_conversion"]) == [str(n) for n in range(3, 11)]


def test_kpi_table_in_japanese_and_english(db):
    ja = invoke("--db", db, "kpi", "--as-of", "2026-03-31")
    assert ja.exit_code == 0 and "F2転換率" in ja.output and "基準日 2026-03-31" in ja.output
    en = invoke("--db", db, "--lang", "en", "kpi")
    assert en.exit_code == 0 and "second-purchase rate (F2)" in en.output and "F2転換率" not in en.output


def test_kpi_breakdown_and_files(db, tmp_path):
    by = invoke("--db", db, "kpi", "--by", "cohort", "--format", "json")
    assert by.exit_code == 0
    rows = json.loads(by.output)
    assert [r["cohort"] for r in rows][:2] == ["2024-01", "2024-06"] and sum(r["customers"] for r in rows) == 13
    out = tmp_path / "kpi.csv"
    assert invoke("--db", db, "kpi", "--format", "csv", "--out", str(out)).exit_code == 0
    with out.open(encoding="utf-8-sig") as fh:
        summary = {r["key"]: r for r in csv.DictReader(fh)}
    assert summary["customers"]["値"] == "13"
    xlsx = tmp_path / "kpi.xlsx"
    assert invoke("--db", db, "kpi", "--format", "xlsx", "--out", str(xlsx)).exit_code == 0
    assert openpyxl.load_workbook(xlsx).sheetnames == ["summary", "retention", "churn_monthly", "offer_rates",
                                                       "cross_sell_by_purchase", "cancel_reasons"]


def test_kpi_errors(db):
    missing = invoke("--db", db, "kpi", "--format", "csv")
    assert missing.exit_code == 2 and "--out" in missing.output
    early = invoke("--db", db, "kpi", "--as-of", "2020-01-01")
    assert early.exit_code == 1 and "2024-01-05" in early.output
    bad = invoke("--db", db, "--lang", "en", "kpi", "--as-of", "31/12/2025")
    assert bad.exit_code == 1 and "cannot read the date 31/12/2025" in bad.output
    unknown = invoke("--db", db, "--lang", "en", "kpi", "--by", "colour")
    assert unknown.exit_code == 1 and "no breakdown colour" in unknown.output


# --------------------------------------------------------------------------- cpm


def test_cpm_json_has_the_documented_keys(db):
    result = invoke("--db", db, "cpm", "--format", "json")
    assert result.exit_code == 0, result.output
    p = json.loads(result.output)
    assert p["as_of"] == "2026-06-30"
    assert {k: p["thresholds"][k] for k in ("mode", "amount", "tenure_short_days", "tenure_long_days",
                                           "lapse_days")} == {"mode": "default", "amount": 70000,
                                                              "tenure_short_days": 90, "tenure_long_days": 210,
                                                              "lapse_days": 240}
    assert p["thresholds"]["rules"]["amount"]["text"] == "published default (seed 000)"
    segs = {s["key"]: s for s in p["segments"]}
    assert len(p["segments"]) == 10 and segs["first"]["customers"] == 3 and segs["first"]["active"] is True
    assert segs["loyal"]["label_ja"] == "優良客" and segs["loyal_lapsed"]["active"] is False
    for s in p["segments"]:
        assert set(s) >= {"key", "label_ja", "active", "customers", "revenue_365d", "revenue_share"}
    assert p["core_revenue_share"] == pytest.approx(0.51)


def test_cpm_table_flags_and_languages(db):
    ja = invoke("--db", db, "cpm", "--as-of", "2026-06-29")
    assert ja.exit_code == 0, ja.output
    assert "優良客" in ja.output and "50% 以上 (健全)" in ja.output and "公開されている既定値" in ja.output
    en = invoke("--db", db, "--lang", "en", "cpm", "--lapse", "280", "--amount", "80000")
    assert en.exit_code == 0, en.output
    assert "Loyal (lapsed)" in en.output and "thresholds (custom)" in en.output and "lapse L: 280 days  (given)" in en.output
    auto = invoke("--db", db, "cpm", "--thresholds", "auto", "--format", "json")
    assert json.loads(auto.output)["thresholds"]["mode"] == "auto"


def test_cpm_thresholds_file(db, tmp_path):
    path = tmp_path / "cpm.toml"
    path.write_text("lapse_days = 100\n", encoding="utf-8")
    result = invoke("--db", db, "cpm", "--thresholds", str(path), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["thresholds"]["lapse_days"] == 100
    wrong = invoke("--db", db, "--lang", "en", "cpm", "--thresholds", "automatic")
    assert wrong.exit_code == 1 and "--thresholds is default, auto or a TOML file" in wrong.output


def test_cpm_history_migration_rfm(db, tmp_path):
    hist = invoke("--db", db, "cpm", "--history", "2026-01-01", "2026-06-30", "--format", "json")
    assert hist.exit_code == 0, hist.output
    snaps = json.loads(hist.output)["snapshots"]
    assert [s["month"] for s in snaps] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert snaps[-1]["counts"]["steady"] == 2
    table = invoke("--db", db, "cpm", "--history", "2026-01-01", "2026-06-30")
    assert "セグメント別の顧客数推移" in table.output and "— 離脱" in table.output
    mig = invoke("--db", db, "cpm", "--migration", "2026-02-28", "2026-06-30", "--format", "json")
    m = json.loads(mig.output)
    assert m["moves"] == {"new": 4, "stayed": 4, "moved_up": 2, "lapsed": 2, "came_back": 1, "other": 0}
    assert m["matrix"]["first_lapsed"]["steady"] == 1
    shown = invoke("--db", db, "--lang", "en", "cpm", "--migration", "2026-02-28", "2026-06-30")
    assert "Came back" in shown.output and "new (not yet a customer)" in shown.output
    xlsx = tmp_path / "migration.xlsx"
    assert invoke("--db", db, "cpm", "--migration", "2026-02-28", "2026-06-30", "--format", "xlsx",
                  "--out", str(xlsx)).exit_code == 0
    assert openpyxl.load_workbook(xlsx).sheetnames == ["migration", "moves"]
    rfm = invoke("--db", db, "cpm", "--rfm")
    assert rfm.exit_code == 0 and "チャンピオン" in rfm.output
    both = invoke("--db", db, "cpm", "--rfm", "--history", "2026-01-01", "2026-06-30")
    assert both.exit_code == 2


def test_cpm_on_a_database_without_orders(tmp_path):
    db = str(tmp_path / "empty.duckdb")
    teiki.open(db).close()
    result = invoke("--db", db, "cpm", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["customers"] == 0


# --------------------------------------------------------------------------- segment lists


def test_segment_list_table_and_files(db, tmp_path):
    shown = invoke("--db", db, "segment", "list", "優良客")
    assert shown.exit_code == 0 and "顧客リスト (1 / 1 人)" in shown.output and "E" in shown.output
    out = tmp_path / "loyal.csv"
    assert invoke("--db", db, "segment", "list", "loyal", "--out", str(out)).exit_code == 0
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["customer_id"], r["segment"], r["phone"]) for r in rows] == [("E", "loyal", "090-0000-0001")]
    assert rows[0]["name"] == "'=HYPERLINK(\"http://x\")"  # a formula made inert
    xlsx = tmp_path / "all.xlsx"
    assert invoke("--db", db, "segment", "list", "all", "--out", str(xlsx)).exit_code == 0
    sheet = openpyxl.load_workbook(xlsx)["customers"]
    assert sheet.max_row == 14  # header + 13 customers
    names = [c.value for c in sheet["J"]]  # the name column
    assert names[0] == "name" and "'=HYPERLINK(\"http://x\")" in names


def test_segment_list_of_a_migration_cell(db):
    result = invoke("--db", db, "segment", "list", "steady", "--since", "2026-02-28", "--from", "first_lapsed",
                    "--format", "json")
    assert result.exit_code == 0
    assert [(r["customer_id"], r["segment_before"]) for r in json.loads(result.output)] == [("K", "first_lapsed")]
    assert invoke("--db", db, "segment", "list", "steady", "--from", "first").exit_code == 2
    unknown = invoke("--db", db, "--lang", "en", "segment", "list", "vip")
    assert unknown.exit_code == 1 and "no segment vip" in unknown.output


def test_an_older_file_is_upgraded_with_a_note_on_stderr_and_clean_json(db, tmp_path):
    from test_store import _as_v2

    old = tmp_path / "old.duckdb"
    old.write_bytes(Path(db).read_bytes())
    _as_v2(old)
    result = invoke("--db", str(old), "--lang", "en", "cpm", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["customers"] == 13
    assert "upgraded" in result.stderr.lower() and "v2" in result.stderr
