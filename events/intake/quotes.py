"""Quotations and attributed paraphrases, who said them, and the people named who are new.

Every quotation is offered with its whole sentence, except quotation marks that hold nobody's
speech: a term ("the so-called “hotline”", "dubbed", "known as"), a title (“Global Security
Initiative”, a quoted Capitalised Title with no speech verb) or a quoted word used as a modifier
(the “reset” plan). One or two quoted words are offered too, marked `short`, with their speaker's
confidence one step lower.

The speaker is found as a reader finds it, within the quote's own clause:

1. a reporting phrase right after the quote (“…,” said X / X said / X told reporters /
   according to X / a spokesperson for X said / X's spokesperson, Y, said / the readout said);
2. else the last reporting cue before the quote in its clause — the clause starts after the
   previous quotation of the sentence or after "while", "but", "whereas", ";" — whose SUBJECT
   is the speaker: "Hegseth told Dong that …" is Hegseth's, never the addressee's;
3. else a reporting phrase later in the clause ("…” meeting, according to State Department
   readouts").

The subject is the known person, new person, office (its holder), institution or state that
ends the noun phrase before the verb; a pronoun is the last person (or institution) named
before; a role ("a spokesperson", "the readout", "the Chinese side") is its owner when named.
A speaker named with the verb who is not in the database is reported as `unmatched_speaker`,
never replaced by the nearest known person. Only a quote with no reporting cue at all falls
back to context: the quote before it (a second quote that continues the first), the nearest
person, an office's holder, an institution or state named nearby — each with a lower confidence
and the reason in `basis`.

A quote is `denied` when its clause says the speaker denies, rejects or is not seeking the
quoted words ("isn't aiming for “…”", "rejected what it called “…”", "far from “…”"); a
negation inside the quotation is the speaker's own words and denies nothing.
"""

import bisect
import re
from dataclasses import dataclass

from events.intake.mentions import _Intervals, _Known, _Mention, _words
from events.intake.people import _ORGANISATION_WORDS, _Mentions, _People
from events.intake.suggestions import Suggestion
from events.models import Actor
from events.text import Sentences
from events.vocabularies import ActorKind

# --- Quotes --------------------------------------------------------------------------------------


@dataclass
class _Quote:
    start: int  # the opening mark
    end: int  # just after the closing mark
    inner_start: int
    inner_end: int
    runs_on: bool = False  # unclosed: the quotation goes on in the next paragraph


_QUOTE_PATTERNS = (
    re.compile(r"“([^“”\n]+)”"),
    re.compile(r'(?<!\w)"(?=\S)([^"\n]+?)(?<=\S)"(?!\w)'),
    # A quotation that runs on into the next paragraph leaves its paragraph unclosed, and the
    # next paragraph opens with a quotation mark again.
    re.compile(r"“([^“”\n]+)(?=\n\s*“)"),
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
                runs_on = match.end() == match.end(1)
                quotes.append(
                    _Quote(match.start(), match.end(), match.start(1), match.end(1), runs_on)
                )
    return sorted(quotes, key=lambda q: q.start)


# --- Reporting vocabulary ------------------------------------------------------------------------

_VERB_WORDS = (
    r"said|says|say|told|tells|telling|added|adds|adding|noted|notes|noting|stated|declared"
    r"|warned|warns|warning|insisted|insists|insisting|argued|argues|arguing|asserted|asserts"
    r"|remarked|explained|explains|stressed|stresses|stressing|emphasi[sz]ed|emphasi[sz]ing"
    r"|wrote|writes|tweeted|posted|replied|responded|commented|acknowledged|claimed|claims"
    r"|announced|urged|urges|urging|vowed|vows|vowing|pledged|pledges|pledging|promised"
    r"|reaffirmed|reaffirming|reiterated|reiterating|cautioned|called|calls|call|calling|described"
    r"|describes|describing|termed|labell?ed|branded|characteri[sz]ed|denied|denies|denying"
    r"|rejected|rejects|rejecting|dismissed|dismisses|dismissing|relayed|conveyed|assured"
    r"|saying|asked|continued|confirmed|maintained|accused|demanded|welcomed|informed|assured"
    r"|expressed|condemned|criticised|criticized|hailed|praised|predicted|recalled|conceded"
    r"|admitted|proposed|suggested|ruled\s+out|underscored|underscoring|made\s+clear"
    r"|making\s+clear|warn|urge|accuse|accuses|accusing|conveyed|convey|cited|citing"
)
_VERB = re.compile(rf"(?<![\w-])(?:{_VERB_WORDS})(?![\w-])")
# Verbs that may come before their speaker ("…,” said Rubio); "told Wang" names the listener.
_INVERTED = re.compile(
    r"(?:said|says|added|adds|wrote|writes|asked|continued|explained|noted|replied|insisted"
    r"|warned|stressed|declared|remarked|according\s+to)\s+",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"(?<!\w)[Aa]ccording\s+to\s+")
_SPEECH_NOUN = (
    r"(?:remarks?|statements?|comments?|words|assertions?|readouts?|briefings?|testimony"
    r"|speech|interview|message|account|position|claims?|pledges?|warnings?|vows?|posts?"
    r"|letter|tweets?|insistence|view|argument|description)"
)
_NOUN_FROM = re.compile(rf"\b{_SPEECH_NOUN}\s+(?:from|by|of|issued\s+by)\s+(?:the\s+)?")
_POSSESSOR = re.compile(
    rf"(?:(?P<pronoun>\b(?:[Hh]is|[Hh]er|[Ii]ts|[Tt]heir))|(?P<owner>[’'‘]s?))"
    rf"\s+(?:[\w-]+\s+){{0,2}}?{_SPEECH_NOUN}\b"
)
# Where a new clause, with a subject of its own, begins: "…, while Wang urged …". "while
# warning" and "but that …" / "but would …" go on with the same subject.
_BOUNDARY = re.compile(
    r";|(?<!\w)(?:[Ww]hile|[Ww]hereas|[Aa]lthough|[Tt]hough)(?!\w)(?!\s+\w+ing\b)"
    r"|(?<!\w)[Bb]ut(?=\s+(?:[A-Z]|(?:the|a|an|he|she|it|they|we|i|its|his|her|their|some|many"
    r"|officials?)\s))"
)
_TAIL_BOUNDARY = re.compile(
    r"[;!?]|(?<!\w)(?:while|whereas|but|although|though|and|because|when|if|as|after|who|which"
    r"|that)(?!\w)|,\s+\w+ing\b"
)
_TRAILING_FILLER = re.compile(
    r"(?:\s+(?:also|later|then|again|previously|separately|earlier|further|only|repeatedly"
    r"|publicly|privately|has|have|had|would|will|did|once|on\s+\w+day|in\s+a\s+statement"
    r"|afterwards|afterward|today|yesterday|now|still|first|itself|themselves|himself|herself"
    r"|too|however|meanwhile))+\s*$"
)
_PRONOUN = re.compile(
    r"(?<!\w)(?P<person>[Hh]e|[Ss]he)$|(?<!\w)(?P<it>[Ii]t)$|(?<!\w)(?P<first>I|[Ww]e)$"
    r"|(?<!\w)[Tt]hey$"
)
_OFFICIAL_ROLES = (
    r"spokes(?:person|man|woman)s?|officials?|aides?|diplomats?|readouts?|statements?|ministry"
    r"|ministries|department|embassy|government|administration|side|team|office|military|army"
    r"|navy|command|agency|mission|delegation|negotiators?|envoys?|representatives?"
    r"|participants?|delegates?|participants?|ministers?|officers?|authorities|coast\s+guard"
)
_OTHER_ROLES = (
    r"analysts?|experts?|observers?|critics?|people|residents?|lawmakers?|commentators?"
    r"|sources?|media|scholars?|researchers?|diplomats\s+in\s+\w+|crews?|fishermen|workers?"
)
_ROLE_AT_END = re.compile(rf"(?<![\w-])(?P<role>{_OFFICIAL_ROLES}|{_OTHER_ROLES})$", re.IGNORECASE)
_OFFICIAL = re.compile(rf"(?:{_OFFICIAL_ROLES})$", re.IGNORECASE)
_NAME_TOKEN = r"[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-’'][A-Za-z]+)*"
_NAME = rf"{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{1,2}}"
_NAME_AT_END = re.compile(rf"(?<![\w’'-]){_NAME}$")
_NAME_ANYWHERE = re.compile(_NAME)
# What opens an apposition after a name: "…, a researcher at …", "…, who served …", "…, now at …".
_APPOSITION = re.compile(
    r"\s+(?:an?|the|who|whose|now|formerly|once|then|himself|herself|one\s+of|former|ex-)\s",
    re.IGNORECASE,
)
# A person's name used as a modifier ("the Trump administration", "Trump–Xi summit") does not
# name a speaker.
_ATTRIBUTIVE_AFTER = re.compile(
    r"^(?:\s+(?:administration|government|team|era|camp|cabinet|presidency|policy|policies"
    r"|doctrine|campaign|aides|officials|allies|summit|tariffs)\b|\s*[–—-]\s*[A-Z])"
)
_ATTRIBUTIVE_BEFORE = re.compile(r"(?:\bthe\s+|[A-Z]\w*\s*[–—-]\s*)$")
_NOUN_TO_QUOTE = re.compile(r"[\s,:—–-]*(?:that|such\s+as|as)?[\s,:—–-]*")
# "informed them that …" reports; "informed the embassy of the decision" does not.
_TELLING_THAT = re.compile(r"(?:informed|assured|notified|reminded)(?=\s[^.;“\"‘]{1,80}?\bthat\b)")
_ROLE_FROM = re.compile(
    rf"(?<![\w-])(?P<role>{_OFFICIAL_ROLES})\s+(?:from|in|at|of)\s+"
    rf"(?P<where>[^,;]{{1,40}})$",
    re.IGNORECASE,
)
_BARE_TITLE = re.compile(
    r"(?<!\w)[Tt]he\s+(?P<title>President|Secretary|Minister|Premier|Chairman|Ambassador"
    r"|Admiral|General)$"
)
_PLACE_PREPOSITION = re.compile(
    r"(?<=\w)\s+(?:in|at|to|near|from|with|on|during|after|before)\s+(?:the\s+)?$"
)
_RELATIVE_SPEAKER = re.compile(r"(?<!\w)(?:what|which)\s+(?P<pronoun>it|he|she|they)\s+$")
_COORDINATED = re.compile(r"(?<=\w)\s+(?:and|&)\s+(?:[A-Z][a-z]+\.?\s+){0,2}$")
_RELATIVE_PRONOUN = re.compile(r",?\s+(?:who|which|that)$")
# A known state's possessive or adjective before a body: "China's Ministry of National
# Defense", "Japan's foreign ministry", "Beijing's defence ministry".
_BODY = (
    r"(?:(?:[\w-]+\s+){0,3}?(?:[Mm]inistry|[Dd]epartment|[Ee]mbassy|[Cc]oast\s+[Gg]uard|[Nn]avy"
    r"|[Aa]ir\s+[Ff]orce|[Aa]rmy|[Cc]ommand|[Oo]ffice|[Mm]ission)"
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w-]*(?:\s+(?:and\s+)?[A-Z][\w-]*){0,3})?)"
)
# An organisation named as speaker but not in the database ("Indo-Pacific Command").
_ORGANISATION = (
    r"(?<![\w’'-])(?:[A-Z][\w-]+[ \t]+){1,4}(?:"
    + "|".join(sorted(word.title() for word in _ORGANISATION_WORDS))
    + r")(?![\w-])"
)
_ORGANISATION_AT_END = re.compile(_ORGANISATION + "$")
_ORGANISATION_AT_START = re.compile(r"(?:the[ \t]+)?" + _ORGANISATION)
_OBJECT_BEFORE = re.compile(
    r"(?:told|met|with|to|and|urged|called|by|for|of|on|from|meeting|asked|invited|informed"
    r"|assured|relayed\s+to)\s+(?:\w+\s+){0,2}$"
)

