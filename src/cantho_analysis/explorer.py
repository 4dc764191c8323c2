"""Interactive exploration: the indicator explorer and the 2026–2030 scenario calculator.

All logic is here and unit-tested without a browser: ``explorer_options`` (which plans and
indicators can be picked), ``scenario`` (from control values to results) and the two
classes whose ``update`` methods turn control values into numbers and a figure. The
notebook only wires ipywidgets to them.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import config
from .i18n import LANGS, catalogue, keys, scoped, t as msg
from .numbers import format_number

__all__ = ["explorer_options", "ui_text", "slider_labels", "plan_choices", "base_grdp_choices", "scenario_frames",
           "scenario_csv", "scenario_xlsx", "save_scenario", "show_app", "TaskBrowser", "tasks_widget", "ScenarioInputs", "ScenarioResult", "scenario", "scenario_defaults", "feasibility_fan",
           "ScenarioCalculator", "IndicatorExplorer"]

ALL = "(all)"


# --------------------------------------------------------------------------- selection logic
DEFAULT_LOCALITY, DEFAULT_INDICATOR = "can_tho_merged", "grdp_growth"


def explorer_options(card: pd.DataFrame, indicators: pd.DataFrame, locality: str | None = None,
                     plan: str | None = None, lang: str = "en", indicator: str | None = None) -> dict:
    """What can be picked: localities with targets; plans of the chosen locality; indicators of
    the chosen locality and plan (all plans when ``plan`` is None or ``"(all)"``).

    Returns ``{"localities": [...], "locality", "plans": [...], "plan", "indicators": [(label, id), ...],
    "indicator"}``, each list sorted stably. The defaults are the merged city and real GRDP growth;
    a choice that is no longer valid falls back to the default, else to the first option.
    """
    locs = [l for l in config.LOCALITIES if (card["locality"] == l).any()]
    fallback = DEFAULT_LOCALITY if DEFAULT_LOCALITY in locs else (locs[0] if locs else None)
    loc = locality if locality in locs else fallback
    c = card[card["locality"] == loc]
    plans = [ALL] + sorted(c["plan"].unique())
    pl = plan if plan in plans else ALL
    if pl != ALL:
        c = c[c["plan"] == pl]
    names = indicators.set_index("indicator_id")[f"name_{lang}"]
    ids = sorted(c["indicator_id"].unique(), key=lambda i: (names.get(i, i).lower(), i))
    ind = indicator if indicator in ids else (DEFAULT_INDICATOR if DEFAULT_INDICATOR in ids else (ids[0] if ids else None))
    return {"localities": locs, "locality": loc, "plans": plans, "plan": pl,
            "indicators": [(str(names.get(i, i)), i) for i in ids], "indicator": ind}


LANGUAGES = [(msg(f"page.lang.{code}", code), code) for code in ("vi", "en")]  # each named in itself
# Exported scenarios are the user's files: kept beside the reports, never inside the report set
# (reports/ is a link to the latest build, replaced as a whole by the next `make reports`).
SCENARIO_DIR = config.REPO_ROOT / "exports" / "scenarios"


def ui_text(lang: str) -> dict:
    """Every label of the explorer's widgets in one language (``explorer.ui.*`` of the message
    catalogue), as ``{name: text}``; texts with placeholders are templates (use :func:`_t`)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return {k: catalogue(lang)[f"explorer.ui.{k}"] for k in keys("explorer.ui", lang)}


def _t(lang: str, group: str = "ui"):
    """``_t("vi")("slider", year=2026)`` is the message ``explorer.ui.slider`` in Vietnamese."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return scoped(f"explorer.{group}" if group else "explorer", lang)


def slider_labels(start: int, end: int, lang: str = "en") -> list[str]:
    """The growth sliders' labels, one per year after ``start``: "2026, %/yr" under the header
    "Real GRDP growth, %/yr" (localised)."""
    t = _t(lang)
    return [t("slider", year=y) for y in range(start + 1, end + 1)]


def plan_choices(plans: list[str], plan_names: dict, lang: str = "en") -> list[tuple[str, str]]:
    """The plan dropdown's (label, value) pairs: names instead of ids, "(all plans)" first."""
    t = _t(lang)
    return [(t("all") if p == ALL else str(plan_names.get(p, p)), p) for p in plans]


