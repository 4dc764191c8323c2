"""Source documents by name: readers see a document's title and date, never its file name.

``data/documents.csv`` names each file of ``data/raw/`` (title and issuer in Vietnamese and
English, date of issue where the text gives it) with the line and quote that show it.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import config

__all__ = ["load_documents", "document_name"]


@lru_cache(maxsize=4)
def _documents(path: str, mtime: float) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_documents() -> pd.DataFrame:
    path = config.data_dir() / "documents.csv"
    if not path.exists():
        return pd.DataFrame(columns=["source_file", "title_vi", "title_en", "issuer_vi", "issuer_en", "issued"])
    return _documents(str(path), path.stat().st_mtime)


def document_name(source_file: str, lang: str = "en") -> str:
    """``Chương trình hành động số 17/CTr-UBND (04/10/2021)``; the file name if it is not listed."""
    docs = load_documents()
    row = docs[docs["source_file"] == str(source_file)]
    if row.empty:
        return str(source_file)
    r = row.iloc[0]
    title = r[f"title_{lang}"] or r["title_en"]
    from .pages import format_vintage

    return f"{title} ({format_vintage(r['issued'], lang)})" if r.get("issued") else title
