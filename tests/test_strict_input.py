"""Strict input: values that would crash or corrupt the analysis are refused by file, row and field;
special files in data/user/ are refused without being read; Excel and Vietnamese notation come in."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

import pytest

from cantho_analysis import config
from cantho_analysis.catalog import read_files
from cantho_analysis.cli import main
from cantho_analysis.validation import read_bytes_safely, read_table

from conftest import ACTUAL_HEADER, GOOD_ACTUAL

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def indicators(catalog):
    return catalog.indicators


def _errors(path, indicators, **kw):
    _, probs = read_table(path, "actuals", indicators, label=path.name, **kw)
    return [p for p in probs if p.is_error]


def _warnings(path, indicators, **kw):
    _, probs = read_table(path, "actuals", indicators, label=path.name, **kw)
    return [p for p in probs if not p.is_error]


def _row(value: str, indicator: str = "grdp_growth", extra: str = "") -> str:
    return GOOD_ACTUAL.replace("9.1", value, 1).replace("grdp_growth", indicator, 1)


@pytest.mark.parametrize("value", ["\uff19.\uff11", "\u0669.\u0661", "9.\u0661", "\u09ef"])
def test_only_ascii_digits(write_csv, indicators, value):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row(value)), indicators)
    assert (prob.row, prob.field) == (1, "value")


def test_non_ascii_digits_in_a_year(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("2026,2026", "\uff12\uff10\uff12\uff16,2026"))
    [prob] = _errors(p, indicators)
    assert (prob.row, prob.field) == (1, "period_start")


@pytest.mark.parametrize("value", ["1e400", "-1e400"])
def test_numbers_must_be_finite(write_csv, indicators, value):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row(value, "grdp_current")), indicators)
    assert (prob.row, prob.field) == (1, "value") and "finite" in prob.message


@pytest.mark.parametrize("value", ["-100", "-150"])
def test_growth_above_minus_100(write_csv, indicators, value):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row(value)), indicators)
    assert (prob.row, prob.field) == (1, "value") and "-100 %" in prob.message


def test_levels_not_negative(write_csv, indicators):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row("-5000", "grdp_current")), indicators)
    assert (prob.row, prob.field) == (1, "value") and "negative" in prob.message
    assert _errors(write_csv("b.csv", ACTUAL_HEADER + _row("-3.5")), indicators) == []  # growth may be negative


def test_value_low_le_high(write_csv, indicators):
    head = ACTUAL_HEADER.rstrip("\n") + ",value_low,value_high\n"
    p = write_csv("a.csv", head + GOOD_ACTUAL.rstrip("\n") + ",9.5,8.5\n")
    [prob] = _errors(p, indicators)
    assert (prob.row, prob.field) == (1, "value_high") and "value_low is greater" in prob.message


@pytest.mark.parametrize("date", ["2027-02-31", "2026-04-31"])
def test_real_calendar_dates(write_csv, indicators, date):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("2027-01", date)), indicators)
    assert (prob.row, prob.field) == (1, "published") and "calendar" in prob.message
    assert _errors(write_csv("b.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("2027-01", "2028-02-29")), indicators) == []


@pytest.mark.parametrize("value,hint", [("43.000", "use 43000"), ("2.500", "use 2500"), ("717.000", "use 717000")])
def test_dotted_thousands_refused_with_a_hint(write_csv, indicators, value, hint):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row(value, "grdp_current")), indicators)
    assert (prob.row, prob.field) == (1, "value") and hint in prob.message


def test_three_decimal_midpoints_still_accepted(write_csv, indicators):
    assert _errors(write_csv("a.csv", ACTUAL_HEADER + _row("5.835")), indicators) == []


@pytest.mark.parametrize("value", ["99999", "-45", "51"])
def test_implausible_growth_is_a_warning(write_csv, indicators, value):
    p = write_csv("a.csv", ACTUAL_HEADER + _row(value))
    assert _errors(p, indicators) == []
    [w] = _warnings(p, indicators)
    assert (w.row, w.field) == (1, "value") and "plausible" in w.message and str(w).startswith("warning: ")


def test_level_ten_times_away_is_a_warning(write_csv, catalog, indicators):
    ref = catalog.actuals
    p = write_csv("a.csv", ACTUAL_HEADER + _row("43", "grdp_current").replace("can_tho_merged", "can_tho_old"))
    [w] = _warnings(p, indicators, reference=ref)
    assert "times away from the median" in w.message


def test_duplicate_rows_are_a_warning(write_csv, indicators):
    [w] = _warnings(write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL + GOOD_ACTUAL), indicators)
    assert w.row == 2 and "repeats row 1" in w.message


def test_id_collision_names_file_and_row(write_csv):
    bundled_id = "grdp_growth.can_tho_old.2021-2025.d004_l639"
    p = write_csv("2026_actuals.csv", "actual_id," + ACTUAL_HEADER + "mine," + GOOD_ACTUAL + bundled_id + "," + GOOD_ACTUAL)
    _, probs = read_files([(p, "actuals")])
    [prob] = [x for x in probs if x.is_error]
    assert prob.file.endswith("2026_actuals.csv") and (prob.row, prob.field) == (2, "actual_id")
    assert "actuals.csv, row 1" in prob.message


def test_control_characters_are_shown_escaped(write_csv, indicators):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row("9.1", "grdp\x1b[31m")), indicators)
    assert "\x1b" not in str(prob) and "\\x1b" in str(prob)


# ------------------------------------------------------------------ Vietnamese notation and Excel
def test_semicolon_csv_reads_vietnamese_numbers(write_csv, indicators):
    head = ACTUAL_HEADER.replace(",", ";")
    row = "grdp_current;can_tho_merged;2026;2026;43.000,5;estimate;2027-01;https://example.org/a;GRDP 43.000,5 tỷ\n"
    df, probs = read_table(write_csv("a.csv", head + row), "actuals", indicators)
    assert [p for p in probs if p.is_error] == [] and df["value"].iloc[0] == 43000.5
    bad = row.replace("43.000,5", "43,000.5")
    [prob] = _errors(write_csv("b.csv", head + bad), indicators)
    assert (prob.row, prob.field) == (1, "value") and "Vietnamese notation" in prob.message


def test_decimal_option_reads_decimal_commas(write_csv, indicators, capsys):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("9.1", '"8,5"'))
    df, probs = read_table(p, "actuals", indicators, decimal=",")
    assert probs == [] and df["value"].iloc[0] == 8.5
    assert main(["validate", "--decimal", ",", str(p)]) == 0
    assert main(["validate", str(p)]) == 1
    assert "decimal comma" in capsys.readouterr().out


def _xlsx(path: Path, rows: list[list]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_user_file(tmp_path, indicators):
    head = ACTUAL_HEADER.strip().split(",")
    good = ["grdp_growth", "can_tho_merged", 2026, 2026, 9.1, "estimate", "2027-01", "https://example.org/a", "tăng 9,1%"]
    bad = list(good)
    bad[4] = "nine"
    df, probs = read_table(_xlsx(tmp_path / "2026_actuals.xlsx", [head, good, bad]), "actuals", indicators)
    assert df["value"].iloc[0] == 9.1 and int(df["period_start"].iloc[0]) == 2026
    [prob] = [p for p in probs if p.is_error]
    assert (prob.row, prob.field) == (2, "value")


def test_corrupt_xlsx_is_one_problem(write_csv, indicators):
    [prob] = _errors(write_csv("x_actuals.xlsx", b"PK\x03\x04 not really a workbook"), indicators)
    assert "not a readable .xlsx" in prob.message


# ------------------------------------------------------------------ special files in data/user/
@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of the bundled CSV files, used through CANTHO_DATA_DIR."""
    d = tmp_path / "data"
    (d / "user").mkdir(parents=True)
    for f in config.data_dir().glob("*.csv"):
        shutil.copy(f, d / f.name)
    monkeypatch.setenv("CANTHO_DATA_DIR", str(d))
    return d


