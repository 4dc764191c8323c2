"""The ``feasibility`` command and the notebook display (the report layer of the study)."""

from __future__ import annotations


import argparse
import json
import sys

import pandas as pd

from ..i18n import has as msg_has
from ..i18n import t as msg
from ..numbers import format_number
from ..safetext import terminal_safe
from . import params as P
from .study import ParamError, StudyParams, clean_json, run_study
from .text import (check_finding, condition_text, has, likelihood_words, model_name, national_condition, note_text, num,
                   pct, reader_pct, reader_range, t, verdict_paragraph, verdict_text, weight_reason, why_groups, why_text)

__all__ = ["report_json", "display_feasibility", "feasibility_html", "table", "cmd_feasibility"]


def report_json(r) -> dict:
    """The study's JSON with the reader-facing wording added (English findings, both languages' likelihood)."""
    j = r.to_json()
    for c in j["checks"]:
        c["finding"] = check_finding(c, "en", j["params"])
    j["likelihood"]["wording"] = {lang: likelihood_words(j["likelihood"]["term"], lang) for lang in ("en", "vi")}
    j["likelihood"]["scale_text"] = {lang: t("scale", lang) for lang in ("en", "vi")}
    j["verdict"] = {lang: verdict_text(j, lang) for lang in ("en", "vi")}
    j["notes_text"] = [note_text(n, "en") for n in j["notes"]]
    return clean_json(j)


_WEIGHT_KEYS = ("undercovers", "crps_too_high", "trend_not_earned", "too_few_backtests", "duplicate", "failed",
                "not_applicable", "no_backtest", "no_weight")
_PCT_COLS = ("p_ge_low", "p_ge_high", "p_ge_low_raw", "weight", "share", "coverage80_1y", "coverage95_1y", "coverage80_avg",
             "coverage95_avg", "coverage80_avg_full", "coverage95_avg_full", "+0", "-1", "+1", "estimated")
_MODEL_COLS = ("name", "model", "best_single_model", "without")
_VALUE_KEYS = {"group": "g.", "case": "case.", "reason": "x.", "check": "chk.", "source": "src.", "weights": "ew."}
_YEAR_COLS = ("year", "as_of", "period_start", "period_end", "origin")


def page_text(key: str, lang: str, **kw) -> str:
    """A text of the page's layout (``locales/<lang>/feasibility_page.yaml``)."""
    return msg(f"feasibility_page.{key}", lang, **kw)


def _cell(x, col: str, lang: str, reader: bool = False):
    if isinstance(x, (list, tuple)):
        if all(isinstance(v, (int, float)) or v is None for v in x):
            parts = [str(_cell(v, col, lang, reader)) for v in x]
            if len(parts) == 2 and any(isinstance(v, (int, float)) and v < 0 for v in x):
                return page_text("range_to", lang, a=parts[0].replace("-", "−"), b=parts[1].replace("-", "−"))
            return "–".join(parts)
        return ", ".join(model_name(v, lang) for v in x)
    if isinstance(x, dict):
        return ", ".join(f"{model_name(k, lang)} {pct(v, lang)}" for k, v in x.items())
    if isinstance(x, bool):
        return page_text("flag.yes" if x else "flag.no", lang) if col == "flag" else t("yes" if x else "no", lang)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        if x != x:
            return "—"
        if col in _YEAR_COLS or (col in ("origins", "origins_full_horizon", "n", "n_full", "count", "n_provinces",
                                                  "annual_years_available", "years_in_period")):
            return str(int(x))
        if col in _PCT_COLS:
            return reader_pct(x, lang, cell=True) if reader else pct(x, lang)
        return format_number(float(x), lang, 2)
    if x is None or (isinstance(x, str) and not x.strip() and col not in ("reason",)):
        return "—" if x is None else x
    if col in _MODEL_COLS and isinstance(x, str):
        return model_name(x, lang)
    if col in _VALUE_KEYS and isinstance(x, str) and x:
        key = _VALUE_KEYS[col] + x
        return t(key, lang) if has(key) else x
    return x


def table(df: pd.DataFrame, lang: str, headers: dict | None = None, reader: bool = False) -> pd.DataFrame:
    """A table for readers: names for codes, numbers in the language's format (at most two decimals,
    probabilities and shares as percentages), headers translated (``headers`` overrides some).
    ``reader``: probabilities rounded for readers (``text.reader_pct``: whole per cent, "< 1 %"),
    for the tables above the method appendix; the appendix keeps one decimal."""
    if df is None or df.empty:
        return pd.DataFrame()
    headers = headers or {}
    out = pd.DataFrame({c: [_cell(v, c, lang, reader) for v in df[c]] for c in df.columns})
    return out.rename(columns={c: headers.get(c) or (t(f"col.{c}", lang) if has(f"col.{c}") else c) for c in df.columns})


def _weights_table(r, lang: str) -> pd.DataFrame:
    """The model table for the command's text output (English, with the fitting detail)."""
    mt = r.model_table()
    mt["reason"] = [weight_reason(x, lang) if x in _WEIGHT_KEYS else x for x in mt["reason"].fillna("")]
    return mt.drop(columns=["label", "status"] + (["detail"] if lang != "en" else []))


