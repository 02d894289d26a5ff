"""The case-audit state changes (goldthread.audits.actions) called directly, as views and commands call them:
tool versions, reproducible programmes, the concurrent-edit rule, moderation, actions and closing the loop,
the stored audit measures and their refresh command, and re-audits.

The page tests (test_pages.py) walk the whole loop through the browser's forms; these pin down the rules."""

from __future__ import annotations

import copy
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from goldthread.accounts.models import Membership
from goldthread.audits.actions import (
    AuditError,
    EditConflict,
    add_action,
    close_action,
    create_programme,
    ensure_shipped_tools,
    measure_dates,
    moderate,
    recompute_audit_measures,
    redraw,
    save_audit,
    save_tool,
    schedule_reaudit,
    verify_action,
)
from goldthread.audits.models import (
    Audit,
    AuditAction,
    AuditTool,
    AuditToolVersion,
    Programme,
)
from goldthread.conftest import NORTHBY, SAMPLE, SAMPLE_AS_AT, SOUTHMOOR
from goldthread.core.audits import DEFAULT_TOOL, SHIPPED_TOOLS, audit_measure_ids
from goldthread.core.audits.sampling import RISK_FACTORS, candidates
from goldthread.core.measures import CASE_AUDITS
from goldthread.councils.models import CouncilSettings
from goldthread.extracts.actions import import_extract, measure_context
from goldthread.extracts.queries import StoredAnnexA
from goldthread.store.models import Figure

pytestmark = pytest.mark.django_db

SUMMARY = "Visits are regular; the plan lacks contingency."


# --------------------------------------------------------------------------- helpers




@pytest.fixture
def northby(councils):
    return councils.get(ons_code=NORTHBY)


@pytest.fixture
def southmoor(councils):
    return councils.get(ons_code=SOUTHMOOR)


def _tool(council) -> AuditTool:
    ensure_shipped_tools(council)
    return AuditTool.objects.get(council=council, name=DEFAULT_TOOL.name)


def _programme(council, *, size=4, method="random", seed=7, tool=None, **more) -> Programme:
    tool = tool or _tool(council)
    return create_programme(council, title="April audits", month=dt.date(2021, 4, 1), tool_version=tool.current,
                            size=size, method=method, seed=seed, **more)


def _planned(council, child_id: str = "10721552") -> Audit:
    """A planned audit outside any programme (as a re-audit is), so the rules below need no extract."""
    return Audit.objects.create(council=council, tool_version=_tool(council).current, child_id=child_id,
                                allocated_team="Team A", allocated_worker="Ezra Leigh", cohort="Child protection",
                                status=Audit.PLANNED)


def _children(programme: Programme) -> list[str]:
    """The programme's children in the order they were drawn (bulk-created in sample order)."""
    return list(programme.audits.order_by("pk").values_list("child_id", flat=True))


def _forget(programme: Programme) -> None:
    """Delete a programme and its audits, so that they exclude nobody from a later sample."""
    programme.audits.all().delete()
    programme.delete()


def _pool(council, extract):
    return candidates(StoredAnnexA(extract), measure_context(council, extract.extract_date))


def _findings(audit: Audit, grade: str) -> dict:
    return {s["key"]: {"evidence": f"Evidence for {s['title']}", "grade": grade}
            for s in audit.tool_version.sections}


def _submit(audit: Audit, user, grade: str) -> Audit:
    audit = Audit.objects.get(pk=audit.pk)
    return save_audit(audit, revision=audit.revision, findings=_findings(audit, grade), overall_grade=grade,
                      summary=SUMMARY, themes=["Drift and delay"], user=user, submit=True)


def _stored(council, as_at: dt.date) -> dict:
    return {v.measure_id: v for v in Figure.objects.filter(source=CASE_AUDITS, council=council, as_at=as_at)}


def _data_version(council) -> int:
    return CouncilSettings.objects.get(council=council).data_version


def _edited(definition: dict, title: str) -> dict:
    changed = copy.deepcopy(definition)
    changed["sections"][0]["title"] = title
    return changed


# --------------------------------------------------------------------------- 1. tool versions


