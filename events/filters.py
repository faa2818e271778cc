"""Filters for the analysts' lists. Every filter lives in the URL, so a filtered view can be
shared, exported (`?format=csv`) and re-opened."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from events.forms import (
    FuzzyDateFormField,
    SlugOrNameChoiceField,
    SuggestInput,
    use_fast_selects,
)
from events.models import Actor, Channel, Citation, Engagement, Source, Statement, either_party
from events.search import check_terms, matching
from events.vocabularies import (
    ActorKind,
    EngagementKind,
    EngagementState,
    RelayKind,
    SourceKind,
    Stance,
    Track,
)


class FuzzyDateFilter(django_filters.Filter):
    """Keeps records whose fuzzy date overlaps the typed one, so “September 2025” finds
    “early September 2025” and “17–19 September 2025”."""

    field_class = FuzzyDateFormField

    def __init__(self, *args, prefix: str, **kwargs):
        kwargs.setdefault("label", "During")
        kwargs.setdefault(
            "help_text", "A date or period, e.g. “September 2025”, “Q3 2025”, “2025”."
        )
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(
            **{
                f"{self.prefix}_earliest__lte": value.latest,
                f"{self.prefix}_latest__gte": value.earliest,
            }
        )


class SuggestedChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among thousands of records: a text box with suggestions, not a <select>."""

    field_class = SlugOrNameChoiceField

    def __init__(self, *args, suggest: str, **kwargs):
        kwargs.setdefault("widget", SuggestInput(suggest))
        kwargs.pop("empty_label", None)
        super().__init__(*args, **kwargs)


class SearchField(forms.CharField):
    """A search box: refuses, with the reason, a search of more words than search reads."""

    def validate(self, value):
        super().validate(value)
        if (problem := check_terms(value)) is not None:
            raise forms.ValidationError(problem, code="too_many_terms")


