"""Maximum likelihood shared by the models: fitting on log-parameters, standard errors, the summary table.

Every model parameter here is positive, so the optimiser works on θ = log(param):
unconstrained, and better scaled. Standard errors come from the inverse of the
observed information (the Hessian of the negative log-likelihood at the
optimum, by central finite differences on θ), mapped back by the delta method:
se(p) = p · se(θ); the 95% interval is exp(θ ± 1.96 se(θ)), so it stays positive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

Z95 = 1.959963984540054


@dataclass
class Fit:
    """A fitted parameter vector: names, estimates, covariance of log-parameters, log-likelihood."""

    names: tuple[str, ...]
    estimates: np.ndarray
    cov_log: np.ndarray | None
    log_likelihood: float
    converged: bool
    message: str

    @property
    def params(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.estimates, strict=True)}

    def summary(self):
        """pandas DataFrame indexed by parameter: estimate, standard_error, lower_95, upper_95."""
        import pandas as pd

        se_log = (np.sqrt(np.clip(np.diag(self.cov_log), 0, None)) if self.cov_log is not None
                  else np.full(len(self.names), np.nan))
        log_est = np.log(self.estimates)
        return pd.DataFrame({
            "estimate": self.estimates,
            "standard_error": self.estimates * se_log,
            "lower_95": np.exp(log_est - Z95 * se_log),
            "upper_95": np.exp(log_est + Z95 * se_log),
        }, index=pd.Index(self.names, name="parameter"))


MAX_LOG = 25.0  # the search stays within e^±25: a likelihood still rising there has its maximum at infinity


def fit_positive(neg_log_likelihood: Callable[[np.ndarray], float], names: Sequence[str],
                 start: Sequence[float], *, standard_errors: bool = True) -> Fit:
    """Minimise ``neg_log_likelihood(params)`` over positive ``params`` (given by name order), from ``start``.

    Nelder–Mead first (robust to the flat regions these likelihoods have), then L-BFGS-B to polish, both
    within e^±25 (:data:`MAX_LOG`): a maximum at infinity then ends at that bound in a few steps instead of
    an endless walk, and the caller can tell it by the estimate's size.
    """
    def f(theta: np.ndarray) -> float:
        value = neg_log_likelihood(np.exp(theta))
        return float(value) if np.isfinite(value) else 1e300

    theta0 = np.log(np.asarray(start, dtype=float))
    scale = max(1.0, abs(f(theta0)))  # tolerances are absolute: work on a likelihood of order 1

    def scaled(theta: np.ndarray) -> float:
        return f(theta) / scale

    bounds = [(-MAX_LOG, MAX_LOG)] * len(theta0)
    first = optimize.minimize(scaled, theta0, method="Nelder-Mead", bounds=bounds,
                              options={"xatol": 1e-5, "fatol": 1e-9, "maxiter": 20_000, "maxfev": 40_000})
    best = optimize.minimize(scaled, first.x, method="L-BFGS-B", bounds=bounds,
                             options={"maxiter": 5_000, "ftol": 1e-16, "gtol": 1e-12})
    result = best if best.fun <= first.fun else first
    result.fun = result.fun * scale
    cov = None
    if standard_errors:
        cov = _inverse(hessian(f, result.x))
    return Fit(tuple(names), np.exp(result.x), cov, -float(result.fun), bool(first.success or best.success),
               str(result.message))


def hessian(f: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central finite-difference Hessian of ``f`` at ``x``."""
    n = len(x)
    h = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            e_i, e_j = np.eye(n)[i] * step, np.eye(n)[j] * step
            h[i, j] = h[j, i] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)) / (4 * step**2)
    return h


def _inverse(h: np.ndarray) -> np.ndarray | None:
    try:
        cov = np.linalg.inv(h)
    except np.linalg.LinAlgError:
        return None
    return cov if np.all(np.isfinite(cov)) and np.all(np.diag(cov) >= 0) else None


def positive_params(names: Sequence[str], values: Sequence[float]) -> dict[str, float]:
    """``values`` keyed by ``names``, checked finite and > 0 (a model's ``from_params``)."""
    array = np.asarray(values, dtype=float)
    if array.shape != (len(names),) or not np.all(np.isfinite(array) & (array > 0)):
        raise ValueError(f"{', '.join(names)} must be finite and > 0")
    return dict(zip(names, map(float, array), strict=True))


def weights_or_ones(weights: Sequence[float] | np.ndarray | None, n: int) -> np.ndarray:
    """``weights`` as floats, or ones; negative weights are an error."""
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,) or np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError(f"weights must be {n} finite numbers ≥ 0")
    return w
