"""Charts (seaborn on matplotlib). Each function returns a Figure and touches no file.

One visual language in every report: a figure's status (official, preliminary, estimate, plan
estimate) is a shade of one hue (``config.FIGURE_COLORS``); targets are drawn in a neutral colour
(``config.TARGET_COLOR``) with their own open marker shapes, target paths thin and dashed (a path is
what the target implies, not a forecast). Totals over several years (cumulative targets, published
period totals) are never drawn among annual values: they are listed in a box under the chart.
Every word comes from the message catalogue (``locales/*/chart.yaml``, ``status.yaml``); numbers on
the value axis follow the page's language (9,5 and 43.000 in Vietnamese) and carry a true minus
sign (U+2212, ``axis_number``) as matplotlib's own formatters do under ``axes.unicode_minus``.
"""

from __future__ import annotations

import textwrap
from functools import partial

import matplotlib
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from . import config, theme  # noqa: E402
from .i18n import t  # noqa: E402
from .narrative import _unit, fmt, label, status_label  # noqa: E402
from .progress import trajectory  # noqa: E402
from .safetext import mathtext_escape  # noqa: E402

__all__ = ["indicator_chart", "status_heatmap", "STATUS_ORDER", "STATUS_COLORS", "FIGURE_COLORS", "plan_short_names",
           "history_start", "value_axis_range", "LOOKBACK_YEARS", "axis_number", "value_formatter", "MINUS"]

