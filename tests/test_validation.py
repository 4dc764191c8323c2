"""Each class of bad input gives a clear problem naming file, row and field; nothing is modified."""

import hashlib
import subprocess
import sys

import pytest

from cantho_analysis.cli import main
from cantho_analysis.validation import read_table

from conftest import ACTUAL_HEADER, GOOD_ACTUAL


@pytest.fixture(scope="module")
def indicators(catalog):
    return catalog.indicators


def problems_of(path, indicators, kind="actuals"):
    _, probs = read_table(path, kind, indicators, label=path.name)
    return probs


def test_good_file_has_no_problem(write_csv, indicators):
    p = write_csv("ok.csv", ACTUAL_HEADER + GOOD_ACTUAL)
    df, probs = read_table(p, "actuals", indicators)
    assert probs == []
    assert df["value"].iloc[0] == 9.1
    assert str(df["period_start"].dtype) == "Int64"


def test_misspelt_column(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER.replace("value", "valeu") + GOOD_ACTUAL)
    probs = problems_of(p, indicators)
    assert len(probs) == 1
    assert probs[0].field == "value" and "valeu" in probs[0].message and probs[0].row is None


def test_text_in_number_field(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("9.1", "about nine"))
    [prob] = problems_of(p, indicators)
    assert (prob.row, prob.field) == (1, "value")
    assert "not a plain decimal number" in prob.message


def test_decimal_comma(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL + GOOD_ACTUAL.replace("9.1", '"9,5"'))
    [prob] = problems_of(p, indicators)
    assert (prob.row, prob.field) == (2, "value")
    assert "decimal comma" in prob.message and "9.5" in prob.message


