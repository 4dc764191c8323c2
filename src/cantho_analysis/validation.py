"""Reading and validating the catalogue's CSV files.

Every check is declared as a pandera schema (types, allowed values, uniqueness,
cross-field rules); this module only turns pandera's failure cases into plain
problems that name the file, the row (1-based, header excluded) and the field.
Nothing here writes to disk.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import math
import os
import re
import stat
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from . import config


class _Pandera:
    """``pandera.pandas``, imported when a table is first validated, not with this module: a process
    that gets the validated data from the batch (a report kernel, a worker) never needs it, and
    the import costs about half a CPU-second (it imports scipy.stats)."""

    def __getattr__(self, name: str):
        import pandera.pandas

        return getattr(pandera.pandas, name)


pa = _Pandera()

__all__ = ["Problem", "ValidationError", "TABLES", "read_table", "read_bytes_safely", "validate_files"]

# Digits are ASCII only: ``\d`` would also match full-width or Arabic-Indic digits, which
# pass a pattern and then fail (or turn into NaN) when converted.
PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
VN_DECIMAL = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})*,[0-9]+$|^-?[0-9]+,[0-9]+$")
THOUSANDS = re.compile(r"^-?[0-9]{1,3}([.,][0-9]{3})+$")
# "43.000" is a plain decimal to a parser but a Vietnamese thousands group to the person who
# typed it. Three decimals ending in 0 after one to three digits is the thousands reading:
# nobody writes 4.350 for 4.35. ("5.835", a range midpoint, is left alone; a wrong "1.234"
# is caught by the plausibility warning on levels.)
THOUSANDS_GROUP = r"^-?[0-9]{1,3}\.[0-9]{2}0$"
SNAKE = r"^[a-z][a-z0-9_]*$"
DATE = r"^([0-9]{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
YEAR = r"^[0-9]{4}$"
INT = r"^[0-9]+$"
MAX_USER_FILE_BYTES = 50 * 1024 * 1024
# Plausibility (warnings, not errors): annual growth outside this band, or a level more than
# LEVEL_FACTOR times away from the median of the same indicator's other figures.
GROWTH_PLAUSIBLE = (-30.0, 50.0)
LEVEL_FACTOR = 10.0
# No figure of this catalogue comes near a trillion in its own unit (the largest are populations
# in persons and GRDP in billion VND): anything larger is an error of unit or of typing.
MAX_MAGNITUDE = 1e12


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    row: int | None
    field: str | None
    message: str
    severity: str = "error"  # error | warning (a warning does not stop anything)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        from .safetext import terminal_safe

        return terminal_safe(("warning: " if not self.is_error else "") + self._where())

    def _where(self) -> str:
        where = self.file
        if self.row is not None:
            where += f": row {self.row}"
        if self.field:
            where += f", field '{self.field}'" if self.row is not None else f": field '{self.field}'"
        return f"{where}: {self.message}"


class ValidationError(Exception):
    """Raised by loaders when input files have problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.is_error] or problems
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


def _value_low_le_high(df: pd.DataFrame) -> pd.Series:
    return df["value_low"].isna() | df["value_high"].isna() | (df["value_low"] <= df["value_high"])


def _finite_or_not_a_number(v: str) -> bool:
    """False for a plain number that is infinite as a float (1e400) or larger than MAX_MAGNITUDE."""
    v = str(v).strip()
    if not re.match(PLAIN_NUMBER, v):
        return True  # reported by the 'number' check
    x = float(v)
    return math.isfinite(x) and abs(x) <= MAX_MAGNITUDE


def _real_date(s: pd.Series) -> pd.Series:
    """Dates given as YYYY, YYYY-MM or YYYY-MM-DD that exist on the calendar (no 31 February)."""
    import datetime as dt

    def ok(v: str) -> bool:
        v = v.strip()
        if len(v) != 10:
            return True  # YYYY and YYYY-MM are checked by the pattern
        try:
            dt.date.fromisoformat(v)
            return True
        except ValueError:
            return False
    return s.map(ok)


