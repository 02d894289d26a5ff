"""Features of the inspection-risk model (`risk.py`), built only from figures that were public on a date.

Publication lags (`PUBLICATION_LAGS`)
    Every published figure has a *year* (what the year means is in `indicators.DATASETS`) and became
    public some months after the period it describes. `PUBLICATION_LAGS` gives, per dataset, the date a
    year's figures are taken to have become public: a fixed day a little after the publishers' usual
    release (conservative: the real release was on or before it in every year we know of). A figure is
    usable on date D only if that date is strictly before D (`available`). Rates per 10,000 children
    and spending per child that goldthread computes with the ONS mid-year estimate for the previous
    calendar year become public on the later of the two dates. Ofsted judgements are public from their
    report's publication date (again: strictly before D).

    Revisions are not modelled: the packaged files hold each year as last published (DfE revises a
    year's figures slightly in the next release; the ONS rebased its 2012-2020 estimates on Census 2021),
    so a figure used "as at" 2017 is the 2017 figure as printed today, not as printed in 2017. The
    differences are small (rates move by about 1%); the *timing* of figures is what is enforced.

Units of analysis
    Each graded whole-service inspection (SIF, SIF re-inspection, ILACS standard and short; graded and
    deduplicated as `journeys` does) is one example. Its features are taken as at its *feature date*:
    the day its inspection began (ILACS gives it; the figures must be public strictly before it), or
    for SIF inspections, which give only a publication date, 91 days before publication (ILACS reports
    appear a median 52 days after the inspection starts, 97% within 91 days). Targets: inadequate,
    and below good (requires improvement or inadequate).

Features (`FEATURES` documents each in words)
    For each curated indicator (`FEATURE_INDICATORS`): the latest value published before the date (the
    latest year with a value for the council, if it was published within the two years before the date,
    else missing) and its change from the year before (missing when either year is missing). Ofsted:
    the last whole-service judgement published before the date (one-hot; also as a grade rank for the
    gradient boosting model), whether the council had ever been judged inadequate, years since that
    judgement. A council created by a reorganisation (BCP, Dorset, the Northamptonshires, Cumberland,
    Westmorland and Furness) that has had no judgement of its own takes its predecessors' latest
    (the services, staff and leaders largely carried over). Deprivation: IMD and IDACI average scores of
    the latest Indices of Deprivation published before the date (IoD2015 from 30 September 2015, IoD2019
    from 26 September 2019, IoD2025 from 30 October 2025; IDACI exists for IoD2019 only). Missing values
    stay NaN here: the models handle them (`risk_models`: the logistic model takes the training window's
    median, gradient boosting learns where a missing value goes).

Which years each feature covers depends on the files loaded (`FeatureSource.coverage`): the packaged RO3
spending is 2024-25 only, public (by the lag above) from 31 January 2026, so no past inspection had it;
loading earlier years' RO3 workbooks (`goldthread national load`) gives the model a spending history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .bundle import NationalData
from .indicators import INDICATORS, aggregate_values, indicator_values
from .journeys import GRADE_RANK, VISIT_TYPES, WHOLE_SERVICE_FRAMEWORKS, _prepare
from .lookups import CodeMap

# --------------------------------------------------------------------------- publication lags


@dataclass(frozen=True)
class PublicationLag:
    """When a dataset's figures for a year became public: `rule` in words, `when(year)` the date."""

    dataset: str
    rule: str
    when: Callable[[int], dt.date] | None  # None: each record carries its own date (Ofsted reports)

    def date(self, year: int) -> dt.date:
        if self.when is None:
            raise ValueError(f"{self.dataset}: each record has its own publication date")
        return self.when(int(year))


def _on(month: int, day: int, years_later: int = 0) -> Callable[[int], dt.date]:
    def when(year: int) -> dt.date:
        return dt.date(year + years_later, month, day)
    return when


# The ONS's local mid-year estimates for mid-2021 and mid-2022 came late, after Census 2021.
_ONS_LATE = {2021: dt.date(2022, 12, 31), 2022: dt.date(2024, 3, 31)}


def _ons(year: int) -> dt.date:
    return _ONS_LATE.get(year, dt.date(year + 1, 7, 31))


IOD_PUBLISHED = {2015: dt.date(2015, 9, 30), 2019: dt.date(2019, 9, 26), 2025: dt.date(2025, 10, 30)}


