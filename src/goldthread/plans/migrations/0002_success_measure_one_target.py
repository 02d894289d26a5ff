# A success measure reads the council's one target for its measure (councils.MeasureTarget) instead of keeping
# its own baseline, target and milestones. Where a measure was a success measure in more than one place, the
# latest success measure's path becomes the council's target (as if each had set it when it was added, which the
# history records); a target set on the settings page gives way to the plan's. The old fields are removed in 0003:
# on PostgreSQL a table whose rows a migration has just changed cannot be altered in the same transaction.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

PATH = ("baseline_date", "baseline_value", "target_date", "milestones")


def to_one_target(apps, schema_editor):
    measure_model = apps.get_model("plans", "SuccessMeasure")
    target_model = apps.get_model("councils", "MeasureTarget")
    change_model = apps.get_model("councils", "MeasureTargetChange")
    now = django.utils.timezone.now()
    touched = {}
    measures = measure_model.objects.select_related("priority__plan", "action__priority__plan").order_by(
        "created_at", "pk")
    for measure in measures:
        council_id = (measure.priority or measure.action.priority).plan.council_id
        path = {"value": measure.target_value, **{name: getattr(measure, name) for name in PATH}}
        target, _ = target_model.objects.update_or_create(council_id=council_id, measure_id=measure.measure_id,
                                                         defaults=path)
        change_model.objects.create(council_id=council_id, measure_id=measure.measure_id, at=measure.created_at,
                                    by_id=measure.created_by_id, where="plan", **path)
        measure.target = target
        measure.save(update_fields=["target"])
        touched[(council_id, measure.measure_id)] = path
    for (council_id, measure_id), path in touched.items():
        # A target from the settings page was recorded as set now (councils 0004): the plan's is the one in use.
        if change_model.objects.filter(council_id=council_id, measure_id=measure_id, where="settings").exists():
            change_model.objects.create(council_id=council_id, measure_id=measure_id, at=now, where="plan", **path)


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0004_one_target'),
        ('plans', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='successmeasure',
            name='target',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.RESTRICT,
                                    related_name='success_measures', to='councils.measuretarget'),
        ),
        migrations.RunPython(to_one_target, migrations.RunPython.noop),
    ]
