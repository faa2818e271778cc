"""Every API list runs a fixed number of SQL queries, however many rows it returns (no N+1):
measured at 2 and at 20 of every record, each with its related rows and citations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Characterisation, CounterpartClaim, Interpretation, OfficeHolding
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

LISTS = [
    "/api/channels/",
    "/api/status-changes/",
    "/api/engagements/",
    "/api/statements/",
    "/api/actors/",
    "/api/counterpart-claims/",
    "/api/sticking-points/",
    "/api/sources/",
]


def populate(count: int) -> None:
    """`count` channels, each with one of every record linked to it, every record cited (each
    citation from its own source, so sources cite every kind of fact)."""
    for _ in range(count):
        channel = ChannelFactory()
        cite(channel)
        cite(StatusChangeFactory(channel=channel))
        engagement = EngagementFactory(channel=channel, initiator=channel.party_a)
        cite(engagement)
        cite(TransitionFactory(engagement=engagement))
        cite(ParticipationFactory(engagement=engagement))
        cite(
            Characterisation.objects.create(engagement=engagement, side=channel.party_a, words="ok")
        )
        statement = StatementFactory(toward=channel.party_b)
        statement.channels.add(channel)
        cite(statement)
        cite(
            Interpretation.objects.create(
                statement=statement, side=channel.party_a, emphasis="highlights", reading="…"
            )
        )
        office = OfficeFactory()
        cite(office)
        cite(OfficeHolding.objects.create(person=statement.speaker, office=office))
        claim = CounterpartClaim.objects.create(
            channel=channel,
            office=office,
            claimant=channel.party_a,
            counterpart_office=OfficeFactory(),
            counterpart_person=statement.speaker,
        )
        cite(claim)
        point = StickingPointFactory(channel=channel)
        point.statements.add(statement)
        point.counterpart_claims.add(claim)
        point.engagements.add(engagement)
        cite(point)


def measure(client, path: str) -> tuple[int, int, str]:
    """(queries, rows) for one page of up to 100 rows, after a first request that fills the
    per-process caches (content types)."""
    client.get(path, {"page_size": 100})
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": 100})
    assert response.status_code == 200, response.content
    sql = "\n".join(query["sql"] for query in context.captured_queries)
    return len(context.captured_queries), len(response.json()["results"]), sql


def test_list_query_counts_do_not_grow_with_rows(client):
    populate(2)
    small = {path: measure(client, path) for path in LISTS}
    populate(18)
    large = {path: measure(client, path) for path in LISTS}
    for path in LISTS:
        (queries_small, rows_small, sql_small) = small[path]
        (queries_large, rows_large, sql_large) = large[path]
        assert rows_large > rows_small, path
        assert queries_small == queries_large, (
            f"{path}: {queries_small} queries for {rows_small} rows, "
            f"{queries_large} for {rows_large}.\n--- small ---\n{sql_small}\n"
            f"--- large ---\n{sql_large}"
        )


# Four queries authenticate and authorise (session, user, the user's and their groups'
# permissions); then the page, and one query per prefetched relation.
EXPECTED = {
    "/api/channels/": 7,  # + page, citations, current status
    "/api/status-changes/": 6,  # + page, citations
    "/api/engagements/": 13,  # + participants, steps, characterisations with their citations…
    "/api/statements/": 10,  # + interpretations and their citations, channels, sticking points
    "/api/actors/": 8,  # + citations, office holdings and their citations
    "/api/counterpart-claims/": 7,  # + citations, sticking points
    "/api/sticking-points/": 9,  # + citations, statements, claims, engagements
    "/api/sources/": 18,  # + citations, then one query per kind of fact cited (here 12)
}


def test_list_query_counts_are_as_expected(client):
    """The numbers themselves, so that a new query per page is a deliberate change."""
    populate(3)
    assert {path: measure(client, path)[0] for path in LISTS} == EXPECTED


@pytest.mark.parametrize(
    "path",
    ["/api/engagements/", "/api/statements/", "/api/channels/"],
)
def test_detail_query_counts_do_not_grow_with_related_rows(client, path):
    populate(1)
    first = client.get(path).json()["results"][0]["url"]
    client.get(first)
    with CaptureQueriesContext(connection) as small:
        client.get(first)
    populate(10)
    with CaptureQueriesContext(connection) as large:
        client.get(first)
    assert len(small.captured_queries) == len(large.captured_queries)
