"""Breakdown dimensions: named ways to split any measure that reads the right lists.

A dimension gives each row of the lists it applies to a group (its label): an age band, a placement type, a
band of working days, the allocated team. ``goldthread.core.measures.breakdowns.breakdown(result, dimension,
data, ctx)`` splits a measure's result by it, cell by cell, each with the rows behind it.

Every row gets exactly one group: a blank value is "Not recorded", never dropped, so the cells of a count of
rows add up to the measure; a count of distinct children counts a child once in each group its rows fall in.
The groups are computed once per table (and extract date) and shared by every measure split by them.

Team and worker are dimensions too: their cells are the measure's existing splits by allocated team and worker,
unchanged. Dimension ids and labels are stable: the measure store keys breakdown cells by them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..annexa import codes as C
from ..annexa import spec as S
from .derived import TableView
from .registry import Context

NOT_RECORDED = "Not recorded"
DATE_ERROR = "Date error (ends before it starts)"
ALL_LISTS = (1, 2, 3, 4, 5, 6, 7, 8, 9)
DISABILITY_LISTS = (4, 5, 6, 7, 8, 9)
ALLOCATION_LISTS = tuple(s.number for s in S.LISTS if s.has_allocation)

Groups = tuple[np.ndarray, tuple[str, ...]]  # each row's group as a code, and the groups' labels in order


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    description: str
    lists: tuple[int, ...]
    reads: Mapping[int, tuple[str, ...]]  # the columns its groups read, by list
    groups: Callable[[TableView, Context], Groups] | None = None
    allocation: str | None = None  # "allocated_team" or "allocated_worker": the measure's own split by it
    settings: tuple[str, ...] = ()  # Context fields the groups depend on, besides the extract date
    population: bool = False  # whether a council can give the population of each group (for rates and
    # disproportionality, in Context.populations[id])

    def codes(self, v: TableView, ctx: Context) -> Groups:
        key = ("dimension", self.id, ctx.as_at, *(getattr(ctx, s) for s in self.settings))
        return v.memo(key, lambda: self.groups(v, ctx))


DIMENSIONS: dict[str, Dimension] = {}


def dimension(*, id: str, title: str, description: str, lists: tuple[int, ...], reads, settings=(),
              population: bool = False):
    """Declare a dimension; the decorated function gives (codes, labels) for one table. ``reads`` is a tuple of
    columns read on every list, or a mapping by list."""

    def register(groups: Callable[[TableView, Context], Groups]):
        if id in DIMENSIONS:
            raise ValueError(f"dimension {id!r} is declared twice")
        by_list = dict(reads) if isinstance(reads, Mapping) else {n: tuple(reads) for n in lists}
        DIMENSIONS[id] = Dimension(id, title, " ".join(description.split()), lists, by_list, groups,
                                   settings=tuple(settings), population=population)
        return groups

    return register


# --------------------------------------------------------------------------- building groups


def _categorical(v: TableView, column: str, codes: C.CodeList | None, *, show_code: bool = True) -> Groups:
    """A coded (or free-text) column: one group per code, labelled "code: label" (or the label alone, or the text
    as written), in the code list's order; a value that is no code keeps its own text; blank is Not recorded."""
    def make() -> Groups:
        raw, uniques = pd.factorize(v.values(column), use_na_sentinel=True)
        known = [c.code for c in codes.codes] if codes else []
        def label(value) -> str:
            text = str(value).strip()
            if not text:
                return NOT_RECORDED
            if codes is not None and text in known:
                found = codes.label(text)
                return f"{text}: {found}" if show_code else found
            return text
        names = [label(u) for u in uniques]
        order = [(f"{c.code}: {c.label}" if show_code else c.label) for c in codes.codes] if codes else []
        extra = sorted({n for n in names if n not in set(order) and n != NOT_RECORDED})
        labels = [*order, *extra, NOT_RECORDED]
        position = {lab: i for i, lab in enumerate(labels)}
        remap = np.array([position[n] for n in names] + [position[NOT_RECORDED]], dtype=np.int64)
        return remap[raw], tuple(labels)
    return v.memo(("categorical", column, codes.name if codes else None, show_code), make)


