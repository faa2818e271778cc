"""A URLconf for tests only (`@pytest.mark.urls("tests.fault_urls")`): the site's own URLs plus
views that fail on purpose — an unhandled error, and a query that runs past a statement
timeout. Never included by diplomacy/urls.py."""

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path

from diplomacy.urls import handler400, handler500
from diplomacy.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


class DeliberateError(RuntimeError):
    pass


def fail(request):
    raise DeliberateError("This view fails on purpose.")


def slow_query(request):
    """A query of a second; the test sets a shorter statement timeout. Inside a savepoint, so
    the test's own transaction outlives the cancelled query."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(1)")
    return HttpResponse("finished")


urlpatterns = [
    path("test-only/fail/", fail),
    path("test-only/slow-query/", slow_query),
    *site_urlpatterns,
]
