"""Targets against outcomes: baselines, target paths, progress status and verdicts.

Pure functions: frames and dicts in, frames and records out; no file I/O.

Status while a period is open follows the progress measure of the Open SDG platform
(sdg-build): ``R = observed rate of progress / rate required to reach the target``, with
``on_track`` for R >= 0.95, ``needs_acceleration`` for 0.6 <= R < 0.95,
``limited_progress`` for 0 <= R < 0.6 and ``regressing`` for R < 0; ``achieved`` when the
target is already met, ``no_data`` when no outcome after the baseline exists. Rates are
compound (CAGR) for levels and counts and linear (points per year) for shares, ratios and
growth rates. Average-growth targets are tracked through the cumulative index: the
average achieved so far is compared with the target average, and the growth still
required in the remaining years is reported (no CAGR of a rate is ever taken).

When the period is closed (the last year has an outcome) the verdict is ``exceeded``,
``achieved`` or ``not_achieved`` (one rule, ``verdict``), with the gap in the indicator's unit
and in percent of the target, mirroring the documents' own Vượt / Đạt / Không đạt. Strict
bounds ("dưới", "trên": ``strict = yes``) exclude their own value. The direction is the
indicator's ``better``; a one-sided target on a band indicator says its own (``direction``).
An outturn printed as a range or a bound is judged as an interval (``outturn_ends``): only
when its two ends give the same verdict; otherwise the status is ``undetermined``, with no
gap. A document verdict printed on a numbered item's heading (``doc_verdict_scope = item``)
is the item's, kept in ``item_doc_verdict`` and never compared with a row's verdict.

Two more states, judged against the year of the assessment (``as_of``; ``scorecard`` derives
it from the data by default: the latest year with any outturn + 1, see ``default_as_of``):

* ``closed_no_outturn``: the deadline (``period_end``) has passed and no figure for the
  target year exists. No progress ratio is given; the status the open period had at its
  last figure is kept in ``last_open_status``.
* ``superseded``: a target of a unit that ceased to exist (the three units merged on
  1 July 2025) with a deadline after 2025. It is assessed up to its last year (the
  observed rate and progress ratio to its last figure stay) and names the merged city's
  corresponding target as ``successor`` where one exists.

And one that depends on the data alone:

* ``copied_text``: a target whose printed words repeat, word for word, another unit's target
  (``copy_of`` in ``targets.csv`` names it: Sóc Trăng's 2025 "≥ 9,5 %" of ``004``:793 is old
  Cần Thơ's ``004``:709, "của thành phố" included). It is not a target the unit set itself, so
  it gets no verdict and no gap and is left out of the planning-realism figures, as the
  feasibility audit leaves it out of the plan-target errors; the figure it would have been
  judged on stays (``latest_value``) and the verdict it would have had is kept in
  ``last_open_status``.

Levels and counts at zero or below (a zero target, a negative baseline) have no compound
rate; they fall back to linear rates in the indicator's unit per year (``rate_unit`` =
``units/yr``), as the target path already does.

What it takes (``what_it_takes``): for targets still open, the required annual rate from
the baseline (compound for levels, points per year for shares and rates, the growth still
required in the remaining years for average-growth targets, the target itself for a
growth rate to reach in a year), the rate achieved over the last five years with data
(``achieved_rate_5y``, same indicator and unit, years in ``achieved_from``–``achieved_to``)
and the stretch ratio ``required / achieved``.
"""

from __future__ import annotations

from collections import OrderedDict

import math
from dataclasses import asdict, dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .config import MULTI_YEAR_SUBPERIODS, STATUS_RANK

__all__ = [
    "AS_OF_DATA", "default_as_of", "figure_years", "direction", "outturn_ends", "interval_verdict", "OLD_UNITS", "UNIT_LAST_YEAR", "NEW_STATUSES", "what_it_takes", "successors",
    "stretch_ranking", "ON_TRACK", "ACCELERATE", "OPEN_STATUSES", "VERDICTS", "DOC_VERDICTS",
    "Assessment", "annual_series", "period_values", "baseline", "trajectory", "growth_progress",
    "classify_ratio", "verdict", "assess_target", "scorecard", "planning_realism", "realism_summary",
    "NARROW_MISS_PCT", "narrowly_missed", "strict_bound", "base_versions", "rate_from_base", "base_alternatives", "base_rate_range",
]

ON_TRACK, ACCELERATE = 0.95, 0.6
OPEN_STATUSES = ("achieved", "on_track", "needs_acceleration", "limited_progress", "regressing", "no_data")
NEW_STATUSES = ("no_baseline", "closed_no_outturn", "superseded", "copied_text")
OLD_UNITS = ("can_tho_old", "soc_trang", "hau_giang")  # merged into the new Cần Thơ on 1 July 2025
UNIT_LAST_YEAR = 2025
SUCCESSOR_LOCALITY = "can_tho_merged"
ACHIEVED_WINDOW = 5
# A past pace from one or two years says little (one rebound year, one revision): the achieved
# rate needs at least this many years of change, else it is left out and the stretch with it.
MIN_ACHIEVED_YEARS = 3
VERDICTS = ("exceeded", "achieved", "not_achieved")
DOC_VERDICTS = {"Vượt": "exceeded", "Đạt": "achieved", "Không đạt": "not_achieved"}
_GEOMETRIC = {"level", "count"}
# A target not achieved by at most this share of its own value (|gap| <= 1 % of the target: 53.12
# against 53.13–53.14, 94.8 against 95) is "narrowly missed". The verdict stays not_achieved (the
# rule does not bend); only the words say how near it came. One rule, stated on the pages.
NARROW_MISS_PCT = 1.0


def _f(x) -> float | None:
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return float(x)


# --------------------------------------------------------------------------- series helpers
_SERIES_COLS = ["period_start", "value", "status", "published", "value_kind", "value_low", "value_high", "n_versions",
                "n_values", "actual_id", "source_file", "source_line"]


def annual_series(best: pd.DataFrame, indicator_id: str, locality: str) -> pd.DataFrame:
    """Single-year best-available points of one indicator and locality, by year."""
    b = best[(best["indicator_id"] == indicator_id) & (best["locality"] == locality)
             & (best["period_start"] == best["period_end"])]
    out = b[[c for c in _SERIES_COLS if c in b.columns]].rename(columns={"period_start": "year"})
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def period_values(best: pd.DataFrame, indicator_id: str, locality: str) -> pd.DataFrame:
    """Multi-year best-available figures (period averages or totals) of one indicator and locality.

    ``subperiod`` says which: ``average`` (a yearly average over the period) or ``total`` (a
    cumulative total); a total is never read as an annual value or an average, nor the reverse.
    """
    b = best[(best["indicator_id"] == indicator_id) & (best["locality"] == locality)
             & (best["period_start"] < best["period_end"])]
    return b.sort_values(["period_start", "period_end"], kind="stable").reset_index(drop=True)


def _series_by_unit(best: pd.DataFrame) -> dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]]:
    """``annual_series`` and ``period_values`` of every (indicator, locality) in ``best`` at once:
    the same frames, from one filter and one sort of the whole table instead of one per unit."""
    key = ["indicator_id", "locality"]
    single = best["period_start"] == best["period_end"]
    ann = best[single].sort_values(key + ["period_start"], kind="stable")
    ann_cols = [c for c in _SERIES_COLS if c in best.columns]
    per = best[best["period_start"] < best["period_end"]].sort_values(key + ["period_start", "period_end"],
                                                                       kind="stable")
    out: dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]] = {}
    empty_ann = ann[ann_cols].iloc[0:0].rename(columns={"period_start": "year"}).reset_index(drop=True)
    empty_per = per.iloc[0:0].reset_index(drop=True)
    ann_groups = {k: g for k, g in ann.groupby(key, sort=False)}
    per_groups = {k: g for k, g in per.groupby(key, sort=False)}
    for k in dict.fromkeys([*ann_groups, *per_groups]):
        a, p = ann_groups.get(k), per_groups.get(k)
        out[k] = (empty_ann if a is None else a[ann_cols].rename(columns={"period_start": "year"}).reset_index(drop=True),
                  empty_per if p is None else p.reset_index(drop=True))
    return out


