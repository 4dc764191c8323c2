"""What a report shows, assembled from the package's pieces; used by the notebooks and the explorer.

``Context`` holds the loaded catalogue, the best-available view and the scorecard. It is
cached per process and rebuilt whenever a data file changes, so a warm kernel that runs
many reports loads the data once; the cache holds nothing but data derived from files.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from . import config, narrative
from .catalog import Catalog, load_catalog, user_actual_files
from .progress import planning_realism, realism_summary, scorecard

log = logging.getLogger(__name__)

__all__ = ["Context", "get_context", "IndicatorReport", "indicator_report", "overview", "display_indicator_report",
           "display_overview", "table_html"]


@dataclass
class Context:
    catalog: Catalog
    best: pd.DataFrame
    card: pd.DataFrame


def _stamp() -> tuple:
    d = config.data_dir()
    files = sorted(d.glob("*.csv")) + user_actual_files()
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@lru_cache(maxsize=2)
def _context(stamp: tuple) -> Context:
    cat = load_catalog()
    best = cat.best()
    return Context(cat, best, scorecard(cat.targets, cat.indicators, best))


def get_context() -> Context:
    """The catalogue, best-available figures and scorecard (cached until a data file changes)."""
    return _context(_stamp())


@dataclass
class IndicatorReport:
    indicator_id: str
    locality: str
    lang: str
    title: str
    summary: str
    paragraphs: list[dict]
    caveats: list[str]
    card: pd.DataFrame
    table: pd.DataFrame
    figure: object = None
    overall_status: str = "no_data"
    notes: list[str] = field(default_factory=list)


_TABLE_COLS = {
    "en": {"plan": "Plan", "period": "Period", "target": "Target", "latest": "Latest (year)", "status": "Status",
           "observed_rate": "Observed rate", "required_rate": "Required rate", "doc_verdict": "Document's verdict"},
    "vi": {"plan": "Văn bản", "period": "Giai đoạn", "target": "Chỉ tiêu", "latest": "Mới nhất (năm)", "status": "Tình trạng",
           "observed_rate": "Tốc độ thực tế", "required_rate": "Tốc độ cần thiết", "doc_verdict": "Văn kiện đánh giá"},
}
# Severity order for summarising several targets into one status for the index.
# The statuses that say nothing about progress come last, so that they are chosen only when
# nothing else is known.
_SEVERITY = ["not_achieved", "regressing", "limited_progress", "needs_acceleration", "on_track", "achieved", "exceeded",
             "superseded", "closed_no_outturn", "no_baseline", "no_data"]


def overall_status(statuses: list[str]) -> str:
    """The most worrying status among an indicator's targets (no_data only if nothing else is known)."""
    known = [s for s in statuses if s in _SEVERITY]
    if not known:
        return "no_data"
    return min(known, key=_SEVERITY.index)


def _target_cell(row: pd.Series, lang: str) -> str:
    lo, hi = row["low"], row["high"]
    f = lambda x: narrative.fmt(x, lang)
    if pd.isna(lo):
        return f"< {f(hi)}" if lang == "en" else f"dưới {f(hi)}"
    if pd.isna(hi):
        return f"≥ {f(lo)}" if lang == "en" else f"từ {f(lo)}"
    return f(lo) if lo == hi else f"{f(lo)}–{f(hi)}"


def _table(card: pd.DataFrame, lang: str) -> pd.DataFrame:
    c = _TABLE_COLS[lang]
    rows = []
    for _, r in card.iterrows():
        latest = "—" if pd.isna(r["latest_value"]) else f"{narrative.fmt(r['latest_value'], lang)} ({r['latest_year']})"
        rows.append({c["plan"]: r["plan"], c["period"]: f"{r['period_start']}–{r['period_end']}",
                     c["target"]: _target_cell(r, lang), c["latest"]: latest,
                     c["status"]: narrative.status_label(r["status"], lang),
                     c["observed_rate"]: narrative.fmt(r["observed_rate"], lang),
                     c["required_rate"]: narrative.fmt(r["required_rate"], lang),
                     c["doc_verdict"]: r["doc_verdict"] or "—"})
    return pd.DataFrame(rows)


def indicator_report(indicator_id: str, locality: str, lang: str = "en", ctx: Context | None = None,
                     with_figure: bool = True, fast_figure: bool = False) -> IndicatorReport:
    """Everything one indicator report shows, for one locality, in one language."""
    if lang not in narrative.LANGS:
        raise ValueError(f"lang must be one of {narrative.LANGS}, not {lang!r}")
    if locality not in config.LOCALITIES:
        raise ValueError(f"unknown locality {locality!r}; use one of {config.LOCALITIES}")
    ctx = ctx or get_context()
    cat = ctx.catalog
    ind = cat.indicator(indicator_id)
    card = ctx.card[(ctx.card["indicator_id"] == indicator_id) & (ctx.card["locality"] == locality)]
    paragraphs = narrative.target_paragraphs(card, cat.targets, ind, cat.plans, lang)
    cav = narrative.caveats(cat.actuals, ctx.best, indicator_id, locality, lang)
    title = f"{narrative.label(ind, lang)} — {config.LOCALITY_NAMES[locality][lang]}"
    fig = None
    if with_figure:
        from .plots import indicator_chart
        fig = indicator_chart(ind, locality, cat.actuals, ctx.best, cat.targets, card, lang, fast=fast_figure)
    return IndicatorReport(indicator_id, locality, lang, title, narrative.indicator_summary(card, ind, locality, lang),
                           paragraphs, cav, card, _table(card, lang), fig, overall_status(card["status"].tolist()))