@contextlib.contextmanager
def _fifo_watchdog(fifo: Path, seconds: float = 10):
    """A hang on ``fifo`` fails the test instead of the suite: if, after ``seconds``, something in
    this process is blocked opening the pipe for reading, the watchdog opens it for writing (which
    releases the reader at end of file) and the test fails. A slow run is not a hang: with no
    reader waiting, the watchdog waits on."""
    hung, done = [], threading.Event()

    def watch():
        while not done.wait(seconds):
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO unless a reader is waiting
            except OSError:
                continue
            hung.append(True)
            os.close(fd)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        yield
    finally:
        done.set()
        t.join()
    assert not hung, f"{fifo.name} was opened for reading: the run hung on it"


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "folder", "dangling"])
def test_special_user_files_are_refused_without_reading(data_copy, kind, capsys):
    p = data_copy / "user" / "x_actuals.csv"
    if kind == "fifo":
        os.mkfifo(p)
    elif kind == "dev_zero":
        p.symlink_to("/dev/zero")
    elif kind == "folder":
        p.mkdir()
    else:
        p.symlink_to(data_copy / "user" / "gone.csv")
    # a hang on the pipe must fail the test, not the suite (the watchdog); the command line's own
    # entry point runs in a child process in tests/test_validation.py
    with _fifo_watchdog(p) if kind == "fifo" else contextlib.nullcontext():
        rc = main(["validate"])
        out, err = capsys.readouterr()
        assert rc == 1 and "Traceback" not in out + err
        [line] = [x for x in out.splitlines() if "x_actuals.csv" in x]
        assert any(w in line for w in ("named pipe", "device", "folder", "does not exist"))
        assert main(["status", "--format", "csv"]) == 1
        out, err = capsys.readouterr()
        assert "x_actuals.csv" in err and "Traceback" not in out + err


