"""DfE explore-education-statistics (EES) CSVs, the ONS child population and MHCLG's RO3 spending.

EES CSVs (dfe/*.csv), one row per time period x geography x filter combination:
  * Columns: time_period, time_identifier, geographic_level, country/region/LA codes and names, then
    filter columns (text categories) and indicator columns. Which is which is not written in the CSV
    (EES keeps that in a separate .meta.csv that is not here): a column is an indicator when every
    value is a number or a known marker and at least one is a number, otherwise a filter; an unknown
    marker therefore shows up as a filter column rather than as a number. `filters=` overrides this.
  * Markers found in these files: c (suppressed), x (not available: not collected, or the council did
    not exist that year), z (not applicable), u (low reliability: e.g. Herefordshire's and
    Hampshire's 2024 referral figures), low (CSWW: a positive FTE that rounds to 0) and k (a positive
    percentage that rounds to 0). No blanks occur in indicator columns. Every marker becomes NaN,
    never 0, and is kept in `EesTable.markers` so a page can say "suppressed" or "not applicable".
    `MARKERS` also holds RO3's bracketed markers and LAIT's "-" (see `lait`), so every marker goldthread
    stores has a meaning a page can show.
  * Some files start with a UTF-8 byte-order mark; column order differs between files (la_name before
    or after new_la_code); some quote empty codes (""), others leave them bare.
  * LA rows of the CIN files give London councils the sub-region codes E13000001/E13000002 (Inner and
    Outer London) as region_code; the councils table has the real region.
  * Council coverage changes by file: the CIN, CP and population files add and drop councils as they
    were created and abolished; the CLA and care leaver files (2021-2025) carry all 155 codes every
    year, with x/z in the years a council did not exist. The C4 file keeps Gateshead's and
    Northumberland's pre-2013 codes until 2019; csww_indicators uses Barnsley's and Sheffield's new
    codes in 2025 only. `CodeMap.canonical` maps all of these to one council.
  * Joint returns: the workforce survey (CSWW) reports Kingston upon Thames with Richmond upon Thames
    (old_la_code "314 / 318", la_code "E09000021 / E09000027") and North with West Northamptonshire
    ("940 / 941") as single rows. The older csww_headline file puts the joint figures on Kingston's
    and North Northamptonshire's own rows (Richmond / West Northamptonshire are z or absent);
    `attribute_joint_returns` relabels those rows so they are not read as one council's workforce.

ONS mid-year child population (ons_mid-year_population_estimates_2012_to_2024.csv): EES format, one
indicator (population_estimate, children aged 0-17) per mid-year. Bournemouth, Poole and the old
Dorset county are x for 2012-2018 and BCP and the new Dorset have no rows before 2019 (the ONS
re-based the series on the new areas), so no population exists for that area before mid-2019.
DfE's CLA rate for reporting year Y uses the mid-(Y-1) estimate.

RO3_LA_Data_2024-25_data_by_LA.ods (MHCLG revenue outturn, £ thousand), sheet `RO3_LA_Data_202425`:
six note rows, a header row ("E-code", "ONS Code", "Local authority", "Notes", "Class", ...), one row
per authority (410, including districts, police, fire...), an ENGLAND row, then a second table of
class totals under a repeated header, and a hidden last row of variable ids ("RO3-csctot-net-cur-exp").
Cells hold "[x]" (return not received: Birmingham, Cumberland, Slough and six districts, whose row
note is "M"), "[n]" (no estimate), "[note 3]"/"[note 4]" in place of values (Gateshead's looked-after
breakdown, note 4), all read as NaN with the marker kept.

Every year: `read_ro3` reads every RO3 workbook in dfe/ (`RO3_*`), and every data sheet in each (a sheet
whose first column has the "E-code" header and that has the row of variable ids), so a workbook of
several years, or one workbook per year, gives every year it holds. Each sheet's financial year comes
from its title ("... (RO) 2023-24: ...") or, failing that, its name ("RO3_LA_Data_202324"); two sheets
for the same year are refused. Columns after "Class" that a year's layout lacks ("Detailed Class",
"Certification") are left blank.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._util import data_folder, snake_case, unique_snake_columns
from .lookups import CodeMap, read_code_map

DFE_FOLDER = "dfe"
POPULATION_CSV = "ons_mid-year_population_estimates_2012_to_2024.csv"
CSWW_INDICATORS = "csww_indicators_2017_to_2025"
CSWW_HEADLINE = "csww_headline_measures_2017_to_2022"
RO3_ODS = "dfe/RO3_LA_Data_2024-25_data_by_LA.ods"

# Marker -> (kind a page can show, what the publisher means by it).
MARKERS: dict[str, tuple[str, str]] = {
    "c": ("suppressed", "confidential: suppressed to protect individuals"),
    "x": ("not available", "not available (not collected, or not applicable to that council that year)"),
    "z": ("not applicable", "not applicable"),
    "u": ("low reliability", "low reliability: withheld because of data quality"),
    "low": ("rounds to zero", "a positive value that rounds to 0"),
    "k": ("rounds to zero", "a positive value that rounds to 0 (older DfE symbol)"),
    "~": ("rounds to zero", "a positive value that rounds to 0 (older symbol)"),
    ":": ("not available", "not available (older symbol)"),
    "..": ("not available", "not available (older symbol)"),
    "": ("blank", "no value given"),
    "[x]": ("not available", "RO: data not received in time for publication"),
    "[z]": ("not applicable", "RO: this data item is not collected"),
    "[n]": ("not available", "RO: no appropriate estimation for this item"),
    "[y]": ("not applicable", "RO: not relevant"),
    "-": ("not available", "LAIT: no figure shown (LAIT prints '-' for any publisher's marker: suppressed, not "
          "available, not applicable or low reliability)"),
}
_RO_NOTE = re.compile(r"\[note \d+\]")

# EES identifier columns (time and geography); everything else is a filter or an indicator.
EES_ID_COLUMNS = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name",
)


def marker_kind(marker: str) -> str:
    """"suppressed", "not available", "not applicable", "low reliability", "rounds to zero", "blank"
    or "note" (an RO "[note N]" reference in place of a value)."""
    text = str(marker).strip().lower()
    if _RO_NOTE.fullmatch(text):
        return "note"
    return MARKERS[text][0]


def _is_marker(text: str) -> bool:
    return text.lower() in MARKERS or bool(_RO_NOTE.fullmatch(text.lower()))


@dataclass(frozen=True)
class EesTable:
    """One EES CSV, tidied.

    `data`: the id columns (time_period as int, new_la_code renamed la_code), the filter columns, then
    one float column per indicator (NaN wherever the file has a marker). `markers`: same rows, one
    column per indicator holding the marker text (NA where the value is a number).
    """

    name: str
    data: pd.DataFrame
    markers: pd.DataFrame
    ids: tuple[str, ...]
    filters: tuple[str, ...]
    indicators: tuple[str, ...]

    @property
    def keys(self) -> list[str]:
        return [*self.ids, *self.filters]

    def long(self) -> pd.DataFrame:
        """One row per value: the keys, `indicator`, `value` (float, NaN if marked), `marker`."""
        values = self.data.melt(id_vars=self.keys, value_vars=list(self.indicators),
                                var_name="indicator", value_name="value")
        marks = self.markers.melt(value_vars=list(self.indicators), value_name="marker")
        values["marker"] = marks["marker"].to_numpy()
        return values

    def marker_counts(self) -> pd.DataFrame:
        """How often each marker occurs per indicator: columns indicator, marker, kind, count."""
        long = self.markers.melt(var_name="indicator", value_name="marker").dropna()
        counts = long.groupby(["indicator", "marker"]).size().rename("count").reset_index()
        counts["kind"] = counts["marker"].map(marker_kind)
        return counts[["indicator", "marker", "kind", "count"]]


def _split_values(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = column.str.strip()
    values = pd.to_numeric(text, errors="coerce")
    markers = text.where(values.isna()).astype("string")
    return values.astype(float), markers


def read_ees_csv(path: str | Path, filters: list[str] | None = None) -> EesTable:
    """Read one EES CSV. `filters` (published or snake_case names) forces which columns are filters."""
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = unique_snake_columns(raw.columns)
    ids = [c for c in EES_ID_COLUMNS if c in raw.columns]
    forced = {snake_case(f) for f in filters or ()}
    filter_cols, indicator_cols = [], []
    for column in raw.columns:
        if column in ids:
            continue
        text = raw[column].str.strip()
        numeric = pd.to_numeric(text, errors="coerce").notna()
        marked = text.map(_is_marker)
        if column not in forced and (numeric | marked).all() and numeric.any():
            indicator_cols.append(column)
        else:
            filter_cols.append(column)
    data = raw[ids + filter_cols].copy()
    data["time_period"] = data["time_period"].astype(int)
    markers = {}
    for column in indicator_cols:
        data[column], markers[column] = _split_values(raw[column])
    data = data.rename(columns={"new_la_code": "la_code"})
    ids = ["la_code" if c == "new_la_code" else c for c in ids]
    return EesTable(path.stem, data, pd.DataFrame(markers, index=data.index), tuple(ids),
                    tuple(filter_cols), tuple(indicator_cols))


def read_dfe_tables(folder: str | Path | None = None) -> dict[str, EesTable]:
    """Every EES CSV in dfe/, keyed by file name without ".csv" (the population file included)."""
    base = data_folder(folder) / DFE_FOLDER
    return {path.stem: read_ees_csv(path) for path in sorted(base.glob("*.csv"))}


def joint_codes(code: str) -> tuple[str, ...]:
    """"E09000021 / E09000027" -> ("E09000021", "E09000027"); a single code -> (code,)."""
    return tuple(part.strip() for part in str(code).split("/"))


def joint_returns(table: EesTable) -> pd.DataFrame:
    """The rows that report several councils together: time_period, old_la_code, la_code, la_name."""
    data = table.data
    joint = data[data["la_code"].astype(str).str.contains("/")]
    return joint[["time_period", "old_la_code", "la_code", "la_name"]].drop_duplicates(ignore_index=True)


def attribute_joint_returns(table: EesTable, units: pd.DataFrame) -> EesTable:
    """Relabel rows that carry a joint return under one member council's code.

    `units` lists the joint returns (see `joint_returns`, usually of csww_indicators, which labels them
    properly). For each period and unit that `table` has no joint row for, if exactly one member's row
    has any numeric value, that row is given the unit's codes and name. Other members' rows (all
    markers) are left as they are, so no figure is counted under two councils.
    """
    data = table.data.copy()
    has_value = data[list(table.indicators)].notna().any(axis=1)
    for unit in units.itertuples(index=False):
        in_period = data["time_period"] == unit.time_period
        if (in_period & (data["la_code"] == unit.la_code)).any():
            continue
        carriers = data.index[in_period & data["la_code"].isin(joint_codes(unit.la_code)) & has_value]
        if len(carriers) == 1:
            data.loc[carriers, ["old_la_code", "la_code", "la_name"]] = [
                unit.old_la_code, unit.la_code, unit.la_name]
    return EesTable(table.name, data, table.markers, table.ids, table.filters, table.indicators)


class ChildPopulation:
    """ONS mid-year estimates of children aged 0-17, by council (any code `CodeMap` knows), region or
    England. `get(code, year)` gives the latest estimate at or before `year`."""

    def __init__(self, table: EesTable, code_map: CodeMap):
        data = table.data
        la = data["geographic_level"] == "Local authority"
        key = data["la_code"].map(code_map.canonical).where(la)
        key = key.fillna(data["region_code"].where(data["geographic_level"] == "Regional"))
        key = key.fillna(data["country_code"].where(data["geographic_level"] == "National"))
        frame = pd.DataFrame({
            "code": key,
            "year": data["time_period"],
            "geographic_level": data["geographic_level"],
            "la_name": data["la_name"],
            "population": data["population_estimate"],
            "marker": table.markers["population_estimate"],
        })
        if frame["code"].isna().any():
            raise ValueError("population rows with no recognisable code")
        valued = frame.dropna(subset=["population"])
        duplicated = valued.duplicated(["code", "year"], keep=False)
        if duplicated.any():
            raise ValueError(f"two populations for one area and year: {valued[duplicated].head()}")
        self.table = frame
        self._code_map = code_map
        self._series = {
            code: group.set_index("year")["population"].sort_index()
            for code, group in valued.groupby("code")
        }

    def lookup(self, code: str, year: int) -> tuple[int, int] | None:
        """(year of the estimate used, children aged 0-17), or None if no estimate at or before `year`."""
        key = self._code_map.canonical(code) or str(code).strip()
        series = self._series.get(key)
        if series is None:
            return None
        earlier = series[series.index <= year]
        if earlier.empty:
            return None
        return int(earlier.index[-1]), int(earlier.iloc[-1])

    def get(self, code: str, year: int) -> int | None:
        found = self.lookup(code, year)
        return None if found is None else found[1]


def read_child_population(folder: str | Path | None = None, code_map: CodeMap | None = None) -> ChildPopulation:
    base = data_folder(folder)
    code_map = read_code_map(base) if code_map is None else code_map
    return ChildPopulation(read_ees_csv(base / DFE_FOLDER / POPULATION_CSV), code_map)


@functools.lru_cache(maxsize=4)
def _packaged_population(folder: str | None) -> ChildPopulation:
    return read_child_population(folder)


def child_population(la_code: str, year: int, folder: str | Path | None = None) -> int | None:
    """Children aged 0-17 in `la_code` (council, region or England) at the latest mid-year <= `year`."""
    return _packaged_population(None if folder is None else str(folder)).get(la_code, year)


_RO_MEASURE = re.compile(r"\s*\(C\d[^)]*\)\s*$")
_CHILDREN = re.compile(r"children'?s? social care", re.IGNORECASE)
_CSC_CLASSES = {"UA", "MD", "LB", "SC", "Eng"}


RO3_PATTERN = "RO3_*"
_FINANCIAL_YEAR = re.compile(r"(20\d\d)-(\d\d)\b")
_SHEET_YEAR = re.compile(r"(20\d\d)(\d\d)$")
_RO3_REQUIRED = ("E-code", "ONS Code", "Local authority", "Class")
_RO3_OPTIONAL = ("Notes", "Detailed Class", "Certification")


def ro3_files(folder: str | Path | None = None) -> list[Path]:
    """Every RO3 workbook in the data folder's dfe/ (the packaged one: 2024-25 only)."""
    base = data_folder(folder) / DFE_FOLDER
    found = sorted(p for p in base.glob(RO3_PATTERN) if p.suffix.lower() in (".ods", ".xlsx", ".xls", ".xlsm"))
    return found or [data_folder(folder) / RO3_ODS]


