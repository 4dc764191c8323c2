"""Charts of the feasibility study (seaborn on matplotlib); every label goes through ``text.t``."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..i18n import t as msg
from ..plots import value_formatter
from ..safetext import mathtext_escape
from .text import model_name, num, reader_pct, t

__all__ = ["fan_chart", "average_fan_chart", "distribution_chart", "coverage_chart", "history_chart",
           "sensitivity_chart", "running_average", "recent_average"]

def _l(key: str, lang: str, **kw) -> str:
    return mathtext_escape(t(f"chart.{key}", lang, **kw))


def _p(key: str, lang: str, **kw) -> str:
    """A label of the page's own charts (``locales/*/feasibility_page.yaml``)."""
    return mathtext_escape(msg(f"feasibility_page.chart.{key}", lang, **kw))


def running_average(paths: np.ndarray, years: list[int], period_years: list[int], observed: dict) -> np.ndarray:
    """The geometric average growth from the period's first year to each of its years, per path
    (``n x len(period_years)``): observed years as observed, the others from ``paths`` (columns ``years``)."""
    n = len(paths) if len(paths) else 1
    cols = []
    for y in period_years:
        if y in observed:
            cols.append(np.full(n, float(observed[y])))
        elif y in years:
            cols.append(paths[:, years.index(y)])
        else:
            cols.append(np.full(n, np.nan))
    m = np.column_stack(cols) if cols else np.zeros((n, 0))
    k = np.arange(1, m.shape[1] + 1)
    return (np.cumprod(1 + m / 100, axis=1) ** (1 / k) - 1) * 100


def recent_average(history: pd.DataFrame, k: int = 5) -> tuple[int, int, float] | None:
    """The geometric average of the last ``k`` growth figures of the series: (first year, last year, % a year)."""
    h = history.dropna(subset=["value"]).sort_values("year").tail(k)
    if len(h) < min(k, 3):
        return None
    v = (np.prod(1 + h["value"].to_numpy(float) / 100) ** (1 / len(h)) - 1) * 100
    return int(h["year"].iloc[0]), int(h["year"].iloc[-1]), float(v)


