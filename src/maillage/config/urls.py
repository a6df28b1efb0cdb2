from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("maillage.api.urls")),
    path("api/", include("maillage.analysis.api_urls")),
    path("api/", include("maillage.events.api_urls")),
    path("api/", include("maillage.booking.api_urls")),
    path("reserver/", include("maillage.booking.urls")),
    path("api/", include("maillage.journeys.api_urls")),
    path("maillage/", include("maillage.analysis.urls")),
    path("agenda/", include("maillage.events.urls")),
    path("trouver-mon-lieu/", include("maillage.journeys.urls")),
    path("compte/", include("maillage.accounts.urls")),
    path("contribuer/", include("maillage.participation.urls")),
    path("", include("maillage.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
