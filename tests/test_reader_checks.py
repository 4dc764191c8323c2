"""Checks a reader would make on the built pages (cantho_analysis.pagecheck).

The checker is tested on synthetic pages (it must flag each kind of bad page and leave good
ones alone), then run on a small real report set. On the real set only what this branch owns
(the index and the task registers) is held strict; the findings on the other pages are printed
as a summary, for the engineers still fixing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cantho_analysis import pagecheck as pc
from cantho_analysis.pagecheck import Finding, check_page, check_report_set, summary


def _page(body: str, lang: str = "vi", head: str = "") -> str:
    return (f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Trang</title>{head}</head>"
            f"<body><main>{body}</main></body></html>")


def _kinds(findings: list[Finding]) -> set[str]:
    return {f.kind for f in findings}


GOOD_VI = _page("""
<h1>Tốc độ tăng trưởng GRDP — Thành phố Cần Thơ</h1>
<p>Năm 2024 tăng 9,5 %, thấp hơn chỉ tiêu 0,5 điểm %.</p>
<div class="table-wrap"><table><thead><tr><th>Năm</th><th>Giá trị</th><th>Tình trạng</th><th>Nguồn</th></tr></thead>
<tbody><tr><td>2024</td><td>9,5</td><td>chính thức</td>
<td><a href="#q1">Nghị quyết 01 (12/2025), dòng 893</a></td></tr></tbody></table></div>
<p id="q1"><q lang="vi">Tăng trưởng kinh tế (GRDP) đạt 9,5 - 10%/năm</q></p>
<p>Bản tiếng Anh: <span lang="en">Real GRDP growth</span>.</p>
<p>Nguồn: <a href="https://www.gso.gov.vn/bao-cao">gso.gov.vn</a></p>
""")


def test_a_good_vietnamese_page_has_no_finding_but_its_link_out():
    found = check_page(GOOD_VI, name="good.vi.html")
    assert [f.kind for f in found] == ["external_link"], found
    assert found[0].detail == "https://www.gso.gov.vn/bao-cao"


def test_a_bad_vietnamese_page_is_flagged_for_every_kind():
    bad = _page("""
<h1>register.title</h1>
<table><tr><th>targets_with_outturn</th><th>Status</th><th>share_met</th></tr>
<tr><td>&lt;NA&gt;</td><td>nan</td><td>None</td></tr></table>
<p>Chỉ tiêu của can_tho_old theo dh_i_2025_2030, nguồn 004_b50851294415a046.txt.</p>
<p>Chi tiết bằng tiếng Anh: the model is fitted on official figures.</p>
<a href="#nowhere">xem</a>
""", head='<script src="https://cdn.example.org/require.js"></script>'
           '<link rel="stylesheet" href="//fonts.example.org/css">'
           '<style>body { background: url("https://example.org/x.png") }</style>')
    found = check_page(bad, name="bad.vi.html")
    kinds = _kinds(found)
    assert {"message_key", "english_on_vi", "missing_value", "raw_id", "external_resource", "dead_link"} <= kinds
    details = {f.detail for f in found}
    assert "register.title" in details
    assert {"targets_with_outturn", "share_met", "can_tho_old", "dh_i_2025_2030", "file name 004_b50851294415a046.txt"} <= details
    assert {"<script> https://cdn.example.org/require.js", "<link> //fonts.example.org/css",
            "CSS https://example.org/x.png"} <= details
    assert any(d.startswith("“Status”") for d in details) and any(d.startswith("“official”") for d in details)
    assert {d.split(" in ")[0] for d in details if "“<NA>”" in d or d.startswith(("<NA>", "nan"))} == {"<NA>", "nan"}
    assert "None" in details
    assert "#nowhere (no such anchor on the page)" in details


def test_english_page_flags_vietnamese_words_but_not_quotations():
    page = _page("""
