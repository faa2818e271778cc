"""Updates to what is recorded: a report that says a recorded engagement was held, postponed,
declined, cancelled or scheduled; that a channel resumed, stalled, froze or was limited; or that
a recorded counterpart dispute was settled.

Each is offered only when the sentence says it as a fact (no negation, no "would", "expected
to", "yet to") and the record is identified beyond doubt:

- a lifecycle step: a step word ("was held", "postponed", "called off") in a clause that names
  an engagement of a kind the recorded one can be (a "call" for a phone or video call), on a
  channel whose two parties the article names, with one of its participants (or a holder of
  their office) or a distinctive word of its title ("Xiangshan") in the sentence, a step the
  lifecycle allows from its current state, and a date that fits: a held engagement took place
  by the publication date and near when it was expected. Two engagements that fit equally
  well give no suggestion;
- a status: a status word ("resumed", "suspended", "stalled") with what a channel carries
  ("talks", "contacts", "hotline") in the same clause, one track named there ("military talks",
  a defence official), and one recorded channel of that track between states the article
  names; only when it differs from the channel's status on the publication date;
- a dispute: a clause in which the sides settle who the counterpart is ("accepted", "agreed",
  "was held with") and that names one claim's counterpart (its office, the office's holder, or
  "the minister Beijing had put forward"), in a sentence about the counterpart or the office
  in question.

The date is the nearest date suggestion of the sentence (`events.intake.dates`), else the
publication date, said so in `reason`. The records are read with a fixed number of queries
(`_Recorded.load`), whatever the article.
"""

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta

from events.fuzzydates import FuzzyDate
from events.intake.channels import _actor_tracks
from events.intake.mentions import _COUNTRY_OF, _key, _Known, _Mention
from events.intake.suggestions import Suggestion
from events.models import (
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Participation,
    StatusChange,
    StickingPoint,
)
from events.text import Sentences
from events.vocabularies import (
    ALLOWED_TRANSITIONS,
    OPEN_ENGAGEMENT_STATES,
    ActorKind,
    ChannelStatus,
    EngagementKind,
    EngagementState,
    StickingPointKind,
    StickingPointState,
    Track,
)

# --- What is recorded ----------------------------------------------------------------------------


@dataclass
class _Recorded:
    """Open engagements with their participants and the days of their recorded steps,
    channels' statuses on the publication date, and open counterpart disputes with their
    claims: six queries."""

    engagements: list[Engagement]
    participants: dict[int, set[int]]  # engagement id -> actor ids taking part or sought
    steps: dict[int, tuple[date, date]]  # engagement id -> (first step's earliest, last's)
    status: dict[int, str]  # channel id -> status on the publication date
    status_since: dict[int, date]  # channel id -> earliest day of that status
    disputes: list[StickingPoint]
    claims: dict[int, list[CounterpartClaim]]  # sticking point id -> its standing claims

    @classmethod
    def load(cls, published: date) -> "_Recorded":
        engagements = list(Engagement.objects.filter(state__in=OPEN_ENGAGEMENT_STATES))
        participants: dict[int, set[int]] = {}
        rows = Participation.objects.filter(engagement__in=[e.pk for e in engagements])
        for p in rows.values("engagement_id", "actor_id", "replaced_by_id"):
            ids = participants.setdefault(p["engagement_id"], set())
            ids.update(filter(None, (p["actor_id"], p["replaced_by_id"])))
        steps: dict[int, tuple[date, date]] = {}
        transitions = EngagementTransition.objects.filter(
            engagement__in=[e.pk for e in engagements]
        ).values_list("engagement_id", "date_earliest")
        for engagement_id, earliest in transitions:
            first, last = steps.get(engagement_id, (earliest, earliest))
            steps[engagement_id] = (min(first, earliest), max(last, earliest))
        status: dict[int, str] = {}
        status_since: dict[int, date] = {}
        changes = StatusChange.objects.as_of(published).newest_first()
        for channel_id, value, since in changes.values_list(
            "channel_id", "status", "date_earliest"
        ):
            if channel_id not in status:
                status[channel_id], status_since[channel_id] = value, since
        disputes = list(
            StickingPoint.objects.filter(
                kind=StickingPointKind.COUNTERPART_DISPUTE, state=StickingPointState.OPEN
            )
        )
        claims: dict[int, list[CounterpartClaim]] = {}
        through = StickingPoint.counterpart_claims.through.objects.filter(
            stickingpoint__in=[d.pk for d in disputes], counterpartclaim__outcome="standing"
        ).select_related("counterpartclaim")
        for link in through:
            claims.setdefault(link.stickingpoint_id, []).append(link.counterpartclaim)
        return cls(engagements, participants, steps, status, status_since, disputes, claims)


# --- Words ---------------------------------------------------------------------------------------

