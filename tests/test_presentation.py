"""Issue 9 review findings on presentation: a target's cell says what its period means (a five-year
total, an average per year), range outturns are shown as printed (not their midpoint), downloads
keep whole numbers whole, and the index shows a base-year figure where nothing is judged yet."""

import html as H
import io
import re

import openpyxl
import pandas as pd
import pytest

from cantho_analysis import narrative as N
from cantho_analysis.batch import Job, Result, base_figure, write_index
from cantho_analysis.i18n import t
from cantho_analysis.report import (_plan_names, download_files, download_frames, get_context, overview,
                                    past_targets_table, series_rows)


@pytest.fixture(scope="module")
def ctx():
    return get_context()


def _ind(**kw):
    return {"unit": "%", "unit_vi": "%", "measure": "growth_rate", **kw}


def _tg(**kw):
    base = dict(target_kind="value_in_year", period_start=2021, period_end=2025, base_year=2020, low=8.0, high=8.0)
    return {**base, **kw}


# --------------------------------------------------------------------------- 1. the target cell
@pytest.mark.parametrize("target, indicator, vi, en", [
    # a five-year total: "(tổng 2021–2025)", never "(2025)"
    (_tg(target_kind="cumulative", low=4330.0, high=4330.0), _ind(unit="million USD", unit_vi="triệu USD", measure="level"),
     "4.330 triệu USD (tổng 2021–2025)", "4,330 million USD (total 2021–2025)"),
    (_tg(target_kind="cumulative", low=44000.0, high=45000.0), _ind(unit="billion VND", unit_vi="tỷ đồng", measure="level"),
     "44.000–45.000 tỷ đồng (tổng 2021–2025)", "44,000–45,000 billion VND (total 2021–2025)"),
    # an average growth target: per year, over the years after its base year
    (_tg(target_kind="average_growth"), _ind(), "8 %/năm (bình quân 2021–2025)", "8 %/yr (average 2021–2025)"),
    (_tg(target_kind="average_growth", period_start=2025, period_end=2030, base_year=2025, low=10.0, high=10.5), _ind(),
     "10–10,5 %/năm (bình quân 2026–2030)", "10–10.5 %/yr (average 2026–2030)"),
    # a yearly rate or change over several years: per year, with its period
    (_tg(target_kind="annual_value", low=2.0, high=3.0),
     _ind(unit="percentage points", unit_vi="điểm phần trăm", measure="ratio"),
     "2–3 điểm phần trăm/năm (2021–2025)", "2–3 percentage points/yr (2021–2025)"),
    (_tg(target_kind="annual_value", period_start=2025, period_end=2030, base_year=2025, low=15.0, high=15.0), _ind(),
     "15 %/năm (2025–2030)", "15 %/yr (2025–2030)"),
    # a level held each year is not a rate: no "/năm", but each year ("dưới 3,5 %": a strict bound)
    (_tg(target_kind="annual_value", period_start=2025, period_end=2030, low=None, high=3.5, strict="yes"),
     _ind(measure="share"), "< 3,5 % (hằng năm 2025–2030)", "< 3.5 % (each year 2025–2030)"),
    # a bound that includes its value ("trong nhóm 30": rank 30 or better) and one that excludes it ("trên 358")
    (_tg(target_kind="annual_value", period_start=2021, period_end=2025, low=None, high=30.0, strict="no"),
     _ind(measure="rank", unit="rank", unit_vi="thứ hạng"), "≤ 30 thứ hạng (hằng năm 2021–2025)",
     "≤ 30 rank (each year 2021–2025)"),
    (_tg(target_kind="value_in_year", period_start=2030, period_end=2030, low=358.0, high=None, strict=True),
     _ind(measure="level", unit="million VND/worker", unit_vi="triệu đồng/lao động"), "> 358 triệu đồng/lao động (2030)",
     "> 358 million VND/worker (2030)"),
    # a level to reach by a year, and a one-year target: the year
    (_tg(low=215.0, high=215.0, period_end=2030), _ind(unit="million VND/person", unit_vi="triệu đồng/người", measure="level"),
     "215 triệu đồng/người (2030)", "215 million VND/person (2030)"),
    (_tg(target_kind="annual_value", period_start=2025, low=9.5, high=None), _ind(), "≥ 9,5 % (2025)", "≥ 9.5 % (2025)"),
])
def test_target_cell_says_what_the_period_means(target, indicator, vi, en):
    assert N.target_cell(target, indicator, "vi") == vi
    assert N.target_cell(target, indicator, "en") == en


def test_target_cell_on_the_issue_targets(ctx):
    """The targets the review named, from the data."""
    ind = ctx.catalog.indicators.set_index("indicator_id")
    card = ctx.card.set_index("target_id")

    def cell(tid, lang):
        r = card.loc[tid]
        return N.target_cell(r, ind.loc[r["indicator_id"]], lang)

    assert cell("dh_xiv_hg_2020_2025.10.exports_fx", "vi") == "4.330 triệu USD (tổng 2021–2025)"
    assert cell("dh_xiv_hg_2020_2025.12.jobs_created", "en").endswith("(total 2021–2025)")
    assert cell("dh_xiv_hg_2020_2025.8.new_enterprises", "vi").endswith("(tổng 2021–2025)")
    assert cell("dh_xiv_st_2020_2025.1.grdp_growth", "vi") == "8 %/năm (bình quân 2021–2025)"
    assert cell("dh_xiv_st_2020_2025.17.poverty_rate_reduction", "vi") == "2–3 điểm phần trăm/năm (2021–2025)"
    assert cell("dh_i_2025_2030.02.budget_revenue_growth", "en") == "15 %/yr (2025–2030)"


