"""The documents' own tallies ("15/20 targets met or exceeded, 5 still pursued") against the engine.

Pure functions, frames in and frames out. A tally (``data/doc_tallies.csv``, one row per tally
and category) counts the numbered items of a plan: ``total``, ``exceeded``, ``achieved``,
``achieved_or_exceeded``, ``not_achieved``, ``pursuing`` or ``other``. The scorecard has one row
per target, and one numbered item can hold several targets (the GRDP structure item holds four
shares), so the engine's figure is counted per item too:

* an item's verdict is the worst verdict of its targets (not achieved < achieved < exceeded),
  among the targets that have one; an item none of whose targets has an outturn has none;
* the same is done with the verdicts printed in the document's own results table: the verdict
  printed on the item's heading (``item_doc_verdict``, for the item as a whole) when there is one,
  else the worst of those printed on its rows (``doc_verdict``), so that a difference can be traced
  to the tally, the table or the engine.

Every difference is explained from the scorecard's own columns: items counted twice (the
categories add up to more than the total), items of the document that the data do not hold,
items whose verdict the document gives differently (``doc_verdict`` against the engine's
``verdict``), and items without an outturn (``status`` with no verdict).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .i18n import scoped
from .progress import DOC_VERDICTS

__all__ = ["TALLY_COLUMNS", "CATEGORIES", "COMPARE_COLUMNS", "item_verdicts", "compare", "empty_tallies", "tallies_of"]

TALLY_COLUMNS = ["tally_id", "plan", "locality", "scope", "category", "count", "source_file", "source_line", "quote",
                 "number_format", "note"]
CATEGORIES = ("total", "exceeded", "achieved", "achieved_or_exceeded", "not_achieved", "pursuing", "other")
COMPARE_COLUMNS = ["tally_id", "plan", "locality", "scope", "category", "count", "engine_count", "table_count",
                   "engine_targets", "difference", "explanation", "source_file", "source_line", "quote", "note"]

_RANK = {"not_achieved": 0, "achieved": 1, "exceeded": 2}
_VERDICT_OF = {"exceeded": ("exceeded",), "achieved": ("achieved",), "achieved_or_exceeded": ("achieved", "exceeded"),
               "not_achieved": ("not_achieved",), "pursuing": ("not_achieved", None)}

def _t(lang: str):
    """The explanations' messages (``tallies.*`` in the message catalogue) in ``lang``."""
    return scoped("tallies", lang)


def empty_tallies() -> pd.DataFrame:
    """A tally frame with no rows (the comparison then has no rows either)."""
    return pd.DataFrame(columns=TALLY_COLUMNS)


def _item_of(card: pd.DataFrame) -> pd.Series:
    if "item" in card.columns:
        return card["item"].astype(str)
    # target ids are "<plan>.<item>.<indicator>"
    return card["target_id"].astype(str).str.split(".").str[1].fillna("")


def _worst(values) -> str | None:
    v = [x for x in values if isinstance(x, str) and x in _RANK]
    return min(v, key=_RANK.get) if v else None


def item_verdicts(card: pd.DataFrame) -> pd.DataFrame:
    """One row per (plan, locality, item): the engine's and the document's verdict of the item.

    Columns ``plan``, ``locality``, ``item``, ``targets`` (how many scorecard rows),
    ``indicator_ids``, ``engine`` (worst engine verdict, None without an outturn),
    ``table`` (worst verdict of the document's own table, None when it gives none),
    ``without_outturn`` (indicator ids of targets with no outturn), ``undetermined`` (indicator ids
    of targets whose outturn is printed only as a range or bound across the target).
    """
    cols = ["plan", "locality", "item", "targets", "indicator_ids", "engine", "table", "without_outturn", "undetermined"]
    if card is None or card.empty:
        return pd.DataFrame(columns=cols)
    c = card.assign(_item=_item_of(card))
    doc_en = c["doc_verdict_en"] if "doc_verdict_en" in c else pd.Series([None] * len(c), index=c.index)
    c = c.assign(_doc=doc_en)
    item_doc = (c["item_doc_verdict"].map(lambda v: DOC_VERDICTS.get(v) if isinstance(v, str) else None)
                if "item_doc_verdict" in c else pd.Series([None] * len(c), index=c.index))
    c = c.assign(_item_doc=item_doc)
    if "status" not in c:
        c = c.assign(status=None)
    rows = []
    for (plan, loc, item), g in c.groupby(["plan", "locality", "_item"], sort=True):
        verdicts = g["verdict"].where(g["verdict"].notna(), None).tolist()
        # the document's verdict of the item: printed on the item's heading when it is (then it is
        # the item's, never a row's), else the worst of those printed on its rows
        on_item = [v for v in g["_item_doc"].tolist() if isinstance(v, str)]
        table = _worst(on_item) if on_item else _worst(g["_doc"].tolist())
        rows.append({"plan": plan, "locality": loc, "item": item, "targets": len(g),
                     "indicator_ids": list(g["indicator_id"]), "engine": _worst(verdicts),
                     "table": table,
                     "without_outturn": [i for i, v, s in zip(g["indicator_id"], verdicts, g["status"])
                                         if v is None and s != "undetermined"],
                     "undetermined": [i for i, s in zip(g["indicator_id"], g["status"]) if s == "undetermined"]})
    out = pd.DataFrame(rows, columns=cols)
    key = out["item"].map(lambda s: (0, int(s), "") if str(s).isdigit() else (1, 0, str(s)))
    return out.assign(_k=key).sort_values(["plan", "locality", "_k"], kind="mergesort").drop(columns="_k") \
        .reset_index(drop=True)


