"""Atom feeds of what is recorded on the channels: one for the whole board, one per channel.

An entry is one item of the event stream (`events.selectors.event_stream`): a status change, an
engagement lifecycle step, a statement, a sticking point raised or resolved, a counterpart claim
settled or superseded, or a characterisation of an engagement, with its sources. A feed holds
the `MAX_ENTRIES` newest entries.

Which records belong to a feed is decided once for the feeds and the timeline (the selectors'
comments give the rules). A feed reads the stream in its "recorded" order: the record saved last
comes first, which is what feed readers expect and what brings an item recorded today about an
old event to the top (the timeline shows the same list with `?order=recorded`).

Timestamps say when something was recorded, not when it happened:
- `<updated>` is when the record was last saved (`changed_at`; `recorded_at` if it was never
  changed). A sticking point's two entries (raised, resolved) share it.
- `<published>` carries the event's day, at 00:00 UTC: the earliest possible day of its fuzzy
  date (where the stream places it). An entry with no date at all has none.
Because a timestamp looks precise, the title and the text of every entry give the human fuzzy
date ("3–16 September 2025"), and the text says when the published day is only the earliest
possible one.

Links go to the channel's board page: a status change to its status history (`#history`), a
step or a characterisation to its engagement (`#engagement-<pk>`), a statement to the
statements section (`#statements`), a sticking point to `#sticking-points`, a claim to
`#counterparts`. Each entry's id is a tag URI naming the item (`events.selectors.StreamItem.ref`),
so entries never collapse.

Each feed runs a fixed number of queries, however many records there are: the stream's (one per
kind, one for each kind's citations with their sources, one for the statements' channels), plus
one for the channel of a channel feed.

The feed's own `<updated>` is its newest entry's timestamp (Django's rule). The response carries
no Last-Modified header all the same: adding a citation or deleting a record changes a feed
without saving any record it lists, and a conditional GET would then hide the change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import cast

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from events.fuzzydates import FuzzyDate, Precision
from events.models import (
    Channel,
    Characterisation,
    Citation,
    CounterpartClaim,
    EngagementTransition,
    FeedToken,
    Follow,
    Statement,
    StatusChange,
    StickingPoint,
)
from events.roles import can_read
from events.selectors import StreamFilter, StreamItem, StreamRecord, event_stream
from events.views import claim_ending

MAX_ENTRIES = 50
SITE_NAME = "Diplomacy Monitor"
TAG_PREFIX = "tag:diplomacy-monitor,2025:"
QUOTE_LENGTH = 100

WHAT = (
    "Status changes, engagement steps, statements, sticking points raised and resolved, "
    "counterpart claims settled or superseded, and characterisations"
)
DATES_NOTE = (
    "Each entry is updated when it was recorded or last changed, and published at the event's "
    "day. Dates are fuzzy: each entry's title and text give the date as the sources support it "
    "(e.g. “3–16 September 2025”); the published day is only the earliest possible one."
)


# --- Entries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One feed entry: a stream item, the channel whose page it links to, and how it reads."""

    ref: str  # the item's name (StreamItem.ref), the end of its tag URI
    record: StreamRecord
    channel: Channel
    day: date | None  # the day the stream places it at (see the module docstring)
    changed_at: datetime  # when the record was last saved
    title: str
    description: SafeString
    fragment: str
    categories: tuple[str, ...]
    author_name: str | None = None

    @property
    def updated(self) -> datetime:
        return self.changed_at

    @property
    def published(self) -> datetime | None:
        if self.day is None:
            return None
        return datetime.combine(self.day, time.min, tzinfo=UTC)

    @property
    def guid(self) -> str:
        return f"{TAG_PREFIX}{self.ref}"

    @property
    def link(self) -> str:
        return f"{self.channel.get_absolute_url()}#{self.fragment}"


KIND_LABELS = {
    "status": "Status change",
    "step": "Lifecycle step",
    "statement": "Statement",
    "raised": "Sticking point raised",
    "resolved": "Sticking point resolved",
    "claim": "Counterpart claim ended",
    "characterisation": "Characterisation",
}


# --- Text --------------------------------------------------------------------------------------


