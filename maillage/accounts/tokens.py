"""One-time e-mail confirmation links: the token changes once the account is active."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "maillage.accounts.confirmation"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


confirmation_token = ConfirmationTokenGenerator()
