"""Case audits: a council's audit tools (versioned), monthly programmes with their samples, the audits
themselves with the practice conversation and moderation, the actions they agree, and the audit measures
stored per month so pages only read.

Grades use Ofsted's four-point scale (goldthread.core.audits.tools.GRADES)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldthread.core.audits.tools import GRADES, grade_label
from goldthread.councils.models import LocalAuthority
from goldthread.extracts.models import Extract

GRADE_CHOICES = [(g, grade_label(g)) for g in GRADES]


class AuditTool(models.Model):
    """An audit form a council uses. Its questions live in versions: editing a tool that has been used
    makes a new version, and audits keep the version they were done with."""

    FULL, THEMATIC = "full", "thematic"
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="audit_tools")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=[(FULL, "Full practice audit"), (THEMATIC, "Thematic audit")])
    theme = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="one_tool_name_per_council")]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> AuditToolVersion:
        return self.versions.order_by("-number").first()


class AuditToolVersion(models.Model):
    """One version of a tool's sections and questions (a ``ToolDefinition`` as JSON). Never changed once an
    audit uses it."""

    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["tool", "-number"]
        constraints = [models.UniqueConstraint(fields=["tool", "number"], name="one_tool_version_number")]

    def __str__(self) -> str:
        return f"{self.tool.name}, version {self.number}"

    @property
    def sections(self) -> list[dict]:
        return self.definition.get("sections", [])


class Programme(models.Model):
    """A month's audit programme: a sample drawn from an extract, each case allocated to an auditor."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="audit_programmes")
    title = models.CharField(max_length=200)
    month = models.DateField(help_text="The first day of the month the programme covers.")
    tool_version = models.ForeignKey(AuditToolVersion, on_delete=models.PROTECT, related_name="+")
    extract = models.ForeignKey(Extract, null=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="The extract the sample was drawn from.")
    extract_date = models.DateField(help_text="Kept if the extract is later replaced.")
    plan = models.JSONField(help_text="The sampling plan (goldthread.core.audits.sampling.SamplingPlan), so the "
                                      "sample can be drawn again identically.")
    excluded = models.JSONField(default=list, help_text="Children left out as audited recently.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-month", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Audit(models.Model):
    """One child's case audit."""

    PLANNED, DRAFT, SUBMITTED, MODERATED = "planned", "draft", "submitted", "moderated"
    STATUSES = [(PLANNED, "Planned"), (DRAFT, "Draft"), (SUBMITTED, "Submitted"), (MODERATED, "Moderated")]

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="audits")
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="audits")
    tool_version = models.ForeignKey(AuditToolVersion, on_delete=models.PROTECT, related_name="audits")
    child_id = models.CharField(max_length=100, db_index=True)
    allocated_team = models.CharField(max_length=200, blank=True)
    allocated_worker = models.CharField(max_length=200, blank=True)
    cohort = models.CharField(max_length=60, blank=True)
    selection_reason = models.CharField(max_length=500, blank=True)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="audits_allocated")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PLANNED)
    # What the auditor records: {section key: {"evidence": str, "grade": str, "answers": {question key: str}}}
    findings = models.JSONField(default=dict)
    overall_grade = models.CharField(max_length=25, choices=GRADE_CHOICES, blank=True)
    summary = models.TextField(blank=True)
    themes = models.JSONField(default=list, help_text="Tagged findings, e.g. 'drift and delay'.")
    revision = models.PositiveIntegerField(default=0, help_text="Goes up with every save, to detect concurrent edits.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Moderation: a second person agrees or changes the grades, with reasons.
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="audits_moderated")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_grade = models.CharField(max_length=25, choices=GRADE_CHOICES, blank=True)
    moderated_sections = models.JSONField(default=dict, help_text="{section key: {'grade': str, 'reason': str}}")
    moderation_reason = models.TextField(blank=True)
    reaudit_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reaudits")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "status"], name="audit_council_status")]

    def __str__(self) -> str:
        return f"Audit {self.pk} of child {self.child_id}"

    @property
    def final_grade(self) -> str:
        return self.moderated_grade or self.overall_grade

    @property
    def is_complete(self) -> bool:
        return self.status in (self.SUBMITTED, self.MODERATED)


class Contribution(models.Model):
    """A practice conversation: the allocated worker's or team manager's reflection on the audit."""

    WORKER, MANAGER, OTHER = "allocated_worker", "team_manager", "other"
    ROLES = [(WORKER, "Allocated worker"), (MANAGER, "Team manager"), (OTHER, "Other practitioner")]
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=ROLES)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author_name} ({self.get_role_display()}) on audit {self.audit_id}"


class AuditAction(models.Model):
    """An action agreed at audit: for the child's plan, or for practice. Closed by its owner with evidence;
    the loop is closed only when someone else verifies it."""

    CHILD, PRACTICE = "child", "practice"
    OPEN, CLOSED, VERIFIED = "open", "closed", "verified"
    HIGH, MEDIUM, LOW = "high", "medium", "low"
    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="actions")
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="audit_actions")
    kind = models.CharField(max_length=10, choices=[(CHILD, "For the child's plan"), (PRACTICE, "For practice")])
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="audit_actions")
    owner_name = models.CharField(max_length=200)
    due_date = models.DateField()
    priority = models.CharField(max_length=10, choices=[(HIGH, "High"), (MEDIUM, "Medium"), (LOW, "Low")])
    status = models.CharField(max_length=10, default=OPEN,
                              choices=[(OPEN, "Open"), (CLOSED, "Closed, awaiting verification"), (VERIFIED, "Verified")])
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    evidence = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verification_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"Action {self.pk}: {self.description[:60]}"
