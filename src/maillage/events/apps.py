from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "maillage.events"
    verbose_name = "Agenda"
