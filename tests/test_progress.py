"""Hand-checkable cases for the progress engine: every status, both directions, ranges,
growth-rate targets, open and closed periods, missing data."""

import math

import pandas as pd
import pytest

from cantho_analysis.progress import (assess_target, classify_ratio, growth_progress, planning_realism,
                                      realism_summary, scorecard, trajectory, verdict)

HIGHER = {"measure": "share", "better": "higher"}
LOWER = {"measure": "share", "better": "lower"}
LEVEL = {"measure": "level", "better": "higher"}
BAND = {"measure": "share", "better": "band"}
GROWTH = {"measure": "growth_rate", "better": "higher"}


def best(points, ind="x", loc="l"):
    """Best-available frame from {year: value} or {(start, end): value}."""
    rows = []
    for k, v in points.items():
        a, b = k if isinstance(k, tuple) else (k, k)
        rows.append(dict(indicator_id=ind, locality=loc, period_start=a, period_end=b, value=v,
                         status="official", published="2025", value_kind="exact", n_versions=1, n_values=1,
                         actual_id=f"{a}-{b}"))
    return pd.DataFrame(rows, columns=["indicator_id", "locality", "period_start", "period_end", "value", "status",
                                       "published", "value_kind", "n_versions", "n_values", "actual_id"])


def target(low, high, kind="value_in_year", start=2021, end=2025, base=2020, **kw):
    t = dict(target_id="t", indicator_id="x", locality="l", plan="p", period_start=start, period_end=end,
             base_year=base, target_kind=kind, low=low, high=high, doc_verdict="")
    t.update(kw)
    return t


class TestClassify:
    @pytest.mark.parametrize("r,status", [(1.2, "on_track"), (0.95, "on_track"), (0.94, "needs_acceleration"),
                                          (0.6, "needs_acceleration"), (0.59, "limited_progress"),
                                          (0.0, "limited_progress"), (-0.1, "regressing"), (None, "no_data")])
    def test_thresholds(self, r, status):
        assert classify_ratio(r) == status


class TestOpenPeriod:
    # linear share: baseline 50 in 2020, target 60 in 2025 -> required 2 points/yr
    def test_on_track(self):
        a = assess_target(target(60, None), HIGHER, best({2020: 50, 2023: 56}))
        assert a.period_state == "open" and a.status == "on_track"
        assert a.observed_rate == pytest.approx(2.0) and a.required_rate == pytest.approx(2.0)

    def test_needs_acceleration(self):
        a = assess_target(target(60, None), HIGHER, best({2020: 50, 2023: 54.5}))  # 1.5/2 = 0.75
        assert a.status == "needs_acceleration" and a.progress_ratio == pytest.approx(0.75)

    def test_limited_progress(self):
        a = assess_target(target(60, None), HIGHER, best({2020: 50, 2023: 51.5}))  # 0.25
        assert a.status == "limited_progress"

    def test_regressing(self):
        a = assess_target(target(60, None), HIGHER, best({2020: 50, 2023: 48}))
        assert a.status == "regressing" and a.progress_ratio < 0

    def test_achieved_before_the_end(self):
        a = assess_target(target(60, None), HIGHER, best({2020: 50, 2023: 61}))
        assert a.status == "achieved" and a.period_state == "open"

    def test_lower_is_better(self):
        # poverty 2.0 -> target at most 1.0 by 2025: required -0.2/yr; observed -0.2/yr
        a = assess_target(target(None, 1.0, bound="at_most"), LOWER, best({2020: 2.0, 2022: 1.6}))
        assert a.status == "on_track" and a.progress_ratio == pytest.approx(1.0)
        a = assess_target(target(None, 1.0), LOWER, best({2020: 2.0, 2022: 2.4}))
        assert a.status == "regressing"

    def test_level_uses_compound_rates(self):
        # 100 -> 161.051 in 5 years is 10 %/yr; 121 after 2 years is also 10 %/yr
        a = assess_target(target(161.051, 161.051), LEVEL, best({2020: 100, 2022: 121}))
        assert a.observed_rate == pytest.approx(10.0) and a.required_rate == pytest.approx(10.0, abs=1e-6)
        assert a.rate_unit == "%/yr" and a.status == "on_track"

    def test_range_uses_low_end(self):
        a = assess_target(target(58, 62), HIGHER, best({2020: 50, 2023: 58.5}))
        assert a.status == "achieved"

    def test_band_outside_above(self):
        # structure share should fall into 5.6-5.9 from 9.0: observed falling 0.5/yr, required (5.9-9)/5
        a = assess_target(target(5.6, 5.9), BAND, best({2020: 9.0, 2022: 8.0}))
        assert a.required_rate == pytest.approx(-0.62) and a.observed_rate == pytest.approx(-0.5)
        assert a.status == "needs_acceleration"

    def test_no_data(self):
        a = assess_target(target(60, None), HIGHER, best({2020: 50}))
        assert a.status == "no_data" and a.latest_year is None
        a = assess_target(target(60, None), HIGHER, best({}, ind="other"))
        assert a.status == "no_baseline" and a.baseline_year is None  # issue 10: no figure at all

    def test_baseline_falls_back_to_earlier_year(self):
        a = assess_target(target(60, None), HIGHER, best({2019: 50, 2023: 56}))
        assert a.baseline_year == 2019 and "2019" in " ".join(a.notes)

    def test_slipping_from_a_met_baseline(self):
        a = assess_target(target(60, None), HIGHER, best({2020: 62, 2023: 59}))
        assert a.status == "regressing"


