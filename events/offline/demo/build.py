"""Building the demo data into a database: `generate()` runs it in one transaction, `build()`
plans the world and writes each family of records in the one order the data depends on, and
the database-wide steps around them count or delete the records a database already holds and
vacuum after the load."""

import sys
import time
from datetime import date

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from reversion.models import Revision, Version

from events import search, summaries
from events.caching import bump_data_version
from events.models import Actor, Channel, Engagement, Source, Statement
from events.offline.demo.actors import ActorWriter
from events.offline.demo.bulk import DeferredForeignKeys, DeferredSearchIndex, sqlite_trigger
from events.offline.demo.channels import ChannelWriter
from events.offline.demo.engagements import EngagementWriter
from events.offline.demo.obstacles import ObstacleWriter
from events.offline.demo.sizes import DEFAULT_UNTIL, Sizes
from events.offline.demo.statements import StatementWriter
from events.offline.demo.world import World
from events.offline.progress import Progress

# Rows of these models are the records; DataVersion (cache bookkeeping) is not one.
_NOT_RECORDS = {"dataversion"}


def generate(
    sizes: Sizes,
    *,
    seed: int = 1,
    until: date = DEFAULT_UNTIL,
    using: str = "default",
    flush: bool = False,
    progress: Progress | None = None,
) -> None:
    """Build the demo data in one transaction (`flush`: delete every record first). The caller
    checks whether the database may be written to (see the management command)."""
    progress = progress or Progress(sys.stderr, enabled=False)
    connection = connections[using]
    with transaction.atomic(using=using):
        if flush:
            progress.note("Deleting the existing records…")
            flush_records(using)
        world = World(sizes, seed=seed, until=until, using=using, progress=progress)
        if not flush:
            world.avoid_existing()
        build(world)
        # Rows written around the model signals: the board's read model is computed afresh
        # and every cached page retired here.
        summaries.rebuild(using)
        bump_data_version()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics for the planner, and a visibility map for index-only scans.
        progress.note("Vacuuming and analysing the tables…")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in record_models():
                cursor.execute(f"VACUUM (ANALYZE) {quote(model._meta.db_table)}")


def build(world: World) -> None:
    """Plan the world, then write each family of records in turn — each reads what the ones
    before it wrote (offices, sources, troubled engagements, harsh statements) — with the
    foreign keys and the search index set aside until the rows are in."""
    tables = [table.model._meta.db_table for table in world.writer.tables]
    foreign_keys = DeferredForeignKeys(world.connection, tables)
    foreign_keys.suspend()
    search_index = DeferredSearchIndex(world.connection)
    search_index.suspend()
    world.plan_states()
    world.plan_channels()
    ActorWriter(world).write()
    ChannelWriter(world).write()
    EngagementWriter(world).write()
    StatementWriter(world).write()
    ObstacleWriter(world).write()
    world.writer.flush()
    world.writer.reset_sequences()
    started = time.monotonic()
    search_entries = world.tables.search_entry
    search_index.resume(search_entries.first_id)
    world.progress.note(
        f"{'search index':<16} {search_entries.count:>9,} entries indexed in "
        f"{time.monotonic() - started:.1f} s"
    )
    if foreign_keys.constraints:
        started = time.monotonic()
        count = len(foreign_keys.constraints)
        foreign_keys.resume()
        world.progress.note(
            f"{'foreign keys':<16} {count:>9,} checked in {time.monotonic() - started:.1f} s"
        )


def existing_records(using: str = "default") -> dict[str, int]:
    """How many records of the main kinds the database holds (for the refusal message)."""
    counts = {}
    for model in (Actor, Channel, Source, Engagement, Statement):
        count = model._base_manager.using(using).count()
        if count:
            counts[str(model._meta.verbose_name_plural)] = count
    return counts


def flush_records(using: str = "default") -> None:
    """Delete every record of the events app, and their edit history (which would otherwise
    offer to "recover" them): `TRUNCATE` on PostgreSQL, `DELETE` elsewhere. Run it inside the
    transaction that loads the new data."""
    connection = connections[using]
    tables = [model._meta.db_table for model in record_models()]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred checks pending in this transaction: run
            # them now, then defer again for the bulk load that follows.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            # SQLite: empty the full-text table at once, not through its per-row trigger.
            trigger = "events_searchentry_fts_delete"
            definition = sqlite_trigger(cursor, trigger) if connection.vendor == "sqlite" else None
            if definition:
                cursor.execute(f"DROP TRIGGER {trigger}")
                cursor.execute(
                    f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('delete-all')"
                )
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
            if definition:
                cursor.execute(definition)
    content_types = ContentType.objects.db_manager(using).filter(app_label="events")
    Version.objects.using(using).filter(content_type__in=content_types).delete()
    Revision.objects.using(using).filter(version__isnull=True).delete()


def record_models() -> list[type[models.Model]]:
    """Every model of the events app that holds records, with the auto-created many-to-many
    tables."""
    return [
        model
        for model in apps.get_app_config("events").get_models(include_auto_created=True)
        if model._meta.model_name not in _NOT_RECORDS
    ]
