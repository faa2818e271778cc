"""Every write. The admin (forms and inline rows), the seed loader, intake and any API call these
functions, so every create and every edit checks the same rules.

Each function is keyword-only, runs in one transaction, keeps a version of what it wrote (who,
when, why — see the admin's History) and raises `ValidationError` (keyed by the offending field
where there is one) before anything is saved.

Records with a life of their own have a function that creates them (`status_change_record`,
`engagement_create`, `engagement_transition`…). Everything else — edits of any record, and the
records that are plain rows (actors, offices, participants, claims…) — is saved by
`record_save`, which applies the model's own rules and the rules below (`record_check`), the
same ones the admin's forms show on their fields before saving.
"""

from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify

from events import summaries
from events.caching import followed_channels_changed, lock_data_version
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    BoardVisit,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    FeedToken,
    Follow,
    IntakeDecision,
    Interpretation,
    Office,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.models.obstacles import CLAIM_ENDING_CITATION
from events.periods import DatedStatus, shown_from_days
from events.vocabularies import (
    ALLOWED_TRANSITIONS,
    ATTENDANCE_OUTCOMES,
    ActorKind,
    ClaimOutcome,
    EngagementState,
    IntakeDecisionKind,
    RelayKind,
    StickingPointKind,
    StickingPointState,
)


@dataclass(frozen=True)
class CitationInput:
    """A source passage to attach to a fact as it is written."""

    source: Source
    passage: str
    passage_is_verbatim: bool = False
    locator: str = ""
    claim: str = ""
    relays: str = ""
    relays_kind: str = ""


def _require_citations(citations: Sequence[CitationInput], what: str) -> None:
    if not citations:
        raise ValidationError(
            {"source": f"{what} needs a source: cite the passage that supports it."}
        )
    for citation in citations:
        if not citation.passage.strip():
            raise ValidationError({"passage": "Give the passage of the source that supports this."})


def citation_add(
    *,
    fact: Model,
    source: Source,
    passage: str,
    passage_is_verbatim: bool = False,
    locator: str = "",
    claim: str = "",
    relays: str = "",
    relays_kind: str = "",
) -> Citation:
    """Tie `fact` to a source passage; `relays`/`relays_kind` say whom the passage passes on
    (another outlet, an official readout, a wire agency), when it is not first-hand."""
    if not passage.strip():
        raise ValidationError({"passage": "Give the passage of the source that supports this."})
    citation = Citation(
        fact=fact,
        source=source,
        passage=passage.strip(),
        passage_is_verbatim=passage_is_verbatim,
        locator=locator,
        claim=claim,
        relays=relays.strip(),
        relays_kind=relays_kind,
    )
    if citation.relays and not citation.relays_kind:
        raise ValidationError({"relays_kind": "Say what kind of origin the passage relays."})
    if citation.relays_kind not in ("", *RelayKind.values):
        raise ValidationError({"relays_kind": f"Unknown kind of origin “{relays_kind}”."})
    with _recorded(None, "Source passage added"):
        citation.save()
        return citation


@contextmanager
def _recorded(user, comment: str):
    """One transaction whose saves are kept as a version: who, when and why. Inside another
    write's version (a service calling another, the admin's own), the saves join that version
    and keep its user and comment."""
    if reversion.is_active():
        with transaction.atomic():
            lock_data_version()
            yield
        return
    with transaction.atomic(), reversion.create_revision():
        lock_data_version()
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        yield


def _cite_all(fact: Model, citations: Sequence[CitationInput]) -> None:
    for citation in citations:
        citation_add(
            fact=fact,
            source=citation.source,
            passage=citation.passage,
            passage_is_verbatim=citation.passage_is_verbatim,
            locator=citation.locator,
            claim=citation.claim,
            relays=citation.relays,
            relays_kind=citation.relays_kind,
        )


def channel_create(
    *,
    party_a,
    party_b,
    track: str,
    slug: str,
    summary: str = "",
    citations: Sequence[CitationInput] = (),
    user=None,
) -> Channel:
    """Open a record for a channel; refuses a second channel for the same pair and track."""
    if party_a.pk == party_b.pk:
        raise ValidationError({"party_b": "A channel links two different parties."})
    duplicate = Channel.objects.filter(
        Q(party_a=party_a, party_b=party_b) | Q(party_a=party_b, party_b=party_a), track=track
    ).first()
    if duplicate:
        raise ValidationError(
            {"track": f"{duplicate} already exists; add to it instead of creating another."}
        )
    with _recorded(user, "Channel opened"):
        channel = Channel(party_a=party_a, party_b=party_b, track=track, slug=slug, summary=summary)
        channel.full_clean(validate_constraints=False)
        channel.save()
        _cite_all(channel, citations)
    return channel