def _iod(year: int) -> dt.date:
    if year not in IOD_PUBLISHED:
        raise ValueError(f"no publication date known for Indices of Deprivation {year}")
    return IOD_PUBLISHED[year]


_CIN = ("Year ending 31 March Y (DfE 'Children in need' statistics, released late October or early November "
        "of Y): taken as public on 1 December Y.")
_CLA = ("Year ending 31 March Y (DfE 'Children looked after in England' statistics, released between late "
        "September and mid-December of Y): taken as public on 31 December Y.")
_CSWW = ("Census at 30 September Y (DfE 'Children's social work workforce', released in the second half of "
         "February of Y+1): taken as public on 15 March Y+1.")

PUBLICATION_LAGS: dict[str, PublicationLag] = {lag.dataset: lag for lag in (
    *(PublicationLag(key, _CIN, _on(12, 1)) for key in ("cin_b1", "cin_c1", "cin_c3", "cin_c4", "cp_d3", "cp_d5")),
    *(PublicationLag(key, _CLA, _on(12, 31)) for key in (
        "cla_rate", "cla_placement_stability", "cla_new_placements", "care_leavers_activity",
        "care_leavers_accommodation", "cla_swcount")),
    PublicationLag("csww", _CSWW, _on(3, 15, 1)),
    PublicationLag("csww_headline", _CSWW, _on(3, 15, 1)),
    PublicationLag("ons_population", "Mid-year estimate at 30 June Y (ONS, usually released in late June or July "
                   "of Y+1): taken as public on 31 July Y+1; mid-2021 on 31 December 2022 and mid-2022 on 31 "
                   "March 2024 (both delayed by Census 2021).", _ons),
    PublicationLag("ro3", "Financial year ending 31 March Y (MHCLG revenue outturn, final figures released in "
                   "the autumn or winter after the year): taken as public on 31 January Y+1.", _on(1, 31, 1)),
    PublicationLag("deprivation", "English Indices of Deprivation vintage Y: IoD2015 public on 30 September "
                   "2015, IoD2019 on 26 September 2019, IoD2025 on 30 October 2025.", _iod),
    PublicationLag("lait", "Year ending 31 March Y (DfE's LAIT, which republishes the children in need and children "
                   "looked after figures some weeks after DfE releases them in the autumn of Y): taken as public on "
                   "31 January Y+1.", _on(1, 31, 1)),
    PublicationLag("ofsted", "Ofsted judgements: public from the day the report was published (its "
                   "publication_date).", None),
)}

# Indicators goldthread computes with the ONS estimate for 30 June of the year before (`indicators`
# module notes): public only once both the count and that estimate were.
USES_POPULATION = frozenset({
    "cin_referrals_rate", "s47_rate", "icpc_rate", "cin_at_31_march_rate", "cpp_at_31_march_rate",
    "ro3_csc_spend_per_child",
})


def indicator_publication_date(indicator_id: str, year: int) -> dt.date:
    """The date `indicator_id`'s figure for `year` became public (see PUBLICATION_LAGS)."""
    if indicator_id not in INDICATORS:
        raise KeyError(f"unknown indicator {indicator_id!r}")
    source = INDICATORS[indicator_id].source
    if source not in PUBLICATION_LAGS:
        raise KeyError(f"no publication lag declared for dataset {source!r}")
    date = PUBLICATION_LAGS[source].date(year)
    if indicator_id in USES_POPULATION:
        date = max(date, PUBLICATION_LAGS["ons_population"].date(int(year) - 1))
    return date


def publication_dates(values: pd.DataFrame) -> pd.Series:
    """The publication date (Timestamp) of every row of a long indicator table (indicator_id, year)."""
    if values.empty:
        return pd.Series(pd.to_datetime([]), index=values.index, dtype="datetime64[ns]")
    pairs = values[["indicator_id", "year"]].drop_duplicates()
    dates = {(i, int(y)): pd.Timestamp(indicator_publication_date(i, int(y)))
             for i, y in pairs.itertuples(index=False)}
    keys = zip(values["indicator_id"], values["year"].astype(int), strict=True)
    return pd.Series([dates[k] for k in keys], index=values.index, dtype="datetime64[ns]")


