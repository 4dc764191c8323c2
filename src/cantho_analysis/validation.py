"""Reading and validating the catalogue's CSV files.

Every check is declared as a pandera schema (types, allowed values, uniqueness,
cross-field rules); this module only turns pandera's failure cases into plain
problems that name the file, the row (1-based, header excluded) and the field.
Nothing here writes to disk.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd
import pandera.pandas as pa

from . import config

__all__ = ["Problem", "ValidationError", "TABLES", "read_table", "validate_files"]

PLAIN_NUMBER = r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$"
VN_DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$|^-?\d+,\d+$")
THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")
SNAKE = r"^[a-z][a-z0-9_]*$"
DATE = r"^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
YEAR = r"^\d{4}$"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f": row {self.row}"
        if self.field:
            where += f", field '{self.field}'" if self.row is not None else f": field '{self.field}'"
        return f"{where}: {self.message}"


class ValidationError(Exception):
    """Raised by loaders when input files have problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the input data:\n{head}{more}")


# --------------------------------------------------------------------------- field types
@dataclass(frozen=True)
class F:
    """A field: its type, whether it is required and its allowed values."""

    kind: str  # text | id | year | int | number | enum | date
    required: bool = True  # must the value be non-empty?
    values: tuple[str, ...] = ()
    default: str = ""
    unique: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    fields: dict[str, F]
    required_columns: tuple[str, ...]
    row_checks: tuple[tuple[str, str, Callable[[pd.DataFrame], pd.Series]], ...] = field(default=())
    # (check name, field it concerns, function of the typed frame returning a boolean Series)


def _src_check(df: pd.DataFrame) -> pd.Series:
    has_file = df["source_file"].fillna("").astype(str).str.len() > 0
    has_url = df["source_url"].fillna("").astype(str).str.len() > 0 if "source_url" in df else False
    return has_file | has_url


def _line_with_file(df: pd.DataFrame) -> pd.Series:
    has_file = df["source_file"].fillna("").astype(str).str.len() > 0
    return ~has_file | df["source_line"].notna()


def _low_le_high(df: pd.DataFrame) -> pd.Series:
    return df["low"].isna() | df["high"].isna() | (df["low"] <= df["high"])


def _some_bound(df: pd.DataFrame) -> pd.Series:
    return df["low"].notna() | df["high"].notna()


def _bound_shape(df: pd.DataFrame) -> pd.Series:
    b, lo, hi = df["bound"], df["low"], df["high"]
    both = lo.notna() & hi.notna()
    ok = pd.Series(True, index=df.index)
    ok &= ~((b == "at_least") & ~(lo.notna() & hi.isna()))
    ok &= ~((b == "at_most") & ~(hi.notna() & lo.isna()))
    ok &= ~((b == "point") & ~(both & (lo == hi)))
    ok &= ~(b.isin(["range", "about"]) & ~both)
    return ok.fillna(False).astype(bool)


def _period_order(df: pd.DataFrame) -> pd.Series:
    return df["period_start"].isna() | df["period_end"].isna() | (df["period_start"] <= df["period_end"])


def _base_year(df: pd.DataFrame) -> pd.Series:
    return df["base_year"].isna() | (df["base_year"] < df["period_end"])


def _growth_has_base(df: pd.DataFrame) -> pd.Series:
    return (df["target_kind"] != "average_growth") | df["base_year"].notna()


SOURCE_FIELDS = {
    "source_file": F("text", required=False),
    "source_line": F("int", required=False),
    "quote": F("text"),
    "number_format": F("enum", required=False, values=config.NUMBER_FORMATS, default="vi"),
    "quote_scale": F("number", required=False, default="1"),
    "note": F("text", required=False),
}

