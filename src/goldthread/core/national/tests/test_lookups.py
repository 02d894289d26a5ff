"""Councils, code changes and statistical neighbours, checked against the packaged files."""

import pandas as pd
import pytest

from goldthread.core.national import joint_codes
from goldthread.core.national.lookups import CLOSENESS_BANDS, MERGE, RECODE, SPLIT
from goldthread.core.national.ofsted import HISTORY_SHEET, OUTCOMES_2025_ODS

CIN_B1 = "b1_children_in_need_2013_to_2025"


def test_councils_are_the_153_current_and_5_abolished(national):
    councils = national.councils
    assert councils["status"].value_counts().to_dict() == {"current": 153, "abolished": 5}
    assert councils["la_code"].is_unique and councils["old_la_code"].is_unique
    abolished = councils[councils["status"] == "abolished"].set_index("la_code")
    assert abolished["la_name"].to_dict() == {
        "E06000028": "Bournemouth", "E06000029": "Poole", "E10000006": "Cumbria",
        "E10000009": "Dorset", "E10000021": "Northamptonshire",
    }
    assert abolished.loc["E10000006", "end_date"] == pd.Timestamp("2023-04-01")
    assert councils["region_code"].str.fullmatch(r"E1200000\d").all()
    assert councils["la_type"].notna().all()


def test_lookup_defects_are_repaired(national):
    council = national.codes.council
    # Provider_data_lookup gives Gloucestershire rgn22cd E12000003 (Yorkshire) and Buckinghamshire
    # E12000004 (East Midlands); both are South East / South West by name and by every other row.
    assert council("E10000013")["region_code"] == "E12000009"
    assert council("E06000060")["region_code"] == "E12000008"
    # Medway's region_code is blank in the lookup; Cumbria's says "NotKnown".
    assert council("E06000035")["region_code"] == "E12000008"
    assert council("E10000006")["region_code"] == "E12000002"
    # ons_la_type says "County" for these 2023 unitary councils.
    for code in ("E06000063", "E06000064", "E06000065"):
        assert council(code)["la_type"] == "Unitary Authority"


def test_codes_map_to_councils(national):
    codes = national.codes
    assert codes.canonical("825") == codes.canonical("E10000002") == "E06000060"
    assert codes.canonical("E10000023") == "E06000065"
    assert codes.canonical("E10000027") == "E06000066"
    assert codes.canonical("E08000020") == "E08000037"
    assert codes.canonical("E08000038") == "E08000016"
    assert codes.canonical("E09000021 / E09000027") is None
    assert codes.code_for_name("Dorset", on="2016-05-23") == "E10000009"
    assert codes.code_for_name("Dorset", on="2021-11-19") == "E06000059"
    assert codes.code_for_name("Dorset") is None  # two councils have had the name
    assert codes.code_for_name("Kingston Upon Hull") == "E06000010"
    assert codes.code_for_name("Telford & Wrekin") == "E06000020"


def test_merged_and_split_councils_map_to_current_ones(national):
    codes = national.codes
    assert codes.current_code("E06000028") == "E06000058"  # Bournemouth, wholly in BCP
    assert codes.current_code("836") == "E06000058"  # Poole, by its DfE code
    assert codes.successors("E10000009") == ("E06000058", "E06000059")  # Dorset county: Christchurch to BCP
    assert codes.current_code("E10000009") is None
    assert codes.successors("E10000021") == ("E06000061", "E06000062")
    assert codes.successors("909") == ("E06000063", "E06000064")
    assert codes.current_code("E10000006") is None
    assert codes.current_code("E10000002") == "E06000060"
    assert codes.predecessors("E06000058") == ("E06000028", "E06000029", "E10000009")
    assert codes.predecessors("E06000063") == ("E10000006",)


def _years(table, code):
    data = table.data
    return sorted(data.loc[data["la_code"] == code, "time_period"].unique())