class SearchFilter(django_filters.CharFilter):
    """One box, `q`: full-text search through the database's own engine (events.search)."""

    field_class = SearchField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("widget", forms.SearchInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        matches = matching(value, qs.model, using=qs.db)
        return qs if matches is None else qs.filter(pk__in=matches)


def sort_filter(*, default: str, **kwargs) -> django_filters.OrderingFilter:
    """`sort`: the list's order, each choice named as a reader says it (“Speaker, A–Z”); the
    empty choice is the list's own order, named too (`default`), never “---------”."""
    kwargs.setdefault("label", "Sort by")
    return django_filters.OrderingFilter(empty_label=default, **kwargs)


class VerbatimWidget(django_filters.widgets.BooleanWidget):
    """Verbatim or paraphrase as a three-way menu whose choices say what each keeps."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("", "Either"),
            ("true", "Verbatim quotes only"),
            ("false", "Paraphrases only"),
        ]


def channel_choices(request=None):
    return Channel.objects.with_parties()


def state_actors(request=None):
    return Actor.objects.filter(kind=ActorKind.STATE)


class ListFilterSet(django_filters.FilterSet):
    """A list's filters, their menus rendered fast (events.forms.FastSelect)."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            use_fast_selects(super().form)
        return self._form


class EngagementFilter(ListFilterSet):
    q = SearchFilter()
    channel = SuggestedChoiceFilter(
        queryset=channel_choices, to_field_name="slug", suggest="channels"
    )
    party = django_filters.ModelChoiceFilter(
        queryset=state_actors,
        to_field_name="slug",
        method="filter_party",
        label="Party",
        empty_label="Any party",
    )
    track = django_filters.ChoiceFilter(
        field_name="channel__track", choices=Track.choices, empty_label="Any track"
    )
    kind = django_filters.ChoiceFilter(choices=EngagementKind.choices, empty_label="Any kind")
    state = django_filters.ChoiceFilter(
        choices=EngagementState.choices, empty_label="Any state", label="Lifecycle state"
    )
    participant = SuggestedChoiceFilter(
        queryset=Actor.objects.all(),
        to_field_name="slug",
        field_name="participations__actor",
        label="Participant",
        distinct=True,
        suggest="actors",
    )
    during = FuzzyDateFilter(prefix="when")
    sort = sort_filter(
        default="Earliest first (undated last)",
        fields=(("when_earliest", "when"), ("title", "title"), ("state", "state")),
        choices=[
            ("when", "Date, earliest first"),
            ("-when", "Date, latest first"),
            ("title", "Title, A–Z"),
            ("-title", "Title, Z–A"),
            ("state", "Lifecycle state, A–Z"),
            ("-state", "Lifecycle state, Z–A"),
        ],
    )

    class Meta:
        model = Engagement
        fields = ["q", "channel", "party", "track", "kind", "state", "participant", "during"]

    def filter_party(self, queryset, name, value):
        return queryset.filter(either_party(value, prefix="channel__"))


class StatementFilter(ListFilterSet):
    q = SearchFilter()
    channel = SuggestedChoiceFilter(
        field_name="channels",
        queryset=channel_choices,
        to_field_name="slug",
        label="Channel",
        suggest="channels",
    )
    party = django_filters.ModelChoiceFilter(
        field_name="speaker__state",
        queryset=state_actors,
        to_field_name="slug",
        label="Speaker’s party",
        empty_label="Any party",
    )
    speaker = SuggestedChoiceFilter(
        queryset=Actor.objects.filter(kind=ActorKind.PERSON),
        to_field_name="slug",
        suggest="people",
    )
    stance = django_filters.ChoiceFilter(choices=Stance.choices, empty_label="Any stance")
    is_verbatim = django_filters.BooleanFilter(
        label="Verbatim or paraphrase", widget=VerbatimWidget
    )
    during = FuzzyDateFilter(prefix="said")
    sort = sort_filter(
        default="Newest first",
        fields=(("said_earliest", "said"), ("speaker__name", "speaker"), ("stance", "stance")),
        choices=[
            ("said", "Date said, oldest first"),
            ("-said", "Date said, newest first"),
            ("speaker", "Speaker, A–Z"),
            ("-speaker", "Speaker, Z–A"),
            ("stance", "Stance, A–Z"),
            ("-stance", "Stance, Z–A"),
        ],
    )

    class Meta:
        model = Statement
        fields = ["q", "channel", "party", "speaker", "stance", "is_verbatim", "during"]


class ActorFilter(ListFilterSet):
    q = SearchFilter()
    kind = django_filters.ChoiceFilter(choices=ActorKind.choices, empty_label="Any kind")
    state = django_filters.ModelChoiceFilter(
        queryset=state_actors, to_field_name="slug", label="State", empty_label="Any state"
    )
    sort = sort_filter(
        default="Name, A–Z (default)",
        fields=(("name", "name"), ("kind", "kind")),
        choices=[
            ("name", "Name, A–Z"),
            ("-name", "Name, Z–A"),
            ("kind", "Kind, A–Z"),
            ("-kind", "Kind, Z–A"),
        ],
    )

    class Meta:
        model = Actor
        fields = ["q", "kind", "state"]


class SourceFilter(ListFilterSet):
    q = SearchFilter()
    kind = django_filters.ChoiceFilter(
        choices=SourceKind.choices, empty_label="Any kind", label="Source kind"
    )
    outlet = django_filters.CharFilter(lookup_expr="icontains", label="Outlet contains")
    relays_kind = django_filters.ChoiceFilter(
        choices=RelayKind.choices,
        empty_label="Any or none",
        label="Relays",
        method="filter_relays_kind",
        help_text="Sources with a passage that passes on this kind of origin.",
    )
    relays = django_filters.CharFilter(
        label="Relayed origin contains",
        method="filter_relays",
        help_text="Whom the source, or one of its passages, relays, e.g. “Nikkei”.",
    )
    during = FuzzyDateFilter(prefix="published", label="Published during")
    sort = sort_filter(
        default="Newest published first",
        fields=(("published_earliest", "published"), ("outlet", "outlet")),
        choices=[
            ("published", "Published, oldest first"),
            ("-published", "Published, newest first"),
            ("outlet", "Outlet, A–Z"),
            ("-outlet", "Outlet, Z–A"),
        ],
    )

    class Meta:
        model = Source
        fields = ["q", "kind", "outlet", "relays_kind", "relays", "during"]

    def filter_relays_kind(self, queryset, name, value):
        return queryset.filter(
            Exists(Citation.objects.filter(source=OuterRef("pk"), relays_kind=value))
        )

    def filter_relays(self, queryset, name, value):
        passages = Citation.objects.filter(source=OuterRef("pk"), relays__icontains=value)
        return queryset.filter(Q(relays__icontains=value) | Exists(passages))
