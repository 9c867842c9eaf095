"""The single JSON API of the platform; each app contributes a router."""

from ninja import NinjaAPI

from maillage.booking import api as booking_api
from maillage.booking import api_figures
from maillage.community.api import router as community_router
from maillage.consultation.api import router as consultation_router
from maillage.core.api_errors import document_error_responses, install_error_handlers
from maillage.demand.api import router as demand_router
from maillage.economics.api import router as economics_router
from maillage.events.api import router as events_router
from maillage.governance.api import router as governance_router
from maillage.labelling.api import router as labelling_router
from maillage.managers.api import router as managers_router
from maillage.observatory.api import router as observatory_router
from maillage.observatory.study.api import router as study_router
from maillage.places import api as places_api
from maillage.territory.api import router as territory_router


class MaillageAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_error_responses(super().get_openapi_schema(**kwargs))


api = MaillageAPI(
    title="maillage API",
    version="1",
    description=(
        "API ouverte de maillage : géographie de référence, lieux, réservations, observatoire."
    ),
    urls_namespace="api",
)
install_error_handlers(api)
places_api.install(api)
api.add_router("/territoires", territory_router)
api.add_router("/lieux", places_api.router)
api.add_router("/moderation", places_api.moderation_router)
api.add_router("/reservations", booking_api.router)
api.add_router("/reservations", api_figures.router)
api.add_router("/observatoire/etudes", study_router)
api.add_router("/observatoire", observatory_router)
api.add_router("/evenements", events_router)
api.add_router("/membres", community_router)
api.add_router("/gestionnaires", managers_router)
api.add_router("/demande", demand_router)
api.add_router("/consultations", consultation_router)
api.add_router("/plans-affaires", economics_router)
api.add_router("/gouvernance", governance_router)
api.add_router("/label", labelling_router)