def test_declared_changes_agree_with_the_dfe_reporting_years(national):
    """A predecessor's last CIN reporting year (to 31 March) is the year of the change; successors start
    the year after."""
    cin = national.dfe[CIN_B1]
    changes = national.code_changes
    checked = changes[changes["change"].isin([MERGE, SPLIT, RECODE])
                      & (changes["effective_date"] >= "2019-01-01")]
    assert len(checked) == 11
    for change in checked.itertuples(index=False):
        year = change.effective_date.year
        assert _years(cin, change.from_code)[-1] == year, change
        assert _years(cin, change.to_code)[0] == year + 1, change


def test_abolished_councils_are_those_ofsted_says_no_longer_exist(national):
    history = pd.read_excel(national.folder / OUTCOMES_2025_ODS, sheet_name=HISTORY_SHEET, header=None,
                            engine="calamine")
    gone = set(history.loc[history[3] == "No longer exists", 1])
    assert gone == {"E06000028", "E10000006", "E10000021"}
    assert all(national.codes.council(code)["status"] == "abolished" for code in gone)


def test_every_dfe_council_code_is_known(national):
    codes = national.codes
    for name, table in national.dfe.items():
        la = table.data[table.data["geographic_level"] == "Local authority"]
        for code in la["la_code"].unique():
            assert all(codes.canonical(part) for part in joint_codes(code)), (name, code)


def test_no_council_is_double_counted_after_mapping(national):
    """Mapping every LA row to its current council keeps every row, and no current council ever gets
    figures both under its own code and a predecessor's in the same year."""
    codes = national.codes
    for name, table in national.dfe.items():
        data = table.data[table.data["geographic_level"] == "Local authority"]
        data = data[~data["la_code"].str.contains("/")]
        mapped = codes.harmonise(data)
        assert len(mapped) == len(data)
        assert mapped["code_mapping"].ne("unknown").all(), name
        valued = mapped[table.data.loc[mapped.index, list(table.indicators)].notna().any(axis=1)]
        valued = valued.assign(council=valued["la_code"].map(codes.canonical))
        keys = ["time_period", *table.filters, "current_la_code"]
        sources = valued.dropna(subset=["current_la_code"]).groupby(keys)["council"].agg(set)
        for council_set in sources:
            current = {c for c in council_set if codes.council(c)["status"] == "current"}
            assert not (current and council_set - current), (name, council_set)
    split = codes.harmonise(pd.DataFrame({"la_code": ["E10000006", "E06000028", "E10000002", "E09000001", "x"]}))
    assert split["code_mapping"].tolist() == ["split", "merged", "recode", "same", "unknown"]
    assert split["current_la_code"].isna().tolist() == [True, False, False, False, True]


def test_statistical_neighbours(national):
    sn = national.statistical_neighbours
    sizes = sn.groupby("model")["la_code"].nunique().to_dict()
    assert sizes == {2021: 156, 2025: 153}  # 2021: 152 councils + the 4 abolished in its "Old SNs" section
    assert (sn.groupby(["model", "la_code"]).size() == 10).all()
    assert sn["neighbour_code"].notna().all() and sn["la_code"].notna().all()
    assert set(sn["closeness"]) <= set(CLOSENESS_BANDS)
    first = sn[(sn["rank"] == 1)].set_index(["model", "la_code"])
    assert first.loc[(2025, "E09000002"), ["neighbour_code", "closeness"]].tolist() == ["E09000010", "close"]
    assert first.loc[(2021, "E10000006"), ["neighbour_old_la_code", "closeness"]].tolist() == [
        "925", "extremely close"]
    assert first.loc[(2021, "E10000009"), "la_name"] == "Dorset (Pre LG)"


@pytest.mark.parametrize("code", ["E06000063", "E06000064"])
def test_new_councils_have_no_2021_model(national, code):
    sn = national.statistical_neighbours
    assert sn[(sn["model"] == 2021) & (sn["la_code"] == code)].empty
