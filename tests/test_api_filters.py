"""The API's filters mean what the site's lists mean (events/filters.py), and a parameter that
cannot be read is a 400 with a message, never a 500 and never silently ignored."""

import base64

import pytest

from events.filters import ActorFilter, EngagementFilter, SourceFilter, StatementFilter
from events.models import Actor, Engagement, Source, Statement

pytestmark = pytest.mark.usefixtures("seeded")


def walk(client, path: str, **params) -> list[dict]:
    """Every row of a list, following `next`."""
    rows, url = [], path
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        rows += page["results"]
        if not page["next"]:
            return rows
        response = client.get(page["next"])


def site_ids(filterset_class, queryset, params) -> set:
    filterset = filterset_class(params, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


ENGAGEMENT_QUERIES = [
    {"channel": "us-china-military"},
    {"party": "china"},
    {"track": "leaders"},
    {"kind": "forum"},
    {"state": "held"},
    {"participant": "pete-hegseth"},
    {"during": "September 2025"},
    {"during": "early September 2025"},
    {"during": "2024"},
    {"q": "Xiangshan"},
    {"q": "summit Trump"},
    {"q": "Malaysia", "state": "held"},
    {"q": "nothingmatchesthis"},
    {"channel": "us-china-military", "during": "17 September 2025"},
]


def test_engagement_filters_match_the_site(client):
    for params in ENGAGEMENT_QUERIES:
        api = {row["id"] for row in walk(client, "/api/engagements/", **params)}
        assert api == site_ids(EngagementFilter, Engagement.objects.all(), params), params


STATEMENT_QUERIES = [
    {"channel": "us-china-military"},
    {"party": "united-states"},
    {"speaker": "pete-hegseth"},
    {"stance": "hostile"},
    {"stance": "conciliatory"},
    {"is_verbatim": "true"},
    {"is_verbatim": "false"},
    {"during": "May 2025"},
    {"during": "2024"},
    {"q": "imminent"},
    {"q": "Hegseth"},
]


def test_statement_filters_match_the_site(client):
    for params in STATEMENT_QUERIES:
        api = {row["id"] for row in walk(client, "/api/statements/", **params)}
        assert api == site_ids(StatementFilter, Statement.objects.all(), params), params


ACTOR_QUERIES = [
    {"kind": "person"},
    {"kind": "state"},
    {"state": "china"},
    {"q": "Pentagon"},
    {"q": "Zhang"},
]


def test_actor_filters_match_the_site(client):
    for params in ACTOR_QUERIES:
        api = {row["slug"] for row in walk(client, "/api/actors/", **params)}
        site = Actor.objects.filter(pk__in=site_ids(ActorFilter, Actor.objects.all(), params))
        assert api == set(site.values_list("slug", flat=True)), params


SOURCE_QUERIES = [
    {"kind": "official_readout"},
    {"outlet": "xinhua"},
    {"during": "2023"},
    {"during": "September 2025"},
    {"q": "Shangri"},
]


def test_source_filters_match_the_site(client):
    for params in SOURCE_QUERIES:
        api = {row["id"] for row in walk(client, "/api/sources/", **params)}
        assert api == site_ids(SourceFilter, Source.objects.all(), params), params


def test_filter_examples_on_the_seed(client):
    """A few answers spelled out, so the comparison above cannot pass on two empty sets."""
    titles = {row["title"] for row in walk(client, "/api/engagements/", during="September 2025")}
    assert titles == {
        "Proposed call between the Pentagon and China's military leadership",
        "Beijing Xiangshan Forum — US participation",
    }
    (forum,) = walk(client, "/api/engagements/", q="Xiangshan")
    assert forum["title"] == "Beijing Xiangshan Forum — US participation"
    (threat,) = walk(client, "/api/statements/", stance="hostile")
    assert threat["text"] == "The threat China poses is real and it could be imminent."
    assert {row["slug"] for row in walk(client, "/api/actors/", q="Pentagon")} == {
        "us-department-of-defense",
        "us-embassy-beijing-defense-attaches",  # “who represent the Pentagon in China”
    }


def test_status_change_filters(client):
    def statuses(**params):
        return [
            (row["channel"].split("/")[-2], row["status"])
            for row in walk(client, "/api/status-changes/", **params)
        ]

    assert statuses() == [("us-china-military", "stalled"), ("us-china-diplomatic", "open")]
    assert statuses(channel="us-china-diplomatic") == [("us-china-diplomatic", "open")]
    assert statuses(status="stalled") == [("us-china-military", "stalled")]
    assert statuses(trend="improving") == [("us-china-diplomatic", "open")]
    assert statuses(track="military") == [("us-china-military", "stalled")]
    assert len(statuses(party="china")) == 2
    assert statuses(during="September 2025") == [("us-china-military", "stalled")]
    assert statuses(during="mid-September 2025") == [("us-china-military", "stalled")]
    assert statuses(during="August 2025") == []
    # The stall (dated 3–16 September) counts from its earliest possible day, as on the boards.
    assert statuses(as_of="2025-09-02") == [("us-china-diplomatic", "open")]
    assert statuses(as_of="2025-09-03") == [
        ("us-china-military", "stalled"),
        ("us-china-diplomatic", "open"),
    ]
    assert len(statuses(as_of="2025-09-16")) == 2


def test_channel_filters(client):
    def slugs(**params):
        return [row["slug"] for row in walk(client, "/api/channels/", **params)]

    assert slugs(track="military") == ["us-china-military"]
    assert slugs(status="stalled") == ["us-china-military"]
    assert slugs(status="open") == ["us-china-diplomatic"]
    assert slugs(status="open", as_of="2025-07-01") == []
    assert len(slugs(party="china")) == 3


def test_counterpart_claim_and_sticking_point_filters(client):
    claims = walk(client, "/api/counterpart-claims/", claimant="china")
    assert [row["counterpart_office"]["title"] for row in claims] == [
        "Minister of National Defense"
    ]
    assert len(walk(client, "/api/counterpart-claims/", counterpart_person="zhang-youxia")) == 1
    points = walk(client, "/api/sticking-points/", kind="remark")
    assert [row["title"] for row in points] == ["Hegseth's remarks on China"]
    assert walk(client, "/api/sticking-points/", state="resolved") == []
    assert len(walk(client, "/api/sticking-points/", during="September 2025")) == 2
    assert walk(client, "/api/sticking-points/", track="diplomatic") == []


def test_empty_parameters_count_as_absent(client):
    """As the site's forms send them: `?kind=&q=` is the unfiltered list."""
    everything = walk(client, "/api/engagements/")
    assert walk(client, "/api/engagements/", kind="", q="", during="", ordering="") == everything
    assert len(walk(client, "/api/channels/", as_of="", page_size="")) == 3


def forged_cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


BAD_PARAMETERS = [
    ("/api/channels/", {"as_of": "notadate"}, "as_of"),
    ("/api/channels/", {"as_of": "2025-02-30"}, "as_of"),
    ("/api/channels/us-china-military/", {"as_of": "yesterday"}, "as_of"),
    ("/api/channels/", {"status": "sleeping"}, "status"),
    ("/api/status-changes/", {"as_of": "01/08/2025"}, "as_of"),
    ("/api/status-changes/", {"channel": "no-such-channel"}, "channel"),
    ("/api/engagements/", {"during": "next tuesday"}, "during"),
    ("/api/engagements/", {"during": "50% of 2025"}, "during"),
    ("/api/engagements/", {"kind": "dinner"}, "kind"),
    ("/api/engagements/", {"participant": "nobody"}, "participant"),
    ("/api/engagements/", {"cursor": "garbage"}, "cursor"),
    ("/api/engagements/", {"cursor": forged_cursor("p=notadate")}, "cursor"),
    ("/api/status-changes/", {"cursor": forged_cursor("p=2025-13-45")}, "cursor"),
    ("/api/counterpart-claims/", {"cursor": forged_cursor("p=abc")}, "cursor"),
    ("/api/engagements/", {"cursor": forged_cursor("o=-1")}, "cursor"),
    ("/api/engagements/", {"ordering": "shoe_size"}, "ordering"),
    ("/api/engagements/", {"ordering": "when,title"}, "ordering"),
    ("/api/engagements/", {"page_size": "0"}, "page_size"),
    ("/api/engagements/", {"page_size": "101"}, "page_size"),
    ("/api/engagements/", {"page_size": "many"}, "page_size"),
    ("/api/statements/", {"is_verbatim": "maybe"}, "is_verbatim"),
    ("/api/statements/", {"stance": "friendly"}, "stance"),
    ("/api/statements/", {"q": "nul\x00byte"}, "q"),
    ("/api/sources/", {"during": "2025-02-30"}, "during"),
    ("/api/sticking-points/", {"state": "stuck"}, "state"),
    ("/api/actors/", {"kind": "robot"}, "kind"),
]


def test_bad_parameters_are_refused_with_a_message(client):
    for path, params, parameter in BAD_PARAMETERS:
        response = client.get(path, params)
        assert response.status_code == 400, (path, params, response.content)
        body = response.json()
        assert body["detail"].startswith("Invalid request."), body
        assert parameter in body["detail"], body
        assert list(body["errors"]) == [parameter], body
        assert all(isinstance(m, str) and m for m in body["errors"][parameter]), body


def test_bad_fuzzy_date_message_explains(client):
    response = client.get("/api/engagements/", {"during": "next tuesday"})
    (message,) = response.json()["errors"]["during"]
    assert message.startswith('"next tuesday" is not a date this app can read. Try ')


def test_cursor_positions_out_of_range_are_refused(client):
    """A forged cursor is read as the ordering column's value would be: a number too large
    for the column is a 400, not a database error."""
    assert (
        client.get("/api/counterpart-claims/", {"cursor": forged_cursor("p=9")}).status_code == 200
    )
    huge = forged_cursor("p=" + "9" * 30)
    assert client.get("/api/counterpart-claims/", {"cursor": huge}).status_code == 400
