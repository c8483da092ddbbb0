"""Cross-sell: what to offer each customer next, and when offers work (seeds 000, 002).

**Recommendation** (grain: customer with a purchase by D), :func:`recommendations`:
among the bought-together rules A → B (teiki.actions.associations.pair_rules)
with lift > 1 whose antecedent A the customer holds (bought or subscribed to),
the consequent B they do not hold and that is not a trial product, with the
highest confidence (ties: higher lift, then antecedent and consequent ids).
A customer with no such rule gets no row. Example: rules M01 → X02
(confidence 0.16, lift 1.9) and M01 → X01 (0.12, 1.5); a customer holding M01
and X02 is offered X01 by rule M01 → X01, one holding only M01 is offered X02.

**Timing** (seed 000: offer the cross-sell with the first subscription order),
:func:`acceptance_by_purchase`, grain: contact. A cross_sell contact's
purchase number is the number of the purchase it would join: the customer's
purchases before contacted_at + 1. Per purchase number n:

    acceptance_rate(n) = accepted ÷ (accepted + declined)      (no_answer left out)

Example: contacts after the first purchase (n = 2): 4 accepted, 16 declined →
0.2. :func:`cross_sell_by_purchase` measures the same from orders alone: per
purchase number n, purchases holding a product of category cross_sell ÷ all
purchases number n, and the customers whose *first* such purchase was n ÷
the customers who made purchase n without one before.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.actions.associations import held_products, lines_by
from teiki.metrics.ratio import rate
from teiki.metrics.view import View

RULE_COLUMNS = ("antecedent", "consequent", "customers", "support", "confidence", "lift")


def offer_rules(view: View, rules: ir.Table) -> ir.Table:
    """The rules a recommendation may use (lift > 1, consequent not a trial product), each with ``rule_rank``
    (1 = best: highest confidence, then lift, then the ids)."""
    p = view.source.products
    trials = p.filter(p.category == "trial").select(consequent="product_id")
    r = rules.filter(rules.lift > 1.0).anti_join(trials, "consequent")
    order = [ibis.desc("confidence"), ibis.desc("lift"), "antecedent", "consequent"]
    return r.select(*RULE_COLUMNS, rule_rank=ibis.row_number().over(order_by=order) + 1)


def candidates(view: View, rules: ir.Table, customers: ir.Table | None = None) -> ir.Table:
    """Every (customer, rule) whose antecedent the customer holds and consequent they do not:
    customer_id and the rule columns with rule_rank; ``customers`` (customer_id) restricts whom."""
    held = held_products(view)
    if customers is not None:
        held = held.semi_join(customers, "customer_id")
    r = offer_rules(view, rules)
    c = held.join(r, held.product_id == r.antecedent).drop("product_id")
    return c.anti_join(held, (c.customer_id == held.customer_id) & (c.consequent == held.product_id))


def recommendations(view: View, rules: ir.Table) -> ir.Table:
    """One row per customer with an offer: customer_id, purchases, last_date, product_id (the offer),
    rule ("A→B"), antecedent, confidence, lift, rule_customers (customers behind the rule)."""
    c = candidates(view, rules)
    best = c.group_by("customer_id").aggregate(rule_rank=c.rule_rank.min())
    r = offer_rules(view, rules)
    j = best.join(r, "rule_rank")
    people = view.customers.select("customer_id", "purchases", "last_date")
    j = j.join(people, "customer_id")
    return j.select("customer_id", "purchases", "last_date", product_id=j.consequent,
                    rule=j.antecedent.concat("→", j.consequent), antecedent=j.antecedent,
                    confidence=j.confidence, lift=j.lift, rule_customers=j.customers)


def customer_offers(view: View, rules: ir.Table, customer_id: str) -> ir.Table:
    """Every product one customer may be offered, best first (rank 1 is their recommendation): rank,
    product_id, rule, antecedent, confidence, lift, rule_customers."""
    who = ibis.memtable({"customer_id": [customer_id]})
    c = candidates(view, rules, who)
    c = c.mutate(_best=c.rule_rank.min().over(group_by="consequent"))
    c = c.filter(c.rule_rank == c._best)
    return c.select(rank=ibis.row_number().over(order_by="rule_rank") + 1, product_id=c.consequent,
                    rule=c.antecedent.concat("→", c.consequent), antecedent=c.antecedent,
                    confidence=c.confidence, lift=c.lift, rule_customers=c.customers).order_by("rank")


def acceptance_by_purchase(view: View) -> ir.Table:
    """Per purchase number (see the module docstring): purchase_no, offered, accepted, acceptance_rate."""
    k = view.contact_log
    k = k.filter((k.purpose == "cross_sell") & k.outcome.isin(("accepted", "declined")))
    k = k.select("contact_id", "customer_id", "contacted_at", "outcome")
    o = view.orders.select(_cust="customer_id", _at="ordered_at")
    before = k.join(o, k.customer_id == o._cust)  # an equality join (then a filter): a hash join on any engine
    before = before.filter(before._at < before.contacted_at)
    before = before.group_by(_cid="contact_id").aggregate(_n=before.count())
    j = k.left_join(before, k.contact_id == before._cid)
    j = j.mutate(purchase_no=(ibis.coalesce(j._n, 0) + 1).cast("int64"))
    per = j.group_by("purchase_no").aggregate(offered=j.count(), accepted=(j.outcome == "accepted").sum())
    return per.mutate(acceptance_rate=rate(per.accepted, per.offered)).order_by("purchase_no")


def cross_sell_by_purchase(view: View, max_purchase: int = 10) -> ir.Table:
    """Per purchase number n ≤ ``max_purchase``, from orders: purchases, with_cross_sell,
    cross_sell_rate, at_risk (customers at purchase n with no cross_sell purchase before n),
    first_cross_sell, first_cross_sell_rate (module docstring)."""
    lines = lines_by(view)
    p = view.source.products
    xs = p.filter(p.category == "cross_sell").select("product_id")
    xs_orders = lines.semi_join(xs, "product_id").select("order_id").distinct().mutate(_xs=ibis.literal(1))
    o = view.orders.select("order_id", "customer_id", "purchase_no")
    o = o.left_join(xs_orders, "order_id").drop("order_id_right")
    o = o.mutate(has_xs=o._xs.notnull())
    first = o.filter(o.has_xs).group_by("customer_id").aggregate(first_xs=o.purchase_no.min())
    o = o.left_join(first, "customer_id").drop("customer_id_right")
    o = o.filter(o.purchase_no <= max_purchase)
    at_risk = o.first_xs.isnull() | (o.first_xs >= o.purchase_no)
    per = o.group_by("purchase_no").aggregate(
        purchases=o.count(), with_cross_sell=o.has_xs.sum(), at_risk=at_risk.sum(),
        first_cross_sell=(o.first_xs == o.purchase_no).sum())
    return per.mutate(cross_sell_rate=rate(per.with_cross_sell, per.purchases),
                      first_cross_sell_rate=rate(per.first_cross_sell, per.at_risk)).order_by("purchase_no")


def product_rules(pairs: ir.Table, nexts: ir.Table, product_id: str) -> ir.Table:
    """What goes with one product: per other product, the bought-together rule product → other (customers,
    support, confidence, lift) and the next-product rule (next_customers, next_share, next_lift), either
    possibly null; sorted by confidence, then next_share."""
    p = pairs.filter(pairs.antecedent == product_id).select(
        _pid="consequent", customers="customers", support="support", confidence="confidence", lift="lift")
    n = nexts.filter(nexts.first_product == product_id).select(
        _nid="next_product", next_customers="customers", next_share="share", next_lift="lift")
    j = p.outer_join(n, p._pid == n._nid)
    out = j.select(product_id=ibis.coalesce(j._pid, j._nid), customers=j.customers, support=j.support,
                   confidence=j.confidence, lift=j.lift, next_customers=j.next_customers, next_share=j.next_share,
                   next_lift=j.next_lift)
    return out.order_by([out.confidence.isnull(), ibis.desc("confidence"), ibis.desc("next_share"), "product_id"])
