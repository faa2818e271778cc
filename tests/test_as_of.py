"""As-of boards: every channel, and one channel's board, as they stood on a past day — status,
last contact, next expected engagement, open sticking points — derived from the dated history."""

import re
from datetime import date

import pytest
from django.urls import reverse

from events.models import Engagement, StickingPoint
from events.vocabularies import Track
from tests.factories import (
    ChannelFactory,
    EngagementFactory,
    StatusChangeFactory,
    StickingPointFactory,
    TransitionFactory,
    cite,
)
from tests.test_lists import text_of

pytestmark = pytest.mark.django_db

BOARD = reverse("events:board")
MILITARY = reverse("events:channel_detail", args=["us-china-military"])
PROPOSED_CALL = "Proposed call between the Pentagon and China's military leadership"


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def cards(html: str) -> dict[str, str]:
    """The text of each row of the board's table, by its channel (“US – China
    Military-to-military”): each cell as its label and text (“Status Stalled Since …”)."""
    found = {}
    for row in re.findall(r'<tr class="board-row"[^>]*>(.*?)</tr>', html, re.S):
        name = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S).group(1)
        parties, track = text_of(name).split(" · ")
        cells = re.findall(
            r'<td class="board-table__(?!star)[^"]*"(?: data-label="([^"]+)")?>(.*?)</td>',
            row,
            re.S,
        )
        found[f"{parties} {Track(track).label}"] = " ".join(
            f"{label} {text_of(cell)}".strip() for label, cell in cells
        )
    return found


def fact(card: str, name: str) -> str:
    """One fact of a card: the text after its label, up to the next label."""
    labels = [
        "Status",
        "Trend",
        "Confidence",
        "Last contact",
        "Next expected",
        "Open sticking points",
    ]
    following = "|".join(re.escape(label) for label in labels if label != name)
    match = re.search(rf"{re.escape(name)} (.*?)(?: (?:{following}) | Activity|$)", card)
    assert match, f"no {name} on the card: {card}"
    return match.group(1)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return text_of(match.group(1))


def not_recorded(html: str) -> list[str]:
    """The channel page's one line of sections with nothing recorded: what it names."""
    match = re.search(r'<p class="not-recorded">Not recorded: (.*?)\.</p>', html, re.S)
    return text_of(match.group(1)).split(", ") if match else []


def banner(html: str) -> str:
    match = re.search(r'<p class="banner" role="status">(.*?)</p>', html, re.S)
    return text_of(match.group(1)) if match else ""


# --- The seed, on the board ----------------------------------------------------------------------


def test_board_on_1_august_2025(client, seeded):
    html = get(client, f"{BOARD}?as_of=2025-08-01")
    assert banner(html) == (
        "Showing every channel as it stood on 1 August 2025, from the dated history. Back to today"
    )
    board = cards(html)
    military = board["US – China Military-to-military"]
    # The call and the stalled status were reported 3–16 September: not known yet.
    assert "No status recorded" in military and "Stalled" not in military
    assert fact(military, "Next expected") == "Nothing expected"
    assert fact(military, "Last contact") == "None recorded"
    assert fact(military, "Open sticking points") == "0"
    assert PROPOSED_CALL not in military

    diplomatic = board["US – China Diplomatic"]
    assert "Open since 11 July 2025" in diplomatic
    assert fact(diplomatic, "Last contact") == (
        "11 July 2025 · 3 wk ago · Rubio meets China's Foreign Minister in Malaysia"
    )
    assert fact(diplomatic, "Trend") == "Improving"

    leaders = board["US – China Leaders (summit)"]
    assert "No status recorded" in leaders
    assert fact(leaders, "Next expected") == "Nothing expected"


def test_board_on_20_september_2025(client, seeded):
    html = get(client, f"{BOARD}?as_of=2025-09-20")
    assert "Showing every channel as it stood on 20 September 2025" in banner(html)
    military = cards(html)["US – China Military-to-military"]
    assert "Stalled since 3–16 September 2025" in military
    assert fact(military, "Open sticking points") == "2"
    assert fact(military, "Next expected") == (
        f"Overdue since 10 Sep 2025 early September 2025 · proposed by US · {PROPOSED_CALL}"
    )
    assert fact(military, "Last contact") == "None recorded"
    leaders = cards(html)["US – China Leaders (summit)"]
    assert "Anticipated Trump–Xi summit" in fact(leaders, "Next expected")


