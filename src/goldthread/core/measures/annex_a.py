"""Measures computed from a council's Annex A.

Conventions (every definition below follows them):
- ``as_at`` is the extract date. "The window" is the six months before it: dates d with
  as_at minus 6 calendar months < d <= as_at.
- Open at as_at: start <= as_at and (no end date, or end > as_at).
- Working days exclude weekends and England's bank holidays; the working days from d1 to d2 are those
  after d1 up to and including d2; "within N working days" means that count is at most N.
- Counts of children are distinct by Child Unique ID; counts of events are not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..annexa.codes import EET_ACTIVITIES
from ..workdays import add_working_days, working_days_between
from .registry import (
    COUNT,
    HIGHER,
    LOWER,
    NEITHER,
    NUMBER,
    PERCENT,
    RATE,
    Context,
    Data,
    Result,
    count_result,
    empty_rows,
    in_window,
    measure,
    months_before,
    one_per_child,
    open_at,
    percent_result,
    rate_result,
    row_frame,
)


def _true(series: pd.Series) -> pd.Series:
    """A yes/no column as plain booleans: Unknown and blank are not 'yes'."""
    return series.fillna(False).astype(bool)


def _false(series: pd.Series) -> pd.Series:
    return series.eq(False).fillna(False).astype(bool)


def _wd(start: pd.Series, end) -> np.ndarray:
    if not isinstance(end, pd.Series):
        end = np.full(len(start), np.datetime64(end, "D"))
    return working_days_between(start.to_numpy(dtype="datetime64[ns]"), end)


# --------------------------------------------------------------------------- front door


@measure(id="contacts", title="Contacts", unit=COUNT, polarity=NEITHER, group="front_door", lists=(1,),
         definition="""Contacts (rows of List 1) whose Date of Contact is in the six months before the extract
         date. Events, not children: a child with two contacts counts twice.""")
def contacts(data: Data, ctx: Context) -> Result:
    t = data.table(1)
    return count_result(row_frame(t, 1, in_window(t["contact_date"], ctx)))


@measure(id="referrals", title="Referrals", unit=COUNT, polarity=NEITHER, group="front_door", lists=(3,),
         definition="""Referrals (rows of List 3) whose Date of Referral is in the six months before the
         extract date. Events, not children.""")
def referrals(data: Data, ctx: Context) -> Result:
    t = data.table(3)
    return count_result(row_frame(t, 3, in_window(t["referral_date"], ctx)))


@measure(id="referrals_per_10k", title="Referrals per 10,000 children", unit=RATE, polarity=NEITHER,
         group="front_door", lists=(3,), national="cin_referrals_rate",
         definition="""Referrals in the six months before the extract date, doubled to give a yearly figure,
         per 10,000 children aged 0 to 17 living in the council's area (ONS mid-year estimate for the
         council, latest year available at the extract date).""")
def referrals_per_10k(data: Data, ctx: Context) -> Result:
    t = data.table(3)
    return rate_result(row_frame(t, 3, in_window(t["referral_date"], ctx)), ctx.child_population, scale=2.0)


@measure(id="contact_conversion", title="Contacts that became referrals", unit=PERCENT, polarity=NEITHER,
         group="front_door", lists=(1, 3),
         definition="""Referrals in the six months before the extract date as a percentage of contacts in the
         same six months. A ratio of two counts of events, so it can exceed 100% if referrals arrive without
         a recorded contact.""")
def contact_conversion(data: Data, ctx: Context) -> Result:
    c, r = data.table(1), data.table(3)
    rows = pd.concat([
        row_frame(c, 1, in_window(c["contact_date"], ctx), numerator=False, denominator=True),
        row_frame(r, 3, in_window(r["referral_date"], ctx), numerator=True, denominator=False),
    ], ignore_index=True)
    result = percent_result(rows)
    result.breakdowns = {}  # contacts carry no team or worker, so a split by team would mislead
    return result


@measure(id="re_referrals_12m", title="Re-referrals within 12 months", unit=PERCENT, polarity=LOWER,
         group="front_door", lists=(3,), national="cin_rereferral_rate",
         definition="""Of referrals in the six months before the extract date, the percentage whose "Number of
         Referrals in Last 12 Months" is 2 or more. That number counts the current referral, so 2 or more
         means at least one earlier referral in the previous 12 months. A blank number counts as no earlier
         referral.""")
def re_referrals_12m(data: Data, ctx: Context) -> Result:
    t = data.table(3)
    base = in_window(t["referral_date"], ctx)
    repeat = t["referrals_last_12m"].fillna(0).ge(2)
    return percent_result(row_frame(t, 3, base, numerator=repeat, detail=t["referrals_last_12m"]))


@measure(id="referrals_nfa", title="Referrals with no further action", unit=PERCENT, polarity=NEITHER,
         group="front_door", lists=(3,), national="cin_referrals_nfa",
         definition="""Of referrals in the six months before the extract date, the percentage marked "Referral
         NFA?" Yes. Unknown or blank counts as not NFA.""")
