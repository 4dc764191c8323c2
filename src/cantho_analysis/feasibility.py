"""How feasible is an average growth target? Simulation models, backtests, base rates and
structural cross-checks.

Convention: the average growth over ``start``–``end`` is the annualised growth of
constant-price GRDP from the ``start`` base to ``end``: the geometric mean of the annual
growth rates of the years ``start + 1`` … ``end`` (2025–2030 = 2026…2030).

Every model produces ``n_paths`` simulated paths of annual growth for the years after
``data_through``; outcomes already observed inside the period are used as they are, so
each probability is for the whole period given what is known. Randomness is seeded:
model ``i`` draws from ``numpy.random.default_rng([seed, i])``, so the same seed gives
the same numbers on every run.

Models (all fitted with statsmodels):

* ``naive``: random walk on the growth rate, steps with the standard deviation of past
  year-to-year changes;
* ``mean``: historical mean with parameter uncertainty (OLS on a constant; σ² drawn from
  its scaled inverse-χ² posterior, then μ given σ²);
* ``arima``: the ARIMA among a few small orders with the lowest AICc;
* ``ets``: additive error, additive damped trend (ETSModel);
* ``local_level``: UnobservedComponents local level (state uncertainty included);
* ``theta``: the Theta method on the log level of GRDP (ThetaModel), paths drawn from
  its SES error structure.

The ensemble mixes the models' paths with weights proportional to 1 / MAE of their
five-year-average backtest errors (equal weights when no backtest is possible).
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
# Imported here, not lazily: statsmodels installs "always" warning filters when first
# imported, which would override the local "ignore" filters if that happened inside them.
import statsmodels.tools.sm_exceptions  # noqa: F401

log = logging.getLogger(__name__)

__all__ = ["MODELS", "Forecast", "simulate_model", "period_average", "summarise", "run_models", "ensemble",
           "required_growth", "backtest", "plan_forecast_errors", "base_rates_table", "structural_checks",
           "FeasibilityResult", "feasibility"]

MODELS = ("naive", "mean", "arima", "ets", "local_level", "theta")
ARIMA_ORDERS = ((0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 1, 1))
MIN_OBS = 4


# --------------------------------------------------------------------------- simulation per model
def _quiet():
    return warnings.catch_warnings()


def _sim_naive(y: np.ndarray, h: int, n: int, rng) -> np.ndarray:
    d = np.diff(y)
    sd = float(np.std(d, ddof=1)) if len(d) > 1 else float(abs(d[0])) if len(d) else 1.0
    steps = rng.normal(0.0, sd, size=(n, h))
    return y[-1] + np.cumsum(steps, axis=1)


def _sim_mean(y: np.ndarray, h: int, n: int, rng) -> np.ndarray:
    import statsmodels.api as sm

    res = sm.OLS(y, np.ones_like(y)).fit()
    k = len(y)
    s2 = float(res.scale)  # unbiased residual variance
    sigma2 = (k - 1) * s2 / rng.chisquare(k - 1, size=n)
    mu = float(res.params[0]) + rng.normal(size=n) * np.sqrt(sigma2 / k)
    return mu[:, None] + rng.normal(size=(n, h)) * np.sqrt(sigma2)[:, None]


def _aicc(res, k_obs: int) -> float:
    k = len(res.params)
    return float(res.aic + (2 * k * (k + 1)) / max(k_obs - k - 1, 1e-9)) if k_obs - k - 1 > 0 else math.inf


def _fit_arima(y: np.ndarray):
    from statsmodels.tsa.arima.model import ARIMA

    best, best_aicc, best_order = None, math.inf, None
    for order in ARIMA_ORDERS:
        trend = "c" if order[1] == 0 else "n"
        try:
            with _quiet():
                warnings.simplefilter("ignore")
                res = ARIMA(y, order=order, trend=trend).fit()
        except Exception:  # pragma: no cover - some orders fail on degenerate data
            continue
        a = _aicc(res, len(y))
        if a < best_aicc:
            best, best_aicc, best_order = res, a, order
    if best is None:
        raise RuntimeError("no ARIMA order could be fitted")
    return best, best_order


def _psd_sqrt(m: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((m + m.T) / 2)
    return v * np.sqrt(np.clip(w, 0.0, None))


def _statespace_paths(res, h: int, n: int, rng) -> np.ndarray:
    """Vectorised simulation of a fitted (time-invariant) statsmodels state-space model.

    Starts from the predicted state for the period after the data, as
    ``res.simulate(anchor="end")`` does, but draws all paths at once.
    """
    fr = res.filter_results
    a = np.asarray(fr.predicted_state)[:, -1]
    P = np.asarray(fr.predicted_state_cov)[:, :, -1]
    Z, Tm, R = fr.design[:, :, 0], fr.transition[:, :, 0], fr.selection[:, :, 0]
    Q, H = fr.state_cov[:, :, 0], fr.obs_cov[:, :, 0]
    d, c = fr.obs_intercept[:, 0], fr.state_intercept[:, 0]
    alpha = a[None, :] + rng.standard_normal((n, len(a))) @ _psd_sqrt(P).T
    sq_q, sq_h = _psd_sqrt(Q), _psd_sqrt(H)
    out = np.empty((n, h))
    for j in range(h):
        y = d[None, :] + alpha @ Z.T + rng.standard_normal((n, H.shape[0])) @ sq_h.T
        out[:, j] = y[:, 0]
        alpha = c[None, :] + alpha @ Tm.T + (rng.standard_normal((n, Q.shape[0])) @ sq_q.T) @ R.T
    return out


def _sim_arima(y: np.ndarray, h: int, n: int, rng) -> tuple[np.ndarray, str]:
    """Paths from the AICc-selected ARIMA, simulated forward from the end of the data
    (state uncertainty included, parameter uncertainty not)."""
    res, order = _fit_arima(y)
    return _statespace_paths(res, h, n, rng), f"ARIMA{order}"


def _sim_ets(y: np.ndarray, h: int, n: int, rng) -> np.ndarray:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with _quiet():
        warnings.simplefilter("ignore")
        res = ETSModel(y, error="add", trend="add", damped_trend=True).fit(disp=False)
        sims = res.simulate(nsimulations=h, repetitions=n, anchor="end", rng=rng)
    return np.asarray(sims).reshape(h, n).T


def _sim_local_level(y: np.ndarray, h: int, n: int, rng) -> np.ndarray:
    """Local level: level_T ~ N(filtered mean, filtered variance), random-walk level, noisy observations."""
    import statsmodels.api as sm

    with _quiet():
        warnings.simplefilter("ignore")
        res = sm.tsa.UnobservedComponents(y, "local level").fit(disp=False)
    s_eps, s_eta = float(res.params[0]), float(res.params[1])
    m = float(res.filtered_state[0, -1])
    p = float(res.filtered_state_cov[0, 0, -1])
    level = m + rng.normal(size=n) * math.sqrt(max(p, 0.0))
    levels = level[:, None] + np.cumsum(rng.normal(size=(n, h)) * math.sqrt(max(s_eta, 0.0)), axis=1)
    return levels + rng.normal(size=(n, h)) * math.sqrt(max(s_eps, 0.0))


def _sim_theta(y: np.ndarray, h: int, n: int, rng) -> np.ndarray:
    """Theta on the log GRDP index; forecast errors follow SES: e_{T+h} + alpha * sum_{j<h} e_{T+j}."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    logl = np.concatenate([[0.0], np.cumsum(np.log1p(y / 100))])
    with _quiet():
        warnings.simplefilter("ignore")
        res = ThetaModel(pd.Series(logl), period=1, deseasonalize=False).fit()
        mean = np.asarray(res.forecast(h))
    alpha = float(res.params["alpha"])
    sigma = math.sqrt(float(res.sigma2))
    e = rng.normal(size=(n, h)) * sigma
    cum = np.cumsum(e, axis=1)
    prior = np.concatenate([np.zeros((n, 1)), cum[:, :-1]], axis=1)
    paths = mean[None, :] + e + alpha * prior
    prev = np.concatenate([np.full((n, 1), logl[-1]), paths[:, :-1]], axis=1)
    return (np.exp(paths - prev) - 1) * 100


