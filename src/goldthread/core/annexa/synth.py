"""Synthetic Ofsted Annex A data for a fictional council.

One case history is simulated per :class:`SynthConfig` (size, practice profile, seed and council name),
month by month from :data:`SIM_START`: children are referred, assessed, enquired into under section 47,
supported on child in need and child protection plans, come into care, move placements, go missing,
leave care, are adopted; adopters enquire, are assessed and approved and are matched with children;
social workers hold cases in teams whose size follows the work, and (for a struggling council) come
and go quickly, so cases change worker and some wait unallocated.

:func:`generate` takes the Annex A view of that history at a date, so extracts taken at successive
month ends for the same configuration form a coherent time series: the same children, plans moving
on, new referrals. :func:`write_workbook` writes the view as an Ofsted-format workbook, optionally with
the irregularities real exports have.

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

import bisect
import datetime as dt
import functools
import heapq
import itertools
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import holidays
import xlsxwriter
from dateutil.relativedelta import relativedelta

from .._gc import gc_paused
from . import codes as c
from .spec import AGE, BOOL, CODE, DATE, ID, INT, LISTS, Column, ListSpec

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

SIM_START = date(2019, 4, 1)
"""First day of the simulated history (children in care before it are seeded as a standing stock)."""
EARLIEST_AS_AT = date(2021, 3, 31)
"""Earliest extract date: two years in, so case loads, plans and counts over 12 months are settled."""
IMPROVEMENT_START = date(2023, 4, 1)
"""The "improving" profile practises as a struggling council until this date ..."""
IMPROVEMENT_END = date(2026, 3, 31)
"""... and as a strong one from this date, improving steadily in between."""

PROFILES = ("strong", "struggling", "improving")


@dataclass(frozen=True)
class _Size:
    referrals_per_month: float
    localities: int


SIZES: dict[str, _Size] = {
    "small": _Size(33, 2),  # about 2,000 rows in all lists together
    "medium": _Size(240, 3),  # about 15,000
    "large": _Size(1090, 5),  # about 70,000
}


@dataclass(frozen=True)
class SynthConfig:
    """Which council to simulate.

    size: "small" (about 2,000 rows in all lists together), "medium" (about 15,000), "large" (about 70,000).
    profile: "strong" or "struggling"; also "improving": struggling early in the timeline (before
    IMPROVEMENT_START), strong by the end (from IMPROVEMENT_END).
    seed: different seeds give different children, workers and events.
    council_name: fictional; used for team names, placement LA name etc.
    improved_by: for "improving", the date it practises as a strong council from (default
    IMPROVEMENT_END); it improves steadily over the three years before. The demo sets it after its
    latest extract so that its months show the climb.
    """

    size: str = "small"
    profile: str = "strong"
    seed: int = 1
    council_name: str = "Northby"
    improved_by: date | None = None

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"size must be one of {', '.join(SIZES)}, not {self.size!r}")
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {self.profile!r}")
        if not self.council_name.strip():
            raise ValueError("council_name must not be blank")


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
    """Write an .xlsx in Ofsted's format (sheet per list, Ofsted headers, lettered codes, dd/mm/yyyy or real
    date cells) and return the row count per list. With irregular=True, add the irregularities real exports
    have.

    The irregularities (each present, deterministic for the seed, touching a small share of cells):
    sheet names varied ("List 1", "list_1", "L1 Contacts", "List 1 - Contacts"); one or two title/notes
    rows above the header on some sheets; header variants ("Age" for "Age of Child (Years)", List 8's
    UASC header with a doubled bracket "(Y/N))", "Date of referral", curly quotes in List 8's
    'Missing'/'Absent' headers, odd spacing or case); an extra "Local ref" column the spec does not
    know; code values mixing Ofsted's lettered form ("a) WBRI"), bare codes ("WBRI") and labels
    ("White British"); Yes/No written as "a) Yes"/"b) No", Yes/No, Y/N, TRUE/FALSE cells or
    "True"/"False" text; dates mostly as date cells, some as "dd/mm/yyyy" text, a few as serial
    numbers in general-format cells; identifiers as text (some with leading zeros), written as numbers
    on some sheets where they have none; a few duplicated rows; and a few suspect rows (an end date
    before its start, a date after ``as_at``, an age contradicting the date of birth, an unknown code).
    """
    if isinstance(as_at, dt.datetime):
        as_at = as_at.date()
    data = generate(config, as_at)
    history = _history(config)
    if irregular:
        rng = random.Random(f"{history.key}|irregular|{as_at.isoformat()}")
        plans = _irregular_plans(rng, data, as_at, history)
    else:
        plans = {spec.number: _SheetPlan.clean(spec) for spec in LISTS}
    with gc_paused():
        return _write(Path(path), data, plans, f"{history.key}|cells|{as_at.isoformat()}")


# --------------------------------------------------------------------------------------------------
# Dates and random draws


def _month_of(d: date) -> int:
    """Month number counted from SIM_START (0 for its month; negative before)."""
    return (d.year - SIM_START.year) * 12 + d.month - SIM_START.month


def _month_start(m: int) -> date:
    y, mo = divmod(SIM_START.month - 1 + m, 12)
    return date(SIM_START.year + y, mo + 1, 1)


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _add_months(d: date, n: int) -> date:
    y, mo = divmod(d.month - 1 + n, 12)
    y += d.year
    return date(y, mo + 1, min(d.day, _month_days(y, mo + 1)))


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def _days(d: date, n: int) -> date:
    return d + dt.timedelta(days=n)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class _Calendar:
    """Working days: Monday to Friday except England's bank holidays."""

    first = date(1990, 1, 1)
    last = date(2060, 12, 31)

    def __init__(self) -> None:
        bank = holidays.country_holidays("GB", subdiv="ENG", years=range(self.first.year, self.last.year + 1))
        self._base = self.first.toordinal()
        self._working: list[int] = []  # ordinals of working days
        self._upto: list[int] = []  # per day: working days on or before it
        for ordinal in range(self._base, self.last.toordinal() + 1):
            d = date.fromordinal(ordinal)
            if d.weekday() < 5 and d not in bank:
                self._working.append(ordinal)
            self._upto.append(len(self._working))

    def add(self, d: date, n: int) -> date:
        """The n-th working day after `d` (`d` itself for n <= 0)."""
        if n <= 0:
            return d
        return date.fromordinal(self._working[self._upto[d.toordinal() - self._base] - 1 + n])

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        return self._upto[end.toordinal() - self._base] - self._upto[start.toordinal() - self._base]

    def is_working(self, d: date) -> bool:
        i = d.toordinal() - self._base
        return self._upto[i] != (self._upto[i - 1] if i else 0)


@functools.cache
def _calendar() -> _Calendar:
    return _Calendar()


class _Table:
    """Weighted choices."""

    __slots__ = ("items", "cum")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def _int(rng: random.Random, lo: int, hi: int) -> int:
    """A whole number from lo to hi inclusive (random.randint, without its overhead)."""
    return lo + int(rng.random() * (hi - lo + 1))


def _below(rng: random.Random, n: int) -> int:
    """A whole number from 0 to n - 1 (random.randrange, without its overhead)."""
    return int(rng.random() * n)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


_MASK = (1 << 64) - 1


