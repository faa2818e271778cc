"""People an article names who are not in the database, and what their titles say about them.

A reader takes "Foreign Ministry spokesperson Lin Jian" or "Lin Jian, a spokesman for China's
foreign ministry," as a person with a job at a known institution. Intake offers each such person
once (at the first mention) as a "new_person", with the institution the title names (through the
institutions' names, short names and aliases, a country's adjective or possessive before it, and
the distinctive words of the title: "Foreign Ministry" → the ministry whose name holds
"Foreign"), else the state, and a recorded office of that institution whose title has the same
rank words ("Deputy Foreign Minister" is not "Minister of Foreign Affairs").

Names are two or three capitalised words next to a title; words that name places, bodies, days
or months are not names, and neither is anything a known actor's name covers — except a known
surname followed by another name ("Wang Wenbin" is not Wang Yi).
"""

import bisect
import re
from dataclasses import dataclass

from events.intake.mentions import _key, _Known, _Mention
from events.intake.suggestions import Suggestion
from events.models import Actor, Office
from events.vocabularies import ActorKind

# --- States' adjectives --------------------------------------------------------------------------

# English adjectives of states that the -n/-ian rule below does not produce.
_ADJECTIVES = {
    "china": ["Chinese"], "united states": ["American", "US", "U.S."], "japan": ["Japanese"],
    "philippines": ["Philippine", "Filipino"], "vietnam": ["Vietnamese"], "taiwan": ["Taiwanese"],
    "united kingdom": ["British", "UK", "U.K."], "france": ["French"], "germany": ["German"],
    "netherlands": ["Dutch"], "thailand": ["Thai"], "pakistan": ["Pakistani"],
    "israel": ["Israeli"], "switzerland": ["Swiss"], "sweden": ["Swedish"], "spain": ["Spanish"],
    "turkey": ["Turkish"], "greece": ["Greek"], "ireland": ["Irish"], "poland": ["Polish"],
    "denmark": ["Danish"], "finland": ["Finnish"], "norway": ["Norwegian"],
    "singapore": ["Singaporean"], "laos": ["Lao", "Laotian"], "myanmar": ["Myanmar", "Burmese"],
    "iran": ["Iranian"], "iraq": ["Iraqi"], "afghanistan": ["Afghan"], "sudan": ["Sudanese"],
    "new zealand": ["New Zealand"], "brunei": ["Bruneian"], "nepal": ["Nepali", "Nepalese"],
    "bangladesh": ["Bangladeshi"], "european union": ["European", "EU"], "peru": ["Peruvian"],
    "canada": ["Canadian"], "mexico": ["Mexican"], "egypt": ["Egyptian"], "qatar": ["Qatari"],
    "saudi arabia": ["Saudi"], "ukraine": ["Ukrainian"], "belgium": ["Belgian"],
}  # fmt: skip


def _state_labels(state: Actor) -> list[str]:
    """How a report may name a state as a modifier: its names and their adjectives."""
    labels = [state.name, state.short_name, *state.aliases.splitlines()]
    labels = [label.strip() for label in labels if label and label.strip()]
    for label in list(labels):
        plain = re.sub(
            r"^(?:the\s+)?(?:People's Republic of|Republic of (?:the\s+)?)\s*", "", label
        )
        adjectives = _ADJECTIVES.get(plain.lower().removeprefix("the ").strip())
        if adjectives:
            labels += adjectives
        elif plain.endswith("a") and (" " not in plain or plain.endswith(" Korea")):
            labels.append(plain + "n")  # Russia → Russian, South Korea → South Korean
    return labels


# --- Titles --------------------------------------------------------------------------------------

