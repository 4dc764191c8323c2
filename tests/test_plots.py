"""Charts (plots.py) on tiny in-memory frames: one visual language, translated legends, targets in
their own channel, totals never drawn as annual points, labelled lines, nothing clipped."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cantho_analysis import config  # noqa: E402
from cantho_analysis.catalog import best_available  # noqa: E402
from cantho_analysis.i18n import t  # noqa: E402
from cantho_analysis.plots import (LOOKBACK_YEARS, axis_number, history_start, indicator_chart, status_heatmap,  # noqa: E402
                                   value_axis_range, value_formatter)

PLANS = pd.DataFrame({"plan": ["p_cum", "p_val"], "name_vi": ["Nghị quyết A dài", "Chương trình B dài"],
                      "name_en": ["Resolution A long", "Programme B long"], "short_vi": ["NQ A", "CTr B"],
                      "short_en": ["Res. A", "Prog. B"]})


def _ind(measure="level", unit="billion VND", unit_vi="tỷ đồng"):
    return pd.Series({"indicator_id": "inv", "name_en": "Total investment", "name_vi": "Tổng vốn đầu tư",
                      "unit": unit, "unit_vi": unit_vi, "measure": measure})


def _actual(year, value, status="official", end=None, published="2025-09", **kw):
    row = {"actual_id": f"a{year}-{end or year}-{status}-{value}", "indicator_id": "inv", "locality": "hau_giang",
           "period_start": year, "period_end": end or year, "subperiod": "year", "value": float(value),
           "value_kind": "exact", "value_low": float("nan"), "value_high": float("nan"), "status": status,
           "reliability": "normal", "published": published}
    row.update(kw)
    return row


def _target(tid, plan, kind, low, high, start, end, base):
    return {"target_id": tid, "indicator_id": "inv", "locality": "hau_giang", "plan": plan, "target_kind": kind,
            "low": low, "high": high, "period_start": start, "period_end": end, "base_year": base, "bound": "range"}


@pytest.fixture
def level_case():
    actuals = pd.DataFrame([_actual(2021, 18000, "official"), _actual(2022, 19000, "official"),
                            _actual(2023, 19500, "preliminary"), _actual(2024, 20500, "estimate"),
                            _actual(2024, 20100, "plan_estimate", published="2024-10"),
                            _actual(2021, 96000, "estimate", end=2025)])
    targets = pd.DataFrame([_target("cum", "p_cum", "cumulative", 99000.0, 100000.0, 2021, 2025, 2020),
                            _target("val", "p_val", "value_in_year", 23000.0, 23000.0, 2025, 2025, 2021)])
    card = pd.DataFrame({"target_id": ["cum", "val"], "baseline_year": [float("nan"), 2021.0],
                         "baseline_value": [float("nan"), 18000.0]})
    return _ind(), actuals, best_available(actuals), targets, card


def _texts(fig):
    return [" ".join(x.get_text().split()) for x in fig.findobj(matplotlib.text.Text) if x.get_text()]


def _legend(fig):
    leg = fig.axes[0].get_legend()
    return [" ".join(x.get_text().split()) for x in leg.get_texts()] if leg else []


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_legend_is_translated_with_plan_titles_and_no_codes(level_case, lang):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, lang, plans=PLANS)
    legend = _legend(fig)
    for st in config.FIGURE_STATUS_ORDER:
        assert t(f"status.figure.{st}", lang) in legend
    assert t("chart.target", lang, plan="Prog. B" if lang == "en" else "CTr B", end=2025,
             value="23,000" if lang == "en" else "23.000") in legend
    assert t("chart.path", lang) in legend
    joined = " ".join(_texts(fig))
    assert "p_val" not in joined and "p_cum" not in joined and "?" not in legend
    assert "official" not in legend or lang == "en"  # no English status word on a Vietnamese chart
    plt.close(fig)


def test_cumulative_target_and_period_total_are_not_points_among_annual_values(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "en", plans=PLANS)
    ax = fig.axes[0]
    ys = [y for c in ax.collections for _, y in c.get_offsets()] if ax.collections else []
    assert ys and max(ys) < 30000  # nothing near 99,000 (the total) or 96,000 (the period figure)
    assert ax.get_ylim()[1] < 40000
    box = " ".join(_texts(fig))
    assert "Res. A: 99,000–100,000 billion VND in total over 2021–2025" in box
    assert "annual figures for 4 of 5 years sum to" in box  # 18,000 + 19,000 + 19,500 + 20,500
    assert "77,000 billion VND" in box
    assert "published total 2021–2025: 96,000 billion VND (estimate)" in box
    plt.close(fig)


def test_targets_are_neutral_and_outcomes_one_hue(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "en", plans=PLANS)
    ax = fig.axes[0]
    figure_rgb = {matplotlib.colors.to_hex(c) for c in config.FIGURE_COLORS.values()}
    seen_targets = 0
    for coll in ax.collections:
        lab = coll.get_label()
        if lab.startswith("Prog. B"):
            seen_targets += 1
            assert matplotlib.colors.to_hex(coll.get_edgecolor()[0]) == config.TARGET_COLOR.lower()
            assert matplotlib.colors.to_hex(coll.get_facecolor()[0]) not in figure_rgb
        elif lab in {t(f"status.figure.{s}", "en") for s in config.FIGURE_STATUS_ORDER}:
            assert matplotlib.colors.to_hex(coll.get_facecolor()[0]) in figure_rgb
    assert seen_targets == 1
    path = [ln for ln in ax.get_lines() if ln.get_label() == t("chart.path", "en")]
    assert path and path[0].get_linestyle() != "-" and path[0].get_linewidth() < 1.2
    plt.close(fig)


def test_nothing_is_clipped_at_the_axes(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "en", plans=PLANS)
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for coll in ax.collections:
        for x, y in coll.get_offsets():
            assert x0 + 0.3 < x < x1 - 0.3 and y0 < y < y1
    plt.close(fig)


def test_vietnamese_number_format_on_the_value_axis(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "vi", plans=PLANS)
    fig.canvas.draw()
    ticks = [x.get_text() for x in fig.axes[0].get_yticklabels() if x.get_text()]
    assert any("." in x and len(x) >= 6 for x in ticks) and not any("," in x for x in ticks)
    years = [x.get_text() for x in fig.axes[0].get_xticklabels() if x.get_text()]
    assert "2022" in years  # years are not written 2.022
    plt.close(fig)


def test_growth_chart_labels_period_average_merger_line_and_average_target():
    ind = _ind("growth_rate", "%", "%")
    rows = [_actual(y, v, "official", locality="can_tho_merged") for y, v in ((2021, 1.5), (2022, 9.0), (2023, 6.0))]
    rows.append(_actual(2021, 5.8, "plan_estimate", end=2025, locality="can_tho_merged"))
    rows.append(_actual(2026, 8.1, "estimate", locality="can_tho_merged"))
    actuals = pd.DataFrame(rows)
    tg = _target("avg", "p_val", "average_growth", 10.0, 10.5, 2026, 2030, 2025)
    tg["locality"] = "can_tho_merged"
    targets = pd.DataFrame([tg])
    card = pd.DataFrame({"target_id": ["avg"], "baseline_year": [2025.0], "baseline_value": [float("nan")]})
    for lang, avg, merger in (("en", "avg 2021–2025: 5.8", "merger, 1 July 2025"),
                              ("vi", "bình quân 2021–2025: 5,8", "hợp nhất, 1/7/2025")):
        fig = indicator_chart(ind, "can_tho_merged", actuals, best_available(actuals), targets, card, lang, plans=PLANS)
        texts = " ".join(_texts(fig))
        assert avg in texts and merger in texts
        assert t("chart.period_avg", lang) in _legend(fig)
        assert t("chart.target_avg", lang, plan="Prog. B" if lang == "en" else "CTr B", start=2026, end=2030,
                 value="10–10.5" if lang == "en" else "10–10,5") in _legend(fig)
        plt.close(fig)


def test_fast_chart_gives_visible_legend_colours(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "en", fast=True, plans=PLANS)
    entries = dict(fig.legend_entries)
    assert entries["Prog. B: target 2025: 23,000"] == config.TARGET_COLOR.lower()
    assert entries["official"] == config.FIGURE_COLORS["official"]
    assert fig.chart_notes and "in total" in fig.chart_notes[0]
    plt.close(fig)


def test_heatmap_rows_are_plan_titles():
    card = pd.DataFrame({"plan": ["p_cum", "p_cum", "p_val"], "status": ["achieved", "no_data", "on_track"]})
    fig = status_heatmap(card, PLANS, "vi")
    labels = [x.get_text() for x in fig.axes[0].get_yticklabels()]
    assert labels == ["NQ A", "CTr B"] and fig.axes[0].get_title() == t("chart.heatmap_title", "vi")
    plt.close(fig)


def test_fast_chart_keeps_the_totals_inside(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "vi", fast=True, plans=PLANS)
    texts = " ".join(_texts(fig))
    assert "NQ A: tổng cộng 99.000–100.000 tỷ đồng giai đoạn 2021–2025" in texts
    plt.close(fig)


def test_only_totals_give_a_panel_of_totals_not_an_empty_time_axis():
    actuals = pd.DataFrame([_actual(2021, 6093, "plan_estimate", end=2025)])
    targets = pd.DataFrame([_target("cum", "p_cum", "cumulative", 4330.0, 4330.0, 2021, 2025, 2020)])
    card = pd.DataFrame({"target_id": ["cum"], "baseline_year": [float("nan")], "baseline_value": [float("nan")]})
    fig = indicator_chart(_ind(), "hau_giang", actuals, best_available(actuals), targets, card, "vi", plans=PLANS)
    ax = fig.axes[0]
    labels = [" ".join(x.get_text().split()) for x in ax.get_yticklabels()]
    assert labels[-1] == t("chart.panel_target", "vi", plan="NQ A", start=2021, end=2025)
    assert labels[0].startswith("tổng 2021–2025 được công bố")
    widths = sorted(round(p.get_width()) for p in ax.patches)
    assert widths == [4330, 6093]  # bars from zero to each total
    texts = " ".join(_texts(fig))
    assert "4.330" in texts and "6.093" in texts
    plt.close(fig)


# issue 9, the economist's review: window, bounds, gaps, value axis

def _history_case():
    rows = [_actual(y, 5.0 + (y % 3), "preliminary", locality="soc_trang") for y in range(1993, 2026)]
    rows.append(_actual(1993, 10.18, "preliminary", end=2021, subperiod="average", locality="soc_trang"))
    rows.append(_actual(2016, 6.15, "preliminary", end=2020, subperiod="average", locality="soc_trang"))
    actuals = pd.DataFrame(rows)
    tg = _target("avg", "p_val", "average_growth", 8.0, 8.0, 2021, 2025, 2020)
    tg["locality"] = "soc_trang"
    card = pd.DataFrame({"target_id": ["avg"], "baseline_year": [2020.0], "baseline_value": [float("nan")]})
    return _ind("growth_rate", "%", "%"), actuals, pd.DataFrame([tg]), card


def test_history_start_is_one_plan_term_before_the_earliest_baseline():
    targets = pd.DataFrame([_target("a", "p", "average_growth", 8.0, 8.0, 2021, 2025, 2020),
                            _target("b", "p", "value_in_year", 9.0, 9.0, 2030, 2030, 2025)])
    assert history_start(targets, [1993, 2025]) == 2020 - LOOKBACK_YEARS
    assert history_start(targets.iloc[0:0], [1993, 2024]) == 2024 - 2 * LOOKBACK_YEARS  # no target: the last years
    assert history_start(targets.iloc[0:0], []) is None


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_long_history_is_cut_to_the_plan_window_and_the_chart_says_where_the_rest_is(lang):
    ind, actuals, targets, card = _history_case()
    fig = indicator_chart(ind, "soc_trang", actuals, best_available(actuals), targets, card, lang, plans=PLANS)
    ax = fig.axes[0]
    start = 2020 - LOOKBACK_YEARS
    assert start - 1 < ax.get_xlim()[0] < start  # 2016-2025 fill the axis, not 1993-2025
    xs = [x for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection) for x, _ in c.get_offsets()]
    assert xs and min(xs) >= start
    for line in ax.get_lines():
        assert min(line.get_xdata()) >= start
    # the 1993-2021 average is left out (it starts before the window); the 2016-2020 one is drawn
    texts = " ".join(_texts(fig))
    assert ("10.18" if lang == "en" else "10,18") not in texts and ("6.15" if lang == "en" else "6,15") in texts
    early = int((actuals["period_start"] < start).sum())
    assert t("chart.earlier", lang, year=start, first=1993, n=early) in texts
    assert fig.chart_notes[-1] == t("chart.earlier", lang, year=start, first=1993, n=early)
    plt.close(fig)


def test_a_short_series_is_not_cut_and_gets_no_note(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "en", plans=PLANS)
    assert not any("are not drawn" in x for x in _texts(fig))
    plt.close(fig)


def _bound_case(point_in_bound_year: bool):
    rows = [_actual(2023, 251658, "preliminary", locality="can_tho_merged"),
            _actual(2024, 281675, "preliminary", locality="can_tho_merged"),
            _actual(2025, 306000, "estimate", published="2026-01", value_kind="lower_bound", locality="can_tho_merged")]
    if point_in_bound_year:
        rows.append(_actual(2025, 316932, "plan_estimate", locality="can_tho_merged"))
    actuals = pd.DataFrame(rows)
    tg = _target("v", "p_val", "value_in_year", 717000.0, 717000.0, 2030, 2030, 2025)
    tg["locality"] = "can_tho_merged"
    card = pd.DataFrame({"target_id": ["v"], "baseline_year": [float("nan")], "baseline_value": [float("nan")]})
    return _ind("level"), actuals, pd.DataFrame([tg]), card


def _points(ax):
    return [(round(x), round(y)) for c in ax.collections for x, y in c.get_offsets()]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_lower_bound_alone_is_drawn_as_a_bound_not_a_dot(lang):
    ind, actuals, targets, card = _bound_case(point_in_bound_year=False)
    fig = indicator_chart(ind, "can_tho_merged", actuals, best_available(actuals), targets, card, lang, plans=PLANS)
    ax = fig.axes[0]
    word = t("status.figure.estimate", lang)
    bound = [c for c in ax.collections if c.get_label() == t("chart.lower_bound", lang, status=word)]
    assert len(bound) == 1 and [tuple(map(round, xy)) for xy in bound[0].get_offsets()] == [(2025, 306000)]
    verts = bound[0].get_paths()[0].vertices
    assert verts[:, 1].min() == pytest.approx(0) and verts[:, 1].max() > 0  # base on the value, tip pointing up
    dots = [c for c in ax.collections if c.get_label() == word]  # no round "estimate" dot at the bound
    assert not dots
    assert t("chart.lower_bound", lang, status=word) in _legend(fig)
    assert (">\u00a0306,000" if lang == "en" else ">\u00a0306.000") in [x.get_text() for x in fig.findobj(matplotlib.text.Text)]
    for line in ax.get_lines():  # the best line is not drawn through the bound
        assert 2025 not in [round(x) for x, y in zip(line.get_xdata(), line.get_ydata()) if y == y]
    plt.close(fig)


def test_a_bound_beside_a_point_figure_of_the_same_year_is_named_not_drawn():
    ind, actuals, targets, card = _bound_case(point_in_bound_year=True)
    fig = indicator_chart(ind, "can_tho_merged", actuals, best_available(actuals), targets, card, "en", plans=PLANS)
    ax = fig.axes[0]
    assert (2025, 306000) not in _points(ax) and (2025, 316932) in _points(ax)
    assert t("chart.bounds_left_out", "en", bounds=">\u00a0306,000 (2025)") in [" ".join(x.get_text().split("\n")) for x in fig.findobj(matplotlib.text.Text)]
    plt.close(fig)


def test_the_line_breaks_across_missing_years_and_a_level_axis_starts_at_zero():
    # Hau Giang's investment: 2019 and 2022, nothing between; a 100-billion difference on about 19,000
    actuals = pd.DataFrame([_actual(2019, 19300, "preliminary"), _actual(2022, 19400, "preliminary"),
                            _actual(2023, 19900, "preliminary")])
    targets = pd.DataFrame([_target("cum", "p_cum", "cumulative", 99000.0, 100000.0, 2021, 2025, 2020)])
    card = pd.DataFrame({"target_id": ["cum"], "baseline_year": [float("nan")], "baseline_value": [float("nan")]})
    fig = indicator_chart(_ind(), "hau_giang", actuals, best_available(actuals), targets, card, "en", plans=PLANS)
    ax = fig.axes[0]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == t("chart.best_gaps", "en")]
    ys = dict(zip(line.get_xdata(), line.get_ydata()))
    assert pd.isna(ys[2020]) and pd.isna(ys[2021]) and ys[2022] == 19400 and ys[2023] == 19900
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] > 19900 * 1.05  # the values look as close as they are
    plt.close(fig)
    # two points in years that are not consecutive: no line at all
    fig = indicator_chart(_ind(), "hau_giang", actuals.iloc[:2], best_available(actuals.iloc[:2]), targets, card, "en",
                          plans=PLANS)
    assert not [ln for ln in fig.axes[0].get_lines() if ln.get_label() in (t("chart.best", "en"), t("chart.best_gaps", "en"))]
    plt.close(fig)


def test_value_axis_range():
    assert value_axis_range(19290.0, 19410.0, "level") == pytest.approx((0.0, 19410.0 * 1.08))
    lo, hi = value_axis_range(19290.0, 19410.0, "level", 19300.0, 19400.0)
    assert lo == 0 and hi == pytest.approx(19400 * 1.08)  # room above the largest value
    assert value_axis_range(-5.0, 10.0, "level", data_min=-3.0) == (-5.0, 10.0)  # a negative amount keeps its axis
    lo, hi = value_axis_range(8.83, 8.94, "share")  # 8.84 and 8.93: not magnified
    assert hi - lo == pytest.approx(0.2 * 8.94) and lo < 8.84 and hi > 8.93
    assert value_axis_range(-3.0, 14.0, "growth_rate") == (-3.0, 14.0)  # wide enough already


def test_a_share_axis_does_not_magnify_a_small_difference():
    actuals = pd.DataFrame([_actual(2023, 8.93, "preliminary"), _actual(2024, 8.84, "preliminary")])
    targets = pd.DataFrame([_target("v", "p_val", "value_in_year", 8.9, 8.9, 2025, 2025, 2022)])
    card = pd.DataFrame({"target_id": ["v"], "baseline_year": [float("nan")], "baseline_value": [float("nan")]})
    fig = indicator_chart(_ind("share", "%", "%"), "hau_giang", actuals, best_available(actuals), targets, card, "en",
                          plans=PLANS)
    y0, y1 = fig.axes[0].get_ylim()
    assert y1 - y0 >= 0.2 * 8.93 - 1e-9
    plt.close(fig)


@pytest.mark.parametrize("bound,strict,low,high,en,vi", [
    ("at_most", "yes", float("nan"), 0.5, "<\u00a00.5", "<\u00a00,5"), ("at_least", "no", 9.5, float("nan"), "≥\u00a09.5", "≥\u00a09,5"),
    ("at_least", "yes", 85.0, float("nan"), ">\u00a085", ">\u00a085"), ("range", "no", 7.5, 8.0, "7.5–8", "7,5–8"),
    ("about", "no", 40.0, 40.0, "≈\u00a040", "≈\u00a040")])
def test_a_one_sided_target_says_its_side_in_the_legend(bound, strict, low, high, en, vi):
    tg = _target("v", "p_val", "value_in_year", low, high, 2025, 2025, 2022)
    tg.update(bound=bound, strict=strict)
    actuals = pd.DataFrame([_actual(2023, 0.3, "preliminary"), _actual(2024, 0.2, "preliminary")])
    card = pd.DataFrame({"target_id": ["v"], "baseline_year": [float("nan")], "baseline_value": [float("nan")]})
    for lang, text in (("en", en), ("vi", vi)):
        fig = indicator_chart(_ind("share", "%", "%"), "hau_giang", actuals, best_available(actuals), pd.DataFrame([tg]),
                              card, lang, plans=PLANS)
        want = t("chart.target", lang, plan="Prog. B" if lang == "en" else "CTr B", end=2025, value=text)
        raw = [x.get_text().replace("\n", " ") for x in fig.axes[0].get_legend().get_texts()]
        assert " ".join(want.split()) in _legend(fig) and any(text in x for x in raw)  # sign and number held together
        plt.close(fig)


def test_the_average_legend_shows_the_version_used_and_names_the_other_versions():
    rows = [_actual(2023, 6.4, "official", locality="can_tho_merged"),
            _actual(2021, 7.41, "plan_estimate", end=2025, subperiod="average", locality="can_tho_merged",
                    published="2025-09"),
            _actual(2021, 6.86, "preliminary", end=2025, subperiod="average", locality="can_tho_merged",
                    published="2025-12")]
    actuals = pd.DataFrame(rows)
    fig = indicator_chart(_ind("growth_rate", "%", "%"), "can_tho_merged", actuals, best_available(actuals),
                          pd.DataFrame([_target("x", "p_val", "value_in_year", 1.0, 1.0, 2025, 2025, 2020)]).iloc[0:0],
                          pd.DataFrame({"target_id": [], "baseline_year": [], "baseline_value": []}), "en", plans=PLANS)
    ax = fig.axes[0]
    used = [c for c in ax.collections if c.get_label() == t("chart.period_avg", "en")]
    other = [c for c in ax.collections if c.get_label() == t("chart.period_avg_other", "en")]
    assert len(used) == 1 and len(other) == 1
    assert matplotlib.colors.to_hex(used[0].get_color()[0]) == config.FIGURE_COLORS["preliminary"]  # the 6.86 used
    assert used[0].get_linewidth()[0] > other[0].get_linewidth()[0]
    plt.close(fig)


def test_a_second_version_with_the_same_average_adds_no_invisible_line():
    rows = [_actual(2023, 6.4, "official"),
            _actual(2021, 9.24, "plan_estimate", end=2025, subperiod="average", published="2025-09"),
            _actual(2021, 9.24, "plan_estimate", end=2025, subperiod="average", published="2025-09", source_line=2)]
    actuals = pd.DataFrame(rows)
    actuals.loc[2, "actual_id"] = "second"
    fig = indicator_chart(_ind("growth_rate", "%", "%"), "hau_giang", actuals, best_available(actuals),
                          pd.DataFrame([_target("x", "p_val", "value_in_year", 1.0, 1.0, 2025, 2025, 2020)]).iloc[0:0],
                          pd.DataFrame({"target_id": [], "baseline_year": [], "baseline_value": []}), "en", plans=PLANS)
    assert t("chart.period_avg", "en") in _legend(fig) and t("chart.period_avg_other", "en") not in _legend(fig)
    plt.close(fig)


@pytest.mark.parametrize("lang, neg, pos", [("vi", "\u22122,5", "43.000"), ("en", "\u22122.5", "43,000")])
def test_tick_formatter_writes_a_true_minus_sign_in_the_page_number_format(lang, neg, pos):
    f = value_formatter(lang)
    assert f(-2.5, 0) == neg and f(43000, 1) == pos and f(0, 2) == "0"
    with matplotlib.rc_context({"axes.unicode_minus": False}):  # the rcParam is honoured, not ignored
        assert axis_number(-2.5, lang) == neg.replace("\u2212", "-")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_negative_ticks_on_a_growth_chart_carry_the_minus_sign_not_a_hyphen(lang):
    ind = pd.Series({"indicator_id": "inv", "name_en": "Growth", "name_vi": "Tăng trưởng", "unit": "%",
                     "unit_vi": "%", "measure": "growth_rate"})
    actuals = pd.DataFrame([_actual(2019, 7.5), _actual(2020, -3.5), _actual(2021, -1.25), _actual(2022, 6.0)])
    fig = indicator_chart(ind, "hau_giang", actuals, best_available(actuals), actuals.iloc[0:0].assign(
        target_id=[], plan=[], target_kind=[], low=[], high=[], base_year=[], bound=[]), pd.DataFrame(), lang)
    fig.canvas.draw()
    ticks = [x.get_text() for x in fig.axes[0].get_yticklabels() if x.get_text()]
    negative = [x for x in ticks if x.startswith("\u2212")]
    assert negative and not any("-" in x for x in ticks)
    assert all(("," in x) == (lang == "vi") for x in negative if x.strip("\u22120123456789"))
    plt.close(fig)


def _crowded(lang="en"):
    """The old city's growth chart in miniature: two plans with the very same average target, one
    superseded target to 2030, a point target, and published averages close to the band."""
    ind = _ind("growth_rate", "%", "%")
    rows = [_actual(y, v, locality="can_tho_old") for y, v in ((2020, 0.5), (2021, 1.2), (2022, 12.6), (2023, 5.1),
                                                                (2024, 7.1))]
    rows += [_actual(2021, 7.3, "estimate", end=2025, locality="can_tho_old", subperiod="average"),
             _actual(2021, 5.91, "preliminary", end=2023, locality="can_tho_old", subperiod="average"),
             _actual(2020, 5.87, "estimate", end=2025, locality="can_tho_old", subperiod="average")]
    actuals = pd.DataFrame(rows)
    targets = [_target("a", "p_cum", "average_growth", 7.5, 8.0, 2021, 2025, 2020),
               _target("b", "p_val", "average_growth", 7.5, 8.0, 2021, 2025, 2020),
               _target("c", "p_old", "average_growth", 7.0, 7.5, 2021, 2030, 2020),
               _target("d", "p_val", "annual_value", 9.5, 10.0, 2023, 2023, 2022)]
    targets = pd.DataFrame(targets).assign(locality="can_tho_old")
    card = pd.DataFrame({"target_id": ["a", "b", "c", "d"], "status": ["not_achieved", "not_achieved", "superseded",
                                                                       "not_achieved"],
                         "baseline_year": [2020.0] * 3 + [2022.0], "baseline_value": [float("nan")] * 4})
    plans = pd.concat([PLANS, pd.DataFrame({"plan": ["p_old"], "short_en": ["Prog. old"], "short_vi": ["CTr cũ"]})])
    return indicator_chart(ind, "can_tho_old", actuals, best_available(actuals), targets, card, lang, plans=plans)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_same_target_of_two_plans_is_drawn_once_and_the_legend_names_both(lang):
    fig = _crowded(lang)
    legend = _legend(fig)
    a, b = ("Res. A", "Prog. B") if lang == "en" else ("NQ A", "CTr B")
    same = [x for x in legend if a in x]
    assert len(same) == 1 and f"{a}; {b}" in same[0]  # one entry for both plans, in their order
    ax = fig.axes[0]
    edges = [seg for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)
             for seg in c.get_segments() if len(seg) == 2 and seg[0][1] == seg[1][1] == 8.0]
    assert len(edges) == 1  # the band's upper edge once, not twice on top of each other
    plt.close(fig)


def test_a_superseded_target_is_thin_and_says_so_in_the_legend():
    fig = _crowded("en")
    ax = fig.axes[0]
    word = t("status.progress.superseded", "en")
    faded = [x for x in _legend(fig) if "Prog. old" in x]
    assert len(faded) == 1 and word in faded[0] and "drawn thin" in faded[0]
    lines = {c.get_label(): c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)}
    thin = next(c for lab, c in lines.items() if "Prog. old" in lab)
    live = next(c for lab, c in lines.items() if "Res. A" in lab)
    assert thin.get_linewidth()[0] < live.get_linewidth()[0] and thin.get_alpha() < 1
    plt.close(fig)


def test_target_bands_are_opaque_under_the_grid_so_overlaps_do_not_darken():
    fig = _crowded("en")
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)]
    assert len(bands) == 2  # the shared band once, the superseded one
    grid = min(g.get_zorder() for g in ax.get_ygridlines())
    for c in bands:
        assert c.get_alpha() in (None, 1) and matplotlib.colors.to_rgba(c.get_facecolor()[0])[3] == 1
        assert not c.get_hatch() and c.get_zorder() < grid
    plt.close(fig)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_period_labels_overlap_no_band_edge_and_no_other_label(lang):
    fig = _crowded(lang)
    ax = fig.axes[0]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    labels = [a for a in ax.texts if isinstance(a, matplotlib.text.Annotation) and ":" in a.get_text()]
    assert len(labels) == 3
    boxes = [matplotlib.text.Text.get_window_extent(a, r) for a in labels]  # the text, not its leader line
    for i, bb in enumerate(boxes):
        assert not any(bb.overlaps(o) for o in boxes[i + 1:])
        own = ax.transData.transform(labels[i].xy)[1]  # a label away from its own average is tied to it by a line
        if min(abs(bb.y0 - own), abs(bb.y1 - own)) > bb.height:
            assert labels[i].arrow_patch is not None, labels[i].get_text()
        for c in ax.collections:
            if not isinstance(c, matplotlib.collections.LineCollection):
                continue
            for seg in c.get_segments():
                (x0, y0), (x1, y1) = ax.transData.transform(seg[[0, -1]])
                if abs(y0 - y1) < 1 and c.get_label() and not c.get_label().startswith("_"):  # a band edge or average
                    inside = bb.y0 < y0 < bb.y1 and min(x0, x1) < bb.x1 and bb.x0 < max(x0, x1)
                    assert not inside, (labels[i].get_text(), c.get_label())
    plt.close(fig)
