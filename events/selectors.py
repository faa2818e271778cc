"""Reads that span several models: board cards, a channel's status board and time strip, an
actor's profile and the counterpart claims about them, and the event stream that the timeline
and the Atom feeds both read.

Reads of one model live on its QuerySet (events/models/); these start from those. Each states
its query count: the count does not grow with the number of rows.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery

from events.models import (
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    OfficeHolding,
    Participation,
    Statement,
    StatusChange,
    StickingPoint,
    StickingPointQuerySet,
    cited,
)
from events.pagination import COUNT_CAP
from events.vocabularies import OPEN_ENGAGEMENT_STATES, TIMELINE_KINDS

# --- Board cards -------------------------------------------------------------------------------


def with_board_summary(channels, as_of: date | None = None):
    """Annotate each channel with the ids of its current status change, last contact and
    next expected engagement, and its count of open sticking points — one query. With
    `as_of`, each is as it stood on that day."""
    latest_status = StatusChange.objects.filter(channel=OuterRef("pk")).as_of(as_of).newest_first()
    engagements = Engagement.objects.filter(channel=OuterRef("pk")).with_state_as_of(as_of)
    last_contact = engagements.held()
    if as_of is not None:
        last_contact = last_contact.filter(when_latest__lte=as_of)
    return channels.with_parties().annotate(
        current_status_id=Subquery(latest_status.values("pk")[:1]),
        current_status_value=Subquery(latest_status.values("status")[:1]),
        last_contact_id=Subquery(last_contact.last_held_first().values("pk")[:1]),
        next_engagement_id=Subquery(engagements.open().soonest_first().values("pk")[:1]),
        open_sticking_points=Count(
            "sticking_points",
            filter=StickingPointQuerySet.open_q(as_of, prefix="sticking_points__"),
            distinct=True,
        ),
    )


# A channel page shows this many of the latest statements and past engagements; the lists
# (linked from the page) hold the rest.
RECENT_ITEMS = 10


def attach_board_cards(channels: list, as_of: date | None) -> list:
    """Attach `current_status`, `last_contact` and `next_engagement` (objects) to channels
    annotated by `with_board_summary`: two queries plus one for citations."""
    status_ids = [c.current_status_id for c in channels if c.current_status_id]
    engagement_ids = [
        pk for c in channels for pk in (c.last_contact_id, c.next_engagement_id) if pk
    ]
    statuses = StatusChange.objects.in_bulk(status_ids)
    engagements = (
        Engagement.objects.with_state_as_of(as_of)
        .select_related("initiator")
        .prefetch_related(cited())
        .in_bulk(engagement_ids)
    )
    for channel in channels:
        channel.current_status = statuses.get(channel.current_status_id)
        channel.last_contact = engagements.get(channel.last_contact_id)
        channel.next_engagement = engagements.get(channel.next_engagement_id)
    return channels


def board_cards(channels, as_of: date | None = None) -> list:
    """The board's cards: channels with `current_status`, `last_contact` and
    `next_engagement` attached as objects. Four queries, whatever the number of channels."""
    return attach_board_cards(list(with_board_summary(channels, as_of)), as_of)


def channel_cards(channels, ids: list[int], as_of: date | None = None) -> list:
    """Board cards for the channels `ids`, in that order (five queries)."""
    found = {c.pk: c for c in with_board_summary(channels.filter(pk__in=ids), as_of)}
    return attach_board_cards([found[pk] for pk in ids if pk in found], as_of)


# --- A channel's status board ------------------------------------------------------------------


def channel_status_board(channels, as_of: date | None = None, recent_of: int | None = None):
    """Everything a channel's status board shows, prefetched; with `as_of`, only what was
    known on that day, each engagement and sticking point in the state it then had.

    With `recent_of` (a channel's pk; the queryset must select only that channel), only its
    latest RECENT_ITEMS + 1 statements and past engagements come, newest first: a channel
    followed for years has hundreds, the lists hold them all, and the page shows
    RECENT_ITEMS and knows whether there are more. Open engagements always come whole."""
    engagements = Engagement.objects.with_state_as_of(as_of).with_details()
    statements = Statement.objects.as_of(as_of).with_details().newest_first()
    engagement_prefetches = [Prefetch("engagements", queryset=engagements.soonest_first())]
    if recent_of is not None:
        latest_past = (
            Engagement.objects.with_state_as_of(as_of)
            .filter(channel=recent_of)
            .exclude(state_then__in=OPEN_ENGAGEMENT_STATES)
            .last_held_first()
            .values("pk")[: RECENT_ITEMS + 1]
        )
        latest_statements = (
            Statement.objects.as_of(as_of)
            .filter(channels=recent_of)
            .newest_first()
            .values("pk")[: RECENT_ITEMS + 1]
        )
        engagement_prefetches = [
            Prefetch(
                "engagements",
                queryset=engagements.open().soonest_first(),
                to_attr="open_engagements",
            ),
            Prefetch(
                "engagements",
                queryset=engagements.filter(pk__in=latest_past).last_held_first(),
                to_attr="recent_past_engagements",
            ),
        ]
        statements = statements.filter(pk__in=latest_statements)
    return channels.with_parties().prefetch_related(
        cited(),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.as_of(as_of).newest_first().prefetch_related(cited()),
        ),
        *engagement_prefetches,
        Prefetch(
            "counterpart_claims",
            queryset=CounterpartClaim.objects.select_related(
                "office__institution",
                "claimant",
                "counterpart_office__institution",
                "counterpart_person",
            ).prefetch_related(cited()),
        ),
        Prefetch(
            "sticking_points",
            queryset=StickingPoint.objects.with_state_as_of(as_of).prefetch_related(
                cited(),
                Prefetch("statements", queryset=Statement.objects.select_related("speaker")),
                Prefetch(
                    "counterpart_claims",
                    queryset=CounterpartClaim.objects.select_related("claimant", "office"),
                ),
            ),
        ),
        Prefetch("statements", queryset=statements),
    )


def strip_records(channel_pk: int, *, since: date, as_of: date | None = None) -> tuple:
    """A channel's engagements and statements from `since` on (undated engagements too), loaded
    lightly for its time strip: two queries, the strip's columns only."""
    engagements = (
        Engagement.objects.filter(channel=channel_pk)
        .filter(Q(when_latest__gte=since) | Q(when_latest__isnull=True))
        .only("pk", "kind", "state", "title", "when_earliest", "when_latest", "when_precision")
    )
    statements = (
        Statement.objects.as_of(as_of)
        .filter(channels=channel_pk, said_latest__gte=since)
        .select_related("speaker")
        .only(
            "pk",
            "text",
            "is_verbatim",
            "stance",
            "said_earliest",
            "said_latest",
            "said_precision",
            "speaker__name",
        )
    )
    if as_of is not None:
        engagements = engagements.filter(when_earliest__lte=as_of)
    return list(engagements), list(statements)


# --- Actors ----------------------------------------------------------------------------------


def actor_profile(
    actors,
):
    """An actor with offices held, engagements taken part in and statements made."""
    return actors.select_related("state", "parent").prefetch_related(
        cited(),
        Prefetch(
            "office_holdings",
            queryset=OfficeHolding.objects.select_related("office__institution")
            .prefetch_related(cited())
            .order_by(F("start_earliest").asc(nulls_first=True), "id"),
        ),
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related(
                "engagement__channel__party_a", "engagement__channel__party_b", "side"
            ).order_by(F("engagement__when_earliest").desc(nulls_last=True), "id"),
        ),
        Prefetch("statements", queryset=Statement.objects.with_details().newest_first()),
    )