def baseline(series: pd.DataFrame, base_year: int) -> tuple[int | None, float | None]:
    """The best available value at ``base_year`` or, failing that, the latest year before it."""
    s = series[series["year"] <= base_year]
    if s.empty:
        return None, None
    row = s.iloc[-1]
    return int(row["year"]), float(row["value"])


# --------------------------------------------------------------------------- target paths
def _path(x0: float, t0: int, target: float, t1: int, years: np.ndarray, geometric: bool) -> np.ndarray:
    frac = (years - t0) / (t1 - t0)
    if geometric and x0 > 0 and target > 0:
        return x0 * (target / x0) ** frac
    return x0 + (target - x0) * frac


def trajectory(target: Mapping, measure: str, base_year: int | None, base_value: float | None) -> pd.DataFrame:
    """Target path(s) from the baseline to the end-year target.

    Returns a frame with ``year``, ``path_low`` and ``path_high`` (equal for a one-sided or
    point target; NaN for a side that is not set). Levels and counts follow constant growth,
    shares and rates a straight line. For an ``average_growth`` target the path is the
    cumulative index (base year = 100) at the low and high average rates. Empty when there
    is no baseline or the target kind has no path (cumulative totals, changes).
    """
    kind = target["target_kind"]
    t1 = int(target["period_end"])
    low, high = _f(target.get("low")), _f(target.get("high"))
    if kind == "average_growth":
        t0 = int(target["base_year"])
        years = np.arange(t0, t1 + 1)
        idx = lambda g: 100 * (1 + g / 100) ** (years - t0) if g is not None else np.full(len(years), np.nan)
        return pd.DataFrame({"year": years, "path_low": idx(low), "path_high": idx(high if high is not None else low)})
    if kind not in ("value_in_year", "annual_value") or base_year is None or base_value is None or base_year >= t1:
        return pd.DataFrame(columns=["year", "path_low", "path_high"])
    years = np.arange(base_year, t1 + 1)
    geo = measure in _GEOMETRIC
    lo = _path(base_value, base_year, low, t1, years, geo) if low is not None else np.full(len(years), np.nan)
    hi = _path(base_value, base_year, high, t1, years, geo) if high is not None else lo
    if low is None:
        lo = hi
    return pd.DataFrame({"year": years, "path_low": lo, "path_high": hi})


# --------------------------------------------------------------------------- growth targets
def growth_progress(growth: Mapping[int, float], base_year: int, end_year: int, target_avg: float) -> dict:
    """Progress of an average-growth target through the cumulative index.

    Parameters
    ----------
    growth : mapping year -> annual growth in %
    base_year, end_year : int
        Growth years run from ``base_year + 1`` to ``end_year``.
    target_avg : float
        Target average growth in %/year.

    Returns
    -------
    dict with ``years_observed`` (consecutive years from base_year + 1 with data),
    ``avg_so_far`` (geometric mean, % per year, None if no year), ``index`` (cumulative
    index, base = 1), ``required_remaining`` (average growth needed in the remaining years
    to reach the target average; None when no year remains) and ``complete``.
    """
    n = end_year - base_year
    idx, k = 1.0, 0
    for y in range(base_year + 1, end_year + 1):
        if y not in growth or growth[y] is None or (isinstance(growth[y], float) and math.isnan(growth[y])):
            break
        idx *= 1 + growth[y] / 100
        k += 1
    avg = (idx ** (1 / k) - 1) * 100 if k else None
    need = (1 + target_avg / 100) ** n / idx
    remaining = n - k
    req = (need ** (1 / remaining) - 1) * 100 if remaining > 0 else None
    return {"years_observed": k, "avg_so_far": avg, "index": idx, "required_remaining": req,
            "complete": remaining == 0}


# --------------------------------------------------------------------------- classification
def classify_ratio(r: float | None) -> str:
    """Open-period status from the progress ratio R (observed rate / required rate)."""
    if r is None or math.isnan(r):
        return "no_data"
    if r >= ON_TRACK:
        return "on_track"
    if r >= ACCELERATE:
        return "needs_acceleration"
    if r >= 0:
        return "limited_progress"
    return "regressing"


def _threshold(better: str, low: float | None, high: float | None) -> float | None:
    """The value that counts as 'met': the low end for higher-is-better, the high end for lower."""
    if better == "lower":
        return high if high is not None else low
    return low if low is not None else high


def meets(value: float, better: str, low: float | None, high: float | None, tol: float = 1e-9,
          strict: bool = False) -> bool:
    """Whether ``value`` meets the target. ``strict`` (a bound printed "dưới"/"trên", "<", ">")
    excludes the bound itself: 1.5 does not meet "dưới 1,5"."""
    if better == "band":
        if strict:
            return (low is None or value > low + tol) and (high is None or value < high - tol)
        return (low is None or value >= low - tol) and (high is None or value <= high + tol)
    thr = _threshold(better, low, high)
    if thr is None:
        return False
    if strict:
        return value > thr + tol if better == "higher" else value < thr - tol
    return value >= thr - tol if better == "higher" else value <= thr + tol


def verdict(value: float, better: str, low: float | None, high: float | None, tol: float = 1e-9,
            strict: bool = False) -> str:
    """Verdict of a closed period: ``exceeded``, ``achieved`` or ``not_achieved``.

    One rule for every target: not met is ``not_achieved``; met and strictly beyond the
    target in the better direction is ``exceeded`` (beyond the top of a range, beyond a point
    or a one-sided bound: 0.05 against "below 0.5", 91 against "at least 90"); met without going
    beyond it is ``achieved`` (inside a range, its ends included, exactly at a point or at a
    non-strict bound).
    A strict bound ("dưới 1,5") is not met by the bound itself. Lower is better mirrors it.
    A band target (a range to stay inside) is achieved inside and not achieved outside.
    """
    if not meets(value, better, low, high, tol, strict):
        return "not_achieved"
    if better == "band":
        return "achieved"
    if better == "higher":
        if low is not None and high is not None and high > low:
            return "exceeded" if value > high + tol else "achieved"
        ref = low if low is not None else high
        return "exceeded" if value > ref + tol else "achieved"
    if low is not None and high is not None and high > low:
        return "exceeded" if value < low - tol else "achieved"
    ref = high if high is not None else low
    return "exceeded" if value < ref - tol else "achieved"


def direction(better: str, bound: str | None) -> str:
    """The direction a target is judged in: the indicator's ``better``, except that a one-sided
    target on a band indicator ("dưới 22 %" for a structure share) says its own direction."""
    if better == "band" and bound == "at_most":
        return "lower"
    if better == "band" and bound == "at_least":
        return "higher"
    return better


def outturn_ends(row: Mapping) -> tuple[float, float, bool, bool] | None:
    """The interval a printed outturn stands for, or None for a plain figure.

    ``range_midpoint`` rows give their printed ends (closed); ``lower_bound`` ("trên", "hơn") an
    open interval above the value and ``upper_bound`` ("dưới") one below it. Returns
    ``(low, high, low_open, high_open)`` with infinite ends where the print gives none.
    """
    kind = row.get("value_kind")
    v = _f(row.get("value"))
    if kind == "range_midpoint":
        lo, hi = _f(row.get("value_low")), _f(row.get("value_high"))
        if lo is None or hi is None:
            return None
        return lo, hi, False, False
    if kind == "lower_bound" and v is not None:
        return v, math.inf, True, False
    if kind == "upper_bound" and v is not None:
        return -math.inf, v, False, True
    return None


