"""The batch runner end to end, state isolation between reports, and failure handling."""

import json
from pathlib import Path

import nbformat as nbf
import pytest

from cantho_analysis.batch import Job, Workers, plan_jobs, run_jobs
from cantho_analysis.cli import main


from conftest import make_notebook as _nb  # noqa: E402


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """Four tiny notebooks in one worker (one warm kernel): two that could leak state, one that fails."""
    d = tmp_path_factory.mktemp("small")
    a = _nb(d / "a.ipynb", "import os\nleaked = 42\nimport json as leaked_module\nprint(os.getpid())")
    b = _nb(d / "b.ipynb", "import os\nassert 'leaked' not in globals(), 'state leaked'\n"
                           "assert 'leaked_module' not in globals()\nprint(os.getpid())")
    bad = _nb(d / "bad.ipynb", "raise ValueError('boom')")
    good = _nb(d / "good.ipynb", "x = 1")
    shared = _nb(d / "shared.ipynb", "import os\nfrom cantho_analysis import report\n"
                                     "print(bool(os.environ.get(report.CONTEXT_ENV)), "
                                     "report._shared(report._stamp()) is not None)")
    # published="": the pages' data vintage is given (as run_batch does), so the worker does not load the data
    jobs = [Job("test", nb, {}, stem, "en", published="")
            for nb, stem in ((a, "a"), (b, "b"), (bad, "bad"), (good, "good"), (shared, "shared"))]
    # tiny notebooks: no kernel warm-up, but the parent's data is shared, as for reports
    return d / "out", run_jobs(jobs, d / "out", n_workers=1, progress=False, workers=Workers(1, warm=False, share=True))


def test_reports_do_not_leak_state(small_run):
    """Two notebooks in the same warm kernel: the second sees nothing the first defined."""
    out, results = small_run
    assert [r.ok for r in results[:2]] == [True, True], [r.error for r in results]
    pids = []
    for stem in ("a", "b"):
        nb = nbf.read(out / "notebooks" / f"{stem}.ipynb", as_version=4)
        pids.append(nb.cells[-1].outputs[0]["text"].strip())
    assert pids[0] == pids[1], "both notebooks must have run in the same (warm) kernel"


def test_kernels_use_the_parents_data(small_run):
    """The parent loads the data once; the kernel finds it saved for the very files it sees."""
    out, results = small_run
    assert results[4].ok, results[4].error
    nb = nbf.read(out / "notebooks" / "shared.ipynb", as_version=4)
    assert nb.cells[-1].outputs[0]["text"].strip() == "True True"


def test_cheap_reset_clears_like_reset(tmp_path):
    """kernel_reset.reset() leaves the namespace as %reset -f does (in-process shell)."""
    import sys

    from IPython.core.interactiveshell import InteractiveShell

    from cantho_analysis.kernel_reset import reset

    main = sys.modules["__main__"]  # the shell replaces it; multiprocessing's spawn needs it back
    try:
        sh = InteractiveShell.instance()
        sh.run_cell("import json as leaked_module\nleaked = 42\n7")
        assert sh.user_ns["_"] == 7 and 7 in sh.user_ns["Out"].values()
        reset()
        assert "leaked" not in sh.user_ns and "leaked_module" not in sh.user_ns
        assert sh.user_ns.get("_") != 7 and not sh.user_ns["Out"]
        assert "get_ipython" in sh.user_ns
        sh.run_cell("y = 1")
        assert sh.user_ns["y"] == 1
    finally:
        InteractiveShell.clear_instance()
        sys.modules["__main__"] = main


def test_one_failure_does_not_stop_the_others(small_run):
    out, results = small_run
    assert [r.ok for r in results[2:4]] == [False, True]
    assert "boom" in results[2].error
    assert (out / "good.html").exists()


def test_plan_jobs():
    jobs = plan_jobs(["vi", "en"], only=["grdp_growth"], include_feasibility=False)
    kinds = [j.kind for j in jobs]
    assert kinds.count("overview") == 2
    ind = [j for j in jobs if j.kind == "indicator"]
    assert {j.locality for j in ind} == {"can_tho_old", "soc_trang", "hau_giang", "can_tho_merged"}
    assert len(ind) == 8 and {j.lang for j in ind} == {"vi", "en"}
    with pytest.raises(ValueError):
        plan_jobs(["en"], only=["no_such_indicator"])


