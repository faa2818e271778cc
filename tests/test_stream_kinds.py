"""The event stream's later kinds — sticking points raised and resolved, counterpart claims
settled or superseded, characterisations — on the timeline and in the feeds; and the feeds'
timestamps: `updated` is when the record was saved, `published` the event's day."""

import re
from datetime import UTC, date, datetime, timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Characterisation, CounterpartClaim, StickingPoint
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    OfficeFactory,
    StatusChangeFactory,
    StickingPointFactory,
    cite,
)
from tests.test_feeds import board_url, channel_url, moment, parse, to_the_second
from tests.test_timeline import entries, get

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_feeds")]

TIMELINE = "/timeline/"


def fuzzy_fields(name: str, earliest: date, latest: date, precision: str) -> dict:
    return {
        f"{name}_earliest": earliest,
        f"{name}_latest": latest,
        f"{name}_precision": precision,
    }


@pytest.fixture
def story(db):
    """A channel whose counterpart dispute was raised in August, settled by a call held on
    16 September (which one side then described), and resolved with it; plus a
    characterisation of an engagement with no date."""
    channel = ChannelFactory(slug="story")
    point = StickingPointFactory(
        channel=channel,
        title="Who takes the call",
        kind="counterpart_dispute",
        state="resolved",
        description="The sides named different counterparts.",
        **fuzzy_fields("raised", date(2025, 8, 1), date(2025, 8, 31), "month"),
        **fuzzy_fields("resolved", date(2025, 9, 16), date(2025, 9, 16), "day"),
    )
    cite(point, passage="The dispute over the counterpart was settled by the call.")
    claim = CounterpartClaim.objects.create(
        channel=channel,
        office=OfficeFactory(title="Defence Minister"),
        claimant=channel.party_a,
        counterpart_office=OfficeFactory(title="Vice Chairman"),
        outcome="settled",
        outcome_note="The call was held with the minister the other side proposed.",
        **fuzzy_fields("ended", date(2025, 9, 16), date(2025, 9, 16), "day"),
    )
    cite(claim, passage="The call was held with the minister.")
    call = EngagementFactory(
        channel=channel,
        title="Video call of the defence chiefs",
        state="held",
        **fuzzy_fields("when", date(2025, 9, 16), date(2025, 9, 16), "day"),
    )
    described = Characterisation.objects.create(
        engagement=call, side=channel.party_a, words="candid and useful"
    )
    cite(described, passage="One side called the call candid and useful.")
    undated = Characterisation.objects.create(
        engagement=EngagementFactory(
            channel=channel,
            title="Talks at some point",
            state="held",
            when_earliest=None,
            when_latest=None,
            when_precision="",
        ),
        side=channel.party_b,
        words="frank",
    )
    cite(undated, passage="The other side called the talks frank.")
    standing = CounterpartClaim.objects.create(
        channel=channel,
        office=OfficeFactory(title="Chief of Staff"),
        claimant=channel.party_b,
        counterpart_office=OfficeFactory(title="Joint Chief"),
    )
    cite(standing)
    return {
        "channel": channel,
        "point": point,
        "claim": claim,
        "described": described,
        "undated": undated,
    }


