"""Settings for Diplomacy Monitor: one file; what differs per deployment comes from the environment.

Environment:
- DATABASE_URL   default: SQLite file var/diplomacy.sqlite3 (nothing to install)
- SECRET_KEY     required when DEBUG is off
- DEBUG          "1"/"true" to enable (default off)
- ALLOWED_HOSTS  comma-separated (default: localhost names when DEBUG is on)
- PUBLIC_READ    "1" opens the boards read-only to visitors who are not signed in
- REDIS_URL      e.g. redis://127.0.0.1:6379/0: the shared cache (default: per-process memory)
- PAGE_CACHE_SECONDS  how long a cached page body may live (default 600)
- RELEASE_ID     the deployed revision (e.g. a git commit or release tag): cached pages are
                 shared by app servers running the same release (default: read from git, else a
                 digest of the code and templates; events/caching.py)

Databases and static files in production (deploy/env.example explains each):
- DATABASE_REPLICA_URL  a read replica of DATABASE_URL: analysts' pages read from it, every
                        write goes to the primary (diplomacy/routers.py); default: none
- DB_POOL               "0" to open a connection per request instead of psycopg's pool
                        (PostgreSQL only; default on)
- DB_POOL_MIN_SIZE      connections each process keeps open per database (default 1)
- DB_POOL_MAX_SIZE      most connections each process opens per database (default: the
                        gunicorn threads per worker, GUNICORN_THREADS, or 4)
- DB_POOL_TIMEOUT       seconds a request waits for a connection before the 503 page (default 5)
- STATIC_MANIFEST       "1" serves static files under content-hashed names, compressed, cached
                        for a year; needs `collectstatic` first (make serve, deploy/); default
                        off: files are served from where they live (development, tests)

HTTPS and headers (production sits behind a TLS-terminating proxy such as nginx):
- HTTPS                    default on when DEBUG is off: redirect http to https, Secure session
                           and CSRF cookies, HSTS. "0" for plain HTTP on loopback (benchmarks,
                           a local gunicorn); never on a public address
- SECURE_PROXY_SSL_HEADER  the header the proxy sets to "https" on TLS requests, e.g.
                           "X-Forwarded-Proto" (default: none, so only a direct TLS connection
                           counts as secure). Set it only when the proxy overwrites that header
- CSRF_TRUSTED_ORIGINS     comma-separated origins (https://host) allowed to POST forms from
                           another origin (default: none; same-host forms need nothing)
- HSTS_SECONDS             Strict-Transport-Security max-age when HTTPS is on (default 31536000,
                           one year)
- HSTS_INCLUDE_SUBDOMAINS  "0" to leave subdomains out of HSTS (default on)
- HSTS_PRELOAD             "0" to leave out the preload token (default on)

Logs, limits and timeouts (deploy/README.md, "Logs and limits"):
- LOG_FORMAT               "json" for one JSON object per line; default plain text. Always stderr
- LOG_LEVEL                default INFO
- SLOW_REQUEST_MS          a request slower than this is logged with its path, time and query
                           count (default 2000; 0 to log none)
- MAX_PARAMETER_LENGTH     the longest query parameter accepted, in characters (default 1000);
                           longer ones, and any holding a control character, get 400
- DB_STATEMENT_TIMEOUT_MS  PostgreSQL stops a web request's query after this long and the
                           request gets a 503 page saying so (default 20000; 0 for none). Only
                           the web process (diplomacy/wsgi.py sets DIPLOMACY_WEB=1) is bounded:
                           management commands, migrations and the shell run unbounded

Sign-in protection (django-axes):
- LOGIN_FAILURE_LIMIT      failed sign-ins before a username is locked out from one address
                           (default 5)
- LOGIN_COOLOFF_MINUTES    how long the lockout lasts (default 15)
- CLIENT_IP_HEADER         the header the proxy puts the client's address in, e.g. "X-Real-IP"
                           or "X-Forwarded-For" (its right-most entry is used); default: none,
                           the address of the connection. Set it only behind a proxy that
                           writes that header, or clients could choose their own address
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from diplomacy.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

# HTTPS everywhere unless developing (DEBUG) or told otherwise for plain HTTP on loopback.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe the app servers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS") or 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", default=True)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    # "X-Forwarded-Proto" -> ("HTTP_X_FORWARDED_PROTO", "https")
    _proxy_header = os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_header}", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_HTTPONLY = True
# same-origin: links out to sources carry no Referer at all. The site's own URLs hold what an
# analyst is reading and searching for (channel slugs, ?q=, filters), and an internal
# deployment's host name is itself worth keeping from outside sites; within the site the full
# Referer stays available. (strict-origin-when-cross-origin would still send the origin.)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy, enforced (django.middleware.csp): scripts and styles only from this
# host or carrying the response's nonce ({{ csp_nonce }}); no inline handlers or style
# attributes, no plugins, no framing, forms post only here. data: images for the admin's and
# Swagger UI's inline SVG icons.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "reversion",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "events",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id; slow requests are logged.
    "diplomacy.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app server itself, before anything touches a session or a database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A clear 503 while the database cannot be reached; which database a request reads from.
    "diplomacy.middleware.DatabaseUnavailableMiddleware",
    "diplomacy.middleware.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads the form: an over-limit form post to intake or the admin is
    # read in a bounded way and shown again with what could be kept (diplomacy/oversized.py).
    "diplomacy.oversized.OversizedFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store for signed-in pages, downloads and the API.
    "diplomacy.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the middleware the 400 page needs (user, messages, CSP nonce): query parameters
    # with control characters or over MAX_PARAMETER_LENGTH are refused before any view runs.
    "diplomacy.middleware.QueryParameterMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# `make bench` reads each request's SQL query count from a response header (events/middleware.py).
SQL_COUNT_HEADER = env_bool("SQL_COUNT_HEADER", default=False)
if SQL_COUNT_HEADER:
    MIDDLEWARE.insert(0, "events.middleware.SQLQueryCountMiddleware")

ROOT_URLCONF = "diplomacy.urls"
WSGI_APPLICATION = "diplomacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'diplomacy.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a seed load or admin save writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"


def _connection_pool() -> dict:
    """psycopg's pool, one per process and database. A thread holds at most one connection per
    database during a request, so the pool is as large as a gunicorn worker's thread count."""
    from psycopg_pool import ConnectionPool

    threads = int(os.environ.get("GUNICORN_THREADS") or 4)
    return {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE") or 1),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE") or threads),
        # While the database is down a request waits this long, then gets the 503 page.
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT") or 5),
        # Lend no connection the database has dropped (after a restart): check it first.
        "check": ConnectionPool.check_connection,
        # Give up a failing connection attempt after a few seconds (its backoff would otherwise
        # grow for minutes); the next request starts a fresh one, so the app is back within
        # seconds of the database.
        "reconnect_timeout": 5,
    }


DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0)
    # Under tests there is no replication: the replica alias reads the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["diplomacy.routers.ReplicaRouter"]
# The web process's queries are bounded: PostgreSQL cancels one that runs longer than this, and
# the request gets a 503 page saying so (diplomacy.middleware). gunicorn's `timeout` cannot stop
# a slow request in a gthread worker, and nginx's only stops waiting for it (deploy/README.md).
# diplomacy/wsgi.py marks the web process (DIPLOMACY_WEB=1); management commands (migrations,
# archive import, demo data) are not bounded.
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS") or 20_000)
WEB_PROCESS = env_bool("DIPLOMACY_WEB", default=False)
for _database in DATABASES.values():
    if _database["ENGINE"] != "django.db.backends.postgresql":
        continue
    # Pooled connections need CONN_MAX_AGE 0: the pool, not Django, keeps them open.
    if env_bool("DB_POOL", True):
        _database.setdefault("OPTIONS", {})["pool"] = _connection_pool()
    # Connection parameters: set once when a connection opens, no query per request. JIT off:
    # the as-of board's correlated subqueries are estimated costly, and PostgreSQL then spends
    # seconds compiling a plan that runs in milliseconds (measured: 2.8 s of 3.0 s on `large`).
    parameters = ["-c jit=off"]
    if WEB_PROCESS and DB_STATEMENT_TIMEOUT_MS:
        parameters.append(f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}")
    _database.setdefault("OPTIONS", {})["options"] = " ".join(parameters)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out username and address before any password is tried.