def base_grdp_choices(actuals: pd.DataFrame, lang: str = "en", year: int = 2025,
                      locality: str = "can_tho_merged") -> dict[str, float]:
    """Readable choices for the base year's GRDP at current prices: one per distinct value, its
    label the value with its unit, the figure's status, vintage and source (shortest first)."""
    from .narrative import _status_word

    from .documents import document_name

    a = actuals[(actuals["indicator_id"] == "grdp_current") & (actuals["locality"] == locality)
                & (actuals["period_start"] == year) & (actuals["period_end"] == year)]
    t = _t(lang, "")
    unit = t("calc.bn")
    out: dict[str, float] = {}
    for value, g in a.groupby("value", sort=False):
        bits = []
        for r in g.itertuples():
            src = getattr(r, "source_file", None)
            if isinstance(src, str) and src:
                line = getattr(r, "source_line", None)
                src = (t("source_line", document=document_name(src, lang), line=int(line))
                       if line is not None and not pd.isna(line) else document_name(src, lang))
            else:
                url = str(getattr(r, "source_url", "") or "")
                src = url.split("//")[-1].split("/")[0] if url else t("no_source")
            st = _status_word("figure", r.status, lang)
            bits.append(t("base_source", status=st, published=r.published, source=src)
                        if isinstance(r.published, str) and r.published else t("base_source_nodate", status=st, source=src))
        out[t("base_choice", value=format_number(float(value), lang, 0), unit=unit, sources="; ".join(bits))] = float(value)
    return out


def scenario_frames(res: "ScenarioResult", lang: str = "en") -> dict[str, pd.DataFrame]:
    """The scenario as two tables: the yearly path and the outcomes against the targets."""
    t = _t(lang, "export")
    path = res.table.rename(columns={c: t(c) for c in ("year", "real_growth_pct", "real_index", "grdp_current_bn",
                                                       "population", "grdp_per_capita_mn")})
    tg, m = res.targets, res.met
    word = lambda ok: t("met") if ok else t("missed")  # noqa: E731
    s, e = res.years[0] + 1, res.years[-1]
    rows = [
        (t("avg_low", s=s, e=e), res.average_growth, tg["avg_growth_low"], word(m["avg_growth_low"])),
        (t("avg_high", s=s, e=e), res.average_growth, tg["avg_growth_high"], word(m["avg_growth_high"])),
        (t("grdp", e=e), res.grdp_2030, tg["grdp_2030"], word(m["grdp_2030"])),
        (t("per_capita", e=e), res.per_capita_2030, tg["per_capita_2030"], word(m["per_capita_2030"])),
    ]
    cols = [t("outcome"), t("value"), t("target"), t("result")]
    return {"path": path, "outcomes": pd.DataFrame(rows, columns=cols)}


def scenario_csv(res: "ScenarioResult", lang: str = "en") -> bytes:
    """The scenario as one CSV (UTF-8 with BOM, for Excel): the path, a blank line, the outcomes."""
    from .safetext import spreadsheet_safe_frame

    fr = scenario_frames(res, lang)
    text = (spreadsheet_safe_frame(fr["path"]).to_csv(index=False) + "\n"
            + spreadsheet_safe_frame(fr["outcomes"]).to_csv(index=False))
    return ("\ufeff" + text).encode("utf-8")


