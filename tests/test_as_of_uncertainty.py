"""As-of boards with honest uncertainty (docs/dates.md): a dated record counts from its earliest
possible day and is marked “possibly not yet” until its latest; a later status narrows an
earlier one's period instead of erasing it; undated facts count from their first report."""

import re
from datetime import date

import pytest

from events import services
from events.models import Engagement, StatusChange, StickingPoint
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
    cite,
    fuzzy,
)
from tests.test_as_of import BOARD, MILITARY, cards, fact, get, section
from tests.test_lists import text_of

pytestmark = pytest.mark.django_db

DIPLOMATIC = "/channels/us-china-diplomatic/"
CARD = "US – China Military-to-military"


def header(html: str) -> str:
    """The channel page's status line (in its summary), as text."""
    match = re.search(r'<p class="channel-summary__status">(.*?)</p>', html, re.S)
    assert match, "no status line"
    return text_of(match.group(1))


def strip(html: str) -> str:
    return section(html, "strip-heading")


def report_citation(passage: str = "As the report says.") -> list[services.CitationInput]:
    from tests.test_admin import report

    return [services.CitationInput(source=report(), passage=passage)]


def military_status(status: str, when: str, **kwargs) -> StatusChange:
    from tests.test_admin import channel

    return services.status_change_record(
        channel=channel("us-china-military"),
        status=status,
        date=fuzzy(when),
        explanation=f"{status} as reported.",
        citations=report_citation(),
        **kwargs,
    )


def test_channel_page_inside_a_fuzzy_range_shows_the_status_as_possibly_not_yet(client, seeded):
    html = get(client, f"{MILITARY}?as_of=2025-09-05")
    assert "Stalled since 3–16 September 2025 — possibly not yet on 5 September 2025" in (
        header(html)
    )
    # The sticking points raised 3–16 September count too, with the same mark.
    points = section(html, "sticking-points")
    assert "Hegseth's remarks on China Open — possibly not yet on 5 September 2025" in points
    # From the 16th the stall is certain.
    html = get(client, f"{MILITARY}?as_of=2025-09-16")
    assert "Stalled since 3–16 September 2025" in header(html)
    assert "possibly" not in header(html)


def test_channel_page_before_a_fuzzy_range_shows_the_previous_status(client, seeded):
    military_status("limited", "1 August 2025")
    html = get(client, f"{MILITARY}?as_of=2025-09-02")
    assert "Limited since 1 August 2025" in header(html)
    assert "possibly" not in header(html)
    html = get(client, f"{MILITARY}?as_of=2025-09-03")
    assert "Stalled since 3–16 September 2025 — possibly not yet on 3 September 2025" in (
        header(html)
    )
    # The earlier status stays in the history, and the time strip names both periods.
    assert "Limited" in section(html, "history")
    assert "Limited from 1 August 2025 until 3–16 September 2025" in strip(html)


def test_a_later_status_inside_an_earlier_range_narrows_it_instead_of_hiding_it(client, seeded):
    # The case: stalled “3–16 September”, then a status dated 9 September is recorded.
    military_status("open", "9 September 2025", overlap_reason="The stall is not dated closer.")
    for day in ("2025-09-03", "2025-09-05", "2025-09-08"):
        html = get(client, f"{MILITARY}?as_of={day}")
        assert "Stalled since 3–16 September 2025 — possibly not yet on" in header(html), day
        card = cards(get(client, f"{BOARD}?as_of={day}"))[CARD]
        assert "Stalled since 3–16 September 2025" in card, day
    for day in ("2025-09-09", "2025-09-16", "2025-10-01"):
        html = get(client, f"{MILITARY}?as_of={day}")
        assert "Open since 9 September 2025" in header(html), day
        assert "possibly" not in header(html)
        assert "Stalled" in section(html, "history"), day  # still part of the story
        card = cards(get(client, f"{BOARD}?as_of={day}"))[CARD]
        assert "Open since 9 September 2025" in card, day
    html = get(client, f"{MILITARY}?as_of=2025-10-01")
    assert "Stalled from 3–16 September 2025 until 9 September 2025" in strip(html)
    # Today, too.
    assert "Open since 9 September 2025" in header(get(client, MILITARY))


def test_held_engagement_straddling_the_day_is_possibly_not_yet_held(client, seeded):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    services.engagement_transition(
        engagement=call,
        to_state="held",
        date=fuzzy("late September 2025"),
        citations=report_citation("The call took place."),
    )
    card = cards(get(client, f"{BOARD}?as_of=2025-09-25"))[CARD]
    assert fact(card, "Last contact") == (
        "early September 2025 · 3 wk ago · Proposed call between the Pentagon and China's "
        "military leadership — possibly not yet on 25 September 2025"
    )
    html = get(client, f"{MILITARY}?as_of=2025-09-25")
    assert "Held — possibly not yet on 25 September 2025" in section(html, "past")
    # Before the step's earliest day it is still proposed; after its latest, certainly held.
    html = get(client, f"{MILITARY}?as_of=2025-09-20")
    assert "Proposed call" in section(html, "upcoming")
    card = cards(get(client, f"{BOARD}?as_of=2025-10-01"))[CARD]
    assert "possibly" not in fact(card, "Last contact")


