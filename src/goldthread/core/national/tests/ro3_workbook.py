"""A multi-year RO3 workbook for tests, made from the packaged 2024-25 one: one data sheet per financial year,
each a copy of 2024-25's children's social care columns, relabelled and scaled."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from goldthread.core.national._util import data_folder
from goldthread.core.national.dfe import RO3_ODS

_CHILDREN = re.compile(r"children'?s? social care", re.IGNORECASE)


def _packaged_sheet() -> pd.DataFrame:
    raw = pd.read_excel(data_folder() / RO3_ODS, sheet_name="RO3_LA_Data_202425", header=None, engine="calamine")
    header = int(raw.index[raw.iloc[:, 0].astype(str).str.strip() == "E-code"][0])
    ids = list(range(7))
    keep = ids + [j for j in range(7, raw.shape[1]) if _CHILDREN.search(str(raw.iat[header, j]))]
    return raw.iloc[:, keep].copy()


def _scaled(scale: float):
    def scaled(value):
        if isinstance(value, int | float) and not isinstance(value, bool) and pd.notna(value):
            return value * scale
        return value
    return scaled


def write_ro3_workbook(path: Path, years: dict[str, float]) -> Path:
    """Write `path` (.xlsx) with a sheet per financial year ("2023-24": scale): every number of 2024-25's
    children's social care columns multiplied by its scale, the title and sheet name saying its year."""
    sheet = _packaged_sheet()
    header = int(sheet.index[sheet.iloc[:, 0].astype(str).str.strip() == "E-code"][0])
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for year, scale in years.items():
            copy = sheet.copy()
            for row in range(header):
                copy.iat[row, 0] = str(copy.iat[row, 0]).replace("2024-25", year) if pd.notna(copy.iat[row, 0]) \
                    else copy.iat[row, 0]
            copy.iloc[header + 1:, 7:] = copy.iloc[header + 1:, 7:].map(_scaled(scale))
            copy.to_excel(writer, sheet_name=f"RO3_LA_Data_{year.replace('-', '')}", header=False, index=False)
    return path
