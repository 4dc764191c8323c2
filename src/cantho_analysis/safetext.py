"""Text made safe for where it goes: terminals, spreadsheets and matplotlib labels.

Three small rules, one place:

* ``terminal_safe``: control characters from a file (ESC, BEL, CR, ...) are shown escaped
  (``\\x1b``) instead of being sent raw to the user's terminal.
* ``spreadsheet_safe``: text that a spreadsheet would read as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return; OWASP "CSV injection") is prefixed with
  a single quote so that it stays text. Numbers are left alone: ``-3.5`` as a float is data.
* ``mathtext_escape``: ``$`` in chart text would switch matplotlib into mathtext (and an odd
  number of them fails the chart), so it is escaped.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["terminal_safe", "spreadsheet_safe", "spreadsheet_safe_frame", "mathtext_escape", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: Any) -> str:
    """``text`` with control characters (other than newline and tab) shown as ``\\xNN`` escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def spreadsheet_safe(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text if it is text that looks like a formula.

    Non-string values (numbers, dates, missing values) are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell passed through :func:`spreadsheet_safe`.

    Column names are treated the same way.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(spreadsheet_safe)
    out.columns = [spreadsheet_safe(c) for c in out.columns]
    return out


def mathtext_escape(text: Any) -> str:
    """Chart text with ``$`` escaped so that matplotlib draws it literally."""
    return str(text).replace("\\$", "$").replace("$", "\\$")
