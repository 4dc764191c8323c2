"""The plan-consistency audit: hand-checkable checks on the plan's own numbers.

Every check returns a :class:`Check`: its numbers, a finding key (the text layer turns it
into a sentence) and a flag, set only when the check finds a problem. Every check follows
the study's ``target_low``, ``target_high``, ``start_year`` and ``end_year``; where a figure
it needs is missing for those years the check says so (finding ``not_applicable``) instead
of borrowing another year's figure. Levels that the sources give in several versions (the
2025 GRDP base) are reported for each version; a lower bound (">306,000") is marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .series import APPENDIX8_SERIES, implied_deflators, merged_current_levels

__all__ = ["Check", "AuditInput", "run_checks", "CHECKS", "plan_target_errors"]

LOC = "can_tho_merged"
PLAN = "dh_i_2025_2030"


@dataclass
class Check:
    check: str
    numbers: dict
    finding: str  # finding key for the text layer
    flag: bool

    def to_json(self) -> dict:
        return {"check": self.check, "numbers": self.numbers, "finding_key": self.finding, "flag": bool(self.flag)}


@dataclass
class AuditInput:
    """What the audit reads: the catalogue tables, best figures, scorecard and the study's period."""

    targets: pd.DataFrame
    actuals: pd.DataFrame
    scenarios: pd.DataFrame
    best: pd.DataFrame
    card: pd.DataFrame
    history: pd.DataFrame  # year, value (merged growth series as known)
    target_low: float
    target_high: float
    start: int
    end: int
    observed: list[float] = field(default_factory=list)
    params: dict = field(default_factory=dict)  # [audit] of params.toml

    @property
    def n(self) -> int:
        return self.end - self.start


# --------------------------------------------------------------------------- helpers
def _r(x, d=2):
    return None if x is None or (isinstance(x, float) and not np.isfinite(x)) else round(float(x), d)


def _cagr(a: float, b: float, n: int) -> float | None:
    if a is None or b is None or a <= 0 or b <= 0 or n <= 0:
        return None
    return ((b / a) ** (1 / n) - 1) * 100


def _target(inp: AuditInput, indicator: str, end: int | None = None, plan: str = PLAN):
    t = inp.targets[(inp.targets["plan"] == plan) & (inp.targets["indicator_id"] == indicator)]
    if end is not None:
        t = t[t["period_end"] == end]
    if t.empty:
        return None
    r = t.iloc[0]
    return float(r["low"]) if pd.notna(r["low"]) else float(r["high"]) if pd.notna(r["high"]) else None


def _versions(inp: AuditInput, indicator: str, year: int, loc: str = LOC) -> list[dict]:
    """Every distinct version of a whole-year level, with whether it is a bound."""
    a = inp.actuals[(inp.actuals["indicator_id"] == indicator) & (inp.actuals["locality"] == loc)
                    & (inp.actuals["period_start"] == year) & (inp.actuals["period_end"] == year)
                    & (inp.actuals["subperiod"].fillna("year") == "year")]
    out, seen = [], set()
    for r in a.sort_values("value").itertuples():
        key = (float(r.value), r.value_kind)
        if key in seen:
            continue
        seen.add(key)
        out.append({"value": float(r.value), "kind": "lower_bound" if r.value_kind == "lower_bound" else "exact",
                    "actual_id": r.actual_id, "status": r.status})
    return out


def _best(inp: AuditInput, indicator: str, year: int, loc: str = LOC):
    b = inp.best[(inp.best["indicator_id"] == indicator) & (inp.best["locality"] == loc)
                 & (inp.best["period_start"] == year) & (inp.best["period_end"] == year)]
    return float(b.iloc[0]["value"]) if len(b) else None


def _na(check: str, missing: list[str], inp: AuditInput) -> Check:
    return Check(check, {"missing": missing, "start_year": inp.start, "end_year": inp.end,
                         "target_low": inp.target_low}, "not_applicable", False)