class TestClosedPeriod:
    @pytest.mark.parametrize("value,low,high,expected", [
        (7.0, 7.5, 8.0, "not_achieved"), (7.5, 7.5, 8.0, "achieved"), (7.9, 7.5, 8.0, "achieved"),
        (8.0, 7.5, 8.0, "achieved"), (8.01, 7.5, 8.0, "exceeded"), (17, 17, 17, "achieved"), (18.03, 17, 17, "exceeded"),
        (90, 90, None, "achieved"), (91, 90, None, "exceeded"),
    ])
    def test_verdict_higher(self, value, low, high, expected):
        assert verdict(value, "higher", low, high) == expected

    @pytest.mark.parametrize("value,expected", [(0.6, "not_achieved"), (0.5, "achieved"), (0.05, "exceeded")])
    def test_verdict_lower(self, value, expected):
        assert verdict(value, "lower", None, 0.5) == expected

    def test_verdict_band(self):
        assert verdict(5.7, "band", 5.6, 5.9) == "achieved"
        assert verdict(9.3, "band", 5.6, 5.9) == "not_achieved"

    def test_closed_with_gap_and_doc_verdict(self):
        a = assess_target(target(145, 160, doc_verdict="Không đạt"), LEVEL, best({2020: 72.41, 2025: 118.16}))
        assert a.period_state == "closed" and a.verdict == "not_achieved"
        assert a.gap == pytest.approx(-26.84) and a.gap_pct == pytest.approx(-26.84 / 145 * 100)
        assert a.doc_verdict_en == "not_achieved" and a.doc_agrees is True

    def test_disagreement_is_flagged(self):
        a = assess_target(target(95, 95, doc_verdict="Vượt"), HIGHER, best({2020: 90, 2025: 95}))
        assert a.verdict == "achieved" and a.doc_agrees is False


class TestGrowthTargets:
    def test_growth_progress_index(self):
        gp = growth_progress({2021: 10.0, 2022: 10.0}, 2020, 2025, 10.0)
        assert gp["years_observed"] == 2 and gp["avg_so_far"] == pytest.approx(10.0)
        assert gp["required_remaining"] == pytest.approx(10.0)
        gp = growth_progress({2021: 5.0}, 2020, 2022, 10.0)
        # (1.1^2 / 1.05) - 1 = 15.238 %
        assert gp["required_remaining"] == pytest.approx((1.21 / 1.05 - 1) * 100)

    def test_open_growth_target(self):
        a = assess_target(target(10, 10.5, kind="average_growth", start=2025, end=2030, base=2025), GROWTH,
                          best({2024: 7.0, 2025: 7.23, 2026: 8.0}))
        assert a.period_state == "open" and a.latest_year == 2026
        assert a.observed_rate == pytest.approx(8.0) and a.progress_ratio == pytest.approx(0.8)
        assert a.status == "needs_acceleration"
        assert a.required_remaining == pytest.approx(((1.1 ** 5 / 1.08) ** 0.25 - 1) * 100)

    def test_closed_from_annual_figures(self):
        g = {2021: 2.0, 2022: 8.0, 2023: 6.0, 2024: 7.0, 2025: 7.0}
        a = assess_target(target(7.5, 8.0, kind="average_growth"), GROWTH, best(g))
        expected = (math.prod(1 + v / 100 for v in g.values()) ** 0.2 - 1) * 100
        assert a.period_state == "closed" and a.outturn == pytest.approx(expected)
        assert a.verdict == "not_achieved" and a.gap == pytest.approx(expected - 7.5)

    def test_closed_from_published_average(self):
        a = assess_target(target(6.5, 7.0, kind="average_growth"), GROWTH, best({(2021, 2025): 9.24, 2021: 3.0}))
        assert a.verdict == "exceeded" and a.outturn == pytest.approx(9.24)

    def test_no_growth_data(self):
        a = assess_target(target(10, 10.5, kind="average_growth", start=2025, end=2030, base=2025), GROWTH, best({}))
        assert a.status == "no_data" and a.required_remaining == pytest.approx(10.0)


class TestTrajectory:
    def test_geometric_for_levels(self):
        tr = trajectory(target(200, 200), "level", 2020, 100.0)
        assert tr["path_low"].iloc[-1] == pytest.approx(200)
        assert tr["path_low"].iloc[1] == pytest.approx(100 * 2 ** 0.2)

    def test_linear_for_shares_and_two_paths_for_ranges(self):
        tr = trajectory(target(60, 70), "share", 2020, 50.0)
        assert list(tr["year"]) == [2020, 2021, 2022, 2023, 2024, 2025]
        assert tr["path_low"].iloc[1] == pytest.approx(52) and tr["path_high"].iloc[1] == pytest.approx(54)

    def test_growth_index(self):
        tr = trajectory(target(10, 10.5, kind="average_growth", end=2030, base=2025), "growth_rate", None, None)
        assert tr["path_low"].iloc[-1] == pytest.approx(100 * 1.1 ** 5)

    def test_no_baseline(self):
        assert trajectory(target(60, None), "share", None, None).empty


def test_scorecard_on_bundled_data(catalog, bundled_card):
    card = bundled_card
    assert len(card) == len(catalog.targets) and card["target_id"].tolist() == catalog.targets["target_id"].tolist()
    from cantho_analysis import progress

    again = progress._scorecard(catalog.targets, catalog.indicators, catalog.best())  # recomputed, not the memo
    pd.testing.assert_frame_equal(card, again)  # the same numbers on every run
    ct = card.set_index("target_id")
    assert ct.loc["dh_xiv_ct_2020_2025.1.grdp_growth", "verdict"] == "not_achieved"
    assert ct.loc["dh_xiv_hg_2020_2025.4.grdp_growth", "verdict"] == "exceeded"
    realism = planning_realism(card, catalog.indicators)
    summ = realism_summary(realism)
    assert (realism["met"] == realism["verdict"].isin(["achieved", "exceeded"])).all()
    assert summ.iloc[-1]["plan"] == "all" and summ.iloc[-1]["targets_with_outturn"] == len(realism)


