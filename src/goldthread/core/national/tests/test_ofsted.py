"""The Ofsted inspections table, checked against values read in the two ODS publications."""

import pandas as pd
import pytest

from goldthread.core.national import JUDGEMENTS, normalise_grade
from goldthread.core.national.ofsted import OLD_FRAMEWORKS_SHEET, OUTCOMES_2025_ODS

GRADES = {"outstanding", "good", "requires improvement", "adequate", "inadequate", "not judged"}


def _one(inspections, la_name, **where):
    rows = inspections[inspections["la_name"] == la_name]
    for column, value in where.items():
        rows = rows[rows[column] == (pd.Timestamp(value) if column.endswith("_date") else value)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(("published", "canonical"), [
    ("Requires improvement to be good", "requires improvement"),
    ("Outstanding", "outstanding"),
    ("Adequate", "adequate"),
    (" -", "not judged"),
    (None, None),
    (float("nan"), None),
])
def test_grades_are_normalised(published, canonical):
    assert normalise_grade(published) == canonical


def test_unknown_grades_are_refused():
    with pytest.raises(ValueError, match="unknown Ofsted grade"):
        normalise_grade("Satisfactory-ish")


def test_only_canonical_grades(national):
    for column in JUDGEMENTS:
        assert set(national.inspections[column].dropna()) <= GRADES, column


def test_ilacs_history_row(national):
    barnet = _one(national.inspections, "Barnet", inspection_date="2024-06-10")
    assert barnet["inspection_type"] == "short"
    assert barnet["publication_date"] == pd.Timestamp("2024-07-23")
    assert barnet[["overall_effectiveness", "leadership", "help_and_protection", "children_in_care",
                   "care_leavers"]].tolist() == ["good", "good", "good", "outstanding", "good"]


def test_the_2025_correction_of_staffordshire_wins(national):
    # Ofsted's 2024 publication said "Good"; the 2025 one corrects it (see its Notes sheet).
    staffs = _one(national.inspections, "Staffordshire", inspection_date="2023-11-06")
    assert staffs["care_leavers"] == "requires improvement"


def test_in_year_visits_are_included(national):
    inspections = national.inspections
    ilacs = inspections[inspections["framework"] == "ILACS"]
    assert ilacs["inspection_type"].value_counts().to_dict() == {
        "standard": 171, "short": 100, "focused visit": 36, "monitoring visit": 24}
    visit = _one(inspections, "Wokingham", inspection_date="2024-12-11")
    assert visit["inspection_type"] == "focused visit" and visit["visit_theme"] == "Care leavers"
    assert visit[list(JUDGEMENTS)].isna().all()
    york = _one(inspections, "York", inspection_date="2025-02-24")
    assert york["publication_date"] == pd.Timestamp("2025-04-15")  # in-year, published after 31 March
    assert york["sources"] == "ILACS_inspection_history; In-year_inspections"
    assert set(york[["overall_effectiveness", "leadership", "help_and_protection", "children_in_care",
                     "care_leavers"]]) == {"outstanding"}


def test_both_tables_of_the_2009_2023_sheet_are_read(national):
    old = national.inspections[national.inspections["sources"].str.contains(OLD_FRAMEWORKS_SHEET)]
    assert old["la_code"].nunique() == 152 + 4
    # Second table: councils abolished 2019-2021.
    dorset_county = old[old["la_code"] == "E10000009"].set_index("framework")
    assert dorset_county.loc["SIF", "publication_date"] == pd.Timestamp("2016-05-23")
    assert dorset_county.loc["SIF", ["overall_effectiveness", "adoption", "lscb"]].tolist() == [
        "requires improvement", "good", "inadequate"]
    assert set(old.loc[old["la_code"] == "E10000021", "framework"]) == {"SLAC", "CPI", "TLAC", "SIF", "ILACS"}
    # First table: the unitary Dorset of the same name has only its ILACS inspection.
    assert old.loc[old["la_code"] == "E06000059", "framework"].tolist() == ["ILACS"]


def test_older_frameworks_and_their_sub_judgements(national):
    inspections = national.inspections
    sif = _one(inspections, "Birmingham", framework="SIF")
    assert sif["publication_date"] == pd.Timestamp("2014-05-23")
    assert set(sif[["overall_effectiveness", "help_and_protection", "children_in_care", "adoption",
                    "care_leavers", "leadership", "lscb"]]) == {"inadequate"}
    again = _one(inspections, "Birmingham", framework="SIF re-inspection")
    assert again[["overall_effectiveness", "children_in_care"]].tolist() == ["inadequate", "requires improvement"]
    slac = _one(inspections, "Barking and Dagenham", framework="SLAC")
    assert slac[["safeguarding", "children_in_care"]].tolist() == ["good", "requires improvement"]
    assert pd.isna(slac["overall_effectiveness"])
    assert _one(inspections, "City of London", framework="SIF")["adoption"] == "not judged"
    counts = inspections["framework"].value_counts().to_dict()
    assert counts["SIF"] == 152 and counts["SIF re-inspection"] == 21 and counts["SLAC"] == 152
    assert counts["SLAC safeguarding re-inspection"] == 9 and counts["SLAC looked after children re-inspection"] == 2


def test_repeated_ilacs_inspections_are_kept_once(national):
    inspections = national.inspections
    assert not inspections.duplicated(["la_code", "framework", "inspection_type", "publication_date"]).any()
    ilacs = inspections[(inspections["framework"] == "ILACS")
                        & inspections["inspection_type"].isin(["standard", "short"])]
    assert ilacs["sources"].str.startswith("ILACS_inspection_history").all()
    assert ilacs["inspection_date"].notna().all()
    nottingham = _one(inspections, "Nottingham", inspection_date="2022-07-11")
    assert nottingham["publication_date"] == pd.Timestamp("2022-09-05")
    assert nottingham["source_note"] == f"{OLD_FRAMEWORKS_SHEET} gives publication_date 2022-11-05"
    merton = _one(inspections, "Merton", inspection_date="2022-02-28")
    assert merton["inspection_type"] == "short" and "inspection_type standard" in merton["source_note"]


def test_latest_inspections_match_ofsted_as_at_31_march(national):
    sheet = pd.read_excel(national.folder / OUTCOMES_2025_ODS, sheet_name="Inspections_as_at_31_March",
                          header=None, engine="calamine")
    header = sheet.index[sheet[1] == "Local authority area code"][0]
    published = sheet.iloc[header + 1:]
    expected = pd.DataFrame({
        "inspection_date": pd.to_datetime(published[4]).to_numpy(),
        "overall_effectiveness": published[6].map(normalise_grade).to_numpy(),
    }, index=published[1].map(national.codes.canonical))
    inspections = national.inspections
    ilacs = inspections[(inspections["framework"] == "ILACS")
                        & inspections["inspection_type"].isin(["standard", "short"])
                        & (inspections["inspection_date"] <= "2025-03-31")]
    latest = ilacs.sort_values("inspection_date").groupby("la_code").tail(1).set_index("la_code")
    assert len(expected) == 153
    pd.testing.assert_frame_equal(latest.loc[expected.index, expected.columns], expected,
                                  check_names=False, check_dtype=False)


def test_every_inspection_belongs_to_a_council(national):
    inspections = national.inspections
    assert inspections["la_code"].isin(national.councils["la_code"]).all()
    assert inspections["publication_date"].notna().all()
    assert inspections.loc[inspections["framework"] != "ILACS", "inspection_date"].isna().all()
