"""The page template (pages.render_page) on a tiny in-memory notebook: folded details print unfolded."""

import re

import nbformat

from cantho_analysis.pages import render_page

FOLD = "<details><summary>Quote</summary><q>the folded text</q></details>"


def _page(body: str = FOLD) -> str:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": body})]
    nb.cells = [cell]
    return render_page(nb, "test", "indicators/x/y.en", "en", {"title": "A page"}, ["vi", "en"],
                       "2026-11-26T07:00:00Z", published="2026-01")


def test_folded_details_are_opened_for_print_and_closed_again_afterwards():
    page = _page()
    assert FOLD in page  # closed on screen: the fold itself is unchanged
    scripts = re.findall(r"<script(\s[^>]*)?>(.*?)</script>", page, flags=re.DOTALL)
    assert len(scripts) == 1 and not scripts[0][0]  # one inline script, nothing fetched
    js = scripts[0][1]
    assert 'addEventListener("beforeprint"' in js and 'addEventListener("afterprint"' in js
    before, after = js.split('addEventListener("afterprint"')
    # it opens only the folds that were closed, and afterwards closes exactly those (the reader's open ones stay open)
    assert 'details:not([open])' in before and "d.open = true" in before
    assert "opened.forEach" in after and "d.open = false" in after
    assert page.index("<script") > page.index("</main>")  # after the content it acts on


def test_print_css_opens_folds_where_the_browser_allows_it():
    page = _page()
    css = page[page.index("<style>"):page.index("</style>")]
    print_block = css[css.index("@media print"):]
    assert re.search(r"details::details-content\s*\{[^}]*content-visibility:\s*visible", print_block)
    assert "details::details-content" not in css[:css.index("@media print")]  # on screen folds stay folded


def test_newest_published_for_every_page_at_once_agrees_with_one_page_at_a_time(catalog):
    from cantho_analysis.pages import newest_published, newest_published_by_unit

    a = catalog.actuals

    def by_hand(rows) -> str:  # the newest non-empty `published` of these figures, filtered directly
        pub = [str(p) for p in rows["published"].dropna() if str(p)]
        return max(pub) if pub else ""

    by_unit = newest_published_by_unit(a)
    assert by_unit[""] == newest_published(a, "overview", {}) == by_hand(a)
    units = a[["indicator_id", "locality"]].drop_duplicates().head(40).itertuples(index=False)
    for u in units:
        params = {"indicator_id": u.indicator_id, "locality": u.locality}
        mine = a[(a["indicator_id"] == u.indicator_id) & (a["locality"] == u.locality)]
        assert by_unit.get((u.indicator_id, u.locality), "") == newest_published(a, "indicator", params) == by_hand(mine)