def status_change_record(
    *,
    channel: Channel,
    status: str,
    date: FuzzyDate | None,
    explanation: str,
    citations: Sequence[CitationInput],
    trend: str = "unchanged",
    confidence: str = "medium",
    overlap_reason: str = "",
    user=None,
) -> StatusChange:
    """Record that `channel` took `status` on `date`, with why and the source that says so.
    A date overlapping another status's is refused unless `overlap_reason` says why
    (`status_overlap_check`)."""
    if date is None:
        raise ValidationError({"date": "A status change needs a date (it may be fuzzy)."})
    if not explanation.strip():
        raise ValidationError({"explanation": "Say why the status changed."})
    _require_citations(citations, "A status change")
    with _recorded(user, f"Status recorded: {status} ({date})"):
        # Serialise writers per channel (PostgreSQL) so concurrent edits cannot interleave.
        Channel.objects.select_for_update(of=("self",)).order_by().filter(pk=channel.pk).first()
        change = StatusChange(
            channel=channel,
            status=status,
            trend=trend,
            confidence=confidence,
            explanation=explanation.strip(),
            overlap_reason=overlap_reason.strip(),
        )
        change.date = date
        change.full_clean(exclude=["channel"], validate_constraints=False)
        status_overlap_check(change)
        change.save()
        _cite_all(change, citations)
        status_periods_refresh(channel.pk)
    change.refresh_from_db(fields=["shown_from"])
    return change


def status_periods_refresh(channel_id: int) -> None:
    """Set the day each of the channel's statuses is shown from (events.periods): a status
    saved, moved or deleted can move the others."""
    changes = StatusChange.objects.filter(channel=channel_id)
    dated = [DatedStatus(*row) for row in changes.values_list("pk", "date_earliest", "date_latest")]
    current = dict(changes.values_list("pk", "shown_from"))
    moved = False
    for pk, day in shown_from_days(dated).items():
        if current[pk] != day:
            StatusChange.objects.filter(pk=pk).update(shown_from=day)
            moved = True
    if moved:  # update() sends no signal: the board's read model follows here
        summaries.refresh([channel_id])


def _overlap_check(
    record: StatusChange | EngagementTransition, others, what: Callable[[Any], str]
) -> None:
    """Refuse `record`'s date when it overlaps the date of one of `others` (the same channel's
    statuses, the same engagement's steps) and no overlap reason is given. Two dates that
    overlap leave the order of the two records to chance: one of them is shown on fewer days
    than the editor expects, or on none (events.periods). Checked when the date is set, not
    on every later edit of the record."""
    date = record.date
    if date is None or record.overlap_reason.strip():
        return
    if record.pk is not None:
        stored = type(record)._default_manager.filter(pk=record.pk)
        if stored.filter(date_earliest=date.earliest, date_latest=date.latest).exists():
            return
    overlapping = (
        others.exclude(pk=record.pk)
        .filter(date_earliest__lte=date.latest, date_latest__gte=date.earliest)
        .order_by("date_earliest", "date_latest", "id")
    )
    for other in overlapping:
        if isinstance(record, EngagementTransition) and (
            date.earliest == date.latest == other.date_earliest == other.date_latest
        ):
            continue  # steps on the same known day keep the lifecycle's order
        if date.earliest == date.latest == other.date_earliest == other.date_latest:
            how = f"is the same day as {what(other)}"
            narrow = (
                "Only the one ordered later would ever be shown: correct a date if a report allows"
            )
        elif other.date_earliest <= date.earliest and date.latest <= other.date_latest:
            how = f"falls inside the date of {what(other)}"
            narrow = f"Narrow the date of {what(other)} if a report allows"
        elif date.earliest <= other.date_earliest and other.date_latest <= date.latest:
            how = f"contains the date of {what(other)}"
            narrow = "Narrow this date if a report allows"
        else:
            how = f"overlaps the date of {what(other)}"
            narrow = "Narrow one of the two dates if a report allows"
        raise ValidationError(
            {
                "date": f"{date} {how}, already recorded (#{other.pk}), so the order of the "
                f"two is unclear. {narrow}, or give an overlap reason to keep both dates."
            }
        )


def status_overlap_check(change: StatusChange) -> None:
    """A status dated inside another status's date range on the same channel, or whose range
    holds another's date, needs an overlap reason (`_overlap_check`)."""
    if change.channel_id:
        _overlap_check(
            change,
            StatusChange.objects.filter(channel=change.channel_id),
            lambda other: f"the status “{other.get_status_display()}” of {other.date}",
        )


def transition_overlap_check(step: EngagementTransition) -> None:
    """A lifecycle step dated inside another step's date range on the same engagement, or
    whose range holds another's date, needs an overlap reason (`_overlap_check`); steps on
    the same known day do not."""
    if step.engagement_id:
        _overlap_check(
            step,
            EngagementTransition.objects.filter(engagement=step.engagement_id),
            lambda other: f"the step “{other.get_to_state_display().lower()}” of {other.date}",
        )


