"""Every reader-facing sentence of the feasibility study, in Vietnamese and English.

The computation returns numbers and finding keys; this module turns them into prose. The
texts live in the project's message catalogue, ``locales/<lang>/feasibility.yaml``, and are
read through :func:`cantho_analysis.i18n.t`; :func:`t` here only adds the ``feasibility.``
namespace. Numbers are formatted by language (9,5 and 43.000 in Vietnamese) before they are
passed in.
"""

from __future__ import annotations

import math

from .. import i18n
from ..numbers import format_number

__all__ = ["t", "num", "pct", "reader_round", "reader_pct", "reader_range", "likelihood_words", "verdict_text",
           "why_groups", "national_condition", "condition_text", "check_finding", "note_text", "why_text", "model_name",
           "weight_reason", "has"]

NS = "feasibility"


def t(key: str, lang: str = "en", **kw) -> str:
    """The feasibility message ``key`` in ``lang`` (``i18n.t("feasibility.<key>", lang, ...)``)."""
    return i18n.t(f"{NS}.{key}", "vi" if lang == "vi" else "en", **kw)


def has(key: str, lang: str = "en") -> bool:
    return i18n.has(f"{NS}.{key}", "vi" if lang == "vi" else "en")




def num(x, lang: str = "en", d: int | None = 1) -> str:
    return format_number(None if x is None else float(x), lang, d)


def pct(p, lang: str = "en") -> str:
    """A probability as a percentage: one decimal under 10 %, "< 0,1 %" when tiny."""
    if p is None:
        return "—"
    v = float(p) * 100
    if 0 < v < 0.1:
        return ("< " + format_number(0.1, lang, 1)) + " %"
    return format_number(v, lang, 1 if v < 10 else 0) + " %"


def reader_round(p) -> tuple[str, int] | None:
    """The one rounding rule for probabilities shown to readers (headline, verdict, "why" list,
    the tables and charts above the method appendix): whole per cent, with the ends said in
    words. Returns ``("under", 1)`` below 1 %, ``("over", 99)`` above 99 %, otherwise
    ``("about", n)`` with ``n`` the probability rounded half up to a whole per cent; ``None``
    when there is no probability. A simulated probability carries sampling and model error of
    a point or more, so a decimal would be false precision (the appendix tables keep one)."""
    if p is None:
        return None
    v = float(p) * 100
    if v != v:
        return None
    if v < 1:
        return ("under", 1)
    if v > 99:
        return ("over", 99)
    return ("about", int(math.floor(v + 0.5)))


def reader_pct(p, lang: str = "en", cell: bool = False) -> str:
    """A probability for readers (:func:`reader_round`): "about 2 %", "under 1 %" in a sentence;
    "2 %", "< 1 %" in a table cell or chart (``cell``); "—" when there is none."""
    r = reader_round(p)
    if r is None:
        return "—"
    kind, n = r
    if kind == "about":
        return t("rp.whole" if cell else "rp.about", lang, v=n)
    return t(f"rp.{'cell_' if cell else ''}{kind}", lang, v=n)


def reader_range(a, b, lang: str = "en") -> str:
    """A range of probabilities for readers: both ends rounded half up to whole per cent ("0–9 %");
    one figure when both round alike (:func:`reader_pct`)."""
    if a is None or b is None:
        return reader_pct(a if b is None else b, lang)
    lo, hi = (int(math.floor(float(x) * 100 + 0.5)) for x in (a, b))
    if lo == hi:
        return reader_pct(a, lang)
    return t("rp.range", lang, a=lo, b=hi)


def likelihood_words(term: str | None, lang: str = "en") -> str:
    return t(term, lang) if term else "—"


def model_name(name: str, lang: str = "en") -> str:
    return t(f"m.{name}", lang) if has(f"m.{name}") else name


def scenario_name(sid: str, lang: str = "en") -> str:
    return t(f"sc.{sid}", lang) if has(f"sc.{sid}") else sid


def weight_reason(key: str, lang: str = "en") -> str:
    return t(f"w.{key}", lang) if key else ""


def note_text(note: dict, lang: str = "en") -> str:
    kw = {k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in note.items() if k != "key"}
    try:
        return t(f"note.{note['key']}", lang, **kw)
    except KeyError:
        return t(f"note.{note['key']}", lang)


