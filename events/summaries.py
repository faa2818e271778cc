"""Keeping the board's read model (`ChannelSummary`, `ChannelActivity`) equal to the records.

What a channel's summary says is computed by the reads the as-of board uses
(`selectors.live_board_summary` with no day), so there is one rule for "the status in force",
"the last contact", "the next expected engagement" and "open sticking points", whether a page
reads it live for a past day or from the summary for today.

When: every save or delete of a record that can change a summary (a channel, status change,
engagement, engagement step, sticking point, statement, a statement's channels) refreshes the
summaries of the channels it touches, in the same transaction, from the model signals — so the
services, the admin (which writes through the services) and any other ORM write keep them
right, and a rolled-back write takes its refresh with it. Writes that bypass the signals
(`bulk_create`, `QuerySet.update()`, raw SQL) call `refresh()` themselves: the services after
moving statuses' shown-from days, and `rebuild()` after the demo-data generator and the
archive import.

The timeline's day of a statement or a sticking point (`timeline_day`: when it was said or arose,
else when the sources first reported it) and of a characterisation (its engagement's day, else
when it was recorded) is stored on the record the same way, so the timeline sorts by an index
instead of computing the day of every row: refreshed when the record, one of its citations, a
cited source's publication date or a characterised engagement is saved.

`differences()` compares what is stored with what the records say; `manage.py
rebuild_summaries` prints them and writes the right rows.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from events.models import (
    Channel,
    ChannelActivity,
    ChannelSummary,
    Characterisation,
    Citation,
    Engagement,
    EngagementTransition,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.vocabularies import BOARD_STATUS_ORDER

__all__ = [
    "TIMELINE_DAY_MODELS",
    "activity_of",
    "computed",
    "connect_signals",
    "differences",
    "rebuild",
    "refresh",
    "refresh_timeline_days",
    "status_rank",
    "stored",
    "timeline_day",
    "timeline_day_differences",
]

# The summary's columns, in the order `differences` reports them.
SUMMARY_FIELDS = (
    "status_change_id",
    "status",
    "status_rank",
    "since",
    "trend",
    "confidence",
    "reviewed_at",
    "last_contact_id",
    "last_contact_on",
    "next_engagement_id",
    "next_on",
    "open_sticking_points",
)

# How many channels one refresh of a rebuild computes at a time (bounded memory).
REBUILD_BATCH = 200


def status_rank(status: str | None) -> int:
    """The board's order of statuses (frozen first), no status last — as
    `ChannelQuerySet.with_status_as_of` ranks them."""
    return (
        BOARD_STATUS_ORDER.index(status)
        if status in BOARD_STATUS_ORDER
        else len(BOARD_STATUS_ORDER)
    )


def computed(
    channel_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS
) -> dict[int, tuple[dict, dict[date, int]]]:
    """What the records say of each channel: its summary's columns and its records per day.
    Six queries, whatever the number of channels."""
    from events.selectors import live_board_summary  # selectors import this module's models

    ids = list(dict.fromkeys(channel_ids))
    rows = list(
        live_board_summary(Channel.objects.using(using).filter(pk__in=ids)).values(
            "pk",
            "current_status_id",
            "last_contact_id",
            "next_engagement_id",
            "open_sticking_points",
        )
    )
    statuses = {
        row["pk"]: row
        for row in StatusChange.objects.using(using)
        .filter(pk__in=[r["current_status_id"] for r in rows if r["current_status_id"]])
        .values("pk", "status", "date_earliest", "trend", "confidence", "changed_at")
    }
    engagement_ids = [
        pk for r in rows for pk in (r["last_contact_id"], r["next_engagement_id"]) if pk
    ]
    engagement_days = dict(
        Engagement.objects.using(using)
        .filter(pk__in=engagement_ids)
        .values_list("pk", "when_earliest")
    )
    activity = activity_of(ids, using)
    result = {}
    for row in rows:
        status: dict = dict(statuses.get(row["current_status_id"], {}))
        summary = {
            "status_change_id": row["current_status_id"],
            "status": status.get("status", ""),
            "status_rank": status_rank(status.get("status")),
            "since": status.get("date_earliest"),
            "trend": status.get("trend", ""),
            "confidence": status.get("confidence", ""),
            "reviewed_at": status.get("changed_at"),
            "last_contact_id": row["last_contact_id"],
            "last_contact_on": engagement_days.get(row["last_contact_id"]),
            "next_engagement_id": row["next_engagement_id"],
            "next_on": engagement_days.get(row["next_engagement_id"]),
            "open_sticking_points": row["open_sticking_points"],
        }
        result[row["pk"]] = (summary, dict(activity[row["pk"]]))
    return result


def activity_of(channel_ids: list[int], using: str = DEFAULT_DB_ALIAS) -> dict[int, Counter]:
    """Records per channel and day: status changes and engagement steps on their earliest
    possible day, statements (through their channels) on the earliest day they may have been
    made; undated ones do not count. Three aggregate queries."""
    counts: dict[int, Counter] = defaultdict(Counter)
    queries = (
        StatusChange.objects.using(using)
        .filter(channel_id__in=channel_ids, date_earliest__isnull=False)
        .values(channel_pk=F("channel_id"), day=F("date_earliest")),
        EngagementTransition.objects.using(using)
        .filter(engagement__channel_id__in=channel_ids, date_earliest__isnull=False)
        .values(channel_pk=F("engagement__channel_id"), day=F("date_earliest")),
        Statement.channels.through.objects.using(using)
        .filter(channel_id__in=channel_ids, statement__said_earliest__isnull=False)
        .values(channel_pk=F("channel_id"), day=F("statement__said_earliest")),
    )
    for query in queries:
        for row in query.annotate(n=Count("pk")).order_by():
            counts[row["channel_pk"]][row["day"]] += row["n"]
    return counts


def stored(channel_ids: Iterable[int]) -> dict[int, tuple[dict, dict[date, int]]]:
    """What the read model holds for each channel (channels without a summary are left out)."""
    ids = list(dict.fromkeys(channel_ids))
    activity: dict[int, dict[date, int]] = defaultdict(dict)
    for channel_pk, day, records in ChannelActivity.objects.filter(channel_id__in=ids).values_list(
        "channel_id", "day", "records"
    ):
        activity[channel_pk][day] = records
    return {
        row.pop("channel_id"): (row, activity[pk])
        for row in ChannelSummary.objects.filter(channel_id__in=ids).values(
            "channel_id", *SUMMARY_FIELDS
        )
        for pk in [row["channel_id"]]
    }


def refresh(channel_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Write the summaries and activity of these channels as the records now say (about ten
    queries, whatever their number); a channel that no longer exists is skipped."""
    ids = [pk for pk in dict.fromkeys(channel_ids) if pk is not None]
    if not ids:
        return
    _write(computed(ids, using), using)


