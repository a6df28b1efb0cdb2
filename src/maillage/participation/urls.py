from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau-lieu/", views.propose_place, name="propose_place"),
    path("merci/", views.thanks, name="thanks"),
    path("lieux/<slug:slug>/corriger/", views.propose_correction, name="propose_correction"),
    path("lieux/<slug:slug>/signaler/", views.flag_place, name="flag_place"),
    path("lieux/<slug:slug>/animer/", views.claim_place, name="claim_place"),
    path("lieux/<slug:slug>/modifier/", views.edit_place, name="edit_place"),
    path("lieux/<slug:slug>/a-jour/", views.mark_up_to_date, name="mark_up_to_date"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/propositions/<int:pk>/", views.proposal_detail, name="proposal"),
    path(
        "moderation/propositions/<int:pk>/position/",
        views.move_proposal,
        name="move_proposal",
    ),
    path(
        "moderation/propositions/<int:pk>/accepter/",
        views.accept_proposal,
        name="accept_proposal",
    ),
    path(
        "moderation/propositions/<int:pk>/refuser/",
        views.reject_proposal,
        name="reject_proposal",
    ),
    path("moderation/signalements/<int:pk>/traiter/", views.resolve_flag, name="resolve_flag"),
    path("moderation/animations/<int:pk>/approuver/", views.approve_claim, name="approve_claim"),
    path("moderation/animations/<int:pk>/refuser/", views.reject_claim, name="reject_claim"),
]
