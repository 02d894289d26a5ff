from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "goldthread.plans"
    verbose_name = "Improvement plans"
