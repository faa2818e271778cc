"""Phones and forms in a real browser: on a 375 × 667 screen the first result is on the first
screen (filters folded behind "Filters (n)", the menu behind "Menu", both on one line) and a
channel's time strip opens at today's end; on a 1366 px screen the same panels stand open; a
filter changed in place leaves no empty parameter in the address, with JavaScript or without;
the admin's tabular inlines stay inside their box. Writes the statements and timeline
screenshots at both widths to docs/screenshots/."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
LAPTOP = {"width": 1366, "height": 900}
MILITARY = "/channels/us-china-military/"


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def top_of(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not shown"
    return box["y"] + page.evaluate("window.scrollY")


def assert_fits_the_width(page: Page, width: int):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


# --- Phones ----------------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=PHONE)
def test_statements_on_a_phone_start_with_results(page: Page, screenshots):
    page.goto("/statements/?stance=hostile")

    toggle = page.locator(".filters-panel__toggle")
    expect(toggle).to_have_text("Filters (1)")
    expect(page.get_by_label("Stance")).to_be_hidden()
    assert top_of(page, "#results .statement") < PHONE["height"]
    assert_fits_the_width(page, PHONE["width"])

    toggle.click()
    expect(page.get_by_label("Stance")).to_be_visible()
    page.get_by_label("Stance").select_option(label="Any stance")
    expect(toggle).to_have_text("Filters (0)")  # the count follows the form

    page.goto("/statements/")
    page.screenshot(path=screenshots / "statements-phone.png", full_page=True)


@pytest.mark.browser_context_args(viewport=PHONE)
def test_board_on_a_phone_starts_with_channels(page: Page):
    page.goto("/")

    expect(page.locator(".filters-panel__toggle")).to_have_text("Filters (0)")
    assert top_of(page, ".card, main tbody tr") < PHONE["height"]
    assert_fits_the_width(page, PHONE["width"])


@pytest.mark.browser_context_args(viewport=PHONE)
def test_menu_on_a_phone_is_one_line_until_opened(page: Page):
    page.goto("/statements/")
    nav = page.get_by_role("navigation", name="Main")
    brand = nav.get_by_role("link", name="Diplomacy Monitor").bounding_box()
    menu = nav.get_by_text("Menu", exact=True)
    button = menu.bounding_box()
    assert brand and button
    header = page.locator(".site-header").bounding_box()
    assert header and header["height"] < 2 * button["height"]  # one line
    assert abs((brand["y"] + brand["height"] / 2) - (button["y"] + button["height"] / 2)) < 4
    expect(nav.get_by_role("link", name="Timeline")).to_be_hidden()

    menu.click()
    expect(nav.get_by_role("link", name="Timeline")).to_be_visible()
    nav.get_by_role("link", name="Timeline").click()
    expect(page).to_have_url(re.compile(r"/timeline/$"))


@pytest.mark.browser_context_args(viewport=PHONE)
def test_time_strip_on_a_phone_opens_at_today(page: Page):
    page.goto(MILITARY)
    frame = page.locator(".time-strip__frame")
    frame.scroll_into_view_if_needed()
    sizes = frame.evaluate(
        """frame => {
            const box = frame.getBoundingClientRect(), drawing = frame.firstElementChild
                .getBoundingClientRect();
            return {scrollLeft: frame.scrollLeft, clientWidth: frame.clientWidth,
                    scrollWidth: frame.scrollWidth, frameLeft: box.left + frame.clientLeft,
                    frameRight: box.left + frame.clientLeft + frame.clientWidth,
                    left: drawing.left, right: drawing.right}
        }"""
    )
    assert sizes["scrollWidth"] > sizes["clientWidth"] + 100, sizes  # it does scroll sideways
    # Its right end (today) is in view and its start is off to the left. The frame is a
    # row-reversed scroller, whose scroll origin is its right end: scrollLeft counts from there
    # (0 at the end, negative towards the start), so "scrolled to the end" is scrollLeft ≈ 0,
    # the same place scrollLeft + clientWidth ≈ scrollWidth names in a left-to-right scroller.
    assert abs(sizes["right"] - sizes["frameRight"]) <= 1, sizes
    assert sizes["left"] < sizes["frameLeft"] - 100, sizes
    assert abs(sizes["scrollLeft"]) <= 1, sizes
    assert_fits_the_width(page, PHONE["width"])


@pytest.mark.browser_context_args(viewport=PHONE)
def test_labels_keep_apart_from_their_values_on_a_phone(page: Page):
    page.goto(MILITARY)
    facts = page.locator(".channel-summary__facts div").first
    term, value = facts.locator("dt"), facts.locator("dd")
    expect(term).to_have_text("Last contact")
    term_box, value_box = term.bounding_box(), value.bounding_box()
    assert term_box and value_box
    apart = value_box["x"] - (term_box["x"] + term_box["width"])
    below = value_box["y"] - (term_box["y"] + term_box["height"])
    assert apart >= 4 or below >= 0, (term_box, value_box)


@pytest.mark.browser_context_args(viewport=PHONE)
def test_timeline_on_a_phone(page: Page, screenshots):
    page.goto("/timeline/")
    expect(page.locator(".filters-panel__toggle")).to_have_text("Filters (0)")
    assert top_of(page, ".timeline__entry") < PHONE["height"]
    assert_fits_the_width(page, PHONE["width"])
    page.screenshot(path=screenshots / "timeline-phone.png", full_page=True)


# --- Wide screens -------------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=LAPTOP)
def test_on_a_wide_screen_filters_and_menu_stand_open(page: Page, screenshots):
    page.goto("/statements/")
    expect(page.locator(".filters-panel__toggle")).to_be_hidden()
    expect(page.locator(".nav__toggle")).to_be_hidden()
    expect(page.get_by_label("Stance")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Timeline")).to_be_visible()
    assert_fits_the_width(page, LAPTOP["width"])
    page.screenshot(path=screenshots / "statements.png", full_page=True)

    page.goto("/timeline/")
    show = page.get_by_role("group", name="Show")
    expect(show.get_by_role("checkbox")).to_have_count(7)
    # Each box sits at the start of its own label's line, the label text right beside it.
    box = show.get_by_role("checkbox", name="Statements").bounding_box()
    label = show.locator("label", has_text="Statements").bounding_box()
    assert box and label and abs(box["x"] - label["x"]) < 2 and box["width"] < 30
    page.screenshot(path=screenshots / "timeline.png", full_page=True)


# --- Empty parameters ---------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=LAPTOP)
def test_a_filter_changed_in_place_leaves_no_empty_parameters(page: Page):
    page.goto("/statements/")
    page.evaluate("window.__marker = 1")

    with page.expect_response(lambda r: "stance=hostile" in r.url) as response:
        page.get_by_label("Stance").select_option(label="Hostile")
    assert response.value.request.headers.get("hx-request") == "true"
    assert query_of(response.value.url) == [("stance", "hostile")]
    expect(page).to_have_url(re.compile(r"/statements/\?stance=hostile$"))

    page.get_by_label("Verbatim or paraphrase").select_option(label="Verbatim quotes only")
    expect(page).to_have_url(re.compile(r"is_verbatim=true"))
    assert "=&" not in page.url and not page.url.endswith("=")
    assert all(value for _, value in query_of(page.url))
    assert page.evaluate("window.__marker") == 1  # refreshed in place, never reloaded


@pytest.mark.browser_context_args(viewport=LAPTOP, java_script_enabled=False)
def test_a_filter_sent_without_javascript_lands_without_empty_parameters(page: Page):
    page.goto("/statements/")
    page.get_by_label("Stance").select_option(label="Hostile")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"/statements/\?stance=hostile$"))
    expect(page.locator("#results .statement")).to_have_count(1)


# --- Admin --------------------------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=LAPTOP)
def test_admin_inlines_stay_inside_their_box(new_context, seeded_live, editor):
    from events.models import Engagement, Statement, StatusChange, StickingPoint

    client = Client()
    client.force_login(editor)
    context = new_context()
    cookie = {"name": settings.SESSION_COOKIE_NAME, "url": seeded_live.url}
    context.add_cookies([{**cookie, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    engagement = Engagement.objects.filter(participations__isnull=False).first()
    forms = {
        "statement": Statement.objects.first(),
        "engagement": engagement,
        "statuschange": StatusChange.objects.first(),
        "stickingpoint": StickingPoint.objects.first(),
    }
    for model, record in forms.items():
        page.goto(f"/admin/events/{model}/{record.pk}/change/")
        assert_fits_the_width(page, LAPTOP["width"])
        for group in page.locator(".inline-group:has(.tabular table)").all():
            table = group.locator("table")
            outer, inner = group.bounding_box(), table.bounding_box()
            assert outer and inner and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            # Its last column ("Delete?") can be scrolled into the box.
            table.evaluate("table => { table.scrollLeft = table.scrollWidth }")
            last = group.locator("thead th").last.bounding_box()
            assert last and last["x"] + last["width"] <= outer["x"] + outer["width"] + 1, model

    page.goto(f"/admin/events/engagement/{engagement.pk}/change/")
    participants = page.locator("#participations-group")
    delete = participants.locator("thead th", has_text="Delete?")
    delete.scroll_into_view_if_needed()
    expect(delete).to_be_in_viewport()