def interval_verdict(ends: tuple[float, float, bool, bool], better: str, low: float | None, high: float | None,
                     strict: bool = False) -> tuple[str | None, list[str]]:
    """The verdict of an outturn known only as an interval: the verdict of its two ends when they
    agree, else None (no point verdict). Also returns the ends' verdicts, low end first."""
    lo, hi, lo_open, hi_open = ends

    def at(x: float, open_: bool, inward: float) -> float:
        if math.isinf(x):
            return math.copysign(1e300, x)
        return x + inward * 1e-6 * max(1.0, abs(x)) if open_ else x

    vs = [verdict(at(lo, lo_open, +1), better, low, high, strict=strict),
          verdict(at(hi, hi_open, -1), better, low, high, strict=strict)]
    return (vs[0] if vs[0] == vs[1] else None), vs


def _rate(x0: float, x1: float, years: float, geometric: bool) -> float | None:
    if years <= 0:
        return None
    if geometric:
        if x0 <= 0 or x1 <= 0:
            return None
        return ((x1 / x0) ** (1 / years) - 1) * 100
    return (x1 - x0) / years


def _band_side(value: float, low: float | None, high: float | None) -> tuple[str, float | None, float | None]:
    """For a band target, which side the value is on: treat as higher (below low) or lower (above high)."""
    if low is not None and value < low:
        return "higher", low, None
    if high is not None and value > high:
        return "lower", None, high
    return "band", low, high


# --------------------------------------------------------------------------- one target
@dataclass
class Assessment:
    """Everything the engine says about one target."""

    target_id: str
    indicator_id: str
    locality: str
    plan: str
    period_start: int
    period_end: int
    target_kind: str
    low: float | None
    high: float | None
    base_year: int | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    latest_status: str | None = None
    period_state: str = "open"  # open | closed
    status: str = "no_data"
    observed_rate: float | None = None
    required_rate: float | None = None
    progress_ratio: float | None = None
    required_remaining: float | None = None
    outturn: float | None = None
    outturn_source: str | None = None  # annual | growth_index | period_average | period_total
    outturn_status: str | None = None
    verdict: str | None = None
    gap: float | None = None
    gap_pct: float | None = None
    doc_verdict: str | None = None
    doc_verdict_en: str | None = None
    doc_agrees: bool | None = None
    rate_unit: str = ""
    what_it_takes: float | None = None  # required annual rate used for the stretch
    what_it_takes_unit: str = ""
    achieved_rate_5y: float | None = None
    achieved_from: int | None = None
    achieved_to: int | None = None
    stretch: float | None = None
    successor: str | None = None
    last_open_status: str | None = None
    copy_of: str | None = None  # the target whose printed words this one repeats (status copied_text)
    copy_of_locality: str | None = None  # its locality (filled by ``scorecard``)
    # an average-growth period closed on a published average while some annual figures are missing:
    # the average of the known years and the yearly growth the published average implies for the others
    known_years_average: float | None = None
    known_years: int | None = None
    implied_missing_growth: float | None = None
    outturn_from: int | None = None  # first year the judged figure covers (= latest_year for one year)
    outturn_low: float | None = None  # printed ends of an outturn given as a range or a bound
    published_average: float | None = None  # a published average the annual figures were preferred to
    outturn_high: float | None = None
    doc_verdict_scope: str | None = None  # row | item (data/README.md)
    item_doc_verdict: str | None = None  # the document's verdict of the whole numbered item
    strict: bool = False
    notes: list[str] = field(default_factory=list)

    def record(self) -> dict:
        d = asdict(self)
        d["notes"] = " ".join(self.notes)
        return d


def _gap(value: float, better: str, low: float | None, high: float | None) -> tuple[float | None, float | None]:
    if better == "band":
        if low is not None and value < low:
            ref = low
        elif high is not None and value > high:
            ref = high
        else:
            return 0.0, 0.0
    elif low is not None and high is not None and high > low:
        # a range: the distance to its nearer end, zero inside it (85 against 80–85 is on target;
        # 74,180 against 44,000–45,000 is 29,180 above it, not 30,180)
        if value > high:
            ref = high
        elif value < low:
            ref = low
        else:
            return 0.0, 0.0
    else:
        ref = _threshold(better, low, high)
    if ref is None:
        return None, None
    gap = value - ref
    return gap, (gap / abs(ref) * 100 if ref else None)


_BEST_COLS = ["indicator_id", "locality", "period_start", "period_end", "value", "status", "published",
              "value_kind", "value_low", "value_high", "subperiod", "n_versions", "n_values", "actual_id",
              "source_file", "source_line"]


def slim_best(best: pd.DataFrame) -> pd.DataFrame:
    """The columns the engine needs, with plain dtypes (much faster to filter)."""
    b = best[[c for c in _BEST_COLS if c in best.columns]].copy()
    for c in ("period_start", "period_end"):
        b[c] = b[c].astype("int64")
    b["value"] = b["value"].astype("float64")
    for c in ("value_low", "value_high"):
        b[c] = pd.to_numeric(b[c], errors="coerce").astype("float64") if c in b else np.nan
    for c in ("indicator_id", "locality", "status", "published", "value_kind", "actual_id", "subperiod", "source_file"):
        if c in b:
            b[c] = b[c].astype(object)
    return b


def assess_target(target: Mapping, indicator: Mapping, best: pd.DataFrame,
                  series: pd.DataFrame | None = None, periods: pd.DataFrame | None = None,
                  as_of: int | None = None, successor: str | None = None) -> Assessment:
    """Assess one target against the best available outcomes.

    Parameters
    ----------
    target : mapping
        A row of ``targets.csv``.
    indicator : mapping
        Its row of ``indicators.csv`` (``measure``, ``better``).
    best : DataFrame
        Best-available actuals (``catalog.best_available``).
    as_of : int, optional
        Year of the assessment. Periods ending before it without an outturn become
        ``closed_no_outturn``; targets of the old units with a deadline after 2025 become
        ``superseded``. None (the default here; ``scorecard`` passes ``default_as_of``) judges
        every period as open until its outturn is known.
    successor : str, optional
        The merged city's corresponding target, named by a ``superseded`` target.
    """
    low, high = _f(target.get("low")), _f(target.get("high"))
    kind = str(target["target_kind"])
    bound = target.get("bound")
    better = direction(str(indicator["better"]), bound if isinstance(bound, str) else None)
    measure = str(indicator["measure"])
    geometric = measure in _GEOMETRIC and kind != "average_growth"
    t_end = int(target["period_end"])
    base_year = int(target["base_year"]) if _f(target.get("base_year")) is not None else int(target["period_start"]) - 1
    doc = target.get("doc_verdict")
    doc = None if doc is None or (isinstance(doc, float) and math.isnan(doc)) or doc is pd.NA or doc == "" else str(doc)
    scope = target.get("doc_verdict_scope")
    scope = str(scope) if isinstance(scope, str) and scope else ("row" if doc else None)
    strict = strict_bound(target)
    a = Assessment(str(target["target_id"]), str(target["indicator_id"]), str(target["locality"]),
                   str(target["plan"]), int(target["period_start"]), t_end, kind, low, high, base_year=base_year,
                   doc_verdict_scope=scope, strict=strict)
    if doc and scope == "item":
        # printed on the numbered item's heading: the item's verdict, never this row's own
        a.item_doc_verdict = doc
        a.notes.append(f"The document's verdict “{doc}” is given for item {target.get('item')} as a whole, not for this row.")
    elif doc:
        a.doc_verdict, a.doc_verdict_en = doc, DOC_VERDICTS.get(doc)
    if series is None:
        series = annual_series(best, a.indicator_id, a.locality)
    if periods is None:
        periods = period_values(best, a.indicator_id, a.locality)
    a.rate_unit = "%/yr" if (geometric or kind == "average_growth") else "points/yr"

    if kind == "average_growth":
        _assess_growth(a, series, periods, better)
    elif kind in ("cumulative", "change"):
        _assess_total(a, series, periods, better)
    else:
        _assess_value(a, series, better, geometric, periods)

    if a.doc_verdict_en and a.verdict:
        a.doc_agrees = a.doc_verdict_en == a.verdict
    if a.outturn_from is None and a.period_state == "closed":
        a.outturn_from = a.latest_year
    _finalise(a, as_of, successor)
    copy_of = target.get("copy_of")
    if isinstance(copy_of, str) and copy_of.strip():
        _mark_copied(a, copy_of.strip())
    if a.status == "no_baseline":
        note = target.get("note")
        if isinstance(note, str) and note.strip():
            a.notes.append(f"Why: {note.strip()}")
    if a.period_state == "open":
        if kind == "annual_value" and a.period_start < a.period_end and measure in ("share", "ratio"):
            # a rate to hold in every year of the period (a disbursement rate, a share of members
            # rated well): each year stands alone, so no trend from the baseline is extrapolated
            if a.progress_ratio is None:
                a.required_rate = None
            a.notes.append("A value to hold in each year of the period: no trend or yearly rate of what it takes is "
                           "extrapolated from the baseline.")
        else:
            what_it_takes(a, series, periods, measure, better)
    return a


