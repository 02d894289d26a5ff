"""Breakdown dimensions and ``breakdown()``, checked on small hand-made lists.

Each expected group is worked out by hand from the dimension's description (``Dimension.description``) and the
conventions of ``goldthread.core.measures.annex_a``. The extract date is Thursday 15 May 2025 (see
test_annex_a_measures.py for the working days before it: from 30 Apr there are 10, from 29 Apr 11, from 14 Apr
20, from 11 Apr 21; Good Friday 18 Apr, Easter Monday 21 Apr and 5 May are bank holidays).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from goldthread.core.annexa.synth import SynthConfig, generate
from goldthread.core.annexa.tables import Tables
from goldthread.core.measures import ANNEX_A, REGISTRY, Context, compute_all, ids_from
from goldthread.core.measures.breakdowns import breakdown, dimensions_for
from goldthread.core.measures.catalogue import CATALOGUE
from goldthread.core.measures.derived import view
from goldthread.core.measures.dimensions import DIMENSIONS
from goldthread.core.measures.tests.test_annex_a_measures import AS_AT, rec

COVERED: set[str] = set()


def covers(*dimension_ids: str):
    def mark(function):
        COVERED.update(dimension_ids)
        return function
    return mark


def split(measure_id: str, dimension: str, lists: dict, **context):
    ctx = Context(as_at=context.pop("as_at", AS_AT), **context)
    data = Tables(lists)
    return breakdown(REGISTRY[measure_id].compute(data, ctx), DIMENSIONS[dimension], data, ctx)


def cells(measure_id: str, dimension: str, lists: dict, **context) -> dict[str, tuple]:
    """{label: (value, numerator, denominator)} in the breakdown's order."""
    return {c.label: (c.value, c.numerator, c.denominator) for c in split(measure_id, dimension, lists, **context).cells}


def children(measure_id: str, dimension: str, lists: dict, **context) -> dict[str, set[str]]:
    """{label: the children behind the cell} (from each cell's rows)."""
    return {c.label: set(c.rows["child_id"]) for c in split(measure_id, dimension, lists, **context).cells}


def test_every_dimension_has_a_test():
    assert set(DIMENSIONS) - COVERED == set(), "dimensions without a test"
    assert COVERED - set(DIMENSIONS) == set()


def test_dimensions_declare_real_columns_of_their_lists():
    from goldthread.core.annexa import spec as S

    for d in DIMENSIONS.values():
        assert d.title and d.description and d.lists
        for number, columns in d.reads.items():
            assert number in d.lists
            assert set(columns) <= set(S.BY_NUMBER[number].names), (d.id, number, columns)


# =========================================================================== who the children are

PEOPLE = [  # List 1, every contact on 1 Mar 2025 (in the window)
    rec("G1", contact_date="2025-03-01", gender="M", date_of_birth="2025-05-16", ethnicity="WBRI"),   # unborn
    rec("G2", contact_date="2025-03-01", gender="F", date_of_birth="2025-05-15", ethnicity="WROM"),   # 0
    rec("G3", contact_date="2025-03-01", gender="F", date_of_birth="2024-05-16", ethnicity="MWBC"),   # 0
    rec("G4", contact_date="2025-03-01", gender="M", date_of_birth="2024-05-15", ethnicity="AIND"),   # 1
    rec("G5", contact_date="2025-03-01", gender="U", date_of_birth="2020-05-15", ethnicity="CHNE"),   # 5
    rec("G6", contact_date="2025-03-01", gender=None, date_of_birth="2009-05-15", ethnicity="BCRB"),  # 16
    rec("G7", contact_date="2025-03-01", gender="M", date_of_birth="2007-05-16", ethnicity="REFU"),   # 17
    rec("G8", contact_date="2025-03-01", gender="F", date_of_birth="2007-05-15", ethnicity="NOBT"),   # 18
    rec("G9", contact_date="2025-03-01", gender="M", age=12, ethnicity="WBRT"),                      # stated 12
    rec("G10", contact_date="2025-03-01", gender="F", ethnicity=None),                               # no age
]


@covers("gender")
def test_gender_labels_and_blank_not_recorded():
    assert children("contact_children", "gender", {1: PEOPLE}) == {
        "Male": {"G1", "G4", "G7", "G9"}, "Female": {"G2", "G3", "G8", "G10"}, "Not stated/recorded": {"G5"},
        "Not recorded": {"G6"}}


@covers("age_band")
def test_age_bands_at_the_extract_date_from_date_of_birth_or_stated_age():
    got = children("contact_children", "age_band", {1: PEOPLE})
    assert got == {"Unborn": {"G1"}, "Under 1": {"G2", "G3"}, "1 to 4": {"G4"}, "5 to 9": {"G5"},
                   "10 to 15": {"G9"}, "16 to 17": {"G6", "G7"}, "18 and over": {"G8"}, "Not recorded": {"G10"}}
    assert list(got) == ["Unborn", "Under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17", "18 and over",
                         "Not recorded"]


