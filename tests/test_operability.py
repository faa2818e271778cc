"""Operable under bad input and faults: every unhandled error is logged once with its traceback
and the request's id (also in the response header); bad query parameters get 400 with the
reason; a query past the statement timeout gets a 503 page saying so, logged; cached pages link
only with their own parameters; the password change is throttled like sign-in; what carries
credentials is never kept by a shared cache."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client

from diplomacy.logs import JsonFormatter
from events import views
from events.search import MAX_QUERY_TERMS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long and unusual passphrase"  # what tests.conftest.make_user sets


@contextmanager
def captured_log(formatter: logging.Formatter | None = None):
    """What the site's own log handler (settings.LOGGING: stderr) writes, captured."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stderr")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    previous_formatter = handler.formatter
    if formatter is not None:
        handler.setFormatter(formatter)
    try:
        yield stream
    finally:
        handler.setStream(previous)
        handler.setFormatter(previous_formatter)


# --- 1. Logging --------------------------------------------------------------------------------


@pytest.mark.urls("tests.fault_urls")
def test_an_unhandled_error_is_logged_once_with_its_traceback_and_the_request_id():
    client = Client(raise_request_exception=False)
    with captured_log() as log:
        response = client.get("/test-only/fail/", headers={"X-Request-ID": "probe-1234abcd"})

    assert response.status_code == 500
    assert response["X-Request-ID"] == "probe-1234abcd"
    text = log.getvalue()
    assert text.count("Traceback (most recent call last)") == 1, text
    assert text.count("DeliberateError: This view fails on purpose.") == 1, text
    error_lines = [line for line in text.splitlines() if "Internal Server Error" in line]
    assert len(error_lines) == 1, text
    assert (
        "ERROR django.request [probe-1234abcd] Internal Server Error: /test-only/fail/"
        in (error_lines[0])
    )


@pytest.mark.urls("tests.fault_urls")
def test_json_log_lines_hold_the_traceback_in_one_record_with_the_request_id():
    client = Client(raise_request_exception=False)
    with captured_log(JsonFormatter()) as log:
        response = client.get("/test-only/fail/")

    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), "a fresh id when none was sent"
    records = [json.loads(line) for line in log.getvalue().splitlines()]
    errors = [r for r in records if r["level"] == "ERROR"]
    assert len(errors) == 1, records
    assert errors[0]["logger"] == "django.request"
    assert errors[0]["request_id"] == request_id
    assert errors[0]["exc_info"].startswith("Traceback (most recent call last)")
    assert "DeliberateError: This view fails on purpose." in errors[0]["exc_info"]