# --- Not speech, denials -------------------------------------------------------------------------

# Quotation marks around a term or a title, not around anything anyone said.
_TERM_BEFORE = re.compile(
    r"(?:so-called|dubbed|known\s+as|titled|entitled|named|nicknamed|code-?named|the\s+(?:word"
    r"|term|phrase|slogan|motto|label|banner|headline|hashtag|title|expression|name))\s*$",
    re.IGNORECASE,
)
_DETERMINER_BEFORE = re.compile(
    r"(?<!\w)(?:the|a|an|this|that|its|their|his|her|our|these|those)\s+$", re.IGNORECASE
)
_CUE_JUST_BEFORE = re.compile(
    rf"(?<![\w-])(?:{_VERB_WORDS})(?:\s+[\w’'-]+){{0,3}}?(?:\s+as)?\s+(?:(?:a|an|the)\s+)?[:,]?\s*$"
)
_SMALL_WORDS = {"a", "an", "the", "of", "and", "for", "to", "in", "on", "at", "by", "with", "or"}
_DENIAL = re.compile(
    r"(?<![\w-])(?:den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?"
    r"|rul(?:e|es|ed|ing)\s+out|refut(?:e|es|ed|ing)|rebuff(?:s|ed|ing)?|repudiat(?:e|es|ed|ing)"
    r"|disavow(?:s|ed|ing)?|far\s+from|no\s+longer|played\s+down|downplay(?:s|ed|ing)?"
    r"|caution(?:s|ed|ing)?\s+against"
    r"|not|never)(?![\w-])|(?<=\w)n[’']t(?!\w)",
    re.IGNORECASE,
)
_DENIAL_BLOCK = re.compile(
    r"[;:]|,\s*(?:saying|adding|insisting|noting|arguing|stressing|while|but)\b"
    r"|(?<![\w-])(?:said|says|saying|but|while)(?![\w-])",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"(?:not|n[’']t|never)$", re.IGNORECASE)
# "dismissed the talks as “empty words”": the quoted words are the speaker's own verdict.
_OWN_VERDICT = re.compile(r"(?<![\w-])as(?:\s+(?:a|an|the|mere|just|only))?\s*$")
_TAIL_DENIAL = re.compile(
    r"^\W{0,3}\s*(?:was|were|is|are|has\s+been|had\s+been|have\s+been)\s+"
    r"(?:ruled\s+out|rejected|denied|dismissed|off\s+the\s+table)\b"
)


