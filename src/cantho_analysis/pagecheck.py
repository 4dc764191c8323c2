"""Checks a reader would make on a built report set: the words, the values and the links.

:func:`check_page` looks at one HTML page, :func:`check_report_set` at every page of a folder
made by ``cantho-analysis reports``; both return :class:`Finding` rows (page, kind, detail) in a
stable order, and :func:`summary` counts them. Kinds:

``message_key``
    a key of the message catalogue (``register.col_no``) shown as text: a message not looked up.
``english_on_vi`` / ``vietnamese_on_en``
    a word of the other language (a small stop-list, :data:`EN_WORDS` / :data:`VI_WORDS`) in a
    header, a heading, a label or a sentence. Quoted text is not the page's own wording and is
    left out, at any depth of nesting: anything inside ``<q>``, ``<blockquote>``,
    ``class="quote"`` or an element with a ``lang`` attribute of another language, and anything
    between matching quotation marks (``“…”``, ``«…»``, ``„…“``) within one block of text, also
    when a quotation holds another, runs across inline elements, or is an excerpt that carries
    the closing mark of a quotation it starts inside (:func:`unquoted`). A quotation mark that
    is never opened or closed exempts nothing, and neither does a long table cell: normal text
    is checked wherever it is.
``missing_value``
    ``<NA>``, ``nan``, ``NaT`` or a cell reading ``None``.
``raw_id``
    an identifier (``can_tho_old``, ``dh_i_2025_2030``, ``targets_with_outturn``) or a hashed
    source file name (``004_b50851294415a046.txt``) where a reader expects a name.
``external_resource``
    something the page would fetch from the network (a script, stylesheet, image, frame, CSS
    ``url()`` or ``@import``, an address in a script): the pages must work offline and tell no
    third party who reads them.
``external_link``
    a link (``<a href="https://…">``) to another site. Not fetched by the page; listed so that
    a reader can see where they lead (sources given by web address).
``dead_link``
    a link or resource inside the set that does not resolve (no such file, or no such
    ``#anchor`` in it).

Pure functions of text (and, for links, of the files beside the page); nothing is fetched.
``python -m cantho_analysis.pagecheck DIR`` prints the summary of a report set.
"""

from __future__ import annotations

import html as _html
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["Finding", "KINDS", "EN_WORDS", "VI_WORDS", "check_page", "check_report_set", "summary", "page_text",
           "unquoted", "main"]

KINDS = ("message_key", "english_on_vi", "vietnamese_on_en", "missing_value", "raw_id", "external_resource",
         "external_link", "dead_link")

# English words that have no business on a Vietnamese page (table headers, legends, statuses,
# the glue of an English sentence). Lower case; matched as whole words, case-insensitively.
EN_WORDS = (
    "official", "preliminary", "estimate", "target", "targets", "status", "indicator", "indicators", "year",
    "years", "source", "sources", "value", "values", "latest", "deadline", "baseline", "achieved", "exceeded",
    "not achieved", "on track", "no data", "needs acceleration", "limited progress", "regressing", "overdue",
    "upcoming", "locality", "period", "average", "growth", "probability", "scenario", "chart", "download",
    "total", "unknown", "billion", "million", "per year", "line", "the", "and", "of", "with", "for", "from",
    "in english", "share met",
)
# Vietnamese words that have no business on an English page outside quotations.
VI_WORDS = (
    "chỉ tiêu", "chỉ số", "tình trạng", "nguồn", "năm", "đạt", "vượt", "không đạt", "chính thức", "sơ bộ",
    "ước tính", "dòng", "mục tiêu", "giai đoạn", "đơn vị", "tỷ đồng", "triệu đồng", "tổng quan", "báo cáo",
    "số liệu", "văn bản", "biểu đồ", "nhiệm vụ", "quá hạn", "của", "và", "các", "được", "trong", "tiếng việt",
)
# Quotation marks: an opening mark and the marks that close it.
_QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“”"}
_QUOTE_CLOSERS = frozenset("”»“")
# Elements inside a run of text; any other element starts a new block (quotation marks are
# matched within a block, so an unclosed mark cannot reach into the next paragraph or cell).
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
           "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "br", "font"}

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HEADER_TAGS = {"th", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "label", "option", "button", "legend",
                "figcaption", "title", "summary", "dt"}
