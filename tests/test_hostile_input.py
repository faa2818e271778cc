"""Hostile input is inert: text an editor pasted — or an archive brought in — that looks like
HTML or a spreadsheet formula is shown as the text it is, wherever it is shown.

Every text field of a small world holds its own hostile string: a formula prefix (`=`, `+`,
`-`, `@`), then a script element and an attribute break-out with an inline handler, all
carrying the field's tag, e.g. ``=HYPERLINK("//e.x","a")<script>x("ENG_TITLE")</script>"><img
src=x onerror=x("ENG_TITLE")>``. Each page is then parsed: it must contain no element or
attribute that came from the data (no inline script, no `<img src=x>`, no `on…` handler, no
`javascript:` link), and the decoded text of the page must hold each expected field's string
whole — shown, and shown as text. CSV cells are neutralised; JSON carries the strings as data.
"""

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from events import services
from events.exports import FORMULA_PREFIXES, neutralise_formula
from events.fuzzydates import FuzzyDate
from events.models import (
    Actor,
    CounterpartClaim,
    Engagement,
    Interpretation,
    Office,
    OfficeHolding,
    Source,
    StickingPoint,
)
from events.services import CitationInput
from tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("//e.x","a")', "+cmd|'/C calc'!A0", "-2+3", "@SUM(1)"]
TAGS = [
    # actors
    "A_NAME",
    "A_SHORT",
    "B_NAME",
    "B_SHORT",
    "P_NAME",
    "P_ALIAS",
    "P_DESC",
    "I_NAME",
    "I_SHORT",
    "OFF_TITLE",
    # channel and status
    "CH_SUMMARY",
    "SC_EXPL",
    # sources and citations
    "SRC_OUTLET",
    "SRC_TITLE",
    "SRC_RELAYS",
    "SRC_TEXT",
    "CIT_PASS",
    "CIT_LOC",
    "CIT_CLAIM",
    # engagements
    "ENG_TITLE",
    "ENG_LOC",
    "ENG_PURP",
    "ENG_SIGN",
    "HELD_TITLE",
    "STEP_NOTE",
    "CHAR_WORDS",
    # statements, readings, claims, sticking points
    "ST_TEXT",
    "ST_VENUE",
    "INT_READ",
    "CC_RATIO",
    "SP_TITLE",
    "SP_DESC",
]
JAVASCRIPT_URL = "javascript:alert(document.cookie)"


def hostile(tag: str) -> str:
    formula = FORMULAS[TAGS.index(tag) % len(FORMULAS)]
    return f'{formula}<script>x("{tag}")</script>"><img src=x onerror=x("{tag}")>'


H = {tag: hostile(tag) for tag in TAGS}


def new_engagement(*, when: FuzzyDate, **fields) -> Engagement:
    engagement = Engagement(**fields)
    engagement.when = when
    return engagement


