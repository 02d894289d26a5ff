"""The intervention register: reading users' CSVs (every validation message, all-or-nothing), and which
interventions are in force or count after a judgement."""

import io

import pandas as pd
import pytest

from goldthread.core.national.interventions import (
    ADVISER_MODEL,
    ERROR,
    KINDS,
    MODEL_OF_KIND,
    MODEL_WINDOW_MONTHS,
    MODELS,
    NO_INTERVENTION,
    NOTICE_MODEL,
    STATUTORY_MODEL,
    TEMPLATE_CSV,
    WARNING,
    InterventionFileError,
    Problem,
    has_errors,
    in_force,
    interventions_after,
    kind_key,
    model_after,
    parse_date,
    raise_for_errors,
    read_interventions_csv,
)

HEADER = "la_code,kind,start_date,end_date,notes\n"


@pytest.fixture
def read(tmp_path, national):
    """Write `text` to interventions.csv and read it: (table, problems)."""
    def _read(text, name="interventions.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return read_interventions_csv(path, national.codes)
    return _read


def _messages(problems):
    return [str(p) for p in problems]


def test_vocabulary():
    assert set(KINDS) == set(MODEL_OF_KIND)
    assert set(MODEL_OF_KIND.values()) == set(MODELS) - {NO_INTERVENTION}
    assert MODELS[0] == STATUTORY_MODEL and MODELS[-1] == NO_INTERVENTION
    assert MODEL_WINDOW_MONTHS == 12
    assert kind_key("Improvement notice") == kind_key(" improvement-notice ") == "improvement_notice"
    assert kind_key("DfE improvement notice (non-statutory)") == "improvement_notice"
    assert kind_key("improvement") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("01/04/2021", "2021-04-01"), ("1/4/2021", "2021-04-01"), ("2021-04-01", "2021-04-01"),
    ("2021-04-01 00:00:00", "2021-04-01"), ("29/02/2024", "2024-02-29"),
    ("31/02/2020", None), ("2020/01/01", None), ("04/01/21", None), ("April 2021", None), ("13/13/2020", None),
])
def test_dates(text, expected):
    parsed = parse_date(text)
    assert (parsed.isoformat() if parsed else None) == expected


def test_a_good_file(read):
    table, problems = read(
        "LA Code,Kind,Start Date,End Date,Source\n"
        "E10000021,trust,01/11/2020,,DfE direction 2020\n"
        "825,Improvement notice,2014-10-01,31/03/2018,\n"
        "Kingston Upon Hull,dfe_adviser,01/01/2019,,\n"
        "Cumbria,statutory_direction,01/06/2022,,\n"
    )
    assert problems == []
    assert table["row"].tolist() == [2, 3, 4, 5]
    assert table["la_code"].tolist() == ["E10000021", "E06000060", "E06000010", "E10000006"]
    assert table["la_name"].tolist() == ["Northamptonshire", "Buckinghamshire", "Kingston Upon Hull, City of",
                                         "Cumbria"]
    assert table["council_as_given"].tolist() == ["E10000021", "825", "Kingston Upon Hull", "Cumbria"]
    assert table["kind"].tolist() == ["trust", "improvement_notice", "dfe_adviser", "statutory_direction"]
    assert table["model"].tolist() == [STATUTORY_MODEL, NOTICE_MODEL, ADVISER_MODEL, STATUTORY_MODEL]
    assert table["start_date"].tolist()[1] == pd.Timestamp("2014-10-01")
    assert table["end_date"].tolist()[1] == pd.Timestamp("2018-03-31") and pd.isna(table["end_date"].iloc[0])
    assert table["source"].tolist()[0] == "DfE direction 2020" and table["notes"].isna().all()
    assert table["valid"].all()


