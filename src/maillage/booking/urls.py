from django.urls import path

from . import busy_views, views

app_name = "booking"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("ressource/<int:pk>/", views.resource_page, name="resource"),
    path("reseau/", views.network, name="network"),
    path("widgets/lieux/<slug:slug>/", views.widget, name="widget"),
    path("mes-reservations/", views.mine, name="mine"),
    path("mes-reservations/nouvelle-adresse/", views.revoke_feed, name="revoke_feed"),
    path("lieu/<slug:slug>/", views.host_calendar, name="host_calendar"),
    path("lieu/<slug:slug>/ressource/", views.edit_resource, name="add_resource"),
    path("lieu/<slug:slug>/ressource/<int:pk>/", views.edit_resource, name="edit_resource"),
    path(
        "lieu/<slug:slug>/ressource/<int:pk>/nouvelle-adresse/",
        views.revoke_resource_feed,
        name="revoke_resource_feed",
    ),
    path(
        "lieu/<slug:slug>/ressource/<int:pk>/occupation/",
        busy_views.busy_calendars,
        name="busy_calendars",
    ),
    path(
        "lieu/<slug:slug>/ressource/<int:pk>/occupation/<int:calendar_pk>/actualiser/",
        busy_views.busy_calendar_refresh,
        name="busy_calendar_refresh",
    ),
    path(
        "lieu/<slug:slug>/ressource/<int:pk>/occupation/<int:calendar_pk>/retirer/",
        busy_views.busy_calendar_delete,
        name="busy_calendar_delete",
    ),
    path("reservation/<int:pk>/<str:action>/", views.decide, name="decide"),
    path("agenda/<str:token>.ics", views.person_feed, name="person_feed"),
    path("ressource/<int:pk>.ics", views.resource_feed, name="resource_feed"),
    path("ressource/<int:pk>/<str:token>.ics", views.resource_feed, name="resource_private_feed"),
]
