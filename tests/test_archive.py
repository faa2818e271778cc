"""Backups: `export_archive` writes everything, `import_archive` restores it into an empty database
with nothing lost — every record field by field, the accounts, the history — or refuses and
restores nothing. Runs on whichever database DATABASE_URL selects (CI: SQLite and PostgreSQL).

The archive is written once per module from a database holding the seed plus editors' work
(made through events/services.py, so there is history), inside a transaction that is then rolled
back: each test starts from the empty, migrated database a restore expects.
"""

import gzip
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from reversion.models import Revision, Version

from events import search, services
from events.fuzzydates import FuzzyDate
from events.models import Actor, Channel, Citation, Engagement, SearchEntry, Source, Statement
from events.roles import ANALYSTS, EDITORS, NOT_CURATED, setup_roles
from tests.conftest import rolled_back

PAGES = ["/", "/channels/us-china-military/", "/channels/us-china-leaders/", "/timeline/"]


# --- What a database holds, independent of the archive code --------------------------------------


def _ct_label(pk: int | None) -> str | None:
    if pk is None:
        return None  # a nullable content type (a dismissed intake decision names no record)
    content_type = ContentType.objects.get_for_id(pk)
    return f"{content_type.app_label}.{content_type.model}"


def _content_type_fields(model) -> set[str]:
    return {
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is ContentType
    }


def _record_tables() -> list:
    return [
        model
        for model in apps.get_app_config("events").get_models(include_auto_created=True)
        if model._meta.model_name not in NOT_CURATED
    ]


def _records() -> dict:
    """Every row of every curated events table (many-to-many tables included), every column by
    attname; content types by label and users by username, since their ids differ between
    databases."""
    tables = {}
    usernames = dict(get_user_model().objects.values_list("pk", "username"))
    for model in _record_tables():
        ct_columns = {f"{name}_id" for name in _content_type_fields(model)}
        user_columns = {
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is get_user_model()
        }
        columns = [f.attname for f in model._meta.concrete_fields]

        def readable(column, value, ct_columns=ct_columns, user_columns=user_columns):
            if column in ct_columns:
                return _ct_label(value)
            return usernames.get(value) if column in user_columns else value

        tables[model._meta.label_lower] = {
            row[0]: {
                column: readable(column, value) for column, value in zip(columns, row, strict=True)
            }
            for row in model._base_manager.order_by("pk").values_list(*columns)
        }
    return tables


def _serialized(version: Version):
    """A version's data, with content type ids (a citation's fact) as labels."""
    data = json.loads(version.serialized_data)
    model = version._model
    for obj in data:
        for name in _content_type_fields(model):
            obj["fields"][name] = _ct_label(obj["fields"][name])
    return data


def _history() -> dict:
    return {
        "revisions": {
            r.pk: (r.date_created, r.user.username if r.user else None, r.comment)
            for r in Revision.objects.select_related("user").order_by("pk")
        },
        "versions": {
            v.pk: (
                v.revision_id,
                v.object_id,
                _ct_label(v.content_type_id),
                v.db,
                v.format,
                v.object_repr,
                _serialized(v),
            )
            for v in Version.objects.order_by("pk")
        },
        "admin_log": sorted(
            (
                e.action_time,
                e.user.username,
                _ct_label(e.content_type_id),
                e.object_id,
                e.object_repr,
                e.action_flag,
                e.change_message,
            )
            for e in LogEntry.objects.select_related("user")
        ),
    }


def _accounts() -> dict:
    User = get_user_model()
    columns = [f.attname for f in User._meta.concrete_fields if not f.primary_key]
    permission = lambda p: p.natural_key()  # noqa: E731
    return {
        "users": {
            user.username: (
                {column: getattr(user, column) for column in columns},
                sorted(g.name for g in user.groups.all()),
                sorted(permission(p) for p in user.user_permissions.all()),
            )
            for user in User.objects.all()
        },
        "groups": {
            group.name: sorted(permission(p) for p in group.permissions.all())
            for group in Group.objects.all()
        },
    }


def _search_index() -> dict:
    return {
        (_ct_label(e.content_type_id), e.object_id): (e.title, e.body)
        for e in SearchEntry.objects.all()
    }