def _mark_copied(a: Assessment, copy_of: str) -> None:
    """A target printed with another unit's words (``copy_of``): status ``copied_text``, no verdict."""
    a.last_open_status = a.verdict or a.status
    a.status, a.period_state, a.copy_of = "copied_text", "copied_text", copy_of
    a.verdict = a.gap = a.gap_pct = a.doc_agrees = None
    a.progress_ratio = a.required_remaining = None
    a.what_it_takes = a.achieved_rate_5y = a.stretch = None
    a.notes.append(f"The target's words repeat {copy_of} word for word (copied text): not judged"
                   + (f"; against the outturn it would be {a.last_open_status}." if a.last_open_status else "."))


def _finalise(a: Assessment, as_of: int | None, successor: str | None) -> None:
    """The states that depend on the calendar and on the missing baseline (see module docs)."""
    if a.period_state == "closed":
        return
    if a.status == "no_data" and a.baseline_year is None and a.target_kind in ("value_in_year", "annual_value"):
        a.status = "no_baseline"
    if as_of is not None and a.locality in OLD_UNITS and a.period_end > UNIT_LAST_YEAR:
        a.last_open_status, a.status, a.period_state = a.status, "superseded", "superseded"
        a.successor = successor
        a.required_remaining = None
        a.notes.append(f"The unit ceased to exist on 1 July {UNIT_LAST_YEAR}; assessed up to its last figure"
                       + (f" ({a.latest_year})" if a.latest_year is not None else "") + "."
                       + (f" Successor target: {successor}." if successor else " No successor target in the merged city."))
        return
    if as_of is not None and a.period_end < as_of:
        a.last_open_status, a.status, a.period_state = a.status, "closed_no_outturn", "deadline_passed"
        a.progress_ratio, a.required_remaining = None, None
        a.notes.append(f"The deadline ({a.period_end}) has passed and there is no figure for {a.period_end}.")
        return


def _window(series: pd.DataFrame, last: int | None = None) -> pd.DataFrame:
    """The points of the last ``ACHIEVED_WINDOW`` years with data (years last-5 ... last)."""
    s = series.dropna(subset=["value"])
    if last is not None:
        s = s[s["year"] <= last]
    if s.empty:
        return s
    end = int(s["year"].iloc[-1])
    return s[s["year"] >= end - ACHIEVED_WINDOW]


def achieved_rate(series: pd.DataFrame, periods: pd.DataFrame | None, measure: str,
                  geometric: bool) -> tuple[float | None, int | None, int | None]:
    """The rate achieved over the last five years with data: ``(rate, from_year, to_year)``.

    Levels and counts: compound rate (%/yr) between the first and the last point of the
    window (the five years of change ending in the latest year with data); shares and rates:
    points per year. Growth rates: the geometric mean of the five annual rates ending in the
    latest year with data; when some of them are missing, a published average over at most
    five years ending in that year is used if there is one, else the mean of those known.
    Fewer than ``MIN_ACHIEVED_YEARS`` years of change give no rate: ``(None, None, None)``.
    """
    if measure == "growth_rate":
        s = series.dropna(subset=["value"])
        end = int(s["year"].iloc[-1]) if len(s) else None
        w = s[s["year"] > end - ACHIEVED_WINDOW] if end is not None else s
        if len(w) < ACHIEVED_WINDOW and periods is not None and len(periods):
            p = periods[(periods["period_end"] - periods["period_start"] < ACHIEVED_WINDOW)
                        & ((end is None) | (periods["period_end"] >= (end or 0)))]
            if len(p):
                row = p.sort_values(["period_end", "period_start"]).iloc[-1]
                if int(row["period_end"]) - int(row["period_start"]) + 1 >= MIN_ACHIEVED_YEARS:
                    return float(row["value"]), int(row["period_start"]), int(row["period_end"])
        if len(w) < MIN_ACHIEVED_YEARS:
            return None, None, None
        idx = float(np.prod(1 + w["value"].to_numpy(dtype=float) / 100))
        if idx <= 0:
            return None, None, None
        return (idx ** (1 / len(w)) - 1) * 100, int(w["year"].iloc[0]), int(w["year"].iloc[-1])
    w = _window(series)
    if len(w) < 2:
        return None, None, None
    x0, x1 = float(w["value"].iloc[0]), float(w["value"].iloc[-1])
    y0, y1 = int(w["year"].iloc[0]), int(w["year"].iloc[-1])
    if y1 - y0 < MIN_ACHIEVED_YEARS:
        return None, None, None
    return _rate(x0, x1, y1 - y0, geometric), y0, y1


def stretch_ratio(required: float | None, achieved: float | None, better: str = "higher") -> float | None:
    """How many times the past pace the target needs: ``required / achieved``.

    Both rates are signed in the same unit; for a lower-is-better indicator the direction of
    progress is downwards. 0 when nothing more is required (the target's direction is already
    behind the baseline); None when the past pace is unknown, zero or goes the other way while
    something is still required (no multiple of the past pace reaches the target).
    """
    if required is None or (isinstance(required, float) and math.isnan(required)):
        return None
    sign = -1.0 if better == "lower" else 1.0
    need = sign * required
    if need <= 1e-12:
        return 0.0
    if achieved is None or (isinstance(achieved, float) and math.isnan(achieved)):
        return None
    past = sign * achieved
    if past <= 1e-12:
        return None
    return need / past


