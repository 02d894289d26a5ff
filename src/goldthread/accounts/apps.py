from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goldthread.accounts"
    verbose_name = "People and access"
