"""The documents' own tallies against the engine's count, on tiny frames (issue 10, section 3)."""

import pandas as pd
import pytest

from cantho_analysis.tallies import COMPARE_COLUMNS, compare, empty_tallies, item_verdicts, tallies_of


def card_rows(rows):
    """Scorecard rows from (target_id, indicator_id, verdict, doc_verdict_en)."""
    return pd.DataFrame([{"target_id": t, "indicator_id": i, "plan": t.split(".")[0], "locality": "l", "verdict": v,
                          "doc_verdict_en": d, "status": v or "closed_no_outturn"} for t, i, v, d in rows])


CARD = card_rows([
    ("p.1.growth", "growth", "not_achieved", "not_achieved"),
    ("p.2.agri", "agri", "exceeded", "exceeded"),
    # item 3 holds two targets: the worst verdict (achieved) is the item's
    ("p.3.share_a", "share_a", "exceeded", "achieved"),
    ("p.3.share_b", "share_b", "achieved", "achieved"),
    # the document says exceeded, the engine's rule says achieved
    ("p.4.water", "water", "achieved", "exceeded"),
    # no outturn in the data; the document says not achieved
    ("p.6.productivity", "productivity", None, "not_achieved"),
    ("q.1.other", "other", "achieved", "achieved"),
])
INDS = pd.DataFrame({"indicator_id": ["water", "productivity"], "name_en": ["Clean water", "Labour productivity"],
                     "name_vi": ["Nước sạch", "Năng suất lao động"]})


def tallies(counts, tally_id="p.t1", plan="p"):
    return pd.DataFrame([{"tally_id": tally_id, "plan": plan, "locality": "l", "scope": "all", "category": c,
                          "count": n, "source_file": "004.txt", "source_line": 1, "quote": "q", "number_format": "vi",
                          "note": ""} for c, n in counts.items()])


def test_item_verdicts_take_the_worst_target():
    iv = item_verdicts(CARD).set_index(["plan", "item"])
    assert iv.loc[("p", "3"), "engine"] == "achieved" and iv.loc[("p", "3"), "targets"] == 2
    assert iv.loc[("p", "6"), "engine"] is None and iv.loc[("p", "6"), "table"] == "not_achieved"
    assert list(item_verdicts(CARD)["item"][:5]) == ["1", "2", "3", "4", "6"]


def test_counts_and_explanations():
    t = tallies({"total": 6, "exceeded": 2, "achieved": 2, "not_achieved": 2})
    r = compare(t, CARD, INDS).set_index("category")
    # the engine holds 5 items (item 5 carries no number); the document counts 6
    assert r.loc["total", "engine_count"] == 5 and r.loc["total", "difference"] == -1
    assert "no. 5: no number is printed, so not in the data" in r.loc["total", "explanation"]
    assert r.loc["total", "engine_targets"] == 6
    # exceeded: engine has item 2 only (item 4 is 'achieved' by the rule), the table has 2 and 4
    assert (r.loc["exceeded", "engine_count"], r.loc["exceeded", "table_count"]) == (1, 2)
    assert "item 4 (Clean water: exceeded in the document, achieved by the engine)" in r.loc["exceeded", "explanation"]
    # not achieved: item 6 has no outturn, which explains the engine's 1 against the document's 2
    assert r.loc["not_achieved", "engine_count"] == 1 and r.loc["not_achieved", "table_count"] == 2
    assert "Without an outturn in the data" in r.loc["not_achieved", "explanation"]
    assert "Labour productivity" in r.loc["not_achieved", "explanation"]
    assert list(r.columns) == [c for c in COMPARE_COLUMNS if c != "category"]


def test_a_target_counted_twice():
    # categories 3 + 2 + 2 = 7 > total 6: one item appears in two lists
    r = compare(tallies({"total": 6, "exceeded": 3, "achieved": 2, "not_achieved": 2}), CARD).set_index("category")
    assert "counted twice" in r.loc["exceeded", "explanation"]


