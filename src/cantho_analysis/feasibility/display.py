"""The ``feasibility`` command and the notebook display (the report layer of the study)."""

from __future__ import annotations

import argparse
import html
import json
import sys

import pandas as pd

from ..numbers import format_number
from ..safetext import terminal_safe
from . import params as P
from .study import ParamError, StudyParams, clean_json, run_study
from .text import (CATALOGUE, check_finding, likelihood_words, model_name, note_text, pct, t, verdict_text,
                   weight_reason, why_text)

__all__ = ["report_json", "display_feasibility", "cmd_feasibility", "register"]


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
_PCT_COLS = ("p_ge_low", "p_ge_high", "weight", "share", "coverage80_1y", "coverage95_1y", "coverage80_avg",
             "coverage95_avg", "coverage80_avg_full", "coverage95_avg_full", "+0", "-1", "+1", "estimated")
_MODEL_COLS = ("name", "model", "best_single_model", "without")
_VALUE_KEYS = {"group": "g.", "case": "case.", "reason": "x.", "check": "chk.", "source": "src.", "weights": "ew."}


def _cell(x, col: str, lang: str):
    if isinstance(x, (list, tuple)):
        return "–".join(str(_cell(v, col, lang)) for v in x) if all(isinstance(v, (int, float)) or v is None for v in x) \
            else ", ".join(model_name(v, lang) if col == "models_ok" else str(v) for v in x)
    if isinstance(x, dict):
        return ", ".join(f"{model_name(k, lang)} {pct(v, lang)}" for k, v in x.items())
    if isinstance(x, bool):
        return t("yes" if x else "no", lang)
    if isinstance(x, float):
        if x != x:
            return "—"
        if col in _PCT_COLS:
            return pct(x, lang)
        if col in ("year", "as_of", "period_start", "period_end", "origin"):
            return str(int(x))
        return format_number(x, lang, 2)
    if x is None:
        return "—"
    if col in _MODEL_COLS and isinstance(x, str):
        return model_name(x, lang)
    if col in _VALUE_KEYS and isinstance(x, str) and x:
        key = _VALUE_KEYS[col] + x
        return t(key, lang) if key in CATALOGUE["en"] else x
    return x


def table(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table for readers: names for codes, numbers in the language's format, headers translated."""
    if df is None or df.empty:
        return pd.DataFrame()
    out = pd.DataFrame({c: [_cell(v, c, lang) for v in df[c]] for c in df.columns})
    return out.rename(columns={c: t(f"col.{c}", lang) if f"col.{c}" in CATALOGUE["en"] else c for c in df.columns})


def _weights_table(r, lang: str) -> pd.DataFrame:
    mt = r.model_table()
    mt["reason"] = [weight_reason(x, lang) if x in _WEIGHT_KEYS else x for x in mt["reason"].fillna("")]
    # the detail (a fitting error, which model it duplicates) is in English only
    return mt.drop(columns=["label", "status"] + (["detail"] if lang != "en" else []))


def display_feasibility(target_low=None, target_high=None, start_year=None, end_year=None, data_through=None,
                        n_paths=None, seed=None, lang="en"):
    """Run the study and show it in a notebook."""
    from IPython.display import HTML, display

    from ..report import show_figure, table_html
    from . import charts

    d = P.DEFAULTS
    p = StudyParams(target_low=d["target_low"] if target_low is None else float(target_low),
                    target_high=d["target_high"] if target_high is None else float(target_high),
                    start_year=d["start_year"] if start_year is None else int(start_year),
                    end_year=d["end_year"] if end_year is None else int(end_year),
                    data_through=None if data_through is None else int(data_through),
                    n_paths=d["n_paths"] if n_paths is None else int(n_paths), seed=d["seed"] if seed is None else int(seed))
    r = run_study(p)
    j = report_json(r)
    e = html.escape
    f = lambda x: format_number(x, lang, 1)  # noqa: E731
    title = (f"Is {f(p.target_low)}–{f(p.target_high)} % average growth in {p.start_year}–{p.end_year} within reach?"
             if lang == "en" else f"Khả năng đạt tăng trưởng bình quân {f(p.target_low)}–{f(p.target_high)} % giai đoạn "
             f"{p.start_year}–{p.end_year}")
    display(HTML(f"<h2>{e(title)}</h2>" + "".join(f"<p>{e(x)}</p>" for x in j["verdict"][lang])
                 + "<p><small>" + " ".join(e(note_text(n, lang)) for n in j["notes"]) + "</small></p>"))
    for fig in (charts.fan_chart(r, lang), charts.distribution_chart(r, lang)):
        show_figure(fig)
    h3 = lambda en, vi: display(HTML(f"<h3>{e(en if lang == 'en' else vi)}</h3>"))  # noqa: E731
    h3("Models: the period average and the weights", "Các mô hình: bình quân cả giai đoạn và trọng số")
    display(HTML(table_html(table(_weights_table(r, lang), lang))))
    h3("The ensemble in the backtest", "Tổ hợp mô hình khi kiểm định lùi")
    display(HTML(table_html(table(r.ensemble_backtest, lang)) if not r.ensemble_backtest.empty else "<p>—</p>"))
    show_figure(charts.coverage_chart(r, lang))
    h3("Backtests by model", "Kiểm định lùi theo mô hình")
    display(HTML(table_html(table(r.backtest_summary, lang))))
    h3("Sensitivity", "Độ nhạy")
    show_figure(charts.sensitivity_chart(r, lang))
    sens = r.sensitivity or {}
    for key in ("vietnam_x_gap", "covid", "leave_one_out"):
        if sens.get(key):
            display(HTML(table_html(table(pd.DataFrame(sens[key]), lang))))
    h3("How the answer moved", "Kết quả thay đổi qua các năm")
    show_figure(charts.history_chart(r, lang))
    hist = pd.DataFrame(r.history_asof)
    if not hist.empty:
        display(HTML(table_html(table(hist[["as_of", "p_ge_low", "p_ge_high", "median", "new_value", "models_ok",
                                            "weights"]], lang))))
        for row in r.history_asof:
            if row.get("why"):
                display(HTML(f"<p>{e(why_text(row, lang))}</p>"))
    h3("First year after the data", "Năm đầu tiên sau số liệu")
    display(HTML(table_html(table(r.first_year_table(), lang))))
    h3("Plan-consistency audit", "Kiểm tra tính nhất quán của kế hoạch")
    checks = pd.DataFrame([{"check": c["check"], "flag": bool(c["flag"]), "finding": check_finding(c, lang, j["params"])}
                           for c in j["checks"]])
    display(HTML(table_html(table(checks, lang))))
    h3("Past growth targets used as forecasts", "Chỉ tiêu tăng trưởng trước đây coi như dự báo")
    display(HTML(table_html(table(r.plan_errors, lang)) + table_html(table(r.plan_excluded, lang))))
    h3("Base rates: provinces growing 10 %+", "Tần suất tham chiếu: các tỉnh tăng trưởng từ 10 %")
    display(HTML(table_html(table(r.base_rates, lang))))
    h3("The growth series used", "Chuỗi số tăng trưởng sử dụng")
    cols = ["year", "value", "source", "status"] + (["detail"] if lang == "en" else [])  # the detail is English
    display(HTML(table_html(table(r.history[cols], lang))
                 + table_html(table(r.period_checks, lang))))
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
