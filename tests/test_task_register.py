"""The task register page and the overview section, in Vietnamese and English."""

import re
from datetime import date

import pandas as pd
import pytest

from cantho_analysis import task_register as R
from cantho_analysis.i18n import t
from cantho_analysis.tasks import build_register

AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="module")
def data():
    reg, agencies, plans, _ = R.load_register(AS_OF)
    return reg, agencies, plans


def test_register_messages_exist_in_both_languages():
    from cantho_analysis.i18n import check_catalogues, keys

    assert not [p for p in check_catalogues() if p.startswith("register.")]
    from cantho_analysis.tasks import NO_STATE, STATES

    for lang in ("vi", "en"):
        assert set(keys("register.state", lang)) == {*STATES, NO_STATE}
    assert {"overdue", "due", "upcoming", "recurring", "conditional", "none"} == set(keys("register.flag"))


def _t(lang):
    return lambda key, **v: t(f"register.{key}", lang, **v)


@pytest.mark.parametrize("plan", ["dh_i_2025_2030", "ctr17_2021_2025"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_groups_every_task_once_with_quote_and_line(data, plan, lang):
    reg, agencies, plans = data
    page = R.register_page(reg, agencies, plans, plan, lang, AS_OF)
    n = int((reg["plan"] == plan).sum())
    assert page.n_tasks == n == sum(len(df) for _, df in page.groups)
    tt = _t(lang)
    for _, df in page.groups:
        assert df[tt("col_source")].str.match(r"^(dòng|line) \d+$").all()
        assert df[tt("col_quote")].str.len().gt(0).all()
        # overdue first within each agency
        flags = list(df[tt("col_flag")] == tt("flag.overdue"))
        assert flags == sorted(flags, reverse=True)
    assert len(page.overdue) == int(reg.loc[reg["plan"] == plan, "overdue"].sum())
    counts = page.counts[tt("by_year")]
    assert sum(int(x.replace(".", "").replace(",", "")) for x in counts[tt("col_tasks")]) == n


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
    from cantho_analysis.i18n import keys
    from cantho_analysis.tasks import DEADLINE_RULES

    assert set(keys("register.deadline", "en")) == {name for name, _, _ in DEADLINE_RULES}


@pytest.mark.parametrize("lang,doc", [("vi", "Chương trình hành động số 17/CTr-UBND (04/10/2021)"),
                                      ("en", "Action programme 17/CTr-UBND (4 Oct 2021)")])
def test_page_names_its_source_document_not_a_file(data, lang, doc):
    reg, agencies, plans = data
    html = R.page_html(R.register_page(reg, agencies, plans, "ctr17_2021_2025", lang, AS_OF))
    assert doc in html and ".txt" not in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_task_number_is_shown_once(data, lang):
    """The number column holds the task's number; the quoted task does not start with it again."""
    reg, agencies, plans = data
    page = R.register_page(reg, agencies, plans, "ctr17_2021_2025", lang, AS_OF)
    tt = _t(lang)
    for _, df in page.groups:
        for no, quote in zip(df[tt("col_no")], df[tt("col_quote")]):
            assert not re.match(rf"^\s*0*{no}\b", quote), (no, quote)
    assert R.task_text("42 Kế hoạch ứng phó", "42") == "Kế hoạch ứng phó"
    assert R.task_text("2025 là năm bản lề", "7") == "2025 là năm bản lề"  # a year, not the number


@pytest.mark.parametrize("lang,word", [("vi", "Cơ quan đã kết thúc hoạt động năm 2025"),
                                       ("en", "Bodies that ceased to exist in 2025")])
def test_bodies_abolished_in_2025_are_named_as_printed_marked_and_explained(data, lang, word):
    reg, agencies, plans = data
    page = R.register_page(reg, agencies, plans, "ctr17_2021_2025", lang, AS_OF)
    heads = [h for h, _ in page.groups]
    lead, helper, kept = {"vi": ("Sở Kế hoạch và Đầu tư", "UBND quận, huyện", "Sở Xây dựng"),
                          "en": ("Department of Planning and Investment", "District People's Committees",
                                 "Department of Construction")}[lang]
    assert any(h.startswith(f"{lead}†:") for h in heads) and any(h.startswith(f"{kept}:") for h in heads), heads
    helpers = " ".join(" ".join(df[_t(lang)("col_helpers")]) for _, df in page.groups)
    assert f"{helper}†" in helpers
    note = [s for s in page.sentences if s.startswith("† ")]
    assert len(note) == 1 and word in note[0] and lead in note[0] and helper in note[0] and kept not in note[0]
    # no successor is named: the bundle does not say which body took over
    assert "successor" not in note[0] and "kế thừa" not in note[0]
    # the 2025-2030 list names none of them, so it has no note
    new = R.register_page(reg, agencies, plans, "dh_i_2025_2030", lang, AS_OF)
    assert not [s for s in new.sentences if s.startswith("† ")]


def test_funds_and_state_columns_only_when_the_list_has_them(data):
    reg, agencies, plans = data
    old = R.register_page(reg, agencies, plans, "ctr17_2021_2025", "en", AS_OF)  # prints no funds
    new = R.register_page(reg, agencies, plans, "dh_i_2025_2030", "en", AS_OF)
    assert "Funds" not in old.groups[0][1].columns and "Funds" in new.groups[0][1].columns
    assert "State" not in new.groups[0][1].columns  # no progress reported yet
    tasks = reg[R.load_tasks().columns]
    status = pd.DataFrame({"task_id": ["dh_i_2025_2030.003"], "as_of": ["2025-10-20"], "state": ["done"],
                           "note": [""], "source": ["a"]})
    page = R.register_page(build_register(tasks, status, AS_OF), agencies, plans, "dh_i_2025_2030", "en", AS_OF)
    assert "State" in page.groups[0][1].columns


def test_successor_is_named_when_the_data_name_one(data):
    _, agencies, _ = data
    a = agencies.copy()
    a.loc[a["agency"] == "dept_planning_investment", "successor"] = "dept_construction"
    note = R.abolished_note(a, {"dept_planning_investment", "dept_construction"}, "en")
    assert note == ["† Bodies that ceased to exist in 2025, when the state apparatus was reorganised; named as "
                    "printed in the list: Department of Planning and Investment (successor: Department of Construction)."]
    assert "cơ quan kế thừa: Sở Xây dựng" in R.abolished_note(a, {"dept_planning_investment"}, "vi")[0]
    assert R._names(a, "en")["dept_planning_investment"] == "Department of Planning and Investment†"


def test_agency_successor_must_be_a_known_agency(tmp_path):
    from cantho_analysis import config
    from cantho_analysis.tasks import load_agencies
    from cantho_analysis.validation import ValidationError

    src = (config.data_dir() / "agencies.csv").read_text(encoding="utf-8").splitlines()
    head, rows = src[0], src[1:]
    rows = [r[:-1] + "nope" if r.startswith("dept_planning_investment,") else r for r in rows]
    (tmp_path / "agencies.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="successor"):
        load_agencies(tmp_path)


def test_english_page_marks_the_quoted_tasks_as_vietnamese(data):
    reg, agencies, plans = data
    en = R.page_html(R.register_page(reg, agencies, plans, "dh_i_2025_2030", "en", AS_OF))
    vi = R.page_html(R.register_page(reg, agencies, plans, "dh_i_2025_2030", "vi", AS_OF))
    mine = reg[reg["plan"] == "dh_i_2025_2030"]
    n = len(mine) + int(mine["overdue"].sum()) + mine["section"].nunique()
    # every task in the agency tables and the overdue table, and every section, has its original
    assert en.count('<q lang="vi">') == n
    assert 'lang="vi"' not in vi
    assert "<NA>" not in en and "nan</td>" not in en


# --------------------------------------------------------------------------- English titles (data/tasks_en.csv)
def _register(data, plan: str, lang: str):
    """One plan's register page: the page, its HTML, the plan's tasks and the task-title cells."""
    reg, agencies, plans = data
    page = R.register_page(reg, agencies, plans, plan, lang, AS_OF)
    titles = [x for _, df in page.groups for x in df[_t(lang)("col_quote")]]
    return page, R.page_html(page), reg[reg["plan"] == plan], titles


@pytest.mark.parametrize("plan", ["dh_i_2025_2030", "ctr17_2021_2025"])
def test_english_page_gives_every_task_and_section_in_english_with_its_original(data, plan):
    import html as H

    page, en, mine, titles = _register(data, plan, "en")
    assert len(titles) == len(mine) and all(isinstance(x, R.Translated) for x in titles)
    for r in mine.itertuples():
        number = r.task_id.rsplit(".", 1)[1].lstrip("0")
        printed = R.task_text(r.quote, number)
        # the English title shown, the printed original on hover and in the fold
        assert f'<span class="translated" title="{H.escape(printed)}">{H.escape(r.title_en)}</span>' in en
        assert f'<q lang="vi">{H.escape(printed)}</q>' in en
        assert f"<td>{H.escape(r.title_en)}</td>" not in en  # never without its original
    for sec, sec_en in set(zip(mine["section"], mine["section_en"])):
        assert f'title="{H.escape(sec)}">{H.escape(sec_en)}</span>' in en
    # said once, near the top, in English
    assert en.count("unofficial translation by the workbook team") == 1
    assert en.index("unofficial translation by the workbook team") < en.index("<p>")  # before the sentences
    assert "the Vietnamese original is authoritative" in page.translation_note


@pytest.mark.parametrize("plan", ["dh_i_2025_2030", "ctr17_2021_2025"])
def test_vietnamese_page_keeps_the_printed_titles_and_no_translation(data, plan):
    page, vi, mine, quotes = _register(data, plan, "vi")
    assert not any(isinstance(x, R.Translated) for x in quotes)
    assert sorted(quotes) == sorted(R.task_text(q, t.rsplit(".", 1)[1].lstrip("0"))
                                    for q, t in zip(mine["quote"], mine["task_id"]))
    assert page.translation_note == "" and "translation-note" not in vi and "<details" not in vi
    for title_en in mine["title_en"]:
        assert title_en not in vi
    sections = page.counts[_t("vi")("by_section")][_t("vi")("col_section")].tolist()
    assert sections == list(dict.fromkeys(mine.sort_values("task_id")["section"]))


def test_translator_notes_are_shown_in_the_fold(data):
    reg, agencies, plans = data
    en = R.page_html(R.register_page(reg, agencies, plans, "ctr17_2021_2025", "en", AS_OF))
    row = reg[reg["task_id"] == "ctr17_2021_2025.17"].iloc[0]
    assert row["translator_note"] and "not guessed" in row["translator_note"]
    import html as H

    assert H.escape(t("register.translator_note", "en", note=row["translator_note"])) in en


def test_a_register_without_english_titles_gets_them_and_a_blank_one_is_refused(data):
    reg, agencies, plans = data
    bare = reg.drop(columns=["title_en", "section_en", "translator_note"])
    a = R.page_html(R.register_page(bare, agencies, plans, "ctr17_2021_2025", "en", AS_OF))
    assert a == R.page_html(R.register_page(reg, agencies, plans, "ctr17_2021_2025", "en", AS_OF))
    blank = reg.copy()
    blank.loc[blank["task_id"] == "ctr17_2021_2025.05", "title_en"] = ""
    with pytest.raises(ValueError, match="ctr17_2021_2025.05: no title_en"):
        R.register_page(blank, agencies, plans, "ctr17_2021_2025", "en", AS_OF)
    # the Vietnamese page does not need them
    assert R.register_page(blank, agencies, plans, "ctr17_2021_2025", "vi", AS_OF).n_tasks == 44


def test_translated_is_the_english_text_with_its_original():
    x = R.Translated("Land-use plan", "Kế hoạch sử dụng đất", "a note")
    assert x == "Land-use plan" and isinstance(x, str) and x.original == "Kế hoạch sử dụng đất" and x.note == "a note"
    html = R._table_html(pd.DataFrame({"Task": [R.Translated("A <b>", "Gốc <i>")]}), "en")
    assert '<span class="translated" title="Gốc &lt;i&gt;">A &lt;b&gt;</span>' in html
    assert '<q lang="vi">Gốc &lt;i&gt;</q>' in html and "Translator" not in html


def test_a_changed_translation_rebuilds_the_registers_only(tmp_path, monkeypatch):
    """data/tasks_en.csv is an input of the task registers (fingerprint.py): a changed English
    title makes them run again, and leaves the indicator pages carried over."""
    import shutil
    from datetime import date as _date

    from cantho_analysis import config
    from cantho_analysis.batch import Job
    from cantho_analysis.fingerprint import job_fingerprints
    from cantho_analysis.report import get_catalog

    catalog = get_catalog()
    for f in config.data_dir().glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("CANTHO_DATA_DIR", str(tmp_path))
    jobs = [Job("tasks", "task_register.ipynb", {"plan": "ctr17_2021_2025", "lang": "en"}, "tasks/ctr17_2021_2025.en",
                "en", plan="ctr17_2021_2025", langs=("en",)),
            Job("indicator", "indicator_report.ipynb", {"indicator_id": "grdp_growth", "locality": "can_tho_old",
                                                        "lang": "en"}, "indicators/can_tho_old/grdp_growth.en", "en",
                "grdp_growth", "can_tho_old", langs=("en",))]
    day = _date(2026, 11, 25)
    before = job_fingerprints(jobs, catalog, day)
    p = tmp_path / "tasks_en.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("Plan for economic recovery", "Plan for the recovery"),
                 encoding="utf-8")
    after = job_fingerprints(jobs, catalog, day)
    assert after["tasks/ctr17_2021_2025.en"] != before["tasks/ctr17_2021_2025.en"]
    assert after["indicators/can_tho_old/grdp_growth.en"] == before["indicators/can_tho_old/grdp_growth.en"]
