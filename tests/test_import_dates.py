"""Dates an import accepts (issue 16, item 5): two-digit years only with an explicit ``date_format``, the
settable 1990 … a-year-ahead window, and the default as-of date that ignores orders dated ahead."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import rows, write_csv

from teiki.errors import DataError, InputError

SHORT = ["order_id", "customer_id", "ordered_at", "product_id", "amount"]


def test_a_mapping_date_format_reads_two_digit_years(shop, tmp_path):
    mapping = tmp_path / "yy.toml"
    mapping.write_text('date_format = "%y/%m/%d"\n', encoding="utf-8")
    path = write_csv(tmp_path / "orders.csv", SHORT, [["O1", "C1", "24/10/01", "P1", 100],
                                                      ["O2", "C1", "99/12/31", "P1", 100]])
    with pytest.raises(DataError) as info:  # 99 is 1999: within the window only when the limit allows it
        shop.import_files([path], mapping=mapping, earliest_date="2000-01-01")
    assert "ordered_at (受注日時) is before 2000-01-01 in 1 row(s) (row 3: '1999-12-31')" in info.value.render("en")
    shop.import_files([path], mapping=mapping)
    assert [r["ordered_at"] for r in rows(shop, "orders")] == [dt.datetime(2024, 10, 1), dt.datetime(1999, 12, 31)]


def test_a_date_format_that_cannot_read_a_cell_names_it(shop, tmp_path):
    mapping = tmp_path / "yy.toml"
    mapping.write_text('date_format = "%y/%m/%d"\n', encoding="utf-8")
    path = write_csv(tmp_path / "orders.csv", SHORT, [["O1", "C1", "2024-10-01", "P1", 100]])
    with pytest.raises(DataError) as info:
        shop.import_files([path], mapping=mapping)
    assert "ordered_at (受注日時) cannot be read as a date in 1 row(s) (row 2: '2024-10-01')" in info.value.render("en")


@pytest.mark.parametrize("value", ["%Y", "%H:%M", "nonsense", "%y/%m/%d %Q"])
def test_a_date_format_without_year_month_and_day_is_refused(shop, tmp_path, value):
    mapping = tmp_path / "bad.toml"
    mapping.write_text(f'date_format = "{value}"\n', encoding="utf-8")
    path = write_csv(tmp_path / "orders.csv", SHORT, [["O1", "C1", "2024-10-01", "P1", 100]])
    with pytest.raises(InputError) as info:
        shop.import_files([path], mapping=mapping)
    assert info.value.render("en").startswith(f"bad.toml: cannot read the mapping file: date_format = '{value}'")


def test_the_date_window_is_settable(shop, tmp_path):
    path = write_csv(tmp_path / "orders.csv", SHORT, [["O1", "C1", "1985-04-01", "P1", 100]])
    with pytest.raises(DataError):
        shop.import_files([path])
    shop.import_files([path], earliest_date="1980-01-01")
    assert rows(shop, "orders")[0]["ordered_at"] == dt.datetime(1985, 4, 1)


def test_the_default_as_of_date_is_the_last_order_not_after_today(shop, tmp_path):
    today = dt.date.today()
    ahead = today + dt.timedelta(days=200)  # a pre-order, within the year an import accepts
    path = write_csv(tmp_path / "orders.csv", SHORT, [
        ["O1", "C1", (today - dt.timedelta(days=40)).isoformat(), "P1", 100],
        ["O2", "C2", (today - dt.timedelta(days=10)).isoformat(), "P1", 100],
        ["O3", "C3", ahead.isoformat(), "P1", 100],
    ])
    shop.import_files([path])
    assert shop.as_of() == today - dt.timedelta(days=10)
    assert shop.as_of(ahead) == ahead  # asked for, the later day is still there
