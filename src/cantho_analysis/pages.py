"""Report pages: every executed notebook becomes one self-contained HTML page from one template.

One jinja2 template (``templates/page.html.j2``) and one stylesheet (``templates/style.css``,
inlined) for every report: a breadcrumb back to the index, a switch to the same page in the
other language, a readable title (in the browser tab too), a footer with the data vintage and
the build date, and an A4 print layout. Nothing is fetched from the network: no external
scripts, no fonts, no CDN; charts are embedded PNG images. Folded ``<details>`` print unfolded:
print CSS opens them where the browser allows it, and one small inline script opens them on
``beforeprint`` and closes them again on ``afterprint``. Only what the notebook displays is shown: code,
prompts and the notebooks' stderr (warnings meant for developers) are left out of the page and
stay in the executed notebook.

This replaces nbconvert's lab template, which inlined about 300 KB of CSS in every page and
loaded require.js and MathJax from a public CDN.
"""

from __future__ import annotations

import html
import re
import time
from functools import lru_cache
from pathlib import Path

from . import config
from .i18n import t as msg

__all__ = ["render_page", "notebook_body", "page_title", "relative_index", "language_links", "download_names"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    return env, (TEMPLATES / "style.css").read_text(encoding="utf-8")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("cantho-analysis")
    except Exception:  # pragma: no cover - not installed
        return "?"


def format_date(iso: str, lang: str) -> str:
    """``2026-11-25`` (or a longer ISO time) as 25/11/2026 in Vietnamese, 25 Nov 2026 in English."""
    d = time.strptime(iso[:10], "%Y-%m-%d")
    return time.strftime("%d/%m/%Y", d) if lang == "vi" else time.strftime("%-d %b %Y", d)


def format_vintage(published: str, lang: str) -> str:
    """A ``published`` value (YYYY, YYYY-MM or YYYY-MM-DD) for readers: 01/2026 or Jan 2026."""
    parts = str(published).split("-")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        t = time.strptime(published, "%Y-%m")
        return time.strftime("%m/%Y", t) if lang == "vi" else time.strftime("%b %Y", t)
    return format_date(published, lang)


def relative_index(stem: str, lang: str = "") -> str:
    """The index in the page's language, relative to a page at ``stem``
    (``indicators/x/y.en``, en -> ``../../index.en.html``)."""
    return "../" * stem.count("/") + (f"index.{lang}.html" if lang else "index.html")


def language_links(stem: str, lang: str, langs: tuple[str, ...] | list[str]) -> list[tuple[str, str, str]]:
    """``(code, label, href)`` for each language; ``href`` is empty for the page's own language."""
    base = stem.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return [(code, msg(f"page.lang.{code}", lang), "" if code == lang else f"{base}.{code}.html") for code in ("vi", "en")
            if code == lang or code in langs]


def _output_html(out, lang: str) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") == "stderr":  # warnings for developers stay in the notebook
            return ""
        return f"<pre>{html.escape(''.join(out.get('text', '')))}</pre>"
    if kind == "error":
        return f"<pre class='error'>{html.escape(str(out.get('ename')))}: {html.escape(str(out.get('evalue')))}</pre>"
    data = out.get("data", {})
    if "text/html" in data:
        body = data["text/html"]
        body = "".join(body) if isinstance(body, list) else body
        return re.sub(r"</table>", "</table></div>", re.sub(r"<table", "<div class='table-wrap'><table", body))
    if "image/png" in data:
        png = data["image/png"]
        png = "".join(png).replace("\n", "") if isinstance(png, list) else png.replace("\n", "")
        return f"<img alt='{html.escape(msg('page.chart', lang))}' src='data:image/png;base64,{png}'>"
    if "text/plain" in data:
        text = data["text/plain"]
        return f"<pre>{html.escape(''.join(text) if isinstance(text, list) else text)}</pre>"
    return ""


def notebook_body(nb, lang: str) -> str:
    """What the notebook's code cells displayed, as HTML (markdown cells and code are left out)."""
    parts = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            parts.append(_output_html(out, lang))
    return "\n".join(p for p in parts if p)


def download_names(indicator_id: str, lang: str) -> dict[str, str]:
    """File names of an indicator page's downloads, written beside the page (``<id>.<lang>.html``)."""
    return {"csv": f"{indicator_id}.data.{lang}.csv", "targets_csv": f"{indicator_id}.targets.{lang}.csv",
            "xlsx": f"{indicator_id}.data.{lang}.xlsx"}


def page_title(kind: str, lang: str, params: dict) -> tuple[str, list[str]]:
    """A reader's title for a report and the breadcrumb items between the index and the page."""
    if kind == "indicator":
        from .narrative import label
        from .report import get_context

        ctx = get_context()
        ind = ctx.catalog.indicator(params["indicator_id"])
        loc = config.LOCALITY_NAMES[params["locality"]][lang]
        return f"{label(ind, lang)} — {loc}", [loc]
    if kind == "tasks":
        from .report import get_catalog

        plans = get_catalog().plans
        row = plans[plans["plan"] == params.get("plan")]
        name = row.iloc[0]["name_vi" if lang == "vi" else "name_en"] if len(row) else str(params.get("plan"))
        return msg("page.tasks_title", lang, plan=name), [msg("page.tasks", lang)]
    if kind in ("overview", "feasibility"):
        return msg(f"page.{kind}", lang), []
    return str(params.get("title") or kind), []


def newest_published(actuals, kind: str = "", params: dict | None = None) -> str:
    """The newest ``published`` (raw, e.g. ``2026-01``) among the figures a page shows; "" if none.

    An indicator page counts its own figures (indicator and locality), every other page all
    (:func:`newest_published_by_unit`, which gives it for every page at once)."""
    newest = newest_published_by_unit(actuals)
    if kind == "indicator" and params:
        return newest.get((params.get("indicator_id"), params.get("locality")), "")
    return newest[""]


def newest_published_by_unit(actuals) -> dict:
    """``newest_published`` for every page at once: ``{"": newest of all, (indicator_id, locality):
    newest of that unit}`` (one pass over the figures instead of one filter per page)."""
    a = actuals[["indicator_id", "locality", "published"]].dropna(subset=["published"])
    a = a.assign(published=a["published"].astype(str))
    a = a[a["published"].str.len() > 0]
    out = {"": max(a["published"]) if len(a) else ""}
    out.update(a.groupby(["indicator_id", "locality"], sort=False)["published"].max().to_dict())
    return out


def _vintage(lang: str, kind: str = "", params: dict | None = None, published: str | None = None) -> str:
    """The page's data vintage for readers; ``published`` when the batch already knows it."""
    if published is None:
        from .report import get_catalog

        published = newest_published(get_catalog().actuals, kind, params)
    return format_vintage(published, lang) if published else "—"


def render_page(nb, kind: str, stem: str, lang: str, params: dict, langs: tuple[str, ...] | list[str],
                built: str, stale: tuple[str, str] | None = None, published: str | None = None,
                title: tuple[str, list[str]] | None = None) -> str:
    """The HTML page of one executed notebook.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    kind, stem, lang, params
        The report's job: its kind, its path in the output (without extension), language
        and notebook parameters.
    langs
        The languages built in this set (the language switch links only to those).
    built
        UTC build time, ISO 8601.
    stale
        ``(error, built)`` when the page is a kept previous version.
    published
        The newest ``published`` of the page's figures, when the caller knows it (the batch
        computes it once in the parent, so workers need not load the catalogue for it).
    title
        ``page_title(kind, lang, params)`` when the caller knows it (the batch's parent, likewise).
    """
    env, css = _environment()
    title, crumbs = title if title is not None else page_title(kind, lang, params)
    try:
        vintage = _vintage(lang, kind, params, published)
    except Exception:
        vintage = "—"
    body = notebook_body(nb, lang)
    # The display functions open with the report's title (for JupyterLab); the page shows it
    # as its <h1> and in the tab, so that it follows the notebook's parameters.
    m = re.match(r"\s*<h2>(.*?)</h2>", body, flags=re.S)
    if m and "<" not in m.group(1):
        title = html.unescape(m.group(1)).strip()
        body = body[m.end():]
    footer = msg("page.footer", lang, vintage=vintage, built=format_date(built, lang), version=_version())
    return env.get_template("page.html.j2").render(
        lang=lang, title=title, site=msg("page.site", lang), index_label=msg("page.index", lang), css=_markup(css), index_href=relative_index(stem, lang), crumbs=crumbs,
        languages=language_links(stem, lang, langs), body=_markup(body), footer=footer,
        stale=msg("page.stale", lang, error=stale[0], built=format_date(stale[1], lang)) if stale else "")


def _markup(s: str):
    from markupsafe import Markup

    return Markup(s)  # built from escaped text by the package's display functions
