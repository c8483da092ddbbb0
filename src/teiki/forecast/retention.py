"""Projected 定期継続率 for a group of subscriptions: sBG or BdW, chosen by a holdout, with an 80% interval.

Input: the life counts of a group (teiki.forecast.stats.life_counts): per highest
delivery reached m, the subscriptions ``n`` and how many were cancelled. In the
models' time, delivery n happens at period n − 1, so a subscription cancelled
after reaching m deliveries churned at period m, and one still active after m
deliveries is censored at period m − 1 (it may still cancel before the next).
Pooled as cohorts for ``model.fit`` that is one cohort holding every cancelled
subscription (observed until all have churned) plus, per m, a cohort of the
active ones observed, without churn, to period m − 1.

Model choice: both models (BdW only on curves of 9 deliveries or more) are
fitted on the subscriptions as they were after the first ⌈2/3⌉ of the observed
deliveries, and the one whose projection is
closer (mean absolute error of r(n)) on the last third wins; it is then refitted
on everything. Intervals: 80% of the curves drawn from the fitted parameters'
normal approximation on the log scale (500 draws, a fixed seed); when the fit
has no covariance (its maximum lies on the boundary, as young groups' often
does: α, β → ∞ is constant churn) the 10–90% range of 60 refits on resampled
subscriptions.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from teiki.models.bdw import BetaDiscreteWeibull
from teiki.models.sbg import ShiftedBetaGeometric

MODELS = {"sBG": ShiftedBetaGeometric, "BdW": BetaDiscreteWeibull}
MIN_SUBSCRIPTIONS = 30  # fewer: the group is reported as too small to fit
MIN_BDW_DELIVERIES = 9  # BdW's third parameter (duration dependence) needs a long curve: fewer, sBG only
DRAWS = 500
BOOTSTRAP = 60
SEED = 20071  # Fader & Hardie 2007


@dataclass
class RetentionForecast:
    """One group's projection: the model, its parameters, r(n) for n = 1..horizon with an 80% interval."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    observed_deliveries: int
    retention: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    holdout_error: dict[str, float | None] = field(default_factory=dict)

    def expected_deliveries(self, deliveries: int) -> float:
        """E[deliveries among the first ``deliveries``] = Σ_{n=1..deliveries} r(n)."""
        return float(self.retention[:deliveries].sum())


def cohorts(reached: np.ndarray, n: np.ndarray, cancelled: np.ndarray, upto: int | None = None) -> list[list[int]]:
    """The life counts as pooled cohorts' alive vectors (periods 0, 1, ...), optionally as they were when
    only the first ``upto`` deliveries could have happened (a subscription past ``upto`` is then active at
    ``upto``)."""
    reached, n, cancelled = (np.asarray(a, dtype=np.int64) for a in (reached, n, cancelled))
    if upto is not None:
        over = reached > upto
        active = np.where(over, n, n - cancelled)
        cancelled = np.where(over, 0, cancelled)
        reached = np.minimum(reached, upto)
    else:
        active = n - cancelled
    out: list[list[int]] = []
    if cancelled.sum():
        top = int(reached[cancelled > 0].max())
        out.append([int(cancelled[reached >= t].sum()) for t in range(1, top + 1)] + [0])
    for m in np.unique(reached[active > 0]):
        if m >= 2:  # active after one delivery: S(0) = 1, nothing to learn
            out.append([int(active[reached == m].sum())] * int(m))
    return out


def empirical(reached: np.ndarray, n: np.ndarray, cancelled: np.ndarray, deliveries: int) -> np.ndarray:
    """The observed product-limit r(n), n = 1..deliveries (NaN where nothing is left at risk)."""
    r, out = 1.0, [1.0]
    for k in range(2, deliveries + 1):
        at_risk = n[reached >= k].sum() + cancelled[reached == k - 1].sum()
        r = r * n[reached >= k].sum() / at_risk if at_risk else np.nan
        out.append(r)
    return np.array(out)


def _fit(name: str, pooled: list[list[int]]):
    """The fitted model, or None when the data cannot identify it (e.g. BdW on two renewal periods, or a
    likelihood whose maximum is at the boundary)."""
    try:
        with warnings.catch_warnings():  # a boundary fit warns; here it is expected and handled (no covariance)
            warnings.simplefilter("ignore", RuntimeWarning)
            return MODELS[name]().fit(pooled)
    except ValueError:
        return None


