"""The read replica (DATABASE_REPLICA_URL, diplomacy/routers.py): analysts' pages read the curated
records from the replica; writes, sessions and accounts, the admin and editors use the primary;
a request that has written reads its own write from the primary.

The routing rules are checked on their own first. Then, on PostgreSQL, the replica is a second
database of its own on the same server (a copy of the test database, not a test mirror), so a
row written only there shows where a page read from, and a row written by a request shows where
writes land.
"""

import copy
import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection, connections, transaction
from django.test import Client

from diplomacy import routers
from diplomacy.routers import PRIMARY, REPLICA, ReplicaRouter
from events import services
from events.fuzzydates import FuzzyDate
from events.models import Actor, Source
from tests.factories import SourceFactory, StateFactory

router = ReplicaRouter()


# --- The rules -----------------------------------------------------------------------------------


def test_reads_outside_any_request_go_to_the_primary():
    # Management commands, the seed loader, scripts: they read what they have just written.
    assert router.db_for_read(Actor) == PRIMARY


def test_a_request_reads_from_the_primary_until_opened_to_the_replica():
    with routers.request_scope():
        assert router.db_for_read(Actor) == PRIMARY
        routers.allow_replica()
        assert router.db_for_read(Actor) == REPLICA
    assert router.db_for_read(Actor) == PRIMARY


def test_sessions_and_accounts_are_always_read_from_the_primary():
    with routers.request_scope():
        routers.allow_replica()
        assert router.db_for_read(Session) == PRIMARY
        assert router.db_for_read(User) == PRIMARY
        assert router.db_for_read(Source) == REPLICA


def test_after_a_write_the_request_reads_from_the_primary():
    with routers.request_scope():
        routers.allow_replica()
        assert router.db_for_write(Source) == PRIMARY
        assert router.db_for_read(Source) == PRIMARY


def test_the_next_request_starts_afresh_after_one_that_wrote():
    with routers.request_scope():
        routers.allow_replica()
        router.db_for_write(Source)
    with routers.request_scope():
        routers.allow_replica()
        assert router.db_for_read(Source) == REPLICA


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_on_the_primary_stay_there():
    with routers.request_scope():
        routers.allow_replica()
        with transaction.atomic():
            assert router.db_for_read(Source) == PRIMARY
        assert router.db_for_read(Source) == REPLICA


def test_only_the_primary_is_migrated_and_rows_may_relate_across_both():
    assert router.allow_migrate(PRIMARY, "events")
    assert not router.allow_migrate(REPLICA, "events")
    from_primary, from_replica = Source(), Actor()
    from_primary._state.db, from_replica._state.db = PRIMARY, REPLICA
    assert router.allow_relation(from_primary, from_replica)


def test_replica_url_adds_the_replica_and_the_router():
    """settings.py, read in a fresh interpreter with and without DATABASE_REPLICA_URL."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        "settings.DATABASES.get('replica', {}).get('NAME'), "
        "settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')]))"
    )
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
        "DATABASE_URL": "postgres://app@db.example:5432/diplomacy",
    }
    base.pop("DATABASE_REPLICA_URL", None)

    def settings_with(**environment):
        output = subprocess.run(
            [sys.executable, "-c", code],
            env={**base, **environment},
            capture_output=True,
            text=True,
            check=True,
        )
        return output.stdout.strip()

    assert settings_with() == '[["default"], [], null, null]'
    assert settings_with(DATABASE_REPLICA_URL="postgres://app@replica.example:5432/diplomacy") == (
        '[["default", "replica"], ["diplomacy.routers.ReplicaRouter"], "diplomacy", "default"]'
    )


# --- On PostgreSQL: a replica that is a database of its own ---------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the replica is a second database on the same server",
)
both_databases = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture(scope="module")
def replica_database(django_db_setup, django_db_blocker):
    """A `replica` alias pointing at a copy of the test database (same schema, roles and
    permissions), with no replication: what is written to one is not in the other."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    primary = connections[PRIMARY]
    template = primary.settings_dict["NAME"]
    name = f"{template}_replica"
    with django_db_blocker.unblock():
        # CREATE DATABASE … TEMPLATE needs the template to have no other session.
        primary.close()
        primary.close_pool()
        with primary._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        replica = copy.deepcopy(connections.settings[PRIMARY])
        replica["NAME"] = name
        replica["TEST"] = {**replica["TEST"], "NAME": name, "MIRROR": None}
        connections.settings[REPLICA] = replica  # the same dict as settings.DATABASES
        try:
            yield name
        finally:
            connections[REPLICA].close()
            connections[REPLICA].close_pool()
            del connections[REPLICA]
            del connections.settings[REPLICA]
            with primary._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def routed(replica_database, settings):
    settings.DATABASE_ROUTERS = ["diplomacy.routers.ReplicaRouter"]


