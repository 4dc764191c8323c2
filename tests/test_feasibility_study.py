"""Feasibility v2 on the bundled data: the study (run once per session), the audit's hand-checkable
numbers, the command line (strict JSON, range-checked parameters) and odd series."""

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from cantho_analysis.cli import main
from cantho_analysis.feasibility import checks as C
from cantho_analysis.feasibility import display as D
from cantho_analysis.feasibility import params as P
from cantho_analysis.feasibility.study import StudyParams, run_study
from cantho_analysis.feasibility.text import check_finding, verdict_text
from cantho_analysis.i18n import catalogue


def _raise(x):
    raise ValueError(f"not strict JSON: {x}")


@pytest.fixture(scope="session")
def ctx():
    from cantho_analysis.report import get_context

    return get_context()


@pytest.fixture(scope="session")
def study(study_result):
    """The whole study, once per test run (conftest.py)."""
    return study_result


@pytest.fixture(scope="session")
def sj(study):
    return D.report_json(study)


# --------------------------------------------------------------------------- the study
def test_json_keeps_the_old_keys_adds_the_new_and_is_strict(sj):
    for key in ("params", "convention", "series", "observed_in_period", "models", "ensemble", "first_year",
                "required_growth", "backtest", "base_rates", "checks", "period_checks", "notes",
                "sensitivity", "history", "ensemble_backtest", "likelihood"):
        assert key in sj, key
    text = json.dumps(sj, ensure_ascii=False, allow_nan=False)
    json.loads(text, parse_constant=_raise)
    for m in sj["models"]:
        if m["status"] == "ok":
            assert m["pi95"][0] <= m["pi80"][0] <= m["median"] <= m["pi80"][1] <= m["pi95"][1]
    assert sj["first_year"]["year"] == 2026 and 0 <= sj["ensemble"]["p_ge_high"] <= sj["ensemble"]["p_ge_low"] <= 1


def test_weights_come_from_the_backtest_and_rejected_models_do_not_drive_the_verdict(study, sj):
    w = study.weights
    assert w and sum(w.values()) == pytest.approx(1.0)
    summ = study.backtest_summary.set_index("model")
    for m in study.models:
        if m.weight > 0:
            assert m.status == "ok" and summ.loc[m.name, "coverage80_avg"] >= 0.5 and not m.weight_reason
        else:
            assert m.weight_reason  # every model without weight says why
    lik = sj["likelihood"]
    assert set(lik["models_in_range"]) == set(w)
    assert lik["models_range"][0] <= lik["models_range"][1]
    assert lik["range"][0] <= lik["p"] <= lik["range"][1]
    assert lik["range"][0] <= lik["models_range"][0] and lik["models_range"][1] <= lik["range"][1]
    assert lik["term"] in dict(P.load()["likelihood"]["scale"])
    assert lik["wording"]["vi"] == catalogue("vi")[f"feasibility.{lik['term']}"]
    # the range spans the defensible variants: the recalibrated ensemble, the admitted models,
    # no Covid treatment, and Vietnam at the consensus outlook
    kinds = {v["kind"] for v in lik["variants"]}
    assert kinds == {"ensemble", "model", "covid", "national_growth"}
    assert {v["name"] for v in lik["variants"] if v["kind"] == "model"} == set(w)
    cons = sj["sensitivity"]["consensus_vietnam_growth"]
    assert all(v["vietnam_growth"] == cons for v in lik["variants"] if v["kind"] == "national_growth")
    assert [min(v["p"] for v in lik["variants"]), max(v["p"] for v in lik["variants"])] == lik["range"]
    # the wording holds across the variants: it is the least confident of their terms
    from cantho_analysis.feasibility.study import likelihood_term

    assert lik["term"] == likelihood_term(min((v["p"] for v in lik["variants"]), key=lambda x: abs(x - 0.5)))
    order = [t for t, _ in P.load()["likelihood"]["scale"]]
    if max(lik["range"]) < 0.33:  # all on the unlikely side: the least confident term is used
        assert order.index(lik["term"]) == min(order.index(x) for x in [lik["term_central"], *lik["range_terms"]])
        assert lik["upper_about"] > lik["range"][1]
    # ARIMA's chosen order is one of the other models' structures: it counts once
    arima = next(m for m in study.models if m.name == "arima")
    assert arima.status in ("duplicate", "failed") or arima.weight == 0


