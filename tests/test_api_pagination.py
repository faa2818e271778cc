"""Cursor pagination: walk `next` to the end and every row comes once, in a stable order."""

from datetime import date, timedelta

import pytest

from events.models import StatusChange
from tests.factories import ChannelFactory, EngagementFactory, StatementFactory, StatusChangeFactory

pytestmark = pytest.mark.django_db

ROWS = 60


def walk(client, path: str, **params) -> tuple[list[dict], int]:
    """(every row, number of pages), following `next` links."""
    rows, pages = [], 0
    response = client.get(path, params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        rows += page["results"]
        pages += 1
        if not page["next"]:
            return rows, pages
        response = client.get(page["next"])


def walk_back(client, url: str) -> list[dict]:
    """Every row before `url`'s page and on it, following `previous` links."""
    rows = []
    while url:
        page = client.get(url).json()
        rows = page["results"] + rows
        url = page["previous"]
    return rows


def status_history(channel, count: int) -> list[StatusChange]:
    """`count` status changes on `channel`, several on the same day (ties for the cursor)."""
    start = date(2020, 1, 1)
    changes = []
    for i in range(count):
        day = start + timedelta(days=i // 3)
        changes.append(
            StatusChangeFactory(
                channel=channel,
                status=["open", "limited", "stalled", "frozen"][i % 4],
                date_earliest=day,
                date_latest=day,
            )
        )
    return changes


def test_status_history_walks_to_the_end_without_duplicates(client):
    channel = ChannelFactory()
    changes = status_history(channel, ROWS)
    status_history(ChannelFactory(), 5)  # another channel's, filtered out

    rows, pages = walk(client, "/api/status-changes/", channel=channel.slug)
    ids = [row["id"] for row in rows]
    assert pages == 3  # 25 + 25 + 10
    assert len(ids) == len(set(ids)) == ROWS
    # Newest first; on the same day, the latest recorded first.
    expected = sorted(changes, key=lambda c: (c.date_earliest, c.pk), reverse=True)
    assert ids == [c.pk for c in expected]

    again, _ = walk(client, "/api/status-changes/", channel=channel.slug)
    assert [row["id"] for row in again] == ids


def test_previous_links_walk_back_to_the_start(client):
    channel = ChannelFactory()
    status_history(channel, ROWS)
    forward, _ = walk(client, "/api/status-changes/", channel=channel.slug, page_size=7)
    last_page = client.get("/api/status-changes/", {"channel": channel.slug, "page_size": 7}).json()
    while last_page["next"]:
        last_page = client.get(last_page["next"]).json()
    assert last_page["previous"]
    backward = walk_back(client, last_page["previous"]) + last_page["results"]
    assert [row["id"] for row in backward] == [row["id"] for row in forward]


def test_rows_added_while_walking_do_not_shift_the_pages(client):
    channel = ChannelFactory()
    status_history(channel, ROWS)
    first = client.get("/api/status-changes/", {"channel": channel.slug}).json()
    # A change dated before all others arrives; it belongs at the end, not in the next page.
    StatusChangeFactory(
        channel=channel, date_earliest=date(2019, 1, 1), date_latest=date(2019, 1, 1)
    )
    seen = [row["id"] for row in first["results"]]
    url = first["next"]
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == ROWS + 1


def test_engagements_walk_with_undated_ones_last(client):
    channel = ChannelFactory()
    dated = [
        EngagementFactory(
            channel=channel,
            when_earliest=date(2025, 1, 1) + timedelta(days=i // 4),
            when_latest=date(2025, 1, 1) + timedelta(days=i // 4),
            when_precision="day",
        )
        for i in range(ROWS - 10)
    ]
    undated = [
        EngagementFactory(channel=channel, when_earliest=None, when_latest=None, when_precision="")
        for _ in range(10)
    ]
    rows, pages = walk(client, "/api/engagements/", channel=channel.slug)
    ids = [row["id"] for row in rows]
    assert pages == 3
    assert len(ids) == len(set(ids)) == ROWS
    expected = sorted(dated, key=lambda e: (e.when_earliest, e.pk)) + sorted(
        undated, key=lambda e: e.pk
    )
    assert ids == [e.pk for e in expected]
    assert all(row["when"] is None for row in rows[-10:])

    rows, _ = walk(client, "/api/engagements/", channel=channel.slug, ordering="-when")
    assert [row["id"] for row in rows] == [e.pk for e in reversed(expected)]


def test_ordering_by_title_is_stable_on_ties(client):
    channel = ChannelFactory()
    made = [EngagementFactory(channel=channel, title=f"Call {i % 7}") for i in range(ROWS)]
    rows, _ = walk(client, "/api/engagements/", ordering="title", page_size=9)
    assert [row["id"] for row in rows] == [
        e.pk for e in sorted(made, key=lambda e: (e.title, e.pk))
    ]
    rows, _ = walk(client, "/api/engagements/", ordering="-title", page_size=9)
    assert [row["id"] for row in rows] == [
        e.pk for e in sorted(made, key=lambda e: (e.title, e.pk), reverse=True)
    ]


def test_statements_walk_newest_first(client):
    made = []
    for i in range(ROWS):
        day = date(2025, 1, 1) + timedelta(days=i // 5) if i % 6 else None
        made.append(
            StatementFactory(
                said_earliest=day, said_latest=day, said_precision="day" if day else ""
            )
        )
    rows, pages = walk(client, "/api/statements/")
    assert pages == 3
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == ROWS
    expected = sorted(made, key=lambda s: (s.said_earliest or date.min, s.pk), reverse=True)
    assert ids == [s.pk for s in expected]


@pytest.mark.parametrize(
    "path",
    [
        "/api/channels/",
        "/api/actors/",
        "/api/sources/",
        "/api/counterpart-claims/",
        "/api/sticking-points/",
    ],
)
def test_every_list_is_paginated_by_cursor(client, path, seeded):
    first = client.get(path, {"page_size": 1}).json()
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 1
    assert "cursor=" in first["next"]
    assert first["previous"] is None
    rows, pages = walk(client, path, page_size=1)
    keys = [row["url"] for row in rows]
    assert len(keys) == len(set(keys)) == pages
    assert len(keys) == len(client.get(path, {"page_size": 100}).json()["results"])


def test_page_size_is_bounded(client):
    channel = ChannelFactory()
    status_history(channel, 30)
    assert len(client.get("/api/status-changes/").json()["results"]) == 25
    assert len(client.get("/api/status-changes/", {"page_size": 100}).json()["results"]) == 30
    assert client.get("/api/status-changes/", {"page_size": 1000}).status_code == 400
