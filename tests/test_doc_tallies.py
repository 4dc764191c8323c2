"""The documents' own tallies (data/doc_tallies.csv): schema, loading, fidelity and arithmetic."""

import shutil

import pandas as pd
import pytest

from cantho_analysis import config
from cantho_analysis.catalog import load_catalog
from cantho_analysis.fidelity import check_catalog, check_tallies
from cantho_analysis.validation import read_table

HEADER = "tally_id,plan,locality,scope,category,count,source_file,source_line,quote,number_format,note\n"
ROW = ('dh_xiv_hg_2020_2025.d004_l856,dh_xiv_hg_2020_2025,hau_giang,all 18 targets,{cat},{count},'
       '004_b50851294415a046.txt,{line},"{quote}",vi,\n')
GOOD = ROW.format(cat="exceeded", count=13, line=858, quote="- Chỉ tiêu vượt: 13/18 chỉ tiêu.")


def test_good_file_reads_typed(write_csv):
    df, probs = read_table(write_csv("t.csv", HEADER + GOOD), "doc_tallies")
    assert probs == []
    assert str(df["count"].dtype) == "Int64" and df["count"].iloc[0] == 13


def test_bad_category_count_and_duplicate(write_csv):
    text = (HEADER + GOOD
            + GOOD  # the same (tally_id, category) twice
            + ROW.format(cat="met", count=13, line=858, quote="x")
            + ROW.format(cat="achieved", count="5.5", line=859, quote="x"))
    _, probs = read_table(write_csv("t.csv", text), "doc_tallies", label="t.csv")
    by = {(p.row, p.field): p.message for p in probs}
    assert "duplicate (tally_id, category)" in by[(2, "category")]
    assert "'met' is not allowed" in by[(3, "category")]
    assert "not a whole number" in by[(4, "count")]


def test_missing_file_gives_empty_frame(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    for name in ("indicators", "targets", "actuals", "scenarios", "base_rates", "plans"):
        shutil.copy(config.data_dir() / f"{name}.csv", d / f"{name}.csv")
    cat = load_catalog(data_dir=d)
    assert cat.tallies.empty
    assert list(cat.tallies.columns) == HEADER.strip().split(",")
    assert check_tallies(cat.tallies) == []


def test_bundled_tallies_load_and_are_faithful(catalog):
    t = catalog.tallies
    assert len(t) >= 20
    assert check_tallies(t) == []
    assert not t.duplicated(["tally_id", "category"]).any()


def test_plans_and_localities_match_plans_csv(catalog):
    plans = catalog.plans.set_index("plan")["locality"]
    t = catalog.tallies
    assert set(t["plan"]) <= set(plans.index)
    assert (t["locality"] == t["plan"].map(plans)).all()


def test_each_tally_adds_up_to_its_total(catalog):
    for tid, g in catalog.tallies.groupby("tally_id"):
        n = dict(zip(g["category"], g["count"].astype(int)))
        assert "total" in n, tid
        met = n["achieved_or_exceeded"] if "achieved_or_exceeded" in n else n.get("exceeded", 0) + n.get("achieved", 0)
        if "exceeded" in n and "achieved" in n:
            assert n["exceeded"] + n["achieved"] == met, tid
        assert met + n.get("not_achieved", 0) + n.get("pursuing", 0) == n["total"], tid


@pytest.mark.parametrize("tally_id,expected", [
    ("dh_xiv_ct_2020_2025.d004_l443", {"total": 20, "achieved_or_exceeded": 15, "pursuing": 5}),
    ("dh_xiv_ct_2020_2025.d004_l697", {"total": 20, "exceeded": 5, "achieved": 10, "not_achieved": 5}),
    ("dh_xiv_st_2020_2025.d004_l511", {"total": 20, "achieved_or_exceeded": 17, "not_achieved": 3}),
    ("dh_xiv_st_2020_2025.d004_l781", {"total": 23, "exceeded": 7, "achieved": 13, "not_achieved": 3}),
    ("dh_xiv_hg_2020_2025.d004_l559", {"total": 18, "achieved_or_exceeded": 18, "exceeded": 13, "achieved": 5}),
    ("dh_xiv_hg_2020_2025.d004_l856", {"total": 18, "achieved_or_exceeded": 18, "exceeded": 13, "achieved": 5,
                                       "not_achieved": 0}),
])
def test_every_tally_of_the_term_reviews(catalog, tally_id, expected):
    g = catalog.tallies[catalog.tallies["tally_id"] == tally_id]
    assert dict(zip(g["category"], g["count"].astype(int))) == expected


def test_wrong_count_or_line_is_caught(catalog):
    t = catalog.tallies
    row = t[(t["tally_id"] == "dh_xiv_st_2020_2025.d004_l781") & (t["category"] == "exceeded")]
    assert check_tallies(row) == []
    [p] = check_tallies(row.assign(count=pd.array([8], dtype="Int64")))
    assert p.file == "doc_tallies.csv" and p.field == "value" and "does not appear" in p.message
    [p] = check_tallies(row.assign(source_line=pd.array([700], dtype="Int64")))
    assert p.field == "quote"
    # and the catalogue-wide check includes the tallies
    bad = t.copy()
    bad.loc[row.index, "count"] = 8
    cat = load_catalog(include_user_dir=False)
    cat.tallies = bad
    assert [p.file for p in check_catalog(cat)] == ["doc_tallies.csv"]
