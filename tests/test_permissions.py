"""Who may open what: every site page, the admin and every export, for each kind of visitor.

The table below is the access policy. Each row is one URL; each column one kind of visitor:

- anonymous: not signed in (the default deployment);
- public: not signed in, with `settings.PUBLIC_READ = True` (the boards open read-only);
- no_group: signed in, but in neither the Analysts nor the Editors group;
- analyst: signed in, in the Analysts group;
- editor: staff, in the Editors group;
- superuser.

Plus the sign-in page, and `manage.py setup_roles`.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from events.access import NO_ACCESS
from events.roles import ANALYSTS, EDITORS, curated_models
from tests.conftest import make_user
from tests.factories import ChannelFactory, PersonFactory, StatementFactory, cite

PASSWORD = "a long and unusual passphrase"  # what tests.conftest.make_user sets

# What a visitor gets.
OK = "200"  # the page (or download)
LOGIN = "site sign-in"  # 302 to /accounts/login/?next=<the URL>
ADMIN_LOGIN = "admin sign-in"  # 302 to /admin/login/?next=<the URL>
NO_READ = "403 no access"  # 403 with events.access.NO_ACCESS
EDITORS_ONLY = "403 editors"  # 403 "This page is for editors."
FORBIDDEN = "403"  # the admin's plain 403

ROLES = ["anonymous", "public", "no_group", "analyst", "editor", "superuser"]

# {channel}, {actor} and {statement} are filled in from the `records` fixture.
SITE_PAGES = {
    #                               anonymous, public, no_group, analyst, editor, superuser
    "/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/channels/{channel}/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/engagements/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/statements/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/actors/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/actors/{actor}/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/sources/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/timeline/": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/feeds/board.atom": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/channels/{channel}/feed.atom": (LOGIN, OK, NO_READ, OK, OK, OK),
    "/quality/": (LOGIN, LOGIN, EDITORS_ONLY, EDITORS_ONLY, OK, OK),
}
EXPORTS = {
    f"/{page}/?format={fmt}": (LOGIN, OK, NO_READ, OK, OK, OK)
    for page in ("engagements", "statements", "actors", "sources")
    for fmt in ("csv", "json")
}
ADMIN_PAGES = {
    "/admin/": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, OK),
    "/admin/events/statement/": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, OK),
    "/admin/events/statement/add/": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, OK),
    "/admin/events/statement/{statement}/change/": (
        *(ADMIN_LOGIN,) * 4,
        OK,
        OK,
    ),
    # Editors curate records; they do not manage accounts.
    "/admin/auth/user/": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, FORBIDDEN, OK),
}
POLICY = {**SITE_PAGES, **EXPORTS, **ADMIN_PAGES}

CONTENT_TYPES = {
    "format=csv": "text/csv; charset=utf-8",
    "format=json": "application/json; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
}


def test_the_policy_table_covers_every_role():
    assert all(len(outcomes) == len(ROLES) for outcomes in POLICY.values())


@pytest.fixture
def records(db):
    """One of each record the pages with a slug or id need."""
    channel = ChannelFactory(slug="a-b-military")
    person = PersonFactory(slug="someone")
    statement = StatementFactory(speaker=person)
    statement.channels.add(channel)
    cite(statement)
    return {"channel": channel.slug, "actor": person.slug, "statement": statement.pk}


def visitor(role: str, django_user_model, settings) -> Client:
    client = Client()
    if role == "public":
        settings.PUBLIC_READ = True
    else:
        settings.PUBLIC_READ = False
    user = {
        "anonymous": lambda: None,
        "public": lambda: None,
        "no_group": lambda: make_user(django_user_model, "newcomer", None),
        "analyst": lambda: make_user(django_user_model, "analyst", ANALYSTS),
        "editor": lambda: make_user(django_user_model, "editor", EDITORS, staff=True),
        "superuser": lambda: django_user_model.objects.create_superuser(
            "root", "root@example.org", PASSWORD
        ),
    }[role]()
    if user is not None:
        client.force_login(user)
    return client


def assert_redirected_to_sign_in(response, sign_in: str, url: str) -> None:
    assert response.status_code == 302, response.status_code
    target = urlsplit(response["Location"])
    assert target.path == sign_in
    assert parse_qs(target.query) == {"next": [url]}


def assert_outcome(response, expected: str, url: str) -> None:
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    if expected == OK:
        assert response.status_code == 200, response.status_code
        for marker, content_type in CONTENT_TYPES.items():
            if marker in url:
                assert response["Content-Type"] == content_type
    elif expected == LOGIN:
        assert_redirected_to_sign_in(response, "/accounts/login/", url)
    elif expected == ADMIN_LOGIN:
        assert_redirected_to_sign_in(response, "/admin/login/", url)
    elif expected == NO_READ:
        assert response.status_code == 403
        assert escape(NO_ACCESS) in body
    elif expected == EDITORS_ONLY:
        assert response.status_code == 403
        assert "This page is for editors." in body
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown outcome {expected!r}")


@pytest.mark.parametrize(
    ("role", "pattern", "expected"),
    [
        pytest.param(role, pattern, outcomes[index], id=f"{role}:{pattern}")
        for pattern, outcomes in POLICY.items()
        for index, role in enumerate(ROLES)
    ],
)
def test_access(records, django_user_model, settings, role, pattern, expected):
    url = pattern.format(**records)
    client = visitor(role, django_user_model, settings)

    response = client.get(url)

    assert_outcome(response, expected, url)


def test_public_read_pages_offer_no_editing(records, settings):
    settings.PUBLIC_READ = True
    page = Client().get("/").content.decode()

    assert "/admin/" not in page
    assert "/quality/" not in page
    assert 'href="/accounts/login/"' in page


def test_editor_admin_index_does_not_offer_user_management(records, editor_client):
    page = editor_client.get("/admin/").content.decode()

    assert "/admin/events/statement/" in page
    assert "/admin/auth/user/" not in page
    assert "/admin/auth/group/" not in page


def test_superuser_admin_index_offers_user_management(records, admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert "/admin/auth/user/" in page


def test_editor_cannot_add_or_change_users(editor, editor_client, django_user_model):
    other = make_user(django_user_model, "someone-else", None)

    assert editor_client.get("/admin/auth/user/add/").status_code == 403
    assert editor_client.get(f"/admin/auth/user/{other.pk}/change/").status_code == 403
    response = editor_client.post(
        f"/admin/auth/user/{other.pk}/change/", {"username": "hijacked", "is_superuser": "on"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert (other.username, other.is_superuser) == ("someone-else", False)


# --- Signing in ------------------------------------------------------------------------------


def test_sign_in_page_is_the_sites_not_the_admins(db):
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    templates = [t.name for t in response.templates]
    assert "registration/login.html" in templates
    assert "admin/login.html" not in templates
    assert "Sign in" in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in_and_back(db, analyst):
    client = Client()
    first = client.get("/engagements/")
    assert_redirected_to_sign_in(first, "/accounts/login/", "/engagements/")
    assert client.get(first["Location"]).status_code == 200

    response = client.post(
        "/accounts/login/",
        {"username": "analyst", "password": PASSWORD, "next": "/engagements/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/engagements/"


def test_wrong_password_shows_an_error_and_signs_nobody_in(db, analyst):
    client = Client()

    response = client.post("/accounts/login/", {"username": "analyst", "password": "wrong"})

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors
    assert escape(errors[0]) in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_good_password_lands_on_the_board(db, analyst):
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": "analyst", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert response.status_code == 200
    assert "events/channel_board.html" in [t.name for t in response.templates]
    assert str(client.session["_auth_user_id"]) == str(analyst.pk)


# --- Roles -----------------------------------------------------------------------------------


def _permissions(group_name: str) -> list[tuple[str, str]]:
    return sorted(
        Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def test_setup_roles_is_idempotent_and_grants_what_each_role_needs(db, capsys):
    call_command("setup_roles")
    first_output = capsys.readouterr().out
    first = {name: _permissions(name) for name in (EDITORS, ANALYSTS)}
    groups_before = Group.objects.count()

    call_command("setup_roles")
    second_output = capsys.readouterr().out

    assert second_output == first_output
    assert Group.objects.count() == groups_before
    assert {name: _permissions(name) for name in (EDITORS, ANALYSTS)} == first
    models = [m._meta.model_name for m in curated_models()]
    assert "searchentry" not in models
    assert f"{EDITORS}: {4 * len(models)} permissions" in first_output
    assert f"{ANALYSTS}: {len(models)} permissions" in first_output

    editors = first[EDITORS]
    assert not [p for p in editors if p[0] == "auth"]
    assert {app for app, _ in editors} == {"events"}
    assert {codename for _, codename in editors} == {
        f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in models
    }
    analysts = first[ANALYSTS]
    assert {app for app, _ in analysts} == {"events"}
    assert all(codename.startswith("view_") for _, codename in analysts)
    assert {codename for _, codename in analysts} == {f"view_{model}" for model in models}


def test_setup_roles_restores_a_tampered_group(db):
    editors = Group.objects.get(name=EDITORS)
    editors.permissions.add(Permission.objects.get(codename="change_user"))
    analysts = Group.objects.get(name=ANALYSTS)
    analysts.permissions.add(Permission.objects.get(codename="delete_statement"))

    call_command("setup_roles", verbosity=0)

    assert not editors.permissions.filter(content_type__app_label="auth").exists()
    assert not analysts.permissions.exclude(codename__startswith="view_").exists()