def simulate_model(name: str, y: np.ndarray, h: int, n: int, rng) -> tuple[np.ndarray, str]:
    """Simulated annual growth paths (n x h, in %) for the ``h`` years after the data."""
    y = np.asarray(y, dtype=float)
    if len(y) < MIN_OBS:
        raise ValueError(f"{name}: needs at least {MIN_OBS} annual observations, got {len(y)}")
    if name == "naive":
        return _sim_naive(y, h, n, rng), "random walk"
    if name == "mean":
        return _sim_mean(y, h, n, rng), "mean + parameter uncertainty"
    if name == "arima":
        return _sim_arima(y, h, n, rng)
    if name == "ets":
        return _sim_ets(y, h, n, rng), "ETS(A,Ad,N)"
    if name == "local_level":
        return _sim_local_level(y, h, n, rng), "local level"
    if name == "theta":
        return _sim_theta(y, h, n, rng), "Theta (log level)"
    raise ValueError(f"unknown model {name!r}")


# --------------------------------------------------------------------------- period averages
def period_average(observed: list[float], paths: np.ndarray) -> np.ndarray:
    """Geometric-mean growth (%) over the observed years followed by each simulated path."""
    n_years = len(observed) + paths.shape[1]
    obs_factor = float(np.prod([1 + g / 100 for g in observed])) if observed else 1.0
    sim_factor = np.prod(np.clip(1 + paths / 100, 1e-9, None), axis=1)
    return ((obs_factor * sim_factor) ** (1 / n_years) - 1) * 100