@covers("age_band")
def test_a_leap_day_birthday_is_reached_on_1_march():
    born = [rec("L", contact_date="2026-01-10", date_of_birth="2008-02-29")]
    # 28 Feb 2026 less 18 years is 28 Feb 2008, before 29 Feb 2008: still 17; on 1 Mar 2026, 18
    assert children("contact_children", "age_band", {1: born}, as_at=dt.date(2026, 2, 28)) == {"16 to 17": {"L"}}
    assert children("contact_children", "age_band", {1: born}, as_at=dt.date(2026, 3, 1)) == {"18 and over": {"L"}}


@covers("age_band")
def test_care_leavers_have_care_leaver_age_bands():
    leavers = [rec("Y1", date_of_birth="2008-05-16"),  # 16
               rec("Y2", date_of_birth="2008-05-15"),  # 17
               rec("Y3", date_of_birth="2006-05-15"),  # 19
               rec("Y4", date_of_birth="2003-05-16"),  # 21
               rec("Y5", date_of_birth="2003-05-15")]  # 22
    assert children("care_leavers", "age_band", {9: leavers}) == {
        "Under 17": {"Y1"}, "17 to 18": {"Y2"}, "19 to 21": {"Y3", "Y4"}, "22 and over": {"Y5"}}


@covers("age_band_by_gender")
def test_age_band_by_gender_combines_both():
    got = children("contact_children", "age_band_by_gender", {1: PEOPLE})
    assert got["Male, Unborn"] == {"G1"}
    assert got["Female, Under 1"] == {"G2", "G3"}
    assert got["Not recorded, 16 to 17"] == {"G6"}
    assert got["Female, Not recorded"] == {"G10"}
    assert sum(len(v) for v in got.values()) == 10
    assert list(got)[:4] == ["Male, Unborn", "Male, 1 to 4", "Male, 10 to 15", "Male, 16 to 17"]  # gender, then age


@covers("ethnicity")
def test_ethnic_groups_as_dfe_groups_them():
    assert children("contact_children", "ethnicity", {1: PEOPLE}) == {
        "White": {"G1", "G2"}, "Mixed or multiple ethnic groups": {"G3"}, "Asian or Asian British": {"G4"},
        "Black or Black British": {"G6"}, "Other ethnic groups": {"G5"},  # Chinese is in "other"
        "Refused or information not yet obtained": {"G7", "G8"},
        "Not a recognised ethnicity code": {"G9"}, "Not recorded": {"G10"}}


@covers("ethnicity_detail")
def test_ethnicity_detail_by_code():
    got = children("contact_children", "ethnicity_detail", {1: PEOPLE})
    assert got["WBRI: White British"] == {"G1"}
    assert got["CHNE: Chinese"] == {"G5"}
    assert got["WBRT"] == {"G9"}  # no such code: its own text
    assert got["Not recorded"] == {"G10"}
    assert list(got)[0] == "WBRI: White British" and list(got)[-2:] == ["WBRT", "Not recorded"]


@covers("disability")
def test_disability_yes_no_unknown():
    assessments = [rec("D1", assessment_start_date="2025-03-01", disability=True),
                   rec("D2", assessment_start_date="2025-03-01", disability=False),
                   rec("D3", assessment_start_date="2025-03-01", disability=None)]
    assert children("assessments_started", "disability", {4: assessments}) == {
        "Disabled": {"D1"}, "Not disabled": {"D2"}, "Unknown or not recorded": {"D3"}}


# =========================================================================== the front door


@covers("contact_source", "contacts_per_child")
def test_contact_source_and_contacts_per_child():
    contacts = [rec("K1", contact_date="2025-01-10", contact_source="2A"),
                rec("K1", contact_date="2025-02-10", contact_source="6"),
                rec("K1", contact_date="2025-03-10", contact_source="6"),
                rec("K2", contact_date="2025-03-10", contact_source=None),
                rec("K3", contact_date="2024-11-01", contact_source="6")]  # out of the window
    assert cells("contacts", "contact_source", {1: contacts}) == {
        "2A: Schools": (1.0, 1.0, None), "6: Police": (2.0, 2.0, None), "Not recorded": (1.0, 1.0, None)}
    # contacts per child in the window: K1 has 3, K2 has 1. As events, K1's cell holds 3 contacts; as children, 1
    assert cells("contacts", "contacts_per_child", {1: contacts}) == {"1": (1.0, 1.0, None), "3": (3.0, 3.0, None)}
    assert cells("contact_children", "contacts_per_child", {1: contacts}) == {
        "1": (1.0, 1.0, None), "3": (1.0, 1.0, None)}
    # K3's only contact is outside the window: it is in no measure of the window, but has its own group
    codes, labels = DIMENSIONS["contacts_per_child"].codes(view(Tables({1: contacts}), 1), Context(as_at=AS_AT))
    assert labels[codes[4]] == "None in the six months"


