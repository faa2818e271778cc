"""The analyst's own parts of the board: what changed since their previous visit, starred
channels and "My channels", and the private Atom feed of the channels they follow — and that
none of it leaks into the page body cached for everyone."""

import re
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.fuzzydates import FuzzyDate
from events.models import BoardVisit, Channel, FeedToken, Follow, StatusChange
from events.roles import ANALYSTS
from tests.builders import populate
from tests.conftest import make_user, signed_in
from tests.factories import ChannelFactory, SourceFactory, StateFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def strip_of(html: str) -> str:
    match = re.search(r'<section class="board-changes".*?</section>', html, re.S)
    assert match, "the board shows no strip of changes"
    return match.group(0)


def strip_links(html: str) -> list[str]:
    return [text(a) for a in re.findall(r"<li>.*?<a [^>]*>(.*?)</a></li>", strip_of(html), re.S)]


def channel(a: str, b: str, track: str = "military"):
    return ChannelFactory(
        party_a=StateFactory(name=a, short_name=a, slug=a.lower()),
        party_b=StateFactory(name=b, short_name=b, slug=b.lower()),
        track=track,
        slug=f"{a}-{b}-{track}".lower(),
    )


def record_status(on, status: str, day: int, why: str) -> StatusChange:
    return services.status_change_record(
        channel=on,
        status=status,
        date=FuzzyDate.day(date(2025, 7, day)),
        explanation=why,
        citations=[services.CitationInput(source=SourceFactory(), passage="It says so.")],
    )


def age(*, hours: float) -> None:
    """Move everything recorded so far, and every board visit, `hours` into the past (as if
    that much time had passed: the cache's entries, the visit noted a minute ago among them,
    have expired)."""
    cache.clear()
    shift = timedelta(hours=hours)
    for change in StatusChange.objects.all():
        StatusChange.objects.filter(pk=change.pk).update(
            recorded_at=change.recorded_at - shift, changed_at=change.changed_at - shift
        )
    for visit in BoardVisit.objects.all():
        BoardVisit.objects.filter(pk=visit.pk).update(
            seen_at=visit.seen_at - shift,
            baseline_at=visit.baseline_at - shift if visit.baseline_at else None,
        )


# --- What changed since the last visit ------------------------------------------------------------


def test_strip_lists_exactly_what_was_recorded_after_the_previous_visit(client):
    north_south = channel("North", "South")
    east_west = channel("East", "West", "diplomatic")
    record_status(north_south, "stalled", 1, "Before the visit.")
    age(hours=3)  # recorded three hours ago
    client.get("/")  # the previous visit
    age(hours=1)  # which was an hour ago
    record_status(north_south, "frozen", 5, "After the visit.")
    record_status(east_west, "open", 6, "Also after.")

    html = client.get("/").content.decode()

    links = strip_links(html)
    assert len(links) == 2, links
    assert any("North–South military-to-military: Frozen" in link for link in links), links
    assert any("East–West diplomatic: Open" in link for link in links), links
    assert "Since your last visit" in strip_of(html)
    assert "2 changes on 2 channels" in text(strip_of(html))
    # Each links to its item on the channel's page.
    assert f'href="{north_south.get_absolute_url()}#history"' in strip_of(html)
    # Both rows that changed carry the mark; none other does.
    assert html.count('class="board-changed"') == 2


def test_reloading_within_a_visit_keeps_the_list(client):
    north_south = channel("North", "South")
    client.get("/")
    age(hours=1)
    record_status(north_south, "frozen", 5, "After the visit.")

    first = strip_links(client.get("/").content.decode())
    again = strip_links(client.get("/").content.decode())

    assert len(first) == 1
    assert again == first


def test_a_first_visit_lists_the_last_seven_days(client):
    north_south = channel("North", "South")
    record_status(north_south, "stalled", 1, "Long ago.")
    age(hours=24 * 8)
    record_status(north_south, "frozen", 5, "This week.")

    html = client.get("/").content.decode()

    assert "Recorded in the last 7 days" in strip_of(html)
    links = strip_links(html)
    assert len(links) == 1 and "Frozen" in links[0], links


