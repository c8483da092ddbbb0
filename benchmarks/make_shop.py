"""Write a synthetic subscription shop (default 1M customers, ~10M order lines) as canonical Parquet.

    python benchmarks/make_shop.py benchmarks/data/shop_1000000 --customers 1000000

Writes orders, subscriptions, subscription_events, products, customers and
contacts (.parquet) for ``teiki import``. Three years of orders ending
2026-10-31: first orders are trials, direct subscriptions or one-off buys;
subscriptions ship every ~30 days until they are cancelled (with a Japanese
reason) or the period ends; cross-sell add-ons make multi-line orders; one-off
buyers repeat as in a BG/NBD (own stop chance and purchase rate); ~3% of orders
are cancelled. Built in vectorised chunks of customers, so memory stays
flat whatever the size. ``write(out_dir, customers, seed)`` does the same.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from teiki.demo.catalog import CANCEL_REASONS, CHANNELS, PRODUCTS

CHUNK = 100_000  # customers per chunk (~1M order lines)
DAY = 86_400
START = np.datetime64("2023-11-01T00:00:00", "s")
END = int((np.datetime64("2026-11-01T00:00:00", "s") - START).astype(np.int64))  # seconds
PID = [p.product_id for p in PRODUCTS]
PRICE = np.array([p.unit_price for p in PRODUCTS], dtype=np.float64)
SUPPLY = np.array([p.days_supply for p in PRODUCTS])
TRIAL_OF = np.array([PID.index("T01"), PID.index("T02")])  # by product line (cosmetics, supplements)
MAIN_OF = np.array([[PID.index("M01")] * 2, [PID.index("M02"), PID.index("M03")]])
CROSS_OF = np.array([[PID.index(x) for x in ("X01", "X02", "X03", "X04")],
                     [PID.index(x) for x in ("X05", "X01", "X03", "X05")]])
N_CROSS = np.array([4, 3])
CHANNEL = [c.name for c in CHANNELS]
CHANNEL_P = np.array([c.weight_start + c.weight_end for c in CHANNELS]) / sum(c.weight_start + c.weight_end for c in CHANNELS)
KIND_MIX = np.cumsum([c.kind_mix for c in CHANNELS], axis=1)  # trial, subscription, one-off
CONVERSION = np.array([c.trial_conversion for c in CHANNELS]) * 1.6
CHURN = np.array([c.churn_multiplier for c in CHANNELS])
REASONS = [text for _, variants in CANCEL_REASONS for text in variants] + [""]
PREFS = ["東京都", "神奈川県", "大阪府", "愛知県", "埼玉県", "千葉県", "兵庫県", "北海道", "福岡県", "静岡県", "広島県", "宮城県"]
PLAN = ["monthly", "monthly_3pack"]
PURPOSE = ["followup", "cancel_request", "upsell", "cross_sell", "downsell"]
OUTCOME = ["accepted", "declined", "saved", "cancelled", "no_answer"]
KINDS = ["skip", "plan_change", "cancel_request", "cancel"]
TRIAL, SUB, ONE_OFF = 0, 1, 2


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position within owner) for owners with ``counts`` items each."""
    owner = np.repeat(np.arange(len(counts)), counts)
    return owner, np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)


