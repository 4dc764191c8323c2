"""The study's parameters, defaults and limits, read from ``params.toml`` beside this file."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

__all__ = ["load", "DEFAULTS", "LIMITS", "notebook_parameters"]

PATH = Path(__file__).with_name("params.toml")


@lru_cache(maxsize=1)
def load() -> dict:
    with open(PATH, "rb") as fh:
        return tomllib.load(fh)


DEFAULTS: dict = dict(load()["study"])
LIMITS: dict = dict(load()["limits"])


def notebook_parameters() -> str:
    """The notebook's parameter cell, with the defaults of ``params.toml``."""
    d = DEFAULTS
    return (f'target_low: float = {d["target_low"]!r}  # lower end of the target average growth, %/yr\n'
            f'target_high: float = {d["target_high"]!r}  # upper end, %/yr\n'
            f'start_year: int = {d["start_year"]}  # base year (growth years start the year after)\n'
            f'end_year: int = {d["end_year"]}  # last year of the period\n'
            'data_through = None  # use outcomes up to this year only (None: all)\n'
            f'n_paths: int = {d["n_paths"]}  # simulated paths per model\n'
            f'seed: int = {d["seed"]}  # random seed\n'
            'lang: str = "en"  # "vi" or "en"\n')
