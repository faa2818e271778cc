"""Cached pages never show data older than the last saved edit.

Each test opens a cached page (so its body is in the cache), changes the data the way an editor
would — an admin save, a service call, a delete, a link added — and opens the page again: the
change must be there at once. Other tests prove the cache is really used, that a rolled-back
write does not retire it, and that the shell (CSRF token, user) is never shared.
"""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events import services
from events.caching import data_version, release_of
from events.fuzzydates import FuzzyDate
from events.models import Actor, Channel, DataVersion, Engagement, Source, StatusChange
from tests.test_admin import change_url, submit

pytestmark = pytest.mark.django_db

MILITARY = "us-china-military"


def military() -> Channel:
    return Channel.objects.get(slug=MILITARY)


def cited() -> list[services.CitationInput]:
    source = Source.objects.order_by("pk").first()
    return [services.CitationInput(source=source, passage="Officials described the change.")]


# Every cached page, by a name and its URL.
CACHED_PAGES = {
    "board": lambda: "/",
    "board filtered": lambda: "/?track=military&group=track",
    "board as of": lambda: "/?as_of=2026-01-01",
    "channel": lambda: military().get_absolute_url(),
    "channel as of": lambda: military().get_absolute_url() + "?as_of=2026-01-01",
}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def main(html: str) -> str:
    """The page's body without the board's per-analyst parts (filled in on every request, never
    cached: the strip of changes and the rows' star forms with their CSRF token)."""
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r'<section class="board-changes".*?</section>', "", body, flags=re.S)
    return re.sub(r'<form class="board-star".*?</form>', "", body, flags=re.S)


# A cached page reads the sign-in (session, user) and the data version, nothing else: the
# analyst's permissions and the board's own parts come from the cache too (tests/test_shell.py).
def cached_queries(url: str) -> int:
    return 3


def stored_pages() -> int:
    """The page bodies in the (locmem) cache, whatever else it holds."""
    return sum(":page:" in key for key in cache._cache)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


@pytest.mark.parametrize("name", CACHED_PAGES)
def test_cached_page_is_served_from_the_cache_until_the_data_changes(seeded, client, name):
    url = CACHED_PAGES[name]()
    first = page(client, url)
    assert queries_for(client, url) == cached_queries(url)
    # The body is the cached one; the shell around it (CSP nonce, CSRF token) is fresh.
    assert main(page(client, url)) == main(first)


@pytest.mark.parametrize("name", CACHED_PAGES)
def test_cached_page_shows_an_actor_renamed_in_the_admin_a_moment_earlier(
    seeded, client, admin_client, name
):
    url = CACHED_PAGES[name]()
    assert "Middle Kingdom" not in page(client, url)
    china = Actor.objects.get(slug="china")

    response = submit(admin_client, change_url(china), short_name="Middle Kingdom")

    assert response.status_code == 302
    assert "Middle Kingdom" in page(client, url)


@pytest.mark.parametrize("name", ["board", "board filtered", "channel"])
def test_cached_page_shows_a_status_recorded_through_the_service_a_moment_earlier(
    seeded, client, name
):
    url = CACHED_PAGES[name]()
    before = page(client, url)
    assert "since 3 March 2026" not in before

    services.status_change_record(
        channel=military(),
        status="open",
        date=FuzzyDate.parse("3 March 2026"),
        explanation="Theatre commanders spoke by video link.",
        citations=cited(),
    )

    assert "since 3 March 2026" in page(client, url)


def test_cached_channel_page_shows_an_engagement_step_a_moment_earlier(seeded, client):
    url = military().get_absolute_url()
    engagement = Engagement.objects.filter(channel=military(), state="proposed").first()
    assert engagement is not None
    page(client, url)

    services.engagement_transition(
        engagement=engagement,
        to_state="scheduled",
        date=FuzzyDate.parse("2 March 2026"),
        when=FuzzyDate.parse("20 March 2026"),
        citations=cited(),
    )

    assert "20 March 2026" in page(client, url)