@covers("early_help_per_child")
def test_early_help_assessments_per_child():
    early_help = [rec("E1", eh_start_date="2025-01-01"), rec("E1", eh_start_date="2025-02-01"),
                  rec("E2", eh_start_date="2025-02-01")]
    assert children("early_help_children", "early_help_per_child", {2: early_help}) == {"1": {"E2"}, "2": {"E1"}}


@covers("referral_source", "referrals_per_child", "referrals_last_12m")
def test_referral_source_and_repeat_referrals():
    referrals = [rec("R1", referral_date="2025-01-01", referral_source="6", referrals_last_12m=1),
                 rec("R1", referral_date="2025-02-01", referral_source="6", referrals_last_12m=2),
                 rec("R2", referral_date="2025-03-01", referral_source="3A", referrals_last_12m=7),
                 rec("R3", referral_date="2025-03-01", referral_source="1C", referrals_last_12m=None)]
    assert cells("referrals", "referral_source", {3: referrals}) == {
        "1C: Individual: self": (1.0, 1.0, None), "3A: Health services: GP": (1.0, 1.0, None),
        "6: Police": (2.0, 2.0, None)}
    assert children("children_referred", "referrals_per_child", {3: referrals}) == {"1": {"R2", "R3"}, "2": {"R1"}}
    assert cells("referrals", "referrals_last_12m", {3: referrals}) == {
        "1": (1.0, 1.0, None), "2": (1.0, 1.0, None), "5 or more": (1.0, 1.0, None), "Not recorded": (1.0, 1.0, None)}


# =========================================================================== assessment and child protection


@covers("assessment_duration")
def test_assessment_length_in_working_days_with_bank_holidays():
    assessments = [
        rec("A1", assessment_start_date="2025-03-03", assessment_authorised_date="2025-03-03"),  # same day
        rec("A2", assessment_start_date="2025-03-03", assessment_authorised_date="2025-03-17"),  # 10
        rec("A3", assessment_start_date="2025-03-03", assessment_authorised_date="2025-03-18"),  # 11
        # over Christmas: 45 working days (48 if bank holidays counted), then 46
        rec("A4", assessment_start_date="2024-11-18", assessment_authorised_date="2025-01-23"),
        rec("A5", assessment_start_date="2024-11-18", assessment_authorised_date="2025-01-24"),
        rec("A6", assessment_start_date="2025-04-30"),  # open: 10 working days to as_at
        rec("A7", assessment_start_date="2025-04-14", assessment_authorised_date="2025-05-16"),  # open at as_at: 20
        rec("A8", assessment_start_date="2025-03-10", assessment_authorised_date="2025-03-07"),  # backwards
    ]
    assert children("assessments_started", "assessment_duration", {4: assessments}) == {
        "Same day (0 working days)": {"A1"}, "1 to 10 working days": {"A2", "A6"},
        "11 to 20 working days": {"A3", "A7"}, "41 to 45 working days": {"A4"}, "46 to 50 working days": {"A5"},
        "Date error (ends before it starts)": {"A8"}}


S47_TIMES = [  # s47 starts and conferences; working days to 15 May: from 30 Apr 10, 29 Apr 11, 14 Apr 20, 11 Apr 21
    rec("S1", s47_start_date="2025-04-30", icpc_date="2025-05-15", s47_last_12m=0, icpcs_last_12m=1),
    rec("S2", s47_start_date="2025-04-29", icpc_date="2025-05-15", s47_last_12m=1, icpcs_last_12m=4),
    rec("S3", s47_start_date="2025-04-14", icpc_date="2025-05-15", s47_last_12m=5, icpcs_last_12m=9),
    rec("S4", s47_start_date="2025-04-11", icpc_date="2025-05-15", s47_last_12m=7, icpcs_last_12m=None),
    rec("S5", s47_start_date="2025-05-01", s47_last_12m=None, icpcs_last_12m=0),
    rec("S6", s47_start_date="2025-05-10", icpc_date="2025-05-09", s47_last_12m=2, icpcs_last_12m=2),
]


@covers("icpc_timeliness")
def test_icpc_timeliness_in_dfe_bands():
    # 14 Apr -> 15 May is 20 working days because of Easter (22 if Good Friday and Easter Monday counted)
    assert children("s47_enquiries", "icpc_timeliness", {5: S47_TIMES}) == {
        "0 to 10 working days": {"S1"}, "11 to 15 working days": {"S2"}, "16 to 20 working days": {"S3"},
        "21 working days or more": {"S4"}, "No initial conference": {"S5"},
        "Date error (ends before it starts)": {"S6"}}


@covers("s47_last_12m", "icpcs_last_12m")
def test_section_47_and_conference_counts_in_the_last_12_months():
    assert children("s47_enquiries", "s47_last_12m", {5: S47_TIMES}) == {
        "0": {"S1"}, "1": {"S2"}, "2": {"S6"}, "5 or more": {"S3", "S4"}, "Not recorded": {"S5"}}
    assert children("s47_enquiries", "icpcs_last_12m", {5: S47_TIMES}) == {
        "0": {"S5"}, "1": {"S1"}, "2": {"S6"}, "4 or more": {"S2", "S3"}, "Not recorded": {"S4"}}