# Then Django's ModelBackend with each user's permissions kept in the cache (events.access).
# A session names the backend that signed it in: sessions from before this one was named here
# end, and their analysts sign in once more.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "events.access.CachedPermissionsBackend",
]
# LOGIN_FAILURE_LIMIT failures lock out that username from that address (another address, or
# another username from the same address, can still sign in) for LOGIN_COOLOFF_MINUTES, on the
# site's sign-in and the admin's alike. Attempts while locked out are refused without being
# counted, so the time on the lockout page holds; a successful sign-in clears the count.
# Superusers can lift a lockout early in the admin (Axes › Access attempts).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("LOGIN_COOLOFF_MINUTES") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "events.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "events.lockout.client_ip"
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# WhiteNoise serves static files. In production (STATIC_MANIFEST=1, after `collectstatic`) under
# content-hashed names, compressed, with a year's Cache-Control; otherwise straight from where
# they live, found on each request, so tests and development need no `collectstatic`.
STATIC_MANIFEST = not DEBUG and env_bool("STATIC_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "events:board"
LOGOUT_REDIRECT_URL = "login"

# Open the boards, lists, feeds and exports read-only to anonymous visitors (public deployments).
PUBLIC_READ = env_bool("PUBLIC_READ", default=False)

# The cache: Redis when REDIS_URL is set (shared by every app server), else this process's
# memory. Cached pages are keyed by the data version (events/caching.py), so either is exact.
REDIS_URL = os.environ.get("REDIS_URL", "")
RELEASE_ID = os.environ.get("RELEASE_ID", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "diplomacy.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "diplomacy"),
            "TIMEOUT": 600,
        }
    }
    # Sessions read from the shared cache, written through to the database: one query less on
    # every signed-in request, and nothing lost if Redis restarts.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "diplomacy",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
# How long a cached page body may live; a change to the data retires it at once anyway.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

# The largest form a request may post, in megabytes (its text fields together; nothing is
# uploaded as a file). A pasted report — a source's text — can run to megabytes; Django's own
# 2.5 MB would refuse some. Beyond it the editor gets a page saying so (status 413,
# diplomacy.middleware.bad_request), not a bare "Bad Request". Keep nginx's
# client_max_body_size (deploy/nginx.conf) above it.
MAX_REQUEST_MB = float(os.environ.get("MAX_REQUEST_MB") or 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = int(MAX_REQUEST_MB * 1024 * 1024)
# The longest report article intake reads (UTF-8 KB). Well under the request limit, so a longer
# paste is refused by the form, with its text kept, rather than by the request limit; and
# analysis time grows with the length (docs/intake.md).
INTAKE_MAX_KB = float(os.environ.get("INTAKE_MAX_KB") or 256)

# Every log line on stderr (journald, containers), tagged with its request's id; JSON lines when
# LOG_FORMAT=json (diplomacy/logs.py). Unhandled errors are logged once each, with their
# traceback, by Django's `django.request` logger; nothing is mailed.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = logging_config(
    json_lines=LOG_FORMAT == "json", level=os.environ.get("LOG_LEVEL", "INFO").upper()
)
# Requests slower than this (milliseconds) are logged with their path, time and query count.
SLOW_REQUEST_MS = int(os.environ.get("SLOW_REQUEST_MS") or 2000)
# The longest query parameter a page, download or API list accepts (characters); a search of
# MAX_SEARCH_TERMS words fits well inside it (events.search).
MAX_PARAMETER_LENGTH = int(os.environ.get("MAX_PARAMETER_LENGTH") or 1000)

# The read API under /api/ (events/api/): tokens for scripts besides the session, the same
# readers as the site, cursor pages, an OpenAPI schema with Swagger UI served from this host.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without credentials gets 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["events.api.permissions.CanRead"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "events.api.views.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Diplomacy Monitor read API",
    "DESCRIPTION": "Channels of contact between governments, their status history, "
    "engagements, statements, actors, counterpart claims, sticking points and sources — every "
    "fact with its citations. Read-only. Authenticate with the site's session or a token "
    "(`Authorization: Token <key>`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["events.api.permissions.CanRead"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Without deep links, an operation's summary is one button, not a button around a link (a
    # nested control that screen readers cannot reach; axe-core's nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # Several models have a `kind` or a `state`: name each vocabulary after its model.
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "events.vocabularies.ActorKind",
        "SourceKindEnum": "events.vocabularies.SourceKind",
        "EngagementKindEnum": "events.vocabularies.EngagementKind",
        "StickingPointKindEnum": "events.vocabularies.StickingPointKind",
        "EngagementStateEnum": "events.vocabularies.EngagementState",
        "StickingPointStateEnum": "events.vocabularies.StickingPointState",
    },
}
