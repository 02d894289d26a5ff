"""The national indicator registry: each published figure goldthread compares councils on, declared once.

An `Indicator` carries the same metadata as an Annex A `Measure` (id, title, definition, unit,
polarity, group) so pages and exports treat both alike, plus the dataset it is read from (`source`,
one of `DATASETS`), the publication file it was read from (`source_file`), whether the value is
printed in the file or computed by goldthread from printed counts (`method`), and the local measures it is
the published twin of (`links`). `function(table, ctx)` turns the dataset's table into tidy council rows:

    la_code (goldthread's council code: the CodeMap's canonical code), year (int, as published; the
    dataset says what it means), value (float, NaN when not available), numerator, denominator
    (float, NaN where the publication gives none), marker (the publisher's marker text when the value
    is missing, else None)

`published_aggregates` gives the England and regional rows the same files print, so benchmarks show
DfE's own England figure rather than a mean of councils.

Twins. A local measure names its published twin (`Measure.national`, in goldthread.core.measures); several
measures may share one twin (an Annex A measure, its CIN census or SSDA903 counterpart, a workforce-list
measure). The indicator declares the same links the other way, `links`: for each linked measure, in one short
sentence, how the published figure differs from it (Annex A's six-month window against DfE's year to 31 March,
a date in the month against 30 September, another cohort...); `twin_note(measure_id)` gives it to a page. A
test checks that both sides agree and that every measure left unlinked has a reason. `annex_a` is the linked
measure read from Annex A, if any (the one a page of indicator definitions names).

LAIT. DfE's Local Authority Interactive Tool republishes figures no packaged EES file holds (assessments
within 45 working days, from CIN table C2; child protection reviews; plans ending after two years; health and
dental checks, missing and away children, unaccompanied asylum-seeking children). Those indicators read its
long file (`lait`): value as LAIT prints it, no numerator or denominator (LAIT prints none), LAIT's "-" kept
as the marker; title as LAIT's data dictionary's `Measure`, polarity as its `Polarity` (High, Low, or "-" for
neither), definition from its Description and Methodology. Only measures whose dictionary `Year_Type` is
"Financial Year" and whose years are all plain years ("2025" = the year ending 31 March 2025) are read.

Method notes (checked against the files; the tests repeat the checks):

* Codes. Council rows are keyed by `CodeMap.canonical`: recoded councils (Buckinghamshire county
  E10000002, North Yorkshire, Somerset, Gateshead and Northumberland's pre-2013 codes, Barnsley and
  Sheffield's 2025 workforce codes) carry their current code for their whole history. Councils
  abolished by a merger or split (Bournemouth, Poole, the old Dorset county, Northamptonshire,
  Cumbria) keep their own code: their figures describe only part of a current council's area, so they
  are never given to a successor. Joint workforce returns ("E09000021 / E09000027") are no one
  council's and are left out. Rows with no value for a council-year when the council did not exist
  (the CLA and care leaver files print x/z for them) are dropped; a row with a value is never dropped.
* Markers. Any marker (c, x, z, u, low, k, RO's [x]) leaves the value NaN, never 0, with the marker
  kept. A computed value takes the first marker among the numbers it needs.
* Rates per 10,000 children that the files no longer print (referrals, s47 enquiries, ICPCs, children
  in need and child protection plans at 31 March) are computed as count / children aged 0-17 x 10,000,
  with the ONS mid-year estimate for 30 June of the previous calendar year: the middle of the year to
  31 March, and the estimate DfE's CLA file uses for its own rate (a test checks this for every
  England row). DfE's older CIN releases printed rates using the latest estimate available when they
  were published (the 2023 C4 release: 191.6 section 47 enquiries per 10,000 = 225,400 / mid-2021's
  11,762,878), so a rate printed at the time can differ slightly from the one here. Where no estimate
  exists for exactly that mid-year (Bournemouth, Poole and old Dorset before 2019; any year after the
  latest population file), the rate is NaN: an older estimate is never substituted.
* Percentages the files print are taken as printed (C1/D3/D5 to one decimal place; CLA, care leaver
  and placement figures to whole numbers); numerator and denominator are the printed counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..measures.registry import COUNT, DAYS, GROUPS, HIGHER, LOWER, NEITHER, NUMBER, PERCENT, RATE
from ._util import unique_snake_columns
from .bundle import NationalData
from .deprivation import UTLA_CSV, read_utla_deprivation
from .dfe import RO3_ODS, ChildPopulation, EesTable, read_child_population, read_ees_csv, read_ro3
from .lait import LAIT_PARQUET, LaitTable, is_lait_file, read_lait
from .lookups import CodeMap

CONTEXT = "context"
INDICATOR_GROUPS = {**GROUPS, CONTEXT: "Context"}
UNITS = (COUNT, PERCENT, RATE, NUMBER, DAYS)
POLARITIES = (HIGHER, LOWER, NEITHER)

PUBLISHED = "published"  # the value is printed in the file
COMPUTED = "computed"  # goldthread computes it from numbers printed in the file (and ONS population)

VALUE_COLUMNS = ["la_code", "year", "value", "numerator", "denominator", "marker"]
LONG_COLUMNS = ["indicator_id", *VALUE_COLUMNS]
AGGREGATE_COLUMNS = ["geography", "level", "year", "value", "numerator", "denominator", "marker", "derived"]

NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"
ENGLAND = "England"
ENGLAND_CODE = "E92000001"

_AREA_COLUMNS = ["geographic_level", "code", "year", "value", "numerator", "denominator", "marker"]


@dataclass(frozen=True)
class Dataset:
    """A kind of published dataset: what `year` means in it, and the file goldthread packages."""

    key: str
    title: str
    year_meaning: str
    reference_date: tuple[int, int] | None  # (month, day) in `year` the figures describe; None: no date
    packaged_file: str


_MARCH = "the year ending 31 March (2025 = April 2024 to March 2025; 'at 31 March' figures are on 31 March 2025)"

DATASETS: dict[str, Dataset] = {d.key: d for d in (
    Dataset("cin_b1", "DfE children in need, table B1: episodes and children in need", _MARCH, (3, 31),
            "b1_children_in_need_2013_to_2025.csv"),
    Dataset("cin_c1", "DfE children in need, table C1: referrals and re-referrals", _MARCH, (3, 31),
            "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"),
    Dataset("cin_c3", "DfE children in need, table C3: factors identified at the end of assessment", _MARCH,
            (3, 31), "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"),
    Dataset("cin_c4", "DfE children in need, table C4: section 47 enquiries and initial child protection "
            "conferences", _MARCH, (3, 31), "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"),
    Dataset("cp_d3", "DfE children in need, table D3: child protection plans that are a second or subsequent "
            "plan", _MARCH, (3, 31), "d3_cpps_subsequent_plan_2013_to_2025.csv"),
    Dataset("cp_d5", "DfE children in need, table D5: child protection plans open at 31 March by duration",
            _MARCH, (3, 31), "d5_cpps_at31march_by_duration_2013_to_2025.csv"),
    Dataset("cla_rate", "DfE children looked after: number and rate per 10,000 children", _MARCH, (3, 31),
            "cla_number_and_rate_per_10k_children.csv"),
    Dataset("cla_placement_stability", "DfE children looked after: placement stability", _MARCH, (3, 31),
            "la_cla_placement_stability.csv"),
    Dataset("cla_new_placements", "DfE children looked after: new placements during the year", _MARCH,
            (3, 31), "la_cla_during_year_new_placements.csv"),
    Dataset("care_leavers_activity", "DfE care leavers: activity (education, employment, training)", _MARCH,
            (3, 31), "la_care_leavers_activity.csv"),
    Dataset("care_leavers_accommodation", "DfE care leavers: suitability of accommodation", _MARCH, (3, 31),
            "la_care_leavers_accommodation_suitability.csv"),
    Dataset("cla_swcount", "DfE children looked after: number of social workers during the year", _MARCH,
            (3, 31), "la_cla_swcount.csv"),
    Dataset("csww", "DfE children's social work workforce: indicators", "the workforce census date, "
            "30 September of the year (2025 = at 30 September 2025; leavers in the year to that date)",
            (9, 30), "csww_indicators_2017_to_2025.csv"),
    Dataset("csww_headline", "DfE children's social work workforce: headline measures (older file, "
            "superseded by csww: its figures are the earlier, unrevised ones)", "30 September of the year",
            (9, 30), "csww_headline_measures_2017_to_2022.csv"),
    Dataset("ons_population", "ONS mid-year population estimates, children aged 0 to 17", "the mid-year "
            "estimate date, 30 June of the year", (6, 30), "ons_mid-year_population_estimates_2012_to_2024.csv"),
    Dataset("ro3", "MHCLG revenue outturn RO3 (social care and public health), £ thousand", "the financial "
            "year ending 31 March (2025 = 2024-25)", (3, 31), "RO3_LA_Data_2024-25_data_by_LA.ods"),
    Dataset("deprivation", "English Indices of Deprivation by children's services authority", "the IoD "
            "vintage (2025 = IoD2025, 2019 = IoD2019)", None, "utla_deprivation.csv"),
    Dataset("lait", "DfE Local Authority Interactive Tool (LAIT): its published dataset", "for the financial-year "
            "measures goldthread reads, the year ending 31 March (2025 = April 2024 to March 2025)", (3, 31),
            LAIT_PARQUET),
)}


# --------------------------------------------------------------------------- recognising datasets

@dataclass(frozen=True)
class _Rule:
    kind: str
    columns: frozenset[str]
    value_in: tuple[str, str] | None = None  # (column, text some value of it contains, lower case)


def _rule(kind: str, columns: str, value_in: tuple[str, str] | None = None) -> _Rule:
    return _Rule(kind, frozenset(columns.split()), value_in)


# EES column names (snake_case, new_la_code as la_code) that identify each dataset, and for files whose
# columns are generic, a filter value that must occur. The rules are exclusive on the packaged files.
_EES_RULES = (
    _rule("cin_b1", "at31_episodes anypoint_episodes"),
    _rule("cin_c1", "referral_count rereferral_count"),
    _rule("cin_c3", "episodes_with_assessment_factor"),
    _rule("cin_c4", "section47 icpc"),
    _rule("cp_d3", "cpp_start cpp_subsequent"),
    _rule("cp_d5", "cpp_at31 2_years_or_more"),
    _rule("cla_rate", "population_type children_count rate_per_10000", ("population_type", "looked after on 31 march")),
    _rule("cla_placement_stability", "cla_group placement_stability children_count"),
    _rule("cla_new_placements", "characteristic breakdown children_count", ("breakdown", "total new placements")),
    _rule("care_leavers_activity", "care_leaver_age breakdown care_leaver_count",
          ("breakdown", "total in education, employment or training")),
    _rule("care_leavers_accommodation", "care_leaver_age breakdown care_leaver_count",
          ("breakdown", "accommodation considered suitable")),
    _rule("cla_swcount", "cla_group sw_stability"),
    _rule("csww", "inpost_fte turnover_rate_fte"),
    _rule("csww_headline", "social_worker_fte turnover_rate_fte_pct"),
    _rule("ons_population", "age_group population_estimate", ("age_group", "0 to 17")),
)
_EES_REQUIRED = frozenset({"time_period", "geographic_level"})
_DEPRIVATION_COLUMNS = frozenset({"la_code", "source_vintage", "imd_avg_score"})


def _kind(columns: set[str], values: Callable[[str], set[str]]) -> str | None:
    if _DEPRIVATION_COLUMNS <= columns:
        return "deprivation"
    if not _EES_REQUIRED <= columns:
        return None
    found = []
    for rule in _EES_RULES:
        if not rule.columns <= columns:
            continue
        if rule.value_in is not None:
            column, text = rule.value_in
            if not any(text in str(v).lower() for v in values(column)):
                continue
        found.append(rule.kind)
    if len(found) > 1:
        raise ValueError(f"file matches several datasets: {found}")
    return found[0] if found else None


def _sheet_is_ro3(sheet: pd.DataFrame) -> bool:
    cells = sheet.astype(str).apply(lambda column: column.str.strip())
    titled = cells.apply(lambda column: column.str.contains("(RO3)", regex=False)).any().any()
    header = ((cells == "E-code").any(axis=1) & (cells == "ONS Code").any(axis=1)).any()
    return bool(titled and header)


def identify_dataset(path: str | Path) -> str | None:
    """The kind of dataset (a key of `DATASETS`) a file holds, judged from its content (column names and
    filter values, for a workbook its sheets' titles and headers, for a Parquet file its columns), never from
    its name; None for a file that is none of them (including Ofsted's workbooks, the lookups and LAIT's data
    dictionary)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "lait" if is_lait_file(path) else None
    if suffix in (".ods", ".xlsx", ".xls", ".xlsm"):
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, nrows=15, engine="calamine")
        except Exception:  # noqa: BLE001 - an unreadable workbook is simply not a dataset
            return None
        return "ro3" if any(_sheet_is_ro3(sheet) for sheet in sheets.values() if not sheet.empty) else None
    if suffix not in (".csv", ".txt"):
        return None
    try:
        header = pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    try:
        columns = unique_snake_columns(header.columns)
    except ValueError:
        return None
    published = dict(zip(columns, header.columns, strict=True))
    renamed = {"la_code" if c == "new_la_code" else c for c in columns}

    def values(column: str) -> set[str]:
        original = published[column]
        read = pd.read_csv(path, dtype=str, usecols=[original], keep_default_na=False, encoding="utf-8-sig")
        return set(read[original].str.strip())

    return _kind(renamed, values)


