"""Report assembly: text from the data is escaped in HTML; both languages; numbers by convention."""

import pandas as pd

from cantho_analysis.report import indicator_report, overall_status, table_html


def test_table_html_escapes_data_text():
    html = table_html(pd.DataFrame({"quote": ['<script>alert("x")</script> & “trích dẫn”']}))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html


def test_indicator_report_in_both_languages():
    en = indicator_report("grdp_growth", "can_tho_old", "en", with_figure=False)
    vi = indicator_report("grdp_growth", "can_tho_old", "vi", with_figure=False)
    assert len(en.paragraphs) == len(vi.paragraphs) == len(en.card) > 0
    assert "not achieved" in en.paragraphs[0]["status"] and "không đạt" in vi.paragraphs[0]["status"]
    assert "9.5–10" in en.paragraphs[0]["target"] and "9,5–10" in vi.paragraphs[0]["target"]
    assert "line 53" in en.paragraphs[0]["source"] and "dòng 53" in vi.paragraphs[0]["source"]


def test_overall_status_is_the_most_worrying_known():
    assert overall_status(["achieved", "not_achieved", "no_data"]) == "not_achieved"
    assert overall_status(["no_data", "no_data"]) == "no_data"
    assert overall_status(["exceeded", "on_track"]) == "on_track"
    # issue 10: statuses that say nothing about progress come after every informative one
    assert overall_status(["closed_no_outturn", "superseded", "achieved"]) == "achieved"
    assert overall_status(["no_data", "no_baseline"]) == "no_baseline"


def test_new_statuses_have_labels_in_both_languages():
    from cantho_analysis.i18n import has
    from cantho_analysis.narrative import status_label
    from cantho_analysis.progress import NEW_STATUSES, OPEN_STATUSES, VERDICTS

    for s in NEW_STATUSES + OPEN_STATUSES + VERDICTS:
        assert has(f"status.progress.{s}", "en") and has(f"status.progress.{s}", "vi")
        assert status_label(s, "vi") != status_label(s, "en")


def test_status_paragraphs_for_new_statuses_and_what_it_takes():
    en = {p["target_id"]: p["status"] for p in indicator_report("share_agriculture", "can_tho_old", "en",
                                                                with_figure=False).paragraphs}
    vi = {p["target_id"]: p["status"] for p in indicator_report("share_agriculture", "can_tho_old", "vi",
                                                                with_figure=False).paragraphs}
    s = en["nq13_2030.3.share_agriculture"]
    assert "ceased to exist" in s and "9.31" in s and "successor" in s and "16 % of GRDP by 2030" in s
    assert "không còn tồn tại" in vi["nq13_2030.3.share_agriculture"] and "9,31" in vi["nq13_2030.3.share_agriculture"]
    assert "deadline (2023) has passed" in en["kl42_2023.03.share_agriculture"]
    ex = indicator_report("exports_fx", "can_tho_merged", "en", with_figure=False).paragraphs[0]["status"]
    assert "What it takes: 8.28 %/yr from the 2025 baseline to 2030" in ex
    g = indicator_report("grdp_growth", "can_tho_merged", "vi", with_figure=False)
    text = " ".join(p["status"] for p in g.paragraphs)
    assert "6,86 %/năm" in text and "gấp 1,46 lần" in text


def test_overview_ranks_by_stretch_and_compares_tallies():
    import copy

    from cantho_analysis.report import get_context, overview

    ctx = get_context()
    en, vi = overview("en", ctx), overview("vi", ctx)
    st = en["stretch"]
    merged = st[st["Plan"].str.contains("merged")]
    assert merged["Rank"].tolist() == list(range(1, len(merged) + 1))
    # ranked on the 2025 point figure 316,932 (a bound, "above 306,000", is never the baseline): (717000/316932)^(1/5) - 1;
    # the rate is given over every version of the base: 17.74 from 316,932, at most 18.57 from "above 306,000"
    assert merged.iloc[0]["Indicator"] == "GRDP at current prices" and merged.iloc[0]["Required rate"] == "17.74–18.57"
    assert vi["stretch"].iloc[0]["Tốc độ cần thiết"] == "17,74–18,57" and len(vi["stretch"]) == len(st)
    # the bundled tallies (data/doc_tallies.csv): Hậu Giang's 18 items are all in the data
    cmp = en["tallies"]
    assert set(cmp["plan"]) >= {"dh_xiv_ct_2020_2025", "dh_xiv_st_2020_2025", "dh_xiv_hg_2020_2025"}
    hg = cmp[(cmp["plan"] == "dh_xiv_hg_2020_2025") & (cmp["category"] == "total")]
    assert (hg["count"] == 18).all() and (hg["engine_count"] == 18).all()
    assert len(vi["tally_table"]) == len(cmp) and cmp["explanation"].str.len().gt(0).all()
    tallies = pd.DataFrame([
        {"tally_id": "t1", "plan": "dh_xiv_hg_2020_2025", "locality": "hau_giang", "scope": "18 items", "category": c,
         "count": n, "source_file": "004_b50851294415a046.txt", "source_line": 856, "quote": "q", "number_format": "vi",
         "note": ""} for c, n in (("total", 18), ("exceeded", 13), ("achieved", 5), ("not_achieved", 0))])
    cat = copy.copy(ctx.catalog)
    cat.tallies = tallies
    ctx2 = copy.copy(ctx)
    ctx2.catalog = cat
    ov = overview("vi", ctx2)
    tt = ov["tally_table"].set_index("Nhóm")
    assert tt.loc["tổng số", "Văn kiện"] == "18" and tt.loc["tổng số", "Công cụ (chỉ tiêu)"] == "18"
    assert tt.loc["vượt", "Nguồn"].endswith(", dòng 856") and tt.loc["vượt", "Giải thích"]


def test_a_shortfall_reads_as_a_shortfall_with_the_achievement_ratio():
    """Issue 9's wording: 'thấp hơn chỉ tiêu 4,49 điểm phần trăm, đạt 52,7 % chỉ tiêu' (the outturn as a
    share of the target), never the gap's share in a form readers take for the ratio."""
    vi = " ".join(p["status"] for p in indicator_report("grdp_growth", "can_tho_old", "vi", with_figure=False).paragraphs)
    en = " ".join(p["status"] for p in indicator_report("grdp_growth", "can_tho_old", "en", with_figure=False).paragraphs)
    assert "thấp hơn chỉ tiêu 4,49 điểm phần trăm, đạt 52,7 % chỉ tiêu" in vi
    assert "4.49 percentage points below the target (52.7 % of it)" in en
    assert "% chỉ tiêu)" not in vi


def test_the_headline_target_is_the_term_target_that_can_be_answered():
    """A page leads with the target it can answer: old Cần Thơ's 2021–2025 growth target (6,92 against
    7,5–8), not the 2025 milestone whose deadline passed without an outturn."""
    from cantho_analysis.report import get_context, headline_target

    card = get_context().card
    h = headline_target(card[(card["indicator_id"] == "grdp_growth") & (card["locality"] == "can_tho_old")])
    assert (int(h["period_start"]), int(h["period_end"])) == (2021, 2025) and h["status"] == "not_achieved"
    m = card[(card["indicator_id"] == "grdp_growth") & (card["locality"] == "can_tho_merged")]
    assert int(headline_target(m)["period_end"]) == 2030
