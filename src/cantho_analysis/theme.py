"""seaborn's chart theme, ``seaborn.set_theme(style=..., context="notebook")``, as plain matplotlib
settings, written by tools/freeze_theme.py from seaborn 0.13.2 (do not edit by hand).

The indicator charts need nothing else from seaborn, and importing it costs every report kernel
about 1.5 CPU-seconds; tests/test_theme.py checks that these settings are what the installed
seaborn sets. ``image.cmap`` is left out: seaborn's colour maps exist only once it is imported.
"""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

_COMMON = {'axes.axisbelow': True,
 'axes.facecolor': 'white',
 'axes.labelcolor': '.15',
 'axes.labelsize': 12.0,
 'axes.linewidth': 1.25,
 'axes.prop_cycle': [(0.2980392156862745, 0.4470588235294118, 0.6901960784313725),
                     (0.8666666666666667, 0.5176470588235295, 0.3215686274509804),
                     (0.3333333333333333, 0.6588235294117647, 0.40784313725490196),
                     (0.7686274509803922, 0.3058823529411765, 0.3215686274509804),
                     (0.5058823529411764, 0.4470588235294118, 0.7019607843137254),
                     (0.5764705882352941, 0.47058823529411764, 0.3764705882352941),
                     (0.8549019607843137, 0.5450980392156862, 0.7647058823529411),
                     (0.5490196078431373, 0.5490196078431373, 0.5490196078431373),
                     (0.8, 0.7254901960784313, 0.4549019607843137),
                     (0.39215686274509803, 0.7098039215686275, 0.803921568627451)],
 'axes.spines.bottom': True,
 'axes.spines.left': True,
 'axes.spines.right': True,
 'axes.spines.top': True,
 'axes.titlesize': 12.0,
 'figure.facecolor': 'white',
 'font.family': ['sans-serif'],
 'font.sans-serif': ['Arial', 'DejaVu Sans', 'Liberation Sans', 'Bitstream Vera Sans', 'sans-serif'],
 'font.size': 12.0,
 'grid.color': '.8',
 'grid.linestyle': '-',
 'grid.linewidth': 1.0,
 'legend.fontsize': 11.0,
 'legend.title_fontsize': 12.0,
 'lines.linewidth': 1.5,
 'lines.markersize': 6.0,
 'lines.solid_capstyle': 'round',
 'patch.edgecolor': 'w',
 'patch.force_edgecolor': True,
 'patch.linewidth': 1.0,
 'text.color': '.15',
 'xtick.bottom': False,
 'xtick.color': '.15',
 'xtick.direction': 'out',
 'xtick.labelsize': 11.0,
 'xtick.major.size': 6.0,
 'xtick.major.width': 1.25,
 'xtick.minor.size': 4.0,
 'xtick.minor.width': 1.0,
 'xtick.top': False,
 'ytick.color': '.15',
 'ytick.direction': 'out',
 'ytick.labelsize': 11.0,
 'ytick.left': False,
 'ytick.major.size': 6.0,
 'ytick.major.width': 1.25,
 'ytick.minor.size': 4.0,
 'ytick.minor.width': 1.0,
 'ytick.right': False}

SETTINGS = {style: {**_COMMON, **own} for style, own in {'white': {'axes.edgecolor': '.15', 'axes.grid': False},
 'whitegrid': {'axes.edgecolor': '.8', 'axes.grid': True}}.items()}


def apply(style: str = "whitegrid") -> None:
    """Set seaborn's theme for ``style`` ("whitegrid" or "white") without importing seaborn."""
    rc = dict(SETTINGS[style])
    rc["axes.prop_cycle"] = cycler(color=rc["axes.prop_cycle"])
    mpl.rcParams.update(rc)