def _period_order(df: pd.DataFrame) -> pd.Series:
    return df["period_start"].isna() | df["period_end"].isna() | (df["period_start"] <= df["period_end"])


def _base_year(df: pd.DataFrame) -> pd.Series:
    return df["base_year"].isna() | (df["base_year"] < df["period_end"])


def _growth_has_base(df: pd.DataFrame) -> pd.Series:
    return (df["target_kind"] != "average_growth") | df["base_year"].notna()


def _multi_year_says_what(df: pd.DataFrame) -> pd.Series:
    """A figure over several years says whether it is a total or a yearly average; a one-year
    figure is not a total or average over years."""
    sub = df["subperiod"].fillna("year") if "subperiod" in df else pd.Series("year", index=df.index)
    ok = lambda c: df[c].notna() & (df[c] >= config.YEAR_MIN) & (df[c] <= config.YEAR_MAX)  # noqa: E731
    if not (ok("period_start") & ok("period_end")).any():
        return pd.Series(True, index=df.index)
    years = ok("period_start") & ok("period_end")  # bad years are reported by their own check
    multi = years & (df["period_start"] < df["period_end"])
    sub = sub.where(years, "year")
    return (multi & sub.isin(config.MULTI_YEAR_SUBPERIODS)) | (~multi & ~sub.isin(config.MULTI_YEAR_SUBPERIODS))


def _one_row_per_tally_category(df: pd.DataFrame) -> pd.Series:
    return ~df.duplicated(["tally_id", "category"], keep="first")


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
            "doc_verdict_scope": F("enum", required=False, values=config.DOC_VERDICT_SCOPES),
            "strict": F("enum", required=False, values=("yes", "no"), default="no"),
            "doc_ratio_pct": F("number", required=False),
            "also_source_line": F("int", required=False),
            "copy_of": F("text", required=False),
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
            ("multi_year_total_or_average", "subperiod", _multi_year_says_what),
            ("value_low_le_high", "value_high", _value_low_le_high),
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
            ("value_low_le_high", "value_high", _value_low_le_high),
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
    "doc_tallies": TableSpec(
        "doc_tallies",
        {
            "tally_id": F("text"),
            "plan": F("id"),
            "locality": F("enum", values=config.LOCALITIES),
            "scope": F("text"),
            "category": F("enum", values=config.TALLY_CATEGORIES),
            "count": F("int"),
            "source_file": F("text"),
            "source_line": F("int"),
            "quote": F("text"),
            "number_format": F("enum", required=False, values=config.NUMBER_FORMATS, default="vi"),
            "note": F("text", required=False),
        },
        ("tally_id", "plan", "locality", "scope", "category", "count", "source_file", "source_line", "quote"),
        (("one_row_per_tally_category", "category", _one_row_per_tally_category),),
    ),
}


# --------------------------------------------------------------------------- the task register
# (data/tasks.csv, data/agencies.csv and users' data/user/*task_status.csv; see cantho_analysis.tasks)
YEAR_MONTH = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
FULL_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype(str).str.strip() == "")