def _scenario_values(inp: AuditInput) -> dict[str, dict]:
    """Appendix 8's scenarios: growth, and the 2030 levels with the labels as printed."""
    sc = inp.scenarios
    out = {}
    for sid in inp.params.get("deflator_scenarios", ("planning", "previous_drafts", "two_digit", "high")):
        s = sc[sc["scenario_id"].str.startswith(sid + ".")]
        if s.empty:
            continue
        val = {k.split(".", 1)[1]: float(v) for k, v in zip(s["scenario_id"], s["value"])}
        flags = set(x for x in s["flag"].fillna("") if x)
        g = s[s["scenario_id"] == f"{sid}.grdp_growth"]
        out[sid] = {**val, "swapped": "label_swapped_suspected" in flags,
                    "period": (int(g.iloc[0]["period_start"]), int(g.iloc[0]["period_end"])) if len(g) else None}
    return out


def _scenario_deflators(inp: AuditInput, base_current: float) -> dict[str, float]:
    """Deflator (%/yr) built into each scenario: nominal growth from the current-price base
    against the scenario's real growth (current/constant labels swapped where flagged)."""
    out = {}
    for sid, v in _scenario_values(inp).items():
        cur = v.get("grdp_constant") if v["swapped"] else v.get("grdp_current")
        g = v.get("grdp_growth")
        if cur is None or g is None or v["period"] is None:
            continue
        n = v["period"][1] - v["period"][0] + 1
        nom = _cagr(base_current, cur, n)
        out[sid] = ((1 + nom / 100) / (1 + g / 100) - 1) * 100
    return out


# --------------------------------------------------------------------------- the checks
def sector_arithmetic(inp: AuditInput) -> Check:
    s_agri = _best(inp, "share_agriculture", inp.start)
    if s_agri is None:
        return _na("sector_arithmetic", [f"share_agriculture {inp.start}"], inp)
    g_obs = _best(inp, "agri_growth", inp.start)
    rest = {k: _best(inp, f"{k}_growth", inp.start) for k in ("industry_construction", "services", "product_taxes")}
    shares = {k: _best(inp, f"share_{k}", inp.start) for k in rest}
    sa = s_agri / 100
    assumed = inp.params.get("agriculture_growth", (3.0, 4.0))
    cases = sorted({inp.target_low, inp.target_high, float(inp.params.get("sector_high_case", inp.target_high))})
    need = {f"{t:g}": [_r((t - sa * g) / (1 - sa)) for g in sorted(assumed, reverse=True)] for t in cases}
    recent = (sum(shares[k] * rest[k] for k in rest) / sum(shares.values())
              if all(v is not None for v in list(rest.values()) + list(shares.values())) else None)
    need_low = (inp.target_low - sa * max(assumed)) / (1 - sa)
    return Check("sector_arithmetic", {
        "base_year": inp.start, "agriculture_share_pct": s_agri, "agriculture_growth_assumed_pct": list(assumed),
        "agriculture_growth_observed_pct": g_obs, "non_agriculture_growth_needed_pct": need,
        "non_agriculture_growth_recent_pct": _r(recent)},
        "sector_short" if recent is not None and recent < need_low else "sector_ok",
        bool(recent is not None and recent < need_low))


