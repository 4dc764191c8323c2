"""The bundled catalogue: it loads, covers every plan and source, and the best-available rule."""

import hashlib

import pandas as pd
import pytest

from cantho_analysis import config
from cantho_analysis.catalog import best_available, load_catalog, published_key
from cantho_analysis.validation import ValidationError

from conftest import ACTUAL_HEADER, GOOD_ACTUAL

SEEDS = ["000_97179f6eee211bbe.txt", "001_a04d0207a54e2226.txt", "002_6049075492e409e7.txt",
         "003_713141632c665098.txt", "004_b50851294415a046.txt"]


def test_loads_typed(catalog):
    assert str(catalog.targets["low"].dtype) == "Float64"
    assert str(catalog.actuals["period_start"].dtype) == "Int64"
    assert catalog.targets["target_id"].is_unique
    assert catalog.actuals["actual_id"].is_unique


def test_every_seed_and_plan_is_used(catalog):
    assert set(SEEDS) <= set(catalog.targets["source_file"])
    assert set(catalog.plans["plan"]) == set(catalog.targets["plan"])
    # pre-merger plans belong to old units, the 2025-2030 plan to the merged city
    merged = catalog.targets[catalog.targets["locality"] == "can_tho_merged"]
    assert set(merged["plan"]) == {"dh_i_2025_2030"}
    assert (catalog.targets.loc[catalog.targets["plan"] != "dh_i_2025_2030", "period_end"] <= 2030).all()


