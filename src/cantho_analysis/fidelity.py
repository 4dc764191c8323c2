"""Fidelity of curated rows to their sources.

For every row whose ``source_file`` is one of the files kept in ``data/raw/`` (the five
seed documents and ``public-statistics.md``), check that

* the quote is found, whitespace aside, within ``WINDOW`` lines of ``source_line``;
* every number stored in the row (``low``/``high`` for targets, ``value`` for actuals
  and scenarios, or ``value_low``/``value_high`` for range midpoints, ``count`` for the
  documents' own tallies) appears among the numbers of the quote once the quote's notation (``number_format``) is read and the
  row's ``quote_scale`` applied (``3.222 nghìn`` stored as 3,222,000 has scale 1000).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config
from .numbers import numbers_in_text
from .validation import Problem

__all__ = ["WINDOW", "check_rows", "check_tallies", "check_catalog", "check_tasks", "task_block"]

WINDOW = 3
_DECLINE = re.compile(r"giảm|decreas|shr[ai]nk|fell|−|-\s*\d", re.IGNORECASE)


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


@lru_cache(maxsize=16)
def _lines(path: str) -> tuple[str, ...]:
    return tuple(Path(path).read_text(encoding="utf-8").split("\n"))


def _window(path: Path, line: int, width: int = WINDOW) -> str:
    lines = _lines(str(path))
    lo, hi = max(1, line - width), min(len(lines), line + width)
    return " ".join(_ws(x) for x in lines[lo - 1:hi] if x.strip())


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _present(value: float, found: list[float], scale: float, allow_sign_flip: bool) -> bool:
    for x in found:
        y = x * scale
        if _close(y, value) or (allow_sign_flip and _close(-y, value)):
            return True
    return False


def _row_numbers(row: pd.Series, kind: str) -> list[tuple[str, float]]:
    def num(name):
        v = row.get(name)
        return None if v is None or pd.isna(v) else float(v)
    if kind == "targets":
        return [(n, num(n)) for n in ("low", "high") if num(n) is not None]
    if str(row.get("value_kind", "exact")) == "range_midpoint":
        pairs = [(n, num(n)) for n in ("value_low", "value_high") if num(n) is not None]
        if pairs:
            return pairs
    return [("value", num("value"))] if num("value") is not None else []


def check_rows(df: pd.DataFrame, kind: str, raw_dir: Path | None = None, label: str | None = None
               ) -> list[Problem]:
    """Check every raw-sourced row of a table; return the problems (empty when faithful)."""
    raw_dir = raw_dir or config.raw_dir()
    label = label or f"{kind}.csv"
    out: list[Problem] = []
    for i, row in df.reset_index(drop=True).iterrows():
        src = row.get("source_file")
        if src is None or pd.isna(src) or not str(src):
            continue
        path = raw_dir / str(src)
        r = i + 1
        if not path.exists():
            out.append(Problem(label, r, "source_file", f"source file {src!r} is not in {raw_dir}"))
            continue
        line = row.get("source_line")
        if line is None or pd.isna(line):
            out.append(Problem(label, r, "source_line", "missing"))
            continue
        quote = _ws(row.get("quote", ""))
        window = _window(path, int(line))
        if quote not in window:
            out.append(Problem(label, r, "quote", f"not found within {WINDOW} lines of {src}:{int(line)}"))
            continue
        fmt = str(row.get("number_format") or "vi")
        scale = float(row.get("quote_scale") or 1)
        found = numbers_in_text(quote, fmt=fmt)
        decline = bool(_DECLINE.search(quote))
        for name, value in _row_numbers(row, kind):
            if not _present(value, found, scale, decline):
                out.append(Problem(label, r, name, f"{value:g} does not appear in the quote "
                                   f"(numbers read as {fmt}, scale {scale:g}: {', '.join(f'{x:g}' for x in found)})"))
        ratio = row.get("doc_ratio_pct")
        if ratio is not None and not pd.isna(ratio):
            if not _present(float(ratio), numbers_in_text(window, fmt="vi"), 1.0, False):
                out.append(Problem(label, r, "doc_ratio_pct", f"{float(ratio):g} not found near {src}:{int(line)}"))
        also = row.get("also_source_line")
        if also is not None and not pd.isna(also) and quote not in _window(path, int(also)):
            out.append(Problem(label, r, "also_source_line", f"quote not found near {src}:{int(also)}"))
    return out


def check_tallies(tallies: pd.DataFrame, raw_dir: Path | None = None) -> list[Problem]:
    """Every row of ``doc_tallies.csv`` against its quote and line: the count must be in the quote."""
    if tallies is None or tallies.empty:
        return []
    return check_rows(tallies.assign(value=tallies["count"].astype("Float64")), "doc_tallies", raw_dir)


def check_catalog(cat, raw_dir: Path | None = None) -> list[Problem]:
    """Fidelity problems across targets, actuals, scenarios, base rates and tallies of a catalogue."""
    probs = []
    probs += check_rows(cat.targets, "targets", raw_dir)
    probs += check_rows(cat.actuals[cat.actuals["origin"] == "bundled"], "actuals", raw_dir)
    probs += check_rows(cat.scenarios, "scenarios", raw_dir)
    br = cat.base_rates
    # Counts taken from the quote are checked against it; derived counts (see the row's
    # note) and counts from the figure column are checked for the quote only.
    br = br.assign(value=br["count"].astype("Float64").where(br["count_source"] == "quote"))
    probs += check_rows(br, "base_rates", raw_dir)
    probs += check_tallies(getattr(cat, "tallies", None), raw_dir)
    return probs


# --------------------------------------------------------------------------- the task register
# A task row's cells lie on its own line (004) or on the lines after its number (001): the
# "row block" runs from source_line to the line before the next row or section number.
_ROW_START = re.compile(r"^\s*(\d{1,3}|[IVX]+)(\s*$|\t| \S)")
TASK_FIELDS = ("title", "lead", "coordinating", "deadline_text", "funding_text")
MAX_BLOCK = 12


def _cell(text: object) -> str:
    return _ws(re.sub(r"<[^>]+>", " ", str(text)))


def task_block(path: Path, line: int) -> str:
    """The text of a task row: its line and the following ones up to the next row (tags removed)."""
    lines = _lines(str(path))
    out = [lines[line - 1]] if 1 <= line <= len(lines) else []
    for k in range(line, min(len(lines), line - 1 + MAX_BLOCK)):
        if _ROW_START.match(lines[k]):
            break
        out.append(lines[k])
    return " ".join(_cell(x) for x in out if x.strip())


def check_tasks(df: pd.DataFrame, raw_dir: Path | None = None, label: str = "tasks.csv") -> list[Problem]:
    """Fidelity of the task register: the quote within ``WINDOW`` lines of ``source_line`` (as for
    every catalogue row), the quote starting with the row's printed number, and every printed
    cell (title, lead, coordinating, deadline, funding) found in the row's block."""
    raw_dir = raw_dir or config.raw_dir()
    out = check_rows(df, "tasks", raw_dir, label)
    bad = {p.row for p in out}
    for i, row in enumerate(df.reset_index(drop=True).to_dict("records"), 1):
        if i in bad:
            continue
        path = raw_dir / str(row["source_file"])
        number = str(row["task_id"]).rsplit(".", 1)[-1]
        start = re.compile(rf"^0*{int(number)}\b") if number.isdigit() else None
        if start is None or not start.match(_ws(row["quote"])):
            out.append(Problem(label, i, "quote", f"does not start with the row's number {number}"))
        block = task_block(path, int(row["source_line"]))
        if start is None or not start.match(block):
            out.append(Problem(label, i, "source_line", f"line {row['source_line']} of {row['source_file']} "
                               f"is not the start of row {number}"))
        for f in TASK_FIELDS:
            v = row.get(f)
            if v is None or (not isinstance(v, str) and pd.isna(v)) or not str(v).strip():
                continue
            if _cell(v) not in block:
                out.append(Problem(label, i, f, f"not found in row {number} at {row['source_file']}:{row['source_line']}"))
    return sorted(out, key=lambda p: (p.row or 0, p.field or ""))
