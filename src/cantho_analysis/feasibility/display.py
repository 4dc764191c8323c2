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
from .text import (check_finding, has, likelihood_words, model_name, note_text, num, pct, t, verdict_text, weight_reason,
                   why_text)

__all__ = ["report_json", "display_feasibility", "feasibility_html", "table", "cmd_feasibility", "register"]


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


def _cell(x, col: str, lang: str):
    if isinstance(x, (list, tuple)):
        if all(isinstance(v, (int, float)) or v is None for v in x):
            parts = [str(_cell(v, col, lang)) for v in x]
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
                                                  "annual_years_available")):
            return str(int(x))
        if col in _PCT_COLS:
            return pct(x, lang)
        return format_number(float(x), lang, 2)
    if x is None or (isinstance(x, str) and not x.strip() and col not in ("reason",)):
        return "—" if x is None else x
    if col in _MODEL_COLS and isinstance(x, str):
        return model_name(x, lang)
    if col in _VALUE_KEYS and isinstance(x, str) and x:
        key = _VALUE_KEYS[col] + x
        return t(key, lang) if has(key) else x
    return x


def table(df: pd.DataFrame, lang: str, headers: dict | None = None) -> pd.DataFrame:
    """A table for readers: names for codes, numbers in the language's format (at most two decimals,
    probabilities and shares as percentages), headers translated (``headers`` overrides some)."""
    if df is None or df.empty:
        return pd.DataFrame()
    headers = headers or {}
    out = pd.DataFrame({c: [_cell(v, c, lang) for v in df[c]] for c in df.columns})
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
    out = table(g, lang)
    out.iloc[:, 0] = [num(v, lang) for v in g["vietnam_growth"]]
    return out.rename(columns={c: gap_label(c, gap.get("mean"), lang).replace("\\", "") for c in cols} |
                      {t("col.estimated", lang): gap_label("estimated", gap.get("mean"), lang).replace("\\", "")})


def history_table(r, lang: str) -> pd.DataFrame:
    h = pd.DataFrame(r.history_asof)
    if h.empty:
        return h
    keep = [c for c in ("as_of", "p_ge_low", "p_ge_high", "median", "new_value", "models_ok", "weights") if c in h]
    return table(h[keep], lang, _p_headers(r, lang))


def audit_table(j: dict, lang: str) -> pd.DataFrame:
    rows = [{"check": c["check"], "flag": bool(c["flag"]), "finding": check_finding(c, lang, j["params"])}
            for c in j["checks"]]
    rows.sort(key=lambda x: not x["flag"])  # the problems first
    return table(pd.DataFrame(rows), lang)


