# One target per council and measure: the target's value is ``value``; an improvement plan's success measure adds
# the path to it (baseline, target date, milestones); every change is kept in MeasureTargetChange.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def record_existing_targets(apps, schema_editor):
    """Each target set before the history began is recorded as set on the settings page now."""
    target_model = apps.get_model("councils", "MeasureTarget")
    change_model = apps.get_model("councils", "MeasureTargetChange")
    now = django.utils.timezone.now()
    change_model.objects.bulk_create([
        change_model(council_id=t.council_id, measure_id=t.measure_id, value=t.value, at=now, where="settings")
        for t in target_model.objects.all()])


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0003_council_data_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='measuretarget', old_name='target', new_name='value'),
        migrations.AddField(
            model_name='measuretarget',
            name='baseline_date',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='measuretarget',
            name='baseline_value',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='measuretarget',
            name='milestones',
            field=models.JSONField(blank=True, default=list, help_text='[[ISO date, value], ...] between the two.'),
        ),
        migrations.AddField(
            model_name='measuretarget',
            name='target_date',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='measuretarget',
            name='measure_id',
            field=models.CharField(max_length=80),
        ),
        migrations.CreateModel(
            name='MeasureTargetChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target_date', models.DateField(blank=True, null=True)),
                ('baseline_date', models.DateField(blank=True, null=True)),
                ('baseline_value', models.FloatField(blank=True, null=True)),
                ('milestones', models.JSONField(blank=True, default=list, help_text='[[ISO date, value], ...] between the two.')),
                ('measure_id', models.CharField(max_length=80)),
                ('value', models.FloatField(blank=True, null=True)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('where', models.CharField(choices=[('settings', 'the settings page'), ('plan', 'the improvement plan')], max_length=10)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('council', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='target_changes', to='councils.localauthority')),
            ],
            options={
                'ordering': ['at', 'pk'],
                'indexes': [models.Index(fields=['council', 'measure_id', 'at'], name='target_change_lookup')],
            },
        ),
        migrations.RunPython(record_existing_targets, migrations.RunPython.noop),
    ]