def overview(lang: str = "en", ctx: Context | None = None) -> dict:
    """The scorecard of all targets, counts by plan and status, and the planning-realism tables."""
    ctx = ctx or get_context()
    realism = planning_realism(ctx.card, ctx.catalog.indicators)
    return {"card": ctx.card, "counts": ctx.card.groupby(["plan", "status"]).size().unstack(fill_value=0),
            "realism": realism, "realism_summary": realism_summary(realism),
            "doc_compare": pd.crosstab(ctx.card["doc_verdict_en"].fillna("—"), ctx.card["verdict"].fillna("no outturn"))
            .loc[lambda d: d.index != "—"]}


def table_html(df: pd.DataFrame) -> str:
    """An HTML table with every cell escaped (text from the data is never trusted as markup)."""
    return df.to_html(index=False, escape=True, na_rep="—", border=0, classes="dataframe")


def show_figure(fig, dpi: int = 96) -> None:
    """Display a matplotlib figure as a PNG image, whatever the backend, and close it."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))


def paragraphs_html(paragraphs: list[dict], caveats: list[str], lang: str) -> str:
    """The narrative of a report as HTML: each target, its source and status; then the caveats."""
    e = _md_escape
    body = "".join(f"<p>{e(p['target'])}<br><small>{e(p['source'])}</small><br>{e(p['status'])}</p>" for p in paragraphs)
    if caveats:
        body += (f"<h3>{'Caveats' if lang == 'en' else 'Lưu ý'}</h3><ul>"
                 + "".join(f"<li>{e(c)}</li>" for c in caveats) + "</ul>")
    return body


def _md_escape(text: str) -> str:
    return html.escape(str(text), quote=False)


def display_indicator_report(indicator_id: str, locality: str, lang: str = "en") -> IndicatorReport:
    """Show an indicator report in a notebook (Markdown/HTML outputs and the chart)."""
    from IPython.display import HTML, display

    rep = indicator_report(indicator_id, locality, lang)
    e = _md_escape
    head = "Targets and status" if lang == "en" else "Chỉ tiêu và tình trạng"
    parts = [f"<h2>{e(rep.title)}</h2>", f"<p><b>{e(rep.summary)}</b></p>"]
    display(HTML("".join(parts)))
    if rep.figure is not None:
        show_figure(rep.figure)
    display(HTML(f"<h3>{head}</h3>" + table_html(rep.table)))
    display(HTML(paragraphs_html(rep.paragraphs, rep.caveats, lang)))
    return rep


def display_overview(lang: str = "en") -> dict:
    """Show the overview scorecard in a notebook."""
    from IPython.display import HTML, display

    from .plots import status_heatmap

    ctx = get_context()
    ov = overview(lang, ctx)
    en = lang == "en"
    display(HTML(f"<h2>{'Scorecard of all targets' if en else 'Bảng theo dõi toàn bộ chỉ tiêu'}</h2>"))
    show_figure(status_heatmap(ctx.card, ctx.catalog.plans, lang))
    summ = ov["realism_summary"].copy()
    display(HTML(f"<h3>{'Planning realism: past targets against outturns' if en else 'Tính thực tế của kế hoạch: chỉ tiêu đã qua so với kết quả'}</h3>"
                 + table_html(summ)))
    display(HTML(f"<h3>{'Document verdicts against the engine' if en else 'Đánh giá của văn kiện so với công cụ'}</h3>"
                 + ov["doc_compare"].to_html(escape=True)))
    cols = ["target_id", "plan", "locality", "indicator_id", "low", "high", "outturn", "verdict", "gap", "gap_pct", "doc_verdict"]
    display(HTML(f"<h3>{'Every past target with an outturn' if en else 'Các chỉ tiêu đã có kết quả'}</h3>"
                 + table_html(ov["realism"][cols])))
    card = ctx.card.copy()
    card["status"] = card["status"].map(lambda s: narrative.status_label(s, lang))
    display(HTML(f"<h3>{'All targets' if en else 'Toàn bộ chỉ tiêu'}</h3>" + table_html(
        card[["target_id", "locality", "plan", "period_start", "period_end", "low", "high", "latest_year",
              "latest_value", "status", "observed_rate", "required_rate", "doc_verdict"]])))
    return ov