<h1>Real GRDP growth — Cần Thơ city</h1>
<table><tr><th>Year</th><th>Tình trạng</th><th>Task, as printed (Vietnamese)</th></tr>
<tr><td>2024</td><td>chính thức</td>
<td lang="vi">Sơ kết 2 năm, 5 năm việc thực hiện tổ chức bộ máy của hệ thống chính trị theo mô hình mới</td></tr></table>
<p>The plan's wording: “Tăng trưởng kinh tế (GRDP) đạt 9,5 - 10%/năm”, <q>các chỉ tiêu chủ yếu</q>.</p>
<p class="quote">Nguồn của số liệu</p>
<p>Growth was below the target in năm 2024.</p>
""", lang="en")
    found = [f for f in check_page(page, name="x.en.html") if f.kind == "vietnamese_on_en"]
    words = [f.detail.split("”")[0].lstrip("“") for f in found]
    assert sorted(words) == sorted(["chính thức", "năm", "Tình trạng"]), found


def _vi_words(body: str) -> list[str]:
    found = [f for f in check_page(_page(body, lang="en"), name="x.en.html") if f.kind == "vietnamese_on_en"]
    return sorted(f.detail.split("”")[0].lstrip("“") for f in found)


@pytest.mark.parametrize("body", [
    # a quotation holding a quotation: the words after the inner one are still quoted
    "<p>The plan names “phong trào “Dân vận khéo” của các năm” as a task.</p>",
    "<p>The plan names «phong trào «Dân vận» của các năm» as a task.</p>",
    "<p>The plan names „phong trào „Dân vận“ của các năm“ as a task.</p>",
    "<p>The plan names “một “hai “ba” của” các năm” as a task.</p>",  # three deep
    # one quotation beside another inside a third
    "<p>Printed: “đánh giá “có vào, có ra”, “có lên, có xuống” của các năm”.</p>",
    # an excerpt starting inside a quotation of its source: it carries that quotation's closing mark
    "<p><small>Source: Programme implementing Conclusion 64-KL/TW, line 62: “không mại dâm” đạt từ 75% trở "
    "lên”</small></p>",
    # a quotation running over a link and an emphasis
    '<p>Printed: “phong trào <a href="#x">của</a> <em>các năm</em> và”.</p><p id="x">Here.</p>',
    # quotation elements inside quotation elements, and a quote-class element with markup inside
    "<p>The plan: <q>một <q>hai</q> của các năm</q>.</p>",
    "<blockquote><p>Nguồn <q>của</q> năm</p><p>và các</p></blockquote>",
    '<div class="quote"><p>Nguồn <span>của <b>các</b></span> năm</p></div>',
    '<p>An English sentence; <span lang="vi">một <span>câu của</span> các năm</span>.</p>',
    # an English title with its original in a fold (the task registers)
    '<table><tr><td><span title="Kế hoạch của năm">Plan</span><details><summary>Vietnamese original</summary>'
    '<q lang="vi">Kế hoạch <b>của</b> năm</q> Translator’s note: printed “nhỏ vả vừa” (for “và”).</details></td></tr></table>',
])
def test_quotations_are_exempt_at_any_depth(body):
    assert _vi_words(body) == []


@pytest.mark.parametrize("body,words", [
    # words after a nested quotation closes are the page's own again
    ("<p>The plan names “phong trào “Dân vận khéo” của” các năm.</p>", ["các", "năm"]),
    # an opening mark never closed exempts nothing (it is not a quotation)
    ("<p>The plan names “phong trào của các năm.</p>", ["các", "của", "năm"]),
    # a quotation does not run into the next paragraph or cell
    ("<p>Printed: “một</p><p>của” các</p>", ["các", "của"]),
    ("<table><tr><td>“một</td><td>của”</td></tr></table>", ["của"]),
    # normal text in a long table cell is checked: length makes nothing a quotation
    ("<table><tr><td>Kế hoạch phát triển của thành phố giai đoạn 2021 - 2025 và các năm sau</td></tr></table>",
     ["các", "của", "giai đoạn", "năm", "và"]),
    # a straight quote is not a quotation mark (inches, code)
    ('<p>The plan says "của năm" here.</p>', ["của", "năm"]),
])
def test_normal_text_is_checked_around_quotations(body, words):
    assert _vi_words(body) == words


@pytest.mark.parametrize("text,left", [
    ("a “b “c” d” e", ["a", "e"]),
    ("a “b” c “d” e", ["a", "c", "e"]),
    ("a “b c", ["a", "“b", "c"]),  # never closed
    ("„x“ y", ["y"]),
    ("a “b «c” d", ["a", "d"]),  # the inner « is closed with the outer quotation
    ("a “b” c” d", ["a", "d"]),  # an excerpt that carries its source's closing mark
    ("a b” c", ["a", "b”", "c"]),  # a closing mark with nothing before it to close
    ("a “b” c» d", ["a", "c»", "d"]),  # a closing mark of another kind
])
def test_unquoted_blanks_every_quotation(text, left):
    assert pc.unquoted(text).split() == left
    assert len(pc.unquoted(text)) == len(text)


def test_language_is_read_from_the_page_and_english_words_are_fine_on_english_pages():
    page = _page("<h1>Targets by status</h1><table><tr><th>Indicator</th><th>Status</th></tr></table>", lang="en")
    assert check_page(page) == []
    assert "english_on_vi" in _kinds(check_page(page, lang="vi"))


def test_links_resolve_inside_the_set(tmp_path):
    (tmp_path / "indicators" / "x").mkdir(parents=True)
    (tmp_path / "index.vi.html").write_text(_page('<h1 id="top">Danh mục</h1>'), encoding="utf-8")
    page = tmp_path / "indicators" / "x" / "a.vi.html"
    page.write_text(_page("""
