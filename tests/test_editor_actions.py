"""Editors act where they read: the actions beside a channel board's items, the admin forms they
open (pre-filled with the channel, the item and the latest source), the way back to the board,
and the labels the admin's lists and messages use. Readers and visitors never see an action, not
even on a page another user's visit put in the cache."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from events import selectors
from events.editor_actions import safe_return_url
from events.models import CounterpartClaim, EngagementTransition, StickingPoint
from tests.conftest import make_user, signed_in
from tests.test_admin import (
    CITATIONS,
    add_url,
    change_url,
    changelist_url,
    channel,
    proposed_defense_call,
    rendered_form,
    report,
    shows,
    submit,
)

MILITARY = "us-china-military"
ACTION_LABELS = [
    "Record a status change",
    "Record a lifecycle step",
    "Resolve",
    "Settle or supersede",
    "Add a statement",
]


def board_url() -> str:
    return channel(MILITARY).get_absolute_url()


def action_links(response) -> list[str]:
    """The admin links in the board's editor actions, in page order."""
    html = response.content.decode()
    blocks = re.findall(r'<p class="editor-action">(.*?)</p>', html, flags=re.S)
    return [unescape(href) for block in blocks for href in re.findall(r'href="([^"]+)"', block)]


def link_to(response, path: str, **params: str) -> str:
    """The one action link to `path` whose query holds `params`."""
    found = [
        link
        for link in action_links(response)
        if link.startswith(path + "?") and all(f"{k}={v}" in link for k, v in params.items())
    ]
    assert len(found) == 1, f"{path} {params}: {found}"
    return found[0]


def says(response, message: str) -> bool:
    """The page's text (tags aside: the admin links the record's name) holds `message`."""
    return message in unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def has_no_actions(response) -> bool:
    html = response.content.decode()
    return "editor-action" not in html and "/admin/" not in html


# --- What an editor sees on the board ----------------------------------------------------------


def test_editor_sees_each_action_beside_the_items_of_the_military_channel(seeded, editor_client):
    response = editor_client.get(board_url())

    assert response.status_code == 200
    for label in ACTION_LABELS:
        assert shows(response, label), label
    call = proposed_defense_call()
    # One link per step the lifecycle allows from "proposed", in the lifecycle's order.
    steps = [
        re.search(r"to_state=(\w+)", link).group(1)
        for link in action_links(response)
        if f"engagement={call.pk}&" in link
    ]
    assert steps == ["scheduled", "held", "declined", "postponed", "cancelled"]
    open_points = StickingPoint.objects.filter(channel__slug=MILITARY, state="open")
    assert open_points.count() == 2
    for point in open_points:
        link_to(response, change_url(point), state="resolved")
    for claim in CounterpartClaim.objects.filter(channel__slug=MILITARY, outcome="standing"):
        link_to(response, change_url(claim), outcome="settled")
        link_to(response, change_url(claim), outcome="superseded")


def test_latest_source_cited_on_the_military_channel_is_the_seed_report(seeded):
    assert selectors.latest_source_cited_on(channel(MILITARY).pk) == report()


def test_status_change_action_opens_the_form_with_channel_and_source(seeded, editor_client):
    link = link_to(editor_client.get(board_url()), add_url("statuschange"))

    form = rendered_form(editor_client, link)

    assert form["channel"] == [str(channel(MILITARY).pk)]
    assert form["source"] == [str(report().pk)]


def test_lifecycle_step_action_opens_the_form_with_engagement_state_and_source(
    seeded, editor_client
):
    call = proposed_defense_call()
    page = editor_client.get(board_url())
    link = link_to(page, add_url("engagementtransition"), engagement=str(call.pk), to_state="held")

    form = rendered_form(editor_client, link)

    assert form["engagement"] == [str(call.pk)]
    assert form["to_state"] == ["held"]
    assert form["source"] == [str(report().pk)]


def test_add_a_statement_action_opens_the_form_on_the_channel_with_its_source(
    seeded, editor_client
):
    link = link_to(editor_client.get(board_url()), add_url("statement"))

    form = rendered_form(editor_client, link)

    assert form["channels"] == [str(channel(MILITARY).pk)]
    assert form[f"{CITATIONS}-0-source"] == [str(report().pk)]


