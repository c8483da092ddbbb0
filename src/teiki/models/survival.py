"""What the sBG and the BdW share: the likelihood of pooled cohorts, the fit, and predictions from ln S(t).

Pooled cohorts (:mod:`teiki.models.cohorts`), each censored at its own last period:
LL = Σ_t lost_t · ln P(T = t) + Σ_t censored_t · ln S(t), with P(T = t) = S(t − 1) − S(t).

Numerics: ln S(t) = ln B(α, β + s) − ln B(α, β) (s = t in the sBG, t^c in the BdW) is computed by
:func:`log_beta_ratio`, which writes ln Γ(z) = (z − ½) ln z − z + H(z) so that the large terms cancel
analytically (log1p forms) — accurate for α, β or s up to 10³⁰⁰, where a difference of ``betaln`` values
would lose every digit.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Self

import numpy as np
from scipy import special

from teiki.models.cohorts import (
    CohortCounts,
    alive_from_counts,
    check_estimable,
    cohort_counts,
)
from teiki.models.mle import Fit, fit_positive, positive_params

#: a log-parameter beyond ±this (a parameter above ~3·10⁶ or below ~3·10⁻⁷): the maximum is on the boundary
DIVERGED_LOG = 15.0
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _stirling_rest(z) -> np.ndarray:
    """H(z) = ln Γ(z) − (z − ½) ln z + z: bounded, → ½ ln 2π as z → ∞ (Stirling series from z = 20 on)."""
    z = np.asarray(z, dtype=float)
    small = z < 20.0
    zs, inv = np.where(small, z, 20.0), 1.0 / np.where(small, 20.0, z)
    direct = special.gammaln(zs) - (zs - 0.5) * np.log(zs) + zs
    series = _HALF_LOG_2PI + inv * (1 / 12 - inv**2 * (1 / 360 - inv**2 * (1 / 1260 - inv**2 / 1680)))
    return np.where(small, direct, series)


def log_beta_ratio(a, b, s) -> np.ndarray:
    """ln B(a, b + s) − ln B(a, b) for a, b > 0 and s ≥ 0 (s = ∞ gives −∞), without cancellation:

    (b − ½) log1p(s/b) − (a + b − ½) log1p(s/(a + b)) − s log1p(a/(b + s))
        + H(b + s) − H(b) − H(a + b + s) + H(a + b)
    """
    s = np.asarray(s, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        out = ((b - 0.5) * np.log1p(s / b) - (a + b - 0.5) * np.log1p(s / (a + b)) - s * np.log1p(a / (b + s))
               + _stirling_rest(b + s) - _stirling_rest(b) - _stirling_rest(a + b + s) + _stirling_rest(a + b))
    return np.where(np.isposinf(s), -np.inf, out)


class RetentionModel:
    """Base of the sBG and the BdW: cohort data, maximum likelihood, predictions from ln S(t).

    Subclasses set ``param_names`` and define ``_log_survival(p, t)`` (p in ``param_names`` order),
    ``_lifetime(p)`` (Σ_{t≥0} S(t)) and ``_derl(p, discount, n)``. ``tolerance``: a DERL summed term by term
    stops after the first term below it (the neglected tail is then below tolerance · (1 + d)/d).
    """

    param_names: tuple[str, ...] = ()
    label = "model"

    def __init__(self, *, standard_errors: bool = True, tolerance: float = 1e-12):
        if not 0 < tolerance < 1:
            raise ValueError("tolerance must be between 0 and 1")
        self.standard_errors, self.tolerance = bool(standard_errors), float(tolerance)
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.fit_: Fit | None = None
        self.n_customers_: float | None = None
        self.n_cohorts_: int | None = None
        self.boundary_: str | None = None

    @classmethod
    def _from_values(cls, values) -> Self:
        model = cls()
        model.params_ = positive_params(cls.param_names, values)
        return model

    def _settings(self) -> str:
        return f"standard_errors={self.standard_errors}, tolerance={self.tolerance:g}"

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.params_ is None:
            return f"{name}({self._settings()})"
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        if self.fit_ is None:
            return f"{name}({params}; parameters given, not fitted)"
        on_edge = f", on the boundary ({self.boundary_})" if self.boundary_ else ""
        customers, cohorts = self.n_customers_, self.n_cohorts_
        return (f"{name}({params}; log-likelihood {self.log_likelihood_:.2f}, {customers:,.6g} customer"
                f"{'s' * (customers != 1)} in {cohorts} cohort{'s' * (cohorts != 1)}{on_edge})")

    def _p(self) -> np.ndarray:
        if self.params_ is None:
            raise ValueError(f"{type(self).__name__} has no parameters yet: call .fit(alive) or .from_params(...)")
        return np.array(list(self.params_.values()))

    def log_likelihood(self, alive, *, weights=None) -> float:
        """LL of ``alive`` (one cohort or several, as for :meth:`fit`) at the current parameters."""
        return self._log_likelihood(self._p(), cohort_counts(alive, weights))

    def _log_likelihood(self, p: np.ndarray, counts: CohortCounts) -> float:
        log_s = self._log_survival(p, np.arange(len(counts.lost), dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):  # ln P(T = t) = ln S(t−1) + ln(1 − r_t)
            log_p = log_s[:-1] + np.log(-np.expm1(log_s[1:] - log_s[:-1]))
            terms = np.concatenate([counts.lost[1:] * log_p, counts.censored * log_s])
        weights = np.concatenate([counts.lost[1:], counts.censored])
        return float(np.sum(np.where(weights > 0, terms, 0.0)))  # 0 customers × ln 0 counts as 0

    def _starts(self, counts: CohortCounts) -> list[tuple[float, ...]]:
        return [(1.0,) * len(self.param_names)]

    def fit(self, alive, *, weights=None) -> Self:
        """Maximum likelihood on one cohort's ``alive`` counts (periods 0, 1, …) or several cohorts' (a list
        of such vectors of any lengths, a 2-D array or a DataFrame with a row per cohort, trailing NaN =
        not reached); ``weights`` multiply each cohort's counts.

        ValueError: negative or increasing counts, fewer than 2 periods or alive[0] = 0 in a cohort, no
        churn at all, everyone churned at the first renewal, or fewer renewal periods than parameters.
        A maximum on the boundary (a parameter beyond e^±15, e.g. α, β → ∞ when churn shows no
        heterogeneity) is kept, named in ``boundary_`` and warned about (RuntimeWarning); predictions are
        then the limiting model's, and ``fit_.cov_log`` is None (standard errors NaN).
        """
        return self._fit_pooled(cohort_counts(alive, weights))

    def _fit_pooled(self, counts: CohortCounts) -> Self:
        check_estimable(counts, len(self.param_names), self.label)

        def objective(p: np.ndarray) -> float:
            return -self._log_likelihood(p, counts)

        starts = self._starts(counts)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # the optimiser tries wild values
            if len(starts) > 1:  # the best of several starts, then polished (and its standard errors)
                fits = [fit_positive(objective, self.param_names, s, standard_errors=False) for s in starts]
                starts = [max(fits, key=lambda f: f.log_likelihood).estimates]
            fit = fit_positive(objective, self.param_names, starts[0], standard_errors=self.standard_errors)
        log_est = np.log(fit.estimates)
        far = [(n, v) for n, v in zip(self.param_names, log_est, strict=True) if abs(v) > DIVERGED_LOG]
        self.boundary_ = ", ".join(f"{n} → {'∞' if v > 0 else '0'}" for n, v in far) or None
        if self.boundary_:
            fit = dataclasses.replace(fit, cov_log=None)
            warnings.warn(f"{type(self).__name__}: the likelihood is largest on the boundary ({self.boundary_}); "
                          f"{self._boundary_hint(fit.params)} Predictions use these limiting values; "
                          "standard errors are not available.", RuntimeWarning, stacklevel=3)
        self.fit_, self.params_, self.log_likelihood_ = fit, fit.params, fit.log_likelihood
        self.n_customers_, self.n_cohorts_ = counts.customers, counts.cohorts
        return self

    def _boundary_hint(self, params: dict[str, float]) -> str:
        a, b = params["alpha"], params["beta"]
        if min(a, b) > math.exp(DIVERGED_LOG):
            return (f"churn shows no heterogeneity, so this is the geometric limit: every customer churns with "
                    f"probability {a / (a + b):.4g} per period.")
        return "the data cannot pin this parameter down (too few customers or periods)."

    def fit_counts(self, lost, survivors_at_end, *, weights=None) -> Self:
        """:meth:`fit` from churners per period (``lost[0]`` at period 1, …) and the survivors after the last
        period; pass lists of each for several cohorts."""
        return self.fit(alive_from_counts(lost, survivors_at_end), weights=weights)

    @property
    def summary(self):
        """DataFrame by parameter: estimate, standard_error, lower_95, upper_95 (needs a fit, not from_params)."""
        if self.fit_ is None:
            raise ValueError("summary needs a fit: parameters given with from_params have no standard errors")
        return self.fit_.summary()

    def survival(self, t) -> np.ndarray | float:
        """S(t) = P(still subscribed at period t), t ≥ 0 (array-capable; a float for a scalar)."""
        t = check_periods(t, 0)
        return scalar_or_array(np.exp(self._log_survival(self._p(), t)), t)

    def retention_rate(self, t) -> np.ndarray | float:
        """r_t = S(t) / S(t − 1), the share of period t − 1's customers who renew at t (t ≥ 1)."""
        t, p = check_periods(t, 1), self._p()
        return scalar_or_array(np.exp(self._log_survival(p, t) - self._log_survival(p, t - 1.0)), t)

    def expected_lifetime(self, horizon: int | None = None) -> float:
        """Expected periods alive, counting the acquisition period: Σ_{t=0}^{horizon−1} S(t) = E[min(T, horizon)]
        (who churns at T was alive in periods 0 … T−1); horizon None: E[T] = Σ_{t≥0} S(t), ∞ if it diverges."""
        p = self._p()
        if horizon is None:
            return float(self._lifetime(p))
        if not (isinstance(horizon, (int, np.integer)) and horizon >= 0):
            raise ValueError("horizon must be a whole number of periods ≥ 0 (or None for the whole lifetime)")
        return float(np.sum(np.exp(self._log_survival(p, np.arange(int(horizon), dtype=float)))))

    def derl(self, discount: float, renewals=0) -> np.ndarray | float:
        """Discounted expected residual lifetime of a customer who has made ``renewals`` = n − 1 renewals,
        evaluated just before the n-th renewal decision (Fader & Hardie 2010, Marketing Science 29(1)):
        DERL = Σ_{t≥n} S(t)/S(n−1) / (1 + d)^(t−n), the expected discounted number of future payments, the
        next one undiscounted. ``discount`` d ≥ 0 per period (0: expected remaining renewals, maybe ∞)."""
        if not (np.isfinite(discount) and discount >= 0):
            raise ValueError("discount must be a finite rate ≥ 0 per period")
        n, p = check_periods(renewals, 0) + 1.0, self._p()
        if np.any(n != np.round(n)):
            raise ValueError("renewals must be whole numbers ≥ 0")
        _check_reachable(self._log_survival(p, n - 1.0))
        return scalar_or_array(np.asarray(self._derl(p, float(discount), n), dtype=float), n)

    def _derl_summed(self, p, discount: float, n: float) -> float:
        """Σ_{t≥n} S(t)/S(n−1) (1+d)^−(t−n), d > 0, in blocks of 1024 terms until a term is below tolerance."""
        log_base, log_step, total, first = float(self._log_survival(p, n - 1.0)), math.log1p(discount), [], n
        while True:
            t = np.arange(first, first + 1024, dtype=float)
            terms = np.exp(self._log_survival(p, t) - log_base - (t - n) * log_step)
            total.append(math.fsum(terms))
            if terms[-1] < self.tolerance:
                return math.fsum(total)
            first += 1024

    def predict_alive(self, cohort_size: float, periods: int, *, age: int = 0) -> np.ndarray:
        """Expected customers alive at periods age, age+1, …, age+periods of a cohort with ``cohort_size``
        alive at period ``age``: cohort_size · S(t) / S(age) (age 0: a new cohort's curve, alive[0] first)."""
        if not (cohort_size >= 0 and periods >= 0 and age >= 0):
            raise ValueError("cohort_size, periods and age must be ≥ 0")
        p, t = self._p(), np.arange(age, age + periods + 1, dtype=float)
        log_start = _check_reachable(self._log_survival(p, float(age)))
        return cohort_size * np.exp(self._log_survival(p, t) - log_start)


def _check_reachable(log_s):
    """``log_s`` (ln S at the periods a customer is known to be alive), or ValueError where S = 0 there."""
    if np.any(np.isneginf(log_s)):
        raise ValueError("these parameters give probability 0 of being alive at that period: nothing to condition on")
    return log_s


def check_periods(t, least: int) -> np.ndarray:
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t) & (t >= least)):
        raise ValueError(f"periods must be finite numbers ≥ {least}")
    return t


def scalar_or_array(values: np.ndarray, t: np.ndarray) -> np.ndarray | float:
    return float(values) if np.ndim(t) == 0 else values
