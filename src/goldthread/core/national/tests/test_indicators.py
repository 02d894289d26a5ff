"""The national indicator registry, checked against values read by hand in the packaged files.

The literal numbers below were read from the CSV rows themselves (Python's csv module, not goldthread's
readers), e.g. c1_...csv: "2025,...,805,E06000001,Hartlepool,Referrals and Re-referrals,2020,536,26.5,...".
"""

import math
import shutil

import pandas as pd
import pytest

from goldthread.core.measures import ANNEX_A, REGISTRY
from goldthread.core.measures.registry import HIGHER, LOWER, NEITHER, PERCENT, RATE
from goldthread.core.national.dfe import DFE_FOLDER, MARKERS
from goldthread.core.national.indicators import (
    DATASETS,
    INDICATOR_GROUPS,
    INDICATORS,
    LONG_COLUMNS,
    UNITS,
    VALUE_COLUMNS,
    IndicatorContext,
    dataset_tables,
    identify_dataset,
    indicator_values,
    indicator_values_from_file,
    metadata,
    published_aggregates,
)

REQUIRED = {
    "cin_referrals_rate", "cin_rereferral_rate", "cin_referrals_nfa", "cin_icpc_within_15wd",
    "cin_at_31_march_rate", "cpp_at_31_march_rate", "cpp_second_or_subsequent", "cpp_2_years_plus", "cla_rate",
    "cla_3plus_placements", "cla_long_term_stability", "care_leavers_suitable", "care_leavers_eet",
    "csww_turnover_rate", "csww_agency_rate", "csww_vacancy_rate", "csww_average_caseload",
    "csww_sickness_absence_rate", "s47_rate", "icpc_rate", "child_population", "ro3_csc_spend_per_child",
    "imd_average_score", "idaci_average_score",
    # LAIT's (test_lait.py) and the rates computed from counts the CIN files print
    "cin_assessments_within_45wd", "cpp_ended_2_years_plus", "cpp_ending_rate", "cpp_reviewed_on_time",
    "cla_health_checks", "cla_dental_checks", "cla_missing_in_year", "cla_away_in_year", "cla_uasc_share",
    "cla_starting_uasc_share", "cpp_starting_rate", "cin_episodes_started_rate", "cin_episodes_ended_rate",
}

HARTLEPOOL, BLACKPOOL, STOKE = "E06000001", "E06000009", "E06000021"
BUCKINGHAMSHIRE, BUCKS_COUNTY = "E06000060", "E10000002"
BOURNEMOUTH, BCP, CUMBRIA = "E06000028", "E06000058", "E10000006"

PACKAGED_KINDS = {
    "b1_children_in_need_2013_to_2025.csv": "cin_b1",
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv": "cin_c1",
    "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv": "cin_c3",
    "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv": "cin_c4",
    "d3_cpps_subsequent_plan_2013_to_2025.csv": "cp_d3",
    "d5_cpps_at31march_by_duration_2013_to_2025.csv": "cp_d5",
    "cla_number_and_rate_per_10k_children.csv": "cla_rate",
    "la_cla_placement_stability.csv": "cla_placement_stability",
    "la_cla_during_year_new_placements.csv": "cla_new_placements",
    "la_care_leavers_activity.csv": "care_leavers_activity",
    "la_care_leavers_accommodation_suitability.csv": "care_leavers_accommodation",
    "la_cla_swcount.csv": "cla_swcount",
    "csww_indicators_2017_to_2025.csv": "csww",
    "csww_headline_measures_2017_to_2022.csv": "csww_headline",
    "ons_mid-year_population_estimates_2012_to_2024.csv": "ons_population",
    "RO3_LA_Data_2024-25_data_by_LA.ods": "ro3",
    "utla_deprivation.csv": "deprivation",
    "bds_long_0.parquet": "lait",
}


def _value(table, indicator_id, la_code, year):
    rows = table[(table["indicator_id"] == indicator_id) & (table["la_code"] == la_code) & (table["year"] == year)]
    assert len(rows) == 1, (indicator_id, la_code, year, len(rows))
    return rows.iloc[0]


def _england(aggregates, indicator_id, year):
    rows = aggregates[(aggregates["indicator_id"] == indicator_id) & (aggregates["geography"] == "England")
                      & (aggregates["year"] == year)]
    assert len(rows) == 1
    return rows.iloc[0]


# --------------------------------------------------------------------------- the registry