def investment(inp: AuditInput) -> Check:
    icor = list(inp.params.get("icor", (5.0, 6.0)))
    share_t = _target(inp, "investment_share_grdp", inp.end)
    inv_t = _target(inp, "total_investment", inp.end)
    if share_t is None:
        return _na("investment", [f"investment_share_grdp target {inp.end}"], inp)
    # today's share: the merged city's if published, else the old city's (the only 2025 figure)
    share0, share_src = None, None
    for loc in (LOC, "can_tho_old"):
        inv, grdp = _best(inp, "total_investment", inp.start, loc), _best(inp, "grdp_current", inp.start, loc)
        if inv and grdp:
            share0, share_src = inv / grdp * 100, loc
            break
    ramp, avg = None, None
    if share0 is not None:
        ramp = [_r(share0 + (share_t - share0) * k / inp.n, 1) for k in range(1, inp.n + 1)]
        avg = float(np.mean([share0 + (share_t - share0) * k / inp.n for k in range(1, inp.n + 1)]))
    supported_end = [_r(share_t / i) for i in icor]
    supported_avg = [_r(avg / i) for i in icor] if avg is not None else None
    need_share = [_r(i * inp.target_low, 1) for i in icor]
    by_base = []
    if inv_t is not None and share0 is not None:
        for b in _versions(inp, "grdp_current", inp.start):
            i0 = share0 / 100 * b["value"]
            by_base.append({"base_grdp": b["value"], "base_kind": b["kind"], "investment_base": _r(i0, 0),
                            "nominal_growth_to_target_pct": _r(_cagr(i0, inv_t, inp.n))})
    flag = supported_avg is not None and max(supported_avg) < inp.target_low
    return Check("investment", {
        "icor": icor, "share_target_pct": share_t, "share_base_pct": _r(share0, 1), "share_base_locality": share_src,
        "share_ramp_pct": ramp, "share_average_pct": _r(avg, 1), "growth_supported_by_average_pct": supported_avg,
        "growth_supported_by_end_share_pct": supported_end, "share_needed_for_target_low_pct": need_share,
        "investment_target": inv_t, "investment_target_share_of_grdp_target_pct":
            _r(inv_t / _target(inp, "grdp_current", inp.end) * 100, 1) if inv_t and _target(inp, "grdp_current", inp.end) else None,
        "by_base": by_base}, "investment_short" if flag else ("investment_ok" if supported_avg else "investment_no_base"),
        bool(flag))


def nominal_target_and_deflator(inp: AuditInput) -> Check:
    g_t = _target(inp, "grdp_current", inp.end)
    bases = _versions(inp, "grdp_current", inp.start)
    if g_t is None or not bases:
        return _na("nominal_target_and_deflator", [f"grdp_current target {inp.end}" if g_t is None else
                                                   f"grdp_current {inp.start}"], inp)
    defl = implied_deflators(merged_current_levels(inp.actuals), dict(zip(inp.history["year"], inp.history["value"])))
    rows = []
    for b in bases:
        nom = _cagr(b["value"], g_t, inp.n)
        rows.append({"base": b["value"], "base_kind": b["kind"], "actual_id": b["actual_id"],
                     "nominal_growth_pct": _r(nom),
                     "deflator_pct_at_low": _r(((1 + nom / 100) / (1 + inp.target_low / 100) - 1) * 100),
                     "deflator_pct_at_high": _r(((1 + nom / 100) / (1 + inp.target_high / 100) - 1) * 100)})
    recent = float(np.mean(list(defl.values()))) if defl else None
    need = min(r["deflator_pct_at_high"] for r in rows)
    flag = recent is not None and need > recent + 1
    return Check("nominal_target_and_deflator", {
        "grdp_target": g_t, "by_base": rows, "recent_implied_deflator_pct": {str(k): v for k, v in defl.items()},
        "recent_mean_pct": _r(recent)}, "deflator_high" if flag else "deflator_ok", bool(flag))


