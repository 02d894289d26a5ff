"""Ofsted inspections of councils' children's services, 2009 to 31 March 2025, as one tidy table.

Two publications, read in their published ODS form:

LA_Inspection_Outcomes_as_at_31_March_2025.ods (official statistics, 25 September 2025)
  * Each data sheet has a title row and a note row, then the header ("Web link", "Local authority area
    code", ...). The header row is found by its content, not its position.
  * `ILACS_inspection_history`: every ILACS standard and short inspection, January 2018 to 31 March 2025,
    with inspection and publication dates and all sub-judgements. Councils that no longer exist are
    kept with their old codes (Bournemouth, Cumbria, Northamptonshire). Councils recoded in place carry
    their current code even for inspections before the recode (North Yorkshire's 2018 inspection is
    under E06000065).
  * `In-year_inspections`: all ILACS activity 1 April 2024 to 31 March 2025, including focused visits
    and monitoring visits (no judgements; a "Visit Theme" instead). Its standard and short inspections
    repeat rows of the history sheet; some were published after 31 March (York, April 2025).
  * `Inspections_as_at_31_March` is each council's latest judgement: a view of the history, not read.
  * The "care leavers" sub-judgement exists only from January 2023; the earlier "children in care and
    care leavers" judgement is reported as "children in care" (Ofsted's own convention, see its Notes).

Childrens_social_care_in_England_2023_underlying_data.ods, sheet `LA_inspections_2009-2023`
  * Four note rows, then TWO tables in one sheet, each starting with a "Web link" header row: 152
    councils existing on 31 March 2023, then (after blank rows and a "Table 11" title) the four
    councils abolished in 2019-2021. The sheet's own note says the second table starts at A158 after
    one blank row; there are two blank rows and a title, and its header is row 161. Tables are found
    by content (a "Web link" first cell), never by position.
  * One row per council, one column group per inspection: SLAC (2009-12) with separate safeguarding and
    looked-after-children judgements, SLAC re-inspections, CPI and CPI re-inspections (CPRI), TLAC,
    the first SIF (2013-18) with its sub-judgements and the LSCB review, SIF re-inspections, and the
    first two ILACS inspections. Only publication dates are given (no inspection dates).
  * No council codes: councils are identified by name, spelt Ofsted's way ("Bedford Borough",
    "Kingston Upon Hull"), and "Dorset" names two councils (the county to 2019, the unitary after).
    Each row is matched to the council of that name that existed on its latest publication date.
  * Grades of the older frameworks are given on the four-point scale (no "adequate" appears in this
    copy); " -" marks a judgement not made (City of London adoption, Isles of Scilly): "not judged".
  * The first two ILACS inspections repeat the 2025 file's history. A repeat is an ILACS inspection of
    the same council published within three months: the sheets disagree on two of them (the 2023 file
    dates Nottingham's 2022 inspection 5 November, a Saturday, where the 2025 file says 5 September,
    and calls Merton's 2022 short inspection a standard one). The 2025 row is kept (it has the inspection
    date and Ofsted's later corrections), `sources` lists every sheet the inspection is in, and
    `source_note` records what the other sheet says where it differs.

Sub-judgements of different frameworks that cover the same ground share a column (the comments on
JUDGEMENTS say which published judgement goes where); `framework` tells them apart. Grades are
normalised to lower case: "outstanding", "good", "requires improvement" (from "requires
improvement to be good"), "adequate" (kept where a framework used it), "inadequate", "not judged".
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._util import data_folder
from .lookups import CodeMap, read_code_map

OUTCOMES_2025_ODS = "ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"
HISTORY_SHEET = "ILACS_inspection_history"
IN_YEAR_SHEET = "In-year_inspections"
CSC_2023_ODS = "ofsted/Childrens_social_care_in_England_2023_underlying_data.ods"
OLD_FRAMEWORKS_SHEET = "LA_inspections_2009-2023"

JUDGEMENTS = (
    "overall_effectiveness",  # ILACS/SIF overall; the single judgement of CPI and TLAC
    "leadership",  # ILACS impact of leaders; SIF leadership, management and governance
    "help_and_protection",  # children who need help and protection
    "children_in_care",  # ILACS children in care; SIF looked after & permanence; SLAC looked after children
    "care_leavers",  # ILACS (from 2023) care leavers; SIF sub-judgement
    "adoption",  # SIF sub-judgement: adoption performance
    "lscb",  # SIF review of the Local Safeguarding Children Board
    "safeguarding",  # SLAC safeguarding
)
COLUMNS = [
    "la_code", "old_la_code", "la_name", "framework", "inspection_type", "inspection_date",
    "publication_date", *JUDGEMENTS, "visit_theme", "sources", "source_note",
]

_GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires improvement to be good": "requires improvement",
    "requires improvement": "requires improvement",
    "adequate": "adequate",
    "inadequate": "inadequate",
    "-": "not judged",
    "not judged": "not judged",
}

_INSPECTION_TYPES = {
    "ilacs standard inspection": "standard",
    "ilacs short inspection": "short",
    "ilacs focused visit": "focused visit",
    "la monitoring visit": "monitoring visit",
    "ilacs monitoring visit": "monitoring visit",
}

# The framework an inspection column group belongs to, from the header that opens it (first match wins).
_FRAMEWORKS = (
    (r"slac re-inspection of safeguarding", "SLAC safeguarding re-inspection"),
    (r"slac re-inspection of services", "SLAC looked after children re-inspection"),
    (r"\(slac\)", "SLAC"),
    (r"\(cpri\)", "CPI re-inspection"),
    (r"\(cpi\)", "CPI"),
    (r"\(tlac\)", "TLAC"),
    (r"sif re-inspection", "SIF re-inspection"),
    (r"\(sif\)|first sif", "SIF"),
    (r"ilacs", "ILACS"),
)

# A header's field, tested in order (the first pattern found in the lower-cased header wins).
_FIELDS = (
    (r"publication date", "publication_date"),
    (r"inspection(/visit)? type", "inspection_type"),
    (r"inspection(/visit)? date", "inspection_date"),
    (r"visit theme", "visit_theme"),
    (r"area code", "la_code"),
    (r"local authority name", "la_name"),
    (r"lscb", "lscb"),
    (r"adoption", "adoption"),
    (r"children in care and care leavers", "children_in_care"),
    (r"care leavers", "care_leavers"),
    (r"help and protection", "help_and_protection"),
    (r"children in care|looked after|children looked after", "children_in_care"),
    (r"safeguarding", "safeguarding"),
    (r"leaders|leadership", "leadership"),
    (r"overall", "overall_effectiveness"),
)


def _clean(text) -> str:
    return " ".join(str(text).split()).lower()


def _field(header) -> str | None:
    text = _clean(header)
    for pattern, field in _FIELDS:
        if re.search(pattern, text):
            return field
    return None


def normalise_grade(value) -> str | None:
    """Ofsted's grade wording -> goldthread's canonical lower-case grade; None for blank cells."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = _clean(value)
    if not text:
        return None
    if text not in _GRADES:
        raise ValueError(f"unknown Ofsted grade {value!r}")
    return _GRADES[text]


