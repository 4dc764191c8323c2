"""The overview page: a narrative first, readable tables (names, page number format, no ids, no <NA>),
a heatmap by plan title in the status palette, every text from the catalogue."""

import re

import numpy as np
import pandas as pd
import pytest

from cantho_analysis import narrative as N
from cantho_analysis.config import STATUS_COLORS
from cantho_analysis.overview_chart import cell_colour, status_counts
from cantho_analysis.report import get_context, overview, overview_html


@pytest.fixture(scope="module")
def ctx():
    return get_context()


@pytest.fixture(scope="module")
def pages(ctx):
    out = {}
    for lang in ("vi", "en"):
        ov = overview(lang, ctx)
        out[lang] = (ov, overview_html(lang, ctx, ov))
    return out


def _row(**kw):
    base = dict(target_id="t", plan="p1", indicator_id="grdp_growth", locality="can_tho_old", period_start=2023,
                period_end=2023, low=9.5, high=10.0, latest_value=5.01, verdict="not_achieved", gap=-4.49,
                gap_pct=-47.2632, status="not_achieved", period_state="closed")
    return {**base, **kw}


def test_largest_misses_rank_by_relative_gap_and_count_a_restated_target_once():
    card = pd.DataFrame([
        _row(target_id="a", plan="p1"),
        _row(target_id="b", plan="p2"),  # the same target restated in another plan
        _row(target_id="c", indicator_id="x", gap=-1.0, gap_pct=-80.0, low=5.0, high=5.0, latest_value=1.0),
        _row(target_id="d", indicator_id="y", gap=-0.1, gap_pct=-1.0),
        _row(target_id="e", indicator_id="z", verdict="achieved", gap=0.5, gap_pct=-90.0),  # met: never a miss
    ])
    m = N.largest_misses(card, k=2)
    assert m["target_id"].tolist() == ["c", "a"]
    assert m.loc[1, "plans"] == ["p1", "p2"]
    assert N.largest_misses(card.iloc[[4]]).empty


def test_miss_sentence_states_a_shortfall_as_a_shortfall(ctx):
    card = ctx.card
    m = N.largest_misses(card[card["target_id"] == "kl42_2023.01.grdp_growth"])
    plans = {"kl42_2023": "KL 42"}
    vi = N.miss_sentences(m, ctx.catalog.indicators, plans, "vi")[0]
    en = N.miss_sentences(m, ctx.catalog.indicators, plans, "en")[0]
    # issue 9: "thấp hơn chỉ tiêu 4,49 điểm %, đạt 52,7 % chỉ tiêu"
    assert "thấp hơn chỉ tiêu 4,49 điểm phần trăm, đạt 52,7 % chỉ tiêu" in vi and "9,5–10 %" in vi and "5,01 %" in vi
    assert "4.49 percentage points below the target (52.7 % of it)" in en and "KL 42" in en
    above = N.miss_sentences(pd.DataFrame([{**_row(gap=3.4, gap_pct=57.9), "plans": ["p"]}]), ctx.catalog.indicators,
                             {}, "vi")[0]
    assert "cao hơn chỉ tiêu 3,4" in above and "đạt" not in above.split("cao hơn")[1]


def test_realism_sentence_follows_the_sign_of_the_gap():
    s = pd.DataFrame([{"plan": "all", "targets_with_outturn": 10, "share_met": 0.7, "growth_targets": 4,
                       "mean_gap_growth_pp": -2.134, "gap_grdp_growth_pp": -1.0}])
    vi = N.realism_sentence(s, "vi")
    assert "70,0 %" in vi and "cao hơn kết quả thực hiện bình quân 2,13 điểm phần trăm" in vi
    en = N.realism_sentence(s.assign(mean_gap_growth_pp=1.5, gap_grdp_growth_pp=0.25), "en")
    assert "1.50 percentage points below the outturn" in en and "0.25 points below" in en
    assert "no past target" in N.realism_sentence(s.assign(targets_with_outturn=0), "en")


def test_plan_lines_count_every_target_by_status(ctx):
    lines = N.overview_plan_lines(ctx.card, list(ctx.catalog.plans["plan"]), {"kl42_2023": "KL 42"}, "en")
    assert len(lines) == ctx.card["plan"].nunique()
    n = ctx.card[ctx.card["plan"] == "kl42_2023"]
    assert lines[0].startswith(f"KL 42: {len(n)} targets")
    total = sum(int(x) for line in lines for x in re.findall(r"[(,] (\d+) |\((\d+) ", line) for x in x if x)
    assert total == len(ctx.card)


def test_narrative_comes_first_and_tables_are_readable(pages, ctx):
    for lang, (ov, html) in pages.items():
        first_table = html.index("<table")
        assert html.index(ov["intro"].split(".")[0]) < first_table
        assert html.index(N.escape(ov["realism_sentence"])[:40]) < first_table
        assert "<img" in html and "data:image/png;base64," in html
        for bad in ("&lt;NA&gt;", "<NA>", ">nan<", ">NaN<", ">None<"):
            assert bad not in html, (lang, bad)
        # no plan, target or indicator ids in what a reader sees
        text = re.sub(r"<[^>]+>", " ", html)
        for plan in ctx.catalog.plans["plan"]:
            assert plan not in text, (lang, plan)
        for tid in ctx.card["target_id"].head(50):
            assert tid not in text
        for iid in ("grdp_growth", "share_agriculture", "total_investment"):
            assert iid not in text
        assert ".txt" not in text  # documents by title, never by file name


