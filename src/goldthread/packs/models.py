"""Packs: each generated pack (kept, with its file, so it can be downloaded again) and each council's choices
(the sections of each pack kind, its title page, its logo).

A generated pack's file is kept in the database, not on disk: a pack can hold children's records or named
workers' caseloads (OFFICIAL-SENSITIVE), and the database is what is secured and backed up."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldthread.core.packs.kinds import FORMATS, KINDS
from goldthread.councils.models import LocalAuthority

USER = settings.AUTH_USER_MODEL


class PackSettings(models.Model):
    """A council's choices for one pack kind: which sections, and the title page's name and contact."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="pack_settings")
    kind = models.CharField(max_length=20, choices=[(k, v.title) for k, v in KINDS.items()])
    sections = models.JSONField(default=list, help_text="The keys of the sections in the pack, in any order.")
    title = models.CharField(max_length=200, blank=True, help_text="The title page's title; blank for the kind's.")
    contact = models.TextField(blank=True, help_text="Who to contact about the pack, on its title page.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "kind"], name="one_pack_settings_per_kind")]
        verbose_name_plural = "pack settings"

    def __str__(self) -> str:
        return f"{self.council}: {self.kind} pack settings"


class PackLogo(models.Model):
    """The council's logo for its packs' title pages: a PNG re-encoded from the upload in the limited reading
    process (goldthread.core.images), never the uploaded file itself."""

    council = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, related_name="pack_logo")
    png = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.council}'s logo ({self.width} by {self.height})"


class GeneratedPack(models.Model):
    """One pack asked for and made: its kind, council, as-at date, the council's data version when it was made,
    who asked and when, its format and the file itself."""

    QUEUED, WORKING, READY, FAILED, REFUSED = "queued", "working", "ready", "failed", "refused"
    STATUSES = [(QUEUED, "Waiting to start"), (WORKING, "Being made"), (READY, "Ready"), (FAILED, "Failed"),
                (REFUSED, "Refused")]
    WAITING = (QUEUED, WORKING)
    PORTAL, COMMAND = "portal", "command line"

    council = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="packs", help_text="None for an adviser's pack across councils.")
    kind = models.CharField(max_length=20, choices=[(k, v.title) for k, v in KINDS.items()])
    format = models.CharField(max_length=4, choices=list(FORMATS.items()))
    as_at = models.DateField(help_text="Only what was known by the end of this day is in the pack.")
    live = models.BooleanField(default=True, help_text="Made from the data as it stands (as at the day it was "
                                                        "asked for), rather than as known at a past date.")
    options = models.JSONField(default=dict, blank=True, help_text="E.g. the visit an Ofsted pack is for.")
    sections = models.JSONField(default=list, blank=True, help_text="The sections in the pack, in order.")
    data_version = models.PositiveIntegerField(null=True, blank=True,
                                               help_text="The council's data version when the pack was made.")
    requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by_name = models.CharField(max_length=200, help_text="Kept if the account is later removed.")
    via = models.CharField(max_length=20, default=PORTAL)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED)
    progress = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    child_level = models.BooleanField(default=False, help_text="It lists children (logged as a child-level export).")
    named_workers = models.BooleanField(default=False, help_text="It names workers with their caseloads.")
    file = models.BinaryField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True, help_text="How long making it took.")

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.council or 'several councils'} as at {self.as_at}"

    @property
    def marked(self) -> bool:
        return self.child_level or self.named_workers

    @property
    def kind_title(self) -> str:
        return KINDS[self.kind].title if self.kind in KINDS else self.kind

    @property
    def kind_in_sentence(self) -> str:
        return KINDS[self.kind].in_sentence if self.kind in KINDS else self.kind