CIN = [
    rec("N1", cin_start_date="2025-02-16", primary_need="N1", last_seen_date="2025-04-14"),   # 2 months; 20 wd
    rec("N2", cin_start_date="2025-02-15", primary_need="N0", last_seen_date="2025-04-11"),   # 3 months; 21 wd
    rec("N3", cin_start_date="2024-05-15", cin_closure_date="2025-05-14", closure_reason="RC8",
        last_seen_date="2025-03-01"),                                                       # 11 months
    rec("N4", cin_start_date="2024-05-15", cin_closure_date="2025-05-16", closure_reason="RC7",
        last_seen_date="2025-05-16"),                                                       # 12 (to as_at)
    rec("N5", cin_start_date="2023-05-15", primary_need="XX"),                              # 24 months
    rec("N6", cin_start_date="2025-01-10", cin_closure_date="2025-01-05", closure_reason=None),  # backwards
    rec("N7", cin_start_date="2024-12-01", cin_closure_date="2025-02-01", closure_reason="RC99"),
]


@covers("cin_duration")
def test_children_in_need_episode_length_in_whole_months():
    assert children("cin_in_window", "cin_duration", {6: CIN}) == {
        "Under 3 months": {"N1", "N7"}, "3 to 6 months": {"N2"}, "6 months to 1 year": {"N3"},
        "1 to 2 years": {"N4"}, "2 years or more": {"N5"}, "Date error (ends before it starts)": {"N6"}}


@covers("cin_closure_reason", "primary_need")
def test_closure_reasons_and_primary_need():
    assert children("cin_in_window", "cin_closure_reason", {6: CIN}) == {
        "RC8: Case closed after assessment, no further action": {"N3"}, "RC99": {"N7"},
        "Not recorded": {"N6"}, "Open at the extract date": {"N1", "N2", "N4", "N5"}}
    assert children("cin_in_window", "primary_need", {6: CIN}) == {
        "N1: Abuse or neglect": {"N1"}, "N0: Not stated": {"N2"}, "XX": {"N5"}, "Not recorded": {"N3", "N4", "N6", "N7"}}


@covers("cin_time_since_seen")
def test_time_since_the_child_was_last_seen_against_the_council_interval():
    assert children("cin_in_window", "cin_time_since_seen", {6: CIN}) == {
        "Within 20 working days": {"N1"}, "21 to 40 working days": {"N2"}, "More than 40 working days": {"N3"},
        "Date after the extract date": {"N4"}, "No date recorded": {"N5", "N6", "N7"}}
    # with a 21-day interval, N2's 21 working days are within it
    got = children("cin_in_window", "cin_time_since_seen", {6: CIN}, cin_visit_working_days=21)
    assert got["Within 21 working days"] == {"N1", "N2"}


PLANS = [
    rec("P1", cpp_start_date="2025-02-16", initial_category="NEG", latest_category="EMO", previous_cpps=0,
        last_visit_date="2025-04-30", latest_review_date="2025-02-16"),
    rec("P2", cpp_start_date="2024-05-15", initial_category="PHY", latest_category=None, previous_cpps=1,
        last_visit_date="2025-04-29", latest_review_date="2025-02-15"),
    rec("P3", cpp_start_date="2023-05-15", initial_category=None, latest_category="NEG", previous_cpps=3,
        last_visit_date="2025-04-11", latest_review_date="2024-11-15"),
    rec("P4", cpp_start_date="2023-05-16", initial_category="MUL", previous_cpps=None,
        last_visit_date=None, latest_review_date="2024-08-15"),
    rec("P5", cpp_start_date="2024-01-01", initial_category="SAB", previous_cpps=5, last_visit_date="2025-05-16",
        latest_review_date="2024-05-15"),
    rec("P6", cpp_start_date="2024-01-01", previous_cpps=2, latest_review_date="2025-05-16"),
    rec("P7", cpp_start_date="2024-01-01"),
]


@covers("initial_category_of_abuse", "latest_category_of_abuse", "previous_cpps")
def test_categories_of_abuse_and_previous_plans():
    assert children("cpp_open", "initial_category_of_abuse", {7: PLANS}) == {
        "Neglect": {"P1"}, "Physical abuse": {"P2"}, "Sexual abuse": {"P5"}, "Multiple": {"P4"},
        "Not recorded": {"P3", "P6", "P7"}}
    assert children("cpp_open", "latest_category_of_abuse", {7: PLANS}) == {
        "Neglect": {"P3"}, "Emotional abuse": {"P1"}, "Not recorded": {"P2", "P4", "P5", "P6", "P7"}}
    assert children("cpp_open", "previous_cpps", {7: PLANS}) == {
        "None": {"P1"}, "1": {"P2"}, "2": {"P6"}, "3 or more": {"P3", "P5"}, "Not recorded": {"P4", "P7"}}


