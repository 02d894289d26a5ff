from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "goldthread.audits"
    verbose_name = "Case audits"