def appendix8_deflator(inp: AuditInput) -> Check:
    levels = merged_current_levels(inp.actuals)
    if inp.start not in levels:
        return _na("appendix8_deflator", [f"{APPENDIX8_SERIES} {inp.start}"], inp)
    sv = _scenario_values(inp)
    periods = {v["period"] for v in sv.values() if v["period"]}
    if not periods or any(p != (inp.start + 1, inp.end) for p in periods):
        return _na("appendix8_deflator", [f"scenarios for {inp.start + 1}-{inp.end}"], inp)
    base = levels[inp.start]
    defl = _scenario_deflators(inp, base)
    if not defl:
        return _na("appendix8_deflator", ["scenario levels"], inp)
    d_mid = float(np.median(list(defl.values())))
    g_t = _target(inp, "grdp_current", inp.end)
    rows = []
    for b in _versions(inp, "grdp_current", inp.start):
        nom = _cagr(b["value"], g_t, inp.n) if g_t else None
        real = ((1 + nom / 100) / (1 + d_mid / 100) - 1) * 100 if nom is not None else None
        rows.append({"base": b["value"], "base_kind": b["kind"], "nominal_growth_pct": _r(nom),
                     "real_growth_at_scenario_deflator_pct": _r(real)})
    reals = [r["real_growth_at_scenario_deflator_pct"] for r in rows if r["real_growth_at_scenario_deflator_pct"] is not None]
    flag = bool(reals) and min(reals) > inp.target_high + 1
    return Check("appendix8_deflator", {
        "base_current": base, "scenario_deflators_pct": {k: _r(v) for k, v in defl.items()},
        "deflator_median_pct": _r(d_mid), "grdp_target": g_t, "by_base": rows,
        "target_pct": [inp.target_low, inp.target_high]},
        "nominal_target_implies_more_growth" if flag else "nominal_target_consistent", flag)


def per_capita_times_population(inp: AuditInput) -> Check:
    pc, pop, g_t = (_target(inp, "grdp_per_capita", inp.end), _target(inp, "population", inp.end),
                    _target(inp, "grdp_current", inp.end))
    if None in (pc, pop, g_t):
        return _na("per_capita_times_population", ["per-capita, population or GRDP target"], inp)
    implied = pc * pop / 1000
    sp = [v.get("population") for v in _scenario_values(inp).values() if v.get("population")]
    sp = sp[0] if sp else None
    bad = abs(implied - g_t) / g_t > 0.01
    return Check("per_capita_times_population", {
        "grdp_per_capita_target_million": pc, "population_target": pop, "implied_grdp_billion": round(implied),
        "grdp_target_billion": g_t, "appendix8_population": sp,
        "implied_with_appendix8_population": round(pc * sp / 1000) if sp else None,
        "per_capita_base": [{"value": b["value"], "actual_id": b["actual_id"],
                             "nominal_growth_to_target_pct": _r(_cagr(b["value"], pc, inp.n))}
                            for b in _versions(inp, "grdp_per_capita", inp.start)]}, "per_capita_inconsistent" if bad else "per_capita_consistent",
        bool(bad))


