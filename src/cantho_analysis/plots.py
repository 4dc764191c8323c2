"""Charts (seaborn on matplotlib). Each function returns a Figure and touches no file."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .safetext import mathtext_escape  # noqa: E402

from . import config  # noqa: E402
from .narrative import label, status_label  # noqa: E402
from .progress import trajectory  # noqa: E402

__all__ = ["indicator_chart", "status_heatmap", "STATUS_ORDER", "STATUS_COLORS"]

STATUS_ORDER = list(config.STATUS_ORDER)
STATUS_COLORS = config.STATUS_COLORS
_THEMED: list = []
FIG_STATUS_ORDER = ["official", "preliminary", "estimate", "plan_estimate"]
_TXT = {
    "en": {"year": "Year", "target": "target", "path": "target path", "period": "period average", "vintage": "vintage",
           "status": "figure status", "index": "index (base year = 100)", "avg": "target average growth"},
    "vi": {"year": "Năm", "target": "chỉ tiêu", "path": "lộ trình chỉ tiêu", "period": "bình quân giai đoạn",
           "vintage": "năm công bố", "status": "loại số liệu", "index": "chỉ số (năm gốc = 100)",
           "avg": "chỉ tiêu tăng bình quân"},
}


def _vintage(published: pd.Series) -> pd.Series:
    return published.fillna("").astype(str).str[:4].replace("", "?")


def indicator_chart(indicator: pd.Series, locality: str, actuals: pd.DataFrame, best: pd.DataFrame,
                    targets: pd.DataFrame, card: pd.DataFrame, lang: str = "en", fast: bool = False) -> plt.Figure:
    """Outcomes, target bands and target paths of one indicator in one locality.

    Every annual version of a figure is drawn, coloured by its status and shaped by its
    vintage (year published); the best-available series is joined by a line. Each target
    is a vertical bar (low to high) at its end year, with its path from the baseline as a
    dashed line; period averages are horizontal segments over their years. ``fast=True``
    (the interactive explorer) marks status by colour only and uses a fixed layout, which
    draws several times faster.
    """
    if not fast or not _THEMED:
        sns.set_theme(style="whitegrid", context="notebook")
        _THEMED.append(True)
    txt = _TXT[lang]
    iid = indicator["indicator_id"]
    fig, ax = plt.subplots(figsize=(8, 4.2) if fast else (9, 5))
    a = actuals[(actuals["indicator_id"] == iid) & (actuals["locality"] == locality)
                & actuals["subperiod"].fillna("year").isin(("year", "average", "each_year"))  # never a total
                & (actuals["reliability"].fillna("normal") != "low")].copy()
    annual = a[a["period_start"] == a["period_end"]].copy()
    if not annual.empty and fast:
        pal = dict(zip(FIG_STATUS_ORDER, sns.color_palette(n_colors=4)))
        for st, g in annual.groupby("status", sort=False):
            ax.scatter(g["period_start"].astype(int), g["value"].astype(float), s=36, color=pal.get(st, "grey"),
                       label=st, zorder=3)
    elif not annual.empty:
        annual["year"] = annual["period_start"].astype(int)
        annual[txt["status"]] = annual["status"]
        annual[txt["vintage"]] = _vintage(annual["published"])
        sns.scatterplot(data=annual, x="year", y="value", hue=txt["status"], style=txt["vintage"],
                        hue_order=[s for s in FIG_STATUS_ORDER if s in set(annual["status"])],
                        style_order=sorted(set(annual[txt["vintage"]])), s=70, ax=ax, zorder=3)
    b = best[(best["indicator_id"] == iid) & (best["locality"] == locality) & (best["period_start"] == best["period_end"])]
    if not b.empty:
        ax.plot(b["period_start"].astype(int), b["value"].astype(float), color="#333333", lw=1.2, zorder=2)
    periods = a[a["period_start"] < a["period_end"]]
    for _, r in periods.iterrows():
        ax.hlines(float(r["value"]), int(r["period_start"]) - 0.4, int(r["period_end"]) + 0.4, color="#6a51a3",
                  lw=1.5, alpha=0.6, zorder=2)
    if len(periods):
        ax.plot([], [], color="#6a51a3", lw=1.5, alpha=0.6, label=txt["period"])
    cards = card.set_index("target_id")
    tg = targets[(targets["indicator_id"] == iid) & (targets["locality"] == locality)]
    palette = sns.color_palette("tab10", n_colors=max(3, len(tg)))
    for i, (_, t) in enumerate(tg.iterrows()):
        c = cards.loc[t["target_id"]] if t["target_id"] in cards.index else None
        low, high = t["low"], t["high"]
        lo = float(low) if not pd.isna(low) else float(high)
        hi = float(high) if not pd.isna(high) else float(low)
        end = int(t["period_end"])
        color = palette[i % len(palette)]
        if t["target_kind"] == "average_growth":
            ax.fill_between([int(t["base_year"]) + 0.6, end + 0.4], lo, hi if hi > lo else lo + 0.05, color=color, alpha=0.18)
            ax.hlines([lo, hi], int(t["base_year"]) + 0.6, end + 0.4, color=color, lw=1, ls="--",
                      label=mathtext_escape(f"{t['plan']} ({txt['avg']})"))
            continue
        if fast:  # a bar and a marker draw much faster than an error-bar container
            ax.vlines(end, lo, hi, color=color, lw=2, zorder=4)
            ax.scatter([end], [(lo + hi) / 2], marker="D", s=36, color=color, zorder=4,
                       label=mathtext_escape(f"{t['plan']} ({txt['target']} {end})"))
        else:
            ax.errorbar([end], [(lo + hi) / 2], yerr=[[(hi - lo) / 2], [(hi - lo) / 2]], fmt="D", color=color,
                        capsize=6, ms=6, label=mathtext_escape(f"{t['plan']} ({txt['target']} {end})"), zorder=4)
        if c is not None and not pd.isna(c["baseline_year"]) and indicator["measure"] != "growth_rate":
            tr = trajectory(t, indicator["measure"], int(c["baseline_year"]), float(c["baseline_value"]))
            if not tr.empty:
                ax.plot(tr["year"], tr["path_low"], ls=":", color=color, lw=1.2)
                if not np.allclose(tr["path_low"], tr["path_high"], equal_nan=True):
                    ax.plot(tr["year"], tr["path_high"], ls=":", color=color, lw=1.2)
    if locality == "can_tho_merged" or locality in ("can_tho_old", "soc_trang", "hau_giang"):
        ax.axvline(2025.5, color="#999999", lw=0.8, ls="-.")
    years = list(a["period_start"].astype(int)) + list(a["period_end"].astype(int)) + list(tg["period_end"].astype(int))
    if years:  # one data point must not stretch the axis over two centuries
        ax.set_xlim(min(years) - 1, max(max(years) + 1, min(years) + 4))
    ax.set_xlabel(txt["year"])
    unit = indicator["unit_vi"] if lang == "vi" and "unit_vi" in indicator else indicator["unit"]
    ax.set_ylabel(mathtext_escape(unit))
    if not fast:  # the explorer prints the title above the chart in HTML
        ax.set_title(mathtext_escape(f"{label(indicator, lang)}\n{config.LOCALITY_NAMES[locality][lang]}"), fontsize=11)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    handles, labels = ax.get_legend_handles_labels()
    if fast:
        # the explorer shows the legend as HTML: drawing it costs as much as the rest of the chart
        fig.legend_entries = [(lab.replace("\\$", "$"), matplotlib.colors.to_hex(_handle_color(h))) for h, lab in zip(handles, labels)]
        fig.subplots_adjust(left=0.09, right=0.97, top=0.96, bottom=0.12)
    elif handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    if not fast:
        fig.tight_layout()
    return fig


def _handle_color(h):
    """The colour of a legend handle (line, collection or error-bar container)."""
    for getter in ("get_color", "get_facecolor", "get_edgecolor"):
        obj = h[0] if isinstance(h, tuple) or h.__class__.__name__ == "ErrorbarContainer" else h
        f = getattr(obj, getter, None)
        if f is not None:
            c = f()
            if hasattr(c, "__len__") and len(c) and not isinstance(c, str) and hasattr(c[0], "__len__"):
                c = c[0]
            try:
                return matplotlib.colors.to_rgba(c)
            except (ValueError, TypeError):
                continue
    return (0.5, 0.5, 0.5, 1)


def status_heatmap(card: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> plt.Figure:
    """Number of targets by plan (rows) and status (columns)."""
    sns.set_theme(style="white", context="notebook")
    counts = card.groupby(["plan", "status"]).size().unstack(fill_value=0)
    cols = [s for s in STATUS_ORDER if s in counts.columns]
    counts = counts.reindex(columns=cols)
    order = [p for p in plans["plan"] if p in counts.index] if not plans.empty else list(counts.index)
    counts = counts.reindex(order)
    counts.index = [mathtext_escape(p) for p in counts.index]
    counts.columns = [status_label(s, lang) for s in counts.columns]
    fig, ax = plt.subplots(figsize=(1.2 * len(cols) + 3, 0.5 * len(counts) + 1.5))
    sns.heatmap(counts, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title("Targets by plan and status" if lang == "en" else "Chỉ tiêu theo văn bản và tình trạng", fontsize=11)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return fig
