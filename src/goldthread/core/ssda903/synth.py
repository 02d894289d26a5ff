"""A synthetic SSDA903 return for tests and benchmarks: deterministic for a seed, no real child in it.

``synthesise(children, year, seed)`` gives the CSV tables as rows (text, dates dd/mm/yyyy) for a council
with that many children looked after at some point in the collection year ending 31 March ``year`` (and the
care leavers of the OC3 cohort), with the shape of a real return: periods of care started up to six years
before, placement moves, legal status changes, short breaks, missing and away episodes, adoptions with their
AD1 and placed-for-adoption rows, reviews, UASC. ``write_csvs`` writes them to a folder, one file a table.
It is nearly valid, as real returns are: of 10,000 children, DfE's rules (goldthread.core.ssda903.rules) find a
few hundred failures of rules 359 and 386 (young people still looked after after turning 18, a few adopted at 18).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from . import spec as S


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _upn(rng: random.Random) -> str:
    return rng.choice("ABCDEFGHJKLMNPQRTUVWXYZ") + "".join(rng.choice("0123456789") for _ in range(12))


def synthesise(children: int = 10_000, year: int = 2025, seed: int = 1) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    start, end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    span = (end - start).days
    tables: dict[str, list[dict]] = {t.name: [] for t in S.TABLES}
    for n in range(children):
        child = str(100000 + n)
        age_days = rng.randint(30, 17 * 365)
        care_start = end - dt.timedelta(days=rng.randint(1, 6 * 365))
        dob = care_start - dt.timedelta(days=age_days)
        if dob + dt.timedelta(days=int(18 * 365.25)) < start:  # everyone is a child during the year
            dob = start - dt.timedelta(days=rng.randint(0, 17 * 365))
            care_start = max(care_start, dob + dt.timedelta(days=30))
        sex = rng.choice(S.SEX)
        mother = "0" if sex == "2" and (end - dob).days > 12 * 365 else ""
        tables["Header"].append({"CHILD": child, "SEX": sex, "DOB": _d(dob), "ETHNIC": rng.choice(S.ETHNIC),
                                 "UPN": _upn(rng) if rng.random() < 0.9 else "UN1", "MOTHER": mother, "MC_DOB": ""})
        # episodes: a period of care from care_start, moving placement now and then
        day, rne, episodes = care_start, "S", []
        ls = rng.choice(("C2", "C2", "C2", "V2", "E1", "J2", "L1"))
        adopted = ls == "E1" and rng.random() < 0.5
        leaves = not adopted and rng.random() < 0.25
        moves = rng.choice((0, 0, 1, 1, 2, 3, 4))
        cin = rng.choice(S.CIN)
        for k in range(moves + 1):
            last = k == moves
            length = rng.randint(20, 500)
            dec = day + dt.timedelta(days=length)
            place = "A5" if adopted and last else rng.choice(("U1", "U3", "U4", "U6", "R1", "K2", "P1", "S1"))
            if last:
                if adopted:
                    dec = min(end, start + dt.timedelta(days=rng.randint(0, span))) if dec < start else dec
                    rec = "E11"
                elif leaves:
                    rec = rng.choice(("E4A", "E13", "E41", "E8"))
                else:
                    dec, rec = None, ""
                if dec is not None and dec > end:
                    dec, rec = None, ""
            else:
                rec = "X1"
                if dec >= end:
                    dec, rec = None, ""
            if dec is not None and dec <= day:
                dec = day + dt.timedelta(days=1)
            episodes.append({"CHILD": child, "DECOM": _d(day), "RNE": rne, "LS": ls, "CIN": cin, "PLACE": place,
                             "PLACE_PROVIDER": "PR1", "DEC": _d(dec) if dec else "", "REC": rec,
                             "REASON_PLACE_CHANGE": "" if rne == "S" else "CARPL", "HOME_POST": "",
                             "PL_POST": "", "URN": "SC123456" if place.startswith("K") else ""})
            if dec is None or rec != "X1":
                break
            day, rne = dec, rng.choice(("P", "P", "P", "B", "L", "T"))
            if rne in ("L", "B"):
                ls = rng.choice(("C2", "V2", "J2"))
        if rng.random() < 0.03:  # a child also having short breaks
            sb = start + dt.timedelta(days=rng.randint(0, span - 5))
            episodes.insert(0, {"CHILD": child, "DECOM": _d(sb), "RNE": "S", "LS": "V3", "CIN": "N2", "PLACE": "U1",
                                "PLACE_PROVIDER": "PR1", "DEC": _d(sb + dt.timedelta(days=2)), "REC": "E16",
                                "REASON_PLACE_CHANGE": "", "HOME_POST": "", "PL_POST": "", "URN": ""})
            episodes.sort(key=lambda e: dt.datetime.strptime(e["DECOM"], "%d/%m/%Y"))
            episodes = [e for e in episodes if e["LS"] != "V3"] if len(episodes) > 1 and episodes[0]["LS"] != "V3" \
                else episodes
        tables["Episodes"].extend(episodes)
        for r in range(rng.randint(0, 3)):
            review = care_start + dt.timedelta(days=20 + 150 * r)
            if review <= end:
                tables["Reviews"].append({"CHILD": child, "DOB": _d(dob), "REVIEW": _d(review),
                                          "REVIEW_CODE": rng.choice(S.REVIEW_CODE)})
        if rng.random() < 0.06:
            mis = start + dt.timedelta(days=rng.randint(0, span - 10))
            tables["Missing"].append({"CHILD": child, "DOB": _d(dob), "MISSING": rng.choice(S.MISSING),
                                      "MIS_START": _d(mis), "MIS_END": _d(mis + dt.timedelta(days=rng.randint(0, 9)))})
        if adopted:
            placed = care_start + dt.timedelta(days=rng.randint(100, 300))
            tables["PlacedAdoption"].append({"CHILD": child, "DOB": _d(dob), "DATE_PLACED": _d(placed),
                                             "DATE_PLACED_CEASED": "", "REASON_PLACED_CEASED": ""})
            tables["AD1"].append({"CHILD": child, "DOB": _d(dob), "DATE_INT": _d(care_start + dt.timedelta(days=60)),
                                  "DATE_MATCH": _d(placed - dt.timedelta(days=30)), "FOSTER_CARE": "0",
                                  "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L0"})
        if rng.random() < 0.05 and (end - dob).days > 12 * 365:
            tables["UASC"].append({"CHILD": child, "SEX": sex, "DOB": _d(dob), "DUC": ""})
        tables["OC2"].append({"CHILD": child, "DOB": _d(dob), "SDQ_SCORE": str(rng.randint(0, 40)), "SDQ_REASON": "",
                              "CONVICTED": "0", "HEALTH_CHECK": "1", "IMMUNISATIONS": "1", "TEETH_CHECK": "1",
                              "HEALTH_ASSESSMENT": "1", "SUBSTANCE_MISUSE": "0", "INTERVENTION_RECEIVED": "",
                              "INTERVENTION_OFFERED": ""})
        tables["PrevPerm"].append({"CHILD": child, "DOB": _d(dob), "PREV_PERM": "Z1", "LA_PERM": "", "DATE_PERM": ""})
    # care leavers whose 17th to 21st birthday fell in the year (about 1 for every 8 children looked after)
    for n in range(children // 8):
        child = str(900000 + n)
        age = rng.randint(17, 21)
        birthday = start + dt.timedelta(days=rng.randint(0, span))
        dob = birthday.replace(year=birthday.year - age) if not (birthday.month == 2 and birthday.day == 29) \
            else dt.date(birthday.year - age, 2, 28)
        sex = rng.choice(S.SEX)
        tables["Header"].append({"CHILD": child, "SEX": sex, "DOB": _d(dob), "ETHNIC": rng.choice(S.ETHNIC),
                                 "UPN": "UN4", "MOTHER": "0" if sex == "2" else "", "MC_DOB": ""})
        in_touch = rng.choice(("YES", "YES", "YES", "YES", "NO", "NREQ"))
        tables["OC3"].append({"CHILD": child, "DOB": _d(dob), "IN_TOUCH": in_touch,
                              "ACTIV": rng.choice(("F1", "P1", "F2", "F4", "F5", "G4", "G5", "G6", "0")),
                              "ACCOM": rng.choice(("B1", "C1", "D1", "E1", "G2", "H1", "K1", "S2", "Z1", "0"))})
    return tables


def write_csvs(tables: dict[str, list[dict]], folder: str | Path) -> Path:
    """One CSV file per table, named as councils usually name them (``episodes.csv``, ...)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for spec in S.TABLES:
        rows = tables.get(spec.name, [])
        with (folder / f"{spec.stems[0]}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(spec.columns))
            writer.writeheader()
            writer.writerows(rows)
    return folder