def _table_kind(table: EesTable) -> str | None:
    return _kind(set(table.data.columns), lambda column: set(table.data[column].astype(str).str.strip()))


def dataset_tables(national: NationalData) -> dict[str, Any]:
    """The bundle's tables keyed by dataset kind (recognised from their content, as `identify_dataset`):
    EesTables for the EES CSVs, `national.ro3` for "ro3", `national.deprivation` for "deprivation",
    `national.lait` (a LaitTable) for "lait"."""
    tables: dict[str, Any] = {"ro3": national.ro3, "deprivation": national.deprivation, "lait": national.lait}
    for name, table in national.dfe.items():
        kind = _table_kind(table)
        if kind is None:
            continue
        if kind in tables:
            raise ValueError(f"two tables hold dataset {kind!r}: {tables[kind].name} and {name}")
        tables[kind] = table
    return tables


# --------------------------------------------------------------------------- the registry

@dataclass(frozen=True)
class IndicatorContext:
    """What indicator functions need besides their table: the CodeMap and the ONS child population."""

    code_map: CodeMap
    population: ChildPopulation | None = None

    @functools.cached_property
    def _population(self) -> pd.Series:
        if self.population is None:
            return pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=["code", "year"]))
        table = self.population.table.dropna(subset=["population"])
        return table.set_index(["code", "year"])["population"].astype(float)

    def population_at(self, codes: pd.Series, years: pd.Series) -> pd.Series:
        """Children aged 0-17 in each (area, mid-year) pair; NaN when the ONS gives no estimate for exactly
        that mid-year. Council codes are taken through the CodeMap; region and England codes as given."""
        keys = pd.MultiIndex.from_arrays([codes.astype(object).to_numpy(), years.astype(int).to_numpy()])
        found = self._population.reindex(keys).to_numpy(dtype=float)
        return pd.Series(found, index=codes.index)


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    unit: str
    polarity: str
    group: str
    source: str
    source_file: str
    function: Callable[[Any, IndicatorContext], pd.DataFrame]  # (table, ctx) -> council rows, VALUE_COLUMNS
    # The local measures it is the published twin of, each with how the published figure differs from it.
    links: tuple[tuple[str, str], ...] = ()
    method: str = PUBLISHED
    areas: Callable[[Any, IndicatorContext], pd.DataFrame] | None = None  # every geographic level

    @property
    def year_meaning(self) -> str:
        return DATASETS[self.source].year_meaning

    @property
    def local_measures(self) -> tuple[str, ...]:
        """The ids of the local measures linked to it (Annex A, CIN census, SSDA903, workforce list)."""
        return tuple(measure_id for measure_id, _ in self.links)

    @property
    def annex_a(self) -> str | None:
        """The linked measure read from Annex A, if any."""
        from ..measures import REGISTRY
        from ..measures.registry import ANNEX_A

        return next((m for m in self.local_measures if m in REGISTRY and REGISTRY[m].source == ANNEX_A), None)

    def difference(self, measure_id: str) -> str:
        """How this published figure differs from the linked measure; KeyError if it is not linked."""
        return dict(self.links)[measure_id]

    def values(self, table: Any, ctx: IndicatorContext) -> pd.DataFrame:
        return self.function(table, ctx)

    def aggregates(self, table: Any, ctx: IndicatorContext) -> pd.DataFrame:
        """England ("England") and regional (region code) rows: AGGREGATE_COLUMNS. `derived` is True when
        goldthread computed the value from the England or region row's printed counts."""
        frame = self.areas(table, ctx)
        frame = frame[frame["geographic_level"].isin([NATIONAL, REGIONAL])]
        out = pd.DataFrame({
            "geography": np.where(frame["geographic_level"] == NATIONAL, ENGLAND, frame["code"].astype(object)),
            "level": frame["geographic_level"].map({NATIONAL: "national", REGIONAL: "regional"}).astype(object),
            "year": frame["year"].astype(int),
            "value": frame["value"].astype(float),
            "numerator": frame["numerator"].astype(float),
            "denominator": frame["denominator"].astype(float),
            "marker": _markers(frame["marker"]),
            "derived": self.method == COMPUTED,
        })
        return out.sort_values(["level", "geography", "year"], ignore_index=True)


INDICATORS: dict[str, Indicator] = {}


