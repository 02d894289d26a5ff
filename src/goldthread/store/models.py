"""Figures and their breakdown cells: the one store of every number goldthread shows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from goldthread.councils.models import LocalAuthority
from goldthread.extracts.models import Extract

NATIONAL = "National"  # the source of a published indicator's figures (the registry names the others)
NATIONAL_PREFIX = "national:"  # a published indicator's figures are kept under "national:<indicator id>"


class Figure(models.Model):
    """One value of a measure (or a published indicator) for an area on a date."""

    council = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="figures", help_text="Blank for England or a region.")
    area = models.CharField(max_length=20, help_text="The council's ONS code, 'England' or a region's code.")
    level = models.CharField(max_length=20, default="Local authority",
                             help_text="'Local authority', 'Regional' or 'National'.")
    measure_id = models.CharField(max_length=80, help_text="A registry measure, or 'national:<indicator id>'.")
    source = models.CharField(max_length=20)
    as_at = models.DateField(help_text="The date the figure describes.")
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="A published figure's year.")
    extract = models.ForeignKey(Extract, null=True, blank=True, on_delete=models.CASCADE, related_name="figures",
                                help_text="The stored data it was computed from, where there is one.")
    known_from = models.DateTimeField(help_text="When goldthread first held it (what a past view may show).")
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    marker = models.CharField(max_length=10, blank=True, help_text="Why a published figure is missing.")
    derived = models.BooleanField(default=False, help_text="An aggregate worked out from printed counts.")
    note = models.TextField(blank=True, help_text="Why there is no value, when there is none.")

    class Meta:
        ordering = ["area", "measure_id", "as_at"]
        indexes = [models.Index(fields=["council", "measure_id", "as_at"], name="figure_council_measure"),
                   models.Index(fields=["measure_id", "year"], name="figure_measure_year")]
        constraints = [
            models.UniqueConstraint(fields=["extract", "measure_id"], condition=Q(extract__isnull=False),
                                    name="one_figure_per_extract_and_measure"),
            models.UniqueConstraint(fields=["area", "measure_id", "year"], condition=Q(source=NATIONAL),
                                    name="one_published_figure_per_area_and_year"),
            models.UniqueConstraint(fields=["council", "measure_id", "as_at"],
                                    condition=Q(extract__isnull=True) & ~Q(source=NATIONAL),
                                    name="one_figure_per_council_measure_and_date"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.measure_id} as at {self.as_at}: {self.value}"


class FigureCell(models.Model):
    """A figure split by one dimension: one group's value (a team's, a worker's, an age band's...)."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="cells")
    dimension = models.CharField(max_length=40)
    group = models.CharField(max_length=200)
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)

    class Meta:
        ordering = ["figure", "dimension", "group"]
        indexes = [models.Index(fields=["figure", "dimension"], name="cell_figure_dimension")]

    def __str__(self) -> str:
        return f"{self.figure.measure_id} {self.dimension} {self.group}: {self.value}"