def available(values: pd.DataFrame, as_of) -> pd.DataFrame:
    """The rows of a long indicator table (`indicators.indicator_values`, or any table with indicator_id
    and year) that were public before `as_of`: published strictly before it (PUBLICATION_LAGS)."""
    cutoff = pd.Timestamp(as_of)
    return values[publication_dates(values) < cutoff]


# --------------------------------------------------------------------------- the features


@dataclass(frozen=True)
class Feature:
    """One model feature: its column, the driver group it belongs to, what it means in words, and the
    direction in which it may raise risk in the monotone gradient boosting model (+1 up, -1 down, 0 free)."""

    column: str
    group: str
    description: str
    monotone: int = 0


# (indicator id, words a director would use, direction that means more risk: +1 higher, -1 lower, 0 none)
FEATURE_INDICATORS: tuple[tuple[str, str, int], ...] = (
    ("cin_rereferral_rate", "re-referrals within 12 months of a previous referral", +1),
    ("cpp_at_31_march_rate", "the child protection plan rate", 0),
    ("cpp_second_or_subsequent", "repeat child protection plans (second or later plans)", +1),
    ("cla_rate", "the rate of children in care", 0),
    ("cla_3plus_placements", "children in care with three or more placements in the year", +1),
    ("care_leavers_eet", "care leavers aged 19 to 21 in education, employment or training", -1),
    ("csww_turnover_rate", "social worker turnover", +1),
    ("csww_agency_rate", "the share of agency social workers", +1),
    ("csww_vacancy_rate", "the social worker vacancy rate", +1),
    ("csww_average_caseload", "the average social worker caseload", +1),
    ("ro3_csc_spend_per_child", "children's social care spending per child", 0),
)
INDICATOR_WORDS = {i: words for i, words, _ in FEATURE_INDICATORS}
DEPRIVATION_INDICATORS = ("imd_average_score", "idaci_average_score")

CHANGE = "__change"
YEAR = "__year"
OFSTED_GROUP, DEPRIVATION_GROUP = "ofsted", "deprivation"
PREVIOUS_GRADES = ("outstanding", "good", "requires improvement", "inadequate")


def _prev_column(grade: str) -> str:
    return "prev_" + grade.replace(" ", "_")


PREVIOUS_COLUMNS = tuple(_prev_column(g) for g in PREVIOUS_GRADES)

FEATURES: tuple[Feature, ...] = (
    *(f for ind, words, sign in FEATURE_INDICATORS for f in (
        Feature(ind, ind, f"latest published value of {words}", sign),
        Feature(ind + CHANGE, ind, f"change in {words} from the year before", sign),
    )),
    *(Feature(_prev_column(g), OFSTED_GROUP, f"last judgement was {g} (0/1; all 0: none yet)")
      for g in PREVIOUS_GRADES),
    Feature("prev_grade_rank", OFSTED_GROUP, "last judgement as a rank: 1 inadequate to 5 outstanding "
            "(missing: none yet); gradient boosting only", -1),
    Feature("previously_inadequate", OFSTED_GROUP, "ever judged inadequate before (0/1)", +1),
    Feature("years_since_last", OFSTED_GROUP, "years since the last judgement was published (missing: none yet)"),
    Feature("imd_average_score", DEPRIVATION_GROUP, "IMD average score (higher = more deprived), latest "
            "Indices of Deprivation published", +1),
    Feature("idaci_average_score", DEPRIVATION_GROUP, "IDACI average score (share of children in income-deprived "
            "families), IoD2019", +1),
)
FEATURE_BY_COLUMN = {f.column: f for f in FEATURES}
FEATURE_COLUMNS = tuple(f.column for f in FEATURES)

# How recent the latest value of an indicator must be to count: published within this before the date.
MAX_AGE = pd.DateOffset(years=2)
# The feature date of an inspection without a start date (SIF): this long before its publication.
SIF_FEATURE_BUFFER = pd.Timedelta(days=91)

INFO_COLUMNS = (
    *(ind + YEAR for ind, _, _ in FEATURE_INDICATORS), "imd_vintage", "idaci_vintage",
    "last_grade", "last_publication_date", "last_la_code", "last_inadequate_date",
)