def test_oversized_file_is_not_read(tmp_path):
    p = tmp_path / "big_actuals.csv"
    p.write_bytes(b"x" * 2048)
    data, [prob] = read_bytes_safely(p, p.name, cap=1024)
    assert data is None and "not read" in prob.message


def test_user_xlsx_is_picked_up(data_copy, capsys):
    head = ACTUAL_HEADER.strip().split(",")
    _xlsx(data_copy / "user" / "2026_actuals.xlsx",
          [head, ["grdp_growth", "can_tho_merged", 2026, 2026, 9.1, "estimate", "2027-01", "https://example.org/a", "9,1%"]])
    assert main(["validate"]) == 0
    assert "1 extra file" in capsys.readouterr().out


# ------------------------------------------------------------------ no traceback, unless --debug
def test_unexpected_error_is_one_line_and_debug_shows_it(monkeypatch, capsys):
    from cantho_analysis import cli

    def boom(args):
        raise RuntimeError("something\x1b unexpected\nsecond line")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["catalog"].set_defaults(func=boom)
    assert cli.main(["catalog"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: something\\x1b unexpected" in err and "--debug" in err
    with pytest.raises(RuntimeError):
        cli.main(["catalog", "--debug"])


# ------------------------------------------------------------------ safe chart text, unreadable files, full disk
def test_a_dollar_in_names_does_not_break_the_chart(catalog):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cantho_analysis import plots
    from cantho_analysis.progress import scorecard

    ind = catalog.indicator("exports_goods").copy()
    ind["name_en"], ind["unit"] = "Exports (US$ bn)", "US$ million"
    best = catalog.best()
    targets = catalog.targets.copy()
    targets.loc[targets["indicator_id"] == "exports_goods", "plan"] = "plan$1"
    card = scorecard(targets, catalog.indicators, best)
    fig = plots.indicator_chart(ind, "soc_trang", catalog.actuals, best, targets, card, "en")
    fig.canvas.draw()  # mathtext would raise on the unpaired '$'
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert any("US\\$ bn" in t for t in texts)
    plt.close(fig)


def test_an_unreadable_file_is_one_problem(tmp_path, monkeypatch):
    import builtins

    p = tmp_path / "locked_actuals.csv"
    p.write_text(ACTUAL_HEADER + GOOD_ACTUAL)
    real_open = builtins.open

    def denied(path, *a, **k):
        if str(path) == str(p):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(builtins, "open", denied)
    data, [prob] = read_bytes_safely(p, p.name)
    assert data is None and "permission denied" in prob.message


def test_a_full_disk_stops_the_batch(tmp_path, monkeypatch):
    import errno

    import nbformat as nbf

    from cantho_analysis import batch

    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbf.write(nb, tmp_path / "a.ipynb")

    def no_space(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out"))

    import papermill

    monkeypatch.setattr(papermill, "execute_notebook", no_space)
    r = batch.execute_job(batch.Job("test", str(tmp_path / "a.ipynb"), {}, "a", "en"), str(tmp_path / "out"))
    assert not r.ok and r.fatal and "no space left" in r.error


# ------------------------------------------------------------------ found by the CLI tester
@pytest.mark.parametrize("value", ["1e308", "-2e13"])
def test_absurd_magnitudes_are_errors(write_csv, indicators, value):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row(value, "grdp_current")), indicators)
    assert (prob.row, prob.field) == (1, "value") and "1e12" in prob.message


def test_a_zero_level_is_a_warning(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + _row("0", "grdp_current"))
    assert _errors(p, indicators) == []
    [w] = _warnings(p, indicators)
    assert "level of 0" in w.message


def test_non_ascii_digits_get_the_ascii_form_as_hint(write_csv, indicators):
    [prob] = _errors(write_csv("a.csv", ACTUAL_HEADER + _row("\uff19.\uff11")), indicators)
    assert "write 9.1" in prob.message


def test_a_duplicate_id_names_the_first_row(write_csv, indicators):
    text = "actual_id," + ACTUAL_HEADER + "x1," + GOOD_ACTUAL + "x2," + _row("9.2") + "x1," + _row("9.3")
    [prob] = _errors(write_csv("a.csv", text), indicators)
    assert prob.row == 3 and "row 1" in prob.message


def test_problems_go_to_stderr_so_csv_output_stays_clean(data_copy, capsys):
    (data_copy / "user" / "bad_actuals.csv").write_text(ACTUAL_HEADER + _row("nine"), encoding="utf-8")
    assert main(["status", "--format", "csv"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "bad_actuals.csv" in err


@pytest.mark.parametrize("where", ["data/tasks.csv", "data/user/x_task_status.csv", "data_copy/actuals.csv",
                                   "notebooks/x.csv", "README.csv", "folder"])
def test_tasks_out_never_writes_into_the_project(where, data_copy, tmp_path, capsys):
    target = {"data/tasks.csv": ROOT / "data" / "tasks.csv", "data/user/x_task_status.csv": ROOT / "data" / "user" / "x.csv",
              "data_copy/actuals.csv": data_copy / "actuals.csv", "notebooks/x.csv": ROOT / "notebooks" / "x.csv",
              "README.csv": ROOT / "README.csv", "folder": tmp_path}[where]
    before = target.read_bytes() if target.is_file() else None
    assert main(["tasks", "--format", "csv", "--out", str(target)]) == 2
    assert "refused" in capsys.readouterr().err
    assert (target.read_bytes() if target.is_file() else None) == before


def test_tasks_xlsx_to_a_full_disk_is_one_line(capsys):
    assert main(["tasks", "--format", "xlsx", "--out", "/dev/full"]) == 2  # a device: refused before writing
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_tasks_out_writes_a_file_elsewhere(tmp_path):
    out = tmp_path / "tasks.xlsx"
    assert main(["tasks", "--format", "xlsx", "--out", str(out)]) == 0
    import pandas as pd

    assert len(pd.read_excel(out, sheet_name="tasks")) == 296
    assert not list(tmp_path.glob(".tasks.xlsx.tmp-*"))


def test_a_refused_reports_run_leaves_nothing_behind(tmp_path, capsys):
    assert main(["reports", "--only", "no_such_indicator", "--out", str(tmp_path / "zz"), "--quiet"]) == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt,where", [("xlsx", "data/actuals.xlsx"), ("csv", "data/user/export"), ("csv", "notebooks")])
def test_export_out_never_writes_into_the_project(fmt, where, capsys):
    before = sorted(p.name for p in (ROOT / "data").rglob("*"))
    assert main(["export", "--no-feasibility", "--format", fmt, "--out", str(ROOT / where)]) == 2
    assert "refused" in capsys.readouterr().err
    assert sorted(p.name for p in (ROOT / "data").rglob("*")) == before
