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
``achieved`` or ``not_achieved``, with the gap in the indicator's unit and in percent of
the target, mirroring the documents' own Vượt / Đạt / Không đạt.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .config import STATUS_RANK

__all__ = [
    "ON_TRACK", "ACCELERATE", "OPEN_STATUSES", "VERDICTS", "DOC_VERDICTS",
    "Assessment", "annual_series", "period_values", "baseline", "trajectory", "growth_progress",
    "classify_ratio", "verdict", "assess_target", "scorecard", "planning_realism", "realism_summary",
]

ON_TRACK, ACCELERATE = 0.95, 0.6
OPEN_STATUSES = ("achieved", "on_track", "needs_acceleration", "limited_progress", "regressing", "no_data")
VERDICTS = ("exceeded", "achieved", "not_achieved")
DOC_VERDICTS = {"Vượt": "exceeded", "Đạt": "achieved", "Không đạt": "not_achieved"}
_GEOMETRIC = {"level", "count"}


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
def annual_series(best: pd.DataFrame, indicator_id: str, locality: str) -> pd.DataFrame:
    """Single-year best-available points of one indicator and locality, by year."""
    b = best[(best["indicator_id"] == indicator_id) & (best["locality"] == locality)
             & (best["period_start"] == best["period_end"])]
    cols = ["period_start", "value", "status", "published", "value_kind", "n_versions", "n_values", "actual_id"]
    out = b[[c for c in cols if c in b.columns]].rename(columns={"period_start": "year"})
    return out.sort_values("year").reset_index(drop=True)


def period_values(best: pd.DataFrame, indicator_id: str, locality: str) -> pd.DataFrame:
    """Multi-year best-available figures (period averages or totals) of one indicator and locality."""
    b = best[(best["indicator_id"] == indicator_id) & (best["locality"] == locality)
             & (best["period_start"] < best["period_end"])]
    return b.sort_values(["period_start", "period_end"]).reset_index(drop=True)


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


def meets(value: float, better: str, low: float | None, high: float | None, tol: float = 1e-9) -> bool:
    if better == "band":
        return (low is None or value >= low - tol) and (high is None or value <= high + tol)
    thr = _threshold(better, low, high)
    if thr is None:
        return False
    return value >= thr - tol if better == "higher" else value <= thr + tol


def verdict(value: float, better: str, low: float | None, high: float | None, tol: float = 1e-9) -> str:
    """Verdict of a closed period: ``exceeded``, ``achieved`` or ``not_achieved``.

    Higher is better: below the low end is not achieved; from the low end up to (not
    including) the top of a range is achieved; at or above the top of a range, or above a
    point or one-sided target, is exceeded. Lower is better mirrors it. A band target (a
    range to stay inside) is achieved inside and not achieved outside.
    """
    if not meets(value, better, low, high, tol):
        return "not_achieved"
    if better == "band":
        return "achieved"
    if better == "higher":
        if low is not None and high is not None and high > low:
            return "exceeded" if value >= high - tol else "achieved"
        ref = low if low is not None else high
        return "exceeded" if value > ref + tol else "achieved"
    if low is not None and high is not None and high > low:
        return "exceeded" if value <= low + tol else "achieved"
    ref = high if high is not None else low
    return "exceeded" if value < ref - tol else "achieved"


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
    else:
        ref = _threshold(better, low, high)
    if ref is None:
        return None, None
    gap = value - ref
    return gap, (gap / abs(ref) * 100 if ref else None)


_BEST_COLS = ["indicator_id", "locality", "period_start", "period_end", "value", "status", "published",
              "value_kind", "n_versions", "n_values", "actual_id"]


def slim_best(best: pd.DataFrame) -> pd.DataFrame:
    """The columns the engine needs, with plain dtypes (much faster to filter)."""
    b = best[[c for c in _BEST_COLS if c in best.columns]].copy()
    for c in ("period_start", "period_end"):
        b[c] = b[c].astype("int64")
    b["value"] = b["value"].astype("float64")
    for c in ("indicator_id", "locality", "status", "published", "value_kind", "actual_id"):
        if c in b:
            b[c] = b[c].astype(object)
    return b


def assess_target(target: Mapping, indicator: Mapping, best: pd.DataFrame,
                  series: pd.DataFrame | None = None, periods: pd.DataFrame | None = None) -> Assessment:
    """Assess one target against the best available outcomes.

    Parameters
    ----------
    target : mapping
        A row of ``targets.csv``.
    indicator : mapping
        Its row of ``indicators.csv`` (``measure``, ``better``).
    best : DataFrame
        Best-available actuals (``catalog.best_available``).
    """
    low, high = _f(target.get("low")), _f(target.get("high"))
    kind = str(target["target_kind"])
    better = str(indicator["better"])
    measure = str(indicator["measure"])
    geometric = measure in _GEOMETRIC and kind != "average_growth"
    t_end = int(target["period_end"])
    base_year = int(target["base_year"]) if _f(target.get("base_year")) is not None else int(target["period_start"]) - 1
    doc = target.get("doc_verdict")
    doc = None if doc is None or (isinstance(doc, float) and math.isnan(doc)) or doc is pd.NA or doc == "" else str(doc)
    a = Assessment(str(target["target_id"]), str(target["indicator_id"]), str(target["locality"]),
                   str(target["plan"]), int(target["period_start"]), t_end, kind, low, high, base_year=base_year,
                   doc_verdict=doc, doc_verdict_en=DOC_VERDICTS.get(doc) if doc else None)
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
    return a


