"""The sBG and BdW retention models against the papers, hand-computed values, and their own identities.

Data: Fader & Hardie (2007), "How to Project Customer Retention", J. Interactive Marketing 21(1), Table 1 —
the customers (of 1,000) still subscribed at years 0..12 of the "regular" and "high end" segments. The
sBG is fitted on years 0–7 (seven renewal opportunities), as in that paper.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teiki.models.bdw import BetaDiscreteWeibull
from teiki.models.cohorts import cohort_counts
from teiki.models.sbg import ShiftedBetaGeometric
from teiki.models.survival import log_beta_ratio

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
CALIBRATION = 8  # years 0–7


def polarization(model) -> float:
    """φ = 1/(α + β + 1), the polarization index of the beta distribution of churn probabilities."""
    return 1.0 / (model.params_["alpha"] + model.params_["beta"] + 1.0)


def sbg_survival_by_product(alpha: float, beta: float, t: int) -> float:
    """S(t) = Π_{j=1..t} (β + j − 1)/(α + β + j − 1), from eq. (6) by hand (no beta functions)."""
    return math.prod((beta + j - 1) / (alpha + beta + j - 1) for j in range(1, t + 1))


# --------------------------------------------------------------------------- Fader & Hardie (2007)


def test_sbg_matches_fader_hardie_2007_regular():
    model = ShiftedBetaGeometric().fit(REGULAR[:CALIBRATION])
    assert round(model.params_["alpha"], 3) == 0.704
    assert round(model.params_["beta"], 3) == 1.182


def test_sbg_matches_fader_hardie_2007_high_end():
    model = ShiftedBetaGeometric().fit(HIGH_END[:CALIBRATION])
    assert round(model.params_["alpha"], 3) == 0.668
    assert round(model.params_["beta"], 3) == 3.806


def test_sbg_fader_hardie_2007_projection_tracks_holdout_years_8_to_12():
    """The published parameters project Table 1's held-out years 8–12: regular within 0.5 and high end
    within 2 percentage points (the high-end curve is underestimated, as the BdW paper goes on to explain)."""
    regular = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182).predict_alive(1000, 12)
    high_end = ShiftedBetaGeometric.from_params(alpha=0.668, beta=3.806).predict_alive(1000, 12)
    assert np.all(np.abs(regular[8:] - REGULAR[8:]) < 5)
    assert np.all((high_end[8:] < HIGH_END[8:]) & (HIGH_END[8:] - high_end[8:] < 20))


def test_sbg_fader_hardie_2007_published_parameters_hand_computed():
    """S(t) and r_t of the regular segment's published α = 0.704, β = 1.182, worked by hand from eq. (6)."""
    model = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182)
    assert model.retention_rate(1) == pytest.approx(1.182 / 1.886, rel=1e-12)  # 0.62672
    assert model.retention_rate(2) == pytest.approx(2.182 / 2.886, rel=1e-12)  # 0.75606
    assert model.survival(2) == pytest.approx(1.182 / 1.886 * 2.182 / 2.886, rel=1e-12)  # 0.47384
    t = np.arange(13)
    expected = [sbg_survival_by_product(0.704, 1.182, k) for k in t]
    np.testing.assert_allclose(model.survival(t), expected, rtol=1e-12)
    np.testing.assert_allclose(model.predict_alive(1000, 12), 1000 * np.array(expected), rtol=1e-12)


def test_sbg_closed_forms_for_small_whole_parameters():
    """α = β = 1: S(t) = 1/(t+1); α = 2, β = 1: S(t) = 2/((t+1)(t+2)), E[T] = (α+β−1)/(α−1) = 2."""
    t = np.arange(50)
    np.testing.assert_allclose(ShiftedBetaGeometric.from_params(1, 1).survival(t), 1 / (t + 1), rtol=1e-13)
    two_one = ShiftedBetaGeometric.from_params(2, 1)
    np.testing.assert_allclose(two_one.survival(t), 2 / ((t + 1) * (t + 2)), rtol=1e-13)
    assert two_one.expected_lifetime() == pytest.approx(2.0)
    assert two_one.expected_lifetime(3) == pytest.approx(1 + 1 / 3 + 1 / 6)
    assert ShiftedBetaGeometric.from_params(1, 1).expected_lifetime() == math.inf  # E[1/θ] diverges for α ≤ 1


