"""Sign-in lockout (django-axes): which address a sign-in comes from, and the page shown to a
username that is locked out from it.

Axes counts failed sign-ins per username and client address (settings: AXES_*). Behind a
proxy every connection comes from the proxy, so the client's address is read from the header
the proxy writes (CLIENT_IP_HEADER), never from one a client could choose.
"""

import ipaddress
import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def client_ip(request) -> str | None:
    """The client's address: from CLIENT_IP_HEADER when set (the right-most entry, the one the
    nearest proxy added; earlier entries of X-Forwarded-For are whatever the client sent),
    otherwise the connection's own address. Anything that is not an IP address is ignored."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries and _is_ip(entries[-1]):
            return entries[-1]
    remote = request.META.get("REMOTE_ADDR")
    return remote if remote and _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def lockout_response(request, original_response=None, credentials=None):
    """429 with a page that says the sign-in is locked, until when, and what to do; the same
    for the site's sign-in and the admin's. Retry-After carries the wait in seconds."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    now = timezone.now()
    # The lockout lasts from the last counted failure (attempts while locked out are not counted).
    last_failure = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    until = (last_failure or now) + cool_off
    wait_seconds = max(0, math.ceil((until - now).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {
            "username": username,
            "failure_limit": get_failure_limit(request, credentials),
            "until": until,
            "wait_minutes": max(1, math.ceil(wait_seconds / 60)),
            "sign_in_url": request.path,
        },
        # axes.conf sets this default on settings at import; the stubs know only our module.
        status=settings.AXES_HTTP_RESPONSE_CODE,  # type: ignore[misc]
    )
    response["Retry-After"] = str(wait_seconds)
    return response