_SKIP_TAGS = {"script", "style", "template"}
_QUOTE_TAGS = {"q", "blockquote"}
_RESOURCE_ATTRS = {("img", "src"), ("script", "src"), ("iframe", "src"), ("frame", "src"), ("embed", "src"),
                   ("source", "src"), ("video", "src"), ("audio", "src"), ("track", "src"), ("object", "data"),
                   ("link", "href"), ("img", "srcset"), ("source", "srcset"), ("video", "poster"),
                   ("input", "src")}
_EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.I)
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|vn|org|net|gov|int)(?:/\S*)?", re.I)
_CSS_URL = re.compile(r"""url\(\s*['"]?\s*((?:https?:)?//[^'")\s]+)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?\s*((?:https?:)?//[^'")\s;]+)""", re.I)
_SCRIPT_URL = re.compile(r"""['"`]((?:https?:)?//[^'"`\s]+)""", re.I)
_RAW_ID = re.compile(r"(?<![\w.\-/])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w\-])")
_HASHED_FILE = re.compile(r"(?<![\w])\d{3}_[0-9a-f]{16}(?:\.(?:txt|md))?(?![\w])")
_KEY_TOKEN = re.compile(r"(?<![\w.\-/])[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?![\w\-])")
_MISSING = re.compile(r"(?<![\w<])(?:<NA>|nan|NaN|NaT)(?![\w>])")


@dataclass(frozen=True, order=True)
class Finding:
    page: str
    kind: str
    detail: str


@dataclass
class _Segment:
    text: str
    header: bool  # a header, heading, label: the page's own words for certain
    cell: bool  # inside a table data cell
    quoted: bool  # inside a quotation element, or marked as another language
    block: int = 0  # segments of one block (paragraph, cell, heading) share the number