def test_built_set_pages_and_charts(built_reports):
    """The run's built set end to end: summary, pages, charts, index, publishing."""
    out = built_reports
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ok"] == summary["total"] and summary["failed"] == []
    html = (out / "indicators" / "can_tho_old" / "grdp_growth.vi.html").read_text()
    assert "Tốc độ tăng trưởng GRDP" in html and "display_indicator_report" not in html  # no code cells
    for stem in ("indicators/can_tho_old/grdp_growth.vi", "overview/overview.en"):
        nb = nbf.read(out / "notebooks" / f"{stem}.ipynb", as_version=4)
        images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert images, f"{stem}: the chart is missing"
    assert html.count("data:image/png;base64") == 1  # the chart, embedded
    en = (out / "indicators" / "can_tho_old" / "grdp_growth.en.html").read_text()
    assert "not achieved" in en and "Programme implementing Conclusion 42-KL/TW, line 53" in en
    assert "97179f6eee211bbe" not in en  # documents by title, never by file name
    index = (out / "index.html").read_text()
    for loc in ("can_tho_old", "can_tho_merged"):
        assert f"indicators/{loc}/grdp_growth.en.html" in index
    assert out.is_symlink() and (out / "README.md").exists()
    assert not list((out.parent / ".reports.builds").glob("partial-*"))
    assert {p.name for p in (out / "tasks").glob("*.html")} == {"ctr17_2021_2025.vi.html", "ctr17_2021_2025.en.html"}


def test_reports_command_passes_its_options_and_reports_failures(tmp_path, capsys, monkeypatch):
    """The command around run_batch (which the built set tests end to end): options in, summary and
    failures out, exit status 1 when a report failed."""
    from cantho_analysis import batch

    seen = {}

    def fake(out, langs, jobs_n, only, progress, rebuild_all):
        seen.update(out=out, langs=langs, jobs_n=jobs_n, only=only, progress=progress, rebuild_all=rebuild_all)
        job = Job("indicator", "indicator_report.ipynb", {}, "indicators/x/y.en", "en")
        bad = batch.Result(job, False, 1.0, 0.5, "ValueError: row 3", stale=True, built="2026-11-01T00:00:00Z")
        return batch.BatchSummary(5, 4, [job.stem], 12.0, 1.2, 0.8, 1, [job.stem], 2, str(out)), [bad]

    monkeypatch.setattr(batch, "run_batch", fake)
    rc = main(["reports", "--out", str(tmp_path / "r"), "--only", "grdp_growth", "--jobs", "1", "--lang", "vi,en",
               "--quiet", "--rebuild-all"])
    said = capsys.readouterr().out
    assert rc == 1
    assert seen == {"out": tmp_path / "r", "langs": ["vi", "en"], "jobs_n": 1, "only": ["grdp_growth"],
                    "progress": False, "rebuild_all": True}
    assert "4/5 reports" in said and "3 kept from the previous set" in said
    assert "indicators/x/y.en: ValueError: row 3 (previous version of 2026-11-01T00:00:00Z kept, marked stale)" in said

def test_plan_jobs_has_a_task_register_per_plan_and_language():
    jobs = plan_jobs(["vi", "en"], include_feasibility=False)
    reg = [j for j in jobs if j.kind == "tasks"]
    assert {(j.plan, j.lang) for j in reg} == {(p, l) for p in ("dh_i_2025_2030", "ctr17_2021_2025") for l in ("vi", "en")}
    assert all(j.stem == f"tasks/{j.plan}.{j.lang}" and j.notebook == "task_register.ipynb" for j in reg)
    assert not [j for j in plan_jobs(["en"], only=["grdp_growth"]) if j.kind == "tasks"]  # --only: indicators only


def _page_problems(root: Path) -> list[str]:
    """External resources and dead internal links in every page below ``root`` (the package's reader checks)."""
    from cantho_analysis.pagecheck import check_report_set

    return [f"{f.page}: {f.kind} {f.detail}" for f in check_report_set(root) if f.kind in ("external_resource", "dead_link")]


