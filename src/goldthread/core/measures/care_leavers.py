"""Annex A measures of care leavers (List 9). Conventions: ``goldthread.core.measures.annex_a``.

List 9 has one row per young person; where a file repeats a young person, the last row is used. Ages are at
the extract date (from the date of birth, or the stated age where there is none). DfE reports care leavers
aged 17-18 and 19-21 separately, so the in touch, accommodation and activity measures are given for each.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..annexa.codes import EET_ACTIVITIES
from .common import age_between, last_per_child, shared
from .derived import RowSet, TableView, view
from .registry import (
    COUNT,
    HIGHER,
    NEITHER,
    PERCENT,
    RATE,
    Context,
    Data,
    Result,
    count_result,
    measure,
    percent_result,
    rate_result,
)

AGE_17_18, AGE_19_21 = "17 to 18", "19 to 21"  # the care leaver age bands (dimension "age_band", List 9)
AGES = {"17_18": (17, 18, AGE_17_18, "aged 17 or 18"), "19_21": (19, 21, AGE_19_21, "aged 19 to 21")}
AGE_COLUMNS = ("date_of_birth", "age")


@measure(id="care_leavers_in_touch", title="Care leavers in touch", unit=PERCENT, polarity=HIGHER,
         group="care_leavers", reads={9: ("in_touch",)},
         definition="""Of care leavers on List 9 (one row per young person), excluding those whose "LA in Touch"
         is Exclude, the percentage that are In touch. Blank or Not recorded counts as not in touch.""")
def care_leavers_in_touch(data: Data, ctx: Context) -> Result:
    return _in_touch(view(data, 9), None)


def _in_touch(v: TableView, ages: np.ndarray | None) -> Result:
    pos = last_per_child(v)
    base = ~v.equals("in_touch", "EXCLUDE")
    if ages is not None:
        base = base & ages
    return percent_result(v.select(pos[base[pos]], numerator=v.equals("in_touch", "IN_TOUCH")))


@measure(id="care_leavers_suitable_accommodation", title="Care leavers in suitable accommodation",
         unit=PERCENT, polarity=HIGHER, group="care_leavers", reads={9: ("accommodation_suitability",)},
         national="care_leavers_suitable",
         definition="""Of care leavers on List 9, excluding those whose Suitability of Accommodation is Exclude,
         the percentage in accommodation recorded as Suitable.""")
def care_leavers_suitable_accommodation(data: Data, ctx: Context) -> Result:
    return _suitable(view(data, 9), None)


def _suitable(v: TableView, ages: np.ndarray | None) -> Result:
    pos = last_per_child(v)
    base = ~v.equals("accommodation_suitability", "EXCLUDE")
    if ages is not None:
        base = base & ages
    return percent_result(v.select(pos[base[pos]], numerator=v.equals("accommodation_suitability", "SUITABLE")))


@measure(id="care_leavers_eet", title="Care leavers in education, employment or training", unit=PERCENT,
         polarity=HIGHER, group="care_leavers", reads={9: ("activity",)}, national="care_leavers_eet",
         definition="""Of care leavers on List 9, the percentage whose Activity Status is education, employment
         or training: codes F1 to F5 and P1 to P5 (full or part time).""")
def care_leavers_eet(data: Data, ctx: Context) -> Result:
    return _eet(view(data, 9), None)


def _eet(v: TableView, ages: np.ndarray | None) -> Result:
    pos = last_per_child(v)
    if ages is not None:
        pos = pos[ages[pos]]
    return percent_result(v.select(pos, numerator=v.isin("activity", EET_ACTIVITIES)))


@measure(id="care_leavers_pathway_plan_in_date", title="Care leavers with a pathway plan reviewed in time",
         unit=PERCENT, polarity=HIGHER, group="care_leavers", reads={9: ("pathway_plan_review_date",)},
         definition="""Of care leavers on List 9, the percentage whose Latest Pathway Plan Review Date is within
         the six months before the extract date (the Care Leavers Regulations' six-monthly review). No date
         counts as not in date.""")
def care_leavers_pathway_plan_in_date(data: Data, ctx: Context) -> Result:
    v = view(data, 9)
    return percent_result(v.select(last_per_child(v), numerator=v.window("pathway_plan_review_date", ctx.as_at)))


# --------------------------------------------------------------------------- added with the catalogue


def care_leaver_rows(data: Data, ctx: Context) -> RowSet:
    return shared(data, 9, "care_leavers", None, lambda v: v.select(last_per_child(v), numerator=True))


def _aged_rows(key: str) -> Callable[[Data, Context], RowSet]:
    low, high, _, _ = AGES[key]

    def rows(data: Data, ctx: Context) -> RowSet:
        def make(v: TableView) -> RowSet:
            pos = last_per_child(v)
            return v.select(pos[age_between(v, ctx.as_at, low, high)[pos]], numerator=True)
        return shared(data, 9, f"care_leavers_{key}", ctx.as_at, make)
    return rows


def _17_to_21(data: Data, ctx: Context) -> RowSet:
    def make(v: TableView) -> RowSet:
        pos = last_per_child(v)
        return v.select(pos[age_between(v, ctx.as_at, 17, 21)[pos]], numerator=True)
    return shared(data, 9, "care_leavers_17_21", ctx.as_at, make)


def _population(ctx: Context, *bands: str) -> int | None:
    found = [ctx.population_of("age_band", band) for band in bands]
    return sum(found) if all(found) else None


def _missing(ages: str) -> str:
    return (f"The number of young people {ages} living in the council's area (ONS mid-year estimate) is not "
            "known: the council can give it in its settings.")


@measure(id="care_leavers", title="Care leavers", unit=COUNT, polarity=NEITHER, group="care_leavers",
         reads={9: ()},
         definition="""Distinct young people on List 9 (care leavers receiving a service at the extract date, of any
         age the list holds).""")
def care_leavers(data: Data, ctx: Context) -> Result:
    return count_result(care_leaver_rows(data, ctx), distinct_children=True)


@measure(id="care_leavers_per_10k", title="Care leavers aged 17 to 21 per 10,000 young people", unit=RATE,
         polarity=NEITHER, group="care_leavers", reads={9: AGE_COLUMNS},
         definition="""Distinct young people on List 9 aged 17 to 21 at the extract date, per 10,000 young people
         aged 17 to 21 living in the council's area (ONS mid-year estimate, from the council: goldthread's
         packaged ONS figures cover ages 0 to 17 only). The regional tool divides all care leavers by the
         population aged 0 to 17 instead.""")
def care_leavers_per_10k(data: Data, ctx: Context) -> Result:
    return rate_result(_17_to_21(data, ctx), _population(ctx, AGE_17_18, AGE_19_21), distinct_children=True,
                       population_key="age_band", missing=_missing("aged 17 to 21"))


# The age-band measures' published twins (education, employment or training; suitable accommodation): DfE
# publishes care leavers aged 17 to 18 and 19 to 21 apart, 19 to 21 being its headline figure.
NATIONAL_TWINS = {"17_18": ("care_leavers_eet_17_18", "care_leavers_suitable_17_18"),
                  "19_21": ("care_leavers_eet", "care_leavers_suitable")}

for _key, (_low, _high, _band, _words) in AGES.items():
    _rows = _aged_rows(_key)

    def _declare(key=_key, band=_band, words=_words, rows=_rows) -> None:
        @measure(id=f"care_leavers_{key}", title=f"Care leavers {words}", unit=COUNT, polarity=NEITHER,
                 group="care_leavers", reads={9: AGE_COLUMNS},
                 definition=f"""Distinct young people on List 9 {words} at the extract date.""")
        def count(data: Data, ctx: Context) -> Result:
            return count_result(rows(data, ctx), distinct_children=True)

        @measure(id=f"care_leavers_{key}_per_10k", title=f"Care leavers {words} per 10,000 young people",
                 unit=RATE, polarity=NEITHER, group="care_leavers", reads={9: AGE_COLUMNS},
                 definition=f"""Distinct young people on List 9 {words} at the extract date, per 10,000 young
                 people {words} living in the council's area (ONS mid-year estimate, from the council).""")
        def rate(data: Data, ctx: Context) -> Result:
            return rate_result(rows(data, ctx), _population(ctx, band), distinct_children=True,
                               population_key="age_band", missing=_missing(words))

        @measure(id=f"care_leavers_in_touch_{key}", title=f"Care leavers {words} in touch", unit=PERCENT,
                 polarity=HIGHER, group="care_leavers", reads={9: ("in_touch", *AGE_COLUMNS)},
                 definition=f"""As care leavers in touch, for young people {words} at the extract date: of them,
                 excluding those whose "LA in Touch" is Exclude, the percentage In touch.""")
        def in_touch(data: Data, ctx: Context) -> Result:
            v = view(data, 9)
            return _in_touch(v, age_between(v, ctx.as_at, *AGES[key][:2]))

        @measure(id=f"care_leavers_suitable_accommodation_{key}",
                 title=f"Care leavers {words} in suitable accommodation", unit=PERCENT, polarity=HIGHER,
                 group="care_leavers", reads={9: ("accommodation_suitability", *AGE_COLUMNS)},
                 national=NATIONAL_TWINS[key][1],
                 definition=f"""As care leavers in suitable accommodation, for young people {words} at the extract
                 date: of them, excluding those whose Suitability of Accommodation is Exclude, the percentage in
                 accommodation recorded as Suitable.""")
        def suitable(data: Data, ctx: Context) -> Result:
            v = view(data, 9)
            return _suitable(v, age_between(v, ctx.as_at, *AGES[key][:2]))

        @measure(id=f"care_leavers_eet_{key}", title=f"Care leavers {words} in education, employment or training",
                 unit=PERCENT, polarity=HIGHER, group="care_leavers", reads={9: ("activity", *AGE_COLUMNS)},
                 national=NATIONAL_TWINS[key][0],
                 definition=f"""As care leavers in education, employment or training, for young people {words}
                 at the extract date: the percentage whose Activity Status is F1 to F5 or P1 to P5.""")
        def eet(data: Data, ctx: Context) -> Result:
            v = view(data, 9)
            return _eet(v, age_between(v, ctx.as_at, *AGES[key][:2]))

    _declare()


@measure(id="care_leavers_disabled", title="Care leavers who are disabled", unit=PERCENT, polarity=NEITHER,
         group="care_leavers", reads={9: ("disability",)},
         definition="""Of care leavers on List 9 (one row per young person), the percentage whose "Does the Child
         have a Disability" is Yes. Unknown or blank counts as not recorded as disabled (and stays in the
         total).""")
def care_leavers_disabled(data: Data, ctx: Context) -> Result:
    v = view(data, 9)
    return percent_result(v.select(last_per_child(v), numerator=v.yes("disability")))


@measure(id="care_leavers_uasc", title="Care leavers who are or were unaccompanied asylum-seeking children",
         unit=PERCENT, polarity=NEITHER, group="care_leavers", reads={9: ("uasc",)},
         definition="""Of care leavers on List 9 (one row per young person), the percentage recorded as an
         unaccompanied asylum-seeking child, or formerly one if 18 or over (Yes; Unknown or blank is not counted
         as Yes).""")
def care_leavers_uasc(data: Data, ctx: Context) -> Result:
    v = view(data, 9)
    return percent_result(v.select(last_per_child(v), numerator=v.yes("uasc")))
