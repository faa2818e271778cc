"""Engagements: contacts on a channel (calls, meetings, visits, summits, forums), their dated
lifecycle steps, who takes part on which side, and how each side characterised them.
"""

import datetime
from datetime import date

from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery

from events.fields import FuzzyDateField, begun_by, choice_constraint, fuzzy_date_constraints
from events.models.actors import Actor
from events.models.channels import Channel
from events.models.sources import CitedModel, cited, reported_by
from events.vocabularies import (
    ALLOWED_TRANSITIONS,
    ATTENDANCE_OUTCOMES,
    OPEN_ENGAGEMENT_STATES,
    Attendance,
    EngagementKind,
    EngagementState,
    ParticipationRole,
)


class EngagementQuerySet(models.QuerySet):
    def with_state_as_of(self, day: date | None, *, filtered_by_state: bool = False):
        """Annotate `state_then`, the lifecycle state on `day` (the current state when `day` is
        None), and `state_then_latest`, the latest possible day of the step that gave it.
        Engagements with no step begun by then are left out — by the caller's own filter on
        the state when it says it has one (`filtered_by_state`, then `held()` or `open()`):
        PostgreSQL would otherwise compute every engagement's state twice.

        A step counts from its earliest possible day (`events.fields.begun_by`), and never
        before the steps that precede it in the lifecycle: the state on `day` is that of the
        last step, in the order recorded, such that it and every step before it may have come
        by then."""
        steps = EngagementTransition.objects.filter(engagement=OuterRef("pk"))
        if day is None:
            last = steps.order_by("-id").values("date_latest")[:1]
            return self.annotate(state_then=F("state"), state_then_latest=Subquery(last))
        not_yet = EngagementTransition.objects.filter(
            engagement=OuterRef("engagement"), id__lt=OuterRef("pk")
        ).exclude(begun_by("date", day))
        step = steps.filter(begun_by("date", day)).exclude(Exists(not_yet)).order_by("-id")
        annotated = self.annotate(
            state_then=Subquery(step.values("to_state")[:1]),
            state_then_latest=Subquery(step.values("date_latest")[:1]),
        )
        return annotated if filtered_by_state else annotated.filter(state_then__isnull=False)

    def held(self):
        """Held engagements; call after `with_state_as_of`."""
        return self.filter(state_then=EngagementState.HELD)

    def open(self):
        """Proposed, scheduled or postponed engagements; call after `with_state_as_of`."""
        return self.filter(state_then__in=OPEN_ENGAGEMENT_STATES)

    def last_held_first(self):
        return self.order_by(F("when_latest").desc(nulls_last=True), "-when_earliest", "-id")

    def soonest_first(self):
        return self.order_by(F("when_earliest").asc(nulls_last=True), "when_latest", "id")

    def with_details(self, as_of: date | None = None):
        """Loaded with participants, lifecycle steps and characterisations; with `as_of`, only
        the steps begun by then and the participants and characterisations known by then
        (`events.models.sources.reported_by`: they have no date of their own)."""
        steps = EngagementTransition.objects.order_by("date_earliest", "id")
        participations = Participation.objects.select_related("actor", "side", "replaced_by")
        characterisations = Characterisation.objects.select_related("side")
        if as_of is not None:
            participations = participations.filter(reported_by(Participation, as_of))
            characterisations = characterisations.filter(reported_by(Characterisation, as_of))
            steps = steps.filter(begun_by("date", as_of))
        return self.select_related(
            "channel__party_a", "channel__party_b", "initiator"
        ).prefetch_related(
            cited(),
            Prefetch(
                "participations",
                queryset=participations.prefetch_related(cited()),
            ),
            Prefetch(
                "transitions",
                queryset=steps.prefetch_related(cited()),
            ),
            Prefetch(
                "characterisations",
                queryset=characterisations.prefetch_related(cited()),
            ),
        )


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
    # A column the fuzzy date adds (events.fields), declared for type checkers.
    when_latest: "date | None"
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
            # A channel's contacts by then (the as-of board's last contact): without it the
            # planner reads every engagement's date before that day, for each channel.
            models.Index(fields=["channel", "when_earliest"], name="events_engagement_chan_when"),
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
    def certain_from(self) -> date | None:
        """The day from which the shown state is certain: the latest possible day of the step
        that gave it (`with_state_as_of`) and, once held, of the engagement's own date."""
        days = [getattr(self, "state_then_latest", None)]
        if self.shown_state == EngagementState.HELD:
            days.append(self.when_latest)
        known = [d for d in days if d is not None]
        return max(known) if known else None

    @property
    def is_open(self) -> bool:
        return self.shown_state in OPEN_ENGAGEMENT_STATES

    def overdue_on(self, day: date) -> bool:
        """Still proposed, scheduled or postponed on `day` although the latest day it was
        expected (its `when`) had passed: an outcome is missing, or was never reported."""
        return self.is_open and self.when_latest is not None and self.when_latest < day

    def _participations_as_shown(self) -> list["Participation"]:
        """Prefetched participations with the attendance of the page's day: an outcome (did
        not take part, replaced, joined remotely) only once the engagement is held by then."""
        participations = list(self.participations.all())
        held = self.shown_state == EngagementState.HELD
        for p in participations:
            outcome_ahead = not held and p.attendance in ATTENDANCE_OUTCOMES
            p.attendance_then = p.planned_attendance if outcome_ahead else p.attendance
        return participations

    def participants(self) -> list["Participation"]:
        """Those taking (or who took) part; prefetched participations, no query."""
        return [p for p in self._participations_as_shown() if p.takes_part]

    def non_participants(self) -> list["Participation"]:
        """Those named but not taking part: declined, did not take part, or replaced."""
        return [p for p in self._participations_as_shown() if not p.takes_part]

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
    # A column the fuzzy date adds (events.fields), declared for type checkers.
    date_earliest: "datetime.date"
    note = models.TextField(blank=True, help_text="What happened, in a line.")
    overlap_reason = models.TextField(
        blank=True,
        help_text="Why the date is kept although it falls inside another step's date range.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(
        auto_now=True, help_text="When the record was last saved (feeds report this)."
    )

    class Meta:
        indexes = [
            # "What changed since your last visit" reads the newest saves first.
            models.Index(fields=["changed_at", "id"], name="events_transition_changed"),
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
        # Named as the pages name it: the admin's list, its messages and the board agree.
        verbose_name = "lifecycle step"
        verbose_name_plural = "lifecycle steps"

    def __str__(self) -> str:
        # Read in the admin's messages: "The lifecycle step “Call: Proposed → Held” was added".
        if self.from_state:
            step = f"{self.get_from_state_display()} → {self.get_to_state_display()}"
        else:
            step = f"first reported {self.get_to_state_display().lower()}"
        return f"{self.engagement}: {step}"


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
        help_text="Whether their taking part is confirmed, and whether they took part.",
    )
    replaced_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        help_text="Who took their place, when attendance is “replaced by someone else”.",
    )
    planned_attendance = models.CharField(
        max_length=16,
        choices=Attendance.choices,
        blank=True,
        editable=False,
        help_text="What was expected before the engagement took place (e.g. sought by the "
        "other side), kept by the services when its outcome is recorded; shown on days before "
        "the engagement was held.",
    )

    class Meta:
        ordering = ["engagement", "side__name", "role", "actor__name"]
        constraints = [
            choice_constraint("role", ParticipationRole),
            choice_constraint("attendance", Attendance),
            choice_constraint("planned_attendance", Attendance, blank=True),
            models.UniqueConstraint(
                fields=["engagement", "actor"], name="events_participation_unique_actor"
            ),
            models.CheckConstraint(
                condition=Q(attendance="replaced") | Q(replaced_by__isnull=True),
                name="events_participation_replaced_by_only_when_replaced",
                violation_error_message="Name who took their place only when they were replaced.",
            ),
            models.CheckConstraint(
                condition=~Q(actor=F("replaced_by")),
                name="events_participation_not_replaced_by_self",
                violation_error_message="Someone cannot be replaced by themselves.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()}, {self.side.label})"

    # Named, but not (or no longer) among those who take part: a held call's principals
    # leave them out.
    NOT_TAKING_PART = (Attendance.DECLINED, Attendance.ABSENT, Attendance.REPLACED)

    # The attendance on a page's day, set by `Engagement.participants()`.
    attendance_then: str

    @property
    def shown_attendance(self) -> str:
        """The attendance on the day a page shows: how they took part once the engagement was
        held; before that, what was planned (`planned_attendance`), or "" when only the
        outcome is recorded. `Engagement.participants()` sets it; else the stored value."""
        return getattr(self, "attendance_then", self.attendance)

    @property
    def takes_part(self) -> bool:
        return self.shown_attendance not in self.NOT_TAKING_PART

    @property
    def attendance_note(self) -> str:
        """How they attended, as a page says it: "joined remotely", "replaced by Dong Jun"."""
        attendance = self.shown_attendance
        if not attendance:
            return "attendance not yet known"
        if attendance == Attendance.REPLACED and self.replaced_by is not None:
            return f"replaced by {self.replaced_by.name}"
        return Attendance(attendance).label.lower()


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
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(
        auto_now=True, help_text="When the record was last saved (feeds report this)."
    )
    timeline_day = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day the timeline puts it on: the earliest day of the engagement, else the "
        "day it was recorded (kept by events.summaries).",
    )

    class Meta:
        indexes = [
            # "What changed since your last visit" reads the newest saves first.
            models.Index(fields=["changed_at", "id"], name="events_characterisn_changed"),
        ]
        ordering = ["engagement", "side__name"]

    def __str__(self) -> str:
        return f"“{self.words}” ({self.side.label})"
