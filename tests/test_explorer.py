"""The scenario calculator (hand-checkable compounding, per-capita, met/missed) and the
explorer's selection logic, without a browser."""

import numpy as np
import pytest

from cantho_analysis.explorer import (ALL, IndicatorExplorer, ScenarioCalculator, ScenarioInputs, explorer_options,
                                      scenario, scenario_defaults)


class TestScenario:
    def test_compounding_by_hand(self):
        inp = ScenarioInputs(growth=(10, 10, 10, 10, 10), deflator=5, population_growth=1, base_grdp=100000,
                             base_population=1_000_000)
        r = scenario(inp)
        assert r.years == [2025, 2026, 2027, 2028, 2029, 2030]
        assert r.average_growth == pytest.approx(10.0)
        assert r.grdp_2030 == pytest.approx(100000 * 1.1 ** 5 * 1.05 ** 5)
        pop_2030 = 1_000_000 * 1.01 ** 5
        assert r.per_capita_2030 == pytest.approx(r.grdp_2030 / pop_2030 * 1000)
        assert r.met["avg_growth_low"] and not r.met["avg_growth_high"]

    def test_uneven_path_average_is_geometric(self):
        r = scenario(ScenarioInputs(growth=(8, 11, 11, 11, 11), deflator=0, population_growth=0))
        assert r.average_growth == pytest.approx(((1.08 * 1.11 ** 4) ** 0.2 - 1) * 100)

    def test_met_and_missed_flags_against_targets(self):
        # 717,000 from 316,932 needs a nominal factor of 2.2623: 10 % real and 7.05 % deflator just reach it
        r = scenario(ScenarioInputs(growth=(10,) * 5, deflator=7.05, population_growth=0.0, base_grdp=316932,
                                    base_population=3_335_000))
        assert r.met["grdp_2030"] and r.grdp_2030 >= 717000
        assert r.met["per_capita_2030"] == (r.per_capita_2030 >= 215)
        r2 = scenario(ScenarioInputs(growth=(10,) * 5, deflator=4.0, population_growth=0.0, base_grdp=316932,
                                     base_population=3_335_000))
        assert not r2.met["grdp_2030"] and r2.grdp_2030 == pytest.approx(316932 * 1.1 ** 5 * 1.04 ** 5)

    def test_defaults_come_from_the_data(self, catalog):
        d = scenario_defaults()
        assert d["latest_year"] == 2025 and d["latest_growth"] == pytest.approx(7.23)
        assert d["population_growth"] == pytest.approx(0.93) and d["base_population"] == 3222000
        assert 316932.0 in d["base_grdp_options"].values() and 3 < d["deflator"] < 8

    def test_calculator_updates_figure_in_place(self):
        calc = ScenarioCalculator("vi", defaults={"latest_growth": 7.0, "deflator": 4.5, "population_growth": 0.9,
                                                  "base_grdp": 316932.0, "base_population": 3222000.0})
        r1, html1 = calc.update()
        fig = calc.figure
        r2, html2 = calc.update(growth=[12] * 5)
        assert calc.figure is fig  # same figure, updated artists
        assert np.allclose(calc._l_path.get_ydata(), r2.real_index * 100)
        assert "không đạt" in html1 and "đạt" in html2
        assert calc.png()[:4] == b"\x89PNG"
        with pytest.raises(ValueError):
            calc.update(growth=[1, 2])


class TestExplorerOptions:
    def test_options_follow_the_selection(self, catalog):
        from cantho_analysis.progress import scorecard

        card = scorecard(catalog.targets, catalog.indicators, catalog.best())
        o = explorer_options(card, catalog.indicators)
        assert o["localities"][0] == "can_tho_old" and o["locality"] == "can_tho_old"
        assert o["plans"][0] == ALL and "kl42_2023" in o["plans"]
        all_ids = {i for _, i in o["indicators"]}
        o2 = explorer_options(card, catalog.indicators, "can_tho_old", "kl42_2023")
        ids = {i for _, i in o2["indicators"]}
        assert ids < all_ids and ids == set(card.loc[(card["plan"] == "kl42_2023"), "indicator_id"])
        # a plan that does not belong to the new locality falls back to "(all)"
        o3 = explorer_options(card, catalog.indicators, "hau_giang", "kl42_2023")
        assert o3["plan"] == ALL and "kl42_2023" not in o3["plans"]
        # an unknown locality falls back to the first
        assert explorer_options(card, catalog.indicators, "nowhere")["locality"] == "can_tho_old"
        labels = [l for l, _ in o["indicators"]]
        assert labels == sorted(labels, key=str.lower)

    def test_render_reuses_report_and_caches_the_chart(self):
        ex = IndicatorExplorer("en")
        html, png = ex.render("grdp_growth", "can_tho_old")
        assert "Real GRDP growth" in html and png[:4] == b"\x89PNG"
        html2, png2 = ex.render("grdp_growth", "can_tho_old", "kl42_2023")
        assert png2 is png  # cached
        assert "Conclusion 42" in html2 and "Conclusion 64" not in html2
        # the quote from the source is escaped text, not markup
        assert "“Tăng trưởng kinh tế (GRDP) đạt 9,5 - 10%/năm”" in html2