def what_it_takes(a: Assessment, series: pd.DataFrame, periods: pd.DataFrame | None, measure: str,
                  better: str) -> None:
    """Fill the required rate from the baseline, the rate achieved over the last five years and
    the stretch ratio, for a target whose period is still open (and not yet met)."""
    if a.status == "achieved":
        return
    geometric = measure in _GEOMETRIC
    lo, hi = a.low, a.high
    if better == "band":
        # a range to stay inside: the side the baseline is on gives the direction
        if a.baseline_value is None or a.target_kind not in ("value_in_year", "annual_value") or measure == "growth_rate":
            return
        better, lo, hi = _band_side(a.baseline_value, a.low, a.high)
        if better == "band":
            a.what_it_takes, a.what_it_takes_unit, a.stretch = 0.0, a.rate_unit, 0.0
            return
    if a.target_kind == "average_growth":
        if better != "higher":
            return
        req = a.required_remaining if a.required_remaining is not None else a.required_rate
        unit = "%/yr"
        ach, y0, y1 = achieved_rate(series, periods, "growth_rate", False)
    elif a.target_kind in ("value_in_year", "annual_value"):
        thr = _threshold(better, lo, hi)
        if thr is None:
            return
        if measure == "growth_rate":
            if better != "higher":
                return
            req, unit = thr, "%/yr"  # the growth rate to deliver each year, against the recent average
            ach, y0, y1 = achieved_rate(series, periods, "growth_rate", False)
        else:
            if a.baseline_value is None or a.baseline_year is None or a.baseline_year >= a.period_end:
                return
            x0 = a.baseline_value
            geo = geometric and x0 > 0 and thr > 0
            if a.required_rate is None:
                a.required_rate = _rate(x0, thr, a.period_end - a.baseline_year, geo)
                if geometric and not geo:
                    a.rate_unit = "units/yr"
                    a.notes.append("Linear rates: a zero or negative level has no compound rate.")
            geo = a.rate_unit == "%/yr"
            req, unit = a.required_rate, a.rate_unit
            w = _window(series)
            if geo and len(w) >= 2 and (float(w["value"].iloc[0]) <= 0 or float(w["value"].iloc[-1]) <= 0):
                ach, y0, y1 = None, None, None  # no compound past pace through zero
            else:
                ach, y0, y1 = achieved_rate(series, None, measure, geo)
    else:
        return
    a.what_it_takes, a.what_it_takes_unit = req, unit
    a.achieved_rate_5y, a.achieved_from, a.achieved_to = ach, y0, y1
    a.stretch = stretch_ratio(req, ach, better)


def _close(a: Assessment, value: float, better: str, source: str, status: str | None = None,
           row: Mapping | None = None, years: tuple[int, int] | None = None) -> None:
    """Close the period on an outturn; ``row`` (the figure's best-available row) tells whether it
    was printed as a range or a bound, ``years`` the years the figure covers."""
    a.period_state = "closed"
    a.outturn, a.outturn_source, a.outturn_status = value, source, status
    y0, y1 = years if years is not None else (a.latest_year, a.latest_year)
    a.outturn_from = y0
    ends = outturn_ends(row) if row is not None else None
    if ends is None:
        a.verdict = verdict(value, better, a.low, a.high, strict=a.strict)
        a.status = a.verdict
        a.gap, a.gap_pct = _gap(value, better, a.low, a.high)
        return
    lo, hi = ends[0], ends[1]
    a.outturn_low = None if math.isinf(lo) else lo
    a.outturn_high = None if math.isinf(hi) else hi
    printed = (f"{lo:g}–{hi:g}" if not (math.isinf(lo) or math.isinf(hi))
               else (f"above {lo:g}" if math.isinf(hi) else f"below {hi:g}"))
    one_sided = (a.low is None) != (a.high is None)
    ref = a.low if a.low is not None else a.high
    restates = (one_sided and ref is not None and abs((lo if math.isinf(hi) else hi) - ref) < 1e-9
                and ((math.isinf(hi) and better == "higher") or (math.isinf(lo) and better == "lower")))
    if restates:
        # "Trên 90" for a target "trên 90": met, by an unknown margin
        a.verdict = a.status = "achieved"
        a.gap = a.gap_pct = None
        a.notes.append(f"The outturn is printed only as {printed}, the target's own bound: met, by an unknown margin.")
        return
    v, vs = interval_verdict(ends, better, a.low, a.high, a.strict)
    if v is None:
        a.verdict, a.status = None, "undetermined"
        a.gap = a.gap_pct = None
        a.notes.append(f"The document gives only {printed} for the outturn; its ends would be {vs[0].replace('_', ' ')} "
                       f"and {vs[1].replace('_', ' ')}, so no verdict is given (a range is judged only when it lies "
                       "wholly on one side of the target).")
        return
    a.verdict = a.status = v
    if math.isinf(lo) or math.isinf(hi):
        a.gap = a.gap_pct = None  # a bound: the distance to the target is unknown
        a.notes.append(f"The outturn is printed only as {printed}; the whole of it is {v.replace('_', ' ')}.")
    else:
        a.gap, a.gap_pct = _gap(value, better, a.low, a.high)
        a.notes.append(f"The outturn is printed as the range {printed} (gap from its midpoint); the whole range is "
                       f"{v.replace('_', ' ')}.")


def _close_on_period(a: Assessment, periods: pd.DataFrame, starts: tuple[int, ...], better: str, source: str) -> bool:
    """Close the period on a published multi-year figure ending in ``period_end`` and starting in
    one of ``starts`` (tried in order); False when there is none."""
    # a total closes a cumulative target, a change a change target, an average (or a value held in
    # each year) an average-growth or a hold-each-year target; never one for another
    want = (("change",) if a.target_kind == "change" else ("total",) if source == "period_total"
            else ("average", "each_year"))
    # frames without the column (older callers, tiny test frames) are not filtered
    ok = periods["subperiod"].isin(want) if "subperiod" in periods else pd.Series(True, index=periods.index)
    for ps in starts:
        m = periods[(periods["period_start"] == ps) & (periods["period_end"] == a.period_end) & ok]
        if not m.empty:
            row = m.iloc[-1]
            a.latest_year, a.latest_value, a.latest_status = a.period_end, float(row["value"]), str(row.get("status"))
            _close(a, a.latest_value, better, source, a.latest_status, row=row.to_dict(), years=(ps, a.period_end))
            return True
    return False


def _assess_value(a: Assessment, series: pd.DataFrame, better: str, geometric: bool,
                  periods: pd.DataFrame | None = None) -> None:
    a.baseline_year, a.baseline_value = baseline(series, a.base_year)
    if a.baseline_year is not None and a.baseline_year != a.base_year:
        a.notes.append(f"Baseline taken from {a.baseline_year} (no figure for {a.base_year}).")
    after = series[(series["year"] > a.base_year) & (series["year"] <= a.period_end)]
    if after.empty and periods is not None and a.target_kind == "annual_value" and a.period_start < a.period_end:
        # a value to hold each year, reported only as an average over the whole period
        if _close_on_period(a, periods, (a.period_start, a.base_year + 1), better, "period_average"):
            return
    if after.empty:
        a.status = "no_data"
        if a.baseline_year is None:
            a.notes.append("No outcome at or before the baseline year either.")
        return
    last = after.iloc[-1]
    a.latest_year, a.latest_value = int(last["year"]), float(last["value"])
    a.latest_status = str(last.get("status"))
    if a.latest_year == a.period_end:
        _close(a, a.latest_value, better, "annual", a.latest_status, row=last.to_dict())
        return
    # open period
    ends = outturn_ends(last.to_dict())
    if ends is not None:
        met = interval_verdict(ends, better, a.low, a.high, a.strict)[1]
        if all(v != "not_achieved" for v in met):
            a.status = "achieved"
            return
    elif meets(a.latest_value, better, a.low, a.high, strict=a.strict):
        a.status = "achieved"
        return
    if a.baseline_value is None:
        a.status = "no_data"  # no_baseline after _finalise
        a.notes.append("No baseline: progress rate cannot be computed.")
        return
    side, lo, hi = (_band_side(a.latest_value, a.low, a.high) if better == "band" else (better, a.low, a.high))
    thr = _threshold(side, lo, hi)
    x0, t0 = a.baseline_value, a.baseline_year
    if geometric and (x0 <= 0 or a.latest_value <= 0 or thr is None or thr <= 0):
        geometric = False  # no compound rate through zero: linear rates, as the target path
        a.rate_unit = "units/yr"
        a.notes.append("Linear rates: a zero or negative level has no compound rate.")
    a.observed_rate = _rate(x0, a.latest_value, a.latest_year - t0, geometric)
    a.required_rate = _rate(x0, thr, a.period_end - t0, geometric) if thr is not None else None
    if a.observed_rate is None or a.required_rate is None:
        a.status = "no_data"
        a.notes.append("Rates undefined.")
        return
    if abs(a.required_rate) < 1e-12 or (side == "higher" and a.required_rate < 0) or (side == "lower" and a.required_rate > 0):
        # the baseline already met the target, and the latest figure has slipped below it
        a.progress_ratio = -1.0
        a.status = "regressing"
        a.notes.append("The baseline already met the target; the latest figure no longer does.")
        return
    a.progress_ratio = a.observed_rate / a.required_rate
    a.status = classify_ratio(a.progress_ratio)