class _PageParser(HTMLParser):
    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.page_lang = lang
        self.stack: list[tuple[str, bool]] = []  # (tag, marks a quotation / other language)
        self.segments: list[_Segment] = []
        self.links: list[str] = []  # <a href>
        self.resources: list[tuple[str, str]] = []  # (tag, url) the page would load
        self.ids: set[str] = set()
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.html_lang = ""
        self._raw: list[str] | None = None
        self.block = 0

    # -- structure
    def handle_starttag(self, tag, attrs):
        if tag not in _INLINE:
            self.block += 1
        a = {k: (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.html_lang = a["lang"].split("-")[0].lower()
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        for (t, attr) in _RESOURCE_ATTRS:
            if tag == t and a.get(attr):
                if tag == "link" and not set(a.get("rel", "").lower().split()) & {"stylesheet", "icon", "preload",
                                                                                  "prefetch", "manifest", "import",
                                                                                  "modulepreload", "shortcut"}:
                    continue
                urls = [u.strip().split()[0] for u in a[attr].split(",") if u.strip()] if attr == "srcset" else [a[attr]]
                self.resources += [(tag, u) for u in urls]
        if a.get("style"):
            self.styles.append(a["style"])
        # an element in another language: lang="…", or a link to a page in another language
        # (the language switch names each language in itself: "Tiếng Việt" on an English page)
        lang = (a.get("lang") or (a.get("hreflang") if tag == "a" else "") or "").split("-")[0].lower()
        quoted = (tag in _QUOTE_TAGS or "quote" in a.get("class", "").split()
                  or (bool(lang) and lang != self.page_lang and tag != "html"))
        if tag in _SKIP_TAGS:
            self._raw = []
        if tag not in _VOID:
            self.stack.append((tag, quoted))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in _INLINE:
            self.block += 1
        if tag in _SKIP_TAGS and self._raw is not None:
            (self.styles if tag == "style" else self.scripts).append("".join(self._raw))
            self._raw = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self._raw is not None:
            self._raw.append(data)
            return
        if not data.strip():
            return
        tags = [t for t, _ in self.stack]
        self.segments.append(_Segment(data, any(t in _HEADER_TAGS for t in tags), "td" in tags,
                                      any(q for _, q in self.stack), self.block))


def _parse(text: str, lang: str) -> _PageParser:
    p = _PageParser(lang)
    p.feed(text)
    p.close()
    return p


def page_text(text: str) -> str:
    """The visible text of a page (scripts and styles left out), blanks collapsed."""
    p = _parse(text, "")
    return " ".join(" ".join(s.text.split()) for s in p.segments)


@lru_cache(maxsize=1)
def _message_keys() -> frozenset[str]:
    from .i18n import LANGS, catalogue

    out: set[str] = set()
    for lang in LANGS:
        for k in catalogue(lang):
            parts = k.split(".")
            out |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
    return frozenset(out)


def _word_pattern(words) -> re.Pattern:
    alts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"(?<![\w\-])(" + "|".join(alts) + r")(?![\w\-])", re.I)


_EN = _word_pattern(EN_WORDS)
_VI = _word_pattern(VI_WORDS)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every quotation in ``text``: from an opening mark to the mark that
    closes it, nested ones included. A closing mark closes the innermost open quotation it
    fits (an inner one left open is closed with it). A closing mark with no quotation open
    ends the last quotation instead: an excerpt that starts inside a quotation of its source
    carries that quotation's closing mark (“không mại dâm” đạt từ 75% trở lên”). An opening
    mark never closed gives no span."""
    stack: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in _QUOTE_CLOSERS:
            j = next((j for j in range(len(stack) - 1, -1, -1) if ch in stack[j][1]), None)
            if j is not None:
                spans.append((stack[j][0], i + 1))
                del stack[j:]
                continue
            if not stack and spans and ch in _QUOTE_PAIRS.get(text[spans[-1][0]], ""):
                spans.append((spans[-1][0], i + 1))  # the excerpt's own closing mark
                continue
        if ch in _QUOTE_PAIRS:
            stack.append((i, _QUOTE_PAIRS[ch]))
    return spans


def unquoted(text: str) -> str:
    """``text`` with every quotation (between matching marks, at any depth) blanked out."""
    chars = list(text)
    for a, b in _quoted_spans(text):
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _own_words(segments: list[_Segment]) -> list[str]:
    """Each segment's text with the quotations of its block blanked (a quotation may run over
    several segments: a link or an emphasis inside it)."""
    out: list[str] = []
    i = 0
    while i < len(segments):
        j = i
        while j < len(segments) and segments[j].block == segments[i].block:
            j += 1
        whole = unquoted("".join(s.text for s in segments[i:j]))
        k = 0
        for s in segments[i:j]:
            out.append(whole[k:k + len(s.text)])
            k += len(s.text)
        i = j
    return out


def _clean(text: str) -> str:
    return _URL_IN_TEXT.sub(" ", " ".join(text.split()))


def _short(text: str, n: int = 90) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def check_page(text: str, lang: str | None = None, name: str = "page", path: Path | None = None,
               root: Path | None = None, _targets: dict | None = None) -> list[Finding]:
    """Every finding on one page.

    Parameters
    ----------
    text : str
        The page's HTML.
    lang : "vi", "en" or None
        The page's language; None takes ``<html lang>``.
    name : str
        How findings name the page (its path in the set).
    path, root : Path, optional
        Where the page is, and the set it belongs to: internal links are resolved against
        ``path`` and must stay inside ``root``. Without ``path`` only ``#anchors`` on the page
        itself are checked.
    """
    p = _parse(text, lang or "")
    lang = lang or p.html_lang
    if lang and not p.page_lang:
        p = _parse(text, lang)
    found: set[Finding] = set()

    def add(kind: str, detail: str) -> None:
        found.add(Finding(name, kind, detail))

    keys = _message_keys()
    for seg, own_text in zip(p.segments, _own_words(p.segments)):
        raw = " ".join(seg.text.split())
        clean = _clean(seg.text)
        for m in _KEY_TOKEN.finditer(clean):
            if m.group(0) in keys:
                add("message_key", m.group(0))
        for m in _MISSING.finditer(raw):
            add("missing_value", f"{m.group(0)} in “{_short(raw)}”")
        if raw == "None":
            add("missing_value", "None")
        for m in _HASHED_FILE.finditer(raw):
            add("raw_id", f"file name {m.group(0)}")
        for m in _RAW_ID.finditer(clean):
            if m.group(0) not in keys:
                add("raw_id", m.group(0))
        if seg.quoted:
            continue
        own = _clean(own_text)
        if lang == "vi":
            for m in _EN.finditer(own):
                add("english_on_vi", f"“{m.group(0)}” in “{_short(raw)}”")
        elif lang == "en":
            for m in _VI.finditer(own):
                add("vietnamese_on_en", f"“{m.group(0)}” in “{_short(raw)}”")

    for tag, url in p.resources:
        if _EXTERNAL.match(url):
            add("external_resource", f"<{tag}> {url}")
    for css in p.styles:
        for m in list(_CSS_URL.finditer(css)) + list(_CSS_IMPORT.finditer(css)):
            add("external_resource", f"CSS {m.group(1)}")
    for js in p.scripts:
        for m in _SCRIPT_URL.finditer(js):
            add("external_resource", f"script {m.group(1)}")

    targets = _targets if _targets is not None else {}
    internal = [u for u in p.links] + [u for tag, u in p.resources if not _EXTERNAL.match(u)]
    for url in internal:
        u = url.strip()
        if not u or u.startswith(("mailto:", "tel:", "data:", "javascript:", "blob:")):
            continue
        if _EXTERNAL.match(u) or re.match(r"^[a-z][a-z0-9+.-]*:", u, re.I):
            if u in p.links:
                add("external_link", u)
            continue
        parts = urlsplit(u)
        frag = unquote(parts.fragment)
        if not parts.path:
            if frag and frag not in p.ids:
                add("dead_link", f"#{frag} (no such anchor on the page)")
            continue
        if path is None:
            continue
        target = (path.parent / unquote(parts.path)).resolve()
        if root is not None:
            try:
                target.relative_to(Path(root).resolve())
            except ValueError:
                add("dead_link", f"{u} (outside the report set)")
                continue
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            add("dead_link", f"{u} (no such file)")
            continue
        if frag and target.suffix.lower() in (".html", ".htm"):
            ids = targets.get(target)
            if ids is None:
                ids = targets[target] = _parse(target.read_text(encoding="utf-8", errors="replace"), "").ids
            if frag not in ids:
                add("dead_link", f"{u} (no such anchor)")
    return sorted(found)


def _page_lang(path: Path, text: str) -> str:
    m = re.search(r"<html[^>]*\blang=['\"]?([a-zA-Z]{2})", text[:2000])
    if m:
        return m.group(1).lower()
    m = re.search(r"\.(vi|en)\.html?$", path.name)
    return m.group(1) if m else ""


def check_report_set(root: str | Path, pages: list[str] | None = None) -> list[Finding]:
    """Every finding on every HTML page under ``root`` (or only ``pages``, paths relative to it),
    in a stable order (page, kind, detail)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such report set (run `cantho-analysis reports --out {root}`)")
    files = sorted(root.rglob("*.html")) if pages is None else [root / p for p in pages]
    targets: dict = {}
    out: list[Finding] = []
    for f in files:
        if ".ipynb_checkpoints" in f.parts:
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        out += check_page(text, _page_lang(f, text), str(f.relative_to(root)), f, root, targets)
    return sorted(out)


