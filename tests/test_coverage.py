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
