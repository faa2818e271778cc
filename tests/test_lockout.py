"""Sign-in lockout (django-axes, settings AXES_*, events/lockout.py): LOGIN_FAILURE_LIMIT failed
sign-ins lock that username out from that address for the cool-off, on the site's sign-in and
the admin's alike; other usernames and other addresses are unaffected; the locked-out user is
told so, and until when, even with the right password; after the cool-off they get in."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.utils import timezone

PASSWORD = "a long and unusual passphrase"  # what tests.conftest.make_user sets
SITE = "/accounts/login/"
ADMIN = "/admin/login/"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def sign_in(client, url, username, password, ip=HOME, **headers):
    data = {"username": username, "password": password}
    if url == ADMIN:
        data["next"] = "/admin/"
    return client.post(url, data, REMOTE_ADDR=ip, headers=headers)


def fail(client, url, username, times, ip=HOME):
    return [sign_in(client, url, username, "not the password", ip=ip) for _ in range(times)]


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def assert_locked_out(response, username):
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked for now" in page
    assert f"Too many failed sign-ins for <strong>{username}</strong>" in page
    assert "even with the right password" in page
    assert "Try again after" in page
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def cool_off_passes():
    """Every recorded failure happened a cool-off (and a second) earlier than it did."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )


def test_the_policy_is_five_failures_fifteen_minutes_per_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_failures_below_the_limit_only_show_the_form_error(db, editor, url):
    client = Client()

    responses = fail(client, url, "editor", settings.AXES_FAILURE_LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert all("Sign-in locked" not in r.content.decode() for r in responses)
    response = sign_in(client, url, "editor", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == str(editor.pk)


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_the_failure_at_the_limit_locks_the_username_out_from_that_address(db, editor, url):
    client = Client()

    *before, at_limit = fail(client, url, "editor", settings.AXES_FAILURE_LIMIT)

    assert {r.status_code for r in before} == {200}
    assert_locked_out(at_limit, "editor")


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_the_right_password_is_refused_while_locked_out(db, editor, url):
    client = Client()
    fail(client, url, "editor", settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, url, "editor", PASSWORD)

    assert_locked_out(response, "editor")
    assert signed_in_as(client) is None
    assert client.get("/").status_code == 302  # still sent to sign in


def test_the_lockout_page_says_until_when_and_sends_retry_after(db, editor):
    client = Client()
    fail(client, SITE, "editor", settings.AXES_FAILURE_LIMIT)
    last_failure = AccessAttempt.objects.get().attempt_time
    until = last_failure + settings.AXES_COOLOFF_TIME

    response = sign_in(client, SITE, "editor", PASSWORD)

    page = response.content.decode()
    assert f'Try again after <time datetime="{until.isoformat()}">' in page
    assert f"{until:%H:%M} UTC on {until.day} {until:%B %Y}" in page
    assert "in about 15 minutes" in page
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    # The lockout page is a page of the site like any other: same headers.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_attempts_while_locked_out_do_not_extend_the_lockout(db, editor):
    client = Client()
    fail(client, SITE, "editor", settings.AXES_FAILURE_LIMIT)
    first_until = AccessAttempt.objects.get().attempt_time

    fail(client, SITE, "editor", 3)

    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == first_until
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


def test_failures_at_the_site_and_the_admin_count_together(db, editor):
    client = Client()
    fail(client, SITE, "editor", 3)
    fail(client, ADMIN, "editor", settings.AXES_FAILURE_LIMIT - 4)

    response = sign_in(client, ADMIN, "editor", "still not the password")

    assert_locked_out(response, "editor")
    assert_locked_out(sign_in(client, SITE, "editor", PASSWORD), "editor")


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_another_username_from_the_same_address_can_still_sign_in(db, editor, analyst, url):
    fail(Client(), url, "analyst", settings.AXES_FAILURE_LIMIT)
    client = Client()

    response = sign_in(client, url, "editor", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == str(editor.pk)


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_the_same_username_from_another_address_can_still_sign_in(db, editor, url):
    fail(Client(), url, "editor", settings.AXES_FAILURE_LIMIT, ip=HOME)
    client = Client()

    response = sign_in(client, url, "editor", PASSWORD, ip=ELSEWHERE)

    assert response.status_code == 302
    assert signed_in_as(client) == str(editor.pk)
    # ...and the lockout at HOME still stands.
    assert_locked_out(sign_in(Client(), url, "editor", PASSWORD, ip=HOME), "editor")


@pytest.mark.parametrize("url", [SITE, ADMIN])
def test_after_the_cool_off_the_right_password_signs_in(db, editor, url):
    client = Client()
    fail(client, url, "editor", settings.AXES_FAILURE_LIMIT)
    assert_locked_out(sign_in(client, url, "editor", PASSWORD), "editor")

    cool_off_passes()
    response = sign_in(client, url, "editor", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == str(editor.pk)
    assert not AccessAttempt.objects.exists()  # a successful sign-in clears the count


def test_after_the_cool_off_the_count_starts_again(db, editor):
    client = Client()
    fail(client, SITE, "editor", settings.AXES_FAILURE_LIMIT)
    cool_off_passes()

    responses = fail(client, SITE, "editor", settings.AXES_FAILURE_LIMIT - 1)

    assert {r.status_code for r in responses} == {200}


def test_a_successful_sign_in_resets_the_count(db, editor):
    fail(Client(), SITE, "editor", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(Client(), SITE, "editor", PASSWORD).status_code == 302

    responses = fail(Client(), SITE, "editor", settings.AXES_FAILURE_LIMIT - 1)

    assert {r.status_code for r in responses} == {200}


def test_a_tiny_cool_off_from_the_settings_is_honoured(db, editor, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    client = Client()
    fail(client, SITE, "editor", settings.AXES_FAILURE_LIMIT)
    assert_locked_out(sign_in(client, SITE, "editor", PASSWORD), "editor")

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=2))

    assert sign_in(client, SITE, "editor", PASSWORD).status_code == 302


def test_hostile_username_is_escaped_on_the_lockout_page(db):
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'

    response = fail(Client(), SITE, hostile, settings.AXES_FAILURE_LIMIT)[-1]

    page = response.content.decode()
    assert response.status_code == 429
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x" in page


# --- Client address behind a proxy (CLIENT_IP_HEADER) ---------------------------------------


def test_without_client_ip_header_a_forwarded_for_header_cannot_dodge_the_lockout(db, editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), SITE, "editor", "wrong", **{"X-Forwarded-For": f"192.0.2.{n}"})

    response = sign_in(Client(), SITE, "editor", PASSWORD, **{"X-Forwarded-For": "192.0.2.99"})

    assert_locked_out(response, "editor")
    assert AccessAttempt.objects.get().ip_address == HOME


def test_behind_a_proxy_the_client_address_comes_from_the_configured_header(db, editor, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    proxy = "127.0.0.1"
    # The right-most entry is what the proxy appended; what the client put before it is ignored.
    for n in range(settings.AXES_FAILURE_LIMIT):
        forwarded = {"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.7"}
        sign_in(Client(), SITE, "editor", "wrong", ip=proxy, **forwarded)

    locked = sign_in(Client(), SITE, "editor", PASSWORD, ip=proxy, **forwarded)
    other_client = sign_in(
        Client(), SITE, "editor", PASSWORD, ip=proxy, **{"X-Forwarded-For": "203.0.113.8"}
    )

    assert_locked_out(locked, "editor")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    assert other_client.status_code == 302


def test_a_header_that_is_not_an_address_falls_back_to_the_connection(db, editor, settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"

    sign_in(Client(), SITE, "editor", "wrong", **{"X-Real-IP": "<script>"})

    assert AccessAttempt.objects.get().ip_address == HOME
