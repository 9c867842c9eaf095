"""gunicorn settings of the production recipe (docs/utilisateur/installation.md).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS. Behind nginx on
loopback: nginx buffers slow clients, so sync workers are enough.
"""

import multiprocessing
import os

bind = os.environ.get("MAILLAGE_BIND", "127.0.0.1:8000")
# Two per core plus one, the usual rule for sync workers, capped for small machines' memory.
workers = int(os.environ.get("MAILLAGE_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "sync"
# INSEE imports and a siting run can hold a request for minutes (nginx: proxy_read_timeout).
timeout = int(os.environ.get("MAILLAGE_TIMEOUT", 600))
graceful_timeout = 30
# A worker is replaced after this many requests (bounds slow leaks), at staggered moments.
max_requests = 2000
max_requests_jitter = 200
# Load the application before forking: workers share its memory, a broken setting fails at once.
preload_app = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server) -> None:
    """Import every URLconf and view module in the master, before the workers are forked: they
    start warm and share that memory, instead of each paying seconds of imports on its first
    request."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the access imports them all)