def _assess_growth(a: Assessment, series: pd.DataFrame, periods: pd.DataFrame, better: str) -> None:
    target_avg = a.low if a.low is not None else a.high
    growth = {int(y): float(v) for y, v in zip(series["year"], series["value"])}
    gp = growth_progress(growth, a.base_year, a.period_end, target_avg)
    a.baseline_year = a.base_year
    a.baseline_value = 100.0
    a.required_rate = target_avg
    a.required_remaining = gp["required_remaining"]
    if gp["complete"]:
        a.latest_year, a.latest_value = a.period_end, gp["avg_so_far"]
        worst = series[(series["year"] > a.base_year) & (series["year"] <= a.period_end)]["status"]
        st = min(worst, key=lambda x: STATUS_RANK.get(x, 0))  # the weakest status among the years used
        _close(a, gp["avg_so_far"], better, "growth_index", st, years=(a.base_year + 1, a.period_end))
        a.observed_rate = gp["avg_so_far"]
        _note_published_averages(a, periods)
        return
    # a published period average for exactly the target's growth years closes the period too
    if _close_on_period(a, periods, (a.base_year + 1,), better, "period_average"):
        a.observed_rate = a.outturn
        if gp["years_observed"]:
            n, k = a.period_end - a.base_year, gp["years_observed"]
            a.known_years, a.known_years_average = k, round(gp["avg_so_far"], 4)
            # the yearly growth the other n - k years need for the published average (what it assumes)
            a.implied_missing_growth = round(((1 + a.outturn / 100) ** n / (1 + gp["avg_so_far"] / 100) ** k)
                                             ** (1 / (n - k)) * 100 - 100, 4) if n > k else None
            a.notes.append(f"{k} of {n} annual growth figures are known; their average is {gp['avg_so_far']:.2f}%/yr"
                           + (f"; the published average implies {a.implied_missing_growth:.2f}%/yr in the other "
                              f"{n - k} year(s)." if a.implied_missing_growth is not None else "."))
        return
    if gp["years_observed"] == 0:
        a.status = "no_data"
        return
    a.latest_year = a.base_year + gp["years_observed"]
    a.latest_value = growth[a.latest_year]
    a.observed_rate = gp["avg_so_far"]
    a.progress_ratio = gp["avg_so_far"] / target_avg if target_avg else None
    a.status = classify_ratio(a.progress_ratio)
    a.notes.append(f"Average so far {gp['avg_so_far']:.2f}%/yr over {gp['years_observed']} year(s); "
                   f"the remaining {a.period_end - a.latest_year} year(s) need {gp['required_remaining']:.2f}%/yr.")


def _note_published_averages(a: Assessment, periods: pd.DataFrame) -> None:
    """When the outturn of an average-growth target is the index of its annual figures, name the
    published averages over the same growth years that it was preferred to (the choice rule)."""
    if periods is None or periods.empty:
        return
    ok = periods["subperiod"] == "average" if "subperiod" in periods else pd.Series(True, index=periods.index)
    m = periods[(periods["period_start"] == a.base_year + 1) & (periods["period_end"] == a.period_end) & ok]
    for r in m.to_dict("records"):
        v = float(r["value"])
        if abs(v - (a.outturn or 0)) < 0.005:
            continue
        src = (f"{str(r.get('source_file'))[:3]}:{int(r['source_line'])}" if _f(r.get("source_line")) is not None
               else str(r.get("actual_id")))
        a.published_average = v
        a.notes.append(f"Outturn = average of the annual growth figures {a.base_year + 1}–{a.period_end} "
                       f"({a.outturn:.2f}%/yr); the best published average for those years is {v:g}%/yr ({src}). "
                       "Rule: when every annual figure is known their average is the outturn; a published average "
                       "is used only when some are missing.")


def _assess_total(a: Assessment, series: pd.DataFrame, periods: pd.DataFrame, better: str) -> None:
    """Cumulative totals and changes: judged only on a figure for the whole period."""
    want = [(a.period_start, a.period_end), (a.base_year + 1, a.period_end)]
    for ps, pe in want:
        if ps == pe:
            m = series[series["year"] == pe]
            if not m.empty:
                a.latest_year, a.latest_value = pe, float(m.iloc[-1]["value"])
                _close(a, a.latest_value, better, "annual", str(m.iloc[-1].get("status")), row=m.iloc[-1].to_dict())
                return
        if _close_on_period(a, periods, (ps,), better, "period_total"):
            return
    a.status = "no_data"
    a.notes.append("A cumulative or change target needs a figure for the whole period; none is available.")


# --------------------------------------------------------------------------- all targets
SCORECARD_COLUMNS = ["target_id", "indicator_id", "locality", "plan", "period_start", "period_end", "low", "high",
                     "latest_year", "latest_value", "status", "observed_rate", "required_rate", "doc_verdict",
                     "period_state", "verdict", "gap", "gap_pct", "progress_ratio", "required_remaining",
                     "baseline_year", "baseline_value", "target_kind", "rate_unit", "doc_verdict_en",
                     "doc_agrees", "outturn_source", "outturn_status", "notes",
                     # added by issue 10 (after the existing columns, which scripts rely on)
                     "what_it_takes", "what_it_takes_unit", "achieved_rate_5y", "achieved_from", "achieved_to",
                     "stretch", "successor", "last_open_status", "base_year",
                     # added by the review of issue 10 (honest statuses and figures)
                     "outturn_from", "outturn_low", "outturn_high", "doc_verdict_scope", "item_doc_verdict",
                     "published_average",
                     # added by the data review of issues 9/10 (targets printed with another unit's words)
                     "copy_of", "copy_of_locality",
                     "known_years", "known_years_average", "implied_missing_growth",
                     # a one-sided bound that excludes its own value ("dưới", "trên"): its sign is < or >
                     "strict"]


def strict_bound(row: Mapping) -> bool:
    """Whether a target's one-sided bound excludes its own value ("dưới 0,5", "trên 358": ``strict``
    is ``yes`` in targets.csv, True in a scorecard row)."""
    v = row.get("strict")
    if isinstance(v, str):
        return v.strip().lower() in ("yes", "true")
    return isinstance(v, (bool, np.bool_)) and bool(v)


def successors(targets: pd.DataFrame) -> dict[str, str]:
    """For each target of an old unit with a deadline after 2025, the merged city's target of the
    same indicator with a deadline after 2025 (same kind first, then the latest deadline)."""
    new = targets[(targets["locality"] == SUCCESSOR_LOCALITY) & (targets["period_end"] > UNIT_LAST_YEAR)]
    old = targets[targets["locality"].isin(OLD_UNITS) & (targets["period_end"] > UNIT_LAST_YEAR)]
    out = {}
    for t in old.to_dict("records"):
        c = new[new["indicator_id"] == t["indicator_id"]]
        if c.empty:
            continue
        c = c.assign(_same=(c["target_kind"] == t["target_kind"]).astype(int))
        c = c.sort_values(["_same", "period_end"], ascending=[False, False], kind="mergesort")
        out[str(t["target_id"])] = str(c.iloc[0]["target_id"])
    return out


