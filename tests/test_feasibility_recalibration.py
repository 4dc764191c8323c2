"""Feasibility: recalibrating the ensemble from its backtest, and the verdict's range, on synthetic numbers."""

import numpy as np
import pytest

from cantho_analysis.feasibility import backtest as B
from cantho_analysis.feasibility.study import about_upper, defensible_variants, likelihood, likelihood_term

RULES = {"level": 0.8, "min_rows": 5, "max_factor": 4.0, "step": 0.05, "rule": "empirical"}


def _narrow_backtest(n_origins=30, sd_model=0.5, seed=0):
    """An ensemble forecasting an i.i.d. N(7, 1) series with sd 0.5: overconfident by a factor of 2."""
    rng = np.random.default_rng(seed)
    years = np.arange(1980, 1980 + n_origins + 5)
    truth = 7 + rng.normal(0, 1, size=len(years))
    fc = B.Forecasts({"s": (years, truth)}, horizon=5)
    extra = {("s", int(o)): {"ensemble": 7 + rng.normal(0, sd_model, size=(400, 5))} for o in years[:-1]}
    for (s, o), d in extra.items():  # the single model the ensemble is made of
        fc.paths[(s, o, "m")] = d["ensemble"]
    return fc, extra


def test_widen_scales_deviations_from_the_median_and_keeps_it():
    p = np.random.default_rng(1).normal(6, 1, size=(5000, 3))
    w = B.widen(p, 1.5)
    assert np.allclose(np.median(w, axis=0), np.median(p, axis=0))
    iqr = lambda x: np.subtract(*np.percentile(x, [75, 25], axis=0))  # noqa: E731
    assert np.allclose(iqr(w), 1.5 * iqr(p))
    assert B.widen(p, 1.0) is not None and np.array_equal(B.widen(p, 1.0), p)
    const = np.full((10, 2), 7.0)  # an observed year (no spread) stays as it is
    assert np.array_equal(B.widen(const, 3.0), const)


def test_required_factor_is_the_smallest_that_covers():
    p = np.random.default_rng(2).normal(0, 1, size=(20000, 1))
    grid = B.factor_grid(4.0, 0.05)
    q90 = np.percentile(p, 90)
    assert B.required_factor(p, np.array([0.5 * q90]), 0.8, grid) == 1.0  # already inside
    assert B.required_factor(p, np.array([1.5 * q90]), 0.8, grid) == pytest.approx(1.5, abs=0.06)
    assert B.required_factor(p, np.array([10 * q90]), 0.8, grid) == float("inf")


def test_factor_rule_empirical_conformal_and_too_few():
    f = [1.0, 1.0, 1.2, 1.4, 1.6, 2.0, 1.1, 1.3, 1.0, float("inf")]
    assert B.conformal_factor(f, 0.8, 5, 4.0) == (1.6, 10)  # 8 of 10 covered at 1.6
    assert B.conformal_factor(f, 0.8, 5, 4.0, "conformal") == (2.0, 10)  # ceil(11 * 0.8) = 9th
    assert B.conformal_factor(f[:4], 0.8, 5, 4.0) == (1.0, 4)  # too few: no widening
    assert B.conformal_factor([float("inf")] * 6, 0.8, 5, 4.0) == (4.0, 6)  # capped


def test_recalibration_restores_coverage_without_looking_ahead():
    fc, extra = _narrow_backtest()
    rec, used = B.recalibrated_rows(fc, extra, "ensemble", RULES)
    origins = sorted(used)
    assert [used[o]["factor"] for o in origins[:3]] == [1.0, 1.0, 1.0]  # nothing known yet
    assert used[origins[-1]]["factor"] > 1.5  # the model is twice too narrow
    before = B.ensemble_table(B.evaluate(fc, extra=extra), ["s"], 5).iloc[0]
    after = B.ensemble_table(B.evaluate(fc, extra=rec), ["s"], 5).iloc[0]
    assert before["coverage80_avg"] < 0.6 and after["coverage80_avg"] > before["coverage80_avg"] + 0.15
    # the factor at an origin depends only on outturns up to it: change every later year
    o = origins[15]
    years, values = fc.series["s"]
    changed = B.Forecasts({"s": (years, np.where(years > o, values + 5, values))}, horizon=5, paths=fc.paths)
    _, used2 = B.recalibrated_rows(changed, extra, "ensemble", RULES)
    assert used2[o] == used[o] and used2[origins[-1]] != used[origins[-1]]


def test_a_calibrated_ensemble_is_barely_widened():
    fc, extra = _narrow_backtest(sd_model=1.0, seed=3)
    rc = B.recalibration(fc, extra, "ensemble", 2030, RULES)
    assert 1.0 <= rc["factor"] <= 1.25 and rc["n"] >= 25


def test_the_verdict_range_and_its_words():
    sens = {"covid": [{"case": "treatment", "p_ge_low": 0.02}, {"case": "no_treatment", "p_ge_low": 0.09}],
            "consensus_vietnam_growth": 7.0,
            "vietnam_x_gap": [{"vietnam_growth": 6.5, "-1": 0.0, "+1": 0.01},
                              {"vietnam_growth": 7.0, "-1": 0.001, "+1": 0.017, "estimated": 0.005},
                              {"vietnam_growth": 9.0, "-1": 0.02, "+1": 0.5}]}
    v = defensible_variants(0.022, {"national_anchor": 0.013, "random_walk": 0.003}, sens)
    assert {(x["kind"], x["name"]) for x in v} == {
        ("ensemble", "ensemble_recalibrated"), ("model", "national_anchor"), ("model", "random_walk"),
        ("covid", "no_treatment"), ("national_growth", "-1"), ("national_growth", "+1"), ("national_growth", "estimated")}
    lik = likelihood(0.022, v)
    assert lik["range"] == [0.001, 0.09] and lik["p"] == 0.022
    assert lik["term"] == "very_unlikely" and lik["term_central"] == "very_unlikely"  # holds for every variant
    assert lik["upper_about"] == pytest.approx(0.10) and lik["driver"] == "covid_treatment"
    # the 9 % row (not the consensus) is reported but does not set the words
    assert all(x.get("vietnam_growth", 7.0) == 7.0 for x in v)
    # a variant nearer 50 % makes the words less confident
    lik2 = likelihood(0.022, v + [{"kind": "national_growth", "name": "+1", "p": 0.4, "term": likelihood_term(0.4)}])
    assert lik2["term"] == "about_as_likely_as_not" and lik2["upper_about"] == pytest.approx(0.5)
    assert lik2["driver"] == "national_growth"
    assert likelihood(None, [])["range"] is None


@pytest.mark.parametrize("p, bound", [(0.003, 0.01), (0.009, 0.01), (0.0641, 0.07), (0.09, 0.10), (0.132, 0.15),
                                      (0.29, 0.30), (0.31, 0.40)])
def test_about_upper_is_a_round_bound_above(p, bound):
    assert about_upper(p) == pytest.approx(bound) and about_upper(p) > p
