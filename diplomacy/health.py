"""/healthz for load balancers and monitoring: can this app server reach its database (and the
read replica, when one is configured) and its cache right now?

Cheap and anonymous on purpose: no session, no user, one `SELECT 1` per database and one cache
round trip; 200 when every part answers, 503 naming the part that did not.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from diplomacy.routers import REPLICA

OK = "ok"


def _database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is an answer, never a 500
        return f"error: {type(error).__name__}"
    return OK


def _cache() -> str:
    # A key of its own, so concurrent probes on several app servers cannot see each other's.
    key, probe = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, probe, timeout=30)
        read_back = cache.get(key)
        cache.delete(key)
        if read_back != probe:
            return "error: the value read back differs"
    except Exception as error:
        return f"error: {type(error).__name__}"
    return OK


@never_cache
@require_safe
def healthz(request):
    checks = {"database": _database("default")}
    if REPLICA in settings.DATABASES:
        checks["replica"] = _database(REPLICA)
    checks["cache"] = _cache()
    healthy = all(value == OK for value in checks.values())
    return JsonResponse(
        {"status": OK if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
