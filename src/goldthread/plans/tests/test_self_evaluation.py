"""The council's self-evaluation, kept with its improvement plan: written and changed by plan editors only, every
version kept, read as it stood at any moment, shown on the plan's front page; a second editor saving over a newer
version is told and keeps their text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from goldthread.conftest import NORTHBY
from goldthread.plans import actions as do
from goldthread.plans.demo import dated
from goldthread.plans.models import Revision
from goldthread.plans.queries import end_of
from goldthread.plans.selfevaluation import self_evaluation, versions

pytestmark = pytest.mark.django_db

D = dt.date


def _at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def plan(councils, people):
    with dated(_at(2021, 4, 12, 10, 0)):
        return do.create_plan(councils.get(ons_code=NORTHBY), title="Northby improvement plan",
                              vision="Children are seen.", user=people["manager"])


def test_every_version_is_kept_and_read_as_it_stood(plan, people):
    manager, admin = people["manager"], people["council_admin"]
    with dated(_at(2021, 4, 20, 9, 0)):
        assert do.edit_self_evaluation(plan, text="  First draft.  ", user=manager) is True
    with dated(_at(2021, 5, 3, 9, 0)):
        do.edit_self_evaluation(plan, text="Second version.\r\n\r\nWith a second paragraph.", user=admin)
    with dated(_at(2021, 5, 20, 9, 0)):  # changing the plan's wording keeps the self-evaluation as it was
        do.edit_plan(plan, title="Northby's plan", vision="Every child is seen.", user=manager)
    with dated(_at(2021, 6, 1, 9, 0)):
        do.edit_self_evaluation(plan, text="Third version.", user=manager)

    second = "Second version.\n\nWith a second paragraph."
    for day, text, by in ((D(2021, 4, 11), "", None), (D(2021, 4, 15), "", None),
                          (D(2021, 4, 20), "First draft.", manager), (D(2021, 5, 10), second, admin),
                          (D(2021, 5, 25), second, admin), (D(2021, 6, 1), "Third version.", manager)):
        stood = self_evaluation(plan, known_at=end_of(day))
        assert (stood.text, stood.written_by, stood.written) == (text, by, bool(text)), day
    now = self_evaluation(plan)
    assert (now.text, now.written_by) == ("Third version.", manager) and now.written_at == plan.self_evaluation_at
    assert self_evaluation(plan, known_at=end_of(D(2021, 6, 1))).written_at == plan.self_evaluation_at
    assert [(v.text, v.written_by) for v in versions(plan)] == [
        ("Third version.", manager), (second, admin), ("First draft.", manager)]
    notes = list(Revision.objects.filter(plan=plan, kind="plan").values_list("note", flat=True))
    assert notes == ["Plan created", "Self-evaluation written", "Self-evaluation changed", "Plan changed",
                     "Self-evaluation changed"]

    # The same text again changes nothing and adds no version.
    assert do.edit_self_evaluation(plan, text="Third version.\r\n", user=admin) is False
    assert Revision.objects.filter(plan=plan).count() == 5
    plan.refresh_from_db()
    assert (plan.self_evaluation, plan.self_evaluation_by) == ("Third version.", manager)


@pytest.mark.parametrize("role", ["viewer", "practitioner", "analyst", "auditor", "other_council"])
def test_only_plan_editors_write_it(plan, people, client, role):
    with pytest.raises(PermissionDenied):
        do.edit_self_evaluation(plan, text="Not mine to write.", user=people[role])
    client.force_login(people[role])
    url = reverse("plans:self_evaluation", args=[NORTHBY])
    assert client.get(url).status_code == 403
    assert client.post(url, {"self_evaluation": "Not mine to write.", "based_on": ""}).status_code == 403
    plan.refresh_from_db()
    assert plan.self_evaluation == "" and not versions(plan)


def test_it_is_on_the_plans_front_page_with_a_link_for_editors(plan, people, client):
    home = reverse("plans:home", args=[NORTHBY])
    client.force_login(people["manager"])
    page = client.get(home).content.decode()
    assert "Northby has not written its self-evaluation for Ofsted yet." in page
    assert "Write the self-evaluation" in page

    response = client.post(reverse("plans:self_evaluation", args=[NORTHBY]),
                           {"self_evaluation": "Practice is improving.\r\nVisits are on time.", "based_on": ""})
    assert response.status_code == 302 and response["Location"] == home
    page = client.get(home).content.decode()
    assert "Self-evaluation saved. Earlier versions are kept." in page
    assert "Practice is improving.<br>Visits are on time." in page and "Change the self-evaluation" in page

    client.force_login(people["viewer"])
    page = client.get(home).content.decode()
    assert "Practice is improving.<br>Visits are on time." in page
    assert "Change the self-evaluation" not in page and "Write the self-evaluation" not in page


def test_a_second_editor_saving_over_a_newer_version_is_told_and_keeps_their_text(plan, people, client):
    url = reverse("plans:self_evaluation", args=[NORTHBY])
    do.edit_self_evaluation(plan, text="The first version.", user=people["manager"])
    client.force_login(people["manager"])
    opened = client.get(url).content.decode()
    based_on = re.search(r'name="based_on" value="([^"]*)"', opened).group(1)
    assert based_on  # the version the editor started from

    do.edit_self_evaluation(plan, text="The admin's version.", user=people["council_admin"])  # meanwhile
    response = client.post(url, {"self_evaluation": "The manager's version.", "based_on": based_on})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert re.search(r'<a href="#self_evaluation">ada changed the self-evaluation at \d\d:\d\d on .* after you opened '
                     r"it, so nothing was saved\.", page)
    assert "The admin&#x27;s version." in page and ">The manager&#x27;s version.</textarea>" in page
    plan.refresh_from_db()
    assert plan.self_evaluation == "The admin's version."

    newer = re.search(r'name="based_on" value="([^"]*)"', page).group(1)
    assert newer != based_on  # saving again starts from the admin's version
    assert client.post(url, {"self_evaluation": "Both versions, merged.", "based_on": newer}).status_code == 302
    plan.refresh_from_db()
    assert plan.self_evaluation == "Both versions, merged."
    assert [v.text for v in versions(plan)] == ["Both versions, merged.", "The admin's version.",
                                                "The first version."]


def test_a_self_evaluation_too_long_is_a_form_error(plan, people, client):
    client.force_login(people["manager"])
    response = client.post(reverse("plans:self_evaluation", args=[NORTHBY]),
                           {"self_evaluation": "x" * (do.SELF_EVALUATION_MAX_CHARS + 1), "based_on": ""})
    assert response.status_code == 200
    assert "The self-evaluation must be 50,000 characters or fewer." in response.content.decode()
    plan.refresh_from_db()
    assert plan.self_evaluation == ""
