"""The one place that decides who may see and do what, for each council and for national data.

Every view that touches a council's data calls ``council_access`` (through the ``council_view`` decorator);
every child-level row a page shows comes through ``Access.child_filter``; every child-level page view or export
is written to the access log with ``log_child_access``, its reason decided here (``reason_from``). Decisions
about one object (an audit, an action, a plan item, an entry in the intervention register) are the ``may_*``
rules below: views call them to decide what to show, and the actions in ``audits.actions``, ``plans.actions``
and ``national.actions`` call them again (through ``enforce``), so a command or task that calls an action
cannot get round them. Nothing else makes these decisions.

Roles and what they may do in a council:

============== ========== ===================== ====== ===== ==== ======== ========================
role           aggregates child-level rows      upload audit plan settings people and access log
============== ========== ===================== ====== ===== ==== ======== ========================
viewer         yes        no                    no     no    no   no       no
practitioner   yes        their own children    no     no    no   no       no
analyst        yes        yes                   yes    no    no   no       no
auditor        yes        yes                   no     yes   no   no       no
manager        yes        yes                   yes    yes   yes  no       no
council admin  yes        yes                   yes    yes   yes  yes      yes
============== ========== ===================== ====== ===== ==== ======== ========================

"Audit" is running case audits: tools, programmes and samples, allocating and conducting audits, agreeing
actions and re-audits, moderating and verifying. Audits and their actions are child-level records: a
practitioner sees the audits of the children allocated to them and the actions they own.

"Plan" is editing the improvement plan. Everyone in the council reads it and may comment on it.

Rules about one object (every rule is false for a person with no role in the object's council):

======================================= =====================================================================
rule                                    who
======================================= =====================================================================
``may_run_audits(access)``              the audit capability: tools, programmes, allocating, conducting,
                                        agreeing actions, scheduling re-audits
``may_see_audit(access, audit)``        child-level access; a practitioner only for their own children
``may_conduct(access, audit)``          the audit capability
``may_reflect(access, audit)``          whoever may see the audit (the practice conversation)
``may_moderate(access, audit)``         the audit capability, and neither the auditor nor whoever last saved it
``may_see_action(access, action)``      child-level access; a practitioner only the actions they own or for
                                        their own children
``may_close(access, action)``           the action's owner, or the audit capability
``may_verify(access, action)``          the audit capability, and neither the owner nor whoever closed it
``may_edit_plan(access)``               the plan capability: the plan's wording, recommendations, priorities,
                                        actions, success measures, visits and consultations
``may_update(access, item)``            a plan editor; an action's owner; a priority's lead
``may_comment(access, plan)``           everyone with a role in the plan's council
``may_upload(access)``                  the upload capability: upload, check and import extracts
``may_withdraw_extracts(access)``       the council's admins: withdraw an extract (with a reason), reinstate it
``may_export_every_child(access)``      child-level access to every child (not a practitioner): take an extract
                                        away whole, in Ofsted's Annex A template
``may_generate_pack(access, kind)``     everyone with a role in the council, for the board, DfE, Ofsted and
                                        members' packs; what each holds follows ``may_see_pack_level``
``may_see_pack_level(access, level)``   aggregate figures and named workers' caseloads (the workforce page shows
                                        them to every role): everyone; sections listing children: child-level
                                        roles (a practitioner's lists only their own children)
``may_download_pack(access, pack)``     a generated pack again: whoever may generate its kind; one listing
                                        children only with child-level access to all of them (a practitioner:
                                        only a pack they made themselves)
``may_configure_packs(access)``         the council's admins: each pack kind's sections, title page and logo
======================================= =====================================================================

Published national data (Ofsted, DfE, ONS) is open to everyone signed in, including people with no council
role. A national role (``NationalRole``) is for DfE staff and regional improvement alliances:

======================================================== ==========================================================
rule                                                     who
======================================================== ==========================================================
``may_edit_register(user)``                              national editors and staff: add, change and import entries
                                                         in the intervention register, which is national data
``may_propose_correction(user, intervention)``           a manager or council admin of the entry's own council
``may_decide_proposal(user, proposal)``                  a national editor (or staff) who did not propose it
``may_read_all_proposals(user)``                         any national role, and staff; a council's managers and
                                                         admins read their own councils' proposals
``may_generate_adviser_pack(user)``                      anyone with a role in a council: the adviser's pack of
                                                         every council they have a role in (aggregates only)
``may_download_adviser_pack(user, pack)``                only the person who asked for it (``PACK_MAKER``): it
                                                         covers their councils, no one else's
======================================================== ==========================================================

Views declare their rule for reading (``access_rule``) and, explicitly, their rule for posting (``post_rule``)
through the decorators below, e.g. ``@council_view(AGGREGATES, post=PLAN)``; ``post=None`` means the view takes
no POST (405). The permission matrix (``portal/tests/test_permissions.py``) requires both on every URL, and sends
every URL's GET and POST as every person and checks both.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from goldthread.councils.models import LocalAuthority

from .models import AccessLogEntry, Membership, NationalRole, Role

log = logging.getLogger(__name__)

AGGREGATES = "aggregates"
CHILD_LEVEL = "child_level"  # all children's rows (a practitioner gets only their own, via child_filter)
UPLOAD = "upload"
SETTINGS = "settings"
AUDIT = "audit"  # run case audits
PLAN = "plan"  # edit the improvement plan
PEOPLE = "people"  # manage the council's people and read its access log

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({AGGREGATES}),
    Role.PRACTITIONER: frozenset({AGGREGATES, CHILD_LEVEL}),
    Role.ANALYST: frozenset({AGGREGATES, CHILD_LEVEL, UPLOAD}),
    Role.AUDITOR: frozenset({AGGREGATES, CHILD_LEVEL, AUDIT}),
    Role.MANAGER: frozenset({AGGREGATES, CHILD_LEVEL, UPLOAD, AUDIT, PLAN}),
    Role.COUNCIL_ADMIN: frozenset({AGGREGATES, CHILD_LEVEL, UPLOAD, AUDIT, PLAN, SETTINGS, PEOPLE}),
}

# Rules views declare that are not council capabilities.
SIGNED_IN = "signed in"
NATIONAL_EDITOR = "national editor"
CORRECTION_PROPOSER = "correction proposer"  # a manager or council admin of the register entry's council
PACK_MAKER = "pack maker"  # the person who asked for an adviser's pack
PROPOSER_ROLES = (Role.MANAGER, Role.COUNCIL_ADMIN)

# What an action says when a rule refuses a change.
NOT_A_PLAN_EDITOR = "Only managers and council admins edit the improvement plan."
NOT_THEIR_UPDATE = "Only the owner, the lead or a plan editor can post progress updates here."
NOT_IN_THE_COUNCIL = "Only people with a role in the council can comment on its plan."


@dataclass(frozen=True)
class Access:
    """What one person may do in one council."""

    council: LocalAuthority
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def user_id(self) -> int:
        return self.membership.user_id

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES[self.role]

    @property
    def own_children_only(self) -> bool:
        return self.role == Role.PRACTITIONER

    def is_own_child(self, allocated_worker: str | None) -> bool:
        """Whether a practitioner is the allocated worker (as Annex A names them)."""
        name = self.membership.worker_name.strip().casefold()
        return bool(name) and (allocated_worker or "").strip().casefold() == name

    def child_filter(self, rows):
        """Keep only the child-level rows this person may see (a DataFrame with an ``allocated_worker``
        column, or a queryset of list rows). Raises PermissionDenied without child-level access."""
        if not self.can(CHILD_LEVEL):
            raise PermissionDenied("Your role does not include child-level records.")
        if not self.own_children_only:
            return rows
        name = self.membership.worker_name.strip().casefold()
        if hasattr(rows, "filter") and hasattr(rows, "model"):  # a queryset
            return rows.filter(allocated_worker__iexact=name) if name else rows.none()
        if not name:
            return rows.iloc[0:0]
        return rows[rows["allocated_worker"].fillna("").str.strip().str.casefold() == name]

    def action_filter(self, actions, user):
        """Keep the audit actions (a queryset) this person may see: all with child-level access, and for a
        practitioner those they own or that are for children allocated to them."""
        if not self.can(CHILD_LEVEL):
            raise PermissionDenied("Your role does not include child-level records.")
        if not self.own_children_only:
            return actions
        name = self.membership.worker_name.strip()
        mine = Q(owner=user)
        return actions.filter(mine | Q(audit__allocated_worker__iexact=name) if name else mine)


def memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("council").order_by("council__name"))


def access_for(user, council) -> Access | None:
    """A person's access to a council outside a request (an action checking its rules), or None."""
    if user is None or not getattr(user, "is_authenticated", False) or council is None:
        return None
    membership = Membership.objects.filter(user=user, council=council).select_related("council").first()
    return Access(membership.council, membership) if membership else None


