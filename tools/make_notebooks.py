"""Write the project's notebooks (without outputs) from the cell sources below.

Run `python tools/make_notebooks.py [NAME ...]` after changing a notebook's cells here; the
notebooks stay thin: parameters, one import, calls into the package.
"""

from pathlib import Path

import nbformat as nbf

from cantho_analysis.feasibility.params import notebook_parameters as feasibility_parameters

NB = Path(__file__).resolve().parents[1] / "notebooks"


def notebook(cells, params=None):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    out = []
    if params:
        c = nbf.v4.new_code_cell(params)
        c.metadata["tags"] = ["parameters"]
        out.append(c)
    for kind, src in cells:
        out.append(nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src))
    nb.cells = out
    return nb


INDICATOR = notebook([
    ("md", "# Indicator report / Báo cáo chỉ tiêu\n\nGenerated from the bundled catalogue by `cantho_analysis`: a "
           "one-sentence conclusion on the headline target, the chart, the targets with their status and rates, every "
           "observed figure with its status, date of publication and source (document title and line with the quote, or "
           "web address), and the narrative. In a report set the page links the data behind it as CSV and XLSX, "
           "written beside the page by `cantho-analysis reports`."),
    ("code", "from cantho_analysis.report import display_indicator_report\n\n"
             "report = display_indicator_report(indicator_id, locality, lang)"),
], params='indicator_id: str = "grdp_growth"  # indicator to report on (see data/indicators.csv)\n'
          'locality: str = "can_tho_old"  # can_tho_old, soc_trang, hau_giang or can_tho_merged\n'
          'lang: str = "en"  # "vi" or "en"\n')

OVERVIEW = notebook([
    ("md", "# Overview scorecard / Tổng quan\n\nA short narrative first (targets per status per plan, the largest "
           "misses, planning realism in one sentence), then the targets by plan and status, how realistic past targets "
           "were, the documents' verdicts against the engine's, what the open targets take (ranked by stretch), the "
           "documents' own tallies and every target. Every text comes from `locales/<lang>/overview.yaml`."),
    ("code", "from cantho_analysis.report import display_overview\n\noverview = display_overview(lang)"),
], params='lang: str = "en"  # "vi" or "en"\n')

FEASIBILITY = notebook([
    ("md", "# Growth feasibility / Khả năng đạt mục tiêu tăng trưởng\n\nHow likely is the 2025–2030 average growth target "
           "of the merged city? For a decision maker: the verdict (likelihood words and the range across the models "
           "the backtest admits), what it takes and why, with three charts; then the figures; then the method as an "
           "appendix (models and weights, the backtested ensemble, the plan-consistency audit, base rates, the series)."),
    ("code", "from cantho_analysis.feasibility.display import display_feasibility\n\n"
             "result = display_feasibility(target_low, target_high, start_year, end_year, data_through, n_paths, seed, lang)"),
], params=feasibility_parameters())

EXPLORER = notebook([
    ("md", "# Explorer / Khám phá\n\nPick a locality, plan and indicator (the merged city and real GRDP growth first): the "
           "chart, status, what it takes, numbers and narrative update in place. Below, the 2026–2030 scenario calculator: "
           "set real GRDP growth for each year (%/yr) to see GRDP in 2030, GRDP per person and the period's average growth "
           "against the targets of the 2025–2030 resolution, over the feasibility study's fan; **Export scenario** saves "
           "the path and its outcomes as CSV and XLSX. The language dropdown switches every label.\n\n"
           "Chọn địa phương, văn bản và chỉ số; bên dưới là công cụ tính kịch bản 2026–2030 (nút **Xuất kịch bản** lưu "
           "CSV và XLSX). Đổi ngôn ngữ ở ô đầu tiên.\n\n"
           "Open with `make lab`. Run all cells (Run → Run All Cells)."),
    ("code", "from cantho_analysis.explorer import show_app\n\napp = show_app(lang)"),
], params='lang: str = "vi"  # "vi" or "en"; the dropdown switches it too\n')

TASK_REGISTER = notebook([
    ("md", "# Task register / Danh mục nhiệm vụ\n\nThe numbered tasks, schemes and projects of a plan: who leads, by when, "
           "with what money; what is overdue, due this year or later. Each task with its quote, source file and line. "
           "Progress comes from `data/user/*task_status.csv`."),
    ("code", "from cantho_analysis.task_register import display_task_register\n\n"
             "page = display_task_register(plan, lang, as_of)"),
], params='plan: str = "dh_i_2025_2030"  # dh_i_2025_2030 (2025-2030 list of 004) or ctr17_2021_2025 (appendix of 001)\n'
          'lang: str = "en"  # "vi" or "en"\n'
          'as_of: str = ""  # flags and states on this date, YYYY-MM-DD; empty means today\n')

NOTEBOOKS = (("indicator_report", INDICATOR), ("overview", OVERVIEW), ("growth_feasibility", FEASIBILITY),
             ("explorer", EXPLORER), ("task_register", TASK_REGISTER))

if __name__ == "__main__":
    import sys

    NB.mkdir(exist_ok=True)
    only = set(sys.argv[1:])  # names to write (default: all); cell ids are new on every run
    for name, nb in NOTEBOOKS:
        if only and name not in only:
            continue
        nbf.write(nb, NB / f"{name}.ipynb")
        print("wrote", NB / f"{name}.ipynb")