def referrals_nfa(data: Data, ctx: Context) -> Result:
    t = data.table(3)
    return percent_result(row_frame(t, 3, in_window(t["referral_date"], ctx), numerator=_true(t["referral_nfa"])))


# --------------------------------------------------------------------------- assessment


def _authorised_in_window(t: pd.DataFrame, ctx: Context) -> pd.Series:
    return in_window(t["assessment_authorised_date"], ctx)


@measure(id="assessments_completed", title="Assessments completed", unit=COUNT, polarity=NEITHER,
         group="assessment", lists=(4,),
         definition="""Assessments (rows of List 4) whose Date of Authorisation is in the six months before the
         extract date.""")
def assessments_completed(data: Data, ctx: Context) -> Result:
    t = data.table(4)
    return count_result(row_frame(t, 4, _authorised_in_window(t, ctx)))


@measure(id="assessments_within_45wd", title="Assessments completed within 45 working days", unit=PERCENT,
         polarity=HIGHER, group="assessment", lists=(4,),
         definition="""Of assessments authorised in the six months before the extract date, the percentage
         whose working days from the Continuous Assessment Start Date to the Date of Authorisation are 45 or
         fewer (the statutory timescale in Working Together; DfE measures from start to authorisation).""")
def assessments_within_45wd(data: Data, ctx: Context) -> Result:
    t = data.table(4)
    wd = _wd(t["assessment_start_date"], t["assessment_authorised_date"])
    return percent_result(row_frame(t, 4, _authorised_in_window(t, ctx), numerator=wd <= 45, detail=wd))


@measure(id="assessments_open_over_45wd", title="Open assessments over 45 working days", unit=COUNT,
         polarity=LOWER, group="assessment", lists=(4,),
         definition="""Assessments started on or before the extract date and not authorised by then (no Date of
         Authorisation, or one after the extract date) whose working days from the start to the extract date
         are more than 45: assessments already out of timescale.""")
def assessments_open_over_45wd(data: Data, ctx: Context) -> Result:
    t = data.table(4)
    is_open = open_at(t["assessment_start_date"], t["assessment_authorised_date"], ctx)
    wd = _wd(t["assessment_start_date"], ctx.as_at)
    return count_result(row_frame(t, 4, is_open & (wd > 45), detail=wd))


@measure(id="assessments_child_seen", title="Assessments where the child was seen", unit=PERCENT,
         polarity=HIGHER, group="assessment", lists=(4,),
         definition="""Of assessments authorised in the six months before the extract date, the percentage
         where "Child Seen During Continuous Assessment" is Yes. Unknown or blank counts as not seen.""")
def assessments_child_seen(data: Data, ctx: Context) -> Result:
    t = data.table(4)
    return percent_result(row_frame(t, 4, _authorised_in_window(t, ctx), numerator=_true(t["child_seen"])))