def test_scorecard_memo_gives_copies_and_follows_the_data(catalog, bundled_card):
    best = catalog.best()
    a = scorecard(catalog.targets, catalog.indicators, best)
    a.loc[0, "status"] = "changed by a caller"
    assert scorecard(catalog.targets, catalog.indicators, best).loc[0, "status"] == bundled_card.loc[0, "status"]
    targets = catalog.targets.copy()
    i = targets.index[targets["target_id"] == "dh_xiv_ct_2020_2025.1.grdp_growth"][0]
    targets.loc[i, "low"] = 1.0  # an easy target: the memo must not answer with the old verdict
    changed = scorecard(targets, catalog.indicators, best).set_index("target_id")
    assert changed.loc["dh_xiv_ct_2020_2025.1.grdp_growth", "verdict"] != "not_achieved"


def test_annual_value_closed_by_a_period_average():
    # "reduce poverty by 2-3 points each year", reported only as the 2021-2025 average (1.5)
    a = assess_target(target(2, 3, kind="annual_value"), HIGHER, best({(2021, 2025): 1.5}))
    assert a.period_state == "closed" and a.verdict == "not_achieved" and a.outturn_source == "period_average"


# --------------------------------------------------------------------------- issue 10: honest statuses
class TestNewStatuses:
    def test_no_baseline_is_not_no_data(self):
        # a figure after the base year (2023) but none at or before 2020: the gap is the baseline
        a = assess_target(target(60, None), HIGHER, best({2023: 55}))
        assert a.status == "no_baseline" and a.latest_year == 2023 and a.progress_ratio is None
        # a baseline and nothing after it stays no_data
        assert assess_target(target(60, None), HIGHER, best({2020: 50})).status == "no_data"

    def test_closed_no_outturn_has_no_progress_ratio(self):
        pts = best({2020: 50, 2023: 56})
        open_ = assess_target(target(60, None), HIGHER, pts, as_of=2025)
        assert open_.status == "on_track" and open_.progress_ratio == pytest.approx(1.0)
        a = assess_target(target(60, None), HIGHER, pts, as_of=2026)
        assert a.status == "closed_no_outturn" and a.period_state == "deadline_passed"
        assert a.progress_ratio is None and a.last_open_status == "on_track" and a.verdict is None
        assert a.stretch is None and a.what_it_takes is None
        # an outturn for the target year still closes the period with a verdict
        c = assess_target(target(60, None), HIGHER, best({2020: 50, 2025: 61}), as_of=2026)
        assert c.status == "exceeded" and c.period_state == "closed"

    def test_growth_target_past_its_deadline(self):
        a = assess_target(target(7, 7.5, kind="average_growth"), GROWTH, best({2021: 6.0, 2022: 7.0}), as_of=2026)
        assert a.status == "closed_no_outturn" and a.required_remaining is None and a.progress_ratio is None

    def test_zero_target_for_a_level_falls_back_to_linear(self):
        # 10 cases in 2020 -> 0 by 2025: -2 per year required; 6 in 2023 is -4/3 per year -> R = 2/3
        lower_level = {"measure": "count", "better": "lower"}
        a = assess_target(target(None, 0, bound="at_most"), lower_level, best({2020: 10, 2023: 6}))
        assert a.rate_unit == "units/yr" and a.required_rate == pytest.approx(-2.0)
        assert a.observed_rate == pytest.approx(-4 / 3) and a.progress_ratio == pytest.approx(2 / 3)
        assert a.status == "needs_acceleration"

    def test_negative_baseline_for_a_level_falls_back_to_linear(self):
        # a balance of -50 in 2020 to reach 50 by 2025: 20 per year; -10 in 2022 is 20 per year
        a = assess_target(target(50, None), LEVEL, best({2020: -50, 2022: -10}))
        assert a.rate_unit == "units/yr" and a.progress_ratio == pytest.approx(1.0) and a.status == "on_track"

    def test_level_with_positive_values_keeps_compound_rates(self):
        a = assess_target(target(161.051, 161.051), LEVEL, best({2020: 100, 2022: 121}))
        assert a.rate_unit == "%/yr" and a.progress_ratio == pytest.approx(1.0, abs=1e-6)

    def test_superseded_names_its_successor(self):
        targets = pd.DataFrame([
            target(60, None, start=2021, end=2030, target_id="old.share", locality="can_tho_old", plan="nq13"),
            target(65, None, start=2025, end=2030, base=2025, target_id="new.share", locality="can_tho_merged",
                   plan="dh_i"),
            target(70, None, start=2021, end=2030, target_id="old.other", indicator_id="y", locality="soc_trang",
                   plan="st"),
        ])
        inds = pd.DataFrame([{"indicator_id": "x", **HIGHER}, {"indicator_id": "y", **HIGHER}])
        b = pd.concat([best({2020: 50, 2024: 52}, loc="can_tho_old"), best({2025: 58}, loc="can_tho_merged")])
        card = scorecard(targets, inds, b).set_index("target_id")
        old = card.loc["old.share"]
        assert old["status"] == "superseded" and old["successor"] == "new.share"
        assert old["last_open_status"] == "limited_progress" and old["progress_ratio"] == pytest.approx(0.5)  # 0.5 of 1 point/yr
        assert pd.isna(old["required_remaining"]) and pd.isna(old["stretch"])
        assert card.loc["old.other", "status"] == "superseded" and pd.isna(card.loc["old.other", "successor"])
        assert card.loc["new.share", "status"] == "no_data"
        # without a calendar (as_of=None) the old target is assessed as open, as before issue 10
        assert scorecard(targets, inds, b, as_of=None).set_index("target_id").loc["old.share", "status"] == "limited_progress"


