"""When and where a quotation was said, from its own sentence: what accepting a statement
carries (the editor sees and may change both before accepting)."""

import re

from events.intake.suggestions import Suggestion

# "told reporters in Beijing", "said at the Shangri-La Dialogue", "speaking at a briefing in
# Manila": a place named right after the act of speaking. Names only (capitalised words, with
# "of"/"the"/"and" between them); months and weekdays are dates, not places.
_VENUE = re.compile(
    r"\b(?:said|says|told\s+(?:reporters|journalists|lawmakers|a\s+[\w\s]{1,30}?)|speaking"
    r"|spoke|briefing|speech|remarks|address|conference|interview|statement)"
    r"(?:\s+[\w’'-]+){0,4}?\s+(?:in|at)\s+"
    r"(?P<venue>(?:the\s+)?[A-Z][\w’'-]+(?:\s+(?:(?:of|the|and|for)\s+)*[A-Z][\w’'-]+){0,6})"
)
_DATE_WORDS_AFTER = re.compile(
    r"(?:\s+(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b.*)$"
)
_NOT_PLACES = re.compile(
    r"^(?:the\s+)?(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def attach_said_and_venue(statements: list[Suggestion], dates: list[Suggestion], published):
    """Give each statement or paraphrase the date its sentence gives for when it was said (a
    date outside the quoted words, not after publication), and the venue its sentence names
    after the speech verb. Both are left out when the sentence gives none."""
    by_start = sorted(dates, key=lambda d: d.start)
    index = 0
    for statement in sorted(statements, key=lambda s: s.value.get("sentence_start", s.start)):
        value = statement.value
        low = value.get("sentence_start", statement.start)
        high = value.get("sentence_end", statement.end)
        while index < len(by_start) and by_start[index].end <= low:
            index += 1
        for date in by_start[index:]:
            if date.start >= high:
                break
            inside_quote = statement.kind == "statement" and (
                statement.start <= date.start < statement.end
            )
            if inside_quote or date.value.get("earliest", "") > published.isoformat():
                continue
            value["said"] = {
                key: date.value[key] for key in ("human", "earliest", "latest", "precision")
            }
            break
        sentence = value.get("sentence") or ""
        if sentence and (found := _venue(sentence, statement, low)):
            value["venue"] = found


def _venue(sentence: str, statement: Suggestion, sentence_start: int) -> str:
    for match in _VENUE.finditer(sentence):
        start = sentence_start + match.start("venue")
        if statement.kind == "statement" and statement.start <= start < statement.end:
            continue  # a place inside the quoted words is what they are about
        venue = re.sub(r"^the\s+", "", match.group("venue"))
        venue = _DATE_WORDS_AFTER.sub("", venue)  # "Beijing Tuesday": the place, not the day
        if not _NOT_PLACES.match(venue):
            return venue
    return ""