def summarise(values: np.ndarray, low: float, high: float) -> dict:
    q = np.percentile(values, [2.5, 10, 50, 90, 97.5])
    return {"median": round(float(q[2]), 4), "pi80": [round(float(q[1]), 4), round(float(q[3]), 4)],
            "pi95": [round(float(q[0]), 4), round(float(q[4]), 4)],
            "p_ge_low": round(float(np.mean(values >= low)), 4), "p_ge_high": round(float(np.mean(values >= high)), 4)}


@dataclass
class Forecast:
    name: str
    label: str
    paths: np.ndarray  # n x h simulated annual growth for the years after data_through
    averages: np.ndarray  # n period averages
    years: list[int]
    error: str = ""


def run_models(y: np.ndarray, observed_in_period: list[float], h: int, n_paths: int, seed: int,
               models: tuple[str, ...] = MODELS, skip: int = 0) -> list[Forecast]:
    """Simulate ``h`` years after the data with every model; the first ``skip`` simulated years
    fall before the period (at or before its base year) and do not enter the average."""
    out = []
    for i, name in enumerate(models):
        rng = np.random.default_rng([seed, i])
        try:
            paths, label = simulate_model(name, y, h, n_paths, rng) if h > 0 else (np.zeros((n_paths, 0)), name)
            out.append(Forecast(name, label, paths, period_average(observed_in_period, paths[:, skip:]), []))
        except Exception as e:
            log.warning("model %s failed: %s", name, e)
            out.append(Forecast(name, name, np.zeros((0, h)), np.zeros(0), [], error=f"{type(e).__name__}: {e}"))
    return out


def ensemble(forecasts: list[Forecast], weights: dict[str, float], n_paths: int) -> Forecast:
    """Mix the models' paths: model i contributes round(w_i * n) of its paths (deterministic)."""
    ok = [f for f in forecasts if not f.error and f.name in weights and weights[f.name] > 0]
    total = sum(weights[f.name] for f in ok)
    counts = {f.name: int(round(weights[f.name] / total * n_paths)) for f in ok}
    drift = n_paths - sum(counts.values())
    if ok:
        counts[ok[0].name] += drift
    paths = np.concatenate([f.paths[: counts[f.name]] for f in ok], axis=0)
    avgs = np.concatenate([f.averages[: counts[f.name]] for f in ok], axis=0)
    return Forecast("ensemble", "ensemble", paths, avgs, [])


def required_growth(observed_in_period: list[float], n_years: int, target: float) -> float | None:
    """Average growth needed in each remaining year for the period average to reach ``target``."""
    done = len(observed_in_period)
    left = n_years - done
    if left <= 0:
        return None
    f = float(np.prod([1 + g / 100 for g in observed_in_period])) if observed_in_period else 1.0
    return (((1 + target / 100) ** n_years / f) ** (1 / left) - 1) * 100


# --------------------------------------------------------------------------- backtests
def backtest(series: dict[str, tuple[np.ndarray, np.ndarray]], n_paths: int = 2000, seed: int = 7,
             horizon: int = 5, models: tuple[str, ...] = MODELS) -> pd.DataFrame:
    """Rolling-origin forecasts on each series: one-year and multi-year-average errors and coverage.

    For every series and every origin with at least ``MIN_OBS`` years of history and one
    later outturn, each model is fitted on the history and its simulated paths give a
    one-year forecast (median, 80 % and 95 % intervals) and the average over the next
    ``min(horizon, years available)`` years. Returns one row per series, origin and model.
    """
    rows = []
    for sname, (years, y) in series.items():
        for k in range(MIN_OBS, len(y)):
            h = min(horizon, len(y) - k)
            actual = y[k:k + h]
            actual_avg = (np.prod(1 + actual / 100) ** (1 / h) - 1) * 100
            for i, name in enumerate(models):
                rng = np.random.default_rng([seed, k, i, len(sname)])
                try:
                    paths, _ = simulate_model(name, y[:k], h, n_paths, rng)
                except Exception as e:  # pragma: no cover
                    log.warning("backtest %s/%s/%s failed: %s", sname, years[k - 1], name, e)
                    continue
                one = paths[:, 0]
                avg = period_average([], paths)
                q1 = np.percentile(one, [2.5, 10, 50, 90, 97.5])
                qa = np.percentile(avg, [2.5, 10, 50, 90, 97.5])
                rows.append({"series": sname, "origin": int(years[k - 1]), "model": name, "horizon": h,
                             "actual_1y": float(actual[0]), "median_1y": float(q1[2]),
                             "err_1y": float(q1[2] - actual[0]),
                             "in80_1y": bool(q1[1] <= actual[0] <= q1[3]), "in95_1y": bool(q1[0] <= actual[0] <= q1[4]),
                             "actual_avg": float(actual_avg), "median_avg": float(qa[2]),
                             "err_avg": float(qa[2] - actual_avg),
                             "in80_avg": bool(qa[1] <= actual_avg <= qa[3]), "in95_avg": bool(qa[0] <= actual_avg <= qa[4])})
            # the naive point forecast: last year's growth carried forward
            rows.append({"series": sname, "origin": int(years[k - 1]), "model": "naive_point", "horizon": h,
                         "actual_1y": float(actual[0]), "median_1y": float(y[k - 1]), "err_1y": float(y[k - 1] - actual[0]),
                         "in80_1y": np.nan, "in95_1y": np.nan, "actual_avg": float(actual_avg),
                         "median_avg": float(y[k - 1]), "err_avg": float(y[k - 1] - actual_avg),
                         "in80_avg": np.nan, "in95_avg": np.nan})
    return pd.DataFrame(rows)


