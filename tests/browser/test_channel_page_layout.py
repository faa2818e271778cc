"""The channel page in a real browser: at 1366×900 its summary block (status and why, since
when, last contact, next expected, open obstacles, latest changes) lies entirely above the fold;
a footnote leads to its source at the end of the page, whose passages open on demand; on a phone
nothing runs off the side. Writes docs/screenshots/channel-page.png and channel-page-phone.png."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MILITARY = "/channels/us-china-military/"
FOLD = 900
REPORT = "Online news report (outlet not recorded)"


def test_summary_block_is_above_the_fold_at_1366_by_900(page: Page, screenshots):
    page.set_viewport_size({"width": 1366, "height": FOLD})
    page.goto(MILITARY)

    summary = page.locator(".channel-summary")
    expect(summary.locator(".channel-summary__status")).to_contain_text("Stalled")
    for label in ("Last contact", "Next expected", "Open obstacles", "Latest changes"):
        expect(summary.locator("dt", has_text=label)).to_be_visible()
    box = summary.bounding_box()
    assert box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= FOLD, f"the summary ends at {box['y'] + box['height']} px"
    # The as-of control sits beside the title, on its row.
    title = page.get_by_role("heading", level=1).bounding_box()
    control = page.locator(".channel-title .as-of").bounding_box()
    assert title and control and control["y"] < title["y"] + title["height"]
    assert control["x"] > title["x"] + title["width"]

    page.screenshot(path=screenshots / "channel-page.png")


def test_a_footnote_leads_to_its_source_and_its_passages_open_on_demand(page: Page):
    page.goto(MILITARY)

    page.locator(".channel-summary__why .refs a").first.click()
    expect(page).to_have_url(f"{page.url.split('#')[0].split('?')[0]}#source-1")
    source = page.locator("#source-1")
    expect(source).to_be_in_viewport()
    expect(source.locator(".source__outlet")).to_have_text(REPORT)
    passages = source.locator(".source-note__passages li")
    expect(passages.first).to_be_hidden()
    source.locator("summary").click()
    expect(passages.first).to_be_visible()
    expect(passages.first).to_contain_text("Status: stalled since 3–16 September 2025")
    # …and back to the fact it supports.
    passages.first.locator(".source-note__fact").click()
    expect(page.locator(".channel-summary__why .refs a").first).to_be_in_viewport()


def test_channel_page_fits_a_phone_screen(page: Page, screenshots):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(MILITARY)

    expect(page.locator(".channel-summary")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375, f"the page is {overflow} px wide on a 375 px screen"
    # The summary's facts stack in one column.
    facts = page.locator(".channel-summary__facts > div")
    first, second = facts.nth(0).bounding_box(), facts.nth(1).bounding_box()
    assert first and second and second["y"] > first["y"] + first["height"] - 1

    page.screenshot(path=screenshots / "channel-page-phone.png")
