"""Product associations for cross-sell (seeds 000, 001, 002): products bought together, and what comes next.

Both are computed in the engine from the completed order lines up to D
(:func:`lines_by`). Grain: one count per customer and pair of products.

**Bought together** (:func:`pair_rules`). N = customers with a purchase by D,
n_A = customers who bought product A, n_AB = customers who bought A and B
(A ≠ B) on days at most W apart (W = ``window_days``, default 180). Per
ordered pair A → B:

    support    = n_AB ÷ N
    confidence = n_AB ÷ n_A           (of A's buyers, the share who also bought B)
    lift       = confidence ÷ (n_B ÷ N) = n_AB · N ÷ (n_A · n_B)

Example (W = 180): four customers — C1 buys A and B on the same day, C2 buys A
and, 200 days later, B, C3 buys A only, C4 buys B and C. N = 4, n_A = n_B = 3,
n_AB = 1 (C2's purchases are too far apart): A → B has support 1/4 = 0.25,
confidence 1/3 and lift (1/3) ÷ (3/4) = 4/9 ≈ 0.444; B → C has n_BC = 1,
confidence 1/3, lift (1/3) ÷ (1/4) = 4/3.

**Next product after the first order** (:func:`next_rules`). For each customer,
the products of purchase 1, and the *next product*: the first product not in
purchase 1 that they bought later (from their earliest such purchase; of
several new products in that purchase, the one with the largest line amount,
then the smallest product_id). Per first-order product A and next product B:

    share = customers whose purchase 1 held A and whose next product is B ÷ customers whose purchase 1 held A
    lift  = share ÷ (customers whose next product is B ÷ all customers)

Example: purchase 1 of C1 holds A, later C1 buys A again and then X; C2's
purchase 1 holds A, later Y; C3's purchase 1 holds A and nothing else follows;
C4's purchase 1 holds B, then X. A → X: 1 ÷ 3, A → Y: 1 ÷ 3; lift of A → X is
(1/3) ÷ (2/4) = 2/3.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.metrics.ratio import rate
from teiki.metrics.view import View
from teiki.store.facts import counted_lines

PAIR_WINDOW_DAYS = 180  # two purchases this close count as "bought together"
MIN_CUSTOMERS = 20  # a rule needs at least this many customers behind it


def lines_by(view: View) -> ir.Table:
    """Completed order lines up to D: customer_id, order_id, product_id, amount, ordered_at, day (its date)."""
    lines = counted_lines(view.source.orders)
    lines = lines.filter(lines.ordered_at < view.cutoff)
    return lines.select("customer_id", "order_id", "product_id", "amount", "ordered_at", day=lines.ordered_at.date())


def held_products(view: View) -> ir.Table:
    """Distinct (customer_id, product_id) a customer holds by D: bought, or subscribed to."""
    bought = lines_by(view).select("customer_id", "product_id")
    subs = view.subscriptions
    subscribed = subs.filter(subs.product_id.notnull()).select("customer_id", "product_id")
    return bought.union(subscribed, distinct=True)


def purchase_bins(lines: ir.Table, window_days: int) -> ir.Table:
    """Per customer, product and bin of w = max(W, 1) days (day number ÷ w, rounded down): the first and last
    purchase day in the bin as day numbers (days since 1900-01-01) — customer_id, product_id, bin, first, last.

    Two purchases in one bin are at most w − 1 ≤ W days apart; two bins apart, more than W. In
    neighbouring bins k < k + 1 the closest two are the last of bin k and the first of bin k + 1. So
    A and B were bought within W days exactly when some bins of theirs are equal, or neighbouring with
    first(k + 1) − last(k) ≤ W — one aggregation, no sorting of the purchases.
    """
    width = max(window_days, 1)
    number = lines.day.delta(ibis.date(1900, 1, 1), unit="day")
    binned = lines.select("customer_id", "product_id", n=number, bin=number // width)
    return binned.group_by(["customer_id", "product_id", "bin"]).aggregate(first=binned.n.min(), last=binned.n.max())


def pair_customers(lines: ir.Table, window_days: int = PAIR_WINDOW_DAYS, bins: ir.Table | None = None) -> ir.Table:
    """Per unordered pair (product_a < product_b): ``customers`` who bought both within W days (``bins``:
    :func:`purchase_bins` of ``lines``, when already built)."""
    bins = purchase_bins(lines, window_days) if bins is None else bins
    a = bins.select("customer_id", product_a="product_id", bin_a="bin", first_a="first", last_a="last")
    b = bins.select(customer_b="customer_id", product_b="product_id", bin_b="bin", first_b="first", last_b="last")
    near = ((a.bin_a == b.bin_b)
            | ((b.bin_b == a.bin_a + 1) & (b.first_b - a.last_a <= window_days))
            | ((a.bin_a == b.bin_b + 1) & (a.first_a - b.last_b <= window_days)))
    j = a.join(b, (a.customer_id == b.customer_b) & (a.product_a < b.product_b) & near)
    both = j.select("customer_id", "product_a", "product_b").distinct()
    return both.group_by(["product_a", "product_b"]).aggregate(customers=both.count())


def product_customers(bins: ir.Table) -> ir.Table:
    """Per product: ``buyers`` (distinct customers who bought it), from :func:`purchase_bins`."""
    return bins.group_by("product_id").aggregate(buyers=bins.customer_id.nunique())


def pair_rules(view: View, window_days: int = PAIR_WINDOW_DAYS, min_customers: int = MIN_CUSTOMERS) -> ir.Table:
    """Directed rules A → B with customers (n_AB), antecedent_customers (n_A), consequent_customers (n_B),
    support, confidence and lift (formulas in the module docstring); pairs with n_AB < ``min_customers``
    are left out."""
    lines = lines_by(view)
    bins = purchase_bins(lines, window_days)
    pairs = pair_customers(lines, window_days, bins)
    pairs = pairs.filter(pairs.customers >= min_customers)
    both_ways = pairs.select(antecedent="product_a", consequent="product_b", customers="customers").union(
        pairs.select(antecedent="product_b", consequent="product_a", customers="customers"))
    buyers = product_customers(bins)
    ante = buyers.select(antecedent="product_id", antecedent_customers="buyers")
    cons = buyers.select(consequent="product_id", consequent_customers="buyers")
    total = bins.aggregate(total=bins.customer_id.nunique())
    r = both_ways.join(ante, "antecedent").join(cons, "consequent").cross_join(total)
    confidence = rate(r.customers, r.antecedent_customers)
    return r.select(
        "antecedent", "consequent", "customers", "antecedent_customers", "consequent_customers",
        support=rate(r.customers, r.total),
        confidence=confidence,
        lift=confidence / rate(r.consequent_customers, r.total),
    )


def first_order_products(view: View, lines: ir.Table) -> ir.Table:
    """Distinct (customer_id, product_id) of each customer's purchase 1."""
    o = view.orders
    first = o.filter(o.purchase_no == 1).select("order_id")
    return lines.semi_join(first, "order_id").select("customer_id", "product_id").distinct()


