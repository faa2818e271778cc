"""Middleware of the project: a request id and the slow-request log (diplomacy/logs.py), query
parameters refused when no page could use them, private caching for whatever carries
credentials, a clear 503 while the database is unreachable or a query ran past the statement
timeout, which database a request reads from when a replica is configured
(diplomacy/routers.py), and the error pages (handler400, handler500) that go with them."""

import logging
import re
import sys
import time
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views import defaults

from diplomacy import logs, routers

logger = logging.getLogger("diplomacy.database")
request_logger = logging.getLogger("diplomacy.requests")


class counting_queries:
    """Counts the SQL queries run on every configured database inside the block (`.count`):
    one execute wrapper per connection, nothing else (no SQL kept, no time measured)."""

    def __init__(self):
        self.count = 0
        self._stack = ExitStack()

    def _count(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        for alias in connections:
            self._stack.enter_context(connections[alias].execute_wrapper(self._count))
        return self

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)


class RequestIdMiddleware:
    """First of all: gives the request its id (diplomacy/logs.py) for every log line written
    while it runs and answers it in `X-Request-ID`; logs a request slower than
    SLOW_REQUEST_MS with its path, time and query count (`diplomacy.requests`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = logs.new_request_id(request.headers.get("X-Request-ID"))
        # Left set until the response is closed (logs.end_request): Django logs a 4xx/5xx
        # response after the middleware has returned it.
        logs.request_id.set(request.id)
        started = time.perf_counter()
        with counting_queries() as queries:
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if settings.SLOW_REQUEST_MS and elapsed_ms > settings.SLOW_REQUEST_MS:
            # A streamed download is timed up to its first byte: its rows are read later.
            request_logger.warning(
                "Slow request: %s %s took %d ms and %d SQL queries (status %s)",
                request.method,
                request.path,
                elapsed_ms,
                queries.count,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "duration_ms": round(elapsed_ms),
                    "queries": queries.count,
                    "status": response.status_code,
                },
            )
        response["X-Request-ID"] = request.id
        return response


# --- Query parameters that no page could use -------------------------------------------------

# C0 and C1 control characters and DEL: nothing a person types into a search box or a filter,
# and NUL is refused by PostgreSQL itself (a DataError, a 500, if it reached a query).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(name: str) -> str:
    """A parameter's name as a message may quote it: control characters replaced, cut short."""
    shown = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", name)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def parameter_problem(name: str, value: str) -> str | None:
    """Why this query parameter is refused, or None when it is acceptable."""
    limit = settings.MAX_PARAMETER_LENGTH
    shown = _shown(name)
    if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
        return (
            f"The parameter “{shown}” contains a control character (such as a NUL byte or a "
            "line break), which no search or filter uses. Remove it and try again."
        )
    if len(name) > limit or len(value) > limit:
        return (
            f"The parameter “{shown}” is {max(len(name), len(value)):,} characters long; "
            f"searches and filters take at most {limit:,}. Shorten it and try again."
        )
    return None


def refuse(request, message: str, parameter: str) -> HttpResponse:
    """400 with the reason: for the API in its own error shape (events.api.views), else the
    400 page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {
                "detail": f"Invalid request. {parameter}: {message}",
                "errors": {parameter: [message]},
            },
            status=400,
        )
    html = render_to_string("400.html", {"message": message}, request=request)
    return HttpResponse(html, status=400)


class QueryParameterMiddleware:
    """Refuses, with 400 and the reason, a query string holding a control character or a
    parameter longer than MAX_PARAMETER_LENGTH — on every page, download, API list, suggestion
    endpoint and admin page alike, before any view or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            for value in values:
                if (problem := parameter_problem(name, value)) is not None:
                    return refuse(request, problem, _shown(name))
        return self.get_response(request)


# --- Private caching ---------------------------------------------------------------------------


