"""What stands in the way: counterpart claims (who each side holds to be the right counterpart)
and sticking points.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from events.fields import (
    FuzzyDateField,
    begun_by,
    choice_constraint,
    fuzzy_date_constraints,
    not_begun_by,
)
from events.models.actors import Actor, Office
from events.models.channels import Channel
from events.models.engagements import Engagement
from events.models.sources import Citation, CitedModel
from events.models.statements import Statement
from events.vocabularies import ClaimOutcome, StickingPointKind, StickingPointState


class StickingPointQuerySet(models.QuerySet):
    @staticmethod
    def open_q(day: date | None, prefix: str = "") -> Q:
        """Open now, or (with `day`) raised by then and not yet resolved, each date counted from
        its earliest possible day (`events.fields.begun_by`)."""
        if day is None:
            return Q(**{f"{prefix}state": "open"})
        return begun_by("raised", day, prefix=prefix) & not_begun_by("resolved", day, prefix=prefix)

    def with_state_as_of(self, day: date | None):
        """Annotate `state_then` (open/resolved on `day`), open ones first."""
        if day is None:
            queryset = self.annotate(state_then=F("state"))
        else:
            queryset = self.filter(begun_by("raised", day)).annotate(
                state_then=models.Case(
                    models.When(begun_by("resolved", day), then=models.Value("resolved")),
                    default=models.Value("open"),
                    output_field=models.CharField(),
                )
            )
        return queryset.order_by("state_then", "title")


# The `claim` label of the citations that say how a counterpart claim ended (settled or
# superseded): they support the ending, not the claim, so they do not date its start and a page
# as of a day before the ending does not show them.
CLAIM_ENDING_CITATION = "how it ended"


class CounterpartClaimQuerySet(models.QuerySet):
    def with_start(self):
        """Annotate `starts`: the first day the claim counts — the earliest day of `stated`, or,
        when the sources do not say since when, the earliest publication day of the sources
        citing it (the claimant held the view no later than that)."""
        first_reported = (
            Citation.objects.filter(counterpartclaim=OuterRef("pk"))
            .exclude(claim=CLAIM_ENDING_CITATION)
            .order_by("source__published_earliest")
            .values("source__published_earliest")[:1]
        )
        return self.annotate(starts=Coalesce("stated_earliest", Subquery(first_reported)))

    def as_of(self, day: date | None):
        """Claims as they stood on `day`, with `outcome_then`: each counts from its first day
        (`with_start`) and stands until the earliest day of `ended`, the same "earliest possible
        day" rule as status changes. Without a day, every claim as it stands now."""
        if day is None:
            return self.annotate(outcome_then=F("outcome"))
        return (
            self.with_start()
            .filter(starts__lte=day)
            .annotate(
                outcome_then=Case(
                    When(ended_earliest__lte=day, then=F("outcome")),
                    default=Value(ClaimOutcome.STANDING.value),
                    output_field=models.CharField(),
                )
            )
        )