def _check_step(engagement: Engagement | None, from_state: str, to_state: str, date: FuzzyDate):
    if to_state not in EngagementState.values:
        raise ValidationError({"to_state": f"“{to_state}” is not a lifecycle state."})
    if to_state not in ALLOWED_TRANSITIONS[from_state]:
        before = EngagementState(from_state).label if from_state else "a new record"
        allowed = ", ".join(
            EngagementState(s).label for s in sorted(ALLOWED_TRANSITIONS[from_state])
        )
        raise ValidationError(
            {
                "to_state": f"An engagement cannot go from {before} to "
                f"{EngagementState(to_state).label}. Allowed next: {allowed or 'none (final)'}."
            }
        )
    if engagement is not None:
        previous = engagement.transitions.order_by("-date_earliest", "-id").first()
        if previous is not None and date.is_before(previous.date):
            raise ValidationError(
                {
                    "date": f"This step ({date}) cannot come before the previous one "
                    f"({previous.date})."
                }
            )


def engagement_create(
    *,
    engagement: Engagement,
    state: str,
    reported: FuzzyDate | None,
    citations: Sequence[CitationInput],
    note: str = "",
    user=None,
) -> Engagement:
    """Save a new (unsaved) engagement in its first lifecycle state — proposed, scheduled or
    held — with that first step dated `reported` and cited."""
    engagement_create_check(engagement=engagement, state=state, reported=reported)
    _require_citations(citations, "An engagement")
    with _recorded(user, f"Engagement recorded as {state} ({reported})"):
        engagement.state = state
        engagement.full_clean(validate_constraints=False)
        engagement.save()
        _cite_all(engagement, citations)
        step = EngagementTransition(engagement=engagement, from_state="", to_state=state, note=note)
        assert reported is not None  # engagement_create_check refuses a missing date
        step.date = reported
        step.save()
        _cite_all(step, citations)
    return engagement


def engagement_create_check(*, engagement: Engagement, state: str, reported: FuzzyDate | None):
    """The rules for a new engagement, for forms to show before anything is saved."""
    if reported is None:
        raise ValidationError({"reported": "Give the date of this first step (it may be fuzzy)."})
    _check_step(None, "", state, reported)
    engagement_check(engagement)


def engagement_transition_check(*, engagement: Engagement, to_state: str, date: FuzzyDate | None):
    """The rules for a lifecycle step, for forms to show before anything is saved."""
    if date is None:
        raise ValidationError({"date": "A lifecycle step needs a date (it may be fuzzy)."})
    _check_step(engagement, engagement.state, to_state, date)


def engagement_transition(
    *,
    engagement: Engagement,
    to_state: str,
    date: FuzzyDate | None,
    citations: Sequence[CitationInput],
    note: str = "",
    when: FuzzyDate | None = None,
    overlap_reason: str = "",
    user=None,
) -> EngagementTransition:
    """Move an engagement one step along its lifecycle (e.g. proposed → scheduled), dated and
    sourced. `when` updates the expected or actual date if the step changes it. A date
    overlapping another step's is refused unless `overlap_reason` says why
    (`transition_overlap_check`)."""
    _require_citations(citations, "A lifecycle step")
    with _recorded(user, f"Lifecycle step: {to_state} ({date})"):
        # The row lock makes concurrent transitions queue; the second sees the first's state.
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        engagement_transition_check(engagement=locked, to_state=to_state, date=date)
        step = EngagementTransition(
            engagement=locked,
            from_state=locked.state,
            to_state=to_state,
            note=note.strip(),
            overlap_reason=overlap_reason.strip(),
        )
        assert date is not None  # engagement_transition_check refuses a missing date
        step.date = date
        transition_overlap_check(step)
        step.save()
        _cite_all(step, citations)
        locked.state = to_state
        if when is not None:
            locked.when = when
        locked.save()
    engagement.refresh_from_db()
    return step


def source_create(
    *,
    kind: str,
    outlet: str,
    title: str,
    published: FuzzyDate | None,
    url: str = "",
    text: str = "",
    relays: str = "",
    user=None,
) -> Source:
    """Record a document; refuses a second one with the same outlet and title."""
    if published is None:
        raise ValidationError({"published": "Give the publication date (it may be fuzzy)."})
    if Source.objects.filter(outlet=outlet.strip(), title=title.strip()).exists():
        raise ValidationError(
            {"title": f"{outlet}: “{title}” is already recorded; open it instead."}
        )
    with _recorded(user, "Source recorded"):
        source = Source(
            kind=kind,
            outlet=outlet.strip(),
            title=title.strip(),
            url=url.strip(),
            text=text,
            relays=relays.strip(),
        )
        source.published = published
        source.full_clean()
        source.save()
    return source