def test_an_insane_incoming_request_id_is_replaced(client):
    response = client.get("/ping/", headers={"X-Request-ID": "bad id with spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_slow_request_is_logged_with_its_path_time_and_query_count(seeded, client, settings):
    settings.SLOW_REQUEST_MS = 0.001
    with captured_log(JsonFormatter()) as log:
        response = client.get("/statements/?stance=firm")

    records = [json.loads(line) for line in log.getvalue().splitlines()]
    slow = [r for r in records if r["logger"] == "diplomacy.requests"]
    assert len(slow) == 1, records
    assert slow[0]["level"] == "WARNING"
    assert slow[0]["path"] == "/statements/"
    assert slow[0]["queries"] >= 3
    assert slow[0]["duration_ms"] >= 0
    assert slow[0]["request_id"] == response["X-Request-ID"]
    assert slow[0]["message"].startswith("Slow request: GET /statements/ took ")


def test_the_access_log_format_carries_the_request_id():
    config = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert "%({x-request-id}o)s" in config


# --- 2. Bad query parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/engagements/?channel=%00",
        "/statements/?speaker=a%00b",
        "/timeline/?channel=%00",
        "/engagements/?participant=%00&format=csv",
        "/suggest/actors/?participant=%00",
        "/admin/autocomplete/?term=%00&app_label=events&model_name=citation&field_name=source",
        "/?q=tab%09here",
        "/sources/?%00=1",
    ],
)
def test_a_control_character_in_a_parameter_gets_400_with_the_reason(seeded, admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "<h1>Request not understood</h1>" in page
    assert "contains a control character (such as a NUL byte or a line break)" in page


def test_an_over_long_parameter_gets_400_saying_how_long_it_may_be(seeded, client):
    response = client.get("/sources/", {"outlet": "x" * 10_000})
    assert response.status_code == 400
    assert (
        "The parameter “outlet” is 10,000 characters long; searches and filters take at most "
        "1,000." in unescape(response.content.decode())
    )


def test_the_api_refuses_a_nul_byte_with_its_own_error_shape(seeded, client):
    response = client.get("/api/engagements/", {"channel": "\x00"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Invalid request. channel: The parameter “channel”")
    assert list(body["errors"]) == ["channel"]


@pytest.mark.parametrize("url", ["/statements/", "/api/statements/"])
def test_a_search_of_too_many_words_says_how_many_it_may_have(seeded, client, url):
    response = client.get(url, {"q": " ".join(f"word{n}" for n in range(100))})
    message = (
        f"A search looks for at most {MAX_QUERY_TERMS} different words; this one has 100. "
        "Keep the words that matter most."
    )
    if url.startswith("/api/"):
        assert response.status_code == 400
        assert response.json()["errors"]["q"] == [message]
    else:
        assert response.status_code == 200
        html = response.content.decode()
        error = re.search(r'<p class="field-error" id="id_q_error" role="alert">(.*?)</p>', html)
        assert error and unescape(error.group(1)) == message


def test_a_search_of_the_most_words_allowed_runs(seeded, client):
    response = client.get("/statements/", {"q": " ".join(["talks"] * 3 + ["x"] * MAX_QUERY_TERMS)})
    assert response.status_code == 200
    assert "different words" not in response.content.decode()


# --- 3. Statement timeout ----------------------------------------------------------------------


@pytest.mark.urls("tests.fault_urls")
def test_a_query_past_the_statement_timeout_gets_the_timeout_page_and_is_logged(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the statement timeout is PostgreSQL's")
    settings.DB_STATEMENT_TIMEOUT_MS = 100
    with connection.cursor() as cursor:
        # This test's transaction only (rolled back after it), as the web's connections have
        # it from DB_STATEMENT_TIMEOUT_MS.
        cursor.execute("SET LOCAL statement_timeout = 100")
    client = Client(raise_request_exception=False)
    with captured_log() as log:
        response = client.get("/test-only/slow-query/")

    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in page
    assert "This request took too long: the database stopped it after 0.1 seconds." in page
    assert "no-store" in response["Cache-Control"]
    text = log.getvalue()
    request_id = response["X-Request-ID"]
    assert (
        f"ERROR diplomacy.database [{request_id}] Query stopped by the statement timeout "
        "(0.1 s): GET /test-only/slow-query/"
    ) in text
    # Logged once, with the traceback (psycopg's QueryCanceled, chained to Django's error).
    assert text.count("Query stopped by the statement timeout") == 1
    assert "psycopg.errors.QueryCanceled: canceling statement due to statement timeout" in text


def _show_statement_timeout(code: str, setting: str = "statement_timeout", **env) -> str:
    """`SHOW statement_timeout` (or another `setting`) in a fresh process, on this test
    database."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    script = (
        f"{code}\nfrom django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    c.execute('SHOW {setting}'); print(c.fetchone()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
            "DATABASE_URL": url,
            "DB_STATEMENT_TIMEOUT_MS": "1234",
            "DIPLOMACY_WEB": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_only_the_web_process_has_a_statement_timeout(db):
    if connection.vendor != "postgresql":
        pytest.skip("the statement timeout is PostgreSQL's")
    assert _show_statement_timeout("import diplomacy.wsgi") == "1234ms"
    assert _show_statement_timeout("import django; django.setup()") == "0"


def test_the_app_connections_plan_without_jit_compilation(db):
    """JIT compiling a plan estimated costly (the as-of board's subqueries) took seconds for a
    query that runs in milliseconds: every connection of the app has it off."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    assert _show_statement_timeout("import diplomacy.wsgi", setting="jit") == "off"
    assert _show_statement_timeout("import django; django.setup()", setting="jit") == "off"


# --- 5. Cached pages link with their own parameters --------------------------------------------


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="(\?[^"]*)"', html)]


def test_the_cached_board_links_only_with_its_own_parameters(seeded, client, monkeypatch):
    monkeypatch.setattr(views, "BOARD_PER_PAGE", 1)
    first = client.get("/?group=track&utm_source=newsletter&junk=%3Cx%3E")
    assert first.status_code == 200
    # The next request is served the cached body: its links are the board's, not the first
    # request's.
    second = client.get("/?group=track")
    for response in (first, second):
        links = hrefs(response.content.decode())
        assert any("status=" in link for link in links)
        assert any("page=2" in link for link in links)
        for link in links:
            assert "utm_source" not in link and "junk" not in link, link
            assert "group=track" in link, link


# --- 6. Password change is throttled like sign-in ----------------------------------------------


@pytest.mark.parametrize("url", ["/accounts/password_change/", "/admin/password_change/"])
def test_wrong_current_passwords_on_the_password_change_lock_it_like_sign_in(editor, url):
    client = Client()
    client.force_login(editor)
    attempt = {
        "old_password": "not the password",
        "new_password1": "another quite long passphrase",
        "new_password2": "another quite long passphrase",
    }
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, attempt, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in unescape(response.content.decode())

    response = client.post(url, attempt, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "Sign-in locked for now" in response.content.decode()
    # Locked: even the right current password is not checked, and the password is unchanged.
    response = client.post(url, {**attempt, "old_password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
    assert AccessAttempt.objects.get(username="editor").failures_since_start == (
        settings.AXES_FAILURE_LIMIT
    )
    # The sign-in page holds the same lockout.
    response = Client().post(
        "/accounts/login/", {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429


def test_the_right_current_password_changes_it(editor):
    client = Client()
    client.force_login(editor)
    new = "another quite long passphrase"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password(new)


# --- 7. Private caching ------------------------------------------------------------------------


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "url", ["/", "/statements/", "/statements/?format=csv", "/sources/?format=json", "/timeline/"]
)
def test_signed_in_pages_and_downloads_are_private_and_not_stored(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_the_api_is_private_and_varies_on_authorization(seeded, client, editor):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=editor)
    for response in (
        client.get("/api/channels/"),
        Client().get("/api/channels/", headers={"Authorization": f"Token {token.key}"}),
    ):
        assert response.status_code == 200
        assert {"private", "no-store"} <= cache_control(response)
        vary = {part.strip().lower() for part in response["Vary"].split(",")}
        assert "authorization" in vary


def test_public_pages_for_visitors_without_credentials_say_nothing_of_caching(
    seeded, anonymous_client, settings
):
    settings.PUBLIC_READ = True
    response = anonymous_client.get("/statements/")
    assert response.status_code == 200
    assert "Cache-Control" not in response
    download = anonymous_client.get("/statements/?format=csv")
    assert {"private", "no-store"} <= cache_control(download)