def test_resolve_action_opens_the_sticking_point_resolved_with_a_new_source_row(
    seeded, editor_client
):
    point = StickingPoint.objects.filter(channel__slug=MILITARY, state="open").first()
    link = link_to(editor_client.get(board_url()), change_url(point), state="resolved")

    form = rendered_form(editor_client, link)

    assert form["state"] == ["resolved"]
    existing = point.citations.count()
    assert form[f"{CITATIONS}-TOTAL_FORMS"] == [str(existing + 1)]
    assert form[f"{CITATIONS}-{existing}-source"] == [str(report().pk)]
    point.refresh_from_db()
    assert point.state == "open"  # opening the form changes nothing


def test_settle_action_opens_the_claim_with_its_outcome_chosen(seeded, editor_client):
    claim = CounterpartClaim.objects.filter(channel__slug=MILITARY).first()
    link = link_to(editor_client.get(board_url()), change_url(claim), outcome="superseded")

    form = rendered_form(editor_client, link)

    assert form["outcome"] == ["superseded"]
    assert form["ending_source"] == [str(report().pk)]


def test_settling_from_the_board_saves_the_outcome_and_returns_to_it(seeded, editor_client):
    claim = CounterpartClaim.objects.filter(channel__slug=MILITARY).first()
    link = link_to(editor_client.get(board_url()), change_url(claim), outcome="settled")

    response = submit(
        editor_client,
        link,
        ended="18 September 2025",
        outcome_note="The call was held with the minister China proposed.",
        ending_passage="The two defence chiefs spoke by video on Thursday.",
    )

    assert response.status_code == 302
    assert response["Location"] == f"{board_url()}#counterparts"
    claim.refresh_from_db()
    assert claim.outcome == "settled"
    assert str(claim.ended) == "18 September 2025"
    assert change_url(claim) not in " ".join(action_links(editor_client.get(board_url())))


# --- Saving, and coming back to the board -------------------------------------------------------


def test_recording_a_step_from_the_board_returns_to_it_with_the_message(seeded, editor_client):
    call = proposed_defense_call()
    page = editor_client.get(board_url())
    link = link_to(page, add_url("engagementtransition"), engagement=str(call.pk), to_state="held")

    response = submit(
        editor_client,
        link,
        date="18 September 2025",
        note="Held by video.",
        passage="The two defence chiefs spoke by video on Thursday.",
    )

    assert response.status_code == 302
    assert response["Location"] == f"{board_url()}#engagement-{call.pk}"
    call.refresh_from_db()
    assert call.state == "held"
    step = call.transitions.order_by("-id").first()
    assert step.citations.get().source == report()
    board = editor_client.get(response["Location"])
    assert says(
        board, f"The lifecycle step “{call.title}: Proposed → Held” was added successfully."
    )
    # Held is final: no more steps to record from the board.
    assert not [link for link in action_links(board) if f"engagement={call.pk}&" in link]


def test_resolving_from_the_board_saves_and_returns_to_it(seeded, editor_client):
    point = StickingPoint.objects.filter(channel__slug=MILITARY, state="open").first()
    citations_before = point.citations.count()
    link = link_to(editor_client.get(board_url()), change_url(point), state="resolved")

    # The new source row is left as it opened: it is not saved, and nothing is refused.
    response = submit(editor_client, link, resolved="20 September 2025")

    assert response.status_code == 302
    assert response["Location"] == f"{board_url()}#sticking-points"
    point.refresh_from_db()
    assert point.state == "resolved"
    assert str(point.resolved) == "20 September 2025"
    assert point.citations.count() == citations_before
    board = editor_client.get(response["Location"])
    assert says(board, f"The sticking point “{point.title}” was changed successfully.")
    assert change_url(point) not in " ".join(action_links(board))


@pytest.mark.parametrize(
    "target",
    ["https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere.example/", "javascript:x"],
)
def test_a_return_address_off_the_site_is_ignored(seeded, editor_client, target):
    call = proposed_defense_call()
    url = f"{add_url('engagementtransition')}?engagement={call.pk}&to_state=scheduled&next={target}"

    response = submit(
        editor_client,
        url,
        date="17 September 2025",
        source=report().pk,
        passage="The call has been scheduled.",
    )

    assert response.status_code == 302
    assert response["Location"] == changelist_url("engagementtransition")


def test_safe_return_url_keeps_only_paths_on_this_site():
    assert safe_return_url("/channels/x/?as_of=2025-09-01#history", "testserver") == (
        "/channels/x/?as_of=2025-09-01#history"
    )
    for url in ["", "http://testserver/channels/", "https://evil.example/", "//evil.example"]:
        assert safe_return_url(url, "testserver") == ""


# --- Who sees the actions ----------------------------------------------------------------------


def test_analyst_sees_no_actions(seeded, client):
    response = client.get(board_url())

    assert response.status_code == 200
    assert has_no_actions(response)
    for label in ACTION_LABELS:
        assert not shows(response, label)