@measure(id="assessments_nfa", title="Assessments ending with no further action", unit=PERCENT,
         polarity=NEITHER, group="assessment", lists=(4,),
         definition="""Of assessments authorised in the six months before the extract date, the percentage where
         the child was not assessed as requiring children's social care support (the answer is No; Unknown
         or blank is not counted as No).""")
def assessments_nfa(data: Data, ctx: Context) -> Result:
    t = data.table(4)
    return percent_result(row_frame(t, 4, _authorised_in_window(t, ctx), numerator=_false(t["needs_support"])))


# --------------------------------------------------------------------------- child protection


@measure(id="s47_enquiries", title="Section 47 enquiries", unit=COUNT, polarity=NEITHER,
         group="child_protection", lists=(5,),
         definition="""Section 47 enquiries (rows of List 5) whose strategy discussion date is in the six months
         before the extract date.""")
def s47_enquiries(data: Data, ctx: Context) -> Result:
    t = data.table(5)
    return count_result(row_frame(t, 5, in_window(t["s47_start_date"], ctx)))


@measure(id="icpc_within_15wd", title="Initial conferences within 15 working days", unit=PERCENT,
         polarity=HIGHER, group="child_protection", lists=(5,), national="cin_icpc_within_15wd",
         definition="""Of initial child protection conferences dated in the six months before the extract date,
         the percentage held within 15 working days of the strategy discussion that started the section 47
         enquiry (Working Together).""")
def icpc_within_15wd(data: Data, ctx: Context) -> Result:
    t = data.table(5)
    wd = _wd(t["s47_start_date"], t["icpc_date"])
    return percent_result(row_frame(t, 5, in_window(t["icpc_date"], ctx), numerator=wd <= 15, detail=wd))


@measure(id="s47_to_icpc", title="Section 47 enquiries leading to a conference", unit=PERCENT,
         polarity=NEITHER, group="child_protection", lists=(5,),
         definition="""Of section 47 enquiries whose strategy discussion is in the six months before the extract
         date, the percentage with a Date of Initial Child Protection Conference.""")
def s47_to_icpc(data: Data, ctx: Context) -> Result:
    t = data.table(5)
    return percent_result(row_frame(t, 5, in_window(t["s47_start_date"], ctx), numerator=t["icpc_date"].notna()))


@measure(id="icpc_to_cpp", title="Initial conferences resulting in a plan", unit=PERCENT, polarity=NEITHER,
         group="child_protection", lists=(5,),
         definition="""Of initial child protection conferences dated in the six months before the extract date,
         the percentage that resulted in a child protection plan (Yes; Unknown or blank is not counted).""")
def icpc_to_cpp(data: Data, ctx: Context) -> Result:
    t = data.table(5)
    return percent_result(row_frame(t, 5, in_window(t["icpc_date"], ctx), numerator=_true(t["icpc_resulted_in_cpp"])))


def _open_cin(t: pd.DataFrame, ctx: Context) -> pd.Series:
    return open_at(t["cin_start_date"], t["cin_closure_date"], ctx)


@measure(id="cin_open", title="Children in need", unit=COUNT, polarity=NEITHER, group="child_protection",
         lists=(6,), national="cin_at_31_march_rate",
         definition="""Distinct children with a children in need episode (List 6) open at the extract date:
         started on or before it and not closed by it. Includes children on plans and in care, as List 6
         does.""")
def cin_open(data: Data, ctx: Context) -> Result:
    t = data.table(6)
    return count_result(row_frame(t, 6, _open_cin(t, ctx)), distinct_children=True)


@measure(id="cin_visits_in_timescale", title="Children in need seen within timescale", unit=PERCENT,
         polarity=HIGHER, group="child_protection", lists=(6,),
         definition="""Of children with a children in need episode open at the extract date whose Case Status is
         "Child in need plan", the percentage whose Date Child Was Last Seen is within the council's CIN
         visit interval before the extract date (working days from that date to the extract date no more than
         the interval; 20 working days unless the council sets another). No date recorded counts as out of
         timescale. One row per child: the most recent date seen.""")