# Nouns that make a phrase a person's title; their variants are one role.
_ROLE_FORMS = {
    "spokesperson": "spokesperson", "spokesman": "spokesperson", "spokeswoman": "spokesperson",
    "secretary": "secretary", "minister": "minister", "ambassador": "ambassador",
    "envoy": "envoy", "admiral": "admiral", "general": "general", "colonel": "colonel",
    "commander": "commander", "chief": "chief", "director": "director", "president": "president",
    "premier": "premier", "chairman": "chair", "chairwoman": "chair", "chair": "chair",
    "official": "official", "adviser": "adviser", "advisor": "adviser", "aide": "aide",
    "senator": "senator", "governor": "governor", "mayor": "mayor", "consul": "consul",
    "attaché": "attaché", "attache": "attaché", "negotiator": "negotiator",
    "counsellor": "counsellor", "counselor": "counsellor", "lieutenant": "lieutenant",
    "captain": "captain", "diplomat": "diplomat", "head": "head",
    "representative": "representative",
    "secretary-general": "secretary-general", "undersecretary": "undersecretary",
    "director-general": "director-general",
    "under-secretary": "undersecretary", "commissioner": "commissioner", "deputy": "deputy",
    "commodore": "commodore", "brigadier": "brigadier", "marshal": "marshal",
    "sergeant": "sergeant", "ensign": "ensign", "superintendent": "superintendent",
    "speaker": "speaker",
}  # fmt: skip
# Words that change the rank of a role: kept when a title is compared with a recorded office.
_RANK_WORDS = {
    "deputy", "vice", "assistant", "senior", "principal", "first", "executive", "press",
    "acting", "special", "chief", "prime", "foreign", "under", "rear", "lieutenant", "major",
}  # fmt: skip
_ROLE = "|".join(sorted(_ROLE_FORMS, key=len, reverse=True))
# Lowercase words a title may hold before its role noun ("defence ministry spokesperson").
_TITLE_WORD = (
    r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'-]*|foreign|defen[cs]e|national|security|affairs|ministry|department|press"
    r"|deputy|vice|assistant|senior|chief|principal|military|naval|navy|army|air|force|coast"
    r"|guard|state|trade|commerce|finance|interior|justice|defence|presidential|executive"
    rf"|acting|special|top|{_ROLE})"
)
_CAPITALISED = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]*")
_NAME_TOKEN = r"(?:[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-’'][A-Za-z]+)*)"
_NAME = rf"{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{1,2}}"  # on one line
# "spokesperson Lin Jian", "the ministry's spokesperson, Lin Jian,"
_TITLE_THEN_NAME = re.compile(
    rf"(?<![\w-])((?i:{_ROLE}))(?=,?(?:[ \t]+\([^)\n]{{1,12}}\))?[ \t]+({_NAME})\b)"
)
# The words of a title before its role noun, on the same line.
_TITLE_BEFORE = re.compile(rf"(?:(?<![\w’'.-])(?:{_TITLE_WORD})(?:[’']s?)?[ \t]+){{0,6}}$")
_NAME_THEN_TITLE = re.compile(
    rf"\b({_NAME}),\s+(?:(?:a|an|the)\s+)?((?:[\w’'.-]+\s+){{0,6}}?(?i:{_ROLE})"
    rf"(?:\s+(?:for|of|at|to|in)\s+(?:the\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){{0,4}}?)?)\s*(?=[,.;\n]|$)"
)
# Capitalised words that are not parts of a person's name.
_NOT_NAME_WORDS = {
    "ministry", "department", "office", "embassy", "commission", "committee", "council", "forum",
    "command", "agency", "army", "navy", "force", "forces", "guard", "party", "university",
    "institute", "center", "centre", "house", "hall", "street", "sea", "strait", "island",
    "islands", "river", "city", "province", "region", "summit", "dialogue", "initiative", "news",
    "times", "post", "journal", "daily", "group", "bank", "fund", "organization", "organisation",
    "union", "association", "company", "corporation", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "the", "a", "an",
    "on", "in", "at", "of", "for", "and", "but", "he", "she", "it", "they", "we", "this", "that",
    "officials", "official", "state", "states", "republic", "kingdom", "affairs", "defense",
    "defence", "foreign", "national", "security", "white", "pentagon", "secretary", "minister",
    "spokesperson", "spokesman", "spokeswoman", "president", "general", "admiral", "ambassador",
    "reuters", "xinhua", "associated", "press", "asia", "pacific", "indo-pacific", "beijing",
    "washington", "east", "west", "north", "south", "china", "chinese", "american", "after",
    "before", "when", "while", "as", "asked", "speaking", "last", "next", "early", "late",
    "dr", "mr", "mrs", "ms", "prof", "professor", "sir", "new", "asian", "southeast",
    "northeast", "european", "african", "western", "eastern", "northern", "southern", "central",
    "united", "nations", "shoal", "bay", "gulf", "ocean", "lake", "mount",
    "watch", "international", "foundation", "society", "network", "television", "radio",
    "review", "club", "media", "tv", "broadcasting", "studies", "front", "movement", "alliance",
    "coalition", "assembly", "parliament", "congress", "senate", "court", "bureau",
    "administration", "authority", "service", "services", "corps", "brigade", "fleet",
    "squadron", "airport", "base", "station", "port", "harbour", "harbor", "square", "palace",
} | set(_ROLE_FORMS) | _RANK_WORDS  # fmt: skip


