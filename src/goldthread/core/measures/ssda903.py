"""Measures computed from a council's SSDA903 return, defined as DfE publishes them for the year ending 31 March.

They read a ``goldthread.core.ssda903.reader.Return903`` (``data.table("Episodes")``, ``"Header"``, ``"OC3"``,
``"Missing"``, ``"PlacedAdoption"``, ``"AD1"``: the DfE's table and column names, dates as datetime64).

Conventions (every definition below follows them):
- The year is the collection year ending on ``as_at`` (31 March): dates d with as_at minus 12 months < d <=
  as_at, so 1 April to 31 March.
- Episodes under legal status V3 or V4 (a series of short-term placements, "short breaks") are left out of every
  measure, as DfE leaves them out of its headline figures. Episodes without a child or a start date are left
  out (the validation report lists them).
- Looked after on 31 March: an episode started on or before as_at and not ceased by then (no DEC, or a DEC
  after as_at). A child whose episode ceased on 31 March is not looked after on 31 March.
- A new period of care starts with an episode whose reason for new episode (RNE) is S; it ends with an episode
  whose reason episode ceased (REC) is anything but X1.
- A new placement starts with an episode whose RNE is S (started to be looked after), P (change of placement)
  or B (change of legal status and placement together); L (legal status only), T (temporary placement) and U
  (placement type changed with the same carers) do not start a new placement.
- Ages are whole years from the date of birth (HEADER DOB): a child is 16 on their 16th birthday.
- Counts of children are distinct by CHILD. The rows behind a measure carry the row of the record in its
  table (``row_number``) and ``list_number`` 903; 903 has no allocated team or worker, so no breakdowns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ssda903 import spec as S
from .registry import (
    COUNT,
    DAYS,
    HIGHER,
    LOWER,
    NEITHER,
    PERCENT,
    RATE,
    Context,
    Data,
    Result,
    count_result,
    percent_result,
    rate_result,
)
from .registry import measure as _declare

SSDA903 = "SSDA903"  # the measures' source (belongs beside ANNEX_A in registry.py once the lead moves it)

SSDA903_LIST = 903  # list_number of the rows behind an SSDA903 measure
NEW_PLACEMENT = ("S", "P", "B")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")  # placed for adoption (with or without consent / placement order)
COURT_AUTHORITY = ("E1", "D1")  # placement order granted; freed for adoption



def measure(**kwargs):
    """Declare an SSDA903 measure (the registry's ``measure`` with this source)."""
    return _declare(**kwargs, source=SSDA903)


def _year(ctx: Context) -> tuple[np.datetime64, np.datetime64]:
    """(first day, last day) of the year ending as_at."""
    end = pd.Timestamp(ctx.as_at)
    return np.datetime64(end - pd.DateOffset(years=1) + pd.Timedelta(days=1), "ns"), np.datetime64(end, "ns")


def _rows(child, row, numerator=True, denominator=True, detail=None) -> pd.DataFrame:
    child = np.asarray(child, dtype=object)
    n = len(child)

    def flags(v):
        return np.full(n, v, dtype=bool) if isinstance(v, bool) else np.asarray(v, dtype=bool)

    return pd.DataFrame({
        "list_number": np.full(n, SSDA903_LIST),
        "row_number": np.asarray(row, dtype=np.int64),
        "child_id": child,
        "allocated_team": np.full(n, None, dtype=object),
        "allocated_worker": np.full(n, None, dtype=object),
        "in_numerator": flags(numerator),
        "in_denominator": flags(denominator),
        "detail": np.full(n, None, dtype=object) if detail is None else np.asarray(detail, dtype=object),
    })


def _dob(data: Data) -> pd.Series:
    header = data.table("Header")  # type: ignore[arg-type]
    header = header[header["CHILD"].notna()].drop_duplicates("CHILD")
    return header.set_index("CHILD")["DOB"]


def _age_at(dob: pd.Series, day: np.datetime64) -> pd.Series:
    """Whole years of age on ``day`` (NaN without a date of birth)."""
    when = pd.Timestamp(day)
    years = when.year - dob.dt.year
    before_birthday = (dob.dt.month > when.month) | ((dob.dt.month == when.month) & (dob.dt.day > when.day))
    return (years - before_birthday.astype(int)).where(dob.notna())


def episodes(data: Data) -> pd.DataFrame:
    """Episodes counted by every measure (not short breaks, with a child and a start), by child and start, with
    the start of their period of care (``period_start``) and of their placement (``placement_start``)."""
    eps = data.table("Episodes")  # type: ignore[arg-type]
    eps = eps[eps["CHILD"].notna() & eps["DECOM"].notna() & ~eps["LS"].isin(S.RESPITE_LS)]
    eps = eps.sort_values(["CHILD", "DECOM", "row"], kind="stable").reset_index(drop=True)
    by_child = eps.groupby("CHILD", sort=False)
    first = by_child["DECOM"].transform("first")
    eps["period_start"] = eps["DECOM"].where(eps["RNE"].eq("S").fillna(False).astype(bool))
    eps["period_start"] = eps.groupby("CHILD", sort=False)["period_start"].ffill().fillna(first)
    eps["placement_start"] = eps["DECOM"].where(eps["RNE"].isin(NEW_PLACEMENT))
    eps["placement_start"] = eps.groupby("CHILD", sort=False)["placement_start"].ffill().fillna(first)
    return eps


def _open_at(eps: pd.DataFrame, day: np.datetime64) -> pd.Series:
    return (eps["DECOM"] <= day) & (eps["DEC"].isna() | (eps["DEC"] > day))


def looked_after_at_end(data: Data, ctx: Context) -> pd.DataFrame:
    """One row per child looked after on as_at: their episode open then."""
    eps = episodes(data)
    _, end = _year(ctx)
    return eps[_open_at(eps, end)].drop_duplicates("CHILD", keep="last")


# --------------------------------------------------------------------------- children looked after


@measure(id="ssda903_cla_31_march", title="Children looked after on 31 March", unit=COUNT, polarity=NEITHER,
         group="children_in_care",
         definition="""Children looked after on the last day of the year (31 March): an episode started on or
         before it and not ceased by it, short breaks (legal status V3, V4) left out.""")
def cla_31_march(data: Data, ctx: Context) -> Result:
    t = looked_after_at_end(data, ctx)
    return count_result(_rows(t["CHILD"], t["row"]), distinct_children=True)


@measure(id="ssda903_cla_rate", title="Children looked after per 10,000 children", unit=RATE, polarity=NEITHER,
         group="children_in_care", national="cla_rate",
         definition="""Children looked after on 31 March (as "Children looked after on 31 March") per 10,000
         children aged 0 to 17 in the council's area (ONS mid-year estimate).""")
def cla_rate(data: Data, ctx: Context) -> Result:
    t = looked_after_at_end(data, ctx)
    return rate_result(_rows(t["CHILD"], t["row"]), ctx.child_population, distinct_children=True)


@measure(id="ssda903_cla_started_rate", title="Children starting to be looked after per 10,000 children",
         unit=RATE, polarity=NEITHER, group="children_in_care", national="cla_starting_rate",
         definition="""Children who started to be looked after during the year (an episode with reason for new
         episode S starting in the year; a child starting twice counts once) per 10,000 children aged 0 to 17
         (ONS mid-year estimate).""")
def cla_started_rate(data: Data, ctx: Context) -> Result:
    eps = episodes(data)
    start, end = _year(ctx)
    t = eps[eps["RNE"].eq("S").fillna(False).astype(bool) & (eps["DECOM"] >= start) & (eps["DECOM"] <= end)]
    return rate_result(_rows(t["CHILD"], t["row"], detail=t["DECOM"].dt.strftime("started %d/%m/%Y")),
                       ctx.child_population, distinct_children=True)


@measure(id="ssda903_cla_ceased_rate", title="Children ceasing to be looked after per 10,000 children",
         unit=RATE, polarity=NEITHER, group="children_in_care", national="cla_ceasing_rate",
         definition="""Children who ceased to be looked after during the year (an episode ceasing in the year with
         any reason but X1, "a new episode follows"; a child ceasing twice counts once) per 10,000 children aged 0
         to 17 (ONS mid-year estimate).""")
def cla_ceased_rate(data: Data, ctx: Context) -> Result:
    eps = episodes(data)
    start, end = _year(ctx)
    t = eps[eps["REC"].isin(S.LEAVING_CARE) & (eps["DEC"] >= start) & (eps["DEC"] <= end)]
    return rate_result(_rows(t["CHILD"], t["row"], detail=t["REC"]), ctx.child_population, distinct_children=True)


# --------------------------------------------------------------------------- placement stability


def placements_in_year(eps: pd.DataFrame, ctx: Context) -> pd.Series:
    """Placements each child had during the year: the one they were in when it began (if looked after on its
    first day) plus each new placement (RNE S, P or B) starting in it."""
    start, end = _year(ctx)
    starting = eps["RNE"].isin(NEW_PLACEMENT) & (eps["DECOM"] >= start) & (eps["DECOM"] <= end)
    carried = (eps["DECOM"] < start) & (eps["DEC"].isna() | (eps["DEC"] >= start))
    counts = starting.groupby(eps["CHILD"]).sum() + carried.groupby(eps["CHILD"]).any().astype(int)
    return counts


@measure(id="ssda903_cla_3plus_placements", title="Children looked after with three or more placements in the year",
         unit=PERCENT, polarity=LOWER, group="children_in_care", national="cla_3plus_placements",
         definition="""Of children looked after on 31 March, the percentage who had 3 or more placements during the
         year: the placement they were in on 1 April (if looked after then) and each new placement starting in
         the year (reason for new episode S, P or B).""")
def cla_3plus_placements(data: Data, ctx: Context) -> Result:
    eps = episodes(data)
    t = looked_after_at_end(data, ctx)
    placements = t["CHILD"].map(placements_in_year(eps, ctx)).fillna(0).astype(int)
    return percent_result(_rows(t["CHILD"], t["row"], numerator=placements.ge(3), detail=placements))


@measure(id="ssda903_cla_long_term_stability", title="Long-term placement stability", unit=PERCENT,
         polarity=HIGHER, group="children_in_care", national="cla_long_term_stability",
         definition="""Of children aged under 16 on 31 March who had been looked after continuously for at least
         2.5 years (their period of care started 30 months or more before 31 March), the percentage who had been
         living in the same placement for at least 2 years (their current placement started 24 months or more
         before 31 March).""")
def cla_long_term_stability(data: Data, ctx: Context) -> Result:
    t = looked_after_at_end(data, ctx)
    _, end = _year(ctx)
    as_at = pd.Timestamp(end)
    age = _age_at(t["CHILD"].map(_dob(data)).astype("datetime64[ns]"), end)
    base = age.lt(16).fillna(False).astype(bool) & (t["period_start"] <= as_at - pd.DateOffset(months=30))
    same = t["placement_start"] <= as_at - pd.DateOffset(months=24)
    t = t[base]
    return percent_result(_rows(t["CHILD"], t["row"], numerator=same[base],
                                detail=t["placement_start"].dt.strftime("placement from %d/%m/%Y")))


# --------------------------------------------------------------------------- missing and away


def _looked_after_in_year(data: Data, ctx: Context) -> pd.DataFrame:
    eps = episodes(data)
    start, end = _year(ctx)
    during = (eps["DECOM"] <= end) & (eps["DEC"].isna() | (eps["DEC"] >= start))
    return eps[during].drop_duplicates("CHILD", keep="last")


def _missing_in_year(data: Data, ctx: Context, kind: str) -> pd.DataFrame:
    missing = data.table("Missing")  # type: ignore[arg-type]
    start, end = _year(ctx)
    return missing[missing["CHILD"].notna() & missing["MISSING"].eq(kind).fillna(False).astype(bool)
                   & (missing["MIS_START"] >= start) & (missing["MIS_START"] <= end)]


def _children_with(data: Data, ctx: Context, kind: str) -> Result:
    t = _looked_after_in_year(data, ctx)
    episodes_of = _missing_in_year(data, ctx, kind).groupby("CHILD").size()
    n = t["CHILD"].map(episodes_of).fillna(0).astype(int)
    return percent_result(_rows(t["CHILD"], t["row"], numerator=n.ge(1), detail=n))


def _episodes_of(data: Data, ctx: Context, kind: str) -> Result:
    t = _missing_in_year(data, ctx, kind)
    return count_result(_rows(t["CHILD"], t["row"], detail=t["MIS_START"].dt.strftime("from %d/%m/%Y")))


_MISSING_BASE = """Of children looked after at any time during the year (an episode open on any day of it), the
percentage with at least one {what} starting in the year (Missing table, MISSING = {code})."""


@measure(id="ssda903_missing_children", title="Children looked after who went missing", unit=PERCENT,
         polarity=LOWER, group="children_in_care", national="cla_missing_in_year",
         definition=_MISSING_BASE.format(what="episode of being missing from their placement", code="M"))
def missing_children(data: Data, ctx: Context) -> Result:
    return _children_with(data, ctx, "M")


@measure(id="ssda903_missing_episodes", title="Missing episodes", unit=COUNT, polarity=LOWER,
         group="children_in_care",
         definition="""Episodes of a looked-after child being missing from their placement (MISSING = M) that
         started during the year.""")
def missing_episodes(data: Data, ctx: Context) -> Result:
    return _episodes_of(data, ctx, "M")


@measure(id="ssda903_away_children", title="Children looked after who were away without authorisation",
         unit=PERCENT, polarity=LOWER, group="children_in_care", national="cla_away_in_year",
         definition=_MISSING_BASE.format(what="episode of being away from their placement without authorisation",
                                         code="A"))
def away_children(data: Data, ctx: Context) -> Result:
    return _children_with(data, ctx, "A")


@measure(id="ssda903_away_episodes", title="Away from placement episodes", unit=COUNT, polarity=LOWER,
         group="children_in_care",
         definition="""Episodes of a looked-after child being away from their placement without authorisation
         (MISSING = A) that started during the year.""")
def away_episodes(data: Data, ctx: Context) -> Result:
    return _episodes_of(data, ctx, "A")


# --------------------------------------------------------------------------- care leavers


def care_leavers(data: Data, ctx: Context, ages: tuple[int, ...]) -> pd.DataFrame:
    """OC3 rows (care leavers whose 17th to 21st birthday fell in the year) of the ages given: the age they
    reached on that birthday, which is their age on 31 March."""
    oc3 = data.table("OC3")  # type: ignore[arg-type]
    oc3 = oc3[oc3["CHILD"].notna()].drop_duplicates("CHILD", keep="last")
    dob = oc3["CHILD"].map(_dob(data)).astype("datetime64[ns]")
    dob = dob.where(dob.notna(), oc3["DOB"])
    _, end = _year(ctx)
    age = _age_at(dob, end)
    return oc3[age.isin(ages)].assign(age=age[age.isin(ages)].astype(int))


_CARE_LEAVERS = """Of care leavers who turned {words} during the year (the OC3 table: their information is
recorded around that birthday), the percentage {what}. Everyone in the age band counts in the denominator,
including those with no information."""

_BANDS = {"17_18": ((17, 18), "17 or 18", "17 to 18"), "19_21": ((19, 20, 21), "19, 20 or 21", "19 to 21")}


_SLUGS = {"IN_TOUCH": "in_touch", "ACTIV": "eet", "ACCOM": "suitable"}


def _care_leaver_measure(key: str, what: str, title: str, test, national: str | None, column: str):
    ages, words, band = _BANDS[key]

    @measure(id=f"ssda903_care_leavers_{_SLUGS[column]}_{key}", title=f"{title} (aged {band})",
             unit=PERCENT, polarity=HIGHER, group="care_leavers", national=national,
             definition=_CARE_LEAVERS.format(words=words, what=what))
    def function(data: Data, ctx: Context) -> Result:
        t = care_leavers(data, ctx, ages)
        return percent_result(_rows(t["CHILD"], t["row"], numerator=test(t[column]), detail=t[column]))

    return function


def _in_touch(values: pd.Series) -> pd.Series:
    return values.eq("YES").fillna(False).astype(bool)


def _eet(values: pd.Series) -> pd.Series:
    return values.isin(S.EET)


def _suitable(values: pd.Series) -> pd.Series:
    return values.isin(S.SUITABLE_ACCOM)


for _key, _national_eet, _national_suitable in (
        ("17_18", "care_leavers_eet_17_18", "care_leavers_suitable_17_18"),
        ("19_21", "care_leavers_eet", "care_leavers_suitable")):
    _care_leaver_measure(_key, "in touch with the council (IN_TOUCH = YES)", "Care leavers in touch", _in_touch,
                         None, "IN_TOUCH")
    _care_leaver_measure(_key, "in education, employment or training (ACTIV F1-F5 or P1-P5: full or part time)",
                         "Care leavers in education, employment or training", _eet, _national_eet, "ACTIV")
    _care_leaver_measure(_key, "in suitable accommodation (ACCOM ending in 1)",
                         "Care leavers in suitable accommodation", _suitable, _national_suitable, "ACCOM")


# --------------------------------------------------------------------------- adoption


def adopted_in_year(data: Data, ctx: Context) -> pd.DataFrame:
    """The episode ending in adoption (REC E11 or E12) during the year, one per child (the latest)."""
    eps = episodes(data)
    start, end = _year(ctx)
    adopted = eps[eps["REC"].isin(S.ADOPTED) & (eps["DEC"] >= start) & (eps["DEC"] <= end)]
    return adopted.drop_duplicates("CHILD", keep="last")


def _mean_days(t: pd.DataFrame, days: pd.Series, what: str) -> Result:
    known = days.notna()
    rows = _rows(t["CHILD"], t["row"], numerator=known, denominator=known, detail=days.astype("Int64"))
    n = int(known.sum())
    total = float(days[known].sum())
    return Result("", total / n if n else None, total, float(n), rows,
                  note=None if n else f"No child adopted during the year has {what}.")


@measure(id="ssda903_adoption_care_to_placed_days", title="Days from entering care to being placed for adoption",
         unit=DAYS, polarity=LOWER, group="children_in_care",
         definition="""For children adopted during the year (an episode ceasing with REC E11 or E12), the mean
         number of days from the start of their period of care (the last episode with reason for new episode S
         before the adoption) to the date they were placed for adoption (the Placed for adoption table's
         DATE_PLACED, the latest on or before the adoption; without one, the start of their first episode in an
         adoption placement, A3 to A6, in that period of care).""")
def adoption_care_to_placed(data: Data, ctx: Context) -> Result:
    t = adopted_in_year(data, ctx)
    placed = _placed_for_adoption(data, t)
    return _mean_days(t, (placed - t["period_start"]).dt.days, "a date placed for adoption")


def _placed_for_adoption(data: Data, t: pd.DataFrame) -> pd.Series:
    pa = data.table("PlacedAdoption")  # type: ignore[arg-type]
    pa = pa[pa["CHILD"].isin(t["CHILD"]) & pa["DATE_PLACED"].notna()]
    merged = t[["CHILD", "DEC", "period_start"]].reset_index().merge(pa[["CHILD", "DATE_PLACED"]], on="CHILD")
    merged = merged[(merged["DATE_PLACED"] <= merged["DEC"]) & (merged["DATE_PLACED"] >= merged["period_start"])]
    from_table = merged.groupby("index")["DATE_PLACED"].max()
    eps = episodes(data)
    in_adoption = eps[eps["PLACE"].isin(ADOPTION_PLACEMENTS)]
    first_a = _first_in_period(in_adoption, t)
    placed = pd.Series(from_table, index=t.index).astype("datetime64[ns]")
    return placed.where(placed.notna(), first_a)


def _first_in_period(candidates: pd.DataFrame, t: pd.DataFrame) -> pd.Series:
    """Per adopted child (t's index), the earliest candidate episode start within their adoption's period of care."""
    merged = t[["CHILD", "DEC", "period_start"]].reset_index().merge(candidates[["CHILD", "DECOM"]], on="CHILD")
    merged = merged[(merged["DECOM"] >= merged["period_start"]) & (merged["DECOM"] <= merged["DEC"])]
    return pd.Series(merged.groupby("index")["DECOM"].min(), index=t.index).astype("datetime64[ns]")


@measure(id="ssda903_adoption_authority_to_match_days", title="Days from court authority to matching with adopters",
         unit=DAYS, polarity=LOWER, group="children_in_care",
         definition="""For children adopted during the year, the mean number of days from the court's authority to
         place them for adoption (the start of their first episode in that period of care under legal status E1,
         placement order granted, or D1, freed for adoption) to the date they were matched with their adopters
         (AD1 DATE_MATCH). Children with neither date are left out.""")
def adoption_authority_to_match(data: Data, ctx: Context) -> Result:
    t = adopted_in_year(data, ctx)
    eps = episodes(data)
    authority = _first_in_period(eps[eps["LS"].isin(COURT_AUTHORITY)], t)
    ad1 = data.table("AD1")  # type: ignore[arg-type]
    ad1 = ad1[ad1["CHILD"].notna()].drop_duplicates("CHILD", keep="last").set_index("CHILD")["DATE_MATCH"]
    matched = t["CHILD"].map(ad1).astype("datetime64[ns]")
    return _mean_days(t, (matched - authority).dt.days, "both a court authority and a matching date")
