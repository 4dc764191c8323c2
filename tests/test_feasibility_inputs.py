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


def test_study_and_page_same_on_the_cut_catalogue(study_result, feasibility_pages):
    full, cut = _cut_context()
    assert len(cut.catalog.actuals) < len(full.catalog.actuals)  # something was cut
    assert set(cut.catalog.targets["indicator_id"]) <= set(INDICATORS)
    again = run_study(StudyParams(**{k: v for k, v in study_result.params.items()
                                     if k in StudyParams.__dataclass_fields__ and k != "data_through"}), cut)
    assert again.to_json() == study_result.to_json()
    # one language: the two read the same data through the same code (the texts differ, not the lookups)
    assert feasibility_html(again, "en", cut) == feasibility_pages["en"]


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
