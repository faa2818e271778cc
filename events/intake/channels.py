"""Mentions as suggestions, and the channels an article bears on."""

import re
from collections import Counter

from events.intake.mentions import _key, _Known, _Mention
from events.intake.suggestions import Suggestion
from events.models import Actor
from events.vocabularies import ActorKind, Track

# --- Mentions and channels -----------------------------------------------------------------------


def _mention_suggestions(mentions: list[_Mention], known: _Known) -> list[Suggestion]:
    suggestions = []
    for m in mentions:
        if m.kind == "actor":
            actor = m.target
            state = known.state_of(actor)
            value = {
                "actor_id": actor.pk,
                "name": actor.name,
                "kind": actor.kind,
                "slug": actor.slug,
                "matched_as": m.how,
                "state_id": state.pk if state else None,
            }
        else:
            office = m.target
            institution = known.institution(office)
            value = {
                "office_id": office.pk,
                "title": office.title,
                "institution_id": office.institution_id,
                "institution": institution.name if institution else "",
                "holders": [
                    {"actor_id": p.pk, "name": p.name} for p in known.holders.get(office.pk, [])
                ],
            }
        if len(m.candidates) > 1:
            value["ambiguous_with"] = [c.pk for c in m.candidates if c is not m.target]
        suggestions.append(Suggestion(m.kind, m.text, m.start, m.end, value))
    return suggestions


_TRACK_CUES = {
    Track.MILITARY: re.compile(
        r"\b(?:military|militaries|defen[cs]e|Pentagon|PLA|People[’']s\s+Liberation\s+Army"
        r"|attach[eé]s?|armed\s+forces|army|navy|naval|air\s+force|troops|mil-mil)\b",
        re.IGNORECASE,
    ),
    Track.DIPLOMATIC: re.compile(
        r"\b(?:foreign\s+minist(?:er|ry)|foreign\s+affairs|State\s+Department"
        r"|Department\s+of\s+State|Secretary\s+of\s+State|diplomats?|diplomatic|diplomacy"
        r"|ambassadors?|envoys?|embassy)\b",
        re.IGNORECASE,
    ),
    Track.LEADERS: re.compile(
        r"\b(?:summits?|presidents?|presidency|heads?\s+of\s+state|leaders?|White\s+House)\b",
        re.IGNORECASE,
    ),
    Track.ECONOMIC: re.compile(
        r"\b(?:trade|tariffs?|economic|economy|commerce|treasury|export\s+controls?)\b",
        re.IGNORECASE,
    ),
    Track.MULTILATERAL: re.compile(
        r"\b(?:multilateral|ASEAN|APEC|G20|G7|United\s+Nations|UN\s+General\s+Assembly)\b"
    ),
}


def _actor_tracks(actor: Actor, known: _Known) -> set[Track]:
    """Tracks an actor stands for: its institution's name, or a person's offices."""
    names = []
    if actor.kind == ActorKind.INSTITUTION:
        names.append(actor.name)
    elif actor.kind == ActorKind.PERSON:
        for office in known.held_by.get(actor.pk, []):
            institution = known.institution(office)
            names += [office.title, institution.name if institution else ""]
    return {track for track, cue in _TRACK_CUES.items() if any(cue.search(n) for n in names)}


def _channel_suggestions(text: str, mentions: list[_Mention], known: _Known) -> list[Suggestion]:
    named_states: dict[int, _Mention] = {}
    by_track: dict[str, Counter] = {track: Counter() for track in Track.values}
    first_cue: dict[str, tuple[int, int]] = {}
    for m in mentions:
        actor = m.target if m.kind == "actor" else known.institution(m.target)
        state = known.state_of(actor)
        if state is not None:
            named_states.setdefault(state.pk, m)
        if actor is None:
            continue
        for track in _actor_tracks(actor, known):
            if _TRACK_CUES[track].search(m.text):
                continue  # counted below, with the words of the text
            if m.kind == "office":
                label = m.text
            elif actor.kind == ActorKind.PERSON:
                offices = [
                    o.title
                    for o in known.held_by.get(actor.pk, [])
                    if _TRACK_CUES[track].search(o.title)
                    or _TRACK_CUES[track].search(getattr(known.institution(o), "name", ""))
                ]
                label = f"{actor.label} ({', '.join(offices)})"
            else:
                label = actor.label
            by_track[track][label] += 1
            if m.start < first_cue.get(track, (len(text), 0))[0]:
                first_cue[track] = (m.start, m.end)
    for track, cue in _TRACK_CUES.items():
        for match in cue.finditer(text):
            by_track[track][_key(match.group()).lower()] += 1
            if match.start() < first_cue.get(track, (len(text), 0))[0]:
                first_cue[track] = match.span()

    pair_channels = [
        channel
        for channel in known.channels
        if channel.party_a_id in named_states and channel.party_b_id in named_states
    ]
    cued = [c for c in pair_channels if by_track[c.track]]
    suggestions = []
    for channel in cued or pair_channels:
        party_a, party_b = known.actors[channel.party_a_id], known.actors[channel.party_b_id]
        counts = by_track[channel.track]
        if counts:
            start, end = first_cue[channel.track]
            listed = ", ".join(f"{cue} ×{n}" if n > 1 else cue for cue, n in counts.most_common(8))
            reason = f"{party_a.label} and {party_b.label} are both named; {channel.track} cues: "
            reason += listed
        else:
            first = min(named_states[party_a.pk], named_states[party_b.pk], key=lambda m: m.start)
            start, end = first.start, first.end
            reason = f"{party_a.label} and {party_b.label} are both named; no track cue found"
        suggestions.append(
            Suggestion(
                "channel",
                text[start:end],
                start,
                end,
                {
                    "channel_id": channel.pk,
                    "slug": channel.slug,
                    "channel": f"{party_a.label}–{party_b.label} {channel.get_track_display()}",
                    "track": channel.track,
                    "parties": [party_a.name, party_b.name],
                    "score": sum(counts.values()),
                    "cues": sorted(counts),
                    "reason": reason,
                },
            )
        )
    suggestions.sort(key=lambda s: -s.value["score"])
    return suggestions
