"""Feasibility v2, unit level: models, shocks, duplicates, CRPS weights and periods on synthetic series."""

import numpy as np
import pandas as pd
import pytest

from cantho_analysis.feasibility import backtest as B
from cantho_analysis.feasibility import models as M
from cantho_analysis.feasibility.series import GrowthSeries, derive_merged_growth, merged_growth_series, period_data, unit_levels
from cantho_analysis.feasibility.study import ModelResult, dedupe, likelihood_term

YEARS = np.arange(2008, 2026)


def fit(values, covid=(2020, 2021, 2022), name="x", context=None, years=None):
    years = YEARS[-len(values):] if years is None else years
    return M.FitData(name, np.asarray(years), np.asarray(values, float), tuple(covid), context or {}, 5, 3, ())


def avg_summary(model, d, n=4000, seed=1):
    s = M.simulate(model, d, 5, n, np.random.default_rng(seed))
    return M.summarise(M.period_average([], s.paths), 10, 10.5)


@pytest.mark.parametrize("model", ["mean", "local_level", "ar1"])
def test_stable_mean_with_a_one_off_shock_gives_a_narrow_interval_around_the_mean(model):
    y = 7.0 + np.random.default_rng(0).normal(0, 0.1, size=len(YEARS))
    y[YEARS == 2020] = -6.0  # a one-off Covid-like shock
    y[YEARS == 2021] = 13.0  # and its rebound
    with_dummies = avg_summary(model, fit(y))
    assert abs(with_dummies["median"] - 7.0) < 0.3
    assert with_dummies["pi80"][1] - with_dummies["pi80"][0] < 1.0
    assert with_dummies["p_ge_low"] < 0.01
    # without the treatment the single episode sets the variance: a much wider interval
    without = avg_summary(model, fit(y, covid=()))
    assert without["pi80"][1] - without["pi80"][0] > 2 * (with_dummies["pi80"][1] - with_dummies["pi80"][0])


@pytest.mark.parametrize("model", ["mean", "ar1", "local_level", "random_walk", "arima", "ets", "theta", "pooled",
                                   "national_anchor"])
def test_each_model_is_reproducible_with_its_seed(model):
    vn = (YEARS, 6.5 + np.random.default_rng(9).normal(0, 0.5, size=len(YEARS)))
    y = 7 + np.random.default_rng(3).normal(0, 0.8, size=len(YEARS))
    ctx = {"vietnam": vn, "u2": (YEARS, y + 0.5), "x": (YEARS, y)}
    d = M.FitData("x", YEARS, y, (2020,), ctx, 5, 3, ("x", "u2"))
    a = M.simulate(model, d, 5, 300, np.random.default_rng([1, 2]))
    b = M.simulate(model, d, 5, 300, np.random.default_rng([1, 2]))
    c = M.simulate(model, d, 5, 300, np.random.default_rng([1, 3]))
    assert a.paths.shape == (300, 5) and np.array_equal(a.paths, b.paths)
    assert not np.array_equal(a.paths, c.paths)


def test_statespace_simulation_matches_statsmodels():
    from statsmodels.tsa.arima.model import ARIMA

    from threadpoolctl import threadpool_limits

    y = np.array([7.2, 7.3, -1.25, 2.41, 8.12, 5.4, 7.05, 7.5])
    with threadpool_limits(1):  # statsmodels' own simulation is slow with many BLAS threads on a shared machine
        res = ARIMA(y, order=(0, 1, 1), trend="n").fit()
        ref = np.asarray(res.simulate(nsimulations=3, repetitions=8000, anchor="end",
                                      rng=np.random.default_rng(0))).reshape(3, -1).T
    mine = M._statespace_paths(res, 3, 8000, np.random.default_rng(1))
    assert np.allclose(ref.mean(0), mine.mean(0), atol=0.2)
    assert np.allclose(ref.std(0), mine.std(0), rtol=0.05)