def _sheet_year(raw: pd.DataFrame, sheet: str) -> str:
    for row in range(min(len(raw), 8)):
        match = _FINANCIAL_YEAR.search(str(raw.iat[row, 0]))
        if match:
            return match.group(0)
    match = _SHEET_YEAR.search(sheet)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    raise ValueError(f"RO3 sheet {sheet!r}: no financial year in its title or name")


def _is_data_sheet(raw: pd.DataFrame) -> bool:
    if raw.empty:
        return False
    first = raw.iloc[:, 0].astype(str).str.strip()
    if not (first == "E-code").any():
        return False
    return bool(raw.iloc[:, -1].astype(str).str.startswith("RO3-").any())


def read_ro3(folder: str | Path | None = None, children_only: bool = True,
             code_map: CodeMap | None = None) -> pd.DataFrame:
    """RO3 revenue outturn as a long table, £ thousand: every year of every RO3 workbook in the folder.

    With `children_only` (default): the children's social care lines, for the 153 councils with
    children's services responsibilities (classes UA, MD, LB, SC) and England.
    Columns: financial_year ("2024-25"), la_code (goldthread's code where a council, else the ONS code
    given), ro_code (MHCLG's own E-code), la_name (as published), la_class, certified ("Y"/"N"/"[x]"),
    row_note ("M": return not received), variable (MHCLG's id), service, measure, value, marker.
    """
    base = data_folder(folder)
    code_map = read_code_map(base) if code_map is None else code_map
    tables, seen = [], {}
    for path in ro3_files(base):
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
        for sheet, raw in sheets.items():
            if not _is_data_sheet(raw):
                continue
            year = _sheet_year(raw, str(sheet))
            if year in seen:
                raise ValueError(f"two RO3 sheets hold {year}: {seen[year]} and {path.name} {sheet}")
            seen[year] = f"{path.name} {sheet}"
            tables.append(_read_ro3_sheet(raw, year, children_only, code_map))
    if not tables:
        raise ValueError("no RO3 data sheet found (a sheet with an 'E-code' header and a row of RO3- variable ids)")
    table = pd.concat(tables, ignore_index=True)
    unknown = {m for m in table["marker"].dropna() if m != "None" and not _is_marker(m)}
    if unknown:
        raise ValueError(f"unrecognised RO3 cell values {sorted(unknown)}")
    return table