<a href="../../index.vi.html">Danh mục</a> <a href="../../index.vi.html#top">đầu trang</a>
<a href="../../index.vi.html#gone">mất</a> <a href="b.vi.html">không có</a> <a href="../../../outside.html">ngoài</a>
<img alt="Biểu đồ" src="data:image/png;base64,AAAA"> <img alt="Biểu đồ" src="chart.png">
<a href="mailto:a@b.vn">thư</a>
"""), encoding="utf-8")
    (tmp_path.parent / "outside.html").write_text("x", encoding="utf-8")
    found = check_report_set(tmp_path)
    dead = sorted(f.detail for f in found if f.kind == "dead_link")
    assert dead == ["../../../outside.html (outside the report set)", "../../index.vi.html#gone (no such anchor)",
                    "b.vi.html (no such file)", "chart.png (no such file)"]
    assert all(f.page == "indicators/x/a.vi.html" for f in found)
    assert found == sorted(found)  # stable order


def test_summary_counts_by_kind_with_examples():
    fs = [Finding("a.html", "raw_id", "can_tho_old"), Finding("b.html", "raw_id", "can_tho_old"),
          Finding("b.html", "dead_link", "x.html (no such file)")]
    s = summary(fs)
    assert "raw_id: 2 on 2 page(s)" in s and "can_tho_old  (2x, e.g. a.html)" in s
    assert s.index("raw_id") < s.index("dead_link")  # in the order of KINDS
    assert summary([]) == "no findings"


def test_command_line_prints_the_summary_and_fails_only_on_strict_kinds(tmp_path, capsys):
    (tmp_path / "p.vi.html").write_text(_page("<p>can_tho_old</p>"), encoding="utf-8")
    assert pc.main([str(tmp_path)]) == 0
    assert "raw_id: 1 on 1 page(s)" in capsys.readouterr().out
    assert pc.main([str(tmp_path), "--strict", "raw_id"]) == 1
    assert pc.main([str(tmp_path / "nope")]) == 2


# --------------------------------------------------------------------------- a small real set
STRICT_EVERYWHERE = ("external_resource", "dead_link")


@pytest.fixture(scope="module")
def small_set(built_reports) -> Path:
    return built_reports  # the run's one built set (conftest.py)


def test_real_pages_have_no_reader_findings(small_set, capsys):
    """Every page of the run's built set passes every reader check; links out (a figure's web
    source) are allowed, resources that load from the network are not."""
    found = check_report_set(small_set)
    with capsys.disabled():
        print(f"\nreader checks on {len(list(small_set.rglob('*.html')))} real pages:\n{summary(found)}")
    assert [f for f in found if f.kind != "external_link"] == [], summary(found, 10)
    assert not [f for f in found if f.kind in STRICT_EVERYWHERE]
    # the index links every page of the set, in its own language, and both indexes to each other
    vi = (small_set / "index.vi.html").read_text(encoding="utf-8")
    assert 'href="index.en.html"' in vi and "tasks/ctr17_2021_2025.vi.html" in vi


# --------------------------------------------------------------------------- make screenshots (its logic, no browser)
def _screenshots_tool():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tools" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots_tool", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_screenshots_pick_the_merged_city_first_and_fill_up_to_five(tmp_path):
    tool = _screenshots_tool()
    for stem in ("can_tho_old/grdp_growth", "can_tho_merged/grdp_growth", "soc_trang/poverty_rate",
                 "hau_giang/a", "can_tho_merged/b", "can_tho_old/c", "vietnam/d"):
        p = tmp_path / "indicators" / f"{stem}.vi.html"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    picked = tool.pick_indicators(tmp_path, ("grdp_growth", "poverty_rate", "missing"), "vi")
    assert picked == ["indicators/can_tho_merged/grdp_growth", "indicators/soc_trang/poverty_rate",
                      "indicators/can_tho_merged/b", "indicators/can_tho_old/c", "indicators/can_tho_old/grdp_growth"]
    pages = tool.page_list(tmp_path, ["vi"], ("grdp_growth",))
    assert [n for _, n, _ in pages][:4] == ["1-index", "2-overview", "3-feasibility", "4-can_tho_merged-grdp_growth"]
    assert pages[0][2] == tmp_path / "index.vi.html" and len(pages) == 8


def test_screenshots_say_how_to_install_chromium(monkeypatch):
    tool = _screenshots_tool()
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CHROMIUM", raising=False)
    with pytest.raises(tool.ScreenshotError, match="apt-get install chromium"):
        tool.find_chromium()
    with pytest.raises(tool.ScreenshotError, match="not found at '/nope'"):
        tool.find_chromium("/nope")
