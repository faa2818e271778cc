"""The bulk loader under the demo data: rows written in batches — PostgreSQL `COPY`,
`executemany` elsewhere — with primary keys assigned here, so that records can refer to each
other before anything is written. Nothing goes through `save()`, signals or django-reversion.

What keeps a load of a million rows fast is what it leaves out while loading: the foreign keys
(PostgreSQL) and the full-text index are set aside and built once at the end, inside the same
transaction, so a failed load leaves them as they were. Only the caller's transaction makes
this safe: every class here assumes it runs inside one.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import models

from events import search
from events.models import SearchEntry

BATCH_SIZE = 5_000


class Table:
    """Rows of one table, written in batches with primary keys assigned here. Columns the caller
    does not give take their field's default (so a field added later with a default needs no
    change here)."""

    def __init__(self, writer: "Writer", model: type[models.Model], fields: Sequence[str]):
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        unknown = [name for name in fields if name not in by_name]
        if unknown:
            raise ImproperlyConfigured(f"{model.__name__} has no field {', '.join(unknown)}.")
        pk = meta.pk.attname
        given = [pk, *fields]
        missing = [f for f in meta.concrete_fields if f.attname not in given]
        for f in missing:
            # A blank text field defaults to "" (Field.get_default).
            if not f.has_default() and not f.null and not (f.blank and f.empty_strings_allowed):
                raise ImproperlyConfigured(
                    f"{model.__name__}.{f.name} has no default; the demo data must set it."
                )
        self.writer = writer
        self.model = model
        self.fields = [by_name[name] for name in given] + missing
        self.tail = tuple(f.get_default() for f in missing)
        self.next_id = self.first_id = writer.first_id(model)
        self.rows: list[tuple] = []
        self.count = 0
        connection = writer.connection
        # Dates and datetimes need the backend's own form outside PostgreSQL's COPY.
        ops = connection.ops
        self.converters = [
            (
                index,
                ops.adapt_datetimefield_value
                if isinstance(f, models.DateTimeField)
                else ops.adapt_datefield_value,
            )
            for index, f in enumerate(self.fields)
            if isinstance(f, models.DateField | models.DateTimeField)
        ]
        self.connection = connection

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.tail))
        if len(self.rows) >= self.writer.batch_size:
            self.flush()
        return pk

    def flush(self) -> None:
        if self.rows:
            self.writer.write(self, self.rows)
            self.count += len(self.rows)
            self.rows = []

    def prepared(self, rows: list[tuple]) -> Iterable[tuple]:
        if not self.converters:
            return rows
        converters = self.converters

        def prepare(row):
            row = list(row)
            for index, adapt in converters:
                if row[index] is not None:
                    row[index] = adapt(row[index])
            return row

        return (prepare(row) for row in rows)


class Writer:
    """Writes batches of rows: PostgreSQL `COPY`, `executemany` elsewhere."""

    def __init__(self, connection, batch_size: int = BATCH_SIZE):
        self.connection = connection
        self.batch_size = batch_size
        self.vendor = connection.vendor
        self.tables: list[Table] = []

    def table(self, model: type[models.Model], fields: Sequence[str]) -> Table:
        table = Table(self, model, fields)
        self.tables.append(table)
        return table

    def first_id(self, model: type[models.Model]) -> int:
        highest = model._base_manager.using(self.connection.alias).aggregate(
            highest=models.Max("pk")
        )["highest"]
        return (highest or 0) + 1

    def write(self, table: Table, rows: list[tuple]) -> None:
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in table.fields)
        name = quote(table.model._meta.db_table)
        self.connection.ensure_connection()
        raw = self.connection.connection
        if self.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif self.vendor == "sqlite":
            marks = ", ".join("?" * len(table.fields))
            raw.executemany(
                f"INSERT INTO {name} ({columns}) VALUES ({marks})", table.prepared(rows)
            )
        else:
            marks = ", ".join(["%s"] * len(table.fields))
            with self.connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {name} ({columns}) VALUES ({marks})", list(table.prepared(rows))
                )

    def flush(self) -> None:
        for table in self.tables:
            table.flush()

    def reset_sequences(self) -> None:
        """Let the database's own id sequences continue after the ids written here."""
        models_written = [table.model for table in self.tables]
        statements = self.connection.ops.sequence_reset_sql(no_style(), models_written)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class DeferredSearchIndex:
    """Keeps the full-text index out of the way of a bulk load and builds it once at the end:
    maintaining it row by row is what makes loading search entries slow (PostgreSQL's GIN index
    is created with `fastupdate = off`; SQLite's FTS5 table is fed by a trigger per row).

    The index (PostgreSQL) or the insert trigger (SQLite) is read from the database's catalog,
    dropped, and created again from that same definition — all inside the caller's transaction,
    so a failed load leaves them as they were. Other databases: nothing to do."""

    SQLITE_INSERT_TRIGGER = "events_searchentry_fts_insert"

    def __init__(self, connection):
        self.connection = connection
        self.definition: str | None = None

    def suspend(self) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_indexdef(to_regclass(%s))", [search.PG_INDEX])
                self.definition = cursor.fetchone()[0]
                if self.definition:
                    cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(search.PG_INDEX)}")
            elif self.connection.vendor == "sqlite":
                self.definition = sqlite_trigger(cursor, self.SQLITE_INSERT_TRIGGER)
                if self.definition:
                    cursor.execute(f"DROP TRIGGER {self.SQLITE_INSERT_TRIGGER}")

    def resume(self, first_new_entry: int) -> None:
        """Build the index; on SQLite, index the entries from `first_new_entry` on."""
        if not self.definition:
            return
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # CREATE INDEX refuses a table with deferred checks pending: run them now (they
                # would run at commit anyway). It sorts in memory when it can: give it room.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                cursor.execute(self.definition)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                table = SearchEntry._meta.db_table
                cursor.execute(
                    f"INSERT INTO {search.FTS_TABLE}(rowid, body) "
                    f"SELECT id, body FROM {table} WHERE id >= %s",
                    [first_new_entry],
                )
                cursor.execute(self.definition)
        self.definition = None


class DeferredForeignKeys:
    """On PostgreSQL, drops the foreign keys of the tables being loaded and adds them back at the
    end: re-adding one validates it with a single join, where keeping it checks every row with a
    trigger (deferred to commit, and about as slow as the load itself). This is PostgreSQL's own
    advice for bulk loads. The definitions are read from the catalog and restored as they were,
    inside the caller's transaction. Other databases: nothing to do."""

    def __init__(self, connection, tables: Sequence[str]):
        self.connection = connection
        self.tables = list(tables)
        self.constraints: list[tuple[str, str, str]] = []  # (table, name, definition)

    def suspend(self) -> None:
        if self.connection.vendor != "postgresql":
            return
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
                [self.tables],
            )
            self.constraints = cursor.fetchall()
            # ALTER TABLE refuses tables with deferred checks pending in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _ in self.constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def resume(self) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for table, name, definition in self.constraints:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        self.constraints = []


def sqlite_trigger(cursor, name: str) -> str | None:
    """The `CREATE TRIGGER` statement of a SQLite trigger, to drop it and create it again."""
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
    row = cursor.fetchone()
    return row[0] if row else None