# Words that end the names of bodies and places.
_ORGANISATION_WORDS = {
    "ministry", "department", "office", "embassy", "commission", "committee", "council",
    "forum", "command", "agency", "army", "navy", "force", "forces", "guard", "party",
    "university", "institute", "center", "centre", "house", "hall", "street", "sea", "strait",
    "island", "islands", "river", "city", "province", "region", "summit", "dialogue",
    "initiative", "news", "times", "post", "journal", "daily", "group", "bank", "fund",
    "organization", "organisation", "union", "association", "company", "corporation", "watch",
    "foundation", "society", "network", "television", "radio", "review", "club", "studies",
    "front", "movement", "alliance", "coalition", "assembly", "parliament", "congress",
    "senate", "court", "bureau", "authority", "service", "services", "corps", "brigade",
    "fleet", "squadron", "airport", "base", "station", "port", "harbour", "harbor", "square",
    "palace", "shoal", "bay", "gulf", "ocean", "lake",
}  # fmt: skip


def _name_ok(name: str, adjectives: set[str]) -> bool:
    tokens = name.split()
    if not 2 <= len(tokens) <= 3:
        return False
    return not any(t.lower() in _NOT_NAME_WORDS or t in adjectives for t in tokens)


def _role_words(title: str) -> tuple[set[str], str]:
    """The rank words and role of a title ("Deputy Foreign Minister" → {deputy}, minister)."""
    words = [w.lower() for w in re.findall(r"[\w-]+", title)]
    head, _, _ = " ".join(words).partition(" of ")
    roles = [w for w in head.split() if w in _ROLE_FORMS]
    role = _ROLE_FORMS[roles[-1]] if roles else ""
    return {w for w in head.split() if w in _RANK_WORDS and w != "foreign"}, role


# --- Institutions a phrase names ----------------------------------------------------------------

# A capitalised adjective of nationality ("Japanese", "South Korean", "Brazilian").
_NATIONALITY = re.compile(r"\b[A-Z][a-z]+(?:ese|ian|ean|an|ish|i|ic)\b(?![’'])")
_BODY_WORDS = {"ministry", "department", "office", "embassy", "mission", "commission", "council"}
_DIPLOMATIC_ROLES = {"diplomat", "ambassador", "envoy", "consul", "counsellor"}
_PLAIN_WORDS = {
    "the", "a", "an", "of", "for", "to", "at", "in", "and", "s", "people's", "republic",
    "affairs", "national",
} | set(_ROLE_FORMS) | _RANK_WORDS - {"foreign"}  # fmt: skip


