"""Reading stored extracts back as the canonical tables the measures use."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db.models import Q, QuerySet

from goldthread.core.annexa import spec as S
from goldthread.core.annexa.reader import empty_table

from .models import ROW_MODELS, Extract

_DTYPES = {S.INT: "Int64", S.AGE: "Int64", S.BOOL: "boolean"}


def load_table(extract: Extract, number: int) -> pd.DataFrame:
    """One list of a stored extract, typed exactly as the reader returns it."""
    list_spec = S.BY_NUMBER[number]
    names = ["row_number", *list_spec.names, "extra"]
    records = list(ROW_MODELS[number].objects.filter(extract=extract).order_by("row_number").values_list(*names))
    if not records:
        return empty_table(list_spec)
    columns = list(zip(*records, strict=True))
    frame: dict[str, object] = {"row_number": np.asarray(columns[0], dtype=np.int64)}
    for col, values in zip(list_spec.columns, columns[1:-1], strict=True):
        if col.kind == S.DATE:
            frame[col.name] = np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT")
                                        for v in values], dtype="datetime64[D]").astype("datetime64[ns]")
        elif col.kind in _DTYPES:
            frame[col.name] = pd.array(list(values), dtype=_DTYPES[col.kind])
        else:
            frame[col.name] = np.asarray(values, dtype=object)
    frame["extra"] = np.asarray(columns[-1], dtype=object)
    return pd.DataFrame(frame)


class StoredAnnexA:
    """A stored extract with the reader's interface: ``table(n)``, loaded on first use."""

    def __init__(self, extract: Extract):
        self.extract = extract
        self.extract_date = extract.extract_date
        self._tables: dict[int, pd.DataFrame] = {}

    def table(self, number: int) -> pd.DataFrame:
        if number not in self._tables:
            self._tables[number] = load_table(self.extract, number)
        return self._tables[number]


def live_extracts(council, *, known_at: dt.datetime | None = None) -> QuerySet[Extract]:
    """The council's extracts in use, oldest extract date first: those not withdrawn (now), or, with
    ``known_at``, those that had been imported by then and were not yet withdrawn then (what a page showed at
    that moment). Every page, measure and status reads extracts through this."""
    extracts = Extract.objects.filter(council=council)
    if known_at is None:
        extracts = extracts.filter(withdrawn_at__isnull=True)
    else:
        extracts = extracts.filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=known_at),
                                   uploaded_at__lte=known_at)
    return extracts.order_by("extract_date")


def latest_extract(council, on: dt.date | None = None, *, known_at: dt.datetime | None = None) -> Extract | None:
    """The latest extract in use (with ``on``, the latest whose extract date is on or before it; with
    ``known_at``, as the council's pages stood at that moment)."""
    extracts = live_extracts(council, known_at=known_at)
    if on is not None:
        extracts = extracts.filter(extract_date__lte=on)
    return extracts.last()


def stored_profile(extract: Extract):
    """The plausibility profile of a stored extract (goldthread.core.annexa.plausibility.Profile), read with
    a few queries rather than loading its rows."""
    from goldthread.core.annexa.plausibility import Profile

    children, teams, workers = set(), set(), set()
    for list_spec in S.LISTS:
        rows = ROW_MODELS[list_spec.number].objects.filter(extract=extract)
        for name, found in (("child_id", children), ("allocated_team", teams), ("allocated_worker", workers)):
            if name in list_spec.names:
                found.update(rows.values_list(name, flat=True).distinct())
    return Profile.build(extract.extract_date, {int(k): v for k, v in extract.row_counts.items()}, children, teams,
                         workers)