def test_national_anchor_is_vietnam_plus_the_gap():
    vn = 6.0 + np.random.default_rng(1).normal(0, 0.3, size=len(YEARS))
    city = vn + 1.5 + np.random.default_rng(2).normal(0, 0.2, size=len(YEARS))
    d = M.FitData("city", YEARS, city, (2020, 2021, 2022), {"vietnam": (YEARS, vn)}, 5, 3, ())
    parts = M.anchor_parts(d)
    assert parts["gap"]["mean"] == pytest.approx(1.5, abs=0.2) and parts["gap"]["n"] == len(YEARS) - 3
    s = avg_summary("national_anchor", d)
    assert s["median"] == pytest.approx(np.mean(vn) + 1.5, abs=0.4)
    # the override used by the sensitivity table fixes Vietnam's average and the gap's centre
    paths = M.simulate("national_anchor", d, 5, 4000, np.random.default_rng(0), override=(9.0, 1.0)).paths
    assert np.median(M.period_average([], paths)) == pytest.approx(10.0, abs=0.3)


def test_pooled_model_shrinks_a_short_unit_towards_the_others():
    long = {f"u{i}": (YEARS, 6 + np.random.default_rng(i).normal(0, 0.5, size=len(YEARS))) for i in range(3)}
    short_years = np.arange(2022, 2026)
    d = M.FitData("x", short_years, np.array([np.nan, 12.0, 11.0, 13.0]), (2020, 2021, 2022),
                  {**long, "x": (short_years, np.array([np.nan, 12.0, 11.0, 13.0]))}, 5, 3, ("u0", "u1", "u2", "x"))
    p = M.pooled_parts(d)
    assert 6 < p["unit_mean"] < 12  # between the pool's mean and the unit's own
    with pytest.raises(M.NotApplicable):
        M.pooled_parts(M.FitData("vietnam", YEARS, long["u0"][1], (), long, 5, 3, ("u0", "u1")))


def test_duplicate_models_count_once():
    paths = np.random.default_rng(0).normal(7, 1, size=(1000, 5))
    avgs = M.period_average([], paths)
    rw = ModelResult("random_walk", "rw", ("arma", 0, 1, 0, "n"), paths, avgs)
    arima = ModelResult("arima", "ARIMA(0,1,0)", ("arma", 0, 1, 0, "n"), paths + 3, avgs + 3)
    twin = ModelResult("twin", "twin", ("other",), paths, avgs.copy())  # different spec, same distribution
    other = ModelResult("mean", "mean", ("arma", 0, 0, 0, "c"), paths + 1, avgs + 1)
    dedupe([rw, arima, twin, other])
    assert (arima.status, arima.reason) == ("duplicate", "duplicate of random_walk")
    assert twin.status == "duplicate" and other.status == "ok" and rw.status == "ok"


def _synthetic_backtest(n_origins=30, seed=0):
    """Two models forecasting a known process: 'good' is calibrated, 'bad' biased and overconfident."""
    rng = np.random.default_rng(seed)
    years = np.arange(2000, 2000 + n_origins + 5)
    truth = 7 + rng.normal(0, 1, size=len(years))
    fc = B.Forecasts({"s": (years, truth)}, horizon=5)
    for o in years[3:-1]:
        fc.paths[("s", int(o), "good")] = 7 + rng.normal(0, 1, size=(2000, 5))
        fc.paths[("s", int(o), "bad")] = 9 + rng.normal(0, 0.2, size=(2000, 5))
    return fc


