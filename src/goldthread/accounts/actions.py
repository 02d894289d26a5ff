"""State changes for people and their roles."""

from __future__ import annotations

from .models import Membership


def grant_role(user, council, role: str, *, worker_name: str = "") -> Membership:
    membership, _ = Membership.objects.update_or_create(user=user, council=council,
                                                        defaults={"role": role, "worker_name": worker_name})
    return membership


def revoke_role(user, council) -> None:
    Membership.objects.filter(user=user, council=council).delete()
