"""Cohort retention data for the sBG and the BdW: validation and pooling into sufficient statistics.

Data: ``alive[t]`` customers of a cohort still subscribed at period t (alive[0] = the cohort size).
alive[t−1] − alive[t] churned at t; the alive[-1] still there at the cohort's last period are
right-censored. Several cohorts of different ages pool into counts of churners per period and of
customers censored per period, which is all either model's likelihood needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teiki.models.mle import weights_or_ones


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