def statement_create(
    *,
    speaker,
    text: str,
    stance: str,
    citations: Sequence[CitationInput],
    is_verbatim: bool = True,
    said: FuzzyDate | None = None,
    venue: str = "",
    toward=None,
    channels: Sequence[Channel] = (),
    user=None,
) -> Statement:
    """Record words attributed to an actor, cited."""
    _require_citations(citations, "A statement")
    with _recorded(user, "Statement recorded"):
        statement = Statement(
            speaker=speaker,
            text=text.strip(),
            is_verbatim=is_verbatim,
            venue=venue,
            stance=stance,
            toward=toward,
        )
        statement.said = said
        statement.full_clean()
        statement.save()
        statement.channels.set(channels)
        _cite_all(statement, citations)
    return statement


def characterisation_create(
    *,
    engagement: Engagement,
    side,
    words: str,
    citations: Sequence[CitationInput],
    user=None,
) -> Characterisation:
    """Record one side's own description of an engagement, cited."""
    _require_citations(citations, "A characterisation")
    characterisation = Characterisation(engagement=engagement, side=side, words=words.strip())
    characterisation_check(characterisation)
    with _recorded(user, "Characterisation recorded"):
        characterisation.full_clean()
        characterisation.save()
        _cite_all(characterisation, citations)
    return characterisation


# --- Any record: the rules every save applies -------------------------------------------------


def _party_rule(channel: Channel | None, actor_id: int | None, field: str, actor) -> None:
    if channel is not None and actor_id and not channel.has_party(actor_id):
        raise ValidationError(
            {
                field: f"{actor} is not a party to {channel}; choose "
                f"{channel.party_a.label} or {channel.party_b.label}."
            }
        )


def engagement_check(engagement: Engagement) -> None:
    """The initiator, when known, is one of the channel's parties."""
    if engagement.channel_id:
        _party_rule(engagement.channel, engagement.initiator_id, "initiator", engagement.initiator)


def participation_check(participation: Participation) -> None:
    """A participant takes part on the side of one of the channel's parties. Someone replaced
    is replaced by another person, named, on the same side (a state cannot stand in for a
    minister, nor the other side's envoy for one's own)."""
    engagement = getattr(participation, "engagement", None)
    if engagement is not None and engagement.channel_id:
        _party_rule(engagement.channel, participation.side_id, "side", participation.side)
    replaced = participation.attendance == Participation.Attendance.REPLACED
    substitute = participation.replaced_by if participation.replaced_by_id else None
    if substitute is None:
        if replaced:
            raise ValidationError({"replaced_by": "Name who took their place."})
        return
    if not replaced:
        raise ValidationError(
            {
                "replaced_by": "Name who took their place only when attendance is “Replaced by "
                "someone else”."
            }
        )
    if substitute.pk == participation.actor_id:
        raise ValidationError({"replaced_by": "Someone cannot be replaced by themselves."})
    if substitute.kind != ActorKind.PERSON:
        raise ValidationError({"replaced_by": f"{substitute} is not a person; name who went."})
    if (
        participation.side_id
        and substitute.state_id
        and substitute.state_id != participation.side_id
    ):
        raise ValidationError(
            {
                "replaced_by": f"{substitute} is not on the {participation.side.label} side; "
                "name someone from that side, or record them as a participant of their own."
            }
        )


def characterisation_check(characterisation: Characterisation) -> None:
    """A characterisation is one of the channel's parties' own description."""
    engagement = getattr(characterisation, "engagement", None)
    if engagement is not None and engagement.channel_id:
        _party_rule(engagement.channel, characterisation.side_id, "side", characterisation.side)


def _claim_target(claim: CounterpartClaim) -> str:
    return str(claim.counterpart_person or claim.counterpart_office)


def _stands_when_resolved(claim: CounterpartClaim, point: StickingPoint) -> bool:
    """Whether `claim` still stands on the first day `point` counts as resolved (the earliest
    day of each date, the rule the boards use): it must have ended by then."""
    if claim.outcome == ClaimOutcome.STANDING or claim.ended is None:
        return True
    return point.resolved is not None and claim.ended.earliest > point.resolved.earliest


def counterpart_claim_check(claim: CounterpartClaim) -> None:
    """The claimant is one of the channel's parties; a side has one standing claim per office
    on a channel; a claim named by a resolved counterpart sticking point has ended by the day
    it was resolved (so the board never shows a live dispute beside a resolved one)."""
    if claim.channel_id:
        _party_rule(claim.channel, claim.claimant_id, "claimant", claim.claimant)
    if claim.outcome == ClaimOutcome.STANDING and claim.channel_id and claim.office_id:
        other = (
            CounterpartClaim.objects.filter(
                channel=claim.channel_id,
                office=claim.office_id,
                claimant=claim.claimant_id,
                outcome=ClaimOutcome.STANDING,
            )
            .exclude(pk=claim.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "outcome": f"{claim.claimant.label} already has a standing claim about the "
                    f"{claim.office.title} on this channel ({_claim_target(other)}); mark that "
                    "one superseded first."
                }
            )
    if claim.pk is None:
        return
    resolved = StickingPoint.objects.filter(
        counterpart_claims=claim.pk,
        kind=StickingPointKind.COUNTERPART_DISPUTE,
        state=StickingPointState.RESOLVED,
    )
    for point in resolved:
        if _stands_when_resolved(claim, point):
            raise ValidationError(
                {
                    "ended" if claim.ended else "outcome": f"The sticking point “{point.title}”, "
                    f"resolved {point.resolved}, names this claim: it must be settled or "
                    "superseded no later than that, or the sticking point reopened first."
                }
            )