@dataclass
class _Who:
    """A speaker as found: a known actor, or a name not in the database, or a role to fill."""

    actor: Actor | None = None
    unmatched: str = ""
    confidence: str = "low"
    basis: str = ""
    # A pronoun ("person", "it", "first": I/we) or an unnamed role ("official", "other") to
    # fill from the text before `at`.
    role: str = ""
    at: int = -1

    @property
    def named(self) -> bool:
        return self.actor is not None or bool(self.unmatched)

    def as_value(self, *, short: bool = False) -> dict:
        confidence = self.confidence
        if short:  # one or two words: less to go on
            confidence = {"high": "medium", "medium": "low"}.get(confidence, confidence)
        value = {
            "speaker_id": self.actor.pk if self.actor else None,
            "speaker": self.actor.name if self.actor else "",
            "speaker_kind": self.actor.kind if self.actor else "",
            "confidence": confidence,
            "basis": self.basis,
        }
        if self.unmatched:
            value["unmatched_speaker"] = self.unmatched
        return value


_NOBODY = _Who(basis="no speaker found")
# How far around a quote its speaker is looked for, whatever the sentence's length: keeps the
# analysis linear in the text when a paste has no sentence breaks.
_REACH = 600
# A transcript's turn: "Xu Wenjing: …", "MS HALE: …".
_TURN = re.compile(r"^(?P<label>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}):\s", re.MULTILINE)


