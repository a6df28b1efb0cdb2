from django.urls import path

from . import calendar_views, feeds, views

app_name = "events"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("events.ics", views.ics_all, name="ics"),
    path("rss/", feeds.UpcomingFeed(), name="rss"),
    path("atom/", feeds.UpcomingAtomFeed(), name="atom"),
    path("lieux/<slug:slug>/", views.place_agenda, name="place"),
    path("widgets/lieux/<slug:slug>/", views.widget, name="widget"),
    path("lieux/<slug:slug>/gerer/", views.manage_place, name="manage"),
    path("lieux/<slug:slug>/nouveau/", views.event_new, name="event-new"),
    path("lieux/<slug:slug>/agendas/", calendar_views.calendars, name="calendars"),
    path(
        "lieux/<slug:slug>/agendas/publier/",
        calendar_views.calendar_publish,
        name="calendars-publish",
    ),
    path("agendas/<int:pk>/actualiser/", calendar_views.calendar_refresh, name="calendar-refresh"),
    path("agendas/<int:pk>/retirer/", calendar_views.calendar_delete, name="calendar-delete"),
    path("lieux/<slug:slug>.ics", views.ics_place, name="place-ics"),
    path("fonctions/<slug:slug>.ics", views.ics_function, name="function-ics"),
    path("communes/<str:code>/", views.commune_agenda, name="commune"),
    path("evenements/<slug:slug>/", views.event, name="event"),
    path("evenements/<slug:slug>/modifier/", views.event_edit, name="event-edit"),
    path("evenements/<slug:slug>/annuler/", views.event_cancel, name="event-cancel"),
    path("evenements/<slug:slug>.ics", views.ics_event, name="event-ics"),
    path("evenements/<slug:slug>/<int:pk>/", views.occurrence, name="occurrence"),
    path("dates/<int:pk>/inscription/", views.register, name="register"),
    path("dates/<int:pk>/gerer/", views.occurrence_manage, name="occurrence-manage"),
    path("dates/<int:pk>/participants/", views.participants, name="participants"),
    path("dates/<int:pk>/participants.csv", views.participants_csv, name="participants-csv"),
    path("imprimer/lieux/<slug:slug>.pdf", views.print_place, name="print-place"),
    path("imprimer/evenements/<slug:slug>.pdf", views.print_event, name="print-event"),
    path("imprimer/communes/<str:code>.pdf", views.print_commune, name="print-commune"),
    path("imprimer/pictogrammes.pdf", views.print_legend, name="print-legend"),
    path("lettre/", views.newsletter, name="newsletter"),
    path("lettre/<str:token>/confirmer/", views.newsletter_confirm, name="newsletter-confirm"),
    path(
        "lettre/<str:token>/desinscription/",
        views.newsletter_unsubscribe,
        name="newsletter-unsubscribe",
    ),
    path("inscriptions/<str:token>/confirmer/", views.confirm, name="confirm"),
    path("inscriptions/<str:token>/annuler/", views.cancel, name="cancel"),
]
