"""The beta-discrete-Weibull (BdW) retention model: the sBG with duration dependence.

Story (Fader, Hardie, Liu, Davin & Steenburgh 2018, "'How to Project Customer Retention' Revisited: The
Role of Duration Dependence", J. Interactive Marketing 43, 1–16): a customer with churn parameter θ
survives t periods with probability (1 − θ)^(t^c) — the discrete Weibull of Nakagawa & Osaki (1975) —
and θ ~ beta(α, β) across customers. c > 1: each customer's churn probability rises with tenure; c < 1:
it falls; c = 1 is the sBG (:class:`teiki.models.sbg.ShiftedBetaGeometric`) exactly.

    S(t) = B(α, β + t^c) / B(α, β)                                  (eq. 10)
    r_t = S(t) / S(t − 1) = B(α, β + t^c) / B(α, β + (t − 1)^c)      (eq. 12)
    P(T = t) = S(t − 1) − S(t)

Data, likelihood and validation are the sBG's (:class:`teiki.models.survival.RetentionModel`). Sums without a
closed form are numerical:

- DERL (d > 0): Σ_{t≥n} S(t)/S(n−1) (1+d)^−(t−n) term by term, in blocks, stopping after the first term
  below ``tolerance`` (default 10⁻¹²); the terms fall at least as fast as (1+d)^−k, so the neglected tail
  is below tolerance · (1 + d)/d.
- Σ_{t≥N} S(t) (E[T], and DERL at d = 0): S(t) ~ Γ(α+β)/Γ(β) · t^(−cα), so the sum is finite only when
  cα > 1 (∞ otherwise). It is summed exactly for 4096 terms, then the Euler–Maclaurin tail
  ∫_N^∞ S(u) du + S(N)/2 − S′(N)/12 is added, the integral by quadrature over v = ln u.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import integrate, special

from teiki.models.cohorts import CohortCounts
from teiki.models.sbg import ShiftedBetaGeometric
from teiki.models.survival import DIVERGED_LOG, RetentionModel, log_beta_ratio

EXACT_TERMS = 4096  # terms of Σ S(t) summed one by one before the Euler–Maclaurin tail


class BetaDiscreteWeibull(RetentionModel):
    """BdW (Fader, Hardie, Liu, Davin & Steenburgh 2018): beta(α, β) churn parameters, Weibull shape c.

    ``tolerance``: the DERL sum stops after the first term below it. Fitted attributes as for the sBG,
    with ``params_`` = {"alpha": α, "beta": β, "c": c}. One of the fit's starts is the sBG's maximum (c = 1),
    so its log-likelihood is never below the sBG's; it needs at least 3 renewal periods.
    """

    param_names = ("alpha", "beta", "c")
    label = "BdW"

    @classmethod
    def from_params(cls, alpha: float, beta: float, c: float) -> BetaDiscreteWeibull:
        """A model with given (e.g. published) parameters, for prediction without fitting."""
        return cls._from_values([alpha, beta, c])

    @staticmethod
    def _log_survival(p, t) -> np.ndarray:
        """ln S(t) = ln B(α, β + t^c) − ln B(α, β), eq. (10)."""
        with np.errstate(over="ignore"):
            return log_beta_ratio(p[0], p[1], np.asarray(t, dtype=float) ** p[2])

    def _starts(self, counts: CohortCounts) -> list[tuple[float, ...]]:
        """The sBG maximum with c = 1 (so the BdW's log-likelihood is never below the sBG's), and fixed starts
        with falling, constant and rising churn for when that maximum is on the boundary far away."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the inner sBG's boundary is not the BdW's
            sbg = ShiftedBetaGeometric(standard_errors=False)._fit_pooled(counts)
        alpha, beta = sbg.params_.values()
        return [(alpha, beta, 1.0), (1.0, 1.0, 0.5), (1.0, 1.0, 1.0), (1.0, 1.0, 2.0)]

    def _boundary_hint(self, params: dict[str, float]) -> str:
        a, b, c = params.values()
        if min(a, b) > math.exp(DIVERGED_LOG):
            return (f"churn shows no heterogeneity, so this is the discrete-Weibull limit: every customer "
                    f"survives t periods with probability (1 − θ)^(t^c), θ = {a / (a + b):.4g}, c = {c:.4g}.")
        return super()._boundary_hint(params)

    def _log_survival_of_log_u(self, p, v: float) -> float:
        """ln S(e^v), also where s = e^(cv) overflows: then ln S = ln Γ(α+β) − ln Γ(β) − α c v (exact there)."""
        alpha, beta, c = p
        if c * v < 700.0:
            return float(log_beta_ratio(alpha, beta, math.exp(c * v)))
        return float(special.gammaln(alpha + beta) - special.gammaln(beta) - alpha * c * v)

    def _sum_from(self, p, start: float) -> float:
        """Σ_{t≥start} S(t): exact for EXACT_TERMS terms, then the Euler–Maclaurin tail (∞ when cα ≤ 1)."""
        alpha, beta, c = p
        if c * alpha <= 1.0:
            return math.inf
        head = np.exp(self._log_survival(p, np.arange(start, start + EXACT_TERMS, dtype=float)))
        n = start + EXACT_TERMS
        s_n = math.exp(float(self._log_survival(p, n)))
        if s_n == 0.0:
            return float(math.fsum(head))
        slope = c * n ** (c - 1.0) * (special.digamma(beta + n**c) - special.digamma(alpha + beta + n**c))
        integral, _ = integrate.quad(lambda v: math.exp(self._log_survival_of_log_u(p, v) + v), math.log(n),
                                     math.inf, epsabs=0.0, epsrel=1e-11, limit=200)
        return float(math.fsum(head)) + integral + s_n / 2.0 - s_n * slope / 12.0

    def _lifetime(self, p) -> float:
        """E[T] = Σ_{t≥0} S(t), finite only when c·α > 1."""
        return self._sum_from(p, 0.0)

    def _derl(self, p, discount: float, n: np.ndarray) -> np.ndarray:
        return np.vectorize(lambda k: self._derl_one(p, discount, float(k)), otypes=[float])(n)

    def _derl_one(self, p, discount: float, n: float) -> float:
        """Summed term by term (d > 0), or Σ_{t≥n} S(t) / S(n−1) by :meth:`_sum_from` (d = 0)."""
        if discount > 0.0:
            return self._derl_summed(p, discount, n)
        return self._sum_from(p, n) / math.exp(float(self._log_survival(p, n - 1.0)))