STATUS_ORDER = list(config.STATUS_ORDER)
STATUS_COLORS = config.STATUS_COLORS
FIGURE_COLORS = config.FIGURE_COLORS
FIG_STATUS_ORDER = list(config.FIGURE_STATUS_ORDER)
MERGER_X = 2025.5  # between 2025 and 2026: the units merged on 1 July 2025
_OLD_OR_MERGED = ("can_tho_old", "soc_trang", "hau_giang", "can_tho_merged")
_AVERAGE_MEASURES = ("growth_rate", "share", "ratio")  # a period figure of these is an average, else a total
_THEMED: list = []
LOOKBACK_YEARS = 5  # history drawn before the earliest baseline on the chart: one five-year plan term
LEVEL_MEASURES = ("level", "count")  # amounts: their value axis starts at zero
MIN_RELATIVE_SPAN = 0.2  # other measures: the value axis spans at least 20 % of the largest value shown
# a bound is a filled triangle whose base is on the value and whose tip points where the figure lies
# target bands: an opaque light tint of the target colour drawn under the grid (two bands that overlap
# look like one, never darker), told apart by the line style of their edges; a faded target's lighter
BAND_TINT, BAND_FADED = "#ebebeb", "#f5f5f5"
_BAND_STYLES = ("--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)))
# targets the scorecard no longer assesses as live commitments: drawn thin and light, said in the legend
FADED_STATUSES = ("superseded", "copied_text")
_BOUND_MARKERS = {"lower_bound": [(-1, 0), (1, 0), (0, 1.6), (-1, 0)], "upper_bound": [(-1, 0), (1, 0), (0, -1.6), (-1, 0)]}


MINUS = "\u2212"  # the minus sign of typeset numbers; a hyphen reads as a dash on an axis


def axis_number(v: float, lang: str) -> str:
    """A tick label: ``v`` in the page's number format (9,5 and 43.000 in Vietnamese) with a true
    minus sign (U+2212) in front of a negative number whenever matplotlib's ``axes.unicode_minus``
    is on (its default, and what our theme sets), as matplotlib's own formatters do."""
    s = fmt(v, lang)
    if s.startswith("-") and matplotlib.rcParams["axes.unicode_minus"]:
        s = MINUS + s[1:]
    return s


def value_formatter(lang: str) -> matplotlib.ticker.FuncFormatter:
    """The value axis's tick formatter in the page's language (``axis_number``)."""
    return matplotlib.ticker.FuncFormatter(lambda v, _p: axis_number(v, lang))


def _theme(style: str = "whitegrid") -> None:
    """The charts' one look: seaborn's white grid (its settings, without importing seaborn: theme.py),
    with the true minus sign on every axis."""
    theme.apply(style)
    matplotlib.rcParams["axes.unicode_minus"] = True


def history_start(targets: pd.DataFrame, figure_years) -> int | None:
    """The first year an indicator chart draws: ``LOOKBACK_YEARS`` before the earliest baseline
    (``base_year``) of the targets on the chart, or, with no target, before the latest figure's
    year minus ``LOOKBACK_YEARS`` (the last eleven years). Earlier figures are left to the table and
    the download, so that a series reaching back to 1993 does not squeeze the plan years into a
    sliver. ``None`` when there is neither a target nor a figure."""
    bases = pd.to_numeric(targets["base_year"], errors="coerce").dropna() if "base_year" in targets else pd.Series([], dtype=float)
    if bases.empty and "period_start" in targets:
        bases = pd.to_numeric(targets["period_start"], errors="coerce").dropna() - 1
    if not bases.empty:
        return int(bases.min()) - LOOKBACK_YEARS
    years = pd.to_numeric(pd.Series(list(figure_years)), errors="coerce").dropna()
    return int(years.max()) - 2 * LOOKBACK_YEARS if not years.empty else None


def value_axis_range(y0: float, y1: float, measure: str, data_min: float | None = None,
                     data_max: float | None = None) -> tuple[float, float]:
    """The value axis of an indicator chart from the automatic limits ``y0``–``y1`` (data limits
    ``data_min``–``data_max``), so that small differences are not magnified: an amount
    (``LEVEL_MEASURES``) with no negative value starts at zero and leaves 8 % of room above its
    largest value (19,300 and 19,400 look as close as they are); any other measure spans at least
    ``MIN_RELATIVE_SPAN`` of the largest absolute value, widened about its middle."""
    lo = y0 if data_min is None else data_min
    if str(measure) in LEVEL_MEASURES and lo >= 0:
        top = y1 if data_max is None else data_max
        return 0.0, max(y1, top * 1.08, 1e-9)
    span, need = y1 - y0, MIN_RELATIVE_SPAN * max(abs(y0), abs(y1))
    if span < need:
        mid = (y0 + y1) / 2
        return mid - need / 2, mid + need / 2
    return y0, y1


def plan_short_names(plans: pd.DataFrame | None, lang: str) -> dict:
    """Plans by their short title (``short_vi``/``short_en`` of plans.csv), else their name."""
    if plans is None or plans.empty:
        return {}
    for col in (f"short_{lang}", f"name_{lang}"):
        if col in plans:
            return {p: (s if isinstance(s, str) and s else p) for p, s in zip(plans["plan"], plans[col])}
    return {}


def _figure_word(status: str, lang: str) -> str:
    key = f"status.figure.{status}"
    try:
        return t(key, lang)
    except KeyError:
        return str(status)


def _bounds(tg: pd.Series) -> tuple[float, float]:
    low, high = tg["low"], tg["high"]
    lo = float(low) if not pd.isna(low) else float(high)
    hi = float(high) if not pd.isna(high) else float(low)
    return lo, hi


def _value_text(lo: float, hi: float, lang: str) -> str:
    return axis_number(lo, lang) if lo == hi else f"{axis_number(lo, lang)}–{axis_number(hi, lang)}"


def _target_text(tg: pd.Series, lang: str) -> str:
    """A target's value as a reader states it: "< 0,5" (dưới), "≥ 9,5" (từ … trở lên), "≈ 40",
    "7,5–8" or "23.000", so that a one-sided target drawn as a marker is not read as a point."""
    lo, hi = _bounds(tg)
    strict = str(tg.get("strict", "no")) == "yes"
    bound = str(tg.get("bound", "range"))
    if bound == "at_least":  # a no-break space: the sign is never wrapped away from its number
        return f"{'>' if strict else '≥'}\u00a0{axis_number(lo, lang)}"
    if bound == "at_most":
        return f"{'<' if strict else '≤'}\u00a0{axis_number(hi, lang)}"
    if bound == "about":
        return f"≈\u00a0{axis_number(lo, lang)}"
    return _value_text(lo, hi, lang)


def indicator_chart(indicator: pd.Series, locality: str, actuals: pd.DataFrame, best: pd.DataFrame,
                    targets: pd.DataFrame, card: pd.DataFrame, lang: str = "en", fast: bool = False,
                    plans: pd.DataFrame | None = None) -> plt.Figure:
    """Outcomes, targets and target paths of one indicator in one locality.

    The chart starts ``LOOKBACK_YEARS`` before the earliest baseline of its targets
    (``history_start``); earlier figures are named in a note under it (they are in the page's table
    and download). Every annual version of a figure is a filled circle in the colour of its status;
    a bound ("trên 306.000") is a triangle on its value pointing where the figure lies, left out
    (and named in the note) when a point figure of the same year exists; a figure printed as a
    range is a bar with caps. The best-available series is joined by a grey line only between
    consecutive years, never across a missing year or through a bound. The value axis of an amount
    starts at zero, and no axis magnifies a small difference (``value_axis_range``). A published
    average over several years is a labelled horizontal segment. Each target is an open marker in the neutral target colour
    (one shape per target) with a bar from low to high at its end year, and its path from the
    baseline a thin dashed line; an average-growth or every-year target is a hatched band over
    its years. Totals over several years are listed in a box under the chart. The 1 July 2025
    merger is a labelled vertical line. ``plans`` gives the plans' short titles for the legend.
    ``fast=True`` (the interactive explorer) leaves the legend and title out and gives the
    legend as ``fig.legend_entries`` (label, colour) for HTML instead.
    """
    if not fast or not _THEMED:
        _theme()
        _THEMED.append(True)
    iid = indicator["indicator_id"]
    unit = _unit(indicator, lang)
    names = plan_short_names(plans, lang)
    averages = str(indicator.get("measure")) in _AVERAGE_MEASURES
    fig, ax = plt.subplots(figsize=(8, 4.2) if fast else (9, 5))
    a = actuals[(actuals["indicator_id"] == iid) & (actuals["locality"] == locality)
                & actuals["subperiod"].fillna("year").isin(("year", "average", "each_year", "total"))
                & (actuals["reliability"].fillna("normal") != "low")].copy()
    tg = targets[(targets["indicator_id"] == iid) & (targets["locality"] == locality)]
    notes: list[str] = []  # what the chart leaves out, written under it
    w0 = history_start(tg, a["period_end"])
    if w0 is not None and (a["period_start"] < w0).any():  # one window for every chart (history_start)
        notes.append(t("chart.earlier", lang, year=w0, first=int(a["period_start"].min()),
                       n=int((a["period_start"] < w0).sum())))
        a = a[a["period_start"] >= w0]
    annual = a[a["period_start"] == a["period_end"]]
    kinds = annual["value_kind"].fillna("exact") if "value_kind" in annual else pd.Series("exact", index=annual.index)
    ranged = (kinds == "range_midpoint") & annual.get("value_low", pd.Series(index=annual.index, dtype=float)).notna() \
        & annual.get("value_high", pd.Series(index=annual.index, dtype=float)).notna()
    special = kinds.isin(tuple(_BOUND_MARKERS)) | ranged  # not points: drawn as bounds and ranges
    dots = annual[~special]
    covered = kinds.isin(tuple(_BOUND_MARKERS)) & annual["period_start"].isin(set(annual.loc[~special, "period_start"]))
    if covered.any():  # a bound beside a point figure of the same year says less than the point: named, not drawn
        sign = {"lower_bound": ">", "upper_bound": "<"}
        notes.append(t("chart.bounds_left_out", lang, bounds=", ".join(
            f"{sign[k]}\u00a0{axis_number(float(v), lang)} ({int(y)})" for k, v, y in
            zip(kinds[covered], annual.loc[covered, "value"], annual.loc[covered, "period_start"]))))
        annual, kinds, special = annual[~covered], kinds[~covered], special[~covered]
    for st in FIG_STATUS_ORDER + sorted(set(dots["status"]) - set(FIG_STATUS_ORDER)):
        g = dots[dots["status"] == st]
        if g.empty:
            continue
        ax.scatter(g["period_start"].astype(int), g["value"].astype(float), s=44, zorder=4, clip_on=False,
                   color=FIGURE_COLORS.get(st, "#9ecae1"), edgecolors=config.FIGURE_EDGE, linewidths=0.6,
                   label=mathtext_escape(_figure_word(st, lang)))
    _draw_bounds_and_ranges(ax, annual[special], kinds[special], lang)
    b = best[(best["indicator_id"] == iid) & (best["locality"] == locality) & (best["period_start"] == best["period_end"])]
    b = b[b["period_start"] >= w0] if w0 is not None else b
    b = b.sort_values("period_start")
    _draw_best_line(ax, b, lang)
    periods = a[a["period_start"] < a["period_end"]].sort_values(["period_start", "period_end"])
    best_ids = set(best.loc[(best["indicator_id"] == iid) & (best["locality"] == locality), "actual_id"]) \
        if "actual_id" in best else set()
    boxed: list[str] = []
    totals: list[tuple[str, float, float, str | None]] = []  # label, low, high, figure status (None: a target)
    drawn_avg = drawn_other = False  # one legend entry for the averages used, one for their other versions
    placed: list[tuple[float, float, float, str]] = []  # period labels: x from, x to, value, text (once the axes are final)
    for (s0, s1), grp in periods.groupby(["period_start", "period_end"], sort=True):
        s0, s1 = int(s0), int(s1)
        chosen = grp[grp["actual_id"].isin(best_ids)] if "actual_id" in grp else grp.iloc[0:0]
        head = chosen.iloc[-1] if len(chosen) else grp.iloc[-1]
        sub = str(head.get("subperiod") or "year")
        if sub == "total" or (sub == "year" and not averages):  # a total over several years is not a point among annual values
            totals.append((t("chart.panel_figure", lang, start=s0, end=s1, status=_figure_word(str(head["status"]), lang)),
                           float(head["value"]), float(head["value"]), str(head["status"])))
            boxed.append(t("chart.total_figure", lang, start=s0, end=s1, value=f"{axis_number(float(head['value']), lang)} {unit}",
                           status=_figure_word(str(head["status"]), lang)))
            continue
        for _, r in grp.iterrows():  # every version; the one used is thicker and labelled
            main = r["actual_id"] == head["actual_id"] if "actual_id" in r else True
            if not main and float(r["value"]) == float(head["value"]):
                continue  # the same value again would be an invisible line with a legend entry
            ax.hlines(float(r["value"]), s0 - 0.4, s1 + 0.4, color=FIGURE_COLORS.get(str(r["status"]), "#9ecae1"),
                      lw=2.6 if main else 1.4, alpha=1 if main else 0.75, zorder=3,
                      label=(None if drawn_avg else t("chart.period_avg", lang)) if main
                      else (None if drawn_other else t("chart.period_avg_other", lang)))
            drawn_avg, drawn_other = drawn_avg or main, drawn_other or not main
        placed.append((s0 - 0.4, s1 + 0.4, float(head["value"]),
                       t("chart.period_label", lang, start=s0, end=s1, value=axis_number(float(head["value"]), lang))))
    cards = card.set_index("target_id") if "target_id" in card else pd.DataFrame()
    tc = config.TARGET_COLOR
    path_drawn = False
    markers = config.TARGET_MARKERS
    k = kb = 0  # the next marker shape, the next band edge style
    tg, plans_of, faded = _group_targets(tg, cards, names)
    points = tg[~tg["target_kind"].isin(["cumulative", "change", "average_growth"])
                & ~((tg["target_kind"] == "annual_value") & (tg["period_start"] < tg["period_end"]))]
    same_year: dict[int, list] = {}
    for tid, e in zip(points["target_id"], points["period_end"]):
        same_year.setdefault(int(e), []).append(tid)
    for _, tr_ in tg.iterrows():
        lo, hi = _bounds(tr_)
        start, end = int(tr_["period_start"]), int(tr_["period_end"])
        plan = plans_of[tr_["target_id"]]
        kind = str(tr_["target_kind"])
        thin = tr_["target_id"] in faded  # no longer a live commitment: thin and light, and the legend says why
        legend = partial(_target_legend, lang=lang, faded=faded.get(tr_["target_id"]))
        if kind in ("cumulative", "change"):
            line = t(f"chart.{kind}", lang, plan=plan, value=_value_text(lo, hi, lang), unit=unit, start=start, end=end)
            years = b[(b["period_start"] >= start) & (b["period_start"] <= end)]
            if kind == "cumulative" and len(years):
                line += t("chart.cumulative_sum", lang, n=len(years), m=end - start + 1,
                          total=f"{axis_number(float(years['value'].astype(float).sum()), lang)} {unit}")
            boxed.insert(0, line)
            totals.insert(0, (t("chart.panel_target", lang, plan=plan, start=start, end=end), lo, hi, None))
            continue
        if kind == "average_growth" or (kind == "annual_value" and start < end):
            x0 = int(tr_["base_year"]) + 0.6 if kind == "average_growth" else start - 0.4
            key = "chart.target_avg" if kind == "average_growth" else "chart.target_annual"
            lab = t(key, lang, plan=plan, start=int(tr_["base_year"]) + 1 if kind == "average_growth" else start, end=end,
                    value=_target_text(tr_, lang))
            if hi > lo:  # an opaque tint under the grid: overlapping bands do not darken each other
                ax.fill_between([x0, end + 0.4], lo, hi, facecolor=BAND_FADED if thin else BAND_TINT, edgecolor="none",
                                lw=0, zorder=0.4)
            ax.hlines([lo, hi] if hi > lo else [lo], x0, end + 0.4, color=tc, lw=0.7 if thin else 1.3,
                      alpha=0.55 if thin else 1, ls=_BAND_STYLES[kb % len(_BAND_STYLES)], zorder=2, label=legend(lab))
            kb += 1
            continue
        m = markers[k % len(markers)]
        k += 1
        mid = (lo + hi) / 2
        group = same_year.get(end, [tr_["target_id"]])
        x = end + 0.16 * (group.index(tr_["target_id"]) - (len(group) - 1) / 2)  # side by side, not on top
        ink = {"color": tc, "alpha": 0.55 if thin else 1}
        if hi > lo:
            ax.vlines(x, lo, hi, lw=0.9 if thin else 1.6, zorder=5, clip_on=False, **ink)
            ax.hlines([lo, hi], x - 0.1, x + 0.1, lw=0.9 if thin else 1.6, zorder=5, clip_on=False, **ink)
        ax.scatter([x], [mid], marker=m, s=38 if thin else 46, facecolors="white", edgecolors=tc,
                   linewidths=0.8 if thin else 1.4, alpha=ink["alpha"], zorder=6, clip_on=False,
                   label=legend(t("chart.target", lang, plan=plan, end=end, value=_target_text(tr_, lang))))
        c = cards.loc[tr_["target_id"]] if tr_["target_id"] in cards.index else None
        if c is not None and not pd.isna(c["baseline_year"]) and indicator["measure"] != "growth_rate":
            tr = trajectory(tr_, indicator["measure"], int(c["baseline_year"]), float(c["baseline_value"]))
            if not tr.empty:
                lab = None if path_drawn else t("chart.path", lang)
                ax.plot(tr["year"], tr["path_low"], ls=(0, (4, 3)), color=tc, lw=0.9, alpha=0.7, zorder=2, label=lab)
                if not np.allclose(tr["path_low"], tr["path_high"], equal_nan=True):
                    ax.plot(tr["year"], tr["path_high"], ls=(0, (4, 3)), color=tc, lw=0.9, alpha=0.7, zorder=2)
                path_drawn = True
    if totals and not ax.has_data():  # only totals: a panel of totals, not an empty time axis
        plt.close(fig)
        return _totals_chart(indicator, locality, totals, boxed, lang, fast)
    years = (list(annual["period_start"].astype(int)) + list(periods["period_start"].astype(int))
             + list(periods["period_end"].astype(int)) + [int(x) for x in tg["period_end"]]
             + [int(x) + 1 for x in tg.loc[tg["target_kind"] == "average_growth", "base_year"]])
    if years:  # one data point must not stretch the axis over two centuries
        x0, x1 = min(years) - 0.8, max(max(years) + 0.8, min(years) + 4)
        ax.set_xlim(x0, x1)
        if locality in _OLD_OR_MERGED and x0 < MERGER_X < x1:
            ax.axvline(MERGER_X, color="#8c8c8c", lw=0.9, ls="-.", zorder=1)
            # at the foot of the line: the plan years' target markers sit at the top
            ax.text(MERGER_X, 0.02, t("chart.merger", lang) + " ", transform=ax.get_xaxis_transform(), rotation=90,
                    va="bottom", ha="right", fontsize=7.5, color="#6e6e6e")
    ax.margins(y=0.12)
    ax.autoscale_view()
    y0, y1 = ax.get_ylim()
    ax.set_ylim(*value_axis_range(y0, y1, str(indicator.get("measure")), float(ax.dataLim.y0), float(ax.dataLim.y1)))
    ax.set_xlabel(t("chart.year", lang))
    ax.set_ylabel(mathtext_escape(unit))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: f"{int(round(v))}"))
    ax.yaxis.set_major_formatter(value_formatter(lang))
    if not fast:  # the explorer prints the title above the chart in HTML
        ax.set_title(mathtext_escape(f"{label(indicator, lang)}\n{config.LOCALITY_NAMES[locality][lang]}"), fontsize=11)
    handles, labels = ax.get_legend_handles_labels()
    fig.chart_notes = boxed + notes  # the totals and what is left out, under the chart
    if fast:
        # the explorer shows the legend as HTML: drawing it costs as much as the rest of the chart
        fig.legend_entries = [(lab.replace("\\$", "$"), matplotlib.colors.to_hex(_handle_color(h))) for h, lab in zip(handles, labels)]
        wide = max(len(axis_number(v, lang)) for v in ax.get_yticks())  # long tick labels (43.000) need a wider margin
        fig.subplots_adjust(left=min(0.2, 0.05 + 0.013 * wide), right=0.97, top=0.96, bottom=0.12)
        if boxed or notes:  # the fixed layout has no room below: the notes go in the upper left corner, above the data
            lines = ([t("chart.cumulative_head", lang)] + boxed if boxed else []) + notes
            y0, y1 = ax.get_ylim()
            ax.set_ylim(y0, y1 + (y1 - y0) * (0.12 + 0.1 * len(lines)))
            ax.text(0.01, 0.98, mathtext_escape("\n".join(textwrap.fill(x, 90) for x in lines)),
                    transform=ax.transAxes, va="top", ha="left", fontsize=7.5, zorder=8,
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": "#f4f4f4", "edgecolor": "#bdbdbd", "alpha": 0.9})
        _label_periods(ax, placed)  # once the axes have their final size and limits
        return fig
    fig.tight_layout()
    _label_periods(ax, placed)  # the legend and notes go outside the axes: its size is final
    below = 0.0  # the legend and the totals go under the chart, where long plan titles have room
    if handles:
        leg = ax.legend(handles, [textwrap.fill(x, 58) for x in labels], loc="upper left", bbox_to_anchor=(0, -0.16),
                        ncol=2 if len(handles) > 2 else 1, fontsize=8, frameon=False, borderaxespad=0)
        # the renderer measures the legend without drawing the figure (a draw costs a third of the chart)
        below = ax.transAxes.inverted().transform(leg.get_window_extent(fig.canvas.get_renderer()))[0][1]
    y = min(-0.16, below - 0.04)
    if notes:
        note = ax.text(0, y, mathtext_escape("\n".join(textwrap.fill(x, 115) for x in notes)), transform=ax.transAxes,
                       va="top", ha="left", fontsize=8, style="italic", color="#444444")
        y = ax.transAxes.inverted().transform(note.get_window_extent(fig.canvas.get_renderer()))[0][1] - 0.04
    if boxed:
        ax.text(0, y, mathtext_escape("\n".join(
            [t("chart.cumulative_head", lang)] + [textwrap.fill(x, 110) for x in boxed])),
                transform=ax.transAxes, va="top", ha="left", fontsize=8.5,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "#f4f4f4", "edgecolor": "#bdbdbd"})
    return fig