def test_resolved_sticking_point_straddling_the_day_is_possibly_not_yet_resolved(client, seeded):
    point = StickingPoint.objects.get(title="Hegseth's remarks on China")
    point.state = "resolved"
    point.resolved = fuzzy("late September 2025")
    services.record_save(record=point)
    card = cards(get(client, f"{BOARD}?as_of=2025-09-25"))[CARD]
    assert fact(card, "Open sticking points") == "1"
    points = section(get(client, f"{MILITARY}?as_of=2025-09-25"), "sticking-points")
    assert "Hegseth's remarks on China Resolved — possibly not yet on 25 September 2025" in points
    assert fact(cards(get(client, f"{BOARD}?as_of=2025-09-20"))[CARD], "Open sticking points") == (
        "2"
    )


def test_a_participant_counts_from_the_first_report_that_cites_it(client, seeded):
    meeting = Engagement.objects.get(title="Rubio meets China's Foreign Minister in Malaysia")
    aide = PersonFactory(name="Late-reported Aide")
    participation = ParticipationFactory(
        engagement=meeting, actor=aide, side=meeting.channel.party_a
    )
    cite(
        participation,
        SourceFactory(
            published_earliest=date(2025, 10, 1),
            published_latest=date(2025, 10, 1),
        ),
    )
    assert "Late-reported Aide" not in get(client, f"{DIPLOMATIC}?as_of=2025-09-20")
    assert "Late-reported Aide" in get(client, f"{DIPLOMATIC}?as_of=2025-10-01")
    # The characterisation is cited from the report of 3–16 September only: the meeting is
    # there on 11 July, its description from 3 September.
    past = section(get(client, f"{DIPLOMATIC}?as_of=2025-09-02"), "past")
    assert "Rubio meets China's Foreign Minister" in past
    assert "constructive and pragmatic" not in past
    past = section(get(client, f"{DIPLOMATIC}?as_of=2025-09-03"), "past")
    assert "constructive and pragmatic" in past


def test_an_undated_statement_counts_from_the_first_report_that_cites_it(client, seeded):
    from tests.test_admin import channel

    statement = StatementFactory(text="Undated words on the call.")
    statement.channels.add(channel("us-china-military"))
    cite(statement, SourceFactory())  # published 5 September 2025
    assert "Undated words on the call." not in get(client, f"{MILITARY}?as_of=2025-09-04")
    assert "Undated words on the call." in section(
        get(client, f"{MILITARY}?as_of=2025-09-05"), "statements"
    )


def test_before_a_sticking_point_is_resolved_its_resolution_is_not_printed(client, seeded):
    point = StickingPoint.objects.get(title="Hegseth's remarks on China")
    point.state = "resolved"
    point.resolved = fuzzy("30 September 2025")
    services.record_save(record=point)
    points = section(get(client, f"{MILITARY}?as_of=2025-09-20"), "sticking-points")
    assert "Hegseth's remarks on China Open" in points
    assert "Resolved 30 September 2025" not in points
    points = section(get(client, f"{MILITARY}?as_of=2025-10-01"), "sticking-points")
    assert "Resolved 30 September 2025" in points


def test_lifecycle_lists_only_the_steps_begun_by_the_day(client, seeded):
    call = Engagement.objects.get(title__startswith="Proposed call between the Pentagon")
    services.engagement_transition(
        engagement=call,
        to_state="held",
        date=fuzzy("30 September 2025"),
        citations=report_citation("The call took place on 30 September."),
    )
    before = section(get(client, f"{MILITARY}?as_of=2025-09-20"), "upcoming")
    assert "Lifecycle (1 step)" in before and "30 September 2025" not in before
    after = section(get(client, f"{MILITARY}?as_of=2025-10-01"), "past")
    assert "Lifecycle (2 steps)" in after


def test_a_source_published_after_the_day_is_marked_as_reported_later(client, seeded):
    later = SourceFactory(
        outlet="Later Wire",
        published_earliest=date(2025, 10, 1),
        published_latest=date(2025, 10, 1),
    )
    cite(StatusChange.objects.get(channel__slug="us-china-military"), later)
    html = get(client, f"{MILITARY}?as_of=2025-09-20")
    assert "Later Wire" in html
    assert "(reported after 20 September 2025)" in html
    assert "reported after" not in get(client, f"{MILITARY}?as_of=2025-10-02")
