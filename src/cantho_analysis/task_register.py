"""The task register page (per plan, in Vietnamese or English) and its short overview section.

The numbers come from :mod:`cantho_analysis.tasks`; this module only chooses the words and
tables. Every label is a message of the ``register`` namespace (``locales/<lang>/register.yaml``), so
the Vietnamese page is Vietnamese throughout and the English page English. The Vietnamese page
shows each task as printed, with its line. The English page gives each task's title and section
in the workbook team's unofficial translation (``data/tasks_en.csv``, :class:`Translated`), says so
once, and keeps the printed Vietnamese original under every title (on hover and in a fold,
marked ``lang="vi"``): the original is authoritative.

``register_page`` builds the page as data (frames and sentences) from a register frame;
``page_html`` renders it; ``display_task_register`` is what the notebook calls.
``overview_section`` / ``overview_html`` give the short summary for the overview report.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from . import config
from .documents import document_name
from .i18n import catalogue, keys, placeholders, scoped, t as msg
from .numbers import format_number
from .tasks import (FLAGS, NO_STATE, STATES, build_register, load_agencies, load_task_translations, load_tasks,
                    parse_as_of, parse_deadline, read_status, user_status_files)
from .validation import ValidationError

__all__ = ["RegisterPage", "Translated", "register_page", "page_html", "display_task_register", "deadline_label",
           "overview_section", "overview_html", "load_register"]

LANGS = ("vi", "en")

def _t(lang: str):
    """The register's messages in ``lang``: ``t("intro", n=...)`` is ``register.intro``."""
    return scoped("register", lang)


def _labels(group: str, lang: str) -> dict[str, str]:
    """Every message under ``register.<group>`` as ``{name: text}`` (state, flag, fund, kind)."""
    return {k: msg(f"register.{group}.{k}", lang) for k in keys(f"register.{group}", lang)}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


def fmt_date(d: date, lang: str) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if lang == "vi" else f"{d.day} {msg(f'register.month.{d.month}', lang)} {d.year}"


def _n(x: float, lang: str, decimals: int = 0) -> str:
    return format_number(float(x), lang, decimals)


