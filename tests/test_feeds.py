"""Atom feeds of the board and of each channel: the seed's records with their dates, sources and
links; valid Atom; escaped text; a fixed number of queries. Entries are updated when their record
was saved and published at the event's day; the newest saved come first."""

from datetime import UTC, date, datetime
from time import struct_time
from urllib.parse import urlsplit

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

import diplomacy.urls
import events.urls
from events.feeds import MAX_ENTRIES, BoardFeed, ChannelFeed
from events.models import (
    Characterisation,
    CounterpartClaim,
    Statement,
    StatusChange,
)
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    OfficeFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
    cite,
)

# Until events/urls.py names the feeds, this module is the URLconf: the events patterns plus
# the two feeds (in the "events" namespace), and everything else the site includes (admin).
events_patterns = (
    [
        *events.urls.urlpatterns,
        path("feeds/board.atom", BoardFeed(), name="feed_board"),
        path("channels/<slug:slug>/feed.atom", ChannelFeed(), name="feed_channel"),
    ],
    "events",
)
urlpatterns = [
    path("", include(events_patterns)),
    *[p for p in diplomacy.urls.urlpatterns if getattr(p, "namespace", None) != "events"],
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

MILITARY = "US–China military-to-military"
REPORT = "Online news report (outlet not recorded)"


def board_url() -> str:
    return reverse("events:feed_board")


def channel_url(slug: str) -> str:
    return reverse("events:feed_channel", args=[slug])


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response


def parse(client, url: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(fetch(client, url).content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def by_title(feed) -> dict:
    return {entry.title: entry for entry in feed.entries}


def day_of(parsed: struct_time) -> date:
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)


def moment(parsed: struct_time) -> datetime:
    """A feed timestamp as an aware datetime (to the second, as feedparser reads it)."""
    return datetime(*parsed[:6], tzinfo=UTC)


def to_the_second(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


# --- The seed -------------------------------------------------------------------------------------


def test_military_feed_has_the_seeds_status_change_step_and_statements(client, seeded):
    feed = parse(client, channel_url("us-china-military"))

    assert feed.feed.title == f"Diplomacy Monitor — {MILITARY}"
    assert urlsplit(feed.feed.link).path == "/channels/us-china-military/"
    entries = by_title(feed)
    assert set(entries) == {
        f"{MILITARY}: status Stalled (3–16 September 2025)",
        "Proposed call between the Pentagon and China's military leadership: proposed "
        "(3–16 September 2025)",
        "Beijing Xiangshan Forum — US participation: scheduled (3–16 September 2025)",
        "Pete Hegseth: “The threat China poses is real and it could be imminent.” (31 May 2025)",
        "Pete Hegseth: “We will not instigate nor seek to subjugate or humiliate” (31 May 2025)",
        f"{MILITARY}: sticking point raised — Hegseth's remarks on China (3–16 September 2025)",
        f"{MILITARY}: sticking point raised — Who is Hegseth's counterpart (3–16 September 2025)",
    }

    stalled = entries[f"{MILITARY}: status Stalled (3–16 September 2025)"]
    # Updated when the record was saved; published at the event's earliest possible day.
    change = StatusChange.objects.get(channel__slug="us-china-military")
    assert moment(stalled.updated_parsed) == to_the_second(change.changed_at)
    assert stalled.published == "2025-09-03T00:00:00+00:00"
    assert urlsplit(stalled.link).path == "/channels/us-china-military/"
    assert urlsplit(stalled.link).fragment.startswith("status-change-")
    assert "When:</strong> 3–16 September 2025" in stalled.summary
    assert "published day is its earliest possible day, 3 September 2025" in stalled.summary
    assert "Beijing has not accepted" in stalled.summary  # the explanation
    assert REPORT in stalled.summary
    assert "published 3–16 September 2025" in stalled.summary
    assert "the 3 September parade; Beijing has not accepted" in stalled.summary  # the passage
    assert {tag.term for tag in stalled.tags} == {"Military-to-military", "Status change"}

    call = next(e for t, e in entries.items() if t.startswith("Proposed call"))
    assert call.published == "2025-09-03T00:00:00+00:00"
    # The report relays Nikkei Asia for this passage.
    assert "Secondary report relaying Nikkei Asia — another outlet" in call.summary
    assert urlsplit(call.link).fragment.startswith("engagement-")
    assert "Proposal reported; Beijing has not accepted." in call.summary  # the note
    assert "Date of the engagement: early September 2025 · state now: proposed" in call.summary
    assert "first senior military-to-military contact" in call.summary  # the passage
    assert {tag.term for tag in call.tags} == {"Military-to-military", "Lifecycle step"}

    threat = next(e for t, e in entries.items() if "threat China poses" in t)
    assert threat.published == "2025-05-31T00:00:00+00:00"
    assert threat.author == "Pete Hegseth"
    assert urlsplit(threat.link).fragment.startswith("statement-")
    assert "“The threat China poses is real and it could be imminent.”" in threat.summary
    assert "Shangri-La Dialogue, Singapore" in threat.summary
    assert "Hostile toward China" in threat.summary
    assert "US Department of Defense" in threat.summary  # the transcript that dates it
    assert "published 31 May 2025" in threat.summary
    assert {tag.term for tag in threat.tags} == {"Military-to-military", "Statement"}


def test_board_feed_has_entries_from_all_three_channels(client, seeded):
    feed = parse(client, board_url())

    assert feed.feed.title == "Diplomacy Monitor — all channels"
    assert urlsplit(feed.feed.link).path == "/"
    paths = {urlsplit(entry.link).path for entry in feed.entries}
    assert paths == {
        "/channels/us-china-military/",
        "/channels/us-china-diplomatic/",
        "/channels/us-china-leaders/",
    }
    titles = set(by_title(feed))
    assert "US–China diplomatic: status Open (11 July 2025)" in titles
    assert "Rubio meets China's Foreign Minister in Malaysia: held (11 July 2025)" in titles
    assert "Anticipated Trump–Xi summit: proposed (3–16 September 2025)" in titles
    assert f"{MILITARY}: status Stalled (3–16 September 2025)" in titles
    assert (
        "Rubio meets China's Foreign Minister in Malaysia: US called it “constructive and "
        "pragmatic” (11 July 2025)" in titles
    )
    assert len(feed.entries) == 11


@pytest.mark.parametrize("slug", [None, "us-china-military", "us-china-diplomatic"])
def test_every_entry_links_to_a_channel_page_and_has_a_unique_id(client, seeded, slug):
    feed = parse(client, board_url() if slug is None else channel_url(slug))

    assert feed.entries
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("tag:diplomacy-monitor,2025:") for i in ids)
    for entry in feed.entries:
        link = urlsplit(entry.link)
        assert link.fragment
        if slug is not None:
            assert link.path == f"/channels/{slug}/"
        page = client.get(link.path)
        assert page.status_code == 200, entry.link
        assert f'id="{link.fragment}"' in page.content.decode(), entry.link


@pytest.mark.parametrize("slug", [None, "us-china-military"])
def test_entries_run_newest_recorded_first(client, seeded, slug):
    feed = parse(client, board_url() if slug is None else channel_url(slug))

    updated = [entry.updated_parsed for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)


def test_feed_is_valid_atom_with_its_own_id_self_link_and_author(client, seeded):
    response = fetch(client, channel_url("us-china-military"))
    feed = feedparser.parse(response.content)

    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert feed.feed.id.startswith("tag:diplomacy-monitor,2025:feed-channel-")
    assert feed.feed.author == "Diplomacy Monitor"
    assert "fuzzy" in feed.feed.subtitle
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert [urlsplit(href).path for href in self_links] == ["/channels/us-china-military/feed.atom"]
    # The feed's own <updated> is its newest entry's: the last save of a record it lists.
    assert feed.feed.updated_parsed == max(entry.updated_parsed for entry in feed.entries)
    # No Last-Modified: a new citation changes a feed without saving a record (events.feeds).
    assert not response.has_header("Last-Modified")
    for entry in feed.entries:
        assert entry.title and entry.link and entry.id and entry.updated and entry.summary


def test_unknown_channel_is_404(client, seeded):
    assert client.get(channel_url("no-such-channel")).status_code == 404


# --- Factory data ---------------------------------------------------------------------------------


def test_channel_feed_leaves_out_other_channels(client):
    mine, other = ChannelFactory(), ChannelFactory()
    cite(StatusChangeFactory(channel=mine, explanation="Mine."))
    cite(StatusChangeFactory(channel=other, explanation="Other."))
    cite(TransitionFactory(engagement=EngagementFactory(channel=other)))
    statement = StatementFactory(text="Said about the other channel.")
    statement.channels.add(other)
    cite(statement)

    feed = parse(client, channel_url(mine.slug))

    assert len(feed.entries) == 1
    assert "Mine." in feed.entries[0].summary
    assert len(parse(client, board_url()).entries) == 4


def test_text_is_escaped(client):
    channel = ChannelFactory(party_a__short_name="<b>A</b>")
    attack = "<script>alert(1)</script>"
    cite(
        StatusChangeFactory(channel=channel, explanation=f"Explained {attack}"),
        source=SourceFactory(outlet=f"Outlet {attack}", url="javascript:alert(1)"),
        passage=f"Passage {attack}",
    )
    cite(
        TransitionFactory(
            engagement=EngagementFactory(channel=channel, title=f"Meeting {attack}"),
            note=f"Note {attack}",
        )
    )
    statement = StatementFactory(text=f"Words {attack}", venue=f"Venue {attack}")
    statement.channels.add(channel)
    cite(statement)

    response = fetch(client, channel_url(channel.slug))
    xml = response.content.decode()

    assert "<script" not in xml
    assert "<b>" not in xml
    assert "javascript:" not in xml
    # Text inside the HTML summaries is escaped once for HTML and once more for XML.
    assert "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in xml
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert len(feed.entries) == 3
    for entry in feed.entries:
        assert "<script" not in entry.summary
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry.summary
    # Titles are Atom text: the reader gets the characters, never markup.
    assert any(entry.title.startswith("Meeting <script>") for entry in feed.entries)
    assert "<title>Meeting &lt;script&gt;alert(1)&lt;/script&gt;: proposed" in xml


def test_fuzzy_dates_and_a_statement_without_a_date(client):
    channel = ChannelFactory()
    cite(
        StatusChangeFactory(
            channel=channel,
            date_earliest=date(2025, 7, 1),
            date_latest=date(2025, 9, 30),
            date_precision="quarter",
        )
    )
    undated = StatementFactory(text="Undated words.", is_verbatim=False)
    undated.channels.add(channel)
    cite(
        undated,
        source=SourceFactory(
            published_earliest=date(2025, 9, 1),
            published_latest=date(2025, 9, 10),
            published_precision="part_of_month",
        ),
    )

    feed = parse(client, channel_url(channel.slug))

    statement, status = feed.entries  # early September is newer than Q3 (from 1 July)
    assert status.title.endswith(": status Open (Q3 2025)")
    assert status.published == "2025-07-01T00:00:00+00:00"
    assert "Q3 2025" in status.summary
    assert statement.title == (
        f"{undated.speaker.name}: Undated words. (paraphrase) "
        "(date not known, first reported early September 2025)"
    )
    assert statement.published == "2025-09-01T00:00:00+00:00"
    assert "not known (first reported early September 2025)" in statement.summary
    assert "(paraphrase)" in statement.summary


def test_the_last_saved_entry_comes_first(client):
    channel = ChannelFactory()
    first = cite(StatusChangeFactory(channel=channel, explanation="First.")).fact
    second = cite(StatusChangeFactory(channel=channel, explanation="Second.")).fact
    saved = {first: datetime(2025, 7, 14, tzinfo=UTC), second: datetime(2025, 7, 13, tzinfo=UTC)}
    for record, when in saved.items():
        type(record).objects.filter(pk=record.pk).update(recorded_at=when, changed_at=when)

    feed = parse(client, channel_url(channel.slug))

    assert ["First." in e.summary for e in feed.entries] == [True, False]
    assert [moment(e.updated_parsed) for e in feed.entries] == list(saved.values())


def test_at_most_fifty_entries_the_last_saved(client):
    channel = ChannelFactory()
    for day in range(1, 31):
        change = cite(
            StatusChangeFactory(
                channel=channel,
                date_earliest=date(2025, 6, day),
                date_latest=date(2025, 6, day),
            )
        ).fact
        statement = StatementFactory(
            said_earliest=date(2025, 8, day),
            said_latest=date(2025, 8, day),
            said_precision="day",
        )
        statement.channels.add(channel)
        cite(statement)
        # The status changes (June events) were saved after the statements (August events).
        for record, month in ((change, 11), (statement, 10)):
            saved = datetime(2025, month, day, 9, 30, tzinfo=UTC)
            type(record).objects.filter(pk=record.pk).update(recorded_at=saved, changed_at=saved)

    for url in (channel_url(channel.slug), board_url()):
        feed = parse(client, url)
        assert len(feed.entries) == MAX_ENTRIES
        saved = [moment(entry.updated_parsed) for entry in feed.entries]
        assert saved[0] == datetime(2025, 11, 30, 9, 30, tzinfo=UTC)
        assert saved[-1] == datetime(2025, 10, 11, 9, 30, tzinfo=UTC)
        assert sum(e.title.startswith("Person ") for e in feed.entries) == 20
        assert day_of(feed.entries[0].published_parsed) == date(2025, 6, 30)


def test_board_feed_leaves_out_statements_on_no_channel(client):
    cite(StatementFactory(text="Not about any channel."))
    channel = ChannelFactory()
    on_channel = StatementFactory(text="About a channel.", speaker=PersonFactory())
    on_channel.channels.add(channel)
    cite(on_channel)

    feed = parse(client, board_url())

    assert [entry.title for entry in feed.entries] == [
        f"{on_channel.speaker.name}: “About a channel.” "
        "(date not known, first reported 5 September 2025)"
    ]
    assert Statement.objects.count() == 2


# --- Queries --------------------------------------------------------------------------------------


def populate(records: int):
    """A channel with `records` of every kind of feed entry, cited: status changes, engagement
    steps, statements, sticking points raised and resolved, settled claims, characterisations."""
    channel = ChannelFactory()
    september = {"earliest": date(2025, 9, 1), "latest": date(2025, 9, 1), "precision": "day"}
    for _ in range(records):
        cite(StatusChangeFactory(channel=channel))
        engagement = EngagementFactory(channel=channel)
        cite(TransitionFactory(engagement=engagement))
        cite(
            StickingPointFactory(
                channel=channel,
                state="resolved",
                **{f"resolved_{part}": value for part, value in september.items()},
            )
        )
        cite(
            CounterpartClaim.objects.create(
                channel=channel,
                office=OfficeFactory(),
                claimant=channel.party_a,
                counterpart_office=OfficeFactory(),
                outcome="settled",
                **{f"ended_{part}": value for part, value in september.items()},
            )
        )
        cite(
            Characterisation.objects.create(
                engagement=engagement, side=channel.party_a, words="Good"
            )
        )
        statement = StatementFactory(
            said_earliest=date(2025, 9, 1), said_latest=date(2025, 9, 1), said_precision="day"
        )
        statement.channels.add(channel, ChannelFactory())
        cite(statement)
        cite(statement)
    return channel


def count_queries(client, url: str) -> tuple[int, int, str]:
    client.get(url)  # the first request fills the content-type cache
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    entries = len(feedparser.parse(response.content).entries)
    return len(context.captured_queries), entries, "\n".join(q["sql"] for q in context)


@pytest.mark.parametrize("which", ["board", "channel"])
def test_feeds_run_a_fixed_number_of_queries(client, which):
    small = populate(2)
    url = board_url() if which == "board" else channel_url(small.slug)
    queries_small, entries_small, sql_small = count_queries(client, url)

    large = populate(20)
    url = board_url() if which == "board" else channel_url(large.slug)
    queries_large, entries_large, sql_large = count_queries(client, url)

    # Per record: a status change, a step, a statement, a sticking point raised and resolved
    # (two entries), a claim settled, a characterisation.
    assert (entries_small, entries_large) == (14, MAX_ENTRIES)
    assert queries_small == queries_large, f"--- 2 ---\n{sql_small}\n--- 20 ---\n{sql_large}"
    # Two of these are the signed-in reader: session and user (the permissions are cached).
    assert queries_large == {"board": 17, "channel": 18}[which], sql_large
