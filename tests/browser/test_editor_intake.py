"""An editor's article intake in a real browser: paste a report, accept a quote as a statement
and a description of a meeting as a characterisation, then find both on the channel board with
their sources. Writes docs/screenshots/intake.png (the suggestions page)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from events.models import Actor, Channel, Characterisation, Source, Statement

pytestmark = pytest.mark.browser

# Written for the project (tests/articles/): Rubio and Wang Yi meet; two quotes by Rubio, one by
# Wang, and the meeting described as 'frank and useful'.
ARTICLE = (Path(__file__).resolve().parents[1] / "articles" / "geneva-talks.txt").read_text(
    encoding="utf-8"
)
OUTLET = "Lakeside Wire"
TITLE = "Rubio and Wang hold talks in Geneva"

QUOTE = "We had a candid exchange on trade and on military safety"
QUOTE_SENTENCE = f'"{QUOTE}," Rubio said after the session.'
WORDS = "frank and useful"
WORDS_SENTENCE = "Officials described the meeting as 'frank and useful'."
ENGAGEMENT = "Rubio meets China's Foreign Minister in Malaysia"


def test_editor_pastes_an_article_accepts_two_suggestions_and_finds_them_on_the_board(
    editor_page: Page, screenshots
):
    page = editor_page
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Intake").click()
    expect(page).to_have_url(re.compile(r"/intake/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Article intake")

    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_label("Outlet").fill(OUTLET)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Publication date").fill("2026-03-10")
    page.get_by_role("button", name="Read the article").click()

    # The suggestions page for the new source.
    expect(page).to_have_url(re.compile(r"/intake/\d+/$"))
    source = Source.objects.get(outlet=OUTLET, title=TITLE)
    assert page.url.endswith(f"/intake/{source.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    channels = page.locator("section.intake__suggestions ul").first
    expect(channels.get_by_role("link", name="US–China Diplomatic")).to_be_visible()
    statements = page.locator("form[data-kind=statement]")
    expect(statements).to_have_count(3)
    expect(page.locator(".flag")).to_contain_text(
        "Expected date Q3 2025 lies before the publication date (10 March 2026)"
    )
    # Long engagement titles in a select once made the page wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=screenshots / "intake.png", full_page=True)

    # Accept Rubio's quote as a cooperative statement on the diplomatic channel.
    statement_form = statements.filter(has_text=QUOTE)
    expect(statement_form.get_by_label("Speaker")).to_have_value(
        str(Actor.objects.get(slug="marco-rubio").pk)
    )
    statement_form.get_by_label("Stance").select_option(label="Cooperative")
    expect(statement_form.get_by_label("Channel")).to_have_value(
        str(Channel.objects.get(slug="us-china-diplomatic").pk)
    )
    statement_form.get_by_role("button", name="Accept as statement").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded statement:")
    expect(page.get_by_role("status")).to_contain_text("It cites this source.")

    # Accept the meeting's description as the US side's words on the Malaysia meeting.
    characterisation_form = page.locator("form[data-kind=characterisation]").filter(has_text=WORDS)
    characterisation_form.get_by_label("Engagement").select_option(
        label=f"{ENGAGEMENT} (11 July 2025)"
    )
    expect(characterisation_form.get_by_label("Whose words")).to_have_value(
        str(Actor.objects.get(slug="united-states").pk)
    )
    characterisation_form.get_by_role("button", name="Accept as characterisation").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded characterisation:")

    statement = Statement.objects.get(text=QUOTE)
    assert statement.stance == "cooperative"
    assert [c.passage for c in statement.citations.all()] == [QUOTE_SENTENCE]
    characterisation = Characterisation.objects.get(words=WORDS)
    assert [c.source for c in characterisation.citations.all()] == [source]

    # The channel board shows both, each with a footnote to its source: the outlet and the
    # passage.
    page.locator("section.intake__suggestions").get_by_role(
        "link", name="US–China Diplomatic"
    ).click()
    expect(page).to_have_url(re.compile(r"/channels/us-china-diplomatic/$"))

    shown_statement = page.locator(f"#statement-{statement.pk}")
    expect(shown_statement.locator(".statement__text")).to_contain_text(f"“{QUOTE}”")
    expect(shown_statement.locator(".statement__text")).to_contain_text("Marco Rubio")
    expect(shown_statement.locator(".statement__text")).to_contain_text("Cooperative")
    cited = page.locator(shown_statement.locator(".refs a").first.get_attribute("href"))
    expect(cited.locator(".source__outlet")).to_have_text(OUTLET)
    expect(cited.locator(".source__passage").filter(has_text=QUOTE_SENTENCE)).to_have_count(1)

    engagement = page.locator(".engagement").filter(has_text=ENGAGEMENT)
    described = engagement.locator(".characterisation").filter(has_text=WORDS)
    expect(described).to_contain_text(f"US’s description: “{WORDS}”")
    cited = page.locator(described.locator(".refs a").first.get_attribute("href"))
    expect(cited.locator(".source__outlet")).to_have_text(OUTLET)
    expect(cited.locator(".source__passage").filter(has_text=WORDS_SENTENCE)).to_have_count(1)