def backtest_summary(bt: pd.DataFrame) -> pd.DataFrame:
    """Per model: MAE and RMSE of one-year and multi-year forecasts, and interval coverage."""
    if bt.empty:
        return pd.DataFrame()
    g = bt.groupby("model", sort=False)
    out = pd.DataFrame({
        "n": g.size(),
        "mae_1y": g["err_1y"].apply(lambda e: e.abs().mean()),
        "rmse_1y": g["err_1y"].apply(lambda e: math.sqrt((e ** 2).mean())),
        "bias_1y": g["err_1y"].mean(),
        "mae_avg": g["err_avg"].apply(lambda e: e.abs().mean()),
        "coverage80_1y": g["in80_1y"].mean(), "coverage95_1y": g["in95_1y"].mean(),
        "coverage80_avg": g["in80_avg"].mean(), "coverage95_avg": g["in95_avg"].mean(),
    }).reset_index()
    return out.round(4)


def plan_forecast_errors(card: pd.DataFrame) -> pd.DataFrame:
    """The plans' own growth targets used as forecasts: target (low end) minus outturn."""
    g = card[(card["indicator_id"] == "grdp_growth") & (card["period_state"] == "closed")].copy()
    g["target_as_forecast"] = g["low"].where(g["low"].notna(), g["high"])
    g["error_pp"] = g["target_as_forecast"] - g["latest_value"]
    return g[["target_id", "locality", "plan", "period_start", "period_end", "target_as_forecast", "latest_value",
              "error_pp"]].rename(columns={"latest_value": "outturn"}).reset_index(drop=True)


def model_weights(summary: pd.DataFrame, models: tuple[str, ...] = MODELS) -> tuple[dict[str, float], str]:
    """Inverse-MAE weights from the five-year-average backtest errors (equal if unavailable)."""
    if summary is None or summary.empty:
        return {m: 1 / len(models) for m in models}, "equal weights (no backtest possible)"
    s = summary.set_index("model")
    inv = {m: 1 / max(float(s.loc[m, "mae_avg"]), 1e-6) for m in models if m in s.index and not pd.isna(s.loc[m, "mae_avg"])}
    tot = sum(inv.values())
    return {m: v / tot for m, v in inv.items()}, "weights proportional to 1 / MAE of backtest multi-year averages"


# --------------------------------------------------------------------------- base rates
def base_rates_table(base_rates: pd.DataFrame) -> pd.DataFrame:
    """How often provinces grew 10 %+ (share of provinces), from the public statistics."""
    b = base_rates[(base_rates["threshold_pct"] == 10)].copy()
    b["share"] = (b["count"] / b["n_provinces"]).round(4)
    b["period"] = [f"{int(s)}" if s == e else f"{int(s)}-{int(e)}" for s, e in zip(b["period_start"], b["period_end"])]
    return b[["rate_id", "period", "subperiod", "measure", "comparison", "count", "count_kind", "n_provinces", "share",
              "note"]].reset_index(drop=True)


# --------------------------------------------------------------------------- structural checks
def _best_value(best: pd.DataFrame, ind: str, loc: str, year: int):
    b = best[(best["indicator_id"] == ind) & (best["locality"] == loc) & (best["period_start"] == year)
             & (best["period_end"] == year)]
    return (float(b.iloc[0]["value"]), str(b.iloc[0]["actual_id"])) if len(b) else (None, None)