def _content_words(text: str) -> set[str]:
    words = {_key(w).lower() for w in re.findall(r"[\w’'-]+", text)}
    words = {re.sub(r"[’']s$", "", w) for w in words}
    return {w for w in words if w not in _PLAIN_WORDS and len(w) > 1}


class _Mentions:
    """Known mentions outside quotations, found by position."""

    def __init__(self, mentions: list[_Mention]) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]

    def within(self, start: int, end: int) -> list[_Mention]:
        low = bisect.bisect_left(self.starts, start)
        high = bisect.bisect_left(self.starts, end)
        return [m for m in self.mentions[low:high] if m.end <= end]

    def overlapping(self, start: int, end: int) -> list[_Mention]:
        high = bisect.bisect_left(self.starts, end)
        low = max(0, high - 8)  # mentions do not nest deeper than a few
        return [m for m in self.mentions[low:high] if m.end > start]


class _Institutions:
    """The institution (else the state) that a phrase such as "China's foreign ministry",
    "Foreign Ministry" or "Pentagon" names."""

    def __init__(self, text: str, known: _Known, mentions: _Mentions) -> None:
        self.text, self.known, self.mentions = text, known, mentions
        self.states = [a for a in known.actors.values() if a.kind == ActorKind.STATE]
        self.labels: dict[str, Actor] = {}
        raw = set()
        for state in self.states:
            for label in _state_labels(state):
                self.labels.setdefault(_key(label), state)
                raw.add(label)
        ordered = sorted(raw, key=len, reverse=True)
        body = "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in ordered)
        self.label_pattern = re.compile(rf"(?<!\w)(?:{body})(?:[’']s?)?(?!\w)") if body else None
        self.adjectives = {label for label in self.labels if " " not in label}
        self.institution_words: list[tuple[Actor, set[str]]] = []
        for actor in known.actors.values():
            if actor.kind == ActorKind.INSTITUTION:
                labels = [actor.name, actor.short_name, *actor.aliases.splitlines()]
                words = set().union(*(_content_words(label) for label in labels if label))
                self.institution_words.append((actor, words))
        self.state_mentions = [
            m for m in mentions.mentions if m.kind == "actor" and m.target.kind == ActorKind.STATE
        ]

    def state_in(self, start: int, end: int) -> Actor | None:
        """A state named in text[start:end], by name, short name, alias or adjective."""
        if self.label_pattern is None:
            return None
        found = None
        for match in self.label_pattern.finditer(self.text, start, end):
            label = re.sub(r"[’']s?$", "", match.group())
            found = self.labels.get(_key(label), found)
        return found

    def last_state_before(self, position: int, reach: int = 600) -> Actor | None:
        return self.state_in(max(0, position - reach), position)

    def resolve(
        self, start: int, end: int, state_hint: Actor | None = None
    ) -> tuple[Actor | None, Actor | None]:
        """(institution, state) named by text[start:end]; `state_hint` is the state the context
        names, for a phrase that names none ("defence ministry spokesman")."""
        state = None
        named = self.state_in(start, end)
        # "Japanese Defence Minister" with no Japan recorded: another country's title, whatever
        # recorded office its words match.
        foreign = named is None and any(
            m.group().lower() not in _ROLE_FORMS and m.group().lower() not in _NOT_NAME_WORDS
            for m in _NATIONALITY.finditer(self.text, start, end)
        )
        for m in reversed(self.mentions.within(start, end)):
            if m.kind == "office" or m.target.kind == ActorKind.INSTITUTION:
                institution = self.known.institution(m.target) if m.kind == "office" else m.target
                owner = self.known.state_of(institution)
                if foreign or (named is not None and owner is not None and owner != named):
                    continue  # "Philippine Defence Secretary" is not the US office
                return institution, owner
            if m.target.kind == ActorKind.STATE:
                state = state or m.target
            if m.target.kind == ActorKind.PERSON and (held := self.known.held_by.get(m.target.pk)):
                # "Hegseth's deputy": the institution of the office its person holds
                institution = self.known.institution(held[0])
                return institution, self.known.state_of(institution or m.target)
        if foreign:
            return None, None
        state = state or named or state_hint
        phrase = self.text[start:end]
        words = _content_words(phrase) - {_key(label).lower() for label in self.labels}
        words -= {w.lower() for w in self.adjectives}
        words = {w for w in words if not w[0].isdigit()}
        institution = None
        if words:
            # A body word ("ministry") must be matched by a body word, the others by name.
            def fits(names: set[str]) -> bool:
                distinctive = words - _BODY_WORDS
                return bool(distinctive) and distinctive <= names

            candidates = [
                actor
                for actor, names in self.institution_words
                if fits(names) and (state is None or self.known.state_of(actor) == state)
            ]
            if len(candidates) > 1 and state is None:
                context = self.last_state_before(start)
                narrowed = [c for c in candidates if self.known.state_of(c) == context]
                candidates = narrowed or candidates
            if len(candidates) == 1:
                institution = candidates[0]
                state = state or self.known.state_of(institution)
        return institution, state

    def office(self, title: str, institution: Actor | None, state: Actor | None) -> Office | None:
        """A recorded office of the institution (else of the state) that the title names."""
        ranks, role = _role_words(title)
        if not role:
            return None
        title_words = _content_words(title)
        found = []
        for office in self.known.offices.values():
            owner = self.known.institution(office)
            if institution is not None and office.institution_id != institution.pk:
                continue
            if institution is None and (state is None or self.known.state_of(owner) != state):
                continue
            for surface in [office.title, *office.aliases.splitlines()]:
                if not surface.strip():
                    continue
                office_ranks, office_role = _role_words(surface)
                if (office_ranks, office_role) != (ranks, role):
                    continue
                # Without a named institution, the title's distinctive words must be the office's.
                distinctive = _content_words(surface) - _BODY_WORDS
                if institution is None and not distinctive & title_words:
                    continue
                found.append(office)
                break
        return found[0] if len(found) == 1 else None


