"""The council's child population by group: given by its admins on one form (all or nothing), then read by the
disproportionality page, which adds each group's share of the population and its rate ratio.

Worked by hand from the LIIA sample (as at 31/03/2021, see test_breakdowns): in care, three girls and a boy; on
plans, a girl and a boy. With 1,000 girls and 1,000 boys: all children's in-care rate is 4 / 2,000 x 10,000 =
20 per 10,000; girls' 3 / 1,000 x 10,000 = 30 (ratio 1.50), boys' 10 (ratio 0.50); plans 1 and 1 (ratio 1.00)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from goldthread.accounts.access import access_for
from goldthread.conftest import NORTHBY
from goldthread.core.measures.disproportionality import POPULATION_GROUPS
from goldthread.councils.actions import PopulationError, set_group_populations
from goldthread.councils.models import GroupPopulation
from goldthread.portal.tests.test_breakdowns import row, words

pytestmark = pytest.mark.django_db

FORM = "portal:population_by_group"


def held(dimension: str) -> dict[str, int]:
    return dict(GroupPopulation.objects.filter(dimension=dimension).values_list("group", "population"))


def test_the_groups_that_take_a_population_are_the_real_ones():
    assert POPULATION_GROUPS["gender"] == ("Male", "Female")
    assert POPULATION_GROUPS["age_band"] == ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17")
    assert "Refused or information not yet obtained" not in POPULATION_GROUPS["ethnicity"]
    assert len(POPULATION_GROUPS["ethnicity"]) == 5 and POPULATION_GROUPS["disability"] == ("Disabled",
                                                                                           "Not disabled")


def test_only_the_councils_admins_give_it_and_bad_figures_change_nothing(people, councils):
    northby = councils.get(ons_code=NORTHBY)
    admin = access_for(people["council_admin"], northby)
    set_group_populations(admin, "gender", {"Male": 900, "Female": 850}, source="ONS mid-2024")
    assert held("gender") == {"Male": 900, "Female": 850}

    with pytest.raises(PermissionDenied):
        set_group_populations(access_for(people["analyst"], northby), "gender", {"Male": 1}, source="x")
    for populations, source, field in (({"Male": 0}, "ONS", "Male"), ({"Shoe": 5}, "ONS", "Shoe"),
                                       ({"Male": 10}, "  ", "source"), ({"Male": 2.5}, "ONS", "Male")):
        with pytest.raises(PopulationError) as raised:
            set_group_populations(admin, "gender", populations, source=source)
        assert field in raised.value.errors, populations
    with pytest.raises(PopulationError):
        set_group_populations(admin, "shoe_size", {"Male": 1}, source="ONS")
    assert held("gender") == {"Male": 900, "Female": 850}  # all or nothing: the earlier figures stand

    # Saving again replaces the dimension's figures; a blank group has none.
    set_group_populations(admin, "gender", {"Male": 1000, "Female": None}, source="ONS mid-2024")
    assert held("gender") == {"Male": 1000}


def test_the_form_saves_them_and_the_page_adds_shares_and_rate_ratios(client, people, northby_extract):
    url = reverse(FORM, args=[NORTHBY])
    client.force_login(people["analyst"])
    assert client.get(url, {"by": "gender"}).status_code == 403  # settings are the admins'
    client.force_login(people["council_admin"])
    page = words(client.get(url, {"by": "gender"}))
    assert "Population by gender" in page and "ONS mid-year estimates" in page

    # A figure that is not a whole number is refused, with the group named, and nothing is stored.
    refused = client.post(f"{url}?by=gender", {"group_0": "a thousand", "group_1": "1000", "source": "ONS"})
    assert "Enter the number of children in Male as a whole number" in words(refused)
    assert 'href="#id_group_0"' in refused.content.decode() and not held("gender")

    saved = client.post(f"{url}?by=gender", {"group_0": "1000", "group_1": "1000", "source": "ONS mid-2020"})
    assert saved.status_code == 302 and saved["Location"].endswith("/disproportionality/?by=gender")
    response = client.get(saved["Location"])
    page, text = response.content.decode(), words(response)
    assert "Rate ratio" in text and "Share of the population" in text
    female, male = row(page, "Female", "disproportionality"), row(page, "Male", "disproportionality")
    assert female[0] == male[0] == "50.0%"
    assert female[-6:] == ["1", "50.0%", "1.00", "3", "75.0%", "1.50"]  # on a plan, in care
    assert male[-6:] == ["1", "50.0%", "1.00", "1", "25.0%", "0.50"]
    # The form shows what was given, and by whom.
    again = words(client.get(url, {"by": "gender"}))
    assert "ONS mid-2020" in client.get(url, {"by": "gender"}).content.decode() and "Last given by" in again
