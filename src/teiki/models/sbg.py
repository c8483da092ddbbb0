"""The shifted-beta-geometric (sBG) retention model, and the machinery it shares with the BdW.

Story (Fader & Hardie 2007, "How to Project Customer Retention", J. Interactive Marketing 21(1) 76–90):
at each renewal opportunity a customer churns with probability θ, the same at every opportunity, and θ
varies across customers as beta(α, β). Periods: t = 0 is the acquisition period, t = 1, 2, … the renewal
opportunities; T ∈ {1, 2, …} is the period at which the customer does not renew.

    P(T = t) = B(α + 1, β + t − 1) / B(α, β)                       (eq. 7)
    S(t) = P(T > t) = B(α, β + t) / B(α, β)                        (eq. 8)
    r_t = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)           (eq. 6)

Data: ``alive[t]`` customers of a cohort still subscribed at period t (alive[0] = the cohort size).
alive[t−1] − alive[t] churned at t; the alive[-1] still there at the cohort's last period are
right-censored. Several cohorts of different ages pool into one likelihood (each censored at its own
last period):  LL = Σ_t lost_t · ln P(T = t) + Σ_t censored_t · ln S(t).

Numerics: ln S(t) = ln B(α, β + s) − ln B(α, β) (s = t here, t^c in the BdW) is computed by
:func:`log_beta_ratio`, which writes ln Γ(z) = (z − ½) ln z − z + H(z) so that the large terms cancel
analytically (log1p forms) — accurate for α, β or s up to 10³⁰⁰, where a difference of ``betaln`` values
would lose every digit.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from typing import Self

import numpy as np
from scipy import special

from teiki.models.mle import Fit, fit_positive, positive_params, weights_or_ones

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


@dataclass(frozen=True)
class CohortCounts:
    """Pooled sufficient statistics: ``lost[t]`` churned at period t (lost[0] = 0), ``censored[t]`` still
    alive when their cohort's observation ended at t; index t = 0 … the longest cohort's last period."""

    lost: np.ndarray
    censored: np.ndarray
    cohorts: int

    @property
    def customers(self) -> float:
        return float(self.lost.sum() + self.censored.sum())

    @property
    def periods(self) -> int:
        """Renewal opportunities observed (the longest cohort's)."""
        return len(self.lost) - 1


def _cohort_list(alive) -> list[np.ndarray]:
    """One cohort (a flat sequence) or several (a nested sequence, 2-D array or DataFrame with a row per cohort)."""
    if hasattr(alive, "to_numpy"):  # pandas Series (one cohort) or DataFrame (a row per cohort)
        alive = alive.to_numpy(dtype=float)
    if isinstance(alive, np.ndarray):
        if alive.ndim not in (1, 2):
            raise ValueError("alive must be one cohort's counts (1-D) or a row of counts per cohort (2-D)")
        rows = [alive] if alive.ndim == 1 else list(alive)
    else:
        rows = list(alive)
        if rows and all(np.ndim(x) == 0 for x in rows):
            rows = [rows]
        elif not all(np.ndim(x) == 1 for x in rows):
            raise ValueError("alive must be one cohort (a list of numbers) or several (a list of such lists), "
                             "not a mix of numbers and lists")
    if not rows:
        raise ValueError("alive is empty: give at least one cohort")
    out = []
    for row in rows:
        row = np.asarray(row, dtype=float)
        observed = np.flatnonzero(~np.isnan(row))  # trailing NaN = periods not reached yet (a cohort triangle)
        out.append(row[: observed[-1] + 1] if observed.size else row[:0])
    return out


def _check_cohort(a: np.ndarray, label: str) -> None:
    if a.size < 2:
        raise ValueError(f"{label} needs the cohort size and at least one later period (alive[0], alive[1], …); "
                         f"got {a.size} value(s)")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{label}: counts must be finite numbers (NaN only for trailing periods not reached)")
    if np.any(a < 0):
        t = int(np.argmax(a < 0))
        raise ValueError(f"{label}: counts must be ≥ 0, but alive[{t}] = {a[t]:g}")
    if a[0] == 0:
        raise ValueError(f"{label} is empty: alive[0] (the cohort size) is 0")
    rises = np.diff(a) > 0
    if rises.any():
        t = int(np.argmax(rises)) + 1
        raise ValueError(f"{label}: counts must not increase (nobody rejoins a cohort), but alive[{t - 1}] = "
                         f"{a[t - 1]:g} < alive[{t}] = {a[t]:g}")


def cohort_counts(alive, weights=None) -> CohortCounts:
    """Validate and pool ``alive`` (one cohort or several) into :class:`CohortCounts`; ``weights`` per cohort."""
    rows = _cohort_list(alive)
    w = weights_or_ones(weights, len(rows))
    lost, censored = np.zeros(max(len(r) for r in rows)), np.zeros(max(len(r) for r in rows))
    for i, (row, wi) in enumerate(zip(rows, w, strict=True)):
        _check_cohort(row, "alive" if len(rows) == 1 else f"cohort {i}")
        lost[1: len(row)] += wi * -np.diff(row)
        censored[len(row) - 1] += wi * row[-1]
    return CohortCounts(lost, censored, len(rows))


def alive_from_counts(lost, survivors_at_end) -> list[np.ndarray]:
    """Cohorts' alive vectors from churners per period (lost[0] at period 1, …) and the survivors after the
    last; ``lost`` a list of lists and ``survivors_at_end`` a list for several cohorts."""
    if np.ndim(survivors_at_end) == 0:
        lost, survivors_at_end = [lost], [survivors_at_end]
    out = []
    for churned, left in zip(lost, survivors_at_end, strict=True):
        churned = np.asarray(churned, dtype=float)
        if churned.ndim != 1 or np.any(churned < 0) or left < 0:
            raise ValueError("lost (churners per period) and survivors_at_end must be numbers ≥ 0")
        out.append(left + np.concatenate([np.cumsum(churned[::-1])[::-1], [0.0]]))
    return out


def check_estimable(counts: CohortCounts, n_params: int, name: str) -> None:
    """ValueError for data whose likelihood has no interior maximum or does not identify the parameters."""
    if counts.customers <= 0:
        raise ValueError("every cohort has weight 0: nothing to fit")
    if counts.lost.sum() == 0:
        raise ValueError(f"no customer churned in the data: the {name} maximum is at retention 100% "
                         "(β → ∞), so there is nothing to estimate yet — wait for the first cancellations")
    if counts.lost[2:].sum() == 0 and counts.censored[1:].sum() == 0:
        raise ValueError(f"every customer churned at the first renewal: the {name} maximum is at "
                         "churn probability 1 (β/α → 0), with no later period to estimate anything from")
    if counts.periods < n_params:
        raise ValueError(f"the {name} has {n_params} parameters and needs at least {n_params} renewal periods "
                         f"(alive at periods 0…{n_params}); the longest cohort here has {counts.periods}, "
                         "too few to pin them down")


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
        t = _periods(t, 0)
        return _out(np.exp(self._log_survival(self._p(), t)), t)

    def retention_rate(self, t) -> np.ndarray | float:
        """r_t = S(t) / S(t − 1), the share of period t − 1's customers who renew at t (t ≥ 1)."""
        t, p = _periods(t, 1), self._p()
        return _out(np.exp(self._log_survival(p, t) - self._log_survival(p, t - 1.0)), t)

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
        n, p = _periods(renewals, 0) + 1.0, self._p()
        if np.any(n != np.round(n)):
            raise ValueError("renewals must be whole numbers ≥ 0")
        _check_reachable(self._log_survival(p, n - 1.0))
        return _out(np.asarray(self._derl(p, float(discount), n), dtype=float), n)

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


def _periods(t, least: int) -> np.ndarray:
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t) & (t >= least)):
        raise ValueError(f"periods must be finite numbers ≥ {least}")
    return t


def _out(values: np.ndarray, t: np.ndarray) -> np.ndarray | float:
    return float(values) if np.ndim(t) == 0 else values


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
        (alpha, beta), t = self._p(), _periods(t, 1)
        return _out((beta + t - 1.0) / (alpha + beta + t - 1.0), t)

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