def _mix(x: int) -> int:
    """SplitMix64: a well-spread 64-bit hash, for cheap per-record decisions read lazily."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _unit(seed: int, salt: int) -> float:
    """A uniform number in [0, 1) fixed by (seed, salt)."""
    return _mix(seed ^ _mix(salt)) / 18446744073709551616.0


def _random_day(rng: random.Random, month_start: date, cal: _Calendar, weekend_share: float = 0.03) -> date:
    """A day in the month, nearly always a working day."""
    n = _month_days(month_start.year, month_start.month)
    for _ in range(6):
        d = _days(month_start, _below(rng, n))
        if cal.is_working(d) or rng.random() < weekend_share:
            return d
    return d


# --------------------------------------------------------------------------------------------------
# Practice: how well the council works, from struggling (q = 0) to strong (q = 1)


@dataclass(frozen=True, slots=True)
class _Practice:
    assess_on_time: float  # share of assessments authorised within 45 working days
    icpc_on_time: float  # share of initial conferences within 15 working days of the strategy discussion
    child_seen: float  # share of assessments where the child is seen
    rereferral: float  # share of referrals of a child referred in the previous 12 months
    repeat_cp: float  # share of CP plans for a child who had one before
    cp_to_care: float  # share of CP plans ending with the child coming into care
    cp_reviews: tuple[float, ...]  # weights: a plan ends at its 1st, 2nd, ... review conference
    cp_visit_late: float  # share of CP visit intervals over 10 working days
    cin_visit_late: float  # share of CIN visit intervals over 20 working days
    cla_visit_late: float  # share of CLA visit intervals over 6 weeks
    review_late: float  # share of CP / CLA reviews held late
    health_late: float  # share of CLA health assessments late
    dental_late: float
    seen_alone: float
    caseload: float  # cases per social worker the council staffs for
    agency: float  # share of new workers who are agency staff
    permanent_days: float  # mean tenure of a permanent worker
    agency_days: float  # mean tenure of an agency worker
    vacancy: float  # chance a leaver is not replaced at once
    alloc_wait: float  # chance a new case waits to be allocated
    transfers: float  # moves of a case between workers in a team, per year
    moves: float  # placement moves per year in care
    in_area: float  # share of placements inside the council's area
    return_interview: float  # share of missing episodes followed by an offered return interview
    pathway_late: float  # share of pathway plan reviews late
    in_touch: float  # share of care leavers in touch
    eet: float  # share of care leavers in education, employment or training
    suitable: float  # share of care leavers in suitable accommodation
    reentry: float  # chance a child who went home comes back into care
    court_days: float  # days from interim to full care order

    @classmethod
    def at(cls, q: float) -> _Practice:
        values = {}
        for f in fields(cls):
            weak, strong = _PRACTICE_RANGE[f.name]
            if isinstance(weak, tuple):
                values[f.name] = tuple(w + (s - w) * q for w, s in zip(weak, strong, strict=True))
            else:
                values[f.name] = weak + (strong - weak) * q
        return cls(**values)


_PRACTICE_RANGE: dict[str, tuple] = {  # (struggling, strong)
    "assess_on_time": (0.64, 0.91),
    "icpc_on_time": (0.58, 0.88),
    "child_seen": (0.90, 0.98),
    "rereferral": (0.33, 0.22),
    "repeat_cp": (0.29, 0.16),
    "cp_to_care": (0.17, 0.12),
    "cp_reviews": ((0.08, 0.30, 0.31, 0.21, 0.07, 0.03), (0.13, 0.38, 0.30, 0.15, 0.03, 0.01)),
    "cp_visit_late": (0.45, 0.08),
    "cin_visit_late": (0.45, 0.10),
    "cla_visit_late": (0.40, 0.06),
    "review_late": (0.30, 0.04),
    "health_late": (0.35, 0.07),
    "dental_late": (0.40, 0.15),
    "seen_alone": (0.62, 0.86),
    "caseload": (27.0, 15.5),
    "agency": (0.40, 0.08),
    "permanent_days": (700.0, 1800.0),
    "agency_days": (140.0, 260.0),
    "vacancy": (0.75, 0.15),
    "alloc_wait": (0.22, 0.02),
    "transfers": (1.1, 0.2),
    "moves": (0.9, 0.35),
    "in_area": (0.62, 0.82),
    "return_interview": (0.55, 0.92),
    "pathway_late": (0.30, 0.05),
    "in_touch": (0.80, 0.93),
    "eet": (0.45, 0.62),
    "suitable": (0.82, 0.94),
    "reentry": (0.15, 0.07),
    "court_days": (300.0, 200.0),
}


def _quality(config: SynthConfig, d: date) -> float:
    if config.profile == "strong":
        return 1.0
    end = config.improved_by or IMPROVEMENT_END
    start = IMPROVEMENT_START if config.improved_by is None else end - relativedelta(years=3)
    if config.profile == "struggling" or d < start:
        return 0.0
    if d >= end:
        return 1.0
    return (d - start).days / (end - start).days


# --------------------------------------------------------------------------------------------------
# Reference data (fictional)

_FIRST_NAMES = (
    "Aaliyah Abdul Adam Adebayo Aisha Alex Alice Amara Amelia Amir Amy Ana Andrew Anita Anna Arjun Ashley "
    "Ayesha Bethany Bilal Callum Carla Caroline Charlotte Chen Chloe Chris Claire Connor Daniel Danielle "
    "David Deborah Declan Dominika Eleanor Elif Ella Emily Emma Ethan Fatima Fiona Gareth Gemma Grace "
    "Hamza Hannah Harriet Hassan Helen Imran Isaac Jack Jade James Jamila Jasmine Jason Jennifer Joanne "
    "Jordan Joseph Julia Karen Kate Kieran Kirsty Laura Leanne Liam Lucy Luke Marcus Maria Mark Martha "
    "Megan Michael Mohammed Naomi Natalie Nathan Neil Nicola Nikhil Olivia Oliver Owen Patrick Paul "
    "Precious Priya Rachel Rebecca Rhys Richard Rosie Ruth Ryan Samir Sarah Sean Shabana Siobhan Sophie "
    "Stephen Tariq Thomas Tom Tunde Vanessa Victoria Wei Yasmin Zainab Zoe"
).split()
_SURNAMES = (
    "Abbott Adeyemi Ahmed Ali Allen Anderson Appiah Armstrong Atkinson Bailey Baker Banks Barker Barnes "
    "Bates Begum Bell Bennett Bibi Bird Bishop Blake Bond Booth Bradley Brennan Brooks Brown Burke Butler "
    "Campbell Carter Chapman Chaudhry Clarke Cole Collins Cook Cooper Cox Crawford Cunningham Davies "
    "Dawson Day Dixon Doyle Duffy Edwards Ellis Evans Farrell Fisher Fletcher Ford Foster Fox Francis "
    "Gallagher Gibson Gill Gordon Graham Grant Gray Green Griffiths Hall Hamilton Harper Harris Hart "
    "Hassan Hayes Henderson Hill Hughes Hunt Hussain Iqbal Jackson James Jenkins Johnson Jones Kaur Kelly "
    "Kennedy Khan King Knight Kowalski Lane Lawrence Lee Lewis Lloyd Marshall Martin Mason Matthews Miah "
    "Mills Mitchell Moore Morgan Morris Murphy Murray Nowak Okafor Oliver Osei Owen Palmer Parker Patel "
    "Pearson Phillips Powell Price Rahman Reid Reynolds Richards Riley Roberts Robinson Rogers Rose Ross "
    "Russell Saunders Scott Shah Sharma Shaw Simpson Singh Smith Stevens Stewart Sullivan Taylor Thomas "
    "Thompson Turner Walker Walsh Ward Watson Webb Wells White Wilkinson Williams Wilson Wood Wright "
    "Yildiz Young"
).split()
_LOCALITIES = ("North", "South", "East", "West", "Central")
_NEIGHBOURS = ("Brackenshire", "Marrowdale", "Kestrel Bay", "Hollins Moor", "Fernleigh", "Saltmarsh",
               "Oakhurst")
_SCHOOLS = ("St Aidan's", "Oakfield", "Riverside", "Hillcrest", "Moorside", "Beechwood", "Greenbank",
            "Westfield", "Parkside", "Brookvale", "Holy Cross", "Castle View")
_ACCOMMODATION = _Table([
    ("Independent living", 30), ("Supported lodgings", 10), ("With former foster carer", 12),
    ("Semi-independent transitional accommodation", 15), ("With parents or relatives", 12),
    ("Community home", 3), ("Ordinary lodgings", 4), ("Foyers", 3), ("Emergency accommodation", 2),
    ("Bed and breakfast", 1), ("No fixed abode / homeless", 1), ("In custody", 2), ("Residence not known", 2),
    ("Other accommodation", 3),
])
_UNSUITABLE_LIKELY = frozenset({"Emergency accommodation", "Bed and breakfast", "No fixed abode / homeless",
                                "In custody", "Residence not known"})

_GENDER = _Table([("M", 515), ("F", 475), ("U", 8), ("N", 2)])
_ETHNICITY = _Table([
    ("WBRI", 680), ("WIRI", 5), ("WIRT", 3), ("WOTH", 50), ("WROM", 10), ("MWBC", 30), ("MWBA", 10),
    ("MWAS", 15), ("MOTH", 30), ("AIND", 15), ("APKN", 30), ("ABAN", 10), ("AOTH", 10), ("BCRB", 10),
    ("BAFR", 30), ("BOTH", 10), ("CHNE", 3), ("OOTH", 20), ("REFU", 5), ("NOBT", 20),
])
_UASC_ETHNICITY = _Table([("OOTH", 35), ("BAFR", 20), ("AOTH", 25), ("BOTH", 10), ("MOTH", 5), ("NOBT", 5)])
_REFERRAL_AGE = _Table([(0, 9), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5), (6, 5), (7, 5), (8, 5), (9, 5),
                        (10, 5), (11, 5.5), (12, 6), (13, 6.5), (14, 7), (15, 7), (16, 6), (17, 3.5)])
_CARE_AGE = _Table([(0, 18), (1, 4), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3), (7, 3), (8, 3), (9, 3), (10, 5),
                    (11, 5), (12, 6), (13, 6.5), (14, 7), (15, 7), (16, 6), (17, 4)])
_REFERRAL_SOURCE = _Table([
    ("6", 29), ("2A", 19), ("2B", 2), ("3A", 3), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 3), ("3F", 2),
    ("5A", 4), ("5B", 3), ("5C", 3), ("5D", 3), ("1A", 4), ("1B", 1), ("1C", 1), ("1D", 1), ("4", 2),
    ("7", 2), ("8", 6), ("9", 1), ("10", 2),
])
_CONTACT_SOURCE = _Table([
    ("6", 38), ("2A", 15), ("2B", 2), ("3A", 3), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 4), ("3F", 2),
    ("5A", 3), ("5B", 2), ("5C", 3), ("5D", 3), ("1A", 6), ("1B", 2), ("1C", 1), ("1D", 1), ("4", 2),
    ("7", 1), ("8", 5), ("9", 2), ("10", 2),
])
_UASC_SOURCE = _Table([("5C", 40), ("6", 30), ("8", 30)])
_ABUSE = _Table([("NEG", 50), ("EMO", 36), ("PHY", 7), ("SAB", 4), ("MUL", 3)])
_NEED_CP = _Table([("N1", 82), ("N5", 9), ("N4", 5), ("N3", 2), ("N8", 2)])
_NEED_CIN = _Table([("N1", 40), ("N4", 15), ("N5", 22), ("N3", 7), ("N6", 6), ("N7", 2), ("N8", 4),
                    ("N0", 4)])
_NEED_NFA = _Table([("N9", 60), ("N0", 25), ("N4", 8), ("N5", 7)])
_CARE_ROUTES = (  # by age at entry: up to 1, 2-4, 5-11, 12-15, 16-17
    (1, _Table([("return", 25), ("adoption", 45), ("sgo", 20), ("cao", 2), ("eighteen", 6), ("other", 2)])),
    (4, _Table([("return", 31), ("adoption", 22), ("sgo", 23), ("cao", 3), ("eighteen", 19), ("other", 2)])),
    (11, _Table([("return", 38), ("sgo", 14), ("cao", 3), ("eighteen", 40), ("other", 5)])),
    (15, _Table([("return", 42), ("sgo", 5), ("eighteen", 45), ("other", 8)])),
    (17, _Table([("return", 30), ("eighteen", 62), ("other", 8)])),
)
_PLACEMENTS = (  # by age at the move: up to 4, 5-11, 12-15, 16-17; "SA" is supported accommodation
    (4, _Table([("U6", 55), ("U3", 28), ("P1", 4), ("U4", 9), ("R3", 2)])),
    (11, _Table([("U6", 50), ("U3", 20), ("U4", 14), ("U1", 4), ("K2", 6), ("P1", 4), ("S1", 2)])),
    (15, _Table([("U6", 40), ("U3", 9), ("U4", 10), ("U1", 3), ("K2", 30), ("K1", 1), ("S1", 2), ("P1", 3),
                 ("Z1", 2)])),
    (17, _Table([("SA", 42), ("U6", 22), ("U4", 8), ("K2", 22), ("P2", 2), ("R5", 1), ("Z1", 3)])),
)
_LONG_TERM = {"U6": "U4", "U3": "U1"}
_SUPPORTED_ACCOMMODATION_FROM = date(2023, 10, 28)  # H5 semi-independent became K3 supported accommodation
_CEASED = {
    "return": _Table([("E4A", 85), ("E4B", 15)]),
    "adoption": _Table([("E11", 70), ("E12", 30)]),
    "sgo": _Table([("E45", 35), ("E46", 10), ("E47", 45), ("E48", 10)]),
    "cao": _Table([("E41", 1)]),
    "other": _Table([("E13", 30), ("E3", 20), ("E8", 25), ("E4B", 15), ("E9", 10)]),
}
_ROUTE_PLAN = {"return": "RETURN", "adoption": "ADOPTION", "sgo": "SGO_CAO", "cao": "SGO_CAO",
               "other": "OTHER"}
_CLOSURE = {"return": "RC7", "adoption": "RC1", "sgo": "RC4", "cao": "RC3", "other": "RC7", "eighteen": "RC7"}
_NO_LONGER_REASONS = ("Child's needs changed", "Court did not make a placement order",
                      "Prospective adopters cannot be found", "Any other reason")

# Shares of the referral pathway
_P_NFA = 0.07  # referral, no further action
_P_CWD = 0.04  # disabled child, worked by the children with disabilities team
_P_S47 = 0.34  # of assessments
_P_ICPC = 0.42  # of section 47 enquiries
_P_CPP = 0.86  # of initial conferences
_P_CARE = 0.03  # emergency entry to care from an assessment (four times as likely for a baby)
_P_CIN = 0.40  # child in need plan after an assessment without protection
_CONTACTS_PER_REFERRAL = 3.4  # contacts that do not become referrals, per referral
_EARLY_HELP_PER_REFERRAL = 0.5
_UASC_PER_REFERRAL = 0.005
_STANDING_ENTRIES_PER_REFERRAL = 0.047  # entries to care per referral, for the years before the history
_ENQUIRIES_PER_REFERRAL = 0.012  # adopter families enquiring
_LEGACY_YEARS = 22
_TEAM_SIZE = 7
_MID_MONTH = 15

# Allocation pools (kinds of team)
_FRONT_DOOR, _ASSESSMENT, _SAFEGUARDING, _DISABILITIES, _IN_CARE, _LEAVING_CARE = range(6)

# Case status
_ASSESS, _CIN, _CPP, _LAC, _CLOSED = "ASSESSMENT", "CIN", "CPP", "LAC", "CLOSED"


# --------------------------------------------------------------------------------------------------
# Records of the history


@dataclass(slots=True, eq=False)
class _Child:
    id: str
    gender: str
    ethnicity: str
    dob: date
    disability: bool | None
    loc: int
    seed: int
    uasc: bool = False
    epoch: int = 0  # bumped when the child is referred again: pool entries made before are stale
    referrals: list[date] = field(default_factory=list)
    s47s: list[_S47] = field(default_factory=list)
    cp_count: int = 0
    cla: list[_CLAPeriod] = field(default_factory=list)
    spells: list[_Spell] = field(default_factory=list)
    leaver: _Leaver | None = None

    @property
    def adult(self) -> date:
        return _add_years(self.dob, 18)


@dataclass(slots=True, eq=False)
class _Spell:
    """A stretch of a child's case held by one kind of team (and locality)."""

    pool: int
    start: date
    end: date
    seed: int


@dataclass(slots=True, eq=False)
class _Referral:
    child: _Child
    date: date
    source: str
    nfa: bool
    count_12m: int
    episode: _Episode


@dataclass(slots=True, eq=False)
class _Assessment:
    child: _Child
    start: date
    authorised: date
    seen: bool
    needs_support: bool


@dataclass(slots=True, eq=False)
class _S47:
    child: _Child
    start: date
    decided: date  # when the need for a conference was decided
    icpc_needed: bool
    icpc: date | None
    cpp: bool


@dataclass(slots=True, eq=False)
class _CPPlan:
    child: _Child
    start: date
    end: date
    initial: str
    latest: str
    latest_from: date
    reviews: tuple[date, ...]
    epo: date | None
    previous: int
    seed: int


@dataclass(slots=True, eq=False)
class _Placement:
    start: date
    type: str
    provider: str
    postcode: str
    urn: str | None
    location: str
    la: str


@dataclass(slots=True, eq=False)
class _Adoption:
    child: _Child
    decision: date
    placement_order: date | None
    matched: date | None
    placed: date | None
    order: date | None
    no_longer: date | None
    no_longer_reason: str | None
    ffa: date | None
    period: _CLAPeriod | None = None
    family: _Family | None = None


