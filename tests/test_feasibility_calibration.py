"""Feasibility: stacking weights, the bias correction of the ensemble's median (both known at each
origin), the fair single-model comparator and the sourced national outlook, on synthetic numbers."""

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr

from cantho_analysis.feasibility import backtest as B
from cantho_analysis.feasibility.series import series_average

RULES = {"level": 0.8, "min_rows": 5, "max_factor": 4.0, "step": 0.05, "rule": "empirical",
         "bias_correction": True, "bias_guard": True}


def _backtest(models: dict[str, tuple[float, float]], n_origins=30, n=400, seed=0, truth_sd=1.0):
    """A series i.i.d. N(7, truth_sd) and, at every origin, models drawing N(mu, sd) paths."""
    rng = np.random.default_rng(seed)
    years = np.arange(1980, 1980 + n_origins + 5)
    truth = 7 + rng.normal(0, truth_sd, size=len(years))
    fc = B.Forecasts({"s": (years, truth)}, horizon=5)
    for o in years[:-1]:
        for m, (mu, sd) in models.items():
            fc.paths[("s", int(o), m)] = mu + rng.normal(0, sd, size=(n, 5))
    return fc


def _crps_of(fc, extra, as_of=None):
    ev = B.evaluate(fc, as_of=as_of, extra=extra)
    return ev.groupby("model")["crps_avg"].mean()


def test_mean_abs_diff_is_exact():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=37), rng.normal(1, 2, size=23)
    brute = np.abs(x[:, None] - y[None, :]).mean()
    assert B.mean_abs_diff(x, y) == pytest.approx(brute, rel=1e-12)
    assert B.mean_abs_diff(x, x) == pytest.approx(np.abs(x[:, None] - x[None, :]).mean(), rel=1e-12)


def test_mixture_crps_from_energy_terms_matches_scoringrules():
    rng = np.random.default_rng(2)
    parts = {"a": rng.normal(6, 1, size=(2000, 3)), "b": rng.normal(8, 0.5, size=(2000, 3))}
    actual = np.array([7.0, 6.5, 7.5])
    names, a, Bm = B.energy_terms(parts, actual)
    y = (np.prod(1 + actual / 100) ** (1 / 3) - 1) * 100
    avgs = {n: B.period_average([], parts[n]) for n in names}
    for w in ({"a": 1.0, "b": 0.0}, {"a": 0.3, "b": 0.7}, {"a": 0.5, "b": 0.5}):
        # scoringrules on the weighted sample of both models' paths
        fct = np.concatenate([avgs[n] for n in names])[None, :]
        ens_w = np.concatenate([np.full(len(avgs[n]), w[n] / len(avgs[n])) for n in names])[None, :]
        want = float(sr.crps_ensemble(np.array([y]), fct, ens_w=ens_w)[0])
        got = B.mixture_crps(np.array([w[n] for n in names]), a, Bm)
        assert got == pytest.approx(want, rel=1e-9)
        # and the ensemble actually built (round(w * n) paths of each model) scores about the same
        assert B.crps(y, B.period_average([], B.mix(parts, w, 2000))) == pytest.approx(got, abs=0.02)


def test_stacking_weights_favour_the_better_model():
    fc = _backtest({"good": (7.0, 1.0), "biased": (8.5, 1.0), "narrow": (7.0, 0.2)})
    w, info = B.stacking_weights(fc, ["good", "biased", "narrow"], None, 5)
    assert info["rows"] == 34 and w.get("good", 0) > 0.6
    assert w.get("biased", 0) < 0.15
    assert sum(w.values()) == pytest.approx(1.0)
    # too few past forecasts: no weights (the caller falls back)
    assert B.stacking_weights(fc, ["good", "biased"], 1983, 5)[0] == {}


