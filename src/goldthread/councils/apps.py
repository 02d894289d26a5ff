from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "goldthread.councils"
    verbose_name = "Councils"
