"""`manage.py load_seed [DIR]`: load the curated seed files; running it again changes nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.offline.seeding import SeedError, load_seed_files
from events.search import reindex_all


class Command(BaseCommand):
    help = "Load the curated seed records from seeds/*.toml (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            default=str(settings.BASE_DIR / "seeds"),
            help="Folder of .toml seed files, loaded in name order (default: seeds/).",
        )

    def handle(self, *args, directory: str, **options):
        paths = sorted(Path(directory).glob("*.toml"))
        if not paths:
            raise CommandError(f"No .toml seed files in {directory}.")
        try:
            created = load_seed_files(paths)
        except SeedError as error:
            raise CommandError(f"Seed not loaded, nothing saved: {error}") from error
        # Rows loaded before the index existed (or written around signals) get indexed too.
        indexed = reindex_all()
        names = ", ".join(path.name for path in paths)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {names}: {created} new records; {indexed} records searchable."
            )
        )
