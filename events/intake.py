"""Article intake: read a pasted report and suggest the records an editor may make from it.

`analyse(text, published=...)` returns `Suggestion`s, each tied to a span of the article
(`text[start:end]`) with a resolved value:

- "statement": a quoted passage of three words or more, with its likely speaker — a known
  person named with a speech verb or cue ("said Rubio", "Hegseth’s remarks", "according to
  …"), else the nearest person in the same or the preceding sentence, else the holder of an
  office named nearby, else an institution or state named nearby (confidence "low");
- "characterisation": a short adjectival quote attached to an engagement word
  (“constructive and pragmatic” meeting), with the engagement words and who gave it;
- "date": a date expression resolved against the publication date ("July 11th",
  "17–19 September", "late 2024 or early 2025", "Q3 2025", "last month"), flagged when it lies
  wholly before the publication date while the sentence looks forward ("anticipated",
  "will", "scheduled", …);
- "actor" and "office": known actors (by name, short name, alias or, for persons, surname) and
  office titles (with simple word-order variants: "Defense Secretary" for "Secretary of
  Defense", "Foreign Minister" for "Minister of Foreign Affairs"), overlapping matches reduced
  to the longest;
- "channel": channels whose two parties are both named (directly or through their
  institutions and people), with the track guessed from cue words.

Rules and regular expressions only: no network, no model. The database is read with a fixed
number of queries (actors, offices, office holdings, channels), whatever the article.
"""

import bisect
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from events.fuzzydates import FuzzyDate, FuzzyDateError
from events.models import Actor, Channel, Office, OfficeHolding
from events.text import Sentences
from events.vocabularies import ActorKind, Track

__all__ = ["KINDS", "Suggestion", "analyse"]

KINDS = ("statement", "characterisation", "date", "actor", "office", "channel")


@dataclass
class Suggestion:
    """One thing found in the article: `text == article[start:end]`, `value` JSON-ready."""

    kind: str
    text: str
    start: int
    end: int
    value: dict = field(default_factory=dict)
    flag: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


# --- Text helpers ------------------------------------------------------------------------------

