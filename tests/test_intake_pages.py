"""The article-intake pages: an editor pastes a report, reads the suggestions, and accepts some of
them as cited records that then show on the channel boards.

The articles in tests/articles/ were written for these tests; the seed article is read from the
shared folder next to the repository (skipped when absent)."""

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import escape

from events.models import Actor, Channel, Characterisation, Citation, Engagement, Source, Statement
from tests.factories import StateFactory
from tests.pages import notes_behind

ARTICLES = Path(__file__).parent / "articles"
GENEVA = (ARTICLES / "geneva-talks.txt").read_text(encoding="utf-8")
SEED_ARTICLE = settings.BASE_DIR.parent / "shared" / "seed-article.txt"

OUTLET, TITLE = "Lakeside Wire", "Rubio and Wang hold talks in Geneva"
CANDID = "We had a candid exchange on trade and on military safety"
CANDID_SENTENCE = f'"{CANDID}," Rubio said after the session.'
FRANK = "frank and useful"
FRANK_SENTENCE = "Officials described the meeting as 'frank and useful'."
RUBIO_IN_MALAYSIA = "Rubio meets China's Foreign Minister in Malaysia"


def article_form(**overrides) -> dict:
    return {
        "text": GENEVA,
        "outlet": OUTLET,
        "title": TITLE,
        "published": "2026-03-10",
        "url": "https://example.org/geneva",
        "kind": "major_outlet",
        **overrides,
    }


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def section(page: str, heading: str) -> str:
    """The part of the suggestions page under an <h3> heading, up to the next one."""
    start = page.index(f"<h3>{heading}</h3>")
    following = page.find("<h3>", start + 1)
    return page[start : following if following != -1 else len(page)]


def forms_of_kind(page: str, kind: str) -> list[str]:
    return re.findall(rf'<form [^>]*data-kind="{kind}">.*?</form>', page, flags=re.DOTALL)


def article_of(page: str, element_id: str) -> str:
    """The <article id="…"> block of a board (articles are not nested on the board)."""
    found = re.search(rf'<article [^>]*id="{element_id}">.*?</article>', page, flags=re.DOTALL)
    assert found, f"No #{element_id} on the page."
    return found.group()


def actor(slug: str) -> Actor:
    return Actor.objects.get(slug=slug)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Source, Statement, Characterisation, Citation))


@pytest.fixture
def source(seeded, editor_client) -> Source:
    """The Geneva article, pasted by the editor through the intake form."""
    response = editor_client.post("/intake/", article_form())
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Source.objects.get(outlet=OUTLET, title=TITLE)


def accept(client, source: Source, words: str, **fields):
    start, end = span(source.text, words)
    return client.post(f"/intake/{source.pk}/accept/", {"start": start, "end": end, **fields})


def refused(response) -> str:
    """The suggestions page drawn again after a refused acceptance (status 400), with the
    editor's input kept in the form and the reason beside it."""
    assert response.status_code == 400, response.status_code
    return response.content.decode()


def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Pasting an article --------------------------------------------------------------------------


def test_posting_an_article_records_the_source_and_opens_its_suggestions(
    seeded, editor_client, editor
):
    response = editor_client.post("/intake/", article_form())

    source = Source.objects.get(outlet=OUTLET)
    assert response.status_code == 302
    assert response["Location"] == f"/intake/{source.pk}/"
    assert source.text == GENEVA  # the text as pasted, not stripped
    assert (source.outlet, source.title, source.kind) == (OUTLET, TITLE, "major_outlet")
    assert source.published.earliest == source.published.latest == date(2026, 3, 10)
    assert source.url == "https://example.org/geneva"

    page = page_text(editor_client.get(response["Location"]))
    assert f"<h1>{TITLE}</h1>" in page
    assert f"{OUTLET}, 10 March 2026" in page


