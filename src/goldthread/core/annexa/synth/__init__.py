"""Synthetic Ofsted Annex A data for a fictional council.

One case history is simulated per :class:`SynthConfig` (size, practice profile, seed and council name),
month by month from :data:`SIM_START`: children are referred, assessed, enquired into under section 47,
supported on child in need and child protection plans, come into care, move placements, go missing,
leave care, are adopted; adopters enquire, are assessed and approved and are matched with children;
social workers hold cases in teams whose size follows the work, and (for a struggling council) come
and go quickly, so cases change worker and some wait unallocated.

:func:`generate` takes the Annex A view of that history at a date, so extracts taken at successive
month ends for the same configuration form a coherent time series: the same children, plans moving
on, new referrals. :func:`write_workbook` writes the view in Ofsted's template
(goldthread.core.annexa.template), optionally with the irregularities real exports have.

The package is split along its layers: ``config`` (what to simulate), ``draws`` (dates, working days, random
draws), ``practice`` (how well the council works over time), ``reference`` (fictional reference data and the
referral pathway's shares), ``records`` (the history's records), ``history`` and ``episodes`` (the simulation),
``view`` (the Annex A lists at a date) and ``irregular`` (writing, with the irregularities real exports have).

The simulation is deterministic: every month's events come from a random stream seeded by the
configuration and the month, and the details read lazily at a date (visits, reviews, missing episodes,
the allocated worker) from streams seeded per record. A month's events depend only on earlier
months, so simulating further never changes what happened before.

Annex A conventions used (the counting rules are stated here so measures can rely on them):

* Lists 1, 2, 3 and 5 hold events dated in the six months up to ``as_at`` (from the day after the
  same date six months earlier). Lists 4, 6, 7 and 8 hold work open at ``as_at`` plus work that ended
  in those six months. List 9 holds care leavers supported at ``as_at``. Lists 10 and 11 hold children
  and adopters in the adoption process at ``as_at`` or with a step in the twelve months to ``as_at``.
* List 3's "Number of Referrals in Last 12 Months" counts the child's referrals in the twelve months up
  to and including the referral's date, the referral itself included. List 5's counts are of the
  child's section 47 enquiries started, and initial conferences held, in the twelve months to
  ``as_at``. List 8's placements, missing and absent episodes are counted over the twelve months to
  ``as_at`` (placements open at any time in that period, within the period of care).
* "Number of Previous Child Protection Plans" counts the child's plans that started before this one.
* Ages are whole years at ``as_at``. No date after ``as_at`` is ever returned by :func:`generate`.
* The allocated team and worker are the child's at ``as_at`` for open work, and at the end of the
  work for closed work; a blank worker means the case was unallocated then.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from ..._gc import gc_paused
from .config import (
    EARLIEST_AS_AT,
    IMPROVEMENT_END,
    IMPROVEMENT_START,
    PROFILES,
    SIM_START,
    SIZES,
    SynthConfig,
)
from .draws import _month_of
from .history import _history
from .irregular import _irregular_plans, write
from .view import _View

date = dt.date

__all__ = [
    "EARLIEST_AS_AT",
    "IMPROVEMENT_END",
    "IMPROVEMENT_START",
    "PROFILES",
    "SIM_START",
    "SIZES",
    "SynthConfig",
    "generate",
    "write_workbook",
]


def generate(config: SynthConfig, as_at: date) -> dict[int, list[dict]]:
    """The 11 lists as at `as_at`: list number -> rows, each row a dict keyed by the CANONICAL column
    names of spec.py, with clean typed values (datetime.date, int, bool/None, canonical code strings, str)."""
    if isinstance(as_at, dt.datetime):
        as_at = as_at.date()
    if as_at < EARLIEST_AS_AT:
        raise ValueError(f"as_at must be on or after {EARLIEST_AS_AT:%d/%m/%Y} "
                         f"(the history starts {SIM_START:%d/%m/%Y})")
    with gc_paused():
        history = _history(config)
        history.advance_to(_month_of(as_at))
        return _View(history, as_at).lists()


def write_workbook(path, config: SynthConfig, as_at: date, *, irregular: bool = True) -> dict[int, int]:
    """Write an .xlsx in Ofsted's template (goldthread.core.annexa.template: a sheet per list, Ofsted's headers,
    lettered codes, date cells) and return the row count per list. With irregular=True, add the irregularities
    real exports have (goldthread.core.annexa.synth.irregular says which)."""
    if isinstance(as_at, dt.datetime):
        as_at = as_at.date()
    data = generate(config, as_at)
    history = _history(config)
    plans = None
    if irregular:
        rng = random.Random(f"{history.key}|irregular|{as_at.isoformat()}")
        plans = _irregular_plans(rng, data, as_at, history)
    with gc_paused():
        return write(Path(path), data, plans, f"{history.key}|cells|{as_at.isoformat()}")
