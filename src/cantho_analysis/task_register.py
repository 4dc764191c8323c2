"""The task register page (per plan, in Vietnamese or English) and its short overview section.

The numbers come from :mod:`cantho_analysis.tasks`; this module only chooses the words and
tables. Every label is looked up in ``TEXT`` (one template per language, same keys, tested), so
the Vietnamese page is Vietnamese throughout and the English page English, except the tasks'
own titles and quotes, which are shown as printed (Vietnamese), with their file and line.

``register_page`` builds the page as data (frames and sentences) from a register frame;
``page_html`` renders it; ``display_task_register`` is what the notebook calls.
``overview_section`` / ``overview_html`` give the short summary for the overview report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from . import config
from .documents import document_name
from .numbers import format_number
from .tasks import (FLAGS, NO_STATE, STATES, build_register, load_agencies, load_tasks,
                    parse_as_of, parse_deadline, read_status, user_status_files)
from .validation import ValidationError

__all__ = ["TEXT", "RegisterPage", "register_page", "page_html", "display_task_register", "deadline_label",
           "overview_section", "overview_html", "load_register"]

LANGS = ("vi", "en")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")

TEXT = {
    "en": {
        "title": "Task register: {plan}",
        "intro": "{n} numbered tasks, schemes and projects, as of {date}: {overdue} past their deadline with no "
                 "completion reported, {due} due in {year}, "
                 "{upcoming} with a later deadline, {recurring} recurring and {conditional} conditional.",
        "funding": "Sources of funds: {state} ({state_pct} %) rest on the state budget alone, {mixed} on the budget "
                   "with other sources, {non} lie outside the budget.",
        "no_funding": "The list prints no source of funds.",
        "states": "Progress reported: {reported} of {n} tasks ({done} done); the others count as not done.",
        "no_states": "No progress has been entered yet, so it is not known which tasks are done: \"past deadline\" "
                     "means only that no completion has been reported.",
        "overdue_head": "Past the deadline, completion not reported",
        "overdue_none": "No task is overdue.",
        "counts_head": "Counts",
        "by_year": "By deadline year", "by_funding": "By source of funds", "by_state": "By state", "by_flag": "By flag",
        "by_lead_head": "Tasks by lead agency",
        "col_no": "No.", "col_quote": "Task, as printed (Vietnamese)", "col_lead": "Lead",
        "col_helpers": "Prepared by / coordinating", "col_deadline": "Deadline", "col_funds": "Funds",
        "col_state": "State", "col_flag": "Flag", "col_source": "Source", "col_tasks": "Tasks",
        "col_year": "Deadline year", "col_funding_kind": "Source of funds", "col_state_kind": "State",
        "col_flag_kind": "Flag", "col_plan": "Plan", "col_overdue": "Overdue", "col_due": "Due this year",
        "col_budget": "State budget alone",
        "source": "line {line}",
        "source_doc": "Source of every task: {doc}; the line is given with each task.",
        "no_year": "no year",
        "lead_count": "{agency}: {n} tasks",
        "overview_head": "Tasks and projects of the plans",
        "overview_line": "{plan}: {n} tasks; {overdue} overdue and {due} due in {year} as of {date}.",
        "overview_budget": " {state} ({state_pct} %) rest on the state budget alone.",
        "kind": {"by_date": "by a date", "period": "period", "recurring": "recurring", "conditional": "conditional",
                 "milestones": "several dates"},
        "fund": {"state_budget": "state budget", "non_budget": "outside the budget", "mixed": "budget and other sources",
                 "other": "other", "none": "not stated"},
        "state": {"not_started": "not started", "in_progress": "in progress", "done": "done", "cancelled": "cancelled",
                  "unknown": "no report"},
        "flag": {"overdue": "overdue (no completion reported)", "due": "due this year", "upcoming": "upcoming", "recurring": "recurring",
                 "conditional": "conditional", "none": "—"},
        "deadline": {"year": "{end}", "year_word": "{end}", "by_year": "by {end}", "month": "{month_name} {year}",
                     "quarter": "Q{q} {year}", "period": "{start}–{end}", "years_and": "{m0} and {m1}",
                     "period_then_phase_2": "{start}–{m0}, phase 2 to {m1}",
                     "recurring_in_period": "ongoing, {start}–{end}", "every_year": "every year",
                     "start_when_ready": "start in {start}–{end} when conditions allow",
                     "after_approval": "after approval by the City Party Committee"},
    },
    "vi": {
        "title": "Danh mục nhiệm vụ: {plan}",
        "intro": "{n} nhiệm vụ, đề án, dự án được đánh số, tính đến ngày {date}: {overdue} quá hạn mà chưa có báo cáo "
                 "hoàn thành, {due} đến hạn trong "
                 "năm {year}, {upcoming} có thời hạn về sau, {recurring} thực hiện thường xuyên và {conditional} có điều kiện.",
        "funding": "Nguồn lực: {state} nhiệm vụ ({state_pct} %) chỉ dựa vào ngân sách nhà nước, {mixed} dùng ngân sách và "
                   "các nguồn khác, {non} ngoài ngân sách.",
        "no_funding": "Danh mục không ghi nguồn lực.",
        "states": "Tiến độ đã báo cáo: {reported}/{n} nhiệm vụ ({done} hoàn thành); các nhiệm vụ còn lại được coi là chưa hoàn thành.",
        "no_states": "Chưa có báo cáo tiến độ nào được nhập nên chưa biết nhiệm vụ nào đã hoàn thành: \"quá hạn\" ở đây "
                     "chỉ có nghĩa là chưa có báo cáo hoàn thành.",
        "overdue_head": "Quá hạn, chưa có báo cáo hoàn thành",
        "overdue_none": "Không có nhiệm vụ quá hạn.",
        "counts_head": "Thống kê",
        "by_year": "Theo năm đến hạn", "by_funding": "Theo nguồn lực", "by_state": "Theo tình trạng", "by_flag": "Theo cảnh báo",
        "by_lead_head": "Nhiệm vụ theo cơ quan chủ trì",
        "col_no": "Số TT", "col_quote": "Nhiệm vụ (trích nguyên văn)", "col_lead": "Cơ quan chủ trì",
        "col_helpers": "Cơ quan tham mưu / phối hợp", "col_deadline": "Thời hạn", "col_funds": "Nguồn lực",
        "col_state": "Tình trạng", "col_flag": "Cảnh báo", "col_source": "Nguồn", "col_tasks": "Số nhiệm vụ",
        "col_year": "Năm đến hạn", "col_funding_kind": "Nguồn lực", "col_state_kind": "Tình trạng",
        "col_flag_kind": "Cảnh báo", "col_plan": "Văn bản", "col_overdue": "Quá hạn", "col_due": "Đến hạn trong năm",
        "col_budget": "Chỉ dựa vào ngân sách",
        "source": "dòng {line}",
        "source_doc": "Nguồn của mọi nhiệm vụ: {doc}; dòng được ghi ở từng nhiệm vụ.",
        "no_year": "không có năm",
        "lead_count": "{agency}: {n} nhiệm vụ",
        "overview_head": "Nhiệm vụ, dự án của các văn bản",
        "overview_line": "{plan}: {n} nhiệm vụ; {overdue} quá hạn và {due} đến hạn trong năm {year}, tính đến ngày {date}.",
        "overview_budget": " {state} nhiệm vụ ({state_pct} %) chỉ dựa vào ngân sách nhà nước.",
        "kind": {"by_date": "mốc thời gian", "period": "giai đoạn", "recurring": "thường xuyên", "conditional": "có điều kiện",
                 "milestones": "nhiều mốc"},
        "fund": {"state_budget": "ngân sách nhà nước", "non_budget": "ngoài ngân sách", "mixed": "ngân sách và nguồn khác",
                 "other": "nguồn khác", "none": "không ghi"},
        "state": {"not_started": "chưa bắt đầu", "in_progress": "đang thực hiện", "done": "hoàn thành", "cancelled": "hủy bỏ",
                  "unknown": "chưa có báo cáo"},
        "flag": {"overdue": "quá hạn (chưa báo cáo hoàn thành)", "due": "đến hạn trong năm", "upcoming": "sắp tới", "recurring": "thường xuyên",
                 "conditional": "có điều kiện", "none": "—"},
        "deadline": {},  # Vietnamese pages show the deadline as printed
    },
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


def fmt_date(d: date, lang: str) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if lang == "vi" else f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def _n(x: float, lang: str, decimals: int = 0) -> str:
    return format_number(float(x), lang, decimals)


def deadline_label(text: str, lang: str) -> str:
    """A deadline in the page's language: as printed in Vietnamese, read by its rule in English."""
    _check_lang(lang)
    if lang == "vi":
        return str(text)
    d = parse_deadline(text)
    tpl = TEXT["en"]["deadline"][d.rule]
    end = d.end or ""
    ms = list(d.milestones) + ["", ""]
    return tpl.format(start=(d.start or "")[:4], end=end[:4], year=end[:4], m0=ms[0], m1=ms[1],
                      month_name=_MONTHS_EN[int(end[5:7]) - 1] if len(end) == 7 else "",
                      q=(int(end[5:7]) // 3) if len(end) == 7 else "")


# --------------------------------------------------------------------------- data
def load_register(as_of: date | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, date]:
    """Register (tasks + latest user states + flags), agencies and plans, as of a date.

    Raises ValidationError (file, row, field) when a data or user file is wrong.
    """
    as_of = as_of if isinstance(as_of, date) else parse_as_of(as_of)
    agencies = load_agencies()
    tasks = load_tasks(agencies=agencies)
    status, problems = read_status(user_status_files(), tasks["task_id"])
    if problems:
        raise ValidationError(problems)
    plans = pd.read_csv(config.data_dir() / "plans.csv", dtype=str, keep_default_na=False)
    return build_register(tasks, status, as_of), agencies, plans, as_of


@dataclass
class RegisterPage:
    plan: str
    lang: str
    as_of: date
    title: str
    sentences: list[str]
    overdue: pd.DataFrame
    counts: dict[str, pd.DataFrame]
    groups: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    n_tasks: int = 0


def _names(agencies: pd.DataFrame, lang: str) -> dict[str, str]:
    return dict(zip(agencies["agency"], agencies["name_vi" if lang == "vi" else "name_en"]))


def _agency_list(value: object, names: dict[str, str]) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value):
        return "—"
    return "; ".join(names.get(a, a) for a in str(value).split(";") if a)


def _task_rows(reg: pd.DataFrame, names: dict[str, str], lang: str, with_lead: bool) -> pd.DataFrame:
    t = TEXT[lang]
    rows = []
    for r in reg.to_dict("records"):
        # the bodies that prepare or coordinate, without repeating the lead
        helpers = [a for x in (r.get("advisory_agencies"), r.get("coordinating_agencies")) if isinstance(x, str)
                   for a in x.split(";") if a and a != r["lead_agency"]]
        helpers = list(dict.fromkeys(helpers))
        funds = (r.get("funding_text") or "") if lang == "vi" else t["fund"].get(r.get("funding_kind") or "none", "")
        row = {t["col_no"]: str(r["task_id"]).rsplit(".", 1)[-1].lstrip("0") or "0",
               t["col_quote"]: r["quote"]}
        if with_lead:
            row[t["col_lead"]] = names.get(r["lead_agency"], r["lead_agency"])
        row.update({
            t["col_helpers"]: _agency_list(";".join(helpers), names),
            t["col_deadline"]: deadline_label(r["deadline_text"], lang),
            t["col_funds"]: funds or t["fund"]["none"],
            t["col_state"]: t["state"][r["state"]],
            t["col_flag"]: t["flag"][r["flag"] or "none"],
            t["col_source"]: t["source"].format(line=int(r["source_line"])),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def _count_table(reg: pd.DataFrame, col: str, labels: dict | None, head: str, lang: str, order: list | None = None
                 ) -> pd.DataFrame:
    t = TEXT[lang]
    s = reg[col].astype(object).where(reg[col].notna() & (reg[col].astype(str) != ""), "none")
    c = s.value_counts()
    keys = [k for k in (order or []) if k in c.index] + sorted((k for k in c.index if k not in (order or [])),
                                                               key=lambda k: (k == "none", str(k)))
    out = []
    for k in keys:
        label = (t["no_year"] if k == "none" else str(k)) if labels is None else labels.get(k, str(k))
        out.append({head: label, t["col_tasks"]: _n(c[k], lang)})
    return pd.DataFrame(out)


def register_page(reg: pd.DataFrame, agencies: pd.DataFrame, plans: pd.DataFrame, plan: str, lang: str,
                  as_of: date) -> RegisterPage:
    """The page for one plan as data: title, sentences, the overdue table, counts, one table per lead agency.

    ``reg`` is a register from :func:`cantho_analysis.tasks.build_register` (any plans; filtered here).
    """
    _check_lang(lang)
    if plan not in set(reg["plan"]):
        raise ValueError(f"unknown plan {plan!r}; the register has: {', '.join(sorted(set(reg['plan'])))}")
    t = TEXT[lang]
    names = _names(agencies, lang)
    r = reg[reg["plan"] == plan].sort_values("task_id", kind="mergesort")
    prow = plans[plans["plan"] == plan]
    pname = prow["name_vi" if lang == "vi" else "name_en"].iloc[0] if len(prow) else plan
    n = len(r)
    cnt = {k: int(r[k].sum()) for k in FLAGS}
    sentences = [t["intro"].format(n=_n(n, lang), date=fmt_date(as_of, lang), year=as_of.year,
                                   **{k: _n(v, lang) for k, v in cnt.items()})]
    fk = r["funding_kind"].astype(object).where(r["funding_kind"].notna() & (r["funding_kind"].astype(str) != ""), None)
    if fk.notna().any():
        k = fk.value_counts()
        state = int(k.get("state_budget", 0))
        sentences.append(t["funding"].format(state=_n(state, lang), state_pct=_n(100 * state / n, lang, 1),
                                             mixed=_n(k.get("mixed", 0), lang), non=_n(k.get("non_budget", 0), lang)))
    else:
        sentences.append(t["no_funding"])
    docs = list(dict.fromkeys(r["source_file"]))
    sentences.append(t["source_doc"].format(doc="; ".join(document_name(d, lang) for d in docs)))
    reported = int((r["state"] != NO_STATE).sum())
    sentences.append(t["states"].format(reported=_n(reported, lang), n=_n(n, lang),
                                        done=_n((r["state"] == "done").sum(), lang)) if reported else t["no_states"])
    overdue = _task_rows(r[r["overdue"]], names, lang, with_lead=True)
    counts = {
        t["by_year"]: _count_table(r, "deadline_year", None, t["col_year"], lang),
        t["by_funding"]: _count_table(r, "funding_kind", t["fund"], t["col_funding_kind"], lang,
                                      ["state_budget", "mixed", "non_budget", "other"]),
        t["by_state"]: _count_table(r, "state", t["state"], t["col_state_kind"], lang, [*STATES, NO_STATE]),
        t["by_flag"]: _count_table(r, "flag", t["flag"], t["col_flag_kind"], lang, [*FLAGS]),
    }
    groups = []
    sizes = r["lead_agency"].value_counts()
    for a in sorted(sizes.index, key=lambda a: (-sizes[a], names.get(a, a))):
        g = r[r["lead_agency"] == a]
        # overdue first, then by task number
        g = g.assign(_o=~g["overdue"]).sort_values(["_o", "task_id"], kind="mergesort")
        groups.append((t["lead_count"].format(agency=names.get(a, a), n=_n(len(g), lang)),
                       _task_rows(g, names, lang, with_lead=False)))
    return RegisterPage(plan, lang, as_of, t["title"].format(plan=pname), sentences, overdue, counts, groups, n)


def _table_html(df: pd.DataFrame) -> str:
    return df.to_html(index=False, escape=True, na_rep="—", border=0)


def page_html(page: RegisterPage) -> str:
    """The page as HTML (every cell and sentence escaped)."""
    t = TEXT[page.lang]
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    parts = [f"<h2>{e(page.title)}</h2>"] + [f"<p>{e(s)}</p>" for s in page.sentences]
    parts.append(f"<h3>{e(t['overdue_head'])}</h3>")
    parts.append(_table_html(page.overdue) if len(page.overdue) else f"<p>{e(t['overdue_none'])}</p>")
    parts.append(f"<h3>{e(t['counts_head'])}</h3>")
    for head, df in page.counts.items():
        parts.append(f"<h4>{e(head)}</h4>" + _table_html(df))
    parts.append(f"<h3>{e(t['by_lead_head'])}</h3>")
    for head, df in page.groups:
        parts.append(f"<h4>{e(head)}</h4>" + _table_html(df))
    return "\n".join(parts)


def display_task_register(plan: str = "dh_i_2025_2030", lang: str = "en", as_of: str | None = None) -> RegisterPage:
    """Show the task register of one plan in a notebook."""
    from IPython.display import HTML, display

    reg, agencies, plans, d = load_register(as_of or None)
    page = register_page(reg, agencies, plans, plan, lang, d)
    display(HTML(page_html(page)))
    return page


# --------------------------------------------------------------------------- overview
def overview_section(lang: str = "en", as_of: date | str | None = None, reg: pd.DataFrame | None = None,
                     plans: pd.DataFrame | None = None) -> dict:
    """Short summary for the overview: a table per plan (tasks, overdue, due this year, state budget
    alone) and one sentence per plan. Loads the register unless ``reg`` is given."""
    _check_lang(lang)
    if reg is None:
        reg, _, plans, as_of = load_register(as_of)
    as_of = as_of if isinstance(as_of, date) else parse_as_of(as_of)
    t = TEXT[lang]
    names = dict(zip(plans["plan"], plans["name_vi" if lang == "vi" else "name_en"])) if plans is not None else {}
    rows, sentences = [], []
    for plan, g in reg.groupby("plan", sort=False):
        n = len(g)
        due = int(g["due"].sum())
        state = int((g["funding_kind"] == "state_budget").sum())
        has_funding = bool((g["funding_kind"].fillna("") != "").any())
        rows.append({t["col_plan"]: names.get(plan, plan), t["col_tasks"]: _n(n, lang),
                     t["col_overdue"]: _n(g["overdue"].sum(), lang), t["col_due"]: _n(due, lang),
                     t["col_budget"]: (f"{_n(state, lang)} ({_n(100 * state / n, lang, 1)} %)" if has_funding
                                       else t["fund"]["none"])})
        s = t["overview_line"].format(plan=names.get(plan, plan), n=_n(n, lang), overdue=_n(g["overdue"].sum(), lang),
                                      due=_n(due, lang), year=as_of.year, date=fmt_date(as_of, lang))
        if has_funding:
            s += t["overview_budget"].format(state=_n(state, lang), state_pct=_n(100 * state / n, lang, 1))
        sentences.append(s)
    return {"title": t["overview_head"], "table": pd.DataFrame(rows), "sentences": sentences, "as_of": as_of}


def overview_html(lang: str = "en", as_of: date | str | None = None) -> str:
    """The overview's task section as HTML."""
    sec = overview_section(lang, as_of)
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    return (f"<h3>{e(sec['title'])}</h3>" + "".join(f"<p>{e(s)}</p>" for s in sec["sentences"])
            + _table_html(sec["table"]))
