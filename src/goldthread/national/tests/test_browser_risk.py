"""The early-warning pages in a real browser, with axe-core checking each against WCAG 2.2 AA: the list of
every council, the slipping-from-good watchlist and a council's questions to ask, each with the accuracy beside
it, reached by keyboard and links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldthread.conftest import PASSWORD
from goldthread.national.actions import load_packaged
from goldthread.national.models import SlippingScore
from goldthread.testing.browser import assert_accessible, assert_keyboard_reachable, visible_text

from .risk_setup import store_packaged_risk

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.slow
def test_an_adviser_reads_the_early_warning_lists_and_a_councils_questions(page, log_in, browser_log, people,
                                                                           live_server):
    load_packaged(with_risk=False)
    store_packaged_risk()
    log_in(people["national"].username, PASSWORD)

    page.goto(live_server.url + reverse("national:risk"))
    assert visible_text(page, "h1") == "Early warning"
    main = visible_text(page, "main")
    assert "What this can and cannot do" in main and "Tested accuracy" in main and "Held back: 2024 to 2025" in main
    assert_accessible(page)
    assert_keyboard_reachable(page, "#region")
    page.get_by_label("Next inspection due, soonest first").check()
    page.get_by_role("button", name="Show councils").click()
    assert "order=due" in page.url
    assert_accessible(page)

    page.get_by_role("navigation", name="National picture").get_by_role("link", name="Slipping from good").click()
    assert visible_text(page, "h1") == "Slipping from good"
    count = SlippingScore.objects.count()
    assert f"{count} councils judged good or outstanding" in visible_text(page, "caption")
    assert "How the watchlist was tested" in visible_text(page, "main")
    assert_accessible(page)
    first = SlippingScore.objects.select_related("council").order_by("-p_below_good").first()
    page.get_by_role("link", name=first.council.name, exact=True).first.click()
    assert visible_text(page, "h1") == first.council.name
    score = first.council.risk_score
    main = visible_text(page, "main")
    assert "Questions to ask" in main and "Next full inspection" in main
    for question in score.questions:
        assert question[:1].upper() + question[1:] in main
    assert visible_text(page, "#slipping") == "Slipping from good"
    assert_accessible(page)
    browser_log.assert_no_console_errors()
    browser_log.assert_only_loopback()
