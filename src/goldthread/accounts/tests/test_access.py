"""The per-object rules in goldthread.accounts.access, each as every role in Northby, as a council admin of
another council, as a national user, signed out, and for the object's owner against someone else; and the
actions refusing whoever a rule refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from goldthread.accounts import access as A
from goldthread.accounts.models import Membership, NationalRole
from goldthread.conftest import NORTHBY, PRACTITIONER_WORKER, ROLE_USERS, SOUTHMOOR

ROLES = list(ROLE_USERS)
AUDITORS = {"auditor", "manager", "council_admin"}
CHILD_LEVEL = {"practitioner", "analyst", "auditor", "manager", "council_admin"}
PLAN_EDITORS = {"manager", "council_admin"}


@pytest.fixture
def everyone(people, councils):
    """The named users, a council admin of Southmoor (another council, with every capability there) and a
    national editor."""
    users = get_user_model()
    found = dict(people)
    found["other_admin"] = users.objects.create_user("sally")
    Membership.objects.create(user=found["other_admin"], council=councils.get(ons_code=SOUTHMOOR),
                              role="council_admin")
    found["national_editor"] = users.objects.create_user("ned")
    NationalRole.objects.create(user=found["national_editor"], role=NationalRole.EDITOR, organisation="DfE")
    return found


@pytest.fixture
def northby(councils):
    return councils.get(ons_code=NORTHBY)


def who(everyone, northby, rule, *objects) -> set[str]:
    """The people for whom the rule holds in Northby (each with their own access, or none)."""
    return {name for name, user in everyone.items() if rule(A.access_for(user, northby), *objects)}


@pytest.fixture
def audit(northby, people):
    from goldthread.audits.actions import ensure_shipped_tools
    from goldthread.audits.models import Audit, AuditTool

    ensure_shipped_tools(northby)
    tool = AuditTool.objects.filter(council=northby).first()
    return Audit.objects.create(council=northby, tool_version=tool.current, child_id="10721552",
                                allocated_worker=PRACTITIONER_WORKER.upper(), status=Audit.SUBMITTED,
                                auditor=people["auditor"], updated_by=people["auditor"])


def test_access_for_a_person_outside_a_request(everyone, northby):
    assert A.access_for(everyone["manager"], northby).role == "manager"
    assert A.access_for(everyone["other_admin"], northby) is None
    assert A.access_for(everyone["national"], northby) is None
    assert A.access_for(AnonymousUser(), northby) is None and A.access_for(None, northby) is None


def test_audit_rules_for_every_role_another_council_and_national(everyone, northby, audit):
    from goldthread.audits.models import Audit

    assert who(everyone, northby, A.may_run_audits) == AUDITORS
    assert who(everyone, northby, A.may_conduct, audit) == AUDITORS
    # The practitioner is the allocated worker (Annex A's spelling, in any case): they see it and reflect on it.
    assert who(everyone, northby, A.may_see_audit, audit) == CHILD_LEVEL
    assert who(everyone, northby, A.may_reflect, audit) == CHILD_LEVEL
    # Moderation is never by the auditor (or whoever last saved the audit).
    assert who(everyone, northby, A.may_moderate, audit) == {"manager", "council_admin"}
    audit.updated_by = everyone["manager"]
    assert who(everyone, northby, A.may_moderate, audit) == {"council_admin"}
    someone_elses = Audit(council=northby, tool_version=audit.tool_version, child_id="5358472",
                          allocated_worker="Someone Else", auditor=everyone["auditor"])
    assert who(everyone, northby, A.may_see_audit, someone_elses) == CHILD_LEVEL - {"practitioner"}
    assert who(everyone, northby, A.may_reflect, someone_elses) == CHILD_LEVEL - {"practitioner"}


def test_action_rules_the_owner_against_someone_else(everyone, northby, audit):
    from goldthread.audits.models import AuditAction

    action = AuditAction(audit=audit, council=northby, owner=everyone["practitioner"], status=AuditAction.OPEN)
    assert who(everyone, northby, A.may_see_action, action) == CHILD_LEVEL
    assert who(everyone, northby, A.may_close, action) == AUDITORS | {"practitioner"}  # the owner, or audit roles
    action.owner = everyone["analyst"]  # an analyst owns it: they close it; the practitioner still sees it
    assert who(everyone, northby, A.may_close, action) == AUDITORS | {"analyst"}
    assert "practitioner" in who(everyone, northby, A.may_see_action, action)
    action.audit.allocated_worker = "Someone Else"  # neither theirs nor for their child: the practitioner is out
    assert who(everyone, northby, A.may_see_action, action) == CHILD_LEVEL - {"practitioner"}
    # Verifying: audit roles, never the owner or whoever closed it.
    action.owner, action.closed_by, action.status = everyone["manager"], everyone["auditor"], AuditAction.CLOSED
    assert who(everyone, northby, A.may_verify, action) == {"council_admin"}
    action.owner, action.closed_by = everyone["practitioner"], everyone["practitioner"]
    assert who(everyone, northby, A.may_verify, action) == AUDITORS


def test_plan_rules_for_editors_owners_leads_and_everyone_in_the_council(everyone, northby):
    from goldthread.plans.models import Plan, PlanAction, Priority

    plan = Plan.objects.create(council=northby, title="Plan", vision="Vision")
    priority = Priority.objects.create(plan=plan, number=1, title="Visits", lead=everyone["viewer"])
    action = PlanAction.objects.create(priority=priority, title="Tracker", owner=everyone["practitioner"],
                                       due_date=dt.date(2031, 1, 1))
    assert who(everyone, northby, A.may_edit_plan) == PLAN_EDITORS
    assert who(everyone, northby, A.may_update, action) == PLAN_EDITORS | {"practitioner"}  # its owner
    assert who(everyone, northby, A.may_update, priority) == PLAN_EDITORS | {"viewer"}  # its lead
    action.owner = everyone["analyst"]
    assert who(everyone, northby, A.may_update, action) == PLAN_EDITORS | {"analyst"}
    assert who(everyone, northby, A.may_comment, plan) == set(ROLES)
    # A lead or owner with no role in the council (left it, or another council's) may not post.
    action.owner = everyone["other_admin"]
    assert who(everyone, northby, A.may_update, action) == PLAN_EDITORS


def test_register_rules_national_editors_and_the_entrys_own_council(everyone, councils):
    from goldthread.national.models import Intervention, InterventionProposal

    sheffield = councils.get(ons_code="E08000019")
    shona = get_user_model().objects.create_user("shona")
    Membership.objects.create(user=shona, council=sheffield, role="council_admin")
    reader = get_user_model().objects.create_user("rita")
    NationalRole.objects.create(user=reader, role=NationalRole.READER, organisation="Yorkshire and the Humber RIA")
    staff = get_user_model().objects.create_user("stan", is_staff=True)
    people = {**everyone, "sheffield_admin": shona, "national_reader": reader, "staff": staff}
    entry = Intervention.objects.create(council=sheffield, kind="trust", start_date=dt.date(2020, 1, 1))
    northby_entry = Intervention.objects.create(council=councils.get(ons_code=NORTHBY), kind="trust",
                                                start_date=dt.date(2020, 1, 1))

    def holds(rule, *objects):
        return {name for name, user in people.items() if rule(user, *objects)}

    assert holds(A.may_edit_register) == {"national_editor", "staff"}
    assert not A.may_edit_register(AnonymousUser())
    assert holds(A.may_propose_correction, entry) == {"sheffield_admin"}
    assert holds(A.may_propose_correction, northby_entry) == PLAN_EDITORS  # Northby's manager and council admin
    assert holds(A.may_read_all_proposals) == {"national_editor", "national_reader", "staff"}

    proposal = InterventionProposal.objects.create(intervention=entry, council=sheffield, kind="trust",
                                                   start_date=entry.start_date, reason="r", proposed_by=shona)
    theirs = InterventionProposal.objects.create(intervention=northby_entry, council=northby_entry.council,
                                                 kind="trust", start_date=entry.start_date, reason="r",
                                                 proposed_by=people["national_editor"])
    assert holds(A.may_decide_proposal, proposal) == {"national_editor", "staff"}
    assert holds(A.may_decide_proposal, theirs) == {"staff"}  # never one's own proposal
    every = InterventionProposal.objects.all()
    assert set(A.visible_proposals(shona, every)) == {proposal}
    assert set(A.visible_proposals(people["manager"], every)) == {theirs}
    assert set(A.visible_proposals(reader, every)) == {proposal, theirs}
    assert not A.visible_proposals(people["viewer"], every).exists()


def test_enforce_refuses_whoever_the_rule_refuses_and_a_missing_person_where_one_is_required(everyone, northby):
    A.enforce(A.may_edit_plan, everyone["manager"], northby, message="no")
    with pytest.raises(PermissionDenied, match="^no$"):
        A.enforce(A.may_edit_plan, everyone["viewer"], northby, message="no")
    with pytest.raises(PermissionDenied):
        A.enforce(A.may_edit_plan, everyone["other_admin"], northby, message="no")
    A.enforce(A.may_edit_plan, None, northby, message="no")  # a change on the server with no person
    with pytest.raises(PermissionDenied):
        A.enforce(A.may_edit_plan, None, northby, message="no", person_required=True)


# --------------------------------------------------------------------------- the actions enforce the rules


def test_audit_actions_refuse_whoever_the_rules_refuse(everyone, northby, northby_extract, audit):
    from goldthread.audits import actions as do
    from goldthread.audits.models import Audit, AuditAction, AuditTool, Programme

    tool = AuditTool.objects.filter(council=northby).first()
    for person in ("viewer", "practitioner", "analyst", "other_admin", "national"):
        user = everyone[person]
        with pytest.raises(PermissionDenied):
            do.create_programme(northby, title="T", month=dt.date(2021, 4, 1), tool_version=tool.current, size=2,
                                method="random", seed=1, user=user)
        with pytest.raises(PermissionDenied):
            do.save_tool(tool, tool.current.definition, user)
        with pytest.raises(PermissionDenied):
            do.add_action(audit, kind="child", description="d", owner=everyone["practitioner"],
                          due_date=dt.date(2031, 1, 1), priority="high", user=user)
        with pytest.raises(PermissionDenied):
            do.schedule_reaudit(audit, due_date=dt.date(2031, 1, 1), user=user)
        with pytest.raises(PermissionDenied):
            do.moderate(audit, user, overall_grade="good", sections={}, reason="")
    assert not Programme.objects.exists() and not AuditAction.objects.exists()
    assert not Audit.objects.filter(reaudit_of=audit).exists()
    audit.refresh_from_db()
    assert audit.status == Audit.SUBMITTED  # nobody above could moderate it

    planned = Audit.objects.create(council=northby, tool_version=tool.current, child_id="5358472",
                                   allocated_worker="Someone Else")
    for person in ("viewer", "analyst", "other_admin"):
        with pytest.raises(PermissionDenied):
            do.save_audit(planned, revision=0, findings={}, overall_grade="", summary="", themes=[],
                          user=everyone[person])
        with pytest.raises(PermissionDenied):
            do.allocate(planned, everyone["auditor"], user=everyone[person])
    with pytest.raises(PermissionDenied):  # conducting always has a person behind it
        do.save_audit(planned, revision=0, findings={}, overall_grade="", summary="", themes=[], user=None)
    # The practice conversation: not about a child who is not the practitioner's; nothing from another council.
    for person in ("practitioner", "viewer", "other_admin"):
        with pytest.raises(PermissionDenied):
            do.add_contribution(planned, everyone[person], role="allocated_worker", text="t")
    assert do.add_contribution(audit, everyone["practitioner"], role="allocated_worker", text="t").author_name == "pat"

    # Closing: the owner or audit roles; verifying: audit roles other than the owner and whoever closed it.
    action = do.add_action(audit, kind="child", description="d", owner=everyone["practitioner"],
                           due_date=dt.date(2031, 1, 1), priority="high", user=everyone["auditor"])
    for person in ("analyst", "viewer", "other_admin"):
        with pytest.raises(PermissionDenied):
            do.close_action(action, everyone[person], evidence="e")
    closed = do.close_action(action, everyone["practitioner"], evidence="Done")
    for person in ("analyst", "other_admin"):
        with pytest.raises(PermissionDenied):
            do.verify_action(closed, everyone[person], accept=True, note="ok")
    with pytest.raises(do.AuditError, match="other than"):
        do.verify_action(closed, everyone["practitioner"], accept=True, note="ok")
    assert do.verify_action(closed, everyone["auditor"], accept=True, note="ok").status == AuditAction.VERIFIED


def test_plan_actions_refuse_whoever_the_rules_refuse(everyone, northby):
    from goldthread.plans import actions as do
    from goldthread.plans.models import Comment, Plan, Update

    for person in ("viewer", "practitioner", "analyst", "auditor", "other_admin", "national"):
        with pytest.raises(PermissionDenied, match="Only managers and council admins"):
            do.create_plan(northby, title="Plan", vision="Vision", user=everyone[person])
    assert not Plan.objects.exists()
    plan = do.create_plan(northby, title="Plan", vision="Vision", user=everyone["manager"])
    priority = do.save_priority(plan, None, title="Visits", lead=everyone["viewer"], user=everyone["council_admin"])
    action = do.save_action(priority, None, title="Tracker", owner=everyone["practitioner"],
                            due_date=dt.date(2031, 1, 1), user=everyone["manager"])
    for call in (lambda u: do.edit_plan(plan, title="T", vision="V", user=u),
                 lambda u: do.save_priority(plan, priority, title="Renamed", user=u),
                 lambda u: do.save_action(priority, action, title="Renamed", owner=everyone["viewer"],
                                          due_date=dt.date(2031, 1, 1), user=u),
                 lambda u: do.add_recommendation(plan, kind="ofsted", reference="R9", text="t", source="s", user=u),
                 lambda u: do.record_consultation(plan, held_on=dt.date(2021, 1, 1), who="w", how="h", user=u),
                 lambda u: do.record_visit(northby, kind="board", date=dt.date(2021, 1, 1), title="t", user=u)):
        for person in ("viewer", "practitioner", "auditor", "other_admin"):
            with pytest.raises(PermissionDenied):
                call(everyone[person])
    plan.refresh_from_db()
    priority.refresh_from_db()
    assert (plan.title, priority.title) == ("Plan", "Visits")

    # Updates: the action's owner and the priority's lead, or a plan editor; nobody else.
    for person in ("viewer", "analyst", "auditor", "other_admin"):
        with pytest.raises(PermissionDenied):
            do.post_update(action=action, rag="green", narrative="n", user=everyone[person])
    for person in ("practitioner", "analyst", "other_admin"):
        with pytest.raises(PermissionDenied):
            do.post_update(priority=priority, rag="green", narrative="n", user=everyone[person])
    do.post_update(action=action, rag="green", narrative="n", user=everyone["practitioner"])
    do.post_update(priority=priority, rag="amber", narrative="n", user=everyone["viewer"])
    do.post_update(action=action, rag="red", narrative="n", user=everyone["manager"])
    assert Update.objects.count() == 3
    # Comments: everyone in the council, nobody outside it.
    for person in ("other_admin", "national"):
        with pytest.raises(PermissionDenied):
            do.add_comment(plan, text="t", user=everyone[person])
    assert do.add_comment(plan, text="t", user=everyone["viewer"]).author == everyone["viewer"]
    assert Comment.objects.count() == 1
