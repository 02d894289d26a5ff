"""Who may see what: a role per council for each person, and the log of access to child-level data."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldthread.councils.models import LocalAuthority


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    PRACTITIONER = "practitioner", "Practitioner"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor"
    MANAGER = "manager", "Manager"
    COUNCIL_ADMIN = "council_admin", "Council admin"


ROLE_DESCRIPTIONS = {
    Role.VIEWER: "Sees the council's measures (aggregates only).",
    Role.PRACTITIONER: "Sees the measures and the children allocated to them.",
    Role.ANALYST: "Sees the measures and the lists of children behind them, and uploads extracts.",
    Role.AUDITOR: "Sees the measures and the children behind them, for case audits.",
    Role.MANAGER: "Sees the measures and the children behind them, uploads extracts and leads improvement work.",
    Role.COUNCIL_ADMIN: "Everything a manager can, and manages the council's people, settings and access log.",
}


def display_name(user) -> str:
    """How a person is named on pages, records and exports: their full name, else their username."""
    return user.get_full_name() or user.get_username()


class Membership(models.Model):
    """A person's role in one council. A DfE adviser or regional analyst may have several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    worker_name = models.CharField(
        max_length=200, blank=True,
        help_text="For practitioners: their name as it appears in Annex A's Allocated Worker column.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "council"], name="one_role_per_council")]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display().lower()} in {self.council}"


class NationalRole(models.Model):
    """A national role: DfE staff or a regional improvement alliance. Everyone signed in reads published
    national data; a national reader is recorded as such (with their organisation) and reads the register's
    proposed corrections; a national editor also keeps the intervention register and decides the corrections
    councils propose to it."""

    READER, EDITOR = "reader", "editor"
    ROLES = [(READER, "National reader"), (EDITOR, "National editor")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="national_role")
    role = models.CharField(max_length=20, choices=ROLES)
    organisation = models.CharField(max_length=200, help_text="For example 'DfE' or 'Yorkshire and the Humber "
                                                              "regional improvement alliance'.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display().lower()} ({self.organisation})"


class AccessLogEntry(models.Model):
    """One view or export of child-level data: who, when, which child or list, why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, help_text="Kept if the account is later removed.")
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="access_log")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20, choices=[("view", "Viewed"), ("export", "Exported")])
    child_id = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=300, help_text="What was seen: a child's record, or which list.")
    why = models.CharField(max_length=300, help_text="The purpose: how the user came to it.")
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action} {self.subject}"
