"""Before an extract is imported: the date it is as at, and whether it is plausibly the council's next one.
After: withdrawing it. And what happens when two imports race."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from goldthread.accounts.access import Access
from goldthread.accounts.models import Membership
from goldthread.conftest import NORTHBY, SAMPLE, SAMPLE_AS_AT
from goldthread.core.annexa.synth import SynthConfig, write_workbook
from goldthread.extracts import actions
from goldthread.extracts.actions import (
    ImportRefused,
    import_extract,
    purge_withdrawn,
    reinstate_extract,
    withdraw_extract,
)
from goldthread.extracts.models import ROW_MODELS, Extract
from goldthread.extracts.queries import latest_extract, live_extracts
from goldthread.store.models import Figure

OCT, NOV = dt.date(2025, 10, 31), dt.date(2025, 11, 30)
MEDIUM = SynthConfig(size="medium", profile="improving", seed=11, council_name="Northby")
SMALL = SynthConfig(size="small", profile="strong", seed=22, council_name="Southmoor")


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """Northby's (a medium council) extracts as at October and November, and Southmoor's (small) for November."""
    folder = tmp_path_factory.mktemp("synth")
    found = {}
    for key, config, as_at in (("medium_oct", MEDIUM, OCT), ("medium_nov", MEDIUM, NOV), ("small_nov", SMALL, NOV)):
        found[key] = folder / f"{key}.xlsx"
        write_workbook(found[key], config, as_at)
    return found


@pytest.fixture
def northby(councils):
    return councils.get(ons_code=NORTHBY)


def admin_access(people, role="council_admin") -> Access:
    membership = Membership.objects.select_related("council").get(user=people[role], council__ons_code=NORTHBY)
    return Access(membership.council, membership)


# --------------------------------------------------------------------------- plausibility


def test_the_councils_next_month_imports_without_a_question(northby, workbooks):
    import_extract(northby, workbooks["medium_oct"], extract_date=OCT)
    outcome = import_extract(northby, workbooks["medium_nov"], extract_date=NOV)
    assert outcome.created and outcome.concerns == []


def test_a_small_councils_file_is_refused_with_the_reasons_until_accepted(northby, workbooks, capsys):
    import_extract(northby, workbooks["medium_oct"], extract_date=OCT)
    before = {key: Figure.objects.filter(extract__council=northby).count() for key in ("values",)}
    with pytest.raises(SystemExit) as refused:
        call_command("import_annex_a", str(workbooks["small_nov"]), "--la", "991", "--extract-date", "30/11/2025")
    assert refused.value.code == 2
    message = capsys.readouterr().err
    assert message.startswith("The import was refused because this file differs from Northby's previous extract "
                              "far more than usual:")
    assert "List 1 (Contacts) has " in message and "against 6," in message and "outside the usual change" in message
    assert "children in the previous extract (as at 31/10/2025)" in message
    assert "not Northby's 48,000" in message
    assert message.rstrip().endswith("If it is the right file, import it again with --accept-warnings.")
    assert list(live_extracts(northby).values_list("extract_date", flat=True)) == [OCT]
    assert {"values": Figure.objects.filter(extract__council=northby).count()} == before

    call_command("import_annex_a", str(workbooks["small_nov"]), "--la", "991", "--extract-date", "30/11/2025",
                 "--accept-warnings")
    out = capsys.readouterr().out
    assert "Accepted differences from Northby's previous extract (recorded with the extract):" in out
    extract = latest_extract(northby)
    assert extract.extract_date == NOV
    assert {c["kind"] for c in extract.accepted_concerns} >= {"rows", "carry_over", "population", "teams"}


def test_a_proposed_date_is_refused_on_the_command_line_until_given_or_accepted(northby, workbooks, capsys, tmp_path):
    # The synthetic export has a few dates typed after its extract date; the proposal leaves them aside.
    path = tmp_path / "northby annex a.xlsx"
    shutil.copy(workbooks["medium_nov"], path)
    with pytest.raises(SystemExit) as refused:
        call_command("import_annex_a", str(path), "--la", "991")
    assert refused.value.code == 2
    message = capsys.readouterr().err
    assert message.startswith("No extract date was given, so goldthread proposes 30/11/2025. Most lists' latest "
                              "dates run up to 30/11/2025")
    assert "Import again with --extract-date 30/11/2025 (or the right date), or with --accept-warnings" in message
    assert Extract.objects.count() == 0
    call_command("import_annex_a", str(path), "--la", "991", "--accept-warnings")
    assert "extract as at 30/11/2025 (proposed from the row dates, accepted with --accept-warnings)" in \
        capsys.readouterr().out
    extract = Extract.objects.get()
    assert extract.extract_date == NOV and extract.extract_date_inferred


def test_the_comparison_is_with_the_latest_extract_before_the_new_date(northby, workbooks):
    import_extract(northby, workbooks["medium_nov"], extract_date=NOV)
    # A month filling a gap before the only extract is compared with that one.
    previous = actions.previous_extract(northby, OCT)
    assert previous.extract_date == NOV
    assert import_extract(northby, workbooks["medium_oct"], extract_date=OCT).concerns == []


# --------------------------------------------------------------------------- races


def test_two_imports_for_the_same_date_at_once_give_one_sentence(northby, tmp_path, monkeypatch, sample_annex):
    """Another import commits between this one's checks and its insert (simulated): a refusal, not a traceback."""
    other = tmp_path / "other.xlsx"
    import openpyxl

    book = openpyxl.load_workbook(SAMPLE)
    book["List 3"]["A2"] = "X123"
    book.save(other)
    real = actions.concerns_about

    def meanwhile(council, annex):
        monkeypatch.setattr(actions, "concerns_about", real)  # the other import runs as usual
        annex_there, digest = sample_annex
        actions.import_annex(council, annex_there, sha256=digest, source_name="first.xlsx")
        return real(council, annex)

    monkeypatch.setattr(actions, "concerns_about", meanwhile)
    with pytest.raises(ImportRefused) as refused:
        import_extract(northby, other, extract_date=SAMPLE_AS_AT)
    assert str(refused.value).startswith("Another extract for Northby as at 31/03/2021 was imported at the same "
                                         "moment, so this one was not")
    assert list(Extract.objects.values_list("source_name", flat=True)) == ["first.xlsx"]


