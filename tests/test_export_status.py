"""`status` for people (names, units, 100 columns, locality names, CSV for Excel) and `export`
(workbook round trip, frozen headers, widths, formula injection), issue 10 section 5."""

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cantho_analysis.cli import main
from cantho_analysis.export import build_sheets, feasibility_sheets, write_csv, write_xlsx
from cantho_analysis.progress import SCORECARD_COLUMNS, scorecard
from cantho_analysis.safetext import spreadsheet_safe_frame
from cantho_analysis.status_view import fold, named_card, resolve_locality, status_text

# the CSV columns of `status --format csv` before issue 10; reviewers' scripts rely on them, in this order
OLD_CSV_COLUMNS = ["target_id", "indicator_id", "locality", "plan", "period_start", "period_end", "low", "high",
                   "latest_year", "latest_value", "status", "observed_rate", "required_rate", "doc_verdict",
                   "period_state", "verdict", "gap", "gap_pct", "progress_ratio", "required_remaining",
                   "baseline_year", "baseline_value", "target_kind", "rate_unit", "doc_verdict_en",
                   "doc_agrees", "outturn_source", "outturn_status", "notes"]


@pytest.fixture(scope="module")
def card(catalog):
    return scorecard(catalog.targets, catalog.indicators, catalog.best())


class TestLocalityNames:
    @pytest.mark.parametrize("text,expected", [
        ("Hậu Giang", "hau_giang"), ("hau giang", "hau_giang"), ("HẬU GIANG", "hau_giang"), ("Tỉnh Hậu Giang", "hau_giang"),
        ("hau_giang", "hau_giang"), ("Soc Trang", "soc_trang"), ("Sóc Trăng province", "soc_trang"),
        ("can_tho_merged", "can_tho_merged"), ("Thành phố Cần Thơ", "can_tho_merged"), ("Mekong Delta", "mekong_delta"),
        ("Việt Nam", "vietnam"), ("Cả nước", "vietnam")])
    def test_names_and_ids(self, text, expected):
        assert resolve_locality(text) == expected

    def test_ambiguous_and_unknown(self):
        with pytest.raises(ValueError, match="several"):
            resolve_locality("Cần Thơ")
        with pytest.raises(ValueError, match="unknown locality"):
            resolve_locality("Hà Nội")
        assert fold("  Đồng  Tháp ") == "dong thap"