@covers("cpp_duration")
def test_plan_length_in_whole_months():
    got = children("cpp_open", "cpp_duration", {7: PLANS})
    # P1 2 months; P2 12; P3 24 (15 May 2023); P4 a day short of 24; P5-P7 16 months
    assert got == {"Under 3 months": {"P1"}, "1 to 2 years": {"P2", "P4", "P5", "P6", "P7"},
                   "2 years or more": {"P3"}}


@covers("cpp_time_since_visit")
def test_working_days_since_the_statutory_visit():
    assert children("cpp_open", "cpp_time_since_visit", {7: PLANS}) == {
        "Within 10 working days": {"P1"}, "11 to 20 working days": {"P2"}, "More than 20 working days": {"P3"},
        "Date after the extract date": {"P5"}, "No date recorded": {"P4", "P6", "P7"}}


@covers("cpp_time_since_review")
def test_time_since_the_latest_review_conference():
    assert children("cpp_open", "cpp_time_since_review", {7: PLANS}) == {
        "Under 3 months": {"P1"}, "3 to 6 months": {"P2"}, "6 to 9 months": {"P3"}, "9 to 12 months": {"P4"},
        "12 months or more": {"P5"}, "Review after the extract date": {"P6"}, "No review recorded": {"P7"}}


# =========================================================================== children in care

CARE = [
    rec("C1", cla_start_date="2025-02-16", legal_status="C2", permanence_plan="LT_FOSTERING", placement_type="U4",
        placement_provider="PR1", placement_start_date="2025-02-16", latest_review_date="2025-02-15",
        last_visit_date="2025-04-03", placements_last_12m=1, missing_episodes_12m=0, category_of_need="N1"),
    rec("C2", cla_start_date="2023-05-15", legal_status="V2", permanence_plan="ADOPTION", placement_type="K2",
        placement_provider="PR4", placement_start_date="2024-05-15", latest_review_date=None,
        last_visit_date="2025-04-02", placements_last_12m=3, missing_episodes_12m=5, category_of_need=None),
    rec("C3", cla_start_date="2024-01-01", legal_status=None, permanence_plan=None, placement_type="ZZ",
        placement_provider=None, placement_start_date="2025-05-16", latest_review_date="2024-05-15",
        last_visit_date="2025-01-09", placements_last_12m=None, missing_episodes_12m=6),
    rec("C4", cla_start_date="2024-01-01", placement_type=None, last_visit_date="2025-01-08",
        placements_last_12m=0, missing_episodes_12m=None),
    rec("C5", cla_start_date="2024-01-01", placement_type="A5", last_visit_date="2025-05-16", missing_episodes_12m=2),
    rec("C6", cla_start_date="2024-01-01", cla_end_date="2025-03-01", reason_ceased="E11", placement_type="P1"),
    rec("C7", cla_start_date="2024-01-01", cla_end_date="2025-04-01", reason_ceased=None, placement_type="T0"),
]


@covers("legal_status", "permanence_plan", "placement_provider", "category_of_need")
def test_legal_status_permanence_provider_and_need_by_code():
    assert children("cla_open", "legal_status", {8: CARE}) == {
        "C2: Full care order": {"C1"}, "V2: Single period of accommodation under section 20": {"C2"},
        "Not recorded": {"C3", "C4", "C5"}}
    assert children("cla_open", "permanence_plan", {8: CARE}) == {
        "Adoption": {"C2"}, "Long-term fostering": {"C1"}, "Not recorded": {"C3", "C4", "C5"}}
    assert children("cla_open", "placement_provider", {8: CARE}) == {
        "PR1: Own provision (by the LA)": {"C1"}, "PR4: Private provision": {"C2"}, "Not recorded": {"C3", "C4", "C5"}}
    assert children("cla_open", "category_of_need", {8: CARE}) == {
        "N1: Abuse or neglect": {"C1"}, "Not recorded": {"C2", "C3", "C4", "C5"}}


@covers("placement_type", "placement_type_group")
def test_placement_type_and_its_group():
    assert children("cla_started", "placement_type", {8: CARE}) == {"U4: Foster placement with other foster carer - "
                                                                    "long term fostering": {"C1"}}
    every = {8: [dict(r, cla_start_date="2025-01-01") for r in CARE]}  # all started in the window
    got = children("cla_started", "placement_type_group", every)
    assert got == {"Foster placements": {"C1"}, "Placed for adoption": {"C5"}, "Placed with parents": {"C6"},
                   "Children's homes and secure children's homes": {"C2"}, "Other and temporary placements": {"C7"},
                   "Not a recognised placement type": {"C3"}, "Not recorded": {"C4"}}
    assert children("cla_started", "placement_type", every)["ZZ"] == {"C3"}


@covers("cla_duration", "placement_duration")
def test_time_in_care_and_in_the_placement():
    assert children("cla_open", "cla_duration", {8: CARE}) == {
        "Under 3 months": {"C1"}, "1 to 2 years": {"C3", "C4", "C5"}, "2 years or more": {"C2"}}
    # C3's placement starts after as_at: a date error; C4 and C5 have no placement start
    assert children("cla_open", "placement_duration", {8: CARE}) == {
        "Under 3 months": {"C1"}, "1 to 2 years": {"C2"}, "Date error (ends before it starts)": {"C3"},
        "Not recorded": {"C4", "C5"}}