# --------------------------------------------------------------------------- withdrawal


def test_withdrawing_the_latest_extract_puts_the_previous_one_back_everywhere(client, people, northby, tmp_path,
                                                                            sample_annex):
    annex, digest = sample_annex
    march = actions.import_annex(northby, annex, sha256=digest, source_name="march.xlsx").extract
    april_file = tmp_path / "april.xlsx"
    import openpyxl

    book = openpyxl.load_workbook(SAMPLE)
    book["List 1"]["A3"] = "NEW-CHILD"
    book.save(april_file)
    april = import_extract(northby, april_file, extract_date=dt.date(2021, 4, 30)).extract
    client.force_login(people["council_admin"])
    dashboard = reverse("portal:dashboard", args=[NORTHBY])
    assert "Measures as at <strong>30 April 2021</strong>" in client.get(dashboard).content.decode()
    version = northby.settings.data_version
    northby.settings.refresh_from_db()

    withdrawn = withdraw_extract(admin_access(people), april, reason="Exported before the month's data was in.")
    assert withdrawn.withdrawn and withdrawn.withdrawn_by == people["council_admin"]
    assert latest_extract(northby) == march
    assert list(live_extracts(northby)) == [march]
    northby.settings.refresh_from_db()
    assert northby.settings.data_version > version
    page = client.get(dashboard).content.decode()
    assert "Measures as at <strong>31 March 2021</strong>" in page
    assert ROW_MODELS[1].objects.filter(extract=april).exists()  # rows kept until the retention period passes

    reinstate_extract(admin_access(people), withdrawn)
    assert latest_extract(northby) == april
    assert "Measures as at <strong>30 April 2021</strong>" in client.get(dashboard).content.decode()


def test_only_council_admins_withdraw_and_a_reason_is_needed(people, northby_extract):
    for role in ("viewer", "practitioner", "analyst", "auditor", "manager"):
        with pytest.raises(PermissionDenied):
            withdraw_extract(admin_access(people, role), northby_extract, reason="wrong file")
    with pytest.raises(ValueError, match="Say why"):
        withdraw_extract(admin_access(people), northby_extract, reason="  ")
    assert latest_extract(northby_extract.council) == northby_extract


