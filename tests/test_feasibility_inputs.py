"""The feasibility study and page read only the indicators named in ``feasibility/inputs.py``,
so the incremental build may key the feasibility pages on those rows alone."""

from dataclasses import replace

import pandas as pd

from cantho_analysis import fingerprint
from cantho_analysis.batch import Job
from cantho_analysis.feasibility.display import feasibility_html
from cantho_analysis.feasibility.inputs import INDICATORS, restrict
from cantho_analysis.feasibility.study import StudyParams, run_study
from cantho_analysis.progress import scorecard
from cantho_analysis.report import Context, get_context


def _cut_context():
    full = get_context()
    cat = restrict(full.catalog)
    best = cat.best()
    return full, Context(cat, best, scorecard(cat.targets, cat.indicators, best))


# Everything the study computes from the catalogue, with few paths and without the backtests: the
# backtests read nothing but the growth series (``_backtests(series, ...)``), compared whole below.
LIGHT = StudyParams(n_paths=100, backtest_paths=100, run_backtests=False)


def test_study_and_page_same_on_the_cut_catalogue(monkeypatch):
    from cantho_analysis.feasibility import charts
    from cantho_analysis.feasibility.study import all_series

    full, cut = _cut_context()
    assert len(cut.catalog.actuals) < len(full.catalog.actuals)  # something was cut
    assert set(cut.catalog.targets["indicator_id"]) <= set(INDICATORS)
    a, b = all_series(full.best), all_series(cut.best)
    assert list(a) == list(b)
    for name in a:  # the backtests' only input
        pd.testing.assert_frame_equal(a[name].frame, b[name].frame)
    on_full, on_cut = run_study(LIGHT, full), run_study(LIGHT, cut)
    assert on_cut.to_json() == on_full.to_json()
    # the page: its charts are drawn from the study alone (charts.*(result, lang)), so they are
    # left out here; every text and table that reads the catalogue is compared
    for name in ("average_fan_chart", "sensitivity_chart", "history_chart", "fan_chart", "distribution_chart",
                 "coverage_chart"):
        monkeypatch.setattr(charts, name, lambda r, lang="en", _n=name: _n)
    monkeypatch.setattr("cantho_analysis.report.figure_png", lambda fig, dpi=96: f"chart:{fig}")
    page_full, page_cut = feasibility_html(on_full, "en", full), feasibility_html(on_cut, "en", cut)
    assert "chart:history_chart" in page_full
    assert page_cut == page_full


def test_feasibility_fingerprint_follows_its_inputs_only():
    cat = get_context().catalog
    jobs = [Job("feasibility", "growth_feasibility.ipynb", {"lang": "en"}, "feasibility/f.en", "en", langs=("en",)),
            Job("overview", "overview.ipynb", {"lang": "en"}, "overview/o.en", "en", langs=("en",))]
    base = fingerprint.job_fingerprints(jobs, cat)

    def with_row(indicator_id):
        a = cat.actuals
        row = a[a["indicator_id"] == indicator_id].iloc[[0]].copy()
        row["actual_id"] = row["actual_id"] + ".test"
        return fingerprint.job_fingerprints(jobs, replace(cat, actuals=pd.concat([a, row], ignore_index=True)))

    other = next(i for i in cat.actuals["indicator_id"] if i not in INDICATORS)
    assert with_row(other)["feasibility/f.en"] == base["feasibility/f.en"]  # not an input: kept
    assert with_row(other)["overview/o.en"] != base["overview/o.en"]  # the overview reads everything
    assert with_row("grdp_growth")["feasibility/f.en"] != base["feasibility/f.en"]
    assert with_row("population")["feasibility/f.en"] != base["feasibility/f.en"]
