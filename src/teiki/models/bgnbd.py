"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").

Story (FHL 2005): while active, a customer buys as a Poisson process with rate λ ~ gamma(r, α); after any
transaction they become inactive with probability p ~ beta(a, b); λ and p are independent. A customer's
history is (x, t_x, T): x repeat purchases, the last at t_x, observed for T since their first purchase.

References: P. S. Fader, B. G. S. Hardie, K. L. Lee (2005), Marketing Science 24(2) 275–284 (eqs. 6, 9, 10);
Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model" (brucehardie.com note 021);
Fader & Hardie (2013), "Overcoming the BG/NBD model's #NUM! error problem" (note 027), whose rearranged
likelihood is the one evaluated here.

The input checks, row compression, fitting and repr helpers are shared with :mod:`teiki.models.paretonbd`
and :mod:`teiki.models.gammagamma` (:mod:`teiki.models.purchase`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from teiki.models.purchase import HistoryModel, as_output, fit_with_checks, fitted_or_raise, histories


def euler_2f1(a, b, c, z) -> np.ndarray:
    """(1 − z)^(a+b−c) · ₂F₁(a, b; c; z) = ₂F₁(c − a, c − b; c; z) (Euler's transformation, A&S 15.3.3)."""
    return hyp2f1(c - a, c - b, c, z)


def _log_likelihood(params, x_values, x_index, x, t_x, T) -> np.ndarray:
    """Eq. (6) in logs, with the terms that depend on x alone computed once per distinct x (``x_values``)."""
    r, alpha, a, b = params
    per_x = gammaln(r + x_values) - gammaln(r) + betaln(a, b + x_values) - betaln(a, b)
    log_died_odds = np.log(a) - np.log(b + np.maximum(x_values, 1.0) - 1.0)
    at_T = -(r + x) * np.log(alpha + T)
    died = log_died_odds[x_index] - (r + x) * np.log(alpha + t_x)
    bracket = np.where(x > 0, np.logaddexp(at_T, died), at_T)
    return r * np.log(alpha) + per_x[x_index] + bracket


class Histories(NamedTuple):
    """Compressed histories split for the likelihood's gradient: x = 0 rows (T, weight), repeat rows (x, t_x, T,
    weight, index into ``x_values``), and the weight of each distinct x (``x_weight``, for the per-x terms)."""

    x_values: np.ndarray
    x_weight: np.ndarray
    T0: np.ndarray
    w0: np.ndarray
    x1: np.ndarray
    t1: np.ndarray
    T1: np.ndarray
    w1: np.ndarray
    index1: np.ndarray

    @classmethod
    def of(cls, x, t_x, T, w) -> Histories:
        values, index = np.unique(x, return_inverse=True)
        repeat = x > 0
        return cls(values, np.bincount(index, weights=w, minlength=len(values)), T[~repeat], w[~repeat],
                   x[repeat], t_x[repeat], T[repeat], w[repeat], index[repeat])


def log_likelihood_and_gradient(params, h: Histories) -> tuple[float, np.ndarray]:
    """Σ w ln L (eq. 6, as in ``_log_likelihood``) and its gradient on θ = (ln r, ln α, ln a, ln b).

    With the bracket's terms A = −(r+x) ln(α+T) and D = ln a − ln(b+x−1) − (r+x) ln(α+t_x) (x > 0; D = −∞ if x = 0),
    ∂ ln(e^A + e^D) = (1−π) ∂A + π ∂D with π = e^D/(e^A + e^D) = expit(D − A) (P(dead), the softmax weight), so

        ∂/∂ln r = r [ln α + ψ(r+x) − ψ(r) − (1−π) ln(α+T) − π ln(α+t_x)]
        ∂/∂ln α = r − (r+x) α [(1−π)/(α+T) + π/(α+t_x)]
        ∂/∂ln a = a [ψ(a+b) − ψ(a+b+x)] + π
        ∂/∂ln b = b [ψ(b+x) − ψ(b) + ψ(a+b) − ψ(a+b+x)] − π b/(b+x−1)

    (ψ = digamma, from ∂ ln Γ and ∂ ln B(a, b+x) − ln B(a, b)). Terms in x alone are computed once per distinct x
    and weighted by its customers; x = 0 rows only need ln(α+T) and 1/(α+T).
    """
    value_x, gradient_x = _per_x_terms(params, h)
    value_rows, gradient_rows = _row_terms(params, h)
    return value_x + value_rows, gradient_x + gradient_rows


def _per_x_terms(params, h: Histories) -> tuple[float, np.ndarray]:
    """Σ_x W_x [ln Γ(r+x) − ln Γ(r) + ln B(a, b+x) − ln B(a, b)] and its gradient on θ (zero for x = 0)."""
    r, _, a, b = params
    xs, wx = h.x_values, h.x_weight
    value = wx @ (gammaln(r + xs) - gammaln(r) + betaln(a, b + xs) - betaln(a, b))
    shape_r, shape_ab, shape_b = np.stack([digamma(r + xs) - digamma(r), digamma(a + b) - digamma(a + b + xs),
                                           digamma(b + xs) - digamma(b)]) @ wx
    return float(value), np.array([r * shape_r, 0.0, a * shape_ab, b * (shape_b + shape_ab)])


def _row_terms(params, h: Histories) -> tuple[float, np.ndarray]:
    """Σ w [r ln α + ln(e^A + e^D)] and its gradient on θ; for x = 0 rows the bracket is A = −r ln(α+T)."""
    r, alpha, a, b = params
    n = h.x_weight.sum()
    log_T0, log_T1, log_t1 = np.log(alpha + h.T0), np.log(alpha + h.T1), np.log(alpha + h.t1)
    shift = np.maximum(h.x_values, 1.0) - 1.0
    k = r + h.x1
    at_T = -k * log_T1
    d = (np.log(a) - np.log(b + shift))[h.index1] - k * log_t1 - at_T  # D − A
    e = np.exp(-np.abs(d))
    dead = np.where(d > 0, 1.0, e) / (1.0 + e)  # π = expit(D − A), without overflow
    bracket = at_T + np.maximum(d, 0.0) + np.log1p(e)  # logaddexp(A, D)
    u = h.w1 * dead
    v = h.w1 - u
    value = n * r * np.log(alpha) - r * (h.w0 @ log_T0) + h.w1 @ bracket
    gradient = np.array([
        r * (n * np.log(alpha) - h.w0 @ log_T0 - v @ log_T1 - u @ log_t1),
        r * n - alpha * (r * (h.w0 @ (1.0 / (alpha + h.T0))) + k @ (v / (alpha + h.T1) + u / (alpha + h.t1))),
        u.sum(),
        -u @ (b / (b + shift))[h.index1],
    ])
    return float(value), gradient


class BetaGeoNBD(HistoryModel):
    """BG/NBD: gamma(r, α) purchase rates, beta(a, b) drop-out probabilities. Time unit = that of ``recency``/``T``.

    ``penalizer`` (default 0, plain maximum likelihood) adds penalizer · Σ (log θ)² to the negative
    log-likelihood, pulling the parameters towards 1 (α in the data's time unit) when the data cannot pin
    them down.
    Fitted attributes: ``params_`` (dict r, alpha, a, b), ``log_likelihood_`` (unpenalised), ``fit_``
    (:class:`teiki.models.mle.Fit`), ``n_customers_`` (sum of weights).
    """

    param_names = ("r", "alpha", "a", "b")
    label = "BG/NBD"

    @classmethod
    def from_params(cls, r: float, alpha: float, a: float, b: float) -> BetaGeoNBD:
        """A model with given (e.g. published) parameters, for prediction without fitting."""
        return cls._from_values(r, alpha, a, b)

    @staticmethod
    def individual_log_likelihood(params, x, t_x, T) -> np.ndarray:
        """ln L(r, α, a, b | x, t_x, T), FHL 2005 eq. (6) as rearranged in the #NUM! note (027):

        L = Γ(r+x) α^r / Γ(r) · B(a, b+x) / B(a, b) · [ (α+T)^−(r+x) + δ_{x>0} a/(b+x−1) · (α+t_x)^−(r+x) ]
        """
        values, index = np.unique(x, return_inverse=True)
        return _log_likelihood(params, values, index.reshape(np.shape(x)), x, t_x, T)

    def fit(self, frequency, recency, T, weights=None) -> BetaGeoNBD:
        """Maximum likelihood on histories (x = repeat purchases, t_x = recency, T = age), ``weights`` = counts.

        Rows are compressed to unique (x, t_x, T) first, so fitting per-customer rows or their counts is the
        same computation. Raises ValueError for invalid histories, fewer than 2 customers, nobody repeating,
        or a likelihood whose maximum is at infinity.
        """
        x, t_x, age, w = self._fit_data(frequency, recency, T, weights)
        n = float(w.sum())

        values, index = np.unique(x, return_inverse=True)

        def log_likelihood(params: np.ndarray) -> float:
            return float(np.dot(w, _log_likelihood(params, values, index, x, t_x, age)))

        mean_x, mean_T = np.average(x, weights=w), max(np.average(age, weights=w), 1e-9)
        start = (1.0, max(mean_T / max(mean_x, 1e-3), 1e-3), 1.0, 1.0)
        prepared = Histories.of(x, t_x, age, w)
        fit = fit_with_checks(self, log_likelihood, start, n, scales=(1.0, mean_T, 1.0, 1.0),
                              log_likelihood_and_gradient=lambda p: log_likelihood_and_gradient(p, prepared))
        self._fitted(fit, n, log_likelihood)
        return self


    def expected_purchases(self, t) -> np.ndarray | float:
        """E[X(t)]: repeat purchases of a new customer in (0, t], FHL 2005 eq. (9):

        E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]

        evaluated after Euler's transformation as (a+b−1)/(a−1) · [1 − (α/(α+t))^(a−1) ₂F₁(a+b−1−r, a−1;
        a+b−1; t/(α+t))]. At a = 1 exactly (0/0) a is nudged by 10⁻⁹.
        """
        r, alpha, a, b = fitted_or_raise(self).values()
        times = self._times(t)
        a = a + 1e-9 if abs(a - 1.0) < 1e-9 else a
        z = times / (alpha + times)
        bracket = 1.0 - (alpha / (alpha + times)) ** (a - 1.0) * euler_2f1(r, b, a + b - 1.0, z)
        return as_output((a + b - 1.0) / (a - 1.0) * bracket, t)

    def p_alive(self, frequency, recency, T) -> np.ndarray | float:
        """P(alive at T | x, t_x, T) (FHL 2008 P(alive) note: Bayes' theorem on the two terms of eq. 6):

        P = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)); 1 for customers without a repeat purchase.
        """
        r, alpha, a, b = fitted_or_raise(self).values()
        x, t_x, age = histories(frequency, recency, T)
        log_odds_dead = (np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0)
                         + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x)))
        return as_output(np.where(x > 0, expit(-log_odds_dead), 1.0), frequency, recency, T)

    def conditional_expected_purchases(self, t, frequency, recency, T) -> np.ndarray | float:
        """E[Y(t) | x, t_x, T]: repeat purchases in (T, T+t] of a customer with that history, FHL 2005 eq. (10):

        E = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)

        (the denominator of eq. 10 is 1/P(alive)); the bracket is evaluated after Euler's transformation as
        1 − ((α+T)/(α+T+t))^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; t/(α+T+t)), stable for large x.
        """
        r, alpha, a, b = fitted_or_raise(self).values()
        times = self._times(t)
        x, t_x, age = histories(frequency, recency, T)
        a_ = a + 1e-9 if abs(a - 1.0) < 1e-9 else a
        ratio = (alpha + age) / (alpha + age + times)
        bracket = 1.0 - ratio ** (a_ - 1.0) * euler_2f1(r + x, b + x, a_ + b + x - 1.0, 1.0 - ratio)
        alive = np.asarray(self.p_alive(x, t_x, age))
        return as_output((a_ + b + x - 1.0) / (a_ - 1.0) * bracket * alive, t, frequency, recency, T)