def _curve(model, horizon: int) -> np.ndarray:
    return np.asarray(model.survival(np.arange(horizon)), dtype=float)


def _bootstrap(name: str, cells: tuple[np.ndarray, np.ndarray, np.ndarray], horizon: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """10% and 90% points of r(n) over refits on resampled subscriptions (multinomial over the life-count
    cells), for fits whose covariance is unavailable (a maximum on the boundary, typical of young groups)."""
    reached, n, cancelled = cells
    counts = np.concatenate([cancelled, n - cancelled])
    levels = np.concatenate([reached, reached])
    kinds = np.concatenate([np.ones(len(reached), bool), np.zeros(len(reached), bool)])
    curves = []
    for _ in range(BOOTSTRAP):
        drawn = rng.multinomial(int(counts.sum()), counts / counts.sum())
        c = np.bincount(np.searchsorted(np.unique(levels), levels[kinds]), weights=drawn[kinds],
                        minlength=len(np.unique(levels)))
        total = np.bincount(np.searchsorted(np.unique(levels), levels), weights=drawn, minlength=len(np.unique(levels)))
        refit = _fit(name, cohorts(np.unique(levels), total.astype(np.int64), c.astype(np.int64)))
        if refit is not None:
            curves.append(_curve(refit, horizon))
    if not curves:
        return np.full(horizon, np.nan), np.full(horizon, np.nan)
    return np.percentile(curves, 10, axis=0), np.percentile(curves, 90, axis=0)


def _draws(name: str, model, horizon: int, rng: np.random.Generator, cells) -> tuple[np.ndarray, np.ndarray]:
    """The 10% and 90% points of r(n) over parameter draws from the fit's normal approximation; by the
    bootstrap when the fit has no covariance."""
    cov = model.fit_.cov_log
    if cov is None:
        return _bootstrap(name, cells, horizon, rng)
    names = list(model.params_)
    theta = rng.multivariate_normal(np.log([model.params_[k] for k in names]), cov, size=DRAWS)
    curves = []
    for row in np.exp(theta):
        drawn = MODELS[name].from_params(**dict(zip(names, row, strict=True)))
        curves.append(_curve(drawn, horizon))
    curves = np.array(curves)
    return np.nanpercentile(curves, 10, axis=0), np.nanpercentile(curves, 90, axis=0)


def candidates(observed: int) -> tuple[str, ...]:
    """The models worth trying on a curve of ``observed`` deliveries: BdW only from
    :data:`MIN_BDW_DELIVERIES` (on shorter curves its extra parameter fits noise and extrapolates wildly)."""
    return tuple(MODELS) if observed >= MIN_BDW_DELIVERIES else ("sBG",)


def forecast(reached, n, cancelled, horizon: int) -> RetentionForecast | None:
    """The projection of one group over ``horizon`` deliveries; None when it has fewer than
    :data:`MIN_SUBSCRIPTIONS` subscriptions, only one delivery observed, or neither model can be fitted.
    Without a holdout (too few deliveries to split) sBG, the simpler model, is tried first."""
    reached, n, cancelled = (np.asarray(a, dtype=np.int64) for a in (reached, n, cancelled))
    observed = int(reached.max()) if len(reached) else 0
    if n.sum() < MIN_SUBSCRIPTIONS or observed < 2:
        return None
    errors: dict[str, float | None] = dict.fromkeys(MODELS)
    cut = max(2, -(-2 * observed // 3))
    actual = empirical(reached, n, cancelled, observed)
    if cut < observed:
        pooled = cohorts(reached, n, cancelled, upto=cut)
        for name in candidates(observed):
            early = _fit(name, pooled)
            if early is None:
                continue
            gap = np.abs(_curve(early, observed)[cut:] - actual[cut:])
            errors[name] = float(np.nanmean(gap)) if np.isfinite(gap).any() else None
    everything = cohorts(reached, n, cancelled)
    ranked = sorted(candidates(observed), key=lambda k: (errors[k] is None, errors[k] or 0.0, k != "sBG"))
    fitted = ((name, _fit(name, everything)) for name in ranked)
    chosen, model = next(((k, m) for k, m in fitted if m is not None), (None, None))
    if model is None:
        return None
    lower, upper = _draws(chosen, model, horizon, np.random.default_rng(SEED), (reached, n, cancelled))
    return RetentionForecast(chosen, dict(model.params_), float(model.log_likelihood_), observed,
                             _curve(model, horizon), lower, upper, errors)
