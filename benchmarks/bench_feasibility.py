"""Time the whole feasibility study: every model with 10,000 paths, every backtest, the
ensemble's backtest (raw and recalibrated), the sensitivity tables and the study as of each year.

    .venv/bin/python benchmarks/bench_feasibility.py [--repeat 3]

Prints the import and data-loading times and the study's own wall and CPU time (median of
the repeats), with the machine's load average before and after: on a shared machine the
CPU time is the better guide to what the study costs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--n-paths", type=int, default=10_000)
    args = ap.parse_args()
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    from cantho_analysis.feasibility.study import StudyParams, run_study
    from cantho_analysis.report import get_context
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    ctx = get_context()
    t_data = time.perf_counter() - t0
    wall, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        r = run_study(StudyParams(n_paths=args.n_paths), ctx)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(json.dumps({"import_s": round(t_import, 2), "load_data_s": round(t_data, 2),
                      "study_wall_s_median": round(statistics.median(wall), 2), "study_wall_s_runs": [round(x, 2) for x in wall],
                      "study_cpu_s_median": round(statistics.median(cpu), 2), "study_cpu_s_runs": [round(x, 2) for x in cpu],
                      "cores": os.cpu_count(), "load_avg_before": [round(x, 2) for x in load_before],
                      "load_avg_after": [round(x, 2) for x in os.getloadavg()],
                      "models": len(r.models), "paths_per_model": args.n_paths,
                      "backtest_forecasts": int(len(r.backtest)),
                      "backtest_origins": int(r.backtest[["series", "origin"]].drop_duplicates().shape[0]),
                      "as_of_years": len(r.history_asof),
                      "recalibration_factor": r.recalibration.get("factor"),
                      "p_ge_low": r.likelihood.get("p"), "p_ge_low_raw": r.likelihood.get("p_raw"),
                      "range": r.likelihood.get("range")}, indent=1))


if __name__ == "__main__":
    main()