def _shorten(text: str, limit: int = QUOTE_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def _when(fuzzy: FuzzyDate | None, *, unknown: str = "date not known") -> SafeString:
    """The 'When' line: the human fuzzy date, and a word on what the published day means."""
    if fuzzy is None:
        return format_html("<p><strong>When:</strong> {}</p>", unknown)
    if fuzzy.precision == Precision.DAY:
        return format_html("<p><strong>When:</strong> {}</p>", str(fuzzy))
    return format_html(
        "<p><strong>When:</strong> {} <small>(fuzzy date; the entry's published day is its "
        "earliest possible day, {})</small></p>",
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
        relay = citation.relay
        items.append(
            format_html(
                "<li>{}, <cite>{}</cite> — {}{}, published {}: {}{}</li>",
                source.outlet,
                title,
                source.get_kind_display(),
                format_html(" {}", str(relay)) if relay else "",
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


# --- One entry per item -----------------------------------------------------------------------


def _entry(item: StreamItem, channel: Channel, **parts) -> Entry:
    return Entry(
        ref=item.ref,
        record=item.record,
        channel=channel,
        day=item.day,
        changed_at=item.changed_at or item.recorded_at,
        **parts,
    )


def status_change_entry(item: StreamItem) -> Entry:
    change = cast(StatusChange, item.record)
    channel = change.channel
    return _entry(
        item,
        channel,
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
        categories=(channel.get_track_display(), KIND_LABELS["status"]),
    )


def transition_entry(item: StreamItem) -> Entry:
    step = cast(EngagementTransition, item.record)
    engagement = step.engagement
    channel = engagement.channel
    after = step.get_to_state_display()
    before = step.get_from_state_display() if step.from_state else ""
    change = f"{before.lower()} → {after.lower()}" if before else after.lower()
    return _entry(
        item,
        channel,
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
        categories=(channel.get_track_display(), KIND_LABELS["step"]),
    )


def _first_reported(citations: list[Citation]) -> str:
    reports = sorted(citation.source.published for citation in citations)
    return f"first reported {reports[0]}" if reports else ""


def statement_entry(item: StreamItem, channel: Channel | None = None) -> Entry:
    """`channel`: the channel whose feed this is; by default the statement's first channel."""
    statement = cast(Statement, item.record)
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
        first = _first_reported(citations)
        title_when = f"date not known, {first}" if first else "date not known"
        when = _when(None, unknown=f"not known ({first})" if first else "date not known")
    else:
        title_when = str(said)
        when = _when(said)
    stance = statement.get_stance_display()
    if statement.toward:
        stance = f"{stance} toward {statement.toward.label}"
    tracks = dict.fromkeys(c.get_track_display() for c in channels)
    return _entry(
        item,
        channel or channels[0],
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


def sticking_point_entry(item: StreamItem) -> Entry:
    """A sticking point raised or (another entry) resolved."""
    point = cast(StickingPoint, item.record)
    channel = point.channel
    citations = list(point.citations.all())
    fuzzy = point.raised if item.kind == "raised" else point.resolved
    if fuzzy is None:
        first = _first_reported(citations)
        title_when = f"date not known, {first}" if first else "date not known"
        when = _when(None, unknown=f"not known ({first})" if first else "date not known")
    else:
        title_when, when = str(fuzzy), _when(fuzzy)
    later = (
        format_html("<p>Resolved since: {}.</p>", str(point.resolved))
        if item.kind == "raised" and point.resolved
        else SafeString()
    )
    return _entry(
        item,
        channel,
        title=f"{channel}: sticking point {item.kind} — {point.title} ({title_when})",
        description=_join(
            format_html(
                "<p><strong>{}</strong> ({}, {}): {}</p>",
                point.title,
                point.get_kind_display().lower(),
                str(channel),
                "raised" if item.kind == "raised" else "resolved",
            ),
            when,
            format_html("<p>{}</p>", point.description),
            later,
            _sources(citations),
        ),
        fragment="sticking-points",
        categories=(channel.get_track_display(), KIND_LABELS[item.kind]),
    )


def claim_entry(item: StreamItem) -> Entry:
    """A counterpart claim settled or superseded."""
    claim = cast(CounterpartClaim, item.record)
    channel = claim.channel
    named = [str(p) for p in (claim.counterpart_person, claim.counterpart_office) if p]
    return _entry(
        item,
        channel,
        title=f"{channel}: {claim_ending(claim)} ({claim.ended})",
        description=_join(
            format_html(
                "<p><strong>{}</strong> held that the counterpart of the {} is {}: "
                "<strong>{}</strong>.</p>",
                claim.claimant.label,
                claim.office.title,
                " — ".join(named),
                claim.get_outcome_display().lower(),
            ),
            _when(claim.ended),
            format_html("<p>{}</p>", claim.outcome_note) if claim.outcome_note else SafeString(),
            _sources(claim.citations.all()),
        ),
        fragment="counterparts",
        categories=(channel.get_track_display(), KIND_LABELS["claim"]),
    )


def characterisation_entry(item: StreamItem) -> Entry:
    """A side's description of an engagement, placed at the engagement's date."""
    described = cast(Characterisation, item.record)
    engagement = described.engagement
    channel = engagement.channel
    when = engagement.when
    title_when = str(when) if when else f"recorded {FuzzyDate.day(item.day)}" if item.day else ""
    return _entry(
        item,
        channel,
        title=f"{engagement.title}: {described.side.label} called it “{described.words}” "
        f"({title_when})",
        description=_join(
            format_html(
                "<p>{}’s description of <strong>{}</strong> ({}, {}): “{}”</p>",
                described.side.label,
                engagement.title,
                engagement.get_kind_display().lower(),
                str(channel),
                described.words,
            ),
            _when(when, unknown="the engagement's date is not known; placed when recorded"),
            _sources(described.citations.all()),
        ),
        fragment=f"engagement-{engagement.pk}",
        categories=(channel.get_track_display(), KIND_LABELS["characterisation"]),
        author_name=described.side.label,
    )


# --- Entries from the event stream ------------------------------------------------------------


def latest_entries(
    channel: Channel | None = None, channel_ids: tuple[int, ...] | None = None
) -> list[Entry]:
    """The `MAX_ENTRIES` items of the event stream (`events.selectors.event_stream`) of one
    channel, of the channels `channel_ids`, or of all channels when neither, recorded or changed
    last: the timeline's first items with `?order=recorded`, in its order."""
    where = StreamFilter(channel=channel, channel_ids=channel_ids, order="recorded")
    items = event_stream(where, limit=MAX_ENTRIES)
    entries = []
    for item in items:
        if item.kind == "status":
            entries.append(status_change_entry(item))
        elif item.kind == "step":
            entries.append(transition_entry(item))
        elif item.kind == "statement":
            entries.append(statement_entry(item, channel))
        elif item.kind in ("raised", "resolved"):
            entries.append(sticking_point_entry(item))
        elif item.kind == "claim":
            entries.append(claim_entry(item))
        else:
            entries.append(characterisation_entry(item))
    return entries


# --- Feeds -------------------------------------------------------------------------------------


class EntriesFeed(Feed):
    """What both feeds share: Atom, and items that are `Entry` objects."""

    feed_type = Atom1Feed
    author_name = SITE_NAME

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Django sets Last-Modified from the newest entry's timestamp (the last save of a listed
        # record): a new citation or a deleted record changes the feed without moving it, and
        # caches or conditional GETs would hide the change.
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

    def item_pubdate(self, entry: Entry) -> datetime | None:
        return entry.published

    def item_author_name(self, entry: Entry) -> str | None:
        return entry.author_name

    def item_categories(self, entry: Entry) -> tuple[str, ...]:
        return entry.categories


class BoardFeed(EntriesFeed):
    """Every channel: what was recorded or changed last first (see the module docstring)."""

    title = f"{SITE_NAME} — all channels"
    subtitle = f"{WHAT} on every channel, recorded or changed last first. {DATES_NOTE}"
    feed_guid = f"{TAG_PREFIX}feed-board"

    def link(self) -> str:
        return reverse("events:board")

    def items(self) -> list[Entry]:
        return latest_entries()


class ChannelFeed(EntriesFeed):
    """One channel (by slug): its items, recorded or changed last first."""

    def get_object(self, request, slug: str) -> Channel:
        # Channel.DoesNotExist becomes a 404 (Feed.__call__).
        return Channel.objects.with_parties().get(slug=slug)

    def title(self, channel: Channel) -> str:
        return f"{SITE_NAME} — {channel}"

    def subtitle(self, channel: Channel) -> str:
        lead = channel.summary or f"{WHAT} on {channel}."
        return f"{lead} Recorded or changed last first. {DATES_NOTE}"

    def link(self, channel: Channel) -> str:
        return channel.get_absolute_url()

    def feed_guid(self, channel: Channel) -> str:
        return f"{TAG_PREFIX}feed-channel-{channel.pk}"

    def items(self, channel: Channel) -> list[Entry]:
        return latest_entries(channel)


class FollowedFeed(EntriesFeed):
    """An analyst's private feed: the channels they follow, read with the secret key of their
    address (`FeedToken`) instead of a session, so a feed reader can subscribe. A wrong or
    withdrawn key, or an account that may no longer read the boards, answers 404 — the same
    answer, so the address says nothing about which keys exist."""

    def get_object(self, request, key: str) -> FeedToken:
        token = FeedToken.objects.select_related("user").get(key=key)  # DoesNotExist: 404
        if not can_read(token.user):
            raise Http404("No such feed.")
        return token

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The address is the credential: no shared cache may keep the answer, no search engine
        # list it.
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    def title(self, token: FeedToken) -> str:
        return f"{SITE_NAME} — channels followed by {token.user.get_username()}"

    def subtitle(self, token: FeedToken) -> str:
        return f"{WHAT} on the channels you follow, recorded or changed last first. {DATES_NOTE}"

    def link(self, token: FeedToken) -> str:
        return f"{reverse('events:board')}?mine=1"

    def feed_guid(self, token: FeedToken) -> str:
        return f"{TAG_PREFIX}feed-followed-{token.user_id}"

    def items(self, token: FeedToken) -> list[Entry]:
        followed = Follow.objects.channel_ids_of(token.user)
        return latest_entries(channel_ids=tuple(followed)) if followed else []
