"""The records of Diplomacy Monitor: who the actors are, which channels link them, what contact
happened or is expected on each, what was said, what stands in the way, and the source behind
every fact.

Each fact model carries `citations` (a generic relation to `Citation`), so any record can be
traced to the passages that support it.
"""

from datetime import date

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse

from events.fields import FuzzyDateField, fuzzy_date_constraints
from events.querysets import (
    ActorQuerySet,
    ChannelQuerySet,
    EngagementQuerySet,
    SourceQuerySet,
    StatementQuerySet,
    StatusChangeQuerySet,
    StickingPointQuerySet,
)


def choice_constraint(field: str, choices: type[models.Choices], *, blank: bool = False):
    """A CheckConstraint that keeps `field` inside its vocabulary, whoever writes the row."""
    allowed = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": allowed}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )


# --- Sources -----------------------------------------------------------------------------------


class SourceKind(models.TextChoices):
    OFFICIAL_READOUT = "official_readout", "Official readout"
    TRANSCRIPT = "transcript", "Official transcript"
    OFFICIAL_STATEMENT = "official_statement", "Official statement or profile"
    MAJOR_OUTLET = "major_outlet", "Major outlet citing officials"
    SECONDARY_REPORT = "secondary_report", "Secondary report"
    OTHER = "other", "Other"


