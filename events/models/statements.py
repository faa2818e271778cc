"""Statements: words attributed to an actor, and how each side reads them."""

from datetime import date

from django.db import models
from django.db.models import F, Prefetch, Q

from events.fields import FuzzyDateField, begun_by, choice_constraint, fuzzy_date_constraints
from events.models.actors import Actor
from events.models.channels import Channel
from events.models.sources import CitedModel, cited, reported_by
from events.vocabularies import EMPHASIS_HEADINGS, Emphasis, Stance


class StatementQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by(F("said_earliest").desc(nulls_last=True), "-id")

    def as_of(self, day: date | None):
        """Statements that may have been made by `day`: each from the earliest possible day of
        its date (`events.fields.begun_by`), an undated one from the earliest publication day
        of the sources reporting it (`reported_by`)."""
        if day is None:
            return self
        undated = Q(said_earliest__isnull=True) & reported_by(Statement, day, uncited=False)
        return self.filter(begun_by("said", day) | undated)

    def with_details(self, as_of: date | None = None):
        """Loaded with each side's reading; with `as_of`, only the readings known by then
        (`reported_by`: they have no date of their own)."""
        readings = Interpretation.objects.select_related("side")
        if as_of is not None:
            readings = readings.filter(reported_by(Interpretation, as_of))
        return self.select_related("speaker", "toward").prefetch_related(
            cited(),
            Prefetch("interpretations", queryset=readings.prefetch_related(cited())),
        )


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
    # A column the fuzzy date adds (events.fields), declared for type checkers.
    said_earliest: date | None
    said_latest: date | None
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
    changed_at = models.DateTimeField(
        auto_now=True, help_text="When the record was last saved (feeds report this)."
    )
    timeline_day = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day the timeline puts it on: the earliest it may have been said, else the "
        "earliest publication of the sources reporting it (kept by events.summaries).",
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        indexes = [
            # "What changed since your last visit" reads the newest saves first.
            models.Index(fields=["changed_at", "id"], name="events_statement_changed"),
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

    @property
    def certain_from(self) -> date | None:
        """The latest possible day it was said (an undated statement: none)."""
        return self.said_latest

    def __str__(self) -> str:
        quote = self.text if len(self.text) < 70 else self.text[:67] + "…"
        return f"{self.speaker.label}: “{quote}”"


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
        return f"{self.heading}: {self.statement}"

    @property
    def heading(self) -> str:
        """The reading's lead-in, a phrase with the side: “What China takes as the real
        message”, “US highlights”."""
        return EMPHASIS_HEADINGS[Emphasis(self.emphasis)].format(side=self.side.label)