def models_table(r, lang: str) -> pd.DataFrame:
    """Every model: the period average (median, intervals), P(≥ target), weight and why none, by name."""
    mt = r.model_table()
    mt["reason"] = [weight_reason(x, lang) if x in _WEIGHT_KEYS else "" for x in mt["reason"].fillna("")]
    keep = [c for c in ("name", "median", "pi80", "pi95", "p_ge_low", "p_ge_high", "weight", "reason") if c in mt]
    return table(mt[keep], lang, _p_headers(r, lang))


def _p_headers(r, lang: str) -> dict:
    lo, hi = num(r.params["target_low"], lang), num(r.params["target_high"], lang)
    return {"p_ge_low": f"P(≥ {lo} %)", "p_ge_high": f"P(≥ {hi} %)"}


def sensitivity_table(r, lang: str) -> pd.DataFrame:
    from .charts import gap_label

    g = pd.DataFrame((r.sensitivity or {}).get("vietnam_x_gap", []))
    if g.empty:
        return g
    gap = ((r.sensitivity or {}).get("vietnam_x_gap_note") or {}).get("gap_estimated") or {}
    where = lambda c: (gap.get("mean") or 0.0) if c == "estimated" else float(c)  # noqa: E731
    cols = sorted([c for c in g.columns if c != "vietnam_growth"], key=lambda c: (where(c), c == "estimated"))
    g = g[["vietnam_growth"] + cols]
    out = table(g, lang, reader=True)
    out.iloc[:, 0] = [num(v, lang) for v in g["vietnam_growth"]]
    return out.rename(columns={c: gap_label(c, gap.get("mean"), lang).replace("\\", "") for c in cols} |
                      {t("col.estimated", lang): gap_label("estimated", gap.get("mean"), lang).replace("\\", "")})


def history_table(r, lang: str) -> pd.DataFrame:
    h = pd.DataFrame(r.history_asof)
    if h.empty:
        return h
    keep = [c for c in ("as_of", "p_ge_low", "p_ge_high", "median", "new_value", "models_ok", "weights") if c in h]
    return table(h[keep], lang, _p_headers(r, lang), reader=True)


def audit_table(j: dict, lang: str) -> pd.DataFrame:
    rows = [{"check": c["check"], "flag": bool(c["flag"]), "finding": check_finding(c, lang, j["params"])}
            for c in j["checks"]]
    rows.sort(key=lambda x: not x["flag"])  # the problems first
    return table(pd.DataFrame(rows), lang)


