"""The batch runner: every report as a papermill-executed notebook, in parallel, with warm kernels.

Each worker process keeps one Jupyter kernel alive across the notebooks it runs (a custom
papermill engine, ``cantho-warm``). Before each notebook the kernel's namespace is reset
(``%reset -f``, figures closed), so reports do not leak state into each other
(``tests/test_batch.py`` proves it); imported modules stay loaded, which is what saves
the start-up time. Output is written to a staging folder and moved into ``reports/``
only when the batch is done, so a rerun never leaves a half-written report behind. One
failing notebook does not stop the others; the index and the summary name the failures.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import config

log = logging.getLogger(__name__)

__all__ = ["Job", "Result", "plan_jobs", "run_jobs", "run_batch", "write_index", "register", "WARM_ENGINE"]

WARM_ENGINE = "cantho-warm"
RESET_CODE = (
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import matplotlib.pyplot as __p; __p.close('all'); del __p\n"
    "import gc as __g; __g.collect(); del __g\n"
)
GENERATED = ("indicators", "overview", "feasibility", "notebooks", "index.html", "summary.json")


@dataclass(frozen=True)
class Job:
    kind: str  # indicator | overview | feasibility
    notebook: str  # file name in notebooks/
    params: dict
    stem: str  # output path without extension, relative to the output folder
    lang: str
    indicator_id: str = ""
    locality: str = ""


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    work_seconds: float = 0.0
    error: str = ""
    html: str = ""
    ipynb: str = ""


# --------------------------------------------------------------------------- warm engine
_KERNEL: dict = {}
_KERNEL_DIRS: list[str] = []


def _kernel_manager(kernel_name: str):
    """This process's kernel manager, started on first use and restarted if the kernel died."""
    from jupyter_client.manager import KernelManager

    km = _KERNEL.get(kernel_name)
    if km is not None and km.is_alive():
        return km
    tmp = tempfile.mkdtemp(prefix="cantho-kernel-")
    _KERNEL_DIRS.append(tmp)
    km = KernelManager(kernel_name=kernel_name, transport="ipc", connection_file=str(Path(tmp) / "kernel.json"))
    km.start_kernel(cwd=str(config.notebooks_dir()), extra_arguments=["--HistoryManager.enabled=False"])
    _KERNEL[kernel_name] = km
    return km


def _shutdown_kernels() -> None:
    for km in _KERNEL.values():
        try:
            km.shutdown_kernel(now=True)
        except Exception:  # pragma: no cover - best effort at exit
            pass
    _KERNEL.clear()
    for d in _KERNEL_DIRS:
        shutil.rmtree(d, ignore_errors=True)
    _KERNEL_DIRS.clear()