def test_board_on_a_day_between_the_status_date_bounds_counts_the_change_as_possible(
    client, seeded
):
    # “3–16 September 2025”: counted from 3 September, marked as possibly not yet in effect
    # until the 16th, when it is certain.
    military = cards(get(client, f"{BOARD}?as_of=2025-09-02"))["US – China Military-to-military"]
    assert "No status recorded" in military
    military = cards(get(client, f"{BOARD}?as_of=2025-09-03"))["US – China Military-to-military"]
    assert "Stalled since 3–16 September 2025 — possibly not yet on 3 September 2025" in military
    military = cards(get(client, f"{BOARD}?as_of=2025-09-10"))["US – China Military-to-military"]
    assert "Stalled since 3–16 September 2025 — possibly not yet on 10 September 2025" in military
    assert fact(military, "Open sticking points") == "2"
    military = cards(get(client, f"{BOARD}?as_of=2025-09-16"))["US – China Military-to-military"]
    assert "Stalled since 3–16 September 2025" in military
    assert "possibly" not in military.split("Trend")[0]


def test_board_links_keep_the_day(client, seeded):
    html = get(client, f"{BOARD}?as_of=2025-08-01")
    assert f'href="{MILITARY}?as_of=2025-08-01"' in html
    assert 'value="2025-08-01"' in html  # the date control shows the day
    assert f'<a href="{BOARD}">Back to today</a>' in html


def test_board_without_a_day_has_no_banner(client, seeded):
    html = get(client, BOARD)
    assert banner(html) == ""
    assert "Stalled since 3–16 September 2025" in cards(html)["US – China Military-to-military"]


# --- The seed, on a channel's board --------------------------------------------------------------


def test_channel_board_on_1_august_2025_hides_what_came_later(client, seeded):
    html = get(client, f"{MILITARY}?as_of=2025-08-01")
    assert banner(html) == (
        "Showing this channel as it stood on 1 August 2025, from the dated history. Back to today"
    )
    header = text_of(html.split('<section aria-labelledby="strip-heading">')[0])
    assert "No status recorded" in header and "Stalled" not in header
    # Nothing expected, no sticking point, no status, no contact yet: one line says so.
    assert not_recorded(html) == [
        "expected engagements",
        "sticking points",
        "counterpart claims",
        "past engagements",
        "status changes",
    ]
    assert "Hegseth's remarks on China" not in html
    # Said on 31 May: already known.
    statements = section(html, "statements")
    assert "The threat China poses is real" in statements
    assert "We will not instigate" in statements
    assert 'href="/?as_of=2025-08-01"' in html  # the breadcrumb keeps the day


def test_channel_board_on_20_september_2025(client, seeded):
    html = get(client, f"{MILITARY}?as_of=2025-09-20")
    assert "Showing this channel as it stood on 20 September 2025" in banner(html)
    upcoming = section(html, "upcoming")
    assert PROPOSED_CALL in upcoming
    assert "Beijing Xiangshan Forum — US participation" in upcoming
    points = section(html, "sticking-points")
    assert "Hegseth's remarks on China Open" in points
    assert "Who is Hegseth's counterpart Open" in points
    assert "Stalled" in section(html, "history")


def test_channel_board_on_a_day_before_anything_was_said(client, seeded):
    html = get(client, f"{MILITARY}?as_of=2025-05-30")
    assert "statements" in not_recorded(html)
    assert '<h2 id="statements"' not in html


# --- Factory data: states as they were ----------------------------------------------------------


@pytest.fixture
def history(db):
    """A channel: open from 1 July, stalled from 1 September. A meeting proposed on 1 August and
    held on 10 September; an obstacle raised on 15 August and resolved on 1 October."""
    channel = ChannelFactory(slug="factory-channel")
    cite(
        StatusChangeFactory(
            channel=channel,
            status="open",
            date_earliest=date(2025, 7, 1),
            date_latest=date(2025, 7, 1),
        )
    )
    cite(
        StatusChangeFactory(
            channel=channel,
            status="stalled",
            date_earliest=date(2025, 9, 1),
            date_latest=date(2025, 9, 1),
        )
    )
    meeting = EngagementFactory(
        channel=channel,
        title="Factory meeting",
        state="held",
        when_earliest=date(2025, 9, 10),
        when_latest=date(2025, 9, 10),
        when_precision="day",
    )
    cite(meeting)
    cite(
        TransitionFactory(
            engagement=meeting,
            to_state="proposed",
            date_earliest=date(2025, 8, 1),
            date_latest=date(2025, 8, 1),
        )
    )
    cite(
        TransitionFactory(
            engagement=meeting,
            from_state="proposed",
            to_state="held",
            date_earliest=date(2025, 9, 10),
            date_latest=date(2025, 9, 10),
        )
    )
    point = StickingPointFactory(
        channel=channel,
        title="Factory obstacle",
        state="resolved",
        raised_earliest=date(2025, 8, 15),
        raised_latest=date(2025, 8, 15),
        raised_precision="day",
        resolved_earliest=date(2025, 10, 1),
        resolved_latest=date(2025, 10, 1),
        resolved_precision="day",
    )
    cite(point)
    return channel


def factory_card(client, day: str) -> str:
    html = get(client, f"{BOARD}?as_of={day}")
    (card,) = [text for heading, text in cards(html).items() if "Military" in heading]
    return card