@pytest.mark.parametrize("weights", ["final", "known_at_origin", "known_at_origin_recalibrated"])
def test_ensemble_backtest_reports_local_and_vietnam_apart(study, weights):
    eb = study.ensemble_backtest
    eb = eb[eb["weights"] == weights].set_index("group")
    assert {"local", "vietnam", "all"} <= set(eb.index)
    assert eb.loc["all", "origins"] == eb.loc["local", "origins"] + eb.loc["vietnam", "origins"]
    for col in ("coverage80_1y", "coverage95_1y", "coverage80_avg", "coverage95_avg"):
        assert 0 <= eb.loc["all", col] <= 1
    assert eb.loc["all", "coverage80_avg"] <= eb.loc["all", "coverage95_avg"]


def test_the_ensemble_is_recalibrated_from_its_backtest(study, sj):
    rc = sj["recalibration"]
    n_all = next(r["origins"] for r in sj["ensemble_backtest"] if r["group"] == "all" and r["weights"] == "known_at_origin")
    assert rc["factor"] >= 1.0 and rc["n"] == n_all and rc["rule"] == "empirical"
    raw, rec = rc["raw"], sj["ensemble"]
    assert rec["recalibration_factor"] == rc["factor"]
    assert (rec["pi80"][1] - rec["pi80"][0]) >= (raw["pi80"][1] - raw["pi80"][0]) - 1e-9
    if rc["factor"] > 1:
        assert (rec["pi80"][1] - rec["pi80"][0]) > 1.1 * (raw["pi80"][1] - raw["pi80"][0])
        assert sj["likelihood"]["p_raw"] == pytest.approx(raw["p_ge_low"], abs=1e-4)
        assert sj["likelihood"]["p_raw"] != sj["likelihood"]["p"]
    # before and after, over the same origins; the factor at each origin comes from earlier ones only
    eb = study.ensemble_backtest.set_index(["weights", "group"])
    assert eb.loc[("known_at_origin", "all"), "origins"] == eb.loc[("known_at_origin_recalibrated", "all"), "origins"]
    assert eb.loc[("known_at_origin_recalibrated", "all"), "coverage80_avg"] >= eb.loc[("known_at_origin", "all"), "coverage80_avg"]
    by_origin = rc["backtest"]["factors_by_origin"]
    first = min(by_origin, key=int)
    assert by_origin[first] == {"factor": 1.0, "n": 0}
    assert rc["backtest"]["origins_with_factor"] == sum(1 for s, o in study.backtest[["series", "origin"]].drop_duplicates()
                                                         .itertuples(index=False) if by_origin[str(o)]["n"] >= 5)
    mt = study.model_table().set_index("name")
    assert mt.loc["ensemble_raw", "p_ge_low"] == pytest.approx(raw["p_ge_low"])


def test_sensitivity_history_and_covid(study, sj):
    grid = pd.DataFrame(sj["sensitivity"]["vietnam_x_gap"]).set_index("vietnam_growth")
    assert list(grid.index) == [6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0]
    assert grid["+1"].is_monotonic_increasing and (grid["+1"] >= grid["-1"]).all()
    assert {r["case"] for r in sj["sensitivity"]["covid"]} == {"treatment", "dummies_no_shocks", "no_treatment"}
    cov = {r["case"]: r for r in sj["sensitivity"]["covid"]}
    assert cov["treatment"]["p_ge_low"] == sj["ensemble"]["p_ge_low"] and cov["dummies_no_shocks"]["factor"] == 1.0
    hist = sj["history"]
    assert [r["as_of"] for r in hist] == list(range(2022, study.params["data_through"] + 1))
    assert all(r["factor"] >= 1.0 for r in hist)
    assert hist[-1]["p_ge_low"] == pytest.approx(sj["ensemble"]["p_ge_low"], abs=1e-4)
    for a, b in zip(hist, hist[1:]):
        if a["p_ge_low"] is None or b["p_ge_low"] is None or abs(a["p_ge_low"] - b["p_ge_low"]) > 0.10:
            assert b.get("why"), b  # a move of more than 10 points is explained


