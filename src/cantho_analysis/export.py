"""``cantho-analysis export``: the scorecard, the data and the feasibility tables for Excel.

One workbook (``--format xlsx``, written with openpyxl) or one CSV per sheet in a folder
(``--format csv``, UTF-8 with a BOM so that Excel reads the Vietnamese correctly):

* ``about``      what each sheet holds, in the chosen language;
* ``scorecard``  one row per target: names, unit, status, what it takes, source, then every
                 column of the scorecard (``progress.SCORECARD_COLUMNS``) and names in both languages;
* ``targets``, ``actuals`` (every version and vintage), ``scenarios``, ``indicators``, ``plans``;
* ``feasibility`` and ``feas_*``  the feasibility study as ``cantho-analysis feasibility --format json``
                 gives it (run in-process; ``--no-feasibility`` leaves it out; it takes a minute or more).

Every text cell passes through ``safetext.spreadsheet_safe`` (a text starting with ``=``, ``+``,
``-`` or ``@`` stays text), in the CSV files too. Sheets are frozen below the header and their
columns are as wide as their content (up to a limit).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from pathlib import Path

import pandas as pd

from . import narrative
from .i18n import t as msg
from .safetext import spreadsheet_safe_frame

log = logging.getLogger(__name__)

__all__ = ["scorecard_sheet", "data_sheets", "feasibility_sheets", "write_xlsx", "xlsx_bytes", "write_csv", "register",
           "MAX_WIDTH"]

MAX_WIDTH = 60

# The rows of the "about" sheet, in order (texts: ``export.about.<sheet>`` in the message catalogue).
ABOUT_ORDER = ("about", "scorecard", "tally_comparison", "targets", "actuals", "scenarios", "indicators", "plans",
               "doc_tallies", "feasibility", "note")


def scorecard_sheet(card: pd.DataFrame, cat, lang: str = "en") -> pd.DataFrame:
    """The scorecard with readable columns first (in ``lang``), every scorecard column, the names in
    both languages and the target's source."""
    from .status_view import named_card

    named = named_card(card, cat.indicators, cat.plans)
    src = cat.targets.set_index("target_id")[["source_file", "source_line", "quote"]]
    front = pd.DataFrame({
        "indicator": named[f"indicator_name_{lang}"], "locality_name": named[f"locality_name_{lang}"],
        "plan_name": named[f"plan_name_{lang}"], "unit_label": named["unit" if lang == "en" else "unit_vi"],
        "status_label": named[f"status_{lang}"],
        "what_it_takes_label": [narrative.rate_unit_text(u, {"unit": un}, lang) if isinstance(u, str) and u else ""
                                for u, un in zip(card["what_it_takes_unit"], named["unit" if lang == "en" else "unit_vi"])],
    })
    tail = src.reindex(card["target_id"]).reset_index(drop=True)
    out = pd.concat([front.reset_index(drop=True), named.reset_index(drop=True), tail], axis=1)
    return spreadsheet_safe_frame(out)


def data_sheets(cat) -> dict[str, pd.DataFrame]:
    """The catalogue's tables, as they are (every version of every figure)."""
    sheets = {"targets": cat.targets, "actuals": cat.actuals, "scenarios": cat.scenarios,
              "indicators": cat.indicators, "plans": cat.plans}
    tallies = getattr(cat, "tallies", None)
    if isinstance(tallies, pd.DataFrame) and len(tallies):
        sheets["doc_tallies"] = tallies
    return {k: spreadsheet_safe_frame(v) for k, v in sheets.items()}


def feasibility_json(n_paths: int | None = None, seed: int | None = None) -> dict:
    """What ``cantho-analysis feasibility --format json`` prints (the study's defaults unless given)."""
    from .feasibility.display import report_json
    from .feasibility.study import StudyParams, run_study, with_params

    p = StudyParams()
    if n_paths is not None or seed is not None:
        p = with_params(p, **{k: v for k, v in (("n_paths", n_paths), ("seed", seed)) if v is not None})
    return report_json(run_study(p))


def _cell(v):
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return v


def feasibility_sheets(result: dict) -> dict[str, pd.DataFrame]:
    """Tables from the feasibility JSON, whatever its keys: a list of records becomes a sheet
    ``feas_<key>``; a dict of lists of records (the backtests) one sheet per list; everything
    else a row (``key``, ``value``) of the ``feasibility`` sheet."""
    kv, sheets = [], {}
    for key, val in result.items():
        if isinstance(val, list) and val and all(isinstance(x, dict) for x in val):
            sheets[f"feas_{key}"[:31]] = pd.DataFrame([{k: _cell(v) for k, v in x.items()} for x in val])
        elif isinstance(val, dict):
            for k2, v2 in val.items():
                if isinstance(v2, list) and v2 and all(isinstance(x, dict) for x in v2):
                    sheets[f"feas_{key}_{k2}"[:31]] = pd.DataFrame([{k: _cell(v) for k, v in x.items()} for x in v2])
                else:
                    kv.append({"key": f"{key}.{k2}", "value": _cell(v2)})
        elif isinstance(val, list):
            kv += [{"key": f"{key}[{i}]", "value": _cell(v)} for i, v in enumerate(val)]
        else:
            kv.append({"key": key, "value": _cell(val)})
    out = {"feasibility": pd.DataFrame(kv, columns=["key", "value"])}
    out.update(sheets)
    return {k: spreadsheet_safe_frame(v) for k, v in out.items()}


