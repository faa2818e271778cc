"""Mentions as suggestions, and the channels an article bears on."""

import bisect
import re
from collections import Counter

from events.intake.mentions import _key, _Known, _Mention
from events.intake.suggestions import Suggestion
from events.models import Actor
from events.text import Sentences
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


def _first_track(*names: str) -> Track | None:
    """The track whose cue comes first in a name: "Defense attachés, US Embassy in Beijing" is
    military, "US Embassy in Beijing" diplomatic."""
    for name in names:
        found = [(m.start(), t) for t, cue in _TRACK_CUES.items() if (m := cue.search(name or ""))]
        if found:
            return min(found)[1]
    return None


def _actor_tracks(actor: Actor, known: _Known) -> set[Track]:
    """Tracks an actor stands for: an institution's (from its name, else its parent's), or those
    of a person's offices (the title's, else its institution's)."""
    if actor.kind == ActorKind.INSTITUTION:
        seen = set()
        current: Actor | None = actor
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            if track := _first_track(current.name):
                return {track}
            current = known.actors.get(current.parent_id) if current.parent_id else None
        return set()
    if actor.kind == ActorKind.PERSON:
        tracks = set()
        for office in known.held_by.get(actor.pk, []):
            institution = known.institution(office)
            if track := _first_track(office.title, institution.name if institution else ""):
                tracks.add(track)
        return tracks
    return set()


def _office_track(office, known: _Known) -> Track | None:
    institution = known.institution(office)
    return _first_track(office.title, institution.name if institution else "")


# What ties an article to a channel's track (see `_channel_suggestions`).
_ENGAGEMENT_WORD = re.compile(
    r"\b(?:(?:phone|video|telephone)\s+calls?|calls?(?!\s+(?:on|for)\b)|meetings?|met|meets?"
    r"|talks|talked|spoke|speak|visits?|visited|summits?|dialogues?|conversations?"
    r"|consultations|negotiations|hotline)\b",
    re.IGNORECASE,
)
# Officials and bodies of a track named generically ("the two defence chiefs", "foreign
# ministries", "the leaders").
_TRACK_OFFICIALS = {
    Track.MILITARY: re.compile(
        r"\b(?:(?:defen[cs]e|military)\s+(?:chiefs?|ministers?|ministry|ministries|secretar(?:y|ies)"
        r"|officials?|leaders(?:hip)?|establishments?|attach[eé]s?|brass)|generals|admirals"
        r"|armed\s+forces|militaries)\b",
        re.IGNORECASE,
    ),
    Track.DIPLOMATIC: re.compile(
        r"\b(?:foreign\s+(?:ministers?|ministry|ministries|secretar(?:y|ies)|office)"
        r"|top\s+diplomats?|ambassadors?|envoys?|embassy|embassies)\b",
        re.IGNORECASE,
    ),
    Track.LEADERS: re.compile(
        r"\b(?:heads?\s+of\s+state|(?:two|both)\s+leaders|(?:two|both)\s+presidents)\b",
        re.IGNORECASE,
    ),
    Track.ECONOMIC: re.compile(
        r"\b(?:(?:trade|commerce|finance|economic)\s+(?:ministers?|ministry|ministries"
        r"|secretar(?:y|ies)|officials?|representatives?|negotiators?|envoys?)"
        r"|Treasury\s+Secretary|trade\s+representative)\b",
        re.IGNORECASE,
    ),
    Track.MULTILATERAL: _TRACK_CUES[Track.MULTILATERAL],
}
# A track named with an engagement word: "military talks", "defence ministers' meeting",
# "diplomatic talks", "leaders' summit", "trade talks".
_TRACK_ADJECTIVE = {
    Track.MILITARY: r"military|defen[cs]e|mil-mil|military-to-military",
    Track.DIPLOMATIC: r"diplomatic|foreign\s+ministers?[’']?|strategic",
    Track.LEADERS: r"leaders[’']?|leader-level|presidential|heads[-\s]of[-\s]state",
    Track.ECONOMIC: r"trade|economic|commerce|tariff",
    Track.MULTILATERAL: r"multilateral",
}
_TRACK_ENGAGEMENT = {
    track: re.compile(
        rf"\b(?:{adjective})\s+(?:[\w’'-]+\s+){{0,2}}?(?:talks|dialogues?|meetings?"
        rf"|calls?|summits?|consultations|negotiations|channels?|contacts?|hotline)\b",
        re.IGNORECASE,
    )
    for track, adjective in _TRACK_ADJECTIVE.items()
}
_ATTRIBUTIVE_AFTER = re.compile(
    r"(?:[’']s\s+(?:[\w-]+\s+){0,2}?|\s+)(?:term|administration|government|era|presidency"
    r"|cabinet|tenure|policy|policies|tariffs?|trade\s+war|doctrine|camp)\b",
    re.IGNORECASE,
)
_MIN_SCORE = 1  # an official or body of the track, tied to the parties, is enough
_PASSING = 0.2  # below this share of the main channel's score, a channel is named in passing
_OFFICIALS_ONLY = 0.5  # the share a channel needs with officials named but no engagement
_NEAR = 100  # characters between an official and the engagement word that is theirs
# A sentence ties a generic phrase to the parties when it names one of them, or both sides.
_BOTH_SIDES = re.compile(
    r"\b(?:(?:two|both)\s+(?:countries|sides|nations|governments|militaries|capitals|men|women"
    r"|(?:[\w-]+\s+)?(?:ministries|ministers|chiefs|leaders|presidents|armed\s+forces))"
    r"|each\s+other|bilateral)\b",
    re.IGNORECASE,
)