class _Speakers:
    """Who said each quotation or paraphrase (see the module's docstring)."""

    def __init__(
        self,
        text: str,
        mentions: list[_Mention],
        quotes: list[_Quote],
        sentences: Sentences,
        known: _Known,
    ) -> None:
        self.text, self.quotes, self.sentences, self.known = text, quotes, sentences, known
        self.quote_starts = [q.start for q in quotes]
        self.quote_ends = [q.end for q in quotes]
        inner_starts = [q.inner_start for q in quotes]

        def hidden(m: _Mention) -> bool:  # inside a quotation: not the speaker
            index = bisect.bisect_right(inner_starts, m.start) - 1
            return index >= 0 and m.start < quotes[index].inner_end

        self.mentions = [m for m in mentions if not hidden(m)]
        self.index = _Mentions(self.mentions)
        self.people = _People(text, self.mentions, [(q.start, q.end) for q in quotes], known)
        self.institutions = self.people.institutions
        self._add_bodies()
        self.readouts = self._find_readouts()
        self.turns = self._find_turns()

    def _add_bodies(self) -> None:
        """Institutions named by a known state and a body ("Japan's Ministry of Defense"),
        added to the mentions that speakers are found among."""
        pattern = self.institutions.label_pattern
        if pattern is None:
            return
        body = re.compile(rf"\s+{_BODY}")
        added = []
        for match in pattern.finditer(self.text):
            if self.people._quoted(match.start()):
                continue
            tail = body.match(self.text, match.end(), min(len(self.text), match.end() + 80))
            if tail is None:
                continue
            start, end = match.start(), tail.end()
            institution, state = self.institutions.resolve(start, end)
            if institution is None and match.group()[0].isupper() and " " not in match.group():
                # "the Chinese Embassy in Manila", not recorded: it speaks for its state
                institution = state
            if institution is None:
                continue
            covered = [
                m
                for m in self.index.overlapping(start, end)
                if not (m.kind == "actor" and m.target.kind == ActorKind.STATE)
            ]
            if covered:
                continue  # a known name ("China's foreign ministry") already says it
            added.append(_Mention(start, end, self.text[start:end], "actor", [institution], "body"))
            added[-1].target = institution
        if added:
            self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)
            self.index = _Mentions(self.mentions)

    def _find_turns(self) -> tuple[list[int], list[_Who | None]]:
        """Who speaks in each turn of a transcript ("Xu Wenjing: …"); None for a questioner."""
        starts, speakers = [], []
        for match in _TURN.finditer(self.text):
            label = match.group("label")
            start, end = match.span("label")
            who: _Who | None = None
            people = [m for m in self.index.within(start, end) if self._is_person(m)]
            if people:
                who = _Who(people[0].target, confidence="medium", basis="the speaker of the turn")
            elif name := self._name_at(start, end, at_end=True):
                who = _Who(unmatched=name[0], confidence="low", basis="the speaker of the turn")
            elif re.fullmatch(r"(?:MR|MS|MRS|DR)\.?\s+[A-Z]+", label):
                surname = label.split()[-1].title()  # "MS HALE": the Hale named before
                full = self.people.full_name(surname)
                known = [
                    m
                    for m in self.index.within(0, start)
                    if self._is_person(m) and surname in m.text
                ]
                if known:
                    who = _Who(
                        known[-1].target, confidence="medium", basis="the speaker of the turn"
                    )
                elif full:
                    who = _Who(unmatched=full, confidence="low", basis="the speaker of the turn")
            starts.append(match.start())
            speakers.append(who)
        return starts, speakers

    def _turn_at(self, position: int) -> _Who | None:
        starts, speakers = self.turns
        index = bisect.bisect_right(starts, position) - 1
        if index < 0 or "\n" in self.text[starts[index] : position].rstrip():
            # Only the paragraph the turn opens (a turn's later paragraphs are rare).
            return None
        who = speakers[index]
        return _Who(who.actor, who.unmatched, who.confidence, who.basis) if who else None

    # --- Helpers ---------------------------------------------------------------------------------

    def _is_person(self, mention: _Mention) -> bool:
        return mention.kind == "actor" and mention.target.kind == ActorKind.PERSON

    def _attributive(self, mention: _Mention) -> bool:
        after = self.text[mention.end : mention.end + 40]
        before = self.text[max(0, mention.start - 40) : mention.start]
        return bool(_ATTRIBUTIVE_AFTER.match(after) or _ATTRIBUTIVE_BEFORE.search(before))

    def _possessive(self, mention: _Mention) -> bool:
        return bool(re.match(r"[’'‘]s?\s", self.text[mention.end : mention.end + 3]))

    def _holder(self, mention: _Mention) -> Actor | None:
        holders = self.known.holders.get(mention.target.pk, [])
        return holders[0] if holders else None

    def _who_of_mention(self, m: _Mention, basis: str) -> _Who:
        if m.kind == "office":
            holder = self._holder(m)
            if holder is not None:
                title = m.target.title
                return _Who(holder, confidence="medium", basis=f"holder of {title}, {basis}")
            institution = self.known.institution(m.target)
            return _Who(
                institution,
                confidence="low",
                basis=f"{m.target.title} (no holder recorded), {basis}",
            )
        actor = m.target
        if actor.kind == ActorKind.PERSON:
            return _Who(actor, confidence="high", basis=f"named {basis}")
        return _Who(actor, confidence="medium", basis=f"{actor.kind} {basis}")

    def _mention_ending_at(self, position: int) -> _Mention | None:
        found = [m for m in self.index.overlapping(position - 1, position) if m.end == position]
        rank = {ActorKind.PERSON: 0, ActorKind.INSTITUTION: 2, ActorKind.STATE: 3}
        found.sort(key=lambda m: 1 if m.kind == "office" else rank.get(m.target.kind, 4))
        return found[0] if found else None

    def _name_at(self, start: int, end: int, *, at_end: bool) -> tuple[str, int, int] | None:
        """A person's name (known to `people` or plausible) at the end (or anywhere) of a span."""
        if at_end:
            occurrence = self.people.ending_at(end)
            if occurrence:
                return occurrence[2], occurrence[0], occurrence[1]
            match = _NAME_AT_END.search(self.text, max(start, end - 60), end)
        else:
            occurrences = self.people.within(start, end)
            if occurrences:
                return occurrences[0][2], occurrences[0][0], occurrences[0][1]
            match = _NAME_ANYWHERE.search(self.text, start, end)
        if not match:
            return None
        cleaned = self.people._clean_name(*match.span())
        if cleaned is None:
            return None
        name, name_start, name_end = cleaned
        if at_end and name_end != end:
            return None
        return self.people.add(name, name_start, name_end), name_start, name_end

    def _unmatched(self, name: str) -> _Who:
        return _Who(
            unmatched=name, confidence="low", basis="named with a speech verb, not in the database"
        )

    # --- Noun phrases ----------------------------------------------------------------------------

    def _subject(self, start: int, end: int) -> _Who | None:
        """The speaker named by the noun phrase that ends at `end` (a verb's subject)."""
        text = self.text
        if filler := _TRAILING_FILLER.search(text, max(start, end - 80), end):
            end = filler.start()
        segment = text[start:end].rstrip()
        if relative := _RELATIVE_PRONOUN.search(segment):  # "the readout, which (also) said"
            segment = segment[: relative.start()] + ("," if relative.group()[0] == "," else "")
        if segment.endswith(",") and (appositive := self._before_apposition(start, segment[:-1])):
            segment = appositive  # "Kaori Nishimura, a researcher at Keio University, Tokyo, said"
        elif segment.endswith(","):  # "Lin Jian, a spokesman for …, said"; "X's spokesman, Y, said"
            inner = segment[:-1]
            comma = inner.rfind(",")
            chunk = inner[comma + 1 :].strip()
            named = self._mention_ending_at(start + len(inner))
            name_only = bool(re.fullmatch(_NAME, chunk)) or (
                named is not None and named.text == chunk
            )
            segment = inner[:comma] if comma >= 0 and chunk and not name_only else inner
        segment = segment.rstrip()
        end = start + len(segment)
        if end <= start:
            return None
        tail = text[max(start, end - 60) : end]
        if pronoun := _PRONOUN.search(tail):
            at = end - len(pronoun.group())
            if pronoun.group("person"):
                return _Who(role="person", at=at)
            if pronoun.group("first"):
                return _Who(role="first", at=at)
            return _Who(role="it" if pronoun.group("it") else "other", at=at)
        if (m := self._mention_ending_at(end)) is not None:
            before = text[max(start, m.start - 30) : m.start]
            # "China's embassy in Washington said": the place is not the speaker.
            place = _PLACE_PREPOSITION.search(before)
            if place and (who := self._subject(start, m.start - len(before) + place.start())):
                if who.role == "official" and m.kind == "actor":  # "officials in Washington"
                    return _Who(m.target, confidence="medium", basis=f"{who.basis} in {m.text}")
                return who
            # "Hegseth and Dong described …": the first named.
            if coordinated := _COORDINATED.search(before):
                first = self._mention_ending_at(m.start - len(coordinated.group()))
                if first is not None and first.kind == "actor":
                    m = first
            if re.search(r"spokes\w+\s+(?:for|of)\s+(?:the\s+)?$", before, re.IGNORECASE):
                who = self._who_of_mention(m, "whose spokesperson spoke")
                who.confidence = "medium"
                return who
            # A surname that a longer unknown name ends with is not that known person.
            if not (m.how in {"surname", "short name"} and self.people.ending_at(end)):
                return self._who_of_mention(m, "with a speech verb")
        if name := self._name_at(start, end, at_end=True):
            return self._unmatched(name[0])
        if organisation := _ORGANISATION_AT_END.search(tail):
            return _Who(
                unmatched=organisation.group(),
                confidence="low",
                basis="an organisation named with a speech verb, not in the database",
            )
        if role := _ROLE_AT_END.search(tail):
            return self._owner(max(start, end - 80), end - len(role.group()), role.group())
        if title := _BARE_TITLE.search(tail):
            return self._title_holder(title.group("title"), end)
        if role := _ROLE_FROM.search(tail):  # "several delegates from Southeast Asia"
            where = end - len(role.group()) + role.start("where")
            institution, state = self.institutions.resolve(where, end)
            if institution or state:
                owner = institution or state
                assert owner is not None
                return _Who(
                    owner, confidence="medium", basis=f"{role.group('role')} of {owner.label}"
                )
            return self._owner(max(start, end - 80), end - len(role.group()), role.group("role"))
        return None

    def _before_apposition(self, start: int, inner: str) -> str | None:
        """`inner` up to the name an apposition describes, when it opens one ("Kaori Nishimura,
        a researcher at …, Tokyo" → "Kaori Nishimura"; "…, who served in Beijing, Manila and
        Tokyo"): the places and bodies inside an apposition are not the speaker, however many
        commas it holds. The first comma that follows a name and opens an apposition counts."""
        for comma in re.finditer(",", inner):
            if not _APPOSITION.match(inner, comma.end()):
                continue
            before = inner[: comma.start()].rstrip()
            named = self._mention_ending_at(start + len(before))
            if named is not None and self._is_person(named):
                return before
            if self._name_at(start, start + len(before), at_end=True):
                return before
        return None

    def _title_holder(self, title: str, position: int) -> _Who | None:
        """ "The Secretary", "the President": the last person named before who holds an office
        with that title."""
        word = title.lower()
        for m in reversed(self.index.within(max(0, position - 4000), position)):
            if not self._is_person(m):
                continue
            for office in self.known.held_by.get(m.target.pk, []):
                if word in office.title.lower().partition(" of ")[0].split():
                    return _Who(
                        m.target,
                        confidence="medium",
                        basis=f"“the {title}”: {m.target.name}, named before, holds {office.title}",
                    )
        return None

    def _owner(self, start: int, role_start: int, role: str) -> _Who:
        """Whose the role is: "Hegseth's team", "a State Department spokesperson", "the Chinese
        side"; else a readout named earlier ("the readout said"), else a role to fill."""
        text = self.text
        boundary = max(text.rfind(",", start, role_start), text.rfind(";", start, role_start))
        start = max(start, boundary + 1)
        official = bool(_OFFICIAL.search(role))
        for m in reversed(self.index.within(start, role_start)):
            if self._is_person(m) and self._possessive(m):
                held = self.known.held_by.get(m.target.pk)
                if role.lower() == "office" and held:  # "Cabrera's office": his institution
                    institution = self.known.institution(held[0])
                    if institution is not None:
                        return _Who(institution, confidence="medium", basis=f"{m.text}’s office")
                return _Who(m.target, confidence="medium", basis=f"{m.target.name}’s {role}")
        if official:
            institution, state = self.institutions.resolve(start, role_start)
            if institution or state:
                owner = institution or state
                assert owner is not None
                return _Who(owner, confidence="medium", basis=f"{role} of {owner.label}")
            if re.match(r"readouts?|statements?", role, re.IGNORECASE):
                earlier = self._readout_before(role_start)
                if earlier is not None:
                    return _Who(
                        earlier, confidence="medium", basis=f"the {role} of {earlier.label}"
                    )
            return _Who(role="official", basis=f"unnamed {role.lower()}", at=role_start)
        return _Who(role="other", basis=f"unnamed {role.lower()}", at=role_start)

    def _subject_after(self, start: int, end: int) -> _Who | None:
        """The speaker named by the noun phrase that starts at `start` ("said Secretary Rubio",
        "according to a Pentagon readout", "said Lin Jian, a spokesman for …")."""
        text = self.text
        np_end = min(end, start + 120)
        for stop in _NP_STOP.finditer(text, start, np_end):
            if not stop.group().startswith("("):  # "Colonel (ret.) Takuya Mori"
                np_end = stop.start()
                break
        np_end = start + len(text[start:np_end].rstrip())
        head = text[start:np_end]
        if re.match(r"(?:[Hh]e|[Ss]he)$", head):
            return _Who(role="person", at=start)
        mentions = self.index.within(start, np_end)
        people = [m for m in mentions if self._is_person(m)]
        name = self._name_at(start, np_end, at_end=False)
        if (
            name
            and not any(m.start <= name[1] and name[2] <= m.end for m in people)
            and (
                not people
                or name[1] < people[0].start
                or people[0].how in {"surname", "short name"}
            )
        ):
            return self._unmatched(name[0])
        if people:
            return self._who_of_mention(people[0], "with a speech verb")
        for m in mentions:
            if m.kind == "office" or m.target.kind == ActorKind.INSTITUTION:
                return self._who_of_mention(m, "named as speaking")
        if not mentions and (organisation := _ORGANISATION_AT_START.match(head)):
            return _Who(
                unmatched=organisation.group(),
                confidence="low",
                basis="an organisation named with a speech verb, not in the database",
            )
        role = re.search(rf"(?<![\w-])(?:{_OFFICIAL_ROLES}|{_OTHER_ROLES})(?![\w-])", head, re.I)
        if role:
            owner = self._owner(start, start + role.start(), role.group())
            if owner.actor is None and (mentions or role.end() < len(head)):
                institution, state = self.institutions.resolve(start + role.end(), np_end)
                if institution or state:
                    chosen = institution or state
                    assert chosen is not None
                    return _Who(
                        chosen, confidence="medium", basis=f"{role.group()} for {chosen.label}"
                    )
            return owner
        for m in mentions:
            return self._who_of_mention(m, "named as speaking")
        return None

    # --- Readouts --------------------------------------------------------------------------------

    def _find_readouts(self) -> tuple[list[int], list[Actor]]:
        """Readouts and statements whose owner is named ("a Pentagon readout", "China's
        readout", "a statement from the ministry"), for a later "the readout said"."""
        positions, owners = [], []
        for match in re.finditer(
            r"(?<![\w-])(?:readouts?|statements?|account)(?![\w-])", self.text
        ):
            if self.people._quoted(match.start()):
                continue
            # "a readout from the ministry", "the Chinese account, released by the foreign
            # ministry": who issued it, before the adjective in front of it
            owner = None
            after = re.match(
                r",?\s+(?:from|by|of|issued\s+by|released\s+by|carried\s+by)\s+",
                self.text[match.end() : match.end() + 24],
            )
            if after:
                end = match.end() + after.end()
                stop = _OWNER_STOP.search(self.text, end, min(len(self.text), end + 50))
                owner = self._phrase_owner(end, stop.start() if stop else end + 50)
            if owner is None:
                before = max(0, match.start() - 50)
                boundary = max(self.text.rfind(".", before, match.start()), before - 1)
                owner = self._phrase_owner(boundary + 1, match.start())
            if owner is None:  # "X said in a statement": X's
                said = re.search(
                    rf"(?:{_VERB_WORDS})\s+(?:\w+\s+)?in\s+an?\s+$",
                    self.text[max(0, match.start() - 40) : match.start()],
                )
                if said:
                    verb_at = (
                        match.start() - 40 + said.start() if match.start() >= 40 else said.start()
                    )
                    sentence = self.sentences.span(self.sentences.index(match.start()))
                    who = self._subject(sentence[0], max(sentence[0], verb_at))
                    owner = who.actor if who and who.actor else None
            if owner is not None:
                positions.append(match.start())
                owners.append(owner)
        return positions, owners

    def _phrase_owner(self, start: int, end: int) -> Actor | None:
        for m in reversed(self.index.within(start, end)):
            if m.kind == "actor" and m.target.kind != ActorKind.PERSON:
                return m.target
        institution, state = self.institutions.resolve(start, end)
        return institution or state

    def _readout_before(self, position: int) -> Actor | None:
        positions, owners = self.readouts
        index = bisect.bisect_left(positions, position) - 1
        return owners[index] if index >= 0 else None

    # --- Context ---------------------------------------------------------------------------------

    def _last_person(self, position: int) -> _Who | None:
        """The person a "he"/"she" at `position` stands for: in the nearest sentence before it
        that names a person, the first one who is not the object of a verb ("told Dong")."""
        index = self.sentences.index(position)
        for back in range(index, max(index - 5, -1), -1):
            start, end = self.sentences.span(back)
            end = min(end, position)
            start = max(start, end - _REACH)
            if end <= start:
                continue
            new = self.people.within(start, end)
            found: list[tuple[int, _Who]] = [
                (o_start, _Who(unmatched=name, confidence="low")) for o_start, _, name in new
            ]
            for m in self.index.within(start, end):
                if not self._is_person(m) or self._attributive(m):
                    continue
                if any(o_start <= m.start < o_end for o_start, o_end, _ in new):
                    continue  # "Wang" in "Wang Xuemeng" is not Wang Yi
                found.append((m.start, _Who(m.target, confidence="medium")))
            if not found:
                continue
            found.sort(key=lambda item: item[0])
            subjects = [
                who
                for at, who in found
                if not _OBJECT_BEFORE.search(self.text, max(0, at - 30), at)
            ]
            return (subjects or [who for _, who in found])[0]
        return None

    def _last_body(self, position: int) -> _Who | None:
        """The institution (else state) an "it" or an unnamed official stands for."""
        index = self.sentences.index(position)
        for back in range(index, max(index - 3, -1), -1):
            start, end = self.sentences.span(back)
            end = min(end, position)
            start = max(start, end - _REACH)
            nearby = [
                m
                for m in self.index.within(start, end)
                if m.kind == "actor" and m.target.kind in (ActorKind.INSTITUTION, ActorKind.STATE)
            ]
            for kind in (ActorKind.INSTITUTION, ActorKind.STATE):
                of_kind = [m for m in nearby if m.target.kind == kind]
                if of_kind:
                    return _Who(of_kind[-1].target, confidence="low")
        return None

    def _fill(self, who: _Who, position: int) -> _Who:
        """A pronoun or an unnamed role resolved from the text before it."""
        if not who.role:
            return who
        at = who.at if who.at >= 0 else position
        if who.role == "person":
            found = self._last_person(at)
            if found:
                name = found.actor.name if found.actor else found.unmatched
                found.basis = f"a pronoun after {name}"
                return found
            return _Who(basis="a pronoun with no person named before it")
        if who.role == "first":  # "we urge …" in a transcript: whoever has the floor
            turn = self._turn_at(at)
            if turn is not None:
                return turn
        if who.role in {"it", "official", "first"}:
            found = self._last_body(at)
            if found and found.actor is not None:
                what = "a pronoun" if who.role != "official" else who.basis
                found.basis = f"{what}; {found.actor.kind} named nearby"
                return found
        return _Who(basis=who.basis or "an unnamed speaker")

    # --- Quotes ----------------------------------------------------------------------------------

    def _tail(self, start: int, end: int) -> tuple[_Who | None, bool]:
        """A reporting phrase after the quote, and whether it names the speaker right after
        it ("…,” said X; “…,” X said). "According to" names a source, not a speaker: it comes
        second."""
        text = self.text
        lead = re.match(r"[\s,—–-]*", text[start : min(end, start + 10)])
        p = start + (lead.end() if lead else 0)
        inverted = _INVERTED.match(text, p, end)
        if inverted and not inverted.group().lower().startswith("according"):
            who = self._subject_after(inverted.end(), end)
            if who:
                return who, True
        window_end = min(end, p + 160)
        verb = _VERB.search(text, p, window_end)
        according = _ACCORDING.search(text, p, window_end)
        cue = min(
            (c for c in (verb, according) if c is not None), key=lambda c: c.start(), default=None
        )
        if cue is None or _TAIL_BOUNDARY.search(text, p, cue.start()):
            return None, False
        if cue is according:
            return self._subject_after(cue.end(), end), False
        words = len(text[p : cue.start()].split())
        who = self._subject(p, cue.start()) if words <= 12 else None
        if who is None and words == 0 and re.match(r"\s+[A-Z]", text[cue.end() : cue.end() + 2]):
            who = self._subject_after(cue.end() + 1, end)  # “…,” says Lin
        return who, who is not None and words <= 14

    def _clause(self, start: int, end: int) -> int:
        start = max(start, end - _REACH)  # a clause is not longer than that
        clause = start
        for match in _BOUNDARY.finditer(self.text, start, end):
            if not self.people._quoted(match.start()):
                clause = match.end()
        return clause

    def _head(self, start: int, end: int) -> _Who | None:
        """The last reporting cue before the quote in its clause, and its subject."""
        text = self.text
        clause = self._clause(start, end)
        cues: list[tuple[int, str, re.Match]] = []
        cues += [(m.start(), "verb", m) for m in _VERB.finditer(text, clause, end)]
        cues += [(m.start(), "after", m) for m in _ACCORDING.finditer(text, clause, end)]
        cues += [(m.start(), "after", m) for m in _NOUN_FROM.finditer(text, clause, end)]
        # "his assertion that “…”", "Hegseth’s remarks: “…”" — the noun right before the quote
        cues += [
            (m.start(), "possessor", m)
            for m in _POSSESSOR.finditer(text, clause, end)
            if _NOUN_TO_QUOTE.fullmatch(text[m.end() : end])
        ]
        for at, how, match in sorted(cues, key=lambda c: c[0], reverse=True):
            if self.people._quoted(at):
                continue
            who = None
            if how == "verb":
                if relative := _RELATIVE_SPEAKER.search(text, max(clause, at - 20), at):
                    # "rejected what it called …": the subject of the clause speaks.
                    if relative.group("pronoun") in {"it", "they"}:
                        who = self._clause_subject(clause, at, people=False)
                    if who is None:
                        continue
                elif match.group().endswith("ing") or re.search(r"\bto\s+$", text[at - 4 : at]):
                    # "Hegseth met X, vowing to …", "used a panel to accuse …": the clause's subject
                    who = self._clause_subject(clause, at) or self._subject(clause, at)
                else:
                    if match.group() in {"informed", "assured"} and not _TELLING_THAT.match(
                        text, at, end
                    ):
                        continue
                    who = self._subject(clause, at)
                    if who is None and re.search(r"(?:,\s*|\s)and\s*$", text[clause:at]):
                        # "The Secretary raised concerns …, and underscored …"
                        who = self._clause_subject(clause, at)
                if who is None and _INVERTED.match(text, at):
                    who = self._subject_after(match.end() + 1, end)
            elif how == "after":
                who = self._subject_after(match.end(), end)
            elif match.group("pronoun"):
                pronoun = match.group("pronoun").lower()
                role = "it" if pronoun in {"its", "their"} else "person"
                who = _Who(role=role, at=match.start())
            else:
                who = self._subject(clause, match.start())
            if who is not None:
                return who
        return None

    def _clause_subject(self, start: int, end: int, *, people: bool = True) -> _Who | None:
        """The subject at the start of a clause: a pronoun, else the first person (else
        institution or state) named near its start that is no verb's object or possessor."""
        text = self.text
        lead = re.match(r"[\s,“”\"'‘’]*(?:(?:and|but|while|whereas)\s+)?", text[start:end])
        begin = start + (lead.end() if lead else 0)
        if re.match(r"(?:He|She|he|she)\s", text[begin : begin + 4]):
            return _Who(role="person", at=begin) if people else None
        if re.match(r"(?:I|We|we)\s", text[begin : begin + 3]):
            return _Who(role="first", at=begin)
        if title := re.match(r"[Tt]he\s+(\w+)", text[begin : begin + 20]):
            bare = _BARE_TITLE.search(f"the {title.group(1)}")
            if bare and (holder := self._title_holder(bare.group("title"), begin)):
                return holder
        reach = min(end, begin + 70)
        new = self.people.within(begin, reach)
        candidates: list[tuple[int, _Who]] = [
            (m.start, self._who_of_mention(m, "as the subject of the clause"))
            for m in self.index.within(begin, reach)
            if m.kind == "actor"
            and not self._attributive(m)
            and not self._possessive(m)
            and not any(o_start <= m.start < o_end for o_start, o_end, _ in new)
        ]
        if people:
            candidates += [
                (at, self._unmatched(name)) for at, _, name in self.people.within(begin, reach)
            ]
        else:
            candidates = [c for c in candidates if c[1].actor and c[1].actor.kind != "person"]

        def order(item: tuple[int, _Who]) -> tuple[bool, int]:
            at, who = item
            return (who.actor is not None and who.actor.kind != ActorKind.PERSON, at)

        # People first: "US Defense Secretary Pete Hegseth met …" is Hegseth's clause.
        for at, who in sorted(candidates, key=order):
            if not _OBJECT_BEFORE.search(text, max(begin, at - 30), at):
                return who
        return None

    def resolve(self, number: int, previous: dict | None) -> _Who:
        """The speaker of quote `number`; `previous` is the result for the quote before."""
        quote = self.quotes[number]
        index = self.sentences.index(quote.start)
        here = self.sentences.span(index)
        here = (min(here[0], quote.start), max(here[1], quote.end))
        after = self.quotes[number + 1] if number + 1 < len(self.quotes) else None
        ceiling = after.start if after is not None and after.start < here[1] else here[1]

        tail, direct = self._tail(quote.end, ceiling)
        if direct and tail is not None and (tail.named or tail.role in {"person", "first"}):
            return self._fill(tail, quote.start)
        head = self._head(max(here[0], quote.start - _REACH), quote.start)
        for who in (head, tail):
            if who is not None and (who.named or who.role):
                filled = self._fill(who, quote.start)
                if filled.named or who is tail or tail is None:
                    return filled
        return self._context(quote, index, here, previous)

    def _context(self, quote: _Quote, index: int, here: tuple[int, int], previous) -> _Who:
        """No reporting cue in the quote's clause: what the text around it suggests."""
        if turn := self._turn_at(quote.start):
            return turn
        # Only what is near the quote, however long its sentence runs.
        here = (max(here[0], quote.start - _REACH), min(here[1], quote.end + _REACH))
        # "X rejected “…” and said …": the second verb shares the first one's subject.
        if (
            previous
            and previous.get("_sentence") == index
            and re.match(
                r"[\s,”\"’']*(?:and|but|,)\s+[a-z]", self.text[previous["_end"] : quote.start]
            )
            and (previous["speaker_id"] or previous.get("unmatched_speaker"))
        ):
            actor = (
                self.known.actors.get(previous["speaker_id"]) if previous["speaker_id"] else None
            )
            return _Who(
                actor,
                unmatched=previous.get("unmatched_speaker", ""),
                confidence="medium" if actor else "low",
                basis="the subject of the quote before it, whose verb this one shares",
            )
        # A quote that opens its sentence continues the quote before it ("…," Hegseth said.
        # "We will …").
        if previous and previous.get("_sentence", -9) in (index, index - 1):
            opening = self.text[here[0] : quote.start].strip()
            same_paragraph = (
                previous["_runs_on"] or "\n" not in self.text[previous["_end"] : quote.start]
            )
            if (
                not opening
                and same_paragraph
                and (previous["speaker_id"] or previous.get("unmatched_speaker"))
            ):
                actor = (
                    self.known.actors.get(previous["speaker_id"])
                    if previous["speaker_id"]
                    else None
                )
                return _Who(
                    actor,
                    unmatched=previous.get("unmatched_speaker", ""),
                    confidence="medium" if actor else "low",
                    basis="continues the quote before it",
                )

        def distance(start: int, end: int) -> int:
            return quote.start - end if end <= quote.start else max(start - quote.end, 0)

        previous_span = self.sentences.span(index - 1) if index > 0 else (0, 0)
        people = [
            m for m in self.index.within(*here) if self._is_person(m) and not self._attributive(m)
        ]
        if people:
            best = min(people, key=lambda m: distance(m.start, m.end))
            return _Who(
                best.target, confidence="medium", basis="nearest person in the same sentence"
            )
        earlier = [
            m
            for m in self.index.within(*previous_span)
            if self._is_person(m) and not self._attributive(m)
        ]
        if earlier:
            return _Who(
                earlier[-1].target,
                confidence="medium",
                basis="person named in the preceding sentence",
            )
        for span in (here, previous_span):
            for m in sorted(self.index.within(*span), key=lambda m: distance(m.start, m.end)):
                if m.kind == "office" and (holder := self._holder(m)):
                    return _Who(
                        holder, confidence="low", basis=f"holder of {m.target.title}, named nearby"
                    )
        for span in (here, previous_span):
            nearby = [
                m for m in self.index.within(*span) if m.kind == "actor" and not self._is_person(m)
            ]
            for kind in (ActorKind.INSTITUTION, ActorKind.STATE):
                of_kind = [m for m in nearby if m.target.kind == kind]
                if of_kind:
                    best = min(of_kind, key=lambda m: distance(m.start, m.end))
                    return _Who(
                        best.target, confidence="low", basis=f"{kind} named nearby; no person found"
                    )
        return _NOBODY

    # --- Paraphrases -----------------------------------------------------------------------------

    def paraphrases(self) -> list[Suggestion]:
        """Attributed paraphrases: "X said (that) …", "X told reporters that …", "according
        to X, …" — the reported clause to the end of its sentence. A clause that runs into a
        quotation is offered only when it says something before it (eight words or more), and
        a clause that follows a quotation with "and that …" is offered too. "…, the ministry
        said." closes a report of events, not of anyone's words, and is not offered."""
        text, found = self.text, []
        for s_start, s_end in self.sentences.spans:
            sentence = text[s_start:s_end]
            first_quote = bisect.bisect_left(self.quote_starts, s_start)
            quotes_here = [
                q for q in self.quotes[first_quote : first_quote + 50] if q.start < s_end
            ]
            body_end = s_end - (len(sentence) - len(sentence.rstrip(".!? ")))
            subject, span = self._reported(s_start, s_end, body_end)
            if subject is None and (match := _PARAPHRASE_LEAD.match(sentence)):
                subject = self._subject_after(s_start + match.end("cue"), s_start + match.end("np"))
                span = (s_start + match.end(), body_end)
            if subject is None or span is None:
                continue
            spans = []
            start, end = span
            before_quote = [q for q in quotes_here if start < q.start < end]
            if not before_quote or len(_words(text[start : before_quote[0].start])) >= 8:
                spans.append((start, end))
            # "…said it was “not cutting off” contacts and that embassies … continued":
            # the reported speech goes on after the quotation.
            if quotes_here:
                last = quotes_here[-1].end
                more = _AND_THAT.match(text, last, s_end)
                if more and len(_words(text[more.end() : body_end])) >= 4:
                    spans.append((more.end(), body_end))
            if subject.role in {"other", "official"} and not subject.named:
                continue  # "analysts said …", "diplomats in the region noted …": no one to record
            who = self._fill(subject, start)
            for start, end in spans:
                while end > start and text[end - 1] in " ,;:—–-":
                    end -= 1
                if len(_words(text[start:end])) < 3:
                    continue
                value = {
                    "paraphrase": text[start:end],
                    "sentence": sentence,
                    "sentence_start": s_start,
                    "sentence_end": s_end,
                    **who.as_value(),
                }
                found.append(Suggestion("paraphrase", text[start:end], start, end, value))
        return found

    def _reported(self, s_start: int, s_end: int, body_end: int):
        """The first "X said (that) CLAUSE" of a sentence: (speaker, clause span)."""
        text = self.text
        for verb in _PARAPHRASE_VERB.finditer(text, s_start, s_end):
            if self.people._quoted(verb.start()):
                continue
            negated = r"(?<![\w-])(?:not|n[’']t|never)\s+(?:\w+\s+)?$"
            if re.search(negated, text[max(s_start, verb.start() - 20) : verb.start()]):
                continue
            subject = self._subject(self._clause(s_start, verb.start()), verb.start())
            if subject is None or subject.role == "first":
                continue  # "We have noted that …" in a transcript is no report
            addressee = _ADDRESSEE if verb.group() in _TELLING else ""
            clause = re.compile(addressee + _REPORTED_CLAUSE).match(text, verb.end(), s_end)
            if clause is None:
                continue
            # "announced the postponement": a verb that also takes a plain object reports a
            # clause only with "that".
            lead = text[verb.end() : clause.start("clause")]
            if verb.group() not in _CLAUSE_VERBS and not re.search(r"\bthat\b", lead):
                continue
            return subject, (clause.start("clause"), body_end)
        return None, None


