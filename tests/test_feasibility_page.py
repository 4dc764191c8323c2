"""The feasibility page for a decision maker: the verdict, what it takes and why with at most three charts
at the top, readable tables (no JSON, 1–2 decimals, translated headers, names not ids), the method as an
appendix; a Vietnamese page without English and the reverse."""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from cantho_analysis.feasibility import display as D
from cantho_analysis.feasibility.charts import distribution_chart, recent_average, running_average
from cantho_analysis.feasibility import text as T
from cantho_analysis.feasibility.text import pct, reader_pct, reader_range, reader_round

MODEL_IDS = ("random_walk", "national_anchor", "local_level", "naive_point", "ar1", "pooled", "ensemble")


@pytest.fixture(scope="module")
def study(study_result):
    return study_result  # the run's one study (conftest.py)


@pytest.fixture(scope="module")
def pages(feasibility_pages):
    return feasibility_pages  # rendered once per run (conftest.py)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"src='[^']*'|src=\"[^\"]*\"", "", html)))


def test_the_answer_comes_first_with_at_most_three_charts_before_the_appendix(pages, study):
    j = D.report_json(study)
    for lang, html in pages.items():
        head = D.headline(j, lang)
        assert html.index(D.page_text("head.verdict", lang)) < html.index(head.split(":")[0]) < html.index("<table")
        appendix = html.index(D.page_text("head.method", lang))
        assert html.count("<img", 0, appendix) == 3
        assert html.index(D.page_text("head.takes", lang)) < html.index("<img")
        assert html.index(D.page_text("head.why", lang)) < html.index("<img")
        # the method follows as an appendix, with the backtest coverage chart and table
        assert html.count("<img", appendix) >= 3 and "<table" in html[appendix:]
        for part in ("head.method_models", "head.method_backtest", "head.audit", "head.method_notes"):
            assert html.index(f"<h3>{escape(D.page_text(part, lang))}</h3>") > appendix, part


def test_headline_gives_likelihood_words_and_the_range_not_a_bare_point(study):
    j = D.report_json(study)
    lik, e = j["likelihood"], j["ensemble"]
    vi, en = D.headline(j, "vi"), D.headline(j, "en")
    lo, hi = lik["range"]
    assert reader_range(lo, hi, "vi") in vi and reader_pct(e["p_ge_low"], "vi") in vi
    assert reader_range(lo, hi, "en") in en and reader_pct(e["p_ge_low"], "en") in en
    words_vi = D.likelihood_words(lik["term"], "vi")
    assert words_vi[:1].upper() + words_vi[1:] in vi
    # no false precision: no probability with a decimal in the headline
    prob = r"\d[.,]\d+ %(?! a year)(?!/năm)"  # a growth rate may have a decimal, a probability not
    assert not re.search(prob, en) and not re.search(prob, vi), (en, vi)
    # conditional on national growth, in both languages
    assert "if Vietnam keeps growing as it has" in en and "nếu cả nước tiếp tục tăng trưởng" in vi


def test_what_it_takes_sets_required_growth_against_the_recent_pace():
    hist = pd.DataFrame({"year": range(2019, 2026), "value": [1.0, 2.0, 7.0, 7.0, 7.0, 7.0, 7.0]})
    r = SimpleNamespace(history=hist)
    j = {"required_growth": {"low": 10.0, "high": 10.5, "remaining_years": 5, "years": [2026, 2027, 2028, 2029, 2030]}}
    vi = D.what_it_takes(r, j, "vi")
    assert "10,0–10,5 %" in vi and "2021–2025" in vi and "7,00 %/năm" in vi and "gấp 1,43 lần" in vi
    en = D.what_it_takes(r, j, "en")
    assert "1.43 times" in en and "7.00 % a year" in en
    j["required_growth"]["low"] = None
    assert D.what_it_takes(r, j, "en") == D.page_text("takes_done", "en")


