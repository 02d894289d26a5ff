"""DfE's LAIT dataset: read as published, its markers kept, its indicators honest to its data dictionary.

Expected values are read from the Parquet file with pyarrow alone (never goldthread's reader), e.g. the row
("Continue_Assess_Comp", Years "2025", LA Number 970.0, "England") has Values "85.7".
"""

import math

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from goldthread.core.measures.registry import PERCENT, RATE
from goldthread.core.national.dfe import MARKERS, marker_kind
from goldthread.core.national.indicators import (
    INDICATORS,
    dataset_tables,
    identify_dataset,
    indicator_values_from_file,
    published_aggregates,
)
from goldthread.core.national.lait import LAIT_FOLDER, LAIT_PARQUET, POLARITY, read_lait, read_lait_dictionary

# indicator -> LAIT's measure code (the file's `Short Desc`, the dictionary's `Measure_short`)
LAIT_CODES = {
    "cin_assessments_within_45wd": "Continue_Assess_Comp",
    "cpp_ended_2_years_plus": "CPPlans2yrs",
    "cpp_ending_rate": "DeRegCPR",
    "cpp_reviewed_on_time": "RevCP",
    "cla_health_checks": "LACHealth%",
    "cla_dental_checks": "LACDental%",
    "cla_missing_in_year": "Children_missing",
    "cla_away_in_year": "Children_Away",
    "cla_uasc_share": "Unacc_Asylmn_Seek_Childn%",
    "cla_starting_uasc_share": "UASC_%_Starting",
}
HARTLEPOOL, SHEFFIELD, HACKNEY, HAMPSHIRE = "E06000001", "E08000019", "E09000012", "E10000014"
BOURNEMOUTH, BCP = "E06000028", "E06000058"


@pytest.fixture(scope="module")
def raw(national):
    """The packaged file as pyarrow reads it: every column text, as published."""
    table = pq.read_table(national.folder / LAIT_FOLDER / LAIT_PARQUET).to_pandas()
    return table.astype({"Short Desc": object, "Years": object, "Values": object, "LA and Regions": object})


@pytest.fixture(scope="module")
def lait_values(national):
    """Every LAIT indicator's council values, read from the packaged file on its own."""
    return indicator_values_from_file(national.folder / LAIT_FOLDER / LAIT_PARQUET, national.codes)


def _published(raw, code, number, years):
    rows = raw[(raw["Short Desc"] == code) & (raw["LA Number"] == number) & (raw["Years"] == years)]
    assert len(rows) == 1
    return rows.iloc[0]["Values"]


def _one(values, indicator_id, la_code, year):
    rows = values[(values["indicator_id"] == indicator_id) & (values["la_code"] == la_code) & (values["year"] == year)]
    assert len(rows) == 1, (indicator_id, la_code, year, len(rows))
    return rows.iloc[0]


# --------------------------------------------------------------------------- the registry is LAIT's


def test_lait_indicators_take_title_polarity_and_definition_from_the_dictionary(national):
    dictionary = read_lait_dictionary(national.folder)
    assert {i.id for i in INDICATORS.values() if i.source == "lait"} == set(LAIT_CODES)
    for indicator_id, code in LAIT_CODES.items():
        entry, indicator = dictionary.loc[code], INDICATORS[indicator_id]
        assert indicator.title == entry["Measure"].strip(), indicator_id
        assert indicator.polarity == POLARITY[entry["Polarity"].strip()], indicator_id
        assert entry["Year_Type"] == "Financial Year", indicator_id  # so "2025" is the year to 31 March 2025
        assert indicator.unit == (PERCENT if "%" in entry["y_axis_name"] else RATE), indicator_id
        assert f"measure {code}" in indicator.definition and "LAIT" in indicator.definition, indicator_id
        assert indicator.source_file == LAIT_PARQUET and indicator.method == "published"
    assert POLARITY["High"] == "higher is better" and POLARITY["-"] == "neither"


# --------------------------------------------------------------------------- values as published