# Where "released by the foreign ministry" stops naming who released it.
_OWNER_STOP = re.compile(r"[,.;]|\s(?:a|an|on|in|at|after|before|last|this|late|early)\s|\s\d")
_NP_STOP = re.compile(
    r"\([^)]{0,20}\)|[,.;:!?“”\"]|\s(?:in|at|on|after|before|during|when|while|as|who)\s"
)
_PARAPHRASE_VERB = re.compile(
    r"(?<![\w-])(?:said|says|(?<!little\s)(?<!no\s)(?<!a\s)(?<!any\s)say|told|tells|added|noted|stressed|warned|insisted|argued|stated"
    r"|announced|confirmed|explained|acknowledged|claimed|maintained|reiterated|reaffirmed"
    r"|emphasi[sz]ed|asserted|cautioned|relayed|assured|informed|made\s+clear|underscored)(?![\w-])"
)
_TELLING = {"told", "tells", "relayed", "assured", "informed"}
# Verbs whose report may follow without "that" ("said the talks went well").
_CLAUSE_VERBS = {"said", "says", "say", "added", "warned", "insisted", "argued", "claimed",
                 "maintained", "asserted", "tells", "told"}  # fmt: skip
# Whom "told"/"assured"/… addresses, up to "that" ("told reporters aboard Air Force One that").
_ADDRESSEE = r"(?:\s+(?:to\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,9}?(?=\s+that\s))"
# After the verb: an adverbial up to "that" ("said on Tuesday that"), or a clause that starts
# as clauses do (not an adverbial, not an indirect question).
_REPORTED_CLAUSE = (
    r"(?:(?:\s+(?:on|in|at|during|after|before|last|this|late|early|earlier|later|separately"
    r"|also|again|repeatedly|publicly|privately|afterwards|today|yesterday|only|only\s+that)"
    r"(?:\s+[\w’'-]+){0,4}?)?\s+that)?\s+"
    r"(?P<clause>(?!(?:in|on|at|after|before|during|when|while|as|so|nothing|little|this"
    r"|of|for|with|from|by|to|a\s+day|earlier|later|last|next|how|whether|why|what|where|who"
    r"|which|if)\b)[A-Za-z])"
)
_AND_THAT = re.compile(r"[^.;“\"‘]{0,60}?\band\s+that\s+")
_PARAPHRASE_LEAD = re.compile(r"^(?P<cue>[Aa]ccording\s+to\s+)(?P<np>[^,.;]{2,80}),\s+")

