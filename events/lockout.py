"""Sign-in lockout (django-axes): which address a sign-in comes from, the page shown to a
username that is locked out from it, and the password change, throttled the same way.

Axes counts failed sign-ins per username and client address (settings: AXES_*). Behind a
proxy every connection comes from the proxy, so the client's address is read from the header
the proxy writes (CLIENT_IP_HEADER), never from one a client could choose.
"""

import ipaddress
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
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


# --- Password change ---------------------------------------------------------------------------


class ThrottledPasswordChangeForm(AdminPasswordChangeForm):
    """The password change form, its current-password check counted as a sign-in: a wrong
    current password is a failed sign-in for that username from that address (the same count
    as the sign-in page's), and once they are locked out the form refuses to check it at all —
    the lockout page answers instead (AxesMiddleware), as it does on sign-in. Without this the
    form would let a borrowed session guess the password without limit."""

    def __init__(self, user, *args, request, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        credentials = {settings.AXES_USERNAME_FORM_FIELD: self.user.get_username()}  # type: ignore[misc]
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            self.request.axes_locked_out = True
            self.request.axes_credentials = credentials
            raise ValidationError("Locked out.", code="locked_out")
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            # Counted by django-axes, which marks the request locked out at the limit.
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


password_change = ThrottledPasswordChangeView.as_view()


def admin_password_change(request):
    """The admin's own password change page (admin.site.password_change), throttled."""
    request.current_app = admin.site.name
    return ThrottledPasswordChangeView.as_view(
        success_url=reverse("admin:password_change_done"),
        extra_context=admin.site.each_context(request),
    )(request)
