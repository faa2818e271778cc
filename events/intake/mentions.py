"""Known actors and offices named in an article: what the database knows, read once, and the
matcher that finds their names, short names, aliases, surnames and titles."""

import bisect
import functools
import re
from collections import Counter
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


@functools.lru_cache(maxsize=65536)
def _key(text: str) -> str:
    """How a surface form is looked up: apostrophes, dotted acronyms (U.S.), the
    Defense/Defence spelling and white space made uniform. Cached: a long report names the
    same few actors thousands of times."""
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


# --- Countries as reports qualify titles ---------------------------------------------------------

# Country names, other names and capitals, and adjectives ("Philippine Defence Secretary", "Japan's
# defence minister", "the minister of Japan"): a title so qualified is that country's, so it
# never matches another state's office. A country here that is not in the database still
# refuses the other states' offices. One line each: names | adjectives.
_COUNTRIES = """
Afghanistan, Kabul | Afghan
Albania, Tirana | Albanian
Algeria, Algiers | Algerian
Argentina, Buenos Aires | Argentine, Argentinian
Armenia, Yerevan | Armenian
Australia, Canberra | Australian
Austria, Vienna | Austrian
Azerbaijan, Baku | Azerbaijani
Bahrain | Bahraini
Bangladesh, Dhaka | Bangladeshi
Belarus, Minsk | Belarusian
Belgium, Brussels | Belgian
Brazil, Brasilia, Brasília | Brazilian
Brunei | Bruneian
Bulgaria, Sofia | Bulgarian
Cambodia, Phnom Penh | Cambodian
Canada, Ottawa | Canadian
Chile, Santiago | Chilean
China, People's Republic of China, PRC, Beijing | Chinese
Colombia, Bogota, Bogotá | Colombian
Croatia, Zagreb | Croatian
Cuba, Havana | Cuban
Czech Republic, Czechia, Prague | Czech
Denmark, Copenhagen | Danish
Egypt, Cairo | Egyptian
Estonia, Tallinn | Estonian
Ethiopia, Addis Ababa | Ethiopian
Finland, Helsinki | Finnish
France, Paris | French
Georgia, Tbilisi | Georgian
Germany, Berlin | German
Greece, Athens | Greek
Hungary, Budapest | Hungarian
India, New Delhi | Indian
Indonesia, Jakarta | Indonesian
Iran, Tehran | Iranian
Iraq, Baghdad | Iraqi
Ireland, Dublin | Irish
Israel | Israeli
Italy, Rome | Italian
Japan, Tokyo | Japanese
Jordan, Amman | Jordanian
Kazakhstan, Astana | Kazakh
Kenya, Nairobi | Kenyan
Kuwait | Kuwaiti
Laos, Vientiane | Lao, Laotian
Latvia, Riga | Latvian
Lebanon, Beirut | Lebanese
Lithuania, Vilnius | Lithuanian
Malaysia, Kuala Lumpur | Malaysian
Mexico, Mexico City | Mexican
Mongolia, Ulaanbaatar | Mongolian
Morocco, Rabat | Moroccan
Myanmar, Burma, Naypyidaw | Myanmar, Burmese
Nepal, Kathmandu | Nepali, Nepalese
Netherlands, The Hague, Amsterdam | Dutch
New Zealand, Wellington | New Zealand
Nigeria, Abuja | Nigerian
North Korea, Pyongyang, DPRK | North Korean
Norway, Oslo | Norwegian
Oman, Muscat | Omani
Pakistan, Islamabad | Pakistani
Philippines, Manila | Philippine, Filipino
Poland, Warsaw | Polish
Portugal, Lisbon | Portuguese
Qatar, Doha | Qatari
Romania, Bucharest | Romanian
Russia, Russian Federation, Moscow, Kremlin | Russian
Saudi Arabia, Riyadh | Saudi
Serbia, Belgrade | Serbian
Singapore | Singaporean
Slovakia, Bratislava | Slovak
South Africa, Pretoria | South African
South Korea, Republic of Korea, Seoul, ROK | South Korean
Spain, Madrid | Spanish
Sri Lanka, Colombo | Sri Lankan
Sweden, Stockholm | Swedish
Switzerland, Bern | Swiss
Syria, Damascus | Syrian
Taiwan, Taipei | Taiwanese
Thailand, Bangkok | Thai
Turkey, Türkiye, Ankara | Turkish
Ukraine, Kyiv, Kiev | Ukrainian
United Arab Emirates, UAE, Abu Dhabi | Emirati
United Kingdom, UK, Britain, Great Britain, London | British
United States, United States of America, US, USA, America, Washington | American, US
Venezuela, Caracas | Venezuelan
Vietnam, Viet Nam, Hanoi | Vietnamese
"""


