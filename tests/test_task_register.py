"""The task register page and the overview section, in Vietnamese and English."""

import re
import string
from datetime import date

import pandas as pd
import pytest

from cantho_analysis import task_register as R
from cantho_analysis.tasks import build_register

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="module")
def data():
    reg, agencies, plans, _ = R.load_register(AS_OF)
    return reg, agencies, plans


def _keys(d, prefix=""):
    out = set()
    for k, v in d.items():
        out |= _keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}"}
    return out


def _fields(s):
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_languages_have_the_same_keys_and_placeholders():
    vi, en = R.TEXT["vi"], R.TEXT["en"]
    assert _keys({k: v for k, v in vi.items() if k != "deadline"}) == _keys({k: v for k, v in en.items() if k != "deadline"})
    for k, v in en.items():
        if isinstance(v, str):
            assert _fields(v) == _fields(vi[k]), k


@pytest.mark.parametrize("plan", ["dh_i_2025_2030", "ctr17_2021_2025"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_groups_every_task_once_with_quote_and_line(data, plan, lang):
    reg, agencies, plans = data
    page = R.register_page(reg, agencies, plans, plan, lang, AS_OF)
    n = int((reg["plan"] == plan).sum())
    assert page.n_tasks == n == sum(len(df) for _, df in page.groups)
    t = R.TEXT[lang]
    for _, df in page.groups:
        assert df[t["col_source"]].str.match(r"^00[14]_\w+\.txt, (dòng|line) \d+$").all()
        assert df[t["col_quote"]].str.len().gt(0).all()
        # overdue first within each agency
        flags = list(df[t["col_flag"]] == t["flag"]["overdue"])
        assert flags == sorted(flags, reverse=True)
    assert len(page.overdue) == int(reg.loc[reg["plan"] == plan, "overdue"].sum())
    counts = page.counts[t["by_year"]]
    assert sum(int(x.replace(".", "").replace(",", "")) for x in counts[t["col_tasks"]]) == n


def test_vietnamese_page_is_vietnamese(data):
    reg, agencies, plans = data
    page = R.register_page(reg, agencies, plans, "dh_i_2025_2030", "vi", AS_OF)
    html = R.page_html(page)
    text = re.sub(r"<[^>]+>", " ", html)
    for word in ("overdue", "upcoming", "Deadline", "Lead", "Tasks", "State", "line ", "budget", "Committee",
                 "People's", "unknown", "state_budget", "city_peoples_committee"):
        assert word not in text, word
    assert "25/11/2026" in text and "52,0 %" in text and "quá hạn" in text and "dòng 1465" in text


def test_english_page_labels_are_english(data):
    reg, agencies, plans = data
    page = R.register_page(reg, agencies, plans, "dh_i_2025_2030", "en", AS_OF)
    html = R.page_html(page)
    assert "25 November 2026" in html and "52.0 %" in html and "Q3 2029" in html and "October 2025" in html
    labels = re.sub(r"<[^>]+>", " ", "".join(f"<h4>{h}</h4>" for h, _ in page.groups) + " ".join(page.sentences))
    for word in ("quá hạn", "nhiệm vụ", "Ban ", "Sở ", "UBND", "dòng"):
        assert word not in labels, word


def test_page_counts_states_from_user_reports(data):
    reg, agencies, plans = data
    tasks = reg[R.load_tasks().columns]
    status = pd.DataFrame({"task_id": ["dh_i_2025_2030.003", "dh_i_2025_2030.004"], "as_of": ["2025-10-20"] * 2,
                           "state": ["done", "in_progress"], "note": ["", ""], "source": ["a", "b"]})
    reg2 = build_register(tasks, status, AS_OF)
    page = R.register_page(reg2, agencies, plans, "dh_i_2025_2030", "en", AS_OF)
    assert len(page.overdue) == int(reg.loc[reg["plan"] == "dh_i_2025_2030", "overdue"].sum()) - 1  # the done one
    assert "2 of 252 tasks (1 done)" in " ".join(page.sentences)
    by_state = page.counts["By state"].set_index("State")["Tasks"].to_dict()
    assert by_state == {"in progress": "1", "done": "1", "no report": "250"}


def test_html_escapes_text_from_the_data(data):
    reg, agencies, plans = data
    evil = reg.copy()
    evil.loc[evil.index[0], "quote"] = "<script>alert(1)</script>"
    html = R.page_html(R.register_page(evil, agencies, plans, "dh_i_2025_2030", "en", AS_OF))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_unknown_plan_or_language(data):
    reg, agencies, plans = data
    with pytest.raises(ValueError, match="unknown plan"):
        R.register_page(reg, agencies, plans, "nope", "en", AS_OF)
    with pytest.raises(ValueError, match="lang"):
        R.register_page(reg, agencies, plans, "dh_i_2025_2030", "fr", AS_OF)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_section(lang):
    sec = R.overview_section(lang, AS_OF)
    assert len(sec["table"]) == 2 and len(sec["sentences"]) == 2
    assert ("12 quá hạn" if lang == "vi" else "12 overdue") in sec["sentences"][0]
    assert "<h3>" in R.overview_html(lang, AS_OF)


@pytest.mark.parametrize("text,label", [
    ("2026 - 2030", "2026–2030"), ("Hàng năm", "every year"), ("Đến năm 2030", "by 2030"),
    ("Năm 2027 và 2030", "2027 and 2030"), ("Quý III/2029", "Q3 2029"), ("Tháng 10/2025", "October 2025"),
    ("Thực hiện thường xuyên giai đoạn 2025 - 2030", "ongoing, 2025–2030"),
    ("2026 - 2030, giai đoạn 2 đến năm 2045", "2026–2030, phase 2 to 2045"),
    ("Sau khi Thành ủy phê duyệt", "after approval by the City Party Committee"),
    ("Khởi công giai đoạn 2026 - 2030 khi có đủ điều kiện", "start in 2026–2030 when conditions allow"),
    ("Năm 2026", "2026"), ("2025", "2025"),
])
def test_deadline_labels(text, label):
    assert R.deadline_label(text, "en") == label
    assert R.deadline_label(text, "vi") == text


def test_every_deadline_rule_has_an_english_label():
    from cantho_analysis.tasks import DEADLINE_RULES

    assert set(R.TEXT["en"]["deadline"]) == {name for name, _, _ in DEADLINE_RULES}