def plan_forecasts_table(r, plans: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Past growth targets used as forecasts, by plan title and locality name (no ids)."""
    from .. import config

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
             c("error_pp"): num(x["error_pp"], lang, 2)} for x in pe.to_dict("records")]
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
        what = (page_text(f"base.{x['measure']}", lang, cmp=cmp) if msg_has(f"feasibility_page.base.{x['measure']}")
                else str(x["measure"]))
        row = {c("period"): str(x["period"]).replace("-", "–"),
               c("part"): page_text(f"part.{x['subperiod']}", lang) if msg_has(f"feasibility_page.part.{x['subperiod']}")
               else str(x["subperiod"]),
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


def glance_table(r, j: dict, lang: str) -> pd.DataFrame:
    """The answer at a glance: probability, range, central estimate, what it takes, what was achieved, audit."""
    from .charts import recent_average

    g = lambda key, **kw: page_text(f"glance.{key}", lang, **kw)  # noqa: E731
    p, e, lik = j["params"], j["ensemble"], j["likelihood"]
    lo, hi = num(p["target_low"], lang), num(p["target_high"], lang)
    rows = []
    if e.get("p_ge_low") is not None:
        rows.append((g("p", lo=lo), pct(e["p_ge_low"], lang)))
        rows.append((g("p_high", hi=hi), pct(e.get("p_ge_high"), lang)))
        rng = lik.get("range")
        if rng:
            rows.append((g("range"), g("value_range", a=pct(rng[0], lang), b=pct(rng[1], lang))))
    if e.get("median") is not None and e.get("pi80"):
        rows.append((g("median"), g("value_median", m=num(e["median"], lang), a=num(e["pi80"][0], lang),
                                    b=num(e["pi80"][1], lang))))
    req = j["required_growth"]
    if req.get("low") is not None:
        rows.append((g("required"), g("value_rate_range", a=num(req["low"], lang, 2), b=num(req["high"], lang, 2))))
    rec = recent_average(r.history)
    if rec:
        rows.append((g("achieved", a0=rec[0], a1=rec[1]), g("value_rate", v=num(rec[2], lang, 2))))
    rows.append((g("audit"), g("value_count", k=sum(1 for c in j["checks"] if c["flag"]), n=len(j["checks"]))))
    rows.append((g("data"), str(p["data_through"])))
    return pd.DataFrame(rows, columns=[g("what"), g("value")])


def headline(j: dict, lang: str) -> str:
    """The verdict in one line: likelihood words, the ensemble's probability and the range across the admitted models."""
    e, lik = j["ensemble"], j["likelihood"]
    if not j.get("simulated_years", [1]) and e.get("median") is not None:
        return page_text("headline_complete", lang, avg=num(e["median"], lang, 2))
    if e.get("p_ge_low") is None:
        return page_text("headline_none", lang)
    rng = lik.get("range") or [e["p_ge_low"], e["p_ge_low"]]
    words = likelihood_words(lik.get("term"), lang)
    return page_text("headline", lang, words=words[:1].upper() + words[1:], p=pct(e["p_ge_low"], lang),
                     pmin=pct(rng[0], lang), pmax=pct(rng[1], lang))


def what_it_takes(r, j: dict, lang: str) -> str:
    """Required growth per year against the growth achieved over the last five years."""
    from .charts import recent_average

    req = j["required_growth"]
    if req.get("low") is None:
        return page_text("takes_done", lang)
    kw = dict(rl=num(req["low"], lang), rh=num(req["high"], lang), k=req["remaining_years"],
              years=", ".join(map(str, req["years"])))
    rec = recent_average(r.history)
    if not rec or rec[2] <= 0:
        return page_text("takes_no_history", lang, **kw)
    return page_text("takes", lang, a0=rec[0], a1=rec[1], ach=num(rec[2], lang, 2),
                     x=format_number(req["low"] / rec[2], lang, 2), **kw)


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
    paras = verdict_text(j, lang)
    p = j["params"]
    safe = lambda df: Markup(table_html(df)) if df is not None and len(df) else Markup("<p>—</p>")  # noqa: E731
    sens = r.sensitivity or {}
    covid = pd.DataFrame(sens.get("covid") or [])
    loo = pd.DataFrame(sens.get("leave_one_out") or [])
    eb = r.ensemble_backtest
    m = lambda key, **kw: page_text(key, lang, **kw)  # noqa: E731
    return fragment(
        "feasibility.html.j2", m=m,
        title=m("title", lo=num(p["target_low"], lang), hi=num(p["target_high"], lang), s=p["start_year"],
                e=p["end_year"]),
        headline=headline(j, lang), verdict=paras[0], takes=what_it_takes(r, j, lang), why=paras[1:],
        glance=safe(glance_table(r, j, lang)),
        top_charts=[figure_png(charts.average_fan_chart(r, lang)), figure_png(charts.sensitivity_chart(r, lang)),
                    figure_png(charts.history_chart(r, lang))],
        models=safe(models_table(r, lang)), sensitivity=safe(sensitivity_table(r, lang)),
        covid=safe(table(covid, lang, _p_headers(r, lang))), loo=safe(table(loo, lang, _p_headers(r, lang))),
        history=safe(history_table(r, lang)),
        moves=[why_text(row, lang, prev) for prev, row in zip([None] + list(r.history_asof), r.history_asof)
               if row.get("why")],
        first_year=safe(table(r.first_year_table(), lang)), audit=safe(audit_table(j, lang)),
        paths_chart=figure_png(charts.fan_chart(r, lang)), dist_chart=figure_png(charts.distribution_chart(r, lang)),
        coverage_chart=figure_png(charts.coverage_chart(r, lang)),
        ensemble_backtest=safe(table(eb, lang)) if eb is not None and not eb.empty else safe(None),
        by_model=safe(table(r.backtest_summary, lang)),
        plan_forecasts=safe(plan_forecasts_table(r, ctx.catalog.plans, lang)),
        plan_excluded=safe(plan_excluded_table(r, ctx.catalog.targets, ctx.catalog.plans, lang))
        if r.plan_excluded is not None and not r.plan_excluded.empty else None,
        base_rates=safe(base_rates_table(r, lang)), series=safe(series_table(r, lang)),
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


def register(sub) -> None:
    d, lim = P.DEFAULTS, P.LIMITS
    f = sub.add_parser("feasibility", help="how likely is the average growth target? models, backtests, sensitivity, audit")
    f.add_argument("--target-low", type=float, default=d["target_low"])
    f.add_argument("--target-high", type=float, default=d["target_high"])
    f.add_argument("--start", type=int, default=d["start_year"], help=f"base year of the period (default {d['start_year']})")
    f.add_argument("--end", type=int, default=d["end_year"], help=f"last year of the period (default {d['end_year']})")
    f.add_argument("--data-through", type=int, default=None, help="use outcomes up to this year only (default: all)")
    f.add_argument("--n-paths", type=int, default=d["n_paths"],
                   help=f"simulated paths per model ({lim['n_paths_min']:,} to {lim['n_paths_max']:,})")
    f.add_argument("--seed", type=int, default=d["seed"])
    f.add_argument("--format", choices=("table", "json"), default="table")
    f.set_defaults(func=cmd_feasibility)
