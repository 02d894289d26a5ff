"""Reading stored extracts back as the canonical tables the measures use."""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def latest_extract(council, on=None) -> Extract | None:
    extracts = Extract.objects.filter(council=council)
    if on is not None:
        extracts = extracts.filter(extract_date__lte=on)
    return extracts.order_by("-extract_date").first()
