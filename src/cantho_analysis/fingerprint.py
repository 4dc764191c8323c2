"""What each report is made from, as one hash: the basis of incremental builds.

A report is rebuilt only when its fingerprint changes. The fingerprint covers:

* the code: every file of the package (modules, templates, parameter files) and the notebook;
* the job: kind, notebook parameters and the languages of the set (the language switch);
* the data the page reads:
  - an indicator page: every row of every table for that indicator (all localities, since
    a page names successor and predecessor targets), user outcome files included, plus the
    plans table;
  - a task register: the task list, agencies, plans, users' progress files and the date (its
    flags change with the calendar);
  - the feasibility study: the rows of the indicators it reads (``feasibility/inputs.py``),
    the base rates, the plans and the documents list;
  - the overview: everything.

Over-approximation is deliberate: a page may be rebuilt when it did not need to be, never
the other way round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config

__all__ = ["code_version", "job_fingerprints"]


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of every file of the package (not caches)."""
    files = sorted(p for p in config.PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return _digest(*(f"{p.relative_to(config.PACKAGE_DIR)}".encode() + p.read_bytes() for p in files))


def _frame_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def _file_bytes(paths) -> bytes:
    out = b""
    for p in sorted(Path(x) for x in paths):
        try:
            out += str(p.name).encode() + p.read_bytes()
        except OSError:
            out += str(p.name).encode() + b"<unreadable>"
    return out


def job_fingerprints(jobs, catalog=None, today: dt.date | None = None) -> dict[str, str]:
    """``{stem: fingerprint}`` for every job (see the module's docs). A notebook that is not one of
    the package's reports (``config.REPORT_KINDS``) reads no data: the data is not loaded for it."""
    from .tasks import user_status_files

    code = code_version()
    everything = feasibility = task_data = ""
    tables: dict = {}
    plans = b""
    if any(j.kind in config.REPORT_KINDS for j in jobs):
        if catalog is None:
            from .report import get_catalog

            catalog = get_catalog()
        tables = {"targets": catalog.targets, "actuals": catalog.actuals, "scenarios": catalog.scenarios,
                  "indicators": catalog.indicators}
        plans = _frame_bytes(catalog.plans)
        everything = _digest(*(_frame_bytes(df) for df in tables.values()), _frame_bytes(catalog.base_rates), plans,
                             _frame_bytes(getattr(catalog, "tallies", pd.DataFrame())),
                             _file_bytes(config.data_dir().glob("*.csv")), _file_bytes(user_status_files()))
        from .feasibility.inputs import INDICATORS, restrict

        cut = restrict(catalog, INDICATORS)
        feasibility = _digest(*(_frame_bytes(getattr(cut, name)) for name in tables), _frame_bytes(catalog.base_rates),
                              plans, _file_bytes([config.data_dir() / "documents.csv"]))
        task_data = _digest(_file_bytes([config.data_dir() / "tasks.csv", config.data_dir() / "agencies.csv",
                                         config.data_dir() / "tasks_en.csv"]), plans,
                            _file_bytes(user_status_files()), str(today or dt.date.today()))
    by_indicator: dict[str, str] = {}
    notebooks: dict[str, str] = {}
    out = {}
    for job in jobs:
        nb_path = Path(job.notebook) if Path(job.notebook).is_absolute() else config.notebooks_dir() / job.notebook
        if job.notebook not in notebooks:
            notebooks[job.notebook] = _digest(_file_bytes([nb_path]))
        if job.kind == "indicator":
            iid = job.indicator_id
            if iid not in by_indicator:
                by_indicator[iid] = _digest(*(_frame_bytes(df[df["indicator_id"] == iid]) for df in tables.values()),
                                            plans)
            data = by_indicator[iid]
        elif job.kind == "tasks":
            data = task_data
        elif job.kind == "feasibility":
            data = feasibility
        elif job.kind not in config.REPORT_KINDS:
            data = ""
        else:
            data = everything
        out[job.stem] = _digest(code, notebooks[job.notebook], job.kind,
                                json.dumps(job.params, sort_keys=True, default=str), ",".join(job.langs), data)
    return out
