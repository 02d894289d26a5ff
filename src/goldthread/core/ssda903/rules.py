"""DfE's SSDA903 validation rules: the ones that stop a return from being accepted, each declared once.

A rule has the DfE's code, a message (one plain sentence), the fields it affects and a function that takes
the ``Return903`` and returns the failing rows: table name -> row positions. ``validate`` runs every rule and
turns each failing row into an ``Issue`` naming the rule, the child, the table, the row, the field and its
value. Written here from DfE's published rule descriptions (the codes and meanings are those DfE's validator
and data-to-insight's csc-validator-be-903 use); the tests give each rule a hand-made failing and passing case.

Conventions: dates are compared as dates (invalid dates are blank here, and reported by their own rule); an
age "at" a date uses whole years from the date of birth (a child is 18 on their 18th birthday); the collection
year runs from 1 April to 31 March (``Return903.collection_start`` / ``collection_end``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import spec as S
from .issues import ERROR, Issue
from .reader import Return903

Failing = dict[str, np.ndarray]


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    affects: tuple[str, ...]
    function: Callable[[Return903], Failing]
    needs_last_year: bool = False


RULES: dict[str, Rule] = {}


def rule(*, code: str, message: str, affects: list[str] | tuple[str, ...], needs_last_year: bool = False):
    """Declare a DfE rule. The decorated function returns the failing rows as {table: row positions}."""

    def register(function: Callable[[Return903], Failing]) -> Callable[[Return903], Failing]:
        if code in RULES:
            raise ValueError(f"rule {code!r} is declared twice")
        RULES[code] = Rule(code, " ".join(message.split()), tuple(affects), function, needs_last_year)
        return function

    return register


def failing(ret: Return903, code: str) -> Failing:
    """The rows one rule finds failing (positions as sorted numpy arrays; tables with none left out)."""
    found = RULES[code].function(ret)
    out = {}
    for table, positions in found.items():
        arr = np.unique(np.asarray(positions, dtype=np.int64))
        if len(arr):
            out[table] = arr
    return out


def validate(ret: Return903, codes: list[str] | None = None) -> list[Issue]:
    """Every rule's failing rows as issues (rules needing last year's return are skipped without it)."""
    issues: list[Issue] = []
    for code in codes or list(RULES):
        r = RULES[code]
        if r.needs_last_year and "Episodes" not in ret.last and "Header" not in ret.last:
            continue
        for table, positions in failing(ret, code).items():
            issues.extend(_issues(ret, r, table, positions))
    return issues


def _format(value) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%d/%m/%Y")
    return str(value)


def _issues(ret: Return903, r: Rule, table: str, positions: np.ndarray) -> list[Issue]:
    frame = ret.table(table)
    column = next((c for c in r.affects if c in frame.columns), None)
    children = frame["CHILD"].to_numpy(dtype=object)[positions]
    rows = frame["row"].to_numpy()[positions]
    values = frame[column].to_numpy(dtype=object)[positions] if column else [None] * len(positions)
    return [Issue(ERROR, "rule", f"{r.code}: {r.message}", code=r.code, table=table, file=ret.found.get(table),
                  row=int(row), child=None if pd.isna(child) else str(child), field=column, value=_format(value))
            for child, row, value in zip(children, rows, values, strict=True)]


# --------------------------------------------------------------------------- helpers


def _where(mask) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def _invalid_code(ret: Return903, table: str, column: str, *, blank_fails: bool = False) -> Failing:
    frame = ret.table(table)
    values = frame[column]
    bad = values.notna() & ~values.isin(S.codes(column, ret.collection_year))
    if blank_fails:
        bad |= values.isna()
    return {table: _where(bad)}


def _invalid_date(ret: Return903, table: str, column: str, *, blank_fails: bool = False) -> Failing:
    frame = ret.table(table)
    bad = np.zeros(len(frame), dtype=bool)
    bad[ret.invalid_rows(table, column)] = True
    if blank_fails:
        bad |= frame[column].isna().to_numpy()
    return {table: _where(bad)}


def _ts(day) -> np.datetime64:
    return np.datetime64(day, "ns")


def _birthday(dob: pd.Series, years: int) -> pd.Series:
    """The date of each child's ``years``-th birthday (29 February births on 28 February in other years)."""
    return dob + pd.DateOffset(years=years)