def only_on_replica(**fields) -> Actor:
    """A state written straight into the replica (bulk_create: no signals, nothing on the
    primary)."""
    actor = StateFactory.build(**fields)
    Actor.objects.using(REPLICA).bulk_create([actor])
    return actor


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # the session is written to the primary, outside any request
    return client


@needs_postgresql
@both_databases
def test_analyst_pages_read_curated_records_from_the_replica(routed, analyst):
    only_on_replica(name="Replica-only Republic", slug="replica-only-republic")

    response = signed_in(analyst).get("/actors/")

    # Signed in (the session and the user were read from the primary) ...
    assert response.status_code == 200
    # ... and the list came from the replica.
    assert "Replica-only Republic" in response.content.decode()
    assert not Actor.objects.using(PRIMARY).filter(slug="replica-only-republic").exists()
    detail = signed_in(analyst).get("/actors/replica-only-republic/")
    assert detail.status_code == 200


@needs_postgresql
@both_databases
def test_the_api_reads_from_the_replica(routed, analyst):
    only_on_replica(name="Replica-only Republic", slug="replica-only-republic")

    response = signed_in(analyst).get("/api/actors/", {"kind": "state"})

    assert response.status_code == 200
    assert "replica-only-republic" in [actor["slug"] for actor in response.json()["results"]]


@needs_postgresql
@both_databases
def test_editors_and_the_admin_read_from_the_primary(routed, editor):
    only_on_replica(name="Replica-only Republic", slug="replica-only-republic")
    client = signed_in(editor)

    site = client.get("/actors/")
    admin = client.get("/admin/events/actor/")

    assert site.status_code == admin.status_code == 200
    assert "Replica-only Republic" not in site.content.decode()
    assert "Replica-only Republic" not in admin.content.decode()


@needs_postgresql
@both_databases
def test_an_admin_save_lands_on_the_primary_only(routed, editor):
    client = signed_in(editor)
    form = client.get("/admin/events/source/add/")
    assert form.status_code == 200

    response = client.post(
        "/admin/events/source/add/",
        {
            "kind": "major_outlet",
            "outlet": "Replica Times",
            "title": "Written through the admin",
            "published": "5 September 2025",
        },
    )

    assert response.status_code == 302
    assert Source.objects.using(PRIMARY).filter(title="Written through the admin").exists()
    assert not Source.objects.using(REPLICA).filter(title="Written through the admin").exists()


@needs_postgresql
@both_databases
def test_a_request_that_wrote_reads_its_own_write_from_the_primary(routed):
    only_on_replica(name="Replica-only Republic", slug="replica-only-republic")
    on_replica = Actor.objects.filter(slug="replica-only-republic")

    with routers.request_scope():
        routers.allow_replica()
        assert on_replica.exists()  # read from the replica

        source = services.source_create(
            kind="major_outlet",
            outlet="Replica Times",
            title="Written by a service",
            published=FuzzyDate.parse("5 September 2025"),
        )

        assert Source.objects.filter(pk=source.pk).exists()  # read back from the primary
        assert not on_replica.exists()

    assert Source.objects.using(PRIMARY).filter(pk=source.pk).exists()
    assert not Source.objects.using(REPLICA).filter(pk=source.pk).exists()


@needs_postgresql
@both_databases
def test_rows_read_from_either_database_can_be_related(routed):
    state = only_on_replica(name="Replica-only Republic", slug="replica-only-republic")
    from_replica = Actor.objects.using(REPLICA).get(slug=state.slug)
    from_primary = SourceFactory()

    # Django checks allow_relation when an object from one database is assigned to another's
    # relation; the router allows it, since both hold the same rows in production.
    assert router.allow_relation(from_primary, from_replica)


@needs_postgresql
@both_databases
def test_healthz_reports_the_replica(routed, anonymous_client):
    response = anonymous_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "replica": "ok", "cache": "ok"}
