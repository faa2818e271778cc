"""Reads that span several models: board cards, a channel's status board and time strip, the
latest source cited on a channel, an actor's profile and the counterpart claims about them, and
the event stream that the timeline and the Atom feeds both read.

Reads of one model live on its QuerySet (events/models/); these start from those. Each states
its query count: the count does not grow with the number of rows.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from events.charts import add_months
from events.days import elapsed
from events.fields import begun_by
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Channel,
    ChannelActivity,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementQuerySet,
    EngagementTransition,
    Interpretation,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StatusChangeQuerySet,
    StickingPoint,
    StickingPointQuerySet,
    cited,
    either_party,
)
from events.pagination import COUNT_CAP, SortKey, beyond
from events.vocabularies import (
    OPEN_ENGAGEMENT_STATES,
    TIMELINE_KINDS,
    ClaimOutcome,
    Confidence,
    EngagementState,
    Trend,
)

# --- Board cards -------------------------------------------------------------------------------


def with_board_summary(channels, as_of: date | None = None):
    """Annotate each channel with the ids of its current status change, last contact and
    next expected engagement, and its count of open sticking points — one query. Today's are
    read from the board's read model (`events.summaries`); with `as_of`, each is computed as
    it stood on that day (`live_board_summary`)."""
    if as_of is not None:
        return live_board_summary(channels, as_of)
    return channels.with_parties().annotate(
        current_status_id=F("board_summary__status_change_id"),
        current_status_value=NullIf(F("board_summary__status"), Value("")),
        last_contact_id=F("board_summary__last_contact_id"),
        next_engagement_id=F("board_summary__next_engagement_id"),
        open_sticking_points=Coalesce(F("board_summary__open_sticking_points"), 0),
    )


def live_board_summary(channels, as_of: date | None = None):
    """`with_board_summary` computed from the records (a subquery per column): on `as_of`, or
    today's — what `events.summaries` stores in the read model."""
    latest_status, engagements = _outer_channel_records(as_of)
    last_contact = _last_contact(engagements, as_of)
    return channels.with_parties().annotate(
        current_status_id=Subquery(latest_status.values("pk")[:1]),
        current_status_value=Subquery(latest_status.values("status")[:1]),
        last_contact_id=Subquery(last_contact.values("pk")[:1]),
        next_engagement_id=Subquery(engagements.open().soonest_first().values("pk")[:1]),
        open_sticking_points=Count(
            "sticking_points",
            filter=StickingPointQuerySet.open_q(as_of, prefix="sticking_points__"),
            distinct=True,
        ),
    )


def _outer_channel_records(
    as_of: date | None,
) -> tuple[StatusChangeQuerySet, EngagementQuerySet]:
    """For subqueries per channel (`OuterRef("pk")` a channel): its statuses in force on
    `as_of` (today without), newest first, and its engagements with their state then — for a
    filter on that state (`held()`, `open()`)."""
    statuses = StatusChange.objects.filter(channel=OuterRef("pk")).as_of(as_of).newest_first()
    engagements = Engagement.objects.filter(channel=OuterRef("pk")).with_state_as_of(
        as_of, filtered_by_state=True
    )
    return statuses, engagements


def _last_contact(engagements, as_of: date | None):
    """Of `engagements` (annotated `with_state_as_of`), the held ones, the last first: with
    `as_of`, held by then and (when its date is known) possibly taken place by then."""
    held = engagements.held()
    if as_of is not None:
        held = held.filter(begun_by("when", as_of) | Q(when_earliest__isnull=True))
    return held.last_held_first()


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
        .in_bulk(engagement_ids)
    )
    for channel in channels:
        channel.current_status = statuses.get(channel.current_status_id)
        channel.last_contact = engagements.get(channel.last_contact_id)
        channel.next_engagement = engagements.get(channel.next_engagement_id)
    # Only the expected engagements' sources are read (their date warnings): a held one has
    # none to show, and its sources are most of the citations.
    expected = [c.next_engagement for c in channels if c.next_engagement is not None]
    prefetch_related_objects(expected, cited())
    return channels