def _make_engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import merge_kwargs, remove_args

    class WarmClient(PapermillNotebookClient):
        def papermill_execute_cells(self):
            msg_id = self.kc.execute(RESET_CODE, silent=True, store_history=False)
            reply = self.wait_for_reply(msg_id)
            if reply is None or reply["content"].get("status") != "ok":
                raise RuntimeError(f"namespace reset failed: {reply and reply['content']}")
            super().papermill_execute_cells()

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "cwd"], **kwargs)
            safe = remove_args(["timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(safe, timeout=execution_timeout or kwargs.get("timeout"), startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logging.getLogger("papermill"), log_output=log_output,
                                 stdout_file=stdout_file, stderr_file=stderr_file)
            km = _kernel_manager(kernel_name)
            client = WarmClient(nb_man, km=km, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    return WarmEngine


def register_engine() -> None:
    from papermill.engines import papermill_engines

    if WARM_ENGINE not in papermill_engines._engines:
        papermill_engines.register(WARM_ENGINE, _make_engine())


# --------------------------------------------------------------------------- jobs
def plan_jobs(langs: list[str], only: list[str] | None = None, include_overview: bool = True,
              include_feasibility: bool = True) -> list[Job]:
    """Every report to produce: one per indicator, locality and language, plus the overviews."""
    import pandas as pd

    targets = pd.read_csv(config.data_dir() / "targets.csv", dtype=str, keep_default_na=False)
    pairs = targets[["indicator_id", "locality"]].drop_duplicates()
    if only:
        unknown = sorted(set(only) - set(pairs["indicator_id"]))
        if unknown:
            raise ValueError(f"--only: no target for indicator id(s) {', '.join(unknown)}")
        pairs = pairs[pairs["indicator_id"].isin(only)]
    order = {loc: i for i, loc in enumerate(config.LOCALITIES)}
    pairs = sorted(pairs.itertuples(index=False), key=lambda p: (order[p.locality], p.indicator_id))
    jobs = []
    for lang in langs:
        if include_overview:
            jobs.append(Job("overview", "overview.ipynb", {"lang": lang}, f"overview/overview.{lang}", lang))
        if include_feasibility and (config.notebooks_dir() / "growth_feasibility.ipynb").exists():
            jobs.append(Job("feasibility", "growth_feasibility.ipynb", {"lang": lang},
                            f"feasibility/growth_feasibility.{lang}", lang))
        for p in pairs:
            jobs.append(Job("indicator", "indicator_report.ipynb",
                            {"indicator_id": p.indicator_id, "locality": p.locality, "lang": lang},
                            f"indicators/{p.locality}/{p.indicator_id}.{lang}", lang, p.indicator_id, p.locality))
    return jobs


_EXPORTER: list = []


def _to_html(nb, path: Path, title: str) -> None:
    """HTML without code cells (the exporter is built once per process: its templates are slow to load)."""
    if not _EXPORTER:
        from nbconvert import HTMLExporter

        _EXPORTER.append(HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True))
    nb.metadata["title"] = title
    body, _ = _EXPORTER[0].from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")


def execute_job(job: Job, out_dir: str, engine: str = WARM_ENGINE) -> Result:
    """Run one notebook with papermill and convert it to HTML (inside a worker process)."""
    import nbformat
    import papermill as pm

    register_engine()
    out = Path(out_dir)
    ipynb = out / "notebooks" / f"{job.stem}.ipynb"
    html_path = out / f"{job.stem}.html"
    ipynb.parent.mkdir(parents=True, exist_ok=True)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    error = ""
    try:
        pm.execute_notebook(str(config.notebooks_dir() / job.notebook), str(ipynb), parameters=job.params,
                            engine_name=engine, kernel_name="python3", progress_bar=False, log_output=False,
                            request_save_on_cell_execute=False,
                            cwd=str(config.notebooks_dir()))
    except Exception as e:  # a failing notebook is reported, never fatal to the batch
        error = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"[:500]
    work = 0.0
    try:
        nb = nbformat.read(ipynb, as_version=4)
        work = sum(float(c.metadata.get("papermill", {}).get("duration") or 0) for c in nb.cells)
        title = (f"{job.params.get('indicator_id', job.kind)} — {job.params.get('locality', '')} ({job.lang})"
                 if job.kind == "indicator" else f"{job.kind} ({job.lang})")
        _to_html(nb, html_path, title)
    except Exception as e:
        error = error or f"{type(e).__name__}: {e}"[:500]
    return Result(job, not error, time.perf_counter() - t0, work, error,
                  str(html_path.relative_to(out)) if html_path.exists() else "",
                  str(ipynb.relative_to(out)) if ipynb.exists() else "")


# The batch parallelises over processes; threaded BLAS inside each kernel would fight the
# other workers for the same cores (measured: the feasibility notebook ran 8x slower).
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _worker_init() -> None:
    import atexit

    os.environ.setdefault("MPLBACKEND", "Agg")
    for k, v in SINGLE_THREAD.items():
        os.environ.setdefault(k, v)
    register_engine()
    atexit.register(_shutdown_kernels)


def run_jobs(jobs: list[Job], out_dir: Path, n_workers: int = 2, progress: bool = True,
             engine: str = WARM_ENGINE) -> list[Result]:
    """Run jobs in ``n_workers`` processes (each with one warm kernel); results in job order."""
    import multiprocessing as mp

    from tqdm.auto import tqdm

    results: dict[int, Result] = {}
    bar = tqdm(total=len(jobs), desc="reports", unit="nb", disable=not progress, file=sys.stderr)
    n_workers = max(1, min(n_workers, len(jobs))) if jobs else 1
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=mp.get_context("spawn"),
                             initializer=_worker_init) as pool:
        futs = {pool.submit(execute_job, j, str(out_dir), engine): i for i, j in enumerate(jobs)}
        for fut in as_completed(futs):
            i = futs[fut]
            try:
                results[i] = fut.result()
            except Exception as e:  # the worker itself crashed
                results[i] = Result(jobs[i], False, 0.0, 0.0, f"worker failed: {type(e).__name__}: {e}"[:500])
            if not results[i].ok:
                bar.write(f"FAILED {jobs[i].stem}: {results[i].error}")
            bar.update(1)
    bar.close()
    return [results[i] for i in range(len(jobs))]