def _count(items: pd.DataFrame, col: str, category: str) -> float:
    if category == "total":
        return float(len(items))
    if category not in _VERDICT_OF:
        return np.nan
    want = _VERDICT_OF[category]
    return float(sum((v in want) if isinstance(v, str) else (None in want) for v in items[col]))


def _names(ids, names: dict) -> str:
    return ", ".join(str(names.get(i, i)) for i in ids)


def compare(tallies: pd.DataFrame | None, card: pd.DataFrame, indicators: pd.DataFrame | None = None,
            lang: str = "en") -> pd.DataFrame:
    """Each tally row against the engine's count for the same plan (and locality), explained.

    Parameters
    ----------
    tallies : DataFrame or None
        Rows of ``doc_tallies.csv`` (columns ``TALLY_COLUMNS``). None or empty gives an empty result.
    card : DataFrame
        The scorecard (``progress.scorecard``); an ``item`` column is used if present, else the
        item is read from ``target_id``.
    indicators : DataFrame, optional
        For indicator names in the explanations (``name_en`` / ``name_vi``); ids otherwise.
    lang : "en" or "vi"
        Language of the explanations.

    Returns
    -------
    DataFrame with ``COMPARE_COLUMNS``: the document's ``count``, the engine's count of items
    (``engine_count``), the count by the document's own table verdicts (``table_count``), the
    engine's count of targets (``engine_targets``), ``difference`` = engine_count - count, and the
    ``explanation`` of every difference. Stable order: the tallies' order.
    """
    t = _t(lang)
    if tallies is None or len(tallies) == 0:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    missing = [c for c in ("tally_id", "plan", "category", "count") if c not in tallies.columns]
    if missing:
        raise ValueError(f"doc_tallies: missing column(s) {', '.join(missing)}")
    names = {}
    if indicators is not None and len(indicators):
        names = dict(zip(indicators["indicator_id"], indicators[f"name_{lang}"]))
    items_all = item_verdicts(card)
    label = (lambda v: t("none") if v is None else t(f"verdict.{v}"))  # noqa: E731
    out = []
    for tally_id, g in tallies.groupby("tally_id", sort=False):
        plan = str(g["plan"].iloc[0])
        loc = g["locality"].iloc[0] if "locality" in g else None
        items = items_all[items_all["plan"] == plan]
        if isinstance(loc, str) and loc:
            items = items[items["locality"] == loc]
        cards = card[card["plan"] == plan]
        if isinstance(loc, str) and loc:
            cards = cards[cards["locality"] == loc]
        counts = dict(zip(g["category"], pd.to_numeric(g["count"], errors="coerce")))
        total = counts.get("total")
        parts_sum = sum(v for k, v in counts.items() if k in ("exceeded", "achieved", "not_achieved", "pursuing", "other")
                        and not pd.isna(v))
        if "achieved_or_exceeded" in counts and not ({"exceeded", "achieved"} & set(counts)):
            parts_sum += counts["achieved_or_exceeded"]
        for r in g.to_dict("records"):
            cat = str(r["category"])
            n = float(r["count"]) if not pd.isna(r["count"]) else np.nan
            eng = _count(items, "engine", cat)
            tab = _count(items, "table", cat)
            if cat == "total":
                n_targets = float(len(cards))
            elif cat in _VERDICT_OF:
                want = _VERDICT_OF[cat]
                n_targets = float(sum((v in want) if isinstance(v, str) else (None in want)
                                      for v in cards["verdict"].where(cards["verdict"].notna(), None)))
            else:
                n_targets = np.nan
            diff = eng - n if not (pd.isna(eng) or pd.isna(n)) else np.nan
            why = []
            if cat == "other":
                why.append(t("other"))
            if cat == "pursuing":
                why.append(t("pursuing"))
            if cat == "total" or (not pd.isna(diff) and diff != 0) or (not pd.isna(tab) and tab != n):
                if total is not None and not pd.isna(total) and parts_sum > total and cat != "total":
                    why.append(t("twice", s=int(parts_sum), t=int(total), who=""))
                if cat == "total" and not pd.isna(n) and len(items) != n:
                    nums = {int(i) for i in items["item"] if str(i).isdigit()}
                    if len(items) < n and nums:
                        gone = [str(i) for i in range(1, int(n) + 1) if i not in nums]
                        which = t("missing_items", items=", ".join(gone)) if gone else ""
                        why.append(t("missing", t=int(n), n=len(items), which=which) if which
                                   else t("missing_short", t=int(n), n=len(items)))
                    else:
                        why.append(t("extra", n=len(items), t=int(n)))
                if cat != "total" and cat in _VERDICT_OF:
                    want = _VERDICT_OF[cat]
                    inside = lambda v: (v in want) if isinstance(v, str) else (None in want)  # noqa: E731
                    differ = items[[e is not None and d is not None and inside(e) != inside(d)
                                    for e, d in zip(items["engine"], items["table"])]]
                    if len(differ):
                        why.append(t("differs", items="; ".join(
                            t("item", item=i, names=_names(ids, names), doc=label(d), eng=label(e))
                            for i, ids, d, e in zip(differ["item"], differ["indicator_ids"], differ["table"],
                                                    differ["engine"]))))
                    if not pd.isna(tab) and tab != n:
                        why.append(t("table_only", c=int(tab)))
                        listed = items[[inside(d) for d in items["table"]]]
                        if 0 < len(listed) <= 8:
                            why.append(t("table_items", items="; ".join(
                                t("item_nv", item=i, names=_names(ids, names))
                                for i, ids in zip(listed["item"], listed["indicator_ids"]))))
                nov = items[items["engine"].isna()]
                if cat in _VERDICT_OF:  # only those the document's table puts in this category (or gives none)
                    want = _VERDICT_OF[cat]
                    nov = nov[[d is None or d in want for d in nov["table"]]]
                und = nov[[len(u) > 0 for u in nov["undetermined"]]]
                nov = nov[[len(u) == 0 for u in nov["undetermined"]]]
                if len(und) and cat != "total":
                    why.append(t("undetermined", items="; ".join(
                        t("item_nv", item=i, names=_names(ids, names))
                        for i, ids in zip(und["item"], und["undetermined"]))))
                if len(nov) and cat != "total":
                    why.append(t("no_outturn", items="; ".join(
                        t("item_nv", item=i, names=_names(ids, names))
                        for i, ids in zip(nov["item"], nov["indicator_ids"]))))
            if not why and not pd.isna(diff) and diff == 0:
                why.append(t("agree"))
            out.append({"tally_id": tally_id, "plan": plan, "locality": loc, "scope": r.get("scope"), "category": cat,
                        "count": n, "engine_count": eng, "table_count": tab, "engine_targets": n_targets,
                        "difference": diff, "explanation": " ".join(why), "source_file": r.get("source_file"),
                        "source_line": r.get("source_line"), "quote": r.get("quote"), "note": r.get("note")})
    res = pd.DataFrame(out, columns=COMPARE_COLUMNS)
    for c in ("count", "engine_count", "table_count", "engine_targets", "difference"):
        res[c] = pd.to_numeric(res[c], errors="coerce").astype("Int64")
    return res


def tallies_of(catalog) -> pd.DataFrame:
    """The catalogue's tallies (``catalog.tallies``) or an empty frame if it has none yet."""
    t = getattr(catalog, "tallies", None)
    return t if isinstance(t, pd.DataFrame) else empty_tallies()