def _write(summaries: dict[int, tuple[dict, dict[date, int]]], using: str) -> None:
    if not summaries:
        return
    ChannelSummary.objects.using(using).bulk_create(
        [ChannelSummary(channel_id=pk, **summary) for pk, (summary, _) in summaries.items()],
        update_conflicts=True,
        unique_fields=["channel"],
        update_fields=[name.removesuffix("_id") for name in SUMMARY_FIELDS],
    )
    ChannelActivity.objects.using(using).filter(channel_id__in=list(summaries)).delete()
    ChannelActivity.objects.using(using).bulk_create(
        [
            ChannelActivity(channel_id=pk, day=day, records=records)
            for pk, (_, days) in summaries.items()
            for day, records in days.items()
        ],
        batch_size=1000,
    )


def differences(channel_ids: Iterable[int] | None = None) -> list[str]:
    """Each way the read model differs from the records, in words (empty: none); every channel
    when `channel_ids` is None."""
    ids = (
        list(Channel.objects.order_by("pk").values_list("pk", flat=True))
        if channel_ids is None
        else list(channel_ids)
    )
    found = []
    for start in range(0, len(ids), REBUILD_BATCH):
        batch = ids[start : start + REBUILD_BATCH]
        expected, have = computed(batch), stored(batch)
        for pk in batch:
            if pk not in expected:
                continue
            summary, days = expected[pk]
            if pk not in have:
                found.append(f"channel {pk}: no summary")
                continue
            have_summary, have_days = have[pk]
            found.extend(
                f"channel {pk}: {name} is {have_summary[name]!r}, the records say {summary[name]!r}"
                for name in SUMMARY_FIELDS
                if summary[name] != have_summary[name]
            )
            if days != have_days:
                wrong = sorted(
                    d for d in days.keys() | have_days.keys() if days.get(d) != have_days.get(d)
                )
                found.append(
                    f"channel {pk}: activity differs on {len(wrong)} day(s), "
                    f"first {wrong[0].isoformat()}"
                    f" ({have_days.get(wrong[0], 0)} stored, {days.get(wrong[0], 0)} recorded)"
                )
        stale = set(
            ChannelSummary.objects.filter(channel_id__in=batch).values_list("channel_id", flat=True)
        ) - set(expected)
        found.extend(
            f"channel {pk}: summary of a channel that does not exist" for pk in sorted(stale)
        )
    if channel_ids is None:
        found.extend(timeline_day_differences())
    return found


