"""Actors and offices: states, institutions and people, the posts people hold, and when."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from events.fields import FuzzyDateField, choice_constraint, fuzzy_date_constraints
from events.models.sources import CitedModel
from events.vocabularies import ActorKind, Region


class ActorQuerySet(models.QuerySet):
    def suggested(self, term: str):
        """Actors whose name or slug contains every word of `term`."""
        actors = self
        for word in term.split():
            actors = actors.filter(Q(name__icontains=word) | Q(slug__icontains=word))
        return actors.order_by("name")


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
    aliases = models.TextField(
        blank=True,
        help_text="Other titles reports use for it, one per line, e.g. 'Secretary of War', "
        "'Pentagon chief' (read by article intake).",
    )

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
