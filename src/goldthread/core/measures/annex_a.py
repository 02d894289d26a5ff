"""Measures computed from a council's Annex A.

Conventions (every definition follows them):
- ``as_at`` is the extract date. "The window" is the six months before it: dates d with
  as_at minus 6 calendar months < d <= as_at.
- Open at as_at: start <= as_at and (no end date, or end > as_at). Open during the window: start <= as_at
  and (no end date, or end > as_at minus 6 months).
- Working days exclude weekends and England's bank holidays; the working days from d1 to d2 are those
  after d1 up to and including d2; "within N working days" means that count is at most N.
- Whole calendar months from d1 to d2: the largest m with d1 <= d2 less m months (a month with no such day
  ends on its last day), so "2 years or more" means d1 <= d2 less 24 months.
- Counts of children are distinct by Child Unique ID; counts of events are not.
- A yes/no column counts as Yes only when it says Yes: Unknown and blank stay in the total as not Yes.
- Ages are at the extract date: whole years from the date of birth, or the stated "Age of Child (Years)"
  where there is no date of birth.
- Rates are per 10,000 children aged 0 to 17 living in the council's area (ONS mid-year estimate), or per
  10,000 young people of the ages a care leaver measure is about. Events dated in the window are doubled to
  give a yearly figure; counts of children, and of what is open at the extract date, are not.

The measures are declared by practice area, in the order practice flows: the front door (Lists 1-3),
assessment (List 4), child protection (Lists 5-7), children in care (List 8), care leavers (List 9) and
caseloads (Lists 4, 6, 7 and 8). ``goldthread.core.measures.catalogue`` maps the regional benchmarking tool's
measures onto them, with the reason wherever goldthread's definition deliberately differs.
"""

from __future__ import annotations

# Declared in the order practice flows: the registry, and so the dashboard, keeps this order.
# isort: off
from . import front_door  # noqa: F401
from . import assessment  # noqa: F401
from . import child_protection  # noqa: F401
from . import children_in_care  # noqa: F401
from . import care_leavers  # noqa: F401
from . import caseloads  # noqa: F401
# isort: on
from .caseloads import open_work

__all__ = ["open_work"]
