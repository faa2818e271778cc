"""How each record looks in the API.

Every object has `url` (itself in the API) and `html_url` (where the site shows it); related
records are referenced by their API URL. Fuzzy dates are objects with both bounds, the
precision and the human form, or null. Facts carry `citations`: the source (URL, outlet, title)
and the passage that supports them.
"""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse as api_reverse

from events.fuzzydates import Precision
from events.models import (
    Actor,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)

# --- Building blocks ---------------------------------------------------------------------------


class FuzzyDateSerializer(serializers.Serializer):
    """A date known to within bounds: `{"human": "early September 2025", "earliest":
    "2025-09-01", "latest": "2025-09-10", "precision": "part_of_month"}`."""

    human = serializers.CharField(help_text="As a person writes it, e.g. “early September 2025”.")
    earliest = serializers.DateField(help_text="Earliest day it can be (inclusive).")
    latest = serializers.DateField(help_text="Latest day it can be (inclusive).")
    precision = serializers.ChoiceField(
        choices=Precision.choices, help_text="What kind of period the bounds describe."
    )


def fuzzy_date(source: str | None = None, **kwargs) -> FuzzyDateSerializer:
    return FuzzyDateSerializer(source=source, read_only=True, allow_null=True, **kwargs)


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def site_url(serializer, path: str, fragment: str = "") -> str:
    return absolute(serializer.context.get("request"), path + (f"#{fragment}" if fragment else ""))


def api_url(serializer, view_name: str, query: dict | None = None, **kwargs) -> str:
    url = api_reverse(view_name, kwargs=kwargs, request=serializer.context.get("request"))
    return f"{url}?{urlencode(query)}" if query else url


def channel_link(**kwargs):
    return serializers.HyperlinkedRelatedField(
        view_name="api:channel-detail", lookup_field="slug", read_only=True, **kwargs
    )


def actor_link(**kwargs):
    return serializers.HyperlinkedRelatedField(
        view_name="api:actor-detail", lookup_field="slug", read_only=True, **kwargs
    )


def links(view_name: str, **kwargs):
    return serializers.HyperlinkedRelatedField(
        view_name=view_name, many=True, read_only=True, **kwargs
    )