class TestWhatItTakes:
    def test_level_stretch_by_hand(self):
        # 100 in 2025 to 161.051 in 2030 needs 10 %/yr; 78.3526 in 2020 -> 100 in 2025 was 5 %/yr; stretch 2
        a = assess_target(target(161.051, None, start=2025, end=2030, base=2025), LEVEL,
                          best({2020: 100 / 1.05 ** 5, 2023: 90.0, 2025: 100.0}))
        assert a.status == "no_data" and a.required_rate == pytest.approx(10.0, abs=1e-6)
        assert a.what_it_takes == pytest.approx(10.0, abs=1e-6) and a.what_it_takes_unit == "%/yr"
        assert a.achieved_rate_5y == pytest.approx(5.0) and (a.achieved_from, a.achieved_to) == (2020, 2025)
        assert a.stretch == pytest.approx(2.0, abs=1e-6)

    def test_open_target_keeps_its_ratio_and_gets_a_stretch(self):
        # 50 (2020) -> 56 (2023), target 60 in 2025: required 2/yr from the baseline, 2/yr achieved: stretch 1
        a = assess_target(target(60, None), HIGHER, best({2020: 50, 2023: 56}))
        assert a.status == "on_track" and a.progress_ratio == pytest.approx(1.0)
        assert a.what_it_takes == pytest.approx(2.0) and a.achieved_rate_5y == pytest.approx(2.0)
        assert a.stretch == pytest.approx(1.0) and (a.achieved_from, a.achieved_to) == (2020, 2023)

    def test_exports_example(self):
        # issue 10: 5,508 million USD in 2025 against 8,200 in 2030 is about 8.3 %/yr
        a = assess_target(target(8200, 8200, start=2025, end=2030, base=2025), LEVEL, best({2025: 5508}))
        assert a.required_rate == pytest.approx(8.28, abs=0.01) and a.achieved_rate_5y is None and a.stretch is None

    def test_share_points_per_year(self):
        # 40 -> 50 in five years: 2 points/yr; 37.5 -> 40 over the five years before: 0.5/yr; stretch 4
        a = assess_target(target(50, None, start=2025, end=2030, base=2025), HIGHER, best({2020: 37.5, 2025: 40}))
        assert a.what_it_takes == pytest.approx(2.0) and a.achieved_rate_5y == pytest.approx(0.5)
        assert a.stretch == pytest.approx(4.0) and a.what_it_takes_unit == "points/yr"

    def test_lower_is_better_and_moving_away(self):
        # poverty 3 -> at most 1 by 2030: -0.4/yr; it fell 0.2/yr before: stretch 2
        a = assess_target(target(None, 1.0, start=2025, end=2030, base=2025), LOWER, best({2020: 4.0, 2025: 3.0}))
        assert a.stretch == pytest.approx(2.0)
        # it rose before: no multiple of the past pace gets there
        b = assess_target(target(None, 1.0, start=2025, end=2030, base=2025), LOWER, best({2020: 2.0, 2025: 3.0}))
        assert b.achieved_rate_5y == pytest.approx(0.2) and b.stretch is None

    def test_average_growth_uses_the_cumulative_index(self):
        g = {2021: 6.0, 2022: 7.0, 2023: 5.0, 2024: 8.0, 2025: 6.0}
        a = assess_target(target(10, 10.5, kind="average_growth", start=2025, end=2030, base=2025), GROWTH, best(g))
        mean5 = (math.prod(1 + v / 100 for v in g.values()) ** 0.2 - 1) * 100
        assert a.what_it_takes == pytest.approx(10.0) and a.achieved_rate_5y == pytest.approx(mean5)
        assert a.stretch == pytest.approx(10.0 / mean5) and (a.achieved_from, a.achieved_to) == (2021, 2025)

    def test_published_average_fills_missing_years(self):
        a = assess_target(target(10, None, kind="average_growth", start=2025, end=2030, base=2025), GROWTH,
                          best({2024: 7.0, 2025: 8.0, (2021, 2025): 6.5}))
        assert a.achieved_rate_5y == pytest.approx(6.5) and (a.achieved_from, a.achieved_to) == (2021, 2025)

    @pytest.mark.parametrize("req,ach,better,expected", [
        (10, 5, "higher", 2.0), (-0.4, -0.2, "lower", 2.0), (-1, 3, "higher", 0.0), (2, -1, "higher", None),
        (2, 0, "higher", None), (2, None, "higher", None), (0.5, 0.1, "lower", 0.0)])
    def test_stretch_ratio(self, req, ach, better, expected):
        from cantho_analysis.progress import stretch_ratio
        got = stretch_ratio(req, ach, better)
        assert got == (pytest.approx(expected) if expected is not None else None)

    def test_ranking_hardest_first(self):
        from cantho_analysis.progress import stretch_ranking
        card = pd.DataFrame({"target_id": list("abcdef"), "plan": ["p"] * 5 + ["q"], "period_state": ["open"] * 6,
                             "what_it_takes": [1.0, 2.0, 3.0, 4.0, -1.0, 1.0],
                             "achieved_rate_5y": [1.0, 1.0, -1.0, None, 1.0, 2.0],
                             "stretch": [1.0, 2.0, None, None, 0.0, 0.5]})
        r = stretch_ranking(card)
        # c: trend the other way; b, a by stretch; d: no past pace; e: nothing more needed
        assert r["target_id"].tolist() == ["c", "b", "a", "d", "e", "f"] and r["rank"].tolist() == [1, 2, 3, 4, 5, 1]


