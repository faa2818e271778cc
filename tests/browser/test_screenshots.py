"""The README's screenshots at a laptop's width (1366 px) and a phone's (375 px): the board, the
channel with the most engagements, the statements list, the timeline (seed data, an analyst
signed in) and intake's suggestions for a pasted report (an editor). Each is what the first
screen shows, written to docs/screenshots/<page>-1366.png and <page>-375.png."""

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from events.models import Channel
from tests.site_pages import intake_article

pytestmark = pytest.mark.browser

SCREENS = {1366: 900, 375: 812}  # width: height


def shoot(page: Page, screenshots, name: str, url: str) -> None:
    for width, height in SCREENS.items():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("networkidle")
        expect(page.locator("h1")).to_be_visible()
        path = screenshots / f"{name}-{width}.png"
        page.screenshot(path=path)
        assert path.stat().st_size > 10_000, path  # a drawn page, not a blank one


def test_analyst_pages_at_a_laptops_and_a_phones_width(page: Page, screenshots):
    busiest = Channel.objects.annotate(held=Count("engagements")).order_by("-held", "slug")[0]
    shoot(page, screenshots, "board", reverse("events:board"))
    shoot(page, screenshots, "channel", busiest.get_absolute_url())
    shoot(page, screenshots, "statements", reverse("events:statement_list"))
    shoot(page, screenshots, "timeline", reverse("events:timeline"))


def test_intake_at_a_laptops_and_a_phones_width(editor_page: Page, editor, screenshots):
    client = Client()
    client.force_login(editor)
    pasted = client.post(reverse("events:intake_new"), intake_article())
    assert pasted.status_code == 302
    shoot(editor_page, screenshots, "intake", pasted["Location"])