def _why(w: dict, lang: str) -> str:
    """The one sentence on why the answer moved (``w`` is an as-of row's ``why``)."""
    changes = ", ".join(t("weight_change", lang, m=model_name(k, lang), a=pct(w.get("weights_before", {}).get(k, 0), lang),
                          b=pct(w.get("weights_after", {}).get(k, 0), lang))
                        for k, d in (w.get("weight_change") or {}).items() if abs(d) >= 0.005)
    return t(f"why.{w['key']}", lang, y=w["new_year"], v=num(w.get("new_value"), lang, 2), changes=changes or t("none", lang),
             m0=num(w.get("median_before"), lang, 2), m1=num(w.get("median_after"), lang, 2))


def why_text(row: dict, lang: str = "en", prev: dict | None = None) -> str:
    """"As of Y the probability moved from A to B: why." for an as-of row with a ``why``; where the
    year before has no probability, "Y is the first year for which a probability can be computed"."""
    if prev is None or prev.get("p_ge_low") is None:
        return t("moved_first", lang, y=row["as_of"], b=reader_pct(row["p_ge_low"], lang), why=_why(row["why"], lang))
    return t("moved", lang, y=row["as_of"], a=reader_pct(prev["p_ge_low"], lang), b=reader_pct(row["p_ge_low"], lang),
             why=_why(row["why"], lang))


def _list(items, lang):
    items = [str(x) for x in items]
    return t("none", lang) if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + t("and", lang) + items[-1]