def plan_forecasts_table(r, plans: pd.DataFrame, lang: str, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Past growth targets used as forecasts, by plan title and locality name (no ids), with where each
    target is written (document title and line; ``targets`` is the catalogue's targets table)."""
    from .. import config
    from ..report import figure_source
    from .study import CFG

    src = {}
    if targets is not None:
        src = {x["target_id"]: x for x in targets.to_dict("records")}
    src |= {x["target_id"]: x for x in CFG["audit"].get("extra_targets", [])}
    pe = r.plan_errors
    if pe is None or pe.empty:
        return pd.DataFrame()
    col = f"short_{lang}" if f"short_{lang}" in plans else f"name_{lang}"
    names = dict(zip(plans["plan"], plans[col])) if not plans.empty else {}
    c = lambda k: page_text(f"col.{k}", lang)  # noqa: E731
    rows = [{c("plan"): names.get(x["plan"], page_text("plan_other", lang)),
             c("locality"): config.LOCALITY_NAMES.get(x["locality"], {}).get(lang, "—").split(" (")[0],
             c("period"): str(int(x["period_start"])) if x["period_start"] == x["period_end"]
             else f"{int(x['period_start'])}–{int(x['period_end'])}",
             c("target"): num(x["target"], lang, 2), c("outturn"): num(x["outturn"], lang, 2),
             c("error_pp"): num(x["error_pp"], lang, 2),
             c("target_source"): figure_source(src[x["target_id"]], lang)[0] if x["target_id"] in src else "—"}
            for x in pe.to_dict("records")]
    return pd.DataFrame(rows)


def plan_excluded_table(r, targets: pd.DataFrame, plans: pd.DataFrame, lang: str) -> pd.DataFrame:
    from .. import config

    pe = r.plan_excluded
    if pe is None or pe.empty:
        return pd.DataFrame()
    col = f"short_{lang}" if f"short_{lang}" in plans else f"name_{lang}"
    names = dict(zip(plans["plan"], plans[col])) if not plans.empty else {}
    plan_of = dict(zip(targets["target_id"], targets["plan"]))
    c = lambda k: page_text(f"col.{k}", lang)  # noqa: E731
    return pd.DataFrame([{c("plan"): names.get(plan_of.get(x["target_id"]), page_text("plan_other", lang)),
                          c("locality"): config.LOCALITY_NAMES.get(x["locality"], {}).get(lang, "—").split(" (")[0],
                          c("period"): str(int(x["period_start"])) if x["period_start"] == x["period_end"]
                          else f"{int(x['period_start'])}–{int(x['period_end'])}",
                          c("target"): num(x["target"], lang, 2),
                          c("reason"): t(f"x.{x['reason']}", lang) if has(f"x.{x['reason']}") else x["reason"]}
                         for x in pe.to_dict("records")])


def base_rates_table(r, lang: str) -> pd.DataFrame:
    """How often provinces grew more than 10 %: what was counted, in words (no ids or codes)."""
    b = r.base_rates
    if b is None or b.empty:
        return pd.DataFrame()
    from ..report import figure_source

    c = lambda k: page_text(f"col.{k}", lang)  # noqa: E731
    rows = []
    for x in b.to_dict("records"):
        cmp = page_text(f"base.{x['comparison']}", lang) if msg_has(f"feasibility_page.base.{x['comparison']}") \
            else str(x["comparison"])
        sub = str(x.get("subperiod") or "year")
        part = page_text(f"part.{sub}", lang) if msg_has(f"feasibility_page.part.{sub}") else sub
        period = str(x["period"]).replace("-", "–")
        measure = str(x["measure"])
        if sub != "year":  # a part of the year (first half, nine months): growth against the same part a year before
            period = page_text("period_part", lang, part=part, p=period)
            measure = f"{measure}_part" if msg_has(f"feasibility_page.base.{measure}_part") else measure
        what = (page_text(f"base.{measure}", lang, cmp=cmp, part=part) if msg_has(f"feasibility_page.base.{measure}")
                else measure)
        row = {c("period"): period,
               c("what"): what, c("count"): ("≥ " if x.get("count_kind") == "at_least" else "") + str(int(x["count"])),
               c("of"): str(int(x["n_provinces"])), c("share"): pct(x["share"], lang),
               c("source"): figure_source(x, lang)[0] if x.get("source_url") else "—"}
        if lang == "en":  # the data's notes are written in English
            row[c("note")] = x.get("note") or ""
        rows.append(row)
    return pd.DataFrame(rows)


def _figure_source(actual_id: str, lang: str) -> str:
    """Where a figure of the catalogue comes from, as the indicator pages name it (document and line,
    or the web address's site)."""
    from ..report import figure_source, get_catalog

    a = get_catalog().actuals
    row = a[a["actual_id"] == actual_id]
    return figure_source(row.iloc[0].to_dict(), lang)[0] if len(row) else ""


def series_table(r, lang: str) -> pd.DataFrame:
    """The growth series used: year, growth, how it was obtained (published or derived) and its status."""
    h = r.history
    c = lambda k: page_text(f"col.{k}", lang)  # noqa: E731
    rows = []
    for x in h.to_dict("records"):
        st = str(x.get("status") or "")
        status = (msg(f"status.figure.{st}", lang) if msg_has(f"status.figure.{st}")
                  else (t(f"src.{st}", lang) if has(f"src.{st}") else "—"))
        how = t(f"src.{x['source']}", lang) if has(f"src.{x['source']}") else "—"
        where = _figure_source(str(x.get("detail") or "").split(" ")[0], lang) if x.get("source") == "published" else ""
        rows.append({t("col.year", lang): str(int(x["year"])), t("col.value", lang): num(x["value"], lang, 2),
                     t("col.source", lang): f"{how}: {where}" if where else how,
                     c("status"): status})
    return pd.DataFrame(rows)


def national_series_table(r, lang: str, context=None) -> pd.DataFrame:
    """Vietnam's annual growth series as the study reads it (the national anchor, the backtests and
    the recession component): year, growth, status and source (site, or document and line)."""
    from ..report import figure_source, get_context
    from .series import locality_growth_series

    ctx = context or get_context()
    s = locality_growth_series(ctx.best, "vietnam").through(int(r.params["data_through"])).frame
    rows_by_id = ctx.best.set_index("actual_id")
    c = lambda k: page_text(f"col.{k}", lang)  # noqa: E731
    rows = []
    for x in s.to_dict("records"):
        aid = str(x.get("detail") or "").split(" ")[0]
        src = figure_source(rows_by_id.loc[aid].to_dict(), lang)[0] if aid in rows_by_id.index else "—"
        st = str(x.get("status") or "")
        rows.append({t("col.year", lang): str(int(x["year"])), t("col.value", lang): num(x["value"], lang, 2),
                     c("status"): msg(f"status.figure.{st}", lang) if msg_has(f"status.figure.{st}") else "—",
                     t("col.source", lang): src})
    return pd.DataFrame(rows)


def _locality(loc: str, lang: str) -> str:
    from .. import config

    return config.LOCALITY_NAMES.get(loc, {}).get(lang, loc).split(" (")[0]


def recession_text(r, lang: str, context=None) -> str:
    """Where the recession component's frequency and size come from: which series, which years, the
    rule, the episodes and years at risk, and the yearly rate (``StudyResult.shock``)."""
    from ..report import get_context
    from .series import locality_growth_series
    from .study import CFG

    sh = r.shock or {}
    if not sh:
        return page_text("shock.none", lang)
    ctx = context or get_context()
    dt = int(r.params["data_through"])
    spans = []
    for loc in CFG["shock"]["series"]:
        y = locality_growth_series(ctx.best, loc).through(dt).years
        if len(y):
            name = _locality(loc, lang)
            name = name[:1].lower() + name[1:] if loc == "vietnam" and lang == "vi" else name  # "cả nước" mid-sentence
            spans.append(page_text("shock.span", lang, name=name, a=int(y.min()), b=int(y.max()), n=len(y)))
    return page_text("shock.text", lang, series="; ".join(spans), dt=dt, drop=num(CFG["shock"]["drop_pp"], lang, 0),
                     window=CFG["shock"]["window"], years=sh["years_at_risk"], episodes=sh["episodes"],
                     rate=pct(sh["rate_per_year"], lang), found=len(sh.get("found") or []))


def recession_table(r, lang: str) -> pd.DataFrame:
    """The recession years found (series, year, growth, distance below the previous years' mean)."""
    found = (r.shock or {}).get("found") or []
    c = lambda k: page_text(f"col.{k}", lang)  # noqa: E731
    return pd.DataFrame([{c("series"): _locality(x["series"], lang), t("col.year", lang): str(int(x["year"])),
                          t("col.value", lang): num(x["growth"], lang, 2), c("below_mean"): num(-x["deviation_pp"], lang, 2)}
                         for x in sorted(found, key=lambda x: (x["year"], x["series"]))])


def _blocks_html(blocks: list[tuple[str, pd.DataFrame]]) -> str:
    """One HTML table from blocks with the same columns, each block under a heading row that names it."""
    import html

    blocks = [(name, df) for name, df in blocks if df is not None and not df.empty]
    if not blocks:
        return "<p>—</p>"
    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    cols = list(blocks[0][1].columns)
    head = "".join(f"<th>{e(c)}</th>" for c in cols)
    body = []
    for name, df in blocks:
        body.append(f"<tr class='block'><th colspan='{len(cols)}' scope='rowgroup' "
                    f"style='text-align:left;background:#e8eef5'>{e(name)}</th></tr>")
        for row in df.itertuples(index=False):
            body.append("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>")
    return f"<table class='dataframe'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def ensemble_backtest_html(r, lang: str) -> str:
    """The ensemble's backtest table: one block per way of weighting (final weights, weights known at
    each origin, those widened as for the answer), each under a heading row in words."""
    eb = r.ensemble_backtest
    if eb is None or eb.empty or "weights" not in eb:
        return "<p>—</p>"
    order = ["known_at_origin_recalibrated", "known_at_origin", "final"]  # the fair test first
    kinds = sorted(eb["weights"].unique(), key=lambda k: order.index(k) if k in order else len(order))
    return _blocks_html([(t(f"ew.{k}", lang) if has(f"ew.{k}") else str(k),
                          table(eb[eb["weights"] == k].drop(columns=["weights"]), lang)) for k in kinds])


def _audit_figures(p: dict, cfg: dict) -> list[tuple[str, tuple]]:
    """The figures each plan-consistency check reads (checks.py), as (check, figure) pairs: a figure
    is ("target", indicator, period end or None), ("actual", indicator, year, locality) for the best
    figure, ("versions", indicator, year) for every published version, ("appendix8",) for
    appendix 8's current-price levels, ("scenarios", indicators or None) for the rows of its scenarios
    (``[audit] deflator_scenarios``; the deflator reads their levels and growth), ("scenario", indicator)
    for the plans' projection over the study's period."""
    s, e = int(p["start_year"]), int(p["end_year"])
    m = "can_tho_merged"
    defl = ("scenarios", ("grdp_current", "grdp_constant", "grdp_growth"))  # the scenarios' built-in deflator
    T = lambda ind, y=e: ("target", ind, y)  # noqa: E731
    A = lambda ind, loc=m: ("actual", ind, s, loc)  # noqa: E731
    spec = {
        "sector_arithmetic": [A("share_agriculture"), A("agri_growth")] + [A(f"{k}_growth") for k in (
            "industry_construction", "services", "product_taxes")] + [A(f"share_{k}") for k in (
                "industry_construction", "services", "product_taxes")],
        "investment": [T("investment_share_grdp"), T("total_investment"), T("grdp_current"), A("total_investment"),
                       A("grdp_current"), A("total_investment", "can_tho_old"), A("grdp_current", "can_tho_old"),
                       ("versions", "grdp_current", s)],
        "nominal_target_and_deflator": [T("grdp_current"), ("versions", "grdp_current", s), ("appendix8",)],
        "appendix8_deflator": [("appendix8",), defl, T("grdp_current"), ("versions", "grdp_current", s)],
        "per_capita_times_population": [T("grdp_per_capita"), T("population"), T("grdp_current"),
                                        ("versions", "grdp_per_capita", s), ("scenarios", ("population",))],
        "appendix8_scenarios": [("scenarios", None)],
        "labour_productivity": [T("labour_productivity"), T("employed_persons"), T("grdp_current"),
                                ("versions", "labour_productivity", s), ("versions", "grdp_current", s), defl],
        "exports_and_budget": [T("exports_fx"), T("exports_fx_growth", None), T("budget_revenue"),
                               T("budget_revenue_growth", None), ("versions", "exports_fx", s),
                               ("versions", "budget_revenue", s), defl],
        "structure_conditional": [A("share_agriculture"), A("agri_growth"), T("share_agriculture")],
        "population": [A("population"), T("population"), ("scenario", "population_growth")],
    }
    return [(chk, f) for chk, figs in spec.items() for f in figs]


def audit_inputs_table(r, lang: str, context=None) -> pd.DataFrame:
    """Every figure the plan-consistency checks use, once, with the checks that use it and its source
    (document title and line, or web address): the plan's targets, the outturns of the base year,
    appendix 8's levels and scenarios."""
    from ..report import figure_source, get_context
    from .checks import PLAN
    from .series import APPENDIX8_SERIES
    from .study import CFG

    ctx = context or get_context()
    cat = ctx.catalog
    p = r.params
    s, e = int(p["start_year"]), int(p["end_year"])
    ind = cat.indicators.set_index("indicator_id")
    name_col = "name_vi" if lang == "vi" else "name_en"
    iname = lambda i: str(ind.loc[i, name_col]) if i in ind.index else i  # noqa: E731
    sc = cat.scenarios
    sids = tuple(f"{x}." for x in CFG["audit"].get("deflator_scenarios", ()))
    a = cat.actuals
    whole = a["subperiod"].fillna("year") == "year"
    rows: dict[tuple, dict] = {}

    def add(key, chk, what, kind, value, row, value_text=None):
        x = rows.setdefault(key, {"what": what, "kind": kind, "value": value_text if value_text is not None else (
            format_number(float(value), lang, 0 if abs(float(value)) >= 1000 else 2)), "checks": [], "row": row})
        if chk not in x["checks"]:
            x["checks"].append(chk)

    for chk, f in _audit_figures(p, CFG["audit"]):
        if f[0] == "target":
            tg = cat.targets[(cat.targets["plan"] == PLAN) & (cat.targets["indicator_id"] == f[1])]
            if f[2] is not None:
                tg = tg[tg["period_end"] == f[2]]
            for x in tg.head(1).to_dict("records"):
                v = x["low"] if pd.notna(x["low"]) else x["high"]
                add(("t", x["target_id"]), chk, iname(f[1]), page_text("audit_in.target", lang, y=int(x["period_end"])),
                    v, x)
        elif f[0] == "actual":
            b = ctx.best[(ctx.best["indicator_id"] == f[1]) & (ctx.best["locality"] == f[3])
                         & (ctx.best["period_start"] == f[2]) & (ctx.best["period_end"] == f[2])]
            for x in b.to_dict("records"):
                add(("a", x["actual_id"]), chk, f"{iname(f[1])}, {_locality(f[3], lang)}",
                    page_text("audit_in.outturn", lang, y=f[2]), x["value"], x)
        elif f[0] in ("versions", "appendix8"):
            if f[0] == "versions":
                v = a[(a["indicator_id"] == f[1]) & (a["locality"] == "can_tho_merged") & (a["period_start"] == f[2])
                      & (a["period_end"] == f[2]) & whole]
            else:
                v = a[(a["series"].fillna("") == APPENDIX8_SERIES)] if "series" in a else a.iloc[0:0]
            for x in v.sort_values(["period_start", "value"]).to_dict("records"):
                bound = x.get("value_kind") == "lower_bound"
                add(("a", x["actual_id"]), chk, f"{iname(x['indicator_id'])}, {_locality(x['locality'], lang)}",
                    page_text("audit_in.outturn", lang, y=int(x["period_start"])), x["value"], x,
                    (">" if bound else "") + format_number(float(x["value"]), lang, 0 if abs(float(x["value"])) >= 1000
                                                           else 2))
        elif f[0] in ("scenarios", "scenario"):
            if f[0] == "scenarios":
                v = sc[sc["scenario_id"].str.startswith(sids)]
                v = v if f[1] is None else v[v["scenario_id"].str.split(".", n=1).str[1].isin(f[1])]
            else:
                v = sc[(sc["indicator_id"] == f[1]) & (sc["period_start"] == s + 1) & (sc["period_end"] == e)]
            for x in v.to_dict("records"):
                label = x["scenario_vi"] if lang == "vi" else x["scenario"]
                add(("s", x["scenario_id"]), chk, f"{iname(x['indicator_id'])}: {label}",
                    page_text("audit_in.scenario", lang, y=int(x["period_end"])), x["value"], x)
    c = lambda k: page_text(f"col.{k}", lang)  # noqa: E731
    out = [{c("figure"): x["what"], c("kind"): x["kind"], c("value"): x["value"],
            c("used_by"): ", ".join(t(f"chk.{k}", lang) for k in x["checks"]),
            t("col.source", lang): figure_source(x["row"], lang)[0] or "—"} for x in rows.values()]
    return pd.DataFrame(out)


def bias_reconciliation(r, lang: str, context=None) -> str:
    """One sentence reconciling this page's growth-target bias (distinct targets used as forecasts,
    ``StudyResult.plan_errors``) with the overview's (every real GRDP growth target of the planning-
    realism plans with an outturn, ``progress.realism_summary``): different sets, both correct."""
    from .. import progress
    from ..report import get_context

    pe = r.plan_errors
    if pe is None or pe.empty:
        return ""
    ctx = context or get_context()
    realism = progress.planning_realism(ctx.card, ctx.catalog.indicators)
    g = realism[realism["indicator_id"] == "grdp_growth"]
    if g.empty:
        return ""
    return t("reconcile", lang, me=num(float(pe["error_pp"].mean()), lang, 2), k=len(pe),
             ov=num(-float(g["gap"].mean()), lang, 2), ov_k=len(g))


def forecast_bias(context=None) -> dict | None:
    """The feasibility audit's growth-target bias at the study's default parameters, without running
    the study: mean error (target − outturn, points) and count of the distinct past growth targets
    used as forecasts (``checks.plan_target_errors``); for the overview's reconciling sentence."""
    from ..report import get_context
    from . import checks as C
    from .study import CFG

    ctx = context or get_context()
    cat, d = ctx.catalog, P.DEFAULTS
    inp = C.AuditInput(cat.targets, cat.actuals, cat.scenarios, ctx.best, ctx.card, pd.DataFrame(columns=["year", "value"]),
                       float(d["target_low"]), float(d["target_high"]), int(d["start_year"]), int(d["end_year"]), [],
                       CFG["audit"])
    used, _ = C.plan_target_errors(inp)
    if used.empty:
        return None
    return {"mean_error_pp": float(used["error_pp"].mean()), "targets": int(len(used))}


def period_checks_table(r, lang: str) -> pd.DataFrame:
    pc = r.period_checks
    if pc is None or pc.empty:
        return pd.DataFrame()
    pc = pc.copy()
    pc["period"] = pc["period"].astype(str).str.replace("-", "–")
    st = pc.pop("status")
    out = table(pc, lang)
    out.insert(2, page_text("col.status", lang),
               [msg(f"status.figure.{s}", lang) if msg_has(f"status.figure.{s}") else "—" for s in st])
    return out


def glance_table(r, j: dict, lang: str, context=None) -> pd.DataFrame:
    """The answer at a glance: probability, range, central estimate, what it takes, what was achieved
    (the study's series and, with ``context``, the published average of the same years), audit."""
    from .charts import recent_average

    g = lambda key, **kw: page_text(f"glance.{key}", lang, **kw)  # noqa: E731
    p, e, lik = j["params"], j["ensemble"], j["likelihood"]
    lo, hi = num(p["target_low"], lang), num(p["target_high"], lang)
    rows = []
    if e.get("p_ge_low") is not None:
        rows.append((g("p", lo=lo), reader_pct(e["p_ge_low"], lang, cell=True)))
        rows.append((g("p_high", hi=hi), reader_pct(e.get("p_ge_high"), lang, cell=True)))
        rng = lik.get("range")
        if rng:
            rows.append((g("range"), reader_range(rng[0], rng[1], lang)))
        c = national_condition(j)
        if c is not None and j.get("simulated_years", [1]):
            v, pv = c["top"]
            rows.append((g("p_national", lo=lo, vn=num(v, lang, 0 if v == int(v) else 1),
                           gap=("+" if c["gap"] > 0 else "") + num(c["gap"], lang)), reader_pct(pv, lang, cell=True)))
    if e.get("median") is not None and e.get("pi80"):
        rows.append((g("median"), g("value_median", m=num(e["median"], lang), a=num(e["pi80"][0], lang),
                                    b=num(e["pi80"][1], lang))))
    req = j["required_growth"]
    if req.get("low") is not None:
        rows.append((g("required"), g("value_rate_range", a=num(req["low"], lang), b=num(req["high"], lang))))
    rec = recent_average(r.history)
    if rec:
        pub = published_average(r.history, rec[0], rec[1], context.best) if context is not None else None
        rows.append((g("achieved_study" if pub is not None and pub["derived"] else "achieved", a0=rec[0], a1=rec[1]),
                     g("value_rate", v=num(rec[2], lang, 2))))
        if pub is not None:
            rows.append((g("achieved_published", a0=rec[0], a1=rec[1]), g("value_rate", v=num(pub["value"], lang, 2))))
    rows.append((g("audit"), g("value_count", k=sum(1 for c in j["checks"] if c["flag"]), n=len(j["checks"]))))
    rows.append((g("data"), str(p["data_through"])))
    return pd.DataFrame(rows, columns=[g("what"), g("value")])


def headline(j: dict, lang: str) -> str:
    """The verdict in one line, conditional on national growth: likelihood words if Vietnam keeps
    growing as it has, the ensemble's probability and the range across the defensible variants,
    rounded for readers (``text.reader_pct``). :func:`headline_condition` gives the second line."""
    e, lik = j["ensemble"], j["likelihood"]
    if not j.get("simulated_years", [1]) and e.get("median") is not None:
        return page_text("headline_complete", lang, avg=num(e["median"], lang, 2))
    if e.get("p_ge_low") is None:
        return page_text("headline_none", lang)
    rng = lik.get("range") or [e["p_ge_low"], e["p_ge_low"]]
    words = likelihood_words(lik.get("term"), lang)
    cond = ""
    if (j.get("sensitivity") or {}).get("vietnam_x_gap"):
        vn = vietnam_centre(j)
        cond = (page_text("headline_if_n", lang, vn=num(vn, lang)) if vn is not None
                else page_text("headline_if", lang))
    return page_text("headline", lang, words=words[:1].upper() + words[1:], cond=cond,
                     p=reader_pct(e["p_ge_low"], lang), range=reader_range(rng[0], rng[1], lang))


def vietnam_centre(j: dict) -> float | None:
    """Where the national-anchor model centres Vietnam's average growth (the centre of its past
    five-year averages): what "as it has" means in the headline."""
    m = next((m for m in j.get("models") or [] if m.get("name") == "national_anchor"), None)
    v = ((m or {}).get("info") or {}).get("vn_centre")
    return float(v) if v is not None else None


def headline_caveat(j: dict, lang: str) -> str:
    """A third line when the backtest says the intervals are too narrow or too wide: the 80 %
    intervals of the recalibrated ensemble, known at each origin, against the 70–90 % target."""
    e = j["ensemble"]
    if e.get("p_ge_low") is None or not j.get("simulated_years", [1]):
        return ""
    row = next((r for r in j.get("ensemble_backtest") or []
                if r.get("weights") == "known_at_origin_recalibrated" and r.get("group") == "all"), None)
    if not row or row.get("coverage80_avg") is None or 0.7 <= row["coverage80_avg"] <= 0.9:
        return ""
    rng = (j.get("likelihood") or {}).get("range") or [e["p_ge_low"], e["p_ge_low"]]
    full = row.get("coverage80_avg_full")
    key = "headline_caveat" if row["coverage80_avg"] < 0.7 else "headline_caveat_wide"
    return page_text(key, lang, c80=reader_pct(row["coverage80_avg"], lang),
                     cf=reader_pct(full, lang) if full is not None else "—", p=reader_pct(e["p_ge_low"], lang),
                     range=reader_range(rng[0], rng[1], lang), n=row.get("origins", 0))


def headline_condition(j: dict, lang: str) -> str:
    """The headline's second line: what it would take from national growth (``text.condition_text``)."""
    e = j["ensemble"]
    if e.get("p_ge_low") is None or not j.get("simulated_years", [1]):
        return ""
    return condition_text(j, lang)


def published_average(history: pd.DataFrame, first: int, last: int, best: pd.DataFrame | None) -> dict | None:
    """The merged city's published average growth for exactly ``first``–``last``, beside the study's own
    average of those years (which rests on back-cast years): ``value``, the best-available row and the
    years of the study's series that are back-cast (``derived``). None when nothing is published for
    those years."""
    if best is None or best.empty:
        return None
    m = best[(best["indicator_id"] == "grdp_growth") & (best["locality"] == "can_tho_merged")
             & (best["period_start"] == int(first)) & (best["period_end"] == int(last))]
    if m.empty:
        return None
    h = history[(history["year"] >= first) & (history["year"] <= last)]
    derived = ([int(y) for y, s in zip(h["year"], h["source"]) if s == "derived"] if "source" in h else [])
    row = m.iloc[0].to_dict()
    return {"value": float(row["value"]), "row": row, "derived": derived}


def _published_text(pub: dict | None, a0: int, a1: int, lang: str) -> str:
    """Two sentences: how the study's average of back-cast years is made, and the published average
    with its status, date and source."""
    from ..narrative import source_who
    from ..pages import format_vintage

    if pub is None:
        return ""
    out = ""
    d = pub["derived"]
    if d:
        years = str(d[0]) if len(d) == 1 else f"{d[0]}–{d[-1]}" if d == list(range(d[0], d[-1] + 1)) else ", ".join(map(str, d))
        out += " " + page_text("takes_backcast", lang, a0=a0, a1=a1, years=years)
    r = pub["row"]
    st = r.get("status")
    pubd = r.get("published")
    out += " " + page_text("takes_published", lang, a0=a0, a1=a1, pub=num(pub["value"], lang, 2),
                           status=msg(f"status.figure.{st}", lang) if msg_has(f"status.figure.{st}") else str(st),
                           date=format_vintage(str(pubd), lang) if isinstance(pubd, str) and pubd else "—",
                           source=source_who(r, lang))
    return out


def what_it_takes(r, j: dict, lang: str, context=None) -> str:
    """Required growth per year against the growth achieved over the last five years; with ``context``
    (the catalogue's best figures) the published average of those years beside the study's own, the
    back-cast's method in one sentence and the published figure's source."""
    from .charts import recent_average

    req = j["required_growth"]
    if req.get("low") is None:
        return page_text("takes_done", lang)
    kw = dict(rl=num(req["low"], lang), rh=num(req["high"], lang), k=req["remaining_years"],
              years=", ".join(map(str, req["years"])))
    rec = recent_average(r.history)
    if not rec or rec[2] <= 0:
        return page_text("takes_no_history", lang, **kw)
    pub = published_average(r.history, rec[0], rec[1], context.best) if context is not None else None
    return page_text("takes", lang, a0=rec[0], a1=rec[1], ach=num(rec[2], lang, 2),
                     x=format_number(req["low"] / rec[2], lang, 2), **kw) + _published_text(pub, rec[0], rec[1], lang)


def _params(target_low, target_high, start_year, end_year, data_through, n_paths, seed) -> StudyParams:
    d = P.DEFAULTS
    return StudyParams(target_low=d["target_low"] if target_low is None else float(target_low),
                       target_high=d["target_high"] if target_high is None else float(target_high),
                       start_year=d["start_year"] if start_year is None else int(start_year),
                       end_year=d["end_year"] if end_year is None else int(end_year),
                       data_through=None if data_through is None else int(data_through),
                       n_paths=d["n_paths"] if n_paths is None else int(n_paths), seed=d["seed"] if seed is None else int(seed))


def feasibility_html(r, lang: str = "en", context=None) -> str:
    """The feasibility page's body (``templates/feasibility.html.j2``) for a decision maker: the verdict,
    what it takes and why with three charts; then readable tables; then the method as an appendix."""
    from markupsafe import Markup

    from ..report import figure_png, fragment, get_context, table_html
    from . import charts

    ctx = context or get_context()
    j = report_json(r)
    p = j["params"]
    reconcile = bias_reconciliation(r, lang, ctx)
    safe = lambda df: Markup(table_html(df)) if df is not None and len(df) else Markup("<p>—</p>")  # noqa: E731
    sens = r.sensitivity or {}
    covid = pd.DataFrame(sens.get("covid") or [])
    loo = pd.DataFrame(sens.get("leave_one_out") or [])
    m = lambda key, **kw: page_text(key, lang, **kw)  # noqa: E731
    return fragment(
        "feasibility.html.j2", m=m,
        title=m("title", lo=num(p["target_low"], lang), hi=num(p["target_high"], lang), s=p["start_year"],
                e=p["end_year"]),
        headline=headline(j, lang), condition=headline_condition(j, lang), caveat=headline_caveat(j, lang),
        verdict=verdict_paragraph(j, lang, with_condition=False),
        takes=what_it_takes(r, j, lang, ctx), why=why_groups(j, lang, {"plans": [reconcile]}),
        glance=safe(glance_table(r, j, lang, ctx)),
        top_charts=[figure_png(charts.average_fan_chart(r, lang)), figure_png(charts.sensitivity_chart(r, lang)),
                    figure_png(charts.history_chart(r, lang))],
        models=safe(models_table(r, lang)), sensitivity=safe(sensitivity_table(r, lang)),
        covid=safe(table(covid, lang, _p_headers(r, lang), reader=True)),
        loo=safe(table(loo, lang, _p_headers(r, lang), reader=True)),
        history=safe(history_table(r, lang)),
        moves=[why_text(row, lang, prev) for prev, row in zip([None] + list(r.history_asof), r.history_asof)
               if row.get("why")],
        first_year=safe(table(r.first_year_table(), lang)), audit=safe(audit_table(j, lang)),
        paths_chart=figure_png(charts.fan_chart(r, lang)), dist_chart=figure_png(charts.distribution_chart(r, lang)),
        coverage_chart=figure_png(charts.coverage_chart(r, lang)),
        ensemble_backtest=Markup(ensemble_backtest_html(r, lang)),
        by_model=safe(table(r.backtest_summary, lang)),
        plan_forecasts=safe(plan_forecasts_table(r, ctx.catalog.plans, lang, ctx.catalog.targets)), reconcile=reconcile,
        plan_excluded=safe(plan_excluded_table(r, ctx.catalog.targets, ctx.catalog.plans, lang))
        if r.plan_excluded is not None and not r.plan_excluded.empty else None,
        base_rates=safe(base_rates_table(r, lang)), series=safe(series_table(r, lang)),
        national=safe(national_series_table(r, lang, ctx)), recession=recession_text(r, lang, ctx),
        recession_years=safe(recession_table(r, lang)), audit_inputs=safe(audit_inputs_table(r, lang, ctx)),
        period_checks=safe(period_checks_table(r, lang)),
        notes=[note_text(n, lang) for n in j["notes"]])


def display_feasibility(target_low=None, target_high=None, start_year=None, end_year=None, data_through=None,
                        n_paths=None, seed=None, lang="en"):
    """Run the study and show it in a notebook (one HTML output, see :func:`feasibility_html`)."""
    from IPython.display import HTML, display

    r = run_study(_params(target_low, target_high, start_year, end_year, data_through, n_paths, seed))
    display(HTML(feasibility_html(r, lang)))
    return r


# --------------------------------------------------------------------------- command
def cmd_feasibility(args: argparse.Namespace) -> int:
    try:
        p = StudyParams(target_low=args.target_low, target_high=args.target_high, start_year=args.start,
                        end_year=args.end, data_through=args.data_through, n_paths=args.n_paths, seed=args.seed)
        r = run_study(p)
    except ParamError as e:
        print(terminal_safe(f"feasibility: {e}"), file=sys.stderr)
        return 2
    j = report_json(r)
    if args.format == "json":
        print(json.dumps(j, ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    lang = "en"
    with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_colwidth", 60):
        print(f"Average real GRDP growth {p.start_year}-{p.end_year} (base {p.start_year}), merged Cần Thơ, data through "
              f"{r.params['data_through']}; target {p.target_low:g}-{p.target_high:g} %/yr; {p.n_paths} paths per model, "
              f"seed {p.seed}.\n")
        for x in j["verdict"][lang]:
            print(terminal_safe(x) + "\n")
        print(_weights_table(r, lang).to_string(index=False))
        print("\nFirst year:\n" + r.first_year_table().to_string(index=False))
        print("\nEnsemble backtest:\n" + (r.ensemble_backtest.round(3).to_string(index=False)
                                          if not r.ensemble_backtest.empty else "-"))
        print("\nBacktests by model:\n" + r.backtest_summary.to_string(index=False))
        sens = r.sensitivity or {}
        if sens:
            print("\nSensitivity: P(average >= target low) by Vietnam's average growth (rows) and the city-Vietnam gap (columns):")
            print(pd.DataFrame(sens["vietnam_x_gap"]).to_string(index=False))
            print("\nCovid treatment:\n" + pd.DataFrame(sens["covid"]).to_string(index=False))
            print("\nLeaving one model out:\n" + pd.DataFrame(sens["leave_one_out"]).to_string(index=False))
        print("\nAs of each year:\n" + pd.DataFrame(r.history_asof).drop(columns=["why"], errors="ignore").to_string(index=False))
        print("\nPlan targets as forecasts (target - outturn):\n" + r.plan_errors.to_string(index=False))
        if not r.plan_excluded.empty:
            print("Excluded:\n" + r.plan_excluded.to_string(index=False))
        print("\nPlan-consistency audit:")
        for c in j["checks"]:
            print(terminal_safe(f"- [{'FLAG' if c['flag'] else 'ok'}] {c['check']}: {c['finding']}"))
        for n in j["notes_text"]:
            print(terminal_safe("Note: " + n))
    return 0
