"""Narrative text generated from the numbers, in Vietnamese (``vi``) and English (``en``).

Nothing here is written for a particular indicator: every sentence is a template filled
from the catalogue and the progress engine. Numbers follow each language's convention
(``9,5`` in Vietnamese, ``9.5`` in English).
"""

from __future__ import annotations

import html
import math
from typing import Mapping

import pandas as pd

from . import config
from .i18n import has, scoped, t
from .i18n import t as t_
from .numbers import format_number
from .progress import NARROW_MISS_PCT, base_rate_range, narrowly_missed, strict_bound

__all__ = ["LANGS", "label", "fmt", "target_text", "status_paragraph", "target_paragraphs", "verdict_label",
           "narrow_rule_text", "base_versions_text", "source_who", "base_range", "rate_range_text",
           "caveats", "indicator_summary", "status_label", "what_it_takes_text", "successor_text", "rate_unit_text", "outturn_text",
           "target_level", "target_cell_parts", "target_cell", "gap_range", "gap_cells", "observed_rate_text"]

LANGS = ("vi", "en")

def _status_word(kind: str, status, lang: str) -> str:
    key = f"status.{kind}.{status}"
    return t(key, lang) if has(key, lang) else str(status)



def _msgs(lang: str):
    """The narrative's messages in ``lang``: ``m("closed", value=...)`` is ``t("narrative.closed", lang, value=...)``."""
    return scoped("narrative", lang)


def status_label(status: str | None, lang: str = "en") -> str:
    return _status_word("progress", status or "no_data", lang)


def label(row: Mapping, lang: str, what: str = "name") -> str:
    """Name of an indicator or plan in the requested language."""
    return str(row[f"{what}_{lang}"])


def fmt(x, lang: str, decimals: int | None = None) -> str:
    return format_number(None if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA else float(x),
                         lang, decimals)


def _unit(indicator: Mapping, lang: str) -> str:
    if lang == "vi" and "unit_vi" in indicator and isinstance(indicator["unit_vi"], str) and indicator["unit_vi"]:
        return str(indicator["unit_vi"])
    return str(indicator["unit"])


def _gap_unit(indicator: Mapping, lang: str) -> str:
    """Differences of percentages are percentage points."""
    if str(indicator["unit"]).startswith("%"):
        return "percentage points" if lang == "en" else "điểm phần trăm"
    return _unit(indicator, lang)


def target_text(target: Mapping, indicator: Mapping, plan_name: str, lang: str) -> str:
    """One sentence: who set what, for whom, at which level, and how it is measured."""
    m = _msgs(lang)
    low, high = target.get("low"), target.get("high")
    bound = str(target.get("bound") or "range")
    if bound in ("at_least", "at_most") and strict_bound(target):
        bound = {"at_least": "above", "at_most": "below"}[bound]
    if bound in ("point", "about") and low is not None and not pd.isna(low) and high is not None and not pd.isna(high) and low != high:
        bound = "range" if bound == "point" else "about_range"
    value = m(f"bound.{bound}", low=fmt(low, lang), high=fmt(high, lang), unit=_unit(indicator, lang))
    value = " ".join(value.split())  # no double space where a measure has no unit
    start, end = int(target["period_start"]), int(target["period_end"])
    period = period_text(start, end)
    kind_key = str(target["target_kind"])
    if kind_key == "annual_value" and start != end:
        kind_key = "annual_value_multi"
    kind = m(f"kind.{kind_key}", end=end, start=start, period=period,
                                                          base=int(target["base_year"]) if not pd.isna(target.get("base_year")) else start - 1)
    loc = config.LOCALITY_NAMES[str(target["locality"])][lang]
    s = m("set", plan=plan_name, name=_lower_first(label(indicator, lang)),
                        loc=loc, value=value, kind=kind)
    if str(target.get("aspirational")) == "yes":
        s += m("asp")
    return s


def target_level(low, high, lang: str, strict: bool = False) -> str:
    """A target's level as printed, without its unit: ``9,5–10``, ``≥ 9,5``, ``< 3``, ``≤ 30``,
    ``43.000``; ``strict``: a one-sided bound that excludes its own value ("dưới", "trên": < and >)."""
    if _na(low) and _na(high):
        return "—"
    if _na(low):
        return t_("indicator.target.below" if strict else "indicator.target.at_most", lang, high=fmt(high, lang))
    if _na(high):
        return t_("indicator.target.above" if strict else "indicator.target.at_least", lang, low=fmt(low, lang))
    return fmt(low, lang) if float(low) == float(high) else \
        t_("indicator.target.range", lang, low=fmt(low, lang), high=fmt(high, lang))