def aggregate_councils(user) -> list[LocalAuthority]:
    """The councils whose aggregates the person may see together (the adviser's overview, a measure pooled
    across councils): every council they have a role in, by name. Nothing about children is shown there."""
    return [m.council for m in memberships(user) if AGGREGATES in CAPABILITIES[m.role]]


def enforce(rule, user, council, *objects, message: str, person_required: bool = False) -> None:
    """Raise PermissionDenied(message) unless ``rule(access, *objects)`` holds for the person in the council.

    Actions call this before changing anything. ``user`` None is a change made on the server with no person
    behind it (the demo, or an operator's command that records no one); an action whose change is always a
    person's (submitting an audit, moderating, verifying, an update, a comment) passes ``person_required``."""
    if user is None and not person_required:
        return
    if not rule(access_for(user, council), *objects):
        raise PermissionDenied(message)


def enforce_national(rule, user, *objects, message: str, person_required: bool = False) -> None:
    """As ``enforce``, for the rules about national data, which take the person rather than a council role."""
    if user is None and not person_required:
        return
    if not rule(user, *objects):
        raise PermissionDenied(message)


def _same_council(access: Access | None, council_id) -> bool:
    return access is not None and access.council.pk == council_id


# --------------------------------------------------------------------------- case audits


def may_run_audits(access: Access | None) -> bool:
    """Tools, programmes, allocating, conducting, agreeing actions and scheduling re-audits."""
    return access is not None and access.can(AUDIT)