# --- New people ----------------------------------------------------------------------------------


@dataclass
class _Person:
    name: str
    start: int  # the first mention
    end: int
    title: str = ""
    title_start: int = 0
    title_end: int = 0
    reason: str = ""


class _People:
    """Named people who are not in the database: those named with a title, and those a speaker
    pattern names (`add`). Later mentions by surname or given name are found too."""

    def __init__(self, text: str, mentions: list[_Mention], quote_spans, known: _Known) -> None:
        self.text, self.known = text, known
        self.quote_spans = sorted(quote_spans)
        self.quote_starts = [start for start, _ in self.quote_spans]
        self.index = _Mentions(mentions)
        self.institutions = _Institutions(text, known, self.index)
        self.people: dict[str, _Person] = {}
        self.occurrences: list[tuple[int, int, str]] = []  # (start, end, full name)
        self.starts: list[int] = []
        self.words: dict[str, list[int]] = {}  # capitalised word -> where it occurs
        for match in _CAPITALISED.finditer(text):
            self.words.setdefault(match.group(), []).append(match.start())
        self._find_titled()
        self._index_occurrences()

    # Where a name may be: not in a quotation, not a known actor.
    def _quoted(self, position: int) -> bool:
        index = bisect.bisect_right(self.quote_starts, position) - 1
        return index >= 0 and position < self.quote_spans[index][1]

    def known_person_name(self, start: int, end: int) -> bool:
        """Whether a known mention covers the name (a known surname that another name token
        extends is a different person)."""
        for m in self.index.overlapping(start, end):
            if m.kind == "office":
                continue
            if m.how in {"surname", "short name"} and (m.start > start or m.end < end):
                continue
            return True
        return False

    @property
    def adjectives(self) -> set[str]:
        return self.institutions.adjectives

    def plausible(self, name: str, start: int, end: int) -> bool:
        return (
            _name_ok(name, self.adjectives)
            and not self._quoted(start)
            and not self.known_person_name(start, end)
        )

    def _find_titled(self) -> None:
        text = self.text
        for match in _TITLE_THEN_NAME.finditer(text):
            role_start = match.start(1)
            cleaned = self._clean_name(*match.span(2))
            if cleaned is None or cleaned[1] != match.start(2):
                continue  # the words after the title are not (only) a name
            name, name_start, name_end = cleaned
            window_start = max(0, role_start - 80)
            before = _TITLE_BEFORE.search(text, window_start, role_start)
            title_start = before.start() if before else role_start
            # A title does not begin with a sentence's first word unless it is part of it.
            words = text[title_start:role_start].split()
            while words and words[0].lower() in _NOT_TITLE_START:
                title_start = text.index(words[0], title_start) + len(words[0])
                words = words[1:]
            while title_start < role_start and text[title_start].isspace():
                title_start += 1
            title = " ".join(text[title_start : match.end(1)].split())
            self._add(name, name_start, name_end, title, title_start, match.end(1), "named with")
        for match in _NAME_THEN_TITLE.finditer(text):
            cleaned = self._clean_name(*match.span(1))
            if cleaned is None or cleaned[2] != match.end(1):
                continue
            name, name_start, name_end = cleaned
            title = " ".join(match.group(2).split())
            if re.search(r"\b(?:who|which|said|says|told|was|is)\b", title):
                continue
            self._add(name, name_start, name_end, title, match.start(2), match.end(2), "named as")

    def _clean_name(self, start: int, end: int) -> tuple[str, int, int] | None:
        """The name in text[start:end] without leading or trailing words that are not names
        ("Tuesday Lin Jian"), if two or three name tokens remain."""
        tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", self.text[start:end])]
        words = [self.text[start + a : start + b] for a, b in tokens]
        for i, word in enumerate(words):  # "Xu Wenjing's briefing": the name ends at 's
            if possessive := re.search(r"[’']s?$", word):
                a, b = tokens[i]
                cut = len(possessive.group())
                tokens, words = [*tokens[:i], (a, b - cut)], [*words[:i], word[:-cut]]
                break
        while tokens and self._not_name_word(words[0]):
            tokens, words = tokens[1:], words[1:]
        while tokens and self._not_name_word(words[-1]):
            if words[-1].lower() in _ORGANISATION_WORDS:
                return None  # "Human Rights Watch", "Clark Air Base": not a person
            tokens, words = tokens[:-1], words[:-1]
        if not 2 <= len(tokens) <= 3:
            return None
        name_start, name_end = start + tokens[0][0], start + tokens[-1][1]
        if words[-1] in {"Jr", "Sr"} and self.text[name_end : name_end + 1] == ".":
            name_end += 1  # "Ferdinand Marcos Jr."
            words[-1] += "."
        name = " ".join(words)
        return (name, name_start, name_end) if self.plausible(name, name_start, name_end) else None

    def _not_name_word(self, word: str) -> bool:
        """A title, a place, a body, a day ("Director-General" too) rather than part of a name."""
        parts = word.lower().split("-")
        return (
            word.lower() in _NOT_NAME_WORDS
            or word in self.adjectives
            or any(part in _ROLE_FORMS or part in _RANK_WORDS for part in parts)
        )

    def _add(self, name, start, end, title, title_start, title_end, how) -> None:
        name = " ".join(name.split())
        person = self.people.get(name)
        if person is not None:
            # Keep the title that says most: one naming an institution over a bare rank.
            if title and (
                not person.title
                or (
                    self.institutions.resolve(person.title_start, person.title_end) == (None, None)
                    and self.institutions.resolve(title_start, title_end) != (None, None)
                )
            ):
                person.title, person.title_start, person.title_end = title, title_start, title_end
                person.reason = f"{how} the title “{title}”; not in the database"
            if start < person.start:
                person.start, person.end = start, end
            return
        reason = f"{how} the title “{title}”; not in the database" if title else ""
        self.people[name] = _Person(name, start, end, title, title_start, title_end, reason)

    def _title_names(self, person: _Person, sentences, mentions: _Mentions):
        """(institution, state) a person's title names, else what the sentence around says."""
        title = self.text[person.title_start : person.title_end]
        cut = re.search(r"\s(?:to|in)\s", title)  # "Ambassador to the US": not the US's
        end = person.title_start + cut.start() if cut else person.title_end
        institution, state = self.institutions.resolve(person.title_start, end)
        here = sentences.index(person.start)
        if state is None:  # the state the sentence names nearest to the person
            low, high = sentences.span(here)
            span = (max(low, person.start - 600), min(high, person.end + 600))
            labels = (
                [
                    (abs(m.start() - person.start), m.group())
                    for m in self.institutions.label_pattern.finditer(self.text, *span)
                    if not self._quoted(m.start())
                ]
                if self.institutions.label_pattern
                else []
            )
            if labels:
                label = re.sub(r"[’']s?$", "", min(labels)[1])
                state = self.institutions.labels.get(_key(label))
            else:  # "Cabrera's office said he would brief President X": Cabrera's state
                actors = [m for m in mentions.within(*span) if m.kind == "actor"]
                if actors:
                    nearest = min(actors, key=lambda m: abs(m.start - person.start))
                    state = self.known.state_of(nearest.target)
            if institution is None and state is not None:
                institution, _ = self.institutions.resolve(person.title_start, end, state)
        words = _content_words(title) - {w.lower() for w in self.institutions.adjectives}
        if institution is None and state is not None and words and words <= _BODY_WORDS:
            # "a spokesman for the Chinese ministry": the one of that state named before
            for m in reversed(mentions.within(max(0, person.start - 3000), person.start)):
                target = m.target if m.kind == "actor" else None
                if (
                    target is not None
                    and target.kind == ActorKind.INSTITUTION
                    and self.known.state_of(target) == state
                    and words & _content_words(target.name)
                ):
                    institution = target
                    break
        _, role = _role_words(person.title)
        if institution is None and state is not None and role in _DIPLOMATIC_ROLES:
            # "a senior Japanese diplomat": of that state's foreign ministry, if it has one
            foreign = [
                actor
                for actor, names in self.institutions.institution_words
                if "foreign" in names and self.known.state_of(actor) == state
            ]
            institution = foreign[0] if len(foreign) == 1 else None
        first = sentences.span(max(here - 1, 0))[0]
        if institution is None and not words:
            # "Its spokesperson, Han Zhiwei": the body named just before, an institution (or a
            # body of a state: "the Chinese Embassy") rather than a place
            bodies = [
                m
                for m in mentions.within(first, person.start)
                if m.kind == "actor" and m.target.kind in (ActorKind.INSTITUTION, ActorKind.STATE)
            ]
            bodies.sort(key=lambda m: m.target.kind == ActorKind.INSTITUTION or m.how == "body")
            if bodies:
                body = bodies[-1].target
                if body.kind == ActorKind.INSTITUTION:
                    institution = body
                state = self.known.state_of(body)
        return institution, state

    def add(self, name: str, start: int, end: int) -> str:
        """Register a speaker named with a speech verb; returns the full name it refers to."""
        name = " ".join(name.split())
        full = self.full_name(name)
        if full:
            return full
        person = _Person(name, start, end, reason="quoted by name; not in the database")
        self.people[name] = person
        self._index_occurrences([person])
        return name

    def full_name(self, name: str) -> str:
        """The new person a name or a single name token refers to ("" if none)."""
        if name in self.people:
            return name
        for person in self.people.values():
            tokens = person.name.split()
            if name in (tokens[0], tokens[-1]):
                return person.name
        return ""

    def _index_occurrences(self, people: list[_Person] | None = None) -> None:
        """Where the people (all, or those given) are named again: by full name, given name
        or surname, outside quotations, never inside another occurrence or a known person's
        name. Found through an index of capitalised words, so that adding a person costs the
        occurrences of their names, not a pass over the text."""
        people = list(self.people.values()) if people is None else people
        full = [(p.name, p) for p in people]
        single = [(form, p) for p in people for form in {p.name.split()[0], p.name.split()[-1]}]
        for form, person in [*full, *single]:
            if len(form) < 2:
                continue
            for start in self.words.get(form.split()[0], []):
                end = start + len(form)
                if not self.text.startswith(form, start) or re.match(
                    r"\w", self.text[end : end + 1]
                ):
                    continue
                if self._quoted(start) or self._overlaps_occurrence(start, end):
                    continue
                if form != person.name and self.known_person_name(start, end):
                    continue  # a known person's name, not this one's
                index = bisect.bisect_left(self.starts, start)
                self.starts.insert(index, start)
                self.occurrences.insert(index, (start, end, person.name))
                if form == person.name and start < person.start:
                    person.start, person.end = start, end  # offered at the first mention

    def _overlaps_occurrence(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.starts, start)
        if index > 0 and self.occurrences[index - 1][1] > start:
            return True
        return index < len(self.starts) and self.starts[index] < end

    def ending_at(self, position: int) -> tuple[int, int, str] | None:
        if not self.occurrences:
            return None
        index = bisect.bisect_left(self.starts, position) - 1
        if index >= 0 and self.occurrences[index][1] == position:
            return self.occurrences[index]
        return None

    def starting_at(self, position: int) -> tuple[int, int, str] | None:
        if not self.occurrences:
            return None
        index = bisect.bisect_left(self.starts, position)
        if index < len(self.starts) and self.starts[index] == position:
            return self.occurrences[index]
        return None

    def within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        if not self.occurrences:
            return []
        low = bisect.bisect_left(self.starts, start)
        high = bisect.bisect_left(self.starts, end)
        return [o for o in self.occurrences[low:high] if o[1] <= end]

    def suggestions(self, sentences, mentions: _Mentions) -> list[Suggestion]:
        """One "new_person" per person, at the first mention, with what the title names."""
        found = []
        for person in self.people.values():
            institution = state = office = None
            if person.title:
                institution, state = self._title_names(person, sentences, mentions)
                office = self.institutions.office(person.title, institution, state)
            value = {
                "name": person.name,
                "title": person.title,
                "institution_id": institution.pk if institution else None,
                "institution": institution.name if institution else "",
                "state_id": state.pk if state else None,
                "state": state.name if state else "",
                "office_id": office.pk if office else None,
                "office": office.title if office else "",
                "office_title": _office_title(person.title, institution, office),
                "reason": person.reason,
            }
            found.append(Suggestion("new_person", person.name, person.start, person.end, value))
        return found


def _office_title(title: str, institution: Actor | None, office: Office | None) -> str:
    """The title of the person's office as an editor records it: a recorded office's own title,
    else the title without the capitalised words before it that name the institution
    ("Chinese Defence Ministry spokesperson" at the defence ministry: "Spokesperson")."""
    if office is not None:
        return office.title
    words = title.split()
    if institution is None or not words:
        return title
    first_plain = next((i for i, word in enumerate(words) if not word[:1].isupper()), len(words))
    rest = " ".join(words[first_plain:])
    return rest[:1].upper() + rest[1:] if rest else title


_NOT_TITLE_START = {
    "on", "in", "at", "after", "before", "when", "while", "but", "and", "as", "the", "a", "an",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "meanwhile",
    "however", "earlier", "later", "last", "this", "that", "his", "her", "its", "their", "our",
    "said", "told", "says", "with", "from", "by", "to", "for", "of",
}  # fmt: skip
