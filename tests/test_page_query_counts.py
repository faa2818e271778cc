"""Every page beyond the board and the channel board (tests/test_query_counts.py) runs the same
number of SQL queries with a little data as with a lot: lists (plain, searched, filtered), their
CSV and JSON downloads and htmx fragments, the timeline, actor pages, as-of boards and feeds."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Actor, Characterisation, CounterpartClaim, Interpretation, OfficeHolding
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    OfficeFactory,
    ParticipationFactory,
    PersonFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
    cite,
)

# Forty-odd pages measured at two data sizes: slow, so run by CI (`-m slow`), not `make test`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEPT_1 = {"date_earliest": date(2025, 9, 1), "date_latest": date(2025, 9, 1)}


@dataclass
class Data:
    """What one `populate` call made: names the URLs below need."""

    channel: str  # slug of the first channel
    party: str  # slug of its first party
    hub: str  # slug of a person in every engagement, the speaker of every statement
    status: str  # the first channel's status today


def populate(channels: int, per_channel: int) -> Data:
    """`channels` channels, each with `per_channel` of every record a page shows — status
    changes, engagements (with steps, participants, descriptions), statements (with readings),
    counterpart claims, sticking points, offices held — every one cited (each citation with a
    source of its own). One person takes part in all of it."""
    hub = PersonFactory()
    made = []
    for _ in range(channels):
        channel = ChannelFactory()
        for i in range(per_channel):
            cite(StatusChangeFactory(channel=channel, status=["open", "stalled"][i % 2]))
            held = i % 2 == 1
            engagement = EngagementFactory(channel=channel, state="held" if held else "proposed")
            cite(engagement)
            cite(TransitionFactory(engagement=engagement))
            if held:
                cite(
                    TransitionFactory(
                        engagement=engagement, from_state="proposed", to_state="held", **SEPT_1
                    )
                )
            cite(ParticipationFactory(engagement=engagement, actor=hub))
            cite(ParticipationFactory(engagement=engagement))
            cite(
                Characterisation.objects.create(
                    engagement=engagement, side=channel.party_a, words="constructive"
                )
            )
            statement = StatementFactory(
                speaker=hub,
                stance=["hostile", "neutral"][i % 2],
                toward=channel.party_b,
                said_earliest=date(2025, 8, 1),
                said_latest=date(2025, 8, 31),
                said_precision="month",
                venue="Somewhere",
            )
            statement.channels.add(channel)
            cite(statement)
            cite(
                Interpretation.objects.create(
                    statement=statement, side=channel.party_a, emphasis="highlights", reading="…"
                )
            )
            office = OfficeFactory()
            cite(
                OfficeHolding.objects.create(
                    person=hub,
                    office=office,
                    start_earliest=date(2025, 1, 1),
                    start_latest=date(2025, 1, 31),
                    start_precision="month",
                )
            )
            claim = CounterpartClaim.objects.create(
                channel=channel,
                office=office,
                claimant=channel.party_a,
                counterpart_office=OfficeFactory(),
                counterpart_person=PersonFactory(),
            )
            cite(claim)
            point = StickingPointFactory(
                channel=channel,
                raised_earliest=date(2025, 8, 1),
                raised_latest=date(2025, 8, 1),
                raised_precision="day",
            )
            point.statements.add(statement)
            point.counterpart_claims.add(claim)
            cite(point)
        made.append(channel)
    Actor.objects.filter(kind="state").update(region="europe")
    first = made[0]
    status = first.status_changes.newest_first().first().status
    return Data(channel=first.slug, party=first.party_a.slug, hub=hub.slug, status=status)


def count_queries(client, url: str, headers: dict | None = None) -> tuple[int, str]:
    """Queries of one request (downloads read to the end), after a warm-up request that fills
    per-process caches (content types)."""

    def fetch():
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    fetch()
    cache.clear()  # measure the page rendered afresh, not a cached body
    with CaptureQueriesContext(connection) as context:
        fetch()
    sql = "\n".join(query["sql"] for query in context.captured_queries)
    return len(context.captured_queries), sql


def q(path: str, **params) -> str:
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


AS_OF = "2025-09-20"

# Each page: how to build its URL from what `populate` made, and htmx headers if any.
PAGES = {
    "board as of": lambda d: q("/", as_of=AS_OF),
    "board filtered": lambda d: q("/", party=d.party, region="europe", group="track"),
    "board by status": lambda d: q("/", status=d.status, q="State", page=2),
    "board searched by party name": lambda d: q("/", q="State", group="none"),
    "channel board as of": lambda d: q(f"/channels/{d.channel}/", as_of=AS_OF),
    "engagements": lambda d: "/engagements/",
    "engagements searched": lambda d: q("/engagements/", q="Meeting"),
    "engagements filtered": lambda d: q(
        "/engagements/",
        party=d.party,
        state="proposed",
        kind="meeting",
        track="military",
        participant=d.hub,
        during="September 2025",
        sort="-when",
    ),
    "engagements by channel": lambda d: q("/engagements/", channel=d.channel),
    "engagements page 2": lambda d: q("/engagements/", sort="title", page=2),
    "engagements with a bad filter": lambda d: q("/engagements/", during="next tuesday"),
    "engagements csv": lambda d: q("/engagements/", format="csv"),
    "engagements json": lambda d: q("/engagements/", format="json"),
    "engagements filtered csv": lambda d: q(
        "/engagements/", participant=d.hub, q="Meeting", format="csv"
    ),
    "engagements filtered json": lambda d: q(
        "/engagements/", participant=d.hub, q="Meeting", format="json"
    ),
    "statements": lambda d: "/statements/",
    "statements searched": lambda d: q("/statements/", q="words"),
    "statements filtered": lambda d: q(
        "/statements/",
        channel=d.channel,
        speaker=d.hub,
        stance="hostile",
        is_verbatim="true",
        during="2025",
        sort="speaker",
    ),
    "statements csv": lambda d: q("/statements/", format="csv"),
    "statements json": lambda d: q("/statements/", format="json"),
    "statements filtered csv": lambda d: q(
        "/statements/", stance="hostile", q="words", format="csv"
    ),
    "statements filtered json": lambda d: q(
        "/statements/", stance="hostile", q="words", format="json"
    ),
    "actors": lambda d: "/actors/",
    "actors searched": lambda d: q("/actors/", q="Person"),
    "actors filtered": lambda d: q("/actors/", kind="person", sort="-name"),
    "actors csv": lambda d: q("/actors/", format="csv"),
    "actors json": lambda d: q("/actors/", format="json"),
    "actors filtered csv": lambda d: q("/actors/", kind="person", q="Person", format="csv"),
    "actors filtered json": lambda d: q("/actors/", kind="person", q="Person", format="json"),
    "sources": lambda d: "/sources/",
    "sources searched": lambda d: q("/sources/", q="Outlet"),
    "sources filtered": lambda d: q(
        "/sources/", kind="major_outlet", outlet="Outlet", during="September 2025", sort="outlet"
    ),
    "sources csv": lambda d: q("/sources/", format="csv"),
    "sources json": lambda d: q("/sources/", format="json"),
    "sources filtered csv": lambda d: q("/sources/", kind="major_outlet", q="Outlet", format="csv"),
    "sources filtered json": lambda d: q(
        "/sources/", kind="major_outlet", q="Outlet", format="json"
    ),
    "timeline": lambda d: "/timeline/",
    "timeline filtered": lambda d: q(
        "/timeline/", kind=["status", "statement"], during="2025", days=30, party=d.party
    ),
    "timeline by channel": lambda d: q("/timeline/", channel=d.channel, track="military"),
    "timeline page 2": lambda d: q("/timeline/", page=2),
    "actor page": lambda d: f"/actors/{d.hub}/",
    "board feed": lambda d: "/feeds/board.atom",
    "api channels": lambda d: "/api/channels/",
    "api channels as of": lambda d: q("/api/channels/", as_of=AS_OF),
    "api statements": lambda d: q("/api/statements/", speaker=d.hub),
    "api statements searched": lambda d: q("/api/statements/", q="words"),
    "api engagements": lambda d: q("/api/engagements/", channel=d.channel),
    "api counterpart claims": lambda d: "/api/counterpart-claims/",
    "api sticking points": lambda d: "/api/sticking-points/",
    "api sources": lambda d: "/api/sources/",
    "api status changes": lambda d: "/api/status-changes/",
    "channel feed": lambda d: f"/channels/{d.channel}/feed.atom",
}

HTMX = {
    "engagements htmx": ("engagements filtered", {"HX-Request": "true"}),
    "statements htmx": ("statements searched", {"HX-Request": "true"}),
    "timeline htmx": ("timeline filtered", {"HX-Request": "true"}),
}


@pytest.mark.parametrize("page", [*PAGES, *HTMX])
def test_page_query_count_does_not_grow_with_rows(client, page):
    name, headers = HTMX.get(page, (page, None))
    url_for = PAGES[name]

    small = populate(channels=1, per_channel=2)
    queries_small, sql_small = count_queries(client, url_for(small), headers)

    large = populate(channels=3, per_channel=9)  # 27 of each: more than a page of 25
    queries_large, sql_large = count_queries(client, url_for(large), headers)

    assert queries_small == queries_large, (
        f"{page}: {queries_small} queries with little data, {queries_large} with more.\n"
        f"--- small: {url_for(small)} ---\n{sql_small}\n"
        f"--- large: {url_for(large)} ---\n{sql_large}"
    )


def test_the_populated_data_reaches_every_page(client):
    """The pages above are measured on data they really show (not on empty results)."""
    data = populate(channels=1, per_channel=2)
    hub = Actor.objects.get(slug=data.hub)
    checks = {
        PAGES["engagements filtered"](data): "Meeting",
        PAGES["statements filtered"](data): "Words number",
        PAGES["actors filtered"](data): hub.name,
        PAGES["sources filtered"](data): "Outlet",
        PAGES["timeline filtered"](data): "Words number",
        PAGES["timeline by channel"](data): "Because.",
        PAGES["actor page"](data): "Minister",
        PAGES["channel board as of"](data): "Obstacle",
    }
    for url, expected in checks.items():
        html = client.get(url).content.decode()
        assert expected in html, f"{url} does not show {expected!r}"
        assert "match these filters" not in html and "Nothing matches" not in html, url
