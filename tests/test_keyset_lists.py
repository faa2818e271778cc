"""The lists page by keyset (`events.pagination`) and render their rows once per change.

- Walking a list page after page shows every row once, in the list's order, ties included
  (rows level on every sort column follow the primary key), whatever the sort.
- A statement's or engagement's row is rendered once per data version (`events.fragments`): a
  second page listing it, filtered otherwise, loads none of its details; a search marks its
  words in rows of its own; an edit shows on the next request."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import services
from events.models import Statement
from events.pagination import beyond, total_order
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

ROWS = 60  # three pages of 25


def walk(client, path: str, pattern: str, **params) -> list[str]:
    """Each page's matches of `pattern` (a row's identity), pages 1 to 3 in turn."""
    found = []
    for number in (1, 2, 3):
        response = client.get(path, {**params, "page": number})
        assert response.status_code == 200
        on_page = re.findall(pattern, response.content.decode())
        assert len(on_page) == (10 if number == 3 else 25), (number, on_page)
        found += on_page
    return found


def day(i: int) -> date | None:
    """Seven rows a day; every ninth row undated."""
    return None if i % 9 == 0 else date(2025, 1, 1) + timedelta(days=i // 7)


def statements() -> list[Statement]:
    speakers = [PersonFactory(name=f"Speaker {i}") for i in range(3)]
    return [
        StatementFactory(
            said_earliest=day(i),
            said_latest=day(i),
            said_precision="day" if day(i) else "",
            stance=["hostile", "neutral"][i % 2],
            speaker=speakers[i % 3],
        )
        for i in range(ROWS)
    ]


STATEMENT_TEXT = r"(Words number \d+\.)"


def test_statement_pages_follow_on_newest_first_undated_last(client):
    made = statements()
    texts = walk(client, "/statements/", STATEMENT_TEXT)
    dated = sorted((s for s in made if s.said_earliest), key=lambda s: (s.said_earliest, s.pk))
    undated = sorted((s for s in made if not s.said_earliest), key=lambda s: s.pk)
    assert texts == [s.text for s in [*reversed(dated), *reversed(undated)]]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("stance", lambda s: (s.stance, s.pk)),
        ("-stance", lambda s: (s.stance, s.pk)),
        ("speaker", lambda s: (s.speaker.name, s.pk)),
        ("-speaker", lambda s: (s.speaker.name, s.pk)),
    ],
)
def test_sorted_statement_pages_follow_on_with_ties_by_id(client, sort, key):
    made = statements()
    texts = walk(client, "/statements/", STATEMENT_TEXT, sort=sort)
    # A descending sort takes its ties newest first too: the primary key follows the first term.
    expected = sorted(made, key=key, reverse=sort.startswith("-"))
    assert texts == [s.text for s in expected]


def test_statement_pages_sorted_by_date_keep_undated_ones_after_the_dated(client):
    made = statements()
    texts = walk(client, "/statements/", STATEMENT_TEXT, sort="said")
    dated = sorted((s for s in made if s.said_earliest), key=lambda s: (s.said_earliest, s.pk))
    undated = sorted((s for s in made if not s.said_earliest), key=lambda s: s.pk)
    assert texts == [s.text for s in [*dated, *undated]]


def test_engagement_pages_follow_on_soonest_first_undated_last(client):
    channel = ChannelFactory()
    made = [
        EngagementFactory(
            channel=channel,
            when_earliest=day(i),
            when_latest=day(i),
            when_precision="day" if day(i) else "",
            title=f"Call {i % 4}",
        )
        for i in range(ROWS)
    ]
    ids = [int(pk) for pk in walk(client, "/engagements/", r"#engagement-(\d+)")]
    dated = sorted((e for e in made if e.when_earliest), key=lambda e: (e.when_earliest, e.pk))
    undated = sorted((e for e in made if not e.when_earliest), key=lambda e: e.pk)
    assert ids == [e.pk for e in [*dated, *undated]]
    by_title = [int(pk) for pk in walk(client, "/engagements/", r"#engagement-(\d+)", sort="title")]
    assert by_title == [e.pk for e in sorted(made, key=lambda e: (e.title, e.pk))]


def test_actor_pages_follow_on_with_namesakes_by_id(client):
    made = [PersonFactory(name=f"Namesake {i % 5}") for i in range(ROWS)]
    slugs = walk(client, "/actors/", r'href="/actors/(person-\d+)/"', kind="person")
    assert slugs == [a.slug for a in sorted(made, key=lambda a: (a.name, a.pk))]


def test_source_pages_follow_on_with_ties_newest_id_first(client):
    made = [
        SourceFactory(
            published_earliest=date(2025, 9, 1) + timedelta(days=i // 10),
            published_latest=date(2025, 9, 1) + timedelta(days=i // 10),
            outlet=f"Outlet {i % 3}",
        )
        for i in range(ROWS)
    ]
    titles = walk(client, "/sources/", r": (Report \d+)\n")
    newest_first = sorted(made, key=lambda s: (-s.published_earliest.toordinal(), s.outlet, -s.pk))
    assert titles == [s.title for s in newest_first]


def test_a_page_past_the_end_shows_the_last_page(client):
    made = statements()
    last = re.findall(STATEMENT_TEXT, client.get("/statements/", {"page": 99}).content.decode())
    assert last == re.findall(STATEMENT_TEXT, client.get("/statements/?page=3").content.decode())
    assert len(last) == len(made) - 50


def test_a_deep_page_reads_its_rows_from_a_key_not_an_offset(client):
    statements()
    with CaptureQueriesContext(connection) as queries:
        client.get("/statements/", {"page": 3})
    sql = [query["sql"] for query in queries if "events_statement" in query["sql"]]
    # The page's first key, by itself; then the page's ids from it on.
    keys = [s for s in sql if "OFFSET 50" in s]
    assert len(keys) == 1 and "LIMIT 1" in keys[0]
    paged = [s for s in sql if "LIMIT 25" in s]
    assert len(paged) == 1 and "OFFSET" not in paged[0]
    assert '"said_earliest" <' in paged[0] and '"id" <=' in paged[0]


def test_a_keyset_condition_takes_nulls_where_the_order_puts_them():
    statements()
    queryset = Statement.objects.newest_first()
    keys = total_order(queryset)
    ordered = list(queryset.values_list("said_earliest", "pk"))
    for start in (0, 24, len(ordered) - 7, len(ordered) - 1):
        after = queryset.filter(beyond(keys, ordered[start]))
        assert list(after.values_list("said_earliest", "pk")) == ordered[start:]
        strictly = queryset.filter(beyond(keys, ordered[start], inclusive=False))
        assert list(strictly.values_list("said_earliest", "pk")) == ordered[start + 1 :]


# --- Rows rendered once per change --------------------------------------------------------------


def details_read(queries) -> bool:
    """Whether a request loaded statements' details (readings are read only to render a row)."""
    return any("events_interpretation" in query["sql"] for query in queries)


