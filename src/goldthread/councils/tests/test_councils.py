"""The register of councils and their child populations."""

from __future__ import annotations

import datetime as dt

from goldthread.core.measures import REGISTRY
from goldthread.councils.actions import load_councils
from goldthread.councils.models import ChildPopulation, CouncilSettings, LocalAuthority


def test_register_has_every_english_council_and_keeps_abolished_ones(councils):
    assert councils.filter(fictional=False, active=True).count() == 153
    sheffield = councils.get(ons_code="E08000019")
    assert (sheffield.old_code, sheffield.name, sheffield.region_name, sheffield.la_type) == (
        "373", "Sheffield", "Yorkshire and the Humber", "Metropolitan District")
    # Merged or split councils stay, inactive, so their inspection history can attach to them.
    abolished = set(councils.filter(active=False).values_list("name", "ons_code"))
    assert abolished == {("Cumbria", "E10000006"), ("Northamptonshire", "E10000021"), ("Poole", "E06000029"),
                         ("Bournemouth", "E06000028"), ("Dorset", "E10000009")}
    assert councils.get(ons_code="E06000063").name == "Cumberland"
    assert councils.filter(fictional=True).count() == 2


def test_loading_again_changes_nothing(councils):
    before = (LocalAuthority.objects.count(), ChildPopulation.objects.count(), CouncilSettings.objects.count())
    load_councils()
    assert (LocalAuthority.objects.count(), ChildPopulation.objects.count(),
            CouncilSettings.objects.count()) == before


def test_child_population_is_the_latest_ons_year_up_to_the_date(councils):
    sheffield = councils.get(ons_code="E08000019")
    # From the DfE republication of the ONS mid-year estimates, children aged 0 to 17.
    assert sheffield.child_population(dt.date(2024, 12, 31)) == 116_279
    assert sheffield.child_population(dt.date(2023, 6, 30)) == 115_395
    assert sheffield.child_population(dt.date(2030, 1, 1)) == 116_279  # latest available
    assert sheffield.child_population(dt.date(2005, 1, 1)) is None  # nothing that early
    sheffield.settings.child_population = 120_000
    sheffield.settings.save()
    assert sheffield.child_population(dt.date(2024, 12, 31)) == 120_000


def test_fictional_councils_have_settings_and_a_population(councils):
    northby = councils.get(ons_code="E06999901")
    assert northby.settings.cp_visit_working_days == 10
    assert northby.settings.cin_visit_working_days == 20
    assert northby.settings.caseload_threshold == 20
    assert northby.child_population(dt.date(2025, 1, 1)) == 48_000


def test_measures_page_lists_every_measure_with_its_definition(client, people):
    assert client.get("/measures/").status_code == 302  # signed out: to the sign-in page
    client.force_login(people["viewer"])
    response = client.get("/measures/")
    assert response.status_code == 200
    html = response.content.decode()
    for m in REGISTRY.values():
        assert m.title.replace("'", "&#x27;") in html
    assert "Child protection" in html
    assert REGISTRY["icpc_within_15wd"].definition.split(",")[0] in html


def test_compiled_govuk_frontend_is_served(client):
    # The demo and tests serve static files through WhiteNoise's finders, with no collectstatic step.
    response = client.get("/static/govuk/goldthread.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    css = b"".join(response.streaming_content)
    assert b"arial" in css.lower() and b"GDS Transport" not in css
