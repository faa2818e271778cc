"""`manage.py import_archive FILE`: restore an archive written by export_archive into an empty,
migrated database — all of it in one transaction, or nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from events.offline.archive import ArchiveError, import_archive
from events.offline.progress import Progress


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_archive (plain or .gz) into an empty, migrated "
        "database. Refuses a database that already holds records; restores all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to restore.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database to restore into."
        )

    def handle(self, *args, file: str, database: str, **options):
        progress = Progress(self.stderr, enabled=options["verbosity"] >= 1)
        try:
            report = import_archive(file, using=database, progress=progress)
        except ArchiveError as error:
            raise CommandError(f"Nothing restored: {error}.") from error
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
        if options["verbosity"] >= 1:
            rows = sum(report.created.values())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored {file}: {rows} rows; {report.searchable} records searchable."
                )
            )
