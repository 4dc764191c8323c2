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
from .i18n import has, t
from .catalog import Catalog, load_catalog, user_actual_files
from .progress import planning_realism, realism_summary, scorecard, stretch_ranking
from .tallies import compare, tallies_of

log = logging.getLogger(__name__)

__all__ = ["Context", "get_context", "IndicatorReport", "indicator_report", "overview", "display_indicator_report",
           "display_overview", "overview_html", "table_html", "figure_png", "fragment"]


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
           "observed_rate": "Observed rate", "required_rate": "Required rate", "achieved": "Achieved, last 5 years",
           "stretch": "Stretch", "doc_verdict": "Document's verdict"},
    "vi": {"plan": "Văn bản", "period": "Giai đoạn", "target": "Chỉ tiêu", "latest": "Mới nhất (năm)", "status": "Tình trạng",
           "observed_rate": "Tốc độ thực tế", "required_rate": "Tốc độ cần thiết", "achieved": "Đạt được 5 năm qua",
           "stretch": "Mức căng", "doc_verdict": "Văn kiện đánh giá"},
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


def _table(card: pd.DataFrame, lang: str, plan_names: dict | None = None) -> pd.DataFrame:
    c = _TABLE_COLS[lang]
    plan_names = plan_names or {}
    rows = []
    for _, r in card.iterrows():
        latest = "—" if pd.isna(r["latest_value"]) else f"{narrative.fmt(r['latest_value'], lang)} ({r['latest_year']})"
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


# The overview's column headers and tally categories: locales/<lang>/overview.yaml (col.*, category.*).
_STRETCH_KEYS = ("plan", "rank", "indicator", "target", "unit", "baseline", "required", "achieved", "years", "rate_unit",
                 "stretch")
_TALLY_KEYS = ("plan", "scope", "category", "count", "engine_count", "table_count", "engine_targets", "difference",
               "explanation", "source")


def _cols(keys, lang: str) -> dict[str, str]:
    return {k: t(f"overview.col.{k}", lang) for k in keys}


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
    c = _cols(_STRETCH_KEYS, lang)
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
                     c["indicator"]: narrative.label(i, lang), c["target"]: narrative.target_range(x["low"], x["high"], lang),
                     c["unit"]: narrative._unit(i, lang), c["baseline"]: base,
                     c["required"]: narrative.fmt(x["what_it_takes"], lang),
                     c["achieved"]: narrative.fmt(x["achieved_rate_5y"], lang), c["years"]: years,
                     c["rate_unit"]: narrative.rate_unit_text(x["what_it_takes_unit"], i, lang),
                     c["stretch"]: ("—" if pd.isna(x["stretch"]) and pd.isna(x["achieved_rate_5y"]) else
                                    ("∞" if pd.isna(x["stretch"]) else narrative.fmt(x["stretch"], lang, 2)))})
    return pd.DataFrame(rows, columns=list(c.values()))


