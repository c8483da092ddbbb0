"""The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987, "Counting Your Customers").

Story: while alive, a customer buys as a Poisson process with rate λ ~ gamma(r, α); their lifetime is
exponential with rate μ ~ gamma(s, β); λ and μ are independent. A customer's history is (x, t_x, T): x repeat
purchases, the last at t_x, observed for T since their first purchase.

Expressions follow Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions"
(brucehardie.com note 009): the likelihood with its A₀ term (§3), the mean (§4), P(alive) (§5) and the
conditional expectation (§6). Symbols are theirs.

Numerical form. With m = r+s+x the likelihood is

    L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s/m · (G(t_x) − G(T)) ]

where A₀ = G(t_x) − G(T) = m·∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ. The note writes
G(t) = ₂F₁(m, s+1; m+1; (α−β)/(α+t)) / (α+t)^m for α ≥ β and ₂F₁(m, r+x; m+1; (β−α)/(β+t)) / (β+t)^m for
α < β. Euler's transformation ₂F₁(a, b; c; z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z) turns both into a ₂F₁ whose
first argument is 1 and whose power-law growth in x has been factored out analytically:

    α ≥ β:  G(t) = (α+t)^−(r+x) (β+t)^−s · ₂F₁(1, r+x; m+1; (α−β)/(α+t))
    α < β:  G(t) = (α+t)^−(r+x) (β+t)^−s · (α+t)/(β+t) · ₂F₁(1, s+1; m+1; (β−α)/(β+t))

Everything is then assembled in logs (``logaddexp``, ``expm1``), so large x or long T neither overflow nor
underflow. Both branches agree at α = β (the ₂F₁ equals 1 there).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, gammaln, hyp2f1

from teiki.models.purchase import HistoryModel, as_output, fit_with_checks, fitted_or_raise, histories


def log_g(params, x, t) -> np.ndarray:
    """ln G(t) of the module docstring (one of the two A₀ terms), by the α ≥ β or α < β branch."""
    r, alpha, s, beta = params
    m = r + s + x
    base = -(r + x) * np.log(alpha + t) - s * np.log(beta + t)
    if alpha >= beta:
        return base + np.log(hyp2f1(1.0, r + x, m + 1.0, (alpha - beta) / (alpha + t)))
    hyper = hyp2f1(1.0, s + 1.0, m + 1.0, (beta - alpha) / (beta + t))
    return base + np.log(alpha + t) - np.log(beta + t) + np.log(hyper)


def log_terms(params, x, t_x, T) -> tuple[np.ndarray, np.ndarray]:
    """(ln of the alive-at-T term, ln of the died-in-(t_x, T] term) of the bracket in L.

    The second is ln(s/m · A₀) with A₀ = G(t_x) − G(T) ≥ 0, computed as ln G(t_x) + ln(1 − e^(ln G(T) − ln G(t_x)));
    it is −∞ when t_x = T (no room to die between the last purchase and T).
    """
    r, alpha, s, beta = params
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    g_tx, g_T = log_g(params, x, t_x), log_g(params, x, T)
    gap = np.minimum(g_T - g_tx, 0.0)
    with np.errstate(divide="ignore"):
        died = np.log(s) - np.log(r + s + x) + g_tx + np.log(-np.expm1(gap))
    return alive, died


def rising_ratio(k, log_u) -> np.ndarray:
    """(1 − u^k) / k for u = e^log_u, continuous at k = 0 (where it is −ln u)."""
    k = np.asarray(k, dtype=float)
    safe = np.where(np.abs(k) < 1e-12, 1.0, k)
    return np.where(np.abs(k) < 1e-12, -log_u, -np.expm1(k * log_u) / safe)


class ParetoNBD(HistoryModel):
    """Pareto/NBD: gamma(r, α) purchase rates, gamma(s, β) drop-out rates. Time unit = that of ``recency``/``T``.

    ``penalizer`` (default 0, plain maximum likelihood) adds penalizer · Σ (log θ)² to the negative
    log-likelihood. Fitted attributes: ``params_`` (dict r, alpha, s, beta), ``log_likelihood_``
    (unpenalised), ``fit_`` (:class:`teiki.models.mle.Fit`), ``n_customers_`` (sum of weights).
    """

    param_names = ("r", "alpha", "s", "beta")
    label = "Pareto/NBD"

    @classmethod
    def from_params(cls, r: float, alpha: float, s: float, beta: float) -> ParetoNBD:
        """A model with given (e.g. published) parameters, for prediction without fitting."""
        return cls._from_values(r, alpha, s, beta)

    @staticmethod
    def individual_log_likelihood(params, x, t_x, T) -> np.ndarray:
        """ln L(r, α, s, β | x, t_x, T) = ln Γ(r+x) − ln Γ(r) + r ln α + s ln β + ln(alive term + died term)."""
        r, alpha, s, beta = params
        alive, died = log_terms(params, x, t_x, T)
        return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.logaddexp(alive, died)

    def fit(self, frequency, recency, T, weights=None) -> ParetoNBD:
        """Maximum likelihood on histories (x = repeat purchases, t_x = recency, T = age), ``weights`` = counts.

        Rows are compressed to unique (x, t_x, T) first. Raises ValueError for invalid histories, fewer than 2
        customers, nobody repeating, or a likelihood whose maximum is at infinity.
        """
        x, t_x, age, w = self._fit_data(frequency, recency, T, weights)
        n = float(w.sum())

        def log_likelihood(params: np.ndarray) -> float:
            return float(np.dot(w, self.individual_log_likelihood(params, x, t_x, age)))

        mean_x, mean_T = np.average(x, weights=w), max(np.average(age, weights=w), 1e-9)
        start = (1.0, max(mean_T / max(mean_x, 1e-3), 1e-3), 1.0, mean_T)
        fit = fit_with_checks(self, log_likelihood, start, n, scales=(1.0, mean_T, 1.0, mean_T))
        self._fitted(fit, n, log_likelihood)
        return self


    def expected_purchases(self, t) -> np.ndarray | float:
        """E[X(t)]: repeat purchases of a new customer in (0, t] (note 009 §4; SMC 1987 eq. 17):

        E[X(t)] = r β / (α (s−1)) · [1 − (β/(β+t))^(s−1)]   (the limit r/α · β ln((β+t)/β) at s = 1)
        """
        r, alpha, s, beta = fitted_or_raise(self).values()
        times = self._times(t)
        return as_output(r * beta / alpha * rising_ratio(s - 1.0, np.log(beta) - np.log(beta + times)), t)

    def p_alive(self, frequency, recency, T) -> np.ndarray | float:
        """P(alive at T | x, t_x, T) (note 009 §5) = alive term / (alive term + died term) of the likelihood,

        i.e. 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀); equal to 1 when t_x = T.
        """
        params = tuple(fitted_or_raise(self).values())
        x, t_x, age = histories(frequency, recency, T)
        alive, died = log_terms(params, x, t_x, age)
        return as_output(expit(alive - died), frequency, recency, T)

    def conditional_expected_purchases(self, t, frequency, recency, T) -> np.ndarray | float:
        """E[Y(t) | x, t_x, T]: repeat purchases in (T, T+t] given the history (note 009 §6, eq. 41):

        E = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive | x, t_x, T)
        """
        r, alpha, s, beta = fitted_or_raise(self).values()
        times = self._times(t)
        x, t_x, age = histories(frequency, recency, T)
        alive = np.asarray(self.p_alive(x, t_x, age))
        rate = (r + x) * (beta + age) / (alpha + age)
        ratio = rising_ratio(s - 1.0, np.log(beta + age) - np.log(beta + age + times))
        return as_output(rate * ratio * alive, t, frequency, recency, T)
