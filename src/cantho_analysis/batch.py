"""The batch runner: every report as a papermill-executed notebook, in parallel, with warm kernels.

Each worker process keeps one Jupyter kernel alive across the notebooks it runs (a custom
papermill engine, ``cantho-warm``). Before each notebook the kernel's namespace is reset
(``%reset -f``, figures closed), so reports do not leak state into each other
(``tests/test_batch.py`` proves it); imported modules stay loaded, which is what saves
the start-up time. One failing notebook does not stop the others; the index and the summary
name the failures.

Publishing follows ``publish.py``: every run builds a complete new set beside the output
folder and switches to it in one rename, so the previous set stays exactly as it was when
anything goes wrong (a worker killed, Ctrl-C, a full disk). A report that fails keeps its
previous good version, marked stale with the reason; ``--only`` rebuilds the chosen reports
and carries every other one over from the previous set.

Workers ignore Ctrl-C (the parent stops them), shut their kernels down on SIGTERM, and
watch their parent: if it is killed, they stop their kernels and exit, so no process is
left behind. The kernels themselves (ipykernel) also exit when their worker dies. Their
temporary folders carry the owner's pid in their names; each batch starts by removing those
whose owner is gone (:func:`sweep_stale_dirs`).
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path


def skip_slow_iri_checker() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in this process (call before nbformat).

    jsonschema ≥ 4.25 imports it eagerly for its optional ``iri`` format checks, and it compiles
    about 38 Earley grammars on import: 1–2 s in every process that imports nbformat or
    papermill (the batch parent and each worker), upstream python-jsonschema/jsonschema#1428.
    No notebook schema uses the ``iri`` formats, so nothing is lost. Only our own processes
    are affected; a user's kernel is not.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


skip_slow_iri_checker()

from . import config  # noqa: E402
from .i18n import t as msg  # noqa: E402
from .pages import download_names, render_page  # noqa: E402
from .publish import MANIFEST, FORMAT, TOOL, OutputError, describe_os_error, open_output  # noqa: E402

log = logging.getLogger(__name__)

__all__ = ["Job", "Result", "BatchAborted", "plan_jobs", "run_jobs", "run_batch", "write_index", "register",
           "WARM_ENGINE"]

WARM_ENGINE = "cantho-warm"
RESET_CODE = "from cantho_analysis.kernel_reset import reset as __r; __r()\n"  # a cheaper %reset -f
# Errors writing the build itself: no report can succeed after one, so the run stops.
FATAL_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO}


class BatchAborted(Exception):
    """The batch could not finish (a worker died, the disk is full): nothing was published."""


@dataclass(frozen=True)
class Job:
    kind: str  # indicator | overview | feasibility | tasks
    notebook: str  # file name in notebooks/
    params: dict
    stem: str  # output path without extension, relative to the output folder
    lang: str
    indicator_id: str = ""
    locality: str = ""
    plan: str = ""  # task registers
    langs: tuple = ()  # the languages of the set (the page's language switch links to these)
    published: str | None = None  # newest `published` of the page's figures (set by run_batch)
    title: list | None = None  # [title, crumbs] of the page (pages.page_title, set by run_batch)


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    work_seconds: float = 0.0
    error: str = ""
    html: str = ""
    ipynb: str = ""
    stale: bool = False  # failed in this run; the previous good version is kept
    built: str = ""  # when the published version was built (UTC, ISO 8601)
    fatal: bool = False  # the failure is the output's (full disk), not the report's
    inputs: str = ""  # fingerprint of what the published version was made from (fingerprint.py)
    downloads: list = field(default_factory=list)  # an indicator page's data files, beside the page

    @property
    def files(self) -> list[str]:
        return [f for f in (self.html, self.ipynb, *self.downloads) if f]

    def to_manifest(self) -> dict:
        return {"job": asdict(self.job), "ok": self.ok, "stale": self.stale, "error": self.error, "html": self.html,
                "ipynb": self.ipynb, "built": self.built, "inputs": self.inputs, "downloads": list(self.downloads), "seconds": round(self.seconds, 3),
                "work_seconds": round(self.work_seconds, 3)}

    @classmethod
    def from_manifest(cls, d: dict) -> "Result":
        return cls(Job(**{**d["job"], "langs": tuple(d["job"].get("langs", ()))}), bool(d["ok"]), float(d.get("seconds", 0)), float(d.get("work_seconds", 0)),
                   d.get("error", ""), d.get("html", ""), d.get("ipynb", ""), bool(d.get("stale")), d.get("built", ""),
                   inputs=d.get("inputs", ""), downloads=list(d.get("downloads", [])))


# --------------------------------------------------------------------------- temporary folders
# A worker's kernel folder (connection file, ipc sockets) and a batch's shared-data folder are named
# with the pid of the process that owns them: cantho-kernel-<pid>-<random>, cantho-batch-<pid>-<random>.
# A process killed on purpose (the tests do) or by the system cannot remove its folder; the next
# batch does (sweep_stale_dirs), and only folders of that exact form whose owner is gone.
TEMP_PREFIXES = ("cantho-kernel", "cantho-batch")
_TEMP_NAME = re.compile(r"^(cantho-kernel|cantho-batch)-([1-9][0-9]{0,9})-[A-Za-z0-9_]+$")


def _temp_dir(kind: str) -> str:
    """A new private temporary folder ``<kind>-<this pid>-<random>`` (``kind`` in ``TEMP_PREFIXES``)."""
    return tempfile.mkdtemp(prefix=f"{kind}-{os.getpid()}-")


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a process of another user counts as
    alive: signal 0 is refused, it is not gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's live process
        return True
    try:  # Linux: an exited child not yet reaped is a zombie ("Z"): its folder is abandoned
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2:][:1] != "Z"
    except (OSError, ValueError):
        return True


def sweep_stale_dirs(where: str | Path | None = None, alive=pid_alive) -> list[Path]:
    """Remove the temporary folders of this package's batches whose owner process is gone.

    Only entries of ``where`` (default: the system's temporary folder) that are real folders (not
    links), named exactly ``cantho-kernel-<pid>-<suffix>`` or ``cantho-batch-<pid>-<suffix>``,
    owned by this user, and whose ``pid`` is not alive (``alive``). Anything else (a live
    owner, another name, a file, a link, another user's folder) is left untouched. Returns the
    folders removed, sorted. Never raises for a folder that cannot be read or removed. A pid
    reused by a new process keeps the folder (the safe side); processes that share the temporary
    folder are assumed to share one process table, as on one machine.
    """
    import stat as st

    base = Path(where) if where is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        entries = sorted(os.scandir(base), key=lambda e: e.name)
    except OSError:
        return []
    for e in entries:
        m = _TEMP_NAME.match(e.name)
        if not m:
            continue
        try:
            info = os.lstat(e.path)
        except OSError:
            continue
        if not st.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or alive(int(m.group(2))):
            continue
        shutil.rmtree(e.path, ignore_errors=True)
        if not os.path.lexists(e.path):
            removed.append(Path(e.path))
    if removed:
        log.info("removed %d temporary folder(s) of finished batches: %s", len(removed),
                 ", ".join(p.name for p in removed))
    return removed


# --------------------------------------------------------------------------- warm engine
_KERNEL: dict = {}
_KERNEL_DIRS: list[str] = []


def _kernel_manager(kernel_name: str):
    """This process's kernel manager, started on first use and restarted if the kernel died."""
    from jupyter_client.manager import KernelManager

    km = _KERNEL.get(kernel_name)
    if km is not None and km.is_alive():
        return km
    tmp = _temp_dir("cantho-kernel")
    _KERNEL_DIRS.append(tmp)
    km = KernelManager(kernel_name=kernel_name, transport="ipc", connection_file=str(Path(tmp) / "kernel.json"))
    km.start_kernel(cwd=str(config.notebooks_dir()), extra_arguments=["--HistoryManager.enabled=False"])
    _KERNEL[kernel_name] = km
    return km


_CLIENT: dict = {}


def _kernel_client(kernel_name: str):
    """A ready client of this process's kernel, kept across notebooks (a new client costs a
    start-up handshake and a 0.2 s wait for quiet on every notebook); new when the kernel is."""
    km = _kernel_manager(kernel_name)
    kc = _CLIENT.get(kernel_name)
    if kc is not None and kc.parent is km and kc.channels_running:
        return kc
    if kc is not None:
        kc.stop_channels()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    kc.allow_stdin = False
    _CLIENT[kernel_name] = kc
    return kc


def _shutdown_kernels() -> None:
    for kc in _CLIENT.values():
        try:
            kc.stop_channels()
        except Exception:  # pragma: no cover - best effort at exit
            pass
    _CLIENT.clear()
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
        downloads_to: str | None = None

        def papermill_execute_cells(self):
            # a clean namespace, and where an indicator page's downloads go (report.DOWNLOADS_TO)
            code = RESET_CODE + f"import cantho_analysis.report as __c; __c.DOWNLOADS_TO = {self.downloads_to!r}; del __c\n"
            msg_id = self.kc.execute(code, silent=True, store_history=False)
            reply = self.wait_for_reply(msg_id)
            if reply is None or reply["content"].get("status") != "ok":
                raise RuntimeError(f"namespace reset failed: {reply and reply['content']}")
            super().papermill_execute_cells()

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            downloads_to = kwargs.pop("downloads_to", None)
            kwargs = remove_args(["input_path", "cwd"], **kwargs)
            safe = remove_args(["timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(safe, timeout=execution_timeout or kwargs.get("timeout"), startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logging.getLogger("papermill"), log_output=log_output,
                                 stdout_file=stdout_file, stderr_file=stderr_file)
            kc = _kernel_client(kernel_name)  # starts the kernel if need be
            client = WarmClient(nb_man, km=_KERNEL[kernel_name], **final)
            # the worker's one kernel client: NotebookClient.__init__ sets kc to None whatever it is
            # given, and a client of its own per report costs a handshake (about 0.2 s a report)
            client.kc = kc
            client.downloads_to = downloads_to
            return client.execute()

    return WarmEngine


def register_engine() -> None:
    from papermill.engines import papermill_engines

    if WARM_ENGINE not in papermill_engines._engines:
        papermill_engines.register(WARM_ENGINE, _make_engine())


# --------------------------------------------------------------------------- jobs
ONLY_KINDS = ("overview", "feasibility", "tasks")  # with --only, a kind names every report of that kind


def report_name(job: Job) -> str:
    """A report's name for ``--only``: its path in the output without the language
    (``overview/overview``, ``feasibility/growth_feasibility``, ``tasks/<plan>``,
    ``indicators/<locality>/<indicator id>``)."""
    return job.stem.removesuffix(f".{job.lang}")


def only_names(jobs: list[Job]) -> dict[str, list[str]]:
    """The names ``--only`` takes for ``jobs``, by what they name: ``kinds`` (overview, feasibility,
    tasks), ``reports`` (one report each, :func:`report_name`, the indicator pages apart),
    ``indicators`` (indicator ids: the pages of every locality) and ``pages`` (one indicator page)."""
    kinds = [k for k in ONLY_KINDS if any(j.kind == k for j in jobs)]
    reports = list(dict.fromkeys(report_name(j) for j in jobs if j.kind != "indicator"))
    ids = sorted({j.indicator_id for j in jobs if j.kind == "indicator"})
    pages = sorted({report_name(j) for j in jobs if j.kind == "indicator"})
    return {"kinds": kinds, "reports": reports, "indicators": ids, "pages": pages}


def _unknown_only(unknown: list[str], names: dict[str, list[str]]) -> str:
    import difflib

    every = [n for v in names.values() for n in v]
    near = list(dict.fromkeys(m for u in unknown for m in difflib.get_close_matches(u, every, n=3, cutoff=0.6)))
    return (f"--only: unknown report name(s) {', '.join(unknown)}. Valid names: "
            + ", ".join(names["kinds"] + names["reports"])
            + "; an indicator id for its pages in every locality (`cantho-analysis catalog --indicators` lists the "
            + f"{len(names['indicators'])} ids, e.g. {', '.join(names['indicators'][:3])}); or one indicator page as "
            + "indicators/<locality>/<indicator id>" + (f". Did you mean: {', '.join(near)}?" if near else "."))


def plan_jobs(langs: list[str], only: list[str] | None = None, include_overview: bool = True,
              include_feasibility: bool = True, include_tasks: bool | None = None) -> list[Job]:
    """Every report to produce: one per indicator, locality and language, plus the overviews, the
    feasibility pages and one task register per plan.

    ``only`` keeps the reports it names (:func:`only_names`): a kind (``overview``,
    ``feasibility``, ``tasks``), one report by its name (``tasks/<plan>``,
    ``indicators/<locality>/<id>``, ...) or an indicator id (its pages in every locality). The
    overview and the feasibility pages read every indicator, so they come with any indicator
    named (the batch runs them again only if their inputs changed); the task registers only when
    named, or with ``include_tasks``. Raises ``ValueError`` naming the valid names for an unknown one.
    """
    import pandas as pd

    targets = pd.read_csv(config.data_dir() / "targets.csv", dtype=str, keep_default_na=False)
    pairs = targets[["indicator_id", "locality"]].drop_duplicates()
    order = {loc: i for i, loc in enumerate(config.LOCALITIES)}
    pairs = sorted(pairs.itertuples(index=False), key=lambda p: (order[p.locality], p.indicator_id))
    task_file = config.data_dir() / "tasks.csv"
    task_plans = []
    if task_file.exists() and (config.notebooks_dir() / "task_register.ipynb").exists():
        task_plans = list(dict.fromkeys(pd.read_csv(task_file, dtype=str, usecols=["plan"])["plan"]))
    jobs = []
    for lang in langs:
        jobs.append(Job("overview", "overview.ipynb", {"lang": lang}, f"overview/overview.{lang}", lang,
                        langs=tuple(langs)))
        if (config.notebooks_dir() / "growth_feasibility.ipynb").exists():
            jobs.append(Job("feasibility", "growth_feasibility.ipynb", {"lang": lang},
                            f"feasibility/growth_feasibility.{lang}", lang, langs=tuple(langs)))
        for plan in task_plans:
            jobs.append(Job("tasks", "task_register.ipynb", {"plan": plan, "lang": lang},
                            f"tasks/{plan}.{lang}", lang, plan=plan, langs=tuple(langs)))
        for p in pairs:
            jobs.append(Job("indicator", "indicator_report.ipynb",
                            {"indicator_id": p.indicator_id, "locality": p.locality, "lang": lang},
                            f"indicators/{p.locality}/{p.indicator_id}.{lang}", lang, p.indicator_id, p.locality,
                            langs=tuple(langs)))
    named = set(only or ())
    if named:
        names = only_names(jobs)
        unknown = [n for n in dict.fromkeys(only) if n not in {x for v in names.values() for x in v}]
        if unknown:
            raise ValueError(_unknown_only(unknown, names))

    def chosen(j: Job) -> bool:
        return not named or j.kind in named or report_name(j) in named or (j.kind == "indicator" and j.indicator_id in named)

    any_indicator = any(j.kind == "indicator" and chosen(j) for j in jobs) if named else True
    keep = {"overview": include_overview, "feasibility": include_feasibility}
    out = []
    for j in jobs:
        if j.kind in keep:
            ok = keep[j.kind] and (chosen(j) or any_indicator)
        elif j.kind == "tasks":
            ok = include_tasks is not False and (include_tasks is True or (chosen(j) if named else True))
        else:
            ok = chosen(j)
        if ok:
            out.append(j)
    return out


def _utcnow() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def execute_job(job: Job, out_dir: str, engine: str = WARM_ENGINE) -> Result:
    """Run one notebook with papermill and convert it to HTML (inside a worker process)."""
    import nbformat
    import papermill as pm

    register_engine()
    out = Path(out_dir)
    ipynb = out / "notebooks" / f"{job.stem}.ipynb"
    html_path = out / f"{job.stem}.html"
    t0 = time.perf_counter()
    error, fatal = "", False
    names = list(download_names(job.indicator_id, job.lang).values()) if job.kind == "indicator" else []
    try:
        ipynb.parent.mkdir(parents=True, exist_ok=True)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        for name in names:  # written by the kernel (report.DOWNLOADS_TO), or below after it
            (html_path.parent / name).unlink(missing_ok=True)
        extra = {"downloads_to": str(html_path.parent)} if names and engine == WARM_ENGINE else {}
        pm.execute_notebook(str(config.notebooks_dir() / job.notebook), str(ipynb), parameters=job.params,
                            engine_name=engine, kernel_name="python3", progress_bar=False, log_output=False,
                            request_save_on_cell_execute=False,
                            cwd=str(config.notebooks_dir()), **extra)
    except OSError as e:
        error, fatal = f"cannot write the report: {describe_os_error(e)}", e.errno in FATAL_ERRNOS
    except Exception as e:  # a failing notebook is reported, never fatal to the batch
        error = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"[:500]
    work = 0.0
    downloads: list[str] = []
    if not fatal:
        try:
            nb = nbformat.read(ipynb, as_version=4)
            work = sum(float(c.metadata.get("papermill", {}).get("duration") or 0) for c in nb.cells)
            html_path.write_text(render_page(nb, job.kind, job.stem, job.lang, job.params, job.langs or (job.lang,),
                                             _utcnow(), published=job.published,
                                             title=tuple(job.title) if job.title else None), encoding="utf-8")
            if names and not error:  # the data behind the page, linked from it
                if not all((html_path.parent / n).is_file() for n in names):  # another engine: written here
                    from .report import download_files

                    for name, data in download_files(job.indicator_id, job.locality, job.lang).items():
                        (html_path.parent / name).write_bytes(data)
                downloads = [str((html_path.parent / n).relative_to(out)) for n in names]
        except OSError as e:
            fatal = e.errno in FATAL_ERRNOS
            error = error or f"cannot write the report: {describe_os_error(e)}"
        except Exception as e:
            error = error or f"{type(e).__name__}: {e}"[:500]
    return Result(job, not error, time.perf_counter() - t0, work, error,
                  str(html_path.relative_to(out)) if html_path.exists() else "",
                  str(ipynb.relative_to(out)) if ipynb.exists() else "", built=_utcnow(), fatal=fatal,
                  downloads=downloads)


# The batch parallelises over processes; threaded BLAS inside each kernel would fight the
# other workers for the same cores (measured: the feasibility notebook ran 8x slower).
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
PARENT_POLL_SECONDS = 0.5


def _stop_worker(*_args) -> None:
    """Shut this worker's kernels down and exit at once (SIGTERM, or the parent died)."""
    try:
        _shutdown_kernels()
    finally:
        os._exit(1)


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent_pid:
            _stop_worker()


def _worker_init(parent_pid: int | None = None, context_file: str | None = None) -> None:
    import atexit

    if context_file:  # the parent's loaded data, for this worker and its kernel (report.shared_context)
        os.environ[config.CONTEXT_ENV] = context_file
    os.environ.setdefault("MPLBACKEND", "Agg")
    for k, v in SINGLE_THREAD.items():
        os.environ.setdefault(k, v)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    signal.signal(signal.SIGTERM, _stop_worker)
    threading.Thread(target=_watch_parent, args=(parent_pid or os.getppid(),), daemon=True,
                     name="watch-parent").start()
    register_engine()
    atexit.register(_shutdown_kernels)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (each shuts its kernel down on SIGTERM) and drop queued jobs."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        try:
            p.terminate()
        except Exception:  # pragma: no cover - already gone
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + 5
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
            p.kill()


# Run in each kernel while the parent is still loading the data: the imports and the first
# chart's font loading that the first report would otherwise pay for.
WARM_CODE = (
    "import cantho_analysis.report, cantho_analysis.plots, matplotlib.pyplot as __p\n"
    "__f = __p.figure(figsize=(1, 1)); __f.text(0, 0, 'Ưư 1,5'); __f.canvas.draw(); __p.close(__f); del __f, __p\n"
)


def _warm_up(ready: str, warm_kernel: bool) -> None:
    """A worker's first task: start its kernel and run :data:`WARM_CODE` in it, then wait until
    the parent has saved the data (``ready`` exists), so that every worker takes one of these."""
    if warm_kernel:
        try:
            kc = _kernel_client("python3")
            msg_id = kc.execute(WARM_CODE, silent=True, store_history=False)
            while kc.get_shell_msg(timeout=120)["parent_header"].get("msg_id") != msg_id:
                pass
        except Exception as e:  # the first report starts the kernel again and says what is wrong
            log.warning("kernel warm-up failed: %s", e)
    deadline = time.monotonic() + 600
    while not os.path.exists(ready) and time.monotonic() < deadline:
        time.sleep(0.05)


def _reports_among(jobs) -> bool:
    """Whether the kernels will run the package's report notebooks (worth warming them for)."""
    return any(j.kind in config.REPORT_KINDS for j in jobs or ())


class Workers:
    """The worker processes of a batch, started first: while the parent loads and checks the data,
    plans and fingerprints the jobs, each worker starts its kernel and warms it (:func:`_warm_up`).

    :meth:`data_ready` saves the parent's loaded data for the workers and their kernels
    (``report.save_context``), so that no process loads it again.
    """

    def __init__(self, n_workers: int, engine: str = WARM_ENGINE, warm: bool = True, share: bool | None = None):
        import multiprocessing as mp

        self.share = warm if share is None else share  # save the parent's data for the kernels

        self.n = max(1, n_workers)
        self._dir = _temp_dir("cantho-batch")
        self.context_file = os.path.join(self._dir, "context.pickle")
        self._ready = os.path.join(self._dir, "ready")
        self.pool = ProcessPoolExecutor(max_workers=self.n, mp_context=mp.get_context("spawn"),
                                        initializer=_worker_init, initargs=(os.getpid(), self.context_file))
        self._warm = [self.pool.submit(_warm_up, self._ready, warm and engine == WARM_ENGINE) for _ in range(self.n)]

    def data_ready(self) -> None:
        if not os.path.exists(self._ready):
            if self.share:
                from .report import save_context

                save_context(self.context_file)
            Path(self._ready).touch()

    def stop(self) -> None:
        """Stop every worker now (on an error or Ctrl-C)."""
        _stop_pool(self.pool)
        shutil.rmtree(self._dir, ignore_errors=True)

    def close(self) -> None:
        """Let the workers finish and exit (their kernels shut down with them)."""
        Path(self._ready).touch()
        self.pool.shutdown(wait=True)
        shutil.rmtree(self._dir, ignore_errors=True)


def run_jobs(jobs: list[Job], out_dir: Path, n_workers: int = 2, progress: bool = True,
             engine: str = WARM_ENGINE, workers: Workers | None = None) -> list[Result]:
    """Run jobs in ``n_workers`` processes (each with one warm kernel); results in job order.

    Raises :class:`BatchAborted` when a worker process dies (killed, out of memory) or the
    output cannot be written (disk full): the remaining reports cannot be trusted to run.
    On Ctrl-C the workers are stopped at once and ``KeyboardInterrupt`` propagates.
    ``workers`` are used (and closed) when given, else started here for these jobs.
    """
    from tqdm.auto import tqdm

    if workers is None:
        workers = Workers(max(1, min(n_workers, len(jobs))) if jobs else 1, engine, warm=_reports_among(jobs))
    results: dict[int, Result] = {}
    bar = tqdm(total=len(jobs), desc="reports", unit="nb", disable=not progress, file=sys.stderr)
    try:
        workers.data_ready()
        futs = {workers.pool.submit(execute_job, j, str(out_dir), engine): i for i, j in enumerate(jobs)}
        for fut in as_completed(futs):
            i = futs[fut]
            try:
                results[i] = fut.result()
            except BrokenProcessPool:
                raise BatchAborted(f"a worker process died (killed, or out of memory?) while {len(jobs) - len(results)} "
                                   "report(s) were still to run") from None
            except Exception as e:  # the job could not even be sent or returned
                results[i] = Result(jobs[i], False, 0.0, 0.0, f"worker failed: {type(e).__name__}: {e}"[:500])
            if results[i].fatal:
                raise BatchAborted(f"{jobs[i].stem}: {results[i].error}")
            if not results[i].ok:
                bar.write(f"FAILED {jobs[i].stem}: {results[i].error}")
            bar.update(1)
    except BaseException:
        workers.stop()
        raise
    finally:
        bar.close()
    workers.close()
    return [results[i] for i in range(len(jobs))]


# --------------------------------------------------------------------------- index and publishing
INDEX_LOCALITY_ORDER = ("can_tho_merged", "can_tho_old", "soc_trang", "hau_giang", "mekong_delta", "vietnam")


def index_name(lang: str) -> str:
    return f"index.{lang}.html"


def _chip(status: str) -> tuple[str, str]:
    return config.STATUS_COLORS.get(status, "#ececec"), "#ffffff" if status in config.STATUS_DARK else "#1d2733"


def base_figure(best, indicator_id: str, locality: str, year) -> dict | None:
    """The best available figure for the single year ``year`` (a target's base year) of one
    indicator in one locality, as a scorecard-like row for ``narrative.outturn_text``
    (``latest_value``, ``outturn_low``/``outturn_high`` for a printed bound or range); ``None``
    when there is none. A target judged on nothing yet still has its starting point shown."""
    import math

    import pandas as pd

    from .progress import outturn_ends

    if year is None or pd.isna(year) or best is None or best.empty:
        return None
    b = best[(best["indicator_id"] == indicator_id) & (best["locality"] == locality)
             & (best["period_start"] == int(year)) & (best["period_end"] == int(year))]
    if "subperiod" in b:
        b = b[b["subperiod"].fillna("year") == "year"]
    b = b[b["value"].notna()]
    if b.empty:
        return None
    r = b.iloc[0]
    ends = outturn_ends(r)  # a printed range or bound, as the scorecard reads an outturn
    lo, hi = (None, None) if ends is None else (None if math.isinf(ends[0]) else ends[0],
                                                None if math.isinf(ends[1]) else ends[1])
    return {"latest_value": float(r["value"]), "latest_year": int(year), "outturn_low": lo, "outturn_high": hi}


def doc_verdict_note(row, lang: str) -> str:
    """Beside an index chip: the document's own verdict of a target the engine gives none (its
    deadline passed without an outturn, an outturn printed only as a range across the target):
    "document: not achieved" ("văn kiện: Không đạt", the printed word on a Vietnamese page); ''
    where the engine has a verdict or the document none (a verdict printed for a whole numbered
    item is the item's, never the row's)."""
    from .progress import DOC_VERDICTS

    doc, verdict = row.get("doc_verdict"), row.get("verdict")
    if not isinstance(doc, str) or doc not in DOC_VERDICTS or (isinstance(verdict, str) and verdict):
        return ""
    word = doc if lang == "vi" else msg(f"status.progress.{DOC_VERDICTS[doc]}", lang)
    return msg("index.doc_verdict", lang, verdict=word)


def write_index(out_dir: Path, results: list[Result], langs: list[str]) -> Path:
    """``index.<lang>.html`` for each language (and ``index.html``, the first of vi and en built):
    every report, the merged city first, with its headline target, latest figure, status and a
    client-side filter by locality, plan and status, and a search box (inline JS, nothing fetched)."""
    from .narrative import _unit, fmt, label, outturn_text, status_label, target_cell, target_cell_parts, verdict_label
    from .pages import _environment, _markup, _version, format_date
    import pandas as pd

    from .progress import base_alternatives, figure_years
    from .report import get_context, headline_target

    ctx = get_context()
    card, ind = ctx.card, ctx.catalog.indicators.set_index("indicator_id")
    # split once by indicator and locality, not per row (368 rows in a full set)
    cards = {k: g for k, g in card.groupby(["indicator_id", "locality"], sort=False)}
    bests = {k: g for k, g in ctx.best.groupby(["indicator_id", "locality"], sort=False)} if not ctx.best.empty else {}
    unit_rows: dict = {}
    plans = ctx.catalog.plans.set_index("plan") if not ctx.catalog.plans.empty else pd_empty_plans()
    env, css = _environment()
    built = _utcnow()
    present = [l for l in ("vi", "en") if any(r.job.lang == l for r in results)] or list(langs)
    first = None
    for lang in present:
        def t(key: str, _lang=lang, **values) -> str:
            return msg(f"index.{key}", _lang, **values)

        mine = [r for r in results if r.job.lang == lang]
        other = {(r.job.kind, r.job.locality or r.job.plan, r.job.indicator_id): r for r in results if r.job.lang != lang}

        def plan_name(pid: str) -> str:
            col = f"short_{lang}" if f"short_{lang}" in plans.columns else f"name_{lang}"
            return str(plans.loc[pid, col]) if pid in plans.index else pid

        def href(r: Result) -> str:
            return r.html if (r.ok or r.stale) and r.html else ""

        def note(r: Result) -> str:
            if r.stale:
                return t("stale", built=format_date(r.built, lang))
            return "" if r.ok else t("failed")

        def name(r: Result) -> str:
            if r.job.kind == "tasks":
                return t("tasks", name=plan_name(r.job.plan))
            if r.job.kind in ("overview", "feasibility"):
                return t(r.job.kind)
            if r.job.kind == "indicator":
                ind_name = label(ind.loc[r.job.indicator_id], lang) if r.job.indicator_id in ind.index else r.job.indicator_id
                loc_name = config.LOCALITY_NAMES.get(r.job.locality, {}).get(lang, r.job.locality)
                return t("indicator_page", indicator=ind_name, locality=loc_name)
            return r.job.stem

        failed = []
        for r in mine:
            if not r.ok:
                failed.append(t("stale_line" if r.stale else "failed_line", name=name(r), error=r.error,
                                built=format_date(r.built, lang) if r.built else "—"))
        general = []
        for r in sorted((r for r in mine if r.job.kind in ("overview", "feasibility", "tasks")),
                        key=lambda r: (["overview", "feasibility", "tasks"].index(r.job.kind), r.job.plan)):
            general.append((name(r), href(r), note(r)))
        general += [(r.job.stem, href(r), note(r)) for r in mine
                    if r.job.kind not in ("overview", "feasibility", "tasks", "indicator")]
        sections, status_counts = [], {}
        for loc in INDEX_LOCALITY_ORDER:
            rows = []
            for r in sorted((r for r in mine if r.job.kind == "indicator" and r.job.locality == loc),
                            key=lambda r: label(ind.loc[r.job.indicator_id], lang) if r.job.indicator_id in ind.index
                            else r.job.indicator_id):
                iid = r.job.indicator_id
                if (iid, loc) not in unit_rows:  # the same for both languages: computed once
                    c = cards.get((iid, loc), card.iloc[0:0])
                    # The row shows one target (the newest that is still in force, else the newest) with its
                    # own status and the figure it was judged on, so the three always belong together.
                    head = headline_target(c) if len(c) else None  # the page's own headline target
                    latest = head if head is not None and not pd.isna(head["latest_year"]) else None
                    # nothing judged yet (the merged city's 2025–2030 targets): the base year's figure, said as such
                    base = (base_figure(bests.get((iid, loc)), iid, loc, head.get("base_year"))
                            if latest is None and head is not None else None)
                    n_bases = (int(len(base_alternatives(c[c["target_id"] == head["target_id"]], ctx.catalog.actuals)))
                               if base is not None else 0)
                    unit_rows[(iid, loc)] = (c, head, latest, base, n_bases)
                c, head, latest, base, n_bases = unit_rows[(iid, loc)]
                for st in c["status"]:
                    status_counts[st] = status_counts.get(st, 0) + 1
                st = str(head["status"]) if head is not None else "no_data"
                indicator = ind.loc[iid] if iid in ind.index else None
                unit = f" {_unit(indicator, lang)}" if indicator is not None else ""
                # an average over the period reads per year like its target ("6,92 %/năm", 2021–2025)
                latest_unit = (f" {target_cell_parts(head, indicator, lang)[1]}"
                               if latest is not None and indicator is not None and head["target_kind"] == "average_growth"
                               and "–" in figure_years(latest) else unit)
                o = other.get(("indicator", loc, iid))
                bg, fg = _chip(st)
                iname = label(indicator, lang) if indicator is not None else iid
                plan_ids = list(dict.fromkeys(c["plan"]))
                rows.append({
                    "name": iname, "href": href(r), "note": note(r), "status": st,
                    # the engine's status (a miss within 1 % of the target says so: narrowly missed) ...
                    "status_label": verdict_label(head, lang) if head is not None else status_label(st, lang),
                    # ... and, where the engine has no verdict, the document's own (the page gives both)
                    "doc": doc_verdict_note(head, lang) if head is not None else "",
                    "bg": bg, "fg": fg, "plans": " ".join(plan_ids), "plan_names": "; ".join(plan_name(p) for p in plan_ids),
                    "target": target_cell(head, indicator, lang) if head is not None else "—",
                    "latest": (f"{outturn_text(latest, lang)}{latest_unit}" if latest is not None else
                               f"{outturn_text(base, lang)}{unit}" if base is not None else "—"),
                    "year": (figure_years(latest) if latest is not None else  # 2021–2025 for a period figure
                             t("base_year", year=base["latest_year"]) if base is not None else "—"),
                    # a base the sources print in several versions says so (the page gives the rate from each)
                    "versions": t("base_versions", n=n_bases) if base is not None and n_bases > 1 else "",
                    "search": _fold(f"{iname} {iid} {' '.join(plan_name(p) for p in plan_ids)}"),
                    "other_href": href(o) if o is not None else "", "other_lang": o.job.lang if o is not None else "",
                    "other_label": msg(f"page.lang.{o.job.lang}", lang) if o is not None else ""})
            if rows:
                sections.append({"id": loc, "name": config.LOCALITY_NAMES[loc][lang], "rows": rows})
        all_plans = sorted({p for sec in sections for r in sec["rows"] for p in r["plans"].split()})
        counts = [(s, status_label(s, lang), n, *_chip(s)) for s in config.STATUS_ORDER
                  if (n := status_counts.get(s, 0))]
        counts += [(s, status_label(s, lang), n, *_chip(s)) for s, n in sorted(status_counts.items())
                   if s not in config.STATUS_ORDER]
        ok = sum(r.ok for r in mine)
        produced = t("produced", ok=fmt(ok, lang, 0), total=fmt(len(mine), lang, 0)) + (
            "; " + t("failed_n", n=fmt(len(mine) - ok, lang, 0)) if ok < len(mine) else "") + "."
        page = env.get_template("index.html.j2").render(
            lang=lang, t=t, css=_markup(css), produced=produced, failed=failed, general=general, counts=counts,
            localities=[(s["id"], s["name"]) for s in sections], plans=[(p, plan_name(p)) for p in all_plans],
            sections=sections, languages=[(l, msg(f"page.lang.{l}", lang), "" if l == lang else index_name(l))
                                          for l in present],
            footer=t("footer", built=format_date(built, lang), version=_version()))
        (out_dir / index_name(lang)).write_text(page, encoding="utf-8")
        first = first or page
    path = out_dir / "index.html"
    path.write_text(first or "", encoding="utf-8")
    return path


def pd_empty_plans():
    import pandas as pd

    return pd.DataFrame(columns=["plan", "name_vi", "name_en"]).set_index("plan")


def _fold(text: str) -> str:
    """Lower case without diacritics (đ as d), as the index's search box compares."""
    import unicodedata

    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).lower()


OUTPUT_README = """# Generated reports (cantho-analysis)

Everything in this folder was written by `cantho-analysis reports` and is replaced as a whole by
the next run: open `index.html`. The folder is a link to the latest complete build in the hidden
folder beside it; do not keep your own files here (the command refuses to write into a folder
that holds files it did not write).

# Báo cáo được tạo tự động (cantho-analysis)

Mọi tệp trong thư mục này do lệnh `cantho-analysis reports` tạo ra và được thay thế toàn bộ ở lần
chạy sau: mở `index.html`. Không lưu tệp riêng của bạn ở đây.
"""


def _merge_with_previous(results: list[Result], prev: dict | None, out, build: Path,
                         carry_others: bool) -> list[Result]:
    """The report set to publish: this run's results, with failed reports replaced by their
    previous good version (marked stale) and, if ``carry_others``, every previous report this
    run did not rebuild carried over unchanged."""
    before = {e["job"]["stem"]: Result.from_manifest(e) for e in (prev or {}).get("reports", [])
              if e.get("job", {}).get("stem")}
    merged, done = [], set()
    for r in results:
        done.add(r.job.stem)
        old = before.get(r.job.stem)
        if not r.ok and old is not None and (old.ok or old.stale) and old.html:
            if len(out.carry(old.files, build)) == len(old.files):
                for f in r.files:  # this run's partial output of the failed report is not published
                    if f not in old.files:
                        (build / f).unlink(missing_ok=True)
                old.stale, old.error, old.ok = True, r.error, False
                _mark_page_stale(build, old)
                merged.append(old)
                continue
        merged.append(r)
    if carry_others:
        for stem, old in before.items():
            if stem not in done and len(out.carry(old.files, build)) == len(old.files):
                merged.append(old)
    return merged


def _mark_page_stale(build: Path, r: Result) -> None:
    """Re-render a kept page with a banner saying it is stale and why (as a new file: the carried
    one is a hard link into the previous build, which must not change)."""
    import nbformat

    if not r.ipynb or not (build / r.ipynb).is_file() or r.job.kind == "test":
        return
    try:
        nb = nbformat.read(build / r.ipynb, as_version=4)
        page = render_page(nb, r.job.kind, r.job.stem, r.job.lang, r.job.params, r.job.langs or (r.job.lang,),
                           r.built or _utcnow(), stale=(r.error, r.built or _utcnow()))
    except Exception as e:  # the index still says it is stale
        log.warning("could not mark %s stale on the page: %s", r.job.stem, e)
        return
    tmp = build / (r.html + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, build / r.html)


@dataclass
class BatchSummary:
    total: int
    ok: int
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    median_report_seconds: float = 0.0
    median_work_seconds: float = 0.0
    workers: int = 1
    stale: list[str] = field(default_factory=list)  # failed now, previous good version kept
    rebuilt: int = 0  # reports run in this batch (the rest were carried over with --only)
    out: str = ""


def run_batch(out_dir: Path, langs: list[str], jobs_n: int = 2, only: list[str] | None = None,
              progress: bool = True, engine: str = WARM_ENGINE,
              jobs: list[Job] | None = None, rebuild_all: bool = False) -> tuple[BatchSummary, list[Result]]:
    """Produce the reports into a new build beside ``out_dir`` and switch ``out_dir`` to it.

    ``jobs`` defaults to :func:`plan_jobs` (``langs``, ``only``). A report whose inputs (code,
    parameters, the data it reads: ``fingerprint.py``) are those of its previous good version is
    carried over instead of run, unless ``rebuild_all``. With ``only``, reports of the previous
    set that are not asked for are carried over too. Raises :class:`OutputError` (the
    folder may not be written), :class:`BatchAborted` or ``KeyboardInterrupt``; in each case
    the previous set is left exactly as it was.
    """
    t0 = time.perf_counter()
    sweep_stale_dirs()  # folders left by batches and kernels that were killed
    with open_output(out_dir) as out:  # refuse a folder that is not ours before any work
        workers = Workers(min(jobs_n, len(jobs)) if jobs else jobs_n, engine,  # they warm up meanwhile
                          warm=jobs is None or _reports_among(jobs))
        try:
            return _run_batch(out, workers, t0, langs, jobs_n, only, progress, engine, jobs, rebuild_all)
        except BaseException:
            workers.stop()
            raise


def _run_batch(out, workers: Workers, t0: float, langs, jobs_n, only, progress, engine, jobs, rebuild_all):
    import statistics

    if jobs is None:
        from .report import get_context

        get_context()  # validate the data once, before starting any worker
        jobs = plan_jobs(langs, only)
    prev = out.previous_manifest()
    build = out.new_build()
    try:
        from .fingerprint import job_fingerprints

        prints = job_fingerprints(jobs)
        from .pages import newest_published_by_unit, page_title
        from .report import get_catalog

        # the page's data vintage, given to the workers; a notebook that is not one of the package's
        # reports shows no data, so it has none (and nobody loads the data for it)
        jobs = [replace(j, published="") if j.published is None and j.kind not in config.REPORT_KINDS else j for j in jobs]
        if any(j.published is None for j in jobs):
            newest = newest_published_by_unit(get_catalog().actuals)

            def published(j: Job) -> str:  # as pages.newest_published(actuals, j.kind, j.params)
                if j.kind == "indicator":
                    return newest.get((j.params.get("indicator_id"), j.params.get("locality")), "")
                return newest[""]

            jobs = [j if j.published is not None else replace(j, published=published(j)) for j in jobs]
        # the page's title too, so that a worker renders its page without loading the data
        jobs = [replace(j, title=list(page_title(j.kind, j.lang, j.params))) if j.title is None and j.kind in
                config.REPORT_KINDS else j for j in jobs]
        before = {e["job"]["stem"]: Result.from_manifest(e) for e in (prev or {}).get("reports", [])
                  if e.get("job", {}).get("stem")}
        unchanged = [before[j.stem] for j in jobs if not rebuild_all and j.stem in before
                     and before[j.stem].ok and before[j.stem].inputs == prints[j.stem]
                     and len(out.carry(before[j.stem].files, build)) == len(before[j.stem].files)]
        kept = {r.job.stem for r in unchanged}
        to_run = [j for j in jobs if j.stem not in kept]
        if to_run:
            rebuilt = run_jobs(to_run, build, jobs_n, progress, engine, workers=workers)
        else:
            workers.stop()
            rebuilt = []
        for r in rebuilt:
            r.inputs = prints[r.job.stem]
        results = [r for r in unchanged] + rebuilt
        order = {j.stem: i for i, j in enumerate(jobs)}
        results.sort(key=lambda r: order[r.job.stem])
        entries = _merge_with_previous(results, prev, out, build, carry_others=bool(only))
        write_index(build, entries, langs)
        summary = BatchSummary(
            len(entries), sum(r.ok for r in entries), [r.job.stem for r in entries if not r.ok],
            time.perf_counter() - t0,
            statistics.median([r.seconds for r in rebuilt]) if rebuilt else 0.0,
            statistics.median([r.work_seconds for r in rebuilt]) if rebuilt else 0.0, jobs_n,
            [r.job.stem for r in entries if r.stale], len(rebuilt), str(out.path))
        (build / "summary.json").write_text(json.dumps(
            {**asdict(summary), "reports": [{"stem": r.job.stem, "ok": r.ok, "stale": r.stale, "error": r.error,
                                             "html": r.html, "built": r.built, "seconds": round(r.seconds, 3),
                                             "work_seconds": round(r.work_seconds, 3)} for r in entries]},
            ensure_ascii=False, indent=1), encoding="utf-8")
        (build / "README.md").write_text(OUTPUT_README, encoding="utf-8")
        (build / MANIFEST).write_text(json.dumps(
            {"tool": TOOL, "format": FORMAT, "build": build.name.removeprefix("partial-"), "created": _utcnow(),
             "langs": langs, "reports": [r.to_manifest() for r in entries]},
            ensure_ascii=False, indent=1), encoding="utf-8")
        out.publish(build)
    except OSError as e:
        out.discard(build)
        raise BatchAborted(f"cannot write the reports: {describe_os_error(e)}") from None
    except BaseException:
        out.discard(build)
        raise
    return summary, entries


# --------------------------------------------------------------------------- command
def _check_jobs(n: int) -> int:
    cores = os.cpu_count() or 1
    if not 1 <= n <= cores:
        raise OutputError(f"--jobs {n}: give a number from 1 to {cores} (the cores of this machine); "
                          "each worker holds a Python kernel of about 250 MB, more workers than cores only cost memory")
    return n


def cmd_reports(args: argparse.Namespace) -> int:
    from .safetext import terminal_safe

    langs = [l.strip() for l in args.lang.split(",") if l.strip()]
    bad = [l for l in langs if l not in ("vi", "en")]
    if bad or not langs or len(set(langs)) != len(langs):
        print(f"--lang takes vi, en or vi,en (got {terminal_safe(args.lang)!r})", file=sys.stderr)
        return 2
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    if args.only is not None and not only:
        print("--only needs at least one report name: an indicator id (see `cantho-analysis catalog --indicators`), "
              "overview, feasibility, tasks, ...", file=sys.stderr)
        return 2
    try:
        _check_jobs(args.jobs)
        if only:
            plan_jobs(langs, only)  # an unknown name is refused here, before any worker starts
        summary, results = run_batch(Path(args.out), langs, args.jobs, only, progress=not args.quiet,
                                     rebuild_all=args.rebuild_all)
    except (ValueError, OutputError) as e:
        print(terminal_safe(e), file=sys.stderr)
        return 2
    except BatchAborted as e:
        print(f"reports stopped: {terminal_safe(e)}. Nothing was published; {terminal_safe(args.out)} is unchanged.",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"interrupted: nothing was published; {terminal_safe(args.out)} is unchanged.", file=sys.stderr)
        return 130
    kept = f", {summary.total - summary.rebuilt} kept from the previous set" if summary.total > summary.rebuilt else ""
    print(f"{summary.ok}/{summary.total} reports in {summary.out} ({summary.rebuilt} built in {summary.seconds:.1f} s "
          f"on {summary.workers} workers{kept}; median {summary.median_report_seconds:.2f} s per report, "
          f"of which {summary.median_work_seconds:.2f} s notebook work). Index: {Path(summary.out) / 'index.html'}")
    if summary.failed:
        print(f"{len(summary.failed)} report(s) FAILED:")
        for r in results:
            if not r.ok:
                kept_note = f" (previous version of {r.built} kept, marked stale)" if r.stale else ""
                print(f"  {r.job.stem}: {terminal_safe(r.error)}{kept_note}")
        return 1
    return 0


def register(sub) -> None:
    r = sub.add_parser("reports", help="produce every report (papermill, in parallel) and reports/index.html")
    r.add_argument("--out", default=str(config.reports_dir()),
                   help="output folder (default: reports/): new, empty, or made by this command before")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel workers, 1 to the cores (default: cores)")
    r.add_argument("--lang", default="vi,en", help="languages: vi, en or vi,en (default)")
    r.add_argument("--only", help="only rebuild these reports (comma-separated): indicator ids, overview, feasibility, "
                                  "tasks, or one report's name (tasks/<plan>, indicators/<locality>/<id>); "
                                  "the other reports are kept")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--rebuild-all", action="store_true",
                   help="run every report, also those whose inputs have not changed since the previous set")
    r.set_defaults(func=cmd_reports)
