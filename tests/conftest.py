import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from events.roles import ANALYSTS, EDITORS


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
