from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "maillage.journeys"
    verbose_name = "Parcours : trouver mon lieu"