def check_finding(c: dict, lang: str = "en", params: dict | None = None) -> str:
    """The sentence for one audit check (``c`` is ``Check.to_json()``)."""
    k, n = c["finding_key"], c["numbers"]
    p = params or {}
    lo, hi = num(p.get("target_low"), lang), num(p.get("target_high"), lang)
    s, e = p.get("start_year"), p.get("end_year")
    f = lambda x, d=1: num(x, lang, d)  # noqa: E731
    if k == "not_applicable":
        return t("c.not_applicable", lang, start_year=n.get("start_year"), end_year=n.get("end_year"),
                 missing=", ".join(n.get("missing", [])))
    if k == "check_failed":
        return t("c.check_failed", lang, error=n.get("error"))
    if c["check"] == "sector_arithmetic":
        need = n["non_agriculture_growth_needed_pct"]
        nl, nh = need.get(f"{p.get('target_low'):g}", [None, None]), need.get(f"{p.get('target_high'):g}", [None, None])
        return t(f"c.{k}", lang, sa=f(n["agriculture_share_pct"], 2), need_lo=f"{f(nl[0])}–{f(nl[1])}",
                 need_hi=f"{f(nh[0])}–{f(nh[1])}", lo=lo, hi=hi, recent=f(n["non_agriculture_growth_recent_pct"]),
                 base=n["base_year"])
    if c["check"] == "investment":
        g = n.get("growth_supported_by_average_pct") or n.get("growth_supported_by_end_share_pct") or [None, None]
        nom = [r["nominal_growth_to_target_pct"] for r in n.get("by_base", []) if r["nominal_growth_to_target_pct"] is not None]
        return t(f"c.{k}", lang, s0=f(n["share_base_pct"]), st=f(n["share_target_pct"], 0), avg=f(n["share_average_pct"]),
                 g_lo=f(min(g)), g_hi=f(max(g)), lo=lo, need="–".join(f(x, 0) for x in n["share_needed_for_target_low_pct"]),
                 inv=num(n["investment_target"], lang, 0), end=e,
                 src=t("inv.old", lang, y=s) if n.get("share_base_locality") == "can_tho_old" else "",
                 nom=(f"{f(min(nom))}–{f(max(nom))}" if nom else "—"), start_year=s)
    if c["check"] == "nominal_target_and_deflator":
        rows = n["by_base"]
        bases = ", ".join((">" if r["base_kind"] == "lower_bound" else "") + num(r["base"], lang, 0) for r in rows)
        noms = [r["nominal_growth_pct"] for r in rows]
        return t(f"c.{k}", lang, gt=num(n["grdp_target"], lang, 0), end=e, start=s, nom_lo=f(min(noms)), nom_hi=f(max(noms)),
                 bases=bases, lo=lo, hi=hi, d_lo=f(min(r["deflator_pct_at_high"] for r in rows)),
                 d_hi=f(max(r["deflator_pct_at_low"] for r in rows)), recent=f(n["recent_mean_pct"]))
    if c["check"] == "appendix8_deflator":
        reals = [r["real_growth_at_scenario_deflator_pct"] for r in n["by_base"] if r["real_growth_at_scenario_deflator_pct"] is not None]
        return t(f"c.{k}", lang, d=f(n["deflator_median_pct"]), gt=num(n["grdp_target"], lang, 0), r_lo=f(min(reals)),
                 r_hi=f(max(reals)), lo=lo, hi=hi)
    if c["check"] == "per_capita_times_population":
        return t(f"c.{k}", lang, pc=f(n["grdp_per_capita_target_million"], 0), pop=num(n["population_target"], lang, 0),
                 imp=num(n["implied_grdp_billion"], lang, 0), gt=num(n["grdp_target_billion"], lang, 0),
                 a8pop=num(n["appendix8_population"], lang, 0), a8=num(n["implied_with_appendix8_population"], lang, 0))
    if c["check"] == "appendix8_scenarios":
        heads = [t("headed", lang, s=scenario_name(r["scenario"], lang), h=f(r["headline_growth_pct"], 0),
                   c=f(r["computed_growth_pct"], 2))
                 for r in n["scenarios"] if r["scenario"] in n["headline_differs"]]
        rr = n.get("exchange_rate_range") or [None, None]
        return t(f"c.{k}", lang, base=num(n["consensus_constant_base"], lang, 0),
                 swapped=_list([scenario_name(x, lang) for x in n["swapped"]], lang),
                 heads="; ".join(heads) or t("none", lang), r0=num(rr[0], lang, 0), r1=num(rr[1], lang, 0), lo=lo,
                 reach=_list([scenario_name(x, lang) for x in n["scenarios_reaching_target_low"]], lang))
    if c["check"] == "labour_productivity":
        return t(f"c.{k}", lang, lp=f(n["productivity_target_million"], 0), emp=num(n["employment_target"], lang, 0),
                 imp=num(n["implied_grdp_billion"], lang, 0), diff=f(n["difference_pct"]), gt=num(n["grdp_target_billion"], lang, 0))
    if c["check"] == "exports_and_budget":
        rows = "; ".join(t("c.growth_row", lang, ind=t(f"ind.{r['indicator']}", lang) if has(f"ind.{r['indicator']}")
                           else r["indicator"], base=(">" if r["base_kind"] == "lower_bound" else "") + num(r["base"], lang, 0),
                           target=num(r["target"], lang, 0), implied=f(r["implied_growth_pct"]),
                           stated=f(r["stated_growth_pct"])) for r in n["rows"])
        return t(f"c.{k}", lang, end=e, start=s, rows=rows)
    if c["check"] == "structure_conditional":
        cases = ", ".join(t("c.share_case", lang, v=f(v), g=num(float(g), lang)) for g, v in n["share_at_growth_pct"].items())
        return t(f"c.{k}", lang, s0=f(n["agriculture_share_base_pct"], 2), ga=f(n["agriculture_growth_pct"], 2), cases=cases,
                 end=e, tmax=f(n["target_max_pct"], 0), need=f(n["growth_needed_for_target_pct"]))
    if c["check"] == "population":
        return t(f"c.{k}", lang, pop0=num(n["population_base"], lang, 0), popt=num(n["population_target"], lang, 0),
                 gr=f(n["resolution_growth_pct"], 2), ga8=f(n["appendix8_growth_pct"], 2))
    if c["check"] == "plan_targets_as_forecasts":
        old = ""
        for o in n.get("old_can_tho_average") or []:
            if abs(o["average_pct"] - 6.92) < 1e-9 or len(n["old_can_tho_average"]) == 1:
                ests = o["average_with_2025_estimates_pct"]
                old = t("c.old_ct", lang, avg=f(o["average_pct"], 2), g25=f(o["implied_2025_growth_pct"]),
                        ests=" / ".join(num(float(x), lang, 2) for x in ests), imp=" / ".join(f(v, 2) for v in ests.values()))
        return t(f"c.{k}", lang, me=f(n["mean_error_pp"], 2), mae=f(n["mae_pp"], 2), k=len(n["targets"]),
                 x=sum(1 for x in n["excluded"] if x.get("reason") in ("restated", "copied_text")), old=old)
    if c["check"] == "required_path":
        if k == "period_complete":
            return t("c.period_complete", lang)
        return t(f"c.{k}", lang, k=n["remaining_years"], rl=f(n["required_low_pct"], 2), rh=f(n["required_high_pct"], 2),
                 above=n["years_on_record_at_or_above_required"], n=n["years_on_record"],
                 best=f(n["best_year_growth_pct"], 2), by=n["best_year"])
    return k


