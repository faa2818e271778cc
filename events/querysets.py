"""Reads: every page starts from one of these QuerySet methods.

The board and channel pages run a fixed number of queries however many rows exist: summaries
are correlated subqueries on one channel query, and related rows come in one prefetch each.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery

from events.pagination import COUNT_CAP


def _models():
    # Imported late: models.py imports this module to attach the managers.
    from events import models as m

    return m


def cited() -> Prefetch:
    """Prefetch a record's citations with their sources (one query per record type)."""
    m = _models()
    return Prefetch("citations", queryset=m.Citation.objects.select_related("source"))


class StatusChangeQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-date_earliest", "-date_latest", "-id")

    def as_of(self, day: date | None):
        """Changes known to have happened by `day`: their latest possible date is on or before
        it. A change dated “3–16 September” is not yet counted on 10 September."""
        return self if day is None else self.filter(date_latest__lte=day)


class EngagementQuerySet(models.QuerySet):
    def with_state_as_of(self, day: date | None):
        """Annotate `state_then`: the lifecycle state on `day`, from the dated steps (the current
        state when `day` is None). Engagements with no step known by then are left out."""
        if day is None:
            return self.annotate(state_then=F("state"))
        m = _models()
        step = m.EngagementTransition.objects.filter(
            engagement=OuterRef("pk"), date_latest__lte=day
        ).order_by("-date_earliest", "-date_latest", "-id")
        return self.annotate(state_then=Subquery(step.values("to_state")[:1])).filter(
            state_then__isnull=False
        )

    def held(self):
        """Held engagements; call after `with_state_as_of`."""
        return self.filter(state_then=_models().EngagementState.HELD)

    def open(self):
        """Proposed, scheduled or postponed engagements; call after `with_state_as_of`."""
        return self.filter(state_then__in=_models().OPEN_ENGAGEMENT_STATES)

    def last_held_first(self):
        return self.order_by(F("when_latest").desc(nulls_last=True), "-when_earliest", "-id")

    def soonest_first(self):
        return self.order_by(F("when_earliest").asc(nulls_last=True), "when_latest", "id")

    def with_details(self):
        m = _models()
        return self.select_related(
            "channel__party_a", "channel__party_b", "initiator"
        ).prefetch_related(
            cited(),
            Prefetch(
                "participations",
                queryset=m.Participation.objects.select_related("actor", "side").prefetch_related(
                    cited()
                ),
            ),
            Prefetch(
                "transitions",
                queryset=m.EngagementTransition.objects.order_by(
                    "date_earliest", "id"
                ).prefetch_related(cited()),
            ),
            Prefetch(
                "characterisations",
                queryset=m.Characterisation.objects.select_related("side").prefetch_related(
                    cited()
                ),
            ),
        )


class StatementQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by(F("said_earliest").desc(nulls_last=True), "-id")

    def as_of(self, day: date | None):
        """Statements known to have been made by `day` (undated ones only without a day)."""
        return self if day is None else self.filter(said_latest__lte=day)

    def with_details(self):
        m = _models()
        return self.select_related("speaker", "toward").prefetch_related(
            cited(),
            Prefetch(
                "interpretations",
                queryset=m.Interpretation.objects.select_related("side").prefetch_related(cited()),
            ),
        )


# A channel page shows this many of the latest statements and past engagements; the lists
# (linked from the page) hold the rest.
RECENT_ITEMS = 10

# The board lists the channels most in trouble first.
BOARD_STATUS_ORDER = ("frozen", "stalled", "limited", "open")


def attach_board_cards(channels: list, as_of: date | None) -> list:
    """Attach `current_status`, `last_contact` and `next_engagement` (objects) to channels
    annotated by `with_board_summary`: two queries plus one for citations."""
    m = _models()
    status_ids = [c.current_status_id for c in channels if c.current_status_id]
    engagement_ids = [
        pk for c in channels for pk in (c.last_contact_id, c.next_engagement_id) if pk
    ]
    statuses = m.StatusChange.objects.in_bulk(status_ids)
    engagements = (
        m.Engagement.objects.with_state_as_of(as_of)
        .select_related("initiator")
        .prefetch_related(cited())
        .in_bulk(engagement_ids)
    )
    for channel in channels:
        channel.current_status = statuses.get(channel.current_status_id)
        channel.last_contact = engagements.get(channel.last_contact_id)
        channel.next_engagement = engagements.get(channel.next_engagement_id)
    return channels


def party_named(word: str) -> Q:
    """Channels one of whose parties has `word` in its name or short name."""
    return (
        Q(party_a__name__icontains=word)
        | Q(party_b__name__icontains=word)
        | Q(party_a__short_name__icontains=word)
        | Q(party_b__short_name__icontains=word)
    )


