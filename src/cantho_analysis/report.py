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
from .progress import figure_years, planning_realism, realism_summary, scorecard, stretch_ranking
from .tallies import compare, tallies_of

log = logging.getLogger(__name__)

__all__ = ["Context", "get_context", "get_catalog", "IndicatorReport", "indicator_report", "overview", "display_indicator_report",
           "display_overview", "table_html"]


@dataclass
class Context:
    catalog: Catalog
    best: pd.DataFrame
    card: pd.DataFrame


def _stamp() -> tuple:
    d = config.data_dir()
    files = sorted(d.glob("*.csv")) + user_actual_files()

    def key(p):
        try:
            st = p.stat()
            return (str(p), st.st_mtime_ns, st.st_size)
        except OSError:  # a dangling link: reading it reports the problem
            return (str(p), None, None)
    return tuple(key(p) for p in files)


@lru_cache(maxsize=2)
def _catalog(stamp: tuple):
    return load_catalog()


def get_catalog():
    """The validated catalogue alone (cached until a data file changes): cheaper than :func:`get_context`."""
    return _catalog(_stamp())


@lru_cache(maxsize=2)
def _context(stamp: tuple) -> Context:
    cat = _catalog(stamp)
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
           "observed_rate": "Observed rate", "required_rate": "Required rate", "achieved": "Achieved, last 5 years",
           "stretch": "Stretch", "doc_verdict": "Document's verdict"},
    "vi": {"plan": "Văn bản", "period": "Giai đoạn", "target": "Chỉ tiêu", "latest": "Mới nhất (năm)", "status": "Tình trạng",
           "observed_rate": "Tốc độ thực tế", "required_rate": "Tốc độ cần thiết", "achieved": "Đạt được 5 năm qua",
           "stretch": "Mức căng", "doc_verdict": "Văn kiện đánh giá"},
}
# Severity order for summarising several targets into one status for the index.
# The statuses that say nothing about progress come last, so that they are chosen only when
# nothing else is known.
_SEVERITY = ["not_achieved", "regressing", "limited_progress", "needs_acceleration", "on_track", "achieved", "exceeded", "undetermined",
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


def _table(card: pd.DataFrame, lang: str, plan_names: dict | None = None) -> pd.DataFrame:
    c = _TABLE_COLS[lang]
    plan_names = plan_names or {}
    rows = []
    for _, r in card.iterrows():
        shown = narrative._printed_outturn(r, lang) or narrative.fmt(r["latest_value"], lang)  # "35–40", not 37.5
        latest = "—" if pd.isna(r["latest_value"]) else f"{shown} ({figure_years(r)})"
        rows.append({c["plan"]: plan_names.get(r["plan"], r["plan"]), c["period"]: f"{r['period_start']}–{r['period_end']}",
                     c["target"]: _target_cell(r, lang), c["latest"]: latest,
                     c["status"]: narrative.status_label(r["status"], lang),
                     c["observed_rate"]: narrative.fmt(r["observed_rate"], lang),
                     c["required_rate"]: narrative.fmt(r["what_it_takes"] if not pd.isna(r.get("what_it_takes"))
                                                       else r["required_rate"], lang),
                     c["achieved"]: narrative.fmt(r.get("achieved_rate_5y"), lang),
                     c["stretch"]: narrative.fmt(r.get("stretch"), lang, 2),
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
                           paragraphs, cav, card, _table(card, lang, _plan_names(cat.plans, lang)), fig, overall_status(card["status"].tolist()))


_STRETCH_COLS = {
    "en": {"plan": "Plan", "rank": "Rank", "indicator": "Indicator", "target": "Target", "unit": "Unit",
           "baseline": "Baseline (year)", "required": "Required rate", "achieved": "Achieved, last 5 years",
           "years": "Years", "rate_unit": "Rate unit", "stretch": "Stretch (required ÷ achieved)"},
    "vi": {"plan": "Văn bản", "rank": "Thứ tự", "indicator": "Chỉ số", "target": "Chỉ tiêu", "unit": "Đơn vị",
           "baseline": "Năm gốc (năm)", "required": "Tốc độ cần thiết", "achieved": "Tốc độ đạt được 5 năm qua",
           "years": "Giai đoạn", "rate_unit": "Đơn vị tốc độ", "stretch": "Mức căng (cần ÷ đạt được)"},
}
_TALLY_COLS = {
    "en": {"plan": "Plan", "scope": "What the document counts", "category": "Category", "count": "Document",
           "engine_count": "Engine (items)", "table_count": "Document's table (items)", "engine_targets": "Engine (targets)",
           "difference": "Difference", "explanation": "Why", "source": "Source"},
    "vi": {"plan": "Văn bản", "scope": "Văn kiện đếm", "category": "Nhóm", "count": "Văn kiện",
           "engine_count": "Công cụ (chỉ tiêu)", "table_count": "Bảng của văn kiện (chỉ tiêu)",
           "engine_targets": "Công cụ (dòng chỉ tiêu)", "difference": "Chênh lệch", "explanation": "Giải thích",
           "source": "Nguồn"},
}
_CATEGORY = {
    "en": {"total": "total", "exceeded": "exceeded", "achieved": "achieved", "achieved_or_exceeded": "achieved or exceeded",
           "not_achieved": "not achieved", "pursuing": "still pursued", "other": "other"},
    "vi": {"total": "tổng số", "exceeded": "vượt", "achieved": "đạt", "achieved_or_exceeded": "đạt và vượt",
           "not_achieved": "không đạt", "pursuing": "đang phấn đấu", "other": "khác"},
}


def _plan_names(plans: pd.DataFrame, lang: str) -> dict:
    """Plans by their short title in tables (``short_vi``/``short_en`` of plans.csv), else their full name."""
    for col in (f"short_{lang}", f"name_{lang}"):
        if not plans.empty and col in plans:
            return dict(zip(plans["plan"], plans[col]))
    return {}


def stretch_table(card: pd.DataFrame, indicators: pd.DataFrame, plans: pd.DataFrame, lang: str = "en",
                  end_year: int | None = None) -> pd.DataFrame:
    """The open targets of each plan ranked by stretch, hardest first, with names and units
    (``progress.stretch_ranking``), for a report in ``lang``. ``end_year`` keeps one deadline."""
    c = _STRETCH_COLS[lang]
    r = stretch_ranking(card if end_year is None else card[card["period_end"] == end_year])
    ind = indicators.set_index("indicator_id")
    pn = _plan_names(plans, lang)
    rows = []
    for x in r.to_dict("records"):
        i = ind.loc[x["indicator_id"]]
        base = "—" if pd.isna(x["baseline_value"]) else f"{narrative.fmt(x['baseline_value'], lang)} ({x['baseline_year']})"
        if x["target_kind"] == "average_growth":
            base = "—"
        years = "—" if pd.isna(x["achieved_from"]) else (
            str(x["achieved_to"]) if x["achieved_from"] == x["achieved_to"] else f"{x['achieved_from']}–{x['achieved_to']}")
        rows.append({c["plan"]: pn.get(x["plan"], x["plan"]), c["rank"]: int(x["rank"]),
                     c["indicator"]: narrative.label(i, lang), c["target"]: _target_cell(pd.Series(x), lang),
                     c["unit"]: narrative._unit(i, lang), c["baseline"]: base,
                     c["required"]: narrative.fmt(x["what_it_takes"], lang),
                     c["achieved"]: narrative.fmt(x["achieved_rate_5y"], lang), c["years"]: years,
                     c["rate_unit"]: narrative.rate_unit_text(x["what_it_takes_unit"], i, lang),
                     c["stretch"]: ("—" if pd.isna(x["stretch"]) and pd.isna(x["achieved_rate_5y"]) else
                                    ("∞" if pd.isna(x["stretch"]) else narrative.fmt(x["stretch"], lang, 2)))})
    return pd.DataFrame(rows, columns=list(c.values()))


def tally_table(cmp: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The tally comparison (``tallies.compare``) with names, for a report in ``lang``."""
    c = _TALLY_COLS[lang]
    pn = _plan_names(plans, lang)
    rows = []
    for x in cmp.to_dict("records"):
        f = lambda v: "—" if pd.isna(v) else str(int(v))  # noqa: E731
        rows.append({c["plan"]: pn.get(x["plan"], x["plan"]), c["scope"]: x["scope"],
                     c["category"]: _CATEGORY[lang].get(x["category"], x["category"]), c["count"]: f(x["count"]),
                     c["engine_count"]: f(x["engine_count"]), c["table_count"]: f(x["table_count"]),
                     c["engine_targets"]: f(x["engine_targets"]), c["difference"]: f(x["difference"]),
                     c["explanation"]: x["explanation"] + (f" Data note: {x['note']}" if lang == "en" and isinstance(
                         x.get("note"), str) and x["note"].strip() else ""),
                     c["source"]: f"{x['source_file']}:{x['source_line']}" if not pd.isna(x.get("source_line")) else ""})
    return pd.DataFrame(rows, columns=list(c.values()))


def overview(lang: str = "en", ctx: Context | None = None) -> dict:
    """The scorecard of all targets, counts by plan and status, the planning-realism tables, the
    open targets ranked by stretch and the documents' own tallies against the engine."""
    ctx = ctx or get_context()
    realism = planning_realism(ctx.card, ctx.catalog.indicators)
    cmp = compare(tallies_of(ctx.catalog), ctx.card, ctx.catalog.indicators, lang)
    return {"card": ctx.card, "counts": ctx.card.groupby(["plan", "status"]).size().unstack(fill_value=0),
            "realism": realism, "realism_summary": realism_summary(realism),
            "doc_compare": pd.crosstab(ctx.card["doc_verdict_en"].fillna("—"), ctx.card["verdict"].fillna("no outturn"))
            .loc[lambda d: d.index != "—"],
            "stretch": stretch_table(ctx.card, ctx.catalog.indicators, ctx.catalog.plans, lang),
            "tallies": cmp, "tally_table": tally_table(cmp, ctx.catalog.plans, lang)}


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
    display(HTML(f"<h3>{'What it takes: open targets by stretch, hardest first' if en else 'Điều kiện để đạt: các chỉ tiêu còn hiệu lực xếp theo mức căng, khó nhất trước'}</h3>"
                 + "<p>" + _md_escape(
                     "Required annual rate from the baseline against the rate achieved over the last five years with data; "
                     "stretch = required ÷ achieved (∞: the recent trend goes the other way; —: no recent figures)."
                     if en else "Tốc độ cần thiết mỗi năm từ năm gốc so với tốc độ đạt được trong 5 năm gần nhất có số liệu; "
                     "mức căng = cần thiết ÷ đạt được (∞: xu hướng gần đây đi ngược chiều; —: chưa có số liệu gần đây).")
                 + "</p>" + table_html(ov["stretch"])))
    head = "The documents' own tallies against the engine" if en else "Văn kiện tự tổng hợp so với công cụ"
    if len(ov["tally_table"]):
        display(HTML(f"<h3>{head}</h3>" + table_html(ov["tally_table"])))
    else:
        display(HTML(f"<h3>{head}</h3><p>" + ("No tallies in the data yet (data/doc_tallies.csv)." if en
                                              else "Dữ liệu chưa có số liệu tự tổng hợp của văn kiện (data/doc_tallies.csv).")
                     + "</p>"))
    cols = ["target_id", "plan", "locality", "indicator_id", "low", "high", "outturn", "verdict", "gap", "gap_pct", "doc_verdict"]
    display(HTML(f"<h3>{'Every past target with an outturn' if en else 'Các chỉ tiêu đã có kết quả'}</h3>"
                 + table_html(ov["realism"][cols])))
    card = ctx.card.copy()
    card["status"] = card["status"].map(lambda s: narrative.status_label(s, lang))
    from .task_register import overview_html as tasks_overview_html

    display(HTML(tasks_overview_html(lang)))
    display(HTML(f"<h3>{'All targets' if en else 'Toàn bộ chỉ tiêu'}</h3>" + table_html(
        card[["target_id", "locality", "plan", "period_start", "period_end", "low", "high", "latest_year",
              "latest_value", "status", "observed_rate", "required_rate", "doc_verdict"]])))
    return ov
