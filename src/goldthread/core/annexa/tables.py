"""Canonical Annex A tables built from plain records (dicts keyed by canonical column names).

The reader produces these tables from files; tests, the synthetic generator and benchmarks build them
from records with ``from_records`` and get exactly the same column types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import spec as S
from .reader import empty_table

_DTYPES = {S.INT: "Int64", S.AGE: "Int64", S.BOOL: "boolean"}


def from_records(number: int, records: Iterable[Mapping], first_row: int = 2) -> pd.DataFrame:
    """A canonical table for list ``number``. Missing keys are blank; ``row_number`` defaults to the
    spreadsheet row the record would have under a header in row 1."""
    list_spec = S.BY_NUMBER[number]
    records = list(records)
    if not records:
        return empty_table(list_spec)
    unknown = {k for r in records for k in r} - set(list_spec.names) - {"row_number", "extra"}
    if unknown:
        raise KeyError(f"{list_spec.label} has no column {sorted(unknown)[0]!r}")
    frame: dict[str, object] = {
        "row_number": np.array([r.get("row_number", first_row + i) for i, r in enumerate(records)], dtype=np.int64)}
    for col in list_spec.columns:
        values = [r.get(col.name) for r in records]
        if col.kind == S.DATE:
            frame[col.name] = np.array(
                [np.datetime64(_as_date(v), "D") if v is not None else np.datetime64("NaT") for v in values],
                dtype="datetime64[D]").astype("datetime64[ns]")
        elif col.kind in _DTYPES:
            frame[col.name] = pd.array(values, dtype=_DTYPES[col.kind])
        else:
            frame[col.name] = np.asarray(values, dtype=object)
    frame["extra"] = np.asarray([r.get("extra") for r in records], dtype=object)
    return pd.DataFrame(frame)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class Tables:
    """Eleven canonical tables with the reader's ``table(n)`` interface; lists not given are empty."""

    def __init__(self, records_by_list: Mapping[int, Iterable[Mapping]] | None = None):
        given = dict(records_by_list or {})
        self.tables = {s.number: from_records(s.number, given.get(s.number, ())) for s in S.LISTS}

    def table(self, number: int) -> pd.DataFrame:
        return self.tables[number]