def test_recent_and_running_averages():
    assert recent_average(pd.DataFrame({"year": [2024, 2025], "value": [5.0, 5.0]})) is None  # too short
    a0, a1, v = recent_average(pd.DataFrame({"year": range(2018, 2026), "value": [0, 0, 0, 10, 10, 10, 10, 10.0]}))
    assert (a0, a1) == (2021, 2025) and v == pytest.approx(10.0)
    paths = np.array([[10.0, 10.0, 10.0], [0.0, 21.0, 10.0]])
    avg = running_average(paths, [2027, 2028, 2029], [2026, 2027, 2028, 2029], {2026: 10.0})
    assert avg.shape == (2, 4)
    assert np.allclose(avg[0], 10.0)
    assert avg[1, 1] == pytest.approx(((1.1 * 1.0) ** 0.5 - 1) * 100)
    assert avg[1, 2] == pytest.approx(((1.1 * 1.0 * 1.21) ** (1 / 3) - 1) * 100)


def test_tables_are_readable_no_json_no_long_decimals(pages):
    for lang, html in pages.items():
        cells = re.findall(r"<td>(.*?)</td>", html, flags=re.S)
        assert cells
        for c in cells:
            assert not re.search(r"[\[\]{}]", c), (lang, c)  # no JSON or Python lists
            assert "nan" not in c.lower().split() and "None" not in c, (lang, c)
        dec = r"\d,\d{3,}" if lang == "vi" else r"\d\.\d{3,}"
        long = [c for c in cells if re.search(dec, c) and not re.fullmatch(r"[\d.,\s–%>-]+", c)]
        # numbers with three or more digits after the decimal mark (thousands are grouped in threes
        # only left of the mark: a cell of numbers alone is checked with the number format below)
        assert not long, long[:3]
        for c in cells:
            for num in re.findall(r"-?\d[\d.,]*", c):
                frac = num.split("," if lang == "vi" else ".")
                assert len(frac) <= 2 and (len(frac) == 1 or len(frac[1]) <= 2), (lang, c)


def test_no_model_ids_and_no_english_on_the_vietnamese_page(pages):
    vi, en = _text(pages["vi"]), _text(pages["en"])
    for mid in MODEL_IDS:
        assert not re.search(rf"\b{mid}\b", vi), mid
        if "_" in mid:  # "pooled", "ensemble" are also English words
            assert not re.search(rf"\b{mid}\b", en), mid
    for word in ("Model", "Weight", "Period", "Outturn", "Status", "Source", "published", "derived", "known_at_origin",
                 "annual_growth", "H1", "interval", "Verdict", "Appendix", "None"):
        assert not re.search(rf"\b{word}\b", vi), word
    for word in ("Kết luận", "mô hình", "chỉ tiêu", "Phụ lục", "khoảng", "năm"):
        assert word not in en, word


def test_glance_table_repeats_the_studys_numbers(study):
    j = D.report_json(study)
    g = D.glance_table(study, j, "vi").set_index("Nội dung")["Giá trị"]
    assert g.iloc[0] == reader_pct(j["ensemble"]["p_ge_low"], "vi", cell=True)
    req = j["required_growth"]
    assert any(v.startswith(f"{D.format_number(req['low'], 'vi', 1)}–") for v in g)
    assert list(D.glance_table(study, j, "en").columns) == ["What", "Value"]


def test_models_and_sensitivity_tables_use_names_and_words(study):
    vi = D.models_table(study, "vi")
    assert "Mô hình" in vi.columns and "bước ngẫu nhiên" in set(vi["Mô hình"])
    assert any(c.startswith("P(≥ 10,0") for c in vi.columns)
    s = D.sensitivity_table(study, "en")
    assert s.columns[0] == "Vietnam's growth, %/yr"
    assert list(s.columns[1:3]) == ["gap −1 point", "gap 0"] and s.columns[-1] == "gap +1 point"
    assert s.iloc[0, 0] == "6.0"


def test_base_rates_and_series_have_no_codes(study):
    b = D.base_rates_table(study, "vi")
    text = " ".join(b.astype(str).to_numpy().ravel()) + " ".join(b.columns)
    for code in ("F1", "annual_growth", "above", "at_least", "exact", "year", "H1", "Old 63"):
        assert not re.search(rf"\b{re.escape(code)}\b", text), code
    s = D.series_table(study, "vi")
    # a published figure names where it comes from (the site or the document and line); a derived one how
    assert all(x == "tính từ 3 địa phương" or (x.startswith("công bố: ") and len(x) > len("công bố: ") + 3)
               for x in s["Nguồn"]), set(s["Nguồn"])
    assert "Nguồn" in b.columns and (b["Nguồn"] != "—").all()
    assert "grdp_growth" not in " ".join(s.astype(str).to_numpy().ravel())