def test_sbg_derl_fader_hardie_2010_closed_form_by_hand():
    """α = β = 1, no renewals yet: DERL = Σ_{t≥1} z^(t−1)/(t+1) = (−ln(1 − z) − z)/z², z = 1/(1 + d)."""
    z = 1 / 1.1
    by_hand = (-math.log(1 - z) - z) / z**2
    assert ShiftedBetaGeometric.from_params(1, 1).derl(0.1) == pytest.approx(by_hand, rel=1e-12)
    # d = 0: expected remaining renewals (β + n − 1)/(α − 1); α = 2, β = 1 after 3 renewals: 4
    assert ShiftedBetaGeometric.from_params(2, 1).derl(0.0, renewals=3) == pytest.approx(4.0)
    assert ShiftedBetaGeometric.from_params(0.704, 1.182).derl(0.0) == math.inf


@pytest.mark.parametrize(("alpha", "beta"), [(0.704, 1.182), (0.668, 3.806), (3.0, 10.0), (1.2, 0.4), (50, 900)])
@pytest.mark.parametrize("discount", [0.1, 0.01, 0.0])
def test_sbg_derl_hypergeometric_matches_bdw_summation(alpha, beta, discount):
    closed = ShiftedBetaGeometric.from_params(alpha, beta).derl(discount, [0, 1, 4, 10])
    summed = BetaDiscreteWeibull.from_params(alpha, beta, 1.0).derl(discount, [0, 1, 4, 10])
    np.testing.assert_allclose(summed, closed, rtol=1e-9)


# --------------------------------------------------------------------------- Fader, Hardie, Liu, Davin, Steenburgh (2018)


def test_bdw_matches_fader_hardie_liu_davin_steenburgh_2018_polarization_high_end():
    """Five-year calibration (years 0–4) of the high-end data: φ = 0.099 under the BG and 0.335 under the BdW,
    the values the paper's discussion of heterogeneity gives — quoted second-hand (A. Mahmood's replication
    notes, github.com/abdullahau/customer-analytics, BdW-Model.qmd); the paper's parameter table was not
    available to us."""
    sbg = ShiftedBetaGeometric().fit(HIGH_END[:5])
    bdw = BetaDiscreteWeibull().fit(HIGH_END[:5])
    assert round(polarization(sbg), 3) == 0.099
    assert round(polarization(bdw), 3) == 0.335


@pytest.mark.parametrize(("data", "expected"), [
    (REGULAR, (0.5231, 0.8944, 1.1963, -1401.3831)),
    (HIGH_END, (0.2593, 1.7225, 1.5844, -1222.7493)),
], ids=["regular", "high_end"])
def test_bdw_fader_hardie_liu_davin_steenburgh_2018_five_year_estimates(data, expected):
    """BdW on years 0–4 of each segment, the paper's five-year calibration. The paper's table was not
    available to us; these are the estimates three independent replications print: the R package foretell's
    BdW example (high end, per 100), the Python port retenmod's test of it, and A. Mahmood's replication
    notebook (github.com/abdullahau/customer-analytics, BdW-Model.ipynb) for both segments."""
    gamma, delta, c, log_likelihood = expected
    bdw = BetaDiscreteWeibull().fit(data[:5])
    assert bdw.params_["alpha"] == pytest.approx(gamma, rel=2e-3)
    assert bdw.params_["beta"] == pytest.approx(delta, rel=2e-3)
    assert bdw.params_["c"] == pytest.approx(c, rel=2e-3)
    assert bdw.log_likelihood_ == pytest.approx(log_likelihood, abs=5e-3)