def test_cached_board_forgets_a_status_change_deleted_in_the_admin(seeded, client, admin_client):
    services.status_change_record(
        channel=military(),
        status="open",
        date=FuzzyDate.parse("3 March 2026"),
        explanation="Theatre commanders spoke by video link.",
        citations=cited(),
    )
    assert "since 3 March 2026" in page(client, "/")
    change = StatusChange.objects.get(date_earliest=date(2026, 3, 3))

    response = admin_client.post(
        change_url(change).replace("/change/", "/delete/"), {"post": "yes"}
    )

    assert response.status_code == 302
    assert "since 3 March 2026" not in page(client, "/")


def test_cached_channel_page_shows_a_statement_linked_to_it_a_moment_earlier(seeded, client):
    url = military().get_absolute_url()
    statement = services.statement_create(
        speaker=Actor.objects.get(slug="china"),
        text="Channels between the two militaries should stay open.",
        stance="conciliatory",
        citations=cited(),
        said=FuzzyDate.parse("1 March 2026"),
    )
    assert statement.text not in page(client, url)

    statement.channels.add(military())  # a many-to-many change: neither row is saved

    assert statement.text in page(client, url)


def test_a_rolled_back_write_leaves_the_cached_page_in_place(seeded, client):
    page(client, "/")
    version = data_version()

    # The write and the failure belong to one transaction, so both sit in the block.
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
        china = Actor.objects.get(slug="china")
        china.short_name = "Rolled back"
        china.save()
        raise RuntimeError("the editor's transaction fails")

    assert data_version() == version
    assert queries_for(client, "/") == 3  # the session, the user, the version
    assert "Rolled back" not in page(client, "/")


def test_a_change_inside_a_rolled_back_savepoint_leaves_the_version_alone(seeded):
    version = data_version()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 (as above)
            Actor.objects.filter(slug="china").first().save()
            assert data_version() != version  # visible inside the transaction...
            raise RuntimeError("the inner step fails")
        assert data_version() == version  # ...and gone with the savepoint


def test_a_change_made_by_another_app_server_retires_this_servers_pages(seeded, client):
    """Another server's edit reaches us only through the database: its version bump alone
    (no signal here, nothing purged in our cache) must retire what we cached."""
    page(client, "/")
    Actor.objects.filter(slug="china").update(short_name="Elsewhere")  # no signals
    # The strip of changes is read afresh on every request; the cached table is not.
    assert "Elsewhere" not in main(page(client, "/"))  # this server cannot know yet...

    DataVersion.objects.filter(pk=1).update(version=12345)  # ...until the other one bumps

    assert "Elsewhere" in main(page(client, "/"))


def test_cached_page_keeps_each_visitors_own_sign_out_form_and_name(seeded, client, editor_client):
    analyst_page = page(client, "/")
    editor_page = page(editor_client, "/")
    assert queries_for(editor_client, "/") < 20  # the body came from the cache
    assert ">analyst<" in analyst_page and ">editor<" in editor_page
    token = 'name="csrfmiddlewaretoken" value="'
    analyst_token = analyst_page.split(token)[1].split('"')[0]
    editor_token = editor_page.split(token)[1].split('"')[0]
    assert analyst_token != editor_token


def test_pages_are_not_shared_between_readers_and_anonymous_visitors(seeded, client, settings):
    settings.PUBLIC_READ = True
    from django.test import Client

    page(client, "/")
    pages_before = stored_pages()
    page(Client(), "/")
    assert stored_pages() == pages_before + 1