@dataclass(slots=True, eq=False)
class _CLAPeriod:
    child: _Child
    start: date
    end: date
    reason: str
    need: str
    route: str  # how the period ends: return, adoption, sgo, cao, eighteen, other
    legal: list[tuple[date, str]]
    placements: list[_Placement]
    plan: str
    subsequent: bool
    missing_rate: float  # episodes a year
    absent_rate: float
    seed: int
    adoption: _Adoption | None = None


@dataclass(slots=True, eq=False)
class _Leaver:
    child: _Child
    start: date
    end: date
    qualifying: bool
    seed: int


@dataclass(slots=True, eq=False)
class _Episode:
    """A child in need episode: from referral to closure, with the case status as it changes."""

    child: _Child
    start: date
    close: date
    reason: str
    need: str
    nfa: bool
    phases: list[tuple[date, str]]
    seed: int
    assessment: _Assessment | None = None
    cp_plans: list[_CPPlan] = field(default_factory=list)
    periods: list[_CLAPeriod] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Adopter:
    id: str
    gender: str
    ethnicity: str
    disability: bool | None


@dataclass(slots=True, eq=False)
class _Family:
    id: str
    adopters: list[_Adopter]
    ffa: bool
    enquiry: date
    stage1_start: date | None
    stage1_end: date | None
    stage2_start: date | None
    stage2_end: date | None
    application: date | None
    approved: date | None
    left: date | None
    left_reason: str | None
    adoption: _Adoption | None = None


@dataclass(slots=True, eq=False)
class _Slot:
    """One social worker post: its holders over time (a gap between holders is a vacancy)."""

    starts: list[date]
    ends: list[date]
    names: list[str]
    next_start: date

    def holder(self, d: date) -> str | None:
        i = bisect.bisect_right(self.starts, d) - 1
        if i >= 0 and d < self.ends[i]:
            return self.names[i]
        return None


# --------------------------------------------------------------------------------------------------
# The simulation


@functools.lru_cache(maxsize=4)
def _history(config: SynthConfig) -> _History:
    return _History(config)


class _History:
    """One council's simulated case history, extended month by month as far as it is asked for."""

    def __init__(self, config: SynthConfig) -> None:
        self.config = config
        self.key = f"goldthread-synth|{config.size}|{config.profile}|{config.seed}|{config.council_name}"
        self.size = SIZES[config.size]
        self.cal = _calendar()
        self.council = config.council_name.strip()
        letters = [ch for ch in self.council.upper() if ch.isalpha()] + ["X", "X"]
        self.postcode_area = letters[0] + letters[1]
        self.neighbours = tuple(n for n in _NEIGHBOURS if n != self.council)
        setup = random.Random(f"{self.key}|setup")
        self._id_mult = 1 + 2 * setup.randrange(10**7)
        while self._id_mult % 5 == 0:
            self._id_mult += 2
        self._id_add = setup.randrange(10**8)
        self._practice: dict[int, _Practice] = {}
        self._seq = itertools.count()

        self.children: list[_Child] = []
        self.children_by_month: list[int] = []
        self.referrals_by_month: list[list[_Referral]] = []
        self.episodes: list[_Episode] = []
        self.assessments: list[_Assessment] = []
        self.s47s: list[_S47] = []
        self.cp_plans: list[_CPPlan] = []
        self.periods: list[_CLAPeriod] = []
        self.adoptions: list[_Adoption] = []
        self.leavers: list[_Leaver] = []
        self.families: list[_Family] = []
        self._waiting_families: list[_Family] = []
        self._matches: list[tuple[int, int, _Adoption]] = []  # heap by match date
        self._closures: list[tuple[int, int, _Child, int]] = []  # heap by closure date
        self._recent: dict[int, list[tuple[_Child, int]]] = {}  # closed, by month of closure
        self._older: list[tuple[_Child, int]] = []
        self._had_cp: list[tuple[_Child, int]] = []

        localities = _LOCALITIES[: self.size.localities]
        self.pool_labels = ["Front Door Team"]
        self.pool_labels += [f"{loc} Assessment Team" for loc in localities]
        self.pool_labels += [f"{loc} Safeguarding Team" for loc in localities]
        self.pool_labels += ["Children with Disabilities Team", "Children in Care Team", "Leaving Care Team"]
        n_loc = len(localities)
        self._pools = (  # pool number by kind of team and locality
            [0] * n_loc, [1 + loc for loc in range(n_loc)], [1 + n_loc + loc for loc in range(n_loc)],
            [1 + 2 * n_loc] * n_loc, [2 + 2 * n_loc] * n_loc, [3 + 2 * n_loc] * n_loc,
        )
        n_pools = len(self.pool_labels)
        self._min_slots = [max(2, round(self.size.referrals_per_month / 25))] + [1] * (n_pools - 1)
        self._open_delta: list[dict[int, int]] = [{} for _ in range(n_pools)]
        self._open_now = [0] * n_pools
        self.slot_counts: list[list[int]] = [[] for _ in range(n_pools)]
        self.slots: list[list[_Slot]] = [[] for _ in range(n_pools)]
        self._used_names: set[str] = set()
        self.simulated_months = 0
        self._seed_standing_stock()

    # ---- helpers

    def practice(self, d: date) -> _Practice:
        m = _month_of(d)
        found = self._practice.get(m)
        if found is None:
            found = self._practice[m] = _Practice.at(_quality(self.config, _month_start(m)))
        return found

    def format_id(self, index: int) -> str:
        return f"{(index * self._id_mult + self._id_add) % 10**8:08d}"

    def pool(self, kind: int, loc: int) -> int:
        return self._pools[kind][loc]

    def team_name(self, pool: int, slot: int) -> str:
        return f"{self.council} {self.pool_labels[pool]} {slot // _TEAM_SIZE + 1}"

    def new_child(self, rng: random.Random, on: date, age: int | None = None, index: int | None = None,
                  register: bool = True) -> _Child:
        """A child first known on `on`. Registered children (numbered in order) can be referred again later;
        others (met only at a contact or in early help) take their number from `index`."""
        if age is None:
            age = _REFERRAL_AGE.draw(rng)
        span = 182 if age == 17 else 365
        dob = _days(_add_years(on, -age), -_below(rng, span))
        u = rng.random()
        disability = None if u < 0.02 else u < 0.08  # unknown, yes or no
        number = len(self.children) if index is None else index
        child = _Child(
            id=self.format_id(number), gender=_GENDER.draw(rng), ethnicity=_ETHNICITY.draw(rng), dob=dob,
            disability=disability, loc=_below(rng, self.size.localities), seed=rng.getrandbits(64),
        )
        if register:
            self.children.append(child)
        return child

    def add_spell(self, child: _Child, pool: int, start: date, end: date, rng: random.Random) -> None:
        """A stretch of the child's case held by `pool`, counted in its open cases at each mid-month."""
        child.spells.append(_Spell(pool, start, end, rng.getrandbits(64)))
        first = max(0, _month_of(start) + (start.day > _MID_MONTH))
        last = _month_of(end) - (end.day < _MID_MONTH)
        if first <= last:
            delta = self._open_delta[pool]
            delta[first] = delta.get(first, 0) + 1
            delta[last + 1] = delta.get(last + 1, 0) - 1

    # ---- standing stock before SIM_START

    def _seed_standing_stock(self) -> None:
        """Children who came into care in the years before the history starts and are still in care, or
        still care leavers, when it starts."""
        rng = random.Random(f"{self.key}|standing")
        rate = self.size.referrals_per_month * _STANDING_ENTRIES_PER_REFERRAL
        for m in range(-12 * _LEGACY_YEARS, 0):
            month = _month_start(m)
            for _ in range(_poisson(rng, rate)):
                start = _random_day(rng, month, self.cal)
                child = self.new_child(rng, start, age=_CARE_AGE.draw(rng), register=False)
                build = _EpisodeBuilder(self, child, start, rng)
                episode = build.legacy_care()
                leaver_end = child.leaver.end if child.leaver else start
                if episode.close >= SIM_START or leaver_end >= SIM_START:
                    child.id = self.format_id(len(self.children))
                    self.children.append(child)
                    build.commit()

    # ---- month by month

    def advance_to(self, month: int) -> None:
        """Simulate up to and including `month`."""
        while self.simulated_months <= month:
            self._simulate_month(self.simulated_months)
            self.simulated_months += 1

    def _simulate_month(self, m: int) -> None:
        """Referrals (and all they lead to), asylum-seeking children arriving, adopters enquiring, children
        matched with adopters, and the month's staffing."""
        rng = random.Random(f"{self.key}|month|{m}")
        start = _month_start(m)
        p = self.practice(start)
        self._release_closed(m)
        rate = self.size.referrals_per_month
        season = 1.0 + 0.08 * math.cos((start.month - 11) / 6 * math.pi) - (0.12 if start.month == 8 else 0.0)
        days = sorted(_random_day(rng, start, self.cal) for _ in range(_poisson(rng, rate * season)))
        uasc = [_random_day(rng, start, self.cal) for _ in range(_poisson(rng, rate * _UASC_PER_REFERRAL))]
        referrals: list[_Referral] = []
        for d in days:
            referrals.append(self._referral(rng, d, p, uasc=False))
        for d in sorted(uasc):
            referrals.append(self._referral(rng, d, p, uasc=True))
        referrals.sort(key=lambda r: r.date)
        self.referrals_by_month.append(referrals)
        self._adopter_enquiries(rng, start)
        self._match_adoptions(m)
        self.children_by_month.append(len(self.children))
        self._staff(m, random.Random(f"{self.key}|staff|{m}"))

    def _referral(self, rng: random.Random, r: date, p: _Practice, uasc: bool) -> _Referral:
        if uasc:
            nfa = cwd = s47 = icpc = cp = False
            care = True
            child = self.new_child(rng, r, age=rng.choice((15, 16, 16, 17)))
            child.uasc = True
            child.gender = "M" if rng.random() < 0.92 else "F"
            child.ethnicity = _UASC_ETHNICITY.draw(rng)
            source = _UASC_SOURCE.draw(rng)
        else:
            nfa = rng.random() < _P_NFA
            cwd = not nfa and rng.random() < _P_CWD
            s47 = not nfa and not cwd and rng.random() < _P_S47
            icpc = s47 and rng.random() < _P_ICPC
            cp = icpc and rng.random() < _P_CPP
            if cwd:  # a child's characteristics are fixed when the council first knows them
                child = self.new_child(rng, r)
                child.disability = True
            else:
                child = self._pick_child(rng, r, p, cp)  # knowing whether a plan follows (repeat plans)
            infant = _age(child.dob, r) == 0
            care = not nfa and not cwd and not cp and rng.random() < _P_CARE * (4 if infant else 1)
            source = _REFERRAL_SOURCE.draw(rng)
        child.epoch += 1
        cutoff = _add_months(r, -12)
        child.referrals.append(r)
        count = sum(1 for x in child.referrals if x > cutoff)
        build = _EpisodeBuilder(self, child, r, rng)
        episode = build.referral(p, nfa=nfa, cwd=cwd, s47=s47, icpc=icpc, cp=cp, care=care, uasc=uasc)
        build.commit()
        return _Referral(child, r, source, nfa, count, episode)

    def _pick_child(self, rng: random.Random, r: date, p: _Practice, cp: bool) -> _Child:
        """Who is referred: a child whose plan ended before (for a repeat plan), a child referred in the
        last year, a child known longer ago, or a child new to the service."""
        cutoff = _add_months(r, -12)

        def young(child: _Child) -> bool:
            return r < _add_years(child.dob, 17)

        def fits(child: _Child) -> bool:  # a plan for a child with no plan before is not a repeat plan
            return young(child) and not (cp and child.cp_count)

        def recent(child: _Child) -> bool:
            return fits(child) and bool(child.referrals) and child.referrals[-1] > cutoff

        if cp and rng.random() < p.repeat_cp:
            found = self._take(rng, self._had_cp, young)
            if found:
                return found
        if rng.random() < p.rereferral:
            m = _month_of(r)
            buckets = [self._recent[k] for k in range(m - 12, m) if self._recent.get(k)]
            if buckets:
                bucket = rng.choices(buckets, weights=[len(b) for b in buckets])[0]
                found = self._take(rng, bucket, recent)
                if found:
                    return found
        if rng.random() < 0.12:
            found = self._take(rng, self._older, fits)
            if found:
                return found
        return self.new_child(rng, r)

    @staticmethod
    def _take(rng: random.Random, pool: list[tuple[_Child, int]],
              fits: Callable[[_Child], bool]) -> _Child | None:
        """Take a random current entry that fits; stale entries met on the way are dropped."""
        kept = []
        found = None
        for _ in range(6):
            if not pool:
                break
            i = _below(rng, len(pool))
            pool[i], pool[-1] = pool[-1], pool[i]
            child, epoch = pool.pop()
            if child.epoch != epoch:
                continue
            if fits(child):
                found = child
                break
            kept.append((child, epoch))
        pool.extend(kept)
        return found

    def _release_closed(self, m: int) -> None:
        """Children whose episodes closed before this month can be referred again."""
        limit = _month_start(m).toordinal()
        while self._closures and self._closures[0][0] < limit:
            ordinal, _, child, epoch = heapq.heappop(self._closures)
            if child.epoch != epoch:
                continue
            self._recent.setdefault(_month_of(date.fromordinal(ordinal)), []).append((child, epoch))
            if child.cp_count:
                self._had_cp.append((child, epoch))
        for k in [k for k in self._recent if k < m - 12]:
            self._older.extend(self._recent.pop(k))

    def closed(self, child: _Child, on: date) -> None:
        heapq.heappush(self._closures, (on.toordinal(), next(self._seq), child, child.epoch))

    # ---- adopters

    def _adopter_enquiries(self, rng: random.Random, month: date) -> None:
        for _ in range(_poisson(rng, self.size.referrals_per_month * _ENQUIRIES_PER_REFERRAL)):
            enquiry = _random_day(rng, month, self.cal)
            if rng.random() < 0.65:
                sexes = ("M", "F") if rng.random() < 0.8 else rng.choice((("F", "F"), ("M", "M")))
            else:
                sexes = ("F",) if rng.random() < 0.85 else ("M",)
            ethnicity = _ETHNICITY.draw(rng)
            adopters = []
            for sex in sexes:
                index = 90_000_000 + len(self.families) * 2 + len(adopters)
                u = rng.random()
                adopters.append(_Adopter(self.format_id(index), sex,
                                         ethnicity if rng.random() < 0.8 else _ETHNICITY.draw(rng),
                                         None if u < 0.02 else u < 0.05))
            family = _Family(self.format_id(95_000_000 + len(self.families)), adopters, rng.random() < 0.12,
                             enquiry, stage1_start=None, stage1_end=None, stage2_start=None, stage2_end=None,
                             application=None, approved=None, left=None, left_reason=None)
            self._adopter_progress(rng, family)
            self.families.append(family)
            if family.approved:
                self._waiting_families.append(family)

    @staticmethod
    def _adopter_progress(rng: random.Random, f: _Family) -> None:
        """Stage 1, stage 2, approval, or leaving the process on the way."""
        if rng.random() < 0.45:
            f.left, f.left_reason = _days(f.enquiry, _int(rng, 10, 70)), "Withdrew"
            return
        f.stage1_start = _days(f.enquiry, _int(rng, 7, 60))
        if rng.random() < 0.15:
            f.left, f.left_reason = _days(f.stage1_start, _int(rng, 20, 55)), "Withdrew"
            return
        f.stage1_end = _days(f.stage1_start, _int(rng, 45, 75))
        f.stage2_start = f.application = _days(f.stage1_end, _int(rng, 0, 40))
        if rng.random() < 0.14:
            f.left = _days(f.stage2_start, _int(rng, 30, 140))
            f.left_reason = "Application refused" if rng.random() < 0.3 else "Withdrew"
            return
        f.stage2_end = _days(f.stage2_start, _int(rng, 100, 150))
        f.approved = _days(f.stage2_end, _int(rng, 10, 50))
        # Approved adopters not matched within a year or two leave (their leaving is void once matched)
        f.left = _days(f.approved, _int(rng, 300, 720))
        f.left_reason = "Process on hold" if rng.random() < 0.4 else "Withdrew"

    def _match_adoptions(self, m: int) -> None:
        """Children matched this month go to the council's longest-waiting approved adopters, if any."""
        limit = _month_start(m + 1).toordinal()
        while self._matches and self._matches[0][0] < limit:
            _, _, adoption = heapq.heappop(self._matches)
            matched = adoption.matched
            self._waiting_families = [f for f in self._waiting_families
                                      if f.adoption is None and f.left > matched]
            for family in self._waiting_families:
                if family.approved <= matched:
                    family.adoption, family.left, family.left_reason = adoption, None, None
                    adoption.family = family
                    break

    def adoption_planned(self, adoption: _Adoption) -> None:
        self.adoptions.append(adoption)
        if adoption.matched and adoption.matched >= SIM_START:
            heapq.heappush(self._matches, (adoption.matched.toordinal(), next(self._seq), adoption))

    # ---- workforce

    def _staff(self, m: int, rng: random.Random) -> None:
        """Each team's posts follow its open cases at mid-month; each post's holders come and go."""
        month_start, month_end = _month_start(m), _month_start(m + 1)
        mid = date(month_start.year, month_start.month, _MID_MONTH)
        p = self.practice(month_start)
        for pool, delta in enumerate(self._open_delta):
            self._open_now[pool] += delta.pop(m, 0)
            counts = self.slot_counts[pool]
            counts.append(max(self._min_slots[pool], round(self._open_now[pool] / p.caseload)))
            slots = self.slots[pool]
            while len(slots) < counts[-1]:
                slots.append(self._new_slot(rng, month_start if m else _days(mid, -_below(rng, 1500))))
            for slot in slots:
                while slot.next_start < month_end:
                    self._new_holder(rng, slot)

    def _new_slot(self, rng: random.Random, start: date) -> _Slot:
        slot = _Slot([], [], [], start)
        self._new_holder(rng, slot, first=True)
        return slot

    def _new_holder(self, rng: random.Random, slot: _Slot, first: bool = False) -> None:
        start = slot.next_start
        p = self.practice(max(start, SIM_START))
        mean = p.agency_days if rng.random() < p.agency else p.permanent_days
        tenure = max(30, round(rng.expovariate(1 / mean)))
        end = _days(start, tenure)
        gap = _int(rng, 7, 60) if not first and rng.random() < p.vacancy else 0
        slot.starts.append(start)
        slot.ends.append(end)
        slot.names.append(self._name(rng))
        slot.next_start = _days(end, gap)

    def _name(self, rng: random.Random) -> str:
        for _ in range(8):
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"
            if name not in self._used_names:
                break
        else:
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}-{rng.choice(_SURNAMES)}"
        self._used_names.add(name)
        return name

    def allocation(self, spell: _Spell, d: date) -> tuple[str, str | None]:
        """The team and worker holding `spell` on `d`: a post chosen when the case arrived, moved between
        posts now and then, and that post's holder on the day (none while vacant or awaiting allocation).
        Cases on posts a team no longer has are held by the posts it kept."""
        rng = random.Random(spell.seed)
        counts = self.slot_counts[spell.pool]
        slot = _below(rng, counts[max(0, _month_of(spell.start))])
        p = self.practice(max(spell.start, SIM_START))
        waiting_until = _days(spell.start, _int(rng, 3, 40)) if rng.random() < p.alloc_wait else spell.start
        t = spell.start
        while True:
            t = _days(t, 1 + int(rng.expovariate(self.practice(max(t, SIM_START)).transfers / 365)))
            if t > d:
                break
            slot = _below(rng, counts[max(0, _month_of(t))])
        slot %= counts[max(0, _month_of(d))]
        worker = None if d < waiting_until else self.slots[spell.pool][slot].holder(d)
        return self.team_name(spell.pool, slot), worker


