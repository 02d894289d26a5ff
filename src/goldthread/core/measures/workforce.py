"""Measures computed from a council's own monthly workforce list (goldthread.core.workforce).

They read ``data.table("posts")`` (a ``WorkforceList``: one row per post or worker, FTE as a number, dates as
datetime64) and are defined as DfE's children's social work workforce census defines its figures, so they sit
beside the published ones (national twins csww_*), but for the month ending ``as_at`` instead of 30 September.

Conventions (every definition below follows them):
- In post on a day: a filled row whose worker started on or before it (or has no start date) and had not left
  before it (no leaving date, or one on or after it). Permanent means directly employed by the council.
- Rates are of full-time equivalents (FTE), not of people.
- The rows behind a measure are posts (``row_number`` = the row in the file, ``detail`` = the post ID and its
  FTE); ``allocated_team`` is the post's team, so every measure is also broken down by team, with the same
  FTE-weighted definition. ``list_number`` is 0 and ``child_id`` is empty: no child is behind these figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..workdays import working_days_between
from ..workforce import template as T
from ..workforce.reader import in_post
from .registry import BREAKDOWN_COLUMNS, LOWER, NUMBER, PERCENT, Context, Data, Result
from .registry import measure as _declare

WORKFORCE = "Workforce"  # the measures' source (belongs beside ANNEX_A in registry.py once the lead moves it)
WORKFORCE_LIST = 0


def measure(**kwargs):
    """Declare a workforce measure (the registry's ``measure`` with this source)."""
    return _declare(**kwargs, source=WORKFORCE, group="workforce")


def _posts(data: Data) -> pd.DataFrame:
    return data.table("posts")  # type: ignore[arg-type]


def _day(ctx: Context) -> np.datetime64:
    return np.datetime64(ctx.as_at, "ns")


def _rows(t: pd.DataFrame, numerator, denominator) -> pd.DataFrame:
    n = len(t)
    return pd.DataFrame({
        "list_number": np.full(n, WORKFORCE_LIST),
        "row_number": t["row"].to_numpy(dtype=np.int64),
        "child_id": np.full(n, None, dtype=object),
        "allocated_team": t["team"].to_numpy(dtype=object),
        "allocated_worker": np.full(n, None, dtype=object),
        "in_numerator": np.asarray(numerator, dtype=bool),
        "in_denominator": np.asarray(denominator, dtype=bool),
        "detail": [f"{p} ({f:g} FTE)" for p, f in zip(t["post_id"], t["fte"], strict=True)],
    })


def _ratio(t: pd.DataFrame, num: pd.Series, den: pd.Series, *, in_num, in_den, scale: float = 100.0,
           empty: str) -> Result:
    """sum(num) / sum(den) x scale overall and by team; num and den are per-row amounts (FTE, days, cases)."""
    rows = _rows(t, in_num, in_den)
    total_num, total_den = float(num.sum()), float(den.sum())
    value = total_num / total_den * scale if total_den else None
    by = pd.DataFrame({"group": t["team"].to_numpy(dtype=object), "n": num.to_numpy(dtype=float),
                       "d": den.to_numpy(dtype=float)}).groupby("group", sort=True)[["n", "d"]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        team_value = np.where(by["d"] > 0, by["n"] / by["d"].where(by["d"] > 0, 1) * scale, np.nan)
    team = pd.DataFrame({"group": by.index.to_numpy(dtype=object), "numerator": by["n"].to_numpy(),
                         "denominator": by["d"].to_numpy(), "value": team_value}, columns=BREAKDOWN_COLUMNS)
    return Result("", value, total_num, total_den, rows, {"team": team} if len(team) else {},
                  note=None if total_den else empty)


def _fte(t: pd.DataFrame, mask) -> pd.Series:
    return t["fte"].where(np.asarray(mask, dtype=bool), 0.0).fillna(0.0)


@measure(id="workforce_agency_rate", title="Agency social workers (monthly list)", unit=PERCENT, polarity=LOWER,
         national="csww_agency_rate",
         definition="""Agency social workers' FTE in post at the end of the month as a percentage of agency plus
         permanent (directly employed) FTE in post, as DfE's workforce census defines the agency rate.""")
def agency_rate(data: Data, ctx: Context) -> Result:
    t = _posts(data)
    working = in_post(t, _day(ctx))
    agency = working & t["contract"].eq(T.AGENCY)
    permanent = working & t["contract"].eq(T.PERMANENT)
    return _ratio(t, _fte(t, agency), _fte(t, agency | permanent), in_num=agency, in_den=agency | permanent,
                  empty="No social worker was in post at the end of the month.")


@measure(id="workforce_vacancy_rate", title="Social worker vacancies (monthly list)", unit=PERCENT, polarity=LOWER,
         national="csww_vacancy_rate",
         definition="""FTE of posts without a permanent worker at the end of the month (vacant posts, and posts
         covered by an agency worker, as the census counts vacancies) as a percentage of those posts plus
         permanent FTE in post.""")
def vacancy_rate(data: Data, ctx: Context) -> Result:
    t = _posts(data)
    working = in_post(t, _day(ctx))
    vacant = t["status"].eq(T.VACANT) | (working & t["contract"].eq(T.AGENCY))
    permanent = working & t["contract"].eq(T.PERMANENT)
    return _ratio(t, _fte(t, vacant), _fte(t, vacant | permanent), in_num=vacant, in_den=vacant | permanent,
                  empty="The list has no posts in use at the end of the month.")


def month_ends(as_at, months: int = 12) -> list[np.datetime64]:
    """The last day of each of the ``months`` months ending with as_at's month (as_at itself first)."""
    end = pd.Timestamp(as_at)
    return [np.datetime64((end - pd.offsets.MonthEnd(k)) if k else end, "ns") for k in range(months)]


@measure(id="workforce_turnover_rate", title="Social worker turnover, last 12 months (monthly list)", unit=PERCENT,
         polarity=LOWER, national="csww_turnover_rate",
         definition="""Permanent social workers' FTE who left in the 12 months to the end of the month (leaving date
         after the same day a year earlier, up to the end of the month) as a percentage of the average permanent
         FTE in post on the last day of each of those 12 months (counted from the start and leaving dates on the
         list, which keeps the year's leavers). DfE's census divides by the FTE in post on 30 September instead
         of an average.""")
def turnover_rate(data: Data, ctx: Context) -> Result:
    t = _posts(data)
    end = _day(ctx)
    year_ago = np.datetime64(pd.Timestamp(ctx.as_at) - pd.DateOffset(years=1), "ns")
    permanent = t["status"].eq(T.FILLED) & t["contract"].eq(T.PERMANENT)
    left = permanent & (t["leaving_date"] > year_ago) & (t["leaving_date"] <= end)
    average = sum(_fte(t, permanent & in_post(t, day)) for day in month_ends(ctx.as_at)) / 12.0
    ever = permanent & pd.concat([in_post(t, day) for day in month_ends(ctx.as_at)], axis=1).any(axis=1)
    return _ratio(t, _fte(t, left), average, in_num=left, in_den=ever,
                  empty="No permanent social worker was in post in the last 12 months.")


@measure(id="workforce_sickness_absence_rate", title="Social worker sickness absence (monthly list)", unit=PERCENT,
         polarity=LOWER, national="csww_sickness_absence_rate",
         definition="""Working days lost to sickness absence in the month by permanent social workers in post at
         its end, as a percentage of the working days available to them (their FTE x the working days in the
         month, weekdays less England's bank holidays), as the census's absence rate is for its year.""")
def sickness_absence_rate(data: Data, ctx: Context) -> Result:
    t = _posts(data)
    end = _day(ctx)
    first = np.datetime64(pd.Timestamp(ctx.as_at).replace(day=1) - pd.Timedelta(days=1), "ns")
    working_days = float(working_days_between(np.array([first]), np.array([end]))[0])
    permanent = in_post(t, end) & t["contract"].eq(T.PERMANENT)
    lost = t["absence_days"].where(permanent, 0.0).fillna(0.0)
    return _ratio(t, lost, _fte(t, permanent) * working_days, in_num=permanent & t["absence_days"].gt(0),
                  in_den=permanent, empty="No permanent social worker was in post at the end of the month.")


@measure(id="workforce_average_caseload", title="Average caseload (monthly list)", unit=NUMBER, polarity=LOWER,
         national="csww_average_caseload",
         definition="""Children allocated at the end of the month to case-holding social workers in post
         (permanent or agency: those with a caseload given, 0 included) per FTE of those workers: a mean per FTE,
         as the census's average caseload.""")
def average_caseload(data: Data, ctx: Context) -> Result:
    t = _posts(data)
    holders = in_post(t, _day(ctx)) & t["caseload"].notna()
    return _ratio(t, t["caseload"].where(holders, 0.0).fillna(0.0), _fte(t, holders), in_num=holders,
                  in_den=holders, scale=1.0, empty="No case-holding social worker was in post at the end of the month.")