def test_crps_weights_favour_the_better_calibrated_model():
    fc = _synthetic_backtest()
    ev = B.evaluate(fc)
    summ = B.summary(ev, 5).set_index("model")
    assert summ.loc["good", "crps_avg"] < summ.loc["bad", "crps_avg"]
    rules = {"min_rows": 5, "min_coverage80": 0.0, "max_relative_crps": 100.0}
    w, reasons = B.model_weights(summ.reset_index(), ["good", "bad"], [], rules, {})
    assert w["good"] > w["bad"] > 0 and sum(w.values()) == pytest.approx(1.0)
    # with the default rules the overconfident model is rejected for its coverage
    w, reasons = B.model_weights(summ.reset_index(), ["good", "bad"], [], {**rules, "min_coverage80": 0.5}, {})
    assert w == {"good": 1.0} and reasons["bad"] == "undercovers"


def test_trend_model_needs_to_beat_the_mean_and_crps_matches_scoringrules():
    summ = pd.DataFrame({"model": ["mean", "ets"], "n": [10, 10], "rel_crps_avg": [0.9, 1.0], "coverage80_avg": [0.8, 0.8]})
    w, reasons = B.model_weights(summ, ["mean", "ets"], ["ets"], {"min_rows": 5, "min_coverage80": 0.5,
                                                                   "max_relative_crps": 1.5}, {})
    assert w == {"mean": 1.0} and reasons["ets"] == "trend_not_earned"
    # CRPS of a single-member ensemble is the absolute error
    assert B.crps(3.0, np.array([5.0])) == pytest.approx(2.0)


def test_ensemble_backtest_mixes_the_admitted_models():
    fc = _synthetic_backtest()
    extra = B.ensemble_rows(fc, {"good": 0.75, "bad": 0.25}, 400)
    (s, o), parts = next(iter(extra.items()))
    ens = parts["ensemble"]
    assert ens.shape == (400, 5)
    assert np.array_equal(ens[:300], fc.paths[(s, o, "good")][:300]) and np.array_equal(ens[300:], fc.paths[(s, o, "bad")][:100])
    ev = B.evaluate(fc, extra=extra)
    tab = B.ensemble_table(ev, ["s"], 5)
    assert set(tab["group"]) == {"local", "all"} and tab.iloc[0]["best_single_model"] == "good"


def test_shock_episodes_frequency_and_size():
    years = np.arange(2010, 2026)
    a = np.full(len(years), 7.0)
    a[years == 2020], a[years == 2021] = 2.0, 1.5
    b = np.full(len(years), 6.0)
    b[years == 2020] = -1.0
    s = M.estimate_shocks({"a": (years, a), "b": (years, b)}, 2025, drop_pp=3.0, window=3)
    assert s.episodes == 1  # the same episode in two series counts once
    assert s.years_at_risk == 14 and sorted(s.lengths) == [1, 2]
    assert s.sizes == pytest.approx([-5.0, 1.5 - 16 / 3, -7.0])
    assert M.estimate_shocks({"a": (years, a)}, 2019).episodes == 0  # not yet known before 2020
    paths = np.full((20000, 5), 7.0)
    shocked = M.apply_shocks(paths, s, np.random.default_rng(0))
    hit = shocked < 7.0
    assert 0.05 < hit[:, 0].mean() < 0.2 and set(np.unique(shocked[hit]).round(2)) <= {round(7 + x, 2) for x in s.sizes}


def test_period_average_required_growth_and_likelihood_scale():
    paths = np.full((3, 4), 10.0)
    assert M.period_average([10.0], paths) == pytest.approx([10.0] * 3)
    assert M.period_average([5.0], paths)[0] == pytest.approx(((1.05 * 1.1 ** 4) ** 0.2 - 1) * 100)
    assert M.required_growth([5.0], 5, 10.0) == pytest.approx(((1.1 ** 5 / 1.05) ** 0.25 - 1) * 100)
    assert M.required_growth([1, 2, 3, 4, 5], 5, 10.0) is None
    # growth of -100 % does not divide by zero
    assert np.isfinite(M.period_average([-100.0], paths)).all()
    assert M.required_growth([-100.0], 5, 10.0) is not None
    assert [likelihood_term(p) for p in (0.995, 0.95, 0.7, 0.5, 0.2, 0.05, 0.005)] == [
        "virtually_certain", "very_likely", "likely", "about_as_likely_as_not", "unlikely", "very_unlikely",
        "exceptionally_unlikely"]