class _EpisodeBuilder:
    """Builds one child in need episode (referral to closure) with everything it leads to; `commit`
    then registers it with the history."""

    def __init__(self, history: _History, child: _Child, start: date, rng: random.Random) -> None:
        self.h = history
        self.cal = history.cal
        self.child = child
        self.start = start
        self.rng = rng
        self.adult = child.adult
        self.phases: list[tuple[date, str]] = []
        self.pools: dict[str, int] = {}
        self.episode: _Episode | None = None
        self.assessment: _Assessment | None = None
        self.s47: _S47 | None = None
        self.cp_plan: _CPPlan | None = None
        self.periods: list[_CLAPeriod] = []
        self.new_leaver: _Leaver | None = None

    # ---- pathways

    def referral(self, p: _Practice, *, nfa: bool, cwd: bool, s47: bool, icpc: bool, cp: bool, care: bool,
                 uasc: bool) -> _Episode:
        rng, cal, r, h, loc = self.rng, self.cal, self.start, self.h, self.child.loc
        support = h.pool(_DISABILITIES if cwd else _SAFEGUARDING, loc)
        self.pools = {_ASSESS: h.pool(_DISABILITIES if cwd else _ASSESSMENT, loc), _CIN: support,
                      _CPP: support, _LAC: h.pool(_IN_CARE, loc), _CLOSED: h.pool(_FRONT_DOOR, loc)}
        if nfa:
            self.phases = [(r, _CLOSED)]
            return self._episode(r, "RC8", _NEED_NFA.draw(rng), nfa=True)
        self.phases = [(r, _ASSESS)]
        a0 = r if rng.random() < 0.55 else cal.add(r, _int(rng, 1, 4))
        if rng.random() < p.assess_on_time:
            length = round(rng.triangular(6, 45, 36))
        else:
            length = round(rng.triangular(46, 130, 55))
        authorised = min(cal.add(a0, length), _days(self.adult, -1))
        if s47:
            s = cal.add(a0, _int(rng, 0, min(8, max(0, cal.between(a0, authorised) - 1))))
            decided = cal.add(s, _int(rng, 3, 10))
            held = None
            if icpc:
                held = cal.add(s, _int(rng, 4, 15) if rng.random() < p.icpc_on_time else _int(rng, 16, 35))
                decided = min(decided, held)
                if held >= self.adult:
                    held, cp = None, False
            self.s47 = _S47(self.child, s, decided, icpc, held, cp)
            authorised = max(authorised, min(decided, _days(self.adult, -1)))
        need = "N2" if cwd else _NEED_CIN.draw(rng)
        if cp:
            need = _NEED_CP.draw(rng)
            close, reason = self._protection(p, self.s47.icpc)
        elif care:
            need = "N8" if uasc else _NEED_CP.draw(rng)
            entry = cal.add(a0, _int(rng, 0, 2) if uasc else _int(rng, 0, 15))
            close, reason = self._care(p, entry, need, uasc=uasc)
        elif ((cwd and rng.random() < 0.85) or (icpc and not cp) or (s47 and rng.random() < 0.5)
              or rng.random() < _P_CIN):
            self.phases.append((authorised, _CIN))
            close, reason = self._step_down(authorised, lo=90, hi=400)
        else:
            if not cwd:
                need = _NEED_NFA.draw(rng)
            close, reason = authorised, "RC8" if rng.random() < 0.75 else "RC9"
        authorised = min(authorised, close)
        needs_support = len(self.phases) > 1  # the case went on to a plan or care
        self.assessment = _Assessment(self.child, a0, authorised, rng.random() < p.child_seen, needs_support)
        self.phases.append((close, _CLOSED))
        return self._episode(close, reason, need, nfa=False)

    def legacy_care(self) -> _Episode:
        """A child who came into care before the history starts."""
        h, loc = self.h, self.child.loc
        self.pools = {_CIN: h.pool(_SAFEGUARDING, loc), _LAC: h.pool(_IN_CARE, loc)}
        need = _NEED_CP.draw(self.rng)
        close, reason = self._care(h.practice(self.start), self.start, need, uasc=False)
        self.phases.append((close, _CLOSED))
        return self._episode(close, reason, need, nfa=False)

    def _episode(self, close: date, reason: str, need: str, nfa: bool) -> _Episode:
        plans = [self.cp_plan] if self.cp_plan else []
        self.episode = _Episode(self.child, self.start, close, reason, need, nfa, self.phases,
                                self.rng.getrandbits(64), self.assessment, plans, self.periods)
        return self.episode

    def _step_down(self, start: date, lo: int, hi: int) -> tuple[date, str]:
        """A child in need plan of `lo` to `hi` days that ends the episode."""
        end = _days(start, round(self.rng.uniform(lo, hi)))
        if end >= self.adult:
            return _days(self.adult, -1), "RC7"
        return end, "RC5" if self.rng.random() < 0.05 else "RC7"

    def _protection(self, p: _Practice, start: date) -> tuple[date, str]:
        """A child protection plan from the initial conference. It ends at a review conference, or when the
        child comes into care, and may step down to a child in need plan."""
        rng = self.rng
        self.phases.append((start, _CPP))
        k = _Table(list(enumerate(p.cp_reviews, start=1))).draw(rng)
        reviews = []
        t = start
        for i in range(k):
            due = _add_months(t, 3 if i == 0 else 6)
            late = rng.random() < p.review_late
            t = _days(due, _int(rng, 10, 75) if late else -_int(rng, 0, 20))
            reviews.append(t)
        end = reviews[-1]
        into_care = rng.random() < p.cp_to_care * (2 if _age(self.child.dob, start) == 0 else 1)
        if into_care:
            end = _days(start, _int(rng, 20, max(21, min(400, (end - start).days))))
        if end >= self.adult:
            end, into_care = _days(self.adult, -1), False
        reviews = [x for x in reviews if x <= end]
        initial = _ABUSE.draw(rng)
        latest, latest_from = initial, start
        if reviews and rng.random() < 0.1:
            latest, latest_from = _ABUSE.draw(rng), rng.choice(reviews)
        epo = _days(start, -_int(rng, 1, 25)) if rng.random() < 0.04 else None
        self.cp_plan = _CPPlan(self.child, start, end, initial, latest, latest_from, tuple(reviews), epo,
                               self.child.cp_count, rng.getrandbits(64))
        self.child.cp_count += 1
        if into_care:
            return self._care(p, end, _NEED_CP.draw(rng), uasc=False)
        if rng.random() < 0.6:
            self.phases.append((end, _CIN))
            return self._step_down(end, lo=60, hi=270)
        return end, "RC7"

    def _care(self, p: _Practice, start: date, need: str, uasc: bool) -> tuple[date, str]:
        """A period in care; a child who goes home may come back into care for a second period."""
        period = self._period(p, start, need, uasc)
        self.phases.append((start, _LAC))
        if period.route == "return":
            self.phases.append((period.end, _CIN))
            if self.rng.random() < p.reentry:
                again = _days(period.end, _int(self.rng, 30, 330))
                if again < _days(self.adult, -200):
                    return self._care(self.h.practice(again), again, need, uasc=False)
            return self._step_down(period.end, lo=60, hi=240)
        if period.reason == "E3":
            return period.end, "RC5"
        if period.route == "eighteen" and self.child.disability:
            return period.end, "RC6"
        return period.end, _CLOSURE[period.route]

    def _period(self, p: _Practice, start: date, need: str, uasc: bool) -> _CLAPeriod:
        rng, child, adult = self.rng, self.child, self.adult
        age = _age(child.dob, start)
        route = "eighteen" if uasc else next(t for top, t in _CARE_ROUTES if age <= top).draw(rng)
        adoption = None
        if route == "return":
            end = _days(start, min(1500, max(10, round(rng.lognormvariate(math.log(240), 0.7)))))
        elif route in ("sgo", "cao"):
            end = _days(start, min(1800, max(120, round(rng.lognormvariate(math.log(420), 0.5)))))
        elif route == "other":
            end = _days(start, _int(rng, 20, 300))
        elif route == "adoption":
            end, adoption = self._adoption(p, start)
        else:
            end = adult
        if end >= adult:
            end, route = adult, "eighteen"
        reason = self._ceased_at_eighteen(age) if route == "eighteen" else _CEASED[route].draw(rng)
        previous = child.cla[-1] if child.cla else None
        prone = age >= 10 and rng.random() < 0.3
        period = _CLAPeriod(
            child=child, start=start, end=end, reason=reason, need=need, route=route,
            legal=self._legal(p, start, end, route, age, uasc, adoption),
            placements=self._placements(p, start, end, route, adoption),
            plan=self._plan(route, age),
            subsequent=previous is not None and previous.end > _add_months(start, -12),
            missing_rate=rng.expovariate(1 / 4) if prone else 0.0,
            absent_rate=rng.expovariate(1 / 2) if age >= 10 and rng.random() < 0.1 else 0.0,
            seed=rng.getrandbits(64), adoption=adoption,
        )
        if adoption:
            adoption.period = period
        self.periods.append(period)
        child.cla.append(period)
        left_older = _age(child.dob, end) >= 16 and (end - start).days >= 91
        if route == "eighteen" or (left_older and route != "adoption"):
            self._leaver(end, qualifying=route in ("sgo", "cao", "return"))
        return period

    def _ceased_at_eighteen(self, age: int) -> str:
        rng = self.rng
        if self.child.disability and rng.random() < 0.25:
            return "E7"
        if age < 16 and rng.random() < 0.3:
            return "E17"
        return _Table([("E5", 55), ("E6", 15), ("E8", 15), ("E17", 15)]).draw(rng)

    def _adoption(self, p: _Practice, start: date) -> tuple[date, _Adoption]:
        """Decision, placement order, match, placement and adoption order; or a change of plan."""
        rng = self.rng
        ffa = _days(start, _int(rng, 0, 60)) if rng.random() < 0.12 else None
        slow = p.court_days / 200
        decision = _days(start, round(_int(rng, 60, 200) * slow))
        placement_order = _days(decision, round(_int(rng, 40, 180) * slow))
        adoption = _Adoption(self.child, decision, placement_order, None, None, None, None, None, ffa)
        if rng.random() < 0.1:
            adoption.no_longer = _days(placement_order, _int(rng, 30, 300))
            adoption.no_longer_reason = rng.choice(_NO_LONGER_REASONS)
            return self.adult, adoption
        adoption.matched = _days(placement_order, round(_int(rng, 30, 300) * slow))
        adoption.placed = _days(adoption.matched, _int(rng, 10, 45))
        adoption.order = _days(adoption.placed, _int(rng, 150, 400))
        return adoption.order, adoption

    def _legal(self, p: _Practice, start: date, end: date, route: str, age: int, uasc: bool,
               adoption: _Adoption | None) -> list[tuple[date, str]]:
        rng = self.rng
        if uasc or (age >= 16 and rng.random() < 0.7) or (route == "return" and rng.random() < 0.45):
            return [(start, "V2")]
        legal = []
        t = start
        if rng.random() < 0.1:
            legal.append((start, "L2"))
            t = _days(start, 8)
        if t < end:
            legal.append((t, "C1"))
            full = _days(t, round(rng.uniform(0.75, 1.3) * p.court_days))
            if full < end and route != "other":
                legal.append((full, "C2"))
        if adoption and adoption.placement_order < end:
            legal = [x for x in legal if x[0] < adoption.placement_order] + [(adoption.placement_order, "E1")]
        return legal or [(start, "V2")]

    def _placements(self, p: _Practice, start: date, end: date, route: str,
                    adoption: _Adoption | None) -> list[_Placement]:
        rng, h = self.rng, self.h
        placements = [self._placement(p, start, route)]
        t = start
        last = min(end, self.adult)
        while True:
            years_in = (t - start).days / 365
            rate = h.practice(t).moves * (1.6 if years_in < 1 else 0.8)
            t = _days(t, 1 + round(rng.expovariate(rate / 365)))
            if t >= last:
                break
            placements.append(self._placement(h.practice(t), t, route, long_term=years_in >= 1))
        if adoption and adoption.ffa and adoption.ffa < end:
            placements = [x for x in placements if x.start < adoption.ffa]
            placements.append(self._placement(p, adoption.ffa, route, kind="U5"))
        if adoption and adoption.placed and adoption.placed < end:
            placements = [x for x in placements if x.start < adoption.placed]
            kind = "A5" if rng.random() < 0.3 else "A6"  # with or not with the current foster carer
            placements.append(self._placement(p, adoption.placed, route, kind=kind))
        return placements

    def _placement(self, p: _Practice, start: date, route: str, long_term: bool = False,
                   kind: str | None = None) -> _Placement:
        rng, h = self.rng, self.h
        if kind is None:
            age = _age(self.child.dob, start)
            kind = next(t for top, t in _PLACEMENTS if age <= top).draw(rng)
            if kind == "SA":
                kind = "K3" if start >= _SUPPORTED_ACCOMMODATION_FROM else "H5"
            if long_term and route == "eighteen":
                kind = _LONG_TERM.get(kind, kind)
            if self.child.uasc and kind in ("U1", "U3", "P1"):
                kind = "U6"
        provider = _provider(rng, kind, p)
        inside = _INSIDE.get(kind)
        if inside is None:
            inside = p.in_area * (0.6 if kind in ("K1", "K2", "S1", "R5", "A5", "A6") else 1.0)
            if provider == "PR1":
                inside = max(inside, 0.9)
        if rng.random() < inside:
            location, la, area = "IN", h.council, h.postcode_area
        else:
            la = rng.choice(h.neighbours)
            location, area = "OUT", la[:2].upper()
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"{area}{_int(rng, 1, 29)} {_int(rng, 1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        urn = f"SC{_int(rng, 100000, 999999)}" if kind in ("K1", "K2", "R1") else None
        return _Placement(start, kind, provider, postcode, urn, location, la)

    @staticmethod
    def _plan(route: str, age: int) -> str:
        if route in _ROUTE_PLAN:
            return _ROUTE_PLAN[route]
        if age >= 15:
            return "SUPPORTED_LIVING"
        return "LT_RESIDENTIAL" if age >= 12 and age % 3 == 0 else "LT_FOSTERING"

    def _leaver(self, left: date, qualifying: bool) -> None:
        child = self.child
        if child.leaver is None:
            end = _add_years(child.dob, 25 if self.rng.random() < 0.25 else 21)
            child.leaver = self.new_leaver = _Leaver(child, left, end, qualifying, self.rng.getrandbits(64))

    # ---- commit

    def commit(self) -> None:
        """Register the episode's records, allocation spells and closure with the history."""
        h, child, rng, episode = self.h, self.child, self.rng, self.episode
        h.episodes.append(episode)
        if self.assessment:
            h.assessments.append(self.assessment)
        if self.s47:
            h.s47s.append(self.s47)
            child.s47s.append(self.s47)
        if self.cp_plan:
            h.cp_plans.append(self.cp_plan)
        for period in self.periods:
            h.periods.append(period)
            if period.adoption:
                h.adoption_planned(period.adoption)
        # One allocation spell per run of phases held by the same kind of team
        runs: list[list] = []
        for when, status in self.phases:
            if status == _CLOSED and runs:
                break
            pool = self.pools[status]
            if runs and runs[-1][0] == pool:
                continue
            if runs:
                runs[-1][2] = when
            runs.append([pool, when, episode.close])
        for pool, start, end in runs:
            h.add_spell(child, pool, start, end, rng)
        leaver = self.new_leaver
        if leaver:
            h.leavers.append(leaver)
            h.add_spell(child, h.pool(_LEAVING_CARE, child.loc), leaver.start, leaver.end, rng)
        h.closed(child, episode.close)