def board_cards(channels, as_of: date | None = None) -> list:
    """The board's cards: channels with `current_status`, `last_contact` and
    `next_engagement` attached as objects. Four queries, whatever the number of channels."""
    return attach_board_cards(list(with_board_summary(channels, as_of)), as_of)


def channel_cards(channels, ids: list[int], as_of: date | None = None) -> list:
    """Board cards for the channels `ids`, in that order (five queries)."""
    found = {c.pk: c for c in with_board_summary(channels.filter(pk__in=ids), as_of)}
    return attach_board_cards([found[pk] for pk in ids if pk in found], as_of)


# The board's sortable columns: the `sort` parameter's values (a leading "-" reverses). Ascending
# reads "most in trouble first" where a column has such an order (frozen before open,
# deteriorating before improving, low confidence before high); dates run oldest first.
BOARD_SORTS = (
    "channel",
    "status",
    "since",
    "trend",
    "confidence",
    "last_contact",
    "next",
    "sticking",
    "activity",
    "reviewed",
)

# How many months the board's activity sparklines (and so the activity sort) cover.
ACTIVITY_MONTHS = 12


def _rank(field: str, values: tuple) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def _count_of(queryset, group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


# Today's board sorts by the read model's columns (events.summaries), indexed.
_SUMMARY_SORTS = {
    "since": "board_summary__since",
    "trend": "board_summary__trend",
    "confidence": "board_summary__confidence",
    "reviewed": "board_summary__reviewed_at",
    "last_contact": "board_summary__last_contact_on",
    "next": "board_summary__next_on",
    "sticking": "board_summary__open_sticking_points",
}


def _board_sort_key(key: str, as_of: date | None, today: date):
    """The value each channel sorts by for `key` (an expression over the channel)."""
    if key == "status":
        return F("status_rank")
    if key == "activity":
        end = as_of or today
        first = add_months(end, 1 - ACTIVITY_MONTHS)  # as the sparklines count
        days = ChannelActivity.objects.filter(
            channel=OuterRef("pk"), day__gte=first, day__lte=end
        ).order_by()
        total = days.values("channel").annotate(n=Sum("records")).values("n")
        return Coalesce(Subquery(total[:1], output_field=IntegerField()), 0)
    if as_of is None:
        if key not in _SUMMARY_SORTS:
            raise ValueError(f"Unknown board sort {key!r}.")
        field = _SUMMARY_SORTS[key]
        # Blank trend or confidence (no status) sorts with the channels that have no value.
        if key in ("trend", "confidence"):
            return NullIf(F(field), Value(""))
        return F(field)
    latest_status, engagements = _outer_channel_records(as_of)
    if key == "since":
        return Subquery(latest_status.values("date_earliest")[:1])
    if key == "trend":
        return Subquery(latest_status.values("trend")[:1])
    if key == "confidence":
        return Subquery(latest_status.values("confidence")[:1])
    if key == "reviewed":
        return Subquery(latest_status.values("changed_at")[:1])
    if key == "last_contact":
        return Subquery(_last_contact(engagements, as_of).values("when_earliest")[:1])
    if key == "next":
        return Subquery(engagements.open().soonest_first().values("when_earliest")[:1])
    if key == "sticking":
        open_points = StickingPoint.objects.filter(
            StickingPointQuerySet.open_q(as_of), channel=OuterRef("pk")
        )
        return _count_of(open_points, "channel")
    raise ValueError(f"Unknown board sort {key!r}.")


def board_sorted(channels, *, sort: str, group: str, as_of: date | None, today: date):
    """`channels` (from `ChannelQuerySet.on_board`) in the board's order: by group (status or
    track) first, then by the column `sort` names ("-" first: the other way round; empty: the
    parties' names), channels with no value for it last, ties by the parties' names. One query
    when evaluated, whatever the sort."""
    by_parties = ("party_a__name", "party_b__name", "track", "pk")
    grouping = {"status": ("status_rank",), "track": ("track",)}.get(group, ())
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if not key or key == "channel":
        parties = [F(name).desc() if descending else F(name).asc() for name in by_parties]
        return channels.order_by(*grouping, *parties)
    ranks = {
        "trend": (Trend.DETERIORATING, Trend.UNCHANGED, Trend.IMPROVING),
        "confidence": (Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH),
    }
    channels = channels.annotate(board_sort_value=_board_sort_key(key, as_of, today))
    value = F("board_sort_value")
    if key in ranks:
        channels = channels.annotate(
            board_sort_rank=Case(
                *(When(board_sort_value=v, then=Value(rank)) for rank, v in enumerate(ranks[key])),
                default=Value(None),
                output_field=IntegerField(),
            )
        )
        value = F("board_sort_rank")
    ordering = value.desc(nulls_last=True) if descending else value.asc(nulls_last=True)
    return channels.order_by(*grouping, ordering, *by_parties)


# --- A channel's status board ------------------------------------------------------------------


def channel_status_board(channels, as_of: date | None = None, recent_of: int | None = None):
    """Everything a channel's status board shows, prefetched; with `as_of`, only what was
    known on that day, each engagement and sticking point in the state it then had.

    With `recent_of` (a channel's pk; the queryset must select only that channel), only its
    latest RECENT_ITEMS + 1 statements and past engagements come, newest first: a channel
    followed for years has hundreds, the lists hold them all, and the page shows
    RECENT_ITEMS and knows whether there are more. Open engagements always come whole."""
    engagements = Engagement.objects.with_state_as_of(as_of).with_details(as_of)
    statements = Statement.objects.as_of(as_of).with_details(as_of).newest_first()
    engagement_prefetches = [Prefetch("engagements", queryset=engagements.soonest_first())]
    if recent_of is not None:
        latest_past = (
            Engagement.objects.with_state_as_of(as_of)
            .filter(channel=recent_of)
            .exclude(state_then__in=OPEN_ENGAGEMENT_STATES)
            .last_held_first()
            .values("pk")[: RECENT_ITEMS + 1]
        )
        # The last contact comes too, for the page's summary, though older than those.
        last_contact = _last_contact(
            Engagement.objects.with_state_as_of(as_of).filter(channel=recent_of), as_of
        ).values("pk")[:1]
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
                queryset=engagements.filter(
                    Q(pk__in=latest_past) | Q(pk__in=last_contact)
                ).last_held_first(),
                to_attr="recent_past_engagements",
            ),
        ]
        statements = statements.filter(pk__in=latest_statements)
        channels = channels.annotate(last_contact_id=Subquery(last_contact))
    return channels.with_parties().prefetch_related(
        cited(),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.as_of(as_of).newest_first().prefetch_related(cited()),
        ),
        *engagement_prefetches,
        Prefetch(
            "counterpart_claims",
            queryset=CounterpartClaim.objects.as_of(as_of)
            .select_related(
                "office__institution",
                "claimant",
                "counterpart_office__institution",
                "counterpart_person",
            )
            .prefetch_related(cited()),
        ),
        Prefetch(
            "sticking_points",
            queryset=StickingPoint.objects.with_state_as_of(as_of).prefetch_related(
                cited(),
                Prefetch("statements", queryset=Statement.objects.select_related("speaker")),
                Prefetch(
                    "counterpart_claims",
                    queryset=CounterpartClaim.objects.as_of(as_of).select_related(
                        "claimant", "office"
                    ),
                ),
            ),
        ),
        Prefetch("statements", queryset=statements),
    )


