from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "goldthread.store"
    verbose_name = "The measure store"