def test_timeline_shows_raised_and_resolved_sticking_points_settled_claims_characterisations(
    client, story
):
    claimant = story["channel"].party_a.label
    shown = entries(get(client, f"{TIMELINE}?channel=story"))

    # The undated engagement's description sits at the day it was recorded (today), and says
    # that its date is not known.
    assert shown[0] == (
        f"Talks at some point: {story['channel'].party_b.label} called it “frank”",
        "date not known",
    )
    # Same day (16 September): the one recorded last first.
    assert shown[1:] == [
        (
            f"Video call of the defence chiefs: {claimant} called it “candid and useful”",
            "16 September 2025",
        ),
        (
            f"{claimant}’s view of the counterpart of the Defence Minister: settled",
            "16 September 2025",
        ),
        ("Who takes the call: resolved", "16 September 2025"),
        ("Who takes the call: raised", "August 2025"),
    ]
    html = get(client, f"{TIMELINE}?channel=story")
    assert "The call was held with the minister the other side proposed." in html
    assert 'id="stickingpoint-{}-resolved"'.format(story["point"].pk) in html
    assert 'id="counterpartclaim-{}-ended"'.format(story["claim"].pk) in html
    assert '<a href="/channels/story/#counterparts">' in html
    assert '<a href="/channels/story/#sticking-points">' in html
    assert f'<a href="/channels/story/#engagement-{story["described"].engagement_id}">' in html
    # The standing claim has not ended: it is not an event.
    assert "Chief of Staff" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=raised", ["Who takes the call: raised"]),
        ("kind=resolved", ["Who takes the call: resolved"]),
        ("kind=claim", ["view of the counterpart of the Defence Minister: settled"]),
        ("kind=characterisation&during=September 2025", ["called it “candid and useful”"]),
        ("during=August 2025", ["Who takes the call: raised"]),
    ],
)
def test_timeline_filters_the_new_kinds(client, story, query, expected):
    titles = [title for title, _ in entries(get(client, f"{TIMELINE}?channel=story&{query}"))]
    assert len(titles) == len(expected)
    for title, end in zip(titles, expected, strict=True):
        assert title.endswith(end)


def test_a_resolution_saved_recently_counts_as_recent(client, story):
    long_ago = timezone.now() - timedelta(days=90)
    StickingPoint.objects.filter(pk=story["point"].pk).update(recorded_at=long_ago)
    for model in (CounterpartClaim, Characterisation):
        model.objects.update(recorded_at=long_ago, changed_at=long_ago)
    titles = [title for title, _ in entries(get(client, f"{TIMELINE}?channel=story&days=7"))]
    # Raised long ago, but the record was changed (resolved) today.
    assert titles == ["Who takes the call: resolved", "Who takes the call: raised"]


def test_feeds_carry_the_new_kinds(client, story):
    for url in (board_url(), channel_url("story")):
        feed = parse(client, url)
        by_id = {entry.id.rsplit(":", 1)[1]: entry for entry in feed.entries}
        assert set(by_id) == {
            f"stickingpoint-{story['point'].pk}-raised",
            f"stickingpoint-{story['point'].pk}-resolved",
            f"counterpartclaim-{story['claim'].pk}-ended",
            f"characterisation-{story['described'].pk}",
            f"characterisation-{story['undated'].pk}",
        }
        resolved = by_id[f"stickingpoint-{story['point'].pk}-resolved"]
        assert resolved.title == (
            f"{story['channel']}: sticking point resolved — Who takes the call (16 September 2025)"
        )
        assert "The dispute over the counterpart was settled by the call." in resolved.summary
        assert resolved.link.endswith("/channels/story/#sticking-points")
        raised = by_id[f"stickingpoint-{story['point'].pk}-raised"]
        assert "Resolved since: 16 September 2025." in raised.summary
        claim = by_id[f"counterpartclaim-{story['claim'].pk}-ended"]
        assert "settled" in claim.title and "16 September 2025" in claim.title
        assert "the minister the other side proposed" in claim.summary
        assert claim.link.endswith("/channels/story/#counterparts")
        described = by_id[f"characterisation-{story['described'].pk}"]
        assert "“candid and useful”" in described.title
        assert described.published == "2025-09-16T00:00:00+00:00"
        assert {tag.term for tag in described.tags} == {"Military-to-military", "Characterisation"}