def test_bundled_statuses_after_issue_10(catalog, bundled_card):
    card = bundled_card.set_index("target_id")
    # the issue's example: the NQ13 agriculture share has a 2025 figure but no baseline, and the unit is gone
    agri = card.loc["nq13_2030.3.share_agriculture"]
    assert agri["status"] == "superseded" and agri["last_open_status"] == "no_baseline"
    assert agri["successor"] == "dh_i_2025_2030.03.share_agriculture"
    assert card.loc["nq13_2030.3.grdp_growth", "successor"] == "dh_i_2025_2030.01.grdp_growth"
    assert pd.isna(card.loc["nq13_2030.3.grdp_growth", "required_remaining"])
    # every 2023 and 2024 target is either judged or has passed its deadline without an outturn
    past = card[card["period_end"] <= 2025]
    assert set(past["status"]) <= {"exceeded", "achieved", "not_achieved", "undetermined", "closed_no_outturn",
                                    "copied_text"}
    ex = card.loc["dh_i_2025_2030.01.exports_fx"]
    assert ex["required_rate"] == pytest.approx(((8200 / 5508) ** 0.2 - 1) * 100, abs=1e-3)
    # the open-period progress ratio is unchanged by the calendar: the superseded row keeps it
    old = scorecard(catalog.targets, catalog.indicators, catalog.best(), as_of=None).set_index("target_id")
    both = card["progress_ratio"].notna()
    pd.testing.assert_series_equal(card.loc[both, "progress_ratio"], old.loc[both, "progress_ratio"])


class TestAchievedRateNeedsEnoughYears:
    """A past pace from one or two years is left out (no stretch), not presented as five years'."""

    def test_levels_need_three_years_of_change(self):
        import pandas as pd

        from cantho_analysis.progress import MIN_ACHIEVED_YEARS, achieved_rate

        short = pd.DataFrame({"year": [2024, 2025], "value": [100.0, 110.0]})
        assert achieved_rate(short, None, "level", True) == (None, None, None)
        long = pd.DataFrame({"year": [2021, 2025], "value": [100.0, 146.41]})
        rate, y0, y1 = achieved_rate(long, None, "level", True)
        assert (y0, y1) == (2021, 2025) and abs(rate - 10.0) < 1e-6 and MIN_ACHIEVED_YEARS == 3

    def test_growth_rates_need_three_annual_figures(self):
        import pandas as pd

        from cantho_analysis.progress import achieved_rate

        one = pd.DataFrame({"year": [2025], "value": [10.8]})
        assert achieved_rate(one, None, "growth_rate", True) == (None, None, None)
        three = pd.DataFrame({"year": [2023, 2024, 2025], "value": [5.0, 5.0, 5.0]})
        rate, y0, y1 = achieved_rate(three, None, "growth_rate", True)
        assert (y0, y1) == (2023, 2025) and abs(rate - 5.0) < 1e-9


# --------------------------------------------------------------------------- review of issue 10: honest figures
def rows(specs, ind="x", loc="l"):
    """A best-available frame from (start, end, value, value_kind, value_low, value_high, subperiod)."""
    out = []
    for a, b, v, kind, lo, hi, sub in specs:
        out.append(dict(indicator_id=ind, locality=loc, period_start=a, period_end=b, value=v, status="plan_estimate",
                        published="2025-09", value_kind=kind, value_low=lo, value_high=hi, subperiod=sub,
                        n_versions=1, n_values=1, actual_id=f"{a}-{b}-{v}", source_file="004.txt", source_line=1))
    return pd.DataFrame(out)


class TestRangeAndBoundOutturns:
    def test_a_range_that_restates_the_target_is_achieved_on_target(self):
        # 004:660: target 35-40, outturn printed "35 - 40": every value of it lies in the target range
        # (the document says "Đạt"), so it is achieved, with no distance to the target
        b = rows([(2025, 2025, 37.5, "range_midpoint", 35, 40, "year")])
        a = assess_target(target(35, 40), HIGHER, b)
        assert a.period_state == "closed" and a.status == "achieved" == a.verdict
        assert a.gap == 0 and (a.outturn_low, a.outturn_high) == (35, 40)
        assert "35–40" in " ".join(a.notes)

    def test_a_range_across_the_target_gets_no_verdict(self):
        b = rows([(2025, 2025, 37.5, "range_midpoint", 34, 41, "year")])
        a = assess_target(target(35, 40), HIGHER, b)
        assert a.status == "undetermined" and a.verdict is None and a.gap is None

    def test_exceeding_a_range_is_measured_from_its_top(self):
        # 44,000-45,000 with an outturn of 74,180: 29,180 above it; 85 against 80-85: on target
        a = assess_target(target(44000, 45000), HIGHER, rows([(2025, 2025, 74180, "exact", None, None, "year")]))
        assert a.status == "exceeded" and a.gap == pytest.approx(29180)
        a = assess_target(target(80, 85), HIGHER, rows([(2025, 2025, 85, "exact", None, None, "year")]))
        assert a.status == "achieved" and a.gap == 0

    def test_a_range_wholly_on_one_side_is_judged(self):
        b = rows([(2025, 2025, 9.315, "range_midpoint", 9.31, 9.32, "year")])
        a = assess_target(target(5.6, 5.9), LOWER, b)
        assert a.status == "not_achieved" and a.gap == pytest.approx(9.315 - 5.9)
        b = rows([(2025, 2025, 41, "range_midpoint", 40.5, 41.5, "year")])
        assert assess_target(target(35, 40), HIGHER, b).status == "exceeded"

    def test_a_bound_outturn_restating_a_strict_bound_is_met_with_no_gap(self):
        # 004:771: target "Dưới 1,5", outturn "Dưới 1,5"
        b = rows([(2025, 2025, 1.5, "upper_bound", None, None, "year")])
        a = assess_target(target(None, 1.5, bound="at_most", strict="yes"), LOWER, b)
        assert a.status == "achieved" and a.gap is None and a.outturn_high == 1.5

    def test_a_bound_across_the_target_gets_no_verdict(self):
        b = rows([(2025, 2025, 100, "lower_bound", None, None, "year")])  # "above 100" against 120
        a = assess_target(target(120, None, bound="at_least"), LEVEL, b)
        assert a.status == "undetermined" and a.verdict is None


