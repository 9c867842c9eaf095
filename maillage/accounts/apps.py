from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        # Imported once the apps are loaded: the module builds on the auth backends.
        from maillage.accounts import throttling

        user_login_failed.connect(throttling.login_failed_count, dispatch_uid="login-throttle")
        user_logged_in.connect(throttling.login_succeeded_reset, dispatch_uid="login-throttle")