def deprivation_values(national: NationalData) -> pd.DataFrame:
    """IMD and IDACI average scores of every vintage, long (indicator_id, la_code, year = vintage, value):
    the 153 current councils on today's boundaries, plus, for councils since abolished, IoD2019's File 11
    rows as published on 2019 boundaries (Northamptonshire and Cumbria; Bournemouth, Poole and the old
    Dorset county had gone by 2019 and have no row)."""
    table = national.deprivation
    current = table[~table["geography"].astype(str).str.contains("as published")]
    published = table[table["geography"].astype(str).str.contains("as published")]
    canonical = published["la_code"].map(lambda c: national.codes.canonical(c) or c)
    extra = published[~canonical.isin(set(current["la_code"]))].assign(la_code=canonical)
    rows = pd.concat([current, extra], ignore_index=True)
    year = rows["source_vintage"].astype(str).str.extract(r"(\d{4})")[0].astype(int)
    parts = []
    for ind, column in (("imd_average_score", "imd_avg_score"), ("idaci_average_score", "idaci_avg_score")):
        part = pd.DataFrame({"indicator_id": ind, "la_code": rows["la_code"].astype(object), "year": year,
                             "value": rows[column].astype(float)})
        parts.append(part[part["value"].notna()])
    out = pd.concat(parts, ignore_index=True)
    if out.duplicated(["indicator_id", "la_code", "year"]).any():
        raise ValueError("deprivation: two values for one council, measure and vintage")
    return out


@dataclass(frozen=True)
class StoredFigures:
    """What `goldthread national load` stored (the database), used in place of the packaged publications,
    so that files loaded later (another year's RO3 spending, next year's CIN census, a newer Ofsted
    workbook) reach the model. values: indicator_id, la_code, year, value (councils; NaN where marked);
    england: indicator_id, year, value; inspections: the readers' inspection table (`ofsted.COLUMNS`),
    or None to keep the packaged inspections. Deprivation always comes from the packaged files (every
    vintage; the database keeps only each council's latest)."""

    values: pd.DataFrame
    england: pd.DataFrame
    inspections: pd.DataFrame | None = None


@dataclass(frozen=True)
class FeatureSource:
    """What the features are built from, read once from a NationalData (and what `national load` stored).

    values: indicator_id, la_code, year, value, published (Timestamp) for the FEATURE_INDICATORS and
        the deprivation vintages, non-missing values only.
    england: indicator_id, year, value, published: England's own published figures (for drivers).
    graded: whole-service graded inspections (la_code, la_name, framework, inspection_type,
        inspection_date, publication_date, grade), oldest first.
    visits: focused and monitoring visits (la_code, inspection_type, inspection_date, publication_date,
        visit_theme), oldest first: Ofsted publishes them in its in-year sheet only (from April 2024 in
        the packaged workbook), so earlier visits are not known.
    """

    values: pd.DataFrame
    england: pd.DataFrame
    graded: pd.DataFrame
    code_map: CodeMap
    visits: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=VISIT_COLUMNS))

    @classmethod
    def from_national(cls, national: NationalData, stored: StoredFigures | None = None) -> FeatureSource:
        ids = [i for i, _, _ in FEATURE_INDICATORS]
        if stored is None:
            council = indicator_values(national, ids)[["indicator_id", "la_code", "year", "value"]]
            aggregates = aggregate_values(national, ids)
            england = aggregates[aggregates["geography"] == "England"][["indicator_id", "year", "value"]]
            inspections = national.inspections
        else:
            council = stored.values[stored.values["indicator_id"].isin(ids)][["indicator_id", "la_code", "year",
                                                                              "value"]]
            england = stored.england[stored.england["indicator_id"].isin(ids)][["indicator_id", "year", "value"]]
            has_inspections = stored.inspections is not None and len(stored.inspections)
            inspections = stored.inspections if has_inspections else national.inspections
        values = pd.concat([council, deprivation_values(national)], ignore_index=True)
        values = values[values["value"].notna()].copy()
        values["la_code"] = values["la_code"].astype(object)
        values["year"] = values["year"].astype(int)
        values["value"] = values["value"].astype(float)
        values["published"] = publication_dates(values)
        values = values.sort_values(["indicator_id", "la_code", "year"], kind="stable")
        england = england[england["value"].notna()].copy()
        england["year"] = england["year"].astype(int)
        england["value"] = england["value"].astype(float)
        england["published"] = publication_dates(england)
        england = england.sort_values(["indicator_id", "year"], kind="stable")
        return cls(values.reset_index(drop=True), england.reset_index(drop=True),
                   graded_inspections(inspections, national.codes), national.codes,
                   visit_records(inspections, national.codes))

    def fingerprint(self) -> str:
        """A digest of every figure and inspection the features are built from: equal digests, equal data."""
        import hashlib

        digest = hashlib.sha256()
        tables = (
            self.values[["indicator_id", "la_code", "year", "value"]].sort_values(["indicator_id", "la_code", "year"]),
            self.england[["indicator_id", "year", "value"]].sort_values(["indicator_id", "year"]),
            self.graded.sort_values(["la_code", "publication_date"]),
            self.visits.sort_values(["la_code", "publication_date", "inspection_type"]),
        )
        for table in tables:
            digest.update(table.to_csv(index=False, float_format="%.10g", date_format="%Y-%m-%d").encode())
        return digest.hexdigest()[:16]

    def council_names(self) -> dict[str, str]:
        councils = self.code_map.councils
        return dict(zip(councils["la_code"], councils["la_name"], strict=True))

    def coverage(self) -> list[dict]:
        """For each indicator feature: the years it has a value for (with how many councils each), and
        the date the first and the latest became public (PUBLICATION_LAGS)."""
        out = []
        for indicator_id, words, _ in FEATURE_INDICATORS:
            rows = self.values[self.values["indicator_id"] == indicator_id]
            counts = rows.groupby("year").size()
            published = rows.groupby("year")["published"].min()
            out.append({"indicator_id": indicator_id, "words": words, "source": INDICATORS[indicator_id].source,
                        "years": [int(y) for y in counts.index],
                        "councils": [int(n) for n in counts.to_numpy()],
                        "first_public": None if published.empty else f"{published.min():%Y-%m-%d}",
                        "latest_public": None if published.empty else f"{published.max():%Y-%m-%d}"})
        return out