def ids(prefix: str, numbers: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    text = pc.binary_join_element_wise(prefix, pa.array(numbers, pa.int64()).cast(pa.string()), "")
    return text if null is None else pc.if_else(pa.array(null), pa.scalar(None, pa.string()), text)


def names(values: list[str], idx: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(idx, pa.int64()))


def stamps(seconds: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(START + np.asarray(seconds, dtype=np.int64).astype("timedelta64[s]"), mask=null)


def chunk(rng: np.random.Generator, c0: int, n: int, o0: int, k0: int) -> tuple[dict[str, pa.Table], int]:
    """Tables for customers c0 .. c0+n-1 (order ids from o0, contact ids from k0), and the number of orders."""
    r = lambda m=n: rng.random(m)
    first = rng.integers(0, END - 2 * DAY, n)  # first order time
    chan = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    line = (r() > 0.62).astype(np.int64)
    kind = (r()[:, None] > KIND_MIX[chan][:, :2]).sum(axis=1)
    main = MAIN_OF[line, (r() < 0.3).astype(np.int64)]
    trial = TRIAL_OF[line]
    converted = (kind == TRIAL) & (r() < CONVERSION[chan])
    # --- subscriptions: one per subscribing customer, delivery every cycle days
    start = np.where(kind == SUB, first, first + (SUPPLY[trial] + rng.integers(-2, 22, n)) * DAY + rng.integers(0, DAY, n))
    cycle = rng.choice([30, 45, 60], n, p=[0.86, 0.08, 0.06]) * DAY
    s = np.flatnonzero(((kind == SUB) | converted) & (start < END - DAY))
    ns = len(s)
    p = np.minimum(rng.beta(0.5, 4.2, ns) * CHURN[chan[s]], 0.95)
    planned = rng.geometric(np.maximum(p, 1e-6))
    possible = (END - 6 * 3600 - start[s]) // cycle[s] + 1
    nd = np.minimum(planned, possible)
    cancelled = planned < possible
    last = start[s] + (nd - 1) * cycle[s]
    cancel_t = last + rng.integers(3, 27, ns) * DAY + rng.integers(0, DAY, ns)
    favoured = np.minimum(nd // 3, 2)  # leftovers early, then no effect, then price
    cat = np.where(r(ns) < 0.35, favoured, rng.integers(0, len(CANCEL_REASONS), ns))
    reason = np.where(r(ns) < 0.08, len(REASONS) - 1, cat * 4 + rng.integers(0, 4, ns))
    upsell_offer = (nd >= 2) & (r(ns) < 0.35)
    upsold = upsell_offer & (r(ns) < 0.25)
    xs_offer = (nd >= 2) & (r(ns) < 0.25)
    xs_taken = xs_offer & (r(ns) < 0.15)
    addon_p = rng.beta(0.8, 1.2, ns)
    so, d = expand(nd)  # subscription deliveries: subscription index, delivery - 1
    t_sub = start[s][so] + d * cycle[s][so] + (d > 0) * rng.integers(0, 6 * 3600, len(so))
    qty_sub = np.where(upsold[so] & (d >= 2), 3, 1)
    amt_sub = PRICE[main[s][so]] * np.where(qty_sub == 3, 3 * 0.85, 0.9)
    amt_sub = np.where((kind[s][so] == SUB) & (d == 0), PRICE[main[s][so]] * 0.5, amt_sub)
    # --- one-off chains: one-off buyers, and trial buyers who reorder without subscribing
    reorder = (kind == TRIAL) & ~converted & (r() < 0.2)
    chain = np.flatnonzero((kind == ONE_OFF) | reorder)
    c_start = np.where(kind[chain] == ONE_OFF, first[chain], first[chain] + (14 + rng.integers(0, 30, len(chain))) * DAY)
    # BG/NBD-like: each buyer has their own chance to stop after a purchase (beta, mean 0.35 / 0.5) and
    # their own purchase rate (gamma, mean gap ~50 days); gaps between purchases are exponential
    stop = rng.beta(np.where(kind[chain] == ONE_OFF, 1.4, 2.0), 2.6, len(chain))
    rate = rng.gamma(2.0, 1 / 100.0, len(chain))  # purchases per day
    oo, j = expand(rng.geometric(np.maximum(stop, 1e-3)))
    gap = np.where(j > 0, (7 + rng.exponential(1 / rate[oo])) * DAY, 0).astype(np.int64)
    csum = np.cumsum(gap)
    t_one = c_start[oo] + csum - np.repeat(csum[j == 0], np.bincount(oo, minlength=len(chain)))
    cust_one = chain[oo]
    cross = (j > 0) & (r(len(oo)) < 0.3)
    prod_one = np.where(cross, CROSS_OF[line[cust_one], rng.integers(0, 3, len(oo))], main[cust_one])
    qty_one = np.where(r(len(oo)) < 0.1, 2, 1)
    # --- orders: trial first orders + subscription deliveries + one-off purchases
    tr = np.flatnonzero(kind == TRIAL)
    cust = np.concatenate([tr, s[so], cust_one])
    t = np.concatenate([first[tr], t_sub, t_one])
    prod = np.concatenate([trial[tr], main[s][so], prod_one])
    qty = np.concatenate([np.ones(len(tr), np.int64), qty_sub, qty_one])
    amount = np.concatenate([PRICE[trial[tr]], amt_sub, PRICE[prod_one] * qty_one])
    dno = np.concatenate([np.zeros(len(tr), np.int64), d + 1, np.zeros(len(oo), np.int64)])
    addon_q = np.concatenate([np.zeros(len(tr)), addon_p[so] + (xs_taken[so] & (d == 1)), np.full(len(oo), 0.2)])
    order = np.lexsort((t, cust))
    order = order[t[order] < END]
    cust, t, prod, qty, amount, dno, addon_q = (a[order] for a in (cust, t, prod, qty, amount, dno, addon_q))
    no = len(cust)
    status = np.where(r(no) < 0.97, 0, np.where(r(no) < 0.9, 1, 2))
    # --- lines: every order's main line, then up to two cross-sell add-ons
    a1 = np.flatnonzero(r(no) < addon_q)
    a2 = a1[r(len(a1)) < 0.2]
    k1 = rng.integers(0, 4, no) % N_CROSS[line[cust]]
    k2 = (k1 + 1 + rng.integers(0, 3, no) % (N_CROSS[line[cust]] - 1)) % N_CROSS[line[cust]]
    of = np.concatenate([np.arange(no), a1, a2])
    lprod = np.concatenate([prod, CROSS_OF[line[cust[a1]], k1[a1]], CROSS_OF[line[cust[a2]], k2[a2]]])
    lqty = np.concatenate([qty, np.ones(len(a1) + len(a2), np.int64)])
    lamt = np.concatenate([amount, PRICE[lprod[no:]] * np.where(dno[of[no:]] > 0, 0.9, 1.0)])
    by = np.argsort(of, kind="stable")
    of, lprod, lqty, lamt = of[by], lprod[by], lqty[by], np.round(lamt[by])
    sub_null = dno[of] == 0
    orders = pa.table({
        "order_id": ids("O", o0 + of), "customer_id": ids("C", c0 + cust[of]), "ordered_at": stamps(t[of]),
        "product_id": names(PID, lprod), "quantity": lqty, "amount": lamt,
        "subscription_id": ids("S", c0 + cust[of], sub_null), "delivery_no": pa.array(dno[of], mask=sub_null),
        "channel": names(CHANNEL, chan[cust[of]]), "status": names(["completed", "cancelled", "returned"], status[of]),
    })
    subs = pa.table({
        "subscription_id": ids("S", c0 + s), "customer_id": ids("C", c0 + s), "product_id": names(PID, main[s]),
        "started_at": stamps(start[s]), "cancelled_at": stamps(cancel_t, ~cancelled),
        "cancel_reason": pc.if_else(pa.array(cancelled), names(REASONS, reason), pa.scalar(None, pa.string())),
        "cycle_days": cycle[s] // DAY, "plan": names(PLAN, upsold.astype(np.int64)),
    })
    # --- contacts (call center) and the subscription events they leave
    call = cancelled & (r(ns) < 0.85)
    saved = (nd >= 3) & (r(ns) < 0.06)
    saved_t = start[s] + rng.integers(1, np.maximum(nd - 1, 2)) * cycle[s] - 5 * DAY
    down = (nd >= 3) & (r(ns) < 0.08)
    down_t = start[s] + 2 * cycle[s] - 4 * DAY
    follow = np.flatnonzero((kind == TRIAL) & (r() < 0.45))
    groups = [  # (customers, subscription or -1, time, purpose, outcome)
        (follow, np.full(len(follow), -1), first[follow] + (SUPPLY[trial[follow]] - 3) * DAY, 0,
         np.where(converted[follow], 0, np.where(r(len(follow)) < 0.6, 1, 4))),
        (s[call], s[call], cancel_t[call] - rng.integers(0, 3, call.sum()) * DAY, 1, 3),
        (s[saved], s[saved], saved_t[saved], 1, 2),
        (s[upsell_offer], s[upsell_offer], start[s][upsell_offer] + cycle[s][upsell_offer] + 10 * DAY, 2,
         np.where(upsold[upsell_offer], 0, np.where(r(upsell_offer.sum()) < 0.7, 1, 4))),
        (s[xs_offer], s[xs_offer], start[s][xs_offer] + 7 * DAY, 3,
         np.where(xs_taken[xs_offer], 0, np.where(r(xs_offer.sum()) < 0.7, 1, 4))),
        (s[down], s[down], down_t[down], 4, np.where(r(down.sum()) < 0.4, 0, 1)),
    ]
    g_cust, g_sub, g_t, g_purpose, g_outcome = (
        np.concatenate([np.broadcast_to(g[i], len(g[0])) for g in groups]) for i in range(5))
    ok = g_t < END
    g_cust, g_sub, g_t, g_purpose, g_outcome = (a[ok] for a in (g_cust, g_sub, g_t, g_purpose, g_outcome))
    contacts = pa.table({
        "contact_id": ids("K", k0 + np.arange(len(g_cust))), "customer_id": ids("C", c0 + g_cust),
        "contacted_at": stamps(g_t), "purpose": names(PURPOSE, g_purpose), "outcome": names(OUTCOME, g_outcome),
        "cost": rng.integers(3, 9, len(g_cust)) * 100.0, "subscription_id": ids("S", c0 + g_sub, g_sub < 0),
    })
    skip = (nd >= 3) & (r(ns) < 0.05)
    ev = [(s[skip], start[s][skip] + cycle[s][skip] + 20 * DAY, 0, ""),
          (s[upsold], start[s][upsold] + cycle[s][upsold] + 10 * DAY + 1, 1, "monthly_3pack"),
          (s[call], cancel_t[call] - 2 * DAY, 2, "電話"),
          (s[cancelled], cancel_t[cancelled], 3, "")]
    e_sub, e_t, e_kind = (np.concatenate([np.broadcast_to(e[i], len(e[0])) for e in ev]) for i in range(3))
    ok = e_t < END
    events = pa.table({
        "subscription_id": ids("S", c0 + e_sub[ok]), "occurred_at": stamps(e_t[ok]),
        "kind": names(KINDS, e_kind[ok]), "detail": names([e[3] for e in ev], e_kind[ok]),
    })
    cid = np.arange(c0, c0 + n)
    customers = pa.table({
        "customer_id": ids("C", cid), "created_at": stamps(first - (r() < 0.1) * rng.integers(1, 60, n) * DAY),
        "name": ids("顧客", cid), "phone": ids("090", 10_000_000 + (cid * 7_919) % 90_000_000),
        "email": pc.binary_join_element_wise(ids("c", cid), "example.jp", "@"),
        "prefecture": names(PREFS, rng.integers(0, len(PREFS), n)), "first_channel": names(CHANNEL, chan),
    })
    return {"orders": orders, "subscriptions": subs, "subscription_events": events,
            "contacts": contacts, "customers": customers}, no


def products() -> pa.Table:
    return pa.table({
        "product_id": PID, "name": [p.name for p in PRODUCTS], "category": [p.category for p in PRODUCTS],
        "unit_price": PRICE, "days_supply": SUPPLY, "gross_margin": [p.gross_margin for p in PRODUCTS],
    })


def write(out_dir: Path, customers: int, seed: int = 1) -> Path:
    """Write the shop's six Parquet files into ``out_dir``; returns ``out_dir``."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(products(), out_dir / "products.parquet")
    writers: dict[str, pq.ParquetWriter] = {}
    o0 = k0 = 0
    try:
        for c0 in range(0, customers, CHUNK):
            tables, n_orders = chunk(rng, c0 + 1, min(CHUNK, customers - c0), o0 + 1, k0 + 1)
            o0 += n_orders
            k0 += tables["contacts"].num_rows
            for name, table in tables.items():
                if name not in writers:
                    writers[name] = pq.ParquetWriter(out_dir / f"{name}.parquet", table.schema)
                writers[name].write_table(table)
    finally:
        for w in writers.values():
            w.close()
    return out_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    write(args.out_dir, args.customers, args.seed)
    for f in sorted(args.out_dir.glob("*.parquet")):
        print(f"{f.name:28} {pq.ParquetFile(f).metadata.num_rows:>12,} rows {f.stat().st_size / 1024**2:8.1f} MiB")
    print(f"{time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