def test_suggestions_page_lists_quotes_characterisations_dates_channels_and_actors(
    source, editor_client
):
    page = page_text(editor_client.get(f"/intake/{source.pk}/"))

    channels = section(page, "Channels it bears on")
    assert '<a href="/channels/us-china-diplomatic/">US–China Diplomatic</a>' in channels
    assert '<a href="/channels/us-china-military/">US–China Military-to-military</a>' in channels
    assert channels.index("us-china-diplomatic") < channels.index("us-china-military")

    statements = forms_of_kind(page, "statement")
    quotes = [re.search(r"“(.*?)”", form).group(1) for form in statements]
    assert quotes == [CANDID, "Both sides agreed to keep talking", "mutual respect, not lectures"]
    candid = statements[0]
    start, end = span(source.text, CANDID)
    assert f'name="start" value="{start}"' in candid and f'name="end" value="{end}"' in candid
    rubio, wang = actor("marco-rubio"), actor("wang-yi")
    assert f'<option value="{rubio.pk}" selected>Marco Rubio</option>' in candid
    assert f'<option value="{wang.pk}" selected>Wang Yi</option>' in statements[2]

    (characterisation,) = forms_of_kind(page, "characterisation")
    assert f"“{FRANK}”" in characterisation
    malaysia = Engagement.objects.get(title=RUBIO_IN_MALAYSIA)
    assert f'<option value="{malaysia.pk}">{escape(RUBIO_IN_MALAYSIA)}' in characterisation
    us = actor("united-states")
    assert f'<option value="{us.pk}" selected>US</option>' in characterisation

    dates = section(page, "Dates").split("<li>")[1:]
    by_date = {re.search(r"<strong>(.*?)</strong>", item).group(1): item for item in dates}
    assert list(by_date) == [
        "4 March 2026",
        "2–4 June 2026",
        "Q3 2025",
        "February 2026",
        "12 November 2024",
    ]
    # Expected in Q3 2025, but the article appeared in March 2026: flagged, and only that one.
    assert (
        "Expected date Q3 2025 lies before the publication date (10 March 2026): the sentence "
        "looks forward (“expected”)." in by_date["Q3 2025"]
    )
    assert [name for name, item in by_date.items() if 'class="flag' in item] == ["Q3 2025"]

    actors = section(page, "Known actors and offices named")
    for name, slug in [("Marco Rubio", "marco-rubio"), ("Wang Yi", "wang-yi")]:
        assert f'{name} <span class="muted">' in actors
        assert f'<a href="/actors/{slug}/">page</a>' in actors
    assert "Secretary of State, US Department of State" in actors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"outlet": ""}, "outlet", "This field is required."),
        ({"published": "2026-02-30"}, "published", "Enter a valid date."),
        ({"published": "next Tuesday"}, "published", "Enter a valid date."),
        ({"text": ""}, "text", "This field is required."),
    ],
    ids=["missing-outlet", "impossible-date", "unreadable-date", "no-text"],
)
def test_bad_input_shows_the_field_message_and_records_nothing(
    seeded, editor_client, overrides, field, message
):
    before = counts()
    response = editor_client.post("/intake/", article_form(**overrides))

    page = page_text(response)
    assert response.context["form"].errors[field] == [message]
    error = re.search(
        rf'<label for="id_{field}">.*?'
        rf'<p class="field-error" id="id_{field}_error" role="alert">(.*?)</p>',
        page,
        flags=re.DOTALL,
    )
    assert error and error.group(1) == message
    assert counts() == before


def test_the_same_outlet_and_title_twice_is_refused_on_the_title(source, editor_client):
    before = counts()
    response = editor_client.post("/intake/", article_form(text="Another text altogether."))

    page = page_text(response)
    message = f"{OUTLET}: “{TITLE}” is already recorded; open it instead."
    assert response.context["form"].errors["title"] == [message]
    assert f'<p class="field-error" id="id_title_error" role="alert">{message}</p>' in page
    assert counts() == before
    assert Source.objects.get(outlet=OUTLET).text == GENEVA


def test_a_source_without_pasted_text_has_no_suggestions_page(seeded, editor_client):
    bare = Source.objects.filter(text="").first()
    assert bare is not None
    assert editor_client.get(f"/intake/{bare.pk}/").status_code == 404
    assert editor_client.get("/intake/999999/").status_code == 404


# --- Accepting suggestions -----------------------------------------------------------------------


def test_accepting_a_quote_records_a_cited_statement_on_its_channel(source, editor_client, client):
    rubio = actor("marco-rubio")
    diplomatic = Channel.objects.get(slug="us-china-diplomatic")

    response = accept(
        editor_client,
        source,
        CANDID,
        kind="statement",
        speaker=rubio.pk,
        stance="cooperative",
        channel=diplomatic.pk,
    )

    assert response.status_code == 302
    start, end = span(source.text, CANDID)
    assert response["Location"] == f"/intake/{source.pk}/#s-statement-{start}-{end}"
    statement = Statement.objects.get(text=CANDID)
    assert (statement.speaker, statement.stance, statement.is_verbatim) == (
        rubio,
        "cooperative",
        True,
    )
    assert list(statement.channels.all()) == [diplomatic]
    (citation,) = statement.citations.all()
    assert citation.source == source
    assert citation.passage == CANDID_SENTENCE
    assert citation.passage in source.text
    assert citation.passage_is_verbatim
    assert citation.locator == f"characters {start}–{end}"

    confirmation = page_text(editor_client.get(response["Location"]))
    assert "Recorded statement:" in confirmation and "It cites this source." in confirmation

    # The analyst sees it on the channel's board; its footnote leads to the outlet, the linked
    # report and the passage.
    board = page_text(client.get("/channels/us-china-diplomatic/"))
    shown = article_of(board, f"statement-{statement.pk}")
    assert f"<p>“{CANDID}”</p>" in shown
    assert "— Marco Rubio" in shown and "Cooperative" in shown
    cited = notes_behind(shown, board)
    assert f'<span class="source__outlet">{OUTLET}</span>' in cited
    assert '<a class="source__title" href="https://example.org/geneva"' in cited
    assert f'<q class="source__passage">{escape(CANDID_SENTENCE)}</q>' in cited