def rebuild(using: str = DEFAULT_DB_ALIAS, *, timeline_days: bool = True) -> int:
    """Recompute every channel's summary and activity (in batches), and with `timeline_days`
    the timeline's day of every dated record; returns how many channels. (Migration 0014 runs
    it without the days: their columns come in later migrations, which fill them.)"""
    ids = list(Channel.objects.using(using).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REBUILD_BATCH):
        refresh(ids[start : start + REBUILD_BATCH], using)
    if timeline_days:
        for model in TIMELINE_DAY_MODELS:
            refresh_timeline_days(model, using=using)
    return len(ids)


# --- The timeline's day of statements and sticking points ----------------------------------------


def _first_reported(related_name: str) -> Subquery:
    """The earliest publication day of the sources citing the outer record."""
    return Subquery(
        Citation.objects.filter(**{related_name: OuterRef("pk")})
        .order_by("source__published_earliest")
        .values("source__published_earliest")[:1]
    )


def timeline_day(model) -> Coalesce:
    """A statement's, sticking point's or characterisation's day on the timeline, computed from
    its record."""
    if model is Statement:
        return Coalesce("said_earliest", _first_reported("statement"))
    if model is Characterisation:
        # A subquery, not "engagement__when_earliest": an UPDATE cannot join.
        held = Engagement.objects.filter(pk=OuterRef("engagement_id")).values("when_earliest")
        return Coalesce(Subquery(held[:1]), TruncDate("recorded_at"))
    return Coalesce("raised_earliest", _first_reported("stickingpoint"))


TIMELINE_DAY_MODELS = (Statement, StickingPoint, Characterisation)
# Those whose day can come from the sources citing them (a characterisation's never does).
DAY_FROM_SOURCES = (Statement, StickingPoint)


def refresh_timeline_days(model, ids: Iterable[int] | None = None, using=DEFAULT_DB_ALIAS) -> None:
    """Store the timeline's day of these records of `model` (all of them without `ids`): one
    UPDATE."""
    records = model.objects.using(using)
    if ids is not None:
        records = records.filter(pk__in=list(ids))
    records.update(timeline_day=timeline_day(model))


def timeline_day_differences(using=DEFAULT_DB_ALIAS) -> list[str]:
    """The records whose stored timeline day is not what their records say."""
    found = []
    for model in TIMELINE_DAY_MODELS:
        records = model.objects.using(using).annotate(expected=timeline_day(model))
        wrong = records.filter(
            Q(timeline_day__isnull=True, expected__isnull=False)
            | Q(timeline_day__isnull=False, expected__isnull=True)
            | (
                Q(timeline_day__isnull=False, expected__isnull=False)
                & ~Q(timeline_day=F("expected"))
            )
        )
        count = wrong.count()
        first = wrong.order_by("pk").values("pk", "timeline_day", "expected").first()
        if count and first is not None:
            found.append(
                f"{count} {model._meta.verbose_name_plural}: timeline day differs, first "
                f"{model._meta.verbose_name} {first['pk']} ({first['timeline_day']} stored, "
                f"{first['expected']} recorded)"
            )
    return found


def _timeline_day_after_save(sender, instance, using, raw=False, **kwargs) -> None:
    if not raw:
        refresh_timeline_days(sender, [instance.pk], using)


def _timeline_day_after_citation(sender, instance, using, raw=False, **kwargs) -> None:
    if raw:
        return
    model = ContentType.objects.db_manager(using).get_for_id(instance.content_type_id).model_class()
    if model in DAY_FROM_SOURCES:
        refresh_timeline_days(model, [instance.object_id], using)