def test_a_visit_after_a_long_gap_starts_from_the_previous_one(analyst):
    start = timezone.now()
    assert services.board_visit_record(user=analyst, now=start) is None
    later = start + services.VISIT_GAP / 2
    assert services.board_visit_record(user=analyst, now=later) is None  # the same visit
    next_day = later + timedelta(days=1)
    assert services.board_visit_record(user=analyst, now=next_day) == later
    reload = next_day + timedelta(minutes=5)
    assert services.board_visit_record(user=analyst, now=reload) == later


def test_one_analysts_changes_and_stars_never_reach_another(client, analyst, django_user_model):
    north_south = channel("North", "South")
    services.channel_follow(user=analyst, channel=north_south)
    client.get("/")  # fills the shared cache with this analyst's request
    other = signed_in(make_user(django_user_model, "other", ANALYSTS))

    html = other.get("/").content.decode()

    assert 'aria-pressed="true"' not in html  # the first analyst's star
    assert 'aria-pressed="false"' in html
    assert "Recorded in the last 7 days" in html  # the other's first visit, not the first's


# --- Following channels ---------------------------------------------------------------------------


def test_a_followed_channel_is_in_my_channels_and_an_unfollowed_one_is_not(client, analyst):
    north_south = channel("North", "South")
    east_west = channel("East", "West")
    back = "/?group=none"

    response = client.post(f"/follow/{north_south.pk}/", {"follow": "1", "next": back})
    assert response.status_code == 302
    assert response["Location"] == f"{back}#row-{north_south.pk}"
    client.post(f"/follow/{east_west.pk}/", {"follow": "1", "next": back})
    client.post(f"/follow/{east_west.pk}/", {"follow": "0", "next": back})

    html = client.get("/?mine=1").content.decode()
    rows = [text(row) for row in re.findall(r'<tr class="board-row".*?</tr>', html, re.S)]
    assert len(rows) == 1 and "North – South · military" in rows[0], rows
    assert list(Follow.objects.filter(user=analyst).values_list("channel", flat=True)) == [
        north_south.pk
    ]
    everyone = client.get("/").content.decode()
    assert everyone.count('aria-pressed="true"') == 1
    assert everyone.count('aria-pressed="false"') == 1