def counterpart_claim_ending_check(
    claim: CounterpartClaim, citations: Sequence[CitationInput] = ()
) -> None:
    """A claim that is settled or superseded says so with a source passage, cited as how it
    ended (`CLAIM_ENDING_CITATION`): among `citations` (about to be added) or already stored."""
    if claim.outcome == ClaimOutcome.STANDING:
        return
    if any(c.claim == CLAIM_ENDING_CITATION and c.passage.strip() for c in citations):
        return
    if claim.pk is not None and claim.citations.filter(claim=CLAIM_ENDING_CITATION).exists():
        return
    raise ValidationError(
        {
            "ending_passage": "Cite the passage that says how the claim ended, e.g. “the call "
            "was held with the minister China proposed”."
        }
    )


def sticking_point_check(point: StickingPoint, claims: Iterable[CounterpartClaim] | None = None):
    """A counterpart dispute is resolved only once the claims it names have ended: refused on
    `resolved` while one still stands on the day it was resolved. `claims` are the claims it
    will name (a form's choice); by default those it names now."""
    if point.kind != StickingPointKind.COUNTERPART_DISPUTE:
        return
    if point.state != StickingPointState.RESOLVED or point.resolved is None:
        return
    if claims is None:
        if point.pk is None:
            return
        claims = point.counterpart_claims.select_related("claimant", "office")
    standing = [claim for claim in claims if _stands_when_resolved(claim, point)]
    if standing:
        described = "; ".join(
            f"{c.claimant.label} on the {c.office.title} ({_claim_target(c)}"
            + (f", {c.get_outcome_display().lower()} {c.ended})" if c.ended else ", standing)")
            for c in standing
        )
        raise ValidationError(
            {
                "resolved": f"The counterpart claims it names must end by {point.resolved}, "
                f"but these still stand then: {described}. Settle or supersede them first "
                "(with the source that says so), or keep the sticking point open."
            }
        )


def counterpart_claim_end(
    *,
    claim: CounterpartClaim,
    outcome: str,
    ended: FuzzyDate | None,
    note: str,
    citations: Sequence[CitationInput],
    new_claim: CounterpartClaim | None = None,
    user=None,
) -> CounterpartClaim:
    """Settle or supersede a standing claim on `ended`, with a note on how and the passage that
    says so (cited as how it ended). Superseding may record the side's new view in the same
    step: `new_claim` (unsaved; its channel, office and claimant are taken from `claim`, and it
    is stated from `ended` unless it says otherwise), cited by the same passages. Returns the
    new claim when there is one, else the ended claim."""
    if outcome not in (ClaimOutcome.SETTLED, ClaimOutcome.SUPERSEDED):
        raise ValidationError({"outcome": "Choose settled or superseded."})
    if ended is None:
        raise ValidationError(
            {"ended": "Give the date the claim ended (it may be fuzzy, e.g. “mid-Sept 2025”)."}
        )
    if new_claim is not None and outcome != ClaimOutcome.SUPERSEDED:
        raise ValidationError(
            {"outcome": "Only a superseded claim is followed by a new one; choose superseded."}
        )
    _require_citations(citations, "Ending a counterpart claim")
    label = ClaimOutcome(outcome).label.lower()
    with _recorded(user, f"Counterpart claim {label} ({ended})"):
        locked = CounterpartClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.outcome != ClaimOutcome.STANDING:
            raise ValidationError(
                {
                    "outcome": f"This claim was already {locked.get_outcome_display().lower()} "
                    f"({locked.ended}); edit that record to change how it ended."
                }
            )
        locked.outcome = outcome
        locked.ended = ended
        locked.outcome_note = note.strip()
        locked.clean()
        counterpart_claim_check(locked)
        locked.save()
        ending = [replace(c, claim=CLAIM_ENDING_CITATION) for c in citations]
        counterpart_claim_ending_check(locked, ending)
        _cite_all(locked, ending)
        if new_claim is not None:
            new_claim.channel = locked.channel
            new_claim.office = locked.office
            new_claim.claimant = locked.claimant
            new_claim.outcome = ClaimOutcome.STANDING
            if new_claim.stated is None:
                new_claim.stated = ended
            record_save(record=new_claim, citations=[replace(c, claim="") for c in citations])
    claim.refresh_from_db()
    return new_claim if new_claim is not None else claim


