"""Reads: every page starts from one of these QuerySet methods.

The board and channel pages run a fixed number of queries however many rows exist: summaries
are correlated subqueries on one channel query, and related rows come in one prefetch each.
"""

from datetime import date

from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery


def _models():
    # Imported late: models.py imports this module to attach the managers.
    from events import models as m

    return m


def cited() -> Prefetch:
    """Prefetch a record's citations with their sources (one query per record type)."""
    m = _models()
    return Prefetch("citations", queryset=m.Citation.objects.select_related("source"))


class StatusChangeQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-date_earliest", "-date_latest", "-id")

    def as_of(self, day: date | None):
        """Changes that had happened by `day` (their earliest possible date is on or before it)."""
        return self if day is None else self.filter(date_earliest__lte=day)


class EngagementQuerySet(models.QuerySet):
    def held(self):
        return self.filter(state=_models().EngagementState.HELD)

    def open(self):
        return self.filter(state__in=_models().OPEN_ENGAGEMENT_STATES)

    def last_held_first(self):
        return self.order_by(F("when_latest").desc(nulls_last=True), "-when_earliest", "-id")

    def soonest_first(self):
        return self.order_by(F("when_earliest").asc(nulls_last=True), "when_latest", "id")

    def with_details(self):
        m = _models()
        return self.select_related(
            "channel__party_a", "channel__party_b", "initiator"
        ).prefetch_related(
            cited(),
            Prefetch(
                "participations",
                queryset=m.Participation.objects.select_related("actor", "side").prefetch_related(
                    cited()
                ),
            ),
            Prefetch(
                "transitions",
                queryset=m.EngagementTransition.objects.order_by(
                    "date_earliest", "id"
                ).prefetch_related(cited()),
            ),
            Prefetch(
                "characterisations",
                queryset=m.Characterisation.objects.select_related("side").prefetch_related(
                    cited()
                ),
            ),
        )


class StatementQuerySet(models.QuerySet):
    def with_details(self):
        m = _models()
        return self.select_related("speaker", "toward").prefetch_related(
            cited(),
            Prefetch(
                "interpretations",
                queryset=m.Interpretation.objects.select_related("side").prefetch_related(cited()),
            ),
        )


class ChannelQuerySet(models.QuerySet):
    def with_parties(self):
        return self.select_related("party_a", "party_b")

    def with_board_summary(self, as_of: date | None = None):
        """Annotate each channel with the ids of its current status change, last contact and
        next expected engagement, and its count of open sticking points — one query."""
        m = _models()
        latest_status = (
            m.StatusChange.objects.filter(channel=OuterRef("pk")).as_of(as_of).newest_first()
        )
        last_contact = m.Engagement.objects.filter(channel=OuterRef("pk")).held().last_held_first()
        next_expected = m.Engagement.objects.filter(channel=OuterRef("pk")).open().soonest_first()
        return self.with_parties().annotate(
            current_status_id=Subquery(latest_status.values("pk")[:1]),
            current_status_value=Subquery(latest_status.values("status")[:1]),
            last_contact_id=Subquery(last_contact.values("pk")[:1]),
            next_engagement_id=Subquery(next_expected.values("pk")[:1]),
            open_sticking_points=Count(
                "sticking_points", filter=Q(sticking_points__state="open"), distinct=True
            ),
        )

    def board(self, as_of: date | None = None) -> list:
        """The board's cards: channels with `current_status`, `last_contact` and
        `next_engagement` attached as objects. Four queries, whatever the number of channels."""
        m = _models()
        channels = list(self.with_board_summary(as_of))
        status_ids = [c.current_status_id for c in channels if c.current_status_id]
        engagement_ids = [
            pk for c in channels for pk in (c.last_contact_id, c.next_engagement_id) if pk
        ]
        statuses = m.StatusChange.objects.in_bulk(status_ids)
        engagements = (
            m.Engagement.objects.select_related("initiator")
            .prefetch_related(cited())
            .in_bulk(engagement_ids)
        )
        for channel in channels:
            channel.current_status = statuses.get(channel.current_status_id)
            channel.last_contact = engagements.get(channel.last_contact_id)
            channel.next_engagement = engagements.get(channel.next_engagement_id)
        return channels

    def for_status_board(self):
        """Everything a channel's status board shows, prefetched."""
        m = _models()
        return self.with_parties().prefetch_related(
            cited(),
            Prefetch(
                "status_changes",
                queryset=m.StatusChange.objects.newest_first().prefetch_related(cited()),
            ),
            Prefetch("engagements", queryset=m.Engagement.objects.with_details().soonest_first()),
            Prefetch(
                "counterpart_claims",
                queryset=m.CounterpartClaim.objects.select_related(
                    "office__institution",
                    "claimant",
                    "counterpart_office__institution",
                    "counterpart_person",
                ).prefetch_related(cited()),
            ),
            Prefetch(
                "sticking_points",
                queryset=m.StickingPoint.objects.annotate(
                    open_first=models.Case(
                        models.When(state="open", then=0),
                        default=1,
                        output_field=models.IntegerField(),
                    )
                )
                .order_by("open_first", "title")
                .prefetch_related(
                    cited(),
                    Prefetch("statements", queryset=m.Statement.objects.select_related("speaker")),
                    Prefetch(
                        "counterpart_claims",
                        queryset=m.CounterpartClaim.objects.select_related("claimant", "office"),
                    ),
                ),
            ),
            Prefetch(
                "statements",
                queryset=m.Statement.objects.with_details().order_by(
                    F("said_earliest").desc(nulls_last=True), "id"
                ),
            ),
        )