TABLES: dict[str, TableSpec] = {
    "indicators": TableSpec(
        "indicators",
        {
            "indicator_id": F("id", unique=True),
            "name_vi": F("text"),
            "name_en": F("text"),
            "unit": F("text"),
            "unit_vi": F("text", required=False),
            "measure": F("enum", values=config.MEASURES),
            "better": F("enum", values=config.BETTER),
            "domain": F("text", required=False),
        },
        ("indicator_id", "name_vi", "name_en", "unit", "measure", "better"),
    ),
    "targets": TableSpec(
        "targets",
        {
            "target_id": F("text", unique=True),
            "indicator_id": F("id"),
            "locality": F("enum", values=config.LOCALITIES),
            "plan": F("id"),
            "period_start": F("year"),
            "period_end": F("year"),
            "base_year": F("year", required=False),
            "target_kind": F("enum", values=config.TARGET_KINDS),
            "bound": F("enum", required=False, values=config.BOUNDS, default="range"),
            "low": F("number", required=False),
            "high": F("number", required=False),
            "item": F("text", required=False),
            "aspirational": F("enum", required=False, values=("yes", "no"), default="no"),
            "doc_verdict": F("enum", required=False, values=("Đạt", "Vượt", "Không đạt")),
            "doc_ratio_pct": F("number", required=False),
            "also_source_line": F("int", required=False),
            "source_url": F("text", required=False),
            **SOURCE_FIELDS,
        },
        ("target_id", "indicator_id", "locality", "plan", "period_start", "period_end",
         "target_kind", "low", "high", "source_file", "source_line", "quote"),
        (
            ("low_le_high", "high", _low_le_high),
            ("low_or_high_given", "low", _some_bound),
            ("bound_matches_low_high", "bound", _bound_shape),
            ("period_start_le_end", "period_end", _period_order),
            ("base_year_before_end", "base_year", _base_year),
            ("average_growth_needs_base_year", "base_year", _growth_has_base),
            ("source_given", "source_file", _src_check),
            ("source_line_given", "source_line", _line_with_file),
        ),
    ),
    "actuals": TableSpec(
        "actuals",
        {
            "actual_id": F("text", required=False, unique=True),
            "indicator_id": F("id"),
            "locality": F("enum", values=config.LOCALITIES),
            "period_start": F("year"),
            "period_end": F("year"),
            "subperiod": F("enum", required=False, values=config.SUBPERIODS, default="year"),
            "value": F("number"),
            "value_kind": F("enum", required=False, values=config.VALUE_KINDS, default="exact"),
            "value_low": F("number", required=False),
            "value_high": F("number", required=False),
            "status": F("enum", values=config.STATUSES),
            "reliability": F("enum", required=False, values=config.RELIABILITY, default="normal"),
            "published": F("date", required=False),
            "source_url": F("text", required=False),
            "source_ref": F("text", required=False),
            "source_type": F("text", required=False),
            "unit": F("text", required=False),
            # names a published series whose rows belong together (e.g. appendix8_levels)
            "series": F("text", required=False),
            **SOURCE_FIELDS,
        },
        ("indicator_id", "locality", "period_start", "period_end", "value", "status",
         "published", "quote"),
        (
            ("period_start_le_end", "period_end", _period_order),
            ("source_given", "source_url", _src_check),
            ("source_line_given", "source_line", _line_with_file),
        ),
    ),
    "scenarios": TableSpec(
        "scenarios",
        {
            "scenario_id": F("text", unique=True),
            "scenario": F("text"),
            "scenario_vi": F("text", required=False),
            "indicator_id": F("id"),
            "locality": F("enum", values=config.LOCALITIES),
            "period_start": F("year"),
            "period_end": F("year"),
            "value": F("number"),
            "value_kind": F("enum", required=False, values=config.VALUE_KINDS, default="exact"),
            "value_low": F("number", required=False),
            "value_high": F("number", required=False),
            "status": F("text", required=False),
            "flag": F("text", required=False),
            "published": F("date", required=False),
            "source_url": F("text", required=False),
            **SOURCE_FIELDS,
        },
        ("scenario_id", "scenario", "indicator_id", "locality", "period_start", "period_end",
         "value", "source_file", "source_line", "quote"),
        (
            ("period_start_le_end", "period_end", _period_order),
            ("source_given", "source_file", _src_check),
        ),
    ),
    "base_rates": TableSpec(
        "base_rates",
        {
            "rate_id": F("text", unique=True),
            "period_start": F("year"),
            "period_end": F("year"),
            "subperiod": F("enum", required=False, values=config.SUBPERIODS, default="year"),
            "measure": F("enum", values=("annual_growth", "period_average_growth")),
            "comparison": F("enum", values=("above", "at_least", "below")),
            "threshold_pct": F("number"),
            "count": F("int"),
            "count_kind": F("enum", values=("exact", "at_least")),
            "count_source": F("enum", required=False, values=("quote", "figure_column", "derived"), default="quote"),
            "n_provinces": F("int"),
            "source_url": F("text"),
            "source_file": F("text", required=False),
            "source_line": F("int", required=False),
            "quote": F("text"),
            "note": F("text", required=False),
        },
        ("rate_id", "period_start", "period_end", "measure", "comparison", "threshold_pct",
         "count", "n_provinces", "source_url", "quote"),
        (("period_start_le_end", "period_end", _period_order),),
    ),
}

