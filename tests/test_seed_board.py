"""After `load_seed` on an empty database, an analyst sees every point of the seed on the pages,
each traced to its source — without reading the article."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Citation, Engagement, EngagementTransition, StatusChange, StickingPoint
from tests.pages import refs_in, sources_behind

pytestmark = pytest.mark.django_db

REPORT = "Online news report (outlet not recorded)"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """The visible text, whitespace folded, entities kept as the browser shows them."""
    html = re.sub(r'<span aria-hidden="true">.*?</span>', "", html)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ([,.:;)])", r"\1", text)


def section_html(html: str, heading_id: str) -> str:
    """One <section> of the channel board, found by its heading's id."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


def section(html: str, heading_id: str) -> str:
    """The text of one <section> of the channel board, found by its heading's id."""
    return text_of(section_html(html, heading_id))


def section_sources(html: str, heading_id: str) -> str:
    """The text of the sources the section's footnotes link to, with their passages."""
    return sources_behind(section_html(html, heading_id), html)


def card(html: str, track_label: str) -> str:
    """The text of the board's row for the US–China channel on the track `track_label`."""
    from tests.test_as_of import cards

    for name, found in cards(html).items():
        if name.endswith(track_label):
            return found
    raise AssertionError(f"no card for {track_label}")


@pytest.fixture
def board(client, seeded) -> str:
    return page(client, reverse("events:board"))


@pytest.fixture
def military(client, seeded) -> str:
    return page(client, reverse("events:channel_detail", args=["us-china-military"]))


@pytest.fixture
def diplomatic(client, seeded) -> str:
    return page(client, reverse("events:channel_detail", args=["us-china-diplomatic"]))


@pytest.fixture
def leaders(client, seeded) -> str:
    return page(client, reverse("events:channel_detail", args=["us-china-leaders"]))


# 1. The proposed call: stalled channel, pending US proposal, early September, Nikkei Asia.


def test_board_shows_military_channel_stalled_on_pending_us_proposal(board):
    military = card(board, "Military-to-military")
    assert "Stalled" in military
    assert "since 3–16 September 2025" in military
    assert "Proposed call between the Pentagon and China's military leadership" in military
    assert "early September 2025 · proposed by US" in military
    assert "Open sticking points 2" in military


def test_channel_board_shows_proposed_call_with_its_significance_and_source(military):
    upcoming = section(military, "upcoming")
    assert "Proposed call between the Pentagon and China's military leadership" in upcoming
    assert "Proposed" in upcoming and "Phone call" in upcoming
    assert "early September 2025" in upcoming and "proposed by US" in upcoming
    assert "first senior military-to-military contact of Trump's second term" in upcoming
    assert "Beijing has not accepted" in upcoming
    assert REPORT in section_sources(military, "upcoming")
    status = text_of(military.split('<section aria-labelledby="upcoming">')[0])
    assert "Stalled" in status and "since 3–16 September 2025" in status


def test_military_board_shows_what_the_report_relays(military):
    # The report is a secondary one; its sources list says whom its passages pass on.
    upcoming = section_sources(military, "upcoming")
    assert "(summary) — paras. 2–3, relaying Nikkei Asia — another outlet's report" in upcoming
    assert (
        "(what set the proposal in motion): The outreach on the military channel gathered pace"
        in upcoming
    )
    assert "— para. 4, relaying US State Department readouts — an official readout" in upcoming
    # What the report as a whole names as its source is said once, beside the report.
    assert (
        "Secondary report · 3–16 September 2025 · relaying Nikkei Asia, citing US officials; "
        "State Department readouts" in section_sources(military, "sticking-points")
    )


def test_diplomatic_board_shows_the_readouts_behind_the_meeting(diplomatic):
    assert "relaying US State Department readouts — an official readout" in text_of(diplomatic)


def test_report_source_records_that_it_relays_nikkei_asia(seeded):
    citation = Citation.objects.select_related("source").filter(source__outlet=REPORT).first()
    assert "Nikkei Asia" in citation.source.relays
    assert str(citation.source.published) == "3–16 September 2025"


# 2. The anticipated summit, its date kept as reported and flagged.


def test_summit_is_shown_with_its_reported_date_flagged(board, leaders):
    leaders_card = card(board, "Leaders (summit)")
    assert "Anticipated Trump–Xi summit" in leaders_card
    assert "late 2024 – early 2025" in leaders_card
    assert "Date flagged" in leaders_card

    upcoming = section(leaders, "upcoming")
    assert "Anticipated Trump–Xi summit" in upcoming
    assert "late 2024 – early 2025" in upcoming
    assert (
        "Date flagged: Expected date late 2024 – early 2025 lies before the report that "
        f"forecast it ({REPORT}, 3–16 September 2025)." in upcoming
    )
    assert "groundwork" in upcoming
    assert REPORT in upcoming


def test_summit_date_is_stored_as_reported_not_corrected(seeded):
    summit = Engagement.objects.get(title="Anticipated Trump–Xi summit")
    assert str(summit.when) == "late 2024 – early 2025"
    assert summit.when.precision == "range"
    assert len(summit.date_warnings()) == 1


# 3. The diplomatic channel's last contact.


def test_board_shows_diplomatic_last_contact_on_11_july(board):
    diplomatic = card(board, "Diplomatic")
    assert "Open" in diplomatic
    assert "11 July 2025" in diplomatic
    assert "Rubio meets China's Foreign Minister in Malaysia" in diplomatic


