from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "maillage.analysis"
    verbose_name = "Analyse du maillage"