def how_long_ago(when: FuzzyDate | None, day: date) -> str:
    """How long before `day` a fuzzy date was, as a reader says it: "today", "5 days ago",
    "3 weeks ago", "2–3 months ago" (when its bounds read differently), "up to 7 days ago" (one
    that may be today), "in 4 days" for one still ahead. Counted from the bounds that have
    passed; "" without a date."""
    if when is None:
        return ""
    if when.earliest > day:
        return f"in {elapsed(day, when.earliest)}"
    nearest = elapsed(min(when.latest, day), day)
    farthest = elapsed(when.earliest, day)
    if nearest == farthest:
        return "today" if nearest == "0 days" else f"{nearest} ago"
    if nearest == "0 days":  # possibly today
        return f"up to {farthest} ago"
    near_n, near_unit = nearest.split(" ", 1)
    far_n, far_unit = farthest.split(" ", 1)
    if near_unit.rstrip("s") == far_unit.rstrip("s"):
        return f"{near_n}–{far_n} {far_unit} ago"
    return f"{nearest} – {farthest} ago"


@dataclass(frozen=True)
class RecentChange:
    """One of the latest dated changes on a channel, as its page's summary lists it."""

    when: FuzzyDate
    text: str
    anchor: str


@dataclass
class ChannelSummary:
    """What a channel page answers first: the status and why, since when, the last contact,
    what is expected next, what stands in the way and what changed lately — and which of the
    page's sections have nothing recorded (folded into one line)."""

    day: date
    status: StatusChange | None
    last_contact: Engagement | None
    next_expected: Engagement | None
    obstacles: list
    disputes: list
    recent: list[RecentChange]
    empty: list[tuple[str, str]]  # (section id, what is not recorded there)

    @property
    def since_ago(self) -> str:
        return how_long_ago(self.status.date, self.day) if self.status else ""

    @property
    def last_contact_ago(self) -> str:
        return how_long_ago(self.last_contact.when, self.day) if self.last_contact else ""

    @property
    def overdue(self) -> bool:
        return bool(self.next_expected and self.next_expected.overdue_on(self.day))

    @property
    def shown(self) -> dict[str, bool]:
        """Whether each section has something to show, by its id ("-" read as "_", as a
        template reads it)."""
        folded = {section for section, _ in self.empty}
        return {section.replace("-", "_"): section not in folded for section, _ in SECTIONS}


