"""Every local measure whose national counterpart is published is linked to it; every other one says why not.

The table below is the whole registry: each measure with its published twin, or the reason it has none. A
measure added to the registry without an entry here fails `test_every_measure_is_linked_or_has_a_reason`.
"""

import pytest

from goldthread.core.measures import REGISTRY
from goldthread.core.measures.registry import HIGHER, LOWER
from goldthread.core.national.indicators import INDICATORS, twin_note

TWINS = {
    # Annex A
    "referrals_per_10k": "cin_referrals_rate",
    "re_referrals_12m": "cin_rereferral_rate",
    "referrals_nfa": "cin_referrals_nfa",
    "assessments_within_45wd": "cin_assessments_within_45wd",
    "s47_per_10k": "s47_rate",
    "icpcs_per_10k": "icpc_rate",
    "icpc_within_15wd": "cin_icpc_within_15wd",
    "cin_per_10k": "cin_at_31_march_rate",
    "cin_started_per_10k": "cin_episodes_started_rate",
    "cin_closed_per_10k": "cin_episodes_ended_rate",
    "cpp_per_10k": "cpp_at_31_march_rate",
    "cpp_started_per_10k": "cpp_starting_rate",
    "cpp_ended_per_10k": "cpp_ending_rate",
    "cpp_reviews_in_timescale": "cpp_reviewed_on_time",
    "cpp_second_or_subsequent": "cpp_second_or_subsequent",
    "cpp_open_2_years_plus": "cpp_2_years_plus",
    "cpp_ended_2_years_plus": "cpp_ended_2_years_plus",
    "cla_per_10k": "cla_rate",
    "cla_3plus_placements": "cla_3plus_placements",
    "cla_long_term_stability": "cla_long_term_stability",
    "cla_health_assessment_in_date": "cla_health_checks",
    "cla_dental_check_in_date": "cla_dental_checks",
    "cla_missing": "cla_missing_in_year",
    "cla_absent": "cla_away_in_year",
    "cla_uasc": "cla_uasc_share",
    "cla_started_uasc": "cla_starting_uasc_share",
    "care_leavers_eet": "care_leavers_eet",
    "care_leavers_eet_19_21": "care_leavers_eet",
    "care_leavers_eet_17_18": "care_leavers_eet_17_18",
    "care_leavers_suitable_accommodation": "care_leavers_suitable",
    "care_leavers_suitable_accommodation_19_21": "care_leavers_suitable",
    "care_leavers_suitable_accommodation_17_18": "care_leavers_suitable_17_18",
    "caseload_median": "csww_average_caseload",
    # CIN census
    "cin_referrals_per_10k": "cin_referrals_rate",
    "cin_re_referrals_12m": "cin_rereferral_rate",
    "cin_referrals_nfa": "cin_referrals_nfa",
    "cin_assessments_within_45wd": "cin_assessments_within_45wd",
    "cin_children_in_need_per_10k": "cin_at_31_march_rate",
    "cin_section47s_per_10k": "s47_rate",
    "cin_icpcs_per_10k": "icpc_rate",
    "cin_icpc_within_15wd": "cin_icpc_within_15wd",
    "cin_cpp_second_or_subsequent": "cpp_second_or_subsequent",
    "cin_cpp_per_10k": "cpp_at_31_march_rate",
    "cin_cpp_open_2_years_plus": "cpp_2_years_plus",
    "cin_cpp_ended_2_years_plus": "cpp_ended_2_years_plus",
    # SSDA903
    "ssda903_cla_rate": "cla_rate",
    "ssda903_cla_started_rate": "cla_starting_rate",
    "ssda903_cla_ceased_rate": "cla_ceasing_rate",
    "ssda903_cla_3plus_placements": "cla_3plus_placements",
    "ssda903_cla_long_term_stability": "cla_long_term_stability",
    "ssda903_missing_children": "cla_missing_in_year",
    "ssda903_away_children": "cla_away_in_year",
    "ssda903_care_leavers_eet_17_18": "care_leavers_eet_17_18",
    "ssda903_care_leavers_suitable_17_18": "care_leavers_suitable_17_18",
    "ssda903_care_leavers_eet_19_21": "care_leavers_eet",
    "ssda903_care_leavers_suitable_19_21": "care_leavers_suitable",
    # the council's monthly workforce list
    "workforce_agency_rate": "csww_agency_rate",
    "workforce_vacancy_rate": "csww_vacancy_rate",
    "workforce_turnover_rate": "csww_turnover_rate",
    "workforce_sickness_absence_rate": "csww_sickness_absence_rate",
    "workforce_average_caseload": "csww_average_caseload",
}

