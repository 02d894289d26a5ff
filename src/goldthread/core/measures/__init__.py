"""The measure registry and the measures declared in it."""

from . import annex_a, audit_measures  # noqa: F401  (declare the Annex A, then the case-audit, measures)
from .registry import ANNEX_A, CASE_AUDITS, GROUPS, REGISTRY, Context, Measure, Result, compute_all, ids_from

__all__ = ["ANNEX_A", "CASE_AUDITS", "GROUPS", "REGISTRY", "Context", "Measure", "Result", "compute_all", "ids_from"]
