"""The vocabularies of the records: every choice list and the engagement lifecycle's allowed steps.

Forms, filters, template tags and querysets import these without importing the models; the models
turn each into a database CHECK constraint (`events.fields.choice_constraint`), so a value outside
its vocabulary is refused whoever writes the row.
"""

from django.db import models


class SourceKind(models.TextChoices):
    OFFICIAL_READOUT = "official_readout", "Official readout"
    TRANSCRIPT = "transcript", "Official transcript"
    OFFICIAL_STATEMENT = "official_statement", "Official statement or profile"
    MAJOR_OUTLET = "major_outlet", "Major outlet citing officials"
    SECONDARY_REPORT = "secondary_report", "Secondary report"
    OTHER = "other", "Other"


class ActorKind(models.TextChoices):
    STATE = "state", "State"
    INSTITUTION = "institution", "Institution"
    PERSON = "person", "Person"


class Region(models.TextChoices):
    """World regions for grouping and filtering states on the board."""

    NORTH_AMERICA = "north_america", "North America"
    LATIN_AMERICA = "latin_america", "Latin America and the Caribbean"
    EUROPE = "europe", "Europe"
    MIDDLE_EAST = "middle_east", "Middle East and North Africa"
    AFRICA = "africa", "Sub-Saharan Africa"
    CENTRAL_ASIA = "central_asia", "Central Asia"
    SOUTH_ASIA = "south_asia", "South Asia"
    EAST_ASIA = "east_asia", "East Asia"
    SOUTHEAST_ASIA = "southeast_asia", "Southeast Asia"
    OCEANIA = "oceania", "Oceania"


class Track(models.TextChoices):
    MILITARY = "military", "Military-to-military"
    DIPLOMATIC = "diplomatic", "Diplomatic"
    LEADERS = "leaders", "Leaders (summit)"
    ECONOMIC = "economic", "Economic"
    MULTILATERAL = "multilateral", "Multilateral forum"


class ChannelStatus(models.TextChoices):
    """How a channel stands. Each value has a badge label, symbol and colour (see `BADGES`)."""

    OPEN = "open", "Open"
    LIMITED = "limited", "Limited"
    STALLED = "stalled", "Stalled"
    FROZEN = "frozen", "Frozen"


class Trend(models.TextChoices):
    IMPROVING = "improving", "Improving"
    UNCHANGED = "unchanged", "Unchanged"
    DETERIORATING = "deteriorating", "Deteriorating"


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class EngagementKind(models.TextChoices):
    PHONE_CALL = "phone_call", "Phone call"
    VIDEO_CALL = "video_call", "Video call"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Visit"
    SUMMIT = "summit", "Summit"
    FORUM = "forum", "Forum attendance"
    DIALOGUE_ROUND = "dialogue_round", "Dialogue round"


class EngagementState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    DECLINED = "declined", "Declined"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


# The lifecycle, as data: which states an engagement may move to from each state. "" is the
# state before the first record. Held, declined and cancelled are final.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    "": {EngagementState.PROPOSED, EngagementState.SCHEDULED, EngagementState.HELD},
    EngagementState.PROPOSED: {
        EngagementState.SCHEDULED,
        EngagementState.HELD,
        EngagementState.DECLINED,
        EngagementState.POSTPONED,
        EngagementState.CANCELLED,
    },
    EngagementState.SCHEDULED: {
        EngagementState.HELD,
        EngagementState.POSTPONED,
        EngagementState.CANCELLED,
    },
    EngagementState.POSTPONED: {
        EngagementState.SCHEDULED,
        EngagementState.CANCELLED,
    },
    EngagementState.HELD: set(),
    EngagementState.DECLINED: set(),
    EngagementState.CANCELLED: set(),
}


OPEN_ENGAGEMENT_STATES = [
    EngagementState.PROPOSED,
    EngagementState.SCHEDULED,
    EngagementState.POSTPONED,
]


class ParticipationRole(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    DELEGATION = "delegation", "Delegation member"
    ATTACHE = "attache", "Attaché"
    HOST = "host", "Host"
    OBSERVER = "observer", "Observer"


class Attendance(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    TENTATIVE = "tentative", "Considering / tentative"
    SOUGHT = "sought", "Sought by the other side"
    DECLINED = "declined", "Declined"
    ABSENT = "absent", "Did not take part"
    REPLACED = "replaced", "Replaced by someone else"
    REMOTE = "remote", "Joined remotely"


# How someone took part in an engagement that was held, as against what was planned before it.
ATTENDANCE_OUTCOMES = frozenset({Attendance.ABSENT, Attendance.REPLACED, Attendance.REMOTE})


class ClaimOutcome(models.TextChoices):
    """Whether a counterpart claim still stands, or how it ended."""

    STANDING = "standing", "Standing"
    SETTLED = "settled", "Settled"
    SUPERSEDED = "superseded", "Superseded"


class RelayKind(models.TextChoices):
    """What a secondary report passes on."""

    OUTLET = "outlet", "Another outlet's report"
    OFFICIAL_READOUT = "official_readout", "An official readout or statement"
    WIRE = "wire", "A wire agency"
    OTHER = "other", "Other origin"


class Stance(models.TextChoices):
    CONCILIATORY = "conciliatory", "Conciliatory"
    COOPERATIVE = "cooperative", "Cooperative"
    NEUTRAL = "neutral", "Neutral"
    CRITICAL = "critical", "Critical"
    HOSTILE = "hostile", "Hostile"


class Emphasis(models.TextChoices):
    HIGHLIGHTS = "highlights", "Highlights"
    FOCUSES_ON = "focuses_on", "Focuses on as the real message"
    DOWNPLAYS = "downplays", "Downplays"
    DISPUTES = "disputes", "Disputes"


# How the pages word a side's reading, by emphasis: the choices' labels name the emphasis in a
# menu; these make a sentence with the side ("What China takes as the real message: …").
EMPHASIS_HEADINGS = {
    Emphasis.HIGHLIGHTS: "{side} highlights",
    Emphasis.FOCUSES_ON: "What {side} takes as the real message",
    Emphasis.DOWNPLAYS: "{side} downplays",
    Emphasis.DISPUTES: "{side} disputes",
}


class StickingPointKind(models.TextChoices):
    REMARK = "remark", "Remark"
    COUNTERPART_DISPUTE = "counterpart_dispute", "Counterpart dispute"
    SANCTION = "sanction", "Sanction"
    INCIDENT = "incident", "Incident"
    OTHER = "other", "Other"


class StickingPointState(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


# The board lists the channels most in trouble first.
BOARD_STATUS_ORDER = (
    ChannelStatus.FROZEN,
    ChannelStatus.STALLED,
    ChannelStatus.LIMITED,
    ChannelStatus.OPEN,
)


class IntakeDecisionKind(models.TextChoices):
    """What an editor did with one intake suggestion; a suggestion with no decision is open."""

    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


# The kinds of record in the event stream (the timeline and the feeds), as the timeline names them.
TIMELINE_KINDS = {
    "status": "Status changes",
    "step": "Lifecycle steps",
    "statement": "Statements",
    "raised": "Sticking points raised",
    "resolved": "Sticking points resolved",
    "claim": "Counterpart claims settled or superseded",
    "characterisation": "Characterisations",
}

# The orders the event stream offers (events.selectors): by the event's date (the timeline's
# default) or by when the record was saved (the feeds').
TIMELINE_ORDERS = {
    "event": "Date of the event, newest first",
    "recorded": "Recorded or changed, newest first",
}
