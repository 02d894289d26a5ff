"""DfE EES CSVs, the ONS child population and RO3, checked against values read in the files."""

import math

import pandas as pd
import pytest

from goldthread.core.national import child_population, marker_kind, read_ees_csv
from goldthread.core.national.dfe import CSWW_HEADLINE, CSWW_INDICATORS, DFE_FOLDER

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025"
CLA = "cla_number_and_rate_per_10k_children"
CLA_AT_31_MARCH = "Children looked after on 31 March each year"


def _england(table, year, **filters):
    data = table.data
    rows = data[(data["geographic_level"] == "National") & (data["time_period"] == year)]
    for column, value in filters.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1
    return rows.iloc[0]


def test_england_headline_values(national):
    """England figures quoted in docs/measures.md, read from the files."""
    cla = _england(national.dfe[CLA], 2025, population_type=CLA_AT_31_MARCH)
    assert cla["rate_per_10000"] == 67 and cla["children_count"] == 81770
    assert round(cla["children_count"] / cla["population_estimate"] * 10_000) == 67
    assert _england(national.dfe[C1], 2025)["rereferral_percent"] == 22.6
    assert _england(national.dfe[C1], 2023)["rereferral_percent"] == 22.4
    assert _england(national.dfe["d3_cpps_subsequent_plan_2013_to_2025"], 2015)["cpp_subsequent_percent"] == 16.6
    workforce = _england(national.dfe[CSWW_INDICATORS], 2023)
    assert workforce[["turnover_rate_fte", "vacancy_rate_fte", "caseload_fte"]].tolist() == [15.9, 18.9, 16.0]


def test_columns_are_snake_case_and_typed(national):
    c4 = national.dfe["c4_children_in_need_section_47s_and_icpcs_2013_to_2025"]
    assert "duration_21_plus_days" in c4.indicators and "duration_0_10_days" in c4.indicators
    headline = national.dfe[CSWW_HEADLINE]
    assert "turnover_rate_fte_pct" in headline.indicators
    for table in national.dfe.values():
        assert table.data["time_period"].dtype == "int64"
        assert "la_code" in table.ids and "new_la_code" not in table.data
        assert all(table.data[c].dtype == "float64" for c in table.indicators)


def test_filters_and_indicators_are_told_apart(national):
    assert national.dfe["la_care_leavers_activity"].filters == ("care_leaver_age", "breakdown")
    assert national.dfe[CSWW_INDICATORS].filters == ()
    c3 = national.dfe["c3_factors_identified_at_end_of_assessment_2018_to_2025"]
    # Mostly "x" (not collected before 2022) but an indicator all the same.
    assert "child_criminal_exploitation" in c3.indicators
    assert c3.filters == ("category",)


def test_suppression_markers_become_nan_and_are_counted(national):
    c1 = national.dfe[C1]
    counts = c1.marker_counts().groupby("marker")["count"].sum().to_dict()
    assert counts == {"c": 296, "u": 26, "x": 68}
    hereford = c1.data[(c1.data["la_code"] == "E06000019") & (c1.data["time_period"] == 2024)].index[0]
    assert math.isnan(c1.data.at[hereford, "referral_count"])
    assert c1.markers.at[hereford, "referral_count"] == "u"
    assert marker_kind("u") == "low reliability" and marker_kind("z") == "not applicable"
    seen = set()
    for table in national.dfe.values():
        marked = table.markers.notna()
        assert table.data[list(table.indicators)][marked].isna().all().all(), table.name
        assert not (table.data[list(table.indicators)][marked] == 0).any().any()
        seen |= set(table.markers.stack().dropna())
    assert seen == {"c", "x", "z", "u", "low", "k"}


def test_rounds_to_zero_markers_are_not_zero(national):
    sunderland = national.dfe[CSWW_INDICATORS].data
    row = sunderland[(sunderland["la_code"] == "E08000024") & (sunderland["time_period"] == 2025)].index[0]
    assert math.isnan(sunderland.at[row, "agency_fte"])
    assert national.dfe[CSWW_INDICATORS].markers.at[row, "agency_fte"] == "low"
    assert marker_kind("low") == marker_kind("k") == "rounds to zero"
    activity = national.dfe["la_care_leavers_activity"].marker_counts()
    assert activity.loc[activity["marker"] == "k", "count"].sum() == 14


def test_long_form_keeps_markers(national):
    table = national.dfe[CLA]
    long = table.long()
    assert len(long) == len(table.data) * len(table.indicators)
    cumbria = long[(long["la_code"] == "E10000006") & (long["time_period"] == 2025)
                   & (long["population_type"] == CLA_AT_31_MARCH)].set_index("indicator")
    assert cumbria["marker"].to_dict() == {"population_estimate": "x", "children_count": "z", "rate_per_10000": "z"}
    assert cumbria["value"].isna().all()


def test_filters_can_be_forced(national):
    table = read_ees_csv(national.folder / DFE_FOLDER / f"{CLA}.csv", filters=["rate_per_10000"])
    assert table.filters == ("population_type", "rate_per_10000")
    assert "rate_per_10000" not in table.indicators


