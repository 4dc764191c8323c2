"""Annual real GRDP growth series for the feasibility study, "as known through year Y".

The merged city (Cần Thơ + Sóc Trăng + Hậu Giang) has published growth figures only from
2023. Earlier years are derived from the three old units' growth rates, weighted by their
shares of GRDP in the previous year:

    g_merged(t) = sum_u w_u(t-1) * g_u(t),   w_u(t-1) = GRDP_u(t-1) / sum_v GRDP_v(t-1)

Shares are taken from current-price GRDP (the constant-price levels are not published
for all units), which assumes similar deflators across the three units. Where a unit's
level is missing in t-1 but the merged total and the two other units are known, the
unit's level is the residual; where no year t-1 has all three levels, the nearest year
that has them is used. Every derived value records its inputs, weights and the weight
year, and is marked ``derived``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["series_average", "UNITS", "APPENDIX8_SERIES", "merged_current_levels", "PeriodData", "period_data", "implied_deflators", "GrowthSeries", "unit_levels", "derive_merged_growth", "merged_growth_series",
           "locality_growth_series", "period_checks", "series_as_of"]

UNITS = ("can_tho_old", "soc_trang", "hau_giang")
# The merged city's current-price GRDP 2020-2025 as one consistent series (appendix 8 of the
# congress documents): the rows of actuals.csv whose ``series`` column names it.
APPENDIX8_SERIES = "appendix8_levels"
# Years whose implied deflator is reported: the post-Covid years, 2021 being a rebound base.
DEFLATOR_YEARS = (2022, 2023, 2024, 2025)


def merged_current_levels(actuals: pd.DataFrame) -> dict[int, float]:
    """Current-price GRDP of the merged area by year, from appendix 8's single series."""
    if "series" not in actuals.columns:
        return {}
    a = actuals[(actuals["indicator_id"] == "grdp_current") & (actuals["locality"] == "can_tho_merged")
                & (actuals["series"].fillna("") == APPENDIX8_SERIES)]
    return dict(zip(a["period_start"].astype(int), a["value"].astype(float)))


def implied_deflators(levels: dict[int, float], real_growth: dict[int, float],
                      years=DEFLATOR_YEARS) -> dict[int, float]:
    """GDP deflator (%) implied by nominal level growth and real growth, for each year both exist."""
    return {y: round(((levels[y] / levels[y - 1]) / (1 + real_growth[y] / 100) - 1) * 100, 2)
            for y in years if y in levels and y - 1 in levels and y in real_growth}


@dataclass
class GrowthSeries:
    """Annual growth (% per year) by year, with where each value comes from."""

    name: str
    frame: pd.DataFrame  # year, value, source (published|derived), status, detail

    @property
    def years(self) -> np.ndarray:
        return self.frame["year"].to_numpy(int)

    @property
    def values(self) -> np.ndarray:
        return self.frame["value"].to_numpy(float)

    def through(self, year: int) -> "GrowthSeries":
        return GrowthSeries(self.name, self.frame[self.frame["year"] <= year].reset_index(drop=True))


def _annual(best: pd.DataFrame, indicator: str, locality: str) -> pd.DataFrame:
    b = best[(best["indicator_id"] == indicator) & (best["locality"] == locality) & (best["period_start"] == best["period_end"])]
    return b.assign(year=b["period_start"].astype(int), value=b["value"].astype(float))[
        ["year", "value", "status", "published", "actual_id"]].sort_values("year").reset_index(drop=True)


def unit_levels(best: pd.DataFrame) -> pd.DataFrame:
    """Current-price GRDP by year for the three units and the merged total; residuals filled and flagged."""
    tab = {}
    for loc in UNITS + ("can_tho_merged",):
        for r in _annual(best, "grdp_current", loc).itertuples():
            tab.setdefault(r.year, {})[loc] = float(r.value)
    rows = []
    for y in sorted(tab):
        d = dict(tab[y])
        filled = ""
        missing = [u for u in UNITS if u not in d]
        if len(missing) == 1 and "can_tho_merged" in d:
            u = missing[0]
            d[u] = d["can_tho_merged"] - sum(d[v] for v in UNITS if v != u)
            filled = u
        rows.append({"year": y, **{u: d.get(u, np.nan) for u in UNITS}, "merged": d.get("can_tho_merged", np.nan),
                     "residual": filled})
    return pd.DataFrame(rows)


