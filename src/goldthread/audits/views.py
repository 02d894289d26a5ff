"""Case-audit pages. Views stay thin: who may see what comes from goldthread.accounts.access, what pages
read from .pages and .queries, and every change from .actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from goldthread import downloads, tables
from goldthread.accounts.access import (
    AGGREGATES,
    AUDIT,
    CHILD_LEVEL,
    council_view,
    log_child_access,
    may_close,
    may_moderate,
    may_reflect,
    may_run_audits,
    may_verify,
    reason_from,
)
from goldthread.accounts.models import Role
from goldthread.core.audits.sampling import METHODS, RISK_FACTORS, STRATA
from goldthread.core.audits.tools import GRADES, grade_label
from goldthread.extracts.queries import latest_extract
from goldthread.portal.formdata import council_people, person_in
from goldthread.portal.posted import posted_date, posted_id, posted_whole_number

from . import actions as do
from . import downloadable, pages
from .models import Audit, AuditAction, AuditTool, Contribution, Programme

GRADE_OPTIONS = [(g, grade_label(g)) for g in GRADES]


def _audits(access):
    """The council's audits this person may see as child-level records (a practitioner: their children's)."""
    return access.child_filter(Audit.objects.filter(council=access.council))


def _audit(access, audit_id: int) -> Audit:
    audit = _audits(access).select_related("tool_version__tool", "auditor", "moderator", "programme").filter(
        pk=audit_id).first()
    if audit is None:
        raise Http404("No such audit, or not one of a child allocated to you.")
    return audit


def _action(access, request, action_id: int) -> AuditAction:
    found = access.action_filter(AuditAction.objects.filter(council=access.council), request.user)
    action = found.select_related("audit", "owner", "closed_by", "verified_by").filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action, or not one you may see.")
    return action


def _context(access, **more) -> dict:
    return {"access": access, "council": access.council, "can_audit": may_run_audits(access), **more}


# --------------------------------------------------------------------------- overview and tools


@council_view(AGGREGATES, post=None)
def home(request, *, access):
    context = _context(access, summary=pages.summary(access.council))
    if access.can(CHILD_LEVEL):
        mine = _audits(access).select_related("tool_version__tool")
        if may_run_audits(access):
            context["programmes"] = pages.programme_progress(access.council)
            context["my_audits"] = mine.filter(auditor=request.user, status__in=(Audit.PLANNED, Audit.DRAFT))
        else:
            context["my_audits"] = mine.order_by("-created_at")[:50]
        context["my_actions"] = access.action_filter(
            AuditAction.objects.filter(council=access.council, owner=request.user), request.user).exclude(
            status=AuditAction.VERIFIED)
        context["today"] = timezone.localdate()
    return render(request, "audits/home.html", context)


@council_view(AUDIT, post=AUDIT)
def tools(request, *, access):
    if request.method == "POST":
        made = do.ensure_shipped_tools(access.council, request.user)
        messages.success(request, f"Added {len(made)} audit tool{'s' if len(made) != 1 else ''}." if made
                         else "Your council already has every shipped tool.")
        return redirect("audits:tools", la=access.council.ons_code)
    found = AuditTool.objects.filter(council=access.council).prefetch_related("versions")
    return render(request, "audits/tools.html", _context(access, tools=found))


@council_view(AUDIT, post=AUDIT)
def tool(request, tool_id: int, *, access):
    found = AuditTool.objects.filter(council=access.council, pk=tool_id).first()
    if found is None:
        raise Http404("No such audit tool.")
    current = found.current
    errors, sections = {}, current.sections
    if request.method == "POST":
        sections = pages.sections_from_form(request.POST)
        definition = {**current.definition, "description": request.POST.get("description", "").strip(),
                      "sections": sections}
        try:
            version = do.save_tool(found, definition, request.user, note=request.POST.get("change_note", ""))
        except do.AuditError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Saved as version {version.number}." if version.number != current.number
                             else f"Version {version.number} updated (no audit uses it yet).")
            return redirect("audits:tool", la=access.council.ons_code, tool_id=found.pk)
    return render(request, "audits/tool.html", _context(
        access, tool=found, current=current, sections=sections, errors=errors,
        versions=found.versions.all(), used=do.version_in_use(current)))


# --------------------------------------------------------------------------- programmes


@council_view(AUDIT, post=AUDIT)
def new_programme(request, *, access):
    do.ensure_shipped_tools(access.council, request.user)
    tools_ = AuditTool.objects.filter(council=access.council)
    today = timezone.localdate()
    values = {"title": f"Case audits, {today:%B %Y}", "size": "10", "method": "risk", "stratify_by": "team",
              "exclude_months": "6", "seed": "", "tool": str(tools_.first().pk) if tools_ else "",
              "month-day": "1", "month-month": str(today.month), "month-year": str(today.year)}
    errors = {}
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in values})
        chosen = tools_.filter(pk=posted_id(values["tool"])).first()
        month = posted_date(request.POST, "month")
        size = posted_whole_number(values["size"], digits=100)  # a huge number is out of range, not "not a number"
        exclude_months = posted_whole_number(values["exclude_months"])
        seed = posted_whole_number(values["seed"]) if values["seed"].strip() else None
        if size is None:
            errors["size"] = do.SAMPLE_SIZE_NOT_A_NUMBER
        elif not 1 <= size <= do.MAX_SAMPLE_SIZE:
            errors["size"] = do.SAMPLE_SIZE_MESSAGE
        if exclude_months is None or exclude_months > do.MAX_EXCLUDE_MONTHS:
            errors["exclude_months"] = do.EXCLUDE_MONTHS_MESSAGE
        if values["seed"].strip() and (seed is None or seed > do.MAX_SEED):
            errors["seed"] = do.SEED_MESSAGE
        if chosen is None:
            errors["tool"] = "Choose the audit tool."
        if month is None:
            errors["month-day"] = "Enter the month the programme covers, for example 1 3 2027."
        if not values["title"].strip():
            errors["title"] = "Enter a title for the programme."
        if not errors:
            try:
                made = do.create_programme(
                    access.council, title=values["title"].strip(), month=month, tool_version=chosen.current,
                    size=size, method=values["method"], stratify_by=values["stratify_by"] or None,
                    exclude_months=exclude_months, seed=seed, user=request.user)
            except do.AuditError as exc:
                errors = exc.errors
            else:
                messages.success(request, f"Sample drawn: {made.audits.count()} cases. Allocate each to an auditor.")
                return redirect("audits:programme", la=access.council.ons_code, programme_id=made.pk)
    return render(request, "audits/new_programme.html", _context(
        access, tools=tools_, values=values, errors=errors, methods=METHODS, strata=list(STRATA),
        risk_factors=RISK_FACTORS.values(), latest=latest_extract(access.council)))


@council_view(CHILD_LEVEL, post=AUDIT)
def programme(request, programme_id: int, *, access):
    found = Programme.objects.filter(council=access.council, pk=programme_id).select_related(
        "tool_version__tool", "created_by").first()
    if found is None:
        raise Http404("No such programme.")
    if request.method == "POST":
        audit = found.audits.filter(pk=posted_id(request.POST.get("audit"))).first()
        auditor = person_in(access.council, request.POST.get("auditor"))
        if audit is None or auditor is None:
            messages.error(request, "Choose an auditor for the case.")
        else:
            try:
                do.allocate(audit, auditor, user=request.user)
                messages.success(request, f"Child {audit.child_id}'s audit allocated to {auditor.get_username()}.")
            except do.AuditError as exc:
                messages.error(request, str(exc))
        return redirect("audits:programme", la=access.council.ons_code, programme_id=found.pk)
    audits = _audits(access).filter(programme=found).select_related("auditor").order_by("pk")
    log_child_access(request, access, subject=f"audit programme '{found.title}'", why="opened the programme")
    return render(request, "audits/programme.html", _context(
        access, programme=found, audits=audits,
        auditors=council_people(access.council, (Role.AUDITOR, Role.MANAGER, Role.COUNCIL_ADMIN))))


@council_view(CHILD_LEVEL, post=None)
def programme_results(request, programme_id: int, *, access):
    found = Programme.objects.filter(council=access.council, pk=programme_id).first()
    if found is None:
        raise Http404("No such programme.")
    audits = _audits(access).filter(programme=found).select_related("tool_version__tool", "auditor").order_by("pk")
    from . import exports  # loaded when first needed: WeasyPrint and python-docx are large

    body = exports.programme_xlsx(found, audits)
    log_child_access(request, access, subject=f"audit programme '{found.title}' results (spreadsheet)",
                     why="downloaded the programme's results", action="export")
    return downloads.attachment(body, exports.programme_filename(found), downloads.XLSX)


# --------------------------------------------------------------------------- one audit


@council_view(CHILD_LEVEL, post=None)
def audit(request, audit_id: int, *, access):
    found = _audit(access, audit_id)
    log_child_access(request, access, subject=f"case audit {found.pk}", why=reason_from(request, access),
                     child_id=found.child_id)
    return render(request, "audits/audit.html", _context(
        access, audit=found, view=pages.audit_view(found), contributions=found.contributions.all(),
        actions=found.actions.select_related("owner"), today=timezone.localdate(),
        may_moderate=found.status == Audit.SUBMITTED and may_moderate(access, found),
        may_reflect=found.is_complete and may_reflect(access, found), reaudits=found.reaudits.all()))


@council_view(AUDIT, post=AUDIT)
def conduct(request, audit_id: int, *, access):
    found = _audit(access, audit_id)
    if found.is_complete:
        return render(request, "audits/submitted.html", _context(access, audit=found))
    errors, conflict = {}, False
    findings, overall, summary, themes = found.findings, found.overall_grade, found.summary, found.themes
    revision = found.revision
    if request.method == "POST":
        findings = pages.findings_from_form(found, request.POST)
        overall, summary = request.POST.get("overall_grade", ""), request.POST.get("summary", "")
        themes = [t for t in request.POST.getlist("themes") + request.POST.get("other_themes", "").split(",") if t.strip()]
        submit = request.POST.get("submit") == "yes"
        opened = posted_whole_number(request.POST.get("revision"), digits=9)
        try:
            if opened is None:
                raise do.AuditError({"": "This form was incomplete, so nothing was saved. Copy what you entered, "
                                         "open the audit again and re-enter it."})
            do.save_audit(found, revision=opened, findings=findings,
                          overall_grade=overall, summary=summary, themes=themes, user=request.user, submit=submit)
        except do.EditConflict as exc:
            errors, conflict = exc.errors, True
            found.refresh_from_db()
            revision = found.revision
        except do.AuditError as exc:
            errors = exc.errors
        else:
            if submit:
                messages.success(request, "Audit submitted. Agree the actions for the child and for practice.")
                return redirect("audits:audit", la=access.council.ons_code, audit_id=found.pk)
            messages.success(request, f"Draft saved at {timezone.localtime():%H:%M}.")
            return redirect("audits:conduct", la=access.council.ons_code, audit_id=found.pk)
    log_child_access(request, access, subject=f"case audit {found.pk} (conducting)", why="conducting the audit",
                     child_id=found.child_id)
    return render(request, "audits/conduct.html", _context(
        access, audit=found, form=pages.conduct_form(found, findings), overall=overall, summary=summary,
        themes=themes, theme_options=pages.theme_options(access.council), grades=GRADE_OPTIONS, errors=errors,
        conflict=conflict, saved=found if conflict else None, revision=revision,
        child=pages.child_sections(access, found.child_id)))


@council_view(CHILD_LEVEL, post=CHILD_LEVEL)
def reflection(request, audit_id: int, *, access):
    """The practice conversation: the allocated worker and team manager add their reflections."""
    found = _audit(access, audit_id)
    errors, values = {}, {"role": Contribution.WORKER if access.own_children_only else Contribution.MANAGER, "text": ""}
    if request.method == "POST":
        values = {"role": request.POST.get("role", ""), "text": request.POST.get("text", "")}
        try:
            do.add_contribution(found, request.user, role=values["role"], text=values["text"])
        except do.AuditError as exc:
            errors = exc.errors
        else:
            messages.success(request, "Your reflection has been added to the audit.")
            return redirect("audits:audit", la=access.council.ons_code, audit_id=found.pk)
    log_child_access(request, access, subject=f"case audit {found.pk} (practice conversation)",
                     why="adding a reflection to the audit", child_id=found.child_id)
    return render(request, "audits/reflection.html", _context(
        access, audit=found, errors=errors, values=values, roles=Contribution.ROLES))


@council_view(AUDIT, post=AUDIT)
def moderate(request, audit_id: int, *, access):
    found = _audit(access, audit_id)
    view = pages.audit_view(found)
    errors, values = {}, {"overall_grade": found.overall_grade, "reason": ""}
    if request.method == "POST":
        values = {"overall_grade": request.POST.get("overall_grade", ""), "reason": request.POST.get("reason", "")}
        sections = {s["key"]: {"grade": request.POST.get(f"grade-{s['key']}", ""),
                               "reason": request.POST.get(f"reason-{s['key']}", "")} for s in view["sections"]}
        for s in view["sections"]:
            s["moderated"] = sections[s["key"]]
        try:
            do.moderate(found, request.user, overall_grade=values["overall_grade"], sections=sections,
                        reason=values["reason"])
        except do.AuditError as exc:
            errors = exc.errors
        else:
            messages.success(request, "Moderation recorded.")
            return redirect("audits:audit", la=access.council.ons_code, audit_id=found.pk)
    elif found.status != Audit.SUBMITTED:
        errors = {"": "Only a submitted audit that has not been moderated can be moderated."}
    elif not may_moderate(access, found):
        errors = {"": "Someone other than the auditor must moderate this audit."}
    log_child_access(request, access, subject=f"case audit {found.pk} (moderating)", why="moderating the audit",
                     child_id=found.child_id)
    return render(request, "audits/moderate.html", _context(
        access, audit=found, view=view, errors=errors, values=values, grades=GRADE_OPTIONS))


@council_view(AUDIT, post=AUDIT)
def new_action(request, audit_id: int, *, access):
    found = _audit(access, audit_id)
    people = council_people(access.council)
    values = {"kind": AuditAction.CHILD, "description": "", "owner": "", "priority": AuditAction.MEDIUM,
              "due-day": "", "due-month": "", "due-year": ""}
    errors = {}
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in values})
        try:
            do.add_action(found, kind=values["kind"], description=values["description"],
                          owner=person_in(access.council, values["owner"]), due_date=posted_date(request.POST, "due"),
                          priority=values["priority"], user=request.user)
        except do.AuditError as exc:
            errors = {("due-day" if k == "due_date" else k): v for k, v in exc.errors.items()}
        else:
            messages.success(request, "Action agreed.")
            return redirect("audits:audit", la=access.council.ons_code, audit_id=found.pk)
    log_child_access(request, access, subject=f"case audit {found.pk} (agreeing an action)",
                     why="agreeing an action from the audit", child_id=found.child_id)
    return render(request, "audits/new_action.html", _context(access, audit=found, values=values, errors=errors,
                                                              people=people))


@council_view(AUDIT, post=AUDIT)
def reaudit(request, audit_id: int, *, access):
    found = _audit(access, audit_id)
    errors, values = {}, {"due-day": "", "due-month": "", "due-year": "", "auditor": ""}
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in values})
        due = posted_date(request.POST, "due")
        if due is None:
            errors["due-day"] = "Enter the date of the re-audit, for example 27 3 2027."
        else:
            try:
                made = do.schedule_reaudit(found, due_date=due, auditor=person_in(access.council, values["auditor"]),
                                           user=request.user)
            except do.AuditError as exc:
                errors = {("due-day" if k == "due_date" else k): v for k, v in exc.errors.items()}
            else:
                messages.success(request, f"Re-audit scheduled for {made.due_date:%d/%m/%Y}.")
                return redirect("audits:audit", la=access.council.ons_code, audit_id=found.pk)
    log_child_access(request, access, subject=f"case audit {found.pk} (scheduling a re-audit)",
                     why="scheduling a re-audit of the child", child_id=found.child_id)
    return render(request, "audits/reaudit.html", _context(
        access, audit=found, values=values, errors=errors,
        auditors=council_people(access.council, (Role.AUDITOR, Role.MANAGER, Role.COUNCIL_ADMIN))))


def _export(request, access, audit_id: int, kind: str):
    from . import exports  # loaded when first needed: WeasyPrint and python-docx are large

    found = _audit(access, audit_id)
    if not found.is_complete:
        raise Http404("Only a submitted audit can be exported.")
    if kind == "pdf":
        body, content_type = exports.audit_pdf(found), downloads.PDF
    else:
        body, content_type = exports.audit_docx(found), downloads.DOCX
    log_child_access(request, access, subject=f"case audit {found.pk} ({kind.upper()})", why="downloaded the audit",
                     child_id=found.child_id, action="export")
    return downloads.attachment(body, exports.audit_filename(found, kind), content_type)


@council_view(CHILD_LEVEL, post=None)
def audit_pdf(request, audit_id: int, *, access):
    return _export(request, access, audit_id, "pdf")


@council_view(CHILD_LEVEL, post=None)
def audit_docx(request, audit_id: int, *, access):
    return _export(request, access, audit_id, "docx")


# --------------------------------------------------------------------------- actions


@council_view(CHILD_LEVEL, post=None)
def actions(request, *, access):
    shown = request.GET.get("show", "mine" if not may_run_audits(access) else "open")
    found = access.action_filter(AuditAction.objects.filter(council=access.council), request.user).select_related(
        "audit", "owner")
    today = timezone.localdate()
    if shown == "mine":
        found = found.filter(owner=request.user).exclude(status=AuditAction.VERIFIED)
    elif shown == "overdue":
        found = found.filter(status=AuditAction.OPEN, due_date__lt=today)
    elif shown == "awaiting":
        found = found.filter(status=AuditAction.CLOSED)
    elif shown == "open":
        found = found.filter(status=AuditAction.OPEN)
    log_child_access(request, access, subject=f"audit actions ({shown})", why="opened the list of audit actions")
    return render(request, "audits/actions.html", _context(access, actions=found, shown=shown, today=today))


@council_view(CHILD_LEVEL, post=CHILD_LEVEL)
def action(request, action_id: int, *, access):
    found = _action(access, request, action_id)
    closing = found.status == AuditAction.OPEN and may_close(access, found)
    verifying = found.status == AuditAction.CLOSED and may_verify(access, found)
    errors, values = {}, {"evidence": "", "note": ""}
    if request.method == "POST":
        values = {"evidence": request.POST.get("evidence", ""), "note": request.POST.get("note", "")}
        step = request.POST.get("step")
        if (step == "close" and not may_close(access, found)) or (
                step in ("verify", "return") and not may_verify(access, found)):
            raise PermissionDenied("You cannot do that to this action.")
        try:
            if step == "close":
                do.close_action(found, request.user, evidence=values["evidence"])
                messages.success(request, "Action closed. Someone other than you will verify it.")
            elif step in ("verify", "return"):
                do.verify_action(found, request.user, accept=step == "verify", note=values["note"])
                messages.success(request, "Verified: the loop is closed." if step == "verify"
                                 else "Returned to the owner.")
            else:
                raise do.AuditError("Choose whether to close, verify or return the action.")
        except do.AuditError as exc:
            errors = exc.errors
        else:
            return redirect("audits:action", la=access.council.ons_code, action_id=found.pk)
    log_child_access(request, access, subject=f"audit action {found.pk}", why="opened the action",
                     child_id=found.audit.child_id)
    return render(request, "audits/action.html", _context(
        access, action=found, may_close=closing, may_verify=verifying, errors=errors, values=values,
        today=timezone.localdate(), may_open_audit=_audits(access).filter(pk=found.audit_id).exists()))


# --------------------------------------------------------------------------- learning


@council_view(AGGREGATES, post=None)
def learning(request, *, access):
    found = pages.learning(access.council)
    found["downloads"] = downloadable.learning_downloads(access.council, found, timezone.localdate())
    if (response := tables.answer(request, found["downloads"])) is not None:
        return response
    return render(request, "audits/learning.html", _context(access, **found))


