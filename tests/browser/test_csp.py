"""The enforced Content Security Policy (diplomacy/settings.py, SECURE_CSP) in a real browser:
the site's pages, the admin and Swagger UI at /api/docs/ load without a single violation, and
what needs JavaScript still works — htmx refreshes a list in place, the admin's widgets start,
Swagger UI renders the schema."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CSP_WORDS = ("Content Security Policy", "Refused to")


def watch_violations(page: Page) -> list[str]:
    """Console messages in which Chromium reports something the policy blocked."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if any(word in message.text for word in CSP_WORDS)
            else None
        ),
    )
    return violations


SITE_PAGES = [
    "/",
    "/channels/us-china-military/",
    "/engagements/",
    "/statements/?q=summit",
    "/actors/",
    "/sources/",
    "/timeline/",
]


def test_site_pages_load_without_a_violation(page: Page):
    violations = watch_violations(page)

    for url in SITE_PAGES:
        response = page.goto(url)
        assert response.ok, url
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")

    assert violations == []


def test_htmx_refreshes_a_list_in_place_under_the_policy(page: Page):
    violations = watch_violations(page)
    page.goto("/engagements/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof htmx") == "object"

    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        page.select_option("select[name=state]", "held")

    expect(page).to_have_url(re.compile(r"state=held"))
    expect(page.locator("#results")).to_contain_text("Held")
    assert violations == []


def test_swagger_ui_renders_the_schema_under_the_policy(page: Page):
    violations = watch_violations(page)

    page.goto("/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Diplomacy Monitor read API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    # The page's own inline style (nonced) applies.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert violations == []


ADMIN_PAGES = [
    "/admin/",
    "/admin/events/statement/",
    "/admin/events/channel/",
    "/admin/events/engagement/add/",
    "/admin/events/statement/add/",
]


def test_admin_pages_load_without_a_violation(editor_page: Page):
    violations = watch_violations(editor_page)

    for url in ADMIN_PAGES:
        response = editor_page.goto(url)
        assert response.ok, url
        editor_page.wait_for_load_state("networkidle")
    # The admin's scripts ran on the last page: jQuery, and the speaker's autocomplete widget.
    assert editor_page.evaluate("typeof django.jQuery") == "function"
    expect(editor_page.locator(".field-speaker .select2-container")).to_be_visible()

    assert violations == []
