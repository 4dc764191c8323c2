"""Output folders and publishing: a user's files are never lost, a broken set never replaces a good one."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from cantho_analysis import config, publish
from cantho_analysis.batch import BatchAborted, Job, run_batch
from cantho_analysis.cli import main
from cantho_analysis.publish import MANIFEST, OutputError, open_output


from conftest import batches_in_process, make_notebook as _nb  # noqa: E402


def _tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (links followed at the top) with a hash of its bytes."""
    root = Path(os.path.realpath(folder))
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _user_folder(tmp_path: Path) -> Path:
    mine = tmp_path / "mine"
    (mine / "notebooks").mkdir(parents=True)
    (mine / "index.html").write_text("my own index")
    (mine / "notebooks" / "analysis.ipynb").write_text("{}")
    (mine / "summary.json").write_text("{}")
    return mine


# ------------------------------------------------------------------ which folders are accepted
class TestOpenOutput:
    def test_new_and_empty_folders_are_accepted(self, tmp_path):
        with open_output(tmp_path / "new" / "reports") as out:
            assert out.previous is None and out.builds.name == ".reports.builds"
        (tmp_path / "empty").mkdir()
        with open_output(tmp_path / "empty") as out:
            assert out.previous is None

    def test_a_folder_with_user_files_is_refused_and_kept(self, tmp_path):
        mine = _user_folder(tmp_path)
        before = _tree(mine)
        with pytest.raises(OutputError, match="not empty and was not made by cantho-analysis"):
            open_output(mine)
        assert _tree(mine) == before
        assert not (tmp_path / ".mine.builds").exists()

    @pytest.mark.parametrize("where", ["repo", "data", "notebooks", "data/user", "src", "root"])
    def test_project_folders_are_refused(self, where):
        path = {"repo": config.REPO_ROOT, "data": config.data_dir(), "notebooks": config.notebooks_dir(),
                "data/user": config.user_dir(), "src": config.REPO_ROOT / "src", "root": Path("/")}[where]
        with pytest.raises(OutputError, match="refused"):
            open_output(path)

    def test_a_file_is_refused(self, tmp_path):
        f = tmp_path / "report.html"
        f.write_text("x")
        with pytest.raises(OutputError, match="is a file"):
            open_output(f)
        assert f.read_text() == "x"

    def test_somebody_elses_link_is_refused(self, tmp_path):
        (tmp_path / "target").mkdir()
        (tmp_path / "link").symlink_to(tmp_path / "target")
        with pytest.raises(OutputError, match="link"):
            open_output(tmp_path / "link")
        assert (tmp_path / "link").is_symlink()

    def test_unwritable_place_is_one_line(self):
        with pytest.raises(OutputError, match="cannot") as e:
            open_output("/proc/cantho-reports")
        assert "\n" not in str(e.value)

    def test_a_second_writer_is_refused(self, tmp_path):
        with open_output(tmp_path / "out"):
            with pytest.raises(OutputError, match="another cantho-analysis run"):
                open_output(tmp_path / "out")
        with open_output(tmp_path / "out"):  # released with the first
            pass