def test_a_withdrawn_extracts_rows_are_purged_after_the_retention_period(people, northby_extract, settings):
    settings.GOLDTHREAD_WITHDRAWN_RETENTION_DAYS = 30
    withdrawn = withdraw_extract(admin_access(people), northby_extract, reason="wrong council")
    assert purge_withdrawn(now=withdrawn.withdrawn_at + dt.timedelta(days=29)) == 0
    assert purge_withdrawn(now=withdrawn.withdrawn_at + dt.timedelta(days=31)) == 1
    kept = Extract.objects.get(pk=withdrawn.pk)
    assert kept.purged_at is not None and kept.withdrawn_reason == "wrong council"  # the record stays
    assert not any(model.objects.filter(extract=kept).exists() for model in ROW_MODELS.values())
    assert not kept.figures.exists() and not kept.issues.exists()
    with pytest.raises(ValueError, match="cannot be reinstated"):
        reinstate_extract(admin_access(people), kept)


def test_a_corrected_file_for_a_withdrawn_date_can_be_imported(people, northby_extract, tmp_path):
    withdraw_extract(admin_access(people), northby_extract, reason="missing list 8")
    again = import_extract(northby_extract.council, SAMPLE, extract_date=SAMPLE_AS_AT)
    assert again.created and latest_extract(northby_extract.council) == again.extract
    with pytest.raises(ValueError, match="another extract as at 31/03/2021 in use"):
        reinstate_extract(admin_access(people), Extract.objects.get(pk=northby_extract.pk))


def test_the_extracts_pages_withdraw_with_a_reason_and_put_back(client, people, northby_extract):
    page = reverse("portal:extract", args=[NORTHBY, northby_extract.pk])
    client.force_login(people["analyst"])
    assert "Withdraw this extract" not in client.get(page).content.decode()
    assert client.post(page, {"reason": "wrong"}).status_code == 403
    client.force_login(people["council_admin"])
    listing = client.get(reverse("portal:extracts", args=[NORTHBY])).content.decode()
    assert "31 March 2021" in listing and "Latest in use" in listing
    missing = client.post(page, {"reason": ""}).content.decode()
    assert 'href="#id_reason">Say why the extract is being withdrawn' in missing
    assert client.post(page, {"reason": "The export missed List 8."}).status_code == 302
    shown = client.get(page).content.decode()
    assert "Withdrawn on" in shown and "The export missed List 8." in shown
    assert "Put this extract back in use" in shown
    assert latest_extract(northby_extract.council) is None
    client.post(page, {"action": "reinstate"})
    assert latest_extract(northby_extract.council) == northby_extract


def test_withdrawing_an_extract_moves_the_plans_status_and_the_dashboards_target_status(people, northby, tmp_path,
                                                                                       sample_annex):
    """The plan's success measure and the dashboard read the same live extracts: withdrawing the newer month puts
    both back on the older one's value at once."""
    import openpyxl

    from goldthread.plans import actions as plans
    from goldthread.plans.queries import statuses_for
    from goldthread.portal import data

    annex, digest = sample_annex
    actions.import_annex(northby, annex, sha256=digest, source_name="march.xlsx")
    march_value = Figure.objects.get(extract__extract_date=SAMPLE_AS_AT, measure_id="cpp_visits_in_timescale")
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["List 7"]
    header = [c.value for c in sheet[1]]
    column = next(i for i, h in enumerate(header, start=1) if h and "visit" in str(h).lower())
    for row in range(2, sheet.max_row + 1):  # every plan visited the day before the April extract
        sheet.cell(row, column).value = dt.datetime(2021, 4, 29)
    path = tmp_path / "april.xlsx"
    book.save(path)
    april = import_extract(northby, path, extract_date=dt.date(2021, 4, 30), accept_warnings=True).extract
    april_value = Figure.objects.get(extract=april, measure_id="cpp_visits_in_timescale").value
    assert april_value != march_value.value

    manager = people["manager"]
    plan = plans.create_plan(northby, title="Plan", vision="Better visits", user=manager)
    priority = plans.save_priority(plan, None, title="Visits", user=manager)
    plans.add_success_measure(priority=priority, measure_id="cpp_visits_in_timescale",
                              baseline_date=dt.date(2021, 3, 31), baseline_value=march_value.value,
                              target_date=dt.date(2022, 3, 31), target_value=april_value, user=manager)

    def now():
        status = statuses_for(northby, priority)[0]
        card = data.cards(northby, data.extracts_of(northby), only="cpp_visits_in_timescale")
        card = next(c for cards in card.values() for c in cards)
        return status.latest.value, status.assessment.status, card.value, card.target_status

    assert now()[0] == april_value and now()[1] == "met" and now()[2] == april_value
    withdraw_extract(admin_access(people), april, reason="April's visits were entered twice.")
    value, status, card_value, card_status = now()
    assert value == card_value == march_value.value
    assert status != "met" and card_status == status