def test_box_plot_has_a_title_and_model_names(study):
    import matplotlib.pyplot as plt

    fig = distribution_chart(study, "vi")
    ax = fig.axes[0]
    labels = [x.get_text() for x in ax.get_yticklabels()]
    title = ax.get_title("left") or ax.get_title()
    plt.close(fig)
    assert title.startswith("Tăng trưởng bình quân")
    assert labels and not any(re.search(rf"\b{m}\b", lab) for lab in labels for m in MODEL_IDS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_reader_checks_find_nothing_on_the_feasibility_page(pages, lang):
    """The same checks as on the built set (pagecheck): no message key, no word of the other language,
    no <NA>/nan, no raw id, no external resource."""
    from cantho_analysis.pagecheck import check_page, summary

    found = [f for f in check_page(pages[lang], lang, name=f"feasibility.{lang}") if f.kind != "external_link"]
    assert found == [], summary(found, 10)


# --------------------------------------------------------------------------- reader rounding (issue 9, feasibility item 2)
@pytest.mark.parametrize("p, expected", [
    (0.0, ("under", 1)), (0.001, ("under", 1)), (0.0099, ("under", 1)), (0.01, ("about", 1)), (0.0149, ("about", 1)),
    (0.015, ("about", 2)), (0.0217, ("about", 2)), (0.631, ("about", 63)), (0.99, ("about", 99)), (0.995, ("over", 99)),
    (1.0, ("over", 99)), (None, None), (float("nan"), None)])
def test_reader_round_is_whole_percent_with_the_ends_in_words(p, expected):
    assert reader_round(p) == expected


def test_reader_pct_and_range_in_both_languages():
    assert reader_pct(0.0217, "en") == "about 2 %" and reader_pct(0.0217, "vi") == "khoảng 2 %"
    assert reader_pct(0.004, "en") == "under 1 %" and reader_pct(0.004, "vi") == "dưới 1 %"
    assert reader_pct(0.004, "en", cell=True) == "< 1 %" and reader_pct(0.0217, "vi", cell=True) == "2 %"
    assert reader_pct(0.996, "en") == "over 99 %" and reader_pct(None, "en") == "—"
    assert reader_range(0.001, 0.09, "en") == "0–9 %" and reader_range(0.001, 0.09, "vi") == "0–9 %"
    assert reader_range(0.02, 0.024, "en") == "about 2 %"  # both ends round alike: one figure


def test_probabilities_in_the_glance_and_the_verdict_have_no_decimal(study):
    j = D.report_json(study)
    for lang in ("vi", "en"):
        g = D.glance_table(study, j, lang)
        probs = [v for w, v in zip(g.iloc[:, 0], g.iloc[:, 1]) if w.startswith(("Probability", "Range", "Xác suất", "Khoảng"))]
        assert len(probs) >= 3 and not any(re.search(r"\d[.,]\d", v) for v in probs), probs
        verdict = T.verdict_paragraph(j, lang)
        for key in ("p_ge_low", "p_ge_high"):
            assert reader_pct(j["ensemble"][key], lang) in verdict
        assert pct(j["ensemble"]["p_ge_low"], lang) not in verdict or pct(j["ensemble"]["p_ge_low"], lang) == \
            reader_pct(j["ensemble"]["p_ge_low"], lang, cell=True)


# --------------------------------------------------------------------------- the verdict, conditional (item 1)
def _synthetic(grid_p: dict, cons=6.0, gap=0.5, central=0.03):
    scale = [{"term": t_, "above": a} for t_, a in (("virtually_certain", 0.99), ("very_likely", 0.9), ("likely", 0.66),
                                                   ("about_as_likely_as_not", 0.33), ("unlikely", 0.1),
                                                   ("very_unlikely", 0.01), ("exceptionally_unlikely", 0.0))]
    grid = [{"vietnam_growth": v, "-1": p / 4, "+0": p / 2, "+1": min(1.0, p * 2), "estimated": p} for v, p in grid_p.items()]
    return {"ensemble": {"p_ge_low": central, "p_ge_high": central / 2, "median": 6.0, "pi80": [3, 8], "pi95": [1, 9]},
            "likelihood": {"term": "very_unlikely", "range": [0.002, 0.08], "scale": scale},
            "sensitivity": {"vietnam_x_gap": grid, "consensus_vietnam_growth": cons,
                            "vietnam_x_gap_note": {"gap_estimated": {"mean": gap}}},
            "simulated_years": [2026, 2027]}


def test_conditional_verdict_picks_its_numbers_from_the_grid():
    j = _synthetic({6.0: 0.004, 7.0: 0.02, 8.0: 0.12, 9.0: 0.41, 10.0: 0.77})
    c = T.national_condition(j)
    assert c["reach"] == (9.0, 0.41) and c["top"] == (10.0, 0.77) and c["p_assumed"] == 0.004
    en, vi = T.condition_text(j, "en"), T.condition_text(j, "vi")
    assert "about as likely as not only if Vietnam itself grows at least 9 % a year" in en
    assert "+0.5 points" in en and "about 41 %" in en and "about 77 % with Vietnam at 10 %" in en
    assert "khả năng ngang nhau" in vi and "từ 9 %/năm trở lên" in vi and "+0,5 điểm" in vi and "khoảng 41 %" in vi
    head = D.headline(j, "en")
    assert head.startswith("Very unlikely if Vietnam keeps growing as it has: a probability of about 3 % (0–8 %")
    # other grids, other sentences; the numbers follow the grid
    j2 = _synthetic({6.0: 0.004, 10.0: 0.2})
    assert "stays unlikely" in T.condition_text(j2, "en") and "about 20 %" in T.condition_text(j2, "en")
    j3 = _synthetic({6.0: 0.004, 9.5: 0.01, 10.0: 0.5}, gap=-0.3)
    assert "grows 10 % a year and the city keeps its gap of -0.3 points" in T.condition_text(j3, "en")
    assert T.condition_text({"sensitivity": {}}, "en") == ""


def test_the_page_leads_with_the_conditional_verdict(study, pages):
    j = D.report_json(study)
    c = T.national_condition(j)
    assert c is not None
    for lang, html in pages.items():
        cond = T.condition_text(j, lang)
        assert cond and escape(cond) in html
        assert html.index(escape(cond)) < html.index(D.page_text("head.takes", lang))
    v, p = c["top"]
    assert reader_pct(p, "en") in T.condition_text(j, "en")


# --------------------------------------------------------------------------- the why list (items 4 and 5)
def test_why_list_is_grouped_most_decisive_first(study, pages):
    j = D.report_json(study)
    for lang in ("vi", "en"):
        groups = T.why_groups(j, lang)
        assert 1 <= len(groups) <= 5
        assert groups[0]["key"] == "national" and [g["key"] for g in groups][-1] == "moved"
        assert all(g["lead"] for g in groups)
    for lang, html in pages.items():
        why = html[html.index(f"<h3>{escape(D.page_text('head.why', lang))}</h3>"):html.index(D.page_text("head.charts", lang))]
        top = re.sub(r"<details>.*?</details>", "", why, flags=re.S)
        assert top.count("<li>") <= 5 and "<details>" in why


def test_the_first_year_with_a_probability_is_said_as_such():
    row = {"as_of": 2023, "p_ge_low": 0.144, "why": {"key": "models_became_available", "new_year": 2023, "new_value": 6.42}}
    en = T.why_text(row, "en", {"as_of": 2022, "p_ge_low": None})
    assert en.startswith("As of 2023, the first year for which a probability can be computed, it is about 14 %")
    assert "—" not in en and "moved" not in en
    assert T.why_text(row, "vi", None).startswith("Với số liệu đến năm 2023, năm đầu tiên tính được xác suất, xác suất là "
                                                  "khoảng 14 %")
    later = {"as_of": 2024, "p_ge_low": 0.044, "why": {"key": "new_outcome", "new_year": 2024, "new_value": 7.41,
                                                        "median_before": 6.45, "median_after": 6.52}}
    assert T.why_text(later, "en", row).startswith("As of 2024 the probability moved from about 14 % to about 4 %")


# --------------------------------------------------------------------------- base rates by period (item 6)
def test_half_year_base_rates_are_labelled_with_their_period():
    b = pd.DataFrame([
        {"rate_id": "A", "period": "2025", "subperiod": "year", "measure": "annual_growth", "comparison": "above",
         "count": 6, "count_kind": "exact", "n_provinces": 34, "share": 6 / 34, "note": "", "source_url": "https://a.vn/x"},
        {"rate_id": "B", "period": "2025", "subperiod": "H1", "measure": "annual_growth", "comparison": "at_least",
         "count": 10, "count_kind": "exact", "n_provinces": 63, "share": 10 / 63, "note": "", "source_url": "https://b.vn/y"},
        {"rate_id": "C", "period": "2022", "subperiod": "9M", "measure": "annual_growth", "comparison": "above",
         "count": 16, "count_kind": "at_least", "n_provinces": 63, "share": 16 / 63, "note": "", "source_url": "https://c.vn/z"}])
    r = SimpleNamespace(base_rates=b)
    en, vi = D.base_rates_table(r, "en"), D.base_rates_table(r, "vi")
    assert list(en["Period"]) == ["2025", "first half of 2025", "first nine months of 2022"]
    assert list(vi["Giai đoạn"]) == ["2025", "6 tháng đầu năm 2025", "9 tháng đầu năm 2022"]
    what = list(en["What was counted"])
    assert "in the year" in what[0] and "in the year" not in what[1] and "first half" in what[1]
    assert "cùng kỳ" in list(vi["Nội dung đếm"])[1]
    assert "Part of the year" not in en.columns


# --------------------------------------------------------------------------- the backtest blocks (item 7)
def test_backtest_blocks_have_named_heading_rows(study):
    for lang in ("vi", "en"):
        html = D.ensemble_backtest_html(study, lang)
        kinds = list(dict.fromkeys(study.ensemble_backtest["weights"]))
        assert html.count("<tr class='block'>") == len(kinds) == 3
        for k in kinds:
            assert escape(T.t(f"ew.{k}", lang)) in html
        assert "known_at_origin" not in html


# --------------------------------------------------------------------------- sources on the page (item 3)
def test_vietnam_series_recession_and_audit_inputs_have_sources(study, pages):
    vn = D.national_series_table(study, "en")
    assert len(vn) >= 10 and (vn["Source"] != "—").all() and vn["Source"].str.len().min() > 4
    assert vn["Year"].iloc[-1] == str(study.params["data_through"])
    rec = D.recession_text(study, "en")
    for x in study.shock["found"]:
        assert str(x["year"]) in D.recession_table(study, "en").to_string()
    assert "Vietnam 20" in rec and str(study.shock["years_at_risk"]) in rec and str(study.shock["episodes"]) in rec
    assert "cả nước 20" in D.recession_text(study, "vi")
    inp = D.audit_inputs_table(study, "en")
    assert len(inp) >= 20 and (inp["Source"] != "—").all()
    assert any("717,000" == v for v in inp["Value"]) and any(v.startswith(">") for v in inp["Value"])  # a lower bound
    assert {"Labour productivity × employment", "Exports and budget revenue", "Population growth"} <= set(
        ", ".join(inp["Used by the checks"]).split(", "))
    for lang, html in pages.items():
        for head in ("head.method_national", "head.method_recession"):
            assert f"<h3>{escape(D.page_text(head, lang))}</h3>" in html
        assert escape(D.page_text("audit_inputs", lang)) in html
    from cantho_analysis.report import get_context

    cat = get_context().catalog
    pf = D.plan_forecasts_table(study, cat.plans, "en", cat.targets)
    assert (pf["Where the target is written"] != "—").all()


# --------------------------------------------------------------------------- the two growth-target biases (item 8)
def test_the_two_growth_target_biases_are_reconciled_on_both_pages(study, pages):
    from cantho_analysis import narrative, progress
    from cantho_analysis.report import get_context, overview

    ctx = get_context()
    realism = progress.planning_realism(ctx.card, ctx.catalog.indicators)
    ov = -realism[realism["indicator_id"] == "grdp_growth"]["gap"].mean()
    me = study.plan_errors["error_pp"].mean()
    for lang in ("vi", "en"):
        s = D.bias_reconciliation(study, lang)
        assert D.format_number(ov, lang, 2) in s and D.format_number(me, lang, 2) in s
        assert escape(s) in pages[lang]
    fb = D.forecast_bias(ctx)
    assert fb["targets"] == len(study.plan_errors) and fb["mean_error_pp"] == pytest.approx(me)
    for lang in ("vi", "en"):
        sent = overview(lang, ctx)["realism_sentence"]
        assert D.format_number(me, lang, 2) in sent and D.format_number(ov, lang, 2) in sent
    # the sentence follows the numbers it is given
    summ = pd.DataFrame([{"plan": "all", "targets_with_outturn": 10, "share_met": 0.5, "growth_targets": 4,
                          "mean_gap_growth_pp": -2.0, "gap_grdp_growth_pp": -0.75}])
    s = narrative.realism_sentence(summ, "en", {"mean_error_pp": 1.5, "targets": 3})
    assert "1.50 points above their outturns, not 0.75" in s and "3 distinct" in s
    assert "feasibility" not in narrative.realism_sentence(summ, "en")


def test_the_headline_names_the_national_growth_it_assumes_and_the_calibration_miss():
    """A synthetic result: 'as it has' is given as a number (the national anchor's centre), and a
    coverage outside 70–90 % adds a line that says the intervals are too narrow (or too wide)."""
    from cantho_analysis.feasibility.display import headline, headline_caveat

    j = {"ensemble": {"p_ge_low": 0.02, "p_ge_high": 0.01}, "simulated_years": [2026],
         "likelihood": {"term": "very_unlikely", "range": [0.001, 0.09]},
         "sensitivity": {"vietnam_x_gap": [{"vietnam_growth": 7.0, "+0": 0.01}]},
         "models": [{"name": "national_anchor", "info": {"vn_centre": 6.49}}],
         "ensemble_backtest": [{"weights": "known_at_origin_recalibrated", "group": "all", "coverage80_avg": 0.62,
                                "coverage80_avg_full": 0.44, "origins": 16}]}
    assert "about 6.5 % a year" in headline(j, "en") and "khoảng 6,5 %/năm" in headline(j, "vi")
    cav = headline_caveat(j, "en")
    assert "too narrow" in cav and "about 62 %" in cav and "70–90 %" in cav and "0–9 %" in cav
    assert "quá hẹp" in headline_caveat(j, "vi")
    j["ensemble_backtest"][0]["coverage80_avg"] = 0.95
    assert "too wide" in headline_caveat(j, "en")
    j["ensemble_backtest"][0]["coverage80_avg"] = 0.8
    assert headline_caveat(j, "en") == ""


def test_feasibility_chart_axes_use_the_page_number_format_and_a_true_minus_sign(study):
    import matplotlib.pyplot as plt

    from cantho_analysis.feasibility.charts import fan_chart

    for lang, other in (("vi", "."), ("en", ",")):
        fig = fan_chart(study, lang)
        fig.canvas.draw()
        ticks = [x.get_text() for x in fig.axes[0].get_yticklabels() if x.get_text()]
        plt.close(fig)
        assert ticks and not any("-" in x or other in x for x in ticks), ticks
        assert any(x.startswith("\u2212") for x in ticks), ticks  # the series has years of negative growth


def test_the_as_of_chart_keeps_its_no_model_words_inside_the_axes(study):
    import matplotlib
    import matplotlib.pyplot as plt

    from cantho_analysis.feasibility.charts import history_chart

    fig = history_chart(study, "vi")
    ax = fig.axes[0]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    words = [a for a in ax.texts if isinstance(a, matplotlib.text.Annotation)]
    box = ax.get_window_extent(r)
    inside = [box.x0 <= a.get_window_extent(r).x0 and a.get_window_extent(r).x1 <= box.x1 for a in words]
    plt.close(fig)
    assert words and all(inside)  # not over the value axis's tick labels
