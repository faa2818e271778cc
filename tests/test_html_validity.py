"""Every site page is valid HTML by the Nu HTML checker (vnu, the W3C's validator): the board,
each channel, the lists, actors, sources, the timeline, data quality, intake (its form and a
pasted report's suggestions) and the sign-in page, as their readers see them (an analyst, an
editor, a visitor), lists also with a filter value the form refuses.

The checker is the npm package `vnu-jar` (package.json at the top of the repository, installed
by `npm ci`; .ci/run does that and installs Java when missing). All pages go to one run of the
checker, with one deliberately broken document that must be reported, so a checker that finds
nothing because it read nothing cannot pass.

The checker no longer reports an `aria-describedby` (or `aria-labelledby`, `aria-controls`, …)
that names an id missing from the page, which leaves a screen reader's description silently
empty; `missing_references` checks that here, as part of the same report.
"""

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import signed_in
from tests.site_pages import (
    Page,
    analyst_pages,
    editor_pages,
    intake_article,
    require_tool,
    signed_out_pages,
)

pytestmark = [pytest.mark.slow]

VNU_JAR = Path(__file__).resolve().parents[1] / "node_modules/vnu-jar/build/dist/vnu.jar"
BROKEN = "<!DOCTYPE html><html lang=en><title>x</title><p><time>soon</time>"


def fetch(client: Client, pages: list[Page]) -> dict[str, tuple[str, str]]:
    """{file name: (page name, url)} with each page's HTML written under that name."""
    fetched = {}
    for name, url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400), f"{name} ({url}): {response.status_code}"
        fetched[name] = (url, response.content.decode())
    return fetched


def validate(documents: dict[str, str], folder: Path) -> dict[str, list[dict]]:
    """The checker's errors for each document ({name: html}), by name."""
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"{number:03}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri().replace("file:///", "file:/")] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         "--exit-zero-always", *[str(folder / f"{n:03}.html") for n in range(len(documents))]],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )  # fmt: skip
    errors: dict[str, list[dict]] = {name: [] for name in documents}
    for message in json.loads(result.stdout)["messages"]:
        errors[files[message["url"]]].append(message)
    return errors


# Attributes whose value is a list of ids of the same page.
ID_REFERENCES = (
    "aria-describedby",
    "aria-labelledby",
    "aria-controls",
    "aria-owns",
    "aria-errormessage",
    "aria-details",
    "aria-activedescendant",
)


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[int, str, str, str]] = []  # line, tag, attribute, id

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in ID_REFERENCES and value:
                line = self.getpos()[0]
                self.references += [(line, tag, name, target) for target in value.split()]


def missing_references(html: str) -> list[dict]:
    """Messages, in the checker's form, for each id reference to an id the page lacks."""
    parser = References()
    parser.feed(html)
    return [
        {
            "message": f"{attribute} on <{tag}> names id “{target}”, which is not on the page.",
            "lastLine": line,
        }
        for line, tag, attribute, target in parser.references
        if target not in parser.ids
    ]


def report(errors: dict[str, list[dict]], urls: dict[str, str]) -> str:
    lines = []
    for name, messages in errors.items():
        for message in messages:
            extract = " ".join(message.get("extract", "").split())
            lines.append(
                f"{name} ({urls[name]}), line {message.get('lastLine', '?')}: "
                f"{message['message']}\n    {extract}"
            )
    return f"{len(lines)} HTML errors:\n" + "\n".join(lines)


@pytest.mark.django_db
def test_every_site_page_is_valid_html(seeded, analyst, editor, tmp_path):
    require_tool("java", "Java (apt-get install -y default-jre-headless)")
    require_tool(VNU_JAR, "the Nu HTML checker (npm ci, at the top of the repository)")
    editor_client = signed_in(editor)
    pasted = editor_client.post("/intake/", intake_article())
    assert pasted.status_code == 302, pasted.content.decode()[-2000:]

    pages = {
        **fetch(signed_in(analyst), analyst_pages()),
        **fetch(editor_client, editor_pages(pasted["Location"])),
        **fetch(Client(), signed_out_pages()),
    }
    # The same report again: refused, its title marked as already recorded.
    refused = editor_client.post("/intake/", {**intake_article(), "text": "Another text."})
    assert refused.status_code == 200 and b"field-error" in refused.content
    pages["intake, a refused report"] = ("/intake/ (POST)", refused.content.decode())
    documents = {name: html for name, (_, html) in pages.items()}
    errors = validate({**documents, "broken document": BROKEN}, tmp_path)
    for name, html in documents.items():
        errors[name] += missing_references(html)

    # The checker read the files: the broken one's error is there.
    assert any("time" in e["message"] for e in errors.pop("broken document")), "vnu read nothing"
    assert len(pages) >= 20, sorted(pages)
    found = {name: messages for name, messages in errors.items() if messages}
    assert not found, report(found, {name: url for name, (url, _) in pages.items()})
