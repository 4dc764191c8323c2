"""The ``cantho-analysis`` command.

Sub-commands: ``validate``, ``catalog``, ``status``, ``reports``, ``feasibility``, ``export``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import pandas as pd

from . import config
from .catalog import load_catalog, read_files, user_actual_files
from .validation import ValidationError

log = logging.getLogger("cantho_analysis")


def _kind_of(path: Path) -> str:
    """Which table a user file is, from its header (default: actuals; reading refuses bad files)."""
    from .validation import read_bytes_safely

    if path.suffix.lower() == ".xlsx":
        return "actuals"
    data, _ = read_bytes_safely(path, str(path))
    if data is None:
        return "actuals"
    head = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    cols = {c.strip() for c in head.replace(";", ",").split(",")}
    for key, kind in (("target_id", "targets"), ("scenario_id", "scenarios"), ("rate_id", "base_rates"),
                      ("tally_id", "doc_tallies"), ("measure", "indicators")):
        if key in cols:
            return kind
    return "actuals"


def cmd_validate(args: argparse.Namespace) -> int:
    extra = [(p, "actuals") for p in user_actual_files()] + [(Path(f), _kind_of(Path(f))) for f in args.files]
    tables, problems = read_files(extra, decimal=args.decimal)
    n_tasks = 0
    if (config.data_dir() / "tasks.csv").exists():  # the task register and users' progress files
        from .tasks import load_task_translations, load_tasks, read_status, user_status_files

        try:
            task_rows = load_tasks()
            n_tasks = len(task_rows)
            problems += read_status(user_status_files(), task_rows["task_id"])[1]
            load_task_translations(tasks=task_rows)
        except ValidationError as e:
            problems += e.problems
    errors = [p for p in problems if p.is_error]
    for prob in problems:
        print(prob)
    if errors:
        print(f"{len(errors)} problem(s) found" + (f" and {len(problems) - len(errors)} warning(s)"
                                                   if len(problems) > len(errors) else "")
              + "; nothing was changed.", file=sys.stderr)
        return 1
    n = {kind: sum(len(df) for _, df in frames) for kind, frames in tables.items()}
    warned = f"; {len(problems)} warning(s) (see above)" if problems else "; no problems"
    print(f"OK: {n.get('indicators', 0)} indicators, {n.get('targets', 0)} targets, {n.get('actuals', 0)} actuals, "
          f"{n.get('scenarios', 0)} scenarios, {n.get('base_rates', 0)} base rates, "
          f"{n.get('doc_tallies', 0)} tally rows, {n_tasks} tasks"
          + (f" ({len(extra)} extra file(s) included)" if extra else "") + f"{warned}.")
    return 0


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(config.REPO_ROOT))
    except ValueError:
        return str(path)


def _load(args: argparse.Namespace):
    return load_catalog(extra_actuals=getattr(args, "actuals", None) or ())


def catalog_summary(cat) -> pd.DataFrame:
    """Per locality and plan: targets, indicators targeted, and how many have an actual."""
    with_actual = set(zip(cat.actuals["indicator_id"], cat.actuals["locality"]))
    rows = []
    for (loc, plan), g in cat.targets.groupby(["locality", "plan"], sort=True):
        inds = sorted(set(g["indicator_id"]))
        rows.append({
            "locality": loc, "plan": plan,
            "period": f"{int(g['period_start'].min())}-{int(g['period_end'].max())}",
            "targets": len(g), "indicators": len(inds),
            "indicators_with_actual": sum((i, loc) in with_actual for i in inds),
        })
    return pd.DataFrame(rows)


def indicator_list(cat) -> pd.DataFrame:
    """Every indicator id with its names, unit and the localities that have targets for it."""
    locs = cat.targets.groupby("indicator_id")["locality"].agg(lambda s: " ".join(sorted(set(s))))
    df = cat.indicators[["indicator_id", "name_en", "name_vi", "unit", "measure"]].copy()
    df["target_localities"] = df["indicator_id"].map(locs).fillna("")
    return df.sort_values("indicator_id", kind="mergesort").reset_index(drop=True)


def cmd_catalog(args: argparse.Namespace) -> int:
    cat = _load(args)
    table = indicator_list(cat) if args.indicators else catalog_summary(cat)
    if args.format == "csv":
        print(table.to_csv(index=False), end="")
    elif args.format == "json":
        print(json.dumps(table.to_dict("records"), ensure_ascii=False, indent=2))
    else:
        if args.indicators:
            shown = table[["indicator_id", "name_en", "unit", "target_localities"]].astype(str)
            widths = {c: min(60, max(len(c), shown[c].str.len().max())) for c in shown.columns}
            print("  ".join(c.ljust(widths[c]) for c in shown.columns))
            for row in shown.itertuples(index=False):
                print("  ".join(str(v)[:widths[c]].ljust(widths[c]) for c, v in zip(shown.columns, row)).rstrip())
            print(f"\n{len(table)} indicators; use the ids with `reports --only`.")
            return 0
        print(table.to_string(index=False))
        print(f"\n{len(cat.indicators)} indicators, {len(cat.targets)} targets, {len(cat.actuals)} actuals "
              f"({len(cat.best())} best-available series points), {len(cat.scenarios)} scenario figures, "
              f"{len(cat.base_rates)} base-rate figures.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from .progress import scorecard
    from .status_view import named_card, resolve_locality, status_text

    if args.locality:
        try:
            loc = resolve_locality(args.locality)
        except ValueError as e:
            print(e, file=sys.stderr)
            return 2
    cat = _load(args)
    card = scorecard(cat.targets, cat.indicators, cat.best())  # all targets: successors are in another locality
    if args.locality:
        card = card[card["locality"] == loc].reset_index(drop=True)
    if args.format == "csv":
        text = named_card(card, cat.indicators, cat.plans).to_csv(index=False)
        sys.stdout.write(("\ufeff" if args.bom else "") + text)
    elif args.format == "json":
        recs = json.loads(card.to_json(orient="records", force_ascii=False))
        print(json.dumps(recs, ensure_ascii=False, indent=1))
    else:
        print(status_text(card, cat.indicators, cat.plans, args.lang, width=args.width, targets=cat.targets))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cantho-analysis", description="Cần Thơ policy analysis workbook.")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    p.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected error")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="validate the bundled data plus any extra files")
    v.add_argument("files", nargs="*", help="extra CSV or XLSX files (actuals by default; kind read from the header)")
    v.add_argument("--decimal", choices=(".", ","), default=None,
                   help="number notation of the extra files: ',' reads 8,5 and 43.000 the Vietnamese way "
                        "(default: ',' for a semicolon-separated CSV, '.' otherwise)")
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser("catalog", help="summary table: targets and indicators with actuals, per locality and plan")
    c.add_argument("--format", choices=("table", "csv", "json"), default="table")
    c.add_argument("--indicators", action="store_true", help="list the indicator ids with their names (for --only)")
    c.add_argument("--actuals", action="append", metavar="FILE", help="extra outcome file (repeatable)")
    c.set_defaults(func=cmd_catalog)

    st = sub.add_parser("status", help="scorecard: one row per target with its status or verdict")
    st.add_argument("--locality", help="only this locality: an id (" + ", ".join(config.LOCALITIES)
                    + ") or a name such as \"Hậu Giang\" (any case, with or without diacritics)")
    st.add_argument("--format", choices=("table", "csv", "json"), default="table")
    st.add_argument("--bom", action="store_true", help="with --format csv: start with a UTF-8 BOM (for Excel)")
    st.add_argument("--lang", choices=("en", "vi"), default="en", help="language of the table (default en)")
    st.add_argument("--width", type=int, default=100, help="width of the table in columns (default 100)")
    st.add_argument("--actuals", action="append", metavar="FILE", help="extra outcome file (repeatable)")
    st.set_defaults(func=cmd_status)

    from . import batch, export
    from .feasibility import command as feasibility_command

    batch.register(sub)
    feasibility_command.register(sub)
    export.register(sub)
    from . import tasks

    tasks.register(sub)
    for sp in sub.choices.values():  # --debug also after the sub-command
        sp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback of an unexpected error")
    return p


def main(argv: list[str] | None = None) -> int:
    from .safetext import terminal_safe

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        return int(args.func(args) or 0)
    except ValidationError as e:  # on stderr: stdout may be a CSV or JSON being written to a file
        for prob in e.problems:
            print(prob, file=sys.stderr)
        print(f"{len(e.problems)} problem(s) found; nothing was changed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`, say
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # never a traceback for the user, unless asked for
        from .publish import OutputError

        if isinstance(e, OutputError) and not args.debug:
            print(terminal_safe(e), file=sys.stderr)
            return 1
        if args.debug:
            raise
        from .publish import describe_os_error

        what = describe_os_error(e) if isinstance(e, OSError) else f"{type(e).__name__}: {e}"
        print(terminal_safe(f"cantho-analysis {args.command}: {what}").splitlines()[0]
              + " (run with --debug for the details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
