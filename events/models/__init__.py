"""The records of Diplomacy Monitor: who the actors are, which channels link them, what contact
happened or is expected on each, what was said, what stands in the way, and the source behind
every fact.

One module per family, each QuerySet beside its model; the vocabularies live in
`events.vocabularies`, reads across models in `events.selectors`, writes in `events.services`.
Modules import each other in one direction only (sources → actors → channels → engagements →
statements → obstacles), so no import runs in a circle.
"""

from events.models.actors import Actor, ActorQuerySet, Office, OfficeHolding
from events.models.channels import (
    Channel,
    ChannelQuerySet,
    StatusChange,
    StatusChangeQuerySet,
    either_party,
    party_named,
)
from events.models.engagements import (
    Characterisation,
    Engagement,
    EngagementQuerySet,
    EngagementTransition,
    Participation,
)
from events.models.obstacles import CounterpartClaim, StickingPoint, StickingPointQuerySet
from events.models.personal import BoardVisit, FeedToken, Follow, FollowQuerySet
from events.models.sources import (
    Citation,
    CitedModel,
    IntakeDecision,
    Source,
    SourceQuerySet,
    cited,
    reported_by,
)
from events.models.statements import Interpretation, Statement, StatementQuerySet
from events.models.summaries import ChannelActivity, ChannelSummary
from events.models.system import DataVersion, SearchEntry

__all__ = [
    "Actor",
    "ActorQuerySet",
    "BoardVisit",
    "Channel",
    "ChannelActivity",
    "ChannelQuerySet",
    "ChannelSummary",
    "Characterisation",
    "Citation",
    "CitedModel",
    "CounterpartClaim",
    "DataVersion",
    "Engagement",
    "EngagementQuerySet",
    "EngagementTransition",
    "FeedToken",
    "Follow",
    "FollowQuerySet",
    "IntakeDecision",
    "Interpretation",
    "Office",
    "OfficeHolding",
    "Participation",
    "SearchEntry",
    "Source",
    "SourceQuerySet",
    "Statement",
    "StatementQuerySet",
    "StatusChange",
    "StatusChangeQuerySet",
    "StickingPoint",
    "StickingPointQuerySet",
    "cited",
    "either_party",
    "party_named",
    "reported_by",
]
