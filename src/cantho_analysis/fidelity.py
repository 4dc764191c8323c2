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

__all__ = ["WINDOW", "check_rows", "check_tallies", "check_catalog"]

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
