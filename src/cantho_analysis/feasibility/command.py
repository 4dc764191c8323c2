"""The ``feasibility`` sub-command's options. Kept apart from ``display`` so that building the
command line (every start of ``cantho-analysis``) does not import the study, statsmodels and
scipy: they are imported when the sub-command runs."""

from __future__ import annotations

from . import params as P


def cmd_feasibility(args) -> int:
    from .display import cmd_feasibility as run

    return run(args)


def register(sub) -> None:
    d, lim = P.DEFAULTS, P.LIMITS
    f = sub.add_parser("feasibility", help="how likely is the average growth target? models, backtests, sensitivity, audit")
    f.add_argument("--target-low", type=float, default=d["target_low"])
    f.add_argument("--target-high", type=float, default=d["target_high"])
    f.add_argument("--start", type=int, default=d["start_year"], help=f"base year of the period (default {d['start_year']})")
    f.add_argument("--end", type=int, default=d["end_year"], help=f"last year of the period (default {d['end_year']})")
    f.add_argument("--data-through", type=int, default=None, help="use outcomes up to this year only (default: all)")
    f.add_argument("--n-paths", type=int, default=d["n_paths"],
                   help=f"simulated paths per model ({lim['n_paths_min']:,} to {lim['n_paths_max']:,})")
    f.add_argument("--seed", type=int, default=d["seed"])
    f.add_argument("--format", choices=("table", "json"), default="table")
    f.set_defaults(func=cmd_feasibility)