@pytest.mark.parametrize("data", [REGULAR, HIGH_END], ids=["regular", "high_end"])
@pytest.mark.parametrize("years", [5, CALIBRATION, 13])
def test_bdw_fader_hardie_liu_davin_steenburgh_2018_duration_dependence(data, years):
    """Both segments: c > 1 (rising individual churn behind rising cohort retention, the paper's key finding),
    and the BdW's log-likelihood is at least the nested sBG's."""
    sbg = ShiftedBetaGeometric().fit(data[:years])
    bdw = BetaDiscreteWeibull().fit(data[:years])
    assert bdw.params_["c"] > 1.0
    assert bdw.log_likelihood_ >= sbg.log_likelihood_ - 1e-9


def test_bdw_with_c_one_is_the_sbg_exactly():
    sbg = ShiftedBetaGeometric().fit(REGULAR[:CALIBRATION])
    alpha, beta = sbg.params_.values()
    bdw = BetaDiscreteWeibull.from_params(alpha, beta, 1.0)
    t = np.arange(40)
    np.testing.assert_array_equal(bdw.survival(t), sbg.survival(t))
    np.testing.assert_allclose(bdw.retention_rate(t[1:]), sbg.retention_rate(t[1:]), rtol=1e-12)
    assert bdw.log_likelihood(REGULAR[:CALIBRATION]) == pytest.approx(sbg.log_likelihood_, rel=1e-12)


def test_bdw_known_parameters_hand_computed():
    """α = β = 1, c = 2: S(t) = 1/(1 + t²); α = 2, β = 1, c = ½: S(t) = 2/((1 + √t)(2 + √t))."""
    t = np.arange(30.0)
    np.testing.assert_allclose(BetaDiscreteWeibull.from_params(1, 1, 2).survival(t), 1 / (1 + t**2), rtol=1e-13)
    root = np.sqrt(t)
    half = BetaDiscreteWeibull.from_params(2, 1, 0.5)
    np.testing.assert_allclose(half.survival(t), 2 / ((1 + root) * (2 + root)), rtol=1e-13)
    np.testing.assert_allclose(half.retention_rate(t[1:]), half.survival(t[1:]) / half.survival(t[:-1]), rtol=1e-12)


def test_bdw_expected_lifetime_closed_form_and_divergence():
    """α = 2, β = 1, c = 2: E[T] = 2 Σ_{t≥0} [1/(t²+1) − 1/(t²+2)], where Σ_{t≥0} 1/(t²+a²) = (1 + πa coth πa)/(2a²)
    (the cotangent partial fractions)."""
    def series(a: float) -> float:
        return (1 + math.pi * a / math.tanh(math.pi * a)) / (2 * a * a)

    model = BetaDiscreteWeibull.from_params(2, 1, 2)
    assert model.expected_lifetime() == pytest.approx(2 * (series(1.0) - series(math.sqrt(2))), rel=1e-10)
    assert model.expected_lifetime(4) == pytest.approx(sum(2 / ((1 + k * k) * (2 + k * k)) for k in range(4)))
    assert BetaDiscreteWeibull.from_params(0.5, 1.0, 2.0).expected_lifetime() == math.inf  # cα = 1: S ~ 1/t
    # heavy tail (cα = 1.05, c = 1): the Euler–Maclaurin tail against the sBG's (α+β−1)/(α−1) = 11
    assert BetaDiscreteWeibull.from_params(1.05, 0.5, 1.0).expected_lifetime() == pytest.approx(11.0, rel=1e-9)


def test_bdw_derl_truncation_matches_direct_sum():
    model = BetaDiscreteWeibull.from_params(0.26, 1.72, 1.58)
    t = np.arange(5, 20_000.0)
    direct = np.sum(model.survival(t) / model.survival(4.0) * np.exp(-(t - 5) * math.log(1.1)))
    assert model.derl(0.1, renewals=4) == pytest.approx(direct, rel=1e-11)
    assert model.derl(0.0) == math.inf  # cα < 1


