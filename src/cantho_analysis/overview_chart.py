"""The overview's chart: targets by plan (short title) and status, in the status palette.

Each cell is tinted with its status's colour (``config.STATUS_COLORS``, the index chips'
palette): the more targets, the stronger the tint; an empty cell stays white. So "no data"
is drawn in its own light grey however many targets it holds, never as the darkest cell.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb

from .config import STATUS_COLORS, STATUS_ORDER
from .i18n import t
from .narrative import status_label
from .safetext import mathtext_escape

__all__ = ["status_counts", "status_heatmap", "cell_colour", "plan_order"]

CURRENT_LOCALITY = "can_tho_merged"  # the unit that exists now: its plans come first


def plan_order(plans: pd.DataFrame) -> list[str]:
    """Plans in the order a reader looks for them: the merged city's first, then the others as listed."""
    if plans.empty:
        return []
    current = plans["locality"] == CURRENT_LOCALITY if "locality" in plans else pd.Series(False, index=plans.index)
    return list(plans.loc[current, "plan"]) + list(plans.loc[~current, "plan"])


def status_counts(card: pd.DataFrame, plan_order: list[str]) -> pd.DataFrame:
    """Targets by plan (rows, in ``plan_order``, then any other plan) and status (columns, in
    ``STATUS_ORDER``; only statuses that occur)."""
    counts = card.groupby(["plan", "status"]).size().unstack(fill_value=0)
    cols = [s for s in STATUS_ORDER if s in counts.columns] + sorted(set(counts.columns) - set(STATUS_ORDER))
    rows = [p for p in plan_order if p in counts.index] + sorted(set(counts.index) - set(plan_order))
    return counts.reindex(index=rows, columns=cols, fill_value=0)


def cell_colour(status: str, n: int, n_max: int) -> tuple[float, float, float]:
    """The status colour mixed with white: 35 % strength for one target, full strength for ``n_max``."""
    if n <= 0 or n_max <= 0:
        return (1.0, 1.0, 1.0)
    base = np.array(to_rgb(STATUS_COLORS.get(status, "#bdbdbd")))
    a = 0.35 + 0.65 * (n / n_max) ** 0.5
    return tuple(float(x) for x in (1 - a) + a * base)


def _ink(rgb) -> str:
    r, g, b = rgb
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "#1d2733"


def status_heatmap(card: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> plt.Figure:
    """Number of targets by plan (rows, by short title) and status (columns, translated)."""
    order = plan_order(plans)
    names = {}
    if not plans.empty:
        col = f"short_{lang}" if f"short_{lang}" in plans else f"name_{lang}"
        names = dict(zip(plans["plan"], plans[col]))
    counts = status_counts(card, order)
    n_max = int(counts.values.max()) if counts.size else 0
    fig, ax = plt.subplots(figsize=(1.05 * max(len(counts.columns), 1) + 4.2, 0.42 * max(len(counts), 1) + 1.6))
    for i, plan in enumerate(counts.index):
        for j, status in enumerate(counts.columns):
            n = int(counts.iat[i, j])
            rgb = cell_colour(status, n, n_max)
            ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=rgb, edgecolor="#d9dee5", lw=0.8))
            if n:
                ax.text(j + 0.5, i + 0.5, str(n), ha="center", va="center", fontsize=10, color=_ink(rgb))
    ax.set_xlim(0, max(len(counts.columns), 1))
    ax.set_ylim(max(len(counts), 1), 0)
    ax.set_xticks(np.arange(len(counts.columns)) + 0.5)
    ax.set_xticklabels([mathtext_escape(status_label(s, lang)) for s in counts.columns], rotation=30, ha="right",
                       fontsize=10)
    ax.set_yticks(np.arange(len(counts)) + 0.5)
    ax.set_yticklabels([mathtext_escape(str(names.get(p, p))) for p in counts.index], fontsize=10)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(mathtext_escape(t("overview.heatmap.title", lang)), fontsize=11, loc="left")
    if not len(counts):
        ax.text(0.5, 0.5, t("overview.heatmap.none", lang), ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    return fig
