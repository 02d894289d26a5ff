"""The national pages: the rug, definitions, a council, early warning, journeys and the intervention register."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, reverse

from goldthread.conftest import NORTHBY, ROLE_USERS
from goldthread.national.actions import load_packaged
from goldthread.national.models import AggregateValue, IndicatorValue, Intervention, RiskBacktest, RiskScore

SHEFFIELD, DONCASTER = "E08000019", "E08000017"
YORKSHIRE = "E12000003"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_of(page: str, label: str) -> str:
    """The HTML of the first table row whose header contains ``label``."""
    match = re.search(r"<tr class=\"govuk-table__row\">(?:(?!</tr>).)*?" + re.escape(label) + r".*?</tr>", page, re.S)
    assert match, f"no row for {label!r}"
    return match.group(0)


def cells(row: str) -> list[str]:
    """The text of each cell in a row, tags removed."""
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]


def test_the_national_pages_show_the_published_figures(client, people):
    report = load_packaged()
    assert report.risk is not None and RiskScore.objects.count() == 153 and RiskBacktest.objects.count() == 1
    Intervention.objects.create(council_id=IndicatorValue.objects.filter(council__ons_code=DONCASTER)
                                .values_list("council_id", flat=True).first(),
                                kind="commissioner", start_date="2015-10-01", end_date="2017-03-31")
    client.force_login(people["national"])

    # The rug: every current council, each figure with its quartile printed as well as coloured.
    rug = text(client.get(reverse("national:rug")))
    assert "153 councils: figure and quartile (Q1 best)" in rug
    sheffield = cells(row_of(rug, f'href="{reverse("national:council", args=[SHEFFIELD])}"'))
    assert sheffield[0] == "Sheffield Yorkshire and the Humber"
    assert "54.0" in sheffield  # children in care per 10,000 (no better direction, so no quartile)
    assert re.search(r'class="[^"]*gt-q[1-4][^"]*">[^<]*<br><span class="govuk-!-font-size-14">Q[1-4]</span>', rug)
    for quartile in (1, 2, 3, 4):
        assert f"gt-q{quartile}" in rug and f">Q{quartile}<" in rug
    assert f'href="{reverse("national:indicators")}#cla_rate"' in rug  # every column traceable to its definition
    assert "cla_number_and_rate_per_10k_children.csv" in rug
    assert "year to March 2025" in rug
    # One region, quartiles still against England; sorted by an indicator, best first.
    region = text(client.get(reverse("national:rug"), {"region": YORKSHIRE, "sort": "cla_3plus_placements"}))
    assert "15 councils in Yorkshire and the Humber" in region and ">Camden<" not in region
    sorted_values = [float(v) for v in re.findall(
        r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\".*?</th>\s*(?:<td.*?</td>\s*){5}<td[^>]*>([\d.]+)%", region,
        re.S)]
    assert sorted_values and sorted_values == sorted(sorted_values)  # lower is better: lowest first
    assert 'aria-sort="ascending"' in region

    definitions = text(client.get(reverse("national:indicators")))
    assert 'id="cla_rate"' in definitions and "Children in care per 10,000 children" in definitions
    assert "cla_number_and_rate_per_10k_children.csv" in definitions
    assert "The year ending 31 March (2025 = April 2024 to March 2025" in definitions

    # One council: Sheffield's published CLA rate, 54 per 10,000 in 2025, beside England's 67.
    assert IndicatorValue.objects.get(indicator_id="cla_rate", council__ons_code=SHEFFIELD, year=2025).value == 54
    assert AggregateValue.objects.get(indicator_id="cla_rate", geography="England", year=2025).value == 67
    page = text(client.get(reverse("national:council", args=[SHEFFIELD]), {"indicator": "cla_rate"}))
    cla = cells(row_of(page, "Children in care per 10,000 children</a>"))
    assert cla[0] == "Children in care per 10,000 children year to March 2025"
    assert cla[1:3] == ["54.0", "67.0"]  # the indicator's title gives the unit
    assert "Rank" in page and re.search(r">\d+ of 15\d<", page)
    trend = cells(row_of(page, "Year to March 2025</th>"))
    assert trend[:3] == ["Year to March 2025", "54.0", "67.0"]  # the column headers give the unit
    assert "<svg" in page and "Children in care per 10,000 children, Sheffield:" in page  # the chart and its caption
    # Its inspection journey: ILACS good in 2019 (up from requires improvement), for 1,529 days.
    assert cells(row_of(page, "27 Aug 2019</th>")) == [
        "27 Aug 2019", "ILACS standard", "Good (better than the previous judgement)", "1,529 days (4.2 years)"]
    assert "Probability the next inspection judges it inadequate" in page
    score = RiskScore.objects.get(council__ons_code=SHEFFIELD)
    assert f"{100 * score.p_inadequate:.0f}%" in page
    assert "not a forecast" in page

    doncaster = text(client.get(reverse("national:council", args=[DONCASTER])))
    assert "SIF" in doncaster and "Inadequate" in doncaster
    assert "DfE-appointed children&#x27;s services commissioner" in doncaster  # in the register, not in force

    northby = text(client.get(reverse("national:council", args=[NORTHBY])))
    assert "is a demonstration council, not a real one, so it has no published national data" in northby
    assert client.get(reverse("national:council", args=["E99999999"])).status_code == 404

    # Early warning: the tested accuracy beside the scores, and what it cannot do.
    risk = text(client.get(reverse("national:risk")))
    backtest = RiskBacktest.objects.get().summary["targets"]
    for target in ("inadequate", "below_good"):
        auc = backtest[target]["models"]["logistic"]["auc"]
        assert f"{auc['estimate']:.2f}" in risk and f"{auc['lower']:.2f} to {auc['upper']:.2f}" in risk
    assert "0.57" in risk and "0.49 to 0.65" in risk  # the README's figures
    assert "It cannot reliably pick out the councils that will be judged inadequate" in risk
    assert "not as a forecast of its next judgement or a league table" in risk
    assert "153 councils: probability of each judgement" in risk
    assert risk.index("What this can and cannot do") < risk.index("153 councils: probability")
    ordered = text(client.get(reverse("national:risk"), {"order": "inadequate"}))
    first_row = cells(row_of(ordered, "#early-warning"))
    highest = RiskScore.objects.order_by("-p_inadequate").first()
    assert first_row[:2] == [highest.council.name, f"{100 * highest.p_inadequate:.0f}%"]

    # Journeys: 75 inadequate judgements of 64 councils (the core's count), and by intervention model.
    journeys = text(client.get(reverse("national:journeys")))
    inadequate = cells(row_of(journeys, '<th scope="row" class="govuk-table__header">Inadequate</th>'))
    assert inadequate[1:3] == ["75", "64"]
    assert "Ofsted: the next graded inspection after an overall judgement of inadequate, by intervention model" \
        in journeys
    assert "commissioner / trust (statutory direction)".capitalize() in journeys

    # The early-warning scores can be recomputed on their own.
    call_command("national", "risk-refresh", "--as-of", "2025-03-31", "--resamples", "20")
    assert RiskScore.objects.count() == 153
    assert str(RiskScore.objects.first().as_of) == "2025-03-31" and RiskBacktest.objects.get().n_boot == 20


NATIONAL_URLS = [("national:rug", []), ("national:indicators", []), ("national:council", [SHEFFIELD]),
                 ("national:risk", []), ("national:journeys", []), ("national:interventions", []),
                 ("national:intervention_new", []), ("national:intervention_import", []),
                 ("national:intervention_template", [])]


def test_signed_out_people_are_sent_to_sign_in_and_pages_work_before_any_load(client, people):
    for name, args in NATIONAL_URLS:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), name
    client.force_login(people["national"])
    assert "No published national data is loaded yet" in text(client.get(reverse("national:rug")))
    assert "No early-warning scores have been computed yet" in text(client.get(reverse("national:risk")))
    assert "No Ofsted inspections are loaded yet" in text(client.get(reverse("national:journeys")))
    assert "No published national data is loaded yet" in text(client.get(reverse("national:council",
                                                                                  args=[SHEFFIELD])))


def national_patterns() -> list:
    resolver = next(r for r in get_resolver().url_patterns if isinstance(r, URLResolver) and r.namespace == "national")
    return [(f"national:{p.name}", p) for p in resolver.url_patterns]


def test_who_may_open_each_national_page(client, people, councils):
    """Every national page as every person: published data for everyone signed in; the register's forms for
    managers and council admins in any council (the "intervention editor" rule)."""
    entry = Intervention.objects.create(council=councils.get(ons_code=SHEFFIELD), kind="trust", start_date="2020-01-01")
    values = {"la": SHEFFIELD, "intervention_id": entry.pk}
    editors = {"manager", "council_admin"}
    checked = 0
    for name, pattern in national_patterns():
        rule = pattern.callback.access_rule
        assert rule in ("signed in", "intervention editor"), name
        url = reverse(name, kwargs={k: values[k] for k in pattern.pattern.converters})
        client.logout()
        assert client.get(url)["Location"].startswith(reverse("accounts:login")), name
        for person in [*ROLE_USERS, "other_council", "national"]:
            client.force_login(people[person])
            expected = 200 if rule == "signed in" or person in editors else 403
            assert client.get(url).status_code == expected, (name, person)
            checked += 1
    assert checked == 10 * 8


def form(**changes) -> dict:
    data = {"council": "", "kind": "improvement_notice", "start_date_day": "1", "start_date_month": "6",
            "start_date_year": "2015", "end_date_day": "", "end_date_month": "", "end_date_year": "",
            "notes": "Notice after the 2015 inadequate judgement", "source": "https://www.gov.uk/example"}
    data.update(changes)
    return data


def test_managers_keep_the_register_and_others_cannot(client, people, councils):
    sheffield = councils.get(ons_code=SHEFFIELD)
    new_url = reverse("national:intervention_new")
    for person in ("viewer", "national", "other_council", "analyst"):
        client.force_login(people[person])
        assert client.get(new_url).status_code == 403
        assert client.post(new_url, form(council=sheffield.pk)).status_code == 403
        listing = text(client.get(reverse("national:interventions")))
        assert "Add an intervention" not in listing
    assert not Intervention.objects.exists()

    client.force_login(people["manager"])
    page = text(client.get(new_url))
    assert '<h1 class="govuk-heading-xl">Add an intervention</h1>' in page
    response = client.post(new_url, form(council=sheffield.pk))
    assert response.status_code == 302
    saved = Intervention.objects.get()
    assert (saved.council, saved.kind, str(saved.start_date), saved.end_date) == (sheffield, "improvement_notice",
                                                                                  "2015-06-01", None)
    assert saved.created_by == people["manager"] == saved.updated_by
    listing = text(client.get(response["Location"]))
    assert "DfE improvement notice (non-statutory) for Sheffield added to the register" in listing
    assert "No end date" in listing and "by max" in listing

    edit_url = reverse("national:intervention_edit", args=[saved.pk])
    page = text(client.get(edit_url))
    assert 'name="start_date_year" type="text" inputmode="numeric" value="2015"' in page
    assert client.post(edit_url, form(council=sheffield.pk, end_date_day="31", end_date_month="3",
                                      end_date_year="2018")).status_code == 302
    saved.refresh_from_db()
    assert str(saved.end_date) == "2018-03-31" and Intervention.objects.count() == 1
    client.force_login(people["council_admin"])
    assert client.get(edit_url).status_code == 200
    client.force_login(people["viewer"])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, form(council=sheffield.pk, notes="changed")).status_code == 403
    saved.refresh_from_db()
    assert saved.notes == "Notice after the 2015 inadequate judgement"

    # A bad form: GOV.UK error summary and messages, and nothing saved.
    client.force_login(people["manager"])
    bad = text(client.post(new_url, form(kind="", start_date_day="", start_date_month="", start_date_year="")))
    assert "<title>Error: Add an intervention" in bad
    assert 'class="govuk-error-summary"' in bad and "There is a problem" in bad
    for anchor, message in (("id_council", "Select the council"), ("kind", "Select the kind of intervention"),
                            ("id_start_date_day", "Enter the start date")):
        assert f'<li><a href="#{anchor}">{message}</a></li>' in bad
        assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in bad
    backwards = text(client.post(new_url, form(council=sheffield.pk, start_date_year="2016", end_date_day="1",
                                               end_date_month="1", end_date_year="2016")))
    assert "The end date must be the same as or after the start date" in backwards
    impossible = text(client.post(new_url, form(council=sheffield.pk, start_date_day="31", start_date_month="2")))
    assert "The start date must be a real date" in impossible
    partial = text(client.post(new_url, form(council=sheffield.pk, start_date_month="")))
    assert "The start date must include a month" in partial
    again = text(client.post(new_url, form(council=sheffield.pk)))  # same council, kind and start date
    assert ("The register already has &#x27;DfE improvement notice (non-statutory)&#x27; for Sheffield starting on "
            "1 June 2015: change that entry instead") in again
    assert Intervention.objects.count() == 1


GOOD_CSV = ("la_code,kind,start_date,end_date,notes,source\n"
            "371,improvement_notice,01/06/2015,,notice after inadequate,\n"
            "E08000017,commissioner,2015-10-01,2017-03-31,,\n")
BAD_CSV = ("la_code,kind,start_date,end_date,notes\n"
           "Sheffield,dfe_adviser,01/01/2024,,\n"
           "Nowhere Borough,trust,01/01/2024,,\n")


def upload(name: str, content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def test_importing_a_register_file_is_all_or_nothing(client, people, councils):
    url = reverse("national:intervention_import")
    client.force_login(people["viewer"])  # anyone signed in may download the template
    template = client.get(reverse("national:intervention_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    assert template.content.decode().startswith("la_code,kind,start_date,end_date,notes,source")

    for person in ("viewer", "national"):
        client.force_login(people[person])
        assert client.post(url, {"file": upload("good.csv", GOOD_CSV)}).status_code == 403
    assert not Intervention.objects.exists()

    client.force_login(people["manager"])
    refused = text(client.post(url, {"file": upload("bad.csv", BAD_CSV)}))
    assert "The file was not imported" in refused and "nothing was imported" in refused
    problem = cells(row_of(refused, '<th scope="row" class="govuk-table__header">3</th>'))
    assert problem[:2] == ["3", "la_code"] and problem[2].startswith("'Nowhere Borough' is not a council")
    assert not Intervention.objects.exists()  # Sheffield's valid row was not imported either

    template_file = text(client.post(url, {"file": upload("template.csv", template.content.decode())}))
    assert "marks this as an example row from the template" in template_file
    assert not Intervention.objects.exists()

    empty = text(client.post(url, {}))
    assert '<li><a href="#id_file">Select a CSV file of interventions</a></li>' in empty
    wrong = text(client.post(url, {"file": upload("register.xlsx", "x")}))
    assert "The selected file must be a CSV file" in wrong

    done = text(client.post(url, {"file": upload("good.csv", GOOD_CSV)}))
    assert "File imported" in done and "2 interventions added to the register or updated" in done
    assert Intervention.objects.count() == 2
    assert set(Intervention.objects.values_list("created_by__username", flat=True)) == {"max"}
    listing = text(client.get(reverse("national:interventions"), {"council": DONCASTER}))
    assert "2 interventions in Doncaster" in listing and "Change<span" in listing
