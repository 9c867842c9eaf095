"""Settings for the test suite: production settings, minus what needs a deployment (HTTPS, a key).

Tests run with DEBUG off, as Django's test runner forces anyway, so they see production behaviour.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["SECURE_SSL_REDIRECT"] = "0"

from config.settings import *  # noqa: F403  (the test settings extend the real ones)

# Static files from the finders, no manifest to build first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Queued e-mails' .ics files stay in memory: thousands of bookings in the suite would
    # otherwise leave their files under var/outbox/.
    "outbox": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "archives": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "managers": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "labelling": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
WHITENOISE_USE_FINDERS = True
# The test client speaks plain HTTP: secure-only cookies would never be sent back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
