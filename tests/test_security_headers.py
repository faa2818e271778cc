"""Secure settings (diplomacy/settings.py): what the environment turns on, the headers and
cookies of real responses, a Content Security Policy every page keeps to, and long, uncommon
passwords.

The suite itself runs as plain HTTP on loopback (tests/conftest.py `_plain_http`); the
`production` fixture puts back what the settings give with the production environment, read
from a fresh interpreter. The `slow` test at the end starts gunicorn with that environment and
checks a real server's responses (CI runs it in its own section, after `check --deploy`).
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from events.models import Actor, Channel, Statement

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "a long and unusual passphrase"  # what tests.conftest.make_user sets
HOST = "diplomacy.example.org"

# What an operator sets in production (README, "Production"): everything else is the default.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qe2-production-like-key-for-tests-only-3mZk9vR1pL8sT0wYbN4cJ6hD5fG",
    "ALLOWED_HOSTS": HOST,
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
}
# Variables of this project that must not leak in from the shell running the tests.
OURS = re.compile(r"^(DEBUG|SECRET_KEY|ALLOWED_HOSTS|HTTPS|HSTS_.*|SECURE_.*|CSRF_.*|LOGIN_.*)$")

HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]
READ_SETTINGS = [
    *HTTPS_SETTINGS,
    "DEBUG",
    "HTTPS",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_HTTPONLY",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "CLIENT_IP_HEADER",
]

CSP_WITHOUT_NONCE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def clean_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not OURS.match(k)}
    env.update(overrides)
    return env


@cache
def settings_with(env_items: tuple) -> dict:
    """The settings module's values under an environment, from a fresh interpreter."""
    code = (
        "import json, diplomacy.settings as s\n"
        f"names = {READ_SETTINGS!r}\n"
        "print(json.dumps({n: getattr(s, n, None) for n in names}, default=str))"
    )
    result = subprocess.run(
        [PYTHON, "-c", code],
        cwd=BASE_DIR,
        env=clean_env(**dict(env_items)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production_settings(**extra) -> dict:
    return settings_with(tuple(sorted({**PRODUCTION_ENV, **extra}.items())))


@pytest.fixture
def production(settings):
    """The HTTPS settings as production has them (the suite runs with HTTPS=0's)."""
    values = production_settings()
    for name in HTTPS_SETTINGS:
        setattr(settings, name, values[name])
    settings.SECURE_PROXY_SSL_HEADER = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return settings


# --- What the environment turns on ------------------------------------------------------------


def test_production_environment_turns_on_https_cookies_and_hsts():
    values = production_settings()

    assert values["DEBUG"] is False
    assert values["HTTPS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["ALLOWED_HOSTS"] == [HOST]
    assert values["CSRF_TRUSTED_ORIGINS"] == [f"https://{HOST}"]
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_TIME"] == "0:15:00"
    assert values["CLIENT_IP_HEADER"] == ""


@pytest.mark.parametrize(
    "env",
    [{"HTTPS": "0"}, {"DEBUG": "1", "SECRET_KEY": ""}],
    ids=["HTTPS=0 for plain HTTP on loopback", "DEBUG=1 for development"],
)
def test_plain_http_environments_turn_https_settings_off(env):
    values = production_settings(**env)

    assert values["HTTPS"] is False
    assert {name: values[name] for name in HTTPS_SETTINGS} == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_hsts_and_lockout_are_tunable_from_the_environment():
    values = production_settings(
        HSTS_SECONDS="3600",
        HSTS_INCLUDE_SUBDOMAINS="0",
        HSTS_PRELOAD="0",
        LOGIN_FAILURE_LIMIT="8",
        LOGIN_COOLOFF_MINUTES="60",
        CLIENT_IP_HEADER="X-Real-IP",
    )

    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["AXES_FAILURE_LIMIT"] == 8
    assert values["AXES_COOLOFF_TIME"] == "1:00:00"
    assert values["CLIENT_IP_HEADER"] == "X-Real-IP"


def run_check_deploy(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_production_environment():
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50)}

    result = run_check_deploy(**env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_a_short_key_and_plain_http():
    result = run_check_deploy(**{**PRODUCTION_ENV, "SECRET_KEY": "short", "HTTPS": "0"})

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012"):
        assert warning in result.stderr + result.stdout


# --- Headers and cookies of a response ---------------------------------------------------------


def nonce_of(response) -> str | None:
    """The nonce of the response's enforced policy; None when the page used none (then the
    policy has no nonce either: nothing inline may run)."""
    policy = response["Content-Security-Policy"]
    match = re.fullmatch(
        r"default-src 'self'; script-src 'self' 'nonce-([\w-]+)'; "
        r"style-src 'self' 'nonce-\1'; img-src 'self' data:; font-src 'self'; "
        r"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        r"form-action 'self'",
        policy,
    )
    if match:
        return match.group(1)
    assert policy == CSP_WITHOUT_NONCE, policy
    return None


def test_a_page_has_an_enforced_csp_with_the_nonce_of_its_script_tag(db, production):
    response = Client().get("/accounts/login/", secure=True)

    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response
    nonce = nonce_of(response)
    assert nonce and len(nonce) >= 16
    assert re.search(
        rf'<script src="/static/[^"]*htmx[^"]*\.js" defer nonce="{nonce}"></script>',
        response.content.decode(),
    )


def test_each_response_gets_its_own_nonce(db, production):
    nonces = {nonce_of(Client().get("/accounts/login/", secure=True)) for _ in range(3)}

    assert len(nonces) == 3


def test_security_headers_on_a_https_response(db, production):
    response = Client().get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_proxys_forwarded_proto_header_makes_a_request_secure(db, production):
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_plain_http_is_redirected_to_https(db, production):
    response = Client().get("/statements/?q=talks")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/statements/?q=talks"


def test_sign_in_sets_secure_httponly_session_and_secure_csrf_cookies(db, analyst, production):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    response = client.post(
        "/accounts/login/",
        {"username": "analyst", "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        headers={"Origin": "https://testserver"},
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session.value
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    rotated = response.cookies["csrftoken"]
    assert rotated.value != csrf.value and rotated["secure"] is True


def test_plain_http_suite_settings_send_no_hsts(db):
    """The suite's own settings (HTTPS=0's): no HSTS, no redirect, but the same CSP."""
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert nonce_of(response)


# --- Every page keeps to the policy ------------------------------------------------------------


class InlineCode(HTMLParser):
    """What a page carries that a strict CSP would refuse or needs a nonce for."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.styles, self.handlers, self.style_attributes = [], [], [], []
        self.javascript_urls, self.foreign = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            url = re.sub(r"\s", "", value or "").lower()
            if name in {"href", "src", "action", "formaction"} and url.startswith("javascript:"):
                self.javascript_urls.append(f"<{tag} {name}={value!r}>")
        is_stylesheet = tag == "link" and "stylesheet" in (attributes.get("rel") or "")
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "style" or is_stylesheet:
            self.styles.append(attributes)
        src = attributes.get("src") or ""
        if tag in {"script", "img", "iframe"} and (
            src.startswith("//") or (re.match(r"^[a-z]+:", src) and not src.startswith("data:"))
        ):
            self.foreign.append(f"<{tag} src={src!r}>")


def assert_keeps_to_the_policy(response, *, style_attributes_allowed=False):
    assert response.status_code == 200, response
    nonce = nonce_of(response)
    page = InlineCode()
    page.feed(response.content.decode())
    assert page.handlers == [], "inline event handlers"
    assert page.javascript_urls == [], "javascript: URLs"
    assert page.foreign == [], "scripts or images from elsewhere"
    if not style_attributes_allowed:
        assert page.style_attributes == [], "style attributes"
    for script in page.scripts:
        if script.get("type") in {"application/json", "text/template"}:
            continue  # data, never run
        src = script.get("src")
        assert (nonce and script.get("nonce") == nonce) or (src and src.startswith("/")), script
    for style in page.styles:
        href = style.get("href")
        assert (nonce and style.get("nonce") == nonce) or (href and href.startswith("/")), style
    return page


@pytest.fixture
def superuser_client(db, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    client.force_login(user)
    return client


def site_pages():
    channel = Channel.objects.get(slug="us-china-military")
    actor = Actor.objects.filter(kind="person").order_by("pk").first()
    return [
        "/",
        channel.get_absolute_url(),
        "/engagements/",
        "/statements/",
        "/statements/?q=summit",
        "/actors/",
        actor.get_absolute_url(),
        "/sources/",
        "/timeline/",
        "/intake/",
        "/quality/",
    ]


def test_site_pages_keep_to_the_policy(seeded, editor_client):
    for url in site_pages():
        response = editor_client.get(url, secure=True)
        page = assert_keeps_to_the_policy(response)
        assert any(s.get("src", "").endswith(".js") for s in page.scripts), url


def test_htmx_fragments_keep_to_the_policy(seeded, client):
    response = client.get("/statements/?q=summit", headers={"HX-Request": "true"})

    page = InlineCode()
    page.feed(response.content.decode())
    assert response.status_code == 200
    assert page.scripts == page.handlers == page.style_attributes == []


def test_sign_in_and_lockout_pages_keep_to_the_policy(db, settings):
    assert_keeps_to_the_policy(Client().get("/accounts/login/"))
    assert_keeps_to_the_policy(Client().get("/admin/login/"))
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 429
    response.status_code = 200  # the page itself is what is checked here
    assert_keeps_to_the_policy(response)


def test_admin_pages_keep_to_the_policy(seeded, superuser_client):
    statement = Statement.objects.order_by("pk").first()
    channel = Channel.objects.get(slug="us-china-military")
    for url in [
        "/admin/",
        "/admin/events/channel/",
        f"/admin/events/channel/{channel.pk}/change/",
        "/admin/events/statement/",
        "/admin/events/statement/add/",
        f"/admin/events/statement/{statement.pk}/change/",
        f"/admin/events/statement/{statement.pk}/history/",
        "/admin/events/engagement/add/",
        "/admin/auth/user/add/",
        "/admin/axes/accessattempt/",
    ]:
        assert_keeps_to_the_policy(superuser_client.get(url)), url


def test_api_docs_keep_to_the_policy_with_nonced_inline_code(db, client):
    response = client.get("/api/docs/")

    page = assert_keeps_to_the_policy(response)
    nonce = nonce_of(response)
    inline = [s for s in page.scripts if not s.get("src")]
    assert len(inline) == 1 and inline[0]["nonce"] == nonce  # Swagger UI's start-up script
    assert any(s.get("nonce") == nonce for s in page.styles if "href" not in s)
    assert "SwaggerUIBundle(" in response.content.decode()


def test_browsable_api_runs_no_inline_script(db, client):
    """DRF's browsable pages carry a few layout style attributes (refused by the policy, so
    some buttons sit elsewhere), but no inline script: they work."""
    response = client.get("/api/channels/", headers={"Accept": "text/html"})

    assert_keeps_to_the_policy(response, style_attributes_allowed=True)


# --- Passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Tr0ub4dor&3", "too short"),  # 11 characters
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
        ("analyst.harrington", "too similar"),
    ],
)
def test_weak_passwords_are_refused(django_user_model, db, password, reason):
    user = django_user_model(username="analyst.harrington", email="a.harrington@example.org")

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert reason in " ".join(refused.value.messages)


def test_a_long_uncommon_password_is_accepted(django_user_model, db):
    user = django_user_model(username="analyst.harrington")

    validate_password(PASSWORD, user)  # no ValidationError


# --- A real server with the production environment -----------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, *, data=None, headers=None):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def cookie_attributes(set_cookies: list[str], name: str) -> tuple[str, set[str]]:
    """The value of cookie `name` and its attributes, lower-cased, from Set-Cookie headers."""
    for header in set_cookies:
        first, *attributes = [part.strip() for part in header.split(";")]
        cookie_name, _, value = first.partition("=")
        if cookie_name == name:
            return value, {attribute.lower() for attribute in attributes}
    raise AssertionError(f"no {name} cookie in {set_cookies}")


@pytest.fixture
def production_server(tmp_path):
    """gunicorn serving the app with the production environment, its own SQLite database
    (migrated, one analyst), on a free loopback port; as behind nginx, requests say their
    host and that they came over https."""
    env = clean_env(
        **PRODUCTION_ENV,
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        PYTHONUNBUFFERED="1",
    )
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=300)
    subprocess.run(
        [*manage, "createsuperuser", "--noinput", "--username", "inspector", "--email", "i@x.org"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    port = free_port()
    config = tmp_path / "gunicorn.conf.py"  # empty: none of the repository's own
    config.write_text("")
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn")
            if (BASE_DIR / ".venv" / "bin" / "gunicorn").exists()
            else "gunicorn",
            "diplomacy.wsgi",
            "--config",
            str(config),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail(
                        "gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text()
                    )
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.mark.slow
def test_real_server_with_the_production_environment_sends_the_security_headers(
    production_server,
):
    behind_proxy = {"Host": HOST, "X-Forwarded-Proto": "https"}

    status, headers, body = fetch(f"{production_server}/accounts/login/", headers=behind_proxy)

    assert status == 200
    csp = headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([\w-]+)'", csp)[1]
    assert f'nonce="{nonce}"' in body
    assert re.search(rf'<script src="[^"]+" defer nonce="{nonce}"></script>', body)
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    csrf, csrf_attributes = cookie_attributes(headers.get_all("Set-Cookie"), "csrftoken")
    assert {"secure", "samesite=lax"} <= csrf_attributes

    # Sign in for real: the session cookie is Secure and HttpOnly, the CSRF cookie rotated.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    form = urllib.parse.urlencode(
        {"username": "inspector", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    status, headers, _ = fetch(
        f"{production_server}/accounts/login/",
        data=form,
        headers={
            **behind_proxy,
            "Origin": f"https://{HOST}",
            "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )

    assert status == 302, "sign-in refused"
    set_cookies = headers.get_all("Set-Cookie")
    session, session_attributes = cookie_attributes(set_cookies, "sessionid")
    assert session and {"secure", "httponly", "samesite=lax"} <= session_attributes
    new_csrf, new_csrf_attributes = cookie_attributes(set_cookies, "csrftoken")
    assert new_csrf != csrf and "secure" in new_csrf_attributes
    assert headers["Strict-Transport-Security"]

    # Plain HTTP is sent to https; a host not in ALLOWED_HOSTS is refused.
    status, headers, _ = fetch(f"{production_server}/accounts/login/", headers={"Host": HOST})
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/accounts/login/"
    status, _, _ = fetch(
        f"{production_server}/accounts/login/",
        headers={"Host": "evil.example.com", "X-Forwarded-Proto": "https"},
    )
    assert status == 400