def _base_rate_sentence(rates: list[dict], lang: str) -> str:
    one = next((r for r in rates if r["rate_id"] == "F1"), None)
    avg = next((r for r in rates if r["rate_id"] == "F11"), None)
    parts = []
    if one:
        parts.append(t("br.one", lang, p=str(one["period"]).replace("-", "–"), c=int(one["count"]), n=int(one["n_provinces"])))
    if avg:
        parts.append(t("br.avg", lang, p=str(avg["period"]).replace("-", "–"), c=int(avg["count"]), n=int(avg["n_provinces"])))
    return t("base", lang, text="; ".join(parts) + ".") if parts else ""


def _signed(x: float, lang: str, d: int = 0) -> str:
    return ("+" if x > 0 else "") + num(x, lang, d)


def _g(x, lang: str) -> str:
    """A growth rate as set in the study's parameters: 7 -> "7", 9.5 -> "9.5" ("9,5")."""
    return num(x, lang, 0 if float(x) == int(float(x)) else 1)


def _term(p: float, scale: list[dict]) -> str | None:
    """The likelihood term of ``p`` on the study's scale (``likelihood.scale``, highest first)."""
    for x in scale:
        if p > x["above"] or x["above"] == 0:
            return x["term"]
    return None


def national_condition(j: dict) -> dict | None:
    """What the verdict is conditional on, from the sensitivity grid (P(average ≥ target low) by
    Vietnam's average growth and the city–Vietnam gap), read at the estimated gap (gap 0 when
    there is none): the probability at the assumed outlook for Vietnam, the lowest Vietnam growth
    at which it reaches "about as likely as not" (``reach``, None if it never does) and the grid's
    top row. ``None`` without a grid."""
    sens = j.get("sensitivity") or {}
    grid = sorted(sens.get("vietnam_x_gap") or [], key=lambda r: r["vietnam_growth"])
    col = "estimated" if any(r.get("estimated") is not None for r in grid) else "+0"
    rows = [(float(r["vietnam_growth"]), float(r[col])) for r in grid if r.get(col) is not None]
    if not rows:
        return None
    gap = (((sens.get("vietnam_x_gap_note") or {}).get("gap_estimated") or {}).get("mean")
           if col == "estimated" else 0.0)
    scale = (j.get("likelihood") or {}).get("scale") or []
    bound = next((x["above"] for x in scale if x["term"] == "about_as_likely_as_not"), 0.33)
    cons = sens.get("consensus_vietnam_growth")
    return {"column": col, "gap": gap or 0.0, "assumed": cons, "bound": bound, "scale": scale,
            "p_assumed": next((p for v, p in rows if cons is not None and abs(v - cons) < 1e-9), None),
            "reach": next(((v, p) for v, p in rows if p >= bound), None), "first": rows[0], "top": rows[-1]}


def condition_text(j: dict, lang: str = "en") -> str:
    """The sentence that makes the verdict conditional on national growth: "It becomes about as
    likely as not only if Vietnam itself grows at least 9.5 % a year and the city keeps its gap of
    +0.2 points (about 37 %; about 63 % at 10 %)". Every number comes from the study's grid."""
    c = national_condition(j)
    if c is None:
        return ""
    gap = _signed(c["gap"], lang, 1)
    words = lambda p: likelihood_words(_term(p, c["scale"]), lang)  # noqa: E731
    if c["reach"] is None:
        v, p = c["top"]
        return t("cond.never", lang, vn=_g(v, lang), gap=gap, p=reader_pct(p, lang), words=words(p))
    v, p = c["reach"]
    if (v, p) == c["first"]:
        return t("cond.always", lang, vn=_g(v, lang), gap=gap, p=reader_pct(p, lang), words=words(p))
    if (v, p) == c["top"]:
        return t("cond.reach_top", lang, vn=_g(v, lang), gap=gap, p=reader_pct(p, lang), words=words(p))
    tv, tp = c["top"]
    return t("cond.reach", lang, vn=_g(v, lang), gap=gap, p=reader_pct(p, lang), words=words(p), vn_top=_g(tv, lang),
             p_top=reader_pct(tp, lang))