# A channel page's sections that may have nothing recorded: id, and what it then lacks.
SECTIONS = (
    ("upcoming", "expected engagements"),
    ("sticking-points", "sticking points"),
    ("counterparts", "counterpart claims"),
    ("statements", "statements"),
    ("past", "past engagements"),
    ("history", "status changes"),
)
RECENT_CHANGES = 3


def channel_summary(channel: Channel, as_of: date | None = None) -> ChannelSummary:
    """The summary of a channel loaded by `channel_status_board(recent_of=…)`: no query."""
    day = as_of or timezone.localdate()
    status = channel.current_status_change
    upcoming = channel.upcoming_engagements()
    past = channel.past_engagements()
    if hasattr(channel, "last_contact_id"):  # recent_of=…: annotated, and among `past`
        last_contact = next((e for e in past if e.pk == channel.last_contact_id), None)
    else:
        last_contact = next((e for e in past if e.shown_state == EngagementState.HELD), None)
    open_points = channel.open_sticking_points()
    disputes = channel.disputed_questions()
    statements = list(channel.statements.all())
    filled = {
        "upcoming": bool(upcoming),
        "sticking-points": bool(open_points or channel.resolved_sticking_points() or disputes),
        "counterparts": bool(channel.counterpart_questions()),
        "statements": bool(statements),
        "past": bool(past),
        "history": status is not None,
    }
    return ChannelSummary(
        day=day,
        status=status,
        last_contact=last_contact,
        next_expected=upcoming[0] if upcoming else None,
        obstacles=open_points,
        disputes=disputes,
        recent=_recent_changes(channel, [*upcoming, *past], statements, day),
        empty=[(section, noun) for section, noun in SECTIONS if not filled[section]],
    )


def _recent_changes(channel, engagements, statements, day: date) -> list[RecentChange]:
    """The channel's latest dated changes by `day` (prefetched rows): statuses, lifecycle steps,
    statements, sticking points raised and resolved."""
    found = [
        RecentChange(c.date, f"Status: {c.get_status_display().lower()}", f"status-change-{c.pk}")
        for c in channel.status_changes.all()
    ]
    for engagement in engagements:
        found.extend(
            RecentChange(
                step.date,
                f"{engagement.title}: {step.get_to_state_display().lower()}",
                f"engagement-{engagement.pk}",
            )
            for step in engagement.transitions.all()
        )
    found.extend(
        RecentChange(s.said, f"{s.speaker.label}: {_quoted(s)}", f"statement-{s.pk}")
        for s in statements
        if s.said is not None
    )
    for point in channel.sticking_points.all():
        anchor = f"sticking-point-{point.pk}"
        if point.raised is not None and point.raised.earliest <= day:
            found.append(
                RecentChange(point.raised, f"Sticking point raised: {point.title}", anchor)
            )
        if point.resolved is not None and point.resolved.earliest <= day:
            found.append(RecentChange(point.resolved, f"Resolved: {point.title}", anchor))
    found.sort(key=lambda change: (change.when.latest, change.when.earliest), reverse=True)
    return found[:RECENT_CHANGES]


