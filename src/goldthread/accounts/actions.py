"""State changes for people and their roles."""

from __future__ import annotations

from .models import Membership, NationalRole


def grant_role(user, council, role: str, *, worker_name: str = "") -> Membership:
    membership, _ = Membership.objects.update_or_create(user=user, council=council,
                                                        defaults={"role": role, "worker_name": worker_name})
    return membership


def revoke_role(user, council) -> None:
    Membership.objects.filter(user=user, council=council).delete()


def grant_national_role(user, role: str, *, organisation: str) -> NationalRole:
    """Make someone a national reader or editor (DfE staff, a regional improvement alliance)."""
    if role not in dict(NationalRole.ROLES):
        raise ValueError(f"{role!r} is not a national role: use reader or editor.")
    if not organisation.strip():
        raise ValueError("Say which organisation the person works for, for example 'DfE'.")
    found, _ = NationalRole.objects.update_or_create(user=user, defaults={"role": role,
                                                                         "organisation": organisation.strip()[:200]})
    return found


def revoke_national_role(user) -> bool:
    """Take away someone's national role; returns whether they had one."""
    deleted, _ = NationalRole.objects.filter(user=user).delete()
    return bool(deleted)


def add_person(council, username: str, role: str, *, full_name: str = "", worker_name: str = "",
               password: str | None = None) -> Membership:
    """Give someone a role in the council, creating their account first if it does not exist."""
    from django.contrib.auth import get_user_model

    users = get_user_model()
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users.objects.create_user(username, password=password, first_name=full_name[:150])
    return grant_role(user, council, role, worker_name=worker_name)