def test_overview_tables_use_the_same_cell(ctx):
    for lang in ("vi", "en"):
        ov = overview(lang, ctx)
        c = lambda k: t(f"overview.col.{k}", lang)  # noqa: E731
        tt = ov["targets_table"]
        hg = tt[tt[c("target")].str.startswith("4.330" if lang == "vi" else "4,330")].iloc[0]
        assert hg[c("target")] == ("4.330 (tổng 2021–2025)" if lang == "vi" else "4,330 (total 2021–2025)")
        st = tt[tt[c("locality")].str.contains("Sóc Trăng")
                & (tt[c("target")] == ("8 (bình quân 2021–2025)" if lang == "vi" else "8 (average 2021–2025)"))]
        assert len(st) >= 1 and set(st[c("unit")]) == {"%/năm" if lang == "vi" else "%/yr"}
        stretch = ov["stretch"]
        assert stretch[c("target")].str.contains(r"\((?:bình quân|average) 2026–2030\)").any()


# --------------------------------------------------------------------------- 2. ranges, not midpoints
def test_gap_over_a_printed_range():
    a = dict(latest_value=1.525, outturn_low=1.40, outturn_high=1.65, gap=-4.475, gap_pct=-74.5833)
    assert N.gap_range(a) == (-4.6, -4.35)
    vi, en = N.gap_cells(a, "vi"), N.gap_cells(a, "en")
    assert vi["gap_abs"] == "4,35–4,6" and vi["gap"] == "-4,6 đến -4,35" and vi["ratio"] == "23,3–27,5"
    assert en["gap"] == "-4.6 to -4.35" and en["gap_pct"] == "-76.7 to -72.5"
    # a single number, and a range within the target's (gap 0): no range
    assert N.gap_range({**a, "outturn_low": None, "outturn_high": None}) is None
    assert N.gap_cells({**a, "outturn_low": None, "outturn_high": None, "gap": -4.49}, "vi")["gap_abs"] == "4,49"
    assert N.gap_range({**a, "gap": 0.0}) is None


def test_misses_and_past_targets_show_the_printed_range(ctx):
    for lang in ("vi", "en"):
        ov = overview(lang, ctx)
        text = " ".join(ov["misses"])
        f = (lambda s: s) if lang == "en" else (lambda s: s.replace(".", ","))
        assert f("1.4–1.65") in text and f("1.52") not in text and f("1.53") not in text
        assert f("4.35–4.6") in text
        past = ov["past_table"]
        c = lambda k: t(f"overview.col.{k}", lang)  # noqa: E731
        outturns = set(past[c("outturn")])
        assert {f("1.4–1.65"), f("5.38–5.43"), f("7.21–7.27")} <= outturns
        assert not {f("1.52"), f("1.53"), f("5.41"), f("7.24")} & outturns
        row = past[past[c("outturn")] == f("5.38–5.43")].iloc[0]
        assert row[c("gap")] == (f("-3.62") + (" đến " if lang == "vi" else " to ") + f("-3.57"))


def test_past_targets_table_without_the_card_keeps_working(ctx):
    from cantho_analysis.progress import planning_realism

    realism = planning_realism(ctx.card, ctx.catalog.indicators)
    past = past_targets_table(realism, ctx.catalog.indicators, ctx.catalog.plans, "en")
    assert len(past) == len(realism)


# --------------------------------------------------------------------------- 3. downloads
def test_download_whole_numbers_stay_whole(ctx):
    files = download_files("grdp_growth", "can_tho_old", "vi", ctx)
    csv = files["grdp_growth.data.vi.csv"].decode("utf-8-sig")
    assert not re.search(r",\d+\.0,", csv.split("\n", 1)[1].replace(",,", ", ,"))  # no "707.0" (line) or "2011.0"
    assert ",707," in csv  # a source line as printed
    tcsv = files["grdp_growth.targets.vi.csv"].decode("utf-8-sig")
    assert ",53," in tcsv and ",53.0," not in tcsv and ",2022," in tcsv
    wb = openpyxl.load_workbook(io.BytesIO(files["grdp_growth.data.vi.xlsx"]))
    line_col = t("indicator.downloads.col.line", "vi")
    for ws in wb:
        head = [c.value for c in ws[1]]
        j = head.index(line_col)
        vals = [row[j] for row in ws.iter_rows(min_row=2, values_only=True) if row[j] is not None]
        assert vals and all(isinstance(v, int) for v in vals), ws.title


