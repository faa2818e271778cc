"""Date expressions in an article, resolved against its publication date.

Reporters rarely write a full date. Besides "17 September 2025" they write the weekday ("on
Tuesday", "last Friday"), a day or period counted from the day of writing ("yesterday", "last
week", "later this year", "in recent weeks"), a day without its year ("Sept 9") or a step from a
date named before ("ten days earlier"). Each is resolved here the way a careful reader of news copy
would, and each suggestion says how (`value["reasoning"]`, one sentence) and keeps its precision
(a month stays a month). When a careful reader could not tell — "next Friday" written on a
Monday, a weekday in a sentence without tense — the value covers every candidate and is flagged
`ambiguous`: no day is invented.

The rules, and why:

- The reader's "today" is the publication date. A weekday named without "last"/"next" is the
  publication day itself when it is the publication's weekday (wire copy filed on a Tuesday says
  "said on Tuesday"); otherwise the tense of its clause decides: past → the one just before
  publication, future → the one just after, no tense → both, flagged.
- "last Tuesday" is the Tuesday of the previous week (Monday to Sunday), "next Tuesday" the one of
  the following week — what reporters mean, since this week's days are written bare. When this
  week's Tuesday is also on that side of publication ("last Tuesday" on a Thursday), a reader
  could take either: both, flagged.
- A day or month without a year is read in the year before, of or after publication: the
  nearest to publication, where a reading against the clause's tense (a past tense for a date
  after publication) costs ten months for a past clause and six for a future one, and leaving
  the publication year costs four (style books drop the year only for the current one). So "met
  on 20 December" written on 5 January is last December, "will meet in March" written in
  September is next March, and a forward sentence about a date a few weeks gone keeps it and is
  flagged as a stale plan rather than moved a year ahead.
- "N days later/earlier", "the day before", "later that evening" count from the last day named
  before them in the text, "the following year" from the last date of a year or finer; with
  none, from publication, flagged ("the previous/following week" unflagged: reporters also use
  it for the week before publication). "two days after the collision" dates the collision: two
  days before the day named before it.
- Vague periods ("in recent weeks", "in the coming weeks", "within weeks") are ranges ending or
  starting at publication, flagged as ambiguous: their length is a convention, not what the
  report says. Seasons are the meteorological ones of the northern hemisphere.
- The forward-looking flag (an expected date already over) is raised only when the clause around
  the date is not itself in the past tense.
- A dateline ("BEIJING, Sept 12 (Wire) –") is marked as one, and flagged when its day is not the
  publication date, since every relative date is read from the latter.

Tense is read locally: the nearest tense cue (a past verb, "will", "is set to", "to meet", …) in
the clause around the date, a cue just before the date winning over one after it, since English
puts a time adverbial after the verb it modifies ("met on Tuesday", "agreed on Friday to meet").
Every look is bounded (a clause of at most a few hundred characters), so the whole pass stays
linear in the length of the text.
"""

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from events.fuzzydates import MONTH_NAMES, FuzzyDate, FuzzyDateError, Precision
from events.intake.suggestions import Suggestion
from events.text import Sentences

# --- Absolute dates ------------------------------------------------------------------------------

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
_DATE = re.compile(
    r"(?=[A-Za-z0-9])(?<!\w)(?:"  # the lookahead first: a cheap test at every position
    rf"(?P<between>[Bb]etween\s+(?:{_PLAIN_SINGLE}|{_DAY})\s+and\s+{_PLAIN_SINGLE})"
    rf"|(?P<from>[Ff]rom\s+(?:{_PLAIN_SINGLE}|{_DAY})\s+(?:to|until|till|through|[–—-])\s+"
    rf"{_PLAIN_SINGLE})"
    rf"|(?P<day_span>{_DAY}{_SEPARATOR}{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR_OPT})"
    # "on 9 and 10 September": both days, so the span between them.
    rf"|(?P<day_and>{_DAY}\s+and\s+{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR_OPT})"
    rf"|(?P<month_day_and>{_MONTH}\s+{_DAY}\s+and\s+{_DAY}{_YEAR_OPT})"
    rf"|(?P<month_day_span>{_MONTH}\s+{_DAY}{_SEPARATOR}{_DAY}{_YEAR_OPT})"
    rf"|(?P<pair>(?P<pair_a>{_SINGLE.replace('bare_month', 'bare_a')}){_SEPARATOR}"
    rf"(?P<pair_b>{_SINGLE.replace('bare_month', 'bare_b')}))"
    rf"|(?P<single>{_SINGLE})"
    r")"
)
_SINGLE_ONLY = re.compile(rf"(?P<single>{_SINGLE})")
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# "his April trip", "Hegseth's May speech": a month between a determiner and a noun.
_MONTH_DETERMINER = re.compile(r"(?:['’]s|(?<!\w)(?:the|his|her|its|their|our))\s+$", re.IGNORECASE)
_NOUN_AFTER = re.compile(r"\s+[a-z]{3,}")
_MONTH_PREPOSITIONS = {
    "in", "by", "since", "until", "till", "through", "from", "before", "after", "during", "of",
    "to", "early", "mid", "late", "this", "last", "next", "that", "for", "and", "or",
}  # fmt: skip
# The flag for an expected date that is already over: any forward word in the sentence before the
# date or just after it, unless a past marker ("recent", "last") stands right before the date.
_FORWARD = re.compile(
    r"\b(?:will|would|shall|anticipated|anticipates|anticipating|expected|expects|expecting"
    r"|planned|plans|planning|proposed|scheduled|forthcoming|upcoming|potentially|could|might"
    r"|slated|intends|intended|set\s+to|due\s+to)\b",
    re.IGNORECASE,
)
_PAST_MARK = re.compile(r"\b(?:recent|recently|last|past|previous|since|earlier)\W+(?:\w+\W+)?$")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = "|".join(_WEEKDAY_NAMES)
# "Tuesday, September 9, 2025": the weekday belongs to the date after it.
_WEEKDAY_BEFORE = re.compile(rf"(?<![\w-])(?P<wd>{_WEEKDAY})(?:,\s*|\s+(?:the\s+)?)$")
# A dateline opens a line: "BEIJING, Sept 12 (Wire) –", "WASHINGTON, 10 September 2025 —".
_DATELINE_BEFORE = re.compile(
    r"(?:^|\n)[ \t]*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w.' -]{0,30})?,\s*$"
)
_DATELINE_AFTER = re.compile(r"\s*(?:\([^()\n]{1,40}\)\s*)?[-–—]")


def _distance(value: FuzzyDate, published: date) -> int:
    """Days between `published` and the nearest day of `value` (0 when it holds it)."""
    if value.earliest > published:
        return (value.earliest - published).days
    if value.latest < published:
        return (published - value.latest).days
    return 0


def _wrong_side(value: FuzzyDate, published: date, direction: str | None) -> bool:
    """Whether `value` contradicts the tense: wholly after publication in a past clause, wholly
    before it in a future one."""
    return (direction == "past" and value.earliest > published) or (
        direction == "future" and value.latest < published
    )


# A reading on the wrong side of publication costs this many days, so it wins only when the other
# reading is that much further away. A past event may be most of a year old (style books drop the
# year only for the current one), so a past tense is honoured up to about ten months back; a
# future reading is taken up to six months ahead, beyond which a forward sentence about a date
# just gone is likelier a stale plan (which the forward flag reports) than next year's.
_WRONG_SIDE_COST = {"past": 300, "future": 183}
# Style books drop the year only for the current one: another year's reading must be this much
# nearer to win ("in December" written on 5 January is last December; "May" written in December,
# with no tense to go by, is this May).
_OTHER_YEAR_COST = 120


