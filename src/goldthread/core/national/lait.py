"""DfE's Local Authority Interactive Tool (LAIT): its whole published dataset, read as published.

LAIT republishes, per council, region and England, the figures of many DfE (and other) publications, some of
which goldthread packages no file for: the percentage of assessments completed within 45 working days (CIN
table C2), child protection reviews on time (D6), plans ending after two years or more (D4/D7), health and
dental checks of children in care, missing and away children, unaccompanied asylum-seeking children.

dfe/lait/bds_long_0.parquet (LAIT's "big data sheet", long), one row per measure x year x area:
  * Columns: `Short Desc` (LAIT's measure code, the data dictionary's `Measure_short`), `Data item` (a label
    on some rows only), `Years` (text), `LA and Regions` (the area's name), `Values` (text), `LA Number`
    (a float: DfE's three-digit council code, 970 England, 980-990 the regions) and `Region` (a council's
    region name; "NA" for England and the regions). No duplicate (measure, year, area) rows.
  * `Years` is text whose meaning depends on the measure's `Year_Type` in the dictionary. For the
    financial-year measures goldthread reads it is a plain year, "2025" = the year ending 31 March 2025 (the
    same year the EES files print as time_period 2025: LAIT's care leavers in education, employment or
    training, Hartlepool 2025, is 45, as la_care_leavers_activity.csv prints). Other measures use "2024-25",
    "2015/16", ranges ("2014-16"), suffixes ("2025 (prov)", "2024-25 (OT)", "2023 (Rev)") or "0": `year` is
    left empty for them, and the indicators refuse a measure whose years are not all plain years.
  * `Values` are text: numbers as R printed them ("4.4000000000000004", which reads back as 4.4) and one
    marker, "-", meaning LAIT shows no figure. LAIT prints "-" whatever the publisher's marker was: suppressed
    small numbers (c; zeros are printed as 0), not available (Hackney 2021 and 2022, x in DfE's CIN files),
    low reliability (Hampshire 2024, u in DfE's CIN files) and years before a council existed. It is kept as
    a marker, the value NaN, never 0.
  * Areas: councils by `LA Number`, which `CodeMap.canonical` understands (old codes of recoded councils
    included; Bournemouth, Poole and Dorset before 2019 are "(Pre LG)" with their own numbers, 837, 836 and
    835). England is 970; the regions are 980-990, with London (986) and its Inner (987) and Outer (988) parts,
    given the ONS codes E12000001-E12000009, E13000001 and E13000002 as the EES files do. A row with no
    `LA Number` is no area goldthread knows and is left out.

dfe/lait/lait_data_dictionary.csv: one row per measure: Measure_code, Topic, Measure (title), Chart_title,
Measure_short (the code), Polarity ("High", "Low", "-" or "NA"), y_axis_name, Description, Methodology,
source and update dates, Year_Type ("Financial Year", "Academic Year", ...). Long texts span several lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._util import data_folder

LAIT_FOLDER = "dfe/lait"
LAIT_PARQUET = "bds_long_0.parquet"
LAIT_DICTIONARY = "lait_data_dictionary.csv"
LAIT_MARKER = "-"

# The columns that identify LAIT's long file (recognising it by content, not by name).
LAIT_COLUMNS = frozenset({"Short Desc", "Years", "LA and Regions", "Values", "LA Number"})

NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"
ENGLAND_NUMBER = 970
ENGLAND_CODE = "E92000001"
# LAIT's area number -> (the name LAIT gives it, the ONS code). Checked against the file when read.
REGIONS = {
    980: ("North East", "E12000001"),
    981: ("North West", "E12000002"),
    982: ("Yorkshire and the Humber", "E12000003"),
    983: ("East Midlands", "E12000004"),
    984: ("West Midlands", "E12000005"),
    985: ("East of England", "E12000006"),
    986: ("London", "E12000007"),
    987: ("London (Inner)", "E13000001"),
    988: ("London (Outer)", "E13000002"),
    989: ("South East", "E12000008"),
    990: ("South West", "E12000009"),
}

# LAIT's polarity words -> goldthread's (the registry's HIGHER / LOWER / NEITHER texts).
POLARITY = {"High": "higher is better", "Low": "lower is better", "-": "neither", "NA": "neither", "": "neither"}

_PLAIN_YEAR = re.compile(r"\d{4}")
DATA_COLUMNS = ["measure", "data_item", "years", "year", "geographic_level", "code", "area_name", "value", "marker"]


@dataclass(frozen=True)
class LaitTable:
    """LAIT's long file, tidied: one row per measure x year x area.

    `data` columns: measure (LAIT's code), data_item, years (as published), year (Int64: the plain year, else
    <NA>), geographic_level ("National", "Regional", "Local authority"), code (E92000001, the region's ONS
    code, or a council's three-digit DfE code as text), area_name, value (float, NaN where marked), marker
    ("-" where LAIT shows no figure, else None).
    """

    name: str
    data: pd.DataFrame

    @property
    def measures(self) -> set[str]:
        return set(self.data["measure"].unique())

    def measure(self, code: str) -> pd.DataFrame:
        """The rows of one measure; KeyError if the file has none."""
        rows = self.data[self.data["measure"] == code]
        if rows.empty:
            raise KeyError(f"{self.name}: no LAIT measure {code!r}")
        return rows


def _areas(numbers: pd.Series, names: pd.Series) -> pd.DataFrame:
    """Per area number (one row each): geographic_level, code and area_name."""
    areas = pd.DataFrame({"number": numbers, "name": names.str.strip()}).drop_duplicates("number")
    rows = []
    for number, name in zip(areas["number"], areas["name"], strict=True):
        number = int(number)
        if number == ENGLAND_NUMBER:
            rows.append((number, NATIONAL, ENGLAND_CODE, name))
        elif number in REGIONS:
            expected, ons = REGIONS[number]
            if name.lower() != expected.lower():
                raise ValueError(f"LAIT area {number} is {name!r}, expected {expected!r}: the layout has changed")
            rows.append((number, REGIONAL, ons, name))
        elif number > ENGLAND_NUMBER:
            raise ValueError(f"LAIT area number {number} ({name!r}) is neither England nor a region")
        else:
            rows.append((number, LOCAL, str(number), name))
    return pd.DataFrame(rows, columns=["number", "geographic_level", "code", "area_name"]).set_index("number")


def _per_unique(column: pd.Series, convert) -> np.ndarray:
    """`convert` applied to the distinct values of a text column (LAIT's columns repeat a few values many
    times), spread back over its rows."""
    positions, uniques = pd.factorize(column, use_na_sentinel=False)
    return np.asarray(convert(pd.Series(uniques, dtype=object)))[positions]


def _numbers(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.fillna("").astype(str).str.strip(), errors="coerce").astype(float)


def _plain_years(text: pd.Series) -> pd.Series:
    text = text.fillna("").astype(str).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(_PLAIN_YEAR.pattern)), errors="coerce")


def read_lait(path: str | Path | None = None) -> LaitTable:
    """Read LAIT's long file: `path` (a .parquet file, or a data folder holding dfe/lait/), default the packaged
    copy. FileNotFoundError if there is none; ValueError if its columns are not LAIT's."""
    path = Path(path) if path is not None else data_folder() / LAIT_FOLDER / LAIT_PARQUET
    if path.is_dir():
        path = path / LAIT_FOLDER / LAIT_PARQUET
    if not path.is_file():
        raise FileNotFoundError(f"no LAIT file at {path}")
    raw = pd.read_parquet(path)
    missing = LAIT_COLUMNS - set(raw.columns)
    if missing:
        raise ValueError(f"{path.name}: not LAIT's long file (no {', '.join(sorted(missing))} column)")
    raw = raw[raw["LA Number"].notna()].reset_index(drop=True)
    value = pd.Series(_per_unique(raw["Values"], _numbers), dtype=float)
    unknown = {str(t).strip() for t in pd.unique(raw["Values"][value.isna().to_numpy()])} - {LAIT_MARKER}
    if unknown:
        raise ValueError(f"{path.name}: values that are neither numbers nor LAIT's '-': {sorted(unknown)[:10]}")
    numbers = raw["LA Number"].astype(float).astype(int)
    areas = _areas(numbers, raw["LA and Regions"].astype(str)).reindex(numbers.to_numpy())
    data = pd.DataFrame({
        "measure": _per_unique(raw["Short Desc"], lambda u: u.astype(str).str.strip()),
        "data_item": raw["Data item"] if "Data item" in raw else None,
        "years": _per_unique(raw["Years"], lambda u: u.fillna("").astype(str).str.strip()),
        "year": pd.array(_per_unique(raw["Years"], _plain_years), dtype="Int64"),
        "geographic_level": areas["geographic_level"].to_numpy(dtype=object),
        "code": areas["code"].to_numpy(dtype=object),
        "area_name": areas["area_name"].to_numpy(dtype=object),
        "value": value,
        "marker": pd.Series(np.where(value.isna(), LAIT_MARKER, None), dtype=object),
    })
    return LaitTable(path.stem, data[DATA_COLUMNS])


def read_lait_dictionary(folder: str | Path | None = None) -> pd.DataFrame:
    """LAIT's data dictionary (dfe/lait/lait_data_dictionary.csv) as published, every column text, keyed by
    `Measure_short` (the code the long file calls `Short Desc`)."""
    path = data_folder(folder) / LAIT_FOLDER / LAIT_DICTIONARY
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table["Measure_short"] = table["Measure_short"].str.strip()
    return table.set_index("Measure_short", drop=False)


def is_lait_file(path: str | Path) -> bool:
    """Whether `path` is a Parquet file with LAIT's columns (its schema is read, not its rows)."""
    path = Path(path)
    if path.suffix.lower() != ".parquet" or not path.is_file():
        return False
    try:
        import pyarrow.parquet as pq

        names = set(pq.read_schema(path).names)
    except Exception:  # noqa: BLE001 - an unreadable file is simply not LAIT's
        return False
    return LAIT_COLUMNS <= names