def _normalise_type(value) -> str:
    text = _clean(value)
    if text not in _INSPECTION_TYPES:
        raise ValueError(f"unknown Ofsted inspection type {value!r}")
    return _INSPECTION_TYPES[text]


def _date(value) -> pd.Timestamp:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return pd.NaT
    return pd.Timestamp(value).normalize()


def _read_sheet(path: Path, sheet: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine")


def _header_rows(raw: pd.DataFrame) -> list[int]:
    """Rows that open a table: their first cell reads "Web link"."""
    first = raw.iloc[:, 0].map(_clean)
    return [i for i, v in enumerate(first) if v == "web link"]


def _table_after(raw: pd.DataFrame, header_row: int, name_col: int) -> pd.DataFrame:
    """The rows under `header_row` up to the first row with no council name."""
    body = raw.iloc[header_row + 1:]
    names = body.iloc[:, name_col]
    blank = names.isna() | (names.astype(str).str.strip() == "")
    end = int(blank.to_numpy().argmax()) if blank.any() else len(body)
    table = body.iloc[:end].copy()
    table.columns = list(raw.iloc[header_row])
    return table


def _read_2025_sheet(path: Path, sheet: str, code_map: CodeMap) -> pd.DataFrame:
    raw = _read_sheet(path, sheet)
    (header_row,) = _header_rows(raw)
    fields = [_field(h) for h in raw.iloc[header_row]]
    table = _table_after(raw, header_row, fields.index("la_name"))
    rows = []
    for record in table.itertuples(index=False):
        row = {f: v for f, v in zip(fields, record, strict=True) if f}
        out = {
            "la_code": _canonical(code_map, row["la_code"], row["la_name"]),
            "framework": "ILACS",
            "inspection_type": _normalise_type(row["inspection_type"]),
            "inspection_date": _date(row.get("inspection_date")),
            "publication_date": _date(row.get("publication_date")),
            "visit_theme": None if pd.isna(row.get("visit_theme")) else str(row["visit_theme"]).strip(),
            "sources": sheet,
        }
        out.update({j: normalise_grade(row.get(j)) for j in JUDGEMENTS})
        rows.append(out)
    return pd.DataFrame(rows)


def _canonical(code_map: CodeMap, code, name) -> str:
    la_code = code_map.canonical(str(code).strip())
    if la_code is None:
        raise ValueError(f"Ofsted code {code!r} ({name}) is not a known council code")
    return la_code


def _column_groups(headers: list) -> list[tuple[str, dict[str, int]]]:
    """Split the 2023 sheet's columns into inspections: (framework, {field: column index})."""
    groups: list[tuple[str, dict[str, int]]] = []
    for index, header in enumerate(headers):
        field = _field(header)
        if field in (None, "la_name"):
            continue
        opens = field == "inspection_type" or (
            field == "publication_date" and not (groups and set(groups[-1][1]) == {"inspection_type"}))
        if opens:
            framework = next((f for p, f in _FRAMEWORKS if re.search(p, _clean(header))), None)
            if framework is None:
                raise ValueError(f"no framework recognised in header {header!r}")
            groups.append((framework, {}))
        if not groups:
            continue
        if field in groups[-1][1]:
            raise ValueError(f"header {header!r} repeats {field} in one inspection")
        groups[-1][1][field] = index
    return groups


def _read_2023_sheet(path: Path, code_map: CodeMap) -> pd.DataFrame:
    raw = _read_sheet(path, OLD_FRAMEWORKS_SHEET)
    rows = []
    for header_row in _header_rows(raw):
        headers = list(raw.iloc[header_row])
        name_col = [_field(h) for h in headers].index("la_name")
        table = _table_after(raw, header_row, name_col)
        groups = _column_groups(headers)
        for record in table.itertuples(index=False):
            inspections = []
            for framework, cols in groups:
                published = _date(record[cols["publication_date"]])
                if pd.isna(published):
                    continue
                inspection_type = (_normalise_type(record[cols["inspection_type"]]) if "inspection_type" in cols
                                   else "re-inspection" if "re-inspection" in framework else "standard")
                row = {
                    "framework": framework,
                    "inspection_type": inspection_type,
                    "inspection_date": pd.NaT,
                    "publication_date": published,
                    "visit_theme": None,
                    "sources": OLD_FRAMEWORKS_SHEET,
                }
                row.update({j: normalise_grade(record[cols[j]]) if j in cols else None for j in JUDGEMENTS})
                inspections.append(row)
            name = str(record[name_col]).strip()
            latest = max(r["publication_date"] for r in inspections)
            la_code = code_map.code_for_name(name, on=latest)
            if la_code is None:
                raise ValueError(f"Ofsted's {name!r} matches no single council existing on {latest.date()}")
            rows.extend({**r, "la_code": la_code} for r in inspections)
    return pd.DataFrame(rows)


# Two records of one ILACS inspection (standard or short) are the same council and publication dates at
# most this far apart: a council's ILACS inspections are years apart, and the sheets disagree on one
# date and one inspection type (see the module docstring).
SAME_INSPECTION_WITHIN = pd.Timedelta(days=92)


def _merge_repeats(base: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Add `extra`'s rows to `base`, except ILACS inspections `base` already has: for those, add the
    source to `sources` and record any disagreement between the two sheets in `source_note`."""
    base = base.copy()
    added = []
    inspections = base[(base["framework"] == "ILACS") & base["inspection_type"].isin(["standard", "short"])]
    for row in extra.to_dict("records"):
        same = inspections.iloc[:0]
        if row["framework"] == "ILACS" and row["inspection_type"] in ("standard", "short"):
            gap = (inspections["publication_date"] - row["publication_date"]).abs()
            same = inspections[(inspections["la_code"] == row["la_code"]) & (gap <= SAME_INSPECTION_WITHIN)]
        if len(same) > 1:
            raise ValueError(f"{row['sources']} row {row} matches several inspections")
        if same.empty:
            added.append(row)
            continue
        index = same.index[0]
        kept = base.loc[index]
        differences = [
            f"{field} {row[field].date() if field == 'publication_date' else row[field]}"
            for field in ("inspection_type", "publication_date", *JUDGEMENTS)
            if not pd.isna(row[field]) and not pd.isna(kept[field]) and row[field] != kept[field]
        ]
        base.at[index, "sources"] = f"{kept['sources']}; {row['sources']}"
        if differences:
            note = f"{row['sources']} gives " + ", ".join(differences)
            base.at[index, "source_note"] = note if pd.isna(kept["source_note"]) else f"{kept['source_note']}; {note}"
    return pd.concat([base, pd.DataFrame(added)], ignore_index=True) if added else base


def read_inspections(folder: str | Path | None = None, code_map: CodeMap | None = None) -> pd.DataFrame:
    """Every published inspection and visit of each council's children's services, one row each.

    Columns: la_code (goldthread's council code), old_la_code, la_name, framework ("SLAC",
    "SLAC safeguarding re-inspection", "SLAC looked after children re-inspection", "CPI",
    "CPI re-inspection", "TLAC", "SIF", "SIF re-inspection", "ILACS"), inspection_type ("standard",
    "short", "re-inspection", "focused visit", "monitoring visit"), inspection_date (start date; NaT
    before ILACS), publication_date, the JUDGEMENTS columns (canonical grades; NaN where a framework or
    visit has no such judgement), visit_theme, sources (the sheets it appears in, most authoritative
    first), source_note (what a later sheet says where it disagrees with the row kept).
    """
    base = data_folder(folder)
    code_map = read_code_map(base) if code_map is None else code_map
    path_2025 = base / OUTCOMES_2025_ODS
    table = _read_2025_sheet(path_2025, HISTORY_SHEET, code_map)
    table["source_note"] = None
    table = _merge_repeats(table, _read_2025_sheet(path_2025, IN_YEAR_SHEET, code_map))
    table = _merge_repeats(table, _read_2023_sheet(base / CSC_2023_ODS, code_map))
    councils = code_map.councils.set_index("la_code")
    table["old_la_code"] = table["la_code"].map(councils["old_la_code"])
    table["la_name"] = table["la_code"].map(councils["la_name"])
    for column in (*JUDGEMENTS, "visit_theme", "source_note"):
        table[column] = table[column].astype("str")
    table = table.sort_values(["la_code", "publication_date", "framework"], ignore_index=True)
    return table[COLUMNS]
