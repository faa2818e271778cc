"""Intake of a follow-up report, in a real browser (issue 13, "Done when" 3).

An editor pastes a wire report written for the project (tests/articles/followup-call-held-intake
.txt, published Thursday 11 September 2025) saying the call the Pentagon had proposed "was held
on Tuesday". From the suggestions page, with no other page opened, the editor:

- marks the recorded proposed call held on 9 September, one click on the suggestion;
- creates the defence ministry's spokesperson, who is not in the database, from the suggestion;
- records two quotes, Hegseth's and the spokesperson's, with their speakers and dates;
- tries to accept Hegseth's quote a second time from a tab opened before the first acceptance,
  and is refused.

Then the channel board shows the call held on 9 September and both statements, each with the
report as its source. Writes docs/screenshots/intake-followup.png (the suggestions as the report
is opened)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from events.models import Actor, Engagement, Statement

pytestmark = pytest.mark.browser

ARTICLE = Path(__file__).resolve().parents[1] / "articles" / "followup-call-held-intake.txt"
TEXT = ARTICLE.read_text(encoding="utf-8")
TITLE = TEXT.splitlines()[0].strip()
OUTLET = "Lakeside Wire"

PROPOSED_CALL = "Proposed call between the Pentagon and China's military leadership"
HEGSETH_QUOTE = "We want both militaries to pick up the phone before a crisis, not after one"
TAN_QUOTE = (
    "Dialogue must rest on mutual respect, and the American side should stop its provocations "
    "near our coasts"
)


def suggestion(page: Page, kind: str, text: str):
    return page.locator(f"form[data-kind={kind}]").filter(has_text=text)


def left(page: Page) -> int:
    shown = page.locator("#suggestions-left").inner_text()
    found = re.search(r"(\d+) suggestions? left", shown)
    return int(found.group(1)) if found else 0


def test_editor_records_a_follow_up_report_from_the_suggestions_alone(
    editor_page: Page, screenshots
):
    page = editor_page
    page.set_default_timeout(15_000)

    page.goto("/intake/")
    page.get_by_label("Article text").fill(TEXT)
    page.get_by_label("Outlet").fill(OUTLET)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Publication date").fill("2025-09-11")
    page.get_by_role("button", name="Read the article").click()
    expect(page).to_have_url(re.compile(r"/intake/\d+/$"))
    suggestions_url = page.url
    to_decide = left(page)
    page.screenshot(path=screenshots / "intake-followup.png", full_page=True)

    # 1. The proposed call, held on Tuesday 9 September: one click.
    held = suggestion(page, "update", PROPOSED_CALL)
    expect(held).to_contain_text("→ held")
    expect(held.get_by_label("Date")).to_have_value("9 September 2025")
    held.get_by_role("button", name="Record the step: held").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded lifecycle step")
    # The engagement has moved on, so the suggestion is no longer offered; the page lists it.
    expect(suggestion(page, "update", PROPOSED_CALL)).to_have_count(0)
    expect(page.locator("#recorded-earlier")).to_contain_text("Lifecycle step")
    expect(page.locator("#recorded-earlier")).to_contain_text("was held on Tuesday")
    assert left(page) == to_decide - 1

    # 2. The spokesperson is not in the database: created from the suggestion, with his office.
    tan = suggestion(page, "new_person", "Tan Wenhua")
    expect(tan.get_by_label("Name")).to_have_value("Tan Wenhua")
    expect(tan.get_by_label("Institution")).to_have_value(
        str(Actor.objects.get(slug="china-ministry-of-national-defense").pk)
    )
    expect(tan.get_by_label("Office")).to_have_value("Spokesperson")
    tan.get_by_role("button", name="Create this person").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded actor: Tan Wenhua")

    # 3. A second tab, opened now, still offers Hegseth's quote.
    other_tab = page.context.new_page()
    other_tab.goto(suggestions_url)
    expect(
        suggestion(other_tab, "statement", HEGSETH_QUOTE).get_by_role(
            "button", name="Accept as statement"
        )
    ).to_be_visible()

    # 4. Two quotes, with their speakers and the days they were said.
    hegseth = suggestion(page, "statement", HEGSETH_QUOTE)
    expect(hegseth.get_by_label("Speaker").locator("option:checked")).to_have_text("Pete Hegseth")
    expect(hegseth.get_by_label("Channel").locator("option:checked")).to_contain_text(
        "Military-to-military"
    )
    hegseth.get_by_label("Stance").select_option(label="Cooperative")
    hegseth.get_by_label("Said").fill("9 September 2025")
    hegseth.get_by_role("button", name="Accept as statement").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded statement")

    tan_quote = suggestion(page, "statement", TAN_QUOTE)
    # Now recorded, the spokesperson is the quote's speaker.
    expect(tan_quote.get_by_label("Speaker").locator("option:checked")).to_have_text("Tan Wenhua")
    tan_quote.get_by_label("Stance").select_option(label="Critical")
    tan_quote.get_by_label("Said").fill("10 September 2025")
    tan_quote.get_by_role("button", name="Accept as statement").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded statement")

    # 5. The stale tab's second acceptance is refused; nothing is recorded twice.
    stale = suggestion(other_tab, "statement", HEGSETH_QUOTE)
    stale.get_by_label("Stance").select_option(label="Neutral")
    stale.get_by_role("button", name="Accept as statement").click()
    # Said beside the suggestion itself, now shown as accepted.
    stale = suggestion(other_tab, "statement", HEGSETH_QUOTE)
    expect(stale.get_by_role("alert")).to_contain_text("This suggestion was already accepted")
    expect(stale).to_contain_text("Accepted")
    assert Statement.objects.filter(text=HEGSETH_QUOTE).count() == 1
    other_tab.close()

    # 6. The channel board shows all of it, sourced.
    page.goto("/channels/us-china-military/")
    past = page.locator("section[aria-labelledby=past]")
    call = past.locator("article.engagement").filter(has_text=PROPOSED_CALL)
    expect(call.locator(".engagement__meta")).to_contain_text("Held")
    expect(call.locator(".engagement__meta")).to_contain_text("9 September 2025")
    # The held step cites the report, with its passage: a footnote to the report's entry.
    report = page.locator(".source-note").filter(
        has=page.locator(".source__outlet", has_text=OUTLET)
    )
    number = report.get_attribute("id").removeprefix("source-")
    expect(call.locator(f'.lifecycle .refs a[href="#source-{number}"]')).to_have_count(1)
    expect(report).to_contain_text("was held on Tuesday")
    for quote, speaker, said in (
        (HEGSETH_QUOTE, "Pete Hegseth", "9 September 2025"),
        (TAN_QUOTE, "Tan Wenhua", "10 September 2025"),
    ):
        statement = Statement.objects.get(text=quote)
        shown = page.locator(f"#statement-{statement.pk}")
        expect(shown.locator(".statement__text")).to_contain_text(f"“{quote}”")
        expect(shown.locator(".statement__text")).to_contain_text(speaker)
        expect(shown).to_contain_text(said)
        expect(shown.locator(f'.refs a[href="#source-{number}"]')).to_have_count(1)
    assert Engagement.objects.get(title=PROPOSED_CALL).state == "held"
