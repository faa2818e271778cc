"""The board and channel pages when a desk follows hundreds of channels for years: filters,
status tallies, grouping, pages, the latest items on a channel page, and name suggestions in
place of selects with thousands of options."""

import re
from datetime import date, timedelta

import pytest

from events.models import Actor
from events.views import BOARD_PER_PAGE
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    PersonFactory,
    StateFactory,
    StatementFactory,
    StatusChangeFactory,
)

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> list[str]:
    """Each row's channel, as the board's table names it: "North – South · military"."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", title)).strip()
        for title in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)
    ]


def group_headings(html: str) -> list[str]:
    return re.findall(r'<th colspan="11" scope="rowgroup">(.*?)</th>', html, re.S)


@pytest.fixture
def world():
    """Three states in two regions; four channels with different statuses."""
    north = StateFactory(name="Northland", short_name="North", slug="northland", region="europe")
    south = StateFactory(name="Southland", short_name="South", slug="southland", region="africa")
    east = StateFactory(name="Eastland", short_name="East", slug="eastland", region="east_asia")
    channels = {
        "north-south-military": ChannelFactory(
            party_a=north, party_b=south, track="military", slug="north-south-military"
        ),
        "north-south-diplomatic": ChannelFactory(
            party_a=north, party_b=south, track="diplomatic", slug="north-south-diplomatic"
        ),
        "north-east-military": ChannelFactory(
            party_a=north, party_b=east, track="military", slug="north-east-military"
        ),
        "south-east-economic": ChannelFactory(
            party_a=south, party_b=east, track="economic", slug="south-east-economic"
        ),
    }
    for slug, status in [
        ("north-south-military", "frozen"),
        ("north-south-diplomatic", "open"),
        ("north-east-military", "stalled"),
    ]:
        StatusChangeFactory(channel=channels[slug], status=status)
    return channels


def test_board_lists_channels_most_in_trouble_first_grouped_by_status(client, world):
    html = client.get("/").content.decode()
    assert card_titles(html) == [
        "North – South · military",
        "North – East · military",
        "North – South · diplomatic",
        "South – East · economic",
    ]
    groups = [re.sub(r'<span class="board-group__count">.*', "", g) for g in group_headings(html)]
    assert [re.sub(r"<[^>]+>|[^\w ]", "", g).strip() for g in groups] == [
        "Frozen",
        "Stalled",
        "Open",
        "No status recorded",
    ]


def test_board_tallies_each_status_as_a_filter_link(client, world):
    html = client.get("/?track=military").content.decode()
    tallies = re.search(r'<nav class="tallies".*?</nav>', html, re.S).group(0)
    counts = dict(
        re.findall(
            r'status=(\w+)"[^>]*>.*?<span class="tallies__count">(\d+)</span>', tallies, re.S
        )
    )
    assert counts == {"frozen": "1", "stalled": "1", "limited": "0", "open": "0", "none": "0"}
    assert "track=military&amp;status=frozen" in tallies


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("party=eastland", {"North – East · military", "South – East · economic"}),
        (
            "region=africa",
            {
                "North – South · military",
                "North – South · diplomatic",
                "South – East · economic",
            },
        ),
        ("status=stalled", {"North – East · military"}),
        ("status=none", {"South – East · economic"}),
        ("track=diplomatic", {"North – South · diplomatic"}),
        ("q=east+north", {"North – East · military"}),
        ("party=northland&status=frozen", {"North – South · military"}),
    ],
)
def test_board_filters_by_party_region_status_track_and_name(client, world, query, expected):
    html = client.get(f"/?{query}").content.decode()
    assert set(card_titles(html)) == expected
    assert f"{len(expected)} channel" in html


def test_board_groups_by_track_on_request(client, world):
    html = client.get("/?group=track").content.decode()
    groups = [g.strip() for g in group_headings(html)]
    assert groups == ["Diplomatic", "Economic", "Military-to-military"]


def test_board_says_why_a_filter_cannot_be_read(client, world):
    response = client.get("/?status=closed&party=atlantis")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice. closed is not one of the available choices." in html
    assert 'id="id_party_error"' in html


def test_board_filtered_to_nothing_says_so(client, world):
    html = client.get("/?party=eastland&status=frozen").content.decode()
    assert "No channel matches these filters." in html


def test_board_pages_through_many_channels(client):
    hub = StateFactory(name="Hub", region="europe")
    for n in range(BOARD_PER_PAGE + 3):
        ChannelFactory(party_a=hub, party_b=StateFactory(name=f"Partner {n:03d}"))
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert len(card_titles(first)) == BOARD_PER_PAGE
    assert len(card_titles(second)) == 3
    assert f"{BOARD_PER_PAGE + 3} channels" in first
    assert "Page 2 of 2" in second
    assert set(card_titles(first)).isdisjoint(card_titles(second))


def test_channel_page_shows_the_latest_ten_statements_and_past_engagements(client, world):
    channel = world["north-south-military"]
    start = date(2025, 1, 1)
    for n in range(12):
        statement = StatementFactory(
            text=f"Statement number {n:02d}.",
            said_earliest=start + timedelta(days=n),
            said_latest=start + timedelta(days=n),
            said_precision="day",
        )
        statement.channels.add(channel)
        day = start + timedelta(days=n)
        EngagementFactory(
            channel=channel,
            title=f"Talks number {n:02d}",
            state="held",
            when_earliest=day,
            when_latest=day,
            when_precision="day",
        )
    EngagementFactory(channel=channel, title="Talks still proposed", state="proposed")

    html = client.get(channel.get_absolute_url()).content.decode()

    statements = re.search(r'<section aria-labelledby="statements">(.*?)</section>', html, re.S)
    shown = re.findall(r"Statement number (\d\d)", statements.group(1))
    assert sorted(set(shown)) == [f"{n:02d}" for n in range(2, 12)]
    past = re.search(r'<section aria-labelledby="past">(.*?)</section>', html, re.S).group(1)
    assert sorted(set(re.findall(r"Talks number (\d\d)", past))) == [
        f"{n:02d}" for n in range(2, 12)
    ]
    assert "Talks still proposed" in html  # open engagements always come whole
    assert f'href="/statements/?channel={channel.slug}"' in html
    assert f'href="/engagements/?channel={channel.slug}&amp;sort=-when"' in html


def test_statement_list_filters_speaker_with_a_suggestion_box_not_a_select(client):
    speaker = PersonFactory(name="Ada Quill", slug="ada-quill")
    StatementFactory(speaker=speaker, text="Quill said this.")
    StatementFactory(text="Someone else said that.")

    html = client.get("/statements/?speaker=ada-quill").content.decode()

    assert "Quill said this." in html and "Someone else said that." not in html
    assert '<select name="speaker"' not in html
    assert re.search(r'<input[^>]+name="speaker"[^>]+list="id_speaker-suggestions"', html)
    # An exact name typed without the suggestions works too.
    by_name = client.get("/statements/?speaker=ada+quill").content.decode()
    assert "Quill said this." in by_name


def test_unknown_speaker_gets_a_clear_message(client):
    html = client.get("/statements/?speaker=nobody-at-all").content.decode()
    assert "No match for “nobody-at-all”; pick a name from the suggestions." in html


def test_suggestions_offer_matching_names(client):
    PersonFactory(name="Ada Quill", slug="ada-quill")
    PersonFactory(name="Bram Stone", slug="bram-stone")
    html = client.get("/suggest/people/?speaker=qui").content.decode()
    assert '<option value="ada-quill">Ada Quill</option>' in html
    assert "Bram Stone" not in html
    assert client.get("/suggest/planets/?q=x").status_code == 404


def test_suggestions_need_a_reader(anonymous_client):
    response = anonymous_client.get("/suggest/people/?q=a")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_timeline_page_number_is_kept_within_the_counted_pages(client):
    response = client.get("/timeline/?page=99999999")
    assert response.status_code == 200


def test_board_region_and_party_choices_come_from_the_data(client, world):
    html = client.get("/").content.decode()
    assert '<option value="northland">Northland</option>' in html
    assert '<option value="east_asia">East Asia</option>' in html
    assert Actor.objects.filter(kind="state").count() == 3