def test_required_indicators_are_declared_with_valid_metadata():
    assert REQUIRED <= set(INDICATORS)
    for each in INDICATORS.values():
        assert each.unit in UNITS and each.polarity in (HIGHER, LOWER, NEITHER), each.id
        assert each.group in INDICATOR_GROUPS and each.source in DATASETS, each.id
        assert each.source_file == DATASETS[each.source].packaged_file
        assert "Year:" in each.definition and len(each.definition) > 80, each.id
    assert INDICATORS["imd_average_score"].group == INDICATORS["idaci_average_score"].group == "context"
    assert INDICATORS["imd_average_score"].polarity == NEITHER
    assert INDICATORS["cin_rereferral_rate"].polarity == LOWER and INDICATORS["care_leavers_eet"].polarity == HIGHER
    assert INDICATORS["cla_rate"].unit == RATE and INDICATORS["cin_icpc_within_15wd"].unit == PERCENT
    assert "19 to 21" in INDICATORS["care_leavers_eet"].definition
    assert "working days" in INDICATORS["cin_icpc_within_15wd"].definition
    table = metadata()
    assert list(table["id"]) == list(INDICATORS) and table["year_meaning"].str.len().gt(10).all()
    rows = table.set_index("id")
    assert rows.at["s47_rate", "local_measures"] == "s47_per_10k, cin_section47s_per_10k"
    assert rows.at["s47_rate", "annex_a"] == "s47_per_10k"


def test_packaged_source_files_exist(national):
    for each in INDICATORS.values():
        assert list(national.folder.rglob(each.source_file)), each.source_file


def test_twin_links_agree_both_ways():
    """Several local measures may share a twin: the indicator lists them all (`links`), each naming it back."""
    for each in INDICATORS.values():
        naming_it = {m.id for m in REGISTRY.values() if m.national == each.id}
        assert set(each.local_measures) == naming_it, each.id
        assert len(each.local_measures) == len(set(each.local_measures)), each.id
        if each.annex_a is not None:  # the Annex A one, when there is one
            assert REGISTRY[each.annex_a].source == ANNEX_A and each.annex_a in each.local_measures
        else:
            assert not any(REGISTRY[m].source == ANNEX_A for m in each.local_measures), each.id
    for m in REGISTRY.values():
        if m.national:
            assert m.national in INDICATORS, (m.id, m.national)
    assert INDICATORS["cin_assessments_within_45wd"].local_measures == (
        "assessments_within_45wd", "cin_assessments_within_45wd")
    assert INDICATORS["cin_assessments_within_45wd"].annex_a == "assessments_within_45wd"
    assert INDICATORS["cla_starting_rate"].annex_a is None  # its only twin is the SSDA903 measure


# --------------------------------------------------------------------------- recognising files


def test_every_packaged_file_is_recognised_by_content(national):
    files = [p for p in national.folder.rglob("*") if p.is_file() and p.name != "README.md"]
    for path in files:
        assert identify_dataset(path) == PACKAGED_KINDS.get(path.name), path.name
    assert set(PACKAGED_KINDS.values()) == set(DATASETS)


