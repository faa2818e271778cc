"""`manage.py export_archive FILE`: write every curated record, the accounts and the history to a
portable archive (see events/offline/archive.py); gzip-compressed when FILE ends in .gz."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from events.offline.archive import ArchiveError, export_archive
from events.offline.progress import Progress


class Command(BaseCommand):
    help = (
        "Write all curated data, the accounts behind its history and the history itself to FILE "
        "as versioned JSON Lines (gzip when FILE ends in .gz). The archive holds password hashes "
        "unless --without-passwords: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the archive, e.g. backup.jsonl.gz.")
        parser.add_argument(
            "--without-passwords",
            action="store_true",
            help="Leave password hashes out: restored accounts must be given new passwords.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database to read (default: default)."
        )

    def handle(self, *args, file: str, without_passwords: bool, database: str, **options):
        progress = Progress(self.stderr, enabled=options["verbosity"] >= 1)
        try:
            counts = export_archive(
                file, using=database, with_passwords=not without_passwords, progress=progress
            )
        except (ArchiveError, OSError) as error:
            raise CommandError(f"Archive not written: {error}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {file}: {sum(counts.values())} rows in {len(counts)} tables."
                )
            )
