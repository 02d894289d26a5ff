"""Benchmarks: one council's national indicators beside England, its region, its statistical neighbours
and every other council; and the "tartan rug" of every council by indicator.

Input is the long table of `indicators.indicator_values` (indicator_id, la_code, year, value, numerator,
denominator, marker), whose council codes the CodeMap has already made goldthread's own.

Conventions:

* Ranking. Only current councils (status "current" in `lookups.read_councils`) with a value that year
  are ranked; a missing value (any marker) is neither ranked nor counted, and is never read as 0.
  Abolished councils' historical rows stay out. Rank 1 is the best: the lowest value for "lower is
  better", the highest for "higher is better"; an indicator with no better direction (NEITHER) is
  ranked by value, descending (1 = highest), as `rank_order` says. Ties share the better rank (1, 2, 2,
  4).
* Quartile: ceil(4 x rank / councils ranked), so 1 is the best quarter (ranks up to a quarter of the
  councils ranked) and 4 the worst; tied councils share a quartile. None for NEITHER indicators.
* England and region: the figure the publication prints for England or the region ("published"), or
  one goldthread computed from that England/region row's printed counts the same way as the councils'
  ("derived", e.g. a rate per 10,000 from England's count and population); where the file has none,
  the unweighted mean of the current councils' values ("mean of councils": computed, not DfE's).
* Neighbours: the mean of the statistical neighbours' values that year (DfE's 2025 model unless
  `neighbour_model="2021"`), with how many of them had a value and how many neighbours there are.
* Trend: against the council's latest earlier year of the same indicator: "improved" / "worsened" per
  polarity ("increased" / "decreased" for NEITHER indicators, which have no better direction),
  "no change", "no previous year" (no earlier year, or its value is missing), or "not available"
  (no value this year).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..measures.registry import HIGHER, LOWER, NEITHER
from .indicators import ENGLAND, INDICATORS

RANK_ORDER = {
    HIGHER: "1 = highest value (higher is better)",
    LOWER: "1 = lowest value (lower is better)",
    NEITHER: "1 = highest value (no better direction: ranked by value, descending)",
}

PUBLISHED_SOURCE, DERIVED_SOURCE, MEAN_SOURCE = "published", "derived", "mean of councils"

BENCHMARK_COLUMNS = [
    "indicator_id", "title", "unit", "polarity", "group", "year", "value", "marker", "numerator", "denominator",
    "england", "england_source", "region_code", "region", "region_source",
    "neighbours", "neighbours_with_value", "neighbours_in_model",
    "rank", "rank_of", "rank_order", "quartile", "previous_year", "previous_value", "change", "trend",
]


def rank_and_quartile(values: pd.Series, polarity: str) -> pd.DataFrame:
    """Rank (1 = best per polarity; NEITHER: 1 = highest) and quartile of each non-missing value.

    `values` is indexed by council; missing values are dropped first. Columns: rank, rank_of (how many
    councils were ranked), quartile (None for NEITHER).
    """
    valued = values.dropna().astype(float)
    n = len(valued)
    rank = valued.rank(method="min", ascending=polarity == LOWER)
    out = pd.DataFrame({"rank": rank.astype("Int64"), "rank_of": n}, index=valued.index)
    if polarity == NEITHER:
        out["quartile"] = pd.array([pd.NA] * n, dtype="Int64")
    else:
        out["quartile"] = pd.array(np.ceil(4 * rank.to_numpy() / n).astype(int) if n else [], dtype="Int64")
    return out


def trend_word(value: float, previous: float | None, polarity: str) -> str:
    if value is None or _missing(value):
        return "not available"
    if previous is None or _missing(previous):
        return "no previous year"
    change = value - previous
    if abs(change) <= 1e-9 * max(1.0, abs(value)):
        return "no change"
    if polarity == NEITHER:
        return "increased" if change > 0 else "decreased"
    better = change > 0 if polarity == HIGHER else change < 0
    return "improved" if better else "worsened"


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _current(councils: pd.DataFrame) -> pd.Index:
    return pd.Index(councils.loc[councils["status"] == "current", "la_code"])


def _latest_year(frame: pd.DataFrame, current: pd.Index) -> int | None:
    valued = frame[frame["la_code"].isin(current) & frame["value"].notna()]
    return None if valued.empty else int(valued["year"].max())


def _aggregate_lookup(aggregates: pd.DataFrame | None) -> dict[tuple[str, str, int], tuple[float, bool]]:
    if aggregates is None or aggregates.empty:
        return {}
    rows = aggregates.dropna(subset=["value"])
    derived = rows["derived"] if "derived" in rows else pd.Series(False, index=rows.index)
    return {(i, g, int(y)): (float(v), bool(d)) for i, g, y, v, d in
            zip(rows["indicator_id"], rows["geography"], rows["year"], rows["value"], derived, strict=True)}


def _comparator(lookup: dict, key: tuple[str, str, int], members: pd.Series) -> tuple[float, str | None]:
    if key in lookup:
        value, derived = lookup[key]
        return value, DERIVED_SOURCE if derived else PUBLISHED_SOURCE
    members = members.dropna()
    if members.empty:
        return float("nan"), None
    return float(members.mean()), MEAN_SOURCE


def _none_if_na(value):
    return None if _missing(value) else value


def benchmarks(values: pd.DataFrame, councils: pd.DataFrame, neighbours: pd.DataFrame,
               aggregates: pd.DataFrame | None, la_code: str, year: int | None = None,
               neighbour_model: str = "2025") -> pd.DataFrame:
    """One row per indicator for council `la_code`: BENCHMARK_COLUMNS.

    `values`: `indicator_values` output; `councils`: `lookups.read_councils`; `neighbours`:
    `lookups.read_statistical_neighbours`; `aggregates`: `indicators.aggregate_values` (or None: England
    and region are then means of councils). The year is the latest the council has for each indicator
    (any row, so a suppressed latest year shows as suppressed), or `year`; a council with no row at all
    gets the indicator's latest year and no value. Indicators with no council value in that year are
    left out.
    """
    info = councils.set_index("la_code")
    if la_code not in info.index:
        raise KeyError(f"unknown council {la_code!r}")
    current = _current(councils)
    region_code = info.at[la_code, "region_code"]
    in_region = pd.Index(councils.loc[(councils["status"] == "current") & (councils["region_code"] == region_code),
                                      "la_code"])
    model = neighbours[(neighbours["model"] == int(neighbour_model)) & (neighbours["la_code"] == la_code)]
    neighbour_codes = [c for c in model.sort_values("rank")["neighbour_code"] if not _missing(c)]
    lookup = _aggregate_lookup(aggregates)
    by_indicator = dict(tuple(values.groupby("indicator_id", sort=False)))

    rows = []
    for indicator_id, meta in INDICATORS.items():
        frame = by_indicator.get(indicator_id)
        if frame is None:
            continue
        mine = frame[frame["la_code"] == la_code].set_index("year")
        if year is not None:
            chosen = int(year)
        elif len(mine):
            chosen = int(mine.index.max())
        else:
            chosen = _latest_year(frame, current)
        if chosen is None:
            continue
        this_year = frame[frame["year"] == chosen].set_index("la_code")["value"]
        if not this_year[this_year.index.isin(current)].notna().any():
            continue
        own = mine.loc[chosen] if chosen in mine.index else None
        value = float(own["value"]) if own is not None else float("nan")
        ranked = rank_and_quartile(this_year[this_year.index.isin(current)], meta.polarity)
        position = ranked.loc[la_code] if la_code in ranked.index else None
        england, england_source = _comparator(lookup, (indicator_id, ENGLAND, chosen),
                                              this_year[this_year.index.isin(current)])
        region, region_source = _comparator(lookup, (indicator_id, region_code, chosen),
                                            this_year[this_year.index.isin(in_region)])
        neighbour_values = this_year.reindex(neighbour_codes).dropna()
        earlier = mine[mine.index < chosen]
        previous_year = int(earlier.index.max()) if len(earlier) else None
        previous = float(earlier.at[previous_year, "value"]) if previous_year is not None else None
        change = value - previous if previous is not None else float("nan")
        rows.append({
            "indicator_id": indicator_id,
            "title": meta.title,
            "unit": meta.unit,
            "polarity": meta.polarity,
            "group": meta.group,
            "year": chosen,
            "value": value,
            "marker": _none_if_na(own["marker"]) if own is not None else None,
            "numerator": float(own["numerator"]) if own is not None else float("nan"),
            "denominator": float(own["denominator"]) if own is not None else float("nan"),
            "england": england,
            "england_source": england_source,
            "region_code": region_code,
            "region": region,
            "region_source": region_source,
            "neighbours": float(neighbour_values.mean()) if len(neighbour_values) else float("nan"),
            "neighbours_with_value": len(neighbour_values),
            "neighbours_in_model": len(neighbour_codes),
            "rank": None if position is None else int(position["rank"]),
            "rank_of": len(ranked),
            "rank_order": RANK_ORDER[meta.polarity],
            "quartile": None if position is None else _none_if_na(position["quartile"]),
            "previous_year": previous_year,
            "previous_value": float("nan") if previous is None else previous,
            "change": change,
            "trend": trend_word(value, previous, meta.polarity),
        })
    out = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    for column in ("rank", "quartile", "previous_year"):
        out[column] = out[column].astype("Int64")
    for column in ("marker", "england_source", "region_source"):
        out[column] = pd.Series([_none_if_na(v) for v in out[column]], index=out.index, dtype=object)
    return out


def rug(values: pd.DataFrame, councils: pd.DataFrame, indicator_ids: list[str],
        year: int | None = None) -> pd.DataFrame:
    """The tartan rug: one row per current council (index la_code, ordered by region then name), columns
    ("council", "la_name"), ("council", "region_name"), then (indicator_id, "value") and
    (indicator_id, "quartile") for each indicator (quartile NA for NEITHER indicators and missing values).
    Each indicator is taken in `year`, else in its latest year with any current council's value; the
    years used are in `attrs["years"]`."""
    current = councils[councils["status"] == "current"].sort_values(["region_name", "la_name"])
    index = pd.Index(current["la_code"], name="la_code")
    columns = {("council", "la_name"): current["la_name"].to_numpy(),
               ("council", "region_name"): current["region_name"].to_numpy()}
    years: dict[str, int | None] = {}
    for indicator_id in indicator_ids:
        meta = INDICATORS[indicator_id]
        frame = values[values["indicator_id"] == indicator_id]
        chosen = int(year) if year is not None else _latest_year(frame, index)
        years[indicator_id] = chosen
        this_year = frame[frame["year"] == chosen].set_index("la_code")["value"]
        this_year = this_year[this_year.index.isin(index)]
        ranked = rank_and_quartile(this_year, meta.polarity)
        columns[(indicator_id, "value")] = this_year.reindex(index).to_numpy(dtype=float)
        columns[(indicator_id, "quartile")] = ranked["quartile"].reindex(index).astype("Int64").array
    out = pd.DataFrame(columns, index=index)
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    out.attrs["years"] = years
    return out