# --------------------------------------------------------------------------- index and publishing
def write_index(out_dir: Path, results: list[Result], langs: list[str]) -> Path:
    """``index.html``: every report by locality and indicator, with its status and links."""
    from .narrative import status_label
    from .report import get_context, overall_status

    ctx = get_context()
    card, ind = ctx.card, ctx.catalog.indicators.set_index("indicator_id")
    e = lambda s: html.escape(str(s), quote=True)
    by_key: dict[tuple, dict[str, Result]] = {}
    for r in results:
        by_key.setdefault((r.job.kind, r.job.locality, r.job.indicator_id), {})[r.job.lang] = r
    failed = [r for r in results if not r.ok]
    lines = ["<!doctype html><html lang='vi'><head><meta charset='utf-8'>",
             "<title>Cần Thơ policy analysis workbook — reports</title>",
             "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
             "td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left}.failed{color:#a50026;font-weight:bold}"
             ".s{padding:.1em .4em;border-radius:.3em;background:#eee}</style></head><body>",
             "<h1>Cần Thơ policy analysis workbook / Sổ tay phân tích chính sách Cần Thơ</h1>",
             f"<p>{len(results) - len(failed)} of {len(results)} reports produced"
             + (f"; <span class='failed'>{len(failed)} failed</span>" if failed else "") + ".</p>"]
    if failed:
        lines.append("<h2 class='failed'>Failed reports</h2><ul>")
        for r in failed:
            link = f" (<a href='{e(r.ipynb)}'>executed notebook</a>)" if r.ipynb else ""
            lines.append(f"<li class='failed'>{e(r.job.stem)}: {e(r.error)}{link}</li>")
        lines.append("</ul>")
    general = [(k, v) for k, v in by_key.items() if k[0] != "indicator"]
    if general:
        lines.append("<h2>Overview and feasibility / Tổng quan và khả năng đạt mục tiêu</h2><ul>")
        for (kind, _, _), per in sorted(general):
            links = " · ".join(f"<a href='{e(per[l].html)}'>{l}</a>" if per[l].ok else f"<span class='failed'>{l}: failed</span>"
                               for l in langs if l in per)
            lines.append(f"<li>{e(kind)}: {links}</li>")
        lines.append("</ul>")
    for loc in config.LOCALITIES:
        keys = sorted(k for k in by_key if k[0] == "indicator" and k[1] == loc)
        if not keys:
            continue
        lines.append(f"<h2>{e(config.LOCALITY_NAMES[loc]['en'])} / {e(config.LOCALITY_NAMES[loc]['vi'])}</h2>")
        lines.append("<table><tr><th>Indicator</th><th>Chỉ tiêu</th><th>Targets</th><th>Status / Tình trạng</th><th>Reports</th></tr>")
        for _, _, iid in keys:
            per = by_key[("indicator", loc, iid)]
            rows = card[(card["indicator_id"] == iid) & (card["locality"] == loc)]
            st = overall_status(rows["status"].tolist())
            links = " · ".join(f"<a href='{e(per[l].html)}'>{l}</a>" if per[l].ok else f"<span class='failed'>{l}: failed</span>"
                               for l in langs if l in per)
            lines.append(f"<tr><td>{e(ind.loc[iid, 'name_en'])}</td><td>{e(ind.loc[iid, 'name_vi'])}</td>"
                         f"<td>{len(rows)}</td><td><span class='s'>{e(status_label(st, 'en'))} / {e(status_label(st, 'vi'))}</span></td>"
                         f"<td>{links}</td></tr>")
        lines.append("</table>")
    lines.append("</body></html>")
    path = out_dir / "index.html"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _publish(staging: Path, out_dir: Path) -> None:
    """Move the generated entries from ``staging`` into ``out_dir``, replacing the previous ones."""
    out_dir.mkdir(parents=True, exist_ok=True)
    trash = out_dir / f".old-{os.getpid()}"
    trash.mkdir(exist_ok=True)
    for name in GENERATED:
        old = out_dir / name
        if old.exists():
            os.replace(old, trash / name)
        new = staging / name
        if new.exists():
            os.replace(new, old)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_staging(out_dir: Path) -> None:
    """Staging folders left by a batch that was killed (its process no longer exists)."""
    for p in list(out_dir.parent.glob(f".{out_dir.name}.staging-*")) + list(out_dir.glob(".old-*")):
        try:
            pid = int(p.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(p, ignore_errors=True)
        except PermissionError:  # pragma: no cover - someone else's live process
            pass


@dataclass
class BatchSummary:
    total: int
    ok: int
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    median_report_seconds: float = 0.0
    median_work_seconds: float = 0.0
    workers: int = 1


def run_batch(out_dir: Path, langs: list[str], jobs_n: int = 2, only: list[str] | None = None,
              progress: bool = True, engine: str = WARM_ENGINE) -> tuple[BatchSummary, list[Result]]:
    """Produce every report into ``out_dir`` (atomically replaced) and write the index."""
    import statistics

    from .report import get_context

    get_context()  # validate the data once, before starting any worker
    out_dir = Path(out_dir).resolve()
    _remove_stale_staging(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    t0 = time.perf_counter()
    jobs = plan_jobs(langs, only)
    try:
        results = run_jobs(jobs, staging, jobs_n, progress, engine)
        write_index(staging, results, langs)
        summary = BatchSummary(len(results), sum(r.ok for r in results), [r.job.stem for r in results if not r.ok],
                               time.perf_counter() - t0,
                               statistics.median([r.seconds for r in results]) if results else 0.0,
                               statistics.median([r.work_seconds for r in results]) if results else 0.0, jobs_n)
        (staging / "summary.json").write_text(json.dumps(
            {**asdict(summary), "reports": [{"stem": r.job.stem, "ok": r.ok, "error": r.error, "html": r.html,
                                             "seconds": round(r.seconds, 3), "work_seconds": round(r.work_seconds, 3)}
                                            for r in results]}, ensure_ascii=False, indent=1), encoding="utf-8")
        _publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary, results


# --------------------------------------------------------------------------- command
def cmd_reports(args: argparse.Namespace) -> int:
    langs = [l.strip() for l in args.lang.split(",") if l.strip()]
    bad = [l for l in langs if l not in ("vi", "en")]
    if bad or not langs:
        print(f"--lang takes vi, en or vi,en (got {args.lang!r})", file=sys.stderr)
        return 2
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    try:
        summary, results = run_batch(Path(args.out), langs, args.jobs, only, progress=not args.quiet)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    print(f"{summary.ok}/{summary.total} reports written to {Path(args.out).resolve()} in {summary.seconds:.1f} s "
          f"({summary.workers} workers; median {summary.median_report_seconds:.2f} s per report, "
          f"of which {summary.median_work_seconds:.2f} s notebook work). Index: {Path(args.out) / 'index.html'}")
    if summary.failed:
        print(f"{len(summary.failed)} report(s) FAILED:")
        for r in results:
            if not r.ok:
                print(f"  {r.job.stem}: {r.error}")
        return 1
    return 0


def register(sub) -> None:
    r = sub.add_parser("reports", help="produce every report (papermill, in parallel) and reports/index.html")
    r.add_argument("--out", default=str(config.reports_dir()), help="output folder (default: reports/)")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel workers (default: cores)")
    r.add_argument("--lang", default="vi,en", help="languages: vi, en or vi,en (default)")
    r.add_argument("--only", help="only these indicator ids (comma-separated)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=cmd_reports)
