"""Write src/cantho_analysis/theme.py: seaborn's chart theme as plain matplotlib settings.

    .venv/bin/python tools/freeze_theme.py

The report charts use seaborn's look (``seaborn.set_theme(style=..., context="notebook")``), but
importing seaborn costs a kernel about 1.5 CPU-seconds (it imports scipy.stats), which the
indicator pages need for nothing else. theme.py holds the settings set_theme makes;
tests/test_theme.py checks that they are still exactly what the installed seaborn sets.
"""

from __future__ import annotations

import enum
import pprint
from pathlib import Path

import matplotlib as mpl
import seaborn as sns

STYLES = ("whitegrid", "white")
CONTEXT = "notebook"
SKIP = {"image.cmap"}  # seaborn's own colour maps ("rocket") exist only once seaborn is imported


def touched(style: str) -> list[str]:
    """The settings set_theme writes (whatever their value), in a stable order."""
    keys = set(sns.axes_style(style)) | set(sns.plotting_context(CONTEXT)) | {"axes.prop_cycle", "font.family",
                                                                               "font.sans-serif"}
    return sorted(keys - SKIP)


def settings(style: str) -> dict:
    with mpl.rc_context():
        mpl.rcdefaults()
        sns.set_theme(style=style, context=CONTEXT)
        out = {}
        for k in touched(style):
            v = mpl.rcParams[k]
            if k == "axes.prop_cycle":
                v = [tuple(d["color"]) for d in v]
            elif isinstance(v, enum.Enum):
                v = v.value  # CapStyle.round -> "round": matplotlib accepts the name
            out[k] = v
        return out


def main() -> None:
    body = {s: settings(s) for s in STYLES}
    common = {k: v for k, v in body[STYLES[0]].items() if all(body[s].get(k) == v for s in STYLES)}
    own = {s: {k: v for k, v in body[s].items() if k not in common} for s in STYLES}
    text = f'''"""seaborn's chart theme, ``seaborn.set_theme(style=..., context="{CONTEXT}")``, as plain matplotlib
settings, written by tools/freeze_theme.py from seaborn {sns.__version__} (do not edit by hand).

The indicator charts need nothing else from seaborn, and importing it costs every report kernel
about 1.5 CPU-seconds; tests/test_theme.py checks that these settings are what the installed
seaborn sets. ``image.cmap`` is left out: seaborn's colour maps exist only once it is imported.
"""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

_COMMON = {pprint.pformat(common, width=110, sort_dicts=True)}

SETTINGS = {{style: {{**_COMMON, **own}} for style, own in {pprint.pformat(own, width=110, sort_dicts=True)}.items()}}


def apply(style: str = "whitegrid") -> None:
    """Set seaborn's theme for ``style`` ("whitegrid" or "white") without importing seaborn."""
    rc = dict(SETTINGS[style])
    rc["axes.prop_cycle"] = cycler(color=rc["axes.prop_cycle"])
    mpl.rcParams.update(rc)
'''
    path = Path(__file__).resolve().parents[1] / "src" / "cantho_analysis" / "theme.py"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
