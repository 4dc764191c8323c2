"""Time the interactive updates: the scenario calculator and the indicator explorer.

    .venv/bin/python benchmarks/bench_explorer.py

Each timing is what one widget change costs in the kernel: recompute, update the figure,
render it to PNG. The explorer is timed on the first view of every indicator of a
locality (chart drawn) and on a revisit (chart cached).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402

from cantho_analysis.explorer import IndicatorExplorer, ScenarioCalculator, feasibility_fan  # noqa: E402
from cantho_analysis.report import get_context  # noqa: E402


def stats(xs):
    xs = [x * 1000 for x in xs]
    return {"n": len(xs), "median_ms": round(statistics.median(xs), 1), "p95_ms": round(float(np.percentile(xs, 95)), 1),
            "max_ms": round(max(xs), 1)}


def main() -> None:
    ctx = get_context()
    calc = ScenarioCalculator("en", ctx=ctx, fan=feasibility_fan())
    calc.update()
    calc.png()
    rng = np.random.default_rng(0)
    sc = []
    for _ in range(50):
        g = list(np.round(rng.uniform(4, 14, 5), 1))
        t0 = time.perf_counter()
        calc.update(growth=g, deflator=float(rng.uniform(3, 8)), population_growth=0.93)
        calc.png()
        sc.append(time.perf_counter() - t0)
    ex = IndicatorExplorer("en", ctx)
    ex.render("poverty_rate", "hau_giang")  # warm-up
    opts = ex.options("can_tho_old")
    first, again = [], []
    for _, iid in opts["indicators"]:
        t0 = time.perf_counter()
        ex.render(iid, "can_tho_old")
        first.append(time.perf_counter() - t0)
    for _, iid in opts["indicators"]:
        t0 = time.perf_counter()
        ex.render(iid, "can_tho_old", "kl42_2023")
        again.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    ex.options("soc_trang", None)
    opt_t = time.perf_counter() - t0
    print(json.dumps({"scenario_update": stats(sc), "explorer_first_view": stats(first),
                      "explorer_revisit": stats(again), "explorer_options_ms": round(opt_t * 1000, 1)}, indent=1))


if __name__ == "__main__":
    main()