def test_staff_without_the_permissions_sees_no_actions(seeded, editor_client, django_user_model):
    editor_client.get(board_url())  # an editor's page in the cache first
    staff_reader = make_user(django_user_model, "staff-reader", "Analysts", staff=True)

    response = signed_in(staff_reader).get(board_url())

    assert has_no_actions(response)


def test_editor_with_some_permissions_sees_only_those_actions(
    seeded, editor_client, django_user_model
):
    editor_client.get(board_url())  # the full set of actions in the cache first
    steps_only = make_user(django_user_model, "steps-only", "Analysts", staff=True)
    steps_only.user_permissions.add(Permission.objects.get(codename="add_engagementtransition"))

    response = signed_in(steps_only).get(board_url())

    assert shows(response, "Record a lifecycle step")
    for label in ["Record a status change", "Resolve", "Settle or supersede", "Add a statement"]:
        assert not shows(response, label), label


def test_anonymous_cached_page_holds_no_actions(seeded, editor_client, anonymous_client, settings):
    settings.PUBLIC_READ = True
    assert shows(editor_client.get(board_url()), "Record a lifecycle step")

    first = anonymous_client.get(board_url())
    cached = anonymous_client.get(board_url())

    assert first.status_code == cached.status_code == 200
    assert has_no_actions(first) and has_no_actions(cached)
    # And the other way round: the visitor's cached page is not what the editor gets.
    assert shows(editor_client.get(board_url()), "Record a lifecycle step")


def test_as_of_board_keeps_the_day_in_the_way_back(seeded, editor_client):
    response = editor_client.get(board_url(), {"as_of": "2025-09-20"})

    link = link_to(response, add_url("statuschange"))
    assert "next=%2Fchannels%2Fus-china-military%2F%3Fas_of%3D2025-09-20%23history" in link


# --- The admin's own buttons and labels --------------------------------------------------------


def test_engagement_change_form_has_a_record_a_lifecycle_step_button(seeded, editor_client):
    call = proposed_defense_call()

    page = editor_client.get(change_url(call))

    assert shows(page, "Lifecycle (add with “Record a lifecycle step”)")
    buttons = re.findall(
        r'<a href="([^"]+)" class="addlink">Record a lifecycle step</a>', page.text
    )
    assert len(buttons) == 1
    form = rendered_form(editor_client, unescape(buttons[0]))
    assert form["engagement"] == [str(call.pk)]
    assert form["source"] == [str(report().pk)]


def test_a_step_recorded_from_the_engagement_form_returns_to_it(seeded, editor_client):
    call = proposed_defense_call()
    page = editor_client.get(change_url(call))
    button = unescape(re.search(r'<a href="([^"]+)" class="addlink">Record a', page.text).group(1))

    response = submit(
        editor_client,
        button,
        to_state="postponed",
        date="19 September 2025",
        passage="The call was put off.",
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(call)
    page = editor_client.get(change_url(call))
    assert says(page, f"The lifecycle step “{call.title}: Proposed → Postponed” was added")


def test_held_engagement_form_has_no_lifecycle_step_button(seeded, editor_client):
    held = EngagementTransition.objects.filter(to_state="held").first().engagement

    page = editor_client.get(change_url(held))

    assert page.status_code == 200
    assert "Record a lifecycle step</a>" not in page.text


def test_channel_change_form_has_a_record_a_status_change_button(seeded, editor_client):
    military = channel(MILITARY)

    page = editor_client.get(change_url(military))

    assert shows(page, "Status history (add with “Record a status change”)")
    button = re.search(r'<a href="([^"]+)" class="addlink">Record a status change</a>', page.text)
    form = rendered_form(editor_client, unescape(button.group(1)))
    assert form["channel"] == [str(military.pk)]


def test_lifecycle_steps_are_called_so_in_the_admin_lists_and_messages(seeded, editor_client):
    call = proposed_defense_call()

    response = submit(
        editor_client,
        add_url("engagementtransition"),
        engagement=call.pk,
        to_state="scheduled",
        date="17 September 2025",
        source=report().pk,
        passage="The call has been scheduled.",
    )

    assert response.status_code == 302
    listing = editor_client.get(response["Location"])
    assert says(
        listing,
        f"The lifecycle step “{call.title}: Proposed → Scheduled” was added successfully.",
    )
    assert shows(listing, "Select lifecycle step to change")
    index = editor_client.get(reverse("admin:index")).text
    assert "Lifecycle steps" in index and "Status changes" in index
    assert "Engagement transition" not in index