def summary(findings: list[Finding], examples: int = 3) -> str:
    """Findings counted by kind (with the pages affected) and a few examples of each."""
    if not findings:
        return "no findings"
    by_kind = Counter(f.kind for f in findings)
    lines = []
    for kind in [k for k in KINDS if k in by_kind] + sorted(set(by_kind) - set(KINDS)):
        fs = [f for f in findings if f.kind == kind]
        pages = len({f.page for f in fs})
        details = Counter(f.detail for f in fs)
        lines.append(f"{kind}: {len(fs)} on {pages} page(s)")
        for d, n in details.most_common(examples):
            page = next(f.page for f in fs if f.detail == d)
            lines.append(f"    {_html.unescape(d)}  ({n}x, e.g. {page})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m cantho_analysis.pagecheck DIR [--strict KIND,...]``: print the summary; exit 1
    when a kind named with ``--strict`` was found."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m cantho_analysis.pagecheck", description=__doc__.split("\n")[0])
    ap.add_argument("root", help="a report set (the folder given to `reports --out`)")
    ap.add_argument("--strict", default="", help="kinds that fail the check, comma-separated (default: none)")
    ap.add_argument("--examples", type=int, default=3)
    args = ap.parse_args(argv)
    try:
        findings = check_report_set(args.root)
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 2
    n_pages = len(list(Path(args.root).rglob("*.html")))
    print(f"{n_pages} page(s) checked in {args.root}")
    print(summary(findings, args.examples))
    strict = {k.strip() for k in args.strict.split(",") if k.strip()}
    return 1 if any(f.kind in strict for f in findings) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