# Step words, by the state they lead to. A held engagement: "was held", "held a call",
# "took place", "spoke by phone", "met"; headlines say it in the present ("holds talks").
_NOUN = r"(?:call|meeting|talks|summit|dialogue|conversation|round|visit|forum|session)"
_STEPS = {
    EngagementState.HELD: re.compile(
        r"\b(?:(?:was|were|had\s+been|has\s+been|have\s+been)\s+held"
        rf"|(?:held|holds?|hosted)\s+(?:[\w’'-]+\s+){{0,4}}?{_NOUN}s?"
        r"|took\s+place|went\s+ahead|(?:finally\s+)?happened|occurred"
        r"|(?:spoke|speak|talked)\s+(?:by\s+(?:tele)?phone|by\s+video|over\s+(?:the\s+)?phone"
        r"|on\s+the\s+(?:tele)?phone|via\s+video(?:\s+link)?)"
        r"|met|meets|visited|attended)\b",
        re.IGNORECASE,
    ),
    EngagementState.POSTPONED: re.compile(
        r"\b(?:postpon(?:ed|es|ing)|put\s+off|pushed\s+back|deferred|delayed|rescheduled)\b",
        re.IGNORECASE,
    ),
    EngagementState.CANCELLED: re.compile(
        r"\b(?:cancell?(?:ed|ing|s)|called\s+off|calls\s+off|scrapped|scraps|axed)\b",
        re.IGNORECASE,
    ),
    EngagementState.DECLINED: re.compile(
        r"\b(?:declin(?:ed|es|ing)|reject(?:ed|s|ing)|turn(?:ed|s)\s+down|refus(?:ed|es|ing)"
        r"|rebuff(?:ed|s)|snubb(?:ed|s))\b"
        rf"(?=(?:\s+[\w’'-]+){{0,6}}?\s+(?:{_NOUN}s?|invitations?|proposals?|requests?|offers?"
        r"|overtures?|to\s+(?:hold|take\s+part|join|attend|accept|meet|talk|speak)))",
        re.IGNORECASE,
    ),
    EngagementState.SCHEDULED: re.compile(
        r"\b(?:(?:was|were|is|are|has\s+been|have\s+been|now)\s+(?:now\s+)?"
        r"(?:scheduled|set|slated|fixed|confirmed)\s+(?:for|to\s+(?:take\s+place|be\s+held))"
        r"|will\s+(?:take\s+place|be\s+held)\s+(?:on|in)\b"
        # "agreed on Friday to hold their first meeting": an agreement on a date or place
        r"|agree(?:d|s)\s+(?:[\w,]+\s+){0,3}?to\s+(?:hold|meet|have)\b)",
        re.IGNORECASE,
    ),
}
# A declined engagement is also said passively: "the proposal was rejected".
_PASSIVE_DECLINED = re.compile(
    rf"\b(?:{_NOUN}s?|invitations?|proposals?|requests?|offers?)\s+(?:was|were|had\s+been"
    r"|has\s+been)\s+(?:declined|rejected|turned\s+down|refused|rebuffed)\b",
    re.IGNORECASE,
)
_HELD_NOUN = re.compile(
    r"(?:\b(?:the|a|their|his|her|its)\s+(?:[\w-]+\s+){0,2}?|[’']s\s+(?:[\w-]+\s+){0,2}?)"
    r"(?:calls?|meetings?|visits?|summit|talks|conversation)\s+(?:between|with|to|in|at)\b",
    re.IGNORECASE,
)
_DECLINED_NOUN = re.compile(
    r"[’']s\s+(?:refusal|rejection|rebuff)\b|\b(?:refusal|rejection)\s+(?:by|of)\b", re.IGNORECASE
)
_AHEAD_BEFORE = re.compile(
    r"\b(?:planned|proposed|expected|upcoming|next|possible|potential|future|anticipated"
    r"|forthcoming|prospective|first-ever|hoped-for|would-be|sought|seeking|seeks|requested"
    r"|requesting|requests|asked\s+for|wanted|wants|proposing|offered|pushed\s+for"
    r"|pressed\s+for|hopes?\s+for|invitation\s+to)\W+(?:[\w-]+\W+){0,3}$",
    re.IGNORECASE,
)
# Words that make the clause no report of a fact: negation, modality, conditions, intentions.
_NOT_A_FACT = re.compile(
    r"\b(?:not|never|no|yet\s+to|without|would|could|might|should|will|shall|can|if|unless"
    r"|whether|before|until|considering|weighing|rumou?red|denied|denies|possibly)\b"
    r"|n[’']t\b|\b(?-i:may)\b"  # "may", not the month
    # an intention, not a deed: "hopes to hold", "plans to meet", "was expected to take place"
    r"|\b(?:expected|expects|hopes?|hoped|aims?|aimed|seeks?|sought|plans?|planned|wants?"
    r"|wanted|intends?|intended|likely|proposed|proposes|urged|urges|threatened|threatens"
    r"|agreed|agrees|set|due|going|ready|willing|refused|refuses|declined|declines|tries"
    r"|tried|offered|offers|asked)\s+(?:[\w,]+\s+){0,3}?to\b"
    # "to" before a name or a determiner names whom it was offered to ("the call the Pentagon
    # had proposed to China's military leadership"), not an intention
    r"(?!\s+(?:(?-i:[A-Z])|the\b|a\b|an\b|its\b|their\b|his\b|her\b|our\b))",
    re.IGNORECASE,
)
_WINDOW = 400  # the most characters either side of a position read as its sentence
# A dateline: "MANILA, Oct 10 (Wire) -", "WASHINGTON, 10 September 2025 —".
_DATELINE = re.compile(r"[A-Z][A-Z .'-]+,[^,\n]{1,40}?(?:\([^)\n]{1,30}\))?\s+[-–—]\s")
_DENIAL = re.compile(
    r"\b(?:denied|denies|deny|rejected|rejects|dismissed|dismisses|refuted|refutes)\b",
    re.IGNORECASE,
)
# A period something lasts ("idle for the rest of the year", "frozen throughout 2024"), not
# the day it began.
_DURATION_BEFORE = re.compile(
    r"\b(?:for|throughout|over|during)\s+(?:the\s+)?(?:rest\s+of\s+(?:the\s+)?)?$", re.IGNORECASE
)
# A date naming the engagement rather than dating the step: "this year's round", "2025 round".
_DATE_MODIFIES = re.compile(
    rf"(?:[’']s\b|\s+{_NOUN}s?\b|\s+(?:consultations|session|edition)\b)", re.IGNORECASE
)
_EXPECTED = re.compile(
    r"\b(?:due|scheduled|planned|expected|slated|set\s+to|supposed|originally|initially|first)\b",
    re.IGNORECASE,
)
_EXPECTED_BEFORE = re.compile(
    r"\b(?:due|scheduled|planned|expected|slated|set)\s+(?:to\s+[\w\s]{0,20}?)?(?:for|in|on)?\s*$",
    re.IGNORECASE,
)
# Where a clause begins: a clause of its own may say the opposite ("X sought it, but …").
_CLAUSE_START = re.compile(
    r"(?:[;:—–]|,\s+(?:but|while|whereas|although|though|and)\b"
    r"|\b(?:but|since|after|before|because|although|though|whereas|until|unless)\b)"
)