def scenario_xlsx(res: "ScenarioResult", lang: str = "en") -> bytes:
    """The scenario as a workbook: sheets ``path`` and ``outcomes`` (frozen header, fitted widths)."""
    import tempfile
    from pathlib import Path

    from .export import write_xlsx
    from .safetext import spreadsheet_safe_frame

    fr = {k: spreadsheet_safe_frame(v) for k, v in scenario_frames(res, lang).items()}
    with tempfile.TemporaryDirectory() as d:
        p = write_xlsx(fr, Path(d) / "scenario.xlsx")
        return p.read_bytes()


def save_scenario(res: "ScenarioResult", folder, lang: str = "en", stem: str = "scenario") -> list:
    """Write ``<stem>.csv`` and ``<stem>.xlsx`` into ``folder``; returns the two paths."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = [folder / f"{stem}.csv", folder / f"{stem}.xlsx"]
    out[0].write_bytes(scenario_csv(res, lang))
    out[1].write_bytes(scenario_xlsx(res, lang))
    return out


# --------------------------------------------------------------------------- scenario calculator
@dataclass(frozen=True)
class ScenarioInputs:
    growth: tuple[float, ...]  # real growth % for each year after the base year
    deflator: float  # GDP deflator, % per year
    population_growth: float  # % per year
    base_year: int = 2025
    base_grdp: float = 316932.0  # billion VND, current prices, in the base year
    base_population: float = 3222000.0


@dataclass
class ScenarioResult:
    years: list[int]
    real_index: np.ndarray  # base year = 1
    grdp_current: np.ndarray  # billion VND
    population: np.ndarray
    per_capita: np.ndarray  # million VND
    average_growth: float
    grdp_2030: float
    per_capita_2030: float
    targets: dict
    met: dict
    target_index_path: np.ndarray  # real index at the target's low average growth
    table: pd.DataFrame = field(default_factory=pd.DataFrame)


def scenario(inputs: ScenarioInputs, targets: dict | None = None) -> ScenarioResult:
    """Implied GRDP, per-capita GRDP and average growth of a growth path, against the targets.

    Compounding: ``GRDP_t = GRDP_{t-1} x (1 + g_t) x (1 + deflator)``; population grows at a
    constant rate; the average growth is the geometric mean of the annual real rates.
    """
    t = {"avg_growth_low": 10.0, "avg_growth_high": 10.5, "grdp_2030": 717000.0, "per_capita_2030": 215.0}
    t.update(targets or {})
    g = np.asarray(inputs.growth, dtype=float) / 100
    n = len(g)
    years = [inputs.base_year + i for i in range(n + 1)]
    real = np.concatenate([[1.0], np.cumprod(1 + g)])
    nominal = inputs.base_grdp * real * (1 + inputs.deflator / 100) ** np.arange(n + 1)
    pop = inputs.base_population * (1 + inputs.population_growth / 100) ** np.arange(n + 1)
    pc = nominal / pop * 1000  # billion VND / persons -> million VND per person
    avg = (real[-1] ** (1 / n) - 1) * 100 if n else float("nan")
    met = {"avg_growth_low": avg >= t["avg_growth_low"] - 1e-9, "avg_growth_high": avg >= t["avg_growth_high"] - 1e-9,
           "grdp_2030": nominal[-1] >= t["grdp_2030"] - 1e-6, "per_capita_2030": pc[-1] >= t["per_capita_2030"] - 1e-9}
    target_path = (1 + t["avg_growth_low"] / 100) ** np.arange(n + 1)
    table = pd.DataFrame({"year": years, "real_growth_pct": [np.nan] + list(g * 100), "real_index": real,
                          "grdp_current_bn": nominal, "population": pop, "grdp_per_capita_mn": pc})
    return ScenarioResult(years, real, nominal, pop, pc, avg, float(nominal[-1]), float(pc[-1]), t, met, target_path, table)


def scenario_defaults(ctx=None, lang: str = "en") -> dict:
    """Default control values from the data: the latest growth outcome for every year, the
    recent implied deflator, the planning population growth, the base-year levels."""
    from .feasibility.series import implied_deflators, merged_current_levels, merged_growth_series
    from .report import get_context

    ctx = ctx or get_context()
    cat = ctx.catalog
    s = merged_growth_series(ctx.best)
    latest_year, latest = int(s.years[-1]), float(s.values[-1])
    a = cat.actuals
    levels = merged_current_levels(a)
    defl = implied_deflators(levels, dict(zip(s.years, s.values)))
    popg = cat.scenarios[(cat.scenarios["indicator_id"] == "population_growth")  # a projection: a scenario row
                         & (cat.scenarios["locality"] == "can_tho_merged")]
    pop = cat.actuals[(cat.actuals["indicator_id"] == "population") & (cat.actuals["locality"] == "can_tho_merged")
                      & (cat.actuals["period_start"] == 2025)]
    bases = a[(a["indicator_id"] == "grdp_current") & (a["locality"] == "can_tho_merged") & (a["period_start"] == 2025)]
    return {"latest_year": latest_year, "latest_growth": round(latest, 2),
            "deflator": round(float(np.mean(list(defl.values()))), 2) if defl else 4.5,
            "deflator_years": [min(defl), max(defl)] if defl else [],
            "population_growth": float(popg.iloc[0]["value"]) if len(popg) else 0.93,
            "base_population": float(pop.iloc[0]["value"]) if len(pop) else 3222000.0,
            "base_grdp_options": base_grdp_choices(a, lang),
            "base_grdp": levels.get(2025, float(bases.iloc[0]["value"]) if len(bases) else 316932.0)}


class ScenarioCalculator:
    """Control values in, numbers and an updated figure out. The figure is created once and
    its artists are updated in place, so an update costs one redraw (see benchmarks/)."""

    def __init__(self, lang: str = "en", ctx=None, fan=None, defaults: dict | None = None, start: int = 2025, end: int = 2030):
        self.lang, self.start, self.end = lang, start, end
        self.defaults = defaults or scenario_defaults(ctx, lang)
        self.fan = fan  # (years, q2.5, q10, q90, q97.5) of the real index, or None
        self._fig = None

    def inputs(self, growth=None, deflator=None, population_growth=None, base_grdp=None) -> ScenarioInputs:
        d = self.defaults
        n = self.end - self.start
        g = tuple(growth) if growth is not None else (d["latest_growth"],) * n
        if len(g) != n:
            raise ValueError(f"need {n} growth values ({self.start + 1}-{self.end}), got {len(g)}")
        return ScenarioInputs(g, d["deflator"] if deflator is None else float(deflator),
                              d["population_growth"] if population_growth is None else float(population_growth),
                              self.start, d["base_grdp"] if base_grdp is None else float(base_grdp), d["base_population"])

    def _build(self, res: ScenarioResult) -> None:
        # A figure outside pyplot: Jupyter's inline backend neither shows nor closes it behind
        # the widget's back, and it renders the same in any kernel.
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        t = _t(self.lang, "calc")
        fig = Figure(figsize=(8, 4.2))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        if self.fan is not None:
            yrs, q025, q10, q90, q975 = self.fan
            ax.fill_between(yrs, q025, q975, color="#c6dbef", alpha=0.6, lw=0)
            ax.fill_between(yrs, q10, q90, color="#9ecae1", alpha=0.8, lw=0, label=t("fan"))
        (self._l_path,) = ax.plot(res.years, res.real_index * 100, "o-", color="#08519c", lw=2, label=t("path"))
        (self._l_target,) = ax.plot(res.years, res.target_index_path * 100, "--", color="#d62728", lw=1.5,
                                    label=t("tpath", x=format_number(res.targets["avg_growth_low"], self.lang)))
        ax.set_xlabel(t("year"))
        ax.set_title(t("title", s=self.start), fontsize=11)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        ax.set_xticks(res.years)
        from .plots import value_formatter

        ax.yaxis.set_major_formatter(value_formatter(self.lang))  # the page's decimals, a true minus sign
        fig.tight_layout()
        self._fig, self._ax = fig, ax

    def update(self, **controls) -> tuple[ScenarioResult, str]:
        """Recompute for the given controls, update the figure; returns the result and an HTML summary."""
        res = scenario(self.inputs(**controls))
        if self._fig is None:
            self._build(res)
        else:
            self._l_path.set_ydata(res.real_index * 100)
        top = max(float(np.max(res.real_index * 100)), float(np.max(res.target_index_path * 100)),
                  float(self.fan[4][-1]) if self.fan is not None else 0)
        self._ax.set_ylim(min(90, float(np.min(res.real_index * 100)) - 5), top + 5)
        return res, self.summary_html(res)

    @property
    def figure(self):
        return self._fig

    def png(self) -> bytes:
        buf = io.BytesIO()
        self._fig.savefig(buf, format="png", dpi=80)
        return buf.getvalue()

    def summary_html(self, res: ScenarioResult) -> str:
        t, L = _t(self.lang, "calc"), self.lang
        f = lambda x, d=1: format_number(x, L, d)
        mark = lambda ok: (f"<b style='color:#1a9850'>{t('met')}</b>" if ok else f"<b style='color:#a50026'>{t('missed')}</b>")
        rows = [
            (t("avg", s=self.start, e=self.end), f"{f(res.average_growth, 2)} %",
             f"{f(res.targets['avg_growth_low'])}–{f(res.targets['avg_growth_high'])} %",
             f"{mark(res.met['avg_growth_low'])} / {mark(res.met['avg_growth_high'])}"),
            (t("grdp", e=self.end), f"{f(res.grdp_2030, 0)} {t('bn')}", f"≥ {f(res.targets['grdp_2030'], 0)}", mark(res.met["grdp_2030"])),
            (t("pc", e=self.end), f"{f(res.per_capita_2030)} {t('mn')}", f"≈ {f(res.targets['per_capita_2030'], 0)}",
             mark(res.met["per_capita_2030"])),
        ]
        body = "".join(f"<tr><td>{html.escape(a)}</td><td>{b}</td><td>{html.escape(c)}</td><td>{d}</td></tr>" for a, b, c, d in rows)
        return f"<table><tr><th></th><th></th><th>{t('target')}</th><th></th></tr>{body}</table>"


@lru_cache(maxsize=4)
def feasibility_fan(n_paths: int = 2000, seed: int = 20251) -> tuple:
    """The ensemble fan of the real GRDP index (base 2025 = 100), from the feasibility study."""
    from .feasibility.study import StudyParams, run_study

    r = run_study(StudyParams(n_paths=n_paths, seed=seed, backtest_paths=500, sensitivity=False, history=False))
    paths = r.ensemble.paths
    base = r.params["data_through"]
    idx = np.cumprod(1 + paths / 100, axis=1) * 100
    years = np.arange(base, base + paths.shape[1] + 1)
    idx = np.concatenate([np.full((idx.shape[0], 1), 100.0), idx], axis=1)
    q = np.percentile(idx, [2.5, 10, 90, 97.5], axis=0)
    return (years, q[0], q[1], q[2], q[3])


# --------------------------------------------------------------------------- indicator explorer
class IndicatorExplorer:
    """Selection in, report parts out (reusing ``report.indicator_report``); rendered figures are
    cached per selection so returning to one is instant."""

    def __init__(self, lang: str = "en", ctx=None):
        from .report import get_context

        self.lang = lang
        self.ctx = ctx or get_context()
        self._png: dict[tuple, bytes] = {}
        self._legend: dict[tuple, str] = {}

    def options(self, locality=None, plan=None, indicator=None) -> dict:
        return explorer_options(self.ctx.card, self.ctx.catalog.indicators, locality, plan, self.lang, indicator)

    def render(self, indicator_id: str, locality: str, plan: str | None = None) -> tuple[str, bytes]:
        """HTML (summary, status table, narrative, caveats) and the chart as PNG bytes."""
        from .report import indicator_report, paragraphs_html, table_html

        key = (indicator_id, locality)
        rep = indicator_report(indicator_id, locality, self.lang, self.ctx, with_figure=key not in self._png,
                               fast_figure=True)
        if rep.figure is not None:
            buf = io.BytesIO()
            rep.figure.savefig(buf, format="png", dpi=64)
            plt.close(rep.figure)
            legend = getattr(rep.figure, "legend_entries", [])
            self._legend[key] = "".join(f"<span style='color:{c}'>&#9679;</span> {html.escape(l)} &nbsp; " for l, c in legend)
            self._png[key] = buf.getvalue()
        paras, table = rep.paragraphs, rep.table
        if plan and plan != ALL:
            keep = set(rep.card.loc[rep.card["plan"] == plan, "target_id"])
            paras = [p for p in paras if p["target_id"] in keep]
            table = rep.table[(rep.card["plan"] == plan).to_numpy()]  # the table's rows follow the card's
        e = html.escape
        body = (f"<h3>{e(rep.title)}</h3><p><small>{self._legend.get(key, '')}</small></p>"
                f"<p><b>{e(rep.summary)}</b></p>" + table_html(table) + paragraphs_html(paras, rep.caveats, self.lang))
        return body, self._png[key]


class TaskBrowser:
    """The plans' task register filtered by plan, lead agency and deadline year, as HTML (the
    explorer's tasks tab; the register and its page come from ``tasks``/``task_register``)."""

    def __init__(self, lang: str = "en", as_of=None):
        from .task_register import _names, load_register

        self.lang = lang
        self.reg, self.agencies, self.plans, self.as_of = load_register(as_of)
        self.names = _names(self.agencies, lang)

    def options(self) -> dict:
        """Choices for the three dropdowns: plans (short titles), lead agencies, deadline years."""
        from .tasks import deadline_years, parse_deadline

        col = f"short_{self.lang}" if f"short_{self.lang}" in self.plans.columns else f"name_{self.lang}"
        pname = dict(zip(self.plans["plan"], self.plans[col]))
        plans = [(pname.get(p, p), p) for p in dict.fromkeys(self.reg["plan"])]
        leads = sorted(set(self.reg["lead_agency"]), key=lambda a: self.names.get(a, a))
        years = sorted({y for t in self.reg["deadline_text"] for y in deadline_years(parse_deadline(t))})
        return {"plans": plans, "agencies": [(self.names.get(a, a), a) for a in leads], "years": years}

    def select(self, plan: str | None = None, agency: str | None = None, year: int | None = None) -> pd.DataFrame:
        from .tasks import filter_register

        return filter_register(self.reg, plan or None, agency or None, year or None, None)

    def render(self, plan: str | None = None, agency: str | None = None, year: int | None = None) -> str:
        """The selection's counts in one sentence, then its tasks (overdue first) as a table."""
        from .task_register import _n, _table_html, _task_rows, abolished_note, fmt_date

        sel = self.select(plan, agency, year).assign(_o=lambda d: ~d["overdue"])
        sel = sel.sort_values(["_o", "plan", "task_id"], kind="mergesort")
        head = _t(self.lang)("tasks_shown", n=_n(len(sel), self.lang), date=fmt_date(self.as_of, self.lang),
                                       overdue=_n(int(sel["overdue"].sum()), self.lang),
                                       due=_n(int(sel["due"].sum()), self.lang), year=self.as_of.year)
        rows = _task_rows(sel, self.names, self.lang, with_lead=True) if len(sel) else pd.DataFrame()
        used = {a for col in ("lead_agency", "advisory_agencies", "coordinating_agencies") for v in sel[col]
                if isinstance(v, str) for a in v.split(";") if a}
        notes = "".join(f"<p><small>{html.escape(n)}</small></p>" for n in abolished_note(self.agencies, used, self.lang))
        # an English title shows its printed Vietnamese original on hover and in a fold, as on the register pages
        return f"<p>{html.escape(head)}</p>" + (_table_html(rows, self.lang) if len(rows) else "") + notes