class TestStatusCommand:
    def test_table_fits_100_columns_with_names_and_units(self, capsys):
        assert main(["status", "--locality", "Hậu Giang"]) == 0
        out = capsys.readouterr().out
        assert max(len(line) for line in out.splitlines()) <= 100
        assert "Real GRDP growth" in out and "billion VND" in out and "<NA>" not in out and "hau_giang" not in out

    def test_locality_filter_keeps_successors(self, capsys):
        assert main(["status", "--locality", "can tho old", "--format", "csv"]) == 0
        df = pd.read_csv(io.StringIO(capsys.readouterr().out))
        row = df.set_index("target_id").loc["nq13_2030.3.grdp_growth"]
        assert row["status"] == "superseded" and row["successor"] == "dh_i_2025_2030.01.grdp_growth"

    def test_vietnamese_table_and_what_it_takes(self, card, catalog):
        merged = card[card["locality"] == "can_tho_merged"]
        txt = status_text(merged, catalog.indicators, catalog.plans, "vi")
        assert max(len(line) for line in txt.splitlines()) <= 100
        assert "để đạt cần: 8,28 %/năm" in txt and "tỷ đồng" in txt and "chưa có số liệu năm gốc" in txt

    def test_unknown_locality_is_a_clear_error(self, capsys):
        assert main(["status", "--locality", "Cần Thơ"]) == 2
        err = capsys.readouterr().err
        assert "can_tho_old" in err and "can_tho_merged" in err and "Traceback" not in err

    def test_csv_bom_names_and_old_columns_first(self, capsys):
        assert main(["status", "--format", "csv", "--bom", "--locality", "soc trang"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("\ufeff")
        df = pd.read_csv(io.StringIO(out.lstrip("\ufeff")))
        assert list(df.columns[: len(OLD_CSV_COLUMNS)]) == OLD_CSV_COLUMNS
        for c in ("achieved_rate_5y", "stretch", "what_it_takes", "indicator_name_vi", "indicator_name_en", "unit"):
            assert c in df.columns
        assert set(df["locality"]) == {"soc_trang"} and df["indicator_name_vi"].notna().all()

    def test_csv_text_cells_are_spreadsheet_safe(self, card, catalog):
        ind = catalog.indicators.copy()
        ind.loc[ind["indicator_id"] == "grdp_growth", "name_en"] = "=HYPERLINK(\"http://x\")"
        named = named_card(card, ind, catalog.plans)
        assert set(named.loc[named["indicator_id"] == "grdp_growth", "indicator_name_en"]) == {"'=HYPERLINK(\"http://x\")"}
        assert named["latest_value"].dtype.kind == "f"  # numbers stay numbers (negative ones too)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """`export --no-feasibility --lang en` once, and the workbook read back (both take seconds)."""
    out = tmp_path_factory.mktemp("export") / "cantho.xlsx"
    assert main(["export", "--no-feasibility", "--lang", "en", "--out", str(out)]) == 0
    return out, pd.read_excel(out, sheet_name=None)


class TestExport:
    def test_workbook_round_trips_the_scorecard(self, exported, card, catalog):
        path, back = exported  # the command's workbook: build_sheets and write_xlsx, as the command runs them
        assert list(back) == ["about", "scorecard", "tally_comparison", "targets", "actuals", "scenarios", "indicators",
                              "plans", "doc_tallies"]
        assert len(back["doc_tallies"]) == len(catalog.tallies) > 0
        assert set(back["about"]["sheet"]) - {"note"} == set(back)
        sc = back["scorecard"]
        safe = spreadsheet_safe_frame(card)
        assert len(sc) == len(card) and all(c in sc.columns for c in SCORECARD_COLUMNS)
        for c in SCORECARD_COLUMNS:
            a, b = safe[c], sc[c]
            if c == "doc_agrees":  # booleans with gaps come back from Excel as 1.0 / 0.0 / NaN
                a = a.map(lambda v: np.nan if v is None or v is pd.NA else float(v))
            if pd.api.types.is_numeric_dtype(a) and a.dtype != bool:
                assert np.allclose(a.astype(float), b.astype(float), equal_nan=True), c
            else:
                norm = lambda s: s.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA
                                       else str(v))  # noqa: E731
                assert (norm(a).values == norm(b).values).all(), c
        assert len(back["actuals"]) == len(catalog.actuals)  # every version and vintage
        assert sc.loc[sc["target_id"] == "dh_i_2025_2030.01.exports_fx", "unit_label"].iloc[0] == "million USD"
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert ws.freeze_panes == "A2"
        ws = wb["scorecard"]
        widths = {ws.cell(1, j).value: ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
                  for j in range(1, ws.max_column + 1)}
        assert widths["target_id"] >= max(len(t) for t in card["target_id"]) and widths["quote"] == 60
        assert widths["low"] < 15

    def test_formula_injection_is_written_as_text(self, tmp_path, card, catalog):
        import copy

        cat = copy.copy(catalog)
        cat.targets = catalog.targets.copy()
        cat.targets.loc[0, "quote"] = "=1+1"
        cat.targets.loc[1, "quote"] = "@SUM(A1)"
        sheets = build_sheets(cat, card, "vi")
        # the workbook of the sheet that holds them (the whole workbook's round trip is the test above)
        path = write_xlsx({k: sheets[k] for k in ("about", "targets")}, tmp_path / "x.xlsx")
        ws = openpyxl.load_workbook(path)["targets"]
        col = [ws.cell(1, j).value for j in range(1, ws.max_column + 1)].index("quote") + 1
        assert ws.cell(2, col).value == "'=1+1" and ws.cell(2, col).data_type == "s"
        assert ws.cell(3, col).value == "'@SUM(A1)"
        folder = write_csv(sheets, tmp_path / "csv")
        raw = (folder / "targets.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"'=1+1" in raw and b",=1+1" not in raw
        assert (folder / "about.csv").read_text(encoding="utf-8-sig").startswith("trang,nội dung")

    def test_feasibility_json_becomes_tables(self):
        res = {"params": {"n_paths": 10, "seed": 1}, "convention": "geometric mean",
               "models": [{"name": "ar1", "median": 7.1, "pi80": [6, 8]}, {"name": "=evil", "median": 6.9, "pi80": [5, 8]}],
               "backtest": {"models": [{"model": "ar1", "mae": 1.2}], "origins": [2019, 2020]}, "notes": ["short series"]}
        sh = feasibility_sheets(res)
        assert set(sh) == {"feasibility", "feas_models", "feas_backtest_models"}
        kv = dict(zip(sh["feasibility"]["key"], sh["feasibility"]["value"]))
        assert kv["params.n_paths"] == 10 and kv["backtest.origins"] == "[2019, 2020]" and kv["notes[0]"] == "short series"
        assert sh["feas_models"]["name"].tolist() == ["ar1", "'=evil"] and sh["feas_models"]["pi80"][0] == "[6, 8]"

    def test_export_command(self, tmp_path, exported, capsys):
        out, back = exported
        assert out.exists() and back["about"]["sheet"].tolist()[0] == "about"
        assert main(["export", "--no-feasibility", "--out", str(tmp_path / "bad.txt")]) == 2
        assert main(["export", "--no-feasibility", "--format", "csv", "--out", str(tmp_path / "c")]) == 0
        assert (tmp_path / "c" / "scorecard.csv").exists()