def _target_legend(text: str, lang: str, faded: str | None) -> str:
    """A target's legend entry; a faded one (``FADED_STATUSES``) says why it is drawn thin."""
    return mathtext_escape(t("chart.faded", lang, label=text, status=status_label(faded, lang)) if faded else text)


def _group_targets(tg: pd.DataFrame, cards: pd.DataFrame, names: dict) -> tuple[pd.DataFrame, dict, dict]:
    """The targets to draw, one per distinct target: plans that set the very same target (kind,
    years, baseline, value and side) share one marker or band whose legend names every plan, in
    the order they come. Returns the first row of each group, the legend's plan text by its
    ``target_id``, and the faded ones (``FADED_STATUSES``: every plan's target superseded or a copy)
    with the status to name."""
    if tg.empty:
        return tg, {}, {}
    cols = [c for c in ("target_kind", "period_start", "period_end", "base_year", "low", "high", "bound", "strict")
            if c in tg]
    key = tg[cols].astype(str).agg("|".join, axis=1)
    status_of = dict(zip(cards.index, cards["status"].astype(str))) if "status" in cards else {}
    firsts, plans_of, faded = [], {}, {}
    for _, g in tg.groupby(key, sort=False):
        tid = g["target_id"].iloc[0]
        firsts.append(g.index[0])
        plans_of[tid] = "; ".join(dict.fromkeys(str(names.get(p, p)) for p in g["plan"]))
        status = [status_of.get(x, "") for x in g["target_id"]]
        if status and all(st in FADED_STATUSES for st in status):
            faded[tid] = status[0]
    keep = set(firsts)
    return tg.loc[[i for i in tg.index if i in keep]], plans_of, faded