def may_see_audit(access: Access | None, audit) -> bool:
    if not _same_council(access, audit.council_id) or not access.can(CHILD_LEVEL):
        return False
    return not access.own_children_only or access.is_own_child(audit.allocated_worker)


def may_conduct(access: Access | None, audit) -> bool:
    return _same_council(access, audit.council_id) and may_run_audits(access)


def may_reflect(access: Access | None, audit) -> bool:
    """The practice conversation: the allocated worker, their manager, anyone who may see the audit."""
    return may_see_audit(access, audit)


def may_moderate(access: Access | None, audit) -> bool:
    """Someone who runs audits, other than the auditor (and whoever last saved the audit)."""
    return (_same_council(access, audit.council_id) and may_run_audits(access)
            and access.user_id not in (audit.auditor_id, audit.updated_by_id))


def may_see_action(access: Access | None, action) -> bool:
    if not _same_council(access, action.council_id) or not access.can(CHILD_LEVEL):
        return False
    return (not access.own_children_only or action.owner_id == access.user_id
            or access.is_own_child(action.audit.allocated_worker))


def may_close(access: Access | None, action) -> bool:
    """The action's owner closes it with evidence (or someone who runs audits, on their behalf)."""
    return may_see_action(access, action) and (action.owner_id == access.user_id or access.can(AUDIT))


def may_verify(access: Access | None, action) -> bool:
    """Someone who runs audits, other than the owner and whoever closed it."""
    return (_same_council(access, action.council_id) and may_run_audits(access)
            and access.user_id not in (action.owner_id, action.closed_by_id))


# --------------------------------------------------------------------------- extracts


def may_upload(access: Access | None) -> bool:
    """Upload an extract, check it against another date, confirm its import."""
    return access is not None and access.can(UPLOAD)


def may_export_every_child(access: Access | None) -> bool:
    """Take every child's records away in one file (the extract in Ofsted's Annex A template): child-level access
    to all children, so not a practitioner, who sees only the children allocated to them."""
    return access is not None and access.can(CHILD_LEVEL) and not access.own_children_only