def test_shipped_tools_are_given_once(northby, southmoor, people):
    made = ensure_shipped_tools(northby, people["council_admin"])
    assert sorted(t.name for t in made) == sorted(d.name for d in SHIPPED_TOOLS)
    assert ensure_shipped_tools(northby, people["council_admin"]) == []
    tools = AuditTool.objects.filter(council=northby)
    assert tools.count() == len(SHIPPED_TOOLS)
    for tool in tools:
        assert list(tool.versions.values_list("number", flat=True)) == [1]
    default = tools.get(name=DEFAULT_TOOL.name)
    assert default.current.definition == DEFAULT_TOOL.to_dict() and default.created_by == people["council_admin"]
    # Another council gets its own copies; Northby's are untouched.
    assert len(ensure_shipped_tools(southmoor)) == len(SHIPPED_TOOLS)
    assert AuditTool.objects.filter(council=northby).count() == len(SHIPPED_TOOLS)
    assert AuditToolVersion.objects.count() == 2 * len(SHIPPED_TOOLS)


def test_an_unused_version_is_changed_in_place(northby, people):
    tool = _tool(northby)
    first = tool.current
    changed = _edited(first.definition, "What life is like for the child")
    saved = save_tool(tool, changed, people["auditor"], note="Plainer title")
    assert saved.pk == first.pk and saved.number == 1
    assert tool.versions.count() == 1
    stored = AuditToolVersion.objects.get(pk=first.pk)
    assert stored.sections[0]["title"] == "What life is like for the child"
    assert stored.change_note == "Plainer title" and stored.created_by == people["auditor"]


def test_a_used_version_is_never_changed(northby, northby_extract, people):
    tool = _tool(northby)
    programme = _programme(northby, tool=tool, size=2)
    audit = programme.audits.order_by("pk").first()
    v1 = tool.current
    original = copy.deepcopy(v1.definition)

    v2 = save_tool(tool, _edited(original, "What life is like for the child"), people["auditor"], note="Retitled")
    assert v2.pk != v1.pk and v2.number == 2 and tool.current == v2
    assert v2.sections[0]["title"] == "What life is like for the child"
    audit.refresh_from_db()
    programme.refresh_from_db()
    assert audit.tool_version_id == v1.pk and programme.tool_version_id == v1.pk
    assert AuditToolVersion.objects.get(pk=v1.pk).definition == original

    # Saving what is already there makes nothing.
    assert save_tool(tool, copy.deepcopy(v2.definition), people["auditor"]).pk == v2.pk
    assert tool.versions.count() == 2
    # v2 is used by no audit or programme yet, so it is still edited in place.
    assert save_tool(tool, _edited(original, "The child's world"), people["auditor"]).pk == v2.pk
    assert tool.versions.count() == 2


def test_a_version_used_only_by_a_programme_or_only_by_an_audit_counts_as_used(northby, northby_extract, people):
    tool = _tool(northby)
    programme = _programme(northby, tool=tool, size=1)
    audit = _submit(programme.audits.get(), people["auditor"], "good")
    v2 = save_tool(tool, _edited(tool.current.definition, "Title two"), people["auditor"])
    assert v2.number == 2
    # A re-audit (no programme) uses v2, so the next change is version 3.
    reaudit = schedule_reaudit(audit, due_date=timezone.localdate() + dt.timedelta(days=30))
    assert reaudit.programme is None and reaudit.tool_version_id == v2.pk
    v3 = save_tool(tool, _edited(tool.current.definition, "Title three"), people["auditor"])
    assert v3.number == 3 and AuditToolVersion.objects.get(pk=v2.pk).sections[0]["title"] == "Title two"
    # A version used by a programme alone (no audits) is kept too.
    audit.delete()
    reaudit.delete()
    assert programme.audits.count() == 0 and programme.tool_version.number == 1
    Programme.objects.filter(pk=programme.pk).update(tool_version=v3)
    v4 = save_tool(tool, _edited(tool.current.definition, "Title four"), people["auditor"])
    assert v4.number == 4 and AuditToolVersion.objects.get(pk=v3.pk).sections[0]["title"] == "Title three"


@pytest.mark.parametrize("breakage", ["no sections", "duplicate section keys", "duplicate question keys"])
def test_an_invalid_definition_is_refused_and_nothing_is_stored(northby, breakage, people):
    tool = _tool(northby)
    before = copy.deepcopy(tool.current.definition)
    broken = copy.deepcopy(before)
    if breakage == "no sections":
        broken["sections"] = []
    elif breakage == "duplicate section keys":
        broken["sections"][1]["key"] = broken["sections"][0]["key"]
    else:
        broken["sections"][1]["questions"][0]["key"] = broken["sections"][0]["questions"][0]["key"]
    with pytest.raises(AuditError) as refused:
        save_tool(tool, broken, people["auditor"])
    assert set(refused.value.errors) == {"definition"}
    assert ("no sections" if breakage == "no sections" else "already uses") in refused.value.errors["definition"]
    assert tool.versions.count() == 1 and tool.current.definition == before


