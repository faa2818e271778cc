"""Quotations and who said them: statements and characterisations of meetings."""

import bisect
import re
from dataclasses import dataclass

from events.intake.mentions import _Intervals, _Mention, _words
from events.intake.suggestions import Suggestion
from events.models import Actor
from events.vocabularies import ActorKind

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
