"""The plans' tasks and projects as a register: who leads, by when, with what money, what is due.

``data/tasks.csv`` lists every numbered row of the two task lists in the sources (the appendix
of ``004_…`` for 2025–2030 and towards 2045; the appendix of ``001_…`` for 2021–2025). This
module holds the logic on it, pure where possible (frames in, frames out):

* :func:`parse_deadline` reads a printed deadline ("2026 - 2030", "Tháng 10/2025",
  "Quý III/2029", "Năm 2027 và 2030", "Thực hiện thường xuyên giai đoạn 2025 - 2030",
  "Khởi công giai đoạn 2026 - 2030 khi có đủ điều kiện", ...) into a kind and start/end;
  every form met in the sources has a named rule in ``DEADLINE_RULES``, and an unknown form
  is an error, never a guess;
* :func:`classify_funding` and :func:`match_agencies` give the funding kind and the agencies
  named in a printed cell (the agency list is ``data/agencies.csv``);
* :func:`flags` gives, as of a date, ``due``, ``overdue``, ``upcoming``, ``recurring`` and
  ``conditional`` (rules in its docstring);
* :func:`load_task_translations` reads ``data/tasks_en.csv``, the workbook team's unofficial
  English title and section of every task (the Vietnamese original stays authoritative);
* user progress files ``data/user/*task_status.csv`` (``task_id, as_of, state, note, source``)
  are read by :func:`read_status`; :func:`latest_status` keeps every row and lets the latest
  report on or before the date win;
* :func:`summaries` counts by plan, deadline year, funding kind, lead agency and state;
* :func:`register` adds the ``cantho-analysis tasks`` command.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from . import config
from .validation import TABLES, F, Problem, TableSpec, ValidationError, read_table

__all__ = [
    "TASK_COLUMNS", "DEADLINE_KINDS", "FUNDING_KINDS", "STATES", "FLAGS", "Deadline", "DeadlineError",
    "DEADLINE_RULES", "parse_deadline", "deadline_years", "deadline_end_date", "classify_funding",
    "clean_cell", "match_agencies", "split_coordinating", "load_agencies", "load_tasks",
    "user_status_files", "read_status", "latest_status", "flags", "build_register", "filter_register",
    "summaries", "parse_as_of", "resolve_agency", "register", "TRANSLATION_COLUMNS", "load_task_translations",
    "ENGLISH_COLUMNS", "EXPORT_COLUMNS", "with_english",
    "translation_problems",
]

TASK_COLUMNS = ["task_id", "plan", "section", "title", "lead", "coordinating", "deadline_text",
                "deadline_start", "deadline_end", "deadline_kind", "funding_text", "funding_kind",
                "source_file", "source_line", "quote"]
EXTRA_COLUMNS = ["lead_agency", "advisory_agencies", "coordinating_agencies", "note"]
DEADLINE_KINDS = ("by_date", "period", "recurring", "conditional", "milestones")
FUNDING_KINDS = ("state_budget", "non_budget", "mixed", "other")
STATES = ("not_started", "in_progress", "done", "cancelled")
NO_STATE = "unknown"  # no progress reported: counts as not done
FLAGS = ("overdue", "due", "upcoming", "recurring", "conditional")
_CLOSED = ("done", "cancelled")
_DATED = ("by_date", "period", "milestones")


# --------------------------------------------------------------------------- deadlines
class DeadlineError(ValueError):
    """A printed deadline that no rule reads."""


@dataclass(frozen=True)
class Deadline:
    """A printed deadline read: ``start``/``end`` are ``YYYY`` or ``YYYY-MM`` (or None)."""

    text: str
    kind: str
    start: str | None
    end: str | None
    milestones: tuple[str, ...] = ()
    rule: str = ""


def _ws(text: object) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip()


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_Y = r"(\d{4})"
_DASH = r"\s*[-–]\s*"


def _years(kind: str) -> Callable[[re.Match], tuple]:
    def build(m: re.Match) -> tuple:
        g = m.groups()
        return kind, g[0], g[-1], ()
    return build


def _month(m: re.Match) -> tuple:
    month, year = int(m.group(1)), m.group(2)
    if not 1 <= month <= 12:
        raise DeadlineError(f"month {month} out of range")
    return "by_date", f"{year}-{month:02d}", f"{year}-{month:02d}", ()


def _quarter(m: re.Match) -> tuple:
    q, year = _ROMAN[m.group(1).upper()], m.group(2)
    return "by_date", f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}", ()


# (rule name, pattern on the whitespace-normalised text, builder). Order matters: the
# specific forms come before the plain year and period.
DEADLINE_RULES: tuple[tuple[str, re.Pattern, Callable[[re.Match], tuple]], ...] = tuple(
    (name, re.compile(pat, re.IGNORECASE), build) for name, pat, build in (
        ("recurring_in_period", rf"^Thực hiện thường xuyên giai đoạn {_Y}{_DASH}{_Y}$", _years("recurring")),
        ("every_year", r"^Hàng năm$", lambda m: ("recurring", None, None, ())),
        ("start_when_ready", rf"^Khởi công giai đoạn {_Y}{_DASH}{_Y} khi có đủ điều kiện$", _years("conditional")),
        ("after_approval", r"^Sau khi .+ phê duyệt$", lambda m: ("conditional", None, None, ())),
        ("period_then_phase_2", rf"^{_Y}{_DASH}{_Y}, giai đoạn 2 đến năm {_Y}$",
         lambda m: ("milestones", m.group(1), m.group(3), (m.group(2), m.group(3)))),
        ("years_and", rf"^Năm {_Y} và {_Y}$", lambda m: ("milestones", m.group(1), m.group(2), (m.group(1), m.group(2)))),
        ("month", rf"^Tháng (\d{{1,2}})/{_Y}$", _month),
        ("quarter", rf"^Quý (I|II|III|IV)/{_Y}$", _quarter),
        ("by_year", rf"^Đến năm {_Y}$", _years("by_date")),
        ("year_word", rf"^Năm {_Y}$", _years("by_date")),
        ("year", rf"^{_Y}$", _years("by_date")),
        ("period", rf"^{_Y}{_DASH}{_Y}$", _years("period")),
    ))


def parse_deadline(text: str) -> Deadline:
    """Read a printed deadline.

    Parameters
    ----------
    text : str
        The deadline as printed ("2026 - 2030", "Tháng 10/2025", "Quý III/2029", ...).

    Returns
    -------
    Deadline
        ``kind`` is one of ``DEADLINE_KINDS``; ``start``/``end`` are years (``"2026"``) or
        year-months (``"2025-10"``; a quarter gives its first and last month); ``milestones``
        the years of a deadline printed as several dates; ``rule`` the rule that read it.

    Raises
    ------
    DeadlineError
        If no rule reads the text, or the years are out of range or out of order.
    """
    t = _ws(text)
    for name, pat, build in DEADLINE_RULES:
        m = pat.match(t)
        if not m:
            continue
        kind, start, end, milestones = build(m)
        for v in (start, end, *milestones):
            if v is not None and not config.YEAR_MIN <= int(v[:4]) <= config.YEAR_MAX:
                raise DeadlineError(f"year {v[:4]} in deadline {text!r} is outside {config.YEAR_MIN}-{config.YEAR_MAX}")
        if start is not None and end is not None and start > end:
            raise DeadlineError(f"deadline {text!r} ends before it starts")
        return Deadline(t, kind, start, end, tuple(milestones), name)
    raise DeadlineError(f"no rule reads the deadline {text!r}; add a rule to DEADLINE_RULES")


def _last_day(value: str) -> date:
    y = int(value[:4])
    if len(value) == 4:
        return date(y, 12, 31)
    m = int(value[5:7])
    return date(y, m, calendar.monthrange(y, m)[1])


def deadline_end_date(end: str | None) -> date | None:
    """The last day a deadline ``end`` (``YYYY`` or ``YYYY-MM``) covers."""
    return None if end is None or end == "" or pd.isna(end) else _last_day(str(end))


def deadline_years(d: Deadline) -> tuple[int, ...]:
    """The years in which a deadline falls due (none for recurring and conditional tasks)."""
    if d.kind not in _DATED or d.end is None:
        return ()
    if d.kind == "milestones":
        return tuple(sorted({int(v[:4]) for v in d.milestones}))
    return (int(d.end[:4]),)


# --------------------------------------------------------------------------- funding, agencies
_FUNDING_RULES = (
    # (kind, test on the case-folded text); order matters
    ("mixed", lambda t: "ngân sách" in t and "ngoài ngân sách" not in t and ("nguồn" in t or "viện trợ" in t)),
    ("non_budget", lambda t: "ngoài ngân sách" in t),
    ("state_budget", lambda t: t in ("ngân sách nhà nước", "vốn ngân sách nhà nước", "ngân sách")),
)


def classify_funding(text: str | None) -> str | None:
    """Funding kind of a printed source of funds (None when nothing is printed).

    ``state_budget``: the state budget alone ("Ngân sách nhà nước"); ``non_budget``: outside
    the budget ("Dự án ngoài ngân sách", "Vốn ngoài ngân sách"); ``mixed``: the budget and
    other lawful sources or aid ("Ngân sách nhà nước và các nguồn hợp pháp khác", "Vốn ngân
    sách và các nguồn vốn hợp pháp", "..., nguồn viện trợ không hoàn lại ... JICA ...");
    ``other``: anything else.
    """
    if text is None or pd.isna(text) or not _ws(text):
        return None
    t = _ws(text).casefold().rstrip(".")
    for kind, test in _FUNDING_RULES:
        if test(t):
            return kind
    return "other"


def clean_cell(text: object) -> str:
    """A printed cell without conversion artefacts: HTML list tags removed, whitespace collapsed."""
    return _ws(re.sub(r"<[^>]+>", " ", str(text)))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def match_agencies(text: str | None, agencies: pd.DataFrame) -> list[str]:
    """Agencies named in a printed cell, in order of appearance, each once.

    ``agencies`` has columns ``agency`` and ``spellings`` (printed forms separated by ``|``).
    The longest spelling is matched first and its span consumed, so "UBND thành phố" inside
    "các cơ quan chuyên môn tham mưu, giúp việc UBND thành phố" is not counted twice.
    """
    if text is None or pd.isna(text):
        return []
    s = _fold(clean_cell(text))
    forms = sorted(((_fold(sp.strip()), a) for a, sps in zip(agencies["agency"], agencies["spellings"])
                    for sp in str(sps).split("|") if sp.strip()), key=lambda x: -len(x[0]))
    hits: list[tuple[int, str]] = []
    for form, agency in forms:
        start = 0
        while (i := s.find(form, start)) >= 0:
            hits.append((i, agency))
            s = s[:i] + "\0" * len(form) + s[i + len(form):]
            start = i + len(form)
    out: list[str] = []
    for _, a in sorted(hits):
        if a not in out:
            out.append(a)
    return out


def unmatched_text(text: str | None, agencies: pd.DataFrame) -> str:
    """What is left of a cell once agencies and the column's labels are removed (should be '')."""
    if text is None or pd.isna(text):
        return ""
    s = _fold(clean_cell(text))
    for sp in sorted((sp for sps in agencies["spellings"] for sp in str(sps).split("|") if sp.strip()),
                     key=len, reverse=True):
        s = s.replace(_fold(sp.strip()), " ")
    s = re.sub(r"(các )?cơ quan (chủ trì tham mưu|chủ trì|phối hợp|thực hiện)\s*:", " ", s)
    s = re.sub(r"\bvà\b|[-.;,:]", " ", s)
    return _ws(s)


_ADVISORY = re.compile(r"Cơ quan chủ trì(?: tham mưu)?\s*:\s*(.*?)(?=\s+-\s+(?:Các cơ quan phối hợp|Cơ quan thực hiện)\s*:|$)",
                       re.IGNORECASE)


def split_coordinating(text: str | None) -> tuple[str, str]:
    """Split a coordinating cell into the advising/implementing lead ("Cơ quan chủ trì (tham mưu): …")
    and the rest (the coordinating bodies proper)."""
    if text is None or pd.isna(text):
        return "", ""
    s = clean_cell(text)
    m = _ADVISORY.search(s)
    if not m:
        return "", s
    return m.group(1).strip(" .;"), _ws(s[:m.start()] + " " + s[m.end():]).strip(" -.;")


# --------------------------------------------------------------------------- loading
def load_agencies(data_dir: Path | None = None) -> pd.DataFrame:
    """The agency list (``data/agencies.csv``), validated."""
    d = Path(data_dir) if data_dir else config.data_dir()
    df, problems = read_table(d / "agencies.csv", "agencies", label=_label(d / "agencies.csv"))
    if problems:
        raise ValidationError(problems)
    return df.astype(object).where(df.notna(), None)


def _label(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(config.REPO_ROOT))
    except ValueError:
        return str(path)


def load_tasks(data_dir: Path | None = None, agencies: pd.DataFrame | None = None,
               plans: Iterable[str] | None = None) -> pd.DataFrame:
    """``data/tasks.csv``, validated (schema, known plans and agencies, deadlines that parse).

    Raises
    ------
    ValidationError
        With every problem found (file, row, field).
    """
    d = Path(data_dir) if data_dir else config.data_dir()
    path = d / "tasks.csv"
    label = _label(path)
    df, problems = read_table(path, "tasks", label=label)
    if problems:
        raise ValidationError(problems)
    agencies = load_agencies(d) if agencies is None else agencies
    if plans is None:
        plans = pd.read_csv(d / "plans.csv", dtype=str, keep_default_na=False)["plan"]
    problems = task_problems(df, label, set(agencies["agency"]), set(plans))
    if problems:
        raise ValidationError(problems)
    return df


def task_problems(df: pd.DataFrame, label: str, agencies: set[str], plans: set[str]) -> list[Problem]:
    """Checks beyond the schema: plan and agencies known, deadline fields equal to the parse."""
    out: list[Problem] = []
    for i, r in enumerate(df.to_dict("records"), 1):
        if r["plan"] not in plans:
            out.append(Problem(label, i, "plan", f"unknown plan {r['plan']!r} (not in plans.csv)"))
        for col in ("lead_agency", "advisory_agencies", "coordinating_agencies"):
            for a in _ids(r.get(col)):
                if a not in agencies:
                    out.append(Problem(label, i, col, f"unknown agency {a!r} (not in agencies.csv)"))
        try:
            d = parse_deadline(r["deadline_text"])
        except DeadlineError as e:
            out.append(Problem(label, i, "deadline_text", str(e)))
            continue
        for col, want in (("deadline_kind", d.kind), ("deadline_start", d.start), ("deadline_end", d.end)):
            got = r.get(col)
            got = None if got is None or pd.isna(got) or got == "" else str(got)
            if got != want:
                out.append(Problem(label, i, col, f"{got!r} does not match the printed deadline "
                                   f"{r['deadline_text']!r} (read as {want!r})"))
        fk = classify_funding(r.get("funding_text"))
        got = r.get("funding_kind")
        got = None if got is None or pd.isna(got) or got == "" else str(got)
        if got != fk:
            out.append(Problem(label, i, "funding_kind", f"{got!r} does not match the printed funding "
                               f"{r.get('funding_text')!r} (read as {fk!r})"))
    return out


# --------------------------------------------------------------------------- English titles
TRANSLATION_FILE = "tasks_en.csv"
TRANSLATION_COLUMNS = ["task_id", "title_en", "section_en", "translator_note"]
TABLES.setdefault("tasks_en", TableSpec(
    "tasks_en",
    {
        "task_id": F("text", unique=True),
        "title_en": F("text"),
        "section_en": F("text"),
        "translator_note": F("text", required=False),
    },
    ("task_id", "title_en", "section_en"),
))


def translation_problems(tr: pd.DataFrame, tasks: pd.DataFrame, label: str) -> list[Problem]:
    """Checks of the English titles beyond the schema: every ``task_id`` is a task of tasks.csv,
    every task has its row, and the tasks of one printed section share one English section."""
    out: list[Problem] = []
    known = set(tasks["task_id"])
    section_of = dict(zip(tasks["task_id"], tasks["section"]))
    first_en: dict[str, tuple[str, int]] = {}  # printed section -> (English, row that gave it)
    for i, r in enumerate(tr.to_dict("records"), 1):
        tid = r.get("task_id")
        if tid is None or (not isinstance(tid, str) and pd.isna(tid)) or not str(tid):
            continue  # the schema reported it
        if tid not in known:
            out.append(Problem(label, i, "task_id", f"unknown task_id {tid!r} (not in tasks.csv)"))
            continue
        en = r.get("section_en")
        if not isinstance(en, str) or not en.strip():
            continue
        sec = section_of[tid]
        if sec in first_en and first_en[sec][0] != en:
            out.append(Problem(label, i, "section_en", f"{en!r} differs from {first_en[sec][0]!r} (row "
                               f"{first_en[sec][1]}) for the same printed section {sec[:60]!r}"))
        first_en.setdefault(sec, (en, i))
    given = set(tr["task_id"].dropna().astype(str)) if "task_id" in tr else set()
    missing = [t for t in tasks["task_id"] if t not in given]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        out.append(Problem(label, None, "task_id", f"no English title for {len(missing)} task(s) of tasks.csv: "
                           f"{', '.join(missing[:5])}{more}"))
    return out


def load_task_translations(data_dir: Path | None = None, tasks: pd.DataFrame | None = None) -> pd.DataFrame:
    """``data/tasks_en.csv``: the English title and section of every task (``task_id, title_en,
    section_en, translator_note``), validated against ``tasks`` (default: tasks.csv).

    Raises
    ------
    ValidationError
        With every problem found (file, row, field): a missing or empty field, a repeated or
        unknown ``task_id``, a task without its row, two English names for one printed section.
    """
    d = Path(data_dir) if data_dir else config.data_dir()
    path = d / TRANSLATION_FILE
    label = _label(path)
    df, problems = read_table(path, "tasks_en", label=label)
    if problems:
        raise ValidationError(problems)
    tasks = load_tasks(d) if tasks is None else tasks
    problems = translation_problems(df, tasks, label)
    if problems:
        raise ValidationError(problems)
    df = df[TRANSLATION_COLUMNS].astype(object)
    return df.where(df.notna(), "")


def _ids(value: object) -> list[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [x for x in str(value).split(";") if x]


def user_status_files(user_dir: Path | None = None) -> list[Path]:
    """``data/user/*task_status.csv``, sorted by name."""
    d = Path(user_dir) if user_dir else config.user_dir()
    return sorted(d.glob("*task_status.csv")) if d.exists() else []


STATUS_COLUMNS = ["task_id", "as_of", "state", "note", "source", "file", "row"]


def read_status(paths: Iterable[str | Path], task_ids: Iterable[str] | None = None
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read progress files; every row is kept, with its ``file`` and ``row``.

    Each file is validated (columns ``task_id, as_of, state, note, source``; ``as_of`` a full
    date YYYY-MM-DD; ``state`` one of ``STATES``); with ``task_ids``, unknown tasks are
    problems too. Returns the rows and every problem (file, row, field).
    """
    known = set(task_ids) if task_ids is not None else None
    frames, problems = [], []
    for p in paths:
        label = _label(Path(p))
        df, probs = read_table(p, "task_status", label=label)
        problems += probs
        if df.empty or "task_id" not in df:
            continue
        df = df.assign(file=label, row=range(1, len(df) + 1))
        if known is not None:
            for r, tid in zip(df["row"], df["task_id"]):
                if tid and tid not in known:
                    problems.append(Problem(label, int(r), "task_id", f"unknown task_id {tid!r} (not in tasks.csv)"))
        frames.append(df[[c for c in STATUS_COLUMNS if c in df]])
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in STATUS_COLUMNS}), problems
    return pd.concat(frames, ignore_index=True), sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or ""))


def latest_status(status: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """One row per task: the latest report dated on or before ``as_of`` (all reports if None).

    Ties on the date go to the later row (later file, then later line). Adds ``n_reports``
    (how many reports were considered for the task). Nothing is dropped from ``status``.
    """
    cols = ["task_id", "state", "status_as_of", "status_note", "status_source", "n_reports"]
    if status is None or status.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    s = status.reset_index(drop=True).assign(_order=lambda d: range(len(d)))
    s["_date"] = pd.to_datetime(s["as_of"].astype(str), format="%Y-%m-%d", errors="coerce")
    s = s[s["_date"].notna()]
    if as_of is not None:
        s = s[s["_date"] <= pd.Timestamp(as_of)]
    if s.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    s = s.sort_values(["task_id", "_date", "_order"], kind="mergesort")
    n = s.groupby("task_id")["state"].transform("size")
    s = s.assign(n_reports=n).groupby("task_id", sort=True).tail(1)
    out = s.rename(columns={"as_of": "status_as_of", "note": "status_note", "source": "status_source"})
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- flags
def flags(deadline_text: str, state: str | None, as_of: date) -> dict[str, bool]:
    """The five flags of one task as of a date.

    * ``due``: a deadline year (the end year; for milestones, any milestone year) is the
      year of ``as_of``. A task can be due and done.
    * ``overdue``: the deadline's last day (31 December of the end year, or the last day of
      the printed month or quarter; for milestones the last one) is before ``as_of`` and the
      task is not reported ``done`` or ``cancelled`` (no report counts as not done).
    * ``upcoming``: the end year is after the year of ``as_of`` and the task is not closed.
    * ``recurring`` / ``conditional``: the deadline's kind. These tasks have no date that can
      pass, so they are never due, overdue or upcoming.
    """
    d = parse_deadline(deadline_text)
    closed = state in _CLOSED
    out = dict.fromkeys(FLAGS, False)
    out["recurring"] = d.kind == "recurring"
    out["conditional"] = d.kind == "conditional"
    if d.kind in _DATED and d.end is not None:
        out["due"] = as_of.year in deadline_years(d)
        out["overdue"] = (not closed) and deadline_end_date(d.end) < as_of
        out["upcoming"] = (not closed) and int(d.end[:4]) > as_of.year
    return out


def main_flag(f: dict[str, bool]) -> str:
    """The first flag that holds, in the order of ``FLAGS`` ('' when none does)."""
    return next((k for k in FLAGS if f.get(k)), "")


def build_register(tasks: pd.DataFrame, status: pd.DataFrame | None = None, as_of: date | None = None
                   ) -> pd.DataFrame:
    """Tasks with their latest state (as of the date) and flags.

    Adds ``state`` (``unknown`` when nothing is reported), ``status_as_of``, ``status_note``,
    ``status_source``, ``n_reports``, ``deadline_year`` (the end year, or <NA>), one boolean
    column per flag and ``flag`` (the first that holds: overdue, due, upcoming, recurring,
    conditional).
    """
    as_of = as_of or date.today()
    latest = latest_status(status if status is not None else pd.DataFrame(), as_of)
    reg = tasks.merge(latest, on="task_id", how="left")
    reg["state"] = reg["state"].astype(object).where(reg["state"].notna(), NO_STATE)
    reg["n_reports"] = pd.to_numeric(reg["n_reports"], errors="coerce").fillna(0).astype(int)
    end = reg["deadline_end"].astype(object)
    reg["deadline_year"] = pd.array([int(str(v)[:4]) if isinstance(v, str) and v else pd.NA for v in end],
                                    dtype="Int64")
    fl = [flags(t, s, as_of) for t, s in zip(reg["deadline_text"], reg["state"])]
    for k in FLAGS:
        reg[k] = [f[k] for f in fl]
    reg["flag"] = [main_flag(f) for f in fl]
    return reg


def filter_register(reg: pd.DataFrame, plan: str | None = None, lead: str | None = None,
                    due: int | None = None, state: str | None = None) -> pd.DataFrame:
    """Rows of a register for one plan, lead agency, year in which they fall due, or state."""
    out = reg
    if plan:
        out = out[out["plan"] == plan]
    if lead:
        out = out[out["lead_agency"] == lead]
    if due is not None:
        out = out[[due in deadline_years(parse_deadline(t)) for t in out["deadline_text"]]]
    if state:
        out = out[out["state"] == state]
    return out


def summaries(reg: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Counts of tasks by plan, deadline year, funding kind, lead agency, state and flag.

    Each value is a frame with the key's column and ``tasks``; missing keys are counted
    under ``none`` (a deadline without a year, a list without funding).
    """
    out = {}
    for key, col in (("plan", "plan"), ("deadline_year", "deadline_year"), ("funding_kind", "funding_kind"),
                     ("lead_agency", "lead_agency"), ("state", "state"), ("flag", "flag")):
        s = reg[col].astype(object).where(reg[col].notna() & (reg[col].astype(str) != ""), "none")
        c = s.value_counts().rename_axis(key).reset_index(name="tasks")
        c["_k"] = c[key].map(lambda v: (1, "") if v == "none" else (0, f"{v:>8}" if isinstance(v, int) else str(v)))
        out[key] = c.sort_values(["_k"] if key == "deadline_year" else ["tasks", "_k"],
                                 ascending=[True] if key == "deadline_year" else [False, True],
                                 kind="mergesort").drop(columns="_k").reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- options
def parse_as_of(text: str | None) -> date:
    """``--as-of``: a date YYYY-MM-DD (default today)."""
    if text is None or text == "":
        return date.today()
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f"--as-of: {text!r} is not a date; write YYYY-MM-DD (for example 2026-06-30)") from None


def resolve_agency(text: str, agencies: pd.DataFrame) -> str:
    """An agency id from an id, a Vietnamese or English name, or a printed spelling (case-insensitive)."""
    t = _fold(_ws(text))
    for _, a in agencies.iterrows():
        names = [a["agency"], a["name_vi"], a["name_en"], *str(a["spellings"]).split("|")]
        if t in {_fold(_ws(n)) for n in names if n}:
            return a["agency"]
    raise ValueError(f"--lead: unknown agency {text!r}; use one of: {', '.join(agencies['agency'])}")


# --------------------------------------------------------------------------- command
OUTPUT_COLUMNS = TASK_COLUMNS + ["lead_agency", "advisory_agencies", "coordinating_agencies", "note", "state",
                                 "status_as_of", "status_note", "status_source", "n_reports", "deadline_year",
                                 *FLAGS, "flag"]
# added after every earlier column (scripts that read the export by position keep working): the workbook
# team's unofficial English title and section of each task (data/tasks_en.csv); the printed
# Vietnamese ``title`` and ``section`` stay the authoritative text
ENGLISH_COLUMNS = ["title_en", "section_en"]
EXPORT_COLUMNS = OUTPUT_COLUMNS + ENGLISH_COLUMNS


def with_english(reg: pd.DataFrame, english: pd.DataFrame) -> pd.DataFrame:
    """``reg`` with the English ``title_en`` and ``section_en`` of each task from ``english``
    (:func:`load_task_translations`), row order kept; a task without a translation row is refused
    (the translations are validated to cover every task)."""
    out = reg.drop(columns=[c for c in ENGLISH_COLUMNS if c in reg]).merge(
        english[["task_id", *ENGLISH_COLUMNS]], on="task_id", how="left", validate="many_to_one")
    missing = out.loc[out["title_en"].isna(), "task_id"].tolist()
    if missing:
        raise ValueError(f"no English title in {TRANSLATION_FILE} for task(s) {', '.join(map(str, missing[:5]))}")
    out.index = reg.index
    return out


def _fail(msg: str) -> int:
    print(f"cantho-analysis tasks: {msg}", file=sys.stderr)
    return 2


def cmd_tasks(args: argparse.Namespace) -> int:
    from .publish import OutputError, check_output_file, write_output_file
    from .safetext import spreadsheet_safe_frame, terminal_safe

    try:
        as_of = parse_as_of(args.as_of)
        if args.out or args.format == "xlsx":  # refuse a bad place before any work
            check_output_file(args.out or f"tasks_{as_of.isoformat()}.xlsx")
    except OutputError as e:
        return _fail(terminal_safe(e))
    except ValueError as e:
        return _fail(str(e))
    agencies = load_agencies()
    tasks = load_tasks(agencies=agencies)
    plans = sorted(set(tasks["plan"]))
    if args.plan and args.plan not in plans:
        return _fail(f"--plan: unknown plan {args.plan!r}; use one of: {', '.join(plans)}")
    lead = None
    if args.lead:
        try:
            lead = resolve_agency(args.lead, agencies)
        except ValueError as e:
            return _fail(str(e))
    if args.state and args.state not in (*STATES, NO_STATE):
        return _fail(f"--state: unknown state {args.state!r}; use one of: {', '.join((*STATES, NO_STATE))}")
    if args.due is not None and not config.YEAR_MIN <= args.due <= config.YEAR_MAX:
        return _fail(f"--due: {args.due} is not a year between {config.YEAR_MIN} and {config.YEAR_MAX}")
    files = user_status_files() + [Path(f) for f in (args.status or [])]
    status, problems = read_status(files, tasks["task_id"])
    if problems:
        raise ValidationError(problems)
    reg = with_english(build_register(tasks, status, as_of), load_task_translations(tasks=tasks))
    reg = filter_register(reg, args.plan, lead, args.due, args.state)
    reg = reg.sort_values(["plan", "task_id"], kind="mergesort")
    out = reg[EXPORT_COLUMNS]
    if args.format == "csv":
        text = spreadsheet_safe_frame(out.astype(object).where(out.notna(), "")).to_csv(index=False)
        if args.out:
            write_output_file(args.out, text.encode("utf-8-sig" if args.bom else "utf-8"))
            print(f"wrote {len(out)} task(s) to {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(("\ufeff" if args.bom else "") + text)
    elif args.format == "json":
        recs = json.loads(out.to_json(orient="records", force_ascii=False))
        text = json.dumps({"as_of": as_of.isoformat(), "count": len(recs), "tasks": recs}, ensure_ascii=False, indent=1)
        if args.out:
            write_output_file(args.out, (text + "\n").encode("utf-8"))
            print(f"wrote {len(out)} task(s) to {args.out}", file=sys.stderr)
        else:
            print(text)
    elif args.format == "xlsx":
        path = Path(args.out or f"tasks_{as_of.isoformat()}.xlsx")
        write_xlsx(out, summaries(reg), path, as_of)
        print(f"wrote {len(out)} task(s) to {path.resolve()}", file=sys.stderr)
    else:
        names = dict(zip(agencies["agency"], agencies["name_en"]))
        view = pd.DataFrame({
            "task": out["task_id"], "lead": out["lead_agency"].map(names).str.slice(0, 48),
            "deadline": out["deadline_text"].str.slice(0, 34), "funding": out["funding_kind"].fillna("—"),
            "state": out["state"], "flag": out["flag"].replace("", "—"), "title": out["title"].str.slice(0, 60)})
        with pd.option_context("display.max_rows", None, "display.width", 250, "display.max_colwidth", 70):
            print(terminal_safe(view.to_string(index=False)) if len(view) else "no task matches.")
        counts = reg["flag"].replace("", "none").value_counts()
        print(f"\n{len(out)} task(s) as of {as_of.isoformat()}; "
              + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def write_xlsx(reg: pd.DataFrame, counts: dict[str, pd.DataFrame], path: Path, as_of: date) -> Path:
    """The register and its counts as an Excel workbook (every text cell spreadsheet-safe), written
    all at once (``publish.write_output_file``): a failure leaves no half-written workbook."""
    import io

    from .publish import write_output_file
    from .safetext import spreadsheet_safe_frame

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        spreadsheet_safe_frame(reg.astype(object).where(reg.notna(), None)).to_excel(xw, sheet_name="tasks", index=False)
        for key, df in counts.items():
            spreadsheet_safe_frame(df.astype(object)).to_excel(xw, sheet_name=f"by_{key}"[:31], index=False)
        pd.DataFrame({"as_of": [as_of.isoformat()], "tasks": [len(reg)]}).to_excel(xw, sheet_name="about", index=False)
    return write_output_file(path, buf.getvalue())


def register(sub) -> None:
    """Add ``cantho-analysis tasks`` to the command's sub-parsers."""
    t = sub.add_parser("tasks", help="the plans' tasks and projects: who leads, by when, with what money, what is due")
    t.add_argument("--plan", help="only this plan (dh_i_2025_2030, ctr17_2021_2025)")
    t.add_argument("--lead", metavar="AGENCY", help="only tasks led by this agency (id or name; see data/agencies.csv)")
    t.add_argument("--due", type=int, metavar="YEAR", help="only tasks falling due in this year")
    t.add_argument("--state", help="only tasks in this state (" + ", ".join((*STATES, NO_STATE)) + ")")
    t.add_argument("--as-of", dest="as_of", metavar="DATE", help="flags and states as of this date, YYYY-MM-DD (default today)")
    t.add_argument("--format", choices=("table", "csv", "json", "xlsx"), default="table")
    t.add_argument("--out", metavar="FILE", help="write to FILE (xlsx default: tasks_<as-of>.xlsx here)")
    t.add_argument("--bom", action="store_true", help="CSV: UTF-8 with a byte-order mark (for Excel)")
    t.add_argument("--status", action="append", metavar="FILE",
                   help="extra progress file (columns task_id, as_of, state, note, source); repeatable")
    t.set_defaults(func=cmd_tasks)
