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
from cantho_analysis.feasibility.text import pct

MODEL_IDS = ("random_walk", "national_anchor", "local_level", "naive_point", "ar1", "pooled", "ensemble")


@pytest.fixture(scope="module")
def study(study_result):
    return study_result  # the run's one study (conftest.py)


@pytest.fixture(scope="module")
def pages(study):
    return {lang: D.feasibility_html(study, lang) for lang in ("vi", "en")}


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
    assert pct(lo, "vi") in vi and pct(hi, "vi") in vi and pct(e["p_ge_low"], "vi") in vi
    assert pct(lo, "en") in en and pct(hi, "en") in en
    words_vi = D.likelihood_words(lik["term"], "vi")
    assert words_vi[:1].upper() + words_vi[1:] in vi


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
    assert g.iloc[0] == pct(j["ensemble"]["p_ge_low"], "vi")
    req = j["required_growth"]
    assert any(v.startswith(f"{D.format_number(req['low'], 'vi', 2)}–") for v in g)
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