def _draw_bounds_and_ranges(ax, rows: pd.DataFrame, kinds: pd.Series, lang: str) -> None:
    """Annual figures that are not points: a bound ("trên 306.000") as a caret whose base is on the
    value, pointing where the figure lies, labelled "> 306.000" beside it; a figure printed as a range
    as a bar from its low to its high end. Both in the colour of their status."""
    for (kind, st), g in rows.groupby([kinds, rows["status"]], sort=True):
        color = FIGURE_COLORS.get(st, "#9ecae1")
        xs, vs = g["period_start"].astype(int), g["value"].astype(float)
        if kind in _BOUND_MARKERS:
            ax.scatter(xs, vs, marker=_BOUND_MARKERS[kind], s=90, zorder=4, clip_on=False, color=color,
                       edgecolors=config.FIGURE_EDGE, linewidths=0.6,
                       label=mathtext_escape(t(f"chart.{kind}", lang, status=_figure_word(st, lang))))
            sign = ">" if kind == "lower_bound" else "<"
            for x, v in zip(xs, vs):
                ax.annotate(f"{sign}\u00a0{axis_number(v, lang)}", (x, v), xytext=(-6, 0), textcoords="offset points",
                            ha="right", va="center", fontsize=7, color=config.FIGURE_EDGE, zorder=7)
        else:  # printed as a range (value_low and value_high known)
            lo, hi = g["value_low"].astype(float), g["value_high"].astype(float)
            ax.vlines(xs, lo, hi, color=color, lw=4, zorder=4, clip_on=False,
                      label=mathtext_escape(t("chart.range_figure", lang, status=_figure_word(st, lang))))
            for ends in (lo, hi):  # caps in the status colour: a narrow range stays visible
                ax.hlines(ends, xs - 0.14, xs + 0.14, color=color, lw=2.2, zorder=4, clip_on=False)


