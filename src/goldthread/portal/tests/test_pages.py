"""The portal's pages as people use them: upload and import, dashboard, measure, child, settings."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from goldthread.conftest import NORTHBY, PASSWORD, PRACTITIONERS_CHILD, SAMPLE, SAMPLE_AS_AT
from goldthread.councils.actions import set_target
from goldthread.councils.models import MeasureTarget
from goldthread.store.models import Figure


def sample_upload(name: str = "annex-a.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SAMPLE.read_bytes(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def analyst(client, people):
    client.force_login(people["analyst"])
    return client


def test_measure_page_explains_the_number_and_links_to_children(analyst, northby_extract):
    set_target(northby_extract.council, "cla_visits_in_timescale", 90)
    page = analyst.get(reverse("portal:measure", args=[NORTHBY, "cla_visits_in_timescale"])).content.decode()
    # The sample has 4 children in care at 31/03/2021, 2 visited within 42 days: 50%.
    assert "<span class=\"govuk-heading-l govuk-!-margin-0\">50.0%</span>" in page
    assert "2 of 4" in page
    assert "misses target" in page and "90.0%" in page
    assert "Date of Last Social Work Visit" in page  # the definition is on the page
    assert "<svg role=\"img\"" in page and "Show the data in a table" in page
    assert reverse("portal:measure_children", args=[NORTHBY, "cla_visits_in_timescale"]) in page
    children = analyst.get(reverse("portal:measure_children", args=[NORTHBY, "cla_visits_in_timescale"]))
    assert children.content.decode().count('href="/councils/E06999901/children/') == 2


def test_viewer_sees_numbers_but_no_way_to_children(client, people, northby_extract):
    client.force_login(people["viewer"])
    page = client.get(reverse("portal:measure", args=[NORTHBY, "cla_visits_in_timescale"])).content.decode()
    assert "50.0%" in page
    assert reverse("portal:measure_children", args=[NORTHBY, "cla_visits_in_timescale"]) not in page


def test_child_page_shows_the_child_across_lists(client, people, northby_extract):
    client.force_login(people["auditor"])
    page = client.get(reverse("portal:child", args=[NORTHBY, PRACTITIONERS_CHILD])).content.decode()
    assert "Child 10721552" in page
    assert "List 7 (Child protection)" in page and "List 5 (Section 47 enquiries and ICPCs)" not in page
    assert "Ezra Leigh" in page


def test_settings_change_recomputes_measures(client, people, northby_extract):
    client.force_login(people["council_admin"])
    url = reverse("portal:settings", args=[NORTHBY])
    before = Figure.objects.get(extract=northby_extract, measure_id="caseload_over_threshold").value
    response = client.post(url, {"cp_visit_working_days": "10", "cin_visit_working_days": "20",
                                 "caseload_threshold": "0", "child_population": "",
                                 "target_cla_visits_in_timescale": "95"}, follow=True)
    assert "Settings saved" in response.content.decode()
    after = Figure.objects.get(extract=northby_extract, measure_id="caseload_over_threshold").value
    assert before == 0 and after > 0  # every allocated worker is over a threshold of 0
    assert MeasureTarget.objects.get(measure_id="cla_visits_in_timescale").value == 95
    bad = client.post(url, {"cp_visit_working_days": "ten", "cin_visit_working_days": "20",
                            "caseload_threshold": "20"})
    assert "There is a problem" in bad.content.decode()


def test_council_requiring_codes_sends_people_to_set_up_an_authenticator(client, people, northby_extract):
    northby = northby_extract.council
    northby.settings.require_two_factor = True
    northby.settings.save()
    client.post(reverse("accounts:login"), {"username": "vera", "password": PASSWORD})
    dashboard = reverse("portal:dashboard", args=[NORTHBY])
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    setup = client.get(response["Location"]).content.decode()
    assert "Set up your authenticator app" in setup and "<svg" in setup
    device = TOTPDevice.objects.get(user=people["viewer"])
    wrong = client.post(response["Location"], {"code": "000000", "next": dashboard})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes django-otp wait before the next try
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    right = client.post(response["Location"], {"code": f"{code:06d}", "next": dashboard})
    assert right.status_code == 302 and right["Location"] == dashboard
    assert client.get(dashboard).status_code == 200


def test_deploy_checks_are_clean_with_the_documented_settings(settings, capsys, monkeypatch):
    # The browser-test plugin allows sync database calls under Playwright's event loop; deployments don't.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SILENCED_SYSTEM_CHECKS = ["security.W021"]
    settings.SECRET_KEY = "x" * 20 + "a-long-random-production-key-from-the-environment" + "y" * 20
    call_command("check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in capsys.readouterr().out


def test_council_admin_manages_people(client, people):
    from django.contrib.auth import get_user_model

    from goldthread.accounts.models import Membership

    client.force_login(people["council_admin"])
    url = reverse("portal:people", args=[NORTHBY])
    page = client.get(url).content.decode()
    assert "vera" in page and "Viewer" in page and "This is you" in page

    missing = client.post(url, {"action": "add", "username": "newbie", "role": "practitioner"})
    text = missing.content.decode()
    assert "Enter a first password for the new account" in text
    assert "Enter the practitioner&#x27;s name as Annex A writes it" in text
    assert not get_user_model().objects.filter(username="newbie").exists()

    client.post(url, {"action": "add", "username": "newbie", "full_name": "New Worker", "role": "practitioner",
                      "worker_name": "Petra Wills", "password": "a long enough first password"})
    membership = Membership.objects.get(user__username="newbie")
    assert (membership.role, membership.worker_name) == ("practitioner", "Petra Wills")
    assert membership.user.check_password("a long enough first password")

    client.post(url, {"action": "change", "membership": membership.pk, "role": "auditor"})
    membership.refresh_from_db()
    assert membership.role == "auditor"
    client.post(url, {"action": "remove", "membership": membership.pk})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # An admin cannot demote or remove themselves, and cannot touch another council's people.
    own = Membership.objects.get(user=people["council_admin"])
    client.post(url, {"action": "remove", "membership": own.pk})
    assert Membership.objects.filter(pk=own.pk).exists()
    theirs = Membership.objects.get(user=people["other_council"])
    client.post(url, {"action": "remove", "membership": theirs.pk})
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_a_real_council_sees_its_published_figures_beside_a_measure(client, people, northby_extract):
    from goldthread.accounts.models import Membership
    from goldthread.extracts.actions import import_extract
    from goldthread.national.actions import load_packaged

    load_packaged(with_risk=False)
    sheffield = northby_extract.council.__class__.objects.get(ons_code="E08000019")
    import_extract(sheffield, SAMPLE, extract_date=SAMPLE_AS_AT)
    Membership.objects.create(user=people["viewer"], council=sheffield, role="viewer")
    client.force_login(people["viewer"])
    page = client.get(reverse("portal:measure", args=["E08000019", "cla_per_10k"])).content.decode()
    # DfE's published CLA rate for Sheffield in 2025 is 54 per 10,000 (England 67).
    assert "Published figures: children in care per 10,000 children" in page
    assert "54.0 per 10,000, ranked" in page and "67.0 per 10,000" in page
    northby = client.get(reverse("portal:measure", args=[NORTHBY, "cla_per_10k"])).content.decode()
    assert "Published figures" not in northby  # a fictional council has no published figures


def test_dashboard_rows_are_reused_until_what_they_show_changes(client, people, northby_extract):
    client.force_login(people["council_admin"])
    url = reverse("portal:dashboard", args=[NORTHBY])
    assert "No target" in client.get(url).content.decode()
    set_target(northby_extract.council, "cla_visits_in_timescale", 90)
    assert "misses target" in client.get(url).content.decode()  # a new target shows at once
    settings_url = reverse("portal:settings", args=[NORTHBY])
    client.post(settings_url, {"cp_visit_working_days": "10", "cin_visit_working_days": "20",
                               "caseload_threshold": "0", "child_population": "", "target_cla_visits_in_timescale": "90"})
    page = client.get(url).content.decode()
    row = page[page.index("Workers over the caseload threshold"):][:400]
    assert ">0<" not in row.replace(" ", "")  # recomputed with the new threshold, not the cached rows


def test_measure_pages_are_reused_until_what_they_show_changes(client, people, northby_extract):
    council = northby_extract.council
    client.force_login(people["council_admin"])
    url = reverse("portal:measure", args=[NORTHBY, "caseload_over_threshold"])
    before = client.get(url).content.decode()
    assert "No target set" in before
    version = council.settings.data_version
    set_target(council, "caseload_over_threshold", 3)
    council.settings.refresh_from_db()
    assert council.settings.data_version > version
    assert "No target set" not in client.get(url).content.decode()  # the cached page is not reused
    client.post(reverse("portal:settings", args=[NORTHBY]), {
        "cp_visit_working_days": "10", "cin_visit_working_days": "20", "caseload_threshold": "0",
        "child_population": "", "target_caseload_over_threshold": "3"})
    after = client.get(url).content.decode()
    counted = lambda page: page[page.index("Counted"):][:200]  # noqa: E731
    assert counted(after) != counted(before)  # recomputed with the new threshold, not the cached page


def test_someone_with_an_authenticator_must_enter_a_code_even_where_the_council_does_not_require_one(
        client, people, northby_extract):
    assert not northby_extract.council.settings.require_two_factor
    TOTPDevice.objects.create(user=people["viewer"], name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "vera", "password": PASSWORD})
    response = client.get(reverse("portal:dashboard", args=[NORTHBY]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    # An unconfirmed device (set-up not finished) does not lock anyone out.
    TOTPDevice.objects.filter(user=people["viewer"]).update(confirmed=False)
    assert client.get(reverse("portal:dashboard", args=[NORTHBY])).status_code == 200