def _dob_for(ret: Return903, table: str) -> pd.Series:
    """Each row's date of birth from the header table (NaT when the child has no valid one there)."""
    header = ret.table("Header").dropna(subset=["CHILD"]).drop_duplicates("CHILD")
    return ret.table(table)["CHILD"].map(header.set_index("CHILD")["DOB"]).astype("datetime64[ns]")


def _sorted_episodes(ret: Return903, table: str = "Episodes") -> pd.DataFrame:
    """Episodes with a child and a start date, by child then start, with their position in the table as ``pos``."""
    eps = ret.table(table)
    eps = eps.assign(pos=np.arange(len(eps)))
    eps = eps[eps["CHILD"].notna() & eps["DECOM"].notna()]
    return eps.sort_values(["CHILD", "DECOM", "pos"], kind="stable")


# --------------------------------------------------------------------------- header


@rule(code="101", message="Gender code is not valid.", affects=["SEX"])
def _101(ret: Return903) -> Failing:
    return _invalid_code(ret, "Header", "SEX", blank_fails=True)


@rule(code="102", message="Date of birth is not a valid date.", affects=["DOB"])
def _102(ret: Return903) -> Failing:
    return _invalid_date(ret, "Header", "DOB", blank_fails=True)


@rule(code="103", message="The ethnicity code is either not valid or has not been entered.", affects=["ETHNIC"])
def _103(ret: Return903) -> Failing:
    return _invalid_code(ret, "Header", "ETHNIC", blank_fails=True)


_UPN = re.compile(r"^(?:[A-HJ-NP-RT-Z](?:\d{12}|\d{11}[A-Z])|UN[1-5])$")


@rule(code="168", message="Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, "
      "UN4 or UN5.", affects=["UPN"])
def _168(ret: Return903) -> Failing:
    upn = ret.table("Header")["UPN"]
    ok = upn.map(lambda v: bool(_UPN.match(v)) if isinstance(v, str) else True)
    return {"Header": _where(~ok.astype(bool))}


@rule(code="351", message="Child was over 21 at the start of the current collection year.", affects=["DOB"])
def _351(ret: Return903) -> Failing:
    dob = ret.table("Header")["DOB"]
    return {"Header": _where(_birthday(dob, 21) < _ts(ret.collection_start))}


@rule(code="611", message="Date of birth field is blank, but child is a mother.", affects=["MOTHER", "MC_DOB"])
def _611(ret: Return903) -> Failing:
    header = ret.table("Header")
    return {"Header": _where(header["MOTHER"].eq("1").fillna(False) & header["MC_DOB"].isna())}


def _compare_last(ret: Return903, column: str) -> Failing:
    this, last = ret.table("Header"), ret.table("Header_last")
    before = last.dropna(subset=["CHILD", column]).drop_duplicates("CHILD").set_index("CHILD")[column]
    previous = this["CHILD"].map(before)
    changed = this[column].notna() & previous.notna() & (this[column] != previous)
    return {"Header": _where(changed)}


@rule(code="202", message="The gender code conflicts with the gender code for this child on the last return. "
      "Gender code should not change from year to year.", affects=["SEX"], needs_last_year=True)
def _202(ret: Return903) -> Failing:
    return _compare_last(ret, "SEX")


@rule(code="203", message="Date of birth disagrees with the date of birth reported on the previous return.",
      affects=["DOB"], needs_last_year=True)
def _203(ret: Return903) -> Failing:
    return _compare_last(ret, "DOB")


# --------------------------------------------------------------------------- episodes: values


@rule(code="141", message="Date episode began is not a valid date.", affects=["DECOM"])
def _141(ret: Return903) -> Failing:
    return _invalid_date(ret, "Episodes", "DECOM")


@rule(code="143", message="The reason for new episode code is not a valid code.", affects=["RNE"])
def _143(ret: Return903) -> Failing:
    return _invalid_code(ret, "Episodes", "RNE")


