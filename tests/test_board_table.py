"""The board as a comparison table: one row per channel named by its parties and track, every
column sortable from its header (server-side, `?sort=`), groups kept as row groups with their
tallies, and a fixed number of queries however many channels and records there are."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.models import Channel, StatusChange
from events.roles import ANALYSTS
from tests.builders import populate
from tests.conftest import make_user, rolled_back, signed_in
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    StateFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
)

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row_names(html: str) -> list[str]:
    """The channel named in each row, top to bottom: "Alpha – Zed · military"."""
    return [text(cell) for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)]


@pytest.fixture
def three():
    """Three channels whose every column sorts differently (see EXPECTED)."""
    zed = StateFactory(name="Zedland", short_name="Zed", slug="zedland")
    made = {}
    for name in ("Alpha", "Beta", "Gamma"):
        party = StateFactory(name=f"{name}land", short_name=name, slug=name.lower())
        made[name] = ChannelFactory(party_a=party, party_b=zed, slug=f"{name.lower()}-zed")
    today = timezone.localdate()
    for name, status, since, trend, confidence in (
        ("Alpha", "open", date(2025, 7, 1), "improving", "high"),
        ("Beta", "stalled", date(2025, 3, 1), "deteriorating", "low"),
        ("Gamma", "frozen", date(2025, 5, 1), "unchanged", "medium"),
    ):
        StatusChangeFactory(
            channel=made[name],
            status=status,
            date_earliest=since,
            date_latest=since,
            trend=trend,
            confidence=confidence,
        )
    reviewed = {"Alpha": 30, "Gamma": 20, "Beta": 10}  # days ago
    for name, days in reviewed.items():
        StatusChange.objects.filter(channel=made[name]).update(
            changed_at=timezone.now() - timedelta(days=days)
        )
    for name, held, expected in (
        ("Alpha", date(2025, 6, 1), date(2026, 12, 1)),
        ("Beta", date(2025, 8, 1), date(2026, 10, 1)),
    ):
        for state, day in (("held", held), ("proposed", expected)):
            EngagementFactory(
                channel=made[name],
                state=state,
                when_earliest=day,
                when_latest=day,
                when_precision="day",
            )
    for name, count in (("Beta", 2), ("Gamma", 1)):
        for _ in range(count):
            StickingPointFactory(channel=made[name], state="open")
    for name, count in (("Alpha", 3), ("Beta", 1)):
        for _ in range(count):
            said = today - timedelta(days=10)
            statement = StatementFactory(said_earliest=said, said_latest=said, said_precision="day")
            statement.channels.add(made[name])
    return made


# Each column's ascending order ("-": the other way round; channels without a value last).
EXPECTED = {
    "channel": ["Alpha", "Beta", "Gamma"],
    "status": ["Gamma", "Beta", "Alpha"],  # frozen, stalled, open: most in trouble first
    "since": ["Beta", "Gamma", "Alpha"],
    "trend": ["Beta", "Gamma", "Alpha"],  # deteriorating, unchanged, improving
    "confidence": ["Beta", "Gamma", "Alpha"],  # low, medium, high
    "last_contact": ["Alpha", "Beta", "Gamma"],  # Gamma: no contact, last both ways
    "next": ["Beta", "Alpha", "Gamma"],  # Gamma: nothing expected
    "sticking": ["Alpha", "Gamma", "Beta"],
    "activity": ["Gamma", "Beta", "Alpha"],
    "reviewed": ["Alpha", "Gamma", "Beta"],
}
WITHOUT_VALUE = {"last_contact": "Gamma", "next": "Gamma"}


@pytest.mark.parametrize("column", EXPECTED)
def test_sorting_by_each_column_both_ways(client, three, column):
    ascending = client.get(f"/?group=none&sort={column}").content.decode()
    descending = client.get(f"/?group=none&sort=-{column}").content.decode()

    order = [name.split(" ")[0] for name in row_names(ascending)]
    assert order == EXPECTED[column]
    reverse = [name.split(" ")[0] for name in row_names(descending)]
    last = WITHOUT_VALUE.get(column)
    expected_reverse = [n for n in reversed(EXPECTED[column]) if n != last] + (
        [last] if last else []
    )
    assert reverse == expected_reverse
    # The header says which column sorts the table, and its link turns the order round.
    header = rf'class="board-table__{column}" aria-sort="ascending"><a href="\?[^"]*sort=-{column}'
    assert re.search(header, ascending)
    assert re.search(rf'class="board-table__{column}" aria-sort="descending"', descending)
    assert ascending.count("aria-sort=") == 1


def test_rows_are_named_by_parties_and_track(client):
    us = StateFactory(name="United States", short_name="US", slug="us")
    china = StateFactory(name="China", short_name="China", slug="china")
    for track in ("military", "diplomatic", "leaders"):
        ChannelFactory(party_a=us, party_b=china, track=track, slug=f"us-china-{track}")

    names = row_names(client.get("/?group=none").content.decode())

    assert names == ["US – China · diplomatic", "US – China · leaders", "US – China · military"]


def test_status_groups_stay_as_row_groups_with_their_tallies_whatever_the_sort(client, three):
    html = client.get("/?sort=-sticking").content.decode()

    groups = [text(g) for g in re.findall(r'<th colspan="11" scope="rowgroup">(.*?)</th>', html)]
    assert groups == ["✕ Frozen 1 channel", "‖ Stalled 1 channel", "● Open 1 channel"]
    assert html.count("<tbody>") == 3
    assert [name.split(" ")[0] for name in row_names(html)] == ["Gamma", "Beta", "Alpha"]


def test_an_unknown_sort_says_so_and_shows_the_usual_order(client, three):
    response = client.get("/?sort=nonsense")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice. nonsense is not one of the available choices." in html
    assert [name.split(" ")[0] for name in row_names(html)] == ["Gamma", "Beta", "Alpha"]


def test_sorting_keeps_the_filters_and_filtering_keeps_the_sort(client, three):
    html = client.get("/?track=military&sort=since").content.decode()

    assert re.search(r'href="\?track=military&amp;sort=next"', html)
    assert '<input type="hidden" name="sort" value="since">' in html


# --- Query counts ---------------------------------------------------------------------------------

BOARD_PAGES = {
    "board": "/",
    "board, my channels, sorted by activity": "/?mine=1&sort=-activity",
    "board sorted by next expected, as of": "/?sort=next&as_of=2025-09-20&group=none",
}


def count_queries(client, url: str, *, cached: bool = False) -> tuple[int, str]:
    client.get(url)  # the steady state: a visit already on record, content types cached
    if not cached:
        cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), "\n".join(q["sql"] for q in context.captured_queries)


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Each board page's queries for an analyst who follows every channel, on a little data and
    on a lot (more channels than a page shows), rendered afresh and from the cache."""
    with rolled_back(django_db_blocker):
        user = make_user(get_user_model(), "analyst", ANALYSTS)
        analyst = signed_in(user)

        def measure(*, cached: bool):
            for channel in Channel.objects.all():
                services.channel_follow(user=user, channel=channel)
            return {
                name: count_queries(analyst, url, cached=cached)
                for name, url in BOARD_PAGES.items()
            }

        populate(channels=2, per_channel=2)
        small = measure(cached=False), measure(cached=True)
        populate(channels=50, per_channel=3)
        large = measure(cached=False), measure(cached=True)
    return {"small": small, "large": large}


# Rendered afresh with an empty cache: the shell (session, user, two permission look-ups), the
# data version, the analyst's follows and visit (read, update), the strip (one query per kind of
# record, one for the statements' channels, one for the channels that changed), and the table.
# From the cache: the session, the user and the data version; the rest is cached per analyst.
EXPECTED_QUERIES = {
    # (rendered afresh, from the cache): 26 = 4 shell + 1 data version + 1 follows + 2 visit
    # + 8 strip + 1 changed channels + the table's 9.
    "board": (26, 3),
    "board, my channels, sorted by activity": (26, 3),
    "board sorted by next expected, as of": (26, 3),
}


@pytest.mark.parametrize("page", BOARD_PAGES)
def test_board_query_count_is_fixed_for_a_signed_in_analyst_with_follows(measured, page):
    (fresh_small, _), (cached_small, _) = measured["small"][0][page], measured["small"][1][page]
    (fresh_large, sql), (cached_large, cached_sql) = (
        measured["large"][0][page],
        measured["large"][1][page],
    )
    assert fresh_small == fresh_large, sql
    assert cached_small == cached_large, cached_sql
    assert (fresh_large, cached_large) == EXPECTED_QUERIES[page], sql
