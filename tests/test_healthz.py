"""/healthz: what a load balancer or a monitor asks each app server — can it reach its database
and its cache? 200 when both answer, 503 naming the part that does not; anonymous, sessionless
and cheap, over plain HTTP even where the site redirects to HTTPS."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthy_server_answers_200_with_each_part_ok(anonymous_client):
    response = anonymous_client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_probe_needs_no_sign_in_sets_no_cookie_and_is_never_cached(anonymous_client):
    response = anonymous_client.get("/healthz")

    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_probe_costs_one_query(anonymous_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = anonymous_client.get("/healthz")

    assert response.status_code == 200


def test_probe_over_plain_http_is_not_redirected_where_the_site_is(anonymous_client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert anonymous_client.get("/").status_code == 301
    assert anonymous_client.get("/healthz").status_code == 200


def test_database_failure_is_503_naming_the_database(anonymous_client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)

    response = anonymous_client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "error: OperationalError",
        "cache": "ok",
    }


def test_cache_failure_is_503_naming_the_cache(anonymous_client, settings):
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = anonymous_client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "error: ConnectionError",
    }


def test_only_reads_are_answered(anonymous_client):
    assert anonymous_client.post("/healthz").status_code == 405
