"""The indicator catalogue: loading the bundled data (plus users' extra outcome files)
and choosing the best available figure among several versions.

Best-available rule (documented in ``data/README.md``), applied per indicator,
locality and period, among whole-period rows only (``subperiod`` ``year``, or ``total`` /
``average`` for a figure over several years; never a part of a year):

1. normal-reliability rows beat rows flagged ``reliability = low``;
2. a point figure beats a bound (``lower_bound``/``upper_bound``: "trên 306.000" says only
   that the value is above): a bound is chosen only when no point figure exists, whatever
   its vintage;
3. a later vintage (``published``) beats an earlier one: revisions supersede;
4. at equal vintage, higher status wins: official > preliminary > estimate > plan_estimate;
5. then an exact figure beats an approximate one or a range midpoint;
6. then the value printed by more of the rows still tied (two places print 75.5, one 75:
   75.5);
7. then the row that comes later in the files (user files come after the bundled data).

No row is ever dropped from the catalogue; the choice is a view, and the number of
versions and whether they disagree are reported beside the chosen value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import config
from .validation import TABLES, Problem, ValidationError, read_table

log = logging.getLogger(__name__)

__all__ = ["Catalog", "load_catalog", "best_available", "published_key", "user_actual_files", "empty_tallies"]

_KIND_RANK = {"exact": 3, "approx": 2, "range_midpoint": 1, "lower_bound": 0, "upper_bound": 0}
BOUND_KINDS = ("lower_bound", "upper_bound")
# Subperiods that cover the whole period of a row (a year, or a total / yearly average over several years).
WHOLE_PERIOD = ("year", "total", "average", "change", "each_year")


@dataclass
class Catalog:
    """All curated tables, typed and validated."""

    indicators: pd.DataFrame
    targets: pd.DataFrame
    actuals: pd.DataFrame
    scenarios: pd.DataFrame
    base_rates: pd.DataFrame
    plans: pd.DataFrame
    tallies: pd.DataFrame = field(default_factory=lambda: empty_tallies())

    def indicator(self, indicator_id: str) -> pd.Series:
        rows = self.indicators[self.indicators["indicator_id"] == indicator_id]
        if rows.empty:
            raise KeyError(f"unknown indicator_id {indicator_id!r}")
        return rows.iloc[0]

    def best(self) -> pd.DataFrame:
        """Best available actual per indicator, locality and period (see module docs)."""
        return best_available(self.actuals)


USER_PATTERNS = ("*actuals.csv", "*actuals.xlsx")


def user_actual_files() -> list[Path]:
    """Files in ``data/user/`` whose name ends in ``actuals.csv`` or ``actuals.xlsx``, sorted by name.

    Whatever they are (a link, a pipe, a folder) they are listed here; reading refuses
    anything but a regular file (see ``validation.read_bytes_safely``).
    """
    d = config.user_dir()
    if not d.is_dir():
        return []
    return sorted({p for pat in USER_PATTERNS for p in d.glob(pat)
                   if not p.name.startswith((".", "~$"))})  # editor and Excel lock files


def _label(path: Path) -> str:
    try:
        return str(path.relative_to(config.REPO_ROOT))
    except ValueError:
        return str(path)


BUNDLED = ("indicators", "targets", "actuals", "scenarios", "base_rates")
# Bundled files that may be absent (then an empty frame with the schema's columns).
OPTIONAL = ("doc_tallies",)


def empty_tallies() -> pd.DataFrame:
    """An empty ``doc_tallies`` frame with the typed columns of ``data/doc_tallies.csv``."""
    spec = TABLES["doc_tallies"]
    types = {"int": "Int64", "year": "Int64", "number": "Float64"}
    return pd.DataFrame({c: pd.Series(dtype=types.get(f.kind, "string")) for c, f in spec.fields.items()})


def read_files(extra: Iterable[tuple[Path, str]] = (), data_dir: Path | None = None, decimal: str | None = None
               ) -> tuple[dict[str, list[tuple[str, pd.DataFrame]]], list[Problem]]:
    """Read and validate the bundled tables, then extra ``(path, kind)`` files, without raising.

    Returns the frames by kind, each a list of ``(label, frame)`` with the bundled file
    first, and every problem found (errors and warnings). References to indicators are checked
    against the bundled ``indicators.csv``; ids must not repeat across files; ``decimal`` is
    the number notation of the extra files (see ``validation.read_table``).
    """
    d = Path(data_dir) if data_dir else config.data_dir()
    files = ([(d / f"{k}.csv", k) for k in BUNDLED] + [(d / f"{k}.csv", k) for k in OPTIONAL if (d / f"{k}.csv").exists()]
             + [(Path(p), k) for p, k in extra])
    tables: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    problems: list[Problem] = []
    ind = None
    for path, kind in files:
        bundled = tables.get(kind, [(None, None)])[0][1]
        is_extra = kind in tables
        df, p = read_table(path, kind, None if kind == "indicators" else ind, label=_label(path),
                           decimal=decimal if is_extra else None,
                           reference=bundled if kind == "actuals" else None)
        if ind is None and kind == "indicators":
            ind = df
        tables.setdefault(kind, []).append((_label(path), df))
        problems += p
    problems += _id_collisions(tables)
    return tables, problems


ID_COLUMN = {"actuals": "actual_id", "targets": "target_id", "scenarios": "scenario_id", "base_rates": "rate_id",
             "indicators": "indicator_id"}


def _id_collisions(tables: dict[str, list[tuple[str, pd.DataFrame]]]) -> list[Problem]:
    """An id used in two files: named with the later file and row, and where it was first used."""
    out = []
    for kind, frames in tables.items():
        col = ID_COLUMN.get(kind)
        seen: dict[str, tuple[str, int]] = {}
        for label, df in frames:
            if col not in df.columns:
                continue
            local: set[str] = set()
            for i, v in df[col].items():
                if v is None or v is pd.NA or str(v).strip() == "":
                    continue
                v = str(v).strip()
                if v in seen and v not in local:
                    f, r = seen[v]
                    out.append(Problem(label, i + 1, col, f"'{v}' is already used in {f}, row {r}; give this row "
                                       "its own id (or leave it empty)"))
                else:
                    seen.setdefault(v, (label, i + 1))
                local.add(v)
    return out


def load_catalog(extra_actuals: Iterable[str | Path] = (), data_dir: str | Path | None = None,
                 include_user_dir: bool = True) -> Catalog:
    """Load and validate the bundled dataset and any extra outcome files.

    Parameters
    ----------
    extra_actuals : iterable of path-like
        More outcome files with the columns of ``actuals.csv`` (for example the 2026
        figures). Validated the same way; appended after the bundled rows.
    data_dir : path-like, optional
        Folder holding the CSV files (default: the repository's ``data/``).
    include_user_dir : bool
        Also load ``data/user/*actuals.csv``.

    Raises
    ------
    ValidationError
        With every problem found (file, row, field), if any file is invalid.
    """
    d = Path(data_dir) if data_dir else config.data_dir()
    extra = list(extra_actuals) + (user_actual_files() if include_user_dir and data_dir is None else [])
    tables, problems = read_files([(Path(p), "actuals") for p in extra], d)
    (_, ind), = tables["indicators"]
    frames = {kind: tables[kind][0][1] for kind in BUNDLED}
    parts = [frames["actuals"].assign(origin="bundled")]
    for label, df in tables["actuals"][1:]:
        if "actual_id" in df:
            missing = df["actual_id"].isna() | (df["actual_id"] == "")
            name = Path(label).name
            df.loc[missing, "actual_id"] = [f"user:{name}:{i + 1}" for i in df.index[missing]]
        parts.append(df.assign(origin=label))
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ValidationError(errors)
    for p in problems:  # warnings: shown, never blocking
        log.warning("%s", p)
    actuals = pd.concat(parts, ignore_index=True)
    plans = _plans(d)
    tallies = tables["doc_tallies"][0][1] if "doc_tallies" in tables else empty_tallies()
    return Catalog(ind, frames["targets"], actuals, frames["scenarios"], frames["base_rates"], plans, tallies)


def _plans(d: Path) -> pd.DataFrame:
    path = d / "plans.csv"
    if not path.exists():
        return pd.DataFrame(columns=["plan", "name_vi", "name_en", "source_file", "issued"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def published_key(value: object) -> tuple[int, int, int]:
    """Sortable key for a ``published`` date given as YYYY, YYYY-MM or YYYY-MM-DD (empty = oldest)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return (0, 0, 0)
    parts = [int(x) for x in str(value).split("-") if x.isdigit()]
    parts += [0] * (3 - len(parts))
    return (parts[0], parts[1], parts[2]) if parts else (0, 0, 0)


def best_available(actuals: pd.DataFrame) -> pd.DataFrame:
    """Choose one figure per ``(indicator_id, locality, period_start, period_end)``.

    Only whole-period rows are considered (see module docs). The result keeps the chosen row's columns and
    adds ``n_versions`` (how many rows competed) and ``n_values`` (how many distinct
    values they gave), so disagreement is visible. Ordering is stable.
    """
    df = actuals[actuals["subperiod"].fillna("year").isin(WHOLE_PERIOD)].copy()
    if df.empty:
        return df.assign(n_versions=pd.Series(dtype="int64"), n_values=pd.Series(dtype="int64"))
    df["_order"] = range(len(df))
    df["_rel"] = (df["reliability"].fillna("normal") != "low").astype(int)
    df["_point"] = (~df["value_kind"].fillna("exact").isin(BOUND_KINDS)).astype(int)
    pk = df["published"].map(published_key)
    df["_pub"] = pk.map(lambda t: t[0] * 10000 + t[1] * 100 + t[2])
    df["_status"] = df["status"].map(config.STATUS_RANK).fillna(-1)
    df["_kind"] = df["value_kind"].fillna("exact").map(_KIND_RANK).fillna(0)
    keys = ["indicator_id", "locality", "period_start", "period_end"]
    rank = ["_rel", "_point", "_pub", "_status", "_kind"]
    df = df.sort_values(keys + rank + ["_order"], kind="mergesort")
    g = df.groupby(keys, sort=True, dropna=False)
    n_versions = g["value"].transform("size")
    n_values = g["value"].transform(lambda s: s.round(6).nunique())
    df = df.assign(n_versions=n_versions, n_values=n_values)
    # rows tied with the group's best on every rank: the value printed by more of them wins
    top = pd.Series(True, index=df.index)
    for c in rank:  # sorted: the group's last row has the best rank (compared column by column, in order)
        top &= df[c] == g[c].transform("last")
    df = df[top].copy()
    df["_v"] = df["value"].astype(float).round(6)
    df["_agree"] = df.groupby(keys + ["_v"], sort=False, dropna=False)["_v"].transform("size")
    df = df.sort_values(keys + ["_agree", "_order"], kind="mergesort")
    best = df.groupby(keys, sort=True, dropna=False).tail(1)
    best = best.drop(columns=[c for c in best.columns if c.startswith("_")])
    return best.sort_values(keys, kind="mergesort").reset_index(drop=True)