def _country_table() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Every name and adjective, keyed as `_key(...).lower()`, to the country's first name; and
    each country's adjectives."""
    table: dict[str, str] = {}
    adjectives_of: dict[str, list[str]] = {}
    for line in filter(None, map(str.strip, _COUNTRIES.splitlines())):
        names, _, adjectives = line.partition("|")
        words = [w.strip() for w in f"{names},{adjectives}".split(",") if w.strip()]
        for word in words:
            table.setdefault(_key(word).lower(), words[0])
        adjectives_of[words[0]] = [w.strip() for w in adjectives.split(",") if w.strip()]
    return table, adjectives_of


_COUNTRY_OF, _ADJECTIVES_OF = _country_table()


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

    def adjective_states(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, state id) of the adjectives naming a known state ("Chinese defence
        officials", "American diplomats"): they name its state as much as "China" does."""
        states: dict[str, int] = {}
        for actor in self.actors.values():
            if actor.kind != ActorKind.STATE:
                continue
            for label in (actor.name, actor.short_name, *actor.aliases.splitlines()):
                country = _COUNTRY_OF.get(_key(label).lower()) if label else None
                for adjective in _ADJECTIVES_OF.get(country or "", []):
                    states.setdefault(adjective, actor.pk)
        pattern = _alternation(states)
        if pattern is None:
            return []
        keyed = {_key(a).lower(): pk for a, pk in states.items()}
        return [
            (m.start(), m.end(), keyed[_key(m.group()).lower()])
            for m in pattern.finditer(text)
            if _key(m.group()).lower() in keyed
        ]


# --- Actors and offices --------------------------------------------------------------------------

_MONTH_WORDS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
# A capitalised word straight after a surname, other than a weekday or a month ("Wang
# Xuemeng" — but not "Hegseth Tuesday"): the rest of another's name, unless it is a name the
# database knows ("Dong told Hegseth China …", see `_Matcher._another_persons`).
_OTHER_GIVEN_NAME = re.compile(
    r"\s(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|Mar|Apr|May|Jun"
    r"|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)(?P<word>[A-Z][a-z][\w-]*)"
)
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


def _title_variants(title: str, state_labels: dict[str, list[str]]):
    """A title and the ways reports turn it round: "Secretary of Defense" is also "Defense
    Secretary"; "Minister of Foreign Affairs" also "Foreign Minister"; "President of the United
    States" also "US President" and "American President"."""
    yield title
    head, of, tail = title.partition(" of ")
    if not of:  # "Minister for Foreign Affairs" turns round as "Minister of …" does
        head, of, tail = title.partition(" for ")
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
    tails.update(state_labels.get(tail, []))
    head_words = head.split()
    for short_tail in tails:
        yield " ".join([*head_words[:-1], short_tail, head_words[-1]])


def _office_surfaces(office: Office, institution: Actor | None, state_labels: dict[str, list[str]]):
    """The title and its aliases (renamed and common titles: "Secretary of War", "Pentagon
    chief"), each with its word-order variants; a one-word title ("Member") only with its
    institution ("Politburo member")."""
    title = " ".join(office.title.split())
    if len(title.split()) == 1:
        if institution is not None:
            labels = {institution.name, institution.short_name, *institution.aliases.splitlines()}
            for label in filter(None, (label.strip() for label in labels)):
                yield f"{label} {title}"
    else:
        yield from _title_variants(title, state_labels)
    for alias in office.aliases.splitlines():
        if alias.strip():
            yield from _title_variants(" ".join(alias.split()), state_labels)


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
        # Countries the database knows: each table country to its state, and each state's
        # names as titles use them ("US President", "Chinese President").
        self.country_state: dict[str, int] = {}
        state_labels: dict[str, list[str]] = {}
        for actor in known.actors.values():
            if actor.kind != ActorKind.STATE:
                continue
            labels = [actor.name, actor.short_name, *actor.aliases.splitlines()]
            countries = {
                country
                for label in labels
                if label and (country := _COUNTRY_OF.get(_key(label).lower()))
            }
            for country in countries:
                self.country_state.setdefault(country, actor.pk)
            titled = [actor.short_name] if actor.short_name else []
            titled += [a for c in sorted(countries) for a in _ADJECTIVES_OF.get(c, [])]
            state_labels[actor.name] = titled
        self.titles: dict[str, list[Office]] = {}
        title_surfaces = []
        for office in known.offices.values():
            for surface in _office_surfaces(office, known.institution(office), state_labels):
                title_surfaces.append(surface)
                offices = self.titles.setdefault(_key(surface).lower(), [])
                if office not in offices:
                    offices.append(office)
        self.office_pattern = _alternation(title_surfaces, re.IGNORECASE)
        self.by_institution: dict[int, list[Office]] = {}
        for office in known.offices.values():
            if len(office.title.split()) > 1:  # "Member" alone is too common a word
                self.by_institution.setdefault(office.institution_id, []).append(office)
        # Bare heads of titles ("President", "Secretary") before a holder's name.
        self.heads: dict[int, dict[str, Office]] = {}
        for person_id, offices_held in known.held_by.items():
            for office in offices_held:
                head = office.title.partition(" of ")[0].strip()
                if " of " in office.title and head:
                    self.heads.setdefault(person_id, {}).setdefault(head.lower(), office)

    def _another_persons(self, text: str, end: int) -> bool:
        """Whether a surname ending at `end` is followed by the rest of someone else's name."""
        following = _OTHER_GIVEN_NAME.match(text, end)
        if following is None:
            return False
        word = _key(following["word"])
        return not (
            word in self.exact or word.lower() in self.folded or word.lower() in _COUNTRY_OF
        )

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
                if self._another_persons(text, match.end()):
                    # "Wang Xuemeng" is not Wang Yi: a surname joined to a name of its own.
                    candidates = [
                        (a, how)
                        for a, how in candidates
                        if not (a.kind == ActorKind.PERSON and how in {"surname", "short name"})
                    ]
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
        actor_mentions = _longest(actor_mentions)
        office_mentions += self._heads_before_names(text, actor_mentions)
        office_mentions += self._titles_of_institutions(text, actor_mentions)
        mentions = actor_mentions + _longest(office_mentions)
        mentions.sort(key=lambda m: (m.start, m.kind))
        self._choose(text, mentions)
        return [m for m in mentions if m.target is not None]

    def _heads_before_names(self, text: str, actor_mentions: list[_Mention]) -> list[_Mention]:
        """ "President Trump", "Secretary Rubio": a title's head before the name of someone
        who holds that title is that office."""
        found = []
        for m in actor_mentions:
            person = m.candidates[0]
            heads = self.heads.get(person.pk)
            if not heads:
                continue
            before = _HEAD_BEFORE.search(text, max(0, m.start - 40), m.start)
            if not before:
                continue
            words = before.group(1).split()
            whole = heads.get(" ".join(words).lower())
            office = whole or heads.get(words[-1].lower())
            if office is not None:
                start = before.start(1) if whole else before.end(1) - len(words[-1])
                end = before.end(1)
                found.append(_Mention(start, end, text[start:end], "office", [office], "title"))
        return found

    def _titles_of_institutions(self, text: str, actor_mentions: list[_Mention]) -> list[_Mention]:
        """ "vice chairman of the Central Military Commission": words ending as one of the
        institution's office titles ends, before "of" and the institution's name."""
        found = []
        for m in actor_mentions:
            institution = m.candidates[0]
            offices = self.by_institution.get(institution.pk)
            if not offices:
                continue
            before = _TITLE_OF.search(text, max(0, m.start - 60), m.start)
            if not before:
                continue
            words = before.group(1).split()
            for office in offices:
                tail = office.title.lower().split()[-2:]
                if [w.lower() for w in words[-len(tail) :]] == tail:
                    start = before.end(1) - len(" ".join(words[-len(tail) :]))
                    found.append(
                        _Mention(
                            start,
                            before.end(1),
                            text[start : before.end(1)],
                            "office",
                            [office],
                            "title",
                        )
                    )
                    break
        return found

    def _state_pk(self, mention: _Mention, target: Any = None) -> int | None:
        target = target if target is not None else mention.candidates[0]
        actor = target if mention.kind == "actor" else self.known.institution(target)
        state = self.known.state_of(actor)
        return state.pk if state else None

    def _country(self, words: list[str]) -> str | None:
        """The country the longest run of `words` ending at the last one names, if any."""
        for first in range(len(words)):
            country = _COUNTRY_OF.get(_key(" ".join(words[first:])).lower())
            if country:
                return country
        return None

    def _qualifier(self, text: str, mention: _Mention, mentions: list[_Mention], index: int):
        """The state a country qualifier gives the title: an actor or country named just before
        it ("US", "Japan's", "Philippine", "Trump's", "its" for the state named earlier in the
        sentence) or just after ("of Japan"). Returns a state pk, a country name not in the
        database (a str), or None when the title is not qualified."""
        before = _QUALIFIER_BEFORE.search(text, max(0, mention.start - 80), mention.start)
        if before:
            q_start, q_end = before.span("q")
            qualifier = re.sub(r"[’'](?:s)?$", "", before.group("q"))
            q_end = q_start + len(qualifier)
            for m in reversed(mentions[:index]):  # an actor named right there
                if m.end < q_start:
                    break
                if m.kind == "actor" and m.end == q_end and m.start >= q_start:
                    return self._state_pk(m)
            if qualifier.lower() in {"its", "their"}:
                for m in reversed(mentions[:index]):
                    if m.end <= q_start and re.search(r"[.!?]\s", text[m.end : q_start]):
                        break
                    state = self._state_pk(m)
                    if m.end <= q_start and state is not None:
                        return state
                return None
            country = self._country(qualifier.split())
            if country:
                return self.country_state.get(country, country)
        after = _QUALIFIER_AFTER.match(text, mention.end)
        if after:
            q_start = after.start("q")
            for m in mentions[index + 1 : index + 4]:
                if m.kind == "actor" and m.start == q_start:
                    return self._state_pk(m)
            words = after.group("q").split()
            for last in range(len(words), 0, -1):
                phrase = " ".join(words[:last])
                for form in (phrase, phrase.rstrip(".,")):  # "of Japan." is Japan; "U.S." stays
                    country = _COUNTRY_OF.get(_key(form).lower())
                    if country:
                        return self.country_state.get(country, country)
        return None

    def _holder_named_after(
        self, text: str, mention: _Mention, mentions: list[_Mention], index: int
    ) -> Actor | None:
        """A known person named right after the title ("Foreign Minister Kenji Arakawa", "its
        foreign secretary, Elena Dimaculangan") who holds an office."""
        for m in mentions[index + 1 : index + 3]:
            if m.kind != "actor" or m.start - mention.end > 40:
                continue
            if not _BETWEEN_TITLE_AND_NAME.fullmatch(text, mention.end, m.start):
                continue
            person = m.target or m.candidates[0]
            if person.kind == ActorKind.PERSON and self.known.held_by.get(person.pk):
                return person
        return None

    def _office_of_holder(self, mention: _Mention, person: Actor) -> Office | None:
        """Of the person's offices, the one the title names: a candidate, else one whose title
        has the title's words, else their one office of the same kind (defence, foreign …),
        else none."""
        held = self.known.held_by.get(person.pk, [])
        for office in held:
            if office in mention.candidates:
                return office
        words = {w.lower() for w in _words(_key(mention.text))}
        for office in held:
            title = {w.lower() for w in _words(_key(office.title))}
            if words <= title | _TITLE_FILLER:
                return office
        kinds = {_office_kind(o, self.known) for o in mention.candidates} - {None}
        same_kind = [o for o in held if _office_kind(o, self.known) in kinds]
        return same_kind[0] if len(same_kind) == 1 else None

    def _counterpart_office(self, mention: _Mention, state: int) -> list[Office]:
        """For a common form qualified by a state none of whose offices it names ("Japan's top
        diplomat", when only the US and Chinese offices take the alias): that state's one
        office of the same kind — the same institution words as every candidate's office."""
        kinds = {_office_kind(o, self.known) for o in mention.candidates}
        if len(kinds) != 1 or None in kinds:
            return []
        (kind,) = kinds
        found = [
            o
            for o in self.known.offices.values()
            if self._state_pk(mention, o) == state
            and _office_kind(o, self.known) == kind
            and not re.match(r"(?i)(?:deputy|vice|assistant|under)\b", o.title)
        ]
        return found if len(found) == 1 else []

    def _choose(self, text: str, mentions: list[_Mention]) -> None:
        """Pick one target per mention (None: no office at all). An ambiguous name goes to the
        actor named in full elsewhere in the article. A title qualified by a country is that
        country's office or none ("Japan's defence minister" is not China's); a deputy's title
        or a spokesman's is none; an unqualified title shared by several states' offices ("the
        defence chief") goes to the state most named around it, else in the article."""
        named = {
            m.candidates[0].pk
            for m in mentions
            if m.kind == "actor" and len(m.candidates) == 1 and m.how != "surname"
        }
        states = [
            None if m.kind == "office" and len(m.candidates) > 1 else self._state_pk(m)
            for m in mentions
        ]
        starts = [m.start for m in mentions]
        article = Counter(state for state in states if state is not None)
        for index, mention in enumerate(mentions):
            choice = mention.candidates[0]
            if mention.kind == "actor":
                if len(mention.candidates) > 1:
                    preferred = [a for a in mention.candidates if a.pk in named]
                    choice = preferred[0] if preferred else choice
                mention.target = choice
                continue
            if _NOT_THE_OFFICE_BEFORE.search(text, max(0, mention.start - 30), mention.start) or (
                _NOT_THE_OFFICE_AFTER.match(text, mention.end)
            ):
                mention.target = None  # "Deputy Secretary of Defense", "Pentagon chief spokesman"
                continue
            holder = self._holder_named_after(text, mention, mentions, index)
            if holder is not None:
                # "Defense Secretary Ramon Cabrera": the office the person named holds.
                office = self._office_of_holder(mention, holder)
                mention.candidates = [office] if office else []
                mention.target = office
                states[index] = self._state_pk(mention, office) if office else None
                continue
            qualifier = self._qualifier(text, mention, mentions, index)
            candidates = mention.candidates
            if qualifier is not None:
                candidates = [o for o in candidates if self._state_pk(mention, o) == qualifier]
                if not candidates and isinstance(qualifier, int):
                    candidates = self._counterpart_office(mention, qualifier)
                mention.candidates = candidates
                mention.target = candidates[0] if candidates else None
                states[index] = qualifier if isinstance(qualifier, int) else None
                continue
            if len(candidates) > 1:
                low = bisect.bisect_left(starts, mention.start - _AROUND)
                high = bisect.bisect_right(starts, mention.end + _AROUND)
                around = Counter(
                    states[i] for i in range(low, high) if i != index and states[i] is not None
                )
                for counts in (around, article):
                    presence = {
                        o.pk: counts.get(self._state_pk(mention, o) or 0, 0) for o in candidates
                    }
                    ranked = sorted(candidates, key=lambda o: -presence[o.pk])
                    top = [presence[o.pk] for o in ranked[:2]]
                    if top[0] > top[1]:
                        choice = ranked[0]
                        break
                else:
                    mention.how = "title (ambiguous)"
                # The chosen one first: the others are listed as what it may also be.
                mention.candidates = [choice, *[o for o in candidates if o is not choice]]
            mention.target = choice


_TITLE_OF = re.compile(r"(?<![\w-])([A-Za-z-]+(?:\s+[A-Za-z-]+){0,3})\s+of\s+(?:the\s+)?$")
_BETWEEN_TITLE_AND_NAME = re.compile(
    r"(?:\s*,\s*|\s+)(?:(?:Rear\s+|Vice\s+)?Admiral|(?:Lieutenant\s+|Major\s+)?General|Gen\."
    r"|Adm\.|(?:Senior\s+)?Colonel|Dr\.?|Mr\.?|Ms\.?|Mrs\.?)?\s*"
)
_TITLE_FILLER = {"of", "for", "the", "national", "affairs"}


def _office_kind(office: Office, known: "_Known") -> str | None:
    """What an office is, as a word of its title or institution: foreign, defense, state …"""
    institution = known.institution(office)
    names = f"{office.title} {institution.name if institution else ''}"
    found = re.search(r"(?i)\b(foreign|defen[cs]e|state|presiden\w*|treasury|trade)\b", names)
    if not found:
        return None
    word = found.group(1).lower().replace("defence", "defense")
    return "foreign" if word == "state" else word


_AROUND = 300  # characters either side of a shared title in which its state is looked for
_MODIFIERS = (
    r"(?:new|newly|former|then|acting|incoming|outgoing|current|visiting|own|interim"
    r"|appointed|newly-appointed|recently|named)"
)
_QUALIFIER_BEFORE = re.compile(
    r"(?<![\w’'])(?P<q>its|their|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}?)(?:[’']s|[’'])?"
    rf"\s+(?:{_MODIFIERS}[\s-]+){{0,2}}$"
)
_QUALIFIER_AFTER = re.compile(
    r"\s+of\s+(?:the\s+)?(?P<q>[A-Z][\w.’'-]*(?:\s+(?:of\s+)?[A-Z][\w.’'-]*){0,4})"
)
_NOT_THE_OFFICE_BEFORE = re.compile(
    r"\b(?:[Dd]eputy|[Vv]ice|[Aa]ssistant|[Uu]nder|[Jj]unior)[\s-]*$"
)
_NOT_THE_OFFICE_AFTER = re.compile(
    r"(?:['’]s)?[\s-]+(?:spokes(?:man|woman|person|people)|aides?|advis[eo]rs?|deputy|deputies"
    r"|of\s+staff|press\s+secretary|counsel)\b",
    re.IGNORECASE,
)
_HEAD_BEFORE = re.compile(r"(?<![\w’'])([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\s+$")


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