def test_each_rows_star_posts_for_its_own_channel_and_comes_back_to_the_board(client):
    north_south = channel("North", "South")
    east_west = channel("East", "West")
    client.post(f"/follow/{east_west.pk}/", {"follow": "1", "next": "/"})
    # An address with a number like the id the forms are rendered with, and text to escape.
    address = "/?group=none&junk=9223372036854775807&x=<b>"
    html = client.get(address).content.decode()
    forms = re.findall(r'<form class="board-star".*?</form>', html, re.S)
    assert len(forms) == 2
    by_action = {re.search(r'action="([^"]+)"', form).group(1): form for form in forms}
    assert set(by_action) == {f"/follow/{north_south.pk}/", f"/follow/{east_west.pk}/"}
    followed, unfollowed = (
        by_action[f"/follow/{east_west.pk}/"],
        by_action[f"/follow/{north_south.pk}/"],
    )
    assert 'aria-pressed="true"' in followed and 'name="follow" value="0"' in followed
    assert 'aria-pressed="false"' in unfollowed and 'name="follow" value="1"' in unfollowed
    assert f'aria-labelledby="star-{north_south.pk} channel-{north_south.pk}"' in unfollowed
    for form in forms:
        assert 'name="next" value="/?group=none&amp;junk=9223372036854775807&amp;x=%3Cb%3E"' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', forms[0]).group(1)
    response = client.post(
        f"/follow/{north_south.pk}/",
        {"follow": "1", "next": address, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Follow.objects.filter(channel=north_south).exists()


def test_following_needs_a_post_with_a_csrf_token(analyst):
    from django.test import Client

    north_south = channel("North", "South")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(analyst)

    assert browser.get(f"/follow/{north_south.pk}/").status_code == 405
    assert browser.post(f"/follow/{north_south.pk}/", {"follow": "1"}).status_code == 403
    assert not Follow.objects.exists()


def test_following_goes_back_only_to_this_site(client):
    north_south = channel("North", "South")
    response = client.post(
        f"/follow/{north_south.pk}/", {"follow": "1", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == f"/#row-{north_south.pk}"


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(anonymous_client):
    north_south = channel("North", "South")
    response = anonymous_client.post(f"/follow/{north_south.pk}/", {"follow": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_the_database_refuses_a_second_follow_of_the_same_channel(analyst):
    north_south = channel("North", "South")
    Follow.objects.create(user=analyst, channel=north_south)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=analyst, channel=north_south)


def test_the_database_refuses_a_baseline_after_the_visit(analyst):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardVisit.objects.create(user=analyst, seen_at=now, baseline_at=now + timedelta(1))


def test_the_database_refuses_a_feed_key_that_is_not_random_text(analyst):
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedToken.objects.create(user=analyst, key="short")


# --- The private feed -----------------------------------------------------------------------------


def feed_entries(content: bytes) -> list[str]:
    root = ElementTree.fromstring(content)
    assert root.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.iter(f"{ATOM}entry")]


def test_the_private_feed_lists_the_followed_channels_with_the_token_only(
    client, analyst, anonymous_client
):
    north_south = channel("North", "South")
    east_west = channel("East", "West")
    record_status(north_south, "frozen", 5, "Followed.")
    record_status(east_west, "open", 6, "Not followed.")
    services.channel_follow(user=analyst, channel=north_south)
    client.post("/feeds/mine/", {"action": "issue"})
    token = FeedToken.objects.get(user=analyst)
    page = client.get("/feeds/mine/").content.decode()
    address = f"/feeds/private/{token.key}.atom"
    assert f"http://testserver{address}" in page  # shown, to copy

    response = anonymous_client.get(address)  # a feed reader: no session

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "no-store" in response["Cache-Control"]
    titles = feed_entries(response.content)
    assert len(titles) == 1 and "Frozen" in titles[0], titles
    assert anonymous_client.get("/feeds/private/.atom").status_code == 404
    assert anonymous_client.get(f"/feeds/private/{token.key}x.atom").status_code == 404
    assert anonymous_client.get("/feeds/private/" + "A" * 43 + ".atom").status_code == 404


def test_a_revoked_or_replaced_feed_address_stops_working(client, analyst, anonymous_client):
    client.post("/feeds/mine/", {"action": "issue"})
    first = FeedToken.objects.get(user=analyst).key
    assert anonymous_client.get(f"/feeds/private/{first}.atom").status_code == 200

    client.post("/feeds/mine/", {"action": "issue"})  # a new address
    second = FeedToken.objects.get(user=analyst).key
    assert second != first
    assert anonymous_client.get(f"/feeds/private/{first}.atom").status_code == 404
    assert anonymous_client.get(f"/feeds/private/{second}.atom").status_code == 200

    client.post("/feeds/mine/", {"action": "revoke"})
    assert anonymous_client.get(f"/feeds/private/{second}.atom").status_code == 404
    assert "You have no feed address" in client.get("/feeds/mine/").content.decode()


def test_the_feed_of_an_account_that_may_no_longer_read_is_gone(analyst, anonymous_client):
    token = services.feed_token_issue(user=analyst)
    analyst.is_active = False
    analyst.save()
    assert anonymous_client.get(f"/feeds/private/{token.key}.atom").status_code == 404


# --- Query counts of the analyst's own pages ------------------------------------------------------


def queries_of(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_feed_address_page_and_private_feed_run_a_fixed_number_of_queries(
    client, analyst, anonymous_client
):
    """The same queries with one followed channel of little data as with many of more: the
    private feed reads the event stream (`events.feeds`) once for all followed channels."""
    token = services.feed_token_issue(user=analyst)
    feed = f"/feeds/private/{token.key}.atom"

    def follow_all() -> tuple[int, int]:
        for made in Channel.objects.all():
            services.channel_follow(user=analyst, channel=made)
        return queries_of(client, "/feeds/mine/"), queries_of(anonymous_client, feed)

    populate(channels=1, per_channel=2)
    small = follow_all()
    populate(channels=4, per_channel=5)
    large = follow_all()

    # The page: the shell (session, user; the permissions are cached), the token, the followed
    # channels. The feed: the token with its account, the follows, and the stream (two queries
    # per kind, one for the statements' channels).
    assert small == large == (4, 17)
