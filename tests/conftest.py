"""Shared fixtures: the bundled catalogue (loaded once) and helpers for tiny CSV files."""

from __future__ import annotations

import contextlib
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


def _once_per_run(tmp_path_factory, name: str, blocking: bool = True):
    """A folder shared by every xdist worker of this run, and a lock on it: what is built inside
    while the lock is held is built once per run (the recipe of the xdist documentation). With
    ``blocking=False`` the block gets None instead of waiting when another worker holds the lock."""
    import fcntl
    import os

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    where = (tmp_path_factory.getbasetemp().parent / f"{name}-{run}") if run else tmp_path_factory.mktemp(name)
    where.mkdir(exist_ok=True)

    @contextlib.contextmanager
    def held():
        with open(where / "lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield None
                return
            yield where
    return held()


@pytest.fixture(scope="session", autouse=True)
def _share_the_data(tmp_path_factory):
    """The bundled data, validated and scored once per run and shared by the xdist workers (and the
    processes tests start) as the batch shares it with its workers (``report.save_context``): a
    process uses the file only when it was made from the very data files it sees, so a test on a
    copy of the data loads that copy itself."""
    import os

    from cantho_analysis import report

    with _once_per_run(tmp_path_factory, "context") as where:
        path = where / "context.pickle"
        if not path.exists():
            report.save_context(str(path))
    before = os.environ.get(report.CONTEXT_ENV)
    os.environ[report.CONTEXT_ENV] = str(path)
    yield
    if before is None:
        os.environ.pop(report.CONTEXT_ENV, None)
    else:
        os.environ[report.CONTEXT_ENV] = before


BUILT_LOCALITIES = ("can_tho_merged", "can_tho_old")


def _build_reports(where: Path) -> None:
    """The run's report set in ``where/reports`` (called with the lock held; see built_reports)."""
    from cantho_analysis.batch import plan_jobs, run_batch

    out, done, failed = where / "reports", where / "built.ok", where / "built.failed"
    if done.exists():
        return
    if failed.exists():
        pytest.fail(f"the run's report set could not be built: {failed.read_text()}")
    try:
        jobs = [j for j in plan_jobs(["vi", "en"], only=["grdp_growth"], include_feasibility=False,
                                     include_tasks=True)
                if j.locality in ("", *BUILT_LOCALITIES) and j.plan in ("", "ctr17_2021_2025")]
        summary, results = run_batch(out, ["vi", "en"], 1, progress=False, jobs=jobs)
    except Exception as e:
        failed.write_text(f"{type(e).__name__}: {e}")
        raise
    ok = summary.ok == summary.total == len(jobs)
    if not ok:
        failed.write_text(str([(r.job.stem, r.error) for r in results if not r.ok]))
    else:
        done.write_text("")
    assert ok, [(r.job.stem, r.error) for r in results if not r.ok]


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """One real report set, built once per test run by the batch runner (real kernels).

    GRDP growth for the merged and the old city, the overview and one task register (the list
    with abolished bodies), in both languages. The
    feasibility page is checked from its display function (tests/test_feasibility_page.py), and its
    notebook by nbval: running the study twice more here would cost a third of the suite's time.
    Every test that reads built pages uses this set instead of building its own; under xdist the
    first worker to start builds it (_start_shared_builds) and the others wait for it. One batch
    worker (one warm kernel): each further worker loads the package, the data and the scorecard
    again (about 15 CPU-seconds), and the suite already keeps both cores busy. A pool of two
    workers is exercised by tests/test_publish.py (a worker killed while the other is working).
    """
    with _once_per_run(tmp_path_factory, "built") as where:
        _build_reports(where)
    return where / "reports"


STUDY_PARAMS = dict(n_paths=3000, backtest_paths=400)  # fewer paths than the default; same code


def _build_study(where: Path):
    """The study, from ``where/study.pickle`` or run and stored there (called with the lock held)."""
    import pickle

    from cantho_analysis.feasibility.study import StudyParams, run_study
    from cantho_analysis.report import get_context

    f = where / "study.pickle"
    if f.exists():
        return pickle.loads(f.read_bytes())
    result = run_study(StudyParams(**STUDY_PARAMS), get_context())
    f.write_bytes(pickle.dumps(result))
    return result


@pytest.fixture(scope="session")
def study_result(tmp_path_factory):
    """The whole feasibility study on the bundled data, once per test run, shared by the study's
    and the page's tests (pickled between workers)."""
    with _once_per_run(tmp_path_factory, "study") as where:
        return _build_study(where)


@pytest.fixture(scope="session")
def feasibility_pages(study_result, tmp_path_factory) -> dict:
    """The feasibility page's body for the run's study, both languages, rendered once per run
    (about 2.5 CPU-seconds each) for the page's tests and the inputs test."""
    import pickle

    from cantho_analysis.feasibility.display import feasibility_html

    with _once_per_run(tmp_path_factory, "pages") as where:
        f = where / "pages.pickle"
        if f.exists():
            return pickle.loads(f.read_bytes())
        pages = {lang: feasibility_html(study_result, lang) for lang in ("vi", "en")}
        f.write_bytes(pickle.dumps(pages))
        return pages


@pytest.fixture(scope="session", autouse=True)
def _start_shared_builds(request, tmp_path_factory):
    """Under xdist, the shared builds start with the run instead of when their first test comes
    (xdist hands out the largest test files first, so that can be late, with the other worker
    idle, waiting for it): at its first test, a worker takes the first build that no other worker
    holds and that its tests need, and builds it; the other worker goes on with its tests. A
    failure here is left to the tests that use the build to report."""
    import os

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    needed = {f for item in request.session.items for f in getattr(item, "fixturenames", ())}
    for name, fixture, build in (("built", "built_reports", _build_reports), ("study", "study_result", _build_study)):
        if fixture not in needed:
            continue
        with _once_per_run(tmp_path_factory, name, blocking=False) as where:
            if where is None:
                continue  # another worker is building it
            try:
                build(where)
            except (Exception, pytest.fail.Exception):  # reported by the tests that need it
                pass
            return


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


# ------------------------------------------------------------------ batches without kernels
INPROCESS_ENGINE = "test-inprocess"


def _register_inprocess_engine() -> None:
    """A papermill engine that runs a notebook's code cells in this process (``exec``, stdout
    captured, the first exception recorded as papermill records a kernel's), for the tests of
    the batch's bookkeeping: which reports are run, carried, kept stale and published. Everything
    around the engine is the batch's own code (``batch.execute_job``: output notebook, page,
    errors). What only a real kernel shows (warm kernels, state between reports, a dying
    worker, Ctrl-C) is tested with real ones: tests/test_batch.py, test_publish.py, test_signals.py."""
    import contextlib
    import io
    import traceback

    import nbformat
    from papermill.engines import Engine, papermill_engines

    if INPROCESS_ENGINE in papermill_engines._engines:
        return

    class InProcessEngine(Engine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            namespace = {"__name__": "__main__"}
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type != "code":
                    continue
                if "os.kill" in cell.source:  # it would signal the test process
                    raise RuntimeError("this notebook needs a real kernel")
                nb_man.cell_start(cell, index)
                out = io.StringIO()
                try:
                    with contextlib.redirect_stdout(out):
                        exec(compile(cell.source, f"<cell {index}>", "exec"), namespace)
                except Exception as e:
                    cell.outputs = [nbformat.v4.new_output(
                        "error", ename=type(e).__name__, evalue=str(e),
                        traceback=[line.rstrip("\n") for line in traceback.format_exception_only(e)])]
                    nb_man.cell_exception(cell, index, exception=e)
                    nb_man.cell_complete(cell, index)
                    return  # papermill stops at the first failing cell
                if out.getvalue():
                    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=out.getvalue())]
                nb_man.cell_complete(cell, index)

    papermill_engines.register(INPROCESS_ENGINE, InProcessEngine)


@contextlib.contextmanager
def batches_in_process():
    """``batch.run_jobs`` replaced by one that runs each job here with the in-process engine
    (no worker process, no kernel) while the block runs."""
    from cantho_analysis import batch

    _register_inprocess_engine()

    def run_jobs(jobs, out_dir, n_workers=2, progress=True, engine=batch.WARM_ENGINE, workers=None):
        return [batch.execute_job(j, str(out_dir), INPROCESS_ENGINE) for j in jobs]

    class NoWorkers:  # run_batch starts its workers first; here there are none to start
        def __init__(self, *args, **kwargs):
            pass

        def data_ready(self):
            pass

        stop = close = data_ready

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batch, "run_jobs", run_jobs)
        mp.setattr(batch, "Workers", NoWorkers)
        yield


@pytest.fixture
def in_process_batch():
    """The test's batches run in this process (``batches_in_process``)."""
    with batches_in_process():
        yield
