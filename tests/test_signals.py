"""Ctrl-C and a killed parent: the batch stops quickly, publishes nothing and leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat as nbf
import pytest

DRIVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from cantho_analysis.batch import Job, run_batch
    out, nb = sys.argv[1], sys.argv[2]
    try:
        run_batch(Path(out), ["en"], 1, progress=False, jobs=[Job("test", nb, {}, "t/slow", "en")])
    except KeyboardInterrupt:
        sys.exit(130)
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


@pytest.fixture
def slow_batch(tmp_path):
    """Start a batch whose one report sleeps; return (process, out, kernel pid, worker pid)."""
    marker = tmp_path / "pids.txt"
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbf.v4.new_code_cell(f"import os, time\nopen({str(marker)!r}, 'w').write(f'{{os.getpid()}} {{os.getppid()}}')\n"
                                     "time.sleep(120)")]
    nbf.write(nb, tmp_path / "slow.ipynb")
    out = tmp_path / "reports"
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(out), str(tmp_path / "slow.ipynb")],
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (marker.exists() and marker.read_text().strip()):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the batch did not start its report: {proc.communicate()[1].decode()[-2000:]}")
        time.sleep(0.2)
    kernel, worker = (int(x) for x in marker.read_text().split())
    yield proc, out, kernel, worker
    for pid in (proc.pid, worker, kernel):
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_stops_within_seconds_and_publishes_nothing(slow_batch, tmp_path):
    proc, out, kernel, worker = slow_batch
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
    rc = proc.wait(timeout=30)
    assert time.monotonic() - t0 < 10, "Ctrl-C must stop the batch within a few seconds"
    assert rc == 130, proc.stderr.read().decode()[-2000:]
    assert _wait_gone([worker, kernel], 5) == []
    assert not out.exists() and not list((tmp_path / ".reports.builds").glob("partial-*"))


def test_a_killed_parent_leaves_no_workers_or_kernels(slow_batch, tmp_path):
    proc, out, kernel, worker = slow_batch
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert _wait_gone([worker, kernel], 10) == [], "worker or kernel survived its parent"
