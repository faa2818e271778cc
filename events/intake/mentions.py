"""Known actors and offices named in an article: what the database knows, read once, and the
matcher that finds their names, short names, aliases, surnames and titles."""

import bisect
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.models import Actor, Channel, Office, OfficeHolding
from events.vocabularies import ActorKind

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
