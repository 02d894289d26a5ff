"""Tests for the synthetic Annex A generator."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import re
from collections import Counter, defaultdict

import holidays
import numpy as np
import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta
from python_calamine import CalamineWorkbook

from goldthread.core.annexa import synth
from goldthread.core.annexa.codes import normalise_text
from goldthread.core.annexa.spec import AGE, BOOL, BY_NUMBER, CODE, DATE, ID, INT, LISTS, TEXT
from goldthread.core.annexa.synth import SynthConfig, generate, write_workbook
from goldthread.core.annexa.synth.irregular import _code_forms

AS_AT = dt.date(2026, 10, 31)
SMALL = SynthConfig()
STRUGGLING = SynthConfig(profile="struggling")

EVENT_DATES = {1: "contact_date", 2: "eh_start_date", 3: "referral_date", 5: "s47_start_date"}
WORK_DATES = {4: ("assessment_start_date", "assessment_authorised_date"),
              6: ("cin_start_date", "cin_closure_date"), 7: ("cpp_start_date", "cpp_end_date"),
              8: ("cla_start_date", "cla_end_date")}
BANK_HOLIDAYS = sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2031)))
DAY = dt.timedelta(days=1)


def window_start(as_at: dt.date) -> dt.date:
    """The first day of the six months to `as_at`."""
    return as_at - relativedelta(months=6) + DAY


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (England's bank holidays excluded)."""
    return int(np.busday_count(start + DAY, end + DAY, holidays=BANK_HOLIDAYS))


