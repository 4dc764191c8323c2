"""Charts, narrative verdict (vi/en), display and the ``feasibility`` command for the growth study."""

from __future__ import annotations

import argparse
import json
import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .feasibility import FeasibilityResult, feasibility
from .numbers import format_number

__all__ = ["likelihood_words", "verdict_text", "fan_chart", "distribution_chart", "display_feasibility", "register"]

# Calibrated likelihood language (IPCC scale).
_LIKELY = [(0.10, "very unlikely", "rất khó xảy ra"), (0.33, "unlikely", "khó xảy ra"),
           (0.66, "about as likely as not", "khả năng ngang nhau"), (0.90, "likely", "có khả năng"),
           (1.01, "very likely", "rất có khả năng")]


def likelihood_words(p: float, lang: str = "en") -> str:
    for thr, en, vi in _LIKELY:
        if p < thr:
            return en if lang == "en" else vi
    return _LIKELY[-1][1] if lang == "en" else _LIKELY[-1][2]


def _pct(p: float, lang: str) -> str:
    return format_number(round(p * 100), lang, 0) + " %"


_BASE_RATE = {
    "en": ("Base rates: ", "in {p}, {c} of {n} provinces grew more than 10 % in the year",
           "over {p} only {c} of {n} provinces averaged more than 10 % a year"),
    "vi": ("Tần suất tham chiếu: ", "năm {p} có {c}/{n} tỉnh, thành tăng trưởng trên 10 %",
           "giai đoạn {p} chỉ {c}/{n} địa phương tăng bình quân trên 10 %/năm"),
}


def _base_rate_sentence(single_year: pd.DataFrame, period: pd.DataFrame, lang: str) -> str:
    """One sentence on how often provinces reached 10 %: one year, and a period average."""
    head, one, avg = _BASE_RATE[lang]
    parts = [tmpl.format(p=str(r["period"]).replace("-", "–"), c=int(r["count"]), n=int(r["n_provinces"]))
             for df, tmpl in ((single_year, one), (period, avg)) if len(df) for r in [df.iloc[0]]]
    return head + "; ".join(parts) + "." if parts else ""