def _channel_suggestions(
    text: str, mentions: list[_Mention], known: _Known, sentences: Sentences | None = None
) -> list[Suggestion]:
    """Channels the article bears on. Both parties must be named, and the track needs evidence:
    an engagement word in a sentence with an official or body of that track ("Hegseth held a
    call"), a track named with an engagement ("military talks"), or — except for the leaders'
    track, where a passing mention of a leader is not enough — an official or body of that
    track of either party, or one named generically in a sentence about the parties ("the two
    defence ministries"). A cue word alone ("diplomatic") is no evidence. Each suggestion lists
    its evidence in `reason` (and `evidence`)."""
    sentences = sentences or Sentences(text)
    named_states: dict[int, _Mention | None] = {}
    # Per sentence: states named, tracks of known officials/bodies (state, track, label, span).
    sentence_states: dict[int, set[int]] = {}
    state_spots: dict[int, list[tuple[int, int]]] = {}  # sentence -> (position, state) named

    def named_near(index: int, state: int, span: tuple[int, int]) -> bool:
        """Whether `state` is named close to the evidence at `span`: a state named at the far
        end of the sentence ("… its cooperation with the United States") is not the other
        side of the engagement."""
        spots = state_spots.get(index, [])
        low = bisect.bisect_left(spots, (span[0] - _NEAR, -1))
        high = bisect.bisect_right(spots, (span[1] + _NEAR, 1 << 62))
        return any(spot_state == state for _, spot_state in spots[low:high])

    officials: list[tuple[int, int, Track, str, tuple[int, int]]] = []  # (sentence, state, …)
    for m in mentions:
        actor = m.target if m.kind == "actor" else known.institution(m.target)
        state = known.state_of(actor)
        if state is None or actor is None:
            continue
        named_states.setdefault(state.pk, m)
        index = sentences.index(m.start)
        sentence_states.setdefault(index, set()).add(state.pk)
        state_spots.setdefault(index, []).append((m.start, state.pk))
        if _ATTRIBUTIVE_AFTER.match(text, m.end):
            continue  # "Trump's second term", "the Trump administration": no official at work
        if m.kind == "office":
            office_track = _office_track(m.target, known)
            tracks = {office_track} if office_track else set()
            label = f"{m.text} ({state.label})"
        else:
            tracks = _actor_tracks(actor, known)
            label = actor.label
            if actor.kind == ActorKind.PERSON:
                offices = [o.title for o in known.held_by.get(actor.pk, [])]
                label = f"{actor.label} ({', '.join(offices)})"
        officials.extend((index, state.pk, track, label, (m.start, m.end)) for track in tracks)

    for start, _, state_pk in known.adjective_states(text):  # "Chinese officials"
        index = sentences.index(start)
        sentence_states.setdefault(index, set()).add(state_pk)
        state_spots.setdefault(index, []).append((start, state_pk))
        named_states.setdefault(state_pk, None)
    for spots in state_spots.values():
        spots.sort()  # names and adjectives, in reading order, for `named_near`
    engaged: dict[int, list[re.Match]] = {}  # sentence -> its engagement words
    for match in _ENGAGEMENT_WORD.finditer(text):
        engaged.setdefault(sentences.index(match.start()), []).append(match)

    engaged_starts = {index: [m.start() for m in found] for index, found in engaged.items()}

    def engagement_near(index: int, span: tuple[int, int]) -> str | None:
        """An engagement word of the sentence close enough to be the official's own
        ("Hegseth held a call"), not one of a clause about something else."""
        found, starts = engaged.get(index, []), engaged_starts.get(index, [])
        low = bisect.bisect_left(starts, span[0] - _NEAR - 40)  # 40: the longest such word
        for match in found[low:]:
            if match.start() > span[1] + _NEAR:
                break
            if match.start() - _NEAR <= span[0] and span[1] <= match.end() + _NEAR:
                return match.group()
        return None

    taken = sorted((m.start, m.end) for m in mentions)
    generic: list[tuple[int, Track, str, tuple[int, int]]] = []
    for track, pattern in _TRACK_OFFICIALS.items():
        for match in pattern.finditer(text):
            at = bisect.bisect_right(taken, (match.end(), 0)) - 1
            if at >= 0 and taken[at][1] > match.start():
                continue  # a known office or body, counted above
            index = sentences.index(match.start())
            generic.append((index, track, match.group(), match.span()))
    phrases: list[tuple[int, Track, str, tuple[int, int]]] = [
        (sentences.index(match.start()), track, match.group(), match.span())
        for track, pattern in _TRACK_ENGAGEMENT.items()
        for match in pattern.finditer(text)
    ]
    phrase_spans = {(words, span) for _, _, words, span in phrases}
    officials_of: dict[Track, set[int]] = {}  # the states whose officials of a track are named
    for _, party, item_track, _, _ in officials:
        officials_of.setdefault(item_track, set()).add(party)
    sides: dict[int, bool] = {}
    # How often each state is named: the article's main parties, for phrases naming one side.
    state_counts = Counter(state for spots in state_spots.values() for _, state in spots)

    def salient_pair(candidates: list[tuple[int, int]], named: set[int], pair: set[int]) -> bool:
        """Whether `pair` is the channel a phrase naming only `named` (one side, or none with
        "the two sides") belongs to: the only candidate, or the one whose parties the article
        names at least twice as often as any other's ("the two defence chiefs … with the United
        States" in a Chinese briefing that mentions the Philippines once)."""
        weights = sorted(
            (
                (sum(state_counts[s] for s in set(p) - named), set(p))
                for p in candidates
                if named <= set(p)
            ),
            key=lambda item: -item[0],
        )
        if len(weights) == 1:
            return weights[0][1] == pair
        return weights[0][1] == pair and weights[0][0] >= 2 * weights[1][0]

    def both_sides(index: int, parties: set[int]) -> bool:
        """ "The two sides" in a sentence that names no state but the channel's parties."""
        if index not in sides:
            span = sentences.span(index)
            sides[index] = bool(_BOTH_SIDES.search(text, span[0], span[1]))
        return sides[index] and sentence_states.get(index, set()) <= parties

    cue_counts: dict[str, Counter] = {track: Counter() for track in Track.values}
    for track, cue in _TRACK_CUES.items():
        for match in cue.finditer(text):
            cue_counts[track][_key(match.group()).lower()] += 1

    # The channels whose two parties the article names, by track.
    pairs: dict[str, list[tuple[int, int]]] = {}
    for channel in known.channels:
        if channel.party_a_id in named_states and channel.party_b_id in named_states:
            pairs.setdefault(channel.track, []).append((channel.party_a_id, channel.party_b_id))
    suggestions = []
    for channel in known.channels:
        if channel.party_a_id not in named_states or channel.party_b_id not in named_states:
            continue
        parties = {channel.party_a_id, channel.party_b_id}
        track = Track(channel.track)
        strong: list[tuple[str, tuple[int, int]]] = []
        medium: list[tuple[str, tuple[int, int]]] = []
        for index, party, item_track, label, span in officials:
            if item_track != track or party not in parties:
                continue
            other = channel.party_b_id if party == channel.party_a_id else channel.party_a_id
            # Tied to the other party: named in the same sentence, or "the two sides".
            tied = other in sentence_states.get(index, ()) or both_sides(index, parties)
            word = engagement_near(index, span) if tied else None
            if word and (both_sides(index, parties) or named_near(index, other, span)):
                strong.append((f"{label} with “{word}”", span))
            elif tied or other in officials_of.get(track, ()):
                medium.append((label, span))  # or the other side's official is named too
        for index, item_track, words, span in generic + phrases:
            if item_track != track:
                continue
            named_here = parties & sentence_states.get(index, set())
            if len(named_here) < 2 and not (named_here and both_sides(index, parties)):
                continue  # "the defence ministries" of which two states?
            if len(named_here) < 2 and not salient_pair(pairs[track], named_here, parties):
                continue  # "the two defence chiefs" and the US: with China or the Philippines?
            if (words, span) in phrase_spans:
                strong.append((f"“{words}”", span))
            elif (word := engagement_near(index, span)) and (
                both_sides(index, parties) or all(named_near(index, p, span) for p in parties)
            ):
                strong.append((f"“{words}” with “{word}”", span))
            else:
                medium.append((f"“{words}”", span))
        if not strong and (track == Track.LEADERS or not medium):
            continue
        party_a, party_b = known.actors[channel.party_a_id], known.actors[channel.party_b_id]
        evidence = []  # the engagements first, then the officials and bodies named
        for items in (strong, medium):
            counted = Counter(label for label, _ in items)
            evidence += [f"{label} ×{n}" if n > 1 else label for label, n in counted.most_common()]
        evidence = evidence[:10]
        start, end = min(span for _, span in strong or medium)
        reason = f"{party_a.label} and {party_b.label} are both named; {track} evidence: "
        reason += "; ".join(evidence)
        cues = cue_counts[track]
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
                    # Sentences with an engagement of the track weigh most, then the distinct
                    # officials and bodies named, then the cue words.
                    "score": 2 * len({sentences.index(span[0]) for _, span in strong})
                    + len({label for label, _ in medium})
                    + sum(cues.values()) // 2,
                    "strong_sentences": len({sentences.index(span[0]) for _, span in strong}),
                    "cues": sorted(cues),
                    "evidence": evidence,
                    "reason": reason,
                },
            )
        )
    suggestions.sort(key=lambda s: -s.value["score"])
    # What the article is about: a channel far less evidenced than its main one is named in
    # passing — below a fifth of its score, or below half with no engagement of its own.
    top = suggestions[0].value["score"] if suggestions else 0
    return [
        s
        for s in suggestions
        if s.value["score"] >= max(top * _PASSING, _MIN_SCORE)
        and (s.value["strong_sentences"] or s.value["score"] >= top * _OFFICIALS_ONLY)
    ]


