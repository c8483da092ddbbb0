"""Save offers (seeds 001, 003): what to offer in place of a cancellation, by the stated reason, with the
historical save rate of each offer measured from the contacts log.

The suggestion per reason category (the categories of teiki.metrics.reasons'
dictionary; a category not in the table gets the その他 row) is
:data:`SAVE_OFFERS`, best first:

| 解約理由 (reason category) | offers, best first |
|---|---|
| 余っている (too much left) | skip, cycle_change (a longer cycle) |
| 効果を感じない (no effect felt) | persuaded (usage advice), product_change |
| 価格・経済的理由 (price) | plan_change (a cheaper plan), product_change (a lower-priced product), cycle_change |
| 肌に合わない (did not suit) | product_change, pause |
| 他社へ乗り換え (switching) | persuaded, product_change |
| 引越し・ライフイベント (life event) | pause, skip |
| 配送・対応への不満 (delivery / service) | cycle_change, persuaded |
| 一時休止したい (wants a break) | pause, skip |
| その他 / 未回答 (other / none) | skip, cycle_change, persuaded |

Measured per offer o (grain: contact; the offer a contact led to is
teiki.actions.offers.offers_taken):

    save_rate(o)     = cancel_request contacts saved with o ÷ all cancel_request contacts
    downsell_rate(o) = downsell contacts accepted with o ÷ all downsell contacts

so Σ_o save_rate(o) is the shop's 解約阻止率 (teiki.metrics.offers.save_rate).
Example: 20 cancellation calls, 3 saved — 2 followed by a skip, 1 with no
change → skip 2 ÷ 20 = 0.10, persuaded 1 ÷ 20 = 0.05 (together 0.15).

Per reason (:func:`reason_rates`): a request's reason is the detail of a
cancel_request event on its subscription within a day of the contact, when
the dictionary puts it in a category (free text in an "other" or empty
detail does not count as stated); requests, saves and save rate per category.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from teiki.actions.offers import OFFER_KEYS, events_by, offers_taken
from teiki.metrics.offers import save_requests
from teiki.metrics.ratio import rate
from teiki.metrics.reasons import OTHER, UNANSWERED, Dictionary, categorize, category
from teiki.metrics.view import View

SAVE_OFFERS: dict[str, tuple[str, ...]] = {
    "余っている": ("skip", "cycle_change"),
    "効果を感じない": ("persuaded", "product_change"),
    "価格・経済的理由": ("plan_change", "product_change", "cycle_change"),
    "肌に合わない": ("product_change", "pause"),
    "他社へ乗り換え": ("persuaded", "product_change"),
    "引越し・ライフイベント": ("pause", "skip"),
    "配送・対応への不満": ("cycle_change", "persuaded"),
    "一時休止したい": ("pause", "skip"),
    OTHER: ("skip", "cycle_change", "persuaded"),
    UNANSWERED: ("skip", "cycle_change", "persuaded"),
}
REASON_LAG_DAYS = 1


def suggested(reason_category: str) -> tuple[str, ...]:
    """The offers for a reason category, best first (the その他 row for a category not in the table)."""
    return SAVE_OFFERS.get(reason_category, SAVE_OFFERS[OTHER])


def offer_contacts(view: View) -> ir.Table:
    """cancel_request and downsell contacts up to D with the offer each led to (saved / accepted ones)."""
    k = view.contact_log
    k = k.filter(k.purpose.isin(("cancel_request", "downsell")))
    return offers_taken(view, k.select("contact_id", "customer_id", "contacted_at", "subscription_id", "purpose",
                                       "outcome"))


def offer_rates(view: View) -> ir.Table:
    """Per offer taken: requests (all cancel_request contacts), saves (saved with it), save_rate,
    downsell_contacts, downsell_accepted (accepted with it), downsell_rate."""
    k = offer_contacts(view)
    totals = k.aggregate(requests=save_requests(k), downsell_contacts=(k.purpose == "downsell").sum())
    saved = (k.purpose == "cancel_request") & (k.outcome == "saved")
    took = (k.purpose == "downsell") & (k.outcome == "accepted")
    per = k.filter(saved | took).group_by("offer").aggregate(saves=saved.sum(), downsell_accepted=took.sum())
    keys = ibis.memtable({"offer": list(OFFER_KEYS)})
    j = keys.left_join(per, keys.offer == per.offer).cross_join(totals)
    n_saves, n_took = ibis.coalesce(j.saves, 0), ibis.coalesce(j.downsell_accepted, 0)
    return j.select(offer=j.offer, requests=j.requests, saves=n_saves, save_rate=rate(n_saves, j.requests),
                    downsell_contacts=j.downsell_contacts, downsell_accepted=n_took,
                    downsell_rate=rate(n_took, j.downsell_contacts))


def request_reasons(view: View, dictionary: Dictionary | None = None) -> ir.Table:
    """cancel_request contacts with a stated reason: contact_id, outcome, reason (a dictionary category)."""
    k = view.contact_log
    k = k.filter((k.purpose == "cancel_request") & k.subscription_id.notnull())
    e = events_by(view)
    e = e.filter((e.kind == "cancel_request") & e.detail.notnull())
    texts = e.select("detail").distinct()
    texts = texts.mutate(reason=category(texts.detail, dictionary))
    e = e.join(texts, "detail").select(_sub="subscription_id", _at="occurred_at", reason="reason")
    j = k.join(e, (k.subscription_id == e._sub) & (e._at >= k.contacted_at - ibis.interval(days=REASON_LAG_DAYS))
               & (e._at <= k.contacted_at + ibis.interval(days=REASON_LAG_DAYS)))
    j = j.filter(~j.reason.isin((OTHER, UNANSWERED)))
    return j.group_by(["contact_id", "outcome"]).aggregate(reason=j.reason.min())


def reason_rates(view: View, dictionary: Dictionary | None = None) -> ir.Table:
    """Per stated reason category: requests, saves, save_rate."""
    r = request_reasons(view, dictionary)
    per = r.group_by("reason").aggregate(requests=r.count(), saves=(r.outcome == "saved").sum())
    return per.mutate(save_rate=rate(per.saves, per.requests))


def reason_of(text: str, dictionary: Dictionary | None = None) -> str:
    """A reason category from a category name, a word of its English label (3 letters or more) or free text
    (mapped by the dictionary): "price" and "価格が高い" → 価格・経済的理由; "" → 未回答."""
    dictionary = dictionary or Dictionary.load()
    clean = text.strip()
    for c in dictionary.categories:
        if clean == c.name or (len(clean) >= 3 and clean.lower() in c.en.lower()):
            return c.name
    if clean in (OTHER, UNANSWERED):
        return clean
    return categorize(clean, dictionary)


def save_offer_rows(offers: list[dict], reasons: list[dict], categories: list[str]) -> list[dict]:
    """One row per reason category and suggested offer (rank 1 = best): the offer's measured rates
    (:func:`offer_rates` rows) and the reason's own requests and save rate (:func:`reason_rates` rows)."""
    by_offer = {r["offer"]: r for r in offers}
    by_reason = {r["reason"]: r for r in reasons}
    rows = []
    for name in categories:
        stated = by_reason.get(name, {})
        for rank, offer in enumerate(suggested(name), start=1):
            measured = by_offer.get(offer, {})
            rows.append({
                "reason": name, "rank": rank, "offer": offer,
                "save_rate": measured.get("save_rate"), "saves": measured.get("saves", 0),
                "requests": measured.get("requests", 0), "downsell_rate": measured.get("downsell_rate"),
                "downsell_accepted": measured.get("downsell_accepted", 0),
                "downsell_contacts": measured.get("downsell_contacts", 0),
                "reason_requests": stated.get("requests", 0), "reason_saves": stated.get("saves", 0),
                "reason_save_rate": stated.get("save_rate"),
            })
    return rows