class CounterpartClaim(CitedModel):
    """Who one side holds to be the right counterpart for an office on a channel."""

    Outcome = ClaimOutcome

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
    stated = FuzzyDateField(
        "stated",
        null=True,
        help_text="Since when the claimant is known to hold this view; empty if the sources "
        "do not say (then it counts from the earliest report citing it).",
    )
    outcome = models.CharField(
        max_length=16,
        choices=ClaimOutcome.choices,
        default=ClaimOutcome.STANDING,
        help_text="Whether the claim still stands, was settled (the question was answered) or "
        "superseded (the side now holds another view).",
    )
    ended = FuzzyDateField(
        "ended", null=True, help_text="When it was settled or superseded; empty while standing."
    )
    outcome_note = models.TextField(
        blank=True,
        help_text="How it ended, e.g. 'the call was held with the minister China proposed'.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(
        auto_now=True, help_text="When the record was last saved (feeds report this)."
    )

    objects = CounterpartClaimQuerySet.as_manager()

    class Meta:
        indexes = [
            # "What changed since your last visit" reads the newest saves first.
            models.Index(fields=["changed_at", "id"], name="events_claim_changed"),
        ]
        ordering = ["channel", "office", "claimant__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(counterpart_office__isnull=False) | Q(counterpart_person__isnull=False),
                name="events_counterpartclaim_names_counterpart",
                violation_error_message="Name the counterpart office, person, or both.",
            ),
            # One standing claim per side; ended ones stay as history.
            models.UniqueConstraint(
                fields=["channel", "office", "claimant"],
                condition=Q(outcome="standing"),
                name="events_counterpartclaim_one_standing_per_side",
                violation_error_message="This side already has a standing claim about this "
                "office on this channel; mark it superseded first.",
            ),
            choice_constraint("outcome", ClaimOutcome),
            *fuzzy_date_constraints("stated", null=True),
            *fuzzy_date_constraints("ended", null=True),
            models.CheckConstraint(
                condition=Q(outcome="standing", ended_earliest__isnull=True)
                | (~Q(outcome="standing") & Q(ended_earliest__isnull=False)),
                name="events_counterpartclaim_ended_has_date",
                violation_error_message="A settled or superseded claim needs the date it ended; "
                "a standing one has none.",
            ),
        ]

    def __str__(self) -> str:
        target = self.counterpart_person or self.counterpart_office
        return f"{self.claimant.label}: counterpart of {self.office.title} is {target}"

    @property
    def shown_outcome(self) -> str:
        """The outcome on the day a page shows (`outcome_then` when annotated), else the
        current one."""
        return getattr(self, "outcome_then", None) or self.outcome

    @property
    def is_standing(self) -> bool:
        return self.shown_outcome == ClaimOutcome.STANDING

    @property
    def answer(self) -> tuple[int | None, int | None]:
        """What the claim names, to compare claims: (counterpart office, counterpart person)."""
        return self.counterpart_office_id, self.counterpart_person_id

    def claim_citations(self) -> list[Citation]:
        """The passages behind the claim itself (prefetched citations, no query)."""
        return [c for c in self.citations.all() if c.claim != CLAIM_ENDING_CITATION]

    def ending_citations(self) -> list[Citation]:
        """The passages that say how the claim ended (prefetched citations, no query)."""
        return [c for c in self.citations.all() if c.claim == CLAIM_ENDING_CITATION]

    def clean(self):
        standing = self.outcome == ClaimOutcome.STANDING
        if standing and self.ended is not None:
            raise ValidationError(
                {
                    "ended": "A standing claim has no end date: clear it, or choose settled or "
                    "superseded."
                }
            )
        if not standing and self.ended is None:
            label = (
                ClaimOutcome(self.outcome).label.lower()
                if self.outcome in ClaimOutcome.values
                else "ended"
            )
            raise ValidationError(
                {"ended": f"Give the date the claim was {label} (it may be fuzzy)."}
            )
        if self.stated and self.ended and self.ended.is_before(self.stated):
            raise ValidationError(
                {"ended": f"It cannot end ({self.ended}) before it was stated ({self.stated})."}
            )


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
    # Columns the fuzzy dates add (events.fields), declared for type checkers.
    raised_latest: date | None
    resolved_latest: date | None
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
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(
        auto_now=True, help_text="When the record was last saved (feeds report this)."
    )
    timeline_day = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day the timeline puts it on: the earliest it may have arisen, else the "
        "earliest publication of the sources reporting it (kept by events.summaries).",
    )

    objects = StickingPointQuerySet.as_manager()

    class Meta:
        indexes = [
            # "What changed since your last visit" reads the newest saves first.
            models.Index(fields=["changed_at", "id"], name="events_stickingpoint_changed"),
        ]
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

    @property
    def certain_from(self) -> date | None:
        """The day from which the shown state is certain: the latest possible day of its
        resolution when shown resolved, else of its raising."""
        if self.shown_state == StickingPointState.RESOLVED:
            return self.resolved_latest
        return self.raised_latest

    def clean(self):
        if self.state == StickingPointState.RESOLVED and self.resolved is None:
            raise ValidationError({"resolved": "Give the date it was resolved (it may be fuzzy)."})
        if self.state == StickingPointState.OPEN and self.resolved is not None:
            raise ValidationError({"resolved": "An open sticking point has no resolution date."})
        if self.raised and self.resolved and self.resolved.is_before(self.raised):
            message = f"It cannot be resolved ({self.resolved}) before it arose ({self.raised})."
            raise ValidationError({"resolved": message})
