"""Task register logic on tiny frames: deadlines, funding, agencies, flags, user status, summaries."""

from datetime import date

import pandas as pd
import pytest

from cantho_analysis import tasks as T
from cantho_analysis.tasks import DeadlineError, build_register, flags, latest_status, parse_deadline


# --------------------------------------------------------------------------- every deadline form in the sources
@pytest.mark.parametrize("text,kind,start,end,milestones,rule", [
    ("2025", "by_date", "2025", "2025", (), "year"),
    ("Năm 2026", "by_date", "2026", "2026", (), "year_word"),
    ("Đến năm 2030", "by_date", "2030", "2030", (), "by_year"),
    ("Tháng 10/2025", "by_date", "2025-10", "2025-10", (), "month"),
    ("Quý III/2029", "by_date", "2029-07", "2029-09", (), "quarter"),
    ("2026 - 2030", "period", "2026", "2030", (), "period"),
    ("2025-2027", "period", "2025", "2027", (), "period"),
    ("2021-2022", "period", "2021", "2022", (), "period"),
    ("Năm 2027 và 2030", "milestones", "2027", "2030", ("2027", "2030"), "years_and"),
    ("2026 - 2030, giai đoạn 2 đến năm 2045", "milestones", "2026", "2045", ("2030", "2045"), "period_then_phase_2"),
    ("2027 - 2030, giai đoạn 2 đến năm 2045", "milestones", "2027", "2045", ("2030", "2045"), "period_then_phase_2"),
    ("Thực hiện thường xuyên giai đoạn 2025 - 2030", "recurring", "2025", "2030", (), "recurring_in_period"),
    ("Hàng năm", "recurring", None, None, (), "every_year"),
    ("Khởi công giai đoạn 2026 - 2030 khi có đủ điều kiện", "conditional", "2026", "2030", (), "start_when_ready"),
    ("Sau khi Thành ủy phê duyệt", "conditional", None, None, (), "after_approval"),
])
def test_parse_deadline(text, kind, start, end, milestones, rule):
    d = parse_deadline(text)
    assert (d.kind, d.start, d.end, d.milestones, d.rule) == (kind, start, end, milestones, rule)


def test_every_deadline_printed_in_the_sources_is_read_by_a_tested_rule():
    tasks = pd.read_csv(T.config.data_dir() / "tasks.csv", dtype=str, keep_default_na=False)
    rules = {parse_deadline(t).rule for t in tasks["deadline_text"]}
    tested = {"year", "year_word", "by_year", "month", "quarter", "period", "years_and", "period_then_phase_2",
              "recurring_in_period", "every_year", "start_when_ready", "after_approval"}  # the cases above
    assert rules <= tested
    assert {r[0] for r in T.DEADLINE_RULES} == tested  # no rule without a test


@pytest.mark.parametrize("text", ["sớm", "2030 - 2026", "Tháng 13/2025", "Quý V/2029", "1850", "2026 – 2030 – 2035"])
def test_unknown_or_impossible_deadlines_are_errors(text):
    with pytest.raises(DeadlineError):
        parse_deadline(text)


def test_deadline_whitespace_and_case_are_ignored():
    assert parse_deadline("  tháng  10/2025 ").end == "2025-10"
    assert parse_deadline("2026 – 2030").kind == "period"


# --------------------------------------------------------------------------- flags around year boundaries
def F(text, state, y, m, d):
    f = flags(text, state, date(y, m, d))
    return {k for k, v in f.items() if v}


def test_year_deadline_around_new_year():
    assert F("2025", None, 2024, 12, 31) == {"upcoming"}
    assert F("2025", None, 2025, 1, 1) == {"due"}
    assert F("2025", None, 2025, 12, 31) == {"due"}
    assert F("2025", None, 2026, 1, 1) == {"overdue"}
    assert F("2025", "done", 2026, 1, 1) == set()
    assert F("2025", "cancelled", 2026, 1, 1) == set()
    assert F("2025", "in_progress", 2026, 1, 1) == {"overdue"}
    assert F("2025", "done", 2025, 6, 1) == {"due"}  # due this year, already done


def test_period_deadline_is_its_end_year():
    assert F("2026 - 2030", None, 2029, 12, 31) == {"upcoming"}
    assert F("2026 - 2030", None, 2030, 1, 1) == {"due"}
    assert F("2026 - 2030", None, 2031, 1, 1) == {"overdue"}


