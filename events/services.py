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
from dataclasses import dataclass
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q

from events.caching import lock_data_version
from events.fuzzydates import FuzzyDate
from events.models import (
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    Participation,
    Source,
    Statement,
    StatusChange,
)
from events.periods import DatedStatus, shown_from_days
from events.vocabularies import ALLOWED_TRANSITIONS, EngagementState, RelayKind


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
    user=None,
) -> StatusChange:
    """Record that `channel` took `status` on `date`, with why and the source that says so."""
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
        )
        change.date = date
        change.full_clean(exclude=["channel"], validate_constraints=False)
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
    for pk, day in shown_from_days(dated).items():
        if current[pk] != day:
            StatusChange.objects.filter(pk=pk).update(shown_from=day)


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
    user=None,
) -> EngagementTransition:
    """Move an engagement one step along its lifecycle (e.g. proposed → scheduled), dated and
    sourced. `when` updates the expected or actual date if the step changes it."""
    _require_citations(citations, "A lifecycle step")
    with _recorded(user, f"Lifecycle step: {to_state} ({date})"):
        # The row lock makes concurrent transitions queue; the second sees the first's state.
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        engagement_transition_check(engagement=locked, to_state=to_state, date=date)
        step = EngagementTransition(
            engagement=locked, from_state=locked.state, to_state=to_state, note=note.strip()
        )
        assert date is not None  # engagement_transition_check refuses a missing date
        step.date = date
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
    """A participant takes part on the side of one of the channel's parties."""
    engagement = getattr(participation, "engagement", None)
    if engagement is not None and engagement.channel_id:
        _party_rule(engagement.channel, participation.side_id, "side", participation.side)


def characterisation_check(characterisation: Characterisation) -> None:
    """A characterisation is one of the channel's parties' own description."""
    engagement = getattr(characterisation, "engagement", None)
    if engagement is not None and engagement.channel_id:
        _party_rule(engagement.channel, characterisation.side_id, "side", characterisation.side)


def counterpart_claim_check(claim: CounterpartClaim) -> None:
    """The claimant is one of the channel's parties."""
    if claim.channel_id:
        _party_rule(claim.channel, claim.claimant_id, "claimant", claim.claimant)


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
    Interpretation: interpretation_check,
    EngagementTransition: transition_edit_check,
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
    verb = "added" if record.pk is None else "changed"
    with _recorded(user, comment or f"{str(record._meta.verbose_name).capitalize()} {verb}"):
        record.save()
        _cite_all(record, citations)
        if isinstance(record, StatusChange):
            status_periods_refresh(record.channel_id)
            record.refresh_from_db(fields=["shown_from"])
    return record


def record_links_set(
    *, record: Model, links: dict[str, Iterable[Model]], user=None, comment: str = ""
) -> None:
    """Set a saved record's many-to-many links by field name (a statement's channels, a sticking
    point's statements, claims and engagements)."""
    label = str(record._meta.verbose_name).capitalize()
    with _recorded(user, comment or f"{label} links changed"):
        for name, values in links.items():
            getattr(record, name).set(values)


def record_delete(*, record: Model, user=None, comment: str = "") -> None:
    """Delete a record (the database refuses what other records still need)."""
    with _recorded(user, comment or f"{str(record._meta.verbose_name).capitalize()} deleted"):
        record.delete()
        if isinstance(record, StatusChange):
            status_periods_refresh(record.channel_id)