def may_change_settings(access: Access | None) -> bool:
    """Change the council's settings, targets and population by group: the council's admins."""
    return access is not None and access.can(SETTINGS)


def may_withdraw_extracts(access: Access | None) -> bool:
    """Withdraw an extract the council's pages use (every number then follows the previous one), or reinstate
    it: the council's admins, who answer for its data."""
    return access is not None and access.can(SETTINGS)


# --------------------------------------------------------------------------- packs


def may_generate_pack(access: Access | None, kind: str) -> bool:
    """A council's pack of a kind (board, DfE, Ofsted, members): everyone with a role in the council. What it
    holds follows the person's role, section by section (``may_see_pack_level``), so a pack never shows what
    the pages would not show them."""
    from goldthread.core.packs.kinds import KINDS

    found = KINDS.get(kind)
    return access is not None and found is not None and found.per_council and access.can(AGGREGATES)


def may_see_pack_level(access: Access | None, level: str) -> bool:
    """Whether a pack made by this person holds sections with this level of personal data: aggregate figures and
    named workers' caseloads for everyone (the workforce page shows workers' caseloads to every role); children
    only with child-level access (a practitioner's pack lists only their own children, through child_filter)."""
    from goldthread.core.packs import document

    if access is None:
        return False
    if level in (document.AGGREGATE, document.NAMED_WORKERS):
        return access.can(AGGREGATES)
    return level == document.CHILD_LEVEL and access.can(CHILD_LEVEL)


def may_download_pack(access: Access | None, pack) -> bool:
    """A generated pack, again: whoever may generate its kind in its council; a pack listing children only for
    someone with child-level access to every child (a practitioner only a pack they made themselves, which lists
    only their own children)."""
    if not _same_council(access, pack.council_id) or not may_generate_pack(access, pack.kind):
        return False
    if not pack.child_level:
        return True
    return access.can(CHILD_LEVEL) and (not access.own_children_only or pack.requested_by_id == access.user_id)


def may_configure_packs(access: Access | None) -> bool:
    """Each pack kind's sections, its title page and the council's logo: the council's admins."""
    return access is not None and access.can(SETTINGS)


def may_generate_adviser_pack(user) -> bool:
    """The adviser's pack (goldthread.portal.overview): anyone with a role in at least one council; it holds the
    aggregates of every council they have a role in, and nothing about children."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(AGGREGATES in CAPABILITIES[m.role] for m in Membership.objects.filter(user=user))


def may_download_adviser_pack(user, pack) -> bool:
    """An adviser's pack covers the councils of the person who asked for it: only they download it."""
    return (user is not None and getattr(user, "is_authenticated", False) and pack.council_id is None
            and pack.kind == "adviser" and pack.requested_by_id == user.pk)


# --------------------------------------------------------------------------- improvement plans


def may_edit_plan(access: Access | None) -> bool:
    return access is not None and access.can(PLAN)


def _plan_council_id(item) -> int:
    """The council of a plan, priority or plan action."""
    from goldthread.plans.models import Plan, PlanAction, Priority

    if isinstance(item, Plan):
        return item.council_id
    if isinstance(item, Priority):
        return item.plan.council_id
    if isinstance(item, PlanAction):
        return item.priority.plan.council_id
    raise TypeError(f"not part of a plan: {item!r}")


def may_update(access: Access | None, item) -> bool:
    """Post a progress update on a plan action (its owner) or a priority (its lead), or as a plan editor."""
    from goldthread.plans.models import PlanAction

    if not _same_council(access, _plan_council_id(item)):
        return False
    mine = item.owner_id if isinstance(item, PlanAction) else item.lead_id
    return may_edit_plan(access) or mine == access.user_id


def may_comment(access: Access | None, plan) -> bool:
    return _same_council(access, _plan_council_id(plan))


# --------------------------------------------------------------------------- national data


def national_role(user) -> NationalRole | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return NationalRole.objects.filter(user=user).first()


def may_edit_register(user) -> bool:
    """Add, change and import entries in the intervention register: national data, kept by national editors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or NationalRole.objects.filter(user=user, role=NationalRole.EDITOR).exists()


def proposing_councils(user) -> set[int]:
    """The councils (ids) whose register entries the person may propose corrections to."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user, role__in=PROPOSER_ROLES).values_list("council_id", flat=True))