def test_pages_are_self_contained_with_working_links(built_reports):
    out = built_reports
    assert _page_problems(out) == []
    vi = (out / "indicators" / "can_tho_merged" / "grdp_growth.vi.html").read_text()
    assert "<html lang=\"vi\">" in vi and "grdp_growth.en.html" in vi and "../../index.vi.html" in vi
    assert "<title>Tốc độ tăng trưởng GRDP" in vi and "require.js" not in vi and "MathJax" not in vi
    assert "@media print" in vi and "size: A4" in vi
    assert 'addEventListener("beforeprint"' in vi and "details::details-content" in vi  # folds print unfolded
    assert vi.count("<h1>") == 1
    # printed tables break between words, never inside "2025–2030" or "717.000"
    assert "word-break: break-word" not in vi and "overflow-wrap: break-word" in vi
    index = (out / "index.vi.html").read_text()
    # the index's target and figure cells wrap, the other-language column is left out of print
    assert index.count('class="num wrap"') >= 2 * index.count("<tr data-loc=") > 0
    assert ".other-lang { display: none; }" in index and '<td class="other-lang">' in index
    for part in ('id="f-loc"', 'id="f-plan"', 'id="f-status"', 'id="f-q"', "Số chỉ tiêu theo tình trạng",
                 "Thành phố Cần Thơ (sau hợp nhất", 'href="index.en.html"'):
        assert part in index, part
    assert "Indicators and their targets" in (out / "index.en.html").read_text()


def test_notebooks_that_are_not_reports_read_no_data(monkeypatch, tmp_path):
    """A batch of other notebooks (kind "test") is fingerprinted by code, notebook and parameters
    only: nothing loads the data for it."""
    from cantho_analysis import fingerprint, report

    def refuse():
        raise AssertionError("the data was loaded")

    monkeypatch.setattr(report, "get_catalog", refuse)
    a = _nb(tmp_path / "a.ipynb", "x = 1")
    p1 = fingerprint.job_fingerprints([Job("test", a, {"k": 1}, "a", "en")])
    p2 = fingerprint.job_fingerprints([Job("test", a, {"k": 2}, "a", "en")])
    assert p1["a"] != p2["a"]  # the parameters count
    _nb(tmp_path / "a.ipynb", "x = 2")
    assert fingerprint.job_fingerprints([Job("test", a, {"k": 1}, "a", "en")])["a"] != p1["a"]  # so does the notebook


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", ""])
    p.wait()
    return p.pid


def test_sweep_removes_the_folders_of_dead_owners_only(tmp_path):
    import os

    from cantho_analysis.batch import pid_alive, sweep_stale_dirs

    dead = _dead_pid()
    assert pid_alive(os.getpid()) and not pid_alive(dead)
    gone = [tmp_path / f"cantho-kernel-{dead}-a1b2", tmp_path / f"cantho-batch-{dead}-x_y9"]
    kept = [tmp_path / f"cantho-kernel-{os.getpid()}-live1",  # a live owner (this process)
            tmp_path / "cantho-batch-1q6f93tu",  # a name without an owner (as before this change)
            tmp_path / f"cantho-kernelx-{dead}-zz", tmp_path / f"other-{dead}-zz", tmp_path / f"cantho-batch-{dead}"]
    for d in gone + kept:
        d.mkdir()
        (d / "kernel.json").write_text("{}")
    a_file = tmp_path / f"cantho-batch-{dead}-file"
    a_file.write_text("not a folder")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    link = tmp_path / f"cantho-batch-{dead}-link"
    link.symlink_to(elsewhere, target_is_directory=True)
    assert sweep_stale_dirs(tmp_path) == sorted(gone)
    assert not any(d.exists() for d in gone)
    assert all((d / "kernel.json").exists() for d in kept) and a_file.read_text() == "not a folder"
    assert link.is_symlink() and (elsewhere / "keep.txt").read_text() == "mine"
    assert sweep_stale_dirs(tmp_path) == []  # nothing left to do


def test_batch_folders_name_their_owner_and_a_batch_sweeps_before_any_work(tmp_path, monkeypatch):
    import os
    import re
    import tempfile

    from cantho_analysis import batch
    from cantho_analysis.publish import OutputError

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = Path(batch._temp_dir("cantho-kernel"))
    assert made.parent == tmp_path and re.fullmatch(rf"cantho-kernel-{os.getpid()}-\w+", made.name)
    stale = tmp_path / f"cantho-batch-{_dead_pid()}-left"
    stale.mkdir()
    mine = tmp_path / "my-folder"
    mine.mkdir()
    (mine / "notes.txt").write_text("x")
    with pytest.raises(OutputError):  # refused before any work, but after the sweep
        batch.run_batch(mine, ["en"], 1, progress=False, jobs=[])
    assert not stale.exists() and made.exists()