def tally_table(cmp: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The tally comparison (``tallies.compare``) with names, for a report in ``lang``: plans by short title,
    documents by title and line (the curators' notes stay in data/doc_tallies.csv); what the document counts is its own words on a Vietnamese page (the quote)
    and the data's description on an English one."""
    from .documents import document_name

    c = _cols(_TALLY_KEYS, lang)
    pn = _plan_names(plans, lang)
    rows = []
    f = lambda v: "—" if pd.isna(v) else str(int(v))  # noqa: E731
    for x in cmp.to_dict("records"):
        explanation = x["explanation"]  # (the data's own notes name ids and file lines: they stay in the CSV)
        scope = x["scope"] if lang == "en" else f"“{x.get('quote') or ''}”"
        source = ("" if pd.isna(x.get("source_line")) else
                  t("overview.source_line", lang, doc=document_name(x["source_file"], lang), line=int(x["source_line"])))
        rows.append({c["plan"]: pn.get(x["plan"], x["plan"]), c["scope"]: scope,
                     c["category"]: t(f"overview.category.{x['category']}", lang)
                     if has(f"overview.category.{x['category']}", lang) else x["category"],
                     c["count"]: f(x["count"]), c["engine_count"]: f(x["engine_count"]), c["table_count"]: f(x["table_count"]),
                     c["engine_targets"]: f(x["engine_targets"]), c["difference"]: f(x["difference"]),
                     c["explanation"]: explanation, c["source"]: source})
    return pd.DataFrame(rows, columns=list(c.values()))


_REALISM_KEYS = ("plan", "targets_with_outturn", "share_met", "growth_targets", "mean_gap_growth", "gap_grdp_growth")
_PAST_KEYS = ("plan", "locality", "indicator", "period", "target", "unit", "outturn", "verdict", "gap", "gap_pct",
              "doc_verdict")
_ALL_KEYS = ("plan", "locality", "indicator", "period", "target", "unit", "latest", "status", "observed_rate",
             "required_rate", "doc_verdict")


def realism_table(summary: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``progress.realism_summary`` for readers: plans by short title, the share met as a percentage,
    gaps in points with two decimals, "—" where there is nothing to average."""
    from .overview_chart import plan_order

    c = _cols(_REALISM_KEYS, lang)
    pn = {**_plan_names(plans, lang), "all": t("overview.all_plans", lang)}
    rank = {p: i for i, p in enumerate(plan_order(plans))}
    summary = summary.assign(_o=[len(rank) + 1 if p == "all" else rank.get(p, len(rank)) for p in summary["plan"]])
    summary = summary.sort_values("_o", kind="mergesort")
    rows = [{c["plan"]: pn.get(x["plan"], x["plan"]), c["targets_with_outturn"]: int(x["targets_with_outturn"]),
             c["share_met"]: narrative.percent(x["share_met"], lang),
             c["growth_targets"]: int(x["growth_targets"]),
             c["mean_gap_growth"]: narrative.fmt(x["mean_gap_growth_pp"], lang, 2),
             c["gap_grdp_growth"]: narrative.fmt(x["gap_grdp_growth_pp"], lang, 2)}
            for x in summary.to_dict("records")]
    return pd.DataFrame(rows, columns=list(c.values()))


def verdict_table(card: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The documents' own verdicts (rows) against the engine's (columns), counts of targets; only
    targets the document judged. Status words in the page's language."""
    d = card[card["doc_verdict_en"].notna() & (card["doc_verdict_en"].astype(str) != "")]
    no = t("overview.no_outturn", lang)
    order = [s for s in config.STATUS_ORDER if s in set(d["doc_verdict_en"])]
    cols = [s for s in config.STATUS_ORDER if s in set(d["verdict"].dropna())]
    x = pd.crosstab(d["doc_verdict_en"], d["verdict"].fillna("_none")).reindex(
        index=order, columns=cols + (["_none"] if d["verdict"].isna().any() else []), fill_value=0)
    x.index = [narrative.status_label(s, lang) for s in x.index]
    x.columns = [no if s == "_none" else narrative.status_label(s, lang) for s in x.columns]
    x = x.reset_index(names=f"{t('overview.col.doc_verdict', lang)} ↓ / {t('overview.col.engine_verdict', lang)} →")
    return x


def _doc_verdict(x: dict, lang: str) -> str:
    """The document's own verdict in the page's words (its printed word is in the indicator pages)."""
    from .progress import DOC_VERDICTS

    v = x.get("doc_verdict_en") or DOC_VERDICTS.get(x.get("doc_verdict") or "")
    return narrative.status_label(v, lang) if isinstance(v, str) and v else "—"


def _indicator_cells(x: dict, ind: pd.DataFrame, lang: str) -> tuple[str, str]:
    i = ind.loc[x["indicator_id"]]
    return narrative.label(i, lang), narrative._unit(i, lang)


def past_targets_table(realism: pd.DataFrame, indicators: pd.DataFrame, plans: pd.DataFrame,
                       lang: str = "en") -> pd.DataFrame:
    """Every past target with an outturn (``progress.planning_realism``) by name: plan, locality,
    indicator, period, target, outturn, the engine's verdict, the gap in the unit and in % of the target."""
    c = _cols(_PAST_KEYS, lang)
    pn = _plan_names(plans, lang)
    ind = indicators.set_index("indicator_id")
    rows = []
    for x in realism.to_dict("records"):
        name, unit = _indicator_cells(x, ind, lang)
        rows.append({c["plan"]: pn.get(x["plan"], x["plan"]), c["locality"]: narrative._short_locality(x["locality"], lang),
                     c["indicator"]: name, c["period"]: narrative.period_text(x["period_start"], x["period_end"]),
                     c["target"]: narrative.target_range(x["low"], x["high"], lang), c["unit"]: unit,
                     c["outturn"]: narrative.fmt(x["outturn"], lang),
                     c["verdict"]: narrative.status_label(x["verdict"], lang) if isinstance(x["verdict"], str) else "—",
                     c["gap"]: narrative.fmt(x["gap"], lang),
                     c["gap_pct"]: "—" if pd.isna(x["gap_pct"]) else f"{narrative.fmt(x['gap_pct'], lang, 1)} %",
                     c["doc_verdict"]: _doc_verdict(x, lang)})
    return pd.DataFrame(rows, columns=list(c.values()))


def all_targets_table(card: pd.DataFrame, indicators: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Every target by name, with its latest figure, status and rates (no ids, "—" for nothing)."""
    c = _cols(_ALL_KEYS, lang)
    pn = _plan_names(plans, lang)
    ind = indicators.set_index("indicator_id")
    rows = []
    for x in card.to_dict("records"):
        name, unit = _indicator_cells(x, ind, lang)
        latest = "—" if pd.isna(x["latest_value"]) else f"{narrative.fmt(x['latest_value'], lang)} ({x['latest_year']})"
        rows.append({c["plan"]: pn.get(x["plan"], x["plan"]), c["locality"]: narrative._short_locality(x["locality"], lang),
                     c["indicator"]: name, c["period"]: narrative.period_text(x["period_start"], x["period_end"]),
                     c["target"]: narrative.target_range(x["low"], x["high"], lang), c["unit"]: unit, c["latest"]: latest,
                     c["status"]: narrative.status_label(x["status"], lang),
                     c["observed_rate"]: narrative.fmt(x["observed_rate"], lang),
                     c["required_rate"]: narrative.fmt(x["required_rate"], lang),
                     c["doc_verdict"]: _doc_verdict(x, lang)})
    return pd.DataFrame(rows, columns=list(c.values()))


def overview(lang: str = "en", ctx: Context | None = None) -> dict:
    """Everything the overview page shows, in ``lang``.

    Numbers for programs (``card``, ``counts``, ``realism``, ``realism_summary``, ``tallies``) and,
    for readers, the narrative (``intro``, ``plan_lines``, ``misses``, ``realism_sentence``) and
    readable tables (``realism_table``, ``verdict_table``, ``stretch``, ``tally_table``, ``past_table``,
    ``targets_table``: names not ids, numbers in the page's format, "—" for nothing)."""
    ctx = ctx or get_context()
    cat = ctx.catalog
    realism = planning_realism(ctx.card, cat.indicators)
    summary = realism_summary(realism)
    cmp = compare(tallies_of(cat), ctx.card, cat.indicators, lang)
    pn = _plan_names(cat.plans, lang)
    from .overview_chart import plan_order

    order = plan_order(cat.plans)
    misses = narrative.largest_misses(ctx.card)
    return {"card": ctx.card, "counts": ctx.card.groupby(["plan", "status"]).size().unstack(fill_value=0),
            "realism": realism, "realism_summary": summary, "tallies": cmp, "misses_frame": misses,
            "intro": narrative.overview_intro(ctx.card, lang),
            "plan_lines": narrative.overview_plan_lines(ctx.card, order, pn, lang),
            "misses": narrative.miss_sentences(misses, cat.indicators, pn, lang),
            "realism_sentence": narrative.realism_sentence(summary, lang),
            "realism_table": realism_table(summary, cat.plans, lang),
            "verdict_table": verdict_table(ctx.card, lang),
            "stretch": stretch_table(ctx.card, cat.indicators, cat.plans, lang),
            "tally_table": tally_table(cmp, cat.plans, lang),
            "past_table": past_targets_table(realism, cat.indicators, cat.plans, lang),
            "targets_table": all_targets_table(ctx.card, cat.indicators, cat.plans, lang)}


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


def figure_png(fig, dpi: int = 96) -> str:
    """A matplotlib figure as base64 PNG text (for a ``data:`` address in a page), and closed."""
    import base64
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


@lru_cache(maxsize=1)
def _fragments():
    import jinja2

    from .pages import TEMPLATES

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True)


def fragment(name: str, **values) -> str:
    """A part of a page from ``templates/<name>`` (jinja2, every value escaped unless marked safe)."""
    return _fragments().get_template(name).render(**values)


def _safe_table(df: pd.DataFrame):
    from markupsafe import Markup

    return Markup(table_html(df))  # table_html escapes every cell


def overview_html(lang: str = "en", ctx: Context | None = None, ov: dict | None = None, part: str = "all") -> str:
    """The overview page's body (``templates/overview.html.j2``): the narrative first, then the chart
    and the readable tables. ``part`` "head" stops before the chart, "tail" starts after it (the
    notebook shows the chart as an image output between the two)."""
    from markupsafe import Markup

    from .overview_chart import status_heatmap
    from .task_register import overview_html as tasks_overview_html

    ctx = ctx or get_context()
    ov = ov or overview(lang, ctx)
    m = lambda key, **kw: t(f"overview.{key}", lang, **kw)  # noqa: E731
    tables = {k: _safe_table(ov[k]) for k in ("realism_table", "verdict_table", "tally_table", "past_table",
                                               "targets_table")}
    plan_col = t("overview.col.plan", lang)
    st = ov["stretch"]
    stretch = [(plan, _safe_table(st[st[plan_col] == plan].drop(columns=plan_col)))
               for plan in dict.fromkeys(st[plan_col])]  # one table per plan, hardest first
    cmp = ov["tallies"]
    same = int((cmp["difference"].fillna(0) == 0).sum()) if len(cmp) else 0
    tally_summary = m("tally_summary", n=len(cmp), k=cmp["tally_id"].nunique() if len(cmp) else 0, same=same,
                      diff=len(cmp) - same)
    return fragment("overview.html.j2", m=m, ov=ov, tables=tables, stretch=stretch, tally_summary=tally_summary,
                    part=part, heatmap=figure_png(status_heatmap(ctx.card, ctx.catalog.plans, lang)) if part == "all" else "",
                    heatmap_alt=m("heatmap.title"), tasks=Markup(tasks_overview_html(lang)) if part != "head" else "")


def display_overview(lang: str = "en") -> dict:
    """Show the overview scorecard in a notebook: the narrative, the chart (an image output) and the tables."""
    from IPython.display import HTML, display

    from .overview_chart import status_heatmap

    ctx = get_context()
    ov = overview(lang, ctx)
    display(HTML(overview_html(lang, ctx, ov, "head")))
    show_figure(status_heatmap(ctx.card, ctx.catalog.plans, lang))
    display(HTML(overview_html(lang, ctx, ov, "tail")))
    return ov
