"""Deep reads on the `small` demo data cost what shallow ones do.

- Exports stream: a download of the statements (about 30,000, each with its speaker, channels,
  interpretations and sources) starts before its last row is read and holds one chunk of rows at
  a time, so a worker's memory does not grow with the list (events/exports.py).
- The timeline's last page (400) runs the queries page 1 runs, reading its rows by keyset
  (`selectors.event_stream`).
- So do the statement list's page 400 (`events.pagination.KeysetPaginator`) and a page of the
  read API's statements 10,000 rows in (`events.api.pagination`)."""

import base64
import csv
import json
import os
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.api.views import StatementViewSet
from events.exports import CHUNK_ROWS
from events.models import Statement
from events.pagination import total_order
from events.roles import ANALYSTS
from tests.conftest import make_user, rolled_back, signed_in

# django_db: so that running this module alone sets the test database up too.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


def resident() -> int:
    """This process's resident memory, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


@pytest.fixture(scope="module")
def downloads(django_db_setup, django_db_blocker, tmp_path_factory):
    """Each format downloaded once: queries run before the first row arrived and in all, the
    body, and the most this process's memory grew while reading it."""
    measured = {}
    with rolled_back(django_db_blocker):
        call_command("generate_demo_data", scale="small", seed=1, verbosity=0)
        client = signed_in(make_user(get_user_model(), "analyst", ANALYSTS))
        rows = Statement.objects.count()
        for fmt in ("csv", "json"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/statements/?format={fmt}")
                assert response.status_code == 200
                assert response.streaming
                parts = iter(response.streaming_content)
                # Written to disk as a worker writes to its socket: this process keeps none.
                path = tmp_path_factory.mktemp("exports") / f"statements.{fmt}"
                with path.open("wb") as body:
                    for _ in range(3):  # the opening, the header, the first row
                        body.write(next(parts))
                    before_last = len(queries)
                    baseline, grown = resident(), 0
                    for number, part in enumerate(parts):
                        body.write(part)
                        if number % 1000 == 0:
                            grown = max(grown, resident() - baseline)
                    grown = max(grown, resident() - baseline)
                measured[fmt] = {
                    "first": before_last,
                    "all": len(queries),
                    "grown": grown,
                    "body": path,
                }
        measured["rows"] = rows
        for page in (1, 399, 400):
            with CaptureQueriesContext(connection) as queries:
                html = client.get(f"/timeline/?page={page}").content.decode()
            measured[f"timeline {page}"] = {
                "sql": [query["sql"] for query in queries],
                "refs": re.findall(
                    r'class="timeline__entry[^"]*" id="([a-z]+-\d+(?:-[a-z]+)?)"', html
                ),
            }
        for page in (1, 400):
            cache.clear()  # rows rendered afresh
            with CaptureQueriesContext(connection) as queries:
                html = client.get(f"/statements/?page={page}").content.decode()
            measured[f"statements {page}"] = {
                "sql": [query["sql"] for query in queries],
                "rows": html.count('<article class="item statement">'),
            }
        for name, url in (("first", "/api/statements/"), ("deep", deep_api_page(client))):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            measured[f"api {name}"] = {
                "sql": [query["sql"] for query in queries],
                "ids": [row["id"] for row in response.json()["results"]],
            }
        measured["api expected"] = list(api_order().values_list("pk", flat=True)[10_000:10_025])
    return measured


def api_order():
    return StatementViewSet.queryset.order_by(*StatementViewSet.ordering)


def deep_api_page(client) -> str:
    """The address of the API's statements from the 10,001st on: the first page's `next`, its
    cursor holding the key of the 10,000th row instead of the 25th (as walking there would)."""
    next_link = client.get("/api/statements/").json()["next"]
    cursor = parse_qs(urlsplit(next_link).query)["cursor"][0]
    tokens = parse_qs(base64.b64decode(cursor).decode(), keep_blank_values=True)
    queryset = api_order()
    names = [key.name for key in total_order(queryset)]
    tokens["p"] = [str(value) for value in queryset.values_list(*names)[9_999]]
    forged = base64.b64encode(urlencode(tokens, doseq=True).encode()).decode()
    return f"/api/statements/?{urlencode({'cursor': forged})}"


def test_the_demo_data_has_more_rows_than_a_chunk(downloads):
    assert downloads["rows"] > 20 * CHUNK_ROWS


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_starts_before_its_last_row_is_read(downloads, fmt):
    # The first row needs the first chunk (and its related rows); the rest come later.
    assert downloads[fmt]["first"] * 10 < downloads[fmt]["all"], downloads[fmt]


def test_the_streamed_exports_hold_every_row(downloads):
    with downloads["csv"]["body"].open(encoding="utf-8-sig", newline="") as body:
        rows = list(csv.DictReader(body))
    assert len(rows) == downloads["rows"]
    data = json.loads(downloads["json"]["body"].read_bytes())
    assert data["count"] == len(data["results"]) == downloads["rows"]
    assert [r["id"] for r in data["results"]] == [int(r["id"]) for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_workers_memory_does_not_grow_with_the_export(downloads, fmt):
    # Far less than the body (tens of MB): it is never held whole.
    assert downloads[fmt]["grown"] <= 20 * MB, f"{downloads[fmt]['grown'] / MB:.1f} MB"


def test_the_timelines_last_page_runs_the_queries_of_its_first(downloads):
    first, last = downloads["timeline 1"], downloads["timeline 400"]
    assert len(first["refs"]) == len(last["refs"]) == 25
    assert len(first["sql"]) == len(last["sql"])
    # Each kind's rows are read from a boundary key on (a keyset condition), never by OFFSET.
    rows = [sql for sql in last["sql"] if "LIMIT 25" in sql and "OFFSET" not in sql]
    assert len(rows) == 7, rows  # one per kind
    assert all('"recorded_at" <' in sql for sql in rows), rows
    assert not any("OFFSET" in sql for sql in last["sql"])


def test_the_last_two_pages_follow_on(downloads):
    before, last = downloads["timeline 399"]["refs"], downloads["timeline 400"]["refs"]
    assert len(before) == 25
    assert not set(before) & set(last)


def test_the_statement_lists_page_400_runs_the_queries_of_its_first(downloads):
    first, last = downloads["statements 1"], downloads["statements 400"]
    assert first["rows"] == last["rows"] == 25
    assert len(first["sql"]) == len(last["sql"])
    # The page's first key is found by a read of keys alone; its ids are read from that key on.
    (start,) = [sql for sql in last["sql"] if "OFFSET 9975" in sql]
    assert "LIMIT 1" in start and "events_citation" not in start
    (ids,) = [sql for sql in last["sql"] if "LIMIT 25" in sql]
    assert "OFFSET" not in ids
    assert '"said_earliest" <' in ids and '"events_statement"."id" <=' in ids
    assert sum("OFFSET" in sql for sql in last["sql"]) == 1


def test_a_deep_api_page_runs_the_queries_of_the_first(downloads):
    first, deep = downloads["api first"], downloads["api deep"]
    assert deep["ids"] == downloads["api expected"]
    assert len(first["sql"]) == len(deep["sql"])
    (rows,) = [sql for sql in deep["sql"] if "LIMIT 26" in sql]
    assert "OFFSET" not in rows and '"events_statement"."id" <' in rows
    assert not any("OFFSET" in sql for sql in deep["sql"])