class Source(models.Model):
    """A document facts come from: a news report, an official readout, a transcript…"""

    Kind = SourceKind

    kind = models.CharField(
        max_length=32,
        choices=Kind.choices,
        help_text="What kind of document this is; analysts weigh kinds differently.",
    )
    outlet = models.CharField(
        max_length=200,
        help_text="Publisher or issuing body, e.g. 'Nikkei Asia', 'US State Department'.",
    )
    title = models.CharField(max_length=400, help_text="Headline or document title.")
    url = models.URLField(
        blank=True, max_length=1000, help_text="Address of the document, if known."
    )
    published = FuzzyDateField(
        "published",
        help_text="When the document was published; a range when only inferred from its content.",
    )
    relays = models.CharField(
        max_length=300,
        blank=True,
        help_text="Whom the document names as its source, e.g. 'Nikkei Asia, citing officials'.",
    )
    notes = models.TextField(
        blank=True, help_text="Editor's notes, e.g. how the date was established."
    )
    text = models.TextField(
        blank=True,
        help_text="The document's text as pasted into the intake, for checking quotes against it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["kind"], name="events_source_kind"),
            models.Index(fields=["outlet"], name="events_source_outlet"),
        ]
        ordering = ["-published_earliest", "outlet"]
        constraints = [
            choice_constraint("kind", SourceKind),
            models.UniqueConstraint(
                fields=["outlet", "title"], name="events_source_unique_outlet_title"
            ),
            *fuzzy_date_constraints("published"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.title}"


class Citation(models.Model):
    """One source passage supporting one fact (any record with a `citations` relation)."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", help_text="The document cited."
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    fact = GenericForeignKey("content_type", "object_id")
    passage = models.TextField(
        help_text="The supporting passage: verbatim when quoted, else the editor's summary."
    )
    passage_is_verbatim = models.BooleanField(
        "verbatim",
        default=False,
        help_text="Ticked when the passage reproduces the source's own words.",
    )
    locator = models.CharField(
        max_length=100, blank=True, help_text="Where in the source, e.g. 'para. 4' or 'p. 2'."
    )
    claim = models.CharField(
        max_length=200,
        blank=True,
        help_text="Which part of the fact this supports, if not all (e.g. 'date and venue').",
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="events_citation_fact")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(passage=""),
                name="events_citation_passage_required",
                violation_error_message="Give the passage of the source that supports this.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.outlet} — {self.passage[:60]}"


class CitedModel(models.Model):
    """A fact: something that must be traced to at least one source passage."""

    citations = GenericRelation(Citation, related_query_name="%(class)s")

    class Meta:
        abstract = True


# --- Actors and offices ------------------------------------------------------------------------


class ActorKind(models.TextChoices):
    STATE = "state", "State"
    INSTITUTION = "institution", "Institution"
    PERSON = "person", "Person"


class Region(models.TextChoices):
    """World regions for grouping and filtering states on the board."""

    NORTH_AMERICA = "north_america", "North America"
    LATIN_AMERICA = "latin_america", "Latin America and the Caribbean"
    EUROPE = "europe", "Europe"
    MIDDLE_EAST = "middle_east", "Middle East and North Africa"
    AFRICA = "africa", "Sub-Saharan Africa"
    CENTRAL_ASIA = "central_asia", "Central Asia"
    SOUTH_ASIA = "south_asia", "South Asia"
    EAST_ASIA = "east_asia", "East Asia"
    SOUTHEAST_ASIA = "southeast_asia", "Southeast Asia"
    OCEANIA = "oceania", "Oceania"


class Actor(CitedModel):
    """A state, an institution (ministry, military body, embassy, forum organiser) or a person."""

    Kind = ActorKind

    kind = models.CharField(
        max_length=16, choices=Kind.choices, help_text="State, institution or person."
    )
    name = models.CharField(max_length=200, help_text="Full name as analysts know it.")
    short_name = models.CharField(
        max_length=100, blank=True, help_text="Short form for cards and tables, e.g. 'US', 'PLA'."
    )
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Stable identifier used in URLs."
    )
    aliases = models.TextField(
        blank=True, help_text="Other names and spellings, one per line (used by search)."
    )
    state = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": "state"},
        help_text="The state this institution or person belongs to. Empty for states.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind__in": ["state", "institution"]},
        help_text="For institutions: the body it is part of.",
    )
    region = models.CharField(
        max_length=16,
        choices=Region.choices,
        blank=True,
        help_text="For states: the world region, used to group and filter the board.",
    )
    description = models.TextField(blank=True, help_text="One or two lines of context.")

    objects = ActorQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["kind", "name"], name="events_actor_kind_name"),
            models.Index(fields=["name"], name="events_actor_name"),
            models.Index(fields=["region"], name="events_actor_region"),
        ]
        ordering = ["name"]
        constraints = [
            choice_constraint("kind", ActorKind),
            choice_constraint("region", Region, blank=True),
            models.CheckConstraint(
                condition=Q(kind="state") | Q(region=""),
                name="events_actor_region_only_for_states",
                violation_error_message="Only states have a region; institutions and people "
                "take theirs from their state.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="state") | Q(state__isnull=True, parent__isnull=True),
                name="events_actor_state_has_no_parent",
            ),
            models.CheckConstraint(
                condition=~Q(state=F("id")) & ~Q(parent=F("id")),
                name="events_actor_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:actor_detail", args=[self.slug])

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def counterpart_claims_about(self):
        """Counterpart claims that concern this actor: about an office it holds or held, or
        naming it (or such an office) as the counterpart."""
        offices = OfficeHolding.objects.filter(person=self).values("office")
        return (
            CounterpartClaim.objects.filter(
                Q(office__in=offices)
                | Q(counterpart_office__in=offices)
                | Q(counterpart_person=self)
                | Q(office__institution=self)
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


class Office(CitedModel):
    """A post within an institution, e.g. 'Secretary of Defense' of the US Department of Defense."""

    title = models.CharField(
        max_length=200, help_text="The post's title, e.g. 'Minister of National Defense'."
    )
    institution = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="offices",
        limit_choices_to={"kind": "institution"},
        help_text="The institution the office belongs to.",
    )
    description = models.TextField(blank=True, help_text="What the office is, if not obvious.")

    class Meta:
        ordering = ["institution__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "title"], name="events_office_unique_title_per_institution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.institution.label})"


class OfficeHolding(CitedModel):
    """A person holding an office for a period; a person may hold several offices at once."""

    person = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="office_holdings",
        limit_choices_to={"kind": "person"},
        help_text="Who holds the office.",
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="holdings", help_text="The office held."
    )
    start = FuzzyDateField("start", null=True, help_text="When the person took office, if known.")
    end = FuzzyDateField(
        "end", null=True, help_text="When the person left office; empty while in office."
    )

    class Meta:
        ordering = ["start_earliest"]
        constraints = [
            *fuzzy_date_constraints("start", null=True),
            *fuzzy_date_constraints("end", null=True),
            models.CheckConstraint(
                condition=Q(start_earliest__isnull=True)
                | Q(end_latest__isnull=True)
                | Q(start_earliest__lte=F("end_latest")),
                name="events_officeholding_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.office}"

    def clean(self):
        if self.start and self.end and self.end.is_before(self.start):
            raise ValidationError(
                {"end": f"The end ({self.end}) is before the start ({self.start})."}
            )


# --- Channels and their status -----------------------------------------------------------------


class Track(models.TextChoices):
    MILITARY = "military", "Military-to-military"
    DIPLOMATIC = "diplomatic", "Diplomatic"
    LEADERS = "leaders", "Leaders (summit)"
    ECONOMIC = "economic", "Economic"
    MULTILATERAL = "multilateral", "Multilateral forum"


class ChannelStatus(models.TextChoices):
    """How a channel stands. Each value has a badge label, symbol and colour (see `BADGES`)."""

    OPEN = "open", "Open"
    LIMITED = "limited", "Limited"
    STALLED = "stalled", "Stalled"
    FROZEN = "frozen", "Frozen"


class Trend(models.TextChoices):
    IMPROVING = "improving", "Improving"
    UNCHANGED = "unchanged", "Unchanged"
    DETERIORATING = "deteriorating", "Deteriorating"


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


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

    # The helpers below read prefetched rows (see ChannelQuerySet.for_status_board).

    @property
    def current_status_change(self) -> "StatusChange | None":
        changes = list(self.status_changes.all())
        return changes[0] if changes else None

    def upcoming_engagements(self) -> list["Engagement"]:
        if hasattr(self, "open_engagements"):  # for_status_board(recent=…)
            return self.open_engagements
        return [e for e in self.engagements.all() if e.is_open]

    def past_engagements(self) -> list["Engagement"]:
        if hasattr(self, "recent_past_engagements"):  # for_status_board(recent=…)
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
        """Claims grouped by the office in question; disputed when the sides name different
        counterparts."""
        groups: dict[int, dict] = {}
        for claim in self.counterpart_claims.all():
            group = groups.setdefault(claim.office_id, {"office": claim.office, "claims": []})
            group["claims"].append(claim)
        for group in groups.values():
            answers = {(c.counterpart_office_id, c.counterpart_person_id) for c in group["claims"]}
            group["disputed"] = len(answers) > 1
        return list(groups.values())


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
    explanation = models.TextField(help_text="Why the status is what it is, in a sentence or two.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        indexes = [
            # The board's "current status": the newest change of each channel.
            models.Index(
                F("channel"),
                F("date_earliest").desc(),
                F("date_latest").desc(),
                F("id").desc(),
                name="events_statuschange_newest",
            ),
            models.Index(fields=["recorded_at"], name="events_statuschange_recorded"),
        ]
        ordering = ["channel", "-date_earliest", "-date_latest", "-id"]
        get_latest_by = ["date_earliest", "date_latest", "id"]
        constraints = [
            choice_constraint("status", ChannelStatus),
            choice_constraint("trend", Trend),
            choice_constraint("confidence", Confidence),
            *fuzzy_date_constraints("date"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_status_display()} ({self.date})"


# --- Engagements -------------------------------------------------------------------------------


class EngagementKind(models.TextChoices):
    PHONE_CALL = "phone_call", "Phone call"
    VIDEO_CALL = "video_call", "Video call"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Visit"
    SUMMIT = "summit", "Summit"
    FORUM = "forum", "Forum attendance"
    DIALOGUE_ROUND = "dialogue_round", "Dialogue round"


class EngagementState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    DECLINED = "declined", "Declined"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


# The lifecycle, as data: which states an engagement may move to from each state. "" is the
# state before the first record. Held, declined and cancelled are final.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    "": {EngagementState.PROPOSED, EngagementState.SCHEDULED, EngagementState.HELD},
    EngagementState.PROPOSED: {
        EngagementState.SCHEDULED,
        EngagementState.HELD,
        EngagementState.DECLINED,
        EngagementState.POSTPONED,
        EngagementState.CANCELLED,
    },
    EngagementState.SCHEDULED: {
        EngagementState.HELD,
        EngagementState.POSTPONED,
        EngagementState.CANCELLED,
    },
    EngagementState.POSTPONED: {
        EngagementState.SCHEDULED,
        EngagementState.CANCELLED,
    },
    EngagementState.HELD: set(),
    EngagementState.DECLINED: set(),
    EngagementState.CANCELLED: set(),
}

OPEN_ENGAGEMENT_STATES = [
    EngagementState.PROPOSED,
    EngagementState.SCHEDULED,
    EngagementState.POSTPONED,
]


class Engagement(CitedModel):
    """A contact on a channel — call, meeting, visit, summit, forum — and where it stands."""

    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        related_name="engagements",
        help_text="The channel it is on.",
    )
    kind = models.CharField(
        max_length=16, choices=EngagementKind.choices, help_text="Form of contact."
    )
    title = models.CharField(
        max_length=300, help_text="Short description, e.g. 'Hegseth–Zhang call'."
    )
    state = models.CharField(
        max_length=16,
        choices=EngagementState.choices,
        editable=False,
        help_text="Current lifecycle state; changed only by recording a transition.",
    )
    when = FuzzyDateField(
        "when", null=True, help_text="When it took place, or is expected to take place."
    )
    location = models.CharField(max_length=200, blank=True, help_text="City or venue, if known.")
    initiator = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiated_engagements",
        limit_choices_to={"kind": "state"},
        help_text="The party that proposed it, if known.",
    )
    purpose = models.TextField(
        blank=True, help_text="What it is for or expected to lead to, as the sources put it."
    )
    significance = models.TextField(
        blank=True, help_text="Why it matters, e.g. 'first high-level exchange since …'."
    )

    objects = EngagementQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["channel", "state"], name="events_engagement_chan_state"),
            models.Index(fields=["state"], name="events_engagement_state"),
            models.Index(fields=["kind"], name="events_engagement_kind"),
            models.Index(fields=["title"], name="events_engagement_title"),
        ]
        ordering = ["when_earliest", "id"]
        constraints = [
            choice_constraint("kind", EngagementKind),
            choice_constraint("state", EngagementState),
            *fuzzy_date_constraints("when", null=True),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_state(self) -> str:
        """The state on the day a page shows (`state_then` when annotated), else the current."""
        return getattr(self, "state_then", None) or self.state

    @property
    def is_open(self) -> bool:
        return self.shown_state in OPEN_ENGAGEMENT_STATES

    def date_warnings(self) -> list[str]:
        """Dates that cannot be right: an expected date before the report that forecast it.
        Uses prefetched citations (no query when they are prefetched)."""
        if self.when is None or not self.is_open:
            return []
        warnings = []
        for citation in self.citations.all():
            published = citation.source.published
            if self.when.is_before(published):
                warnings.append(
                    f"Expected date {self.when} lies before the report that forecast it "
                    f"({citation.source.outlet}, {published})."
                )
        return warnings


class EngagementTransition(CitedModel):
    """One dated, sourced step in an engagement's lifecycle."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="transitions",
        help_text="The engagement.",
    )
    from_state = models.CharField(
        max_length=16,
        choices=EngagementState.choices,
        blank=True,
        help_text="State before; empty for the first record.",
    )
    to_state = models.CharField(
        max_length=16, choices=EngagementState.choices, help_text="State after."
    )
    date = FuzzyDateField("date", help_text="When the step happened (or was reported).")
    note = models.TextField(blank=True, help_text="What happened, in a line.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # An engagement's state on a day: its newest step by then.
            models.Index(
                F("engagement"),
                F("date_earliest").desc(),
                F("date_latest").desc(),
                F("id").desc(),
                name="events_transition_newest",
            ),
            models.Index(fields=["recorded_at"], name="events_transition_recorded"),
        ]
        ordering = ["date_earliest", "id"]
        constraints = [
            # The lifecycle itself: the database refuses a step the lifecycle does not allow.
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(from_state=source, to_state__in=sorted(targets))
                        for source, targets in ALLOWED_TRANSITIONS.items()
                        if targets
                    ],
                    _connector=Q.OR,
                ),
                name="events_engagementtransition_allowed",
                violation_error_message="The engagement lifecycle does not allow this step.",
            ),
            *fuzzy_date_constraints("date"),
        ]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.from_state or 'new'} → {self.to_state}"