def _per_year(indicator: Mapping) -> bool:
    """Whether the indicator's yearly target is a rate or a change each year (growth in %, a
    reduction in percentage points), so that its unit reads "/năm" ("%/year" units already do)."""
    unit = str(indicator.get("unit") or "")
    if "/year" in unit or "/yr" in unit:
        return False
    return str(indicator.get("measure")) == "growth_rate" or unit == "percentage points"


def target_cell_parts(target: Mapping, indicator: Mapping | None, lang: str) -> tuple[str, str, str]:
    """A target as a table cell, in three parts: its level (``8``), its unit (``%/năm``) and what
    its period means (``bình quân 2021–2025``; ``tổng 2021–2025`` for a five-year total; the
    deadline ``2030`` for a level to reach), from ``target_kind``, the period and the base year.

    An average-growth target and a yearly rate over several years read per year; the period of
    an average-growth target starts the year after its base year."""
    ind = indicator if indicator is not None else {"unit": "", "unit_vi": ""}
    unit = _unit(ind, lang) if indicator is not None else ""
    kind = str(target.get("target_kind") or "value_in_year")
    start, end = int(target["period_start"]), int(target["period_end"])
    if kind == "average_growth":
        if not _na(target.get("base_year")):
            start = int(target["base_year"]) + 1
        unit = rate_unit_text("%/yr", ind, lang) if unit in ("%", "") else t_("indicator.target.per_year", lang, unit=unit)
    elif kind == "annual_value" and start != end:
        if indicator is not None and _per_year(ind):
            unit = t_("indicator.target.per_year", lang, unit=unit)
            kind = "annual_rate"
        else:
            kind = "annual_value_multi"
    period = period_text(start, end)
    key = f"indicator.target.period.{kind}"
    when = t_(key, lang, start=start, end=end, period=period) if has(key, lang) else str(end)
    return target_level(target.get("low"), target.get("high"), lang, strict_bound(target)), unit, when


def target_cell(target: Mapping, indicator: Mapping | None, lang: str) -> str:
    """The whole cell: ``8 %/năm (bình quân 2021–2025)``, ``4.330 triệu USD (tổng 2021–2025)``,
    ``≥ 9,5 % (2025)`` (:func:`target_cell_parts` joined); the index and the overview's tables use it."""
    level, unit, when = target_cell_parts(target, indicator, lang)
    return f"{' '.join(f'{level} {unit}'.split())} ({when})"


def _lower_first(name: str) -> str:
    """'Real GRDP growth' -> 'real GRDP growth' (keeps acronyms)."""
    return name[:1].lower() + name[1:] if len(name) > 1 and not name[1].isupper() else name


def source_text(target: Mapping, lang: str) -> str:
    from .documents import document_name

    return _msgs(lang)("source", file=document_name(target["source_file"], lang), line=int(target["source_line"]),
                                    quote=target["quote"])


