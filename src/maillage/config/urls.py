"""Every app mounts its own URLs; the api/ prefix is shared (Django tries each include in turn)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from maillage.events.views import ics_all

handler404 = "maillage.core.api_errors.not_found"  # JSON under /api/, the page elsewhere

urlpatterns = [
    path("admin/", admin.site.urls),
    # API, one module per domain, all under /api/ (OpenAPI at /api/schema/).
    path("api/", include("maillage.api.urls")),
    path("api/", include("maillage.analysis.api_urls")),
    path("api/", include("maillage.booking.api_urls")),
    path("api/", include("maillage.events.api_urls")),
    path("api/", include("maillage.journeys.api_urls")),
    path("api/", include("maillage.agora.api_urls")),
    # Pages.
    path("maillage/", include("maillage.analysis.urls")),
    path("reserver/", include("maillage.booking.urls")),
    path("agenda/", include("maillage.events.urls")),
    # The network's calendar at the short address people type into a calendar app.
    path("events.ics", ics_all, name="events-ics"),
    path("trouver-mon-lieu/", include("maillage.journeys.urls")),
    path("compte/", include("maillage.accounts.urls")),
    path("contribuer/", include("maillage.participation.urls")),
    path("agora/", include("maillage.agora.urls")),
    path("", include("maillage.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