# A call, by phone or video: the words both kinds share.
_CALLED = (
    r"calls?|conversations?|(?:video\s*)?teleconferences?|videoconferences?"
    r"|(?:spoke|talked|speak|talk)\s+(?:by|over|on|via)\s+(?:the\s+)?(?:tele)?(?:phone|video)"
)
# The words for each kind of engagement; a "call" may be a phone or a video call.
_KIND_WORDS = {
    EngagementKind.PHONE_CALL: rf"(?:phone|telephone)\s+(?:calls?|conversations?)|{_CALLED}",
    EngagementKind.VIDEO_CALL: r"video\s*(?:calls?|conferences?|links?|conversations?)"
    rf"|virtual\s+(?:meetings?|talks)|{_CALLED}",
    EngagementKind.MEETING: r"meetings?|met|meets?|talks|sit-down",
    EngagementKind.VISIT: r"visits?|visited|trips?",
    EngagementKind.SUMMIT: r"summits?|(?:leaders[’']?\s+)?meetings?|met|meet",
    EngagementKind.FORUM: r"forums?|conferences?|dialogues?",
    EngagementKind.DIALOGUE_ROUND: r"dialogues?|rounds?|talks|consultations|meetings?",
}
_KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    kind: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for kind, words in _KIND_WORDS.items()
}
# Title words that identify nothing: the lifecycle, the engagement kinds, offices, connectives.
_TITLE_STOP = {
    "proposed", "anticipated", "planned", "call", "calls", "meeting", "meets", "meet", "talks",
    "summit", "visit", "forum", "dialogue", "round", "participation", "between", "with", "and",
    "the", "of", "in", "on", "to", "for", "a", "an", "phone", "video", "military", "defense",
    "defence", "leadership", "minister", "ministers", "foreign", "secretary", "president",
    "leaders", "first", "second", "third", "annual", "state", "officials",
}  # fmt: skip

# What a channel carries, for a status change to be about it.
_CARRIED = (
    r"(?:talks|dialogues?|contacts?|communications?|channels?|lines?|hotlines?|exchanges"
    r"|relations|ties|cooperation|engagement|meetings|consultations|mechanisms?)"
)
_STATUS_WORDS = {
    ChannelStatus.OPEN: r"resum(?:e|ed|es|ing|ption)|reopen(?:ed|s|ing)?|restor(?:e|ed|es|ing)"
    r"|re-?establish(?:ed|es|ing)?|revived|revives",
    ChannelStatus.FROZEN: r"suspend(?:ed|s|ing)|suspension|froze|frozen|freez(?:e|es|ing)"
    r"|cut\s+off|cuts\s+off|severed|severs|halted|halts|broke\s+off|breaks\s+off",
    ChannelStatus.STALLED: r"stall(?:ed|s|ing)|at\s+a\s+standstill|deadlocked|idle|dormant"
    r"|in\s+limbo"
    r"|ground\s+to\s+a\s+halt",
    ChannelStatus.LIMITED: r"(?:was|were|has\s+been|have\s+been|been)\s+(?:sharply\s+|severely\s+)?"
    r"(?:limited|curtailed|scaled\s+back|downgraded|restricted)",
}
_STATUS = re.compile(
    "|".join(rf"(?P<{status}>\b(?:{words})\b)" for status, words in _STATUS_WORDS.items()),
    re.IGNORECASE,
)
# What it carries, with up to three words before it ("military talks", "military-to-military
# communication"), as the subject before the status word or the object after it.
_CARRIED_PHRASE = rf"(?:[\w’'-]+\s+){{0,3}}{_CARRIED}\b"
_CARRIED_BEFORE = re.compile(
    rf"(?<![\w’'-]){_CARRIED_PHRASE}(?:[\s,]+[\w’'-]+){{0,9}}?[\s,]*(?:has\s+|have\s+|had\s+)?$",
    re.IGNORECASE,
)
_CARRIED_AFTER = re.compile(rf"^(?:\s+[\w’'-]+){{0,3}}?\s+{_CARRIED_PHRASE}", re.IGNORECASE)
# "the stalled military channel": a description of how it stands, not a change.
_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|their|this|that|these|those|long|still|now)|[’']s)\s+$", re.IGNORECASE
)
_ATTRIBUTIVE = re.compile(rf"^\s+(?:[\w-]+\s+)?{_CARRIED}\b", re.IGNORECASE)
_TRACK_WORDS = {
    Track.MILITARY: r"military|militaries|defen[cs]e|mil-mil|army|armed\s+forces|Pentagon|PLA",
    Track.DIPLOMATIC: r"diplomatic|diplomats?|foreign\s+minist(?:er|ers|ry|ries)|State\s+Department"
    r"|embass(?:y|ies)|ambassadors?",
    Track.LEADERS: r"leaders[’']?|summitry|presidents|heads\s+of\s+state",
    Track.ECONOMIC: r"trade|economic|commerce|tariffs?",
    Track.MULTILATERAL: r"multilateral",
}
_TRACK_IN_CLAUSE: dict[str, re.Pattern[str]] = {
    track: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for track, words in _TRACK_WORDS.items()
}