def test_agreement_and_pursuing_and_vietnamese():
    r = compare(tallies({"total": 1, "achieved": 1}, tally_id="q.t", plan="q"), CARD).set_index("category")
    assert r.loc["achieved", "difference"] == 0 and r.loc["achieved", "explanation"] == "Same count."
    p = compare(tallies({"total": 6, "pursuing": 2}), CARD, INDS, lang="vi").set_index("category")
    # pursuing = not achieved (item 1) or without an outturn (item 6)
    assert p.loc["pursuing", "engine_count"] == 2 and "đang nỗ lực phấn đấu" in p.loc["pursuing", "explanation"]


def test_empty_or_missing_tallies():
    assert compare(None, CARD).empty and list(compare(empty_tallies(), CARD).columns) == COMPARE_COLUMNS

    class NoTallies:  # a catalogue from before doc_tallies.csv
        pass

    assert tallies_of(NoTallies()).empty
    with pytest.raises(ValueError, match="count"):
        compare(pd.DataFrame({"tally_id": ["x"], "plan": ["p"], "category": ["total"]}), CARD)


def test_items_of_the_table_are_listed_when_the_tally_differs():
    # the tally says 1 not achieved; the document's own table marks items 1 and 6
    r = compare(tallies({"total": 6, "not_achieved": 1}), CARD, INDS).set_index("category")
    why = r.loc["not_achieved", "explanation"]
    assert r.loc["not_achieved", "table_count"] == 2 and "They are: item 1 (growth); item 6 (Labour productivity)" in why


def test_a_verdict_printed_on_the_item_is_the_items_not_a_rows():
    # review of issue 10: Sóc Trăng's item 3 (the structure) is "Không đạt" as a whole; its services
    # row is exceeded by the engine and has no verdict of its own
    card = pd.DataFrame([
        {"target_id": "p.3.agri", "indicator_id": "agri", "plan": "p", "locality": "l", "verdict": "not_achieved",
         "doc_verdict_en": None, "item_doc_verdict": "Không đạt", "status": "not_achieved"},
        {"target_id": "p.3.services", "indicator_id": "services", "plan": "p", "locality": "l", "verdict": "exceeded",
         "doc_verdict_en": None, "item_doc_verdict": "Không đạt", "status": "exceeded"},
        {"target_id": "p.4.rice", "indicator_id": "rice", "plan": "p", "locality": "l", "verdict": "exceeded",
         "doc_verdict_en": "exceeded", "item_doc_verdict": None, "status": "exceeded"}])
    iv = item_verdicts(card).set_index("item")
    assert iv.loc["3", "table"] == "not_achieved" and iv.loc["3", "engine"] == "not_achieved"
    assert iv.loc["4", "table"] == "exceeded"
    # the item's verdict counts once, for the item
    cmp = compare(tallies({"total": 2, "not_achieved": 1, "exceeded": 1}), card).set_index("category")
    assert cmp.loc["not_achieved", "table_count"] == 1 and cmp.loc["exceeded", "table_count"] == 1


def test_an_item_judged_only_on_a_range_is_not_called_without_outturn():
    card = pd.DataFrame([
        {"target_id": "p.7.tech", "indicator_id": "tech", "plan": "p", "locality": "l", "verdict": None,
         "doc_verdict_en": "achieved", "status": "undetermined"},
        {"target_id": "p.8.gone", "indicator_id": "gone", "plan": "p", "locality": "l", "verdict": None,
         "doc_verdict_en": "achieved", "status": "closed_no_outturn"}])
    iv = item_verdicts(card).set_index("item")
    assert iv.loc["7", "undetermined"] == ["tech"] and iv.loc["7", "without_outturn"] == []
    assert iv.loc["8", "without_outturn"] == ["gone"]
    why = compare(tallies({"total": 2, "achieved": 2}), card).set_index("category").loc["achieved", "explanation"]
    assert "range or bound across the target" in why and "item 7 (tech)" in why
    assert "Without an outturn in the data (no verdict): item 8 (gone)" in why
