"""Lists and admin changelists never count a big table to its last row."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Actor
from events.pagination import CappedCountPaginator
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_five(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)


def test_count_is_exact_up_to_the_cap(cap_of_five):
    PersonFactory.create_batch(5)
    paginator = CappedCountPaginator(Actor.objects.filter(kind="person").order_by("name"), 2)
    assert paginator.count == 5
    assert not paginator.capped
    assert paginator.count_label == "5"
    assert paginator.num_pages == 3


def test_count_stops_at_the_cap_and_says_so(cap_of_five):
    PersonFactory.create_batch(8)
    paginator = CappedCountPaginator(Actor.objects.filter(kind="person").order_by("name"), 2)
    assert paginator.count == 5
    assert paginator.capped
    assert paginator.count_label == "more than 5"
    assert paginator.num_pages == 3  # the first five rows' pages


def test_the_count_query_is_bounded(cap_of_five):
    PersonFactory.create_batch(8)
    with CaptureQueriesContext(connection) as context:
        CappedCountPaginator(Actor.objects.filter(kind="person").order_by("name"), 2).count  # noqa: B018
    (sql,) = [q["sql"] for q in context.captured_queries]
    assert "COUNT(" in sql and "LIMIT 6" in sql
    assert "ORDER BY" not in sql


def test_actor_list_says_more_than_the_cap(cap_of_five, client):
    PersonFactory.create_batch(8)
    html = client.get("/actors/?kind=person").content.decode()
    assert "<strong>more than 5</strong> actors" in html
    assert "showing the first 5" in html


def test_admin_changelist_counts_no_more_than_the_cap(cap_of_five, admin_client):
    PersonFactory.create_batch(8)
    with CaptureQueriesContext(connection) as context:
        response = admin_client.get("/admin/events/actor/?kind__exact=person")
    html = response.content.decode()
    assert re.search(r"More than 5 actors", html)
    counts = [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"]]
    assert counts, "the changelist counted nothing"
    assert all("LIMIT" in sql for sql in counts), counts