def indicator(*, id: str, title: str, definition: str, unit: str, polarity: str, group: str, source: str,
              links: dict[str, str] | None = None, method: str = PUBLISHED):
    """Declare an indicator. The decorated function returns rows for every geographic level the file has
    (columns geographic_level, code, year, value, numerator, denominator, marker); the registered
    `function` keeps the council rows, keyed by goldthread's council code. `links`: local measure id -> how
    this published figure differs from it (one short sentence); each of those measures names this indicator
    as its `national` twin."""
    if unit not in UNITS or polarity not in POLARITIES or group not in INDICATOR_GROUPS:
        raise ValueError(f"indicator {id!r}: bad unit, polarity or group")
    if source not in DATASETS or method not in (PUBLISHED, COMPUTED):
        raise ValueError(f"indicator {id!r}: unknown source {source!r} or method {method!r}")
    notes = tuple((measure_id, " ".join(note.split())) for measure_id, note in (links or {}).items())
    if any(not note for _, note in notes):
        raise ValueError(f"indicator {id!r}: every link says how the published figure differs")

    def register(areas: Callable[[Any, IndicatorContext], pd.DataFrame]):
        if id in INDICATORS:
            raise ValueError(f"indicator {id!r} is declared twice")
        INDICATORS[id] = Indicator(
            id, title, " ".join(definition.split()), unit, polarity, group, source,
            DATASETS[source].packaged_file, functools.partial(_council_rows, areas, source), notes, method, areas)
        return areas

    return register


def _markers(series: pd.Series) -> pd.Series:
    """Marker text as object dtype, None where there is none."""
    values = series.astype(object).to_numpy()
    return pd.Series([None if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v)
                      for v in values], index=series.index, dtype=object)


def _council_rows(areas: Callable, source: str, table: Any, ctx: IndicatorContext) -> pd.DataFrame:
    frame = areas(table, ctx)
    frame = frame[frame["geographic_level"] == LOCAL]
    la_code = frame["code"].astype(object).map(ctx.code_map.canonical)
    out = pd.DataFrame({
        "la_code": la_code,
        "year": frame["year"].astype(int),
        "value": frame["value"].astype(float),
        "numerator": frame["numerator"].astype(float),
        "denominator": frame["denominator"].astype(float),
        "marker": _markers(frame["marker"]),
    })
    out = out[out["la_code"].notna()]  # joint returns and codes that are no council
    reference = DATASETS[source].reference_date
    if reference is not None and len(out):
        councils = ctx.code_map.councils.set_index("la_code")
        start = out["la_code"].map(councils["start_date"])
        end = out["la_code"].map(councils["end_date"])
        when = pd.to_datetime({"year": out["year"], "month": reference[0], "day": reference[1]})
        existed = (start.isna() | (start <= when)) & (end.isna() | (when < end))
        out = out[existed.to_numpy() | out["value"].notna().to_numpy()]
    duplicated = out.duplicated(["la_code", "year"], keep=False)
    if duplicated.any():
        raise ValueError(f"two values for one council and year: {out[duplicated].head()}")
    out["la_code"] = out["la_code"].astype(object)
    return out.sort_values(["la_code", "year"], ignore_index=True)[VALUE_COLUMNS]


# --------------------------------------------------------------------------- building blocks


def _area_codes(data: pd.DataFrame) -> pd.Series:
    level = data["geographic_level"]
    code = data["country_code"].astype(object).where(level == NATIONAL)
    code = code.where(level != REGIONAL, data["region_code"].astype(object))
    return code.where(level != LOCAL, data["la_code"].astype(object))


def _select(table: EesTable, **filters: str) -> pd.Series:
    mask = pd.Series(True, index=table.data.index)
    for column, wanted in filters.items():
        mask &= table.data[column].astype(str).str.strip().str.lower() == wanted.lower()
    if not mask.any():
        raise ValueError(f"{table.name}: no rows with {filters}")
    return mask


def _first_marker(markers: pd.DataFrame) -> pd.Series:
    """Row-wise the first marker among the columns (in order), None if none."""
    out = pd.Series([None] * len(markers), index=markers.index, dtype=object)
    for column in reversed(list(markers.columns)):
        marked = markers[column].notna()
        out[marked] = markers.loc[marked, column].astype(str)
    return out


def _areas(data: pd.DataFrame, value, numerator=np.nan, denominator=np.nan, marker=None) -> pd.DataFrame:
    frame = pd.DataFrame({
        "geographic_level": data["geographic_level"].astype(object),
        "code": _area_codes(data),
        "year": data["time_period"].astype(int),
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "marker": marker if marker is not None else pd.Series([None] * len(data), index=data.index, dtype=object),
    }, index=data.index)
    frame["marker"] = _markers(frame["marker"]).where(frame["value"].isna(), None)
    return frame.reset_index(drop=True)


def _sum(data: pd.DataFrame, columns: list[str]) -> pd.Series:
    return data[columns].sum(axis=1, min_count=len(columns))


def _published(table: EesTable, value: str, numerator: str | None = None, denominator: str | list[str] | None = None,
               **filters: str) -> pd.DataFrame:
    """The value printed in column `value`, with its printed counts."""
    mask = _select(table, **filters) if filters else pd.Series(True, index=table.data.index)
    data, markers = table.data[mask], table.markers[mask]
    den = [denominator] if isinstance(denominator, str) else denominator
    return _areas(data, data[value],
                  data[numerator] if numerator else np.nan,
                  _sum(data, den) if den else np.nan,
                  markers[value])


def _ratio(table: EesTable, numerator: list[str], denominator: list[str], scale: float = 100.0,
           **filters: str) -> pd.DataFrame:
    """sum(numerator columns) / sum(denominator columns) x scale, computed by goldthread."""
    mask = _select(table, **filters) if filters else pd.Series(True, index=table.data.index)
    data, markers = table.data[mask], table.markers[mask]
    num, den = _sum(data, numerator), _sum(data, denominator)
    value = (num / den.where(den > 0)) * scale
    return _areas(data, value, num, den, _first_marker(markers[numerator + denominator]))


def _per_10k(table: EesTable, count: str, ctx: IndicatorContext, **filters: str) -> pd.DataFrame:
    """count / ONS children aged 0-17 at 30 June of the previous calendar year x 10,000."""
    mask = _select(table, **filters) if filters else pd.Series(True, index=table.data.index)
    data, markers = table.data[mask], table.markers[mask]
    codes = _area_codes(data)
    local = data["geographic_level"] == LOCAL
    codes = codes.where(~local, codes.map(lambda c: ctx.code_map.canonical(c) or c))
    population = ctx.population_at(codes, data["time_period"] - 1)
    value = data[count] / population * 10_000
    return _areas(data, value, data[count], population, markers[count])


_ID_KEYS = ["time_period", "geographic_level", "country_code", "region_code", "la_code"]


def _part_of_total(table: EesTable, by: str, part: str, total: str, count: str, percent: str,
                   **filters: str) -> pd.DataFrame:
    """Long files with one row per category: the printed percentage of category `part`, with its count
    as numerator and the count of category `total` as denominator."""
    base = _select(table, **filters) if filters else pd.Series(True, index=table.data.index)
    part_mask, total_mask = base & _select(table, **{by: part}), base & _select(table, **{by: total})
    keys = [k for k in _ID_KEYS if k in table.data.columns]
    parts = table.data.loc[part_mask, keys + [count, percent]].assign(marker=table.markers.loc[part_mask, percent])
    totals = table.data.loc[total_mask, keys + [count]].rename(columns={count: "total"})
    merged = parts.merge(totals, on=keys, how="left", validate="1:1")
    return _areas(merged, merged[percent], merged[count], merged["total"], merged["marker"])


def _lait(table: LaitTable, measure: str) -> pd.DataFrame:
    """One LAIT measure as printed: every area and year, no numerator or denominator (LAIT prints none), LAIT's
    "-" as the marker. Refuses a measure whose years are not all plain reporting years."""
    rows = table.measure(measure)
    odd = rows["year"].isna()
    if odd.any():
        raise ValueError(f"LAIT {measure}: years {sorted(set(rows.loc[odd, 'years']))[:5]} are not plain years")
    frame = pd.DataFrame({
        "geographic_level": rows["geographic_level"].astype(object),
        "code": rows["code"].astype(object),
        "year": rows["year"].astype(int),
        "value": rows["value"].astype(float),
        "numerator": np.nan,
        "denominator": np.nan,
        "marker": _markers(rows["marker"]),
    })
    frame["marker"] = frame["marker"].where(frame["value"].isna(), None)
    return frame.reset_index(drop=True)[_AREA_COLUMNS]


_LAIT_NOTE = """LAIT prints the figure only (no numerator or denominator), and "-" where no figure was published
(suppressed, not available, or before the council existed). Year: the year ending 31 March (LAIT's
financial-year label: 2025 = April 2024 to March 2025)."""


# --------------------------------------------------------------------------- how twins differ

_SIX_MONTHS = "counts the six months before the extract date"
_SAME_CENSUS_YEAR = "The same census year and definition as DfE's table, from the council's own CIN census return."
_SAME_903_YEAR = "The same year to 31 March and definition, from the council's own SSDA903 return."
_CSWW_MONTH = "DfE's census describes 30 September; the council's list the end of the month."