VISIT_COLUMNS = ["la_code", "inspection_type", "inspection_date", "publication_date", "visit_theme"]


def visit_records(inspections: pd.DataFrame, code_map: CodeMap | None) -> pd.DataFrame:
    """Focused and monitoring visits (VISIT_COLUMNS), oldest first."""
    table = _prepare(inspections, code_map)
    visits = table[table["record"].isin(VISIT_TYPES)][VISIT_COLUMNS].copy()
    visits["la_code"] = visits["la_code"].astype(object)
    visits["visit_theme"] = visits["visit_theme"].map(lambda v: "" if v is None or str(v) in ("nan", "None")
                                                      or pd.isna(v) else str(v))
    return visits.sort_values(["publication_date", "la_code"], kind="stable", ignore_index=True)


def graded_inspections(inspections: pd.DataFrame, code_map: CodeMap | None) -> pd.DataFrame:
    """The whole-service graded inspections (`journeys` decides which are graded and drops duplicates)."""
    table = _prepare(inspections, code_map)
    graded = table[table["graded"] & table["framework"].isin(WHOLE_SERVICE_FRAMEWORKS)]
    columns = ["la_code", "la_name", "framework", "inspection_type", "inspection_date", "publication_date",
               "grade"]
    graded = graded[columns].copy()
    graded["la_code"] = graded["la_code"].astype(object)
    return graded.sort_values(["publication_date", "la_code"], kind="stable", ignore_index=True)


def _queries(queries: pd.DataFrame) -> pd.DataFrame:
    q = pd.DataFrame({"la_code": queries["la_code"].astype(str).to_numpy(),
                      "as_of": pd.to_datetime(queries["as_of"]).to_numpy().astype("datetime64[ns]"),
                      "_row": np.arange(len(queries))})
    return q.sort_values(["as_of", "_row"], kind="stable")


def _latest(q: pd.DataFrame, rows: pd.DataFrame, max_age: pd.DateOffset | None) -> pd.DataFrame:
    """For each query (sorted by as_of), the row of `rows` (la_code, year, value, published) for its
    council with the latest publication strictly before as_of (and within max_age), by _row."""
    rows = rows.sort_values(["published", "year"], kind="stable")
    rows = rows.assign(published=rows["published"].astype("datetime64[ns]"), year=rows["year"].astype(float),
                       la_code=rows["la_code"].astype(str))
    found = pd.merge_asof(q, rows[["la_code", "year", "value", "published"]], left_on="as_of",
                          right_on="published", by="la_code", allow_exact_matches=False, direction="backward")
    if max_age is not None:
        stale = found["published"] < (found["as_of"] - max_age)
        found.loc[stale, ["year", "value", "published"]] = np.nan
    return found.set_index("_row").sort_index()


