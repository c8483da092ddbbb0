"""The shop's CPM portfolio and RFM (SPEC §4): segments, history, migration, customer lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from teiki.metrics.view import as_date
from teiki.segments import portfolio as seg
from teiki.segments.lists import customer_list
from teiki.segments.movement import NEW
from teiki.segments.thresholds import Thresholds
from teiki.shop.base import Date, stored_summary
from teiki.shop.convert import table_result
from teiki.shop.forecasts import ForecastMethods
from teiki.store import results

HISTORY_MONTHS = 24  # the default span of cpm_history
SCORE_COLUMNS = ("p_alive", "expected_purchases_90d", "expected_spend")
ThresholdSpec = str | Path | Thresholds | None


class PortfolioMethods(ForecastMethods):  # segment lists carry the forecast scores
    def thresholds(self, spec: ThresholdSpec = "default", as_of: Date = None) -> Thresholds:
        """CPM thresholds: ``default``, ``auto`` (from the orders up to ``as_of``) or a TOML file."""
        view = self.view(as_of)
        return seg.resolve(spec, view.source.order_facts, view.as_of)

    def portfolio(self, as_of: Date = None, thresholds: ThresholdSpec = "default") -> seg.Portfolio:
        """The ten CPM segments as of ``as_of``; ``thresholds``: ``default``, ``auto``, a TOML file or a
        :class:`~teiki.segments.Thresholds`. ``.to_dict()`` is ``teiki cpm --format json``."""
        view = self.view(as_of)
        facts = view.source.order_facts
        t = seg.resolve(thresholds, facts, view.as_of)
        return seg.portfolio(facts, view.as_of, t, stored_summary(view))

    @table_result
    def cpm(self, as_of: Date = None, thresholds: ThresholdSpec = "default"):
        """One row per CPM segment (fixed order): customers, revenue_365d, shares, mean cumulative amount."""
        return self.portfolio(as_of, thresholds).records()

    def portfolio_history(self, start: Date = None, end: Date = None,
                          thresholds: ThresholdSpec = "default") -> seg.History:
        """Head-counts per segment at the end of each month from ``start`` (default: 23 months before
        ``end``'s month, not before the first order) to ``end`` (default: the last order date)."""
        view = self.dated_view(end)
        first, _ = view.source.date_range()
        begin = as_date(start)
        if begin is None:
            back = view.as_of.year * 12 + view.as_of.month - 1 - (HISTORY_MONTHS - 1)
            begin = max(dt.date(back // 12, back % 12 + 1, 1), first.replace(day=1))
        t = seg.resolve(thresholds, view.source.order_facts, view.as_of)
        return seg.history(view.source.order_facts, begin, view.as_of, t)

    @table_result
    def cpm_history(self, start: Date = None, end: Date = None, thresholds: ThresholdSpec = "default"):
        """One row per month: month, as_of, partial and the head-count of each of the ten segments."""
        return self.portfolio_history(start, end, thresholds).records()

    def portfolio_migration(self, start: dt.date | str, end: Date = None,
                            thresholds: ThresholdSpec = "default") -> seg.Migration:
        """Customers by segment at ``start`` (``new`` when not yet present) and at ``end``, with the moves."""
        view = self.dated_view(end)
        t = seg.resolve(thresholds, view.source.order_facts, view.as_of)
        return seg.migration(view.source.order_facts, as_date(start), view.as_of, t, stored_summary(view))

    @table_result
    def cpm_migration(self, start: dt.date | str, end: Date = None, thresholds: ThresholdSpec = "default"):
        """The migration matrix: one row per segment at ``start`` (plus ``new``), one column per segment at
        ``end``."""
        return self.portfolio_migration(start, end, thresholds).records()

    def rfm_report(self, as_of: Date = None) -> seg.RFM:
        """RFM groups (quintile scores, the usual R × F map) as of ``as_of``."""
        view = self.view(as_of)
        return seg.rfm_report(view.source.order_facts, view.as_of, stored_summary(view))

    @table_result
    def rfm(self, as_of: Date = None):
        """One row per RFM group: customers, revenue_365d, shares, mean cumulative amount."""
        return self.rfm_report(as_of).records()

    @table_result
    def segment_customers(self, segment: str | None = None, as_of: Date = None,
                          thresholds: ThresholdSpec = "default", *, since: Date = None,
                          since_segment: str | None = None, contact: bool = True, scores: bool = False):
        """The customers of a CPM segment (key or label; all when None) at ``as_of``, with their axes and
        contact columns; with ``since`` / ``since_segment``, one cell of the migration matrix; with
        ``scores``, the one-off buyers' P(alive), expected purchases in 90 days and expected spend
        (:meth:`customer_scores`; empty for subscribers)."""
        view = self.dated_view(as_of)
        t = seg.resolve(thresholds, view.source.order_facts, view.as_of)
        key = seg.segment_key(segment) if segment is not None else None
        before_key = None
        if since_segment is not None:
            before_key = NEW if since_segment == NEW else seg.segment_key(since_segment)
        people = view.source.customers if contact else None
        expr = customer_list(view.source.order_facts, view.as_of, t, key, since=as_date(since),
                             since_segment=before_key, people=people, summary=stored_summary(view))
        table = results.arrow(expr)
        if scores:
            table = _with_scores(table, self.customer_scores(view.as_of, output="pyarrow"))
        return table


def _with_scores(table: pa.Table, scored: pa.Table) -> pa.Table:
    """``table`` (a customer list) with the score columns joined on customer_id, in its own row order."""
    order = pa.array(range(table.num_rows), pa.int64())
    joined = table.append_column("_row", order).join(scored.select(["customer_id", *SCORE_COLUMNS]), "customer_id",
                                                     join_type="left outer")
    return joined.sort_by("_row").drop_columns(["_row"])
