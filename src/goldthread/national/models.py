"""National public data held for pages and commands: Ofsted inspections, statistical neighbours, the files
they came from, and the intervention register users keep. (Published figures are in the measure store,
goldthread.store.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldthread.core.national.intervention_kinds import KINDS
from goldthread.councils.models import LocalAuthority


class NationalFile(models.Model):
    """A published file loaded into goldthread: what it was, where from, when."""

    dataset = models.CharField(max_length=40)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0, help_text="Values or inspections taken from the file.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.dataset})"


class Inspection(models.Model):
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="inspections")
    framework = models.CharField(max_length=60)
    inspection_type = models.CharField(max_length=40)
    inspection_date = models.DateField(null=True)
    publication_date = models.DateField(null=True)
    overall_effectiveness = models.CharField(max_length=30, blank=True)
    leadership = models.CharField(max_length=30, blank=True)
    help_and_protection = models.CharField(max_length=30, blank=True)
    children_in_care = models.CharField(max_length=30, blank=True)
    care_leavers = models.CharField(max_length=30, blank=True)
    adoption = models.CharField(max_length=30, blank=True)
    lscb = models.CharField("LSCB", max_length=30, blank=True)
    safeguarding = models.CharField(max_length=30, blank=True)
    visit_theme = models.TextField(blank=True)
    sources = models.TextField(blank=True)
    source_note = models.TextField(blank=True)

    class Meta:
        ordering = ["council", "publication_date"]
        indexes = [models.Index(fields=["council", "publication_date"], name="inspection_council_date")]

    def __str__(self) -> str:
        return f"{self.council} {self.framework} {self.inspection_type} {self.publication_date}"


class StatisticalNeighbour(models.Model):
    model = models.CharField(max_length=4, help_text="The DfE model year: 2021 or 2025.")
    council = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    neighbour = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    closeness = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["model", "council", "rank"]
        constraints = [models.UniqueConstraint(fields=["model", "council", "rank"], name="one_neighbour_per_rank")]

    def __str__(self) -> str:
        return f"{self.council} neighbour {self.rank} ({self.model}): {self.neighbour}"


class Intervention(models.Model):
    """A DfE intervention, commissioner, trust, adviser or improvement board, entered by users."""

    council = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="interventions")
    kind = models.CharField(max_length=30, choices=list(KINDS.items()))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="Where this is recorded, e.g. a link to the DfE notice.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council", "start_date"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__isnull=True)
                                              | models.Q(end_date__gte=models.F("start_date")),
                                              name="intervention_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.council}: {self.get_kind_display()} from {self.start_date}"


class InterventionProposal(models.Model):
    """A correction to an entry in the intervention register, proposed by a manager or council admin of the
    entry's council. A national editor accepts it (the register takes the proposed values) or rejects it
    with a reason; the proposal is kept either way."""

    PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
    STATUSES = [(PENDING, "Waiting for a decision"), (ACCEPTED, "Accepted"), (REJECTED, "Rejected")]

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="proposals")
    council = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+",
                                help_text="The entry's council when the correction was proposed.")
    kind = models.CharField(max_length=30, choices=list(KINDS.items()))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    source = models.TextField(blank=True)
    reason = models.TextField(help_text="Why the entry is wrong, from the person proposing the correction.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_by_name = models.CharField(max_length=300, help_text="Kept if the account is later removed.")
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_by_name = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"Correction to {self.intervention} proposed by {self.proposed_by_name} ({self.status})"


class RiskScore(models.Model):
    """A current council's early-warning score, computed by ``actions.refresh_risk`` (pages only read it)."""

    council = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, related_name="risk_score")
    as_of = models.DateField(help_text="Scored with what was published before this date.")
    model = models.CharField(max_length=40, blank=True, help_text="The primary model the backtest chose.")
    p_inadequate = models.FloatField()
    p_below_good = models.FloatField()
    last_judgement = models.CharField(max_length=120, blank=True)
    last_judgement_date = models.DateField(null=True, blank=True)
    drivers = models.JSONField(default=list, help_text="Up to three things that raise p_inadequate, each saying why, in words.")
    questions = models.JSONField(default=list, help_text="The question each driver prompts, in the same order.")
    next_inspection_due = models.DateField(null=True, blank=True,
                                           help_text="Under the inspection framework's cycle, from the last judgement.")
    timing = models.JSONField(default=dict, help_text="The inspection window, its basis, and any visit since the "
                                                      "last judgement (core.national.inspection_timing).")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council__name"]

    def __str__(self) -> str:
        return f"{self.council}: inadequate {self.p_inadequate:.1%}, below good {self.p_below_good:.1%}"


class SlippingScore(models.Model):
    """A council on the "slipping from good" watchlist (last judged good or outstanding): its probability of a
    below-good judgement next, from the watchlist's own model; computed by ``actions.refresh_risk``."""

    council = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, related_name="slipping_score")
    as_of = models.DateField(help_text="Scored with what was published before this date.")
    model = models.CharField(max_length=40, blank=True, help_text="The watchlist model the backtest chose.")
    p_below_good = models.FloatField()
    last_judgement = models.CharField(max_length=120, blank=True)
    last_judgement_date = models.DateField(null=True, blank=True)
    drivers = models.JSONField(default=list, help_text="Up to three things that raise p_below_good, each saying why.")
    questions = models.JSONField(default=list, help_text="The question each driver prompts, in the same order.")
    next_inspection_due = models.DateField(null=True, blank=True)
    timing = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-p_below_good", "council__name"]

    def __str__(self) -> str:
        return f"{self.council}: below good next {self.p_below_good:.1%}"


class RiskBacktest(models.Model):
    """The model's rolling-origin backtest (``core.national.risk.backtest``: development and held-back origins,
    the primary model's choice, the watchlist's own backtest), without its per-inspection predictions;
    ``actions.refresh_risk`` keeps exactly one."""

    summary = models.JSONField(help_text="the backtest report without its predictions")
    n_boot = models.PositiveIntegerField()
    runtime_seconds = models.FloatField(default=0)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"Risk backtest of {self.computed_at:%d/%m/%Y %H:%M} ({self.n_boot} resamples)"