# --------------------------------------------------------------------------- 2. programmes and samples


def test_a_fixed_seed_gives_the_same_sample_again(northby, northby_extract):
    first = _programme(northby, size=5, method="risk", seed=11)
    chosen = _children(first)
    assert len(chosen) == 5 and first.plan["seed"] == 11
    _forget(first)  # otherwise the first programme's children could be left out as audited recently
    again = _programme(northby, size=5, method="risk", seed=11)
    assert _children(again) == chosen


def test_a_fixed_seed_gives_the_same_sample_in_another_council(northby, southmoor, northby_extract):
    import_extract(southmoor, SAMPLE, extract_date=SAMPLE_AS_AT)
    here = _programme(northby, size=6, method="stratified", stratify_by="team", seed=3)
    there = _programme(southmoor, size=6, method="stratified", stratify_by="team", seed=3)
    assert len(_children(here)) == 6 and _children(there) == _children(here)


def test_redraw_gives_the_programmes_children_in_order(northby, northby_extract, people):
    programme = _programme(northby, size=5, method="risk", seed=5)
    assert list(redraw(programme)["child_id"]) == _children(programme)
    # Still the same after one of its audits is submitted and another programme is planned.
    _submit(programme.audits.order_by("pk").first(), people["auditor"], "good")
    _programme(northby, size=3, method="random", seed=99)
    programme.refresh_from_db()
    assert list(redraw(programme)["child_id"]) == _children(programme)


def test_redraw_refuses_when_the_extract_has_gone(northby, northby_extract):
    programme = _programme(northby, size=2)
    northby_extract.delete()
    programme.refresh_from_db()
    with pytest.raises(AuditError, match="replaced"):
        redraw(programme)


def test_a_different_seed_gives_a_different_sample(northby, northby_extract):
    size = 5
    assert len(_pool(northby, northby_extract)) >= 3 * size  # enough children for two samples to differ
    first = _programme(northby, size=size, seed=1)
    chosen = _children(first)
    _forget(first)
    assert _children(_programme(northby, size=size, seed=2)) != chosen


def test_children_audited_recently_are_left_out(northby, northby_extract):
    tool = _tool(northby)
    everyone = list(_pool(northby, northby_extract)["child_id"])
    inside, outside = everyone[0], everyone[1]
    london = timezone.get_default_timezone()
    # Six months before the extract date (31/03/2021) is 30/09/2020: the window is 30/09/2020 < day <= 31/03/2021.
    for child, day in ((inside, dt.date(2020, 10, 1)), (outside, dt.date(2020, 9, 30))):
        Audit.objects.create(council=northby, tool_version=tool.current, child_id=child, status=Audit.SUBMITTED,
                             overall_grade="good", submitted_at=dt.datetime.combine(day, dt.time(12), london))
    programme = _programme(northby, tool=tool, size=len(everyone) + 10, exclude_months=6)
    assert programme.excluded == [inside]
    assert sorted(_children(programme)) == sorted(c for c in everyone if c != inside)


def test_no_programme_when_every_child_was_audited_recently(northby, northby_extract):
    tool = _tool(northby)
    for child in _pool(northby, northby_extract)["child_id"]:
        Audit.objects.create(council=northby, tool_version=tool.current, child_id=child, status=Audit.SUBMITTED,
                             submitted_at=timezone.make_aware(dt.datetime(2021, 2, 1, 12)))
    with pytest.raises(AuditError) as refused:
        _programme(northby, tool=tool, size=3)
    assert set(refused.value.errors) == {"size"} and not Programme.objects.exists()


def test_no_exclusion_when_exclude_months_is_zero(northby, northby_extract):
    tool = _tool(northby)
    everyone = list(_pool(northby, northby_extract)["child_id"])
    Audit.objects.create(council=northby, tool_version=tool.current, child_id=everyone[0], status=Audit.SUBMITTED,
                         submitted_at=timezone.make_aware(dt.datetime(2021, 3, 1, 12)))
    programme = _programme(northby, tool=tool, size=len(everyone), exclude_months=0)
    assert programme.excluded == [] and sorted(_children(programme)) == sorted(everyone)


def test_a_second_programme_from_the_same_extract_leaves_out_the_first_ones_children(
        northby, northby_extract, people):
    first = _programme(northby, size=5, seed=7)
    _submit(first.audits.order_by("pk").first(), people["auditor"], "good")
    second = _programme(northby, size=5, seed=7)
    assert set(second.excluded) == set(_children(first))
    assert not set(_children(second)) & set(_children(first))


