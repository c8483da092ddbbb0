"""The shop's offer actions (SPEC §6): cross-sell, upsell, save offers and win-back (docs/actions_offers.md)."""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from teiki.actions import associations as assoc
from teiki.actions import offers_crosssell as xsell
from teiki.actions import offers_save as save
from teiki.actions import offers_upsell as upsell
from teiki.actions import winback as wb
from teiki.errors import TeikiError
from teiki.metrics.crosssell import PURCHASE_NUMBERS, cross_sell_rate_at
from teiki.metrics.reasons import OTHER, UNANSWERED, Dictionary
from teiki.metrics.view import View
from teiki.segments import portfolio as seg
from teiki.shop.base import Date, stored_summary
from teiki.shop.convert import table_result
from teiki.shop.portfolio import PortfolioMethods
from teiki.store import results

PERSONAL = ("name", "phone", "email")
WINBACK_BY = ("customer", "segment")
TIMING_SOURCES = ("contacts", "orders")


class OfferMethods(PortfolioMethods):  # win-back reads the CPM segments and the forecast scores
    # ------------------------------------------------------------------ cross-sell

    @table_result
    def associations(self, as_of: Date = None, *, window_days: int = assoc.PAIR_WINDOW_DAYS,
                     min_customers: int = assoc.MIN_CUSTOMERS):
        """Bought-together rules A → B (customers, support, confidence, lift) with at least ``min_customers``
        customers behind them, two purchases at most ``window_days`` apart (teiki.actions.associations)."""
        expr = assoc.pair_rules(self.dated_view(as_of), window_days, min_customers)
        return expr.order_by([ibis.desc("lift"), "antecedent", "consequent"])

    @table_result
    def next_products(self, as_of: Date = None, *, min_customers: int = assoc.MIN_CUSTOMERS):
        """Per first-order product, the next different product customers bought: customers, share, lift."""
        expr = assoc.next_rules(self.dated_view(as_of), min_customers)
        return expr.order_by(["first_product", ibis.desc("share"), "next_product"])

    @table_result
    def cross_sell(self, product: str | None = None, customer: str | None = None, as_of: Date = None, *,
                   window_days: int = assoc.PAIR_WINDOW_DAYS, min_customers: int = assoc.MIN_CUSTOMERS,
                   personal: bool = False):
        """What to offer next (teiki.actions.offers_crosssell). ``customer``: that customer's possible offers,
        best first (rank 1 is the recommendation); ``product``: what goes with that product (bought-together
        and next-product rules); neither: one recommendation per customer (with ``personal``, their name,
        phone and email)."""
        view = self.dated_view(as_of)
        if customer is not None:
            _check_customer(view, customer)
        elif product is not None:
            _check_product(view, product)
        pairs = ibis.memtable(results.arrow(assoc.pair_rules(view, window_days, min_customers)))  # small: once
        if customer is not None:
            return xsell.customer_offers(view, pairs, customer)
        if product is not None:
            nexts = assoc.next_rules(view, min_customers)
            return xsell.product_rules(pairs, nexts, product)
        expr = xsell.recommendations(view, pairs)
        if personal:
            expr = _with_people(view, expr)
        return expr.order_by("customer_id")

    @table_result
    def cross_sell_timing(self, as_of: Date = None, *, source: str = "contacts"):
        """Cross-sell by purchase number: from ``contacts`` (acceptance of cross_sell offers) or ``orders``
        (purchases holding a cross_sell product, and new_product_rate: the first purchase of a product not in
        purchase 1, teiki.metrics.crosssell)."""
        if source not in TIMING_SOURCES:
            raise TeikiError("of_bad_choice", option="source", value=source, choices=", ".join(TIMING_SOURCES))
        view = self.dated_view(as_of)
        if source == "contacts":
            return xsell.acceptance_by_purchase(view)
        table = results.arrow(xsell.cross_sell_by_purchase(view, max(PURCHASE_NUMBERS)))
        c = view.customers
        rates = results.one(c.aggregate(**{f"n{k}": cross_sell_rate_at(c, k) for k in PURCHASE_NUMBERS}))
        new = [rates.get(f"n{k}") for k in table.column("purchase_no").to_pylist()]
        return table.append_column("new_product_rate", pa.array(new, pa.float64()))

    # ------------------------------------------------------------------ upsell

    @table_result
    def upsell_candidates(self, as_of: Date = None, min_delivery: int = upsell.MIN_DELIVERY, *,
                          quiet_days: int = upsell.QUIET_DAYS, personal: bool = False):
        """Active monthly subscriptions to offer a multi-month prepay plan (teiki.actions.offers_upsell)."""
        if min_delivery < 1 or quiet_days < 0:
            raise TeikiError("of_bad_number")
        view = self.dated_view(as_of)
        expr = upsell.candidates(view, min_delivery, quiet_days)
        if personal:
            expr = _with_people(view, expr).order_by([ibis.desc("reached"), ibis.desc("recurring_revenue"),
                                                      "subscription_id"])
        return expr

    @table_result
    def upsell_rates(self, as_of: Date = None, *, min_delivery: int = upsell.MIN_DELIVERY):
        """Upsell acceptance per plan taken, and ``(all)`` (teiki.actions.offers_upsell.plan_rates)."""
        expr = upsell.plan_rates(self.dated_view(as_of), min_delivery)
        return expr.order_by([expr.plan != upsell.ALL, "plan"])

    # ------------------------------------------------------------------ save offers

    @table_result
    def save_offers(self, reason: str | None = None, as_of: Date = None, *, reasons: str | Path | None = None):
        """What to offer in place of a cancellation, per reason category (or for one ``reason``: a category
        name or the customer's words), with each offer's measured save rate (teiki.actions.offers_save)."""
        dictionary = Dictionary.load(reasons)
        view = self.dated_view(as_of)
        offers = results.rows(save.offer_rates(view))
        stated = results.rows(save.reason_rates(view, dictionary))
        categories = [c.name for c in dictionary.categories] + [OTHER, UNANSWERED]
        if reason is not None:
            categories = [save.reason_of(reason, dictionary)]
        return pa.Table.from_pylist(save.save_offer_rows(offers, stated, categories))

    # ------------------------------------------------------------------ win-back

    def winback_report(self, as_of: Date = None, *, thresholds="default", personal: bool = False) -> wb.WinbackReport:
        """Lapsed CPM segments and their customers ranked by the expected value of a return
        (teiki.actions.winback); ``.to_dict()`` is ``teiki winback --format json``."""
        view = self.dated_view(as_of)
        t = seg.resolve(thresholds, view.source.order_facts, view.as_of)
        scores = self.customer_scores(view.as_of, output="pyarrow")
        people = view.source.customers.select("customer_id", *PERSONAL) if personal else None
        return wb.report(view, t, scores, stored_summary(view), people)

    @table_result
    def winback(self, as_of: Date = None, *, by: str = "customer", thresholds="default", personal: bool = False):
        """The win-back list (``by="customer"``, largest expected value first) or the lapsed segments ranked
        (``by="segment"``)."""
        if by not in WINBACK_BY:
            raise TeikiError("of_bad_choice", option="by", value=by, choices=", ".join(WINBACK_BY))
        got = self.winback_report(as_of, thresholds=thresholds, personal=personal and by == "customer")
        if by == "customer":
            return got.customers
        return pa.Table.from_pylist(got.segments)


def _check_customer(view: View, customer: str) -> None:
    c = view.customers
    if not results.scalar(c.filter(c.customer_id == customer).count()):
        raise TeikiError("of_unknown_customer", customer=customer, as_of=view.as_of.isoformat())


def _check_product(view: View, product: str) -> None:
    lines = assoc.lines_by(view)
    if not results.scalar(lines.filter(lines.product_id == product).count()):
        raise TeikiError("of_unknown_product", product=product, as_of=view.as_of.isoformat())


def _with_people(view: View, expr: ir.Table) -> ir.Table:
    """``expr`` with the customers' name, phone and email (for contact lists only)."""
    people = view.source.customers.select(*PERSONAL, _pid="customer_id")
    j = expr.left_join(people, expr.customer_id == people._pid)
    return j.drop("_pid")