def _timeline_day_after_source(sender, instance, using, raw=False, **kwargs) -> None:
    if raw:
        return
    for model in DAY_FROM_SOURCES:
        cited = Citation.objects.using(using).filter(
            source=instance, content_type=ContentType.objects.db_manager(using).get_for_model(model)
        )
        refresh_timeline_days(model, cited.values_list("object_id", flat=True), using)


def _timeline_day_after_engagement(sender, instance, using, raw=False, **kwargs) -> None:
    # A characterisation stands on the timeline on its engagement's day.
    if not raw:
        described = Characterisation.objects.using(using).filter(engagement_id=instance.pk)
        refresh_timeline_days(Characterisation, described.values_list("pk", flat=True), using)


# --- Signals -------------------------------------------------------------------------------------


def _channels_of(instance) -> list[int]:
    """The channels a record's summary rows depend on, as the record now stands."""
    if isinstance(instance, Channel):
        return [instance.pk]
    if isinstance(instance, StatusChange | Engagement | StickingPoint):
        return [instance.channel_id]
    if isinstance(instance, EngagementTransition):
        return list(
            Engagement.objects.filter(pk=instance.engagement_id).values_list(
                "channel_id", flat=True
            )
        )
    if isinstance(instance, Statement):
        if instance.pk is None:
            return []
        return list(
            Statement.channels.through.objects.filter(statement_id=instance.pk).values_list(
                "channel_id", flat=True
            )
        )
    return []


# A record moved to another channel (an engagement, an engagement step) leaves its old channel
# to refresh too: its channels before the save, by record.
_MOVABLE = (StatusChange, Engagement, StickingPoint, EngagementTransition)


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    instance._summary_channels_before = _channels_of(old) if old is not None else []


def _after_change(sender, instance, using, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_summary_channels_before", [])
    refresh([*before, *_channels_of(instance)], using)


def _before_delete(sender, instance, **kwargs) -> None:
    # A statement's links to its channels go before it (no signal of their own), and an
    # engagement step's engagement may go with it: read their channels while they are there.
    instance._summary_channels_before = _channels_of(instance)


def _after_delete(sender, instance, using, **kwargs) -> None:
    if isinstance(instance, Channel):
        # Last of a channel's deletion: its records' deletions have each refreshed it.
        ChannelSummary.objects.using(using).filter(channel_id=instance.pk).delete()
        ChannelActivity.objects.using(using).filter(channel_id=instance.pk).delete()
        return
    refresh([*getattr(instance, "_summary_channels_before", []), *_channels_of(instance)], using)


def _statement_channels_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action == "pre_clear":
        instance._summary_channels_before = _channels_of(instance) if not reverse else [instance.pk]
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # channel.statements.add(...): `instance` is the channel
        refresh([instance.pk])
    elif action == "post_clear":
        refresh(getattr(instance, "_summary_channels_before", []))
    else:
        refresh(pk_set or [])


def connect_signals() -> None:
    for model in (
        Channel,
        StatusChange,
        Engagement,
        EngagementTransition,
        StickingPoint,
        Statement,
    ):
        uid = f"events_summaries_{model._meta.model_name}"
        if model in _MOVABLE:
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}_pre_save")
        post_save.connect(_after_change, sender=model, dispatch_uid=f"{uid}_save")
        if model in (Statement, EngagementTransition):
            pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}_pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}_delete")
    for dated in TIMELINE_DAY_MODELS:
        post_save.connect(
            _timeline_day_after_save,
            sender=dated,
            dispatch_uid=f"events_timeline_day_{dated._meta.model_name}",
        )
    post_save.connect(_timeline_day_after_citation, sender=Citation, dispatch_uid="events_sd_cite")
    post_delete.connect(
        _timeline_day_after_citation, sender=Citation, dispatch_uid="events_sd_uncite"
    )
    post_save.connect(_timeline_day_after_source, sender=Source, dispatch_uid="events_sd_source")
    post_save.connect(
        _timeline_day_after_engagement, sender=Engagement, dispatch_uid="events_sd_engagement"
    )
    m2m_changed.connect(
        _statement_channels_changed,
        sender=Statement.channels.through,
        dispatch_uid="events_summaries_statement_channels",
    )
