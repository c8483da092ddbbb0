"""The CPM and RFM reports as plain objects: what ``teiki cpm`` prints and the DataFrames of the shop.

Each report runs the Ibis expressions of :mod:`teiki.segments.cpm`,
:mod:`~teiki.segments.movement` and :mod:`~teiki.segments.rfm` (a handful of
small results) and shapes them; ``to_dict()`` is the JSON, ``records()`` the
rows of the CSV / Excel / DataFrame output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import ibis.expr.types as ir

from teiki.errors import TeikiError
from teiki.segments import movement, rfm, thresholds
from teiki.segments.cpm import (
    BY_KEY,
    CORE,
    HEALTHY_SHARE,
    KEYS,
    SEGMENTS,
    classified,
    customer_axes,
    segment_totals,
)
from teiki.segments.thresholds import Thresholds
from teiki.store import results

SCHEMA_VERSION = 1


def resolve(spec: str | Path | Thresholds | None, facts: ir.Table, as_of: dt.date | None) -> Thresholds:
    """``default`` (or None), ``auto`` (from the order facts up to ``as_of``), a TOML file, or given."""
    if isinstance(spec, Thresholds):
        return spec
    if spec is None or spec == "default":
        return thresholds.DEFAULT
    if spec == "auto":
        return thresholds.auto(facts, as_of)
    path = Path(spec)
    if not path.is_file():
        raise TeikiError("bad_thresholds_choice", value=str(spec))
    return thresholds.load(path)


def segment_key(name: str) -> str:
    """A segment's key from its key, Japanese label or English label (``優良客`` → ``loyal``)."""
    for s in SEGMENTS:
        if name in (s.key, s.label_ja) or name.lower() == s.label_en.lower():
            return s.key
    raise TeikiError("unknown_segment", name=name, choices=", ".join(KEYS))


def _shares(got: dict[str, dict], keys) -> tuple[int, float, dict[str, dict]]:
    """Total customers, total revenue_365d and, per group key (CPM segment or RFM group), customers,
    customer_share, revenue_365d, revenue_share and mean_cumulative_amount (zeros for an empty group)."""
    customers = sum(int(r["customers"]) for r in got.values())
    revenue = float(sum(r["revenue_365d"] or 0.0 for r in got.values()))
    stats = {}
    for key in keys:
        r = got.get(key, {})
        n, rev = int(r.get("customers") or 0), float(r.get("revenue_365d") or 0.0)
        stats[key] = {"customers": n, "customer_share": n / customers if customers else None,
                      "revenue_365d": rev, "revenue_share": rev / revenue if revenue else None,
                      "mean_cumulative_amount": r.get("mean_cumulative_amount")}
    return customers, revenue, stats


@dataclass
class Portfolio:
    """The ten CPM segments as of one date (``teiki cpm --format json``)."""

    as_of: str | None
    thresholds: dict
    customers: int
    revenue_365d: float
    segments: list[dict]
    core_revenue_share: float | None
    healthy: bool | None
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        return [dict(s) for s in self.segments]


def portfolio(orders: ir.Table, as_of: dt.date | None, t: Thresholds, summary: ir.Table | None = None) -> Portfolio:
    """The ten segments of the customers with a purchase by ``as_of`` (``orders``: all order facts;
    ``summary``: see :func:`~teiki.segments.cpm.customer_axes`)."""
    got = {}
    if as_of is not None:
        got = {r["segment"]: r for r in results.rows(segment_totals(classified(orders, as_of, t, summary)))}
    customers, revenue, stats = _shares(got, [x.key for x in SEGMENTS])
    segments = [{"key": x.key, "label_ja": x.label_ja, "label_en": x.label_en, "active": x.active, **stats[x.key]}
                for x in SEGMENTS]
    core = sum(float(got.get(k, {}).get("revenue_365d") or 0.0) for k in CORE)
    share = core / revenue if revenue else None
    return Portfolio(
        as_of=as_of.isoformat() if as_of else None, thresholds=t.to_dict(), customers=customers,
        revenue_365d=revenue, segments=segments, core_revenue_share=share,
        healthy=None if share is None else share >= HEALTHY_SHARE,
    )


