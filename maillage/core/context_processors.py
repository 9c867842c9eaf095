from django.conf import settings


def site(request) -> dict:
    return {"site_name": "maillage", "debug": settings.DEBUG}
