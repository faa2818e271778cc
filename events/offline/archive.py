"""Backups as a portable archive: every curated record, the accounts behind its history and the
history itself (django-reversion), as versioned JSON Lines that restore into an empty database
of this app on SQLite or PostgreSQL alike. Used by `manage.py export_archive` and
`manage.py import_archive`.

The file (gzip-compressed when its name ends in `.gz`) is one JSON value per line:

    {"format": "diplomacy-monitor-archive", "version": 1, "created": "…", "counts": {…}, …}
    {"section": "auth.group", "count": 2, "fields": ["name", "permissions"]}
    ["Analysts", [["view_actor", "events", "actor"], …]]
    …
    {"section": "events.actor", "count": 31, "fields": ["id", "kind", "name", …]}
    [1, "state", "United States", …]
    …
    {"end": "diplomacy-monitor-archive", "rows": 1234}

Rows are arrays in the order of their section's `fields` (raw column values, `attname`s), so a
table of any size is written and read a chunk at a time. What makes an archive portable:

- Records keep their primary keys, so foreign keys, citations and history still point at the
  right rows; PostgreSQL's sequences are moved past them after a restore.
- Content types are written as `app_label.model`, never as ids (which differ between
  databases); history versions whose data hold a content type id (a citation's) are rewritten
  for the target database.
- Accounts are written by username, with their groups, permissions and password hashes, so
  history keeps its authors and people can sign in after a restore. That makes the archive as
  sensitive as the database itself; `export_archive --without-passwords` leaves the hashes out.
  On import, an account or group that already exists keeps its own settings. API tokens are
  not archived (create new ones).
- The search index (`SearchEntry`) is derived: left out and rebuilt on import. So is anything
  else `events.roles.NOT_CURATED` names as maintained by the app.
"""

import gzip
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from itertools import batched
from pathlib import Path
from typing import IO, Any, cast
from uuid import UUID

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from reversion.models import Revision, Version

from events import summaries
from events.access import PERMISSIONS_GENERATION
from events.caching import bump_data_version, lock_data_version, new_generation
from events.offline.progress import Progress
from events.roles import curated_models
from events.search import reindex_all

FORMAT = "diplomacy-monitor-archive"
VERSION = 1
CHUNK_SIZE = 2000  # rows fetched per round trip when exporting
BATCH_SIZE = 1000  # rows inserted per statement when importing
GZIP_MAGIC = b"\x1f\x8b"


class ArchiveError(Exception):
    """The archive cannot be written or restored; the message says why, for the operator."""


def _counted(progress: Progress, label: str, total: int, rows: Iterable) -> Iterator:
    """`rows`, passed through while `progress` shows how many of `total` are done."""
    with progress.phase(label, total) as phase:
        for row in rows:
            yield row
            phase.advance()


# --- Values --------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """JSON for the column types the archived models use; datetimes keep their microseconds."""
    if isinstance(value, datetime | date | time_of_day):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be archived")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_encode)


def _decoder(model_field: models.Field) -> Callable[[Any], Any] | None:
    """How to turn a JSON value back into the column's Python value (None: use it as it is)."""
    target = (
        cast(models.ForeignKey, model_field).target_field
        if model_field.is_relation
        else model_field
    )
    if isinstance(
        target, models.DateField | models.TimeField | models.DecimalField | models.UUIDField
    ):
        return target.to_python
    return None


def _label(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"


# --- Sections ------------------------------------------------------------------------------------


@dataclass
class ImportContext:
    """What sections share while restoring: the database, the content types of the archive's
    database (id → label), and the target's ids for content types and usernames."""

    using: str
    source_content_types: dict[int, str]
    warnings: list[str] = field(default_factory=list)
    content_type_ids: dict[str, int] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)

    def content_type_id(self, label: str) -> int:
        if label not in self.content_type_ids:
            app_label, _, model = label.partition(".")
            # Content types of models that no longer exist are created, so their history stays.
            content_type, _ = ContentType.objects.db_manager(self.using).get_or_create(
                app_label=app_label, model=model
            )
            self.content_type_ids[label] = content_type.pk
        return self.content_type_ids[label]

    def user_id(self, username: str | None) -> int | None:
        if username is None:
            return None
        try:
            return self.user_ids[username]
        except KeyError:
            raise ArchiveError(f"the archive refers to user “{username}”, not in it") from None