def test_englands_published_figures_are_the_files(national, raw):
    """Every year of every LAIT indicator: England's figure is the file's, or its marker where it has none."""
    england = raw[raw["LA Number"] == 970]
    for indicator_id, code in LAIT_CODES.items():
        rows = published_aggregates(indicator_id, national)
        rows = rows[rows["geography"] == "England"].set_index("year")
        printed = england[england["Short Desc"] == code].set_index("Years")["Values"]
        assert sorted(rows.index) == sorted(int(y) for y in printed.index), indicator_id
        for years, text in printed.items():
            row = rows.loc[int(years)]
            if text == "-":
                assert math.isnan(row["value"]) and row["marker"] == "-"
            else:
                assert row["value"] == float(text) and row["marker"] is None, (indicator_id, years)
            assert math.isnan(row["numerator"]) and math.isnan(row["denominator"]) and not row["derived"]
    assessments = published_aggregates("cin_assessments_within_45wd", national)
    assessments = assessments[assessments["geography"] == "England"].set_index("year")["value"]
    assert assessments[2025] == 85.7 == float(_published(raw, "Continue_Assess_Comp", 970, "2025"))
    assert assessments.to_dict() == {2016: 83.4, 2017: 82.9, 2018: 82.7, 2019: 83.1, 2020: 83.8, 2021: 87.6,
                                     2022: 84.5, 2023: 82.5, 2024: 84.5, 2025: 85.7}


def test_regions_carry_their_ons_codes(national):
    rows = published_aggregates("cin_assessments_within_45wd", national)
    in_2025 = rows[rows["year"] == 2025].set_index("geography")
    assert set(in_2025.index) == {"England", *(f"E1200000{n}" for n in range(1, 10)), "E13000001", "E13000002"}
    assert set(in_2025["level"]) == {"national", "regional"}
    assert in_2025.at["E12000007", "value"] == 87.2  # "London" (986): 87.2


def test_council_values_read_by_hand(raw, lait_values):
    v = lait_values
    assert _one(v, "cin_assessments_within_45wd", HARTLEPOOL, 2025)["value"] == 85.2  # 805, "85.2"
    # "78.599999999999994" as R wrote it is the number 78.6.
    assert _published(raw, "Continue_Assess_Comp", 373, "2025") == "78.599999999999994"
    assert _one(v, "cin_assessments_within_45wd", SHEFFIELD, 2025)["value"] == 78.6
    assert _one(v, "cla_dental_checks", SHEFFIELD, 2025)["value"] == 91
    # Recoded councils carry their history under today's code: North Yorkshire (815) 2019 "96.9",
    # Buckinghamshire (825) 2019 "73.400000000000006".
    assert _one(v, "cin_assessments_within_45wd", "E06000065", 2019)["value"] == 96.9
    assert _one(v, "cin_assessments_within_45wd", "E06000060", 2019)["value"] == 73.4
    # Bournemouth (Pre LG, 837) keeps its own 2019 figure, "86.6", and is not given to BCP.
    assert _one(v, "cin_assessments_within_45wd", BOURNEMOUTH, 2019)["value"] == 86.6
    assessments = v[v["indicator_id"] == "cin_assessments_within_45wd"]
    assert assessments[assessments["la_code"] == BOURNEMOUTH]["year"].max() == 2019  # its "-" after 2019 dropped
    assert assessments[assessments["la_code"] == BCP]["year"].min() == 2020  # its "-" before 2020 dropped
    assert not assessments.duplicated(["la_code", "year"]).any()


def test_council_rows_are_keyed_by_goldthreads_council_codes(national, lait_values):
    assert set(lait_values["la_code"]) <= set(national.councils["la_code"])
    assert lait_values["year"].dtype == "int64"


def test_markers_stay_markers(national, raw, lait_values):
    """LAIT's "-" is kept as a marker with no value, never 0; a printed 0 stays 0."""
    v = lait_values
    for la_code, year, indicator_id in ((HACKNEY, 2021, "cin_assessments_within_45wd"),  # 204 2021 "-"
                                        (HAMPSHIRE, 2024, "cin_assessments_within_45wd"),  # 850 2024 "-"
                                        (HARTLEPOOL, 2025, "cpp_ended_2_years_plus")):  # 805 2025 "-"
        row = _one(v, indicator_id, la_code, year)
        assert math.isnan(row["value"]) and row["marker"] == "-"
    assert _published(raw, "Children_Away", 805, "2025") == "0"
    away = _one(v, "cla_away_in_year", HARTLEPOOL, 2025)
    assert away["value"] == 0 and away["marker"] is None
    marked = v["marker"].notna()
    assert v.loc[marked, "value"].isna().all() and v.loc[~marked, "value"].notna().all()
    assert set(v.loc[marked, "marker"]) == {"-"} and "-" in MARKERS and marker_kind("-") == "not available"
    # The reader: every "-" in the file is a marker, every other value a number.
    data = national.lait.data
    assert (data["marker"] == "-").sum() == (raw["Values"] == "-").sum() == 93_883
    assert data.loc[data["marker"].notna(), "value"].isna().all() and data.loc[data["marker"].isna(), "value"].notna().all()