# --- Suggestions ---------------------------------------------------------------------------------

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


def _not_speech(text: str, quote: _Quote, content: str, cued: bool, spoken: bool) -> bool:
    """Quotation marks around a term or a title rather than anyone's words."""
    before = text[max(0, quote.start - 40) : quote.start]
    after = re.match(r"\s+([a-z]+)", text[quote.end : quote.end + 20])
    words = _words(content)
    if _TERM_BEFORE.search(before) or re.match(r"so-called\b", content, re.IGNORECASE):
        return True  # "the so-called “hotline”", a “so-called reset”
    determiner = len(words) <= 2 and bool(_DETERMINER_BEFORE.search(before))
    if determiner and after and after.group(1) not in _FUNCTION_WORDS:
        return True  # a quoted word used as a modifier: "its “reset” plan"
    if cued or _CUE_JUST_BEFORE.search(before):
        return False
    # A quoted Capitalised Title with no speech verb: a document, an initiative, a slogan.
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    if (
        len(words) >= 2
        and big
        and all(w[0].isupper() for w in big)
        and not re.search(r"[.!?;:]", content)
        and ("," not in content or len(big) >= 4)  # "Upholding Order, Promoting Peace"
    ):
        return True
    # A short quote after "the"/"a" in a sentence where nobody says anything: "the “hotline”
    # has never rung".
    return determiner and after is not None and not spoken


