"""The measure registry and the measures declared in it."""

# The SSDA903 return's and the workforce list's measures, before Annex A's for the same reason as the CIN census's
import goldthread.core.measures.ssda903  # noqa: F401
import goldthread.core.measures.workforce  # noqa: F401
from goldthread.core.measures import cin_census  # noqa: F401  (the CIN census; first, so england_figures keeps Annex A twins)

from . import annex_a, audit_measures  # noqa: F401  (declare the Annex A, then the case-audit, measures)
from .registry import ANNEX_A, CASE_AUDITS, GROUPS, REGISTRY, Context, Measure, Result, compute_all, ids_from

__all__ = ["ANNEX_A", "CASE_AUDITS", "GROUPS", "REGISTRY", "Context", "Measure", "Result", "compute_all", "ids_from"]