def test_a_row_listed_again_under_other_filters_is_not_rendered_again(client):
    channel = ChannelFactory()
    made = [StatementFactory(stance="hostile") for _ in range(3)]
    for statement in made:
        statement.channels.add(channel)
    with CaptureQueriesContext(connection) as first:
        hostile = client.get("/statements/", {"stance": "hostile"}).content.decode()
    with CaptureQueriesContext(connection) as second:
        on_channel = client.get("/statements/", {"channel": channel.slug}).content.decode()
    assert details_read(first.captured_queries)
    assert not details_read(second.captured_queries)
    assert len(second) < len(first)
    for statement in made:
        assert statement.text in hostile and statement.text in on_channel


def test_a_search_marks_its_words_in_rows_already_cached_without_it(client):
    statement = StatementFactory(text="The talks will resume in spring.")
    assert "<mark>" not in client.get("/statements/").content.decode()
    searched = client.get("/statements/", {"q": "resume"}).content.decode()
    assert "<mark>resume</mark>" in searched
    assert statement.text not in searched  # marked, so no longer the plain text
    assert "<mark>" not in client.get("/statements/", {"stance": statement.stance}).content.decode()


def test_an_edited_statement_shows_on_the_next_request(client):
    statement = StatementFactory(text="Before the edit.")
    assert "Before the edit." in client.get("/statements/").content.decode()
    statement.text = "After the edit."
    services.record_save(record=statement)
    html = client.get("/statements/").content.decode()
    assert "After the edit." in html and "Before the edit." not in html


def test_an_edited_engagement_shows_on_the_next_request(client):
    engagement = EngagementFactory(title="Planned call")
    assert "Planned call" in client.get("/engagements/").content.decode()
    engagement.title = "Rescheduled call"
    services.record_save(record=engagement)
    html = client.get("/engagements/").content.decode()
    assert "Rescheduled call" in html and "Planned call" not in html


@pytest.mark.parametrize("rows", [3, ROWS])
def test_a_page_of_cached_rows_reads_ids_alone(client, django_assert_num_queries, rows):
    """Session and user (2; permissions are cached per user), the count, the page's first key,
    its ids, the data version and the filter form's menu of parties: whatever the list's
    length. Rendering rows cold adds their details' queries (tests/test_page_query_counts)."""
    for _ in range(rows):
        StatementFactory()
    client.get("/statements/", {"page": 2})
    with django_assert_num_queries(7):
        response = client.get("/statements/", {"page": 2})
    assert response.context["rows"]