class TestStrictBoundsAndDirection:
    def test_strict_below_is_not_met_at_the_bound(self):
        assert verdict(1.5, "lower", None, 1.5, strict=True) == "not_achieved"
        assert verdict(1.5, "lower", None, 1.5) == "achieved"  # "không quá 1,5": at most
        assert verdict(1.49, "lower", None, 1.5, strict=True) == "exceeded"
        assert verdict(90, "higher", 90, None, strict=True) == "not_achieved"  # "trên 90"
        a = assess_target(target(None, 1.5, bound="at_most", strict="yes"), LOWER, best({2020: 2, 2025: 1.5}))
        assert a.status == "not_achieved"

    def test_a_structure_share_is_judged_in_the_indicators_direction(self):
        # services share 37 targeted, 40 reached: above a "higher is better" share is exceeded, not a miss
        a = assess_target(target(37, 37, bound="point"), HIGHER, best({2020: 35, 2025: 40}))
        assert a.status == "exceeded"
        # agriculture share "about 33", 31 reached, lower is better
        assert assess_target(target(33, 33, bound="about"), LOWER, best({2020: 35, 2025: 31})).status == "exceeded"

    def test_one_sided_bound_on_a_band_indicator_says_its_direction(self):
        # "khu vực I còn dưới 22%" on a band indicator: the same verdict as on a lower-is-better one
        band = assess_target(target(None, 22, bound="at_most", strict="yes"), BAND, best({2020: 25, 2025: 20.84}))
        lower = assess_target(target(None, 22, bound="at_most", strict="yes"), LOWER, best({2020: 25, 2025: 20.84}))
        assert band.status == lower.status == "exceeded"


class TestItemVerdictScope:
    def test_an_item_verdict_is_never_the_rows_own(self):
        t = target(37, 37, doc_verdict="Không đạt", doc_verdict_scope="item", item="3")
        a = assess_target(t, HIGHER, best({2020: 35, 2025: 40}))
        assert a.doc_verdict is None and a.doc_agrees is None and a.item_doc_verdict == "Không đạt"
        r = assess_target(target(37, 37, doc_verdict="Vượt", doc_verdict_scope="row"), HIGHER, best({2025: 40}))
        assert r.doc_verdict == "Vượt" and r.doc_agrees is True


class TestPeriodFigures:
    def test_a_total_closes_only_a_cumulative_target_and_keeps_its_years(self):
        b = rows([(2021, 2025, 6093, "exact", None, None, "total")])
        a = assess_target(target(4330, 4330, kind="cumulative"), LEVEL, b)
        assert a.status == "exceeded" and a.outturn_source == "period_total" and a.outturn_from == 2021
        # the same total never closes a value to hold each year (nor is it an annual 2025 value)
        h = assess_target(target(1000, None, kind="annual_value"), LEVEL, b)
        assert h.period_state != "closed" and h.latest_year is None

    def test_an_average_closes_an_average_growth_target_not_a_total(self):
        avg = rows([(2021, 2025, 6.92, "exact", None, None, "average")])
        a = assess_target(target(7.5, 8, kind="average_growth"), GROWTH, avg)
        assert a.status == "not_achieved" and a.outturn_from == 2021
        from cantho_analysis.progress import figure_years
        assert figure_years({"latest_year": a.latest_year, "outturn_from": a.outturn_from}) == "2021–2025"
        tot = rows([(2021, 2025, 6.92, "exact", None, None, "total")])
        assert assess_target(target(7.5, 8, kind="average_growth"), GROWTH, tot).period_state == "open"

    def test_annual_figures_win_over_a_published_average_and_the_choice_is_noted(self):
        yearly = {2021: 2.41, 2022: 9.0, 2023: 6.0, 2024: 5.6, 2025: 7.5}
        b = pd.concat([best(yearly), rows([(2021, 2025, 6.20, "exact", None, None, "average")])], ignore_index=True)
        a = assess_target(target(8, 8, kind="average_growth"), GROWTH, b)
        expect = ((1.0241 * 1.09 * 1.06 * 1.056 * 1.075) ** 0.2 - 1) * 100
        assert a.outturn_source == "growth_index" and a.outturn == pytest.approx(expect)
        assert "6.2%/yr" in " ".join(a.notes)


