"""Atom feeds of what is recorded on the channels: one for the whole board, one per channel.

An entry is one status change, one engagement lifecycle step (`EngagementTransition`) or one
statement, with its sources. A feed holds the `MAX_ENTRIES` newest entries.

Which records, and in what order, is decided once for the feeds and the timeline: a feed is the
first `MAX_ENTRIES` items of `events.selectors.event_stream` (its comments give the rules: each
record sits at the earliest possible day of its date, an undated statement at its first report).
The entry's Atom `<updated>` is that day at 00:00 UTC. Because a timestamp looks precise, the
title and the text of every entry give the human fuzzy date ("3–16 September 2025"), and the
text says when the timestamp is only the earliest possible day.

Links go to the channel's board page: a status change to its status history (`#history`), a
step to its engagement (`#engagement-<pk>`), a statement to the statements section
(`#statements`). Each entry's id is a tag URI naming the record, so entries never collapse.

Each feed runs a fixed number of queries, however many records there are: the stream's (one per
record kind, one for each kind's citations with their sources, one for the statements'
channels), plus one for the channel of a channel feed.

The feed's own `<updated>` is its newest entry's timestamp (Django's rule), so it too is an
event's day; the response carries no Last-Modified header, which would otherwise let caches and
conditional GETs hide entries recorded later about older events.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from events.fuzzydates import FuzzyDate, Precision
from events.models import Channel, Citation, EngagementTransition, Statement, StatusChange
from events.selectors import StreamFilter, event_stream

MAX_ENTRIES = 50
SITE_NAME = "Diplomacy Monitor"
TAG_PREFIX = "tag:diplomacy-monitor,2025:"
QUOTE_LENGTH = 100

DATES_NOTE = (
    "Dates are fuzzy: each entry's title and text give the date as the sources support it "
    "(e.g. “3–16 September 2025”); the entry's timestamp is only the earliest possible day."
)


# --- Entries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One feed entry: a record, the channel whose page it links to, and how it reads."""

    kind: str  # a `KIND_LABELS` key; also the record's name in its tag URI
    record: StatusChange | EngagementTransition | Statement
    channel: Channel
    day: date | None  # the day the entry is placed at (see the module docstring)
    recorded_at: datetime | None
    title: str
    description: SafeString
    fragment: str
    categories: tuple[str, ...]
    author_name: str | None = None

    @property
    def updated(self) -> datetime:
        # A record with no date at all (only an uncited, undated statement) sorts last; it still
        # needs a timestamp for valid Atom.
        return datetime.combine(self.day or date(1970, 1, 1), time.min, tzinfo=UTC)

    @property
    def guid(self) -> str:
        return f"{TAG_PREFIX}{self.kind}-{self.record.pk}"

    @property
    def link(self) -> str:
        return f"{self.channel.get_absolute_url()}#{self.fragment}"


KIND_LABELS = {
    "statuschange": "Status change",
    "engagementtransition": "Engagement step",
    "statement": "Statement",
}


# --- Text --------------------------------------------------------------------------------------


