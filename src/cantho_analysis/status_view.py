"""The scorecard for people: locality names as input, names and units in the table and the CSV.

Used by ``cantho-analysis status`` and ``cantho-analysis export``. Pure functions of frames.
"""

from __future__ import annotations

import textwrap
import unicodedata

import pandas as pd

from . import config, narrative
from .i18n import scoped
from .progress import figure_years
from .safetext import spreadsheet_safe_frame, terminal_safe

__all__ = ["fold", "resolve_locality", "named_card", "status_text", "NAME_COLUMNS"]

# Appended after the scorecard's columns in the CSV (reviewers' scripts use the existing ones).
NAME_COLUMNS = ["indicator_name_en", "indicator_name_vi", "unit", "unit_vi", "locality_name_en", "locality_name_vi",
                "plan_name_en", "plan_name_vi", "status_en", "status_vi"]


def fold(text: str) -> str:
    """Lower case without diacritics (``Hậu Giang`` -> ``hau giang``; đ -> d), blanks collapsed."""
    s = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower().replace("_", " ")
    return " ".join(s.split())


def _short(name: str) -> str:
    """'Sóc Trăng province (before 1 July 2025)' -> 'sóc trăng'; 'Tỉnh Hậu Giang (...)' -> 'hậu giang'."""
    s = fold(name.split("(")[0])
    for word in ("tinh ", "thanh pho ", " province", " city", " region", "vung "):
        s = s.replace(word, " ")
    return " ".join(s.split())


def resolve_locality(text: str) -> str:
    """A locality id from an id or a name, Vietnamese or English, ignoring case and diacritics.

    ``"Hậu Giang"``, ``"hau giang"``, ``"Tỉnh Hậu Giang"`` and ``"hau_giang"`` all give
    ``hau_giang``. A name that fits several localities (``"Cần Thơ"``: the old city and the
    merged one) raises ``ValueError`` naming the choices, as does an unknown name.
    """
    q = fold(text)
    if not q:
        raise ValueError("empty locality")
    exact, partial = [], []
    for lid in config.LOCALITIES:
        names = config.LOCALITY_NAMES.get(lid, {})
        full = {fold(lid)} | {fold(n) for n in names.values()} | {_short(n) for n in names.values()}
        full |= {f.replace(" ", "") for f in full}  # "Việt Nam" = "Vietnam"
        if q in full or q.replace(" ", "") in full:
            exact.append(lid)
        elif any(q in f for f in full):
            partial.append(lid)
    found = exact if len(exact) == 1 else (exact or partial)
    if len(found) == 1:
        return found[0]
    choices = "; ".join(f"{lid} ({config.LOCALITY_NAMES[lid]['en']})" for lid in (found or config.LOCALITIES))
    if found:
        raise ValueError(f"locality {text!r} fits several: {choices}")
    raise ValueError(f"unknown locality {text!r}; use an id or a name: {choices}")


