"""Who may read the site. Boards, lists, feeds and exports need a signed-in analyst or editor,
unless the deployment opens them read-only to everyone (PUBLIC_READ)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from events.roles import can_read, is_editor

NO_ACCESS = (
    "Your account cannot read the boards yet. Ask an administrator to add you to the "
    "Analysts or Editors group."
)


def read_access(view):
    """Let through readers (or everyone when PUBLIC_READ is on); send others to sign in."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if settings.PUBLIC_READ or can_read(request.user):
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(NO_ACCESS)

    return guarded


def editor_access(view):
    """Let through editors (and superusers); send others to sign in or refuse them."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if is_editor(request.user):
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("This page is for editors.")

    return guarded
