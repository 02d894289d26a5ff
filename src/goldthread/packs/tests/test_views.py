"""The pack pages: the council's packs, asking for one (queued for the worker in the same transaction as its
record), following it, downloading it again, a council admin's settings and logo, and the adviser's pack."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from goldthread.conftest import NORTHBY
from goldthread.packs.models import GeneratedPack, PackLogo, PackSettings

from .conftest import MEETING, xlsx_sheets

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_packs_home_lists_the_kinds_and_the_packs_made(client, board):
    client.force_login(board["people"]["viewer"])
    page = _html(client.get(reverse("packs:home", args=[NORTHBY])))
    for title in ("Improvement board pack", "DfE review pack", "Ofsted monitoring visit pack", "Members&#x27; report"):
        assert title in page
    assert "choose what it holds" not in page  # settings are for council admins
    assert "No pack you may download has been made yet." in page
    client.force_login(board["people"]["council_admin"])
    assert "choose what it holds" in _html(client.get(reverse("packs:home", args=[NORTHBY])))


def test_asking_for_a_pack_queues_it_and_the_page_follows_it_to_the_download(client, board, run_jobs):
    client.force_login(board["people"]["viewer"])
    url = reverse("packs:new", args=[NORTHBY])
    page = _html(client.get(url, {"kind": "board"}))
    assert 'value="board" checked' in page and "May improvement board, 10 May 2021" in page
    response = client.post(url, {"kind": "board", "as_at": MEETING.isoformat(), "format": "xlsx"})
    record = GeneratedPack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("packs:pack", args=[NORTHBY, record.pk])
    assert (record.status, record.as_at, record.live, record.requested_by_name) == ("queued", MEETING, False, "vera")
    waiting = _html(client.get(response["Location"]))
    assert "The pack is being made" in waiting and "pack-progress.js" in waiting
    assert client.get(reverse("packs:status", args=[NORTHBY, record.pk])).json()["status"] == "queued"
    assert run_jobs() == 1
    assert client.get(reverse("packs:status", args=[NORTHBY, record.pk])).json()["status"] == "ready"
    ready = _html(client.get(response["Location"]))
    assert "Download the improvement board pack (Excel" in ready and "OFFICIAL-SENSITIVE" in ready
    download = client.get(reverse("packs:download", args=[NORTHBY, record.pk]))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="Improvement board pack - Northby - as at 10 May 2021.xlsx"' in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    assert "Scorecard" in xlsx_sheets(download.content)
    home = _html(client.get(reverse("packs:home", args=[NORTHBY])))
    assert "Packs made recently" in home and reverse("packs:pack", args=[NORTHBY, record.pk]) in home


@pytest.mark.parametrize("form, errors", [
    ({}, ["Choose which pack to make", "Choose the format: PDF, Word or Excel"]),
    ({"kind": "adviser", "as_at": "today", "format": "pdf"}, ["Choose which pack to make"]),
    ({"kind": "board", "as_at": "2021-05-11", "format": "pdf"}, ["Choose the date the pack is as at"]),
    ({"kind": "board", "as_at": "today", "format": "pptx"}, ["Choose the format: PDF, Word or Excel"]),
])
def test_a_form_that_cannot_be_made_says_what_to_choose(client, board, form, errors):
    client.force_login(board["people"]["manager"])
    page = _html(client.post(reverse("packs:new", args=[NORTHBY]), form))
    assert "There is a problem" in page and all(e in page for e in errors)
    assert GeneratedPack.objects.count() == 0


def test_another_persons_pack_listing_children_is_not_found_for_a_viewer(client, board):
    from goldthread.accounts.access import access_for
    from goldthread.packs import actions

    record = actions.request_pack(access_for(board["people"]["manager"], board["council"]), "members", fmt="pdf")
    GeneratedPack.objects.filter(pk=record.pk).update(child_level=True)
    client.force_login(board["people"]["viewer"])
    for name in ("packs:pack", "packs:status", "packs:download"):
        assert client.get(reverse(name, args=[NORTHBY, record.pk])).status_code == 404, name
    client.force_login(board["people"]["other_council"])
    assert client.get(reverse("packs:pack", args=[NORTHBY, record.pk])).status_code == 403


def test_an_ofsted_pack_offers_annex_a_in_ofsteds_template_to_those_who_may_see_every_child(client, board):
    from goldthread.accounts.access import access_for
    from goldthread.packs import actions

    record = actions.request_pack(access_for(board["people"]["analyst"], board["council"]), "ofsted", fmt="pdf")
    link = reverse("portal:extract", args=[NORTHBY, board["extract"].pk]) + "?download=ofsted"
    client.force_login(board["people"]["analyst"])
    assert link in _html(client.get(reverse("packs:pack", args=[NORTHBY, record.pk])))
    for role in ("viewer", "practitioner"):
        client.force_login(board["people"][role])
        assert link not in _html(client.get(reverse("packs:pack", args=[NORTHBY, record.pk]))), role


def _png(size=(60, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 12, 12)).save(out, format="PNG")
    return out.getvalue()


def test_a_council_admin_chooses_the_sections_title_contact_and_logo(client, board):
    from goldthread.accounts.access import access_for
    from goldthread.packs import actions, render

    client.force_login(board["people"]["council_admin"])
    url = reverse("packs:settings", args=[NORTHBY, "board"])
    page = _html(client.get(url))
    assert 'value="summary"' not in page and "Summary (one page: what moved" in page  # always in it
    assert 'value="workforce" checked aria' in page
    assert 'value="children" aria' in page  # listing children: only when chosen
    response = client.post(url, {"sections": ["scorecard", "children"], "title": "Northby board papers",
                                 "contact": "Performance team", "logo": SimpleUploadedFile("crest.png", _png())})
    assert response.status_code == 302
    chosen = PackSettings.objects.get(council=board["council"], kind="board")
    assert (chosen.sections, chosen.title, chosen.contact) == (["summary", "scorecard", "children"],
                                                               "Northby board papers", "Performance team")
    logo = PackLogo.objects.get(council=board["council"])
    assert bytes(logo.png).startswith(b"\x89PNG") and (logo.width, logo.height) == (60, 30)
    access = access_for(board["people"]["manager"], board["council"])
    day, live = actions.resolve_as_at(None)
    pack = actions.document(board["council"], actions.KINDS["board"], as_at=day, live=live,
                            levels=actions.levels_for(access), access=access)
    assert [s.key for s in pack.sections] == ["summary", "scorecard", "children"]
    assert pack.title_page.title == "Northby board papers" and pack.title_page.logo_png == bytes(logo.png)
    assert 'alt="Northby logo"' in render.html(pack)

    refused = _html(client.post(url, {"sections": ["scorecard"], "logo": SimpleUploadedFile("crest.png",
                                                                                            b"GIF89a not a png")}))
    assert "crest.png is not a PNG or JPEG image: save the logo as a PNG or JPEG file and upload that." in refused
    assert PackLogo.objects.get(council=board["council"]).width == 60  # the earlier logo is kept
    assert client.post(url, {"sections": ["scorecard"], "remove_logo": "yes"}).status_code == 302
    assert not PackLogo.objects.exists()
    too_long = _html(client.post(url, {"sections": ["scorecard"], "title": "x" * 201}))
    assert "The title must be 200 characters or fewer" in too_long
    assert client.get(reverse("packs:settings", args=[NORTHBY, "adviser"])).status_code == 404


def test_the_advisers_pack_is_made_for_the_person_who_asks_and_only_they_download_it(client, board, run_jobs):
    client.force_login(board["people"]["viewer"])
    url = reverse("adviser_packs:home")
    assert "Make the pack" in _html(client.get(url))
    response = client.post(url, {"as_at": "today", "format": "docx"})
    record = GeneratedPack.objects.get()
    assert response.status_code == 302 and record.council is None and record.kind == "adviser"
    assert run_jobs() == 1
    download = client.get(reverse("adviser_packs:download", args=[record.pk]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    client.force_login(board["people"]["manager"])
    assert client.get(reverse("adviser_packs:download", args=[record.pk])).status_code == 403
    client.force_login(board["people"]["national"])  # no council role: nothing to make
    page = _html(client.get(url))
    assert "You have no role in any council, so there is no adviser's pack to make." in page
    bad = _html(client.post(reverse("adviser_packs:home"), {"as_at": "date", "as_at-day": "31", "as_at-month": "2",
                                                             "as_at-year": "2021", "format": "pdf"}))
    assert GeneratedPack.objects.count() == 1 and "There is a problem" not in bad
    client.force_login(board["people"]["viewer"])
    bad = _html(client.post(url, {"as_at": "date", "as_at-day": "31", "as_at-month": "2", "as_at-year": "2021",
                                  "format": "pdf"}))
    assert "Enter the date as a day, month and year, for example 31 3 2026" in bad
