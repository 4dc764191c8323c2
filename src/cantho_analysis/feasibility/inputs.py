"""What the feasibility study and its page read: a few indicators, not the whole catalogue.

The incremental build (``fingerprint.py``) rebuilds the feasibility pages only when a row of
these indicators (targets, figures, scenarios, definitions), the base rates, the plans, the
documents list or the code changes. ``tests/test_feasibility_inputs.py`` runs the study and
renders its page on the catalogue cut down to these indicators and checks that both are the
same as on the whole catalogue, so a check that starts reading another indicator fails there
until it is added here.
"""

from __future__ import annotations

from dataclasses import replace

__all__ = ["INDICATORS", "restrict"]

# The growth series (merged city, old units, Vietnam), the plan-consistency audit's inputs.
INDICATORS = (
    "agri_growth", "budget_revenue", "budget_revenue_growth", "employed_persons", "exports_fx", "exports_fx_growth",
    "grdp_constant", "grdp_current", "grdp_growth", "grdp_per_capita", "grdp_per_capita_usd",
    "investment_share_grdp", "labour_productivity", "population", "population_growth", "share_agriculture",
    "total_investment",
    # the sector arithmetic builds these names from its sector list
    "industry_construction_growth", "services_growth", "product_taxes_growth",
    "share_industry_construction", "share_services", "share_product_taxes",
    # appendix 8's multiples, listed with the audit's inputs on the page
    "grdp_current_multiple", "grdp_constant_multiple",
)
TABLES = ("indicators", "targets", "actuals", "scenarios")


def restrict(catalog, indicators=INDICATORS):
    """The catalogue with only ``indicators`` in its indicator-keyed tables (the others whole)."""
    keep = set(indicators)
    return replace(catalog, **{name: getattr(catalog, name)[getattr(catalog, name)["indicator_id"].isin(keep)]
                                          .reset_index(drop=True) for name in TABLES})