def cin_visits_in_timescale(data: Data, ctx: Context) -> Result:
    t = data.table(6)
    base = t[_open_cin(t, ctx) & t["case_status"].eq("CIN").fillna(False)]
    base = one_per_child(base, "last_seen_date")
    wd = _wd(base["last_seen_date"], ctx.as_at)
    in_time = wd <= ctx.cin_visit_working_days
    return percent_result(row_frame(base, 6, True, numerator=in_time, detail=wd))


def _open_cpp(t: pd.DataFrame, ctx: Context) -> pd.Series:
    return open_at(t["cpp_start_date"], t["cpp_end_date"], ctx)


@measure(id="cpp_open", title="Children on child protection plans", unit=COUNT, polarity=NEITHER,
         group="child_protection", lists=(7,),
         definition="""Distinct children with a child protection plan (List 7) open at the extract date.""")
def cpp_open(data: Data, ctx: Context) -> Result:
    t = data.table(7)
    return count_result(row_frame(t, 7, _open_cpp(t, ctx)), distinct_children=True)


@measure(id="cpp_per_10k", title="Child protection plans per 10,000 children", unit=RATE, polarity=NEITHER,
         group="child_protection", lists=(7,), national="cpp_at_31_march_rate",
         definition="""Distinct children on a child protection plan open at the extract date, per 10,000
         children aged 0 to 17 in the council's area (ONS mid-year estimate).""")
def cpp_per_10k(data: Data, ctx: Context) -> Result:
    t = data.table(7)
    return rate_result(row_frame(t, 7, _open_cpp(t, ctx)), ctx.child_population, distinct_children=True)


@measure(id="cpp_visits_in_timescale", title="Child protection visits within timescale", unit=PERCENT,
         polarity=HIGHER, group="child_protection", lists=(7,),
         definition="""Of child protection plans open at the extract date, the percentage whose Date of the Last
         Statutory Visit is within the council's CP visit interval before the extract date (working days from
         the visit to the extract date no more than the interval; 10 working days unless the council sets
         another). No visit recorded counts as out of timescale.""")
def cpp_visits_in_timescale(data: Data, ctx: Context) -> Result:
    t = data.table(7)
    wd = _wd(t["last_visit_date"], ctx.as_at)
    return percent_result(row_frame(t, 7, _open_cpp(t, ctx), numerator=wd <= ctx.cp_visit_working_days, detail=wd))


@measure(id="cpp_seen_alone", title="Children on plans seen alone", unit=PERCENT, polarity=HIGHER,
         group="child_protection", lists=(7,),
         definition="""Of child protection plans open at the extract date, the percentage where "Was the Child
         Seen Alone?" is Yes. Unknown or blank counts as not seen alone.""")
def cpp_seen_alone(data: Data, ctx: Context) -> Result:
    t = data.table(7)
    return percent_result(row_frame(t, 7, _open_cpp(t, ctx), numerator=_true(t["seen_alone"])))


@measure(id="cpp_reviews_in_timescale", title="Child protection reviews in timescale", unit=PERCENT,
         polarity=HIGHER, group="child_protection", lists=(7,),
         definition="""Of child protection plans open at the extract date, the percentage not overdue for a
         review conference. With no review recorded, the first review is due 3 calendar months after the
         plan started; otherwise the next is due 6 calendar months after the latest review. A plan is overdue
         when the extract date is after its due date (Working Together).""")
def cpp_reviews_in_timescale(data: Data, ctx: Context) -> Result:
    t = data.table(7)
    due = (t["cpp_start_date"] + pd.DateOffset(months=3)).where(
        t["latest_review_date"].isna(), t["latest_review_date"] + pd.DateOffset(months=6))
    on_time = due.notna() & (due >= ctx.as_at64)
    shown = due.dt.strftime("due %d/%m/%Y")
    return percent_result(row_frame(t, 7, _open_cpp(t, ctx), numerator=on_time, detail=shown))