_INSIDE = {"U1": 0.85, "U3": 0.85, "P1": 0.95, "P2": 0.9}  # chance a kinship or home placement is in the area


def _provider(rng: random.Random, kind: str, p: _Practice) -> str:
    if kind in ("U1", "U2", "U3", "P2"):
        return "PR1"
    if kind == "P1":
        return "PR0"
    if kind in ("U4", "U5", "U6"):  # the council's own foster carers, or an agency's
        return "PR1" if rng.random() < 0.45 + (p.in_area - 0.62) else "PR4"
    if kind.startswith("A"):
        return _Table([("PR1", 60), ("PR2", 20), ("PR5", 20)]).draw(rng)
    if kind == "K2":
        return _Table([("PR4", 75), ("PR1", 20), ("PR5", 5)]).draw(rng)
    if kind in ("K3", "H5"):
        return "PR4" if rng.random() < 0.7 else "PR5"
    if kind == "K1":
        return "PR2" if rng.random() < 0.5 else "PR1"
    if kind in ("R2", "R3", "R5"):
        return "PR3"
    return "PR4" if rng.random() < 0.6 else "PR5"


# --------------------------------------------------------------------------------------------------
# The Annex A view of the history at a date


_EET = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")
_EARLY_HELP_BY = ("{council} Family Hub {loc}", "Early Help Locality Team {n}", "{school} Primary School",
                  "{school} Academy", "Health Visiting Service", "{council} Youth Service",
                  "School Nursing Service")


