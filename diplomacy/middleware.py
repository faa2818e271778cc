"""Middleware of the project: a clear 503 while the database is unreachable, and which database a
request reads from when a replica is configured (diplomacy/routers.py)."""

import logging
import sys

from django.conf import settings
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