def test_accepting_a_characterisation_records_it_under_its_engagement(
    source, editor_client, client
):
    malaysia = Engagement.objects.get(title=RUBIO_IN_MALAYSIA)
    us = actor("united-states")

    response = accept(
        editor_client, source, FRANK, kind="characterisation", engagement=malaysia.pk, side=us.pk
    )

    assert response.status_code == 302
    characterisation = Characterisation.objects.get(words=FRANK)
    assert (characterisation.engagement, characterisation.side) == (malaysia, us)
    (citation,) = characterisation.citations.all()
    assert (citation.source, citation.passage) == (source, FRANK_SENTENCE)
    assert citation.passage_is_verbatim

    board = page_text(client.get("/channels/us-china-diplomatic/"))
    shown = article_of(board, f"engagement-{malaysia.pk}")
    assert f"<strong>US’s description:</strong> “{FRANK}”" in shown
    described = notes_behind(shown[shown.index(FRANK) :].split("</p>")[0], board)
    assert OUTLET in described
    assert f'<q class="source__passage">{escape(FRANK_SENTENCE)}</q>' in described


@pytest.mark.parametrize(
    ("words", "fields", "message"),
    [
        (CANDID, {"kind": "statement", "stance": "neutral"}, "Choose who said it."),
        (
            FRANK,
            {"kind": "characterisation"},
            "Choose the engagement and whose words they are.",
        ),
    ],
    ids=["statement-without-speaker", "characterisation-without-engagement"],
)
def test_accepting_without_who_or_what_records_nothing(
    source, editor_client, words, fields, message
):
    before = counts()
    response = accept(editor_client, source, words, **fields)

    page = refused(response)
    assert counts() == before
    assert f"Not recorded: {message}" in page