def structural_checks(cat, best: pd.DataFrame, target_low: float, target_high: float, start: int, end: int,
                      observed: list[float], history: pd.DataFrame, icor: tuple[float, float] = (5.0, 6.0)) -> list[dict]:
    """Hand-checkable cross-checks, each with its numbers and a finding."""
    n = end - start
    checks = []
    loc = "can_tho_merged"
    # 1. sector arithmetic
    s_agri, src_s = _best_value(best, "share_agriculture", loc, start)
    g_agri_obs, _ = _best_value(best, "agri_growth", loc, start)
    rest = {k: _best_value(best, f"{k}_growth", loc, start)[0] for k in ("industry_construction", "services", "product_taxes")}
    shares = {k: _best_value(best, f"share_{k}", loc, start)[0] for k in ("industry_construction", "services", "product_taxes")}
    if s_agri is not None:
        sa = s_agri / 100
        need = {g: (target_low - sa * g) / (1 - sa) for g in (3.0, 4.0)}
        recent = (sum(shares[k] * rest[k] for k in rest) / sum(shares.values())
                  if all(v is not None for v in list(rest.values()) + list(shares.values())) else None)
        checks.append({
            "check": "sector_arithmetic",
            "numbers": {"agriculture_share_pct": s_agri, "agriculture_growth_assumed_pct": [3.0, 4.0],
                        "agriculture_growth_observed_pct": g_agri_obs,
                        "non_agriculture_growth_needed_pct": [round(need[4.0], 2), round(need[3.0], 2)],
                        "non_agriculture_growth_recent_pct": round(recent, 2) if recent is not None else None,
                        "base_year": start, "source": src_s},
            "finding": (f"With agriculture at {s_agri:g} % of GRDP growing 3-4 %, the other sectors must grow "
                        f"{need[4.0]:.1f}-{need[3.0]:.1f} %/yr for {target_low:g} % overall"
                        + (f", against {recent:.1f} % in {start} (share-weighted industry, services and taxes)." if recent is not None else ".")),
            "flag": bool(recent is not None and recent < need[4.0]),
        })
    # 2. investment
    inv_share_target = cat.targets[(cat.targets["plan"] == "dh_i_2025_2030") & (cat.targets["indicator_id"] == "investment_share_grdp")]
    plan_share = float(inv_share_target.iloc[0]["low"]) if len(inv_share_target) else None
    need_share = [round(i * target_low, 1) for i in icor]
    implied = [round(plan_share / i, 2) for i in icor] if plan_share else None
    inv_old, _ = _best_value(best, "total_investment", "can_tho_old", 2025)
    grdp_old, _ = _best_value(best, "grdp_current", "can_tho_old", 2025)
    checks.append({
        "check": "investment",
        "numbers": {"icor": list(icor), "investment_share_needed_pct": need_share, "plan_investment_share_pct": plan_share,
                    "growth_implied_by_plan_share_pct": implied,
                    "old_can_tho_2025_investment_share_pct": round(inv_old / grdp_old * 100, 1) if inv_old and grdp_old else None},
        "finding": (f"At an ICOR of {icor[0]:g}-{icor[1]:g}, {target_low:g} % growth needs investment of {need_share[0]:g}-{need_share[1]:g} % "
                    f"of GRDP; the plan's {plan_share:g} % supports about {implied[1]:g}-{implied[0]:g} % growth"
                    + (f"; old Cần Thơ invested about {inv_old / grdp_old * 100:.0f} % of GRDP in 2025." if inv_old and grdp_old else ".")),
        "flag": bool(plan_share is not None and plan_share < need_share[0]),
    })
    # 3. nominal target, deflator
    grdp_target = cat.targets[(cat.targets["plan"] == "dh_i_2025_2030") & (cat.targets["indicator_id"] == "grdp_current")]
    g_t = float(grdp_target.iloc[0]["low"]) if len(grdp_target) else None
    versions = cat.actuals[(cat.actuals["indicator_id"] == "grdp_current") & (cat.actuals["locality"] == loc)
                           & (cat.actuals["period_start"] == start)]
    bases = {r.actual_id: float(r.value) for r in versions.itertuples()}
    from .growth_series import implied_deflators, merged_current_levels

    defl = implied_deflators(merged_current_levels(cat.actuals), dict(zip(history["year"], history["value"])))
    if g_t and bases:
        rows = {}
        for aid, base in bases.items():
            nom = ((g_t / base) ** (1 / n) - 1) * 100
            rows[aid] = {"base": base, "nominal_growth_pct": round(nom, 2),
                         "deflator_pct_at_low": round(((1 + nom / 100) / (1 + target_low / 100) - 1) * 100, 2),
                         "deflator_pct_at_high": round(((1 + nom / 100) / (1 + target_high / 100) - 1) * 100, 2)}
        mid = sorted(rows.values(), key=lambda r: r["base"])
        base_txt = ", ".join(f"{r['base']:,.0f}" for r in mid)
        recent = np.mean(list(defl.values())) if defl else None
        checks.append({
            "check": "nominal_target_and_deflator",
            "numbers": {"grdp_target_2030": g_t, "by_base": rows, "recent_implied_deflator_pct": defl},
            "finding": (f"{g_t:,.0f} billion VND in {end} needs nominal growth of {mid[-1]['nominal_growth_pct']:.1f}-"
                        f"{mid[0]['nominal_growth_pct']:.1f} %/yr from the {start} base ({base_txt}); "
                        f"with {target_low:g}-{target_high:g} % real growth that is a GDP deflator of about "
                        f"{min(r['deflator_pct_at_high'] for r in mid):.1f}-{max(r['deflator_pct_at_low'] for r in mid):.1f} %/yr"
                        + (f", against {min(defl.values()):.1f}-{max(defl.values()):.1f} % implied in {min(defl)}-{max(defl)}." if defl else ".")),
            "flag": bool(recent is not None and min(r["deflator_pct_at_high"] for r in mid) > recent + 1),
        })
    # 4. per capita x population
    pc = cat.targets[(cat.targets["plan"] == "dh_i_2025_2030") & (cat.targets["indicator_id"] == "grdp_per_capita")]
    pop = cat.targets[(cat.targets["plan"] == "dh_i_2025_2030") & (cat.targets["indicator_id"] == "population")]
    scen_pop = cat.scenarios[(cat.scenarios["indicator_id"] == "population")]
    if len(pc) and len(pop) and g_t:
        pcv, popv = float(pc.iloc[0]["low"]), float(pop.iloc[0]["low"])
        implied_total = pcv * popv / 1000  # million VND x persons -> billion VND
        sp = float(scen_pop.iloc[0]["value"]) if len(scen_pop) else None
        checks.append({
            "check": "per_capita_times_population",
            "numbers": {"grdp_per_capita_target_million": pcv, "population_target": popv,
                        "implied_grdp_billion": round(implied_total), "grdp_target_billion": g_t,
                        "appendix8_population": sp, "implied_with_appendix8_population": round(pcv * sp / 1000) if sp else None},
            "finding": (f"{pcv:g} million x {popv:,.0f} people = {implied_total:,.0f} billion VND, consistent with the "
                        f"{g_t:,.0f} target" + (f"; with appendix 8's population of {sp:,.0f} it would be {pcv * sp / 1000:,.0f}." if sp else ".")),
            "flag": bool(abs(implied_total - g_t) / g_t > 0.01 or (sp and abs(pcv * sp / 1000 - g_t) / g_t > 0.01)),
        })
    # 5. appendix 8 scenarios: which 2025 base does each scenario's arithmetic imply?
    sc = cat.scenarios
    rows = []
    for sid in ("planning", "previous_drafts", "two_digit", "high"):
        s = sc[sc["scenario_id"].str.startswith(sid + ".")]
        if s.empty:
            continue
        val = lambda k: (float(s.loc[s["scenario_id"] == f"{sid}.{k}", "value"].iloc[0])
                         if (s["scenario_id"] == f"{sid}.{k}").any() else None)
        gg, cur, con, popu = val("grdp_growth"), val("grdp_current"), val("grdp_constant"), val("population")
        pcap, usd, head = val("grdp_per_capita"), val("grdp_per_capita_usd"), val("grdp_growth_headline")
        rows.append({"scenario": sid, "headline_growth_pct": head, "computed_growth_pct": gg, "current_printed": cur,
                     "constant_printed": con,
                     "base2025_from_constant": round(con / (1 + gg / 100) ** n) if con and gg else None,
                     "base2025_from_current": round(cur / (1 + gg / 100) ** n) if cur and gg else None,
                     "per_capita_printed_million": pcap,
                     "per_capita_from_current_million": round(cur / popu * 1000, 2) if cur and popu else None,
                     "vnd_per_usd": round(pcap * 1e6 / usd) if pcap and usd else None,
                     "catalog_flag": ",".join(sorted(set(x for x in s["flag"].fillna("") if x)))})
    if rows:
        consensus = float(np.median([r["base2025_from_constant"] for r in rows[:2] if r["base2025_from_constant"]]))
        for r in rows:
            dc = abs(r["base2025_from_constant"] - consensus) / consensus if r["base2025_from_constant"] else math.inf
            dk = abs(r["base2025_from_current"] - consensus) / consensus if r["base2025_from_current"] else math.inf
            r["labels_look_swapped"] = bool(dk < 0.01 < dc)
        swapped = [r["scenario"] for r in rows if r["labels_look_swapped"]]
        heads = [r for r in rows if r["headline_growth_pct"] is not None]
        rates = [r["vnd_per_usd"] for r in rows if r["vnd_per_usd"]]
        checks.append({
            "check": "appendix8_scenarios",
            "numbers": {"scenarios": rows, "consensus_2025_constant_base": round(consensus)},
            "finding": (f"The planning and previous-draft scenarios imply a 2025 constant-price base of about {consensus:,.0f} "
                        f"billion VND; {', '.join(swapped) or 'no scenario'} reach{'es' if len(swapped) == 1 else ''} it only with the "
                        "current/constant labels swapped"
                        + "".join(f"; '{r['scenario']}' is headed {r['headline_growth_pct']:g} % but computes {r['computed_growth_pct']:g} %"
                                  for r in heads)
                        + (f"; exchange rates range {min(rates):,}-{max(rates):,} VND/USD." if rates else ".")),
            "flag": bool(swapped or heads or (rates and max(rates) - min(rates) > 200)),
        })
    # 6. required path against the record
    req = {t: required_growth(observed, n, t) for t in (target_low, target_high)}
    best_year = history.loc[history["value"].idxmax()] if len(history) else None
    above = int((history["value"] >= (req[target_low] or 0)).sum()) if len(history) else 0
    checks.append({
        "check": "required_path",
        "numbers": {"observed_years_in_period": len(observed), "required_low_pct": req[target_low],
                    "required_high_pct": req[target_high], "best_year": int(best_year["year"]) if best_year is not None else None,
                    "best_year_growth_pct": float(best_year["value"]) if best_year is not None else None,
                    "years_on_record_at_or_above_required": above, "years_on_record": int(len(history))},
        "finding": (f"The remaining {n - len(observed)} year(s) need {req[target_low]:.2f}-{req[target_high]:.2f} %/yr every year; "
                    f"{above} of {len(history)} years on record reached {req[target_low]:.1f} % "
                    + (f"(best: {float(best_year['value']):.2f} % in {int(best_year['year'])}, a post-Covid rebound)." if best_year is not None else ".")
                    if req[target_low] is not None else "The period is complete: nothing remains to be required."),
        "flag": bool(req[target_low] is not None and above <= 1),
    })
    return checks