@covers("cla_time_since_review", "cla_time_since_visit")
def test_time_since_the_review_and_the_visit():
    assert children("cla_open", "cla_time_since_review", {8: CARE}) == {
        "3 to 6 months": {"C1"}, "12 months or more": {"C3"}, "No review recorded": {"C2", "C4", "C5"}}
    # 3 Apr is 42 days before 15 May, 2 Apr 43; 9 Jan is 126 days (18 weeks), 8 Jan 127
    assert children("cla_open", "cla_time_since_visit", {8: CARE}) == {
        "Within 6 weeks": {"C1"}, "6 to 12 weeks": {"C2"}, "12 to 18 weeks": {"C3"}, "More than 18 weeks": {"C4"},
        "Date after the extract date": {"C5"}}


@covers("placements_last_12m", "missing_episodes_12m")
def test_placements_and_missing_episodes_in_the_last_year():
    assert children("cla_open", "placements_last_12m", {8: CARE}) == {
        "0": {"C4"}, "1": {"C1"}, "3 or more": {"C2"}, "Not recorded": {"C3", "C5"}}
    assert children("cla_open", "missing_episodes_12m", {8: CARE}) == {
        "None": {"C1"}, "2": {"C5"}, "3 to 5": {"C2"}, "6 or more": {"C3"}, "Not recorded": {"C4"}}


@covers("reason_ceased")
def test_reason_ceased_or_still_looked_after():
    # periods of care that started in the window: none of CARE's; so split children who ceased
    assert children("cla_ended", "reason_ceased", {8: CARE}) == {
        "E11: Adopted - application unopposed": {"C6"}, "Not recorded": {"C7"}}
    assert children("cla_12m_plus", "reason_ceased", {8: CARE}) == {"Looked after at the extract date": {"C2", "C3",
                                                                                                          "C4", "C5"}}


# =========================================================================== care leavers

LEAVERS = [
    rec("Y1", eligibility="RELEVANT", accommodation_type="Independent living", accommodation_suitability="SUITABLE",
        activity="F1", in_touch="IN_TOUCH"),
    rec("Y2", eligibility="FORMER_RELEVANT", accommodation_type=" Independent living ",
        accommodation_suitability="NOT_SUITABLE", activity="G5", in_touch="NOT_IN_TOUCH"),
    rec("Y3", eligibility=None, accommodation_type="Foyers", accommodation_suitability=None, activity=None,
        in_touch="EXCLUDE"),
    rec("Y4", accommodation_type=None, activity="P3", in_touch=None),
]


@covers("care_leaver_eligibility", "care_leaver_accommodation", "care_leaver_accommodation_suitability",
        "care_leaver_activity", "care_leaver_in_touch")
def test_care_leaver_groups():
    assert children("care_leavers", "care_leaver_eligibility", {9: LEAVERS}) == {
        "Relevant": {"Y1"}, "Former relevant": {"Y2"}, "Not recorded": {"Y3", "Y4"}}
    got = children("care_leavers", "care_leaver_accommodation", {9: LEAVERS})
    assert got == {"Foyers": {"Y3"}, "Independent living": {"Y1", "Y2"}, "Not recorded": {"Y4"}}  # spaces trimmed
    assert children("care_leavers", "care_leaver_accommodation_suitability", {9: LEAVERS}) == {
        "Suitable": {"Y1"}, "Not suitable": {"Y2"}, "Not recorded": {"Y3", "Y4"}}
    assert children("care_leavers", "care_leaver_activity", {9: LEAVERS}) == {
        "F1: Full time in higher education": {"Y1"}, "P3: Part time in training or employment": {"Y4"},
        "G5: Not in education, employment or training - other": {"Y2"}, "Not recorded": {"Y3"}}
    assert children("care_leavers", "care_leaver_in_touch", {9: LEAVERS}) == {
        "In touch": {"Y1"}, "Not in touch": {"Y2"}, "Exclude": {"Y3"}, "Not recorded": {"Y4"}}


# =========================================================================== values made as the measure's


@covers("team", "worker")
def test_team_and_worker_cells_are_the_measures_own_splits_with_their_rows():
    referrals = [rec("R1", referral_date="2025-01-10", referral_nfa=True, team="North", worker="Ann"),
                 rec("R2", referral_date="2025-02-10", referral_nfa=False, team="North", worker="Ann"),
                 rec("R3", referral_date="2025-03-10", referral_nfa=True, team=" South ", worker=None),
                 rec("R4", referral_date="2025-03-10", referral_nfa=None)]
    result = split("referrals_nfa", "team", {3: referrals})
    # North: R1 of R1, R2 -> 50%; South (trimmed): R3 of R3 -> 100%; R4 has no team: Not allocated, 0 of 1
    assert {c.label: (c.value, c.numerator, c.denominator) for c in result.cells} == {
        "North": (50.0, 1.0, 2.0), "Not allocated": (0.0, 0.0, 1.0), "South": (100.0, 1.0, 1.0)}
    assert set(result.cell("North").rows["child_id"]) == {"R1", "R2"}
    workers = split("referrals_nfa", "worker", {3: referrals})
    assert {c.label: set(c.rows["child_id"]) for c in workers.cells} == {"Ann": {"R1", "R2"},
                                                                        "Not allocated": {"R3", "R4"}}