def appendix8_scenarios(inp: AuditInput) -> Check:
    """Which 2025 constant-price base each scenario's arithmetic implies (the scenarios' own period)."""
    rows = []
    for sid, v in _scenario_values(inp).items():
        gg, cur, con, popu = v.get("grdp_growth"), v.get("grdp_current"), v.get("grdp_constant"), v.get("population")
        pcap, usd, head = v.get("grdp_per_capita"), v.get("grdp_per_capita_usd"), v.get("grdp_growth_headline")
        n = v["period"][1] - v["period"][0] + 1 if v["period"] else None
        rows.append({"scenario": sid, "period": list(v["period"]) if v["period"] else None,
                     "headline_growth_pct": head, "computed_growth_pct": gg,
                     "current_printed": cur, "constant_printed": con,
                     "base_from_constant": round(con / (1 + gg / 100) ** n) if con and gg and n else None,
                     "base_from_current": round(cur / (1 + gg / 100) ** n) if cur and gg and n else None,
                     "per_capita_printed_million": pcap,
                     "per_capita_from_current_million": _r(cur / popu * 1000) if cur and popu else None,
                     "vnd_per_usd": round(pcap * 1e6 / usd) if pcap and usd else None,
                     "reaches_target_low": bool(gg is not None and gg >= inp.target_low),
                     "reaches_target_high": bool(gg is not None and gg >= inp.target_high)})
    if not rows:
        return _na("appendix8_scenarios", ["scenarios"], inp)
    ref = [r["base_from_constant"] for r in rows[:2] if r["base_from_constant"]]
    consensus = float(np.median(ref)) if ref else None
    for r in rows:
        dc = abs(r["base_from_constant"] - consensus) / consensus if consensus and r["base_from_constant"] else np.inf
        dk = abs(r["base_from_current"] - consensus) / consensus if consensus and r["base_from_current"] else np.inf
        r["labels_look_swapped"] = bool(dk < 0.01 < dc)
    swapped = [r["scenario"] for r in rows if r["labels_look_swapped"]]
    heads = [r["scenario"] for r in rows if r["headline_growth_pct"] is not None
             and abs(r["headline_growth_pct"] - (r["computed_growth_pct"] or 0)) > 0.05]
    rates = [r["vnd_per_usd"] for r in rows if r["vnd_per_usd"]]
    spread = (max(rates) - min(rates)) if rates else 0
    periods = {tuple(r["period"]) for r in rows if r["period"]}
    return Check("appendix8_scenarios", {
        "scenarios": rows, "consensus_constant_base": round(consensus) if consensus else None,
        "swapped": swapped, "headline_differs": heads, "exchange_rate_range": [min(rates), max(rates)] if rates else None,
        "scenario_periods_match_study": periods == {(inp.start + 1, inp.end)},
        "scenarios_reaching_target_low": [r["scenario"] for r in rows if r["reaches_target_low"]]},
        "scenarios_inconsistent" if (swapped or heads or spread > 200) else "scenarios_consistent",
        bool(swapped or heads or spread > 200))


def labour_productivity(inp: AuditInput) -> Check:
    lp, emp, g_t = (_target(inp, "labour_productivity", inp.end), _target(inp, "employed_persons", inp.end),
                    _target(inp, "grdp_current", inp.end))
    if None in (lp, emp, g_t):
        return _na("labour_productivity", ["productivity, employment or GRDP target"], inp)
    implied = lp * emp / 1000  # million VND x persons -> billion VND
    base_lp = _versions(inp, "labour_productivity", inp.start)
    levels = merged_current_levels(inp.actuals)
    defl = _scenario_deflators(inp, levels[inp.start]) if inp.start in levels else {}
    d_mid = float(np.median(list(defl.values()))) if defl else None
    rows = []
    for b in _versions(inp, "grdp_current", inp.start):
        nom = _cagr(b["value"], implied, inp.n)
        rows.append({"base": b["value"], "base_kind": b["kind"], "nominal_growth_pct": _r(nom),
                     "real_growth_at_scenario_deflator_pct":
                         _r(((1 + nom / 100) / (1 + d_mid / 100) - 1) * 100) if nom is not None and d_mid is not None else None})
    gap = (implied - g_t) / g_t
    return Check("labour_productivity", {
        "productivity_target_million": lp, "employment_target": emp, "implied_grdp_billion": round(implied),
        "grdp_target_billion": g_t, "difference_pct": _r(gap * 100, 1),
        "productivity_base": [{"value": b["value"], "actual_id": b["actual_id"],
                               "nominal_growth_to_target_pct": _r(_cagr(b["value"], lp, inp.n))} for b in base_lp],
        "by_base": rows, "target_pct": [inp.target_low, inp.target_high]},
        "productivity_inconsistent" if abs(gap) > 0.05 else "productivity_consistent", bool(abs(gap) > 0.05))