def test_verdict_text_in_both_languages(sj):
    en, vi = verdict_text(sj, "en"), verdict_text(sj, "vi")
    assert en[0].startswith("Verdict") and vi[0].startswith("Kết luận") and len(en) == len(vi)
    assert "%" in en[0] and "," in vi[0]  # Vietnamese decimals
    # the words and the range come first, then the central figure
    lik = sj["likelihood"]
    words = catalogue("en")[f"feasibility.{lik['term']}"]
    assert en[0].index(words) < en[0].index("central figure")
    if lik["upper_about"] is not None:
        assert f"under about {round(lik['upper_about'] * 100)} %" in en[0]
    assert any(p.startswith("Recalibration") for p in en) and any(p.startswith("Hiệu chỉnh") for p in vi)
    moves = [r for r in sj["history"] if r.get("why")]
    assert sum(p.startswith("As of ") for p in en) == len(moves)
    text = " ".join(vi)
    for wrong in ("khoảng tin cậy", "khoảng 80 %", " vs ", "Student", "headed", "trở lên %"):
        assert wrong not in text, wrong
    for c in sj["checks"]:
        assert check_finding(c, "vi", sj["params"]) and check_finding(c, "en", sj["params"]) != c["finding_key"]


def test_reader_tables_are_translated_and_formatted(study):
    vi = D.table(study.ensemble_backtest[study.ensemble_backtest["weights"] == "final"], "vi")
    assert "Độ bao 80 %, bình quân" in vi.columns and "chuỗi địa phương" in set(vi.iloc[:, 0])
    assert all("," in str(x) or "—" in str(x) for x in vi["CRPS, bình quân"])
    en = D.table(study.model_table().drop(columns=["label", "status"]), "en")
    assert "Weight" in en.columns and "random walk" in set(en["Model"])


# --------------------------------------------------------------------------- the audit
def audit(ctx, **kw):
    cat = ctx.catalog
    from cantho_analysis.feasibility.series import merged_growth_series

    hist = merged_growth_series(ctx.best).through(2025).frame
    a = dict(target_low=10.0, target_high=10.5, start=2025, end=2030)
    a.update(kw)
    inp = C.AuditInput(cat.targets, cat.actuals, cat.scenarios, ctx.best, ctx.card, hist, a["target_low"], a["target_high"],
                       a["start"], a["end"], [], P.load()["audit"])
    return {c.check: c for c in C.run_checks(inp)}


