from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from goldthread.core.plan.status import Trajectory


class LocalAuthority(models.Model):
    """A council with children's services responsibilities."""

    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    old_code = models.CharField("old 3-digit LA code", max_length=3, unique=True)
    name = models.CharField(max_length=100)
    region_code = models.CharField(max_length=9, blank=True)
    region_name = models.CharField(max_length=60, blank=True)
    la_type = models.CharField("type", max_length=60, blank=True)
    fictional = models.BooleanField(default=False, help_text="A demonstration council, not a real one.")
    active = models.BooleanField(default=True, help_text="False for councils since merged or split "
                                 "(such as Cumbria and Northamptonshire), kept so their history is not lost.")

    class Meta:
        ordering = ["name"]
        verbose_name = "local authority"
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name

    def child_population(self, on: dt.date) -> int | None:
        """Children aged 0-17: the council's own figure if set, else the latest ONS estimate for a year
        up to ``on``'s year."""
        settings = getattr(self, "settings", None)
        if settings and settings.child_population:
            return settings.child_population
        latest = self.populations.filter(year__lte=on.year).order_by("-year").first()
        return latest.population if latest else None


class ChildPopulation(models.Model):
    """ONS mid-year estimate of children aged 0 to 17 (DfE's republication)."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveIntegerField()
    population = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "year"], name="one_population_per_year")]

    def __str__(self) -> str:
        return f"{self.council}: {self.population:,} children aged 0-17 in {self.year}"


class CouncilSettings(models.Model):
    """Local practice settings the measures use. Defaults are the common local intervals."""

    council = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, related_name="settings")
    cp_visit_working_days = models.PositiveSmallIntegerField(
        "CP visit interval (working days)", default=10)
    cin_visit_working_days = models.PositiveSmallIntegerField(
        "CIN visit interval (working days)", default=20)
    caseload_threshold = models.PositiveSmallIntegerField("caseload threshold (children)", default=20)
    child_population = models.PositiveIntegerField(
        "child population (0-17)", null=True, blank=True,
        help_text="Leave blank to use the ONS mid-year estimate.")
    require_two_factor = models.BooleanField(
        "require a one-time code at sign-in", default=False,
        help_text="Everyone with a role in this council must set up an authenticator app.")
    data_version = models.PositiveIntegerField(
        default=0, editable=False,
        help_text="Goes up with every change to what the council's pages show (extracts, measures, settings, "
                  "targets, national data, audits); pages cache what they render per version.")

    class Meta:
        verbose_name = "council settings"
        verbose_name_plural = "council settings"

    def __str__(self) -> str:
        return f"Settings for {self.council}"


class TargetPath(models.Model):
    """A target's value and, where an improvement plan set it, the path to it: a baseline (date and value), the
    date it is due and any milestones on the way (straight lines between them, goldthread.core.plan.status)."""

    target_date = models.DateField(null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    baseline_value = models.FloatField(null=True, blank=True)
    milestones = models.JSONField(default=list, blank=True, help_text="[[ISO date, value], ...] between the two.")

    class Meta:
        abstract = True

    @property
    def trajectory(self) -> Trajectory | None:
        """The expected path, or None for a plain target (a value with no baseline or date)."""
        from goldthread.core.plan.status import Point, Trajectory

        if self.value is None or self.target_date is None or self.baseline_date is None or self.baseline_value is None:
            return None
        return Trajectory(Point(self.baseline_date, self.baseline_value), Point(self.target_date, self.value),
                          tuple(Point(dt.date.fromisoformat(d), v) for d, v in self.milestones))


class MeasureTarget(TargetPath):
    """The council's one target for a measure (a value to reach, read with the measure's polarity), whichever page
    set it: the settings page sets the value; an improvement plan's success measure sets the value and the path to
    it. Every success measure on the measure, the dashboard, the measure page and the settings page read this row;
    every change goes through goldthread.councils.actions (set_target, set_trajectory) and is kept in
    ``MeasureTargetChange``."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="targets")
    measure_id = models.CharField(max_length=80)
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "measure_id"], name="one_target_per_measure")]

    def __str__(self) -> str:
        return f"{self.council} {self.measure_id} target {self.value}"


class MeasureTargetChange(TargetPath):
    """A council's target for a measure as it was set at ``at`` (``value`` None: removed), so a page can show the
    target as it stood at any moment."""

    SETTINGS, PLAN = "settings", "plan"
    WHERE = [(SETTINGS, "the settings page"), (PLAN, "the improvement plan")]
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="target_changes")
    measure_id = models.CharField(max_length=80)
    value = models.FloatField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    where = models.CharField(max_length=10, choices=WHERE)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["council", "measure_id", "at"], name="target_change_lookup")]

    def __str__(self) -> str:
        return f"{self.council} {self.measure_id} target {self.value} from {self.at:%d/%m/%Y %H:%M}"


class GroupPopulation(models.Model):
    """The council's child population (aged 0 to 17) in one group of a dimension (an ethnic group, a sex, an age
    band, disabled or not), as the council gave it, for the disproportionality page's rate ratios. goldthread
    packages no population by group (its ONS estimates are 0-17 totals), so this is the council's own figure."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="group_populations")
    dimension = models.CharField(max_length=40)
    group = models.CharField(max_length=200)
    population = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="Where the figures come from (Census 2021, ONS...).")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["council", "dimension", "group"]
        constraints = [models.UniqueConstraint(fields=["council", "dimension", "group"],
                                               name="one_population_per_council_dimension_and_group")]

    def __str__(self) -> str:
        return f"{self.council} {self.dimension} {self.group}: {self.population}"