def _pages(username: str, urls: list[str] = PAGES) -> dict[str, str]:
    """The pages as this user sees them, without what differs per request (tokens, nonces)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1…", html)
        pages[url] = re.sub(r'nonce="[^"]*"', 'nonce="…"', html)
    return pages


def _snapshot() -> dict:
    return {
        "records": _records(),
        "history": _history(),
        "accounts": _accounts(),
        "search": _search_index(),
    }


# --- The archive under test ----------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    plain: Path  # written by export_archive()
    gzipped: Path  # written by `manage.py export_archive FILE.gz`
    snapshot: dict
    pages: dict[str, str]
    progress: str  # what the command wrote on stderr at verbosity 1


def _editors_work(editor) -> None:
    """A day of editing through the services, so the history has authors, comments and a
    citation version (whose data hold a content type id)."""
    military = Channel.objects.get(slug="us-china-military")
    report = services.source_create(
        kind="major_outlet",
        outlet="Reuters",
        title="US and China hold first defence call in a year",
        published=FuzzyDate.parse("2025-09-20"),
        url="https://example.org/call",
        user=editor,
    )
    cite = [services.CitationInput(source=report, passage="The two defence chiefs spoke.")]
    services.status_change_record(
        channel=military,
        status="limited",
        date=FuzzyDate.parse("2025-09-19"),
        explanation="A first call took place; no further contact agreed.",
        citations=cite,
        trend="improving",
        confidence="high",
        user=editor,
    )
    call = Engagement.objects.get(channel=military, state="proposed")
    services.engagement_transition(
        engagement=call,
        to_state="held",
        date=FuzzyDate.parse("2025-09-19"),
        when=FuzzyDate.parse("2025-09-19"),
        citations=cite,
        note="The call went ahead.",
        user=editor,
    )
    services.statement_create(
        speaker=Actor.objects.get(slug="pete-hegseth"),
        text="We spoke frankly — “a useful first step”, and “ünïcödé” survives too.",
        stance="cooperative",
        said=FuzzyDate.parse("mid September 2025"),
        toward=Actor.objects.get(slug="china"),
        channels=[military],
        citations=cite,
        user=editor,
    )
    services.characterisation_create(
        engagement=call,
        side=Actor.objects.get(slug="china"),
        words="candid and constructive",
        citations=cite,
        user=editor,
    )
    # Intake decisions on the report's suggestions: one accepted (naming its record through a
    # content type), one dismissed.
    services.intake_accept(
        suggestion=services.SuggestionRef(report, "statement", 4, 22),
        write=lambda: services.statement_create(
            speaker=Actor.objects.get(slug="dong-jun"),
            text="A constructive call.",
            stance="cooperative",
            citations=cite,
            user=editor,
        ),
        user=editor,
    )
    services.intake_dismiss(suggestion=services.SuggestionRef(report, "date", 30, 36), user=editor)
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Source),
        object_id=str(report.pk),
        object_repr=str(report),
        action_flag=CHANGE,
        change_message="Changed url.",
    )


@pytest.fixture(scope="module")
def written(django_db_setup, django_db_blocker, tmp_path_factory) -> Written:
    folder = tmp_path_factory.mktemp("archive")
    User = get_user_model()
    with rolled_back(django_db_blocker):
        call_command("load_seed", verbosity=0)
        editor = User.objects.create_user("editor", password="a long passphrase", is_staff=True)
        editor.groups.add(Group.objects.get(name=EDITORS))
        analyst = User.objects.create_user("analyst", password="another long passphrase")
        analyst.groups.add(Group.objects.get(name=ANALYSTS))
        reviewers = Group.objects.create(name="Reviewers")
        reviewers.permissions.add(Permission.objects.get(codename="view_source"))
        analyst.groups.add(reviewers)
        analyst.user_permissions.add(Permission.objects.get(codename="view_citation"))
        _editors_work(editor)

        plain, gzipped = folder / "backup.jsonl", folder / "backup.jsonl.gz"
        call_command("export_archive", str(plain), verbosity=0)
        progress = io.StringIO()
        call_command("export_archive", str(gzipped), stdout=io.StringIO(), stderr=progress)
        result = Written(plain, gzipped, _snapshot(), _pages("analyst"), progress.getvalue())
    return result


@pytest.fixture
def empty_db(db):
    """The empty, migrated database (migrate's groups, no records, no accounts)."""
    assert not Actor.objects.exists() and not get_user_model().objects.exists()


def restore(path: Path, **options) -> str:
    out = io.StringIO()
    call_command("import_archive", str(path), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


# --- The round trip ------------------------------------------------------------------------------


def test_the_archive_holds_every_curated_table_and_the_history(written):
    snapshot = written.snapshot
    empty = [label for label, rows in snapshot["records"].items() if not rows]
    assert not empty, f"the seed leaves these tables empty, so the round trip misses them: {empty}"
    assert snapshot["history"]["revisions"] and snapshot["history"]["versions"]
    header = json.loads(lines(written.plain)[0])
    assert header["format"] == "diplomacy-monitor-archive" and header["version"] == 1
    assert set(snapshot["records"]) <= set(header["counts"])
    for label, rows in snapshot["records"].items():
        assert header["counts"][label] == len(rows), label
    assert header["counts"]["reversion.version"] == len(snapshot["history"]["versions"])
    assert "events.searchentry" not in header["counts"]  # derived: rebuilt on import


def test_round_trip_restores_every_record_field_by_field(written, empty_db):
    # Content type ids differ between databases: give the events models new ones here.
    events_models = list(apps.get_app_config("events").get_models())
    old_ids = {ContentType.objects.get_for_model(model).pk for model in events_models}
    ContentType.objects.filter(app_label="events").delete()
    ContentType.objects.clear_cache()
    try:
        new_ids = {ContentType.objects.get_for_model(model).pk for model in events_models}
        assert not old_ids & new_ids
        create_permissions(apps.get_app_config("events"), verbosity=0)
        setup_roles()

        report = restore(written.plain)

        assert "Restored" in report
        after = _snapshot()
        assert after["records"] == written.snapshot["records"]
        assert after["history"] == written.snapshot["history"]
        assert after["accounts"] == written.snapshot["accounts"]
        assert after["search"] == written.snapshot["search"]
        # Every citation still points at its fact, and history still reads.
        for citation in Citation.objects.all():
            assert citation.fact is not None
        statement = Statement.objects.get(text__contains="a useful first step")
        assert Version.objects.get_for_object(statement).get().revision.user.username == "editor"
        assert [hit.record for hit in search.search("ünïcödé")] == [statement]
    finally:
        ContentType.objects.clear_cache()


def test_boards_render_the_same_after_a_restore(written, empty_db):
    # Pages cached while the database was empty must not outlive the restore.
    reader = get_user_model().objects.create_user("early-reader")
    reader.groups.add(Group.objects.get(name=ANALYSTS))
    assert "us-china-military" not in "".join(_pages("early-reader", ["/", "/timeline/"]).values())

    restore(written.plain)

    assert _pages("analyst") == written.pages


def test_restored_accounts_sign_in_with_their_passwords(written, empty_db):
    restore(written.plain)

    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("a long passphrase")


def test_gzipped_archive_round_trips_through_the_commands(written, empty_db):
    assert written.gzipped.read_bytes()[:2] == b"\x1f\x8b"

    call_command("import_archive", str(written.gzipped), verbosity=0)

    assert _snapshot() == written.snapshot


def _shows_rows_done(output: str, label: str, rows: int) -> bool:
    """The progress line of one table when it is done (on a long run, lines with rows done of
    the total come every few seconds before it)."""
    return bool(re.search(rf"^{re.escape(label)}\s+{rows:,} rows in ", output, re.MULTILINE))


def test_both_commands_show_progress_per_table(written, empty_db):
    records, history = written.snapshot["records"], written.snapshot["history"]
    assert _shows_rows_done(written.progress, "events.citation", len(records["events.citation"]))
    assert _shows_rows_done(written.progress, "reversion.version", len(history["versions"]))
    progress = io.StringIO()

    call_command("import_archive", str(written.plain), stdout=io.StringIO(), stderr=progress)

    assert _shows_rows_done(progress.getvalue(), "events.actor", len(records["events.actor"]))
    assert "search index: rebuilding" in progress.getvalue()
    quiet = io.StringIO()
    call_command(
        "export_archive", str(written.plain.with_name("q.jsonl")), verbosity=0, stderr=quiet
    )
    assert quiet.getvalue() == ""


def test_new_records_after_a_restore_get_new_ids(written, empty_db):
    restore(written.plain)
    highest = {model: model.objects.order_by("-pk").first().pk for model in (Source, Citation)}
    last_revision = Revision.objects.order_by("-pk").first().pk

    source = services.source_create(
        kind="other", outlet="Kyodo", title="A new report", published=FuzzyDate.parse("2025-10")
    )
    actor = Actor.objects.create(kind="person", name="New Person", slug="new-person")
    citation = services.citation_add(fact=actor, source=source, passage="New Person said so.")

    assert source.pk > highest[Source]
    assert citation.pk > highest[Citation]
    assert Revision.objects.order_by("-pk").first().pk > last_revision
    assert [hit.record for hit in search.search("Kyodo")] == [source]


def test_an_archive_without_passwords_restores_accounts_that_cannot_sign_in(
    written, empty_db, tmp_path
):
    stripped = tmp_path / "no-passwords.jsonl"
    with transaction.atomic():
        restore(written.plain)
        call_command("export_archive", str(stripped), "--without-passwords", verbosity=0)
        transaction.set_rollback(True)
    assert "pbkdf2" not in stripped.read_text() and "md5$" not in stripped.read_text()

    restore(stripped)

    editor = get_user_model().objects.get(username="editor")
    assert not editor.has_usable_password()
    assert Revision.objects.filter(user=editor).exists()


# --- Refusals: nothing restored ------------------------------------------------------------------


def test_import_refuses_a_database_that_holds_records(written, seeded):
    before = _snapshot()

    with pytest.raises(CommandError, match=r"already holds records: events.source"):
        restore(written.plain)

    assert _snapshot() == before


def _nothing_restored():
    assert not Actor.objects.exists()
    assert not Revision.objects.exists()
    assert not get_user_model().objects.exists()
    assert not SearchEntry.objects.exists()


def _row_index(archive: list[str], label: str) -> int:
    """The index of the first row of a section."""
    return next(i for i, line in enumerate(archive) if f'"section":"{label}"' in line) + 1


def _damaged(archive: list[str], how: str) -> str:
    if how == "cut short":
        return "".join(archive[:-30])
    if how == "no end marker":
        return "".join(archive[:-1])
    if how == "wrong row":
        row = _row_index(archive, "events.channel")
        return "".join([*archive[:row], '["too", "few"]\n', *archive[row + 1 :]])
    if how == "refused by the database":
        # A sticking point marked resolved without a date: a CHECK constraint refuses it, after
        # most tables have been written.
        row = _row_index(archive, "events.stickingpoint")
        fields = json.loads(archive[row - 1])["fields"]
        values = json.loads(archive[row])
        values[fields.index("state")] = "resolved"
        return "".join([*archive[:row], json.dumps(values) + "\n", *archive[row + 1 :]])
    if how == "other schema":
        row = _row_index(archive, "events.actor")
        section = json.loads(archive[row - 1])
        section["fields"][-1] = "nickname"
        return "".join([*archive[: row - 1], json.dumps(section) + "\n", *archive[row:]])
    raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("cut short", "cut short inside reversion.version"),
        ("no end marker", "cut short: no end marker"),
        ("wrong row", r"line \d+: expected a row of events.channel \(\d+ values\), found 2 values"),
        ("refused by the database", "the database refused the archive's rows"),
        ("other schema", "written by a different schema .*unknown columns: \\['nickname'\\]"),
    ],
)
def test_import_of_a_damaged_archive_restores_nothing(written, empty_db, tmp_path, how, message):
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text(_damaged(lines(written.plain), how), encoding="utf-8")

    with pytest.raises(CommandError, match=f"Nothing restored: .*{message}"):
        restore(damaged)

    _nothing_restored()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"hello\n", "line 1 is not valid JSON"),
        (b"\xff\xfe\x00garbage\n", "line 1 is not UTF-8 text"),
        (b'{"format": "something-else", "version": 1}\n', "not a Diplomacy Monitor archive"),
        (
            b'{"format": "diplomacy-monitor-archive", "version": 2}\n',
            "archive format version 2 is not supported; this software reads version 1",
        ),
    ],
)
def test_import_refuses_a_file_that_is_not_an_archive(empty_db, tmp_path, content, message):
    path = tmp_path / "file.jsonl"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        restore(path)

    _nothing_restored()