@pytest.fixture
def world(db, editor):
    """One channel between two states, every text field hostile, built through the services
    where there is one (as the admin and the intake write), otherwise as the admin saves."""
    party_a = Actor.objects.create(
        kind="state", name=H["A_NAME"], short_name=H["A_SHORT"], slug="state-a"
    )
    party_b = Actor.objects.create(
        kind="state", name=H["B_NAME"], short_name=H["B_SHORT"], slug="state-b"
    )
    ministry = Actor.objects.create(
        kind="institution",
        name=H["I_NAME"],
        short_name=H["I_SHORT"],
        slug="ministry-a",
        state=party_a,
    )
    person = Actor.objects.create(
        kind="person",
        name=H["P_NAME"],
        slug="person-a",
        state=party_a,
        aliases=f"Plain alias\n{H['P_ALIAS']}",
        description=H["P_DESC"],
    )
    office = Office.objects.create(title=H["OFF_TITLE"], institution=ministry)
    OfficeHolding.objects.create(person=person, office=office)

    source = services.source_create(
        kind="major_outlet",
        outlet=H["SRC_OUTLET"],
        title=H["SRC_TITLE"],
        published=FuzzyDate.parse("5 September 2025"),
        url="https://news.example.org/report",
        relays=H["SRC_RELAYS"],
        text=f"{H['SRC_TEXT']}\n\n“{H['ST_TEXT']}”, said the minister on 5 September 2025.",
        user=editor,
    )
    # An address that is no web link, as an archive or an old row might hold: never a link.
    Source.objects.filter(pk=source.pk).update(url=JAVASCRIPT_URL)
    source.refresh_from_db()
    cited = [
        CitationInput(
            source=source,
            passage=H["CIT_PASS"],
            passage_is_verbatim=True,
            locator=H["CIT_LOC"],
            claim=H["CIT_CLAIM"],
        )
    ]

    channel = services.channel_create(
        party_a=party_a,
        party_b=party_b,
        track="diplomatic",
        slug="hostile",
        summary=H["CH_SUMMARY"],
        citations=cited,
        user=editor,
    )
    services.status_change_record(
        channel=channel,
        status="stalled",
        date=FuzzyDate.parse("3 September 2025"),
        explanation=H["SC_EXPL"],
        citations=cited,
        user=editor,
    )
    upcoming = services.engagement_create(
        engagement=new_engagement(
            channel=channel,
            kind="meeting",
            title=H["ENG_TITLE"],
            location=H["ENG_LOC"],
            purpose=H["ENG_PURP"],
            significance=H["ENG_SIGN"],
            initiator=party_a,
            when=FuzzyDate.parse("late October 2025"),
        ),
        state="proposed",
        reported=FuzzyDate.parse("4 September 2025"),
        citations=cited,
        user=editor,
    )
    services.engagement_transition(
        engagement=upcoming,
        to_state="scheduled",
        date=FuzzyDate.parse("5 September 2025"),
        note=H["STEP_NOTE"],
        citations=cited,
        user=editor,
    )
    services.characterisation_create(
        engagement=upcoming, side=party_a, words=H["CHAR_WORDS"], citations=cited, user=editor
    )
    ParticipationFactory(engagement=upcoming, actor=person, side=party_a)
    services.engagement_create(
        engagement=new_engagement(
            channel=channel,
            kind="phone_call",
            title=H["HELD_TITLE"],
            when=FuzzyDate.parse("1 September 2025"),
        ),
        state="held",
        reported=FuzzyDate.parse("2 September 2025"),
        citations=cited,
        user=editor,
    )
    statement = services.statement_create(
        speaker=person,
        text=H["ST_TEXT"],
        stance="critical",
        said=FuzzyDate.parse("5 September 2025"),
        venue=H["ST_VENUE"],
        channels=[channel],
        citations=cited,
        user=editor,
    )
    Interpretation.objects.create(
        statement=statement, side=party_b, emphasis="downplays", reading=H["INT_READ"]
    )
    claim = CounterpartClaim.objects.create(
        channel=channel,
        office=office,
        claimant=party_a,
        counterpart_person=person,
        rationale=H["CC_RATIO"],
    )
    point = StickingPoint.objects.create(
        channel=channel, title=H["SP_TITLE"], kind="incident", description=H["SP_DESC"]
    )
    point.statements.add(statement)
    point.counterpart_claims.add(claim)
    return {"channel": channel, "person": person, "source": source, "statement": statement}


# --- Reading a page as a browser would ---------------------------------------------------------