def test_old_codes_names_and_abolished_councils(read):
    table, problems = read(
        HEADER
        + "909,dfe_adviser,01/01/2019,,\n"  # Cumbria's DfE code (abolished 2023)
        + "E10000002,dfe_adviser,01/01/2019,,\n"  # Buckinghamshire's county code, recoded 2020
        + "Poole,improvement_board,01/01/2018,,\n"  # merged into BCP 2019
        + "Dorset,dfe_adviser,01/05/2016,,\n"  # the county existed then
        + "Dorset,dfe_adviser,01/05/2020,,\n"  # the unitary council by then
        + "Bedford Borough,dfe_adviser,01/05/2020,,\n"
    )
    assert not problems
    assert table["la_code"].tolist() == ["E10000006", "E06000060", "E06000029", "E10000009", "E06000059",
                                         "E06000055"]


def test_every_error_message(read):
    table, problems = read(
        "la_code,kind,start_date,end_date,notes\n"
        "Northampton,improvement notice,01/01/2020,,\n"  # row 2
        "Dorset,improvement_notice,,,\n"  # row 3
        "909,improvment notice,31/02/2020,2020/01/01,\n"  # row 4
        "Cumbria,statutory_direction,01/06/2020,01/01/2020,\n"  # row 5
        "E10000021,trust,01/11/2020,,\n"  # row 6
        "E10000021,Trust,2020-11-01,,again\n"  # row 7
        ",,,,\n"  # row 8: blank, skipped
        "E06000001,,01/01/2020,,,extra\n"  # row 9
        "825,improvement_notice,2014-10-01,2018-03-31,EXAMPLE ONLY - delete\n"  # row 10
    )
    messages = _messages(problems)
    assert messages[0] == ("error: interventions.csv, row 2, column la_code: 'Northampton' is not a council: "
                           "expected an ONS code (e.g. E10000021), a DfE three-digit code (e.g. 928) or a "
                           "council's name")
    assert messages[1] == "error: interventions.csv, row 3, column start_date: is empty: a start date is required"
    assert messages[2] == ("error: interventions.csv, row 3, column la_code: 'Dorset' names more than one "
                           "council (E06000059 Dorset, E10000009 Dorset); use the council's code")
    assert messages[3] == ("error: interventions.csv, row 4, column start_date: '31/02/2020' is not a date: "
                           "expected a date as dd/mm/yyyy (e.g. 01/04/2021) or yyyy-mm-dd (e.g. 2021-04-01)")
    assert messages[4].startswith("error: interventions.csv, row 4, column end_date: '2020/01/01' is not a date")
    assert messages[5] == ("error: interventions.csv, row 4, column kind: 'improvment notice' is not a kind of "
                           "intervention: expected one of statutory_direction, commissioner, trust, "
                           "improvement_notice, dfe_adviser, improvement_board (or their labels, e.g. \"DfE "
                           "improvement notice (non-statutory)\")")
    assert messages[6] == ("error: interventions.csv, row 5, column end_date: '01/01/2020' is before the start "
                           "date (01/06/2020)")
    assert messages[7] == "error: interventions.csv, row 7: duplicates row 6 (same council, kind and start date)"
    assert messages[8] == ("error: interventions.csv, row 9: has 6 values but the header has 5 columns (a comma "
                           "inside a value needs the value in double quotes)")
    assert messages[9].startswith("error: interventions.csv, row 9, column kind: is empty: expected one of "
                                  "statutory_direction, commissioner")
    assert messages[10] == ("error: interventions.csv, row 10, column notes: 'EXAMPLE ONLY - delete' marks this "
                            "as an example row from the template: delete the row")
    assert len(messages) == 11
    assert all(p.severity == ERROR for p in problems)
    first = problems[0]
    assert (first.file, first.row, first.column, first.value) == ("interventions.csv", 2, "la_code", "Northampton")
    # Nothing is dropped: every data row is in the table, flagged.
    assert table["row"].tolist() == [2, 3, 4, 5, 6, 7, 9, 10]
    assert table["valid"].tolist() == [False, False, False, False, True, False, False, False]
    assert table.set_index("row").loc[4, "la_code"] == "E10000006" and pd.isna(table.set_index("row").loc[4, "kind"])


