"""Build ``data/tasks.csv`` from the two task lists in ``data/raw/`` (re-runnable, deterministic).

* ``004_…``: the appendix "DANH MỤC CÁC NHIỆM VỤ, ĐỀ ÁN, DỰ ÁN, CÔNG TRÌNH QUAN TRỌNG" of the
  2025–2030 action programme: one tab-separated line per task (TT, task, lead, coordinating,
  deadline, funds), sections "I …" and "II …", the table header repeated at every page break.
* ``001_…``: the appendix "DANH MỤC CÁC CHƯƠNG TRÌNH, ĐỀ ÁN, KẾ HOẠCH" of action programme
  17/CTr-UBND: one cell per line (number, title, lead, coordinating, submission time), cells
  separated by blank lines, sections "I" … "VIII" each followed by their title.

The readings (deadline kind and years, funding kind, agencies) come from
``cantho_analysis.tasks``, so the rules are the package's tested ones. Every cell must be
read: an unknown deadline form, an agency spelling not in ``data/agencies.csv`` or a gap
in the numbering stops the script with the row named. Hand-checked remarks on awkward rows
are in ``NOTES`` below.

Usage: ``.venv/bin/python tools/extract_tasks.py [--check]`` (``--check``: compare with the
committed file instead of writing it; exit 1 when they differ).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cantho_analysis import tasks as T  # noqa: E402

RAW = ROOT / "data" / "raw"
OUT = ROOT / "data" / "tasks.csv"
COLUMNS = T.TASK_COLUMNS + T.EXTRA_COLUMNS

LISTS = {
    # plan: (file, heading that opens the list, markers that close it)
    "dh_i_2025_2030": ("004_b50851294415a046.txt", "DANH MỤC CÁC NHIỆM VỤ, ĐỀ ÁN, DỰ ÁN, CÔNG TRÌNH QUAN TRỌNG",
                       ("Ghi chú:",)),
    "ctr17_2021_2025": ("001_a04d0207a54e2226.txt", "DANH MỤC CÁC CHƯƠNG TRÌNH, ĐỀ ÁN, KẾ HOẠCH",
                        ("1 Tỷ giá", "HIỆU LỰC VĂN BẢN")),
}

# Hand-checked remarks on awkward rows, keyed by task_id.
NOTES = {
    "dh_i_2025_2030.007": "Lead printed 'Ban Chi đạo 35' (for Ban Chỉ đạo 35).",
    "dh_i_2025_2030.008": "Lead printed 'Ban Chi đạo 35' (for Ban Chỉ đạo 35).",
    "dh_i_2025_2030.009": "Lead printed 'Ban Chi đạo thực hiện Chỉ thị số 05-CT/TW …' (for Ban Chỉ đạo).",
    "dh_i_2025_2030.020": "Advising body printed 'Tổ chức Thành ủy', read as Ban Tổ chức Thành ủy.",
    "dh_i_2025_2030.213": "Coordinating cell names the party committees under the City People's Committee's Party "
                          "Committee; counted under the City People's Committee.",
    "ctr17_2021_2025.14": "Submission time is conditional: after the City Party Committee approves its resolution.",
    "ctr17_2021_2025.17": "Title truncated in the source ('tầm nhìn đến năm 203').",
}
CARRIED = "Started before the 2025-2030 term and carried into its list."
# A title ending in a cut-off year ("tầm nhìn đến năm 203"): allowed only where NOTES says the
# source prints it so (tests/test_tasks_catalog.py holds the same pattern).
CUT_YEAR = re.compile(r"(?<![\d.,])(?:(?:19|20)\d?|(?<=năm )\d{1,3})$", re.IGNORECASE)


def _ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _block(lines: list[str], heading: str, ends: tuple[str, ...]) -> tuple[int, int]:
    """0-based [first, last) line range of a list: from its heading to its closing marker."""
    first = next(i for i, l in enumerate(lines) if heading in l)
    last = next(i for i in range(first, len(lines)) if any(lines[i].strip().startswith(e) for e in ends))
    return first, last


ROMAN = re.compile(r"^([IVX]+)[\t ]+(\S.*)$")


def rows_004(fname: str, lines: list[str], first: int, last: int):
    section = ""
    for i in range(first, last):
        line = lines[i]
        m = ROMAN.match(line.strip("\n"))
        if m:
            section = f"{m.group(1)} {_ws(m.group(2))}"
            continue
        m = re.match(r"^(\d+)\t", line)
        if not m:
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) != 6:
            raise SystemExit(f"{fname}:{i + 1}: expected 6 cells, found {len(cells)}")
        num, title, lead, coord, deadline, funds = (T.clean_cell(c) for c in cells)
        yield int(num), num, section, title, lead, coord, deadline, funds, i + 1


def rows_001(fname: str, lines: list[str], first: int, last: int):
    cells = [(i + 1, _ws(lines[i])) for i in range(first, last) if lines[i].strip()]
    k = next(j for j, (_, c) in enumerate(cells) if c.startswith("Thời gian trình")) + 1
    section = ""
    while k < len(cells):
        line, c = cells[k]
        if re.fullmatch(r"[IVX]+", c):
            section = f"{c} {cells[k + 1][1]}"
            k += 2
        elif re.fullmatch(r"\d{1,3}", c):
            title, lead, coord, deadline = (x for _, x in cells[k + 1:k + 5])
            yield int(c), c, section, title, lead, coord, deadline, "", line
            k += 5
        else:
            raise SystemExit(f"{fname}:{line}: unexpected cell {c[:60]!r}")


def build() -> list[dict]:
    agencies = T.load_agencies(ROOT / "data")
    out = []
    for plan, (fname, heading, ends) in LISTS.items():
        lines = (RAW / fname).read_text(encoding="utf-8").split("\n")
        first, last = _block(lines, heading, ends)
        reader = rows_004 if plan == "dh_i_2025_2030" else rows_001
        expect = 1
        for num, printed, section, title, lead, coord, deadline, funds, line in reader(fname, lines, first, last):
            where = f"{fname}:{line} (row {printed})"
            if num != expect:
                raise SystemExit(f"{where}: numbering jumps from {expect - 1} to {num}")
            expect += 1
            d = T.parse_deadline(deadline)
            lead_ids = T.match_agencies(lead, agencies)
            if len(lead_ids) != 1 or T.unmatched_text(lead, agencies):
                raise SystemExit(f"{where}: lead {lead!r} does not name exactly one known agency ({lead_ids})")
            if T.unmatched_text(coord, agencies):
                raise SystemExit(f"{where}: coordinating text not read: {T.unmatched_text(coord, agencies)!r}")
            advisory, rest = T.split_coordinating(coord)
            tid = f"{plan}.{printed.zfill(3) if reader is rows_004 else printed}"
            if CUT_YEAR.search(title) and "truncated in the source" not in NOTES.get(tid, ""):
                raise SystemExit(f"{where}: the title ends in a cut-off number ({title[-30:]!r}); read the "
                                 "next lines, or say in NOTES that the source prints it so")
            out.append({
                "task_id": tid, "plan": plan, "section": section, "title": title, "lead": lead,
                "coordinating": coord, "deadline_text": d.text, "deadline_start": d.start or "",
                "deadline_end": d.end or "", "deadline_kind": d.kind, "funding_text": funds,
                "funding_kind": T.classify_funding(funds) or "", "source_file": fname, "source_line": line,
                "quote": f"{printed} {title}",
                "lead_agency": lead_ids[0],
                "advisory_agencies": ";".join(T.match_agencies(advisory, agencies)),
                "coordinating_agencies": ";".join(T.match_agencies(rest, agencies)),
                "note": NOTES.get(tid) or (CARRIED if plan == "dh_i_2025_2030" and d.start and d.start < "2025" else ""),
            })
    unknown = set(NOTES) - {r["task_id"] for r in out}
    if unknown:
        raise SystemExit(f"NOTES for tasks that do not exist: {sorted(unknown)}")
    return out


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    text = to_csv(build())
    if "--check" in argv:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("data/tasks.csv is up to date" if same else "data/tasks.csv differs from the extraction")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {text.count(chr(10)) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
