"""The board as a comparison table in a real browser, on the `small` demo data (100 channels):
at 1366 px, at least fifteen channels show above the fold (900 px) with no sideways scrolling;
starring a channel works without JavaScript. Writes docs/screenshots/board-table.png, and
board-table-phone.png at 375 px, where each channel is a small card."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def demo_live(seeded_live):
    """The live server with the seed and the `small` demo data added (about a minute and a
    half on SQLite), emptied again after the test with the seed."""
    call_command("generate_demo_data", "--scale", "small", "--append", verbosity=0)
    return seeded_live


@pytest.mark.browser_context_args(viewport=WIDE)
def test_board_shows_fifteen_channels_above_the_fold_at_1366(demo_live, page: Page, screenshots):
    page.goto("/")
    rows = page.locator("tr.board-row")
    expect(rows.first).to_be_visible()

    above = [
        box
        for box in (row.bounding_box() for row in rows.all())
        if box and box["y"] + box["height"] <= WIDE["height"]
    ]
    assert len(above) >= 15, f"only {len(above)} rows end within the first {WIDE['height']} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    expect(page.locator(".board-changes")).to_contain_text("Recorded in the last 7 days")
    page.screenshot(path=screenshots / "board-table.png")
    page.set_viewport_size({"width": 375, "height": 667})
    expect(rows.first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=screenshots / "board-table-phone.png")
    page.set_viewport_size(WIDE)

    # Star the first channel: a plain form post, back to its row, in My channels.
    first = rows.first
    name = first.locator("th[scope=row] a").inner_text()
    first.get_by_role("button", name=f"Follow {name}").click()
    expect(page.locator(".messages")).to_contain_text("You follow")
    page.get_by_role("link", name="My channels").click()
    expect(page.locator("tr.board-row")).to_have_count(1)
    expect(page.locator("tr.board-row th[scope=row]")).to_contain_text(name)