def counterpart_claims_about(
    actor,
):
    """Counterpart claims that concern this actor: about an office it holds or held, or
    naming it (or such an office) as the counterpart."""
    offices = OfficeHolding.objects.filter(person=actor).values("office")
    return (
        CounterpartClaim.objects.filter(
            Q(office__in=offices)
            | Q(counterpart_office__in=offices)
            | Q(counterpart_person=actor)
            | Q(office__institution=actor)
        )
        .select_related(
            "channel__party_a",
            "channel__party_b",
            "office__institution",
            "claimant",
            "counterpart_office__institution",
            "counterpart_person",
        )
        .prefetch_related("citations__source")
    )


# --- Event stream: the timeline and the feeds ---------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event in the cross-channel stream."""

    kind: str  # "status", "step" or "statement"
    when: object  # FuzzyDate
    title: str
    text: str
    channels: tuple
    record: object
    anchor: str

    @property
    def sort_key(self):
        return (self.when.earliest, self.when.latest, self.kind, self.record.pk)


def timeline(
    *,
    channel=None,
    track: str = "",
    party=None,
    kinds: list[str] | None = None,
    during=None,
    recorded_since=None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[TimelineEntry], int]:
    """Status changes, engagement steps and statements in one stream, newest first.

    Returns (entries for this page, total). One count and one page query per record type, plus
    their prefetches: the cost does not depend on how many rows exist. Each count stops at
    `COUNT_CAP + 1`, so a total above `COUNT_CAP` means "more than that".
    """
    kinds = kinds or list(TIMELINE_KINDS)
    end = offset + limit
    sources = []

    def channel_filter(prefix: str) -> Q:
        condition = Q()
        if channel is not None:
            condition &= Q(**{prefix: channel})
        if track:
            condition &= Q(**{f"{prefix}__track": track})
        if party is not None:
            condition &= Q(**{f"{prefix}__party_a": party}) | Q(**{f"{prefix}__party_b": party})
        return condition

    def date_filter(field: str) -> Q:
        if during is None:
            return Q()
        return Q(
            **{f"{field}_earliest__lte": during.latest, f"{field}_latest__gte": during.earliest}
        )

    if "status" in kinds:
        changes = StatusChange.objects.filter(channel_filter("channel"), date_filter("date"))
        if recorded_since:
            changes = changes.filter(recorded_at__gte=recorded_since)
        sources.append(
            (
                changes,
                changes.select_related("channel__party_a", "channel__party_b")
                .prefetch_related(cited())
                .order_by("-date_earliest", "-date_latest", "-id")[:end],
                lambda c: TimelineEntry(
                    "status",
                    c.date,
                    f"{c.channel}: {c.get_status_display()}",
                    c.explanation,
                    (c.channel,),
                    c,
                    "history",
                ),
            )
        )
    if "step" in kinds:
        steps = EngagementTransition.objects.filter(
            channel_filter("engagement__channel"), date_filter("date")
        )
        if recorded_since:
            steps = steps.filter(recorded_at__gte=recorded_since)
        sources.append(
            (
                steps,
                steps.select_related("engagement__channel__party_a", "engagement__channel__party_b")
                .prefetch_related(cited())
                .order_by("-date_earliest", "-date_latest", "-id")[:end],
                lambda s: TimelineEntry(
                    "step",
                    s.date,
                    f"{s.engagement.title}: {s.get_to_state_display().lower()}",
                    s.note,
                    (s.engagement.channel,),
                    s,
                    f"engagement-{s.engagement_id}",
                ),
            )
        )
    if "statement" in kinds:
        statements = Statement.objects.filter(said_earliest__isnull=False).filter(
            date_filter("said")
        )
        if channel is not None or track or party is not None:
            statements = statements.filter(
                pk__in=Statement.channels.through.objects.filter(channel_filter("channel")).values(
                    "statement"
                )
            )
        if recorded_since:
            statements = statements.filter(recorded_at__gte=recorded_since)
        sources.append(
            (
                statements,
                statements.select_related("speaker")
                .prefetch_related(cited(), "channels__party_a", "channels__party_b")
                .order_by("-said_earliest", "-said_latest", "-id")[:end],
                lambda s: TimelineEntry(
                    "statement",
                    s.said,
                    f"{s.speaker.name}: “{s.text}”"
                    if s.is_verbatim
                    else f"{s.speaker.name}: {s.text}",
                    s.venue,
                    tuple(s.channels.all()),
                    s,
                    "statements",
                ),
            )
        )
    # Bounded counts (events.pagination): a long stream says "more than 10,000".
    total = sum(queryset.order_by()[: COUNT_CAP + 1].count() for queryset, _, _ in sources)
    entries = [make(row) for _, page, make in sources for row in page]
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries[offset:end], total