def _care_leavers_note(turned: str, band: str, accommodation: bool = False) -> str:
    note = (f"DfE counts care leavers who turned {turned} in the year to 31 March, recorded around their birthday; "
            f"Annex A those aged {band} at the extract date")
    if accommodation:
        note += ", leaving out those recorded as Exclude (DfE counts those with no information)"
    return note + "."


# --------------------------------------------------------------------------- front door and assessment

_POPULATION_NOTE = """Denominator: the ONS mid-year estimate of children aged 0 to 17 for 30 June of the previous
calendar year (the middle of the reporting year; the estimate DfE's CLA rate uses), NaN when the ONS gives
none for exactly that mid-year. Computed by goldthread: the current file prints no rate."""


@indicator(id="cin_referrals_rate", title="Referrals per 10,000 children", unit=RATE, polarity=NEITHER,
           group="front_door", source="cin_c1", method=COMPUTED, links={
               "referrals_per_10k": f"DfE counts the year to 31 March; Annex A {_SIX_MONTHS}, doubled.",
               "cin_referrals_per_10k": _SAME_CENSUS_YEAR},
           definition=f"""Referrals to children's social care received in the year to 31 March (DfE children in
           need table C1, referral_count), per 10,000 children. {_POPULATION_NOTE} Year: the year ending 31
           March.""")
def cin_referrals_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "referral_count", ctx)


@indicator(id="cin_rereferral_rate", title="Re-referrals within 12 months", unit=PERCENT, polarity=LOWER,
           group="front_door", source="cin_c1", links={
               "re_referrals_12m": f"""DfE counts referrals in the year to 31 March; Annex A {_SIX_MONTHS}, with
               an earlier referral read from "Number of Referrals in Last 12 Months".""",
               "cin_re_referrals_12m": """The same year; DfE links earlier years' returns, so it may find a few
               earlier referrals this return does not hold."""},
           definition="""Referrals in the year to 31 March that came within 12 months of a previous referral of
           the same child, as a percentage of all referrals in the year: DfE children in need table C1's
           rereferral_percent as printed (one decimal place); numerator rereferral_count, denominator
           referral_count. Year: the year ending 31 March.""")
def cin_rereferral_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "rereferral_percent", "rereferral_count", "referral_count")


@indicator(id="cin_referrals_nfa", title="Referrals with no further action", unit=PERCENT, polarity=NEITHER,
           group="front_door", source="cin_c1", links={
               "referrals_nfa": f"DfE counts referrals in the year to 31 March; Annex A {_SIX_MONTHS}.",
               "cin_referrals_nfa": _SAME_CENSUS_YEAR},
           definition="""Referrals in the year to 31 March that resulted in no further action, as a percentage of
           all referrals in the year: DfE children in need table C1's no_further_action_percent as printed;
           numerator no_further_action_count, denominator referral_count. Year: the year ending 31 March.""")
def cin_referrals_nfa(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "no_further_action_percent", "no_further_action_count", "referral_count")


_C3_NOTE = """as a percentage of episodes with at least one factor recorded at the end of assessment
(episodes_with_assessment_factor), in the year to 31 March: DfE children in need table C3, computed by
goldthread from the printed counts. An episode can have several factors. Year: the year ending 31 March."""


@indicator(id="assessment_factor_domestic_abuse_parent", title="Assessments identifying domestic abuse (parent)",
           unit=PERCENT, polarity=NEITHER, group="assessment", source="cin_c3", method=COMPUTED,
           definition=f"""Assessments at whose end domestic abuse concerning the child's parent or carer was
           identified (Domestic_Abuse_parent), {_C3_NOTE}""")
def assessment_factor_domestic_abuse_parent(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _ratio(table, ["domestic_abuse_parent"], ["episodes_with_assessment_factor"])


@indicator(id="assessment_factor_mental_health_parent", title="Assessments identifying mental health (parent)",
           unit=PERCENT, polarity=NEITHER, group="assessment", source="cin_c3", method=COMPUTED,
           definition=f"""Assessments at whose end mental health concerns about the child's parent or carer were
           identified (Mental_Health_parent), {_C3_NOTE}""")
def assessment_factor_mental_health_parent(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _ratio(table, ["mental_health_parent"], ["episodes_with_assessment_factor"])


@indicator(id="cin_assessments_within_45wd", title="Continuous assessments completed within 45 working days",
           unit=PERCENT, polarity=HIGHER, group="assessment", source="lait", links={
               "assessments_within_45wd": f"DfE counts assessments completed in the year to 31 March; Annex A {_SIX_MONTHS}.",
               "cin_assessments_within_45wd": _SAME_CENSUS_YEAR},
           definition=f"""Continuous assessments completed in the year to 31 March (an end date recorded in the
           collection year) that were completed within 45 working days, as a percentage of all assessments
           completed: DfE's children in need statistics (table C2), as LAIT republishes them (measure
           Continue_Assess_Comp, one decimal place). Working Together asks for an assessment within 45 working
           days of the referral; DfE measures from the assessment's start to its authorisation. {_LAIT_NOTE}""")
def cin_assessments_within_45wd(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "Continue_Assess_Comp")


# --------------------------------------------------------------------------- child protection


@indicator(id="s47_rate", title="Section 47 enquiries per 10,000 children", unit=RATE, polarity=NEITHER,
           group="child_protection", source="cin_c4", method=COMPUTED, links={
               "s47_per_10k": f"DfE counts enquiries started in the year to 31 March; Annex A {_SIX_MONTHS}, doubled.",
               "cin_section47s_per_10k": _SAME_CENSUS_YEAR},
           definition=f"""Section 47 enquiries started in the year to 31 March (DfE children in need table C4,
           Section47: enquiries, not children), per 10,000 children. {_POPULATION_NOTE} Year: the year
           ending 31 March.""")
def s47_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "section47", ctx)


@indicator(id="icpc_rate", title="Initial child protection conferences per 10,000 children", unit=RATE,
           polarity=NEITHER, group="child_protection", source="cin_c4", method=COMPUTED, links={
               "icpcs_per_10k": f"DfE counts conferences in the year to 31 March; Annex A {_SIX_MONTHS}, doubled.",
               "cin_icpcs_per_10k": _SAME_CENSUS_YEAR},
           definition=f"""Initial child protection conferences held in the year to 31 March (DfE children in need
           table C4, ICPC: conferences, not children), per 10,000 children. {_POPULATION_NOTE} Year: the year
           ending 31 March.""")
def icpc_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "icpc", ctx)


_BANDS = ["duration_0_10_days", "duration_11_15_days", "duration_16_20_days", "duration_21_plus_days"]


@indicator(id="cin_icpc_within_15wd", title="Initial conferences within 15 working days", unit=PERCENT,
           polarity=HIGHER, group="child_protection", source="cin_c4", method=COMPUTED, links={
               "icpc_within_15wd": f"""DfE counts conferences in the year to 31 March and leaves out those dated
               before their enquiry started; Annex A {_SIX_MONTHS} and treats those as late.""",
               "cin_icpc_within_15wd": _SAME_CENSUS_YEAR},
           definition="""Initial child protection conferences held in the year to 31 March within 15 working
           days of the start of the section 47 enquiry, as a percentage of conferences with a recorded
           duration: DfE children in need table C4, whose duration bands are in working days (DfE's variable
           descriptions in its data catalogue read "Duration between start of Section 47 enquiry and ICPC
           (0-10 working days)"; Working Together's 15 working days also run from the strategy discussion at
           which the enquiry started).
           Numerator: the 0-10 and 11-15 day bands; denominator: all four bands (DfE leaves out of the bands
           the few conferences dated before their enquiry started). Where only the 16-20 or 21+ band is
           suppressed the ICPC count is the denominator instead; where the 0-10 or 11-15 band is suppressed
           there is no value. Computed by goldthread; DfE prints no percentage. Year: the year ending 31
           March.""")
def cin_icpc_within_15wd(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    data, markers = table.data, table.markers
    numerator = _sum(data, _BANDS[:2])
    denominator = _sum(data, _BANDS).fillna(data["icpc"])
    value = numerator / denominator.where(denominator > 0) * 100
    marker = _first_marker(markers[_BANDS[:2] + ["icpc"]])
    return _areas(data, value, numerator, denominator, marker)


@indicator(id="cin_at_31_march_rate", title="Children in need at 31 March per 10,000 children", unit=RATE,
           polarity=NEITHER, group="child_protection", source="cin_b1", method=COMPUTED, links={
               "cin_per_10k": """DfE counts open episodes on 31 March (which it reports as children); Annex A
               counts children open at the extract date.""",
               "cin_children_in_need_per_10k": """The same date; DfE counts open episodes, this measure distinct
               children."""},
           definition=f"""Children in need on 31 March: episodes of need open on 31 March (DfE children in need
           table B1, At31_episodes, which DfE reports as the number of children in need at 31 March), per
           10,000 children. {_POPULATION_NOTE} Year: 31 March of the year.""")
def cin_at_31_march_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "at31_episodes", ctx)


