"""The tables the demo data writes, and the columns it gives each: the writers add rows in this
order of values. Columns left out take their field's default (see `bulk.Table`).
"""

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
    SearchEntry,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.offline.demo.bulk import Writer


class Tables:
    """One `bulk.Table` per model written, opened in this order (the order they are flushed
    in at the end)."""

    def __init__(self, writer: Writer) -> None:
        w = writer
        actor_fields = [
            "kind",
            "name",
            "short_name",
            "slug",
            "aliases",
            "state_id",
            "parent_id",
            "description",
        ]
        self.actor_has_region = any(f.attname == "region" for f in Actor._meta.concrete_fields)
        if self.actor_has_region:
            actor_fields.append("region")
        self.actor = w.table(Actor, actor_fields)
        self.office = w.table(Office, ["title", "institution_id", "description"])
        self.holding = w.table(
            OfficeHolding,
            [
                "person_id",
                "office_id",
                "start_earliest",
                "start_latest",
                "start_precision",
                "end_earliest",
                "end_latest",
                "end_precision",
            ],
        )
        self.source = w.table(
            Source,
            [
                "kind",
                "outlet",
                "title",
                "url",
                "published_earliest",
                "published_latest",
                "published_precision",
                "relays",
                "notes",
                "text",
                "created_at",
            ],
        )
        self.channel = w.table(Channel, ["party_a_id", "party_b_id", "track", "slug", "summary"])
        self.status_change = w.table(
            StatusChange,
            [
                "channel_id",
                "status",
                "trend",
                "confidence",
                "date_earliest",
                "date_latest",
                "date_precision",
                "explanation",
                "shown_from",
                "recorded_at",
                "changed_at",
            ],
        )
        self.engagement = w.table(
            Engagement,
            [
                "channel_id",
                "kind",
                "title",
                "state",
                "when_earliest",
                "when_latest",
                "when_precision",
                "location",
                "initiator_id",
                "purpose",
                "significance",
            ],
        )
        self.step = w.table(
            EngagementTransition,
            [
                "engagement_id",
                "from_state",
                "to_state",
                "date_earliest",
                "date_latest",
                "date_precision",
                "note",
                "recorded_at",
                "changed_at",
            ],
        )
        self.participation = w.table(
            Participation,
            [
                "engagement_id",
                "actor_id",
                "side_id",
                "role",
                "attendance",
            ],
        )
        self.characterisation = w.table(
            Characterisation, ["engagement_id", "side_id", "words", "recorded_at", "changed_at"]
        )
        self.statement = w.table(
            Statement,
            [
                "speaker_id",
                "text",
                "is_verbatim",
                "said_earliest",
                "said_latest",
                "said_precision",
                "venue",
                "stance",
                "toward_id",
                "recorded_at",
                "changed_at",
            ],
        )
        self.statement_channel = w.table(Statement.channels.through, ["statement_id", "channel_id"])
        self.interpretation = w.table(
            Interpretation,
            [
                "statement_id",
                "side_id",
                "emphasis",
                "reading",
            ],
        )
        self.claim = w.table(
            CounterpartClaim,
            [
                "channel_id",
                "office_id",
                "claimant_id",
                "counterpart_office_id",
                "counterpart_person_id",
                "rationale",
                "recorded_at",
                "changed_at",
            ],
        )
        self.point = w.table(
            StickingPoint,
            [
                "channel_id",
                "title",
                "kind",
                "state",
                "description",
                "raised_earliest",
                "raised_latest",
                "raised_precision",
                "resolved_earliest",
                "resolved_latest",
                "resolved_precision",
                "recorded_at",
                "changed_at",
            ],
        )
        self.point_statement = w.table(
            StickingPoint.statements.through, ["stickingpoint_id", "statement_id"]
        )
        self.point_claim = w.table(
            StickingPoint.counterpart_claims.through, ["stickingpoint_id", "counterpartclaim_id"]
        )
        self.point_engagement = w.table(
            StickingPoint.engagements.through, ["stickingpoint_id", "engagement_id"]
        )
        self.citation = w.table(
            Citation,
            [
                "source_id",
                "content_type_id",
                "object_id",
                "passage",
                "passage_is_verbatim",
                "locator",
                "claim",
            ],
        )
        self.search_entry = w.table(SearchEntry, ["content_type_id", "object_id", "title", "body"])
