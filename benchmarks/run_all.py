"""Run every benchmark in turn (the report batch takes a few minutes)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script, args in (("bench_feasibility.py", []), ("bench_explorer.py", []), ("bench_reports.py", ["--indicators", "4"]),
                     ("bench_incremental.py", [])):
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script), *args], check=True)
