"""Forms that say what they do, as a user (and a screen reader) meets them: every filter form
drawn by one field template, each control's aria-describedby naming elements that exist, help
shown, errors marked, sorts and the verbatim filter in words, the board's search and party menu
told apart, the intake date help matching its date picker, readings that are sentences, the
"Filters (n)" button, addresses without empty parameters, the admin's inline stylesheet and the
API's branding."""

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from events.models import Interpretation
from events.vocabularies import EMPHASIS_HEADINGS, Emphasis
from tests.factories import StateFactory

pytestmark = pytest.mark.django_db

FILTER_PAGES = ["/", "/engagements/", "/statements/", "/actors/", "/sources/", "/timeline/"]
ARTICLE = (Path(__file__).parent / "articles" / "geneva-talks.txt").read_text(encoding="utf-8")


class Page(HTMLParser):
    """The ids of a page, the elements that name others in aria-describedby, and its controls."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.described: list[tuple[str, dict]] = []
        self.controls: dict[str, dict] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if "aria-describedby" in attributes:
            self.described.append((tag, attributes))
        if tag in ("input", "select", "textarea") and "id" in attributes:
            self.controls[attributes["id"]] = attributes


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def assert_descriptions_exist(html: str, url: str) -> Page:
    page = Page(html)
    assert len(page.ids) == len(set(page.ids)), f"{url}: repeated ids"
    for tag, attributes in page.described:
        for target in attributes["aria-describedby"].split():
            assert target in page.ids, f"{url}: <{tag} id={attributes.get('id')}> names {target}"
    return page


# --- One field template -------------------------------------------------------------------------


@pytest.mark.parametrize("url", FILTER_PAGES)
def test_every_filter_form_is_drawn_by_the_one_field_template(client, seeded, url):
    response = client.get(url)
    used = [template.name for template in response.templates]
    assert "events/_field.html" in used


def test_intake_is_drawn_by_the_same_field_template(editor_client, db):
    response = editor_client.get("/intake/")
    assert "events/_field.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(
    "url",
    [
        *FILTER_PAGES,
        # With errors: the message is described too.
        "/engagements/?during=next+tuesday",
        "/statements/?during=next+tuesday&is_verbatim=maybe",
        "/sources/?during=next+tuesday",
        "/timeline/?during=next+tuesday&days=0",
    ],
)
def test_every_aria_describedby_names_an_element_on_the_page(client, seeded, url):
    assert_descriptions_exist(client.get(url).content.decode(), url)


def test_board_errors_are_described_and_marked_invalid(client, seeded):
    html = get(client, "/?party=atlantis", status=400)
    page = assert_descriptions_exist(html, "/")
    party = page.controls["id_party"]
    assert party["aria-invalid"] == "true"
    assert party["aria-describedby"] == "id_party_error"
    assert "id_party_error" in page.ids


def test_intake_pages_describe_only_what_exists(editor_client, seeded):
    html = get(editor_client, "/intake/")
    page = assert_descriptions_exist(html, "/intake/")
    assert page.controls["id_published"]["aria-describedby"] == "id_published_helptext"

    refused = editor_client.post("/intake/", {"text": "", "outlet": "", "title": "x"})
    page = assert_descriptions_exist(refused.content.decode(), "/intake/ (refused)")
    outlet = page.controls["id_outlet"]
    assert outlet["aria-invalid"] == "true"
    assert outlet["aria-describedby"] == "id_outlet_helptext id_outlet_error"

    posted = editor_client.post(
        "/intake/",
        {
            "text": ARTICLE,
            "outlet": "Lakeside Wire",
            "title": "Rubio and Wang hold talks in Geneva",
            "published": "2026-03-10",
            "kind": "major_outlet",
        },
    )
    assert posted.status_code == 302
    detail = get(editor_client, posted["Location"])
    assert_descriptions_exist(detail, posted["Location"])


def test_the_during_help_is_shown_and_named_by_its_box(client, seeded):
    html = get(client, "/statements/")
    page = Page(html)
    assert page.controls["id_during"]["aria-describedby"] == "id_during_helptext"
    help_text = re.search(r'<p class="helptext" id="id_during_helptext">(.*?)</p>', html).group(1)
    assert text_of(help_text) == "A date or period, e.g. “September 2025”, “Q3 2025”, “2025”."


def test_a_field_with_an_error_says_so_beside_it(client, seeded):
    html = get(client, "/timeline/?during=next+tuesday")
    page = Page(html)
    during = page.controls["id_during"]
    assert during["aria-invalid"] == "true"
    assert during["aria-describedby"] == "id_during_helptext id_during_error"
    message = re.search(r'<p class="field-error" id="id_during_error" role="alert">(.*?)</p>', html)
    assert "is not a date" in text_of(message.group(1))


# --- What each control says ---------------------------------------------------------------------


def test_timeline_show_checkboxes_are_a_group_each_with_its_own_label(client, seeded):
    html = get(client, "/timeline/?kind=status")
    group = re.search(r"<fieldset[^>]*>(.*?)</fieldset>", html, re.S).group(1)
    assert text_of(re.search(r"<legend>(.*?)</legend>", group).group(1)) == "Show"
    boxes = re.findall(r'<label for="(id_kind_\d)"><input type="checkbox"[^>]*id="\1"', group)
    assert len(boxes) == 7  # every box inside its own label
    checked = re.findall(r'<input type="checkbox" name="kind" value="(\w+)"[^>]*checked', group)
    assert checked == ["status"]


@pytest.mark.parametrize("url", FILTER_PAGES)
def test_no_menu_offers_dashes_or_unknown(client, seeded, url):
    html = get(client, url)
    options = [text_of(option) for option in re.findall(r"<option[^>]*>(.*?)</option>", html)]
    assert options
    assert "---------" not in options
    assert "Unknown" not in options


def test_verbatim_filter_is_a_three_way_choice_in_words(client, seeded):
    html = get(client, "/statements/?is_verbatim=false")
    select = re.search(r'<select name="is_verbatim"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="(\w*)"( selected)?>(.*?)</option>', select)
    assert [(value, label) for value, _, label in options] == [
        ("", "Either"),
        ("true", "Verbatim quotes only"),
        ("false", "Paraphrases only"),
    ]
    assert [value for value, selected, _ in options if selected] == ["false"]
    assert '<label for="id_is_verbatim">Verbatim or paraphrase</label>' in html


def test_board_search_and_party_menu_are_told_apart(client, seeded):
    html = get(client, "/")
    assert '<label for="id_q">Search</label>' in html
    assert re.search(r'<input type="search" name="q"[^>]*id="id_q"', html)
    assert "Words in either party’s name, e.g. “Korea”." in html
    assert '<label for="id_party">Party</label>' in html
    assert "Party name" not in html


def test_intake_date_help_matches_its_date_picker(editor_client, db):
    html = get(editor_client, "/intake/")
    assert re.search(r'<input type="date" name="published"', html)
    help_text = re.search(r'id="id_published_helptext">(.*?)</p>', html).group(1)
    assert help_text.startswith("Pick the day it was published.")
    assert "YYYY" not in html


def test_intake_controls_all_carry_the_sites_style(editor_client, db):
    """One rule styles every intake control (static/css/site.css), browser defaults none."""
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert ".form-stack :is(input:not([type=checkbox]" in css
    assert ".suggestion__fields :is(input:not([type=checkbox]" in css
    html = get(editor_client, "/intake/")
    assert '<form method="post" class="form-stack intake-form"' in html


# --- Readings -----------------------------------------------------------------------------------


def test_every_emphasis_has_a_heading_that_reads_as_english():
    assert set(EMPHASIS_HEADINGS) == set(Emphasis)
    china = StateFactory.build(name="People's Republic of China", short_name="China")
    readings = {
        emphasis: Interpretation(side=china, emphasis=emphasis).heading for emphasis in Emphasis
    }
    assert readings == {
        Emphasis.HIGHLIGHTS: "China highlights",
        Emphasis.FOCUSES_ON: "What China takes as the real message",
        Emphasis.DOWNPLAYS: "China downplays",
        Emphasis.DISPUTES: "China disputes",
    }


def test_statement_list_shows_readings_as_sentences(client, seeded):
    html = text_of(get(client, "/statements/"))
    assert "What China takes as the real message: Beijing treats this line" in html
    assert "focuses on as the real message" not in html


# --- Filters (n) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/statements/", 0),
        ("/statements/?stance=hostile", 1),
        ("/statements/?stance=hostile&during=2025&sort=-said", 2),  # sorting is no filter
        ("/timeline/?kind=status&kind=statement&order=recorded", 1),
        ("/?track=military&group=track", 1),
    ],
)
def test_filters_button_counts_the_filters_in_force(client, seeded, url, count):
    html = get(client, url)
    summary = re.search(r'<summary class="[^"]*filters-panel__toggle">(.*?)</summary>', html)
    assert re.sub(r"<[^>]+>", "", summary.group(1)) == f"Filters ({count})"


def test_menu_folds_behind_a_button(client, db):
    html = get(client, "/statements/")
    menu = re.search(r'<details class="nav__menu"[^>]*>\s*<summary[^>]*>(.*?)</summary>', html)
    assert text_of(menu.group(1)) == "Menu"


# --- Addresses without empty parameters ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("/statements/?q=&channel=&stance=hostile&sort=", "/statements/?stance=hostile"),
        ("/engagements/?q=&during=", "/engagements/"),
        ("/timeline/?channel=&kind=status&kind=statement&during=", None),
        ("/sources/?q=+&format=csv", "/sources/?format=csv"),
    ],
)
def test_a_form_sent_without_javascript_lands_on_an_address_without_empty_values(
    client, seeded, url, clean
):
    response = client.get(url)
    assert response.status_code == 302
    expected = clean or "/timeline/?kind=status&kind=statement"
    assert response["Location"] == expected
    assert client.get(expected).status_code == 200


def test_htmx_requests_are_answered_not_redirected(client, seeded):
    response = client.get("/statements/?q=&stance=hostile", headers={"HX-Request": "true"})
    assert response.status_code == 200


# --- Admin and API ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["statement", "engagement", "statuschange", "stickingpoint"])
def test_admin_change_forms_load_the_inline_stylesheet(admin_client, seeded, model):
    html = get(admin_client, f"/admin/events/{model}/add/")
    assert re.search(r'<link href="/static/css/admin\.css[^"]*"[^>]*rel="stylesheet"', html)


def test_browsable_api_is_branded_with_a_way_back(client, db):
    response = client.get("/api/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<a class="navbar-brand" href="/"[^>]*>Diplomacy Monitor</a>', html)
    assert '<a class="navbar-link" href="/">Back to the site</a>' in html
    assert "<title>Diplomacy Monitor API – Diplomacy Monitor read API</title>" in html
    assert "Django REST framework" not in text_of(html)


def test_a_fast_select_writes_the_html_django_writes():
    """FastSelect (events.forms) builds its options by hand for speed: the same HTML as Django's
    own Select, escaping, selection and option groups included."""
    from django import forms as django_forms

    from events.forms import FastSelect

    choices = [
        ("", "Any"),
        ("a&b", 'Tom & "Jerry" <i>'),
        ("Group <1>", [("x", "X's"), ("y", "Y")]),
        (3, "Three"),
    ]
    for value in ("", "a&b", "x", "3", "missing"):
        plain = django_forms.Select(choices=choices).render("party", value, {"id": "id_party"})
        fast = FastSelect(choices=choices).render("party", value, {"id": "id_party"})
        # Django's templates put white space between the tags; browsers ignore it there.
        assert re.sub(r">\s+<", "><", fast) == re.sub(r">\s+<", "><", plain), value
