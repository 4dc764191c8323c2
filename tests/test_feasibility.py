"""Models on synthetic series with known properties, conditioning, weights, series derivation
and cross-checks on hand-checkable numbers."""

import json

import numpy as np
import pandas as pd
import pytest

from cantho_analysis import feasibility as F
from cantho_analysis.cli import main
from cantho_analysis.growth_series import derive_merged_growth, merged_growth_series, unit_levels


@pytest.mark.parametrize("model", F.MODELS)
def test_constant_growth_gives_narrow_interval_around_it(model):
    # a series growing 7 % a year with tiny noise
    y = 7.0 + np.random.default_rng(0).normal(0, 0.05, size=12)
    paths, _ = F.simulate_model(model, y, 5, 4000, np.random.default_rng(1))
    avg = F.period_average([], paths)
    s = F.summarise(avg, 10, 10.5)
    tol = 1.5 if model == "theta" else 0.5  # Theta halves the drift of the log level by design
    assert abs(s["median"] - 7.0) < (4.0 if model == "theta" else tol)
    if model != "theta":
        assert s["pi80"][1] - s["pi80"][0] < 1.0
    assert s["p_ge_low"] < 0.01


@pytest.mark.parametrize("model", ["mean", "local_level", "arima"])
def test_series_averaging_7_gives_small_probability_of_10(model):
    y = 7.0 + np.random.default_rng(3).normal(0, 1.5, size=15)
    paths, _ = F.simulate_model(model, y, 5, 5000, np.random.default_rng(2))
    s = F.summarise(F.period_average([], paths), 10, 10.5)
    assert s["p_ge_low"] < 0.1 and s["pi95"][0] < s["median"] < s["pi95"][1]


def test_statespace_simulation_matches_statsmodels():
    from statsmodels.tsa.arima.model import ARIMA

    y = np.array([7.2, 7.3, -1.25, 2.41, 8.12, 5.4, 7.05, 7.5])
    res = ARIMA(y, order=(0, 1, 1), trend="n").fit()
    ref = np.asarray(res.simulate(nsimulations=3, repetitions=20000, anchor="end", rng=np.random.default_rng(0))).reshape(3, -1).T
    mine = F._statespace_paths(res, 3, 20000, np.random.default_rng(1))
    assert np.allclose(ref.mean(0), mine.mean(0), atol=0.15)
    assert np.allclose(ref.std(0), mine.std(0), rtol=0.03)


def test_period_average_and_conditioning():
    # observed 2026 = 10 %, simulated 2027-2030 all exactly 10 % -> average 10 %
    paths = np.full((3, 4), 10.0)
    assert F.period_average([10.0], paths) == pytest.approx([10.0] * 3)
    # observed 5 % then 4 years at 10 %: (1.05 * 1.1^4)^(1/5) - 1
    expected = ((1.05 * 1.1 ** 4) ** 0.2 - 1) * 100
    assert F.period_average([5.0], paths)[0] == pytest.approx(expected)
    assert F.required_growth([5.0], 5, 10.0) == pytest.approx(((1.1 ** 5 / 1.05) ** 0.25 - 1) * 100)
    assert F.required_growth([], 5, 10.0) == pytest.approx(10.0)
    assert F.required_growth([1, 2, 3, 4, 5], 5, 10.0) is None


def test_same_seed_same_numbers(catalog):
    a = F.feasibility(n_paths=500, backtest_paths=300, seed=5).to_json()
    b = F.feasibility(n_paths=500, backtest_paths=300, seed=5).to_json()
    c = F.feasibility(n_paths=500, backtest_paths=300, seed=6).to_json()
    assert json.dumps(a, default=float) == json.dumps(b, default=float)
    assert a["ensemble"] != c["ensemble"]


def test_conditioning_on_data_through():
    r = F.feasibility(n_paths=500, backtest_paths=200, data_through=2024, run_backtests=False)
    assert r.params["data_through"] == 2024 and r.first_year == 2025
    assert r.observed_in_period == []
    assert r.ensemble.paths.shape[1] == 6  # 2025 (not known as of 2024) is simulated, then 2026-2030
    j = r.to_json()
    assert j["required_growth"]["remaining_years"] == 5  # the 2025-2030 period still has its 5 growth years


def test_observed_year_inside_the_period_is_used(monkeypatch):
    from cantho_analysis import growth_series as G

    full = G.merged_growth_series
    def with_2026(best):
        s = full(best)
        frame = pd.concat([s.frame, pd.DataFrame([{"year": 2026, "value": 12.0, "source": "published",
                                                   "status": "estimate", "detail": "test"}])], ignore_index=True)
        return G.GrowthSeries(s.name, frame)
    monkeypatch.setattr(G, "merged_growth_series", with_2026)
    r = F.feasibility(n_paths=400, run_backtests=False)
    assert r.observed_in_period == [12.0] and r.first_year == 2027
    # every simulated average includes the observed 12 %: factor 1.12 x four simulated years
    sim = r.forecasts[1]
    manual = ((1.12 * np.prod(1 + sim.paths / 100, axis=1)) ** 0.2 - 1) * 100
    assert np.allclose(sim.averages, manual)
    assert r.to_json()["required_growth"]["low"] == pytest.approx(((1.1 ** 5 / 1.12) ** 0.25 - 1) * 100)