class _NoSuchDate(Exception):
    """A well-formed date the calendar does not have ("31 June"): no suggestion, and no
    rereading its pieces as other dates."""


@dataclass
class _Found:
    """One date expression: its span, its value, how it was read and what the editor must check."""

    start: int
    end: int
    value: FuzzyDate | None = None
    reasoning: str = ""
    ambiguous: bool = False
    relative: bool = False
    flag: str = ""
    extra: dict = field(default_factory=dict)
    # Relative expressions are resolved in reading order, since some count from the date before.
    resolve: Callable[["_Context", "_Found"], None] | None = None


def _quoted(text: str) -> str:
    return f"“{' '.join(text.split())}”"


def _long_day(day: date) -> str:
    return f"{_WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month]} {day.year}"


# --- Tense ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?(?:-[A-Za-z]+)*")
_CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|—|\(|\)|\n|,\s+(?:while|but|whereas|though|although|even\s+as)\b"
)
_QUOTE_MARK = re.compile(r"[“”\"]")
_CLAUSE_REACH = 220  # characters looked at on either side of a date, at most
_FUTURE_WORDS = {
    "will", "shall", "won't", "wont", "would", "could", "might", "upcoming", "forthcoming",
    "tomorrow", "soon", "later", "next", "coming",
}  # fmt: skip
# Forward when they are the verb ("talks are scheduled for"); after "was"/"had" they report a plan
# made in the past, which says nothing about where the date lies.
_PLAN_WORDS = {
    "scheduled", "slated", "planned", "plans", "plan", "planning", "expected", "expects",
    "expect", "expecting", "intends", "intend", "intended", "aims", "hopes", "hope", "due",
    "set", "proposes", "proposing", "preparing", "prepares", "poised", "supposed", "going",
    "anticipated", "anticipates",
}  # fmt: skip
# "to meet on Friday": an infinitive of these looks ahead of the verb that governs it.
_INFINITIVES = {
    "meet", "visit", "hold", "travel", "speak", "talk", "discuss", "attend", "resume", "sign",
    "host", "call", "begin", "start", "return", "announce", "decide", "vote", "open", "launch",
    "convene", "sit", "fly", "go", "join", "reopen", "restart", "continue", "be", "have", "make",
    "take", "raise", "present", "release", "publish", "deliver", "see", "receive",
}  # fmt: skip
_PAST_WORDS = {
    "was", "were", "had", "did", "wasn't", "weren't", "hadn't", "didn't", "been", "ago",
    "recently", "previously", "since", "yesterday", "last", "earlier", "said", "told", "met",
    "spoke",
    "held", "made", "took", "gave", "came", "went", "saw", "sent", "left", "began", "led", "won",
    "lost", "struck", "broke", "chose", "flew", "fell", "felt", "found", "got", "heard", "kept",
    "knew", "meant", "paid", "ran", "rose", "sat", "shook", "sought", "stood", "thought",
    "threw", "understood", "wrote", "brought", "bought", "caught", "fought", "taught", "withdrew",
    "became", "spent", "drew", "grew", "swore", "tore", "woke", "forgot", "forgave", "overtook",
    "undertook", "upheld", "withheld", "arose", "bore", "dealt", "laid", "lent", "slept",
    "spoken", "taken", "given", "written", "begun", "gone", "seen", "known", "shown", "done",
}  # fmt: skip
# Words ending in -ed that are rarely a past verb in news copy.
_NOT_PAST_ED = {
    "united", "limited", "armed", "advanced", "detailed", "related", "based", "concerned",
    "interested", "supposed", "used", "so-called", "alleged", "aged", "biased", "heated",
    "divided", "skilled", "sacred", "naked", "wicked", "beloved", "hundred", "kindred",
    "embed", "unprecedented", "expected", "scheduled", "planned", "slated",
    "intended", "anticipated", "renewed", "heightened", "sustained", "coordinated",
    "sophisticated", "complicated", "dedicated", "talked-about", "unnamed", "named",
    "unidentified", "authorised", "authorized", "indeed", "proceed", "succeed", "exceed",
    "breed", "speed", "steed", "greed", "tweed",
}  # fmt: skip
_ATTRIBUTIVE = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "our"}
# The present tense says nothing of where a date lies: "takes effect on Monday" is ahead,
# "Pentagon chief holds call" (a headline) is behind. As the nearest cue it leaves both open.
_PRESENT_WORDS = {  # verbs seldom used as nouns ("talks", "visits" and "hosts" are)
    "is", "are", "takes", "begins", "starts", "opens", "closes", "resumes", "arrives", "leaves",
    "travels", "meets", "holds", "expires", "convenes", "says", "tells", "speaks", "flies",
    "comes", "goes", "enters", "lands", "departs",
}  # fmt: skip
_DATE_WORDS = {
    "week", "month", "year", "weekend", "night", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "spring", "summer", "autumn", "fall", "winter",
}  # fmt: skip
_REPORTING = {"said", "told", "added", "says", "tells", "announced", "according", "reported"}
_HELD_BACK = {"was", "were", "had"}  # "was due to", "had planned to": a plan made in the past


def _cue(tokens: list[str], index: int) -> str | None:
    """The tense `tokens[index]` points to: "past", "future", "neutral" or None (no cue)."""
    word = tokens[index].lower().replace("’", "'")
    before = tokens[index - 1].lower() if index > 0 else ""
    after = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
    if word in _PLAN_WORDS:
        if word in {"set", "due", "going", "supposed"} and after not in {
            "to", "for", "on", "in", "back", "at",
        }:  # fmt: skip
            return None
        return "neutral" if before in _HELD_BACK or before == "been" else "future"
    if word in {"was", "were"} and after in _PLAN_WORDS:
        return "neutral"
    if word.endswith("'ll") or word in _FUTURE_WORDS or tokens[index] == "may":
        return "future"
    if word == "to" and after in _INFINITIVES:
        # "was due to travel", "had planned to meet": a past plan, wherever the date lies.
        held_back = index > 1 and tokens[index - 2].lower() in _HELD_BACK
        return "neutral" if held_back and before in _PLAN_WORDS else "future"
    if word in {"is", "are", "am"} and after.endswith("ing") and len(after) > 5:
        return "future"  # "is travelling to Beijing on Friday": a plan
    if (
        word in {"is", "are"}
        and after.endswith("ed")
        and "for" in (t.lower() for t in tokens[index + 2 : index + 4])
    ):
        return "future"  # "is pencilled in for April", "are planned for May": a plan
    if word == "be":
        return "future"  # "will be held", "to be held", "could be signed"
    if word in _PRESENT_WORDS:
        return "neutral"
    if before in {"be", "being", "is", "are", "am"}:
        return None  # "will be held", "is pencilled in": the auxiliary before it says the tense
    if word in {"last", "next"} and after in _DATE_WORDS:
        return None  # part of another date ("signed last Thursday"), not a tense
    if word in _PAST_WORDS:
        return "past"
    if (
        len(word) >= 5
        and word.endswith("ed")
        and "-" not in word
        and word not in _NOT_PAST_ED
        and tokens[index][0].islower()
        and before not in _ATTRIBUTIVE
    ):
        return "past"
    return None