def test_only_takes_the_names_of_the_overview_feasibility_and_task_registers():
    from cantho_analysis.batch import report_name

    def names(only, **kw):
        return sorted(report_name(j) + "." + j.lang for j in plan_jobs(["vi", "en"], only=only, **kw))

    assert names(["overview"]) == ["overview/overview.en", "overview/overview.vi"]
    assert names(["feasibility"]) == names(["feasibility/growth_feasibility"]) == [
        "feasibility/growth_feasibility.en", "feasibility/growth_feasibility.vi"]
    assert names(["tasks"]) == sorted(f"tasks/{p}.{l}" for p in ("dh_i_2025_2030", "ctr17_2021_2025") for l in ("vi", "en"))
    assert names(["tasks/ctr17_2021_2025"]) == ["tasks/ctr17_2021_2025.en", "tasks/ctr17_2021_2025.vi"]
    # one indicator page; the overview and feasibility pages, which read every indicator, come with it
    assert names(["indicators/can_tho_old/grdp_growth"]) == sorted(
        f"{s}.{l}" for s in ("indicators/can_tho_old/grdp_growth", "overview/overview", "feasibility/growth_feasibility")
        for l in ("vi", "en"))
    assert names(["overview", "tasks/dh_i_2025_2030"], include_overview=False) == [
        "tasks/dh_i_2025_2030.en", "tasks/dh_i_2025_2030.vi"]


def test_an_unknown_only_name_is_refused_with_the_valid_names():
    with pytest.raises(ValueError) as e:
        plan_jobs(["en"], only=["grdp_growth", "overveiw", "tasks/nope"])
    said = str(e.value)
    assert said.startswith("--only: unknown report name(s) overveiw, tasks/nope. Valid names: overview, feasibility, tasks,")
    for name in ("overview/overview", "feasibility/growth_feasibility", "tasks/dh_i_2025_2030", "tasks/ctr17_2021_2025",
                 "catalog --indicators", "indicators/<locality>/<indicator id>", "Did you mean: overview"):
        assert name in said, name


def test_reports_command_only_a_task_register_and_an_unknown_name(tmp_path, capsys, in_process_batch):
    out = tmp_path / "r"
    rc = main(["reports", "--out", str(out), "--only", "tasks/ctr17_2021_2025", "--lang", "en", "--jobs", "1", "--quiet"])
    said = capsys.readouterr()
    assert rc == 0, said.err
    summary = json.loads((out / "summary.json").read_text())
    assert [r["stem"] for r in summary["reports"]] == ["tasks/ctr17_2021_2025.en"] and summary["reports"][0]["ok"]
    assert (out / "tasks" / "ctr17_2021_2025.en.html").exists()
    before = sorted(p.name for p in tmp_path.iterdir())
    rc = main(["reports", "--out", str(tmp_path / "r2"), "--only", "overveiw", "--lang", "en", "--jobs", "1", "--quiet"])
    said = capsys.readouterr()
    assert rc == 2 and "unknown report name(s) overveiw" in said.err and "Did you mean: overview" in said.err
    assert "Traceback" not in said.err and sorted(p.name for p in tmp_path.iterdir()) == before  # nothing made


def test_the_warm_engine_gives_papermill_the_workers_one_kernel_client(monkeypatch):
    """nbclient's NotebookClient sets its client to None whatever it is given and would start a new
    one (a handshake, about 0.2 s) for every report; the warm engine hands it the worker's client."""
    from types import SimpleNamespace

    from jupyter_client import KernelManager
    from papermill.clientwrap import PapermillNotebookClient

    from cantho_analysis import batch

    km, kc = KernelManager(), object()
    monkeypatch.setitem(batch._KERNEL, "python3", km)
    monkeypatch.setattr(batch, "_kernel_client", lambda name: kc)
    seen = []
    monkeypatch.setattr(PapermillNotebookClient, "execute",
                        lambda self, **kw: seen.append((self.km, self.kc, self.downloads_to)))
    batch._make_engine().execute_managed_notebook(SimpleNamespace(nb=nbf.v4.new_notebook()), "python3")
    batch._make_engine().execute_managed_notebook(SimpleNamespace(nb=nbf.v4.new_notebook()), "python3",
                                                  downloads_to="/where/the/page/is")
    # ... and tells the kernel where an indicator page's downloads go (report.DOWNLOADS_TO)
    assert seen == [(km, kc, None), (km, kc, "/where/the/page/is")]