def verdict_text(r: FeasibilityResult, lang: str = "en") -> list[str]:
    """Plain-language paragraphs, every number taken from the result."""
    f = lambda x, d=1: format_number(x, lang, d)
    j = r.to_json()
    p = r.params
    ens = j["ensemble"]
    ok_models = [m for m in j["models"] if "error" not in m]
    lo_p = min(m["p_ge_low"] for m in ok_models)
    hi_p = max(m["p_ge_low"] for m in ok_models)
    words = likelihood_words(ens["p_ge_low"], lang)
    req = j["required_growth"]
    bt = r.backtest_summary.set_index("model") if not r.backtest_summary.empty else None
    naive_mae = float(bt.loc["naive_point", "mae_avg"]) if bt is not None and "naive_point" in bt.index else None
    better = [m for m in ("naive", "mean", "arima", "ets", "local_level", "theta")
              if bt is not None and m in bt.index and naive_mae is not None and bt.loc[m, "mae_avg"] < naive_mae]
    cov80 = float(r.backtest[r.backtest["model"].isin(["naive", "mean", "arima", "ets", "local_level", "theta"])]["in80_avg"].mean()) \
        if not r.backtest.empty else None
    rates = r.base_rates
    b2025 = rates[(rates["rate_id"] == "F1")]
    b1521 = rates[(rates["rate_id"] == "F11")]
    plan_mae = j["backtest"]["plan_targets_mae_pp"]
    checks = {c["check"]: c for c in r.checks}
    n_obs = len(r.history)
    start, end = p["start_year"], p["end_year"]
    if lang == "en":
        out = [
            f"Verdict: reaching an average of {f(p['target_low'], 1)} % a year over {start}–{end} is {words} on the evidence through "
            f"{p['data_through']}. The model ensemble gives a probability of {_pct(ens['p_ge_low'], lang)} "
            f"({_pct(ens['p_ge_high'], lang)} for {f(p['target_high'], 1)} %); the six models range from {_pct(lo_p, lang)} to {_pct(hi_p, lang)}. "
            f"The central estimate is {f(ens['median'])} % a year, with an 80 % interval of {f(ens['pi80'][0])} to {f(ens['pi80'][1])} % "
            f"and a 95 % interval of {f(ens['pi95'][0])} to {f(ens['pi95'][1])} %.",
            (f"What it takes: {f(req['low'])}–{f(req['high'])} % in each of the remaining {req['remaining_years']} years "
             f"({', '.join(map(str, req['years']))}). " if req["low"] is not None else "The period is complete. ")
            + (checks["required_path"]["finding"].split("; ", 1)[1] if "required_path" in checks and req["low"] is not None else ""),
            f"How much to trust the models: the merged series has only {n_obs} annual observations, and the 2020–2021 Covid years dominate "
            f"its variance. In backtests (rolling origins on the merged series, the three old units and Vietnam), "
            f"{len(better)} of 6 models beat the naive forecast (last year's growth) on five-year averages"
            + (f"; their 80 % intervals for the average covered {_pct(cov80, lang)} of outturns" if cov80 is not None else "")
            + (f". The plans' own growth targets, used as forecasts, missed by {f(plan_mae, 2)} points on average." if plan_mae is not None else "."),
        ]
        base = _base_rate_sentence(b2025, b1521, lang)
        if base:
            out.append(base)
        flagged = [c["finding"] for c in r.checks if c["flag"] and c["check"] != "required_path"]
        if flagged:
            out.append("Structural cross-checks: " + " ".join(flagged))
    else:
        out = [
            f"Kết luận: với số liệu đến năm {p['data_through']}, việc đạt tốc độ tăng trưởng bình quân {f(p['target_low'], 1)} %/năm giai đoạn "
            f"{start}–{end} là {words}. Tổ hợp mô hình cho xác suất {_pct(ens['p_ge_low'], lang)} ({_pct(ens['p_ge_high'], lang)} với mức "
            f"{f(p['target_high'], 1)} %); sáu mô hình cho từ {_pct(lo_p, lang)} đến {_pct(hi_p, lang)}. Ước lượng trung tâm là "
            f"{f(ens['median'])} %/năm, khoảng tin cậy 80 % từ {f(ens['pi80'][0])} đến {f(ens['pi80'][1])} % và khoảng 95 % từ "
            f"{f(ens['pi95'][0])} đến {f(ens['pi95'][1])} %.",
            (f"Điều kiện cần: tăng {f(req['low'])}–{f(req['high'])} % mỗi năm trong {req['remaining_years']} năm còn lại "
             f"({', '.join(map(str, req['years']))}); trong {n_obs} năm có số liệu, chỉ "
             f"{checks['required_path']['numbers']['years_on_record_at_or_above_required']} năm đạt mức này."
             if req["low"] is not None else "Giai đoạn đã kết thúc."),
            f"Độ tin cậy của mô hình: chuỗi số của thành phố sau hợp nhất chỉ có {n_obs} quan sát năm và biến động chủ yếu do hai năm "
            f"dịch Covid-19 (2020–2021). Khi kiểm định lùi (trên chuỗi sau hợp nhất, ba địa phương cũ và cả nước), {len(better)}/6 mô hình "
            f"dự báo tốt hơn cách dự báo đơn giản (giữ nguyên tốc độ năm trước) cho số bình quân 5 năm"
            + (f"; khoảng 80 % bao được {_pct(cov80, lang)} kết quả thực tế" if cov80 is not None else "")
            + (f". Bản thân các chỉ tiêu tăng trưởng trong kế hoạch, nếu coi là dự báo, sai lệch bình quân {f(plan_mae, 2)} điểm phần trăm."
               if plan_mae is not None else "."),
        ]
        base = _base_rate_sentence(b2025, b1521, lang)
        if base:
            out.append(base)
        n_flag = sum(1 for c in r.checks if c["flag"])
        out.append(f"Kiểm tra cấu trúc: {n_flag}/{len(r.checks)} phép kiểm tra cho thấy điểm không nhất quán hoặc thách thức lớn "
                   "(chi tiết trong bảng dưới, bằng tiếng Anh kèm số liệu).")
    return out