def next_products(lines: ir.Table, firsts: ir.Table) -> ir.Table:
    """Per customer with a product beyond purchase 1: customer_id, next_product (see the module docstring).
    Purchases are taken in the order they are numbered: by time, then order_id."""
    new = lines.anti_join(firsts, ["customer_id", "product_id"])
    ranked = new.mutate(_r=ibis.row_number().over(group_by="customer_id", order_by=[
        "ordered_at", "order_id", ibis.desc("amount"), "product_id"]))
    return ranked.filter(ranked._r == 0).select("customer_id", next_product="product_id")


def next_rules(view: View, min_customers: int = MIN_CUSTOMERS) -> ir.Table:
    """Per first-order product and next product: first_product, next_product, customers, first_customers
    (customers whose purchase 1 held first_product), share and lift (module docstring); rules with fewer
    than ``min_customers`` customers are left out."""
    lines = lines_by(view)
    firsts = first_order_products(view, lines)
    nexts = next_products(lines, firsts)
    j = firsts.join(nexts, "customer_id")
    counts = j.group_by([j.product_id.name("first_product"), "next_product"]).aggregate(customers=j.count())
    base = firsts.group_by(first_product=firsts.product_id).aggregate(first_customers=firsts.count())
    overall = nexts.group_by("next_product").aggregate(next_customers=nexts.count())
    total = firsts.aggregate(total=firsts.customer_id.nunique())
    r = counts.filter(counts.customers >= min_customers).join(base, "first_product").join(overall, "next_product")
    r = r.cross_join(total)
    share = rate(r.customers, r.first_customers)
    return r.select("first_product", "next_product", "customers", "first_customers", share=share,
                    lift=share / rate(r.next_customers, r.total))
