"""The pages that the accessibility check (tests/browser/test_accessibility.py) and the HTML
validity check (tests/test_html_validity.py) visit, derived from the objects in the database (the
seed) rather than from ids written here, so that the list follows the seed and the URLs as they
change. Each page is a (name, url) pair; the name is what a failure report says.

Analysts see the site's pages; editors also see data quality, intake and the admin; the sign-in
page is seen signed out.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from events.models import Actor, Channel, Engagement, Statement, StatusChange, StickingPoint

ARTICLE = Path(__file__).parent / "articles" / "geneva-talks.txt"

Page = tuple[str, str]


def analyst_pages(*, every_actor: bool = True) -> list[Page]:
    """Every page an analyst reads: the board, each channel, the lists (plain, and with a filter
    value the form refuses, so that its error message shows), actors (each, or one of each
    kind), sources and the timeline."""
    pages: list[Page] = [("board", reverse("events:board"))]
    pages += [(f"channel {c.slug}", c.get_absolute_url()) for c in Channel.objects.order_by("slug")]
    for name in ("engagement_list", "statement_list", "actor_list", "source_list", "timeline"):
        url = reverse(f"events:{name}")
        pages.append((name.replace("_", " "), url))
    pages += [
        ("statements, a refused period", reverse("events:statement_list") + "?during=soonish"),
        ("engagements, a refused period", reverse("events:engagement_list") + "?during=soonish"),
        ("timeline, refused values", reverse("events:timeline") + "?during=soonish&days=0"),
        ("board as of a refused date", reverse("events:board") + "?as_of=soonish"),
        ("board, refused filters", reverse("events:board") + "?status=closed&party=atlantis"),
    ]
    actors = Actor.objects.order_by("kind", "slug")
    if not every_actor:
        actors = _one_per_kind(actors)
    pages += [(f"actor {a.slug}", a.get_absolute_url()) for a in actors]
    return pages


def editor_pages(intake_url: str | None = None) -> list[Page]:
    """The editors' own site pages: data quality, intake's form and, given one, a pasted
    article's suggestions."""
    pages: list[Page] = [
        ("data quality", reverse("events:data_quality")),
        ("data quality, a refused period", reverse("events:data_quality") + "?days=0"),
        ("intake (new)", reverse("events:intake_new")),
    ]
    if intake_url:
        pages.append(("intake (suggestions)", intake_url))
    return pages


def admin_pages() -> list[Page]:
    """The admin forms editors use most: add and change for statements, engagements, status
    changes and sticking points (each change form on the first record of the seed)."""
    pages: list[Page] = []
    for model in (Statement, Engagement, StatusChange, StickingPoint):
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append((f"admin add {model._meta.model_name}", reverse(f"{label}_add")))
        first = model.objects.order_by("pk").first()
        if first is not None:
            url = reverse(f"{label}_change", args=[first.pk])
            pages.append((f"admin change {model._meta.model_name}", url))
    return pages


def api_pages() -> list[Page]:
    return [("API root", "/api/"), ("API docs", "/api/docs/")]


def signed_out_pages() -> list[Page]:
    return [("sign-in", reverse("login"))]


def intake_article() -> dict[str, str]:
    """The form data that pastes a report into intake (POST to intake's URL; it redirects to
    the report's suggestions)."""
    return {
        "text": ARTICLE.read_text(encoding="utf-8"),
        "outlet": "Lakeside Wire",
        "title": "Rubio and Wang hold talks in Geneva",
        "published": "2026-03-10",
        "url": "https://example.org/geneva",
        "kind": "major_outlet",
    }


def _one_per_kind(actors) -> list[Actor]:
    seen: dict[str, Actor] = {}
    for actor in actors:
        seen.setdefault(actor.kind, actor)
    return list(seen.values())


def require_tool(tool: str | Path, what: str) -> None:
    """Fails the test when a checker's tool (a program on the PATH, or a file) is missing under
    CI (CI=true, where .ci/run installs it), skips it with the reason elsewhere."""
    import os
    import shutil

    if (isinstance(tool, Path) and tool.exists()) or (isinstance(tool, str) and shutil.which(tool)):
        return
    message = f"Missing {what}: {tool}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
