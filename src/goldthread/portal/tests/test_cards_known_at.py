"""The dashboard's cards as known at a past moment (``portal.data.cards(..., known_at=...)``), which packs, the front
sheet and the adviser's overview read: what is recorded later leaves them as they were, case-audit measures come
out as they would have been stored that day, and without ``known_at`` the cards are what they always were."""

from __future__ import annotations

import pytest
from django.utils import timezone

from goldthread.audits.actions import recompute_audit_measures
from goldthread.audits.models import Audit
from goldthread.core.measures import CASE_AUDITS
from goldthread.councils.actions import set_target
from goldthread.extracts.queries import live_extracts
from goldthread.packs.tests.conftest import MEETING, later_extract, make_board
from goldthread.plans.queries import end_of
from goldthread.portal import data
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(northby_extract, people):
    """Northby's plan as it stood at its improvement board of 10 May 2021 (goldthread.packs.tests.conftest)."""
    return make_board(northby_extract, people)


def _cards(council, moment=None) -> dict:
    found = data.cards(council, list(live_extracts(council, known_at=moment)), known_at=moment)
    return {c.measure.id: (c.value, c.previous, c.target, c.target_status, [tuple(p) for p in c.series])
            for group in found.values() for c in group}


def test_cards_known_at_a_past_moment_do_not_change_when_more_is_recorded(board, tmp_path):
    council = board["council"]
    moment = end_of(MEETING)
    before = _cards(council, moment)
    assert before["cpp_visits_in_timescale"][2] is not None  # the plan's target, set before the meeting
    later_extract(council, tmp_path)
    Audit.objects.filter(pk=board["audits"][0].pk).update(status=Audit.MODERATED, moderated_grade="inadequate",
                                                          moderated_at=timezone.now())
    set_target(council, "cpp_visits_in_timescale", 99.0, user=None)
    recompute_audit_measures(council)
    assert _cards(council, moment) == before
    now = _cards(council)
    assert now["cpp_visits_in_timescale"] != before["cpp_visits_in_timescale"]  # the later extract and target


def test_case_audit_cards_known_at_a_day_are_what_would_have_been_stored_that_day(board):
    council = board["council"]
    recompute_audit_measures(council, today=MEETING)  # as `goldthread audits refresh` would have on the day
    stored = {(v.measure_id, v.as_at): v.value for v in Figure.objects.filter(source=CASE_AUDITS, council=council)}
    assert stored
    known = data.cards(council, list(live_extracts(council, known_at=end_of(MEETING))), known_at=end_of(MEETING))
    audit_cards = [c for group in known.values() for c in group if c.measure.source != "Annex A"]
    assert audit_cards
    for card in audit_cards:
        assert card.series == [(day, stored[(card.measure.id, day)]) for day, _ in card.series], card.measure.id
        assert card.value == stored[(card.measure.id, MEETING)]


def test_without_known_at_the_cards_read_the_stored_values_as_before(board):
    council = board["council"]
    recompute_audit_measures(council, today=MEETING)
    cards = {c.measure.id: c for group in data.cards(council, list(live_extracts(council))).values() for c in group}
    stored = Figure.objects.get(source=CASE_AUDITS, council=council, measure_id="audits_good_or_better", as_at=MEETING)
    assert cards["audits_good_or_better"].value == stored.value
    assert cards["audits_good_or_better"].today == timezone.localdate()