def _quoted(statement) -> str:
    text = statement.text if len(statement.text) <= 60 else statement.text[:57].rstrip() + "…"
    return f"“{text}”" if statement.is_verbatim else text


def latest_source_cited_on(channel_pk: int) -> Source | None:
    """The most recently published source cited by any fact on the channel (the channel itself,
    its status changes, engagements and their steps, participants and characterisations, its
    statements and their readings, counterpart claims and sticking points) — the report an
    editor most likely records the next step from. One query (content types are cached)."""
    facts: dict[type, QuerySet] = {
        Channel: Channel.objects.filter(pk=channel_pk),
        StatusChange: StatusChange.objects.filter(channel=channel_pk),
        Engagement: Engagement.objects.filter(channel=channel_pk),
        EngagementTransition: EngagementTransition.objects.filter(engagement__channel=channel_pk),
        Participation: Participation.objects.filter(engagement__channel=channel_pk),
        Characterisation: Characterisation.objects.filter(engagement__channel=channel_pk),
        Statement: Statement.objects.filter(channels=channel_pk),
        Interpretation: Interpretation.objects.filter(statement__channels=channel_pk),
        CounterpartClaim: CounterpartClaim.objects.filter(channel=channel_pk),
        StickingPoint: StickingPoint.objects.filter(channel=channel_pk),
    }
    cited_here = Q()
    for model, rows in facts.items():
        content_type = ContentType.objects.get_for_model(model)
        cited_here |= Q(content_type=content_type, object_id__in=rows.values("pk"))
    citation = (
        Citation.objects.filter(cited_here)
        .select_related("source")
        .order_by(
            F("source__published_earliest").desc(),
            F("source__published_latest").desc(),
            "-source_id",
        )
        .first()
    )
    return citation.source if citation else None


def strip_records(channel_pk: int, *, since: date, as_of: date | None = None) -> tuple:
    """A channel's engagements and statements from `since` on (undated engagements too), loaded
    lightly for its time strip: two queries, the strip's columns only."""
    engagements = (
        Engagement.objects.with_state_as_of(as_of)
        .filter(channel=channel_pk)
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
        engagements = engagements.filter(begun_by("when", as_of))
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
                "engagement__channel__party_a",
                "engagement__channel__party_b",
                "side",
                "replaced_by",
            ).order_by(F("engagement__when_earliest").desc(nulls_last=True), "id"),
        ),
        Prefetch("statements", queryset=Statement.objects.with_details().newest_first()),
    )


def counterpart_claims_about(
    actor,
):
    """Counterpart claims that concern this actor: about an office it holds or held, or
    naming it (or such an office) as the counterpart. Standing claims first; settled and
    superseded ones follow as history, the latest ended first."""
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
        .prefetch_related(cited())
        .order_by(F("ended_earliest").desc(nulls_first=True), "channel", "office", "claimant__name")
    )


# --- Event stream: the timeline and the feeds ---------------------------------------------------
#
# One stream of dated items, decided once for the timeline and the Atom feeds: what belongs to
# it, where each item sits in time and in what order. Its kinds (`TIMELINE_KINDS`): status
# changes, engagement steps, statements, sticking points raised, sticking points resolved,
# counterpart claims that ended (settled or superseded) and characterisations of engagements.
# - An item sits at the earliest possible day of its fuzzy date: a status change or step at its
#   date, a statement where it was said, a sticking point twice (raised, and if resolved,
#   resolved: two items of one record), an ended claim at `ended`, a characterisation at its
#   engagement's date (when it was held). Without a date, a statement or a raised sticking point
#   sits at the earliest publication day of the sources that report it (it was said or stood no
#   later than that), and a characterisation of an undated engagement at the day it was recorded
#   (the engagement was held by then); a statement or sticking point with neither comes last.
# - Two orders (`StreamFilter.order`). "event" (the timeline's default): newest day first; ties
#   go to the record entered last (`recorded_at`), then by kind (`STREAM_KIND_ORDER`), then to
#   the newer row. "recorded" (the feeds'; the timeline offers it): the record saved last
#   (`changed_at`) first, then by kind, then the newer row — what a feed reader expects, and
#   what puts an item recorded today about an old event at the top.
# - Only records on some channel belong to it: every item links to a channel page.
# - `recorded_since` keeps what editors recorded or changed since then (`changed_at`): a
#   sticking point resolved today by editing an old record counts as new.