class ChannelQuerySet(models.QuerySet):
    def with_parties(self):
        return self.select_related("party_a", "party_b")

    def with_board_summary(self, as_of: date | None = None):
        """Annotate each channel with the ids of its current status change, last contact and
        next expected engagement, and its count of open sticking points — one query. With
        `as_of`, each is as it stood on that day."""
        m = _models()
        latest_status = (
            m.StatusChange.objects.filter(channel=OuterRef("pk")).as_of(as_of).newest_first()
        )
        engagements = m.Engagement.objects.filter(channel=OuterRef("pk")).with_state_as_of(as_of)
        last_contact = engagements.held()
        if as_of is not None:
            last_contact = last_contact.filter(when_latest__lte=as_of)
        return self.with_parties().annotate(
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

    def board(self, as_of: date | None = None) -> list:
        """The board's cards: channels with `current_status`, `last_contact` and
        `next_engagement` attached as objects. Four queries, whatever the number of channels."""
        return attach_board_cards(list(self.with_board_summary(as_of)), as_of)

    def with_status_as_of(self, as_of: date | None = None):
        """Annotate `status_now` (the status on `as_of`, today without it; None when no change
        is recorded) and `status_rank` (frozen first, no status last) for filtering, counting
        and grouping the board without the heavier card summary."""
        m = _models()
        latest_status = (
            m.StatusChange.objects.filter(channel=OuterRef("pk")).as_of(as_of).newest_first()
        )
        return self.annotate(status_now=Subquery(latest_status.values("status")[:1])).annotate(
            status_rank=models.Case(
                *(
                    models.When(status_now=value, then=models.Value(rank))
                    for rank, value in enumerate(BOARD_STATUS_ORDER)
                ),
                default=models.Value(len(BOARD_STATUS_ORDER)),
                output_field=models.IntegerField(),
            )
        )

    def on_board(
        self,
        *,
        as_of: date | None = None,
        party=None,
        region: str = "",
        track: str = "",
        status: str = "",
        search: str = "",
    ):
        """The channels the board shows for these filters, with `status_now`/`status_rank`.
        `party`: a state on either side; `region`: either party in that region; `status`: a
        status value, or "none" for channels with no status recorded by then."""
        channels = self.with_status_as_of(as_of)
        if party is not None:
            channels = channels.filter(Q(party_a=party) | Q(party_b=party))
        if region:
            channels = channels.filter(Q(party_a__region=region) | Q(party_b__region=region))
        if track:
            channels = channels.filter(track=track)
        for word in search.split():
            channels = channels.filter(party_named(word))
        if status == "none":
            channels = channels.filter(status_now__isnull=True)
        elif status:
            channels = channels.filter(status_now=status)
        return channels

    def status_tallies(self) -> dict[str, int]:
        """How many of these channels stand at each status ("none": no status recorded); one
        query. Call on `with_status_as_of()`/`on_board()`."""
        tallies = {value: 0 for value in (*BOARD_STATUS_ORDER, "none")}
        for row in self.order_by().values("status_now").annotate(n=Count("pk")):
            tallies[row["status_now"] or "none"] += row["n"]
        return tallies

    def in_board_order(self, group: str = "status"):
        """Grouped by status (frozen first), by track, or alphabetically by parties."""
        by_parties = ("party_a__name", "party_b__name", "track", "pk")
        if group == "status":
            return self.order_by("status_rank", *by_parties)
        if group == "track":
            return self.order_by("track", "party_a__name", "party_b__name", "pk")
        return self.order_by(*by_parties)

    def suggested(self, term: str):
        """Channels whose parties' names or slug contain every word of `term`."""
        channels = self.with_parties()
        for word in term.split():
            channels = channels.filter(party_named(word) | Q(slug__icontains=word))
        return channels.order_by("slug")

    def cards(self, ids: list[int], as_of: date | None = None) -> list:
        """Board cards for the channels `ids`, in that order (five queries)."""
        found = {c.pk: c for c in self.filter(pk__in=ids).with_board_summary(as_of)}
        return attach_board_cards([found[pk] for pk in ids if pk in found], as_of)

    def for_status_board(self, as_of: date | None = None, recent_of: int | None = None):
        """Everything a channel's status board shows, prefetched; with `as_of`, only what was
        known on that day, each engagement and sticking point in the state it then had.

        With `recent_of` (a channel's pk; the queryset must select only that channel), only its
        latest RECENT_ITEMS + 1 statements and past engagements come, newest first: a channel
        followed for years has hundreds, the lists hold them all, and the page shows
        RECENT_ITEMS and knows whether there are more. Open engagements always come whole."""
        m = _models()
        engagements = m.Engagement.objects.with_state_as_of(as_of).with_details()
        statements = m.Statement.objects.as_of(as_of).with_details().newest_first()
        engagement_prefetches = [Prefetch("engagements", queryset=engagements.soonest_first())]
        if recent_of is not None:
            latest_past = (
                m.Engagement.objects.with_state_as_of(as_of)
                .filter(channel=recent_of)
                .exclude(state_then__in=m.OPEN_ENGAGEMENT_STATES)
                .last_held_first()
                .values("pk")[: RECENT_ITEMS + 1]
            )
            latest_statements = (
                m.Statement.objects.as_of(as_of)
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
        return self.with_parties().prefetch_related(
            cited(),
            Prefetch(
                "status_changes",
                queryset=m.StatusChange.objects.as_of(as_of)
                .newest_first()
                .prefetch_related(cited()),
            ),
            *engagement_prefetches,
            Prefetch(
                "counterpart_claims",
                queryset=m.CounterpartClaim.objects.select_related(
                    "office__institution",
                    "claimant",
                    "counterpart_office__institution",
                    "counterpart_person",
                ).prefetch_related(cited()),
            ),
            Prefetch(
                "sticking_points",
                queryset=m.StickingPoint.objects.with_state_as_of(as_of).prefetch_related(
                    cited(),
                    Prefetch("statements", queryset=m.Statement.objects.select_related("speaker")),
                    Prefetch(
                        "counterpart_claims",
                        queryset=m.CounterpartClaim.objects.select_related("claimant", "office"),
                    ),
                ),
            ),
            Prefetch("statements", queryset=statements),
        )


def strip_records(channel_pk: int, *, since: date, as_of: date | None = None) -> tuple:
    """A channel's engagements and statements from `since` on (undated engagements too), loaded
    lightly for its time strip: two queries, the strip's columns only."""
    m = _models()
    engagements = (
        m.Engagement.objects.filter(channel=channel_pk)
        .filter(Q(when_latest__gte=since) | Q(when_latest__isnull=True))
        .only("pk", "kind", "state", "title", "when_earliest", "when_latest", "when_precision")
    )
    statements = (
        m.Statement.objects.as_of(as_of)
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


class StickingPointQuerySet(models.QuerySet):
    @staticmethod
    def open_q(day: date | None, prefix: str = "") -> Q:
        """Open now, or (with `day`) raised by then and not yet resolved."""
        if day is None:
            return Q(**{f"{prefix}state": "open"})
        return Q(**{f"{prefix}raised_latest__lte": day}) & (
            Q(**{f"{prefix}resolved_latest__isnull": True})
            | Q(**{f"{prefix}resolved_latest__gt": day})
        )

    def with_state_as_of(self, day: date | None):
        """Annotate `state_then` (open/resolved on `day`), open ones first."""
        if day is None:
            queryset = self.annotate(state_then=F("state"))
        else:
            queryset = self.filter(raised_latest__lte=day).annotate(
                state_then=models.Case(
                    models.When(resolved_latest__lte=day, then=models.Value("resolved")),
                    default=models.Value("open"),
                    output_field=models.CharField(),
                )
            )
        return queryset.order_by("state_then", "title")


class SourceQuerySet(models.QuerySet):
    def with_citation_count(self):
        return self.annotate(citation_count=Count("citations"))


class ActorQuerySet(models.QuerySet):
    def suggested(self, term: str):
        """Actors whose name or slug contains every word of `term`."""
        actors = self
        for word in term.split():
            actors = actors.filter(Q(name__icontains=word) | Q(slug__icontains=word))
        return actors.order_by("name")

    def for_profile(self):
        """An actor with offices held, engagements taken part in and statements made."""
        m = _models()
        return self.select_related("state", "parent").prefetch_related(
            cited(),
            Prefetch(
                "office_holdings",
                queryset=m.OfficeHolding.objects.select_related("office__institution")
                .prefetch_related(cited())
                .order_by(F("start_earliest").asc(nulls_first=True), "id"),
            ),
            Prefetch(
                "participations",
                queryset=m.Participation.objects.select_related(
                    "engagement__channel__party_a", "engagement__channel__party_b", "side"
                ).order_by(F("engagement__when_earliest").desc(nulls_last=True), "id"),
            ),
            Prefetch("statements", queryset=m.Statement.objects.with_details().newest_first()),
        )


# --- Timeline ----------------------------------------------------------------------------------


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


TIMELINE_KINDS = {
    "status": "Status changes",
    "step": "Engagement steps",
    "statement": "Statements",
}


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
    m = _models()
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
        changes = m.StatusChange.objects.filter(channel_filter("channel"), date_filter("date"))
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
        steps = m.EngagementTransition.objects.filter(
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
        statements = m.Statement.objects.filter(said_earliest__isnull=False).filter(
            date_filter("said")
        )
        if channel is not None or track or party is not None:
            statements = statements.filter(
                pk__in=m.Statement.channels.through.objects.filter(
                    channel_filter("channel")
                ).values("statement")
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
