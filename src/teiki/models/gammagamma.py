"""The Gamma-Gamma model of monetary value (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves
for Customer Base Analysis", J. Marketing Research 42(4) 415–430; Fader & Hardie 2013, "The Gamma-Gamma
Model of Monetary Value", brucehardie.com note 025).

Story (FH 2013): a customer's transaction values z₁ … z_x are i.i.d. gamma(p, ν); ν ~ gamma(q, γ) across
customers, independent of the purchase process. A customer is summarised by x (number of *repeat*
transactions, x ≥ 1) and m_x (their mean value; the first transaction is left out, as in the note). Since
x·m_x ~ gamma(px, ν), integrating ν out gives the density of m_x, the note's likelihood for one customer:

    f(m_x | p, q, γ; x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q m_x^(px−1) x^(px) / (γ + m_x x)^(px+q)

and the posterior mean of the customer's average transaction value E(Z) = pν (FH 2013 eq. 5):

    E(M | p, q, γ; m_x, x) = p(γ + m_x x) / (px + q − 1)
                           = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m_x,

a weighted mean of the population mean pγ/(q−1) and the customer's own m_x.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import digamma, gammaln

from teiki.models.mle import weights_or_ones
from teiki.models.purchase import (
    PurchaseModel,
    as_output,
    fit_with_checks,
    fitted_or_raise,
)


def spend_histories(frequency, monetary) -> tuple[np.ndarray, np.ndarray]:
    """(x, m_x) as broadcast float arrays: x a whole number ≥ 0, m_x finite and > 0 wherever x > 0."""
    try:
        x, m = np.broadcast_arrays(np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float))
    except ValueError as exc:
        raise ValueError("frequency and monetary must have the same length") from exc
    if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency (repeat transactions) must be a finite whole number ≥ 0")
    repeat = x > 0
    if not np.all(np.isfinite(m[repeat])) or np.any(m[repeat] <= 0):
        raise ValueError("monetary (mean value of the repeat transactions) must be finite and > 0 "
                         "for customers with frequency > 0")
    return x, m


class Spends(NamedTuple):
    """Repeat customers prepared for the likelihood's gradient: distinct x with their weights, m_x·x per row, the
    weight matrix (w, w·x) and the constants Σ w x ln(m_x x) and Σ w ln m_x."""

    x_values: np.ndarray
    x_weight: np.ndarray
    spent: np.ndarray
    weights: np.ndarray
    c_px: float
    c_log_m: float

    @classmethod
    def of(cls, x, m, w) -> Spends:
        values, index = np.unique(x, return_inverse=True)
        return cls(values, np.bincount(index, weights=w, minlength=len(values)), m * x, np.stack([w, w * x]),
                   float((w * x) @ np.log(m * x)), float(w @ np.log(m)))


def log_likelihood_and_gradient(params, s: Spends) -> tuple[float, np.ndarray]:
    """Σ w ln f(m_x | p, q, γ; x) (module docstring) and its gradient on θ = (ln p, ln q, ln γ). With
    S = γ + m_x x, the sum is Σ_x W_x [ln Γ(px+q) − ln Γ(px) − ln Γ(q)] + N q ln γ + p Σ w x ln(m_x x)
    − Σ w ln m_x − Σ w (px+q) ln S (W_x = weight of the customers with that x, N = Σ w), whence

        ∂/∂ln p = p [Σ_x W_x x (ψ(px+q) − ψ(px)) + Σ w x ln(m_x x) − Σ w x ln S]
        ∂/∂ln q = q [Σ_x W_x (ψ(px+q) − ψ(q)) + N ln γ − Σ w ln S]
        ∂/∂ln γ = q N − γ Σ w (px+q)/S

    (ψ = digamma). Per customer only ln S and 1/S are computed; the rest is per distinct x or constant.
    """
    p, q, gamma = params
    xs, wx = s.x_values, s.x_weight
    n = wx.sum()
    log_s_sums = s.weights @ np.log(gamma + s.spent)  # (Σ w ln S, Σ w x ln S)
    inverse_sums = s.weights @ (1.0 / (gamma + s.spent))
    value = (wx @ (gammaln(p * xs + q) - gammaln(p * xs) - gammaln(q)) + n * q * np.log(gamma)
             + p * s.c_px - s.c_log_m - p * log_s_sums[1] - q * log_s_sums[0])
    psi_pxq = digamma(p * xs + q)
    gradient = np.array([
        p * ((wx * xs) @ (psi_pxq - digamma(p * xs)) + s.c_px - log_s_sums[1]),
        q * (wx @ (psi_pxq - digamma(q)) + n * np.log(gamma) - log_s_sums[0]),
        q * n - gamma * (p * inverse_sums[1] + q * inverse_sums[0]),
    ])
    return float(value), gradient


class GammaGamma(PurchaseModel):
    """Gamma-Gamma spend model: parameters p, q, gamma (γ). Currency unit = that of ``monetary``.

    ``penalizer`` (default 0, plain maximum likelihood) adds penalizer · Σ (log θ)² to the negative
    log-likelihood. Fitted attributes: ``params_`` (dict p, q, gamma), ``log_likelihood_`` (unpenalised),
    ``fit_`` (:class:`teiki.models.mle.Fit`), ``n_customers_`` (sum of weights of the repeat customers).
    """

    param_names = ("p", "q", "gamma")

    @classmethod
    def from_params(cls, p: float, q: float, gamma: float) -> GammaGamma:
        """A model with given (e.g. published) parameters, for prediction without fitting."""
        return cls._from_values(p, q, gamma)

    @staticmethod
    def individual_log_likelihood(params, x, m) -> np.ndarray:
        """ln f(m_x | p, q, γ; x), the FH 2013 likelihood of one customer (module docstring), for x ≥ 1."""
        p, q, gamma = params
        px = p * x
        return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
                + (px - 1.0) * np.log(m) + px * np.log(x) - (px + q) * np.log(gamma + m * x))

    def log_likelihood(self, frequency, monetary, weights=None) -> float:
        """Σ weight · ln f over the customers with frequency > 0, at the current parameters."""
        x, m, w = self._repeat_customers(frequency, monetary, weights)
        return float(np.dot(w, self.individual_log_likelihood(tuple(fitted_or_raise(self).values()), x, m)))

    def fit(self, frequency, monetary, weights=None) -> GammaGamma:
        """Maximum likelihood on (x, m_x); customers with frequency 0 carry no spend information and are skipped.

        Raises ValueError for invalid values, fewer than 2 repeat customers, or a likelihood whose maximum is
        at infinity (e.g. every customer with exactly the same mean value).
        """
        x, m, w = self._repeat_customers(frequency, monetary, weights)
        n = float(w.sum())
        if n < 2:
            raise ValueError("the Gamma-Gamma model needs at least 2 customers with frequency > 0")

        def log_likelihood(params: np.ndarray) -> float:
            return float(np.dot(w, self.individual_log_likelihood(params, x, m)))

        mean_m = float(np.average(m, weights=w))
        prepared = Spends.of(x, m, w)
        fit = fit_with_checks(self, log_likelihood, (1.0, 3.0, 2.0 * mean_m), n, scales=(1.0, 1.0, mean_m),
                              log_likelihood_and_gradient=lambda p: log_likelihood_and_gradient(p, prepared))
        self._fitted(fit, n, log_likelihood)
        return self


    def population_mean(self) -> float:
        """E(Z) = pγ/(q−1), the mean transaction value of a random customer; infinite when q ≤ 1."""
        p, q, gamma = fitted_or_raise(self).values()
        return p * gamma / (q - 1.0) if q > 1.0 else float("inf")

    def expected_spend(self, frequency, monetary) -> np.ndarray | float:
        """E(M | p, q, γ; m_x, x) = p(γ + m_x x)/(px + q − 1), FH 2013 eq. (5): the expected mean value of a
        customer's future transactions. For frequency 0 it is the population mean pγ/(q−1) (``monetary`` is
        ignored there and may be NaN); where px + q ≤ 1 the posterior mean does not exist and ``inf`` is returned.
        """
        p, q, gamma = fitted_or_raise(self).values()
        x, m = spend_histories(frequency, monetary)
        denominator = p * x + q - 1.0
        own = np.where(x > 0, m, 0.0)
        with np.errstate(divide="ignore"):
            value = np.where(denominator > 0, p * (gamma + own * x) / np.where(denominator > 0, denominator, 1.0),
                             np.inf)
        return as_output(value, frequency, monetary)

    @staticmethod
    def _repeat_customers(frequency, monetary, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x, m = (v.ravel() for v in spend_histories(frequency, monetary))
        w = weights_or_ones(weights, x.size)
        keep = (x > 0) & (w > 0)
        return x[keep], m[keep], w[keep]
