"""One settings module, configured from the environment with safe defaults that run on SQLite.

See docs/decisions/0003-settings-from-environment.md.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("MAILLAGE_READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Production refuses to start without a real key; development gets a throwaway one.
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "dev-only-insecure-key-do-not-use-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECRET_KEY doit être défini (ou DEBUG=1 pour le développement local)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "maillage.core",
    "maillage.accounts",
    "maillage.territory",
    "maillage.places",
    "maillage.booking",
    "maillage.observatory",
    "maillage.audit",
    "maillage.billing",
    "maillage.payments",
    "maillage.employers",
    "maillage.settlement",
    "maillage.events",
    "maillage.community",
    "maillage.managers",
    "maillage.demand",
    "maillage.consultation",
    "maillage.economics",
    "maillage.governance",
    "maillage.labelling",
]

AUTH_USER_MODEL = "accounts.User"
# Absolute address of the platform, for links in e-mails and calendar events sent without a request.
# Unset, it is the development server in DEBUG, else https:// and the first named ALLOWED_HOSTS
# entry (a check warns when that is still localhost: e-mails would point at the reader's machine).
_NAMED_HOSTS = [host.lstrip(".") for host in ALLOWED_HOSTS if host.strip(".*")]
MAILLAGE_SITE_URL = env(
    "MAILLAGE_SITE_URL",
    default="http://localhost:8000" if DEBUG or not _NAMED_HOSTS else f"https://{_NAMED_HOSTS[0]}",
).rstrip("/")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "maillage.core.middleware.ContentSecurityPolicyMiddleware",
    "maillage.core.body_limits.RequestBodyLimitMiddleware",  # before anything reads a body
    "maillage.core.errors.ApiMethodNotAllowedMiddleware",
    "maillage.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.core.context_processors.site",
                "maillage.core.context_processors.coordination",
                "maillage.managers.context_processors.managers_space",
                "maillage.community.context_processors.community",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL, default: an embedded SQLite file under var/.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'maillage.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so that
    # concurrent writers wait (up to "timeout" seconds) instead of failing on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file-based test database: threads in concurrency tests need real separate connections.
    # Named after the database file, so two checkouts or runs with different files never collide.
    _db_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": str(_db_file.with_name(f"test-{_db_file.stem}.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
# French only (decision 0022): no English catalogue, so no English pages with French text.
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from the npm registry (package.json + lock) and are served by us.
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "maillage.core.finders.SelectedFilesFinder",
]
# Pictograms of the service catalogue: Tabler Icons (MIT), from npm. Only these are served.
MAILLAGE_ICONS = [
    "wifi",
    "video",
    "printer",
    "cube",
    "mailbox",
    "coffee",
    "calendar-event",
    "rocket",
    "device-laptop",
    "parking",
    "bike",
    "lock",
    "clock-24",
    "armchair",
    "phone-call",
    "tools",
    "users",
    "tool",
    "microphone",
    "baby-carriage",
    "tree",
    "soup",
    "building",
    "accessible",
    "help-circle",
]
MAILLAGE_SELECTED_STATIC = {
    "vendor/icons": (
        NODE_MODULES / "@tabler" / "icons" / "icons" / "outline",
        [f"{name}.svg" for name in MAILLAGE_ICONS],
    ),
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Photos: 5 MB at most each (checked by the places service, not only by the web server).
MAILLAGE_MAX_PHOTO_BYTES = 5 * 1024 * 1024

# --- Request bodies (the reverse proxy's limits: docs/utilisateur/installation.md) -------------
# Whole body, files included: a larger one gets a French 413 before anything reads it
# (maillage.core.body_limits). Enough for a place photo (5 MB) and a study file (2 MB).
MAILLAGE_MAX_BODY_BYTES = 8 * 1024 * 1024
# Pages that take larger files, by URL name: their file limit plus room for the form around it.
MAILLAGE_BODY_LIMITS = {
    "places:import": 21 * 1024 * 1024,  # a file of places: 20 MB (places.opendata.reading)
    "observatory:imports": 201 * 1024 * 1024,  # an INSEE archive: 200 MB (MOBPRO flows)
    "managers:post_new": 11 * 1024 * 1024,  # a shared document: 10 MB (managers.documents)
    "managers:post_edit": 11 * 1024 * 1024,
}
# Form fields and JSON bodies, files excluded (Django's own check; the API reads JSON under it):
# 2.5 MB holds a study document sent to the API. Larger: a French 413 too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The study editor posts up to 2,000 desks × 7 fields, 500 commune rows × 9 and 200 zones × 11
# (about 20,700 fields with the main form): Django's 1,000 would refuse a large study.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 25_000
# An uploaded file above this size goes to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A CSRF failure (expired page, cookies refused) gets a French page, JSON under /api/.
CSRF_FAILURE_VIEW = "maillage.core.errors.csrf_failure"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Cache ----------------------------------------------------------------------------------------
# Per-process memory by default. In production, Redis (CACHE_URL=redis://127.0.0.1:6379/1): the
# rate limits, the one-run-at-a-time guards and cached bodies then hold across every process
# (decision 0025). A Redis outage degrades to "nothing cached" instead of failing requests.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "maillage.core.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "health_check_interval": 30}
    )
    CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="maillage"))

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="maillage <ne-pas-repondre@localhost>")

# --- Security (production mode: DEBUG off) ----------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Logs on stderr: plain text, or one JSON object per line with MAILLAGE_LOG_JSON=1 (for a log
# collector). Services log their audited actions at INFO on `maillage.audit.services`.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "maillage.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env.bool("MAILLAGE_LOG_JSON", default=False) else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- E-mail outbox (issue 12, decision 0024) ------------------------------------------------------
# Every e-mail is a row written in the transaction of the change it announces; `manage.py worker`
# delivers it through the backend of EMAIL_URL, retrying during an SMTP outage.
INSTALLED_APPS += ["post_office", "maillage.tasks"]
EMAIL_BACKEND = "maillage.tasks.outbox.OutboxBackend"  # Django's own sends are queued too
# A hung SMTP server fails the attempt after this many seconds (it is retried), instead of
# holding the worker (EMAIL_URL may set it: smtp+tls://…?timeout=60).
EMAIL_TIMEOUT = EMAIL_CONFIG.get("OPTIONS", {}).get("TIMEOUT") or 30
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_CONFIG["EMAIL_BACKEND"]},
    # Failed deliveries are retried every RETRY_INTERVAL, MAX_RETRIES times (2 hours by default),
    # then marked failed (shown in the coordination's journal, requeued from the admin).
    "MAX_RETRIES": env.int("MAILLAGE_EMAIL_RETRIES", default=24),
    "RETRY_INTERVAL": timedelta(minutes=env.int("MAILLAGE_EMAIL_RETRY_MINUTES", default=5)),
    "LOG_LEVEL": 1,  # keep a log row for failures only
    "BATCH_SIZE": 100,
    "THREADS_PER_PROCESS": 1,  # one SMTP connection per worker
    "BATCH_DELIVERY_TIMEOUT": 180,
    "FILE_STORAGE": "outbox",
    # Oldest first among equal priorities: a confirmation never overtakes the request it answers
    # (post_office's default orders by priority only, which leaves ties to the database).
    "SENDING_ORDER": ["-priority", "pk"],
}
# Sent or failed e-mails (and their attachments) are deleted after this many days (RGPD).
MAILLAGE_EMAIL_KEEP_DAYS = env.int("MAILLAGE_EMAIL_KEEP_DAYS", default=30)
# Attachments waiting in the outbox (a booking's .ics): private, never under MEDIA_ROOT, which the
# web server publishes. Web and worker processes on different machines must share this directory.
STORAGES["outbox"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(env.path("MAILLAGE_OUTBOX_DIR", default=str(VAR_DIR / "outbox")))},
}
# The library's log lines through our handler (JSON with MAILLAGE_LOG_JSON=1), failures only.
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    "post_office": {"handlers": ["console"], "level": "WARNING", "propagate": False},
}
# --- end of the e-mail outbox block ---------------------------------------------------------------

# --- Invoicing (issue 13, decision 0027) ----------------------------------------------------------
# Archives of closed accounting periods: private (invoices name their buyers), never under
# MEDIA_ROOT; keep them 10 years (C. com. L123-22) and copy them to an external medium.
STORAGES["archives"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": str(env.path("MAILLAGE_ARCHIVES_DIR", default=str(VAR_DIR / "archives")))
    },
}
# Documents shared in the place managers' space (maillage.managers): private, served to the
# space's members only as attachments.
STORAGES["managers"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": str(
            env.path("MAILLAGE_MANAGERS_DIR", default=str(VAR_DIR / "managers-documents"))
        )
    },
}
# Evidence files of regional label applications (maillage.labelling): private, served to the
# place's team and the coordination only, as attachments.
STORAGES["labelling"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": str(env.path("MAILLAGE_LABEL_DIR", default=str(VAR_DIR / "label-evidence")))
    },
}
# Online card payment (maillage.payments, decision 0028): off unless a provider is named. "stripe"
# needs both secrets; "fake" is the offline stand-in for development (never in production).
MAILLAGE_PAYMENT_PROVIDER = env("MAILLAGE_PAYMENT_PROVIDER", default="")
MAILLAGE_STRIPE_SECRET_KEY = env("MAILLAGE_STRIPE_SECRET_KEY", default="")
MAILLAGE_STRIPE_WEBHOOK_SECRET = env("MAILLAGE_STRIPE_WEBHOOK_SECRET", default="")
# WeasyPrint and factur-x log about ten INFO lines per PDF: failures only.
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    **{
        name: {"handlers": ["console"], "level": "WARNING", "propagate": False}
        for name in ("weasyprint", "fontTools", "factur-x")
    },
}
# --- end of the invoicing block -------------------------------------------------------------------

# --- maillage ------------------------------------------------------------------------------
# Default territory shown on the home page and loaded by `make run` (INSEE région code).
MAILLAGE_DEFAULT_REGION = env.str("MAILLAGE_DEFAULT_REGION", default="28")
# Basemap tiles: empty means no basemap (the outlines are the map). No third party by default.
MAILLAGE_TILE_URL = env.str("MAILLAGE_TILE_URL", default="")
MAILLAGE_TILE_ATTRIBUTION = env.str("MAILLAGE_TILE_ATTRIBUTION", default="")
# Address geocoder for imported places without coordinates: the national address base's API or a
# self-hosted instance (addok), e.g. https://…/search/. Empty: offline, the commune's centre,
# marked approximate.
MAILLAGE_GEOCODER_URL = env.str("MAILLAGE_GEOCODER_URL", default="")
# Throttling of the account forms (decision 0021). Login: failed attempts per account and per
# client address in a window; sign-up, password reset and confirmation resend: attempts per
# client address and per e-mail address in a window.
# Django's ModelBackend, refusing logins past a limit on every password form (admin included).
AUTHENTICATION_BACKENDS = ["maillage.accounts.throttling.ThrottledModelBackend"]
MAILLAGE_LOGIN_FAILURES_PER_ACCOUNT = env.int("MAILLAGE_LOGIN_FAILURES_PER_ACCOUNT", default=5)
MAILLAGE_LOGIN_FAILURES_PER_IP = env.int("MAILLAGE_LOGIN_FAILURES_PER_IP", default=20)
MAILLAGE_LOGIN_WINDOW_SECONDS = env.int("MAILLAGE_LOGIN_WINDOW_SECONDS", default=15 * 60)
MAILLAGE_EMAIL_FORMS_PER_IP = env.int("MAILLAGE_EMAIL_FORMS_PER_IP", default=10)
MAILLAGE_EMAIL_FORMS_PER_ADDRESS = env.int("MAILLAGE_EMAIL_FORMS_PER_ADDRESS", default=3)
MAILLAGE_EMAIL_FORMS_WINDOW_SECONDS = env.int("MAILLAGE_EMAIL_FORMS_WINDOW_SECONDS", default=3600)
# How many reverse proxies stand in front of the application and append to X-Forwarded-For
# (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for). 0: the limits count by
# the connection's address, which behind a proxy is the proxy's own.
MAILLAGE_TRUSTED_PROXIES = env.int("MAILLAGE_TRUSTED_PROXIES", default=0)
