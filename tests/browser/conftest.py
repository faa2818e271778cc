"""Browser tests: pytest-playwright driving Debian's Chromium (never a downloaded browser) against
the app served by pytest-django's `live_server`, with the seed loaded and an analyst signed in.

Run them with `make test-all`, `pytest -m browser` or `bash .ci/run`; `make test` skips them.
Set CHROMIUM to use another Chromium binary (default /usr/bin/chromium).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's services, which a
# sandboxed CI machine refuses; --no-sandbox because CI runs as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

BROWSER_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(trylast=True)  # after pytest-django's own reordering (db tests first)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests after every other test. pytest-playwright's Playwright lives for
    the whole session and keeps an asyncio loop marked as running in the main thread; tests
    that ran after it would see that loop (see `allow_orm_beside_playwright`)."""
    browser, other = [], []
    for item in items:
        (browser if BROWSER_DIR in Path(item.path).parents else other).append(item)
    items[:] = other + browser


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread, so Django refuses ORM calls
    there (SynchronousOnlyOperation) — loading the seed, signing in, flushing the database.
    Django's documented switch for this is DJANGO_ALLOW_ASYNC_UNSAFE; it is set only once a
    browser test runs (this fixture applies to tests/browser only) and removed at the end."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's (apt-get install -y chromium) or set "
            "CHROMIUM. These tests never download a browser (no `playwright install`)."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are opened relative to the live server: page.goto("/statements/")."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": DESKTOP,
        "locale": "en-GB",
        "timezone_id": "UTC",
        "color_scheme": "light",
        "reduced_motion": "reduce",
        "accept_downloads": True,
    }


@pytest.fixture
def seeded_live(live_server, seeded_committed):
    """The live server's database after `load_seed`, emptied again after the test."""
    return live_server


@pytest.fixture
def sign_in(seeded_live, analyst):
    """Signs a browser context in as the `analyst` (tests/conftest.py) by giving it the session
    cookie Django's test client gets from force_login."""
    client = Client()
    client.force_login(analyst)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    def sign_in_context(context):
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie}
        context.add_cookies([{**cookie, "url": seeded_live.url}])
        return context

    return sign_in_context


@pytest.fixture
def context(context, sign_in):
    """pytest-playwright's context (1280×900), signed in as an analyst."""
    return sign_in(context)


@pytest.fixture
def editor_page(new_context, seeded_live, editor):
    """A page in a second browser context (same settings as `context`), signed in as the `editor`
    (tests/conftest.py: staff, in the Editors group). Tests that use only this page never open
    the analyst's context."""
    client = Client()
    client.force_login(editor)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    context = new_context()
    context.add_cookies([{**cookie, "url": seeded_live.url}])
    return context.new_page()


@pytest.fixture
def screenshots():
    """docs/screenshots/, where the README's screenshots are written."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