@measure(id="cpp_second_or_subsequent", title="Plans that are a second or subsequent plan", unit=PERCENT,
         polarity=LOWER, group="child_protection", lists=(7,), national="cpp_second_or_subsequent",
         definition="""Of child protection plans that started in the six months before the extract date, the
         percentage where "Number of Previous Child Protection Plans" is 1 or more (DfE counts previous plans
         at any time).""")
def cpp_second_or_subsequent(data: Data, ctx: Context) -> Result:
    t = data.table(7)
    repeat = t["previous_cpps"].fillna(0).ge(1)
    return percent_result(row_frame(t, 7, in_window(t["cpp_start_date"], ctx), numerator=repeat,
                                    detail=t["previous_cpps"]))


@measure(id="cpp_open_2_years_plus", title="Plans open two years or more", unit=PERCENT, polarity=LOWER,
         group="child_protection", lists=(7,), national="cpp_2_years_plus",
         definition="""Of child protection plans open at the extract date, the percentage that started 2 or more
         calendar years before it (start date on or before the extract date less 2 years).""")
def cpp_open_2_years_plus(data: Data, ctx: Context) -> Result:
    t = data.table(7)
    long = t["cpp_start_date"] <= months_before(ctx.as_at, 24)
    return percent_result(row_frame(t, 7, _open_cpp(t, ctx), numerator=long))


# --------------------------------------------------------------------------- children in care


def _looked_after(data: Data, ctx: Context) -> pd.DataFrame:
    """Children looked after at the extract date: one row per child (the latest period of care)."""
    t = data.table(8)
    return one_per_child(t[open_at(t["cla_start_date"], t["cla_end_date"], ctx)], "cla_start_date")


@measure(id="cla_open", title="Children in care", unit=COUNT, polarity=NEITHER, group="children_in_care",
         lists=(8,),
         definition="""Distinct children looked after at the extract date (List 8: started to be looked after on
         or before it and not ceased by it).""")
def cla_open(data: Data, ctx: Context) -> Result:
    return count_result(row_frame(_looked_after(data, ctx), 8, True), distinct_children=True)


@measure(id="cla_per_10k", title="Children in care per 10,000 children", unit=RATE, polarity=NEITHER,
         group="children_in_care", lists=(8,), national="cla_rate",
         definition="""Distinct children looked after at the extract date per 10,000 children aged 0 to 17 in the
         council's area (ONS mid-year estimate).""")
def cla_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(row_frame(_looked_after(data, ctx), 8, True), ctx.child_population, distinct_children=True)


@measure(id="cla_visits_in_timescale", title="Children in care visited within six weeks", unit=PERCENT,
         polarity=HIGHER, group="children_in_care", lists=(8,),
         definition="""Of children looked after at the extract date, the percentage whose Date of Last Social
         Work Visit is within 42 calendar days before the extract date (0 to 42 days earlier; the Care
         Planning Regulations' six-week maximum). No visit recorded counts as out of timescale.""")
def cla_visits_in_timescale(data: Data, ctx: Context) -> Result:
    t = _looked_after(data, ctx)
    days = (ctx.as_at64 - t["last_visit_date"]).dt.days
    return percent_result(row_frame(t, 8, True, numerator=days.between(0, 42), detail=days))


@measure(id="cla_reviews_in_timescale", title="Children in care reviews in timescale", unit=PERCENT,
         polarity=HIGHER, group="children_in_care", lists=(8,),
         definition="""Of children looked after at the extract date, the percentage not overdue for a statutory
         review. With no review recorded, the first is due 20 working days after the child started to be
         looked after; otherwise the next is due 6 calendar months after the latest review. Overdue when the
         extract date is after the due date.""")