def _ofsted(source: FeatureSource, q: pd.DataFrame) -> pd.DataFrame:
    graded = source.graded.sort_values(["publication_date", "la_code"], kind="stable").copy()
    graded["inadequate"] = graded["grade"].eq("inadequate")
    graded["inadequate_date"] = graded["publication_date"].where(graded["inadequate"])
    graded["last_inadequate_date"] = graded.groupby("la_code")["inadequate_date"].transform(
        lambda s: s.ffill())
    rows = graded[["la_code", "publication_date", "grade", "last_inadequate_date"]].rename(
        columns={"publication_date": "published"})
    rows = rows.assign(published=rows["published"].astype("datetime64[ns]"), la_code=rows["la_code"].astype(str))
    found = pd.merge_asof(q, rows, left_on="as_of", right_on="published", by="la_code",
                          allow_exact_matches=False, direction="backward").set_index("_row").sort_index()
    found["last_la_code"] = found["la_code"].where(found["grade"].notna())
    # A council created by reorganisation with no judgement of its own: its predecessors' latest.
    for row in found.index[found["grade"].isna()]:
        predecessors = source.code_map.predecessors(found.at[row, "la_code"])
        if not predecessors:
            continue
        as_of = found.at[row, "as_of"]
        before = rows[rows["la_code"].isin(predecessors) & (rows["published"] < as_of)]
        if before.empty:
            continue
        latest = before[before["published"] == before["published"].max()]
        worst = latest.loc[latest["grade"].map(GRADE_RANK).idxmin()]
        found.at[row, "grade"] = worst["grade"]
        found.at[row, "published"] = worst["published"]
        found.at[row, "last_inadequate_date"] = before["published"][before["grade"] == "inadequate"].max()
        found.at[row, "last_la_code"] = worst["la_code"]
    return found


def build_features(source: FeatureSource, queries: pd.DataFrame) -> pd.DataFrame:
    """Features of each (la_code, as_of) row of `queries`, from figures and judgements public strictly
    before as_of. Returns one row per query (same order, a fresh RangeIndex): la_code, as_of, the
    FEATURE_COLUMNS, and INFO_COLUMNS (the year of each indicator value used, the deprivation vintages,
    the last judgement, its publication date, the council it belongs to, the last inadequate judgement's
    date) for drivers and for checking that nothing from the future was used."""
    q = _queries(queries)
    out = pd.DataFrame({"la_code": queries["la_code"].astype(object).to_numpy(),
                        "as_of": pd.to_datetime(queries["as_of"]).to_numpy()})
    values = source.values
    by_indicator = {ind: rows for ind, rows in values.groupby("indicator_id", sort=False)}
    empty = pd.DataFrame({"la_code": pd.Series(dtype=object), "year": pd.Series(dtype=int),
                          "value": pd.Series(dtype=float), "published": pd.Series(dtype="datetime64[ns]")})
    for ind, _, _ in FEATURE_INDICATORS:
        rows = by_indicator.get(ind, empty)
        latest = _latest(q, rows, MAX_AGE)
        out[ind] = latest["value"].to_numpy(dtype=float)
        out[ind + YEAR] = latest["year"].to_numpy(dtype=float)
        previous = rows.assign(year=rows["year"].astype(float) + 1, la_code=rows["la_code"].astype(str))[["la_code", "year", "value", "published"]].rename(
            columns={"value": "_before", "published": "_before_published"})
        keyed = latest.reset_index()[["_row", "la_code", "year", "value", "as_of"]]
        keyed = keyed.merge(previous, on=["la_code", "year"], how="left").set_index("_row").sort_index()
        usable = keyed["_before_published"] < keyed["as_of"]
        out[ind + CHANGE] = (keyed["value"] - keyed["_before"]).where(usable).to_numpy(dtype=float)
    for ind, vintage in (("imd_average_score", "imd_vintage"), ("idaci_average_score", "idaci_vintage")):
        latest = _latest(q, by_indicator.get(ind, empty), None)
        out[ind] = latest["value"].to_numpy(dtype=float)
        out[vintage] = latest["year"].to_numpy(dtype=float)
    ofsted = _ofsted(source, q)
    grade = ofsted["grade"].to_numpy(dtype=object)
    for g in PREVIOUS_GRADES:
        out[_prev_column(g)] = (grade == g).astype(float)
    out["prev_grade_rank"] = pd.Series(grade).map(GRADE_RANK).to_numpy(dtype=float)
    out["previously_inadequate"] = ofsted["last_inadequate_date"].notna().to_numpy(dtype=float)
    years = (ofsted["as_of"] - ofsted["published"]).dt.days / 365.25
    out["years_since_last"] = years.to_numpy(dtype=float)
    out["last_grade"] = grade
    out["last_publication_date"] = ofsted["published"].to_numpy()
    out["last_la_code"] = ofsted["last_la_code"].to_numpy(dtype=object)
    out["last_inadequate_date"] = pd.to_datetime(ofsted["last_inadequate_date"]).to_numpy()
    return out[["la_code", "as_of", *FEATURE_COLUMNS, *INFO_COLUMNS]]


