"""English Indices of Deprivation for children's services authorities.

utla_deprivation.csv (derived, see the data README): already long and snake_case, one row per council
and `source_vintage` (IoD2015, IoD2019, IoD2025). IoD2019 appears twice: on the 151 areas of File 11
as published (2019 boundaries) and on today's 153 councils (`geography` says which). IDACI is given
for IoD2019 only; ranks are 1 = most deprived, recomputed among 153 except in the File 11 rows.
`derivation` says row by row whether a value is official or a population-weighted mean of districts.

File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx (MHCLG, IoD2019 File 11): an
empty "Notes" sheet, then one sheet per index or domain (IMD, Income, Employment, Education, Health,
Crime, Barriers, Living, IDACI, IDAOPI), each with one header row and 151 upper-tier areas on 2019
boundaries (Buckinghamshire E10000002, Cumbria, Northamptonshire, Somerset and North Yorkshire as
counties; BCP and Dorset already unitary). Headers read "<Domain> - Average rank" etc., with stray
spaces ("Proportion  of LSOAs"); the IMD sheet adds extent and local concentration, Income and
Employment add "scale". Known defect of this copy: Slough's code is cut to "E0600003" on the IMD sheet
(right, E06000039, on every other sheet). `read_iod2019_upper_tier` repairs any code that is not a full
E-code by taking the code the other sheets give the same area name, and refuses to guess otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._util import data_folder, snake_case

UTLA_CSV = "deprivation/utla_deprivation.csv"
FILE_11_XLSX = "deprivation/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx"

_FULL_CODE = re.compile(r"E\d{8}")
_MEASURE_WORDS = (
    ("proportion of lsoas in most deprived 10% nationally", "prop_lsoas_most_deprived_10pct"),
)


def read_utla_deprivation(folder: str | Path | None = None) -> pd.DataFrame:
    """utla_deprivation.csv with numbers as floats (blank = NaN) and codes as text.

    Columns: la_code, la_name, source_vintage, geography, imd_avg_score, imd_rank,
    imd_prop_lsoas_most_deprived_10pct, idaci_avg_score, idaci_rank, rank_note, derivation.
    """
    raw = pd.read_csv(data_folder(folder) / UTLA_CSV, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table = raw.copy()
    for column in ("imd_avg_score", "imd_rank", "imd_prop_lsoas_most_deprived_10pct", "idaci_avg_score", "idaci_rank"):
        table[column] = pd.to_numeric(raw[column].replace("", None), errors="raise").astype(float)
    columns = ["la_code", "la_name", "source_vintage", "geography", "imd_avg_score", "imd_rank",
               "imd_prop_lsoas_most_deprived_10pct", "idaci_avg_score", "idaci_rank", "rank_note", "derivation"]
    return table[columns]


def _measure(domain: str, header: str) -> str:
    """"IMD - Rank of average rank" -> "imd_rank_of_average_rank"; "Rank of Income Scale" -> "income_rank_of_scale"."""
    text = " ".join(str(header).split()).lower().replace(" 2019", "")
    prefix = domain.lower()
    if " - " in text:
        text = text.split(" - ", 1)[1]
    else:
        text = text.replace(prefix + " ", "")
    for words, short in _MEASURE_WORDS:
        text = text.replace(words, short)
    return f"{prefix}_{snake_case(text)}"


def read_iod2019_upper_tier(folder: str | Path | None = None) -> pd.DataFrame:
    """IoD2019 File 11: one row per upper-tier area (151), columns la_code, la_name, then every sheet's
    measures prefixed by the sheet name (imd_average_score, imd_rank_of_average_score, idaci_average_score,
    idaci_prop_lsoas_most_deprived_10pct, income_scale, ...). Slough's IMD code is repaired."""
    sheets = pd.read_excel(data_folder(folder) / FILE_11_XLSX, sheet_name=None, header=None, engine="calamine")
    tables = {}
    for name, raw in sheets.items():
        if raw.empty:
            continue
        headers = list(raw.iloc[0])
        table = raw.iloc[1:].copy()
        table.columns = ["la_code", "la_name", *(_measure(name, h) for h in headers[2:])]
        table["la_code"] = table["la_code"].astype(str).str.strip()
        table["la_name"] = table["la_name"].astype(str).str.strip()
        tables[name] = table.reset_index(drop=True)
    good_codes: dict[str, set[str]] = {}
    for table in tables.values():
        full = table[table["la_code"].str.fullmatch(_FULL_CODE)]
        for code, name in zip(full["la_code"], full["la_name"], strict=True):
            good_codes.setdefault(name, set()).add(code)
    for name, table in tables.items():
        bad = ~table["la_code"].str.fullmatch(_FULL_CODE)
        for index in table.index[bad]:
            # The known defect: Slough's IMD row reads E0600003; the other sheets give E06000039.
            code, area = table.at[index, "la_code"], table.at[index, "la_name"]
            candidates = good_codes.get(area, set())
            if len(candidates) != 1 or not next(iter(candidates)).startswith(code):
                raise ValueError(f"cannot repair code {code!r} of {area!r} on sheet {name}")
            table.at[index, "la_code"] = next(iter(candidates))
    first, *others = tables.values()
    if any(set(t["la_code"]) != set(first["la_code"]) for t in others):
        raise ValueError("File 11 sheets cover different areas")
    merged = first
    for table in others:
        merged = merged.merge(table.drop(columns="la_name"), on="la_code", validate="1:1")
    numeric = [c for c in merged.columns if c not in ("la_code", "la_name")]
    merged[numeric] = merged[numeric].astype(float)
    return merged.sort_values("la_code", ignore_index=True)