def test_a_programme_plans_an_audit_per_child_due_at_the_months_end(northby, northby_extract, people):
    tool = _tool(northby)
    programme = create_programme(northby, title="April", month=dt.date(2021, 4, 17), tool_version=tool.current,
                                 size=3, method="random", seed=4, user=people["auditor"])
    assert programme.month == dt.date(2021, 4, 1) and programme.extract == northby_extract
    assert programme.extract_date == SAMPLE_AS_AT and programme.created_by == people["auditor"]
    assert programme.plan == {"size": 3, "method": "random", "seed": 4, "stratify_by": None, "weights": None,
                              "exclude_months": 6}
    audits = list(programme.audits.order_by("pk"))
    assert len(audits) == 3
    assert {(a.status, a.due_date, a.tool_version_id, a.selection_reason) for a in audits} == {
        (Audit.PLANNED, dt.date(2021, 4, 30), tool.current.pk, "Randomly selected")}


def test_a_risk_weighted_sample_says_why_each_child_was_chosen(northby, northby_extract):
    pool = _pool(northby, northby_extract).set_index("child_id")
    programme = _programme(northby, size=6, method="risk", seed=7)
    audits = list(programme.audits.order_by("pk"))
    assert len(audits) == 6
    for audit in audits:
        titles = [RISK_FACTORS[f].title for f in pool.loc[audit.child_id, "risk_factors"]]
        assert audit.selection_reason == "Risk-weighted: " + ("; ".join(titles) or "no risk factors apply")
        assert audit.cohort == pool.loc[audit.child_id, "cohort"]
    assert any("CP visits out of timescale" in a.selection_reason for a in audits)


def test_a_council_without_an_extract_cannot_plan_a_programme(southmoor, northby_extract):
    with pytest.raises(AuditError, match="no Annex A extract"):
        _programme(southmoor)
    assert not Programme.objects.exists() and not Audit.objects.exists()


def test_a_programme_must_use_the_councils_own_tool(northby, southmoor, northby_extract):
    with pytest.raises(AuditError) as refused:
        _programme(northby, tool=_tool(southmoor))
    assert set(refused.value.errors) == {"tool"}
    assert not Programme.objects.exists() and not Audit.objects.exists()


def test_an_unknown_sampling_method_is_refused(northby, northby_extract):
    with pytest.raises(AuditError) as refused:
        _programme(northby, method="alphabetical")
    assert set(refused.value.errors) == {"method"} and not Programme.objects.exists()


# --------------------------------------------------------------------------- 3. conducting: concurrent edits


def test_the_second_of_two_concurrent_saves_is_refused(northby, people):
    planned = _planned(northby)
    mine, theirs = Audit.objects.get(pk=planned.pk), Audit.objects.get(pk=planned.pk)
    opened = mine.revision
    saved = save_audit(mine, revision=opened, findings=_findings(mine, "good"), overall_grade="good",
                       summary="First auditor's summary", themes=["Drift and delay"], user=people["auditor"])
    assert saved.revision == opened + 1 and saved.status == Audit.DRAFT and saved.auditor == people["auditor"]

    with pytest.raises(EditConflict) as conflict:
        save_audit(theirs, revision=opened, findings=_findings(theirs, "inadequate"), overall_grade="inadequate",
                   summary="Second person's summary", themes=[], user=people["manager"])
    assert "aud saved this audit" in str(conflict.value)
    stored = Audit.objects.get(pk=planned.pk)
    assert stored.revision == opened + 1 and stored.updated_by == people["auditor"]
    assert stored.summary == "First auditor's summary" and stored.overall_grade == "good"
    assert stored.findings == saved.findings
    assert {f["grade"] for f in stored.findings.values()} == {"good"}

    # Opening the latest revision, the second person can save.
    again = save_audit(stored, revision=stored.revision, findings=stored.findings, overall_grade="good",
                       summary="Agreed summary", themes=[], user=people["manager"])
    assert again.revision == opened + 2 and again.summary == "Agreed summary"


