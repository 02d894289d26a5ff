"""The early-warning caveats are one text each: the pages and `goldthread risk` state the same sentences, from
the core (`risk_report`), and every download carries them; the drivers printed are the ones the page lists, a
council with nothing pushing its risk up says so. (A council's page: test_pages.)"""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from goldthread.core.national.risk_drivers import NO_DRIVERS
from goldthread.core.national.risk_report import (
    CAVEAT_TITLE,
    NOT_TESTED,
    PROMPT,
    accuracy_caveat,
    slipping_caveat,
)
from goldthread.councils.models import LocalAuthority
from goldthread.national.models import RiskBacktest, RiskScore, SlippingScore

from .risk_setup import AS_OF, store_packaged_risk

SHEFFIELD, DONCASTER = "E08000019", "E08000017"


def words(text: str) -> str:
    """Text without tags, entities or line breaks (the command line wraps its sentences)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def row_of(page: str, code: str) -> str:
    match = re.search(r"<tr class=\"govuk-table__row\">(?:(?!</tr>).)*?/councils/" + code + r"/.*?</tr>",
                      page, re.S)
    assert match, code
    return match.group(0)


@pytest.fixture
def stored(people):
    store_packaged_risk()
    return RiskBacktest.objects.get().summary


def test_the_page_and_the_command_line_state_the_same_caveat_and_drivers(client, people, stored, capsys):
    caveat = accuracy_caveat(stored)
    assert len(caveat) >= 4 and caveat[-1] == PROMPT
    client.force_login(people["national"])
    response = client.get(reverse("national:risk"), {"order": "inadequate"})
    assert response.status_code == 200
    page = words(response.content.decode())

    call_command("risk", "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    printed = words(out)
    assert out.startswith("Probability of each council's next Ofsted judgement")
    for sentence in caveat:
        assert sentence in page, sentence
        assert sentence in printed, sentence
    assert CAVEAT_TITLE in page and f"{CAVEAT_TITLE}:" in printed
    first_score = re.search(r"inadequate +\d+\.\d% +below good +\d+\.\d%", printed)
    assert first_score and printed.index(PROMPT) < first_score.start()  # stated before the first score
    # The drivers printed under a council are the ones the page lists for it, in the same order.
    top = RiskScore.objects.select_related("council").order_by("-p_inadequate").first()
    assert top.drivers
    listed = [d[:1].upper() + d[1:] for d in top.drivers]
    name_at = printed.index(f"{top.council.name} inadequate")
    at = [printed.find(f"- {d}", name_at) for d in listed]
    assert -1 not in at and at == sorted(at)
    row = words(row_of(response.content.decode(), top.council.ons_code))
    assert [row.find(d) for d in listed] == sorted(row.find(d) for d in listed) and row.find(listed[0]) > 0


def test_the_watchlist_page_and_command_line_state_its_own_caveat(client, people, stored, capsys):
    caveat = slipping_caveat(stored)
    client.force_login(people["national"])
    page = words(client.get(reverse("national:watchlist")).content.decode())
    call_command("risk", "watchlist", "--slipping", "--as-of", AS_OF.isoformat())
    printed = words(capsys.readouterr().out)
    for sentence in caveat:
        assert sentence in page and sentence in printed, sentence
    assert accuracy_caveat(stored)[0] not in page  # the early-warning model's figures are not the watchlist's


def test_every_download_carries_the_caveat(client, people, stored):
    """The early-warning and watchlist tables as CSV and Excel: the rows the page shows, and in the workbook
    the caveat above them; the caveat on its own as a table too."""
    from openpyxl import load_workbook

    client.force_login(people["national"])
    for url, table, caveat, count in (
            (reverse("national:risk"), "early-warning", accuracy_caveat(stored), RiskScore.objects.count()),
            (reverse("national:watchlist"), "slipping-from-good", slipping_caveat(stored),
             SlippingScore.objects.count())):
        page = client.get(url).content.decode()
        assert f"download={table}&amp;format=csv" in page and f"download={table}-accuracy&amp;format=xlsx" in page
        csv_file = client.get(url, {"download": table, "format": "csv"})
        assert csv_file.status_code == 200 and csv_file["Content-Type"].startswith("text/csv")
        lines = csv_file.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Council,ONS code,Probability of") and len(lines) == count + 1
        workbook = load_workbook(io.BytesIO(client.get(url, {"download": table, "format": "xlsx"}).content))
        about = workbook.active["A2"].value
        assert all(sentence in about for sentence in caveat)
        sentences = client.get(url, {"download": f"{table}-accuracy", "format": "csv"}).content.decode("utf-8-sig")
        assert all(sentence in sentences for sentence in caveat[:2])
        assert client.get(url, {"download": "nothing", "format": "csv"}).status_code == 404


def test_a_council_with_no_driver_and_an_untested_model_say_so(client, people):
    """Stored scores without a backtest: the pages warn that the accuracy is untested (the core's words),
    and a council whose figures push nothing up says so instead of an empty list."""
    sheffield = LocalAuthority.objects.get(ons_code=SHEFFIELD)
    doncaster = LocalAuthority.objects.get(ons_code=DONCASTER)
    RiskScore.objects.create(council=sheffield, as_of=AS_OF, p_inadequate=0.08, p_below_good=0.3, drivers=[])
    RiskScore.objects.create(council=doncaster, as_of=AS_OF, p_inadequate=0.12, p_below_good=0.4,
                             drivers=["the average social worker caseload is high: 19.0 cases per social worker"])
    SlippingScore.objects.create(council=sheffield, as_of=AS_OF, p_below_good=0.2, last_judgement="good", drivers=[])
    client.force_login(people["national"])
    page = client.get(reverse("national:risk")).content.decode()
    assert NOT_TESTED in words(page) and CAVEAT_TITLE not in page
    assert NO_DRIVERS in words(row_of(page, SHEFFIELD)) and "<ol" not in row_of(page, SHEFFIELD)
    doncaster_row = row_of(page, DONCASTER)
    assert "<ol" in doncaster_row and "The average social worker caseload is high" in doncaster_row
    assert NO_DRIVERS not in doncaster_row
    assert "None yet" in words(row_of(page, SHEFFIELD))  # no inspection timing stored: said, not guessed
    watch = client.get(reverse("national:watchlist")).content.decode()
    assert NOT_TESTED in words(watch) and NO_DRIVERS in words(row_of(watch, SHEFFIELD))
    # A backtest stored by an earlier release (no development block, no choice of model) counts as none.
    RiskBacktest.objects.create(summary={"origins": [], "targets": {}}, n_boot=1000)
    assert NOT_TESTED in words(client.get(reverse("national:risk")).content.decode())


def test_a_date_with_too_little_history_is_refused_in_one_sentence(db, capsys):
    with pytest.raises(SystemExit) as stopped:
        call_command("risk", "--as-of", "2014-01-01")
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Cannot score councils as at 01/01/2014: too few graded inspections") and "\n" not in err
