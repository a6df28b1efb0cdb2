from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "maillage.api"
    verbose_name = "API"

    def ready(self):
        # Every process that writes places (server, admin, importers) tells every
        # process that searches them: see maillage.places.search (in-process index).
        from maillage.places.search import watch_writes

        watch_writes()
