from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Diplomacy records"

    def ready(self):
        # History for every record, however it is saved (events.history).
        from events.history import register_versioned_models

        register_versioned_models()
        # Keep the full-text index in step with every save and delete.
        from events import access, caching, search, summaries

        search.connect_signals()
        # Retire every cached page after each committed change.
        caching.connect_signals()
        # Read each user's permissions afresh after any change to who holds which.
        access.connect_signals()
        # Keep the board's read model equal to the records, in the same transaction.
        summaries.connect_signals()
        post_migrate.connect(create_roles, sender=self, dispatch_uid="events_create_roles")


def create_roles(sender, **kwargs):
    """Every migrate leaves the Editors and Analysts groups in place and up to date."""
    from events.roles import setup_roles

    setup_roles()
