"""What the purchase models (BG/NBD, Pareto/NBD, Gamma-Gamma) share: input checks, row compression, the fit
with its refusal of a maximum at infinity, ``from_params``, ``summary`` and the ``__repr__``; and what the two
models of (x, t_x, T) histories share (:class:`HistoryModel`)."""

from __future__ import annotations

import dataclasses

import numpy as np

from teiki.models.mle import (
    Fit,
    fit_positive,
    fit_positive_by_gradient,
    positive_params,
    weights_or_ones,
)

#: a parameter (relative to the data's scale) beyond e^±15 ≈ 3·10^±6 means the maximum is at infinity
DIVERGED_LOG = 15.0
#: a gradient fit is trusted only well inside that range (e^±10) and with every se(ln param) ≤ 3; beyond, the
#: likelihood is nearly flat in some direction and the Nelder–Mead path decides, as it always did
TRUSTED_LOG, TRUSTED_SE = 10.0, 3.0


def histories(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) as broadcast float arrays, checked: finite, x a whole number ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 if x = 0."""
    try:
        x, t_x, age = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T)))
    except ValueError as exc:
        raise ValueError("frequency, recency and T must have the same length") from exc
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(age))):
        raise ValueError("frequency, recency and T must be finite numbers (no NaN or infinity)")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency (repeat purchases) must be a whole number ≥ 0")
    if np.any(t_x < 0) or np.any(age < 0):
        raise ValueError("recency and T must be ≥ 0 (time since the first purchase)")
    if np.any(t_x > age):
        raise ValueError("recency (time of the last purchase) cannot exceed T (time observed)")
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("a customer with frequency 0 has recency 0 (no repeat purchase to date)")
    return x, t_x, age


def compress(columns: tuple[np.ndarray, ...], weights: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Unique rows of ``columns`` with their summed weights (rows of weight 0 dropped): the sufficient statistics.

    Rows come out in lexicographic order (as ``np.unique(axis=0)``, which is several times slower): one lexsort,
    then a new group wherever any column changes."""
    keep = weights > 0
    order = np.lexsort([c[keep] for c in reversed(columns)])
    rows = [c[keep][order] for c in columns]
    if not len(order):
        return tuple(rows), weights[keep]
    starts = np.zeros(len(order), dtype=bool)
    starts[0] = True
    for column in rows:
        starts[1:] |= column[1:] != column[:-1]
    first = np.flatnonzero(starts)
    return tuple(column[first] for column in rows), np.add.reduceat(weights[keep][order], first)


def fitted_or_raise(model) -> dict[str, float]:
    """The model's ``params_``, or a ValueError saying how to get them."""
    if getattr(model, "params_", None) is None:
        raise ValueError(f"{type(model).__name__} has no parameters yet: call .fit(...) or .from_params(...)")
    return model.params_


def fit_with_checks(model, log_likelihood, start, n_customers: float, scales, *,
                    log_likelihood_and_gradient=None) -> Fit:
    """Maximise ``log_likelihood(params)`` (minus the model's penalty) and refuse a maximum at infinity, i.e. a
    parameter beyond e^±15 times its ``scales`` entry (1 for shapes; the data's mean T or spend for α, β, γ).

    The optimiser sees the objective divided by the number of customers: a sum over thousands of customers is
    ~10⁴ in size, where the optimiser's absolute tolerances fall below floating-point resolution and it would
    run to its evaluation limit. The covariance and log-likelihood are scaled back.

    With ``log_likelihood_and_gradient`` (params ↦ (ln L, ∂ ln L/∂θ), θ = log params) a gradient fit is tried
    first (:func:`~teiki.models.mle.fit_positive_by_gradient`); it is kept only at a verified interior optimum
    that the data pin down (:func:`_trusted`), else the Nelder–Mead path of
    :func:`~teiki.models.mle.fit_positive` decides exactly as without a gradient (which then only serves the
    standard errors).
    """
    names, log_scales = model.param_names, np.log(np.asarray(scales, dtype=float))

    def objective(params: np.ndarray) -> float:
        penalty = model.penalizer * float(np.sum(np.log(params) ** 2))
        return (penalty - log_likelihood(params)) / n_customers

    with_gradient = None if log_likelihood_and_gradient is None else \
        _penalised(log_likelihood_and_gradient, model.penalizer, n_customers)
    with np.errstate(all="ignore"):  # trial points far out overflow; fit_positive treats them as +inf
        scaled = None if with_gradient is None else fit_positive_by_gradient(with_gradient, names, start)
        if scaled is None or not _trusted(scaled, n_customers, log_scales):
            scaled = fit_positive(objective, names, start, value_and_gradient=with_gradient)
    fit = dataclasses.replace(scaled, log_likelihood=scaled.log_likelihood * n_customers,
                              cov_log=None if scaled.cov_log is None else scaled.cov_log / n_customers)
    log_est = np.log(fit.estimates) - log_scales
    if not np.isfinite(fit.log_likelihood) or np.any(np.abs(log_est) > DIVERGED_LOG):
        worst = names[int(np.argmax(np.abs(log_est)))]
        raise ValueError(f"the likelihood of these {n_customers:g} customers has no finite maximum "
                         f"({worst} runs off to {'0' if log_est[names.index(worst)] < 0 else 'infinity'}): "
                         "too few or too regular histories for this model; pass penalizer > 0 to regularise")
    return fit


