"""Overlapping dates, through the admin as an editor meets them: a status (or lifecycle step)
dated inside another's range is refused with a message on the date field naming the other one,
unless an overlap reason is given; nothing is saved when refused."""

import re

import pytest
from django.core.exceptions import ValidationError

from events import services
from events.models import Citation, EngagementTransition, StatusChange
from tests.factories import fuzzy
from tests.test_admin import (
    _status_change_form,
    _transition_form,
    add_url,
    change_url,
    channel,
    proposed_defense_call,
    refused,
    report,
    submit,
)
from tests.test_lists import text_of


def field_error(response, field: str) -> str:
    """The text of the errors the admin shows on `field` ("" when none)."""
    html = response.content.decode()
    match = re.search(
        rf'<ul class="errorlist"[^>]*id="id_{field}_error"[^>]*>(.*?)</ul>', html, re.S
    )
    return text_of(match.group(1)) if match else ""


def stalled() -> StatusChange:
    """The seed's military status: stalled, dated 3–16 September 2025."""
    return StatusChange.objects.get(channel__slug="us-china-military", status="stalled")


def counts() -> tuple[int, int]:
    return StatusChange.objects.count(), Citation.objects.count()


def test_status_dated_inside_an_earlier_range_is_refused_on_the_date_field(seeded, admin_client):
    military = channel("us-china-military")
    before = counts()
    response = submit(
        admin_client,
        add_url("statuschange"),
        **_status_change_form(military, "9 September 2025", report()),
    )
    assert refused(response)
    error = field_error(response, "date")
    assert error == (
        "9 September 2025 falls inside the date of the status “Stalled” of 3–16 September 2025, "
        f"already recorded (#{stalled().pk}), so the order of the two is unclear. Narrow the "
        "date of the status “Stalled” of 3–16 September 2025 if a report allows, or give an "
        "overlap reason to keep both dates."
    )
    assert counts() == before


def test_status_whose_range_holds_an_earlier_date_is_refused(seeded, admin_client):
    diplomatic = channel("us-china-diplomatic")  # open since 11 July 2025
    before = counts()
    response = submit(
        admin_client,
        add_url("statuschange"),
        **_status_change_form(diplomatic, "July 2025", report()),
    )
    assert refused(response)
    assert field_error(response, "date").startswith(
        "July 2025 contains the date of the status “Open” of 11 July 2025"
    )
    assert "Narrow this date if a report allows" in field_error(response, "date")
    assert counts() == before


def test_status_with_an_overlap_reason_is_saved_and_keeps_it(seeded, admin_client):
    military = channel("us-china-military")
    before = counts()
    response = submit(
        admin_client,
        add_url("statuschange"),
        **_status_change_form(military, "9 September 2025", report()),
        overlap_reason="The first report gives no closer date for the stall.",
    )
    assert response.status_code == 302
    change = StatusChange.objects.get(channel=military, date_earliest__day=9)
    assert change.overlap_reason == "The first report gives no closer date for the stall."
    assert counts() == (before[0] + 1, before[1] + 1)


def test_editing_a_status_date_into_another_range_is_refused_then_saved_with_a_reason(
    seeded, admin_client
):
    military = channel("us-china-military")
    later = services.status_change_record(
        channel=military,
        status="open",
        date=fuzzy("20 September 2025"),
        explanation="The call was held.",
        citations=[services.CitationInput(source=report(), passage="The call went ahead.")],
    )
    response = submit(admin_client, change_url(later), date="10 September 2025")
    assert refused(response)
    assert "falls inside the date of the status “Stalled” of 3–16 September 2025" in (
        field_error(response, "date")
    )
    later.refresh_from_db()
    assert str(later.date) == "20 September 2025"

    response = submit(
        admin_client,
        change_url(later),
        date="10 September 2025",
        overlap_reason="Reports disagree on the day.",
    )
    assert response.status_code == 302
    later.refresh_from_db()
    assert (str(later.date), later.overlap_reason) == (
        "10 September 2025",
        "Reports disagree on the day.",
    )


def test_editing_a_status_without_moving_its_date_needs_no_reason(seeded, admin_client):
    military = channel("us-china-military")
    later = services.status_change_record(
        channel=military,
        status="open",
        date=fuzzy("9 September 2025"),
        explanation="The call was held.",
        overlap_reason="Reports disagree on the day.",
        citations=[services.CitationInput(source=report(), passage="The call went ahead.")],
    )
    # The earlier, wider status is edited (its explanation only): its date is not being set.
    response = submit(admin_client, change_url(stalled()), explanation="Still stalled.")
    assert response.status_code == 302
    assert stalled().explanation == "Still stalled."
    assert later.overlap_reason == "Reports disagree on the day."


def test_lifecycle_step_inside_the_previous_step_range_is_refused_then_saved_with_a_reason(
    seeded, admin_client
):
    call = proposed_defense_call()  # proposed, reported 3–16 September 2025
    steps_before = EngagementTransition.objects.count()
    response = submit(
        admin_client,
        add_url("engagementtransition"),
        **_transition_form(call, "scheduled", "10 September 2025"),
    )
    assert refused(response)
    assert field_error(response, "date").startswith(
        "10 September 2025 falls inside the date of the step “proposed” of 3–16 September 2025"
    )
    call.refresh_from_db()
    assert call.state == "proposed"
    assert EngagementTransition.objects.count() == steps_before

    response = submit(
        admin_client,
        add_url("engagementtransition"),
        **_transition_form(call, "scheduled", "10 September 2025"),
        overlap_reason="The proposal itself is not dated.",
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.state == "scheduled"
    step = call.transitions.order_by("-id").first()
    assert step.overlap_reason == "The proposal itself is not dated."


def test_steps_on_the_same_known_day_need_no_reason(seeded):
    diplomatic = channel("us-china-diplomatic")
    engagement = services.engagement_create(
        engagement=proposed_defense_call().__class__(
            channel=diplomatic, kind="phone_call", title="Same-day call"
        ),
        state="proposed",
        reported=fuzzy("1 October 2025"),
        citations=[services.CitationInput(source=report(), passage="A call was proposed.")],
    )
    step = services.engagement_transition(
        engagement=engagement,
        to_state="scheduled",
        date=fuzzy("1 October 2025"),
        citations=[services.CitationInput(source=report(), passage="And scheduled.")],
    )
    assert step.overlap_reason == ""


def test_same_day_statuses_are_refused_by_the_service_without_a_reason(seeded):
    diplomatic = channel("us-china-diplomatic")
    with pytest.raises(ValidationError) as caught:
        services.status_change_record(
            channel=diplomatic,
            status="limited",
            date=fuzzy("11 July 2025"),
            explanation="Same day.",
            citations=[services.CitationInput(source=report(), passage="Same day.")],
        )
    assert "is the same day as the status “Open” of 11 July 2025" in " ".join(
        caught.value.message_dict["date"]
    )
    assert StatusChange.objects.filter(channel=diplomatic).count() == 1
