"""The API's views: one read-only viewset per kind of record.

Each list runs a fixed number of queries whatever its length (related rows are joined or
prefetched), is filtered by a FilterSet (`events.api.filters`), ordered by `?ordering=` with the
primary key as tie-break, and paginated by cursor (`events.api.pagination`).
"""

from datetime import date

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import F, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import routers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from events import days, selectors
from events.api import filters, serializers
from events.models import (
    Actor,
    Channel,
    Citation,
    CounterpartClaim,
    Engagement,
    Office,
    OfficeHolding,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
    cited,
)

SLUG_REGEX = "[-a-zA-Z0-9_]+"


def ids_only(model):
    """Prefetch just the primary keys of related rows: enough for their URLs."""
    return model.objects.only("id")


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """GET (list and one record), HEAD and OPTIONS; anything else is 405."""

    filter_backends = [filters.FilterBackend, filters.Ordering]
    lookup_value_regex = "[0-9]+"
    # Public ordering names → columns; `ordering` is the default order.
    ordering_fields: dict[str, str] = {"id": "id"}
    ordering: tuple[str, ...] = ("id",)


# --- Channels ----------------------------------------------------------------------------------

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Show the channel as it stood on this day (YYYY-MM-DD): its status then, the "
    "engagements and sticking points as known by then.",
)


def parse_as_of(request) -> date | None:
    """`?as_of=YYYY-MM-DD`, the same parameter as the site's boards; 400 when unreadable."""
    try:
        return days.parse_as_of(request.query_params.get("as_of", ""))
    except days.DayError as error:
        raise ValidationError({"as_of": [str(error)]}) from None


@extend_schema_view(
    list=extend_schema(summary="Channels with their current status", parameters=[AS_OF]),
    retrieve=extend_schema(summary="One channel with its current status", parameters=[AS_OF]),
)
class ChannelViewSet(ReadOnlyViewSet):
    """Channels of contact, each with the status in force (`current_status`, with the date it
    took effect as `since`), its last and next engagement, the number of open sticking points,
    and links to its status history and other records. `as_of` shows them as they stood then."""

    serializer_class = serializers.ChannelSerializer
    filterset_class = filters.ChannelFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = {"slug": "slug", "id": "id"}
    ordering = ("slug",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.as_of = parse_as_of(request)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_of": getattr(self, "as_of", None)}

    def get_queryset(self):
        as_of = getattr(self, "as_of", None)
        latest = (
            StatusChange.objects.filter(channel=OuterRef("channel"))
            .as_of(as_of)
            .newest_first()
            .values("pk")[:1]
        )
        current = StatusChange.objects.filter(pk=Subquery(latest))
        return selectors.with_board_summary(Channel.objects.all(), as_of).prefetch_related(
            cited(), Prefetch("status_changes", queryset=current, to_attr="status_then")
        )


@extend_schema_view(
    list=extend_schema(summary="Status changes (channels' status history), newest first"),
    retrieve=extend_schema(summary="One status change"),
)
class StatusChangeViewSet(ReadOnlyViewSet):
    """Every dated, explained, sourced change in a channel's status. `?channel=SLUG` gives one
    channel's history, newest first."""

    queryset = StatusChange.objects.select_related("channel").prefetch_related(cited())
    serializer_class = serializers.StatusChangeSerializer
    filterset_class = filters.StatusChangeFilter
    ordering_fields = {"date": "date_earliest", "id": "id"}
    ordering = ("-date_earliest", "-date_latest", "-id")


# --- Engagements and statements ----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Engagements, soonest first (undated last)"),
    retrieve=extend_schema(summary="One engagement with participants, steps and sources"),
)
class EngagementViewSet(ReadOnlyViewSet):
    """Calls, meetings, visits, summits and forums, with their participants, lifecycle steps,
    each side's characterisation and sources. Filters as on the site's engagement list."""

    queryset = (
        Engagement.objects.with_details()
        .prefetch_related(Prefetch("sticking_points", queryset=ids_only(StickingPoint)))
        # Undated engagements sort after every dated one (a cursor cannot hold a null).
        .annotate(when_sort=Coalesce("when_earliest", Value(date.max)))
    )
    serializer_class = serializers.EngagementSerializer
    filterset_class = filters.EngagementFilter
    ordering_fields = {"when": "when_sort", "title": "title", "id": "id"}
    ordering = ("when_sort", "id")


