"""The `cantho-analysis tasks` command on the bundled register."""

import csv
import io
import json

import pytest

from cantho_analysis.cli import main

STATUS = ("task_id,as_of,state,note,source\n"
          "dh_i_2025_2030.006,2026-05-01,in_progress,draft,report A\n"
          "dh_i_2025_2030.006,2026-10-01,done,issued,report B\n")


def run(capsys, *argv):
    code = main(["tasks", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_filters_and_flags(capsys):
    code, out, _ = run(capsys, "--plan", "dh_i_2025_2030", "--due", "2026", "--as-of", "2026-11-25", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-11-25" and data["count"] == len(data["tasks"]) == 8
    assert all(t["due"] and t["plan"] == "dh_i_2025_2030" for t in data["tasks"])
    assert {"task_id", "lead_agency", "deadline_kind", "funding_kind", "state", "flag", "quote", "source_line"} <= set(data["tasks"][0])


def test_lead_by_name_and_state_from_a_status_file(capsys, write_csv):
    path = write_csv("mine_task_status.csv", STATUS)
    code, out, _ = run(capsys, "--lead", "Ban Thường vụ Thành ủy", "--state", "done", "--status", str(path),
                       "--as-of", "2026-11-25", "--format", "json")
    assert code == 0
    [t] = json.loads(out)["tasks"]
    assert t["task_id"] == "dh_i_2025_2030.006" and t["status_source"] == "report B" and t["n_reports"] == 2
    # earlier, the first report was the latest
    code, out, _ = run(capsys, "--state", "in_progress", "--status", str(path), "--as-of", "2026-06-01", "--format", "json")
    assert [t["task_id"] for t in json.loads(out)["tasks"]] == ["dh_i_2025_2030.006"]


def test_csv_is_spreadsheet_safe_and_bom_optional(capsys, tmp_path):
    code, out, _ = run(capsys, "--plan", "dh_i_2025_2030", "--format", "csv", "--as-of", "2026-01-01")
    assert code == 0 and not out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 252
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert any(r["coordinating"].startswith("'- Cơ quan") for r in rows)
    target = tmp_path / "t.csv"
    assert run(capsys, "--format", "csv", "--bom", "--out", str(target))[0] == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_with_out_and_default_name(capsys, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    target = tmp_path / "register.xlsx"
    code, _, err = run(capsys, "--plan", "ctr17_2021_2025", "--format", "xlsx", "--out", str(target), "--as-of", "2026-11-25")
    assert code == 0 and str(target) in err
    wb = load_workbook(target)
    assert {"tasks", "by_plan", "by_deadline_year", "by_funding_kind", "by_lead_agency", "by_state"} <= set(wb.sheetnames)
    ws = wb["tasks"]
    assert ws.max_row == 45  # header + 44 rows
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "--format", "xlsx", "--as-of", "2026-11-25")
    assert code == 0 and (tmp_path / "tasks_2026-11-25.xlsx").exists() and "tasks_2026-11-25.xlsx" in err


@pytest.mark.parametrize("argv,option", [
    (["--plan", "nope"], "--plan"), (["--lead", "Sở Y tế"], "--lead"), (["--state", "finished"], "--state"),
    (["--as-of", "2026-02-30"], "--as-of"), (["--as-of", "30/06/2026"], "--as-of"), (["--due", "1200"], "--due"),
])
def test_bad_options_name_the_option(capsys, argv, option):
    code, out, err = run(capsys, *argv)
    assert code == 2 and option in err and "Traceback" not in err


def test_bad_status_file_lists_file_row_field(capsys, write_csv):
    path = write_csv("bad_task_status.csv", "task_id,as_of,state,note,source\n"
                     "dh_i_2025_2030.006,2026-05-01,in_progress,,A\n"
                     "dh_i_2025_2030.006,01/10/2026,done,,B\n")
    code, out, err = run(capsys, "--status", str(path))
    assert code == 1
    assert "bad_task_status.csv: row 2, field 'as_of'" in err and out == ""


def test_table_output(capsys):
    code, out, _ = run(capsys, "--due", "2029", "--as-of", "2026-11-25")
    assert code == 0 and "dh_i_2025_2030.032" in out and "Quý III/2029" in out and "1 task(s) as of 2026-11-25" in out


def test_validate_checks_the_task_register_and_progress_files(tmp_path, monkeypatch, capsys):
    import shutil

    from cantho_analysis import config
    from cantho_analysis.cli import main

    d = tmp_path / "data"
    (d / "user").mkdir(parents=True)
    for f in config.data_dir().glob("*.csv"):
        shutil.copy(f, d / f.name)
    monkeypatch.setenv("CANTHO_DATA_DIR", str(d))
    assert main(["validate"]) == 0 and "296 tasks" in capsys.readouterr().out
    (d / "user" / "q3_task_status.csv").write_text("task_id,as_of,state,note,source\n"
                                                   "dh_i_2025_2030.999,2026-05-01,done,,A\n", encoding="utf-8")
    assert main(["validate"]) == 1
    assert "q3_task_status.csv: row 1, field 'task_id'" in capsys.readouterr().out


# the export's columns before the English titles were added, in this order (scripts read them by position)
BEFORE_ENGLISH = ["task_id", "plan", "section", "title", "lead", "coordinating", "deadline_text"]


def test_exports_carry_the_english_title_and_section_after_every_earlier_column(capsys, tmp_path):
    from openpyxl import load_workbook

    from cantho_analysis.tasks import OUTPUT_COLUMNS, load_task_translations

    tr = load_task_translations().set_index("task_id")
    code, out, _ = run(capsys, "--plan", "dh_i_2025_2030", "--as-of", "2026-11-25", "--format", "csv")
    assert code == 0
    header = next(csv.reader(io.StringIO(out)))
    assert header == OUTPUT_COLUMNS + ["title_en", "section_en"] and header[:7] == BEFORE_ENGLISH
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 252 and all(r["title_en"] == tr.loc[r["task_id"], "title_en"]
                                    and r["section_en"] == tr.loc[r["task_id"], "section_en"] for r in rows)
    assert rows[0]["title"] != rows[0]["title_en"]  # the printed Vietnamese title is kept beside it
    code, out, _ = run(capsys, "--plan", "ctr17_2021_2025", "--as-of", "2026-11-25", "--format", "json")
    tasks = json.loads(out)["tasks"]
    assert list(tasks[0]) == header  # the same keys in the same order
    assert all(t["title_en"] == tr.loc[t["task_id"], "title_en"] and t["section_en"] for t in tasks)
    path = tmp_path / "t.xlsx"
    assert run(capsys, "--as-of", "2026-11-25", "--format", "xlsx", "--out", str(path))[0] == 0
    ws = load_workbook(path, read_only=True)["tasks"]
    head, first = [list(r) for r in ws.iter_rows(min_row=1, max_row=2, values_only=True)]
    assert head == header and first[head.index("title_en")] == tr.loc[first[0], "title_en"]