def test_tables_use_the_page_number_format_and_translated_headers(pages):
    vi, en = pages["vi"][0], pages["en"][0]
    assert list(vi["realism_table"].columns)[:3] == ["Văn bản", "Số chỉ tiêu đã có kết quả", "Tỷ lệ đạt"]
    assert list(en["realism_table"].columns)[:3] == ["Plan", "Targets with an outturn", "Met"]
    allv = vi["realism_table"].iloc[-1]
    assert allv["Văn bản"] == "Tất cả văn bản" and allv["Tỷ lệ đạt"].endswith(" %") and "," in allv["Tỷ lệ đạt"]
    for table in ("realism_table", "past_table", "targets_table", "stretch", "tally_table", "verdict_table"):
        for col in vi[table].columns:
            assert not re.search(r"[a-z]_[a-z]", str(col)), (table, col)
        for cell in vi[table].astype(str).to_numpy().ravel():
            assert not re.fullmatch(r"-?\d+\.(\d{1,2}|\d{4,})( %)?", cell), (table, cell)  # no decimal point on the vi page
            m = re.fullmatch(r"-?[\d.]+,(\d+)( %)?", cell)
            assert not m or len(m.group(1)) <= 2, (table, cell)  # at most two decimals
    past = en["past_table"]
    row = past[(past["Indicator"].str.startswith("Real GRDP growth")) & (past["Period"] == "2023")
               & (past["Plan"].str.startswith("Conclusion 42"))].iloc[0]
    assert row["Target"] == "9.5–10 (2023)" and row["Outturn"] == "5.01" and row["Verdict"] == "not achieved"
    assert row["Gap, % of target"] == "-47.3 %"


def test_verdict_table_uses_status_words(pages):
    vi = pages["vi"][0]["verdict_table"]
    assert set(vi.iloc[:, 0]) <= {"vượt", "đạt", "không đạt"}
    assert "chưa có kết quả" in vi.columns


def test_tally_table_names_documents_and_gives_the_vietnamese_page_the_documents_words(pages, ctx):
    vi, en = pages["vi"][0]["tally_table"], pages["en"][0]["tally_table"]
    assert len(vi) == len(en) > 0
    assert vi["Nguồn"].str.contains(", dòng ").all() and not vi["Nguồn"].str.contains(r"\.txt").any()
    assert vi["Văn kiện viết"].str.startswith("“").all()
    assert en["What the document counts"].str.contains("targets").any()


def test_heatmap_no_data_is_never_the_darkest_cell_and_zero_is_white():
    def lum(rgb):
        return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]

    assert cell_colour("no_data", 0, 45) == (1.0, 1.0, 1.0)
    for n in (1, 10, 45):
        nd = lum(cell_colour("no_data", n, 45))
        for s in ("not_achieved", "exceeded", "regressing", "closed_no_outturn"):
            assert lum(cell_colour(s, n, 45)) < nd, (s, n)
    # the full-strength cell is the status colour itself (the index chips' palette)
    full = cell_colour("exceeded", 45, 45)
    assert np.allclose(full, tuple(int(STATUS_COLORS["exceeded"][i:i + 2], 16) / 255 for i in (1, 3, 5)))


def test_heatmap_rows_follow_the_plans_and_columns_the_status_order():
    card = pd.DataFrame({"plan": ["b", "a", "a", "c"], "status": ["no_data", "exceeded", "not_achieved", "achieved"]})
    c = status_counts(card, ["a", "b"])
    assert list(c.index) == ["a", "b", "c"] and list(c.columns) == ["exceeded", "achieved", "not_achieved", "no_data"]
    assert int(c.loc["a"].sum()) == 2 and int(c.values.sum()) == 4


def test_heatmap_is_labelled_by_plan_title(ctx):
    import matplotlib.pyplot as plt

    from cantho_analysis.overview_chart import status_heatmap

    fig = status_heatmap(ctx.card, ctx.catalog.plans, "vi")
    labels = [x.get_text() for x in fig.axes[0].get_yticklabels()]
    plt.close(fig)
    assert "Chương trình hành động 17 (2021–2025)" in labels
    assert not set(labels) & set(ctx.catalog.plans["plan"])


def test_no_english_on_the_vietnamese_page_and_the_reverse(pages):
    vi = re.sub(r"<[^>]+>", " ", pages["vi"][1])
    en = re.sub(r"<[^>]+>", " ", pages["en"][1])
    for word in ("Plan", "Target", "Outturn", "Status", "Stretch", "Show the table", "percentage points", " met "):
        assert word not in vi, word
    for word in ("chỉ tiêu", "Văn bản", "Tình trạng", "điểm phần trăm", "Xem bảng"):
        assert word not in en, word


def test_the_merged_citys_plans_come_first(ctx, pages):
    from cantho_analysis.overview_chart import plan_order

    order = plan_order(ctx.catalog.plans)
    merged = list(ctx.catalog.plans.loc[ctx.catalog.plans["locality"] == "can_tho_merged", "plan"])
    assert merged and order[:len(merged)] == merged and sorted(order) == sorted(ctx.catalog.plans["plan"])
    assert pages["en"][0]["plan_lines"][0].startswith("1st Party congress, merged city")


def test_head_and_tail_make_the_whole_page_around_the_chart(ctx, pages):
    ov, whole = pages["vi"]
    head, tail = overview_html("vi", ctx, ov, "head"), overview_html("vi", ctx, ov, "tail")
    assert "<img" not in head and "<img" not in tail and "<img" in whole
    assert head.strip() and whole.index(head.strip()[:200]) == whole.index("<h2>")
    assert tail.strip()[-200:] in whole and "<table" in tail and "<table" not in head