def _bands(values: np.ndarray, bands: list[tuple[float, float, str]], *, missing: str = NOT_RECORDED,
           below: str | None = DATE_ERROR, extra: list[tuple[np.ndarray, str]] = ()) -> Groups:
    """Numbers in bands (low and high inclusive, in order); NaN is ``missing``; below the first band is
    ``below``. ``extra`` puts rows (a mask) in a named group whatever their number."""
    labels = [label for _, _, label in bands]
    codes = np.full(len(values), -1, dtype=np.int64)
    for i, (low, high, _) in enumerate(bands):
        codes[(values >= low) & (values <= high)] = i
    tail = []
    for mask, name in extra:
        tail.append(name)
        codes[mask] = len(labels) + len(tail) - 1
    if below is not None:
        tail.append(below)
        codes[(codes == -1) & ~np.isnan(values) & (values < bands[0][0])] = len(labels) + len(tail) - 1
    tail.append(missing)
    codes[codes == -1] = len(labels) + len(tail) - 1
    return codes, tuple(labels + tail)


def _whole_number_bands(v: TableView, column: str, top: int, *, zero: str = "0") -> Groups:
    """A whole-number column in groups 0, 1, ... and "top or more"; blank is Not recorded."""
    def make() -> Groups:
        values = v.series(column).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        bands = [(0, 0, zero), *((i, i, str(i)) for i in range(1, top)), (top, np.inf, f"{top} or more")]
        return _bands(values, bands, below=None)
    return v.memo(("whole_number_bands", column, top, zero), make)


# --------------------------------------------------------------------------- who the children are

GENDERS = [c.label for c in C.GENDER.codes]


@dimension(id="gender", title="Gender", lists=ALL_LISTS, reads=("gender",), population=True,
           description="""The Gender recorded on the row: Male, Female, Not stated/recorded or Neither; blank is
           Not recorded.""")
def _gender(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "gender", C.GENDER, show_code=False)


CHILD_AGE_BANDS = [(0, 0, "Under 1"), (1, 4, "1 to 4"), (5, 9, "5 to 9"), (10, 15, "10 to 15"), (16, 17, "16 to 17"),
                   (18, np.inf, "18 and over")]
CARE_LEAVER_AGE_BANDS = [(0, 16, "Under 17"), (17, 18, "17 to 18"), (19, 21, "19 to 21"), (22, np.inf, "22 and over")]
UNBORN = "Unborn"


@dimension(id="age_band", title="Age band", lists=ALL_LISTS, reads=("date_of_birth", "age"), population=True,
           description="""Age at the extract date (whole years from the date of birth, or the stated age where
           there is none) in DfE's bands for children: under 1, 1 to 4, 5 to 9, 10 to 15, 16 to 17, 18 and over
           (a date of birth after the extract date is Unborn); for care leavers (List 9), DfE's care leaver
           bands: 17 to 18, 19 to 21, 22 and over (and under 17). Neither recorded is Not recorded. The regional
           tool uses single years of age.""")
def _age_band(v: TableView, ctx: Context) -> Groups:
    age = v.age(ctx.as_at)
    bands = CARE_LEAVER_AGE_BANDS if v.number == 9 else CHILD_AGE_BANDS
    labels = (UNBORN, *(label for _, _, label in bands), NOT_RECORDED)
    codes = np.full(v.n, len(labels) - 1, dtype=np.int64)
    codes[age == -2] = 0
    for i, (low, high, _) in enumerate(bands, start=1):
        codes[(age >= low) & (age <= high)] = i
    return codes, labels


@dimension(id="age_band_by_gender", title="Age band by gender", lists=ALL_LISTS,
           reads=("gender", "date_of_birth", "age"), population=True,
           description="""Gender and age band together ("Female, 10 to 15"), as the age band and gender
           dimensions define them: the ChAT's age and gender table in bands.""")
def _age_band_by_gender(v: TableView, ctx: Context) -> Groups:
    g_codes, g_labels = _gender(v, ctx)
    a_codes, a_labels = DIMENSIONS["age_band"].codes(v, ctx)
    labels = [f"{g}, {a}" for g in g_labels for a in a_labels]
    return g_codes * len(a_labels) + a_codes, tuple(labels)