@dataclass
class ExportContext:
    using: str
    content_type_labels: dict[int, str]
    usernames: dict[int, str]
    with_passwords: bool


class Section:
    """One table of the archive: how its rows are counted, written and restored."""

    label: str
    model: type[models.Model]

    def fields(self) -> list[str]:
        raise NotImplementedError

    def queryset(self, using: str) -> models.QuerySet:
        return self.model._base_manager.using(using).order_by("pk")

    def count(self, using: str) -> int:
        return self.queryset(using).count()

    def rows(self, context: ExportContext) -> Iterator[list]:
        raise NotImplementedError

    def load(self, rows: Iterator[list], context: ImportContext) -> None:
        raise NotImplementedError


def _insert(model: type[models.Model], objs: list[models.Model], using: str) -> None:
    """Insert rows as they are, ids included. `raw`, as `loaddata` saves: bulk_create would
    stamp auto_now/auto_now_add columns (`recorded_at`, `created_at`) with the time of the
    insert, and putting them back with bulk_update made inserting five times slower."""
    fields = model._meta.concrete_fields
    size = connections[using].ops.bulk_batch_size(fields, objs) or BATCH_SIZE
    manager = model._base_manager.using(using)
    for batch in batched(objs, min(size, BATCH_SIZE)):
        # QuerySet._insert is Django's own raw insert (loaddata's); the stubs leave it out.
        manager._insert(batch, fields=fields, raw=True, using=using)  # type: ignore[attr-defined]


class RecordSection(Section):
    """A table restored as it was: every concrete column by `attname`, primary key included
    (unless `keep_pk` is off), content types as labels and users as usernames."""

    def __init__(self, model: type[models.Model], *, keep_pk: bool = True):
        self.model = model
        self.label = model._meta.label_lower
        self.keep_pk = keep_pk
        self.columns = [f for f in model._meta.concrete_fields if keep_pk or not f.primary_key]
        assert keep_pk or not any(getattr(f, "auto_now_add", False) for f in self.columns)
        user_model = get_user_model()
        self.content_type_columns = {
            i
            for i, f in enumerate(self.columns)
            if f.is_relation and f.related_model is ContentType
        }
        self.user_columns = {
            i for i, f in enumerate(self.columns) if f.is_relation and f.related_model is user_model
        }
        self.decoders = [
            None if i in self.content_type_columns | self.user_columns else _decoder(f)
            for i, f in enumerate(self.columns)
        ]

    def fields(self) -> list[str]:
        return [f.attname for f in self.columns]

    def rows(self, context: ExportContext) -> Iterator[list]:
        values = self.queryset(context.using).values_list(*self.fields())
        for row in values.iterator(chunk_size=CHUNK_SIZE):
            row = list(row)
            for i in self.content_type_columns:  # a nullable one (a dismissed intake decision)
                row[i] = None if row[i] is None else context.content_type_labels[row[i]]
            for i in self.user_columns:
                row[i] = None if row[i] is None else context.usernames[row[i]]
            yield row

    def decode(self, row: list, context: ImportContext) -> dict[str, Any]:
        values = {}
        for i, (column, decoder, value) in enumerate(
            zip(self.columns, self.decoders, row, strict=True)
        ):
            if value is not None:
                if i in self.content_type_columns:
                    value = context.content_type_id(value)
                elif i in self.user_columns:
                    value = context.user_id(value)
                elif decoder is not None:
                    value = decoder(value)
            values[column.attname] = value
        return values

    def load(self, rows: Iterator[list], context: ImportContext) -> None:
        manager = self.model._base_manager.using(context.using)
        for batch in batched(rows, BATCH_SIZE):
            objs = [self.model(**self.decode(row, context)) for row in batch]
            if self.keep_pk:
                _insert(self.model, objs, context.using)
            else:  # new ids; no auto_now columns to keep (checked in __init__)
                manager.bulk_create(objs)
            context.created[self.label] = context.created.get(self.label, 0) + len(objs)