def _close(a: Assessment, value: float, better: str, source: str, status: str | None = None) -> None:
    a.period_state = "closed"
    a.outturn, a.outturn_source, a.outturn_status = value, source, status
    a.verdict = verdict(value, better, a.low, a.high)
    a.status = a.verdict
    a.gap, a.gap_pct = _gap(value, better, a.low, a.high)


def _close_on_period(a: Assessment, periods: pd.DataFrame, starts: tuple[int, ...], better: str, source: str) -> bool:
    """Close the period on a published multi-year figure ending in ``period_end`` and starting in
    one of ``starts`` (tried in order); False when there is none."""
    for ps in starts:
        m = periods[(periods["period_start"] == ps) & (periods["period_end"] == a.period_end)]
        if not m.empty:
            row = m.iloc[-1]
            a.latest_year, a.latest_value, a.latest_status = a.period_end, float(row["value"]), str(row.get("status"))
            _close(a, a.latest_value, better, source, a.latest_status)
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
        _close(a, a.latest_value, better, "annual", a.latest_status)
        return
    # open period
    if meets(a.latest_value, better, a.low, a.high):
        a.status = "achieved"
        return
    if a.baseline_value is None:
        a.status = "no_data"
        a.notes.append("No baseline: progress rate cannot be computed.")
        return
    side, lo, hi = (_band_side(a.latest_value, a.low, a.high) if better == "band" else (better, a.low, a.high))
    thr = _threshold(side, lo, hi)
    x0, t0 = a.baseline_value, a.baseline_year
    a.observed_rate = _rate(x0, a.latest_value, a.latest_year - t0, geometric)
    a.required_rate = _rate(x0, thr, a.period_end - t0, geometric)
    if a.observed_rate is None or a.required_rate is None:
        a.status = "no_data"
        a.notes.append("Rates undefined (non-positive level).")
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
        _close(a, gp["avg_so_far"], better, "growth_index", st)
        a.observed_rate = gp["avg_so_far"]
        return
    # a published period average for exactly the target's growth years closes the period too
    if _close_on_period(a, periods, (a.base_year + 1,), better, "period_average"):
        a.observed_rate = a.outturn
        if gp["years_observed"]:
            a.notes.append(f"{gp['years_observed']} of {a.period_end - a.base_year} annual growth figures are known; "
                           f"their average is {gp['avg_so_far']:.2f}%/yr.")
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


def _assess_total(a: Assessment, series: pd.DataFrame, periods: pd.DataFrame, better: str) -> None:
    """Cumulative totals and changes: judged only on a figure for the whole period."""
    want = [(a.period_start, a.period_end), (a.base_year + 1, a.period_end)]
    for ps, pe in want:
        if ps == pe:
            m = series[series["year"] == pe]
            if not m.empty:
                a.latest_year, a.latest_value = pe, float(m.iloc[-1]["value"])
                _close(a, a.latest_value, better, "annual", str(m.iloc[-1].get("status")))
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
                     "doc_agrees", "outturn_source", "outturn_status", "notes"]


def scorecard(targets: pd.DataFrame, indicators: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """One row per target, in the order of ``targets`` (stable), with every assessment field."""
    ind = {k: v for k, v in indicators.set_index("indicator_id").to_dict("index").items()}
    b = slim_best(best)
    cache: dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]] = {}
    recs = []
    for t in targets.to_dict("records"):
        key = (t["indicator_id"], t["locality"])
        if key not in cache:
            cache[key] = (annual_series(b, *key), period_values(b, *key))
        series, periods = cache[key]
        recs.append(assess_target(t, ind[key[0]], b, series, periods).record())
    df = pd.DataFrame(recs)
    for c in ("latest_year", "baseline_year", "period_start", "period_end"):
        df[c] = df[c].astype("Int64")
    for c in ("low", "high", "latest_value", "observed_rate", "required_rate", "gap", "gap_pct",
              "progress_ratio", "required_remaining", "baseline_value"):
        df[c] = pd.to_numeric(df[c], errors="coerce").round(4)
    df["doc_verdict"] = df["doc_verdict"].fillna("")
    return df[SCORECARD_COLUMNS]


REALISM_PLANS = ("kl42_2023", "kl64_2024", "ctr17_2021_2025", "dh_xiv_ct_2020_2025", "dh_xiv_st_2020_2025",
                 "dh_xiv_hg_2020_2025", "ct_2025_update", "st_2025_update")


def planning_realism(card: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Every past target with an outturn: target, outturn, gap (the planning-realism table)."""
    c = card[(card["plan"].isin(REALISM_PLANS)) & (card["period_state"] == "closed")].copy()
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
