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