def derive_merged_growth(best: pd.DataFrame) -> pd.DataFrame:
    """Derived merged-city growth for every year where the three units' growth is known."""
    levels = unit_levels(best)
    complete = levels.dropna(subset=list(UNITS))
    growth = {u: dict(zip(*_annual(best, "grdp_growth", u)[["year", "value"]].T.values)) for u in UNITS}
    years = sorted(set.intersection(*(set(int(y) for y in g) for g in growth.values())))
    rows = []
    for t in years:
        if complete.empty:
            break
        if (t - 1) in set(complete["year"]):
            wy = t - 1
        else:
            wy = int(complete.iloc[(complete["year"] - (t - 1)).abs().argsort().iloc[0]]["year"])
        lv = complete[complete["year"] == wy].iloc[0]
        tot = sum(lv[u] for u in UNITS)
        w = {u: lv[u] / tot for u in UNITS}
        g = sum(w[u] * growth[u][t] for u in UNITS)
        detail = (f"weights from {wy} current-price GRDP"
                  + (f" ({lv['residual']} as residual of the merged total)" if lv["residual"] else "")
                  + "; " + ", ".join(f"{u} {growth[u][t]:g}% x {w[u]:.3f}" for u in UNITS))
        rows.append({"year": t, "value": g, "source": "derived", "status": "derived", "weights_year": wy,
                     **{f"w_{u}": w[u] for u in UNITS}, **{f"g_{u}": growth[u][t] for u in UNITS}, "detail": detail})
    return pd.DataFrame(rows)


def merged_growth_series(best: pd.DataFrame) -> GrowthSeries:
    """Published merged growth where it exists, derived growth before that."""
    pub = _annual(best, "grdp_growth", "can_tho_merged")
    der = derive_merged_growth(best)
    rows = {int(r.year): {"year": int(r.year), "value": float(r.value), "source": "derived", "status": "derived",
                          "detail": r.detail} for r in der.itertuples()}
    for r in pub.itertuples():
        rows[int(r.year)] = {"year": int(r.year), "value": float(r.value), "source": "published", "status": r.status,
                             "detail": f"{r.actual_id} ({r.status}, published {r.published})"}
    frame = pd.DataFrame([rows[y] for y in sorted(rows)])
    return GrowthSeries("can_tho_merged", frame)


def locality_growth_series(best: pd.DataFrame, locality: str) -> GrowthSeries:
    a = _annual(best, "grdp_growth", locality)
    frame = a.assign(source="published", detail=a["actual_id"] + " (" + a["status"] + ")")[
        ["year", "value", "source", "status", "detail"]]
    return GrowthSeries(locality, frame)


def series_average(best: pd.DataFrame, locality: str, first: int, last: int) -> dict:
    """The geometric-mean annual growth of ``locality`` over ``first``..``last`` from the bundle's
    best version of each year, with the rows it rests on (id, status, source). ``value`` is None
    when a year is missing."""
    a = _annual(best, "grdp_growth", locality)
    w = a[(a["year"] >= first) & (a["year"] <= last)]
    years = list(range(int(first), int(last) + 1))
    have = dict(zip(w["year"].astype(int), w["value"].astype(float)))
    value = (float(np.prod([1 + have[y] / 100 for y in years]) ** (1 / len(years)) - 1) * 100
             if years and all(y in have for y in years) else None)
    src = best.set_index("actual_id")
    rows = [{"year": int(r.year), "value": float(r.value), "status": r.status, "actual_id": r.actual_id,
             "source_url": (str(src.loc[r.actual_id, "source_url"]) if "source_url" in src.columns
                            and r.actual_id in src.index and isinstance(src.loc[r.actual_id, "source_url"], str) else None)}
            for r in w.itertuples()]
    return {"locality": locality, "years": [int(first), int(last)], "value": None if value is None else round(value, 4),
            "average": "geometric", "rows": rows, "missing_years": [y for y in years if y not in have]}


