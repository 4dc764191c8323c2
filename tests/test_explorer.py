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
        # issue 10: the merged city and real GRDP growth are the defaults
        d = explorer_options(card, catalog.indicators)
        assert d["locality"] == "can_tho_merged" and d["indicator"] == "grdp_growth"
        o = explorer_options(card, catalog.indicators, "can_tho_old")
        assert o["localities"][0] == "can_tho_old" and o["locality"] == "can_tho_old"
        assert o["plans"][0] == ALL and "kl42_2023" in o["plans"] and o["indicator"] == "grdp_growth"
        all_ids = {i for _, i in o["indicators"]}
        o2 = explorer_options(card, catalog.indicators, "can_tho_old", "kl42_2023")
        ids = {i for _, i in o2["indicators"]}
        assert ids < all_ids and ids == set(card.loc[(card["plan"] == "kl42_2023"), "indicator_id"])
        # a plan that does not belong to the new locality falls back to "(all)"
        o3 = explorer_options(card, catalog.indicators, "hau_giang", "kl42_2023")
        assert o3["plan"] == ALL and "kl42_2023" not in o3["plans"]
        # an unknown locality falls back to the default; a kept indicator stays chosen
        assert explorer_options(card, catalog.indicators, "nowhere")["locality"] == "can_tho_merged"
        assert explorer_options(card, catalog.indicators, "hau_giang", indicator="gone")["indicator"] == "grdp_growth"
        kept = explorer_options(card, catalog.indicators, "hau_giang", indicator="jobs_created")
        assert kept["indicator"] == "jobs_created"
        labels = [l for l, _ in o["indicators"]]
        assert labels == sorted(labels, key=str.lower)

    def test_render_reuses_report_and_caches_the_chart(self):
        ex = IndicatorExplorer("en")
        html, png = ex.render("grdp_growth", "can_tho_old")
        assert "Real GRDP growth" in html and png[:4] == b"\x89PNG"
        html2, png2 = ex.render("grdp_growth", "can_tho_old", "kl42_2023")
        assert png2 is png  # cached
        # the chart's legend (plan titles) names every plan drawn; the table and narrative keep the chosen one
        body2 = html2.split("</small></p>", 1)[1]
        assert "Conclusion 42" in body2 and "Conclusion 64" not in body2
        # the quote from the source is escaped text, not markup
        assert "“Tăng trưởng kinh tế (GRDP) đạt 9,5 - 10%/năm”" in html2


class TestExplorerPolish:
    """Issue 10, section 6: labels, choices and the scenario export, without a browser."""

    def test_labels_in_both_languages(self):
        from cantho_analysis.explorer import slider_labels, ui_text

        assert set(ui_text("en")) == set(ui_text("vi")) and len(ui_text("en")) > 10
        assert slider_labels(2025, 2030, "en") == [f"{y}, %/yr" for y in range(2026, 2031)]
        assert slider_labels(2025, 2027, "vi") == ["2026, %/năm", "2027, %/năm"]
        assert ui_text("en")["growth_header"] == "Real GRDP growth, %/yr"
        assert "GRDP" in ui_text("vi")["growth_header"] and "%/năm" in ui_text("vi")["growth_header"]
        with pytest.raises(ValueError):
            ui_text("fr")

    def test_plan_and_base_choices_are_readable(self, catalog):
        from cantho_analysis.explorer import base_grdp_choices, plan_choices

        names = dict(zip(catalog.plans["plan"], catalog.plans["name_en"]))
        ch = plan_choices([ALL, "kl42_2023"], names, "en")
        assert ch[0] == ("(all plans)", ALL) and ch[1][1] == "kl42_2023" and "Conclusion 42" in ch[1][0]
        vi = base_grdp_choices(catalog.actuals, "vi")
        en = base_grdp_choices(catalog.actuals, "en")
        assert sorted(vi.values()) == sorted(en.values()) and 316932.0 in en.values()
        label = [k for k, v in en.items() if v == 316932.0][0]
        assert label.startswith("316,932 billion VND (") and "line 893" in label and "actual_id" not in label
        assert "004" not in label and ".txt" not in label  # the document by its title, not its file
        assert any(k.startswith("316.932 tỷ đồng (") for k in vi)

    def test_scenario_export_csv_and_xlsx(self, tmp_path):
        import io

        import pandas as pd

        from cantho_analysis.explorer import save_scenario, scenario_csv, scenario_frames

        r = scenario(ScenarioInputs(growth=(10,) * 5, deflator=5, population_growth=1, base_grdp=100000,
                                    base_population=1_000_000))
        fr = scenario_frames(r, "en")
        assert list(fr["path"]["year"]) == [2025, 2026, 2027, 2028, 2029, 2030]
        out = fr["outcomes"].set_index("outcome")
        assert out.loc["average real growth 2026–2030, %/yr", "value"] == pytest.approx(10.0)
        assert out.loc["average real growth 2026–2030, %/yr", "result"] == "met"
        assert out.loc["GRDP 2030, current prices, billion VND", "value"] == pytest.approx(r.grdp_2030)
        raw = scenario_csv(r, "vi")
        assert raw.startswith("\ufeff".encode()) and "tăng trưởng GRDP thực, %".encode() in raw
        csv_path, xlsx_path = save_scenario(r, tmp_path, "en", "s1")
        back = pd.read_excel(xlsx_path, sheet_name=None)
        assert list(back) == ["path", "outcomes"]
        assert back["path"]["GRDP, current prices, billion VND"].iloc[-1] == pytest.approx(r.grdp_2030)
        first = pd.read_csv(io.StringIO(csv_path.read_text(encoding="utf-8-sig").split("\n\n")[0]))
        assert first["real GRDP growth, %"].iloc[1] == pytest.approx(10.0)

    def test_widgets_build_and_export_without_a_browser(self, tmp_path, monkeypatch):
        from cantho_analysis import explorer

        monkeypatch.setattr(explorer, "feasibility_fan", lambda *a, **k: None)  # the fan is slow and tested elsewhere
        box, ex = explorer.explorer_widget("vi")
        loc_w, plan_w = box.children[0].children
        ind_w = box.children[1]
        assert loc_w.value == "can_tho_merged" and ind_w.value == "grdp_growth" and loc_w.description == "Địa phương"
        assert plan_w.options[0][0] == "(tất cả văn bản)"
        sbox, calc = explorer.scenario_widget("en", folder=tmp_path)
        controls = sbox.children[0].children
        assert "Real GRDP growth, %/yr" in controls[0].value and controls[1].description == "2026, %/yr"
        button = [w for w in controls if getattr(w, "description", "") == "Export scenario"][0]
        button.click()
        files = sorted(p.suffix for p in tmp_path.iterdir())
        assert files == [".csv", ".xlsx"] and "download" in controls[-1].value
        assert "ms</small>" not in str([getattr(w, "value", "") for w in controls])


