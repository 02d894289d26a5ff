"""Reading GOV.UK form patterns the portal's apps share: date inputs and choosing a person in the council."""

from __future__ import annotations

import datetime as dt

from goldthread.accounts.models import Membership


def date_from(post, prefix: str) -> dt.date | None:
    """A GOV.UK date input (prefix-day, prefix-month, prefix-year); None when blank or not a real date."""
    try:
        return dt.date(int(post.get(f"{prefix}-year", "")), int(post.get(f"{prefix}-month", "")),
                       int(post.get(f"{prefix}-day", "")))
    except ValueError:
        return None


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
    try:
        wanted = int(user_id)
    except (TypeError, ValueError):
        return None
    return next((u for u in council_people(council) if u.pk == wanted), None)