_TXT = {"en": {"hist": "observed (published)", "der": "observed (derived from the three units)", "fan80": "80 % interval",
               "fan95": "95 % interval", "median": "median path (ensemble)", "target": "target average",
               "year": "Year", "growth": "Real GRDP growth, %", "avg": "Average growth {s}–{e}, %/yr",
               "title": "Merged Cần Thơ: real GRDP growth and the {s}–{e} target"},
        "vi": {"hist": "thực tế (công bố)", "der": "thực tế (tính từ 3 địa phương)", "fan80": "khoảng 80 %", "fan95": "khoảng 95 %",
               "median": "đường trung vị (tổ hợp)", "target": "chỉ tiêu bình quân", "year": "Năm",
               "growth": "Tăng trưởng GRDP (giá so sánh), %", "avg": "Tăng trưởng bình quân {s}–{e}, %/năm",
               "title": "Cần Thơ sau hợp nhất: tăng trưởng GRDP và chỉ tiêu {s}–{e}"}}


def fan_chart(r: FeasibilityResult, lang: str = "en", ax=None, background: bool = False):
    """Observed growth and the ensemble's fan of annual growth for the remaining years."""
    t = _TXT[lang]
    sns.set_theme(style="whitegrid", context="notebook")
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(9, 4.8))
    else:
        fig = ax.figure
    h = r.history
    pub, der = h[h["source"] == "published"], h[h["source"] == "derived"]
    ax.plot(h["year"], h["value"], color="#333", lw=1.2, zorder=3)
    ax.scatter(pub["year"], pub["value"], color="#1f77b4", zorder=4, label=t["hist"])
    ax.scatter(der["year"], der["value"], facecolors="white", edgecolors="#1f77b4", zorder=4, label=t["der"])
    paths = r.ensemble.paths
    if paths.shape[1]:
        yrs = np.arange(r.params["data_through"] + 1, r.params["end_year"] + 1)
        q = np.percentile(paths, [2.5, 10, 50, 90, 97.5], axis=0)
        a = 0.15 if background else 1.0
        ax.fill_between(yrs, q[0], q[4], color="#9ecae1", alpha=0.5 * a, label=t["fan95"])
        ax.fill_between(yrs, q[1], q[3], color="#4292c6", alpha=0.5 * a, label=t["fan80"])
        ax.plot(np.r_[h["year"].iloc[-1], yrs], np.r_[h["value"].iloc[-1], q[2]], color="#08519c", ls="--", lw=1.5,
                label=t["median"], alpha=a)
    s, e = r.params["start_year"], r.params["end_year"]
    ax.fill_between([s + 0.5, e + 0.5], r.params["target_low"], r.params["target_high"], color="#d62728", alpha=0.25,
                    label=t["target"])
    ax.set_xlabel(t["year"])
    ax.set_ylabel(t["growth"])
    ax.set_title(t["title"].format(s=s, e=e), fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    if own:
        fig.tight_layout()
    return fig


def distribution_chart(r: FeasibilityResult, lang: str = "en"):
    """The distribution of the period's average growth, per model and for the ensemble."""
    t = _TXT[lang]
    sns.set_theme(style="whitegrid", context="notebook")
    rows = [pd.DataFrame({"model": fc.name, "average": fc.averages}) for fc in r.forecasts + [r.ensemble] if not fc.error]
    df = pd.concat(rows, ignore_index=True)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    sns.boxplot(data=df, y="model", x="average", whis=(2.5, 97.5), showfliers=False, ax=ax, color="#c6dbef")
    ax.axvspan(r.params["target_low"], r.params["target_high"], color="#d62728", alpha=0.25)
    ax.axvline(r.params["target_low"], color="#d62728", lw=1)
    ax.set_xlabel(t["avg"].format(s=r.params["start_year"] + 1, e=r.params["end_year"]))
    ax.set_ylabel("")
    fig.tight_layout()
    return fig


def display_feasibility(target_low=10.0, target_high=10.5, start_year=2025, end_year=2030, data_through=None,
                        n_paths=10_000, seed=20251, lang="en") -> FeasibilityResult:
    """Run the study and show it in a notebook."""
    from IPython.display import HTML, display

    from .report import show_figure, table_html

    r = feasibility(target_low, target_high, start_year, end_year, data_through, n_paths, seed)
    en = lang == "en"
    e = lambda s: __import__("html").escape(str(s))
    display(HTML(f"<h2>{'Is ' + format_number(target_low, lang) + '–' + format_number(target_high, lang) + ' % average growth in ' + str(start_year) + '–' + str(end_year) + ' within reach?' if en else 'Khả năng đạt tăng trưởng bình quân ' + format_number(target_low, lang) + '–' + format_number(target_high, lang) + ' % giai đoạn ' + str(start_year) + '–' + str(end_year)}</h2>"
                 + "".join(f"<p>{e(p)}</p>" for p in verdict_text(r, lang))
                 + f"<p><small>{e(r.to_json()['convention'])}. " + " ".join(e(n) for n in r.notes) + "</small></p>"))
    for fig in (fan_chart(r, lang), distribution_chart(r, lang)):
        show_figure(fig)
    mt = r.model_table()
    display(HTML(f"<h3>{'Models: the period average' if en else 'Các mô hình: tăng trưởng bình quân cả giai đoạn'}</h3>" + table_html(mt)))
    display(HTML(f"<h3>{'First year after the data' if en else 'Năm đầu tiên sau số liệu'}</h3>" + table_html(r.first_year_table())))
    display(HTML(f"<h3>{'Backtests' if en else 'Kiểm định lùi'}</h3>" + table_html(r.backtest_summary)
                 + f"<p>{'The plans’ own growth targets as forecasts' if en else 'Chỉ tiêu tăng trưởng trong kế hoạch coi như dự báo'}</p>"
                 + table_html(r.plan_errors)))
    display(HTML(f"<h3>{'Base rates: provinces growing 10 %+' if en else 'Tần suất tham chiếu: các tỉnh tăng trưởng từ 10 %'}</h3>"
                 + table_html(r.base_rates)))
    checks = pd.DataFrame([{"check": c["check"], "flag": c["flag"], "finding": c["finding"],
                            "numbers": json.dumps(c["numbers"], ensure_ascii=False, default=str)} for c in r.checks])
    display(HTML(f"<h3>{'Structural cross-checks' if en else 'Kiểm tra cấu trúc'}</h3>" + table_html(checks)))
    display(HTML(f"<h3>{'The growth series used' if en else 'Chuỗi số tăng trưởng sử dụng'}</h3>"
                 + table_html(r.history[["year", "value", "source", "status", "detail"]])
                 + table_html(r.period_checks)))
    return r


# --------------------------------------------------------------------------- command
def cmd_feasibility(args: argparse.Namespace) -> int:
    try:
        r = feasibility(args.target_low, args.target_high, args.start, args.end, args.data_through, args.n_paths, args.seed)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(r.to_json(), ensure_ascii=False, indent=1, default=float))
        return 0
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
        print(f"Average real GRDP growth {args.start}-{args.end} (base {args.start}), merged Cần Thơ, data through "
              f"{r.params['data_through']}; target {args.target_low:g}-{args.target_high:g} %/yr; {args.n_paths} paths per model, seed {args.seed}.\n")
        print(r.model_table().to_string(index=False))
        print("\nFirst year:\n" + r.first_year_table().to_string(index=False))
        req = r.to_json()["required_growth"]
        if req["low"] is not None:
            print(f"\nRequired growth in each remaining year ({req['remaining_years']}): {req['low']:.2f}-{req['high']:.2f} %")
        print("\nBacktests:\n" + r.backtest_summary.to_string(index=False))
        print("\nPlan targets as forecasts (target low end - outturn):\n" + r.plan_errors.to_string(index=False))
        print("\nCross-checks:")
        for c in r.checks:
            print(f"- [{'FLAG' if c['flag'] else 'ok'}] {c['check']}: {c['finding']}")
        print()
        for p in verdict_text(r, "en"):
            print(p)
    return 0


def register(sub) -> None:
    f = sub.add_parser("feasibility", help="how likely is the average growth target? models, backtests, cross-checks")
    f.add_argument("--target-low", type=float, default=10.0)
    f.add_argument("--target-high", type=float, default=10.5)
    f.add_argument("--start", type=int, default=2025, help="base year of the period (default 2025)")
    f.add_argument("--end", type=int, default=2030)
    f.add_argument("--data-through", type=int, default=None, help="use outcomes up to this year only (default: all)")
    f.add_argument("--n-paths", type=int, default=10_000)
    f.add_argument("--seed", type=int, default=20251)
    f.add_argument("--format", choices=("table", "json"), default="table")
    f.set_defaults(func=cmd_feasibility)