class PrivateCacheMiddleware:
    """What is answered to someone with credentials (a session cookie or an `Authorization`
    header), every download and every API response is `Cache-Control: private, no-store`:
    no shared cache (a proxy, a CDN) keeps it, and no browser keeps a copy on disk after
    sign-out. API responses also vary on `Authorization`. A response that already says how
    it may be cached (static files, the 503 page) is left as it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        api = request.path_info.startswith("/api/")
        if api:
            patch_vary_headers(response, ["Authorization"])
        if response.has_header("Cache-Control"):
            return response
        credentials = (
            settings.SESSION_COOKIE_NAME in request.COOKIES or "Authorization" in request.headers
        )
        download = response.get("Content-Disposition", "").startswith("attachment")
        if api or credentials or download:
            patch_cache_control(response, private=True, no_store=True)
        return response


# OperationalError: the server cannot be reached, went away, refused the connection, or the
# connection pool had none to give in time. InterfaceError: a connection already closed.
DATABASE_ERRORS = (OperationalError, InterfaceError)
UNAVAILABLE = "The database is unavailable; try again in a moment."
RETRY_AFTER_SECONDS = 10
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON for the API, otherwise a page that needs no database (no
    user, no session, no messages — only static text)."""
    return _unavailable(request, UNAVAILABLE, retry_after=RETRY_AFTER_SECONDS)


def _unavailable(request, message: str, *, retry_after: int | None = None) -> HttpResponse:
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        html = render_to_string("503.html", {"message": message})
        response = HttpResponse(html, status=503)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def is_statement_timeout(error: BaseException) -> bool:
    """A query PostgreSQL cancelled because it ran past `statement_timeout` (Django wraps
    psycopg's QueryCanceled in an OperationalError)."""
    try:
        from psycopg.errors import QueryCanceled
    except ImportError:  # SQLite-only installation
        return False
    return isinstance(error.__cause__, QueryCanceled) or isinstance(error, QueryCanceled)


def statement_timeout(request, error: BaseException) -> HttpResponse:
    """503 for a request whose query ran past DB_STATEMENT_TIMEOUT_MS: said plainly, and
    logged once with its traceback (which query, from where)."""
    seconds = settings.DB_STATEMENT_TIMEOUT_MS / 1000
    logger.error(
        "Query stopped by the statement timeout (%g s): %s %s",
        seconds,
        request.method,
        request.path,
        exc_info=error,
        extra={"method": request.method, "path": request.path},
    )
    message = (
        f"This request took too long: the database stopped it after {seconds:g} seconds. "
        "Narrow the filters or the search, or ask for fewer pages at once, and try again."
    )
    return _unavailable(request, message)


def database_error(request, error: BaseException) -> HttpResponse:
    if is_statement_timeout(error):
        return statement_timeout(request, error)
    logger.warning("Database unavailable: %s %s: %s", request.method, request.path, error)
    return database_unavailable(request)


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot be reached into a 503 instead of a 500 with a traceback,
    and a query stopped by the statement timeout into a 503 that says so.

    Nothing needs restarting afterwards: Django discards a connection that failed at the end of
    the request (and the pool checks each connection before lending it), so the first request
    after the database is back opens a fresh one.

    `process_exception` sees what views and template rendering raise. A database error raised
    by another middleware (a session saved on the way out) is answered by `server_error` below,
    Django's handler500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_error(request, exception)
        return None


def server_error(request, *args, **kwargs):
    """handler500: the outage page when the error being handled is the database's, otherwise
    Django's own 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        if is_statement_timeout(error):
            return _unavailable(request, "This request took too long and was stopped.")
        return database_unavailable(request)
    return defaults.server_error(request, *args, **kwargs)


def request_too_big(request) -> HttpResponse:
    """413 with a page saying how large a request may be (settings.MAX_REQUEST_MB)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    message = (
        f"This request is too large: a form may send at most {limit:g} MB of text. Nothing was "
        "saved. Shorten the longest text (a pasted report, perhaps) and send it again, or ask "
        "the administrator to raise MAX_REQUEST_MB."
    )
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    html = render_to_string("413.html", {"message": message}, request=request)
    return HttpResponse(html, status=413)


def bad_request(request, exception, *args, **kwargs):
    """handler400: a request over the size limit gets its own page (413); anything else
    Django's 400 page."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_big(request)
    return defaults.bad_request(request, exception, *args, **kwargs)


class ReplicaRoutingMiddleware:
    """Opens a request to the read replica when it only reads what analysts see: a GET or HEAD,
    outside the admin, by someone who is not an editor (an editor who has just saved expects to
    see the save on the board, which a lagging replica might not show yet). Without a replica
    configured the router is not installed and this changes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with routers.request_scope():
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if routers.REPLICA not in settings.DATABASES:
            return None
        if request.method not in SAFE_METHODS or "admin" in request.resolver_match.namespaces:
            return None
        try:
            is_editor = request.user.is_staff
        except DATABASE_ERRORS:
            return None  # The view will meet the same error and answer 503.
        if not is_editor:
            routers.allow_replica()
        return None
