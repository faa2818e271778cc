"""Filtering and ordering for the API.

Lists that have a page on the site reuse its FilterSets (`events.filters`), so `q`, `during`,
`channel`, `stance`… mean exactly what they mean there; the other lists get small FilterSets
here. Sorting is `?ordering=` (the site's `sort` is left out: the cursor decides the order).
A parameter that cannot be read is refused with 400 and a message, never ignored.
"""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from events import days
from events import filters as site
from events.models import Actor, CounterpartClaim, StatusChange, StickingPoint, either_party
from events.models import Channel as ChannelModel
from events.vocabularies import (
    ActorKind,
    ChannelStatus,
    Confidence,
    StickingPointKind,
    StickingPointState,
    Track,
    Trend,
)

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class StrictBooleanField(forms.Field):
    """`true`/`false` (also 1/0, yes/no); anything else is an error rather than no filter."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IsoDateField(forms.Field):
    def to_python(self, value):
        text = value or ""
        if not text:
            return None
        try:
            return days.parse_day(text)
        except days.DayError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class IsoDateFilter(django_filters.Filter):
    field_class = IsoDateField


def channel_slug_filter(**kwargs):
    kwargs.setdefault("queryset", site.channel_choices)
    kwargs.setdefault("empty_label", "Any channel")
    kwargs.setdefault("help_text", "A channel's slug, e.g. `us-china-military`.")
    return django_filters.ModelChoiceFilter(to_field_name="slug", **kwargs)


def state_slug_filter(**kwargs):
    kwargs.setdefault("queryset", site.state_actors)
    kwargs.setdefault("help_text", "A state's slug, e.g. `china`.")
    return django_filters.ModelChoiceFilter(to_field_name="slug", **kwargs)


# --- The site's FilterSets, as the API uses them -----------------------------------------------


class EngagementFilter(site.EngagementFilter):
    sort = None

    class Meta(site.EngagementFilter.Meta):
        pass


class StatementFilter(site.StatementFilter):
    sort = None
    is_verbatim = StrictBooleanFilter(label="Verbatim quotes only (true) or paraphrases (false)")

    class Meta(site.StatementFilter.Meta):
        pass


class ActorFilter(site.ActorFilter):
    sort = None

    class Meta(site.ActorFilter.Meta):
        pass


class SourceFilter(site.SourceFilter):
    sort = None

    class Meta(site.SourceFilter.Meta):
        pass


# --- Lists the site has no filter form for -----------------------------------------------------


def _either_party(queryset, value, prefix: str = ""):
    return queryset.filter(either_party(value, prefix=prefix))


class ChannelFilter(django_filters.FilterSet):
    party = state_slug_filter(method="filter_party", label="Party")
    track = django_filters.ChoiceFilter(choices=Track.choices)
    status = django_filters.ChoiceFilter(
        field_name="current_status_value",
        choices=ChannelStatus.choices,
        label="Current status (on the `as_of` day when given)",
    )

    class Meta:
        model = ChannelModel
        fields = ["party", "track", "status"]

    def filter_party(self, queryset, name, value):
        return _either_party(queryset, value)


class StatusChangeFilter(django_filters.FilterSet):
    channel = channel_slug_filter()
    party = state_slug_filter(method="filter_party", label="Party to the channel")
    track = django_filters.ChoiceFilter(field_name="channel__track", choices=Track.choices)
    status = django_filters.ChoiceFilter(choices=ChannelStatus.choices)
    trend = django_filters.ChoiceFilter(choices=Trend.choices)
    confidence = django_filters.ChoiceFilter(choices=Confidence.choices)
    during = site.FuzzyDateFilter(prefix="date")
    as_of = IsoDateFilter(
        method="filter_as_of",
        label="Only changes known to have happened by this day (YYYY-MM-DD)",
    )

    class Meta:
        model = StatusChange
        fields = ["channel", "party", "track", "status", "trend", "confidence", "during", "as_of"]

    def filter_party(self, queryset, name, value):
        return _either_party(queryset, value, prefix="channel__")

    def filter_as_of(self, queryset, name, value):
        return queryset.as_of(value)


class CounterpartClaimFilter(django_filters.FilterSet):
    channel = channel_slug_filter()
    claimant = state_slug_filter(label="Claiming side")
    counterpart_person = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.filter(kind=ActorKind.PERSON),
        to_field_name="slug",
        help_text="The person named as counterpart (slug).",
    )

    class Meta:
        model = CounterpartClaim
        fields = ["channel", "claimant", "counterpart_person", "outcome"]


class StickingPointFilter(django_filters.FilterSet):
    channel = channel_slug_filter()
    track = django_filters.ChoiceFilter(field_name="channel__track", choices=Track.choices)
    kind = django_filters.ChoiceFilter(choices=StickingPointKind.choices)
    state = django_filters.ChoiceFilter(choices=StickingPointState.choices)
    during = site.FuzzyDateFilter(prefix="raised", label="Raised during")

    class Meta:
        model = StickingPoint
        fields = ["channel", "track", "kind", "state", "during"]


# --- Backends ----------------------------------------------------------------------------------


class FilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend: invalid filter values raise 400 with each message.

    The messages are taken from the form as Django formats them: django-filter's own
    `translate_validation` applies `%` formatting to messages without parameters, so a
    message quoting the request's text (“"50%" is not a date…”) would crash it."""

    raise_exception = True

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(
                {
                    name: [error["message"] for error in errors]
                    for name, errors in filterset.form.errors.get_json_data().items()
                }
            )
        return filterset.qs