class _View:
    """The eleven lists as at one date."""

    def __init__(self, history: _History, as_at: date) -> None:
        self.h = history
        self.cal = history.cal
        self.as_at = as_at
        self.window_start = _days(_add_months(as_at, -6), 1)  # first day of the six months to as_at
        self.year_start = _days(_add_months(as_at, -12), 1)  # first day of the twelve months to as_at
        self.window_months = range(max(0, _month_of(self.window_start)), _month_of(as_at) + 1)

    def lists(self) -> dict[int, list[dict]]:
        return {1: self.contacts(), 2: self.early_help(), 3: self.referrals(), 4: self.assessments(),
                5: self.s47s(), 6: self.children_in_need(), 7: self.child_protection(),
                8: self.children_in_care(), 9: self.care_leavers(), 10: self.adoption(), 11: self.adopters()}

    # ---- helpers

    def _on(self, d: date | None) -> date | None:
        """`d` if it has happened by as_at."""
        return d if d is not None and d <= self.as_at else None

    def _seen_by(self, start: date, end: date) -> date:
        """The day whose allocation a row shows: as_at for open work, the last day of closed work."""
        return self.as_at if end > self.as_at else max(start, _days(end, -1))

    def _child(self, child: _Child, disability: bool = False) -> dict:
        row = {"child_id": child.id, "gender": child.gender, "ethnicity": child.ethnicity,
               "date_of_birth": child.dob, "age": _age(child.dob, self.as_at)}
        if disability:
            row["disability"] = child.disability
        return row

    def _allocated(self, child: _Child, d: date, leaving: bool = False) -> dict:
        leaving_pool = self.h.pool(_LEAVING_CARE, 0)
        for spell in reversed(child.spells):
            if spell.start <= d and (spell.pool == leaving_pool) == leaving:
                team, worker = self.h.allocation(spell, d)
                return {"allocated_team": team, "allocated_worker": worker}
        return {"allocated_team": None, "allocated_worker": None}

    def _known_child(self, rng: random.Random, m: int, on: date) -> _Child | None:
        """A child already known to the council, under 18 on `on`, or None."""
        known = self.h.children_by_month[m]
        if not known:
            return None
        child = self.h.children[known - 1 - _below(rng, min(known, 3000))]
        if child.dob < on and _age(child.dob, on) < 18:
            return child
        return None

    # ---- lists 1 and 2: generated month by month from their own streams

    def _month_contacts(self, m: int) -> Iterator[tuple[date, _Child, str]]:
        """A contact for each referral (on the day or a few days before, in the same month), and contacts that
        went no further, about known children or children the council has not met."""
        h = self.h
        rng = random.Random(f"{h.key}|contacts|{m}")
        month = _month_start(m)
        referrals = h.referrals_by_month[m]
        for referral in referrals:
            d = _days(referral.date, -rng.choice((0, 0, 0, 1, 2, 3)))
            yield (d if d >= month else referral.date), referral.child, referral.source
        for k in range(_poisson(rng, len(referrals) * _CONTACTS_PER_REFERRAL)):
            d = _random_day(rng, month, self.cal, weekend_share=0.15)
            child = self._known_child(rng, m, d) if rng.random() < 0.35 else None
            if child is None:
                child = h.new_child(rng, d, index=10_000_000 + m * 100_000 + k, register=False)
            yield d, child, _CONTACT_SOURCE.draw(rng)

    def contacts(self) -> list[dict]:
        rows, keys = [], set()
        for m in self.window_months:
            for d, child, source in self._month_contacts(m):
                if self.window_start <= d <= self.as_at and (child.id, d, source) not in keys:
                    keys.add((child.id, d, source))
                    rows.append({**self._child(child), "contact_date": d, "contact_source": source})
        return sorted(rows, key=lambda row: (row["contact_date"], row["child_id"]))

    def _month_early_help(self, m: int) -> Iterator[tuple[date, date | None, _Child, str]]:
        h = self.h
        rng = random.Random(f"{h.key}|early-help|{m}")
        month = _month_start(m)
        for k in range(_poisson(rng, len(h.referrals_by_month[m]) * _EARLY_HELP_PER_REFERRAL)):
            start = _random_day(rng, month, self.cal)
            child = self._known_child(rng, m, start) if rng.random() < 0.25 else None
            if child is None:
                child = h.new_child(rng, start, index=10_000_000 + m * 100_000 + 50_000 + k, register=False)
            done = self.cal.add(start, _int(rng, 10, 60)) if rng.random() < 0.9 else None
            by = rng.choice(_EARLY_HELP_BY).format(council=h.council, loc=_LOCALITIES[child.loc],
                                                   n=child.loc + 1, school=rng.choice(_SCHOOLS))
            yield start, done, child, by

    def early_help(self) -> list[dict]:
        rows, keys = [], set()
        for m in self.window_months:
            for start, done, child, by in self._month_early_help(m):
                if self.window_start <= start <= self.as_at and (child.id, start) not in keys:
                    keys.add((child.id, start))
                    rows.append({**self._child(child), "eh_start_date": start,
                                 "eh_completion_date": self._on(done), "eh_organisation": by})
        return sorted(rows, key=lambda row: (row["eh_start_date"], row["child_id"]))

    # ---- lists 3 to 7: the child in need pathway

    def referrals(self) -> list[dict]:
        rows = []
        for m in self.window_months:
            for ref in self.h.referrals_by_month[m]:
                if self.window_start <= ref.date <= self.as_at:
                    rows.append({**self._child(ref.child), "referral_date": ref.date,
                                 "referral_source": ref.source, "referral_nfa": ref.nfa,
                                 "referrals_last_12m": ref.count_12m,
                                 **self._allocated(ref.child, self._seen_by(ref.date, ref.episode.close))})
        return rows

    def assessments(self) -> list[dict]:
        rows = []
        for a in self.h.assessments:
            if a.start > self.as_at or a.authorised < self.window_start:
                continue
            done = a.authorised <= self.as_at
            rows.append({**self._child(a.child, disability=True), "assessment_start_date": a.start,
                         "child_seen": a.seen if done or (self.as_at - a.start).days >= 10 else None,
                         "assessment_authorised_date": a.authorised if done else None,
                         "needs_support": a.needs_support if done else None,
                         **self._allocated(a.child, self._seen_by(a.start, a.authorised))})
        return sorted(rows, key=lambda row: (row["assessment_start_date"], row["child_id"]))

    def s47s(self) -> list[dict]:
        rows = []
        for s in self.h.s47s:
            if not self.window_start <= s.start <= self.as_at:
                continue
            earlier = s.child.s47s
            held = self._on(s.icpc)
            rows.append({**self._child(s.child, disability=True), "s47_start_date": s.start,
                         "icpc_unnecessary": (not s.icpc_needed) if s.decided <= self.as_at else None,
                         "icpc_date": held, "icpc_resulted_in_cpp": s.cpp if held else None,
                         "s47_last_12m": sum(1 for x in earlier if self.year_start <= x.start <= self.as_at),
                         "icpcs_last_12m": sum(1 for x in earlier
                                               if x.icpc and self.year_start <= x.icpc <= self.as_at),
                         **self._allocated(s.child, self._seen_by(s.start, s.icpc or s.decided))})
        return sorted(rows, key=lambda row: (row["s47_start_date"], row["child_id"]))

    def children_in_need(self) -> list[dict]:
        rows = []
        for ep in self.h.episodes:
            if ep.nfa or ep.start > self.as_at or ep.close < self.window_start:
                continue
            closed = ep.close <= self.as_at
            d = self._seen_by(ep.start, ep.close)
            rows.append({**self._child(ep.child, disability=True), "cin_start_date": ep.start,
                         "primary_need": ep.need, "last_seen_date": self._last_seen(ep, d),
                         "cin_closure_date": ep.close if closed else None,
                         "closure_reason": ep.reason if closed else None,
                         "case_status": _CLOSED if closed else _phase(ep, self.as_at)[1],
                         **self._allocated(ep.child, d)})
        return sorted(rows, key=lambda row: (row["cin_start_date"], row["child_id"]))

    def child_protection(self) -> list[dict]:
        rows = []
        six_months_ago = self.window_start
        for plan in self.h.cp_plans:
            if plan.start > self.as_at or plan.end < self.window_start:
                continue
            ended = plan.end <= self.as_at
            d = min(plan.end, self.as_at)
            visit, alone = self._cp_visit(plan, d)
            reviews = [x for x in plan.reviews if x <= d]
            rows.append({**self._child(plan.child, disability=True), "cpp_start_date": plan.start,
                         "initial_category": plan.initial,
                         "latest_category": plan.latest if plan.latest_from <= d else plan.initial,
                         "last_visit_date": visit, "seen_alone": alone,
                         "latest_review_date": reviews[-1] if reviews else None,
                         "cpp_end_date": plan.end if ended else None,
                         "epo_last_6m": plan.epo is not None and six_months_ago <= plan.epo <= self.as_at,
                         "previous_cpps": plan.previous,
                         **self._allocated(plan.child, self._seen_by(plan.start, plan.end))})
        return sorted(rows, key=lambda row: (row["cpp_start_date"], row["child_id"]))

    def _last_seen(self, ep: _Episode, d: date) -> date | None:
        since, status = _phase(ep, d)
        if status == _ASSESS and ep.assessment:
            seen = self.cal.add(ep.assessment.start, 1 + ep.seed % 5)
            return seen if ep.assessment.seen and seen <= d else None
        if status == _CPP and ep.cp_plans:
            return self._cp_visit(ep.cp_plans[0], d)[0]
        if status == _LAC:
            period = next((x for x in reversed(ep.periods) if x.start <= d), None)
            return self._cla_visit(period, d) if period else None
        if status == _CIN:
            return self._cin_visit(ep, since, d)
        return None

    def _cp_visit(self, plan: _CPPlan, d: date) -> tuple[date | None, bool | None]:
        """The last statutory visit by `d`, and whether the child was seen alone."""
        rng = random.Random(plan.seed)
        t = self.cal.add(plan.start, _int(rng, 1, 5))
        last, k = None, 0
        while t <= d:
            last, k = t, k + 1
            late = rng.random() < self.h.practice(t).cp_visit_late
            t = self.cal.add(t, _int(rng, 11, 30) if late else _int(rng, 5, 10))
        if last is None:
            return None, None
        if _age(plan.child.dob, last) < 3:
            return last, False
        return last, _unit(plan.seed, k) < self.h.practice(last).seen_alone

    def _cin_visit(self, ep: _Episode, since: date, d: date) -> date | None:
        rng = random.Random(ep.seed ^ since.toordinal())
        t = self.cal.add(since, _int(rng, 1, 10))
        last = None
        while t <= d:
            last = t
            late = rng.random() < self.h.practice(t).cin_visit_late
            t = self.cal.add(t, _int(rng, 21, 45) if late else _int(rng, 8, 20))
        return last

    # ---- list 8: children in care

    def children_in_care(self) -> list[dict]:
        rows = []
        for period in self.h.periods:
            if period.start > self.as_at or period.end < self.window_start:
                continue
            rows.append(self._cla_row(period))
        return sorted(rows, key=lambda row: (row["cla_start_date"], row["child_id"]))

    def _cla_row(self, period: _CLAPeriod) -> dict:
        child, as_at = period.child, self.as_at
        ended = period.end <= as_at
        d = min(period.end, as_at)
        placements = period.placements
        now = placements[bisect.bisect_right([x.start for x in placements], d) - 1]
        ends = [x.start for x in placements[1:]] + [period.end]
        legal = [x for x in period.legal if x[0] <= d][-1]
        reviews = self._cla_reviews(period, d)
        # the independent reviewing officer sees the child in the days before each review
        iro = _days(reviews[-1], -(_mix(period.seed + len(reviews)) % 10)) if reviews else None
        plan = period.plan
        if period.adoption and period.adoption.no_longer and period.adoption.no_longer <= d:
            plan = "LT_FOSTERING"
        missing, last_missing = self._episodes_away(period, period.missing_rate, 1, d)
        absent, _ = self._episodes_away(period, period.absent_rate, 2, d)
        offered = accepted = None
        if missing:
            offered = _unit(period.seed, last_missing) < self.h.practice(d).return_interview
            accepted = offered and _unit(period.seed, last_missing + 7919) < 0.55
        row = self._child(child)
        row.update({
            "uasc": child.uasc, "disability": child.disability, "cla_start_date": period.start,
            "category_of_need": period.need, "subsequent_period_12m": period.subsequent,
            "legal_status_start_date": legal[0], "legal_status": legal[1],
            "latest_review_date": reviews[-1] if reviews else None,
            "last_visit_date": self._cla_visit(period, d),
            "permanence_plan": plan if d >= _days(period.start, 28) else None,
            "last_iro_contact_date": iro,
            "last_health_assessment_date": self._health(period, d),
            "last_dental_check_date": self._dental(period, d),
            "placements_last_12m": sum(1 for x, end in zip(placements, ends, strict=True)
                                       if x.start <= d and end >= self.year_start),
            "cla_end_date": period.end if ended else None, "reason_ceased": period.reason if ended else None,
            "placement_start_date": now.start, "placement_type": now.type, "placement_provider": now.provider,
            "placement_postcode": now.postcode, "placement_urn": now.urn, "placement_location": now.location,
            "placement_la": now.la, "missing_episodes_12m": missing, "absent_episodes_12m": absent,
            "return_interview_offered": offered, "return_interview_accepted": accepted,
        })
        row.update(self._allocated(child, self._seen_by(period.start, period.end)))
        return row

    def _cla_reviews(self, period: _CLAPeriod, d: date) -> list[date]:
        """Statutory reviews held by `d`: within 20 working days, 3 months later, then every 6 months."""
        rng = random.Random(period.seed ^ 0x5EED)
        late = rng.random() < self.h.practice(period.start).review_late
        t = self.cal.add(period.start, _int(rng, 21, 45) if late else _int(rng, 8, 20))
        held: list[date] = []
        while t <= d:
            held.append(t)
            due = _add_months(t, 3 if len(held) == 1 else 6)
            late = rng.random() < self.h.practice(due).review_late
            t = _days(due, _int(rng, 10, 75)) if late else _days(due, -_int(rng, 0, 25))
        return held

    def _cla_visit(self, period: _CLAPeriod, d: date) -> date | None:
        """The last social work visit by `d`: the regular visits (each calendar year's run has its own
        stream, so long periods stay cheap) and a visit soon after each move of placement."""
        lim = min(d, period.end)
        best = None
        for year in (lim.year, lim.year - 1):
            begin = max(period.start, date(year, 1, 1))
            if begin > lim:
                continue
            rng = random.Random(period.seed ^ _mix(year))
            t = _days(begin, _int(rng, 0, 6) if begin == period.start else _int(rng, 0, 30))
            while t <= lim and t.year == year:
                best = t
                late = rng.random() < self.h.practice(t).cla_visit_late
                t = _days(t, _int(rng, 43, 95) if late else _int(rng, 14, 42))
            if best:
                break
        moved = [x.start for x in period.placements[1:] if x.start <= lim]
        if moved:
            late = _unit(period.seed, moved[-1].toordinal()) < self.h.practice(moved[-1]).cla_visit_late
            within = 20 if late else 7
            visit = _days(moved[-1], 1 + int(_unit(period.seed, -moved[-1].toordinal()) * within))
            if visit <= lim and (best is None or visit > best):
                best = visit
        return best

    def _health(self, period: _CLAPeriod, d: date) -> date | None:
        """Initial health assessment within 20 working days, then every 6 months under 5, yearly after."""
        rng = random.Random(period.seed ^ 0x4EA1)
        late = rng.random() < self.h.practice(period.start).health_late
        t = self.cal.add(period.start, _int(rng, 21, 70) if late else _int(rng, 8, 20))
        last = None
        while t <= d:
            last = t
            due = _add_months(t, 6 if _age(period.child.dob, t) < 5 else 12)
            late = rng.random() < self.h.practice(due).health_late
            t = _days(due, _int(rng, 15, 120)) if late else _days(due, -_int(rng, 0, 30))
        return last

    def _dental(self, period: _CLAPeriod, d: date) -> date | None:
        if _age(period.child.dob, period.start) < 1:
            return None
        rng = random.Random(period.seed ^ 0xDE17)
        t = _days(period.start, _int(rng, 20, 150))
        last = None
        while t <= d:
            last = t
            late = rng.random() < self.h.practice(t).dental_late
            t = _days(t, _int(rng, 366, 600) if late else _int(rng, 150, 365))
        return last

    def _episodes_away(self, period: _CLAPeriod, rate: float, stream: int, d: date) -> tuple[int, int]:
        """Missing (stream 1) or absent (stream 2) episodes in the 12 months to `d`, and the number of the
        last one in the period."""
        if not rate:
            return 0, 0
        rng = random.Random(period.seed ^ _mix(stream))
        t, count, k = period.start, 0, 0
        while True:
            t = _days(t, 1 + int(rng.expovariate(rate / 365)))
            if t > d:
                return count, k
            k += 1
            if t >= self.year_start:
                count += 1

    # ---- list 9: care leavers

    def care_leavers(self) -> list[dict]:
        rows = []
        for leaver in self.h.leavers:
            if leaver.start <= self.as_at < leaver.end:
                rows.append(self._leaver_row(leaver))
        return sorted(rows, key=lambda row: row["child_id"])

    def _leaver_row(self, leaver: _Leaver) -> dict:
        """Status as recorded this quarter (it changes from quarter to quarter)."""
        child, as_at = leaver.child, self.as_at
        p = self.h.practice(as_at)
        quarter = _month_of(as_at) // 3

        def u(k: int) -> float:
            return _unit(leaver.seed, quarter * 16 + k)

        age = _age(child.dob, as_at)
        if u(1) < p.in_touch:
            in_touch = "IN_TOUCH"
            contact = _days(as_at, -int(u(3) * 56) if u(4) >= p.pathway_late else -57 - int(u(3) * 90))
        else:
            in_touch = "NOT_IN_TOUCH" if u(2) < 0.7 else "NOT_RECORDED"
            contact = _days(as_at, -90 - int(u(3) * 270))
        accommodation = _ACCOMMODATION.draw(random.Random(_mix(leaver.seed ^ quarter)))
        if in_touch != "IN_TOUCH":
            suitability, activity = "NOT_RECORDED", None
        else:
            unlikely = 0.3 if accommodation in _UNSUITABLE_LIKELY else 1.0
            suitability = "SUITABLE" if u(6) < p.suitable * unlikely else "NOT_SUITABLE"
            if u(7) < p.eet:
                activity = "F2" if age < 18 else _EET[int(u(8) * len(_EET))]
            else:
                activity = ("G4", "G5", "G5", "G5", "G6")[int(u(8) * 5)]
        row = self._child(child, disability=False)
        row.update({"uasc": child.uasc, "disability": child.disability})
        allocated = self._allocated(child, as_at, leaving=True)
        row.update(allocated)
        row.update({
            "personal_adviser": allocated["allocated_worker"],
            "eligibility": ("QUALIFYING" if leaver.qualifying
                            else "RELEVANT" if age < 18 else "FORMER_RELEVANT"),
            "pathway_plan_review_date": self._pathway_review(leaver),
            "in_touch": in_touch, "latest_contact_date": max(contact, leaver.start),
            "accommodation_type": accommodation, "accommodation_suitability": suitability,
            "activity": activity,
        })
        return row

    def _pathway_review(self, leaver: _Leaver) -> date:
        """Pathway plans are reviewed at least every 6 months (the first just before leaving care)."""
        rng = random.Random(leaver.seed ^ 0x9A7)
        t = _days(leaver.start, -_int(rng, 10, 60))
        last = t
        while t <= self.as_at:
            last = t
            late = rng.random() < self.h.practice(t).pathway_late
            t = _days(_add_months(t, 6), _int(rng, 10, 90) if late else -_int(rng, 0, 30))
        return last

    # ---- lists 10 and 11: adoption

    def adoption(self) -> list[dict]:
        rows = []
        for a in self.h.adoptions:
            if a.decision > self.as_at:
                continue
            steps = (a.decision, a.placement_order, a.matched, a.placed, a.order, a.no_longer, a.ffa)
            ends = (a.order, a.no_longer, a.period.end)
            finished = min((x for x in ends if x and x <= self.as_at), default=None)
            if finished is not None and not any(x and self.year_start <= x <= self.as_at for x in steps):
                continue
            family = a.family if a.family and a.matched <= self.as_at else None
            row = {"child_id": a.child.id, "family_id": family.id if family else None}
            row.update({k: v for k, v in self._child(a.child, disability=True).items() if k != "child_id"})
            row.update({
                "entered_care_date": a.period.start, "adoption_decision_date": a.decision,
                "placement_order_date": self._on(a.placement_order), "matched_date": self._on(a.matched),
                "placed_date": self._on(a.placed), "adoption_order_date": self._on(a.order),
                "no_longer_decision_date": self._on(a.no_longer),
                "no_longer_reason": a.no_longer_reason if self._on(a.no_longer) else None,
                "ffa_placed_date": self._on(a.ffa),
            })
            rows.append(row)
        return sorted(rows, key=lambda row: (row["adoption_decision_date"], row["child_id"]))

    def adopters(self) -> list[dict]:
        rows = []
        for f in self.h.families:
            if f.enquiry > self.as_at:
                continue
            matched = f.adoption if f.adoption and f.adoption.matched <= self.as_at else None
            left = self._on(f.left)
            order = self._on(matched.order) if matched else None
            finished = left or order
            if finished and finished < self.year_start:
                continue
            placed = self._on(matched.placed) if matched else None
            for adopter in f.adopters:
                rows.append({
                    "adopter_id": adopter.id, "family_id": f.id, "gender": adopter.gender,
                    "ethnicity": adopter.ethnicity, "disability": adopter.disability,
                    "fostering_for_adoption": f.ffa, "enquiry_date": f.enquiry,
                    "stage1_start_date": self._on(f.stage1_start), "stage1_end_date": self._on(f.stage1_end),
                    "stage2_start_date": self._on(f.stage2_start), "stage2_end_date": self._on(f.stage2_end),
                    "application_date": self._on(f.application), "approved_date": self._on(f.approved),
                    "matched_date": matched.matched if matched else None, "placed_date": placed,
                    "children_placed": 1 if placed else None, "adoption_order_date": order,
                    "left_date": left, "left_reason": f.left_reason if left else None,
                })
        return sorted(rows, key=lambda row: (row["enquiry_date"], row["adopter_id"]))


