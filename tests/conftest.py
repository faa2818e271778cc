"""Fixtures shared by the whole suite, and the environment it runs in.

The seed (`load_seed`, a second of inserts and history) is loaded once per test module, inside a
transaction that is rolled back after the module; each test that asks for `seeded` runs in a
savepoint within it, as Django's `setUpTestData` does. Tests that commit (`transactional_db`,
`live_server`, `django_db(transaction=True)`) load it for real with `seeded_committed`.
"""

import itertools
import os
import sys
from contextlib import contextmanager
from types import ModuleType

# The environment a bare `pytest` runs in, the same as `make test` gives it. Set here, before
# Django first reads diplomacy/settings.py (which needs a SECRET_KEY unless DEBUG is on), rather
# than as DJANGO_SETTINGS_MODULE in pyproject.toml: pytest-django would read the settings from
# there before any conftest runs. DEBUG is off whatever the shell says, so the suite checks the
# production defaults (HTTPS, hosts, static files) as CI does.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
os.environ.setdefault("SECRET_KEY", "test-only-secret")
os.environ["DEBUG"] = "0"

import django
from django.apps import apps

if not apps.ready:  # pytest-django has set Django up when DJANGO_SETTINGS_MODULE was exported
    django.setup()

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.transaction import Atomic
from django.test import Client
from pytest_django.fixtures import validate_django_db

from events.roles import ANALYSTS, EDITORS


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back test leaves the data version where
    it found it, and the next test must not find the pages the previous one cached."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_user(django_user_model, username: str, group: str | None, *, staff: bool = False):
    user = django_user_model.objects.create_user(
        username=username, password="a long and unusual passphrase", is_staff=staff
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def analyst(db, django_user_model):
    return make_user(django_user_model, "analyst", ANALYSTS)


@pytest.fixture
def editor(db, django_user_model):
    return make_user(django_user_model, "editor", EDITORS, staff=True)


@pytest.fixture
def colleague(db, django_user_model):
    """A second editor, for two people editing the same record."""
    return make_user(django_user_model, "colleague", EDITORS, staff=True)


def signed_in(user) -> Client:
    """A test client with `user` signed in."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anonymous_client():
    return Client()


@pytest.fixture
def client(db, analyst):
    """The site as an analyst sees it: signed in, read-only. Use `anonymous_client` for a
    visitor who is not signed in, `editor_client` or `admin_client` for editors."""
    return signed_in(analyst)


@pytest.fixture
def editor_client(db, editor):
    return signed_in(editor)


@pytest.fixture
def colleague_client(db, colleague):
    return signed_in(colleague)


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """The test client and the live server speak plain HTTP on loopback, so the suite runs as a
    deployment with HTTPS=0 would: no redirect to https, cookies without the Secure flag, no
    HSTS. tests/test_security_headers.py checks the production values (its `production`
    fixture) and a real server started with the production environment."""
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=False,
        SECURE_HSTS_PRELOAD=False,
        # Every signed-in test client creates a user: hashing its password with the production
        # hasher (PBKDF2, over a million rounds) would cost a third of a second each time.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


# --- The seed ------------------------------------------------------------------------------------


def commits(item: pytest.Item) -> bool:
    """Whether the test commits what it writes (pytest-django runs it as a TransactionTestCase,
    emptying the database afterwards) rather than running in a transaction rolled back after it."""
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & {"transactional_db", "live_server", "django_db_reset_sequences"}:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transactional, reset_sequences, _, serialized_rollback, _ = validate_django_db(marker)
    return transactional or reset_sequences or serialized_rollback


def shares_the_seed(item: pytest.Item) -> bool:
    return "seeded" in getattr(item, "fixturenames", ())


class SharedSeed:
    """The seed of one test module: loaded in a transaction of its own, kept open while the
    module's tests that ask for `seeded` run (each in a savepoint), rolled back afterwards.

    A test of the same module that does not ask for the seed expects the database without it, so
    the transaction is rolled back before that test (`pytest_runtest_setup` below) and begun again,
    seed and all, for the next test that asks for it. The tests of a module that share the seed
    run one after another (`pytest_collection_modifyitems` below), so that is rare."""

    loaded: "SharedSeed | None" = None  # the seed whose transaction is open in this process
    of_module: "dict[ModuleType, SharedSeed]" = {}  # each running module's seed, open or not

    def __init__(self, module: ModuleType, django_db_blocker) -> None:
        self.module = module
        self.blocker = django_db_blocker
        self.atomic: Atomic | None = None

    def begin(self) -> None:
        assert SharedSeed.loaded is None, "another module's seed is still loaded"
        with self.blocker.unblock():
            atomic = self.atomic = transaction.atomic()
            atomic.__enter__()
            try:
                call_command("load_seed", verbosity=0)
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                self.atomic = None
                raise
        SharedSeed.loaded = self

    def end(self) -> None:
        if SharedSeed.loaded is not self or self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None
        SharedSeed.loaded = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of `item` is set up: the seed's transaction is open exactly when the
    test shares the seed of its own module."""
    module = getattr(item, "module", None)
    wanted = shares_the_seed(item)
    loaded = SharedSeed.loaded
    if loaded is not None and not (wanted and loaded.module is module):
        loaded.end()
    seed = SharedSeed.of_module.get(module) if wanted else None
    if seed is not None and SharedSeed.loaded is None:
        seed.begin()


@pytest.hookimpl(trylast=True)  # after pytest-django's order: rolled-back tests, then committing
def pytest_collection_modifyitems(config, items):
    """Within each run of one module's tests, those that share the seed come one after another
    (after the others, before those that commit), so the seed is loaded once per module rather
    than once each time the module switches back to it."""
    for item in items:
        if shares_the_seed(item) and commits(item):
            raise pytest.UsageError(
                f"{item.nodeid}: `seeded` is rolled back with its module; a test that commits "
                "asks for `seeded_committed`."
            )

    def order(item: pytest.Item) -> tuple[bool, bool]:
        # Tests that commit stay last: pytest-django runs them after the rolled-back ones
        # because they leave an emptied database behind (no groups, no data version).
        return commits(item), shares_the_seed(item)

    runs = itertools.groupby(items, key=lambda item: getattr(item, "module", None))
    items[:] = [item for _, run in runs for item in sorted(run, key=order)]


@pytest.fixture(scope="module")
def module_seed(request, django_db_setup, django_db_blocker):
    seed = SharedSeed(request.module, django_db_blocker)
    SharedSeed.of_module[request.module] = seed
    seed.begin()
    yield seed
    seed.end()
    del SharedSeed.of_module[request.module]


@pytest.fixture
def seeded(module_seed, db):
    """The database after `load_seed` on an empty database: loaded once per module, each test's
    changes rolled back after it."""


@pytest.fixture
def seeded_committed(transactional_db):
    """The database after `load_seed` on an empty database, committed (for tests that need
    other connections or threads to see it); emptied after the test, as `transactional_db` is."""
    call_command("load_seed", verbosity=0)


# --- Data built once per module ----------------------------------------------------------------


@contextmanager
def rolled_back(django_db_blocker):
    """Database access for a module-scoped fixture, in a transaction rolled back at the end: data
    built once, measured or exported once, for several tests that then check the results."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
