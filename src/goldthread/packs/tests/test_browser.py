"""Packs in a real browser (Debian's chromium, driven by Playwright): a council admin chooses what the board pack
holds and uploads a logo, then makes each pack kind from the portal (the worker makes it while the page follows
its progress) and downloads it; a viewer makes the adviser's pack. axe-core checks every new page against WCAG 2.2
AA on the way (the forms with and without errors)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from goldthread.conftest import PASSWORD, ROLE_USERS
from goldthread.testing.walk import Findings, banner, error_summary, follow, heading, main_text

from .conftest import make_board, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN, VIEWER = ROLE_USERS["council_admin"], ROLE_USERS["viewer"]
KINDS = (("Improvement board pack", "May improvement board, 10 May 2021", "PDF", b"%PDF"),
         ("DfE review pack", "Today", "Word", b"PK"),
         ("Ofsted monitoring visit pack", "Today", "PDF", b"%PDF"),
         ("Members' report", "Today", "Excel", b"PK"))


def _download(page, found: Findings, kind: str, tmp_path: Path) -> bytes:
    """On a pack's page: wait for the worker to make it (the page follows its progress), then download it."""
    link = page.get_by_role("link", name=re.compile("^Download the " + re.escape(kind) + " ", re.IGNORECASE))
    link.wait_for(timeout=90_000)
    found.review(kind)
    with page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


@pytest.mark.slow
def test_making_and_downloading_every_pack_kind(page, log_in, browser_log, northby_extract, people, job_worker,
                                                tmp_path):
    make_board(northby_extract, people)
    found = Findings(page, "the pack pages")
    log_in(ADMIN, PASSWORD)
    follow(page, page.get_by_role("link", name="Northby"))
    follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name="Packs"))
    found.review("Packs")

    # The admin's choices for the board pack: a title too long first, then the children section and a logo.
    follow(page, page.get_by_role("link", name="choose what it holds (improvement board pack)"))
    found.review("Improvement board pack")
    page.get_by_label("Title").fill("x" * 201)
    follow(page, page.get_by_role("button", name="Save"))
    assert error_summary(page) == ["The title must be 200 characters or fewer"]
    found.review("Improvement board pack")
    page.get_by_label("Title").fill("Northby improvement board papers")
    page.get_by_label(re.compile(r"^Children behind the measures off track")).check()
    logo = tmp_path / "crest.png"
    Image.new("RGB", (80, 40), (29, 112, 184)).save(logo)
    page.get_by_label("Logo").set_input_files(str(logo))
    follow(page, page.get_by_role("button", name="Save"))
    assert "The improvement board pack settings are saved." in banner(page)

    # Each kind from the portal, downloaded.
    bodies = {}
    for kind, as_at, fmt, starts in KINDS:
        follow(page, page.get_by_role("navigation", name="Northby").get_by_role("link", name="Packs"))
        follow(page, page.get_by_role("link", name="Make a pack"))
        found.review("Make a pack")
        if kind == KINDS[0][0]:  # nothing chosen: the form says what to choose
            follow(page, page.get_by_role("button", name="Make the pack"))
            assert error_summary(page)[0] == "Choose which pack to make"
            found.review("Make a pack")
        page.get_by_label(kind, exact=True).check()
        page.get_by_label(as_at, exact=True).check()
        page.get_by_label(fmt, exact=True).check()
        follow(page, page.get_by_role("button", name="Make the pack"))
        bodies[kind] = _download(page, found, kind, tmp_path)
        assert bodies[kind].startswith(starts), kind
        if kind == KINDS[2][0]:  # the Ofsted pack offers Annex A in Ofsted's template beside it
            assert "Download the extract of 31 March 2021 in Ofsted's template" in main_text(page)
    board = " ".join(pdf_text(bodies[KINDS[0][0]]))
    assert "Northby improvement board papers" in board and "For the improvement board meeting of 10 May 2021" in board
    assert "Children behind the measures off track" in board  # the admin may see children: the section is in

    # The adviser's pack, as a viewer.
    page.context.clear_cookies()
    log_in(VIEWER, PASSWORD)
    page.goto("/packs/adviser/")
    found.review("Adviser's pack")
    page.get_by_label("Another date").check()
    follow(page, page.get_by_role("button", name="Make the pack"))
    assert error_summary(page) == ["Enter the date as a day, month and year, for example 31 3 2026"]
    found.review("Adviser's pack")
    page.get_by_label("Today").check()
    page.get_by_label("PDF", exact=True).check()
    follow(page, page.get_by_role("button", name="Make the pack"))
    assert _download(page, found, "Adviser's pack", tmp_path).startswith(b"%PDF")
    assert heading(page) == "Adviser's pack"
    found.assert_none()
    assert not browser_log.page_errors