class Page(HTMLParser):
    """A page's decoded text (text nodes and attribute values) and anything in it that runs."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.inline_scripts: list[str] = []
        self.injected: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()
        # Text nodes run together (a <mark> splits a word from its neighbours), then attributes.
        self.decoded = "".join(self.text) + "\n" + "\n".join(self.attributes)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = not attributes.get("src")
        if tag == "img" and attributes.get("src") == "x":
            self.injected.append("<img src=x>")
        for name, value in attrs:
            if name.startswith("on"):
                self.injected.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:")):
                self.injected.append(f"<{tag} {name}={value!r}>")
            if value:
                self.attributes.append(value)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts.append(data)
        else:
            self.text.append(data)


def assert_inert(html: str, *, tags: list[str]) -> Page:
    """Nothing from the data runs on the page, and each tagged field is there as text."""
    for raw in ("<script>x(", "<img src=x", JAVASCRIPT_URL):
        assert raw not in html, f"unescaped {raw!r} in the page"
    page = Page(html)
    assert page.injected == []
    assert all('x("' not in script for script in page.inline_scripts)
    missing = [tag for tag in tags if H[tag] not in page.decoded]
    assert missing == [], f"not shown (as text) on the page: {missing}"
    return page


def get_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


# --- Pages -------------------------------------------------------------------------------------

CITATION = ["SRC_OUTLET", "CIT_PASS", "CIT_LOC", "CIT_CLAIM"]

PAGES = {
    "board": ("/", ["A_SHORT", "B_SHORT", "ENG_TITLE", "HELD_TITLE"]),
    "channel board": (
        "/channels/hostile/",
        [
            "A_NAME",
            "B_NAME",
            "A_SHORT",
            "B_SHORT",
            "CH_SUMMARY",
            "SC_EXPL",
            *CITATION,
            "ENG_TITLE",
            "ENG_LOC",
            "ENG_PURP",
            "ENG_SIGN",
            "HELD_TITLE",
            "STEP_NOTE",
            "CHAR_WORDS",
            "P_NAME",
            "ST_TEXT",
            "ST_VENUE",
            "INT_READ",
            "CC_RATIO",
            "OFF_TITLE",
            "I_SHORT",
            "SP_TITLE",
            "SP_DESC",
        ],
    ),
    "engagement list": (
        "/engagements/",
        ["ENG_TITLE", "ENG_LOC", "HELD_TITLE", "P_NAME", "A_SHORT", "B_SHORT"],
    ),
    "statement list": (
        "/statements/",
        ["ST_TEXT", "ST_VENUE", "P_NAME", "INT_READ", "B_SHORT", *CITATION],
    ),
    "statement search": ("/statements/?q=script", ["ST_TEXT", "P_NAME"]),
    "actor list": ("/actors/", ["A_NAME", "A_SHORT", "P_NAME", "I_NAME", "I_SHORT"]),
    "source list": ("/sources/", ["SRC_OUTLET", "SRC_TITLE", "SRC_RELAYS"]),
    "actor page": (
        "/actors/person-a/",
        [
            "P_NAME",
            "P_ALIAS",
            "P_DESC",
            "A_NAME",
            "OFF_TITLE",
            "I_NAME",
            "I_SHORT",
            "ENG_TITLE",
            "ST_TEXT",
            "ST_VENUE",
            "INT_READ",
            "CC_RATIO",
            *CITATION,
        ],
    ),
    "timeline": ("/timeline/", ["SC_EXPL", "ST_TEXT", "ENG_TITLE", "STEP_NOTE", *CITATION]),
}


@pytest.mark.parametrize(("url", "tags"), PAGES.values(), ids=PAGES.keys())
def test_pages_show_hostile_text_as_text(world, client, url, tags):
    assert_inert(get_page(client, url), tags=tags)


@pytest.mark.parametrize(
    "url", ["/engagements/", "/statements/", "/statements/?q=script", "/actors/", "/sources/"]
)
def test_htmx_fragments_show_hostile_text_as_text(world, client, url):
    response = client.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert_inert(response.content.decode(), tags=[])


def test_search_highlighting_escapes_around_the_marks(world, client):
    html = get_page(client, "/statements/?q=script")

    assert "<mark>" in html
    assert_inert(html, tags=["ST_TEXT"])


def test_editor_pages_show_hostile_text_as_text(world, editor_client):
    source = world["source"]
    assert_inert(get_page(editor_client, f"/intake/{source.pk}/"), tags=["SRC_TEXT"])
    assert_inert(get_page(editor_client, "/quality/"), tags=[])


def test_admin_pages_show_hostile_text_as_text(world, admin_client):
    statement, channel = world["statement"], world["channel"]
    for url, tags in [
        ("/admin/events/statement/", ["ST_TEXT"]),
        (f"/admin/events/statement/{statement.pk}/change/", ["ST_TEXT", "ST_VENUE"]),
        ("/admin/events/actor/", ["P_NAME"]),
        (f"/admin/events/channel/{channel.pk}/change/", ["CH_SUMMARY"]),
        (f"/admin/events/statement/{statement.pk}/history/", []),
    ]:
        assert_inert(get_page(admin_client, url), tags=tags)


# --- Source addresses: links only to the web ---------------------------------------------------


def test_a_source_address_that_is_not_http_is_never_a_link(world, client):
    for url in ["/channels/hostile/", "/sources/", "/statements/", "/actors/person-a/"]:
        html = get_page(client, url)
        assert 'href="javascript' not in html.lower()


def test_an_http_source_address_is_a_link(world, client):
    Source.objects.filter(pk=world["source"].pk).update(url="https://news.example.org/a?b=1&c=2")

    html = get_page(client, "/sources/")

    assert '<a href="https://news.example.org/a?b=1&amp;c=2" rel="noopener noreferrer">' in html


@pytest.mark.parametrize(
    ("address", "link"),
    [
        ("https://news.example.org/report", "https://news.example.org/report"),
        ("HTTP://NEWS.EXAMPLE.ORG/", "HTTP://NEWS.EXAMPLE.ORG/"),
        ("  https://news.example.org/  ", "https://news.example.org/"),
        ("javascript:alert(1)", ""),
        ("JavaScript:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("vbscript:msgbox(1)", ""),
        ("ftp://files.example.org/report.pdf", ""),
        ("//news.example.org/report", ""),
        ("https:alert(1)", ""),
        ("news.example.org/report", ""),
        ("", ""),
    ],
)
def test_web_url_filter_keeps_only_http_addresses(address, link):
    rendered = Template("{% load diplomacy %}{{ address|web_url }}").render(
        Context({"address": address})
    )

    assert rendered == link


def test_entering_a_javascript_source_address_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        services.source_create(
            kind="major_outlet",
            outlet="Outlet",
            title="Title",
            published=FuzzyDate.parse("5 September 2025"),
            url=JAVASCRIPT_URL,
        )

    assert "url" in refused.value.message_dict


# --- Atom feeds --------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # well-formed XML whatever the data
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
            "summary_type": entry.find(f"{ATOM}summary").get("type"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


@pytest.mark.parametrize("url", ["/feeds/board.atom", "/channels/hostile/feed.atom"])
def test_feed_entries_carry_hostile_text_escaped_in_their_html(world, client, url):
    entries = feed_entries(client, url)

    # The status change, three lifecycle steps, the statement, the characterisation and the
    # sticking point raised.
    assert len(entries) == 7
    summaries = "\n".join(entry["summary"] for entry in entries)
    assert {entry["summary_type"] for entry in entries} == {"html"}
    # The summary is HTML a feed reader renders: the data in it must be escaped there.
    tags = ["SC_EXPL", "STEP_NOTE", "ST_TEXT", *CITATION, "SRC_TITLE", "CHAR_WORDS", "SP_DESC"]
    assert_inert(summaries, tags=[*tags, "SP_TITLE"])
    # Titles are plain text (Atom's default type): the words as they are, nothing to render.
    assert any(H["HELD_TITLE"] in entry["title"] for entry in entries)


# --- CSV and JSON downloads --------------------------------------------------------------------


def download_csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(raw)))


def assert_no_cell_is_a_formula(rows: list[dict]):
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_PREFIXES), (column, cell)


EXPORTS = {
    "engagements": (
        "/engagements/?format=csv",
        {
            "title": "ENG_TITLE",
            "location": "ENG_LOC",
            "channel": "A_SHORT",
            "initiator": "A_NAME",
            "participants": "P_NAME",
            "sources": "SRC_OUTLET",
        },
    ),
    "statements": (
        "/statements/?format=csv",
        {
            "speaker": "P_NAME",
            "text": "ST_TEXT",
            "venue": "ST_VENUE",
            "channels": "A_SHORT",
            "interpretations": "INT_READ",
            "sources": "SRC_OUTLET",
        },
    ),
    "actors": ("/actors/?format=csv&q=P_NAME", {"name": "P_NAME", "state": "A_NAME"}),
    "sources": (
        "/sources/?format=csv",
        {"outlet": "SRC_OUTLET", "title": "SRC_TITLE", "relays": "SRC_RELAYS"},
    ),
}


@pytest.mark.parametrize(("url", "columns"), EXPORTS.values(), ids=EXPORTS.keys())
def test_csv_cells_never_start_a_formula(world, client, url, columns):
    rows = download_csv(client, url)

    assert rows
    assert_no_cell_is_a_formula(rows)
    for column, tag in columns.items():
        cells = [row[column] for row in rows if H[tag] in row[column]]
        assert cells, f"{column} does not carry {tag}"
        for cell in cells:
            if cell.lstrip("'").startswith(H[tag]):
                assert cell.startswith("'" + H[tag]), (column, cell)


def test_csv_keeps_the_text_itself_after_the_quote(world, client):
    rows = download_csv(client, "/statements/?format=csv")

    (row,) = [row for row in rows if H["ST_TEXT"] in row["text"]]
    assert row["text"] == "'" + H["ST_TEXT"]  # nothing lost but the formula's power


def test_csv_aliases_and_source_addresses_are_neutralised(world, client):
    Actor.objects.filter(slug="person-a").update(aliases=f"{H['P_ALIAS']}\nPlain alias")
    Source.objects.filter(pk=world["source"].pk).update(url='=HYPERLINK("//e.x")')

    actors = download_csv(client, "/actors/?format=csv")
    sources = download_csv(client, "/sources/?format=csv")

    (person,) = [row for row in actors if row["name"] == "'" + H["P_NAME"]]
    assert person["aliases"] == "'" + H["P_ALIAS"] + "; Plain alias"
    assert sources[0]["url"] == '\'=HYPERLINK("//e.x")'
    assert_no_cell_is_a_formula(actors + sources)


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1+1",
        "-2+3",
        "@SUM(1)",
        "\t=1+1",
        "\r=1+1",
        '=HYPERLINK("http://evil.example/","click")',
        "=cmd|' /C calc'!A0",
    ],
)
def test_neutralise_formula_quotes_every_formula_start(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["Plain words", "2+3", "'=already quoted", "", "a=b"])
def test_neutralise_formula_leaves_other_text_alone(text):
    assert neutralise_formula(text) == text


def test_leading_tab_or_carriage_return_in_a_quote_is_neutralised(world, client):
    """Services strip whitespace; a row written otherwise (an archive import) may keep it."""
    statement = world["statement"]
    type(statement).objects.filter(pk=statement.pk).update(text="\t=1+1 and more")

    rows = download_csv(client, "/statements/?format=csv")

    assert [row["text"] for row in rows if "=1+1" in row["text"]] == ["'\t=1+1 and more"]


def json_strings(value):
    """Every string in a JSON document, as it is."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


