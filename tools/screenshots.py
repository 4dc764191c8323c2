"""Headless Chromium screenshots of the pages a reader looks at first (``make screenshots``).

Takes the index, the overview, the feasibility page and five indicator pages, in each
language, from a report set, into ``screenshots/<lang>/`` (git-ignored). The set is reused when
it already holds those pages; otherwise it is built first with ``cantho-analysis reports
--only`` (the five indicators, the overview and the feasibility study; about two minutes).

Chromium runs offline (every host name resolves to nothing), so a page that needs the network
shows it in its picture. It gets a throw-away profile, so several runs on one machine do not
share state. Not part of ``make test``: it needs Chromium (``apt-get install chromium``) and
the pictures are for people to look at. The reader checks (``cantho_analysis.pagecheck``) are
run on the same pages and their summary printed.

    python tools/screenshots.py [--reports DIR] [--out screenshots] [--lang vi,en] [--height 2400]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INDICATORS = ("grdp_growth", "grdp_per_capita", "total_investment", "poverty_rate", "urbanisation_rate")
LOCALITY_ORDER = ("can_tho_merged", "can_tho_old", "soc_trang", "hau_giang", "mekong_delta", "vietnam")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ScreenshotError(Exception):
    """Something the user can fix (no Chromium, no report set); printed as one line."""


def find_chromium(explicit: str | None = None) -> str:
    """The Chromium binary: ``--chromium``, ``$CHROMIUM``, then the usual names on the PATH."""
    for name in ([explicit] if explicit else []) + ([os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else []):
        if Path(name).is_file() and os.access(name, os.X_OK):
            return name
        found = shutil.which(name)
        if found:
            return found
        raise ScreenshotError(f"chromium not found at {name!r}")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ScreenshotError("chromium not found: install it with `apt-get install chromium` (Debian/Ubuntu), "
                          "or give its path with --chromium or CHROMIUM=/path/to/chromium")


def pick_indicators(root: Path, wanted: tuple[str, ...] = DEFAULT_INDICATORS, lang: str = "vi", n: int = 5
                    ) -> list[str]:
    """Up to ``n`` indicator pages (paths relative to ``root``, without the language), the merged
    city first: the ``wanted`` ids where a page exists, then others to make up the number."""
    pages = {p.relative_to(root).as_posix()[: -len(f".{lang}.html")]
             for p in (root / "indicators").glob(f"*/*.{lang}.html")}

    def best(iid: str) -> str | None:
        for loc in LOCALITY_ORDER:
            if f"indicators/{loc}/{iid}" in pages:
                return f"indicators/{loc}/{iid}"
        return None

    chosen = [b for b in (best(i) for i in wanted) if b]
    for stem in sorted(pages, key=lambda s: (LOCALITY_ORDER.index(s.split("/")[1])
                                             if s.split("/")[1] in LOCALITY_ORDER else 99, s)):
        if len(chosen) >= n:
            break
        if stem not in chosen:
            chosen.append(stem)
    return chosen[:n]


def page_list(root: Path, langs: list[str], indicators: tuple[str, ...] = DEFAULT_INDICATORS
              ) -> list[tuple[str, str, Path]]:
    """``(lang, picture name, page)`` for every page to take, in a stable order."""
    out = []
    for lang in langs:
        out.append((lang, "1-index", root / f"index.{lang}.html"))
        out.append((lang, "2-overview", root / "overview" / f"overview.{lang}.html"))
        out.append((lang, "3-feasibility", root / "feasibility" / f"growth_feasibility.{lang}.html"))
        for i, stem in enumerate(pick_indicators(root, indicators, lang), start=4):
            out.append((lang, f"{i}-{stem.split('/')[1]}-{stem.split('/')[2]}", root / f"{stem}.{lang}.html"))
    return out


def build_set(reports: Path, langs: list[str], indicators: tuple[str, ...]) -> None:
    """``cantho-analysis reports --only`` the indicators (with the overview and the feasibility study)."""
    exe = ROOT / ".venv" / "bin" / "cantho-analysis"
    cmd = [str(exe) if exe.exists() else "cantho-analysis", "reports", "--out", str(reports), "--only",
           ",".join(indicators), "--lang", ",".join(langs), "--jobs", str(min(2, os.cpu_count() or 1))]
    print("building the report set:", " ".join(cmd), file=sys.stderr)
    rc = subprocess.call(cmd, cwd=ROOT)
    if rc not in (0, 1):  # 1: some report failed; the others are still worth a look
        raise ScreenshotError(f"`cantho-analysis reports` stopped (exit {rc}); nothing to take")


def shoot(chromium: str, page: Path, png: Path, width: int, height: int, timeout: float = 90) -> None:
    """One screenshot of ``page`` (a local file) into ``png``, offline, with a throw-away profile."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cantho-chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
               "--no-first-run", "--disable-extensions", "--disable-background-networking",
               "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
               f"--window-size={width},{height}", "--virtual-time-budget=3000",
               f"--screenshot={png}", page.resolve().as_uri()]
        try:
            res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, text=True)
        except subprocess.TimeoutExpired:
            raise ScreenshotError(f"{page}: chromium took more than {timeout:.0f} s") from None
    if not png.is_file() or png.stat().st_size == 0:
        tail = (res.stderr or "").strip().splitlines()[-3:]
        raise ScreenshotError(f"{page}: chromium wrote no picture (exit {res.returncode}): {' | '.join(tail)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", default=str(ROOT / "reports"),
                    help="report set to take (default reports/); built with --only when the pages are missing")
    ap.add_argument("--out", default=str(ROOT / "screenshots"), help="folder for the pictures (default screenshots/)")
    ap.add_argument("--lang", default="vi,en", help="languages (default vi,en)")
    ap.add_argument("--indicators", default=",".join(DEFAULT_INDICATORS),
                    help="indicator ids to take (the merged city's page where there is one)")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=2400, help="window height: how much of each page is taken")
    ap.add_argument("--rebuild", action="store_true", help="build the report set even if it has the pages")
    ap.add_argument("--chromium", help="path of the Chromium binary (default: chromium on the PATH)")
    args = ap.parse_args(argv)
    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    indicators = tuple(x.strip() for x in args.indicators.split(",") if x.strip())
    reports, out = Path(args.reports), Path(args.out)
    try:
        chromium = find_chromium(args.chromium)
        if args.rebuild or not all((reports / f"index.{lang}.html").is_file() for lang in langs) or not all(
                p.is_file() for _, _, p in page_list(reports, langs, indicators)[:3]):
            build_set(reports, langs, indicators)
        pages = page_list(reports, langs, indicators)
        missing = [str(p) for _, _, p in pages if not p.is_file()]
        for m in missing:
            print(f"missing page (not built or failed): {m}", file=sys.stderr)
        taken = []
        for lang, name, page in pages:
            if not page.is_file():
                continue
            png = out / lang / f"{name}.png"
            shoot(chromium, page, png, args.width, args.height)
            taken.append(png)
            print(f"{png}  <-  {page.relative_to(reports)}")
    except ScreenshotError as e:
        print(f"screenshots: {e}", file=sys.stderr)
        return 2
    print(f"{len(taken)} screenshot(s) in {out}/ ({args.width}x{args.height}); {len(missing)} page(s) missing")
    sys.path.insert(0, str(ROOT / "src"))
    from cantho_analysis.pagecheck import check_report_set, summary

    rel = [p.relative_to(reports).as_posix() for _, _, p in pages if p.is_file()]
    print("reader checks on these pages:\n" + summary(check_report_set(reports, rel)))
    return 0 if not missing else 1


if __name__ == "__main__":
    sys.exit(main())