class CitationSerializer(serializers.ModelSerializer):
    """One source passage behind a fact."""

    # A declared field (DRF's metaclass takes it off the class), not Field.source.
    source = serializers.HyperlinkedRelatedField(  # type: ignore[assignment, var-annotated]
        view_name="api:source-detail", read_only=True
    )
    outlet = serializers.CharField(source="source.outlet", read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_kind = serializers.ChoiceField(
        source="source.kind", choices=Source.Kind.choices, read_only=True
    )
    verbatim = serializers.BooleanField(source="passage_is_verbatim", read_only=True)
    source_relays = serializers.CharField(
        source="source.relays",
        read_only=True,
        help_text="Whom the document as a whole names as its source (empty if none).",
    )

    class Meta:
        model = Citation
        fields = [
            "source",
            "outlet",
            "source_title",
            "source_kind",
            "passage",
            "verbatim",
            "locator",
            "claim",
            "relays",
            "relays_kind",
            "source_relays",
        ]


def citations():
    return CitationSerializer(many=True, read_only=True)


class HtmlUrlMixin(serializers.Serializer):
    html_url = serializers.SerializerMethodField(help_text="Where the site shows this record.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, obj) -> str:
        return site_url(self, *self.html_path(obj))

    def html_path(self, obj) -> tuple[str, str]:
        raise NotImplementedError


def channel_page(channel_slug: str) -> str:
    return reverse("events:channel_detail", args=[channel_slug])


# --- Channels and status -----------------------------------------------------------------------


class CurrentStatusSerializer(serializers.ModelSerializer):
    """The status change in force: what the channel's status is and since when."""

    url = serializers.HyperlinkedIdentityField(view_name="api:status-change-detail")
    since = fuzzy_date("date", help_text="When the channel took this status.")

    class Meta:
        model = StatusChange
        fields = ["url", "status", "since", "trend", "confidence", "explanation"]


class ChannelLinksSerializer(serializers.Serializer):
    """The channel's records in the API's lists (filtered to this channel)."""

    status_history = serializers.URLField()
    engagements = serializers.URLField()
    statements = serializers.URLField()
    sticking_points = serializers.URLField()
    counterpart_claims = serializers.URLField()


class ChannelSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:channel-detail", lookup_field="slug")
    name = serializers.CharField(source="__str__", read_only=True)
    party_a = actor_link()
    party_b = actor_link()
    as_of = serializers.SerializerMethodField(
        help_text="The day the channel is shown as of (the `as_of` parameter), or null for now."
    )
    current_status = serializers.SerializerMethodField(
        help_text="The status in force (on `as_of` when given); null when none is known."
    )
    last_contact = serializers.SerializerMethodField(
        help_text="The most recent held engagement (by `as_of` when given)."
    )
    next_engagement = serializers.SerializerMethodField(
        help_text="The soonest proposed, scheduled or postponed engagement."
    )
    open_sticking_points = serializers.IntegerField(
        read_only=True, help_text="How many sticking points are open (on `as_of` when given)."
    )
    links = serializers.SerializerMethodField()
    citations = citations()

    class Meta:
        model = Channel
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "party_a",
            "party_b",
            "track",
            "summary",
            "as_of",
            "current_status",
            "last_contact",
            "next_engagement",
            "open_sticking_points",
            "links",
            "citations",
        ]

    def _as_of(self):
        return self.context.get("as_of")

    def html_path(self, obj):
        as_of = self._as_of()
        path = channel_page(obj.slug)
        return (f"{path}?as_of={as_of.isoformat()}" if as_of else path), ""

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_as_of(self, obj) -> str | None:
        as_of = self._as_of()
        return as_of.isoformat() if as_of else None

    @extend_schema_field(CurrentStatusSerializer(allow_null=True))
    def get_current_status(self, obj):
        current = obj.status_then[0] if obj.status_then else None
        if current is None:
            return None
        return CurrentStatusSerializer(current, context=self.context).data

    def _engagement(self, pk) -> str | None:
        return api_url(self, "api:engagement-detail", pk=pk) if pk else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_last_contact(self, obj):
        return self._engagement(obj.last_contact_id)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_next_engagement(self, obj):
        return self._engagement(obj.next_engagement_id)

    @extend_schema_field(ChannelLinksSerializer)
    def get_links(self, obj) -> dict:
        query = {"channel": obj.slug}
        as_of = self._as_of()
        history = {**query, "as_of": as_of.isoformat()} if as_of else query
        return {
            "status_history": api_url(self, "api:status-change-list", history),
            "engagements": api_url(self, "api:engagement-list", query),
            "statements": api_url(self, "api:statement-list", query),
            "sticking_points": api_url(self, "api:sticking-point-list", query),
            "counterpart_claims": api_url(self, "api:counterpart-claim-list", query),
        }


class StatusChangeSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:status-change-detail")
    channel = channel_link()
    date = fuzzy_date(help_text="When the channel took this status.")
    citations = citations()

    class Meta:
        model = StatusChange
        fields = [
            "url",
            "html_url",
            "id",
            "channel",
            "status",
            "trend",
            "confidence",
            "date",
            "explanation",
            "recorded_at",
            "citations",
        ]

    def html_path(self, obj):
        return channel_page(obj.channel.slug), f"status-change-{obj.pk}"


# --- Engagements -------------------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    actor = actor_link()
    name = serializers.CharField(source="actor.name", read_only=True)
    side = actor_link()
    replaced_by = actor_link(
        allow_null=True, help_text="Who took their place, when attendance is `replaced`."
    )
    citations = citations()

    class Meta:
        model = Participation
        fields = ["actor", "name", "side", "role", "attendance", "replaced_by", "citations"]


class StepSerializer(serializers.ModelSerializer):
    """One dated step of the engagement's lifecycle."""

    date = fuzzy_date()
    citations = citations()

    class Meta:
        model = EngagementTransition
        fields = ["from_state", "to_state", "date", "note", "citations"]


class CharacterisationSerializer(serializers.ModelSerializer):
    side = actor_link()
    citations = citations()

    class Meta:
        model = Characterisation
        fields = ["side", "words", "citations"]


class EngagementSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:engagement-detail")
    channel = channel_link()
    initiator = actor_link(allow_null=True)
    when = fuzzy_date(help_text="When it took place or is expected; null when unknown.")
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    steps = StepSerializer(source="transitions", many=True, read_only=True)
    characterisations = CharacterisationSerializer(many=True, read_only=True)
    sticking_points = links("api:sticking-point-detail")
    date_warnings = serializers.SerializerMethodField(
        help_text="Dates that cannot be right, e.g. an expected date before the report."
    )
    citations = citations()

    class Meta:
        model = Engagement
        fields = [
            "url",
            "html_url",
            "id",
            "channel",
            "kind",
            "title",
            "state",
            "when",
            "location",
            "initiator",
            "purpose",
            "significance",
            "participants",
            "steps",
            "characterisations",
            "sticking_points",
            "date_warnings",
            "citations",
        ]

    def html_path(self, obj):
        return channel_page(obj.channel.slug), f"engagement-{obj.pk}"

    def get_date_warnings(self, obj) -> list[str]:
        return obj.date_warnings()


# --- Statements --------------------------------------------------------------------------------


class InterpretationSerializer(serializers.ModelSerializer):
    """How one side reads the statement."""

    side = actor_link()
    side_name = serializers.CharField(source="side.name", read_only=True)
    citations = citations()

    class Meta:
        model = Interpretation
        fields = ["side", "side_name", "emphasis", "reading", "citations"]


class StatementSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:statement-detail")
    speaker = actor_link()
    speaker_name = serializers.CharField(source="speaker.name", read_only=True)
    toward = actor_link(allow_null=True)
    said = fuzzy_date(help_text="When it was said; null when unknown.")
    channels = links("api:channel-detail", lookup_field="slug")
    interpretations = InterpretationSerializer(many=True, read_only=True)
    sticking_points = links("api:sticking-point-detail")
    citations = citations()

    class Meta:
        model = Statement
        fields = [
            "url",
            "html_url",
            "id",
            "speaker",
            "speaker_name",
            "text",
            "is_verbatim",
            "said",
            "venue",
            "stance",
            "toward",
            "channels",
            "interpretations",
            "sticking_points",
            "citations",
        ]

    def html_path(self, obj):
        channels = list(obj.channels.all())
        if channels:
            return channel_page(channels[0].slug), f"statement-{obj.pk}"
        return reverse("events:actor_detail", args=[obj.speaker.slug]), "statements"


# --- Actors ------------------------------------------------------------------------------------


class OfficeSerializer(serializers.ModelSerializer):
    institution = actor_link()
    institution_name = serializers.CharField(source="institution.name", read_only=True)

    class Meta:
        model = Office
        fields = ["title", "institution", "institution_name"]


class OfficeHoldingSerializer(serializers.ModelSerializer):
    office = OfficeSerializer(read_only=True)
    start = fuzzy_date(help_text="When the person took office; null when unknown.")
    end = fuzzy_date(help_text="When the person left office; null while in office.")
    citations = citations()

    class Meta:
        model = OfficeHolding
        fields = ["office", "start", "end", "citations"]


class ActorLinksSerializer(serializers.Serializer):
    statements = serializers.URLField()
    engagements = serializers.URLField()


class ActorSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:actor-detail", lookup_field="slug")
    aliases = serializers.SerializerMethodField(help_text="Other names and spellings.")
    state = actor_link(allow_null=True)
    parent = actor_link(allow_null=True)
    offices = OfficeHoldingSerializer(
        source="office_holdings",
        many=True,
        read_only=True,
        help_text="Offices the person holds or held, earliest first.",
    )
    links = serializers.SerializerMethodField()
    citations = citations()

    class Meta:
        model = Actor
        fields = [
            "url",
            "html_url",
            "slug",
            "kind",
            "name",
            "short_name",
            "aliases",
            "state",
            "parent",
            "description",
            "offices",
            "links",
            "citations",
        ]

    def html_path(self, obj):
        return reverse("events:actor_detail", args=[obj.slug]), ""

    def get_aliases(self, obj) -> list[str]:
        return [line.strip() for line in obj.aliases.splitlines() if line.strip()]

    @extend_schema_field(ActorLinksSerializer)
    def get_links(self, obj) -> dict:
        return {
            "statements": api_url(self, "api:statement-list", {"speaker": obj.slug}),
            "engagements": api_url(self, "api:engagement-list", {"participant": obj.slug}),
        }


# --- Obstacles ---------------------------------------------------------------------------------


class CounterpartClaimSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:counterpart-claim-detail")
    channel = channel_link()
    office = OfficeSerializer(read_only=True, help_text="The office whose counterpart is meant.")
    claimant = actor_link()
    counterpart_office = OfficeSerializer(read_only=True, allow_null=True)
    counterpart_person = actor_link(allow_null=True)
    stated = fuzzy_date(help_text="Since when the claimant holds the view, if the sources say.")
    ended = fuzzy_date(help_text="When it was settled or superseded; null while standing.")
    sticking_points = links("api:sticking-point-detail")
    citations = citations()

    class Meta:
        model = CounterpartClaim
        fields = [
            "url",
            "html_url",
            "id",
            "channel",
            "office",
            "claimant",
            "counterpart_office",
            "counterpart_person",
            "rationale",
            "stated",
            "outcome",
            "ended",
            "outcome_note",
            "sticking_points",
            "citations",
        ]

    def html_path(self, obj):
        return channel_page(obj.channel.slug), "counterparts"


class StickingPointSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sticking-point-detail")
    channel = channel_link()
    raised = fuzzy_date(help_text="Since when it stands in the way; null when unknown.")
    resolved = fuzzy_date(help_text="When it was resolved; null while open.")
    statements = links("api:statement-detail")
    counterpart_claims = links("api:counterpart-claim-detail")
    engagements = links("api:engagement-detail")
    citations = citations()

    class Meta:
        model = StickingPoint
        fields = [
            "url",
            "html_url",
            "id",
            "channel",
            "title",
            "kind",
            "state",
            "description",
            "raised",
            "resolved",
            "statements",
            "counterpart_claims",
            "engagements",
            "citations",
        ]

    def html_path(self, obj):
        return channel_page(obj.channel.slug), "sticking-points"


# --- Sources -----------------------------------------------------------------------------------

# Where a cited record is found in the API: its own endpoint, or the record it is part of.
FACT_LINKS = {
    Channel: lambda f: ("api:channel-detail", {"slug": f.slug}),
    Actor: lambda f: ("api:actor-detail", {"slug": f.slug}),
    StatusChange: lambda f: ("api:status-change-detail", {"pk": f.pk}),
    Engagement: lambda f: ("api:engagement-detail", {"pk": f.pk}),
    EngagementTransition: lambda f: ("api:engagement-detail", {"pk": f.engagement_id}),
    Participation: lambda f: ("api:engagement-detail", {"pk": f.engagement_id}),
    Characterisation: lambda f: ("api:engagement-detail", {"pk": f.engagement_id}),
    Statement: lambda f: ("api:statement-detail", {"pk": f.pk}),
    Interpretation: lambda f: ("api:statement-detail", {"pk": f.statement_id}),
    CounterpartClaim: lambda f: ("api:counterpart-claim-detail", {"pk": f.pk}),
    StickingPoint: lambda f: ("api:sticking-point-detail", {"pk": f.pk}),
    OfficeHolding: lambda f: ("api:actor-detail", {"slug": f.person.slug}),
    Office: lambda f: ("api:actor-detail", {"slug": f.institution.slug}),
}


class FactSerializer(serializers.Serializer):
    """The record a citation supports."""

    type = serializers.CharField(help_text="The kind of record, e.g. `statement`, `participation`.")
    id = serializers.IntegerField()
    url = serializers.URLField(
        allow_null=True,
        help_text="The record in the API, or the record it is part of (a participation's "
        "engagement, an office holding's person, …).",
    )


class SourceCitationSerializer(serializers.ModelSerializer):
    """One passage of the source and the fact it supports."""

    fact = serializers.SerializerMethodField()
    verbatim = serializers.BooleanField(source="passage_is_verbatim", read_only=True)

    class Meta:
        model = Citation
        fields = ["fact", "passage", "verbatim", "locator", "claim", "relays", "relays_kind"]

    @extend_schema_field(FactSerializer)
    def get_fact(self, citation) -> dict:
        fact = citation.fact
        url = None
        if fact is not None and type(fact) in FACT_LINKS:
            view_name, kwargs = FACT_LINKS[type(fact)](fact)
            url = api_url(self, view_name, **kwargs)
        return {"type": citation.content_type.model, "id": citation.object_id, "url": url}


class SourceSerializer(HtmlUrlMixin, serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    document_url = serializers.CharField(
        source="url", read_only=True, help_text="Address of the document, if known (else empty)."
    )
    published = fuzzy_date(help_text="When the document was published.")
    citation_count = serializers.IntegerField(read_only=True)
    citations = SourceCitationSerializer(many=True, read_only=True)

    class Meta:
        model = Source
        fields = [
            "url",
            "html_url",
            "id",
            "kind",
            "outlet",
            "title",
            "document_url",
            "published",
            "relays",
            "notes",
            "citation_count",
            "citations",
        ]

    def html_path(self, obj):
        return f"{reverse('events:source_list')}?{urlencode({'q': obj.title})}", ""