def test_submitting_needs_grades_evidence_an_overall_grade_and_a_summary(northby, people):
    audit = _planned(northby)
    sections = [s["key"] for s in audit.tool_version.sections]
    findings = _findings(audit, "good")
    findings[sections[0]]["grade"] = ""
    findings[sections[1]]["evidence"] = "   "
    del findings[sections[2]]
    findings["not_a_section"] = {"evidence": "x", "grade": "good"}
    with pytest.raises(AuditError) as refused:
        save_audit(audit, revision=0, findings=findings, overall_grade="excellent", summary=" ", themes=[],
                   user=people["auditor"], submit=True)
    assert set(refused.value.errors) == {f"grade-{sections[0]}", f"evidence-{sections[1]}", f"grade-{sections[2]}",
                                         f"evidence-{sections[2]}", "overall_grade", "summary"}
    audit.refresh_from_db()
    assert audit.status == Audit.PLANNED and audit.revision == 0 and audit.findings == {}

    # The same as a draft saves what is there (unknown sections dropped, the unknown grade blanked).
    draft = save_audit(audit, revision=0, findings=findings, overall_grade="excellent", summary=" ",
                       themes=[" Drift and delay ", "", "Drift and delay"], user=people["auditor"])
    assert draft.status == Audit.DRAFT and draft.overall_grade == "" and "not_a_section" not in draft.findings
    assert draft.themes == ["Drift and delay"] and draft.submitted_at is None


def test_an_ungraded_section_needs_no_grade(northby, people):
    tool = _tool(northby)
    definition = copy.deepcopy(tool.current.definition)
    definition["sections"][-1]["graded"] = False
    save_tool(tool, definition, people["auditor"])
    audit = _planned(northby)
    ungraded = audit.tool_version.sections[-1]["key"]
    findings = _findings(audit, "good")
    findings[ungraded]["grade"] = ""
    submitted = save_audit(audit, revision=0, findings=findings, overall_grade="good", summary=SUMMARY, themes=[],
                           user=people["auditor"], submit=True)
    assert submitted.status == Audit.SUBMITTED
    moderated = moderate(submitted, people["manager"], overall_grade="good", sections={}, reason="")
    graded = [s["key"] for s in audit.tool_version.sections if s["key"] != ungraded]
    assert sorted(moderated.moderated_sections) == sorted(graded)


def test_a_submitted_audit_cannot_be_saved_again(northby, people):
    audit = _planned(northby)
    stale = Audit.objects.get(pk=audit.pk)
    submitted = _submit(audit, people["auditor"], "good")
    assert submitted.status == Audit.SUBMITTED and submitted.submitted_at is not None
    with pytest.raises(AuditError, match="submitted"):
        save_audit(submitted, revision=submitted.revision, findings={}, overall_grade="", summary="", themes=[],
                   user=people["auditor"])
    with pytest.raises(AuditError):  # a copy opened before it was submitted
        save_audit(stale, revision=submitted.revision, findings={}, overall_grade="", summary="", themes=[],
                   user=people["manager"])
    stored = Audit.objects.get(pk=audit.pk)
    assert (stored.status, stored.revision, stored.summary, stored.overall_grade) == (
        Audit.SUBMITTED, submitted.revision, SUMMARY, "good")


# --------------------------------------------------------------------------- 4. moderation


@pytest.fixture
def submitted(northby, people):
    """An audit submitted by the auditor, every section and the overall grade 'good'."""
    return _submit(_planned(northby), people["auditor"], "good")


def test_the_auditor_cannot_moderate_their_own_audit(submitted, people):
    with pytest.raises(AuditError, match="other than the auditor"):
        moderate(submitted, people["auditor"], overall_grade="good", sections={}, reason="")
    assert Audit.objects.get(pk=submitted.pk).status == Audit.SUBMITTED


def test_a_changed_grade_needs_a_reason(submitted, people):
    first = submitted.tool_version.sections[0]
    with pytest.raises(AuditError) as refused:
        moderate(submitted, people["manager"], overall_grade="requires_improvement",
                 sections={first["key"]: {"grade": "inadequate", "reason": "  "}}, reason="")
    assert set(refused.value.errors) == {"reason", f"reason-{first['key']}"}
    with pytest.raises(AuditError) as refused:  # the section alone
        moderate(submitted, people["manager"], overall_grade="good",
                 sections={first["key"]: {"grade": "inadequate"}}, reason="")
    assert set(refused.value.errors) == {f"reason-{first['key']}"}
    with pytest.raises(AuditError) as refused:  # the overall grade alone
        moderate(submitted, people["manager"], overall_grade="inadequate", sections={}, reason="")
    assert set(refused.value.errors) == {"reason"}
    stored = Audit.objects.get(pk=submitted.pk)
    assert stored.status == Audit.SUBMITTED and stored.moderated_grade == "" and stored.moderator is None


