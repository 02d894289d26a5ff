"""Reading GOV.UK form patterns the portal's apps share: date inputs and choosing a person in the council
(posted values themselves are read through goldthread.portal.posted)."""

from __future__ import annotations

import datetime as dt

from goldthread.accounts.models import Membership

from .posted import posted_id


def date_values(prefix: str, day: dt.date | None) -> dict[str, str]:
    """A date as the three fields of a GOV.UK date input."""
    if day is None:
        return {f"{prefix}-day": "", f"{prefix}-month": "", f"{prefix}-year": ""}
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def council_people(council, roles=None) -> list:
    """The people with a role in the council (optionally only these roles), by username."""
    members = Membership.objects.filter(council=council).select_related("user").order_by("user__username")
    if roles:
        members = members.filter(role__in=roles)
    return [m.user for m in members]


def person_in(council, user_id) -> object | None:
    """The person with this id, if they have a role in the council (anything else is None)."""
    wanted = posted_id(user_id)
    if wanted is None:
        return None
    return next((u for u in council_people(council) if u.pk == wanted), None)
