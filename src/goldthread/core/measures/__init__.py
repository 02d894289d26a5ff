"""The measure registry and the measures declared in it."""

from . import annex_a  # noqa: F401  (declares the Annex A measures)
from .registry import GROUPS, REGISTRY, Context, Measure, Result, compute_all

__all__ = ["GROUPS", "REGISTRY", "Context", "Measure", "Result", "compute_all"]