def test_a_moderator_can_agree_without_reasons(submitted, people):
    moderated = moderate(submitted, people["manager"], overall_grade="good", sections={}, reason="")
    assert moderated.status == Audit.MODERATED and moderated.moderator == people["manager"]
    assert moderated.moderated_grade == "good" and moderated.final_grade == "good"
    graded = [s["key"] for s in submitted.tool_version.sections if s.get("graded", True)]
    assert moderated.moderated_sections == {k: {"grade": "good", "reason": "", "agreed": True} for k in graded}


def test_a_moderated_grade_becomes_the_final_grade_and_cannot_be_moderated_again(submitted, people):
    first = submitted.tool_version.sections[0]["key"]
    moderated = moderate(submitted, people["manager"], overall_grade="requires_improvement",
                         sections={first: {"grade": "requires_improvement", "reason": "No contingency plan"}},
                         reason="The plan is not specific")
    stored = Audit.objects.get(pk=submitted.pk)
    assert moderated.status == stored.status == Audit.MODERATED
    assert stored.overall_grade == "good" and stored.final_grade == "requires_improvement"
    assert stored.moderation_reason == "The plan is not specific"
    assert stored.moderated_sections[first] == {"grade": "requires_improvement", "reason": "No contingency plan",
                                                "agreed": False}
    with pytest.raises(AuditError, match="not been moderated"):
        moderate(stored, people["council_admin"], overall_grade="good", sections={}, reason="Back to good")
    stored.refresh_from_db()
    assert stored.moderator == people["manager"] and stored.final_grade == "requires_improvement"


def test_an_unsubmitted_audit_cannot_be_moderated(northby, people):
    audit = _planned(northby)
    with pytest.raises(AuditError):
        moderate(audit, people["manager"], overall_grade="good", sections={}, reason="")
    assert Audit.objects.get(pk=audit.pk).status == Audit.PLANNED


# --------------------------------------------------------------------------- 5. actions


def _action(audit, people, due=None):
    return add_action(audit, kind=AuditAction.CHILD, description="Add a contingency plan", owner=people["practitioner"],
                      due_date=due or timezone.localdate() + dt.timedelta(days=14), priority=AuditAction.HIGH,
                      user=people["auditor"])


def test_add_action_says_what_is_wrong_by_field(submitted, people):
    with pytest.raises(AuditError) as refused:
        add_action(submitted, kind="someday", description="  ", owner=None, due_date=None, priority="urgent",
                   user=people["auditor"])
    assert set(refused.value.errors) == {"kind", "description", "owner", "due_date", "priority"}
    assert not AuditAction.objects.exists()
    action = _action(submitted, people)
    assert (action.status, action.owner, action.owner_name, action.council) == (
        AuditAction.OPEN, people["practitioner"], "pat", submitted.council)


def test_only_an_open_action_can_be_closed_and_evidence_is_required(submitted, people):
    action = _action(submitted, people)
    with pytest.raises(AuditError) as refused:
        close_action(action, people["practitioner"], evidence="  ")
    assert set(refused.value.errors) == {"evidence"}
    assert AuditAction.objects.get(pk=action.pk).status == AuditAction.OPEN
    closed = close_action(action, people["practitioner"], evidence=" Plan updated on 2 April ")
    assert (closed.status, closed.closed_by, closed.evidence) == (
        AuditAction.CLOSED, people["practitioner"], "Plan updated on 2 April")
    assert closed.closed_at is not None
    with pytest.raises(AuditError, match="not open"):
        close_action(closed, people["practitioner"], evidence="Again")


def test_neither_the_owner_nor_whoever_closed_it_can_verify(submitted, people):
    action = close_action(_action(submitted, people), people["manager"], evidence="Plan updated")
    for who in ("practitioner", "manager"):  # the owner, the closer
        with pytest.raises(AuditError, match="other than"):
            verify_action(action, people[who], accept=True, note="ok")
    assert AuditAction.objects.get(pk=action.pk).status == AuditAction.CLOSED
    verified = verify_action(action, people["auditor"], accept=True, note=" Seen in the record ")
    assert (verified.status, verified.verified_by, verified.verification_note) == (
        AuditAction.VERIFIED, people["auditor"], "Seen in the record")
    assert verified.verified_at is not None
    with pytest.raises(AuditError):  # verified once
        verify_action(verified, people["council_admin"], accept=True, note="")


def test_an_open_action_cannot_be_verified(submitted, people):
    action = _action(submitted, people)
    with pytest.raises(AuditError):
        verify_action(action, people["auditor"], accept=True, note="ok")
    assert AuditAction.objects.get(pk=action.pk).status == AuditAction.OPEN