class VersionSection(RecordSection):
    """History versions. Their serialized data is kept as it is, except the content type ids
    inside it (a citation's fact), which are rewritten to the target database's ids."""

    def __init__(self):
        super().__init__(Version)
        self.content_type = self.fields().index("content_type_id")

    def decode(self, row: list, context: ImportContext) -> dict[str, Any]:
        values = super().decode(row, context)
        try:
            model = apps.get_model(row[self.content_type])
        except LookupError:  # a model removed since: its data stays as it was
            return values
        if values["format"] == "json":
            values["serialized_data"] = self._remap(model, values["serialized_data"], context)
        return values

    @staticmethod
    def _remap(model: type[models.Model], data: str, context: ImportContext) -> str:
        names = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is ContentType
        ]
        if not names:
            return data
        objects = json.loads(data)
        changed = False
        for obj in objects:
            for name in names:
                old = obj.get("fields", {}).get(name)
                if not isinstance(old, int) or old not in context.source_content_types:
                    continue
                new = context.content_type_id(context.source_content_types[old])
                if new != old:
                    obj["fields"][name] = new
                    changed = True
        return json.dumps(objects, ensure_ascii=False) if changed else data


def _permission_key(permission: Permission) -> list[str]:
    return list(permission.natural_key())


class GroupSection(Section):
    """Groups by name, with their permissions by natural key. A group the target database
    already has (migrate creates Editors and Analysts) keeps its own permissions."""

    label = "auth.group"
    model = Group

    def fields(self) -> list[str]:
        return ["name", "permissions"]

    def rows(self, context: ExportContext) -> Iterator[list]:
        groups = self.queryset(context.using).prefetch_related("permissions__content_type")
        for group in groups.iterator(chunk_size=CHUNK_SIZE):
            keys = sorted(_permission_key(p) for p in group.permissions.all())
            yield [group.name, keys]

    def load(self, rows: Iterator[list], context: ImportContext) -> None:
        existing = set(Group.objects.using(context.using).values_list("name", flat=True))
        wanted = {name: permission_keys for name, permission_keys in rows if name not in existing}
        Group.objects.using(context.using).bulk_create(
            [Group(name=name) for name in wanted], batch_size=BATCH_SIZE
        )
        ids = dict(
            Group.objects.using(context.using).filter(name__in=wanted).values_list("name", "pk")
        )
        permissions = _permission_ids(context)
        links = []
        for name, keys in wanted.items():
            for key in keys:
                if (permission_id := permissions.get(tuple(key))) is not None:
                    links.append(
                        Group.permissions.through(group_id=ids[name], permission_id=permission_id)
                    )
                else:
                    context.warnings.append(f"group “{name}”: permission {key} no longer exists")
        Group.permissions.through.objects.using(context.using).bulk_create(
            links, batch_size=BATCH_SIZE
        )
        context.created[self.label] = len(wanted)


def _permission_ids(context: ImportContext) -> dict[tuple, int]:
    return {
        (codename, app_label, model): pk
        for pk, codename, app_label, model in Permission.objects.using(context.using).values_list(
            "pk", "codename", "content_type__app_label", "content_type__model"
        )
    }


class UserSection(Section):
    """Accounts by username: every concrete field but the id, their groups by name and their
    permissions by natural key. An account the target database already has is kept as it is
    (history written by that username is attributed to it)."""

    model: type[AbstractUser]  # groups, permissions and USERNAME_FIELD are read

    def __init__(self):
        self.model = get_user_model()
        self.label = self.model._meta.label_lower
        self.columns = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        self.password = next(
            (i for i, f in enumerate(self.columns) if f.attname == "password"), None
        )
        self.decoders = [_decoder(f) for f in self.columns]

    def fields(self) -> list[str]:
        return [f.attname for f in self.columns] + ["groups", "user_permissions"]

    def rows(self, context: ExportContext) -> Iterator[list]:
        users = self.queryset(context.using).prefetch_related(
            "groups", "user_permissions__content_type"
        )
        names = [f.attname for f in self.columns]
        for user in users.iterator(chunk_size=CHUNK_SIZE):
            row = [getattr(user, name) for name in names]
            if self.password is not None and not context.with_passwords:
                row[self.password] = "!"  # an unusable password: set a new one after restoring
            groups = sorted(group.name for group in user.groups.all())
            permissions = sorted(_permission_key(p) for p in user.user_permissions.all())
            yield [*row, groups, permissions]

    def load(self, rows: Iterator[list], context: ImportContext) -> None:
        manager = self.model._base_manager.using(context.using)
        username_field = self.model.USERNAME_FIELD
        existing = dict(manager.values_list(username_field, "pk"))
        new_users, memberships = [], []
        for row in rows:
            *values, groups, permission_keys = row
            record = {
                column.attname: value if value is None or decoder is None else decoder(value)
                for column, decoder, value in zip(self.columns, self.decoders, values, strict=True)
            }
            username = record[username_field]
            if username in existing:
                context.warnings.append(f"user “{username}” already exists: kept as it is")
                continue
            new_users.append(self.model(**record))
            memberships.append((username, groups, permission_keys))
        for batch in batched(new_users, BATCH_SIZE):
            manager.bulk_create(batch)
        context.user_ids = dict(manager.values_list(username_field, "pk"))
        group_ids = dict(Group.objects.using(context.using).values_list("name", "pk"))
        permissions = _permission_ids(context)
        in_groups, allowed = [], []
        User = self.model
        for username, groups, permission_keys in memberships:
            user_id = context.user_ids[username]
            for name in groups:
                if name in group_ids:
                    in_groups.append(User.groups.through(user_id=user_id, group_id=group_ids[name]))
                else:
                    context.warnings.append(f"user “{username}”: no group “{name}”")
            for key in permission_keys:
                if (permission_id := permissions.get(tuple(key))) is not None:
                    allowed.append(
                        User.user_permissions.through(user_id=user_id, permission_id=permission_id)
                    )
                else:
                    context.warnings.append(f"user “{username}”: permission {key} no longer exists")
        User.groups.through._default_manager.using(context.using).bulk_create(
            in_groups, batch_size=BATCH_SIZE
        )
        User.user_permissions.through._default_manager.using(context.using).bulk_create(
            allowed, batch_size=BATCH_SIZE
        )
        context.created[self.label] = len(new_users)


