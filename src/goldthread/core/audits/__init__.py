"""The plain-Python core of case audits: audit tools as data (``tools``), choosing the children to audit
from an Annex A extract (``sampling``), and the case-audit measures (declared in
``goldthread.core.measures.audit_measures``, in the same registry as the Annex A measures).

Nothing here imports Django.
"""

from __future__ import annotations

from .tools import (
    DEFAULT_TOOL,
    GRADES,
    SHIPPED_TOOLS,
    THEMATIC_TOOLS,
    Question,
    Section,
    ToolDefinition,
    good_or_better,
    grade_label,
    grade_rank,
    validate_definition,
)


def audit_measure_ids() -> list[str]:
    """The ids of the case-audit measures, in declaration order."""
    from goldthread.core.measures import CASE_AUDITS, ids_from  # here: the measures import .tools

    return ids_from(CASE_AUDITS)


__all__ = ["DEFAULT_TOOL", "GRADES", "SHIPPED_TOOLS", "THEMATIC_TOOLS", "Question", "Section", "ToolDefinition",
           "audit_measure_ids", "good_or_better", "grade_label", "grade_rank", "validate_definition"]
