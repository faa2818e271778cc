"""Fixtures shared by the whole suite, and the environment it runs in."""

import os

# The environment a bare `pytest` runs in, the same as `make test` gives it. Set here, before
# Django first reads diplomacy/settings.py (which needs a SECRET_KEY unless DEBUG is on), rather
# than as DJANGO_SETTINGS_MODULE in pyproject.toml: pytest-django would read the settings from
# there before any conftest runs. DEBUG is off whatever the shell says, so the suite checks the
# production defaults (HTTPS, hosts, static files) as CI does.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
os.environ.setdefault("SECRET_KEY", "test-only-secret")
os.environ["DEBUG"] = "0"

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:  # pytest-django has set Django up when DJANGO_SETTINGS_MODULE was exported
    django.setup()

import pytest  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402

from events.roles import ANALYSTS, EDITORS  # noqa: E402


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back test leaves the data version where
    it found it, and the next test must not find the pages the previous one cached."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(db):
    """The database after `load_seed` on an empty database."""
    call_command("load_seed", verbosity=0)


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
def anonymous_client():
    from django.test import Client

    return Client()


@pytest.fixture
def client(db, analyst):
    """The site as an analyst sees it: signed in, read-only. Use `anonymous_client` for a
    visitor who is not signed in, `editor_client` or `admin_client` for editors."""
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(analyst)
    return signed_in


@pytest.fixture
def editor_client(db, editor):
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(editor)
    return signed_in


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