def _draw_best_line(ax, b: pd.DataFrame, lang: str) -> None:
    """Join the best-available annual figures in consecutive years; never across a year without a
    figure (the line breaks there) and never through a bound, which is not a value."""
    if "value_kind" in b:
        b = b[~b["value_kind"].isin(tuple(_BOUND_MARKERS))]
    if len(b) < 2:
        return
    s = pd.Series(b["value"].astype(float).to_numpy(), index=b["period_start"].astype(int).to_numpy())
    s = s[~s.index.duplicated(keep="last")]
    s = s.reindex(range(int(s.index.min()), int(s.index.max()) + 1))  # a missing year is NaN: the line breaks
    if not (s.notna() & s.shift().notna()).any():
        return  # no two consecutive years: nothing to join
    gaps = bool(s.isna().any())
    ax.plot(s.index, s.to_numpy(), color="#555555", lw=1.2, zorder=3,
            label=t("chart.best_gaps" if gaps else "chart.best", lang))


def _totals_chart(indicator, locality: str, totals: list, boxed: list[str], lang: str, fast: bool) -> plt.Figure:
    """Targets and figures that are totals over several years, as horizontal bars from zero: a
    target hatched in the neutral target colour (its range darker), a published total in the
    colour of its status, each with its value written at the end of the bar."""
    unit = _unit(indicator, lang)
    n = len(totals)
    fig, ax = plt.subplots(figsize=(8, 4.2) if fast else (9, 1.6 + 0.55 * n))
    tc = config.TARGET_COLOR
    top = max(hi for _, _, hi, _ in totals) or 1.0
    for i, (lab, lo, hi, status) in enumerate(totals):
        y = n - 1 - i
        if status is None:
            ax.barh(y, lo, left=0, height=0.55, facecolor="white", edgecolor=tc, hatch="///", lw=1.1)
            if hi > lo:
                ax.barh(y, hi - lo, left=lo, height=0.55, facecolor=tc, alpha=0.35, edgecolor=tc, lw=1.1)
        else:
            ax.barh(y, hi, left=0, height=0.55, color=FIGURE_COLORS.get(status, "#9ecae1"), edgecolor=config.FIGURE_EDGE,
                    lw=0.8)
        ax.text(hi + top * 0.01, y, mathtext_escape(_value_text(lo, hi, lang)), va="center", ha="left", fontsize=8.5)
    ax.set_yticks(range(n))
    ax.set_yticklabels([mathtext_escape(textwrap.fill(lab, 42)) for lab, *_ in reversed(totals)], fontsize=8.5)
    ax.set_xlim(0, top * 1.18)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlabel(mathtext_escape(unit))
    ax.xaxis.set_major_formatter(value_formatter(lang))
    fig.chart_notes = boxed
    if fast:
        fig.legend_entries = []
        fig.subplots_adjust(left=0.42, right=0.97, top=0.96, bottom=0.12)
        return fig
    ax.set_title(mathtext_escape(f"{label(indicator, lang)}\n{config.LOCALITY_NAMES[locality][lang]}\n")
                 + t("chart.cumulative_head", lang).rstrip(":"), fontsize=10.5)
    fig.tight_layout()
    return fig