def default_as_of(best: pd.DataFrame) -> int | None:
    """The default year of the assessment, derived from the data: the year after the latest
    whole year with any outturn (figures over several years count by their last year; parts of a
    year do not count). None when there is no figure. 2026 for the bundled snapshot (latest
    outturns: 2025); a user file with 2026 figures moves it to 2027. Never read from the clock,
    so results do not change with the day they are computed."""
    if best is None or best.empty:
        return None
    sub = best["subperiod"].fillna("year") if "subperiod" in best else pd.Series("year", index=best.index)
    ends = pd.to_numeric(best.loc[sub.isin(("year",) + MULTI_YEAR_SUBPERIODS), "period_end"], errors="coerce").dropna()
    return int(ends.max()) + 1 if len(ends) else None


AS_OF_DATA = "data"  # scorecard(as_of=AS_OF_DATA): the default, see default_as_of


_CARDS: "OrderedDict[tuple, pd.DataFrame]" = OrderedDict()


def scorecard(targets: pd.DataFrame, indicators: pd.DataFrame, best: pd.DataFrame,
              as_of: int | str | None = AS_OF_DATA) -> pd.DataFrame:
    """One row per target, in the order of ``targets`` (stable), with every assessment field.

    ``as_of`` is the year of the assessment (see ``assess_target``): by default derived from the
    data (``default_as_of``: the latest year with any outturn + 1); an int fixes it; None ignores
    the calendar.

    The result is a pure function of its inputs, so a process keeps the last few by the content of
    the frames (the CLI, the explorer and the tests ask for the same scorecard many times); the
    caller gets its own copy.
    """
    from .validation import frame_key

    key = (frame_key(targets), frame_key(indicators), frame_key(best), as_of)
    if key not in _CARDS:
        _CARDS[key] = _scorecard(targets, indicators, best, as_of)
        while len(_CARDS) > 8:
            _CARDS.popitem(last=False)
    return _CARDS[key].copy()


def _scorecard(targets: pd.DataFrame, indicators: pd.DataFrame, best: pd.DataFrame,
               as_of: int | str | None = AS_OF_DATA) -> pd.DataFrame:
    if isinstance(as_of, str):
        as_of = default_as_of(best)
    ind = {k: v for k, v in indicators.set_index("indicator_id").to_dict("index").items()}
    b = slim_best(best)
    succ = successors(targets) if as_of is not None else {}
    units = _series_by_unit(b)  # split once, not per target
    none = (annual_series(b.iloc[0:0], "", ""), period_values(b.iloc[0:0], "", ""))
    recs = []
    for t in targets.to_dict("records"):
        key = (t["indicator_id"], t["locality"])
        series, periods = units.get(key, none)
        recs.append(assess_target(t, ind[key[0]], b, series, periods, as_of=as_of,
                                  successor=succ.get(str(t["target_id"]))).record())
    df = pd.DataFrame(recs, columns=list(Assessment.__dataclass_fields__))
    for c in ("latest_year", "baseline_year", "period_start", "period_end", "achieved_from", "achieved_to", "base_year",
              "outturn_from", "known_years"):
        df[c] = df[c].astype("Int64")
    for c in ("low", "high", "latest_value", "observed_rate", "required_rate", "gap", "gap_pct",
              "progress_ratio", "required_remaining", "baseline_value", "what_it_takes", "achieved_rate_5y", "stretch",
              "outturn_low", "outturn_high", "published_average"):
        df[c] = pd.to_numeric(df[c], errors="coerce").round(4)
    df["doc_verdict"] = df["doc_verdict"].fillna("")
    df["copy_of_locality"] = df["copy_of"].map(targets.set_index("target_id")["locality"])
    return df[SCORECARD_COLUMNS]


def figure_years(row: Mapping) -> str:
    """The years the latest figure of a scorecard row covers, for display: ``2025``, or
    ``2021–2025`` for a period average or total (never shown as the year 2025 alone)."""
    y1 = row.get("latest_year")
    if _f(y1) is None:
        return ""
    y0 = row.get("outturn_from")
    if _f(y0) is not None and int(y0) < int(y1):
        return f"{int(y0)}–{int(y1)}"
    return str(int(y1))


def stretch_ranking(card: pd.DataFrame) -> pd.DataFrame:
    """Open targets with a required rate, per plan, hardest first.

    Within a plan: targets whose past pace goes the other way (no stretch ratio although
    something is required) come first, then by stretch descending; then the targets whose
    past pace is unknown; last those that need nothing more (stretch 0); ties by target id.
    Adds ``rank`` (1 = hardest, per plan).
    """
    c = card[(card["period_state"] == "open") & card["what_it_takes"].notna()].copy()
    st = c["stretch"].astype(float)
    away = st.isna() & c["achieved_rate_5y"].notna()
    c["_key"] = np.where(away, np.inf, np.where(st.isna(), -1.0, np.where(st <= 0, -2.0, st)))
    c = c.sort_values(["plan", "_key", "target_id"], ascending=[True, False, True], kind="mergesort")
    c["rank"] = c.groupby("plan").cumcount() + 1
    return c.drop(columns="_key").reset_index(drop=True)


REALISM_PLANS = ("kl42_2023", "kl64_2024", "ctr17_2021_2025", "dh_xiv_ct_2020_2025", "dh_xiv_st_2020_2025",
                 "dh_xiv_hg_2020_2025", "ct_2025_update", "st_2025_update")