def interpretation_check(interpretation: Interpretation) -> None:
    """A reading is by a party to one of the channels the statement bears on (any side while
    the statement is on no channel yet)."""
    statement = getattr(interpretation, "statement", None)
    if statement is None or statement.pk is None or not interpretation.side_id:
        return
    channels = list(statement.channels.select_related("party_a", "party_b"))
    if channels and not any(c.has_party(interpretation.side_id) for c in channels):
        parties = sorted({p.label for c in channels for p in (c.party_a, c.party_b)})
        raise ValidationError(
            {
                "side": f"{interpretation.side} is not a party to the channels this statement "
                f"bears on; choose {' or '.join(parties)}."
            }
        )


def transition_check(step: EngagementTransition) -> None:
    """A lifecycle step's date does not overlap another's without a reason, and an edited step
    stays in order (`transition_edit_check`)."""
    transition_edit_check(step)
    transition_overlap_check(step)


def transition_edit_check(step: EngagementTransition) -> None:
    """An edited lifecycle step stays in order: not dated before the step it follows, nor after
    the one that follows it."""
    if step.pk is None or step.date is None:
        return
    steps = EngagementTransition.objects.filter(engagement=step.engagement_id).exclude(pk=step.pk)
    previous = steps.filter(pk__lt=step.pk).order_by("-pk").first()
    following = steps.filter(pk__gt=step.pk).order_by("pk").first()
    if previous is not None and step.date.is_before(previous.date):
        raise ValidationError(
            {
                "date": f"This step ({step.date}) cannot come before the previous one "
                f"({previous.get_to_state_display().lower()}, {previous.date})."
            }
        )
    if following is not None and following.date.is_before(step.date):
        raise ValidationError(
            {
                "date": f"This step ({step.date}) cannot come after the next one "
                f"({following.get_to_state_display().lower()}, {following.date})."
            }
        )


RECORD_CHECKS: dict[type[Model], Callable[[Any], None]] = {
    Engagement: engagement_check,
    Participation: participation_check,
    Characterisation: characterisation_check,
    CounterpartClaim: counterpart_claim_check,
    StickingPoint: sticking_point_check,
    Interpretation: interpretation_check,
    EngagementTransition: transition_check,
    StatusChange: status_overlap_check,
}


def record_check(record: Model) -> None:
    """The service rules for saving `record` as it stands (on top of the model's own `clean`):
    `ValidationError` keyed by field. Forms call this to show the message on the field."""
    check = RECORD_CHECKS.get(type(record))
    if check is not None:
        check(record)


def record_save(
    *,
    record: Model,
    user=None,
    comment: str = "",
    citations: Sequence[CitationInput] = (),
) -> Model:
    """Save a new or edited record of any kind after its model's `clean` and `record_check`,
    with its citations, as one version."""
    record.clean()
    record_check(record)
    if isinstance(record, CounterpartClaim):
        counterpart_claim_ending_check(record, citations)
    if isinstance(record, Participation):
        _keep_planned_attendance(record)
    verb = "added" if record.pk is None else "changed"
    with _recorded(user, comment or f"{str(record._meta.verbose_name).capitalize()} {verb}"):
        record.save()
        _cite_all(record, citations)
        if isinstance(record, StatusChange):
            status_periods_refresh(record.channel_id)
            record.refresh_from_db(fields=["shown_from"])
    return record


def _keep_planned_attendance(participation: Participation) -> None:
    """When an outcome (did not take part, replaced, joined remotely) replaces what was planned
    (e.g. sought by the other side), keep the plan: pages as of a day before the engagement was
    held show it."""
    if participation.attendance not in ATTENDANCE_OUTCOMES:
        participation.planned_attendance = ""
        return
    if participation.pk is None:
        return
    stored = (
        Participation.objects.filter(pk=participation.pk)
        .values_list("attendance", "planned_attendance")
        .first()
    )
    if stored is not None:
        before, planned = stored
        participation.planned_attendance = planned if before in ATTENDANCE_OUTCOMES else before


def record_links_set(
    *, record: Model, links: dict[str, Iterable[Model]], user=None, comment: str = ""
) -> None:
    """Set a saved record's many-to-many links by field name (a statement's channels, a sticking
    point's statements, claims and engagements)."""
    label = str(record._meta.verbose_name).capitalize()
    if isinstance(record, StickingPoint) and "counterpart_claims" in links:
        claims = [c for c in links["counterpart_claims"] if isinstance(c, CounterpartClaim)]
        links = {**links, "counterpart_claims": claims}
        sticking_point_check(record, claims)
    with _recorded(user, comment or f"{label} links changed"):
        for name, values in links.items():
            getattr(record, name).set(values)


def record_delete(*, record: Model, user=None, comment: str = "") -> None:
    """Delete a record (the database refuses what other records still need)."""
    with _recorded(user, comment or f"{str(record._meta.verbose_name).capitalize()} deleted"):
        record.delete()
        if isinstance(record, StatusChange):
            status_periods_refresh(record.channel_id)