_APOSTROPHES = "'’‘"
_WORD = re.compile(r"\w+(?:[-’'‘]\w+)*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _key(text: str) -> str:
    """How a surface form is looked up: apostrophes, dotted acronyms (U.S.), the
    Defense/Defence spelling and white space made uniform."""
    text = re.sub(f"[{_APOSTROPHES}]", "'", text)
    text = re.sub(r"\b(?:[A-Z]\.){2,}", lambda m: m.group().replace(".", ""), text)
    text = re.sub(r"(?<=[Dd]efen)c(?=e)", "s", text)
    text = re.sub(r"(?<=DEFEN)C(?=E)", "S", text)
    return " ".join(text.split())


def _token_pattern(token: str) -> str:
    if re.fullmatch(r"[A-Z]{2,4}", token):  # acronym: US also as U.S.
        return f"(?:{token}|{''.join(letter + r'\.' for letter in token)})"
    pattern = re.escape(token)
    pattern = re.sub(f"[{_APOSTROPHES}]", f"[{_APOSTROPHES}]", pattern)
    return re.sub(r"efen[cs]e", "efen[cs]e", pattern, flags=re.IGNORECASE)


def _surface_pattern(surface: str) -> str:
    return r"\s+".join(_token_pattern(token) for token in surface.split())


def _alternation(surfaces, flags: int = 0) -> re.Pattern[str] | None:
    ordered = sorted(set(surfaces), key=lambda s: (-len(s), s))
    if not ordered:
        return None
    body = "|".join(_surface_pattern(surface) for surface in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


# --- What the database knows ---------------------------------------------------------------------


@dataclass
class _Known:
    """Actors, offices, current office holdings and channels, read once."""

    actors: dict[int, Actor]
    offices: dict[int, Office]
    holders: dict[int, list[Actor]]  # office id -> people holding it on the publication date
    held_by: dict[int, list[Office]]  # person id -> offices held on the publication date
    channels: list[Channel]

    @classmethod
    def load(cls, published: date) -> "_Known":
        actors = {actor.pk: actor for actor in Actor.objects.all()}
        offices = {office.pk: office for office in Office.objects.all()}
        holders: dict[int, list[Actor]] = {}
        held_by: dict[int, list[Office]] = {}
        for holding in OfficeHolding.objects.all():
            started = holding.start is None or holding.start.earliest <= published
            ongoing = holding.end is None or holding.end.latest >= published
            person, office = actors.get(holding.person_id), offices.get(holding.office_id)
            if started and ongoing and person is not None and office is not None:
                holders.setdefault(office.pk, []).append(person)
                held_by.setdefault(person.pk, []).append(office)
        channels = list(Channel.objects.all())
        return cls(actors, offices, holders, held_by, channels)

    def state_of(self, actor: Actor | None) -> Actor | None:
        """The state an actor is or belongs to (through its parents if need be)."""
        seen = set()
        while actor is not None and actor.pk not in seen:
            if actor.kind == ActorKind.STATE:
                return actor
            seen.add(actor.pk)
            next_id = actor.state_id or actor.parent_id
            actor = self.actors.get(next_id) if next_id else None
        return None

    def institution(self, office: Office) -> Actor | None:
        return self.actors.get(office.institution_id)


# --- Actors and offices --------------------------------------------------------------------------

_MONTH_WORDS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
_HOW_RANK = {"name": 0, "short name": 1, "alias": 2, "surname": 3, "title": 0}


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    kind: str  # "actor" | "office"
    candidates: list  # actors or offices the text may name, best first
    how: str
    target: Any = None  # the chosen Actor (kind "actor") or Office (kind "office")

    @property
    def length(self) -> int:
        return self.end - self.start


def _actor_surfaces(actor: Actor):
    yield actor.name, "name"
    if actor.short_name:
        yield actor.short_name, "short name"
    for alias in actor.aliases.splitlines():
        if alias.strip():
            yield alias.strip(), "alias"
    if actor.kind == ActorKind.PERSON:
        tokens = actor.name.split()
        surname = tokens[-1] if len(tokens) > 1 else ""
        if len(surname) >= 3 and surname.lower().strip(".") not in _MONTH_WORDS:
            yield surname, "surname"


def _office_surfaces(office: Office, institution: Actor | None, state_labels: dict[str, str]):
    """The title and the ways reports turn it round: "Secretary of Defense" is also "Defense
    Secretary"; "Minister of Foreign Affairs" also "Foreign Minister"; a one-word title
    ("Member") only with its institution ("Politburo member")."""
    title = " ".join(office.title.split())
    if len(title.split()) == 1:
        if institution is not None:
            labels = {institution.name, institution.short_name, *institution.aliases.splitlines()}
            for label in filter(None, (label.strip() for label in labels)):
                yield f"{label} {title}"
        return
    yield title
    head, of, tail = title.partition(" of ")
    if not of:
        return
    tail = re.sub(r"^the\s+", "", tail, flags=re.IGNORECASE)
    tails = {tail}
    if tail.startswith("National "):
        shorter = tail.removeprefix("National ")
        tails.add(shorter)
        yield f"{head} of {shorter}"
    if tail.endswith(" Affairs"):
        tails.add(tail.removesuffix(" Affairs"))
    if tail in state_labels:  # "President of the United States": "US President"
        tails.add(state_labels[tail])
    head_words = head.split()
    for short_tail in tails:
        yield " ".join([*head_words[:-1], short_tail, head_words[-1]])


class _Matcher:
    """Finds actor and office mentions; built once per analysis from `_Known`."""

    def __init__(self, known: _Known) -> None:
        self.known = known
        self.exact: dict[str, list[tuple[Actor, str]]] = {}
        self.folded: dict[str, list[tuple[Actor, str]]] = {}
        exact_surfaces, folded_surfaces = [], []
        for actor in known.actors.values():
            for surface, how in _actor_surfaces(actor):
                if any(ch.isupper() for ch in surface):
                    self.exact.setdefault(_key(surface), []).append((actor, how))
                    exact_surfaces.append(surface)
                else:
                    self.folded.setdefault(_key(surface).lower(), []).append((actor, how))
                    folded_surfaces.append(surface)
        self.actor_patterns = [
            p
            for p in (
                _alternation(exact_surfaces),
                _alternation(folded_surfaces, re.IGNORECASE),
            )
            if p is not None
        ]
        state_labels = {
            actor.name: actor.short_name
            for actor in known.actors.values()
            if actor.kind == ActorKind.STATE and actor.short_name
        }
        self.titles: dict[str, list[Office]] = {}
        title_surfaces = []
        for office in known.offices.values():
            for surface in _office_surfaces(office, known.institution(office), state_labels):
                title_surfaces.append(surface)
                offices = self.titles.setdefault(_key(surface).lower(), [])
                if office not in offices:
                    offices.append(office)
        self.office_pattern = _alternation(title_surfaces, re.IGNORECASE)

    def _actor_candidates(self, text: str) -> list[tuple[Actor, str]]:
        found = self.exact.get(_key(text)) or self.folded.get(_key(text).lower(), [])
        best: dict[int, tuple[Actor, str]] = {}
        for actor, how in found:
            if actor.pk not in best or _HOW_RANK[how] < _HOW_RANK[best[actor.pk][1]]:
                best[actor.pk] = (actor, how)
        return sorted(best.values(), key=lambda item: (_HOW_RANK[item[1]], item[0].pk))

    def find(self, text: str) -> list[_Mention]:
        actor_mentions = []
        for pattern in self.actor_patterns:
            for match in pattern.finditer(text):
                candidates = self._actor_candidates(match.group())
                if candidates:
                    actor_mentions.append(
                        _Mention(
                            match.start(),
                            match.end(),
                            match.group(),
                            "actor",
                            [actor for actor, _ in candidates],
                            candidates[0][1],
                        )
                    )
        office_mentions = []
        if self.office_pattern is not None:
            for match in self.office_pattern.finditer(text):
                offices = self.titles.get(_key(match.group()).lower())
                if offices:
                    office_mentions.append(
                        _Mention(
                            match.start(), match.end(), match.group(), "office", offices, "title"
                        )
                    )
        mentions = _longest(actor_mentions) + _longest(office_mentions)
        self._choose(mentions)
        return sorted(mentions, key=lambda m: (m.start, m.kind))

    def _choose(self, mentions: list[_Mention]) -> None:
        """Pick one target per mention. An ambiguous name goes to the actor named in full
        elsewhere in the article; an ambiguous title to the office of a state named just before
        it ("China’s defense minister")."""
        named = {
            m.candidates[0].pk
            for m in mentions
            if m.kind == "actor" and len(m.candidates) == 1 and m.how != "surname"
        }
        for mention in mentions:
            choice = mention.candidates[0]
            if len(mention.candidates) > 1 and mention.kind == "actor":
                preferred = [a for a in mention.candidates if a.pk in named]
                choice = preferred[0] if preferred else choice
            elif len(mention.candidates) > 1:
                before = [
                    m
                    for m in mentions
                    if m.kind == "actor" and mention.start - 30 <= m.end <= mention.start
                ]
                states = {self.known.state_of(m.candidates[0]) for m in before}
                preferred = [
                    o
                    for o in mention.candidates
                    if self.known.state_of(self.known.institution(o)) in states
                ]
                choice = preferred[0] if preferred else choice
            mention.target = choice


class _Intervals:
    """Non-overlapping [start, end) intervals, kept sorted; `add` refuses an overlapping one."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.starts, start)
        if index > 0 and self.ends[index - 1] > start:
            return False
        if index < len(self.starts) and self.starts[index] < end:
            return False
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


def _longest(mentions: list[_Mention]) -> list[_Mention]:
    """Overlapping mentions reduced to the longest (the earliest among equals)."""
    taken = _Intervals()
    kept = [
        m for m in sorted(mentions, key=lambda m: (-m.length, m.start)) if taken.add(m.start, m.end)
    ]
    return sorted(kept, key=lambda m: m.start)


# --- Quotes and sentences ------------------------------------------------------------------------


@dataclass
class _Quote:
    start: int  # the opening mark
    end: int  # just after the closing mark
    inner_start: int
    inner_end: int


_QUOTE_PATTERNS = (
    re.compile(r"“([^“”\n]+)”"),
    re.compile(r'(?<!\w)"(?=\S)([^"\n]+?)(?<=\S)"(?!\w)'),
)
# Single quotes only when clearly quotes: the opening mark starts a word, the closing mark
# ends one; an apostrophe inside a word ("isn’t", "Beijing’s", "Rubio‘s") is neither.
_SINGLE_QUOTE_PATTERNS = (
    re.compile(r"(?<![\w’‘'])‘(?=[^\s’‘])((?:[^\n‘’]|’(?=\w)){1,500}?)(?<=\S)’(?!\w)"),
    re.compile(r"(?<![\w'’‘])'(?=[^\s'])((?:[^\n']|'(?=\w)){1,500}?)(?<=\S)'(?!\w)"),
)


def _find_quotes(text: str) -> list[_Quote]:
    """Quotations, in order, none overlapping: double quotes first, then clear single ones."""
    quotes: list[_Quote] = []
    taken = _Intervals()
    for pattern in (*_QUOTE_PATTERNS, *_SINGLE_QUOTE_PATTERNS):
        for match in pattern.finditer(text):
            if not re.search(r"[^\W\d_]", match.group(1)):
                continue  # no letters: not words anyone said
            if taken.add(match.start(), match.end()):
                quotes.append(_Quote(match.start(), match.end(), match.start(1), match.end(1)))
    return sorted(quotes, key=lambda q: q.start)


# --- Speakers ------------------------------------------------------------------------------------

_SPEECH_VERB = (
    r"(?:said|says|say|told|tells|added|adds|noted|notes|stated|declared|warned|warns|insisted"
    r"|insists|argued|argues|asserted|asserts|remarked|explained|stressed|emphasi[sz]ed|wrote"
    r"|writes|tweeted|posted|replied|responded|commented|acknowledged|claimed|announced|urged"
    r"|vowed|maintained|[Aa]ccording\s+to|quoted)"
)
# Verbs that may come before their speaker ("…,” said Rubio); "told Wang" names the listener.
_INVERSION_VERB = (
    r"(?:said|says|added|adds|noted|wrote|writes|replied|continued|explained|asked"
    r"|[Aa]ccording\s+to|quoted)"
)
_SPEECH_NOUN = (
    r"(?:remarks?|statements?|comments?|words|assertions?|readouts?|briefings?|testimony"
    r"|speech|interview|message|account|position)"
)
_LINK_RIGHT = (
    re.compile(rf"^\s*(?:[a-z]+\s+){{0,2}}?{_SPEECH_VERB}\b"),  # Rubio (later) said
    re.compile(rf"^[’'‘]s\s+(?:[a-z-]+\s+){{0,2}}?{_SPEECH_NOUN}\b"),  # Hegseth’s past remarks
    re.compile(rf"^\s+(?:[a-z-]+\s+)?{_SPEECH_NOUN}\b"),  # State Department readouts
)
_LINK_LEFT = (
    # said (Secretary) Rubio; not "said that Rubio", whose clause is someone else's account
    re.compile(rf"\b{_INVERSION_VERB}(?:\s+(?!(?:that|to|if|whether|how)\b)[\w’'‘.-]+){{0,3}}\s+$"),
    re.compile(rf"\b{_SPEECH_NOUN}\s+(?:by|from|of)\s+(?:the\s+)?$"),  # remarks by Rubio
)
_PRONOUN_LINK = re.compile(
    rf"\b(?:[Hh]e|[Ss]he)\s+(?:[a-z]+\s+)?{_SPEECH_VERB}\b"
    rf"|\b(?:[Hh]is|[Hh]er)\s+(?:[a-z-]+\s+){{0,2}}?{_SPEECH_NOUN}\b"
)
_NAME = r"[A-Z][\w’'‘-]+(?:\s+[A-Z][\w’'‘-]+){0,3}"
_UNKNOWN_AFTER_VERB = re.compile(rf"\b{_INVERSION_VERB}\s+({_NAME})")
_UNKNOWN_BEFORE_VERB = re.compile(rf"({_NAME})(?:,[^,\n]{{1,60}},)?\s+{_SPEECH_VERB}\b")
_NOT_NAMES = {
    "he", "she", "they", "it", "we", "i", "you", "the", "a", "an", "this", "that", "these",
    "those", "officials", "official", "sources", "analysts", "experts", "observers", "critics",
    "but", "and", "as", "while", "when", "later", "then",
}  # fmt: skip
# A person's name used as a modifier ("the Trump administration", "Trump–Xi summit") does not
# name a speaker.
_ATTRIBUTIVE_AFTER = re.compile(
    r"^(?:\s+(?:administration|government|team|era|camp|cabinet|presidency|policy|policies"
    r"|doctrine|campaign|aides|officials|allies|summit|tariffs)\b|\s*[–—-]\s*[A-Z])"
)
_ATTRIBUTIVE_BEFORE = re.compile(r"(?:\bthe\s+|[A-Z]\w*\s*[–—-]\s*)$")


class _Speakers:
    """Who said each quotation (see `resolve`)."""

    def __init__(self, text: str, mentions: list[_Mention], quotes: list[_Quote], sentences, known):
        self.text, self.quotes, self.sentences, self.known = text, quotes, sentences, known
        self.quote_starts = [q.start for q in quotes]
        self.quote_ends = [q.end for q in quotes]
        inner_starts = [q.inner_start for q in quotes]

        def hidden(m: _Mention) -> bool:  # inside a quotation: not the speaker
            index = bisect.bisect_right(inner_starts, m.start) - 1
            return index >= 0 and m.start < quotes[index].inner_end

        self.mentions = [m for m in mentions if not hidden(m)]  # sorted by start
        self.mention_starts = [m.start for m in self.mentions]

    def _in(self, span: tuple[int, int]) -> list[_Mention]:
        low = bisect.bisect_left(self.mention_starts, span[0])
        high = bisect.bisect_left(self.mention_starts, span[1])
        return [m for m in self.mentions[low:high] if m.end <= span[1]]

    def _ahead(self, start: int, end: int) -> str:
        """text[start:end], cut short at the first quotation."""
        index = bisect.bisect_left(self.quote_starts, start)
        if index < len(self.quote_starts) and self.quote_starts[index] < end:
            end = self.quote_starts[index]
        return self.text[start:end]

    def _behind(self, start: int, end: int) -> str:
        """text[start:end], starting after the last quotation that ends in it."""
        index = bisect.bisect_right(self.quote_ends, end) - 1
        if index >= 0 and self.quote_ends[index] > start:
            start = self.quote_ends[index]
        return self.text[start:end]

    def _is_person(self, mention: _Mention) -> bool:
        return mention.kind == "actor" and mention.target.kind == ActorKind.PERSON

    def _attributive(self, mention: _Mention) -> bool:
        after = self.text[mention.end : mention.end + 40]
        before = self.text[max(0, mention.start - 40) : mention.start]
        return bool(_ATTRIBUTIVE_AFTER.match(after) or _ATTRIBUTIVE_BEFORE.search(before))

    def _linked(self, mention: _Mention, span: tuple[int, int]) -> bool:
        """Whether a speech verb or cue ties the mention to something said."""
        right = self._ahead(mention.end, min(span[1], mention.end + 60))
        left = self._behind(max(span[0], mention.start - 60), mention.start)
        if any(p.match(right) for p in _LINK_RIGHT[:2]):
            return True
        if not self._is_person(mention) and _LINK_RIGHT[2].match(right):
            return True
        return any(p.search(left) for p in _LINK_LEFT)

    def _holder(self, mention: _Mention) -> Actor | None:
        holders = self.known.holders.get(mention.target.pk, [])
        return holders[0] if holders else None

    def _unknown_names(self, span: tuple[int, int]) -> list[tuple[int, int, str]]:
        """Capitalised names tied to a speech verb that match no known actor."""
        found = []
        for pattern in (_UNKNOWN_AFTER_VERB, _UNKNOWN_BEFORE_VERB):
            for match in pattern.finditer(self.text, span[0], span[1]):
                start, end = match.span(1)
                name = match.group(1)
                while name and name.split()[0].lower() in _NOT_NAMES:
                    first = name.split()[0]
                    skipped = name.index(first) + len(first)
                    start += skipped + (len(name[skipped:]) - len(name[skipped:].lstrip()))
                    name = name[skipped:].strip()
                quote = bisect.bisect_right(self.quote_starts, start) - 1
                if not name or (quote >= 0 and start < self.quote_ends[quote]):
                    continue
                near = self._in((max(0, start - 200), end))
                if any(m.start < end and start < m.end for m in near):
                    continue
                found.append((start, start + len(name), name))
        return found

    def resolve(self, quote: _Quote) -> dict:
        index = self.sentences.index(quote.start)
        here = self.sentences.span(index)
        here = (min(here[0], quote.start), max(here[1], quote.end))
        previous = self.sentences.span(index - 1) if index > 0 else (0, 0)

        def distance(start: int, end: int) -> int:
            return quote.start - end if end <= quote.start else max(start - quote.end, 0)

        def answer(actor, confidence, basis, **extra) -> dict:
            return {
                "speaker_id": actor.pk if actor else None,
                "speaker": actor.name if actor else "",
                "speaker_kind": actor.kind if actor else "",
                "confidence": confidence,
                "basis": basis,
                **extra,
            }

        in_sentence = self._in(here)
        people = [m for m in in_sentence if self._is_person(m) and not self._attributive(m)]

        # 1. Named with a speech verb or cue in the same sentence.
        linked = [m for m in in_sentence if self._linked(m, here) and not self._attributive(m)]
        linked_people = [m for m in linked if self._is_person(m)]
        if linked_people:
            best = min(linked_people, key=lambda m: distance(m.start, m.end))
            return answer(best.target, "high", "named with a speech verb or cue")
        others: list[tuple[int, str, _Mention | str, Actor | None]] = []
        for m in linked:
            if m.kind == "office" and (holder := self._holder(m)):
                others.append((distance(m.start, m.end), "office", m, holder))
            elif m.kind == "actor":
                others.append((distance(m.start, m.end), "actor", m, m.target))
        for start, end, name in self._unknown_names(here):
            others.append((distance(start, end), "unknown", name, None))
        if others:
            _, how, what, actor = min(others, key=lambda item: item[0])
            if how == "unknown":
                return answer(
                    None,
                    "low",
                    "named with a speech verb, but not a known actor",
                    unmatched_speaker=what,
                )
            assert isinstance(what, _Mention) and actor is not None  # only "unknown" rows lack them
            if how == "office":
                return answer(actor, "medium", f"holder of {what.target.title}, named as speaking")
            return answer(actor, "medium", f"{actor.kind} named as speaking")

        # 2. The nearest person in the same sentence (before a pronoun that speaks, if any).
        pronoun = _PRONOUN_LINK.search(self.text, here[0], here[1])
        if pronoun:
            people = [m for m in people if m.end <= pronoun.start()]
        if people:
            best = min(people, key=lambda m: distance(m.start, m.end))
            return answer(best.target, "medium", "nearest person in the same sentence")

        # 3. The last person named in the preceding sentence.
        before = [m for m in self._in(previous) if self._is_person(m) and not self._attributive(m)]
        if before:
            return answer(before[-1].target, "medium", "person named in the preceding sentence")

        # 4. The holder of an office named in this or the preceding sentence.
        for span in (here, previous):
            for m in sorted(self._in(span), key=lambda m: distance(m.start, m.end)):
                if m.kind == "office" and (holder := self._holder(m)):
                    return answer(holder, "low", f"holder of {m.target.title}, named nearby")

        # 5. An institution, else a state, named in this or the preceding sentence.
        for span in (here, previous):
            nearby = [m for m in self._in(span) if m.kind == "actor" and not self._is_person(m)]
            for kind in (ActorKind.INSTITUTION, ActorKind.STATE):
                of_kind = [m for m in nearby if m.target.kind == kind]
                if of_kind:
                    best = min(of_kind, key=lambda m: distance(m.start, m.end))
                    return answer(best.target, "low", f"{kind} named nearby; no person found")
        return answer(None, "low", "no speaker found")


# --- Quotes as statements and characterisations --------------------------------------------------

_ENGAGEMENT = (
    r"(?:(?:phone\s+)?calls?|meetings?|talks|conversations?|exchanges?|dialogues?|discussions?"
    r"|visits?|summits?|sessions?|consultations?|engagements?|negotiations?|encounters?"
    r"|contacts?|trip)"
)
_ENGAGEMENT_AFTER = re.compile(rf"^\s+(?:[\w-]+\s+){{0,2}}?({_ENGAGEMENT})\b", re.IGNORECASE)
# "described the meeting as “…”", "called the talks “…”", "the call was “…”"
_ENGAGEMENT_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|their|its|his|her|our|latest|last|first)\s+"
    rf"(?:[\w-]+\s+)?({_ENGAGEMENT})(?:\s+(?:as|was|were|is|are|been|being))?\s+$",
    re.IGNORECASE,
)
_NOT_ADJECTIVAL = {
    "i", "we", "you", "he", "she", "they", "it", "is", "are", "was", "were", "will", "would",
    "be", "been", "not", "can", "could", "should", "must", "have", "has", "had",
}  # fmt: skip


def _characterisation_words(text: str, quote: _Quote, content: str) -> list[str]:
    """Engagement words a short adjectival quote is attached to ([] when it is not one)."""
    words = _words(content)
    if not 1 <= len(words) <= 5 or re.search(r"[.!?;:]", content):
        return []
    if not content[0].islower() or {w.lower() for w in words} & _NOT_ADJECTIVAL:
        return []
    found = []
    if match := _ENGAGEMENT_AFTER.match(text[quote.end : quote.end + 40]):
        found.append(match.group(1))
    if match := _ENGAGEMENT_BEFORE.search(text[max(0, quote.start - 60) : quote.start]):
        found.append(match.group(1))
    return found


def _quote_suggestions(text: str, quotes: list[_Quote], speakers: _Speakers) -> list[Suggestion]:
    suggestions = []
    for quote in quotes:
        start, end = quote.inner_start, quote.inner_end
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        content = text[start:end]
        if not content:
            continue
        engagement_words = _characterisation_words(text, quote, content)
        if engagement_words:
            value = {"words": content, "engagement_words": engagement_words}
            value.update(speakers.resolve(quote))
            suggestions.append(Suggestion("characterisation", content, start, end, value))
        elif len(_words(content)) >= 3:
            value = {"quote": content, **speakers.resolve(quote)}
            suggestions.append(Suggestion("statement", content, start, end, value))
    return suggestions


# --- Dates ---------------------------------------------------------------------------------------

_MONTH_FULL = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# Capitalised only, so that "may" and "march" stay verbs; "Sept." takes its dot.
_MONTH = rf"(?:(?:{_MONTH_FULL})(?![a-z])|(?:{_MONTH_SHORT})(?:\.|(?![a-z])))"
_DAY = r"(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?<![\d,.])(?:1[89]|20)\d\d(?!\d)"
_YEAR_OPT = rf"(?:,?\s+{_YEAR})?"
_PART = (
    r"(?:[Ee]arly|[Mm]id|[Ll]ate|(?:[Bb]eginning|[Ss]tart|[Mm]iddle|[Ee]nd)\s+of)"
    r"(?:\s*[-–—]\s*|\s+)"
)
_QUARTER = (
    rf"(?:Q[1-4](?:\s*-\s*|\s+){_YEAR}|Q[1-4](?!\w)"
    rf"|(?:[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth)\s+quarter(?:(?:\s+of)?\s+{_YEAR})?)"
)
_SINGLE = (
    r"(?:"
    rf"{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)"  # 2025-09-17
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR_OPT}"  # 3 September (2025)
    rf"|{_MONTH}\s+{_DAY}{_YEAR_OPT}"  # September 3rd(, 2025)
    rf"|{_PART}{_MONTH}{_YEAR_OPT}"  # early September (2025)
    rf"|{_PART}{_YEAR}"  # late 2024, mid-2025
    rf"|{_QUARTER}"  # Q3 2025, third quarter of 2025
    rf"|{_MONTH},?\s+{_YEAR}"  # September 2025
    rf"|(?P<bare_month>{_MONTH})"  # September (after a preposition only)
    rf"|{_YEAR}"  # 2025
    r")"
)
_PLAIN_SINGLE = _SINGLE.replace("(?P<bare_month>", "(?:")
_SEPARATOR = r"(?:\s*[–—]\s*|\s*-\s*|\s+(?:to|or|until|till|through)\s+)"
_RELATIVE = (
    r"(?P<rel_which>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<rel_unit>week|month|year)(?!\w)"
    r"|(?P<rel_day>[Yy]esterday|[Tt]oday|[Tt]omorrow)(?!\w)"
)
_DATE = re.compile(
    r"(?<!\w)(?:"
    rf"(?P<between>[Bb]etween\s+(?:{_PLAIN_SINGLE}|{_DAY})\s+and\s+{_PLAIN_SINGLE})"
    rf"|(?P<from>[Ff]rom\s+(?:{_PLAIN_SINGLE}|{_DAY})\s+(?:to|until|till|through|[–—-])\s+"
    rf"{_PLAIN_SINGLE})"
    rf"|(?P<day_span>{_DAY}{_SEPARATOR}{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR_OPT})"
    rf"|(?P<month_day_span>{_MONTH}\s+{_DAY}{_SEPARATOR}{_DAY}{_YEAR_OPT})"
    rf"|(?P<pair>(?P<pair_a>{_SINGLE.replace('bare_month', 'bare_a')}){_SEPARATOR}"
    rf"(?P<pair_b>{_SINGLE.replace('bare_month', 'bare_b')}))"
    rf"|{_RELATIVE}"
    rf"|(?P<single>{_SINGLE})"
    r")"
)
_SINGLE_ONLY = re.compile(rf"(?P<single>{_SINGLE})")
_MONTH_PREPOSITIONS = {
    "in", "by", "since", "until", "till", "through", "from", "before", "after", "during", "of",
    "to", "early", "mid", "late", "this", "last", "next", "that", "for", "and", "or",
}  # fmt: skip
_FORWARD = re.compile(
    r"\b(?:will|would|shall|anticipated|anticipates|anticipating|expected|expects|expecting"
    r"|planned|plans|planning|proposed|scheduled|forthcoming|upcoming|potentially|could|might"
    r"|slated|intends|intended|set\s+to|due\s+to)\b",
    re.IGNORECASE,
)
_PAST_MARK = re.compile(r"\b(?:recent|recently|last|past|previous|since|earlier)\W+(?:\w+\W+)?$")


def _relative(match: re.Match, published: date) -> FuzzyDate:
    if word := match.group("rel_day"):
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[word.lower()]
        return FuzzyDate.day(published + timedelta(days=shift))
    shift = {"last": -1, "this": 0, "next": 1}[match.group("rel_which").lower()]
    unit = match.group("rel_unit")
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=shift)
        return FuzzyDate.between(monday, monday + timedelta(days=6))
    if unit == "month":
        index = published.year * 12 + published.month - 1 + shift
        first = date(index // 12, index % 12 + 1, 1)
        following = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        return FuzzyDate.between(first, following - timedelta(days=1))
    year = published.year + shift
    return FuzzyDate.between(date(year, 1, 1), date(year, 12, 31))


class _NoSuchDate(Exception):
    """A well-formed date the calendar does not have ("31 June"): no suggestion, and no
    rereading its pieces as other dates."""


def _read_date(text: str, match: re.Match, published: date) -> FuzzyDate | None:
    """The value of one candidate, or None when it is no date. Raises `_NoSuchDate`."""
    groups = match.groupdict()
    if groups.get("rel_which") or groups.get("rel_day"):
        return _relative(match, published)
    if groups.get("bare_month") or groups.get("bare_a"):
        previous = re.search(r"(\w+)\W*$", text[max(0, match.start() - 20) : match.start()])
        if not previous or previous.group(1).lower() not in _MONTH_PREPOSITIONS:
            return None
    # Two ends are read as "A – B", which the parser takes whatever joined them in the text.
    spoken = f"{groups['pair_a']} – {groups['pair_b']}" if groups.get("pair") else match.group()
    try:
        return FuzzyDate.parse(spoken, default_year=published.year)
    except FuzzyDateError as error:
        if error.code in {"nonexistent", "reversed"}:
            raise _NoSuchDate(spoken) from None
        return None


def _date_suggestions(text: str, published: date, sentences: Sentences) -> list[Suggestion]:
    published_human = FuzzyDate.day(published).human
    suggestions = []
    position = 0
    while candidate := _DATE.search(text, position):
        match: re.Match[str] | None
        try:
            match, value = candidate, _read_date(text, candidate, published)
            if value is None and candidate.group("single") is None:
                # A range that does not read as one may still begin with a single date.
                match = _SINGLE_ONLY.match(text, candidate.start())
                value = _read_date(text, match, published) if match else None
        except _NoSuchDate:
            position = candidate.end()
            continue
        if value is None or match is None:
            position = candidate.start() + 1
            continue
        position = match.end()
        start, end = match.span()
        result: dict[str, str | bool] = {
            "human": value.human,
            "earliest": value.earliest.isoformat(),
            "latest": value.latest.isoformat(),
            "precision": value.precision.value,
        }
        relative = bool(match.groupdict().get("rel_which") or match.groupdict().get("rel_day"))
        if relative:
            result["relative"] = True
        flag = ""
        if value.latest < published and not relative:
            sentence = sentences.span(sentences.index(start))
            ahead = re.match(r"(?:\W*\w+){0,6}", text[end : sentence[1]])
            assert ahead is not None  # the pattern also matches the empty string
            looking = list(_FORWARD.finditer(text, sentence[0], start))
            looking += list(_FORWARD.finditer(text, end, end + len(ahead.group())))
            recent = _PAST_MARK.search(text[max(sentence[0], start - 30) : start])
            if looking and not recent:
                cue = min(looking, key=lambda m: abs(m.start() - start)).group()
                result["forward_cue"] = cue
                flag = (
                    f"Expected date {value.human} lies before the publication date "
                    f"({published_human}): the sentence looks forward (“{cue}”)."
                )
        suggestions.append(Suggestion("date", text[start:end], start, end, result, flag))
    return suggestions


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


# --- Entry point ---------------------------------------------------------------------------------


def analyse(text: str, *, published: date) -> list[Suggestion]:
    """Suggestions for `text`, a report published on `published`: quotes (statements and
    characterisations), dates, actors, offices and channels, each with `text[start:end]` as
    its span. Channels come first (best first), then everything else in reading order."""
    if isinstance(published, datetime) or not isinstance(published, date):
        raise TypeError(f"published must be a date, not {published!r}.")
    if not text.strip():
        return []
    known = _Known.load(published)
    mentions = _Matcher(known).find(text)
    quotes = _find_quotes(text)
    sentences = Sentences(text, [(quote.start, quote.end) for quote in quotes])
    speakers = _Speakers(text, mentions, quotes, sentences, known)

    found = (
        _quote_suggestions(text, quotes, speakers)
        + _date_suggestions(text, published, sentences)
        + _mention_suggestions(mentions, known)
    )
    order = {kind: index for index, kind in enumerate(KINDS)}
    found.sort(key=lambda s: (s.start, s.end, order[s.kind]))
    return _channel_suggestions(text, mentions, known) + found