COUNT = "a count: it measures the council's size, so its rate or share carries the comparison"
UNPUBLISHED = "nothing DfE publishes (in the packaged files or LAIT) measures this"
AUDIT = "goldthread's own case audits: nothing is published to compare with"
WINDOW = """distinct children in Annex A's six-month window, not made yearly (count_with_rate doubles events
only): beside DfE's yearly rate it would read at about half. Link it when the measure gives a yearly figure"""
IN_TOUCH = """DfE publishes the share the council is NOT in touch with (LAIT's CareLeavers_LA_NotInTouch, 19-21
only), which is not 100 minus those in touch: refusing contact, no longer needing services and activity known
from a third party are neither"""
POPULATION_FROM_COUNCIL = "a rate over a population the council supplies; DfE publishes no care leaver rate"

UNLINKED = {
    "contacts": COUNT, "contact_children": COUNT, "referrals": COUNT, "children_referred": COUNT,
    "early_help_assessments": COUNT, "early_help_children": COUNT, "assessments_completed": COUNT,
    "assessments_open_over_45wd": COUNT, "assessments_started": COUNT, "assessments_open": COUNT,
    "children_assessed": COUNT, "s47_enquiries": COUNT, "icpcs": COUNT, "cin_open": COUNT, "cin_in_window": COUNT,
    "cin_started": COUNT, "cin_closed": COUNT, "cpp_open": COUNT, "cpp_started": COUNT, "cpp_ended": COUNT,
    "cla_open": COUNT, "cla_started": COUNT, "cla_ended": COUNT, "cla_12m_plus": COUNT, "care_leavers": COUNT,
    "care_leavers_17_18": COUNT, "care_leavers_19_21": COUNT, "caseload_over_threshold": COUNT,
    "cin_referrals": COUNT, "cin_assessments_completed": COUNT, "cin_children_in_need_31_march": COUNT,
    "cin_section47s": COUNT, "cin_icpcs": COUNT, "cin_cpp_starting": COUNT, "cin_cpp_open_31_march": COUNT,
    "cin_cpp_ending": COUNT, "ssda903_cla_31_march": COUNT, "ssda903_missing_episodes": COUNT,
    "ssda903_away_episodes": COUNT, "audit_actions_overdue": AUDIT, "audits_completed": AUDIT,
    "audits_good_or_better": AUDIT, "audits_inadequate": AUDIT, "audit_actions_closed_on_time": AUDIT,
    "audit_actions_verified": AUDIT, "audit_moderation_agreement": AUDIT,
    "contacts_per_10k": "DfE publishes no figures on contacts",
    "contact_children_per_10k": "DfE publishes no figures on contacts",
    "contacts_to_referral_children": "DfE publishes no figures on contacts",
    "contact_conversion": "DfE publishes no figures on contacts",
    "early_help_assessments_per_10k": "DfE publishes no early help figures",
    "early_help_children_per_10k": "DfE publishes no early help figures",
    "early_help_to_referral_children": "DfE publishes no early help figures",
    "children_referred_per_10k": "DfE counts referrals, not children referred (referrals_per_10k has the twin)",
    "assessments_started_per_10k": UNPUBLISHED, "assessments_open_per_10k": UNPUBLISHED,
    "children_assessed_per_10k": UNPUBLISHED, "assessments_open_over_45wd_per_10k": UNPUBLISHED,
    "assessments_completed_per_10k": "DfE's count of assessments (table C2) is in neither the packaged files nor LAIT",
    "assessments_child_seen": UNPUBLISHED, "assessments_needs_support": UNPUBLISHED,
    "assessments_nfa": """DfE's nearest figure (LAIT's Referrals_AssessedNotNeed) is a share of referrals, not of
    assessments""",
    "assessments_disabled": UNPUBLISHED, "s47_disabled": UNPUBLISHED, "cin_disabled": UNPUBLISHED,
    "cpp_disabled": UNPUBLISHED, "cla_disabled": UNPUBLISHED, "care_leavers_disabled": UNPUBLISHED,
    "s47_to_icpc": "DfE prints the counts (C4) but no conversion, and yearly counts do not follow the same enquiries",
    "icpc_to_cpp": "DfE publishes no share of conferences resulting in a plan",
    "s47_icpc_unnecessary": UNPUBLISHED, "cin_visits_in_timescale": UNPUBLISHED,
    "cpp_visits_in_timescale": UNPUBLISHED, "cpp_seen_alone": UNPUBLISHED,
    "cla_visits_in_timescale": UNPUBLISHED, "cla_reviews_in_timescale": UNPUBLISHED,
    "cla_return_interview_offered": UNPUBLISHED, "cla_return_interview_accepted": UNPUBLISHED,
    "cla_started_second_period": UNPUBLISHED, "cla_12m_plus_share": UNPUBLISHED,
    "cla_12m_plus_per_10k": UNPUBLISHED, "care_leavers_pathway_plan_in_date": UNPUBLISHED,
    "care_leavers_uasc": UNPUBLISHED, "unallocated": UNPUBLISHED,
    "cin_in_window_per_10k": WINDOW, "cla_started_per_10k": WINDOW, "cla_ended_per_10k": WINDOW,
    "cla_placed_out_of_area": """Annex A records only inside or outside the council's area; DfE counts placements
    outside it AND more than 20 miles from home (new placements in the year, or children on 31 March)""",
    "care_leavers_in_touch": IN_TOUCH, "care_leavers_in_touch_17_18": IN_TOUCH,
    "care_leavers_in_touch_19_21": IN_TOUCH, "ssda903_care_leavers_in_touch_17_18": IN_TOUCH,
    "ssda903_care_leavers_in_touch_19_21": IN_TOUCH,
    "care_leavers_per_10k": POPULATION_FROM_COUNCIL, "care_leavers_17_18_per_10k": POPULATION_FROM_COUNCIL,
    "care_leavers_19_21_per_10k": POPULATION_FROM_COUNCIL,
    "ssda903_adoption_care_to_placed_days": "DfE's adoption timeliness (scorecard A1, A2) is in neither the "
                                            "packaged files nor LAIT",
    "ssda903_adoption_authority_to_match_days": "DfE's adoption timeliness (scorecard A1, A2) is in neither the "
                                                "packaged files nor LAIT",
}