def test_import_refuses_a_damaged_gzip_file(written, empty_db, tmp_path):
    damaged = tmp_path / "damaged.jsonl.gz"
    damaged.write_bytes(written.gzipped.read_bytes()[:-200])

    with pytest.raises(CommandError, match="compressed file is damaged or cut short"):
        restore(damaged)

    _nothing_restored()


def test_import_of_a_missing_file_says_so(empty_db, tmp_path):
    with pytest.raises(CommandError, match=r"cannot open .*missing.jsonl"):
        restore(tmp_path / "missing.jsonl")


def test_a_failed_export_leaves_no_file(db, tmp_path, monkeypatch):
    from events.offline import archive

    def broken(self, context):
        yield from ()
        raise archive.ArchiveError("disk on fire")

    monkeypatch.setattr(archive.GroupSection, "rows", broken)
    target = tmp_path / "backup.jsonl.gz"

    with pytest.raises(CommandError, match="Archive not written: disk on fire"):
        call_command("export_archive", str(target), verbosity=0)

    assert list(tmp_path.iterdir()) == []


def test_archive_is_gzip_only_when_the_name_ends_in_gz(written):
    assert gzip.decompress(written.gzipped.read_bytes()).startswith(b'{"format":')
    assert written.plain.read_bytes().startswith(b'{"format":')
