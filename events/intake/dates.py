"""Date expressions in an article, resolved against its publication date."""

import re
from datetime import date, timedelta

from events.fuzzydates import FuzzyDate, FuzzyDateError
from events.intake.suggestions import Suggestion
from events.text import Sentences

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
