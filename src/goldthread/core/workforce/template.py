"""The workforce list's template: its columns, the words each accepts, and a file to give councils."""

from __future__ import annotations

import csv
from pathlib import Path

POST_ID = "Post ID"
TEAM = "Team"
STATUS = "Filled or vacant"
CONTRACT = "Permanent or agency"
FTE = "FTE"
START = "Start date"
LEAVING = "Leaving date"
ABSENCE = "Absence days in the month"
CASELOAD = "Caseload"

COLUMNS = (POST_ID, TEAM, STATUS, CONTRACT, FTE, START, LEAVING, ABSENCE, CASELOAD)
REQUIRED = (POST_ID, TEAM, STATUS, FTE)

# The canonical column name in the read table, by template header.
FIELDS = {POST_ID: "post_id", TEAM: "team", STATUS: "status", CONTRACT: "contract", FTE: "fte", START: "start_date",
          LEAVING: "leaving_date", ABSENCE: "absence_days", CASELOAD: "caseload"}

# Other headers councils use for the same column (compared after lower-casing and dropping punctuation).
ALIASES = {
    POST_ID: ("post", "post id", "post number", "post no", "position id", "post reference"),
    TEAM: ("team", "team name", "service", "unit"),
    STATUS: ("filled or vacant", "filled vacant", "status", "post status", "vacancy status"),
    CONTRACT: ("permanent or agency", "permanent agency", "contract", "contract type", "employment type",
               "agency or permanent"),
    FTE: ("fte", "full time equivalent", "fte hours"),
    START: ("start date", "start", "date started", "start date in post"),
    LEAVING: ("leaving date", "leaving", "end date", "date left", "leave date"),
    ABSENCE: ("absence days in the month", "absence days", "sickness days", "sickness absence days",
              "days absent", "absence"),
    CASELOAD: ("caseload", "cases", "children allocated", "number of cases"),
}

FILLED, VACANT = "filled", "vacant"
PERMANENT, AGENCY = "permanent", "agency"
STATUS_WORDS = {"filled": FILLED, "f": FILLED, "occupied": FILLED, "vacant": VACANT, "v": VACANT,
                "vacancy": VACANT}
CONTRACT_WORDS = {"permanent": PERMANENT, "p": PERMANENT, "perm": PERMANENT, "employed": PERMANENT,
                  "directly employed": PERMANENT, "fixed term": PERMANENT, "agency": AGENCY, "a": AGENCY,
                  "locum": AGENCY, "interim": AGENCY}

EXAMPLE = [
    ["CP-001", "Child protection 1", "Filled", "Permanent", "1", "03/01/2022", "", "0", "17"],
    ["CP-002", "Child protection 1", "Filled", "Agency", "1", "14/07/2025", "", "2", "19"],
    ["CP-003", "Child protection 1", "Vacant", "", "1", "", "", "", ""],
    ["CP-004", "Child protection 1", "Filled", "Permanent", "0.6", "01/09/2019", "31/05/2025", "0", ""],
]


def write_template(path: str | Path, *, example: bool = True) -> Path:
    """Write the template as .xlsx (with a sheet of guidance) or .csv, by the name's suffix."""
    from . import __doc__ as guidance

    path = Path(path)
    rows = EXAMPLE if example else []
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        return path
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Workforce")
    bold = book.add_format({"bold": True, "text_wrap": True})
    text = book.add_format({"num_format": "@"})
    for c, header in enumerate(COLUMNS):
        sheet.write_string(0, c, header, bold)
        sheet.set_column(c, c, 18, text)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    notes = book.add_worksheet("Guidance")
    notes.set_column(0, 0, 110)
    for r, line in enumerate((guidance or "").splitlines()):
        notes.write_string(r, 0, line)
    book.close()
    return path
