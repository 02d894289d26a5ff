# The success measure's own baseline, target and milestones, now read from the council's one target (0002).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0002_success_measure_one_target'),
    ]

    operations = [
        migrations.RemoveField(model_name='successmeasure', name='baseline_date'),
        migrations.RemoveField(model_name='successmeasure', name='baseline_value'),
        migrations.RemoveField(model_name='successmeasure', name='milestones'),
        migrations.RemoveField(model_name='successmeasure', name='target_date'),
        migrations.RemoveField(model_name='successmeasure', name='target_value'),
        migrations.AlterField(
            model_name='successmeasure',
            name='target',
            field=models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='success_measures',
                                    to='councils.measuretarget'),
        ),
    ]