# ------------------------------------------------------------------ publishing
@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    d = tmp_path_factory.mktemp("nbs")
    return {
        "a1": _nb(d / "a1.ipynb", "print('version one of a')"),
        "a2": _nb(d / "a2.ipynb", "print('version two of a')"),
        "b": _nb(d / "b.ipynb", "print('b')"),
        "fail": _nb(d / "fail.ipynb", "raise ValueError('bad figure in row 3')"),
        "kill": _nb(d / "kill.ipynb", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
    }


def _job(nb: str, stem: str) -> Job:
    return Job("test", nb, {}, stem, "en")


# The tests of what is run, carried, kept stale and published run their notebooks in this process
# (conftest.batches_in_process): the batch's bookkeeping is the same, without a worker and a
# kernel per run. A killed worker needs real ones (below), as do tests/test_batch.py and
# tests/test_signals.py.
@pytest.fixture(scope="module")
def first_set(tmp_path_factory, notebooks) -> Path:
    """A published set of two reports (built once; each test works on a copy)."""
    where = tmp_path_factory.mktemp("published")
    with batches_in_process():
        summary, _ = run_batch(where / "reports", ["en"], 1, progress=False,
                               jobs=[_job(notebooks["a1"], "t/a"), _job(notebooks["b"], "t/b")])
    assert summary.ok == 2 and (where / "reports").is_symlink()
    return where


def _first_set(out: Path, first_set: Path) -> dict[str, str]:
    """Copy the published set (its link and builds folder) to ``out``'s parent."""
    shutil.copytree(first_set, out.parent, symlinks=True, dirs_exist_ok=True)
    assert out.is_symlink()
    return _tree(out)


def test_a_published_set_is_a_link_to_a_build_with_a_manifest(tmp_path, first_set):
    out = tmp_path / "reports"
    _first_set(out, first_set)
    assert Path(os.path.realpath(out)).parent == (tmp_path / ".reports.builds").resolve()
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["tool"] == "cantho-analysis" and [r["job"]["stem"] for r in manifest["reports"]] == ["t/a", "t/b"]
    assert {"index.html", "summary.json", "README.md", "t/a.html", "notebooks/t/a.ipynb"} <= set(_tree(out))
    with open_output(out) as again:  # ours now: accepted although not empty
        assert again.previous == Path(os.path.realpath(out))


def test_failed_report_keeps_its_previous_version_marked_stale(tmp_path, notebooks, first_set, in_process_batch):
    out = tmp_path / "reports"
    _first_set(out, first_set)
    old_a = (out / "t" / "a.html").read_text()
    summary, results = run_batch(out, ["en"], 1, progress=False,
                                 jobs=[_job(notebooks["fail"], "t/a"), _job(notebooks["b"], "t/b")])
    assert summary.failed == ["t/a"] and summary.stale == ["t/a"]
    assert (out / "t" / "a.html").read_text() == old_a
    index = (out / "index.html").read_text()
    assert "stale" in index and "bad figure in row 3" in index


def test_only_rebuilds_the_chosen_reports_and_keeps_the_rest(tmp_path, notebooks, first_set, in_process_batch):
    out = tmp_path / "reports"
    before = _first_set(out, first_set)
    summary, results = run_batch(out, ["en"], 1, only=["a"], progress=False, jobs=[_job(notebooks["a2"], "t/a")])
    assert summary.total == 2 and summary.rebuilt == 1
    after = _tree(out)
    assert after["t/b.html"] == before["t/b.html"]
    assert "version two of a" in (out / "t" / "a.html").read_text()
    assert "t/b.html" in (out / "index.html").read_text()
    # the switch: one build left, the new one
    builds = [p for p in (tmp_path / ".reports.builds").iterdir() if p.is_dir()]
    assert builds == [Path(os.path.realpath(out))]


def test_a_killed_worker_leaves_the_previous_set_intact(tmp_path, notebooks, first_set):
    """Two workers (the suite's pool of more than one): one is killed while the other works."""
    out = tmp_path / "reports"
    before = _first_set(out, first_set)
    with pytest.raises(BatchAborted, match="worker process died"):
        run_batch(out, ["en"], 2, progress=False,
                  jobs=[_job(notebooks["a2"], "t/a"), _job(notebooks["kill"], "t/k"), _job(notebooks["b"], "t/b")])
    assert _tree(out) == before
    assert not list((tmp_path / ".reports.builds").glob("partial-*"))


def test_a_failed_switch_leaves_the_previous_set_intact(tmp_path, first_set, monkeypatch):
    out = tmp_path / "reports"
    before = _first_set(out, first_set)
    real_replace = os.replace

    def full_disk(src, dst, *a, **k):
        if Path(dst) == out:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(publish.os, "replace", full_disk)
    with pytest.raises(BatchAborted, match="no space left"):
        run_batch(out, ["en"], 1, progress=False, jobs=[])
    monkeypatch.undo()
    assert _tree(out) == before
    assert not list((tmp_path / ".reports.builds").glob("partial-*"))
    assert not list(tmp_path.glob(".reports.link-*"))


# ------------------------------------------------------------------ the command
def test_reports_command_refuses_a_user_folder_and_keeps_its_files(tmp_path, capsys):
    mine = _user_folder(tmp_path)
    before = _tree(mine)
    rc = main(["reports", "--only", "grdp_current", "--lang", "en", "--out", str(mine), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and "not empty" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _tree(mine) == before


@pytest.mark.parametrize("out", [".", "notebooks", "data"])
def test_reports_command_refuses_the_project_folders(out, capsys, monkeypatch):
    monkeypatch.chdir(config.REPO_ROOT)
    notebooks_before = _tree(config.notebooks_dir())
    rc = main(["reports", "--only", "grdp_current", "--lang", "en", "--out", out, "--quiet"])
    assert rc == 2 and "refused" in capsys.readouterr().err
    assert _tree(config.notebooks_dir()) == notebooks_before


@pytest.mark.parametrize("jobs", ["0", "-1", "9999"])
def test_reports_command_checks_jobs(jobs, tmp_path, capsys):
    rc = main(["reports", "--jobs", jobs, "--out", str(tmp_path / "r"), "--quiet"])
    assert rc == 2 and "--jobs" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_unchanged_reports_are_carried_not_run(tmp_path, notebooks, first_set, in_process_batch):
    out = tmp_path / "reports"
    before = _first_set(out, first_set)
    summary, results = run_batch(out, ["en"], 1, progress=False,
                                 jobs=[_job(notebooks["a1"], "t/a"), _job(notebooks["b"], "t/b")])
    assert summary.rebuilt == 0 and summary.total == summary.ok == 2
    after = _tree(out)
    assert {k: v for k, v in after.items() if k.startswith("t/")} == {k: v for k, v in before.items() if k.startswith("t/")}
    summary, _ = run_batch(out, ["en"], 1, progress=False, rebuild_all=True,
                           jobs=[_job(notebooks["a1"], "t/a"), _job(notebooks["b"], "t/b")])
    assert summary.rebuilt == 2