# --------------------------------------------------------------------------- several cohorts, weights, other inputs


def test_pooled_cohorts_of_different_ages_add_their_likelihoods():
    young, old = REGULAR[:4], HIGH_END[:CALIBRATION]
    model = ShiftedBetaGeometric().fit([young, old])
    alone = ShiftedBetaGeometric.from_params(**model.params_)
    assert model.log_likelihood_ == pytest.approx(alone.log_likelihood(young) + alone.log_likelihood(old))
    assert model.n_customers_ == 2000 and model.n_cohorts_ == 2


def test_cohort_triangle_dataframe_weights_and_counts_agree():
    triangle = pd.DataFrame([REGULAR[:CALIBRATION], REGULAR[:4] + [np.nan] * 4])
    as_lists = ShiftedBetaGeometric().fit([REGULAR[:CALIBRATION], REGULAR[:4]])
    from_frame = ShiftedBetaGeometric().fit(triangle)
    assert from_frame.params_ == pytest.approx(as_lists.params_, rel=1e-6)
    doubled = ShiftedBetaGeometric().fit([2 * x for x in REGULAR[:CALIBRATION]])
    weighted = ShiftedBetaGeometric().fit([REGULAR[:CALIBRATION]], weights=[2.0])
    assert weighted.params_ == pytest.approx(doubled.params_, rel=1e-6)
    lost = -np.diff(REGULAR[:CALIBRATION])
    counted = ShiftedBetaGeometric().fit_counts(lost, survivors_at_end=241)
    assert counted.params_ == pytest.approx(ShiftedBetaGeometric().fit(REGULAR[:CALIBRATION]).params_, rel=1e-6)
    two = ShiftedBetaGeometric().fit_counts([lost, -np.diff(REGULAR[:4])], [241, 382])
    assert two.params_ == pytest.approx(as_lists.params_, rel=1e-6)


def test_cohort_counts_pool_lost_and_censored():
    counts = cohort_counts([[10, 6, 5], [4, 3]])
    np.testing.assert_array_equal(counts.lost, [0, 5, 1])
    np.testing.assert_array_equal(counts.censored, [0, 3, 5])
    assert counts.customers == 14 and counts.periods == 2


@pytest.mark.parametrize(("alive", "message"), [
    ([1000, 631, 650], "must not increase"),
    ([1000, -1, -2], "must be ≥ 0"),
    ([1000], "at least one later period"),
    ([0, 0, 0], "is empty"),
    ([[1000, 600, 400], [500, 600]], "cohort 1: counts must not increase"),
    ([1000, 600], "needs at least 2 renewal periods"),
    ([1000, np.inf, 3], "finite"),
    ([1000, [600, 400]], "not a mix"),
    ([], "empty"),
])
def test_invalid_input_is_refused(alive, message):
    with pytest.raises(ValueError, match=message):
        ShiftedBetaGeometric().fit(alive)


def test_bdw_needs_three_renewal_periods():
    with pytest.raises(ValueError, match="BdW has 3 parameters"):
        BetaDiscreteWeibull().fit(REGULAR[:3])


# --------------------------------------------------------------------------- degenerate data


@pytest.mark.parametrize("model", [ShiftedBetaGeometric, BetaDiscreteWeibull])
def test_no_churn_is_a_clear_error(model):
    with pytest.raises(ValueError, match="no customer churned"):
        model().fit([[500, 500, 500, 500], [300, 300]])


@pytest.mark.parametrize("alive", [[1000, 0], [1000, 0, 0, 0], [1, 0]])
def test_everyone_churned_at_the_first_renewal_is_a_clear_error(alive):
    with pytest.raises(ValueError, match="every customer churned at the first renewal"):
        ShiftedBetaGeometric().fit(alive)


