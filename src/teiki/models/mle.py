"""Maximum likelihood shared by the models: fitting on log-parameters, standard errors, the summary table.

Every model parameter here is positive, so the optimiser works on θ = log(param):
unconstrained, and better scaled. Standard errors come from the inverse of the
observed information (the Hessian of the negative log-likelihood at the
optimum, by central finite differences on θ — of the values, or of the gradient
where the model supplies one), mapped back by the delta method:
se(p) = p · se(θ); the 95% interval is exp(θ ± 1.96 se(θ)), so it stays positive.

Two searches: :func:`fit_positive` (Nelder–Mead, then an L-BFGS-B polish; robust
on flat likelihoods and used by every model) and :func:`fit_positive_by_gradient`
(L-BFGS-B with an analytic gradient, ~20–40 evaluations instead of ~1000, whose
answer is returned only at a verified interior optimum).
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
NEWTON_TOL = 1e-4  # a gradient fit is an interior optimum only if the Newton step from it is this short in θ

#: ``value_and_gradient(params) -> (value, ∂value/∂θ)``, θ = log(params): an objective with its analytic gradient
ValueAndGradient = Callable[[np.ndarray], tuple[float, np.ndarray]]


def fit_positive(neg_log_likelihood: Callable[[np.ndarray], float], names: Sequence[str],
                 start: Sequence[float], *, standard_errors: bool = True,
                 value_and_gradient: ValueAndGradient | None = None) -> Fit:
    """Minimise ``neg_log_likelihood(params)`` over positive ``params`` (given by name order), from ``start``.

    Nelder–Mead first (robust to the flat regions these likelihoods have), then L-BFGS-B to polish, both
    within e^±25 (:data:`MAX_LOG`): a maximum at infinity then ends at that bound in a few steps instead of
    an endless walk, and the caller can tell it by the estimate's size. With ``value_and_gradient`` (the same
    objective and its gradient on θ = log params) the Hessian for the standard errors comes from the analytic
    gradient (:func:`hessian_from_gradient`); the search itself is unchanged.
    """
    f = _on_theta(neg_log_likelihood)
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
        h = (hessian(f, result.x) if value_and_gradient is None
             else hessian_from_gradient(_on_theta_with_gradient(value_and_gradient), result.x))
        cov = _inverse(h)
    return Fit(tuple(names), np.exp(result.x), cov, -float(result.fun), bool(first.success or best.success),
               str(result.message))


def fit_positive_by_gradient(value_and_gradient: ValueAndGradient, names: Sequence[str],
                             start: Sequence[float], *, standard_errors: bool = True) -> Fit | None:
    """L-BFGS-B with the analytic gradient from ``start``, accepted only at a verified interior minimum; else None.

    A gradient method can stop early on a likelihood whose supremum is at infinity along a valley (e.g. a, b → ∞
    with a/b fixed): there the gradient is small but so is the curvature. The end point θ̂ is therefore checked
    with the Hessian H (central differences of the gradient, :func:`hessian_from_gradient`): H must be positive
    definite and the Newton step δ = H⁻¹ ∇f must be below :data:`NEWTON_TOL` in every coordinate (near an
    asymptote f ≈ f∞ + c e^−θ the step stays of order 1 however small the gradient); θ̂ must lie inside the
    search box. The Newton step is then taken as a last polish. None means: use :func:`fit_positive` instead.
    """
    fg = _on_theta_with_gradient(value_and_gradient)
    theta0 = np.log(np.asarray(start, dtype=float))
    value0 = fg(theta0)[0]
    if value0 >= 1e300:
        return None
    scale = max(1.0, abs(value0))
    bounds = [(-MAX_LOG, MAX_LOG)] * len(theta0)
    result = optimize.minimize(_scaled_pair(fg, scale), theta0, method="L-BFGS-B", jac=True, bounds=bounds,
                               options={"maxiter": 2_000, "ftol": 1e-15, "gtol": 1e-9})
    theta, value = result.x, float(result.fun) * scale
    if np.any(np.abs(theta) > MAX_LOG - 1.0) or value >= 1e300:
        return None
    h = hessian_from_gradient(fg, theta)
    step = newton_step(h, np.asarray(result.jac) * scale)
    if step is None or np.max(np.abs(step)) > NEWTON_TOL:
        return None
    polished, polished_value = theta - step, fg(theta - step)[0]
    if polished_value <= value:
        theta, value = polished, polished_value
    cov = _inverse(h) if standard_errors else None
    return Fit(tuple(names), np.exp(theta), cov, -value, True, "L-BFGS-B with analytic gradient, Newton-checked")


def _on_theta(neg_log_likelihood: Callable[[np.ndarray], float]) -> Callable[[np.ndarray], float]:
    """θ ↦ neg_log_likelihood(e^θ), a non-finite value read as 10³⁰⁰ (a wall the optimiser backs off from)."""
    def f(theta: np.ndarray) -> float:
        value = neg_log_likelihood(np.exp(theta))
        return float(value) if np.isfinite(value) else 1e300
    return f


def _on_theta_with_gradient(value_and_gradient: ValueAndGradient) -> Callable[[np.ndarray], tuple]:
    """θ ↦ (value, gradient) at e^θ; a non-finite value or gradient read as (10³⁰⁰, 0)."""
    def fg(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = value_and_gradient(np.exp(theta))
        gradient = np.asarray(gradient, dtype=float)
        if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
            return 1e300, np.zeros_like(theta)
        return float(value), gradient
    return fg


def _scaled_pair(fg: Callable[[np.ndarray], tuple], scale: float) -> Callable[[np.ndarray], tuple]:
    def scaled(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = fg(theta)
        return value / scale, gradient / scale
    return scaled


def newton_step(h: np.ndarray, gradient: np.ndarray) -> np.ndarray | None:
    """δ = H⁻¹ ∇f by Cholesky, or None when H is not (numerically) positive definite."""
    try:
        lower = np.linalg.cholesky(h)
    except np.linalg.LinAlgError:
        return None
    step = np.linalg.solve(lower.T, np.linalg.solve(lower, gradient))
    return step if np.all(np.isfinite(step)) else None


def hessian(f: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central finite-difference Hessian of ``f`` at ``x``."""
    n = len(x)
    h = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            e_i, e_j = np.eye(n)[i] * step, np.eye(n)[j] * step
            h[i, j] = h[j, i] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)) / (4 * step**2)
    return h


def hessian_from_gradient(fg: Callable[[np.ndarray], tuple], x: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Hessian at ``x`` by central differences of an analytic gradient (``fg(x) = (value, gradient)``):
    column i = (∇f(x + h eᵢ) − ∇f(x − h eᵢ)) / 2h, symmetrised; 2n gradient calls instead of 4n² values."""
    n = len(x)
    h = np.empty((n, n))
    for i in range(n):
        e_i = np.eye(n)[i] * step
        h[:, i] = (fg(x + e_i)[1] - fg(x - e_i)[1]) / (2 * step)
    return (h + h.T) / 2


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