_MESSAGES = {
    "number": "not a plain decimal number",
    "year": f"not a year (four digits, {config.YEAR_MIN}-{config.YEAR_MAX})",
    "int": "not a whole number",
    "id": "not a snake_case identifier (lower-case letters, digits, '_')",
    "date": "not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
    "required": "is empty but required",
    "unique": "duplicate id: the same value appears on another row",
    "low_le_high": "low is greater than high",
    "low_or_high_given": "neither low nor high is given",
    "bound_matches_low_high": "bound does not match low/high (at_least: only low; at_most: only high; point/about: both)",
    "period_start_le_end": "period_end is before period_start",
    "base_year_before_end": "base_year must be before period_end",
    "average_growth_needs_base_year": "an average_growth target needs base_year (the year growth is measured from)",
    "source_given": "no source: give source_file and source_line, or source_url",
    "source_line_given": "source_file is given without source_line",
    "indicator_known": "unknown indicator_id (not in indicators.csv)",
    "unit_consistent": "unit differs from the indicator's unit in indicators.csv",
    "year_range": f"year outside {config.YEAR_MIN}-{config.YEAR_MAX}",
}


def _number_message(value: str) -> str:
    v = value.strip()
    if VN_DECIMAL.match(v):
        plain = v.replace(".", "").replace(",", ".")
        return f"decimal comma in '{value}': write plain decimals with a point ({plain})"
    if THOUSANDS.match(v):
        return f"thousands separator in '{value}': write the number without separators ({re.sub('[.,]', '', v)})"
    if v.endswith("%"):
        return f"'{value}' has a percent sign: write the number only"
    return f"'{value}' is not a plain decimal number"


# --------------------------------------------------------------------------- schemas
def _string_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """Checks on the raw text: presence, formats, allowed values, uniqueness."""
    cols = {}
    for name, f in spec.fields.items():
        checks = []
        if f.required:
            checks.append(pa.Check(lambda s: s.str.strip().str.len() > 0, name="required", element_wise=False))
        pattern = {"number": PLAIN_NUMBER, "year": YEAR, "int": r"^\d+$", "id": SNAKE, "date": DATE}.get(f.kind)
        if pattern:
            checks.append(pa.Check(lambda s, p=pattern: (s.str.strip() == "") | s.str.strip().str.match(p), name=f.kind))
        if f.kind == "enum":
            allowed = set(f.values)
            checks.append(pa.Check(lambda s, a=allowed: (s.str.strip() == "") | s.str.strip().isin(a),
                                   name="enum:" + ", ".join(f.values)))
        if f.unique:
            checks.append(pa.Check(lambda s: (s.str.strip() == "") | ~s.str.strip().duplicated(keep="first"), name="unique"))
        cols[name] = pa.Column(str, checks=checks, nullable=False, required=False)
    return pa.DataFrameSchema(cols, strict=False)


def _typed_schema(spec: TableSpec, indicators: pd.DataFrame | None) -> pa.DataFrameSchema:
    """Checks on typed values: year ranges, cross-field rules, references to indicators."""
    cols = {}
    for name, f in spec.fields.items():
        if f.kind == "year":
            cols[name] = pa.Column(
                "Int64", pa.Check(lambda s: s.isna() | s.between(config.YEAR_MIN, config.YEAR_MAX), name="year_range"),
                nullable=True, required=False)
    checks = [pa.Check(fn, name=name) for name, _, fn in spec.row_checks]
    if indicators is not None and "indicator_id" in spec.fields:
        known = set(indicators["indicator_id"])
        cols["indicator_id"] = pa.Column(str, pa.Check(lambda s: s.isin(known), name="indicator_known"), required=False)
        if "unit" in spec.fields:
            units = dict(zip(indicators["indicator_id"], indicators["unit"]))
            checks.append(pa.Check(
                lambda df: (df["unit"].fillna("") == "") | (df["unit"] == df["indicator_id"].map(units)),
                name="unit_consistent"))
    return pa.DataFrameSchema(cols, checks=checks, strict=False)


def _problems_from(err: pa.errors.SchemaErrors, label: str, raw: pd.DataFrame,
                   spec: TableSpec) -> list[Problem]:
    check_field = {name: fld for name, fld, _ in spec.row_checks}
    check_field.update(indicator_known="indicator_id", unit_consistent="unit")
    out: set[Problem] = set()
    fc = err.failure_cases
    for rec in fc.to_dict("records"):
        check = str(rec.get("check"))
        idx = rec.get("index")
        row = int(idx) + 1 if idx is not None and not pd.isna(idx) else None
        column = rec.get("column")
        if rec.get("schema_context") == "DataFrameSchema":
            column = check_field.get(check, column)
        value = raw.at[idx, column] if (row is not None and column in raw.columns) else rec.get("failure_case")
        if check == "number":
            msg = _number_message(str(value))
        elif check.startswith("enum:"):
            msg = f"'{value}' is not allowed; use one of: {check[5:]}"
        elif check in ("year", "int", "id", "date"):
            msg = f"'{value}' is {_MESSAGES[check]}"
        elif check == "indicator_known":
            msg = f"'{value}' is an {_MESSAGES[check]}"
        else:
            msg = _MESSAGES.get(check, check)
        out.add(Problem(label, row, column, msg))
    return sorted(out, key=lambda p: (p.row or 0, p.field or "", p.message))