# --------------------------------------------------------------------------- the study
@dataclass
class FeasibilityResult:
    params: dict
    history: pd.DataFrame
    observed_in_period: list[float]
    forecasts: list[Forecast]
    ensemble: Forecast
    weights: dict[str, float]
    weights_rule: str
    backtest: pd.DataFrame
    backtest_summary: pd.DataFrame
    plan_errors: pd.DataFrame
    base_rates: pd.DataFrame
    checks: list[dict]
    period_checks: pd.DataFrame
    first_year: int | None
    notes: list[str] = field(default_factory=list)

    def model_table(self) -> pd.DataFrame:
        lo, hi = self.params["target_low"], self.params["target_high"]
        rows = []
        for f in self.forecasts + [self.ensemble]:
            if f.error:
                rows.append({"name": f.name, "label": f.label, "error": f.error})
                continue
            rows.append({"name": f.name, "label": f.label, **summarise(f.averages, lo, hi),
                         "weight": round(self.weights.get(f.name, 1.0 if f.name == "ensemble" else 0.0), 4)})
        return pd.DataFrame(rows)

    def first_year_table(self) -> pd.DataFrame:
        rows = []
        for f in self.forecasts + [self.ensemble]:
            if f.error or f.paths.shape[1] == 0:
                continue
            s = summarise(f.paths[:, 0], self.params["target_low"], self.params["target_high"])
            rows.append({"name": f.name, "year": self.first_year, "median": s["median"], "pi80": s["pi80"], "pi95": s["pi95"]})
        return pd.DataFrame(rows)

    def to_json(self) -> dict:
        lo, hi = self.params["target_low"], self.params["target_high"]
        models = []
        for f in self.forecasts:
            if f.error:
                models.append({"name": f.name, "error": f.error})
            else:
                models.append({"name": f.name, "label": f.label, **summarise(f.averages, lo, hi),
                               "weight": round(self.weights.get(f.name, 0.0), 4)})
        ens = summarise(self.ensemble.averages, lo, hi)
        fy = {}
        if self.ensemble.paths.shape[1]:
            s = summarise(self.ensemble.paths[:, 0], lo, hi)
            fy = {"year": self.first_year, "median": s["median"], "pi80": s["pi80"], "pi95": s["pi95"]}
        n = self.params["end_year"] - self.params["start_year"]
        req = {"low": required_growth(self.observed_in_period, n, lo), "high": required_growth(self.observed_in_period, n, hi),
               "remaining_years": n - len(self.observed_in_period),
               "years": list(range(self.params["start_year"] + 1 + len(self.observed_in_period), self.params["end_year"] + 1))}
        bts = self.backtest_summary.to_dict("records") if not self.backtest_summary.empty else []
        return {
            "params": self.params,
            "convention": (f"average growth over {self.params['start_year']}-{self.params['end_year']} = geometric mean of the "
                           f"annual real growth rates {self.params['start_year'] + 1}-{self.params['end_year']} (base year {self.params['start_year']})"),
            "series": {"name": "can_tho_merged", "years": self.history["year"].tolist(),
                       "values": [round(v, 4) for v in self.history["value"]], "source": self.history["source"].tolist()},
            "observed_in_period": self.observed_in_period,
            "models": models,
            "ensemble": {"name": "ensemble", **ens, "weights": {k: round(v, 4) for k, v in self.weights.items()},
                         "weights_rule": self.weights_rule},
            "first_year": fy,
            "required_growth": req,
            "backtest": {"models": bts,
                         "naive": next((r for r in bts if r["model"] == "naive_point"), None),
                         "plan_targets": self.plan_errors.to_dict("records"),
                         "plan_targets_mae_pp": round(float(self.plan_errors["error_pp"].abs().mean()), 4) if len(self.plan_errors) else None,
                         "origins": int(self.backtest[["series", "origin"]].drop_duplicates().shape[0]) if not self.backtest.empty else 0},
            "base_rates": self.base_rates.to_dict("records"),
            "checks": self.checks,
            "period_checks": self.period_checks.to_dict("records"),
            "notes": self.notes,
        }


