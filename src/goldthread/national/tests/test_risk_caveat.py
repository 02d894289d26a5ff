"""The early-warning caveat is one text: the page and `goldthread risk` state the same sentences, from the
core (`risk_report.accuracy_caveat`), and the backtest's JSON export carries them; the drivers printed
are the ones the page lists, and a council with nothing pushing its risk up says so."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from goldthread.core.national.risk_drivers import NO_DRIVERS
from goldthread.core.national.risk_report import CAVEAT_TITLE, NOT_TESTED, PROMPT, accuracy_caveat
from goldthread.councils.models import LocalAuthority
from goldthread.national.actions import refresh_risk
from goldthread.national.models import RiskBacktest, RiskScore

AS_OF = dt.date(2025, 3, 31)
RESAMPLES = 40
SHEFFIELD, DONCASTER = "E08000019", "E08000017"


def words(text: str) -> str:
    """Text without tags, entities or line breaks (the command line wraps its sentences)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def row_of(page: str, code: str) -> str:
    match = re.search(r"<tr class=\"govuk-table__row\">(?:(?!</tr>).)*?/councils/" + code + r"/.*?</tr>",
                      page, re.S)
    assert match, code
    return match.group(0)


def test_the_page_and_the_command_line_state_the_same_caveat_and_drivers(client, people, capsys):
    refresh_risk(AS_OF, n_boot=RESAMPLES)
    caveat = accuracy_caveat(RiskBacktest.objects.get().summary)
    assert len(caveat) >= 3 and caveat[-1] == PROMPT
    client.force_login(people["national"])
    response = client.get(reverse("national:risk"), {"order": "inadequate"})
    assert response.status_code == 200
    page = words(response.content.decode())

    call_command("risk", "--as-of", AS_OF.isoformat(), "--resamples", str(RESAMPLES))
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


def test_the_backtest_export_carries_the_caveat(db, tmp_path, capsys):
    out = tmp_path / "backtest.json"
    call_command("risk", "backtest", "--resamples", "20", "--json", str(out))
    saved = json.loads(out.read_text())
    assert saved["caveat"] == accuracy_caveat(saved) and saved["caveat"][-1] == PROMPT
    printed = words(capsys.readouterr().out)
    for sentence in saved["caveat"]:
        assert sentence in printed


def test_a_council_with_no_driver_and_an_untested_model_say_so(client, people):
    """Stored scores without a backtest: the page warns that the accuracy is untested (the core's words),
    and a council whose figures push nothing up says so instead of an empty list."""
    sheffield = LocalAuthority.objects.get(ons_code=SHEFFIELD)
    doncaster = LocalAuthority.objects.get(ons_code=DONCASTER)
    RiskScore.objects.create(council=sheffield, as_of=AS_OF, p_inadequate=0.08, p_below_good=0.3, drivers=[])
    RiskScore.objects.create(council=doncaster, as_of=AS_OF, p_inadequate=0.12, p_below_good=0.4,
                             drivers=["the average social worker caseload is high: 19.0 cases per social worker"])
    client.force_login(people["national"])
    page = client.get(reverse("national:risk")).content.decode()
    assert NOT_TESTED in words(page) and CAVEAT_TITLE not in page
    assert NO_DRIVERS in words(row_of(page, SHEFFIELD)) and "<ol" not in row_of(page, SHEFFIELD)
    doncaster_row = row_of(page, DONCASTER)
    assert "<ol" in doncaster_row and "The average social worker caseload is high" in doncaster_row
    assert NO_DRIVERS not in doncaster_row


def test_a_date_with_too_little_history_is_refused_in_one_sentence(db, capsys):
    with pytest.raises(SystemExit) as stopped:
        call_command("risk", "--as-of", "2014-01-01")
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Cannot score councils as at 01/01/2014: too few graded inspections") and "\n" not in err