def cla_reviews_in_timescale(data: Data, ctx: Context) -> Result:
    t = _looked_after(data, ctx)
    first_due = pd.Series(add_working_days(t["cla_start_date"].to_numpy(dtype="datetime64[ns]"), 20),
                          index=t.index).astype("datetime64[ns]")
    due = first_due.where(t["latest_review_date"].isna(), t["latest_review_date"] + pd.DateOffset(months=6))
    on_time = due.notna() & (due >= ctx.as_at64)
    return percent_result(row_frame(t, 8, True, numerator=on_time, detail=due.dt.strftime("due %d/%m/%Y")))


@measure(id="cla_health_assessment_in_date", title="Children in care with an up-to-date health assessment",
         unit=PERCENT, polarity=HIGHER, group="children_in_care", lists=(8,),
         definition="""Of children looked after at the extract date for 20 working days or more, the percentage
         whose Date of Last Health Assessment is within the last 12 calendar months (6 months if the child is
         under 5 at the extract date): the extract date less 12 (or 6) months < assessment date <= extract
         date. Age comes from the date of birth, or the stated age where there is none.""")
def cla_health_assessment_in_date(data: Data, ctx: Context) -> Result:
    t = _looked_after(data, ctx)
    base = _wd(t["cla_start_date"], ctx.as_at) >= 20
    dob = t["date_of_birth"]
    under5_dob = dob > months_before(ctx.as_at, 60)
    under5 = under5_dob.where(dob.notna(), t["age"].lt(5).fillna(False).astype(bool)).astype(bool)
    d = t["last_health_assessment_date"]
    in_date = (d <= ctx.as_at64) & np.where(under5, d > months_before(ctx.as_at, 6), d > months_before(ctx.as_at, 12))
    return percent_result(row_frame(t, 8, base, numerator=in_date))


@measure(id="cla_3plus_placements", title="Children in care with three or more placements", unit=PERCENT,
         polarity=LOWER, group="children_in_care", lists=(8,), national="cla_3plus_placements",
         definition="""Of children looked after at the extract date, the percentage with 3 or more placements in
         the last 12 months ("Number of Placements in the Last 12 months").""")
def cla_3plus_placements(data: Data, ctx: Context) -> Result:
    t = _looked_after(data, ctx)
    return percent_result(row_frame(t, 8, True, numerator=t["placements_last_12m"].fillna(0).ge(3),
                                    detail=t["placements_last_12m"]))


@measure(id="cla_missing", title="Children in care who went missing", unit=PERCENT, polarity=LOWER,
         group="children_in_care", lists=(8,),
         definition="""Of children looked after at the extract date, the percentage with at least one episode of
         being missing from their placement in the last 12 months.""")
def cla_missing(data: Data, ctx: Context) -> Result:
    t = _looked_after(data, ctx)
    return percent_result(row_frame(t, 8, True, numerator=t["missing_episodes_12m"].fillna(0).ge(1),
                                    detail=t["missing_episodes_12m"]))


@measure(id="cla_placed_out_of_area", title="Children in care placed out of area", unit=PERCENT,
         polarity=LOWER, group="children_in_care", lists=(8,),
         definition="""Of children looked after at the extract date, the percentage whose Placement Location is
         Out (outside the council's area). A blank location is counted in the total but not as out of
         area.""")
def cla_placed_out_of_area(data: Data, ctx: Context) -> Result:
    t = _looked_after(data, ctx)
    return percent_result(row_frame(t, 8, True, numerator=t["placement_location"].eq("OUT").fillna(False)))


# --------------------------------------------------------------------------- care leavers


def _care_leavers(data: Data) -> pd.DataFrame:
    t = data.table(9)
    return t.drop_duplicates("child_id", keep="last")


@measure(id="care_leavers_in_touch", title="Care leavers in touch", unit=PERCENT, polarity=HIGHER,
         group="care_leavers", lists=(9,),
         definition="""Of care leavers on List 9 (one row per young person), excluding those whose "LA in Touch"
         is Exclude, the percentage that are In touch. Blank or Not recorded counts as not in touch.""")
