"""The full-text indexes behind `events.search`, one per database engine.

- PostgreSQL: a GIN index on to_tsvector('simple', COALESCE(body, '')) — the exact expression
  `SearchVector("body", config="simple")` renders, so the planner can use it.
- SQLite: an FTS5 external-content table over events_searchentry.body, kept in step by triggers.
  Note: if a later migration makes Django rebuild events_searchentry on SQLite (most AlterField /
  RemoveField operations do), the triggers are dropped with the old table; that migration must
  run SQLITE_TRIGGERS again and rebuild the FTS table.

Other engines get nothing (search raises NotImplementedError there).
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE INDEX events_searchentry_body_fts ON events_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(body, ''))) "
    # Entries go straight into the index rather than a pending list, so the planner's cost for
    # it does not grow after bulk loads until the next vacuum.
    "WITH (fastupdate = off)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS events_searchentry_body_fts",
]

SQLITE_TRIGGERS = [
    """CREATE TRIGGER events_searchentry_fts_insert AFTER INSERT ON events_searchentry BEGIN
        INSERT INTO events_searchentry_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER events_searchentry_fts_delete AFTER DELETE ON events_searchentry BEGIN
        INSERT INTO events_searchentry_fts(events_searchentry_fts, rowid, body)
        VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER events_searchentry_fts_update AFTER UPDATE ON events_searchentry BEGIN
        INSERT INTO events_searchentry_fts(events_searchentry_fts, rowid, body)
        VALUES ('delete', old.id, old.body);
        INSERT INTO events_searchentry_fts(rowid, body) VALUES (new.id, new.body);
    END""",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE events_searchentry_fts USING fts5("
    "body, content='events_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    *SQLITE_TRIGGERS,
    # Index the entries that already exist.
    "INSERT INTO events_searchentry_fts(events_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS events_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS events_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS events_searchentry_fts_update",
    "DROP TABLE IF EXISTS events_searchentry_fts",
]


def run_for_vendor(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_search_entry'),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            run_for_vendor({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