# --- Intake ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRef:
    """One intake suggestion, as the page names it: its source, kind, span and key."""

    source: Source
    kind: str
    start: int
    end: int
    key: str = ""

    def decisions(self):
        return IntakeDecision.objects.filter(
            source=self.source,
            suggestion_kind=self.kind,
            start=self.start,
            end=self.end,
            key=self.key,
        )


def _already_decided(decision: IntakeDecision) -> ValidationError:
    if decision.decision == IntakeDecisionKind.ACCEPTED and decision.record is not None:
        return ValidationError(
            f"This suggestion was already accepted ({decision.record}); "
            "it is not recorded a second time."
        )
    if decision.decision == IntakeDecisionKind.ACCEPTED:
        return ValidationError(
            "This suggestion was accepted, and its record has since been deleted; reopen it "
            "to record it again."
        )
    return ValidationError("This suggestion was dismissed; reopen it to accept it.")


def _decide(suggestion: SuggestionRef, decision: str, record: Model | None, user) -> IntakeDecision:
    """Record the one decision a suggestion gets (inside the caller's transaction); refused,
    with what was decided, if it has one already or gets one from a colleague meanwhile."""
    if decided := suggestion.decisions().first():
        raise _already_decided(decided)
    try:
        with transaction.atomic():
            return IntakeDecision.objects.create(
                source=suggestion.source,
                suggestion_kind=suggestion.kind,
                start=suggestion.start,
                end=suggestion.end,
                key=suggestion.key,
                decision=decision,
                content_type=ContentType.objects.get_for_model(record) if record else None,
                object_id=record.pk if record else None,
                decided_by=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:
        decided = suggestion.decisions().first()
        raise (
            _already_decided(decided)
            if decided
            else ValidationError("This suggestion was just decided by someone else.")
        ) from None


def intake_accept(
    *, suggestion: SuggestionRef, write: Callable[[], Model], user=None, comment: str = ""
) -> Model:
    """Make the record a suggestion describes (`write` calls the service for it) and mark the
    suggestion accepted with a link to that record, as one change. A suggestion already accepted
    or dismissed is refused, and nothing is written; the database refuses a second decision
    even when two editors accept at the same moment."""
    with _recorded(user, comment or f"Accepted from intake ({suggestion.kind})"):
        if decided := suggestion.decisions().first():
            raise _already_decided(decided)  # before writing anything
        record = write()
        _decide(suggestion, IntakeDecisionKind.ACCEPTED, record, user)
    return record


def intake_dismiss(*, suggestion: SuggestionRef, user=None) -> IntakeDecision:
    """Mark a suggestion as not worth a record; it stays listed, marked dismissed."""
    with _recorded(user, f"Dismissed from intake ({suggestion.kind})"):
        return _decide(suggestion, IntakeDecisionKind.DISMISSED, None, user)


def intake_reopen(*, suggestion: SuggestionRef, user=None) -> None:
    """Open a dismissed suggestion again, or an accepted one whose record has since been
    deleted. An accepted one whose record exists stays accepted."""
    with _recorded(user, f"Reopened in intake ({suggestion.kind})"):
        decision = suggestion.decisions().first()
        if decision is None:
            raise ValidationError("This suggestion is open already.")
        if decision.decision == IntakeDecisionKind.ACCEPTED and decision.record is not None:
            raise _already_decided(decision)
        decision.delete()


def person_with_office_create(
    *,
    name: str,
    state: Actor | None,
    office: Office | None,
    title: str,
    institution: Actor | None,
    citations: Sequence[CitationInput],
    user=None,
) -> Actor:
    """A person new to the database, with the office the report gives them: a recorded office,
    or a new one (`title` at `institution`). The person, the office and the holding all cite
    the same passages. A name already recorded is refused (open that actor instead)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the person's name."})
    _require_citations(citations, "A new person")
    title = " ".join(title.split())
    if office is None and title and institution is None:
        raise ValidationError({"institution": f"Choose the institution {name} is {title} of."})
    with _recorded(user, f"Person added from intake: {name}"):
        # Checked inside the version's transaction, after the data-version lock: two editors
        # creating the same person at once queue here, and the second is refused.
        if Actor.objects.filter(kind=ActorKind.PERSON, name__iexact=name).exists():
            raise ValidationError({"name": f"{name} is already recorded."})
        person = Actor(kind=ActorKind.PERSON, name=name, slug=_free_slug(name), state=state)
        person.full_clean()
        record_save(record=person, citations=citations)
        if office is None and title:
            assert institution is not None  # refused above
            office = Office.objects.filter(institution=institution, title__iexact=title).first()
            if office is None:
                office = Office(title=title[0].upper() + title[1:], institution=institution)
                office.full_clean()
                record_save(record=office, citations=citations)
        if office is not None:
            holding = OfficeHolding(person=person, office=office)
            holding.full_clean()
            record_save(record=holding, citations=citations)
    return person


def _free_slug(name: str) -> str:
    base = slugify(name)[:110] or "person"
    taken = set(Actor.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def counterpart_dispute_settle(
    *,
    point: StickingPoint,
    settled: CounterpartClaim | None,
    claims: Iterable[CounterpartClaim],
    date: FuzzyDate,
    note: str,
    citations: Sequence[CitationInput],
    user=None,
) -> StickingPoint:
    """Settle a counterpart dispute as a report says: the claim borne out settled, the other
    standing claims superseded, all on `date`, then the sticking point resolved on `date` — one
    change, each part under its own rules (`counterpart_claim_end`, `sticking_point_check`)."""
    with _recorded(user, f"Counterpart dispute settled ({date})"):
        for claim in claims:
            if claim.outcome != ClaimOutcome.STANDING:
                continue
            counterpart_claim_end(
                claim=claim,
                outcome=ClaimOutcome.SETTLED
                if settled is not None and claim.pk == settled.pk
                else ClaimOutcome.SUPERSEDED,
                ended=date,
                note=note,
                citations=citations,
                user=user,
            )
        point.state = StickingPointState.RESOLVED
        point.resolved = date
        record_save(record=point, citations=citations, user=user)
    return point


# --- An analyst's own reading state (events.models.personal) -------------------------------------
#
# Not facts: no version is kept and no cached page goes stale (events.caching), so these take
# neither the history nor the data version's lock.

# A board view this long after the one before starts a new visit; views closer together are one
# visit (reloads, going back from a channel page), so they keep the same "since" baseline.
VISIT_GAP = timedelta(minutes=30)
# A visit's row is written at most this often: views closer to the last write than this are
# answered from the cache (`board_visit_record`).
VISIT_WRITE_INTERVAL = timedelta(minutes=1)


def channel_follow(*, user, channel: Channel) -> Follow:
    """Star `channel` for `user` (an analyst); starring it again changes nothing."""
    if not user.is_authenticated:
        raise ValidationError("Sign in to follow channels.")
    with transaction.atomic():
        follow, _ = Follow.objects.get_or_create(user=user, channel=channel)
        followed_channels_changed(user)
    return follow


def channel_unfollow(*, user, channel: Channel) -> None:
    """Take the star off `channel` for `user`; a channel not followed stays so."""
    Follow.objects.filter(user=user, channel=channel).delete()
    followed_channels_changed(user)


def board_visit_record(*, user, now: datetime | None = None) -> datetime | None:
    """Note that `user` is looking at the board `now`, and return since when the board lists
    changes for them: the last view of their previous visit, or None before any (the board
    then lists the last seven days).

    A visit is a run of board views each less than `VISIT_GAP` after the one before: reloading
    or coming back from a channel page keeps the list, and the next morning's first view moves
    the baseline to the previous visit's last view. The row is written at most once per
    `VISIT_WRITE_INTERVAL` (a minute): a view within a minute of the last one written changes
    neither visit nor baseline, so it is answered from the cache, with no query. The previous
    visit's last view is therefore known to the minute (a reload less than a minute after the
    last write is not noted). Two queries when written (a first view: a few more)."""
    now = now or timezone.now()
    key = f"board-visit:{user.pk}"
    noted = cache.get(key)
    if noted is not None:
        written_at, baseline = noted
        if written_at <= now < written_at + VISIT_WRITE_INTERVAL:
            return baseline
    visit = BoardVisit.objects.filter(user=user).only("pk", "seen_at", "baseline_at").first()
    if visit is None:
        try:
            with transaction.atomic():
                BoardVisit.objects.create(user=user, seen_at=now)
        except IntegrityError:  # the same analyst's other tab got there first
            return None
        baseline = None
    else:
        baseline = visit.seen_at if now - visit.seen_at >= VISIT_GAP else visit.baseline_at
        # max(): a clock set back never moves the visit before its baseline.
        now = max(now, visit.seen_at)
        BoardVisit.objects.filter(pk=visit.pk).update(seen_at=now, baseline_at=baseline)
    # Kept no longer than it is used: the row stays the truth.
    cache.set(key, (now, baseline), int(VISIT_WRITE_INTERVAL.total_seconds()))
    return baseline


def feed_token_issue(*, user) -> FeedToken:
    """A new private feed address for `user`: any earlier address stops working at once."""
    if not user.is_authenticated:
        raise ValidationError("Sign in to get a feed address.")
    with transaction.atomic():
        FeedToken.objects.filter(user=user).delete()
        return FeedToken.objects.create(user=user)


def feed_token_revoke(*, user) -> None:
    """Withdraw `user`'s private feed address: it answers 404 from now on."""
    FeedToken.objects.filter(user=user).delete()
