from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "goldthread.national"
    verbose_name = "National data"
