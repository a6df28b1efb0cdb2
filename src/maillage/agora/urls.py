"""/agora/... pages."""

from django.urls import path

from . import views

app_name = "agora"

urlpatterns = [
    path("", views.network, name="network"),
    path("proposer/", views.propose, name="propose"),
    path("moderation/", views.moderation, name="moderation"),
    path("idees.csv", views.export, {"fmt": "csv"}, name="export-csv"),
    path("idees.json", views.export, {"fmt": "json"}, name="export-json"),
    path("lieux/<slug:slug>/", views.place_ideas, name="place"),
    path("lieux/<slug:slug>/proposer/", views.propose_place, name="propose-place"),
    path("lieux/<slug:slug>/affiche.pdf", views.poster, name="poster"),
    path("communes/<str:code>/", views.commune_ideas, name="commune"),
    path("communes/<str:code>/proposer/", views.propose_commune, name="propose-commune"),
    path("idees/<int:pk>/", views.idea, name="idea"),
    path("idees/<int:pk>/soutenir/", views.support, name="support"),
    path("idees/<int:pk>/suivre/", views.follow, name="follow"),
    path("idees/<int:pk>/commenter/", views.comment, name="comment"),
    path("idees/<int:pk>/signaler/", views.flag, name="flag"),
    path("idees/<int:pk>/etat/", views.change_status, name="status"),
    path("idees/<int:pk>/masquer/", views.hide, name="hide"),
    path("idees/<int:pk>/retablir/", views.restore, name="restore"),
    path("idees/<int:pk>/signalements/", views.dismiss_flags, name="dismiss-flags"),
]
