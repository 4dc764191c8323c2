"""Time the report batch against a naive papermill loop, side by side, on the same reports.

    .venv/bin/python benchmarks/bench_reports.py [--indicators N] [--lang vi,en] [--jobs J]

Naive: one `papermill` command per report, one after another (a fresh kernel each time).
Batch: `cantho_analysis.batch.run_batch` (warm kernels, J worker processes).
Prints the wall times, their ratio, the median per-report time of each, and the
notebook's own work per report (the sum of cell durations papermill records).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cantho_analysis import config  # noqa: E402
from cantho_analysis.batch import plan_jobs, run_batch  # noqa: E402

# nbformat after the batch module: the batch's workers are spawned, and a spawned process runs
# this script's imports again; imported first, nbformat would load jsonschema's slow optional IRI
# checker (about 3 CPU-seconds) in every worker, which `cantho-analysis reports` never does
# (batch.skip_slow_iri_checker)
import nbformat  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--indicators", type=int, default=4, help="number of indicator ids (all their localities)")
    ap.add_argument("--lang", default="vi,en")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    langs = args.lang.split(",")
    ids = ["grdp_growth", "grdp_per_capita", "poverty_rate", "health_insurance_coverage", "share_services",
           "trained_labour_share", "doctors_per_10k", "urbanisation_rate"][: args.indicators]
    jobs = plan_jobs(langs, only=ids, include_overview=False, include_feasibility=False)
    papermill = str(Path(sys.executable).parent / "papermill")
    print(f"{len(jobs)} reports ({len(ids)} indicators x localities x {len(langs)} languages)")

    with tempfile.TemporaryDirectory() as tmp:
        naive_times, naive_work = [], []
        t0 = time.perf_counter()
        for j in jobs:
            out = Path(tmp) / "naive" / f"{j.stem}.ipynb"
            out.parent.mkdir(parents=True, exist_ok=True)
            cmd = [papermill, str(config.notebooks_dir() / j.notebook), str(out), "--no-progress-bar", "--cwd",
                   str(config.notebooks_dir())]
            for k, v in j.params.items():
                cmd += ["-p", k, str(v)]
            s = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            naive_times.append(time.perf_counter() - s)
            nb = nbformat.read(out, as_version=4)
            naive_work.append(sum(float(c.metadata.get("papermill", {}).get("duration") or 0) for c in nb.cells))
        naive = time.perf_counter() - t0

        t0 = time.perf_counter()
        summary, results = run_batch(Path(tmp) / "batch", langs, args.jobs, progress=False, jobs=jobs)
        batch = time.perf_counter() - t0
        batch_only = [r for r in results if r.job.kind == "indicator"]

    print(json.dumps({
        "reports": len(jobs),
        "naive_seconds": round(naive, 1),
        "batch_seconds": round(batch, 1),
        "ratio_batch_to_naive": round(batch / naive, 3),
        "naive_median_per_report_s": round(statistics.median(naive_times), 2),
        "batch_median_per_report_s": round(statistics.median(r.seconds for r in batch_only), 2),
        "batch_wall_per_report_s": round(batch / len(results), 2),
        "notebook_work_median_s_naive": round(statistics.median(naive_work), 3),
        "notebook_work_median_s_batch": round(statistics.median(r.work_seconds for r in batch_only), 3),
        "batch_workers": args.jobs,
        "batch_failed": summary.failed,
    }, indent=1))


if __name__ == "__main__":
    main()