def _dependency_order(models_: list[type[models.Model]]) -> list[type[models.Model]]:
    """`models_` with every model after the models its foreign keys point at (self-references
    aside); otherwise in declaration order."""
    remaining = list(models_)
    ordered: list[type[models.Model]] = []
    while remaining:
        for model in remaining:
            targets = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model
            }
            if not targets & (set(remaining) - {model}):
                ordered.append(model)
                remaining.remove(model)
                break
        else:  # a cycle: the database checks foreign keys at commit, so any order restores
            ordered.extend(remaining)
            break
    return ordered


def record_models() -> list[type[models.Model]]:
    """The events app's tables of curated records, their many-to-many tables included, in
    dependency order. What the app derives or maintains itself (the search index, see
    `events.roles.NOT_CURATED`) is left out."""
    curated = curated_models()
    links = [
        f.remote_field.through
        for model in curated
        for f in model._meta.local_many_to_many
        if f.remote_field.through._meta.auto_created
    ]
    return _dependency_order([*curated, *links])


def sections() -> list[Section]:
    """Every section of an archive, in the order they are written and restored."""
    return [
        GroupSection(),
        UserSection(),
        *[RecordSection(model) for model in record_models()],
        RecordSection(Revision),
        VersionSection(),
        # The admin's "recent actions": nothing refers to them, so they get new ids.
        RecordSection(LogEntry, keep_pk=False),
    ]


def guarded_models() -> list[type[models.Model]]:
    """Tables that must be empty before a restore (they keep their primary keys)."""
    return [*record_models(), Revision, Version]


def row_counts(using: str = "default") -> dict[str, int]:
    """Rows per table of the events app (derived ones included), the history and the accounts:
    what a restore drill compares between the original database and the restored one."""
    tables = [
        *apps.get_app_config("events").get_models(include_auto_created=True),
        Revision,
        Version,
        get_user_model(),
        Group,
    ]
    return {
        model._meta.db_table: model._base_manager.using(using).count()
        for model in sorted(tables, key=lambda model: model._meta.db_table)
    }


# --- Files ---------------------------------------------------------------------------------------


@contextmanager
def _writer(path: Path) -> Iterator[IO[str]]:
    """A text stream to `path` (gzip when the name ends in .gz), written to a temporary file
    beside it and moved into place only when complete."""
    partial = path.with_name(path.name + ".partial")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(partial, "wt", encoding="utf-8") as stream:
            yield stream
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def _reader(path: Path) -> Iterator[IO[str]]:
    """A text stream from `path`, gzip or not (told by its first bytes, not its name)."""
    try:
        binary = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise ArchiveError(f"cannot open {path}: {error.strerror}") from error
    with binary:
        stream: IO[bytes] | gzip.GzipFile = binary
        if binary.peek(2)[:2] == GZIP_MAGIC:
            stream = gzip.GzipFile(fileobj=binary)
        yield io.TextIOWrapper(stream, encoding="utf-8")


