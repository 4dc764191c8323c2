"""Completeness: every numbered target of the seed documents' target lists is in targets.csv.

For each list the test finds the numbered items '(n)' in the document and checks that
targets.csv has a row for each item, except items that carry no number (named below).
"""

import re

import pytest

from cantho_analysis import config

# (file, first line, last line, plan, items without a numeric target)
LISTS = [
    ("000_97179f6eee211bbe.txt", 49, 137, "kl42_2023", {"5"}),   # (5) "meet the budget estimate"
    ("001_a04d0207a54e2226.txt", 49, 92, "ctr17_2021_2025", {"5"}),  # (5) revenue ratio kept: see below
    ("002_6049075492e409e7.txt", 20, 63, "kl64_2024", {"5"}),
    ("004_b50851294415a046.txt", 1057, 1140, "dh_i_2025_2030", {"5", "21"}),  # PCI/PAPI ranking, smart city
]


@pytest.mark.parametrize("fname,first,last,plan,non_numeric", LISTS)
def test_numbered_items_have_targets(catalog, fname, first, last, plan, non_numeric):
    lines = (config.raw_dir() / fname).read_text(encoding="utf-8").split("\n")[first - 1:last]
    items = {str(int(m.group(1))) for l in lines for m in [re.match(r"\s*\((\d+)\)", l)] if m}
    assert len(items) >= 16
    got = {str(int(i)) for i in catalog.targets.loc[catalog.targets["plan"] == plan, "item"]}
    missing = items - got - non_numeric
    assert not missing, f"items without a target row in {plan}: {sorted(missing, key=int)}"


def test_revenue_ratio_of_2021_plan_is_kept(catalog):
    t = catalog.targets
    assert ((t["plan"] == "ctr17_2021_2025") & (t["indicator_id"] == "budget_revenue_grdp_ratio")).any()


@pytest.mark.parametrize("plan,n_items", [("dh_xiv_ct_2020_2025", 20), ("dh_xiv_st_2020_2025", 23),
                                          ("dh_xiv_hg_2020_2025", 18)])
def test_term_tables_cover_every_item(catalog, plan, n_items):
    items = set(catalog.targets.loc[catalog.targets["plan"] == plan, "item"])
    nums = {int(i) for i in items if i.isdigit()}
    # item 5 of Can Tho (budget: 'meet the estimate') and item 3 of Hau Giang's PAR rank are
    # partly qualitative; every other item number of the tables has at least one row
    expected = set(range(1, n_items + 1)) - {5} if plan == "dh_xiv_ct_2020_2025" else set(range(1, n_items + 1))
    assert expected <= nums, sorted(expected - nums)


def test_every_scenario_figure_of_appendix_8(catalog):
    s = catalog.scenarios
    for scen in ("planning", "previous_drafts", "two_digit", "high"):
        got = set(s.loc[s["scenario_id"].str.startswith(scen + "."), "indicator_id"])
        assert {"grdp_current", "grdp_constant", "population", "grdp_growth", "grdp_per_capita",
                "grdp_per_capita_usd"} <= got, scen


def _lines(df, line):
    return df[(df["source_file"] == "004_b50851294415a046.txt") & (df["source_line"] == line)]


def test_appendix_4_new_rural_row(catalog):
    rows = _lines(catalog.actuals, 627)
    got = set(zip(rows["indicator_id"], rows["locality"]))
    for loc in ("can_tho_old", "soc_trang", "hau_giang", "can_tho_merged"):
        for ind in ("communes_new_rural", "communes_advanced_new_rural", "communes_model_new_rural"):
            assert (ind, loc) in got, (ind, loc)
    for loc in ("can_tho_old", "soc_trang", "hau_giang"):
        assert ("districts_new_rural", loc) in got, loc
    merged = rows[(rows["locality"] == "can_tho_merged") & (rows["indicator_id"] == "communes_new_rural")]
    assert merged["value"].tolist() == [59]


def test_appendix_8_population_and_scenario_headlines(catalog):
    s = catalog.scenarios
    # line 899: the 2030 population and the plans' population growth 2025-2030 (a projection, a scenario row)
    assert sorted(_lines(s, 899)["value"].tolist()) == [0.93, 3374000]
    ids = set(s["scenario_id"])
    for scen in ("two_digit", "high"):
        assert {f"{scen}.grdp_per_capita_usd_headline", f"{scen}.grdp_per_capita_headline"} <= ids
    mult = s[s["indicator_id"].str.endswith("_multiple")].set_index("scenario_id")["value"]
    assert mult.to_dict() == {"high.grdp_current_multiple": 1.96, "high.grdp_constant_multiple": 2.33}


@pytest.mark.parametrize("line,indicators", [
    (125, {"health_insurance_coverage"}),                      # political report
    (139, {"intl_agreements"}),
    (447, {"grdp_current", "grdp_current_multiple", "grdp_per_capita", "grdp_per_capita_multiple"}),  # appendix 1
    (455, {"poverty_rate"}),
    (515, {"grdp_growth", "grdp_per_capita", "grdp_per_capita_multiple"}),  # appendix 2
    (517, {"aquatic_output", "aquatic_output_multiple", "communes_model_new_rural", "districts_new_rural",
           "industrial_production_index_growth", "exports_goods", "exports_goods_multiple"}),
    (575, {"districts_new_rural", "communes_new_rural", "communes_advanced_new_rural",
           "communes_model_new_rural"}),                         # appendix 3
    (715, {"total_investment_growth"}),                          # appendix 5, reasons
    (814, {"par_index_rank"}),                                   # appendix 7
])
def test_result_figures_of_004_text(catalog, line, indicators):
    assert indicators <= set(_lines(catalog.actuals, line)["indicator_id"])