def test_one_customer_gives_the_geometric_limit_with_a_warning():
    """One customer who churned at period 3: no heterogeneity to see, so α, β → ∞ with α/(α+β) = 1/3."""
    with pytest.warns(RuntimeWarning, match="geometric limit.*0.3333"):
        model = ShiftedBetaGeometric().fit([1, 1, 1, 0])
    assert model.boundary_ == "alpha → ∞, beta → ∞"
    np.testing.assert_allclose(model.survival(np.arange(6)), (2 / 3) ** np.arange(6), rtol=1e-6)
    assert model.fit_.cov_log is None
    assert model.summary["standard_error"].isna().all()
    assert "on the boundary" in repr(model)


def test_constant_churn_gives_the_geometric_limit_not_nan():
    with pytest.warns(RuntimeWarning, match="boundary"):
        model = BetaDiscreteWeibull().fit([1000, 500, 250, 125, 62.5])
    assert np.all(np.isfinite(model.survival(np.arange(10))))
    np.testing.assert_allclose(model.survival(np.arange(5)), 0.5 ** np.arange(5), rtol=1e-5)


# --------------------------------------------------------------------------- API


def test_summary_and_repr():
    unfitted = BetaDiscreteWeibull()
    assert repr(unfitted) == "BetaDiscreteWeibull(standard_errors=True, tolerance=1e-12)"
    with pytest.raises(ValueError, match="no parameters yet"):
        unfitted.survival(1)
    model = ShiftedBetaGeometric().fit(REGULAR[:CALIBRATION])
    assert repr(model) == ("ShiftedBetaGeometric(alpha=0.7041, beta=1.182; log-likelihood -1680.27, "
                           "1,000 customers in 1 cohort)")
    table = model.summary
    assert list(table.columns) == ["estimate", "standard_error", "lower_95", "upper_95"]
    assert np.all(table["standard_error"] > 0) and np.all(table["lower_95"] < table["estimate"])
    given_only = ShiftedBetaGeometric.from_params(0.704, 1.182)
    assert repr(given_only) == "ShiftedBetaGeometric(alpha=0.704, beta=1.182; parameters given, not fitted)"
    with pytest.raises(ValueError, match="summary needs a fit"):
        given_only.summary  # noqa: B018


def test_scalar_in_scalar_out_and_bad_periods():
    model = ShiftedBetaGeometric.from_params(0.704, 1.182)
    assert isinstance(model.survival(3), float) and isinstance(model.derl(0.1), float)
    assert model.survival([0, 1]).shape == (2,)
    with pytest.raises(ValueError, match="≥ 0"):
        model.survival(-1)
    with pytest.raises(ValueError, match="≥ 1"):
        model.retention_rate(0)
    with pytest.raises(ValueError, match="discount"):
        model.derl(-0.1)
    with pytest.raises(ValueError, match="horizon"):
        model.expected_lifetime(2.5)


def test_sbg_derl_falls_back_to_summation_where_hyp2f1_fails():
    """scipy's ₂F₁ returns NaN for α = 50, β = 900 at d = 10%; the term-by-term sum takes over, scalar or not."""
    model = ShiftedBetaGeometric.from_params(50, 900)
    t = np.arange(0, 5000.0)
    direct = np.sum(model.survival(t + 1) * np.exp(-t * math.log(1.1)))
    assert model.derl(0.1) == pytest.approx(direct, rel=1e-12)
    assert np.all(np.isfinite(model.derl(0.1, [0, 5, 50])))


def test_conditioning_on_an_impossible_period_is_refused():
    model = BetaDiscreteWeibull.from_params(1.0, 1.0, 200.0)  # S(t) = 0 once t^200 overflows (t ≥ 35)
    with pytest.raises(ValueError, match="probability 0"):
        model.derl(0.1, renewals=100)
    with pytest.raises(ValueError, match="probability 0"):
        model.predict_alive(10, 3, age=100)