@rule(code="144", message="The legal status code is not a valid code.", affects=["LS"])
def _144(ret: Return903) -> Failing:
    return _invalid_code(ret, "Episodes", "LS")


@rule(code="145", message="Category of need code is not a valid code.", affects=["CIN"])
def _145(ret: Return903) -> Failing:
    return _invalid_code(ret, "Episodes", "CIN")


@rule(code="146", message="Placement type code is not a valid code.", affects=["PLACE"])
def _146(ret: Return903) -> Failing:
    return _invalid_code(ret, "Episodes", "PLACE")


@rule(code="148", message="Date episode ceased and reason episode ceased must both be coded, or both left blank.",
      affects=["DEC", "REC"])
def _148(ret: Return903) -> Failing:
    eps = ret.table("Episodes")
    return {"Episodes": _where(eps["DEC"].isna() != eps["REC"].isna())}


@rule(code="149", message="Reason episode ceased code is not valid.", affects=["REC"])
def _149(ret: Return903) -> Failing:
    return _invalid_code(ret, "Episodes", "REC")


@rule(code="1009", message="Reason for placement change is not a valid code.", affects=["REASON_PLACE_CHANGE"])
def _1009(ret: Return903) -> Failing:
    return _invalid_code(ret, "Episodes", "REASON_PLACE_CHANGE")


# --------------------------------------------------------------------------- episodes: dates and sequence


@rule(code="354", message="Date episode began must be on or before the end of the current collection year.",
      affects=["DECOM"])
def _354(ret: Return903) -> Failing:
    return {"Episodes": _where(ret.table("Episodes")["DECOM"] > _ts(ret.collection_end))}


@rule(code="356", message="The date the episode ceased is before the date the same episode started.",
      affects=["DEC", "DECOM"])
def _356(ret: Return903) -> Failing:
    eps = ret.table("Episodes")
    return {"Episodes": _where(eps["DEC"] < eps["DECOM"])}


@rule(code="357", message="If this is the first episode ever for this child, reason for new episode must be S. Check "
      "whether an episode immediately before this one has been left out; if not, the reason for new episode must be "
      "S.", affects=["RNE"])
def _357(ret: Return903) -> Failing:
    eps = _sorted_episodes(ret)
    first = eps.drop_duplicates("CHILD", keep="first")
    bad = (first["DECOM"] >= _ts(ret.collection_start)) & (first["RNE"] != "S").fillna(True)
    return {"Episodes": first.loc[bad, "pos"].to_numpy()}


@rule(code="142", message="A new episode has started, but the previous episode has not ended.", affects=["DEC", "REC"])
def _142(ret: Return903) -> Failing:
    eps = _sorted_episodes(ret)
    has_next = eps["CHILD"].eq(eps["CHILD"].shift(-1))
    return {"Episodes": eps.loc[has_next & eps["DEC"].isna(), "pos"].to_numpy()}


@rule(code="501", message="A new episode has started before the end date of the previous episode.",
      affects=["DECOM", "DEC"])
def _501(ret: Return903) -> Failing:
    eps = _sorted_episodes(ret)
    same_child = eps["CHILD"].eq(eps["CHILD"].shift(1))
    bad = same_child & (eps["DECOM"] < eps["DEC"].shift(1))
    return {"Episodes": eps.loc[bad, "pos"].to_numpy()}


@rule(code="502", message="Last year's record ended with an open episode. The date on which that episode started "
      "does not match the start date of the first episode on this year's record.", affects=["DECOM"],
      needs_last_year=True)
def _502(ret: Return903) -> Failing:
    eps = _sorted_episodes(ret)
    first = eps.drop_duplicates("CHILD", keep="first")
    last = ret.table("Episodes_last")
    open_last = last[last["DEC"].isna() & last["CHILD"].notna() & last["DECOM"].notna()]
    open_start = open_last.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DECOM"]
    started = first["CHILD"].map(open_start)
    bad = started.notna() & (started != first["DECOM"])
    return {"Episodes": first.loc[bad, "pos"].to_numpy()}


