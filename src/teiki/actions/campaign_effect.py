"""A campaign's measured effect: treatment against holdout since the start date S, as of a later date E.

Grain: campaign member (one row per customer_id, group treatment / holdout).
Per group, each outcome is a proportion hits ÷ base:

    f2          base: members with exactly one purchase by S;
                hits: those of them with a second purchase by E         (F2転換)
    retention   base: members with an active (started, not cancelled) subscription at S;
                hits: those of them with an active subscription at E     (継続)
    moved_up    base: all members; hits: moved up the CPM map from S to E — a first purchase
                (no purchase by S), another active segment (引上げ) or back from lapsed (復帰)
    moved_down  base: all members; hits: active at S, lapsed at E        (離脱)

The effect is treatment rate − holdout rate with Newcombe's 95% interval
(:mod:`teiki.actions.campaign_stats`). Example: F2 base 1,000 treated, 300
second purchases; 1,000 held out, 200 → 30% − 20% = +10.0 points, 95%
interval (+6.2, +13.7). Segments at S and E use the thresholds recorded with
the campaign. Contacts logged after S (up to E) are counted per group,
purpose and outcome: what the campaign's calls achieved, and whether the
holdout was left alone.

The per-member flags and the per-group counts are Ibis expressions (any
engine); only the intervals are computed in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import ibis
import ibis.expr.types as ir

from teiki.actions.campaign_draw import HOLDOUT, TREATMENT
from teiki.actions.campaign_stats import LEVEL, difference, proportion
from teiki.metrics.view import Source, cutoff
from teiki.segments.cpm import KEYS, LAPSED, segment
from teiki.segments.thresholds import Thresholds
from teiki.store import results
from teiki.store.derive import derived_subscriptions
from teiki.store.facts import counted_lines

SCHEMA_VERSION = 1
METRICS = (("f2", "f2_base", "f2_hits"), ("retention", "retention_base", "retention_hits"),
           ("moved_up", "members", "moved_up"), ("moved_down", "members", "moved_down"))
LAPSED_KEYS = [k for k in KEYS if k.endswith(LAPSED)]


def latest_at(order_facts: ir.Table, day: dt.date) -> ir.BooleanValue:
    """Whether a purchase is its customer's last one by the end of ``day`` (cf. segments.cpm.latest_purchase)."""
    end, f = cutoff(day), order_facts
    return (f.ordered_at < end) & (f.next_ordered_at.isnull() | (f.next_ordered_at >= end))


def member_states(order_facts: ir.Table, day: dt.date, t: Thresholds) -> ir.Table:
    """customer_id, purchases and CPM segment on ``day`` of every customer with a purchase by then."""
    p = order_facts.filter(latest_at(order_facts, day))
    axes = p.select("customer_id", purchases=p.purchase_no, cumulative_amount=p.cumulative_amount,
                    tenure_days=p.order_date.delta(p.first_date, unit="day"),
                    lapse_days=ibis.literal(day, "date").delta(p.order_date, unit="day"))
    return axes.select("customer_id", "purchases", segment=segment(axes, t))


def active_subscribers(source: Source, day: dt.date) -> ir.Table:
    """customer_id of the customers with a subscription started and not cancelled by ``day`` — the as-of rule of
    :class:`teiki.metrics.view.View` (derived subscriptions judged as of ``day``), without its per-subscription
    delivery roll-ups, which this does not need."""
    end = cutoff(day)
    subs = source.subscriptions
    if subs is None:
        lines = counted_lines(source.orders)
        subs = derived_subscriptions(lines.filter(lines.ordered_at < end), as_of=dt.datetime.combine(day, dt.time()))
    active = subs.filter((subs.started_at < end) & (subs.cancelled_at.isnull() | (subs.cancelled_at >= end)))
    return active.select("customer_id").distinct()