def test_a_characterisation_by_a_state_outside_the_channel_is_refused(source, editor_client):
    malaysia = Engagement.objects.get(title=RUBIO_IN_MALAYSIA)
    outsider = StateFactory(name="Republic of Elsewhere", short_name="Elsewhere")
    before = counts()

    response = accept(
        editor_client,
        source,
        FRANK,
        kind="characterisation",
        engagement=malaysia.pk,
        side=outsider.pk,
    )

    page = refused(response)
    assert counts() == before
    assert "is not a party to" in page and "Not recorded:" in page
    # The editor's choices are still in the form.
    assert f'<option value="{outsider.pk}" selected>' in page


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        (lambda n: (10, n + 1), "That suggestion no longer matches the article text."),
        (lambda n: (n, n + 40), "That suggestion no longer matches the article text."),
        (lambda n: (40, 40), "That suggestion no longer matches the article text."),
        (lambda n: (50, 20), "That suggestion no longer matches the article text."),
        (lambda n: (-1, 20), "That suggestion could not be read; try again from the list."),
        (lambda n: ("ten", 20), "That suggestion could not be read; try again from the list."),
    ],
    ids=["end-beyond-text", "both-beyond-text", "empty", "reversed", "negative", "not-a-number"],
)
def test_tampered_offsets_record_nothing(source, editor_client, offsets, message):
    start, end = offsets(len(source.text))
    before = counts()
    response = editor_client.post(
        f"/intake/{source.pk}/accept/",
        {
            "kind": "statement",
            "start": start,
            "end": end,
            "speaker": actor("marco-rubio").pk,
            "stance": "neutral",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/intake/{source.pk}/"
    assert counts() == before
    page = page_text(editor_client.get(response["Location"]))
    assert f'<li class="banner banner--error">{message}</li>' in page


def test_accept_only_takes_a_post(source, editor_client):
    before = counts()
    response = editor_client.get(f"/intake/{source.pk}/accept/?kind=statement&start=0&end=9")
    assert response.status_code == 302
    assert counts() == before


def test_passages_are_whole_sentences_across_abbreviations_and_closing_quotes(
    seeded, editor_client
):
    # "U.S." does not end a sentence; a sentence ending inside closing quotes ends there.
    text = (ARTICLES / "defence-hotline.txt").read_text(encoding="utf-8")
    editor_client.post(
        "/intake/",
        article_form(
            text=text, title="Pentagon presses for a defence hotline", published="2025-10-01"
        ),
    )
    source = Source.objects.get(title="Pentagon presses for a defence hotline")
    quote = "is overdue and should be tested every month."
    accept(
        editor_client,
        source,
        quote,
        kind="statement",
        speaker=actor("pete-hegseth").pk,
        stance="critical",
    )
    (citation,) = Statement.objects.get(text=quote).citations.all()
    assert citation.passage == (
        "The U.S. Defence Secretary told lawmakers that a crisis line with Beijing "
        '"is overdue and should be tested every month."'
    )


def test_seed_article_quote_cites_its_own_sentence(seeded, editor_client):
    if not SEED_ARTICLE.exists():
        pytest.skip(f"The seed article is not at {SEED_ARTICLE}.")
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    editor_client.post(
        "/intake/", article_form(text=text, title="The seed report", published="2025-09-05")
    )
    source = Source.objects.get(title="The seed report")
    quote = "The threat China poses is real and it could be imminent."
    page = page_text(editor_client.get(f"/intake/{source.pk}/"))
    assert f"“{quote}”" in page
    assert (
        "Expected date late 2024 – early 2025 lies before the publication date (5 September 2025)"
        in page
    )
    accept(
        editor_client,
        source,
        quote,
        kind="statement",
        speaker=actor("pete-hegseth").pk,
        stance="hostile",
    )
    (citation,) = Statement.objects.filter(text=quote).latest("pk").citations.all()
    # The sentence ends with the quotation: the passage stops there, not a sentence later, and
    # it begins where its sentence begins.
    assert citation.passage.endswith(f"“{quote}”")
    assert text.count(citation.passage) == 1
    before = text[: text.index(citation.passage)]
    assert before.endswith("\n") or before.rstrip().endswith((".", "?", "!", "”"))


# --- Who may use it ------------------------------------------------------------------------------


def test_analysts_are_refused(source, client):
    before = counts()
    assert client.get("/intake/").status_code == 403
    assert client.post("/intake/", article_form(title="Another")).status_code == 403
    assert client.get(f"/intake/{source.pk}/").status_code == 403
    response = accept(client, source, CANDID, kind="statement", speaker=actor("marco-rubio").pk)
    assert response.status_code == 403
    assert counts() == before


def test_visitors_are_sent_to_sign_in(source, anonymous_client):
    before = counts()
    for url in ("/intake/", f"/intake/{source.pk}/"):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    response = anonymous_client.post("/intake/", article_form(title="Another"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert counts() == before


# --- Links into the admin ------------------------------------------------------------------------


def field_value(form: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{name}" value="([^"]*)"', form)
    assert found, name
    return unescape(found.group(1))


def test_new_engagement_link_opens_the_admin_form_filled_in(source, editor_client):
    page = page_text(editor_client.get(f"/intake/{source.pk}/"))
    dates = section(page, "Dates").split("<li>")[1:]
    (q3,) = [item for item in dates if "<strong>Q3 2025</strong>" in item]
    link = re.search(r'<a href="([^"]+)">New engagement on this date</a>', q3).group(1)
    url = unescape(link)
    assert url.startswith("/admin/events/engagement/add/?")

    form = page_text(editor_client.get(url))

    passage = (
        "A follow-up call between the two defence ministries is expected in Q3 2025, according "
        "to a Pentagon readout."
    )
    assert field_value(form, "when") == "Q3 2025"
    assert field_value(form, "reported") == "10 March 2026"
    assert re.search(
        rf'<select name="source"[^>]*>.*?<option value="{source.pk}" selected>',
        form,
        flags=re.DOTALL,
    )
    textarea = re.search(r'<textarea name="passage"[^>]*>\s*(.*?)</textarea>', form, re.DOTALL)
    assert unescape(textarea.group(1)) == passage
    assert re.search(r'<input type="checkbox" name="passage_is_verbatim"[^>]*checked', form)
    diplomatic = Channel.objects.get(slug="us-china-diplomatic")
    assert re.search(
        rf'<select name="channel"[^>]*>\s*<option value="{diplomatic.pk}" selected>', form
    )
