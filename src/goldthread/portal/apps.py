from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "goldthread.portal"
    verbose_name = "Performance portal"