@extend_schema_view(
    list=extend_schema(summary="Statements, newest first (undated last)"),
    retrieve=extend_schema(summary="One statement with each side's reading"),
)
class StatementViewSet(ReadOnlyViewSet):
    """Words attributed to actors, verbatim or paraphrased, with how each side reads them.
    Filters as on the site's statement list."""

    queryset = (
        Statement.objects.with_details()
        .prefetch_related(
            Prefetch("channels", queryset=Channel.objects.only("id", "slug")),
            Prefetch("sticking_points", queryset=ids_only(StickingPoint)),
        )
        # Undated statements count as the oldest (a cursor cannot hold a null).
        .annotate(said_sort=Coalesce("said_earliest", Value(date.min)))
    )
    serializer_class = serializers.StatementSerializer
    filterset_class = filters.StatementFilter
    ordering_fields = {"said": "said_sort", "id": "id"}
    ordering = ("-said_sort", "-id")


# --- Actors, counterparts, sticking points, sources --------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Actors (states, institutions, people) with their offices"),
    retrieve=extend_schema(summary="One actor with the offices held"),
)
class ActorViewSet(ReadOnlyViewSet):
    """States, institutions and people; a person's offices with their dates and sources.
    Filters as on the site's actor list."""

    queryset = Actor.objects.select_related("state", "parent").prefetch_related(
        cited(),
        Prefetch(
            "office_holdings",
            queryset=OfficeHolding.objects.select_related("office__institution")
            .prefetch_related(cited())
            .order_by(F("start_earliest").asc(nulls_first=True), "id"),
        ),
    )
    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = {"name": "name", "slug": "slug", "id": "id"}
    ordering = ("name", "id")


@extend_schema_view(
    list=extend_schema(summary="Counterpart claims: who each side holds to be the counterpart"),
    retrieve=extend_schema(summary="One counterpart claim"),
)
class CounterpartClaimViewSet(ReadOnlyViewSet):
    """Who one side holds to be the right counterpart for an office on a channel."""

    queryset = CounterpartClaim.objects.select_related(
        "channel",
        "office__institution",
        "claimant",
        "counterpart_office__institution",
        "counterpart_person",
    ).prefetch_related(cited(), Prefetch("sticking_points", queryset=ids_only(StickingPoint)))
    serializer_class = serializers.CounterpartClaimSerializer
    filterset_class = filters.CounterpartClaimFilter


@extend_schema_view(
    list=extend_schema(summary="Sticking points: what stands in the way on each channel"),
    retrieve=extend_schema(summary="One sticking point"),
)
class StickingPointViewSet(ReadOnlyViewSet):
    """Named obstacles on channels, open or resolved, with the statements, counterpart claims
    and engagements they are made of or block."""

    queryset = StickingPoint.objects.select_related("channel").prefetch_related(
        cited(),
        Prefetch("statements", queryset=ids_only(Statement)),
        Prefetch("counterpart_claims", queryset=ids_only(CounterpartClaim)),
        Prefetch("engagements", queryset=ids_only(Engagement)),
    )
    serializer_class = serializers.StickingPointSerializer
    filterset_class = filters.StickingPointFilter
    ordering_fields = {"title": "title", "id": "id"}


@extend_schema_view(
    list=extend_schema(summary="Sources, most recently published first, with their citations"),
    retrieve=extend_schema(summary="One source with every passage cited from it"),
)
class SourceViewSet(ReadOnlyViewSet):
    """The documents facts come from, each with the passages cited and the facts they support.
    Filters as on the site's source list."""

    queryset = Source.objects.with_citation_count().prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("content_type").prefetch_related(
                GenericPrefetch(
                    "fact",
                    [
                        OfficeHolding.objects.select_related("person"),
                        Office.objects.select_related("institution"),
                    ],
                )
            ),
        )
    )
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    ordering_fields = {"published": "published_earliest", "outlet": "outlet", "id": "id"}
    ordering = ("-published_earliest", "-id")


# --- Errors ------------------------------------------------------------------------------------


def _summary(errors) -> str:
    if isinstance(errors, dict):
        parts = [
            f"{name}: {message}"
            for name, messages in errors.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    else:
        parts = [str(message) for message in errors]
    return "Invalid request. " + " ".join(parts)


def exception_handler(exc, context):
    """DRF's handler, with bad parameters answered as `{"detail": …, "errors": {name: […]}}`
    so that every refusal has a `detail` message."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"request": response.data}
        response.data = {"detail": _summary(errors), "errors": errors}
    return response


class APIRootView(routers.APIRootView):
    """Diplomacy Monitor's records, read-only, as JSON: channels and their status changes,
    engagements, statements, actors, counterpart claims, sticking points and the sources behind
    them. Every list filters and pages as the site's lists do; `/api/docs/` describes each."""

    def get_view_name(self) -> str:
        return "Diplomacy Monitor API"


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, like the API's own."""
    return JsonResponse({"detail": "Not found."}, status=404)
