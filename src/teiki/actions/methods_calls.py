"""The :class:`teiki.Shop` methods of the calls actions (a mixin of Shop)."""

from __future__ import annotations

import datetime as dt

from teiki.actions.calls_list import DEFAULT_RECENT_DAYS
from teiki.actions.runout import DEFAULT_LEAD_DAYS
from teiki.errors import TeikiError


class CallMethods:
    """Shop methods for the calls actions; ``self`` is the :class:`teiki.Shop` (see ``self.view(as_of)``)."""

    def runout(self, as_of: dt.date | str | None = None, *, lead_days: int = DEFAULT_LEAD_DAYS,
               output: str = "pandas"):
        """The run-out schedule as of ``as_of`` (default: the last order date; ``"today"``: today): one row per
        (customer, product) still holding the product — last order, quantity, days per unit and its source,
        carry-over, run-out date, the covering subscription's next delivery and the call date (run-out −
        ``lead_days``; empty when a subscription delivery arrives first). See teiki.actions.runout."""
        from teiki.actions import runout
        from teiki.shop import _convert
        from teiki.store import results

        _check_days("--lead-days", lead_days)
        view = self._calls_view(as_of)
        expr = runout.schedule(view, lead_days)
        return _convert(results.arrow(expr.order_by(["runout_date", "customer_id", "product_id"])), output)

    def calls(self, date: dt.date | str | None = None, *, lead_days: int = DEFAULT_LEAD_DAYS,
              recent_days: int = DEFAULT_RECENT_DAYS, personal: bool = True, lang: str = "ja",
              output: str = "pandas"):
        """Today's call list for ``date`` (default: the last order date; ``"today"``: today): one row per customer
        whose call date (run-out − ``lead_days``) has come and whose product has not run out yet, without those
        who opted out (a contact with outcome ``opted_out``) or were contacted within ``recent_days``, in
        ``priority`` order, with the ``reason`` in ``lang`` (ja / en). ``name`` and ``phone`` only with
        ``personal``. See teiki.actions.calls_list."""
        from teiki.actions import calls_list, calls_reason, runout
        from teiki.shop import _convert
        from teiki.store import results

        _check_days("--lead-days", lead_days)
        _check_days("--recent-days", recent_days)
        view = self._calls_view(date)
        due = calls_list.due_calls(view, runout.schedule(view, lead_days, due_only=True), recent_days, personal)
        return _convert(calls_reason.call_list(results.arrow(due), lang, personal), output)

    def _calls_view(self, day):
        view = self.view(call_day(day))
        if view.as_of is None:
            raise TeikiError("no_orders")
        return view


def call_day(value: dt.date | str | None) -> dt.date | str | None:
    """The day a list is for: ``"today"`` is today's date; anything else as given (None: the last order date)."""
    if isinstance(value, str) and value.strip().lower() == "today":
        return dt.date.today()
    return value


def _check_days(option: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TeikiError("calls_bad_days", option=option, value=value)
