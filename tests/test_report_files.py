"""The file reports: ``write_workbook`` (.xlsx with native charts) and ``write_html`` (one offline HTML file),
and the shared number formatting of :mod:`teiki.report.formatting`.

One small demo shop (1,500 customers) is built per module; one customer channel is renamed to text that a
spreadsheet would run as a formula and a browser would read as markup, to show both files make it inert.
"""

from __future__ import annotations

import datetime as dt
import doctest
import inspect
import json
import math
import re
from pathlib import Path

import openpyxl
import pytest

import teiki
from teiki.demo import generate
from teiki.errors import TeikiError
from teiki.messages import say
from teiki.report import charts, pagedata
from teiki.report.export import safe_cell
from teiki.report.formatting import fmt, fmt_change
from teiki.report.htmlfile import write_html
from teiki.report.workbook import write_workbook

EVIL = "=2+3 <i>x</i>"  # a first channel that looks like a formula and like markup
SHEETS = {"ja": ["概要", "定期継続率", "LTV", "CPM", "解約", "予測"],
          "en": ["Overview", "Retention", "LTV", "CPM", "Cancellations", "Forecast"]}
AS_OF = {"ja": "2026-10-31", "en": "2026-03-31"}  # of the workbooks; the demo's last order is on 2026-10-31
FIGURE = re.compile(r'<script type="application/json" class="teiki-figure" data-target="([^"]+)">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report_files")
    files = generate(folder / "demo", customers=1500, seed=3)
    people = files["customers"]
    text = people.read_text(encoding="utf-8")
    assert "アフィリエイト" in text
    people.write_text(text.replace("アフィリエイト", EVIL), encoding="utf-8")
    s = teiki.open(folder / "shop.duckdb")
    s.import_files(list(files.values()))
    yield s
    s.close()


@pytest.fixture(scope="module")
def reports(shop, tmp_path_factory) -> dict[str, Path]:
    """Both files in both languages, as of the last order date (the English workbook as of an earlier date)."""
    folder = tmp_path_factory.mktemp("out")
    return {"xlsx_ja": write_workbook(shop, folder / "r.xlsx"),
            "xlsx_en": write_workbook(shop, folder / "r_en.xlsx", as_of=AS_OF["en"], lang="en"),
            "html_ja": write_html(shop, folder / "r.html"),
            "html_en": write_html(shop, folder / "r_en.html", lang="en")}


def rows_of(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def row_labelled(ws, label: str):
    """The first row whose first cell is ``label`` (as openpyxl cells)."""
    for row in ws.iter_rows():
        if row[0].value == label:
            return row
    raise AssertionError(f"no row {label!r} in {ws.title}")


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(("value", "kind", "text"), [
    (12345, "yen", "¥12,345"),
    (12345.4, "yen", "¥12,345"),
    (1234567.8, "yen", "¥1,234,568"),
    (-1980, "yen", "−¥1,980"),
    (0.123, "pct", "12.3%"),
    (0.1234, "pct", "12.3%"),
    (1.0, "pct", "100.0%"),
    (0.0, "pct", "0.0%"),
    (1234, "int", "1,234"),
    (0, "int", "0"),
    (1234567, "int", "1,234,567"),
    (5.0179, "num", "5.02"),
    (-0.0001, "yen", "¥0"),
])
def test_fmt_examples(value, kind, text):
    assert fmt(value, kind, "ja") == text
    assert fmt(value, kind, "en") == text


@pytest.mark.parametrize("kind", ["yen", "pct", "int", "num"])
def test_fmt_missing_is_a_dash(kind):
    assert fmt(None, kind, "ja") == "—"
    assert fmt(math.nan, kind, "en") == "—"
    assert fmt_change(None, kind, "ja") == "—"


@pytest.mark.parametrize(("change", "kind", "lang", "text"), [
    (0.012, "pct", "ja", "+1.2pt"),
    (-0.003, "pct", "ja", "−0.3pt"),
    (0.012, "pct", "en", "+1.2 pt"),
    (-0.0004, "pct", "ja", "±0.0pt"),
    (1234, "yen", "ja", "+¥1,234"),
    (-1234.4, "yen", "ja", "−¥1,234"),
    (1234, "int", "ja", "+1,234"),
    (-56, "int", "en", "−56"),
    (0, "int", "ja", "±0"),
])
def test_fmt_change_examples(change, kind, lang, text):
    assert fmt_change(change, kind, lang) == text


def test_fmt_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        fmt(1, "percent", "ja")


# --------------------------------------------------------------------------- workbook


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_workbook_has_one_sheet_per_area_with_charts(reports, lang):
    wb = openpyxl.load_workbook(reports[f"xlsx_{lang}"])
    assert wb.sheetnames == SHEETS[lang]
    least = dict(zip(SHEETS[lang], [1, 2, 2, 2, 4, 2], strict=True))  # subscribers; curves+dropout; ...
    for ws in wb.worksheets:
        assert len(ws._charts) >= least[ws.title], ws.title
        assert AS_OF[lang] in str(ws["A1"].value), ws.title  # the title line names the as-of date


def test_workbook_headline_equals_the_kpis(shop, reports):
    ws = openpyxl.load_workbook(reports["xlsx_ja"])["概要"]
    k = shop.kpis().to_dict()
    header = row_labelled(ws, "KPI")
    assert [c.value for c in header[1:3]] == ["2026-10-31 時点", "2026-09-30 時点"]
    previous = shop.kpis(dt.date(2026, 9, 30)).to_dict()
    formats = {"顧客数": ("customers", "#,##0"), "累計売上": ("revenue", "¥"),
               "F2転換率": ("f2_conversion", "0.0%")}
    for label, (key, number_format) in formats.items():
        row = row_labelled(ws, label)
        assert row[1].value == pytest.approx(k[key]) and row[2].value == pytest.approx(previous[key])
        assert number_format in row[1].number_format
    f2 = row_labelled(ws, "F2転換率")
    assert f2[3].value == pytest.approx((k["f2_conversion"] - previous["f2_conversion"]) * 100)  # points
    assert "pt" in f2[3].number_format
    assert row_labelled(ws, "年間LTV (1人あたり売上)")[1].value == pytest.approx(k["ltv"]["mean_revenue"])
    for n in (2, 3, 6, 12):
        retention = row_labelled(ws, f"定期継続率 {n}回目")[1].value
        assert retention == pytest.approx(k["retention_by_delivery"][str(n)])


def test_workbook_tables_carry_number_formats(shop, reports):
    wb = openpyxl.load_workbook(reports["xlsx_ja"])
    ltv = pagedata.ltv(shop)["channel"]
    first = ltv[0]
    row = row_labelled(wb["LTV"], safe_cell(first["group"]))
    assert row[1].value == first["customers"] and row[1].number_format == "#,##0"
    assert row[3].value == pytest.approx(first["ltv_mean_revenue"]) and "¥" in row[3].number_format
    assert row[7].value == pytest.approx(first["f2_conversion"]) and row[7].number_format == "0.0%"
    heat = wb["定期継続率"].conditional_formatting
    assert any(rule.type == "colorScale" for cf in heat for rule in cf.rules)


def test_workbook_makes_formula_text_inert(reports):
    wb = openpyxl.load_workbook(reports["xlsx_ja"])
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and "2+3" in cell.value:
                    found.append(cell.value)
    assert found and all(v == "'" + EVIL for v in found)


def test_workbook_as_of_an_earlier_date(shop, reports):
    ws = openpyxl.load_workbook(reports["xlsx_en"])["Overview"]
    k = shop.kpis(dt.date(2026, 3, 31)).to_dict()
    assert row_labelled(ws, say("head_customers", "en"))[1].value == k["customers"]
    assert row_labelled(ws, say("head_revenue", "en"))[1].value == pytest.approx(k["revenue"])


# --------------------------------------------------------------------------- HTML


def figures(html: str) -> dict[str, dict]:
    return {target: json.loads(body) for target, body in FIGURE.findall(html)}


def expected_figures(shop, lang: str) -> list[dict]:
    """Every chart of teiki.report.charts, built straight from pagedata."""
    o, r, v = pagedata.overview(shop), pagedata.retention(shop), pagedata.ltv(shop)
    p, c, f = pagedata.portfolio(shop), pagedata.cancellations(shop), pagedata.forecast(shop)
    return [charts.subscribers_by_month(o, lang), charts.retention_curves(r, lang), charts.stepwise_dropout(r, lang),
            charts.retention_heatmap(r, lang), charts.ltv_bars(v, "cohort", lang), charts.ltv_bars(v, "channel", lang),
            charts.ltv_decomposition(v, lang), charts.revenue_shares(p, lang), charts.history_stacked(p, lang),
            charts.reasons_by_delivery(c, lang), charts.reasons_by_product(c, lang), charts.churn_by_month(c, lang),
            charts.offer_rates(c, lang), charts.forecast_curve(f, lang), charts.break_even_cpa(f, lang),
            charts.cumulative_gross_profit(f, lang)]


def test_expected_figures_cover_every_chart_function():
    public = {name for name, f in inspect.getmembers(charts, inspect.isfunction)
              if f.__module__ == charts.__name__ and not name.startswith("_") and name not in ("segment_label", "group_name")}
    called = set(re.findall(r"charts\.(\w+)\(", inspect.getsource(expected_figures)))
    assert public == called


def test_html_is_self_contained(reports):
    html = reports["html_ja"].read_text(encoding="utf-8")
    assert reports["html_ja"].stat().st_size > 3_000_000
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed)\b[^>]*>", html, re.I)
    assert not [t for t in tags if re.search(r"\b(?:src|href)\s*=", t, re.I)]
    assert "<link" not in html.lower()
    style = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    assert style and "http" not in style and "@import" not in style
    assert '<meta charset="utf-8">' in html
    plotly = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert len(plotly) > 3_000_000 and "Plotly" in plotly and "plotly.js v" in plotly[:500]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_has_every_chart_with_data(shop, reports, lang):
    html = reports[f"html_{lang}"].read_text(encoding="utf-8")
    found = figures(html)
    want = expected_figures(shop, lang)
    assert len(found) == len(want) == 16
    assert sorted(f["layout"]["title"]["text"] for f in found.values()) == \
        sorted(f["layout"]["title"]["text"] for f in want)
    for target, fig in found.items():
        assert f'<div class="figure" id="{target}">' in html
        assert fig["data"], target
        assert any(trace.get(axis) for trace in fig["data"] for axis in ("x", "y", "z")), target
    by_title = {f["layout"]["title"]["text"]: f for f in found.values()}
    curves = want[1]
    assert by_title[curves["layout"]["title"]["text"]]["data"][0]["y"] == pytest.approx(curves["data"][0]["y"])


def test_html_is_japanese_by_default_and_english_on_request(shop, reports):
    ja = reports["html_ja"].read_text(encoding="utf-8")
    en = reports["html_en"].read_text(encoding="utf-8")
    assert '<html lang="ja">' in ja and '<html lang="en">' in en
    for label in ("<h2>概要</h2>", "<h2>定期継続率</h2>", "<h2>解約</h2>", ">顧客数<", "主要 KPI"):
        assert label in ja and label not in en
    for label in ("<h2>Overview</h2>", "<h2>Retention</h2>", "<h2>Cancellations</h2>", "Headline KPIs"):
        assert label in en and label not in ja
    assert "2026-10-31" in re.search(r"<title>(.*?)</title>", ja).group(1)


def test_html_cards_show_formatted_headline(shop, reports):
    html = reports["html_ja"].read_text(encoding="utf-8")
    k = shop.kpis().to_dict()
    cards = dict(re.findall(r'<div class="label">(.*?)</div>\s*<div class="value">(.*?)</div>', html))
    assert cards["顧客数"] == f'{k["customers"]:,}'
    assert cards["累計売上"] == f'¥{round(k["revenue"]):,}'
    assert cards["F2転換率"] == f'{k["f2_conversion"] * 100:.1f}%'
    assert cards["定期継続率 2回目"] == f'{k["retention_by_delivery"]["2"] * 100:.1f}%'


def test_html_escapes_text_from_the_data(reports):
    html = reports["html_ja"].read_text(encoding="utf-8")
    assert "<i>x</i>" not in html
    assert "=2+3 &lt;i&gt;x&lt;/i&gt;" in html


def test_formatting_docstring_examples():
    from teiki.report import formatting

    assert doctest.testmod(formatting).failed == 0


@pytest.mark.parametrize("writer", [write_workbook, write_html])
def test_an_empty_shop_writes_no_file(tmp_path, writer):
    with teiki.open(tmp_path / "empty.duckdb") as empty:
        with pytest.raises(TeikiError):
            writer(empty, tmp_path / "out.file")
    assert not (tmp_path / "out.file").exists()


# ------------------------------------------------------------------ the command


def test_teiki_report_writes_the_file_its_suffix_names(demo_db, tmp_path):
    from typer.testing import CliRunner

    from teiki.cli.main import app

    for name in ("r.xlsx", "r.html"):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["--db", str(demo_db), "--lang", "en", "report", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 10_000 and "Report written" in result.output
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Overview"
    bad = CliRunner().invoke(app, ["--db", str(demo_db), "report", "--out", str(tmp_path / "r.pdf")])
    assert bad.exit_code == 2 and ".xlsx" in bad.output and not (tmp_path / "r.pdf").exists()


def test_no_nan_or_infinity_reaches_json_csv_or_excel(tmp_path):
    """A number a model cannot compute is shown as missing: null in JSON, an empty cell in CSV and Excel."""
    import json as json_module

    import openpyxl

    from teiki.report.export import to_json, write_csv, write_xlsx

    records = [{"group": "M01", "p": float("nan"), "q": float("inf"), "r": 0.25, "nested": [float("-inf"), 1.0]}]
    assert json_module.loads(to_json({"groups": records})) == {
        "groups": [{"group": "M01", "p": None, "q": None, "r": 0.25, "nested": [None, 1.0]}]}
    csv_path = write_csv([{k: v for k, v in records[0].items() if k != "nested"}], tmp_path / "x.csv")
    assert csv_path.read_text(encoding="utf-8-sig").splitlines() == ["group,p,q,r", "M01,,,0.25"]
    xlsx = write_xlsx({"s": [{k: v for k, v in records[0].items() if k != "nested"}]}, tmp_path / "x.xlsx")
    cells = [c.value for c in next(openpyxl.load_workbook(xlsx).active.iter_rows(min_row=2))]
    assert cells == ["M01", None, None, 0.25]
