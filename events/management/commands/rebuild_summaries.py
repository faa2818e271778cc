"""`manage.py rebuild_summaries`: recompute the board's read model from the records and report
every difference found (events.summaries). `--check` only reports, and exits with 1 when the
read model differs — for a deployment check or a cron job."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events import summaries
from events.caching import bump_data_version, lock_data_version

# Differences printed one by one before the rest are only counted.
SHOWN = 50


class Command(BaseCommand):
    help = "Recompute the board's channel summaries and activity, reporting any difference."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report differences; change nothing."
        )

    def handle(self, *args, check: bool, **options):
        found = summaries.differences()
        for line in found[:SHOWN]:
            self.stdout.write(line)
        if len(found) > SHOWN:
            self.stdout.write(f"… and {len(found) - SHOWN} more")
        if check:
            if found:
                raise CommandError(f"{len(found)} difference(s) between the summaries and records.")
            self.stdout.write(self.style.SUCCESS("The summaries match the records."))
            return
        with transaction.atomic():
            lock_data_version()
            count = summaries.rebuild()
            bump_data_version()  # pages rendered from a wrong summary are retired
        verdict = f"{len(found)} difference(s) corrected" if found else "no difference found"
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {count} channel summaries: {verdict}."))