@indicator(id="cin_episodes_started_rate", title="Children in need episodes starting per 10,000 children",
           unit=RATE, polarity=NEITHER, group="child_protection", source="cin_b1", method=COMPUTED, links={
               "cin_started_per_10k": f"DfE counts episodes starting in the year to 31 March; Annex A {_SIX_MONTHS}, doubled."},
           definition=f"""Episodes of need that started in the year to 31 March (DfE children in need table B1,
           Started_episodes: episodes, not children), per 10,000 children. {_POPULATION_NOTE} Year: the year
           ending 31 March.""")
def cin_episodes_started_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "started_episodes", ctx)


@indicator(id="cin_episodes_ended_rate", title="Children in need episodes ending per 10,000 children",
           unit=RATE, polarity=NEITHER, group="child_protection", source="cin_b1", method=COMPUTED, links={
               "cin_closed_per_10k": f"DfE counts episodes ending in the year to 31 March; Annex A {_SIX_MONTHS}, doubled."},
           definition=f"""Episodes of need that ended in the year to 31 March (DfE children in need table B1,
           Ended_episodes: episodes, not children), per 10,000 children. {_POPULATION_NOTE} Year: the year
           ending 31 March.""")
def cin_episodes_ended_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "ended_episodes", ctx)


@indicator(id="cpp_at_31_march_rate", title="Child protection plans at 31 March per 10,000 children", unit=RATE,
           polarity=NEITHER, group="child_protection", source="cp_d5", method=COMPUTED, links={
               "cpp_per_10k": "DfE counts children on a plan on 31 March; Annex A at the extract date.",
               "cin_cpp_per_10k": _SAME_CENSUS_YEAR},
           definition=f"""Children who were the subject of a child protection plan on 31 March (DfE children in
           need table D5's total, CPP_At31; table B1 has no plan count), per 10,000 children.
           {_POPULATION_NOTE} Year: 31 March of the year.""")
def cpp_at_31_march_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "cpp_at31", ctx)


@indicator(id="cpp_starting_rate", title="Child protection plans starting per 10,000 children", unit=RATE,
           polarity=NEITHER, group="child_protection", source="cp_d3", method=COMPUTED, links={
               "cpp_started_per_10k": f"DfE counts plans starting in the year to 31 March; Annex A {_SIX_MONTHS}, doubled."},
           definition=f"""Child protection plans that started in the year to 31 March (DfE children in need table
           D3, CPP_start: plans, not children), per 10,000 children. {_POPULATION_NOTE} DfE's own rate (LAIT's
           CPP_Abuse_Rate, 50.8 for England in 2025) is the same figure to one decimal place. Year: the year
           ending 31 March.""")
def cpp_starting_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _per_10k(table, "cpp_start", ctx)


@indicator(id="cpp_second_or_subsequent", title="Plans that are a second or subsequent plan", unit=PERCENT,
           polarity=LOWER, group="child_protection", source="cp_d3", links={
               "cpp_second_or_subsequent": f"DfE counts plans starting in the year to 31 March; Annex A {_SIX_MONTHS}.",
               "cin_cpp_second_or_subsequent": _SAME_CENSUS_YEAR},
           definition="""Child protection plans that started in the year to 31 March for a child who had
           previously been the subject of a plan (at any time), as a percentage of all plans starting in the
           year: DfE children in need table D3's CPP_subsequent_percent as printed; numerator CPP_subsequent,
           denominator CPP_start. Year: the year ending 31 March.""")
def cpp_second_or_subsequent(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "cpp_subsequent_percent", "cpp_subsequent", "cpp_start")


@indicator(id="cpp_2_years_plus", title="Plans open two years or more", unit=PERCENT, polarity=LOWER,
           group="child_protection", source="cp_d5", links={
               "cpp_open_2_years_plus": "DfE counts plans open on 31 March; Annex A at the extract date.",
               "cin_cpp_open_2_years_plus": _SAME_CENSUS_YEAR},
           definition="""Child protection plans open on 31 March that had lasted 2 years or more, as a percentage
           of all plans open on 31 March: DfE children in need table D5's 2_years_or_more_percent as printed;
           numerator 2_years_or_more, denominator CPP_At31. Not DfE's other measure, the share of plans ended
           in the year that lasted 2+ years (table D4, not packaged). Year: 31 March of the year.""")
def cpp_2_years_plus(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "2_years_or_more_percent", "2_years_or_more", "cpp_at31")


@indicator(id="cpp_ended_2_years_plus", title="Child Protection Plans lasting 2 years or more which cease during the year",
           unit=PERCENT, polarity=LOWER, group="child_protection", source="lait", links={
               "cpp_ended_2_years_plus": f"""DfE counts plans ending in the year to 31 March that lasted more than
               729 days; Annex A {_SIX_MONTHS} and counts 24 whole calendar months.""",
               "cin_cpp_ended_2_years_plus": """The same census year; DfE counts more than 729 days (the day the
               plan ended included), this measure 2 calendar years."""},
           definition=f"""Child protection plans that ended in the year to 31 March after lasting two years or more
           (more than 729 calendar days, counting the day the plan ended), as a percentage of plans ending in the
           year (a child whose plans ended twice counts twice): DfE's children in need statistics (plans ending by
           duration), as LAIT republishes them (measure CPPlans2yrs, one decimal place). Lower is better, as LAIT
           says, though some children need a plan for longer than two years. Not the share of plans open on 31
           March (cpp_2_years_plus). {_LAIT_NOTE}""")
def cpp_ended_2_years_plus(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "CPPlans2yrs")


@indicator(id="cpp_ending_rate", title="Ceased to be subject to Child Protection Plan", unit=RATE, polarity=NEITHER,
           group="child_protection", source="lait", links={
               "cpp_ended_per_10k": f"""DfE counts children ceasing to be the subject of a plan in the year to 31
               March; Annex A plans ending, and {_SIX_MONTHS}, doubled."""},
           definition=f"""Children who ceased to be the subject of a child protection plan during the year to 31
           March, per 10,000 children: DfE's children in need statistics, as LAIT republishes them (measure
           DeRegCPR, one decimal place). {_LAIT_NOTE}""")
def cpp_ending_rate(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "DeRegCPR")


@indicator(id="cpp_reviewed_on_time", title="Review of Child Protection Cases", unit=PERCENT, polarity=HIGHER,
           group="child_protection", source="lait", links={
               "cpp_reviews_in_timescale": """DfE counts children on a plan for 3 months or more on 31 March whose
               reviews were all held on time; Annex A plans open at the extract date and not overdue for their
               next review."""},
           definition=f"""Children who were the subject of a child protection plan on 31 March and had been for at
           least three months, the percentage whose plan had been reviewed within the required timescales
           (Working Together: the first review within three months of the initial conference, then at intervals
           of no more than six months): DfE's children in need statistics (table D6), as LAIT republishes them
           (measure RevCP, one decimal place). {_LAIT_NOTE}""")
def cpp_reviewed_on_time(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "RevCP")


# --------------------------------------------------------------------------- children in care

CLA_AT_31_MARCH = "Children looked after on 31 March each year"
CLA_ON_31_MARCH = "CLA on 31 March"
LONG_TERM_GROUP = "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"


@indicator(id="cla_rate", title="Children in care per 10,000 children", unit=RATE, polarity=NEITHER,
           group="children_in_care", source="cla_rate", links={
               "cla_per_10k": "DfE counts children looked after on 31 March; Annex A at the extract date.",
               "ssda903_cla_rate": _SAME_903_YEAR},
           definition="""Children looked after on 31 March per 10,000 children aged 0 to 17: DfE's children looked
           after rate_per_10000 as printed (whole numbers); numerator children_count, denominator the ONS
           mid-year estimate the file prints (30 June of the previous calendar year). Year: 31 March of the
           year.""")
def cla_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "rate_per_10000", "children_count", "population_estimate", population_type=CLA_AT_31_MARCH)


CLA_STARTING = "Children starting to be looked after each year"
CLA_CEASING = "Children ceasing to be looked after each year"


@indicator(id="cla_starting_rate", title="Children starting to be looked after per 10,000 children", unit=RATE,
           polarity=NEITHER, group="children_in_care", source="cla_rate", links={
               "ssda903_cla_started_rate": _SAME_903_YEAR},
           definition="""Children who started to be looked after during the year to 31 March per 10,000 children
           aged 0 to 17: DfE's children looked after file, "Children starting to be looked after each year",
           rate_per_10000 as printed (whole numbers); numerator children_count, denominator the ONS mid-year
           estimate the file prints. Year: the year ending 31 March.""")
def cla_starting_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "rate_per_10000", "children_count", "population_estimate", population_type=CLA_STARTING)


@indicator(id="cla_ceasing_rate", title="Children ceasing to be looked after per 10,000 children", unit=RATE,
           polarity=NEITHER, group="children_in_care", source="cla_rate", links={
               "ssda903_cla_ceased_rate": _SAME_903_YEAR},
           definition="""Children who ceased to be looked after during the year to 31 March per 10,000 children
           aged 0 to 17: DfE's children looked after file, "Children ceasing to be looked after each year",
           rate_per_10000 as printed (whole numbers); numerator children_count, denominator the ONS mid-year
           estimate the file prints. Year: the year ending 31 March.""")
