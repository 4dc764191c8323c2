"""What a report shows, assembled from the package's pieces; used by the notebooks and the explorer.

``Context`` holds the loaded catalogue, the best-available view and the scorecard. It is
cached per process and rebuilt whenever a data file changes, so a warm kernel that runs
many reports loads the data once; the cache holds nothing but data derived from files.

A batch computes the context once, in its parent, and hands it to its workers and their
kernels as a file (:func:`save_context`, environment variable ``CANTHO_CONTEXT_FILE``); a
process uses that file only when it was made from the very data files it sees (same paths,
sizes and modification times), and otherwise loads the data itself.
"""

from __future__ import annotations

import html
import logging
import os
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from . import config, narrative
from .catalog import Catalog, load_catalog, user_actual_files
from .i18n import has, t
from .i18n import t as msg
from .pages import download_names  # the batch's workers name the files without this module
from .progress import (base_alternatives, figure_years, planning_realism, realism_summary, scorecard,
                       stretch_ranking)
from .safetext import spreadsheet_safe_frame
from .tallies import compare, tallies_of

log = logging.getLogger(__name__)

__all__ = ["Context", "get_context", "get_catalog", "IndicatorReport", "indicator_report", "overview",
           "display_indicator_report", "display_overview", "overview_html", "table_html", "figure_png", "fragment",
           "series_rows", "series_html", "download_frames", "download_files", "download_names", "downloads_html",
           "conclusion", "headline_target", "figure_source"]


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


CONTEXT_ENV = config.CONTEXT_ENV


def _shared(stamp: tuple) -> "Context | None":
    """The context a batch's parent saved (:func:`save_context`), if made from these very files."""
    path = os.environ.get(CONTEXT_ENV)
    if not path:
        return None
    try:
        with open(path, "rb") as f:
            saved, ctx = pickle.load(f)
    except Exception:  # missing, partial or from another version: load the data instead
        return None
    return ctx if saved == stamp and isinstance(ctx, Context) else None