def age_on(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


@pytest.fixture(scope="module")
def small() -> dict[int, list[dict]]:
    return generate(SMALL, AS_AT)


@pytest.fixture(scope="module")
def struggling() -> dict[int, list[dict]]:
    return generate(STRUGGLING, AS_AT)


# --------------------------------------------------------------------------------------------------
# generate()


def test_config_and_date_are_checked():
    with pytest.raises(ValueError, match="size"):
        SynthConfig(size="huge")
    with pytest.raises(ValueError, match="profile"):
        SynthConfig(profile="average")
    with pytest.raises(ValueError, match="as_at"):
        generate(SMALL, synth.EARLIEST_AS_AT - dt.timedelta(days=1))


def test_deterministic_for_a_seed_and_different_across_seeds(small):
    synth._history.cache_clear()
    again = generate(SMALL, AS_AT)
    assert again == small
    other = generate(SynthConfig(seed=2), AS_AT)
    assert other != small
    assert {r["child_id"] for r in other[3]}.isdisjoint({r["child_id"] for r in small[3]})


def test_an_earlier_extract_does_not_depend_on_how_far_the_history_was_simulated():
    earlier = dt.date(2025, 1, 31)
    after_later = generate(SMALL, earlier)  # the cached history has already run to AS_AT
    synth._history.cache_clear()
    assert generate(SMALL, earlier) == after_later


def test_rows_are_keyed_by_canonical_names_with_clean_types(small, struggling):
    for data in (small, struggling):
        assert sorted(data) == list(range(1, 12))
        for spec in LISTS:
            assert data[spec.number], spec.label
            for row in data[spec.number]:
                assert list(row) == list(spec.names), spec.label
                for col in spec.columns:
                    value = row[col.name]
                    if value is None:
                        assert not col.required, (spec.label, col.name)
                        continue
                    if col.kind == ID:
                        assert isinstance(value, str) and value.isdigit()
                    elif col.kind == DATE:
                        assert type(value) is dt.date
                    elif col.kind in (INT, AGE):
                        assert type(value) is int and value >= 0
                    elif col.kind == BOOL:
                        assert type(value) is bool
                    elif col.kind == CODE:
                        assert value in {code.code for code in col.codes.codes}, (spec.label, col.name, value)
                    else:
                        assert col.kind == TEXT and isinstance(value, str) and value


def test_no_dates_after_as_at_and_none_running_backwards(small, struggling):
    for data in (small, struggling):
        for spec in LISTS:
            dates = [col.name for col in spec.columns if col.kind == DATE]
            for row in data[spec.number]:
                assert all(row[name] is None or row[name] <= AS_AT for name in dates), spec.label
                for start, end in spec.date_pairs:
                    if row[start] and row[end]:
                        assert row[start] <= row[end], (spec.label, start, end, row)


def test_annex_a_windows(small):
    first = window_start(AS_AT)
    assert first == dt.date(2026, 5, 1)
    for n, name in EVENT_DATES.items():
        assert all(first <= row[name] <= AS_AT for row in small[n]), n
    for n, (start, end) in WORK_DATES.items():
        for row in small[n]:
            assert row[start] <= AS_AT
            assert row[end] is None or row[end] >= first, (n, row)
        assert any(row[end] is None for row in small[n]) and any(row[end] for row in small[n])
    statuses = Counter(row["case_status"] for row in small[6])
    assert statuses["CLOSED"] == sum(1 for row in small[6] if row["cin_closure_date"])
    assert {"ASSESSMENT", "CIN", "CPP", "LAC"} <= set(statuses)


def test_keys_unique_ages_match_dates_of_birth_and_codes_consistent(small):
    for spec in LISTS:
        keys = [tuple(row[k] for k in spec.key) for row in small[spec.number]]
        assert len(keys) == len(set(keys)), spec.label
        for row in small[spec.number]:
            if "age" in row:
                assert row["age"] == age_on(row["date_of_birth"], AS_AT)
    for row in small[9]:
        assert 16 <= row["age"] <= 25
        assert row["eligibility"] != "RELEVANT" or row["age"] < 18
    for row in small[6]:
        assert (row["closure_reason"] is None) == (row["cin_closure_date"] is None)
    for row in small[8]:
        assert (row["reason_ceased"] is None) == (row["cla_end_date"] is None)
        assert row["placement_start_date"] >= row["cla_start_date"]


def test_counts_are_consistent_with_the_history(small):
    referrals = defaultdict(list)
    for row in small[3]:
        assert row["referrals_last_12m"] >= 1  # the referral itself is counted
        referrals[row["child_id"]].append(row)
    for rows in referrals.values():
        rows.sort(key=lambda r: r["referral_date"])
        counts = [r["referrals_last_12m"] for r in rows]
        assert counts == sorted(counts) and len(set(counts)) == len(counts)
    assert any(r["referrals_last_12m"] > 1 for r in small[3])
    for row in small[5]:
        assert row["s47_last_12m"] >= 1
        assert row["icpcs_last_12m"] >= (1 if row["icpc_date"] else 0)
        assert (row["icpc_resulted_in_cpp"] is None) == (row["icpc_date"] is None)
    plans = defaultdict(list)
    for row in small[7]:
        plans[row["child_id"]].append((row["cpp_start_date"], row["previous_cpps"]))
    for rows in plans.values():
        rows.sort()
        assert all(b[1] > a[1] for a, b in zip(rows, rows[1:], strict=False))
    starts = {(r["child_id"], r["cpp_start_date"]) for r in small[7]}
    icpc_plans = {(r["child_id"], r["icpc_date"]) for r in small[5] if r["icpc_resulted_in_cpp"]}
    assert icpc_plans <= starts  # every conference that made a plan is on List 7
    for row in small[8]:
        assert row["placements_last_12m"] >= 1
        if row["missing_episodes_12m"] == 0:
            assert row["return_interview_offered"] is None
    cla = {r["child_id"] for r in small[8] if r["cla_end_date"] is None}
    open_cin = {r["child_id"]: r["case_status"] for r in small[6] if r["cin_closure_date"] is None}
    assert all(open_cin.get(child) == "LAC" for child in cla)


def test_successive_month_ends_form_a_time_series():
    months = [dt.date(2026, 7, 31), dt.date(2026, 8, 31), dt.date(2026, 9, 30)]
    extracts = [generate(SMALL, d) for d in months]
    for (a_date, a), (b_date, b) in itertools.pairwise(zip(months, extracts, strict=True)):
        open_a = {r["child_id"] for r in a[6] if r["cin_closure_date"] is None}
        in_b = {r["child_id"] for r in b[6]}
        assert len(open_a & in_b) >= 0.95 * len(open_a)  # open cases are still there (open or just closed)
        assert {r["child_id"] for r in b[3]} - {r["child_id"] for r in a[3]}  # new referrals
        overlap = window_start(b_date)
        keep = ("child_id", "referral_date", "referral_source", "referral_nfa", "referrals_last_12m")
        assert [{k: r[k] for k in keep} for r in a[3] if r["referral_date"] >= overlap] == [
            {k: r[k] for k in keep} for r in b[3] if r["referral_date"] <= a_date]
        plans_a = {(r["child_id"], r["cpp_start_date"]): r for r in a[7]}
        for row in b[7]:
            before = plans_a.get((row["child_id"], row["cpp_start_date"]))
            if before:
                assert before["previous_cpps"] == row["previous_cpps"]
                assert before["initial_category"] == row["initial_category"]
                assert (before["last_visit_date"] or dt.date.min) <= (row["last_visit_date"] or dt.date.min)
                if before["cpp_end_date"]:
                    assert row["cpp_end_date"] == before["cpp_end_date"]


def assessed_in_time(data) -> float:
    done = [(r["assessment_start_date"], r["assessment_authorised_date"]) for r in data[4]
            if r["assessment_authorised_date"]]
    return sum(working_days(start, end) <= 45 for start, end in done) / len(done)


def unallocated(data) -> float:
    rows = [r for n in (3, 4, 5, 6, 7, 8) for r in data[n]]
    return sum(r["allocated_worker"] is None for r in rows) / len(rows)


def caseload(data) -> float:
    children = defaultdict(set)
    for n, end in ((6, "cin_closure_date"), (8, "cla_end_date")):
        for row in data[n]:
            if row[end] is None and row["allocated_worker"]:
                children[row["allocated_worker"]].add(row["child_id"])
    return sum(map(len, children.values())) / len(children)


def test_strong_and_struggling_practice_differ_as_measures_will_see(small, struggling):
    assert assessed_in_time(small) > 0.82
    assert assessed_in_time(struggling) < 0.70
    assert unallocated(small) < 0.03
    assert 0.04 < unallocated(struggling) < 0.15
    assert caseload(small) < 19 < 22 < caseload(struggling)

    def repeat_plans(data):
        return sum(r["previous_cpps"] > 0 for r in data[7]) / len(data[7])

    assert repeat_plans(small) < repeat_plans(struggling)


def test_improving_council_improves_over_the_timeline():
    improving = SynthConfig(profile="improving")
    early, late = generate(improving, dt.date(2022, 9, 30)), generate(improving, dt.date(2026, 9, 30))
    assert assessed_in_time(early) < 0.72 < 0.82 < assessed_in_time(late)
    assert unallocated(late) < unallocated(early)


def test_improving_council_can_be_timed_to_finish_later():
    # Strong by 31/03/2029, so still struggling in 2025 where the default timing is already improving.
    later = SynthConfig(profile="improving", improved_by=dt.date(2029, 3, 31))
    default = SynthConfig(profile="improving")
    assert assessed_in_time(generate(later, dt.date(2026, 3, 31))) < 0.72 < assessed_in_time(
        generate(default, dt.date(2026, 3, 31)))


def test_sizes():
    assert 1500 < sum(map(len, generate(SMALL, AS_AT).values())) < 2600
    large = generate(SynthConfig(size="large", seed=3), AS_AT)
    assert 60_000 < sum(map(len, large.values())) < 80_000
    synth._history.cache_clear()  # let the large history go now rather than slow the tests after it
    gc.collect()


# --------------------------------------------------------------------------------------------------
# write_workbook()


def read(path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def find_list(sheet_name: str) -> int:
    match = re.match(r"(?i)l(?:ist)?[ _]?(\d+)", sheet_name)
    assert match, sheet_name
    return int(match.group(1))


def split(rows: list[list]) -> tuple[int, list, list[list]]:
    """(index of the header row, the header, the data rows) of a sheet."""
    for i, row in enumerate(rows):
        if sum(1 for cell in row if cell not in ("", None)) >= 3:
            return i, row, [r for r in rows[i + 1:] if any(cell not in ("", None) for cell in r)]
    raise AssertionError("no header row")


@pytest.fixture(scope="module")
def clean_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "clean.xlsx"
    return write_workbook(path, SMALL, AS_AT, irregular=False), read(path), path


@pytest.fixture(scope="module")
def irregular_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "irregular.xlsx"
    return write_workbook(path, STRUGGLING, AS_AT), read(path), path


def test_clean_workbook_is_ofsted_format(clean_book, small):
    counts, sheets, path = clean_book
    assert list(sheets) == [f"List {n}" for n in range(1, 12)]
    assert len(pd.read_excel(path, sheet_name=None, header=None, engine="calamine")) == 11
    for name, rows in sheets.items():
        spec = BY_NUMBER[find_list(name)]
        assert rows[0] == [col.header for col in spec.columns]
        data = rows[1:]
        assert len(data) == counts[spec.number] == len(small[spec.number])
        for j, col in enumerate(spec.columns):
            cells = [r[j] for r in data if r[j] != ""]
            if col.kind == DATE:
                assert all(type(cell) is dt.date for cell in cells)
            elif col.kind == ID:
                assert all(isinstance(cell, str) for cell in cells)
            elif col.kind == BOOL:
                assert set(cells) <= {"a) Yes", "b) No", "c) Unknown"}
            elif col.kind == CODE:
                assert all(col.codes.parse(cell) for cell in cells), (name, col.name)
                assert all(re.match(r"^([a-z]{1,2}\) |[A-Z0-9]+ - |[A-Z0-9]+: )", cell) for cell in cells)
        first = small[spec.number][0]
        assert data[0][0] == first[spec.columns[0].name]


def test_irregular_workbook_reads_back(irregular_book):
    counts, sheets, path = irregular_book
    assert len(sheets) == 11
    assert len(pd.read_excel(path, sheet_name=None, header=None, engine="calamine")) == 11
    assert sorted(find_list(name) for name in sheets) == list(range(1, 12))
    for name, rows in sheets.items():
        spec = BY_NUMBER[find_list(name)]
        _, header, data = split(rows)
        known = [h for h in header if normalise_text(h) != "local ref"]
        assert len(known) == len(spec.columns)
        for h, col in zip(known, spec.columns, strict=True):
            assert col.matches(normalise_text(h)), (name, h)
        assert len(data) == counts[spec.number]


def cell_date(value) -> dt.date:
    """A date written as a date cell, dd/mm/yyyy text or a bare serial number."""
    if isinstance(value, str):
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    if isinstance(value, float):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    return value


def columns_of(sheets) -> dict[tuple[int, str], list]:
    """(list number, column name or "local_ref") -> the non-blank values written in that column."""
    cells = defaultdict(list)
    for name, rows in sheets.items():
        spec = BY_NUMBER[find_list(name)]
        _, header, data = split(rows)
        columns = iter(spec.columns)
        for j, h in enumerate(header):
            key = "local_ref" if h == "Local ref" else next(columns).name
            cells[(spec.number, key)].extend(r[j] for r in data if r[j] != "")
    return cells


def rows_of(sheets, n: int) -> list[dict]:
    """List n's data rows keyed by canonical column name (the extra column dropped)."""
    rows = next(rows for name, rows in sheets.items() if find_list(name) == n)
    _, header, data = split(rows)
    spec = BY_NUMBER[n]
    names = [None if h == "Local ref" else next(c.name for c in spec.columns if c.matches(normalise_text(h)))
             for h in header]
    return [{name: cell for name, cell in zip(names, row, strict=True) if name} for row in data]


def test_irregular_workbook_has_each_irregularity(irregular_book, struggling):
    counts, sheets, _ = irregular_book
    names = list(sheets)
    for pattern in (r"List \d+", r"list_\d+", r"L\d+ \w.*", r"List \d+ - \w.*"):
        assert any(re.fullmatch(pattern, name) for name in names), pattern
    assert sum(split(rows)[0] > 0 for rows in sheets.values()) >= 3  # title or notes rows above the header

    headers = {find_list(name): split(rows)[1] for name, rows in sheets.items()}
    flat = [h for row in headers.values() for h in row]
    assert "Age" in flat
    assert any(h.endswith("(Y/N))") for h in headers[8])
    assert "Date of referral" in headers[3]
    assert any("\u2018Missing\u2019" in h for h in headers[8])
    canonical = {col.header for spec in LISTS for col in spec.columns}
    canonical |= {"Age", "Local ref", "Date of referral"}
    odd = [h for h in flat if h not in canonical and not h.endswith("(Y/N))") and "\u2018" not in h]
    assert len(odd) >= 5
    assert flat.count("Local ref") == 2

    cells = columns_of(sheets)
    ethnicity = [v for (_, name), values in cells.items() if name == "ethnicity" for v in values]
    assert {"a) WBRI", "WBRI", "White British"} <= set(ethnicity)
    kinds = {(n, name): BY_NUMBER[n].column(name).kind for n, name in cells if name != "local_ref"}
    bools = {v for key, values in cells.items() if kinds.get(key) == BOOL for v in values}
    assert {"a) Yes", "b) No", "Yes", "No", "Y", "N", "True", "False", True, False} <= bools
    dates = [v for key, values in cells.items() if kinds.get(key) == DATE for v in values]
    written = Counter(type(v).__name__ for v in dates)
    assert written["date"] > 0.9 * len(dates) and written["str"] and written["float"]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", v) for v in dates if isinstance(v, str))
    assert all(30000 < v < 50000 for v in dates if isinstance(v, float))
    ids = [v for (_, name), values in cells.items() if name == "child_id" for v in values]
    assert any(isinstance(v, str) and v.startswith("0") for v in ids)
    assert any(isinstance(v, float) for v in ids) and any(isinstance(v, str) and v[0] != "0" for v in ids)

    duplicated = sum(n - 1 for rows in sheets.values() for n in Counter(map(tuple, split(rows)[2])).values())
    assert duplicated >= 2
    assert sum(counts.values()) == sum(map(len, struggling.values())) + duplicated
    assert any(cell_date(v) > AS_AT for v in cells[(1, "contact_date")] + cells[(3, "referral_date")])
    assert "WBRT" in cells[(1, "ethnicity")] and "U9" in cells[(8, "placement_type")]
    assert any(r["cla_end_date"] != "" and cell_date(r["cla_end_date"]) < cell_date(r["cla_start_date"])
               for r in rows_of(sheets, 8))
    assert any(r["cpp_end_date"] != "" and cell_date(r["cpp_end_date"]) < cell_date(r["cpp_start_date"])
               for r in rows_of(sheets, 7))
    assert any(int(r["age"]) != age_on(cell_date(r["date_of_birth"]), AS_AT) for r in rows_of(sheets, 6))


def test_every_written_code_reads_back():
    for spec in LISTS:
        for col in spec.columns:
            if col.kind != CODE:
                continue
            for style, forms in _code_forms(col.codes).items():
                for code, text in forms.items():
                    assert col.codes.parse(text) == code, (style, text)