class ParticipationRole(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    DELEGATION = "delegation", "Delegation member"
    ATTACHE = "attache", "Attaché"
    HOST = "host", "Host"
    OBSERVER = "observer", "Observer"


class Attendance(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    TENTATIVE = "tentative", "Considering / tentative"
    SOUGHT = "sought", "Sought by the other side"
    DECLINED = "declined", "Declined"


class Participation(CitedModel):
    """An actor taking part in an engagement, on one side, in a role."""

    Role = ParticipationRole

    Attendance = Attendance

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="participations",
        help_text="The engagement.",
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="participations", help_text="Who takes part."
    )
    side = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "state"},
        help_text="Which of the channel's parties they represent.",
    )
    role = models.CharField(max_length=16, choices=Role.choices, help_text="Their role.")
    attendance = models.CharField(
        max_length=16,
        choices=Attendance.choices,
        default=Attendance.CONFIRMED,
        help_text="Whether their taking part is confirmed.",
    )

    class Meta:
        ordering = ["engagement", "side__name", "role", "actor__name"]
        constraints = [
            choice_constraint("role", ParticipationRole),
            choice_constraint("attendance", Attendance),
            models.UniqueConstraint(
                fields=["engagement", "actor"], name="events_participation_unique_actor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()}, {self.side.label})"

    def clean(self):
        if not (self.engagement_id and self.side_id):
            return
        channel = self.engagement.channel
        if self.side_id not in (channel.party_a_id, channel.party_b_id):
            raise ValidationError(
                {
                    "side": f"{self.side} is not a party to {channel}; choose "
                    f"{channel.party_a.label} or {channel.party_b.label}."
                }
            )


class Characterisation(CitedModel):
    """A side's own description of a held engagement, e.g. 'constructive and pragmatic'."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="characterisations",
        help_text="The engagement described.",
    )
    side = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "state"},
        help_text="Whose description it is.",
    )
    words = models.CharField(max_length=300, help_text="The description, verbatim.")

    class Meta:
        ordering = ["engagement", "side__name"]

    def __str__(self) -> str:
        return f"“{self.words}” ({self.side.label})"


# --- Statements --------------------------------------------------------------------------------


class Stance(models.TextChoices):
    CONCILIATORY = "conciliatory", "Conciliatory"
    COOPERATIVE = "cooperative", "Cooperative"
    NEUTRAL = "neutral", "Neutral"
    CRITICAL = "critical", "Critical"
    HOSTILE = "hostile", "Hostile"


class Statement(CitedModel):
    """Words attributed to an actor: a verbatim quote or a marked paraphrase."""

    speaker = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="statements", help_text="Who said it."
    )
    text = models.TextField(help_text="The words: verbatim, or a paraphrase marked as such.")
    is_verbatim = models.BooleanField(
        "verbatim", default=True, help_text="Unticked when the text is a paraphrase."
    )
    said = FuzzyDateField("said", null=True, help_text="When it was said, if known.")
    venue = models.CharField(max_length=200, blank=True, help_text="Where it was said, if known.")
    stance = models.CharField(
        max_length=16, choices=Stance.choices, help_text="Tone toward the other party."
    )
    toward = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_about",
        help_text="The party the stance is toward.",
    )
    channels = models.ManyToManyField(
        Channel, related_name="statements", blank=True, help_text="Channels it bears on."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        indexes = [
            # The list's default order, newest first and undated last, has an index of its own
            # per database (migration 0008): SQLite cannot write NULLS LAST in an index.
            models.Index(fields=["speaker", "said_earliest"], name="events_statement_by_speaker"),
            models.Index(fields=["stance"], name="events_statement_stance"),
            models.Index(fields=["recorded_at"], name="events_statement_recorded"),
        ]
        ordering = ["-said_earliest", "id"]
        constraints = [
            choice_constraint("stance", Stance),
            models.CheckConstraint(condition=~Q(text=""), name="events_statement_text_required"),
            *fuzzy_date_constraints("said", null=True),
        ]

    def __str__(self) -> str:
        quote = self.text if len(self.text) < 70 else self.text[:67] + "…"
        return f"{self.speaker.label}: “{quote}”"


class Emphasis(models.TextChoices):
    HIGHLIGHTS = "highlights", "Highlights"
    FOCUSES_ON = "focuses_on", "Focuses on as the real message"
    DOWNPLAYS = "downplays", "Downplays"
    DISPUTES = "disputes", "Disputes"


class Interpretation(CitedModel):
    """How one side reads a statement: what it emphasises, and how."""

    Emphasis = Emphasis

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="interpretations",
        help_text="The statement read.",
    )
    side = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "state"},
        help_text="Whose reading this is.",
    )
    emphasis = models.CharField(
        max_length=16, choices=Emphasis.choices, help_text="What the side does with it."
    )
    reading = models.TextField(help_text="The side's reading, in the editor's words.")

    class Meta:
        ordering = ["statement", "side__name"]
        constraints = [
            choice_constraint("emphasis", Emphasis),
            models.UniqueConstraint(
                fields=["statement", "side"],
                name="events_interpretation_one_per_side",
                violation_error_message="This side's reading of the statement is already recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side.label} {self.get_emphasis_display().lower()}: {self.statement}"


# --- Obstacles ---------------------------------------------------------------------------------


class CounterpartClaim(CitedModel):
    """Who one side holds to be the right counterpart for an office on a channel."""

    channel = models.ForeignKey(
        Channel,
        on_delete=models.CASCADE,
        related_name="counterpart_claims",
        help_text="The channel where the question arises.",
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="counterpart_claims",
        help_text="The office whose counterpart is in question.",
    )
    claimant = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "state"},
        help_text="The side making the claim.",
    )
    counterpart_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_as_counterpart",
        help_text="The office the claimant sees as the counterpart.",
    )
    counterpart_person = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_as_counterpart",
        limit_choices_to={"kind": "person"},
        help_text="The person the claimant sees as the counterpart, when it is about a person.",
    )
    rationale = models.TextField(blank=True, help_text="Why the claimant holds this view.")

    class Meta:
        ordering = ["channel", "office", "claimant__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(counterpart_office__isnull=False) | Q(counterpart_person__isnull=False),
                name="events_counterpartclaim_names_counterpart",
                violation_error_message="Name the counterpart office, person, or both.",
            ),
            models.UniqueConstraint(
                fields=["channel", "office", "claimant"],
                name="events_counterpartclaim_one_per_side",
            ),
        ]

    def __str__(self) -> str:
        target = self.counterpart_person or self.counterpart_office
        return f"{self.claimant.label}: counterpart of {self.office.title} is {target}"


class StickingPointKind(models.TextChoices):
    REMARK = "remark", "Remark"
    COUNTERPART_DISPUTE = "counterpart_dispute", "Counterpart dispute"
    SANCTION = "sanction", "Sanction"
    INCIDENT = "incident", "Incident"
    OTHER = "other", "Other"


class StickingPointState(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class StickingPoint(CitedModel):
    """A named obstacle on a channel, open or resolved, linked to the records that make it up."""

    Kind = StickingPointKind

    State = StickingPointState

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="sticking_points", help_text="The channel."
    )
    title = models.CharField(max_length=200, help_text="Name of the obstacle.")
    kind = models.CharField(max_length=24, choices=Kind.choices, help_text="What kind of obstacle.")
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.OPEN, help_text="Open or resolved."
    )
    description = models.TextField(help_text="What the obstacle is and how it blocks the channel.")
    raised = FuzzyDateField("raised", null=True, help_text="Since when it stands in the way.")
    resolved = FuzzyDateField("resolved", null=True, help_text="When it was resolved.")
    statements = models.ManyToManyField(
        Statement, blank=True, related_name="sticking_points", help_text="Statements it is made of."
    )
    counterpart_claims = models.ManyToManyField(
        CounterpartClaim,
        blank=True,
        related_name="sticking_points",
        help_text="Counterpart claims it is made of.",
    )
    engagements = models.ManyToManyField(
        Engagement, blank=True, related_name="sticking_points", help_text="Engagements it blocks."
    )

    objects = StickingPointQuerySet.as_manager()

    class Meta:
        ordering = ["channel", "state", "title"]
        constraints = [
            choice_constraint("kind", StickingPointKind),
            choice_constraint("state", StickingPointState),
            *fuzzy_date_constraints("raised", null=True),
            *fuzzy_date_constraints("resolved", null=True),
            models.CheckConstraint(
                condition=Q(state="open", resolved_earliest__isnull=True)
                | Q(state="resolved", resolved_earliest__isnull=False),
                name="events_stickingpoint_resolved_has_date",
                violation_error_message="A resolved sticking point needs a resolution date; "
                "an open one has none.",
            ),
            models.UniqueConstraint(
                fields=["channel", "title"], name="events_stickingpoint_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_state(self) -> str:
        return getattr(self, "state_then", None) or self.state

    def clean(self):
        if self.state == StickingPointState.RESOLVED and self.resolved is None:
            raise ValidationError({"resolved": "Give the date it was resolved (it may be fuzzy)."})
        if self.state == StickingPointState.OPEN and self.resolved is not None:
            raise ValidationError({"resolved": "An open sticking point has no resolution date."})
        if self.raised and self.resolved and self.resolved.is_before(self.raised):
            message = f"It cannot be resolved ({self.resolved}) before it arose ({self.raised})."
            raise ValidationError({"resolved": message})


# --- Search ------------------------------------------------------------------------------------


class SearchEntry(models.Model):
    """The searchable text of one record (statement, engagement, source, actor), kept in step
    with the record by `events.search`. PostgreSQL searches it through a GIN full-text index,
    SQLite through an FTS5 table; both behind `events.search.search()`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=400, help_text="How the hit is named in results.")
    body = models.TextField(help_text="All searchable text of the record, one string.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="events_searchentry_one_per_record"
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Cache invalidation --------------------------------------------------------------------------


class DataVersion(models.Model):
    """One row whose number changes after every committed change to the records (see
    `events.caching`). Cached pages are keyed by it, so no page outlives the data it shows;
    kept in the database so every app server, whatever its cache, sees the same number."""

    version = models.BigIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="events_dataversion_single_row"),
        ]

    def __str__(self) -> str:
        return f"data version {self.version}"
