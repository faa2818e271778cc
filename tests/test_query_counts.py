"""Every page runs a fixed number of SQL queries, however many rows exist (no N+1)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.roles import ANALYSTS, EDITORS
from tests.builders import populate
from tests.conftest import make_user, rolled_back, signed_in

pytestmark = pytest.mark.django_db

# The pages measured, by name: their URL on the data `populate` made.
PAGES = {
    "board": lambda world: reverse("events:board"),
    "channel_detail": lambda world: world.channels[0].get_absolute_url(),
    # The same page for an editor: with the actions beside each item (events.editor_actions).
    "channel_detail_editor": lambda world: world.channels[0].get_absolute_url(),
}
EDITOR_PAGES = {"channel_detail_editor"}


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


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[str, dict[str, tuple[int, str]]]:
    """Each page's queries (count, SQL) on a little data and on a lot, the data built once for
    every page: the "small" world, then the "large" one added to it."""
    with rolled_back(django_db_blocker):
        analyst = signed_in(make_user(get_user_model(), "analyst", ANALYSTS))
        editor = signed_in(make_user(get_user_model(), "editor", EDITORS, staff=True))

        def measure(world) -> dict[str, tuple[int, str]]:
            return {
                name: count_queries(editor if name in EDITOR_PAGES else analyst, url(world))
                for name, url in PAGES.items()
            }

        # Two of each per channel at least: one engagement still open, one held (a past one).
        at_small = measure(populate(channels=2, per_channel=2))
        at_large = measure(populate(channels=12, per_channel=14))  # more than a page shows
    return {"small": at_small, "large": at_large}


@pytest.mark.parametrize("page_name", PAGES)
def test_page_query_count_does_not_grow_with_rows(measured, page_name):
    queries_small, sql_small = measured["small"][page_name]
    queries_large, sql_large = measured["large"][page_name]

    assert queries_small == queries_large, (
        f"{page_name}: {queries_small} queries with little data, {queries_large} with more.\n"
        f"--- small ---\n{sql_small}\n--- large ---\n{sql_large}"
    )
    # With the cache emptied, five of these are the signed-in analyst (session, user, two
    # permission look-ups) and the data version that keys the page cache. An editor's page also
    # reads the latest source cited on the channel, which its actions pre-fill.
    # The board also reads the analyst's own parts: follows, their visit (read and update) and
    # what changed since it (tests/test_board_table.py counts them).
    expected = {"board": 26, "channel_detail": 38, "channel_detail_editor": 39}[page_name]
    assert queries_large == expected, f"{page_name} ran {queries_large} queries:\n{sql_large}"


@pytest.mark.parametrize("page_name", PAGES)
def test_cached_page_runs_only_the_sign_in_and_data_version_queries(
    client, editor_client, page_name
):
    url = PAGES[page_name](populate(channels=3, per_channel=2))
    queries, sql = count_queries(
        editor_client if page_name in EDITOR_PAGES else client, url, cached=True
    )
    # Session, user, and the data version that keys the cache: the permissions and, on the
    # board, the analyst's own parts come from the cache as well (tests/test_shell.py).
    assert queries == 3, sql
    assert "events_dataversion" in sql.splitlines()[-1]
