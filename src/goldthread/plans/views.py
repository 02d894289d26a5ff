"""Improvement plan pages. Who may see and do what comes from goldthread.accounts.access; what pages read
from .queries and .pages; every change from .actions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from goldthread import tables
from goldthread.accounts.access import (
    AGGREGATES,
    CHILD_LEVEL,
    PLAN,
    council_view,
    log_child_access,
    may_edit_plan,
    may_update,
)
from goldthread.portal.formdata import council_people, date_values, person_in
from goldthread.portal.posted import posted_date, posted_id, posted_ids, posted_number

from . import actions as do
from . import downloadable, pages
from .models import PlanAction, Priority, Recommendation, Update, Visit


def _plan(access, required: bool = True):
    plan = access.council.plans.first()
    if plan is None and required:
        raise Http404(f"{access.council} has no improvement plan yet.")
    return plan


def _priority(access, priority_id: int) -> Priority:
    found = Priority.objects.filter(plan__council=access.council, pk=priority_id).select_related("plan", "lead").first()
    if found is None:
        raise Http404("No such priority.")
    return found


def _action(access, action_id: int) -> PlanAction:
    found = PlanAction.objects.filter(priority__plan__council=access.council, pk=action_id).select_related(
        "priority__plan", "owner", "lead").first()
    if found is None:
        raise Http404("No such action.")
    return found


def _context(access, **more) -> dict:
    return {"access": access, "council": access.council, "can_plan": may_edit_plan(access), **more}


def _as_at(request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("as_at", ""))
    except ValueError:
        return None


CORRECTS_MESSAGE = "Choose the earlier update this corrects, or No"


def _corrected(request, *, priority, action) -> Update | None:
    """The earlier update of the same priority or action that a new update corrects (None for "No"); PlanError
    when the form names anything else (not a number, a 20-digit id, another item's update)."""
    given = (request.POST.get("corrects") or "").strip()
    if not given:
        return None
    found = Update.objects.filter(pk=posted_id(given), priority=priority, action=action).first()
    if found is None:
        raise do.PlanError({"corrects": CORRECTS_MESSAGE})
    return found


def _post_comment_or_update(request, access, *, plan, priority=None, action=None) -> dict:
    """The comment and progress-update forms on a priority's or action's page; returns errors, or {} if done.
    Who may post an update is decided by ``may_update`` (the view offers the form, the action checks it)."""
    step = request.POST.get("step")
    try:
        if step == "comment":
            do.add_comment(plan, text=request.POST.get("text", ""), speaking_for=request.POST.get("speaking_for", ""),
                           priority=priority, action=action, user=request.user)
            messages.success(request, "Your comment has been added.")
        elif step == "update":
            if not may_update(access, action or priority):
                raise PermissionDenied("Only the owner, the lead or a plan editor can post progress updates here.")
            do.post_update(priority=priority, action=action, rag=request.POST.get("rag", ""),
                           narrative=request.POST.get("narrative", ""), evidence=request.POST.get("evidence", ""),
                           corrects=_corrected(request, priority=priority, action=action), user=request.user)
            messages.success(request, "Progress update posted.")
        else:
            raise do.PlanError("Choose whether to post a progress update or a comment.")
    except do.PlanError as exc:
        return {f"{step}-{k}" if k else "": v for k, v in exc.errors.items()}
    return {}


# --------------------------------------------------------------------------- the plan


@council_view(AGGREGATES, post=PLAN)
def home(request, *, access):
    plan = _plan(access, required=False)
    errors = {}
    if request.method == "POST" and plan is not None:
        try:
            do.record_consultation(plan, held_on=posted_date(request.POST, "held_on"), who=request.POST.get("who", ""),
                                   how=request.POST.get("how", ""), summary=request.POST.get("summary", ""),
                                   user=request.user)
        except do.PlanError as exc:
            errors = {("held_on-day" if k == "held_on" else k): v for k, v in exc.errors.items()}
        else:
            messages.success(request, "Consultation recorded.")
            return redirect("plans:home", la=access.council.ons_code)
    context = _context(access, plan=plan, errors=errors, values=request.POST)
    if plan is not None:
        context.update(pages.overview(access.council, plan))
        today = timezone.localdate()
        context["action_rows"] = downloadable.action_rows(context["phases"], today)
        context["downloads"] = downloadable.plan_downloads(access.council, plan, context["phases"],
                                                           context["action_rows"], today)
    if request.method != "POST" and (response := tables.answer(request, context.get("downloads"))) is not None:
        return response
    return render(request, "plans/home.html", context)


@council_view(PLAN, post=PLAN)
def new_plan(request, *, access):
    values = {"title": f"{access.council.name} children's services improvement plan", "vision": "",
              "recommendations": "", "source": "", "kind": Recommendation.OFSTED}
    errors = {}
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in values})
        try:
            do.create_plan(access.council, title=values["title"], vision=values["vision"],
                           recommendations=values["recommendations"], source=values["source"], kind=values["kind"],
                           user=request.user)
        except do.PlanError as exc:
            errors = exc.errors
        else:
            messages.success(request, "Plan created. Add its priorities, and the actions that answer each "
                                      "recommendation.")
            return redirect("plans:home", la=access.council.ons_code)
    return render(request, "plans/plan_form.html", _context(access, values=values, errors=errors, new=True,
                                                            kinds=Recommendation.KINDS))