@pytest.mark.parametrize("url", ["/statements/?format=json", "/engagements/?format=json"])
def test_json_downloads_carry_the_strings_as_data(world, client, url):
    response = client.get(url)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    strings = list(json_strings(json.loads(b"".join(response.streaming_content))))
    assert H["ST_TEXT" if "statements" in url else "ENG_TITLE"] in strings


# --- The read API --------------------------------------------------------------------------------


def api_json(client, url: str):
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_api_returns_hostile_strings_exactly_as_data(world, client):
    statement = world["statement"]

    data = api_json(client, f"/api/statements/{statement.pk}/")
    channel = api_json(client, "/api/channels/hostile/")
    engagements = api_json(client, "/api/engagements/?channel=hostile")["results"]
    sources = api_json(client, "/api/sources/")["results"]
    actor = api_json(client, "/api/actors/person-a/")
    points = api_json(client, "/api/sticking-points/?channel=hostile")["results"]
    claims = api_json(client, "/api/counterpart-claims/?channel=hostile")["results"]

    assert data["text"] == H["ST_TEXT"]
    assert data["venue"] == H["ST_VENUE"]
    assert data["citations"][0]["passage"] == H["CIT_PASS"]
    assert data["citations"][0]["outlet"] == H["SRC_OUTLET"]
    assert channel["current_status"]["explanation"] == H["SC_EXPL"]
    assert {e["title"] for e in engagements} == {H["ENG_TITLE"], H["HELD_TITLE"]}
    assert sources[0]["title"] == H["SRC_TITLE"]
    assert actor["name"] == H["P_NAME"]
    assert points[0]["title"] == H["SP_TITLE"] and points[0]["description"] == H["SP_DESC"]
    assert claims[0]["rationale"] == H["CC_RATIO"]


@pytest.mark.parametrize(
    "url",
    ["/api/statements/", "/api/channels/hostile/", "/api/actors/person-a/", "/api/sources/"],
)
def test_browsable_api_shows_hostile_strings_escaped(world, client, url):
    response = client.get(url, headers={"Accept": "text/html"})

    assert response.status_code == 200
    html = response.content.decode()
    for raw in ("<script>x(", "<img src=x"):
        assert raw not in html
    assert Page(html).injected == []