@dataclass(frozen=True)
class StreamFilter:
    """Which part of the stream to read, and in which order ("event" or "recorded", see
    above). `during` (a FuzzyDate) keeps records whose date may fall in it (undated ones never
    do); `recorded_since` keeps what editors recorded or changed since that moment."""

    channel: Channel | None = None
    channel_ids: tuple[int, ...] | None = None  # only these channels (an analyst's followed)
    track: str = ""
    party: Actor | None = None
    kinds: tuple[str, ...] = tuple(TIMELINE_KINDS)
    during: FuzzyDate | None = None
    recorded_since: datetime | None = None
    order: str = "event"


StreamRecord = (
    StatusChange
    | EngagementTransition
    | Statement
    | StickingPoint
    | CounterpartClaim
    | Characterisation
)


@dataclass(frozen=True)
class StreamItem:
    """One item of the stream: a status change ("status"), an engagement step ("step"), a
    statement ("statement"), a sticking point raised ("raised") or resolved ("resolved"), a
    counterpart claim settled or superseded ("claim") or a characterisation
    ("characterisation")."""

    kind: str
    record: StreamRecord
    day: date | None
    recorded_at: datetime
    changed_at: datetime
    channels: tuple[Channel, ...]

    @property
    def when(self) -> FuzzyDate | None:
        """The fuzzy date the item is about (None when the record has none)."""
        if self.kind == "characterisation":
            return getattr(self.record, "engagement").when  # noqa: B009 (a union of models)
        return getattr(self.record, STREAM_DATE_FIELDS[self.kind])

    @property
    def ref(self) -> str:
        """The item's name, shared by the timeline's anchors and the feeds' entry ids:
        "statuschange-12", "stickingpoint-4-resolved". A record with two items (a sticking
        point) names which; a claim's item is its ending."""
        name = f"{self.record._meta.model_name}-{self.record.pk}"
        if self.kind in ("raised", "resolved"):
            return f"{name}-{self.kind}"
        if self.kind == "claim":
            return f"{name}-ended"
        return name

    def sort_key(self, order: str = "event") -> tuple:
        if order == "recorded":
            return (self.changed_at, -STREAM_KIND_ORDER[self.kind], self.record.pk)
        return (
            self.day or date.min,
            self.recorded_at,
            -STREAM_KIND_ORDER[self.kind],
            self.record.pk,
        )


# The fuzzy date each kind's item is about (a characterisation's is its engagement's).
STREAM_DATE_FIELDS = {
    "status": "date",
    "step": "date",
    "statement": "said",
    "raised": "raised",
    "resolved": "resolved",
    "claim": "ended",
}

# Ties on the same day and moment, in this order. A sticking point's resolution comes before
# its raising, so when both are saved at once the newer news leads.
STREAM_KIND_ORDER = {
    "status": 0,
    "step": 1,
    "statement": 2,
    "resolved": 3,
    "raised": 4,
    "claim": 5,
    "characterisation": 6,
}


