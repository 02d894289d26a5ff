"""State changes for case audits. Views and commands call these; nothing else writes audits.

Every change to what the audit measures count (a submitted or moderated audit, an action created, closed,
verified or returned) recomputes the council's stored audit measures in the same transaction."""

from __future__ import annotations

import calendar
import datetime as dt
import logging

import pandas as pd
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from goldthread.accounts.access import (
    enforce,
    may_close,
    may_conduct,
    may_moderate,
    may_reflect,
    may_run_audits,
    may_verify,
)
from goldthread.accounts.models import display_name
from goldthread.core.audits import SHIPPED_TOOLS, audit_measure_ids, validate_definition
from goldthread.core.audits.sampling import SamplingPlan, candidates, new_seed
from goldthread.core.audits.tools import GRADES
from goldthread.core.measures import CASE_AUDITS, REGISTRY, Context
from goldthread.councils.actions import data_changed
from goldthread.extracts.actions import measure_context
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import StoredAnnexA, latest_extract
from goldthread.portal.posted import too_long
from goldthread.store.actions import record_council_figures

from .models import (
    Audit,
    AuditAction,
    AuditTool,
    AuditToolVersion,
    Contribution,
    Programme,
)
from .queries import AuditData

log = logging.getLogger(__name__)

MAX_SAMPLE_SIZE = 200  # cases in one programme: a month's audits, not a census
SAMPLE_SIZE_MESSAGE = f"The number of cases must be between 1 and {MAX_SAMPLE_SIZE}."
SAMPLE_SIZE_NOT_A_NUMBER = "Enter the number of cases as a whole number, for example 10."
MAX_EXCLUDE_MONTHS = 120
EXCLUDE_MONTHS_MESSAGE = f"Enter the number of months as a whole number between 0 and {MAX_EXCLUDE_MONTHS}."
MAX_SEED = 10**18 - 1
SEED_MESSAGE = "Enter the seed as a whole number of up to 18 digits, or leave it blank for a new one."
NOT_AN_AUDITOR = "Only auditors, managers and council admins run case audits."


class AuditError(ValueError):
    """A change that cannot be made; ``errors`` maps a field (or "") to a sentence for the person."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"": errors}
        super().__init__(" ".join(self.errors.values()))


class EditConflict(AuditError):
    """Someone else saved the audit since this person opened it; nothing was overwritten."""


# --------------------------------------------------------------------------- tools


@transaction.atomic
def ensure_shipped_tools(council, user=None) -> list[AuditTool]:
    """Give the council the shipped tools (the full practice audit and the thematic ones) it lacks."""
    enforce(may_run_audits, user, council, message=NOT_AN_AUDITOR)
    made = []
    for definition in SHIPPED_TOOLS:
        tool, created = AuditTool.objects.get_or_create(
            council=council, name=definition.name,
            defaults={"kind": definition.kind, "theme": definition.theme, "created_by": user})
        if created:
            AuditToolVersion.objects.create(tool=tool, number=1, definition=definition.to_dict(), created_by=user,
                                            change_note="As shipped with goldthread.")
            made.append(tool)
    return made


def version_in_use(version: AuditToolVersion) -> bool:
    return Audit.objects.filter(tool_version=version).exists() or \
        Programme.objects.filter(tool_version=version).exists()


@transaction.atomic
def save_tool(tool: AuditTool, definition: dict, user, note: str = "") -> AuditToolVersion:
    """Change a tool's sections and questions. A version that an audit or programme uses is never changed:
    the change becomes a new version, and audits keep the one they were done with."""
    enforce(may_run_audits, user, tool.council, message=NOT_AN_AUDITOR)
    problems = validate_definition(definition)
    if problems:
        raise AuditError({"definition": " ".join(problems)})
    tool = AuditTool.objects.select_for_update().get(pk=tool.pk)
    current = tool.current
    definition = {**definition, "name": tool.name, "kind": tool.kind, "theme": tool.theme}
    if current is not None and current.definition == definition:
        return current
    if current is not None and not version_in_use(current):
        current.definition, current.change_note, current.created_by = definition, note[:300], user
        current.save(update_fields=["definition", "change_note", "created_by"])
        return current
    return AuditToolVersion.objects.create(tool=tool, number=(current.number + 1) if current else 1,
                                           definition=definition, created_by=user, change_note=note[:300])


# --------------------------------------------------------------------------- programmes and samples


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _audited_since(council, since: dt.date, before: dt.datetime | None = None) -> frozenset[str]:
    """Children with an audit dated after ``since`` (the day it was submitted, else the day it was planned: a
    child already in a programme is not sampled again either), counting only audits created before ``before``
    when given, so that a programme's own audits never exclude themselves when it is redrawn."""
    audits = Audit.objects.filter(council=council)
    if before is not None:
        audits = audits.filter(created_at__lt=before)
    return frozenset(a.child_id for a in audits.only("child_id", "submitted_at", "created_at")
                     if timezone.localdate(a.submitted_at or a.created_at) > since)


