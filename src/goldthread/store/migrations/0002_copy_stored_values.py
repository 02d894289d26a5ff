# Every value goldthread had stored, in its three stores, copied into the measure store: an extract's measure
# values and their team and worker breakdowns (extracts.MeasureValue, MeasureBreakdown), the case-audit measures
# (audits.AuditMeasureValue) and published national figures (national.IndicatorValue, AggregateValue). The old
# tables are removed by the next migration of each app.

import datetime as dt

from django.db import migrations

NATIONAL = "National"
CASE_AUDITS = "Case audits"
ANNEX_A = "Annex A"
BATCH = 2000


def copy_values(apps, schema_editor):
    figure_model = apps.get_model("store", "Figure")
    cell_model = apps.get_model("store", "FigureCell")
    value_model = apps.get_model("extracts", "MeasureValue")
    breakdown_model = apps.get_model("extracts", "MeasureBreakdown")
    audit_model = apps.get_model("audits", "AuditMeasureValue")
    indicator_model = apps.get_model("national", "IndicatorValue")
    aggregate_model = apps.get_model("national", "AggregateValue")
    file_model = apps.get_model("national", "NationalFile")

    # Annex A figures, one per stored measure value, and their cells.
    by_key = {}
    values = value_model.objects.select_related("extract__council").order_by("pk")
    made = figure_model.objects.bulk_create([
        figure_model(council=v.extract.council, area=v.extract.council.ons_code, measure_id=v.measure_id,
                     source=ANNEX_A, as_at=v.extract.extract_date, extract=v.extract, known_from=v.extract.uploaded_at,
                     value=v.value, numerator=v.numerator, denominator=v.denominator, note=v.note)
        for v in values], batch_size=BATCH)
    for figure in made:
        by_key[(figure.extract_id, figure.measure_id)] = figure
    cells = []
    for b in breakdown_model.objects.order_by("pk"):
        figure = by_key.get((b.extract_id, b.measure_id))
        if figure is not None:
            cells.append(cell_model(figure=figure, dimension=b.dimension, group=b.group, value=b.value,
                                    numerator=b.numerator, denominator=b.denominator))
    cell_model.objects.bulk_create(cells, batch_size=BATCH)

    # Case-audit measures: known from the time of this migration (they are recomputed as audits change).
    now = dt.datetime.now(dt.UTC)
    figure_model.objects.bulk_create([
        figure_model(council=a.council, area=a.council.ons_code, measure_id=a.measure_id, source=CASE_AUDITS,
                     as_at=a.as_at, known_from=now, value=a.value, numerator=a.numerator, denominator=a.denominator,
                     note=a.note)
        for a in audit_model.objects.select_related("council").order_by("pk")], batch_size=BATCH)

    # Published figures: known from when the national data was loaded.
    loaded = file_model.objects.order_by("loaded_at").values_list("loaded_at", flat=True).first() or now
    figure_model.objects.bulk_create([
        figure_model(council=v.council, area=v.council.ons_code, level="Local authority",
                     measure_id=f"national:{v.indicator_id}", source=NATIONAL, as_at=dt.date(v.year, 3, 31),
                     year=v.year, known_from=loaded, value=v.value, numerator=v.numerator, denominator=v.denominator,
                     marker=v.marker)
        for v in indicator_model.objects.select_related("council").order_by("pk")], batch_size=5000)
    figure_model.objects.bulk_create([
        figure_model(council=None, area=a.geography, level=a.level, measure_id=f"national:{a.indicator_id}",
                     source=NATIONAL, as_at=dt.date(a.year, 3, 31), year=a.year, known_from=loaded, value=a.value,
                     numerator=a.numerator, denominator=a.denominator, marker=a.marker, derived=a.derived)
        for a in aggregate_model.objects.order_by("pk")], batch_size=5000)


def copy_back(apps, schema_editor):
    """Going back: the store's figures into the old tables (the old breakdown table kept teams and workers only,
    and published figures are keyed by indicator, council or geography, and year)."""
    figure_model = apps.get_model("store", "Figure")
    cell_model = apps.get_model("store", "FigureCell")
    value_model = apps.get_model("extracts", "MeasureValue")
    breakdown_model = apps.get_model("extracts", "MeasureBreakdown")
    audit_model = apps.get_model("audits", "AuditMeasureValue")
    indicator_model = apps.get_model("national", "IndicatorValue")
    aggregate_model = apps.get_model("national", "AggregateValue")

    from_extracts = figure_model.objects.filter(extract__isnull=False).order_by("pk")
    value_model.objects.bulk_create([
        value_model(extract_id=f.extract_id, measure_id=f.measure_id, value=f.value, numerator=f.numerator,
                    denominator=f.denominator, note=f.note) for f in from_extracts], batch_size=BATCH)
    breakdown_model.objects.bulk_create([
        breakdown_model(extract_id=c.figure.extract_id, measure_id=c.figure.measure_id, dimension=c.dimension,
                        group=c.group, value=c.value, numerator=c.numerator, denominator=c.denominator)
        for c in cell_model.objects.filter(figure__extract__isnull=False, dimension__in=["team", "worker"])
        .select_related("figure").order_by("pk")], batch_size=BATCH)
    audit_model.objects.bulk_create([
        audit_model(council_id=f.council_id, as_at=f.as_at, measure_id=f.measure_id, value=f.value,
                    numerator=f.numerator, denominator=f.denominator, note=f.note)
        for f in figure_model.objects.filter(source=CASE_AUDITS, extract__isnull=True).order_by("pk")],
        batch_size=BATCH)
    published = figure_model.objects.filter(source=NATIONAL).order_by("pk")
    indicator_model.objects.bulk_create([
        indicator_model(indicator_id=f.measure_id.removeprefix("national:"), council_id=f.council_id, year=f.year,
                        value=f.value, numerator=f.numerator, denominator=f.denominator, marker=f.marker)
        for f in published.filter(council__isnull=False)], batch_size=5000)
    aggregate_model.objects.bulk_create([
        aggregate_model(indicator_id=f.measure_id.removeprefix("national:"), geography=f.area, level=f.level,
                        year=f.year, value=f.value, numerator=f.numerator, denominator=f.denominator,
                        marker=f.marker, derived=f.derived)
        for f in published.filter(council__isnull=True)], batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0001_figures"),
        ("extracts", "0003_withdrawal_and_checked_uploads"),
        ("audits", "0001_initial"),
        ("national", "0005_risk_timing_and_watchlist"),
    ]

    operations = [migrations.RunPython(copy_values, copy_back)]