_FUNCTION_WORDS = {
    "after", "before", "at", "in", "on", "for", "to", "with", "by", "and", "or", "but", "of",
    "from", "during", "when", "while", "as", "that", "which", "is", "was", "were", "are", "has",
    "had", "have", "will", "would", "could", "should", "can", "may", "might", "must", "did",
    "does", "do", "not", "because", "if", "than", "since", "until", "between", "against",
    "over", "into", "about", "despite", "amid", "without", "this", "last", "next",
}  # fmt: skip


def _denial(text: str, quote: _Quote, floor: int) -> str:
    """The words of the quote's clause that deny or reject it ("" when none). The cue may lie
    in an earlier quotation ("“not seeking” a “new Cold War”"), never in this one."""
    start = max(floor, quote.start - 100)
    clause = start
    for match in _BOUNDARY.finditer(text, start, quote.start):
        clause = match.end()
    cue = None
    for match in _DENIAL.finditer(text, clause, quote.start):
        cue = match
    after = re.match(r"\s+([a-z]+)", text[quote.end : quote.end + 20])
    if cue is not None:
        between = text[cue.end() : quote.start]
        negation = bool(_NEGATION.match(cue.group()))
        if not negation and _OWN_VERDICT.search(between):
            return ""  # "dismissed the talks as “empty words”": the speaker's own verdict
        if not negation and re.search(r"[“\"‘]", between):
            return ""  # "reject “hegemonic” behaviour and “bloc politics”": the first is its object
        if (
            not negation
            and not between.strip(" “\"‘'")
            and after
            and after.group(1) not in _FUNCTION_WORDS
        ):
            return ""  # "should reject “hegemonic” behaviour": the speaker's own adjective
        too_far = len(between.split()) > (5 if negation else 10)
        blocked = _DENIAL_BLOCK.search(between) or (negation and re.search(r"\band\b", between))
        if not too_far and not blocked:
            phrase_start = cue.start()
            if negation:  # "isn't aiming for", "is not seeking": the verb before "not" too
                attached = (
                    r"\w*$"
                    if cue.group()[0] == "n" and cue.group() != "not"
                    else r"(?:[\w’'-]+\s+)?$"
                )
                aux = re.search(attached, text[max(clause, cue.start() - 20) : cue.start()])
                phrase_start -= len(aux.group()) if aux else 0
            return " ".join(text[phrase_start : quote.start].split()).strip(" ,“\"‘'")
    if tail := _TAIL_DENIAL.match(text, quote.end, min(len(text), quote.end + 40)):
        return " ".join(tail.group().split()).strip(" ,.”\"’'")
    return ""


