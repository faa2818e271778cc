"""Who may read the API: analysts and editors (session or token); anonymous visitors only when
the site is opened to them (PUBLIC_READ); nobody may write."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token, TokenProxy

from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("seeded")

READABLE = [
    "/api/",
    "/api/channels/",
    "/api/channels/us-china-military/",
    "/api/status-changes/",
    "/api/engagements/",
    "/api/statements/",
    "/api/actors/",
    "/api/actors/pete-hegseth/",
    "/api/counterpart-claims/",
    "/api/sticking-points/",
    "/api/sources/",
    "/api/schema/",
    "/api/docs/",
]


def test_anonymous_visitors_get_401(anonymous_client):
    for path in READABLE:
        response = anonymous_client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"].startswith("Token"), path
        if path not in ("/api/schema/", "/api/docs/"):  # those answer in YAML and HTML
            assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_anonymous_visitors_read_when_the_site_is_public(anonymous_client, settings):
    settings.PUBLIC_READ = True
    for path in READABLE:
        assert anonymous_client.get(path).status_code == 200, path
    channel = anonymous_client.get("/api/channels/us-china-military/").json()
    assert channel["current_status"]["status"] == "stalled"


@pytest.mark.parametrize("who", ["client", "editor_client", "admin_client"])
def test_analysts_editors_and_admins_read(request, who):
    signed_in = request.getfixturevalue(who)
    for path in READABLE:
        assert signed_in.get(path).status_code == 200, (who, path)


def test_signed_in_account_without_a_role_gets_403(django_user_model):
    someone = make_user(django_user_model, "someone", group=None)
    signed_in = Client()
    signed_in.force_login(someone)
    response = signed_in.get("/api/channels/")
    assert response.status_code == 403
    assert "Analysts or Editors group" in response.json()["detail"]


def test_token_authentication(anonymous_client, analyst):
    token = Token.objects.create(user=analyst)
    response = anonymous_client.get(
        "/api/channels/us-china-military/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200
    assert response.json()["current_status"]["status"] == "stalled"
    schema = anonymous_client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert schema.status_code == 200


def test_bad_or_inactive_tokens_are_refused(anonymous_client, analyst, django_user_model):
    response = anonymous_client.get("/api/channels/", HTTP_AUTHORIZATION="Token not-a-real-key")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}

    token = Token.objects.create(user=analyst)
    analyst.is_active = False
    analyst.save()
    response = anonymous_client.get("/api/channels/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401

    roleless = Token.objects.create(user=make_user(django_user_model, "roleless", group=None))
    response = anonymous_client.get("/api/channels/", HTTP_AUTHORIZATION=f"Token {roleless.key}")
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, anonymous_client, method):
    for path in ["/api/channels/", "/api/channels/us-china-military/", "/api/engagements/"]:
        response = getattr(client, method)(path, {}, content_type="application/json")
        assert response.status_code == 405, (method, path)
        assert "not allowed" in response.json()["detail"]
        assert getattr(anonymous_client, method)(path).status_code == 401


def test_a_token_with_unsafe_methods_is_refused_too(anonymous_client, editor):
    token = Token.objects.create(user=editor)
    response = anonymous_client.delete(
        "/api/channels/us-china-military/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 405


def test_options_and_head_are_allowed(client):
    assert client.head("/api/channels/").status_code == 200
    response = client.options("/api/channels/")
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_tokens_are_created_with_the_management_command_or_in_the_admin(editor):
    call_command("drf_create_token", "editor", verbosity=0)
    assert Token.objects.filter(user=editor).exists()
    assert TokenProxy in admin.site._registry


def test_docs_are_served_from_this_host(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert "/api/schema/" in html


def test_schema_is_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/channels/{slug}/" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    fuzzy = schema["components"]["schemas"]["FuzzyDate"]
    assert set(fuzzy["required"]) == {"human", "earliest", "latest", "precision"}


def test_browsable_api_renders_for_people(client):
    for path in READABLE[:-2]:
        response = client.get(path, {"during": "September 2025"}, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html")
    response = client.get("/api/engagements/", {"during": "next tuesday"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert "next tuesday" in response.content.decode()
