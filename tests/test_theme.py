"""The charts' frozen seaborn theme (theme.py) is what the installed seaborn sets."""

import matplotlib as mpl
import pytest

from cantho_analysis import theme


@pytest.mark.parametrize("style", sorted(theme.SETTINGS))
def test_frozen_theme_is_what_seaborn_sets(style):
    import seaborn as sns

    with mpl.rc_context():
        mpl.rcdefaults()
        sns.set_theme(style=style, context="notebook")
        by_seaborn = dict(mpl.rcParams)
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update({"axes.grid": not by_seaborn["axes.grid"], "font.size": 3.0})  # another state first
        theme.apply(style)
        ours = dict(mpl.rcParams)
    differ = sorted(k for k in by_seaborn if by_seaborn[k] != ours[k])
    assert differ == ["image.cmap"], differ  # seaborn's own colour map exists only once it is imported


def test_report_kernels_and_the_command_line_start_light():
    """A report kernel (the report and chart modules) and every start of the command line import
    none of the heavy libraries that only some work needs (seaborn plots, validation, the
    feasibility models, spreadsheets, papermill): each costs 0.5-1.5 CPU-seconds per process."""
    import subprocess
    import sys

    code = ("import sys, cantho_analysis.report, cantho_analysis.plots, cantho_analysis.cli as c; c.build_parser(); "
            "print(sorted(m for m in ('seaborn', 'pandera', 'scipy', 'statsmodels', 'openpyxl', 'papermill') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