def _label_periods(ax, labels: list[tuple[float, float, float, str]], fontsize: float = 7.5) -> None:
    """Write each period average's label next to its segment: just above or just below it, in its
    middle or at one of its ends, the nearest place that overlaps no other label, no plotted
    marker and no level line (band edges, other averages, range caps; text extents estimated from
    the font size, in display units, once the axes have their final size); a label never floats
    further than a few lines from its segment, and one not right beside it has a leader line to it."""
    if not labels:
        return
    ax.autoscale_view()
    to_px = ax.transData.transform
    pt = ax.figure.dpi / 72
    boxes: list[tuple[float, float, float, float]] = []
    r = 5 * pt  # about a marker's half width
    for coll in ax.collections:  # the figures' and targets' markers are obstacles too
        if isinstance(coll, matplotlib.collections.PathCollection) and len(coll.get_offsets()):
            for px, py in to_px(np.asarray(coll.get_offsets(), dtype=float)):
                boxes.append((px - r, py - r, px + r, py + r))
        elif isinstance(coll, matplotlib.collections.LineCollection):  # and the level lines: band edges, other averages
            for seg in coll.get_segments():
                if len(seg) < 2:
                    continue
                (xa, ya), (xb, yb) = to_px(np.asarray(seg, dtype=float)[[0, -1]])
                if abs(ya - yb) < 1 or abs(xa - xb) < 1:  # horizontal or vertical: as thick as a thin line
                    boxes.append((min(xa, xb), min(ya, yb) - pt, max(xa, xb), max(ya, yb) + pt))
    for xa, xb, v, text in labels:
        (pa, cy), (pb, _) = to_px((xa, v)), to_px((xb, v))
        w, h = len(text) * fontsize * 0.56 * pt, fontsize * 1.35 * pt
        xs = [(pa + pb) / 2, pa + w / 2, pb - w / 2] if pb - pa > w else [(pa + pb) / 2]
        spots = [(cx, lo) for k in range(5) for lo in (cy + 3 * pt + k * h, cy - 3 * pt - (k + 1) * h) for cx in xs]

        def free(cx, lo):
            return not any(cx - w / 2 < b[2] and b[0] < cx + w / 2 and lo < b[3] and b[1] < lo + h for b in boxes)
        cx, lo = next((c for c in spots if free(*c)), spots[0])
        boxes.append((cx - w / 2, lo, cx + w / 2, lo + h))
        x, y = ax.transData.inverted().transform((cx, lo))
        near = lo == cy + 3 * pt or lo + h == cy - 3 * pt  # right above or right below its segment
        # a label moved away from its segment is tied to it by a thin leader line
        ax.annotate(mathtext_escape(text), (x, v), xytext=(x, y), ha="center", va="bottom", fontsize=fontsize,
                    color=config.FIGURE_EDGE, zorder=7,
                    arrowprops=None if near else {"arrowstyle": "-", "color": config.FIGURE_EDGE, "lw": 0.6, "alpha": 0.7,
                                                  "shrinkA": 0, "shrinkB": 0},
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})