@covers("team", "worker")
def test_caseload_team_and_worker_cells_with_the_rows_of_each_worker():
    cin = [rec("K1", cin_start_date="2025-01-01", team="North", worker="Ann"),
           rec("K2", cin_start_date="2025-01-01", team="North", worker="Ann"),
           rec("K3", cin_start_date="2025-01-01", team="South", worker="Bob"),
           rec("K4", cin_start_date="2025-01-01")]
    result = split("caseload_median", "worker", {6: cin})
    assert {c.label: c.value for c in result.cells} == {"Ann": 2.0, "Bob": 1.0}
    assert set(result.cell("Ann").rows["child_id"]) == {"K1", "K2"}
    teams = split("caseload_median", "team", {6: cin})
    assert {c.label: (c.value, c.numerator, c.denominator) for c in teams.cells} == {
        "North": (2.0, 2.0, 1.0), "South": (1.0, 1.0, 1.0)}
    assert set(teams.cell("South").rows["child_id"]) == {"K3"}


def test_percent_cells_are_percentages_within_each_group_with_their_share():
    referrals = [rec("A", referral_date="2025-01-10", referral_nfa=True, gender="F"),
                 rec("B", referral_date="2025-01-10", referral_nfa=False, gender="F"),
                 rec("C", referral_date="2025-01-10", referral_nfa=True, gender="M"),
                 rec("D", referral_date="2025-01-10", referral_nfa=None, gender=None)]
    result = split("referrals_nfa", "gender", {3: referrals})
    assert {c.label: (c.value, c.numerator, c.denominator, c.share) for c in result.cells} == {
        "Male": (100.0, 1.0, 1.0, 25.0), "Female": (50.0, 1.0, 2.0, 50.0), "Not recorded": (0.0, 0.0, 1.0, 25.0)}


def test_distinct_children_counted_once_per_group_and_events_each_time():
    cin = [rec("N1", cin_start_date="2024-01-01", primary_need="N1"),
           rec("N1", cin_start_date="2025-01-01", primary_need="N1"),   # N1 again, same group
           rec("N2", cin_start_date="2025-01-01", primary_need="N1"),
           rec("N2", cin_start_date="2025-02-01", primary_need="N4")]   # N2 in two groups
    assert cells("cin_open", "primary_need", {6: cin}) == {
        "N1: Abuse or neglect": (2.0, 2.0, None), "N4: Family in acute stress": (1.0, 1.0, None)}
    assert cells("cin_started", "primary_need", {6: cin}) == {  # events started in the window
        "N1: Abuse or neglect": (2.0, 2.0, None), "N4: Family in acute stress": (1.0, 1.0, None)}


def test_rate_cells_use_the_groups_population_where_given():
    plans = [rec("P1", cpp_start_date="2025-01-01", gender="F"), rec("P2", cpp_start_date="2025-01-01", gender="F"),
             rec("P3", cpp_start_date="2025-01-01", gender="M"), rec("P4", cpp_start_date="2025-01-01")]
    populations = {"gender": {"Female": 4_000, "Male": 5_000}}
    got = cells("cpp_per_10k", "gender", {7: plans}, child_population=9_000, populations=populations)
    # Female 2 / 4,000 x 10,000 = 5.0; Male 1 / 5,000 x 10,000 = 2.0; Not recorded: no population, no rate
    assert got == {"Male": (2.0, 1.0, 5_000.0), "Female": (5.0, 2.0, 4_000.0), "Not recorded": (None, 1.0, None)}
    # yearly rates are doubled in each cell too: 2 plans started x 2 / 4,000 x 10,000 = 10.0
    assert cells("cpp_started_per_10k", "gender", {7: plans}, populations=populations)["Female"] == (10.0, 2.0, 4_000.0)
    no_population = split("cpp_per_10k", "gender", {7: plans}, child_population=9_000)
    assert [c.value for c in no_population.cells] == [None, None, None]
    assert no_population.note and "population" in no_population.note


def test_breakdown_as_dict_is_the_command_line_shape():
    plans = [rec("P1", cpp_start_date="2025-01-01", gender="F")]
    got = split("cpp_open", "gender", {7: plans}).as_dict()
    assert got == {"measure": "cpp_open", "dimension": "gender",
                   "cells": [{"label": "Female", "value": 1.0, "numerator": 1.0, "denominator": None}]}