def test_month_and_quarter_deadlines():
    assert F("Tháng 10/2025", None, 2025, 10, 31) == {"due"}
    assert F("Tháng 10/2025", None, 2025, 11, 1) == {"due", "overdue"}
    assert F("Tháng 10/2025", "done", 2025, 11, 1) == {"due"}
    assert F("Tháng 10/2025", None, 2026, 1, 1) == {"overdue"}
    assert F("Quý III/2029", None, 2029, 9, 30) == {"due"}
    assert F("Quý III/2029", None, 2029, 10, 1) == {"due", "overdue"}
    assert F("Quý III/2029", None, 2028, 12, 31) == {"upcoming"}


def test_milestones_are_due_in_each_milestone_year():
    assert F("Năm 2027 và 2030", None, 2027, 1, 1) == {"due", "upcoming"}
    assert F("Năm 2027 và 2030", None, 2028, 1, 1) == {"upcoming"}
    assert F("Năm 2027 và 2030", None, 2030, 12, 31) == {"due"}
    assert F("Năm 2027 và 2030", None, 2031, 1, 1) == {"overdue"}
    assert F("2026 - 2030, giai đoạn 2 đến năm 2045", None, 2030, 6, 1) == {"due", "upcoming"}


def test_recurring_and_conditional_are_never_due_or_overdue():
    for y in (2024, 2025, 2030, 2031, 2050):
        assert F("Thực hiện thường xuyên giai đoạn 2025 - 2030", None, y, 1, 1) == {"recurring"}
        assert F("Hàng năm", None, y, 12, 31) == {"recurring"}
        assert F("Khởi công giai đoạn 2026 - 2030 khi có đủ điều kiện", None, y, 1, 1) == {"conditional"}
        assert F("Sau khi Thành ủy phê duyệt", None, y, 1, 1) == {"conditional"}


def test_main_flag_order():
    assert T.main_flag({"due": True, "overdue": True}) == "overdue"
    assert T.main_flag({"due": True, "upcoming": True}) == "due"
    assert T.main_flag({}) == ""


# --------------------------------------------------------------------------- funding and agencies
@pytest.mark.parametrize("text,kind", [
    ("Ngân sách nhà nước", "state_budget"), ("Ngân sách Nhà nước", "state_budget"),
    ("Ngân sách nhà nước và các nguồn hợp pháp khác", "mixed"),
    ("Vốn ngân sách và các nguồn vốn hợp pháp", "mixed"),
    ("Ngân sách nhà nước, nguồn viện trợ không hoàn lại trong khuôn khổ Chương trình Đối tác Phát triển của JICA "
     "và các nguồn hợp pháp khác", "mixed"),
    ("Dự án ngoài ngân sách", "non_budget"), ("Vốn ngoài ngân sách", "non_budget"),
    ("Xã hội hóa", "other"), ("", None), (None, None),
])
def test_classify_funding(text, kind):
    assert T.classify_funding(text) == kind


AG = pd.DataFrame({"agency": ["city_pc", "city_departments", "party_org"],
                   "spellings": ["Đảng ủy UBND thành phố|UBND thành phố",
                                 "Các cơ quan chuyên môn tham mưu, giúp việc UBND thành phố",
                                 "Ban Tổ chức Thành ủy|Tổ chức Thành ủy"]})


def test_match_agencies_longest_first_each_once():
    text = ('<ul style="list-style-type: none"> - Cơ quan chủ trì: UBND thành phố - Cơ quan thực hiện: '
            'Các cơ quan chuyên môn tham mưu, giúp việc UBND thành phố </ul>')
    assert T.match_agencies(text, AG) == ["city_pc", "city_departments"]
    assert T.match_agencies("Đảng ủy UBND thành phố", AG) == ["city_pc"]
    assert T.match_agencies("ban tổ chức thành ủy; Tổ chức Thành ủy", AG) == ["party_org"]
    assert T.match_agencies("Sở Y tế", AG) == []
    assert T.unmatched_text("Sở Y tế", AG) == "sở y tế"
    assert T.unmatched_text(text, AG) == ""


def test_split_coordinating():
    adv, rest = T.split_coordinating("- Cơ quan chủ trì tham mưu: Ban Tổ chức Thành ủy. - Các cơ quan phối hợp: "
                                     "Các đảng ủy trực thuộc Thành ủy")
    assert adv == "Ban Tổ chức Thành ủy" and "Các đảng ủy trực thuộc Thành ủy" in rest and "Tổ chức" not in rest
    assert T.split_coordinating("Cơ quan phối hợp: UBND thành phố.") == ("", "Cơ quan phối hợp: UBND thành phố.")