def _na(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _last_figure(a: Mapping, unit: str, lang: str) -> str:
    if _na(a.get("latest_value")) or _na(a.get("latest_year")):
        return ""
    last = a.get("last_open_status")
    return _msgs(lang)("last_figure", value=outturn_text(a, lang), unit=unit, year=a["latest_year"],
                                         status=status_label(last if isinstance(last, str) else None, lang))


def rate_unit_text(rate_unit: str, indicator: Mapping, lang: str) -> str:
    """``%/yr``, ``points/yr`` or the indicator's unit per year, in the report's language."""
    key = f"narrative.runit.{rate_unit}"
    return t_(key, lang, unit=_unit(indicator, lang)) if has(key, lang) else str(rate_unit)


def rate_range_text(low: float, high: float, lang: str, decimals: int | None = None) -> str:
    """A range of rates: ``17,74–18,57``; ``-0,99 đến -0,94`` when a sign would meet the dash."""
    if abs(float(low) - float(high)) < 1e-12:
        return fmt(low, lang, decimals)
    key = "narrative.rate_range" if float(low) >= 0 else "narrative.rate_range_signed"
    return t_(key, lang, low=fmt(low, lang, decimals), high=fmt(high, lang, decimals))


def _base_rows(bases) -> list[dict]:
    if bases is None:
        return []
    rows = bases.to_dict("records") if isinstance(bases, pd.DataFrame) else list(bases)
    return rows if len(rows) > 1 else []


def base_range(bases) -> tuple[float, float] | None:
    """The lowest and highest rate required over the versions of a target's base (``progress.base_alternatives``
    rows of one target), or None for a single version (``progress.base_rate_range``)."""
    return base_rate_range(_base_rows(bases))


def source_who(r: Mapping, lang: str) -> str:
    """Who published a figure and where: "Statistics Office, vneconomy.vn", or a document's title and line."""
    from .report import figure_source

    text, _ = figure_source(r, lang)
    kind = r.get("source_type")
    url = r.get("source_url")
    if isinstance(url, str) and url.strip() and isinstance(kind, str) and has(f"narrative.source_type.{kind}", lang):
        return t_("narrative.base.who_web", lang, who=t_(f"narrative.source_type.{kind}", lang), where=text)
    return text


def base_versions_text(bases, a: Mapping, indicator: Mapping, lang: str) -> str:
    """The rate required from each version of the base, one clause each, with who published the
    version and when; a bound says which way the rate is bounded. '' for a single version."""
    from .pages import format_vintage

    rows = _base_rows(bases)
    if not rows:
        return ""
    m = _msgs(lang)
    unit = _unit(indicator, lang)
    runit = rate_unit_text(a.get("what_it_takes_unit") or a.get("rate_unit") or "", indicator, lang)
    items = []
    for r in rows:
        kind = str(r.get("value_kind") or "exact")
        value = {"lower_bound": lambda: t_("status.outturn.above", lang, low=fmt(r["value"], lang)),
                 "upper_bound": lambda: t_("status.outturn.below", lang, high=fmt(r["value"], lang)),
                 "approx": lambda: m("base.about_value", value=fmt(r["value"], lang)),
                 "range_midpoint": lambda: t_("status.outturn.range", lang, low=fmt(r.get("value_low"), lang),
                                             high=fmt(r.get("value_high"), lang))}.get(kind, lambda: fmt(r["value"], lang))()
        pub = r.get("published")
        status = t_(f"status.figure.{r.get('status')}", lang) if has(f"status.figure.{r.get('status')}", lang) else str(r.get("status") or "")
        web = isinstance(r.get("source_url"), str) and bool(str(r.get("source_url")).strip())
        # a document's title carries its date; a web source gets the date of publication
        who = (m("base.who", status=status, published=format_vintage(str(pub), lang) if isinstance(pub, str) and pub
                 else m("base.undated"), source=source_who(r, lang)) if web
               else m("base.who_doc", status=status, source=source_who(r, lang)))
        if kind in ("lower_bound", "upper_bound"):
            who += m(f"base.why.{kind}")
        if r.get("chosen"):
            who += m("base.chosen")
        if r.get("met"):
            items.append(m("base.item_met", value=value, unit=unit, who=who))
            continue
        if not _na(r.get("rate_low")) and not _na(r.get("rate_high")):
            rate = rate_range_text(r["rate_low"], r["rate_high"], lang)
        else:
            bound = r.get("rate_bound") or "exact"
            rate = m(f"base.rate.{bound}", rate=fmt(r.get("rate"), lang))
        items.append(m("base.item", rate=rate, runit=runit, value=value, unit=unit, who=who))
    return m("base.head", y0=int(rows[0]["baseline_year"]), items=m("base.sep").join(items))


def what_it_takes_text(a: Mapping, indicator: Mapping, lang: str, bases=None) -> str:
    """One sentence: the required annual rate, the rate of the last five years and the stretch.

    ``bases`` (the ``progress.base_alternatives`` rows of this target) gives the required rate for
    every version of the base the sources print: the rate and the stretch are then their range, and
    a second sentence gives each version's rate with its source (:func:`base_versions_text`)."""
    m = _msgs(lang)
    req = a.get("what_it_takes")
    if _na(req):
        return ""
    runit = rate_unit_text(a.get("what_it_takes_unit") or "", indicator, lang)
    y0 = a.get("baseline_year")
    end = a["period_end"]
    stretch, ach = a.get("stretch"), a.get("achieved_rate_5y")
    rng = base_range(bases)
    more = base_versions_text(bases, a, indicator, lang) if rng is not None else ""
    if not _na(stretch) and float(stretch) == 0.0:
        return m("wit_met", y0=y0 if not _na(y0) else a["period_start"], end=end) + more
    req_text, stretch_text = fmt(req, lang), fmt(stretch, lang, 2)
    if rng is not None:
        req_text = rate_range_text(*rng, lang)
        if not _na(stretch) and not _na(ach) and float(ach) != 0:
            lo, hi = sorted((rng[0] / float(ach), rng[1] / float(ach)))
            stretch_text = rate_range_text(lo, hi, lang, 2)
    kw = dict(req=req_text, runit=runit, y0=y0, end=end, ach=fmt(ach, lang),
              a0=a.get("achieved_from"), a1=a.get("achieved_to"), stretch=stretch_text)
    return _wit(a, indicator, m, kw) + more


def _wit(a: Mapping, indicator: Mapping, m, kw: dict) -> str:
    ach, stretch, y0 = a.get("achieved_rate_5y"), a.get("stretch"), a.get("baseline_year")
    if _na(ach):
        if a["target_kind"] == "average_growth" or _na(y0):
            return ""
        return m("wit_noach", **kw)
    if _na(stretch):
        return m("wit_away", **kw)
    if a["target_kind"] == "average_growth":
        return m("wit_cmp" if a.get("status") == "no_data" else "wit_growth", **kw)
    if a.get("what_it_takes_unit") == "%/yr" and str(indicator.get("measure")) == "growth_rate":
        return m("wit_rate", **kw)
    return m("wit", **kw)


def verdict_label(a: Mapping, lang: str) -> str:
    """A scorecard row's status in words; a miss within ``progress.NARROW_MISS_PCT`` % of the target
    reads "not achieved (narrowly missed)" (the verdict itself is unchanged)."""
    if narrowly_missed(a):
        return t_("narrative.narrow.label", lang)
    return status_label(a.get("status"), lang)


def narrow_rule_text(lang: str) -> str:
    """The rule behind "narrowly missed", for the pages' method notes."""
    return t_("narrative.narrow.rule", lang, pct=fmt(NARROW_MISS_PCT, lang))


def status_paragraph(a: Mapping, indicator: Mapping, lang: str, successor: str = "", bases=None) -> str:
    """Where the indicator stands for one target, from a scorecard row.

    ``successor`` is the sentence naming the merged city's corresponding target (for a
    superseded target), from :func:`successor_text`; ``bases`` the target's rows of
    ``progress.base_alternatives`` (the rate required from every version of its base).
    """
    m = _msgs(lang)
    unit = _unit(indicator, lang)
    st = str(a["status"])
    if a["period_state"] == "closed":
        src = str(a.get("outturn_source") or "annual")
        start = int(a["baseline_year"]) + 1 if a["target_kind"] == "average_growth" and not pd.isna(a.get("baseline_year")) else a["period_start"]
        how = m(f"how.{src}" if has(f"narrative.how.{src}", lang) else "how.other", year=a["latest_year"], start=start, end=a["period_end"],
                                                   status=_status_word("figure", a.get("outturn_status"), lang))
        gap = a.get("gap")
        printed = _printed_outturn(a, lang)
        if st == "undetermined" or (printed and (gap is None or pd.isna(gap))):
            key = "status.outturn.undetermined" if st == "undetermined" else "status.outturn.bound_verdict"
            s = t_(key, lang, printed=printed, unit=unit, how=how, verdict=verdict_label(a, lang))
        elif gap is None or pd.isna(gap) or abs(float(gap)) < 1e-9:
            within = not _na(a.get("low")) and not _na(a.get("high")) and float(a["high"]) > float(a["low"])
            s = m("closed_within" if within else "closed_zero", value=outturn_text(a, lang), unit=unit, how=how,
                  verdict=verdict_label(a, lang))
        else:
            s = m("closed", value=printed or fmt(a["latest_value"], lang), unit=unit, how=how,
                                   verdict=verdict_label(a, lang),
                                   gap=fmt(abs(float(gap)), lang), gunit=_gap_unit(indicator, lang),
                                   # the outturn as a share of the target ("đạt 52,7 % chỉ tiêu"), not the gap's share
                                   ratio=fmt(100 + float(a["gap_pct"]), lang, 1)
                                   if not pd.isna(a.get("gap_pct")) else "—",
                                   side=m("above") if float(gap) > 0 else m("below"))
    elif st == "superseded":
        s = m("superseded", loc=config.LOCALITY_NAMES[str(a["locality"])][lang])
        s += _last_figure(a, unit, lang)
        s += successor or m("no_successor")
    elif st == "closed_no_outturn":
        s = m("closed_no_outturn", end=a["period_end"]) + _last_figure(a, unit, lang)
    elif st == "copied_text":
        orig = a.get("copy_of_locality")
        s = m("copied_text", orig=config.LOCALITY_NAMES[orig][lang] if isinstance(orig, str) and orig in config.LOCALITY_NAMES
              else str(a.get("copy_of") or ""), loc=config.LOCALITY_NAMES[str(a["locality"])][lang])
        would = a.get("last_open_status")
        if not _na(a.get("latest_value")) and isinstance(would, str) and would:
            s += m("copied_would_be", value=fmt(a["latest_value"], lang), unit=unit, year=a["latest_year"],
                   status=status_label(would, lang))
    elif st == "no_baseline":
        base = a["base_year"] if not _na(a.get("base_year")) else int(a["period_start"]) - 1
        latest = ("" if _na(a.get("latest_value")) else
                  m("no_baseline_latest", value=fmt(a["latest_value"], lang), unit=unit, year=a["latest_year"]))
        s = m("no_baseline", base=base, latest=latest)
    elif st == "no_data":
        if a["target_kind"] == "average_growth":
            s = m("no_data_growth", base=a["baseline_year"], rem=fmt(a["required_remaining"], lang),
                                           start=int(a["baseline_year"]) + 1, end=a["period_end"])
        else:
            base = a["baseline_year"] if not pd.isna(a.get("baseline_year")) else int(a["period_start"]) - 1
            s = m("no_data", base=base)
    elif a["target_kind"] == "average_growth":
        k = int(a["latest_year"]) - int(a["baseline_year"])
        s = m("open_growth", obs=fmt(a["observed_rate"], lang), k=k, base=a["baseline_year"],
                                    req=fmt(a["required_rate"], lang), status=status_label(st, lang),
                                    r=fmt(a["progress_ratio"], lang), left=int(a["period_end"]) - int(a["latest_year"]),
                                    rem=fmt(a["required_remaining"], lang))
    elif st == "achieved":
        s = m("achieved_open", value=fmt(a["latest_value"], lang), unit=unit, year=a["latest_year"], end=a["period_end"])
    elif st == "regressing" and (a.get("progress_ratio") == -1.0):
        s = m("regressing_base", value=fmt(a["latest_value"], lang), unit=unit, year=a["latest_year"],
                                        y0=a["baseline_year"], x0=fmt(a["baseline_value"], lang))
    else:
        rate_unit = "%" if a.get("rate_unit") == "%/yr" else m("pts")
        s = m("open", value=fmt(a["latest_value"], lang), unit=unit, year=a["latest_year"],
                             x0=fmt(a["baseline_value"], lang), y0=a["baseline_year"],
                             obs=f"{fmt(a['observed_rate'], lang)} {rate_unit}", req=f"{fmt(a['required_rate'], lang)} {rate_unit}",
                             end=a["period_end"], status=status_label(st, lang), r=fmt(a["progress_ratio"], lang))
    if a.get("period_state") == "closed" and not _na(a.get("implied_missing_growth")) and not _na(a.get("known_years")):
        # a published average closed the period with some annual figures missing: what it assumes
        k, y0 = int(a["known_years"]), int(a["baseline_year"]) + 1
        last_known = y0 + k - 1
        s += t_("status.outturn.implied_missing", lang, known=period_text(y0, last_known),
                avg=fmt(a["known_years_average"], lang), implied=fmt(a["implied_missing_growth"], lang),
                missing=period_text(last_known + 1, a["period_end"]))
    if a.get("period_state") == "closed" and not _na(a.get("published_average")):
        s += t_("status.outturn.published_average", lang, value=fmt(a["published_average"], lang), unit=unit)
    if a.get("period_state") == "open":
        s += what_it_takes_text(a, indicator, lang, bases)
    if a.get("period_state") == "closed" and narrowly_missed(a):
        s += " " + narrow_rule_text(lang)
    doc = a.get("doc_verdict")
    if doc:
        # the document's word, glossed by the engine's category where the page's words differ
        # from it ("Đạt" (achieved) on an English page; plain "Đạt" on a Vietnamese one)
        cat = a.get("doc_verdict_en")
        gloss = _status_word("progress", cat, lang) if cat else ""
        shown = m("doc_word_glossed", doc=doc, gloss=gloss) if gloss and gloss.casefold() != str(doc).casefold() \
            else m("doc_word", doc=doc)
        if a.get("verdict"):
            key = "doc_agree" if a.get("doc_agrees") else "doc_disagree"
            s += m(key, doc=shown, verdict=status_label(a["verdict"], lang))
        elif not _na(a.get("latest_year")) and not _na(a.get("period_end")) \
                and int(a["latest_year"]) < int(a["period_end"]):  # a figure, but not for the target's year
            s += m("doc_only_before", doc=shown)  # the sentence before says which year has no figure
        else:
            s += m("doc_only", doc=shown)
    elif isinstance(a.get("item_doc_verdict"), str) and a.get("item_doc_verdict"):
        s += t_("status.outturn.item_doc", lang, doc=a["item_doc_verdict"])
    return s


def outturn_text(a: Mapping, lang: str) -> str:
    """A scorecard row's latest figure as a reader should see it: as printed when the source gives
    only a range or a bound ("35–40", "dưới 1,5"), else the number; "" when there is none."""
    printed = _printed_outturn(a, lang)
    if printed:
        return printed
    return "" if _na(a.get("latest_value")) else fmt(a["latest_value"], lang)


def observed_rate_text(a: Mapping, lang: str) -> str:
    """A scorecard row's observed rate for a table: the printed range where the rate is the outturn
    itself (an average growth printed as "1,40–1,65", whose midpoint the engine uses), else the number."""
    rate = a.get("observed_rate")
    if _na(rate):
        return "—"
    printed = _printed_outturn(a, lang)
    if printed and a.get("target_kind") == "average_growth" and not _na(a.get("latest_value")) \
            and abs(float(rate) - float(a["latest_value"])) < 1e-9:
        return printed
    return fmt(rate, lang)


def gap_range(a: Mapping) -> tuple[float, float] | None:
    """The gap (outturn − target) over an outturn printed as a range ("1,40–1,65"): the engine
    measures ``gap`` from the range's midpoint, the reader is given both ends; ``None`` when the
    outturn is a single number (or there is no gap)."""
    lo, hi, mid, gap = a.get("outturn_low"), a.get("outturn_high"), a.get("latest_value"), a.get("gap")
    if _na(lo) or _na(hi) or _na(mid) or _na(gap) or float(lo) == float(hi) or abs(float(gap)) < 1e-9:
        return None  # (a gap of 0 is a range within the target's: no gap at either end)
    g1, g2 = float(gap) + float(lo) - float(mid), float(gap) + float(hi) - float(mid)
    return round(min(g1, g2), 10), round(max(g1, g2), 10)


def gap_cells(a: Mapping, lang: str) -> dict[str, str]:
    """The gap of a closed target as text, over the printed range where there is one: ``gap`` and
    ``gap_abs`` (in the indicator's unit, signed and unsigned), ``gap_pct`` (signed, % of the target,
    without the % sign) and ``ratio`` (the outturn as % of the target); ``—`` where unknown."""
    gap, pct = a.get("gap"), a.get("gap_pct")
    rng = gap_range(a)
    if rng is None:
        return {"gap": fmt(gap, lang), "gap_abs": "—" if _na(gap) else fmt(abs(float(gap)), lang),
                "gap_pct": "—" if _na(pct) else fmt(pct, lang, 1),
                "ratio": "—" if _na(pct) else fmt(100 + float(pct), lang, 1)}
    g1, g2 = rng
    both = lambda x, y, d=None: t_("status.outturn.range", lang, low=fmt(x, lang, d), high=fmt(y, lang, d))  # noqa: E731
    signed = lambda x, y, d=None: t_("overview.signed_range", lang, low=fmt(x, lang, d), high=fmt(y, lang, d))  # noqa: E731
    out = {"gap": signed(g1, g2), "gap_abs": both(*sorted((abs(g1), abs(g2))))}
    if _na(pct) or float(gap) == 0:
        out.update(gap_pct="—", ratio="—")
        return out
    target = float(gap) * 100 / float(pct)  # gap_pct = gap / target × 100
    p1, p2 = g1 * 100 / target, g2 * 100 / target
    p1, p2 = min(p1, p2), max(p1, p2)
    out.update(gap_pct=signed(p1, p2, 1), ratio=both(100 + p1, 100 + p2, 1))
    return out


def _printed_outturn(a: Mapping, lang: str) -> str:
    """An outturn printed as a range or a bound, as printed ("35–40", "dưới 1,5"); '' otherwise."""
    lo, hi = a.get("outturn_low"), a.get("outturn_high")
    lo = None if _na(lo) else lo
    hi = None if _na(hi) else hi
    if lo is not None and hi is not None:
        return t_("status.outturn.range", lang, low=fmt(lo, lang), high=fmt(hi, lang))
    if lo is not None:
        return t_("status.outturn.above", lang, low=fmt(lo, lang))
    if hi is not None:
        return t_("status.outturn.below", lang, high=fmt(hi, lang))
    return ""


def target_paragraphs(card_rows: pd.DataFrame, targets: pd.DataFrame, indicator: Mapping, plans: pd.DataFrame,
                      lang: str, bases: pd.DataFrame | None = None) -> list[dict]:
    """For each target of one indicator: the target sentence, its source and its status paragraph.
    ``bases``: ``progress.base_alternatives`` (the rate required from every version of a base)."""
    pl = plans.set_index("plan") if not plans.empty else None
    out = []
    tg = targets.set_index("target_id")
    for a in card_rows.to_dict("records"):
        t = tg.loc[a["target_id"]]
        plan_name = str(pl.loc[t["plan"], f"name_{lang}"]) if pl is not None and t["plan"] in pl.index else str(t["plan"])
        succ = successor_text(a.get("successor"), targets, indicator, plans, lang)
        out.append({"target_id": a["target_id"], "target": target_text(t, indicator, plan_name, lang),
                    "source": source_text(t, lang),
                    "status": status_paragraph(a, indicator, lang, succ, _bases_of(bases, a["target_id"])),
                    "status_code": a["status"]})
    return out


def _bases_of(bases: pd.DataFrame | None, target_id: str) -> list[dict]:
    if bases is None or bases.empty:
        return []
    return bases[bases["target_id"] == target_id].to_dict("records")


def successor_text(successor, targets: pd.DataFrame, indicator: Mapping, plans: pd.DataFrame, lang: str) -> str:
    """The sentence naming a superseded target's successor (its plan, value and deadline), or ''."""
    if _na(successor) or not successor:
        return ""
    m = targets[targets["target_id"] == successor]
    if m.empty:
        return ""
    s = m.iloc[0]
    pl = plans.set_index("plan") if not plans.empty else None
    plan_name = str(pl.loc[s["plan"], f"name_{lang}"]) if pl is not None and s["plan"] in pl.index else str(s["plan"])
    lo, hi = s.get("low"), s.get("high")
    if _na(lo):
        value = fmt(hi, lang)
    elif _na(hi) or lo == hi:
        value = fmt(lo, lang)
    else:
        value = f"{fmt(lo, lang)}–{fmt(hi, lang)}"
    return _msgs(lang)("successor", plan=plan_name, value=value, unit=_unit(indicator, lang), end=int(s["period_end"]))


def caveats(actuals: pd.DataFrame, best: pd.DataFrame, indicator_id: str, locality: str, lang: str) -> list[str]:
    """Caveats about the figures behind one series: estimates, revisions, boundaries, bounds."""
    m = _msgs(lang)
    out = []
    b = best[(best["indicator_id"] == indicator_id) & (best["locality"] == locality)]
    a = actuals[(actuals["indicator_id"] == indicator_id) & (actuals["locality"] == locality)]
    def yrs(df) -> dict:  # the years as text, and how many ("năm 2025", "các năm 2020, 2021")
        years = sorted({period_text(s, e) for s, e in zip(df["period_start"], df["period_end"])})
        return {"years": ", ".join(years), "k": len(years)}

    est = b[b["status"].isin(["estimate", "plan_estimate", "preliminary"])]
    if len(est):
        out.append(m("cav_estimate", **yrs(est)))
    multi = b[b["n_values"] > 1]
    if len(multi):
        out.append(m("cav_versions", **yrs(multi), n=int(multi["n_versions"].sum())))
    if locality == "can_tho_merged" and (b["period_start"] < 2025).any():
        out.append(m("cav_merged"))
    if locality in ("can_tho_old", "soc_trang", "hau_giang"):
        out.append(m("cav_old", loc=config.LOCALITY_NAMES[locality][lang]))
    if b["value_kind"].isin(["lower_bound", "upper_bound", "range_midpoint", "approx"]).any():
        out.append(m("cav_bound"))
    low = a[a["reliability"] == "low"]
    if len(low):
        out.append(m("cav_low", n=len(low)))
    return out


def indicator_summary(card_rows: pd.DataFrame, indicator: Mapping, locality: str, lang: str) -> str:
    m = _msgs(lang)
    if card_rows.empty:
        return m("none")
    counts = card_rows["status"].value_counts()
    counts_txt = ", ".join(f"{status_label(k, lang)}: {v}" for k, v in counts.items())
    return m("summary", name=label(indicator, lang), loc=config.LOCALITY_NAMES[locality][lang],
                               n=len(card_rows), plans=card_rows["plan"].nunique(), counts=counts_txt)


def escape(text: str) -> str:
    """HTML-escape text that comes from the data (names, quotes)."""
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------- the overview page
# Texts in locales/<lang>/overview.yaml; numbers formatted here, by the page's language.
_CLOSED_VERDICTS = ("exceeded", "achieved", "not_achieved")


def target_range(low, high, lang: str) -> str:
    """A target's level for a table or a sentence: ``9,5–10``, ``≥ 9,5``, ``< 5`` or ``43.000``."""
    if _na(low) and _na(high):
        return "—"
    if _na(low):
        return f"< {fmt(high, lang)}"
    if _na(high):
        return f"≥ {fmt(low, lang)}"
    return fmt(low, lang) if float(low) == float(high) else f"{fmt(low, lang)}–{fmt(high, lang)}"


def period_text(start, end) -> str:
    """A period as readers write it: ``2023`` for one year, ``2021–2025`` for several."""
    return str(int(start)) if int(start) == int(end) else f"{int(start)}–{int(end)}"


def overview_intro(card: pd.DataFrame, lang: str) -> str:
    """One paragraph: how many targets in how many plans, and how many in each state."""
    st = card["status"].value_counts()
    n = lambda s: int(st.get(s, 0))  # noqa: E731
    closed = sum(n(s) for s in _CLOSED_VERDICTS)
    s = t("overview.intro", lang, n=len(card), plans=card["plan"].nunique(), closed=closed,
          exceeded=n("exceeded"), achieved=n("achieved"), not_achieved=n("not_achieved"),
          no_outturn=n("closed_no_outturn"), superseded=n("superseded"),
          open=int((card["period_state"] == "open").sum()))
    if n("copied_text"):
        s += " " + t("overview.intro_copied", lang, n=n("copied_text"))
    return s


def overview_plan_lines(card: pd.DataFrame, plan_order: list[str], plan_names: Mapping, lang: str) -> list[str]:
    """One sentence per plan: its targets by status, best outcome first (``config.STATUS_ORDER``)."""
    out = []
    for plan in [p for p in plan_order if p in set(card["plan"])] + sorted(set(card["plan"]) - set(plan_order)):
        g = card[card["plan"] == plan]["status"].value_counts()
        counts = ", ".join(t("overview.count_item", lang, n=int(g[s]), status=status_label(s, lang))
                           for s in config.STATUS_ORDER if g.get(s, 0))
        key = "overview.plan_line_one" if int(g.sum()) == 1 else "overview.plan_line"
        out.append(t(key, lang, plan=plan_names.get(plan, plan), n=int(g.sum()), counts=counts))
    return out


def largest_misses(card: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """The ``k`` targets not achieved whose outturn is furthest from the target, relative to it
    (``|gap_pct|``); a target restated in several plans counts once (its plans are listed)."""
    m = card[(card["verdict"] == "not_achieved") & card["gap_pct"].notna()].copy()
    if m.empty:
        return m.assign(plans=[])
    key = ["indicator_id", "locality", "period_start", "period_end", "low", "high", "latest_value"]
    m["_k"] = m[key].astype(str).agg("|".join, axis=1)
    plans = m.groupby("_k", sort=False)["plan"].agg(lambda s: list(dict.fromkeys(s)))
    m = m.drop_duplicates("_k").copy()
    m["plans"] = m["_k"].map(plans)
    m["_abs"] = m["gap_pct"].abs()
    m = m.sort_values(["_abs", "target_id"], ascending=[False, True], kind="mergesort").head(k)
    return m.drop(columns=["_k", "_abs"]).reset_index(drop=True)


def miss_sentences(misses: pd.DataFrame, indicators: pd.DataFrame, plan_names: Mapping, lang: str) -> list[str]:
    """One sentence per miss: name, locality, target, outturn and the gap in the indicator's unit
    (percentage points for percentages); below a target also the share of it achieved."""
    ind = indicators.set_index("indicator_id")
    out = []
    for a in misses.to_dict("records"):
        i = ind.loc[a["indicator_id"]]
        i = {**i.to_dict(), "indicator_id": a["indicator_id"]}
        gap = float(a["gap"])
        cells = gap_cells(a, lang)  # over the printed range (1,40–1,65), not its midpoint
        kw = dict(name=label(i, lang), loc=_short_locality(a["locality"], lang),
                  period=period_text(a["period_start"], a["period_end"]),
                  plans=", ".join(plan_names.get(p, p) for p in a["plans"]),
                  outturn=outturn_text(a, lang), gap=cells["gap_abs"],
                  gunit=t("overview.pp", lang) if str(i["unit"]).startswith("%") else _unit(i, lang))
        level, unit, when = target_cell_parts(a, i, lang)
        kw.update(target=level, tunit=unit, unit=unit if a.get("target_kind") == "average_growth" else _unit(i, lang))  # the target per year where it is one ("9 %/năm"); the period is in {period}
        if gap < 0:
            out.append(t("overview.miss_below", lang, ratio=cells["ratio"], **kw))
        else:
            out.append(t("overview.miss_above", lang, **kw))
    return out or [t("overview.no_misses", lang)]


def _short_locality(locality: str, lang: str) -> str:
    """The locality's name without the boundary note in brackets (the period says which one)."""
    return config.LOCALITY_NAMES[str(locality)][lang].split(" (")[0]


def realism_sentence(summary: pd.DataFrame, lang: str, forecasts: Mapping | None = None) -> str:
    """Planning realism in one sentence, from ``progress.realism_summary``'s ``all`` row; with
    ``forecasts`` (the feasibility page's growth-target bias: ``mean_error_pp``, ``targets``) a second
    sentence says why that page's figure differs (another set of targets; both correct)."""
    row = summary[summary["plan"] == "all"]
    if row.empty or not int(row.iloc[0]["targets_with_outturn"]):
        return t("overview.realism_none", lang)
    r = row.iloc[0]
    gap, grdp = r["mean_gap_growth_pp"], r["gap_grdp_growth_pp"]  # outturn - target, points
    over = _na(gap) or float(gap) <= 0  # the targets were set above the outturns
    sign = -1.0 if over else 1.0
    text = t("overview.realism_over" if over else "overview.realism_under", lang, n=int(r["targets_with_outturn"]),
             met=percent(r["share_met"], lang), k=int(r["growth_targets"]),
             gap=fmt(None if _na(gap) else sign * float(gap), lang, 2),
             grdp=fmt(None if _na(grdp) else sign * float(grdp), lang, 2))
    if forecasts and not _na(grdp) and forecasts.get("mean_error_pp") is not None:
        text += " " + t("overview.realism_reconcile", lang, me=fmt(forecasts["mean_error_pp"], lang, 2),
                        k=int(forecasts["targets"]), grdp=fmt(-float(grdp), lang, 2))
    return text


def percent(share, lang: str, decimals: int = 1) -> str:
    """A share (0.7299) as a percentage in the page's format: ``73,0 %``; ``—`` when unknown."""
    return "—" if _na(share) else f"{fmt(float(share) * 100, lang, decimals)} %"
