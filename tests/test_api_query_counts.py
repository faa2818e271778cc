"""Every API list runs a fixed number of SQL queries, however many rows it returns (no N+1):
measured at 2 and at 20 of every record, each with its related rows and citations."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.roles import ANALYSTS
from tests.builders import populate
from tests.conftest import make_user, rolled_back, signed_in

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
    populate(channels=2, per_channel=1)
    small = {path: measure(client, path) for path in LISTS}
    populate(channels=18, per_channel=1)
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


# Two queries authenticate (session, user; the user's permissions come from the cache,
# events.access); then the page, and one query per prefetched relation.
EXPECTED = {
    "/api/channels/": 5,  # + page, citations, current status
    "/api/status-changes/": 4,  # + page, citations
    "/api/engagements/": 11,  # + participants, steps, characterisations with their citations…
    "/api/statements/": 8,  # + interpretations and their citations, channels, sticking points
    "/api/actors/": 6,  # + citations, office holdings and their citations
    "/api/counterpart-claims/": 5,  # + citations, sticking points
    "/api/sticking-points/": 7,  # + citations, statements, claims, engagements
    "/api/sources/": 16,  # + citations, then one query per kind of fact cited (here 12)
}


def test_list_query_counts_are_as_expected(client):
    """The numbers themselves, so that a new query per page is a deliberate change."""
    populate(channels=3, per_channel=1)
    assert {path: measure(client, path)[0] for path in LISTS} == EXPECTED


DETAILS = ["/api/engagements/", "/api/statements/", "/api/channels/"]


@pytest.fixture(scope="module")
def detail_queries(django_db_setup, django_db_blocker) -> dict[str, tuple[int, int]]:
    """For each of DETAILS: the queries of its first record's detail with one of every related
    record, then with ten more channels' worth added (the data built once for all three)."""
    with rolled_back(django_db_blocker):
        client = signed_in(make_user(get_user_model(), "analyst", ANALYSTS))
        populate(channels=1, per_channel=1)
        firsts = {path: client.get(path).json()["results"][0]["url"] for path in DETAILS}
        small = {path: detail_query_count(client, url) for path, url in firsts.items()}
        populate(channels=10, per_channel=1)
        large = {path: detail_query_count(client, url) for path, url in firsts.items()}
    return {path: (small[path], large[path]) for path in DETAILS}


def detail_query_count(client, url: str) -> int:
    client.get(url)  # fills the per-process caches (content types)
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


@pytest.mark.parametrize("path", DETAILS)
def test_detail_query_counts_do_not_grow_with_related_rows(detail_queries, path):
    small, large = detail_queries[path]
    assert small == large, (
        f"{path}: {small} queries with one of each related row, {large} with more"
    )