def test_predict_alive_from_a_cohort_of_some_age():
    model = ShiftedBetaGeometric.from_params(0.668, 3.806)
    ahead = model.predict_alive(491, 5, age=7)
    np.testing.assert_allclose(ahead, 491 * model.survival(np.arange(7, 13)) / model.survival(7))
    assert ahead[0] == pytest.approx(491)


def test_log_beta_ratio_stays_accurate_for_huge_arguments():
    """Against the exact product for whole s, where a difference of betaln values would lose all digits."""
    for a, b in [(1e12, 2e12), (3e8, 1.0), (0.5, 1e10)]:
        exact = sum(math.log((b + j) / (a + b + j)) for j in range(7))
        assert log_beta_ratio(a, b, 7.0) == pytest.approx(exact, rel=1e-12)
    assert log_beta_ratio(0.7, 1.2, np.inf) == -np.inf


# --------------------------------------------------------------------------- properties

ALPHA = st.floats(0.05, 20.0)
BETA = st.floats(0.05, 50.0)
SHAPE = st.floats(0.2, 3.0)


@settings(max_examples=60, deadline=None)
@given(ALPHA, BETA, SHAPE)
def test_property_survival_is_non_increasing(alpha, beta, c):
    t = np.arange(200.0)
    for model in (ShiftedBetaGeometric.from_params(alpha, beta), BetaDiscreteWeibull.from_params(alpha, beta, c)):
        s = model.survival(t)
        assert s[0] == 1.0 and np.all(np.diff(s) <= 1e-15) and np.all(s >= 0)


@settings(max_examples=60, deadline=None)
@given(ALPHA, BETA)
def test_property_bdw_with_c_one_equals_sbg(alpha, beta):
    sbg, bdw = ShiftedBetaGeometric.from_params(alpha, beta), BetaDiscreteWeibull.from_params(alpha, beta, 1.0)
    t = np.arange(1.0, 100.0)
    np.testing.assert_array_equal(bdw.survival(t), sbg.survival(t))
    np.testing.assert_allclose(bdw.retention_rate(t), sbg.retention_rate(t), rtol=1e-11)
    assert bdw.derl(0.05, 3) == pytest.approx(sbg.derl(0.05, 3), rel=1e-8)
    if alpha > 1.2:
        assert bdw.expected_lifetime() == pytest.approx(sbg.expected_lifetime(), rel=1e-8)


def simulate_alive(alpha: float, beta: float, size: int, periods: int, seed: int) -> np.ndarray:
    """Alive counts of a simulated cohort: θ ~ beta(α, β), churn period T ~ geometric(θ)."""
    rng = np.random.default_rng(seed)
    churn_at = rng.geometric(rng.beta(alpha, beta, size))
    return np.array([(churn_at > t).sum() for t in range(periods + 1)])


@settings(max_examples=15, deadline=None)
@given(st.floats(0.3, 3.0), st.floats(0.5, 8.0), st.integers(0, 2**32 - 1))
def test_property_sbg_recovers_simulated_parameters(alpha, beta, seed):
    alive = simulate_alive(alpha, beta, size=200_000, periods=24, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no boundary here
        model = ShiftedBetaGeometric().fit(alive)
    assert model.params_["alpha"] == pytest.approx(alpha, rel=0.15)
    assert model.params_["beta"] == pytest.approx(beta, rel=0.15)
    low, high = model.summary["lower_95"], model.summary["upper_95"]
    assert low["alpha"] < model.params_["alpha"] < high["alpha"]


@settings(max_examples=15, deadline=None)
@given(st.floats(0.3, 3.0), st.floats(0.5, 8.0), st.floats(0.5, 2.0))
def test_property_bdw_recovers_parameters_from_expected_counts(alpha, beta, c):
    """Fitted to its own expected curve (a cohort of 10⁶, 20 periods) the BdW returns its parameters."""
    truth = BetaDiscreteWeibull.from_params(alpha, beta, c)
    model = BetaDiscreteWeibull().fit(truth.predict_alive(1e6, 20))
    assert model.params_ == pytest.approx(truth.params_, rel=1e-3)