def test_stacked_ensemble_is_no_worse_than_its_best_member():
    fc = _backtest({"low": (6.4, 0.6), "high": (7.6, 0.6), "wide": (7.0, 2.5)}, n_origins=20, seed=4)
    w, _ = B.stacking_weights(fc, ["low", "high", "wide"], None, 5)
    scores = _crps_of(fc, B.ensemble_rows(fc, w, 1200))
    best = scores[["low", "high", "wide"]].min()
    assert scores["ensemble"] <= best + 0.01  # in sample: at most the best member (Monte Carlo noise aside)
    # known at each origin (out of sample): close to the best member, better than the worst
    rules = {"min_rows": 5, "min_coverage80": 0.0, "max_relative_crps": 100.0, "method": "stacking"}
    oos, _ = B.ensemble_rows_out_of_sample(fc, ["low", "high", "wide"], [], rules, {}, 1200)
    s2 = _crps_of(fc, oos)
    assert s2["ensemble"] <= best + 0.05 and s2["ensemble"] < scores[["low", "high", "wide"]].max()


def test_stacking_weights_at_an_origin_use_only_earlier_outturns():
    fc = _backtest({"a": (7.0, 1.0), "b": (7.8, 0.7)}, seed=5)
    years, values = fc.series["s"]
    o = 2000
    w1, _ = B.stacking_weights(fc, ["a", "b"], o, 5)
    changed = B.Forecasts({"s": (years, np.where(years > o, values + 4, values))}, horizon=5, paths=fc.paths)
    w2, _ = B.stacking_weights(changed, ["a", "b"], o, 5)
    assert w1 == w2
    assert B.stacking_weights(changed, ["a", "b"], 2010, 5)[0] != B.stacking_weights(fc, ["a", "b"], 2010, 5)[0]


def _biased_extra(fc, model):
    return {(s, o): {"ensemble": p} for (s, o, m), p in fc.paths.items() if m == model}


def test_bias_correction_removes_a_stable_bias():
    fc = _backtest({"m": (8.0, 1.0)}, seed=6)  # one point too high at every origin
    extra = _biased_extra(fc, "m")
    cor, used = B.bias_corrected_rows(fc, extra, "ensemble", RULES)
    origins = sorted(used)
    assert [used[o]["bias"] for o in origins[:5]] == [0.0] * 5  # fewer than min_rows earlier forecasts
    late = used[origins[-1]]
    assert late["estimate"] == pytest.approx(1.0, abs=0.35) and late["bias"] == late["estimate"]  # the guard lets it through
    before, after = _crps_of(fc, extra)["ensemble"], _crps_of(fc, cor)["ensemble"]
    assert after < before - 0.1
    ev = B.evaluate(fc, extra=cor)
    assert abs(ev[(ev["model"] == "ensemble") & (ev["origin"] >= origins[12])]["err_avg"].mean()) < 0.4


def test_bias_correction_uses_only_earlier_origins():
    fc = _backtest({"m": (7.8, 1.0)}, seed=7)
    extra = _biased_extra(fc, "m")
    years, values = fc.series["s"]
    for guard in (True, False):
        rules = {**RULES, "bias_guard": guard}
        _, used = B.bias_corrected_rows(fc, extra, "ensemble", rules)
        o = 2000
        # a later origin's outturn changes (every year after o): corrections up to o do not
        changed = B.Forecasts({"s": (years, np.where(years > o, values - 3, values))}, horizon=5, paths=fc.paths)
        _, used2 = B.bias_corrected_rows(changed, extra, "ensemble", rules)
        assert all(used2[k] == used[k] for k in used if k <= o)
        assert used2[2010]["estimate"] != used[2010]["estimate"]


def test_the_guard_withholds_a_correction_that_would_not_have_helped():
    """Errors whose sign flips: the mean of the earlier ones points the wrong way."""
    rng = np.random.default_rng(8)
    years = np.arange(1980, 2015)
    truth = np.where(years < 1998, 6.0, 9.0) + rng.normal(0, 0.3, size=len(years))
    fc = B.Forecasts({"s": (years, truth)}, horizon=5)
    extra = {("s", int(o)): {"ensemble": 7.5 + rng.normal(0, 1.0, size=(400, 5))} for o in years[:-1]}
    for (s, o), d in extra.items():
        fc.paths[(s, o, "m")] = d["ensemble"]
    _, guarded = B.bias_corrected_rows(fc, extra, "ensemble", RULES)
    _, unguarded = B.bias_corrected_rows(fc, extra, "ensemble", {**RULES, "bias_guard": False})
    o = 2001  # the errors known at 2001 are mostly from years of 6 %: estimate > 0, wrong once growth is 9 %
    assert unguarded[o]["bias"] == unguarded[o]["estimate"] != 0.0
    assert guarded[o]["estimate"] == unguarded[o]["estimate"]
    assert guarded[o]["bias"] == 0.0 and guarded[o]["guard_crps_corrected"] >= guarded[o]["guard_crps_uncorrected"]
    off = B.bias_correction(fc, extra, "ensemble", 2010, {**RULES, "bias_correction": False})
    assert off["bias"] == 0.0 and off["estimate"] == 0.0 and not off["enabled"]