def named_card(card: pd.DataFrame, indicators: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with names and units appended (``NAME_COLUMNS``), every text cell made safe
    for a spreadsheet (a text starting with ``=``, ``+``, ``-`` or ``@`` stays text)."""
    ind = indicators.set_index("indicator_id")
    pl = plans.set_index("plan") if not plans.empty else pd.DataFrame(columns=["name_en", "name_vi"])
    out = card.copy()
    out["indicator_name_en"] = out["indicator_id"].map(ind["name_en"])
    out["indicator_name_vi"] = out["indicator_id"].map(ind["name_vi"])
    out["unit"] = out["indicator_id"].map(ind["unit"])
    out["unit_vi"] = out["indicator_id"].map(ind["unit_vi"]) if "unit_vi" in ind else out["unit"]
    for lang in ("en", "vi"):
        out[f"locality_name_{lang}"] = out["locality"].map(lambda x: config.LOCALITY_NAMES.get(x, {}).get(lang, x))
        out[f"plan_name_{lang}"] = out["plan"].map(pl[f"name_{lang}"]) if f"name_{lang}" in pl else out["plan"]
        out[f"status_{lang}"] = out["status"].map(lambda s: narrative.status_label(s, lang))
    return spreadsheet_safe_frame(out)


def _t(lang: str):
    return scoped("status_view", lang)


def _cell(x, lang, dec=None) -> str:
    return "—" if x is None or pd.isna(x) else narrative.fmt(x, lang, dec)


def _target(r, lang) -> str:
    lo, hi = r["low"], r["high"]
    if pd.isna(lo) and pd.isna(hi):
        return "—"
    t = _t(lang)
    if pd.isna(lo):
        return t("below", v=_cell(hi, lang))
    if pd.isna(hi):
        return t("at_least", v=_cell(lo, lang))
    return _cell(lo, lang) if lo == hi else t("range", low=_cell(lo, lang), high=_cell(hi, lang))


def _fit(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def status_text(card: pd.DataFrame, indicators: pd.DataFrame, plans: pd.DataFrame, lang: str = "en",
                width: int = 100, targets: pd.DataFrame | None = None) -> str:
    """The scorecard as text that fits ``width`` columns: one block per locality and plan, one row
    per target with the indicator's name (wrapped), target, unit, latest figure and status; a
    second line with what it takes (open targets) or the successor (superseded ones; described
    from ``targets`` when given)."""
    t = _t(lang)
    ind = indicators.set_index("indicator_id")
    tg = targets.set_index("target_id") if targets is not None else None
    pl = dict(zip(plans["plan"], plans[f"name_{lang}"])) if not plans.empty else {}
    w_t, w_u, w_l, w_s = 13, 12, 19, 27  # latest: "74,180 (2021–2025)"
    w_n = max(18, width - (w_t + w_u + w_l + w_s) - 4)
    row_fmt = f"{{:<{w_n}}} {{:>{w_t}}} {{:<{w_u}}} {{:>{w_l}}} {{:<{w_s}}}"
    lines = []
    for (loc, plan), g in card.groupby(["locality", "plan"], sort=False):
        lines.append("")
        title = f"{config.LOCALITY_NAMES.get(loc, {}).get(lang, loc)} — {pl.get(plan, plan)}"
        lines += textwrap.wrap(terminal_safe(title), width) or [""]
        lines.append(row_fmt.format(*(t(f"head.{k}") for k in ("indicator", "target", "unit", "latest", "status"))).rstrip())
        lines.append("-" * min(width, w_n + w_t + w_u + w_l + w_s + 4))
        for _, r in g.iterrows():
            i = ind.loc[r["indicator_id"]] if r["indicator_id"] in ind.index else None
            name = terminal_safe(narrative.label(i, lang) if i is not None else r["indicator_id"])
            unit = terminal_safe(narrative._unit(i, lang) if i is not None else "")
            if not pd.isna(r["latest_value"]):
                shown = narrative._printed_outturn(r, lang) or _cell(r['latest_value'], lang)  # "35–40", not 37.5
                latest = f"{shown} ({figure_years(r)})"  # 2021–2025 for a period figure
            elif not pd.isna(r.get("baseline_value")) and r.get("target_kind") != "average_growth":
                latest = f"{_cell(r['baseline_value'], lang)} ({r['baseline_year']})"  # the baseline is the latest
            else:
                latest = "—"
            names = textwrap.wrap(name, w_n) or [""]
            units = textwrap.wrap(unit, w_u) or [""]
            for k in range(max(len(names), len(units))):
                first = k == 0
                lines.append(row_fmt.format(names[k] if k < len(names) else "",
                                            _fit(_target(r, lang), w_t) if first else "",
                                            _fit(units[k], w_u) if k < len(units) else "",
                                            _fit(latest, w_l) if first else "",
                                            _fit(narrative.status_label(r["status"], lang), w_s) if first else "").rstrip())
            extra = ""
            if not pd.isna(r.get("what_it_takes")) and r.get("period_state") == "open":
                ru = narrative.rate_unit_text(r["what_it_takes_unit"], i if i is not None else {"unit": ""}, lang)
                vs = ""
                if not pd.isna(r.get("achieved_rate_5y")):
                    years = (str(r["achieved_to"]) if r["achieved_from"] == r["achieved_to"]
                             else f"{r['achieved_from']}–{r['achieved_to']}")
                    s = t("stretch_infinite") if pd.isna(r.get("stretch")) else _cell(r["stretch"], lang, 2)
                    vs = t("against", ach=_cell(r["achieved_rate_5y"], lang), ru=ru, years=years, s=s)
                extra = t("what_it_takes", req=_cell(r["what_it_takes"], lang), ru=ru, vs=vs)
            elif r["status"] == "superseded" and isinstance(r.get("successor"), str) and r.get("successor"):
                succ = r["successor"]
                if tg is not None and succ in tg.index:
                    st = tg.loc[succ]
                    succ = t("by_year", v=_target(st, lang), u=narrative._unit(i, lang) if i is not None else "",
                             y=int(st["period_end"]))
                extra = t("successor", t=succ)
            if extra:
                lines += textwrap.wrap(terminal_safe(extra), width - 4, initial_indent="    ", subsequent_indent="    ")
    counts = card["status"].value_counts()
    lines.append("")
    lines += textwrap.wrap(f"{t('counts')}: " + ", ".join(t("count", status=narrative.status_label(k, lang),
                                                              n=narrative.fmt(v, lang, 0))
                                                            for k, v in counts.items()), width)
    return "\n".join(lines).lstrip("\n")