def exports_and_budget(inp: AuditInput) -> Check:
    rows = []
    for level, growth, loc_ind in (("exports_fx", "exports_fx_growth", "exports_fx"),
                                   ("budget_revenue", "budget_revenue_growth", "budget_revenue")):
        t_end, stated = _target(inp, level, inp.end), _target(inp, growth)
        for b in _versions(inp, loc_ind, inp.start):
            g = _cagr(b["value"], t_end, inp.n) if t_end else None
            rows.append({"indicator": level, "base": b["value"], "base_kind": b["kind"], "target": t_end,
                         "implied_growth_pct": _r(g), "stated_growth_pct": stated,
                         "difference_pp": _r(g - stated) if g is not None and stated is not None else None})
    if not rows:
        return _na("exports_and_budget", [f"exports / budget revenue {inp.start}"], inp)
    levels = merged_current_levels(inp.actuals)
    defl = _scenario_deflators(inp, levels[inp.start]) if inp.start in levels else {}
    d_mid = float(np.median(list(defl.values()))) if defl else None
    nominal_at_low = ((1 + inp.target_low / 100) * (1 + d_mid / 100) - 1) * 100 if d_mid is not None else None
    bad = [r for r in rows if r["difference_pp"] is not None and abs(r["difference_pp"]) > 1]
    return Check("exports_and_budget", {"rows": rows, "nominal_grdp_growth_at_target_low_pct": _r(nominal_at_low)},
                 "growth_rates_disagree" if bad else "growth_rates_agree", bool(bad))


def structure_conditional(inp: AuditInput) -> Check:
    s0 = _best(inp, "share_agriculture", inp.start)
    ga = _best(inp, "agri_growth", inp.start)
    t = inp.targets[(inp.targets["plan"] == PLAN) & (inp.targets["indicator_id"] == "share_agriculture")
                    & (inp.targets["period_end"] == inp.end)]
    if s0 is None or ga is None or t.empty:
        return _na("structure_conditional", ["agriculture share / growth or its target"], inp)
    target_max = float(t.iloc[0]["high"]) if pd.notna(t.iloc[0]["high"]) else float(t.iloc[0]["low"])
    cases = sorted(set(float(x) for x in inp.params.get("structure_growth_cases", (7.0, 10.0))) | {inp.target_low})
    shares = {f"{g:g}": _r(s0 * ((1 + ga / 100) / (1 + g / 100)) ** inp.n) for g in cases}
    need = ((1 + ga / 100) * (s0 / target_max) ** (1 / inp.n) - 1) * 100
    flag = need > min(cases) and any(v > target_max for v in shares.values())
    return Check("structure_conditional", {
        "agriculture_share_base_pct": s0, "agriculture_growth_pct": ga, "target_max_pct": target_max,
        "share_at_growth_pct": shares, "growth_needed_for_target_pct": _r(need)},
        "structure_needs_growth" if flag else "structure_ok", bool(flag))


def population(inp: AuditInput) -> Check:
    pop0 = _best(inp, "population", inp.start)
    pop_t = _target(inp, "population", inp.end)
    sc = inp.scenarios  # the plans' projection is a scenario row (never an outturn)
    a8 = sc[(sc["indicator_id"] == "population_growth") & (sc["locality"] == LOC)
            & (sc["period_start"] == inp.start + 1) & (sc["period_end"] == inp.end)]
    if pop0 is None or pop_t is None:
        return _na("population", [f"population {inp.start} or its {inp.end} target"], inp)
    g_res = _cagr(pop0, pop_t, inp.n)
    g_a8 = float(a8.iloc[0]["value"]) if len(a8) else None
    pc = {"resolution": _r(((1 + inp.target_low / 100) / (1 + g_res / 100) - 1) * 100)}
    if g_a8 is not None:
        pc["appendix8"] = _r(((1 + inp.target_low / 100) / (1 + g_a8 / 100) - 1) * 100)
    flag = g_a8 is not None and abs(g_res - g_a8) > 0.1
    return Check("population", {"population_base": pop0, "population_target": pop_t,
                                "resolution_growth_pct": _r(g_res, 3), "appendix8_growth_pct": g_a8,
                                "per_capita_real_growth_at_target_low_pct": pc},
                 "population_growth_differs" if flag else "population_growth_agrees", bool(flag))