def test_a_dimension_applies_only_to_measures_reading_its_lists():
    assert "contact_source" in {d.id for d in dimensions_for(REGISTRY["contacts"])}
    assert "contact_source" not in {d.id for d in dimensions_for(REGISTRY["referrals"])}
    assert "disability" not in {d.id for d in dimensions_for(REGISTRY["contacts"])}  # List 1 has no disability
    assert "gender" in {d.id for d in dimensions_for(REGISTRY["contact_conversion"])}  # Lists 1 and 3
    # a median over workers is split by team and worker only
    caseload = REGISTRY["caseload_median"]
    result = caseload.compute(Tables({6: [rec("K", cin_start_date="2025-01-01", worker="Ann")]}), Context(as_at=AS_AT))
    assert {d.id for d in dimensions_for(caseload, result)} == {"team", "worker"}
    for entry in CATALOGUE.values():  # every catalogue breakdown is one goldthread gives
        if entry.dimension:
            assert entry.dimension in {d.id for d in dimensions_for(REGISTRY[entry.measure])}, entry


# =========================================================================== on a whole synthetic extract


@pytest.fixture(scope="module")
def synthetic():
    data = Tables(generate(SynthConfig(size="small", profile="struggling", seed=3), AS_AT))
    ctx = Context(as_at=AS_AT, child_population=9_000)
    return data, ctx, compute_all(data, ctx)


def test_compute_all_splits_every_measure_by_every_dimension_that_applies(synthetic):
    data, ctx, results = synthetic
    assert list(results) == ids_from(ANNEX_A)
    for mid, result in results.items():
        expected = {d.id for d in dimensions_for(REGISTRY[mid], result)}
        assert set(result.dimension_breakdowns) == expected, mid
    assert len(results["cla_open"].dimension_breakdowns) >= 20  # the synthetic council has teams and workers


def test_team_and_worker_breakdowns_equal_the_measures_own_frames(synthetic):
    data, ctx, results = synthetic
    for mid, result in results.items():
        for d in ("team", "worker"):
            frame = result.breakdowns.get(d)
            if frame is None or frame.empty:
                assert d not in result.dimension_breakdowns or not result.dimension_breakdowns[d].labels, mid
                continue
            split_ = result.dimension_breakdowns[d]
            assert split_.labels == [str(g) for g in frame["group"]], (mid, d)
            assert np.allclose(split_.numerators, frame["numerator"].astype(float)), (mid, d)
            assert np.allclose(split_.values, frame["value"].astype(float), equal_nan=True), (mid, d)


def test_cells_of_a_count_of_rows_add_up_and_rows_match_their_numbers(synthetic):
    data, ctx, results = synthetic
    for mid, result in results.items():
        aggregate = result.aggregate
        for d, split_ in result.dimension_breakdowns.items():
            if aggregate is None or d in ("team", "worker"):
                continue
            if aggregate.kind == "count" and not aggregate.distinct_children:
                assert sum(split_.numerators) == result.numerator, (mid, d)
            if aggregate.kind == "percent":
                assert sum(split_.denominators) == result.denominator, (mid, d)
                assert sum(split_.numerators) == result.numerator, (mid, d)
    # the rows behind a cell are the rows the cell counts
    result = results["cla_3plus_placements"]
    for c in result.dimension_breakdowns["placement_type_group"].cells:
        assert c.rows["in_denominator"].sum() == c.denominator
        assert c.rows["in_numerator"].sum() == c.numerator
    result = results["cin_open"]
    for c in result.dimension_breakdowns["ethnicity"].cells:
        assert c.rows["child_id"].nunique() == c.numerator


def test_dimension_groups_are_the_same_whichever_measure_asks(synthetic):
    # groups are computed once per table and shared: the same row has the same group in every measure
    data, ctx, results = synthetic
    a = results["cla_open"].dimension_breakdowns["legal_status"]
    b = results["cla_per_10k"].dimension_breakdowns["legal_status"]
    assert a.labels == b.labels and list(a.numerators) == list(b.numerators)
    got = pd.concat([c.rows.assign(label=c.label) for c in a.cells])
    table = data.table(8).set_index("row_number")
    codes = table.loc[got["row_number"], "legal_status"].fillna("Not recorded").to_numpy()
    assert all(label.split(":")[0] == code for label, code in zip(got["label"], codes, strict=True))


def test_every_breakdown_as_one_object_for_the_command_line(synthetic):
    import json

    from goldthread.core.measures.breakdowns import breakdown_dicts

    data, ctx, results = synthetic
    objects = breakdown_dicts(results)
    assert len(objects) == sum(len(r.dimension_breakdowns) for r in results.values())
    found = {(o["measure"], o["dimension"]): o for o in objects}
    assert ("cla_open", "age_band_by_gender") in found
    cells = found[("cla_open", "age_band_by_gender")]["cells"]
    assert sum(c["numerator"] for c in cells) == results["cla_open"].numerator  # one row per child in care
    assert set(cells[0]) == {"label", "value", "numerator", "denominator"}
    json.dumps(objects)  # plain JSON: no NaN objects, numpy numbers or frames
