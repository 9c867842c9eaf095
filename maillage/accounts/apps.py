from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    verbose_name = "Comptes"
