"""Every page beyond the board and the channel board (tests/test_query_counts.py) runs the same
number of SQL queries with a little data as with a lot: lists (plain, searched, filtered), their
CSV and JSON downloads and htmx fragments, the timeline, actor pages, as-of boards and feeds."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Actor
from events.roles import ANALYSTS
from tests.builders import populate
from tests.conftest import make_user, rolled_back, signed_in

# Forty-odd pages measured at two data sizes: slow, so run by CI (`-m slow`), not `make test`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


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

# Each page: its URL on the data `populate` made (a `World`), and htmx headers if any.
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
    "statements page 2": lambda d: q("/statements/", sort="speaker", page=2),
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
    "actors page 2": lambda d: q("/actors/", sort="-kind", page=2),
    "actors csv": lambda d: q("/actors/", format="csv"),
    "actors json": lambda d: q("/actors/", format="json"),
    "actors filtered csv": lambda d: q("/actors/", kind="person", q="Person", format="csv"),
    "actors filtered json": lambda d: q("/actors/", kind="person", q="Person", format="json"),
    "sources": lambda d: "/sources/",
    "sources searched": lambda d: q("/sources/", q="Outlet"),
    "sources filtered": lambda d: q(
        "/sources/", kind="major_outlet", outlet="Outlet", during="September 2025", sort="outlet"
    ),
    "sources page 2": lambda d: q("/sources/", sort="outlet", page=2),
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
    "timeline by recording": lambda d: q("/timeline/", order="recorded", page=2),
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


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[str, dict[str, tuple[str, int, str]]]:
    """Every page's URL and queries (count, SQL) on a little data and on a lot, the data built
    once for all of them: the "small" world, then the "large" one added to it."""

    def measure_every_page(world) -> dict[str, tuple[str, int, str]]:
        measured = {}
        for page in [*PAGES, *HTMX]:
            name, headers = HTMX.get(page, (page, None))
            url = PAGES[name](world)
            measured[page] = (url, *count_queries(client, url, headers))
        return measured

    with rolled_back(django_db_blocker):
        client = signed_in(make_user(get_user_model(), "analyst", ANALYSTS))
        small = measure_every_page(populate(channels=1, per_channel=2))
        # 27 of each: more than a page of 25.
        large = measure_every_page(populate(channels=3, per_channel=9))
    return {"small": small, "large": large}


@pytest.mark.parametrize("page", [*PAGES, *HTMX])
def test_page_query_count_does_not_grow_with_rows(measured, page):
    url_small, queries_small, sql_small = measured["small"][page]
    url_large, queries_large, sql_large = measured["large"][page]

    assert queries_small == queries_large, (
        f"{page}: {queries_small} queries with little data, {queries_large} with more.\n"
        f"--- small: {url_small} ---\n{sql_small}\n"
        f"--- large: {url_large} ---\n{sql_large}"
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
