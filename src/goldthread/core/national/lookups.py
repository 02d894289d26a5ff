"""Councils, their code changes, and the DfE statistical neighbour models.

Publications name a council three ways: the DfE's old three-digit LA code (`old_la_code`, e.g. "909"),
the ONS E-code (`la_code`, e.g. "E10000006") and a name that each publisher spells its own way. Between
2019 and 2023 six reorganisations changed the set of children's services authorities; the E-codes of
four councils also changed without any change of council. `CodeMap` puts all of that in one place so
other modules can turn any code a publication uses into goldthread's council, or into the current
councils that now cover a former council's area, without silently dropping or double-counting anyone.

Provider_data_lookup.csv (data-to-insight's master lookup) quirks, found by reading it:

* 156 rows: the 153 current councils plus Cumbria, Northamptonshire and Poole (no `la_code_new`; their
  E-code is in `ltla23cd`). Bournemouth and the old Dorset county are missing; they come from the
  declared reorganisations below.
* `rgn22cd` is wrong on two rows (Buckinghamshire E12000004, Gloucestershire E12000003) and
  `region_code` is blank for Medway and "NotKnown" for Cumbria. `region_name` is right on every row,
  so the region code is taken as the E12 code most rows give for that region name.
* `ons_la_type` says "County" for Cumberland, Westmorland and Furness and North Yorkshire, which became
  unitary councils in 2023 (their E06 codes say so). The council type is read from the code's prefix.
* `stat_neighbours` is the 2025 model; `stat_neighbours_previous` is neither model in this folder, so
  the neighbour tables are read from the DfE model files instead.
* Barnsley and Sheffield keep E08000016 / E08000019. The DfE's csww_indicators file uses new ONS codes
  (E08000038 / E08000039) in 2025 only, every other file the old ones: goldthread keeps the old codes
  and records the new ones as aliases.

New_Statistical_Neighbour_Groupings_April_2021.csv: the header repeats "SNP" (the closeness band) after
every neighbour column and ends with an empty column; the 152 councils of 2021 are followed by a
blank row, an "Old SNs:" heading and the four councils abolished in 2019-2021 (names end "(Pre LG)").
Bands are title case ("Very Close"). sn_model_2025_wide.csv has 153 councils; bands are sentence case
with a trailing space on "Close ". Bands are normalised to lower case.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd

from ._util import data_folder, name_key

LOOKUP_CSV = "lookups/Provider_data_lookup.csv"
SN_2021_CSV = "lookups/New_Statistical_Neighbour_Groupings_April_2021.csv"
SN_2025_CSV = "lookups/sn_model_2025_wide.csv"

LA_TYPE_BY_PREFIX = {
    "E06": "Unitary Authority",
    "E08": "Metropolitan District",
    "E09": "London Borough",
    "E10": "County",
}

CLOSENESS_BANDS = ("extremely close", "very close", "close", "somewhat close", "not close")

# Kinds of code change.
RECODE = "recode"  # same council and area, new ONS code from the effective date
ALIAS = "alias"  # same council and area; another code some files use, goldthread keeps `to_code`
MERGE = "merge"  # the whole of `from_code`'s area became part of `to_code`
SPLIT = "split"  # part of `from_code`'s area went to `to_code` (one row per successor)

_BCP_ORDER = "Bournemouth, Dorset and Poole (Structural Changes) Order 2018"
_NORTHANTS_ORDER = "Northamptonshire (Structural Changes) Order 2020"
_CUMBRIA_ORDER = "Cumbria (Structural Changes) Order 2022"

# (effective date, from_code, from_old_la_code, from_name, change, to_code, note). Checked against the
# data in tests: each predecessor's last DfE reporting year (to 31 March) is the effective year and its
# successors' first is the year after; Ofsted's ILACS history marks the abolished ones "No longer exists".
_CODE_CHANGES = (
    ("2013-04-01", "E06000048", "929", "Northumberland", RECODE, "E06000057",
     "ONS recode after a minor boundary change with Gateshead; DfE's C4 file kept the old code to 2019"),
    ("2013-04-01", "E08000020", "390", "Gateshead", RECODE, "E08000037",
     "ONS recode after a minor boundary change with Northumberland; DfE's C4 file kept the old code to 2019"),
    ("2019-04-01", "E06000028", "837", "Bournemouth", MERGE, "E06000058", _BCP_ORDER),
    ("2019-04-01", "E06000029", "836", "Poole", MERGE, "E06000058", _BCP_ORDER),
    ("2019-04-01", "E10000009", "835", "Dorset", SPLIT, "E06000058",
     _BCP_ORDER + ": Christchurch district left the county for BCP"),
    ("2019-04-01", "E10000009", "835", "Dorset", SPLIT, "E06000059",
     _BCP_ORDER + ": the rest of the county became Dorset Council"),
    ("2020-04-01", "E10000002", "825", "Buckinghamshire", RECODE, "E06000060",
     "Buckinghamshire (Structural Changes) Order 2019: county and districts became one unitary council"),
    ("2021-04-01", "E10000021", "928", "Northamptonshire", SPLIT, "E06000061", _NORTHANTS_ORDER),
    ("2021-04-01", "E10000021", "928", "Northamptonshire", SPLIT, "E06000062", _NORTHANTS_ORDER),
    ("2023-04-01", "E10000006", "909", "Cumbria", SPLIT, "E06000063", _CUMBRIA_ORDER),
    ("2023-04-01", "E10000006", "909", "Cumbria", SPLIT, "E06000064", _CUMBRIA_ORDER),
    ("2023-04-01", "E10000023", "815", "North Yorkshire", RECODE, "E06000065",
     "North Yorkshire (Structural Changes) Order 2022: county and districts became one unitary council"),
    ("2023-04-01", "E10000027", "933", "Somerset", RECODE, "E06000066",
     "Somerset (Structural Changes) Order 2022: county and districts became one unitary council"),
    (None, "E08000038", "370", "Barnsley", ALIAS, "E08000016",
     "newer ONS code after a Barnsley-Sheffield boundary change, used only by csww_indicators 2025"),
    (None, "E08000039", "373", "Sheffield", ALIAS, "E08000019",
     "newer ONS code after a Barnsley-Sheffield boundary change, used only by csww_indicators 2025"),
)

CODE_CHANGE_COLUMNS = [
    "from_code", "from_old_la_code", "from_name", "change", "to_code", "to_old_la_code", "to_name",
    "whole_area", "effective_date", "note",
]


def _read_lookup(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / LOOKUP_CSV, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _region_codes(lookup: pd.DataFrame) -> dict[str, str]:
    """region name -> the E12 code most rows of the lookup give it (outvoting the two wrong rows)."""
    votes: dict[str, Counter] = {}
    for name, code in zip(lookup["region_name"], lookup["rgn22cd"], strict=True):
        votes.setdefault(name, Counter())[code] += 1
    return {name: counter.most_common(1)[0][0] for name, counter in votes.items()}


def read_councils(folder: str | Path | None = None) -> pd.DataFrame:
    """Every children's services authority since 2013: the 153 current councils and 5 abolished ones.

    Columns: la_code (ONS E-code), old_la_code (DfE three-digit code, text), la_name, region_code,
    region_name, la_type, status ("current"/"abolished"), start_date (set when the council was created
    by a reorganisation), end_date (set when abolished), ofsted_urn, also_known_as (list of other names).
    """
    lookup = _read_lookup(data_folder(folder))
    regions = _region_codes(lookup)
    code = lookup["la_code_new"].where(lookup["la_code_new"] != "", lookup["ltla23cd"])
    aka = lookup["also_known_as"].str.strip("[]").str.split(",").map(
        lambda names: [n.strip() for n in names if n.strip()]
    )
    councils = pd.DataFrame({
        "la_code": code,
        "old_la_code": lookup["la_code"],
        "la_name": lookup["local_authority_ons_name"],
        "region_name": lookup["region_name"],
        "ofsted_urn": lookup["urn"],
        "also_known_as": aka,
    })
    changes = _declared_changes()
    missing = changes[~changes["from_code"].isin(councils["la_code"]) & changes["change"].isin([MERGE, SPLIT])]
    missing = missing.drop_duplicates("from_code")
    region_of = dict(zip(councils["la_code"], councils["region_name"], strict=True))
    extra = pd.DataFrame({
        "la_code": missing["from_code"],
        "old_la_code": missing["from_old_la_code"],
        "la_name": missing["from_name"],
        "region_name": missing["to_code"].map(region_of),
        "ofsted_urn": "",
        "also_known_as": [[] for _ in range(len(missing))],
    })
    councils = pd.concat([councils, extra], ignore_index=True)
    councils["region_code"] = councils["region_name"].map(regions)
    councils["la_type"] = councils["la_code"].str[:3].map(LA_TYPE_BY_PREFIX)

    structural = changes[changes["change"].isin([MERGE, SPLIT])]
    ended = structural.groupby("from_code")["effective_date"].min()
    started = structural.groupby("to_code")["effective_date"].min()
    councils["end_date"] = councils["la_code"].map(ended)
    councils["start_date"] = councils["la_code"].map(started)
    councils["status"] = councils["end_date"].isna().map({True: "current", False: "abolished"})
    councils["ofsted_urn"] = councils["ofsted_urn"].replace("", None)
    columns = ["la_code", "old_la_code", "la_name", "region_code", "region_name", "la_type", "status",
               "start_date", "end_date", "ofsted_urn", "also_known_as"]
    return councils[columns].sort_values("la_code", ignore_index=True)


def _declared_changes() -> pd.DataFrame:
    rows = pd.DataFrame(_CODE_CHANGES, columns=[
        "effective_date", "from_code", "from_old_la_code", "from_name", "change", "to_code", "note"])
    rows["effective_date"] = pd.to_datetime(rows["effective_date"])
    rows["whole_area"] = rows["change"] != SPLIT
    return rows


def read_code_changes(folder: str | Path | None = None, councils: pd.DataFrame | None = None) -> pd.DataFrame:
    """The explicit predecessor -> successor table (one row per link; a split has one row per successor).

    Columns: from_code, from_old_la_code, from_name, change ("recode", "alias", "merge", "split"),
    to_code, to_old_la_code, to_name, whole_area (False only for splits), effective_date (NaT for the
    Barnsley and Sheffield aliases, whose date no packaged file gives), note (legislation or evidence).
    """
    councils = read_councils(folder) if councils is None else councils
    rows = _declared_changes()
    by_code = councils.set_index("la_code")
    rows["to_old_la_code"] = rows["to_code"].map(by_code["old_la_code"])
    rows["to_name"] = rows["to_code"].map(by_code["la_name"])
    return rows[CODE_CHANGE_COLUMNS]


class CodeMap:
    """Turns any code or name a publication uses into goldthread's councils.

    * `canonical(code)`: the council (its `la_code`) that `code` denotes: its own E-code, its old
      three-digit code, or a recoded/alias E-code. None for codes that are not a council.
    * `successors(code)`: the current councils that now cover the area of `code` (itself if current).
    * `current_code(code)`: the one current council wholly containing the area of `code`, or None when
      the area was split (Cumbria, Northamptonshire, the old Dorset county): their figures belong to no
      single current council and must not be given to one.
    * `predecessors(code)`: abolished councils whose area (wholly or partly) went into `code`.
    * `code_for_name(name, on=...)`: the council of that name existing on a date (names are reused:
      "Dorset" is E10000009 before April 2019, E06000059 after).
    """

    def __init__(self, councils: pd.DataFrame, code_changes: pd.DataFrame):
        self.councils = councils
        self.code_changes = code_changes
        self._by_code = councils.set_index("la_code")
        self._canonical: dict[str, str] = {c: c for c in councils["la_code"]}
        self._canonical.update(zip(councils["old_la_code"], councils["la_code"], strict=True))
        same = code_changes[code_changes["change"].isin([RECODE, ALIAS])]
        self._canonical.update(zip(same["from_code"], same["to_code"], strict=True))
        structural = code_changes[code_changes["change"].isin([MERGE, SPLIT])]
        self._links = structural.groupby("from_code")[["to_code", "whole_area"]].apply(
            lambda g: list(zip(g["to_code"], g["whole_area"], strict=True))).to_dict()
        self._from = structural.groupby("to_code")["from_code"].apply(tuple).to_dict()
        self._names: dict[str, set[str]] = {}
        for code, name, aka in councils[["la_code", "la_name", "also_known_as"]].itertuples(index=False):
            for each in (name, *aka):
                self._names.setdefault(name_key(each), set()).add(code)

    def canonical(self, code: str) -> str | None:
        return self._canonical.get(str(code).strip())

    def council(self, code: str) -> pd.Series:
        """The councils-table row of `code` (any code `canonical` understands); KeyError if unknown."""
        la_code = self.canonical(code)
        if la_code is None:
            raise KeyError(code)
        return self._by_code.loc[la_code]

    def _walk(self, code: str) -> list[tuple[str, bool]]:
        la_code = self.canonical(code)
        if la_code is None:
            return []
        if la_code not in self._links:
            return [(la_code, True)]
        out: list[tuple[str, bool]] = []
        for successor, whole in self._links[la_code]:
            out.extend((c, whole and w) for c, w in self._walk(successor))
        return out

    def successors(self, code: str) -> tuple[str, ...]:
        return tuple(sorted({c for c, _ in self._walk(code)}))

    def current_code(self, code: str) -> str | None:
        walk = self._walk(code)
        if len(walk) == 1 and walk[0][1]:
            return walk[0][0]
        return None

    def predecessors(self, code: str) -> tuple[str, ...]:
        la_code = self.canonical(code)
        return tuple(sorted(self._from.get(la_code, ())))

    def exists_on(self, code: str, on: dt.date | pd.Timestamp) -> bool:
        row = self.council(code)
        when = pd.Timestamp(on)
        starts_ok = pd.isna(row["start_date"]) or row["start_date"] <= when
        return bool(starts_ok and (pd.isna(row["end_date"]) or when < row["end_date"]))

    def code_for_name(self, name: str, on: dt.date | pd.Timestamp | None = None) -> str | None:
        """The council called `name` (publishers' spellings allowed), existing on `on` if given.

        None when no council, or more than one, fits: callers decide whether that is an error.
        """
        candidates = sorted(self._names.get(name_key(name), ()))
        if on is not None:
            candidates = [c for c in candidates if self.exists_on(c, on)]
        return candidates[0] if len(candidates) == 1 else None

    def harmonise(self, frame: pd.DataFrame, code_column: str = "la_code") -> pd.DataFrame:
        """Add `current_la_code` (see `current_code`; NA for split areas and non-council codes) and
        `code_mapping`: "same", "recode" (same council, other code), "merged" (whole area now in one
        current council), "split" (area now in several: not attributable) or "unknown"."""
        codes = frame[code_column].astype("string")
        unique = pd.Series(codes.dropna().unique())
        current = {c: self.current_code(c) for c in unique}
        mapping = {c: self._mapping_kind(c) for c in unique}
        out = frame.copy()
        out["current_la_code"] = codes.map(current).astype("string")
        out["code_mapping"] = codes.map(mapping).fillna("unknown")
        return out

    def _mapping_kind(self, code: str) -> str:
        la_code = self.canonical(code)
        if la_code is None:
            return "unknown"
        walk = self._walk(code)
        if walk == [(la_code, True)]:
            return "same" if la_code == code else "recode"
        return "merged" if self.current_code(code) else "split"


def read_code_map(folder: str | Path | None = None) -> CodeMap:
    councils = read_councils(folder)
    return CodeMap(councils, read_code_changes(councils=councils))


def _band(text: str) -> str | None:
    band = " ".join(str(text).split()).lower()
    if not band:
        return None
    if band not in CLOSENESS_BANDS:
        raise ValueError(f"unknown statistical neighbour band {text!r}")
    return band


def _neighbour_rows(model: int, table: pd.DataFrame, code_col: int, name_col: int,
                    pairs: list[tuple[int, int]], code_map: CodeMap) -> list[dict]:
    rows = []
    for record in table.itertuples(index=False):
        old = str(record[code_col]).strip()
        if not old.isdigit():
            continue
        for rank, (n_col, band_col) in enumerate(pairs, start=1):
            neighbour = str(record[n_col]).strip()
            if not neighbour:
                continue
            rows.append({
                "model": model,
                "old_la_code": old,
                "la_code": code_map.canonical(old),
                "la_name": str(record[name_col]).strip(),
                "rank": rank,
                "neighbour_old_la_code": neighbour,
                "neighbour_code": code_map.canonical(neighbour),
                "closeness": _band(record[band_col]),
            })
    return rows


def read_statistical_neighbours(folder: str | Path | None = None, code_map: CodeMap | None = None) -> pd.DataFrame:
    """Both DfE children's services statistical neighbour models as one long table.

    Columns: model (2021 or 2025), old_la_code, la_code, la_name (as the model file spells it),
    rank (1 = closest), neighbour_old_la_code, neighbour_code, closeness (lower-case band).
    The 2021 model also covers the four councils abolished in 2019-2021 (its "Old SNs" section).
    """
    base = data_folder(folder)
    code_map = read_code_map(base) if code_map is None else code_map
    sn21 = pd.read_csv(base / SN_2021_CSV, header=None, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    header = [str(h).strip() for h in sn21.iloc[0]]
    pairs21 = [(header.index(f"SN{k}"), header.index(f"SN{k}") + 1) for k in range(1, 11)]
    rows = _neighbour_rows(2021, sn21.iloc[1:], header.index("LA num"), header.index("LA Name"), pairs21, code_map)
    sn25 = pd.read_csv(base / SN_2025_CSV, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    cols = list(sn25.columns)
    pairs25 = [(cols.index(f"SN_{k}"), cols.index(f"SN_{k}P")) for k in range(1, 11)]
    rows += _neighbour_rows(2025, sn25, cols.index("old_la_code"), cols.index("la_name"), pairs25, code_map)
    return pd.DataFrame(rows)