def test_a_renamed_file_is_recognised_from_its_content(national, tmp_path):
    dfe = national.folder / DFE_FOLDER
    # A C1 file under a B1-like name for next year is still C1: names are never read.
    misleading = tmp_path / "b1_children_in_need_2013_to_2026.csv"
    shutil.copyfile(dfe / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", misleading)
    assert identify_dataset(misleading) == "cin_c1"
    workbook = tmp_path / "spending.ods"
    shutil.copyfile(dfe / "RO3_LA_Data_2024-25_data_by_LA.ods", workbook)
    assert identify_dataset(workbook) == "ro3"


def test_unrelated_files_are_rejected(tmp_path):
    unrelated = tmp_path / "cla_number_and_rate_per_10k_children.csv"
    pd.DataFrame({"name": ["a", "b"], "score": [1, 2]}).to_csv(unrelated, index=False)
    assert identify_dataset(unrelated) is None
    # EES-shaped, but the filter values are not those of any dataset.
    odd = tmp_path / "odd.csv"
    pd.DataFrame({"time_period": [2025], "time_identifier": ["Reporting year"], "geographic_level": ["National"],
                  "characteristic": ["Pupils"], "breakdown": ["Total"], "children_count": [5]}).to_csv(odd, index=False)
    assert identify_dataset(odd) is None
    (tmp_path / "notes.txt").write_text("not a table\n", encoding="utf-8")
    assert identify_dataset(tmp_path / "notes.txt") is None
    assert identify_dataset(tmp_path / "picture.png") is None


def test_bundle_tables_are_found_by_kind(national):
    tables = dataset_tables(national)
    assert set(tables) == set(DATASETS)
    assert tables["cin_c1"].name == "c1_children_in_need_referrals_and_rereferrals_2013_to_2025"


def test_next_years_file_is_read(tmp_path, national):
    """A hand-made C1 for 2026: the percentage is read; the rate has no mid-2025 population, so NaN."""
    path = tmp_path / "c1_2026.csv"
    pd.DataFrame({
        "time_period": ["2026", "2026"], "time_identifier": ["Reporting year"] * 2,
        "geographic_level": ["National", "Local authority"], "country_code": ["E92000001"] * 2,
        "country_name": ["England"] * 2, "region_code": ["", "E12000001"], "region_name": ["", "North East"],
        "old_la_code": ["", "805"], "new_la_code": ["", HARTLEPOOL], "la_name": ["", "Hartlepool"],
        "category": ["Referrals and Re-referrals"] * 2, "referral_count": ["600000", "2000"],
        "rereferral_count": ["120000", "c"], "rereferral_percent": ["20", "c"],
        "no_further_action_count": ["1", "2"], "no_further_action_percent": ["1", "2"],
    }).to_csv(path, index=False)
    values = indicator_values_from_file(path, national.codes, national.child_population)
    assert list(values.columns) == LONG_COLUMNS
    rows = values.set_index("indicator_id")
    assert math.isnan(rows.at["cin_rereferral_rate", "value"]) and rows.at["cin_rereferral_rate", "marker"] == "c"
    assert rows.at["cin_referrals_nfa", "value"] == 2.0
    assert math.isnan(rows.at["cin_referrals_rate", "value"]) and rows.at["cin_referrals_rate", "numerator"] == 2000


def test_values_from_one_file_match_the_bundle(national, indicator_table):
    path = national.folder / DFE_FOLDER / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    from_file = indicator_values_from_file(path, national.codes)
    expected = indicator_table[indicator_table["indicator_id"].isin(["cin_referrals_rate", "cin_rereferral_rate",
                                                                      "cin_referrals_nfa"])]
    pd.testing.assert_frame_equal(from_file.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False)
    workbook = indicator_values_from_file(national.folder / "dfe/RO3_LA_Data_2024-25_data_by_LA.ods", national.codes)
    assert set(workbook["indicator_id"]) == {"ro3_csc_spend_per_child"} and len(workbook) == 153
    headline = national.folder / DFE_FOLDER / "csww_headline_measures_2017_to_2022.csv"
    assert indicator_values_from_file(headline, national.codes).empty  # superseded by csww_indicators


# --------------------------------------------------------------------------- values


def test_table_shape(national, indicator_table):
    assert list(indicator_table.columns) == LONG_COLUMNS
    assert set(indicator_table["indicator_id"]) == set(INDICATORS)
    assert not indicator_table.duplicated(["indicator_id", "la_code", "year"]).any()
    assert indicator_table["year"].dtype == "int64"
    assert set(indicator_table["la_code"]) <= set(national.councils["la_code"])
    ctx = IndicatorContext(national.codes, national.child_population)
    one = INDICATORS["cla_rate"].function(dataset_tables(national)["cla_rate"], ctx)
    assert list(one.columns) == VALUE_COLUMNS


def test_council_values_read_by_hand(indicator_table):
    t = indicator_table
    referrals = _value(t, "cin_referrals_rate", HARTLEPOOL, 2025)
    # 2,020 referrals; ONS mid-2024 population 21,090 (ons_... 2024 row).
    assert (referrals["numerator"], referrals["denominator"]) == (2020, 21090)
    assert referrals["value"] == pytest.approx(2020 / 21090 * 10_000)
    rereferral = _value(t, "cin_rereferral_rate", HARTLEPOOL, 2025)
    assert (rereferral["value"], rereferral["numerator"], rereferral["denominator"]) == (26.5, 536, 2020)
    assert _value(t, "cin_referrals_nfa", HARTLEPOOL, 2025)["value"] == 0.6
    assert _value(t, "cpp_second_or_subsequent", HARTLEPOOL, 2025)[["value", "numerator", "denominator"]].tolist() == [
        32.4, 78, 241]
    assert _value(t, "cpp_at_31_march_rate", HARTLEPOOL, 2025)["value"] == pytest.approx(173 / 21090 * 10_000)
    assert _value(t, "cin_at_31_march_rate", HARTLEPOOL, 2025)["value"] == pytest.approx(1341 / 21090 * 10_000)
    assert _value(t, "s47_rate", HARTLEPOOL, 2025)["value"] == pytest.approx(948 / 21090 * 10_000)
    assert _value(t, "icpc_rate", HARTLEPOOL, 2025)["value"] == pytest.approx(304 / 21090 * 10_000)
    assert _value(t, "cla_rate", HARTLEPOOL, 2025)[["value", "numerator", "denominator"]].tolist() == [157, 332, 21090]
    assert _value(t, "cla_3plus_placements", HARTLEPOOL, 2025)[["value", "numerator", "denominator"]].tolist() == [
        9, 31, 332]
    assert _value(t, "care_leavers_eet", HARTLEPOOL, 2025)[["value", "numerator", "denominator"]].tolist() == [45, 42, 94]
    assert _value(t, "child_population", HARTLEPOOL, 2024)["value"] == 21090
    assert _value(t, "imd_average_score", HARTLEPOOL, 2025)["value"] == 37.58  # IoD2025
    assert _value(t, "idaci_average_score", HARTLEPOOL, 2019)["value"] == 0.283  # IoD2019: no IDACI in 2025
    assert _value(t, "ro3_csc_spend_per_child", "E06000058", 2025)["numerator"] == 109_191_000  # BCP, £


def test_icpc_within_15_working_days(indicator_table, aggregate_table):
    # England 2025 bands 6,240 / 52,430 / 6,430 / 6,990 (ICPC 72,100 includes 10 with no valid duration).
    england = _england(aggregate_table, "cin_icpc_within_15wd", 2025)
    assert (england["numerator"], england["denominator"]) == (58_670, 72_090)
    assert england["value"] == pytest.approx(81.38, abs=0.01) and bool(england["derived"])
    # Hartlepool 2025: the 0-10 band is "c", so there is no value, and it is not 0.
    hartlepool = _value(indicator_table, "cin_icpc_within_15wd", HARTLEPOOL, 2025)
    assert math.isnan(hartlepool["value"]) and hartlepool["marker"] == "c"
    # Hartlepool 2024: C4 row 2024 bands all printed.
    assert _value(indicator_table, "cin_icpc_within_15wd", HARTLEPOOL, 2024)["value"] == pytest.approx(89.1386, abs=1e-3)


def test_england_values_from_the_files_and_measures_md(aggregate_table):
    a = aggregate_table
    assert _england(a, "cla_rate", 2025)[["value", "numerator"]].tolist() == [67, 81_770]
    assert _england(a, "cin_rereferral_rate", 2025)["value"] == 22.6
    assert _england(a, "cin_rereferral_rate", 2023)["value"] == 22.4
    assert round(_england(a, "cin_rereferral_rate", 2024)["value"]) == 22  # measures.md: "22% (2024)"
    assert _england(a, "cpp_second_or_subsequent", 2015)["value"] == 16.6
    assert _england(a, "cpp_2_years_plus", 2025)["value"] == 2.3  # of plans OPEN at 31 March (D5)
    assert _england(a, "care_leavers_eet", 2025)[["value", "numerator", "denominator"]].tolist() == [54, 20_760, 38_440]
    workforce = {i: _england(a, i, 2023) for i in ("csww_turnover_rate", "csww_vacancy_rate", "csww_average_caseload",
                                                  "csww_agency_rate")}
    assert [workforce[i]["value"] for i in ("csww_turnover_rate", "csww_vacancy_rate", "csww_average_caseload")] == [
        15.9, 18.9, 16.0]
    # measures.md's recomputed figures, from the printed FTEs.
    turnover = workforce["csww_turnover_rate"]
    assert round(turnover["numerator"] / turnover["denominator"] * 100, 1) == 15.9
    agency = workforce["csww_agency_rate"]
    assert agency["value"] == 17.9 and round(agency["numerator"] / agency["denominator"] * 100, 1) == 17.8
    assert _england(a, "csww_turnover_rate", 2024)["value"] == 13.9  # measures.md says 13.8 (an earlier release)
    assert _england(a, "child_population", 2024)["value"] == 12_183_016
    spend = _england(a, "ro3_csc_spend_per_child", 2025)
    assert spend["value"] == pytest.approx(15_556_137.15471 * 1000 / 12_183_016)
    assert _england(a, "cin_referrals_rate", 2025)["value"] == pytest.approx(632_830 / 12_183_016 * 10_000)


def test_rates_use_the_mid_year_estimate_of_the_previous_year(national, aggregate_table):
    population = national.child_population
    s47 = _england(aggregate_table, "s47_rate", 2023)
    assert s47["denominator"] == population.get("E92000001", 2022) == 11_901_267
    assert s47["value"] == pytest.approx(225_400 / 11_901_267 * 10_000)
    # DfE's 2023 C4 release printed 191.6, computed with the mid-2021 estimate then the latest.
    assert round(225_400 / population.get("E92000001", 2021) * 10_000, 1) == 191.6
    regions = published_aggregates("s47_rate", national)
    north_east = regions[(regions["geography"] == "E12000001") & (regions["year"] == 2023)].iloc[0]
    assert north_east["denominator"] == population.get("E12000001", 2022)
    assert set(regions["level"]) == {"national", "regional"}


def test_suppressed_values_are_nan_never_zero(indicator_table):
    t = indicator_table
    marked = t["marker"].notna()
    assert t.loc[marked, "value"].isna().all()
    assert set(t.loc[marked, "marker"]) <= set(MARKERS)
    assert t["marker"].map(lambda m: m is None or isinstance(m, str)).all()
    # D5 2025 Hartlepool: "2_years_or_more" and its percentage are "c".
    plans = _value(t, "cpp_2_years_plus", HARTLEPOOL, 2025)
    assert math.isnan(plans["value"]) and plans["marker"] == "c" and plans["denominator"] == 173
    # C1 2024 Herefordshire: "u" (low reliability).
    hereford = _value(t, "cin_rereferral_rate", "E06000019", 2024)
    assert math.isnan(hereford["value"]) and hereford["marker"] == "u"
    # City of London's 2025 CLA rate is "c".
    assert _value(t, "cla_rate", "E09000001", 2025)["marker"] == "c"


def test_recoded_councils_carry_their_history_and_merged_ones_do_not(indicator_table):
    t = indicator_table
    # c1 row "2019,...,825,E10000002,Buckinghamshire,...,7640,2424,31.7,..." is Buckinghamshire Council's.
    assert _value(t, "cin_rereferral_rate", BUCKINGHAMSHIRE, 2019)["value"] == 31.7
    assert BUCKS_COUNTY not in set(t["la_code"])
    # Barnsley's csww 2025 row is under its newer code E08000038 (turnover 8).
    assert _value(t, "csww_turnover_rate", "E08000016", 2025)["value"] == 8
    # Bournemouth's history stays Bournemouth's: BCP's series starts in 2020.
    bournemouth = t[(t["la_code"] == BOURNEMOUTH) & (t["indicator_id"] == "cin_rereferral_rate")]
    assert bournemouth["year"].max() == 2019
    assert t[(t["la_code"] == BCP) & (t["indicator_id"] == "cin_rereferral_rate")]["year"].min() == 2020
    # Cumbria (split 2023) keeps its code; its z rows for 2024-25 in the CLA file are dropped.
    cumbria = t[(t["la_code"] == CUMBRIA) & (t["indicator_id"] == "cla_rate")]
    assert sorted(cumbria["year"]) == [2021, 2022, 2023] and cumbria["value"].notna().all()
    cumberland = t[(t["la_code"] == "E06000063") & (t["indicator_id"] == "cla_rate")]
    assert sorted(cumberland["year"]) == [2024, 2025]
    # Joint workforce returns (Kingston with Richmond) belong to neither council.
    assert t[(t["la_code"] == "E09000021") & t["indicator_id"].str.startswith("csww")].empty


def test_no_population_no_rate(indicator_table):
    """Bournemouth has no ONS estimate for 2012-2018, so no rate: an older estimate is never used."""
    rows = indicator_table[(indicator_table["la_code"] == BOURNEMOUTH)
                           & (indicator_table["indicator_id"] == "cin_referrals_rate")]
    assert rows["value"].isna().all() and rows["numerator"].notna().all()


def test_indicator_values_for_some_ids(national):
    values = indicator_values(national, ["cla_rate"])
    assert set(values["indicator_id"]) == {"cla_rate"}
    with pytest.raises(KeyError):
        indicator_values(national, ["no_such_indicator"])
