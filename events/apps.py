from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Diplomacy records"

    def ready(self):
        # Keep the full-text index in step with every save and delete.
        from events.search import connect_signals

        connect_signals()
