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


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """One real report set, built once per test run through the command (real kernels).

    `cantho-analysis reports --only grdp_growth --lang vi,en`: GRDP growth for every locality, the
    overview and the feasibility study, in both languages. Every test that reads built pages
    uses this set instead of building its own. Under pytest-xdist the first worker that needs it
    builds it and the others wait for it (a lock in the run's shared temporary folder, the
    recipe of the xdist documentation).
    """
    import fcntl
    import os

    from cantho_analysis.cli import main

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    where = (tmp_path_factory.getbasetemp().parent / f"built-{run}") if run else tmp_path_factory.mktemp("built")
    where.mkdir(exist_ok=True)
    out, done = where / "reports", where / "built.ok"
    with open(where / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            if (where / "built.failed").exists():
                pytest.fail("the run's report set could not be built (see the first test that built it)")
            rc = main(["reports", "--out", str(out), "--only", "grdp_growth", "--jobs", "2", "--lang", "vi,en",
                       "--quiet"])
            (where / ("built.ok" if rc == 0 else "built.failed")).write_text(str(rc))
            assert rc == 0, "the run's report set could not be built"
    return out


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