def test_audit_hand_numbers(ctx):
    c = audit(ctx)
    lp = c["labour_productivity"].numbers
    assert lp["implied_grdp_billion"] == 358 * 1_700_000 // 1000 == 608_600 and c["labour_productivity"].flag
    d = c["appendix8_deflator"].numbers
    assert d["scenario_deflators_pct"]["planning"] == pytest.approx(((593335 / 316932) ** 0.2 / 1.0942 - 1) * 100, abs=0.01)
    assert d["deflator_median_pct"] == pytest.approx(3.6, abs=0.05)
    row = next(r for r in d["by_base"] if r["base"] == 316932)
    assert row["real_growth_at_scenario_deflator_pct"] == pytest.approx(((717000 / 316932) ** 0.2 / (1 + d["deflator_median_pct"] / 100) - 1) * 100, abs=0.01)
    inv = c["investment"].numbers
    s0 = 40000 / 151516 * 100
    assert inv["share_base_pct"] == pytest.approx(s0, abs=0.05)
    assert inv["share_average_pct"] == pytest.approx(s0 + (40 - s0) * 3 / 5, abs=0.05)
    assert inv["growth_supported_by_average_pct"][0] == pytest.approx((s0 + (40 - s0) * 0.6) / 5, abs=0.01)
    eb = {(r["indicator"], r["base"]): r for r in c["exports_and_budget"].numbers["rows"]}
    assert eb[("exports_fx", 5508)]["implied_growth_pct"] == pytest.approx(((8200 / 5508) ** 0.2 - 1) * 100, abs=0.01)
    assert eb[("budget_revenue", 26685)]["base_kind"] == "lower_bound"
    st = c["structure_conditional"].numbers
    assert st["share_at_growth_pct"]["7"] == pytest.approx(20.97 * (1.0379 / 1.07) ** 5, abs=0.01)
    assert st["share_at_growth_pct"]["10"] == pytest.approx(20.97 * (1.0379 / 1.10) ** 5, abs=0.01)
    pop = c["population"].numbers
    assert pop["resolution_growth_pct"] == pytest.approx(((3335000 / 3222000) ** 0.2 - 1) * 100, abs=0.001)
    assert pop["appendix8_growth_pct"] == 0.93 and c["population"].flag
    sect = c["sector_arithmetic"].numbers
    assert set(sect["non_agriculture_growth_needed_pct"]) == {"10", "10.5"}
    nom = c["nominal_target_and_deflator"].numbers["by_base"]
    assert {r["base_kind"] for r in nom} == {"lower_bound", "exact"} and len(nom) == 3
    assert not c["per_capita_times_population"].flag  # "consistent" is not flagged


def test_plan_targets_as_forecasts_count_each_target_once(ctx):
    n = audit(ctx)["plan_targets_as_forecasts"].numbers
    ids = [t["target_id"] for t in n["targets"]]
    reasons = {x["target_id"]: x["reason"] for x in n["excluded"]}
    assert "merged_2025_press" in ids  # the merged city's "above 10 %" for 2025, against 7.23
    assert reasons.get("st_2025_update.-.grdp_growth") == "copied_text"
    restated = {"ctr17_2021_2025.01.grdp_growth", "dh_xiv_ct_2020_2025.1.grdp_growth"}
    assert len(restated & set(ids)) == 1 and len(restated & set(reasons)) == 1
    errs = [t["error_pp"] for t in n["targets"]]
    assert n["mean_error_pp"] == pytest.approx(sum(errs) / len(errs), abs=0.01)
    assert n["mae_pp"] == pytest.approx(sum(map(abs, errs)) / len(errs), abs=0.01)
    old = next(o for o in n["old_can_tho_average"] if o["average_pct"] == 6.92)
    assert old["implied_2025_growth_pct"] == pytest.approx(9.5, abs=0.05)


def test_the_extra_target_quote_is_on_its_source_line():
    from pathlib import Path

    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    for x in P.load()["audit"]["extra_targets"]:
        line = (raw / x["source_file"]).read_text(encoding="utf-8").splitlines()[x["source_line"] - 1]
        assert x["quote"] in line


def test_changing_target_low_and_start_year_changes_every_check(ctx):
    a = audit(ctx)
    b = audit(ctx, target_low=9.0, start=2024)
    for name in a:
        assert json.dumps(a[name].numbers, default=str) != json.dumps(b[name].numbers, default=str), name
    c = audit(ctx, target_low=9.0)
    uses_target = {"sector_arithmetic", "investment", "nominal_target_and_deflator", "appendix8_deflator",
                   "appendix8_scenarios", "labour_productivity", "exports_and_budget", "structure_conditional",
                   "population", "required_path"}
    for name in uses_target:
        assert json.dumps(a[name].numbers, default=str) != json.dumps(c[name].numbers, default=str), name
    # with --start 2026 the appendix-8 checks say why they do not apply, no broken sentence or moved base
    d = audit(ctx, start=2026, end=2031)
    assert d["appendix8_deflator"].finding == "not_applicable" and not d["appendix8_deflator"].flag
    sc = d["appendix8_scenarios"].numbers
    assert sc["consensus_constant_base"] == a["appendix8_scenarios"].numbers["consensus_constant_base"]
    assert sc["scenario_periods_match_study"] is False