# --- The channel of a statement ------------------------------------------------------------------


def _speaker_tracks(actor: Actor | None, known: _Known) -> set[Track]:
    """The tracks a speaker speaks for: defence → military, foreign ministry or State
    Department → diplomatic, head of state or presidency → leaders."""
    return _actor_tracks(actor, known) if actor is not None else set()


def _statement_channels(
    statements: list[Suggestion], channels: list[Suggestion], known: _Known
) -> None:
    """Set `value["channel_id"]` on statements and paraphrases: the channel of the speaker's
    track between the speaker's state and the other party of the article's channels, when that
    channel is recorded. A speaker of several tracks (or none) gets none unless one of them is
    among the article's channels."""
    score = {s.value["channel_id"]: s.value["score"] for s in channels}
    by_id = {c.pk: c for c in known.channels}
    for suggestion in statements:
        if suggestion.kind not in {"statement", "paraphrase"}:
            continue
        speaker = known.actors.get(suggestion.value.get("speaker_id") or 0)
        state = known.state_of(speaker)
        tracks = _speaker_tracks(speaker, known)
        if state is None or not tracks:
            continue
        others = set()
        for pk in score:
            channel = by_id.get(pk)
            if channel is not None and channel.has_party(state):
                others.add(
                    channel.party_b_id if channel.party_a_id == state.pk else channel.party_a_id
                )
        found = [
            c
            for c in known.channels
            if c.track in tracks
            and c.has_party(state)
            and (c.party_b_id if c.party_a_id == state.pk else c.party_a_id) in others
        ]
        if len(found) > 1:
            found = sorted((c for c in found if c.pk in score), key=lambda c: -score[c.pk])[:1]
        if len(found) == 1:
            suggestion.value["channel_id"] = found[0].pk
            channel = found[0]
            party_a, party_b = known.actors[channel.party_a_id], known.actors[channel.party_b_id]
            suggestion.value["channel"] = (
                f"{party_a.label}–{party_b.label} {channel.get_track_display()}"
            )