class TestWhatItTakesAndCalendar:
    def test_a_rate_to_hold_each_year_gets_no_trend(self):
        # public investment disbursement: 100 % of plan each year 2025-2030, 75 % in 2025
        share = {"measure": "share", "better": "higher"}
        a = assess_target(target(100, 100, kind="annual_value", start=2025, end=2030, base=2025), share,
                          best({2025: 75}))
        assert a.what_it_takes is None and a.required_rate is None and a.stretch is None
        # a level to reach in a year still gets one
        v = assess_target(target(100, 100, start=2026, end=2030, base=2025), share, best({2025: 75}))
        assert v.what_it_takes == pytest.approx(5.0)

    def test_default_assessment_year_comes_from_the_data(self):
        from cantho_analysis.progress import default_as_of
        b = best({2020: 50, 2023: 56})
        assert default_as_of(b) == 2024
        parts = b.assign(subperiod="year")
        parts.loc[len(parts)] = dict(parts.iloc[0], period_start=2026, period_end=2026, subperiod="Jan")
        assert default_as_of(parts) == 2024  # part of a year does not count
        inds = pd.DataFrame([{"indicator_id": "x", **HIGHER}])
        later = scorecard(pd.DataFrame([target(60, None, end=2022)]), inds, b)
        assert later.iloc[0]["status"] == "closed_no_outturn"  # 2022 < 2024, derived from the data
        assert scorecard(pd.DataFrame([target(60, None, end=2022)]), inds, b, as_of=2022).iloc[0]["status"] != \
            "closed_no_outturn"

    def test_no_baseline_says_why(self):
        t = target(2.42, 2.42, start=2025, end=2030, base=2025, note="new poverty standard, no 2025 figure on it")
        a = assess_target(t, LOWER, best({}, ind="other"))
        assert a.status == "no_baseline" and "new poverty standard" in " ".join(a.notes)


def test_bundled_honest_figures(catalog, bundled_card):
    card = bundled_card.set_index("target_id")
    assert card.loc["dh_xiv_ct_2020_2025.7.high_tech_product_share", "status"] == "achieved"
    st = card.loc["dh_xiv_st_2020_2025.2.grdp_per_capita"]
    assert st["latest_value"] == 75.5 and st["verdict"] == "exceeded" and st["doc_agrees"]
    assert card.loc["dh_xiv_st_2020_2025.3.share_services", "doc_verdict"] == ""
    assert card.loc["dh_xiv_st_2020_2025.3.share_services", "item_doc_verdict"] == "Không đạt"
    assert card.loc["dh_xiv_st_2020_2025.21.party_orgs_failing", "status"] == "achieved"
    ct = card.loc["dh_xiv_ct_2020_2025.1.grdp_growth"]
    assert ct["outturn_source"] == "period_average" and ct["outturn_from"] == 2021 and ct["latest_value"] == 6.92
    hg = card.loc["dh_xiv_hg_2020_2025.9.budget_revenue_total"]
    assert hg["outturn_source"] == "period_total" and hg["outturn_from"] == 2021
    pov = card.loc["dh_i_2025_2030.15.poverty_rate_2026"]
    assert pov["status"] == "no_baseline" and "standard" in pov["notes"]
    assert card.loc["dh_i_2025_2030.01.grdp_current", "baseline_value"] != 306000
    assert pd.isna(card.loc["dh_i_2025_2030.08.public_investment_disbursement", "what_it_takes"])
    assert "population_growth" not in set(catalog.actuals["indicator_id"])


def test_planning_realism_leaves_out_outturns_without_a_verdict(catalog, bundled_card):
    """A range across the target (undetermined) is neither met nor missed: not in the share met."""
    realism = planning_realism(bundled_card, catalog.indicators)
    assert realism["verdict"].notna().all()
    closed = bundled_card[bundled_card["plan"].isin(realism["plan"].unique()) & (bundled_card["period_state"] == "closed")]
    assert len(realism) == closed["verdict"].notna().sum() < len(closed)


class TestCopiedText:
    """A target printed with another unit's words (``copy_of`` in targets.csv) is copied text:
    status ``copied_text``, no verdict or gap, left out of planning realism (review of issues 9/10)."""

    def test_copy_gets_no_verdict_but_keeps_its_would_be_verdict(self):
        t = target(9.5, None, kind="annual_value", start=2025, end=2025, base=2024, bound="at_least",
                   copy_of="orig")
        a = assess_target(t, GROWTH, best({2024: 7.0, 2025: 7.5}), as_of=2026)
        assert a.status == "copied_text" and a.period_state == "copied_text" and a.copy_of == "orig"
        assert a.verdict is None and a.gap is None and a.gap_pct is None and a.doc_agrees is None
        assert a.last_open_status == "not_achieved" and a.latest_value == 7.5
        assert "copied text" in " ".join(a.notes)

    def test_without_copy_of_the_same_target_is_judged(self):
        for copy_of in (None, "", float("nan")):
            t = target(9.5, None, kind="annual_value", start=2025, end=2025, base=2024, bound="at_least",
                       copy_of=copy_of)
            a = assess_target(t, GROWTH, best({2024: 7.0, 2025: 7.5}), as_of=2026)
            assert a.status == "not_achieved" and a.verdict == "not_achieved"

    def test_open_copy_is_copied_too(self):
        t = target(60, None, copy_of="orig")
        a = assess_target(t, HIGHER, best({2020: 50, 2023: 56}))
        assert a.status == "copied_text" and a.last_open_status == "on_track" and a.what_it_takes is None


def test_bundled_copied_text_soc_trang_2025(catalog, bundled_card):
    """Sóc Trăng's 2025 '≥ 9,5' (004:793) repeats old Cần Thơ's 004:709 word for word: the data say
    so (copy_of), the scorecard does not judge it and planning realism leaves it out; nothing else
    is copied text and old Cần Thơ's original is still judged."""
    tg = catalog.targets.set_index("target_id")
    copies = tg[tg["copy_of"].fillna("").astype(str) != ""]
    assert list(copies.index) == ["st_2025_update.-.grdp_growth"]
    for tid, r in copies.iterrows():
        orig = tg.loc[r["copy_of"]]
        assert orig["quote"].strip() == r["quote"].strip() and orig["locality"] != r["locality"]
        assert int(orig["source_line"]) < int(r["source_line"])
    card = bundled_card.set_index("target_id")
    st = card.loc["st_2025_update.-.grdp_growth"]
    assert st["status"] == "copied_text" and pd.isna(st["verdict"]) and st["last_open_status"] == "not_achieved"
    assert st["copy_of"] == "ct_2025_update.-.grdp_growth" and st["copy_of_locality"] == "can_tho_old"
    assert card.loc["ct_2025_update.-.grdp_growth", "status"] == "closed_no_outturn"  # the original: no 2025 figure
    assert set(card.index[card["status"] == "copied_text"]) == set(copies.index)
    realism = planning_realism(bundled_card, catalog.indicators)
    assert "st_2025_update.-.grdp_growth" not in set(realism["target_id"])
    assert len(realism) == len(planning_realism(bundled_card[bundled_card["status"] != "copied_text"],
                                                catalog.indicators))
    summ = realism_summary(realism).set_index("plan")
    assert "st_2025_update" not in summ.index