def care_leavers_in_touch(data: Data, ctx: Context) -> Result:
    t = _care_leavers(data)
    base = t["in_touch"].ne("EXCLUDE").fillna(True).astype(bool)
    return percent_result(row_frame(t, 9, base, numerator=t["in_touch"].eq("IN_TOUCH").fillna(False)))


@measure(id="care_leavers_suitable_accommodation", title="Care leavers in suitable accommodation",
         unit=PERCENT, polarity=HIGHER, group="care_leavers", lists=(9,), national="care_leavers_suitable",
         definition="""Of care leavers on List 9, excluding those whose Suitability of Accommodation is Exclude,
         the percentage in accommodation recorded as Suitable.""")
def care_leavers_suitable_accommodation(data: Data, ctx: Context) -> Result:
    t = _care_leavers(data)
    s = t["accommodation_suitability"]
    base = s.ne("EXCLUDE").fillna(True).astype(bool)
    return percent_result(row_frame(t, 9, base, numerator=s.eq("SUITABLE").fillna(False)))


@measure(id="care_leavers_eet", title="Care leavers in education, employment or training", unit=PERCENT,
         polarity=HIGHER, group="care_leavers", lists=(9,), national="care_leavers_eet",
         definition="""Of care leavers on List 9, the percentage whose Activity Status is education, employment
         or training: codes F1 to F5 and P1 to P5 (full or part time).""")
def care_leavers_eet(data: Data, ctx: Context) -> Result:
    t = _care_leavers(data)
    return percent_result(row_frame(t, 9, True, numerator=t["activity"].isin(EET_ACTIVITIES)))


@measure(id="care_leavers_pathway_plan_in_date", title="Care leavers with a pathway plan reviewed in time",
         unit=PERCENT, polarity=HIGHER, group="care_leavers", lists=(9,),
         definition="""Of care leavers on List 9, the percentage whose Latest Pathway Plan Review Date is within
         the six months before the extract date (the Care Leavers Regulations' six-monthly review). No date
         counts as not in date.""")
def care_leavers_pathway_plan_in_date(data: Data, ctx: Context) -> Result:
    t = _care_leavers(data)
    return percent_result(row_frame(t, 9, True, numerator=in_window(t["pathway_plan_review_date"], ctx)))


# --------------------------------------------------------------------------- workforce

_OPEN_WORK = ((4, "assessment_start_date", "assessment_authorised_date"), (6, "cin_start_date", "cin_closure_date"),
              (7, "cpp_start_date", "cpp_end_date"), (8, "cla_start_date", "cla_end_date"))


def open_work(data: Data, ctx: Context) -> pd.DataFrame:
    """Rows of open work at the extract date: open assessments, CIN episodes, CP plans and periods of care."""
    frames = [row_frame(t, n, open_at(t[start], t[end], ctx))
              for n, start, end in _OPEN_WORK for t in [data.table(n)]]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty_rows()


def caseloads(rows: pd.DataFrame) -> pd.Series:
    """Distinct children with open work per allocated worker."""
    allocated = rows[rows["allocated_worker"].notna()]
    return allocated.groupby("allocated_worker")["child_id"].nunique().sort_values(ascending=False)


def _team_of_worker(rows: pd.DataFrame) -> pd.Series:
    """Each allocated worker's team: the one most of their rows name (the first in name order on a tie), or
    "Not recorded" when none does."""
    allocated = rows[rows["allocated_worker"].notna()]
    workers = pd.Series(pd.unique(allocated["allocated_worker"].to_numpy(dtype=object)), dtype=object)
    named = allocated[allocated["allocated_team"].notna()]
    counts = named.groupby(["allocated_worker", "allocated_team"]).size().reset_index(name="n")
    counts = counts.sort_values(["allocated_worker", "n", "allocated_team"], ascending=[True, False, True])
    teams = counts.drop_duplicates("allocated_worker").set_index("allocated_worker")["allocated_team"]
    found = teams.reindex(workers.sort_values().to_numpy()).fillna("Not recorded")
    found.index.name = "allocated_worker"
    return found


