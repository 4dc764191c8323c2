"""Simulation models: a growth series in, simulated annual growth paths out (pure functions).

Every model gets a :class:`FitData` (the series as known at the forecast origin, with the
other series of the bundle as known then) and returns ``n`` simulated paths of the ``h``
years after the data, in % per year.

Covid: the years in ``FitData.covid_years`` are intervention years. Each gets its own
additive-outlier dummy, which for these models is the same as treating the observation as
missing: it then informs neither the mean, the persistence nor the variance. ETS and Theta
cannot take missing values; for them the Covid years are replaced by a straight line between
the neighbouring years. Tail risk comes back through an explicit rare-shock component
(:func:`estimate_shocks`, :func:`apply_shocks`) added to every model's paths.

Models (``spec`` is the model's structure; two models with one spec are the same model):

* ``mean``: constant mean, Student-t errors, parameter uncertainty (σ² from its scaled
  inverse-χ² posterior, then μ given σ²);
* ``ar1``: AR(1) with a constant, Student-t errors, parameter uncertainty (the normal /
  inverse-χ² posterior of the regression, stationary draws only);
* ``local_level``: statsmodels UnobservedComponents local level, state uncertainty included;
* ``national_anchor``: city growth = Vietnam's growth + a city–Vietnam gap. Vietnam's
  five-year average is drawn from the distribution of its own five-year averages in the
  bundle; the gap from the years where both series exist;
* ``pooled``: the three old units and the merged city with a shared mean and unit effects
  shrunk towards it (empirical Bayes, method of moments);
* ``random_walk``: random walk on the growth rate (steps from the non-Covid changes);
* ``arima``: the statsmodels ARIMA with the lowest AICc among a few small orders;
* ``ets``: ETS(A,Ad,N), additive damped trend (trend-extrapolating);
* ``theta``: the Theta method on the log GRDP index (trend-extrapolating).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
# Imported here, not lazily: statsmodels installs "always" warning filters when first
# imported, which would override the local "ignore" filters if that happened inside them.
import statsmodels.tools.sm_exceptions  # noqa: F401
from threadpoolctl import ThreadpoolController

__all__ = ["MODELS", "FitData", "Sim", "ShockParams", "NotApplicable", "simulate", "estimate_shocks",
           "apply_shocks", "period_average", "summarise", "required_growth", "ARIMA_ORDERS"]

MODELS = ("mean", "ar1", "local_level", "national_anchor", "pooled", "random_walk", "arima", "ets", "theta")
# (p, d, q, trend); the spec each order shares with another model is noted in ``_ARIMA_SAME``
ARIMA_ORDERS = ((0, 0, 0, "c"), (1, 0, 0, "c"), (0, 1, 0, "n"), (0, 1, 1, "n"), (1, 0, 1, "c"))


class NotApplicable(ValueError):
    """The model does not apply to this series (e.g. the pooled model to Vietnam)."""


@dataclass(frozen=True)
class FitData:
    """A series as known at the forecast origin, with the bundle's other series."""

    name: str
    years: np.ndarray  # consecutive years
    values: np.ndarray  # growth, % (NaN: not known)
    covid_years: tuple[int, ...] = ()
    context: dict = field(default_factory=dict)  # name -> (years, values), known at the origin
    t_df: int = 5
    min_obs: int = 4
    pooled_units: tuple[str, ...] = ()

    @property
    def clean(self) -> np.ndarray:
        """Values with the Covid years as missing."""
        v = np.asarray(self.values, float).copy()
        v[np.isin(self.years, self.covid_years)] = np.nan
        return v

    def context_clean(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        y, v = self.context[name]
        v = np.asarray(v, float).copy()
        v[np.isin(y, self.covid_years)] = np.nan
        return np.asarray(y, int), v

    @property
    def origin(self) -> int:
        return int(self.years[-1])


@dataclass
class Sim:
    paths: np.ndarray  # n x h, % per year
    label: str
    spec: tuple
    info: dict = field(default_factory=dict)


def _quiet():
    w = warnings.catch_warnings()
    return w


def _t(rng, size, df: int) -> np.ndarray:
    """Student-t draws scaled to unit variance."""
    return rng.standard_t(df, size=size) * math.sqrt((df - 2) / df)


def _need(v: np.ndarray, k: int, what: str) -> np.ndarray:
    v = v[~np.isnan(v)]
    if len(v) < k:
        raise ValueError(f"needs at least {k} non-Covid {what}, got {len(v)}")
    return v


# --------------------------------------------------------------------------- the models
def _sim_mean(d: FitData, h: int, n: int, rng) -> Sim:
    v = _need(d.clean, d.min_obs, "observations")
    k = len(v)
    m, s2 = float(v.mean()), float(v.var(ddof=1))
    sigma2 = (k - 1) * s2 / rng.chisquare(k - 1, size=n)
    mu = m + rng.standard_normal(n) * np.sqrt(sigma2 / k)
    paths = mu[:, None] + _t(rng, (n, h), d.t_df) * np.sqrt(sigma2)[:, None]
    return Sim(paths, "mean, Student-t errors, parameter uncertainty", ("arma", 0, 0, 0, "c"),
               {"mean": round(m, 4), "sd": round(math.sqrt(s2), 4), "n_obs": k})


def _sim_ar1(d: FitData, h: int, n: int, rng) -> Sim:
    v = d.clean
    prev, cur = v[:-1], v[1:]
    ok = ~np.isnan(prev) & ~np.isnan(cur)
    if ok.sum() < d.min_obs + 2:
        raise ValueError(f"needs at least {d.min_obs + 2} non-Covid pairs of consecutive years, got {int(ok.sum())}")
    X = np.column_stack([np.ones(ok.sum()), prev[ok]])
    y = cur[ok]
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    resid = y - X @ beta
    k, p = len(y), 2
    s2 = float(resid @ resid / (k - p))
    chol = np.linalg.cholesky(xtx_inv)
    out_b = np.empty((0, 2))
    out_s = np.empty(0)
    for _ in range(20):  # keep stationary draws (|phi| < 1)
        sigma2 = (k - p) * s2 / rng.chisquare(k - p, size=n)
        b = beta[None, :] + (rng.standard_normal((n, 2)) @ chol.T) * np.sqrt(sigma2)[:, None]
        keep = np.abs(b[:, 1]) < 0.98
        out_b, out_s = np.vstack([out_b, b[keep]]), np.concatenate([out_s, sigma2[keep]])
        if len(out_s) >= n:
            break
    if len(out_s) < n:
        raise ValueError("AR(1): too few stationary parameter draws")
    b, sigma2 = out_b[:n], out_s[:n]
    last = v[~np.isnan(v)][-1]
    paths = np.empty((n, h))
    x = np.full(n, last)
    e = _t(rng, (n, h), d.t_df) * np.sqrt(sigma2)[:, None]
    for j in range(h):
        x = b[:, 0] + b[:, 1] * x + e[:, j]
        paths[:, j] = x
    return Sim(paths, "AR(1), Student-t errors, parameter uncertainty", ("arma", 1, 0, 0, "c"),
               {"c": round(float(beta[0]), 4), "phi": round(float(beta[1]), 4), "sd": round(math.sqrt(s2), 4),
                "n_pairs": k})


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
    dd, c = fr.obs_intercept[:, 0], fr.state_intercept[:, 0]
    alpha = a[None, :] + rng.standard_normal((n, len(a))) @ _psd_sqrt(P).T
    sq_q, sq_h = _psd_sqrt(Q), _psd_sqrt(H)
    out = np.empty((n, h))
    for j in range(h):
        y = dd[None, :] + alpha @ Z.T + rng.standard_normal((n, H.shape[0])) @ sq_h.T
        out[:, j] = y[:, 0]
        alpha = c[None, :] + alpha @ Tm.T + (rng.standard_normal((n, Q.shape[0])) @ sq_q.T) @ R.T
    return out


def _trim(d: FitData) -> np.ndarray:
    """The clean series from its first observed year (state-space models take the NaN inside)."""
    v = d.clean
    first = int(np.argmax(~np.isnan(v)))
    return v[first:]


def _sim_local_level(d: FitData, h: int, n: int, rng) -> Sim:
    import statsmodels.api as sm

    _need(d.clean, d.min_obs + 1, "observations")
    with _quiet():
        warnings.simplefilter("ignore")
        res = sm.tsa.UnobservedComponents(_trim(d), "local level").fit(disp=False)
    return Sim(_statespace_paths(res, h, n, rng), "local level (state uncertainty)", ("arma", 0, 1, 1, "n"),
               {"sigma2_irregular": round(float(res.params[0]), 4), "sigma2_level": round(float(res.params[1]), 4)})


def _aicc(res, k_obs: int) -> float:
    k = len(res.params)
    return float(res.aic + (2 * k * (k + 1)) / (k_obs - k - 1)) if k_obs - k - 1 > 0 else math.inf


def _sim_arima(d: FitData, h: int, n: int, rng) -> Sim:
    from statsmodels.tsa.arima.model import ARIMA

    y = _trim(d)
    k_obs = int((~np.isnan(y)).sum())
    _need(y, d.min_obs, "observations")
    best, best_aicc, best_order = None, math.inf, None
    for (p, dd, q, trend) in ARIMA_ORDERS:
        try:
            with _quiet():
                warnings.simplefilter("ignore")
                res = ARIMA(y, order=(p, dd, q), trend=trend).fit()
        except Exception:  # pragma: no cover - some orders fail on degenerate data
            continue
        a = _aicc(res, k_obs - dd)
        if a < best_aicc:
            best, best_aicc, best_order = res, a, (p, dd, q, trend)
    if best is None:
        raise ValueError("no ARIMA order could be fitted")
    p, dd, q, trend = best_order
    return Sim(_statespace_paths(best, h, n, rng), f"ARIMA({p},{dd},{q})", ("arma", p, dd, q, trend),
               {"order": [p, dd, q], "trend": trend, "aicc": round(best_aicc, 3)})


def _sim_random_walk(d: FitData, h: int, n: int, rng) -> Sim:
    v = d.clean
    _need(v, d.min_obs, "observations")
    steps = np.diff(v)
    steps = steps[~np.isnan(steps)]
    if len(steps) < 2:
        raise ValueError(f"needs at least 2 non-Covid year-to-year changes, got {len(steps)}")
    sd = float(np.sqrt(np.mean(steps ** 2)))  # no drift
    last = v[~np.isnan(v)][-1]
    paths = last + np.cumsum(rng.standard_normal((n, h)) * sd, axis=1)
    return Sim(paths, "random walk on the growth rate", ("arma", 0, 1, 0, "n"), {"step_sd": round(sd, 4)})


def _interpolated(d: FitData) -> np.ndarray:
    """Covid years replaced by a straight line between the neighbouring observed years."""
    v = pd.Series(_trim(d))
    v = v.interpolate(limit_area="inside").dropna()
    return v.to_numpy(float)


def _sim_ets(d: FitData, h: int, n: int, rng) -> Sim:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = _interpolated(d)
    _need(d.clean, d.min_obs + 2, "observations")
    with _quiet():
        warnings.simplefilter("ignore")
        res = ETSModel(y, error="add", trend="add", damped_trend=True).fit(disp=False)
        sims = res.simulate(nsimulations=h, repetitions=n, anchor="end", rng=rng)
    return Sim(np.asarray(sims).reshape(h, n).T, "ETS(A,Ad,N), damped trend", ("ets", "AAdN"),
               {k: round(float(res.params[i]), 4) for i, k in enumerate(res.param_names) if k in
                ("smoothing_level", "smoothing_trend", "damping_trend")})


def _sim_theta(d: FitData, h: int, n: int, rng) -> Sim:
    """Theta on the log GRDP index; forecast errors follow SES: e_{T+h} + alpha * sum_{j<h} e_{T+j}."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    y = _interpolated(d)
    _need(d.clean, d.min_obs + 1, "observations")
    logl = np.concatenate([[0.0], np.cumsum(np.log1p(np.clip(y, -99.0, None) / 100))])
    with _quiet():
        warnings.simplefilter("ignore")
        res = ThetaModel(pd.Series(logl), period=1, deseasonalize=False).fit()
        mean = np.asarray(res.forecast(h))
    alpha, b0 = float(res.params["alpha"]), float(res.params["b0"])
    # sigma^2 from the one-step residuals of the equivalent ARIMA(0,1,1) with drift,
    # X_t = X_{t-1} + b0 + (alpha - 1) e_{t-1} + e_t (statsmodels refits that model by MLE,
    # which costs more than the rest of the study's Theta fits together)
    e_prev, resid = 0.0, []
    for dx in np.diff(logl):
        e_prev = dx - b0 - (alpha - 1) * e_prev
        resid.append(e_prev)
    sigma = float(np.sqrt(np.mean(np.square(resid))))
    e = rng.standard_normal((n, h)) * sigma
    cum = np.cumsum(e, axis=1)
    prior = np.concatenate([np.zeros((n, 1)), cum[:, :-1]], axis=1)
    paths = mean[None, :] + e + alpha * prior
    prev = np.concatenate([np.full((n, 1), logl[-1]), paths[:, :-1]], axis=1)
    return Sim((np.exp(paths - prev) - 1) * 100, "Theta (log level)", ("theta",), {"alpha": round(alpha, 4)})


def _windows(v: np.ndarray, k: int = 5) -> np.ndarray:
    """Geometric averages of every k consecutive observed years (windows with a gap are skipped)."""
    out = []
    for i in range(len(v) - k + 1):
        w = v[i:i + k]
        if not np.isnan(w).any():
            out.append((np.prod(1 + w / 100) ** (1 / k) - 1) * 100)
    return np.array(out)


def anchor_parts(d: FitData) -> dict:
    """The national anchor's ingredients: Vietnam's five-year averages and the city–Vietnam gap."""
    if "vietnam" not in d.context:
        raise NotApplicable("no Vietnam series")
    vy, vv = d.context_clean("vietnam")
    vv_obs = vv[~np.isnan(vv)]
    if len(vv_obs) < d.min_obs:
        raise ValueError(f"Vietnam: needs at least {d.min_obs} non-Covid observations, got {len(vv_obs)}")
    win = _windows(vv)
    k_eff = max(2.0, len(vv_obs) / 5)
    if len(win) >= 3:
        centre, spread, source = float(win.mean()), float(win.std(ddof=1)), "five-year windows"
    else:
        centre, spread, source = float(vv_obs.mean()), float(vv_obs.std(ddof=1) / math.sqrt(5)), "annual / sqrt(5)"
    # annual deviations around the five-year average: the sd of the annual values (conservative)
    dev_sd = float(np.std(vv_obs, ddof=1))
    if d.name == "vietnam":
        gap = {"mean": 0.0, "sd": 0.0, "n": 0, "years": []}
    else:
        cy, cv = d.years, d.clean
        common = [(y, c - vv[list(vy).index(y)]) for y, c in zip(cy, cv) if y in set(vy) and not np.isnan(c)
                  and not np.isnan(vv[list(vy).index(y)])]
        if len(common) < 2:
            raise ValueError(f"needs at least 2 non-Covid years where the series and Vietnam both exist, got {len(common)}")
        g = np.array([x for _, x in common])
        gap = {"mean": float(g.mean()), "sd": float(g.std(ddof=1)), "n": len(g), "years": [int(y) for y, _ in common]}
    return {"vn_centre": centre, "vn_spread": spread, "vn_source": source, "vn_windows": [round(float(x), 3) for x in win],
            "vn_k_eff": k_eff, "vn_dev_sd": dev_sd, "gap": gap}


def _sim_national_anchor(d: FitData, h: int, n: int, rng, override: tuple[float, float] | None = None) -> Sim:
    a = anchor_parts(d)
    df_v = max(int(round(a["vn_k_eff"])) - 1, 1)
    if override is None:
        A = a["vn_centre"] + a["vn_spread"] * math.sqrt(1 + 1 / a["vn_k_eff"]) * rng.standard_t(df_v, size=n)
    else:
        A = np.full(n, float(override[0]))
    vn = A[:, None] + _t(rng, (n, h), d.t_df) * a["vn_dev_sd"]
    g = a["gap"]
    if g["n"]:
        centre = g["mean"] if override is None else float(override[1])
        G = centre + g["sd"] / math.sqrt(g["n"]) * rng.standard_t(max(g["n"] - 1, 1), size=n)
        paths = vn + G[:, None] + _t(rng, (n, h), d.t_df) * g["sd"]
    else:
        paths = vn
    info = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in a.items() if k != "gap"}
    info["gap"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in g.items()}
    return Sim(paths, "Vietnam's growth + city–Vietnam gap", ("anchor",), info)


def pooled_parts(d: FitData) -> dict:
    if d.name not in d.pooled_units:
        raise NotApplicable(f"{d.name} is not one of the pooled units")
    groups = {}
    for u in d.pooled_units:
        if u == d.name:
            v = d.clean
        elif u in d.context:
            v = d.context_clean(u)[1]
        else:
            continue
        v = v[~np.isnan(v)]
        if len(v) >= 2:
            groups[u] = v
    if d.name not in groups or len(groups) < 2:
        raise ValueError("needs the series and at least one other unit with 2+ non-Covid observations")
    if sum(len(v) for v in groups.values()) - len(groups) < 2:
        raise ValueError("too few observations to pool")
    N, U = sum(len(v) for v in groups.values()), len(groups)
    s2 = sum(((v - v.mean()) ** 2).sum() for v in groups.values()) / (N - U)
    means = np.array([v.mean() for v in groups.values()])
    ns = np.array([len(v) for v in groups.values()])
    tau2 = max(0.0, float(means.var(ddof=1) - np.mean(s2 / ns))) if U > 1 else 0.0
    w = 1 / (tau2 + s2 / ns)
    mu = float((w * means).sum() / w.sum())
    var_mu = float(1 / w.sum())
    nt = len(groups[d.name])
    B = tau2 / (tau2 + s2 / nt) if tau2 + s2 / nt > 0 else 0.0
    theta = mu + B * (float(groups[d.name].mean()) - mu)
    var_theta = B * s2 / nt + (1 - B) ** 2 * var_mu
    return {"units": {u: round(float(v.mean()), 4) for u, v in groups.items()}, "n_obs": int(N), "grand_mean": mu,
            "between_var": tau2, "within_var": float(s2), "shrinkage_to_own_mean": B, "unit_mean": theta,
            "unit_mean_var": var_theta, "df": int(N - U)}


def _sim_pooled(d: FitData, h: int, n: int, rng) -> Sim:
    p = pooled_parts(d)
    sigma2 = p["df"] * p["within_var"] / rng.chisquare(p["df"], size=n)
    theta = p["unit_mean"] + math.sqrt(p["unit_mean_var"]) * rng.standard_t(p["df"], size=n)
    paths = theta[:, None] + _t(rng, (n, h), d.t_df) * np.sqrt(sigma2)[:, None]
    return Sim(paths, "pooled units, shrunk unit mean", ("pooled",),
               {k: (round(v, 4) if isinstance(v, float) else v) for k, v in p.items()})


_SIM = {"mean": _sim_mean, "ar1": _sim_ar1, "local_level": _sim_local_level, "national_anchor": _sim_national_anchor,
        "pooled": _sim_pooled, "random_walk": _sim_random_walk, "arima": _sim_arima, "ets": _sim_ets,
        "theta": _sim_theta}


_THREADS: list = []


def one_thread():
    """A context with one BLAS thread; the libraries are looked up once (reading the process's
    memory map on every call cost more than the model fits)."""
    if not _THREADS:
        _THREADS.append(ThreadpoolController())
    return _THREADS[0].limit(limits=1)


def simulate(name: str, d: FitData, h: int, n: int, rng, **kw) -> Sim:
    """Simulated annual growth paths (``n`` x ``h``, in %) for the ``h`` years after the data."""
    if name not in _SIM:
        raise ValueError(f"unknown model {name!r}")
    if h <= 0:
        return Sim(np.zeros((n, 0)), name, (name,))
    # one BLAS thread: these matrices are tiny, and on a shared machine more threads only
    # wait for each other (measured: ETS 0.3 s per fit with the default threads, 0.02 s with one)
    with _quiet(), one_thread(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        s = _SIM[name](d, h, n, rng, **kw)
    if not np.isfinite(s.paths).all():
        raise ValueError("the fit gave non-finite paths")
    return s


# --------------------------------------------------------------------------- rare shocks
@dataclass
class ShockParams:
    """Recession episodes: how often (Beta posterior of the yearly rate), how long, how deep."""

    episodes: int
    years_at_risk: int
    lengths: list[int]
    sizes: list[float]  # deviation of each shock year from the previous years' mean, pp (< 0)
    found: list[dict]
    drop_pp: float

    @property
    def rate_mean(self) -> float:
        return (self.episodes + 0.5) / (self.years_at_risk + 1.0)

    def to_json(self) -> dict:
        return {"episodes": self.episodes, "years_at_risk": self.years_at_risk, "rate_per_year": round(self.rate_mean, 4),
                "prior": "Jeffreys Beta(0.5, 0.5)", "lengths": self.lengths, "sizes_pp": [round(x, 2) for x in self.sizes],
                "found": self.found, "rule": f"growth at least {self.drop_pp:g} points below the mean of the previous years"}


def estimate_shocks(series: dict[str, tuple[np.ndarray, np.ndarray]], through: int, drop_pp: float = 3.0,
                    window: int = 3) -> ShockParams:
    """Find recession years in the series (as known through ``through``).

    A year is at risk when at least two of the previous ``window`` years are known; it is a
    shock year when growth is at least ``drop_pp`` points below their mean. Consecutive shock
    years in one series form one episode; an episode seen in several series in the same
    calendar years counts once (calendar years at risk are counted once too).
    """
    at_risk: set[int] = set()
    shock_years: dict[str, list[int]] = {}
    sizes, found = [], []
    for name, (years, values) in series.items():
        d = {int(y): float(v) for y, v in zip(years, values) if y <= through and not np.isnan(v)}
        for y in sorted(d):
            prev = [d[p] for p in range(y - window, y) if p in d]
            if len(prev) < 2:
                continue
            at_risk.add(y)
            dev = d[y] - float(np.mean(prev))
            if dev <= -drop_pp:
                shock_years.setdefault(name, []).append(y)
                sizes.append(dev)
                found.append({"series": name, "year": y, "growth": round(d[y], 2), "deviation_pp": round(dev, 2)})
    lengths, spans = [], set()
    for name, ys in shock_years.items():
        run = [ys[0]]
        for y in ys[1:] + [None]:
            if y is not None and y == run[-1] + 1:
                run.append(y)
                continue
            lengths.append(len(run))
            spans.add(run[0])
            if y is not None:
                run = [y]
    # an episode = a start year not within a year of another series' start
    starts = sorted(spans)
    episodes = sum(1 for i, s in enumerate(starts) if i == 0 or s - starts[i - 1] > 1)
    return ShockParams(episodes, len(at_risk), lengths, sizes, found, drop_pp)


def apply_shocks(paths: np.ndarray, shock: ShockParams | None, rng) -> np.ndarray:
    """Add recession episodes to simulated paths: each path draws its yearly rate from the Beta
    posterior; an episode starts with that probability in each year, lasts a length drawn from
    the observed lengths, and lowers growth in each of its years by a drawn observed size."""
    if shock is None or not shock.sizes or paths.shape[1] == 0:
        return paths
    n, h = paths.shape
    rate = rng.beta(shock.episodes + 0.5, shock.years_at_risk - shock.episodes + 0.5, size=n)
    start = rng.random((n, h)) < rate[:, None]
    lengths = np.asarray(shock.lengths)
    sizes = np.asarray(shock.sizes)
    hit = np.zeros((n, h), bool)
    L = lengths[rng.integers(0, len(lengths), size=(n, h))]
    for j in range(h):
        for k in range(int(lengths.max())):
            if j + k < h:
                hit[:, j + k] |= start[:, j] & (L[:, j] > k)
    delta = sizes[rng.integers(0, len(sizes), size=(n, h))]
    return paths + np.where(hit, delta, 0.0)


# --------------------------------------------------------------------------- period averages
def period_average(observed: list[float], paths: np.ndarray) -> np.ndarray:
    """Geometric-mean growth (%) over the observed years followed by each simulated path."""
    n_years = len(observed) + paths.shape[1]
    if n_years == 0:
        return np.full(paths.shape[0], np.nan)
    obs_factor = float(np.prod([max(1 + g / 100, 1e-9) for g in observed])) if observed else 1.0
    sim_factor = np.prod(np.clip(1 + paths / 100, 1e-9, None), axis=1)
    return ((obs_factor * sim_factor) ** (1 / n_years) - 1) * 100


def summarise(values: np.ndarray, low: float, high: float) -> dict:
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return {"median": None, "pi80": [None, None], "pi95": [None, None], "p_ge_low": None, "p_ge_high": None}
    q = np.percentile(values, [2.5, 10, 50, 90, 97.5])
    return {"median": round(float(q[2]), 4), "pi80": [round(float(q[1]), 4), round(float(q[3]), 4)],
            "pi95": [round(float(q[0]), 4), round(float(q[4]), 4)],
            "p_ge_low": round(float(np.mean(values >= low)), 4), "p_ge_high": round(float(np.mean(values >= high)), 4)}


def required_growth(observed_in_period: list[float], n_years: int, target: float) -> float | None:
    """Average growth needed in each remaining year for the period average to reach ``target``."""
    left = n_years - len(observed_in_period)
    if left <= 0:
        return None
    f = float(np.prod([max(1 + g / 100, 1e-9) for g in observed_in_period])) if observed_in_period else 1.0
    return (((1 + target / 100) ** n_years / f) ** (1 / left) - 1) * 100