# Settling a counterpart dispute.
_SETTLING = re.compile(
    r"\b(?:accept(?:ed|s|ing)|agree(?:d|s)|settled|resolved|was\s+held|were\s+held|held"
    r"|took\s+place|met|spoke|talked|went\s+ahead)\b",
    re.IGNORECASE,
)
_SAID_SETTLED = re.compile(
    r"\b(?:dispute|fight|row|question|argument|disagreement|stand-?off|wrangle)\b[^.;]{0,80}?"
    r"\b(?:settled|resolved|closed|ended|put\s+to\s+rest)\b",
    re.IGNORECASE,
)
_PREVAILED = re.compile(
    r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*[’']s\s+(?:[\w-]+\s+){0,1}(?:view|position|choice"
    r"|preference|nominee|candidate|line|stance|insistence)\b[^.;]{0,80}?\b(?:prevailed|won"
    r"|carried\s+the\s+day|won\s+out|held)\b"
)
# Cheap test that a clause may name a side's answer (see the claimant patterns below).
_CLAIMANT_CUE = re.compile(
    r"(?i)put\s+forward|put\s+up|proposed|offered|nominated|named|designated|fielded"
    r"|insisted\s+on|chos[e]n?|[’']s\s+(?:[\w-]+\s+)?(?:choice|nominee|candidate|pick|preference"
    r"|man)\b"
)
_AGREEING = re.compile(r"(?i)accept|agree|settled|resolved")
_PUT_FORWARD = (
    r"(?:had\s+|has\s+)?(?:put\s+forward|put\s+up|proposed|offered|nominated|named|designated"
    r"|fielded|insisted\s+on|chosen|chose)"
)
_CHOICE_AFTER = re.compile(
    r"[’']s\s+(?:[\w-]+\s+)?(?:choice|nominee|candidate|pick|preference|man)\b",
    re.IGNORECASE,
)
_PERSON_BEFORE = re.compile(
    r"\b(?:minister|official|general|admiral|man|woman|person|one|nominee|candidate|officer"
    r"|chief|secretary)\s+(?:whom\s+|that\s+|who\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_PUT_FORWARD_AFTER = re.compile(rf"\s+{_PUT_FORWARD}\b", re.IGNORECASE)
_PUT_FORWARD_AS = re.compile(
    rf"\s+{_PUT_FORWARD}\s+(?:[\w’'-]+\s+){{0,4}}?as\s+(?:[\w’'-]+\s+){{0,2}}counterpart",
    re.IGNORECASE,
)


# --- Helpers -------------------------------------------------------------------------------------


def _date_dict(value: dict) -> dict:
    return {k: value[k] for k in ("human", "earliest", "latest", "precision") if k in value}


def _day(published: date) -> dict:
    day = FuzzyDate.day(published)
    return {
        "human": day.human,
        "earliest": published.isoformat(),
        "latest": published.isoformat(),
        "precision": day.precision.value,
    }


class _Article:
    """What the finders share: the text, its sentences, mentions and dates, indexed."""

    def __init__(self, text, sentences, mentions, dates, known, published) -> None:
        self.text, self.sentences, self.known, self.published = text, sentences, known, published
        self.mentions = mentions  # sorted by start
        self.starts = [m.start for m in mentions]
        self.dates = sorted(dates, key=lambda s: s.start)
        self.date_starts = [d.start for d in self.dates]
        self.adjectives = known.adjective_states(text)
        self.adjective_starts = [start for start, _, _ in self.adjectives]
        self.named_states = {state for _, _, state in self.adjectives}
        for m in mentions:
            state = self.state_of(m)
            if state is not None:
                self.named_states.add(state)

    def actor(self, m: _Mention):
        return m.target if m.kind == "actor" else self.known.institution(m.target)

    def state_of(self, m: _Mention) -> int | None:
        state = self.known.state_of(self.actor(m))
        return state.pk if state else None

    def within(self, start: int, end: int) -> list[_Mention]:
        low = bisect.bisect_left(self.starts, start)
        high = bisect.bisect_left(self.starts, end)
        return [m for m in self.mentions[low:high] if m.end <= end]

    def people(self, start: int, end: int) -> set[int]:
        """Actors named in text[start:end], with the holders of the offices named there."""
        found = set()
        for m in self.within(start, end):
            if m.kind == "actor":
                found.add(m.target.pk)
            else:
                found.update(p.pk for p in self.known.holders.get(m.target.pk, []))
        return found

    def sentence(self, position: int, offset: int = 0) -> tuple[int, int]:
        """The sentence holding `position` (or the one `offset` sentences away), cut to
        `_WINDOW` characters around it: text with no full stops stays linear to read."""
        start, end = self.sentences.span(self.sentences.index(position) + offset)
        anchor = end if offset < 0 else start if offset > 0 else position
        return max(start, anchor - _WINDOW), min(end, anchor + _WINDOW)

    def clause(self, position: int) -> tuple[int, int]:
        """The clause around `position`: from the last clause boundary before it in its
        sentence to the next one after it."""
        sentence = self.sentence(position)
        start = sentence[0]
        for match in _CLAUSE_START.finditer(self.text, sentence[0], position):
            start = match.end()
        after = _CLAUSE_START.search(self.text, position, sentence[1])
        end = after.start() if after else sentence[1]
        while start < end and self.text[start].isspace():
            start += 1
        return start, end

    def asked_or_denied(self, clause_start: int, position: int) -> bool:
        """A question ("Is China freezing contacts?"), or a denial earlier in the clause ("she
        rejected reports that China was freezing contacts")."""
        sentence = self.sentence(position)
        if self.text[sentence[0] : sentence[1]].rstrip(" ”\"’'").endswith("?"):
            return True
        return bool(_DENIAL.search(self.text, clause_start, position))

    def is_fact(
        self,
        clause_start: int,
        cue_start: int,
        cue_end: int,
        *,
        cue: bool = True,
        agreement: bool = False,
    ) -> bool:
        """Whether the words before the cue in its clause (at most six) and the cue itself
        report it as a fact: no negation, modal, intention or condition."""
        if self.asked_or_denied(clause_start, cue_start):
            return False
        before = self.text[clause_start:cue_start]
        infinitive = cue and re.search(r"(?i)\bto\s+$", before)
        agreed = agreement and re.search(r"(?i)\bagree(?:d|s)?\s+(?:[\w,]+\s+){0,3}?to\s+$", before)
        if infinitive and not agreed:
            return False  # an infinitive: "to hold a meeting" is not one held
        words = re.findall(r"\S+", before)[-6:]
        window = " ".join(words) + " " + (self.text[cue_start:cue_end] if cue else "")
        found = _NOT_A_FACT.search(window)
        if found and agreement and re.match(r"(?i)agree", found.group()):
            # "agreed to restore military channels": the agreement is the change
            return not _NOT_A_FACT.search(window, found.end())
        return not found

    def near(self, start: int, end: int, clause: tuple[int, int], words: int = 5):
        """The span of `words` words either side of text[start:end], within the clause."""
        before = list(re.finditer(r"\S+", self.text[clause[0] : start]))[-words:]
        after = list(re.finditer(r"\S+", self.text[end : clause[1]]))[:words]
        return (
            clause[0] + before[0].start() if before else start,
            end + after[-1].end() if after else end,
        )

    def date_near(
        self, position: int, *, until: date | None = None, after: date | None = None
    ) -> tuple[dict, str]:
        """The date nearest `position` in its phrase (between commas), else its clause, else
        its sentence — a dateline's date ("MANILA, Oct 10 (Wire) -") is the report's, not the
        event's — else the publication date. `until`/`after`: only dates by / after that day."""
        sentence = self.sentence(position)
        clause = self.clause(position)
        comma_before = self.text.rfind(",", clause[0], position)
        comma_after = self.text.find(",", position, clause[1])
        phrase = (
            comma_before + 1 if comma_before >= 0 else clause[0],
            comma_after if comma_after >= 0 else clause[1],
        )
        dateline = _DATELINE.match(self.text, sentence[0])
        for span, where in ((phrase, "phrase"), (clause, "clause"), (sentence, "sentence")):
            low = bisect.bisect_left(self.date_starts, span[0])
            high = bisect.bisect_left(self.date_starts, span[1])
            candidates = [
                d
                for d in self.dates[low:high]
                if not (dateline and d.end <= dateline.end())
                and not _DATE_MODIFIES.match(self.text, d.end)
                and not _DURATION_BEFORE.search(self.text, max(0, d.start - 30), d.start)
                and not (until is None and after is None and self.looks_ahead(position, d))
                and (until is None or d.value.get("latest", "") <= until.isoformat())
                and (after is None or d.value.get("earliest", "") > after.isoformat())
            ]
            if candidates:
                best = min(candidates, key=lambda d: abs(d.start - position))
                return _date_dict(best.value), f"dated by “{best.text}” in the {where}"
        return _day(self.published), "no date in the sentence: the report's date"

    def looks_ahead(self, position: int, date_suggestion: Suggestion) -> bool:
        """A date the sentence gives as what was expected ("postponed a round that had been due
        to take place this month"): not the date of the step."""
        start, end = sorted((position, date_suggestion.start))
        if _EXPECTED.search(self.text, start, end):
            return True
        # "first scheduled for October": the words just before the date say it was the plan
        return bool(
            _EXPECTED_BEFORE.search(
                self.text, max(0, date_suggestion.start - 30), date_suggestion.start
            )
        )

    def states(self, start: int, end: int) -> set[int]:
        """States named in text[start:end], by name, adjective, or through their people and
        institutions."""
        found = {state for m in self.within(start, end) if (state := self.state_of(m))}
        low = bisect.bisect_left(self.adjective_starts, start)
        high = bisect.bisect_left(self.adjective_starts, end)
        found.update(state for _, _, state in self.adjectives[low:high])
        return found


# --- Lifecycle steps -----------------------------------------------------------------------------


def _word_keys(text: str) -> set[str]:
    """The words of `text` as `_title_words` keys them (one `_key` for the whole text)."""
    return set(re.findall(r"[a-z][\w-]+", _key(text).lower()))


def _title_words(engagement: Engagement) -> set[str]:
    """The words of an engagement's title that identify it ("Xiangshan", "Pentagon"): not the
    lifecycle, kind or office words, nor a country's name."""
    words = set()
    for word in re.findall(r"[A-Za-z][\w-]+", engagement.title):
        key = _key(word).lower()
        if key in _TITLE_STOP or key in _COUNTRY_OF or len(key) < 3:
            continue
        if word[0].isupper():
            words.add(key)
    return words


def _fits_when(
    engagement: Engagement, to_state: str, step: dict, recorded: _Recorded, published: date
) -> bool:
    """Whether a dated step fits the engagement: it happened by the publication date, not
    before the engagement's last recorded step, and — for a held engagement — no earlier than
    a month before, nor later than three months after, when it was expected. An expected date
    that lies before the engagement's own first step (a date the record flags as impossible)
    says nothing."""
    earliest = date.fromisoformat(step["earliest"])
    latest = date.fromisoformat(step["latest"])
    if earliest > published:
        return False
    first, last = recorded.steps.get(engagement.pk, (None, None))
    if last is not None and latest < last:
        return False  # before the state it would leave: history, not this step
    expected = engagement.when
    if to_state != EngagementState.HELD or expected is None:
        return True
    if first is not None and expected.latest < first:
        return True  # the expected date cannot be right
    return latest >= expected.earliest - timedelta(
        days=31
    ) and earliest <= expected.latest + timedelta(days=92)


def _lifecycle_updates(article: _Article, recorded: _Recorded) -> list[Suggestion]:
    text = article.text
    cues: list[tuple[int, int, EngagementState]] = []
    for to_state, pattern in _STEPS.items():
        cues += [(m.start(), m.end(), to_state) for m in pattern.finditer(text)]
    cues += [
        (m.start(), m.end(), EngagementState.DECLINED) for m in _PASSIVE_DECLINED.finditer(text)
    ]
    # Named by a noun with a past date: "the call between Hegseth and Dong on Sept 9", "Trump's
    # meeting with Xi in late October", "Beijing's refusal in September".
    by_noun = {m.start() for m in _HELD_NOUN.finditer(text)} | {
        m.start() for m in _DECLINED_NOUN.finditer(text)
    }
    cues += [(m.start(), m.end(), EngagementState.HELD) for m in _HELD_NOUN.finditer(text)]
    cues += [(m.start(), m.end(), EngagementState.DECLINED) for m in _DECLINED_NOUN.finditer(text)]
    engagements = [
        e
        for e in recorded.engagements
        if {e.channel.party_a_id, e.channel.party_b_id} <= article.named_states
    ]
    title_words = {e.pk: _title_words(e) for e in engagements}
    best: dict[str, tuple[int, Suggestion]] = {}
    for cue_start, cue_end, to_state in sorted(cues):
        clause = article.clause(cue_start)
        scheduling = to_state == EngagementState.SCHEDULED  # "will take place on" is the cue
        if not article.is_fact(clause[0], cue_start, cue_end, cue=not scheduling):
            continue
        if _DETERMINER_BEFORE.search(text, max(0, cue_start - 12), cue_start):
            continue  # "the postponed round" names it by what happened before
        passive = re.search(
            r"(?i)\b(?:been|be|was|were|is|are)\s+$", text[max(0, cue_start - 12) : cue_start]
        )
        if passive and text[cue_start:cue_end].lower() == "met":
            continue  # "was met with hesitation": no meeting
        sentence = article.sentence(cue_start)
        previous = article.sentence(cue_start, -1)
        clause_text = text[clause[0] : clause[1]]
        named = article.people(clause[0], clause[1])
        named_sentence = article.people(*sentence)
        named_before = article.people(*previous) if previous[1] <= sentence[0] else set()
        states_here = article.states(*clause)
        words = _word_keys(clause_text)
        words_before = (
            _word_keys(text[previous[0] : previous[1]]) if previous[1] <= sentence[0] else set()
        )
        if scheduling:
            # The step is the agreement (dated by a day already past); the date ahead is when.
            step_date, how = article.date_near(cue_start, until=article.published)
            ahead, _ = article.date_near(cue_start, after=article.published)
        else:
            step_date, how = article.date_near(cue_start)
        dated = not how.startswith("no date")
        if cue_start in by_noun:
            if not re.search(r"in the (?:phrase|clause)$", how):
                continue  # a noun alone says it happened only with its own past date
            if _AHEAD_BEFORE.search(text, max(0, cue_start - 40), cue_start):
                continue  # "the planned call", "next week's meeting"
        fits: list[tuple[int, Engagement, list[str]]] = []
        tracks_named: dict[str, re.Match | None] = {}
        for engagement in engagements:
            if to_state not in ALLOWED_TRANSITIONS.get(engagement.state, set()):
                continue
            # The kind word goes with the step ("the call was held"), not with another part of
            # the clause ("spoke by phone … since Manila called off the round").
            kind = _KIND_PATTERNS[engagement.kind].search(
                text, max(clause[0], cue_start - _KIND_NEAR), min(clause[1], cue_end + _KIND_NEAR)
            )
            if not kind:
                continue
            participants = recorded.participants.get(engagement.pk, set())
            why = [f"“{kind.group()}” for a {engagement.get_kind_display().lower()}"]
            score = 0
            if participants & named:
                score += 3
                why.append("a participant is named in the clause")
            elif participants & named_sentence:
                score += 2
                why.append("a participant is named in the sentence")
            elif participants & named_before:
                score += 1
                why.append("a participant is named in the sentence before")
            shared = title_words[engagement.pk] & words
            shared_before = title_words[engagement.pk] & words_before
            if shared:
                score += 2
                why.append(f"title words: {', '.join(sorted(shared))}")
            elif shared_before:
                score += 1  # "… the round on the South China Sea. The round was put off …"
                why.append(
                    f"title words in the sentence before: {', '.join(sorted(shared_before))}"
                )
            parties = {engagement.channel.party_a_id, engagement.channel.party_b_id}
            track = engagement.channel.track
            if track not in tracks_named:
                tracks_named[track] = _TRACK_IN_CLAUSE[track].search(clause_text)
            track_named = tracks_named[track]
            if score and parties <= states_here and track_named:  # supports, never alone
                score += 1
                why.append(f"both parties and “{track_named.group()}” in the clause")
            if score == 0:
                continue  # the kind alone does not say which engagement
            if dated and not _fits_when(
                engagement, to_state, step_date, recorded, article.published
            ):
                continue
            fits.append((score, engagement, why))
        if not fits:
            continue
        fits.sort(key=lambda item: -item[0])
        if len(fits) > 1 and fits[0][0] == fits[1][0]:
            continue  # two engagements fit as well: prefer no suggestion to a wrong one
        score, engagement, why = fits[0]
        if not dated and not scheduling:
            # The next sentence often gives the detail ("… postponed the round. The ministry
            # said on Thursday that the meeting would not go ahead."): its date, when it speaks
            # of the same engagement, by its kind or a participant.
            following = article.sentence(cue_start, 1)
            same = following[0] > sentence[0] and (
                _KIND_PATTERNS[engagement.kind].search(text, *following)
                or recorded.participants.get(engagement.pk, set()) & article.people(*following)
            )
            if same:
                found, found_how = article.date_near(following[0], until=article.published)
                if not found_how.startswith("no date") and _fits_when(
                    engagement, to_state, found, recorded, article.published
                ):
                    step_date, dated = found, True
                    how = found_how.replace("in the sentence", "in the next sentence")
        value: dict = {
            "update": "lifecycle",
            "engagement_id": engagement.pk,
            "engagement": engagement.title,
            "from_state": engagement.state,
            "to_state": str(to_state),
            "channel_id": engagement.channel_id,
            "date": step_date,
        }
        expected = engagement.when
        if (
            to_state == EngagementState.HELD
            and expected is not None
            and 1 <= (expected.latest - expected.earliest).days <= 7
            and (
                not dated
                or (
                    expected.earliest.isoformat() <= step_date["earliest"]
                    and step_date["latest"] <= expected.latest.isoformat()
                )
            )
            and expected.latest <= article.published
        ):
            # A forum of several days held as expected: held over its days, not on the day
            # the sentence happens to name.
            value["date"] = {
                "human": expected.human,
                "earliest": expected.earliest.isoformat(),
                "latest": expected.latest.isoformat(),
                "precision": expected.precision.value,
            }
            how, dated = f"held over its expected days, {expected.human}", True
        if scheduling:
            value["when"] = ahead if ahead.get("earliest", "") > str(article.published) else None
        step_label = EngagementState(to_state).label.lower()
        value["reason"] = (
            f"“{text[cue_start:cue_end]}”: {engagement.get_state_display().lower()} → "
            f"{step_label}; {'; '.join(why)}; {how}"
        )
        key = f"engagement:{engagement.pk}:{to_state}"
        start, end = clause
        rank = score + (_PRECISION_RANK.get(step_date.get("precision", ""), 1) if dated else 0)
        flag = "" if dated else _UNDATED
        suggestion = Suggestion("update", text[start:end], start, end, value, flag, key)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, suggestion)
    return [suggestion for _, suggestion in best.values()]


_PRECISION_RANK = {"day": 4, "part_of_month": 3, "range": 3, "month": 2}
_KIND_NEAR = 90  # characters between a step word and the kind of engagement it is said of
_UNDATED = "The sentence gives no date: the report's date is filled in; check when it happened."


# --- Channel statuses ----------------------------------------------------------------------------


def _status_updates(article: _Article, recorded: _Recorded) -> list[Suggestion]:
    text, known = article.text, article.known
    best: dict[str, Suggestion] = {}
    for match in _STATUS.finditer(text):
        status = next(name for name, value in match.groupdict().items() if value)
        clause = article.clause(match.start())
        before = text[clause[0] : match.start()]
        after = text[match.end() : clause[1]]
        carried = _CARRIED_BEFORE.search(before[-120:]) or _CARRIED_AFTER.match(after[:120])
        if not carried:
            continue  # not about talks, contacts or a channel
        if _DETERMINER_BEFORE.search(before) and _ATTRIBUTIVE.match(after):
            continue  # "the stalled military channel" says how it stands, not that it changed
        if not article.is_fact(clause[0], match.start(), match.end(), agreement=True):
            continue
        clause_text = text[clause[0] : clause[1]]
        # The track and parties from the words around the status word, not the whole clause
        # ("Rubio and Wang speak by phone as defence chiefs reopen contact").
        around = article.near(match.start(), match.end(), clause)
        if carried.re is _CARRIED_BEFORE:
            phrase_start = match.start() - len(before[-120:]) + carried.start()
            around = (min(around[0], phrase_start), around[1])
        else:
            around = (around[0], max(around[1], match.end() + carried.end()))
        tracks = {t for t, p in _TRACK_IN_CLAUSE.items() if p.search(text, *around)}
        states_here = set()
        for m in article.within(*around):
            actor = article.actor(m)
            state = article.state_of(m)
            if state is not None:
                states_here.add(state)
            if actor is not None and actor.kind != ActorKind.STATE:
                tracks |= _actor_tracks(actor, known)
        states_here |= article.states(*around) or article.states(*clause)
        if len(tracks) > 1:
            continue  # several tracks: which channel is not said
        channels = [
            c
            for c in known.channels
            if (not tracks or c.track in tracks)
            and {c.party_a_id, c.party_b_id} <= article.named_states
            and {c.party_a_id, c.party_b_id} & states_here
            # with no track named, only the one channel recorded between the two states named
            and (tracks or {c.party_a_id, c.party_b_id} <= states_here)
        ]
        if len(channels) != 1:
            continue
        channel = channels[0]
        track = channel.track
        if recorded.status.get(channel.pk) == status:
            continue  # already so on the publication date
        step_date, how = article.date_near(match.start())
        since = recorded.status_since.get(channel.pk)
        if since and step_date["latest"] < since.isoformat():
            continue  # before the status recorded now: history, not a change
        dated = not how.startswith("no date")
        party_a, party_b = known.actors[channel.party_a_id], known.actors[channel.party_b_id]
        label = ChannelStatus(status).label.lower()
        now = recorded.status.get(channel.pk)
        value = {
            "update": "status",
            "channel_id": channel.pk,
            "channel": f"{party_a.label}–{party_b.label} {channel.get_track_display()}",
            "status": str(status),
            "from_status": now or "",
            "date": step_date,
            "reason": f"“{match.group()}” said of {track} contact between {party_a.label} and "
            f"{party_b.label}: {now or 'no status'} → {label}; {how}",
        }
        key = f"channel:{channel.pk}:{status}"
        if key not in best or (dated and best[key].flag):
            flag = "" if dated else _UNDATED
            best[key] = Suggestion("update", clause_text, *clause, value, flag, key)
    return list(best.values())


# --- Counterpart disputes ------------------------------------------------------------------------


def _dispute_updates(article: _Article, recorded: _Recorded) -> list[Suggestion]:
    text, known = article.text, article.known
    found: dict[str, Suggestion] = {}
    disputes = [
        d
        for d in recorded.disputes
        if len(recorded.claims.get(d.pk, [])) > 1
        and {d.channel.party_a_id, d.channel.party_b_id} <= article.named_states
    ]
    if not disputes:
        return []
    for match in _SETTLING.finditer(text):
        clause = article.clause(match.start())
        if not article.is_fact(clause[0], match.start(), match.end()):
            continue
        sentence = article.sentence(match.start())
        sentence_text = text[sentence[0] : sentence[1]]
        clause_text = text[clause[0] : clause[1]]
        if "counterpart" not in sentence_text.lower() and not _CLAIMANT_CUE.search(clause_text):
            continue  # neither the question nor a side's answer is named: nothing settled
        here = article.within(*clause)
        for dispute in disputes:
            claims = recorded.claims[dispute.pk]
            office_ids = {c.office_id for c in claims}
            holders = {p.pk for o in office_ids for p in known.holders.get(o, [])}
            about = "counterpart" in sentence_text.lower() or bool(
                holders & article.people(*sentence)
                or any(m.kind == "office" and m.target.pk in office_ids for m in here)
            )
            if not about:
                continue
            counterpart = "counterpart" in sentence_text.lower()
            winners = set()
            for claim in claims:
                # "the minister Beijing had put forward", "accepted China's choice"
                for m in here:
                    if m.kind != "actor" or m.target.kind == ActorKind.PERSON:
                        continue  # "Hegseth's counterpart" is the question, not an answer
                    if article.state_of(m) != claim.claimant_id:
                        continue
                    # "the minister Beijing had put forward", "whom China proposed as his
                    # counterpart", "accepted China's choice"; not "Beijing proposed a call"
                    before = text[max(0, m.start - 40) : m.start]
                    after = text[m.end : clause[1]]
                    if (
                        (_PERSON_BEFORE.search(before) and _PUT_FORWARD_AFTER.match(after))
                        or _PUT_FORWARD_AS.match(after)
                        or _CHOICE_AFTER.match(after)
                    ):
                        winners.add(claim.pk)
                if not counterpart or not _AGREEING.match(match.group()):
                    continue  # a call held with someone does not alone settle who is whose
                # The counterpart it names: its office, the office's holder, the person.
                holders_of = known.holders.get(claim.counterpart_office_id or 0, [])
                for m in here:
                    if (m.kind == "office" and m.target.pk == claim.counterpart_office_id) or (
                        m.kind == "actor"
                        and (m.target.pk == claim.counterpart_person_id or m.target in holders_of)
                    ):
                        winners.add(claim.pk)
            if len(winners) != 1:
                continue
            (winner,) = winners
            losers = [c.pk for c in claims if c.pk != winner]
            step_date, how = article.date_near(match.start())
            key = f"sticking_point:{dispute.pk}:resolved"
            if key in found:
                continue
            winning = next(c for c in claims if c.pk == winner)
            claimant = known.actors.get(winning.claimant_id)
            found[key] = Suggestion(
                "update",
                clause_text,
                clause[0],
                clause[1],
                {
                    "update": "dispute",
                    "sticking_point_id": dispute.pk,
                    "sticking_point": dispute.title,
                    "claim_ids": [c.pk for c in claims],
                    "settled_claim_id": winner,
                    "superseded_claim_ids": losers,
                    "outcome": {"settled": [winner], "superseded": losers},
                    "date": step_date,
                    "reason": f"“{match.group()}” with the counterpart "
                    f"{claimant.label if claimant else 'one side'} put forward; {how}",
                },
                key=key,
            )
    return list(found.values())


# --- Entry point ---------------------------------------------------------------------------------


def _update_suggestions(
    text: str,
    sentences: Sentences,
    mentions: list[_Mention],
    dates: list[Suggestion],
    known: _Known,
    published: date,
) -> list[Suggestion]:
    """Updates to recorded engagements, channel statuses and counterpart disputes that the
    report describes (see the module's docstring), in reading order. `dates` are the date
    suggestions of the same text (`events.intake.dates._date_suggestions`)."""
    recorded = _Recorded.load(published)
    article = _Article(text, sentences, mentions, dates, known, published)
    channels = {c.pk: c for c in known.channels}
    for engagement in recorded.engagements:
        engagement.channel = channels[engagement.channel_id]  # no query per engagement
    for dispute in recorded.disputes:
        dispute.channel = channels[dispute.channel_id]
    steps = _lifecycle_updates(article, recorded)
    disputes = _dispute_updates(article, recorded)
    disputes += _disputes_said_settled(article, recorded, steps, disputes)
    found = steps + _status_updates(article, recorded) + disputes
    return sorted(found, key=lambda s: (s.start, s.key))


def _disputes_said_settled(
    article: _Article, recorded: _Recorded, steps: list[Suggestion], already: list[Suggestion]
) -> list[Suggestion]:
    """ "The dispute … has been settled. China's view … has prevailed.": a counterpart dispute
    said to be settled, in a report about counterparts, with the side whose view prevailed
    named in that sentence or the next. The one open counterpart dispute between the states
    named; dated by the held step of an engagement on its channel that the same report gives
    (the call that settled it), else by the sentence, else the report's date."""
    text, known = article.text, article.known
    if "counterpart" not in text.lower():
        return []
    disputes = [
        d
        for d in recorded.disputes
        if len(recorded.claims.get(d.pk, [])) > 1
        and {d.channel.party_a_id, d.channel.party_b_id} <= article.named_states
        and not any(u.value.get("sticking_point_id") == d.pk for u in already)
    ]
    if len(disputes) != 1:
        return []
    (dispute,) = disputes
    claims = recorded.claims[dispute.pk]
    for match in _SAID_SETTLED.finditer(text):
        clause = article.clause(match.start())
        if not article.is_fact(clause[0], match.start(), match.end(), cue=False):
            continue
        winners: set[int] = set()
        for span in (article.sentence(match.start()), article.sentence(match.start(), 1)):
            for prevailed in _PREVAILED.finditer(text, *span):
                for m in article.within(prevailed.start(), prevailed.start() + 40):
                    state = article.state_of(m)
                    winners.update(c.pk for c in claims if c.claimant_id == state)
                    break
        if len(winners) != 1:
            continue
        (winner,) = winners
        # The call that settled it, when the same report gives it held, dates the settlement
        # better than a date in the sentence ("the dispute that dominated the summer").
        step_date, how = article.date_near(match.start())
        held = [
            u
            for u in steps
            if u.value["to_state"] == EngagementState.HELD
            and u.value["channel_id"] == dispute.channel_id
            and not u.flag
        ]
        if len(held) == 1:
            step_date = held[0].value["date"]
            how = f"dated by the {held[0].value['engagement']!r} held in the same report"
        losers = [c.pk for c in claims if c.pk != winner]
        claimant = known.actors.get(next(c.claimant_id for c in claims if c.pk == winner))
        sentence = article.sentence(match.start())
        return [
            Suggestion(
                "update",
                text[sentence[0] : sentence[1]],
                sentence[0],
                sentence[1],
                {
                    "update": "dispute",
                    "sticking_point_id": dispute.pk,
                    "sticking_point": dispute.title,
                    "claim_ids": [c.pk for c in claims],
                    "settled_claim_id": winner,
                    "superseded_claim_ids": losers,
                    "outcome": {"settled": [winner], "superseded": losers},
                    "date": step_date,
                    "reason": f"“{match.group()}”; {claimant.label if claimant else 'one side'}"
                    f"'s view prevailed; {how}",
                },
                "" if not how.startswith("no date") else _UNDATED,
                f"sticking_point:{dispute.pk}:resolved",
            )
        ]
    return []
