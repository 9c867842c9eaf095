"""The single JSON API of the platform; each app contributes a router."""

from ninja import NinjaAPI

from maillage.core.api_errors import install_error_handlers
from maillage.places import api as places_api
from maillage.territory.api import router as territory_router

api = NinjaAPI(
    title="maillage API",
    version="1",
    description="API ouverte de maillage : géographie de référence et territoires.",
    urls_namespace="api",
)
install_error_handlers(api)
places_api.install(api)
api.add_router("/territoires", territory_router)
api.add_router("/lieux", places_api.router)
api.add_router("/moderation", places_api.moderation_router)
