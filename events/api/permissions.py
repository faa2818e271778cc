"""Who may read the API: the same people as the site (events.access)."""

from django.conf import settings
from rest_framework.permissions import BasePermission

from events.access import NO_ACCESS
from events.roles import can_read


class CanRead(BasePermission):
    """Analysts, editors and superusers, signed in or with a token; everyone when the
    deployment opens the site read-only (PUBLIC_READ). Visitors without credentials get 401,
    signed-in accounts without a reading role 403."""

    message = NO_ACCESS

    def has_permission(self, request, view) -> bool:
        return bool(settings.PUBLIC_READ or can_read(request.user))
