"""The shop's call actions (SPEC §6, seed 000): the run-out schedule and today's call list
(docs/actions_calls.md)."""

from __future__ import annotations

from teiki.actions import calls_list, calls_reason
from teiki.actions import runout as schedules
from teiki.actions.calls_list import DEFAULT_RECENT_DAYS
from teiki.actions.runout import DEFAULT_LEAD_DAYS
from teiki.errors import TeikiError
from teiki.shop.base import Date, ShopBase
from teiki.shop.convert import table_result
from teiki.store import results


class CallMethods(ShopBase):
    @table_result
    def runout(self, as_of: Date = None, *, lead_days: int = DEFAULT_LEAD_DAYS):
        """The run-out schedule as of ``as_of`` (default: the last order date; ``"today"``: today): one row per
        (customer, product) still holding the product — last order, quantity, days per unit and its source,
        carry-over, run-out date, the covering subscription's next delivery and the call date (run-out −
        ``lead_days``; empty when a subscription delivery arrives first). See teiki.actions.runout."""
        _check_days("--lead-days", lead_days)
        expr = schedules.schedule(self.dated_view(as_of), lead_days)
        return expr.order_by(["runout_date", "customer_id", "product_id"])

    @table_result
    def calls(self, date: Date = None, *, lead_days: int = DEFAULT_LEAD_DAYS,
              recent_days: int = DEFAULT_RECENT_DAYS, personal: bool = True, lang: str = "ja"):
        """Today's call list for ``date`` (default: the last order date; ``"today"``: today): one row per customer
        whose call date (run-out − ``lead_days``) has come and whose product has not run out yet, without those
        who opted out (a contact with outcome ``opted_out``) or were contacted within ``recent_days``, in
        ``priority`` order, with the ``reason`` in ``lang`` (ja / en). ``name`` and ``phone`` only with
        ``personal``. See teiki.actions.calls_list."""
        _check_days("--lead-days", lead_days)
        _check_days("--recent-days", recent_days)
        view = self.dated_view(date)
        due = calls_list.due_calls(view, schedules.schedule(view, lead_days, due_only=True), recent_days, personal)
        return calls_reason.call_list(results.arrow(due), lang, personal)


def _check_days(option: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TeikiError("calls_bad_days", option=option, value=value)
