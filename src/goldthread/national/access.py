"""Who may change the intervention register.

Published national data is open to everyone signed in (``goldthread.accounts.access.signed_in``). The
intervention register is shared by every council, so changing it (adding, editing or importing
entries) is for people who lead improvement work somewhere: a manager or council admin in any council,
or staff. Everyone signed in may read it.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied

from goldthread.accounts.access import signed_in
from goldthread.accounts.models import Membership, Role

EDITOR_ROLES = (Role.MANAGER, Role.COUNCIL_ADMIN)
INTERVENTION_EDITOR = "intervention editor"


def can_edit_interventions(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or Membership.objects.filter(user=user, role__in=EDITOR_ROLES).exists()


def intervention_editor(view):
    """Require a signed-in person who is a manager or council admin in any council, or staff."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not can_edit_interventions(request.user):
            raise PermissionDenied("Only managers and council admins can change the intervention register.")
        return view(request, *args, **kwargs)

    wrapped = signed_in(checked)
    wrapped.access_rule = INTERVENTION_EDITOR
    return wrapped