def _caseload_breakdowns(rows: pd.DataFrame, loads: pd.Series, value_of_team) -> dict[str, pd.DataFrame]:
    if loads.empty:
        return {}
    teams = _team_of_worker(rows)
    worker = pd.DataFrame({"group": loads.index, "numerator": loads.to_numpy(), "denominator": None,
                           "value": loads.to_numpy(dtype=float)}).sort_values("group", ignore_index=True)
    by_team = []
    for team, names in teams.groupby(teams).groups.items():
        team_loads = loads[loads.index.isin(names)]
        by_team.append({"group": team, **value_of_team(team_loads)})
    return {"team": pd.DataFrame(by_team, columns=["group", "numerator", "denominator", "value"]), "worker": worker}


@measure(id="caseload_median", title="Median caseload", unit=NUMBER, polarity=LOWER, group="workforce",
         lists=(4, 6, 7, 8), national="csww_average_caseload",
         definition="""The median, over allocated workers, of the number of distinct children each has with open
         work at the extract date: an open assessment (List 4), an open children in need episode (List 6), an
         open child protection plan (List 7) or a period of care (List 8). Numerator: children with open work
         and an allocated worker; denominator: allocated workers.""")
def caseload_median(data: Data, ctx: Context) -> Result:
    rows = open_work(data, ctx)
    loads = caseloads(rows)
    allocated = rows["allocated_worker"].notna()
    rows = rows.assign(in_numerator=allocated.to_numpy(), in_denominator=allocated.to_numpy())
    value = float(loads.median()) if len(loads) else None
    result = Result("", value, float(rows.loc[allocated, "child_id"].nunique()), float(len(loads)), rows,
                    note=None if len(loads) else "No open work is allocated to a worker.")
    result.breakdowns = _caseload_breakdowns(rows, loads, lambda team_loads: {
        "numerator": int(team_loads.sum()), "denominator": len(team_loads), "value": float(team_loads.median())})
    return result


@measure(id="caseload_over_threshold", title="Workers over the caseload threshold", unit=COUNT, polarity=LOWER,
         group="workforce", lists=(4, 6, 7, 8),
         definition="""Allocated workers with more distinct children with open work at the extract date than the
         council's caseload threshold (20 unless the council sets another). Open work as for the median
         caseload. Denominator: all allocated workers.""")
def caseload_over_threshold(data: Data, ctx: Context) -> Result:
    rows = open_work(data, ctx)
    loads = caseloads(rows)
    over = set(loads[loads > ctx.caseload_threshold].index)
    rows = rows.assign(in_numerator=rows["allocated_worker"].isin(over).to_numpy(),
                       detail=rows["allocated_worker"].map(loads).to_numpy(dtype=object))
    result = Result("", float(len(over)), float(len(over)), float(len(loads)), rows)
    result.breakdowns = _caseload_breakdowns(rows, loads, lambda team_loads: {
        "numerator": int((team_loads > ctx.caseload_threshold).sum()), "denominator": len(team_loads),
        "value": float((team_loads > ctx.caseload_threshold).sum())})
    return result


@measure(id="unallocated", title="Children with open work and no allocated worker", unit=PERCENT,
         polarity=LOWER, group="workforce", lists=(4, 6, 7, 8),
         definition="""Of distinct children with open work at the extract date (as for the median caseload), the
         percentage with no allocated worker on any of their open work.""")
def unallocated(data: Data, ctx: Context) -> Result:
    rows = open_work(data, ctx)
    allocated_children = set(rows.loc[rows["allocated_worker"].notna(), "child_id"])
    first = ~rows.duplicated("child_id")  # each child once in the denominator
    rows = rows.assign(in_numerator=(~rows["child_id"].isin(allocated_children) & first).to_numpy(),
                       in_denominator=first.to_numpy())
    return percent_result(rows)
