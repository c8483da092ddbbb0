"""Validation of a staged import, as engine queries (never a Python loop over rows).

All row-level checks are counted in one aggregate query grouped by file; only
the checks that fail are queried again for their first offending rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from teiki.errors import Problem
from teiki.io.parse import raw_name
from teiki.store.merge import row_fingerprint
from teiki.store.schema import Column, TableSpec

EXAMPLES = 5
WHOLE_LIMIT = 2**53  # beyond it a float64 holds whole numbers only, and no count is that large
ORDER_LEVEL = ("customer_id", "ordered_at")
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # control characters: no id, name or code holds one (tab is allowed)
MAX_CELL_CHARS = 10_000  # a text cell longer than this is an export error (a whole file in one cell)
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DAYS_AHEAD = 365


def _in_a_year() -> dt.date:
    return dt.date.today() + dt.timedelta(days=LATEST_DAYS_AHEAD)


@dataclass(frozen=True)
class DateLimits:
    """The dates an import accepts: from ``earliest`` (1990-01-01) to ``latest`` (a year after the import day).

    A date outside is an export or typing error (``0024-10-01`` from ``24/10/01``; ``2999-12-31`` as "never")
    that would move every default date and every cohort; a shop with older history sets ``earliest``.
    """

    earliest: dt.date = EARLIEST_DATE
    latest: dt.date = field(default_factory=_in_a_year)


@dataclass
class Check:
    column: Column
    kind: str
    condition: ir.BooleanValue
    shown: ir.Value
    params: dict[str, object]


def _date_checks(column: Column, value: ir.Value, limits: DateLimits) -> list[Check]:
    """Two-digit years (read as year 24), then dates before ``limits.earliest`` or after ``limits.latest``."""
    year = value.year()
    earliest = ibis.literal(limits.earliest) if column.dtype == "date" else ibis.literal(
        dt.datetime.combine(limits.earliest, dt.time()))
    latest = ibis.literal(limits.latest) if column.dtype == "date" else ibis.literal(
        dt.datetime.combine(limits.latest, dt.time.max.replace(microsecond=0)))
    shown = value.cast("date").cast("string")
    return [
        Check(column, "two_digit_year", year.between(2, 99), shown, {}),  # year 1: a "no date" filler, too early
        Check(column, "date_too_early", ~year.between(2, 99) & (value < earliest), shown,
              {"limit": limits.earliest.isoformat()}),
        Check(column, "date_too_late", value > latest, shown, {"limit": limits.latest.isoformat()}),
    ]


def _text_checks(column: Column, value: ir.StringValue) -> list[Check]:
    return [
        Check(column, "control_character", value.re_search(CONTROL), value, {}),
        Check(column, "cell_too_long", value.length() > MAX_CELL_CHARS, value.length(),
              {"limit": f"{MAX_CELL_CHARS:,}"}),
    ]


def _pair_checks(staged: ir.Table, spec: TableSpec) -> list[Check]:
    """Rules between two columns of a row, declared in the schema (``needs``, ``not_before``)."""
    checks = []
    for column in spec.columns:
        value = staged[column.name]
        if column.needs:
            other = spec[column.needs]
            checks.append(Check(column, "needs_column", value.notnull() & staged[other.name].isnull(), value,
                                {"other": f"{other.name} ({other.ja})"}))
        if column.not_before:
            other = spec[column.not_before]
            checks.append(Check(column, "before_column", value < staged[other.name],
                                value.cast("string") + " < " + staged[other.name].cast("string"),
                                {"other": f"{other.name} ({other.ja})"}))
    return checks


def _row_checks(staged: ir.Table, spec: TableSpec, limits: DateLimits) -> list[Check]:
    checks: list[Check] = []
    for column in spec.columns:
        value = staged[column.name]
        raw = staged[raw_name(column.name)] if raw_name(column.name) in staged.columns else None
        if column.is_temporal:
            checks += _date_checks(column, value, limits)
        elif not column.is_numeric and column.choices is None:
            checks += _text_checks(column, value)
        if column.required:
            blank = value.isnull() & raw.isnull() if raw is not None else value.isnull()
            checks.append(Check(column, "missing_value", blank, ibis.null("string"), {}))  # the row says it all
        if raw is not None:
            kind = "bad_date" if column.is_temporal else "bad_number" if column.is_numeric else "unknown_value"
            params = {"choices": ", ".join(column.choices or ()), "name": column.name, "table": spec.name}
            checks.append(Check(column, kind, raw.notnull() & value.isnull(), raw, params))
        if column.dtype == "int64":
            # floor() yields an int64: judged only within range, larger values are reported as too large
            whole = ibis.cases((value.abs() < WHOLE_LIMIT, value != value.floor()), else_=False)
            checks.append(Check(column, "not_whole", whole, value, {}))
            if column.maximum is None:
                checks.append(Check(column, "above_maximum", value >= WHOLE_LIMIT, value, {"limit": WHOLE_LIMIT}))
        if column.minimum is not None:
            checks.append(Check(column, "below_minimum", value < column.minimum, value, {"limit": column.minimum}))
        if column.maximum is not None:
            checks.append(Check(column, "above_maximum", value > column.maximum, value,
                                {"limit": f"{_plain(column.maximum):,}"}))
    return checks + _pair_checks(staged, spec)


def _label(column: Column, header: str | None) -> str:
    shown = f"{column.name} ({column.ja})"
    if header and header != column.name:
        shown += f" ← '{header}'"
    return shown


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def row_problems(staged: ir.Table, spec: TableSpec, files: list[str],
                 headers: list[dict[str, str | None]], limits: DateLimits | None = None) -> list[Problem]:
    """Every failed row-level check of the staged rows, per file, with its first offending rows."""
    checks = _row_checks(staged, spec, limits or DateLimits())
    counts = (
        staged.group_by("_file")
        .aggregate(**{f"c{i}": check.condition.fill_null(False).cast("int64").sum() for i, check in enumerate(checks)})
        .order_by("_file")
        .to_pyarrow()
        .to_pylist()
    )
    problems: list[Problem] = []
    for record in counts:
        file_index = record["_file"]
        for i, check in enumerate(checks):
            count = record[f"c{i}"] or 0
            if not count:
                continue
            examples = (
                staged.filter((staged["_file"] == file_index) & check.condition.fill_null(False))
                .order_by("_row")
                .select(row=staged["_row"], value=check.shown)
                .limit(EXAMPLES)
                .to_pyarrow()
                .to_pylist()
            )
            header = headers[file_index].get(check.column.name)
            problems.append(
                Problem(files[file_index], check.kind, _label(check.column, header), count,
                        [(e["row"], _plain(e["value"])) for e in examples], check.params)
            )
    return problems


def _rows_text(rows: list[int]) -> str:
    return ", ".join(str(r) for r in sorted(rows)[:6]) + (" …" if len(rows) > 6 else "")


def conflict_problems(staged: ir.Table, spec: TableSpec, files: list[str]) -> tuple[list[Problem], int]:
    """Records that contradict each other inside one import (``staged`` holds parsed values).

    Also returns the number of distinct keys in the batch (orders, for orders).

    orders: lines of one order_id that disagree on customer_id or ordered_at,
    and an order_id present in two files with different lines. Other tables: one
    key on several rows with different values (identical repeats are fine).
    """
    key = list(spec.key)
    problems: list[Problem] = []
    if spec.replace_whole_group:
        found, n_keys = _disagreements(staged, key, [(n, spec[n]) for n in ORDER_LEVEL], files,
                                       "conflict_in_order", {})
        problems += found
        if len(files) == 1:
            return problems, n_keys
        per_file = staged.group_by([*key, "_file"]).aggregate(
            fp=row_fingerprint(staged, spec).cast("decimal(38, 0)").sum(), n=staged.count()
        )
        clash = per_file.group_by(key).aggregate(
            files=per_file["_file"].nunique(), fps=(per_file.fp.cast("string") + "/" + per_file.n.cast("string")).nunique(),
            first=per_file["_file"].min(), second=per_file["_file"].max(),
        ).filter(lambda t: (t.files > 1) & (t.fps > 1))
        total = clash.count().to_pyarrow().as_py()
        if total:
            records = clash.order_by(key).limit(EXAMPLES).to_pyarrow().to_pylist()
            first, second = files[records[0]["first"]], files[records[0]["second"]]
            problems.append(Problem(first, "conflict_across_files", spec.key[0], total,
                                    [(None, r[key[0]]) for r in records], {"other": second}))
        return _merge_same(problems), n_keys
    with_fp = staged.mutate(_fp=row_fingerprint(staged, spec))
    found, n_keys = _disagreements(with_fp, key, [("_fp", spec[key[0]])], files,
                                   "conflict_in_key", {"keys": ", ".join(key)})
    return problems + found, n_keys


def _disagreements(staged: ir.Table, key: list[str], fields: list[tuple[str, Column]],
                   files: list[str], kind: str, params: dict[str, object]) -> tuple[list[Problem], int]:
    """Keys whose rows do not all carry the same value of a field, and the number of distinct keys.

    One pass: each row is compared with the first row of its key (a window,
    cheaper than a grouped distinct); only failing fields are queried again.
    """
    window = ibis.window(group_by=key)

    def differs(name: str) -> ir.BooleanValue:
        first = staged[name].first().over(window)
        return (staged[name] != first).fill_null(False) | (staged[name].isnull() != first.isnull())

    flags = {f"d{i}": differs(name) for i, (name, _) in enumerate(fields)}
    joined = staged[key[0]] if len(key) == 1 else ibis.literal("\x1f").join([staged[k].cast("string") for k in key])
    flagged = staged.mutate(_k=joined,
                            _lead=ibis.row_number().over(window) == 0, **flags)
    counts = flagged.aggregate(
        _keys=flagged._lead.cast("int64").sum(), **{f: flagged._k.nunique(where=flagged[f]) for f in flags}
    ).to_pyarrow().to_pylist()[0]
    n_keys = int(counts.pop("_keys") or 0)
    problems = []
    for (flag, count), (_, column) in zip(counts.items(), fields, strict=True):
        if not count:
            continue
        first_keys = flagged.filter(flagged[flag]).select(*key).distinct().order_by(key).limit(EXAMPLES)
        rows = staged.semi_join(first_keys, key)
        grouped = rows.group_by(key).aggregate(rows=rows["_row"].collect(), file=rows["_file"].min())
        examples = grouped.order_by(key).to_pyarrow().to_pylist()
        shown = [("/".join(str(e[k]) for k in key), _rows_text(e["rows"])) for e in examples]
        problems.append(Problem(files[examples[0]["file"]], kind, _label(column, None), count,
                                [(rows_text, k) for k, rows_text in shown], params))
    return problems, n_keys


def _merge_same(problems: list[Problem]) -> list[Problem]:
    """One problem per (file, kind), with the counts added up."""
    merged: dict[tuple[str, str, str], Problem] = {}
    for p in problems:
        key = (p.file, p.check, p.column)
        if key in merged:
            merged[key].count += p.count
            merged[key].examples += p.examples
        else:
            merged[key] = p
    return list(merged.values())