def tasks_widget(lang: str = "en"):  # pragma: no cover - needs a front end; the logic above is tested
    """The tasks tab: plan, lead agency and deadline year; the matching tasks, overdue first."""
    import ipywidgets as W

    t = _t(lang)
    tb = TaskBrowser(lang)
    o = tb.options()
    wide = {"description_width": "initial"}
    plan_w = W.Dropdown(options=[(t("all"), "")] + o["plans"], value="", description=t("plan"), style=wide,
                        layout=W.Layout(width="48%"))
    lead_w = W.Dropdown(options=[(t("all_agencies"), "")] + o["agencies"], value="", description=t("lead"),
                        style=wide, layout=W.Layout(width="48%"))
    year_w = W.Dropdown(options=[(t("all_years"), 0)] + [(str(y), y) for y in o["years"]], value=0,
                        description=t("year"), style=wide)
    out = W.HTML()

    def refresh(*_):
        out.value = tb.render(plan_w.value, lead_w.value, year_w.value)

    for w in (plan_w, lead_w, year_w):
        w.observe(refresh, names="value")
    refresh()
    return W.VBox([W.HBox([plan_w, lead_w]), year_w, out]), tb


def explorer_widget(lang: str = "en"):  # pragma: no cover - needs a front end; the logic above is tested
    """The indicator explorer as a widget (locality, plan, indicator; chart, table, narrative)."""
    import ipywidgets as W

    t = _t(lang)
    ex = IndicatorExplorer(lang)
    opts = ex.options()
    plan_names = dict(zip(ex.ctx.catalog.plans["plan"], ex.ctx.catalog.plans[f"name_{lang}"]))
    wide = {"description_width": "initial"}
    loc_w = W.Dropdown(options=[(config.LOCALITY_NAMES[l][lang], l) for l in opts["localities"]], value=opts["locality"],
                       description=t("locality"), style=wide, layout=W.Layout(width="48%"))
    plan_w = W.Dropdown(options=plan_choices(opts["plans"], plan_names, lang), value=opts["plan"],
                        description=t("plan"), style=wide, layout=W.Layout(width="48%"))
    ind_w = W.Dropdown(options=opts["indicators"], value=opts["indicator"], description=t("indicator"), style=wide,
                       layout=W.Layout(width="70%"))
    img = W.Image(format="png", layout=W.Layout(max_width="900px"))
    out = W.HTML()
    busy = [False]

    def refresh(*_):
        if busy[0]:
            return
        busy[0] = True
        try:
            o = ex.options(loc_w.value, plan_w.value, ind_w.value)
            if [v for _, v in plan_w.options] != o["plans"]:
                plan_w.options = plan_choices(o["plans"], plan_names, lang)
                plan_w.value = o["plan"]
            if list(ind_w.options) != o["indicators"]:
                ind_w.options = o["indicators"]
                ind_w.value = o["indicator"]
            if ind_w.value:
                body, png = ex.render(ind_w.value, loc_w.value, plan_w.value)
                out.value, img.value = body, png
        finally:
            busy[0] = False

    for w in (loc_w, plan_w, ind_w):
        w.observe(refresh, names="value")
    refresh()
    return W.VBox([W.HBox([loc_w, plan_w]), ind_w, img, out]), ex


