"""The growth feasibility study: how likely is the average growth target?

Computation: ``series`` (growth series), ``models`` (simulation), ``backtest``, ``checks``
(plan-consistency audit), ``study`` (``StudyParams``, ``run_study``, ``StudyResult``).
Reader-facing layer (never imported by the computation): ``text``, ``charts``, ``display``.
"""
