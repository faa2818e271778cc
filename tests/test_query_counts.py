"""Every page runs a fixed number of SQL queries, however many rows exist (no N+1)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import CounterpartClaim, Interpretation
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    OfficeFactory,
    ParticipationFactory,
    StatementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
    cite,
)

pytestmark = pytest.mark.django_db


def populate(channels: int, per_channel: int) -> list:
    """`channels` channels, each with `per_channel` of every related record, all cited."""
    made = []
    for _ in range(channels):
        channel = ChannelFactory()
        for i in range(per_channel):
            cite(StatusChangeFactory(channel=channel, status=["open", "stalled"][i % 2]))
            engagement = EngagementFactory(channel=channel, state=["proposed", "held"][i % 2])
            cite(engagement)
            cite(TransitionFactory(engagement=engagement))
            cite(ParticipationFactory(engagement=engagement))
            statement = StatementFactory()
            statement.channels.add(channel)
            cite(statement)
            cite(
                Interpretation.objects.create(
                    statement=statement, side=channel.party_a, emphasis="highlights", reading="…"
                )
            )
            claim = CounterpartClaim.objects.create(
                channel=channel,
                office=OfficeFactory(),
                claimant=channel.party_a,
                counterpart_office=OfficeFactory(),
            )
            cite(claim)
            point = StickingPointFactory(channel=channel)
            point.statements.add(statement)
            point.counterpart_claims.add(claim)
            cite(point)
        made.append(channel)
    return made


def count_queries(client, url: str, *, cached: bool = False) -> tuple[int, str]:
    # Measure the steady state: the first request fills the per-process content-type cache.
    client.get(url)
    if not cached:
        cache.clear()  # render the page afresh, as after an edit
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    sql = "\n".join(query["sql"] for query in context.captured_queries)
    return len(context.captured_queries), sql


@pytest.mark.parametrize("page_name", ["board", "channel_detail"])
def test_page_query_count_does_not_grow_with_rows(client, page_name):
    # Two of each per channel at least: one engagement still open, one held (a past one).
    small = populate(channels=2, per_channel=2)
    url_small = reverse("events:board") if page_name == "board" else small[0].get_absolute_url()
    queries_small, sql_small = count_queries(client, url_small)

    large = populate(channels=12, per_channel=14)  # more than a channel page shows
    url_large = reverse("events:board") if page_name == "board" else large[0].get_absolute_url()
    queries_large, sql_large = count_queries(client, url_large)

    assert queries_small == queries_large, (
        f"{page_name}: {queries_small} queries with little data, {queries_large} with more.\n"
        f"--- small ---\n{sql_small}\n--- large ---\n{sql_large}"
    )
    # Five of these are the signed-in analyst (session, user, two permission look-ups) and the
    # data version that keys the page cache.
    expected = {"board": 16, "channel_detail": 36}[page_name]
    assert queries_large == expected, f"{page_name} ran {queries_large} queries:\n{sql_large}"


@pytest.mark.parametrize("page_name", ["board", "channel_detail"])
def test_cached_page_runs_only_the_sign_in_and_data_version_queries(client, page_name):
    channels = populate(channels=3, per_channel=2)
    url = reverse("events:board") if page_name == "board" else channels[0].get_absolute_url()
    queries, sql = count_queries(client, url, cached=True)
    # Session, user, two permission look-ups, and the data version that keys the cache.
    assert queries == 5, sql
    assert "events_dataversion" in sql.splitlines()[-1]
