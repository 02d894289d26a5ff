"""The one place that decides who may see and do what, for each council.

Every view that touches a council's data calls ``council_access`` (through the ``council_view``
decorator); every child-level row a page shows comes through ``Access.child_filter``; every child-level
page view or export is written to the access log with ``log_child_access``. Nothing else makes these
decisions.

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

"Audit" is running case audits: tools, programmes and samples, conducting, moderating (never one's own
audit) and verifying actions (never one's own). Audits and their actions are child-level records: a
practitioner sees the audits of the children allocated to them and the actions they own.

"Plan" is editing the improvement plan. Everyone in the council reads it and may comment on it; an action's
owner (and a priority's lead) post progress updates on their own part.

Published national data (Ofsted, DfE, ONS) is open to everyone signed in, including people with no
council role (a "national" user).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse

from goldthread.councils.models import LocalAuthority

from .models import AccessLogEntry, Membership, Role

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


@dataclass(frozen=True)
class Access:
    """What one person may do in one council."""

    council: LocalAuthority
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES[self.role]

    @property
    def own_children_only(self) -> bool:
        return self.role == Role.PRACTITIONER

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


def signed_in(view):
    """Require a signed-in person who has passed any second-factor check."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(request):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    wrapped.access_rule = "signed in"
    return wrapped


def council_view(capability: str = AGGREGATES):
    """Decorate a view taking ``la`` (the council's ONS code): it receives ``access`` as a keyword."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, la: str, *args, **kwargs):
            access = council_access(request, la, capability)
            return view(request, *args, access=access, **kwargs)

        wrapped = signed_in(wrapped)
        wrapped.access_rule = capability
        return wrapped

    return decorate


def log_child_access(request: HttpRequest, access: Access, *, subject: str, why: str, child_id: str = "",
                     action: str = "view") -> AccessLogEntry:
    """Record a view or export of child-level data. The log holds the child's identifier; the
    application log never does."""
    entry = AccessLogEntry.objects.create(
        user=request.user, username=request.user.get_username(), council=access.council, action=action,
        child_id=child_id, subject=subject[:300], why=why[:300], path=request.path[:300])
    log.info("child-level %s by user %s in council %s", action, request.user.pk, access.council.ons_code)
    return entry