def _json_lines(stream: IO[str]) -> Iterator[tuple[int, Any]]:
    number = 0
    try:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                raise ArchiveError(f"line {number} is not valid JSON ({error.msg})") from None
    except UnicodeDecodeError:
        raise ArchiveError(f"line {number + 1} is not UTF-8 text") from None
    except (gzip.BadGzipFile, EOFError, OSError) as error:
        raise ArchiveError(f"the compressed file is damaged or cut short ({error})") from None


# --- Export --------------------------------------------------------------------------------------


def _applied_migrations(using: str) -> dict[str, str]:
    """The latest applied migration of each app, for the header (a clue when schemas differ)."""
    # Sorted, so the latest migration of each app is the one its key keeps.
    return dict(sorted(MigrationRecorder(connections[using]).applied_migrations()))


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One transaction, so that every table is read as of the same moment (PostgreSQL:
    REPEATABLE READ; SQLite's read transactions already are) and the counts match the rows."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_archive(
    path: str | Path,
    *,
    using: str = "default",
    with_passwords: bool = True,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the archive to `path`; returns the rows written per section."""
    path = Path(path)
    progress = progress or Progress(sys.stderr, enabled=False)
    parts = sections()
    with _snapshot(using):
        counts = {section.label: section.count(using) for section in parts}
        content_types = {
            ct.pk: _label(ct) for ct in ContentType.objects.db_manager(using).order_by("pk")
        }
        User = get_user_model()
        usernames = dict(User._base_manager.using(using).values_list("pk", User.USERNAME_FIELD))
        context = ExportContext(using, content_types, usernames, with_passwords)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created": timezone.now().isoformat(),
            "counts": counts,
            "passwords": with_passwords,
            "database": connections[using].vendor,
            "migrations": _applied_migrations(using),
            "content_types": {str(pk): label for pk, label in content_types.items()},
        }
        total = 0
        with _writer(path) as out:
            out.write(_dumps(header) + "\n")
            for section in parts:
                count = counts[section.label]
                out.write(
                    _dumps({"section": section.label, "count": count, "fields": section.fields()})
                    + "\n"
                )
                written = 0
                for row in _counted(progress, section.label, count, section.rows(context)):
                    out.write(_dumps(row) + "\n")
                    written += 1
                if written != count:
                    raise ArchiveError(
                        f"{section.label} changed while it was read ({count} rows counted, "
                        f"{written} read); export again"
                    )
                total += written
            out.write(_dumps({"end": FORMAT, "rows": total}) + "\n")
    return counts


# --- Import --------------------------------------------------------------------------------------


def read_header(lines: Iterator[tuple[int, Any]]) -> dict:
    """The archive's first line, checked: our format, a version this code reads."""
    try:
        _, header = next(lines)
    except StopIteration:
        raise ArchiveError("the file is empty, not an archive") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ArchiveError(f"not a Diplomacy Monitor archive (no “{FORMAT}” header on line 1)")
    version = header.get("version")
    if version != VERSION:
        raise ArchiveError(
            f"archive format version {version!r} is not supported; this software reads "
            f"version {VERSION}"
        )
    counts = header.get("counts")
    content_types = header.get("content_types")
    if not isinstance(counts, dict) or not isinstance(content_types, dict):
        raise ArchiveError("the archive header lacks its counts or content types")
    return header


def pending_migrations(using: str) -> list[str]:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def occupied_tables(using: str) -> dict[str, int]:
    """Tables a restore needs empty that hold rows, with their row counts."""
    return {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in guarded_models()
        if model._base_manager.using(using).exists()
    }


def _section_rows(
    lines: Iterator[tuple[int, Any]], label: str, count: int, width: int
) -> Iterator[list]:
    for _ in range(count):
        try:
            number, row = next(lines)
        except StopIteration:
            raise ArchiveError(f"the archive is cut short inside {label}") from None
        if not isinstance(row, list) or len(row) != width:
            raise ArchiveError(
                f"line {number}: expected a row of {label} ({width} values), found {_describe(row)}"
            )
        yield row


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} values"
    text = _dumps(value)
    return text if len(text) <= 80 else text[:77] + "…"


@dataclass
class ImportReport:
    created: dict[str, int]
    searchable: int
    warnings: list[str]