def test_download_frames_integer_columns(ctx):
    ind = ctx.catalog.indicator("grdp_growth")
    rows = series_rows(ctx.catalog.actuals, ctx.best, "grdp_growth", "can_tho_merged")
    card = ctx.card[(ctx.card["indicator_id"] == "grdp_growth") & (ctx.card["locality"] == "can_tho_merged")]
    figs, tgts = download_frames(rows, card, ctx.catalog.targets, ind, "can_tho_merged",
                                 _plan_names(ctx.catalog.plans, "en"), "en").values()
    col = lambda k: t(f"indicator.downloads.col.{k}", "en")  # noqa: E731
    for k in ("period_start", "period_end", "line"):
        assert str(figs[col(k)].dtype) == "Int64"
    assert figs[col("line")].isna().any()  # web figures have no line, and the column is still whole numbers
    assert str(tgts[col("base_year")].dtype) == "Int64"


# --------------------------------------------------------------------------- 4. the index
def test_base_figure_from_best():
    best = pd.DataFrame([
        dict(indicator_id="x", locality="m", period_start=2025, period_end=2025, subperiod="year", value=7.23,
             value_kind="exact", value_low=None, value_high=None),
        dict(indicator_id="x", locality="m", period_start=2021, period_end=2025, subperiod="average", value=6.9,
             value_kind="exact", value_low=None, value_high=None),
        dict(indicator_id="y", locality="m", period_start=2025, period_end=2025, subperiod="year", value=95.0,
             value_kind="lower_bound", value_low=None, value_high=None),
    ])
    b = base_figure(best, "x", "m", 2025)
    assert b["latest_value"] == 7.23 and b["latest_year"] == 2025
    assert N.outturn_text(b, "vi") == "7,23"
    assert N.outturn_text(base_figure(best, "y", "m", 2025), "vi") == "trên 95"
    assert base_figure(best, "x", "m", 2024) is None and base_figure(best, "x", "m", None) is None


def _rows(page: str) -> list[list[str]]:
    out = []
    for tr in re.findall(r"<tr data-loc.*?</tr>", page, re.S):
        out.append([H.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)])
    return out


def test_index_cells(tmp_path, ctx):
    results = []
    for lang in ("vi", "en"):
        for loc, iid in (("can_tho_merged", "grdp_growth"), ("can_tho_merged", "exports_fx"), ("hau_giang", "exports_fx"),
                         ("soc_trang", "grdp_growth"), ("hau_giang", "total_investment")):
            stem = f"indicators/{loc}/{iid}.{lang}"
            results.append(Result(Job("indicator", "indicator_report.ipynb", {}, stem, lang, iid, loc), True, 1.0,
                                  html=f"{stem}.html"))
    write_index(tmp_path, results, ["vi", "en"])
    vi = {r[0] + "|" + r[1]: r for r in _rows((tmp_path / "index.vi.html").read_text(encoding="utf-8"))}
    en = {r[0] + "|" + r[1]: r for r in _rows((tmp_path / "index.en.html").read_text(encoding="utf-8"))}
    get = lambda rows, name, plan: next(r for k, r in rows.items() if k.startswith(name) and plan in k)  # noqa: E731
    # 1. the period of a target
    hg = get(vi, "Kim ngạch xuất khẩu", "Hậu Giang")
    assert hg[2] == "4.330 triệu USD (tổng 2021–2025)" and hg[4] == "2021–2025"
    inv = get(en, "Total social investment", "Hậu Giang")
    assert inv[2] == "99,000–100,000 billion VND (total 2021–2025)"
    st = get(vi, "Tốc độ tăng trưởng GRDP", "Sóc Trăng")
    assert st[2] == "8 %/năm (bình quân 2021–2025)" and st[3].endswith("%/năm")
    # 4. the merged city: the base year's figure, said to be one
    m = get(vi, "Tốc độ tăng trưởng GRDP", "Đại hội I")
    assert m[2] == "10–10,5 %/năm (bình quân 2026–2030)"
    assert m[3] == "7,23 %" and m[4] == "2025 (năm gốc)"
    mx = get(en, "Exports of goods", "1st Party congress")
    assert mx[3] == "5,508 million USD" and mx[4] == "2025 (base year)"
    assert "Mục tiêu (kỳ)" in (tmp_path / "index.vi.html").read_text(encoding="utf-8")


def test_observed_rate_of_a_range_outturn_is_the_printed_range(ctx):
    r = ctx.card[ctx.card["target_id"] == "ctr17_2021_2025.01.product_taxes_growth"].iloc[0]
    assert N.observed_rate_text(r, "vi") == "1,4–1,65" and N.observed_rate_text(r, "en") == "1.4–1.65"
    g = ctx.card[ctx.card["target_id"] == "kl42_2023.01.grdp_growth"].iloc[0]
    assert N.observed_rate_text({**g, "observed_rate": 5.01}, "vi") == "5,01"  # a single number stays a number
    tt = overview("vi", ctx)["targets_table"]
    col = t("overview.col.observed_rate", "vi")
    row = tt[tt[t("overview.col.indicator", "vi")].str.startswith("Tăng trưởng thuế sản phẩm")
             & tt[t("overview.col.period", "vi")].eq("2021–2025")]
    assert set(row[col]) == {"1,4–1,65"}
