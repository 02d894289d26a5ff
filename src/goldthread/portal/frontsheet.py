"""The front sheet: one page of the headline Annex A measures an inspector reads first, as a ChAT front sheet does
(contacts and referrals, re-referrals, assessments in timescale, section 47 enquiries and initial conferences in
timescale, children on plans and repeat plans, visits in timescale, children in care and placement stability,
care leavers in touch and in education, caseloads).

Each row is the dashboard's card for the measure (``goldthread.portal.data.cards``): its latest value, the previous
extract's value, the change and whether it is better, and England's latest published figure. Nothing is computed
again here. ``front_sheet(council, known_at=...)`` gives the front sheet as it stood at a past moment (the extracts
in use then: ``live_extracts(council, known_at=...)``), so a pack for a past monitoring visit shows what was known
then; a later extract does not change it. England's figures are the latest published (national data carries no
date of loading)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from goldthread.core.measures import REGISTRY, Measure
from goldthread.councils.models import LocalAuthority
from goldthread.extracts.queries import live_extracts

from . import data

# The headline measures, in the order an inspector reads them, declared once: (section, measure ids).
HEADLINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Front door", ("contacts", "referrals", "referrals_per_10k", "re_referrals_12m")),
    ("Assessment", ("assessments_within_45wd",)),
    ("Child protection", ("s47_enquiries", "icpc_within_15wd", "cpp_open", "cpp_per_10k", "cpp_second_or_subsequent",
                          "cpp_visits_in_timescale")),
    ("Children in need", ("cin_open", "cin_visits_in_timescale")),
    ("Children in care", ("cla_open", "cla_per_10k", "cla_visits_in_timescale", "cla_3plus_placements")),
    ("Care leavers", ("care_leavers_in_touch", "care_leavers_eet")),
    ("Workforce", ("caseload_median", "caseload_over_threshold", "unallocated")),
)
MEASURE_IDS: tuple[str, ...] = tuple(mid for _, ids in HEADLINES for mid in ids)


@dataclass(frozen=True)
class Row:
    """One headline measure: the dashboard card's figures."""

    measure: Measure
    value: float | None
    numerator: float | None
    denominator: float | None
    previous: float | None  # the previous extract's value
    england: tuple[int, float] | None  # (year, value) of England's latest published figure
    change: str  # "up", "down", "no change", or "" with no previous value
    better: bool | None  # whether the change is better (None: no change, or no better direction)
    england_status: str  # "better than England", "worse than England", "same as England" or ""

    @property
    def unit(self) -> str:
        return self.measure.unit

    @property
    def england_value(self) -> float | None:
        return self.england[1] if self.england else None

    @property
    def england_year(self) -> int | None:
        return self.england[0] if self.england else None

    @classmethod
    def of(cls, card: data.Card) -> Row:
        return cls(card.measure, card.value, card.numerator, card.denominator, card.previous, card.england,
                   card.change, card.better, card.england_status)

    @classmethod
    def missing(cls, measure: Measure) -> Row:
        """A measure with no stored value in the extracts (a list the extracts did not have)."""
        return cls(measure, None, None, None, None, None, "", None, "")


@dataclass(frozen=True)
class FrontSheet:
    council: LocalAuthority
    known_at: dt.datetime | None  # None: now
    as_at: dt.date | None  # the latest extract's date (None: no extract in use)
    source_name: str  # the latest extract's file
    previous_as_at: dt.date | None  # the previous extract's date
    sections: tuple[tuple[str, tuple[Row, ...]], ...]

    @property
    def rows(self) -> list[Row]:
        return [row for _, rows in self.sections for row in rows]

    def row(self, measure_id: str) -> Row:
        return next(row for row in self.rows if row.measure.id == measure_id)


def front_sheet(council: LocalAuthority, *, known_at: dt.datetime | None = None) -> FrontSheet:
    """The headline Annex A measures from the council's extracts in use now or, with ``known_at`` (an aware
    datetime, e.g. ``goldthread.plans.queries.end_of(day)``), in use at that moment."""
    extracts = list(live_extracts(council, known_at=known_at))
    if not extracts:
        return FrontSheet(council, known_at, None, "", None, ())
    found = {card.measure.id: card for group in data.cards(council, extracts, known_at=known_at).values()
             for card in group}
    sections = tuple((label, tuple(Row.of(found[mid]) if mid in found else Row.missing(REGISTRY[mid]) for mid in ids))
                     for label, ids in HEADLINES)
    latest = extracts[-1]
    return FrontSheet(council, known_at, latest.extract_date, latest.source_name,
                      extracts[-2].extract_date if len(extracts) > 1 else None, sections)
