"""Time the feasibility study: all six models with 10,000 paths each plus every backtest.

    .venv/bin/python benchmarks/bench_feasibility.py [--repeat 3]

Prints the import time, the data-loading time and the study's own time (median of the
repeats), each run in this one process on this machine.
"""

from __future__ import annotations

import argparse
import json
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
    t0 = time.perf_counter()
    from cantho_analysis.feasibility import feasibility
    from cantho_analysis.report import get_context
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    ctx = get_context()
    t_data = time.perf_counter() - t0
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        r = feasibility(n_paths=args.n_paths, ctx=ctx)
        runs.append(time.perf_counter() - t0)
    print(json.dumps({"import_s": round(t_import, 2), "load_data_s": round(t_data, 2),
                      "study_s_median": round(statistics.median(runs), 2), "study_s_runs": [round(x, 2) for x in runs],
                      "models": len(r.forecasts), "paths_per_model": args.n_paths,
                      "backtest_forecasts": int(len(r.backtest)),
                      "backtest_origins": int(r.backtest[["series", "origin"]].drop_duplicates().shape[0])}, indent=1))


if __name__ == "__main__":
    main()
