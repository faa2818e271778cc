"""The event stream: the timeline and the Atom feeds read the same records in the same order,
for the whole board and for one channel, undated statements and same-day ties included."""

import re
from datetime import date, timedelta

import feedparser
import pytest
from django.utils import timezone

from events.models import EngagementTransition, Statement, StatusChange
from events.selectors import StreamFilter, event_stream
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    SourceFactory,
    StatementFactory,
    StatusChangeFactory,
    TransitionFactory,
    cite,
)
from tests.test_feeds import board_url, channel_url

# The feeds' URLs are this module's too (tests/test_feeds.py names them).
pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_feeds")]

TIMELINE = "/timeline/"


@pytest.fixture
def busy_channels(db):
    """Two channels with 64 records of every kind: same-day ties across kinds, fuzzy dates,
    statements on both channels, an undated statement placed by its first report and one with
    neither a date nor a source."""
    first, second = ChannelFactory(slug="first"), ChannelFactory(slug="second")
    start = date(2025, 1, 1)
    for i in range(20):
        day = start + timedelta(days=3 * (i // 2))
        channel = first if i % 2 else second
        StatusChangeFactory(
            channel=channel,
            date_earliest=day,
            date_latest=day + timedelta(i % 3),
            date_precision="range" if i % 3 else "day",
        )
        TransitionFactory(
            engagement=EngagementFactory(channel=channel),
            date_earliest=day,
            date_latest=day,
        )
        statement = StatementFactory(said_earliest=day, said_latest=day, said_precision="day")
        statement.channels.add(channel, *([first] if i % 5 == 0 else []))
    undated = StatementFactory(text="Undated, first reported in mid-January.")
    undated.channels.add(first)
    cite(
        undated,
        SourceFactory(published_earliest=date(2025, 1, 15), published_latest=date(2025, 1, 15)),
    )
    StatementFactory(text="Undated and unsourced.").channels.add(second)
    return first, second


def feed_refs(client, url: str) -> list[str]:
    feed = feedparser.parse(client.get(url).content)
    return [entry.id.rsplit(":", 1)[1] for entry in feed.entries]


def timeline_refs(client, query: str = "") -> list[str]:
    refs = []
    for page in (1, 2):
        html = client.get(f"{TIMELINE}?{query}&page={page}").content.decode()
        refs += re.findall(r'<li class="timeline__entry[^"]*" id="([a-z]+-\d+(?:-[a-z]+)?)">', html)
    return refs


def test_timeline_and_board_feed_list_the_same_items_in_the_same_order(client, busy_channels):
    # The feeds list what was saved last first: the timeline's "recorded" order.
    feed = feed_refs(client, board_url())
    assert len(feed) == 50
    assert timeline_refs(client, "order=recorded") == feed
    # The undated statement sits at its first report (15 January), among the dated records;
    # the one with no source either comes last (by date; the feeds put both near the top,
    # as they were recorded last).
    undated, unsourced = (
        f"statement-{Statement.objects.get(text__startswith=start).pk}"
        for start in ("Undated, first", "Undated and unsourced")
    )
    by_date = timeline_refs(client)
    assert 10 < by_date.index(undated) < 40
    assert unsourced not in by_date


@pytest.mark.parametrize("slug", ["first", "second"])
def test_timeline_and_channel_feed_agree_for_one_channel(client, busy_channels, slug):
    assert timeline_refs(client, f"channel={slug}&order=recorded") == feed_refs(
        client, channel_url(slug)
    )


def test_undated_statements_are_placed_alike(client, busy_channels):
    refs = timeline_refs(client, "channel=first")
    html = client.get(f"{TIMELINE}?channel=first&kind=statement").content.decode()
    assert "Undated, first reported in mid-January." in html
    assert "date not known" in html
    assert len(refs) == len(feed_refs(client, channel_url("first")))


@pytest.mark.parametrize("order", ["event", "recorded"])
def test_every_window_of_the_stream_is_the_same_slice_of_the_whole(busy_channels, order):
    """Deep pages read by keyset (a boundary key, then each kind's rows from it) give exactly
    the items a whole read gives at those places: same-moment ties across kinds, fuzzy and
    missing dates, a statement on two channels and a dateless one included."""
    # Ties on the moment too: a status change, a step and a statement saved "at once".
    moment = timezone.now()
    for model in (StatusChange, EngagementTransition, Statement):
        model.objects.filter(pk__in=model.objects.order_by("pk").values("pk")[:6]).update(
            recorded_at=moment, changed_at=moment
        )
    where = StreamFilter(order=order)
    whole = [item.ref for item in event_stream(where, limit=1000)]
    assert len(whole) > 60
    for offset in range(0, len(whole), 7):
        window = [item.ref for item in event_stream(where, limit=7, offset=offset)]
        assert window == whole[offset : offset + 7], offset
    assert event_stream(where, limit=7, offset=len(whole)) == []