def test_thousands_separator(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("9.1", "43.000"))
    # 43.000 parses as 43.0 but is the Vietnamese way of writing 43000: rejected with a hint
    [prob] = problems_of(p, indicators)
    assert (prob.row, prob.field) == (1, "value") and "use 43000" in prob.message
    p = write_csv("b.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("9.1", "1.234.567"))
    [prob] = problems_of(p, indicators)
    assert "thousands separator" in prob.message


def test_unknown_indicator(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("grdp_growth", "grdp_grwth"))
    [prob] = problems_of(p, indicators)
    assert (prob.row, prob.field) == (1, "indicator_id") and "unknown indicator_id" in prob.message


def test_duplicate_id(write_csv, indicators):
    text = "actual_id," + ACTUAL_HEADER + "x1," + GOOD_ACTUAL + "x1," + GOOD_ACTUAL
    probs = problems_of(write_csv("a.csv", text), indicators)
    [prob] = [p for p in probs if p.is_error]
    assert (prob.row, prob.field) == (2, "actual_id") and "duplicate" in prob.message
    [warn] = [p for p in probs if not p.is_error]  # the rows are the same figure twice
    assert warn.row == 2 and "repeats row 1" in warn.message


def test_duplicate_target_id_and_low_gt_high(tmp_path, catalog):
    t = catalog.targets.head(3).copy()
    t.loc[t.index[1], "target_id"] = t.loc[t.index[0], "target_id"]
    t.loc[t.index[2], ["low", "high"]] = [10, 5]
    p = tmp_path / "targets.csv"
    t.to_csv(p, index=False)
    probs = problems_of(p, catalog.indicators, kind="targets")
    where = {(x.row, x.field) for x in probs}
    assert (2, "target_id") in where
    assert (3, "high") in where and any("low is greater than high" in x.message for x in probs)


def test_impossible_year(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("2026,2026", "2026,3026"))
    [prob] = problems_of(p, indicators)
    assert (prob.row, prob.field) == (1, "period_end") and "year outside" in prob.message


def test_year_not_a_year(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("2026,2026", "26,2026"))
    [prob] = problems_of(p, indicators)
    assert (prob.row, prob.field) == (1, "period_start")


def test_empty_file(write_csv, indicators):
    [prob] = problems_of(write_csv("a.csv", ""), indicators)
    assert "empty" in prob.message
    [prob] = problems_of(write_csv("b.csv", ACTUAL_HEADER), indicators)
    assert "no rows" in prob.message


def test_non_utf8_file(write_csv, indicators):
    data = (ACTUAL_HEADER + GOOD_ACTUAL + GOOD_ACTUAL).encode("utf-8")
    data = data.replace("tăng".encode("utf-8"), "tăng".encode("cp1258"), 2)
    [prob] = problems_of(write_csv("a.csv", data), indicators)
    assert "UTF-8" in prob.message and prob.row == 1


def test_not_allowed_status_and_missing_source(write_csv, indicators):
    bad = GOOD_ACTUAL.replace("estimate", "guess").replace("https://example.org/a", "")
    probs = problems_of(write_csv("a.csv", ACTUAL_HEADER + bad), indicators)
    fields = {p.field for p in probs}
    assert {"status", "source_url"} <= fields


def test_unit_must_match_indicator(write_csv, indicators):
    p = write_csv("a.csv", "unit," + ACTUAL_HEADER + "%," + GOOD_ACTUAL + "USD," + GOOD_ACTUAL)
    [prob] = problems_of(p, indicators)
    assert (prob.row, prob.field) == (2, "unit")


class TestCommand:
    def test_bad_input_lines_and_exit_status(self, write_csv, capsys):
        p = write_csv("new.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("9.1", '"9,1"')
                      + GOOD_ACTUAL.replace("grdp_growth", "nope"))
        before = hashlib.sha256(p.read_bytes()).hexdigest()
        assert main(["validate", str(p)]) == 1
        out = capsys.readouterr().out.strip().splitlines()
        assert out[0].endswith("row 1, field 'value': decimal comma in '9,1': write plain decimals with a point (9.1)")
        assert "row 2, field 'indicator_id'" in out[1]
        assert hashlib.sha256(p.read_bytes()).hexdigest() == before

    def test_good_input_summary(self, write_csv, capsys):
        p = write_csv("new.csv", ACTUAL_HEADER + GOOD_ACTUAL)
        assert main(["validate", str(p)]) == 0
        out = capsys.readouterr().out.strip().splitlines()
        assert len(out) == 1 and out[0].startswith("OK: ") and "1 extra file" in out[0]

    def test_no_traceback_on_garbage(self, write_csv):
        p = write_csv("junk.csv", b"\x00\xff\xfe garbage,\n\"unclosed")
        r = subprocess.run([sys.executable, "-m", "cantho_analysis.cli", "validate", str(p)],
                           capture_output=True, text=True)
        assert r.returncode == 1
        assert "Traceback" not in r.stdout + r.stderr
        assert "junk.csv" in r.stdout

    def test_missing_file(self, tmp_path, capsys):
        assert main(["validate", str(tmp_path / "nope.csv")]) == 1
        assert "file not found" in capsys.readouterr().out


def test_unquoted_comma_shifts_fields(write_csv, indicators):
    p = write_csv("a.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace('"tăng 9,1%"', "tăng 9,1%"))
    [prob] = problems_of(p, indicators)
    assert prob.row == 1 and "fields but the header has" in prob.message


def test_a_file_is_validated_once_per_content(tmp_path, monkeypatch):
    """The memo is keyed by content and options: same bytes → no second validation (also under
    another name); new bytes → validated."""
    from cantho_analysis import validation as V

    calls = []
    real = V._read_table_bytes
    monkeypatch.setattr(V, "_read_table_bytes", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(V, "_MEMO", type(V._MEMO)())
    good = ("indicator_id,locality,period_start,period_end,value,status,published,source_url,quote\n"
            "grdp_growth,can_tho_merged,2026,2026,9.1,estimate,2027-01,https://example.org/a,\"tăng 9,1%\"\n")
    a, b = tmp_path / "a" / "x_actuals.csv", tmp_path / "b" / "x_actuals.csv"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text(good, encoding="utf-8")
    df1, p1 = read_table(a, "actuals", label="x_actuals.csv")
    df1.loc[0, "value"] = 99  # a caller changing its frame does not change the memo
    df2, p2 = read_table(b, "actuals", label="x_actuals.csv")
    assert len(calls) == 1 and p1 == p2 and float(df2.loc[0, "value"]) == 9.1
    b.write_text(good.replace("2026,2026,9.1", "2026,2026,abc"), encoding="utf-8")
    _, p3 = read_table(b, "actuals", label="x_actuals.csv")
    assert len(calls) == 2 and any(p.field == "value" for p in p3)
    # a copy under another name: not validated again, and its problems name the copy
    _, p4 = read_table(b, "actuals", label="copy/x_actuals.csv")
    assert len(calls) == 2 and [(p.row, p.field, p.message) for p in p4] == [(p.row, p.field, p.message) for p in p3]
    assert {p.file for p in p4} == {"copy/x_actuals.csv"} and {p.file for p in p3} == {"x_actuals.csv"}
    _, p5 = read_table(b, "actuals", label="x_actuals.csv")
    assert p5 == p3


def test_a_multi_year_figure_must_say_total_or_average(write_csv, indicators):
    header = ACTUAL_HEADER.rstrip("\n").rstrip("\r")
    row = GOOD_ACTUAL.replace("2026,2026", "2021,2025")
    p = write_csv("m.csv", ACTUAL_HEADER + row)
    probs = [x for x in problems_of(p, indicators) if x.is_error]
    assert any(x.field == "subperiod" and "total" in x.message for x in probs)
    ok = write_csv("m2.csv", header + ",subperiod\n" + row.rstrip("\n") + ",average\n")
    assert not [x for x in problems_of(ok, indicators) if x.is_error]
    one_year = write_csv("m3.csv", header + ",subperiod\n" + GOOD_ACTUAL.rstrip("\n") + ",total\n")
    assert any(x.field == "subperiod" for x in problems_of(one_year, indicators))


def test_targets_strict_and_scope_columns_are_checked(catalog):
    t = catalog.targets
    assert set(t["strict"].dropna()) <= {"yes", "no"} and set(t["doc_verdict_scope"].dropna()) - {""} <= {"row", "item"}
    assert (t.loc[t["doc_verdict"].fillna("") != "", "doc_verdict_scope"].isin(["row", "item"])).all()
    # every "dưới" / "trên" one-sided target of the 2025-2030 resolution is strict
    res = t[(t["plan"] == "dh_i_2025_2030") & t["bound"].isin(["at_most", "at_least"])]
    strict = res[res["quote"].str.contains("dưới|trên 9|đạt trên|chiếm hơn|cao hơn|thấp hơn", regex=True)]
    assert len(strict) and (strict["strict"] == "yes").all()
