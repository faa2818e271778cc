"""Loads the curated seed files in `seeds/` (TOML) into the database.

Records refer to each other by key (actor slugs, channel slugs, and `key` fields). Every record
is looked up by its natural key first, so loading twice changes nothing. Every write goes
through `events.services`, with the same rules as an editor's, and keeps a version.
"""

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import reversion
from django.db import transaction

from events import services
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)

# The history comment of every record the seed loader writes.
SEED_COMMENT = "Loaded from the seed files"


class SeedError(Exception):
    """A seed file refers to something that does not exist or holds an invalid value."""


class SeedLoader:
    def __init__(self) -> None:
        self.sources: dict[str, Source] = {}
        self.offices: dict[str, Office] = {}
        self.engagements: dict[str, Engagement] = {}
        self.statements: dict[str, Statement] = {}
        self.claims: dict[str, CounterpartClaim] = {}
        self.created = 0

    # --- lookups -------------------------------------------------------------------------------

    def actor(self, slug: str | None) -> Actor | None:
        if not slug:
            return None
        try:
            return Actor.objects.get(slug=slug)
        except Actor.DoesNotExist:
            raise SeedError(f"Unknown actor “{slug}”.") from None

    def channel(self, slug: str) -> Channel:
        try:
            return Channel.objects.get(slug=slug)
        except Channel.DoesNotExist:
            raise SeedError(f"Unknown channel “{slug}”.") from None

    @staticmethod
    def _keyed(table: dict, key: str, what: str):
        try:
            return table[key]
        except KeyError:
            raise SeedError(f"Unknown {what} “{key}”.") from None

    @staticmethod
    def date(text: str | None) -> FuzzyDate | None:
        return FuzzyDate.parse(text) if text else None

    def citations(self, items: Iterable[dict[str, Any]]) -> list[services.CitationInput]:
        return [
            services.CitationInput(
                source=self._keyed(self.sources, item["source"], "source"),
                passage=item["passage"],
                passage_is_verbatim=item.get("verbatim", False),
                locator=item.get("locator", ""),
                claim=item.get("claim", ""),
                relays=item.get("relays", ""),
                relays_kind=item.get("relays_kind", ""),
            )
            for item in items
        ]

    def cite(self, fact, items: Iterable[dict[str, Any]]) -> None:
        """Add the citations `fact` does not have yet."""
        for citation in self.citations(items):
            exists = Citation.objects.filter(
                content_type__model=fact._meta.model_name,
                object_id=fact.pk,
                source=citation.source,
                passage=citation.passage,
            ).exists()
            if not exists:
                services.citation_add(
                    fact=fact,
                    source=citation.source,
                    passage=citation.passage,
                    passage_is_verbatim=citation.passage_is_verbatim,
                    locator=citation.locator,
                    claim=citation.claim,
                    relays=citation.relays,
                    relays_kind=citation.relays_kind,
                )

    def _get_or_create(self, model, lookup: dict, defaults: dict, dates: dict | None = None):
        obj = model.objects.filter(**lookup).first()
        if obj is not None:
            return obj
        obj = model(**lookup, **defaults)
        for name, value in (dates or {}).items():
            setattr(obj, name, value)
        obj.full_clean()
        services.record_save(record=obj, comment=SEED_COMMENT)
        self.created += 1
        return obj

    @staticmethod
    def link(record, name: str, related: list) -> None:
        """Add `related` to the record's many-to-many `name`, keeping what is there."""
        current = set(getattr(record, name).all())
        if set(related) - current:
            services.record_links_set(
                record=record, links={name: [*current, *related]}, comment=SEED_COMMENT
            )

    # --- sections ------------------------------------------------------------------------------

    def load(self, data: dict[str, Any]) -> None:
        for section in (
            "sources",
            "actors",
            "offices",
            "holdings",
            "holding_dates",
            "channels",
            "status_changes",
            "engagements",
            "participations",
            "engagement_details",
            "statements",
            "statement_details",
            "counterpart_claims",
            "sticking_points",
        ):
            for item in data.get(section, []):
                getattr(self, f"load_{section}")(item)

    def load_sources(self, item: dict) -> None:
        self.sources[item["key"]] = self._get_or_create(
            Source,
            {"outlet": item["outlet"], "title": item["title"]},
            {
                "kind": item["kind"],
                "url": item.get("url", ""),
                "relays": item.get("relays", ""),
                "notes": item.get("notes", ""),
            },
            {"published": self.date(item["published"])},
        )

    def load_actors(self, item: dict) -> None:
        # States first: an actor's state or parent must exist before it.
        self._get_or_create(
            Actor,
            {"slug": item["slug"]},
            {
                "kind": item["kind"],
                "name": item["name"],
                "short_name": item.get("short_name", ""),
                "aliases": "\n".join(item.get("aliases", [])),
                "state": self.actor(item.get("state")),
                "parent": self.actor(item.get("parent")),
                "description": item.get("description", ""),
                "region": item.get("region", ""),
            },
        )

    def load_offices(self, item: dict) -> None:
        self.offices[item["key"]] = self._get_or_create(
            Office,
            {"institution": self.actor(item["institution"]), "title": item["title"]},
            {
                "description": item.get("description", ""),
                "aliases": "\n".join(item.get("aliases", [])),
            },
        )

    def load_holdings(self, item: dict) -> None:
        holding = self._get_or_create(
            OfficeHolding,
            {
                "person": self.actor(item["person"]),
                "office": self._keyed(self.offices, item["office"], "office"),
            },
            {},
            {"start": self.date(item.get("start")), "end": self.date(item.get("end"))},
        )
        self.cite(holding, item.get("citations", []))

    def load_holding_dates(self, item: dict) -> None:
        holding = OfficeHolding.objects.get(
            person=self.actor(item["person"]),
            office=self._keyed(self.offices, item["office"], "office"),
        )
        if holding.start is None and item.get("start"):
            holding.start = self.date(item["start"])
            services.record_save(record=holding, comment=SEED_COMMENT)
        self.cite(holding, item.get("citations", []))

    def load_channels(self, item: dict) -> None:
        if Channel.objects.filter(slug=item["slug"]).exists():
            return
        services.channel_create(
            party_a=self.actor(item["party_a"]),
            party_b=self.actor(item["party_b"]),
            track=item["track"],
            slug=item["slug"],
            summary=item.get("summary", ""),
            citations=self.citations(item.get("citations", [])),
        )
        self.created += 1

    def load_status_changes(self, item: dict) -> None:
        channel = self.channel(item["channel"])
        date = self.date(item["date"])
        if date is None:
            raise SeedError(f"The status change of “{item['channel']}” needs a date.")
        if StatusChange.objects.filter(
            channel=channel,
            status=item["status"],
            date_earliest=date.earliest,
            date_latest=date.latest,
        ).exists():
            return
        services.status_change_record(
            channel=channel,
            status=item["status"],
            date=date,
            trend=item.get("trend", "unchanged"),
            confidence=item.get("confidence", "medium"),
            explanation=item["explanation"],
            citations=self.citations(item["citations"]),
        )
        self.created += 1

    def load_engagements(self, item: dict) -> None:
        channel = self.channel(item["channel"])
        engagement = Engagement.objects.filter(channel=channel, title=item["title"]).first()
        if engagement is None:
            engagement = Engagement(
                channel=channel,
                kind=item["kind"],
                title=item["title"],
                location=item.get("location", ""),
                initiator=self.actor(item.get("initiator")),
                purpose=item.get("purpose", ""),
                significance=item.get("significance", ""),
            )
            engagement.when = self.date(item.get("when"))
            services.engagement_create(
                engagement=engagement,
                state=item["state"],
                reported=self.date(item["reported"]),
                note=item.get("note", ""),
                citations=self.citations(item["citations"]),
            )
            self.created += 1
        self.engagements[item["key"]] = engagement
        for participant in item.get("participants", []):
            self.load_participations({**participant, "engagement": item["key"]})
        for described in item.get("characterisations", []):
            characterisation = self._get_or_create(
                Characterisation,
                {
                    "engagement": engagement,
                    "side": self.actor(described["side"]),
                    "words": described["words"],
                },
                {},
            )
            self.cite(characterisation, described.get("citations", []))

    def load_participations(self, item: dict) -> None:
        participation = self._get_or_create(
            Participation,
            {
                "engagement": self._keyed(self.engagements, item["engagement"], "engagement"),
                "actor": self.actor(item["actor"]),
            },
            {
                "side": self.actor(item["side"]),
                "role": item["role"],
                "attendance": item.get("attendance", "confirmed"),
                "replaced_by": self.actor(item.get("replaced_by")),
            },
        )
        self.cite(participation, item.get("citations", []))

    def load_engagement_details(self, item: dict) -> None:
        engagement = self._keyed(self.engagements, item["engagement"], "engagement")
        if "location" in item and engagement.location != item["location"]:
            engagement.location = item["location"]
            services.record_save(record=engagement, comment=SEED_COMMENT)
        self.cite(engagement, item.get("citations", []))

    def load_statements(self, item: dict) -> None:
        speaker = self.actor(item["speaker"])
        statement = self._get_or_create(
            Statement,
            {"speaker": speaker, "text": item["text"]},
            {
                "is_verbatim": item.get("verbatim", True),
                "venue": item.get("venue", ""),
                "stance": item["stance"],
                "toward": self.actor(item.get("toward")),
            },
            {"said": self.date(item.get("said"))},
        )
        self.link(statement, "channels", [self.channel(s) for s in item.get("channels", [])])
        self.cite(statement, item["citations"])
        self.statements[item["key"]] = statement
        for reading in item.get("interpretations", []):
            interpretation = self._get_or_create(
                Interpretation,
                {"statement": statement, "side": self.actor(reading["side"])},
                {"emphasis": reading["emphasis"], "reading": reading["reading"]},
            )
            self.cite(interpretation, reading.get("citations", []))

    def load_statement_details(self, item: dict) -> None:
        statement = self._keyed(self.statements, item["statement"], "statement")
        if statement.said is None and item.get("said"):
            statement.said = self.date(item["said"])
            statement.venue = item.get("venue", statement.venue)
            services.record_save(record=statement, comment=SEED_COMMENT)
        self.cite(statement, item.get("citations", []))

    def load_counterpart_claims(self, item: dict) -> None:
        """A claim, standing or (with `outcome`, `ended`, `outcome_note` and `ended_citations`,
        the passages that say how it ended) settled or superseded."""
        claim = self._get_or_create(
            CounterpartClaim,
            {
                "channel": self.channel(item["channel"]),
                "office": self._keyed(self.offices, item["office"], "office"),
                "claimant": self.actor(item["claimant"]),
                "counterpart_office": self.offices.get(item.get("counterpart_office", "")),
                "counterpart_person": self.actor(item.get("counterpart_person")),
            },
            {"rationale": item.get("rationale", "")},
            {"stated": self.date(item.get("stated"))},
        )
        self.cite(claim, item["citations"])
        outcome = item.get("outcome", "standing")
        if outcome != "standing" and claim.outcome == "standing":
            services.counterpart_claim_end(
                claim=claim,
                outcome=outcome,
                ended=self.date(item.get("ended")),
                note=item.get("outcome_note", ""),
                citations=self.citations(item.get("ended_citations", [])),
            )
        self.claims[item["key"]] = claim

    def load_sticking_points(self, item: dict) -> None:
        point = self._get_or_create(
            StickingPoint,
            {"channel": self.channel(item["channel"]), "title": item["title"]},
            {"kind": item["kind"], "state": item["state"], "description": item["description"]},
            {"raised": self.date(item.get("raised")), "resolved": self.date(item.get("resolved"))},
        )
        for name, table, what in (
            ("statements", self.statements, "statement"),
            ("counterpart_claims", self.claims, "counterpart claim"),
            ("engagements", self.engagements, "engagement"),
        ):
            self.link(point, name, [self._keyed(table, key, what) for key in item.get(name, [])])
        self.cite(point, item["citations"])


def load_seed_files(paths: Iterable[Path]) -> int:
    """Load the files in order, all or nothing; returns the number of records created. Every
    record written goes through `events.services` and joins one version, so each has a history
    entry saying it came from the seed files."""
    loader = SeedLoader()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(SEED_COMMENT)
        for path in paths:
            with path.open("rb") as handle:
                try:
                    data = tomllib.load(handle)
                except tomllib.TOMLDecodeError as error:
                    raise SeedError(f"{path.name}: {error}") from error
            try:
                loader.load(data)
            except SeedError as error:
                raise SeedError(f"{path.name}: {error}") from error
    return loader.created
