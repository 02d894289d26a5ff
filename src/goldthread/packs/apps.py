from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "goldthread.packs"
    verbose_name = "Packs"