def sample_for(council, extract: Extract, plan: SamplingPlan, *, before: dt.datetime | None = None) -> tuple[
        pd.DataFrame, frozenset[str]]:
    """The sample the plan draws from the extract, and the children left out: those audited (or planned for
    audit) in the plan's ``exclude_months`` before the extract date or at any time since."""
    data = StoredAnnexA(extract)
    ctx = measure_context(council, extract.extract_date)
    pool = candidates(data, ctx, weights=plan.weights)
    excluded = frozenset()
    if plan.exclude_months > 0:
        since = (pd.Timestamp(extract.extract_date) - pd.DateOffset(months=plan.exclude_months)).date()
        excluded = _audited_since(council, since, before) & frozenset(pool["child_id"])
    return plan.draw(pool, exclude=excluded), excluded


def _whole_number_in(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


@transaction.atomic
def create_programme(council, *, title: str, month: dt.date, tool_version: AuditToolVersion, size: int,
                     method: str, stratify_by: str | None = None, exclude_months: int = 6, seed: int | None = None,
                     weights: dict[str, float] | None = None, user=None) -> Programme:
    """Plan a month's programme: draw the sample from the latest extract and create a planned audit for each
    child chosen, due at the month's end. The plan (with its seed) is stored, so the sample can be redrawn.
    The sample has between 1 and MAX_SAMPLE_SIZE cases."""
    enforce(may_run_audits, user, council, message=NOT_AN_AUDITOR)
    errors = {}
    if not _whole_number_in(size, 1, MAX_SAMPLE_SIZE):
        errors["size"] = SAMPLE_SIZE_MESSAGE
    if not _whole_number_in(exclude_months, 0, MAX_EXCLUDE_MONTHS):
        errors["exclude_months"] = EXCLUDE_MONTHS_MESSAGE
    if seed is not None and not _whole_number_in(seed, 0, MAX_SEED):
        errors["seed"] = SEED_MESSAGE
    errors = too_long(Programme, title=title) | errors
    if errors:
        raise AuditError(errors)
    extract = latest_extract(council)
    if extract is None:
        raise AuditError({"": f"{council} has no Annex A extract to sample from yet."})
    if tool_version.tool.council_id != council.pk:
        raise AuditError({"tool": "Choose one of this council's audit tools."})
    try:
        plan = SamplingPlan(size=size, method=method, seed=new_seed() if seed is None else seed,
                            stratify_by=stratify_by if method == "stratified" else None, weights=weights,
                            exclude_months=exclude_months)
    except ValueError as exc:
        raise AuditError({"method": str(exc)}) from None
    sample, excluded = sample_for(council, extract, plan)
    if sample.empty:
        raise AuditError({"size": "No child with open work in the latest extract is left to sample (children "
                                  "audited recently are left out)."})
    programme = Programme.objects.create(
        council=council, title=title, month=month.replace(day=1), tool_version=tool_version, extract=extract,
        extract_date=extract.extract_date, plan=plan.to_dict(), excluded=sorted(excluded), created_by=user)
    due = month_end(month)
    Audit.objects.bulk_create([Audit(
        council=council, programme=programme, tool_version=tool_version, child_id=row.child_id,
        allocated_team=row.allocated_team or "", allocated_worker=row.allocated_worker or "",
        cohort=row.cohort or "", selection_reason=row.reason[:500], due_date=due, status=Audit.PLANNED)
        for row in sample.itertuples(index=False)])
    log.info("audit programme %s created for council %s: %s cases", programme.pk, council.ons_code, len(sample))
    return programme


def redraw(programme: Programme) -> pd.DataFrame:
    """Draw the programme's sample again from its extract with its stored plan (the same children, in the
    same order, as long as the extract and the earlier audits are unchanged)."""
    if programme.extract is None:
        raise AuditError({"": "The extract this sample was drawn from has since been replaced."})
    sample, _ = sample_for(programme.council, programme.extract, SamplingPlan.from_dict(programme.plan),
                           before=programme.created_at)
    return sample


def allocate(audit: Audit, auditor, *, user=None) -> Audit:
    """Give a planned or draft audit to an auditor (``user`` is the person allocating it)."""
    enforce(may_run_audits, user, audit.council, message=NOT_AN_AUDITOR)
    if audit.is_complete:
        raise AuditError({"auditor": "This audit has been submitted; it can no longer be reallocated."})
    audit.auditor = auditor
    audit.save(update_fields=["auditor"])
    return audit


# --------------------------------------------------------------------------- conducting an audit


def _check_findings(audit: Audit, findings: dict, overall_grade: str, summary: str) -> dict[str, str]:
    """What is missing before an audit can be submitted (field -> sentence)."""
    errors = {}
    for section in audit.tool_version.sections:
        entry = findings.get(section["key"], {})
        if section.get("graded", True) and entry.get("grade") not in GRADES:
            errors[f"grade-{section['key']}"] = f"Choose a grade for '{section['title']}'."
        if not (entry.get("evidence") or "").strip():
            errors[f"evidence-{section['key']}"] = f"Record the evidence for '{section['title']}'."
    if overall_grade not in GRADES:
        errors["overall_grade"] = "Choose an overall grade."
    if not summary.strip():
        errors["summary"] = "Write a summary of the audit's findings."
    return errors


def save_audit(audit: Audit, *, revision: int, findings: dict, overall_grade: str, summary: str, themes: list[str],
               user, submit: bool = False) -> Audit:
    """Save what the auditor recorded (a draft, or submitted when ``submit``). ``revision`` is the revision
    the person opened: if someone has saved since, nothing is written and EditConflict says so. A draft
    saves whatever is there; submitting needs every graded section graded with evidence, an overall grade
    and a summary."""
    enforce(may_conduct, user, audit.council, audit, message=NOT_AN_AUDITOR, person_required=True)
    if audit.is_complete:
        raise AuditError({"": "This audit has been submitted and can no longer be changed. Moderation can "
                              "change its grades."})
    known = {s["key"] for s in audit.tool_version.sections}
    findings = {key: {"evidence": str(v.get("evidence", "")), "grade": v.get("grade") or "",
                      "answers": {str(q): str(a) for q, a in (v.get("answers") or {}).items()}}
                for key, v in findings.items() if key in known}
    overall_grade = overall_grade if overall_grade in GRADES else ""
    themes = sorted({t.strip() for t in themes if t and t.strip()})
    if submit:
        errors = _check_findings(audit, findings, overall_grade, summary)
        if errors:
            raise AuditError(errors)
    now = timezone.now()
    values = {"findings": findings, "overall_grade": overall_grade, "summary": summary, "themes": themes,
              "updated_by": user, "updated_at": now, "revision": F("revision") + 1,
              "status": Audit.SUBMITTED if submit else Audit.DRAFT}
    if submit:
        values["submitted_at"] = now
    if audit.auditor_id is None:
        values["auditor"] = user
    with transaction.atomic():
        saved = Audit.objects.filter(pk=audit.pk, revision=revision,
                                     status__in=(Audit.PLANNED, Audit.DRAFT)).update(**values)
        if not saved:
            current = Audit.objects.select_related("updated_by").get(pk=audit.pk)
            who = current.updated_by.get_username() if current.updated_by else "someone else"
            when = timezone.localtime(current.updated_at)
            raise EditConflict({"": f"{who} saved this audit at {when:%H:%M} on {when:%d/%m/%Y} after you opened "
                                    "it. Your changes have not been saved: they are shown below so that you can copy "
                                    "them into the latest version."})
        if submit:
            recompute_audit_measures(audit.council)
    audit.refresh_from_db()
    return audit


def add_contribution(audit: Audit, user, *, role: str, text: str) -> Contribution:
    """Record a reflection from the practice conversation, with the person's name."""
    enforce(may_reflect, user, audit.council, audit, person_required=True,
            message="Only people who may see this audit can add to its practice conversation.")
    if not text.strip():
        raise AuditError({"text": "Write your reflection."})
    if role not in dict(Contribution.ROLES):
        raise AuditError({"role": "Choose the role you contribute in."})
    name = display_name(user)
    return Contribution.objects.create(audit=audit, author=user, author_name=name, role=role, text=text.strip())


@transaction.atomic
def moderate(audit: Audit, user, *, overall_grade: str, sections: dict[str, dict], reason: str) -> Audit:
    """A moderator (not the auditor) agrees or changes the grades. A changed grade needs a reason."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status != Audit.SUBMITTED:
        raise AuditError({"": "Only a submitted audit that has not been moderated can be moderated."})
    if user.pk in (audit.auditor_id, audit.updated_by_id):
        raise AuditError({"": "Someone other than the auditor must moderate this audit."})
    enforce(may_moderate, user, audit.council, audit, message=NOT_AN_AUDITOR, person_required=True)
    errors = {}
    if overall_grade not in GRADES:
        errors["overall_grade"] = "Choose the moderated overall grade."
    elif overall_grade != audit.overall_grade and not reason.strip():
        errors["reason"] = "Give a reason for changing the overall grade."
    moderated = {}
    for section in audit.tool_version.sections:
        if not section.get("graded", True):
            continue
        key = section["key"]
        given = (audit.findings.get(key) or {}).get("grade", "")
        entry = sections.get(key) or {}
        grade = entry.get("grade") or given
        if grade not in GRADES:
            errors[f"grade-{key}"] = f"Choose the moderated grade for '{section['title']}'."
            continue
        if grade != given and not (entry.get("reason") or "").strip():
            errors[f"reason-{key}"] = f"Give a reason for changing the grade for '{section['title']}'."
        moderated[key] = {"grade": grade, "reason": (entry.get("reason") or "").strip(), "agreed": grade == given}
    if errors:
        raise AuditError(errors)
    audit.moderator, audit.moderated_at, audit.moderated_grade = user, timezone.now(), overall_grade
    audit.moderated_sections, audit.moderation_reason, audit.status = moderated, reason.strip(), Audit.MODERATED
    audit.revision += 1
    audit.save()
    recompute_audit_measures(audit.council)
    return audit


@transaction.atomic
def schedule_reaudit(audit: Audit, *, due_date: dt.date, auditor=None, user=None) -> Audit:
    """Plan a re-audit of the same child with the same tool's current version, to check the impact."""
    enforce(may_run_audits, user, audit.council, message=NOT_AN_AUDITOR)
    if not audit.is_complete:
        raise AuditError({"due_date": "Submit the audit before scheduling a re-audit."})
    if due_date <= timezone.localdate():
        raise AuditError({"due_date": "The re-audit's date must be in the future."})
    return Audit.objects.create(
        council=audit.council, tool_version=audit.tool_version.tool.current, child_id=audit.child_id,
        allocated_team=audit.allocated_team, allocated_worker=audit.allocated_worker, cohort=audit.cohort,
        selection_reason=f"Re-audit of audit {audit.pk} to check the impact of its actions", due_date=due_date,
        auditor=auditor, reaudit_of=audit, status=Audit.PLANNED)


# --------------------------------------------------------------------------- actions


@transaction.atomic
def add_action(audit: Audit, *, kind: str, description: str, owner, due_date: dt.date | None, priority: str,
               user) -> AuditAction:
    enforce(may_run_audits, user, audit.council, message=NOT_AN_AUDITOR)
    errors = {}
    if kind not in (AuditAction.CHILD, AuditAction.PRACTICE):
        errors["kind"] = "Choose whether the action is for the child's plan or for practice."
    if not description.strip():
        errors["description"] = "Describe the action."
    if owner is None:
        errors["owner"] = "Choose who owns the action."
    if due_date is None:
        errors["due_date"] = "Enter the date the action is due, for example 27 3 2027."
    if priority not in (AuditAction.HIGH, AuditAction.MEDIUM, AuditAction.LOW):
        errors["priority"] = "Choose the action's priority."
    if errors:
        raise AuditError(errors)
    action = AuditAction.objects.create(
        audit=audit, council=audit.council, kind=kind, description=description.strip(), owner=owner,
        owner_name=display_name(owner), due_date=due_date, priority=priority,
        created_by=user)
    recompute_audit_measures(audit.council)
    return action


@transaction.atomic
def close_action(action: AuditAction, user, *, evidence: str) -> AuditAction:
    """The owner says the action is done, with the evidence. The loop is not closed until someone else
    verifies it."""
    action = AuditAction.objects.select_for_update().select_related("audit").get(pk=action.pk)
    enforce(may_close, user, action.council, action, person_required=True,
            message="Only the action's owner (or an auditor or manager) can close it.")
    if action.status != AuditAction.OPEN:
        raise AuditError({"": "This action is not open."})
    if not evidence.strip():
        raise AuditError({"evidence": "Describe the evidence that the action was done."})
    action.status, action.closed_at, action.closed_by, action.evidence = (
        AuditAction.CLOSED, timezone.now(), user, evidence.strip())
    action.save()
    recompute_audit_measures(action.council)
    return action


@transaction.atomic
def verify_action(action: AuditAction, user, *, accept: bool, note: str) -> AuditAction:
    """Someone other than the owner (and other than whoever closed it) checks the evidence: accepted, the
    loop is closed; not accepted, the action is open again with the reason."""
    action = AuditAction.objects.select_for_update().get(pk=action.pk)
    if action.status != AuditAction.CLOSED:
        raise AuditError({"": "Only an action closed by its owner can be verified."})
    if user.pk in (action.owner_id, action.closed_by_id):
        raise AuditError({"": "Someone other than the action's owner must verify it."})
    enforce(may_verify, user, action.council, action, message=NOT_AN_AUDITOR, person_required=True)
    if not accept and not note.strip():
        raise AuditError({"note": "Say why the evidence does not show the action was done."})
    if accept:
        action.status, action.verified_at, action.verified_by = AuditAction.VERIFIED, timezone.now(), user
        action.verification_note = note.strip()
    else:
        action.status, action.closed_at, action.closed_by = AuditAction.OPEN, None, None
        action.verification_note = f"Returned to the owner: {note.strip()}"
    action.save()
    recompute_audit_measures(action.council)
    return action


# --------------------------------------------------------------------------- measures


def measure_dates(first: dt.date | None, today: dt.date) -> list[dt.date]:
    """The dates audit measures are stored for: each month's end from the first audit's month up to the last
    complete month, and today."""
    if first is None:
        return []
    dates, day = [], month_end(first)
    while day < today:
        dates.append(day)
        day = month_end(day + dt.timedelta(days=1))
    return [*dates, today]


@transaction.atomic
def recompute_audit_measures(council, today: dt.date | None = None) -> int:
    """Compute every case-audit measure for each stored date and replace the council's stored values.
    Returns how many values were stored."""
    today = today or timezone.localdate()
    data = AuditData(council)
    figures = []
    for as_at in measure_dates(data.first_day, today):
        ctx = Context(as_at=as_at)
        figures.extend((as_at, measure_id, REGISTRY[measure_id].compute(data, ctx)) for measure_id in audit_measure_ids())
    stored = record_council_figures(council, figures, source=CASE_AUDITS)
    data_changed(council)
    return stored