def _phase(ep: _Episode, d: date) -> tuple[date, str]:
    """The episode's case status on `d`, and since when."""
    current = ep.phases[0]
    for phase in ep.phases:
        if phase[0] > d:
            break
        current = phase
    return current


# --------------------------------------------------------------------------------------------------
# Writing the workbook

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_SHEET_TITLES = {1: "Contacts", 2: "Early help", 3: "Referrals", 4: "Assessments", 5: "Section 47 and ICPC",
                 6: "Children in need", 7: "Child protection", 8: "Children in care", 9: "Care leavers",
                 10: "Adoption", 11: "Adopters"}
_SHEET_SHORT = {1: "Contacts", 2: "Early Help", 3: "Referrals", 4: "Assessments", 5: "S47 ICPC", 6: "CIN",
                7: "Child Protection", 8: "CLA", 9: "Care Leavers", 10: "Adoption", 11: "Adopters"}
_SHEET_NAMES = ("List {n}", "list_{n}", "L{n} {short}", "List {n} - {title}")

# How Ofsted's template writes each code list: "letter" a) Label, "letter_code" a) WBRI,
# "letter_code_label" a) 1A: Label, "code_dash" N1 - Label, "code_colon" C1: Label
_OFSTED_STYLE = {
    c.GENDER.name: "letter", c.ETHNICITY.name: "letter_code", c.SOURCE.name: "letter_code_label",
    c.PRIMARY_NEED.name: "code_dash", c.CLOSURE_REASON.name: "code_dash", c.CASE_STATUS.name: "letter",
    c.ABUSE_CATEGORY.name: "letter", c.LEGAL_STATUS.name: "code_colon", c.PERMANENCE_PLAN.name: "letter",
    c.REASON_CEASED.name: "letter_code_label", c.PLACEMENT_TYPE.name: "letter_code_label",
    c.PLACEMENT_PROVIDER.name: "letter_code_label", c.PLACEMENT_LOCATION.name: "letter",
    c.ELIGIBILITY.name: "letter", c.IN_TOUCH.name: "letter", c.SUITABILITY.name: "letter",
    c.ACTIVITY.name: "code_colon",
}
_BOOL_STYLES = ("lettered", "word", "yn", "excel", "text")
_BOOL_WORDS = {
    "lettered": ("a) Yes", "b) No", "c) Unknown"), "word": ("Yes", "No", "Unknown"),
    "yn": ("Y", "N", "Unknown"), "text": ("True", "False", "Unknown"),
}
_ODD_HEADERS: tuple[Callable[[str], str], ...] = (
    str.upper, str.lower, lambda h: "  " + h, lambda h: h + " ", lambda h: h.replace(" ", "  ", 1),
    lambda h: h.replace(" ", "\n", 1),
)
_UNKNOWN_CODES = {"ethnicity": "WBRT", "placement_type": "U9"}  # codes in no code list


