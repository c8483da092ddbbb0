"""The shop's campaigns with a holdout (seed 002) and the retention-call economics (seed 003)
(docs/actions_campaigns.md). The analytics (scipy's intervals among them) load when a method first runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from teiki.errors import TeikiError
from teiki.shop.base import Date
from teiki.shop.convert import convert, table_result
from teiki.shop.portfolio import PortfolioMethods


class CampaignMethods(PortfolioMethods):  # a campaign's members are a CPM segment's
    # ------------------------------------------------------------------ retention-call economics (seed 003)

    def call_economics(self, requests: int, cost_per_call: float, unit_price: float | None,
                       save_rates: Sequence[float], *, from_data: bool = False, as_of: Date = None):
        """The monthly result of cancellation calls per save rate (:class:`teiki.actions.economics.CallEconomics`):
        a save is worth one delivery at ``unit_price`` (seed 003), or with ``from_data`` the saved
        subscription's expected further deliveries × unit price × gross margin (``unit_price`` None: the
        shop's regular-delivery price); ``.assumptions`` says what was used."""
        from teiki.actions import economics

        if not from_data:
            return call_economics(requests, cost_per_call, unit_price, save_rates)
        economics.check(requests, cost_per_call, unit_price, save_rates)  # before reading the data
        price, value, assumptions = economics.valued_from_data(self.view(as_of), unit_price)
        return economics.simulate(requests, cost_per_call, price, save_rates, value_per_save=value,
                                  assumptions=assumptions)

    def simulate_calls(self, requests: int, cost_per_call: float, unit_price: float | None,
                       save_rates: Sequence[float], from_data: bool = False, as_of: Date = None, *,
                       output: str = "pandas"):
        """One row per save rate: save_rate, calls, saves, value_per_save, expected_sales, cost, net, gap_month and
        gap_year (each rate's net less the lowest rate's). Seed 003: ``simulate_calls(2000, 300, 5000,
        [0.05, 0.15])`` → nets −¥100,000 and +¥900,000, a gap of ¥1,000,000 a month, ¥12,000,000 a year. With
        pandas output, ``.attrs`` holds the gap and the assumptions (see :meth:`call_economics`)."""
        result = self.call_economics(requests, cost_per_call, unit_price, save_rates, from_data=from_data,
                                     as_of=as_of)
        table = convert(result.records(), output)
        if output == "pandas":
            table.attrs = {"gap_month": result.gap_month, "gap_year": result.gap_year, "basis": result.basis,
                           "assumptions": result.assumptions}
        return table

    # ------------------------------------------------------------------ campaigns with a holdout (seed 002)

    def create_campaign(self, name: str, *, segment: str | None = None,
                        customers: str | Path | Sequence[str] | None = None, as_of: Date = None,
                        holdout: float = 0.1, seed: int | None = None, thresholds="default",
                        why: str | None = None, when: str | None = None, what: str | None = None,
                        how: str | None = None) -> dict:
        """Store a campaign: the members of CPM ``segment`` on ``as_of`` (default: the last order date) or the
        ``customers`` (a list file with a customer_id column, or ids), split by a seeded draw into treatment
        and a ``holdout`` share; ``seed`` None draws one (recorded). Returns the stored record. Writes to the
        database in one transaction; nothing is stored when a check fails."""
        from teiki.actions import campaigns
        from teiki.segments.portfolio import segment_key

        store, name, seed = campaigns.check_new(self.store, name, segment=segment, customers=customers,
                                                holdout=holdout, seed=seed)
        view = self.dated_view(as_of)
        t = self.thresholds(thresholds, view.as_of)
        key = file = None
        if segment is not None:
            key = segment_key(segment)
            found = self.segment_customers(key, view.as_of, t, contact=False, output="pyarrow")
            ids = found.column("customer_id")
        else:
            ids, file = campaigns.listed_members(view, customers)
        return campaigns.save_new(store, name, view.as_of, ids, segment=key, file=file, holdout=holdout, seed=seed,
                                  thresholds=t, texts=(why, when, what, how))

    @table_result
    def campaigns(self):
        """One row per stored campaign: name, start_date, source, segment / list_file, group sizes, holdout
        fraction, seed, created_at and who / why / when / what / how."""
        from teiki.actions import campaigns

        return campaigns.listing(self.store)

    @table_result
    def campaign_members(self, name: str, personal: bool = False, *, group: str | None = None):
        """customer_id and group (treatment / holdout) of each member; with ``personal``, name, phone and email
        too (a contact list); ``group`` keeps one group."""
        from teiki.actions import campaigns

        return campaigns.members(self.store, self.source().customers, name, personal=personal, group=group)

    def campaign_report(self, name: str, as_of: Date = None):
        """The campaign's effect as of ``as_of`` (default: the last order date), treatment against holdout:
        F2, retention, moves up / down the CPM map with differences and 95% intervals, and the contacts
        logged since the start (:class:`teiki.actions.campaign_effect.CampaignReport`)."""
        from teiki.actions import campaign_effect, campaigns
        from teiki.store import campaigns as stored

        record = campaigns.record_of(self.store, name)
        start_day: dt.date = record["start_date"]
        end = self.dated_view(as_of)
        if end.as_of < start_day:
            raise TeikiError("camp_report_before_start", name=name, as_of=end.as_of.isoformat(),
                             start=start_day.isoformat())
        members = stored.members(self.store, name)
        return campaign_effect.report(campaigns.public(record), end.source, start_day, end.as_of, members,
                                      campaigns.thresholds_of(record))

    def delete_campaign(self, name: str) -> None:
        """Remove a campaign and its members (in one transaction)."""
        from teiki.actions import campaigns

        campaigns.delete(self.store, name)


def call_economics(requests: int, cost_per_call: float, unit_price: float | None, save_rates: Sequence[float]):
    """Seed 003's economics with a save worth one delivery at ``unit_price``: reads no shop data, so it needs no
    shop (``teiki simulate calls`` without ``--from-data``). See :meth:`CampaignMethods.call_economics`."""
    from teiki.actions import economics

    return economics.simulate(requests, cost_per_call, unit_price, save_rates)
