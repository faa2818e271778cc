"""Article intake: read a pasted report and suggest the records an editor may make from it.

`analyse(text, published=...)` returns `Suggestion`s, each tied to a span of the article
(`text[start:end]`) with a resolved value:

- "statement": every quotation that is someone's speech (not a term or a title), short ones
  marked, with its whole sentence, its speaker found from the reporting verb of its clause
  (never the person told; a name not in the database kept as `unmatched_speaker`), and a
  `denied` flag when the sentence rejects the quoted words (see `quotes`);
- "paraphrase": "X said (that) …", "according to X, …" without quotation marks;
- "new_person": a titled person not in the database, with the institution the title names
  (see `people`);
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

from datetime import date, datetime

from events.intake.channels import (
    _channel_suggestions,
    _mention_suggestions,
    _statement_channels,
)
from events.intake.dates import _date_suggestions
from events.intake.mentions import _Known, _Matcher
from events.intake.quotes import _find_quotes, _quote_suggestions, _Speakers
from events.intake.said import attach_said_and_venue
from events.intake.suggestions import KINDS, Suggestion
from events.intake.updates import _update_suggestions
from events.text import Sentences

__all__ = ["KINDS", "Suggestion", "analyse"]


# --- Entry point ---------------------------------------------------------------------------------


def analyse(text: str, *, published: date) -> list[Suggestion]:
    """Suggestions for `text`, a report published on `published`: quotes (statements and
    characterisations), paraphrases, new people, dates, actors, offices and channels, each with
    `text[start:end]` as its span. Channels come first (best first), then everything else in
    reading order."""
    if isinstance(published, datetime) or not isinstance(published, date):
        raise TypeError(f"published must be a date, not {published!r}.")
    if not text.strip():
        return []
    known = _Known.load(published)
    mentions = _Matcher(known).find(text)
    quotes = _find_quotes(text)
    sentences = Sentences(text, [(quote.start, quote.end) for quote in quotes])
    speakers = _Speakers(text, mentions, quotes, sentences, known)

    dates = _date_suggestions(text, published, sentences)
    found = (
        _quote_suggestions(text, quotes, speakers) + dates + _mention_suggestions(mentions, known)
    )
    order = {kind: index for index, kind in enumerate(KINDS)}
    found.sort(key=lambda s: (s.start, s.end, order[s.kind]))
    channels = _channel_suggestions(text, mentions, known, sentences)
    _statement_channels(found, channels, known)  # a statement's channel follows its speaker
    quoted = [s for s in found if s.kind in ("statement", "paraphrase")]
    attach_said_and_venue(quoted, dates, published)
    updates = _update_suggestions(text, sentences, mentions, dates, known, published)
    return updates + channels + found  # updates first: what the editor acts on