def plan_target_errors(inp: AuditInput) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Past growth targets used as forecasts: one row per distinct target, copies excluded.

    Returns (used, excluded). A target restated in another plan (same locality, period and
    range) counts once; a target whose quote repeats another locality's word for word rests
    on copied text and is excluded. Extra targets from ``params.toml`` are included. Only
    targets whose period ended by the study's base year count (what was known then).
    """
    # a target marked copied text in the data (``copy_of``, status ``copied_text``) is closed too
    c = inp.card[(inp.card["indicator_id"] == "grdp_growth")
                 & inp.card["period_state"].isin(["closed", "copied_text"])].copy()
    tg = inp.targets.set_index("target_id")
    c["quote"] = [tg.loc[t, "quote"] if t in tg.index else "" for t in c["target_id"]]
    c["source_line"] = [tg.loc[t, "source_line"] if t in tg.index else None for t in c["target_id"]]
    c["target"] = c["low"].where(c["low"].notna(), c["high"])
    c["outturn"] = c["latest_value"]
    c["copy_of"] = c["copy_of"] if "copy_of" in c else None
    rows = c[["target_id", "locality", "plan", "period_start", "period_end", "low", "high", "target", "outturn",
              "quote", "source_line", "copy_of"]].to_dict("records")
    for x in inp.params.get("extra_targets", []):
        out = _best(inp, x["indicator_id"], int(x["period_start"]), x["locality"]) \
            if x["period_start"] == x["period_end"] else None
        rows.append({"target_id": x["target_id"], "locality": x["locality"], "plan": "press", "period_start": x["period_start"],
                     "period_end": x["period_end"], "low": x["low"], "high": None, "target": x["low"], "outturn": out,
                     "quote": x["quote"], "source_line": x["source_line"]})
    used, excluded, seen = [], [], {}
    # the first place each quote appears (any target, any locality): a later target with the
    # same words for another locality rests on copied text
    first_quote: dict[str, tuple] = {}
    for q, loc, line in sorted(zip(inp.targets["quote"].fillna(""), inp.targets["locality"],
                                   inp.targets["source_line"].fillna(0)), key=lambda x: x[2]):
        first_quote.setdefault(str(q).strip(), (loc, line))
    for r in sorted(rows, key=lambda r: (r["source_line"] or 0)):
        if int(r["period_end"]) > inp.start:
            excluded.append({**r, "reason": "after_base_year"})
            continue
        if r["outturn"] is None or pd.isna(r["outturn"]):
            excluded.append({**r, "reason": "no_outturn"})
            continue
        q = str(r["quote"]).strip()
        if isinstance(r.get("copy_of"), str) and r["copy_of"] and q in first_quote:
            excluded.append({**r, "reason": "copied_text", "copy_of": first_quote[q][0]})
            continue
        if q and q in first_quote and first_quote[q][0] != r["locality"]:
            excluded.append({**r, "reason": "copied_text", "copy_of": first_quote[q][0]})
            continue
        key = (r["locality"], int(r["period_start"]), int(r["period_end"]), r["low"], r["high"])
        if key in seen:
            excluded.append({**r, "reason": "restated", "same_as": seen[key]})
            continue
        seen[key] = r["target_id"]
        used.append({**r, "error_pp": float(r["target"]) - float(r["outturn"])})
    cols = ["target_id", "locality", "plan", "period_start", "period_end", "target", "outturn", "error_pp"]
    u = pd.DataFrame(used, columns=cols + ["quote", "source_line", "low", "high"])[cols]
    e = pd.DataFrame(excluded)
    e = e[[c for c in ("target_id", "locality", "period_start", "period_end", "target", "reason") if c in e.columns]] \
        if len(e) else pd.DataFrame(columns=["target_id", "reason"])
    return u, e


def plan_targets_as_forecasts(inp: AuditInput) -> Check:
    used, excluded = plan_target_errors(inp)
    met_low = int((used["outturn"] >= inp.target_low).sum()) if len(used) else 0
    # old Cần Thơ's 2021-2025 average (appendix 4) against its yearly figures
    avg = inp.actuals[(inp.actuals["indicator_id"] == "grdp_growth") & (inp.actuals["locality"] == "can_tho_old")
                      & (inp.actuals["period_start"] == 2021) & (inp.actuals["period_end"] == 2025)]
    yearly = {y: _best(inp, "grdp_growth", y, "can_tho_old") for y in range(2021, 2025)}
    implied = None
    if len(avg) and all(v is not None for v in yearly.values()):
        prod = float(np.prod([1 + v / 100 for v in yearly.values()]))
        implied = []
        est2025 = sorted(set(float(v) for v in inp.actuals[(inp.actuals["indicator_id"] == "grdp_growth")
                                                            & (inp.actuals["locality"] == LOC)
                                                            & (inp.actuals["period_start"] == 2025)
                                                            & (inp.actuals["period_end"] == 2025)
                                                            & (inp.actuals["subperiod"].fillna("year") == "year")]["value"]))
        for a in sorted(set(float(x) for x in avg["value"])):
            implied.append({"average_pct": a, "implied_2025_growth_pct": _r(((1 + a / 100) ** 5 / prod - 1) * 100),
                            "average_with_2025_estimates_pct": {f"{e:g}": _r(((prod * (1 + e / 100)) ** 0.2 - 1) * 100)
                                                                for e in est2025}})
    n = {"targets": used.to_dict("records"), "excluded": excluded.to_dict("records"),
         "mean_error_pp": _r(used["error_pp"].mean()) if len(used) else None,
         "mae_pp": _r(used["error_pp"].abs().mean()) if len(used) else None,
         "targets_above_outturn": int((used["error_pp"] > 0).sum()) if len(used) else 0,
         "outturns_at_or_above_target_low": met_low, "known_by_base_year": inp.start,
         "old_can_tho_average": implied, "old_can_tho_yearly_pct": yearly}
    flag = len(used) > 0 and float(used["error_pp"].mean()) > 1
    return Check("plan_targets_as_forecasts", n, "targets_optimistic" if flag else "targets_unbiased", bool(flag))


def required_path(inp: AuditInput) -> Check:
    from .models import required_growth

    req = {t: required_growth(inp.observed, inp.n, t) for t in (inp.target_low, inp.target_high)}
    h = inp.history.dropna(subset=["value"])
    if req[inp.target_low] is None:
        return Check("required_path", {"observed_years_in_period": len(inp.observed), "required_low_pct": None,
                                       "required_high_pct": None}, "period_complete", False)
    best = h.loc[h["value"].idxmax()] if len(h) else None
    above = int((h["value"] >= req[inp.target_low]).sum())
    return Check("required_path", {
        "observed_years_in_period": len(inp.observed), "remaining_years": inp.n - len(inp.observed),
        "required_low_pct": _r(req[inp.target_low], 4), "required_high_pct": _r(req[inp.target_high], 4),
        "best_year": int(best["year"]) if best is not None else None,
        "best_year_growth_pct": _r(best["value"]) if best is not None else None,
        "years_on_record_at_or_above_required": above, "years_on_record": int(len(h))},
        "required_rarely_reached" if above <= 1 else "required_reached_before", bool(above <= 1))


CHECKS = (sector_arithmetic, investment, nominal_target_and_deflator, appendix8_deflator, per_capita_times_population,
          appendix8_scenarios, labour_productivity, exports_and_budget, structure_conditional, population,
          plan_targets_as_forecasts, required_path)


def run_checks(inp: AuditInput) -> list[Check]:
    out = []
    for f in CHECKS:
        try:
            out.append(f(inp))
        except (KeyError, ValueError, ZeroDivisionError, TypeError, IndexError) as e:  # odd user data: say so
            out.append(Check(f.__name__, {"error": f"{type(e).__name__}: {e}"}, "check_failed", False))
    return out
