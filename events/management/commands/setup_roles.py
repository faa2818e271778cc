"""`manage.py setup_roles`: create or refresh the Editors and Analysts groups (idempotent)."""

from django.core.management.base import BaseCommand

from events.roles import setup_roles


class Command(BaseCommand):
    help = "Create or refresh the Editors and Analysts groups and their permissions."

    def handle(self, *args, **options):
        for group, count in setup_roles().items():
            self.stdout.write(f"{group}: {count} permissions")
