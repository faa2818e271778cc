"""axe-core, the accessibility engine, finds no serious or critical violation on any page an
analyst or editor uses: the site's pages (seed data) at 1366 px and at 375 px, the sign-in page,
the admin's add and change forms for statements, engagements, status changes and sticking points,
the browsable API at /api/ and Swagger UI at /api/docs/.

axe-core is the npm package (package.json at the top of the repository, installed by `npm ci`).
It is injected with `page.evaluate`, which runs through the DevTools protocol and so is not
subject to the page's Content Security Policy — the site's strict policy stays on, as a reader
gets it (`test_axe_runs_under_the_sites_policy` checks both). A failure lists each violation:
the page, the width, the rule, its impact, the element(s) and what axe says is wrong.
"""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from tests.site_pages import (
    admin_pages,
    analyst_pages,
    api_pages,
    editor_pages,
    intake_article,
    require_tool,
    signed_out_pages,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WIDTHS = {1366: 900, 375: 812}  # width: height
BLOCKING = {"serious", "critical"}

# Each violation as plain data: the rule, its impact, each element's selector and what to fix.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    require_tool(AXE, "axe-core (npm ci, at the top of the repository)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, axe_source: str, name: str, url: str, width: int) -> list[str]:
    """The serious and critical violations on `url` at `width`, one line per element."""
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    response = page.goto(url)
    assert response is not None and response.status in (200, 400), f"{name} ({url})"
    page.wait_for_load_state("networkidle")
    if page.locator("#swagger-ui").count():  # Swagger UI draws the schema after it loads
        page.locator(".opblock-tag-section").first.wait_for()
    page.evaluate(axe_source)
    return [
        f"{name} ({url}) at {width} px: {violation['rule']} [{violation['impact']}] "
        f"{node['target']} — {violation['help']}"
        for violation in page.evaluate(RUN_AXE)
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def check(page: Page, axe_source: str, pages, widths=tuple(WIDTHS)) -> None:
    found = [
        line
        for name, url in pages
        for width in widths
        for line in violations(page, axe_source, name, url, width)
    ]
    assert not found, f"{len(found)} serious or critical violations:\n" + "\n".join(found)


def test_axe_runs_under_the_sites_policy(page: Page, axe_source):
    """The policy is on (a nonce, no 'unsafe-eval'), axe still runs, and it does report a
    violation: an input without a label, added to the board for this test."""
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-eval" not in policy
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    page.evaluate(axe_source)
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    rules = {v["rule"]: v["impact"] for v in page.evaluate(RUN_AXE)}
    assert rules.get("label") == "critical"
    assert refused == []


# One test per reader (each starts the live server's database afresh, seed and all).


def test_analyst_pages_sign_in_and_api(page: Page, new_context, axe_source):
    """Every page an analyst reads at both widths, the sign-in page (signed out) at both
    widths, and the API's two pages."""
    check(page, axe_source, analyst_pages(every_actor=False))
    check(new_context().new_page(), axe_source, signed_out_pages())
    check(page, axe_source, api_pages(), widths=(1366,))


def test_editor_pages_and_admin_forms(editor_page: Page, editor, axe_source):
    """Data quality and intake (its form and a pasted report) at both widths; the admin's add
    and change forms at 1366 px."""
    client = Client()
    client.force_login(editor)
    pasted = client.post("/intake/", intake_article())
    assert pasted.status_code == 302
    check(editor_page, axe_source, editor_pages(pasted["Location"]))
    check(editor_page, axe_source, admin_pages(), widths=(1366,))
