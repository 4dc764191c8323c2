"""Reading and writing numbers in Vietnamese (and English) notation.

Vietnamese writes ``.`` for thousands and ``,`` for decimals: ``43.000`` is 43000 and
``9,5`` is 9.5. Some tables converted into the source documents use the English
convention instead (``417,000`` tonnes, ``75.5`` million VND); callers say which
convention a text uses with ``fmt="vi"`` or ``fmt="en"``.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "parse_vn_number",
    "parse_number",
    "numbers_in_text",
    "format_number",
    "NumberFormatError",
]


class NumberFormatError(ValueError):
    """Raised when a text is not a number in the requested notation."""


_VI_NUMBER = re.compile(r"^[+-−]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_EN_NUMBER = re.compile(r"^[+-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# A run of digits with inner separators, optionally signed; used to scan free text.
_TOKEN = re.compile(r"(?<![\d.,])[-−]?\d+(?:[.,]\d+)*")
# "5 tỷ 508 triệu" (5 billion 508 million): read as one number of millions.
_TY_TRIEU = re.compile(r"(\d+)\s*tỷ\s+(\d{1,3})\s*triệu")


def _clean(text: str) -> str:
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    s = s.rstrip("%")
    return s


def parse_vn_number(text: str) -> float:
    """Parse a number written the Vietnamese way.

    Parameters
    ----------
    text : str
        For example ``"43.000"`` (43000), ``"9,5"`` (9.5), ``"55.299,353"`` (55299.353),
        ``"-0,56"`` or ``"7,5%"`` (a trailing percent sign is ignored).

    Returns
    -------
    float

    Raises
    ------
    NumberFormatError
        If the text is not a Vietnamese-format number. ``"1.5"`` is rejected: a dot
        must be followed by exactly three digits (a thousands group).
    """
    return parse_number(text, fmt="vi")


def parse_number(text: str, fmt: str = "vi") -> float:
    """Parse ``text`` as a number in notation ``fmt`` (``"vi"`` or ``"en"``)."""
    if fmt not in ("vi", "en"):
        raise ValueError(f"unknown number format {fmt!r}; use 'vi' or 'en'")
    s = _clean(text)
    if not s:
        raise NumberFormatError(f"empty text is not a number: {text!r}")
    pattern = _VI_NUMBER if fmt == "vi" else _EN_NUMBER
    if not pattern.match(s):
        raise NumberFormatError(f"{text!r} is not a number in {fmt} notation")
    sign = -1.0 if s[0] in "-−" else 1.0
    s = s.lstrip("+-−")
    if fmt == "vi":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    return sign * float(s)


def numbers_in_text(text: str, fmt: str = "vi") -> list[float]:
    """Every number found in a free text, read in notation ``fmt``.

    Tokens that do not parse in that notation (``1.5`` in Vietnamese text, for
    instance) are read both ways they could be meant: as they would parse with the
    separator taken as a decimal mark. This keeps sloppy sources searchable without
    guessing a single reading.
    """
    found: list[float] = [int(a) * 1000 + int(b) for a, b in _TY_TRIEU.findall(text)]
    for tok in _TOKEN.findall(text):
        tok = tok.rstrip(".,")
        try:
            found.append(parse_number(tok, fmt))
            continue
        except NumberFormatError:
            pass
        # Fallback: a single separator used as decimal mark either way ("75.5", "1,5").
        alt = tok.replace(",", ".")
        try:
            found.append(float(alt.replace("−", "-")))
        except ValueError:
            continue
    return found


def format_number(value: float | None, lang: str = "en", decimals: int | None = None) -> str:
    """Format ``value`` by the convention of ``lang``.

    ``lang="vi"`` gives ``43.000`` and ``9,5``; ``lang="en"`` gives ``43,000`` and ``9.5``.
    ``decimals=None`` keeps up to two decimals and drops trailing zeros. Missing values
    render as an em dash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if decimals is None:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    if text in ("-0", "-0.0"):
        text = text[1:]
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    elif lang != "en":
        raise ValueError(f"unknown language {lang!r}; use 'vi' or 'en'")
    return text