# --------------------------------------------------------------------------- the command line
def test_feasibility_json_is_strict(monkeypatch, capsys, study):
    monkeypatch.setattr(D, "run_study", lambda p: study)
    assert main(["feasibility", "--format", "json"]) == 0
    j = json.loads(capsys.readouterr().out, parse_constant=_raise)
    assert j["likelihood"]["wording"]["en"] and j["checks"][0]["finding"]


@pytest.mark.parametrize("argv, option", [
    (["--data-through", "1990"], "--data-through"),
    (["--start", "1800"], "--start"),
    (["--end", "3000"], "--end"),
    (["--n-paths", "1000000000"], "--n-paths"),
    (["--target-low", "11", "--target-high", "10"], "--target-low"),
    (["--target-low", "nan"], "--target-low"),
    (["--seed", "-1"], "--seed"),
])
def test_parameters_are_range_checked_with_one_line(capsys, argv, option):
    assert main(["feasibility", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and option in err and "Traceback" not in err


def _ctx_with(ctx, rows):
    """A context whose best figures include extra merged-city growth rows."""
    extra = pd.DataFrame([dict(indicator_id="grdp_growth", locality="can_tho_merged", period_start=y, period_end=y,
                               value=v, status="estimate", published="2032", actual_id=f"test.{y}") for y, v in rows])
    best = pd.concat([ctx.best[~((ctx.best["indicator_id"] == "grdp_growth") & (ctx.best["locality"] == "can_tho_merged")
                                 & ctx.best["period_start"].isin([y for y, _ in rows]))], extra], ignore_index=True)
    return SimpleNamespace(best=best, catalog=ctx.catalog, card=ctx.card)


QUICK = dict(n_paths=500, run_backtests=False, sensitivity=False, history=False)


def test_growth_of_minus_100_does_not_crash(ctx):
    r = run_study(StudyParams(**QUICK), _ctx_with(ctx, [(2026, -100.0)]))
    j = D.report_json(r)
    json.dumps(j, allow_nan=False)
    assert r.observed_in_period == [-100.0]


def test_a_series_ending_in_2060_is_cut_at_the_end_year(ctx):
    r = run_study(StudyParams(**QUICK), _ctx_with(ctx, [(2026, 8.0), (2060, 5.0)]))
    assert [k for k, _ in r.notes][0] == "after_end_ignored"
    assert r.period.sim_years == [2027, 2028, 2029, 2030] and r.params["data_through"] == 2030


def test_a_2026_and_a_2031_figure_are_not_a_complete_period(ctx):
    r = run_study(StudyParams(**QUICK), _ctx_with(ctx, [(2026, 9.1), (2031, 9.1)]))
    assert r.period.sim_years == [2027, 2028, 2029, 2030]
    j = r.to_json()
    assert j["required_growth"]["remaining_years"] == 4
    pi = j["ensemble"]["pi80"]
    assert pi[1] - pi[0] > 0.5  # simulated, not "9.1 % (80 % interval 9.1-9.1)"
    assert any(n["key"] == "after_end_ignored" for n in j["notes"])


def test_the_national_outlook_is_vietnams_own_average_with_its_source(study, sj, ctx):
    import numpy as np

    sens = sj["sensitivity"]
    src = sens["consensus_vietnam_growth_source"]
    a, b = P.load()["sensitivity"]["consensus_vietnam_growth_years"]
    main = src["main"]
    assert main["years"] == [a, b] and main["missing_years"] == [] and src["value"] == main["value"]
    rows = main["rows"]
    assert [r["year"] for r in rows] == list(range(a, b + 1))
    # every value is the bundled row it names, with its source
    act = ctx.catalog.actuals.set_index("actual_id")
    for r in rows:
        assert float(act.loc[r["actual_id"], "value"]) == r["value"] and act.loc[r["actual_id"], "locality"] == "vietnam"
        assert r["source_url"] and r["status"]
    geo = (np.prod([1 + r["value"] / 100 for r in rows]) ** (1 / len(rows)) - 1) * 100
    assert main["value"] == pytest.approx(geo, abs=1e-4)
    assert sens["consensus_vietnam_growth"] == pytest.approx(round(geo, 2))
    alt = src["alternative"]
    assert alt["years"] == P.load()["sensitivity"]["consensus_vietnam_growth_alternative_years"] and alt["value"] is not None
    # the national anchor at that growth enters the verdict's range, for every gap
    row = sens["consensus_row"]
    assert row["vietnam_growth"] == sens["consensus_vietnam_growth"]
    ng = {v["name"]: v["p"] for v in sj["likelihood"]["variants"] if v["kind"] == "national_growth"}
    assert ng == {k: v for k, v in row.items() if k != "vietnam_growth" and v is not None}
    # with common random numbers it sits between the grid's rows around it
    grid = pd.DataFrame(sens["vietnam_x_gap"]).set_index("vietnam_growth")
    below, above = grid[grid.index <= row["vietnam_growth"]].iloc[-1], grid[grid.index >= row["vietnam_growth"]].iloc[0]
    for g in ("-1", "+0", "+1"):
        assert below[g] <= row[g] <= above[g]


def test_bias_correction_and_the_fair_comparator_in_the_backtest(study, sj):
    eb = study.ensemble_backtest_detail.set_index(["weights", "group"])
    assert set(eb.index.get_level_values(0)) == {"final", "known_at_origin", "known_at_origin_bias_corrected",
                                                 "known_at_origin_recalibrated"}
    # the page's table keeps its rows and columns; the detail holds the same numbers for them
    short = study.ensemble_backtest.set_index(["weights", "group"])
    assert set(short.index.get_level_values(0)) == {"final", "known_at_origin", "known_at_origin_recalibrated"}
    assert not any(c.startswith("best_single_known_at_origin") for c in short.columns)
    pd.testing.assert_frame_equal(short, eb.loc[short.index, short.columns])
    assert len(sj["ensemble_backtest_detail"]) == len(eb)
    rc = sj["recalibration"]
    bc = rc["bias_correction"]
    assert bc["n"] == rc["n"] and bc["as_of"] == sj["params"]["data_through"]
    assert bc["bias"] in (0.0, bc["estimate"]) and sj["ensemble"]["bias_correction"] == bc["bias"] == rc["bias"]
    by = rc["backtest"]["bias_by_origin"]
    first = min(by, key=int)
    assert by[first] == {"bias": 0.0, "estimate": 0.0, "n": 0}  # nothing known at the first origin
    assert all(v["bias"] in (0.0, v["estimate"]) for v in by.values())
    if all(v["bias"] == 0.0 for v in by.values()):  # the guard held everywhere: the correction changed nothing
        assert eb.loc[("known_at_origin_bias_corrected", "all"), "crps_avg"] == eb.loc[("known_at_origin", "all"), "crps_avg"]
    # the fair comparator: the best single model as known at each origin, scored on the same origins
    for w in ("final", "known_at_origin", "known_at_origin_recalibrated"):
        x = eb.loc[(w, "all")]
        assert x["best_single_known_at_origin_crps_avg"] >= x["best_single_crps_avg"] - 1e-12
        assert 0 <= x["best_single_known_at_origin_coverage80_avg"] <= 1
    assert sj["ensemble"]["weights_method"] == P.load()["ensemble"]["method"]


def test_copied_text_is_the_same_in_the_audit_and_the_data(ctx, catalog):
    """The audit's copied-text exclusions (found by quote) are exactly the growth targets the data
    mark as copied text (targets.csv copy_of, status copied_text on the scorecard)."""
    n = audit(ctx)["plan_targets_as_forecasts"].numbers
    audit_copies = {x["target_id"] for x in n["excluded"] if x["reason"] == "copied_text"}
    tg = catalog.targets
    data_copies = set(tg.loc[(tg["copy_of"].fillna("").astype(str) != "") & (tg["indicator_id"] == "grdp_growth"),
                             "target_id"])
    assert audit_copies == data_copies == {"st_2025_update.-.grdp_growth"}
