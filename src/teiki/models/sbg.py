"""The shifted-beta-geometric (sBG) retention model.

Story (Fader & Hardie 2007, "How to Project Customer Retention", J. Interactive Marketing 21(1) 76–90):
at each renewal opportunity a customer churns with probability θ, the same at every opportunity, and θ
varies across customers as beta(α, β). Periods: t = 0 is the acquisition period, t = 1, 2, … the renewal
opportunities; T ∈ {1, 2, …} is the period at which the customer does not renew.

    P(T = t) = B(α + 1, β + t − 1) / B(α, β)                       (eq. 7)
    S(t) = P(T > t) = B(α, β + t) / B(α, β)                        (eq. 8)
    r_t = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)           (eq. 6)

Data, likelihood, fit and predictions from ln S(t): :mod:`teiki.models.survival`
(cohort data: :mod:`teiki.models.cohorts`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from teiki.models.survival import (
    RetentionModel,
    check_periods,
    log_beta_ratio,
    scalar_or_array,
)


class ShiftedBetaGeometric(RetentionModel):
    """sBG (Fader & Hardie 2007): θ ~ beta(α, β) churn probabilities, constant over a customer's life.

    Fitted attributes: ``params_`` ({"alpha": α, "beta": β}), ``log_likelihood_``, ``fit_`` (the
    :class:`teiki.models.mle.Fit`), ``n_customers_``, ``n_cohorts_``, ``boundary_`` (None or which
    parameters ran off). Degenerate data: see :meth:`RetentionModel.fit` — no churn at all or everyone
    gone at the first renewal raise ValueError; a single customer (or cohorts whose retention does not
    rise) gives the geometric limit α, β → ∞ with a RuntimeWarning.
    """

    param_names = ("alpha", "beta")
    label = "sBG"

    @classmethod
    def from_params(cls, alpha: float, beta: float) -> ShiftedBetaGeometric:
        """A model with given (e.g. published) parameters, for prediction without fitting."""
        return cls._from_values([alpha, beta])

    @staticmethod
    def _log_survival(p, t) -> np.ndarray:
        """ln S(t) = ln B(α, β + t) − ln B(α, β), eq. (8)."""
        return log_beta_ratio(p[0], p[1], t)

    def retention_rate(self, t) -> np.ndarray | float:
        """r_t = (β + t − 1) / (α + β + t − 1), eq. (6); t ≥ 1."""
        (alpha, beta), t = self._p(), check_periods(t, 1)
        return scalar_or_array((beta + t - 1.0) / (alpha + beta + t - 1.0), t)

    @staticmethod
    def _lifetime(p) -> float:
        """E[T] = Σ_{t≥0} S(t) = E[1/θ] = (α + β − 1)/(α − 1) for α > 1, ∞ for α ≤ 1 (β/(α − 1) renewals)."""
        alpha, beta = p
        return (alpha + beta - 1.0) / (alpha - 1.0) if alpha > 1.0 else math.inf

    def _derl(self, p, discount: float, n: np.ndarray) -> np.ndarray:
        """Fader & Hardie (2010) eq. (6): (β + n − 1)/(α + β + n − 1) · ₂F₁(1, β + n; α + β + n; 1/(1 + d)),
        summed term by term where scipy's ₂F₁ gives up (NaN, e.g. α = 50, β = 900); at d = 0,
        E[(1 − θ)/θ | alive at n − 1] = (β + n − 1)/(α − 1), ∞ for α ≤ 1."""
        alpha, beta = p
        if discount == 0.0:
            return (beta + n - 1.0) / (alpha - 1.0) if alpha > 1.0 else np.full_like(n, math.inf)
        first = (beta + n - 1.0) / (alpha + beta + n - 1.0)
        out = np.asarray(first * special.hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount)))
        failed = ~np.isfinite(out)
        out[failed] = [self._derl_summed(p, discount, k) for k in np.broadcast_to(n, out.shape)[failed]]
        return out