def if_vietnam(j: dict, lang: str = "en") -> str:
    """" and if Vietnam keeps growing as it has" (empty without a sensitivity grid to say otherwise).
    The ensemble's answer carries Vietnam's growth as in its history (the national anchor draws
    Vietnam's five-year averages from its own record); :func:`condition_text` says what faster
    national growth would change."""
    return t("if_vn", lang) if (j.get("sensitivity") or {}).get("vietnam_x_gap") else ""


def _range_detail(lik: dict, lang: str) -> str:
    v = lik.get("variants") or []
    cen = next((x for x in v if x["kind"] == "ensemble"), None)
    cov = next((x for x in v if x["kind"] == "covid"), None)
    ng = [x for x in v if x["kind"] == "national_growth"]
    rp = lambda p: reader_pct(p, lang, cell=True)  # noqa: E731
    models = _list([t("model_p", lang, m=model_name(x["name"], lang), p=rp(x["p"])) for x in v if x["kind"] == "model"],
                   lang)
    gaps = _list([t("gap_estimated", lang, g=num(lik.get("gap_estimated"), lang), p=rp(x["p"]))
                  if x["name"] == "estimated" else t("gap_case", lang, g=_signed(float(x["name"]), lang), p=rp(x["p"]))
                  for x in ng], lang)
    return t("range_detail", lang, p=rp(cen["p"] if cen else None), models=models,
             p_cov=rp(cov["p"] if cov else None), vn=num(ng[0]["vietnam_growth"], lang) if ng else "—", gaps=gaps)


def _recalibration_text(j: dict, lang: str) -> str:
    rc = j.get("recalibration") or {}
    rows = j.get("ensemble_backtest", [])
    before = next((r for r in rows if r.get("weights") == "known_at_origin" and r["group"] == "all"), None)
    after = next((r for r in rows if r.get("weights") == "known_at_origin_recalibrated" and r["group"] == "all"), None)
    bt = rc.get("backtest") or {}
    if not rc.get("applied") and (not before or not after):
        return t("recalibration_none", lang)
    if not before or not after:
        return t("recalibration_none", lang)
    c80 = after["coverage80_avg"]
    best = model_name(after["best_single_model"], lang) if after.get("best_single_model") else "—"
    crps_met = t("crps.met" if after["best_single_crps_avg"] is not None
                 and after["crps_avg"] <= after["best_single_crps_avg"] else "crps.not_met", lang)
    target = (t("target.met", lang, best=best, crps_met=crps_met) if 0.7 <= c80 <= 0.9
              else t("target.not_met", lang, c80=pct(c80, lang), best=best, crps_met=crps_met))
    fair = next((r.get("best_single_known_at_origin_crps_avg") for r in j.get("ensemble_backtest_detail") or []
                 if r.get("weights") == "known_at_origin_recalibrated" and r.get("group") == "all"), None)
    if fair is not None:  # the best single model is picked with hindsight; this one was not
        target += " " + t("target.fair", lang, fair=num(fair, lang, 2), crps=num(after["crps_avg"], lang, 2))
    ne = bt.get("origins_with_factor", 0)
    return t("recalibration", lang, k=num(rc.get("factor"), lang, 2), n=rc.get("n", 0), c80=pct(c80, lang),
             c80_before=pct(before["coverage80_avg"], lang), c80f=pct(after.get("coverage80_avg_full"), lang),
             c80f_before=pct(before.get("coverage80_avg_full"), lang), crps=num(after["crps_avg"], lang, 2),
             crps_before=num(before["crps_avg"], lang, 2), burn=after["origins"] - ne, ne=ne,
             sub_before=pct(bt.get("coverage80_avg_before"), lang), sub_after=pct(bt.get("coverage80_avg_after"), lang),
             sub_crps_before=num(bt.get("crps_avg_before"), lang, 2), sub_crps_after=num(bt.get("crps_avg_after"), lang, 2),
             target=target)