# --------------------------------------------------------------------------- reading
def _decode(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n")  # 0 = header
        row = line if line >= 1 else None
        return None, [Problem(label, row, None,
                              f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8")]


def _shape_problems(text: str, label: str) -> list[Problem]:
    """Rows whose number of fields differs from the header's (an unquoted comma, say)."""
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as e:
        return [Problem(label, None, None, f"not a readable CSV file: {e}")]
    if not rows:
        return [Problem(label, None, None, "file is empty (no header, no rows)")]
    n = len(rows[0])
    out = []
    for i, r in enumerate(rows[1:], 1):
        if r and len(r) != n:
            out.append(Problem(label, i, None, f"has {len(r)} fields but the header has {n} "
                               "(a comma inside a value must be quoted: \"9,5\")"))
    return out


def _empty_like(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in spec.fields})


def read_table(path: str | Path, kind: str, indicators: pd.DataFrame | None = None,
               label: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and validate one CSV file of a given kind.

    Parameters
    ----------
    path : path-like
        The CSV file (UTF-8, comma-separated, header on the first line).
    kind : {"indicators", "targets", "actuals", "scenarios", "base_rates"}
    indicators : DataFrame, optional
        The indicator catalogue, to check ``indicator_id`` references and units.
    label : str, optional
        How to name the file in problems (default: the path as given).

    Returns
    -------
    (DataFrame, list of Problem)
        The typed frame (rows with problems included, so nothing is lost) and every
        problem found. The file is never modified.
    """
    spec = TABLES[kind]
    path = Path(path)
    label = label or str(path)
    if not path.exists():
        return _empty_like(spec), [Problem(label, None, None, "file not found")]
    data = path.read_bytes()
    if not data.strip():
        return _empty_like(spec), [Problem(label, None, None, "file is empty (no header, no rows)")]
    text, probs = _decode(data, label)
    if text is None:
        return _empty_like(spec), probs
    shape = _shape_problems(text, label)
    if shape:
        return _empty_like(spec), shape
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                          skipinitialspace=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        return _empty_like(spec), [Problem(label, None, None, f"not a readable CSV file: {e}")]
    raw.columns = [str(c).strip() for c in raw.columns]
    problems: list[Problem] = []
    missing = [c for c in spec.required_columns if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in spec.fields]
    for c in missing:
        guess = difflib.get_close_matches(c, unknown, n=1)
        hint = f" (found '{guess[0]}': misspelt?)" if guess else ""
        problems.append(Problem(label, None, c, f"missing required column{hint}"))
    if kind == "actuals" and "source_url" not in raw.columns and "source_file" not in raw.columns:
        problems.append(Problem(label, None, "source_url", "missing required column: give source_url "
                                "(or source_file and source_line)"))
    if problems:
        return raw, problems
    if raw.empty:
        return _empty_like(spec), [Problem(label, None, None, "file has a header but no rows")]
    for name, f in spec.fields.items():
        if name not in raw.columns:
            raw[name] = f.default
        elif f.default:
            raw[name] = raw[name].where(raw[name].str.strip() != "", f.default)
    try:
        _string_schema(spec).validate(raw, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += _problems_from(err, label, raw, spec)
    typed = _coerce(raw, spec)
    seen = {(p.row, p.field) for p in problems}
    try:
        _typed_schema(spec, indicators).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += [p for p in _problems_from(err, label, raw, spec) if (p.row, p.field) not in seen]
    return typed, sorted(problems, key=lambda p: (p.row or 0, p.field or "", p.message))


def _coerce(raw: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    df = raw.copy()
    for name, f in spec.fields.items():
        s = df[name].astype(str).str.strip()
        if f.kind in ("number",):
            df[name] = pd.to_numeric(s.where(s.str.match(PLAIN_NUMBER)), errors="coerce").astype("Float64")
        elif f.kind in ("year", "int"):
            df[name] = pd.to_numeric(s.where(s.str.match(r"^\d+$")), errors="coerce").astype("Int64")
        else:
            df[name] = s.astype("string")
    return df


def validate_files(files: Iterable[tuple[str | Path, str]], indicators: pd.DataFrame | None = None
                   ) -> list[Problem]:
    """Validate several ``(path, kind)`` files; return all problems."""
    problems: list[Problem] = []
    for path, kind in files:
        _, p = read_table(path, kind, indicators)
        problems += p
    return problems