def test_every_council_number_is_a_council(national):
    local = national.lait.data[national.lait.data["geographic_level"] == "Local authority"]
    unknown = {code for code in local["code"].unique() if national.codes.canonical(code) is None}
    assert not unknown
    assert dataset_tables(national)["lait"] is national.lait


def test_computed_plan_starts_match_dfes_own_rate(national):
    """cpp_starting_rate (D3's CPP_start over the ONS population) is DfE's own rate, LAIT's CPP_Abuse_Rate, to
    one decimal place, for every council and year both have and for England."""
    from goldthread.core.national.indicators import indicator_values

    computed = indicator_values(national, ["cpp_starting_rate"]).dropna(subset=["value"])
    printed = national.lait.measure("CPP_Abuse_Rate")
    local = printed[printed["geographic_level"] == "Local authority"].dropna(subset=["value"])
    local = local.assign(la_code=local["code"].map(national.codes.canonical), year=local["year"].astype(int))
    both = computed.merge(local[["la_code", "year", "value"]], on=["la_code", "year"], suffixes=("", "_dfe"))
    assert len(both) > 1400
    assert ((both["value"].round(1) - both["value_dfe"]).abs() < 0.051).all()
    england = published_aggregates("cpp_starting_rate", national)
    england = england[(england["geography"] == "England") & (england["year"] == 2025)].iloc[0]
    assert (england["numerator"], round(england["value"], 1)) == (61_840, 50.8)


# --------------------------------------------------------------------------- other files


def _lait_like(path, rows):
    columns = ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]
    frame = pd.DataFrame(rows, columns=columns).astype({"LA Number": float})
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def _newer_file(raw, path, years="2026", changes=None):
    """Next year's file: the packaged 2025 rows of LAIT's measures, relabelled, with some values changed."""
    rows = raw[raw["Short Desc"].isin(LAIT_CODES.values()) & (raw["Years"] == "2025")].copy()
    rows["Years"] = years
    for (code, number), text in (changes or {}).items():
        rows.loc[(rows["Short Desc"] == code) & (rows["LA Number"] == number), "Values"] = text
    return _lait_like(path, rows.to_numpy().tolist())


def test_a_newer_file_is_recognised_by_its_content_and_read(tmp_path, national, raw):
    path = _newer_file(raw, tmp_path / "dfe_lait_download.parquet", changes={
        ("Continue_Assess_Comp", 970): "86.099999999999994", ("Continue_Assess_Comp", 805): "-"})
    assert identify_dataset(path) == "lait"
    values = indicator_values_from_file(path, national.codes, national.child_population)
    assert set(values["indicator_id"]) == set(LAIT_CODES) and set(values["year"]) == {2026}
    hartlepool = _one(values, "cin_assessments_within_45wd", HARTLEPOOL, 2026)
    assert math.isnan(hartlepool["value"]) and hartlepool["marker"] == "-"
    assert _one(values, "cin_assessments_within_45wd", SHEFFIELD, 2026)["value"] == 78.6


def test_years_that_are_not_plain_years_are_refused(tmp_path, national, raw):
    path = _newer_file(raw, tmp_path / "lait.parquet", years="2025-26")
    with pytest.raises(ValueError, match="not plain years"):
        indicator_values_from_file(path, national.codes, national.child_population)


def test_an_unknown_marker_is_refused_not_read_as_a_number(tmp_path):
    path = _lait_like(tmp_path / "lait.parquet", [
        ["Continue_Assess_Comp", None, "2025", "Hartlepool", "c", 805, "North East"],
        ["Continue_Assess_Comp", None, "2025", "England", "85.7", 970, "NA"]])
    with pytest.raises(ValueError, match="neither numbers nor"):
        read_lait(path)


def test_other_parquet_files_are_not_lait(tmp_path):
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"year": [2025], "value": [1.0]}), other)
    assert identify_dataset(other) is None
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet at all\n", encoding="utf-8")
    assert identify_dataset(broken) is None
    with pytest.raises(ValueError, match="not LAIT's long file"):
        read_lait(other)
    with pytest.raises(FileNotFoundError):
        read_lait(tmp_path / "missing.parquet")
