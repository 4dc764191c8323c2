"""Paths and constants, resolved once from this file's location (never the current directory)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]


def data_dir() -> Path:
    """Folder of the bundled dataset; ``CANTHO_DATA_DIR`` overrides it."""
    env = os.environ.get("CANTHO_DATA_DIR")
    return Path(env).resolve() if env else REPO_ROOT / "data"


def raw_dir() -> Path:
    return data_dir() / "raw"


def user_dir() -> Path:
    """Where users drop their own outcome files (``data/user/*.csv``)."""
    return data_dir() / "user"


def reports_dir() -> Path:
    return REPO_ROOT / "reports"


def notebooks_dir() -> Path:
    return REPO_ROOT / "notebooks"


# The package's reports, as batch jobs; any other notebook the batch runs reads no data of ours.
REPORT_KINDS = ("indicator", "overview", "feasibility", "tasks")
LOCALITIES = ("can_tho_old", "soc_trang", "hau_giang", "can_tho_merged", "vietnam", "mekong_delta")
LOCALITY_NAMES = {
    "can_tho_old": {"en": "Cần Thơ (old boundary, before 1 July 2025)", "vi": "Cần Thơ (địa giới cũ, trước 1/7/2025)"},
    "soc_trang": {"en": "Sóc Trăng province (before 1 July 2025)", "vi": "Tỉnh Sóc Trăng (trước 1/7/2025)"},
    "hau_giang": {"en": "Hậu Giang province (before 1 July 2025)", "vi": "Tỉnh Hậu Giang (trước 1/7/2025)"},
    "can_tho_merged": {"en": "Cần Thơ city (merged boundary, from 1 July 2025)", "vi": "Thành phố Cần Thơ (sau hợp nhất, từ 1/7/2025)"},
    "vietnam": {"en": "Vietnam", "vi": "Cả nước"},
    "mekong_delta": {"en": "Mekong Delta region", "vi": "Vùng Đồng bằng sông Cửu Long"},
}
MEASURES = ("level", "growth_rate", "share", "ratio", "count")
BETTER = ("higher", "lower", "band")
TARGET_KINDS = ("value_in_year", "average_growth", "annual_value", "cumulative", "change")
BOUNDS = ("range", "at_least", "at_most", "point", "about")
STATUSES = ("official", "preliminary", "estimate", "plan_estimate")
# Higher number = more authoritative. Used by the best-available rule.
STATUS_RANK = {"plan_estimate": 0, "estimate": 1, "preliminary": 2, "official": 3}
VALUE_KINDS = ("exact", "approx", "range_midpoint", "lower_bound", "upper_bound")
# ``year``: one whole year. A figure over several years must say what it is: ``total`` (cumulative
# over the years), ``average`` (a yearly average), ``change`` (a change or multiple from the first
# year to the last), ``each_year`` (held in every year: "luôn nằm trong nhóm 28"). The others are
# parts of a year, never used as annual values.
SUBPERIODS = ("year", "total", "average", "change", "each_year", "H1", "Q1", "Q2", "Q3", "Q4", "9M", "Jan", "unclear")
MULTI_YEAR_SUBPERIODS = ("total", "average", "change", "each_year")
# Where a document's own verdict (Đạt/Vượt/Không đạt) is printed: on the target's own row, or on the
# numbered item's heading for all of its rows (then it is the item's verdict, not the row's).
DOC_VERDICT_SCOPES = ("row", "item")
RELIABILITY = ("normal", "low")
NUMBER_FORMATS = ("vi", "en")
# What a document's own tally counts (data/doc_tallies.csv): all targets, exceeded (Vượt), achieved
# (Đạt), achieved or exceeded together (đạt và vượt), not achieved (Không đạt / chưa đạt), still
# being pursued (đang phấn đấu), or something else (explained in the row's note).
TALLY_CATEGORIES = ("total", "exceeded", "achieved", "achieved_or_exceeded", "not_achieved", "pursuing", "other")
YEAR_MIN, YEAR_MAX = 1990, 2060

# One status palette for every chart, chip and table (diverging: met in green, missed in red,
# unknown in greys). STATUS_ORDER runs from the best outcome to the worst, then the unknowns.
STATUS_ORDER = ("exceeded", "achieved", "on_track", "needs_acceleration", "limited_progress", "regressing",
                "not_achieved", "undetermined", "closed_no_outturn", "superseded", "copied_text", "no_baseline", "no_data")
STATUS_COLORS = {"exceeded": "#1a9850", "achieved": "#91cf60", "on_track": "#d9ef8b", "needs_acceleration": "#fee08b",
                 "limited_progress": "#fc8d59", "regressing": "#d73027", "not_achieved": "#a50026",
                 "undetermined": "#b8a9c9", "closed_no_outturn": "#969696", "superseded": "#c6d2e0", "copied_text": "#e6e0d4", "no_baseline": "#d9d9d9", "no_data": "#ececec"}
STATUS_DARK = ("exceeded", "regressing", "not_achieved", "closed_no_outturn")  # white text on these chips

# How final a figure is (official > preliminary > estimate > plan estimate): one hue, darker is more
# final. A separate palette from the progress statuses above (those colour chips and tables); the
# charts draw targets in TARGET_COLOR with their own marker shapes and line styles, never in these.
FIGURE_STATUS_ORDER = ("official", "preliminary", "estimate", "plan_estimate")
FIGURE_COLORS = {"official": "#08519c", "preliminary": "#3182bd", "estimate": "#6baed6", "plan_estimate": "#bdd7e7"}
FIGURE_EDGE = "#08306b"
TARGET_COLOR = "#3a3a3a"
TARGET_MARKERS = ("D", "s", "^", "v", "P", "X", "p", "h")


# The environment variable that names the file in which a batch hands its validated data to its
# workers and their kernels (report.save_context, report.shared_context).
CONTEXT_ENV = "CANTHO_CONTEXT_FILE"