def _series(pairs):
    return GrowthSeries("can_tho_merged", pd.DataFrame([{"year": y, "value": v, "source": "published", "status": "estimate",
                                                        "detail": ""} for y, v in pairs]))


def test_figures_after_the_end_year_are_ignored_with_a_note():
    s = _series([(y, 7.0) for y in range(2019, 2026)] + [(2026, 9.1), (2060, 5.0)])
    pdata = period_data(s, 2025, 2030, 2060)
    assert pdata.observed == {2026: 9.1} and pdata.sim_years == [2027, 2028, 2029, 2030]
    assert pdata.notes[0] == ("after_end_ignored", {"years": [2060], "end_year": 2030})


def test_missing_years_inside_the_period_are_simulated_not_assumed():
    # a 2026 figure plus a 2031 one with nothing between is not a complete period
    s = _series([(y, 7.0) for y in range(2019, 2026)] + [(2026, 9.1), (2031, 9.1)])
    pdata = period_data(s, 2025, 2030, 2031)
    assert pdata.sim_years == [2027, 2028, 2029, 2030] and pdata.observed == {2026: 9.1}
    # a gap inside the period: 2027 missing, 2028 known -> fitted through 2026, 2027 simulated, 2028 used as observed
    s = _series([(y, 7.0) for y in range(2019, 2027)] + [(2028, 8.0)])
    pdata = period_data(s, 2025, 2030, 2030)
    assert pdata.fit_end == 2026 and pdata.sim_years == [2027, 2028, 2029, 2030]
    assert pdata.observed == {2026: 7.0, 2028: 8.0} and pdata.notes[0][0] == "gap_in_period"


class TestMergedSeries:
    def test_weights_from_previous_year_levels(self):
        best = pd.DataFrame([
            *[dict(indicator_id="grdp_current", locality=l, period_start=2021, period_end=2021, value=v, status="official",
                   published="2022", actual_id=f"{l}21") for l, v in (("can_tho_old", 50), ("soc_trang", 30), ("hau_giang", 20))],
            *[dict(indicator_id="grdp_growth", locality=l, period_start=2022, period_end=2022, value=v, status="official",
                   published="2023", actual_id=f"g{l}") for l, v in (("can_tho_old", 10), ("soc_trang", 5), ("hau_giang", 0))],
        ])
        d = derive_merged_growth(best)
        assert d.iloc[0]["year"] == 2022 and d.iloc[0]["weights_year"] == 2021
        assert d.iloc[0]["value"] == pytest.approx(0.5 * 10 + 0.3 * 5 + 0.2 * 0)

    def test_residual_unit_is_flagged(self):
        best = pd.DataFrame([dict(indicator_id="grdp_current", locality=l, period_start=2021, period_end=2021, value=v,
                                  status="official", published="2022", actual_id=l)
                             for l, v in (("can_tho_old", 50), ("hau_giang", 20), ("can_tho_merged", 100))])
        lv = unit_levels(best)
        assert lv.iloc[0]["soc_trang"] == 30 and lv.iloc[0]["residual"] == "soc_trang"

    def test_bundled_series_and_appendix8_levels_by_series_column(self, catalog):
        from cantho_analysis.feasibility.series import merged_current_levels

        s = merged_growth_series(catalog.best())
        f = s.frame.set_index("year")
        assert f.loc[2023, "source"] == "published" and f.loc[2023, "value"] == pytest.approx(6.42)
        assert f.loc[2021, "source"] == "derived" and "weights from" in f.loc[2021, "detail"]
        levels = merged_current_levels(catalog.actuals)
        assert sorted(levels) == list(range(2020, 2026)) and levels[2025] == 316932