def test_every_measure_is_linked_or_has_a_reason():
    assert not set(TWINS) & set(UNLINKED)
    assert set(TWINS) | set(UNLINKED) == set(REGISTRY), sorted(set(REGISTRY) ^ (set(TWINS) | set(UNLINKED)))
    assert {m.id: m.national for m in REGISTRY.values() if m.national} == TWINS
    assert all(len(" ".join(reason.split())) > 20 for reason in UNLINKED.values())


def test_each_link_says_how_the_published_figure_differs():
    for measure_id, twin in TWINS.items():
        note = twin_note(measure_id)
        assert note == INDICATORS[twin].difference(measure_id) and len(note) > 25, measure_id
    assert twin_note("contacts") is None and twin_note("no_such_measure") is None
    # Annex A's six-month window against DfE's year to 31 March, named where it applies.
    assert "six months" in twin_note("assessments_within_45wd") and "31 March" in twin_note("assessments_within_45wd")
    assert "six months" in twin_note("re_referrals_12m")
    assert "30 September" in twin_note("workforce_agency_rate")
    assert "19 to 21" in twin_note("care_leavers_eet") and "any age" in twin_note("care_leavers_eet")
    assert "same census year" in twin_note("cin_assessments_within_45wd").lower()


def test_twins_are_the_same_kind_of_figure():
    """Same unit; never opposite directions (a published figure may have none where its publisher gives none)."""
    for measure_id, twin in TWINS.items():
        measure, published = REGISTRY[measure_id], INDICATORS[twin]
        assert measure.unit == published.unit, measure_id
        assert {measure.polarity, published.polarity} != {HIGHER, LOWER}, measure_id
    # LAIT gives missing and away no better direction; the local measures keep theirs.
    assert INDICATORS["cla_missing_in_year"].polarity == "neither" and REGISTRY["cla_missing"].polarity == LOWER


@pytest.mark.parametrize("measure_id", ["cla_started_per_10k", "cla_ended_per_10k", "cin_in_window_per_10k"])
def test_unlinked_window_measures_really_are_not_yearly(measure_id):
    """The reason given for leaving them unlinked holds: their definitions double nothing."""
    definition = REGISTRY[measure_id].definition
    assert "six months" in definition and "doubled" not in definition
