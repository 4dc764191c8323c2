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
from cantho_analysis.plots import indicator_chart, status_heatmap  # noqa: E402

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
    assert t("chart.target", lang, plan="Prog. B" if lang == "en" else "CTr B", end=2025) in legend
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
        assert t("chart.target_avg", lang, plan="Prog. B" if lang == "en" else "CTr B", start=2026, end=2030) in _legend(fig)
        plt.close(fig)


def test_fast_chart_gives_visible_legend_colours(level_case):
    ind, actuals, best, targets, card = level_case
    fig = indicator_chart(ind, "hau_giang", actuals, best, targets, card, "en", fast=True, plans=PLANS)
    entries = dict(fig.legend_entries)
    assert entries["Prog. B: target 2025"] == config.TARGET_COLOR.lower()
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
