"""Indicator pages: the conclusion, the targets table with rate units, the observed figures with
their sources and vintages, and the downloads (CSV with BOM, XLSX) written beside each page."""

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from cantho_analysis.i18n import t
from cantho_analysis.report import (conclusion, download_files, download_frames, download_names, get_context,
                                    headline_target, indicator_report, series_html, series_rows, _plan_names)


@pytest.fixture(scope="module")
def ctx():
    return get_context()


def _figures(ctx, iid, loc):
    a = ctx.catalog.actuals
    return a[(a["indicator_id"] == iid) & (a["locality"] == loc)]


def test_series_keeps_every_version_and_marks_the_best(ctx):
    rows = series_rows(ctx.catalog.actuals, ctx.best, "grdp_growth", "can_tho_old")
    assert len(rows) == len(_figures(ctx, "grdp_growth", "can_tho_old")) > 5
    b = ctx.best[(ctx.best["indicator_id"] == "grdp_growth") & (ctx.best["locality"] == "can_tho_old")]
    assert rows["used"].sum() == len(b)
    assert list(rows["period_start"]) == sorted(rows["period_start"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_series_table_names_sources_statuses_and_vintages(ctx, lang):
    ind = ctx.catalog.indicator("grdp_growth")
    rows = series_rows(ctx.catalog.actuals, ctx.best, "grdp_growth", "can_tho_old")
    html = series_html(rows, ind, lang)
    assert html.count("<tr") == len(rows) + 1
    assert "b50851294415a046" not in html and "public-statistics.md" not in html  # titles, never file names
    doc = "Văn kiện" if lang == "vi" else "document"
    assert re.search(r"title='[^']*(Tăng|tăng|GRDP)", html), "the quote is shown on hover"
    assert "<details><summary>" + t("indicator.series.quote", lang) in html
    assert "href='https://" in html and "rel='noreferrer'" in html  # public statistics link to their address
    assert t("indicator.series.line", lang, doc="X", line=1).split("X")[1].split("1")[0] in html  # ", line " / ", dòng "
    words = {t(f"status.figure.{s}", lang) for s in set(rows["status"])}
    assert all(w in html for w in words)
    if lang == "vi":
        assert "official" not in html and "preliminary" not in html and "estimate<" not in html
        assert re.search(r">\d+,\d+<", html)  # 9,5 not 9.5
    del doc


def test_disagreeing_sources_are_all_shown_with_their_vintage(ctx):
    rows = series_rows(ctx.catalog.actuals, ctx.best, "grdp_growth", "can_tho_old")
    annual = rows[(rows["period_start"] == rows["period_end"]) & (rows["subperiod"].fillna("year") == "year")]
    multi = annual.groupby("period_start")["value"].nunique()
    year = int(multi[multi > 1].index[0])
    versions = annual[annual["period_start"] == year]
    html = series_html(rows, ctx.catalog.indicator("grdp_growth"), "en")
    cells = re.findall(rf"<tr[^>]*><td>{year}</td><td class='num'>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td>", html)
    assert len(cells) == len(versions) >= 2 and len({c[0] for c in cells}) >= 2
    assert all(c[1] for c in cells)


def test_targets_table_has_units_in_the_rate_columns(ctx):
    rep = indicator_report("grdp_growth", "can_tho_merged", "vi", ctx, with_figure=False)
    col = t("indicator.targets.col.required_rate", "vi")
    assert rep.table[col].str.contains("%/năm").any()
    assert t("indicator.targets.col.target", "vi", unit="%") in rep.table.columns
    en = indicator_report("exports_fx", "can_tho_merged", "en", ctx, with_figure=False)
    assert en.table[t("indicator.targets.col.required_rate", "en")].str.contains("%/yr").any()
    assert not any(re.fullmatch(r"[a-z_]+", c) for c in rep.table.columns)


def test_conclusion_states_the_headline_target_in_words(ctx):
    card = ctx.card[(ctx.card["indicator_id"] == "grdp_growth") & (ctx.card["locality"] == "can_tho_merged")]
    h = headline_target(card)
    names_en, names_vi = _plan_names(ctx.catalog.plans, "en"), _plan_names(ctx.catalog.plans, "vi")
    ind = ctx.catalog.indicator("grdp_growth")
    en, vi = conclusion(card, ind, names_en, "en"), conclusion(card, ind, names_vi, "vi")
    assert names_en[h["plan"]] in en and t(f"status.progress.{h['status']}", "en") in en
    assert names_vi[h["plan"]] in vi and t(f"status.progress.{h['status']}", "vi") in vi
    assert en.count(".") <= 3 and en.endswith(".")  # one sentence (decimal points aside)
    closed = ctx.card[(ctx.card["period_state"] == "closed") & ctx.card["gap"].lt(0)]
    r = closed.iloc[0]
    sub = ctx.card[(ctx.card["indicator_id"] == r["indicator_id"]) & (ctx.card["locality"] == r["locality"])
                   & (ctx.card["target_id"] == r["target_id"])]
    vi_closed = conclusion(sub, ctx.catalog.indicator(r["indicator_id"]), names_vi, "vi")
    assert "thấp hơn chỉ tiêu" in vi_closed and "kết quả thực hiện" in vi_closed


def test_download_frames_are_readable_and_spreadsheet_safe(ctx):
    ind = ctx.catalog.indicator("grdp_growth")
    rows = series_rows(ctx.catalog.actuals, ctx.best, "grdp_growth", "can_tho_old").head(2).copy()
    rows.loc[rows.index[0], "quote"] = "=HYPERLINK(\"http://x\")"
    card = ctx.card[(ctx.card["indicator_id"] == "grdp_growth") & (ctx.card["locality"] == "can_tho_old")]
    frames = download_frames(rows, card, ctx.catalog.targets, ind, "can_tho_old", _plan_names(ctx.catalog.plans, "vi"), "vi")
    figs, tgts = frames.values()
    assert list(frames) == ["số liệu", "chỉ tiêu"]
    assert figs[t("indicator.downloads.col.quote", "vi")].iloc[0].startswith("'=")
    assert figs[t("indicator.downloads.col.unit", "vi")].eq("%").all()
    assert len(tgts) == len(card) and t("indicator.downloads.col.plan", "vi") in tgts.columns


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_download_files_open_with_pandas(ctx, lang):
    files = download_files("total_investment", "hau_giang", lang, ctx)
    names = download_names("total_investment", lang)
    assert set(files) == set(names.values())
    assert files[names["csv"]].startswith(b"\xef\xbb\xbf")
    figs = pd.read_csv(io.BytesIO(files[names["csv"]]), encoding="utf-8-sig")
    n = len(_figures(ctx, "total_investment", "hau_giang"))
    assert len(figs) == n > 0
    book = pd.read_excel(io.BytesIO(files[names["xlsx"]]), sheet_name=None)
    assert [len(x) for x in book.values()] == [n, len(pd.read_csv(io.BytesIO(files[names["targets_csv"]]),
                                                                   encoding="utf-8-sig"))]
    assert set(figs[t("indicator.downloads.col.value", lang)].round(3)) == set(
        _figures(ctx, "total_investment", "hau_giang")["value"].astype(float).round(3))


def test_download_files_are_carried_with_their_page():
    from cantho_analysis.batch import Job, Result

    r = Result(Job("indicator", "indicator_report.ipynb", {}, "indicators/x/y.en", "en", "y", "x"), True, 1.0,
               html="indicators/x/y.en.html", ipynb="notebooks/indicators/x/y.en.ipynb",
               downloads=["indicators/x/y.data.en.csv", "indicators/x/y.data.en.xlsx"])
    back = Result.from_manifest(r.to_manifest())
    assert back.files == r.files and "indicators/x/y.data.en.xlsx" in back.files


def test_pages_of_a_small_batch_link_downloads_that_hold_their_figures(built_reports, ctx):
    """Every indicator page built by ``reports --only`` links a CSV and an XLSX beside it; both
    open with pandas and hold the page's figures (the values in its observed-figures table).
    Read from the test run's one built set (GRDP growth, every locality, vi and en)."""
    import json

    out, iid = built_reports, "grdp_growth"
    manifest = json.loads((out / ".cantho-manifest.json").read_text(encoding="utf-8"))
    results = [r for r in manifest["reports"] if r["job"]["kind"] == "indicator"]
    pages = sorted(out.glob("indicators/*/*.html"))
    assert len(pages) == len(results) == 4
    seen = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        links = re.findall(r"href='([^'#:]+\.(?:csv|xlsx))'", html)
        csv = [x for x in links if x.endswith(".csv") and ".data." in x]
        xlsx = [x for x in links if x.endswith(".xlsx")]
        assert csv and xlsx, f"{page}: no download link"
        lang = page.name.split(".")[-2]
        figs = pd.read_csv(page.parent / csv[0], encoding="utf-8-sig")
        book = pd.read_excel(page.parent / xlsx[0], sheet_name=None)
        first = next(iter(book.values()))
        loc = page.parent.name
        assert len(figs) == len(first) == len(_figures(ctx, iid, loc))
        if figs.empty:  # a target without any figure yet: the page says so
            assert t("indicator.series.none", lang) in html
            continue
        table = html[html.index("class='dataframe series'"):]
        table = table[:table.index("</table>")]
        for _, r in series_rows(ctx.catalog.actuals, ctx.best, iid, loc).iterrows():
            assert float(r["value"]) in set(figs[t("indicator.downloads.col.value", lang)].astype(float))
        assert table.count("<tr") == len(figs) + 1
        seen += 1
        assert t("indicator.downloads.head", lang) in html
    assert seen >= 2  # pages with figures were checked, in both languages
    files = [f for r in results for f in [r.get("html"), *r.get("downloads", [])] if f]
    assert len(files) > len(results) and all(Path(out / f).exists() for f in files)


@pytest.mark.parametrize("lang,bound", [("vi", "> 306.000"), ("en", "> 306,000")])
def test_download_keeps_a_bound_a_bound(ctx, lang, bound):
    """A figure printed as a bound ("trên 306.000") is not a plain 306000 in the download: the file
    carries the figure as printed beside the number."""
    files = download_files("grdp_current", "can_tho_merged", lang, ctx)
    figs = pd.read_csv(io.BytesIO(files[download_names("grdp_current", lang)["csv"]]), encoding="utf-8-sig")
    printed = figs[t("indicator.downloads.col.as_printed", lang)]
    value = figs[t("indicator.downloads.col.value", lang)]
    assert bound in set(printed) and 306000.0 in set(value)
    assert (printed[value == 316932.0] == ("316.932" if lang == "vi" else "316,932")).all()


def test_one_year_targets_show_one_year_and_caveats_count_their_years(ctx):
    from cantho_analysis.narrative import caveats

    rep = indicator_report("grdp_growth", "can_tho_old", "vi", ctx, with_figure=False)
    periods = list(rep.table[t("indicator.targets.col.period", "vi")])
    assert "2023" in periods and "2023–2023" not in periods and "2021–2025" in periods
    said = {lang: [c for iid, loc in (("grdp_current", "can_tho_merged"), ("grdp_growth", "can_tho_old"),
                                      ("poverty_rate", "hau_giang"), ("budget_revenue", "soc_trang"))
                   for c in caveats(ctx.catalog.actuals, ctx.best, iid, loc, lang)] for lang in ("vi", "en")}
    one_year = re.compile(r"(các năm|the years) \d{4}(–\d{4})?( |:)")
    assert not any(one_year.search(c) for c in said["vi"] + said["en"]), said
    assert any(c.startswith("Số liệu các năm 2020, 2021") for c in said["vi"])  # several years: "các năm"
    vi = caveats(ctx.catalog.actuals, ctx.best, "agri_growth", "can_tho_merged", "vi")
    en = caveats(ctx.catalog.actuals, ctx.best, "agri_growth", "can_tho_merged", "en")
    assert vi[0].startswith("Số liệu năm 2025 là") and en[0].startswith("Figures for the year 2025 are")


def test_documents_verdict_does_not_deny_a_figure_the_page_shows(ctx):
    """Hậu Giang's PAR rank: a 2024 figure but none for the 2025 deadline. The document's verdict is
    given without saying that no outturn exists (the sentence before names the missing year)."""
    rep = indicator_report("par_index_rank", "hau_giang", "vi", ctx, with_figure=False)
    text = " ".join(p["status"] for p in rep.paragraphs)
    assert "Văn kiện tự đánh giá là “Vượt”" in text and "18 thứ hạng năm 2024" in text
    assert "không có số liệu kết quả" not in text
    old = indicator_report("labour_productivity", "can_tho_old", "vi", ctx, with_figure=False)
    assert "không có số liệu kết quả để kiểm tra" in " ".join(p["status"] for p in old.paragraphs)  # no figure at all


def test_a_target_whose_period_is_over_requires_nothing_more(ctx):
    rep = indicator_report("grdp_growth", "can_tho_old", "en", ctx, with_figure=False)
    tab = rep.table
    period, required = t("indicator.targets.col.period", "en"), t("indicator.targets.col.required_rate", "en")
    assert set(tab.loc[tab[period] == "2021–2025", required]) == {"—"}  # both 2021–2025 targets are closed
    merged = indicator_report("grdp_current", "can_tho_merged", "en", ctx, with_figure=False).table
    assert merged[required].str.contains("%/yr").all()  # an open target keeps its required rate


def test_in_a_batch_the_report_writes_its_downloads_beside_its_page(ctx, tmp_path, monkeypatch):
    """The batch's engine sets report.DOWNLOADS_TO in the kernel: the report writes the very files
    download_files gives (from the figures it shows), so the worker need not load the data.
    Anywhere else (JupyterLab, nbval) it writes nothing."""
    from cantho_analysis import report

    monkeypatch.setattr(report, "show_figure", lambda fig, dpi=96: None)
    monkeypatch.chdir(tmp_path)
    report.display_indicator_report("total_investment", "hau_giang", "vi")  # DOWNLOADS_TO is None
    assert not list(tmp_path.iterdir())
    where = tmp_path / "page"
    where.mkdir()
    monkeypatch.setattr(report, "DOWNLOADS_TO", str(where))
    report.display_indicator_report("total_investment", "hau_giang", "vi")
    written = {p.name: p.read_bytes() for p in where.iterdir()}
    expected = download_files("total_investment", "hau_giang", "vi", ctx)
    assert set(written) == set(expected)
    for name in expected:
        if name.endswith(".csv"):
            assert written[name] == expected[name]
        else:  # a workbook carries its time of writing: compare what it holds
            a, b = (pd.read_excel(io.BytesIO(x), sheet_name=None) for x in (written[name], expected[name]))
            assert list(a) == list(b) and all(a[k].equals(b[k]) for k in a)