def verdict_paragraph(j: dict, lang: str = "en", with_condition: bool = True) -> str:
    """The verdict in one paragraph, conditional on national growth, probabilities rounded for readers;
    ``with_condition`` ends it with :func:`condition_text` (the page shows that under the headline)."""
    p = j["params"]
    e = j["ensemble"]
    lik = j["likelihood"]
    if not j.get("simulated_years", [1]) and e.get("median") is not None:
        return t("verdict_complete", lang, s=p["start_year"], e=p["end_year"], dt=p["data_through"],
                 avg=num(e["median"], lang, 2), lo=num(p["target_low"], lang),
                 cmp=t("cmp.above" if e["median"] >= p["target_low"] else "cmp.below", lang))
    if e.get("p_ge_low") is None:
        return t("verdict_none", lang, dt=p["data_through"])
    rng = lik.get("range") or [e["p_ge_low"], e["p_ge_low"]]
    up = lik.get("upper_about")
    kw = dict(dt=p["data_through"], lo=num(p["target_low"], lang), hi=num(p["target_high"], lang),
              s=p["start_year"], e=p["end_year"], words=likelihood_words(lik["term"], lang),
              p=reader_pct(e["p_ge_low"], lang), ph=reader_pct(e["p_ge_high"], lang), range=reader_range(*rng, lang),
              p_raw=reader_pct(lik.get("p_raw"), lang), driver=t(f"driver.{lik.get('driver') or 'none'}", lang),
              med=num(e["median"], lang), a80=num(e["pi80"][0], lang), b80=num(e["pi80"][1], lang),
              a95=num(e["pi95"][0], lang), b95=num(e["pi95"][1], lang), if_vn=if_vietnam(j, lang))
    cond = condition_text(j, lang) if with_condition else ""
    if up is not None:
        text = t("verdict", lang, upper=format_number(up * 100, lang, 0) + " %", **kw)
    else:
        text = t("verdict_wide", lang, **kw)
    return f"{text} {cond}" if cond else text


