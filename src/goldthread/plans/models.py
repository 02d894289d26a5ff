"""A council's improvement plan: its vision, the recommendations and requirements it answers, priorities,
actions with owners and board-level leads, success measures with targets and trajectories, dated progress
updates, comments and consultation, and the visits and meetings that review it.

History is never rewritten. Updates are never changed (a correction is a new update naming the one it
corrects), and every change to the plan's structure is kept as a ``Revision`` snapshot, so the plan can be
read as it stood at any past board meeting."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldthread.councils.models import LocalAuthority, MeasureTarget

USER = settings.AUTH_USER_MODEL


class Plan(models.Model):
    """A council's improvement plan. It also keeps the council's self-evaluation, the section the council writes for
    Ofsted (``self_evaluation``, with who last changed it and when); every change to it is a ``Revision`` of the
    plan, so it can be read as it stood at any moment (goldthread.plans.selfevaluation)."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=200)
    vision = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    self_evaluation = models.TextField(blank=True)
    self_evaluation_at = models.DateTimeField(null=True, blank=True)
    self_evaluation_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """An inspection recommendation or an improvement notice's requirement the plan must answer."""

    OFSTED, NOTICE, DIRECTION, OTHER = "ofsted", "notice", "direction", "other"
    KINDS = [(OFSTED, "Ofsted recommendation"), (NOTICE, "Improvement notice requirement"),
             (DIRECTION, "Statutory direction"), (OTHER, "Other")]
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(max_length=10, choices=KINDS, default=OFSTED)
    reference = models.CharField(max_length=20, help_text="For example R1.")
    text = models.TextField()
    source = models.CharField(max_length=200, help_text="For example 'ILACS inspection published 12 March 2026'.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:60]}"


class Priority(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    phase = models.CharField(max_length=100, blank=True, help_text="The year or phase, e.g. 'Year 1 (2026-27)'.")
    lead = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The board-level sponsor.")
    teams = models.JSONField(default=list, blank=True, help_text="The allocated teams (as in Annex A) it is about.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "phase", "number"]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"


class PlanAction(models.Model):
    NOT_STARTED, IN_PROGRESS, COMPLETE, BLOCKED = "not_started", "in_progress", "complete", "blocked"
    STATUSES = [(NOT_STARTED, "Not started"), (IN_PROGRESS, "In progress"), (COMPLETE, "Complete"),
                (BLOCKED, "Blocked")]
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_actions")
    lead = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=STATUSES, default=NOT_STARTED)
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")
    teams = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class SuccessMeasure(models.Model):
    """A measure (Annex A, case audits, or a published national indicator as 'national:<id>') the plan judges a
    priority or action by, against the council's one target for it (``target``: its value, baseline, target date
    and milestones, shared with every other success measure on the same measure, the dashboard and the settings
    page). The target as it stood at a past moment is in ``councils.MeasureTargetChange``."""

    priority = models.ForeignKey(Priority, null=True, blank=True, on_delete=models.CASCADE, related_name="measures")
    action = models.ForeignKey(PlanAction, null=True, blank=True, on_delete=models.CASCADE, related_name="measures")
    measure_id = models.CharField(max_length=80)
    target = models.ForeignKey(MeasureTarget, on_delete=models.RESTRICT, related_name="success_measures")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(
            condition=models.Q(priority__isnull=False) | models.Q(action__isnull=False),
            name="success_measure_belongs_somewhere")]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.target_value} by {self.target_date}"

    # The target's path, read from the council's one target for the measure.
    @property
    def baseline_date(self):
        return self.target.baseline_date

    @property
    def baseline_value(self):
        return self.target.baseline_value

    @property
    def target_date(self):
        return self.target.target_date

    @property
    def target_value(self):
        return self.target.value

    @property
    def milestones(self):
        return self.target.milestones


class Update(models.Model):
    """An owner's dated progress report, with their RAG rating and evidence. Never changed: a correction is a new
    update that names the one it corrects."""

    GREEN, AMBER, RED = "green", "amber", "red"
    RAGS = [(GREEN, "Green"), (AMBER, "Amber"), (RED, "Red")]
    priority = models.ForeignKey(Priority, null=True, blank=True, on_delete=models.CASCADE, related_name="updates")
    action = models.ForeignKey(PlanAction, null=True, blank=True, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=200)
    written_at = models.DateTimeField(auto_now_add=True)
    rag = models.CharField(max_length=5, choices=RAGS)
    narrative = models.TextField()
    evidence = models.TextField(blank=True, help_text="Links to measures, audits or documents, one per line.")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.author_name} {self.written_at:%d/%m/%Y}: {self.rag}"


class Comment(models.Model):
    """Co-production: staff and partners comment on a priority or action."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    priority = models.ForeignKey(Priority, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    action = models.ForeignKey(PlanAction, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=200)
    speaking_for = models.CharField(max_length=200, blank=True, help_text="A team or partner, e.g. 'Police'.")
    text = models.TextField()
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.written_at:%d/%m/%Y}"


class Consultation(models.Model):
    """Who was consulted on the plan, when and how."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField()
    who = models.CharField(max_length=300)
    how = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.how} with {self.who}, {self.held_on:%d/%m/%Y}"


class Visit(models.Model):
    """An Ofsted monitoring or focused visit, a DfE review or a board meeting, with what it looked at and found."""

    MONITORING, FOCUSED, DFE_REVIEW, BOARD, OTHER = "monitoring", "focused", "dfe_review", "board", "other"
    KINDS = [(MONITORING, "Ofsted monitoring visit"), (FOCUSED, "Ofsted focused visit"),
             (DFE_REVIEW, "DfE six-monthly review"), (BOARD, "Improvement board meeting"), (OTHER, "Other review")]
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(max_length=12, choices=KINDS)
    date = models.DateField()
    title = models.CharField(max_length=200)
    focus = models.TextField(blank=True, help_text="The areas it looks (or looked) at.")
    findings = models.TextField(blank=True)
    priorities = models.ManyToManyField(Priority, blank=True, related_name="visits")
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date:%d/%m/%Y}"


class Revision(models.Model):
    """A snapshot of one part of the plan after a change: the plan as it stood at any moment is the latest
    snapshot of each part up to then."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20)  # plan, recommendation, priority, action, measure
    object_id = models.PositiveBigIntegerField()
    snapshot = models.JSONField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} at {self.at:%d/%m/%Y %H:%M}"