def feasibility(target_low: float = 10.0, target_high: float = 10.5, start_year: int = 2025, end_year: int = 2030,
                data_through: int | None = None, n_paths: int = 10_000, seed: int = 20251, ctx=None,
                backtest_paths: int = 2000, run_backtests: bool = True) -> FeasibilityResult:
    """The whole study for the merged city, as known through ``data_through``."""
    from .report import get_context

    if not target_low <= target_high:
        raise ValueError("target_low must not exceed target_high")
    if end_year <= start_year:
        raise ValueError("end_year must be after start_year")
    if n_paths < 100:
        raise ValueError("n_paths must be at least 100")
    ctx = ctx or get_context()
    with warnings.catch_warnings():
        # statsmodels warns about convergence on these tiny series; the backtests judge the fits
        warnings.simplefilter("ignore")
        return _feasibility(ctx, target_low, target_high, start_year, end_year, data_through, n_paths, seed,
                            backtest_paths, run_backtests)


def _feasibility(ctx, target_low, target_high, start_year, end_year, data_through, n_paths, seed, backtest_paths,
                 run_backtests) -> FeasibilityResult:
    from .growth_series import locality_growth_series, merged_growth_series, period_checks

    best = ctx.best
    full = merged_growth_series(best)
    last = int(full.years.max()) if len(full.years) else start_year
    data_through = last if data_through is None else int(data_through)
    notes = []
    if data_through > last:
        notes.append(f"data_through={data_through} but the series ends in {last}; using {last}.")
        data_through = last
    hist = full.through(data_through).frame
    observed = [float(v) for y, v in zip(hist["year"], hist["value"]) if start_year < y <= end_year]
    h = max(end_year - data_through, 0)  # simulated years: data_through + 1 ... end_year
    skip = max(start_year - data_through, 0)  # of which these are not growth years of the period
    y = hist["value"].to_numpy(float)
    forecasts = run_models(y, observed, h, n_paths, seed, skip=skip)
    # backtests on the merged series and the three old units (and Vietnam for context)
    bt_series = {"can_tho_merged": (hist["year"].to_numpy(int), y)}
    for loc in ("can_tho_old", "soc_trang", "hau_giang", "vietnam"):
        s = locality_growth_series(best, loc).through(data_through)
        if len(s.values) > MIN_OBS:
            bt_series[loc] = (s.years, s.values)
    bt = backtest(bt_series, backtest_paths, seed) if run_backtests else pd.DataFrame()
    bts = backtest_summary(bt)
    weights, rule = model_weights(bts[bts["model"].isin(MODELS)] if not bts.empty else bts)
    weights = {m: w for m, w in weights.items() if not next(f for f in forecasts if f.name == m).error}
    ens = ensemble(forecasts, weights, n_paths) if h > 0 else Forecast("ensemble", "ensemble", np.zeros((n_paths, 0)),
                                                                        np.full(n_paths, period_average(observed, np.zeros((1, 0)))[0]), [])
    card = ctx.card
    plan_err = plan_forecast_errors(card)
    checks = structural_checks(ctx.catalog, best, target_low, target_high, start_year, end_year, observed, hist)
    params = {"target_low": target_low, "target_high": target_high, "start_year": start_year, "end_year": end_year,
              "data_through": data_through, "n_paths": n_paths, "seed": seed}
    if len(y) < 10:
        notes.append(f"The merged series has only {len(y)} annual observations ({int(hist['year'].min())}-{data_through}), "
                     "four of them derived from the old units and two affected by Covid-19: every interval is wide.")
    return FeasibilityResult(params, hist, observed, forecasts, ens, weights, rule, bt, bts, plan_err,
                             base_rates_table(ctx.catalog.base_rates), checks, period_checks(full, best),
                             data_through + 1 if h > 0 else None, notes)
