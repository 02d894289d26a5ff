"""The SSDA903 (children looked after) return's tables, their columns and the DfE code lists.

Each table is recognised by its exact set of column headers, as DfE's own validator and data-to-insight's
csc-validator-be-903 do (``lac_validator/config.py``): the order of columns, the case of the headers and
the name of the file do not matter, the set does. Last year's tables have the same headers; they are told
apart by the file name (``episodes_last.csv``, ``header_2017.csv`` for a return ending March 2018, a folder
or zip member under ``last/`` or ``previous/``) or are given as a separate file or folder.

Code lists follow ../shared/docs/data-standards.md (from liia-tools-pipeline's SSDA903 schemas and the
903 validator); where the DfE changed a list between collection years, ``codes(column, year)`` gives the
one for the year (``year`` is the calendar year of the 31 March the collection year ends on).
"""

from __future__ import annotations

from dataclasses import dataclass

# Column kinds
ID = "id"  # the child's identifier: text, never a number (leading zeros kept)
DATE = "date"  # dd/mm/yyyy
CODE = "code"  # one of a DfE code list
TEXT = "text"  # free text (UPN, postcodes, URN, social worker ID)
INT = "int"  # a whole number
FLAG = "flag"  # 0 or 1


@dataclass(frozen=True)
class TableSpec:
    name: str  # the validator's key: "Header", "Episodes", ...
    title: str  # in plain English, for messages
    columns: tuple[str, ...]
    stems: tuple[str, ...]  # usual file names (without .csv), lower case

    @property
    def header_set(self) -> frozenset[str]:
        return frozenset(self.columns)


TABLES: tuple[TableSpec, ...] = (
    TableSpec("Header", "header", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"), ("header",)),
    TableSpec("Episodes", "episodes", ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                                       "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"), ("episodes",)),
    TableSpec("Reviews", "reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), ("reviews",)),
    TableSpec("UASC", "UASC", ("CHILD", "SEX", "DOB", "DUC"), ("uasc",)),
    TableSpec("OC2", "OC2 (outcomes for children looked after 12 months or more)",
              ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
               "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"), ("oc2",)),
    TableSpec("OC3", "OC3 (care leavers)", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), ("oc3",)),
    TableSpec("AD1", "AD1 (adoption)", ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
                                       "SEX_ADOPTR", "LS_ADOPTR"), ("ad1",)),
    TableSpec("PlacedAdoption", "placed for adoption", ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                                                        "REASON_PLACED_CEASED"),
              ("placed_adoption", "placed_for_adoption")),
    TableSpec("PrevPerm", "previous permanence", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
              ("prev_perm", "previous_permanence")),
    TableSpec("Missing", "missing", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"), ("missing",)),
    TableSpec("SWEpisodes", "social worker episodes", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
              ("sw_episodes", "social_worker_episodes")),
    TableSpec("DoLo", "deprivation of liberty orders", ("CHILD", "DOB", "DOLO_START", "DOLO_END"), ("dolo",)),
)
BY_NAME = {t.name: t for t in TABLES}
BY_HEADERS = {t.header_set: t for t in TABLES}

KINDS: dict[str, str] = {
    "CHILD": ID,
    **{c: DATE for c in ("DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
                         "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC", "DOLO_START",
                         "DOLO_END")},
    **{c: TEXT for c in ("UPN", "HOME_POST", "PL_POST", "URN", "SW_ID", "LA_PERM")},
    **{c: INT for c in ("SDQ_SCORE", "NB_ADOPTR")},
    **{c: FLAG for c in ("MOTHER", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                         "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED", "FOSTER_CARE")},
    **{c: CODE for c in ("SEX", "ETHNIC", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE",
                         "REVIEW_CODE", "SDQ_REASON", "IN_TOUCH", "ACTIV", "ACCOM", "SEX_ADOPTR", "LS_ADOPTR",
                         "REASON_PLACED_CEASED", "PREV_PERM", "MISSING", "SW_REASON")},
}

# --------------------------------------------------------------------------- code lists

SEX = ("1", "2")  # 1 male, 2 female
ETHNIC = ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH",
          "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
RNE = ("S", "L", "P", "T", "B", "U")
LS = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")
CIN = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
PLACE_TO_2024 = ("A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1",
                 "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1")
PLACE_2025 = ("A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2",
              "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1")
PLACE_PROVIDER = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
REC = ("X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E9",
       "E14", "E15", "E16", "E17", "E8")
REASON_PLACE_CHANGE = ("CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE",
                       "CUSTOD", "OTHER")
REVIEW_CODE = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
SDQ_REASON = ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")
IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
ACTIV = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0")
ACTIV_TO_2021 = ("F1", "P1", "F2", "P2", "F3", "P3", "G4", "G5", "G6", "0")
ACCOM_TYPES = "BCDEGHKRSTUVWXYZ"  # the letter is the kind of accommodation
ACCOM = tuple(f"{t}{s}" for t in ACCOM_TYPES for s in "12") + ("0",)  # 1 suitable, 2 unsuitable; 0 not known
SEX_ADOPTR = ("M1", "F1", "MM", "FF", "MF")
LS_ADOPTR = ("L0", "L11", "L12", "L2", "L3", "L4")
REASON_PLACED_CEASED = ("RD1", "RD2", "RD3", "RD4")
PREV_PERM = ("P1", "P2", "P3", "P4", "Z1")
MISSING = ("M", "A")
SW_REASON = ("MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS")

# Reasons an episode ceased that end a period of care (every REC but X1, "episode ceases and a new one begins").
LEAVING_CARE = tuple(c for c in REC if c != "X1")
ADOPTED = ("E11", "E12")
SUITABLE_ACCOM = tuple(f"{t}1" for t in ACCOM_TYPES)
UNSUITABLE_ACCOM = tuple(f"{t}2" for t in ACCOM_TYPES)
# Activity codes meaning in education, employment or training (F = full time, P = part time).
EET = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")
# Short breaks: episodes under legal status V3 or V4 (respite) are not "looked after" in DfE's headline counts.
RESPITE_LS = ("V3", "V4")


def codes(column: str, year: int) -> tuple[str, ...]:
    """The DfE code list for ``column`` in the collection year ending 31 March ``year``."""
    if column == "PLACE":
        return PLACE_TO_2024 if year <= 2024 else PLACE_2025
    if column == "ACTIV":
        return ACTIV_TO_2021 if year <= 2021 else ACTIV
    return {
        "SEX": SEX, "ETHNIC": ETHNIC, "RNE": RNE, "LS": LS, "CIN": CIN, "PLACE_PROVIDER": PLACE_PROVIDER, "REC": REC,
        "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE, "REVIEW_CODE": REVIEW_CODE, "SDQ_REASON": SDQ_REASON,
        "IN_TOUCH": IN_TOUCH, "ACCOM": ACCOM, "SEX_ADOPTR": SEX_ADOPTR, "LS_ADOPTR": LS_ADOPTR,
        "REASON_PLACED_CEASED": REASON_PLACED_CEASED, "PREV_PERM": PREV_PERM, "MISSING": MISSING,
        "SW_REASON": SW_REASON,
    }[column]