@council_view(PLAN, post=PLAN)
def edit_plan(request, *, access):
    plan = _plan(access)
    values, errors = {"title": plan.title, "vision": plan.vision}, {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            do.edit_plan(plan, title=values["title"], vision=values["vision"], user=request.user)
        except do.PlanError as exc:
            errors = exc.errors
        else:
            messages.success(request, "Plan saved. The earlier wording is kept in its history.")
            return redirect("plans:home", la=access.council.ons_code)
    return render(request, "plans/plan_form.html", _context(access, values=values, errors=errors, new=False))


@council_view(AGGREGATES, post=PLAN)
def recommendations(request, *, access):
    plan = _plan(access)
    values = {"kind": Recommendation.OFSTED, "reference": "", "text": "", "source": ""}
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            do.add_recommendation(plan, user=request.user, **values)
        except do.PlanError as exc:
            errors = exc.errors
        else:
            messages.success(request, "Recommendation recorded.")
            return redirect("plans:recommendations", la=access.council.ons_code)
    return render(request, "plans/recommendations.html", _context(
        access, plan=plan, recommendations=pages.recommendation_coverage(plan), values=values, errors=errors,
        kinds=Recommendation.KINDS))


# --------------------------------------------------------------------------- priorities


@council_view(AGGREGATES, post=AGGREGATES)
def priority(request, priority_id: int, *, access):
    """The board's progress view of one priority."""
    found = _priority(access, priority_id)
    errors = {}
    if request.method == "POST":
        errors = _post_comment_or_update(request, access, plan=found.plan, priority=found)
        if not errors:
            return redirect("plans:priority", la=access.council.ons_code, priority_id=found.pk)
    on = _as_at(request)
    return render(request, "plans/priority.html", _context(
        access, priority=found, plan=found.plan, errors=errors, values=request.POST,
        may_update=may_update(access, found),
        rags=Update.RAGS, **pages.progress(access.council, found, on=on)))


@council_view(PLAN, post=PLAN)
def priority_form(request, priority_id: int | None = None, *, access):
    plan = _plan(access)
    found = _priority(access, priority_id) if priority_id else None
    values = {"title": found.title if found else "", "description": found.description if found else "",
              "phase": found.phase if found else "", "lead": str(found.lead_id or "") if found else "",
              "teams": ", ".join(found.teams) if found else ""}
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            saved = do.save_priority(plan, found, title=values["title"], description=values["description"],
                                     phase=values["phase"], lead=person_in(access.council, values["lead"]),
                                     teams=values["teams"].split(","), user=request.user)
        except do.PlanError as exc:
            errors = exc.errors
        else:
            messages.success(request, "Priority saved.")
            return redirect("plans:priority", la=access.council.ons_code, priority_id=saved.pk)
    return render(request, "plans/priority_form.html", _context(
        access, priority=found, values=values, errors=errors, people=council_people(access.council),
        teams=pages.known_teams(access.council)))


@council_view(AGGREGATES, post=None)
def thread(request, priority_id: int, *, access):
    """The golden thread: from a priority down through its actions and measures to the teams, the children behind
    the figures (for roles that may see them) and the audits of those children."""
    found = _priority(access, priority_id)
    show_children = access.can(CHILD_LEVEL)
    context = pages.golden_thread(access, found, show_children=show_children)
    if show_children:
        log_child_access(request, access, subject=f"golden thread of priority {found.number} ({found.title})",
                         why="opened the golden thread from the improvement plan")
    return render(request, "plans/thread.html", _context(access, priority=found, show_children=show_children,
                                                         **context))


# --------------------------------------------------------------------------- actions


@council_view(AGGREGATES, post=AGGREGATES)
def action(request, action_id: int, *, access):
    found = _action(access, action_id)
    errors = {}
    if request.method == "POST":
        errors = _post_comment_or_update(request, access, plan=found.priority.plan, action=found)
        if not errors:
            return redirect("plans:action", la=access.council.ons_code, action_id=found.pk)
    return render(request, "plans/action.html", _context(
        access, action=found, errors=errors, values=request.POST, may_update=may_update(access, found),
        rags=Update.RAGS,
        **pages.action_page(access.council, found)))


@council_view(PLAN, post=PLAN)
def action_form(request, priority_id: int | None = None, action_id: int | None = None, *, access):
    found = _action(access, action_id) if action_id else None
    parent = found.priority if found else _priority(access, priority_id)
    values = {"title": found.title if found else "", "description": found.description if found else "",
              "owner": str(found.owner_id or "") if found else "", "lead": str(found.lead_id or "") if found else "",
              "status": found.status if found else PlanAction.NOT_STARTED,
              "teams": ", ".join(found.teams) if found else "",
              **date_values("start", found.start_date if found else None),
              **date_values("due", found.due_date if found else None)}
    chosen = {str(r) for r in found.recommendations.values_list("pk", flat=True)} if found else set()
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        chosen = set(request.POST.getlist("recommendations"))
        try:
            saved = do.save_action(
                parent, found, title=values["title"], description=values["description"],
                owner=person_in(access.council, values["owner"]), lead=person_in(access.council, values["lead"]),
                start_date=posted_date(request.POST, "start"), due_date=posted_date(request.POST, "due"),
                status=values["status"], recommendations=posted_ids(chosen),
                teams=values["teams"].split(","), user=request.user)
        except do.PlanError as exc:
            errors = {("due-day" if k == "due_date" else k): v for k, v in exc.errors.items()}
        else:
            messages.success(request, "Action saved.")
            return redirect("plans:action", la=access.council.ons_code, action_id=saved.pk)
    return render(request, "plans/action_form.html", _context(
        access, action=found, priority=parent, values=values, chosen=chosen, errors=errors,
        people=council_people(access.council), statuses=PlanAction.STATUSES,
        recommendations=parent.plan.recommendations.all(), teams=pages.known_teams(access.council)))


@council_view(PLAN, post=PLAN)
def measure_form(request, priority_id: int | None = None, action_id: int | None = None, *, access):
    found_action = _action(access, action_id) if action_id else None
    found_priority = None if found_action else _priority(access, priority_id)
    values = {"measure_id": request.GET.get("measure", ""), "baseline_value": "", "target_value": "",
              **date_values("baseline", None), **date_values("target", None)}
    if values["measure_id"]:
        values.update(pages.baseline_for(access.council, values["measure_id"]))
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        milestones = pages.milestones_from(request.POST.get("milestones", ""))
        try:
            if milestones is None:
                raise do.PlanError({"milestones": "Write each milestone as a date and a value, for example "
                                                  "'30/9/2027 70', one per line."})
            do.add_success_measure(
                priority=found_priority, action=found_action, measure_id=values["measure_id"],
                baseline_date=posted_date(request.POST, "baseline"), baseline_value=posted_number(values["baseline_value"]),
                target_date=posted_date(request.POST, "target"), target_value=posted_number(values["target_value"]),
                milestones=milestones, user=request.user)
        except do.PlanError as exc:
            errors = {({"baseline_date": "baseline-day", "target_date": "target-day"}.get(k, k)): v
                      for k, v in exc.errors.items()}
        else:
            messages.success(request, "Success measure added. Its status is computed from the live data.")
            if found_action:
                return redirect("plans:action", la=access.council.ons_code, action_id=found_action.pk)
            return redirect("plans:priority", la=access.council.ons_code, priority_id=found_priority.pk)
    return render(request, "plans/measure_form.html", _context(
        access, action=found_action, priority=found_priority or found_action.priority, values=values, errors=errors,
        choices=pages.measure_choices(access.council), milestones_text=request.POST.get("milestones", "")))


# --------------------------------------------------------------------------- teams and visits


@council_view(AGGREGATES, post=None)
def team(request, team: str, *, access):
    """Back up the golden thread: from a team to the priorities and actions it serves."""
    return render(request, "plans/team.html", _context(access, team=team, **pages.team_view(access.council, team)))


@council_view(AGGREGATES, post=None)
def visits(request, *, access):
    today = timezone.localdate()
    found = Visit.objects.filter(council=access.council).prefetch_related("priorities")
    return render(request, "plans/visits.html", _context(
        access, upcoming=[v for v in found if v.date >= today][::-1], past=[v for v in found if v.date < today]))


@council_view(PLAN, post=PLAN)
def new_visit(request, *, access):
    return _visit_page(request, access, None)


@council_view(AGGREGATES, post=PLAN)
def visit(request, visit_id: int, *, access):
    found = Visit.objects.filter(council=access.council, pk=visit_id).first()
    if found is None:
        raise Http404("No such visit.")
    return _visit_page(request, access, found)


def _visit_page(request, access, found: Visit | None):
    """A visit's record (anyone in the council) and, for plan editors, the form to record or change it."""
    plan = _plan(access, required=False)
    priorities = list(plan.priorities.all()) if plan else []
    values = {"kind": found.kind if found else Visit.MONITORING, "title": found.title if found else "",
              "focus": found.focus if found else "", "findings": found.findings if found else "",
              **date_values("date", found.date if found else None)}
    chosen = {str(p) for p in found.priorities.values_list("pk", flat=True)} if found else set()
    errors = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        chosen = set(request.POST.getlist("priorities"))
        try:
            saved = do.record_visit(access.council, found, kind=values["kind"], date=posted_date(request.POST, "date"),
                                    title=values["title"], focus=values["focus"], findings=values["findings"],
                                    priorities=[p for p in priorities if str(p.pk) in chosen], user=request.user)
        except do.PlanError as exc:
            errors = {("date-day" if k == "date" else k): v for k, v in exc.errors.items()}
        else:
            messages.success(request, "Visit saved.")
            return redirect("plans:visit", la=access.council.ons_code, visit_id=saved.pk)
    return render(request, "plans/visit.html", _context(
        access, visit=found, values=values, chosen=chosen, errors=errors, kinds=Visit.KINDS, priorities=priorities,
        editable=may_edit_plan(access)))


# --------------------------------------------------------------------------- the self-evaluation


@council_view(PLAN, post=PLAN)
def edit_self_evaluation(request, *, access):
    """The council's self-evaluation for Ofsted, kept with the plan: written and changed by plan editors, every
    earlier version kept (goldthread.plans.selfevaluation)."""
    from . import selfevaluation

    plan = _plan(access)
    values = {"self_evaluation": plan.self_evaluation,
              "based_on": plan.self_evaluation_at.isoformat() if plan.self_evaluation_at else ""}
    errors, conflict = {}, False
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            changed = do.edit_self_evaluation(plan, text=values["self_evaluation"], based_on=values["based_on"],
                                              user=request.user)
        except do.SelfEvaluationConflict as exc:
            errors, conflict = exc.errors, True
            plan.refresh_from_db()  # their version is shown, and saving again starts from it
            values["based_on"] = plan.self_evaluation_at.isoformat() if plan.self_evaluation_at else ""
        except do.PlanError as exc:
            errors = exc.errors
        else:
            messages.success(request, "Self-evaluation saved. Earlier versions are kept." if changed else
                             "Nothing has changed: the self-evaluation already said that.")
            return redirect("plans:home", la=access.council.ons_code)
    return render(request, "plans/self_evaluation_form.html", _context(
        access, plan=plan, values=values, errors=errors, conflict=conflict, versions=selfevaluation.versions(plan)))
