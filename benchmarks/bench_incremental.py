"""Time an incremental rebuild against a full one: one outcome row added to data/user/.

    .venv/bin/python benchmarks/bench_incremental.py [--jobs J] [--lang vi,en] [--indicator ID --locality L]

Works on a copy of data/ (through CANTHO_DATA_DIR) in a temporary folder: builds every
report, adds one row for one indicator to data/user/, builds again, and prints both wall
times, their ratio and how many reports the second build ran. The target is a ratio of at
most 0.10.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ROW = ("indicator_id,locality,period_start,period_end,value,status,published,source_url,quote\n"
       "{iid},{loc},2026,2026,{value},estimate,2027-01,https://example.org/benchmark,\"benchmark row {value}\"\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--lang", default="vi,en")
    ap.add_argument("--indicator", default="exports_goods")
    ap.add_argument("--locality", default="can_tho_merged")
    ap.add_argument("--value", default="6000")
    args = ap.parse_args()
    langs = args.lang.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        for p in (data / "user").glob("*"):
            if p.name.endswith(("actuals.csv", "actuals.xlsx", "task_status.csv")):
                p.unlink()
        os.environ["CANTHO_DATA_DIR"] = str(data)
        from cantho_analysis.batch import run_batch

        out = Path(tmp) / "reports"
        t0 = time.perf_counter()
        full, _ = run_batch(out, langs, args.jobs, progress=False)
        t_full = time.perf_counter() - t0
        (data / "user" / "bench_actuals.csv").write_text(
            ROW.format(iid=args.indicator, loc=args.locality, value=args.value), encoding="utf-8")
        t0 = time.perf_counter()
        incr, _ = run_batch(out, langs, args.jobs, progress=False)
        t_incr = time.perf_counter() - t0
    print(json.dumps({
        "reports": full.total, "full_seconds": round(t_full, 1), "full_failed": full.failed,
        "incremental_seconds": round(t_incr, 1), "incremental_rebuilt": incr.rebuilt,
        "ratio_incremental_to_full": round(t_incr / t_full, 3), "workers": args.jobs,
        "row_added": f"{args.indicator} / {args.locality} / 2026",
    }, indent=1))


if __name__ == "__main__":
    main()