ETHNIC_GROUPS = {  # DfE's major ethnic groups (children in need tables: "Other ethnic groups comprises Chinese and
    # any other ethnic group"); refused and not yet obtained are kept apart from the groups
    "White": ("WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
    "Mixed or multiple ethnic groups": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic groups": ("CHNE", "OOTH"),
    "Refused or information not yet obtained": ("REFU", "NOBT"),
}
NOT_RECOGNISED = "Not a recognised ethnicity code"


@dimension(id="ethnicity", title="Ethnic group", lists=ALL_LISTS, reads=("ethnicity",), population=True,
           description="""Ethnicity in DfE's major groups: White (White British, Irish, Traveller of Irish heritage,
           Gypsy/Roma, any other White background), Mixed or multiple ethnic groups, Asian or Asian British
           (Indian, Pakistani, Bangladeshi, any other Asian background), Black or Black British, Other ethnic
           groups (Chinese and any other ethnic group), and Refused or information not yet obtained. A value
           that is no ethnicity code is "Not a recognised ethnicity code"; blank is Not recorded. The regional
           tool shows the raw values; goldthread also gives the detailed codes (ethnicity_detail).""")
def _ethnicity(v: TableView, ctx: Context) -> Groups:
    def make() -> Groups:
        detail, detail_labels = _categorical(v, "ethnicity", C.ETHNICITY)
        group_of = {code: group for group, members in ETHNIC_GROUPS.items() for code in members}
        order = [*ETHNIC_GROUPS, NOT_RECOGNISED, NOT_RECORDED]
        mapped = []
        for label in detail_labels:
            code = label.split(":", 1)[0]
            mapped.append(NOT_RECORDED if label == NOT_RECORDED else group_of.get(code, NOT_RECOGNISED))
        remap = np.array([order.index(m) for m in mapped], dtype=np.int64)
        return remap[detail], tuple(order)
    return v.memo("ethnic_groups", make)


@dimension(id="ethnicity_detail", title="Ethnicity", lists=ALL_LISTS, reads=("ethnicity",), population=True,
           description="""Ethnicity as recorded, by code ("WBRI: White British"), in DfE's code order; a value that
           is no code keeps its own text; blank is Not recorded.""")
def _ethnicity_detail(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "ethnicity", C.ETHNICITY)


DISABLED, NOT_DISABLED, DISABILITY_UNKNOWN = "Disabled", "Not disabled", "Unknown or not recorded"


@dimension(id="disability", title="Disability", lists=DISABILITY_LISTS, reads=("disability",), population=True,
           description="""Does the Child have a Disability: Yes is Disabled, No is Not disabled, Unknown or blank
           is Unknown or not recorded (Lists 4 to 9; Lists 1 to 3 do not record it).""")
def _disability(v: TableView, ctx: Context) -> Groups:
    codes = np.where(v.yes("disability"), 0, np.where(v.no("disability"), 1, 2)).astype(np.int64)
    return codes, (DISABLED, NOT_DISABLED, DISABILITY_UNKNOWN)


# --------------------------------------------------------------------------- the front door


@dimension(id="contact_source", title="Contact source", lists=(1,), reads=("contact_source",),
           description="""Contact Source (List 1), by the CIN census source code.""")
def _contact_source(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "contact_source", C.SOURCE)


@dimension(id="referral_source", title="Referral source", lists=(3,), reads=("referral_source",),
           description="""Referral Source (List 3), by the CIN census source code.""")
def _referral_source(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "referral_source", C.SOURCE)


NONE_IN_WINDOW = "None in the six months"


def _events_per_child(v: TableView, ctx: Context, date_column: str) -> Groups:
    """How many rows dated in the window the row's child has (1, 2, 3, 4, 5 or more)."""
    window = v.window(date_column, ctx.as_at)
    children, ids = v.child_codes()
    counts = np.bincount(children[window & (children >= 0)], minlength=len(ids))
    per_row = np.where(children >= 0, counts[np.maximum(children, 0)], np.where(window, 1, 0)).astype(float)
    bands = [(1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 4, "4"), (5, np.inf, "5 or more")]
    codes, labels = _bands(per_row, bands, below=None, missing=NONE_IN_WINDOW)
    return codes, labels


@dimension(id="contacts_per_child", title="Contacts per child in the six months", lists=(1,),
           reads=("child_id", "contact_date"),
           description="""How many contacts dated in the six months before the extract date the row's child has:
           1, 2, 3, 4, or 5 or more (a row outside the six months whose child has none in them: None in the six
           months). Split a count of children by it to count children by their number of contacts.""")
def _contacts_per_child(v: TableView, ctx: Context) -> Groups:
    return _events_per_child(v, ctx, "contact_date")


@dimension(id="early_help_per_child", title="Early help assessments per child in the six months", lists=(2,),
           reads=("child_id", "eh_start_date"),
           description="""How many early help assessments starting in the six months before the extract date the
           row's child has: 1, 2, 3, 4, or 5 or more.""")
def _early_help_per_child(v: TableView, ctx: Context) -> Groups:
    return _events_per_child(v, ctx, "eh_start_date")


@dimension(id="referrals_per_child", title="Referrals per child in the six months", lists=(3,),
           reads=("child_id", "referral_date"),
           description="""How many referrals dated in the six months before the extract date the row's child has
           on List 3: 1, 2, 3, 4, or 5 or more.""")
def _referrals_per_child(v: TableView, ctx: Context) -> Groups:
    return _events_per_child(v, ctx, "referral_date")


@dimension(id="referrals_last_12m", title="Referrals in the last 12 months", lists=(3,),
           reads=("referrals_last_12m",),
           description="""List 3's "Number of Referrals in Last 12 Months", which counts the current referral: 1
           (this referral only), 2, 3, 4, or 5 or more; 0 as recorded; blank is Not recorded.""")
def _referrals_last_12m(v: TableView, ctx: Context) -> Groups:
    return _whole_number_bands(v, "referrals_last_12m", 5)


# --------------------------------------------------------------------------- assessment and child protection

SAME_DAY = "Same day (0 working days)"
ASSESSMENT_BANDS = [(0, 0, SAME_DAY), (1, 10, "1 to 10 working days"), (11, 20, "11 to 20 working days"),
                    (21, 30, "21 to 30 working days"), (31, 40, "31 to 40 working days"),
                    (41, 45, "41 to 45 working days"), (46, 50, "46 to 50 working days"),
                    (51, 60, "51 to 60 working days"), (61, np.inf, "61 working days or more")]


@dimension(id="assessment_duration", title="Assessment length in working days", lists=(4,),
           reads=("assessment_start_date", "assessment_authorised_date"),
           description="""Working days (bank holidays excluded) from the Continuous Assessment Start Date to the
           Date of Authorisation, or to the extract date for an assessment not authorised by then: same day, 1 to
           10, 11 to 20, 21 to 30, 31 to 40, 41 to 45, 46 to 50, 51 to 60, 61 or more. An authorisation before
           the start is a date error; no start date is Not recorded.""")
def _assessment_duration(v: TableView, ctx: Context) -> Groups:
    start, authorised = v.dates("assessment_start_date"), v.dates("assessment_authorised_date")
    done = ~np.isnat(authorised) & (authorised <= ctx.as_at64)
    days = np.where(done, v.working_days("assessment_start_date", "assessment_authorised_date"),
                    v.working_days("assessment_start_date", ctx.as_at))
    return _bands(days, ASSESSMENT_BANDS, below=None, extra=[(done & (authorised < start), DATE_ERROR)])


NO_CONFERENCE = "No initial conference"


@dimension(id="icpc_timeliness", title="Working days from strategy discussion to initial conference", lists=(5,),
           reads=("s47_start_date", "icpc_date"),
           description="""Working days (bank holidays excluded) from the strategy discussion that started the
           section 47 enquiry to the initial child protection conference, in DfE's bands (CIN census table C4): 0
           to 10, 11 to 15, 16 to 20, 21 or more. No conference date is "No initial conference"; a conference
           before the strategy discussion is a date error; no strategy discussion date is Not recorded.""")
def _icpc_timeliness(v: TableView, ctx: Context) -> Groups:
    days = v.working_days("s47_start_date", "icpc_date")
    bands = [(0, 10, "0 to 10 working days"), (11, 15, "11 to 15 working days"), (16, 20, "16 to 20 working days"),
             (21, np.inf, "21 working days or more")]
    backwards = v.dates("icpc_date") < v.dates("s47_start_date")
    return _bands(days, bands, below=None, extra=[(~v.present("icpc_date"), NO_CONFERENCE), (backwards, DATE_ERROR)])


@dimension(id="s47_last_12m", title="Section 47 enquiries in the last 12 months", lists=(5,),
           reads=("s47_last_12m",),
           description="""List 5's "Number of Section 47 Enquiries in the last 12 months": 0, 1, 2, 3, 4, or 5 or
           more; blank is Not recorded.""")
def _s47_last_12m(v: TableView, ctx: Context) -> Groups:
    return _whole_number_bands(v, "s47_last_12m", 5)


@dimension(id="icpcs_last_12m", title="Initial conferences in the last 12 months", lists=(5,),
           reads=("icpcs_last_12m",),
           description="""List 5's "Number of ICPCs in the last 12 months": 0, 1, 2, 3, or 4 or more; blank is
           Not recorded.""")
def _icpcs_last_12m(v: TableView, ctx: Context) -> Groups:
    return _whole_number_bands(v, "icpcs_last_12m", 4)


DURATION_BANDS = [(0, 2, "Under 3 months"), (3, 5, "3 to 6 months"), (6, 11, "6 months to 1 year"),
                  (12, 23, "1 to 2 years"), (24, np.inf, "2 years or more")]


def _duration(v: TableView, ctx: Context, start: str, end: str) -> Groups:
    return _bands(v.months(start, end, open_end=ctx.as_at), DURATION_BANDS)


_DURATION_TEXT = """in whole calendar months up to the extract date for one still open then: under 3 months, 3 to 6
months, 6 months to 1 year, 1 to 2 years, 2 years or more (2 years or more: started on or before the end less 24
months). An end before the start is a date error; no start date is Not recorded. The regional tool bins calendar
days (under 91, 91-181, 182-364, 365-729, 730 or more)."""


@dimension(id="cin_duration", title="Length of the children in need episode", lists=(6,),
           reads=("cin_start_date", "cin_closure_date"),
           description=f"""From the CIN Start Date to the CIN Closure Date, {_DURATION_TEXT}""")
def _cin_duration(v: TableView, ctx: Context) -> Groups:
    return _duration(v, ctx, "cin_start_date", "cin_closure_date")


OPEN_AT_EXTRACT = "Open at the extract date"


@dimension(id="cin_closure_reason", title="Reason the children in need episode closed", lists=(6,),
           reads=("cin_closure_date", "closure_reason"),
           description="""Reason for Closure (CIN census codes RC1 to RC9) of an episode closed on or before the
           extract date; an episode open then is "Open at the extract date"; a closed episode with no reason is
           Not recorded.""")
def _cin_closure_reason(v: TableView, ctx: Context) -> Groups:
    codes, labels = _categorical(v, "closure_reason", C.CLOSURE_REASON)
    closed = v.dates("cin_closure_date") <= ctx.as_at64
    return np.where(closed, codes, len(labels)), (*labels, OPEN_AT_EXTRACT)


@dimension(id="primary_need", title="Primary need", lists=(6,), reads=("primary_need",),
           description="""Primary Need Code (CIN census N0 to N9).""")
def _primary_need(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "primary_need", C.PRIMARY_NEED)


def _visit_bands(v: TableView, ctx: Context, column: str, interval: int) -> Groups:
    days = v.working_days(column, ctx.as_at)
    bands = [(0, interval, f"Within {interval} working days"),
             (interval + 1, 2 * interval, f"{interval + 1} to {2 * interval} working days"),
             (2 * interval + 1, np.inf, f"More than {2 * interval} working days")]
    # a date after the extract date is found by the dates (a working-day count can be 0 for one)
    return _bands(days, bands, missing="No date recorded", below=None,
                  extra=[(v.dates(column) > ctx.as_at64, "Date after the extract date")])


@dimension(id="cin_time_since_seen", title="Working days since the child was last seen", lists=(6,),
           reads=("last_seen_date",), settings=("cin_visit_working_days",),
           description="""Working days from the Date Child Was Last Seen to the extract date, against the council's
           CIN visit interval N (20 unless the council sets another): within N, N+1 to 2N, more than 2N; no date
           recorded; a date after the extract date.""")
def _cin_time_since_seen(v: TableView, ctx: Context) -> Groups:
    return _visit_bands(v, ctx, "last_seen_date", ctx.cin_visit_working_days)


@dimension(id="initial_category_of_abuse", title="Initial category of abuse", lists=(7,),
           reads=("initial_category",),
           description="""Initial Category of Abuse of the child protection plan: neglect, physical, sexual,
           emotional abuse or multiple.""")
def _initial_category(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "initial_category", C.ABUSE_CATEGORY, show_code=False)


@dimension(id="latest_category_of_abuse", title="Latest category of abuse", lists=(7,), reads=("latest_category",),
           description="""Latest Category of Abuse of the child protection plan.""")
def _latest_category(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "latest_category", C.ABUSE_CATEGORY, show_code=False)


@dimension(id="cpp_duration", title="Length of the child protection plan", lists=(7,),
           reads=("cpp_start_date", "cpp_end_date"),
           description=f"""From the Child Protection Plan Start Date to its End Date, {_DURATION_TEXT}""")
def _cpp_duration(v: TableView, ctx: Context) -> Groups:
    return _duration(v, ctx, "cpp_start_date", "cpp_end_date")


@dimension(id="previous_cpps", title="Previous child protection plans", lists=(7,), reads=("previous_cpps",),
           description="""List 7's "Number of Previous Child Protection Plans": none, 1, 2, or 3 or more; blank is
           Not recorded.""")
def _previous_cpps(v: TableView, ctx: Context) -> Groups:
    return _whole_number_bands(v, "previous_cpps", 3, zero="None")


@dimension(id="cpp_time_since_visit", title="Working days since the last statutory visit", lists=(7,),
           reads=("last_visit_date",), settings=("cp_visit_working_days",),
           description="""Working days from the Date of the Last Statutory Visit to the extract date, against the
           council's CP visit interval N (10 unless the council sets another): within N, N+1 to 2N, more than 2N;
           no date recorded; a date after the extract date. The regional tool uses 6-week calendar bands.""")
def _cpp_time_since_visit(v: TableView, ctx: Context) -> Groups:
    return _visit_bands(v, ctx, "last_visit_date", ctx.cp_visit_working_days)


REVIEW_BANDS = [(0, 2, "Under 3 months"), (3, 5, "3 to 6 months"), (6, 8, "6 to 9 months"), (9, 11, "9 to 12 months"),
                (12, np.inf, "12 months or more")]
_REVIEW_TEXT = """in whole calendar months: under 3, 3 to 6, 6 to 9, 9 to 12, 12 months or more; no review
recorded; a review after the extract date. (The regional tool has no 9 to 12 band and labels 274 days or more
"12+ months".)"""


def _review_bands(v: TableView, ctx: Context) -> Groups:
    return _bands(v.months("latest_review_date", ctx.as_at), REVIEW_BANDS, missing="No review recorded",
                  below="Review after the extract date")


@dimension(id="cpp_time_since_review", title="Time since the latest review conference", lists=(7,),
           reads=("latest_review_date",),
           description=f"""From the Date of latest review conference to the extract date, {_REVIEW_TEXT}""")
def _cpp_time_since_review(v: TableView, ctx: Context) -> Groups:
    return _review_bands(v, ctx)


# --------------------------------------------------------------------------- children in care


@dimension(id="legal_status", title="Legal status", lists=(8,), reads=("legal_status",),
           description="""Child's Legal Status (SSDA903 codes: C1 interim care order, C2 full care order, E1
           placement order, V2 section 20, ...).""")
def _legal_status(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "legal_status", C.LEGAL_STATUS)


@dimension(id="permanence_plan", title="Permanence plan", lists=(8,), reads=("permanence_plan",),
           description="""What is the permanence plan for this child?""")
def _permanence_plan(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "permanence_plan", C.PERMANENCE_PLAN, show_code=False)


@dimension(id="placement_type", title="Placement type", lists=(8,), reads=("placement_type",),
           description="""Placement Type (SSDA903 codes).""")
def _placement_type(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "placement_type", C.PLACEMENT_TYPE)


PLACEMENT_GROUPS = {  # goldthread's grouping of the SSDA903 placement types
    "Foster placements": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "Placed for adoption": ("A3", "A4", "A5", "A6"),
    "Placed with parents": ("P1",),
    "Independent living and supported accommodation": ("P2", "H5", "K3"),
    "Children's homes and secure children's homes": ("K1", "K2"),
    "Other residential settings": ("R1", "R2", "R3", "R5", "S1", "P3"),
    "Other and temporary placements": ("Z1", "T0", "T1", "T2", "T3", "T4"),
}


@dimension(id="placement_type_group", title="Placement type group", lists=(8,), reads=("placement_type",),
           description="""Placement Type grouped: foster placements (U1-U6), placed for adoption (A3-A6), placed with
           parents (P1), independent living and supported accommodation (P2, H5, K3), children's homes and secure
           children's homes (K1, K2), other residential settings (R1, R2, R3, R5, S1, P3), other and temporary
           placements (Z1, T0-T4). A value that is no code is "Not a recognised placement type".""")
def _placement_type_group(v: TableView, ctx: Context) -> Groups:
    def make() -> Groups:
        detail, labels = _categorical(v, "placement_type", C.PLACEMENT_TYPE)
        group_of = {code: group for group, members in PLACEMENT_GROUPS.items() for code in members}
        order = [*PLACEMENT_GROUPS, "Not a recognised placement type", NOT_RECORDED]
        mapped = [NOT_RECORDED if lab == NOT_RECORDED else group_of.get(lab.split(":", 1)[0], order[-2])
                  for lab in labels]
        remap = np.array([order.index(m) for m in mapped], dtype=np.int64)
        return remap[detail], tuple(order)
    return v.memo("placement_groups", make)


@dimension(id="placement_provider", title="Placement provider", lists=(8,), reads=("placement_provider",),
           description="""Placement Provider (SSDA903 codes PR0 to PR5).""")
def _placement_provider(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "placement_provider", C.PLACEMENT_PROVIDER)


@dimension(id="cla_duration", title="Length of the period of care", lists=(8,),
           reads=("cla_start_date", "cla_end_date"),
           description=f"""From the Date Started to be Looked After to the Date Ceased, {_DURATION_TEXT}""")
def _cla_duration(v: TableView, ctx: Context) -> Groups:
    return _duration(v, ctx, "cla_start_date", "cla_end_date")


@dimension(id="placement_duration", title="Time in the most recent placement", lists=(8,),
           reads=("placement_start_date", "cla_end_date"),
           description=f"""From the Start Date of Most Recent Placement to the Date Ceased to be Looked After,
           {_DURATION_TEXT} The regional tool shows this only for children in care 2 years 6 months or more
           (including those who left).""")
def _placement_duration(v: TableView, ctx: Context) -> Groups:
    return _duration(v, ctx, "placement_start_date", "cla_end_date")


@dimension(id="cla_time_since_review", title="Time since the latest statutory review", lists=(8,),
           reads=("latest_review_date",),
           description=f"""From the Date of Latest Statutory Review to the extract date, {_REVIEW_TEXT}""")
def _cla_time_since_review(v: TableView, ctx: Context) -> Groups:
    return _review_bands(v, ctx)


@dimension(id="cla_time_since_visit", title="Time since the last social work visit", lists=(8,),
           reads=("last_visit_date",),
           description="""Calendar days from the Date of Last Social Work Visit to the extract date: within 6 weeks
           (0 to 42 days), 6 to 12 weeks (43 to 84), 12 to 18 weeks (85 to 126), more than 18 weeks; no date
           recorded; a date after the extract date.""")
def _cla_time_since_visit(v: TableView, ctx: Context) -> Groups:
    bands = [(0, 42, "Within 6 weeks"), (43, 84, "6 to 12 weeks"), (85, 126, "12 to 18 weeks"),
             (127, np.inf, "More than 18 weeks")]
    return _bands(v.days("last_visit_date", ctx.as_at), bands, missing="No date recorded",
                  below="Date after the extract date")


@dimension(id="placements_last_12m", title="Placements in the last 12 months", lists=(8,),
           reads=("placements_last_12m",),
           description="""Number of Placements in the Last 12 months: 0, 1, 2, or 3 or more; blank is Not
           recorded.""")
def _placements_last_12m(v: TableView, ctx: Context) -> Groups:
    return _whole_number_bands(v, "placements_last_12m", 3)


@dimension(id="missing_episodes_12m", title="Missing episodes in the last 12 months", lists=(8,),
           reads=("missing_episodes_12m",),
           description="""Number of Episodes the Child has been 'Missing' from their Placement in the last 12
           months: none, 1, 2, 3 to 5, 6 or more; blank is Not recorded.""")
def _missing_episodes(v: TableView, ctx: Context) -> Groups:
    def make() -> Groups:
        values = v.series("missing_episodes_12m").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return _bands(values, [(0, 0, "None"), (1, 1, "1"), (2, 2, "2"), (3, 5, "3 to 5"), (6, np.inf, "6 or more")],
                      below=None)
    return v.memo("missing_bands", make)


STILL_LOOKED_AFTER = "Looked after at the extract date"


@dimension(id="reason_ceased", title="Reason ceased to be looked after", lists=(8,),
           reads=("cla_end_date", "reason_ceased"),
           description="""Reason Ceased to be Looked After (SSDA903 codes) of a period of care that ended on or
           before the extract date; one still open then is "Looked after at the extract date".""")
def _reason_ceased(v: TableView, ctx: Context) -> Groups:
    codes, labels = _categorical(v, "reason_ceased", C.REASON_CEASED)
    ended = v.dates("cla_end_date") <= ctx.as_at64
    return np.where(ended, codes, len(labels)), (*labels, STILL_LOOKED_AFTER)


@dimension(id="category_of_need", title="Category of need", lists=(8,), reads=("category_of_need",),
           description="""Child's Category of Need (N1 to N8).""")
def _category_of_need(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "category_of_need", C.PRIMARY_NEED)


# --------------------------------------------------------------------------- care leavers


@dimension(id="care_leaver_eligibility", title="Care leaver eligibility", lists=(9,), reads=("eligibility",),
           description="""Eligibility Category: relevant, former relevant, qualifying, eligible or other.""")
def _eligibility(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "eligibility", C.ELIGIBILITY, show_code=False)


@dimension(id="care_leaver_accommodation", title="Type of accommodation", lists=(9,), reads=("accommodation_type",),
           description="""Type of Accommodation as the council records it (a free-text column), each distinct
           wording its own group, in alphabetical order; blank is Not recorded.""")
def _accommodation(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "accommodation_type", None)


@dimension(id="care_leaver_accommodation_suitability", title="Suitability of accommodation", lists=(9,),
           reads=("accommodation_suitability",),
           description="""Suitability of Accommodation: suitable, not suitable, not in touch or not recorded,
           exclude.""")
def _suitability(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "accommodation_suitability", C.SUITABILITY, show_code=False)


@dimension(id="care_leaver_activity", title="Activity", lists=(9,), reads=("activity",),
           description="""Activity Status (F1 to F5 and P1 to P5 in education, employment or training full or part
           time; G4 to G6 not).""")
def _activity(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "activity", C.ACTIVITY)


@dimension(id="care_leaver_in_touch", title="In touch", lists=(9,), reads=("in_touch",),
           description="""LA in Touch: in touch, not in touch, not recorded, exclude.""")
def _in_touch(v: TableView, ctx: Context) -> Groups:
    return _categorical(v, "in_touch", C.IN_TOUCH, show_code=False)


# --------------------------------------------------------------------------- team and worker

for _id, _title, _column in (("team", "Allocated team", "allocated_team"),
                             ("worker", "Allocated worker", "allocated_worker")):
    DIMENSIONS[_id] = Dimension(
        _id, _title, f"""The measure's split by {_title.lower()}, as it has always been computed: each row's
        {_title.lower()} ("Not allocated" when blank); for caseload measures, each worker (and the team most of
        their rows name).""".replace("\n        ", " "),
        ALLOCATION_LISTS, {n: (_column,) for n in ALLOCATION_LISTS}, allocation=_column)
