"""Middleware of the project: a clear 503 while the database is unreachable, which database a
request reads from when a replica is configured (diplomacy/routers.py), and the error pages
(handler400, handler500) that go with them."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from diplomacy import routers

logger = logging.getLogger("diplomacy.database")

# OperationalError: the server cannot be reached, went away, refused the connection, or the
# connection pool had none to give in time. InterfaceError: a connection already closed.
DATABASE_ERRORS = (OperationalError, InterfaceError)
UNAVAILABLE = "The database is unavailable; try again in a moment."
RETRY_AFTER_SECONDS = 10
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON for the API, otherwise a page that needs no database (no
    user, no session, no messages — only static text)."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        html = render_to_string("503.html", {"message": UNAVAILABLE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot be reached into a 503 instead of a 500 with a traceback.

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
            logger.warning(
                "Database unavailable: %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable(request)
        return None


def server_error(request, *args, **kwargs):
    """handler500: the outage page when the error being handled is the database's, otherwise
    Django's own 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
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