def test_empty_values(read):
    _, problems = read(HEADER + ",,01/01/2020,,\n")
    assert _messages(problems) == [
        "error: interventions.csv, row 2, column la_code: is empty: expected the council's ONS code, DfE code or name",
        "error: interventions.csv, row 2, column kind: is empty: expected one of statutory_direction, commissioner, "
        "trust, improvement_notice, dfe_adviser, improvement_board (or their labels, e.g. \"DfE improvement notice "
        "(non-statutory)\")",
    ]


def test_file_level_errors(read):
    _, problems = read("la_code,start_date,notes\nE06000001,01/01/2020,\n")
    assert _messages(problems) == [
        "error: interventions.csv, row 1: missing column 'kind': the header must have la_code, kind, start_date "
        "(and may have end_date, notes, source)"]
    _, problems = read("la_code,kind,kind,start_date\n")
    assert _messages(problems) == ["error: interventions.csv, row 1, column kind: this column appears more than once"]
    table, problems = read(HEADER)
    assert table.empty
    assert _messages(problems) == ["error: interventions.csv: the file has a header but no rows of interventions"]
    _, problems = read("")
    assert _messages(problems) == [
        "error: interventions.csv, row 1: the file has no header row: expected columns la_code, kind, start_date, "
        "end_date, notes, source"]


def test_warnings_do_not_refuse_a_file(read):
    table, problems = read(
        "la_code,kind,start_date,end_date,notes,colour\n"
        "Poole,improvement_board,01/01/2022,,,\n"
        "E06000002,dfe_adviser,01/01/2020,01/01/2021,,\n"
        "E06000002,dfe_adviser,01/06/2020,,,\n"
        "E06000061,dfe_adviser,01/01/2020,,,\n"
    )
    assert [p.severity for p in problems] == [WARNING] * 4
    assert _messages(problems) == [
        "warning: interventions.csv, row 1, column colour: is not a column goldthread reads; it is ignored",
        "warning: interventions.csv, row 2, column start_date: '01/01/2022' is a day Poole did not exist (Poole was "
        "abolished on 01/04/2019)",
        "warning: interventions.csv, row 4, column start_date: '01/06/2020' overlaps row 3 (Middlesbrough, "
        "dfe_adviser): check it is not the same intervention entered twice",
        "warning: interventions.csv, row 5, column start_date: '01/01/2020' is a day North Northamptonshire did not "
        "exist (North Northamptonshire was created on 01/04/2021)",
    ]
    assert not has_errors(problems)
    raise_for_errors(problems)  # no error: nothing raised
    assert table["valid"].all() and len(table) == 4


def test_all_or_nothing(read):
    table, problems = read(HEADER + "E06000001,dfe_adviser,01/01/2020,,\nE06000001,advisor,01/01/2020,,\n")
    assert has_errors(problems)
    assert len(table) == 2 and table["valid"].tolist() == [True, False]
    with pytest.raises(InterventionFileError) as caught:
        raise_for_errors(problems)
    assert caught.value.problems == problems
    assert str(caught.value).startswith("1 error(s); the file was not read:\nerror: interventions.csv, row 3, "
                                        "column kind: 'advisor' is not a kind of intervention")


def test_file_like_and_windows_1252(national):
    stream = io.BytesIO((HEADER + "St Helens,dfe_adviser,01/01/2020,,caf\xe9 meeting\n").encode("cp1252"))
    table, problems = read_interventions_csv(stream, national.codes)
    assert table["la_code"].tolist() == ["E08000013"] and table["notes"].tolist() == ["caf\xe9 meeting"]
    assert [p.severity for p in problems] == [WARNING]
    assert problems[0].file == "uploaded file" and "not UTF-8" in problems[0].message


def test_template(national):
    lines = TEMPLATE_CSV.splitlines()
    assert lines[0] == "la_code,kind,start_date,end_date,notes,source" and len(lines) == 3
    table, problems = read_interventions_csv(io.StringIO(TEMPLATE_CSV), national.codes)
    # The examples use real councils and accepted values; only their EXAMPLE mark stops them being loaded.
    assert table["la_code"].tolist() == ["E10000021", "E06000060"]
    assert table["kind"].tolist() == ["trust", "improvement_notice"]
    assert [(p.row, p.column) for p in problems] == [(2, "notes"), (3, "notes")]
    assert all("example row from the template" in p.message for p in problems)