def series_as_of(best: pd.DataFrame, locality: str, year: int) -> GrowthSeries:
    """The growth series of a locality using outcomes for years up to ``year`` only.

    Note: this truncates the best-available (latest-vintage) series; the real-time
    vintages known in ``year`` are mostly not available, so backtests are pseudo
    out-of-sample.
    """
    s = merged_growth_series(best) if locality == "can_tho_merged" else locality_growth_series(best, locality)
    return s.through(year)


def period_checks(series: GrowthSeries, best: pd.DataFrame) -> pd.DataFrame:
    """Published period averages next to the geometric mean of the annual series over the same years."""
    b = best[(best["indicator_id"] == "grdp_growth") & (best["locality"] == series.name)
             & (best["period_start"] < best["period_end"])]
    rows = []
    s = dict(zip(series.years, series.values))
    for r in b.itertuples():
        years = list(range(int(r.period_start), int(r.period_end) + 1))
        have = [y for y in years if y in s]
        avg = (np.prod([1 + s[y] / 100 for y in have]) ** (1 / len(have)) - 1) * 100 if have else np.nan
        rows.append({"period": f"{int(r.period_start)}-{int(r.period_end)}", "published_average": float(r.value),
                     "status": r.status, "annual_years_available": len(have), "years_in_period": len(years),
                     "annual_average": avg if len(have) == len(years) else np.nan,
                     "difference_pp": (float(r.value) - avg) if len(have) == len(years) else np.nan})
    return pd.DataFrame(rows)


@dataclass
class PeriodData:
    """What is known of a period ``start+1 .. end`` as of ``data_through``.

    ``fit`` is the history the models are fitted on: the series up to the last year of its
    unbroken run that ends at or before ``data_through`` (a year missing inside the data
    stops it). ``observed`` maps years of the period known as of ``data_through`` to their
    growth; every other year of the period is simulated. Figures after ``end`` are ignored.
    """

    fit: pd.DataFrame
    observed: dict[int, float]
    sim_years: list[int]  # every simulated year after the fitted history, up to ``end``
    period_years: list[int]
    notes: list[tuple[str, dict]]  # (note key, numbers) for the text layer

    @property
    def fit_end(self) -> int:
        return int(self.fit["year"].iloc[-1]) if len(self.fit) else self.period_years[0] - 1

    @property
    def observed_in_period(self) -> list[float]:
        return [self.observed[y] for y in self.period_years if y in self.observed]


def period_data(series: GrowthSeries, start: int, end: int, data_through: int) -> PeriodData:
    """Split a growth series into the fitted history, the observed years of the period and
    the years to simulate (see :class:`PeriodData`)."""
    notes: list[tuple[str, dict]] = []
    f = series.frame
    later = f[f["year"] > end]
    if len(later):
        notes.append(("after_end_ignored", {"years": [int(y) for y in later["year"]], "end_year": end}))
    known = f[(f["year"] <= min(data_through, end))].sort_values("year").reset_index(drop=True)
    have = set(int(y) for y in known["year"])
    last = max(have) if have else start
    # the fitted history stops before the first year missing after the period's base year
    fit_end = next((y - 1 for y in range(start + 1, last + 1) if y not in have), last)
    fit = known[known["year"] <= fit_end]
    if len(fit):  # earlier gaps stay as missing years (NaN), which the models treat like Covid years
        full = pd.DataFrame({"year": range(int(fit["year"].min()), fit_end + 1)})
        fit = full.merge(fit, on="year", how="left")
    fit = fit.reset_index(drop=True)
    period_years = list(range(start + 1, end + 1))
    observed = {int(y): float(v) for y, v in zip(known["year"], known["value"]) if start < y <= end}
    after_gap = sorted(y for y in observed if y > fit_end)
    if after_gap:
        missing = [y for y in range(fit_end + 1, max(after_gap)) if y not in observed]
        notes.append(("gap_in_period", {"observed_after_gap": after_gap, "missing": missing, "fit_end": fit_end}))
    sim_years = list(range(fit_end + 1, end + 1))
    return PeriodData(fit, observed, sim_years, period_years, notes)