def deadline_label(text: str, lang: str) -> str:
    """A deadline in the page's language: as printed in Vietnamese, read by its rule in English."""
    _check_lang(lang)
    if lang == "vi":
        return str(text)
    d = parse_deadline(text)
    end = d.end or ""
    ms = list(d.milestones) + ["", ""]
    values = {"start": (d.start or "")[:4], "end": end[:4], "year": end[:4], "m0": ms[0], "m1": ms[1],
              "month_name": msg(f"register.month.{int(end[5:7])}", lang) if len(end) == 7 else "",
              "q": (int(end[5:7]) // 3) if len(end) == 7 else ""}
    template = catalogue(lang)[f"register.deadline.{d.rule}"]
    return template.format(**{k: v for k, v in values.items() if k in placeholders(template)})


# --------------------------------------------------------------------------- data
def load_register(as_of: date | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, date]:
    """Register (tasks + latest user states + flags, with the English ``title_en``, ``section_en``
    and ``translator_note`` of data/tasks_en.csv), agencies and plans, as of a date.

    Raises ValidationError (file, row, field) when a data or user file is wrong.
    """
    as_of = as_of if isinstance(as_of, date) else parse_as_of(as_of)
    agencies = load_agencies()
    tasks = load_tasks(agencies=agencies)
    english = load_task_translations(tasks=tasks)
    status, problems = read_status(user_status_files(), tasks["task_id"])
    if problems:
        raise ValidationError(problems)
    plans = pd.read_csv(config.data_dir() / "plans.csv", dtype=str, keep_default_na=False)
    reg = build_register(tasks, status, as_of).merge(english, on="task_id", how="left", validate="one_to_one")
    return reg, agencies, plans, as_of


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
    translation_note: str = ""  # English pages: the titles are the workbook team's translation


class Translated(str):
    """A title or heading in the workbook team's English, carrying the printed Vietnamese
    ``original`` (authoritative) and the translator's ``note``. It is the English text
    (``str``) everywhere; :func:`page_html` shows the original on hover and in a fold."""

    original: str
    note: str

    def __new__(cls, text: str, original: str, note: str = ""):
        obj = super().__new__(cls, text)
        obj.original, obj.note = original, note
        return obj


def _present(v: object) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _english(r: dict, col: str, original: str) -> str:
    """The English text of a register row's ``title_en`` / ``section_en`` as :class:`Translated`.
    A register without them (one built without data/tasks_en.csv) is refused: an English page
    never shows a Vietnamese title as if it were English."""
    text = r.get(col)
    if not _present(text):
        raise ValueError(f"task {r.get('task_id')}: no {col} (data/tasks_en.csv); load the register with "
                         "task_register.load_register()")
    note = r.get("translator_note") if col == "title_en" and _present(r.get("translator_note")) else ""
    return Translated(str(text), original, note)


def _abolished(agencies: pd.DataFrame) -> dict[str, tuple[int, str]]:
    """``{agency: (year, successor id or "")}`` for the bodies marked abolished in agencies.csv."""
    out = {}
    for r in agencies.to_dict("records"):
        year = r.get("abolished")
        if year is not None and not (not isinstance(year, str) and pd.isna(year)) and str(year) != "":
            succ = r.get("successor")
            out[r["agency"]] = (int(year), succ if isinstance(succ, str) else "")
    return out


def _names(agencies: pd.DataFrame, lang: str) -> dict[str, str]:
    """Agency names as printed (in ``lang``); a body abolished since (the 2025 reorganisation)
    carries a mark (†) that :func:`abolished_note` explains."""
    gone = _abolished(agencies)
    mark = msg("register.abolished_mark", lang)
    return {a: f"{n}{mark}" if a in gone else n for a, n in zip(agencies["agency"], agencies[f"name_{lang}"])}


def abolished_note(agencies: pd.DataFrame, used: set[str], lang: str) -> list[str]:
    """One sentence per year naming the bodies among ``used`` that were abolished that year, with
    their successor where agencies.csv names one; empty when none is."""
    gone = {a: v for a, v in _abolished(agencies).items() if a in used}
    plain = dict(zip(agencies["agency"], agencies[f"name_{lang}"]))
    out = []
    for year in sorted({y for y, _ in gone.values()}):
        bodies = [msg("register.successor_body", lang, name=plain[a], successor=plain.get(s, s)) if s else plain[a]
                  for a, (y, s) in sorted(gone.items(), key=lambda kv: plain[kv[0]]) if y == year]
        out.append(msg("register.abolished_note", lang, year=year, bodies="; ".join(bodies)))
    return out


def task_text(quote: str, number: str) -> str:
    """The task as printed, without the row number the quote starts with (shown in its own column)."""
    q = str(quote)
    m = re.match(r"\s*0*(\d+)[.)]?\s+", q)
    return q[m.end():] if m and m.group(1) == number.lstrip("0") else q


def _agency_list(value: object, names: dict[str, str]) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value):
        return "—"
    return "; ".join(names.get(a, a) for a in str(value).split(";") if a)


def _task_rows(reg: pd.DataFrame, names: dict[str, str], lang: str, with_lead: bool, with_funds: bool = True,
               with_state: bool = True) -> pd.DataFrame:
    """One row per task; the funds and state columns are left out when the whole list has none
    (the page says so in a sentence instead of a column of "not stated")."""
    t = _t(lang)
    rows = []
    for r in reg.to_dict("records"):
        # the bodies that prepare or coordinate, without repeating the lead
        helpers = [a for x in (r.get("advisory_agencies"), r.get("coordinating_agencies")) if isinstance(x, str)
                   for a in x.split(";") if a and a != r["lead_agency"]]
        helpers = list(dict.fromkeys(helpers))
        funds = (r.get("funding_text") or "") if lang == "vi" else _labels("fund", lang).get(r.get("funding_kind") or "none", "")
        number = str(r["task_id"]).rsplit(".", 1)[-1].lstrip("0") or "0"
        printed = task_text(r["quote"], number)
        row = {t("col_no"): number, t("col_quote"): printed if lang == "vi" else _english(r, "title_en", printed)}
        if with_lead:
            row[t("col_lead")] = names.get(r["lead_agency"], r["lead_agency"])
        row.update({
            t("col_helpers"): _agency_list(";".join(helpers), names),
            t("col_deadline"): deadline_label(r["deadline_text"], lang),
            **({t("col_funds"): funds or t("fund.none")} if with_funds else {}),
            **({t("col_state"): t(f"state.{r['state']}")} if with_state else {}),
            t("col_flag"): t(f"flag.{r['flag'] or 'none'}"),
            t("col_source"): t("source", line=int(r["source_line"])),
        })
        rows.append(row)
    return pd.DataFrame(rows)


def _count_table(reg: pd.DataFrame, col: str, labels: dict | None, head: str, lang: str, order: list | None = None
                 ) -> pd.DataFrame:
    t = _t(lang)
    s = reg[col].astype(object).where(reg[col].notna() & (reg[col].astype(str) != ""), "none")
    c = s.value_counts()
    keys = [k for k in (order or []) if k in c.index] + sorted((k for k in c.index if k not in (order or [])),
                                                               key=lambda k: (k == "none", str(k)))
    out = []
    for k in keys:
        label = (t("no_year") if k == "none" else str(k)) if labels is None else labels.get(k, str(k))
        out.append({head: label, t("col_tasks"): _n(c[k], lang)})
    return pd.DataFrame(out)


def register_page(reg: pd.DataFrame, agencies: pd.DataFrame, plans: pd.DataFrame, plan: str, lang: str,
                  as_of: date) -> RegisterPage:
    """The page for one plan as data: title, sentences, the overdue table, counts, one table per lead agency.

    ``reg`` is a register from :func:`load_register` (any plans; filtered here); one from
    :func:`cantho_analysis.tasks.build_register` gets its English titles from data/tasks_en.csv.
    """
    _check_lang(lang)
    if plan not in set(reg["plan"]):
        raise ValueError(f"unknown plan {plan!r}; the register has: {', '.join(sorted(set(reg['plan'])))}")
    t = _t(lang)
    names = _names(agencies, lang)
    r = reg[reg["plan"] == plan].sort_values("task_id", kind="mergesort")
    if lang != "vi" and "title_en" not in r:  # a register built without the English titles
        r = r.merge(load_task_translations(), on="task_id", how="left", validate="one_to_one")
    prow = plans[plans["plan"] == plan]
    pname = prow["name_vi" if lang == "vi" else "name_en"].iloc[0] if len(prow) else plan
    n = len(r)
    cnt = {k: int(r[k].sum()) for k in FLAGS}
    sentences = [t("intro", n=_n(n, lang), date=fmt_date(as_of, lang), year=as_of.year,
                                   **{k: _n(v, lang) for k, v in cnt.items()})]
    fk = r["funding_kind"].astype(object).where(r["funding_kind"].notna() & (r["funding_kind"].astype(str) != ""), None)
    if fk.notna().any():
        k = fk.value_counts()
        state = int(k.get("state_budget", 0))
        sentences.append(t("funding", state=_n(state, lang), state_pct=_n(100 * state / n, lang, 1),
                                             mixed=_n(k.get("mixed", 0), lang), non=_n(k.get("non_budget", 0), lang)))
    else:
        sentences.append(t("no_funding"))
    docs = list(dict.fromkeys(r["source_file"]))
    sentences.append(t("source_doc", doc="; ".join(document_name(d, lang) for d in docs)))
    reported = int((r["state"] != NO_STATE).sum())
    sentences.append(t("states", reported=_n(reported, lang), n=_n(n, lang),
                                        done=_n((r["state"] == "done").sum(), lang)) if reported else t("no_states"))
    used = {a for col in ("lead_agency", "advisory_agencies", "coordinating_agencies") for v in r[col]
            if isinstance(v, str) for a in v.split(";") if a}
    sentences += abolished_note(agencies, used, lang)
    cols = {"with_funds": bool(fk.notna().any()), "with_state": reported > 0}
    overdue = _task_rows(r[r["overdue"]], names, lang, with_lead=True, **cols)
    sections = list(dict.fromkeys(r["section"]))  # in the list's order (I, II, ...)
    section_labels = ({s: s for s in sections} if lang == "vi" else
                      {x["section"]: _english(x, "section_en", x["section"]) for x in r.to_dict("records")})
    counts = {
        t("by_section"): _count_table(r, "section", section_labels, t("col_section"), lang, sections),
        t("by_year"): _count_table(r, "deadline_year", None, t("col_year"), lang),
        t("by_funding"): _count_table(r, "funding_kind", _labels("fund", lang), t("col_funding_kind"), lang,
                                      ["state_budget", "mixed", "non_budget", "other"]),
        t("by_state"): _count_table(r, "state", _labels("state", lang), t("col_state_kind"), lang, [*STATES, NO_STATE]),
        t("by_flag"): _count_table(r, "flag", _labels("flag", lang), t("col_flag_kind"), lang, [*FLAGS]),
    }
    groups = []
    sizes = r["lead_agency"].value_counts()
    for a in sorted(sizes.index, key=lambda a: (-sizes[a], names.get(a, a))):
        g = r[r["lead_agency"] == a]
        # overdue first, then by task number
        g = g.assign(_o=~g["overdue"]).sort_values(["_o", "task_id"], kind="mergesort")
        groups.append((t("lead_count", agency=names.get(a, a), n=_n(len(g), lang)),
                       _task_rows(g, names, lang, with_lead=False, **cols)))
    return RegisterPage(plan, lang, as_of, t("title", plan=pname), sentences, overdue, counts, groups, n,
                        t("translation_note") if lang != "vi" else "")


def _translated_html(v: Translated, lang: str) -> str:
    """An English title with its Vietnamese original: on hover (``title``) and in a fold that
    also holds the translator's note; the original is a quotation marked ``lang="vi"``."""
    e = html.escape
    note = (f'<span class="translator-note">{e(msg("register.translator_note", lang, note=v.note))}</span>'
            if v.note else "")
    return (f'<span class="translated" title="{e(v.original)}">{e(str(v))}</span>'
            f'<details class="original"><summary><small>{e(msg("register.original", lang))}</small></summary>'
            f'<q lang="vi">{e(v.original)}</q>{note}</details>')


def _table_html(df: pd.DataFrame, lang: str | None = None) -> str:
    """A table, every cell escaped. A :class:`Translated` cell (English pages) shows its
    Vietnamese original on hover and in a fold, marked ``lang="vi"`` (screen readers,
    hyphenation, and the reader checks know it is a quotation)."""
    e = lambda v: "—" if v is None or (not isinstance(v, str) and pd.isna(v)) else html.escape(str(v))  # noqa: E731
    cell = lambda v: _translated_html(v, lang or "en") if isinstance(v, Translated) else e(v)  # noqa: E731
    head = "".join(f"<th>{e(c)}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>\n"
                   for r in df.itertuples(index=False, name=None))
    return f'<table class="dataframe">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>'


def page_html(page: RegisterPage) -> str:
    """The page as HTML (every cell and sentence escaped)."""
    t = _t(page.lang)
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    parts = [f"<h2>{e(page.title)}</h2>"]
    if page.translation_note:  # first: every title below is a translation
        parts.append(f'<p class="translation-note"><em>{e(page.translation_note)}</em></p>')
    parts += [f"<p>{e(s)}</p>" for s in page.sentences]
    parts.append(f"<h3>{e(t('overdue_head'))}</h3>")
    parts.append(_table_html(page.overdue, page.lang) if len(page.overdue) else f"<p>{e(t('overdue_none'))}</p>")
    parts.append(f"<h3>{e(t('counts_head'))}</h3>")
    for head, df in page.counts.items():
        parts.append(f"<h4>{e(head)}</h4>" + _table_html(df, page.lang))
    parts.append(f"<h3>{e(t('by_lead_head'))}</h3>")
    for head, df in page.groups:
        parts.append(f"<h4>{e(head)}</h4>" + _table_html(df, page.lang))
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
    t = _t(lang)
    names = dict(zip(plans["plan"], plans["name_vi" if lang == "vi" else "name_en"])) if plans is not None else {}
    rows, sentences = [], []
    for plan, g in reg.groupby("plan", sort=False):
        n = len(g)
        due = int(g["due"].sum())
        state = int((g["funding_kind"] == "state_budget").sum())
        has_funding = bool((g["funding_kind"].fillna("") != "").any())
        rows.append({t("col_plan"): names.get(plan, plan), t("col_tasks"): _n(n, lang),
                     t("col_overdue"): _n(g["overdue"].sum(), lang), t("col_due"): _n(due, lang),
                     t("col_budget"): (f"{_n(state, lang)} ({_n(100 * state / n, lang, 1)} %)" if has_funding
                                       else t("fund.none"))})
        s = t("overview_line", plan=names.get(plan, plan), n=_n(n, lang), overdue=_n(g["overdue"].sum(), lang),
                                      due=_n(due, lang), year=as_of.year, date=fmt_date(as_of, lang))
        if has_funding:
            s += t("overview_budget", state=_n(state, lang), state_pct=_n(100 * state / n, lang, 1))
        sentences.append(s)
    return {"title": t("overview_head"), "table": pd.DataFrame(rows), "sentences": sentences, "as_of": as_of}


def overview_html(lang: str = "en", as_of: date | str | None = None) -> str:
    """The overview's task section as HTML."""
    sec = overview_section(lang, as_of)
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    return (f"<h3>{e(sec['title'])}</h3>" + "".join(f"<p>{e(s)}</p>" for s in sec["sentences"])
            + _table_html(sec["table"]))