def _read_ro3_sheet(raw: pd.DataFrame, year: str, children_only: bool, code_map: CodeMap) -> pd.DataFrame:
    first = raw.iloc[:, 0].astype(str).str.strip()
    header_row = int(first[first == "E-code"].index[0])
    headers = [str(h).strip() for h in raw.iloc[header_row]]
    id_row = next(i for i in range(len(raw)) if str(raw.iat[i, len(headers) - 1]).startswith("RO3-"))
    missing = [name for name in _RO3_REQUIRED if name not in headers]
    if missing:
        raise ValueError(f"RO3 {year}: no {', '.join(missing)} column")
    columns = {name: headers.index(name) for name in (*_RO3_REQUIRED, *_RO3_OPTIONAL) if name in headers}
    body = raw.iloc[header_row + 1:]
    body = body[body.iloc[:, columns["ONS Code"]].astype(str).str.fullmatch(r"E\d{8}")]
    if children_only:
        body = body[body.iloc[:, columns["Class"]].isin(_CSC_CLASSES)]
    value_cols = [j for j in range(len(headers)) if j not in columns.values()
                  and str(raw.iat[id_row, j]).startswith("RO3-")
                  and (not children_only or _CHILDREN.search(headers[j]))]
    labels = {j: _RO_MEASURE.sub("", headers[j]).rpartition(" - ") for j in value_cols}
    rows = []
    for record in body.itertuples(index=False):
        ons = str(record[columns["ONS Code"]])
        note = record[columns["Notes"]] if "Notes" in columns else None
        certified = record[columns["Certification"]] if "Certification" in columns else None
        for j in value_cols:
            cell = record[j]
            number = pd.to_numeric(cell, errors="coerce") if not isinstance(cell, str) else float("nan")
            service, _, measure = labels[j]
            rows.append({
                "financial_year": year,
                "la_code": code_map.canonical(ons) or ons,
                "ro_code": str(record[columns["E-code"]]),
                "la_name": str(record[columns["Local authority"]]).strip(),
                "la_class": record[columns["Class"]],
                "certified": certified,
                "row_note": None if note is None or pd.isna(note) else str(note),
                "variable": str(raw.iat[id_row, j]),
                "service": service.strip(),
                "measure": snake_case(measure),
                "value": float(number),
                "marker": str(cell).strip() if isinstance(cell, str) else None,
            })
    table = pd.DataFrame(rows)
    for column in ("row_note", "marker"):
        table[column] = table[column].astype("str")
    return table