def test_problem_text():
    problem = Problem(ERROR, "a.csv", None, None, None, "broken")
    assert str(problem) == "error: a.csv: broken"


def _register(*rows):
    return pd.DataFrame([{"la_code": code, "kind": kind, "start_date": pd.Timestamp(start),
                          "end_date": pd.Timestamp(end) if end else pd.NaT, "valid": True}
                         for code, kind, start, end in rows])


REGISTER = _register(
    ("E06000001", "dfe_adviser", "2019-03-01", "2021-03-31"),
    ("E06000001", "improvement_notice", "2019-04-15", "2020-12-31"),
    ("E06000001", "statutory_direction", "2021-01-01", None),
    ("E06000002", "improvement_board", "2020-02-01", "2020-06-30"),
)


def test_in_force():
    assert in_force(REGISTER, "E06000001", "2019-03-31") == ["dfe_adviser"]
    assert in_force(REGISTER, "E06000001", "2019-04-15") == ["improvement_notice", "dfe_adviser"]
    assert in_force(REGISTER, "E06000001", "2020-12-31") == ["improvement_notice", "dfe_adviser"]  # end day in force
    assert in_force(REGISTER, "E06000001", "2021-01-01") == ["statutory_direction", "dfe_adviser"]
    assert in_force(REGISTER, "E06000001", "2030-01-01") == ["statutory_direction"]
    assert in_force(REGISTER, "E06000001", "2019-01-01") == []
    assert in_force(REGISTER, ["E06000001", "E06000002"], "2020-03-01") == [
        "improvement_notice", "dfe_adviser", "improvement_board"]
    invalid = pd.concat([REGISTER, _register(("E06000003", "trust", "2019-01-01", None)).assign(valid=False)])
    assert in_force(invalid, "E06000003", "2020-01-01") == []  # rows with errors never count


def test_model_after():
    # Judged 01/02/2019: the adviser (March 2019) and notice (April 2019) start within 12 months.
    assert model_after(REGISTER, "E06000001", "2019-02-01", "2023-01-01") == NOTICE_MODEL
    # The direction of 01/01/2021 is within 12 months of a judgement on 01/02/2020 ...
    assert model_after(REGISTER, "E06000001", "2020-02-01", "2023-01-01") == STATUTORY_MODEL
    # ... but not if the next inspection came first,
    assert model_after(REGISTER, "E06000001", "2020-02-01", "2020-12-01") == NOTICE_MODEL
    # nor when it starts more than 12 months after the judgement (the notice is still in force then).
    assert model_after(REGISTER, "E06000001", "2019-12-31", None) == NOTICE_MODEL
    assert model_after(REGISTER, "E06000001", "2018-12-31", None) == NOTICE_MODEL
    assert model_after(REGISTER, "E06000001", "2017-12-31", None) == NO_INTERVENTION
    # An intervention that ended on the judgement day does not count; one ending the day after does.
    assert model_after(REGISTER, "E06000002", "2020-06-30", None) == NO_INTERVENTION
    assert model_after(REGISTER, "E06000002", "2020-06-29", None) == ADVISER_MODEL
    assert model_after(REGISTER, "E06000009", "2020-01-01", None) == NO_INTERVENTION
    counted = interventions_after(REGISTER, "E06000001", "2019-02-01", "2023-01-01")
    assert counted["kind"].tolist() == ["dfe_adviser", "improvement_notice"]
    # Window boundary: starting exactly 12 months after counts, a day later does not.
    edge = _register(("E06000004", "trust", "2021-02-01", None), ("E06000005", "trust", "2021-02-02", None))
    assert model_after(edge, "E06000004", "2020-02-01") == STATUTORY_MODEL
    assert model_after(edge, "E06000005", "2020-02-01") == NO_INTERVENTION