class Ordering(OrderingFilter):
    """`?ordering=NAME` or `?ordering=-NAME` (descending), NAME one of the view's
    `ordering_fields` (public name → column). Anything else is refused with 400. The view's
    `ordering` is the default; the primary key ends every order, so it is total and stable —
    cursor pagination relies on that."""

    ordering_description = "Sort order: a field name, with `-` in front for descending."

    def get_ordering(self, request, queryset, view):
        value = request.query_params.get(self.ordering_param, "")
        if not value:
            ordering = list(view.ordering)
        else:
            name = value.removeprefix("-")
            if name not in view.ordering_fields:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Unknown ordering “{value}”; use one of "
                            f"{', '.join(self.choices(view))}."
                        ]
                    }
                )
            column = view.ordering_fields[name]
            ordering = [f"-{column}" if value.startswith("-") else column]
        if not any(term.lstrip("-") in {"id", "pk"} for term in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return tuple(ordering)

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))

    @staticmethod
    def choices(view) -> list[str]:
        return [choice for name in view.ordering_fields for choice in (name, f"-{name}")]

    def get_schema_operation_parameters(self, view):
        return [
            build_parameter_type(
                name=self.ordering_param,
                location=OpenApiParameter.QUERY,
                schema={"type": "string"},
                enum=self.choices(view),
                description=self.ordering_description,
            )
        ]


class FilterSchemaExtension(DjangoFilterExtension):
    """Describes the site's own filter types in the schema: fuzzy dates are free text,
    choices of records are slugs."""

    # OpenApiFilterExtension takes a class or a dotted path; DjangoFilterExtension set a path.
    target_class = FilterBackend  # type: ignore[assignment]
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, site.FuzzyDateFilter):
            schema = {"type": "string"}
        elif isinstance(filter_field, django_filters.ModelChoiceFilter):
            schema = {"type": "string", "pattern": SLUG_PATTERN}
        elif isinstance(filter_field, IsoDateFilter):
            schema = {"type": "string", "format": "date"}
        else:
            return super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
        return [
            build_parameter_type(
                name=field_name,
                location=OpenApiParameter.QUERY,
                schema=schema,
                description=filter_field.extra.get("help_text") or filter_field.label,
            )
        ]
