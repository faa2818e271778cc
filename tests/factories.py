"""Factories for test data. They write rows directly (not through services) so tests can build
any shape of data quickly; tests of the rules call `events.services` themselves."""

from datetime import date

import factory

from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    Channel,
    Citation,
    Engagement,
    EngagementTransition,
    Office,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = "major_outlet"
    outlet = factory.Sequence(lambda n: f"Outlet {n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    published_earliest = date(2025, 9, 5)
    published_latest = date(2025, 9, 5)
    published_precision = "day"


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    kind = "state"
    name = factory.Sequence(lambda n: f"State {n}")
    short_name = factory.Sequence(lambda n: f"S{n}")
    slug = factory.Sequence(lambda n: f"state-{n}")


class InstitutionFactory(StateFactory):
    kind = "institution"
    name = factory.Sequence(lambda n: f"Ministry {n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")
    state = factory.SubFactory(StateFactory)


class PersonFactory(StateFactory):
    kind = "person"
    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    state = factory.SubFactory(StateFactory)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    title = factory.Sequence(lambda n: f"Minister {n}")
    institution = factory.SubFactory(InstitutionFactory)


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    party_a = factory.SubFactory(StateFactory)
    party_b = factory.SubFactory(StateFactory)
    track = "military"
    slug = factory.Sequence(lambda n: f"channel-{n}")


def cite(fact, source=None, passage="Supporting passage."):
    return Citation.objects.create(fact=fact, source=source or SourceFactory(), passage=passage)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    channel = factory.SubFactory(ChannelFactory)
    status = "open"
    explanation = "Because."
    date_earliest = date(2025, 7, 11)
    date_latest = date(2025, 7, 11)
    date_precision = "day"


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    channel = factory.SubFactory(ChannelFactory)
    kind = "meeting"
    title = factory.Sequence(lambda n: f"Meeting {n}")
    state = "proposed"
    when_earliest = date(2025, 9, 1)
    when_latest = date(2025, 9, 10)
    when_precision = "part_of_month"


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementTransition

    engagement = factory.SubFactory(EngagementFactory)
    from_state = ""
    to_state = "proposed"
    date_earliest = date(2025, 9, 1)
    date_latest = date(2025, 9, 1)
    date_precision = "day"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    engagement = factory.SubFactory(EngagementFactory)
    actor = factory.SubFactory(PersonFactory)
    side = factory.LazyAttribute(lambda o: o.engagement.channel.party_a)
    role = "principal"


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    speaker = factory.SubFactory(PersonFactory)
    text = factory.Sequence(lambda n: f"Words number {n}.")
    stance = "neutral"


class StickingPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StickingPoint

    channel = factory.SubFactory(ChannelFactory)
    title = factory.Sequence(lambda n: f"Obstacle {n}")
    kind = "incident"
    description = "It blocks the channel."


def fuzzy(text: str) -> FuzzyDate:
    return FuzzyDate.parse(text)
