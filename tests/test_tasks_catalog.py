"""The task register's catalogue: schema, references, fidelity to the sources, completeness."""

import re

import pytest

from cantho_analysis import config
from cantho_analysis.fidelity import check_tasks
from cantho_analysis.tasks import load_agencies, load_tasks, read_status
from cantho_analysis.validation import read_table

TASK_HEADER = ("task_id,plan,section,title,lead,coordinating,deadline_text,deadline_start,deadline_end,"
               "deadline_kind,funding_text,funding_kind,source_file,source_line,quote,lead_agency\n")

# (plan, file, heading that opens the list, line of the heading, how a numbered row starts, marker that closes it)
LISTS = [
    ("dh_i_2025_2030", "004_b50851294415a046.txt", "DANH MỤC CÁC NHIỆM VỤ, ĐỀ ÁN, DỰ ÁN, CÔNG TRÌNH QUAN TRỌNG",
     1454, re.compile(r"^(\d+)\t"), "Ghi chú:"),
    ("ctr17_2021_2025", "001_a04d0207a54e2226.txt", "DANH MỤC CÁC CHƯƠNG TRÌNH, ĐỀ ÁN, KẾ HOẠCH",
     338, re.compile(r"^\s*(\d{1,3})\s*$"), "HIỆU LỰC VĂN BẢN"),
]


@pytest.fixture(scope="module")
def tasks():
    return load_tasks()


def test_columns_named_in_the_issue_come_first(tasks):
    assert list(tasks.columns[:15]) == ["task_id", "plan", "section", "title", "lead", "coordinating",
                                        "deadline_text", "deadline_start", "deadline_end", "deadline_kind",
                                        "funding_text", "funding_kind", "source_file", "source_line", "quote"]
    assert {"lead_agency", "coordinating_agencies"} <= set(tasks.columns)


def test_counts_by_plan(tasks):
    assert tasks.groupby("plan").size().to_dict() == {"dh_i_2025_2030": 252, "ctr17_2021_2025": 44}


@pytest.mark.parametrize("plan,fname,heading,heading_line,row_start,end", LISTS, ids=[x[0] for x in LISTS])
def test_every_numbered_row_of_the_list_has_a_task(tasks, plan, fname, heading, heading_line, row_start, end):
    lines = (config.raw_dir() / fname).read_text(encoding="utf-8").split("\n")
    first = next(i for i, l in enumerate(lines) if heading in l)
    assert first + 1 == heading_line
    last = next(i for i in range(first, len(lines)) if lines[i].strip().startswith(end))
    found = {(int(m.group(1)), i + 1) for i in range(first, last) for m in [row_start.match(lines[i])] if m}
    numbers = sorted(n for n, _ in found)
    assert numbers == list(range(1, len(numbers) + 1)), "numbering has gaps or repeats"
    mine = tasks[tasks["plan"] == plan]
    got = {(int(t.rsplit(".", 1)[1]), int(line)) for t, line in zip(mine["task_id"], mine["source_line"])}
    assert found - got == set(), f"rows without a task: {sorted(found - got)[:10]}"
    assert got - found == set(), f"tasks that are not a numbered row: {sorted(got - found)[:10]}"


def test_fidelity_catches_a_wrong_line_a_wrong_deadline_and_a_wrong_lead(tasks):
    row = tasks[tasks["task_id"] == "dh_i_2025_2030.032"]
    assert check_tasks(row) == []
    assert {p.field for p in check_tasks(row.assign(source_line=row["source_line"] + 20))} == {"quote"}
    assert [p.field for p in check_tasks(row.assign(deadline_text="Quý IV/2029"))] == ["deadline_text"]
    assert [p.field for p in check_tasks(row.assign(lead="Ban Tổ chức Thành ủy"))] == ["lead"]
    # the next row's line: quote within the window, but not the row that starts there
    moved = row.assign(source_line=row["source_line"] + 1)
    assert "source_line" in {p.field for p in check_tasks(moved)}
    # 001: cells on the lines after the number
    row = tasks[tasks["task_id"] == "ctr17_2021_2025.12"]
    assert check_tasks(row) == []
    assert [p.field for p in check_tasks(row.assign(deadline_text="2021"))] == ["deadline_text"]


def test_every_lead_is_a_known_agency_and_every_agency_is_used(tasks):
    ag = load_agencies()
    assert set(tasks["lead_agency"]) <= set(ag["agency"])
    used = set(tasks["lead_agency"])
    for col in ("advisory_agencies", "coordinating_agencies"):
        used |= {a for v in tasks[col].dropna() for a in str(v).split(";") if a}
    assert set(ag["agency"]) - used == set()