def _stream_querysets(where: StreamFilter) -> dict[str, QuerySet]:
    """Each kind's rows for `where`, annotated with `stream_day`; unordered, unloaded."""

    def on_channels(prefix: str) -> Q:
        condition = Q()
        if where.channel is not None:
            condition &= Q(**{prefix: where.channel})
        if where.channel_ids is not None:
            condition &= Q(**{f"{prefix}__in": where.channel_ids})
        if where.track:
            condition &= Q(**{f"{prefix}__track": where.track})
        if where.party is not None:
            condition &= either_party(where.party, prefix=f"{prefix}__")
        return condition

    def in_period(field: str) -> Q:
        if where.during is None:
            return Q()
        return Q(
            **{
                f"{field}_earliest__lte": where.during.latest,
                f"{field}_latest__gte": where.during.earliest,
            }
        )

    def recorded(queryset: QuerySet) -> QuerySet:
        if where.recorded_since is None:
            return queryset
        return queryset.filter(changed_at__gte=where.recorded_since)

    querysets: dict[str, QuerySet] = {}
    if "status" in where.kinds:
        querysets["status"] = recorded(
            StatusChange.objects.filter(on_channels("channel"), in_period("date"))
        ).annotate(stream_day=F("date_earliest"))
    if "step" in where.kinds:
        querysets["step"] = recorded(
            EngagementTransition.objects.filter(
                on_channels("engagement__channel"), in_period("date")
            )
        ).annotate(stream_day=F("date_earliest"))
    if "statement" in where.kinds:
        links = Statement.channels.through.objects.filter(
            on_channels("channel"), statement=OuterRef("pk")
        )
        # Statements and sticking points store their day on the timeline (events.summaries),
        # indexed: the order reads the index instead of computing every row's day.
        querysets["statement"] = recorded(
            Statement.objects.filter(Exists(links), in_period("said"))
        ).annotate(stream_day=F("timeline_day"))
    if "raised" in where.kinds:
        querysets["raised"] = recorded(
            StickingPoint.objects.filter(on_channels("channel"), in_period("raised"))
        ).annotate(stream_day=F("timeline_day"))
    if "resolved" in where.kinds:
        querysets["resolved"] = recorded(
            StickingPoint.objects.filter(
                on_channels("channel"), in_period("resolved"), resolved_earliest__isnull=False
            )
        ).annotate(stream_day=F("resolved_earliest"))
    if "claim" in where.kinds:
        querysets["claim"] = recorded(
            CounterpartClaim.objects.filter(on_channels("channel"), in_period("ended")).exclude(
                outcome=ClaimOutcome.STANDING
            )
        ).annotate(stream_day=F("ended_earliest"))
    if "characterisation" in where.kinds:
        querysets["characterisation"] = recorded(
            Characterisation.objects.filter(
                on_channels("engagement__channel"), in_period("engagement__when")
            )
        ).annotate(stream_day=F("timeline_day"))
    return querysets


def event_stream_count(where: StreamFilter) -> int:
    """How many items the stream holds for `where`: one query per kind, each stopping at
    `COUNT_CAP + 1`, so a total above `COUNT_CAP` means "more than that"."""
    return sum(qs.order_by()[: COUNT_CAP + 1].count() for qs in _stream_querysets(where).values())


# How each kind's rows are loaded: the related rows an item shows, besides its citations.
_STREAM_RELATED = {
    "status": ("channel__party_a", "channel__party_b"),
    "step": ("engagement__channel__party_a", "engagement__channel__party_b"),
    "statement": ("speaker", "toward"),
    "raised": ("channel__party_a", "channel__party_b"),
    "resolved": ("channel__party_a", "channel__party_b"),
    "claim": (
        "channel__party_a",
        "channel__party_b",
        "office__institution",
        "claimant",
        "counterpart_office__institution",
        "counterpart_person",
    ),
    "characterisation": ("engagement__channel__party_a", "engagement__channel__party_b", "side"),
}


def _channels_of(kind: str, record) -> tuple[Channel, ...]:
    if kind == "statement":
        return tuple(record.channels.all())
    if kind in ("step", "characterisation"):
        return (record.engagement.channel,)
    return (record.channel,)


# The stream's order as sort keys (`events.pagination`): "kind" is a kind's rank, the same on
# all of a kind's rows, so it orders the merge, not the queries.
_STREAM_KEYS = {
    "event": (
        SortKey("stream_day", descending=True, nulls_last=True),
        SortKey("recorded_at", descending=True, nullable=False),
        SortKey("kind"),
        SortKey("pk", descending=True, nullable=False),
    ),
    "recorded": (
        SortKey("changed_at", descending=True, nullable=False),
        SortKey("kind"),
        SortKey("pk", descending=True, nullable=False),
    ),
}


def _stream_ordering(order: str) -> tuple:
    return tuple(key.ordering for key in _STREAM_KEYS[order] if key.name != "kind")