def redis_available() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_pages_cached_in_redis_show_an_edit_made_a_moment_earlier(seeded, client, settings):
    """The production cache (REDIS_URL): the same data version keys, shared by app servers;
    one Redis client per thread, not one per cache call (diplomacy/cache.py)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "diplomacy.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": "diplomacy-tests",
        }
    }
    from django.core.cache import cache as redis_cache

    redis_cache.clear()
    redis_client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is redis_client
    try:
        url = military().get_absolute_url()
        first = page(client, url)
        assert queries_for(client, url) == 3  # served from Redis
        assert main(page(client, url)) == main(first)

        services.status_change_record(
            channel=military(),
            status="open",
            date=FuzzyDate.parse("3 March 2026"),
            explanation="Theatre commanders spoke by video link.",
            citations=cited(),
        )

        assert "since 3 March 2026" in page(client, url)
    finally:
        redis_cache.clear()


def test_junk_query_parameters_share_the_cached_page(seeded, client):
    page(client, "/?track=military")
    pages = stored_pages()
    page(client, "/?track=military&utm_source=x&junk=1")
    page(client, "/?junk=2&track=military")
    assert stored_pages() == pages  # one entry: junk is not part of the key
    assert queries_for(client, "/?track=military&junk=3") == cached_queries("/?track=")


def test_an_error_page_is_never_stored(seeded, client):
    pages = stored_pages()
    response = client.get("/?status=closed")
    assert response.status_code == 400
    assert stored_pages() == pages


def test_the_board_party_name_filter_stays_out_of_the_quote_search_box(seeded, client):
    html = page(client, "/?q=zzzparty")
    assert 'id="nav-q"' in html
    assert 'value="zzzparty"' not in html.split('id="nav-q"')[1].split(">")[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_admin_delete_and_a_transition_on_the_same_engagement_do_not_collide(
    seeded_committed, django_user_model
):
    """The admin takes the data-version lock before it collects what a delete removes, as the
    services do before they lock a row: the two writers queue, neither deadlocks nor trips a
    foreign key."""
    import threading

    from django.core.exceptions import ObjectDoesNotExist, ValidationError
    from django.test import Client

    engagement = Engagement.objects.filter(channel=military(), state="proposed").first()
    admin = django_user_model.objects.create_superuser("root", password="a long passphrase!")
    errors: list[BaseException] = []

    def transition():
        try:
            services.engagement_transition(
                engagement=engagement,
                to_state="scheduled",
                date=FuzzyDate.parse("2 March 2026"),
                citations=cited(),
            )
        except (ObjectDoesNotExist, ValidationError):
            pass  # the delete came first
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def delete():
        try:
            browser = Client()
            browser.force_login(admin)
            response = browser.post(
                f"/admin/events/engagement/{engagement.pk}/delete/", {"post": "yes"}
            )
            if response.status_code != 302:
                errors.append(AssertionError(f"delete answered {response.status_code}"))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=delete), threading.Thread(target=transition)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not Engagement.objects.filter(pk=engagement.pk).exists()


# --- The release in the key ----------------------------------------------------------------------


def _project_copy(tmp_path, name: str) -> Path:
    root = tmp_path / name
    (root / "templates").mkdir(parents=True)
    (root / "events").mkdir()
    (root / "templates" / "page.html").write_text("<p>{{ x }}</p>")
    (root / "events" / "views.py").write_text("VIEW = 1\n")
    return root


def test_two_app_servers_of_one_release_share_cached_pages(tmp_path):
    """Copies of the same code made at different times (file times differ) are one release;
    a changed template is another."""
    first, second = _project_copy(tmp_path, "a"), _project_copy(tmp_path, "b")
    os.utime(second / "templates" / "page.html", (1, 1))
    assert release_of(first) == release_of(second)
    (second / "templates" / "page.html").write_text("<p>{{ y }}</p>")
    assert release_of(first) != release_of(second)


def test_the_deployed_revision_names_the_release(tmp_path):
    root = _project_copy(tmp_path, "a")
    assert release_of(root, release_id="v2026.12.4") == "v2026.12.4"
    commit = "0123456789abcdef0123456789abcdef01234567"
    (root / ".git" / "refs" / "heads").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "packed-refs").write_text(f"# pack-refs\n{commit} refs/heads/main\n")
    assert release_of(root) == commit[:16]
    (root / ".git" / "refs" / "heads" / "main").write_text(commit.replace("0", "f") + "\n")
    assert release_of(root) == commit.replace("0", "f")[:16]
    # In development the work tree changes without a commit: the contents decide.
    assert release_of(root, development=True) == release_of(_project_copy(tmp_path, "b"))
