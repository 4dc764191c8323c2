"""Safe text for terminals, spreadsheets and charts."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cantho_analysis.safetext import mathtext_escape, spreadsheet_safe, spreadsheet_safe_frame, terminal_safe  # noqa: E402


def test_terminal_safe_escapes_control_characters():
    assert terminal_safe("a\x1b[31mred\x07") == "a\\x1b[31mred\\x07"
    assert terminal_safe("line\nnext\ttab") == "line\nnext\ttab"
    assert terminal_safe("Cần Thơ") == "Cần Thơ"


def test_spreadsheet_safe_prefixes_formula_text_only():
    for s in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"):
        assert spreadsheet_safe(s) == "'" + s
    assert spreadsheet_safe("Cần Thơ") == "Cần Thơ"
    assert spreadsheet_safe(-3.5) == -3.5 and spreadsheet_safe(None) is None
    assert np.isnan(spreadsheet_safe(float("nan")))


def test_spreadsheet_safe_frame_keeps_numbers():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "ok"], "value": [-1.0, 2.0], "=col": ["a", "b"]})
    out = spreadsheet_safe_frame(df)
    assert out["name"].tolist() == ["'=HYPERLINK(\"x\")", "ok"]
    assert out["value"].tolist() == [-1.0, 2.0]
    assert list(out.columns) == ["name", "value", "'=col"]
    assert df["name"].iloc[0].startswith("=")  # the input is not changed


def test_mathtext_escape_draws_dollars_literally():
    for label in ("US$ 5 billion", "$x", "a $b$ c $", "already \\$ escaped"):
        fig, ax = plt.subplots()
        ax.set_title(mathtext_escape(label))
        fig.canvas.draw()  # an unescaped odd '$' raises here
        plt.close(fig)
    assert mathtext_escape("$5") == "\\$5"
    assert mathtext_escape("\\$5") == "\\$5"