@rule(code="437", message="Reason episode ceased is child has died or is aged 18 or over but there are further "
      "episodes.", affects=["REC"])
def _437(ret: Return903) -> Failing:
    eps = _sorted_episodes(ret)
    has_next = eps["CHILD"].eq(eps["CHILD"].shift(-1))
    return {"Episodes": eps.loc[has_next & eps["REC"].isin(["E2", "E15"]), "pos"].to_numpy()}


def _ceased_under(ret: Return903, codes: tuple[str, ...], years: int, *, at_least: bool = False) -> Failing:
    eps = ret.table("Episodes")
    birthday = _birthday(_dob_for(ret, "Episodes"), years)
    ceased = eps["REC"].isin(codes) & eps["DEC"].notna() & birthday.notna()
    reached = birthday <= eps["DEC"]
    return {"Episodes": _where(ceased & (reached if at_least else ~reached))}


@rule(code="386", message="Reason episode ceased is adopted but child has reached age 18.", affects=["REC"])
def _386(ret: Return903) -> Failing:
    return _ceased_under(ret, S.ADOPTED, 18, at_least=True)


@rule(code="387", message="Reason episode ceased is child moved into independent living arrangement, but the child is "
      "aged under 14.", affects=["REC"])
def _387(ret: Return903) -> Failing:
    return _ceased_under(ret, ("E5", "E6"), 14)


@rule(code="389", message="Reason episode ceased is that child transferred to care of adult social care services, but "
      "child is aged under 16.", affects=["REC"])
def _389(ret: Return903) -> Failing:
    return _ceased_under(ret, ("E7",), 16)


@rule(code="359", message="Child being looked after following 18th birthday must be accommodated under section 20(5) "
      "of the Children Act 1989 in a community home.", affects=["DEC", "LS", "PLACE"])
def _359(ret: Return903) -> Failing:
    eps = ret.table("Episodes")
    adult = _birthday(_dob_for(ret, "Episodes"), 18) < _ts(ret.collection_end)
    allowed = eps["LS"].eq("V2").fillna(False) & eps["PLACE"].eq("K2").fillna(False)
    return {"Episodes": _where(adult & eps["DEC"].isna() & eps["DECOM"].notna() & ~allowed)}


# --------------------------------------------------------------------------- other tables


@rule(code="104", message="Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a valid date.",
      affects=["DUC"])
def _104(ret: Return903) -> Failing:
    return _invalid_date(ret, "UASC", "DUC")


@rule(code="151", message="All data items relating to a child's adoption must be coded or left blank.",
      affects=["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"])
def _151(ret: Return903) -> Failing:
    ad1 = ret.table("AD1")
    present = ad1[["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]].notna()
    return {"AD1": _where(present.any(axis=1) & ~present.all(axis=1))}


@rule(code="153", message="All data items relating to a child's activity or accommodation after leaving care must be "
      "coded or left blank.", affects=["IN_TOUCH", "ACTIV", "ACCOM"])
def _153(ret: Return903) -> Failing:
    present = ret.table("OC3")[["IN_TOUCH", "ACTIV", "ACCOM"]].notna()
    return {"OC3": _where(present.any(axis=1) & ~present.all(axis=1))}


@rule(code="1006", message="Missing type invalid.", affects=["MISSING"])
def _1006(ret: Return903) -> Failing:
    return _invalid_code(ret, "Missing", "MISSING")


@rule(code="1004", message="The start date of the missing episode or episode that the child was away from placement "
      "without authorisation is not a valid date.", affects=["MIS_START"])
def _1004(ret: Return903) -> Failing:
    return _invalid_date(ret, "Missing", "MIS_START", blank_fails=True)


@rule(code="571", message="The date that the child ceased to be missing or away from placement without authorisation "
      "is before the start or after the end of the collection year.", affects=["MIS_END"])
def _571(ret: Return903) -> Failing:
    end = ret.table("Missing")["MIS_END"]
    return {"Missing": _where((end < _ts(ret.collection_start)) | (end > _ts(ret.collection_end)))}