def _letter(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[i] if i < 26 else "z" + "abcdefghijklmnopqrstuvwxyz"[i - 26]


@functools.cache
def _code_forms(codes: c.CodeList) -> dict[str, dict[str, str]]:
    """code -> rendered value, for each way of writing the list: "ofsted", "code" (bare), "label"."""
    style = _OFSTED_STYLE[codes.name]
    ofsted, bare, label = {}, {}, {}
    for i, item in enumerate(codes.codes):
        ofsted[item.code] = {
            "letter": f"{_letter(i)}) {item.label}", "letter_code": f"{_letter(i)}) {item.code}",
            "letter_code_label": f"{_letter(i)}) {item.code}: {item.label}",
            "code_dash": f"{item.code} - {item.label}", "code_colon": f"{item.code}: {item.label}",
        }[style]
        bare[item.code] = item.code
        label[item.code] = item.label
    forms = {"ofsted": ofsted, "label": label}
    if _bare_codes_usable(codes):
        forms["code"] = bare
    return forms


def _bare_codes_usable(codes: c.CodeList) -> bool:
    """Whether councils write this list's bare codes (DfE codes such as WBRI or U3, not our own names)."""
    return all(x.code.isdigit() or (len(x.code) <= 4 and x.code.isalnum() and x.code.isupper())
               for x in codes.codes)


@dataclass
class _SheetPlan:
    """How one list is written: sheet name, rows above the header, header text, and irregularities."""

    spec: ListSpec
    name: str
    headers: dict[str, str]  # column name -> header text
    title_rows: tuple[str, ...] = ()
    extra_at: int | None = None  # position of an extra "Local ref" column
    numeric_ids: bool = False  # identifiers without leading zeros written as numbers
    code_styles: dict[str, str] = field(default_factory=dict)  # column -> "ofsted" | "code" | "label"
    bool_styles: dict[str, str] = field(default_factory=dict)  # column -> one of _BOOL_STYLES
    noise: float = 0.0  # share of code and Yes/No cells written another way
    text_dates: float = 0.0  # share of dates written as dd/mm/yyyy text
    serial_dates: float = 0.0  # share of dates written as bare serial numbers
    duplicates: frozenset[int] = frozenset()  # rows written twice
    edits: dict[int, dict] = field(default_factory=dict)  # row -> values replaced (suspect rows)

    @classmethod
    def clean(cls, spec: ListSpec) -> _SheetPlan:
        return cls(spec, f"List {spec.number}", {col.name: col.header for col in spec.columns})


def _irregular_plans(rng: random.Random, data: dict[int, list[dict]], as_at: date,
                     history: _History) -> dict[int, _SheetPlan]:
    """Choose where the irregularities go. Each kind is placed at least once."""
    numbers = [spec.number for spec in LISTS]
    plans = {spec.number: _SheetPlan.clean(spec) for spec in LISTS}
    styles = [0, 1, 2, 3] + [_below(rng, 4) for _ in range(len(numbers) - 4)]
    rng.shuffle(styles)
    for n, style in zip(numbers, styles, strict=True):
        plans[n].name = _SHEET_NAMES[style].format(n=n, short=_SHEET_SHORT[n], title=_SHEET_TITLES[n])
    for i, n in enumerate(rng.sample(numbers, 4)):
        title = f"{history.council} Children's Services: Annex A {plans[n].spec.label}"
        notes = f"Extract as at {as_at:%d/%m/%Y}. Contains personal data: handle in line with policy."
        plans[n].title_rows = ((title,), (title, notes), (title, ""), (title,))[i]
    with_age = [n for n in numbers if "age" in plans[n].spec.names]
    for n in rng.sample(with_age, 6):
        plans[n].headers["age"] = "Age"
    plans[3].headers["referral_date"] = "Date of referral"
    plans[8].headers["uasc"] += ")"
    for name in ("missing_episodes_12m", "absent_episodes_12m"):
        plans[8].headers[name] = plans[8].headers[name].replace("'", "\u2018", 1).replace("'", "\u2019", 1)
    varied = {(3, "referral_date"), (8, "uasc"), (8, "missing_episodes_12m"), (8, "absent_episodes_12m")}
    plain = [(n, col) for n in numbers for col in plans[n].spec.names
             if (n, col) not in varied and plans[n].headers[col] != "Age"]
    for i, (n, col) in enumerate(rng.sample(plain, 8)):
        plans[n].headers[col] = _ODD_HEADERS[i % len(_ODD_HEADERS)](plans[n].headers[col])
    first, second = rng.sample(numbers, 2)
    plans[first].extra_at, plans[second].extra_at = 1, len(plans[second].spec.columns)
    for n in rng.sample(numbers, 5):
        plans[n].numeric_ids = True

    code_cols = [(n, col) for n in numbers for col in plans[n].spec.columns if col.kind == CODE]
    for n, col in code_cols:
        u = rng.random()
        style = "ofsted" if u >= 0.25 else ("label" if u < 0.12 else "code")
        if style == "code" and not _bare_codes_usable(col.codes):
            style = "label"
        plans[n].code_styles[col.name] = style
    bare = [(n, col) for n, col in code_cols if _bare_codes_usable(col.codes)]
    for style in ("code", "label"):
        if style not in {plans[n].code_styles[col.name] for n, col in code_cols}:
            n, col = rng.choice(bare)
            plans[n].code_styles[col.name] = style
    bool_cols = [(n, col.name) for n in numbers for col in plans[n].spec.columns if col.kind == BOOL]
    rng.shuffle(bool_cols)
    for i, (n, name) in enumerate(bool_cols):
        plans[n].bool_styles[name] = _BOOL_STYLES[i] if i < len(_BOOL_STYLES) else rng.choice(_BOOL_STYLES)

    for n in numbers:
        plan, rows = plans[n], data[n]
        plan.noise, plan.text_dates, plan.serial_dates = 0.03, 0.05, 0.015
        plan.duplicates = frozenset(i for i in range(len(rows)) if rng.random() < 0.003)
        if n in (1, 3) and rows and not plan.duplicates:
            plan.duplicates = frozenset({_below(rng, len(rows))})
    _suspect_rows(rng, plans, data, as_at)
    return plans


def _suspect_rows(rng: random.Random, plans: dict[int, _SheetPlan], data: dict[int, list[dict]],
                  as_at: date) -> None:
    """A few rows a careful reader should question."""

    def pick(n: int, wanted: Callable[[dict], bool] = bool) -> list[int]:
        rows = data[n]
        fit = [i for i, row in enumerate(rows) if wanted(row)] or list(range(len(rows)))
        return rng.sample(fit, min(len(fit), 1 + len(rows) // 3000))

    for n, start, end in ((7, "cpp_start_date", "cpp_end_date"), (8, "cla_start_date", "cla_end_date")):
        for i in pick(n, lambda row, end=end: row[end] is not None):
            plans[n].edits.setdefault(i, {})[end] = _days(data[n][i][start], -_int(rng, 1, 40))
    for n, name in ((1, "contact_date"), (3, "referral_date")):
        for i in pick(n):
            plans[n].edits.setdefault(i, {})[name] = _days(as_at, _int(rng, 1, 20))
    for i in pick(6):
        plans[6].edits.setdefault(i, {})["age"] = data[6][i]["age"] + rng.choice((3, 5, 7))
    for n, name in ((1, "ethnicity"), (8, "placement_type")):
        for i in pick(n):
            plans[n].edits.setdefault(i, {})[name] = _UNKNOWN_CODES[name]


def _write(path: Path, data: dict[int, list[dict]], plans: dict[int, _SheetPlan], key: str) -> dict[int, int]:
    """Write the sheets row by row (xlsxwriter's constant memory mode) and count the data rows written."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    header_format = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    counts = {}
    for spec in LISTS:
        plan = plans[spec.number]
        rng = random.Random(f"{key}|{spec.number}")  # for the cell-by-cell variations
        sheet = workbook.add_worksheet(plan.name)
        writers = [_cell_writer(col, plan, rng, date_format) for col in spec.columns]
        headers = [plan.headers[col.name] for col in spec.columns]
        names = [col.name for col in spec.columns]  # the value each column writes
        if plan.extra_at is not None:
            writers.insert(plan.extra_at, _local_ref_writer(spec))
            headers.insert(plan.extra_at, "Local ref")
            names.insert(plan.extra_at, spec.key[0])
        sheet.set_column(0, len(names) - 1, 18)
        r = 0
        for text in plan.title_rows:
            if text:
                sheet.write_string(r, 0, text)
            r += 1
        for j, text in enumerate(headers):
            sheet.write_string(r, j, text, header_format)
        r += 1
        pairs = list(zip(writers, names, strict=True))
        unknown_written = {j for j, name in enumerate(names) if name == "disability"}  # blank reads "Unknown"
        written = 0
        for i, row in enumerate(data[spec.number]):
            if i in plan.edits:
                row = {**row, **plan.edits[i]}
            repeats = 2 if i in plan.duplicates else 1
            state = rng.getstate() if repeats > 1 else None
            for repeat in range(repeats):
                if repeat:
                    rng.setstate(state)
                for j, (write, name) in enumerate(pairs):
                    value = row[name]
                    if value is not None or j in unknown_written:
                        write(sheet, r, j, value)
                r += 1
                written += 1
        counts[spec.number] = written
    workbook.close()
    return counts


_Writer = Callable[[object, int, int, object], None]


def _cell_writer(col: Column, plan: _SheetPlan, rng: random.Random, date_format) -> _Writer:
    """A function writing one column's values as `plan` says."""
    if col.kind == DATE:
        text, serial = plan.text_dates, plan.text_dates + plan.serial_dates

        def write_date(sheet, r, j, value):
            u = rng.random() if serial else 1.0
            if u < text:
                sheet.write_string(r, j, value.strftime("%d/%m/%Y"))
            elif u < serial:
                sheet.write_number(r, j, value.toordinal() - _EXCEL_EPOCH)
            else:
                sheet.write_number(r, j, value.toordinal() - _EXCEL_EPOCH, date_format)

        return write_date
    if col.kind in (INT, AGE):
        def write_number(sheet, r, j, value):
            sheet.write_number(r, j, value)

        return write_number
    if col.kind == ID:
        numeric = plan.numeric_ids

        def write_id(sheet, r, j, value):
            if numeric and value[0] != "0" and value.isdigit():
                sheet.write_number(r, j, int(value))
            else:
                sheet.write_string(r, j, value)

        return write_id
    if col.kind == CODE:
        forms = _code_forms(col.codes)
        main = forms[plan.code_styles.get(col.name, "ofsted")]
        others = [table for table in forms.values() if table is not main]
        noise = plan.noise

        def write_code(sheet, r, j, value):
            table = rng.choice(others) if noise and rng.random() < noise else main
            sheet.write_string(r, j, table.get(value, value))

        return write_code
    if col.kind == BOOL:
        main = plan.bool_styles.get(col.name, "lettered")
        noise = plan.noise
        unknown = col.name == "disability"

        def write_bool(sheet, r, j, value):
            style = rng.choice(_BOOL_STYLES) if noise and rng.random() < noise else main
            if style == "excel":
                sheet.write_boolean(r, j, value)
            else:
                sheet.write_string(r, j, _BOOL_WORDS[style][0 if value else 1])

        if unknown:
            def write_disability(sheet, r, j, value):
                if value is None:
                    sheet.write_string(r, j, _BOOL_WORDS["word" if main == "excel" else main][2])
                else:
                    write_bool(sheet, r, j, value)

            return write_disability
        return write_bool

    def write_text(sheet, r, j, value):
        sheet.write_string(r, j, value)

    return write_text


def _local_ref_writer(spec: ListSpec) -> _Writer:
    """The extra column some councils add: their own reference for the record."""
    prefix = {11: "ADP"}.get(spec.number, "CS")

    def write(sheet, r, j, value):
        sheet.write_string(r, j, f"{prefix}/{int(value) % 1000003:07d}")

    return write
