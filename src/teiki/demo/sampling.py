"""Vectorised random draws used throughout the simulation."""

from __future__ import annotations

import numpy as np

from teiki.demo.catalog import PRODUCTS, product_indices

PRICES = np.array([p.unit_price for p in PRODUCTS], dtype=np.int64)
PRODUCT_LINES = np.array([p.line for p in PRODUCTS], dtype=np.int64)
SUPPLY_DAYS = np.array([p.days_supply for p in PRODUCTS], dtype=np.int64)


def choose_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row, each row with its own probabilities (rows sum to 1)."""
    cdf = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities))[:, None] * cdf[:, -1:]
    return np.minimum((u >= cdf).sum(axis=1), probabilities.shape[1] - 1)


def pick_by_line(rng: np.random.Generator, lines: np.ndarray, table: dict) -> np.ndarray:
    """A product per row from ``table[line]`` (a weighted list of product ids)."""
    out = np.empty(len(lines), dtype=np.int64)
    for line, weighted in sorted(table.items()):
        rows = np.flatnonzero(lines == line)
        indices, weights = product_indices(weighted)
        out[rows] = np.asarray(indices)[rng.choice(len(indices), size=len(rows), p=weights)]
    return out


def outcome_codes(
    rng: np.random.Generator, n: int, accept: np.ndarray | float, decline_share: float = 0.7
) -> np.ndarray:
    """Offer outcomes 0 accepted / 1 declined / 2 no answer, with a per-row acceptance chance."""
    u = rng.random(n)
    rest = rng.random(n)
    return np.where(u < accept, 0, np.where(rest < decline_share, 1, 2))


def yen(values: np.ndarray) -> np.ndarray:
    """Round to whole yen."""
    return np.rint(values).astype(np.int64)