def _year_month(col: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: _blank(df[col]) | df[col].astype(str).str.match(YEAR_MONTH).fillna(False).astype(bool)


def _deadline_order(df: pd.DataFrame) -> pd.Series:
    a, b = df["deadline_start"].astype(str), df["deadline_end"].astype(str)
    return _blank(df["deadline_start"]) | _blank(df["deadline_end"]) | (a <= b)


def _dated_kind_has_end(df: pd.DataFrame) -> pd.Series:
    return ~df["deadline_kind"].isin(["by_date", "period", "milestones"]) | ~_blank(df["deadline_end"])


def _funding_kind_given(df: pd.DataFrame) -> pd.Series:
    return _blank(df["funding_text"]) | ~_blank(df["funding_kind"])


def _full_date(df: pd.DataFrame) -> pd.Series:
    return _blank(df["as_of"]) | df["as_of"].astype(str).str.match(FULL_DATE).fillna(False).astype(bool)


def _agency_list(col: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: _blank(df[col]) | df[col].astype(str).str.match(r"^[a-z][a-z0-9_]*(;[a-z][a-z0-9_]*)*$")


TABLES.update({
    "agencies": TableSpec(
        "agencies",
        {
            "agency": F("id", unique=True),
            "name_vi": F("text"),
            "name_en": F("text"),
            "kind": F("enum", values=("party", "government", "front", "central")),
            "spellings": F("text"),
            "abolished": F("year", required=False),  # the body ceased to exist (2025 reorganisation)
            "successor": F("id", required=False),  # the agency that took over, when the bundle says which
        },
        ("agency", "name_vi", "name_en", "kind", "spellings"),
        (("successor_known", "successor",
          lambda df: _blank(df["successor"]) | df["successor"].isin(df["agency"]) if "successor" in df
          else pd.Series(True, index=df.index)),
         ("successor_needs_abolished", "successor",
          lambda df: _blank(df["successor"]) | df["abolished"].notna() if "successor" in df and "abolished" in df
          else pd.Series(True, index=df.index))),
    ),
    "tasks": TableSpec(
        "tasks",
        {
            "task_id": F("text", unique=True),
            "plan": F("id"),
            "section": F("text"),
            "title": F("text"),
            "lead": F("text"),
            "coordinating": F("text", required=False),
            "deadline_text": F("text"),
            "deadline_start": F("text", required=False),
            "deadline_end": F("text", required=False),
            "deadline_kind": F("enum", values=("by_date", "period", "recurring", "conditional", "milestones")),
            "funding_text": F("text", required=False),
            "funding_kind": F("enum", required=False, values=("state_budget", "non_budget", "mixed", "other")),
            "source_file": F("text"),
            "source_line": F("int"),
            "quote": F("text"),
            "lead_agency": F("id"),
            "advisory_agencies": F("text", required=False),
            "coordinating_agencies": F("text", required=False),
            "note": F("text", required=False),
        },
        ("task_id", "plan", "section", "title", "lead", "coordinating", "deadline_text", "deadline_start",
         "deadline_end", "deadline_kind", "funding_text", "funding_kind", "source_file", "source_line", "quote",
         "lead_agency"),
        (
            ("deadline_year_month:start", "deadline_start", _year_month("deadline_start")),
            ("deadline_year_month:end", "deadline_end", _year_month("deadline_end")),
            ("deadline_start_le_end", "deadline_end", _deadline_order),
            ("dated_deadline_needs_end", "deadline_end", _dated_kind_has_end),
            ("funding_kind_given", "funding_kind", _funding_kind_given),
            ("agency_list:advisory", "advisory_agencies", _agency_list("advisory_agencies")),
            ("agency_list:coordinating", "coordinating_agencies", _agency_list("coordinating_agencies")),
        ),
    ),
    "task_status": TableSpec(
        "task_status",
        {
            "task_id": F("text"),
            "as_of": F("date"),
            "state": F("enum", values=("not_started", "in_progress", "done", "cancelled")),
            "note": F("text", required=False),
            "source": F("text"),
        },
        ("task_id", "as_of", "state", "source"),
        (("as_of_full_date", "as_of", _full_date),),
    ),
})

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
    "value_low_le_high": "value_low is greater than value_high",
    "multi_year_total_or_average": ("a figure over several years must say what it is: subperiod 'total' (cumulative "
                                    "over the years) or 'average' (a yearly average); 'total' and 'average' are only "
                                    "for figures over several years"),
    "finite": "is too large for any figure of this catalogue (more than 1e12 in its unit) or infinite",
    "real_date": "is not a date on the calendar",
    "growth_above_minus_100": "growth of -100 % or less is impossible (the level would be zero or negative)",
    "nonnegative": "is negative, but this indicator's unit cannot be negative",
    "source_given": "no source: give source_file and source_line, or source_url",
    "source_line_given": "source_file is given without source_line",
    "indicator_known": "unknown indicator_id (not in indicators.csv)",
    "unit_consistent": "unit differs from the indicator's unit in indicators.csv",
    "year_range": f"year outside {config.YEAR_MIN}-{config.YEAR_MAX}",
    "one_row_per_tally_category": "duplicate (tally_id, category): a tally has one row per category",
}


_MESSAGES.update({
    "deadline_year_month:start": "is not a year or year-month (YYYY or YYYY-MM)",
    "deadline_year_month:end": "is not a year or year-month (YYYY or YYYY-MM)",
    "deadline_start_le_end": "deadline_end is before deadline_start",
    "dated_deadline_needs_end": "a by_date, period or milestones deadline needs deadline_end",
    "funding_kind_given": "funding_text is given without funding_kind",
    "agency_list:advisory": "not a list of agency ids separated by ';'",
    "agency_list:coordinating": "not a list of agency ids separated by ';'",
    "as_of_full_date": "as_of must be a full date YYYY-MM-DD",
    "successor_known": "successor is not an agency id of this file",
    "successor_needs_abolished": "a successor is given for a body that is not marked abolished",
})


def _ascii_digits(value: str) -> str | None:
    """``value`` with full-width, Arabic-Indic (or other) digits as ASCII, if it has any."""
    import unicodedata

    if all(ord(c) < 128 for c in value):
        return None
    out = []
    for c in value:
        if c.isdigit() and ord(c) >= 128:
            out.append(str(unicodedata.digit(c)))
        else:
            out.append(unicodedata.normalize("NFKC", c))
    return "".join(out)


def _number_message(value: str) -> str:
    v = value.strip()
    ascii_form = _ascii_digits(v)
    if ascii_form is not None and ascii_form != v:
        return f"'{value}' has digits that are not ASCII (full-width or another script): write {ascii_form}"
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
        pattern = {"number": PLAIN_NUMBER, "year": YEAR, "int": INT, "id": SNAKE, "date": DATE}.get(f.kind)
        if pattern:
            checks.append(pa.Check(lambda s, p=pattern: (s.str.strip() == "") | s.str.strip().str.match(p), name=f.kind))
        if f.kind == "number":
            checks.append(pa.Check(lambda s: ~s.str.strip().str.match(THOUSANDS_GROUP), name="thousands_group"))
            checks.append(pa.Check(lambda s: s.map(_finite_or_not_a_number), name="finite"))
        if f.kind == "date":
            checks.append(pa.Check(lambda s: (s.str.strip() == "") | ~s.str.strip().str.match(DATE) | _real_date(s),
                                   name="real_date"))
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
    checks = [pa.Check(fn, name=name) for name, _, fn in tuple(spec.row_checks) + tuple(_measure_checks(spec, indicators))]
    if indicators is not None and "indicator_id" in spec.fields:
        known = set(indicators["indicator_id"])
        cols["indicator_id"] = pa.Column(str, pa.Check(lambda s: s.isin(known), name="indicator_known"), required=False)
        if "unit" in spec.fields:
            units = dict(zip(indicators["indicator_id"], indicators["unit"]))
            checks.append(pa.Check(
                lambda df: (df["unit"].fillna("") == "") | (df["unit"] == df["indicator_id"].map(units)),
                name="unit_consistent"))
    return pa.DataFrameSchema(cols, checks=checks, strict=False)


VALUE_FIELDS = ("value", "value_low", "value_high", "low", "high")


def _measure_checks(spec: TableSpec, indicators: pd.DataFrame | None) -> list[tuple[str, str, Callable]]:
    """Row checks that depend on the indicator's measure: growth above -100 %, levels not negative.

    Named ``<check>:<field>`` so that each failure names the field it concerns.
    """
    if indicators is None or "indicator_id" not in spec.fields:
        return []
    measure = dict(zip(indicators["indicator_id"], indicators["measure"]))
    unit = dict(zip(indicators["indicator_id"], indicators["unit"]))
    out = []
    for fld in VALUE_FIELDS:
        if fld not in spec.fields:
            continue

        def growth_ok(df, fld=fld):
            m = df["indicator_id"].map(measure)
            applies = m == "growth_rate"
            if "target_kind" in df:
                applies &= df["target_kind"] != "change"
            return (~applies | df[fld].isna() | (df[fld] > -100)).fillna(True).astype(bool)

        def nonneg_ok(df, fld=fld):
            m, u = df["indicator_id"].map(measure), df["indicator_id"].map(unit).fillna("")
            applies = m.isin(["level", "count"]) | ((m == "share") & ~u.str.contains("growth"))
            if "target_kind" in df:
                applies &= df["target_kind"] != "change"
            return (~applies | df[fld].isna() | (df[fld] >= 0)).fillna(True).astype(bool)

        out += [(f"growth_above_minus_100:{fld}", fld, growth_ok), (f"nonnegative:{fld}", fld, nonneg_ok)]
    return out


def _problems_from(err: pa.errors.SchemaErrors, label: str, raw: pd.DataFrame,
                   spec: TableSpec, indicators: pd.DataFrame | None = None) -> list[Problem]:
    check_field = {name: fld for name, fld, _ in tuple(spec.row_checks) + tuple(_measure_checks(spec, indicators))}
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
        base = check.split(":", 1)[0]
        if check == "number":
            msg = _number_message(str(value))
        elif check == "thousands_group":
            v = str(value).strip()
            msg = (f"'{value}' looks like a Vietnamese thousands group: use {v.replace('.', '')} "
                   f"(or {float(v):g} if you meant a decimal number)")
        elif base in ("growth_above_minus_100", "nonnegative", "finite", "real_date"):
            msg = f"'{value}': {_MESSAGES[base]}" if base in ("finite", "real_date", "nonnegative") \
                else f"{value}: {_MESSAGES[base]}"
        elif check.startswith("enum:"):
            msg = f"'{value}' is not allowed; use one of: {check[5:]}"
        elif check == "unique" and row is not None and column in raw.columns:
            first = raw.index[raw[column].str.strip() == str(value).strip()][0] + 1
            msg = f"duplicate id: '{value}' is already used on row {first}"
        elif check in ("year", "int", "id", "date"):
            msg = f"'{value}' is {_MESSAGES[check]}"
        elif check == "indicator_known":
            msg = f"'{value}' is an {_MESSAGES[check]}"
        else:
            msg = _MESSAGES.get(check, check)
        out.add(Problem(label, row, column, msg))
    return sorted(out, key=lambda p: (p.row or 0, p.field or "", p.message))


def _plausibility(typed: pd.DataFrame, spec: TableSpec, label: str, indicators: pd.DataFrame | None,
                  reference: pd.DataFrame | None) -> list[Problem]:
    """Warnings for figures that are possible but unlikely, and for duplicate rows."""
    out: list[Problem] = []
    if spec.name not in ("actuals", "scenarios") or indicators is None or typed.empty:
        return out
    measure = dict(zip(indicators["indicator_id"], indicators["measure"]))
    unit = dict(zip(indicators["indicator_id"], indicators["unit"]))
    lo, hi = GROWTH_PLAUSIBLE
    pool = typed if reference is None else pd.concat([reference[["indicator_id", "locality", "value"]],
                                                      typed[["indicator_id", "locality", "value"]]])
    medians = {}
    for (iid, loc), g in pool.dropna(subset=["value"]).groupby(["indicator_id", "locality"]):
        medians[(iid, loc)] = (float(g["value"].astype(float).median()), len(g))
    for i, r in typed.iterrows():
        v = r["value"]
        if pd.isna(v) or not math.isfinite(float(v)):
            continue
        v, m = float(v), measure.get(r["indicator_id"])
        if m == "growth_rate" and not lo <= v <= hi and v > -100:
            out.append(Problem(label, i + 1, "value", f"{v:g} % growth is outside the plausible {lo:g} to +{hi:g} %; "
                               "check the figure (a level typed as growth?)", "warning"))
        elif m == "share" and v > 100 and not any(w in unit.get(r["indicator_id"], "") for w in ("plan", "quota", "growth")):
            out.append(Problem(label, i + 1, "value", f"{v:g} % is more than 100 % of the whole", "warning"))
        elif m in ("level", "count") and v == 0 and measure.get(r["indicator_id"]) == "level":
            out.append(Problem(label, i + 1, "value", "a level of 0: is the figure missing rather than zero? "
                               "(leave the row out if it is not known)", "warning"))
        elif m in ("level", "count"):
            med, n = medians.get((r["indicator_id"], r["locality"]), (0.0, 0))
            if n >= 3 and med > 0 and v > 0 and max(v / med, med / v) >= LEVEL_FACTOR:
                out.append(Problem(label, i + 1, "value",
                                   f"{v:g} is more than {LEVEL_FACTOR:g} times away from the median ({med:g}) of the "
                                   f"other {r['indicator_id']} figures for {r['locality']}: a unit or thousands error?",
                                   "warning"))
    ident = [c for c in typed.columns if c not in ("actual_id", "scenario_id", "note", "origin")]
    dup = typed[ident].astype(str).duplicated(keep="first")
    for i in typed.index[dup]:
        first = typed[ident].astype(str).eq(typed.loc[i, ident].astype(str)).all(axis=1).idxmax()
        out.append(Problem(label, i + 1, None, f"repeats row {first + 1} (same figure, period and source)", "warning"))
    return out


# --------------------------------------------------------------------------- reading
def _decode(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n")  # 0 = header
        row = line if line >= 1 else None
        return None, [Problem(label, row, None,
                              f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8")]


def _shape_problems(text: str, label: str, sep: str = ",") -> list[Problem]:
    """Rows whose number of fields differs from the header's (an unquoted comma, say)."""
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True, delimiter=sep))
    except csv.Error as e:
        return [Problem(label, None, None, f"not a readable CSV file: {e}")]
    if not rows:
        return [Problem(label, None, None, "file is empty (no header, no rows)")]
    n = len(rows[0])
    out = []
    for i, r in enumerate(rows[1:], 1):
        if r and len(r) != n:
            out.append(Problem(label, i, None, f"has {len(r)} fields but the header has {n} "
                               f"(a '{sep}' inside a value must be quoted: \"9{sep}5\")"))
    return out


def _empty_like(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in spec.fields})


def read_bytes_safely(path: str | Path, label: str, cap: int = MAX_USER_FILE_BYTES) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file no larger than ``cap``; anything else is one problem, never a hang.

    A FIFO, a device (a link to ``/dev/zero``), a folder, a dangling link or an unreadable
    file is refused by name without being opened for reading.
    """
    path = Path(path)
    try:
        st = os.stat(path)  # follows links: what would be read
    except FileNotFoundError:
        what = "a link to a file that does not exist" if path.is_symlink() else "file not found"
        return None, [Problem(label, None, None, what)]
    except OSError as e:
        return None, [Problem(label, None, None, f"cannot read it: {os.strerror(e.errno or 0).lower()}")]
    if stat.S_ISDIR(st.st_mode):
        return None, [Problem(label, None, None, "is a folder, not a data file")]
    if not stat.S_ISREG(st.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else \
            "a device" if (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)) else \
            "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file"
        return None, [Problem(label, None, None, f"is {kind}, not a data file; it was not read")]
    if st.st_size > cap:
        return None, [Problem(label, None, None, f"is {st.st_size / 2**20:.0f} MiB, more than the {cap / 2**20:.0f} MiB "
                              "a data file may have; it was not read")]
    try:
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except OSError as e:
        return None, [Problem(label, None, None, f"cannot read it: {os.strerror(e.errno or 0).lower()}")]
    if len(data) > cap:
        return None, [Problem(label, None, None, f"is larger than {cap / 2**20:.0f} MiB; it was not read")]
    return data, []


def _sniff(text: str) -> str:
    """The delimiter of a CSV text: ';' if the header has semicolons and no commas (Excel in a
    Vietnamese or European locale), else ','."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > 0 and header.count(",") == 0 else ","


def _vi_numbers(raw: pd.DataFrame, spec: TableSpec, label: str) -> list[Problem]:
    """Convert number fields written the Vietnamese way ("8,5", "43.000") to plain decimals, in place."""
    from .numbers import NumberFormatError, parse_number

    problems = []
    for name, f in spec.fields.items():
        if f.kind != "number" or name not in raw.columns:
            continue
        for i, v in raw[name].items():
            v = str(v).strip()
            if not v:
                continue
            try:
                raw.at[i, name] = repr(parse_number(v, "vi"))
            except NumberFormatError:
                problems.append(Problem(label, i + 1, name, f"'{v}' is not a number in Vietnamese notation "
                                        "(decimal comma, dot for thousands: 8,5 or 43.000)"))
    return problems


def _read_xlsx(data: bytes, label: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The first sheet of a workbook as text cells (numbers as plain decimals, dates as YYYY-MM-DD)."""
    import datetime as dt

    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        return None, [Problem(label, None, None, "reading .xlsx needs openpyxl")]
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    except Exception as e:  # a corrupt or non-xlsx file
        return None, [Problem(label, None, None, f"not a readable .xlsx workbook ({type(e).__name__})")]
    rows = [r for r in rows if any(c is not None and str(c).strip() for c in r)]
    if not rows:
        return None, [Problem(label, None, None, "file is empty (no header, no rows)")]

    def cell(c) -> str:
        if c is None:
            return ""
        if isinstance(c, bool):
            return str(c)
        if isinstance(c, (dt.datetime, dt.date)):
            return c.strftime("%Y-%m-%d")
        if isinstance(c, float):
            return repr(int(c)) if c.is_integer() and abs(c) < 1e15 else repr(c)
        return str(c)

    header = [cell(c).strip() for c in rows[0]]
    body = [[cell(c) for c in r] + [""] * (len(header) - len(r)) for r in rows[1:]]
    return pd.DataFrame([r[: len(header)] for r in body], columns=header, dtype=str), []


def read_table(path: str | Path, kind: str, indicators: pd.DataFrame | None = None,
               label: str | None = None, decimal: str | None = None,
               reference: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and validate one CSV (or .xlsx) file of a given kind.

    Parameters
    ----------
    path : path-like
        The file: UTF-8 CSV with the header on the first line, comma- or semicolon-separated,
        or an .xlsx workbook (first sheet). Only a regular file of at most 50 MB is read.
    kind : {"indicators", "targets", "actuals", "scenarios", "base_rates", "doc_tallies", ...}
    indicators : DataFrame, optional
        The indicator catalogue, to check ``indicator_id`` references, units and measures.
    label : str, optional
        How to name the file in problems (default: the path as given).
    decimal : {".", ",", None}
        Number notation of the file's number fields. ``","`` reads them the Vietnamese way
        (``8,5``, ``43.000``). ``None`` (default): ``","`` for a semicolon-separated CSV,
        ``"."`` otherwise.
    reference : DataFrame, optional
        Figures already loaded (the bundled actuals), for the plausibility warnings.

    Returns
    -------
    (DataFrame, list of Problem)
        The typed frame (rows with problems included, so nothing is lost) and every
        problem found, errors and warnings (``Problem.severity``). The file is never modified.
    """
    spec = TABLES[kind]
    path = Path(path)
    label = label or str(path)
    data, probs = read_bytes_safely(path, label)
    if data is None:
        return _empty_like(spec), probs
    # The label only names the file in the problems, so copies of a file elsewhere share the entry.
    key = (hashlib.sha256(data).hexdigest(), kind, decimal, path.suffix.lower(), frame_key(indicators),
           frame_key(reference))
    hit = _MEMO.get(key)
    if hit is None:
        hit = (*_read_table_bytes(data, path, spec, kind, indicators, label, decimal, reference), label)
        _MEMO[key] = hit
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    else:
        _MEMO.move_to_end(key)
    frame, problems, named = hit
    return frame.copy(), [replace(p, file=label) if p.file == named != label else p for p in problems]


# Validated tables by content: the same bytes, options and reference frames give the same
# result, so a process validates each file once (the CLI, a batch worker and the test suite
# read the same bundled files many times, also through copies in other folders).
_MEMO: "OrderedDict[tuple, tuple[pd.DataFrame, list[Problem], str]]" = OrderedDict()  # + the label used
_MEMO_SIZE = 64


def frame_key(df: pd.DataFrame | None) -> str | None:
    """A hash of a frame's columns, index and values (None for None): equal content, equal key."""
    if df is None:
        return None
    h = hashlib.sha256(",".join(map(str, df.columns)).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    return h.hexdigest()


def _read_table_bytes(data: bytes, path: Path, spec: "TableSpec", kind: str, indicators, label: str, decimal,
                      reference) -> tuple[pd.DataFrame, list[Problem]]:
    """:func:`read_table` once the file's bytes are read (not memoised)."""
    if path.suffix.lower() == ".xlsx":
        raw, probs = _read_xlsx(data, label)
        if raw is None:
            return _empty_like(spec), probs
        decimal = decimal or "."
    else:
        if not data.strip():
            return _empty_like(spec), [Problem(label, None, None, "file is empty (no header, no rows)")]
        text, probs = _decode(data, label)
        if text is None:
            return _empty_like(spec), probs
        sep = _sniff(text)
        decimal = decimal or ("," if sep == ";" else ".")
        shape = _shape_problems(text, label, sep)
        if shape:
            return _empty_like(spec), shape
        try:
            raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                              skipinitialspace=False, index_col=False, sep=sep)
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
    if decimal == ",":
        problems += _vi_numbers(raw, spec, label)
    elif decimal not in (".", None):
        raise ValueError(f"decimal must be '.' or ',' (got {decimal!r})")
    try:
        _string_schema(spec).validate(raw, lazy=True)
    except pa.errors.SchemaErrors as err:
        said = {(p.row, p.field) for p in problems}  # a value already refused as Vietnamese notation
        problems += [p for p in _problems_from(err, label, raw, spec, indicators) if (p.row, p.field) not in said]
    typed = _coerce(raw, spec)
    seen = {(p.row, p.field) for p in problems}
    try:
        _typed_schema(spec, indicators).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += [p for p in _problems_from(err, label, raw, spec, indicators) if (p.row, p.field) not in seen]
    problems += _plausibility(typed, spec, label, indicators, reference)
    return typed, sorted(problems, key=lambda p: (p.row or 0, p.field or "", p.severity, p.message))


def _coerce(raw: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    df = raw.copy()
    for name, f in spec.fields.items():
        s = df[name].astype(str).str.strip()
        if f.kind in ("number",):
            df[name] = pd.to_numeric(s.where(s.str.match(PLAIN_NUMBER)), errors="coerce").astype("Float64")
        elif f.kind in ("year", "int"):
            df[name] = pd.to_numeric(s.where(s.str.match(INT)), errors="coerce").astype("Int64")
        else:
            df[name] = s.astype("string")
    return df


def validate_files(files: Iterable[tuple[str | Path, str]], indicators: pd.DataFrame | None = None
                   ) -> list[Problem]:  # errors and warnings
    """Validate several ``(path, kind)`` files; return all problems."""
    problems: list[Problem] = []
    for path, kind in files:
        _, p = read_table(path, kind, indicators)
        problems += p
    return problems