def test_returning_an_action_needs_a_note_and_reopens_it(submitted, people):
    action = close_action(_action(submitted, people), people["practitioner"], evidence="Plan updated")
    with pytest.raises(AuditError) as refused:
        verify_action(action, people["auditor"], accept=False, note=" ")
    assert set(refused.value.errors) == {"note"}
    assert AuditAction.objects.get(pk=action.pk).status == AuditAction.CLOSED
    returned = verify_action(action, people["auditor"], accept=False, note="The plan has no dates")
    stored = AuditAction.objects.get(pk=action.pk)
    assert returned.status == stored.status == AuditAction.OPEN
    assert stored.closed_at is None and stored.closed_by is None and stored.verified_by is None
    assert "The plan has no dates" in stored.verification_note
    # Open again: the owner can close it once more.
    assert close_action(stored, people["practitioner"], evidence="Dates added").status == AuditAction.CLOSED


# --------------------------------------------------------------------------- 6. stored audit measures


def test_stored_measures_have_the_hand_worked_values(northby, people):
    today = timezone.localdate()
    a1, a2, a3, a4 = (_planned(northby, child) for child in ("1", "2", "3", "4"))
    _submit(a1, people["auditor"], "good")
    _submit(a2, people["auditor"], "inadequate")
    _submit(a3, people["auditor"], "outstanding")
    _submit(a4, people["auditor"], "good")
    moderate(a1, people["manager"], overall_grade="requires_improvement", sections={}, reason="No contingency")
    moderate(a3, people["manager"], overall_grade="outstanding", sections={}, reason="")
    # Final grades: requires improvement, inadequate, outstanding, good. Moderated: 2, agreeing: 1.
    stored = _stored(northby, today)
    assert set(stored) == set(audit_measure_ids())
    assert (stored["audits_completed"].value, stored["audits_completed"].numerator) == (4, 4)
    assert (stored["audits_good_or_better"].numerator, stored["audits_good_or_better"].denominator) == (2, 4)
    assert stored["audits_good_or_better"].value == pytest.approx(50.0)
    assert (stored["audits_inadequate"].numerator, stored["audits_inadequate"].denominator) == (1, 4)
    assert stored["audits_inadequate"].value == pytest.approx(25.0)
    assert (stored["audit_moderation_agreement"].numerator, stored["audit_moderation_agreement"].denominator) == (1, 2)
    assert stored["audit_moderation_agreement"].value == pytest.approx(50.0)
    assert stored["audit_actions_overdue"].value is None  # no actions yet
    assert set(Figure.objects.filter(source=CASE_AUDITS, council=northby).values_list("as_at", flat=True)) == {today}


def test_an_overdue_open_action_is_counted(northby, submitted, people):
    today = timezone.localdate()
    due = today + dt.timedelta(days=10)
    later = today + dt.timedelta(days=40)
    action = _action(submitted, people, due=due)
    assert _stored(northby, today)["audit_actions_overdue"].value == 0
    recompute_audit_measures(northby, today=later)
    stored = _stored(northby, later)
    assert stored["audit_actions_overdue"].value == 1
    assert set(Figure.objects.filter(source=CASE_AUDITS, council=northby).values_list("as_at", flat=True)) == set(
        measure_dates(today, later))
    # Closed, it is no longer overdue.
    close_action(action, people["practitioner"], evidence="Done")
    recompute_audit_measures(northby, today=later)
    assert _stored(northby, later)["audit_actions_overdue"].value == 0


def test_each_recompute_moves_the_data_version_on(northby, submitted, people):
    before = _data_version(northby)
    recompute_audit_measures(northby)
    assert _data_version(northby) == before + 1
    recompute_audit_measures(northby)
    assert _data_version(northby) == before + 2
    _action(submitted, people)  # a change to what the measures count recomputes them
    assert _data_version(northby) == before + 3


def test_a_draft_is_not_counted_and_changes_no_version(northby, people):
    audit = _planned(northby)
    before = _data_version(northby)
    save_audit(audit, revision=0, findings=_findings(audit, "good"), overall_grade="good", summary=SUMMARY,
               themes=[], user=people["auditor"])
    assert _data_version(northby) == before and not Figure.objects.filter(source=CASE_AUDITS).exists()