def _handle_color(h):
    """The colour of a legend handle (line, collection or error-bar container); an open marker
    (white inside) gives its edge colour."""
    obj = h[0] if isinstance(h, tuple) or h.__class__.__name__ == "ErrorbarContainer" else h
    for getter in ("get_color", "get_facecolor", "get_edgecolor"):
        f = getattr(obj, getter, None)
        if f is None:
            continue
        c = f()
        if hasattr(c, "__len__") and len(c) and not isinstance(c, str) and hasattr(c[0], "__len__"):
            c = c[0]
        try:
            rgba = matplotlib.colors.to_rgba(c)
        except (ValueError, TypeError):
            continue
        if rgba[3] == 0 or rgba[:3] == (1.0, 1.0, 1.0):  # no fill: the edge carries the colour
            continue
        return rgba
    return (0.5, 0.5, 0.5, 1)


def status_heatmap(card: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> plt.Figure:
    """Number of targets by plan (rows, by short title) and status (columns)."""
    import seaborn as sns

    _theme("white")
    counts = card.groupby(["plan", "status"]).size().unstack(fill_value=0)
    cols = [s for s in STATUS_ORDER if s in counts.columns]
    counts = counts.reindex(columns=cols)
    order = [p for p in plans["plan"] if p in counts.index] if not plans.empty else list(counts.index)
    counts = counts.reindex(order)
    names = plan_short_names(plans, lang)
    counts.index = [mathtext_escape(names.get(p, p)) for p in counts.index]
    counts.columns = [status_label(s, lang) for s in counts.columns]
    fig, ax = plt.subplots(figsize=(1.2 * len(cols) + 4, 0.5 * len(counts) + 1.5))
    sns.heatmap(counts, annot=True, fmt="d", cmap="Greys", vmax=max(1, int(counts.to_numpy().max()) * 2), cbar=False,
                linewidths=0.5, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(t("chart.heatmap_title", lang), fontsize=11)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return fig