def planning_realism(card: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Every past target with an outturn and a verdict: target, outturn, gap (the planning-realism
    table). An outturn printed only as a range or bound across the target (``undetermined``) has no
    verdict and is left out: it is neither met nor missed."""
    c = card[(card["plan"].isin(REALISM_PLANS)) & (card["period_state"] == "closed") & card["verdict"].notna()].copy()
    meas = indicators.set_index("indicator_id")["measure"]
    c["measure"] = c["indicator_id"].map(meas)
    c["met"] = c["verdict"].isin(["achieved", "exceeded"])
    return c[["target_id", "plan", "locality", "indicator_id", "measure", "period_start", "period_end", "low", "high",
              "latest_value", "verdict", "met", "gap", "gap_pct", "doc_verdict"]].rename(
        columns={"latest_value": "outturn"}).reset_index(drop=True)


def realism_summary(realism: pd.DataFrame) -> pd.DataFrame:
    """Per plan: targets with an outturn, share met, and the mean gap of growth targets (points)."""
    rows = []
    for plan, g in realism.groupby("plan", sort=True):
        growth = g[g["measure"] == "growth_rate"]
        grdp = g[g["indicator_id"] == "grdp_growth"]
        rows.append({"plan": plan, "targets_with_outturn": len(g), "share_met": round(g["met"].mean(), 4),
                     "growth_targets": len(growth),
                     "mean_gap_growth_pp": round(growth["gap"].mean(), 4) if len(growth) else np.nan,
                     "gap_grdp_growth_pp": round(grdp["gap"].mean(), 4) if len(grdp) else np.nan})
    allg = realism[realism["measure"] == "growth_rate"]
    allgr = realism[realism["indicator_id"] == "grdp_growth"]
    rows.append({"plan": "all", "targets_with_outturn": len(realism), "share_met": round(realism["met"].mean(), 4)
                 if len(realism) else np.nan, "growth_targets": len(allg),
                 "mean_gap_growth_pp": round(allg["gap"].mean(), 4) if len(allg) else np.nan,
                 "gap_grdp_growth_pp": round(allgr["gap"].mean(), 4) if len(allgr) else np.nan})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- how near a miss came
def narrowly_missed(row: Mapping) -> bool:
    """Whether a scorecard row is a miss within :data:`NARROW_MISS_PCT` of the target's value: the
    verdict ``not_achieved`` with a known gap of at most 1 % of the target (53.12 against
    53.13–53.14, 94.8 against 95, 1.5 against "dưới 1,5"). The verdict is unchanged; an outturn
    known only as a bound (no gap) or a target of 0 (no percentage) is never called narrow."""
    if row.get("verdict") != "not_achieved":
        return False
    pct = _f(row.get("gap_pct"))
    return pct is not None and abs(pct) <= NARROW_MISS_PCT + 1e-9


# --------------------------------------------------------------------------- every version of a base
def base_versions(actuals: pd.DataFrame, indicator_id: str, locality: str, year: int) -> list[dict]:
    """Every version the sources give of one indicator's whole-year figure for ``year`` (a target's base).

    One entry per distinct printed figure (value and kind: ``> 306,000`` and ``306,000`` differ);
    sources printing the same figure are one version, represented by its latest publication (then
    highest status). Low-reliability rows are left out, as they are never chosen as the best figure;
    parts of a year are not the year's figure. Ordered by publication, oldest first, then value.
    Each entry: ``value``, ``value_kind``, ``value_low``, ``value_high``, ``status``, ``published``,
    ``actual_id``, ``source_file``, ``source_line``, ``source_url``, ``source_type`` and ``n_rows``
    (how many rows print it).
    """
    from .catalog import published_key

    if actuals is None or actuals.empty or year is None:
        return []
    a = actuals[(actuals["indicator_id"] == indicator_id) & (actuals["locality"] == locality)
                & (actuals["period_start"] == int(year)) & (actuals["period_end"] == int(year))]
    if "subperiod" in a:
        a = a[a["subperiod"].fillna("year").isin(("year", ""))]
    if "reliability" in a:
        a = a[a["reliability"].fillna("normal") != "low"]
    groups: dict[tuple, list[dict]] = {}
    for r in a.to_dict("records"):
        v = _f(r.get("value"))
        if v is None:
            continue
        kind = r.get("value_kind") if isinstance(r.get("value_kind"), str) and r.get("value_kind") else "exact"
        key = (round(v, 6), kind, _f(r.get("value_low")), _f(r.get("value_high")))
        groups.setdefault(key, []).append({**r, "value": v, "value_kind": kind})
    out = []
    for rows in groups.values():
        rep = max(rows, key=lambda r: (published_key(r.get("published")), STATUS_RANK.get(r.get("status"), -1)))
        out.append({k: (rep.get(k) if isinstance(rep.get(k), str) or _f(rep.get(k)) is not None else None)
                    for k in ("value", "value_kind", "value_low", "value_high", "status", "published", "actual_id",
                              "source_file", "source_line", "source_url", "source_type")} | {"n_rows": len(rows)})
    return sorted(out, key=lambda r: (published_key(r.get("published")), r["value"]))


def rate_from_base(value: float, target_level: float, years: int, geometric: bool) -> float | None:
    """The yearly rate from a base to the target level: compound (%/yr) or linear (units per year),
    as the engine's required rate (None without a compound rate through zero)."""
    return _rate(float(value), float(target_level), years, geometric)


def base_alternatives(card: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """The required rate from every version of the base, for the open targets whose base figure the
    sources give in more than one version (one rule for every indicator and locality).

    The scorecard computes the required rate from the best available base figure; the sources may
    disagree about it (the merged city's 2025 GRDP: 316,932 in appendix 8 (09/2025), 312,621 in
    appendix 4, "trên 306.000" from the Statistics Office (01/2026)). For each version the same
    target level, years and kind of rate give its own rate: the target level is the one the
    scorecard's rate reaches from its base (so the rule is the engine's, whatever the bound), only
    the base changes. The rate falls as the base rises, so a base known only as a lower bound
    ("trên 306.000") gives an upper bound on the rate (``rate_bound`` = ``at_most``), an upper bound
    a lower one (``at_least``); a base printed as a range gives ``rate_low``–``rate_high``. ``met``
    says that from this version the target is already met (nothing more is required); a target met
    from every version is left out (nothing depends on the base).

    One row per (target, version), targets in the card's order, versions by publication; ``chosen``
    marks the version the scorecard used. Empty when every base has one version.
    """
    cols = ["target_id", "baseline_year", "value", "value_kind", "value_low", "value_high", "status", "published",
            "actual_id", "source_file", "source_line", "source_url", "source_type", "n_rows", "chosen", "rate",
            "rate_low", "rate_high", "rate_bound", "rate_unit", "met"]
    rows = []
    if card is None or card.empty:
        return pd.DataFrame(columns=cols)
    for a in card.to_dict("records"):
        if a.get("period_state") != "open" or a.get("target_kind") not in ("value_in_year", "annual_value"):
            continue
        unit = a.get("what_it_takes_unit") or a.get("rate_unit")
        req = _f(a.get("what_it_takes"))
        req = req if req is not None else _f(a.get("required_rate"))
        x0, y0 = _f(a.get("baseline_value")), _f(a.get("baseline_year"))
        if req is None or x0 is None or y0 is None or unit not in ("%/yr", "points/yr", "units/yr"):
            continue
        n = int(a["period_end"]) - int(y0)
        if n <= 0:
            continue
        geometric = unit == "%/yr"
        if geometric and x0 <= 0:
            continue
        level = x0 * (1 + req / 100) ** n if geometric else x0 + req * n  # what the engine's rate reaches
        versions = base_versions(actuals, str(a["indicator_id"]), str(a["locality"]), int(y0))
        if len(versions) < 2:
            continue
        # the direction the target needs from the chosen base (stretch 0: it is already met there)
        met_there = _f(a.get("stretch")) == 0.0
        need = (-1.0 if met_there else 1.0) * (1.0 if req > 0 else -1.0 if req < 0 else 0.0)

        def met(rate):  # nothing more required from this base: zero, or a rate the other way
            return rate is not None and (need == 0.0 or rate * need <= 1e-12)

        rates = [rate_from_base(v["value"], level, n, geometric) for v in versions]
        if met_there and all(met(r) for r in rates):
            continue  # every version of the base already meets the target: nothing depends on which
        chosen = next((i for i, v in enumerate(versions) if abs(v["value"] - x0) < 1e-9
                       and v["value_kind"] not in ("lower_bound", "upper_bound")), None)
        if chosen is None:
            chosen = next((i for i, v in enumerate(versions) if abs(v["value"] - x0) < 1e-9), None)
        for i, (v, rate) in enumerate(zip(versions, rates)):
            lo = hi = None
            if v["value_kind"] == "range_midpoint" and _f(v.get("value_low")) is not None and _f(v.get("value_high")) is not None:
                ends = [rate_from_base(v["value_low"], level, n, geometric), rate_from_base(v["value_high"], level, n, geometric)]
                if None not in ends:
                    lo, hi = min(ends), max(ends)
            bound = {"lower_bound": "at_most", "upper_bound": "at_least", "approx": "about"}.get(v["value_kind"], "")
            rows.append({"target_id": a["target_id"], "baseline_year": int(y0), **{k: v.get(k) for k in cols if k in v},
                         "chosen": i == chosen, "rate": None if rate is None else round(rate, 4),
                         "rate_low": None if lo is None else round(lo, 4), "rate_high": None if hi is None else round(hi, 4),
                         "rate_bound": bound, "rate_unit": unit, "met": met(rate)})
    return pd.DataFrame(rows, columns=cols)


def base_rate_range(alternatives, target_id: str | None = None) -> tuple[float, float] | None:
    """The lowest and highest required rate over a target's base versions (a range's ends included),
    or None when its base has one version. ``alternatives``: rows of :func:`base_alternatives` (a frame
    or a list of records), of ``target_id`` or, without it, all of one target."""
    if alternatives is None:
        return None
    g = alternatives if isinstance(alternatives, pd.DataFrame) else pd.DataFrame(list(alternatives))
    if g.empty:
        return None
    if target_id is not None:
        g = g[g["target_id"] == target_id]
    if len(g) < 2:
        return None
    vals = [float(x) for c in ("rate", "rate_low", "rate_high") if c in g for x in g[c] if _f(x) is not None]
    return (min(vals), max(vals)) if vals else None