def test_measure_dates_are_month_ends_then_today():
    assert measure_dates(None, dt.date(2021, 3, 10)) == []
    assert measure_dates(dt.date(2021, 1, 15), dt.date(2021, 3, 10)) == [
        dt.date(2021, 1, 31), dt.date(2021, 2, 28), dt.date(2021, 3, 10)]
    assert measure_dates(dt.date(2020, 12, 31), dt.date(2021, 3, 31)) == [
        dt.date(2020, 12, 31), dt.date(2021, 1, 31), dt.date(2021, 2, 28), dt.date(2021, 3, 31)]
    assert measure_dates(dt.date(2021, 3, 2), dt.date(2021, 3, 10)) == [dt.date(2021, 3, 10)]
    assert measure_dates(dt.date(2024, 1, 31), dt.date(2024, 3, 1)) == [
        dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 1)]


def test_the_refresh_command_stores_values_for_each_council(northby, southmoor, people):
    _submit(_planned(northby), people["auditor"], "good")
    Membership.objects.filter(user=people["other_council"]).update(role="auditor")  # an analyst runs no audits
    _submit(_planned(southmoor), people["other_council"], "inadequate")
    Figure.objects.filter(source=CASE_AUDITS).delete()
    per_council = len(audit_measure_ids())  # one date: the audits were all submitted today

    out = io.StringIO()
    call_command("audits", "refresh", stdout=out)
    assert out.getvalue().splitlines() == [f"Northby: {per_council} audit measure values stored.",
                                           f"Southmoor: {per_council} audit measure values stored."]
    today = timezone.localdate()
    assert _stored(northby, today)["audits_good_or_better"].value == pytest.approx(100.0)
    assert _stored(southmoor, today)["audits_inadequate"].value == pytest.approx(100.0)

    Figure.objects.filter(source=CASE_AUDITS).delete()
    out = io.StringIO()
    call_command("audits", "refresh", "--la", "991", stdout=out)  # Northby's old LA code
    assert out.getvalue().splitlines() == [f"Northby: {per_council} audit measure values stored."]
    assert set(Figure.objects.filter(source=CASE_AUDITS).values_list("council_id", flat=True)) == {northby.pk}


def test_the_refresh_command_with_no_audits(councils):
    out = io.StringIO()
    call_command("audits", "refresh", stdout=out)
    assert out.getvalue().splitlines() == ["No council has case audits yet."]


def test_the_refresh_command_refuses_an_unknown_council(councils, capsys):
    with pytest.raises(SystemExit) as refused:
        call_command("audits", "refresh", "--la", "E0000NOPE", stdout=io.StringIO())
    assert refused.value.code == 2
    assert "No council has the code 'E0000NOPE'" in capsys.readouterr().err
    assert not Figure.objects.filter(source=CASE_AUDITS).exists()


# --------------------------------------------------------------------------- 7. re-audits


def test_a_reaudit_is_planned_with_the_tools_current_version(submitted, people):
    tool = submitted.tool_version.tool
    old = submitted.tool_version
    new = save_tool(tool, _edited(old.definition, "The child's world"), people["auditor"])
    assert new.number == 2
    due = timezone.localdate() + dt.timedelta(days=60)
    reaudit = schedule_reaudit(submitted, due_date=due, auditor=people["auditor"], user=people["manager"])
    assert reaudit.pk != submitted.pk and reaudit.reaudit_of == submitted
    assert (reaudit.child_id, reaudit.council, reaudit.status, reaudit.due_date, reaudit.auditor) == (
        submitted.child_id, submitted.council, Audit.PLANNED, due, people["auditor"])
    assert (reaudit.allocated_team, reaudit.allocated_worker, reaudit.cohort) == (
        submitted.allocated_team, submitted.allocated_worker, submitted.cohort)
    assert reaudit.tool_version == new and reaudit.programme is None
    submitted.refresh_from_db()
    assert submitted.tool_version == old and list(submitted.reaudits.all()) == [reaudit]


@pytest.mark.parametrize("days", [0, -1])
def test_a_reaudit_must_be_in_the_future(submitted, days):
    with pytest.raises(AuditError) as refused:
        schedule_reaudit(submitted, due_date=timezone.localdate() + dt.timedelta(days=days))
    assert set(refused.value.errors) == {"due_date"}
    assert not Audit.objects.filter(reaudit_of=submitted).exists()


def test_an_unsubmitted_audit_cannot_be_reaudited(northby, people):
    audit = _planned(northby)
    with pytest.raises(AuditError) as refused:
        schedule_reaudit(audit, due_date=timezone.localdate() + dt.timedelta(days=30))
    assert set(refused.value.errors) == {"due_date"}
    assert Audit.objects.count() == 1