def test_feed_updated_is_when_each_record_was_recorded_or_changed(client, story):
    """feedparser reads each entry's `updated` as its record's last save, not the event day."""
    saved = {
        story["point"]: datetime(2026, 11, 2, 8, 15, 30, tzinfo=UTC),
        story["claim"]: datetime(2026, 11, 3, 9, 0, 0, tzinfo=UTC),
        story["described"]: datetime(2026, 10, 30, 17, 45, 5, tzinfo=UTC),
    }
    for record, when in saved.items():
        type(record).objects.filter(pk=record.pk).update(
            recorded_at=when - timedelta(days=20), changed_at=when
        )
    undated = Characterisation.objects.get(pk=story["undated"].pk)

    feed = feedparser.parse(client.get(channel_url("story")).content)

    updated = {entry.id.rsplit(":", 1)[1]: moment(entry.updated_parsed) for entry in feed.entries}
    point = story["point"].pk
    assert updated == {
        f"stickingpoint-{point}-raised": saved[story["point"]],
        f"stickingpoint-{point}-resolved": saved[story["point"]],
        f"counterpartclaim-{story['claim'].pk}-ended": saved[story["claim"]],
        f"characterisation-{story['described'].pk}": saved[story["described"]],
        f"characterisation-{undated.pk}": to_the_second(undated.changed_at),
    }
    # Newest saved first; the event day is the published date.
    assert [moment(e.updated_parsed) for e in feed.entries] == sorted(
        updated.values(), reverse=True
    )
    published = {e.id.rsplit(":", 1)[1]: e.get("published") for e in feed.entries}
    assert published[f"stickingpoint-{point}-raised"] == "2025-08-01T00:00:00+00:00"
    assert published[f"counterpartclaim-{story['claim'].pk}-ended"] == "2025-09-16T00:00:00+00:00"


def test_an_item_recorded_today_about_an_old_event_tops_the_feed(client):
    channel = ChannelFactory()
    for day in range(1, 61):
        change = cite(
            StatusChangeFactory(
                channel=channel, date_earliest=date(2025, 8, 1), date_latest=date(2025, 8, 1)
            )
        ).fact
        earlier = datetime(2025, 8, 2, tzinfo=UTC) + timedelta(hours=day)
        type(change).objects.filter(pk=change.pk).update(recorded_at=earlier, changed_at=earlier)
    old_news = cite(
        StatusChangeFactory(
            channel=channel,
            explanation="Reported only now.",
            date_earliest=date(2024, 9, 1),
            date_latest=date(2024, 9, 1),
        )
    ).fact

    feed = parse(client, channel_url(channel.slug))

    first = feed.entries[0]
    assert "Reported only now." in first.summary
    assert moment(first.updated_parsed) == to_the_second(old_news.changed_at)
    assert first.published == "2024-09-01T00:00:00+00:00"
    # By the event's date, the timeline puts it last.
    html = get(client, f"{TIMELINE}?channel={channel.slug}&page=3")
    assert re.findall(r'<p class="muted">(.*?)</p>', html)[-1] == "Reported only now."


def timeline_queries(client, query: str, *, cached: bool = False) -> int:
    client.get(f"{TIMELINE}?{query}")  # fills the content-type cache
    if not cached:
        cache.clear()  # the results are cached per data version: measure them read afresh
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"{TIMELINE}?{query}").status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("order", ["event", "recorded"])
def test_timeline_runs_a_fixed_number_of_queries_with_every_kind(client, db, order):
    def add(records: int):
        channel = ChannelFactory(slug=f"chan-{records}")
        for _ in range(records):
            point = StickingPointFactory(
                channel=channel,
                state="resolved",
                **fuzzy_fields("resolved", date(2025, 9, 1), date(2025, 9, 1), "day"),
            )
            cite(point)
            cite(
                CounterpartClaim.objects.create(
                    channel=channel,
                    office=OfficeFactory(),
                    claimant=channel.party_a,
                    counterpart_office=OfficeFactory(),
                    outcome="superseded",
                    **fuzzy_fields("ended", date(2025, 9, 2), date(2025, 9, 2), "day"),
                )
            )
            cite(
                Characterisation.objects.create(
                    engagement=EngagementFactory(channel=channel), side=channel.party_a, words="ok"
                )
            )
            cite(StatusChangeFactory(channel=channel))
        return channel

    add(1)
    small = timeline_queries(client, f"order={order}")
    add(15)
    large = timeline_queries(client, f"order={order}")
    assert small == large
    # Session, user, and their permissions (the cache was emptied); the party filter's choices;
    # the data version the results are cached under; a count per kind (7); per kind its sort
    # keys (7), then its rows, and their citations where there are rows (none for steps and
    # statements here, so neither their citations nor the statements' channels are queried).
    assert large == 2 + 2 + 1 + 1 + 7 + 7 + 7 + 5
    # From the cache: the sign-in, the party filter's choices and the data version.
    assert timeline_queries(client, f"order={order}", cached=True) == 2 + 1 + 1
