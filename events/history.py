"""Readable history: what changed between two saved versions of a record, field by field, in
the words the admin uses (labels, choice names, related records, fuzzy dates as written)."""

from dataclasses import dataclass

import reversion
from reversion.models import Version

from events.fuzzydates import FuzzyDate, Precision
from events.models import (
    Actor,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)

# Every record kind keeps versions, whoever saves it (admin, seed loader, intake, services), and
# each version carries along the rows that belong to the record — above all its source passages
# — so that restoring a version or recovering a deleted record brings them back.
VERSION_FOLLOWS: dict[type, list[str]] = {
    Source: [],
    Citation: [],
    Actor: ["citations", "office_holdings"],
    Office: ["holdings", "citations"],
    OfficeHolding: ["citations"],
    Channel: ["status_changes", "citations"],
    StatusChange: ["citations"],
    Engagement: ["citations", "transitions", "participations", "characterisations"],
    EngagementTransition: ["citations"],
    Participation: ["citations"],
    Characterisation: ["citations"],
    Statement: ["interpretations", "citations"],
    Interpretation: ["citations"],
    CounterpartClaim: ["citations"],
    StickingPoint: ["citations"],
}


def register_versioned_models() -> None:
    """Register every record kind with django-reversion: at start-up (the app config), and
    before the admin registers its `VersionAdmin`s. Calling it again changes nothing."""
    for model, follow in VERSION_FOLLOWS.items():
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _fuzzy(fields: dict, name: str) -> FuzzyDate | None:
    earliest = fields.get(f"{name}_earliest")
    latest = fields.get(f"{name}_latest")
    precision = fields.get(f"{name}_precision")
    if not (earliest and latest and precision):
        return None
    return FuzzyDate(earliest, latest, Precision(precision))


def _show(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.many_to_one:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"#{value} (deleted)"
    if field.many_to_many:
        related = field.related_model._default_manager.filter(pk__in=value)
        return "; ".join(sorted(str(r) for r in related)) or "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def changes_between(model, before: dict | None, after: dict) -> list[Change]:
    """The differences from `before` (None for a new record) to `after`, as readable rows. Columns
    the app derives from others (`events.forms.DERIVED_COLUMNS`) are nobody's change."""
    from events.forms import DERIVED_COLUMNS

    derived = DERIVED_COLUMNS.get(model, set())
    before = before or {}
    changes = []
    fuzzy_columns = set()
    for name, declaration in getattr(model, "_fuzzy_dates", {}).items():
        fuzzy_columns |= {f"{name}_earliest", f"{name}_latest", f"{name}_precision"}
        old_date, new_date = _fuzzy(before, name), _fuzzy(after, name)
        if old_date != new_date:
            label = (declaration.verbose_name or name).capitalize()
            changes.append(
                Change(
                    label, str(old_date) if old_date else "—", str(new_date) if new_date else "—"
                )
            )
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        key = field.attname
        if field.primary_key or key in fuzzy_columns or field.name in derived or key not in after:
            continue
        if (
            field.auto_created
            or getattr(field, "auto_now_add", False)
            or getattr(field, "auto_now", False)
        ):
            continue
        old, new = before.get(key), after.get(key)
        if field.many_to_many:
            old, new = sorted(old or []), sorted(new or [])
        if old != new:
            changes.append(
                Change(str(field.verbose_name).capitalize(), _show(field, old), _show(field, new))
            )
    return changes


def version_history(model, object_id) -> list[dict]:
    """Each saved version of one record, newest first, with what it changed."""
    versions = list(
        Version.objects.get_for_object_reference(model, object_id)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )
    history = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        try:
            after = version.field_dict
            before = older.field_dict if older else None
            changes = changes_between(model, before, after)
        except Exception:  # a version saved under an older schema may not deserialize
            changes = []
        history.append({"version": version, "changes": changes, "is_first": older is None})
    return history
