"""Sources and citations: the documents facts come from, and the passage behind each fact.

Every fact model derives from `CitedModel`, so any record can be traced to the passages that
support it; `cited()` prefetches them with their sources.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, StringAgg, Subquery, Value

from events.fields import FuzzyDateField, begun_by, choice_constraint, fuzzy_date_constraints
from events.vocabularies import IntakeDecisionKind, RelayKind, SourceKind

# Joins the relays of a source's passages in one column; a relays text is one line.
RELAYS_SEPARATOR = "\n"


class SourceQuerySet(models.QuerySet):
    def with_citation_count(self):
        """Annotate `citation_count`, and `passage_relays`: what its passages relay (see
        `Source.relayed_by_passages`), from a subquery, so lists stay at one query."""
        origins = (
            Citation.objects.filter(source=OuterRef("pk"))
            .exclude(relays="")
            .order_by()
            .values("source")
            .annotate(origins=StringAgg("relays", delimiter=Value(RELAYS_SEPARATOR)))
            .values("origins")
        )
        return self.annotate(citation_count=Count("citations"), passage_relays=Subquery(origins))


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

    @property
    def relayed_by_passages(self) -> list[str]:
        """What its cited passages relay, each once, in alphabetical order, as
        `with_citation_count` annotates it."""
        origins = getattr(self, "passage_relays", None) or ""
        # Sorted here: SQLite cannot order inside an aggregate.
        return sorted({o for o in origins.split(RELAYS_SEPARATOR) if o})


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
    relays = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the report got this passage, when it passes on another source's "
        "words, e.g. 'Nikkei Asia, citing US officials' or 'US State Department readout'.",
    )
    relays_kind = models.CharField(
        "relayed origin",
        max_length=24,
        choices=RelayKind.choices,
        blank=True,
        help_text="What kind of origin it relays; empty when the report is first-hand.",
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
            choice_constraint("relays_kind", RelayKind, blank=True),
            models.CheckConstraint(
                condition=Q(relays="") | ~Q(relays_kind=""),
                name="events_citation_relay_has_kind",
                violation_error_message="Say what kind of origin the passage relays.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.outlet} — {self.passage[:60]}"

    @property
    def relay(self) -> "Relay | None":
        """What the passage passes on: the citation's own `relays`, else what the source as a
        whole names as its source (`Source.relays`, which has no kind). No query when the
        source is loaded with the citation (`cited()`)."""
        if self.relays:
            return Relay(self.relays, RelayKind(self.relays_kind), of_passage=True)
        if self.source.relays:
            return Relay(self.source.relays, None, of_passage=False)
        return None


class IntakeDecision(models.Model):
    """What an editor did with one suggestion intake made from a source's text: accepted (with
    the record it became) or dismissed. A suggestion is named by its kind, its span of the text
    and a key (what it would change, e.g. "engagement 12 → held"), so the same suggestion is
    found again each time the page is drawn; the database refuses a second decision on it."""

    Kind = IntakeDecisionKind

    source = models.ForeignKey(
        Source,
        on_delete=models.CASCADE,
        related_name="intake_decisions",
        help_text="The report the suggestion was found in.",
    )
    suggestion_kind = models.CharField(
        max_length=32, help_text="What intake suggested: update, statement, new_person…"
    )
    start = models.PositiveIntegerField(help_text="Where the suggestion's span starts in the text.")
    end = models.PositiveIntegerField(help_text="Where it ends (exclusive).")
    key = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="What the suggestion would change, e.g. 'engagement:12:held'.",
    )
    decision = models.CharField(max_length=16, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The record an accepted suggestion became."
    )
    record = GenericForeignKey("content_type", "object_id")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source_id", "start", "suggestion_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "suggestion_kind", "start", "end", "key"],
                name="events_intakedecision_one_per_suggestion",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="events_intakedecision_span"
            ),
            # An accepted suggestion names the record it became; a dismissed one names none.
            models.CheckConstraint(
                condition=(
                    Q(
                        decision=IntakeDecisionKind.ACCEPTED,
                        content_type__isnull=False,
                        object_id__isnull=False,
                    )
                    | (
                        ~Q(decision=IntakeDecisionKind.ACCEPTED)
                        & Q(content_type__isnull=True, object_id__isnull=True)
                    )
                ),
                name="events_intakedecision_record_if_accepted",
            ),
            choice_constraint("decision", IntakeDecisionKind),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.suggestion_kind} {self.start}–{self.end}"


@dataclass(frozen=True)
class Relay:
    """A link in a source chain: whom a report relays, what kind of origin that is, and whether
    the citation says so for its passage or only the source for the whole document."""

    origin: str
    kind: RelayKind | None
    of_passage: bool

    def __str__(self) -> str:
        if not self.of_passage:
            return f"relaying {self.origin} — as the report says of itself"
        kind = RELAY_KIND_PHRASES.get(self.kind) if self.kind else None
        return f"relaying {self.origin} — {kind}" if kind else f"relaying {self.origin}"


# How a citation names the kind of origin it relays: "relaying Nikkei Asia — another outlet's
# report". "Other" adds nothing to the origin's own name.
RELAY_KIND_PHRASES = {
    RelayKind.OUTLET: "another outlet's report",
    RelayKind.OFFICIAL_READOUT: "an official readout",
    RelayKind.WIRE: "a wire agency",
}


class CitedModel(models.Model):
    """A fact: something that must be traced to at least one source passage."""

    citations = GenericRelation(Citation, related_query_name="%(class)s")

    class Meta:
        abstract = True


def cited() -> Prefetch:
    """Prefetch a record's citations with their sources (one query per record type)."""
    return Prefetch("citations", queryset=Citation.objects.select_related("source"))


def reported_by(model: type[models.Model], day: date, *, uncited: bool = True) -> Q:
    """Facts of `model` with no date of their own (participants, characterisations, readings,
    undated statements) known on `day`: each counts from the earliest publication day of the
    sources citing it, since it was known no later than that. With `uncited`, one with no
    source yet counts with the record it belongs to. docs/dates.md gives examples."""
    citations = Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
    )
    known = Q(Exists(citations.filter(begun_by("published", day, prefix="source__"))))
    return known | ~Q(Exists(citations)) if uncited else known