def test_weights_are_inverse_mae():
    summ = pd.DataFrame({"model": ["naive", "mean"], "mae_avg": [2.0, 1.0]})
    w, rule = F.model_weights(summ, ("naive", "mean"))
    assert w == pytest.approx({"naive": 1 / 3, "mean": 2 / 3}) and "1 / MAE" in rule
    w, rule = F.model_weights(pd.DataFrame(), ("naive", "mean"))
    assert w == {"naive": 0.5, "mean": 0.5} and "equal" in rule


def test_ensemble_mixes_paths_by_weight():
    fa = F.Forecast("a", "a", np.zeros((10, 2)), np.zeros(10), [])
    fb = F.Forecast("b", "b", np.ones((10, 2)), np.ones(10), [])
    e = F.ensemble([fa, fb], {"a": 0.3, "b": 0.7}, 10)
    assert len(e.averages) == 10 and e.averages.sum() == 7


def test_backtest_rows_and_coverage():
    y = 6 + np.random.default_rng(4).normal(0, 1, size=9)
    bt = F.backtest({"s": (np.arange(2000, 2009), y)}, n_paths=300, models=("mean", "naive"))
    origins = sorted(set(bt["origin"]))
    assert origins == list(range(2003, 2008))  # every origin with >= 4 years of history and an outturn
    summ = F.backtest_summary(bt)
    assert set(summ["model"]) == {"mean", "naive", "naive_point"}
    assert ((summ["coverage95_1y"].dropna() >= 0) & (summ["coverage95_1y"].dropna() <= 1)).all()


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

    def test_bundled_series(self, catalog):
        s = merged_growth_series(catalog.best())
        f = s.frame.set_index("year")
        assert f.loc[2023, "source"] == "published" and f.loc[2023, "value"] == pytest.approx(6.42)
        assert f.loc[2021, "source"] == "derived" and "weights from" in f.loc[2021, "detail"]


def test_cross_checks_hand_numbers():
    r = F.feasibility(n_paths=300, run_backtests=False)
    c = {x["check"]: x for x in r.checks}
    n = c["investment"]["numbers"]
    assert n["investment_share_needed_pct"] == [50.0, 60.0] and n["growth_implied_by_plan_share_pct"] == [8.0, 6.67]
    pc = c["per_capita_times_population"]["numbers"]
    assert pc["implied_grdp_billion"] == round(215 * 3_335_000 / 1000)
    nom = c["nominal_target_and_deflator"]["numbers"]["by_base"]
    row = next(v for v in nom.values() if v["base"] == 316932)
    assert row["nominal_growth_pct"] == pytest.approx(((717000 / 316932) ** 0.2 - 1) * 100, abs=0.01)
    assert row["deflator_pct_at_low"] == pytest.approx((((717000 / 316932) ** 0.2) / 1.10 - 1) * 100, abs=0.01)
    sect = c["sector_arithmetic"]["numbers"]
    s = sect["agriculture_share_pct"] / 100
    assert sect["non_agriculture_growth_needed_pct"][0] == pytest.approx((10 - s * 4) / (1 - s), abs=0.01)
    sc = {x["scenario"]: x for x in c["appendix8_scenarios"]["numbers"]["scenarios"]}
    assert sc["two_digit"]["labels_look_swapped"] and not sc["planning"]["labels_look_swapped"]


def test_feasibility_command_json(capsys):
    assert main(["feasibility", "--format", "json", "--n-paths", "500"]) == 0
    j = json.loads(capsys.readouterr().out)
    for key in ("models", "ensemble", "first_year", "required_growth", "backtest", "checks"):
        assert key in j
    m = j["models"][0]
    for key in ("name", "p_ge_low", "p_ge_high", "median", "pi80", "pi95"):
        assert key in m
    assert len(m["pi80"]) == 2 and m["pi95"][0] <= m["pi80"][0] <= m["median"] <= m["pi80"][1] <= m["pi95"][1]
    assert j["first_year"]["year"] == 2026
    assert 0 <= j["ensemble"]["p_ge_high"] <= j["ensemble"]["p_ge_low"] <= 1


def test_feasibility_command_rejects_bad_input(capsys):
    assert main(["feasibility", "--target-low", "11", "--target-high", "10"]) == 2
    assert "target_low" in capsys.readouterr().err
