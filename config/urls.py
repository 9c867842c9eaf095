from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("maillage.territory.urls")),
    path("", include("maillage.places.urls")),
    path("", include("maillage.booking.urls")),
    path("", include("maillage.observatory.urls")),
    path("", include("maillage.audit.urls")),
    path("", include("maillage.billing.urls")),
    path("", include("maillage.payments.urls")),
    path("", include("maillage.employers.urls")),
    path("", include("maillage.settlement.urls")),
    path("", include("maillage.events.urls")),
    path("", include("maillage.community.urls")),
    path("", include("maillage.managers.urls")),
    path("", include("maillage.demand.urls")),
    path("", include("maillage.consultation.urls")),
    path("", include("maillage.economics.urls")),
    path("", include("maillage.governance.urls")),
    path("", include("maillage.labelling.urls")),
    path("compte/", include("maillage.accounts.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# French error pages, JSON `{"detail": …}` under /api/ (maillage.core.errors).
handler400 = "maillage.core.errors.bad_request"
handler403 = "maillage.core.errors.permission_denied"
handler404 = "maillage.core.errors.page_not_found"
handler500 = "maillage.core.errors.server_error"

if settings.DEBUG:
    # Local runs serve uploaded photos; production serves MEDIA_ROOT from the web server.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