def test_diplomatic_board_shows_meeting_characterisation_and_sources(diplomatic):
    past = section(diplomatic, "past")
    assert "Rubio meets China's Foreign Minister in Malaysia" in past
    assert "11 July 2025" in past
    assert "US’s description: “constructive and pragmatic”" in past
    sources = section_sources(diplomatic, "past")
    assert f"{REPORT}, Pentagon proposes" in sources and "3–16 September 2025" in sources
    # The public record adds the minister's name and the city, each with its own source.
    assert "Wang Yi" in past
    assert "US Department of State," in sources and "Official readout · 11 July 2025" in sources
    assert "Kuala Lumpur, Malaysia" in past


# 4. Hegseth's remarks: one speaker, two quotes, each side's reading.


def test_military_board_shows_both_hegseth_quotes_with_each_sides_reading(military):
    statements = section(military, "statements")
    assert "“We will not instigate nor seek to subjugate or humiliate”" in statements
    assert "“The threat China poses is real and it could be imminent.”" in statements
    assert statements.count("Pete Hegseth") == 2
    assert "US highlights: Washington points to this line" in statements
    assert "What China takes as the real message: Beijing treats this line" in statements
    assert "Conciliatory toward China" in statements and "Hostile toward China" in statements
    sources = section_sources(military, "statements")
    assert REPORT in sources
    # Where and when he said it comes from a separate, official source.
    assert "Shangri-La Dialogue, Singapore, 31 May 2025" in statements
    assert "US Department of Defense, Remarks by Secretary of Defense Pete Hegseth" in sources
    assert "Official transcript · 31 May 2025" in sources
    assert "“We will not instigate nor seek to subjugate or humiliate” (date and venue)" in sources


def test_remarks_are_an_open_sticking_point_linked_to_both_quotes(military):
    points = section(military, "sticking-points")
    assert "Hegseth's remarks on China Open Remark" in points
    assert "Statement: Hegseth, “We will not instigate" in points
    assert "Statement: Hegseth, “The threat China poses" in points


# 5. The counterpart dispute.


def test_military_board_shows_counterpart_dispute(military):
    counterparts = section(military, "counterparts")
    assert "Who is the counterpart of the Secretary of Defense (Pentagon)? Disputed" in counterparts
    assert "China’s view: Minister of National Defense" in counterparts
    assert "US’s view: Zhang Youxia, First-ranked Vice Chairman (CMC)" in counterparts
    claims = refs_in(section_html(military, "counterparts"))
    assert len(claims) == 2 and REPORT in section_sources(military, "counterparts")
    points = section(military, "sticking-points")
    assert "Who is Hegseth's counterpart Open Counterpart dispute" in points


# 6. The Xiangshan Forum.


def test_xiangshan_forum_is_upcoming_with_tentative_and_confirmed_participants(military):
    upcoming = section(military, "upcoming")
    assert "Beijing Xiangshan Forum — US participation" in upcoming
    assert "Scheduled" in upcoming and "17–19 September 2025" in upcoming
    assert "Alvaro Smith — delegation member, considering / tentative" in upcoming
    assert "Defense attachés, US Embassy in Beijing — attaché, confirmed" in upcoming
    assert "para. 7" in section_sources(military, "upcoming")


# Every fact traced to a source.


# Records that name things rather than assert facts; citations on them are optional.
STRUCTURAL = {"actor", "office", "channel"}


def test_every_seeded_fact_has_a_source(seeded):
    from django.apps import apps

    from events.models import CitedModel

    uncited = []
    for model in apps.get_app_config("events").get_models():
        if not issubclass(model, CitedModel) or model._meta.model_name in STRUCTURAL:
            continue
        uncited.extend(
            f"{model.__name__} {obj}" for obj in model.objects.all() if not obj.citations.exists()
        )
    assert uncited == []


def test_no_page_shows_a_fact_without_a_source(military, diplomatic, leaders):
    for html in (military, diplomatic, leaders):
        assert "No source recorded for this fact" not in html


def test_loading_the_seed_twice_changes_nothing(seeded):
    def counts():
        return (
            StatusChange.objects.count(),
            Engagement.objects.count(),
            EngagementTransition.objects.count(),
            StickingPoint.objects.count(),
            Citation.objects.count(),
        )

    before = counts()
    call_command("load_seed", verbosity=0)
    assert counts() == before
    assert before[0] == 2 and before[1] == 4


# --- Overdue engagements ------------------------------------------------------------------------


def test_xiangshan_forum_shows_as_overdue_today_on_the_channel_page(client, seeded):
    page = client.get("/channels/us-china-military/").content.decode()
    forum = re.search(
        r'<article class="item engagement"[^>]*>\s*<h3>Beijing Xiangshan.*?</article>', page, re.S
    )
    assert forum is not None
    assert "Overdue since 19 September 2025:" in forum.group(0)


def test_forum_is_not_overdue_as_of_a_day_before_it_ended(client, seeded):
    page = client.get("/channels/us-china-military/?as_of=2025-09-18").content.decode()
    assert "Overdue since 19 September 2025" not in page


def test_board_card_flags_its_overdue_next_expected_engagement(client, seeded):
    board = client.get("/").content.decode()
    assert "Overdue since" in board
    from tests.test_as_of import cards, fact

    before = cards(client.get("/?as_of=2025-09-05").content.decode())
    # On 5 September the proposed call (expected early September) is not overdue yet…
    military = fact(before["US – China Military-to-military"], "Next expected")
    assert "Overdue since" not in military
    assert "possibly not yet on 5 September 2025" in military  # reported 3–16 September
    # …while the summit, possibly already reported (3–16 September), was expected by April.
    leaders = fact(before["US – China Leaders (summit)"], "Next expected")
    assert "Overdue since 30 Apr 2025" in leaders
    assert "possibly not yet on 5 September 2025" in leaders