def may_propose_correction(user, intervention) -> bool:
    """A manager or council admin proposes a correction to an entry for their own council."""
    return intervention.council_id in proposing_councils(user)


def may_decide_proposal(user, proposal) -> bool:
    """A national editor accepts or rejects a proposed correction (never their own)."""
    return may_edit_register(user) and proposal.proposed_by_id != user.pk


def may_read_all_proposals(user) -> bool:
    return may_edit_register(user) or national_role(user) is not None


def visible_proposals(user, proposals):
    """The proposed corrections (a queryset) this person may read: all for national roles and staff; their
    own councils' for a council's managers and admins; none for anyone else."""
    if may_read_all_proposals(user):
        return proposals
    return proposals.filter(council_id__in=proposing_councils(user))


# --------------------------------------------------------------------------- requests


def _own_memberships(request: HttpRequest) -> list[Membership]:
    """The signed-in person's roles with their councils and settings: one query per request, shared by the
    second-factor check and ``council_access``."""
    found = getattr(request, "_goldthread_memberships", None)
    if found is None:
        found = list(Membership.objects.filter(user=request.user).select_related("council__settings"))
        request._goldthread_memberships = found
    return found


def council_access(request: HttpRequest, ons_code: str, capability: str = AGGREGATES) -> Access:
    """The person's access to the council, or PermissionDenied. Http404 for a code that is no council."""
    membership = next((m for m in _own_memberships(request) if m.council.ons_code == ons_code), None)
    if membership is None:
        council = LocalAuthority.objects.filter(ons_code=ons_code).first()
        if council is None:
            raise Http404("No such council.")
        raise PermissionDenied(f"You do not have a role in {council.name}.")
    council = membership.council
    access = Access(council, membership)
    if not access.can(capability):
        raise PermissionDenied(f"Your role in {council.name} does not allow this.")
    return access


def needs_second_factor(request: HttpRequest) -> bool:
    """Whether this signed-in person must still enter a one-time code: they have set up an authenticator,
    or any of their councils requires one."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if any(getattr(getattr(m.council, "settings", None), "require_two_factor", False)
           for m in _own_memberships(request)):
        return True
    return any(model.objects.devices_for_user(user, confirmed=True).exists() for model in _device_models())


@functools.cache
def _device_models() -> tuple:
    """django-otp's device classes, found once (its user_has_device scans every model on each call)."""
    from django_otp import device_classes

    return tuple(device_classes())


_SAME = object()  # a view's POST rule is its GET rule unless it says otherwise


def _not_signed_in(request: HttpRequest):
    """The response for someone not (fully) signed in, or None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if needs_second_factor(request):
        return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}")
    return None


def _is_post(request: HttpRequest) -> bool:
    return request.method not in ("GET", "HEAD", "OPTIONS")


def _declared(view, check, rule: str, post):
    """Wrap a view: signed in, then ``check(request, kwargs)`` (raises PermissionDenied, or returns keyword
    arguments for the view), then a POST to a view that takes none is 405. Declares the view's rules."""
    post_rule = rule if post is _SAME else post

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        refused = _not_signed_in(request)
        if refused is not None:
            return refused
        more = check(request, kwargs) or {}
        if _is_post(request) and post_rule is None:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(request, *args, **kwargs, **more)

    # post_declared: the view says who may post (None: nobody) rather than taking its reading rule by default.
    wrapped.access_rule, wrapped.post_rule, wrapped.post_declared = rule, post_rule, post is not _SAME
    return wrapped


def signed_in(view=None, *, rule: str = SIGNED_IN, post=_SAME):
    """Require a signed-in person who has passed any second-factor check. ``post=None``: the view takes no
    POST (405). ``rule`` names a rule the view itself checks on its object (``CORRECTION_PROPOSER``)."""

    def decorate(view):
        return _declared(view, lambda request, kwargs: None, rule, post)

    return decorate(view) if view is not None else decorate


