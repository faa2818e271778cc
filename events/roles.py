"""The two roles: Editors curate records; Analysts read. Kept as data so `setup_roles` and the
post-migrate hook create the same groups with the same permissions, idempotently."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

EDITORS = "Editors"
ANALYSTS = "Analysts"

# Records editors curate. The search index and the data version are maintained by the app,
# never edited by hand; follows, board visits and feed tokens are each analyst's own reading
# state (events.models.personal), kept by the app for them; channel summaries and activity are
# the board's read model (events.summaries), derived from the records.
NOT_CURATED = {
    "searchentry",
    "dataversion",
    "follow",
    "boardvisit",
    "feedtoken",
    "channelsummary",
    "channelactivity",
}


def curated_models():
    return [
        model
        for model in apps.get_app_config("events").get_models()
        if model._meta.model_name not in NOT_CURATED
    ]


def setup_roles() -> dict[str, int]:
    """Create or refresh both groups; returns the number of permissions each holds."""
    editor_codenames, analyst_codenames = [], []
    for model in curated_models():
        name = model._meta.model_name
        editor_codenames += [f"{action}_{name}" for action in ("add", "change", "delete", "view")]
        analyst_codenames.append(f"view_{name}")
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="events").select_related(
            "content_type"
        )
    }
    result = {}
    for group_name, codenames in ((EDITORS, editor_codenames), (ANALYSTS, analyst_codenames)):
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([permissions[c] for c in codenames if c in permissions])
        result[group_name] = group.permissions.count()
    return result


def can_read(user) -> bool:
    """Analysts, editors and superusers read the boards, lists and exports."""
    return user.is_active and user.has_perm("events.view_channel")


def is_editor(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("events.change_statement")
