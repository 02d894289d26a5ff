import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0001_initial'),
        ('national', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='intervention',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='RiskBacktest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('summary', models.JSONField(help_text='settings, origins and targets of the backtest report')),
                ('n_boot', models.PositiveIntegerField()),
                ('runtime_seconds', models.FloatField(default=0)),
                ('computed_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['-computed_at'],
            },
        ),
        migrations.CreateModel(
            name='RiskScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('as_of', models.DateField(help_text='Scored with what was published before this date.')),
                ('p_inadequate', models.FloatField()),
                ('p_below_good', models.FloatField()),
                ('last_judgement', models.CharField(blank=True, max_length=120)),
                ('last_judgement_date', models.DateField(blank=True, null=True)),
                ('drivers', models.JSONField(default=list, help_text='The three things that raise p_inadequate most, in words.')),
                ('computed_at', models.DateTimeField(auto_now_add=True)),
                ('council', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='risk_score', to='councils.localauthority')),
            ],
            options={
                'ordering': ['council__name'],
            },
        ),
    ]
