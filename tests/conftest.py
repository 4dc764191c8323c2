"""Shared fixtures: the bundled catalogue (loaded once) and helpers for tiny CSV files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cantho_analysis.batch import skip_slow_iri_checker
from cantho_analysis.catalog import load_catalog

skip_slow_iri_checker()  # before any test module imports nbformat (see the function)

ROOT = Path(__file__).resolve().parents[1]

ACTUAL_HEADER = "indicator_id,locality,period_start,period_end,value,status,published,source_url,quote\n"
GOOD_ACTUAL = "grdp_growth,can_tho_merged,2026,2026,9.1,estimate,2027-01,https://example.org/a,\"tăng 9,1%\"\n"


@pytest.fixture(scope="session")
def catalog():
    return load_catalog(include_user_dir=False)


def _once_per_run(tmp_path_factory, name: str):
    """A folder shared by every xdist worker of this run, and a lock on it: what is built inside
    while the lock is held is built once per run (the recipe of the xdist documentation)."""
    import contextlib
    import fcntl
    import os

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    where = (tmp_path_factory.getbasetemp().parent / f"{name}-{run}") if run else tmp_path_factory.mktemp(name)
    where.mkdir(exist_ok=True)

    @contextlib.contextmanager
    def held():
        with open(where / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield where
    return held()


BUILT_LOCALITIES = ("can_tho_merged", "can_tho_old")


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """One real report set, built once per test run by the batch runner (real kernels).

    GRDP growth for the merged and the old city, the overview and one task register (the list
    with abolished bodies), in both languages. The
    feasibility page is checked from its display function (tests/test_feasibility_page.py), and its
    notebook by nbval: running the study twice more here would cost a third of the suite's time.
    Every test that reads built pages uses this set instead of building its own; under xdist the
    first worker that needs it builds it and the others wait for it.
    """
    from cantho_analysis.batch import plan_jobs, run_batch

    with _once_per_run(tmp_path_factory, "built") as where:
        out, done = where / "reports", where / "built.ok"
        if not done.exists():
            if (where / "built.failed").exists():
                pytest.fail("the run's report set could not be built (see the first test that built it)")
            jobs = [j for j in plan_jobs(["vi", "en"], only=["grdp_growth"], include_feasibility=False,
                                         include_tasks=True)
                    if j.locality in ("", *BUILT_LOCALITIES) and j.plan in ("", "ctr17_2021_2025")]
            summary, results = run_batch(out, ["vi", "en"], 2, progress=False, jobs=jobs)
            ok = summary.ok == summary.total == len(jobs)
            (where / ("built.ok" if ok else "built.failed")).write_text(str(summary.failed))
            assert ok, [(r.job.stem, r.error) for r in results if not r.ok]
    return out


@pytest.fixture(scope="session")
def study_result(tmp_path_factory):
    """The whole feasibility study on the bundled data, once per test run (fewer paths than the
    default; same code), shared by the study's and the page's tests (pickled between workers)."""
    import pickle

    from cantho_analysis.feasibility.study import StudyParams, run_study
    from cantho_analysis.report import get_context

    with _once_per_run(tmp_path_factory, "study") as where:
        f = where / "study.pickle"
        if f.exists():
            return pickle.loads(f.read_bytes())
        result = run_study(StudyParams(n_paths=3000, backtest_paths=400), get_context())
        f.write_bytes(pickle.dumps(result))
        return result


@pytest.fixture(scope="session")
def bundled_card(catalog):
    """The scorecard of the bundled data (computed once; tests must not change it)."""
    from cantho_analysis.progress import scorecard

    return scorecard(catalog.targets, catalog.indicators, catalog.best())


@pytest.fixture
def write_csv(tmp_path):
    def _write(name: str, text: str | bytes) -> Path:
        p = tmp_path / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
        return p
    return _write


def make_notebook(path: Path, *sources: str) -> str:
    """A tiny notebook of code cells (python3 kernel), for the batch and publishing tests."""
    import nbformat as nbf

    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbf.v4.new_code_cell(s) for s in sources]
    nbf.write(nb, path)
    return str(path)
