"""/api/ endpoints of the app (mounted in config/api.py)."""

from ninja import Router

router = Router(tags=["demande"])