def national_editor(view=None, *, post=_SAME):
    """Require a national editor (or staff): the intervention register is national data."""

    def check(request, kwargs):
        if not may_edit_register(request.user):
            raise PermissionDenied("Only national editors (the DfE and regional improvement alliances) can change "
                                   "the intervention register. A council's managers and admins can propose a "
                                   "correction to their own council's entries.")

    def decorate(view):
        return _declared(view, check, NATIONAL_EDITOR, post)

    return decorate(view) if view is not None else decorate


def adviser_pack_view(view=None, *, post=_SAME):
    """Decorate a view taking ``adviser_pack_id``: only the person who asked for that adviser's pack passes
    (``may_download_adviser_pack``; Http404 for an id that is no adviser's pack); the view receives ``pack``."""

    def check(request, kwargs):
        from goldthread.packs.models import GeneratedPack

        pack = GeneratedPack.objects.filter(pk=kwargs.pop("adviser_pack_id"), council__isnull=True).defer(
            "file").first()
        if pack is None:
            raise Http404("No such pack.")
        if not may_download_adviser_pack(request.user, pack):
            raise PermissionDenied("An adviser's pack covers the councils of the person who asked for it: only they "
                                   "can open it.")
        return {"pack": pack}

    def decorate(view):
        return _declared(view, check, PACK_MAKER, post)

    return decorate(view) if view is not None else decorate


def council_view(capability: str = AGGREGATES, *, post=_SAME):
    """Decorate a view taking ``la`` (the council's ONS code): it receives ``access`` as a keyword. ``post``:
    the capability a POST needs when it differs from ``capability`` (None: the view takes no POST, 405)."""
    post_rule = capability if post is _SAME else post

    def check(request, kwargs):
        access = council_access(request, kwargs.pop("la"), capability)
        if _is_post(request) and post_rule is not None and not access.can(post_rule):
            raise PermissionDenied(f"Your role in {access.council.name} does not allow this.")
        return {"access": access}

    def decorate(view):
        return _declared(view, check, capability, post)

    return decorate


# --------------------------------------------------------------------------- the access log

OPENED_DIRECTLY = "opened directly"
_FROM_MEASURE = re.compile(r"measure ([a-z0-9_]{1,80})")
_FROM_THREAD = re.compile(r"golden thread priority (\d{1,6})")


def reason_from(request: HttpRequest, access: Access) -> str:
    """The "why" of an access log entry, decided on the server. A page links to a child-level page with
    ``from`` naming the route it came by: ``measure <measure id>`` (the children behind a measure) or
    ``golden thread priority <number>`` (a priority of this council's plan). A route that exists is put into
    words here; anything else, or no ``from``, is recorded as "opened directly"."""
    given = " ".join((request.GET.get("from") or "").split())
    if match := _FROM_MEASURE.fullmatch(given):
        from goldthread.core.measures import REGISTRY

        measure = REGISTRY.get(match.group(1))
        if measure is not None:
            return f"drill-down from the measure '{measure.title}' ({measure.id})"
    elif match := _FROM_THREAD.fullmatch(given):
        from goldthread.plans.models import Priority

        priority = Priority.objects.filter(plan__council=access.council, number=int(match.group(1))).first()
        if priority is not None:
            return f"golden thread of priority {priority.number} ('{priority.title}')"
    return OPENED_DIRECTLY


def log_command_export(council, *, command: str, subject: str, why: str) -> AccessLogEntry:
    """Record a child-level export made by an operator's command on the server (a pack from cron), where no
    person is signed in: the command stands in the log where a person's name would be."""
    entry = AccessLogEntry.objects.create(user=None, username=command[:150], council=council, action="export",
                                          subject=subject[:300], why=why[:300], path=command[:300])
    log.info("child-level export by command %s in council %s", command.split()[0], council.ons_code)
    return entry


def log_child_access(request: HttpRequest, access: Access, *, subject: str, why: str, child_id: str = "",
                     action: str = "view") -> AccessLogEntry:
    """Record a view or export of child-level data. The log holds the child's identifier; the
    application log never does. ``why`` is the server's words (``reason_from``), never a request's."""
    entry = AccessLogEntry.objects.create(
        user=request.user, username=request.user.get_username(), council=access.council, action=action,
        child_id=child_id, subject=subject[:300], why=why[:300], path=request.path[:300])
    log.info("child-level %s by user %s in council %s", action, request.user.pk, access.council.ons_code)
    return entry
