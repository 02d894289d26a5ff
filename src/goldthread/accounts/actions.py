"""State changes for people and their roles."""

from __future__ import annotations

from .models import Membership


def grant_role(user, council, role: str, *, worker_name: str = "") -> Membership:
    membership, _ = Membership.objects.update_or_create(user=user, council=council,
                                                        defaults={"role": role, "worker_name": worker_name})
    return membership


def revoke_role(user, council) -> None:
    Membership.objects.filter(user=user, council=council).delete()


def add_person(council, username: str, role: str, *, full_name: str = "", worker_name: str = "",
               password: str | None = None) -> Membership:
    """Give someone a role in the council, creating their account first if it does not exist."""
    from django.contrib.auth import get_user_model

    users = get_user_model()
    user = users.objects.filter(username=username).first()
    if user is None:
        user = users.objects.create_user(username, password=password, first_name=full_name[:150])
    return grant_role(user, council, role, worker_name=worker_name)
