"""What intake suggests: one thing found in the article, tied to its span.

Every suggestion has `kind`, `text == article[start:end]`, a JSON-ready `value` and an optional
`flag` (a warning the editor must read). What `value` holds, by kind:

- "update": a change to a record already in the database that the report describes — a
  lifecycle step of a recorded engagement ("the proposed call was held on Tuesday"), a channel's
  status ("military talks resumed"), or the settlement of a recorded counterpart dispute. Span:
  the clause that says so. Value: `update` ("lifecycle" | "status" | "dispute"), what it changes
  (`engagement_id`/`engagement`/`to_state`, `channel_id`/`status`,
  `sticking_point_id`/`claim_ids`/`outcome`), `date` (a resolved date dict, see "date"), `reason`.
  `key` names the change, so the same suggestion is recognised each time the page is drawn.
- "statement": a quotation. Span: the quoted words. Value: `quote`, `sentence` with
  `sentence_start`/`sentence_end` (the whole sentence, kept as the passage), `speaker_id`,
  `speaker`, `speaker_kind`, `confidence`, `basis`; `unmatched_speaker` (a name not in the
  database); `denied` (the sentence denies or rejects the quoted words: no stance by default);
  `short` (one or two words); `channel_id` (from the speaker's institution); `said` (a date dict).
- "paraphrase": an attributed paraphrase ("X said that …"), with the same speaker fields.
- "characterisation": a short adjectival quote attached to an engagement word.
- "date": `human`, `earliest`, `latest`, `precision`, `reasoning` (how it was resolved),
  `ambiguous`, `relative`.
- "new_person": a named person who is not in the database, with `name`, `title`,
  `institution_id`/`institution`, `state_id`, `office_id` (a recorded office the title matches).
- "actor", "office": known actors and offices named.
- "channel": a channel the article bears on, with its evidence.
"""

from dataclasses import asdict, dataclass, field

__all__ = ["KINDS", "Suggestion"]

KINDS = (
    "update",
    "statement",
    "paraphrase",
    "characterisation",
    "date",
    "new_person",
    "actor",
    "office",
    "channel",
)


@dataclass
class Suggestion:
    """One thing found in the article: `text == article[start:end]`, `value` JSON-ready."""

    kind: str
    text: str
    start: int
    end: int
    value: dict = field(default_factory=dict)
    flag: str = ""
    key: str = ""  # what the suggestion would change, when its span alone does not say

    def as_dict(self) -> dict:
        return asdict(self)
