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
