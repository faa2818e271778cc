"""Test data in bulk, for the tests that measure pages at two sizes (query counts): one builder,
so that every page and API list is measured on the same shape of data."""

from dataclasses import dataclass
from datetime import date

from events import search
from events.models import (
    Actor,
    Channel,
    Characterisation,
    CounterpartClaim,
    Interpretation,
    OfficeHolding,
)
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    OfficeFactory,
    ParticipationFactory,
    PersonFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
    cite,
)

SEPT_1 = {"date_earliest": date(2025, 9, 1), "date_latest": date(2025, 9, 1)}


@dataclass
class World:
    """What one `populate` call made: what the URLs of the pages measured need."""

    channels: list[Channel]  # in the order they were made
    hub: str  # slug of a person in every engagement, the speaker of every statement
    status: str  # the first channel's status today

    @property
    def channel(self) -> str:
        """The first channel's slug."""
        return self.channels[0].slug

    @property
    def party(self) -> str:
        """The slug of the first channel's first party."""
        return self.channels[0].party_a.slug


def populate(channels: int, per_channel: int) -> World:
    """`channels` channels, each cited and with `per_channel` of every record a page or an API
    list shows — status changes, engagements (with an initiator, steps, participants,
    descriptions), statements (with readings), offices and their holders, counterpart claims,
    sticking points (linked to statements, claims and engagements) — every one cited, each
    citation with a source of its own, and all of it searchable. Every other engagement is held,
    with a second step. One person takes part in all of it; every state is in Europe."""
    # Written with the search index's signals off and indexed once at the end, as a bulk load is
    # (events.search.reindex_all): the same entries, without re-reading each record's related
    # rows after every save.
    indexing = search.signals_connected()
    search.disconnect_signals()
    try:
        hub = PersonFactory()
        made = [channel_with_records(per_channel, hub) for _ in range(channels)]
    finally:
        if indexing:
            search.connect_signals()
    search.reindex_all()
    Actor.objects.filter(kind="state").update(region="europe")
    status = made[0].status_changes.newest_first().first().status
    return World(channels=made, hub=hub.slug, status=status)


def channel_with_records(per_channel: int, hub: Actor) -> Channel:
    channel = ChannelFactory()
    for i in range(per_channel):
        cite(StatusChangeFactory(channel=channel, status=["open", "stalled"][i % 2]))
        held = i % 2 == 1
        engagement = EngagementFactory(
            channel=channel, initiator=channel.party_a, state="held" if held else "proposed"
        )
        cite(engagement)
        cite(TransitionFactory(engagement=engagement))
        if held:
            cite(
                TransitionFactory(
                    engagement=engagement, from_state="proposed", to_state="held", **SEPT_1
                )
            )
        cite(ParticipationFactory(engagement=engagement, actor=hub))
        cite(ParticipationFactory(engagement=engagement))
        cite(
            Characterisation.objects.create(
                engagement=engagement, side=channel.party_a, words="constructive"
            )
        )
        statement = StatementFactory(
            speaker=hub,
            stance=["hostile", "neutral"][i % 2],
            toward=channel.party_b,
            said_earliest=date(2025, 8, 1),
            said_latest=date(2025, 8, 31),
            said_precision="month",
            venue="Somewhere",
        )
        statement.channels.add(channel)
        cite(statement)
        cite(
            Interpretation.objects.create(
                statement=statement, side=channel.party_a, emphasis="highlights", reading="…"
            )
        )
        office = OfficeFactory()
        cite(office)
        cite(
            OfficeHolding.objects.create(
                person=hub,
                office=office,
                start_earliest=date(2025, 1, 1),
                start_latest=date(2025, 1, 31),
                start_precision="month",
            )
        )
        # Where the engagement was held, its claim was settled and its sticking point resolved
        # (so the timeline and the feeds show every kind of item).
        ended = {"ended_earliest": date(2025, 9, 1), "ended_latest": date(2025, 9, 1)}
        claim = CounterpartClaim.objects.create(
            channel=channel,
            office=office,
            claimant=channel.party_a,
            counterpart_office=OfficeFactory(),
            counterpart_person=PersonFactory(),
            **({"outcome": "settled", **ended, "ended_precision": "day"} if held else {}),
        )
        cite(claim)
        resolved = {"resolved_earliest": date(2025, 9, 1), "resolved_latest": date(2025, 9, 1)}
        point = StickingPointFactory(
            channel=channel,
            raised_earliest=date(2025, 8, 1),
            raised_latest=date(2025, 8, 1),
            raised_precision="day",
            **({"state": "resolved", **resolved, "resolved_precision": "day"} if held else {}),
        )
        point.statements.add(statement)
        point.counterpart_claims.add(claim)
        point.engagements.add(engagement)
        cite(point)
    # Last, so that the newest sources (a first page of them) cite every kind of record.
    cite(channel)
    return channel
