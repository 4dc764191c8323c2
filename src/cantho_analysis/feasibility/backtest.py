"""Rolling-origin backtests of every model and of the ensemble, scored with CRPS.

Forecasts are made once per series, origin and model, for ``horizon`` years after the
origin, from the series and the bundle's other series as known at the origin (the shock
component too). They are then scored against whatever outturns are known as of a given
year, so the study re-run "as of" an earlier year reuses them (``evaluate(..., as_of=Y)``).

Scores: CRPS (``scoringrules.crps_ensemble``) of the one-year forecast and of the average
over the next ``min(horizon, years known)`` years, and whether the 80 % / 95 % central
intervals covered the outturn. The series are the latest vintage truncated at each origin,
so these are pseudo out-of-sample backtests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scoringrules as sr

from .models import FitData, NotApplicable, ShockParams, apply_shocks, estimate_shocks, period_average, simulate

log = logging.getLogger(__name__)

__all__ = ["Forecasts", "run_backtests", "evaluate", "summary", "model_weights", "weights_as_of", "mix", "ensemble_rows",
           "ensemble_table", "crps", "ensemble_rows_out_of_sample", "widen", "required_factor", "conformal_factor",
           "factor_rows", "recalibration", "recalibrated_rows", "factor_grid", "mean_abs_diff", "energy_terms",
           "mixture_crps", "stack", "stacking_weights", "eligible", "bias_rows", "bias_correction", "bias_corrected_rows",
           "shift", "leaders"]

Q = [2.5, 10, 50, 90, 97.5]


def crps(obs: float, samples: np.ndarray) -> float:
    """CRPS of an ensemble forecast (scoringrules' unbiased ensemble estimator)."""
    return float(sr.crps_ensemble(np.asarray([obs], float), np.asarray(samples, float)[None, :])[0])


@dataclass
class Forecasts:
    """Backtest forecasts: paths[(series, origin, model)] = n x horizon simulated growth."""

    series: dict[str, tuple[np.ndarray, np.ndarray]]
    horizon: int
    paths: dict[tuple[str, int, str], np.ndarray] = field(default_factory=dict)
    errors: dict[tuple[str, int, str], str] = field(default_factory=dict)
    shocks: dict[int, ShockParams] = field(default_factory=dict)
    scores: dict = field(default_factory=dict)  # (series, origin, model, horizon) -> scores of the models' own paths
    memo: dict = field(default_factory=dict)  # as_of -> (evaluate(as_of), summary): the models' own forecasts only
    energy: dict = field(default_factory=dict)  # (series, origin, years known) -> energy terms of the models' paths


def origins(years: np.ndarray, values: np.ndarray, covid: tuple[int, ...], min_obs: int) -> list[int]:
    """Years with at least ``min_obs`` non-Covid observations up to them and an outturn after."""
    out = []
    for i, y in enumerate(years[:-1]):
        v = values[: i + 1]
        ok = ~np.isnan(v) & ~np.isin(years[: i + 1], covid)
        if ok.sum() >= min_obs:
            out.append(int(y))
    return out


def fitdata(name: str, series: dict, origin: int, covid, t_df: int, min_obs: int, pooled_units) -> FitData:
    """A series and its context as known at ``origin``."""
    ctx = {}
    for k, (yy, vv) in series.items():
        m = np.asarray(yy) <= origin
        ctx[k] = (np.asarray(yy)[m], np.asarray(vv, float)[m])
    y, v = ctx[name]
    return FitData(name, y, v, tuple(covid), ctx, t_df, min_obs, tuple(pooled_units))


def run_backtests(series: dict[str, tuple[np.ndarray, np.ndarray]], targets: list[str], models: list[str],
                  n_paths: int, seed: int, horizon: int, covid, t_df: int, min_obs: int, pooled_units,
                  shock_series: list[str], shock_rule: tuple[float, int], with_shocks: bool = True) -> Forecasts:
    """Forecast ``horizon`` years from every origin of every target series with every model."""
    fc = Forecasts(series, horizon)
    for si, name in enumerate(targets):
        if name not in series:
            continue
        years, values = series[name]
        for o in origins(np.asarray(years), np.asarray(values, float), tuple(covid), min_obs):
            d = fitdata(name, series, o, covid, t_df, min_obs, pooled_units)
            if o not in fc.shocks:
                fc.shocks[o] = estimate_shocks({k: d.context[k] for k in shock_series if k in d.context}, o,
                                               *shock_rule)
            shock = fc.shocks[o] if with_shocks else None
            for mi, m in enumerate(models):
                rng = np.random.default_rng([seed, si, o, mi])
                try:
                    s = simulate(m, d, horizon, n_paths, rng)
                    fc.paths[(name, o, m)] = apply_shocks(s.paths, shock, rng)
                except NotApplicable as e:
                    fc.errors[(name, o, m)] = f"not applicable: {e}"
                except Exception as e:  # a model failing at one origin is recorded, not fatal
                    fc.errors[(name, o, m)] = f"{type(e).__name__}: {e}"
    return fc


def _score(paths: np.ndarray, actual: np.ndarray) -> dict:
    h = len(actual)
    one = paths[:, 0]
    avg = period_average([], paths[:, :h])
    a_avg = float((np.prod(1 + actual / 100) ** (1 / h) - 1) * 100)
    q1, qa = np.percentile(one, Q), np.percentile(avg, Q)
    return {"horizon": h, "actual_1y": float(actual[0]), "median_1y": float(q1[2]), "err_1y": float(q1[2] - actual[0]),
            "in80_1y": bool(q1[1] <= actual[0] <= q1[3]), "in95_1y": bool(q1[0] <= actual[0] <= q1[4]),
            "crps_1y": crps(actual[0], one),
            "actual_avg": a_avg, "median_avg": float(qa[2]), "err_avg": float(qa[2] - a_avg),
            "in80_avg": bool(qa[1] <= a_avg <= qa[3]), "in95_avg": bool(qa[0] <= a_avg <= qa[4]),
            "crps_avg": crps(a_avg, avg)}


def _actuals(fc: Forecasts, name: str, origin: int, as_of: int | None) -> np.ndarray:
    years, values = fc.series[name]
    last = int(max(years)) if as_of is None else as_of
    out = []
    for y in range(origin + 1, min(origin + fc.horizon, last) + 1):
        i = np.where(np.asarray(years) == y)[0]
        if len(i) == 0 or np.isnan(values[i[0]]):
            break
        out.append(float(values[i[0]]))
    return np.asarray(out)


def evaluate(fc: Forecasts, as_of: int | None = None, extra: dict | None = None) -> pd.DataFrame:
    """Score every forecast against the outturns known as of ``as_of`` (default: all).

    ``extra`` maps (series, origin) to {name: paths} of additional forecasts (the ensemble).
    """
    rows = []
    keys = sorted(set((s, o) for s, o, _ in fc.paths))
    for s, o in keys:
        if as_of is not None and o >= as_of:
            continue
        act = _actuals(fc, s, o, as_of)
        if len(act) == 0:
            continue
        cands = {m: p for (s2, o2, m), p in fc.paths.items() if s2 == s and o2 == o}
        if extra and (s, o) in extra:
            cands.update(extra[(s, o)])
        years, values = fc.series[s]
        last = float(np.asarray(values, float)[np.asarray(years) == o][0])
        if np.isfinite(last):  # the naive point forecast: the origin's growth carried forward
            cands["naive_point"] = np.full((1, fc.horizon), last)
        for m, p in cands.items():
            own = (s, o, m) in fc.paths or m == "naive_point"
            key = (s, o, m, len(act))
            if own and key in fc.scores:
                sc = fc.scores[key]
            else:
                sc = _score(p, act)
                if own:
                    fc.scores[key] = sc
            rows.append({"series": s, "origin": o, "model": m, **sc})
    return pd.DataFrame(rows)


def evaluated(fc: Forecasts, as_of: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``evaluate(fc, as_of)`` and its ``summary``, computed once per ``as_of`` (do not modify them)."""
    if as_of not in fc.memo:
        ev = evaluate(fc, as_of=as_of)
        fc.memo[as_of] = (ev, summary(ev, fc.horizon))
    return fc.memo[as_of]


def ensemble_rows_out_of_sample(fc: Forecasts, candidates: list[str], trend: list[str], rules: dict,
                                excluded: dict[str, str], n: int) -> tuple[dict, dict]:
    """The ensemble's backtest forecast at every origin, with weights from the outturns known
    at that origin only (no look-ahead; ``weights_as_of``). Where no model passes the rules yet: equal weights
    over the non-trend models that ran there. Returns (extra, weights by origin)."""
    out, used = {}, {}
    for s, o in sorted(set((s, o) for s, o, _ in fc.paths)):
        if o not in used:
            summ = evaluated(fc, o)[1]
            used[o] = weights_as_of(fc, summ, o, candidates, trend, rules, excluded)[0] if not summ.empty else {}
        parts = {m: p for (s2, o2, m), p in fc.paths.items() if s2 == s and o2 == o}
        ww = {m: x for m, x in used[o].items() if m in parts}
        if not ww:
            ok = [m for m in parts if m in candidates and m not in trend and m not in excluded]
            ww = {m: 1 / len(ok) for m in ok}
        if ww:
            out[(s, o)] = {"ensemble": mix(parts, ww, n)}
    return out, used


def weights_as_of(fc: Forecasts, summ: pd.DataFrame, as_of: int | None, candidates: list[str], trend: list[str],
                  rules: dict, excluded: dict[str, str]) -> tuple[dict[str, float], dict[str, str], dict]:
    """The ensemble's weights as known at ``as_of`` by ``rules["method"]``: "stacking" (the default:
    weights minimising the ensemble's own backtest CRPS over the eligible models) or
    "inverse_crps" (the admission rules of :func:`model_weights`). Returns (weights, reasons for
    the models without weight, details)."""
    if rules.get("method", "inverse_crps") != "stacking":
        w, reasons = model_weights(summ, candidates, trend, rules, excluded)
        return w, reasons, {"method": "inverse_crps"}
    elig, reasons = eligible(summ, candidates, trend, rules, excluded)
    w, info = stacking_weights(fc, elig, as_of, rules["min_rows"])
    if w:
        # a model stacking leaves out: the admission rule it fails if any, else "no_weight"
        _, rule_reasons = model_weights(summ, candidates, trend, rules, excluded)
        for m in elig:
            if m not in w:
                reasons[m] = rule_reasons.get(m, "no_weight")
    else:
        reasons.update({m: "too_few_backtests" for m in elig})
    info["eligible"] = elig
    return w, reasons, info


def summary(ev: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Per model: relative CRPS (to the median model at each origin), CRPS, errors, coverage."""
    if ev.empty:
        return pd.DataFrame()
    ev = ev.copy()
    base = ev[~ev["model"].isin(["ensemble", "naive_point"])].groupby(["series", "origin"])["crps_avg"].transform("median")
    ev["rel_crps_avg"] = ev["crps_avg"] / base.reindex(ev.index).fillna(ev["crps_avg"]).clip(lower=1e-9)
    g = ev.groupby("model", sort=False)
    full = ev[ev["horizon"] == horizon].groupby("model")
    out = pd.DataFrame({
        "n": g.size(),
        "rel_crps_avg": g["rel_crps_avg"].mean(),
        "crps_avg": g["crps_avg"].mean(), "crps_1y": g["crps_1y"].mean(),
        "mae_1y": g["err_1y"].apply(lambda e: e.abs().mean()), "bias_1y": g["err_1y"].mean(),
        "mae_avg": g["err_avg"].apply(lambda e: e.abs().mean()), "bias_avg": g["err_avg"].mean(),
        "coverage80_1y": g["in80_1y"].mean(), "coverage95_1y": g["in95_1y"].mean(),
        "coverage80_avg": g["in80_avg"].mean(), "coverage95_avg": g["in95_avg"].mean(),
        "n_full": full.size(), "coverage80_avg_full": full["in80_avg"].mean(),
    }).reset_index()
    out["n_full"] = out["n_full"].fillna(0).astype(int)
    return out.round(4)


def model_weights(summ: pd.DataFrame, candidates: list[str], trend: list[str], rules: dict,
                  excluded: dict[str, str]) -> tuple[dict[str, float], dict[str, str]]:
    """Weights from the backtest CRPS of the period average, with the admission rules.

    A model is admitted if it has at least ``min_rows`` backtest origins, its 80 % intervals
    for the average covered at least ``min_coverage80``, and its relative CRPS is at most
    ``max_relative_crps`` times the best; a trend model must also beat the mean model.
    Admitted models get weights proportional to 1 / relative CRPS. Returns (weights, reasons)
    where ``reasons`` gives a finding key for every model without weight.
    """
    reasons = dict(excluded)
    s = summ.set_index("model") if not summ.empty else pd.DataFrame()
    ok = [m for m in candidates if m not in reasons]
    scores = {}
    for m in ok:
        if s.empty or m not in s.index or s.loc[m, "n"] < rules["min_rows"]:
            reasons[m] = "too_few_backtests"
            continue
        scores[m] = float(s.loc[m, "rel_crps_avg"])
    best = min(scores.values()) if scores else None
    mean_score = scores.get("mean")
    for m, sc in list(scores.items()):
        if float(s.loc[m, "coverage80_avg"]) < rules["min_coverage80"]:
            reasons[m] = "undercovers"
        elif sc > rules["max_relative_crps"] * best:
            reasons[m] = "crps_too_high"
        elif m in trend and mean_score is not None and sc >= mean_score:
            reasons[m] = "trend_not_earned"
    admitted = {m: 1 / max(scores[m], 1e-9) for m in scores if m not in reasons}
    tot = sum(admitted.values())
    return {m: v / tot for m, v in admitted.items()}, reasons


def mix(parts: dict[str, np.ndarray], weights: dict[str, float], n: int) -> np.ndarray:
    """Mix paths: model i contributes round(w_i * n) of its paths (deterministic)."""
    ok = [m for m in weights if weights[m] > 0 and m in parts and len(parts[m])]
    if not ok:
        return np.zeros((0, next(iter(parts.values())).shape[1] if parts else 0))
    tot = sum(weights[m] for m in ok)
    counts = {m: int(round(weights[m] / tot * n)) for m in ok}
    counts[ok[0]] += n - sum(counts.values())
    return np.concatenate([parts[m][: counts[m]] for m in ok], axis=0)


def ensemble_rows(fc: Forecasts, weights: dict[str, float], n: int) -> dict:
    """The ensemble's backtest forecast at every origin: a mix of the admitted models that ran
    there (weights renormalised over them)."""
    out = {}
    for s, o in sorted({(s, o) for s, o, _ in fc.paths}):
        parts = {m: p for (s2, o2, m), p in fc.paths.items() if s2 == s and o2 == o and m in weights}
        if parts:
            out[(s, o)] = {"ensemble": mix(parts, {m: weights[m] for m in parts}, n)}
    return out


def leaders(fc: Forecasts, candidates: list[str], min_rows: int, fallback: str = "mean") -> dict[tuple[str, int], str]:
    """The best single model as known at each origin: the candidate with the lowest mean CRPS of
    the period average over the forecasts made before the origin (outturns known at it), among
    those with at least ``min_rows`` of them that ran there; ``fallback`` before that. This is the
    fair single-model comparator of an ensemble whose weights are known at each origin (the best
    model over the whole backtest is only known afterwards)."""
    out = {}
    for s, o in sorted(set((s, o) for s, o, _ in fc.paths)):
        summ = evaluated(fc, o)[1]
        ran = [m for m in candidates if (s, o, m) in fc.paths]
        best = fallback if fallback in ran else (ran[0] if ran else None)
        if not summ.empty:
            ss = summ.set_index("model")
            ok = [m for m in ran if m in ss.index and ss.loc[m, "n"] >= min_rows]
            if ok:
                best = min(ok, key=lambda m: (float(ss.loc[m, "crps_avg"]), m))
        if best is not None:
            out[(s, o)] = best
    return out


def ensemble_table(ev: pd.DataFrame, local: list[str], horizon: int,
                   leader: dict[tuple[str, int], str] | None = None) -> pd.DataFrame:
    """Coverage and CRPS of the ensemble and of the best single model, local series and Vietnam apart
    (with ``leader``, also of the best single model as known at each origin, :func:`leaders`)."""
    if ev.empty:
        return pd.DataFrame()
    rows = []
    groups = {"local": ev[ev["series"].isin(local)], "vietnam": ev[ev["series"] == "vietnam"], "all": ev}
    for gname, g in groups.items():
        e = g[g["model"] == "ensemble"]
        if e.empty:
            continue
        keys = set(zip(e["series"], e["origin"]))
        singles = g[(g["model"] != "ensemble") & np.array([k in keys for k in zip(g["series"], g["origin"])], bool)]
        per_model = singles.groupby("model")["crps_avg"].agg(["mean", "size"])
        per_model = per_model[per_model["size"] == len(e)]  # models scored at every one of these origins
        best = per_model["mean"].idxmin() if len(per_model) else None
        full = e[e["horizon"] == horizon]
        rows.append({"group": gname, "origins": int(len(e)), "origins_full_horizon": int(len(full)),
                     "coverage80_1y": float(e["in80_1y"].mean()), "coverage95_1y": float(e["in95_1y"].mean()),
                     "coverage80_avg": float(e["in80_avg"].mean()), "coverage95_avg": float(e["in95_avg"].mean()),
                     "coverage80_avg_full": float(full["in80_avg"].mean()) if len(full) else None,
                     "coverage95_avg_full": float(full["in95_avg"].mean()) if len(full) else None,
                     "crps_avg": float(e["crps_avg"].mean()), "crps_1y": float(e["crps_1y"].mean()),
                     "best_single_model": best,
                     "best_single_crps_avg": float(per_model.loc[best, "mean"]) if best else None,
                     **_leader_scores(g, keys, leader)})
    return pd.DataFrame(rows)


def _leader_scores(g: pd.DataFrame, keys: set, leader: dict | None) -> dict:
    if not leader:
        return {}
    lf = pd.DataFrame([(s, o, leader[(s, o)]) for s, o in sorted(keys) if (s, o) in leader],
                      columns=["series", "origin", "model"])
    picked = g[["series", "origin", "model", "crps_avg", "in80_avg"]].merge(lf, on=["series", "origin", "model"])
    if len(picked) != len(keys):
        return {"best_single_known_at_origin_crps_avg": None, "best_single_known_at_origin_coverage80_avg": None}
    return {"best_single_known_at_origin_crps_avg": float(picked["crps_avg"].mean()),
            "best_single_known_at_origin_coverage80_avg": float(picked["in80_avg"].astype(float).mean())}


# --------------------------------------------------------------------------- recalibration
# The ensemble's backtest intervals for the period average undercover: its predictive
# distribution is too narrow. It is widened by scaling every path's deviation from the
# per-year median by a factor k >= 1 (``widen``), with k estimated from the backtest: for each
# past forecast, the smallest k on a grid whose central ``level`` interval of the period
# average covers the outturn (``required_factor``); k is the smallest with which at least
# ``level`` of the n past forecasts would have covered (``conformal_factor``; the stricter
# split-conformal rule is an option, but with n under 10 it takes the largest). When the
# recalibrated ensemble is itself backtested, the factor used at an origin comes only from the
# forecasts made before it and the outturns known at it (``recalibrated_rows``).

def widen(paths: np.ndarray, k: float) -> np.ndarray:
    """Paths with every deviation from the per-year median multiplied by ``k``."""
    paths = np.asarray(paths, float)
    if k == 1.0 or paths.size == 0:
        return paths
    med = np.median(paths, axis=0)
    return med + k * (paths - med)


def factor_grid(max_factor: float, step: float) -> np.ndarray:
    return np.round(np.arange(1.0, max_factor + step / 2, step), 6)


def required_factor(paths: np.ndarray, actual: np.ndarray, level: float, grid: np.ndarray) -> float:
    """The smallest factor of ``grid`` whose widened paths' central ``level`` interval of the
    average over the ``len(actual)`` years covers the outturns' average (inf if none does)."""
    h = len(actual)
    a_avg = float((np.prod(1 + np.asarray(actual, float) / 100) ** (1 / h) - 1) * 100)
    p = np.asarray(paths, float)[:, :h]
    med = np.median(p, axis=0)
    dev = p - med
    grid = np.asarray(grid, float)
    for i in range(0, len(grid), 8):  # in chunks: most forecasts need the first factor or so
        k = grid[i:i + 8, None, None]
        f = np.prod(np.clip(1 + (med + k * dev) / 100, 1e-9, None), axis=2)  # factors x paths
        avg = (f ** (1 / h) - 1) * 100
        lo, hi = np.percentile(avg, [50 - level * 50, 50 + level * 50], axis=1)
        ok = np.nonzero((lo <= a_avg) & (a_avg <= hi))[0]
        if len(ok):
            return float(grid[i + ok[0]])
    return float("inf")


def conformal_factor(factors, level: float, min_n: int, max_factor: float, rule: str = "empirical") -> tuple[float, int]:
    """(k, n) from the required factors of ``n`` past forecasts: with ``rule="empirical"`` the
    smallest k with which at least ``level`` of them would have covered (the ceil(n * level)-th
    smallest); with ``"conformal"`` the split-conformal ceil((n + 1) * level)-th smallest, which
    is the largest one while n is small. 1.0 when fewer than ``min_n`` are known; capped at
    ``max_factor``."""
    f = np.sort(np.asarray([x for x in factors], float))
    n = len(f)
    if n < min_n:
        return 1.0, n
    j = int(np.ceil(((n + 1) if rule == "conformal" else n) * level - 1e-9)) - 1
    if j >= n:
        return float(max_factor), n
    return float(min(f[max(j, 0)], max_factor)), n


def _earlier_forecasts(fc: Forecasts, extra: dict, name: str, as_of: int):
    """``(series, origin, paths, outturns)`` of every forecast ``extra[(series, origin)][name]`` made
    before ``as_of`` with at least one outturn known at ``as_of``, in a stable order."""
    for (s, o), d in sorted(extra.items()):
        if o >= as_of or name not in d:
            continue
        act = _actuals(fc, s, o, as_of)
        if len(act):
            yield s, o, d[name], act


def factor_rows(fc: Forecasts, extra: dict, name: str, as_of: int, level: float, grid: np.ndarray,
                memo: dict | None = None) -> list[dict]:
    """The required factor of every forecast ``extra[(series, origin)][name]`` made before
    ``as_of``, scored against the outturns known as of ``as_of`` (``memo``: results by
    (series, origin, years known), reusable while ``extra`` and the series do not change)."""
    out = []
    memo = {} if memo is None else memo
    for s, o, paths, act in _earlier_forecasts(fc, extra, name, as_of):
        key = (s, o, len(act))
        if key not in memo:
            memo[key] = required_factor(paths, act, level, grid)
        out.append({"series": s, "origin": o, "horizon": len(act), "factor": memo[key]})
    return out


def recalibration(fc: Forecasts, extra: dict, name: str, as_of: int, rules: dict, memo: dict | None = None) -> dict:
    """The factor to widen the ensemble by, from its backtest as known at ``as_of``."""
    grid = factor_grid(rules["max_factor"], rules["step"])
    rows = factor_rows(fc, extra, name, as_of, rules["level"], grid, memo)
    k, n = conformal_factor([r["factor"] for r in rows], rules["level"], rules["min_rows"], rules["max_factor"],
                            rules.get("rule", "empirical"))
    return {"factor": k, "n": n, "as_of": as_of, "level": rules["level"], "rule": rules.get("rule", "empirical"),
            "max_factor": rules["max_factor"]}


def recalibrated_rows(fc: Forecasts, extra: dict, name: str, rules: dict, out_name: str | None = None) -> tuple[dict, dict]:
    """The backtest forecasts ``extra[...][name]`` widened at every origin by the factor
    estimated from the forecasts before that origin (outturns known at it). Returns
    ({(series, origin): {out_name: paths}}, {origin: recalibration})."""
    out_name = out_name or name
    used: dict[int, dict] = {}
    out: dict = {}
    memo: dict = {}
    for (s, o), d in sorted(extra.items()):
        if name not in d:
            continue
        if o not in used:
            used[o] = recalibration(fc, extra, name, o, rules, memo)
        out[(s, o)] = {out_name: widen(d[name], used[o]["factor"])}
    return out, used


# --------------------------------------------------------------------------- stacking
# Weights chosen to minimise the CRPS of the ensemble itself over the backtest (stacking), not
# set model by model. For a mixture of the models' simulated distributions with weights w, the
# CRPS of the period average y is  sum_i w_i a_i - 1/2 sum_ij w_i w_j B_ij,  where
# a_i = E|X_i - y| and B_ij = E|X_i - X_j'| (the energy form of the CRPS; for one model it is
# exactly what ``crps`` computes with scoringrules, and tests check the mixture against it).
# At an origin where some models did not run, the ensemble renormalises the weights over those
# that did (as ``mix`` does), and so does the objective. The weights used at an origin come only
# from forecasts made before it, scored against the outturns known at it.

def mean_abs_diff(x: np.ndarray, y: np.ndarray) -> float:
    """E|X - Y| for X and Y drawn from the empirical distributions of ``x`` and ``y`` (exact, by sorting)."""
    x = np.asarray(x, float).ravel()
    y = np.sort(np.asarray(y, float).ravel())
    m = len(y)
    if len(x) == 0 or m == 0:
        return float("nan")
    cy = np.concatenate([[0.0], np.cumsum(y)])
    k = np.searchsorted(y, x, side="right")
    tot = np.sum(x * k - cy[k]) + np.sum((cy[m] - cy[k]) - x * (m - k))
    return float(tot / (len(x) * m))


def _avg(paths: np.ndarray, h: int) -> np.ndarray:
    return period_average([], np.asarray(paths, float)[:, :h])


def energy_terms(parts: dict[str, np.ndarray], actual: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(names, a, B) for the average over the ``len(actual)`` years: a_i = E|X_i - y|, B_ij = E|X_i - X_j'|."""
    h = len(actual)
    y = float((np.prod(1 + np.asarray(actual, float) / 100) ** (1 / h) - 1) * 100)
    names = sorted(parts)
    avgs = [_avg(parts[m], h) for m in names]
    a = np.array([float(np.mean(np.abs(v - y))) for v in avgs])
    B = np.zeros((len(names), len(names)))
    for i in range(len(names)):
        for j in range(i, len(names)):
            B[i, j] = B[j, i] = mean_abs_diff(avgs[i], avgs[j])
    return names, a, B


def mixture_crps(w: np.ndarray, a: np.ndarray, B: np.ndarray) -> float:
    """CRPS of the mixture with weights ``w`` (renormalised) from its energy terms."""
    w = np.asarray(w, float)
    u = w / w.sum()
    return float(u @ a - 0.5 * u @ B @ u)


def stack(rows: list[tuple[list[str], np.ndarray, np.ndarray]], candidates: list[str]) -> tuple[dict[str, float], float]:
    """Weights over ``candidates`` minimising the mean CRPS of the mixture over ``rows`` (each the
    energy terms of one past forecast; a model absent from a row is left out of it and the weights
    renormalised). Rows with fewer than two candidates are constant and ignored. Returns (weights, mean CRPS)."""
    from scipy.optimize import minimize

    cand = list(candidates)
    if not cand:
        return {}, float("nan")
    groups: dict[tuple[int, ...], list] = {}
    for names, a, B in rows:
        idx = [names.index(m) for m in cand if m in names]
        if len(idx) < 1:
            continue
        key = tuple(cand.index(names[i]) for i in idx)
        g = groups.setdefault(key, [np.zeros(len(idx)), np.zeros((len(idx), len(idx))), 0])
        g[0] += a[idx]
        g[1] += B[np.ix_(idx, idx)]
        g[2] += 1
    n_rows = sum(g[2] for g in groups.values())
    if len(cand) == 1 or n_rows == 0:
        return {m: 1 / len(cand) for m in cand}, float("nan")
    G = [(np.array(k), g[0], g[1]) for k, g in groups.items()]

    def loss(w):
        tot, grad = 0.0, np.zeros(len(cand))
        for k, a, B in G:
            ws = w[k] + 1e-12
            W = ws.sum()
            u = ws / W
            Bu = B @ u
            tot += u @ a - 0.5 * u @ Bu
            g = a - Bu
            grad[k] += (g - u @ g) / W
        return tot / n_rows, grad / n_rows

    x0 = np.full(len(cand), 1 / len(cand))
    res = minimize(loss, x0, jac=True, method="SLSQP", bounds=[(0.0, 1.0)] * len(cand),
                   constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones_like(w)}],
                   options={"maxiter": 200, "ftol": 1e-10})
    w = np.clip(res.x if np.all(np.isfinite(res.x)) else x0, 0.0, None)
    w[w < 1e-3] = 0.0
    if w.sum() <= 0:
        w = x0
    w = w / w.sum()
    if loss(w)[0] > loss(x0)[0]:  # the optimiser never does worse than equal weights
        w = x0
    return {m: float(x) for m, x in zip(cand, w) if x > 0}, float(loss(w)[0])


def _energy(fc: Forecasts, s: str, o: int, as_of: int | None, memo: dict | None):
    act = _actuals(fc, s, o, as_of)
    if len(act) == 0:
        return None
    key = ("energy", s, o, len(act))
    if memo is not None and key in memo:
        return memo[key]
    parts = {m: p for (s2, o2, m), p in fc.paths.items() if s2 == s and o2 == o}
    out = energy_terms(parts, act) if parts else None
    if memo is not None:
        memo[key] = out
    return out


def stacking_weights(fc: Forecasts, candidates: list[str], as_of: int | None, min_rows: int,
                     memo: dict | None = None) -> tuple[dict[str, float], dict]:
    """Stacking weights over ``candidates`` from the forecasts made before ``as_of`` and scored
    against the outturns known at it (``memo`` holds the energy terms between calls). With fewer
    than ``min_rows`` such forecasts: no weights ({}), the caller's fallback applies."""
    memo = fc.energy if memo is None else memo
    rows = []
    for s, o in sorted({(s, o) for s, o, _ in fc.paths}):
        if as_of is not None and o >= as_of:
            continue
        e = _energy(fc, s, o, as_of, memo)
        if e is not None and any(m in e[0] for m in candidates):
            rows.append(e)
    if len(rows) < min_rows or not candidates:
        return {}, {"method": "stacking", "rows": len(rows), "crps_avg": None}
    w, loss = stack(rows, candidates)
    return w, {"method": "stacking", "rows": len(rows), "crps_avg": None if not np.isfinite(loss) else round(loss, 6)}


def eligible(summ: pd.DataFrame, candidates: list[str], trend: list[str], rules: dict,
             excluded: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The models stacking may weight: enough backtest origins (``min_rows``), and a trend model
    only if it beat the mean model's relative CRPS. Returns (models, reasons for the others)."""
    reasons = dict(excluded)
    s = summ.set_index("model") if not summ.empty else pd.DataFrame()
    out = []
    mean_score = float(s.loc["mean", "rel_crps_avg"]) if not s.empty and "mean" in s.index else None
    for m in candidates:
        if m in reasons:
            continue
        if s.empty or m not in s.index or s.loc[m, "n"] < rules["min_rows"]:
            reasons[m] = "too_few_backtests"
        elif m in trend and (mean_score is None or float(s.loc[m, "rel_crps_avg"]) >= mean_score):
            reasons[m] = "trend_not_earned"
        else:
            out.append(m)
    return out, reasons


# --------------------------------------------------------------------------- bias correction
# The ensemble's median can be biased; widening cannot fix that. At each origin the bias is
# estimated as the mean error (median - outturn) of the ensemble's period-average forecasts made
# before that origin, scored against the outturns known at it (at least ``min_rows`` of them).
# The shift is the same in every simulated year, so the period average moves by about as much.
# A guard, also known at the origin: the shift is applied only if shifting the earlier forecasts,
# each by the estimate made at its own origin, would have lowered their mean CRPS, judged on at
# least ``min_rows`` such forecasts (``rules["bias_guard"]``, default on). Otherwise the
# correction is estimated and reported but not applied.

def shift(paths: np.ndarray, b: float) -> np.ndarray:
    """Paths with ``b`` points subtracted from every year's growth."""
    paths = np.asarray(paths, float)
    return paths if b == 0.0 or paths.size == 0 else paths - b


def bias_rows(fc: Forecasts, extra: dict, name: str, as_of: int, memo: dict | None = None) -> list[dict]:
    """The error (median of the period average - outturn) of every forecast ``extra[(series, origin)][name]``
    made before ``as_of``, against the outturns known at ``as_of``."""
    memo = {} if memo is None else memo
    out = []
    for s, o, paths, act in _earlier_forecasts(fc, extra, name, as_of):
        key = ("bias", s, o, len(act))
        if key not in memo:
            h = len(act)
            a_avg = float((np.prod(1 + act / 100) ** (1 / h) - 1) * 100)
            memo[key] = float(np.median(_avg(paths, h))) - a_avg
        out.append({"series": s, "origin": o, "horizon": len(act), "actual": act, "error": memo[key]})
    return out


def bias_correction(fc: Forecasts, extra: dict, name: str, as_of: int, rules: dict, memo: dict | None = None,
                    estimates: dict[int, float] | None = None) -> dict:
    """The shift to subtract from the ensemble as known at ``as_of``: the mean error of its earlier
    backtest forecasts (``estimate``), applied (``bias``) only if the guard passes. ``estimates``
    gives the estimate made at each earlier origin (for the guard; :func:`bias_corrected_rows`)."""
    memo = {} if memo is None else memo
    rows = bias_rows(fc, extra, name, as_of, memo)
    n = len(rows)
    on = rules.get("bias_correction", True)
    est = float(np.mean([r["error"] for r in rows])) if on and n >= rules["min_rows"] else 0.0
    out = {"bias": 0.0, "estimate": round(est, 6), "n": n, "as_of": as_of, "enabled": bool(on),
           "rule": "mean_error_of_earlier_forecasts", "guard": rules.get("bias_guard", True)}
    if est == 0.0:
        return out
    if not out["guard"]:
        out["bias"] = round(est, 6)
        return out
    raw_c, cor_c = [], []
    for r in rows:
        b = (estimates or {}).get(r["origin"], 0.0)
        if b == 0.0:  # no estimate was made at that origin: nothing to learn from it
            continue
        key = ("guard", r["series"], r["origin"], r["horizon"], b)
        if key not in memo:
            p = extra[(r["series"], r["origin"])][name]
            a = float((np.prod(1 + r["actual"] / 100) ** (1 / r["horizon"]) - 1) * 100)
            memo[key] = (crps(a, _avg(p, r["horizon"])), crps(a, _avg(shift(p, b), r["horizon"])))
        raw_c.append(memo[key][0])
        cor_c.append(memo[key][1])
    out["guard_rows"] = len(raw_c)
    if len(raw_c) < rules["min_rows"]:  # too few corrected forecasts to judge: not applied
        return out
    out["guard_crps_uncorrected"] = round(float(np.mean(raw_c)), 6)
    out["guard_crps_corrected"] = round(float(np.mean(cor_c)), 6)
    if out["guard_crps_corrected"] < out["guard_crps_uncorrected"]:
        out["bias"] = round(est, 6)
    return out


def bias_corrected_rows(fc: Forecasts, extra: dict, name: str, rules: dict, out_name: str | None = None) -> tuple[dict, dict]:
    """The backtest forecasts ``extra[...][name]`` shifted at every origin by the bias as known at
    that origin (estimated from the forecasts before it, outturns known at it, guard applied).
    Returns ({(series, origin): {out_name: paths}}, {origin: bias_correction})."""
    out_name = out_name or name
    used: dict[int, dict] = {}
    out: dict = {}
    memo: dict = {}
    for o in sorted({o for (_, o), d in extra.items() if name in d}):
        used[o] = bias_correction(fc, extra, name, o, rules, memo, {k: u["estimate"] for k, u in used.items()})
    for (s, o), d in sorted(extra.items()):
        if name in d:
            out[(s, o)] = {out_name: shift(d[name], used[o]["bias"])}
    return out, used