@dataclass
class History:
    """Head-counts per segment at the end of each month (``teiki cpm --history FROM TO``)."""

    start: str
    end: str
    thresholds: dict
    snapshots: list[dict]  # {"month", "as_of", "partial", "counts": {key: n}}
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        return [{"month": s["month"], "as_of": s["as_of"], "partial": s["partial"], **s["counts"]}
                for s in self.snapshots]


def history(orders: ir.Table, start: dt.date, end: dt.date, t: Thresholds) -> History:
    """Monthly snapshots from ``start``'s month to ``end`` (``orders``: all order facts)."""
    if end < start:
        raise TeikiError("range_reversed", start=start.isoformat(), end=end.isoformat())
    dates = movement.snapshot_dates(start, end)
    counts: dict[int, dict[str, int]] = {i: dict.fromkeys(KEYS, 0) for i in range(len(dates))}
    for r in results.rows(movement.history(orders, dates, t)):
        counts[r["snapshot"]][r["segment"]] = int(r["customers"])
    snapshots = []
    for i, d in enumerate(dates):
        month_end = (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        snapshots.append({"month": d.strftime("%Y-%m"), "as_of": d.isoformat(), "partial": d < month_end,
                          "counts": counts[i]})
    return History(start.isoformat(), end.isoformat(), t.to_dict(), snapshots)


@dataclass
class Migration:
    """Where the customers of D1's segments are at D2 (``teiki cpm --migration D1 D2``)."""

    start: str
    end: str
    thresholds: dict
    matrix: dict[str, dict[str, int]]  # from (segment at D1 or "new") → to (segment at D2) → customers
    moves: dict[str, int]  # customers per named move (movement.MOVES)
    cells: list[dict]  # {"from", "to", "customers", "move"} for every non-empty cell
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        return [{"from": src, **row} for src, row in self.matrix.items()]


def migration(orders: ir.Table, d1: dt.date, d2: dt.date, t: Thresholds,
              summary: ir.Table | None = None) -> Migration:
    """The migration matrix between ``d1`` and ``d2`` (``orders``: all order facts)."""
    if d2 < d1:
        raise TeikiError("range_reversed", start=d1.isoformat(), end=d2.isoformat())
    matrix = {src: dict.fromkeys(KEYS, 0) for src in (*KEYS, movement.NEW)}
    moves = dict.fromkeys(movement.MOVES, 0)
    cells = []
    for r in sorted(results.rows(movement.migration(orders, d1, d2, t, summary)), key=lambda r: (_order(r["src"]), _order(r["dst"]))):
        n = int(r["customers"])
        matrix[r["src"]][r["dst"]] = n
        name = movement.move(r["src"], r["dst"])
        moves[name] += n
        cells.append({"from": r["src"], "to": r["dst"], "customers": n, "move": name})
    return Migration(d1.isoformat(), d2.isoformat(), t.to_dict(), matrix, moves, cells)


def _order(key: str) -> int:
    return KEYS.index(key) if key in BY_KEY else len(KEYS)


@dataclass
class RFM:
    """RFM groups as of one date (``teiki cpm --rfm``)."""

    as_of: str | None
    customers: int
    groups: list[dict]
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        return [dict(g) for g in self.groups]


def rfm_report(orders: ir.Table, as_of: dt.date | None, summary: ir.Table | None = None) -> RFM:
    """Customers, revenue in the last 365 days and mean cumulative amount per RFM group (``orders``: all
    order facts)."""
    got = {}
    if as_of is not None:
        got = {r["rfm_group"]: r for r in results.rows(rfm.group_totals(rfm.scores(customer_axes(orders, as_of, summary))))}
    customers, _, stats = _shares(got, rfm.GROUP_KEYS)
    groups = [{"key": k, "label_ja": rfm.GROUP_LABELS[k][0], "label_en": rfm.GROUP_LABELS[k][1], **stats[k]}
              for k in rfm.GROUP_KEYS]
    return RFM(as_of.isoformat() if as_of else None, customers, groups)
