"""Channels and their status: a line of contact between two parties on one track, and its dated
status history.
"""

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, Least, NullIf
from django.urls import reverse

from events.fields import FuzzyDateField, choice_constraint, fuzzy_date_constraints
from events.models.actors import Actor
from events.models.sources import CitedModel
from events.vocabularies import (
    BOARD_STATUS_ORDER,
    ChannelStatus,
    Confidence,
    StickingPointState,
    Track,
    Trend,
)

if TYPE_CHECKING:
    import datetime

    from events.models.engagements import Engagement
    from events.models.obstacles import StickingPoint


class StatusChangeQuerySet(models.QuerySet):
    def newest_first(self):
        """In the order the board shows them (events.periods), the current one first."""
        return self.order_by("-shown_from", "-date_earliest", "-date_latest", "-id")

    def as_of(self, day: date | None):
        """Changes the board counts by `day`: each from its earliest possible day (or the day
        `events.periods` moves it to). One dated “3–16 September” counts on 10 September,
        marked as possibly not yet in effect."""
        return self if day is None else self.filter(shown_from__lte=day)


def either_party(party, *, prefix: str = "") -> Q:
    """Channels (or, with `prefix` such as "channel__", records on channels) one of whose two
    parties is `party`: the one place this condition is written."""
    return Q(**{f"{prefix}party_a": party}) | Q(**{f"{prefix}party_b": party})


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

    def with_status_as_of(self, as_of: date | None = None):
        """Annotate `status_now` (the status on `as_of`, today without it; None when no change
        is recorded) and `status_rank` (frozen first, no status last) for filtering, counting
        and grouping the board without the heavier card summary. Today's status is read from the
        board's read model (`events.summaries`), a past day's from the status changes."""
        if as_of is None:
            return self.annotate(
                status_now=NullIf(F("board_summary__status"), models.Value("")),
                status_rank=Coalesce(
                    F("board_summary__status_rank"), models.Value(len(BOARD_STATUS_ORDER))
                ),
            )
        latest_status = (
            StatusChange.objects.filter(channel=OuterRef("pk")).as_of(as_of).newest_first()
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
            channels = channels.filter(either_party(party))
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
        tallies = dict.fromkeys((*BOARD_STATUS_ORDER, "none"), 0)
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


class Channel(CitedModel):
    """A line of contact between two parties on one track, e.g. US–China military-to-military."""

    party_a = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="channels_as_a",
        limit_choices_to={"kind": "state"},
        help_text="One party (shown first).",
    )
    party_b = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="channels_as_b",
        limit_choices_to={"kind": "state"},
        help_text="The other party.",
    )
    track = models.CharField(max_length=16, choices=Track.choices, help_text="The kind of contact.")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Stable identifier used in URLs."
    )
    summary = models.TextField(blank=True, help_text="What this channel covers, in a line or two.")

    objects = ChannelQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["track"], name="events_channel_track"),
        ]
        ordering = ["party_a__name", "party_b__name", "track"]
        constraints = [
            choice_constraint("track", Track),
            models.CheckConstraint(
                condition=~Q(party_a=F("party_b")),
                name="events_channel_parties_distinct",
                violation_error_message="A channel links two different parties.",
            ),
            # One channel per unordered pair and track: US–China and China–US are the same line.
            models.UniqueConstraint(
                Least("party_a", "party_b"),
                Greatest("party_a", "party_b"),
                "track",
                name="events_channel_unique_pair_track",
                violation_error_message="These two parties already have a channel on this track.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_a.label}–{self.party_b.label} {self.get_track_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("events:channel_detail", args=[self.slug])

    def has_party(self, actor) -> bool:
        """Whether `actor` (an Actor or its pk) is one of the channel's two parties."""
        pk = getattr(actor, "pk", actor)
        return pk is not None and pk in (self.party_a_id, self.party_b_id)

    # The helpers below read prefetched rows (see `events.selectors.channel_status_board`).

    @property
    def current_status_change(self) -> "StatusChange | None":
        changes = list(self.status_changes.all())
        return changes[0] if changes else None

    def upcoming_engagements(self) -> list["Engagement"]:
        if hasattr(self, "open_engagements"):  # channel_status_board(recent_of=…)
            return self.open_engagements
        return [e for e in self.engagements.all() if e.is_open]

    def past_engagements(self) -> list["Engagement"]:
        if hasattr(self, "recent_past_engagements"):  # channel_status_board(recent_of=…)
            return self.recent_past_engagements
        past = [e for e in self.engagements.all() if not e.is_open]
        return sorted(past, key=lambda e: e.when_latest or date.min, reverse=True)

    def open_sticking_points(self) -> list["StickingPoint"]:
        return [p for p in self.sticking_points.all() if p.shown_state == StickingPointState.OPEN]

    def resolved_sticking_points(self) -> list["StickingPoint"]:
        return [
            p for p in self.sticking_points.all() if p.shown_state == StickingPointState.RESOLVED
        ]

    def counterpart_questions(self) -> list[dict]:
        """Claims grouped by the office in question (from the prefetched claims, as of the
        page's day: see `CounterpartClaimQuerySet.as_of`). `claims` are those standing then and
        `ended` those settled or superseded by then (history, not a live dispute); the question
        is `disputed` while the standing claims name different counterparts."""
        groups: dict[int, dict] = {}
        for claim in self.counterpart_claims.all():
            group = groups.setdefault(
                claim.office_id, {"office": claim.office, "claims": [], "ended": []}
            )
            group["claims" if claim.is_standing else "ended"].append(claim)
        for group in groups.values():
            group["disputed"] = len({c.answer for c in group["claims"]}) > 1
        return list(groups.values())

    def disputed_questions(self) -> list[dict]:
        """The counterpart questions disputed on the page's day (prefetched claims)."""
        return [question for question in self.counterpart_questions() if question["disputed"]]


class StatusChange(CitedModel):
    """A dated, explained, sourced change in a channel's status. The history is the data."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="status_changes", help_text="The channel."
    )
    status = models.CharField(
        max_length=16, choices=ChannelStatus.choices, help_text="The new status."
    )
    trend = models.CharField(
        max_length=16,
        choices=Trend.choices,
        default=Trend.UNCHANGED,
        help_text="Direction of travel as assessed at this change.",
    )
    confidence = models.CharField(
        max_length=8,
        choices=Confidence.choices,
        default=Confidence.MEDIUM,
        help_text="How sure the assessment is, given the sources.",
    )
    date = FuzzyDateField("date", help_text="When the channel took this status.")
    # Columns the fuzzy date adds (events.fields), declared for type checkers.
    date_earliest: "datetime.date"
    date_latest: "datetime.date"
    explanation = models.TextField(help_text="Why the status is what it is, in a sentence or two.")
    shown_from = models.DateField(
        editable=False,
        help_text="First day the board shows this status as current: its earliest possible day, "
        "or the day after an earlier status sharing that day (see docs/dates.md).",
    )
    overlap_reason = models.TextField(
        blank=True,
        help_text="Why the date is kept although it falls inside another status's date range.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(
        auto_now=True, help_text="When the record was last saved (feeds report this)."
    )

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        indexes = [
            # "What changed since your last visit" reads the newest saves first.
            models.Index(fields=["changed_at", "id"], name="events_statuschange_changed"),
            # The board's "current status": the newest change of each channel.
            models.Index(
                F("channel"),
                F("date_earliest").desc(),
                F("date_latest").desc(),
                F("id").desc(),
                name="events_statuschange_newest",
            ),
            # The board's status on a day: the newest shown by then.
            models.Index(
                F("channel"),
                F("shown_from").desc(),
                F("date_earliest").desc(),
                F("date_latest").desc(),
                F("id").desc(),
                name="events_statuschange_shown",
            ),
            models.Index(fields=["recorded_at"], name="events_statuschange_recorded"),
        ]
        ordering = ["channel", "-shown_from", "-date_earliest", "-date_latest", "-id"]
        get_latest_by = ["shown_from", "date_earliest", "date_latest", "id"]
        constraints = [
            choice_constraint("status", ChannelStatus),
            choice_constraint("trend", Trend),
            choice_constraint("confidence", Confidence),
            *fuzzy_date_constraints("date"),
        ]
        verbose_name = "status change"
        verbose_name_plural = "status changes"

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_status_display()} ({self.date})"

    @property
    def certain_from(self) -> "datetime.date":
        """The day from which the status is certainly in force (before it, from `shown_from`
        on, the pages say it possibly was not yet)."""
        return self.date_latest

    def save(self, *args, **kwargs):
        # A first guess; the services set every status's day on the channel together
        # (services.status_periods_refresh), since one status can move another's.
        if self.shown_from is None:
            self.shown_from = self.date_earliest
        super().save(*args, **kwargs)