def cla_ceasing_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "rate_per_10000", "children_count", "population_estimate", population_type=CLA_CEASING)


@indicator(id="cla_3plus_placements", title="Children in care with three or more placements", unit=PERCENT,
           polarity=LOWER, group="children_in_care", source="cla_placement_stability", links={
               "cla_3plus_placements": """DfE counts placements in the year to 31 March of children looked after
               then; Annex A takes "Number of Placements in the Last 12 months" at the extract date.""",
               "ssda903_cla_3plus_placements": _SAME_903_YEAR},
           definition="""Children looked after on 31 March who had 3 or more placements during the year to 31
           March, as a percentage of all children looked after on 31 March: DfE's placement stability file,
           group "CLA on 31 March", as printed (whole numbers); numerator the children with 3 or more
           placements, denominator "Total children". Year: the year ending 31 March.""")
def cla_3plus_placements(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "placement_stability", "With 3 or more placements during the year", "Total children",
                          "children_count", "children_percent", cla_group=CLA_ON_31_MARCH)


@indicator(id="cla_long_term_stability", title="Long-term placement stability", unit=PERCENT, polarity=HIGHER,
           group="children_in_care", source="cla_placement_stability", links={
               "cla_long_term_stability": """DfE's date is 31 March and it counts a child placed for adoption with
               their foster carers as stable; Annex A's is the extract date, from the current period of care.""",
               "ssda903_cla_long_term_stability": """The same date; DfE also counts a child placed for adoption with
               their foster carers as stable, this measure only the current placement's start."""},
           definition="""Children aged under 16 on 31 March who had been looked after continuously for at least
           2.5 years, the percentage who had been living with the same carer for at least 2 years: DfE's
           placement stability file as printed (whole numbers); numerator the children living with the same
           carer, denominator "Total children" of that group. Year: 31 March of the year.""")
def cla_long_term_stability(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "placement_stability", "Living with the same carer for at least 2 years",
                          "Total children", "children_count", "children_percent", cla_group=LONG_TERM_GROUP)


@indicator(id="cla_3plus_social_workers", title="Children in care with three or more social workers in the year",
           unit=PERCENT, polarity=LOWER, group="children_in_care", source="cla_swcount",
           definition="""Children looked after on 31 March who had 3 or more social workers during the year to 31
           March, as a percentage of all children looked after on 31 March: DfE's social worker count file as
           printed (whole numbers; 2024 only in the packaged file); numerator the children with 3 or more,
           denominator "Total children". Year: the year ending 31 March.""")
def cla_3plus_social_workers(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "sw_stability", "3 or more social workers during the year", "Total children",
                          "number", "percentage", cla_group=CLA_ON_31_MARCH)


@indicator(id="cla_new_placements_outside_over_20_miles", title="New placements outside the council and over 20 miles away",
           unit=PERCENT, polarity=LOWER, group="children_in_care", source="cla_new_placements",
           definition="""Placements of looked-after children that started during the year to 31 March outside the
           council's boundary and more than 20 miles from the child's home, as a percentage of all new
           placements in the year: DfE's new placements file as printed (whole numbers); numerator those
           placements, denominator "Total new placements". Placements, not children. Year: the year ending 31
           March.""")
def cla_new_placements_outside_over_20_miles(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "breakdown", "Placed outside LA boundary more than 20 miles from home",
                          "Total new placements", "children_count", "children_percent",
                          characteristic="Location of new placements during the year")


_CLA_12_MONTHS = """children looked after on 31 March who had been looked after continuously for at least 12
months"""


@indicator(id="cla_health_checks", title="Percentage of CLA having Health Checks", unit=PERCENT, polarity=HIGHER,
           group="children_in_care", source="lait", links={
               "cla_health_assessment_in_date": """DfE counts children looked after for 12 months or more on 31
               March, assessed during the year; Annex A children looked after for 20 working days or more at the
               extract date, assessed in the last 12 months (6 if under 5)."""},
           definition=f"""Of {_CLA_12_MONTHS}, the percentage whose annual health assessment was done (under 5s: both
           six-monthly assessments; a child who declined counts as not assessed): DfE's children looked after
           statistics (outcomes for children looked after), as LAIT republishes them (measure LACHealth%, whole
           numbers). {_LAIT_NOTE}""")
def cla_health_checks(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "LACHealth%")


@indicator(id="cla_dental_checks", title="Percentage of CLA having Dental Checks", unit=PERCENT, polarity=HIGHER,
           group="children_in_care", source="lait", links={
               "cla_dental_check_in_date": """DfE's cohort is on 31 March and counts checks during the year; Annex
               A's is at the extract date and counts checks in the last 12 months."""},
           definition=f"""Of {_CLA_12_MONTHS}, the percentage who had their teeth checked by a dentist during the year
           (even very young children; a child who declined counts as not checked): DfE's children looked after
           statistics (outcomes for children looked after), as LAIT republishes them (measure LACDental%, whole
           numbers). {_LAIT_NOTE}""")
def cla_dental_checks(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "LACDental%")


_MISSING_NOTE = """DfE notes that a growing number of councils record every incident as missing rather than away
without authorisation, so since 2017 missing is overstated and away understated. LAIT gives no better direction."""


@indicator(id="cla_missing_in_year", title="% Children looked after who were missing", unit=PERCENT,
           polarity=NEITHER, group="children_in_care", source="lait", links={
               "cla_missing": """DfE counts children looked after at any time in the year to 31 March, missing in
               that year; Annex A children looked after at the extract date, missing in the last 12 months.""",
               "ssda903_missing_children": """The same year and children; DfE also counts an incident that began
               before 1 April and continued into the year, this measure only one starting in it."""},
           definition=f"""Children looked after during the year to 31 March who had at least one missing incident in
           the year (one continuing from 1 April included), as a percentage of children looked after during the
           year: DfE's children looked after statistics, as LAIT republishes them (measure Children_missing, whole
           numbers). Missing: not at their placement or where they are expected to be, and their whereabouts not
           known. {_MISSING_NOTE} {_LAIT_NOTE}""")
def cla_missing_in_year(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "Children_missing")


@indicator(id="cla_away_in_year",
           title="% Children looked after who were away from placement without authorisation", unit=PERCENT,
           polarity=NEITHER, group="children_in_care", source="lait", links={
               "cla_absent": """DfE counts children looked after at any time in the year to 31 March, away in that
               year; Annex A children looked after at the extract date, "absent" (away without authorisation) in
               the last 12 months.""",
               "ssda903_away_children": """The same year and children; DfE also counts an incident that began
               before 1 April and continued into the year, this measure only one starting in it."""},
           definition=f"""Children looked after during the year to 31 March who were away from their placement
           without authorisation at least once in the year (one continuing from 1 April included), as a percentage
           of children looked after during the year: DfE's children looked after statistics, as LAIT republishes
           them (measure Children_Away, whole numbers). Away: their whereabouts known but not at their placement
           or where they are expected to be, and the carer concerned or the council or police told. {_MISSING_NOTE}
           {_LAIT_NOTE}""")
def cla_away_in_year(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "Children_Away")


@indicator(id="cla_uasc_share", title="% Children looked after who are unaccompanied Asylum Seeking Children",
           unit=PERCENT, polarity=NEITHER, group="children_in_care", source="lait", links={
               "cla_uasc": """DfE counts children looked after on 31 March; Annex A children looked after at the
               extract date recorded as UASC within the last 12 months."""},
           definition=f"""Children looked after on 31 March who are unaccompanied asylum-seeking children (children
           who have applied for asylum in their own right and are separated from both parents and any other
           responsible adult), as a percentage of all children looked after then, short-break placements left
           out: DfE's children looked after statistics, as LAIT republishes them (measure
           Unacc_Asylmn_Seek_Childn%, whole numbers). {_LAIT_NOTE}""")
def cla_uasc_share(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "Unacc_Asylmn_Seek_Childn%")


@indicator(id="cla_starting_uasc_share",
           title="% CLA starting to be looked after during the year who are unaccompanied Asylum Seeking Children",
           unit=PERCENT, polarity=NEITHER, group="children_in_care", source="lait", links={
               "cla_started_uasc": f"DfE counts children starting in the year to 31 March; Annex A {_SIX_MONTHS}."},
           definition=f"""Children who started to be looked after during the year to 31 March who are unaccompanied
           asylum-seeking children, as a percentage of all children starting to be looked after in the year,
           short-break placements left out: DfE's children looked after statistics, as LAIT republishes them
           (measure UASC_%_Starting, whole numbers). {_LAIT_NOTE}""")
