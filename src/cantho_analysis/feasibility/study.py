"""The whole feasibility study: ``run_study(StudyParams, context) -> StudyResult``.

Convention: the average growth over ``start``–``end`` is the annualised growth of
constant-price GRDP from the ``start`` base to ``end``: the geometric mean of the annual
growth rates of the years ``start + 1`` … ``end`` (2025–2030 = 2026…2030). Outcomes known
inside the period are used as they are; every other year of the period is simulated.

Steps: the merged city's growth series as known through ``data_through``; every model's
paths (plus the rare-shock component); backtests of every model on the merged series, the
three old units and Vietnam at every origin; weights from the backtest CRPS of the period
average, with admission rules; the ensemble and its own backtest; sensitivity (Vietnam's
growth x the city–Vietnam gap, the Covid treatment, leaving one model out); the study as of
each year from ``history_from``; the plan-consistency audit. Randomness is seeded: model
``i`` draws from ``numpy.random.default_rng([seed, i])``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from . import backtest as B
from . import checks as C
from . import params as P
from .models import (FitData, NotApplicable, apply_shocks, estimate_shocks, one_thread, period_average,
                     required_growth, simulate, summarise)
from .series import (GrowthSeries, PeriodData, locality_growth_series, merged_growth_series, period_checks, period_data,
                     series_average)

__all__ = ["StudyParams", "ParamError", "ModelResult", "StudyResult", "run_study", "check_params", "likelihood_term",
           "dedupe", "base_rates_table", "defensible_variants", "likelihood", "about_upper"]

CFG = P.load()
MERGED = "can_tho_merged"


class ParamError(ValueError):
    """A study parameter out of range; ``option`` names the command-line option."""

    def __init__(self, option: str, message: str):
        super().__init__(f"{option}: {message}")
        self.option = option


@dataclass(frozen=True)
class StudyParams:
    target_low: float = P.DEFAULTS["target_low"]
    target_high: float = P.DEFAULTS["target_high"]
    start_year: int = P.DEFAULTS["start_year"]
    end_year: int = P.DEFAULTS["end_year"]
    data_through: int | None = None
    n_paths: int = P.DEFAULTS["n_paths"]
    seed: int = P.DEFAULTS["seed"]
    backtest_paths: int = P.DEFAULTS["backtest_paths"]
    run_backtests: bool = True
    covid_treatment: bool = True
    shocks: bool = True
    sensitivity: bool = True
    history: bool = True


@dataclass
class ModelResult:
    name: str
    label: str
    spec: tuple
    paths: np.ndarray  # n x len(sim_years), observed years of the period put in
    averages: np.ndarray
    status: str = "ok"  # ok | failed | not_applicable | duplicate
    reason: str = ""
    info: dict = field(default_factory=dict)
    weight: float = 0.0
    weight_reason: str = ""  # finding key when the weight is 0


@dataclass
class StudyResult:
    params: dict
    history: pd.DataFrame
    period: PeriodData
    models: list[ModelResult]
    ensemble: ModelResult
    weights: dict[str, float]
    backtest: pd.DataFrame
    backtest_summary: pd.DataFrame
    ensemble_backtest: pd.DataFrame
    shock: dict
    plan_errors: pd.DataFrame
    plan_excluded: pd.DataFrame
    base_rates: pd.DataFrame
    checks: list
    period_checks: pd.DataFrame
    sensitivity: dict
    history_asof: list[dict]
    likelihood: dict
    notes: list[tuple[str, dict]] = field(default_factory=list)
    ensemble_raw: ModelResult | None = None  # the ensemble before recalibration
    recalibration: dict = field(default_factory=dict)
    weights_info: dict = field(default_factory=dict)  # how the weights were set (stacking: rows, CRPS, eligible models)
    # ``ensemble_backtest`` with the bias-corrected row and the best single model known at each origin
    ensemble_backtest_detail: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def forecasts(self) -> list[ModelResult]:
        return self.models

    @property
    def observed_in_period(self) -> list[float]:
        return self.period.observed_in_period

    @property
    def first_year(self) -> int | None:
        return self.period.sim_years[0] if self.period.sim_years else None

    def model_table(self) -> pd.DataFrame:
        lo, hi = self.params["target_low"], self.params["target_high"]
        rows = []
        raw = [self.ensemble_raw] if self.ensemble_raw is not None else []
        for m in self.models + [self.ensemble] + raw:
            base = {"name": m.name, "label": m.label, "status": m.status}
            if m.status != "ok" and m.name not in ("ensemble", "ensemble_raw"):
                rows.append({**base, "weight": 0.0, "reason": m.weight_reason or m.status, "detail": m.reason})
                continue
            rows.append({**base, **summarise(m.averages, lo, hi), "weight": round(m.weight, 4),
                         "reason": m.weight_reason, "detail": ""})
        return pd.DataFrame(rows)

    def first_year_table(self) -> pd.DataFrame:
        rows = []
        for m in self.models + [self.ensemble]:
            if m.status != "ok" or m.paths.shape[1] == 0 or len(m.paths) == 0:
                continue
            s = summarise(m.paths[:, 0], self.params["target_low"], self.params["target_high"])
            rows.append({"name": m.name, "year": self.first_year, "median": s["median"], "pi80": s["pi80"], "pi95": s["pi95"]})
        return pd.DataFrame(rows)

    def to_json(self) -> dict:
        """Numbers only (finding keys, no prose); ``clean_json`` turns NaN into null."""
        p = self.params
        lo, hi = p["target_low"], p["target_high"]
        models = []
        for m in self.models:
            if m.status != "ok":
                models.append({"name": m.name, "label": m.label, "status": m.status, "error": m.reason, "weight": 0.0})
            else:
                models.append({"name": m.name, "label": m.label, "status": m.status, **summarise(m.averages, lo, hi),
                               "weight": round(m.weight, 4), "weight_reason": m.weight_reason or None, "info": m.info})
        e = self.ensemble
        raw = self.ensemble_raw if self.ensemble_raw is not None else e
        rc = {**self.recalibration, "raw": summarise(raw.averages, lo, hi)}
        fy = {}
        if e.paths.shape[1] and len(e.paths):
            s = summarise(e.paths[:, 0], lo, hi)
            fy = {"year": self.first_year, "median": s["median"], "pi80": s["pi80"], "pi95": s["pi95"]}
        n = p["end_year"] - p["start_year"]
        obs = self.observed_in_period
        remaining = [y for y in self.period.period_years if y not in self.period.observed]
        req = {"low": required_growth(obs, n, lo), "high": required_growth(obs, n, hi),
               "remaining_years": len(remaining), "years": remaining}
        bts = self.backtest_summary.to_dict("records") if not self.backtest_summary.empty else []
        h = self.history
        return clean_json({
            "params": p,
            "convention": {"start_year": p["start_year"], "end_year": p["end_year"],
                           "growth_years": [p["start_year"] + 1, p["end_year"]], "average": "geometric"},
            "series": {"name": MERGED, "years": [int(y) for y in h["year"]], "values": [_f(v) for v in h["value"]],
                       "source": h["source"].fillna("").tolist()},
            "observed_in_period": obs,
            "observed_years": {str(k): v for k, v in sorted(self.period.observed.items())},
            "simulated_years": self.period.sim_years,
            "models": models,
            "ensemble": {"name": "ensemble", **summarise(e.averages, lo, hi),
                         "weights": {k: round(v, 4) for k, v in self.weights.items()},
                         "weights_rule": "backtest_crps", "rules": CFG["ensemble"],
                         "recalibration_factor": self.recalibration.get("factor", 1.0),
                         "weights_method": CFG["ensemble"].get("method", "inverse_crps"),
                         "stacking": self.weights_info,
                         "bias_correction": self.recalibration.get("bias", 0.0)},
            "recalibration": rc,
            "first_year": fy,
            "required_growth": req,
            "backtest": {"models": bts,
                         "naive": next((r for r in bts if r["model"] == "naive_point"), None),
                         "plan_targets": self.plan_errors.to_dict("records"),
                         "plan_targets_excluded": self.plan_excluded.to_dict("records"),
                         "plan_targets_mae_pp": _f(self.plan_errors["error_pp"].abs().mean()) if len(self.plan_errors) else None,
                         "plan_targets_mean_error_pp": _f(self.plan_errors["error_pp"].mean()) if len(self.plan_errors) else None,
                         "origins": int(self.backtest[["series", "origin"]].drop_duplicates().shape[0]) if not self.backtest.empty else 0,
                         "origins_by_series": ({k: int(v) for k, v in self.backtest.drop_duplicates(["series", "origin"])
                                               .groupby("series").size().items()} if not self.backtest.empty else {})},
            "ensemble_backtest": self.ensemble_backtest.to_dict("records"),
            "ensemble_backtest_detail": self.ensemble_backtest_detail.to_dict("records"),
            "shock": self.shock,
            "base_rates": self.base_rates.to_dict("records"),
            "checks": [c.to_json() for c in self.checks],
            "period_checks": self.period_checks.to_dict("records"),
            "sensitivity": self.sensitivity,
            "history": self.history_asof,
            "likelihood": self.likelihood,
            "notes": [{"key": k, **v} for k, v in self.notes],
        })


# --------------------------------------------------------------------------- helpers
def _f(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def clean_json(o):
    """Strict-JSON-safe copy: NaN/inf -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(o, dict):
        return {str(k): clean_json(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean_json(v) for v in o]
    if isinstance(o, np.ndarray):
        return [clean_json(v) for v in o.tolist()]
    if isinstance(o, (bool, np.bool_)):
        return bool(o)
    if isinstance(o, (int, np.integer)):
        return int(o)
    if isinstance(o, (float, np.floating)):
        return _f(o)
    if o is None or isinstance(o, str):
        return o
    if o is pd.NA or o is pd.NaT:
        return None
    return str(o)


def likelihood_term(p: float | None) -> str | None:
    if p is None or not math.isfinite(p):
        return None
    for term, lower in CFG["likelihood"]["scale"]:
        if p > lower or lower == 0.0:
            return term
    return None


def defensible_variants(central: float | None, models: dict[str, float | None], sens: dict) -> list[dict]:
    """The defensible answers the verdict's range spans: the recalibrated ensemble (the
    central figure), every model the backtest admits, the study without the Covid treatment
    (recalibrated from its own backtest) and the national-anchor row at the consensus outlook
    for Vietnam's growth (every city–Vietnam gap of the grid and the estimated one)."""
    out = [{"kind": "ensemble", "name": "ensemble_recalibrated", "p": central}]
    out += [{"kind": "model", "name": k, "p": v} for k, v in models.items()]
    for r in (sens or {}).get("covid", []):
        if r["case"] == "no_treatment":
            out.append({"kind": "covid", "name": "no_treatment", "p": r["p_ge_low"]})
    cons = (sens or {}).get("consensus_vietnam_growth")
    row = (sens or {}).get("consensus_row") or next((r for r in (sens or {}).get("vietnam_x_gap", []) if cons is not None
                                                    and abs(r["vietnam_growth"] - cons) < 1e-9), None)
    for k, v in (row or {}).items():
        if k != "vietnam_growth":
            out.append({"kind": "national_growth", "name": k, "vietnam_growth": cons, "p": v})
    return [{**v, "term": likelihood_term(v["p"])} for v in out if v["p"] is not None]


def about_upper(p: float) -> float:
    """A round bound just above ``p`` for "under about N %": whole per cent under 10 %, then
    steps of 5 points to 30 %, then of 10 points."""
    x = p * 100
    step = 1 if x < 10 else 5 if x < 30 else 10
    return min(100.0, (math.floor(x / step) + 1) * step) / 100


_DRIVER = {"national_growth": "national_growth", "covid": "covid_treatment", "model": "model_choice",
           "ensemble": "none"}


def likelihood(central: float | None, variants: list[dict]) -> dict:
    """The verdict's wording: the term that holds across the defensible variants (the term of
    whichever is closest to 50 %, the least confident claim), their range, a round upper
    bound, what drives the top of the range, and the central figure's own term."""
    ps = [v["p"] for v in variants]
    if not ps:
        return {"p": central, "term": likelihood_term(central), "term_central": likelihood_term(central),
                "range": None, "range_terms": None, "variants": [], "upper_about": None, "driver": None,
                "rule": "term_holds_across_defensible_variants"}
    cautious = min(ps, key=lambda x: abs(x - 0.5))
    top = max(variants, key=lambda v: v["p"])
    rng = [min(ps), max(ps)]
    return {"p": central, "term": likelihood_term(cautious), "term_central": likelihood_term(central),
            "range": rng, "range_terms": [likelihood_term(x) for x in rng], "variants": variants,
            "upper_about": about_upper(rng[1]) if rng[1] < 0.5 else None,
            "driver": _DRIVER[top["kind"]], "driver_variant": {k: top[k] for k in top if k != "term"},
            "rule": "term_holds_across_defensible_variants"}


def base_rates_table(base_rates: pd.DataFrame) -> pd.DataFrame:
    """How often provinces grew 10 %+ (share of provinces), from the public statistics."""
    b = base_rates[(base_rates["threshold_pct"] == 10)].copy()
    b["share"] = (b["count"] / b["n_provinces"]).round(4)
    b["period"] = [f"{int(s)}" if s == e else f"{int(s)}-{int(e)}" for s, e in zip(b["period_start"], b["period_end"])]
    cols = ["rate_id", "period", "subperiod", "measure", "comparison", "count", "count_kind", "n_provinces", "share",
            "note"] + [c for c in ("source_url",) if c in b]  # where each count was published
    return b[cols].reset_index(drop=True)


def all_series(best: pd.DataFrame) -> dict[str, GrowthSeries]:
    out = {MERGED: merged_growth_series(best)}
    for loc in ("can_tho_old", "soc_trang", "hau_giang", "vietnam"):
        out[loc] = locality_growth_series(best, loc)
    return out


def _arrays(s: GrowthSeries, through: int) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive years up to ``through`` with NaN where a year is missing."""
    f = s.frame[s.frame["year"] <= through]
    if f.empty:
        return np.zeros(0, int), np.zeros(0)
    years = np.arange(int(f["year"].min()), int(f["year"].max()) + 1)
    v = dict(zip(f["year"].astype(int), f["value"].astype(float)))
    return years, np.array([v.get(int(y), np.nan) for y in years])


def check_params(p: StudyParams, first_year: int, last_year: int) -> None:
    """Range-check every parameter; raise :class:`ParamError` naming the option."""
    lim = P.LIMITS
    for opt, v in (("--target-low", p.target_low), ("--target-high", p.target_high)):
        if not math.isfinite(v) or v <= -100 or v > 100:
            raise ParamError(opt, f"{v:g} is not a growth rate in % (must be above -100 and at most 100)")
    if p.target_low > p.target_high:
        raise ParamError("--target-low", f"{p.target_low:g} is above --target-high {p.target_high:g}")
    max_end = last_year + lim["max_years_ahead"]
    if not first_year <= p.start_year <= max_end - 1:
        raise ParamError("--start", f"{p.start_year} is outside the data's span: use a year from {first_year} to {max_end - 1}")
    if not p.start_year < p.end_year <= max_end:
        raise ParamError("--end", f"{p.end_year} must be after --start {p.start_year} and at most {max_end} "
                                  f"({lim['max_years_ahead']} years after the last data year {last_year})")
    if p.data_through is not None and not first_year + 1 <= p.data_through <= p.end_year:
        raise ParamError("--data-through", f"{p.data_through} is outside the data's span: use a year from "
                                           f"{first_year + 1} to {p.end_year} (the end year)")
    if not lim["n_paths_min"] <= p.n_paths <= lim["n_paths_max"]:
        raise ParamError("--n-paths", f"{p.n_paths} must be from {lim['n_paths_min']:,} to {lim['n_paths_max']:,}")
    if not 0 <= p.seed < 2 ** 63:
        raise ParamError("--seed", f"{p.seed} must be a whole number from 0 to 2**63 - 1")
    if not 50 <= p.backtest_paths <= lim["n_paths_max"]:
        raise ParamError("--backtest-paths", f"{p.backtest_paths} must be from 50 to {lim['n_paths_max']:,}")


def dedupe(results: list[ModelResult], tol_pp: float = 0.05) -> None:
    """Mark later models identical to an earlier one: same structure (spec), or simulated
    period averages whose 5th, 10th, 50th, 90th and 95th percentiles all agree within ``tol_pp``."""
    kept: list[ModelResult] = []
    for r in results:
        if r.status != "ok":
            continue
        same = next((k for k in kept if k.spec == r.spec), None)
        if same is None and len(r.averages):
            q = np.percentile(r.averages, [5, 10, 50, 90, 95])
            same = next((k for k in kept if len(k.averages) and
                         np.all(np.abs(np.percentile(k.averages, [5, 10, 50, 90, 95]) - q) < tol_pp)), None)
        if same is not None:
            r.status, r.reason = "duplicate", f"duplicate of {same.name}"
            r.weight_reason = "duplicate"
        else:
            kept.append(r)


def _period_matrix(paths: np.ndarray, pdata: PeriodData) -> tuple[np.ndarray, np.ndarray]:
    """Simulated paths with observed years of the period put in, and the period averages."""
    paths = paths.copy()
    fit_end = pdata.fit_end
    for y, v in pdata.observed.items():
        j = y - fit_end - 1
        if 0 <= j < paths.shape[1]:
            paths[:, j] = v
    before = [pdata.observed[y] for y in pdata.period_years if y <= fit_end and y in pdata.observed]
    cols = [y - fit_end - 1 for y in pdata.period_years if y > fit_end]
    avgs = period_average(before, paths[:, cols])
    return paths, avgs


def _forecast(name: str, i: int, d: FitData, pdata: PeriodData, n: int, seed: int, shock, cache: dict | None = None,
              **kw) -> ModelResult:
    h = len(pdata.sim_years)
    key = (name, i, d.origin, d.covid_years, h, n, seed)
    if cache is not None and key in cache:  # same fit and draws; only the shock component differs
        s, state = cache[key]
        rng = np.random.default_rng([seed, i])
        rng.bit_generator.state = state
    else:
        rng = np.random.default_rng([seed, i])
        try:
            s = simulate(name, d, h, n, rng, **kw)
        except NotApplicable as e:
            return ModelResult(name, name, (name,), np.zeros((0, h)), np.zeros(0), "not_applicable", str(e))
        except Exception as e:
            return ModelResult(name, name, (name,), np.zeros((0, h)), np.zeros(0), "failed", f"{type(e).__name__}: {e}")
        if cache is not None:
            cache[key] = (s, rng.bit_generator.state)
    paths = apply_shocks(s.paths, shock, rng)
    paths, avgs = _period_matrix(paths, pdata)
    return ModelResult(name, s.label, s.spec, paths, avgs, info=s.info)


@dataclass
class _Core:
    pdata: PeriodData
    models: list[ModelResult]
    ensemble: ModelResult
    weights: dict[str, float]
    ev: pd.DataFrame
    summ: pd.DataFrame
    shock: object
    raw: ModelResult | None = None
    recal: dict = field(default_factory=lambda: {"factor": 1.0, "n": 0, "applied": False})
    weights_info: dict = field(default_factory=dict)


def _oos(fc: B.Forecasts | None, core: _Core, n: int) -> dict:
    """The ensemble's out-of-sample backtest forecasts (weights known at each origin), and the
    same bias-corrected with the bias known at each origin: {"raw": ..., "corrected": ...}."""
    if fc is None or not core.weights:
        return {}
    excluded = {r.name: r.weight_reason for r in core.models if r.status != "ok"}
    out, _ = B.ensemble_rows_out_of_sample(fc, [r.name for r in core.models], CFG["models"]["trend"],
                                           CFG["ensemble"], excluded, n)
    return _calibration_rows(fc, out)


def _calibration_rows(fc: B.Forecasts, raw: dict) -> dict:
    corrected, used = B.bias_corrected_rows(fc, raw, "ensemble", CFG["recalibration"])
    return {"raw": raw, "corrected": corrected, "bias_by_origin": used, "memo_bias": {}, "memo_factor": {}}


def _recalibrate(core: _Core, fc: B.Forecasts | None, oos: dict, as_of: int) -> None:
    """Recalibrate the core's ensemble from its out-of-sample backtest as known at ``as_of`` (the
    procedure the backtest row "known_at_origin_recalibrated" evaluates): shift it by the mean error
    of the earlier backtest forecasts (bias correction), then widen it by the factor the
    bias-corrected backtest forecasts call for. Keep the raw one."""
    rules = CFG["recalibration"]
    e = core.ensemble
    core.raw = replace(e, name="ensemble_raw", label="ensemble_raw")
    if not rules["enabled"] or fc is None or not oos or not core.pdata.sim_years or not len(e.paths):
        core.recal = {"factor": 1.0, "n": 0, "as_of": as_of, "applied": False, "bias": 0.0,
                      "bias_correction": {"bias": 0.0, "n": 0, "as_of": as_of}}
        return
    bc = B.bias_correction(fc, oos["raw"], "ensemble", as_of, rules, oos["memo_bias"],
                           {o: u["estimate"] for o, u in oos["bias_by_origin"].items() if o < as_of})
    rc = B.recalibration(fc, oos["corrected"], "ensemble", as_of, rules, oos["memo_factor"])
    paths, avgs = _period_matrix(B.widen(B.shift(e.paths, bc["bias"]), rc["factor"]), core.pdata)
    core.ensemble = replace(e, paths=paths, averages=avgs)
    core.recal = {**rc, "applied": rc["factor"] != 1.0 or bc["bias"] != 0.0, "bias": bc["bias"], "bias_correction": bc}


def _core(series: dict[str, GrowthSeries], p: StudyParams, data_through: int, fc: B.Forecasts | None,
          covid: tuple[int, ...], shocks_on: bool, models: list[str], cache: dict | None = None) -> _Core:
    """Models, weights and ensemble as known through ``data_through``."""
    m = CFG["models"]
    pdata = period_data(series[MERGED], p.start_year, p.end_year, data_through)
    fit_end = pdata.fit_end
    arr = {k: _arrays(s, fit_end) for k, s in series.items()}
    y, v = arr[MERGED]
    d = FitData(MERGED, y, v, covid, arr, m["t_df"], P.LIMITS["min_obs"], tuple(m["pooled_units"]))
    shock = estimate_shocks({k: arr[k] for k in CFG["shock"]["series"] if k in arr}, fit_end,
                            CFG["shock"]["drop_pp"], CFG["shock"]["window"]) if shocks_on else None
    res = [_forecast(name, i, d, pdata, p.n_paths, p.seed, shock, cache) for i, name in enumerate(models)]
    dedupe(res)
    for r in res:
        if r.status in ("failed", "not_applicable"):
            r.weight_reason = r.status
    ev, summ = B.evaluated(fc, data_through) if fc is not None else (pd.DataFrame(), pd.DataFrame())
    excluded = {r.name: r.weight_reason for r in res if r.status != "ok"}
    stacking: dict = {}
    if not summ.empty:
        weights, reasons, stacking = B.weights_as_of(fc, summ, data_through, [r.name for r in res], m["trend"],
                                                     CFG["ensemble"], excluded)
    else:
        weights, reasons = {}, {**excluded, **{r.name: "no_backtest" for r in res if r.status == "ok"}}
    if not weights:  # nothing passed: equal weights over the non-trend models that ran, said in the notes
        ok = [r.name for r in res if r.status == "ok" and r.name not in m["trend"]]
        weights = {k: 1 / len(ok) for k in ok} if ok else {}
        for k in ok:
            reasons.pop(k, None)
    for r in res:
        r.weight = float(weights.get(r.name, 0.0))
        r.weight_reason = "" if r.weight > 0 else reasons.get(r.name, r.weight_reason or "no_weight")
    parts = {r.name: r.paths for r in res if r.name in weights}
    paths = B.mix(parts, weights, p.n_paths) if parts else np.zeros((0, len(pdata.sim_years)))
    _, avgs = _period_matrix(paths, pdata) if len(paths) else (paths, np.zeros(0))
    if not pdata.sim_years:  # the period is complete: its average is known
        avgs = np.full(p.n_paths, period_average(pdata.observed_in_period, np.zeros((1, 0)))[0])
        paths = np.zeros((p.n_paths, 0))
    ens = ModelResult("ensemble", "ensemble", ("ensemble",), paths, avgs, weight=1.0)
    return _Core(pdata, res, ens, weights, ev, summ, shock, weights_info=stacking)


def _p(avgs: np.ndarray, t: float) -> float | None:
    return float(np.mean(avgs >= t)) if len(avgs) else None


def national_outlook(best: pd.DataFrame | None, data_through: int) -> dict:
    """Vietnam's average growth assumed for the period in the verdict's range, with its source:
    Vietnam's own geometric-mean growth over ``consensus_vietnam_growth_years`` in the bundle (years
    after ``data_through`` are left out), and the alternative window beside it."""
    sens = CFG["sensitivity"]
    out = {"rule": "vietnam_own_average", "note": "not a forecast: Vietnam's own record in the bundle"}
    if best is None:
        return {**out, "value": None}
    for key, cfg in (("main", "consensus_vietnam_growth_years"), ("alternative", "consensus_vietnam_growth_alternative_years")):
        a, b = sens[cfg]
        b = min(int(b), int(data_through))
        out[key] = series_average(best, "vietnam", int(a), b) if b >= a else None
    m = out.get("main") or {}
    out["value"] = m.get("value")
    out["years"] = m.get("years")
    return out


def _sensitivity(series, p: StudyParams, core: _Core, fc, data_through: int, covid, models, cache,
                 best: pd.DataFrame | None = None) -> dict:
    sens = CFG["sensitivity"]
    m = CFG["models"]
    pdata = core.pdata
    arr = {k: _arrays(s, pdata.fit_end) for k, s in series.items()}
    y, v = arr[MERGED]
    d = FitData(MERGED, y, v, covid, arr, m["t_df"], P.LIMITS["min_obs"], tuple(m["pooled_units"]))
    grid = []
    n = min(p.n_paths, 4000)
    anchor_info = next((r.info for r in core.models if r.name == "national_anchor" and r.status == "ok"), None)
    def anchor_row(vn: float) -> dict:
        row = {"vietnam_growth": vn}
        for g in sens["gap_pp"] + (["estimated"] if anchor_info else []):
            gap = anchor_info["gap"]["mean"] if g == "estimated" else g
            r = _forecast("national_anchor", 100, d, pdata, n, p.seed, None, override=(vn, gap))
            row[str(g) if g == "estimated" else f"{g:+g}"] = _p(r.averages, p.target_low) if r.status == "ok" else None
        return row

    for vn in sens["vietnam_growth"]:
        grid.append(anchor_row(vn))
    outlook = national_outlook(best, data_through)
    cons = outlook["value"]
    cons_row = anchor_row(round(cons, 2)) if cons is not None else None
    lo = p.target_low
    raw = core.raw if core.raw is not None else core.ensemble
    covid_rows = [{"case": "treatment", "p_ge_low": _p(core.ensemble.averages, lo),
                   "median": summarise(core.ensemble.averages, lo, p.target_high)["median"],
                   "p_ge_low_raw": _p(raw.averages, lo), "factor": core.recal["factor"],
                   "weights": {k: round(w, 3) for k, w in core.weights.items()}}]
    for case, cv, sh in (("dummies_no_shocks", covid, False), ("no_treatment", (), False)):
        fc2 = fc
        if fc is not None and case == "no_treatment":
            fc2 = _backtests(series, p, data_through, (), False, models)
        c2 = _core(series, p, data_through, fc2, cv, sh, [x for x in models if x != "arima"], cache)
        # the variant is recalibrated from its own backtest (its ensemble with its final weights at
        # every origin: cheaper than weights known at each origin, and nearly the same factor);
        # the recession-free variant has no backtest of its own, so it stays as it is
        if case == "no_treatment" and fc2 is not None and c2.weights:
            _recalibrate(c2, fc2, _calibration_rows(fc2, B.ensemble_rows(fc2, c2.weights, p.backtest_paths)),
                         data_through)
        raw2 = c2.raw if c2.raw is not None else c2.ensemble
        covid_rows.append({"case": case, "p_ge_low": _p(c2.ensemble.averages, lo),
                           "median": summarise(c2.ensemble.averages, lo, p.target_high)["median"],
                           "p_ge_low_raw": _p(raw2.averages, lo), "factor": c2.recal["factor"],
                           "weights": {k: round(w, 3) for k, w in c2.weights.items()}})
    loo = []
    for name in core.weights:
        w = {k: x for k, x in core.weights.items() if k != name}
        if not w:
            continue
        parts = {r.name: r.paths for r in core.models if r.name in w}
        paths = B.mix(parts, w, p.n_paths)  # shifted and widened as the full ensemble, to compare with it
        _, avgs = _period_matrix(B.widen(B.shift(paths, core.recal.get("bias", 0.0)), core.recal["factor"]), pdata)
        loo.append({"without": name, "p_ge_low": _p(avgs, lo)})
    return {"vietnam_x_gap": grid, "vietnam_x_gap_note": {"paths": n, "shocks": False, "recalibrated": False,
                                                          "gap_estimated": anchor_info["gap"] if anchor_info else None},
            "consensus_vietnam_growth": round(cons, 2) if cons is not None else None,
            "consensus_vietnam_growth_source": outlook, "consensus_row": cons_row,
            "covid": covid_rows, "leave_one_out": loo}


def _backtests(series, p: StudyParams, data_through: int, covid, shocks_on: bool, models) -> B.Forecasts:
    m = CFG["models"]
    arr = {k: _arrays(s, data_through) for k, s in series.items()}
    bt_models = [x for x in models if x != "arima"]  # ARIMA's orders are the other models' structures
    return B.run_backtests(arr, m["backtest_series"], bt_models, p.backtest_paths, p.seed, P.DEFAULTS["horizon"],
                           covid, m["t_df"], P.LIMITS["min_obs"], m["pooled_units"], CFG["shock"]["series"],
                           (CFG["shock"]["drop_pp"], CFG["shock"]["window"]), with_shocks=shocks_on)


def _recalibration_backtest(ev_before: pd.DataFrame, ev_after: pd.DataFrame, used: dict) -> dict:
    """Before and after recalibration, over the origins where a factor could be estimated
    (enough earlier forecasts): coverage and CRPS of the period average; and each origin's factor."""
    min_rows = CFG["recalibration"]["min_rows"]
    est = {o for o, u in used.items() if u["n"] >= min_rows}
    b = ev_before[ev_before["model"] == "ensemble"]
    a = ev_after[ev_after["model"] == "ensemble"]
    b, a = b[b["origin"].isin(est)], a[a["origin"].isin(est)]
    out = {"origins_with_factor": int(len(a)), "min_rows": min_rows,
           "factors_by_origin": {str(o): {"factor": u["factor"], "n": u["n"]} for o, u in sorted(used.items())}}
    if len(a):
        out.update({"coverage80_avg_before": float(b["in80_avg"].mean()), "coverage80_avg_after": float(a["in80_avg"].mean()),
                    "coverage95_avg_before": float(b["in95_avg"].mean()), "coverage95_avg_after": float(a["in95_avg"].mean()),
                    "crps_avg_before": float(b["crps_avg"].mean()), "crps_avg_after": float(a["crps_avg"].mean())})
    return out