def test_document_verdicts_without_outturn_are_kept(bundled_card):
    """Review 9/10, item 2: the document's verdicts of targets the engine cannot judge are in the
    scorecard (old Cần Thơ's labour productivity 'Không đạt', 004:655; Hậu Giang's PAR rank 'Vượt',
    004:814, and defence education 'Đạt', 004:848). The PAR rank gets no engine verdict because the
    target covers 2025 too and the 2025 rank is not published; its last open status (2024) is achieved."""
    card = bundled_card.set_index("target_id")
    for tid, doc in (("dh_xiv_ct_2020_2025.6.labour_productivity", "Không đạt"),
                     ("dh_xiv_hg_2020_2025.3.par_index_rank", "Vượt"),
                     ("dh_xiv_hg_2020_2025.18.defence_education_coverage", "Đạt")):
        assert card.loc[tid, "doc_verdict"] == doc and card.loc[tid, "status"] == "closed_no_outturn"
    par = card.loc["dh_xiv_hg_2020_2025.3.par_index_rank"]
    assert par["latest_year"] == 2024 and par["latest_value"] == 18 and par["last_open_status"] == "achieved"


def test_hau_giang_rural_clean_water_pairing(catalog):
    """Review 9/10, item 1: the 85 -> 93 of 004:846 is rural clean water (the figure sets of items
    16-18 follow their labels one line lower); the quote holds the figures, not the defence label."""
    tg = catalog.targets.set_index("target_id")
    r = tg.loc["dh_xiv_hg_2020_2025.17.clean_water_rural"]
    assert r["quote"] == "% 85 93 Vượt 109,41%" and "QPAN" not in r["quote"]
    assert "109.41" in r["note"] and "one line lower" in r["note"]
    assert r["doc_ratio_pct"] == pytest.approx(93 / 85 * 100, abs=0.01)
    a = catalog.actuals.set_index("actual_id").loc["clean_water_rural.hau_giang.2025.d004_l846"]
    assert a["value"] == 93 and "QPAN" not in a["quote"]


def test_published_average_with_a_missing_year_says_what_it_assumes():
    """A published average closes an average-growth period when a year is missing; the scorecard
    says what the known years average and what the average implies for the missing year."""
    t = target(7.5, 8, kind="average_growth", start=2021, end=2025, base=2020)
    a = assess_target(t, GROWTH, best({2021: 0.11, 2022: 13.32, 2023: 5.01, 2024: 7.12, (2021, 2025): 6.92}))
    assert a.outturn_source == "period_average" and a.latest_value == 6.92 and a.status == "not_achieved"
    prod = 1.0011 * 1.1332 * 1.0501 * 1.0712
    assert a.known_years == 4 and a.known_years_average == pytest.approx((prod ** 0.25 - 1) * 100, abs=1e-3)
    assert a.implied_missing_growth == pytest.approx((1.0692 ** 5 / prod - 1) * 100, abs=1e-3)  # 9.50
    full = assess_target(t, GROWTH, best({2021: 1, 2022: 2, 2023: 3, 2024: 4, 2025: 5, (2021, 2025): 6.92}))
    assert full.implied_missing_growth is None and full.known_years is None


def test_old_can_tho_term_growth_shows_both_versions(catalog, bundled_card):
    """Review 9/10, item 4: the term target (7,5-8 %/yr) is judged on 6,92 (004:624), which with the
    yearly figures of 2021-2024 assumes about 9,5 % in 2025; the term table's own 5,80-5,87 'Không
    đạt' (004:639) is in the target's quote and kept as another version. Both give 'not achieved'."""
    from cantho_analysis import narrative

    r = bundled_card.set_index("target_id").loc["dh_xiv_ct_2020_2025.1.grdp_growth"]
    assert r["latest_value"] == 6.92 and r["status"] == "not_achieved" and r["doc_verdict"] == "Không đạt"
    assert r["implied_missing_growth"] == pytest.approx(9.5, abs=0.01) and r["known_years"] == 4  # the 2025 floor
    tg = catalog.targets.set_index("target_id").loc["dh_xiv_ct_2020_2025.1.grdp_growth"]
    assert "5,80-5,87 Không đạt" in tg["quote"]
    v = catalog.actuals.set_index("actual_id").loc["grdp_growth.can_tho_old.2021-2025.d004_l639"]
    assert (v["value_low"], v["value_high"]) == (5.8, 5.87)
    ind = catalog.indicators.set_index("indicator_id").loc["grdp_growth"].to_dict()
    en = narrative.status_paragraph(r.to_dict(), ind, "en")
    assert "2021–2024" in en and "9.5 %/yr in 2025" in en and "6.28" in en
    vi = narrative.status_paragraph(r.to_dict(), ind, "vi")
    assert "9,5 %/năm trong năm 2025" in vi and "6,28" in vi