def import_archive(
    path: str | Path, *, using: str = "default", progress: Progress | None = None
) -> ImportReport:
    """Restore the archive at `path` into the (empty) database `using`, all or nothing."""
    progress = progress or Progress(sys.stderr, enabled=False)
    with _reader(Path(path)) as stream:
        lines = _json_lines(stream)
        header = read_header(lines)
        if pending := pending_migrations(using):
            raise ArchiveError(
                f"the database is not migrated ({len(pending)} migrations to apply, e.g. "
                f"{pending[0]}); run `manage.py migrate` first"
            )
        try:
            source_content_types = {int(k): v for k, v in header["content_types"].items()}
        except (TypeError, ValueError):
            raise ArchiveError("the archive header's content types are malformed") from None
        context = ImportContext(using, source_content_types)
        known = {section.label: section for section in sections()}
        try:
            with transaction.atomic(using=using):
                lock_data_version()
                if occupied := occupied_tables(using):
                    listed = ", ".join(f"{label} ({n})" for label, n in list(occupied.items())[:4])
                    if len(occupied) > 4:
                        listed += f" and {len(occupied) - 4} more tables"
                    raise ArchiveError(
                        f"the database already holds records: {listed}. An archive restores "
                        "only into an empty database: migrate a new one, or flush this one"
                    )
                seen = _load_sections(lines, header, known, context, progress)
                missing = [label for label in header["counts"] if label not in seen]
                if missing:
                    raise ArchiveError(f"the archive lacks sections: {', '.join(missing)}")
                _reset_sequences(using, guarded_models())
                _check_counts(header["counts"], seen, known, context)
                progress.note("search index: rebuilding")
                searchable = reindex_all(using=using)
                progress.note("board summaries: rebuilding")
                summaries.rebuild(using)
                bump_data_version()  # bulk inserts send no signals: retire cached pages here
                # Users, groups and permissions too: permissions cached per user are retired.
                new_generation(PERMISSIONS_GENERATION)
        except DatabaseError as error:
            raise ArchiveError(f"the database refused the archive's rows: {error}") from error
    return ImportReport(context.created, searchable, context.warnings)


def _load_sections(
    lines: Iterator[tuple[int, Any]],
    header: dict,
    known: dict[str, Section],
    context: ImportContext,
    progress: Progress,
) -> set[str]:
    seen: set[str] = set()
    for number, item in lines:
        if isinstance(item, dict) and item.get("end") == FORMAT:
            if (extra := next(lines, None)) is not None:
                raise ArchiveError(f"line {extra[0]}: data after the end of the archive")
            return seen
        if not isinstance(item, dict) or "section" not in item:
            raise ArchiveError(f"line {number}: expected a section header, found {_describe(item)}")
        label, count, fields = item["section"], item.get("count"), item.get("fields")
        section = known.get(label)
        if section is None:
            raise ArchiveError(f"line {number}: unknown section “{label}”")
        if label in seen:
            raise ArchiveError(f"line {number}: section {label} appears twice")
        if not isinstance(count, int) or count < 0 or count != header["counts"].get(label):
            raise ArchiveError(
                f"line {number}: {label} declares {count!r} rows, the header "
                f"{header['counts'].get(label)!r}"
            )
        if fields != section.fields():
            expected = set(section.fields())
            given = set(fields) if isinstance(fields, list) else set()
            raise ArchiveError(
                f"line {number}: {label} was written by a different schema (archive "
                f"migrations: {header.get('migrations', {}).get(section.model._meta.app_label)}; "
                f"unknown columns: {sorted(given - expected) or 'none'}; missing columns: "
                f"{sorted(expected - given) or 'none'})"
            )
        rows = _section_rows(lines, label, count, len(fields))
        section.load(_counted(progress, label, count, rows), context)
        for _ in rows:  # every declared row must have been read (load stops at none early)
            pass
        seen.add(label)
    raise ArchiveError("the archive is cut short: no end marker after the last section")


def _reset_sequences(using: str, models_: list[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past the restored ids (SQLite needs nothing)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _check_counts(
    expected: dict[str, int], seen: set[str], known: dict[str, Section], context: ImportContext
) -> None:
    """Each table restored with its ids holds as many rows as the archive (accounts, groups and
    the admin's log may have held rows before)."""
    for label in seen:
        section = known[label]
        if not isinstance(section, RecordSection) or not section.keep_pk:
            continue
        count = section.model._base_manager.using(context.using).count()
        if count != expected[label]:
            raise ArchiveError(f"{label}: {count} rows restored, the archive has {expected[label]}")