def test_resolve_agency_by_id_or_name():
    ag = pd.DataFrame({"agency": ["city_pc"], "name_vi": ["UBND thành phố"], "name_en": ["City People's Committee"],
                       "spellings": ["Đảng ủy UBND thành phố"]})
    for text in ("city_pc", "ubnd thành phố", "City people's committee", "Đảng ủy UBND thành phố"):
        assert T.resolve_agency(text, ag) == "city_pc"
    with pytest.raises(ValueError, match="--lead"):
        T.resolve_agency("Sở Y tế", ag)


def test_parse_as_of():
    assert T.parse_as_of("2026-06-30") == date(2026, 6, 30)
    assert T.parse_as_of(None) == date.today()
    for bad in ("2026-13-01", "30/06/2026", "2026"):
        with pytest.raises(ValueError, match="--as-of"):
            T.parse_as_of(bad)


# --------------------------------------------------------------------------- user status: the latest row wins
STATUS = pd.DataFrame({
    "task_id": ["a", "a", "a", "b", "b"],
    "as_of": ["2026-03-31", "2026-09-30", "2026-06-30", "2026-06-30", "2026-06-30"],
    "state": ["in_progress", "done", "in_progress", "not_started", "cancelled"],
    "note": ["", "", "", "", "later row"], "source": ["r1", "r3", "r2", "r4", "r5"],
})


def test_latest_status_wins_by_date_then_row():
    got = latest_status(STATUS).set_index("task_id")
    assert got.loc["a", "state"] == "done" and got.loc["a", "status_source"] == "r3"
    assert got.loc["b", "state"] == "cancelled"  # same date: the later row wins
    assert got.loc["a", "n_reports"] == 3
    assert len(STATUS) == 5  # nothing dropped


def test_latest_status_as_of_ignores_later_reports():
    got = latest_status(STATUS, date(2026, 7, 1)).set_index("task_id")
    assert got.loc["a", "state"] == "in_progress" and got.loc["a", "status_as_of"] == "2026-06-30"
    assert latest_status(STATUS, date(2026, 1, 1)).empty


TASKS = pd.DataFrame({
    "task_id": ["a", "b", "c", "d"], "plan": ["p1", "p1", "p2", "p2"],
    "deadline_text": ["2025", "2026 - 2030", "Hàng năm", "Tháng 10/2026"],
    "deadline_end": ["2025", "2030", "", "2026-10"], "funding_kind": ["state_budget", "mixed", None, "non_budget"],
    "lead_agency": ["x", "y", "x", "x"],
})


def test_register_states_flags_and_filters():
    reg = build_register(TASKS, STATUS, date(2026, 11, 25)).set_index("task_id")
    assert reg.loc["a", "state"] == "done" and not reg.loc["a", "overdue"] and reg.loc["a", "flag"] == ""
    assert reg.loc["b", "state"] == "cancelled" and reg.loc["b", "flag"] == ""
    assert reg.loc["c", "state"] == "unknown" and reg.loc["c", "flag"] == "recurring"
    assert reg.loc["d", "flag"] == "overdue" and reg.loc["d", "due"]
    # as of mid-2026, 'a' was still in progress: overdue
    early = build_register(TASKS, STATUS, date(2026, 7, 1)).set_index("task_id")
    assert early.loc["a", "state"] == "in_progress" and early.loc["a", "flag"] == "overdue"
    assert early.loc["d", "flag"] == "due"
    reg = build_register(TASKS, STATUS, date(2026, 11, 25))
    assert list(T.filter_register(reg, plan="p2")["task_id"]) == ["c", "d"]
    assert list(T.filter_register(reg, lead="x", due=2026)["task_id"]) == ["d"]
    assert list(T.filter_register(reg, due=2030)["task_id"]) == ["b"]
    assert list(T.filter_register(reg, state="unknown")["task_id"]) == ["c", "d"]


def test_summaries():
    reg = build_register(TASKS, STATUS, date(2026, 11, 25))
    s = T.summaries(reg)
    assert dict(zip(s["plan"]["plan"], s["plan"]["tasks"])) == {"p1": 2, "p2": 2}
    assert list(s["deadline_year"]["deadline_year"]) == [2025, 2026, 2030, "none"]
    assert dict(zip(s["funding_kind"]["funding_kind"], s["funding_kind"]["tasks"])) == {
        "state_budget": 1, "mixed": 1, "non_budget": 1, "none": 1}
    assert dict(zip(s["lead_agency"]["lead_agency"], s["lead_agency"]["tasks"])) == {"x": 3, "y": 1}
    assert dict(zip(s["state"]["state"], s["state"]["tasks"])) == {"unknown": 2, "cancelled": 1, "done": 1}
    assert sum(s["flag"]["tasks"]) == 4
