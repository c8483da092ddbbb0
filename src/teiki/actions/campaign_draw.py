"""The random holdout of a campaign: reproducible from (seed, members) alone, whatever order they come in.

Each distinct member gets the key SHA-256("<seed>␟<customer_id>") (␟ = U+001F);
the k members with the smallest keys (ties, which SHA-256 makes practically
impossible, by customer_id) form the holdout and the rest the treatment group:

    k = ⌊f × n + ½⌋, kept within 1 … n − 1 so both groups have members.

Example: 10 members, f = 0.1 → 1 held out; 25 members, f = 0.1 → ⌊3.0⌋ = 3;
5 members, f = 0.1 → ⌊1.0⌋ = 1. The same seed and members always give the
same groups (the key depends on nothing else), the groups are disjoint and
together are the members, and anyone can redo the draw from the recorded seed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from teiki.errors import TeikiError

TREATMENT, HOLDOUT = "treatment", "holdout"
GROUPS = (TREATMENT, HOLDOUT)
MAX_SEED = 2**63 - 1


def new_seed() -> int:
    """A fresh random seed (recorded with the campaign, so the draw can be redone)."""
    return secrets.randbelow(2**31)


def holdout_size(n: int, fraction: float) -> int:
    """k = ⌊f·n + ½⌋ within 1 … n − 1 (n ≥ 2). Example: n = 25, f = 0.1 → 3."""
    exact = Fraction(repr(fraction)) if isinstance(fraction, float) else Fraction(fraction)
    k = int(exact * n + Fraction(1, 2))
    return min(max(k, 1), n - 1)


def draw_key(seed: int, customer_id: str) -> bytes:
    """A member's place in the draw: SHA-256 of "<seed>\\x1f<customer_id>"."""
    return hashlib.sha256(f"{seed}\x1f{customer_id}".encode()).digest()


def check(n: int, fraction: float, seed: int) -> None:
    if not 0 < fraction < 1:
        raise TeikiError("camp_bad_holdout", value=fraction)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise TeikiError("camp_bad_seed", value=seed)
    if n < 2:
        raise TeikiError("camp_too_few", count=n)


def draw(customer_ids: Iterable[str] | pa.Array | pa.ChunkedArray, fraction: float, seed: int) -> pa.Table:
    """``customer_id`` and ``group`` (treatment / holdout) of each distinct member, in customer_id order."""
    if isinstance(customer_ids, pa.ChunkedArray):
        customer_ids = customer_ids.combine_chunks()
    if not isinstance(customer_ids, pa.Array):
        customer_ids = pa.array(list(customer_ids), pa.string())
    unique = pc.unique(customer_ids.cast(pa.string()))
    ids = unique.take(pc.sort_indices(unique))
    check(len(ids), fraction, seed)
    k = holdout_size(len(ids), fraction)
    text = ids.to_pylist()
    prefix = f"{seed}\x1f".encode()
    digests = [hashlib.sha256(prefix + c.encode()).digest() for c in text]  # = draw_key(seed, c)
    # the k smallest keys: by their first 8 bytes (big-endian, so the same order), ties there by the whole
    # key and the id (practically never needed)
    head = np.frombuffer(b"".join(d[:8] for d in digests), dtype=">u8")
    kth = np.partition(head, k - 1)[k - 1]
    held = head < kth
    boundary = sorted(np.flatnonzero(head == kth), key=lambda i: (digests[i], text[i]))
    held[boundary[:k - int(held.sum())]] = True
    return pa.table({"customer_id": ids, "group": pc.if_else(pa.array(held), HOLDOUT, TREATMENT)})