def scenario_widget(lang: str = "en", folder=None):  # pragma: no cover - needs a front end; the logic above is tested
    """The 2026–2030 scenario calculator as a widget, with an "Export scenario" button (CSV and XLSX)."""
    import base64

    import ipywidgets as W

    t = _t(lang)
    calc = ScenarioCalculator(lang, fan=feasibility_fan())
    d = calc.defaults
    wide = {"description_width": "initial"}
    sliders = [W.FloatSlider(value=d["latest_growth"], min=-5, max=20, step=0.1, description=lab,
                             continuous_update=False, readout_format=".1f", style=wide)
               for lab in slider_labels(calc.start, calc.end, lang)]
    defl = W.FloatSlider(value=d["deflator"], min=0, max=12, step=0.1, description=t("deflator"),
                         continuous_update=False, style=wide)
    popg = W.FloatSlider(value=d["population_growth"], min=-1, max=3, step=0.01, readout_format=".2f",
                         description=t("population"), continuous_update=False, style=wide)
    opts = list(d["base_grdp_options"].items())
    base_value = d["base_grdp"] if d["base_grdp"] in [v for _, v in opts] else (opts[0][1] if opts else d["base_grdp"])
    base = W.Dropdown(options=opts or [(str(d["base_grdp"]), d["base_grdp"])], value=base_value,
                      description=t("base", year=calc.start), style=wide, layout=W.Layout(width="100%"))
    export_b = W.Button(description=t("export"), icon="download")
    saved = W.HTML()
    img, out = W.Image(format="png"), W.HTML()
    last = {}

    def refresh(*_):
        res, summary = calc.update(growth=[s.value for s in sliders], deflator=defl.value, population_growth=popg.value,
                                   base_grdp=base.value)
        last["res"] = res
        img.value, out.value = calc.png(), summary
        saved.value = ""

    def export(*_):
        from datetime import datetime

        res = last["res"]
        stem = "scenario-" + datetime.now().strftime("%Y%m%d-%H%M%S")
        paths = save_scenario(res, folder or SCENARIO_DIR, lang, stem)
        links = " ".join(
            f"<a download='{html.escape(p.name)}' href='data:{mime};base64,{base64.b64encode(p.read_bytes()).decode()}'>"
            f"{html.escape(p.suffix[1:].upper())}</a>"
            for p, mime in zip(paths, ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
        saved.value = (f"<small>{html.escape(t('exported', files=', '.join(str(p) for p in paths)))}"
                       f" — {html.escape(t('download'))}: {links}</small>")

    for w in sliders + [defl, popg, base]:
        w.observe(refresh, names="value")
    export_b.on_click(export)
    refresh()
    controls = W.VBox([W.HTML(f"<b>{html.escape(t('growth_header'))}</b>")] + sliders + [defl, popg, base, export_b, saved])
    return W.HBox([controls, W.VBox([out, img])]), calc


def show_app(lang: str = "en"):  # pragma: no cover - needs a front end; the logic above is tested
    """The explorer and the scenario calculator under one language dropdown (notebooks/explorer.ipynb)."""
    import ipywidgets as W
    from IPython.display import display

    lang_w = W.Dropdown(options=LANGUAGES, value=lang, description=_t(lang)("language"))
    box = W.VBox()
    state = {}

    def build(*_):
        L = lang_w.value
        lang_w.description = _t(L)("language")
        ex_box, ex = explorer_widget(L)
        sc_box, calc = scenario_widget(L)
        tk_box, tasks = tasks_widget(L)
        state.update(explorer=ex, calculator=calc, tasks=tasks)
        tabs = W.Tab(children=[W.VBox([ex_box, W.HTML(f"<h2>{html.escape(_t(L)('scenario_title'))}</h2>"), sc_box]),
                               tk_box])
        for i, key in enumerate(("tab_indicators", "tab_tasks")):
            tabs.set_title(i, _t(L)(key))
        box.children = [tabs]

    lang_w.observe(build, names="value")
    build()
    display(W.VBox([lang_w, box]))
    return state


def show_explorer(lang: str = "en"):  # pragma: no cover - needs a front end; the logic above is tested
    """The indicator explorer alone."""
    from IPython.display import display

    box, ex = explorer_widget(lang)
    display(box)
    return ex


def show_scenarios(lang: str = "en"):  # pragma: no cover - needs a front end; the logic above is tested
    """The scenario calculator alone."""
    from IPython.display import display

    box, calc = scenario_widget(lang)
    display(box)
    return calc