class TestTasksTab:
    """Issue 11: the explorer's tasks tab, filtered by plan, lead agency and year."""

    def test_options_and_filters(self):
        from datetime import date

        from cantho_analysis.explorer import TaskBrowser

        tb = TaskBrowser("vi", as_of=date(2026, 11, 25))
        o = tb.options()
        assert ("NQ Đại hội I TP Cần Thơ (2025–2030, dự thảo)", "dh_i_2025_2030") in o["plans"]
        assert 2026 in o["years"] and len(o["agencies"]) > 5
        assert len(tb.select()) == 296
        assert len(tb.select(plan="dh_i_2025_2030", year=2026)) == 8
        html = tb.render("dh_i_2025_2030", None, 2026)
        assert "8 nhiệm vụ được hiển thị" in html and "25/11/2026" in html and "dòng" in html
        lead = tb.select(plan="ctr17_2021_2025")["lead_agency"].iloc[0]
        assert set(tb.select(agency=lead)["lead_agency"]) == {lead}
        en = TaskBrowser("en", as_of=date(2026, 11, 25)).render(None, None, 2029)
        assert " shown, as of " in en and "overdue" in en
        old = tb.render("ctr17_2021_2025")  # names bodies abolished in 2025: marked and explained once
        assert "Sở Kế hoạch và Đầu tư†" in old and old.count("đã kết thúc hoạt động năm 2025") == 1
        assert "†" not in tb.render("dh_i_2025_2030")

    def test_english_task_titles_carry_their_vietnamese_original(self):
        import re
        from datetime import date

        from cantho_analysis.explorer import TaskBrowser
        from cantho_analysis.tasks import load_task_translations

        tr = load_task_translations().set_index("task_id")
        en = TaskBrowser("en", as_of=date(2026, 11, 25))
        html = en.render("dh_i_2025_2030", None, 2026)
        spans = re.findall(r'<span class="translated" title="([^"]*)">([^<]*)</span>', html)
        folds = re.findall(r'<details class="original">.*?<q lang="vi">([^<]*)</q>', html, flags=re.DOTALL)
        assert len(spans) == len(folds) == 8  # every English title: the original on hover and in a fold
        sel = en.select(plan="dh_i_2025_2030", year=2026)
        assert {t for _, t in spans} == {tr.loc[i, "title_en"].replace('"', "&quot;").replace("'", "&#x27;")
                                           for i in sel["task_id"]}
        assert all(o and not o.isascii() for o, _ in spans)  # the printed Vietnamese, not the English again
        vi = TaskBrowser("vi", as_of=date(2026, 11, 25)).render("dh_i_2025_2030", None, 2026)
        assert 'class="translated"' not in vi  # the Vietnamese tab shows the printed titles only

    def test_tasks_widget_builds_without_a_browser(self):
        from cantho_analysis import explorer

        box, tb = explorer.tasks_widget("en")
        plan_w, lead_w = box.children[0].children
        year_w, out = box.children[1], box.children[2]
        assert plan_w.description == "Plan" and lead_w.description == "Lead agency" and " shown, as of " in out.value
        year_w.value = 2029
        assert "1 task shown" in out.value

    def test_scenarios_are_never_saved_inside_the_report_set(self):
        from cantho_analysis import config, explorer

        assert config.reports_dir() not in explorer.SCENARIO_DIR.parents