def _trusted(scaled: Fit, n_customers: float, log_scales: np.ndarray) -> bool:
    """A gradient fit (on the per-customer objective) within e^±10 of the scales, with finite standard errors of
    the log-parameters all ≤ 3: an optimum the data determine, not a point on a nearly flat ridge to infinity."""
    if scaled.cov_log is None:
        return False
    se_log = np.sqrt(np.diag(scaled.cov_log) / n_customers)
    inside = np.abs(np.log(scaled.estimates) - log_scales) <= TRUSTED_LOG
    return bool(np.all(inside) and np.all(se_log <= TRUSTED_SE))


def _penalised(log_likelihood_and_gradient, penalizer: float, n_customers: float):
    """params ↦ ((penalty − ln L)/n, its gradient on θ); penalty = penalizer · Σ θ², ∂penalty/∂θ = 2 penalizer θ."""
    def value_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        theta = np.log(params)
        value, gradient = log_likelihood_and_gradient(params)
        return ((penalizer * float(theta @ theta) - value) / n_customers,
                (2.0 * penalizer * theta - gradient) / n_customers)
    return value_and_gradient


def describe(model) -> str:
    """``Name(r=…, …; fitted on N customers, log-likelihood LL)`` — the shared ``__repr__``."""
    name = type(model).__name__
    if model.params_ is None:
        return f"{name}(not fitted, penalizer={model.penalizer:g})"
    params = ", ".join(f"{k}={v:.4g}" for k, v in model.params_.items())
    if model.fit_ is None:
        return f"{name}({params}; parameters set, not fitted)"
    return (f"{name}({params}; fitted on {model.n_customers_:,.0f} customers, "
            f"log-likelihood {model.log_likelihood_:.2f}, penalizer={model.penalizer:g})")


def as_output(values: np.ndarray, *inputs) -> np.ndarray | float:
    """A float when every input was a scalar, else the array (−0.0 shown as 0.0)."""
    values = np.asarray(values, dtype=float) + 0.0
    return float(values) if all(np.ndim(v) == 0 for v in inputs) else values


class PurchaseModel:
    """The settings and fitted attributes of a purchase model; subclasses name ``param_names``."""

    param_names: tuple[str, ...] = ()

    def __init__(self, penalizer: float = 0.0):
        if not (np.isfinite(penalizer) and penalizer >= 0):
            raise ValueError("penalizer must be a finite number ≥ 0")
        self.penalizer = float(penalizer)
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.fit_: Fit | None = None
        self.n_customers_: float | None = None

    @classmethod
    def _from_values(cls, *values: float):
        """A model with given (e.g. published) parameters, in ``param_names`` order, for prediction."""
        model = cls()
        model.params_ = positive_params(cls.param_names, values)
        return model

    def __repr__(self) -> str:
        return describe(self)

    @property
    def summary(self):
        """DataFrame by parameter: estimate, standard_error, lower_95, upper_95 (needs a fit, not from_params)."""
        if self.fit_ is None:
            raise ValueError("summary needs a fit: parameters set with from_params have no standard errors")
        return self.fit_.summary()

    def _fitted(self, fit: Fit, n_customers: float, log_likelihood) -> None:
        """Record a fit: ``fit_``, ``n_customers_``, ``params_`` and the unpenalised ``log_likelihood_``."""
        self.fit_, self.n_customers_ = fit, n_customers
        self.params_ = fit.params
        self.log_likelihood_ = log_likelihood(fit.estimates)


class HistoryModel(PurchaseModel):
    """A model of (x, t_x, T) histories (BG/NBD, Pareto/NBD): subclasses give ``label`` and
    ``individual_log_likelihood(params, x, t_x, T)``."""

    label = ""

    @staticmethod
    def individual_log_likelihood(params, x, t_x, T) -> np.ndarray:
        raise NotImplementedError

    def log_likelihood(self, frequency, recency, T, weights=None) -> float:
        """Σ weight · ln L at the current parameters (e.g. the published ones)."""
        x, t_x, age = histories(frequency, recency, T)
        w = weights_or_ones(weights, x.size)
        params = tuple(fitted_or_raise(self).values())
        return float(np.sum(w * self.individual_log_likelihood(params, x.ravel(), t_x.ravel(), age.ravel())))

    def _fit_data(self, frequency, recency, T, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(x, t_x, T, weights) compressed to unique histories, refused when the model cannot be estimated:
        fewer than 2 customers, or nobody repeating (the likelihood then grows without bound as r → 0)."""
        x, t_x, age = (v.ravel() for v in histories(frequency, recency, T))
        (x, t_x, age), w = compress((x, t_x, age), weights_or_ones(weights, x.size))
        if float(w.sum()) < 2:
            raise ValueError(f"the {self.label} needs at least 2 customers to estimate its 4 parameters")
        if not np.any(x > 0):
            raise ValueError(f"nobody made a repeat purchase: the {self.label} cannot be estimated "
                             "(its likelihood grows without bound as r → 0)")
        return x, t_x, age, w

    @staticmethod
    def _times(t) -> np.ndarray:
        """The forecast horizon(s) ``t`` as floats, checked finite and ≥ 0."""
        times = np.asarray(t, dtype=float)
        if not np.all(np.isfinite(times)) or np.any(times < 0):
            raise ValueError("t (the forecast horizon) must be finite and ≥ 0")
        return times