def _clause(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The clause around text[start:end]: its sentence, cut at the nearest clause breaks and at
    most `_CLAUSE_REACH` characters either side."""
    left = max(sentence[0], start - _CLAUSE_REACH)
    right = min(sentence[1], end + _CLAUSE_REACH)
    for cut in _CLAUSE_BREAK.finditer(text, left, start):
        left = cut.end()
    if cut_after := _CLAUSE_BREAK.search(text, end, right):
        right = cut_after.start()
    # Quoted words keep their own tense ("“We meet on Monday,” he said"): a date inside a
    # quotation looks only within it. Marks are counted from the sentence's start.
    marks = _QUOTE_MARK.findall(text, sentence[0], start)
    opened = marks.count("“") > marks.count("”") or marks.count('"') % 2 == 1
    if opened:
        for cut in _QUOTE_MARK.finditer(text, left, start):
            left = cut.end()
        if cut_after := _QUOTE_MARK.search(text, end, right):
            right = cut_after.start()
    return left, max(right, end)


def _tense(text: str, sentences: Sentences, start: int, end: int) -> tuple[str | None, str]:
    """("past" | "future" | None, the cue word) for the clause around text[start:end]: the
    nearest cue wins. Before the date a cue counts as two words nearer than after it, since a
    time adverbial usually follows its verb; a reporting verb after the date ("…talks in Manila
    in January, the spokesman said") counts only when nothing else does, since it tells when
    the words were said, not when the talks are."""
    left, right = _clause(text, sentences.span(sentences.index(start)), start, end)
    before = _TOKEN.findall(text, left, start)
    after = _TOKEN.findall(text, end, right)
    tokens = [*before, "\x00", *after]  # the date itself stands between them
    gap = len(before)  # the date's index in `tokens`
    # Candidates in order of score: the word k places before the date scores k - 2, the one k
    # places after scores k, so the scan stops at the first cue.
    for score in range(-2, max(len(before) - 2, len(after)) + 1):
        for index in (gap - 3 - score, gap + 1 + score):
            if not (0 <= index < len(tokens)) or index == gap:
                continue
            if index > gap and tokens[index].lower() in _REPORTING:
                continue
            if (cue := _cue(tokens, index)) is not None:
                words = _cue_words(tokens, index)
                return (None, words) if cue == "neutral" else (cue, words)
    for index in range(gap + 1, len(tokens)):  # only a reporting verb after the date is left
        if (cue := _cue(tokens, index)) is not None:
            words = _cue_words(tokens, index)
            return (None, words) if cue == "neutral" else (cue, words)
    return None, ""


def _cue_words(tokens: list[str], index: int) -> str:
    """The cue as the reasoning quotes it: "to meet", "is travelling", "will be"."""
    word = tokens[index]
    if word.lower() in {"to", "is", "are", "am"} and index + 1 < len(tokens):
        return f"{word} {tokens[index + 1]}"
    if word.lower() == "be" and index > 0 and tokens[index - 1] != "\x00":
        return f"{tokens[index - 1]} {word}"
    return word


def _tense_words(direction: str | None, cue: str) -> str:
    if direction == "past":
        return f"in a past-tense sentence (“{cue}”)"
    if direction == "future":
        return f"in a sentence looking ahead (“{cue}”)"
    return "in a sentence whose tense does not say which"


# --- Days without a year -------------------------------------------------------------------------


def _readings(spoken: str, published: date) -> dict[int, FuzzyDate]:
    """`spoken` read in the year before, of and after publication, where the calendar has it
    (29 February only in leap years). Raises `_NoSuchDate` when no year has it ("31 June")."""
    readings, impossible = {}, False
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            readings[year] = FuzzyDate.parse(spoken, default_year=year)
        except FuzzyDateError as error:
            if error.code not in {"nonexistent", "reversed"}:
                return {}
            impossible = True
    if impossible and not readings:
        raise _NoSuchDate(spoken)
    return readings


def _pick_year(
    readings: dict[int, FuzzyDate], published: date, direction: str | None, weekday: int | None
) -> int:
    """The year whose reading is nearest publication, a reading against the tense costing
    `_WRONG_SIDE_COST` days; a named weekday ("Tuesday, 9 September") must match."""
    if weekday is not None:
        matching = {y: v for y, v in readings.items() if v.earliest.weekday() == weekday}
        readings = matching or readings

    def cost(year: int) -> tuple[int, int]:
        value = readings[year]
        against = direction is not None and _wrong_side(value, published, direction)
        wrong = _WRONG_SIDE_COST[direction] if direction and against else 0
        other_year = _OTHER_YEAR_COST if year != published.year else 0
        return _distance(value, published) + wrong + other_year, abs(year - published.year)

    return min(readings, key=cost)


def _read_absolute(
    text: str, match: re.Match, published: date, context: "_Context", weekday: int | None
) -> _Found | None:
    """The value of one candidate, or None when it is no date. Raises `_NoSuchDate`."""
    groups = match.groupdict()
    if groups.get("bare_month") or groups.get("bare_a"):
        previous = re.search(r"(\w+)\W*$", text[max(0, match.start() - 20) : match.start()])
        if not (previous and previous.group(1).lower() in _MONTH_PREPOSITIONS) and not (
            _MONTH_DETERMINER.search(text, max(0, match.start() - 12), match.start())
            and _NOUN_AFTER.match(text, match.end())
        ):
            return None
    # Two ends are read as "A – B", which the parser takes whatever joined them in the text.
    spoken = f"{groups['pair_a']} – {groups['pair_b']}" if groups.get("pair") else match.group()
    if groups.get("day_and") or groups.get("month_day_and"):
        spoken = re.sub(r"\s+and\s+", " – ", spoken)
    found = _Found(match.start(), match.end())
    shown = _quoted(match.group())
    if _HAS_YEAR.search(spoken):
        try:
            found.value = FuzzyDate.parse(spoken)
        except FuzzyDateError as error:
            if error.code in {"nonexistent", "reversed"}:
                raise _NoSuchDate(spoken) from None
            return None
        found.reasoning = f"{shown} gives its year."
        return found
    readings = _readings(spoken, published)
    if not readings:
        return None
    direction, cue = context.tense(match.start(), match.end())
    year = _pick_year(readings, published, direction, weekday)
    found.value = readings[year]
    against = _wrong_side(found.value, published, direction)
    if year == published.year:
        why = "the publication year"
    else:
        side = "before" if year < published.year else "after"
        why = f"the year {side} publication"
        if direction and not against:
            why += f", since the sentence {'looks back' if direction == 'past' else 'looks ahead'}"
            why += f" (“{cue}”) and {published.year} would put it on the other side"
        elif not against:
            why += ", the reading nearest the publication date"
    if against:
        why += f", though that puts it on the other side of publication than the tense (“{cue}”)"
    if weekday is not None:
        why += f", the year in which it falls on a {_WEEKDAY_NAMES[weekday]}"
    found.reasoning = f"{shown} has no year: read in {year}, {why}."
    return found


# --- Relative expressions ------------------------------------------------------------------------

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30,
}  # fmt: skip
_NUM = r"(?:\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_WD = rf"(?-i:{_WEEKDAY})"
_TIME_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
# What "the first half of …" and "the second week of …" take: a month (its year maybe given), a
# year, or this/next/last month or year.
_OF_PERIOD = rf"(?-i:{_MONTH})(?:,?\s+{_YEAR})?|{_YEAR}|(?:this|next|last|the)\s+(?:month|year)"
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # first month
_PARTS_OF = (
    r"(?P<part>early|mid|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of)(?:\s*-\s*|\s+)"
)
_RELATIVE = re.compile(
    r"(?=[a-z0-9])(?<![\w-])(?:"
    # Before the end of the year: from tomorrow when the clause looks ahead.
    r"(?P<edge>(?:before|by|until|till)\s+the\s+end\s+of\s+(?P<edge_which>the|this|next)\s+"
    r"(?P<edge_unit>week|month|year))"
    # The end of next month, early next year, late last week.
    rf"|(?P<part_rel>{_PARTS_OF}(?P<part_which>last|next|this|the)\s+(?P<part_unit>week|month|year))"
    # Earlier this month, later this year, later in the autumn.
    r"|(?P<within>(?P<within_side>earlier|later)\s+(?:this|in\s+the)\s+"
    r"(?P<within_unit>week|month|year|spring|summer|autumn|fall|winter))"
    # Last Friday, next Monday, this Thursday, this past Tuesday.
    rf"|(?P<wd_which>last|next|this\s+past|this\s+coming|this|coming)\s+(?P<wd>{_WD})"
    rf"(?P<wd_time>{_TIME_OF_DAY})(?![\w-])"
    # From Monday to Wednesday: one span, its end the first such day after its start.
    rf"|(?P<wd_range>(?:from\s+)?(?P<wd_a>{_WD})\s*(?:to|until|till|through|-|–)\s*(?P<wd_b>{_WD})"
    rf"|between\s+(?P<wd_a2>{_WD})\s+and\s+(?P<wd_b2>{_WD}))"
    # Tuesday next week; Tuesday; Monday night.
    rf"|(?P<wd_bare>{_WD})(?:\s+(?P<wd_week>next|last|this)\s+week)?{_TIME_OF_DAY}(?![\w-])"
    # The week, month or year around publication, or before or after a date named earlier.
    r"|(?P<rel>(?P<rel_which>last|next|this|the\s+past|the\s+previous|the\s+following)\s+"
    r"(?P<rel_unit>week|month|year|weekend))"
    r"|(?P<weekend>(?:over|at|during)\s+the\s+weekend)"
    r"|(?P<day_word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday"
    r"|today|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))"
    rf"|(?P<ago>(?P<ago_n>{_NUM}|a\s+few|several)\s+(?P<ago_unit>day|week|month|year)s?\s+ago)"
    # Counted from a date named before: "three days later", "the day before", "the next day".
    rf"|(?P<shift>(?P<shift_n>{_NUM}|the)\s+(?P<shift_unit>day|week|month|year)s?\s+"
    r"(?:(?P<shift_adv>later|earlier)|(?P<shift_prep>before|after)(?=\s*[,.;:)]|\s+that\b)))"
    # "a day after Trump and Xi met": what follows happened that long before the day in hand.
    # (days and weeks only: "ten years after the war" is history, not the day in hand)
    rf"|(?P<inverse>(?P<inverse_n>{_NUM})\s+(?P<inverse_unit>day|week)s?\s+"
    r"(?P<inverse_prep>before|after))(?=\s+[\w“\"‘])"
    r"|(?P<anchored>the\s+(?P<anchored_which>next|following|previous|same)\s+day"
    r"|that\s+same\s+day|(?:earlier|later)\s+(?:in\s+the|that)\s+(?:day|morning|afternoon|evening)"
    r"|that\s+(?:morning|afternoon|evening|night))"
    # The first half of October, the second week of December, the first half of next year.
    rf"|(?P<half>(?:the\s+)?(?P<half_which>first|second)\s+half\s+of\s+(?P<half_of>{_OF_PERIOD}))"
    rf"|(?P<week_of>(?:the\s+)?(?P<week_n>first|second|third|fourth|last|final)\s+week\s+of\s+"
    rf"(?P<week_in>{_OF_PERIOD}))"
    r"|(?P<rest>the\s+rest\s+of\s+(?:the|this)\s+(?P<rest_unit>week|month|year))"
    # "in the new year", "early in the new year", "before the new year".
    r"|(?P<new_year>(?:(?P<new_year_part>early|late)\s+(?:in\s+)?|(?P<new_year_before>before|by|"
    r"until)\s+)?the\s+new\s+year)"
    # A window from publication: "within two weeks", "over the past three months".
    rf"|(?P<window>(?P<window_side>within|(?:in|over|during)\s+the\s+(?:next|past|last))\s+"
    rf"(?P<window_n>{_NUM})\s+(?P<window_unit>day|week|month|year)s?)"
    rf"|(?P<in_time>in\s+(?P<in_n>{_NUM})\s+(?P<in_unit>day|week|month|year)s?['’]?\s+time)"
    r"|(?P<vague>(?:in|over|during|within)\s+(?:the\s+)?(?P<vague_which>recent|coming|past\s+few"
    r"|last\s+few|next\s+few)\s+(?P<vague_unit>day|week|month)s"
    r"|within\s+(?P<vague_within>day|week|month)s)"
    # Holidays reporters date things by: "before Christmas", "over the Lunar New Year".
    r"|(?P<holiday>(?:(?P<holiday_before>before|by|until|ahead\s+of)\s+)?(?:the\s+)?"
    r"(?P<holiday_name>(?-i:Christmas(?:\s+Day)?|New\s+Year['’]s\s+(?:Day|Eve)|Lunar\s+New\s+Year"
    r"|Chinese\s+New\s+Year|Spring\s+Festival|Tet|Seollal)))"
    r"|(?P<season>(?P<season_which>this|last|next|the|early|late)\s+"
    r"(?P<season_name>spring|summer|autumn|winter|fall)(?:\s+of\s+(?P<season_year>(?:19|20)\d\d))?)"
    r")(?![\w-])",
    re.IGNORECASE,
)
# Every relative expression holds one of these words: the long pattern above is only tried near
# them, which makes the pass several times cheaper than trying it at every word.
_RELATIVE_KEY = re.compile(
    r"(?=[dwmynaetslfhcDWMYNAETSLFHC])"  # their first letters: a cheap first test
    r"(?i:day|week|month|year|night|morning|afternoon|evening|tonight|tomorrow|ago|later"
    r"|earlier|spring|summer|autumn|fall|winter|time|half|christmas|tet|seollal)"
)
_KEY_BEFORE, _KEY_AFTER = 60, 45  # how far an expression reaches before and after its key word
# A weekday inside a name is no date: "Good Friday Agreement", "Black Monday", "Sunday Times".
_NAME_BEFORE = re.compile(
    r"(?:Good|Black|Super|Cyber|Bloody|Ash|Holy|Maundy|Easter|Palm|Giving|Shrove|Whit|Low"
    r"|Plough|Man|Girl|Blue|Trinity|Mail\s+on)\s+$"
)
_NAME_AFTER = re.compile(
    r"\s+(?:Times|Telegraph|Agreement|Accords?|Club|Group|Islands?|Post|Herald|Mail|Express"
    r"|Mirror|People|Review|Independent|Tribune|Star|Night\s+Live|Sport|Protests?|Movement"
    r"|Massacre|Offensive|Uprising)\b"
)
# "a Tuesday", "every Friday", "the last Friday of the month": no one day of the report's week.
# ("the Tuesday meeting" is one, though.)
_NOT_ONE_DAY = re.compile(r"(?<![\w-])(a|an|every|each|any|the)\s+$", re.IGNORECASE)
_SEASON_PREPOSITION = re.compile(r"(?<![\w-])(?:in|during|over|through|until|by|since)\s+$", re.I)
_FUTURE_ONLY_WD = {"next", "this coming", "coming"}


class _Context:
    """What resolving needs: the text, its sentences, the publication date and the dates found so
    far, in reading order (for "three days later")."""

    def __init__(self, text: str, published: date, sentences: Sentences) -> None:
        self.text, self.published, self.sentences = text, published, sentences
        self.named: list[tuple[int, FuzzyDate, str]] = []  # (end, value, text) of clear finds
        self.ends: list[int] = []

    def tense(self, start: int, end: int) -> tuple[str | None, str]:
        return _tense(self.text, self.sentences, start, end)

    def remember(self, found: _Found) -> None:
        if found.value is not None and not found.ambiguous:
            self.named.append((found.end, found.value, self.text[found.start : found.end]))
            self.ends.append(found.end)

    def anchor(self, start: int, unit: str = "day") -> tuple[date, str] | None:
        """The last date named before `start` (within a few paragraphs) that is one `unit` or
        finer — a day for "three days later", a year or finer for "the following year" — as
        its first day and its text. Looks back a few finds at most."""
        index = bisect.bisect_right(self.ends, start) - 1
        for end, value, text in reversed(self.named[max(0, index - 4) : index + 1]):
            if start - end > 1500:
                break
            first, last = value.earliest, value.latest
            fits = {
                "day": first == last,
                "week": first == last,
                "month": (first.year, first.month) == (last.year, last.month),
                "year": first.year == last.year,
            }[unit]
            if fits:
                return first, text
        return None


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _month_of(day: date, shift: int = 0) -> tuple[date, date]:
    index = day.year * 12 + day.month - 1 + shift
    first = date(index // 12, index % 12 + 1, 1)
    following = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _year_of(day: date, shift: int = 0) -> tuple[date, date]:
    return date(day.year + shift, 1, 1), date(day.year + shift, 12, 31)


def _period(unit: str, day: date, shift: int = 0) -> tuple[date, date]:
    if unit == "week":
        monday = _week_of(day)[0] + timedelta(weeks=shift)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        return _month_of(day, shift)
    return _year_of(day, shift)


def _season(name: str, year: int) -> tuple[date, date]:
    """A meteorological season (northern hemisphere); winter `year` runs December to February."""
    first = _SEASONS[name]
    last_month = (first + 1) % 12 + 1
    last_year = year + (1 if first == 12 else 0)
    return date(year, first, 1), _month_of(date(last_year, last_month, 1))[1]


def _season_near(name: str, published: date, direction: str | None) -> tuple[date, date]:
    readings = {
        year: FuzzyDate.between(*_season(name, year))
        for year in (published.year - 1, published.year, published.year + 1)
    }
    return (v := readings[_pick_year(readings, published, direction, None)]).earliest, v.latest


def _part_of(part: str, first: date, last: date, unit: str) -> tuple[date, date]:
    """Early/mid/late (or beginning/middle/end of) a period: thirds of a month or year as the
    app's fuzzy dates have them; a week's start is Monday–Wednesday, its end Thursday–Sunday."""
    word = part.lower().split()[-2] if " of" in part.lower() else part.lower()
    index = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1}.get(word, 2)
    if unit == "week":
        low, high = ((0, 2), (1, 3), (3, 6))[index]
        return first + timedelta(days=low), first + timedelta(days=high)
    if unit == "month":
        starts = (1, 11, 21)
        ends = (10, 20, last.day)
        return first.replace(day=starts[index]), first.replace(day=ends[index])
    starts = (1, 5, 9)
    return date(first.year, starts[index], 1), _month_of(date(first.year, starts[index] + 3, 1))[1]


def _resolve_relative(context: _Context, found: _Found) -> None:
    """Fill `found` from its match (kept in `found.extra["groups"]`)."""
    g: dict[str, str | None] = found.extra.pop("groups")
    published = context.published
    phrase = _quoted(context.text[found.start : found.end])
    pub = _long_day(published)
    found.relative = True

    def between(first: date, last: date) -> None:
        found.value = FuzzyDate.between(first, last)

    if g["edge"]:
        unit = (g["edge_unit"] or "").lower()
        shift = 1 if (g["edge_which"] or "").lower() == "next" else 0
        first, last = _period(unit, published, shift)
        direction, cue = context.tense(found.start, found.end)
        if direction == "future" and shift == 0 and last > published:
            between(published + timedelta(days=1), last)
            found.reasoning = (
                f"{phrase} {_tense_words(direction, cue)}: from the day after publication "
                f"({pub}) to the end of that {unit}."
            )
        else:
            between(first, last)
            found.reasoning = f"{phrase}: some time in the {unit} of publication ({pub})."
        return

    if g["part_rel"]:
        unit = (g["part_unit"] or "").lower()
        which = (g["part_which"] or "").lower()
        shift = {"last": -1, "next": 1}.get(which, 0)
        first, last = _period(unit, published, shift)
        between(*_part_of(g["part"] or "", first, last, unit))
        found.reasoning = (
            f"{phrase}: that part of the {unit} {_which_words(which)}, counted from "
            f"publication ({pub})."
        )
        return

    if g["within"]:
        unit = (g["within_unit"] or "").lower()
        later = (g["within_side"] or "").lower() == "later"
        if unit in _SEASONS:
            first, last = _season_near(unit, published, "future" if later else "past")
        else:
            first, last = _period(unit, published)
        if later:
            first = max(first, published + timedelta(days=1))
            last = max(last, first)
            between(first, last)
            found.reasoning = (
                f"{phrase}: from the day after publication ({pub}) to the end of the {unit}."
            )
        else:
            last = min(last, published - timedelta(days=1))
            first = min(first, last)
            between(first, last)
            found.reasoning = (
                f"{phrase}: from the start of the {unit} to the day before publication ({pub})."
            )
        return

    if g["wd_range"]:
        first_name, last_name = g["wd_a"] or g["wd_a2"] or "", g["wd_b"] or g["wd_b2"] or ""
        start_only = {"wd": None, "wd_bare": first_name, "wd_which": None, "wd_week": None}
        _resolve_weekday(context, found, start_only)
        assert found.value is not None
        gap = (_WEEKDAY_NAMES.index(last_name) - _WEEKDAY_NAMES.index(first_name)) % 7 or 7
        between(found.value.earliest, found.value.latest + timedelta(days=gap))
        found.reasoning = f"{found.reasoning[:-1]}, to the {last_name} after it."
        return

    if g["wd"] or g["wd_bare"]:
        _resolve_weekday(context, found, g)
        return

    if g["rel"]:
        which = " ".join((g["rel_which"] or "").lower().split())
        unit = (g["rel_unit"] or "").lower()
        if unit == "weekend":
            sides = {"last": -1, "next": 1, "the past": -1, "the previous": -1, "the following": 1}
            _resolve_weekend(context, found, sides.get(which, 0))
            return
        if which == "the past":
            length = {"week": 7, "month": 30, "year": 365}[unit]
            between(published - timedelta(days=length), published)
            found.reasoning = f"{phrase}: the {length} days up to publication ({pub})."
            return
        if which in {"the previous", "the following"}:
            shift = -1 if which == "the previous" else 1
            anchor = context.anchor(found.start, unit)
            if anchor:
                between(*_period(unit, anchor[0], shift))
                found.reasoning = (
                    f"{phrase}: the {unit} {'before' if shift < 0 else 'after'} that of "
                    f"{_quoted(anchor[1])}, the date named just before."
                )
            else:
                between(*_period(unit, published, shift))
                found.reasoning = (
                    f"{phrase}: no day is named before it, so counted from publication ({pub})."
                )
            return
        shift = {"last": -1, "next": 1}.get(which, 0)
        between(*_period(unit, published, shift))
        found.reasoning = (
            f"{phrase}: the {unit} {_which_words(which)}, counted from publication ({pub})."
        )
        return

    if g["weekend"]:
        _resolve_weekend(context, found, None)
        return

    if g["day_word"]:
        word = " ".join((g["day_word"] or "").lower().split())
        shift = {
            "yesterday": -1, "tomorrow": 1, "last night": -1, "the day before yesterday": -2,
            "the day after tomorrow": 2,
        }.get(word, 0)  # fmt: skip
        day = published + timedelta(days=shift)
        found.value = FuzzyDate.day(day)
        found.reasoning = (
            f"{phrase}: the publication day ({pub})."
            if shift == 0
            else f"{phrase}: {abs(shift)} day{'s' if abs(shift) > 1 else ''} "
            f"{'before' if shift < 0 else 'after'} publication ({pub})."
        )
        return

    if g["ago"]:
        count_word = " ".join((g["ago_n"] or "").lower().split())
        unit = (g["ago_unit"] or "").lower()
        if count_word in {"a few", "several"}:
            low, high = (2, 6) if count_word == "a few" else (3, 9)
            step = {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
            between(published - timedelta(days=high * step), published - timedelta(days=low * step))
            found.ambiguous = True
            found.flag = f"{phrase} does not say how long ago: the range is a convention."
            found.reasoning = (
                f"{phrase}: between {low} and {high} {unit}s before publication ({pub})."
            )
            return
        count = _count(count_word)
        if unit == "day":
            found.value = FuzzyDate.day(published - timedelta(days=count))
        elif unit == "week":
            between(*_week_of(published - timedelta(weeks=count)))
        elif unit == "month":  # about then: a month-wide window centred on that day
            then = _month_of(published, -count)[0]
            centre = then.replace(day=min(published.day, _month_of(then)[1].day))
            between(centre - timedelta(days=15), centre + timedelta(days=15))
        else:
            between(*_year_of(published, -count))
        found.reasoning = f"{phrase}: counted back from publication ({pub})."
        return

    if g["shift"] or g["anchored"]:
        if g["anchored"]:
            count, unit = 1, "day"
            which = (g["anchored_which"] or "").lower()
            sign = {"previous": -1, "next": 1, "following": 1}.get(which, 0)
        else:
            count = 1 if (g["shift_n"] or "").lower() == "the" else _count(g["shift_n"] or "1")
            unit = (g["shift_unit"] or "").lower()
            sign = (
                -1
                if (g["shift_adv"] or g["shift_prep"] or "").lower() in {"earlier", "before"}
                else 1
            )
        anchor = context.anchor(found.start)
        _shift_from(found, anchor[0] if anchor else published, sign * count, unit)
        if anchor:
            found.reasoning = (
                f"{phrase}: counted from {_quoted(anchor[1])} ({anchor[0].day} "
                f"{MONTH_NAMES[anchor[0].month]} {anchor[0].year}), the day named just before."
            )
        else:
            found.ambiguous = True
            found.reasoning = (
                f"{phrase}: no day is named before it, so counted from publication ({pub})."
            )
            found.flag = (
                f"{phrase} counts from a day the report does not name: check what it follows."
            )
        return

    if g["half"] or g["week_of"]:
        period = _named_period(context, found, g["half_of"] or g["week_in"] or "")
        if period is None:
            found.value = None
            return
        first, last = period
        if g["half"]:
            second = (g["half_which"] or "").lower() == "second"
            if (last - first).days > 40:  # a year: January–June, July–December
                first, last = (
                    (date(first.year, 7, 1), last) if second else (first, date(first.year, 6, 30))
                )
            else:  # a month: 1–15, 16 to the end
                first, last = (
                    (first.replace(day=16), last) if second else (first, first.replace(day=15))
                )
        else:
            which = (g["week_n"] or "").lower()
            if which in {"last", "final"}:
                first = last - timedelta(days=6)
            else:  # the second week of December: days 8–14
                number = ("first", "second", "third", "fourth").index(which)
                first = first + timedelta(days=7 * number)
                last = first + timedelta(days=6)
        between(first, last)
        found.relative = bool(
            re.search(
                r"this|next|last|the\s+(?:month|year)", g["half_of"] or g["week_in"] or "", re.I
            )
        )
        found.reasoning = f"{phrase}: {found.extra.pop('how')}."
        return

    if g["rest"]:
        unit = (g["rest_unit"] or "").lower()
        between(published, _period(unit, published)[1])
        found.reasoning = f"{phrase}: from publication ({pub}) to the end of that {unit}."
        return

    if g["new_year"]:
        # "The new year" is the coming one in the second half of the year, else the current one.
        year = published.year + (1 if published.month >= 7 else 0)
        if g["new_year_before"]:
            between(published, max(published, date(year - 1, 12, 31)))
            found.reasoning = f"{phrase}: from publication ({pub}) to the end of the year."
        else:
            first, last = date(year, 1, 1), date(year, 12, 31)
            if g["new_year_part"]:
                first, last = _part_of(g["new_year_part"] or "", first, last, "year")
            between(first, last)
            part = f"the {g['new_year_part'].lower()} part of " if g["new_year_part"] else ""
            found.reasoning = (
                f"{phrase}: {part}{year}, the next year to begin after publication ({pub})."
            )
        return

    if g["inverse"]:
        count = _count(g["inverse_n"] or "1")
        unit = (g["inverse_unit"] or "").lower()
        after = (g["inverse_prep"] or "").lower() == "after"
        anchor = context.anchor(found.start)
        base = anchor[0] if anchor else published
        _shift_from(found, base, -count if after else count, unit)
        units = f"{count} {unit}{'s' if count > 1 else ''}"
        what = f"{phrase}: what follows it happened {units} {'before' if after else 'after'}"
        if anchor:
            found.reasoning = (
                f"{what} {_quoted(anchor[1])} ({anchor[0].day} {MONTH_NAMES[anchor[0].month]} "
                f"{anchor[0].year}), the day named just before."
            )
        else:
            found.ambiguous = True
            found.reasoning = (
                f"{what} a day the report does not name: counted from publication ({pub})."
            )
            found.flag = (
                f"{phrase} counts from a day the report does not name: check what it follows."
            )
        return

    if g["window"] or g["in_time"]:
        count = _count(g["window_n"] or g["in_n"] or "1")
        unit = (g["window_unit"] or g["in_unit"] or "").lower()
        back = "past" in (g["window_side"] or "").lower() or "last" in (g["window_side"] or "")
        sign = -1 if back else 1
        if unit in {"day", "week"}:
            other = published + sign * count * timedelta(days=7 if unit == "week" else 1)
        else:
            index = (
                published.year * 12
                + published.month
                - 1
                + sign * count * (12 if unit == "year" else 1)
            )
            other = date(index // 12, index % 12 + 1, min(published.day, 28))
        if g["in_time"]:  # "in two weeks' time": around that day
            if unit == "day":
                found.value = FuzzyDate.day(other)
            else:
                between(*(_week_of(other) if unit == "week" else _period(unit, other)))
            found.reasoning = f"{phrase}: counted on from publication ({pub})."
        else:
            between(*sorted((published, other)))
            found.reasoning = (
                f"{phrase}: the {count} {unit}{'s' if count > 1 else ''} "
                f"{'up to' if back else 'from'} publication ({pub})."
            )
        return

    if g["vague"]:
        which = " ".join((g["vague_which"] or "within").lower().split())
        unit = (g["vague_unit"] or g["vague_within"] or "").lower()
        span = {"day": 10, "week": 30, "month": 183}[unit]  # "weeks": about a month
        if which in {"coming", "next few", "within"}:
            between(published, published + timedelta(days=span))
            side = "from"
        else:
            between(published - timedelta(days=span), published)
            side = "up to"
        found.ambiguous = True
        found.reasoning = (
            f"{phrase}: a vague period, taken as {span} days {side} publication ({pub})."
        )
        found.flag = f"{phrase} is vague: the range is a convention, not what the report says."
        return

    if g["holiday"]:
        name = " ".join((g["holiday_name"] or "").split())
        direction, cue = context.tense(found.start, found.end)
        if g["holiday_before"]:
            direction = "future"  # "before Christmas": the next one
        readings = {
            year: FuzzyDate.day(holiday)
            for year in (published.year - 1, published.year, published.year + 1)
            if (holiday := _holiday(name, year)) is not None
        }
        if not readings:
            found.value = None
            return
        day = readings[_pick_year(readings, published, direction, None)].earliest
        if g["holiday_before"] and day > published:
            between(published, day - timedelta(days=1))
            found.reasoning = (
                f"{phrase}: from publication ({pub}) to the day before {name} ({_long_day(day)})."
            )
        else:
            found.value = FuzzyDate.day(day)
            found.reasoning = f"{phrase} {_tense_words(direction, cue)}: {name} {day.year}."
        return

    if g["season"]:
        name = (g["season_name"] or "").lower()
        name = "autumn" if name == "fall" else name
        which = (g["season_which"] or "").lower()
        if g["season_year"]:
            between(*_season(name, int(g["season_year"])))
            found.relative = False
            found.reasoning = f"{phrase}: the {name} of {g['season_year']}, as the seasons run."
            return
        direction, cue = context.tense(found.start, found.end)
        seasons = [_season(name, year) for year in range(published.year - 2, published.year + 2)]
        if which == "last":  # the last one over before publication
            first, last = [s for s in seasons if s[1] < published][-1]
            why = "the last one over before publication"
        elif which == "next":  # the first one to begin after publication
            first, last = next(s for s in seasons if s[0] > published)
            why = "the first one to begin after publication"
        else:
            first, last = _season_near(name, published, None if which == "this" else direction)
            why = f"{_tense_words(direction, cue)}: the one nearest publication on that side"
            if which in {"early", "late"}:  # its first or last month
                first, last = _month_of(first if which == "early" else last)
        between(first, last)
        found.reasoning = f"{phrase} {why} ({pub}); seasons as they run in the north."
        return


def _named_period(context: _Context, found: _Found, named: str) -> tuple[date, date] | None:
    """The month or year "the first half of …" names: this/next/last month or year counted from
    publication, or a month (its year read as a day without a year is) or a year. Sets
    `found.extra["how"]` to say how it was read."""
    published = context.published
    words = named.lower().split()
    if words[-1] in {"month", "year"} and not _HAS_YEAR.search(named):
        shift = {"last": -1, "next": 1}.get(words[0], 0)
        found.extra["how"] = (
            f"of the {words[-1]} {_which_words(words[0])}, counted from publication "
            f"({_long_day(published)})"
        )
        return _period(words[-1], published, shift)
    if _HAS_YEAR.search(named):
        try:
            value = FuzzyDate.parse(named)
        except FuzzyDateError:
            return None
        found.extra["how"] = f"{_quoted(named)} gives its year"
        return value.earliest, value.latest
    try:
        readings = _readings(named, published)
    except _NoSuchDate:
        return None
    if not readings:
        return None
    direction, cue = context.tense(found.start, found.end)
    year = _pick_year(readings, published, direction, None)
    found.extra["how"] = f"{_quoted(named)} read in {year}, {_tense_words(direction, cue)}"
    return readings[year].earliest, readings[year].latest


def _shift_from(found: _Found, base: date, count: int, unit: str) -> None:
    """`found.value`: `count` units (negative: back) from `base` — a day for days and weeks
    ("a week later": seven days on, as a reader counts), the month or year for those."""
    if unit in {"day", "week"}:
        found.value = FuzzyDate.day(base + count * timedelta(days=7 if unit == "week" else 1))
    else:
        period = _month_of if unit == "month" else _year_of
        found.value = FuzzyDate.between(*period(base, count))


# The first day of the lunar new year (Chinese New Year, Tết, Seollal), from the published
# calendars; outside these years the holiday is left unresolved rather than guessed.
_LUNAR_NEW_YEAR = {
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29),
    2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23),
    2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
}  # fmt: skip


def _holiday(name: str, year: int) -> date | None:
    lowered = name.lower().replace("’", "'")
    if lowered.startswith("christmas"):
        return date(year, 12, 25)
    if lowered == "new year's day":
        return date(year, 1, 1)
    if lowered == "new year's eve":
        return date(year, 12, 31)
    month_day = _LUNAR_NEW_YEAR.get(year)
    return date(year, *month_day) if month_day else None


def _which_words(which: str) -> str:
    return {"last": "before that of publication", "next": "after that of publication"}.get(
        which, "of publication"
    )


def _count(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBERS.get(word, 1)


def _resolve_weekend(context: _Context, found: _Found, shift: int | None) -> None:
    """A weekend (Saturday and Sunday): `shift` -1/0/1 for last/this/next, None to let the tense
    choose between the one before and the one after publication."""
    published = context.published
    phrase = _quoted(context.text[found.start : found.end])
    saturday = _week_of(published)[0] + timedelta(days=5)  # this week's
    direction, cue = context.tense(found.start, found.end)
    if shift is None:
        if published.weekday() >= 5:
            shift = 0  # published on a weekend day: that weekend
        elif direction == "past":
            shift = -1
        elif direction == "future":
            shift = 0
        else:
            before, after = saturday - timedelta(days=7), saturday
            found.value = FuzzyDate.between(before, after + timedelta(days=1))
            found.ambiguous = True
            found.reasoning = (
                f"{phrase} {_tense_words(None, '')}: the weekend before or after publication "
                f"({_long_day(published)})."
            )
            found.flag = (
                f"{phrase}: the sentence does not say whether this weekend was past or coming."
            )
            return
    first = saturday + timedelta(weeks=shift)
    found.value = FuzzyDate.between(first, first + timedelta(days=1))
    side = {-1: "before", 0: "of the week of", 1: "after"}[shift]
    found.reasoning = (
        f"{phrase} {_tense_words(direction, cue)}: the weekend {side} publication "
        f"({_long_day(published)})."
    )


def _resolve_weekday(context: _Context, found: _Found, g: dict[str, str | None]) -> None:
    published = context.published
    text = context.text
    phrase = _quoted(text[found.start : found.end])
    name = g["wd"] or g["wd_bare"] or ""
    weekday = _WEEKDAY_NAMES.index(name.capitalize())
    own = published - timedelta(days=published.weekday()) + timedelta(days=weekday)
    pub = _long_day(published)
    which = " ".join((g["wd_which"] or g["wd_week"] or "").lower().split())
    if g["wd_week"]:
        which = {"last": "week-last", "next": "week-next", "this": "this"}[which]

    def day(value: date, why: str) -> None:
        found.value = FuzzyDate.day(value)
        found.reasoning = f"{phrase} {why}."

    def either(first: date, last: date, why: str) -> None:
        found.value = FuzzyDate.between(first, last)
        found.ambiguous = True
        found.reasoning = (
            f"{phrase} {why}: {_long_day(first)} or {_long_day(last)}, counted from "
            f"publication ({pub})."
        )
        found.flag = f"{phrase} could be {_long_day(first)} or {_long_day(last)}: check the story."

    if which == "week-last":
        day(own - timedelta(weeks=1), f"is in the week before that of publication ({pub})")
        return
    if which == "week-next":
        day(own + timedelta(weeks=1), f"is in the week after that of publication ({pub})")
        return
    if which == "last":
        previous = own - timedelta(weeks=1)
        if own < published:
            either(previous, own, "written after that day in the week")
        else:
            day(previous, f"is in the week before that of publication ({pub})")
        return
    if which == "this past":
        before = published - timedelta(days=(published.weekday() - weekday) % 7 or 7)
        day(before, f"is the last one before publication ({pub})")
        return
    if which in _FUTURE_ONLY_WD:
        following = own + timedelta(weeks=1)
        if which == "next" and own > published:
            either(own, following, "written before that day in the week")
        elif which == "next":
            day(following, f"is in the week after that of publication ({pub})")
        else:
            day(own if own >= published else following, f"is the next one from publication ({pub})")
        return
    direction, cue = context.tense(found.start, found.end)
    if which == "this":
        if direction == "future" and own < published:
            own += timedelta(weeks=1)
        elif direction == "past" and own > published:
            own -= timedelta(weeks=1)
        day(own, f"{_tense_words(direction, cue)}: that day in the week of publication ({pub})")
        return
    if weekday == published.weekday():
        # Wire copy names the day it is filed by its weekday ("said on Tuesday").
        day(published, f"names the publication's own weekday, so the publication day ({pub})")
        return
    before = published - timedelta(days=(published.weekday() - weekday) % 7)
    after = published + timedelta(days=(weekday - published.weekday()) % 7)
    if direction == "past":
        day(before, f"{_tense_words(direction, cue)}: the {name} before publication ({pub})")
    elif direction == "future":
        day(after, f"{_tense_words(direction, cue)}: the {name} after publication ({pub})")
    else:
        either(before, after, _tense_words(None, ""))


# --- All dates -----------------------------------------------------------------------------------


def _absolute(text: str, published: date, context: _Context) -> list[_Found]:
    found = []
    position = 0
    while candidate := _DATE.search(text, position):
        match: re.Match[str] | None
        named = _WEEKDAY_BEFORE.search(text, max(0, candidate.start() - 14), candidate.start())
        weekday = _WEEKDAY_NAMES.index(named["wd"]) if named else None
        try:
            match, read = candidate, _read_absolute(text, candidate, published, context, weekday)
            if read is None and candidate.group("single") is None:
                # A range that does not read as one may still begin with a single date.
                match = _SINGLE_ONLY.match(text, candidate.start())
                read = _read_absolute(text, match, published, context, weekday) if match else None
        except _NoSuchDate:
            position = candidate.end()
            continue
        if read is None or match is None:
            position = candidate.start() + 1
            continue
        position = match.end()
        assert read.value is not None
        if named and read.value.precision == Precision.DAY:
            # "Tuesday, September 9, 2025" is one date; say so when the two disagree.
            read.start = named.start()
            actual = read.value.earliest.weekday()
            if actual != weekday:
                read.flag = (
                    f"{read.value.human} is a {_WEEKDAY_NAMES[actual]}, not a {named['wd']}: "
                    "check the date."
                )
        if _DATELINE_BEFORE.search(text, max(0, match.start() - 80), match.start()) and (
            _DATELINE_AFTER.match(text, match.end())
        ):
            read.extra["dateline"] = True
            read.reasoning = read.reasoning[:-1] + "; it is the dateline, the day of filing."
            if read.value.precision == Precision.DAY and read.value.earliest != published:
                read.flag = (
                    f"The dateline says {read.value.human} but the report is dated "
                    f"{FuzzyDate.day(published).human}: check the publication date, which "
                    "weekdays and relative dates are read from."
                )
        found.append(read)
    return found


def _relative_matches(text: str) -> Iterator[re.Match[str]]:
    """`_RELATIVE.finditer(text)`, tried only in windows around key words (merged when they
    overlap, widened to whole words)."""
    windows: list[list[int]] = []
    for key in _RELATIVE_KEY.finditer(text):
        low, high = max(0, key.start() - _KEY_BEFORE), min(len(text), key.end() + _KEY_AFTER)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = high
        else:
            windows.append([low, high])
    last = 0
    for low, high in windows:
        while low > last and not text[low - 1].isspace():
            low -= 1
        while high < len(text) and not text[high].isspace():
            high += 1
        for match in _RELATIVE.finditer(text, max(low, last), high):
            last = match.end()
            yield match


def _relative(text: str, context: _Context) -> list[_Found]:
    found = []
    for match in _relative_matches(text):
        groups = match.groupdict()
        if groups["wd_bare"] or groups["wd"]:
            head = text[max(0, match.start() - 12) : match.start()]
            if (
                _NAME_BEFORE.search(head)
                or _NAME_AFTER.match(text, match.end())
                or ((m := _NOT_ONE_DAY.search(head)) and (groups["wd"] or m[1].lower() != "the"))
            ):
                continue
        # "the fall of the government", "the fall in exports": the season only after "in".
        if (
            (groups["season_name"] or "").lower() == "fall"
            and (groups["season_which"] or "").lower() == "the"
            and not _SEASON_PREPOSITION.search(text, max(0, match.start() - 10), match.start())
        ):
            continue
        found.append(
            _Found(match.start(), match.end(), extra={"groups": groups}, resolve=_resolve_relative)
        )
    return found


def _forward_flag(text: str, found: _Found, published: date, sentences: Sentences) -> None:
    """Flag an explicit date wholly before publication in a sentence that looks forward."""
    value = found.value
    assert value is not None
    start, end = found.start, found.end
    sentence = sentences.span(sentences.index(start))
    ahead = re.match(r"(?:\W*\w+){0,6}", text[end : sentence[1]])
    assert ahead is not None  # the pattern also matches the empty string
    looking = list(_FORWARD.finditer(text, sentence[0], start))
    looking += list(_FORWARD.finditer(text, end, end + len(ahead.group())))
    recent = _PAST_MARK.search(text[max(sentence[0], start - 30) : start])
    if looking and not recent:
        cue = min(looking, key=lambda m: abs(m.start() - start)).group()
        found.extra["forward_cue"] = cue
        found.flag = (
            f"Expected date {value.human} lies before the publication date "
            f"({FuzzyDate.day(published).human}): the sentence looks forward (“{cue}”)."
        )


def _date_suggestions(text: str, published: date, sentences: Sentences) -> list[Suggestion]:
    context = _Context(text, published, sentences)
    candidates = _absolute(text, published, context) + _relative(text, context)
    # Overlapping finds keep the longer; at equal length the explicit date (listed first).
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for candidate in candidates:
        if kept and candidate.start < kept[-1].end:
            if candidate.end - candidate.start > kept[-1].end - kept[-1].start:
                kept[-1] = candidate
            continue
        kept.append(candidate)

    suggestions = []
    for found in kept:
        if found.resolve is not None:
            found.resolve(context, found)
            if found.value is None:
                continue
        elif (
            found.value is not None
            and found.value.latest < published
            and not found.flag
            # A forward word anywhere in the sentence raises the flag, unless the clause around
            # the date is itself in the past tense ("Hegseth warned in May that China could …").
            and context.tense(found.start, found.end)[0] != "past"
        ):
            _forward_flag(text, found, published, sentences)
        value = found.value
        assert value is not None
        context.remember(found)
        result: dict[str, str | bool] = {
            "human": value.human,
            "earliest": value.earliest.isoformat(),
            "latest": value.latest.isoformat(),
            "precision": value.precision.value,
            "reasoning": found.reasoning,
            "ambiguous": found.ambiguous,
            "relative": found.relative,
            **found.extra,
        }
        start, end = found.start, found.end
        suggestions.append(Suggestion("date", text[start:end], start, end, result, found.flag))
    return suggestions