def test_raw_sources_untouched():
    raw = config.raw_dir()
    for line in (raw / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((raw / name).read_bytes()).hexdigest() == digest, name


def test_low_reliability_rows_are_flagged(catalog):
    low = catalog.actuals[catalog.actuals["source_type"] == "low_reliability"]
    assert len(low) > 0 and (low["reliability"] == "low").all()


def test_user_file_appended_and_validated(tmp_path, write_csv):
    extra = write_csv("2026_actuals.csv", ACTUAL_HEADER + GOOD_ACTUAL)
    cat = load_catalog(extra_actuals=[extra], include_user_dir=False)
    new = cat.actuals[cat.actuals["origin"] != "bundled"]
    assert len(new) == 1 and new["origin"].iloc[0].endswith("2026_actuals.csv")
    assert new["value"].iloc[0] == 9.1 and new["actual_id"].iloc[0].startswith("user:")
    bad = write_csv("bad_actuals.csv", ACTUAL_HEADER + GOOD_ACTUAL.replace("9.1", "x"))
    with pytest.raises(ValidationError) as e:
        load_catalog(extra_actuals=[bad], include_user_dir=False)
    assert any(p.row == 1 and p.field == "value" for p in e.value.problems)


def _rows(*specs):
    cols = ["actual_id", "indicator_id", "locality", "period_start", "period_end", "subperiod", "value",
            "value_kind", "status", "reliability", "published"]
    return pd.DataFrame([dict(zip(cols, s)) for s in specs])


class TestBestAvailable:
    def test_later_vintage_wins(self):
        df = _rows(("a", "g", "x", 2021, 2021, "year", -2.79, "exact", "official", "normal", "2022"),
                   ("b", "g", "x", 2021, 2021, "year", 0.11, "exact", "preliminary", "normal", "2025-09"))
        best = best_available(df)
        assert best["actual_id"].tolist() == ["b"]
        assert best["n_versions"].iloc[0] == 2 and best["n_values"].iloc[0] == 2

    def test_status_breaks_ties_of_vintage(self):
        df = _rows(("a", "g", "x", 2024, 2024, "year", 7.0, "exact", "official", "normal", "2025-01"),
                   ("b", "g", "x", 2024, 2024, "year", 7.1, "exact", "estimate", "normal", "2025-01"))
        assert best_available(df)["actual_id"].tolist() == ["a"]

    def test_low_reliability_loses_even_if_newer(self):
        df = _rows(("a", "g", "x", 2020, 2020, "year", 1.0, "exact", "estimate", "low", "2026"),
                   ("b", "g", "x", 2020, 2020, "year", 2.0, "exact", "estimate", "normal", "2020"))
        assert best_available(df)["actual_id"].tolist() == ["b"]

    def test_exact_beats_bound_and_subannual_ignored(self):
        df = _rows(("a", "g", "x", 2025, 2025, "year", 306000, "lower_bound", "estimate", "normal", "2026-01"),
                   ("b", "g", "x", 2025, 2025, "year", 316932, "exact", "estimate", "normal", "2026-01"),
                   ("c", "g", "x", 2025, 2025, "H1", 7.87, "exact", "official", "normal", "2026-06"))
        assert best_available(df)["actual_id"].tolist() == ["b"]

    def test_one_row_per_key_and_stable(self, catalog):
        a = best_available(catalog.actuals)
        b = best_available(catalog.actuals.sample(frac=1, random_state=1).sort_index())
        keys = ["indicator_id", "locality", "period_start", "period_end"]
        assert not a.duplicated(keys).any()
        pd.testing.assert_frame_equal(a, b)

    def test_published_key(self):
        assert published_key("2025") < published_key("2025-09") < published_key("2025-09-02")
        assert published_key("") == (0, 0, 0) and published_key(None) == (0, 0, 0)

    def test_bundled_choices(self, catalog):
        best = catalog.best().set_index(["indicator_id", "locality", "period_start", "period_end"])
        # merged-city growth 2025: the Jan-2026 statistics estimate supersedes December's 8.3
        assert best.loc[("grdp_growth", "can_tho_merged", 2025, 2025), "value"] == pytest.approx(7.23)
        # old Can Tho 2020 GRDP per capita: GSO's 72.41 supersedes the 97.2 planning estimate
        assert best.loc[("grdp_per_capita", "can_tho_old", 2020, 2020), "value"] == pytest.approx(72.41)


def test_catalog_indicators_lists_ids_with_names(capsys):
    from cantho_analysis.cli import main

    assert main(["catalog", "--indicators", "--format", "csv"]) == 0
    import io

    import pandas as pd

    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    row = df[df["indicator_id"] == "grdp_growth"].iloc[0]
    assert row["name_vi"].startswith("Tốc độ tăng trưởng GRDP") and "can_tho_merged" in row["target_localities"]
    assert main(["catalog", "--indicators"]) == 0
    assert "grdp_growth" in capsys.readouterr().out


class TestBestAvailableHonest:
    def test_a_point_beats_a_later_bound(self):
        # review of issue 10: ">306,000" (Jan 2026) is never the best point figure when 316,932 exists
        df = _rows(("a", "g", "x", 2025, 2025, "year", 306000, "lower_bound", "estimate", "normal", "2026-01"),
                   ("b", "g", "x", 2025, 2025, "year", 316932, "exact", "plan_estimate", "normal", "2025-09"))
        assert best_available(df)["actual_id"].tolist() == ["b"]
        only = best_available(df[df["actual_id"] == "a"])
        assert only["actual_id"].tolist() == ["a"] and only["value_kind"].iloc[0] == "lower_bound"

    def test_agreeing_versions_win_a_tie(self):
        # 75.5 printed twice, 75 once, all of the same rank: 75.5, whatever the order
        df = _rows(("a", "g", "x", 2025, 2025, "year", 75.5, "exact", "plan_estimate", "normal", "2025-09"),
                   ("b", "g", "x", 2025, 2025, "year", 75.5, "exact", "plan_estimate", "normal", "2025-09"),
                   ("c", "g", "x", 2025, 2025, "year", 75.0, "exact", "plan_estimate", "normal", "2025-09"))
        assert best_available(df)["value"].tolist() == [75.5]
        assert best_available(df.iloc[::-1])["value"].tolist() == [75.5]
        # a better rank still wins over agreement
        df.loc[2, "published"] = "2026"
        assert best_available(df)["value"].tolist() == [75.0]

    def test_totals_and_averages_are_whole_period_rows(self):
        df = _rows(("a", "g", "x", 2021, 2025, "total", 6093, "exact", "plan_estimate", "normal", "2025-09"),
                   ("b", "g", "x", 2025, 2025, "9M", 900, "exact", "estimate", "normal", "2025-10"))
        assert best_available(df)["actual_id"].tolist() == ["a"]

    def test_bundled_sources_that_disagree(self, catalog):
        best = catalog.best().set_index(["indicator_id", "locality", "period_start", "period_end"])
        assert best.loc[("grdp_per_capita", "soc_trang", 2025, 2025), "value"] == pytest.approx(75.5)
        assert best.loc[("grdp_current", "can_tho_merged", 2025, 2025), "value_kind"] == "exact"
        assert best.loc[("exports_fx", "hau_giang", 2021, 2025), "subperiod"] == "total"
        assert best.loc[("grdp_growth", "can_tho_old", 2021, 2025), "subperiod"] == "average"
        assert ("budget_revenue", "hau_giang", 2021, 2025) not in best.index
        assert best.loc[("budget_revenue_total", "hau_giang", 2021, 2025), "value"] == 74180
