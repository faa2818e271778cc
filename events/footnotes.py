"""Sources as footnotes: each fact on a detail page carries numbered references ([1], [2]) that
link to the page's list of sources, which names each source once — outlet, kind, date, link,
whom it relays — with the passages cited from it shown on demand.

A page makes one `Footnotes` (its view puts it in the context) and the template cites each fact's
prefetched citations through the `refs` tag (events.templatetags.sources) as it draws the fact. A
source is numbered the first time a fact cites it, so the numbers run in the order the sources
first appear on the page, and a source keeps its number wherever it is cited again; the list at
the end of the page (`Footnotes.notes`) is read once every fact has been drawn. No query: all of
it comes from the citations the page's selector prefetched with their sources (`cited()`).

Lists cite differently: each row shows how many sources it rests on ("2 sources"), which opens to
those sources grouped the same way (`source_notes`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from events.models import (
    Actor,
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    Engagement,
    EngagementTransition,
    Interpretation,
    OfficeHolding,
    Participation,
    Source,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.templatetags.diplomacy import web_url


@dataclass(frozen=True)
class Passage:
    """One cited passage of a source: the citation, and on a footnoted page the fact it supports
    and the id of the reference beside that fact (to go back to it)."""

    citation: Citation
    fact: str = ""
    ref_id: str = ""


@dataclass
class SourceNote:
    """One source as a page lists it: its number (0 in a list row), and the passages cited."""

    number: int
    source: Source
    passages: list[Passage] = field(default_factory=list)
    reported_later: bool = False  # published after the day the page shows

    @property
    def anchor(self) -> str:
        return f"source-{self.number}"

    @property
    def link(self) -> str:
        return web_url(self.source.url)


@dataclass(frozen=True)
class Ref:
    """A reference beside a fact: the source's number and the reference's own id."""

    number: int
    id: str


class Footnotes:
    """The numbered sources of one page, numbered as the page cites them (see the module)."""

    def __init__(self, as_of: date | None = None) -> None:
        self.as_of = as_of
        self._notes: dict[int, SourceNote] = {}
        self._refs_to: dict[int, int] = {}  # source number → references drawn to it so far
        self._cited: set[int] = set()  # citations already listed under their source

    def cite(self, citations, fact: str = "") -> list[Ref]:
        """References for a fact resting on `citations` (in number order, one per source),
        numbering the sources not cited before and listing the passages under their source."""
        refs: dict[int, Ref] = {}
        for citation in citations:
            note = self._note(citation.source)
            if note.number not in refs:
                drawn = self._refs_to.get(note.number, 0) + 1
                self._refs_to[note.number] = drawn
                refs[note.number] = Ref(note.number, f"ref-{note.number}-{drawn}")
            if citation.pk not in self._cited:
                self._cited.add(citation.pk)
                note.passages.append(Passage(citation, fact, refs[note.number].id))
        return sorted(refs.values(), key=lambda ref: ref.number)

    def _note(self, source: Source) -> SourceNote:
        note = self._notes.get(source.pk)
        if note is None:
            note = SourceNote(len(self._notes) + 1, source, reported_later=self._later(source))
            self._notes[source.pk] = note
        return note

    def _later(self, source: Source) -> bool:
        return _published_after(source, self.as_of)

    @property
    def notes(self) -> list[SourceNote]:
        """The sources cited so far, by number."""
        return list(self._notes.values())


def source_notes(citations, as_of: date | None = None) -> list[SourceNote]:
    """A list row's sources: `citations` grouped by source, each source once, in the order first
    cited, unnumbered."""
    notes: dict[int, SourceNote] = {}
    for citation in citations:
        source = citation.source
        if source.pk not in notes:
            notes[source.pk] = SourceNote(0, source, reported_later=_published_after(source, as_of))
        notes[source.pk].passages.append(Passage(citation))
    return list(notes.values())


def _published_after(source: Source, day: date | None) -> bool:
    """Whether `source` came out after `day` (on a page as of that day: reported later)."""
    return day is not None and source.published.earliest > day


def _claim(claim: CounterpartClaim) -> str:
    return f"{claim.claimant.label}’s view of the counterpart of the {claim.office.title}"


# What each kind of fact is called where its passages are listed under their source. Each reads
# only what the page's selector loads with the fact.
FACT_LABELS: dict[type, Callable[[Any], str]] = {
    StatusChange: lambda r: f"Status: {r.get_status_display().lower()} since {r.date}",
    Engagement: lambda r: r.title,
    EngagementTransition: lambda r: (
        f"{r.engagement.title}: {r.get_to_state_display().lower()} ({r.date})"
    ),
    Participation: lambda r: f"{r.actor.name} in “{r.engagement.title}”",
    Characterisation: lambda r: f"{r.side.label}’s description of “{r.engagement.title}”",
    Statement: lambda r: f"Statement: {r}",
    Interpretation: lambda r: f"{r.side.label}’s reading of {r.statement.speaker.label}’s words",
    CounterpartClaim: _claim,
    StickingPoint: lambda r: f"Sticking point: {r.title}",
    Actor: lambda r: r.name,
    OfficeHolding: lambda r: f"{r.office.title}, {r.office.institution.name}",
    Channel: str,
}


def fact_label(record) -> str:
    """What `record` is called beside the passages that support it."""
    label = FACT_LABELS.get(type(record))
    return label(record) if label else str(record)