def _quote_suggestions(text: str, quotes: list[_Quote], speakers: _Speakers) -> list[Suggestion]:
    """Statements and characterisations from the quotations, paraphrases, and new people."""
    suggestions = []
    previous: dict | None = None
    sentences = speakers.sentences
    for number, quote in enumerate(quotes):
        start, end = quote.inner_start, quote.inner_end
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        content = text[start:end]
        if not content:
            continue
        index = sentences.index(quote.start)
        s_start, s_end = sentences.span(index)
        s_start, s_end = min(s_start, quote.start), max(s_end, quote.end)
        sentence: dict = {
            "sentence": text[s_start:s_end],
            "sentence_start": s_start,
            "sentence_end": s_end,
        }
        engagement_words = _characterisation_words(text, quote, content)
        if engagement_words:
            who = speakers.resolve(number, previous)
            value: dict = {"words": content, "engagement_words": engagement_words}
            value.update(who.as_value())
            value.update(sentence)
            suggestions.append(Suggestion("characterisation", content, start, end, value))
            continue
        tail, _ = speakers._tail(quote.end, s_end)
        cued = tail is not None
        spoken = any(
            not speakers.people._quoted(m.start())
            for m in _VERB.finditer(
                text, max(s_start, quote.start - _REACH), min(s_end, quote.end + _REACH)
            )
        )
        if _not_speech(text, quote, content, cued, spoken):
            continue
        who = speakers.resolve(number, previous)
        short = len(_words(content)) <= 2
        value = {"quote": content, **sentence, **who.as_value(short=short)}
        value["short"] = short
        cue = _denial(text, quote, s_start)
        value["denied"] = bool(cue)
        flag = ""
        if cue:
            value["denial_cue"] = cue
            flag = (
                f"Reported as denied: “{cue} …” — the speaker rejects these words; "
                "no stance by default."
            )
        suggestions.append(Suggestion("statement", content, start, end, value, flag))
        previous = {**value, "_sentence": index, "_end": quote.end, "_runs_on": quote.runs_on}
    suggestions += speakers.paraphrases()
    suggestions += speakers.people.suggestions(sentences, speakers.index)
    return suggestions