def test_extraction_reproduces_the_committed_file():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, str(config.REPO_ROOT / "tools" / "extract_tasks.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# --------------------------------------------------------------------------- validation
def _task_csv(write_csv, tasks, changes):
    df = tasks.head(3).astype(object).where(tasks.head(3).notna(), "").copy()
    for (i, col), v in changes.items():
        df.loc[df.index[i], col] = v
    return write_csv("tasks.csv", df.to_csv(index=False))


def test_schema_names_file_row_and_field(write_csv, tasks):
    path = _task_csv(write_csv, tasks, {(1, "deadline_kind"): "someday", (2, "deadline_end"): "2030-13",
                                        (0, "funding_kind"): "", (2, "source_line"): "x"})
    _, probs = read_table(path, "tasks", label="tasks.csv")
    got = {(p.row, p.field) for p in probs}
    assert {(2, "deadline_kind"), (3, "deadline_end"), (1, "funding_kind"), (3, "source_line")} <= got
    assert all(p.file == "tasks.csv" for p in probs)


def test_loader_checks_plan_agency_and_deadline_reading(tmp_path, tasks):
    import shutil

    for f in ("agencies.csv", "plans.csv"):
        shutil.copy(config.data_dir() / f, tmp_path / f)
    df = tasks.head(3).astype(object).where(tasks.head(3).notna(), "").copy()
    df.loc[df.index[0], "plan"] = "no_such_plan"
    df.loc[df.index[1], "lead_agency"] = "no_such_agency"
    df.loc[df.index[2], "deadline_end"] = "2029"
    df.to_csv(tmp_path / "tasks.csv", index=False)
    from cantho_analysis.validation import ValidationError

    with pytest.raises(ValidationError) as e:
        load_tasks(tmp_path)
    got = {(p.row, p.field) for p in e.value.problems}
    assert got == {(1, "plan"), (2, "lead_agency"), (3, "deadline_end")}


def test_status_file_bad_rows(write_csv):
    path = write_csv("x_task_status.csv",
                     "task_id,as_of,state,note,source\n"
                     "dh_i_2025_2030.001,2026-03-31,done,ok,report 1\n"
                     "dh_i_2025_2030.002,2026-03,in_progress,,report 2\n"
                     "dh_i_2025_2030.003,2026-04-01,finished,,report 3\n"
                     "dh_i_2025_2030.999,2026-04-01,done,,report 4\n"
                     "dh_i_2025_2030.004,2026-04-01,done,,\n")
    ids = [f"dh_i_2025_2030.{i:03d}" for i in range(1, 253)]
    rows, probs = read_status([path], ids)
    got = {(p.row, p.field) for p in probs}
    assert got == {(2, "as_of"), (3, "state"), (4, "task_id"), (5, "source")}
    assert all(p.file.endswith("x_task_status.csv") for p in probs)
    assert len(rows) == 5  # every row kept


def test_status_file_missing_column(write_csv):
    path = write_csv("y_task_status.csv", "task_id,as_of,status\nx,2026-01-01,done\n")
    _, probs = read_status([path])
    assert {p.field for p in probs} >= {"state", "source"}
    assert all(p.row is None for p in probs)


# --------------------------------------------------------------------------- English titles (data/tasks_en.csv)
def test_every_task_has_one_english_title_and_section(tasks):
    from cantho_analysis.tasks import TRANSLATION_COLUMNS, load_task_translations

    en = load_task_translations(tasks=tasks)
    assert list(en.columns) == TRANSLATION_COLUMNS
    assert sorted(en["task_id"]) == sorted(tasks["task_id"]) and en["task_id"].is_unique
    assert en["title_en"].str.strip().str.len().gt(0).all() and en["section_en"].str.strip().str.len().gt(0).all()
    merged = tasks.merge(en, on="task_id")
    # one English heading per printed section, and it keeps the section's number (I, II, ...)
    assert (merged.groupby("section")["section_en"].nunique() == 1).all()
    assert (merged["section"].str.split().str[0] == merged["section_en"].str.split().str[0]).all()


def test_english_titles_are_english(tasks):
    """No title is left in Vietnamese: none equals its printed title, and none has a Vietnamese word
    (the reader checks' list) outside quotation marks. Place names keep their diacritics."""
    from cantho_analysis import pagecheck
    from cantho_analysis.tasks import load_task_translations

    en = load_task_translations(tasks=tasks).merge(tasks[["task_id", "title", "section"]], on="task_id")
    assert not (en["title_en"] == en["title"]).any() and not (en["section_en"] == en["section"]).any()
    bad = []
    for r in en.itertuples():
        for text in (r.title_en, r.section_en):
            own = pagecheck.unquoted(text)
            bad += [(r.task_id, m.group(0)) for m in pagecheck._VI.finditer(own)]
    assert bad == []


def _translations(tmp_path, tasks, edit):
    import shutil

    from cantho_analysis.tasks import load_task_translations

    for f in ("agencies.csv", "plans.csv", "tasks.csv"):
        shutil.copy(config.data_dir() / f, tmp_path / f)
    lines = (config.data_dir() / "tasks_en.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "tasks_en.csv").write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    from cantho_analysis.validation import ValidationError

    with pytest.raises(ValidationError) as e:
        load_task_translations(tmp_path)
    return e.value.problems


def test_bad_english_rows_are_named_by_file_row_and_field(tmp_path, tasks):
    def edit(lines):
        head, rows = lines[0], lines[1:]
        rows[0] = rows[0].replace("dh_i_2025_2030.001,", "dh_i_2025_2030.999,", 1)  # unknown task
        rows[1] = "dh_i_2025_2030.002,,x,"  # no title
        rows[3] = rows[2]  # task 003 twice, task 004 missing
        return [head, *rows]

    probs = _translations(tmp_path, tasks, edit)
    got = {(p.row, p.field) for p in probs}
    assert (2, "title_en") in got and {(3, "task_id"), (4, "task_id")} & got, probs
    assert all(p.file.endswith("tasks_en.csv") for p in probs)
    assert "tasks_en.csv: row 2, field 'title_en'" in "\n".join(map(str, probs))

    # the schema passes; the cross-checks name the row and field
    def edit2(lines):
        head, rows = lines[0], lines[1:]
        rows[0] = rows[0].replace("dh_i_2025_2030.001,", "dh_i_2025_2030.999,", 1)
        rows[5] = rows[5].replace("I Key tasks, schemes, projects and works, 2025–2030", "I Something else", 1)
        return [head, *rows]

    probs = _translations(tmp_path, tasks, edit2)
    got = {(p.row, p.field) for p in probs}
    assert got == {(1, "task_id"), (6, "section_en"), (None, "task_id")}, probs
    missing = next(p for p in probs if p.row is None)
    assert "no English title for 1 task(s)" in missing.message and "dh_i_2025_2030.001" in missing.message


def test_a_missing_english_column_or_file_is_named(tmp_path, tasks):
    probs = _translations(tmp_path, tasks, lambda lines: [",".join(l.split(",")[:1]) for l in lines])
    assert {"title_en", "section_en"} <= {p.field for p in probs}
    (tmp_path / "tasks_en.csv").unlink()
    from cantho_analysis.tasks import load_task_translations
    from cantho_analysis.validation import ValidationError

    with pytest.raises(ValidationError, match="tasks_en.csv"):
        load_task_translations(tmp_path)


# --------------------------------------------------------------------------- titles cut off
# a year cut short at the end of a title: "203", "20", "19x", or any short number after "năm"
TRUNCATED_NUMBER = re.compile(r"(?<![\d.,])(?:(?:19|20)\d?|(?<=năm )\d{1,3})$", re.IGNORECASE)


def test_no_title_ends_in_a_cut_off_year_unless_the_source_line_does(tasks):
    """A title ending in a cut year ("tầm nhìn đến năm 203") is an extraction error unless the
    source prints it so: then its printed line must end there, the next printed cell must be the
    lead, and the row's note must say the title is truncated in the source."""
    from cantho_analysis.fidelity import task_block

    cut = tasks[tasks["title"].str.strip().str.contains(TRUNCATED_NUMBER)]
    assert set(cut["task_id"]) == {"ctr17_2021_2025.17"}  # the one known case (data/README.md)
    for r in cut.itertuples():
        lines = (config.raw_dir() / r.source_file).read_text(encoding="utf-8").split("\n")
        k = int(r.source_line)  # 001: the number's line; the title is the next printed cell
        cells = [l.strip() for l in lines[k:k + 12] if l.strip()]
        assert cells[0] == r.title and cells[1] == r.lead, "the title would continue on the next line"
        assert r.title in task_block(config.raw_dir() / r.source_file, k)
        assert "truncated in the source" in r.note


@pytest.mark.parametrize("title,cut", [("tầm nhìn đến năm 203", True), ("đến năm 2030", False),
                                       ("giai đoạn 2021 - 2025", False), ("tầm nhìn 20", True), ("tầm nhìn 201", True),
                                       ("đến năm 2", True), ("Long Đức 2", False), ("Khu 1A", False),
                                       ("đường tỉnh 932", False), ("Quốc lộ 1", False), ("giai đoạn 2021-2030", False)])
def test_cut_year_pattern(title, cut):
    assert bool(TRUNCATED_NUMBER.search(title)) == cut


def test_extraction_stops_on_a_cut_off_title_without_a_note(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("extract_tasks", config.REPO_ROOT / "tools" / "extract_tasks.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.CUT_YEAR.pattern == TRUNCATED_NUMBER.pattern
    monkeypatch.delitem(tool.NOTES, "ctr17_2021_2025.17")
    with pytest.raises(SystemExit, match=r"001_a04d0207a54e2226.txt:523 \(row 17\): the title ends in a cut-off"):
        tool.build()