def member_outcomes(source: Source, start_day: dt.date, end_day: dt.date, members: ir.Table,
                    t: Thresholds) -> ir.Table:
    """One row per member: group and the flags f2_base, f2_hits, retention_base, retention_hits, moved_up,
    moved_down (see the module docstring)."""
    facts = source.order_facts
    # the purchases that are a customer's last at S or at E, read once (≤ 2 rows a customer)
    latest = facts.filter(latest_at(facts, start_day) | latest_at(facts, end_day)).cache()
    s0 = member_states(latest, start_day, t).select(c0="customer_id", n0="purchases", seg0="segment")
    s1 = member_states(latest, end_day, t).select(c1="customer_id", n1="purchases", seg1="segment")
    a0 = active_subscribers(source, start_day).select(a0="customer_id")
    a1 = active_subscribers(source, end_day).select(a1="customer_id")
    m = members.select("customer_id", "group")
    j = (m.left_join(s0, m.customer_id == s0.c0).left_join(s1, m.customer_id == s1.c1)
         .left_join(a0, m.customer_id == a0.a0).left_join(a1, m.customer_id == a1.a1))
    was_lapsed, is_lapsed = j.seg0.isin(LAPSED_KEYS), j.seg1.isin(LAPSED_KEYS)
    f2_base = j.n0.fill_null(0) == 1
    retention_base = j.a0.notnull()
    first_purchase = j.seg0.isnull() & j.seg1.notnull()
    moved_up = first_purchase | (j.seg0.notnull() & ((~was_lapsed & ~is_lapsed & (j.seg0 != j.seg1))
                                                     | (was_lapsed & j.seg1.notnull() & ~is_lapsed)))
    return j.select(
        "customer_id", "group",
        f2_base=f2_base,
        f2_hits=f2_base & (j.n1.fill_null(0) >= 2),
        retention_base=retention_base,
        retention_hits=retention_base & j.a1.notnull(),
        moved_up=moved_up.fill_null(False),
        moved_down=(j.seg0.notnull() & ~was_lapsed & is_lapsed).fill_null(False),
    )


def group_counts(outcomes: ir.Table) -> ir.Table:
    """Per group: members and the sum of every flag of :func:`member_outcomes`."""
    flags = [c for c in outcomes.columns if c not in ("customer_id", "group")]
    return outcomes.group_by("group").aggregate(
        members=outcomes.count(), **{f: outcomes[f].cast("int64").sum() for f in flags})


def contacts_since(source: Source, start_day: dt.date, end_day: dt.date, members: ir.Table) -> ir.Table:
    """Per group, purpose and outcome (``none`` when not recorded): contacts logged after S up to E and the
    distinct members they reached."""
    k = source.contacts
    k = k.filter((k.contacted_at >= cutoff(start_day)) & (k.contacted_at < cutoff(end_day)))
    m = members.select(member="customer_id", group="group")
    j = k.join(m, k.customer_id == m.member)
    j = j.mutate(outcome=j.outcome.fill_null("none"))
    return j.group_by(["group", "purpose", "outcome"]).aggregate(contacts=j.count(), customers=j.customer_id.nunique())


@dataclass
class CampaignReport:
    """The measured effect of one campaign (``teiki campaign report --format json``)."""

    campaign: dict
    start: str
    as_of: str
    days: int
    groups: dict[str, int]
    metrics: list[dict]
    contacts: list[dict]
    interval: str = "newcombe_wilson"
    level: float = LEVEL
    schema_version: int = field(default=SCHEMA_VERSION)

    def to_dict(self) -> dict:
        return asdict(self)

    def records(self) -> list[dict]:
        """One row per metric: both groups' base, hits and rate, the difference and its interval."""
        return [dict(m) for m in self.metrics]


def effect_rows(counts: dict[str, dict]) -> list[dict]:
    """The metric rows from the per-group counts (``counts[group][column]``)."""
    rows = []
    for metric, base, hits in METRICS:
        row: dict = {"metric": metric}
        for g in (TREATMENT, HOLDOUT):
            c = counts.get(g, {})
            n, x = int(c.get(base) or 0), int(c.get(hits) or 0)
            row |= {f"{g}_base": n, f"{g}_hits": x, f"{g}_rate": proportion(x, n)}
        row |= difference(row["treatment_hits"], row["treatment_base"], row["holdout_hits"], row["holdout_base"])
        rows.append(row)
    return rows


def measure(source: Source, start_day: dt.date, end_day: dt.date, members: ir.Table,
            t: Thresholds) -> tuple[dict[str, dict], list[dict]]:
    """(counts per group, contact rows) of the members between ``start_day`` and ``end_day``."""
    outcomes = member_outcomes(source, start_day, end_day, members, t)
    counts = {r["group"]: r for r in results.rows(group_counts(outcomes))}
    contacts = results.rows(contacts_since(source, start_day, end_day, members))
    contacts.sort(key=lambda k: (k["group"] != TREATMENT, k["purpose"], k["outcome"]))
    return counts, contacts


def report(campaign: dict, source: Source, start_day: dt.date, end_day: dt.date, members: ir.Table,
           t: Thresholds) -> CampaignReport:
    """The report of ``campaign`` (its stored record) from ``start_day`` to ``end_day``."""
    counts, contacts = measure(source, start_day, end_day, members, t)
    groups = {g: int(counts.get(g, {}).get("members") or 0) for g in (TREATMENT, HOLDOUT)}
    return CampaignReport(campaign, start_day.isoformat(), end_day.isoformat(), (end_day - start_day).days,
                          groups, effect_rows(counts), contacts)
