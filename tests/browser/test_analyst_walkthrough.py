"""An analyst's walk through the site in a real browser: the board, a channel board, filtering
and searching statements (htmx, and without JavaScript), the board as of an earlier date, a CSV
download, and the board on a phone-sized screen. The board and channel-board tests also write the
README's screenshots to docs/screenshots/."""

import csv
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MILITARY = "US – China · military"
HOSTILE_QUOTE = "The threat China poses is real and it could be imminent."


def military_card(page: Page):
    """The board's row for the US–China military channel."""
    return page.locator("tr.board-row").filter(has_text=MILITARY)


def results_count(page: Page):
    return page.locator("#results .count strong")


def test_board_shows_each_channel_with_its_status(page: Page, screenshots):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Channels of contact")
    expect(page.locator("tr.board-row")).to_have_count(3)
    expect(military_card(page).locator(".board-table__status")).to_contain_text("Stalled")

    page.screenshot(path=screenshots / "board.png", full_page=True)


def test_channel_board_opens_from_its_card(page: Page, screenshots):
    page.goto("/")
    military_card(page).locator("th[scope=row] a").click()

    expect(page).to_have_url(re.compile(r"/channels/us-china-military/$"))
    expect(page.locator(".channel-summary__status")).to_contain_text("Stalled")
    sticking_points = page.locator("section:has(#sticking-points) .sticking-point")
    expect(sticking_points).to_have_count(2)
    expect(sticking_points.nth(0)).to_contain_text("Hegseth's remarks on China")
    expect(sticking_points.nth(1)).to_contain_text("Who is Hegseth's counterpart")
    expect(page.locator("section:has(#counterparts)")).to_contain_text(
        "Who is the counterpart of the Secretary of Defense (Pentagon)? ⇄ Disputed"
    )
    expect(page.locator("section:has(#upcoming)")).to_contain_text(
        "Beijing Xiangshan Forum — US participation"
    )

    page.screenshot(path=screenshots / "channel-board.png", full_page=True)


def test_statement_filter_and_search_update_the_results_in_place(page: Page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statements").click()
    expect(page).to_have_url(re.compile(r"/statements/$"))
    all_statements = int(results_count(page).inner_text())
    assert all_statements > 1
    # Survives only if htmx swaps the results instead of the browser loading a new page.
    page.evaluate("window.__marker = 1")

    with page.expect_response(lambda r: "stance=hostile" in r.url) as response:
        page.get_by_label("Stance").select_option(label="Hostile")
    assert response.value.request.headers.get("hx-request") == "true"
    expect(results_count(page)).to_have_text("1")
    expect(page.locator("#results .statement")).to_have_count(1)
    expect(page.locator("#results .statement")).to_contain_text(HOSTILE_QUOTE)
    expect(page).to_have_url(re.compile(r"/statements/\?.*stance=hostile"))  # hx-push-url
    assert page.evaluate("window.__marker") == 1

    # Back to every stance, then search for a word from a quote: typing refreshes the results.
    page.get_by_label("Stance").select_option(label="Any stance")
    expect(results_count(page)).to_have_text(str(all_statements))
    page.locator("#id_q").press_sequentially("subjugate")
    expect(results_count(page)).to_have_text("1")
    expect(page.locator("#results mark")).to_have_text(["subjugate"])
    expect(page.locator("#results .statement")).to_contain_text(
        "We will not instigate nor seek to subjugate or humiliate"
    )
    expect(page).to_have_url(re.compile(r"/statements/\?.*q=subjugate"))
    assert page.evaluate("window.__marker") == 1


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_statement_filters_work_without_javascript(page: Page):
    page.goto("/statements/")
    all_statements = results_count(page).inner_text()

    page.get_by_label("Stance").select_option(label="Hostile")
    page.wait_for_timeout(300)  # htmx would have fired by now; without JavaScript nothing moves
    expect(page).to_have_url(re.compile(r"/statements/$"))
    expect(results_count(page)).to_have_text(all_statements)
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"/statements/\?.*stance=hostile"))
    expect(results_count(page)).to_have_text("1")
    expect(page.locator("#results .statement")).to_contain_text(HOSTILE_QUOTE)


def test_board_as_of_an_earlier_date(page: Page):
    page.goto("/channels/us-china-military/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Channels").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_label("Show as of").fill("2025-08-01")
    page.get_by_role("button", name="Show", exact=True).click()

    expect(page).to_have_url(re.compile(r"/\?as_of=2025-08-01$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Showing every channel as it stood on 1 August 2025"
    )
    expect(military_card(page).locator(".board-table__status")).to_have_text("No status recorded")


def test_engagements_download_as_csv(page: Page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Engagements").click()
    expect(results_count(page)).to_have_text("4")

    with page.expect_download() as download_info:
        page.locator("#results .downloads").get_by_role("link", name="CSV").click()
    download = download_info.value

    assert download.suggested_filename == "engagements.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as f:  # -sig: the BOM
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    assert {"id", "channel", "title", "state", "when", "sources"} <= set(rows[0])
    titles = {row["title"] for row in rows}
    assert "Beijing Xiangshan Forum — US participation" in titles
    assert "Anticipated Trump–Xi summit" in titles


PHONE_WIDTH = 375
STICKING_OUT = """width => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width)
    .map(e => `<${e.tagName.toLowerCase()}${e.className ? "." + e.className : ""}> right edge `
              + `${Math.round(e.getBoundingClientRect().right)}px: `
              + e.textContent.trim().replace(/\\s+/g, " ").slice(0, 40))"""


def assert_no_horizontal_scroll(page: Page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > PHONE_WIDTH:
        sticking_out = "\n".join(page.evaluate(STICKING_OUT, PHONE_WIDTH))
        pytest.fail(
            f"{page.url} is {scroll_width}px wide on a {PHONE_WIDTH}px screen; sticking out:\n"
            f"{sticking_out}"
        )


@pytest.mark.browser_context_args(viewport={"width": PHONE_WIDTH, "height": 812})
def test_board_fits_a_phone_screen(page: Page):
    page.goto("/")

    assert_no_horizontal_scroll(page)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Menu", exact=True).click()  # on a phone the links fold behind it
    for name in ("Channels", "Timeline", "Engagements", "Statements", "Actors", "Sources"):
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (name, box)
    nav.get_by_role("link", name="Statements", exact=True).click()
    expect(page).to_have_url(re.compile(r"/statements/$"))
    assert_no_horizontal_scroll(page)