def cla_starting_uasc_share(table: LaitTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _lait(table, "UASC_%_Starting")


# --------------------------------------------------------------------------- care leavers

_CARE_LEAVERS = """care leavers who turned {ages} in the year to 31 March (their circumstances are recorded around
their birthday)"""


def _care_leaver_indicator(ages: str, headline: bool, what: str) -> str:
    age_words = "19, 20 or 21" if ages == "19 to 21 years" else "17 or 18"
    note = ("DfE's headline age band, 19 to 21" if headline else "the younger age band, 17 to 18; the headline "
            "indicator without a suffix is 19 to 21")
    return f"{what} {_CARE_LEAVERS.format(ages=age_words)}. Age band: {note}. Year: the year ending 31 March."


@indicator(id="care_leavers_eet", title="Care leavers aged 19 to 21 in education, employment or training",
           unit=PERCENT, polarity=HIGHER, group="care_leavers", source="care_leavers_activity", links={
               "care_leavers_eet": """DfE counts 19 to 21 year olds, recorded around their birthday in the year to
               31 March; Annex A every care leaver on List 9, of any age, at the extract date.""",
               "care_leavers_eet_19_21": _care_leavers_note("19, 20 or 21", "19 to 21"),
               "ssda903_care_leavers_eet_19_21": _SAME_903_YEAR},
           definition=_care_leaver_indicator("19 to 21 years", True, """The percentage in education, employment or
           training (DfE's care leavers activity file, "Total in education, employment or training", as printed
           in whole numbers; denominator the "Total" row, which includes those whose activity is not known) of"""))
def care_leavers_eet(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "breakdown", "Total in education, employment or training", "Total",
                          "care_leaver_count", "care_leaver_percent", care_leaver_age="19 to 21 years")


@indicator(id="care_leavers_eet_17_18", title="Care leavers aged 17 to 18 in education, employment or training",
           unit=PERCENT, polarity=HIGHER, group="care_leavers", source="care_leavers_activity", links={
               "care_leavers_eet_17_18": _care_leavers_note("17 or 18", "17 or 18"),
               "ssda903_care_leavers_eet_17_18": _SAME_903_YEAR},
           definition=_care_leaver_indicator("17 to 18 years", False, """The percentage in education, employment or
           training (DfE's care leavers activity file, "Total in education, employment or training", as printed
           in whole numbers; denominator the "Total" row) of"""))
def care_leavers_eet_17_18(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "breakdown", "Total in education, employment or training", "Total",
                          "care_leaver_count", "care_leaver_percent", care_leaver_age="17 to 18 years")


@indicator(id="care_leavers_suitable", title="Care leavers aged 19 to 21 in suitable accommodation", unit=PERCENT,
           polarity=HIGHER, group="care_leavers", source="care_leavers_accommodation",
           links={
               "care_leavers_suitable_accommodation": """DfE counts 19 to 21 year olds, recorded around their
               birthday in the year to 31 March, those with no information included; Annex A every care leaver on
               List 9, of any age, at the extract date, leaving out those recorded as Exclude.""",
               "care_leavers_suitable_accommodation_19_21": _care_leavers_note("19, 20 or 21", "19 to 21", True),
               "ssda903_care_leavers_suitable_19_21": _SAME_903_YEAR},
           definition=_care_leaver_indicator("19 to 21 years", True, """The percentage in accommodation considered
           suitable (DfE's care leavers accommodation file, as printed in whole numbers; denominator the
           "Suitability total" row, which includes those with no information) of"""))
def care_leavers_suitable(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "breakdown", "Accommodation considered suitable", "Suitability total",
                          "care_leaver_count", "care_leaver_percent", care_leaver_age="19 to 21 years")


@indicator(id="care_leavers_suitable_17_18", title="Care leavers aged 17 to 18 in suitable accommodation",
           unit=PERCENT, polarity=HIGHER, group="care_leavers", source="care_leavers_accommodation", links={
               "care_leavers_suitable_accommodation_17_18": _care_leavers_note("17 or 18", "17 or 18", True),
               "ssda903_care_leavers_suitable_17_18": _SAME_903_YEAR},
           definition=_care_leaver_indicator("17 to 18 years", False, """The percentage in accommodation considered
           suitable (DfE's care leavers accommodation file, as printed in whole numbers; denominator the
           "Suitability total" row) of"""))
def care_leavers_suitable_17_18(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _part_of_total(table, "breakdown", "Accommodation considered suitable", "Suitability total",
                          "care_leaver_count", "care_leaver_percent", care_leaver_age="17 to 18 years")


# --------------------------------------------------------------------------- workforce

_CSWW = """DfE children's social work workforce indicators file (children and family social workers employed by
the council, full-time equivalent), as printed (one decimal place)."""
_CSWW_YEAR = "Year: 30 September of the year (the census date)."


@indicator(id="csww_turnover_rate", title="Social worker turnover", unit=PERCENT, polarity=LOWER, group="workforce",
           source="csww", links={"workforce_turnover_rate": """DfE counts leavers in the year to 30 September over
               FTE in post on that day; the council's list the 12 months to the end of the month over their average
               FTE in post."""},
           definition=f"""FTE social workers who left the council in the year to 30 September, as a percentage of
           FTE social workers in post on 30 September: {_CSWW} Numerator leavers_fte, denominator inpost_fte.
           {_CSWW_YEAR}""")
def csww_turnover_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "turnover_rate_fte", "leavers_fte", "inpost_fte")


@indicator(id="csww_agency_rate", title="Agency social workers", unit=PERCENT, polarity=LOWER, group="workforce",
           source="csww", links={"workforce_agency_rate": _CSWW_MONTH},
           definition=f"""FTE agency social workers on 30 September as a percentage of agency plus directly
           employed FTE social workers: {_CSWW} Numerator agency_fte, denominator agency_fte + inpost_fte (NaN
           when either is marked). {_CSWW_YEAR}""")
def csww_agency_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "agency_rate_fte", "agency_fte", ["agency_fte", "inpost_fte"])


@indicator(id="csww_vacancy_rate", title="Social worker vacancies", unit=PERCENT, polarity=LOWER, group="workforce",
           source="csww", links={"workforce_vacancy_rate": _CSWW_MONTH},
           definition=f"""FTE social worker vacancies on 30 September as a percentage of vacancies plus FTE social
           workers in post: {_CSWW} Numerator vacancy_fte, denominator vacancy_fte + inpost_fte. {_CSWW_YEAR}""")
def csww_vacancy_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "vacancy_rate_fte", "vacancy_fte", ["vacancy_fte", "inpost_fte"])


@indicator(id="csww_average_caseload", title="Average caseload", unit=NUMBER, polarity=LOWER, group="workforce",
           source="csww", links={
               "caseload_median": """DfE's is a mean of cases per FTE case-holding social worker on 30 September;
               Annex A's a median of children per allocated worker at the extract date.""",
               "workforce_average_caseload": _CSWW_MONTH},
           definition=f"""Cases held on 30 September per FTE case-holding social worker (a mean, not a median):
           {_CSWW} Numerator cases, denominator case_holders_fte. {_CSWW_YEAR}""")
def csww_average_caseload(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "caseload_fte", "cases", "case_holders_fte")


@indicator(id="csww_sickness_absence_rate", title="Social worker sickness absence", unit=PERCENT, polarity=LOWER,
           group="workforce", source="csww", links={
               "workforce_sickness_absence_rate": """DfE counts days lost in the year to 30 September; the council's
               list the month."""},
           definition=f"""Working days lost to sickness absence in the year to 30 September as a percentage of the
           working days available to FTE social workers in post: {_CSWW} Numerator working_days_lost_fte;
           no denominator (the file does not print the working days available). {_CSWW_YEAR}""")
def csww_sickness_absence_rate(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "absence_rate_fte", "working_days_lost_fte")


# --------------------------------------------------------------------------- context


@indicator(id="child_population", title="Children aged 0 to 17", unit=COUNT, polarity=NEITHER, group=CONTEXT,
           source="ons_population",
           definition="""ONS mid-year estimate of the number of children aged 0 to 17 living in the council's
           area, as printed. Year: the estimate date, 30 June of the year. Bournemouth, Poole and the old
           Dorset county have no estimate for 2012-2018 (x), and BCP and the new Dorset none before 2019: the
           ONS re-based the series on the new areas.""")
def child_population(table: EesTable, ctx: IndicatorContext) -> pd.DataFrame:
    return _published(table, "population_estimate")


RO3_CSC_TOTAL = "RO3-csctot-net-cur-exp"


@indicator(id="ro3_csc_spend_per_child", title="Children's social care spending per child (£)", unit=NUMBER,
           polarity=NEITHER, group=CONTEXT, source="ro3", method=COMPUTED,
           definition="""Net current expenditure on children's social care in the financial year (MHCLG revenue
           outturn RO3, "TOTAL CHILDREN SOCIAL CARE" net current expenditure, RO3-csctot-net-cur-exp, printed in
           £ thousand), in pounds per child aged 0 to 17 (ONS mid-year estimate for 30 June of the previous
           calendar year, i.e. inside the financial year: mid-2024 for 2024-25). Numerator in pounds. England's
           figure uses MHCLG's England total, which estimates the councils whose return was not received
           ([x]: Birmingham, Cumberland, Slough). Year: the financial year ending 31 March (2025 =
           2024-25).""")
