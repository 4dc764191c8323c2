"""Every row taken from a seed or from public-statistics.md is faithful to its source."""


from cantho_analysis.fidelity import check_catalog, check_rows, check_tasks
from cantho_analysis.tasks import load_tasks


def test_every_sourced_row_is_faithful(catalog):
    problems = check_catalog(catalog)
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_every_bundled_row_is_sourced(catalog):
    for df in (catalog.targets, catalog.actuals, catalog.scenarios, catalog.tallies):
        assert df["quote"].str.len().gt(0).all()
        assert (df["source_file"].fillna("").str.len().gt(0)).all()


def test_detects_wrong_line_and_wrong_number(catalog):
    row = catalog.targets[catalog.targets["target_id"] == "kl42_2023.01.grdp_growth"].copy()
    assert check_rows(row, "targets") == []
    moved = row.assign(source_line=row["source_line"] + 40)
    assert [p.field for p in check_rows(moved, "targets")] == ["quote"]
    wrong = row.assign(high=11.0)
    [p] = check_rows(wrong, "targets")
    assert p.field == "high" and "does not appear" in p.message


def test_scale_and_format_are_applied(catalog):
    a = catalog.actuals
    row = a[(a["indicator_id"] == "population") & (a["locality"] == "can_tho_merged")].head(1)
    assert row["quote_scale"].iloc[0] == 1000
    assert check_rows(row, "actuals") == []
    assert check_rows(row.assign(quote_scale=1.0), "actuals") != []


def test_every_task_row_is_faithful():
    """tasks.csv: quote at its line, and every printed cell (title, lead, coordinating, deadline,
    funding) in the row's block of the source."""
    tasks = load_tasks()
    assert len(tasks) > 0
    problems = check_tasks(tasks)
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_tallies_are_part_of_the_catalogue_check(catalog):
    t = catalog.tallies
    assert len(t) > 0 and t["source_file"].isin(["004_b50851294415a046.txt"]).all()
    wrong = t.assign(count=t["count"] + 1)
    cat = type(catalog)(catalog.indicators, catalog.targets, catalog.actuals, catalog.scenarios,
                        catalog.base_rates, catalog.plans, wrong)
    probs = check_catalog(cat)
    assert len(probs) == len(t) and {p.file for p in probs} == {"doc_tallies.csv"}
