from django.apps import AppConfig


class ExtractsConfig(AppConfig):
    name = "goldthread.extracts"
    verbose_name = "Annex A extracts"