def average_fan_chart(r, lang: str = "en"):
    """The average so far: growth averaged from the period's first year to each year, its fan across
    the ensemble's paths, against the target (what the decision is about)."""
    sns.set_theme(style="whitegrid", context="notebook")
    p = r.params
    s, lo, hi = p["start_year"], p["target_low"], p["target_high"]
    fig, ax = plt.subplots(figsize=(9, 4.6))
    pd_ = r.period
    years = list(pd_.period_years)
    paths = r.ensemble.paths
    if years and (len(paths) or pd_.observed):
        avg = running_average(paths, list(pd_.sim_years), years, pd_.observed)
        q = np.nanpercentile(avg, [2.5, 10, 50, 90, 97.5], axis=0)
        ax.fill_between(years, q[0], q[4], color="#c6dbef", label=_p("avg_band95", lang))
        ax.fill_between(years, q[1], q[3], color="#6baed6", label=_p("avg_band80", lang))
        ax.plot(years, q[2], color="#08519c", lw=2, marker="o", label=_p("avg_median", lang))
        last = q[2][-1]
        ax.annotate(f"{num(last, lang)} %", (years[-1], last), xytext=(6, -4), textcoords="offset points",
                    fontsize=9, color="#08519c")
    ax.axhspan(lo, hi, color="#d62728", alpha=0.15)
    ax.axhline(lo, color="#d62728", lw=1.6, label=_p("avg_target", lang, lo=num(lo, lang)))
    rec = recent_average(r.history)
    if rec:
        ax.axhline(rec[2], color="#636363", lw=1.2, ls="--",
                   label=_p("avg_recent", lang, a0=rec[0], a1=rec[1], v=num(rec[2], lang, 2)))
    ax.set_xticks(years)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.6) if years else None
    ax.set_xlabel(_p("avg_year", lang, s0=s + 1))
    ax.set_ylabel(_p("avg_y", lang, s=s + 1))
    ax.yaxis.set_major_formatter(value_formatter(lang))  # 9,5 in Vietnamese, a true minus sign
    ax.set_title(_p("avg_title", lang, s0=s + 1, lo=num(lo, lang)), fontsize=10.5, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def fan_chart(r, lang: str = "en", ax=None):
    """Observed growth and the ensemble's fan of annual growth for the remaining years."""
    sns.set_theme(style="whitegrid", context="notebook")
    own = ax is None
    fig, ax = (plt.subplots(figsize=(9, 4.8)) if own else (ax.figure, ax))
    h = r.history.dropna(subset=["value"])
    pub, der = h[h["source"] == "published"], h[h["source"] == "derived"]
    ax.plot(h["year"], h["value"], color="#333", lw=1.2, zorder=3)
    ax.scatter(pub["year"], pub["value"], color="#1f77b4", zorder=4, label=_l("hist", lang))
    ax.scatter(der["year"], der["value"], facecolors="white", edgecolors="#1f77b4", zorder=4, label=_l("der", lang))
    paths = r.ensemble.paths
    if paths.shape[1] and len(paths):
        yrs = np.array(r.period.sim_years)
        q = np.percentile(paths, [2.5, 10, 50, 90, 97.5], axis=0)
        ax.fill_between(yrs, q[0], q[4], color="#9ecae1", alpha=0.5, label=_l("fan95", lang))
        ax.fill_between(yrs, q[1], q[3], color="#4292c6", alpha=0.5, label=_l("fan80", lang))
        ax.plot(np.r_[h["year"].iloc[-1], yrs], np.r_[h["value"].iloc[-1], q[2]], color="#08519c", ls="--", lw=1.5,
                label=_l("median", lang))
    s, e = r.params["start_year"], r.params["end_year"]
    ax.fill_between([s + 0.5, e + 0.5], r.params["target_low"], r.params["target_high"], color="#d62728", alpha=0.25,
                    label=_l("target", lang))
    ax.set_xlabel(_l("year", lang))
    ax.set_ylabel(_l("growth", lang))
    ax.yaxis.set_major_formatter(value_formatter(lang))
    ax.set_title(_l("title", lang, s=s, e=e), fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    if own:
        fig.tight_layout()
    return fig


def distribution_chart(r, lang: str = "en"):
    """The distribution of the period's average growth, per model and for the ensemble."""
    sns.set_theme(style="whitegrid", context="notebook")
    rows = [pd.DataFrame({"model": mathtext_escape(model_name(m.name, lang)) + (f" ({num(m.weight * 100, lang, 0)} %)"
                                                                              if m.weight else ""),
                          "average": m.averages})
            for m in r.models + [r.ensemble] if m.status == "ok" and len(m.averages)]
    fig, ax = plt.subplots(figsize=(9, 4.6))
    if rows:
        df = pd.concat(rows, ignore_index=True)
        sns.boxplot(data=df, y="model", x="average", whis=(2.5, 97.5), showfliers=False, ax=ax, color="#c6dbef")
    ax.axvspan(r.params["target_low"], r.params["target_high"], color="#d62728", alpha=0.25)
    ax.axvline(r.params["target_low"], color="#d62728", lw=1)
    ax.set_xlabel(_l("avg", lang, s=r.params["start_year"] + 1, e=r.params["end_year"]))
    ax.xaxis.set_major_formatter(value_formatter(lang))
    ax.set_ylabel("")
    ax.set_title(_p("dist_title", lang, s=r.params["start_year"] + 1, e=r.params["end_year"]), fontsize=10.5, loc="left")
    fig.tight_layout()
    return fig


def coverage_chart(r, lang: str = "en"):
    """The ensemble's backtest coverage (80 % and 95 %, one year and period average) by group."""
    sns.set_theme(style="whitegrid", context="notebook")
    eb = r.ensemble_backtest
    if "weights" in eb.columns:  # the out-of-sample one: weights from what was known at each origin
        eb = eb[eb["weights"] == "known_at_origin"]
    fig, ax = plt.subplots(figsize=(9, 4))
    if not eb.empty:
        rows = []
        for _, g in eb.iterrows():
            for lvl in (80, 95):
                for hz, lab in (("1y", "one"), ("avg", "avgh")):
                    rows.append({"group": f"{_l('group.' + g['group'], lang)} (n={g['origins']})",
                                 "what": f"{lvl} % · {_l(lab, lang)}", "coverage": g[f"coverage{lvl}_{hz}"] * 100})
        sns.barplot(data=pd.DataFrame(rows), x="group", y="coverage", hue="what", ax=ax, palette="Blues")
    ax.axhline(80, color="#d62728", ls="--", lw=1, label=_l("cov_80", lang))
    ax.axhline(95, color="#7f0000", ls=":", lw=1, label=_l("cov_95", lang))
    ax.axhspan(70, 90, color="#d62728", alpha=0.07)
    ax.set_ylim(0, 105)
    ax.set_ylabel(_l("cov_y", lang) + " (%)")
    ax.yaxis.set_major_formatter(value_formatter(lang))
    ax.set_xlabel("")
    ax.set_title(_l("cov_title", lang), fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def history_chart(r, lang: str = "en"):
    """P(average >= target low) as known in each year."""
    sns.set_theme(style="whitegrid", context="notebook")
    h = pd.DataFrame(r.history_asof)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    if not h.empty:
        ok = h.dropna(subset=["p_ge_low"])
        ax.plot(ok["as_of"], ok["p_ge_low"] * 100, marker="o", color="#08519c")
        for _, row in h[h["p_ge_low"].isna()].iterrows():  # a year with too few observations for any model
            ax.annotate(textwrap.fill(_l("no_model", lang), 14), (row["as_of"], 0), xytext=(0, 4),
                        textcoords="offset points", ha="center", va="bottom", fontsize=8, color="#555555")
        ax.set_xticks(h["as_of"])
        # room for the words of a first year without a probability inside the axes, off the value axis's labels
        ax.set_xlim(h["as_of"].min() - 0.5, h["as_of"].max() + 0.3)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(_l("asof", lang))
    ax.set_ylabel(_l("p", lang))
    ax.yaxis.set_major_formatter(value_formatter(lang))
    ax.set_title(_l("hist_title", lang, lo=num(r.params["target_low"], lang)), fontsize=11)
    fig.tight_layout()
    return fig


def sensitivity_chart(r, lang: str = "en"):
    """Heat map of P(average >= target low) by Vietnam's growth and the city–Vietnam gap (cells
    labelled as whole percentages for readers, ``text.reader_pct``)."""
    sns.set_theme(style="white", context="notebook")
    g = pd.DataFrame((r.sensitivity or {}).get("vietnam_x_gap", []))
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    if not g.empty:
        g = g.set_index("vietnam_growth")
        gap = ((r.sensitivity or {}).get("vietnam_x_gap_note") or {}).get("gap_estimated") or {}
        where = lambda c: (gap.get("mean") or 0.0) if c == "estimated" else float(c)  # noqa: E731
        g = g[sorted(g.columns, key=lambda c: (where(c), c == "estimated"))]
        labels = g.apply(lambda col: [mathtext_escape(reader_pct(v, lang, cell=True)) if v == v and v is not None else "—"
                                      for v in col])
        g.index = [num(v, lang) for v in g.index]
        g.columns = [textwrap.fill(gap_label(c, gap.get("mean"), lang), 16) for c in g.columns]
        sns.heatmap(g.astype(float) * 100, annot=labels.to_numpy(), fmt="", cmap="Blues", vmin=0, vmax=100, ax=ax,
                    cbar=False, linewidths=0.5, linecolor="white", annot_kws={"fontsize": 10})
        plt.setp(ax.get_xticklabels(), rotation=0, fontsize=9)
        plt.setp(ax.get_yticklabels(), rotation=0)
    ax.set_ylabel(_l("vn", lang, s=r.params["start_year"] + 1, e=r.params["end_year"]))
    ax.set_xlabel(_l("gap", lang))
    ax.set_title(_l("sens_title", lang, lo=num(r.params["target_low"], lang)), fontsize=10)
    fig.tight_layout()
    return fig


def gap_label(col: str, estimated: float | None, lang: str) -> str:
    """A column of the sensitivity grid (``-1``, ``+0``, ``+1``, ``estimated``) in words."""
    key = {"-1": "minus", "+0": "zero", "0": "zero", "+1": "plus"}.get(str(col))
    if key:
        return mathtext_escape(msg(f"feasibility_page.gap.{key}", lang))
    if str(col) == "estimated":
        return mathtext_escape(msg("feasibility_page.gap.estimated", lang, g=num(estimated, lang)))
    return mathtext_escape(str(col))