def test_shift_moves_every_year_and_leaves_the_spread():
    p = np.random.default_rng(9).normal(6, 1, size=(1000, 4))
    s = B.shift(p, -0.5)
    assert np.allclose(s - p, 0.5) and B.shift(p, 0.0) is not None and np.array_equal(B.shift(p, 0.0), p)


def test_leaders_pick_the_best_model_known_at_each_origin():
    fc = _backtest({"good": (7.0, 1.0), "bad": (9.0, 1.0)}, n_origins=14, n=300, seed=10)
    lead = B.leaders(fc, ["good", "bad"], 5, fallback="bad")
    assert lead[("s", 1980)] == "bad"  # nothing known yet: the fallback
    assert lead[("s", 1993)] == "good"
    t = B.ensemble_table(B.evaluate(fc, extra=_biased_extra(fc, "good")), ["s"], 5, lead).iloc[0]
    assert t["best_single_model"] == "good"
    assert t["best_single_known_at_origin_crps_avg"] > t["best_single_crps_avg"]  # the early fallback costs


def test_series_average_is_the_geometric_mean_with_its_rows():
    best = pd.DataFrame({
        "indicator_id": ["grdp_growth"] * 4, "locality": ["vietnam"] * 4, "period_start": [2016, 2017, 2018, 2019],
        "period_end": [2016, 2017, 2018, 2019], "value": [6.0, 7.0, 8.0, 5.0], "status": ["official"] * 4,
        "published": ["2025"] * 4, "actual_id": [f"g.vn.{y}" for y in range(2016, 2020)],
        "source_url": ["https://example.org/x"] * 4})
    a = series_average(best, "vietnam", 2016, 2019)
    want = (np.prod([1.06, 1.07, 1.08, 1.05]) ** 0.25 - 1) * 100
    assert a["value"] == pytest.approx(want, abs=1e-4) and a["years"] == [2016, 2019]
    assert [r["actual_id"] for r in a["rows"]] == ["g.vn.2016", "g.vn.2017", "g.vn.2018", "g.vn.2019"]
    assert a["rows"][0]["source_url"] == "https://example.org/x" and a["missing_years"] == []
    gap = series_average(best[best["period_start"] != 2018], "vietnam", 2016, 2019)
    assert gap["value"] is None and gap["missing_years"] == [2018]


def test_weights_as_of_by_stacking_say_why_a_model_gets_none():
    fc = _backtest({"good": (7.0, 1.0), "biased": (9.5, 0.5), "trendy": (3.0, 0.5)}, n_origins=14, n=300, seed=11)
    summ = B.evaluated(fc, None)[1]
    rules = {"min_rows": 5, "min_coverage80": 0.5, "max_relative_crps": 1.5, "method": "stacking"}
    w, reasons, info = B.weights_as_of(fc, summ, None, ["good", "biased", "trendy", "dup"], ["trendy"], rules,
                                       {"dup": "duplicate"})
    assert info["method"] == "stacking" and info["eligible"] == ["good", "biased"]
    assert w.get("good", 0) > 0.9 and sum(w.values()) == pytest.approx(1.0)
    assert reasons["dup"] == "duplicate" and reasons["trendy"] == "trend_not_earned"
    assert all(reasons.get(m) for m in ("good", "biased", "trendy", "dup") if m not in w)
    w2, _, info2 = B.weights_as_of(fc, summ, None, ["good", "biased"], [], {**rules, "method": "inverse_crps"}, {})
    assert info2 == {"method": "inverse_crps"} and w2 == B.model_weights(summ, ["good", "biased"], [], rules, {})[0]