def why_groups(j: dict, lang: str = "en", extra: dict | None = None) -> list[dict]:
    """The reasons behind the verdict in at most five groups, the most decisive first: each a
    ``lead`` sentence and ``details`` (folded on the page). ``extra`` adds sentences to a group's
    details by its ``key`` (the page adds the reconciliation of the two growth-target biases).

    1. ``national``: what it hinges on (Vietnam's growth and the city's gap);
    2. ``takes``: what it takes against the record and the base rates;
    3. ``plans``: how the plans' own targets fared as forecasts, and the audit;
    4. ``trust``: the range across the defensible variants, calibration, Covid, the scale;
    5. ``moved``: how the answer moved with each year's data."""
    extra = extra or {}
    groups: list[dict] = []
    sens = j.get("sensitivity") or {}
    grid = sens.get("vietnam_x_gap") or []
    if grid:
        cons = sens.get("consensus_vietnam_growth", 7.0)
        mid = next((r for r in grid if abs(r["vietnam_growth"] - cons) < 1e-9), grid[len(grid) // 2])
        top = max(grid, key=lambda r: r["vietnam_growth"])
        gap = (sens.get("vietnam_x_gap_note") or {}).get("gap_estimated") or {}
        lead = t("sensitivity", lang, vn=num(mid["vietnam_growth"], lang), gap=num(gap.get("mean"), lang),
                 p_vn=reader_pct(mid.get("estimated", mid.get("+0")), lang), vn_hi=num(top["vietnam_growth"], lang),
                 p_hi=reader_pct(top.get("+1"), lang))
        groups.append({"key": "national", "lead": lead, "details": []})  # the condition is under the headline
    req = j["required_growth"]
    chk = {c["check"]: c for c in j["checks"]}
    takes = None
    if req["low"] is not None and "required_path" in chk and chk["required_path"]["numbers"].get("years_on_record"):
        rn = chk["required_path"]["numbers"]
        takes = t("required", lang, rl=num(req["low"], lang), rh=num(req["high"], lang), k=req["remaining_years"],
                  years=", ".join(map(str, req["years"])), above=rn["years_on_record_at_or_above_required"],
                  n=rn["years_on_record"])
    elif req["low"] is None:
        takes = t("required_done", lang)
    base = _base_rate_sentence(j.get("base_rates", []), lang)
    if takes or base:
        groups.append({"key": "takes", "lead": takes or base, "details": [base] if takes and base else []})
    bt = j["backtest"]
    flagged = [c for c in j["checks"] if c["flag"]]
    audit = t("audit_head", lang, k=len(flagged), n=len(j["checks"]))
    if bt.get("plan_targets_mae_pp") is not None:
        plans = t("plans", lang, me=num(bt["plan_targets_mean_error_pp"], lang, 2), mae=num(bt["plan_targets_mae_pp"], lang, 2),
                  k=len(bt["plan_targets"]))
        groups.append({"key": "plans", "lead": plans, "details": [audit]})
    else:
        groups.append({"key": "plans", "lead": audit, "details": []})
    rows = j.get("ensemble_backtest", [])
    eb = {r["group"]: r for r in rows if r.get("weights") == "known_at_origin"}
    fin = {r["group"]: r for r in rows if r.get("weights") == "final"}
    trust = []
    lik = j["likelihood"]
    if lik.get("variants") and j["ensemble"].get("p_ge_low") is not None and j.get("simulated_years", [1]):
        trust.append(_range_detail(lik, lang))
    if "all" in eb:
        a = eb["all"]
        trust.append(t("calibration", lang, c80=pct(a["coverage80_avg"], lang), n=a["origins"],
                       c80f=pct(a["coverage80_avg_full"], lang), nf=a["origins_full_horizon"],
                       c95=pct(a["coverage95_avg"], lang), crps=num(a["crps_avg"], lang, 2),
                       bcrps=num(a["best_single_crps_avg"], lang, 2),
                       best=model_name(a["best_single_model"], lang) if a["best_single_model"] else "—",
                       local_n=eb.get("local", {}).get("origins", 0),
                       c80_fin=pct(fin.get("all", {}).get("coverage80_avg"), lang),
                       crps_fin=num(fin.get("all", {}).get("crps_avg"), lang, 2)))
        trust.append(_recalibration_text(j, lang))
    else:
        trust.append(t("calibration_none", lang))
    cov = {r["case"]: r for r in sens.get("covid", [])}
    if j.get("shock") and cov:
        sh = j["shock"]
        trust.append(t("covid", lang, episodes=sh["episodes"], years=sh["years_at_risk"], rate=pct(sh["rate_per_year"], lang),
                       p_none=reader_pct(cov.get("no_treatment", {}).get("p_ge_low"), lang),
                       p_noshock=reader_pct(cov.get("dummies_no_shocks", {}).get("p_ge_low"), lang)))
    trust.append(t("scale", lang))
    groups.append({"key": "trust", "lead": trust[0], "details": trust[1:]})
    hist = [r for r in j.get("history", []) if r.get("p_ge_low") is not None]
    moves = []
    for row in j.get("history", []):
        if row.get("why"):
            prev = next((r for r in j["history"] if r["as_of"] == row["as_of"] - 1), None)
            moves.append(why_text(row, lang, prev))
    if len(hist) > 1:
        asof = t("asof", lang, rows="; ".join(t("asof_row", lang, y=r["as_of"], p=reader_pct(r["p_ge_low"], lang, cell=True))
                                             for r in hist))
        groups.append({"key": "moved", "lead": asof, "details": moves})
    elif moves:
        groups.append({"key": "moved", "lead": moves[0], "details": moves[1:]})
    for g in groups:
        g["details"] = [x for x in g["details"] + list(extra.get(g["key"], [])) if x]
    return groups


def verdict_text(j: dict, lang: str = "en") -> list[str]:
    """Plain-language paragraphs from the study's JSON (``StudyResult.to_json()``): the verdict,
    then the reasons of :func:`why_groups` in order, each group's lead before its details."""
    out = [verdict_paragraph(j, lang)]
    for g in why_groups(j, lang):
        out += [g["lead"]] + g["details"]
    return out
