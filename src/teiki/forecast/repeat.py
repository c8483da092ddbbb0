"""Repeat purchases of the non-contractual buyers: BG/NBD for how many, Gamma-Gamma for how much.

Fitted on the compressed statistics of teiki.forecast.stats (weights = customers
per row), time in weeks. What the shop forecast needs from them:

- E[X(t)], the expected repeat purchases of a new customer in t weeks (BG/NBD eq. 7);
- the mean spend per repeat purchase, E[M] = pγ / (q − 1) (Gamma-Gamma, q > 1); when the
  likelihood has no finite maximum (q → ∞: customers do not differ in mean spend, as in a shop
  of fixed prices) the observed mean, which is that limit;
- per customer: P(alive), the expected purchases in the next 90 days and the
  expected spend per purchase (teiki.forecast.scores).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teiki.models.bgnbd import BetaGeoNBD
from teiki.models.gammagamma import GammaGamma

MIN_BUYERS = 200  # fewer non-contractual buyers in a group: the shop-wide fit is used
MIN_REPEATERS = 30  # fewer customers with a repeat purchase: spend is the observed mean
WEEKS_PER_MONTH = 365.25 / 12 / 7


@dataclass
class RepeatModel:
    """A fitted BG/NBD (counts) and Gamma-Gamma (spend), or None where there was too little to fit."""

    counts: BetaGeoNBD | None
    spend: GammaGamma | None
    mean_spend: float | None  # per repeat purchase (model mean, else observed mean)
    buyers: int

    def expected_purchases(self, weeks: float | np.ndarray) -> np.ndarray:
        """E[X(t)] for a new customer; 0 when nothing was fitted."""
        if self.counts is None:
            return np.zeros_like(np.asarray(weeks, dtype=float))
        return np.asarray(self.counts.expected_purchases(weeks), dtype=float)

    def expected_revenue(self, months: np.ndarray) -> np.ndarray:
        """Expected repeat revenue of a new customer within each number of months."""
        weeks = np.asarray(months, dtype=float) * WEEKS_PER_MONTH
        return self.expected_purchases(weeks) * (self.mean_spend or 0.0)

    @property
    def params(self) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.counts is not None:
            out |= self.counts.params_
        if self.spend is not None:
            out |= self.spend.params_
        return out


def fit_counts(purchases: dict[str, np.ndarray]) -> BetaGeoNBD | None:
    """BG/NBD on (frequency, recency, age, n); None when nobody repeats or the likelihood has no finite
    maximum (e.g. a handful of very regular buyers)."""
    if not len(purchases["n"]) or not purchases["frequency"].any():
        return None
    try:
        return BetaGeoNBD().fit(purchases["frequency"], purchases["recency"], purchases["age"],
                                weights=purchases["n"])
    except ValueError:
        return None


def fit(purchases: dict[str, np.ndarray], spend: dict[str, np.ndarray]) -> RepeatModel:
    """BG/NBD on (frequency, recency, age, n) and Gamma-Gamma on (frequency, monetary, n)."""
    buyers = int(purchases["n"].sum()) if len(purchases["n"]) else 0
    counts = fit_counts(purchases)
    repeaters = int(spend["n"].sum()) if len(spend["n"]) else 0
    model, mean = None, None
    if repeaters:
        mean = float(np.average(spend["monetary"], weights=spend["n"]))
    if repeaters >= MIN_REPEATERS and len(np.unique(spend["monetary"])) > 1:
        try:
            model = GammaGamma().fit(spend["frequency"], spend["monetary"], weights=spend["n"])
        except ValueError:  # q → ∞: no spread of mean spend between customers; the shop's mean is the answer
            model = None
        if model is not None and model.params_["q"] > 1:
            mean = model.population_mean()
    return RepeatModel(counts, model, mean, buyers)