def ro3_csc_spend_per_child(table: pd.DataFrame, ctx: IndicatorContext) -> pd.DataFrame:
    rows = table[table["variable"] == RO3_CSC_TOTAL]
    years = rows["financial_year"].astype(str).str[:4].astype(int) + 1
    england = rows["la_code"] == ENGLAND_CODE
    codes = rows["la_code"].astype(object)
    spend = rows["value"].astype(float) * 1000
    population = ctx.population_at(codes, years - 1)
    data = pd.DataFrame({
        "geographic_level": np.where(england, NATIONAL, LOCAL),
        "code": codes,
        "year": years,
        "value": spend / population,
        "numerator": spend,
        "denominator": population,
        "marker": _markers(rows["marker"]),
    })
    data["marker"] = data["marker"].where(data["value"].isna(), None)
    return data.reset_index(drop=True)[_AREA_COLUMNS]


def _deprivation(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The latest IoD vintage with a value, per council, on today's council boundaries."""
    rows = table[~table["geography"].astype(str).str.contains("as published")]
    rows = rows[rows[column].notna()].assign(year=rows["source_vintage"].astype(str).str.extract(r"(\d{4})")[0].astype(int))
    if rows.duplicated(["la_code", "year"]).any():
        raise ValueError("deprivation: two rows for one council and vintage")
    latest = rows.sort_values("year").drop_duplicates("la_code", keep="last")
    return pd.DataFrame({
        "geographic_level": LOCAL,
        "code": latest["la_code"].astype(object),
        "year": latest["year"],
        "value": latest[column].astype(float),
        "numerator": np.nan,
        "denominator": np.nan,
        "marker": None,
    }).reset_index(drop=True)


@indicator(id="imd_average_score", title="Deprivation: IMD average score", unit=NUMBER, polarity=NEITHER,
           group=CONTEXT, source="deprivation",
           definition="""Index of Multiple Deprivation average score of the council's area (population-weighted
           mean of its neighbourhoods' scores; higher = more deprived), from the latest English Indices of
           Deprivation with a value for the council on today's boundaries (IoD2025 for every council in the
           packaged file). Official MHCLG values where the council is an area MHCLG publishes, else the
           population-weighted mean of its districts (utla_deprivation.csv's `derivation` says which). Scores
           of different vintages are not comparable, so only the latest is given. Year: the vintage.""")
def imd_average_score(table: pd.DataFrame, ctx: IndicatorContext) -> pd.DataFrame:
    return _deprivation(table, "imd_avg_score")


@indicator(id="idaci_average_score", title="Deprivation: IDACI average score", unit=NUMBER, polarity=NEITHER,
           group=CONTEXT, source="deprivation",
           definition="""Income Deprivation Affecting Children Index average score of the council's area (the
           share of children living in income-deprived families, averaged over its neighbourhoods), from the
           latest vintage with a value on today's boundaries: IoD2019 (the packaged IoD2025 file has no IDACI).
           Official File 11 values, or population-weighted means of districts for councils created since 2019.
           Year: the vintage.""")
def idaci_average_score(table: pd.DataFrame, ctx: IndicatorContext) -> pd.DataFrame:
    return _deprivation(table, "idaci_avg_score")


# --------------------------------------------------------------------------- values


def _empty_long() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator_id": pd.Series(dtype=object), "la_code": pd.Series(dtype=object),
        "year": pd.Series(dtype=int), "value": pd.Series(dtype=float), "numerator": pd.Series(dtype=float),
        "denominator": pd.Series(dtype=float), "marker": pd.Series(dtype=object),
    })


def _selected(ids: list[str] | None) -> list[Indicator]:
    if ids is None:
        return list(INDICATORS.values())
    unknown = [i for i in ids if i not in INDICATORS]
    if unknown:
        raise KeyError(f"unknown indicators {unknown}")
    return [INDICATORS[i] for i in ids]


def _long(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_long()
    out = pd.concat(parts, ignore_index=True)
    out["marker"] = _markers(out["marker"])
    return out[LONG_COLUMNS]


def indicator_values(national: NationalData, ids: list[str] | None = None) -> pd.DataFrame:
    """Every indicator (or `ids`) for every council and year, long: LONG_COLUMNS."""
    ctx = IndicatorContext(national.codes, national.child_population)
    tables = dataset_tables(national)
    parts = []
    for each in _selected(ids):
        if each.source not in tables:
            raise KeyError(f"no table for dataset {each.source!r} in the bundle")
        parts.append(each.function(tables[each.source], ctx).assign(indicator_id=each.id))
    return _long(parts)


def aggregate_values(national: NationalData, ids: list[str] | None = None) -> pd.DataFrame:
    """The England and regional rows of every indicator (or `ids`): indicator_id + AGGREGATE_COLUMNS."""
    ctx = IndicatorContext(national.codes, national.child_population)
    tables = dataset_tables(national)
    parts = [each.aggregates(tables[each.source], ctx).assign(indicator_id=each.id) for each in _selected(ids)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["indicator_id", *AGGREGATE_COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    out["marker"] = _markers(out["marker"])
    return out[["indicator_id", *AGGREGATE_COLUMNS]]


def published_aggregates(indicator_id: str, national: NationalData) -> pd.DataFrame:
    """England ("England") and regional (region code, including Inner/Outer London's E13 codes where the file
    has them) rows of one indicator, as the file prints them (or, for a computed indicator, computed from
    the England/region row's printed counts, `derived` True): AGGREGATE_COLUMNS."""
    return aggregate_values(national, [indicator_id]).drop(columns="indicator_id")


@contextlib.contextmanager
def _as_packaged(path: Path, relative: str) -> Iterator[Path]:
    """A temporary data folder in which `path` sits where the packaged readers look for it."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / relative
        target.parent.mkdir(parents=True)
        try:
            target.symlink_to(path.resolve())
        except OSError:
            shutil.copyfile(path, target)
        yield Path(folder)


def read_dataset(path: str | Path, code_map: CodeMap) -> tuple[str, Any]:
    """(dataset kind, the table its indicators take) for one file; ValueError if it is no known dataset.

    RO3 workbooks are read by `dfe.read_ro3`, which reads the 2024-25 layout (sheet RO3_LA_Data_202425)."""
    path = Path(path)
    kind = identify_dataset(path)
    if kind is None:
        raise ValueError(f"{path.name}: not a dataset goldthread recognises")
    if kind == "ro3":
        with _as_packaged(path, RO3_ODS) as folder:
            return kind, read_ro3(folder, code_map=code_map)
    if kind == "deprivation":
        with _as_packaged(path, UTLA_CSV) as folder:
            return kind, read_utla_deprivation(folder)
    if kind == "lait":
        return kind, read_lait(path)
    return kind, read_ees_csv(path)


def indicator_values_from_file(path: str | Path, code_map: CodeMap,
                               population: ChildPopulation | None = None) -> pd.DataFrame:
    """The indicators one file gives (LONG_COLUMNS), recognising the dataset from the file's content.

    Rates per 10,000 children need the ONS population: `population`, else the packaged estimates (a year
    they do not cover gets NaN). A dataset with no indicator of its own (the older csww_headline file)
    gives an empty table."""
    kind, table = read_dataset(path, code_map)
    if population is None:
        population = read_child_population(code_map=code_map)
    ctx = IndicatorContext(code_map, population)
    return _long([each.function(table, ctx).assign(indicator_id=each.id)
                  for each in INDICATORS.values() if each.source == kind])


def metadata() -> pd.DataFrame:
    """One row per indicator: id, title, definition, unit, polarity, group, source, source_file, method,
    annex_a, local_measures (the linked measures' ids, comma-separated), year_meaning."""
    return pd.DataFrame([{
        "id": i.id, "title": i.title, "definition": i.definition, "unit": i.unit, "polarity": i.polarity,
        "group": i.group, "source": i.source, "source_file": i.source_file, "method": i.method,
        "annex_a": i.annex_a, "local_measures": ", ".join(i.local_measures), "year_meaning": i.year_meaning,
    } for i in INDICATORS.values()])


def twin_note(measure_id: str) -> str | None:
    """How the published twin of a local measure differs from it (one short sentence), None when the measure
    has no twin. The note sits with the twin's declaration, beside the others of the same figure."""
    from ..measures import REGISTRY

    measure = REGISTRY.get(measure_id)
    if measure is None or not measure.national or measure.national not in INDICATORS:
        return None
    return dict(INDICATORS[measure.national].links).get(measure_id)


def reference_date(indicator_id: str, year: int) -> dt.date | None:
    """The date a value of `year` describes or ends at (31 March, 30 September, 30 June), None for
    deprivation vintages."""
    reference = DATASETS[INDICATORS[indicator_id].source].reference_date
    return None if reference is None else dt.date(year, *reference)


__all__ = [
    "AGGREGATE_COLUMNS", "CONTEXT", "DATASETS", "INDICATORS", "INDICATOR_GROUPS", "LONG_COLUMNS", "VALUE_COLUMNS",
    "Dataset", "Indicator", "IndicatorContext", "aggregate_values", "dataset_tables", "identify_dataset",
    "indicator", "indicator_values", "indicator_values_from_file", "metadata", "published_aggregates",
    "read_dataset", "reference_date", "twin_note",
]