# --------------------------------------------------------------------------- examples

Y_INADEQUATE, Y_BELOW_GOOD = "y_inadequate", "y_below_good"
EXAMPLE_COLUMNS = ["la_code", "la_name", "framework", "inspection_type", "inspection_date", "publication_date",
                   "feature_date", "grade", Y_INADEQUATE, Y_BELOW_GOOD]


def feature_dates(graded: pd.DataFrame) -> pd.Series:
    """The date each inspection's features are taken at: its start date, or for an inspection without one
    (SIF), SIF_FEATURE_BUFFER before its publication."""
    return graded["inspection_date"].where(graded["inspection_date"].notna(),
                                           graded["publication_date"] - SIF_FEATURE_BUFFER)


def _labelled(graded: pd.DataFrame) -> pd.DataFrame:
    out = graded.copy()
    out["feature_date"] = feature_dates(out)
    out[Y_INADEQUATE] = out["grade"].eq("inadequate").astype(int)
    out[Y_BELOW_GOOD] = out["grade"].isin(["inadequate", "requires improvement", "adequate"]).astype(int)
    return out[EXAMPLE_COLUMNS]


def inspection_examples(source: FeatureSource) -> pd.DataFrame:
    """Every graded whole-service inspection with its targets and its features as at its feature date:
    EXAMPLE_COLUMNS, then the FEATURE_COLUMNS and INFO_COLUMNS of `build_features`. Oldest first."""
    examples = _labelled(source.graded)
    features = build_features(source, pd.DataFrame({"la_code": examples["la_code"],
                                                    "as_of": examples["feature_date"]}))
    return pd.concat([examples.reset_index(drop=True), features.drop(columns=["la_code", "as_of"])], axis=1)


def next_inspections(source: FeatureSource, start, end) -> pd.DataFrame:
    """Each council's first graded whole-service inspection published in [start, end), with its targets
    and its features as at `start` (what was known when the prediction was made): the test set of one
    rolling origin. Columns as `inspection_examples`; feature_date is `start`."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    graded = source.graded
    window = graded[(graded["publication_date"] >= start) & (graded["publication_date"] < end)]
    window = window.sort_values(["publication_date"], kind="stable").drop_duplicates("la_code", keep="first")
    examples = _labelled(window).assign(feature_date=start)
    features = build_features(source, pd.DataFrame({"la_code": examples["la_code"], "as_of": start}))
    return pd.concat([examples.reset_index(drop=True), features.drop(columns=["la_code", "as_of"])], axis=1)


__all__ = [
    "CHANGE", "DEPRIVATION_GROUP", "DEPRIVATION_INDICATORS", "EXAMPLE_COLUMNS", "FEATURES", "FEATURE_BY_COLUMN",
    "FEATURE_COLUMNS", "FEATURE_INDICATORS", "INDICATOR_WORDS", "INFO_COLUMNS", "IOD_PUBLISHED", "MAX_AGE",
    "OFSTED_GROUP", "PREVIOUS_COLUMNS", "PUBLICATION_LAGS", "SIF_FEATURE_BUFFER", "USES_POPULATION", "VISIT_COLUMNS",
    "Y_BELOW_GOOD", "Y_INADEQUATE", "Feature", "FeatureSource", "PublicationLag", "StoredFigures", "available",
    "build_features",
    "deprivation_values", "feature_dates", "graded_inspections", "indicator_publication_date",
    "inspection_examples", "next_inspections", "publication_dates", "visit_records",
]
