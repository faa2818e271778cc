"""Who may read the site. Boards, lists, feeds and exports need a signed-in analyst or editor,
unless the deployment opens them read-only to everyone (PUBLIC_READ).

Every page asks what its reader may do — read at all, edit (the nav's editor links, the actions
beside a channel's items) — and Django's ModelBackend answers with two queries per request. A
cached page should cost the session and nothing more, so `CachedPermissionsBackend` keeps each
user's permission set in the shared cache (`events.caching.cached_in_generation`). Any change to
who holds which permission — a user's groups or own permissions, a group's permissions, a group,
permission or user deleted (their links go without an m2m signal) — starts a new generation
(`permissions_changed`): every user's next request reads theirs afresh. Such changes are rare
admin work; reads are every request. A user's own row needs no signal: it is read on every
request anyway, so what it decides is in the entry's key (superuser or not, and when the account
was made, so that a reused id is another entry) or checked on the row (active or not).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, post_delete

from events.caching import cached_in_generation, new_generation
from events.roles import can_read, is_editor

PERMISSIONS_GENERATION = "permissions-generation"


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend, with each user's permissions from the shared cache."""

    def get_all_permissions(self, user_obj, obj=None):
        # ModelBackend keeps the set on the user object for the rest of the request.
        loaded = hasattr(user_obj, "_perm_cache")
        if obj is None and user_obj.is_active and not user_obj.is_anonymous and not loaded:
            user_obj._perm_cache = cached_in_generation(
                f"permissions:{user_obj.pk}:{user_obj.date_joined.timestamp()}:"
                f"{int(user_obj.is_superuser)}",
                PERMISSIONS_GENERATION,
                lambda: self._permissions_from_database(user_obj),
            )
        return super().get_all_permissions(user_obj, obj)

    def _permissions_from_database(self, user_obj) -> set[str]:
        return {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)}


def permissions_changed(sender, action: str = "post_delete", **kwargs) -> None:
    """Who holds which permission changed: every user's permissions are read afresh."""
    if action.startswith("post_"):
        new_generation(PERMISSIONS_GENERATION)


def connect_signals() -> None:
    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            permissions_changed, sender=through, dispatch_uid=f"permissions_{through.__name__}"
        )
    for model in (user_model, Group, Permission):
        post_delete.connect(
            permissions_changed, sender=model, dispatch_uid=f"permissions_{model.__name__}_delete"
        )


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