def save_context(path: str) -> bool:
    """Write this process's context to ``path`` for :data:`CONTEXT_ENV` (atomically); False,
    and nothing written, when the data cannot be loaded (each report then says why)."""
    try:
        stamp = _stamp()
        ctx = _context(stamp)
    except Exception:
        return False
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        pickle.dump((stamp, ctx), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return True


@lru_cache(maxsize=2)
def _catalog(stamp: tuple):
    shared = _shared(stamp)
    return shared.catalog if shared is not None else load_catalog()


def get_catalog():
    """The validated catalogue alone (cached until a data file changes): cheaper than :func:`get_context`."""
    return _catalog(_stamp())


@lru_cache(maxsize=2)
def _context(stamp: tuple) -> Context:
    shared = _shared(stamp)
    if shared is not None:
        return shared
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
    conclusion: str = ""  # one sentence on the headline target
    series: pd.DataFrame | None = None  # every figure of the series (``series_rows``)


# Severity order for summarising several targets into one status for the index.
# The statuses that say nothing about progress come last, so that they are chosen only when
# nothing else is known.
_SEVERITY = ["not_achieved", "regressing", "limited_progress", "needs_acceleration", "on_track", "achieved", "exceeded", "undetermined",
             "superseded", "copied_text", "closed_no_outturn", "no_baseline", "no_data"]


def overall_status(statuses: list[str]) -> str:
    """The most worrying status among an indicator's targets (no_data only if nothing else is known)."""
    known = [s for s in statuses if s in _SEVERITY]
    if not known:
        return "no_data"
    return min(known, key=_SEVERITY.index)


def _na(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


def _target_cell(row, lang: str) -> str:
    """A target's value as printed: ``9,5–10``, ``≥ 9,5``, ``< 3`` (the unit is added by the caller)."""
    return narrative.target_level(row["low"], row["high"], lang, narrative.strict_bound(row))


def _rate(value, rate_unit, indicator, lang: str, decimals: int | None = None) -> str:
    """A rate with its unit (``6,86 %/năm``, ``0,5 điểm/năm``), or — when there is none."""
    if _na(value):
        return "—"
    unit = narrative.rate_unit_text(rate_unit, indicator, lang) if isinstance(rate_unit, str) and rate_unit else ""
    return f"{narrative.fmt(value, lang, decimals)} {unit}".strip()


def _table(card: pd.DataFrame, lang: str, plan_names: dict | None = None, indicator=None,
           bases: pd.DataFrame | None = None) -> pd.DataFrame:
    """The targets of one indicator page: plan by short title, target with its unit, status in
    words, rates with their units, stretch and the document's own verdict. A base the sources give
    in several versions (``bases``, ``progress.base_alternatives``) gives the required rate and the
    stretch as their range over the versions."""
    plan_names = plan_names or {}
    unit = narrative._unit(indicator, lang) if indicator is not None else ""
    c = {k: msg(f"indicator.targets.col.{k}", lang, unit=unit) if k == "target" else msg(f"indicator.targets.col.{k}", lang)
         for k in ("plan", "period", "target", "latest", "status", "observed_rate", "required_rate", "achieved",
                   "stretch", "doc_verdict")}
    ind = indicator if indicator is not None else {"unit": "", "unit_vi": ""}
    rows = []
    for _, r in card.iterrows():
        shown = narrative._printed_outturn(r, lang) or narrative.fmt(r["latest_value"], lang)  # "35–40", not 37.5
        latest = "—" if _na(r["latest_value"]) else f"{shown} ({figure_years(r)})"
        req_unit = r.get("what_it_takes_unit") if not _na(r.get("what_it_takes")) else r.get("rate_unit")
        rng = narrative.base_range(bases[bases["target_id"] == r["target_id"]]) if bases is not None and len(bases) else None
        required = _rate(r["what_it_takes"] if not _na(r.get("what_it_takes")) else r["required_rate"], req_unit, ind, lang)
        if r.get("period_state") == "closed":  # nothing is required any more of a target whose period is over
            required = "—"
        stretch = narrative.fmt(r.get("stretch"), lang, 2)
        if rng is not None and required != "—" and not (not _na(r.get("stretch")) and float(r["stretch"]) == 0.0):
            unit_ = narrative.rate_unit_text(req_unit, ind, lang) if isinstance(req_unit, str) and req_unit else ""
            required = f"{narrative.rate_range_text(*rng, lang)} {unit_}".strip()
            ach = r.get("achieved_rate_5y")
            if not _na(r.get("stretch")) and not _na(ach) and float(ach) != 0:
                stretch = narrative.rate_range_text(*sorted((rng[0] / float(ach), rng[1] / float(ach))), lang, 2)
        rows.append({c["plan"]: plan_names.get(r["plan"], r["plan"]), c["period"]: narrative.period_text(r["period_start"], r["period_end"]),
                     c["target"]: _target_cell(r, lang), c["latest"]: latest,
                     c["status"]: narrative.verdict_label(r, lang),
                     c["observed_rate"]: (_rate(r["observed_rate"], r.get("rate_unit"), ind, lang)
                                          if narrative.observed_rate_text(r, lang) == narrative.fmt(r["observed_rate"], lang)
                                          else f"{narrative.observed_rate_text(r, lang)} {narrative.rate_unit_text(r['rate_unit'], ind, lang)}"),
                     c["required_rate"]: required,
                     c["achieved"]: _rate(r.get("achieved_rate_5y"), r.get("what_it_takes_unit") or r.get("rate_unit"), ind, lang),
                     c["stretch"]: stretch,
                     c["doc_verdict"]: _doc_verdict(r, lang)})
    return pd.DataFrame(rows, columns=list(c.values()))


def _doc_verdict(r, lang: str) -> str:
    """The document's own verdict: as printed (Vượt, Đạt, Không đạt) on a Vietnamese page, in
    English words on an English page."""
    doc = r.get("doc_verdict")
    if not isinstance(doc, str) or not doc:
        return "—"
    en = r.get("doc_verdict_en")
    if lang == "en" and isinstance(en, str) and has(f"status.progress.{en}", "en"):
        return msg(f"status.progress.{en}", "en")
    return doc


def headline_target(card: pd.DataFrame):
    """The target a page (and the index) leads with: among the targets still in force (else all),
    those that can be answered (not past their deadline without an outturn, when any can), the
    newest; of those ending the same year the one over the longest period (a term's target before
    a one-year milestone)."""
    if card.empty:
        return None
    live = card[card["status"] != "superseded"] if (card["status"] != "superseded").any() else card
    answered = live[live["status"] != "closed_no_outturn"]
    live = answered if len(answered) else live
    order = live.assign(_start=-live["period_start"].astype(int))
    return live.loc[order.sort_values(["period_end", "_start"], kind="mergesort").index[-1]]


def conclusion(card: pd.DataFrame, indicator, plan_names: dict, lang: str) -> str:
    """One sentence on the headline target: what was set, by whom, and where it stands, in words."""
    h = headline_target(card)
    if h is None:
        return msg("indicator.conclusion_none", lang)
    unit = narrative._unit(indicator, lang)
    start, end = int(h["period_start"]), int(h["period_end"])
    kind = str(h["target_kind"])
    if kind == "average_growth":
        start = int(h["base_year"]) + 1 if not _na(h.get("base_year")) else start
        unit = narrative.rate_unit_text("%/yr", indicator, lang)
    period = narrative.period_text(start, end)
    when = msg(f"indicator.conclusion.when.{kind}", lang, start=start, end=end, period=period)
    kw = dict(plan=plan_names.get(h["plan"], h["plan"]), target=_target_cell(h, lang), unit=unit, when=when,
              status=narrative.status_label(h["status"], lang))
    if h.get("period_state") == "closed" and not _na(h.get("latest_value")):
        gap = h.get("gap")
        gap_text = ""
        if not _na(gap) and abs(float(gap)) > 1e-9:
            gunit = msg("indicator.conclusion.pp", lang) if str(indicator["unit"]).startswith("%") else narrative._unit(indicator, lang)
            gap_text = msg("indicator.conclusion.gap_below" if float(gap) < 0 else "indicator.conclusion.gap_above", lang,
                           gap=narrative.fmt(abs(float(gap)), lang), gunit=gunit)
        return msg("indicator.conclusion.closed", lang, value=narrative.outturn_text(h, lang), gap=gap_text, **kw)
    if not _na(h.get("latest_value")) and not _na(h.get("latest_year")):
        return msg("indicator.conclusion.open", lang, value=narrative.outturn_text(h, lang),
                   year=int(h["latest_year"]), **kw)
    return msg("indicator.conclusion.nodata", lang, **kw)


def series_rows(actuals: pd.DataFrame, best: pd.DataFrame, indicator_id: str, locality: str) -> pd.DataFrame:
    """Every figure of one indicator in one locality (every version, sub-annual and low-reliability
    ones too), in period order then publication order, with ``used`` = chosen as best available."""
    a = actuals[(actuals["indicator_id"] == indicator_id) & (actuals["locality"] == locality)].copy()
    used = set(best.loc[(best["indicator_id"] == indicator_id) & (best["locality"] == locality), "actual_id"])
    a["used"] = a["actual_id"].isin(used)
    a["_sub"] = a["subperiod"].fillna("year").map(lambda s: 0 if s == "year" else 1)
    a["_pub"] = a["published"].fillna("").astype(str)
    a = a.sort_values(["period_start", "period_end", "_sub", "subperiod", "_pub", "actual_id"], kind="mergesort")
    return a.drop(columns=["_sub", "_pub"]).reset_index(drop=True)


def _web_link(url: str) -> tuple[str, str]:
    """``(href, text)`` of a source address; href is empty unless it is an http(s) address.
    A note after the address (``https://x/y (file.csv)``) stays in the text."""
    first, _, rest = str(url).strip().partition(" ")
    if not re.match(r"^https?://[^\s\"'<>]+$", first):
        return "", str(url)
    host = re.sub(r"^https?://(www\.)?", "", first).split("/")[0]
    return first, f"{host} {rest}".strip()


def _period_text(r, lang: str) -> str:
    text = narrative.period_text(r["period_start"], r["period_end"])
    sub = r.get("subperiod")
    if isinstance(sub, str) and sub and sub != "year":
        key = f"indicator.series.subperiod.{sub}"
        text += f" ({msg(key, lang) if has(key, lang) else sub})"
    return text


def _value_text(r, lang: str) -> str:
    f = lambda x: narrative.fmt(x, lang)  # noqa: E731
    kind = r.get("value_kind")
    if kind == "range_midpoint" and not _na(r.get("value_low")) and not _na(r.get("value_high")):
        return f"{f(r['value_low'])}–{f(r['value_high'])}"
    prefix = {"approx": "≈ ", "lower_bound": "> ", "upper_bound": "< "}.get(kind, "")
    return prefix + f(r["value"])


def _figure_status(r, lang: str) -> str:
    st = str(r["status"])
    key = f"status.figure.{st}"
    text = msg(key, lang) if has(key, lang) else st
    if r.get("reliability") == "low":
        text += f", {msg('indicator.series.low', lang)}"
    return text


def figure_source(r, lang: str) -> tuple[str, str]:
    """``(text, href)`` naming the source of a figure: a document's title and line, or a web address."""
    from .documents import document_name

    url = r.get("source_url")
    if isinstance(url, str) and url.strip():
        href, text = _web_link(url)
        return text, href
    line = r.get("source_line")
    name = document_name(str(r.get("source_file") or ""), lang)
    return (msg("indicator.series.line", lang, doc=name, line=int(line)) if not _na(line) else name), ""


def series_html(rows: pd.DataFrame, indicator, lang: str) -> str:
    """The observed figures as an HTML table: period, value (unit in the header), status, date of
    publication, source (title and line, or address as a link) with the quote on hover and in a
    ``<details>``, and a tick on the figure used. Every text from the data is escaped."""
    from .pages import format_vintage

    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    if rows.empty:
        return f"<p>{e(msg('indicator.series.none', lang))}</p>"
    unit = narrative._unit(indicator, lang)
    cols = [msg("indicator.series.col.period", lang), msg("indicator.series.col.value", lang, unit=unit),
            msg("indicator.series.col.status", lang), msg("indicator.series.col.published", lang),
            msg("indicator.series.col.source", lang), msg("indicator.series.col.used", lang)]
    body = []
    for _, r in rows.iterrows():
        pub = r.get("published")
        pub = format_vintage(str(pub), lang) if isinstance(pub, str) and pub else msg("indicator.series.unknown", lang)
        text, href = figure_source(r, lang)
        quote = str(r.get("quote") or "")
        src = (f"<a href='{e(href)}' title='{e(quote)}' rel='noreferrer'>{e(text)}</a>" if href
               else f"<span title='{e(quote)}'>{e(text)}</span>")
        if quote:
            src += f"<details><summary>{e(msg('indicator.series.quote', lang))}</summary><q>{e(quote)}</q></details>"
        used = msg("indicator.series.used" if r["used"] else "indicator.series.not_used", lang)
        cls = " class='used'" if r["used"] else ""
        body.append(f"<tr{cls}><td>{e(_period_text(r, lang))}</td>"
                    f"<td class='num'>{e(_value_text(r, lang))}</td><td>{e(_figure_status(r, lang))}</td>"
                    f"<td>{e(pub)}</td><td class='source'>{src}</td><td class='used'>{e(used)}</td></tr>")
    head = "".join(f"<th>{e(c)}</th>" for c in cols)
    return (f"<table class='dataframe series'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


# Where ``display_indicator_report`` writes the page's downloads (``download_files``): set by the
# batch's engine in the report's kernel for each indicator page (the folder of its page), None
# elsewhere (JupyterLab, nbval, a papermill run of its own). The kernel has the page's figures at
# hand; the batch's worker would otherwise load the data to compute them again.
DOWNLOADS_TO: str | None = None


def download_frames(rows: pd.DataFrame, card: pd.DataFrame, targets: pd.DataFrame, indicator, locality: str,
                    plan_names: dict, lang: str) -> dict[str, pd.DataFrame]:
    """The data behind a page, with names and units in ``lang`` (``sheet name -> frame``): every
    figure (values as numbers) and every target with its status; text cells spreadsheet-safe."""
    from .documents import document_name

    col = lambda k: msg(f"indicator.downloads.col.{k}", lang)  # noqa: E731
    yes, no = msg("indicator.downloads.word_yes", lang), msg("indicator.downloads.word_no", lang)
    unit = narrative._unit(indicator, lang)
    name, loc = narrative.label(indicator, lang), config.LOCALITY_NAMES[locality][lang]
    num = lambda x: None if _na(x) else float(x)  # noqa: E731
    fig = []
    for _, r in rows.iterrows():
        url = r.get("source_url")
        has_url = isinstance(url, str) and url.strip()
        sub = r.get("subperiod") if isinstance(r.get("subperiod"), str) and r.get("subperiod") else "year"
        fig.append({col("indicator"): name, col("locality"): loc, col("period_start"): int(r["period_start"]),
                    col("period_end"): int(r["period_end"]),
                    col("subperiod"): msg(f"indicator.series.subperiod.{sub}", lang) if has(f"indicator.series.subperiod.{sub}", lang) else sub,
                    col("value"): num(r["value"]), col("as_printed"): _value_text(r, lang),
                    col("value_low"): num(r.get("value_low")),
                    col("value_high"): num(r.get("value_high")), col("unit"): unit,
                    col("status"): _figure_status(r, lang), col("published"): str(r.get("published") or ""),
                    col("used"): yes if r["used"] else no,
                    col("document"): "" if has_url else document_name(str(r.get("source_file") or ""), lang),
                    col("line"): None if has_url or _na(r.get("source_line")) else int(r["source_line"]),
                    col("url"): str(url).strip() if has_url else "", col("quote"): str(r.get("quote") or "")})
    fig_cols = [col(k) for k in ("indicator", "locality", "period_start", "period_end", "subperiod", "value", "as_printed", "value_low",
                                 "value_high", "unit", "status", "published", "used", "document", "line", "url", "quote")]
    tg = targets.set_index("target_id")
    tgt = []
    for _, c in card.iterrows():
        t_ = tg.loc[c["target_id"]] if c["target_id"] in tg.index else c
        tgt.append({col("plan"): plan_names.get(c["plan"], c["plan"]), col("indicator"): name, col("locality"): loc,
                    col("period_start"): int(c["period_start"]), col("period_end"): int(c["period_end"]),
                    col("base_year"): None if _na(t_.get("base_year")) else int(t_["base_year"]),
                    col("target_kind"): msg(f"indicator.downloads.kind.{c['target_kind']}", lang),
                    col("low"): num(c["low"]), col("high"): num(c["high"]), col("unit"): unit,
                    col("progress"): narrative.status_label(c["status"], lang),
                    col("latest_value"): num(c.get("latest_value")),
                    col("latest_year"): None if _na(c.get("latest_year")) else int(c["latest_year"]),
                    col("document"): document_name(str(t_.get("source_file") or ""), lang),
                    col("line"): None if _na(t_.get("source_line")) else int(t_["source_line"]),
                    col("quote"): str(t_.get("quote") or "")})
    tgt_cols = [col(k) for k in ("plan", "indicator", "locality", "period_start", "period_end", "base_year", "target_kind",
                                 "low", "high", "unit", "progress", "latest_value", "latest_year", "document", "line", "quote")]
    # years and source lines are whole numbers: a nullable integer column, so that an empty cell
    # (a figure from the web has no line) does not turn the rest into "624.0" in the CSV and the workbook
    ints = lambda df, keys: df.astype({col(k): "Int64" for k in keys})  # noqa: E731
    figs = ints(pd.DataFrame(fig, columns=fig_cols), ("period_start", "period_end", "line"))
    tgts = ints(pd.DataFrame(tgt, columns=tgt_cols), ("period_start", "period_end", "base_year", "latest_year", "line"))
    return {msg("indicator.downloads.sheet.figures", lang): spreadsheet_safe_frame(figs),
            msg("indicator.downloads.sheet.targets", lang): spreadsheet_safe_frame(tgts)}


def download_files(indicator_id: str, locality: str, lang: str, ctx: Context | None = None,
                   rows: pd.DataFrame | None = None) -> dict[str, bytes]:
    """The downloads of one indicator page, ``file name -> bytes``: the figures and the targets as
    CSV (UTF-8 with a BOM, for Excel) and both as one XLSX workbook (``download_names``).
    ``rows``: the page's figures (``series_rows``), when the caller has them."""
    ctx = ctx or get_context()
    cat = ctx.catalog
    ind = cat.indicator(indicator_id)
    card = ctx.card[(ctx.card["indicator_id"] == indicator_id) & (ctx.card["locality"] == locality)]
    if rows is None:
        rows = series_rows(cat.actuals, ctx.best, indicator_id, locality)
    frames = download_frames(rows, card, cat.targets, ind, locality, _plan_names(cat.plans, lang), lang)
    from .export import xlsx_bytes

    figs, tgts = frames.values()
    names = download_names(indicator_id, lang)
    return {names["csv"]: figs.to_csv(index=False).encode("utf-8-sig"),
            names["targets_csv"]: tgts.to_csv(index=False).encode("utf-8-sig"),
            names["xlsx"]: xlsx_bytes(frames)}


def downloads_html(indicator_id: str, lang: str) -> str:
    """Links to the page's downloads (the files ``download_files`` gives, written beside the page)."""
    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    names = download_names(indicator_id, lang)
    links = " · ".join(f"<a href='{e(names[k])}' download>{e(msg(f'indicator.downloads.{k}', lang))}</a>"
                       for k in ("csv", "targets_csv", "xlsx"))
    return (f"<h3>{e(msg('indicator.downloads.head', lang))}</h3><p class='downloads'>"
            f"{e(msg('indicator.downloads.text', lang))} {links}<br><small>{e(msg('indicator.downloads.note', lang))}</small></p>")


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
    bases = base_alternatives(card, cat.actuals)  # the rate required from every version of a base
    paragraphs = narrative.target_paragraphs(card, cat.targets, ind, cat.plans, lang, bases)
    cav = narrative.caveats(cat.actuals, ctx.best, indicator_id, locality, lang)
    title = f"{narrative.label(ind, lang)} — {config.LOCALITY_NAMES[locality][lang]}"
    names = _plan_names(cat.plans, lang)
    fig = None
    if with_figure:
        from .plots import indicator_chart
        fig = indicator_chart(ind, locality, cat.actuals, ctx.best, cat.targets, card, lang, fast=fast_figure,
                              plans=cat.plans)
    return IndicatorReport(indicator_id, locality, lang, title, narrative.indicator_summary(card, ind, locality, lang),
                           paragraphs, cav, card, _table(card, lang, names, ind, bases), fig,
                           overall_status(card["status"].tolist()), conclusion=conclusion(card, ind, names, lang),
                           series=series_rows(cat.actuals, ctx.best, indicator_id, locality))


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
                  end_year: int | None = None, bases: pd.DataFrame | None = None) -> pd.DataFrame:
    """The open targets of each plan ranked by stretch, hardest first, with names and units
    (``progress.stretch_ranking``), for a report in ``lang``. ``end_year`` keeps one deadline. A base
    the sources give in several versions (``bases``, ``progress.base_alternatives``) gives the
    required rate and the stretch as their range (the ranking keeps the best available base)."""
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
            narrative.period_text(x["achieved_from"], x["achieved_to"]))
        level, unit, when = narrative.target_cell_parts(x, i, lang)
        required = narrative.fmt(x["what_it_takes"], lang)
        stretch = ("—" if pd.isna(x["stretch"]) and pd.isna(x["achieved_rate_5y"]) else
                   ("∞" if pd.isna(x["stretch"]) else narrative.fmt(x["stretch"], lang, 2)))
        rng = (narrative.base_range(bases[bases["target_id"] == x["target_id"]])
               if bases is not None and len(bases) and not (not pd.isna(x["stretch"]) and float(x["stretch"]) == 0.0) else None)
        if rng is not None:
            required = narrative.rate_range_text(*rng, lang)
            if not pd.isna(x["stretch"]) and not pd.isna(x["achieved_rate_5y"]) and float(x["achieved_rate_5y"]) != 0:
                a = float(x["achieved_rate_5y"])
                stretch = narrative.rate_range_text(*sorted((rng[0] / a, rng[1] / a)), lang, 2)
        if x["target_kind"] != "average_growth" and base != "—" and rng is not None:
            base = t("overview.base_versions", lang, base=base, n=int((bases["target_id"] == x["target_id"]).sum()))
        rows.append({c["plan"]: pn.get(x["plan"], x["plan"]), c["rank"]: int(x["rank"]),
                     c["indicator"]: narrative.label(i, lang), c["target"]: f"{level} ({when})",
                     c["unit"]: unit, c["baseline"]: base,
                     c["required"]: required,
                     c["achieved"]: narrative.fmt(x["achieved_rate_5y"], lang), c["years"]: years,
                     c["rate_unit"]: narrative.rate_unit_text(x["what_it_takes_unit"], i, lang),
                     c["stretch"]: stretch})
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


def _target_identity(x: dict, c: dict, plan_names: dict, ind: pd.DataFrame, lang: str) -> dict:
    """The cells that name a target in the overview's tables: plan, locality, indicator, period, target, unit."""
    name = narrative.label(ind.loc[x["indicator_id"]], lang)
    # the target with what its period means ("8 (bình quân 2021–2025)", "4.330 (tổng 2021–2025)") and
    # its unit per year where it is one ("%/năm"): the same cell as the index's (narrative.target_cell_parts)
    level, unit, when = narrative.target_cell_parts(x, ind.loc[x["indicator_id"]], lang)
    return {c["plan"]: plan_names.get(x["plan"], x["plan"]), c["locality"]: narrative._short_locality(x["locality"], lang),
            c["indicator"]: name, c["period"]: narrative.period_text(x["period_start"], x["period_end"]),
            c["target"]: f"{level} ({when})", c["unit"]: unit}


def past_targets_table(realism: pd.DataFrame, indicators: pd.DataFrame, plans: pd.DataFrame,
                       lang: str = "en", card: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every past target with an outturn (``progress.planning_realism``) by name: plan, locality,
    indicator, period, target, outturn, the engine's verdict, the gap in the unit and in % of the target."""
    c = _cols(_PAST_KEYS, lang)
    pn = _plan_names(plans, lang)
    ind = indicators.set_index("indicator_id")
    rows = []
    if card is not None:  # the printed outturn range and the target's kind, from the scorecard
        extra = [k for k in ("outturn_low", "outturn_high", "target_kind", "base_year") if k not in realism and k in card]
        realism = realism.merge(card[["target_id", *extra]].drop_duplicates("target_id"), on="target_id", how="left")
    for x in realism.to_dict("records"):
        a = {**x, "latest_value": x["outturn"]}
        gaps = narrative.gap_cells(a, lang)  # over the printed range (1,40–1,65), not its midpoint
        rows.append({**_target_identity(x, c, pn, ind, lang),
                     c["outturn"]: narrative.outturn_text(a, lang) or "—",
                     c["verdict"]: narrative.verdict_label({**a, "status": x["verdict"]}, lang)
                     if isinstance(x["verdict"], str) else "—",  # a miss within 1 % of the target: narrowly missed
                     c["gap"]: gaps["gap"],
                     c["gap_pct"]: "—" if gaps["gap_pct"] == "—" else f"{gaps['gap_pct']} %",
                     c["doc_verdict"]: _doc_verdict(x, lang)})
    return pd.DataFrame(rows, columns=list(c.values()))


def all_targets_table(card: pd.DataFrame, indicators: pd.DataFrame, plans: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Every target by name, with its latest figure, status and rates (no ids, "—" for nothing)."""
    c = _cols(_ALL_KEYS, lang)
    pn = _plan_names(plans, lang)
    ind = indicators.set_index("indicator_id")
    rows = []
    for x in card.to_dict("records"):
        latest = "—" if pd.isna(x["latest_value"]) else f"{narrative.outturn_text(x, lang)} ({figure_years(x)})"
        rows.append({**_target_identity(x, c, pn, ind, lang), c["latest"]: latest,
                     c["status"]: narrative.verdict_label(x, lang),
                     c["observed_rate"]: narrative.observed_rate_text(x, lang),  # 1,40–1,65 as printed, not 1,52
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
            "realism_sentence": narrative.realism_sentence(summary, lang, _forecast_bias(ctx)),
            "realism_table": realism_table(summary, cat.plans, lang),
            "verdict_table": verdict_table(ctx.card, lang),
            "stretch": stretch_table(ctx.card, cat.indicators, cat.plans, lang,
                                     bases=base_alternatives(ctx.card, cat.actuals)),
            "tally_table": tally_table(cmp, cat.plans, lang),
            "past_table": past_targets_table(realism, cat.indicators, cat.plans, lang, ctx.card),
            "targets_table": all_targets_table(ctx.card, cat.indicators, cat.plans, lang)}


def _forecast_bias(ctx: Context) -> dict | None:
    """The feasibility page's growth-target bias, for the overview's reconciling sentence."""
    from .feasibility.display import forecast_bias

    return forecast_bias(ctx)


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
        body += (f"<h3>{e(msg('indicator.caveats', lang))}</h3><ul>"
                 + "".join(f"<li>{e(c)}</li>" for c in caveats) + "</ul>")
    return body


def _md_escape(text: str) -> str:
    return html.escape(str(text), quote=False)


def display_indicator_report(indicator_id: str, locality: str, lang: str = "en") -> IndicatorReport:
    """Show an indicator report in a notebook: the conclusion, the chart, the targets table, the
    observed figures with their sources, the downloads (written beside the page by the batch)
    and the narrative with its caveats."""
    from IPython.display import HTML, display

    rep = indicator_report(indicator_id, locality, lang)
    if DOWNLOADS_TO:  # in a batch: the data behind the page, beside it (see DOWNLOADS_TO)
        from pathlib import Path

        for name, data in download_files(indicator_id, locality, lang, rows=rep.series).items():
            (Path(DOWNLOADS_TO) / name).write_bytes(data)
    e = _md_escape
    display(HTML(f"<h2>{e(rep.title)}</h2><p class='conclusion'><b>{e(rep.conclusion)}</b></p>"
                 f"<p><small>{e(rep.summary)}</small></p>"))
    if rep.figure is not None:
        show_figure(rep.figure)
    ind = get_context().catalog.indicator(indicator_id)
    display(HTML(f"<h3>{e(msg('indicator.targets.head', lang))}</h3>" + table_html(rep.table)
                 + paragraphs_html(rep.paragraphs, [], lang)))
    display(HTML(f"<h3>{e(msg('indicator.series.head', lang))}</h3><p><small>{e(msg('indicator.series.intro', lang))}"
                 f"</small></p>" + series_html(rep.series, ind, lang) + paragraphs_html([], rep.caveats, lang)
                 + downloads_html(indicator_id, lang)))
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
                    part=part, narrow_rule=narrative.narrow_rule_text(lang), heatmap=figure_png(status_heatmap(ctx.card, ctx.catalog.plans, lang)) if part == "all" else "",
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