def test_engagement_proposed_then_held_shows_as_proposed_in_between(client, history):
    card = factory_card(client, "2025-08-20")
    assert "Open since 1 July 2025" in card
    assert fact(card, "Next expected") == "10 September 2025 · proposed · Factory meeting"
    assert fact(card, "Last contact") == "None recorded"

    html = get(client, "/channels/factory-channel/?as_of=2025-08-20")
    upcoming = section(html, "upcoming")
    assert "Factory meeting Proposed" in upcoming
    assert "past engagements" in not_recorded(html)
    # The lifecycle lists every step, even those after the day (the state badge is as of then).
    assert Engagement.objects.get(title="Factory meeting").state == "held"


def test_engagement_held_shows_as_last_contact_after_the_meeting(client, history):
    card = factory_card(client, "2025-09-15")
    assert "Stalled since 1 September 2025" in card
    assert fact(card, "Last contact") == "10 September 2025 · 5 d ago · Factory meeting"
    assert fact(card, "Next expected") == "Nothing expected"
    html = get(client, "/channels/factory-channel/?as_of=2025-09-15")
    assert "Factory meeting Held" in section(html, "past")
    assert "expected engagements" in not_recorded(html)
    assert "Next expected Nothing expected" in text_of(html)
    assert "Last contact Factory meeting — 10 September 2025 (5 days ago)" in text_of(html)


def test_engagement_not_yet_proposed_is_not_shown(client, history):
    card = factory_card(client, "2025-07-15")
    assert fact(card, "Next expected") == "Nothing expected"
    html = get(client, "/channels/factory-channel/?as_of=2025-07-15")
    assert "Factory meeting" not in html


def test_sticking_point_resolved_later_is_open_before_its_resolution(client, history):
    assert fact(factory_card(client, "2025-09-15"), "Open sticking points") == "1"
    html = get(client, "/channels/factory-channel/?as_of=2025-09-15")
    points = section(html, "sticking-points")
    assert "Factory obstacle Open" in points
    assert "Resolved" not in points.split("Factory obstacle")[0]

    assert fact(factory_card(client, "2025-10-02"), "Open sticking points") == "0"
    html = get(client, "/channels/factory-channel/?as_of=2025-10-02")
    points = section(html, "sticking-points")
    assert "No open sticking points." in points
    assert "Resolved Factory obstacle Resolved" in points

    # Not yet raised: not there at all.
    assert fact(factory_card(client, "2025-08-01"), "Open sticking points") == "0"
    html = get(client, "/channels/factory-channel/?as_of=2025-08-01")
    assert "Factory obstacle" not in html
    # Today it is resolved.
    assert StickingPoint.objects.get(title="Factory obstacle").state == "resolved"
    assert fact(factory_card(client, ""), "Open sticking points") == "0"


def test_status_as_of_picks_the_change_in_force(client, history):
    assert "No status recorded" in factory_card(client, "2025-06-30")
    assert "Open since 1 July 2025" in factory_card(client, "2025-07-01")
    assert "Open since 1 July 2025" in factory_card(client, "2025-08-31")
    assert "Stalled since 1 September 2025" in factory_card(client, "2025-09-01")
    html = get(client, "/channels/factory-channel/?as_of=2025-08-01")
    history_text = section(html, "history")
    assert "Open" in history_text and "Stalled" not in history_text


# --- Bad days ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [BOARD, MILITARY])
@pytest.mark.parametrize("value", ["yesterday", "2025-02-30", "2025-13-01", "0001-01-01"])
def test_unreadable_day_is_a_400_with_a_clear_message_and_a_usable_page(client, seeded, url, value):
    response = client.get(url, {"as_of": value})
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(
        r'<p class="banner banner--error" id="as-of-error" role="alert">(.*?)</p>', html, re.S
    )
    assert error, "no message about the day"
    message = text_of(error.group(1))
    assert f"“{value}”" in message
    assert "YYYY-MM-DD" in message or "give a day from" in message
    assert "as it stands today instead" in message
    assert 'aria-invalid="true"' in html
    # The page is otherwise the page of today, with its control to try again.
    assert banner(html) == ""
    assert "Stalled since 3–16 September 2025" in text_of(html)
    assert '<input id="as-of" type="date" name="as_of"' in html


@pytest.mark.parametrize("value", ["1000-01-01", "9998-12-31"])
@pytest.mark.parametrize("url", [BOARD, MILITARY])
def test_far_days_within_range_work(client, seeded, url, value):
    assert client.get(url, {"as_of": value}).status_code == 200


def test_empty_as_of_is_today(client, seeded):
    html = get(client, f"{BOARD}?as_of=")
    assert banner(html) == ""
    assert "Stalled since" in text_of(html)


def test_unknown_channel_is_still_404(client, seeded):
    assert client.get("/channels/nowhere/?as_of=2025-08-01").status_code == 404