def _stream_key(kind: str, day, recorded_at, changed_at, pk: int, order: str) -> tuple:
    """An item's place in the stream (larger comes first); `StreamItem.sort_key` from values."""
    if order == "recorded":
        return (changed_at, -STREAM_KIND_ORDER[kind], pk)
    return (day or date.min, recorded_at, -STREAM_KIND_ORDER[kind], pk)


def _from_boundary(kind: str, boundary: tuple, order: str) -> Q:
    """The rows of `kind` at or after `boundary` (a `_stream_key`) in the stream's descending
    order: the keyset condition that lets a deep page read only its own rows."""
    if order == "recorded":
        changed_at, rank, pk = boundary
        values: tuple = (changed_at, -rank, pk)
    else:
        day, recorded_at, rank, pk = boundary
        values = (None if day == date.min else day, recorded_at, -rank, pk)
    return beyond(_STREAM_KEYS[order], values, fixed={"kind": STREAM_KIND_ORDER[kind]})


def event_stream(
    where: StreamFilter,
    *,
    limit: int,
    offset: int = 0,
    with_citations: bool = True,
    paged: bool = False,
) -> list[StreamItem]:
    """The stream's items `offset` to `offset + limit`, in `where.order`, each with its channels
    and citations loaded: two queries per kind (three for statements, with their channels),
    plus one per kind for a page (`paged`, or any `offset`), however deep. Without citations
    (a list of links that shows none): one query per kind fewer.

    A page is a bounded merge of per-kind keyset streams: first each kind's sort keys alone (no
    related rows), up to `offset + 1` of them, merged to find the key of the page's first item;
    then each kind's rows from that key on (a keyset condition), at most `limit` of them,
    merged. Page 400 reads 400 pages of keys, not of rows with their sources. The first items
    alone (a feed, the board's latest changes) need no keys; a paged list asks for them on its
    first page too, so that every page runs the same queries."""
    ordering = _stream_ordering(where.order)
    querysets = {
        kind: queryset.order_by(*ordering) for kind, queryset in _stream_querysets(where).items()
    }
    boundary = None
    if paged or offset:
        keys = [
            _stream_key(kind, day, recorded_at, changed_at, pk, order=where.order)
            for kind, queryset in querysets.items()
            for day, recorded_at, changed_at, pk in queryset.values_list(
                "stream_day", "recorded_at", "changed_at", "pk"
            )[: offset + 1]
        ]
        keys.sort(reverse=True)
        if len(keys) <= offset:
            return []  # past the end
        boundary = keys[offset]
    items: list[StreamItem] = []
    for kind, queryset in querysets.items():
        if boundary is not None:
            queryset = queryset.filter(_from_boundary(kind, boundary, where.order))
        rows = queryset.select_related(*_STREAM_RELATED[kind])
        if with_citations:
            rows = rows.prefetch_related(cited())
        if kind == "statement":
            rows = rows.prefetch_related(
                Prefetch("channels", queryset=Channel.objects.with_parties())
            )
        items.extend(
            StreamItem(
                kind,
                record,
                record.stream_day,
                record.recorded_at,
                record.changed_at,
                _channels_of(kind, record),
            )
            for record in rows[:limit]
        )
    items.sort(key=lambda item: item.sort_key(where.order), reverse=True)
    return items[:limit]


# The stream's kinds, each with the path from its rows to their channel.
_STREAM_CHANNEL_PATHS = {
    "status": "channel",
    "step": "engagement__channel",
    "statement": "channels",
    "raised": "channel",
    "resolved": "channel",
    "claim": "channel",
    "characterisation": "engagement__channel",
}


def channels_changed_since(where: StreamFilter) -> set[int]:
    """The ids of the channels with an item in the stream for `where` (give it
    `recorded_since`): one query, a UNION over the kinds."""
    parts = [
        queryset.order_by().values_list(_STREAM_CHANNEL_PATHS[kind], flat=True)
        for kind, queryset in _stream_querysets(where).items()
    ]
    if not parts:
        return set()
    first, *others = parts
    return {pk for pk in first.union(*others).order_by() if pk is not None}
