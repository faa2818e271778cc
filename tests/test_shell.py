"""The shell around a page costs no database work beyond the session: a cached page reads the
session, the user and the data version, and nothing else — the reader's permissions, the
channels they follow, their board visit and the strip of changes come from the cache, each
entry dropped or outdated the moment what it holds changes (events.access, events.caching).
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.caching import cached_in_generation, new_generation
from events.models import BoardVisit
from events.roles import ANALYSTS, EDITORS
from tests.builders import populate
from tests.conftest import make_user, rolled_back, signed_in

pytestmark = pytest.mark.django_db

# Pages by name: their URL on the data `populate` made.
PAGES = {
    "board": lambda world: "/",
    "channel": lambda world: world.channels[0].get_absolute_url(),
    "statements": lambda world: "/statements/",
    "timeline": lambda world: "/timeline/",
}
CACHED_PAGES = {"board", "channel"}
READERS = ("anonymous", "analyst", "editor")
# The queries of the sign-in itself, the tables they read.
SIGN_IN = ["django_session", "auth_user"]


def tables_read(url: str, client) -> list[str]:
    """The table each query of a repeat request of `url` reads first (the request before it
    fills the caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [re.search(r'FROM "(\w+)"', q["sql"]).group(1) for q in context.captured_queries]


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[str, dict[tuple[str, str], list[str]]]:
    """Each page's queries for each reader on a repeat request, on a little data and on a lot:
    the "small" world, then the "large" one added to it. Visitors may read (PUBLIC_READ), so the
    difference between a visitor and an analyst is the sign-in alone."""
    with rolled_back(django_db_blocker), override_settings(PUBLIC_READ=True):
        clients = {
            "anonymous": Client(),
            "analyst": signed_in(make_user(get_user_model(), "analyst", ANALYSTS)),
            "editor": signed_in(make_user(get_user_model(), "editor", EDITORS, staff=True)),
        }

        def measure(world) -> dict[tuple[str, str], list[str]]:
            return {
                (page, reader): tables_read(url(world), clients[reader])
                for page, url in PAGES.items()
                for reader in READERS
            }

        small = measure(populate(channels=2, per_channel=2))
        large = measure(populate(channels=12, per_channel=14))
    return {"small": small, "large": large}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("page", sorted(CACHED_PAGES))
def test_a_cached_page_reads_the_sign_in_and_the_data_version_and_nothing_else(
    measured, page, reader
):
    expected = ([] if reader == "anonymous" else SIGN_IN) + ["events_dataversion"]
    assert measured["small"][page, reader] == expected
    assert measured["large"][page, reader] == expected


@pytest.mark.parametrize("reader", ["analyst", "editor"])
@pytest.mark.parametrize("page", ["statements", "timeline"])
def test_the_shell_of_a_list_costs_the_sign_in_and_nothing_else(measured, page, reader):
    """Lists are rendered on every request: a signed-in reader's costs a visitor's queries and
    the sign-in, whatever the data."""
    for size in ("small", "large"):
        queries = measured[size][page, reader]
        assert [table for table in queries if table in SIGN_IN] == SIGN_IN
        assert [table for table in queries if table not in SIGN_IN] == (
            measured[size][page, "anonymous"]
        )
    assert len(measured["small"][page, reader]) == len(measured["large"][page, reader])


# --- Permissions: cached, never stale -------------------------------------------------------------


def permission_queries(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    looked_up = sum("auth_permission" in q["sql"] for q in context.captured_queries)
    return response.content.decode() if response.status_code == 200 else "", looked_up


def editor_parts(html: str) -> dict[str, bool]:
    return {
        "intake link": 'href="/intake/' in html,
        "channel actions": "Record a status change" in html,
    }


@pytest.fixture
def channel_url():
    return populate(channels=1, per_channel=1).channels[0].get_absolute_url()


def test_an_analyst_made_editor_may_edit_on_the_very_next_request(analyst, channel_url):
    client = signed_in(analyst)
    client.get(channel_url)
    html, looked_up = permission_queries(client, channel_url)
    assert looked_up == 0  # from the cache
    assert editor_parts(html) == {"intake link": False, "channel actions": False}

    analyst.is_staff = True
    analyst.save()
    analyst.groups.add(Group.objects.get(name=EDITORS))

    html, _ = permission_queries(client, channel_url)
    assert editor_parts(html) == {"intake link": True, "channel actions": True}


def test_an_editor_taken_out_of_editors_loses_the_actions_on_the_very_next_request(
    editor, editor_client, channel_url
):
    assert editor_parts(editor_client.get(channel_url).content.decode())["channel actions"]

    Group.objects.get(name=EDITORS).user_set.remove(editor)  # from the group's side

    html = editor_client.get(channel_url).content.decode()
    assert editor_parts(html) == {"intake link": False, "channel actions": False}


def test_a_permission_taken_from_the_group_is_gone_on_the_very_next_request(
    editor_client, channel_url
):
    assert editor_client.get("/intake/").status_code == 200

    editors = Group.objects.get(name=EDITORS)
    editors.permissions.remove(Permission.objects.get(codename="change_statement"))

    assert editor_client.get("/intake/").status_code == 403
    html = editor_client.get(channel_url).content.decode()
    assert editor_parts(html)["intake link"] is False


def test_an_analyst_whose_group_is_deleted_can_no_longer_read(analyst, channel_url):
    client = signed_in(analyst)
    assert client.get(channel_url).status_code == 200

    Group.objects.get(name=ANALYSTS).delete()  # its links go without an m2m signal

    assert client.get(channel_url).status_code == 403


def test_a_permission_given_to_the_user_counts_on_the_very_next_request(analyst, channel_url):
    client = signed_in(analyst)
    analyst.is_staff = True
    analyst.save()
    assert "Record a status change" not in client.get(channel_url).content.decode()

    analyst.user_permissions.add(Permission.objects.get(codename="add_statuschange"))

    html = client.get(channel_url).content.decode()
    assert "Record a status change" in html
    assert "Add a statement" not in html  # only what was given


def test_a_user_made_superuser_may_edit_on_the_very_next_request(analyst, channel_url):
    """No signal on the user's own row: it is read on every request, and its superuser flag is
    part of the permission entry's key."""
    client = signed_in(analyst)
    assert "Record a status change" not in client.get(channel_url).content.decode()

    analyst.is_staff = analyst.is_superuser = True
    analyst.save()

    assert "Record a status change" in client.get(channel_url).content.decode()


def test_permissions_loaded_while_they_change_are_not_kept_as_current(db):
    """A request that read the old permissions just before a change stores them under the
    generation the change retired: the next request loads afresh."""
    loads = []

    def load_during_a_change():
        loads.append("loaded")
        new_generation("test-generation")  # the change commits while this request loads
        return "old"

    assert cached_in_generation("test-entry", "test-generation", load_during_a_change) == "old"
    assert cached_in_generation("test-entry", "test-generation", lambda: "new") == "new"
    assert cached_in_generation("test-entry", "test-generation", lambda: "newer") == "new"


# --- The board's own parts ------------------------------------------------------------------------


def board_rows(html: str) -> int:
    return len(re.findall(r'<tr class="board-row"', html))


def test_a_star_shows_on_the_next_board_view_and_so_does_taking_it_off(client, analyst):
    world = populate(channels=2, per_channel=1)
    chosen = world.channels[0]
    assert board_rows(client.get("/?mine=1").content.decode()) == 0  # cached: no follows

    client.post(f"/follow/{chosen.pk}/", {"follow": "1", "next": "/"})

    mine = client.get("/?mine=1").content.decode()
    assert board_rows(mine) == 1 and f'id="row-{chosen.pk}"' in mine
    assert client.get("/").content.decode().count('aria-pressed="true"') == 1

    client.post(f"/follow/{chosen.pk}/", {"follow": "0", "next": "/"})

    assert board_rows(client.get("/?mine=1").content.decode()) == 0
    assert client.get("/").content.decode().count('aria-pressed="true"') == 0


def test_a_board_visit_is_written_at_most_once_a_minute(analyst):
    start = timezone.now()
    assert services.board_visit_record(user=analyst, now=start) is None
    with CaptureQueriesContext(connection) as reload:
        half_a_minute = start + timedelta(seconds=30)
        assert services.board_visit_record(user=analyst, now=half_a_minute) is None
    assert len(reload.captured_queries) == 0
    assert BoardVisit.objects.get(user=analyst).seen_at == start  # noted to the minute

    two_minutes = start + timedelta(minutes=2)
    assert services.board_visit_record(user=analyst, now=two_minutes) is None  # the same visit
    assert BoardVisit.objects.get(user=analyst).seen_at == two_minutes
    last_view = two_minutes + timedelta(seconds=30)  # not written: within the minute
    assert services.board_visit_record(user=analyst, now=last_view) is None
    # The next day's baseline is the last view written, up to a minute before the last view.
    next_day = last_view + timedelta(days=1)
    assert services.board_visit_record(user=analyst, now=next_day) == two_minutes