def test_joint_workforce_returns_are_not_given_to_one_council(national):
    indicators = national.dfe[CSWW_INDICATORS].data
    joint = indicators[indicators["la_code"] == "E09000021 / E09000027"].set_index("time_period")
    assert sorted(joint.index) == list(range(2017, 2026))
    raw = read_ees_csv(national.folder / DFE_FOLDER / f"{CSWW_HEADLINE}.csv").data
    kingston_raw = raw[(raw["la_code"] == "E09000021")].set_index("time_period")["social_worker_fte"]
    headline = national.dfe[CSWW_HEADLINE].data
    relabelled = headline[headline["la_code"] == "E09000021 / E09000027"].set_index("time_period")
    for year in range(2017, 2023):
        # The old file printed the joint workforce on Kingston's own row.
        assert kingston_raw[year] == joint.at[year, "inpost_fte"] == relabelled.at[year, "social_worker_fte"]
    kingston = headline[headline["la_code"] == "E09000021"]
    assert kingston.empty
    northants = headline[headline["la_code"] == "E06000061 / E06000062"].set_index("time_period")
    assert northants.at[2021, "social_worker_fte"] == 329.9


def test_child_population(national):
    population = national.child_population
    assert population.get("E92000001", 2024) == 12_183_016
    assert population.lookup("E92000001", 2026) == (2024, 12_183_016)  # latest at or before the year
    assert population.lookup("E10000002", 2015) == population.lookup("E06000060", 2015) == (2015, 119_468)
    assert population.get("839", 2019) == 72_905
    assert population.get("E06000058", 2015) is None  # ONS gives the BCP area no estimate before 2019
    assert population.get("E06000028", 2015) is None  # Bournemouth: x
    assert population.get("E06000063", 2022) is None  # Cumberland's first estimate is mid-2023
    assert population.lookup("E10000006", 2024) == (2022, 90_547)  # Cumbria's last
    assert child_population("E06000063", 2025) == 52_489


def test_ro3_children_social_care(national):
    ro3 = national.ro3
    assert ro3["la_code"].nunique() == 154  # 153 councils and England
    assert set(national.councils.loc[national.councils["status"] == "current", "la_code"]) < set(ro3["la_code"])
    total = ro3[ro3["variable"] == "RO3-csctot-net-cur-exp"].set_index("la_code")
    assert total.at["E92000001", "value"] == pytest.approx(15_556_137.15471)
    assert total.at["E06000058", "value"] == 109_191
    assert total.at["E06000063", "marker"] == "[x]" and math.isnan(total.at["E06000063", "value"])
    assert total.at["E06000063", "row_note"] == "M"
    assert set(ro3.loc[ro3["marker"] == "[x]", "la_name"]) == {"Birmingham", "Cumberland", "Slough UA"}
    assert (ro3.loc[ro3["la_code"] == "E08000037", "marker"] == "[note 4]").sum() == 28
    assert ro3["measure"].value_counts()["net_current_expenditure"] == 14 * 154
    assert ro3.loc[ro3["marker"].notna(), "value"].isna().all()


def test_england_population_matches_the_cla_denominator(national):
    """DfE's CLA rate for reporting year Y uses the ONS mid-(Y-1) estimate."""
    cla = national.dfe[CLA].data
    england = cla[(cla["geographic_level"] == "National") & (cla["population_type"] == CLA_AT_31_MARCH)]
    for row in england.itertuples():
        assert national.child_population.get("E92000001", row.time_period - 1) == row.population_estimate


def test_unknown_markers_make_a_column_a_filter(tmp_path):
    path = tmp_path / "odd.csv"
    pd.DataFrame({
        "time_period": ["2025", "2025"], "time_identifier": ["Reporting year"] * 2,
        "geographic_level": ["National"] * 2, "new_la_code": ["", ""],
        "count": ["12", "n/a"], "rate": ["1.5", "c"],
    }).to_csv(path, index=False)
    table = read_ees_csv(path)
    assert table.filters == ("count",) and table.indicators == ("rate",)
    assert table.markers["rate"].tolist()[1] == "c"


def test_every_year_of_an_ro3_workbook_is_read(tmp_path, national):
    """A workbook with a sheet per financial year gives every year it holds, each from its own sheet, and
    the spending-per-child indicator for each; two sheets for one year are refused."""
    from goldthread.core.national.dfe import read_ro3
    from goldthread.core.national.indicators import indicator_values_from_file

    from .ro3_workbook import write_ro3_workbook

    folder = tmp_path / "data"
    (folder / DFE_FOLDER).mkdir(parents=True)
    path = write_ro3_workbook(folder / DFE_FOLDER / "RO3_two_years.xlsx", {"2023-24": 0.9, "2024-25": 1.0})
    table = read_ro3(folder, code_map=national.codes)
    assert sorted(table["financial_year"].unique()) == ["2023-24", "2024-25"]
    total = table[table["variable"] == "RO3-csctot-net-cur-exp"].set_index(["financial_year", "la_code"])["value"]
    assert total[("2024-25", "E06000058")] == 109_191
    assert total[("2023-24", "E06000058")] == pytest.approx(0.9 * 109_191)
    assert math.isnan(total[("2023-24", "E06000063")])  # Cumberland's [x] stays not available in every year
    values = indicator_values_from_file(path, national.codes)
    spend = values[values["indicator_id"] == "ro3_csc_spend_per_child"]
    assert sorted(spend["year"].unique()) == [2024, 2025]
    with pytest.raises(ValueError, match="two RO3 sheets hold 2024-25"):
        write_ro3_workbook(folder / DFE_FOLDER / "RO3_again.xlsx", {"2024-25": 1.1})
        read_ro3(folder, code_map=national.codes)
