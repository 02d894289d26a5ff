"""A council's Annex A extracts, their rows per list and validation issues (their figures are in the measure
store, goldthread.store).

The eleven row tables are generated from the Annex A specification (goldthread.core.annexa.spec), so
each list's columns are declared in one place; migrations record them as ordinary models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldthread.core.annexa import spec as S
from goldthread.councils.models import LocalAuthority


class Extract(models.Model):
    """One council's Annex A as at an extract date."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="extracts")
    extract_date = models.DateField()
    extract_date_inferred = models.BooleanField(default=False)
    source_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    row_counts = models.JSONField(default=dict, help_text="Rows stored per list number.")
    rejected_counts = models.JSONField(default=dict, help_text="Rows left out per list number (errors).")
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    # Withdrawn by a council admin: no longer used by any page, measure or status from ``withdrawn_at`` on; the
    # rows stay until the retention period passes (goldthread.extracts.actions.purge_withdrawn).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_reason = models.TextField(blank=True)
    reinstated_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True, help_text="When a withdrawn extract's rows were deleted.")
    accepted_concerns = models.JSONField(
        default=list, blank=True,
        help_text="Differences from the previous extract that the importer read and accepted.")

    class Meta:
        ordering = ["council", "-extract_date"]
        get_latest_by = "extract_date"
        constraints = [
            models.UniqueConstraint(fields=["council", "extract_date"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="one_live_extract_per_council_and_date"),
            models.UniqueConstraint(fields=["council", "sha256"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="same_file_live_once"),
        ]

    def __str__(self) -> str:
        return f"{self.council} Annex A as at {self.extract_date:%d %B %Y}"

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Upload(models.Model):
    """A workbook uploaded through the portal: checked first (by the worker), imported only when someone
    confirms the extract date and any differences from the previous extract.

    checking -> validated (or refused) -> queued -> importing -> imported, unchanged, refused or failed;
    validated -> expired when nobody confirms it in time (its file is deleted)."""

    CHECKING, VALIDATED, REFUSED, QUEUED, IMPORTING, IMPORTED, UNCHANGED, FAILED, EXPIRED = (
        "checking", "validated", "refused", "queued", "importing", "imported", "unchanged", "failed", "expired")
    WAITING = (CHECKING, VALIDATED, QUEUED, IMPORTING)  # the file is still needed

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=100, help_text="The file's name in the private uploads folder.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    extract_date = models.DateField(null=True, blank=True)
    extract_date_given = models.BooleanField(
        default=False, help_text="The uploader gave the date (otherwise it was proposed from the file).")
    date_proposal = models.JSONField(null=True, blank=True, help_text="How the date was proposed, when not given.")
    status = models.CharField(max_length=10, default=CHECKING)
    message = models.TextField(blank=True, help_text="Why it was refused or failed, in one sentence.")
    row_counts = models.JSONField(default=dict)
    issues = models.JSONField(default=list)
    concerns = models.JSONField(default=list, help_text="Differences from the previous extract to confirm.")
    checked_at = models.DateTimeField(null=True, blank=True)
    replace = models.BooleanField(default=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    progress = models.JSONField(default=dict)
    extract = models.ForeignKey(Extract, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} for {self.council} ({self.status})"

    @property
    def error_count(self) -> int:
        return sum(1 for i in self.issues if i["severity"] == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for i in self.issues if i["severity"] == "warning")


class ValidationIssue(models.Model):
    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="issues")
    severity = models.CharField(max_length=7, choices=[("error", "Error"), ("warning", "Warning")])
    kind = models.CharField(max_length=40)
    message = models.TextField()
    list_number = models.PositiveSmallIntegerField(null=True)
    sheet = models.CharField(max_length=255, blank=True)
    row = models.PositiveIntegerField(null=True)
    column = models.CharField(max_length=255, blank=True)
    value = models.TextField(blank=True)
    expected = models.TextField(blank=True)

    class Meta:
        ordering = ["list_number", "row", "id"]

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


class ListRow(models.Model):
    """Fields every list row has; each list adds its own columns."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    row_number = models.PositiveIntegerField(help_text="The row as numbered in the uploaded spreadsheet.")
    extra = models.JSONField(null=True, blank=True, help_text="Columns the specification does not know.")

    class Meta:
        abstract = True


def _field(column: S.Column) -> models.Field:
    label = column.header[:250]
    if column.kind == S.DATE:
        return models.DateField(label, null=True)
    if column.kind in (S.INT, S.AGE):
        return models.PositiveIntegerField(label, null=True)
    if column.kind == S.BOOL:
        return models.BooleanField(label, null=True)
    if column.name in ("child_id", "adopter_id"):
        return models.CharField(label, max_length=100, db_index=True)
    return models.TextField(label, null=True)


def _row_model(list_spec: S.ListSpec) -> type[models.Model]:
    attrs = {column.name: _field(column) for column in list_spec.columns}
    attrs["__module__"] = __name__
    attrs["Meta"] = type("Meta", (), {
        "verbose_name": f"{list_spec.label} row",
        "ordering": ["extract", "row_number"],
        "indexes": [models.Index(fields=["extract", "row_number"], name=f"list{list_spec.number}_extract_row")],
    })
    return type(f"List{list_spec.number}Row", (ListRow,), attrs)


ROW_MODELS: dict[int, type[models.Model]] = {s.number: _row_model(s) for s in S.LISTS}
globals().update({model.__name__: model for model in ROW_MODELS.values()})