def _why(prev: dict, cur: dict) -> dict:
    """Numbers behind a move of the answer from one as-of year to the next."""
    changed = sorted(set(prev.get("weights", {})) | set(cur.get("weights", {})))
    dw = {k: round(cur.get("weights", {}).get(k, 0) - prev.get("weights", {}).get(k, 0), 3) for k in changed}
    key = "new_outcome"
    if prev.get("p_ge_low") is None or cur.get("p_ge_low") is None:
        key = "models_became_available"
    elif max((abs(x) for x in dw.values()), default=0) > 0.25:
        key = "weights_shifted"
    return {"key": key, "new_year": cur["as_of"], "new_value": cur.get("new_value"), "weight_change": dw,
            "weights_before": prev.get("weights", {}), "weights_after": cur.get("weights", {}),
            "median_before": prev.get("median"), "median_after": cur.get("median"),
            "factor_before": prev.get("factor"), "factor_after": cur.get("factor")}


def run_study(params: StudyParams | None = None, context=None) -> StudyResult:
    """The whole study for the merged city (see the module docs)."""
    p = params or StudyParams()
    if context is None:
        from ..report import get_context  # data loading only
        context = get_context()
    best = context.best
    series = all_series(best)
    merged = series[MERGED]
    if merged.frame.empty:
        raise ParamError("data", "no growth figures for the merged city")
    first, last = int(merged.years.min()), int(merged.years.max())
    check_params(p, first, last)
    notes: list[tuple[str, dict]] = []
    dt = last if p.data_through is None else int(p.data_through)
    if dt > last:
        notes.append(("data_through_after_series", {"data_through": dt, "last": last}))
        dt = last
    if dt > p.end_year:
        dt = p.end_year
    covid = tuple(CFG["covid"]["years"]) if p.covid_treatment else ()
    models = list(CFG["models"]["order"])
    with one_thread(), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fc = _backtests(series, p, dt, covid, p.shocks, models) if p.run_backtests else None
        cache: dict = {}
        core = _core(series, p, dt, fc, covid, p.shocks, models, cache)
        # ARIMA is never backtested (its orders are the other models' structures), so it cannot
        # carry weight: the re-runs below leave it out
        rerun = [x for x in models if x != "arima"]
        notes += core.pdata.notes
        ens_bt = ens_detail = pd.DataFrame()
        ev = core.ev
        oos = _oos(fc, core, p.backtest_paths)
        if fc is not None and core.weights:
            # the ensemble's backtest, three times: with the final weights (in-sample for the
            # weights); with weights from the outturns known at each origin (out of sample); and
            # that one recalibrated with factors from the forecasts before each origin (out of sample)
            local, hz = CFG["models"]["local_series"], P.DEFAULTS["horizon"]
            excluded = {r.name: r.weight_reason for r in core.models if r.status != "ok"}
            lead = B.leaders(fc, [r.name for r in core.models if r.name not in excluded
                                  and r.name not in CFG["models"]["trend"]], CFG["ensemble"]["min_rows"])
            extra = B.ensemble_rows(fc, core.weights, p.backtest_paths)
            ev = B.evaluate(fc, as_of=dt, extra=extra)
            ens_bt = B.ensemble_table(ev, local, hz, lead)
            ev_oos = B.evaluate(fc, as_of=dt, extra=oos["raw"])
            t_oos = B.ensemble_table(ev_oos, local, hz, lead)
            if any(u["bias"] != 0.0 for u in oos["bias_by_origin"].values()):
                t_bc = B.ensemble_table(B.evaluate(fc, as_of=dt, extra=oos["corrected"]), local, hz, lead)
            else:  # no origin was corrected (the guard held): the same forecasts as t_oos
                t_bc = t_oos.copy()
            rec, used = B.recalibrated_rows(fc, oos["corrected"], "ensemble", CFG["recalibration"])
            ev_rec = B.evaluate(fc, as_of=dt, extra=rec)
            t_rec = B.ensemble_table(ev_rec, local, hz, lead)
            ens_detail = pd.concat([ens_bt.assign(weights="final"), t_oos.assign(weights="known_at_origin"),
                                    t_bc.assign(weights="known_at_origin_bias_corrected"),
                                    t_rec.assign(weights="known_at_origin_recalibrated")], ignore_index=True)
            # the table the page shows keeps its rows and columns; the detail adds the bias-corrected
            # row and the best single model known at each origin
            ens_bt = ens_detail[ens_detail["weights"] != "known_at_origin_bias_corrected"].drop(
                columns=[c for c in ens_detail.columns if c.startswith("best_single_known_at_origin")]).reset_index(drop=True)
            rec_bt = _recalibration_backtest(ev_oos, ev_rec, used)
            rec_bt["bias_by_origin"] = {str(o): {"bias": u["bias"], "estimate": u["estimate"], "n": u["n"]}
                                        for o, u in sorted(oos["bias_by_origin"].items())}
        else:
            rec_bt = {}
        _recalibrate(core, fc, oos, dt)
        core.recal["backtest"] = rec_bt
        summ = B.summary(ev, P.DEFAULTS["horizon"]) if not ev.empty else pd.DataFrame()
        sens = _sensitivity(series, p, core, fc, dt, covid, rerun, cache, best) if p.sensitivity else {}
        hist = []
        if p.history:
            for y in range(max(CFG["sensitivity"]["history_from"], first + 1), dt + 1):
                if y == dt:
                    c = core
                else:
                    c = _core(series, p, y, fc, covid, p.shocks, rerun, cache)
                    _recalibrate(c, fc, oos, y)
                row = {"as_of": y, "p_ge_low": _p(c.ensemble.averages, p.target_low),
                       "p_ge_low_raw": _p(c.raw.averages, p.target_low) if c.raw is not None else None,
                       "factor": c.recal["factor"],
                       "p_ge_high": _p(c.ensemble.averages, p.target_high),
                       "median": summarise(c.ensemble.averages, p.target_low, p.target_high)["median"],
                       "new_value": _f(merged.frame.set_index("year")["value"].get(y)),
                       "models_ok": [r.name for r in c.models if r.status == "ok"],
                       "weights": {k: round(w, 3) for k, w in c.weights.items()}}
                if hist and (row["p_ge_low"] is None or hist[-1]["p_ge_low"] is None or
                             abs(row["p_ge_low"] - hist[-1]["p_ge_low"]) * 100 > CFG["sensitivity"]["move_pp"]):
                    row["why"] = _why(hist[-1], row)
                hist.append(row)
    hist_frame = merged.through(dt).frame
    inp = C.AuditInput(context.catalog.targets, context.catalog.actuals, context.catalog.scenarios, best, context.card,
                       hist_frame, p.target_low, p.target_high, p.start_year, p.end_year,
                       core.pdata.observed_in_period, CFG["audit"])
    checks = C.run_checks(inp)
    plan_used, plan_excl = C.plan_target_errors(inp)
    ok = [r for r in core.models if r.weight > 0]
    pe = _p(core.ensemble.averages, p.target_low)
    models_rng = ([min(_p(r.averages, p.target_low) for r in ok), max(_p(r.averages, p.target_low) for r in ok)]
                  if ok else None)
    variants = defensible_variants(pe, {r.name: _p(r.averages, p.target_low) for r in ok}, sens)
    lik = likelihood(pe, variants)
    lik.update({"scale": [{"term": t, "above": lb} for t, lb in CFG["likelihood"]["scale"]], "source": "IPCC AR5",
                "p_raw": _p(core.raw.averages, p.target_low) if core.raw is not None else pe,
                "recalibration_factor": core.recal["factor"], "models_range": models_rng,
                "gap_estimated": (((sens or {}).get("vietnam_x_gap_note") or {}).get("gap_estimated") or {}).get("mean"),
                "models_in_range": [r.name for r in ok]})
    prm = {k: v for k, v in asdict(p).items()}
    prm["data_through"] = dt
    prm["covid_years"] = list(covid)
    fy = sum(1 for y in core.pdata.period_years if y in core.pdata.observed)
    if len(hist_frame) - sum(1 for y in hist_frame["year"] if y in covid) < 8:
        notes.append(("short_series", {"n_obs": int(len(hist_frame)), "n_clean": int(sum(1 for y in hist_frame["year"] if y not in covid)),
                                       "first": int(hist_frame["year"].min()), "last": dt, "observed_in_period": fy}))
    return StudyResult(prm, hist_frame, core.pdata, core.models, core.ensemble, core.weights, ev, summ, ens_bt,
                       core.shock.to_json() if core.shock else {}, plan_used, plan_excl,
                       base_rates_table(context.catalog.base_rates), checks, period_checks(merged, best), sens, hist,
                       lik, notes, core.raw, core.recal, core.weights_info, ens_detail)


def with_params(p: StudyParams, **kw) -> StudyParams:
    return replace(p, **kw)