def about_sheet(lang: str, sheets: list[str]) -> pd.DataFrame:
    """What each sheet holds, in ``lang`` (sheets named in ``sheets``, then the note)."""
    rows = [(k, msg(f"export.about.{k}", lang)) for k in ABOUT_ORDER if k in sheets or k == "note"]
    return pd.DataFrame(rows, columns=[msg("export.head.sheet", lang), msg("export.head.contents", lang)])


def _width(series: pd.Series, header: str) -> int:
    lens = series.map(lambda v: 0 if v is None or (isinstance(v, float) and pd.isna(v)) else len(str(v)))
    longest = int(lens.max()) if len(lens) else 0
    return min(MAX_WIDTH, max(len(str(header)), longest) + 2)


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per frame, frozen below the header, columns as wide as their content."""
    from .publish import write_output_file

    return write_output_file(path, xlsx_bytes(sheets))  # checked place, written all at once


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook in memory: one sheet per frame, frozen below the header, columns as wide as their content."""
    from openpyxl.utils import get_column_letter

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df.to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            ws.freeze_panes = "A2"
            for j, col in enumerate(df.columns, start=1):
                ws.column_dimensions[get_column_letter(j)].width = _width(df[col], col)
    return buf.getvalue()


def write_csv(sheets: dict[str, pd.DataFrame], folder: Path) -> Path:
    """One UTF-8 CSV (with BOM, for Excel) per sheet in ``folder``."""
    from .publish import check_output_file, write_output_file

    folder = Path(folder)
    check_output_file(folder / "about.csv", new_folder_ok=True)  # never inside the project's own folders
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in sheets.items():
        write_output_file(folder / f"{name}.csv", df.to_csv(index=False).encode("utf-8-sig"))
    return folder


def build_sheets(cat, card: pd.DataFrame, lang: str = "en", feasibility: dict | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet of the export, in order (``about`` first)."""
    from .tallies import compare, tallies_of

    sheets = {"scorecard": scorecard_sheet(card, cat, lang)}
    tallies = tallies_of(cat)
    if len(tallies):
        sheets["tally_comparison"] = spreadsheet_safe_frame(compare(tallies, card, cat.indicators, lang))
    sheets.update(data_sheets(cat))
    if feasibility is not None:
        sheets.update(feasibility_sheets(feasibility))
    return {"about": spreadsheet_safe_frame(about_sheet(lang, ["about", *sheets])), **sheets}


def cmd_export(args: argparse.Namespace) -> int:
    from .catalog import load_catalog
    from .progress import scorecard

    from .publish import OutputError, check_output_file

    try:  # refuse a bad place before the work
        if args.format == "xlsx":
            check_output_file(args.out or f"cantho-export-{args.lang}.xlsx")
        else:
            check_output_file(Path(args.out or f"cantho-export-{args.lang}") / "about.csv", new_folder_ok=True)
    except OutputError as e:
        print(e, file=sys.stderr)
        return 2
    cat = load_catalog(extra_actuals=getattr(args, "actuals", None) or ())
    card = scorecard(cat.targets, cat.indicators, cat.best())
    feas = None
    if not args.no_feasibility:
        print("Running the feasibility study (about ten seconds; --no-feasibility skips it)...", file=sys.stderr)
        feas = feasibility_json(args.n_paths, args.seed)
    sheets = build_sheets(cat, card, args.lang, feas)
    if args.format == "xlsx":
        out = Path(args.out or f"cantho-export-{args.lang}.xlsx")
        if out.suffix.lower() != ".xlsx":
            print(f"--out {out}: an xlsx file name must end in .xlsx", file=sys.stderr)
            return 2
        write_xlsx(sheets, out)
    else:
        out = write_csv(sheets, Path(args.out or f"cantho-export-{args.lang}"))
    print(f"wrote {out} ({len(sheets)} sheet(s): {', '.join(sheets)})")
    return 0


def register(sub) -> None:
    e = sub.add_parser("export", help="the scorecard, targets, actuals, scenarios and feasibility tables for Excel")
    e.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                   help="xlsx: one workbook (default); csv: one CSV per sheet (UTF-8 with BOM) in a folder")
    e.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of names and labels (default vi)")
    e.add_argument("--out", help="file (xlsx) or folder (csv); default cantho-export-<lang>.xlsx or cantho-export-<lang>/")
    e.add_argument("--actuals", action="append", metavar="FILE", help="extra outcome file (repeatable)")
    e.add_argument("--no-feasibility", action="store_true", help="leave out the feasibility study (faster)")
    e.add_argument("--n-paths", type=int, default=None,
                   help="simulated paths per model for the feasibility sheets (default: the study's, 10,000)")
    e.add_argument("--seed", type=int, default=20251)
    e.set_defaults(func=cmd_export)

