"""The national pages: the rug, definitions, a council, early warning, journeys and the intervention register."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, reverse

from goldthread.accounts.models import Membership, NationalRole
from goldthread.conftest import NORTHBY, PASSWORD
from goldthread.core.national.risk_report import accuracy_caveat, slipping_caveat
from goldthread.national.actions import load_packaged
from goldthread.national.models import (
    Intervention,
    InterventionProposal,
    RiskBacktest,
    RiskScore,
    SlippingScore,
)
from goldthread.national.pages import timing_of
from goldthread.store.models import NATIONAL, Figure

from .risk_setup import store_packaged_risk

SHEFFIELD, DONCASTER = "E08000019", "E08000017"
YORKSHIRE = "E12000003"


# What the README says of the early-warning model's development figures (Early warning: what the model can and
# cannot do): the page states the same.
README_FIGURES = "0.63 (95% interval 0.55 to 0.71)"


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


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


@pytest.mark.slow
def test_the_national_pages_show_the_published_figures(client, people):
    report = load_packaged(with_risk=False)
    assert report.risk is None and not RiskScore.objects.exists()
    store_packaged_risk()  # what load_packaged computes at its end, computed once for the test run (risk_setup)
    assert RiskScore.objects.count() == 153 and RiskBacktest.objects.count() == 1 and SlippingScore.objects.exists()
    Intervention.objects.create(council_id=Figure.objects.filter(council__ons_code=DONCASTER)
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
    assert Figure.objects.get(source=NATIONAL, measure_id="national:cla_rate", council__ons_code=SHEFFIELD, year=2025).value == 54
    assert Figure.objects.get(source=NATIONAL, measure_id="national:cla_rate", area="England", year=2025).value == 67
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
    # A prompt, not a forecast: its score, when its next inspection is due, and questions to ask, never a rank.
    section = words(page[page.index('id="early-warning"'):])
    assert "Questions to ask" in section and "Next full inspection" in section
    assert timing_of(score).words in section and "A visit since the last judgement" in section
    for question in score.questions:
        assert question[:1].upper() + question[1:] in section
    assert not re.search(r"\b\d+(st|nd|rd|th) (highest|of 15\d)|\brank", section, re.I)
    summary = RiskBacktest.objects.get().summary
    assert accuracy_caveat(summary)[0] in section
    good = SlippingScore.objects.select_related("council").order_by("-p_below_good").first()
    good_page = words(text(client.get(reverse("national:council", args=[good.council.ons_code]))))
    assert "Slipping from good" in good_page and f"was last judged {good.last_judgement}" in good_page
    assert slipping_caveat(summary)[0] in good_page

    doncaster = text(client.get(reverse("national:council", args=[DONCASTER])))
    assert "SIF" in doncaster and "Inadequate" in doncaster
    assert "DfE-appointed children&#x27;s services commissioner" in doncaster  # in the register, not in force

    northby = text(client.get(reverse("national:council", args=[NORTHBY])))
    assert "is a demonstration council, not a real one, so it has no published national data" in northby
    assert client.get(reverse("national:council", args=["E99999999"])).status_code == 404

    # Early warning: the tested accuracy beside the scores, and what it cannot do.
    risk = text(client.get(reverse("national:risk")))
    development = summary["development"]["targets"]
    primary = summary["primary"]["model"]
    for target in ("inadequate", "below_good"):
        auc = development[target]["models"][primary]["auc"]
        assert f"{auc['estimate']:.2f}" in risk and f"{auc['lower']:.2f} to {auc['upper']:.2f}" in risk
    assert README_FIGURES in words(risk)  # the README's figures
    assert "Compared on the same date, knowing only each council" in risk
    assert "not as a forecast of its next judgement or a league table" in risk
    assert "153 councils: probability of each judgement" in risk
    assert risk.index("What this can and cannot do") < risk.index("153 councils: probability")
    assert "Held back: 2024 to 2025" in risk and "scored once" in words(risk)
    for header in ("AUC pooled", "AUC same date", "PR-AUC", "Top fifth: precision", "Top fifth: lift",
                   "Top 10: precision", "Top 10: lift", "Brier", "Observed - predicted", "Slope"):
        assert f">{header}</th>" in risk, header
    assert "Which years each figure covers" in risk and "2024-25" in risk
    # Every council by name unless asked: the order is a choice, never a league table by default.
    names = [cells(row)[0] for row in re.findall(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\".*?</tr>",
                                                 risk.split("<caption")[1], re.S)]
    assert names == sorted(names) and len(names) == 153
    ordered = text(client.get(reverse("national:risk"), {"order": "inadequate"}))
    first_row = cells(row_of(ordered, "#early-warning"))
    highest = RiskScore.objects.order_by("-p_inadequate").first()
    assert first_row[:2] == [highest.council.name, f"{100 * highest.p_inadequate:.0f}%"]
    soonest = text(client.get(reverse("national:risk"), {"order": "due"}))
    due = RiskScore.objects.order_by("next_inspection_due", "council__name").first()
    assert cells(row_of(soonest, "#early-warning"))[0] == due.council.name

    # The slipping-from-good watchlist: ranked by its own model's risk, the timing beside it, its own accuracy.
    watch = text(client.get(reverse("national:watchlist")))
    listed = list(SlippingScore.objects.select_related("council").order_by("-p_below_good", "council__name"))
    assert f"{len(listed)} councils judged good or outstanding" in watch
    first = cells(row_of(watch, "#early-warning"))
    assert first[:2] == [listed[0].council.name, f"{100 * listed[0].p_below_good:.0f}%"]
    assert f"{listed[0].next_inspection_due:%b %Y}" in first[3]  # the next inspection beside the risk
    assert slipping_caveat(summary)[0] in words(watch) and "How the watchlist was tested" in watch
    yorkshire = text(client.get(reverse("national:watchlist"), {"region": YORKSHIRE, "order": "name"}))
    in_region = SlippingScore.objects.filter(council__region_code=YORKSHIRE).count()
    assert f"{in_region} council" in yorkshire and ">Camden<" not in yorkshire

    # Journeys: 75 inadequate judgements of 64 councils (the core's count), and by intervention model.
    journeys = text(client.get(reverse("national:journeys")))
    inadequate = cells(row_of(journeys, '<th scope="row" class="govuk-table__header">Inadequate</th>'))
    assert inadequate[1:3] == ["75", "64"]
    assert "Ofsted: the next graded inspection after an overall judgement of inadequate, by intervention model" \
        in journeys
    assert "commissioner / trust (statutory direction)".capitalize() in journeys

    # The early-warning scores can be recomputed on their own, from what was stored (the figures as loaded).
    call_command("national", "risk-refresh", "--as-of", "2025-03-31", "--resamples", "20")
    assert RiskScore.objects.count() == 153 and SlippingScore.objects.count() == len(listed)
    assert str(RiskScore.objects.first().as_of) == "2025-03-31" and RiskBacktest.objects.get().n_boot == 20
    refreshed = RiskBacktest.objects.get().summary
    assert refreshed["development"]["targets"]["inadequate"]["models"][primary]["auc"]["estimate"] == \
        summary["development"]["targets"]["inadequate"]["models"][primary]["auc"]["estimate"]


NATIONAL_URLS = [("national:rug", []), ("national:indicators", []), ("national:council", [SHEFFIELD]),
                 ("national:risk", []), ("national:watchlist", []), ("national:journeys", []), ("national:interventions", []),
                 ("national:intervention_new", []), ("national:intervention_import", []),
                 ("national:intervention_template", [])]


def test_signed_out_people_are_sent_to_sign_in_and_pages_work_before_any_load(client, people):
    for name, args in NATIONAL_URLS:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), name
    client.force_login(people["national"])
    assert "No published national data is loaded yet" in text(client.get(reverse("national:rug")))
    assert "No early-warning scores have been computed yet" in text(client.get(reverse("national:risk")))
    assert "No watchlist has been computed yet" in text(client.get(reverse("national:watchlist")))
    assert "No Ofsted inspections are loaded yet" in text(client.get(reverse("national:journeys")))
    assert "No published national data is loaded yet" in text(client.get(reverse("national:council",
                                                                                  args=[SHEFFIELD])))


def national_patterns() -> list:
    resolver = next(r for r in get_resolver().url_patterns if isinstance(r, URLResolver) and r.namespace == "national")
    return [(f"national:{p.name}", p) for p in resolver.url_patterns]


@pytest.fixture
def national_people(people, councils):
    """The named users, a national editor (Ned, DfE), a national reader (Rita, a regional improvement alliance)
    and Shona, a manager in Sheffield."""
    users = get_user_model()
    found = dict(people)
    for key, username, role in (("national_editor", "ned", NationalRole.EDITOR),
                                ("national_reader", "rita", NationalRole.READER)):
        found[key] = users.objects.create_user(username, password=PASSWORD)
        NationalRole.objects.create(user=found[key], role=role, organisation="DfE")
    found["sheffield_manager"] = users.objects.create_user("shona", password=PASSWORD)
    Membership.objects.create(user=found["sheffield_manager"], council=councils.get(ons_code=SHEFFIELD), role="manager")
    return found


def test_who_may_open_each_national_page(client, national_people, councils):
    """Every national page as every person, read and posted: published data for everyone signed in; the
    register's forms for national editors only; proposing a correction to an entry for the managers and council
    admins of its own council (not Northby's, for a Sheffield entry); deciding one for national editors."""
    entry = Intervention.objects.create(council=councils.get(ons_code=SHEFFIELD), kind="trust", start_date="2020-01-01")
    proposal = InterventionProposal.objects.create(
        intervention=entry, council=entry.council, kind="trust", start_date=entry.start_date, reason="Ended in 2024",
        end_date="2024-03-31", proposed_by=national_people["sheffield_manager"], proposed_by_name="shona")
    values = {"la": SHEFFIELD, "intervention_id": entry.pk, "proposal_id": proposal.pk}
    allowed = {"signed in": set(national_people), "national editor": {"national_editor"},
               "correction proposer": {"sheffield_manager"}}
    checked = 0
    for name, pattern in national_patterns():
        rule, post_rule = pattern.callback.access_rule, pattern.callback.post_rule
        assert rule in allowed and post_rule in (None, rule), name
        url = reverse(name, kwargs={k: values[k] for k in pattern.pattern.converters})
        client.logout()
        assert client.get(url)["Location"].startswith(reverse("accounts:login")), name
        for person, user in national_people.items():
            client.force_login(user)
            expected = 200 if person in allowed[rule] else 403
            assert client.get(url).status_code == expected, (name, person)
            posted = client.post(url, {}).status_code
            if expected == 403:
                assert posted == 403, (name, person)
            else:
                assert posted == (405 if post_rule is None else 200), (name, person, posted)
            checked += 1
    assert checked == 14 * len(national_people)  # 14 national URLs, the watchlist included
    assert InterventionProposal.objects.count() == 1 and Intervention.objects.get().end_date is None


def form(**changes) -> dict:
    data = {"council": "", "kind": "improvement_notice", "start_date_day": "1", "start_date_month": "6",
            "start_date_year": "2015", "end_date_day": "", "end_date_month": "", "end_date_year": "",
            "notes": "Notice after the 2015 inadequate judgement", "source": "https://www.gov.uk/example"}
    data.update(changes)
    return data


def test_national_editors_keep_the_register_and_council_managers_cannot(client, national_people, councils):
    sheffield = councils.get(ons_code=SHEFFIELD)
    new_url = reverse("national:intervention_new")
    for person in ("viewer", "national", "national_reader", "other_council", "analyst", "manager", "council_admin",
                   "sheffield_manager"):
        client.force_login(national_people[person])
        assert client.get(new_url).status_code == 403
        refused = client.post(new_url, form(council=sheffield.pk))
        assert refused.status_code == 403 and "Only national editors" in refused.content.decode()
        listing = text(client.get(reverse("national:interventions")))
        assert "Add an intervention" not in listing
    assert not Intervention.objects.exists()

    client.force_login(national_people["national_editor"])
    page = text(client.get(new_url))
    assert '<h1 class="govuk-heading-xl">Add an intervention</h1>' in page
    response = client.post(new_url, form(council=sheffield.pk))
    assert response.status_code == 302
    saved = Intervention.objects.get()
    assert (saved.council, saved.kind, str(saved.start_date), saved.end_date) == (sheffield, "improvement_notice",
                                                                                  "2015-06-01", None)
    assert saved.created_by == national_people["national_editor"] == saved.updated_by
    listing = text(client.get(response["Location"]))
    assert "DfE improvement notice (non-statutory) for Sheffield added to the register" in listing
    assert "No end date" in listing and "by ned" in listing

    edit_url = reverse("national:intervention_edit", args=[saved.pk])
    page = text(client.get(edit_url))
    assert 'name="start_date_year" type="text" inputmode="numeric" value="2015"' in page
    assert client.post(edit_url, form(council=sheffield.pk, end_date_day="31", end_date_month="3",
                                      end_date_year="2018")).status_code == 302
    saved.refresh_from_db()
    assert str(saved.end_date) == "2018-03-31" and Intervention.objects.count() == 1
    staff = get_user_model().objects.create_user("stan", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    assert client.get(edit_url).status_code == 200
    for person in ("manager", "sheffield_manager"):  # Sheffield's own manager proposes, and does not edit
        client.force_login(national_people[person])
        assert client.get(edit_url).status_code == 403
        assert client.post(edit_url, form(council=sheffield.pk, notes="changed")).status_code == 403
    saved.refresh_from_db()
    assert saved.notes == "Notice after the 2015 inadequate judgement"
    listing = text(client.get(reverse("national:interventions")))
    assert "Propose a correction" in listing and f'href="{reverse("national:intervention_edit", args=[saved.pk])}"' \
        not in listing

    # A bad form: GOV.UK error summary and messages, and nothing saved.
    client.force_login(national_people["national_editor"])
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
    # Values no form offers: a 20-digit council id and day, text for a month.
    for changes in ({"council": "9" * 20}, {"start_date_day": "9" * 20}, {"start_date_month": "abc"},
                    {"end_date_year": "9" * 20, "end_date_month": "1", "end_date_day": "1"}):
        response = client.post(new_url, form(**{"council": sheffield.pk, **changes}))
        assert response.status_code == 200 and 'class="govuk-error-summary"' in response.content.decode(), changes
    assert Intervention.objects.count() == 1


def _correction(**changes) -> dict:
    return {**form(start_date_day="1", start_date_month="1", start_date_year="2020", kind="trust", notes="",
                   source="", end_date_day="31", end_date_month="3", end_date_year="2024",
                   reason="The trust handed services back to the council on 31 March 2024."), **changes}


def test_a_council_proposes_a_correction_to_its_own_entry_and_a_national_editor_decides(client, national_people,
                                                                                       councils):
    sheffield = councils.get(ons_code=SHEFFIELD)
    entry = Intervention.objects.create(council=sheffield, kind="trust", start_date="2020-01-01")
    url = reverse("national:intervention_propose", args=[entry.pk])

    # Only Sheffield's managers and council admins: Northby's manager is refused, and nothing is recorded.
    for person in ("manager", "council_admin", "national_editor", "national", "viewer"):
        client.force_login(national_people[person])
        assert client.get(url).status_code == 403, person
        assert client.post(url, _correction()).status_code == 403, person
    assert not InterventionProposal.objects.exists()

    client.force_login(national_people["sheffield_manager"])
    listing = text(client.get(reverse("national:interventions")))
    assert f'href="{url}"' in listing and "Propose a correction" in listing
    page = text(client.get(url))
    assert '<h1 class="govuk-heading-xl">Propose a correction</h1>' in page
    assert 'id="kind-trust" name="kind" type="radio" value="trust" checked' in page  # the entry as it stands
    bad = text(client.post(url, _correction(reason="", start_date_month="13")))
    assert "<title>Error: Propose a correction" in bad
    assert '<li><a href="#id_start_date_day">The start date must be a real date</a></li>' in bad
    assert '<li><a href="#id_reason">Say why the entry needs correcting</a></li>' in bad
    unchanged = text(client.post(url, _correction(end_date_day="", end_date_month="", end_date_year="")))
    assert "Change at least one part of the entry" in unchanged
    assert not InterventionProposal.objects.exists()
    done = client.post(url, _correction())
    assert done.status_code == 302 and done["Location"] == reverse("national:proposals")
    proposal = InterventionProposal.objects.get()
    assert (proposal.status, str(proposal.end_date), proposal.proposed_by, proposal.council) == (
        InterventionProposal.PENDING, "2024-03-31", national_people["sheffield_manager"], sheffield)
    mine = text(client.get(done["Location"]))
    assert "Correction proposed for Sheffield" in mine and "1 waiting for a decision" in mine
    assert "The trust handed services back" in mine and "Review" not in mine
    entry.refresh_from_db()
    assert entry.end_date is None  # nothing changes until a national editor accepts it

    # Who reads the proposals: national roles all of them; a council's managers their own; others none.
    client.force_login(national_people["national"])
    assert "0 waiting for a decision" in text(client.get(reverse("national:proposals")))
    client.force_login(national_people["national_reader"])
    assert "The trust handed services back" in text(client.get(reverse("national:proposals")))

    # A national editor compares and decides: a rejection needs a reason; an acceptance changes the register.
    client.force_login(national_people["national_editor"])
    review_url = reverse("national:proposal", args=[proposal.pk])
    assert f'href="{review_url}"' in text(client.get(reverse("national:proposals")))
    review = text(client.get(review_url))
    assert '<h1 class="govuk-heading-xl">Correction for Sheffield</h1>' in review
    assert "No end date" in review and "31 March 2024" in review and "Changed" in review
    rejected = text(client.post(review_url, {"decision": "reject", "decision_reason": ""}))
    assert '<li><a href="#id_decision_reason">Say why the correction is rejected</a></li>' in rejected
    nothing = text(client.post(review_url, {"decision": "maybe"}))
    assert '<li><a href="#decision">Choose whether to accept or reject the correction</a></li>' in nothing
    accepted = client.post(review_url, {"decision": "accept", "decision_reason": ""})
    assert accepted.status_code == 302
    entry.refresh_from_db()
    proposal.refresh_from_db()
    assert str(entry.end_date) == "2024-03-31" and entry.updated_by == national_people["national_editor"]
    assert (proposal.status, proposal.decided_by) == (InterventionProposal.ACCEPTED, national_people["national_editor"])
    assert "Correction for Sheffield accepted: the register has been changed" in text(client.get(accepted["Location"]))
    again = text(client.post(review_url, {"decision": "reject", "decision_reason": "Changed my mind"}))
    assert "This correction has already been decided" in again
    proposal.refresh_from_db()
    assert proposal.status == InterventionProposal.ACCEPTED

    # A rejected correction leaves the entry as it was; the council sees why.
    client.force_login(national_people["sheffield_manager"])
    client.post(url, _correction(notes="Trust ended early"))
    second = InterventionProposal.objects.get(status=InterventionProposal.PENDING)
    client.force_login(national_people["national_editor"])
    assert client.post(reverse("national:proposal", args=[second.pk]),
                       {"decision": "reject", "decision_reason": "The DfE record shows 31 March."}).status_code == 302
    entry.refresh_from_db()
    assert entry.notes == "" and str(entry.end_date) == "2024-03-31"
    client.force_login(national_people["sheffield_manager"])
    decided = text(client.get(reverse("national:proposals")))
    assert "Rejected" in decided and "The DfE record shows 31 March." in decided and "Accepted" in decided


GOOD_CSV = ("la_code,kind,start_date,end_date,notes,source\n"
            "371,improvement_notice,01/06/2015,,notice after inadequate,\n"
            "E08000017,commissioner,2015-10-01,2017-03-31,,\n")
BAD_CSV = ("la_code,kind,start_date,end_date,notes\n"
           "Sheffield,dfe_adviser,01/01/2024,,\n"
           "Nowhere Borough,trust,01/01/2024,,\n")


def upload(name: str, content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def test_importing_a_register_file_is_all_or_nothing(client, national_people, councils):
    people = national_people
    url = reverse("national:intervention_import")
    client.force_login(people["viewer"])  # anyone signed in may download the template
    template = client.get(reverse("national:intervention_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    assert template.content.decode().startswith("la_code,kind,start_date,end_date,notes,source")

    for person in ("viewer", "national", "manager", "council_admin", "sheffield_manager"):
        client.force_login(people[person])
        assert client.post(url, {"file": upload("good.csv", GOOD_CSV)}).status_code == 403
    assert not Intervention.objects.exists()

    client.force_login(people["national_editor"])
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
    assert set(Intervention.objects.values_list("created_by__username", flat=True)) == {"ned"}
    listing = text(client.get(reverse("national:interventions"), {"council": DONCASTER}))
    assert "2 interventions in Doncaster" in listing and "Change<span" in listing