def _shorten(text: str, limit: int = QUOTE_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def _when(fuzzy: FuzzyDate | None, *, unknown: str = "date not known") -> SafeString:
    """The 'When' line: the human fuzzy date, and a word on what the timestamp means."""
    if fuzzy is None:
        return format_html("<p><strong>When:</strong> {}</p>", unknown)
    if fuzzy.precision == Precision.DAY:
        return format_html("<p><strong>When:</strong> {}</p>", str(fuzzy))
    return format_html(
        "<p><strong>When:</strong> {} <small>(fuzzy date; the feed timestamp is its earliest "
        "possible day, {})</small></p>",
        str(fuzzy),
        str(FuzzyDate.day(fuzzy.earliest)),
    )


def _sources(citations: Iterable[Citation]) -> SafeString:
    items = []
    for citation in citations:
        source = citation.source
        title = source.title
        if source.url.startswith(("https://", "http://")):
            title = format_html('<a href="{}">{}</a>', source.url, source.title)
        passage = (
            format_html("“{}”", citation.passage)
            if citation.passage_is_verbatim
            else format_html("{} <em>(editor’s summary)</em>", citation.passage)
        )
        details = [part for part in (citation.locator, citation.claim) if part]
        items.append(
            format_html(
                "<li>{}, <cite>{}</cite> — {}, published {}: {}{}</li>",
                source.outlet,
                title,
                source.get_kind_display(),
                str(source.published),
                passage,
                format_html(" ({})", "; ".join(details)) if details else "",
            )
        )
    if not items:
        return format_html("<p><strong>Sources:</strong> {}</p>", "none recorded")
    return format_html("<p><strong>Sources:</strong></p><ul>{}</ul>", _join(*items))


def _join(*parts: SafeString) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 (joins strings already marked safe)


# --- One entry per record ----------------------------------------------------------------------


def status_change_entry(change: StatusChange) -> Entry:
    channel = change.channel
    return Entry(
        kind="statuschange",
        record=change,
        channel=channel,
        day=change.date_earliest,
        recorded_at=change.recorded_at,
        title=f"{channel}: status {change.get_status_display()} ({change.date})",
        description=_join(
            format_html(
                "<p><strong>{}</strong>: status <strong>{}</strong> · trend {} · {} confidence</p>",
                str(channel),
                change.get_status_display(),
                change.get_trend_display().lower(),
                change.get_confidence_display().lower(),
            ),
            _when(change.date),
            format_html("<p>{}</p>", change.explanation),
            _sources(change.citations.all()),
        ),
        fragment=f"status-change-{change.pk}",
        categories=(channel.get_track_display(), KIND_LABELS["statuschange"]),
    )


def transition_entry(step: EngagementTransition) -> Entry:
    engagement = step.engagement
    channel = engagement.channel
    after = step.get_to_state_display()
    before = step.get_from_state_display() if step.from_state else ""
    change = f"{before.lower()} → {after.lower()}" if before else after.lower()
    return Entry(
        kind="engagementtransition",
        record=step,
        channel=channel,
        day=step.date_earliest,
        recorded_at=step.recorded_at,
        title=f"{engagement.title}: {change} ({step.date})",
        description=_join(
            format_html(
                "<p><strong>{}</strong> ({}, {}): {}</p>",
                engagement.title,
                engagement.get_kind_display().lower(),
                str(channel),
                f"{before} → {after}" if before else f"recorded as {after.lower()}",
            ),
            _when(step.date),
            format_html("<p>{}</p>", step.note) if step.note else SafeString(),
            format_html(
                "<p>Date of the engagement: {}{} · state now: {}</p>",
                str(engagement.when) if engagement.when else "date not known",
                format_html(", {}", engagement.location) if engagement.location else "",
                engagement.get_state_display().lower(),
            ),
            _sources(step.citations.all()),
        ),
        fragment=f"engagement-{engagement.pk}",
        categories=(channel.get_track_display(), KIND_LABELS["engagementtransition"]),
    )


def statement_entry(
    statement: Statement, channel: Channel | None = None, *, day: date | None = None
) -> Entry:
    """`channel`: the channel whose feed this is; by default the statement's first channel.
    `day`: where the stream places it (its date, else its first report)."""
    channels = list(statement.channels.all())
    citations = list(statement.citations.all())
    speaker = statement.speaker.name
    if statement.is_verbatim:
        title_words = f"“{_shorten(statement.text)}”"
        words = format_html("<blockquote><p>“{}”</p></blockquote>", statement.text)
    else:
        title_words = f"{_shorten(statement.text)} (paraphrase)"
        words = format_html(
            "<blockquote><p>{} <em>(paraphrase)</em></p></blockquote>", statement.text
        )

    said = statement.said
    if said is None:
        reports = sorted(citation.source.published for citation in citations)
        first = f"first reported {reports[0]}" if reports else "date not known"
        title_when = f"date not known, {first}" if reports else first
        when = _when(None, unknown=f"not known ({first})" if reports else first)
    else:
        title_when = str(said)
        when = _when(said)
    stance = statement.get_stance_display()
    if statement.toward:
        stance = f"{stance} toward {statement.toward.label}"
    tracks = dict.fromkeys(c.get_track_display() for c in channels)
    return Entry(
        kind="statement",
        record=statement,
        channel=channel or channels[0],
        day=day or statement.said_earliest,
        recorded_at=None,
        title=f"{speaker}: {title_words} ({title_when})",
        description=_join(
            words,
            format_html(
                "<p>— {}{} · {}</p>",
                speaker,
                format_html(", {}", statement.venue) if statement.venue else "",
                stance,
            ),
            when,
            format_html(
                "<p>Bears on: {}</p>",
                ", ".join(str(c) for c in channels),
            ),
            _sources(citations),
        ),
        fragment=f"statement-{statement.pk}",
        categories=(*tracks, KIND_LABELS["statement"]),
        author_name=speaker,
    )


# --- Entries from the event stream ------------------------------------------------------------


def latest_entries(channel: Channel | None = None) -> list[Entry]:
    """The newest `MAX_ENTRIES` items of the event stream (`events.selectors.event_stream`) of
    one channel, or of all channels when None: the timeline's first items, in its order."""
    items = event_stream(StreamFilter(channel=channel), limit=MAX_ENTRIES)
    entries = []
    for item in items:
        # item.kind names the record's model ("status", "step", "statement").
        record = item.record
        if isinstance(record, StatusChange):
            entries.append(status_change_entry(record))
        elif isinstance(record, EngagementTransition):
            entries.append(transition_entry(record))
        else:
            entries.append(statement_entry(record, channel, day=item.day))
    return entries


# --- Feeds -------------------------------------------------------------------------------------


class EntriesFeed(Feed):
    """What both feeds share: Atom, and items that are `Entry` objects."""

    feed_type = Atom1Feed
    author_name = SITE_NAME

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Django sets Last-Modified from the newest entry's timestamp, which here is an event's
        # day, not the time of the last edit: an entry recorded today about an older event would
        # leave it unchanged, and caches or conditional GETs would hide the new entry.
        response.headers.pop("Last-Modified", None)
        return response

    def item_title(self, entry: Entry) -> str:
        # Plain text: Atom titles are text constructs, escaped by the XML writer (Django's
        # default escapes again for RSS readers, which would show "&#x27;" in Atom readers).
        return entry.title

    def item_description(self, entry: Entry) -> str:
        return entry.description

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_guid(self, entry: Entry) -> str:
        return entry.guid

    def item_updateddate(self, entry: Entry) -> datetime:
        return entry.updated

    def item_author_name(self, entry: Entry) -> str | None:
        return entry.author_name

    def item_categories(self, entry: Entry) -> tuple[str, ...]:
        return entry.categories


class BoardFeed(EntriesFeed):
    """Every channel: status changes, engagement steps and statements, newest first."""

    title = f"{SITE_NAME} — all channels"
    subtitle = (
        "Status changes, engagement steps and statements on every channel, newest first. "
        + DATES_NOTE
    )
    feed_guid = f"{TAG_PREFIX}feed-board"

    def link(self) -> str:
        return reverse("events:board")

    def items(self) -> list[Entry]:
        return latest_entries()


class ChannelFeed(EntriesFeed):
    """One channel (by slug): its status changes, engagement steps and statements."""

    def get_object(self, request, slug: str) -> Channel:
        # Channel.DoesNotExist becomes a 404 (Feed.__call__).
        return Channel.objects.with_parties().get(slug=slug)

    def title(self, channel: Channel) -> str:
        return f"{SITE_NAME} — {channel}"

    def subtitle(self, channel: Channel) -> str:
        lead = channel.summary or f"Status changes, engagement steps and statements on {channel}."
        return f"{lead} Newest first. {DATES_NOTE}"

    def link(self, channel: Channel) -> str:
        return channel.get_absolute_url()

    def feed_guid(self, channel: Channel) -> str:
        return f"{TAG_PREFIX}feed-channel-{channel.pk}"

    def items(self, channel: Channel) -> list[Entry]:
        return latest_entries(channel)
